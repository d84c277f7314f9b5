//! Just enough marketplace for standing to mean something: proposals, contracts, withdrawals.

use crate::error::DomainError;

/// A closed set of names stored and shown as text.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(text: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == text)
            }
        }
    };
}
pub(crate) use string_enum;

string_enum!(
    /// Where a proposal stands. `cancelled_by_system` is final: lifting a hold does not bring
    /// proposals back.
    ProposalStatus {
        Submitted => "submitted",
        Interviewing => "interviewing",
        Withdrawn => "withdrawn",
        Declined => "declined",
        CancelledBySystem => "cancelled_by_system",
        Hired => "hired",
    }
);

impl ProposalStatus {
    /// Still in front of the client: cancelled when the freelancer is put on hold.
    pub const fn is_active(self) -> bool {
        matches!(
            self,
            ProposalStatus::Submitted | ProposalStatus::Interviewing
        )
    }
}

string_enum!(
    /// Where a contract stands. An offer waits for both sides to accept the platform's NDA.
    ContractStatus {
    AwaitingNda => "awaiting_nda",
    Active => "active",
    Paused => "paused",
    Ended => "ended",
}
);

string_enum!(
    /// Where a job post stands. Only an `open` post is listed and takes proposals.
    JobStatus {
        PendingReview => "pending_review",
        Open => "open",
        Rejected => "rejected",
        Closed => "closed",
    }
);

string_enum!(
    /// Who sees a job post (seed 004): everyone in search, only invited freelancers, or nobody
    /// but the client and those they invite (and it is never in search).
    JobVisibility {
        Public => "public",
        InviteOnly => "invite_only",
        Private => "private",
    }
);

impl JobVisibility {
    pub const fn in_search(self) -> bool {
        matches!(self, JobVisibility::Public)
    }
}

string_enum!(
    /// An agent's decision on a job post in review.
    JobReviewDecision {
        Approve => "approve",
        Reject => "reject",
        RequestChanges => "request_changes",
    }
);

impl JobReviewDecision {
    /// The post's status after the decision. A post sent back for changes is not listed until
    /// the client posts it again (a new review).
    pub const fn status(self) -> JobStatus {
        match self {
            JobReviewDecision::Approve => JobStatus::Open,
            JobReviewDecision::Reject | JobReviewDecision::RequestChanges => JobStatus::Rejected,
        }
    }
}

/// A post's status after the policy's decision on its `job.posted` event: refused, sent to the
/// job-post review queue, or approved at once.
pub const fn job_status_after_decision(blocked: bool, in_review: bool) -> JobStatus {
    if blocked {
        JobStatus::Rejected
    } else if in_review {
        JobStatus::PendingReview
    } else {
        JobStatus::Open
    }
}

string_enum!(WithdrawalStatus {
    Requested => "requested",
    Paid => "paid",
    Rejected => "rejected",
});

/// Why a freelancer may not propose on a job again, given her earlier proposals' statuses on
/// it: one live proposal per job, and none once hired. `None` when she may.
pub fn why_not_propose_again(earlier: &[ProposalStatus]) -> Option<&'static str> {
    if earlier.contains(&ProposalStatus::Hired) {
        Some("you were already hired for this job")
    } else if earlier.iter().any(|s| s.is_active()) {
        Some("you already have an active proposal for this job")
    } else {
        None
    }
}

/// Checks a withdrawal against the balance. Amounts are in cents.
pub fn check_withdrawal(available_cents: i64, requested_cents: i64) -> Result<(), DomainError> {
    if requested_cents <= 0 || requested_cents > available_cents {
        return Err(DomainError::InsufficientBalance {
            available_cents,
            requested_cents,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_live_proposal_per_job_and_none_once_hired() {
        use ProposalStatus::*;
        assert_eq!(why_not_propose_again(&[]), None);
        assert_eq!(
            why_not_propose_again(&[Withdrawn, Declined, CancelledBySystem]),
            None
        );
        assert!(why_not_propose_again(&[Withdrawn, Submitted]).is_some());
        assert!(why_not_propose_again(&[Interviewing]).is_some());
        assert_eq!(
            why_not_propose_again(&[Hired]),
            Some("you were already hired for this job")
        );
    }

    #[test]
    fn statuses_round_trip() {
        for s in ProposalStatus::ALL {
            assert_eq!(ProposalStatus::parse(s.as_str()), Some(*s));
        }
        for s in ContractStatus::ALL {
            assert_eq!(ContractStatus::parse(s.as_str()), Some(*s));
        }
        assert_eq!(ProposalStatus::parse("lost"), None);
    }

    #[test]
    fn only_submitted_and_interviewing_are_active() {
        let active: Vec<_> = ProposalStatus::ALL
            .iter()
            .filter(|s| s.is_active())
            .collect();
        assert_eq!(
            active,
            vec![&ProposalStatus::Submitted, &ProposalStatus::Interviewing]
        );
    }

    #[test]
    fn withdrawal_needs_a_positive_amount_within_the_balance() {
        assert!(check_withdrawal(100, 100).is_ok());
        assert!(check_withdrawal(100, 101).is_err());
        assert!(check_withdrawal(100, 0).is_err());
        assert!(check_withdrawal(100, -5).is_err());
    }
}
