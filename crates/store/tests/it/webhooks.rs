use std::collections::HashMap;
use trustwork_core::Timestamp;
use trustwork_store::testing::{TestDb, each_backend, postgres_url};
use trustwork_store::webhooks::{
    AttemptOutcome, WebhookAttempt, WebhookDelivery, WebhookSubscription,
};
use trustwork_store::{Db, StoreError};

fn subscription(id: &str, types: &str, created: i64) -> WebhookSubscription {
    WebhookSubscription {
        id: id.into(),
        url: format!("http://127.0.0.1:9/{id}"),
        secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into(),
        event_types: types.into(),
        active: true,
        created_at: Timestamp(created),
        disabled_at: None,
    }
}

fn delivery(id: &str, subscription_id: &str, due: i64) -> WebhookDelivery {
    WebhookDelivery {
        id: id.into(),
        subscription_id: subscription_id.into(),
        event_type: "standing.changed".into(),
        payload: format!("{{\"n\":\"{id}\"}}"),
        status: "pending".into(),
        attempts: 0,
        next_attempt_at: Timestamp(due),
        last_status_code: None,
        last_error: None,
        replay_of: None,
        created_at: Timestamp(due),
        delivered_at: None,
    }
}

fn attempt(delivery_id: &str, at: i64, code: Option<i64>, error: Option<&str>) -> WebhookAttempt {
    WebhookAttempt {
        id: format!("att_{delivery_id}_{at}"),
        delivery_id: delivery_id.into(),
        at: Timestamp(at),
        status_code: code,
        error: error.map(str::to_owned),
        duration_ms: 3,
    }
}

