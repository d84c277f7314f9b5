//! Review queues, flags and appeals over the API and in the console, on both databases.

use crate::openapi::Conformance;
use crate::support::{Api, Demo, Reply, api};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};
use trustwork_app::review::NewReviewCase;
use trustwork_core::Actor;
use trustwork_core::review::{EntityType, Queue};
use trustwork_store::testing::each_backend;

fn id_of(d: &Demo, email: &str) -> String {
    d.credentials
        .accounts
        .iter()
        .find(|a| a.email == email)
        .map(|a| a.id.clone())
        .unwrap()
}

fn flag_body(d: &Demo, target_id: &str) -> Value {
    json!({
        "reporter_id": d.acme, "target_type": "proposal", "target_id": target_id,
        "target_account_id": d.maria, "reason": "spam", "note": "same letter on every job",
        "content": "Hire me, I am the best <3"
    })
}

#[tokio::test]
async fn flag_claim_resolve_appeal_and_overturn_over_the_api() {
    each_backend(|db| async move {
        let api = api(db);
        let d = api.seed().await;
        let t = d.operator.as_str();
        let agent = d.agent.clone();
        let admin_account = id_of(&d, "admin@trustwork.demo");

        let case = api
            .post(t, "/api/v1/flags", flag_body(&d, "prop_1"))
            .await
            .expect(201);
        let id = case["id"].as_str().unwrap().to_owned();
        assert_eq!(case["queue"], "flag");
        assert_eq!(
            (case["weight"].as_i64(), case["reports"].as_i64()),
            (Some(500), Some(1))
        );
        assert_eq!(case["sla_state"], "ok");
        api.post(t, "/api/v1/flags", flag_body(&d, "prop_1"))
            .await
            .expect_error(409, "already_flagged");

        let list = api
            .get(t, "/api/v1/review-cases?queue=flag&sla=ok")
            .await
            .ok();
        assert_eq!(list["cases"].as_array().unwrap().len(), 1);
        let list = api.get(t, "/api/v1/review-cases?sla=breached").await.ok();
        assert!(list["cases"].as_array().unwrap().is_empty());

        // The rule: resolving needs the agent's own live claim.
        let path = |what: &str| format!("/api/v1/review-cases/{id}/{what}");
        let uphold = json!({"agent_id": agent, "resolution": "upheld",
            "action": {"severity": "warning", "reason_code": "SPAM"}, "note": "bulk letters"});
        api.post(t, &path("resolve"), uphold.clone())
            .await
            .expect_error(409, "review_claim_required");
        let claimed = api
            .post(t, &path("claim"), json!({"agent_id": agent}))
            .await
            .ok();
        assert_eq!(claimed["claimed_by"], json!(agent));
        api.post(t, &path("claim"), json!({"agent_id": admin_account}))
            .await
            .expect_error(409, "review_case_claimed");
        let resolved = api.post(t, &path("resolve"), uphold).await.ok();
        assert_eq!(resolved["status"], "resolved");
        assert_eq!(resolved["resolution_action"], "warning:SPAM");
        let rid = resolved["restriction_id"].as_str().unwrap().to_owned();
        let detail = api.get(t, &format!("/api/v1/review-cases/{id}")).await.ok();
        assert_eq!(detail["flags"][0]["outcome"], "upheld");
        api.post(t, &path("claim"), json!({"agent_id": agent}))
            .await
            .expect_error(409, "review_case_resolved");

        // One appeal per restriction; a different agent decides.
        let appeals = format!("/api/v1/restrictions/{rid}/appeals");
        let appeal = api
            .post(t, &appeals, json!({"statement": "I sent one letter"}))
            .await
            .expect(201);
        api.post(t, &appeals, json!({"statement": "again"}))
            .await
            .expect_error(409, "appeal_already_filed");
        let open = api.get(t, "/api/v1/appeals?status=open").await.ok();
        assert_eq!(open["appeals"].as_array().unwrap().len(), 1);
        let decision = format!(
            "/api/v1/appeals/{}/decision",
            appeal["id"].as_str().unwrap()
        );
        api.post(
            t,
            &decision,
            json!({"agent_id": agent, "decision": "overturned", "note": "mine"}),
        )
        .await
        .expect_error(409, "appeal_same_agent");
        let decided = api
            .post(
                t,
                &decision,
                json!({"agent_id": admin_account, "decision": "overturned", "note": "one letter"}),
            )
            .await
            .ok();
        assert_eq!(decided["status"], "overturned");
        let maria = api
            .get(t, &format!("/api/v1/accounts/{}", d.maria))
            .await
            .ok();
        assert_eq!(maria["standing"], "good");
        assert_eq!(maria["top_rated_hold_check"]["eligible"], true);
        api.post(
            t,
            &decision,
            json!({"agent_id": admin_account, "decision": "upheld", "note": "x"}),
        )
        .await
        .expect_error(409, "appeal_already_decided");
    })
    .await;
}

