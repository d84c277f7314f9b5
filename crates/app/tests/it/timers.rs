use crate::{START, agent_actor, app, person};
use std::time::Duration;
use trustwork_core::{Role, Standing};
use trustwork_store::testing::each_backend;

#[tokio::test]
async fn a_deadline_that_passed_while_the_server_was_down_fires_at_start() {
    each_backend(|db| async move {
        let (first, _clock) = app(db.clone());
        let agent = person(&first, "agent@example.com", Role::Agent).await;
        let f = person(&first, "f@example.com", Role::Freelancer).await;
        let case = first
            .require_verification(&agent_actor(&agent), &f.id, "check")
            .await
            .unwrap();
        drop(first);

        // A new process starts ten days later and runs its timer runner.
        let (second, clock) = app(db);
        clock.set(case.deadline_at.plus_days(3));
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let runner = {
            let app = second.clone();
            tokio::spawn(async move { app.run_timer_runner(stopped).await })
        };
        let mut standing = Standing::Good;
        for _ in 0..100 {
            standing = second.account_overview(&f.id).await.unwrap().standing;
            if standing == Standing::OnHold {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        stop.send(true).unwrap();
        runner.await.unwrap();
        assert_eq!(standing, Standing::OnHold);
    })
    .await;
}

#[tokio::test]
async fn a_failing_timer_is_retried_with_backoff_then_marked_failed() {
    each_backend(|db| async move {
        let (app, clock) = app(db.clone());
        let mut tx = db.begin().await.unwrap();
        tx.schedule_timer("tmr_bad", "no_such_kind", "x", START, START)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let mut expected_delay = 30_000;
        for attempt in 1..=trustwork_app::workers::MAX_ATTEMPTS {
            assert!(app.fire_one_timer().await.unwrap(), "attempt {attempt}");
            let timers = app.timers().await.unwrap();
            let t = &timers[0];
            assert_eq!(t.attempts, attempt);
            assert!(
                t.last_error
                    .as_deref()
                    .unwrap_or("")
                    .contains("unknown timer kind")
            );
            if attempt < trustwork_app::workers::MAX_ATTEMPTS {
                assert_eq!(t.status, "pending");
                assert_eq!(t.due_at, app.now().plus_millis(expected_delay));
                clock.set(t.due_at);
                expected_delay = (expected_delay * 2).min(3_600_000);
            } else {
                assert_eq!(t.status, "failed");
            }
        }
        assert!(!app.fire_one_timer().await.unwrap());
        app.retry_timer("tmr_bad").await.unwrap();
        assert_eq!(app.timers().await.unwrap()[0].status, "pending");
    })
    .await;
}

#[tokio::test]
async fn the_test_clock_moves_only_in_demo_mode() {
    each_backend(|db| async move {
        let (demo, _clock) = app(db.clone());
        let before = demo.now();
        let after = demo
            .advance_clock(&trustwork_core::Actor::system("t"), 60)
            .await
            .unwrap();
        assert_eq!(after, before.plus_millis(60_000));
        assert_eq!(
            demo.advance_clock(&trustwork_core::Actor::system("t"), 0)
                .await
                .unwrap_err()
                .code(),
            "invalid_input"
        );
        let clock = std::sync::Arc::new(trustwork_app::FakeClock::at(START));
        let prod = trustwork_app::App::new(
            db,
            clock,
            std::sync::Arc::new(trustwork_app::DevMailbox),
            trustwork_app::AppConfig::default(),
        );
        assert_eq!(
            prod.advance_clock(&trustwork_core::Actor::system("t"), 60)
                .await
                .unwrap_err()
                .code(),
            "not_found"
        );
    })
    .await;
}
