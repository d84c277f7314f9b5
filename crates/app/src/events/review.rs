//! Putting what a decision asks for in front of a human: a review case per queue the policy
//! named, and every flag into the flag queue (weighted by the reporter's record).

use super::DecisionView;
use crate::review::{NewReviewCase, open_review_case_in, record_flag_in};
use crate::{App, AppResult};
use trustwork_core::enforcement::{Event, EventData};
use trustwork_core::review::{EntityType, Queue};
use trustwork_core::{Actor, Timestamp};
use trustwork_store::Tx;

/// What the case is about: its kind, id, and whose account it concerns.
fn subject(event: &Event, queue: Queue, event_id: &str) -> (EntityType, String, String) {
    let actor = event.actor_id.clone();
    match &event.data {
        EventData::MessageSent(_) => (EntityType::Message, event_id.to_owned(), actor),
        EventData::ProposalSubmitted(p) => (EntityType::Proposal, p.proposal_id.clone(), actor),
        EventData::JobPosted(j) => (EntityType::JobPost, j.job_id.clone(), actor),
        EventData::ProfileUpdated(_) => (EntityType::Profile, actor.clone(), actor),
        // A pattern of bad feedback is about the one receiving it.
        EventData::FeedbackLeft(f) if queue == Queue::NegativeFeedback => (
            EntityType::Account,
            f.recipient_id.clone(),
            f.recipient_id.clone(),
        ),
        EventData::FeedbackLeft(f) => (EntityType::Feedback, f.contract_id.clone(), actor),
        _ => (EntityType::Account, actor.clone(), actor),
    }
}

/// The cases the decision asks for: one per review queue it names (unknown names are refused
/// when the policy loads, and skipped here).
pub(crate) fn requested_cases(event: &Event, view: &DecisionView) -> Vec<NewReviewCase> {
    let explanation = serde_json::json!({
        "findings": view.findings,
        "rules": view.rules,
        "counters": view.counters,
        "decision_id": view.id,
        "verdict": view.verdict,
    })
    .to_string();
    let content = event.text().map(|(_, text, _)| text).unwrap_or_default();
    view.review_queues
        .iter()
        .filter_map(|name| Queue::parse(name))
        .map(|queue| {
            let (entity_type, entity_id, subject_account_id) =
                subject(event, queue, &view.event_id);
            NewReviewCase {
                queue,
                subject_account_id,
                entity_type,
                entity_id,
                content: content.clone(),
                explanation_json: explanation.clone(),
                decision_id: Some(view.id.clone()),
                priority: 0,
                weight: 0,
                actor: Actor::system("policy"),
            }
        })
        .collect()
}

pub async fn open_cases(
    app: &App,
    tx: &mut Tx,
    event: &Event,
    view: &DecisionView,
    now: Timestamp,
) -> AppResult<Vec<String>> {
    let mut ids = Vec::new();
    for new in requested_cases(event, view) {
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
