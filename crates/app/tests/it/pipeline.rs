//! The group commit decides exactly as one event at a time does: a mixed stream of events is
//! decided once through `ingest_unbatched` (one transaction per event, the reference) and once
//! through `ingest_many` (groups decided in memory where they can be), and every answer and the
//! state left behind must match. Also: concurrent requests of one actor are decided in order,
//! and one key sent many times at once is decided once.

use crate::app;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use trustwork_app::events::DecisionView;
use trustwork_app::review::QueueFilter;
use trustwork_app::standing::RestrictionRequest;
use trustwork_app::{App, AppResult, Clock};
use trustwork_core::{Actor, DAY_MS, HOUR_MS, LiftCondition, ReasonCode, Severity};
use trustwork_store::testing::each_backend;

/// A small deterministic generator, so a failure names a stream that can be replayed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// Most messages are ordinary: those are the ones the group decides in memory.
const CLEAN: &[&str] = &[
    "Thanks, I will send the first draft tomorrow morning.",
    "Could you share the brand colours before Friday?",
    "Milestone 1 is done, please review when you can.",
];

const TEXTS: &[&str] = &[
    "Thanks, I will send the first draft tomorrow morning.",
    "The invoice for milestone 2 is $450, due on 12/03.",
    "sure, email me at john.doe@gmail.com",
    "call me on +1 415 555 0100 so we can talk",
    "pay me via paypal outside the platform, we avoid the fees",
    "you are a worthless idiot and I will find you",
    "Version 2.4.1 fixes the login bug; order #88213 shipped.",
    "let's continue on whatsapp",
];

fn envelope(kind: &str, actor: &str, data: Value) -> Value {
    json!({"type": kind, "occurred_at": "2026-11-21T10:00:00Z", "actor_id": actor, "data": data})
}

/// A stream of events from a handful of actors: sign-ups (some mid-stream), messages of every
/// kind to overlapping recipients, profile edits, job posts, withdrawals, proposals with repeated
/// letters, flags, feedback, repeated keys, a key reused for another event, an unknown actor.
fn stream(seed: u64, len: usize) -> Vec<(String, Value)> {
    let mut rng = Lcg(seed);
    let mut out: Vec<(String, Value)> = Vec::new();
    let mut actors: Vec<String> = Vec::new();
    for i in 0..4 {
        let id = format!("mp_{i}");
        out.push((
            format!("signup-{i}"),
            envelope(
                "account.signup",
                &id,
                json!({"email": format!("user{i}@example.org"), "role": "freelancer"}),
            ),
        ));
        actors.push(id);
    }
    for n in 0..len {
        let actor = actors[rng.next(actors.len())].clone();
        let key = format!("k{n}");
        let event = match rng.next(20) {
            0..=8 => {
                let text = if rng.next(10) < 7 {
                    CLEAN[rng.next(CLEAN.len())]
                } else {
                    TEXTS[rng.next(TEXTS.len())]
                };
                let recipients: Vec<String> = (0..1 + rng.next(3))
                    .map(|_| format!("c{}", rng.next(6)))
                    .collect();
                envelope(
                    "message.sent",
                    &actor,
                    json!({"thread_id": "t1", "recipient_ids": recipients,
                           "contract_active": rng.next(4) == 0, "text": text}),
                )
            }
            9 => envelope(
                "profile.updated",
                &actor,
                json!({"title": "Rust developer", "overview": TEXTS[rng.next(TEXTS.len())]}),
            ),
            10 => envelope(
                "job.posted",
                &actor,
                json!({"job_id": format!("j{n}"), "title": "Logo design", "description": TEXTS[rng.next(TEXTS.len())]}),
            ),
            11 => envelope(
                "withdrawal.requested",
                &actor,
                json!({"amount_cents": 1000 + n}),
            ),
            12 => envelope(
                "proposal.submitted",
                &actor,
                json!({"proposal_id": format!("p{n}"), "job_id": format!("j{n}"),
                       "cover_letter": "Hello, I am an experienced developer with ten years of work on web apps and I can start today on your project."}),
            ),
            13 => envelope(
                "flag.created",
                &actor,
                json!({"target_type": "message", "target_id": format!("m{n}"),
                       "target_account_id": actors[rng.next(actors.len())], "reason": "spam"}),
            ),
            14 if rng.next(3) == 0 => envelope(
                "dispute.opened",
                &actor,
                json!({"contract_id": format!("k{n}"), "recipient_id": actors[rng.next(actors.len())],
                       "reason": TEXTS[rng.next(TEXTS.len())]}),
            ),
            14 => envelope(
                "feedback.left",
                &actor,
                json!({"contract_id": format!("k{n}"), "recipient_id": actors[rng.next(actors.len())],
                       "rating": 1 + rng.next(5), "dispute": rng.next(5) == 0}),
            ),
            15 => {
                // A new person signs up mid-stream and writes at once.
                let id = format!("mp_{}", actors.len());
                actors.push(id.clone());
                envelope(
                    "account.signup",
                    &id,
                    json!({"email": format!("late{n}@example.org"), "role": "freelancer"}),
                )
            }
            16 if !out.is_empty() => {
                // The same event again under its key: a replay.
                let (k, e) = out[rng.next(out.len())].clone();
                out.push((k, e));
                continue;
            }
            17 if n > 0 => {
                // An earlier key with another event: a conflict.
                let k = format!("k{}", rng.next(n));
                out.push((
                    k,
                    envelope("withdrawal.requested", &actor, json!({"amount_cents": 7})),
                ));
                continue;
            }
            _ => envelope(
                "message.sent",
                "mp_nobody",
                json!({"thread_id": "t1", "recipient_ids": ["c1"], "contract_active": false, "text": "hello"}),
            ),
        };
        out.push((key, event));
    }
    out
}

