//! The group commit: every request hands its scanned event to one writer task, which takes
//! whatever has queued up (up to [`MAX_GROUP`]), decides it in one transaction
//! ([`super::batch`]) and answers each request after the commit. Under load, one commit and a
//! few multi-row statements serve hundreds of events; when quiet, a group is one event and
//! waits for nothing. On SQLite, while a group commits, the writer decides the events queued
//! meanwhile ([`super::ahead`]).
//!
//! The writer has a thread and a single-threaded runtime to itself, so its database round trips
//! are not queued behind request handling.
//!
//! One writer per process also means one actor's events are decided in arrival order. Several
//! server nodes on PostgreSQL stay correct through row locks on the actors' accounts and the
//! unique idempotency key.

use super::actors::{ActorCache, Forgotten};
use super::ahead::{Ahead, decide_ahead};
use super::batch::{Committed, Decided, decide_group};
use super::fair::{FromActor, Gatherer};
use super::{DecisionView, Prepared};
use crate::{App, AppError, AppResult, WeakApp};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::{mpsc, oneshot};

/// At most this many events in one transaction.
const MAX_GROUP: usize = 512;
/// Requests waiting for the writer beyond this wait to hand theirs in (back-pressure).
const QUEUE: usize = 8 * MAX_GROUP;

type Reply = oneshot::Sender<AppResult<(DecisionView, bool)>>;

struct Submission {
    prepared: Prepared,
    reply: Reply,
}

/// The handle requests send to; the writer starts with the first event.
#[derive(Default)]
pub(crate) struct Pipeline {
    sender: OnceLock<mpsc::Sender<Submission>>,
    groups: AtomicU64,
    in_memory: AtomicU64,
    one_by_one: AtomicU64,
    decided_ahead: AtomicU64,
    forgotten: Forgotten,
    /// From handing an event to the writer to its answer: queueing, deciding and the commit.
    latency: crate::histogram::Histogram,
}

/// How the writer has been deciding, since the process started (for `/metrics`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PipelineStats {
    /// Transactions committed by the writer.
    pub groups: u64,
    /// Events decided from state loaded for their group.
    pub in_memory: u64,
    /// Events decided on the one-event path (actions, cases, sign-ups, replays, retries).
    pub one_by_one: u64,
    /// Of those decided in memory, how many while the group before them committed.
    pub decided_ahead: u64,
}

impl Pipeline {
    /// Actors whose counters changed outside the writer.
    pub(crate) fn forgotten(&self) -> &Forgotten {
        &self.forgotten
    }

    fn count(&self, in_memory: u64, one_by_one: u64, decided_ahead: u64) {
        self.groups.fetch_add(1, Ordering::Relaxed);
        self.in_memory.fetch_add(in_memory, Ordering::Relaxed);
        self.one_by_one.fetch_add(one_by_one, Ordering::Relaxed);
        self.decided_ahead
            .fetch_add(decided_ahead, Ordering::Relaxed);
    }
}

fn stopped() -> AppError {
    AppError::Internal("the event writer stopped".into())
}

impl App {
    pub fn pipeline_stats(&self) -> PipelineStats {
        let p = self.pipeline();
        PipelineStats {
            groups: p.groups.load(Ordering::Relaxed),
            in_memory: p.in_memory.load(Ordering::Relaxed),
            one_by_one: p.one_by_one.load(Ordering::Relaxed),
            decided_ahead: p.decided_ahead.load(Ordering::Relaxed),
        }
    }

    fn pipeline_sender(&self) -> mpsc::Sender<Submission> {
        self.pipeline()
            .sender
            .get_or_init(|| {
                let (sender, receiver) = mpsc::channel(QUEUE);
                // The writer holds the app weakly: dropping the last App ends it. It runs on a
                // thread and runtime of its own: on the shared runtime each of its database
                // round trips waited behind the HTTP tasks queued meanwhile.
                let app = self.downgrade();
                let started = std::thread::Builder::new()
                    .name("trustwork-writer".into())
                    .spawn(move || {
                        match tokio::runtime::Builder::new_current_thread()
                            .enable_all()
                            .build()
                        {
                            Ok(runtime) => {
                                let mut receiver = receiver;
                                restart_on_panic(|| {
                                    runtime.block_on(write_groups(app.clone(), &mut receiver));
                                });
                            }
                            Err(e) => tracing::error!(error = %e, "cannot start the event writer"),
                        }
                    });
                if let Err(e) = started {
                    tracing::error!(error = %e, "cannot start the event writer thread");
                }
                sender
            })
            .clone()
    }

