use crate::account;
use trustwork_core::restriction::HOLD_SCOPE;
use trustwork_core::{
    Actor, LiftCondition, ReasonCode, RequiredAction, Restriction, Role, Severity, Timestamp,
};
use trustwork_store::StoreError;
use trustwork_store::testing::each_backend;

#[tokio::test]
async fn restrictions_round_trip_and_lift_once() {
    each_backend(|db| async move {
        let a = account(&db, "r@example.com", Role::Freelancer).await;
        let hold = Restriction {
            id: "rst_1".into(),
            account_id: a.id.clone(),
            reason: ReasonCode::UnverifiedIdentityDeadline,
            severity: Severity::Hold,
            scope: HOLD_SCOPE,
            lift: LiftCondition::OnAction(RequiredAction::PassIdentityVerification),
            actor: Actor::system("timer"),
            note: "deadline passed".into(),
            created_at: Timestamp(10),
            lifted_at: None,
            lifted_by: None,
            lift_note: None,
            overturned_at: None,
        };
        let mut timed = hold.clone();
        timed.id = "rst_2".into();
        timed.reason = ReasonCode::Spam;
        timed.severity = Severity::Warning;
        timed.lift = LiftCondition::AtTime(Timestamp(99));
        timed.created_at = Timestamp(20);
        let mut tx = db.begin().await.unwrap();
        tx.insert_restriction(&hold).await.unwrap();
        tx.insert_restriction(&timed).await.unwrap();
        assert_eq!(
            tx.restrictions_of(&a.id).await.unwrap(),
            vec![hold.clone(), timed.clone()]
        );
        assert_eq!(tx.restriction("rst_1").await.unwrap(), hold);
        assert!(matches!(
            tx.restriction("rst_x").await,
            Err(StoreError::NotFound { .. })
        ));

        let agent = Actor::Account("acc_agent".into());
        assert!(
            tx.lift_restriction("rst_1", Timestamp(50), &agent, "verified")
                .await
                .unwrap()
        );
        assert!(
            !tx.lift_restriction("rst_1", Timestamp(60), &agent, "again")
                .await
                .unwrap()
        );
        let lifted = tx.restriction("rst_1").await.unwrap();
        assert_eq!(lifted.lifted_at, Some(Timestamp(50)));
        assert_eq!(lifted.lifted_by, Some(agent));
        assert_eq!(lifted.lift_note.as_deref(), Some("verified"));
        tx.commit().await.unwrap();
    })
    .await;
}