/// An answer without its generated ids.
fn summary(result: &AppResult<(DecisionView, bool)>) -> String {
    match result {
        Ok((d, replayed)) => {
            let actions: Vec<String> = d
                .actions
                .iter()
                .map(|a| format!("{}/{}/{:?}", a.kind, a.reason_code, a.note))
                .collect();
            format!(
                "replayed={replayed} {} rules={:?} shadow={:?} counters={:?} account={:?} actions={actions:?} queues={:?} cases={} findings={}",
                d.verdict,
                d.rules,
                d.shadow_rules,
                d.counters,
                d.account,
                d.review_queues,
                d.review_case_ids.len(),
                d.findings.len()
            )
        }
        Err(e) => format!("error {}", e.code()),
    }
}

/// What the events left behind, without generated ids: events, decisions, restrictions with
/// their timers, audit records, emails and open cases.
async fn state(app: &App, actors: &BTreeSet<String>) -> Vec<String> {
    let mut out = Vec::new();
    let mut tx = app.db().read().await.unwrap();
    out.push(format!("events={}", tx.count_events().await.unwrap()));
    for id in actors {
        let mut restrictions = Vec::new();
        for r in tx.restrictions_of(id).await.unwrap() {
            let timers = tx.timers_for(&r.id).await.unwrap().len();
            restrictions.push(format!(
                "{}:{}:{:?}:timers={timers}",
                r.reason.as_str(),
                r.severity.as_str(),
                r.lift
            ));
        }
        restrictions.sort();
        let mut audit: Vec<String> = tx
            .audit_of(id, 10_000)
            .await
            .unwrap()
            .into_iter()
            .map(|a| format!("{}:{}", a.action, a.entity_type))
            .collect();
        audit.sort();
        let decisions = tx.decisions_of(id, 10_000).await.unwrap().len();
        out.push(format!(
            "{id} decisions={decisions} restrictions={restrictions:?} audit={audit:?}"
        ));
    }
    let mut mail: Vec<String> = tx
        .outbox_messages(None, 10_000)
        .await
        .unwrap()
        .into_iter()
        .map(|m| format!("{} {} {}", m.recipient, m.subject, m.body.len()))
        .collect();
    mail.sort();
    out.push(format!("mail={mail:?}"));
    let cases = app
        .review_queue(&QueueFilter {
            queue: None,
            sla: None,
            status: None,
        })
        .await
        .unwrap()
        .len();
    out.push(format!("open cases={cases}"));
    out
}

