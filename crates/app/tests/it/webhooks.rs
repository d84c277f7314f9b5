//! Webhooks end to end: a real HTTP receiver on 127.0.0.1 verifies every signature with the
//! subscription's secret, as an operator's receiver would; failures are retried on the schedule
//! (the fake clock moves time), given up after the last attempt, and can be replayed.

use crate::{START, agent_actor, person};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use trustwork_app::standing::RestrictionRequest;
use trustwork_app::{App, AppConfig, AppError, Clock, DevMailbox, FakeClock, WebhookConfig};
use trustwork_core::net::AllowedTargets;
use trustwork_core::webhook::{RetrySchedule, SignedHeaders, verify};
use trustwork_core::{Actor, LiftCondition, ReasonCode, Role, Severity};
use trustwork_store::Db;
use trustwork_store::testing::each_backend;

/// A request as the receiver got it.
#[derive(Debug, Clone)]
struct Received {
    path: String,
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

/// An HTTP/1.1 receiver that answers each request with the next scripted status (200 once the
/// script runs out; 0 means never answer).
#[derive(Clone)]
struct Receiver {
    port: u16,
    got: Arc<Mutex<Vec<Received>>>,
    script: Arc<Mutex<VecDeque<u16>>>,
    /// How long each answer is held back, and how many requests it held at once at most.
    delay_ms: Arc<AtomicU64>,
    in_flight: Arc<AtomicUsize>,
    most_in_flight: Arc<AtomicUsize>,
}

impl Receiver {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let r = Receiver {
            port: listener.local_addr().unwrap().port(),
            got: Arc::default(),
            script: Arc::default(),
            delay_ms: Arc::default(),
            in_flight: Arc::default(),
            most_in_flight: Arc::default(),
        };
        let (got, script) = (r.got.clone(), r.script.clone());
        let (delay_ms, in_flight, most) = (
            r.delay_ms.clone(),
            r.in_flight.clone(),
            r.most_in_flight.clone(),
        );
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let (got, script) = (got.clone(), script.clone());
                let (delay_ms, in_flight, most) =
                    (delay_ms.clone(), in_flight.clone(), most.clone());
                tokio::spawn(async move {
                    let (read, mut write) = socket.into_split();
                    let mut reader = BufReader::new(read);
                    let mut line = String::new();
                    reader.read_line(&mut line).await.unwrap();
                    let path = line.split(' ').nth(1).unwrap_or_default().to_owned();
                    let mut headers = HashMap::new();
                    loop {
                        line.clear();
                        reader.read_line(&mut line).await.unwrap();
                        let l = line.trim_end();
                        if l.is_empty() {
                            break;
                        }
                        let (k, v) = l.split_once(':').unwrap();
                        headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
                    }
                    let len: usize = headers
                        .get("content-length")
                        .map_or(0, |v| v.parse().unwrap());
                    let mut body = vec![0; len];
                    reader.read_exact(&mut body).await.unwrap();
                    got.lock().unwrap().push(Received {
                        path,
                        headers,
                        body,
                    });
                    let now_in_flight = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now_in_flight, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(delay_ms.load(Ordering::SeqCst)))
                        .await;
                    in_flight.fetch_sub(1, Ordering::SeqCst);
                    let status = script.lock().unwrap().pop_front().unwrap_or(200);
                    if status == 0 {
                        tokio::time::sleep(Duration::from_secs(30)).await;
                        return;
                    }
                    let answer = format!(
                        "HTTP/1.1 {status} Scripted\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                    );
                    write.write_all(answer.as_bytes()).await.ok();
                });
            }
        });
        r
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn reset(&self, script: &[u16]) {
        self.got.lock().unwrap().clear();
        *self.script.lock().unwrap() = script.iter().copied().collect();
    }

    fn received(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }
}

/// Checks a received request the way an operator's receiver would, and returns its JSON body.
fn verified(app: &App, secret: &str, r: &Received) -> serde_json::Value {
    let h = |name: &str| r.headers.get(name).map(String::as_str);
    assert_eq!(h("content-type"), Some("application/json"));
    verify(
        secret,
        SignedHeaders {
            id: h("webhook-id"),
            timestamp: h("webhook-timestamp"),
            signature: h("webhook-signature"),
        },
        &r.body,
        app.now().millis() / 1000,
        300,
    )
    .unwrap_or_else(|e| panic!("the receiver refuses the signature: {e}"));
    // Another secret does not verify: the check above means something.
    assert!(
        verify(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            SignedHeaders {
                id: h("webhook-id"),
                timestamp: h("webhook-timestamp"),
                signature: h("webhook-signature"),
            },
            &r.body,
            app.now().millis() / 1000,
            300,
        )
        .is_err()
    );
    serde_json::from_slice(&r.body).unwrap()
}

