//! The one place that answers "may this account do C now, and if not, why".

use crate::capability::Capability;
use crate::restriction::{ReasonCode, Restriction, Severity};
use crate::timestamp::{DAY_MS, Timestamp};
use serde::Serialize;

/// The answer to "may this account do C now".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Permission {
    pub allowed: bool,
    /// The reason codes of every active restriction that denies it, oldest first, no repeats.
    pub reasons: Vec<ReasonCode>,
}

/// What a profile waiting for approval withholds (seed 001): proposals and search.
pub const PROFILE_GATE: crate::capability::CapabilitySet =
    crate::capability::CapabilitySet::of(&[Capability::SubmitProposal, Capability::AppearInSearch]);

/// Adds the approval gate to a permission: a freelancer whose profile is not approved yet may
/// not do what [`PROFILE_GATE`] names.
pub fn with_profile_gate(
    mut p: Permission,
    cap: Capability,
    awaiting_approval: bool,
) -> Permission {
    if awaiting_approval && PROFILE_GATE.contains(cap) {
        p.allowed = false;
        p.reasons.push(ReasonCode::ProfileNotApproved);
    }
    p
}

/// May an account with these restrictions do `cap` at `now`?
pub fn permission(restrictions: &[Restriction], cap: Capability, now: Timestamp) -> Permission {
    let mut denying: Vec<&Restriction> =
        restrictions.iter().filter(|r| r.denies(cap, now)).collect();
    denying.sort_by_key(|r| r.created_at);
    let mut reasons = Vec::new();
    for r in denying {
        if !reasons.contains(&r.reason) {
            reasons.push(r.reason);
        }
    }
    Permission {
        allowed: reasons.is_empty(),
        reasons,
    }
}

/// Every capability with its permission, in [`Capability::ALL`] order.
pub fn all_permissions(
    restrictions: &[Restriction],
    now: Timestamp,
) -> Vec<(Capability, Permission)> {
    Capability::ALL
        .into_iter()
        .map(|cap| (cap, permission(restrictions, cap, now)))
        .collect()
}

/// An account's overall standing: the most severe active restriction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    Good,
    Warned,
    OnHold,
    Suspended,
    Banned,
}

impl Standing {
    pub const fn as_str(self) -> &'static str {
        match self {
            Standing::Good => "good",
            Standing::Warned => "warned",
            Standing::OnHold => "on_hold",
            Standing::Suspended => "suspended",
            Standing::Banned => "banned",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            Standing::Good => "Good standing",
            Standing::Warned => "Warned",
            Standing::OnHold => "On hold",
            Standing::Suspended => "Suspended",
            Standing::Banned => "Banned",
        }
    }
}

pub fn standing(restrictions: &[Restriction], now: Timestamp) -> Standing {
    let worst = restrictions
        .iter()
        .filter(|r| r.is_active(now))
        .map(|r| r.severity)
        .max();
    match worst {
        None => Standing::Good,
        Some(Severity::Warning) => Standing::Warned,
        Some(Severity::Hold) => Standing::OnHold,
        Some(Severity::Suspension) => Standing::Suspended,
        Some(Severity::Ban) => Standing::Banned,
    }
}

