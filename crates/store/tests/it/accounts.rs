use crate::account;
use trustwork_core::{Role, Timestamp};
use trustwork_store::StoreError;
use trustwork_store::testing::each_backend;

#[tokio::test]
async fn accounts_are_stored_found_and_searched() {
    each_backend(|db| async move {
        let a = account(&db, "maria@example.com", Role::Freelancer).await;
        let b = account(&db, "joe@example.com", Role::Client).await;
        let mut tx = db.begin().await.unwrap();
        assert_eq!(tx.account(&a.id).await.unwrap(), a);
        assert!(tx.find_account("acc_missing").await.unwrap().is_none());
        assert!(matches!(
            tx.account("acc_missing").await,
            Err(StoreError::NotFound { .. })
        ));
        assert_eq!(
            tx.account_by_email("MARIA@example.com").await.unwrap(),
            Some(a.clone())
        );
        let found = tx.search_accounts("JOE", 10).await.unwrap();
        assert_eq!(found, vec![b.clone()]);
        // LIKE wildcards in the query are literal.
        assert!(tx.search_accounts("%", 10).await.unwrap().is_empty());
        assert_eq!(tx.search_accounts("example", 10).await.unwrap().len(), 2);
        assert_eq!(tx.count_accounts().await.unwrap(), 2);
        // Accents and case fold away on both sides; an id is found as typed.
        let mut lopez = a.clone();
        lopez.id = trustwork_store::new_id("acc");
        lopez.email = "ml@example.com".into();
        lopez.display_name = "María LÓPEZ".into();
        tx.insert_account(&lopez).await.unwrap();
        for q in ["lopez", "Lopez", "LÓPEZ", "maría lópez", "maria  lopez"] {
            assert_eq!(
                tx.search_accounts(q, 10).await.unwrap(),
                vec![lopez.clone()],
                "{q}"
            );
        }
        assert_eq!(
            tx.search_accounts(&lopez.id, 10).await.unwrap(),
            vec![lopez.clone()]
        );
        // Gone again for what follows.
        drop(tx);
        let mut tx = db.begin().await.unwrap();

        tx.lock_account(&a.id).await.unwrap();
        assert!(tx.take_from_balance(&a.id, 10_000).await.unwrap());
        assert!(
            !tx.take_from_balance(&a.id, 1).await.unwrap(),
            "never below zero"
        );
        tx.add_to_balance(&a.id, 10_000).await.unwrap();
        tx.set_identity_verified(&a.id, Timestamp(5_000))
            .await
            .unwrap();
        tx.add_to_balance(&a.id, -2_500).await.unwrap();
        let a2 = tx.account(&a.id).await.unwrap();
        assert_eq!(a2.identity_verified_at, Some(Timestamp(5_000)));
        assert_eq!(a2.balance_cents, 7_500);
        assert!(matches!(
            tx.set_identity_verified("acc_missing", Timestamp(1)).await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(matches!(
            tx.add_to_balance("acc_missing", 1).await,
            Err(StoreError::NotFound { .. })
        ));
        tx.commit().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn duplicate_email_is_a_conflict_and_changes_nothing() {
    each_backend(|db| async move {
        let a = account(&db, "dup@example.com", Role::Freelancer).await;
        let mut copy = a.clone();
        copy.id = "acc_other".into();
        let mut tx = db.begin().await.unwrap();
        let err = tx.insert_account(&copy).await;
        assert!(matches!(err, Err(StoreError::Conflict { .. })), "{err:?}");
        drop(tx);
        let mut tx = db.begin().await.unwrap();
        assert_eq!(tx.count_accounts().await.unwrap(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_dropped_transaction_rolls_back() {
    each_backend(|db| async move {
        let a = account(&db, "rb@example.com", Role::Freelancer).await;
        {
            let mut tx = db.begin().await.unwrap();
            tx.add_to_balance(&a.id, 1).await.unwrap();
        }
        let mut tx = db.begin().await.unwrap();
        assert_eq!(
            tx.account(&a.id).await.unwrap().balance_cents,
            a.balance_cents
        );
    })
    .await;
}