fn app_with(db: Db, webhooks: WebhookConfig) -> (App, Arc<FakeClock>) {
    let clock = Arc::new(FakeClock::at(START));
    let config = AppConfig {
        demo_mode: true,
        node_id: "test-node".into(),
        webhooks,
        ..AppConfig::default()
    };
    let app = App::new(
        db,
        clock.clone() as Arc<dyn Clock>,
        Arc::new(DevMailbox),
        config,
    );
    (app, clock)
}

/// Deliveries to the receivers on 127.0.0.1 of these tests.
fn local_hooks() -> WebhookConfig {
    WebhookConfig {
        allowed_targets: AllowedTargets::loopback(),
        ..WebhookConfig::default()
    }
}

fn admin() -> Actor {
    Actor::system("test-admin")
}

fn types(t: &[&str]) -> Vec<String> {
    t.iter().map(|s| (*s).to_owned()).collect()
}

fn hold() -> RestrictionRequest {
    RestrictionRequest {
        reason: ReasonCode::Spam,
        severity: Severity::Hold,
        lift: LiftCondition::Manual,
        note: "bulk cover letters".into(),
    }
}

async fn deliver_all(app: &App) -> usize {
    let mut n = 0;
    while app.deliver_one_webhook().await.unwrap() {
        n += 1;
    }
    n
}

#[tokio::test]
async fn standing_changes_reach_the_receiver_signed() {
    let rx = Receiver::start().await;
    each_backend(|db| {
        let rx = rx.clone();
        async move {
            rx.reset(&[]);
            let (app, _clock) = app_with(db, local_hooks());
            let agent = person(&app, "agent@example.com", Role::Agent).await;
            let f = person(&app, "f@example.com", Role::Freelancer).await;
            let sub = app
                .create_webhook(
                    &admin(),
                    &rx.url("/hooks/standing"),
                    &types(&["standing.changed"]),
                )
                .await
                .unwrap();
            assert!(sub.secret.starts_with("whsec_"));
            let other = app
                .create_webhook(
                    &admin(),
                    &rx.url("/hooks/decisions"),
                    &types(&["decision.created"]),
                )
                .await
                .unwrap();

            let r = app
                .apply_restriction(&agent_actor(&agent), &f.id, hold())
                .await
                .unwrap();
            assert_eq!(deliver_all(&app).await, 1, "only the standing subscriber");
            let got = rx.received();
            assert_eq!(got.len(), 1);
            assert_eq!(got[0].path, "/hooks/standing");
            let body = verified(&app, &sub.secret, &got[0]);
            assert_eq!(body["type"], "standing.changed");
            assert_eq!(body["timestamp"], app.now().to_rfc3339());
            assert_eq!(body["data"]["account_id"], f.id.as_str());
            assert_eq!(body["data"]["change"], "applied");
            assert_eq!(body["data"]["standing"], "on_hold");
            assert_eq!(body["data"]["restriction"]["id"], r.id.as_str());
            assert_eq!(body["data"]["restriction"]["severity"], "hold");

            let deliveries = app.webhook_deliveries(Some(&sub.id)).await.unwrap();
            assert_eq!(deliveries.len(), 1);
            let d = &deliveries[0];
            assert_eq!(got[0].headers["webhook-id"], d.id);
            assert_eq!(
                (d.status.as_str(), d.attempts, d.last_status_code),
                ("delivered", 1, Some(200))
            );
            assert_eq!(d.delivered_at, Some(app.now()));
            assert_eq!(app.webhook_attempts(&d.id).await.unwrap().len(), 1);
            assert!(
                app.webhook_deliveries(Some(&other.id))
                    .await
                    .unwrap()
                    .is_empty()
            );

            app.lift_restriction(&agent_actor(&agent), &r.id, "reviewed")
                .await
                .unwrap();
            assert_eq!(deliver_all(&app).await, 1);
            let got = rx.received();
            let body = verified(&app, &sub.secret, &got[1]);
            assert_eq!(body["data"]["change"], "lifted");
            assert_eq!(body["data"]["standing"], "good");
            assert!(body["data"]["restriction"]["lifted_at"].is_string());
            assert_ne!(got[0].headers["webhook-id"], got[1].headers["webhook-id"]);
        }
    })
    .await;
}