#[tokio::test]
async fn bad_review_input_gets_clear_errors() {
    each_backend(|db| async move {
        let api = api(db);
        let d = api.seed().await;
        let t = d.operator.as_str();
        for path in ["/api/v1/review-cases/rvc_nope"] {
            let m = api.get(t, path).await.expect_error(404, "not_found");
            assert_eq!(m, "review case rvc_nope not found");
        }
        let agent = json!({"agent_id": d.agent});
        api.post(t, "/api/v1/review-cases/rvc_nope/claim", agent.clone())
            .await
            .expect_error(404, "not_found");
        api.post(
            t,
            "/api/v1/restrictions/rst_nope/appeals",
            json!({"statement": "x"}),
        )
        .await
        .expect_error(404, "not_found");
        api.post(
            t,
            "/api/v1/appeals/apl_nope/decision",
            json!({"agent_id": d.agent, "decision": "upheld", "note": "n"}),
        )
        .await
        .expect_error(404, "not_found");

        let case = api
            .post(t, "/api/v1/flags", flag_body(&d, "prop_9"))
            .await
            .expect(201);
        let id = case["id"].as_str().unwrap();
        // Not an agent; not a resolution; an action on a dismissal; unknown fields.
        let m = api
            .post(
                t,
                &format!("/api/v1/review-cases/{id}/claim"),
                json!({"agent_id": d.maria}),
            )
            .await
            .expect_error(422, "invalid_input");
        assert!(m.starts_with("agent_id:"), "{m}");
        let resolve = format!("/api/v1/review-cases/{id}/resolve");
        let m = api
            .post(
                t,
                &resolve,
                json!({"agent_id": d.agent, "resolution": "maybe"}),
            )
            .await
            .expect_error(422, "invalid_input");
        assert!(m.starts_with("resolution:"), "{m}");
        api.post(t, &format!("/api/v1/review-cases/{id}/claim"), agent)
            .await
            .ok();
        let m = api
            .post(
                t,
                &resolve,
                json!({"agent_id": d.agent, "resolution": "dismissed",
                "action": {"severity": "ban", "reason_code": "SPAM"}}),
            )
            .await
            .expect_error(422, "invalid_input");
        assert!(m.starts_with("action:"), "{m}");
        let m = api
            .post(
                t,
                &resolve,
                json!({"agent_id": d.agent, "resolution": "upheld",
                "action": {"severity": "scold", "reason_code": "SPAM"}}),
            )
            .await
            .expect_error(422, "invalid_input");
        assert!(m.starts_with("action.severity:"), "{m}");
        api.post(
            t,
            &resolve,
            json!({"agent_id": d.agent, "resolution": "dismissed", "extra": 1}),
        )
        .await
        .expect_error(422, "invalid_input");
        let mut bad = flag_body(&d, "prop_9");
        bad["reason"] = json!("boring");
        let m = api
            .post(t, "/api/v1/flags", bad)
            .await
            .expect_error(422, "invalid_input");
        assert!(m.starts_with("reason:"), "{m}");
        let mut own = flag_body(&d, "prop_9");
        own["reporter_id"] = json!(d.maria);
        api.post(t, "/api/v1/flags", own)
            .await
            .expect_error(422, "invalid_input");
        let m = api
            .get(t, "/api/v1/review-cases?sla=late")
            .await
            .expect_error(422, "invalid_input");
        assert!(m.starts_with("sla:"), "{m}");
        api.get(t, "/api/v1/appeals?status=pending")
            .await
            .expect_error(422, "invalid_input");
        // A decision without its reason is refused; a dismissal leaves the account alone.
        let m = api
            .post(
                t,
                &resolve,
                json!({"agent_id": d.agent, "resolution": "dismissed", "note": " "}),
            )
            .await
            .expect_error(422, "invalid_input");
        assert!(m.starts_with("note:"), "{m}");
        api.post(
            t,
            &resolve,
            json!({"agent_id": d.agent, "resolution": "dismissed", "note": "no contact details in it"}),
        )
        .await
        .ok();
        let maria = api
            .get(t, &format!("/api/v1/accounts/{}", d.maria))
            .await
            .ok();
        assert_eq!(maria["standing"], "good");
    })
    .await;
}