/// The hold part of Top Rated eligibility: no hold may be active, and the most recent one must
/// have ended at least `cooldown_days` ago (the seeds: "disqualify you from Top Rated status for
/// 90 days after your account is resumed"). A hold overturned on appeal was a mistake and does
/// not count at all.
pub fn top_rated_hold_check(
    restrictions: &[Restriction],
    now: Timestamp,
    cooldown_days: i64,
) -> TopRatedHoldCheck {
    let mut latest_end: Option<Timestamp> = None;
    let counted = restrictions
        .iter()
        .filter(|r| r.severity.counts_as_hold() && r.overturned_at.is_none());
    for r in counted {
        match r.ended_at(now) {
            None => return TopRatedHoldCheck::HoldActive,
            Some(end) => latest_end = latest_end.max(Some(end)),
        }
    }
    match latest_end {
        Some(end) => {
            let eligible_from = end.plus_millis(cooldown_days.saturating_mul(DAY_MS));
            if now >= eligible_from {
                TopRatedHoldCheck::Eligible
            } else {
                TopRatedHoldCheck::CoolingDown { eligible_from }
            }
        }
        None => TopRatedHoldCheck::Eligible,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopRatedHoldCheck {
    Eligible,
    HoldActive,
    CoolingDown { eligible_from: Timestamp },
}

impl TopRatedHoldCheck {
    pub fn is_eligible(self) -> bool {
        matches!(self, TopRatedHoldCheck::Eligible)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actor::Actor;
    use crate::restriction::{HOLD_SCOPE, LiftCondition};

    fn restriction(reason: ReasonCode, severity: Severity, created: i64) -> Restriction {
        Restriction {
            id: format!("r{created}"),
            account_id: "a".into(),
            reason,
            severity,
            scope: severity.default_scope(),
            lift: LiftCondition::Manual,
            actor: Actor::system("test"),
            note: String::new(),
            created_at: Timestamp(created),
            lifted_at: None,
            lifted_by: None,
            lift_note: None,
            overturned_at: None,
        }
    }

    #[test]
    fn good_account_may_do_everything() {
        for (_, p) in all_permissions(&[], Timestamp(0)) {
            assert!(p.allowed);
            assert!(p.reasons.is_empty());
        }
        assert_eq!(standing(&[], Timestamp(0)), Standing::Good);
    }

    #[test]
    fn hold_denies_exactly_its_scope_and_names_the_reason() {
        let hold = restriction(ReasonCode::UnverifiedIdentityDeadline, Severity::Hold, 1);
        let now = Timestamp(5);
        for (cap, p) in all_permissions(std::slice::from_ref(&hold), now) {
            assert_eq!(p.allowed, !HOLD_SCOPE.contains(cap), "{cap:?}");
            if !p.allowed {
                assert_eq!(p.reasons, vec![ReasonCode::UnverifiedIdentityDeadline]);
            }
        }
        assert_eq!(standing(&[hold], now), Standing::OnHold);
    }

    #[test]
    fn reasons_are_listed_oldest_first_without_repeats() {
        let rs = [
            restriction(ReasonCode::Spam, Severity::Hold, 3),
            restriction(ReasonCode::IdentityUncertainty, Severity::Hold, 1),
            restriction(ReasonCode::Spam, Severity::Hold, 2),
        ];
        let p = permission(&rs, Capability::SubmitProposal, Timestamp(10));
        assert_eq!(
            p.reasons,
            vec![ReasonCode::IdentityUncertainty, ReasonCode::Spam]
        );
    }

    #[test]
    fn ban_denies_login_and_outranks_holds() {
        let rs = [
            restriction(ReasonCode::Spam, Severity::Hold, 1),
            restriction(ReasonCode::MultipleAccounts, Severity::Ban, 2),
        ];
        let p = permission(&rs, Capability::Login, Timestamp(3));
        assert!(!p.allowed);
        assert_eq!(p.reasons, vec![ReasonCode::MultipleAccounts]);
        assert_eq!(standing(&rs, Timestamp(3)), Standing::Banned);
    }

    #[test]
    fn warning_restricts_nothing() {
        let rs = [restriction(ReasonCode::Spam, Severity::Warning, 1)];
        assert!(
            all_permissions(&rs, Timestamp(2))
                .iter()
                .all(|(_, p)| p.allowed)
        );
        assert_eq!(standing(&rs, Timestamp(2)), Standing::Warned);
    }

    #[test]
    fn top_rated_waits_ninety_days_after_the_lift() {
        let lifted_at = Timestamp(1_000 * DAY_MS);
        let mut hold = restriction(ReasonCode::Spam, Severity::Hold, 0);
        assert_eq!(
            top_rated_hold_check(std::slice::from_ref(&hold), lifted_at, 90),
            TopRatedHoldCheck::HoldActive
        );
        hold.lifted_at = Some(lifted_at);
        let rs = [hold];
        let at = |days: i64| top_rated_hold_check(&rs, lifted_at.plus_days(days), 90);
        assert!(!at(89).is_eligible());
        assert!(at(90).is_eligible());
        assert!(at(91).is_eligible());
        assert_eq!(
            at(0),
            TopRatedHoldCheck::CoolingDown {
                eligible_from: lifted_at.plus_days(90)
            }
        );
    }

    #[test]
    fn warnings_do_not_affect_top_rated() {
        let rs = [restriction(ReasonCode::Spam, Severity::Warning, 0)];
        assert!(top_rated_hold_check(&rs, Timestamp(1), 90).is_eligible());
    }

    #[test]
    fn the_latest_hold_counts() {
        let mut a = restriction(ReasonCode::Spam, Severity::Hold, 0);
        a.lifted_at = Some(Timestamp(10 * DAY_MS));
        let mut b = restriction(ReasonCode::Harassment, Severity::Hold, 0);
        b.lifted_at = Some(Timestamp(50 * DAY_MS));
        let rs = [a, b];
        assert!(!top_rated_hold_check(&rs, Timestamp(139 * DAY_MS), 90).is_eligible());
        assert!(top_rated_hold_check(&rs, Timestamp(140 * DAY_MS), 90).is_eligible());
    }

    #[test]
    fn an_overturned_hold_does_not_count_at_the_edges() {
        let lifted_at = Timestamp(1_000 * DAY_MS);
        let mut wrong = restriction(ReasonCode::Spam, Severity::Hold, 0);
        wrong.lifted_at = Some(lifted_at);
        let mut real = restriction(ReasonCode::Harassment, Severity::Hold, 0);
        real.lifted_at = Some(lifted_at.plus_days(-30));
        let rs = [wrong.clone(), real.clone()];
        let at = |rs: &[Restriction], days: i64| {
            top_rated_hold_check(rs, lifted_at.plus_days(days), 90).is_eligible()
        };
        // Counted, the later hold decides: 89 no, 90 yes, 91 yes.
        assert!(!at(&rs, 89) && at(&rs, 90) && at(&rs, 91));
        // Overturned, only the earlier one counts: eligible 30 days sooner.
        wrong.overturned_at = Some(lifted_at);
        let rs = [wrong.clone(), real];
        assert!(!at(&rs, 59) && at(&rs, 60) && at(&rs, 61));
        // Alone, an overturned hold costs nothing, even while not yet lifted.
        wrong.lifted_at = None;
        assert_eq!(
            top_rated_hold_check(&[wrong], lifted_at, 90),
            TopRatedHoldCheck::Eligible
        );
    }
}
