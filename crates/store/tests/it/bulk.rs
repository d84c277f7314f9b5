//! The set-at-a-time reads and multi-row inserts the event pipeline's group commit uses, checked
//! against their one-row counterparts, across statement-size chunks, on both databases.

use crate::account;
use std::collections::HashSet;
use trustwork_core::enforcement::counters::{
    ATTEMPTS_WINDOW_MS, Before, MAX_RECENT_REFS, bucket_of, first_bucket, ref_time,
};
use trustwork_core::{Actor, LiftCondition, ReasonCode, Restriction, Role, Severity, Timestamp};
use trustwork_store::StoreError;
use trustwork_store::events::{StoredDecision, StoredEvent};
use trustwork_store::signals::NewSignal;
use trustwork_store::testing::each_backend;
use trustwork_store::webhooks::{WebhookDelivery, WebhookSubscription};

fn event(n: usize) -> StoredEvent {
    StoredEvent {
        id: format!("evt_{n}"),
        idempotency_key: format!("key-{n}"),
        event_type: "message.sent".into(),
        actor_id: format!("acc_{}", n % 7),
        occurred_at: Timestamp(n as i64),
        received_at: Timestamp(1_000 + n as i64),
        // Quotes, escapes, a line break and characters outside ASCII survive the batch insert
        // (SQLite takes the rows as one JSON text).
        data_json: format!("{{\"n\":{n},\"text\":\"na\\u00efve ï \\\"q\\\" \\\\ \\n 😀\"}}"),
        decision_id: format!("dec_{n}"),
    }
}

fn decision(n: usize) -> StoredDecision {
    StoredDecision {
        id: format!("dec_{n}"),
        event_id: format!("evt_{n}"),
        actor_id: format!("acc_{}", n % 7),
        verdict: "allow".into(),
        // Raw control characters too.
        reason: "line\nbreak\t\u{1}end".into(),
        explanation_json: format!("{{\"n\":{n},\"reason\":\"l\\u00e9a é \\\"x\\\" \\t\"}}"),
        policy_version: "v1".into(),
        created_at: Timestamp(1_000 + n as i64),
        acted: n.is_multiple_of(2),
    }
}

#[tokio::test]
async fn many_events_and_decisions_go_in_at_once_and_keys_stay_unique() {
    each_backend(|db| async move {
        // More rows than one statement takes: the insert is split.
        let events: Vec<StoredEvent> = (0..300).map(event).collect();
        let decisions: Vec<StoredDecision> = (0..300).map(decision).collect();
        let mut tx = db.begin().await.unwrap();
        tx.insert_events(&events).await.unwrap();
        tx.insert_decisions(&decisions).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = db.begin().await.unwrap();
        assert_eq!(tx.count_events().await.unwrap(), 300);
        assert_eq!(tx.event_by_key("key-299").await.unwrap(), Some(event(299)));
        assert_eq!(tx.decision("dec_150").await.unwrap(), decision(150));
        let asked: Vec<String> = (295..305).map(|n| format!("key-{n}")).collect();
        let asked: Vec<&str> = asked.iter().map(String::as_str).collect();
        let taken = tx.keys_taken(&asked).await.unwrap();
        let expected: HashSet<String> = (295..300).map(|n| format!("key-{n}")).collect();
        assert_eq!(taken, expected);
        assert!(tx.keys_taken(&[]).await.unwrap().is_empty());

        // One taken key fails the insert (the caller then rolls the transaction back).
        let mut again = event(400);
        again.idempotency_key = "key-7".into();
        let dup = tx.insert_events(&[event(401), again]).await;
        assert!(matches!(dup, Err(StoreError::Conflict { .. })), "{dup:?}");
    })
    .await;
}

