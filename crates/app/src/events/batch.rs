//! Deciding a group of events in one transaction (the group commit).
//!
//! The common case — a message, a profile edit, a job post or a withdrawal whose decision opens
//! no case and whose actions are warnings (or nothing) — is decided from what the writer holds
//! of the actor (account, restrictions, counters; see `actors`) and written with the commit, in
//! one round trip on SQLite ([`Committing::finish`]); a warning's restriction, audit record,
//! timer and email are built as the one-event path builds them. Anything else (a sign-up, a flag, feedback, a proposal, a replayed key, a
//! hold or worse, a case to open) goes through the one-event path inside the same transaction,
//! behind a savepoint, after the rows decided so far are written; if the actor has more events
//! in the group, its state is then loaded again from what the transaction holds.
//!
//! Both paths give the same decision for the same events: `tests/it/pipeline.rs` checks that
//! against [`App::ingest_unbatched`].

use super::actors::{Actor, ActorCache};
use super::ahead::Ahead;
use super::counters::{self, Stored};
use super::effects::{self, Planned};
use super::{ActionTaken, review};
use super::{DecisionView, Ids, Prepared, account_input, event_input, stored_event};
use crate::review::{case_audit, case_to_open};
use crate::standing::{RESTRICTION_END, RestrictionRows, restriction_rows};
use crate::webhooks::deliveries_for;
use crate::webhooks::standing_changed_payload;
use crate::{App, AppError, AppResult};
use std::collections::{HashMap, HashSet};
use trustwork_core::audit::AuditRecord;
use trustwork_core::enforcement::{ActionKind, EventData, Input, Outcome, Policy, decide};
use trustwork_core::review::ReviewCase;
use trustwork_core::{Actor as CoreActor, Restriction, Role, Severity, Timestamp};
use trustwork_store::events::{StoredDecision, StoredEvent};
use trustwork_store::signals::NewSignal;
use trustwork_store::webhooks::{WebhookDelivery, WebhookSubscription};
use trustwork_store::{GroupRows, GroupStart, NewTimer, Tx, new_id};

/// One event's result in a group.
pub(super) enum Decided {
    Done(Box<AppResult<(DecisionView, bool)>>),
    /// Decide it again on its own after the group commits (its key was taken meanwhile by
    /// another server node).
    Retry,
}

/// Rows decided but not written yet.
#[derive(Default)]
pub(super) struct Rows {
    events: Vec<StoredEvent>,
    decisions: Vec<StoredDecision>,
    signals: Vec<NewSignal>,
    deliveries: Vec<WebhookDelivery>,
    /// Warnings, with their audit records, timers and emails.
    warnings: Vec<RestrictionRows>,
    /// Review cases of messages, with their audit records.
    cases: Vec<(ReviewCase, AuditRecord)>,
    /// Some webhook delivery or email was written by this group.
    queued_work: bool,
    /// The accounts this group warned in memory.
    warned: HashSet<String>,
}

/// A group's answers, in order.
pub(super) struct Group {
    pub results: Vec<Decided>,
    /// How many events were decided on the one-event path.
    pub one_by_one: usize,
    /// How many were decided ahead, while the group before committed.
    pub decided_ahead: usize,
    /// Mail or webhook deliveries were queued: the workers have something to send.
    pub wake_workers: bool,
}

impl Rows {
    /// All the rows, to write at once.
    fn group_rows(&self) -> GroupRows<'_> {
        GroupRows {
            events: &self.events,
            decisions: &self.decisions,
            signals: &self.signals,
            restrictions: self.warnings.iter().map(|w| &w.restriction).collect(),
            audits: (self.warnings.iter().map(|w| &w.audit))
                .chain(self.cases.iter().map(|(_, audit)| audit))
                .collect(),
            timers: (self.warnings.iter())
                .filter_map(|w| {
                    let (id, due_at) = w.timer.as_ref()?;
                    Some(NewTimer {
                        id,
                        kind: RESTRICTION_END,
                        subject_id: &w.restriction.id,
                        due_at: *due_at,
                        created_at: w.restriction.created_at,
                    })
                })
                .collect(),
            emails: self.warnings.iter().map(|w| &w.email).collect(),
            cases: self.cases.iter().map(|(case, _)| case).collect(),
            deliveries: &self.deliveries,
        }
    }

    /// The accounts this group warned in memory, written or not.
    fn warned_accounts(&self) -> HashSet<String> {
        let mut warned = self.warned.clone();
        warned.extend(
            self.warnings
                .iter()
                .map(|w| w.restriction.account_id.clone()),
        );
        warned
    }

    /// Writes the rows decided so far (before an event goes down the one-event path).
    async fn flush(&mut self, tx: &mut Tx) -> AppResult<()> {
        tx.insert_group_rows(&self.group_rows()).await?;
        let queued_work =
            self.queued_work || !self.deliveries.is_empty() || !self.warnings.is_empty();
        let mut warned = std::mem::take(&mut self.warned);
        warned.extend(
            self.warnings
                .iter()
                .map(|w| w.restriction.account_id.clone()),
        );
        *self = Rows {
            queued_work,
            warned,
            ..Rows::default()
        };
        Ok(())
    }
}

