//! Bad input on every API route gets a clear error in the API's shape, with the right status and
//! a stable code, and changes nothing: each test snapshots everything the API shows before and
//! after the refused requests.

use crate::support::{Api, BODY_LIMIT, Demo, api, api_with};
use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::{Value, json};
use trustwork_store::testing::each_backend;

/// Demo data plus one of each thing a route can name: an active restriction (on Dev), an open
/// verification case (on Li) and an open job.
struct Fixture {
    d: Demo,
    restriction: String,
    case: String,
    job: String,
    webhook: String,
    delivery: String,
    /// A pending phone verification (of Acme's).
    phone: String,
    /// A fixed-price offer from Acme to Li, its milestone and a dispute of it.
    contract: String,
    milestone: String,
    dispute: String,
    /// A ticket of Maria's.
    ticket: String,
    duplicate_ticket: String,
}

async fn fixture(api: &Api) -> Fixture {
    let d = api.seed().await;
    // A subscription before the restriction, so that a delivery exists too.
    let webhook = api
        .post(
            &d.admin,
            "/api/v1/webhooks",
            json!({"url": "http://127.0.0.1:9/hook", "event_types": ["*"]}),
        )
        .await
        .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let offer = api
        .post(
            &d.admin,
            "/api/v1/contracts",
            json!({"client_id": d.acme, "freelancer_id": d.li, "title": "Launch video",
                "kind": "fixed", "milestones": [{"title": "First cut", "amount_cents": 50_000}]}),
        )
        .await
        .expect(201);
    let contract = offer["id"].as_str().unwrap().to_owned();
    let milestone = offer["milestones"][0]["id"].as_str().unwrap().to_owned();
    let dispute = api
        .post(
            &d.admin,
            &format!("/api/v1/contracts/{contract}/disputes"),
            json!({"account_id": d.acme, "milestone_id": milestone, "reason": "Not what we agreed"}),
        )
        .await
        .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ticket = api
        .post(
            &d.admin,
            "/api/v1/tickets",
            json!({"account_id": d.maria, "category": "account", "subject": "Email change",
                "details": "I cannot change my email."}),
        )
        .await
        .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let restriction = api
        .post(
            &d.admin,
            &format!("/api/v1/accounts/{}/restrictions", d.dev),
            json!({"reason_code": "SPAM", "severity": "hold", "note": "bulk cover letters"}),
        )
        .await
        .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let case = api
        .post(
            &d.admin,
            &format!("/api/v1/accounts/{}/verification-requests", d.li),
            json!({"reason": "document check"}),
        )
        .await
        .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let proposals = api
        .get(&d.admin, &format!("/api/v1/accounts/{}/proposals", d.li))
        .await
        .ok();
    let job = proposals["proposals"][0]["job_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let delivery = api
        .get(&d.admin, &format!("/api/v1/webhooks/{webhook}/deliveries"))
        .await
        .ok()["deliveries"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let phone = api
        .post(
            &d.admin,
            &format!("/api/v1/accounts/{}/phone-verifications", d.acme),
            json!({"phone": "+14155550100", "channel": "sms"}),
        )
        .await
        .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let duplicate_ticket = api
        .post(
            &d.admin,
            "/api/v1/tickets",
            json!({"account_id": d.maria, "category": "account", "subject": "Email change again",
                "details": "Still cannot change it."}),
        )
        .await
        .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    Fixture {
        ticket,
        duplicate_ticket,
        contract,
        milestone,
        dispute,
        d,
        restriction,
        case,
        job,
        webhook,
        delivery,
        phone,
    }
}

impl Fixture {
    async fn snapshot(&self, api: &Api) -> Value {
        api.snapshot(&self.d.admin, &self.d.account_ids()).await
    }
}

/// One API operation, with a request that would succeed for a caller with the right scope.
struct Op {
    method: Method,
    /// With `{id}` where the route names something.
    path: &'static str,
    scope: &'static str,
    body: Option<Value>,
}

impl Op {
    /// The path for `id`; a second id in the path (a question, a piece of evidence) is one
    /// that does not exist, so that only the first decides the answer.
    fn path_with(&self, id: &str) -> String {
        self.path
            .replace("{id}", id)
            .replace("{question_id}", "vq_any")
            .replace("{evidence_id}", "ev_any")
            .replace("{slug}", "rust")
            .replace("{attempt}", "att_any")
            .replace("{file_id}", "pfl_any")
            .replace("{week}", "2026-W47")
    }
}

/// Every authenticated route of the API, checked against openapi.json (which the OpenAPI tests
/// check against the router).
fn operations(f: &Fixture) -> Vec<(Op, String)> {
    let maria = f.d.maria.clone();
    let read = "accounts:read";
    let write = "accounts:write";
    let op = |method: Method, path: &'static str, scope: &'static str, body: Option<Value>| Op {
        method,
        path,
        scope,
        body,
    };
    vec![
        (
            op(Method::GET, "/api/v1/accounts/{id}", read, None),
            maria.clone(),
        ),
        (
            op(
                Method::GET,
                "/api/v1/accounts/{id}/capabilities",
                read,
                None,
            ),
            maria.clone(),
        ),
        (
            op(
                Method::GET,
                "/api/v1/accounts/{id}/restrictions",
                read,
                None,
            ),
            maria.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/accounts/{id}/restrictions",
                write,
                Some(json!({"reason_code": "SPAM", "severity": "warning", "note": "n"})),
            ),
            maria.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/restrictions/{id}/lift",
                write,
                Some(json!({"note": "reviewed"})),
            ),
            f.restriction.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/accounts/{id}/verification-requests",
                write,
                Some(json!({"reason": "check"})),
            ),
            maria.clone(),
        ),
        (
            op(
                Method::GET,
                "/api/v1/accounts/{id}/verification-cases",
                read,
                None,
            ),
            maria.clone(),
        ),
        (
            op(Method::GET, "/api/v1/verification-cases/{id}", read, None),
            f.case.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/verification-cases/{id}/outcome",
                write,
                Some(json!({"outcome": "needs_documents", "note": "n"})),
            ),
            f.case.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/verification-cases/{id}/sessions",
                write,
                None,
            ),
            f.case.clone(),
        ),
        (
            op(Method::GET, "/api/v1/verification-queue", read, None),
            String::new(),
        ),
        (
            op(
                Method::GET,
                "/api/v1/verification-cases/{id}/questions",
                write,
                None,
            ),
            f.case.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/verification-cases/{id}/questions/{question_id}",
                write,
                Some(json!({"mark": "matched"})),
            ),
            f.case.clone(),
        ),
        (
            op(
                Method::GET,
                "/api/v1/verification-cases/{id}/evidence",
                read,
                None,
            ),
            f.case.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/verification-cases/{id}/evidence?kind=id_capture",
                write,
                None,
            ),
            f.case.clone(),
        ),
        (
            op(
                Method::GET,
                "/api/v1/verification-cases/{id}/evidence/{evidence_id}",
                "evidence:read",
                None,
            ),
            f.case.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/verification-cases/{id}/documents",
                write,
                None,
            ),
            f.case.clone(),
        ),
        (
            op(Method::GET, "/api/v1/accounts/{id}/facts", read, None),
            maria.clone(),
        ),
        (
            op(
                // A PUT: its body errors are the same extractor's, checked through the POSTs.
                Method::PUT,
                "/api/v1/accounts/{id}/facts",
                write,
                None,
            ),
            maria.clone(),
        ),
        (
            op(Method::GET, "/api/v1/jobs/{id}", read, None),
            f.job.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/jobs/{id}/review",
                write,
                Some(json!({"agent_id": f.d.agent, "decision": "approve"})),
            ),
            f.job.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/jobs/{id}/invitations",
                write,
                Some(json!({"freelancer_id": f.d.dev, "message": "Interested?"})),
            ),
            f.job.clone(),
        ),
        (
            op(Method::GET, "/api/v1/invitations/{id}", read, None),
            "inv_fixture".into(),
        ),
        (
            op(Method::POST, "/api/v1/invitations/{id}/accept", write, None),
            "inv_fixture".into(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/invitations/{id}/decline",
                write,
                None,
            ),
            "inv_fixture".into(),
        ),
        (
            op(Method::GET, "/api/v1/threads/{id}", read, None),
            "thr_fixture".into(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/threads/{id}/messages",
                write,
                Some(json!({"sender_id": maria, "text": "hello"})),
            ),
            "thr_fixture".into(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/proposals/{id}/replies",
                write,
                Some(json!({"client_id": f.d.acme, "text": "hello"})),
            ),
            "prp_fixture".into(),
        ),
        (
            op(Method::GET, "/api/v1/accounts/{id}/profile", read, None),
            maria.clone(),
        ),
        (
            op(
                // A PUT: its body errors are the same extractor's, checked through the POSTs.
                Method::PUT,
                "/api/v1/accounts/{id}/profile",
                write,
                None,
            ),
            maria.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/accounts/{id}/profile/submit",
                write,
                None,
            ),
            maria.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/accounts/{id}/profile/review",
                write,
                Some(json!({"agent_id": f.d.agent, "decision": "approve"})),
            ),
            maria.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/accounts/{id}/profile/re-review",
                write,
                Some(json!({"note": "please look again"})),
            ),
            maria.clone(),
        ),
        (
            op(Method::GET, "/api/v1/accounts/{id}/skill-tests", read, None),
            maria.clone(),
        ),
        (
            op(
                // A raw file body: its errors are checked by the OpenAPI story.
                Method::POST,
                "/api/v1/accounts/{id}/portfolio-files",
                write,
                None,
            ),
            maria.clone(),
        ),
        (
            op(
                Method::GET,
                "/api/v1/accounts/{id}/portfolio-files/{file_id}",
                read,
                None,
            ),
            maria.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/accounts/{id}/skill-tests/{slug}/attempts",
                write,
                None,
            ),
            maria.clone(),
        ),
        (
            op(
                Method::GET,
                "/api/v1/accounts/{id}/skill-test-attempts/{attempt}",
                read,
                None,
            ),
            maria.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/accounts/{id}/skill-test-attempts/{attempt}/answers",
                write,
                Some(json!({"question": 1, "choice": 0})),
            ),
            maria.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/accounts/{id}/skill-test-attempts/{attempt}/finish",
                write,
                None,
            ),
            maria.clone(),
        ),
        (
            op(Method::GET, "/api/v1/accounts/{id}/proposals", read, None),
            maria.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/accounts/{id}/proposals",
                write,
                Some(json!({"job_id": f.job, "cover_letter": "hello"})),
            ),
            maria.clone(),
        ),
        (
            op(Method::GET, "/api/v1/accounts/{id}/contracts", read, None),
            maria.clone(),
        ),
        (
            op(
                Method::GET,
                "/api/v1/accounts/{id}/payment-methods",
                read,
                None,
            ),
            maria.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/accounts/{id}/payment-methods",
                write,
                Some(json!({"kind": "card", "token": "demo_ok_1111"})),
            ),
            f.d.acme.clone(),
        ),
        (op(Method::GET, "/api/v1/nda", read, None), String::new()),
        (
            op(
                Method::POST,
                "/api/v1/contracts",
                write,
                Some(
                    json!({"client_id": f.d.acme, "freelancer_id": f.d.maria, "kind": "hourly",
                    "title": "More work", "hourly_rate_cents": 5_000}),
                ),
            ),
            String::new(),
        ),
        (
            op(Method::GET, "/api/v1/contracts/{id}", read, None),
            f.contract.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/contracts/{id}/nda-acceptances",
                write,
                Some(json!({"account_id": f.d.li})),
            ),
            f.contract.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/contracts/{id}/end",
                write,
                Some(json!({"account_id": f.d.li})),
            ),
            f.contract.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/contracts/{id}/pause",
                write,
                Some(json!({"account_id": f.d.acme, "reason": "later"})),
            ),
            f.contract.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/contracts/{id}/resume",
                write,
                Some(json!({"account_id": f.d.acme})),
            ),
            f.contract.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/contracts/{id}/work-diary",
                write,
                Some(json!({"segments": [{"start": "2026-11-20T10:00:00Z", "tracked": true}]})),
            ),
            f.contract.clone(),
        ),
        (
            op(
                Method::GET,
                "/api/v1/contracts/{id}/weeks/{week}",
                read,
                None,
            ),
            f.contract.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/contracts/{id}/milestones",
                write,
                Some(json!({"account_id": f.d.acme, "title": "Second cut", "amount_cents": 100})),
            ),
            f.contract.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/contracts/{id}/disputes",
                write,
                Some(json!({"account_id": f.d.acme, "week": "2026-W47", "reason": "why"})),
            ),
            f.contract.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/milestones/{id}/actions",
                write,
                Some(json!({"account_id": f.d.li, "action": "submit"})),
            ),
            f.milestone.clone(),
        ),
        (
            op(Method::GET, "/api/v1/disputes/{id}", read, None),
            f.dispute.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/tickets",
                write,
                Some(
                    json!({"account_id": f.d.maria, "category": "account", "subject": "s",
                    "details": "d"}),
                ),
            ),
            String::new(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/inbound-email",
                write,
                Some(json!({"from": "maria@trustwork.demo", "subject": "s", "text": "t"})),
            ),
            String::new(),
        ),
        (
            op(Method::GET, "/api/v1/tickets/{id}", read, None),
            f.ticket.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/tickets/{id}/replies",
                write,
                Some(json!({"author_id": f.d.agent, "body": "Hello"})),
            ),
            f.ticket.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/tickets/{id}/status",
                write,
                Some(json!({"agent_id": f.d.agent, "status": "solved"})),
            ),
            f.ticket.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/tickets/{id}/assignee",
                write,
                Some(json!({"agent_id": f.d.agent, "assignee_id": f.d.agent})),
            ),
            f.ticket.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/tickets/{id}/priority",
                write,
                Some(json!({"agent_id": f.d.agent, "priority": "high"})),
            ),
            f.ticket.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/tickets/{id}/merge",
                write,
                Some(json!({"agent_id": f.d.agent, "into": f.ticket})),
            ),
            f.duplicate_ticket.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/tickets/{id}/satisfaction",
                write,
                Some(json!({"account_id": f.d.maria, "rating": "good"})),
            ),
            f.ticket.clone(),
        ),
        (
            op(
                // A raw file body: its errors are checked by the OpenAPI story.
                Method::POST,
                "/api/v1/tickets/{id}/attachments",
                write,
                None,
            ),
            f.ticket.clone(),
        ),
        (
            op(
                Method::GET,
                "/api/v1/tickets/{id}/attachments/{file_id}",
                read,
                None,
            ),
            f.ticket.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/ticket-macros",
                write,
                Some(json!({"agent_id": f.d.agent, "name": "Hello", "body": "Hello {{name}}"})),
            ),
            String::new(),
        ),
        (
            op(Method::GET, "/api/v1/ticket-macros", read, None),
            String::new(),
        ),
        (
            op(Method::GET, "/api/v1/support/report", read, None),
            String::new(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/support/agents/{id}",
                write,
                Some(json!({"available": true, "capacity": 3})),
            ),
            f.d.agent.clone(),
        ),
        (
            op(Method::GET, "/api/v1/contracts/{id}/feedback", read, None),
            f.contract.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/contracts/{id}/feedback",
                write,
                Some(json!({"account_id": f.d.acme, "rating": 5})),
            ),
            f.contract.clone(),
        ),
        (
            op(Method::GET, "/api/v1/accounts/{id}/stats", read, None),
            f.d.dev.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/disputes/{id}/resolution",
                write,
                Some(json!({"agent_id": f.d.agent, "outcome": "paid", "note": "done"})),
            ),
            f.dispute.clone(),
        ),
        (
            op(Method::GET, "/api/v1/accounts/{id}/withdrawals", read, None),
            maria.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/accounts/{id}/withdrawals",
                write,
                Some(json!({"amount_cents": 100})),
            ),
            maria.clone(),
        ),
        (
            op(Method::GET, "/api/v1/accounts/{id}/audit", read, None),
            maria.clone(),
        ),
        (
            op(Method::GET, "/api/v1/freelancers?q=a", read, None),
            String::new(),
        ),
        (op(Method::GET, "/api/v1/skills", read, None), String::new()),
        (
            op(Method::GET, "/api/v1/skill-tests", read, None),
            String::new(),
        ),
        (
            op(Method::GET, "/api/v1/review-cases", read, None),
            String::new(),
        ),
        (
            op(Method::GET, "/api/v1/review-cases/{id}", read, None),
            "rvc_any".into(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/review-cases/{id}/claim",
                write,
                Some(json!({"agent_id": f.d.agent})),
            ),
            "rvc_any".into(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/review-cases/{id}/resolve",
                write,
                Some(json!({"agent_id": f.d.agent, "resolution": "dismissed"})),
            ),
            "rvc_any".into(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/flags",
                write,
                Some(
                    json!({"reporter_id": f.d.acme, "target_type": "proposal", "target_id": "p",
                    "target_account_id": maria, "reason": "spam"}),
                ),
            ),
            String::new(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/restrictions/{id}/appeals",
                write,
                Some(json!({"statement": "wrong"})),
            ),
            f.restriction.clone(),
        ),
        (
            op(Method::GET, "/api/v1/appeals?status=open", read, None),
            String::new(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/appeals/{id}/decision",
                write,
                Some(json!({"agent_id": f.d.agent, "decision": "upheld", "note": "n"})),
            ),
            "apl_any".into(),
        ),
        (
            op(Method::GET, "/api/v1/timers", "admin", None),
            String::new(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/webhooks",
                "admin",
                Some(json!({"url": "https://example.com/h", "event_types": ["*"]})),
            ),
            String::new(),
        ),
        (
            op(Method::GET, "/api/v1/webhooks", "admin", None),
            String::new(),
        ),
        (
            op(Method::POST, "/api/v1/webhooks/{id}/disable", "admin", None),
            f.webhook.clone(),
        ),
        (
            op(
                Method::GET,
                "/api/v1/webhooks/{id}/deliveries",
                "admin",
                None,
            ),
            f.webhook.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/webhook-deliveries/{id}/replay",
                "admin",
                None,
            ),
            f.delivery.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/accounts/{id}/phone-verifications",
                write,
                Some(json!({"phone": "+14155550100", "channel": "voice"})),
            ),
            maria.clone(),
        ),
        (
            op(Method::GET, "/api/v1/phone-verifications/{id}", read, None),
            f.phone.clone(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/phone-verifications/{id}/check",
                write,
                Some(json!({"code": "000000"})),
            ),
            f.phone.clone(),
        ),
        (
            // The events routes take an Idempotency-Key and bigger bodies; their body errors are
            // checked in the events tests, not in the generic body table.
            op(Method::POST, "/api/v1/events", "accounts:write", None),
            String::new(),
        ),
        (
            op(Method::POST, "/api/v1/events:batch", "accounts:write", None),
            String::new(),
        ),
        (
            op(Method::GET, "/api/v1/decisions/{id}", "accounts:read", None),
            "dec_any".into(),
        ),
        (
            op(Method::GET, "/api/v1/policy", "admin", None),
            String::new(),
        ),
        (
            op(Method::PUT, "/api/v1/policy", "admin", None),
            String::new(),
        ),
        (
            op(
                Method::POST,
                "/api/v1/test-clock/advance",
                "admin",
                Some(json!({"seconds": 60})),
            ),
            String::new(),
        ),
    ]
}

