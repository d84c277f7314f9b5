//! Carrying out a decision's account actions, with the escalation matrix for repeated warnings.

use super::ActionTaken;
use crate::standing::apply_in;
use crate::{App, AppResult};
use trustwork_core::enforcement::{Action, ActionKind, Outcome, Policy, escalate};
use trustwork_core::restriction::NewRestriction;
use trustwork_core::{Actor, LiftCondition, Restriction, Severity, Timestamp};
use trustwork_store::Tx;
use trustwork_store::accounts::Account;

fn severity_of(kind: ActionKind) -> Option<Severity> {
    match kind {
        ActionKind::Warning => Some(Severity::Warning),
        ActionKind::Hold => Some(Severity::Hold),
        ActionKind::Suspension => Some(Severity::Suspension),
        ActionKind::Ban => Some(Severity::Ban),
        ActionKind::RequireVerification => None,
    }
}

/// What one of a decision's restricting actions comes to for the account, given its active
/// restrictions: the rule's action, or a stronger one for repeated warnings (the escalation
/// matrix), or nothing new when as strong a restriction for the same reason is in place.
pub(crate) enum Planned {
    Restrict {
        chosen: Action,
        new: NewRestriction,
        /// Why it differs from the rule's action.
        note: Option<String>,
    },
    AlreadyInPlace(Action),
}

impl Planned {
    /// How the decision reports it: `id` is the restriction it created, if any.
    pub(crate) fn taken(&self, reason_code: String, id: Option<String>) -> ActionTaken {
        let (chosen, note) = match self {
            Planned::AlreadyInPlace(chosen) => (chosen, Some("already in place".to_owned())),
            Planned::Restrict { chosen, note, .. } => (chosen, note.clone()),
        };
        ActionTaken {
            kind: chosen.kind.as_str().into(),
            reason_code,
            id,
            note,
        }
    }
}

/// Plans `action` (not a verification requirement) against the account's `active` restrictions.
pub(crate) fn plan(
    policy: &Policy,
    outcome: &Outcome,
    action: &Action,
    active: &[&Restriction],
    decision_id: &str,
    now: Timestamp,
) -> Option<Planned> {
    let mut chosen: Action = *action;
    let mut note = None;
    if action.kind == ActionKind::Warning {
        let warnings = active.iter().filter(|r| r.severity == Severity::Warning);
        let any = warnings.clone().count() + 1;
        let same = warnings.filter(|r| r.reason == action.reason).count() + 1;
        if let Some(stronger) = escalate(policy, action.reason, same, any) {
            note = Some(format!(
                "escalated from a warning: {same} active {} warnings, {any} in all",
                action.reason.as_str()
            ));
            chosen = stronger;
        }
    }
    let severity = severity_of(chosen.kind)?;
    // Do not stack: an active restriction as strong for the same reason already says it.
    if severity > Severity::Warning
        && active
            .iter()
            .any(|r| r.reason == chosen.reason && r.severity >= severity)
    {
        return Some(Planned::AlreadyInPlace(chosen));
    }
    let lift = match (severity, chosen.days) {
        (Severity::Warning, _) => LiftCondition::AtTime(now.plus_days(policy.warning_days)),
        (_, Some(days)) => LiftCondition::AtTime(now.plus_days(days)),
        (_, None) => LiftCondition::Manual,
    };
    let text = format!(
        "policy {} decision {decision_id}: {}",
        policy.version,
        outcome.rules.join(", ")
    );
    Some(Planned::Restrict {
        chosen,
        new: NewRestriction::new(chosen.reason, severity, lift, &text),
        note,
    })
}

pub async fn apply(
    app: &App,
    tx: &mut Tx,
    account: &Account,
    policy: &Policy,
    outcome: &Outcome,
    decision_id: &str,
    now: Timestamp,
) -> AppResult<Vec<ActionTaken>> {
    let actor = Actor::system("policy");
    let mut taken = Vec::new();
    for action in &outcome.actions {
        let reason_code = action.reason.as_str().to_owned();
        if action.kind == ActionKind::RequireVerification {
            let id = app
                .require_verification_in(
                    tx,
                    &actor,
                    account,
                    &format!("policy decision {decision_id}"),
                    now,
                )
                .await?;
            taken.push(ActionTaken {
                kind: "require_verification".into(),
                reason_code,
                note: id
                    .is_none()
                    .then(|| "a verification case was already open".to_owned()),
                id,
            });
            continue;
        }
        let restrictions = tx.restrictions_of(&account.id).await?;
        let active: Vec<_> = restrictions.iter().filter(|r| r.is_active(now)).collect();
        let Some(planned) = plan(policy, outcome, action, &active, decision_id, now) else {
            continue;
        };
        let id = match &planned {
            Planned::AlreadyInPlace(_) => None,
            Planned::Restrict { new, .. } => Some(
                apply_in(app, tx, &actor, account, new.clone(), now)
                    .await?
                    .id,
            ),
        };
        taken.push(planned.taken(reason_code, id));
    }
    Ok(taken)
}
