//! Putting what a decision asks for in front of a human: a review case per queue the policy
//! named, and every flag into the flag queue (weighted by the reporter's record).

use super::DecisionView;
use crate::review::{NewReviewCase, open_review_case_in, record_flag_in};
use crate::{App, AppResult};
use trustwork_core::enforcement::{Event, EventData, Plan};
use trustwork_core::{Actor, Timestamp};
use trustwork_store::Tx;

/// The cases the plan asks for, as the review module opens them, with the decision's
/// explanation.
pub(crate) fn requested_cases(plan: &Plan, view: &DecisionView) -> Vec<NewReviewCase> {
    let explanation = serde_json::json!({
        "findings": view.findings,
        "rules": view.rules,
        "counters": view.counters,
        "decision_id": view.id,
        "verdict": view.verdict,
    })
    .to_string();
    plan.cases
        .iter()
        .map(|c| NewReviewCase {
            queue: c.queue,
            subject_account_id: c.subject_account_id.clone(),
            entity_type: c.entity_type,
            entity_id: c.entity_id.clone(),
            content: c.content.clone(),
            explanation_json: explanation.clone(),
            decision_id: Some(view.id.clone()),
            priority: 0,
            weight: 0,
            actor: Actor::system("policy"),
        })
        .collect()
}

pub async fn open_cases(
    app: &App,
    tx: &mut Tx,
    event: &Event,
    plan: &Plan,
    view: &DecisionView,
    now: Timestamp,
) -> AppResult<Vec<String>> {
    let mut ids = Vec::new();
    for new in requested_cases(plan, view) {
        if tx.find_account(&new.subject_account_id).await?.is_none() {
            continue;
        }
        let case = open_review_case_in(app, tx, new, now).await?;
        ids.push(case.id);
    }
    if let EventData::FlagCreated(f) = &event.data
        && tx.find_account(&f.target_account_id).await?.is_some()
    {
        let case = record_flag_in(
            app,
            tx,
            &event.actor_id,
            &f.target_type,
            &f.target_id,
            &f.target_account_id,
            &f.reason,
            f.note.as_deref().unwrap_or(""),
            f.content.as_deref().unwrap_or(""),
            now,
        )
        .await?;
        ids.push(case.id);
    }
    Ok(ids)
}