#[tokio::test]
async fn subscriptions_are_stored_listed_and_disabled() {
    each_backend(|db| async move {
        let mut tx = db.begin().await.unwrap();
        tx.insert_webhook_subscription(&subscription("whs_1", "*", 10))
            .await
            .unwrap();
        tx.insert_webhook_subscription(&subscription("whs_2", "decision.created", 20))
            .await
            .unwrap();
        let got = tx.webhook_subscription("whs_1").await.unwrap();
        assert_eq!(got, subscription("whs_1", "*", 10));
        let all = tx.webhook_subscriptions(false).await.unwrap();
        assert_eq!(
            all.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
            ["whs_2", "whs_1"]
        );
        assert!(
            tx.disable_webhook_subscription("whs_1", Timestamp(30))
                .await
                .unwrap()
        );
        assert!(
            !tx.disable_webhook_subscription("whs_1", Timestamp(40))
                .await
                .unwrap(),
            "already off"
        );
        assert!(matches!(
            tx.disable_webhook_subscription("nope", Timestamp(40)).await,
            Err(StoreError::NotFound { .. })
        ));
        let off = tx.webhook_subscription("whs_1").await.unwrap();
        assert_eq!((off.active, off.disabled_at), (false, Some(Timestamp(30))));
        let active = tx.webhook_subscriptions(true).await.unwrap();
        assert_eq!(active.len(), 1);
        assert_eq!(active[0].id, "whs_2");
        assert!(matches!(
            tx.webhook_subscription("nope").await,
            Err(StoreError::NotFound { .. })
        ));
        tx.commit().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn deliveries_are_claimed_when_due_retried_and_logged() {
    each_backend(|db| async move {
        let mut tx = db.begin().await.unwrap();
        tx.insert_webhook_subscription(&subscription("whs_1", "*", 0))
            .await
            .unwrap();
        tx.insert_webhook_delivery(&delivery("d1", "whs_1", 10))
            .await
            .unwrap();
        tx.insert_webhook_delivery(&delivery("d2", "whs_1", 20))
            .await
            .unwrap();
        assert!(
            tx.claim_webhook_delivery(Timestamp(5), Timestamp(100))
                .await
                .unwrap()
                .is_none(),
            "nothing due yet"
        );
        let first = tx
            .claim_webhook_delivery(Timestamp(30), Timestamp(100))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (first.id.as_str(), first.status.as_str(), first.attempts),
            ("d1", "delivering", 1)
        );
        assert_eq!(first.payload, "{\"n\":\"d1\"}");
        let second = tx
            .claim_webhook_delivery(Timestamp(30), Timestamp(100))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(second.id, "d2");
        assert!(
            tx.claim_webhook_delivery(Timestamp(30), Timestamp(100))
                .await
                .unwrap()
                .is_none(),
            "both locked"
        );

        assert!(
            tx.finish_webhook_attempt(
                &attempt("d1", 31, Some(204), None),
                1,
                AttemptOutcome::Delivered,
            )
            .await
            .unwrap()
        );
        assert!(
            tx.finish_webhook_attempt(
                &attempt("d2", 31, Some(500), Some("HTTP 500")),
                1,
                AttemptOutcome::RetryAt(Timestamp(60)),
            )
            .await
            .unwrap()
        );
        // A late answer for a delivery that is no longer in delivery changes nothing.
        assert!(
            !tx.finish_webhook_attempt(
                &attempt("d1", 32, Some(500), Some("late")),
                1,
                AttemptOutcome::Failed,
            )
            .await
            .unwrap()
        );
        let d1 = tx.webhook_delivery("d1").await.unwrap();
        assert_eq!(
            (d1.status.as_str(), d1.last_status_code, d1.delivered_at),
            ("delivered", Some(204), Some(Timestamp(31)))
        );
        assert!(
            tx.claim_webhook_delivery(Timestamp(59), Timestamp(100))
                .await
                .unwrap()
                .is_none()
        );
        let retry = tx
            .claim_webhook_delivery(Timestamp(60), Timestamp(100))
            .await
            .unwrap()
            .unwrap();
        assert_eq!((retry.id.as_str(), retry.attempts), ("d2", 2));
        assert_eq!(retry.last_status_code, Some(500));
        assert_eq!(retry.last_error.as_deref(), Some("HTTP 500"));
        // A sender that died: the lock runs out and the delivery is claimed again.
        let again = tx
            .claim_webhook_delivery(Timestamp(101), Timestamp(200))
            .await
            .unwrap()
            .unwrap();
        assert_eq!((again.id.as_str(), again.attempts), ("d2", 3));
        // The dead sender's answer arrives late: the new claim owns the delivery.
        assert!(
            !tx.finish_webhook_attempt(
                &attempt("d2", 101, Some(204), None),
                2,
                AttemptOutcome::Delivered,
            )
            .await
            .unwrap()
        );
        assert_eq!(
            tx.webhook_delivery("d2").await.unwrap().status,
            "delivering"
        );
        assert!(
            tx.finish_webhook_attempt(
                &attempt("d2", 102, None, Some("connection refused")),
                3,
                AttemptOutcome::Failed,
            )
            .await
            .unwrap()
        );
        assert!(
            tx.claim_webhook_delivery(Timestamp(10_000), Timestamp(20_000))
                .await
                .unwrap()
                .is_none()
        );
        let d2 = tx.webhook_delivery("d2").await.unwrap();
        assert_eq!(
            (
                d2.status.as_str(),
                d2.last_status_code,
                d2.last_error.as_deref()
            ),
            ("failed", None, Some("connection refused"))
        );

        // Every answer is logged, the late one too.
        let attempts = tx.webhook_attempts("d2").await.unwrap();
        assert_eq!(
            attempts.iter().map(|a| a.status_code).collect::<Vec<_>>(),
            [Some(500), Some(204), None]
        );
        assert_eq!(tx.webhook_attempts("d1").await.unwrap().len(), 2);

        let mut replay = delivery("d3", "whs_1", 200);
        replay.replay_of = Some("d2".into());
        tx.insert_webhook_delivery(&replay).await.unwrap();
        let listed = tx.webhook_deliveries(Some("whs_1"), 10).await.unwrap();
        assert_eq!(
            listed.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
            ["d3", "d2", "d1"]
        );
        assert_eq!(listed[0].replay_of.as_deref(), Some("d2"));
        assert_eq!(tx.webhook_deliveries(None, 2).await.unwrap().len(), 2);
        assert!(
            tx.webhook_deliveries(Some("whs_x"), 10)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(matches!(
            tx.webhook_delivery("nope").await,
            Err(StoreError::NotFound { .. })
        ));
        tx.commit().await.unwrap();
    })
    .await;
}

/// Two senders with their own pools race over the same deliveries: each is claimed once.
async fn race(url: &str) {
    const DELIVERIES: usize = 40;
    let setup = Db::connect(url).await.unwrap();
    let mut tx = setup.begin().await.unwrap();
    tx.insert_webhook_subscription(&subscription("whs_1", "*", 0))
        .await
        .unwrap();
    for i in 0..DELIVERIES {
        tx.insert_webhook_delivery(&delivery(&format!("d{i:03}"), "whs_1", i as i64))
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    setup.close().await;

    let mut handles = Vec::new();
    for _ in 0..2 {
        let db = Db::connect(url).await.unwrap();
        handles.push(tokio::spawn(async move {
            let mut claimed = Vec::new();
            loop {
                let mut tx = db.begin().await.unwrap();
                let Some(d) = tx
                    .claim_webhook_delivery(Timestamp(1_000), Timestamp(1_000_000))
                    .await
                    .unwrap()
                else {
                    break;
                };
                tx.commit().await.unwrap();
                claimed.push(d.id);
                tokio::task::yield_now().await;
            }
            db.close().await;
            claimed
        }));
    }
    let mut count: HashMap<String, usize> = HashMap::new();
    for h in handles {
        for id in h.await.unwrap() {
            *count.entry(id).or_default() += 1;
        }
    }
    assert_eq!(count.len(), DELIVERIES, "every delivery claimed");
    assert!(count.values().all(|&n| n == 1), "none twice: {count:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_senders_never_claim_the_same_delivery() {
    let sqlite = TestDb::sqlite().await.unwrap();
    race(&sqlite.url).await;
    sqlite.cleanup().await;
    if let Some(url) = postgres_url() {
        let pg = TestDb::postgres(&url).await.unwrap();
        race(&pg.url).await;
        pg.cleanup().await;
    }
}