    pub(crate) async fn submit_one(&self, prepared: Prepared) -> AppResult<(DecisionView, bool)> {
        let started = std::time::Instant::now();
        let (reply, answer) = oneshot::channel();
        self.pipeline_sender()
            .send(Submission { prepared, reply })
            .await
            .map_err(|_| stopped())?;
        let answered = answer.await.unwrap_or_else(|_| Err(stopped()));
        self.pipeline().latency.observe(started.elapsed());
        answered
    }

    /// How long events took from the writer's queue to their answer.
    pub fn decision_latency(&self) -> &crate::histogram::Histogram {
        &self.pipeline().latency
    }

    /// Hands in many events at once, so they can share transactions; answers in order.
    pub(crate) async fn submit_many(
        &self,
        prepared: Vec<AppResult<Prepared>>,
    ) -> Vec<AppResult<(DecisionView, bool)>> {
        let started = std::time::Instant::now();
        let sender = self.pipeline_sender();
        let mut answers = Vec::with_capacity(prepared.len());
        for p in prepared {
            match p {
                Ok(prepared) => {
                    let (reply, answer) = oneshot::channel();
                    if sender.send(Submission { prepared, reply }).await.is_err() {
                        answers.push(Err(stopped()));
                    } else {
                        answers.push(Ok(answer));
                    }
                }
                Err(e) => answers.push(Err(e)),
            }
        }
        let mut out = Vec::with_capacity(answers.len());
        for a in answers {
            out.push(match a {
                Ok(answer) => {
                    let answered = answer.await.unwrap_or_else(|_| Err(stopped()));
                    self.pipeline().latency.observe(started.elapsed());
                    answered
                }
                Err(e) => Err(e),
            });
        }
        out
    }
}

/// Runs `writer` again each time it panics, until it returns: a bug met while deciding one group
/// fails that group's requests and those gathered for the next one (their answers are dropped),
/// not every request after them. What the writer held in memory (actors, work decided ahead) goes
/// with the panic; a transaction left
/// open is rolled back when the writer next takes the write connection. Answers how many times it
/// started again.
fn restart_on_panic(mut writer: impl FnMut()) -> usize {
    let mut restarts = 0;
    loop {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(&mut writer)) {
            Ok(()) => return restarts,
            Err(_) => {
                restarts += 1;
                tracing::error!(restarts, "the event writer panicked; starting it again");
                // A writer that panics at once every time must not spin.
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
        }
    }
}

impl FromActor for Submission {
    fn actor_id(&self) -> &str {
        &self.prepared.event.actor_id
    }
}

type Fair = Gatherer<Submission>;

/// Adds to `group` (perhaps begun) what waits: events put aside, then the queue, without waiting.
fn gather(fair: &mut Fair, receiver: &mut mpsc::Receiver<Submission>, group: &mut Vec<Submission>) {
    fair.take_deferred(group);
    while fair.room(group)
        && let Ok(s) = receiver.try_recv()
    {
        fair.offer(s, group);
    }
}

async fn write_groups(app: WeakApp, receiver: &mut mpsc::Receiver<Submission>) {
    let mut group = Vec::with_capacity(MAX_GROUP);
    let mut fair = Fair::new(MAX_GROUP, QUEUE);
    let mut actors = None;
    let mut ahead = None;
    loop {
        // The group may have begun already: events gathered (and perhaps decided ahead) while
        // the one before committed. Whatever queued since joins it.
        gather(&mut fair, receiver, &mut group);
        if group.is_empty() {
            let mut arrived = Vec::with_capacity(MAX_GROUP);
            if receiver.recv_many(&mut arrived, MAX_GROUP).await == 0 {
                return;
            }
            for s in arrived {
                fair.offer(s, &mut group);
            }
        }
        let Some(app) = app.upgrade() else {
            return;
        };
        let actors =
            actors.get_or_insert_with(|| ActorCache::new(app.db().notes_account_changes()));
        let current = std::mem::take(&mut group);
        fair.start_group();
        ahead = write_group(
            &app, actors, current, ahead, receiver, &mut fair, &mut group,
        )
        .await;
    }
}