/// Signs in through the login form and returns the session cookie and the page's CSRF token.
async fn sign_in(api: &Api, email: &str) -> (String, String) {
    let page = get(api, None, "/login").await;
    let login_csrf = form_value(&page.text(), "csrf").unwrap();
    let reply = post_form(
        api,
        Some(&format!("tw_login_csrf={login_csrf}")),
        "/login",
        &format!("email={email}&password=trustwork-demo&csrf={login_csrf}"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    let session = reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("tw_session="))
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_owned();
    let cookie = format!("tw_session={session}");
    let home = get(api, Some(&cookie), "/stats").await;
    let csrf = form_value(&home.text(), "csrf").unwrap_or_default();
    (cookie, csrf)
}

fn form_value(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}

async fn get(api: &Api, cookie: Option<&str>, path: &str) -> Reply {
    let mut r = Request::builder().method(Method::GET).uri(path);
    if let Some(c) = cookie {
        r = r.header(header::COOKIE, c);
    }
    api.send(r.body(Body::empty()).unwrap()).await
}

async fn post_form(api: &Api, cookie: Option<&str>, path: &str, form: &str) -> Reply {
    let mut r = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        r = r.header(header::COOKIE, c);
    }
    api.send(r.body(Body::from(form.to_owned())).unwrap()).await
}

