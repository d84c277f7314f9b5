//! The enforcement pipeline: an event comes in, detectors read its text, counters and the account
//! are loaded, the policy decides, and the decision, its explanation and its effects are stored
//! in one transaction. The same idempotency key always answers with the same decision.

mod actors;
mod ahead;
mod backtest;
mod batch;
mod counters;
mod effects;
mod fair;
mod pipeline;
mod policy;
mod review;

pub use backtest::{BacktestReport, ChangedDecision, candidate};
pub use counters::{MINHASH_SEED, SIMILAR_LETTER};
pub(crate) use pipeline::Pipeline;
pub use pipeline::PipelineStats;
pub(crate) use policy::POLICY_CHANNEL;
pub use policy::{DEFAULT_POLICY, LivePolicy, LoadedPolicy};

use crate::{App, AppError, AppResult, identity};
use actors::Actor;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use trustwork_core::enforcement::counters::Signal;
use trustwork_core::enforcement::event::TextSource;
use trustwork_core::enforcement::{
    AccountInput, Event, EventData, FindingInput, Plan, PlanInput, parse_event,
};
use trustwork_core::{Restriction, Timestamp};
use trustwork_detect::{ScanContext, Source};
use trustwork_store::events::{StoredDecision, StoredEvent};
use trustwork_store::{Tx, new_id};

/// What the one-event path changed of its actor, for the writer to bring the actor it holds up
/// to date instead of reading it again.
pub(crate) struct ActorChange {
    pub restrictions: Vec<Restriction>,
    pub signals: Vec<Signal>,
    /// The account's payment method was accepted now (its clean job posts go live at once).
    pub payment_verified_at: Option<Timestamp>,
}

/// An account action the decision took.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionTaken {
    #[serde(rename = "type")]
    pub kind: String,
    pub reason_code: String,
    /// The restriction or verification case it created, if it created one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Why it differs from what the rule asked (escalated, already in place).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A decision with its explanation: what the API answers and what is stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionView {
    pub id: String,
    pub event_id: String,
    pub verdict: String,
    pub reason: String,
    pub findings: Vec<FindingInput>,
    pub rules: Vec<String>,
    pub shadow_rules: Vec<String>,
    pub counters: BTreeMap<String, i64>,
    pub account: Option<AccountInput>,
    pub actions: Vec<ActionTaken>,
    pub review_queues: Vec<String>,
    /// The review cases the decision opened (or added weight to).
    #[serde(default)]
    pub review_case_ids: Vec<String>,
    pub rule_errors: Vec<String>,
    pub policy_version: String,
}

/// The ids a decision and its event get.
pub(crate) struct Ids {
    pub decision: String,
    pub event: String,
}

impl DecisionView {
    /// The decision a plan makes, with the actions as they were carried out.
    pub(crate) fn planned(
        ids: Ids,
        plan: &Plan,
        policy: &trustwork_core::enforcement::Policy,
        findings: Vec<FindingInput>,
        actions: Vec<ActionTaken>,
    ) -> Self {
        let outcome = &plan.outcome;
        DecisionView {
            id: ids.decision,
            event_id: ids.event,
            verdict: outcome.verdict.as_str().to_owned(),
            reason: outcome.reason.clone(),
            findings,
            rules: outcome.rules.clone(),
            shadow_rules: outcome.shadow_rules.clone(),
            counters: plan.counters.clone(),
            account: Some(plan.account.clone()),
            actions,
            review_queues: outcome.review_queues.clone(),
            review_case_ids: Vec::new(),
            rule_errors: outcome
                .errors
                .iter()
                .map(|e| format!("{}: {}", e.rule, e.error))
                .collect(),
            policy_version: policy.version.clone(),
        }
    }

    /// The row that keeps it, with the whole explanation as JSON.
    pub(crate) fn stored(&self, actor_id: &str, now: Timestamp) -> AppResult<StoredDecision> {
        let explanation = serde_json::to_string(self)
            .map_err(|e| AppError::Internal(format!("decision not serialisable: {e}")))?;
        Ok(StoredDecision {
            id: self.id.clone(),
            event_id: self.event_id.clone(),
            actor_id: actor_id.to_owned(),
            verdict: self.verdict.clone(),
            reason: self.reason.clone(),
            explanation_json: explanation,
            policy_version: self.policy_version.clone(),
            created_at: now,
            acted: self.verdict != "allow"
                || !self.rules.is_empty()
                || !self.actions.is_empty()
                || !self.review_queues.is_empty()
                || !self.review_case_ids.is_empty(),
        })
    }
}

fn source_of(s: TextSource) -> Source {
    match s {
        TextSource::Profile => Source::Profile,
        TextSource::JobPost => Source::JobPost,
        TextSource::Proposal => Source::Proposal,
        TextSource::Message => Source::Message,
        TextSource::Feedback => Source::Feedback,
    }
}

