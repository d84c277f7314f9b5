//! Contracts that can be trusted (seed 004): an offer becomes a contract once both sides accept
//! the platform's NDA; hourly contracts bill verified time up to a weekly limit, fixed-price
//! contracts pay milestones funded into escrow; a client may dispute hours or a milestone and an
//! agent settles it.

use crate::marketplace::{ContractStatus, string_enum};

string_enum!(ContractKind {
    Hourly => "hourly",
    Fixed => "fixed",
});

/// The platform's non-disclosure agreement, accepted by both sides before any contract starts.
/// A new text gets a new version; an acceptance records the version it was given for.
pub const NDA_VERSION: &str = "2026-12-01";
pub const NDA_TEXT: &str = "Both parties keep confidential everything the other shares for this contract \
(business information, code, designs, customer data and credentials), use it only to do the contract's \
work, and return or destroy it when the contract ends. Work product and its rights pass to the client \
once it is paid for. This agreement lasts for the contract and three years after it ends.";

/// How long a client has to approve submitted work; then it is approved for them and the money
/// released (a request for changes stops the clock; the next submission starts it again).
pub const MILESTONE_REVIEW_MS: i64 = 14 * crate::timestamp::DAY_MS;

/// The longest weekly limit a contract may set (every hour of a week).
pub const MAX_WEEKLY_LIMIT_HOURS: u32 = 168;
/// The largest amount of one milestone or hourly rate, in cents ($1,000,000).
pub const MAX_AMOUNT_CENTS: i64 = 100_000_000;

/// Which side of a contract someone is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    Client,
    Freelancer,
}

/// The contract's status once the parties named have accepted the NDA.
pub const fn status_after_nda(client_accepted: bool, freelancer_accepted: bool) -> ContractStatus {
    if client_accepted && freelancer_accepted {
        ContractStatus::Active
    } else {
        ContractStatus::AwaitingNda
    }
}

/// Checks an hourly contract's terms: the field at fault and what is wrong with it.
pub fn check_hourly_terms(
    rate_cents: i64,
    weekly_limit_hours: Option<u32>,
) -> Result<(), (&'static str, String)> {
    if !(1..=MAX_AMOUNT_CENTS).contains(&rate_cents) {
        return Err((
            "hourly_rate_cents",
            format!("must be between 1 and {MAX_AMOUNT_CENTS}"),
        ));
    }
    if let Some(limit) = weekly_limit_hours
        && !(1..=MAX_WEEKLY_LIMIT_HOURS).contains(&limit)
    {
        return Err((
            "weekly_limit_hours",
            format!("must be between 1 and {MAX_WEEKLY_LIMIT_HOURS}"),
        ));
    }
    Ok(())
}

pub fn check_amount(field: &str, cents: i64) -> Result<(), String> {
    if (1..=MAX_AMOUNT_CENTS).contains(&cents) {
        Ok(())
    } else {
        Err(format!("{field} must be between 1 and {MAX_AMOUNT_CENTS}"))
    }
}

string_enum!(
    /// Where a fixed-price milestone stands. Its money is in escrow from `funded` until it is
    /// released to the freelancer, refunded to the client or split between them.
    MilestoneStatus {
        Funded => "funded",
        Submitted => "submitted",
        ChangesRequested => "changes_requested",
        Disputed => "disputed",
        Released => "released",
        Refunded => "refunded",
        Split => "split",
    }
);

impl MilestoneStatus {
    /// The money has left escrow.
    pub const fn is_settled(self) -> bool {
        matches!(
            self,
            MilestoneStatus::Released | MilestoneStatus::Refunded | MilestoneStatus::Split
        )
    }
}

string_enum!(
    /// What a party does to a milestone.
    MilestoneAction {
        Submit => "submit",
        Approve => "approve",
        RequestChanges => "request_changes",
        Dispute => "dispute",
    }
);

/// The milestone's status after `by` does `action`, or why they may not.
pub fn milestone_next(
    from: MilestoneStatus,
    action: MilestoneAction,
    by: Party,
) -> Result<MilestoneStatus, String> {
    use MilestoneAction as A;
    use MilestoneStatus as S;
    let (who, to) = match action {
        A::Submit => (Party::Freelancer, S::Submitted),
        A::Approve => (Party::Client, S::Released),
        A::RequestChanges => (Party::Client, S::ChangesRequested),
        A::Dispute => (Party::Client, S::Disputed),
    };
    if by != who {
        return Err(format!(
            "only the {} may {} a milestone",
            match who {
                Party::Client => "client",
                Party::Freelancer => "freelancer",
            },
            action.as_str().replace('_', " ")
        ));
    }
    let allowed = match action {
        A::Submit => matches!(from, S::Funded | S::ChangesRequested),
        A::Approve | A::RequestChanges => from == S::Submitted,
        A::Dispute => matches!(from, S::Funded | S::Submitted | S::ChangesRequested),
    };
    if allowed {
        Ok(to)
    } else {
        Err(format!(
            "a milestone that is {} cannot be {}",
            from.as_str().replace('_', " "),
            match action {
                A::Submit => "submitted",
                A::Approve => "approved",
                A::RequestChanges => "sent back for changes",
                A::Dispute => "disputed",
            }
        ))
    }
}