#[tokio::test]
async fn the_console_highlights_spans_and_acts_in_one_click() {
    each_backend(|db| async move {
        let api = api(db);
        let d = api.seed().await;
        let content = "<b>hi</b> pay me at pay.me/maria ok";
        let start = content.find("pay.me").unwrap();
        let explanation = json!({
            "findings": [{"category": "payment", "kind": "link", "start": start, "end": start + 12, "value": "pay.me/maria"}],
            "rules": ["off_platform_payment_block"],
            "counters": {"contact_attempts_30d": 2}
        });
        let case = api
            .app
            .open_review_case(NewReviewCase {
                queue: Queue::OffPlatformPayment,
                subject_account_id: d.maria.clone(),
                entity_type: EntityType::Message,
                entity_id: "msg_1".into(),
                content: content.into(),
                explanation_json: explanation.to_string(),
                decision_id: None,
                priority: 0,
                weight: 0,
                actor: Actor::system("test"),
            })
            .await
            .unwrap();

        let (agent, csrf) = sign_in(&api, "agent@trustwork.demo").await;
        let queue = get(&api, Some(&agent), "/review?queue=off_platform_payment&sla=ok").await;
        assert_eq!(queue.status, StatusCode::OK, "{}", queue.text());
        assert!(queue.text().contains(&case.id));
        assert!(queue.text().contains("href=\"/review\" aria-current=\"page\""));
        let page = get(&api, Some(&agent), &format!("/review/{}", case.id)).await;
        let html = page.text();
        assert_eq!(page.status, StatusCode::OK, "{html}");
        assert!(
            html.contains("&lt;b&gt;hi&lt;/b&gt; pay me at <mark>pay.me/maria</mark> ok"),
            "{html}"
        );
        assert!(html.contains("off_platform_payment_block") && html.contains("contact_attempts_30d"));
        let csrf = form_value(&html, "csrf").unwrap_or(csrf);
        // Claim, then uphold with a warning in one click.
        let r = post_form(&api, Some(&agent), &format!("/review/{}/claim", case.id), &format!("csrf={csrf}")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let bad = post_form(&api, Some(&agent), &format!("/review/{}/resolve", case.id), "csrf=wrong&act=dismiss").await;
        assert_eq!(bad.status, StatusCode::FORBIDDEN);
        let r = post_form(
            &api,
            Some(&agent),
            &format!("/review/{}/resolve", case.id),
            &format!("csrf={csrf}&act=warning&reason_code=OFF_PLATFORM_PAYMENT&note=paypal"),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let page = get(&api, Some(&agent), &format!("/review/{}", case.id)).await;
        assert!(page.text().contains("warning:OFF_PLATFORM_PAYMENT"), "{}", page.text());

        // Maria appeals from My Stats; the appeal shows for agents; a freelancer cannot see it.
        let (maria, maria_csrf) = sign_in(&api, "maria@trustwork.demo").await;
        let stats = get(&api, Some(&maria), "/stats").await.text();
        let rid = api.app.restrictions_of(&d.maria).await.unwrap()[0].id.clone();
        assert!(stats.contains(&format!("/restrictions/{rid}/appeal")), "{stats}");
        let r = post_form(&api, Some(&maria), &format!("/restrictions/{rid}/appeal"), &format!("csrf={maria_csrf}&statement=It+was+a+refusal")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let stats = get(&api, Some(&maria), "/stats").await.text();
        assert!(stats.contains("appeal open") && !stats.contains(&format!("/restrictions/{rid}/appeal\"")));
        assert_eq!(get(&api, Some(&maria), "/appeals").await.status, StatusCode::FORBIDDEN);
        assert_eq!(get(&api, Some(&maria), "/review").await.status, StatusCode::FORBIDDEN);
        let appeals = get(&api, Some(&agent), "/appeals").await.text();
        assert!(appeals.contains("It was a refusal"), "{appeals}");
        // The agent who warned cannot decide: the error comes back on the page.
        let appeal_id = api.app.appeals_of(&d.maria).await.unwrap()[0].id.clone();
        let r = post_form(&api, Some(&agent), &format!("/appeals/{appeal_id}/decision"), &format!("csrf={csrf}&decision=overturned&note=x")).await;
        let location = r.headers.get(header::LOCATION).unwrap().to_str().unwrap().to_owned();
        assert!(location.starts_with("/appeals?error="), "{location}");
    })
    .await;
}

/// The review operations for the OpenAPI conformance test: every one answers successfully, and
/// its errors in their documented places.
pub async fn openapi_story(c: &Conformance<'_>, d: &Demo) {
    let admin = Some(d.admin.as_str());
    let (get, post) = (Method::GET, Method::POST);
    let admin_account = id_of(d, "admin@trustwork.demo");
    let case = c
        .call(
            post.clone(),
            "/api/v1/flags",
            "",
            admin,
            Some(flag_body(d, "prop_oa")),
        )
        .await
        .expect(201);
    let id = case["id"].as_str().unwrap().to_owned();
    c.call(
        post.clone(),
        "/api/v1/flags",
        "",
        admin,
        Some(flag_body(d, "prop_oa")),
    )
    .await
    .expect(409);
    c.call(
        get.clone(),
        "/api/v1/review-cases?queue=flag",
        "",
        admin,
        None,
    )
    .await
    .expect(200);
    c.call(
        get.clone(),
        "/api/v1/review-cases?sla=soon",
        "",
        admin,
        None,
    )
    .await
    .expect(422);
    c.call(get.clone(), "/api/v1/review-cases/{id}", &id, admin, None)
        .await
        .expect(200);
    let resolve = json!({"agent_id": d.agent, "resolution": "upheld",
        "action": {"severity": "hold", "reason_code": "SPAM"}, "note": "n"});
    c.call(
        post.clone(),
        "/api/v1/review-cases/{id}/resolve",
        &id,
        admin,
        Some(resolve.clone()),
    )
    .await
    .expect(409);
    c.call(
        post.clone(),
        "/api/v1/review-cases/{id}/claim",
        &id,
        admin,
        Some(json!({"agent_id": d.agent})),
    )
    .await
    .expect(200);
    c.call(
        post.clone(),
        "/api/v1/review-cases/{id}/claim",
        &id,
        admin,
        Some(json!({"agent_id": admin_account})),
    )
    .await
    .expect(409);
    let resolved = c
        .call(
            post.clone(),
            "/api/v1/review-cases/{id}/resolve",
            &id,
            admin,
            Some(resolve),
        )
        .await
        .expect(200);
    let rid = resolved["restriction_id"].as_str().unwrap().to_owned();
    let appeal = c
        .call(
            post.clone(),
            "/api/v1/restrictions/{id}/appeals",
            &rid,
            admin,
            Some(json!({"statement": "s"})),
        )
        .await
        .expect(201);
    c.call(
        post.clone(),
        "/api/v1/restrictions/{id}/appeals",
        &rid,
        admin,
        Some(json!({"statement": "s"})),
    )
    .await
    .expect(409);
    c.call(get.clone(), "/api/v1/appeals?status=open", "", admin, None)
        .await
        .expect(200);
    c.call(get.clone(), "/api/v1/appeals?status=x", "", admin, None)
        .await
        .expect(422);
    let aid = appeal["id"].as_str().unwrap().to_owned();
    c.call(
        post.clone(),
        "/api/v1/appeals/{id}/decision",
        &aid,
        admin,
        Some(json!({"agent_id": d.agent, "decision": "upheld", "note": "n"})),
    )
    .await
    .expect(409);
    c.call(
        post.clone(),
        "/api/v1/appeals/{id}/decision",
        &aid,
        admin,
        Some(json!({"agent_id": admin_account, "decision": "overturned", "note": "n"})),
    )
    .await
    .expect(200);
    c.call(
        post,
        "/api/v1/appeals/{id}/decision",
        "nope",
        admin,
        Some(json!({"agent_id": admin_account, "decision": "upheld", "note": "n"})),
    )
    .await
    .expect(404);
}