/// Runs the detectors on the event's text.
pub fn findings_of(event: &Event) -> (String, Vec<FindingInput>) {
    let Some((source, text, contract_active)) = event.text() else {
        return (String::new(), Vec::new());
    };
    let mut ctx = ScanContext::new(source_of(source));
    ctx.contract_active = contract_active;
    let findings = trustwork_detect::scan(&text, &ctx)
        .into_iter()
        .map(|f| FindingInput {
            severity: f.severity().as_str().to_owned(),
            language: f.language.map(str::to_owned),
            category: f.category.as_str().to_owned(),
            kind: f.kind.as_str().to_owned(),
            start: f.start,
            end: f.end,
            value: f.value,
            // Three decimals: enough for a threshold, and exact through JSON and back.
            confidence: (f64::from(f.confidence) * 1000.0).round() / 1000.0,
            rule: f.rule.to_owned(),
        })
        .collect();
    (text, findings)
}

pub(crate) fn stored_event(
    key: &str,
    event: &Event,
    event_id: &str,
    decision_id: &str,
    now: Timestamp,
) -> StoredEvent {
    StoredEvent {
        id: event_id.to_owned(),
        idempotency_key: key.to_owned(),
        event_type: event.event_type.as_str().to_owned(),
        actor_id: event.actor_id.clone(),
        occurred_at: event.occurred_at,
        received_at: now,
        data_json: event.raw_data.to_string(),
        decision_id: decision_id.to_owned(),
    }
}

/// Checks an idempotency key: printable ASCII, 1 to 255 characters.
fn check_key(key: &str) -> AppResult<()> {
    if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| (0x21..0x7f).contains(&b)) {
        return Err(AppError::invalid(
            "Idempotency-Key",
            "must be 1 to 255 printable ASCII characters without spaces",
        ));
    }
    Ok(())
}

/// An event checked and scanned, ready to be decided.
pub(crate) struct Prepared {
    pub key: String,
    pub event: Event,
    pub text: String,
    pub findings: Vec<FindingInput>,
}

/// What tells a replay from a different event under the same key: the event as stored, made
/// only when the key turns out to be taken.
fn fingerprint(
    event_type: &str,
    occurred_at: Timestamp,
    actor_id: &str,
    data: &serde_json::Value,
) -> String {
    serde_json::json!({"type": event_type, "occurred_at": occurred_at.millis(), "actor_id": actor_id, "data": data}).to_string()
}

/// Texts longer than this are scanned on the blocking pool, not on the async threads.
const INLINE_SCAN_BYTES: usize = 8 * 1024;

fn parsed(key: &str, body: &serde_json::Value) -> AppResult<Event> {
    check_key(key)?;
    parse_event(body).map_err(AppError::Event)
}

fn prepare(key: &str, body: &serde_json::Value) -> AppResult<Prepared> {
    Ok(scanned(key.to_owned(), parsed(key, body)?))
}

fn scanned(key: String, event: Event) -> Prepared {
    let (text, findings) = findings_of(&event);
    Prepared {
        key,
        event,
        text,
        findings,
    }
}

/// [`prepare`], with long texts scanned off the async threads.
async fn prepare_off_thread(key: String, body: serde_json::Value) -> AppResult<Prepared> {
    let event = parsed(&key, &body)?;
    let long = event
        .text()
        .is_some_and(|(_, text, _)| text.len() > INLINE_SCAN_BYTES);
    if !long {
        return Ok(scanned(key, event));
    }
    tokio::task::spawn_blocking(move || scanned(key, event))
        .await
        .map_err(|e| AppError::Internal(format!("scanning task failed: {e}")))
}

impl App {
    /// Decides on one event. The same idempotency key returns the stored decision and repeats
    /// no effect; the same key with a different event is a conflict. Events are decided in
    /// arrival order and committed in groups (see `pipeline`).
    pub async fn ingest(
        &self,
        idempotency_key: &str,
        body: &serde_json::Value,
    ) -> AppResult<(DecisionView, bool)> {
        self.ingest_value(idempotency_key, body.clone()).await
    }

    /// [`App::ingest`] with the body handed over (no copy).
    pub async fn ingest_value(
        &self,
        idempotency_key: &str,
        body: serde_json::Value,
    ) -> AppResult<(DecisionView, bool)> {
        let prepared = prepare_off_thread(idempotency_key.to_owned(), body).await?;
        self.submit_one(prepared).await
    }