/// Events the group can decide from memory, when their decision turns out to take no action.
pub(super) fn decided_in_memory(data: &EventData) -> bool {
    matches!(
        data,
        EventData::MessageSent(_)
            | EventData::ProfileUpdated(_)
            | EventData::JobPosted(_)
            | EventData::WithdrawalRequested(_)
    )
}

/// The account actions of `outcome` when all of them can be taken in memory — warnings that do
/// not escalate, and actions already in place — with the warnings' rows; `None` sends the event
/// down the one-event path. Staff accounts take no action (as there).
fn actions_in_memory(
    app: &App,
    actor: &Actor,
    policy: &Policy,
    outcome: &Outcome,
    decision_id: &str,
    now: Timestamp,
) -> Option<(Vec<ActionTaken>, Vec<RestrictionRows>)> {
    let mut taken = Vec::new();
    let mut warnings: Vec<RestrictionRows> = Vec::new();
    let account = &actor.account;
    if account.role == Role::Admin || account.role.is_staff() {
        return Some((taken, warnings));
    }
    for action in &outcome.actions {
        if action.kind == ActionKind::RequireVerification {
            return None;
        }
        // A second warning of the same decision sees the first, as on the one-event path.
        let active: Vec<&Restriction> = actor
            .restrictions
            .iter()
            .chain(warnings.iter().map(|w| &w.restriction))
            .filter(|r| r.is_active(now))
            .collect();
        let reason_code = action.reason.as_str().to_owned();
        let Some(planned) = effects::plan(policy, outcome, action, &active, decision_id, now)
        else {
            continue;
        };
        let id = match &planned {
            Planned::AlreadyInPlace(_) => None,
            Planned::Restrict { new, .. } => {
                // Holds and worse cancel proposals, end sessions, list fingerprints: not here.
                if new.severity != Severity::Warning {
                    return None;
                }
                let rows =
                    restriction_rows(app, &CoreActor::system("policy"), account, new.clone(), now);
                let id = rows.restriction.id.clone();
                warnings.push(rows);
                Some(id)
            }
        };
        taken.push(planned.taken(reason_code, id));
    }
    Some((taken, warnings))
}

/// Decides `p` from the actor's loaded state, if the decision opens no case and its actions can
/// be taken in memory; `None` sends it down the one-event path.
pub(super) fn decide_in_memory(
    app: &App,
    p: &Prepared,
    actor: &mut Actor,
    policy: &Policy,
    subscriptions: &[WebhookSubscription],
    rows: &mut Rows,
    now: Timestamp,
) -> AppResult<Option<DecisionView>> {
    let stored = Stored {
        contact_attempts_30d: actor.contact_attempts_30d(now),
        payment_attempts_30d: actor.payment_attempts_30d(now),
        recipients_1h: actor.recipients_1h(now),
        ..Stored::default()
    };
    let counters = counters::assemble(&p.event, &p.findings, false, &stored);
    let account = account_input(&actor.account, &actor.restrictions, now);
    let event_in = event_input(&p.event, p.text.clone());
    let outcome = decide(
        policy,
        &Input {
            event: &event_in,
            findings: &p.findings,
            counters: &counters,
            account: &account,
        },
    );
    // A message's case is about the message itself, so it is always a new case; any other
    // entity may have one open already (the one-event path adds to it).
    let message = matches!(p.event.data, EventData::MessageSent(_));
    if !outcome.review_queues.is_empty() && !message {
        return Ok(None);
    }
    let ids = Ids {
        decision: new_id("dec"),
        event: new_id("evt"),
    };
    let Some((actions, warnings)) =
        actions_in_memory(app, actor, policy, &outcome, &ids.decision, now)
    else {
        return Ok(None);
    };
    rows.events.push(stored_event(
        &p.key,
        &p.event,
        &ids.event,
        &ids.decision,
        now,
    ));
    for warning in warnings {
        actor.restrictions.push(warning.restriction.clone());
        if !subscriptions.is_empty() {
            let payload =
                standing_changed_payload(&warning.restriction, &actor.restrictions, "applied", now);
            rows.deliveries.extend(deliveries_for(
                subscriptions,
                "standing.changed",
                &payload,
                now,
            ));
        }
        rows.warnings.push(warning);
    }
    let mut view = DecisionView::new(
        ids,
        &outcome,
        policy,
        p.findings.clone(),
        counters,
        account,
        actions,
    );
    for new in review::requested_cases(&p.event, &view) {
        let opened_by = new.actor.clone();
        let case = case_to_open(app, new, now);
        let audit = case_audit(&opened_by, &case, true, now);
        view.review_case_ids.push(case.id.clone());
        rows.cases.push((case, audit));
    }
    rows.decisions.push(view.stored(&p.event.actor_id, now)?);
    let signals = counters::signals_of(&p.event, &view.event_id, &p.findings, now);
    for s in &signals {
        if s.account_id == actor.account.id {
            actor.record(s.kind, &s.ref_id, s.at);
        }
    }
    rows.signals.extend(signals);
    if !subscriptions.is_empty() {
        rows.deliveries.extend(deliveries_for(
            subscriptions,
            "decision.created",
            &serde_json::json!({ "decision": &view }),
            now,
        ));
    }
    Ok(Some(view))
}

