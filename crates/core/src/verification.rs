//! The identity-verification case: required by an agent or the operator, passed, failed or let
//! lapse past its deadline. This module decides what each step changes; the application applies
//! the returned effects in one transaction.

use crate::actor::Actor;
use crate::error::DomainError;
use crate::restriction::{LiftCondition, NewRestriction, ReasonCode, RequiredAction, Severity};
use crate::timestamp::Timestamp;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Waiting for the freelancer to verify.
    Pending,
    /// The agent asked for documents; still open, same deadline.
    NeedsDocuments,
    /// The deadline passed and the account was put on hold; still open, so passing later lifts it.
    Expired,
    /// The call did not settle it: a second agent looks again within two days. The deadline
    /// hold does not fall while the member waits on us.
    FurtherReview,
    Verified,
    Failed,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 6] = [
        CaseStatus::Pending,
        CaseStatus::NeedsDocuments,
        CaseStatus::Expired,
        CaseStatus::FurtherReview,
        CaseStatus::Verified,
        CaseStatus::Failed,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Pending => "pending",
            CaseStatus::NeedsDocuments => "needs_documents",
            CaseStatus::Expired => "expired",
            CaseStatus::FurtherReview => "further_review",
            CaseStatus::Verified => "verified",
            CaseStatus::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub const fn is_open(self) -> bool {
        matches!(
            self,
            CaseStatus::Pending
                | CaseStatus::NeedsDocuments
                | CaseStatus::Expired
                | CaseStatus::FurtherReview
        )
    }
}

/// How long the further-review queue has to decide a case.
pub const FURTHER_REVIEW_SLA_MS: i64 = 2 * crate::timestamp::DAY_MS;
/// Documents asked for after a further review: at least this long to send them.
pub const DOCUMENTS_AFTER_REVIEW_MS: i64 = 3 * crate::timestamp::DAY_MS;

/// What an agent records after looking at the freelancer's identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Verified,
    NeedsDocuments,
    FurtherReview,
    Failed,
}

impl Outcome {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "verified" => Some(Outcome::Verified),
            "needs_documents" => Some(Outcome::NeedsDocuments),
            "further_review" => Some(Outcome::FurtherReview),
            "failed" => Some(Outcome::Failed),
            _ => None,
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Outcome::Verified => "verified",
            Outcome::NeedsDocuments => "needs_documents",
            Outcome::FurtherReview => "further_review",
            Outcome::Failed => "failed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerificationCase {
    pub id: String,
    pub account_id: String,
    pub status: CaseStatus,
    /// Why verification was required (shown to agents, not to the freelancer).
    pub reason: String,
    pub requested_by: Actor,
    pub requested_at: Timestamp,
    pub deadline_at: Timestamp,
    /// Set when the deadline hold was applied, so it is applied once only.
    pub hold_applied_at: Option<Timestamp>,
    pub decided_at: Option<Timestamp>,
    pub decided_by: Option<Actor>,
    pub decision_note: Option<String>,
    /// When a case in further review must be decided by.
    pub review_due_at: Option<Timestamp>,
}

/// A consequence of a case step, for the application to carry out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    ApplyRestriction(NewRestriction),
    /// Lift every active restriction of the account that waits for this action.
    LiftRestrictionsAwaiting(RequiredAction),
    MarkIdentityVerified,
    Notify(Notice),
}

/// The emails a case step sends to the freelancer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    VerificationRequired,
    DocumentsNeeded,
    FurtherReview,
    Verified,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub case: VerificationCase,
    pub effects: Vec<Effect>,
}

/// A new required case. Refused while another case of the account is open: one case at a time
/// keeps one deadline and one banner.
pub fn require(
    id: String,
    account_id: String,
    open_case: Option<&VerificationCase>,
    reason: &str,
    requested_by: Actor,
    now: Timestamp,
    deadline_ms: i64,
) -> Result<Transition, DomainError> {
    if let Some(open) = open_case {
        return Err(DomainError::VerificationAlreadyOpen {
            case_id: open.id.clone(),
        });
    }
    let case = VerificationCase {
        id,
        account_id,
        status: CaseStatus::Pending,
        reason: reason.to_owned(),
        requested_by,
        requested_at: now,
        deadline_at: now.plus_millis(deadline_ms),
        hold_applied_at: None,
        decided_at: None,
        decided_by: None,
        decision_note: None,
        review_due_at: None,
    };
    Ok(Transition {
        case,
        effects: vec![Effect::Notify(Notice::VerificationRequired)],
    })
}