/// Decides and commits `group`, then answers its requests. While its commit runs, the events
/// queued meanwhile are gathered into `next` and decided ahead as far as they can be.
async fn write_group(
    app: &App,
    actors: &mut ActorCache,
    group: Vec<Submission>,
    ahead: Option<Ahead>,
    receiver: &mut mpsc::Receiver<Submission>,
    fair: &mut Fair,
    next: &mut Vec<Submission>,
) -> Option<Ahead> {
    let (prepared, replies): (Vec<Prepared>, Vec<Reply>) =
        group.into_iter().map(|s| (s.prepared, s.reply)).unzip();
    let (committed, mut ahead) = match decide_group(app, actors, &prepared, ahead).await {
        Ok(committing) if committing.pending() && actors.kept() => {
            gather(fair, receiver, next);
            let queued: Vec<&Prepared> = next.iter().map(|s| &s.prepared).collect();
            // The commit first: its first poll hands the round trip to SQLite's thread, and the
            // writer decides ahead while that thread works.
            tokio::join!(biased; committing.finish(), async {
                decide_ahead(app, actors, &queued)
            })
        }
        Ok(committing) => (committing.finish().await, None),
        Err(e) => (Err(e), None),
    };
    match committed {
        Ok(Committed {
            group,
            changed,
            warned,
        }) => {
            let forgotten = actors.settle_changed(&changed, &warned);
            if ahead
                .as_ref()
                .is_some_and(|a| forgotten.iter().any(|id| a.touched.contains(*id)))
                && let Some(a) = ahead.take()
            {
                a.discard(actors);
            }
            let one_by_one = group.one_by_one as u64;
            app.pipeline().count(
                prepared.len() as u64 - one_by_one,
                one_by_one,
                group.decided_ahead as u64,
            );
            // Waking the workers costs each a query: only when there is something to send.
            if group.wake_workers {
                app.wake_outbox();
            }
            let mut again = Vec::new();
            for ((p, reply), result) in prepared.iter().zip(replies).zip(group.results) {
                match result {
                    // The requester may have gone away; the decision stands either way.
                    Decided::Done(r) => drop(reply.send(*r)),
                    Decided::Retry => again.push((p, reply)),
                }
            }
            if !again.is_empty()
                && let Some(a) = ahead.take()
            {
                // Deciding these on their own changes actors behind the writer's back.
                a.discard(actors);
            }
            for (p, reply) in again {
                drop(reply.send(app.ingest_prepared(p).await));
            }
            ahead
        }
        Err(e) => {
            // What the group decided in memory was never stored, nor what was decided ahead
            // from it.
            if let Some(a) = ahead {
                a.discard(actors);
            }
            actors.clear();
            tracing::warn!(error = %e, events = prepared.len(), "group commit failed; deciding its events one by one");
            for (p, reply) in prepared.iter().zip(replies) {
                drop(reply.send(app.ingest_prepared(p).await));
            }
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::restart_on_panic;

    // As the writer thread runs it: the same current-thread runtime is driven again after a
    // panic inside `block_on`, and the channel it reads keeps its messages.
    #[test]
    fn the_writer_starts_again_after_a_panic() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let (sender, mut receiver) = tokio::sync::mpsc::channel::<u32>(8);
        for n in [1, 2, 3, 0] {
            sender.try_send(n).expect("queued");
        }
        let mut seen = Vec::new();
        let restarts = restart_on_panic(|| {
            runtime.block_on(async {
                while let Some(n) = receiver.recv().await {
                    if n == 2 {
                        panic!("a bug met while deciding");
                    }
                    seen.push(n);
                    if n == 0 {
                        return;
                    }
                }
            });
        });
        assert_eq!((restarts, seen), (1, vec![1, 3, 0]));
    }
}
