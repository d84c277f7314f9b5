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

use super::actors::{Actor, ActorCache, reads_only_the_actor};
use super::ahead::Ahead;
use super::{DecisionView, Ids, Prepared, effects, review, stored_event};
use crate::review::{case_audit, case_to_open};
use crate::standing::{RESTRICTION_END, RestrictionRows, restriction_rows};
use crate::webhooks::deliveries_for;
use crate::webhooks::standing_changed_payload;
use crate::{App, AppError, AppResult};
use std::collections::{HashMap, HashSet};
use trustwork_core::audit::AuditRecord;
use trustwork_core::conversation::Message;
use trustwork_core::enforcement::counters::Before;
use trustwork_core::enforcement::{PlanInput, PlannedAction, Policy, plan};
use trustwork_core::review::ReviewCase;
use trustwork_core::{Actor as CoreActor, Timestamp};
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
    /// Messages kept in their threads.
    messages: Vec<Message>,
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
            messages: self.messages.iter().collect(),
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

/// Decides `p` from the actor's state held in memory, if its plan can be written without
/// reading the database (see [`Plan::needs_database`]); `None` sends it down the one-event path.
pub(super) fn decide_in_memory(
    app: &App,
    p: &Prepared,
    actor: &mut Actor,
    policy: &Policy,
    subscriptions: &[WebhookSubscription],
    rows: &mut Rows,
    now: Timestamp,
) -> AppResult<Option<DecisionView>> {
    let ids = Ids {
        decision: new_id("dec"),
        event: new_id("evt"),
    };
    let before = Before::of_actor(&actor.counters, now);
    let plan = plan(&PlanInput {
        event: &p.event,
        text: &p.text,
        findings: &p.findings,
        actor: actor.facts(),
        restrictions: &actor.restrictions,
        before: &before,
        has_letter: false,
        policy,
        event_id: &ids.event,
        decision_id: &ids.decision,
        now,
        sample_key: app.sample_key(),
    });
    if plan.needs_database(&p.event) {
        return Ok(None);
    }
    rows.events.push(stored_event(
        &p.key,
        &p.event,
        &ids.event,
        &ids.decision,
        now,
    ));
    let system = CoreActor::system("policy");
    let mut actions = Vec::with_capacity(plan.actions.len());
    let mut warnings = Vec::new();
    for action in &plan.actions {
        let id = match action {
            PlannedAction::Restrict { new, .. } => {
                let warning = restriction_rows(app, &system, &actor.account, new.clone(), now);
                let id = warning.restriction.id.clone();
                warnings.push(warning);
                Some(id)
            }
            _ => None,
        };
        actions.push(effects::taken(action, id));
    }
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
    let mut view = DecisionView::planned(ids, &plan, policy, p.findings.clone(), actions);
    for new in review::requested_cases(&plan, &view) {
        let opened_by = new.actor.clone();
        let case = case_to_open(app, new, now);
        let audit = case_audit(&opened_by, &case, true, now);
        view.review_case_ids.push(case.id.clone());
        rows.cases.push((case, audit));
    }
    rows.decisions.push(view.stored(&p.event.actor_id, now)?);
    rows.messages.extend(plan.message);
    rows.signals.extend(actor.record_new(plan.signals));
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
        .filter(|p| reads_only_the_actor(&p.event))
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
    for p in items_left.iter().filter(|p| reads_only_the_actor(&p.event)) {
        *in_memory_left.entry(p.event.actor_id.as_str()).or_default() += 1;
    }

    let mut one_by_one = 0_usize;
    for p in items_left {
        let actor = p.event.actor_id.as_str();
        if reads_only_the_actor(&p.event)
            && let Some(left) = in_memory_left.get_mut(actor)
        {
            *left -= 1;
        }
        let new_key = seen.insert(p.key.as_str()) && !taken.contains(&p.key);
        if new_key
            && reads_only_the_actor(&p.event)
            && let Some(state) = actors.get_mut(actor, now)
            && let Some(view) =
                decide_in_memory(app, p, state, policy, &subscriptions, &mut rows, now)?
        {
            results.push(Decided::Done(Box::new(Ok((view, false)))));
            continue;
        }
        rows.flush(&mut tx).await?;
        tx.savepoint("one_event").await?;
        let held = actors.get_mut(actor, now);
        let was_held = held.is_some();
        let result = app.replay_or_decide_in(&mut tx, p, held.as_deref()).await;
        one_by_one += 1;
        match result {
            Ok((view, replayed, change)) => {
                tx.release_savepoint("one_event").await?;
                results.push(Decided::Done(Box::new(Ok((view, replayed)))));
                // What it changed of an actor held here is known: kept up to date, not read
                // again (a flooding sender's history is never read back).
                if let Some(change) = change
                    && let Some(state) = actors.get_mut(actor, now)
                {
                    state.apply(&change.restrictions, &change.signals);
                    if let Some(at) = change.payment_verified_at {
                        state.account.payment_verified_at.get_or_insert(at);
                    }
                    rows.warned.insert(actor.to_owned());
                }
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
        // An actor not held before (a sign-up creates it) is read from what the transaction now
        // holds, if it has events left that are decided in memory.
        if !was_held && in_memory_left.get(actor).is_some_and(|&left| left > 0) {
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
