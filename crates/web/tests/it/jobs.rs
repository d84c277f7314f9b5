//! Job posts reviewed within 30 minutes, through the API, on SQLite and PostgreSQL: a post from
//! a client without a card is not listed until approved; an unreviewed one is due soon at 25
//! minutes and breached at 31 in the API and `/metrics`; a clean post from a client with a card
//! is listed at once; subscribers hear `job_post.reviewed`.

use crate::support::{Api, api};
use axum::http::Method;
use serde_json::{Value, json};
use trustwork_app::Clock;
use trustwork_app::accounts::NewAccount;
use trustwork_core::{Actor, Role};
use trustwork_store::testing::each_backend;

const MINUTE: i64 = 60_000;

/// `POST /api/v1/events` with an idempotency key.
async fn send(api: &Api, token: &str, key: &str, event: Value) -> crate::support::Reply {
    let request = axum::http::Request::builder()
        .method(Method::POST)
        .uri("/api/v1/events")
        .header(axum::http::header::AUTHORIZATION, format!("Bearer {token}"))
        .header(axum::http::header::CONTENT_TYPE, "application/json")
        .header("idempotency-key", key)
        .body(axum::body::Body::from(event.to_string()))
        .unwrap();
    api.send(request).await
}

async fn post(api: &Api, token: &str, client: &str, job_id: &str, description: &str) -> Value {
    let event = json!({
        "type": "job.posted", "occurred_at": api.app.now().to_rfc3339(), "actor_id": client,
        "data": {"job_id": job_id, "title": "Warehouse dashboard", "description": description},
    });
    send(api, token, job_id, event).await.expect(200)["decision"].clone()
}

fn listed(jobs: &[trustwork_app::records::JobPost], id: &str) -> bool {
    jobs.iter().any(|j| j.id == id)
}

fn metric(text: &str, name: &str) -> String {
    let key = format!("{name}{{queue=\"job_posts\"}} ");
    text.lines()
        .find_map(|l| l.strip_prefix(&key))
        .unwrap_or_else(|| panic!("no {key} in /metrics"))
        .to_owned()
}

