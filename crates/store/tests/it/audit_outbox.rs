use crate::account;
use trustwork_core::audit::AuditRecord;
use trustwork_core::{Actor, Role, Timestamp};
use trustwork_store::outbox::OutboxMessage;
use trustwork_store::testing::each_backend;

#[tokio::test]
async fn audit_records_are_listed_per_account_newest_first() {
    each_backend(|db| async move {
        let a = account(&db, "au@example.com", Role::Freelancer).await;
        let mut tx = db.begin().await.unwrap();
        for (i, action) in ["restriction.applied", "restriction.lifted"]
            .iter()
            .enumerate()
        {
            tx.append_audit(&AuditRecord {
                id: format!("aud_{i}"),
                at: Timestamp(10 + i as i64),
                actor: Actor::Account("acc_agent".into()),
                account_id: Some(a.id.clone()),
                action: (*action).into(),
                entity_type: "restriction".into(),
                entity_id: "rst_1".into(),
                reason: "because".into(),
                before: (i == 1).then(|| "{\"lifted\":false}".to_string()),
                after: Some("{}".into()),
            })
            .await
            .unwrap();
        }
        tx.append_audit(&AuditRecord {
            id: "aud_other".into(),
            at: Timestamp(5),
            actor: Actor::system("timer"),
            account_id: None,
            action: "timer.fired".into(),
            entity_type: "timer".into(),
            entity_id: "tmr_1".into(),
            reason: String::new(),
            before: None,
            after: None,
        })
        .await
        .unwrap();
        let records = tx.audit_of(&a.id, 10).await.unwrap();
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].action, "restriction.lifted");
        assert_eq!(records[0].before.as_deref(), Some("{\"lifted\":false}"));
        assert_eq!(tx.audit_of(&a.id, 1).await.unwrap().len(), 1);
        tx.commit().await.unwrap();
    })
    .await;
}

fn message(id: &str, recipient: &str, created: i64) -> OutboxMessage {
    OutboxMessage {
        id: id.into(),
        kind: "email".into(),
        account_id: None,
        recipient: recipient.into(),
        subject: format!("subject {id}"),
        body: "body".into(),
        status: "pending".into(),
        attempts: 0,
        next_attempt_at: Timestamp(created),
        last_error: None,
        transport: None,
        created_at: Timestamp(created),
        delivered_at: None,
    }
}

#[tokio::test]
async fn outbox_claims_due_messages_once_and_retries_failures() {
    each_backend(|db| async move {
        let mut tx = db.begin().await.unwrap();
        tx.enqueue_outbox(&message("m1", "a@example.com", 10))
            .await
            .unwrap();
        tx.enqueue_outbox(&message("m2", "b@example.com", 20))
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let mut tx = db.begin().await.unwrap();
        assert!(
            tx.claim_outbox(Timestamp(5), Timestamp(100))
                .await
                .unwrap()
                .is_none(),
            "nothing due yet"
        );
        let first = tx
            .claim_outbox(Timestamp(30), Timestamp(100))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (first.id.as_str(), first.status.as_str(), first.attempts),
            ("m1", "delivering", 1)
        );
        let second = tx
            .claim_outbox(Timestamp(30), Timestamp(100))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(second.id, "m2");
        assert!(
            tx.claim_outbox(Timestamp(30), Timestamp(100))
                .await
                .unwrap()
                .is_none(),
            "both locked"
        );

        tx.mark_outbox_delivered("m1", "dev_mailbox", Timestamp(31))
            .await
            .unwrap();
        tx.mark_outbox_failed("m2", "connection refused", Some(Timestamp(60)))
            .await
            .unwrap();
        assert!(
            tx.claim_outbox(Timestamp(59), Timestamp(100))
                .await
                .unwrap()
                .is_none()
        );
        let retry = tx
            .claim_outbox(Timestamp(60), Timestamp(100))
            .await
            .unwrap()
            .unwrap();
        assert_eq!((retry.id.as_str(), retry.attempts), ("m2", 2));
        assert_eq!(retry.last_error.as_deref(), Some("connection refused"));
        // A claimant that died: the lock runs out and the message is claimed again.
        let again = tx
            .claim_outbox(Timestamp(101), Timestamp(200))
            .await
            .unwrap()
            .unwrap();
        assert_eq!((again.id.as_str(), again.attempts), ("m2", 3));
        tx.mark_outbox_failed("m2", "gave up", None).await.unwrap();
        assert!(
            tx.claim_outbox(Timestamp(1_000), Timestamp(2_000))
                .await
                .unwrap()
                .is_none()
        );

        let all = tx.outbox_messages(None, 10).await.unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].status, "failed");
        let delivered = tx.outbox_messages(Some("a@example.com"), 10).await.unwrap();
        assert_eq!(delivered.len(), 1);
        assert_eq!(delivered[0].status, "delivered");
        assert_eq!(delivered[0].transport.as_deref(), Some("dev_mailbox"));
        assert_eq!(delivered[0].delivered_at, Some(Timestamp(31)));
        tx.commit().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn settings_are_upserted() {
    each_backend(|db| async move {
        let mut tx = db.begin().await.unwrap();
        assert_eq!(tx.setting("clock_offset").await.unwrap(), None);
        tx.put_setting("clock_offset", "5").await.unwrap();
        tx.put_setting("clock_offset", "7").await.unwrap();
        assert_eq!(
            tx.setting("clock_offset").await.unwrap().as_deref(),
            Some("7")
        );
        tx.commit().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn outbox_claims_a_batch_of_due_messages_oldest_first() {
    each_backend(|db| async move {
        let mut tx = db.begin().await.unwrap();
        for n in 0..7 {
            tx.enqueue_outbox(&message(&format!("m{n}"), "a@example.com", 10 + n))
                .await
                .unwrap();
        }
        // Not due yet.
        tx.enqueue_outbox(&message("later", "b@example.com", 500))
            .await
            .unwrap();
        let first = tx
            .claim_outbox_batch(Timestamp(100), Timestamp(200), 5)
            .await
            .unwrap();
        let ids: Vec<&str> = first.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["m0", "m1", "m2", "m3", "m4"]);
        assert!(
            first
                .iter()
                .all(|m| m.status == "delivering" && m.attempts == 1)
        );
        let rest = tx
            .claim_outbox_batch(Timestamp(100), Timestamp(200), 5)
            .await
            .unwrap();
        let ids: Vec<&str> = rest.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["m5", "m6"]);
        assert!(
            tx.claim_outbox_batch(Timestamp(100), Timestamp(200), 5)
                .await
                .unwrap()
                .is_empty()
        );
        tx.commit().await.unwrap();
    })
    .await;
}