#[tokio::test]
async fn grouped_decisions_match_one_at_a_time() {
    each_backend(|db| async move {
        let events = stream(7, 400);
        let actors: BTreeSet<String> = events
            .iter()
            .filter_map(|(_, e)| e["actor_id"].as_str().map(str::to_owned))
            .collect();
        let (reference, _clock) = app(db.clone());
        let mut expected = Vec::new();
        for (key, body) in &events {
            expected.push(summary(&reference.ingest_unbatched(key, body).await));
        }
        let expected_state = state(&reference, &actors).await;

        // The same stream into a fresh database, handed in 50 at a time so that it is grouped.
        let fresh = trustwork_store::testing::TestDb::like(&db).await.unwrap();
        let (grouped, _clock) = app(fresh.db.clone());
        let mut got = Vec::new();
        for chunk in events.chunks(50) {
            got.extend(
                grouped
                    .ingest_many(chunk.to_vec())
                    .await
                    .iter()
                    .map(summary),
            );
        }
        for (i, (want, have)) in expected.iter().zip(&got).enumerate() {
            assert_eq!(want, have, "event {i} ({:?})", events[i]);
        }
        assert_eq!(state(&grouped, &actors).await, expected_state);
        // The stream covered what it is meant to: both paths, replays, errors.
        assert!(expected.iter().any(|s| s.contains("replayed=true")));
        assert!(expected.iter().any(|s| s == "error conflict"));
        assert!(expected.iter().any(|s| s == "error not_found"));
        assert!(expected.iter().any(|s| s.contains("hold")));
        let stats = grouped.pipeline_stats();
        assert!(
            stats.in_memory > 150 && stats.one_by_one > 50 && stats.groups < 40,
            "{stats:?}"
        );
        fresh.cleanup().await;
    })
    .await;
}

async fn sign_up_mp_1(app: &App) {
    app.ingest(
        "signup",
        &envelope(
            "account.signup",
            "mp_1",
            json!({"email": "one@example.org", "role": "freelancer"}),
        ),
    )
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_events_of_one_actor_are_decided_in_turn() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        sign_up_mp_1(&app).await;
        let mut tasks = Vec::new();
        for n in 0..150 {
            let app = app.clone();
            tasks.push(tokio::spawn(async move {
                let body = envelope(
                    "message.sent",
                    "mp_1",
                    json!({"thread_id": "t", "recipient_ids": [format!("c{n}")], "contract_active": false, "text": "Draft attached, thanks."}),
                );
                app.ingest(&format!("m{n}"), &body).await.unwrap().0
            }));
        }
        let mut seen = Vec::new();
        for t in tasks {
            seen.push(t.await.unwrap().counters["distinct_recipients_1h"]);
        }
        // Each message met one more distinct recipient than the one before it.
        seen.sort_unstable();
        assert_eq!(seen, (1..=150).collect::<Vec<i64>>());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_key_sent_many_times_at_once_is_decided_once() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        sign_up_mp_1(&app).await;
        let body = envelope(
            "message.sent",
            "mp_1",
            json!({"thread_id": "t", "recipient_ids": ["c1"], "contract_active": false, "text": "email me at a.b@gmail.com"}),
        );
        let mut tasks = Vec::new();
        for _ in 0..40 {
            let (app, body) = (app.clone(), body.clone());
            tasks.push(tokio::spawn(
                async move { app.ingest("same", &body).await.unwrap() },
            ));
        }
        let mut first = 0;
        let mut ids = BTreeSet::new();
        for t in tasks {
            let (d, replayed) = t.await.unwrap();
            first += usize::from(!replayed);
            ids.insert(d.id);
        }
        assert_eq!((first, ids.len()), (1, 1));
        let mut tx = app.db().begin().await.unwrap();
        assert_eq!(tx.count_events().await.unwrap(), 2);
        // One warning, not forty.
        assert_eq!(tx.restrictions_of("mp_1").await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_decision_decided_in_memory_is_announced_to_subscribers() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        let hook = app
            .create_webhook(
                &Actor::system("test"),
                "http://127.0.0.1:9/hooks",
                &["decision.created".to_owned()],
            )
            .await
            .unwrap();
        let events = vec![
            (
                "signup".to_owned(),
                envelope(
                    "account.signup",
                    "mp_1",
                    json!({"email": "one@example.org", "role": "freelancer"}),
                ),
            ),
            (
                "m1".to_owned(),
                envelope(
                    "message.sent",
                    "mp_1",
                    json!({"thread_id": "t", "recipient_ids": ["c1"], "contract_active": false, "text": "Draft attached."}),
                ),
            ),
        ];
        let results = app.ingest_many(events).await;
        let (d, _) = results[1].as_ref().unwrap();
        let deliveries = app.webhook_deliveries(Some(&hook.id)).await.unwrap();
        assert_eq!(deliveries.len(), 2);
        assert!(deliveries.iter().any(|x| x.payload.contains(&d.id)));
    })
    .await;
}

