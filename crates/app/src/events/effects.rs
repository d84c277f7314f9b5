//! Carrying out a plan's account actions in the event's transaction (the one-event path):
//! restrictions with every consequence (`standing::apply_in`) and verification requirements.
//! What each action is, after the escalation matrix, the planner decided.

use super::ActionTaken;
use crate::standing::apply_in;
use crate::{App, AppResult};
use trustwork_core::enforcement::{Plan, PlannedAction};
use trustwork_core::{Actor, Restriction, Timestamp};
use trustwork_store::Tx;
use trustwork_store::accounts::Account;

/// How the decision reports a planned action: `id` is what it created, if anything.
pub(crate) fn taken(action: &PlannedAction, id: Option<String>) -> ActionTaken {
    match action {
        PlannedAction::RequireVerification { reason } => ActionTaken {
            kind: "require_verification".into(),
            reason_code: reason.as_str().to_owned(),
            note: id
                .is_none()
                .then(|| "a verification case was already open".to_owned()),
            id,
        },
        PlannedAction::AlreadyInPlace { chosen } => ActionTaken {
            kind: chosen.kind.as_str().into(),
            reason_code: chosen.reason.as_str().to_owned(),
            id: None,
            note: Some("already in place".to_owned()),
        },
        PlannedAction::Restrict { chosen, note, .. } => ActionTaken {
            kind: chosen.kind.as_str().into(),
            reason_code: chosen.reason.as_str().to_owned(),
            id,
            note: note.clone(),
        },
    }
}

/// Carries out the plan's actions; answers how the decision reports them and the restrictions
/// applied.
pub async fn carry_out(
    app: &App,
    tx: &mut Tx,
    account: &Account,
    plan: &Plan,
    decision_id: &str,
    now: Timestamp,
) -> AppResult<(Vec<ActionTaken>, Vec<Restriction>)> {
    let actor = Actor::system("policy");
    let mut taken = Vec::with_capacity(plan.actions.len());
    let mut applied = Vec::new();
    for action in &plan.actions {
        let id = match action {
            PlannedAction::RequireVerification { reason } => {
                app.require_verification_in(
                    tx,
                    &actor,
                    account,
                    &format!("{} (policy decision {decision_id})", reason.label()),
                    now,
                )
                .await?
            }
            PlannedAction::AlreadyInPlace { .. } => None,
            PlannedAction::Restrict { new, .. } => {
                let r = apply_in(app, tx, &actor, account, new.clone(), now).await?;
                let id = r.id.clone();
                applied.push(r);
                Some(id)
            }
        };
        taken.push(self::taken(action, id));
    }
    Ok((taken, applied))
}