string_enum!(
    /// How an agent settles a dispute: the freelancer is paid what was disputed, the client is
    /// refunded, or the amount is split.
    DisputeOutcome {
        Paid => "paid",
        Refunded => "refunded",
        Split => "split",
    }
);

string_enum!(
    /// What a client disputes.
    DisputeSubject {
        Hours => "hours",
        Milestone => "milestone",
    }
);

/// Who gets what of a disputed `amount_cents`: `(freelancer, client)`. A split names the
/// freelancer's part, strictly between nothing and everything.
pub fn settle(
    amount_cents: i64,
    outcome: DisputeOutcome,
    freelancer_cents: Option<i64>,
) -> Result<(i64, i64), String> {
    match (outcome, freelancer_cents) {
        (DisputeOutcome::Paid, None) => Ok((amount_cents, 0)),
        (DisputeOutcome::Refunded, None) => Ok((0, amount_cents)),
        (DisputeOutcome::Split, Some(part)) if part > 0 && part < amount_cents => {
            Ok((part, amount_cents - part))
        }
        (DisputeOutcome::Split, Some(_)) => Err(format!(
            "freelancer_cents must be more than 0 and less than the {amount_cents} disputed"
        )),
        (DisputeOutcome::Split, None) => {
            Err("a split needs freelancer_cents, the freelancer's part".into())
        }
        (_, Some(_)) => Err("freelancer_cents is only for a split".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contract_starts_when_both_accept_the_nda() {
        assert_eq!(status_after_nda(false, false), ContractStatus::AwaitingNda);
        assert_eq!(status_after_nda(true, false), ContractStatus::AwaitingNda);
        assert_eq!(status_after_nda(false, true), ContractStatus::AwaitingNda);
        assert_eq!(status_after_nda(true, true), ContractStatus::Active);
    }

    #[test]
    fn milestones_move_by_the_right_party_only() {
        use MilestoneAction as A;
        use MilestoneStatus as S;
        assert_eq!(
            milestone_next(S::Funded, A::Submit, Party::Freelancer),
            Ok(S::Submitted)
        );
        assert!(milestone_next(S::Funded, A::Submit, Party::Client).is_err());
        assert_eq!(
            milestone_next(S::Submitted, A::RequestChanges, Party::Client),
            Ok(S::ChangesRequested)
        );
        assert_eq!(
            milestone_next(S::ChangesRequested, A::Submit, Party::Freelancer),
            Ok(S::Submitted)
        );
        assert_eq!(
            milestone_next(S::Submitted, A::Approve, Party::Client),
            Ok(S::Released)
        );
        assert!(milestone_next(S::Funded, A::Approve, Party::Client).is_err());
        assert_eq!(
            milestone_next(S::Submitted, A::Dispute, Party::Client),
            Ok(S::Disputed)
        );
        for settled in [S::Released, S::Refunded, S::Split, S::Disputed] {
            for action in MilestoneAction::ALL {
                for by in [Party::Client, Party::Freelancer] {
                    assert!(milestone_next(settled, *action, by).is_err());
                }
            }
        }
        assert_eq!(
            milestone_next(S::Released, A::Dispute, Party::Client).unwrap_err(),
            "a milestone that is released cannot be disputed"
        );
    }

    #[test]
    fn a_settlement_adds_up_to_the_amount() {
        assert_eq!(settle(1000, DisputeOutcome::Paid, None), Ok((1000, 0)));
        assert_eq!(settle(1000, DisputeOutcome::Refunded, None), Ok((0, 1000)));
        assert_eq!(
            settle(1000, DisputeOutcome::Split, Some(400)),
            Ok((400, 600))
        );
        assert!(settle(1000, DisputeOutcome::Split, Some(1000)).is_err());
        assert!(settle(1000, DisputeOutcome::Split, Some(0)).is_err());
        assert!(settle(1000, DisputeOutcome::Split, None).is_err());
        assert!(settle(1000, DisputeOutcome::Paid, Some(5)).is_err());
    }

    #[test]
    fn terms_are_bounded() {
        assert!(check_hourly_terms(5000, Some(40)).is_ok());
        assert!(check_hourly_terms(5000, None).is_ok());
        assert!(check_hourly_terms(0, Some(40)).is_err());
        assert_eq!(
            check_hourly_terms(5000, Some(0)).unwrap_err().0,
            "weekly_limit_hours"
        );
        assert!(check_hourly_terms(5000, Some(169)).is_err());
        assert!(check_amount("amount_cents", MAX_AMOUNT_CENTS + 1).is_err());
    }
}