/// The writer keeps actors in memory between groups (on SQLite): whatever changes them
/// elsewhere — an agent's hold and its lift, another writer on the database, an event decided
/// on its own — must show in the next decision, and the counters' windows slide with the clock.
#[tokio::test]
async fn the_writer_sees_what_changed_outside_it() {
    each_backend(|db| async move {
        let (app, clock) = app(db);
        sign_up_mp_1(&app).await;
        let clean = |n: usize| {
            envelope(
                "message.sent",
                "mp_1",
                json!({"thread_id": "t", "recipient_ids": [format!("c{n}")], "contract_active": false, "text": "Draft attached, thanks."}),
            )
        };
        let in_memory = || app.pipeline_stats().in_memory;
        let send = |n: usize| {
            let (app, body) = (app.clone(), clean(n));
            async move {
                let before = app.pipeline_stats().in_memory;
                let d = app.ingest(&format!("m{n}"), &body).await.unwrap().0;
                // Decided from what the writer holds, not on the one-event path.
                assert_eq!(app.pipeline_stats().in_memory, before + 1, "m{n}");
                let account = d.account.clone().unwrap();
                (d, account)
            }
        };
        let (_, account) = send(1).await;
        assert_eq!(account.standing, "good");
        assert!(in_memory() >= 1);

        let system = Actor::system("test");
        let hold = app
            .apply_restriction(
                &system,
                "mp_1",
                RestrictionRequest {
                    reason: ReasonCode::Spam,
                    severity: Severity::Hold,
                    lift: LiftCondition::Manual,
                    note: "looking into it".into(),
                },
            )
            .await
            .unwrap();
        assert_eq!(send(2).await.1.standing, "on_hold");
        app.lift_restriction(&system, &hold.id, "all clear")
            .await
            .unwrap();
        assert_eq!(send(3).await.1.standing, "good");

        // Another writer, straight to the database.
        let mut tx = app.db().begin().await.unwrap();
        tx.set_identity_verified("mp_1", clock.now()).await.unwrap();
        tx.commit().await.unwrap();
        assert!(send(4).await.1.identity_verified);

        // An event decided on its own, outside the writer, counts (it opens a case and
        // restricts nobody: no trigger tells of it).
        let payment = envelope(
            "message.sent",
            "mp_1",
            json!({"thread_id": "t", "recipient_ids": ["c5"], "contract_active": false, "text": "pay me via paypal outside the platform, we avoid the fees"}),
        );
        let (p, _) = app.ingest_unbatched("payment", &payment).await.unwrap();
        assert!(p.actions.is_empty(), "{:?}", p.actions);
        let (d, _) = send(6).await;
        assert_eq!(d.counters["payment_attempts_30d"], 1);
        assert_eq!(d.counters["distinct_recipients_1h"], 6);

        // Two hours on, the people messaged have left their window; a month on, the attempt.
        clock.advance(2 * HOUR_MS).unwrap();
        let (d, _) = send(7).await;
        assert_eq!(d.counters["distinct_recipients_1h"], 1);
        assert_eq!(d.counters["payment_attempts_30d"], 1);
        clock.advance(30 * DAY_MS).unwrap();
        let (d, _) = send(8).await;
        assert_eq!(d.counters["payment_attempts_30d"], 0);
    })
    .await;
}

/// Signs `actors` up one at a time and subscribes a webhook to `event_types`.
async fn sign_up_and_subscribe(
    app: &App,
    actors: &BTreeSet<String>,
    event_types: &[&str],
) -> trustwork_store::webhooks::WebhookSubscription {
    for a in actors {
        let signup = envelope(
            "account.signup",
            a,
            json!({"email": format!("{a}@example.org"), "role": "freelancer"}),
        );
        app.ingest_unbatched(&format!("signup-{a}"), &signup)
            .await
            .unwrap();
    }
    let event_types: Vec<String> = event_types.iter().map(|t| (*t).to_owned()).collect();
    app.create_webhook(
        &Actor::system("test"),
        "http://127.0.0.1:9/hooks",
        &event_types,
    )
    .await
    .unwrap()
}