#[tokio::test]
async fn a_groups_events_decisions_and_signals_go_in_together() {
    each_backend(|db| async move {
        let signal = |n: usize| NewSignal {
            account_id: format!("acc_{}", n % 7),
            kind: "message_recipient",
            ref_id: format!("person_{n}"),
            at: Timestamp(1_000 + n as i64),
        };
        let mut tx = db.begin().await.unwrap();
        let (events, decisions): (Vec<_>, Vec<_>) = (0..5).map(|n| (event(n), decision(n))).unzip();
        let signals: Vec<NewSignal> = (0..3).map(signal).collect();
        tx.insert_decided(&events, &decisions, &signals)
            .await
            .unwrap();
        // Without signals, and a group of one (the one-row statements).
        tx.insert_decided(&[event(5), event(6)], &[decision(5), decision(6)], &[])
            .await
            .unwrap();
        tx.insert_decided(&[event(7)], &[decision(7)], &[signal(7)])
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let mut tx = db.begin().await.unwrap();
        assert_eq!(tx.count_events().await.unwrap(), 8);
        for n in 0..8 {
            let key = format!("key-{n}");
            assert_eq!(tx.event_by_key(&key).await.unwrap(), Some(event(n)));
            assert_eq!(tx.decision(&format!("dec_{n}")).await.unwrap(), decision(n));
        }
        let ids = [
            "acc_0", "acc_1", "acc_2", "acc_3", "acc_4", "acc_5", "acc_6",
        ];
        let found = tx.actor_counters(&ids, Timestamp(1_100)).await.unwrap();
        let mut accounts: Vec<&str> = found.keys().map(String::as_str).collect();
        accounts.sort_unstable();
        assert_eq!(accounts, ["acc_0", "acc_1", "acc_2"]);
        assert_eq!(
            Before::of_actor(&found["acc_0"], Timestamp(1_100)).recipients_1h,
            2,
            "person_0 and person_7"
        );

        // A taken key fails the whole call (the caller then rolls the transaction back).
        let mut again = event(9);
        again.idempotency_key = "key-3".into();
        let dup = tx
            .insert_decided(
                &[event(8), again],
                &[decision(8), decision(9)],
                &[signal(8)],
            )
            .await;
        assert!(matches!(dup, Err(StoreError::Conflict { .. })), "{dup:?}");
    })
    .await;
}

