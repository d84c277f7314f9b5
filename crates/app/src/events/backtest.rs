//! Backtests: replay stored events through a candidate policy and say what would change against
//! the decisions the live policy took. Detectors run again on the stored text; counters and the
//! account are taken as they were recorded at the time, so the replay sees what the live policy
//! saw. Nothing is written.

use super::{DecisionView, findings_of};
use crate::{App, AppError, AppResult};
use serde::Serialize;
use std::collections::BTreeMap;
use trustwork_core::Timestamp;
use trustwork_core::enforcement::plan::event_input;
use trustwork_core::enforcement::{AccountInput, Input, Policy, decide, parse_event};

#[derive(Debug, Clone, Serialize)]
pub struct ChangedDecision {
    pub event_id: String,
    pub event_type: String,
    pub actor_id: String,
    pub live_verdict: String,
    pub candidate_verdict: String,
    pub live_rules: Vec<String>,
    pub candidate_rules: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct BacktestReport {
    pub events: usize,
    /// Stored events that could not be replayed (e.g. written by an older schema).
    pub skipped: usize,
    pub changed: Vec<ChangedDecision>,
    /// "live → candidate" verdict pairs and how often each happened.
    pub transitions: BTreeMap<String, usize>,
    /// How often each candidate rule fired.
    pub candidate_rule_hits: BTreeMap<String, usize>,
}

impl App {
    pub async fn backtest(
        &self,
        candidate: &Policy,
        since: Timestamp,
        limit: i64,
    ) -> AppResult<BacktestReport> {
        let mut report = BacktestReport::default();
        let mut from = since;
        let until = self.now().plus_millis(1);
        loop {
            let page = {
                let mut tx = self.db().begin().await?;
                tx.events_between(from, until, 500.min(limit)).await?
            };
            if page.is_empty() {
                break;
            }
            for stored in &page {
                if report.events as i64 >= limit {
                    return Ok(report);
                }
                report.events += 1;
                let raw = serde_json::json!({
                    "type": stored.event_type,
                    "occurred_at": stored.occurred_at.to_rfc3339(),
                    "actor_id": stored.actor_id,
                    "data": serde_json::from_str::<serde_json::Value>(&stored.data_json).unwrap_or_default(),
                });
                let (Ok(event), Ok(live)) =
                    (parse_event(&raw), self.decision(&stored.decision_id).await)
                else {
                    report.skipped += 1;
                    continue;
                };
                let (text, findings) = findings_of(&event);
                let account = live.account.clone().unwrap_or(AccountInput {
                    role: "freelancer".into(),
                    standing: "good".into(),
                    identity_verified: false,
                    payment_verified: false,
                    age_days: 0,
                    active_warnings: 0,
                });
                let event_in = event_input(&event, &text);
                let outcome = decide(
                    candidate,
                    &Input {
                        event: &event_in,
                        findings: &findings,
                        counters: &live.counters,
                        account: &account,
                    },
                );
                for rule in &outcome.rules {
                    *report.candidate_rule_hits.entry(rule.clone()).or_default() += 1;
                }
                let candidate_verdict = outcome.verdict.as_str().to_owned();
                *report
                    .transitions
                    .entry(format!("{} → {}", live.verdict, candidate_verdict))
                    .or_default() += 1;
                if candidate_verdict != live.verdict || outcome.rules != live.rules {
                    report
                        .changed
                        .push(changed(stored, &live, candidate_verdict, outcome.rules));
                }
            }
            let last = page.last().map(|e| e.received_at).unwrap_or(until);
            if page.len() < 500 || last >= until {
                break;
            }
            // Events are ordered by time; the next page starts after the last one seen. Events
            // sharing that exact millisecond at a page edge are few; replaying one twice only
            // counts it twice, never changes anything.
            from = last.plus_millis(1);
        }
        Ok(report)
    }
}

fn changed(
    stored: &trustwork_store::events::StoredEvent,
    live: &DecisionView,
    verdict: String,
    rules: Vec<String>,
) -> ChangedDecision {
    ChangedDecision {
        event_id: stored.id.clone(),
        event_type: stored.event_type.clone(),
        actor_id: stored.actor_id.clone(),
        live_verdict: live.verdict.clone(),
        candidate_verdict: verdict,
        live_rules: live.rules.clone(),
        candidate_rules: rules,
    }
}

/// Parses a candidate policy for a backtest.
pub fn candidate(text: &str) -> AppResult<Policy> {
    Policy::parse(text).map_err(AppError::Policy)
}
