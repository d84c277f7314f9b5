//! Several server nodes on one PostgreSQL: a policy put in force through one is in force on the
//! others, and what one node signs (tokens) the others accept. SQLite is one process, so these
//! run on PostgreSQL only (CI always has it).

use crate::app;
use trustwork_app::auth::Scope;
use trustwork_store::Db;
use trustwork_store::testing::{TestDb, postgres_url};

const POLICY: &str = r#"
version = "two-nodes-1"
warning_days = 90

[[rule]]
name = "everything_reviewed"
when = 'event.type == "message.sent"'
verdict = "allow_and_review"
review = "spam"
"#;

#[tokio::test]
async fn a_committed_notification_reaches_a_listener_on_another_connection() {
    let Some(url) = postgres_url() else {
        return;
    };
    let test = TestDb::postgres(&url).await.unwrap();
    let other = Db::connect(&test.url).await.unwrap();
    let mut listener = other.listener(&["tw_test_channel"]).await.unwrap().unwrap();
    let mut tx = test.db.begin().await.unwrap();
    tx.notify("tw_test_channel").await.unwrap();
    tx.commit().await.unwrap();
    let heard = tokio::time::timeout(std::time::Duration::from_secs(30), listener.recv())
        .await
        .expect("the notification arrives")
        .unwrap();
    assert_eq!(heard.as_deref(), Some("tw_test_channel"));
    other.close().await;
    test.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_policy_and_a_token_made_on_one_node_hold_on_the_other() {
    let Some(url) = postgres_url() else {
        return;
    };
    let test = TestDb::postgres(&url).await.unwrap();
    let other_db = Db::connect(&test.url).await.unwrap();
    let (one, _) = app(test.db.clone());
    let (other, _) = app(other_db.clone());
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let watcher = tokio::spawn({
        let other = other.clone();
        let stopped = stopped.clone();
        async move { other.link_nodes(stopped).await }
    });
    let announcer = tokio::spawn({
        let one = one.clone();
        async move { one.link_nodes(stopped).await }
    });

    let before = other.policy_version();
    assert_ne!(before, "two-nodes-1");
    assert_eq!(one.load_policy(POLICY).await.unwrap(), "two-nodes-1");
    // Heard through NOTIFY (or, at worst, the next poll).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while other.policy_version() != "two-nodes-1" {
        assert!(
            std::time::Instant::now() < deadline,
            "the other node kept {before}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }

    // A node started later reads the stored policy, not the built-in one.
    let (late, _) = app(Db::connect(&test.url).await.unwrap());
    assert_ne!(late.policy_version(), "two-nodes-1");
    assert!(late.refresh_policy().await.unwrap());
    assert_eq!(late.policy_version(), "two-nodes-1");
    assert!(
        !late.refresh_policy().await.unwrap(),
        "nothing new the second time"
    );

    // A token made through one node works on the other (one shared secret key).
    let (_, secret) = one
        .create_api_token("operator", &[Scope::AccountsRead])
        .await
        .unwrap();
    let caller = other.api_caller(&secret).await.unwrap().expect("known");
    assert_eq!(caller.name, "operator");

    // Work queued on one node is announced to the others (their workers wake at once).
    let mut work = other_db
        .listener(&["trustwork_work"])
        .await
        .unwrap()
        .unwrap();
    one.wake_outbox();
    let heard = tokio::time::timeout(std::time::Duration::from_secs(30), work.recv())
        .await
        .expect("announced")
        .unwrap();
    assert_eq!(heard.as_deref(), Some("trustwork_work"));

    let _ = stop.send(true);
    watcher.await.unwrap();
    announcer.await.unwrap();
    other_db.close().await;
    test.cleanup().await;
}