/// A group of messages whose decisions warn, open review cases and notify subscribers is
/// written in one go (on SQLite, one statement set with the commit): the same answers and the
/// same rows as one event at a time.
#[tokio::test]
async fn groups_of_messages_write_warnings_cases_and_deliveries_at_once() {
    each_backend(|db| async move {
        let texts = [
            CLEAN[0],
            "sure, email me at john.doe@gmail.com",
            CLEAN[1],
            "pay me via paypal outside the platform, we avoid the fees",
            CLEAN[2],
        ];
        let mut messages = Vec::new();
        for (n, text) in texts.iter().enumerate() {
            for a in 0..6 {
                messages.push((
                    format!("m{a}-{n}"),
                    envelope(
                        "message.sent",
                        &format!("mp_{a}"),
                        json!({"thread_id": format!("t{a}"), "recipient_ids": [format!("c{a}")], "contract_active": false, "text": text}),
                    ),
                ));
            }
        }
        let actors: BTreeSet<String> = (0..6).map(|a| format!("mp_{a}")).collect();
        let fresh = trustwork_store::testing::TestDb::like(&db).await.unwrap();
        let mut outcomes = Vec::new();
        for (grouped, db) in [(false, db.clone()), (true, fresh.db.clone())] {
            let (app, _clock) = app(db);
            let hook = sign_up_and_subscribe(&app, &actors, &["decision.created", "standing.changed"]).await;
            let answers: Vec<String> = if grouped {
                app.ingest_many(messages.clone()).await.iter().map(summary).collect()
            } else {
                let mut answers = Vec::new();
                for (key, body) in &messages {
                    answers.push(summary(&app.ingest_unbatched(key, body).await));
                }
                answers
            };
            let mut deliveries: Vec<String> = app
                .webhook_deliveries(Some(&hook.id))
                .await
                .unwrap()
                .into_iter()
                .map(|d| d.event_type)
                .collect();
            deliveries.sort();
            let mut state = state(&app, &actors).await;
            state.push(format!("deliveries={deliveries:?}"));
            if grouped {
                let stats = app.pipeline_stats();
                assert_eq!((stats.in_memory, stats.one_by_one), (30, 0), "{stats:?}");
            }
            outcomes.push((answers, state));
        }
        assert_eq!(outcomes[0], outcomes[1]);
        let (answers, state) = &outcomes[0];
        // The messages did what the test is about: warnings (with their mail), cases, hooks.
        assert!(answers.iter().any(|a| a.contains("warning")), "{answers:?}");
        assert!(state.iter().any(|s| s.contains("open cases=6")), "{state:?}");
        assert!(state.iter().any(|s| s.contains("standing.changed")), "{state:?}");
        fresh.cleanup().await;
    })
    .await;
}

