use crate::account;
use trustwork_core::{Role, Timestamp};
use trustwork_store::StoreError;
use trustwork_store::auth::{ApiToken, LoginFailures, Session};
use trustwork_store::testing::each_backend;

#[tokio::test]
async fn sessions_live_expire_and_end() {
    each_backend(|db| async move {
        let a = account(&db, "s@example.com", Role::Freelancer).await;
        let s = Session {
            id: "hash1".into(),
            account_id: a.id.clone(),
            csrf_token: "csrf".into(),
            created_at: Timestamp(0),
            last_seen_at: Timestamp(0),
            expires_at: Timestamp(100),
        };
        let mut tx = db.begin().await.unwrap();
        tx.insert_session(&s).await.unwrap();
        assert_eq!(
            tx.live_session("hash1", Timestamp(99)).await.unwrap(),
            Some(s.clone())
        );
        assert_eq!(
            tx.live_session("hash1", Timestamp(100)).await.unwrap(),
            None
        );
        tx.touch_session("hash1", Timestamp(50), Timestamp(500))
            .await
            .unwrap();
        let touched = tx
            .live_session("hash1", Timestamp(200))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(touched.last_seen_at, Timestamp(50));
        assert_eq!(tx.extend_sessions(1_000).await.unwrap(), 1);
        assert!(
            tx.live_session("hash1", Timestamp(1_400))
                .await
                .unwrap()
                .is_some()
        );
        let mut s2 = s.clone();
        s2.id = "hash2".into();
        tx.insert_session(&s2).await.unwrap();
        assert_eq!(tx.count_sessions_of(&a.id).await.unwrap(), 2);
        tx.delete_session("hash2").await.unwrap();
        assert_eq!(tx.count_sessions_of(&a.id).await.unwrap(), 1);
        assert_eq!(tx.delete_sessions_of(&a.id).await.unwrap(), 1);
        assert_eq!(tx.live_session("hash1", Timestamp(0)).await.unwrap(), None);
        tx.commit().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn login_failures_are_counted_per_email_and_address() {
    each_backend(|db| async move {
        let mut tx = db.begin().await.unwrap();
        for at in [10, 20, 30] {
            tx.record_login_attempt("X@example.com", "1.2.3.4", Timestamp(at), false)
                .await
                .unwrap();
        }
        tx.lock_login("x@example.com").await.unwrap();
        let pending = tx
            .record_login_attempt("x@example.com", "1.2.3.4", Timestamp(35), false)
            .await
            .unwrap();
        tx.mark_login_succeeded(&pending).await.unwrap();
        tx.record_login_attempt("x@example.com", "1.2.3.4", Timestamp(40), true)
            .await
            .unwrap();
        tx.record_login_attempt("y@example.com", "1.2.3.4", Timestamp(50), false)
            .await
            .unwrap();
        assert_eq!(
            tx.recent_login_failures("x@example.com", "1.2.3.4", Timestamp(0))
                .await
                .unwrap(),
            LoginFailures {
                by_email: 3,
                last_by_email: Some(Timestamp(30)),
                by_remote: 4,
                last_by_remote: Some(Timestamp(50)),
                by_pair: 3,
                last_by_pair: Some(Timestamp(30)),
            }
        );
        assert_eq!(
            tx.recent_login_failures("x@example.com", "5.6.7.8", Timestamp(25))
                .await
                .unwrap(),
            LoginFailures {
                by_email: 1,
                last_by_email: Some(Timestamp(30)),
                by_remote: 0,
                last_by_remote: None,
                by_pair: 0,
                last_by_pair: None,
            }
        );
        tx.commit().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn api_tokens_are_found_by_hash_until_revoked() {
    each_backend(|db| async move {
        let t = ApiToken {
            id: "tok_1".into(),
            name: "operator".into(),
            token_hash: "abc".into(),
            scopes: "accounts:read accounts:write".into(),
            created_at: Timestamp(1),
            revoked_at: None,
        };
        let mut tx = db.begin().await.unwrap();
        tx.insert_api_token(&t).await.unwrap();
        assert_eq!(tx.live_api_token("abc").await.unwrap(), Some(t.clone()));
        assert_eq!(tx.live_api_token("nope").await.unwrap(), None);
        tx.commit().await.unwrap();
        let mut tx = db.begin().await.unwrap();
        let mut dup = t.clone();
        dup.id = "tok_2".into();
        assert!(matches!(
            tx.insert_api_token(&dup).await,
            Err(StoreError::Conflict { .. })
        ));
        drop(tx);
        let mut tx = db.begin().await.unwrap();
        tx.revoke_api_token("tok_1", Timestamp(9)).await.unwrap();
        assert_eq!(tx.live_api_token("abc").await.unwrap(), None);
        assert!(matches!(
            tx.revoke_api_token("tok_1", Timestamp(10)).await,
            Err(StoreError::NotFound { .. })
        ));
        tx.commit().await.unwrap();
    })
    .await;
}