#[tokio::test]
async fn failures_are_retried_on_the_schedule_then_given_up_and_can_be_replayed() {
    let rx = Receiver::start().await;
    each_backend(|db| {
        let rx = rx.clone();
        async move {
            // The receiver fails twice, then accepts: delivered on the third attempt, each
            // attempt after the scheduled wait and no sooner.
            rx.reset(&[500, 503]);
            let (app, clock) = app_with(db, local_hooks());
            let agent = person(&app, "agent@example.com", Role::Agent).await;
            let f = person(&app, "f@example.com", Role::Freelancer).await;
            let sub = app
                .create_webhook(&admin(), &rx.url("/h"), &types(&["*"]))
                .await
                .unwrap();
            app.apply_restriction(&agent_actor(&agent), &f.id, hold())
                .await
                .unwrap();
            assert_eq!(deliver_all(&app).await, 1);
            let d = &app.webhook_deliveries(None).await.unwrap()[0];
            assert_eq!((d.status.as_str(), d.attempts), ("pending", 1));
            assert_eq!(
                (d.last_status_code, d.last_error.as_deref()),
                (Some(500), Some("HTTP 500"))
            );
            assert_eq!(d.next_attempt_at, app.now().plus_millis(5_000));
            clock.set(d.next_attempt_at.plus_millis(-1));
            assert_eq!(deliver_all(&app).await, 0, "not before its time");
            clock.set(d.next_attempt_at);
            assert_eq!(deliver_all(&app).await, 1);
            let d = app.webhook_delivery(&d.id).await.unwrap();
            assert_eq!(d.last_status_code, Some(503));
            assert_eq!(d.next_attempt_at, app.now().plus_millis(5 * 60_000));
            clock.set(d.next_attempt_at);
            assert_eq!(deliver_all(&app).await, 1);
            let d = app.webhook_delivery(&d.id).await.unwrap();
            assert_eq!((d.status.as_str(), d.attempts), ("delivered", 3));
            let got = rx.received();
            assert_eq!(got.len(), 3);
            // The same webhook-id on every retry, with a fresh timestamp and signature.
            assert!(got.iter().all(|r| r.headers["webhook-id"] == d.id));
            assert_ne!(
                got[0].headers["webhook-timestamp"],
                got[2].headers["webhook-timestamp"]
            );
            verified(&app, &sub.secret, &got[2]);
            let log = app.webhook_attempts(&d.id).await.unwrap();
            assert_eq!(
                log.iter().map(|a| a.status_code).collect::<Vec<_>>(),
                [Some(500), Some(503), Some(200)]
            );
            assert_eq!(log[0].error.as_deref(), Some("HTTP 500"));
            assert_eq!(log[2].error, None);
        }
    })
    .await;
}

#[tokio::test]
async fn the_last_failure_gives_up_and_a_replay_sends_again() {
    let rx = Receiver::start().await;
    each_backend(|db| {
        let rx = rx.clone();
        async move {
            rx.reset(&[500, 500, 500]);
            let config = WebhookConfig {
                retry: RetrySchedule {
                    delays_ms: vec![1_000, 2_000],
                },
                ..local_hooks()
            };
            let (app, clock) = app_with(db, config);
            let agent = person(&app, "agent@example.com", Role::Agent).await;
            let f = person(&app, "f@example.com", Role::Freelancer).await;
            let sub = app
                .create_webhook(&admin(), &rx.url("/h"), &types(&["standing.changed"]))
                .await
                .unwrap();
            app.apply_restriction(&agent_actor(&agent), &f.id, hold())
                .await
                .unwrap();
            for wait in [0, 1_000, 2_000] {
                clock.set(app.now().plus_millis(wait));
                assert_eq!(deliver_all(&app).await, 1);
            }
            let original = app.webhook_deliveries(Some(&sub.id)).await.unwrap()[0].clone();
            assert_eq!((original.status.as_str(), original.attempts), ("failed", 3));
            clock.set(app.now().plus_days(30));
            assert_eq!(deliver_all(&app).await, 0, "given up for good");

            let replay = app
                .replay_webhook_delivery(&admin(), &original.id)
                .await
                .unwrap();
            assert_ne!(replay.id, original.id);
            assert_eq!(replay.replay_of.as_deref(), Some(original.id.as_str()));
            assert_eq!((replay.status.as_str(), replay.attempts), ("pending", 0));
            assert_eq!(deliver_all(&app).await, 1);
            let got = rx.received();
            assert_eq!(got.len(), 4);
            assert_eq!(got[3].body, got[0].body, "the same payload");
            assert_eq!(got[3].headers["webhook-id"], replay.id);
            verified(&app, &sub.secret, &got[3]);
            assert_eq!(
                app.webhook_delivery(&replay.id).await.unwrap().status,
                "delivered"
            );
            assert_eq!(
                app.webhook_delivery(&original.id).await.unwrap().status,
                "failed",
                "the original keeps its history"
            );
            assert!(matches!(
                app.replay_webhook_delivery(&admin(), "msg_nope").await,
                Err(AppError::NotFound { .. })
            ));
        }
    })
    .await;
}