#[tokio::test]
async fn accounts_and_restrictions_load_for_many_accounts() {
    each_backend(|db| async move {
        let a = account(&db, "a@example.com", Role::Freelancer).await;
        let b = account(&db, "b@example.com", Role::Client).await;
        let hold = Restriction {
            id: "rst_1".into(),
            account_id: a.id.clone(),
            reason: ReasonCode::Spam,
            severity: Severity::Hold,
            scope: trustwork_core::restriction::HOLD_SCOPE,
            lift: LiftCondition::Manual,
            actor: Actor::system("test"),
            note: String::new(),
            created_at: Timestamp(10),
            lifted_at: None,
            lifted_by: None,
            lift_note: None,
            overturned_at: None,
        };
        let mut tx = db.begin().await.unwrap();
        tx.insert_restriction(&hold).await.unwrap();
        tx.lock_accounts(&[&b.id, &a.id, "acc_missing"])
            .await
            .unwrap();
        let mut found = tx
            .find_accounts(&[&a.id, &b.id, "acc_missing"])
            .await
            .unwrap();
        found.sort_by(|x, y| x.email.cmp(&y.email));
        assert_eq!(found, vec![a.clone(), b.clone()]);
        assert_eq!(
            tx.restrictions_of_accounts(&[&a.id, &b.id]).await.unwrap(),
            vec![hold]
        );
        tx.commit().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn counters_for_many_accounts_agree_with_the_signals_and_stay_bounded() {
    each_backend(|db| async move {
        let hour = trustwork_core::HOUR_MS;
        let now = Timestamp(40 * trustwork_core::DAY_MS);
        let mut signals = Vec::new();
        for n in 0..600_i64 {
            signals.push(NewSignal {
                account_id: format!("acc_{}", n % 5),
                kind: match n % 3 {
                    0 => "contact_attempt",
                    1 => "payment_attempt",
                    _ => "message_recipient",
                },
                ref_id: format!("person_{}", n % 11),
                // Spread over 35 days: some attempts have left the 30-day window, most
                // recipients the hour.
                at: Timestamp(now.millis() - (n * 7 * hour) % (35 * 24 * hour) - n),
            });
        }
        // acc_9 wrote to more people within the hour than are kept.
        for n in 0..(MAX_RECENT_REFS as i64 + 40) {
            signals.push(NewSignal {
                account_id: "acc_9".into(),
                kind: "message_recipient",
                ref_id: format!("p{n}"),
                at: Timestamp(now.millis() - 1_000 + n),
            });
        }
        let mut tx = db.begin().await.unwrap();
        tx.add_signals(&signals[..300]).await.unwrap();
        tx.add_signals(&signals[300..]).await.unwrap();
        let ids = [
            "acc_0", "acc_1", "acc_2", "acc_3", "acc_4", "acc_9", "acc_none",
        ];
        let together = tx.actor_counters(&ids, now).await.unwrap();
        for id in ids {
            let alone = tx.actor_counters(&[id], now).await.unwrap();
            assert_eq!(together.get(id), alone.get(id), "{id}");
            let counted = Before::of_actor(&together.get(id).cloned().unwrap_or_default(), now);
            // What the signals say, with the hour-bucket rule of `core`.
            let first = first_bucket(now, ATTEMPTS_WINDOW_MS);
            let attempts = |kind: &str| {
                signals
                    .iter()
                    .filter(|s| s.account_id == id && s.kind == kind && bucket_of(s.at) >= first)
                    .count() as i64
            };
            let since = now.plus_millis(-hour);
            let people: HashSet<&str> = signals
                .iter()
                .filter(|s| {
                    s.account_id == id && s.kind == "message_recipient" && ref_time(s.at) > since
                })
                .map(|s| s.ref_id.as_str())
                .collect();
            assert_eq!(
                counted.contact_attempts_30d,
                attempts("contact_attempt"),
                "{id}"
            );
            assert_eq!(
                counted.payment_attempts_30d,
                attempts("payment_attempt"),
                "{id}"
            );
            assert_eq!(
                counted.recipients_1h,
                people.len().min(MAX_RECENT_REFS) as i64,
                "{id}"
            );
            assert_eq!(
                tx.counted(id, "contact_attempt", ATTEMPTS_WINDOW_MS, now)
                    .await
                    .unwrap(),
                attempts("contact_attempt"),
                "{id}"
            );
        }
        tx.commit().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn many_webhook_deliveries_go_in_at_once() {
    each_backend(|db| async move {
        let mut tx = db.begin().await.unwrap();
        tx.insert_webhook_subscription(&WebhookSubscription {
            id: "whs_1".into(),
            url: "http://127.0.0.1:9/hook".into(),
            secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into(),
            event_types: "*".into(),
            active: true,
            created_at: Timestamp(1),
            disabled_at: None,
        })
        .await
        .unwrap();
        let deliveries: Vec<WebhookDelivery> = (0..200)
            .map(|n| WebhookDelivery {
                id: format!("msg_{n}"),
                subscription_id: "whs_1".into(),
                event_type: "decision.created".into(),
                payload: format!("{{\"n\":{n}}}"),
                status: "pending".into(),
                attempts: 0,
                next_attempt_at: Timestamp(5),
                last_status_code: None,
                last_error: None,
                replay_of: None,
                created_at: Timestamp(5),
                delivered_at: None,
            })
            .collect();
        tx.insert_webhook_deliveries(&deliveries).await.unwrap();
        assert_eq!(
            tx.webhook_delivery("msg_199").await.unwrap(),
            deliveries[199]
        );
        tx.commit().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn a_savepoint_undoes_only_what_came_after_it() {
    each_backend(|db| async move {
        let mut tx = db.begin().await.unwrap();
        tx.insert_event(&event(1)).await.unwrap();
        tx.savepoint("one_event").await.unwrap();
        tx.insert_event(&event(2)).await.unwrap();
        // A failed statement inside: PostgreSQL needs the rollback to go on at all.
        assert!(tx.insert_event(&event(1)).await.is_err());
        tx.rollback_to_savepoint("one_event").await.unwrap();
        tx.savepoint("one_event").await.unwrap();
        tx.insert_event(&event(3)).await.unwrap();
        tx.release_savepoint("one_event").await.unwrap();
        tx.commit().await.unwrap();
        let mut tx = db.begin().await.unwrap();
        let keys = ["key-1", "key-2", "key-3"];
        let taken = tx.keys_taken(&keys).await.unwrap();
        let expected: HashSet<String> = ["key-1".to_owned(), "key-3".to_owned()].into();
        assert_eq!(taken, expected);
    })
    .await;
}

#[tokio::test]
async fn changes_to_accounts_and_restrictions_are_reported_once_on_sqlite() {
    each_backend(|db| async move {
        let a = account(&db, "a@example.com", Role::Freelancer).await;
        let b = account(&db, "b@example.com", Role::Client).await;
        let mut tx = db.begin().await.unwrap();
        // Sign-ups are not changes: nobody can have kept an account that did not exist.
        tx.take_account_changes().await.unwrap();
        assert!(tx.take_account_changes().await.unwrap().is_empty());
        tx.set_identity_verified(&a.id, Timestamp(5)).await.unwrap();
        let warning = Restriction {
            id: "rst_w".into(),
            account_id: b.id.clone(),
            reason: ReasonCode::ContactInfoSharing,
            severity: Severity::Warning,
            scope: trustwork_core::capability::CapabilitySet::EMPTY,
            lift: LiftCondition::AtTime(Timestamp(99)),
            actor: Actor::system("test"),
            note: String::new(),
            created_at: Timestamp(10),
            lifted_at: None,
            lifted_by: None,
            lift_note: None,
            overturned_at: None,
        };
        tx.insert_restriction(&warning).await.unwrap();
        tx.commit().await.unwrap();

        // Another transaction (any connection) sees them, each account once.
        let mut tx = db.begin().await.unwrap();
        let changed = tx.take_account_changes().await.unwrap();
        if db.backend() == trustwork_store::Backend::Sqlite {
            let mut expected = vec![a.id.clone(), b.id.clone()];
            expected.sort();
            assert_eq!(changed, expected);
        } else {
            assert!(changed.is_empty());
        }
        assert!(tx.take_account_changes().await.unwrap().is_empty());
        tx.overturn_restriction("rst_w", Timestamp(20))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let mut tx = db.begin().await.unwrap();
        let changed = tx.take_account_changes().await.unwrap();
        if db.backend() == trustwork_store::Backend::Sqlite {
            assert_eq!(changed, vec![b.id.clone()]);
        } else {
            assert!(changed.is_empty());
        }
        tx.commit().await.unwrap();
    })
    .await;
}

/// SQLite's write connection gives its lock back when a transaction is dropped, not at the next
/// write: another process (here, a second pool on the same file) can write meanwhile, where a
/// held lock would fail it with "database is locked" after busy_timeout.
#[tokio::test]
async fn a_dropped_sqlite_transaction_frees_the_file_for_other_processes() {
    let test = trustwork_store::testing::TestDb::sqlite().await.unwrap();
    let a = account(&test.db, "a@example.com", Role::Freelancer).await;
    drop(test.db.begin().await.unwrap());
    let other = trustwork_store::Db::connect(&test.url).await.unwrap();
    let mut tx = other.begin().await.unwrap();
    tx.set_identity_verified(&a.id, Timestamp(7)).await.unwrap();
    tx.commit().await.unwrap();
    other.close().await;
    test.cleanup().await;
}

/// Commits append to the WAL; the checkpointer, not a commit, copies it into the database file.
#[tokio::test]
async fn the_wal_is_copied_into_the_database_file_in_the_background() {
    let test = trustwork_store::testing::TestDb::sqlite().await.unwrap();
    let path = test.url.trim_start_matches("sqlite://").to_owned();
    let size = || std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    // Whatever the migrations left is checkpointed first.
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    let before = size();
    let events: Vec<StoredEvent> = (0..2_000).map(event).collect();
    let mut tx = test.db.begin().await.unwrap();
    tx.insert_events(&events).await.unwrap();
    tx.commit().await.unwrap();
    let mut grown = false;
    for _ in 0..100 {
        if size() > before + 100_000 {
            grown = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(grown, "the database file stayed at {} bytes", size());
    test.cleanup().await;
}
