use crate::account;
use trustwork_core::verification::{CaseStatus, VerificationCase};
use trustwork_core::{Actor, Role, Timestamp};
use trustwork_store::StoreError;
use trustwork_store::testing::each_backend;

#[tokio::test]
async fn cases_are_stored_and_updated_with_a_status_guard() {
    each_backend(|db| async move {
        let a = account(&db, "v@example.com", Role::Freelancer).await;
        let case = VerificationCase {
            id: "vc_1".into(),
            account_id: a.id.clone(),
            status: CaseStatus::Pending,
            reason: "random check".into(),
            requested_by: Actor::ApiToken("tok_1".into()),
            requested_at: Timestamp(100),
            deadline_at: Timestamp(200),
            hold_applied_at: None,
            decided_at: None,
            decided_by: None,
            decision_note: None,
            review_due_at: None,
        };
        let mut tx = db.begin().await.unwrap();
        tx.insert_verification_case(&case).await.unwrap();
        assert_eq!(tx.verification_case("vc_1").await.unwrap(), case);
        assert_eq!(
            tx.open_verification_case(&a.id).await.unwrap(),
            Some(case.clone())
        );
        assert!(matches!(
            tx.verification_case("vc_x").await,
            Err(StoreError::NotFound { .. })
        ));

        let mut decided = case.clone();
        decided.status = CaseStatus::Verified;
        decided.decided_at = Some(Timestamp(150));
        decided.decided_by = Some(Actor::Account("acc_agent".into()));
        decided.decision_note = Some("ID matched".into());
        tx.update_verification_case(&decided, CaseStatus::Pending)
            .await
            .unwrap();
        assert_eq!(tx.verification_case("vc_1").await.unwrap(), decided);
        assert_eq!(tx.open_verification_case(&a.id).await.unwrap(), None);
        // A second decision based on the stale status changes nothing.
        let err = tx
            .update_verification_case(&decided, CaseStatus::Pending)
            .await;
        assert!(matches!(err, Err(StoreError::Conflict { .. })));

        let mut newer = case.clone();
        newer.id = "vc_2".into();
        newer.requested_at = Timestamp(300);
        tx.insert_verification_case(&newer).await.unwrap();
        let all = tx.verification_cases_of(&a.id).await.unwrap();
        assert_eq!(
            all.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
            ["vc_2", "vc_1"]
        );
        tx.commit().await.unwrap();
    })
    .await;
}