#[tokio::test]
async fn unreachable_slow_and_disabled_receivers() {
    let rx = Receiver::start().await;
    each_backend(|db| {
        let rx = rx.clone();
        async move {
            rx.reset(&[0]);
            let config = WebhookConfig {
                timeout: Duration::from_millis(300),
                ..local_hooks()
            };
            let (app, clock) = app_with(db, config);
            let agent = person(&app, "agent@example.com", Role::Agent).await;
            let f = person(&app, "f@example.com", Role::Freelancer).await;
            // A port nobody listens on.
            let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let closed_url = format!("http://127.0.0.1:{}/h", closed.local_addr().unwrap().port());
            drop(closed);
            let dead = app
                .create_webhook(&admin(), &closed_url, &types(&["*"]))
                .await
                .unwrap();
            let slow = app
                .create_webhook(&admin(), &rx.url("/slow"), &types(&["*"]))
                .await
                .unwrap();
            app.apply_restriction(&agent_actor(&agent), &f.id, hold())
                .await
                .unwrap();
            assert_eq!(deliver_all(&app).await, 2);
            let d = &app.webhook_deliveries(Some(&dead.id)).await.unwrap()[0];
            assert_eq!((d.status.as_str(), d.last_status_code), ("pending", None));
            let error = d.last_error.clone().unwrap();
            assert!(error.contains("request failed"), "{error}");
            let d = &app.webhook_deliveries(Some(&slow.id)).await.unwrap()[0];
            assert_eq!(d.last_error.as_deref(), Some("timed out after 300 ms"));

            // Disabled: nothing new is queued, and what was queued is given up unsent.
            let off = app.disable_webhook(&admin(), &slow.id).await.unwrap();
            assert!(!off.active);
            assert!(
                !app.disable_webhook(&admin(), &slow.id)
                    .await
                    .unwrap()
                    .active
            );
            let queued = app.webhook_deliveries(Some(&slow.id)).await.unwrap()[0].clone();
            assert!(matches!(
                app.replay_webhook_delivery(&admin(), &queued.id).await,
                Err(AppError::Conflict(_))
            ));
            let before = rx.received().len();
            app.lift_restriction(
                &agent_actor(&agent),
                &app.restrictions_of(&f.id).await.unwrap()[0].id,
                "ok",
            )
            .await
            .unwrap();
            assert_eq!(
                app.webhook_deliveries(Some(&slow.id)).await.unwrap().len(),
                1
            );
            assert_eq!(
                app.webhook_deliveries(Some(&dead.id)).await.unwrap().len(),
                2
            );
            let until = queued.next_attempt_at;
            clock.set(until);
            deliver_all(&app).await;
            let queued = app.webhook_delivery(&queued.id).await.unwrap();
            assert_eq!(queued.status, "failed");
            assert!(
                queued
                    .last_error
                    .unwrap()
                    .starts_with("subscription_disabled"),
            );
            assert_eq!(
                rx.received().len(),
                before,
                "nothing sent to a disabled subscription"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn nothing_is_sent_inside_the_network_unless_allowed() {
    let rx = Receiver::start().await;
    each_backend(|db| {
        let rx = rx.clone();
        async move {
            rx.reset(&[]);
            let (strict, _clock) = app_with(db.clone(), WebhookConfig::default());
            for url in [
                rx.url("/h"),
                "http://169.254.169.254/latest/meta-data/".into(),
                "http://metadata.google.internal/".into(),
                "http://2130706433/".into(),
                "http://[::1]/".into(),
            ] {
                match strict.create_webhook(&admin(), &url, &types(&["*"])).await {
                    Err(AppError::Invalid { field, message }) => {
                        assert_eq!(field, "url");
                        assert!(message.contains("public address"), "{url}: {message}");
                    }
                    other => panic!("{url}: {other:?}"),
                }
            }
            // A subscription made while loopback was allowed (or a name that later resolves
            // inside) is checked again at delivery: nothing reaches the receiver.
            let (allowing, _clock) = app_with(db, local_hooks());
            let sub = allowing
                .create_webhook(&admin(), &rx.url("/h"), &types(&["standing.changed"]))
                .await
                .unwrap();
            let agent = person(&strict, "agent@example.com", Role::Agent).await;
            let f = person(&strict, "f@example.com", Role::Freelancer).await;
            strict
                .apply_restriction(&agent_actor(&agent), &f.id, hold())
                .await
                .unwrap();
            assert_eq!(deliver_all(&strict).await, 1);
            let d = &strict.webhook_deliveries(Some(&sub.id)).await.unwrap()[0];
            assert_eq!(d.status, "pending");
            assert_eq!(
                d.last_error.as_deref(),
                Some("not sent: 127.0.0.1 is a loopback address")
            );
            assert!(rx.received().is_empty());
        }
    })
    .await;
}

#[tokio::test]
async fn bad_subscriptions_are_refused() {
    each_backend(|db| async move {
        let (app, _clock) = app_with(db, local_hooks());
        for (url, t, field) in [
            ("ftp://example.com/h", vec!["*"], "url"),
            ("not a url", vec!["*"], "url"),
            (
                "https://example.com/h",
                vec!["account.deleted"],
                "event_types",
            ),
            ("https://example.com/h", vec![], "event_types"),
        ] {
            match app.create_webhook(&admin(), url, &types(&t)).await {
                Err(AppError::Invalid { field: f, .. }) => assert_eq!(f, field, "{url} {t:?}"),
                other => panic!("{url} {t:?}: {other:?}"),
            }
        }
        assert!(app.webhooks().await.unwrap().is_empty());
        assert!(matches!(
            app.disable_webhook(&admin(), "whs_nope").await,
            Err(AppError::NotFound { .. })
        ));
        assert!(matches!(
            app.webhook_deliveries(Some("whs_nope")).await,
            Err(AppError::NotFound { .. })
        ));
        let sub = app
            .create_webhook(
                &admin(),
                " https://example.com/h ",
                &types(&["standing.changed", "decision.created"]),
            )
            .await
            .unwrap();
        assert_eq!(sub.url, "https://example.com/h");
        assert_eq!(sub.event_types, "decision.created standing.changed");
        assert_eq!(app.webhooks().await.unwrap(), vec![sub]);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worker_sends_a_subscriptions_deliveries_a_few_at_a_time_each_once() {
    let rx = Receiver::start().await;
    rx.delay_ms.store(150, Ordering::SeqCst);
    each_backend(|db| {
        let rx = rx.clone();
        async move {
            rx.reset(&[]);
            rx.most_in_flight.store(0, Ordering::SeqCst);
            let (app, _clock) = app_with(db, local_hooks());
            let agent = person(&app, "agent@example.com", Role::Agent).await;
            let sub = app
                .create_webhook(&admin(), &rx.url("/hooks"), &types(&["standing.changed"]))
                .await
                .unwrap();
            for n in 0..12 {
                let f = person(&app, &format!("f{n}@example.com"), Role::Freelancer).await;
                app.apply_restriction(&agent_actor(&agent), &f.id, hold())
                    .await
                    .unwrap();
            }
            let (stop, stopped) = tokio::sync::watch::channel(false);
            let worker = tokio::spawn({
                let app = app.clone();
                async move { app.run_webhook_worker(stopped).await }
            });
            let deadline = std::time::Instant::now() + Duration::from_secs(60);
            loop {
                let deliveries = app.webhook_deliveries(Some(&sub.id)).await.unwrap();
                if deliveries.len() == 12 && deliveries.iter().all(|d| d.status == "delivered") {
                    assert!(deliveries.iter().all(|d| d.attempts == 1));
                    break;
                }
                assert!(std::time::Instant::now() < deadline, "not delivered");
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            let _ = stop.send(true);
            worker.await.unwrap();
            let got = rx.received();
            let ids: std::collections::HashSet<&str> = got
                .iter()
                .map(|r| r.headers["webhook-id"].as_str())
                .collect();
            assert_eq!((got.len(), ids.len()), (12, 12), "each delivery sent once");
            // Several at once, never more than the subscription's share.
            let most = rx.most_in_flight.load(Ordering::SeqCst);
            assert!((2..=4).contains(&most), "{most} at once");
        }
    })
    .await;
}