    /// Decides on many events, in order; each gets its own answer.
    pub async fn ingest_many(
        &self,
        events: Vec<(String, serde_json::Value)>,
    ) -> Vec<AppResult<(DecisionView, bool)>> {
        let mut prepared = Vec::with_capacity(events.len());
        for (key, body) in events {
            prepared.push(prepare_off_thread(key, body).await);
        }
        self.submit_many(prepared).await
    }

    /// Decides on one event in a transaction of its own, without the group commit: the
    /// reference the grouped path is tested against, and its fallback.
    pub async fn ingest_unbatched(
        &self,
        idempotency_key: &str,
        body: &serde_json::Value,
    ) -> AppResult<(DecisionView, bool)> {
        self.ingest_prepared(&prepare(idempotency_key, body)?).await
    }

    pub(crate) async fn ingest_prepared(&self, p: &Prepared) -> AppResult<(DecisionView, bool)> {
        loop {
            let mut tx = self.db().begin().await?;
            // Before this commits: the writer's next group, which begins after it, forgets
            // what it knew of the actor's counters.
            self.pipeline().forgotten().push(&p.event.actor_id);
            // A key used for another event is a conflict to answer, not a race to retry.
            if let Some(done) = self.replay_in(&mut tx, p).await? {
                return Ok((done, true));
            }
            match self.decide_in(&mut tx, p, None).await {
                Ok((view, _)) => {
                    tx.commit().await?;
                    self.wake_outbox();
                    return Ok((view, false));
                }
                Err(AppError::Conflict(message)) => {
                    // Give the write connection back before looking.
                    drop(tx);
                    // Another request with the same key got there first: answer with its decision.
                    if self.key_taken(&p.key).await? {
                        continue;
                    }
                    return Err(AppError::Conflict(message));
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// The stored decision when the key was used before (nothing changed), else a new
    /// decision on the one-event path, from `held` if the writer holds the actor.
    pub(crate) async fn replay_or_decide_in(
        &self,
        tx: &mut Tx,
        p: &Prepared,
        held: Option<&Actor>,
    ) -> AppResult<(DecisionView, bool, Option<ActorChange>)> {
        if let Some(done) = self.replay_in(tx, p).await? {
            return Ok((done, true, None));
        }
        let (view, change) = self.decide_in(tx, p, held).await?;
        Ok((view, false, Some(change)))
    }

    async fn key_taken(&self, key: &str) -> AppResult<bool> {
        let mut tx = self.db().read().await?;
        Ok(tx.event_by_key(key).await?.is_some())
    }

    async fn replay_in(&self, tx: &mut Tx, p: &Prepared) -> AppResult<Option<DecisionView>> {
        let Some(stored) = tx.event_by_key(&p.key).await? else {
            return Ok(None);
        };
        let stored_data = serde_json::from_str(&stored.data_json).unwrap_or_default();
        let same = fingerprint(
            &stored.event_type,
            stored.occurred_at,
            &stored.actor_id,
            &stored_data,
        );
        let asked = fingerprint(
            p.event.event_type.as_str(),
            p.event.occurred_at,
            &p.event.actor_id,
            &p.event.raw_data,
        );
        if same != asked {
            return Err(AppError::Conflict(
                "this Idempotency-Key was already used for a different event".into(),
            ));
        }
        let decision = tx.decision(&stored.decision_id).await?;
        let view: DecisionView = serde_json::from_str(&decision.explanation_json).map_err(|e| {
            AppError::Internal(format!("stored decision {} unreadable: {e}", decision.id))
        })?;
        Ok(Some(view))
    }

    /// The one-event path: loads what the planner reads from the transaction (or, for an actor
    /// the writer holds, from `held`), plans, and writes the plan row by row, carrying out the
    /// actions that need the database (holds and worse, verification requirements, cases that
    /// may be open already, flags). Answers the decision and what it changed of its actor, for
    /// the writer to bring `held` up to date once the event's savepoint is released.
    async fn decide_in(
        &self,
        tx: &mut Tx,
        p: &Prepared,
        held: Option<&Actor>,
    ) -> AppResult<(DecisionView, ActorChange)> {
        let now = self.now();
        let event = &p.event;
        let event_id = new_id("evt");
        let decision_id = new_id("dec");
        let live = self.live_policy().get();
        let policy = &live.policy;

        // First, so that a second request with the same key stops here (unique key).
        tx.insert_event(&stored_event(&p.key, event, &event_id, &decision_id, now))
            .await?;
        // The actor: a sign-up creates it; every other event needs it to exist.
        let account =
            match &event.data {
                EventData::AccountSignup(s) => {
                    identity::create_signed_up(
                        tx,
                        &event.actor_id,
                        s,
                        self.policy().profile_approval_required,
                        now,
                    )
                    .await?
                }
                _ => match held {
                    Some(actor) => actor.account.clone(),
                    None => tx.find_account(&event.actor_id).await?.ok_or_else(|| {
                        AppError::NotFound {
                            entity: "actor account",
                            id: event.actor_id.clone(),
                        }
                    })?,
                },
            };
        // One actor's events are decided one at a time, so counters and "already in place"
        // checks see the previous event's effects (PostgreSQL reads only committed rows).
        tx.lock_account(&account.id).await?;
        // The post as it stood, read once: checked here, replaced after the decision.
        let previous_job = match &event.data {
            EventData::JobPosted(j) => {
                crate::jobs::check_owner_in(tx, &account.id, &j.job_id).await?
            }
            _ => None,
        };
        let matches = identity::remember(tx, &account.id, &event.data, now).await?;

        let letter = counters::letter_signature(event);
        let (own, restrictions) = match held {
            Some(actor) => (actor.counters.clone(), actor.restrictions.clone()),
            None => (
                counters::actor_counters(tx, &account.id, now).await?,
                tx.restrictions_of(&account.id).await?,
            ),
        };
        let mut before =
            counters::before(tx, event, &own, letter.as_ref(), matches.banned, now).await?;
        before.duplicate_account_matches = matches.duplicates;
        before.linked_account_strength = matches.strongest_link();
        before.impossible_travel_kmh = matches.travel.as_ref().map_or(0, |t| i64::from(t.kmh));
        before.devices_1h = matches.devices_1h;
        let mut plan = trustwork_core::enforcement::plan(&PlanInput {
            event,
            text: &p.text,
            findings: &p.findings,
            actor: actors::facts_of(&account),
            restrictions: &restrictions,
            before: &before,
            has_letter: letter.is_some(),
            policy,
            event_id: &event_id,
            decision_id: &decision_id,
            now,
            sample_key: self.sample_key(),
        });
        identity::describe_in_cases(&mut plan, &matches);
        let (actions, applied) =
            effects::carry_out(self, tx, &account, &plan, &decision_id, now).await?;
        counters::record(tx, &account.id, &plan.signals, letter.as_ref(), now).await?;

        let mut view = DecisionView::planned(
            Ids {
                decision: decision_id,
                event: event_id,
            },
            &plan,
            policy,
            p.findings.clone(),
            actions,
        );
        view.review_case_ids = review::open_cases(self, tx, event, &plan, &view, now).await?;
        let blocked = plan.outcome.verdict == trustwork_core::enforcement::policy::Verdict::Block;
        let mut payment_verified_at = None;
        match &event.data {
            EventData::JobPosted(j) => {
                // The case ids come in the plan's order.
                let job_case = plan
                    .cases
                    .iter()
                    .position(|c| c.queue == trustwork_core::review::Queue::JobPosts)
                    .and_then(|i| view.review_case_ids.get(i))
                    .map(String::as_str);
                let job_case = job_case.map(str::to_owned);
                crate::jobs::record_posted_in(
                    self,
                    tx,
                    &account,
                    j,
                    previous_job,
                    blocked,
                    job_case,
                    &view.id,
                    now,
                )
                .await?;
            }
            EventData::PaymentMethodAdded(_) if !blocked => {
                tx.set_payment_verified(&account.id, now).await?;
                payment_verified_at = Some(now);
            }
            _ => {}
        }
        tx.insert_decision(&view.stored(&event.actor_id, now)?)
            .await?;
        if let Some(message) = &plan.message {
            tx.insert_message(message).await?;
        }
        // Subscribers hear of every decision, in this transaction: sent only if it commits.
        crate::webhooks::enqueue_webhooks_in(
            self,
            tx,
            "decision.created",
            serde_json::json!({ "decision": &view }),
            now,
        )
        .await?;
        Ok((
            view,
            ActorChange {
                restrictions: applied,
                signals: plan.signals,
                payment_verified_at,
            },
        ))
    }

    /// The account's recent decisions that did something (a rule fired, an action, a review),
    /// newest first: an allowed event with nothing to say is stored but not listed.
    pub async fn decisions_of(&self, account_id: &str, limit: i64) -> AppResult<Vec<DecisionView>> {
        let mut tx = self.db().read().await?;
        let stored = tx.decisions_of(account_id, limit.clamp(1, 500)).await?;
        stored
            .iter()
            .map(|d| {
                serde_json::from_str(&d.explanation_json).map_err(|e| {
                    AppError::Internal(format!("stored decision {} unreadable: {e}", d.id))
                })
            })
            .collect()
    }

    /// A stored decision with its explanation.
    pub async fn decision(&self, id: &str) -> AppResult<DecisionView> {
        let mut tx = self.db().read().await?;
        let d = tx.decision(id).await?;
        serde_json::from_str(&d.explanation_json)
            .map_err(|e| AppError::Internal(format!("stored decision {id} unreadable: {e}")))
    }
}