#[tokio::test]
async fn job_posts_are_reviewed_against_the_clock() {
    each_backend(|db| async move {
        let api = api(db);
        let d = api.seed().await;
        let hook = api
            .post(&d.admin, "/api/v1/webhooks", json!({"url": "https://example.com/jobs", "event_types": ["job_post.reviewed"]}))
            .await
            .expect(201)["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let newcomer = api
            .app
            .create_account(
                &Actor::system("test"),
                NewAccount {
                    email: "new-client@example.com".into(),
                    display_name: "New Client".into(),
                    role: Role::Client,
                    password: "password-123".into(),
                    balance_cents: 0,
                },
            )
            .await
            .unwrap()
            .id;
        let t = api.app.now();

        // t: not listed, due at t+30.
        let decision = post(&api, &d.operator, &newcomer, "job_a", "A React dashboard for 40 robots.").await;
        assert_eq!(decision["verdict"], "allow_and_review");
        assert_eq!(
            decision["explanation"]["review_queues"],
            json!(["job_posts"])
        );
        post(&api, &d.operator, &newcomer, "job_b", "Review 8k lines of embedded Rust.").await;
        let a = api.get(&d.reader, "/api/v1/jobs/job_a").await.ok();
        assert_eq!(a["status"], "pending_review");
        assert_eq!(a["review"]["due_at"], t.plus_millis(30 * MINUTE).to_rfc3339());
        assert_eq!(a["review"]["sla"], "ok");
        assert!(!listed(&api.app.open_jobs().await.unwrap(), "job_a"));

        // t+10: approved, listed.
        api.clock.advance(10 * MINUTE).unwrap();
        let approved = api
            .post(&d.operator, "/api/v1/jobs/job_a/review", json!({"agent_id": d.agent, "decision": "approve"}))
            .await
            .ok();
        assert_eq!(approved["status"], "open");
        assert_eq!(approved["review"]["decision"], "approve");
        assert_eq!(approved["review"]["sla"], "met");
        assert!(listed(&api.app.open_jobs().await.unwrap(), "job_a"));
        let deliveries = api.get(&d.admin, &format!("/api/v1/webhooks/{hook}/deliveries")).await.ok();
        assert!(deliveries.to_string().contains("job_post.reviewed"), "{deliveries}");

        // The other: due soon at t+25, breached at t+31, in the API and /metrics.
        api.clock.advance(15 * MINUTE).unwrap();
        let b = api.get(&d.reader, "/api/v1/jobs/job_b").await.ok();
        assert_eq!(b["review"]["sla"], "due_soon");
        let m = api.call(Method::GET, "/metrics", None, None).await.text();
        assert_eq!(metric(&m, "trustwork_review_open_cases"), "1");
        assert_eq!(metric(&m, "trustwork_review_sla_breached"), "0");
        assert_eq!(metric(&m, "trustwork_review_oldest_open_seconds"), "1500");
        api.clock.advance(6 * MINUTE).unwrap();
        let b = api.get(&d.reader, "/api/v1/jobs/job_b").await.ok();
        assert_eq!(b["review"]["sla"], "breached");
        let m = api.call(Method::GET, "/metrics", None, None).await.text();
        assert_eq!(metric(&m, "trustwork_review_sla_breached"), "1");
        let breached = api.get(&d.reader, "/api/v1/review-cases?queue=job_posts&sla=breached").await.ok();
        assert_eq!(breached["cases"].as_array().map(Vec::len), Some(1), "{breached}");

        // Bad input changes nothing.
        let before = api.get(&d.reader, "/api/v1/jobs/job_b").await.ok();
        api.post(&d.operator, "/api/v1/jobs/job_b/review", json!({"agent_id": d.agent, "decision": "maybe"}))
            .await
            .expect_error(422, "invalid_input");
        api.post(&d.operator, "/api/v1/jobs/job_b/review", json!({"agent_id": d.agent, "decision": "reject"}))
            .await
            .expect_error(422, "invalid_input");
        api.post(&d.operator, "/api/v1/jobs/job_b/review", json!({"agent_id": d.maria, "decision": "approve"}))
            .await
            .expect_error(403, "forbidden");
        api.post(&d.operator, "/api/v1/jobs/job_b/review", json!({"agent_id": d.agent, "decision": "approve", "extra": 1}))
            .await
            .expect_error(422, "invalid_input");
        assert_eq!(api.get(&d.reader, "/api/v1/jobs/job_b").await.ok(), before);
        // A decision about a version of the text that is no longer the post's is refused.
        api.post(&d.operator, "/api/v1/jobs/job_b/review", json!({"agent_id": d.agent, "decision": "approve", "version": "0000000000000000"}))
            .await
            .expect_error(409, "conflict");
        let version = before["version"].as_str().unwrap().to_owned();
        // Rejected with a reason: the client is told, the post stays unlisted.
        let rejected = api
            .post(&d.operator, "/api/v1/jobs/job_b/review", json!({"agent_id": d.agent, "decision": "reject", "note": "Asks for work outside the platform.", "version": version}))
            .await
            .ok();
        assert_eq!(rejected["status"], "rejected");
        let mail = api.app.mailbox(None).await.unwrap();
        assert!(mail.iter().any(|m| m.subject.contains("was not approved") && m.body.contains("outside the platform")));
        api.post(&d.operator, "/api/v1/jobs/job_b/review", json!({"agent_id": d.agent, "decision": "approve"}))
            .await
            .expect_error(409, "conflict");

        // A clean post from a client with a card on file is listed at once, without a review.
        let clean = post(&api, &d.operator, &d.acme, "job_c", "A landing page for a robotics startup.").await;
        assert_eq!(clean["verdict"], "allow");
        let c = api.get(&d.reader, "/api/v1/jobs/job_c").await.ok();
        assert_eq!(c["status"], "open");
        assert_eq!(c["review"], Value::Null);
        assert!(listed(&api.app.open_jobs().await.unwrap(), "job_c"));
        api.get(&d.reader, "/api/v1/jobs/job_nope").await.expect_error(404, "not_found");
        // An invite-only post is not in search.
        let hidden = json!({
            "type": "job.posted", "occurred_at": api.app.now().to_rfc3339(), "actor_id": d.acme,
            "data": {"job_id": "job_d", "title": "Secret", "description": "By invitation.", "visibility": "invite_only"},
        });
        send(&api, &d.operator, "hidden", hidden).await.expect(200);
        assert_eq!(api.get(&d.reader, "/api/v1/jobs/job_d").await.ok()["visibility"], "invite_only");
        assert!(!listed(&api.app.open_jobs().await.unwrap(), "job_d"));
        let bad = json!({
            "type": "job.posted", "occurred_at": api.app.now().to_rfc3339(), "actor_id": d.acme,
            "data": {"job_id": "job_e", "title": "x", "description": "y", "visibility": "friends"},
        });
        let message = send(&api, &d.operator, "bad", bad).await.expect_error(422, "invalid_input");
        assert!(message.contains("data.visibility"), "{message}");
    })
    .await;
}