async fn with_auth(
    api: &Api,
    op: &Op,
    path: &str,
    authorization: Option<&str>,
) -> crate::support::Reply {
    let mut request = Request::builder().method(op.method.clone()).uri(path);
    if let Some(a) = authorization {
        request = request.header(header::AUTHORIZATION, a);
    }
    let body = match &op.body {
        Some(v) => {
            request = request.header(header::CONTENT_TYPE, "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    api.send(request.body(body).unwrap()).await
}

#[tokio::test]
async fn every_route_needs_a_valid_bearer_token_with_the_right_scope() {
    each_backend(|db| async move {
        let api = api(db);
        let f = fixture(&api).await;
        let before = f.snapshot(&api).await;
        let table: std::collections::BTreeSet<(String, String)> = operations(&f)
            .iter()
            .map(|(op, _)| {
                let path = op.path.split('?').next().unwrap_or_default();
                (op.method.to_string(), path.to_owned())
            })
            .collect();
        assert_eq!(
            table,
            crate::openapi::secured_operations(),
            "this table lists every secured operation of openapi.json"
        );
        for (op, id) in operations(&f) {
            let path = op.path_with(&id);
            let what = format!("{} {path}", op.method);
            for authorization in [
                None,
                Some("Bearer tw_not_a_real_token".to_owned()),
                Some("Bearer ".to_owned()),
                Some(format!("Basic {}", f.d.admin)),
                Some(f.d.admin.clone()),
            ] {
                with_auth(&api, &op, &path, authorization.as_deref())
                    .await
                    .expect_error(401, "unauthorized");
            }
            let lacking = match op.scope {
                "accounts:read" => &f.d.writer,
                "accounts:write" => &f.d.reader,
                _ => &f.d.operator,
            };
            let message = with_auth(&api, &op, &path, Some(&format!("Bearer {lacking}")))
                .await
                .expect_error(403, "forbidden");
            assert!(message.contains(op.scope), "{what}: {message}");
            // Authorization comes before validation: a bad body does not tell a caller without
            // the scope anything more.
            if op.body.is_some() {
                let bad = Op {
                    body: Some(json!({"nonsense": true})),
                    ..op
                };
                with_auth(&api, &bad, &path, Some(&format!("Bearer {lacking}")))
                    .await
                    .expect_error(403, "forbidden");
            }
        }
        assert_eq!(before, f.snapshot(&api).await);
    })
    .await;
}

#[tokio::test]
async fn unknown_ids_are_404_on_every_route() {
    each_backend(|db| async move {
        let api = api(db);
        let f = fixture(&api).await;
        let before = f.snapshot(&api).await;
        let mut checked = 0;
        for (op, _) in operations(&f) {
            if !op.path.contains("{id}") {
                continue;
            }
            let path = op.path_with("nope_404");
            let reply = with_auth(&api, &op, &path, Some(&format!("Bearer {}", f.d.admin))).await;
            let message = reply.expect_error(404, "not_found");
            assert!(
                message.contains("nope_404") && message.ends_with("not found"),
                "{} {path}: {message}",
                op.method
            );
            checked += 1;
        }
        // With the 5 review routes, the decision route, 3 phone routes, 9 of live
        // verification, 2 of job posts, 7 of conversations, 5 of profiles, 5 of skill tests and
        // 2 of portfolio files, 2 of payment methods, 11 of contracts (feedback, pause and resume
        // included), one of milestones, 2 of disputes, the freelancer's stats, 9 of tickets and
        // an agent's chat settings.
        assert_eq!(checked, 84);

        // Ids inside a body are looked up too.
        let message = api
            .post(
                &f.d.admin,
                &format!("/api/v1/accounts/{}/proposals", f.d.maria),
                json!({"job_id": "job_nope", "cover_letter": "hello"}),
            )
            .await
            .expect_error(404, "not_found");
        assert_eq!(message, "job post job_nope not found");
        assert_eq!(before, f.snapshot(&api).await);
    })
    .await;
}

/// (path, body, status, code, words the message must contain)
type BadBody = (String, Value, u16, &'static str, &'static [&'static str]);

fn bad_bodies(f: &Fixture) -> Vec<BadBody> {
    let restrictions = format!("/api/v1/accounts/{}/restrictions", f.d.maria);
    let staff_restrictions = format!("/api/v1/accounts/{}/restrictions", f.d.agent);
    let lift = format!("/api/v1/restrictions/{}/lift", f.restriction);
    let require = format!("/api/v1/accounts/{}/verification-requests", f.d.maria);
    let require_staff = format!("/api/v1/accounts/{}/verification-requests", f.d.agent);
    let outcome = format!("/api/v1/verification-cases/{}/outcome", f.case);
    let proposals = format!("/api/v1/accounts/{}/proposals", f.d.maria);
    let client_proposals = format!("/api/v1/accounts/{}/proposals", f.d.acme);
    let withdrawals = format!("/api/v1/accounts/{}/withdrawals", f.d.maria);
    let clock = "/api/v1/test-clock/advance".to_owned();
    let webhooks = "/api/v1/webhooks".to_owned();
    let invalid = "invalid_input";
    vec![
        // Webhook subscriptions.
        (
            webhooks.clone(),
            json!({"url": "ftp://example.com/h", "event_types": ["*"]}),
            422,
            invalid,
            &["url", "http"],
        ),
        (
            webhooks.clone(),
            json!({"url": "https://example.com/h", "event_types": ["account.deleted"]}),
            422,
            invalid,
            &["event_types", "account.deleted"],
        ),
        (
            webhooks.clone(),
            json!({"url": "https://example.com/h", "event_types": []}),
            422,
            invalid,
            &["event_types"],
        ),
        (
            webhooks.clone(),
            json!({"url": "https://example.com/h"}),
            422,
            invalid,
            &["missing field", "event_types"],
        ),
        (
            webhooks,
            json!({"url": "https://example.com/h", "event_types": ["*"], "secret": "x"}),
            422,
            invalid,
            &["unknown field", "secret"],
        ),
        // Restrictions.
        (
            restrictions.clone(),
            json!({"severity": "hold", "note": "n"}),
            422,
            invalid,
            &["missing field", "reason_code"],
        ),
        (
            restrictions.clone(),
            json!({"reason_code": "SPAM", "note": "n"}),
            422,
            invalid,
            &["missing field", "severity"],
        ),
        (
            restrictions.clone(),
            json!({"reason_code": "SPAM", "severity": "hold"}),
            422,
            invalid,
            &["missing field", "note"],
        ),
        (
            restrictions.clone(),
            json!({"reason_code": 7, "severity": "hold", "note": "n"}),
            422,
            invalid,
            &["reason_code", "invalid type"],
        ),
        (
            restrictions.clone(),
            json!({"reason_code": "SPAM", "severity": ["hold"], "note": "n"}),
            422,
            invalid,
            &["severity", "invalid type"],
        ),
        (
            restrictions.clone(),
            json!({"reason_code": "SPAM", "severity": "hold", "note": "n", "scope": "all"}),
            422,
            invalid,
            &["unknown field", "scope"],
        ),
        (
            restrictions.clone(),
            json!({"reason_code": "spam", "severity": "hold", "note": "n"}),
            422,
            invalid,
            &["reason_code", "spam"],
        ),
        (
            restrictions.clone(),
            json!({"reason_code": "RUDENESS", "severity": "hold", "note": "n"}),
            422,
            invalid,
            &["reason_code", "RUDENESS"],
        ),
        (
            restrictions.clone(),
            json!({"reason_code": "SPAM", "severity": "jail", "note": "n"}),
            422,
            invalid,
            &["severity", "jail", "warning, hold, suspension or ban"],
        ),
        (
            restrictions.clone(),
            json!({"reason_code": "SPAM", "severity": "hold", "note": "  "}),
            422,
            invalid,
            &["note"],
        ),
        (
            restrictions.clone(),
            json!({"reason_code": "SPAM", "severity": "hold", "note": "n", "lift_condition": {"type": "whenever"}}),
            422,
            invalid,
            &["lift_condition.type", "manual, at_time or on_action"],
        ),
        (
            restrictions.clone(),
            json!({"reason_code": "SPAM", "severity": "hold", "note": "n", "lift_condition": {"type": "at_time"}}),
            422,
            invalid,
            &["lift_condition.value", "required"],
        ),
        (
            restrictions.clone(),
            json!({"reason_code": "SPAM", "severity": "hold", "note": "n", "lift_condition": {"type": "at_time", "value": "next tuesday"}}),
            422,
            invalid,
            &["lift_condition.value", "RFC 3339"],
        ),
        (
            restrictions.clone(),
            json!({"reason_code": "SPAM", "severity": "hold", "note": "n", "lift_condition": {"type": "at_time", "value": "2020-01-01T00:00:00Z"}}),
            422,
            invalid,
            &["lift_condition.value", "future"],
        ),
        (
            restrictions.clone(),
            json!({"reason_code": "SPAM", "severity": "hold", "note": "n", "lift_condition": {"type": "on_action", "value": "say_sorry"}}),
            422,
            invalid,
            &["lift_condition.value", "pass_identity_verification"],
        ),
        (
            restrictions.clone(),
            json!({"reason_code": "SPAM", "severity": "hold", "note": "n", "lift_condition": {"type": "manual", "until": 1}}),
            422,
            invalid,
            &["lift_condition", "unknown field", "until"],
        ),
        (
            restrictions.clone(),
            json!({"reason_code": "SPAM", "severity": "hold", "note": "n", "lift_condition": "manual"}),
            422,
            invalid,
            &["lift_condition", "invalid type"],
        ),
        (
            staff_restrictions,
            json!({"reason_code": "SPAM", "severity": "hold", "note": "n"}),
            422,
            invalid,
            &["account_id", "staff"],
        ),
        (
            restrictions.clone(),
            json!(["SPAM", "hold", "n"]),
            422,
            invalid,
            &["JSON object"],
        ),
        (restrictions, json!("SPAM"), 422, invalid, &["JSON object"]),
        // Lifting.
        (
            lift.clone(),
            json!({}),
            422,
            invalid,
            &["missing field", "note"],
        ),
        (lift.clone(), json!({"note": ""}), 422, invalid, &["note"]),
        (
            lift.clone(),
            json!({"note": 5}),
            422,
            invalid,
            &["note", "invalid type"],
        ),
        (
            lift,
            json!({"note": "n", "force": true}),
            422,
            invalid,
            &["unknown field", "force"],
        ),
        // Requiring verification.
        (
            require.clone(),
            json!({"reason": 5}),
            422,
            invalid,
            &["reason", "invalid type"],
        ),
        (
            require.clone(),
            json!({"why": "x"}),
            422,
            invalid,
            &["unknown field", "why"],
        ),
        (
            require.clone(),
            json!(["x"]),
            422,
            invalid,
            &["JSON object"],
        ),
        (require.clone(), json!(null), 422, invalid, &["JSON object"]),
        (
            require_staff,
            json!({"reason": "x"}),
            422,
            invalid,
            &["account_id"],
        ),
        // Outcomes.
        (
            outcome.clone(),
            json!({"note": "n"}),
            422,
            invalid,
            &["missing field", "outcome"],
        ),
        (
            outcome.clone(),
            json!({"outcome": "approved"}),
            422,
            invalid,
            &[
                "outcome",
                "approved",
                "verified, further_review, needs_documents or failed",
            ],
        ),
        (
            outcome.clone(),
            json!({"outcome": true}),
            422,
            invalid,
            &["outcome", "invalid type"],
        ),
        (
            outcome.clone(),
            json!({"outcome": "verified", "note": ["a"]}),
            422,
            invalid,
            &["note", "invalid type"],
        ),
        (
            outcome,
            json!({"outcome": "verified", "by": "me"}),
            422,
            invalid,
            &["unknown field", "by"],
        ),
        // Proposals.
        (
            proposals.clone(),
            json!({"cover_letter": "c"}),
            422,
            invalid,
            &["missing field", "job_id"],
        ),
        (
            proposals.clone(),
            json!({"job_id": f.job}),
            422,
            invalid,
            &["missing field", "cover_letter"],
        ),
        (
            proposals.clone(),
            json!({"job_id": 12, "cover_letter": "c"}),
            422,
            invalid,
            &["job_id", "invalid type"],
        ),
        (
            proposals.clone(),
            json!({"job_id": f.job, "cover_letter": "   "}),
            422,
            invalid,
            &["cover_letter", "empty"],
        ),
        (
            proposals.clone(),
            json!({"job_id": f.job, "cover_letter": "x".repeat(5_001)}),
            422,
            invalid,
            &["cover_letter", "5000"],
        ),
        (
            proposals,
            json!({"job_id": f.job, "cover_letter": "c", "rate": 10}),
            422,
            invalid,
            &["unknown field", "rate"],
        ),
        (
            client_proposals,
            json!({"job_id": f.job, "cover_letter": "c"}),
            422,
            invalid,
            &["account_id", "freelancer"],
        ),
        // Withdrawals.
        (
            withdrawals.clone(),
            json!({}),
            422,
            invalid,
            &["missing field", "amount_cents"],
        ),
        (
            withdrawals.clone(),
            json!([100]),
            422,
            invalid,
            &["JSON object"],
        ),
        (
            withdrawals.clone(),
            json!({"amount_cents": "100"}),
            422,
            invalid,
            &["amount_cents", "invalid type"],
        ),
        (
            withdrawals.clone(),
            json!({"amount_cents": 1.5}),
            422,
            invalid,
            &["amount_cents", "expected a whole number"],
        ),
        (
            withdrawals.clone(),
            json!({"amount_cents": 0}),
            422,
            invalid,
            &["amount_cents", "positive"],
        ),
        (
            withdrawals.clone(),
            json!({"amount_cents": -500}),
            422,
            invalid,
            &["amount_cents", "positive"],
        ),
        (
            withdrawals.clone(),
            json!({"amount_cents": 100, "currency": "EUR"}),
            422,
            invalid,
            &["unknown field", "currency"],
        ),
        (
            withdrawals,
            json!({"amount_cents": 125_001}),
            422,
            "insufficient_balance",
            &["125000", "125001"],
        ),
        // The test clock.
        (
            clock.clone(),
            json!({}),
            422,
            invalid,
            &["missing field", "seconds"],
        ),
        (
            clock.clone(),
            json!({"seconds": "60"}),
            422,
            invalid,
            &["seconds", "invalid type"],
        ),
        (
            clock.clone(),
            json!({"seconds": 0}),
            422,
            invalid,
            &["seconds"],
        ),
        (
            clock.clone(),
            json!({"seconds": -60}),
            422,
            invalid,
            &["seconds"],
        ),
        (
            clock.clone(),
            json!({"seconds": 400 * 24 * 3600}),
            422,
            invalid,
            &["seconds", "a year"],
        ),
        (
            clock,
            json!({"seconds": 60, "to": "2030-01-01"}),
            422,
            invalid,
            &["unknown field", "to"],
        ),
    ]
}

#[tokio::test]
async fn bad_fields_are_422_naming_the_field_and_change_nothing() {
    each_backend(|db| async move {
        let api = api(db);
        let f = fixture(&api).await;
        let before = f.snapshot(&api).await;
        for (path, body, status, code, words) in bad_bodies(&f) {
            let message = api
                .post(&f.d.admin, &path, body.clone())
                .await
                .expect_error(status, code);
            for word in words {
                assert!(
                    message.contains(word),
                    "POST {path} {body}: {message:?} should mention {word:?}"
                );
            }
        }
        // Query parameters too.
        let message = api
            .get(
                &f.d.admin,
                &format!("/api/v1/accounts/{}/audit?limit=lots", f.d.maria),
            )
            .await
            .expect_error(422, "invalid_input");
        assert!(message.contains("limit"), "{message}");
        assert_eq!(before, f.snapshot(&api).await);
    })
    .await;
}

/// Every route that takes a body, with a body it would accept.
fn bodies(f: &Fixture) -> Vec<(String, Value)> {
    operations(f)
        .into_iter()
        .filter_map(|(op, id)| op.body.clone().map(|b| (op.path_with(&id), b)))
        .collect()
}

#[tokio::test]
async fn malformed_mistyped_and_oversized_bodies_are_refused_on_every_route() {
    each_backend(|db| async move {
        let api = api(db);
        let f = fixture(&api).await;
        let admin = f.d.admin.as_str();
        let before = f.snapshot(&api).await;
        let routes = bodies(&f);
        // With the 5 review bodies, 2 phone bodies, the question mark, the job review and 3
        // of conversations (a message, an invitation, a reply), the profile review and
        // re-review, a skill-test answer, 12 of contracts and money, 7 of tickets, the inbound
        // email, a macro and an agent's chat settings.
        assert_eq!(routes.len(), 45);
        for (path, good) in &routes {
            let json = Some("application/json");
            let trailing = format!("{good} {{}}");
            for broken in [
                "{",
                "{\"note\": }",
                "not json",
                &trailing,
                "\u{feff}{}",
                "[1,",
            ] {
                let message = api
                    .post_raw(admin, path, json, broken.to_owned())
                    .await
                    .expect_error(400, "malformed_json");
                assert!(message.contains("line 1"), "{path}: {message}");
            }
            for content_type in [
                Some("text/plain"),
                Some("application/x-www-form-urlencoded"),
                None,
            ] {
                let message = api
                    .post_raw(admin, path, content_type, good.to_string())
                    .await
                    .expect_error(415, "unsupported_media_type");
                assert!(message.contains("application/json"), "{path}: {message}");
            }
            // Just over the limit, as valid JSON: refused for its size, not its content (a
            // week of work-diary segments has room for more).
            let limit = if path.ends_with("/work-diary") {
                trustwork_web::DIARY_BODY_LIMIT
            } else {
                BODY_LIMIT
            };
            let filler = "x".repeat(limit);
            let big = json!({"note": filler, "reason": filler}).to_string();
            assert!(big.len() > BODY_LIMIT);
            api.post_raw(admin, path, json, big)
                .await
                .expect_error(413, "payload_too_large");
        }
        // The JSON media types axum accepts are accepted (and the body is then read).
        api.post_raw(
            admin,
            &format!("/api/v1/accounts/{}/withdrawals", f.d.maria),
            Some("application/json; charset=utf-8"),
            "{\"amount_cents\": \"1\"}",
        )
        .await
        .expect_error(422, "invalid_input");
        assert_eq!(before, f.snapshot(&api).await);

        // An empty body asking for verification is a request without its reason.
        let message = api
            .post_raw(
                admin,
                &format!("/api/v1/accounts/{}/verification-requests", f.d.maria),
                None,
                "",
            )
            .await
            .expect_error(422, "invalid_input");
        assert!(message.starts_with("reason: "), "{message}");
        api.post_raw(
            admin,
            &format!("/api/v1/accounts/{}/withdrawals", f.d.maria),
            Some("application/json"),
            "",
        )
        .await
        .expect_error(400, "malformed_json");
    })
    .await;
}

#[tokio::test]
async fn conflicts_are_409_and_change_nothing() {
    each_backend(|db| async move {
        let api = api(db);
        let f = fixture(&api).await;
        let admin = f.d.admin.as_str();

        // Requiring verification while a case is open.
        let before = f.snapshot(&api).await;
        let message = api
            .post(
                admin,
                &format!("/api/v1/accounts/{}/verification-requests", f.d.li),
                json!({"reason": "again"}),
            )
            .await
            .expect_error(409, "verification_already_open");
        assert!(message.contains(&f.case), "{message}");
        assert_eq!(before, f.snapshot(&api).await);

        // An outcome for a closed case.
        let outcome = format!("/api/v1/verification-cases/{}/outcome", f.case);
        api.post(
            admin,
            &outcome,
            json!({"outcome": "verified", "note": "ok"}),
        )
        .await
        .ok();
        let before = f.snapshot(&api).await;
        for again in ["verified", "failed", "needs_documents"] {
            let message = api
                .post(admin, &outcome, json!({"outcome": again, "note": "again"}))
                .await
                .expect_error(409, "case_closed");
            assert!(
                message.contains(&f.case) && message.contains("verified"),
                "{message}"
            );
        }
        assert_eq!(before, f.snapshot(&api).await);

        // A lift of a lifted hold.
        let lift = format!("/api/v1/restrictions/{}/lift", f.restriction);
        api.post(admin, &lift, json!({"note": "first"})).await.ok();
        let before = f.snapshot(&api).await;
        let message = api
            .post(admin, &lift, json!({"note": "second"}))
            .await
            .expect_error(409, "already_lifted");
        assert!(message.contains(&f.restriction), "{message}");
        assert_eq!(before, f.snapshot(&api).await);
        let restriction = &api
            .get(admin, &format!("/api/v1/accounts/{}/restrictions", f.d.dev))
            .await
            .ok()["restrictions"][0];
        assert_eq!(restriction["lift_note"], json!("first"));
    })
    .await;
}

#[tokio::test]
async fn the_test_clock_does_not_exist_outside_demo_mode() {
    each_backend(|db| async move {
        let api = api_with(db, false);
        let d = api.seed().await;
        let before = api.app.now();
        let reply = api
            .post(
                &d.admin,
                "/api/v1/test-clock/advance",
                json!({"seconds": 60}),
            )
            .await;
        reply.expect_error(404, "not_found");
        let reply = api
            .call(
                Method::GET,
                "/api/v1/test-clock/advance",
                Some(&d.admin),
                None,
            )
            .await;
        reply.expect_error(404, "not_found");
        assert_eq!(api.app.now(), before);
        // The rest of the API is there.
        api.get(&d.admin, "/api/v1/timers").await.ok();
        api.get(&d.admin, &format!("/api/v1/accounts/{}", d.maria))
            .await
            .ok();
    })
    .await;
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_in_the_error_shape() {
    let db = trustwork_store::testing::TestDb::sqlite().await.unwrap();
    let api = api(db.db.clone());
    let d = api.seed().await;
    for path in [
        "/api/v1/nope",
        "/api/v1/accounts",
        "/api/v2/accounts/x",
        "/api/v1/accounts/x/y/z",
    ] {
        let reply = api.get(&d.admin, path).await;
        if path.starts_with("/api/v1/") {
            reply.expect_error(404, "not_found");
        } else {
            assert_eq!(reply.status.as_u16(), 404, "{path}");
        }
    }
    for (method, path) in [
        (Method::DELETE, format!("/api/v1/accounts/{}", d.maria)),
        (Method::POST, format!("/api/v1/accounts/{}", d.maria)),
        (
            Method::PUT,
            format!("/api/v1/accounts/{}/restrictions", d.maria),
        ),
        (Method::GET, "/api/v1/test-clock/advance".to_owned()),
        (Method::POST, "/api/v1/timers".to_owned()),
    ] {
        api.call(method.clone(), &path, Some(&d.admin), None)
            .await
            .expect_error(405, "method_not_allowed");
    }
    db.cleanup().await;
}

#[tokio::test]
async fn health_readiness_metrics_and_request_ids() {
    each_backend(|db| async move {
        let api = api(db);
        let d = api.seed().await;

        let health = api.call(Method::GET, "/healthz", None, None).await;
        assert_eq!((health.status.as_u16(), health.text().as_str()), (200, "ok"));
        // Every answer, pages and API alike, carries the security headers.
        assert_eq!(
            health.headers.get("x-frame-options").and_then(|v| v.to_str().ok()),
            Some("DENY")
        );
        for path in ["/login", "/api/v1/openapi.json", "/nowhere"] {
            let reply = api.call(Method::GET, path, None, None).await;
            let h = |name: &str| {
                reply
                    .headers
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_else(|| panic!("no {name} on {path}"))
                    .to_owned()
            };
            assert!(h("content-security-policy").contains("frame-ancestors 'none'"), "{path}");
            assert_eq!(h("x-frame-options"), "DENY", "{path}");
            assert_eq!(h("x-content-type-options"), "nosniff", "{path}");
            assert_eq!(h("referrer-policy"), "same-origin", "{path}");
            assert!(!h("cache-control").is_empty(), "{path}");
        }
        let login = api.call(Method::GET, "/login", None, None).await;
        assert_eq!(
            login.headers.get("cache-control").and_then(|v| v.to_str().ok()),
            Some("no-store")
        );
        let ready = api.call(Method::GET, "/readyz", None, None).await;
        assert_eq!((ready.status.as_u16(), ready.text().as_str()), (200, "ready"));

        api.get(&d.admin, &format!("/api/v1/accounts/{}", d.maria))
            .await
            .ok();
        api.get(&d.admin, "/api/v1/accounts/nope")
            .await
            .expect_error(404, "not_found");
        // Any method a client makes up is counted as "other": the label set stays bounded.
        for n in 0..20 {
            let junk = Method::from_bytes(format!("JUNK{n}").as_bytes()).unwrap();
            api.call(junk, "/healthz", None, None).await;
        }
        let metrics = api.call(Method::GET, "/metrics", None, None).await;
        assert_eq!(metrics.status.as_u16(), 200);
        assert!(
            metrics
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("text/plain")),
        );
        let text = metrics.text();
        assert!(text.contains("# TYPE trustwork_http_requests_total counter"), "{text}");
        // Counted under the route template, never the raw path.
        for line in [
            "trustwork_http_requests_total{method=\"GET\",route=\"/api/v1/accounts/{id}\",status=\"200\"} 1",
            "trustwork_http_requests_total{method=\"GET\",route=\"/api/v1/accounts/{id}\",status=\"404\"} 1",
            "trustwork_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1",
            "# TYPE trustwork_pipeline_groups_total counter",
            "# TYPE trustwork_pipeline_events_in_memory_total counter",
            "# TYPE trustwork_http_request_duration_seconds histogram",
            "trustwork_http_request_duration_seconds_count{method=\"GET\",route=\"/healthz\",status=\"200\"} 1",
            "# TYPE trustwork_decision_duration_seconds histogram",
            "# TYPE trustwork_timer_lag_seconds gauge",
            "trustwork_mail_backlog 0",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
        }
        assert!(!text.contains("JUNK"), "{text}");
        assert!(
            text.lines()
                .any(|l| l.starts_with("trustwork_http_requests_total{method=\"other\",route=\"/healthz\"")),
            "{text}"
        );
        assert!(!text.contains(&d.maria), "no ids in labels");

        // Every answer carries a request id: a new one, or the caller's.
        let mut seen = std::collections::HashSet::new();
        for path in ["/healthz", "/readyz", "/metrics", "/api/v1/openapi.json", "/api/v1/timers", "/nowhere"] {
            let reply = api.call(Method::GET, path, None, None).await;
            let id = reply
                .headers
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_else(|| panic!("no x-request-id on {path}"))
                .to_owned();
            assert_eq!(id.len(), 36, "a UUID: {id}");
            assert!(seen.insert(id), "request ids are unique");
        }
        let request = Request::builder()
            .uri("/healthz")
            .header("x-request-id", "trace-me-123")
            .body(Body::empty())
            .unwrap();
        let reply = api.send(request).await;
        assert_eq!(
            reply.headers.get("x-request-id").and_then(|v| v.to_str().ok()),
            Some("trace-me-123")
        );
    })
    .await;
}
