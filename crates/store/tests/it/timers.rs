use std::collections::HashMap;
use trustwork_core::Timestamp;
use trustwork_store::testing::{TestDb, each_backend, postgres_url};
use trustwork_store::{Db, StoreError};

#[tokio::test]
async fn timers_fire_when_due_retry_and_cancel() {
    each_backend(|db| async move {
        let mut tx = db.begin().await.unwrap();
        tx.schedule_timer(
            "t1",
            "verification_deadline",
            "vc_1",
            Timestamp(100),
            Timestamp(0),
        )
        .await
        .unwrap();
        tx.schedule_timer(
            "t2",
            "verification_deadline",
            "vc_2",
            Timestamp(200),
            Timestamp(0),
        )
        .await
        .unwrap();
        tx.schedule_timer(
            "t3",
            "verification_deadline",
            "vc_3",
            Timestamp(300),
            Timestamp(0),
        )
        .await
        .unwrap();
        assert!(
            tx.claim_timer("r1", Timestamp(99), Timestamp(1_000))
                .await
                .unwrap()
                .is_none()
        );
        let t1 = tx
            .claim_timer("r1", Timestamp(150), Timestamp(1_000))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (t1.id.as_str(), t1.status.as_str(), t1.attempts),
            ("t1", "running", 1)
        );
        assert_eq!(t1.locked_by.as_deref(), Some("r1"));
        // Another runner may not finish what r1 holds.
        assert!(matches!(
            tx.finish_timer("t1", "r2", Timestamp(151)).await,
            Err(StoreError::Conflict { .. })
        ));
        tx.finish_timer("t1", "r1", Timestamp(151)).await.unwrap();

        let t2 = tx
            .claim_timer("r1", Timestamp(250), Timestamp(1_000))
            .await
            .unwrap()
            .unwrap();
        tx.fail_timer(&t2.id, "boom", Some(Timestamp(400)), Timestamp(250))
            .await
            .unwrap();
        assert_eq!(
            tx.cancel_timers_for("vc_3", Timestamp(260)).await.unwrap(),
            1
        );
        assert!(
            tx.claim_timer("r1", Timestamp(399), Timestamp(1_000))
                .await
                .unwrap()
                .is_none()
        );
        let t2 = tx
            .claim_timer("r1", Timestamp(400), Timestamp(1_000))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(t2.attempts, 2);
        tx.fail_timer(&t2.id, "boom again", None, Timestamp(401))
            .await
            .unwrap();

        let failed = tx.timers_in(&["failed"], 10).await.unwrap();
        assert_eq!(failed.len(), 1);
        assert_eq!(failed[0].last_error.as_deref(), Some("boom again"));
        let done = tx.timers_for("vc_1").await.unwrap();
        assert_eq!(done[0].status, "done");
        assert_eq!(tx.timers_for("vc_3").await.unwrap()[0].status, "cancelled");

        tx.retry_failed_timer("t2", Timestamp(500)).await.unwrap();
        assert!(matches!(
            tx.retry_failed_timer("t2", Timestamp(500)).await,
            Err(StoreError::NotFound { .. })
        ));
        let t2 = tx
            .claim_timer("r1", Timestamp(500), Timestamp(1_000))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(t2.id, "t2");
        assert_eq!(
            tx.timers_in(&["pending", "running"], 10)
                .await
                .unwrap()
                .len(),
            1
        );
        tx.commit().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn a_timer_whose_runner_died_is_claimed_again_after_its_lock() {
    each_backend(|db| async move {
        let mut tx = db.begin().await.unwrap();
        tx.schedule_timer("t1", "k", "s", Timestamp(0), Timestamp(0))
            .await
            .unwrap();
        tx.claim_timer("dead", Timestamp(10), Timestamp(100))
            .await
            .unwrap()
            .unwrap();
        assert!(
            tx.claim_timer("alive", Timestamp(99), Timestamp(200))
                .await
                .unwrap()
                .is_none()
        );
        let t = tx
            .claim_timer("alive", Timestamp(101), Timestamp(200))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(t.locked_by.as_deref(), Some("alive"));
        assert!(tx.finish_timer("t1", "dead", Timestamp(102)).await.is_err());
        tx.finish_timer("t1", "alive", Timestamp(102))
            .await
            .unwrap();
        tx.commit().await.unwrap();
    })
    .await;
}

/// Two runners with their own pools (as two server processes would have) race over the same
/// timers: every timer is finished exactly once.
async fn race(url: &str) {
    const TIMERS: usize = 60;
    let setup = Db::connect(url).await.unwrap();
    let mut tx = setup.begin().await.unwrap();
    for i in 0..TIMERS {
        tx.schedule_timer(
            &format!("t{i:03}"),
            "k",
            &format!("s{i}"),
            Timestamp(i as i64),
            Timestamp(0),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    setup.close().await;

    let mut handles = Vec::new();
    for runner in ["proc-a", "proc-b"] {
        let db = Db::connect(url).await.unwrap();
        handles.push(tokio::spawn(async move {
            let mut fired = Vec::new();
            loop {
                let mut tx = db.begin().await.unwrap();
                let Some(t) = tx
                    .claim_timer(runner, Timestamp(1_000), Timestamp(1_000_000))
                    .await
                    .unwrap()
                else {
                    break;
                };
                tx.commit().await.unwrap();
                let mut tx = db.begin().await.unwrap();
                tx.finish_timer(&t.id, runner, Timestamp(1_001))
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
                fired.push(t.id);
                tokio::task::yield_now().await;
            }
            db.close().await;
            fired
        }));
    }
    let mut count: HashMap<String, usize> = HashMap::new();
    for h in handles {
        for id in h.await.unwrap() {
            *count.entry(id).or_default() += 1;
        }
    }
    assert_eq!(count.len(), TIMERS, "every timer fired");
    assert!(
        count.values().all(|&n| n == 1),
        "no timer fired twice: {count:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_never_fire_the_same_timer() {
    let sqlite = TestDb::sqlite().await.unwrap();
    race(&sqlite.url).await;
    sqlite.cleanup().await;
    if let Some(url) = postgres_url() {
        let pg = TestDb::postgres(&url).await.unwrap();
        race(&pg.url).await;
        pg.cleanup().await;
    }
}

/// Two nodes claiming at once on PostgreSQL each take a different timer: the second claim skips
/// the row the first holds locked instead of waiting for its commit (and then finding nothing).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_claims_on_postgres_skip_each_others_rows() {
    let Some(url) = postgres_url() else {
        return;
    };
    let pg = TestDb::postgres(&url).await.unwrap();
    let mut tx = pg.db.begin().await.unwrap();
    for (id, due) in [("t1", 100), ("t2", 200)] {
        tx.schedule_timer(
            id,
            "verification_deadline",
            id,
            Timestamp(due),
            Timestamp(0),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let other = Db::connect(&pg.url).await.unwrap();
    let mut first = pg.db.begin().await.unwrap();
    let held = first
        .claim_timer("node-a", Timestamp(500), Timestamp(10_000))
        .await
        .unwrap()
        .unwrap();
    // `first` is still open, its row locked: the other node does not wait for it.
    let mut second = other.begin().await.unwrap();
    let taken = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        second.claim_timer("node-b", Timestamp(500), Timestamp(10_000)),
    )
    .await
    .expect("the second claim does not wait for the first")
    .unwrap()
    .unwrap();
    assert_eq!((held.id.as_str(), taken.id.as_str()), ("t1", "t2"));
    second.commit().await.unwrap();
    first.commit().await.unwrap();
    other.close().await;
    pg.cleanup().await;
}