/// Senders writing at once: while one group commits, the writer decides the next group's events
/// ahead from the actors it holds. Each sender's messages go in order, so each sender's answers
/// and rows must be those of one event at a time, however the senders interleave.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_decided_ahead_of_their_group_match_one_at_a_time() {
    each_backend(|db| async move {
        const SENDERS: usize = 12;
        let texts = [
            CLEAN[0],
            "sure, email me at john.doe@gmail.com",
            CLEAN[1],
            "pay me via paypal outside the platform, we avoid the fees",
            CLEAN[2],
            "call me on +1 415 555 0100 so we can talk",
            CLEAN[0],
        ];
        let messages = |a: usize| -> Vec<(String, Value)> {
            (0..40)
                .map(|n| {
                    let body = envelope(
                        "message.sent",
                        &format!("mp_{a}"),
                        json!({"thread_id": format!("t{a}"), "recipient_ids": [format!("c{a}_{}", n % 5)], "contract_active": false, "text": texts[n % texts.len()]}),
                    );
                    (format!("m{a}-{n}"), body)
                })
                .collect()
        };
        let actors: BTreeSet<String> = (0..SENDERS).map(|a| format!("mp_{a}")).collect();
        let fresh = trustwork_store::testing::TestDb::like(&db).await.unwrap();
        let mut outcomes = Vec::new();
        for (concurrent, db) in [(false, db.clone()), (true, fresh.db.clone())] {
            let (app, _clock) = app(db);
            sign_up_and_subscribe(&app, &actors, &["decision.created"]).await;
            let mut answers = Vec::new();
            if concurrent {
                let mut tasks = Vec::new();
                for a in 0..SENDERS {
                    let (app, messages) = (app.clone(), messages(a));
                    tasks.push(tokio::spawn(async move {
                        let mut out = Vec::new();
                        for (key, body) in &messages {
                            out.push(summary(&app.ingest(key, body).await));
                        }
                        out
                    }));
                }
                for t in tasks {
                    answers.push(t.await.unwrap());
                }
            } else {
                for a in 0..SENDERS {
                    let mut out = Vec::new();
                    for (key, body) in &messages(a) {
                        out.push(summary(&app.ingest_unbatched(key, body).await));
                    }
                    answers.push(out);
                }
            }
            let state = state(&app, &actors).await;
            if concurrent && app.db().backend() == trustwork_store::Backend::Sqlite {
                let stats = app.pipeline_stats();
                assert!(stats.decided_ahead > 0, "{stats:?}");
            }
            outcomes.push((answers, state));
        }
        assert_eq!(outcomes[0], outcomes[1]);
        fresh.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn recipients_past_the_hour_are_pruned_and_counting_goes_on() {
    each_backend(|db| async move {
        let (app, clock) = app(db);
        sign_up_mp_1(&app).await;
        let message = |n: usize, to: &str| {
            envelope(
                "message.sent",
                "mp_1",
                json!({"thread_id": "t", "recipient_ids": [to], "contract_active": false, "text": format!("Draft {n} attached.")}),
            )
        };
        for (n, to) in ["c1", "c2", "c3"].iter().enumerate() {
            app.ingest(&format!("old{n}"), &message(n, to)).await.unwrap();
        }
        // Nothing has left the hour yet.
        assert_eq!(app.prune_counters().await.unwrap(), 0);
        clock.advance(2 * HOUR_MS).unwrap();
        let (view, _) = app.ingest("new0", &message(9, "c4")).await.unwrap();
        assert_eq!(view.counters["distinct_recipients_1h"], 1);
        assert_eq!(app.prune_counters().await.unwrap(), 3, "c1, c2 and c3 went; c4 stays");
        let (view, _) = app.ingest("new1", &message(10, "c5")).await.unwrap();
        assert_eq!(view.counters["distinct_recipients_1h"], 2);
        // Read back from the database, not the writer's memory, the count is the same.
        let (view, _) = app
            .ingest_unbatched("new2", &message(11, "c4"))
            .await
            .unwrap();
        assert_eq!(view.counters["distinct_recipients_1h"], 3, "c4, c5, and c4 counted as new");
    })
    .await;
}

/// An account's decisions as agents read them are those that did something: a clean message's
/// allow is stored (its decision can be fetched) but not listed; a warning is, whichever path
/// decided it.
#[tokio::test]
async fn an_accounts_decisions_list_only_those_that_did_something() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        sign_up_mp_1(&app).await;
        let message = |text: &str| {
            envelope(
                "message.sent",
                "mp_1",
                json!({"thread_id": "t", "recipient_ids": ["c1"], "contract_active": false, "text": text}),
            )
        };
        let (clean, _) = app.ingest("clean", &message("Draft attached, thanks.")).await.unwrap();
        let (warned, _) = app
            .ingest("warned", &message("email me at jane.doe.dev@gmail.com"))
            .await
            .unwrap();
        assert!(!warned.actions.is_empty(), "{warned:?}");
        let listed: Vec<String> = app
            .decisions_of("mp_1", 50)
            .await
            .unwrap()
            .into_iter()
            .map(|d| d.id)
            .collect();
        assert!(listed.contains(&warned.id), "{listed:?}");
        assert!(!listed.contains(&clean.id), "{listed:?}");
        assert_eq!(app.decision(&clean.id).await.unwrap().verdict, "allow");
    })
    .await;
}
