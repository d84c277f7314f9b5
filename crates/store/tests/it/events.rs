use trustwork_core::Timestamp;
use trustwork_store::StoreError;
use trustwork_store::events::{StoredDecision, StoredEvent};
use trustwork_store::testing::each_backend;

fn event(id: &str, key: &str, at: i64) -> StoredEvent {
    StoredEvent {
        id: id.into(),
        idempotency_key: key.into(),
        event_type: "message.sent".into(),
        actor_id: "acc_1".into(),
        occurred_at: Timestamp(at),
        received_at: Timestamp(at),
        data_json: "{}".into(),
        decision_id: format!("dec_{id}"),
    }
}

#[tokio::test]
async fn events_are_unique_per_key_and_decisions_are_found() {
    each_backend(|db| async move {
        let mut tx = db.begin().await.unwrap();
        tx.insert_event(&event("e1", "k1", 10)).await.unwrap();
        tx.insert_event(&event("e2", "k2", 20)).await.unwrap();
        tx.commit().await.unwrap();
        let mut tx = db.begin().await.unwrap();
        let dup = tx.insert_event(&event("e3", "k1", 30)).await;
        assert!(matches!(dup, Err(StoreError::Conflict { .. })), "{dup:?}");
        drop(tx);
        let mut tx = db.begin().await.unwrap();
        assert_eq!(
            tx.event_by_key("k1").await.unwrap(),
            Some(event("e1", "k1", 10))
        );
        assert_eq!(tx.event_by_key("nope").await.unwrap(), None);
        assert_eq!(tx.count_events().await.unwrap(), 2);
        let between = tx
            .events_between(Timestamp(15), Timestamp(100), 10)
            .await
            .unwrap();
        assert_eq!(between, vec![event("e2", "k2", 20)]);

        let d = StoredDecision {
            id: "dec_e1".into(),
            event_id: "e1".into(),
            actor_id: "acc_1".into(),
            verdict: "block".into(),
            reason: "no".into(),
            explanation_json: "{\"rules\":[\"r\"]}".into(),
            policy_version: "v1".into(),
            created_at: Timestamp(10),
            acted: true,
        };
        tx.insert_decision(&d).await.unwrap();
        assert_eq!(tx.decision("dec_e1").await.unwrap(), d);
        assert!(matches!(
            tx.decision("dec_x").await,
            Err(StoreError::NotFound { .. })
        ));
        assert_eq!(tx.decisions_of("acc_1", 10).await.unwrap(), vec![d]);
        tx.commit().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn signals_letters_fingerprints_and_policies() {
    each_backend(|db| async move {
        let mut tx = db.begin().await.unwrap();
        let hour = trustwork_core::HOUR_MS;
        for (i, r) in ["b", "c", "b"].iter().enumerate() {
            tx.add_signal("a", "message_recipient", r, Timestamp(100 + i as i64))
                .await
                .unwrap();
        }
        for at in [50, 60, hour + 5] {
            tx.add_signal("a", "contact_attempt", "e1", Timestamp(at))
                .await
                .unwrap();
        }
        // The record keeps each attempt; a message's recipients only count.
        assert_eq!(
            tx.count_signals("a", "contact_attempt", Timestamp(0))
                .await
                .unwrap(),
            3
        );
        assert_eq!(
            tx.count_signals("a", "contact_attempt", Timestamp(50))
                .await
                .unwrap(),
            2,
            "window is exclusive"
        );
        assert_eq!(
            tx.count_signals("a", "message_recipient", Timestamp(0))
                .await
                .unwrap(),
            0
        );
        // Counted in hour buckets: a bucket counts while part of its hour is in the window.
        let now = Timestamp(hour + 10);
        assert_eq!(
            tx.counted("a", "contact_attempt", hour, now).await.unwrap(),
            3
        );
        let later = Timestamp(2 * hour + 10);
        assert_eq!(
            tx.counted("a", "contact_attempt", hour, later)
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            tx.counted("z", "contact_attempt", hour, later)
                .await
                .unwrap(),
            0
        );
        // Recipients are kept to the minute (all three messages in minute 0).
        let early = Timestamp(30 * 60_000);
        let counters = tx.actor_counters(&["a", "z"], early).await.unwrap();
        let before = trustwork_core::enforcement::counters::Before::of_actor(&counters["a"], early);
        assert_eq!((before.contact_attempts_30d, before.recipients_1h), (3, 2));
        assert!(!counters.contains_key("z"));

        let high = u64::MAX - 5;
        let l1 = tx
            .insert_letter("a", "00ff", &[1, 2, high], Timestamp(10))
            .await
            .unwrap();
        let l2 = tx
            .insert_letter("b", "ff00", &[2, 9], Timestamp(20))
            .await
            .unwrap();
        tx.insert_letter("a", "abcd", &[7], Timestamp(30))
            .await
            .unwrap();
        let found = tx
            .letter_candidates(&[2, 3], None, Timestamp(0), 10)
            .await
            .unwrap();
        assert_eq!(
            found.iter().map(|c| c.id.clone()).collect::<Vec<_>>(),
            vec![l2.clone(), l1.clone()]
        );
        let mine = tx
            .letter_candidates(&[2, high], Some("a"), Timestamp(0), 10)
            .await
            .unwrap();
        assert_eq!(mine.len(), 1);
        assert_eq!(
            (mine[0].id.as_str(), mine[0].signature_hex.as_str()),
            (l1.as_str(), "00ff")
        );
        assert!(
            tx.letter_candidates(&[2], None, Timestamp(20), 10)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            tx.letter_candidates(&[], None, Timestamp(0), 10)
                .await
                .unwrap()
                .is_empty()
        );

        tx.add_identity_fingerprint("a", "email", "x@y.co", Timestamp(1))
            .await
            .unwrap();
        tx.add_identity_fingerprint("a", "email", "x@y.co", Timestamp(2))
            .await
            .unwrap();
        tx.add_identity_fingerprint("a", "device", "d1", Timestamp(3))
            .await
            .unwrap();
        assert_eq!(
            tx.identity_fingerprints_of("a").await.unwrap(),
            vec![
                ("device".to_string(), "d1".to_string()),
                ("email".to_string(), "x@y.co".to_string())
            ]
        );
        tx.add_ban_fingerprint("a", "device", "d1", Timestamp(4))
            .await
            .unwrap();
        assert_eq!(
            tx.banned_by_fingerprint("device", "d1")
                .await
                .unwrap()
                .as_deref(),
            Some("a")
        );
        assert_eq!(
            tx.banned_by_fingerprint("device", "d2").await.unwrap(),
            None
        );
        assert_eq!(tx.remove_ban_fingerprints("a").await.unwrap(), 1);
        assert_eq!(
            tx.banned_by_fingerprint("device", "d1").await.unwrap(),
            None
        );

        tx.record_policy_version("v1", "version = \"v1\"", Timestamp(5))
            .await
            .unwrap();
        tx.record_policy_version("v1", "other", Timestamp(6))
            .await
            .unwrap();
        assert_eq!(
            tx.policy_source("v1").await.unwrap().as_deref(),
            Some("version = \"v1\"")
        );
        assert_eq!(tx.policy_source("v2").await.unwrap(), None);
        tx.commit().await.unwrap();
    })
    .await;
}
