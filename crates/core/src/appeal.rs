//! Appeals: the account holder asks once, per restriction, for a second look; an agent other
//! than the one who placed the restriction decides. Overturning lifts the restriction and marks it
//! overturned, so it no longer counts against Top Rated or badges (Mastodon: one appeal per
//! decision; Coop: uphold or overturn).

use crate::actor::Actor;
use crate::error::DomainError;
use crate::restriction::Restriction;
use crate::timestamp::Timestamp;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AppealStatus {
    Open,
    /// The restriction stands.
    Upheld,
    /// The restriction was wrong: lifted and marked overturned.
    Overturned,
    /// The restriction was lifted before anyone decided (its cause went away, e.g. the member
    /// verified): nothing is left to decide, so it leaves the queue.
    Closed,
}

impl AppealStatus {
    pub const ALL: [AppealStatus; 4] = [
        AppealStatus::Open,
        AppealStatus::Upheld,
        AppealStatus::Overturned,
        AppealStatus::Closed,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            AppealStatus::Open => "open",
            AppealStatus::Upheld => "upheld",
            AppealStatus::Overturned => "overturned",
            AppealStatus::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// What an agent decides about an appeal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppealDecision {
    Upheld,
    Overturned,
}

impl AppealDecision {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "upheld" => Some(AppealDecision::Upheld),
            "overturned" => Some(AppealDecision::Overturned),
            _ => None,
        }
    }

    pub const fn status(self) -> AppealStatus {
        match self {
            AppealDecision::Upheld => AppealStatus::Upheld,
            AppealDecision::Overturned => AppealStatus::Overturned,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appeal {
    pub id: String,
    pub restriction_id: String,
    pub account_id: String,
    pub statement: String,
    pub status: AppealStatus,
    pub filed_at: Timestamp,
    /// The deciding agent's account id.
    pub decided_by: Option<String>,
    pub decided_at: Option<Timestamp>,
    pub decision_note: Option<String>,
}

/// May the holder of `restriction` appeal it now? Once per restriction, ever (`existing` is the
/// earlier appeal, decided or not), within `window_days` of its placement, and not after it was
/// overturned. Active and lifted restrictions of every severity qualify: a lifted hold still costs
/// Top Rated for 90 days, which is worth appealing.
pub fn may_file(
    restriction: &Restriction,
    existing: Option<&Appeal>,
    now: Timestamp,
    window_days: i64,
) -> Result<(), DomainError> {
    if let Some(a) = existing {
        return Err(DomainError::AppealAlreadyFiled {
            appeal_id: a.id.clone(),
        });
    }
    if restriction.overturned_at.is_some() {
        return Err(DomainError::AlreadyOverturned {
            restriction_id: restriction.id.clone(),
        });
    }
    let closes = restriction.created_at.plus_days(window_days);
    if now >= closes {
        return Err(DomainError::AppealWindowClosed {
            restriction_id: restriction.id.clone(),
            closed_at: closes,
        });
    }
    Ok(())
}

/// May `agent` (an account id) decide this appeal? It must be open, and the agent must not be the
/// one who placed the restriction: a second pair of eyes is the point of an appeal.
pub fn may_decide(
    appeal: &Appeal,
    restriction: &Restriction,
    agent: &str,
) -> Result<(), DomainError> {
    if appeal.status != AppealStatus::Open {
        return Err(DomainError::AppealAlreadyDecided {
            appeal_id: appeal.id.clone(),
        });
    }
    if restriction.actor == Actor::Account(agent.to_owned()) {
        return Err(DomainError::AppealSameAgent {
            appeal_id: appeal.id.clone(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::restriction::{LiftCondition, ReasonCode, Severity};

    fn restriction(actor: Actor) -> Restriction {
        Restriction {
            id: "r1".into(),
            account_id: "a1".into(),
            reason: ReasonCode::Spam,
            severity: Severity::Hold,
            scope: Severity::Hold.default_scope(),
            lift: LiftCondition::Manual,
            actor,
            note: String::new(),
            created_at: Timestamp(0),
            lifted_at: None,
            lifted_by: None,
            lift_note: None,
            overturned_at: None,
        }
    }

    fn appeal(status: AppealStatus) -> Appeal {
        Appeal {
            id: "ap1".into(),
            restriction_id: "r1".into(),
            account_id: "a1".into(),
            statement: "I did not".into(),
            status,
            filed_at: Timestamp(1),
            decided_by: None,
            decided_at: None,
            decision_note: None,
        }
    }

    #[test]
    fn one_appeal_per_restriction_within_the_window() {
        let mut r = restriction(Actor::system("pipeline"));
        let day = |d: i64| Timestamp(0).plus_days(d);
        assert!(may_file(&r, None, day(89), 90).is_ok());
        assert!(matches!(
            may_file(&r, None, day(90), 90),
            Err(DomainError::AppealWindowClosed { .. })
        ));
        let decided = appeal(AppealStatus::Upheld);
        assert_eq!(
            may_file(&r, Some(&decided), day(1), 90).unwrap_err().code(),
            "appeal_already_filed"
        );
        r.lifted_at = Some(day(2));
        assert!(
            may_file(&r, None, day(3), 90).is_ok(),
            "lifted still counts"
        );
        r.overturned_at = Some(day(2));
        assert!(may_file(&r, None, day(3), 90).is_err());
    }

    #[test]
    fn another_agent_decides_once() {
        let r = restriction(Actor::Account("ag1".into()));
        let open = appeal(AppealStatus::Open);
        assert_eq!(
            may_decide(&open, &r, "ag1").unwrap_err().code(),
            "appeal_same_agent"
        );
        assert!(may_decide(&open, &r, "ag2").is_ok());
        assert_eq!(
            may_decide(&appeal(AppealStatus::Overturned), &r, "ag2")
                .unwrap_err()
                .code(),
            "appeal_already_decided"
        );
        let by_system = restriction(Actor::system("timer"));
        assert!(may_decide(&open, &by_system, "ag1").is_ok());
        for s in AppealStatus::ALL {
            assert_eq!(AppealStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(
            AppealDecision::parse("overturned").map(AppealDecision::status),
            Some(AppealStatus::Overturned)
        );
        assert_eq!(AppealDecision::parse("open"), None);
    }
}