/// The deadline timer fired. Returns `None` when there is nothing to do: the case was decided,
/// the hold was already applied, or the deadline has not come (a timer may fire early after a
/// clock change; it is then rescheduled by the caller).
pub fn expire(case: &VerificationCase, now: Timestamp) -> Option<Transition> {
    let waiting = matches!(
        case.status,
        CaseStatus::Pending | CaseStatus::NeedsDocuments
    );
    if !waiting || case.hold_applied_at.is_some() || now < case.deadline_at {
        return None;
    }
    let mut next = case.clone();
    next.status = CaseStatus::Expired;
    next.hold_applied_at = Some(now);
    let hold = NewRestriction::new(
        ReasonCode::UnverifiedIdentityDeadline,
        Severity::Hold,
        LiftCondition::OnAction(RequiredAction::PassIdentityVerification),
        "Identity verification was not completed within the deadline.",
    );
    Some(Transition {
        case: next,
        // A hold cancels the account's active proposals (see
        // `NewRestriction::cancels_active_proposals`). The hold's own email tells the member
        // why and how to lift it: one event, one email.
        effects: vec![Effect::ApplyRestriction(hold)],
    })
}

/// An agent records the outcome of a verification.
pub fn record_outcome(
    case: &VerificationCase,
    outcome: Outcome,
    actor: Actor,
    note: &str,
    now: Timestamp,
) -> Result<Transition, DomainError> {
    if !case.status.is_open() {
        return Err(DomainError::CaseClosed {
            case_id: case.id.clone(),
            status: case.status.as_str(),
        });
    }
    let mut next = case.clone();
    next.decided_by = Some(actor);
    next.decision_note = Some(note.to_owned());
    let effects = match outcome {
        Outcome::Verified => {
            next.status = CaseStatus::Verified;
            next.decided_at = Some(now);
            vec![
                Effect::LiftRestrictionsAwaiting(RequiredAction::PassIdentityVerification),
                Effect::MarkIdentityVerified,
                Effect::Notify(Notice::Verified),
            ]
        }
        Outcome::NeedsDocuments => {
            // A case whose deadline hold fell stays expired: the hold stays until it passes.
            next.status = if case.hold_applied_at.is_some() {
                CaseStatus::Expired
            } else {
                CaseStatus::NeedsDocuments
            };
            if case.status == CaseStatus::FurtherReview {
                // The deadline did not run against the member while we reviewed: they get at
                // least a few days for the documents.
                next.review_due_at = None;
                let grace = now.plus_millis(DOCUMENTS_AFTER_REVIEW_MS);
                if next.deadline_at < grace {
                    next.deadline_at = grace;
                }
            }
            vec![Effect::Notify(Notice::DocumentsNeeded)]
        }
        Outcome::FurtherReview => {
            if case.status == CaseStatus::FurtherReview {
                return Err(DomainError::InvalidTransition {
                    entity: "verification case",
                    id: case.id.clone(),
                    from: case.status.as_str(),
                    to: "further_review",
                });
            }
            // An expired case keeps its hold; the deadline no longer runs against the member.
            next.status = CaseStatus::FurtherReview;
            next.review_due_at = Some(now.plus_millis(FURTHER_REVIEW_SLA_MS));
            vec![Effect::Notify(Notice::FurtherReview)]
        }
        Outcome::Failed => {
            next.status = CaseStatus::Failed;
            next.decided_at = Some(now);
            let hold = NewRestriction::new(
                ReasonCode::IdentityUncertainty,
                Severity::Hold,
                LiftCondition::OnAction(RequiredAction::PassIdentityVerification),
                note,
            );
            // The hold's email says why and how to lift it: one email for the decision.
            vec![Effect::ApplyRestriction(hold)]
        }
    };
    Ok(Transition {
        case: next,
        effects,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timestamp::DAY_MS;

    const SEVEN_DAYS: i64 = 7 * DAY_MS;

    fn new_case(now: Timestamp) -> VerificationCase {
        let t = require(
            "c1".into(),
            "a1".into(),
            None,
            "profile photo mismatch",
            Actor::Account("agent".into()),
            now,
            SEVEN_DAYS,
        );
        match t {
            Ok(t) => t.case,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn require_sets_a_seven_day_deadline_and_notifies() {
        let now = Timestamp(1_000);
        let case = new_case(now);
        assert_eq!(case.status, CaseStatus::Pending);
        assert_eq!(case.deadline_at, now.plus_days(7));
    }

    #[test]
    fn only_one_open_case_at_a_time() {
        let case = new_case(Timestamp(0));
        let err = require(
            "c2".into(),
            "a1".into(),
            Some(&case),
            "",
            Actor::system("t"),
            Timestamp(1),
            SEVEN_DAYS,
        );
        assert_eq!(
            err,
            Err(DomainError::VerificationAlreadyOpen {
                case_id: "c1".into()
            })
        );
    }

    #[test]
    fn expiry_waits_for_the_deadline() {
        let case = new_case(Timestamp(0));
        assert_eq!(expire(&case, Timestamp(SEVEN_DAYS - 1)), None);
        let t = expire(&case, Timestamp(SEVEN_DAYS));
        let Some(t) = t else { panic!("should expire") };
        assert_eq!(t.case.status, CaseStatus::Expired);
        assert!(matches!(
            &t.effects[0],
            Effect::ApplyRestriction(r) if r.reason == ReasonCode::UnverifiedIdentityDeadline
                && r.severity == Severity::Hold
                && r.cancels_active_proposals()
        ));
        // Firing twice applies nothing more.
        assert_eq!(expire(&t.case, Timestamp(SEVEN_DAYS + 1)), None);
    }

    #[test]
    fn documents_after_further_review_get_a_fresh_deadline() {
        let case = new_case(Timestamp(0));
        let Ok(review) = record_outcome(
            &case,
            Outcome::FurtherReview,
            Actor::system("a"),
            "blurry",
            Timestamp(SEVEN_DAYS - 10),
        ) else {
            panic!("review")
        };
        assert_eq!(review.case.status, CaseStatus::FurtherReview);
        // The deadline passes while we review: nothing falls on the member.
        assert_eq!(expire(&review.case, Timestamp(SEVEN_DAYS + 1)), None);
        let later = Timestamp(SEVEN_DAYS + DAY_MS);
        let Ok(docs) = record_outcome(
            &review.case,
            Outcome::NeedsDocuments,
            Actor::system("b"),
            "send the back of the ID",
            later,
        ) else {
            panic!("docs")
        };
        assert_eq!(docs.case.status, CaseStatus::NeedsDocuments);
        assert_eq!(
            docs.case.deadline_at,
            later.plus_millis(DOCUMENTS_AFTER_REVIEW_MS)
        );
        assert_eq!(docs.case.review_due_at, None);
        assert!(expire(&docs.case, docs.case.deadline_at).is_some());
    }

    #[test]
    fn verified_case_never_expires() {
        let case = new_case(Timestamp(0));
        let t = record_outcome(
            &case,
            Outcome::Verified,
            Actor::system("a"),
            "",
            Timestamp(5),
        );
        let Ok(t) = t else { panic!("verify") };
        assert_eq!(expire(&t.case, Timestamp(SEVEN_DAYS * 2)), None);
    }

    #[test]
    fn passing_after_the_deadline_lifts_the_hold() {
        let case = new_case(Timestamp(0));
        let Some(expired) = expire(&case, Timestamp(SEVEN_DAYS)) else {
            panic!("expire")
        };
        let Ok(t) = record_outcome(
            &expired.case,
            Outcome::Verified,
            Actor::system("agent"),
            "ok",
            Timestamp(SEVEN_DAYS + 10),
        ) else {
            panic!("verify")
        };
        assert_eq!(t.case.status, CaseStatus::Verified);
        assert!(t.effects.contains(&Effect::LiftRestrictionsAwaiting(
            RequiredAction::PassIdentityVerification
        )));
        assert!(t.effects.contains(&Effect::MarkIdentityVerified));
    }

    #[test]
    fn needs_documents_keeps_the_case_open() {
        let case = new_case(Timestamp(0));
        let Ok(t) = record_outcome(
            &case,
            Outcome::NeedsDocuments,
            Actor::system("a"),
            "send a passport",
            Timestamp(1),
        ) else {
            panic!("record")
        };
        assert_eq!(t.case.status, CaseStatus::NeedsDocuments);
        assert!(t.case.status.is_open());
        assert!(expire(&t.case, Timestamp(SEVEN_DAYS)).is_some());
    }

    #[test]
    fn failing_applies_an_identity_uncertainty_hold() {
        let case = new_case(Timestamp(0));
        let Ok(t) = record_outcome(
            &case,
            Outcome::Failed,
            Actor::system("a"),
            "ID did not match",
            Timestamp(1),
        ) else {
            panic!("record")
        };
        assert_eq!(t.case.status, CaseStatus::Failed);
        assert!(t.effects.iter().any(|e| matches!(
            e,
            Effect::ApplyRestriction(r) if r.reason == ReasonCode::IdentityUncertainty
        )));
    }

    #[test]
    fn closed_case_refuses_an_outcome() {
        let case = new_case(Timestamp(0));
        let Ok(t) = record_outcome(
            &case,
            Outcome::Verified,
            Actor::system("a"),
            "",
            Timestamp(1),
        ) else {
            panic!("record")
        };
        let err = record_outcome(
            &t.case,
            Outcome::Failed,
            Actor::system("a"),
            "",
            Timestamp(2),
        );
        assert_eq!(
            err,
            Err(DomainError::CaseClosed {
                case_id: "c1".into(),
                status: "verified"
            })
        );
    }
}