/// Decides the group in one transaction, which [`Committing::finish`] commits. An error means
/// nothing was stored; the caller decides each event on its own then. `ahead`: the first events
/// of the group, decided while the group before committed ([`super::ahead`]); used if it still
/// holds.
pub(super) async fn decide_group(
    app: &App,
    actors: &mut ActorCache,
    items: &[Prepared],
    ahead: Option<Ahead>,
) -> AppResult<Committing> {
    let now = app.now();
    let live = app.live_policy().get();
    let policy = &live.policy;
    let started = std::time::Instant::now();
    let keys: Vec<&str> = items.iter().map(|p| p.key.as_str()).collect();
    let GroupStart {
        mut tx,
        taken,
        changed,
    } = app.db().begin_group(&keys).await?;
    let begun = started.elapsed();
    let forgotten = app.pipeline().forgotten().take();
    let ahead = match ahead {
        Some(a) if !actors.clears_at_prepare() && a.holds(items, &taken, &changed, &forgotten) => {
            Some(a)
        }
        Some(a) => {
            a.discard(actors);
            None
        }
        None => None,
    };
    let mut ids: Vec<&str> = items
        .iter()
        .filter(|p| decided_in_memory(&p.event.data))
        .map(|p| p.event.actor_id.as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let loaded_actors = actors
        .prepare(&mut tx, &ids, &changed, &forgotten, now)
        .await?;
    let subscriptions = app.subscriptions().active_in(&mut tx).await?;
    let loaded = started.elapsed();

    let mut results = Vec::with_capacity(items.len());
    let mut rows = Rows::default();
    let mut seen = HashSet::new();
    let decided_ahead = ahead.as_ref().map_or(0, Ahead::len);
    if let Some(a) = ahead {
        results
            .extend((a.views.into_iter()).map(|view| Decided::Done(Box::new(Ok((view, false))))));
        rows = a.rows;
        seen.extend(items[..decided_ahead].iter().map(|p| p.key.as_str()));
    }
    let items_left = &items[decided_ahead..];

    // How many events each actor still has in the group that could be decided in memory: after
    // the one-event path, an actor is loaded again only if some are left.
    let mut in_memory_left: HashMap<&str, usize> = HashMap::new();
    for p in items_left
        .iter()
        .filter(|p| decided_in_memory(&p.event.data))
    {
        *in_memory_left.entry(p.event.actor_id.as_str()).or_default() += 1;
    }

    let mut one_by_one = 0_usize;
    for p in items_left {
        let actor = p.event.actor_id.as_str();
        if decided_in_memory(&p.event.data)
            && let Some(left) = in_memory_left.get_mut(actor)
        {
            *left -= 1;
        }
        let new_key = seen.insert(p.key.as_str()) && !taken.contains(&p.key);
        if new_key
            && decided_in_memory(&p.event.data)
            && let Some(state) = actors.get_mut(actor, now)
            && let Some(view) =
                decide_in_memory(app, p, state, policy, &subscriptions, &mut rows, now)?
        {
            results.push(Decided::Done(Box::new(Ok((view, false)))));
            continue;
        }
        rows.flush(&mut tx).await?;
        tx.savepoint("one_event").await?;
        let result = app.replay_or_decide_in(&mut tx, p).await;
        one_by_one += 1;
        match result {
            Ok(done) => {
                tx.release_savepoint("one_event").await?;
                results.push(Decided::Done(Box::new(Ok(done))));
            }
            // The database itself failed: the whole group is decided again, one by one.
            Err(e @ AppError::Internal(_)) => return Err(e),
            Err(AppError::Conflict(_)) => {
                tx.rollback_to_savepoint("one_event").await?;
                results.push(Decided::Retry);
            }
            Err(e) => {
                tx.rollback_to_savepoint("one_event").await?;
                results.push(Decided::Done(Box::new(Err(e))));
            }
        }
        // The one-event path may have changed what was loaded (a restriction, the counters) or
        // created the actor (a sign-up): load it again from what the transaction now holds.
        actors.forget(actor);
        if in_memory_left.get(actor).is_some_and(|&left| left > 0) {
            actors.load(&mut tx, &[actor], now).await?;
        }
    }
    let decided = started.elapsed();
    // Mail (a warning) or webhook deliveries were queued: the workers have something to send.
    let wake_workers = one_by_one > 0
        || rows.queued_work
        || !rows.warnings.is_empty()
        || !rows.deliveries.is_empty();
    let log = GroupLog {
        events: items.len(),
        decided_ahead,
        one_by_one,
        loaded_actors,
        begun,
        loaded,
        decided,
        started,
    };
    if one_by_one == 0 {
        // The common case: every row and the commit in one round trip (SQLite).
        return Ok(Committing::Rows(Box::new(InMemory {
            tx,
            rows,
            results,
            wake_workers,
            log,
        })));
    }
    rows.flush(&mut tx).await?;
    // Triggers noted the accounts this group changed.
    actors.settle(&mut tx, &rows.warned).await?;
    let flushed = started.elapsed();
    tx.commit().await?;
    log.emit(flushed);
    Ok(Committing::Done(Group {
        results,
        one_by_one,
        decided_ahead,
        wake_workers,
    }))
}

/// A group decided, not yet committed unless it is [`Committing::Done`].
pub(super) enum Committing {
    /// Committed (some events went down the one-event path).
    Done(Group),
    /// Every event decided in memory: the rows and the commit are left, for one round trip.
    Rows(Box<InMemory>),
}

pub(super) struct InMemory {
    tx: Tx,
    rows: Rows,
    results: Vec<Decided>,
    wake_workers: bool,
    log: GroupLog,
}

/// A committed group, and the accounts it changed other than those it warned in memory
/// (for [`ActorCache::settle_changed`]).
pub(super) struct Committed {
    pub group: Group,
    pub changed: Vec<String>,
    pub warned: HashSet<String>,
}

impl Committing {
    /// Whether the commit is still to come.
    pub fn pending(&self) -> bool {
        matches!(self, Committing::Rows(_))
    }

    /// Commits, if that is left to do.
    pub async fn finish(self) -> AppResult<Committed> {
        match self {
            Committing::Done(group) => Ok(Committed {
                group,
                changed: Vec::new(),
                warned: HashSet::new(),
            }),
            Committing::Rows(g) => {
                let InMemory {
                    tx,
                    rows,
                    results,
                    wake_workers,
                    log,
                } = *g;
                let changed = tx.commit_group(&rows.group_rows()).await?;
                log.emit(log.decided);
                Ok(Committed {
                    group: Group {
                        results,
                        one_by_one: 0,
                        decided_ahead: log.decided_ahead,
                        wake_workers,
                    },
                    changed,
                    warned: rows.warned_accounts(),
                })
            }
        }
    }
}

/// Where a group's time went (RUST_LOG=trustwork_app::events=debug), for load analysis.
struct GroupLog {
    events: usize,
    decided_ahead: usize,
    one_by_one: usize,
    loaded_actors: usize,
    begun: std::time::Duration,
    loaded: std::time::Duration,
    decided: std::time::Duration,
    started: std::time::Instant,
}

impl GroupLog {
    fn emit(&self, flushed: std::time::Duration) {
        tracing::debug!(
            events = self.events,
            decided_ahead = self.decided_ahead,
            one_by_one = self.one_by_one,
            loaded_actors = self.loaded_actors,
            begin_us = self.begun.as_micros() as u64,
            load_us = (self.loaded - self.begun).as_micros() as u64,
            decide_us = (self.decided - self.loaded).as_micros() as u64,
            flush_us = (flushed - self.decided).as_micros() as u64,
            commit_us = (self.started.elapsed() - flushed).as_micros() as u64,
            "group committed"
        );
    }
}
