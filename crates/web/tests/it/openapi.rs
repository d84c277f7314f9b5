//! The hand-written OpenAPI document (crates/web/openapi.json) against the router: every route is
//! documented, every documented operation exists with the documented scope, and real answers
//! (successes and errors) match the documented status codes and schemas.

use crate::support::{Api, Reply, api};
use axum::http::Method;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::sync::Mutex;

const DOCUMENT: &str = include_str!("../../openapi.json");
const API_ROUTES: &str = include_str!("../../src/api/mod.rs");
const SERVER_ROUTES: &str = include_str!("../../src/server.rs");
const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

pub fn document() -> Value {
    serde_json::from_str(DOCUMENT).expect("openapi.json is JSON")
}

/// (METHOD, path template) of every documented operation.
fn documented(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in METHODS {
            if item.get(method).is_some() {
                out.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

/// The scope an operation's security requirement names, or `None` for a public operation.
fn scope_of(doc: &Value, method: &str, path: &str) -> Option<String> {
    let op = &doc["paths"][path][method.to_lowercase()];
    let security = op
        .get("security")
        .or_else(|| doc.get("security"))
        .and_then(Value::as_array)
        .unwrap();
    match security.as_slice() {
        [] => None,
        [requirement] => {
            let scopes = requirement["bearerAuth"].as_array().unwrap();
            assert_eq!(scopes.len(), 1, "{method} {path}: one scope per operation");
            Some(scopes[0].as_str().unwrap().to_owned())
        }
        _ => panic!("{method} {path}: one security requirement at most"),
    }
}

/// (METHOD, path template) of every documented operation that needs a token.
pub fn secured_operations() -> BTreeSet<(String, String)> {
    let doc = document();
    documented(&doc)
        .into_iter()
        .filter(|(m, p)| scope_of(&doc, m, p).is_some())
        .collect()
}

/// The routes registered in the source: each `.route("path", get(..).post(..))`, read as text.
/// The `{*rest}` catch-all only turns unknown API paths into JSON 404s and is not an operation.
fn routes_in_source(source: &str) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for piece in source.split(".route(").skip(1) {
        let open = piece.find('"').unwrap();
        let len = piece[open + 1..].find('"').unwrap();
        let path = &piece[open + 1..open + 1 + len];
        // The handlers run from after the path to the `)` that closes `.route(`.
        let after = &piece[open + len + 2..];
        let mut depth = 1;
        let mut close = after.len();
        for (i, c) in after.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        close = i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let handlers = &after[..close];
        if path.contains("{*") {
            continue;
        }
        let mut found = false;
        for method in METHODS {
            for (i, _) in handlers.match_indices(&format!("{method}(")) {
                let before = handlers[..i].chars().last();
                if before.is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == ':')) {
                    out.insert((method.to_uppercase(), path.to_owned()));
                    found = true;
                }
            }
        }
        assert!(found, "no method found for route {path}: {handlers}");
    }
    out
}

#[test]
fn the_document_is_openapi_3_1_and_hangs_together() {
    let doc = document();
    let version = doc["openapi"].as_str().unwrap();
    assert!(version.starts_with("3.1."), "{version}");
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());
    assert_eq!(
        doc["components"]["securitySchemes"]["bearerAuth"],
        json!({
            "type": "http",
            "scheme": "bearer",
            "description": doc["components"]["securitySchemes"]["bearerAuth"]["description"]
        })
    );

    // Every $ref points at something.
    fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push(r);
                }
                m.values().for_each(|v| refs(v, out));
            }
            Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(all.len() > 50);
    for r in all {
        let pointer = r
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("local refs only: {r}"));
        assert!(doc.pointer(pointer).is_some(), "dangling $ref {r}");
    }

    let mut ids = BTreeSet::new();
    for (method, path) in documented(&doc) {
        let op = &doc["paths"][&path][method.to_lowercase()];
        let what = format!("{method} {path}");
        assert!(
            ids.insert(op["operationId"].as_str().unwrap().to_owned()),
            "{what}: operationId repeated"
        );
        assert!(op["summary"].is_string(), "{what}: summary");
        let responses = op["responses"].as_object().unwrap();
        assert!(
            responses.keys().any(|s| s.starts_with('2')),
            "{what}: a success answer"
        );
        // Path parameters are declared, required, and match the template.
        let in_template: BTreeSet<String> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(str::to_owned)
            .collect();
        let declared: BTreeSet<String> = op["parameters"]
            .as_array()
            .map(|ps| {
                ps.iter()
                    .filter(|p| p["in"] == json!("path"))
                    .map(|p| {
                        assert_eq!(p["required"], json!(true), "{what}");
                        p["name"].as_str().unwrap().to_owned()
                    })
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(in_template, declared, "{what}: path parameters");
        // Secured operations say their scope in words too, and answer 401 and 403.
        if let Some(scope) = scope_of(&doc, &method, &path) {
            assert!(
                ["accounts:read", "accounts:write", "evidence:read", "admin"]
                    .contains(&scope.as_str()),
                "{what}: {scope}"
            );
            let description = op["description"].as_str().unwrap();
            assert!(
                description.contains(&format!("`{scope}` scope")),
                "{what}: the description names the scope"
            );
            for status in ["401", "403"] {
                assert!(responses.contains_key(status), "{what}: documents {status}");
            }
        }
        if op.get("requestBody").is_some() {
            for status in ["400", "413", "415", "422"] {
                assert!(responses.contains_key(status), "{what}: documents {status}");
            }
        }
    }

    // The enums the issue fixes are spelled out.
    let schemas = &doc["components"]["schemas"];
    assert_eq!(schemas["ReasonCode"]["enum"].as_array().unwrap().len(), 13);
    assert_eq!(
        schemas["Severity"]["enum"],
        json!(["warning", "hold", "suspension", "ban"])
    );
    assert_eq!(
        schemas["Outcome"]["enum"],
        json!(["verified", "further_review", "needs_documents", "failed"])
    );
    assert_eq!(
        schemas["LiftConditionInput"]["properties"]["type"]["enum"],
        json!(["manual", "at_time", "on_action"])
    );
    for code in trustwork_core::ReasonCode::ALL {
        assert!(
            schemas["ReasonCode"]["enum"]
                .as_array()
                .unwrap()
                .contains(&json!(code.as_str()))
        );
    }
    for cap in trustwork_core::Capability::ALL {
        assert!(
            schemas["Capabilities"]["properties"]["capabilities"]["required"]
                .as_array()
                .unwrap()
                .contains(&json!(cap.as_str())),
            "{}",
            cap.as_str()
        );
    }
}

#[test]
fn every_route_in_the_source_is_documented_and_nothing_else() {
    let mut source = routes_in_source(API_ROUTES);
    source.extend(routes_in_source(SERVER_ROUTES));
    assert!(source.len() >= 22, "the scan found the routes: {source:?}");
    for health in ["/healthz", "/readyz", "/metrics"] {
        assert!(source.contains(&("GET".to_owned(), health.to_owned())));
    }
    let doc = documented(&document());
    let undocumented: Vec<_> = source.difference(&doc).collect();
    assert!(
        undocumented.is_empty(),
        "not in openapi.json: {undocumented:?}"
    );
    let unrouted: Vec<_> = doc.difference(&source).collect();
    assert!(
        unrouted.is_empty(),
        "documented but not routed: {unrouted:?}"
    );
}

#[tokio::test]
async fn every_documented_operation_is_routed_with_its_scope() {
    let db = trustwork_store::testing::TestDb::sqlite().await.unwrap();
    let api = api(db.db.clone());
    let d = api.seed().await;
    let doc = document();
    for (method, path) in documented(&doc) {
        let concrete = path.replace("{id}", "probe-id");
        let what = format!("{method} {path}");
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let body = (method == Method::POST).then(|| json!({}));
        let anonymous = api
            .call(method.clone(), &concrete, None, body.as_ref())
            .await;
        let Some(scope) = scope_of(&doc, method.as_str(), &path) else {
            assert_eq!(anonymous.status.as_u16(), 200, "{what} is public");
            continue;
        };
        // Routed: an unrouted path would answer 404 (or 405), not ask for a token.
        anonymous.expect_error(401, "unauthorized");
        let (lacking, holding) = match scope.as_str() {
            "accounts:read" => (&d.writer, &d.reader),
            "accounts:write" => (&d.reader, &d.writer),
            _ => (&d.operator, &d.admin),
        };
        let message = api
            .call(method.clone(), &concrete, Some(lacking), body.as_ref())
            .await
            .expect_error(403, "forbidden");
        assert!(message.contains(&scope), "{what}: {message}");
        let allowed = api
            .call(method, &concrete, Some(holding), body.as_ref())
            .await;
        assert!(
            ![401, 403, 405].contains(&allowed.status.as_u16()),
            "{what} with {scope}: {} {}",
            allowed.status,
            allowed.text()
        );
    }
    let served = api
        .call(Method::GET, "/api/v1/openapi.json", None, None)
        .await;
    assert_eq!(served.json(), doc, "served verbatim");
    db.cleanup().await;
}

/// Checks `value` against `schema` with a JSON Schema 2020-12 validator (formats included);
/// the document's components ride along in the root so that its `$ref`s resolve.
fn check(doc: &Value, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    let mut root = schema.clone();
    if let Some(obj) = root.as_object_mut() {
        obj.insert("components".into(), doc["components"].clone());
    }
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&root)
        .map_err(|e| format!("{at}: the documented schema does not compile: {e}"))?;
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!("{at}: {}", errors.join("; ")))
    }
}

/// Calls the API and checks that the answer's status is documented for the operation and its
/// body fits the documented schema.
pub(crate) struct Conformance<'a> {
    api: &'a Api,
    doc: Value,
    seen: Mutex<BTreeSet<(String, String, u16)>>,
}

impl Conformance<'_> {
    pub(crate) async fn call(
        &self,
        method: Method,
        template: &str,
        id: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let path = template.replace("{id}", id);
        let reply = self
            .api
            .call(method.clone(), &path, token, body.as_ref())
            .await;
        self.conforms(method, template, &path, reply)
    }

    /// Like `call`, for a path whose parameters the caller filled in.
    async fn call_at(
        &self,
        method: Method,
        template: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let reply = self
            .api
            .call(method.clone(), path, token, body.as_ref())
            .await;
        self.conforms(method, template, path, reply)
    }

    /// Like `call`, with extra headers and a raw body of the given content type.
    async fn call_raw(
        &self,
        method: Method,
        template: &str,
        id: &str,
        token: &str,
        headers: &[(&str, &str)],
        body: (&str, String),
    ) -> Reply {
        let path = template.replace("{id}", id);
        let mut request = axum::http::Request::builder()
            .method(method.clone())
            .uri(&path)
            .header(axum::http::header::AUTHORIZATION, format!("Bearer {token}"))
            .header(axum::http::header::CONTENT_TYPE, body.0);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let reply = self
            .api
            .send(request.body(axum::body::Body::from(body.1)).unwrap())
            .await;
        self.conforms(method, template, &path, reply)
    }

    /// A binary answer: its status and media type are documented, its bytes are not JSON.
    fn conforms_binary(&self, method: Method, template: &str, reply: Reply) {
        let op = &self.doc["paths"][template][method.as_str().to_lowercase()];
        let status = reply.status.as_str();
        let media = reply
            .headers
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(
            op["responses"][status]["content"][media].is_object(),
            "{method} {template} -> {status} {media}: not documented"
        );
        self.seen.lock().unwrap().insert((
            method.to_string(),
            template.to_owned(),
            reply.status.as_u16(),
        ));
    }

    fn conforms(&self, method: Method, template: &str, path: &str, reply: Reply) -> Reply {
        let key = template.split('?').next().unwrap();
        let what = format!("{method} {path} -> {}", reply.status);
        let op = &self.doc["paths"][key][method.as_str().to_lowercase()];
        assert!(op.is_object(), "{what}: not documented");
        let status = reply.status.as_str();
        let mut response = op["responses"]
            .get(status)
            .unwrap_or_else(|| panic!("{what}: status not documented; body {}", reply.text()));
        if let Some(r) = response.get("$ref").and_then(Value::as_str) {
            response = self.doc.pointer(r.trim_start_matches('#')).unwrap();
        }
        let content_type = reply
            .headers
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let media = content_type.split(';').next().unwrap_or_default();
        let schema = &response["content"][media]["schema"];
        assert!(
            schema.is_object(),
            "{what}: {media} not documented for this answer"
        );
        let value = if media == "application/json" {
            reply.json()
        } else {
            Value::String(reply.text())
        };
        if let Err(e) = check(&self.doc, schema, &value, "body") {
            panic!("{what}: {e}\n{value:#}");
        }
        self.seen.lock().unwrap().insert((
            method.to_string(),
            key.to_owned(),
            reply.status.as_u16(),
        ));
        reply
    }
}

#[tokio::test]
async fn answers_match_the_documented_statuses_and_schemas() {
    let db = trustwork_store::testing::TestDb::sqlite().await.unwrap();
    let api = api(db.db.clone());
    let d = api.seed().await;
    let c = Conformance {
        api: &api,
        doc: document(),
        seen: Mutex::new(BTreeSet::new()),
    };
    let admin = Some(d.admin.as_str());
    let (get, post) = (Method::GET, Method::POST);
    for path in ["/healthz", "/readyz", "/metrics", "/api/v1/openapi.json"] {
        c.call(get.clone(), path, "", None, None).await;
    }

    // The story, in short, so that every shape shows up: a case, a hold, a lift, a badge.
    let case = c
        .call(
            post.clone(),
            "/api/v1/accounts/{id}/verification-requests",
            &d.maria,
            admin,
            Some(json!({"reason": "check"})),
        )
        .await
        .expect(201);
    let case_id = case["id"].as_str().unwrap().to_owned();
    c.call(get.clone(), "/api/v1/timers", "", admin, None).await;
    c.call(
        post.clone(),
        "/api/v1/test-clock/advance",
        "",
        admin,
        Some(json!({"seconds": 7 * 24 * 3600})),
    )
    .await;
    let account_reads = [
        "/api/v1/accounts/{id}",
        "/api/v1/accounts/{id}/capabilities",
        "/api/v1/accounts/{id}/restrictions",
        "/api/v1/accounts/{id}/verification-cases",
        "/api/v1/accounts/{id}/proposals",
        "/api/v1/accounts/{id}/contracts",
        "/api/v1/accounts/{id}/withdrawals",
        "/api/v1/accounts/{id}/audit",
        "/api/v1/accounts/{id}/audit?limit=5",
    ];
    for template in account_reads {
        c.call(get.clone(), template, &d.maria, admin, None).await;
        c.call(get.clone(), template, "nope", admin, None).await;
    }
    let jobs = api
        .get(&d.admin, &format!("/api/v1/accounts/{}/proposals", d.dev))
        .await
        .ok();
    let job = jobs["proposals"][0]["job_id"].as_str().unwrap().to_owned();
    let proposal = json!({"job_id": job, "cover_letter": "hello"});
    c.call(
        post.clone(),
        "/api/v1/accounts/{id}/proposals",
        &d.maria,
        admin,
        Some(proposal.clone()),
    )
    .await
    .expect(403);
    c.call(
        post.clone(),
        "/api/v1/accounts/{id}/withdrawals",
        &d.maria,
        admin,
        Some(json!({"amount_cents": 100})),
    )
    .await
    .expect(403);
    c.call(get.clone(), "/api/v1/freelancers?q=", "", admin, None)
        .await;
    c.call(
        get.clone(),
        "/api/v1/verification-cases/{id}",
        &case_id,
        admin,
        None,
    )
    .await;
    live_verification_operations(&c, &d, &case_id).await;
    job_review_operations(&c, &d).await;
    conversation_operations(&c, &d).await;
    profile_operations(&c, &d).await;
    skill_test_operations(&c, &d).await;
    portfolio_file_operations(&c, &d).await;
    contract_operations(&c, &d).await;
    ticket_operations(&c, &d).await;
    c.call(
        post.clone(),
        "/api/v1/verification-cases/{id}/outcome",
        &case_id,
        admin,
        Some(json!({"outcome": "verified", "note": "ok"})),
    )
    .await
    .ok();
    c.call(
        post.clone(),
        "/api/v1/verification-cases/{id}/outcome",
        &case_id,
        admin,
        Some(json!({"outcome": "verified", "note": "seen on camera"})),
    )
    .await
    .expect(409);
    c.call(
        post.clone(),
        "/api/v1/accounts/{id}/proposals",
        &d.maria,
        admin,
        Some(proposal),
    )
    .await
    .expect(201);
    c.call(
        post.clone(),
        "/api/v1/accounts/{id}/withdrawals",
        &d.maria,
        admin,
        Some(json!({"amount_cents": 100})),
    )
    .await
    .expect(201);
    for template in account_reads {
        c.call(get.clone(), template, &d.maria, admin, None).await;
    }
    c.call(
        post.clone(),
        "/api/v1/accounts/{id}/verification-requests",
        &d.li,
        admin,
        None,
    )
    .await
    .expect(422);
    c.call(
        post.clone(),
        "/api/v1/accounts/{id}/verification-requests",
        &d.li,
        admin,
        Some(json!({"reason": "document check"})),
    )
    .await
    .expect(201);
    c.call(
        post.clone(),
        "/api/v1/accounts/{id}/verification-requests",
        &d.li,
        admin,
        None,
    )
    .await
    .expect(409);
    let until = api.app.now().plus_days(1).to_rfc3339();
    let restriction = c
        .call(
            post.clone(),
            "/api/v1/accounts/{id}/restrictions",
            &d.dev,
            admin,
            Some(json!({
                "reason_code": "SPAM", "severity": "suspension", "note": "n",
                "lift_condition": {"type": "at_time", "value": until}
            })),
        )
        .await
        .expect(201);
    let restriction_id = restriction["id"].as_str().unwrap().to_owned();
    for _ in 0..2 {
        c.call(
            post.clone(),
            "/api/v1/restrictions/{id}/lift",
            &restriction_id,
            admin,
            Some(json!({"note": "ok"})),
        )
        .await;
    }
    c.call(get.clone(), "/api/v1/accounts/{id}", &d.dev, admin, None)
        .await;

    crate::review::openapi_story(&c, &d).await;

    // Errors, each in its documented place.
    for (method, template, id, token, body) in [
        (
            get.clone(),
            "/api/v1/accounts/{id}",
            d.maria.as_str(),
            None,
            None,
        ),
        (
            get.clone(),
            "/api/v1/timers",
            "",
            Some(d.reader.as_str()),
            None,
        ),
        (
            get.clone(),
            "/api/v1/verification-cases/{id}",
            "nope",
            admin,
            None,
        ),
        (
            get.clone(),
            "/api/v1/freelancers?q=",
            "",
            Some(d.writer.as_str()),
            None,
        ),
        (
            post.clone(),
            "/api/v1/accounts/{id}/restrictions",
            d.maria.as_str(),
            admin,
            Some(json!({"note": "n"})),
        ),
        (
            post.clone(),
            "/api/v1/restrictions/{id}/lift",
            "nope",
            admin,
            Some(json!({"note": "n"})),
        ),
        (
            post.clone(),
            "/api/v1/verification-cases/{id}/outcome",
            "nope",
            admin,
            Some(json!({"outcome": "failed"})),
        ),
        (
            post.clone(),
            "/api/v1/accounts/{id}/withdrawals",
            d.maria.as_str(),
            admin,
            Some(json!({"amount_cents": 10_000_000})),
        ),
        (
            post.clone(),
            "/api/v1/test-clock/advance",
            "",
            admin,
            Some(json!({"seconds": 0})),
        ),
        (
            post.clone(),
            "/api/v1/test-clock/advance",
            "",
            Some(d.operator.as_str()),
            Some(json!({"seconds": 1})),
        ),
    ] {
        let reply = c.call(method, template, id, token, body).await;
        assert!(reply.status.is_client_error(), "{}", reply.text());
    }
    for (template, id) in [
        ("/api/v1/accounts/{id}/restrictions", d.maria.as_str()),
        ("/api/v1/verification-cases/{id}/outcome", case_id.as_str()),
    ] {
        let path = template.replace("{id}", id);
        for (content_type, body) in [
            (Some("application/json"), "{".to_owned()),
            (Some("text/plain"), "{}".to_owned()),
            (Some("application/json"), "x".repeat(70_000)),
        ] {
            let reply = api.post_raw(&d.admin, &path, content_type, body).await;
            let documented = &c.doc["paths"][template]["post"]["responses"][reply.status.as_str()];
            assert!(documented.is_object(), "{path}: {}", reply.status);
        }
    }

    // The enforcement pipeline: an event, a replay, a batch, the decision, the policy.
    let event = json!({"type": "message.sent", "occurred_at": "2026-11-21T10:00:00Z", "actor_id": d.maria,
        "data": {"thread_id": "t", "recipient_ids": [d.acme], "contract_active": false, "text": "mail me: maria.l@gmail.com"}});
    let ev = "/api/v1/events";
    let first = c
        .call_raw(
            post.clone(),
            ev,
            "",
            &d.admin,
            &[("idempotency-key", "oa-1")],
            ("application/json", event.to_string()),
        )
        .await
        .expect(200);
    assert_eq!(first["decision"]["verdict"], "block");
    c.call_raw(
        post.clone(),
        ev,
        "",
        &d.admin,
        &[("idempotency-key", "oa-1")],
        ("application/json", event.to_string()),
    )
    .await
    .expect(200);
    c.call_raw(
        post.clone(),
        ev,
        "",
        &d.admin,
        &[],
        ("application/json", event.to_string()),
    )
    .await
    .expect(422);
    c.call_raw(
        post.clone(),
        ev,
        "",
        &d.admin,
        &[("idempotency-key", "oa-1")],
        ("application/json", "{}".into()),
    )
    .await
    .expect(422);
    c.call_raw(
        post.clone(),
        ev,
        "",
        &d.admin,
        &[("idempotency-key", "oa-2")],
        ("application/json", "{".into()),
    )
    .await
    .expect(400);
    c.call_raw(
        post.clone(),
        ev,
        "",
        &d.admin,
        &[("idempotency-key", "oa-2")],
        ("text/plain", event.to_string()),
    )
    .await
    .expect(415);
    let other = json!({"type": "message.sent", "occurred_at": "2026-11-21T10:00:00Z", "actor_id": d.maria,
        "data": {"thread_id": "t", "recipient_ids": [d.acme], "contract_active": true, "text": "thanks"}});
    c.call_raw(
        post.clone(),
        ev,
        "",
        &d.admin,
        &[("idempotency-key", "oa-1")],
        ("application/json", other.to_string()),
    )
    .await
    .expect(409);
    let mut unknown = other.clone();
    unknown["actor_id"] = json!("nobody");
    c.call_raw(
        post.clone(),
        ev,
        "",
        &d.admin,
        &[("idempotency-key", "oa-3")],
        ("application/json", unknown.to_string()),
    )
    .await
    .expect(404);
    let mut item = other.clone();
    item["idempotency_key"] = json!("oa-batch-1");
    let batch = c
        .call_raw(
            post.clone(),
            "/api/v1/events:batch",
            "",
            &d.admin,
            &[],
            (
                "application/json",
                json!({"events": [item, {"type": "nope"}]}).to_string(),
            ),
        )
        .await
        .expect(200);
    assert_eq!(batch["results"][0]["decision"]["verdict"], "allow");
    assert_eq!(batch["results"][1]["error"]["code"], "invalid_input");
    c.call_raw(
        post.clone(),
        "/api/v1/events:batch",
        "",
        &d.admin,
        &[],
        ("application/json", json!({"events": []}).to_string()),
    )
    .await
    .expect(422);
    let decision_id = first["decision"]["id"].as_str().unwrap().to_owned();
    c.call(
        get.clone(),
        "/api/v1/decisions/{id}",
        &decision_id,
        admin,
        None,
    )
    .await
    .expect(200);
    c.call(get.clone(), "/api/v1/decisions/{id}", "nope", admin, None)
        .await
        .expect(404);
    let policy = c
        .call(get.clone(), "/api/v1/policy", "", admin, None)
        .await
        .expect(200);
    let source = policy["source"].as_str().unwrap().to_owned();
    c.call_raw(
        Method::PUT,
        "/api/v1/policy",
        "",
        &d.admin,
        &[],
        (
            "text/plain",
            source.replace("seeds-2026-11-21", "seeds-copy"),
        ),
    )
    .await
    .expect(200);
    let bad = c
        .call_raw(
            Method::PUT,
            "/api/v1/policy",
            "",
            &d.admin,
            &[],
            ("text/plain", "version = \"x\"\nnope = 1\n".into()),
        )
        .await
        .expect(422);
    assert_eq!(bad["error"]["line"], 2);

    // Webhooks: a subscription, the delivery a restriction queued, a replay, a disable.
    let hook = c
        .call(
            post.clone(),
            "/api/v1/webhooks",
            "",
            admin,
            Some(json!({"url": "http://127.0.0.1:9/h", "event_types": ["standing.changed"]})),
        )
        .await
        .expect(201);
    let hook_id = hook["id"].as_str().unwrap().to_owned();
    c.call(
        post.clone(),
        "/api/v1/webhooks",
        "",
        admin,
        Some(json!({"url": "mailto:x@example.com", "event_types": ["*"]})),
    )
    .await
    .expect(422);
    c.call(get.clone(), "/api/v1/webhooks", "", admin, None)
        .await
        .ok();
    c.call(
        post.clone(),
        "/api/v1/accounts/{id}/restrictions",
        &d.li,
        admin,
        Some(json!({"reason_code": "SPAM", "severity": "warning", "note": "n"})),
    )
    .await
    .expect(201);
    let deliveries = c
        .call(
            get.clone(),
            "/api/v1/webhooks/{id}/deliveries",
            &hook_id,
            admin,
            None,
        )
        .await
        .ok();
    let delivery_id = deliveries["deliveries"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    c.call(
        post.clone(),
        "/api/v1/webhook-deliveries/{id}/replay",
        &delivery_id,
        admin,
        None,
    )
    .await
    .expect(201);
    c.call(
        post.clone(),
        "/api/v1/webhooks/{id}/disable",
        &hook_id,
        admin,
        None,
    )
    .await
    .ok();
    c.call(
        post.clone(),
        "/api/v1/webhook-deliveries/{id}/replay",
        &delivery_id,
        admin,
        None,
    )
    .await
    .expect(409);
    for template in [
        "/api/v1/webhooks/{id}/deliveries",
        "/api/v1/webhooks/{id}/disable",
    ] {
        let method = if template.ends_with("disable") {
            post.clone()
        } else {
            get.clone()
        };
        c.call(method, template, "nope", admin, None)
            .await
            .expect(404);
    }

    // Phone verification: a code to the Dev mailbox, wrong, right, then no second number; three
    // wrong codes lock another account's attempt.
    let started = c
        .call(
            post.clone(),
            "/api/v1/accounts/{id}/phone-verifications",
            &d.dev,
            admin,
            Some(json!({"phone": "+1 (415) 555-0100", "channel": "voice"})),
        )
        .await
        .expect(201);
    let phone_id = started["id"].as_str().unwrap().to_owned();
    c.call(
        get.clone(),
        "/api/v1/phone-verifications/{id}",
        &phone_id,
        admin,
        None,
    )
    .await
    .expect(200);
    let check = "/api/v1/phone-verifications/{id}/check";
    c.call(
        post.clone(),
        check,
        &phone_id,
        admin,
        Some(json!({"code": "000000"})),
    )
    .await;
    let code = phone_code(&api, &d.dev).await;
    c.call(
        post.clone(),
        check,
        &phone_id,
        admin,
        Some(json!({"code": code})),
    )
    .await
    .expect(200);
    c.call(
        post.clone(),
        "/api/v1/accounts/{id}/phone-verifications",
        &d.dev,
        admin,
        Some(json!({"phone": "+14155550199", "channel": "sms"})),
    )
    .await
    .expect(409);
    c.call(
        post.clone(),
        "/api/v1/accounts/{id}/phone-verifications",
        &d.li,
        admin,
        Some(json!({"phone": "415 555 0100", "channel": "sms"})),
    )
    .await
    .expect(422);
    let locked = c
        .call(
            post.clone(),
            "/api/v1/accounts/{id}/phone-verifications",
            &d.li,
            admin,
            Some(json!({"phone": "+442079460958", "channel": "sms"})),
        )
        .await
        .expect(201);
    let locked = locked["id"].as_str().unwrap().to_owned();
    let real = phone_code(&api, &d.li).await;
    let wrong = if real == "111111" { "222222" } else { "111111" };
    for status in [422, 422, 429, 429] {
        c.call(
            post.clone(),
            check,
            &locked,
            admin,
            Some(json!({"code": wrong})),
        )
        .await
        .expect(status);
    }

    // Every operation was seen answering successfully at least once.
    let seen = c.seen.lock().unwrap().clone();
    for (method, path) in documented(&c.doc) {
        assert!(
            seen.iter()
                .any(|(m, p, s)| *m == method && *p == path && (200..300).contains(s)),
            "{method} {path} never answered successfully in this test"
        );
    }
    db.cleanup().await;
}

/// The code in the newest demo-delivery message to the account ("… is 0 1 2 3 4 5. Again: …").
pub(crate) async fn phone_code(api: &Api, account_id: &str) -> String {
    let email = api.app.account(account_id).await.unwrap().email;
    let mail = api.app.mailbox(Some(&email)).await.unwrap();
    let body = &mail
        .iter()
        .find(|m| m.subject.contains("(demo delivery)"))
        .expect("a demo delivery")
        .body;
    let start = body.find("code is ").expect("the code") + "code is ".len();
    body[start..]
        .chars()
        .take_while(|c| *c != '.')
        .filter(char::is_ascii_digit)
        .collect()
}

/// The live-verification operations on an open case: link, queue, questions, evidence,
/// documents and facts.
async fn live_verification_operations(
    c: &Conformance<'_>,
    d: &crate::support::Demo,
    case_id: &str,
) {
    let admin = Some(d.admin.as_str());
    let (get, post) = (Method::GET, Method::POST);
    c.call(
        post.clone(),
        "/api/v1/verification-cases/{id}/sessions",
        case_id,
        admin,
        Some(json!({})),
    )
    .await
    .expect(201);
    c.call(
        post.clone(),
        "/api/v1/verification-cases/{id}/sessions",
        "nope",
        admin,
        None,
    )
    .await
    .expect(404);
    c.call(get.clone(), "/api/v1/verification-queue", "", admin, None)
        .await
        .ok();
    let questions = c
        .call(
            get.clone(),
            "/api/v1/verification-cases/{id}/questions",
            case_id,
            admin,
            None,
        )
        .await
        .ok();
    let qid = questions["questions"][0]["id"].as_str().unwrap().to_owned();
    let mark = "/api/v1/verification-cases/{id}/questions/{question_id}";
    let mark_path = format!("/api/v1/verification-cases/{case_id}/questions/{qid}");
    c.call_at(
        post.clone(),
        mark,
        &mark_path,
        admin,
        Some(json!({"mark": "matched"})),
    )
    .await
    .ok();
    c.call_at(
        post.clone(),
        mark,
        &mark_path,
        admin,
        Some(json!({"mark": "perhaps"})),
    )
    .await
    .expect(422);
    let evidence = "/api/v1/verification-cases/{id}/evidence";
    let png_bytes = b"\x89PNG\r\n\x1a\n an image".to_vec();
    let reply = c
        .api
        .post_raw(
            &d.admin,
            &format!("/api/v1/verification-cases/{case_id}/evidence?kind=id_capture"),
            Some("image/png"),
            png_bytes,
        )
        .await;
    let added = c
        .conforms(
            post.clone(),
            evidence,
            &format!("/api/v1/verification-cases/{case_id}/evidence"),
            reply,
        )
        .expect(201);
    let reply = c
        .api
        .post_raw(
            &d.admin,
            &format!("/api/v1/verification-cases/{case_id}/evidence?kind=id_capture"),
            Some("text/plain"),
            "x",
        )
        .await;
    c.conforms(post.clone(), evidence, "-", reply).expect(415);
    let reply = c
        .api
        .post_raw(
            &d.admin,
            &format!("/api/v1/verification-cases/{case_id}/evidence?kind=id_capture"),
            Some("image/png"),
            "not an image",
        )
        .await;
    c.conforms(post.clone(), evidence, "-", reply).expect(422);
    c.call(get.clone(), evidence, case_id, admin, None)
        .await
        .ok();
    let file = format!(
        "/api/v1/verification-cases/{case_id}/evidence/{}",
        added["id"].as_str().unwrap()
    );
    let reply = c.api.get(&d.admin, &file).await;
    assert_eq!(reply.status.as_u16(), 200);
    c.conforms_binary(
        get.clone(),
        "/api/v1/verification-cases/{id}/evidence/{evidence_id}",
        reply,
    );
    c.call_at(
        get.clone(),
        "/api/v1/verification-cases/{id}/evidence/{evidence_id}",
        &format!("/api/v1/verification-cases/{case_id}/evidence/ev_nope"),
        admin,
        None,
    )
    .await
    .expect(404);
    let body = "--b\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nselfie\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"s.pdf\"\r\n\r\n%PDF-1.4 a selfie\r\n--b--\r\n";
    let reply = c
        .api
        .post_raw(
            &d.admin,
            &format!("/api/v1/verification-cases/{case_id}/documents"),
            Some("multipart/form-data; boundary=b"),
            body,
        )
        .await;
    c.conforms(
        post.clone(),
        "/api/v1/verification-cases/{id}/documents",
        "-",
        reply,
    )
    .expect(201);
    let reply = c
        .api
        .post_raw(
            &d.admin,
            &format!("/api/v1/verification-cases/{case_id}/documents"),
            Some("application/json"),
            "{}",
        )
        .await;
    c.conforms(
        post.clone(),
        "/api/v1/verification-cases/{id}/documents",
        "-",
        reply,
    )
    .expect(415);
    c.call(
        get.clone(),
        "/api/v1/accounts/{id}/facts",
        &d.maria,
        admin,
        None,
    )
    .await
    .ok();
    c.call(
        Method::PUT,
        "/api/v1/accounts/{id}/facts",
        &d.maria,
        admin,
        Some(json!({"street_address": "1 Main St", "college": "MIT", "skills": ["Rust"]})),
    )
    .await
    .ok();
    c.call(
        Method::PUT,
        "/api/v1/accounts/{id}/facts",
        &d.maria,
        admin,
        Some(json!({"skills": ["a\nb"]})),
    )
    .await
    .expect(422);
}

/// A post waiting for review, read and decided.
/// The skill taxonomy and a freelancer's profile.
async fn profile_operations(c: &Conformance<'_>, d: &crate::support::Demo) {
    let admin = Some(d.admin.as_str());
    let skills = c
        .call(Method::GET, "/api/v1/skills", "", admin, None)
        .await
        .ok();
    assert!(skills["skills"].as_array().unwrap().len() >= 300);
    let profile = "/api/v1/accounts/{id}/profile";
    c.call(Method::GET, profile, &d.li, admin, None)
        .await
        .expect(404);
    let good = json!({"title": "Video editor and motion designer",
        "overview": "Product demos, captions in two languages, motion graphics for launches.",
        "hourly_rate_cents": 4_500, "skills": ["video-editing"], "visibility": "public"});
    let saved = c
        .call(Method::PUT, profile, &d.li, admin, Some(good.clone()))
        .await
        .ok();
    assert_eq!(saved["skills"][0], "video-editing");
    let mut contact = good.clone();
    contact["overview"] = json!("Write to me at li.wei.video@gmail.com for faster answers.");
    c.call(Method::PUT, profile, &d.li, admin, Some(contact))
        .await
        .expect(422);
    let mut unknown = good;
    unknown["skills"] = json!(["juggling"]);
    c.call(Method::PUT, profile, &d.li, admin, Some(unknown))
        .await
        .expect(422);
    c.call(Method::GET, profile, &d.li, admin, None).await.ok();
    c.call(Method::GET, profile, &d.acme, admin, None)
        .await
        .expect(404);
    let submit = "/api/v1/accounts/{id}/profile/submit";
    let review = "/api/v1/accounts/{id}/profile/review";
    c.call(Method::POST, submit, &d.li, admin, None)
        .await
        .expect(409);
    let mut complete = json!({"title": "Video editor and motion designer",
        "overview": "Product demos with captions in two languages, motion graphics for launches, colour grading and sound clean-up for teams that ship often.",
        "hourly_rate_cents": 4_500, "skills": ["video-editing"], "visibility": "public",
        "portfolio": [{"title": "Launch film", "description": "Ninety seconds for a robotics start-up.", "link": "https://vimeo.com/123456789"}],
        "certificates": [{"name": "DaVinci Resolve Certified", "issuer": "Blackmagic", "year": 2024}],
        "education": [{"school": "Beijing Film Academy", "degree": "BA Editing", "from_year": 2012, "to_year": 2016}],
        "languages": [{"language": "Mandarin", "level": "native"}, {"language": "English", "level": "fluent"}]});
    let mut chat = complete.clone();
    chat["portfolio"][0]["link"] = json!("https://wa.me/8613800000000");
    c.call(Method::PUT, profile, &d.li, admin, Some(chat))
        .await
        .expect(422);
    let saved = c
        .call(Method::PUT, profile, &d.li, admin, Some(complete.clone()))
        .await
        .ok();
    assert_eq!(saved["languages"][1]["level"], "fluent");
    complete["education"][0]["to_year"] = json!(2010);
    c.call(Method::PUT, profile, &d.li, admin, Some(complete))
        .await
        .expect(422);
    let pending = c.call(Method::POST, submit, &d.li, admin, None).await.ok();
    assert_eq!(pending["approval"]["status"], "pending_review");
    let reject = json!({"agent_id": d.agent, "decision": "reject"});
    c.call(Method::POST, review, &d.li, admin, Some(reject))
        .await
        .expect(422);
    let approve = json!({"agent_id": d.agent, "decision": "approve"});
    let approved = c
        .call(Method::POST, review, &d.li, admin, Some(approve.clone()))
        .await
        .ok();
    assert_eq!(approved["approval"]["status"], "approved");
    c.call(Method::POST, review, &d.li, admin, Some(approve))
        .await
        .expect(409);
}

/// Skill tests and the re-review they earn: Dev's profile is refused, he passes three tests,
/// asks for another look and is approved.
async fn skill_test_operations(c: &Conformance<'_>, d: &crate::support::Demo) {
    let admin = Some(d.admin.as_str());
    let tests = c
        .call(Method::GET, "/api/v1/skill-tests", "", admin, None)
        .await
        .ok();
    assert!(tests["tests"].as_array().unwrap().len() >= 5);
    let profile = "/api/v1/accounts/{id}/profile";
    let complete = json!({"title": "Embedded and firmware engineer",
        "overview": "Firmware for robots and sensors in C and Rust, with test rigs, field updates and the documentation a team keeps using after the contract ends.",
        "hourly_rate_cents": 9_000, "skills": ["rust"], "visibility": "public"});
    c.call(Method::PUT, profile, &d.dev, admin, Some(complete))
        .await
        .ok();
    c.call(
        Method::POST,
        "/api/v1/accounts/{id}/profile/submit",
        &d.dev,
        admin,
        None,
    )
    .await
    .ok();
    let review = "/api/v1/accounts/{id}/profile/review";
    c.call(
        Method::POST,
        review,
        &d.dev,
        admin,
        Some(json!({"agent_id": d.agent, "decision": "reject", "reason": "other", "note": "Show your work."})),
    )
    .await
    .ok();
    let re_review = "/api/v1/accounts/{id}/profile/re-review";
    let note = json!({"note": "I passed three skill tests."});
    c.call(Method::POST, re_review, &d.dev, admin, Some(note.clone()))
        .await
        .expect(409);
    c.call(
        Method::POST,
        re_review,
        &d.dev,
        admin,
        Some(json!({"note": ""})),
    )
    .await
    .expect(422);

    let start = "/api/v1/accounts/{id}/skill-tests/{slug}/attempts";
    let attempt_path = "/api/v1/accounts/{id}/skill-test-attempts/{attempt}";
    let answers = "/api/v1/accounts/{id}/skill-test-attempts/{attempt}/answers";
    let finish = "/api/v1/accounts/{id}/skill-test-attempts/{attempt}/finish";
    let at = |template: &str, slug_or_attempt: &str| {
        template
            .replace("{id}", &d.dev)
            .replace("{slug}", slug_or_attempt)
            .replace("{attempt}", slug_or_attempt)
    };
    c.call_at(Method::POST, start, &at(start, "telepathy"), admin, None)
        .await
        .expect(404);
    for slug in ["rust", "sql", "javascript"] {
        let attempt = c
            .call_at(Method::POST, start, &at(start, slug), admin, None)
            .await
            .expect(201);
        let id = attempt["id"].as_str().unwrap().to_owned();
        c.call_at(Method::POST, start, &at(start, "copywriting"), admin, None)
            .await
            .expect(409);
        let bank = trustwork_core::skill_tests::all()
            .iter()
            .find(|t| t.slug == slug)
            .unwrap();
        for q in attempt["questions"].as_array().unwrap() {
            let text = q["text"].as_str().unwrap();
            let right = bank
                .questions
                .iter()
                .find(|b| b.text == text)
                .unwrap()
                .answer;
            c.call_at(
                Method::POST,
                answers,
                &at(answers, &id),
                admin,
                Some(json!({"question": q["number"], "choice": right})),
            )
            .await
            .ok();
        }
        c.call_at(
            Method::POST,
            answers,
            &at(answers, &id),
            admin,
            Some(json!({"question": 99, "choice": 0})),
        )
        .await
        .expect(422);
        c.call_at(
            Method::GET,
            attempt_path,
            &at(attempt_path, &id),
            admin,
            None,
        )
        .await
        .ok();
        let result = c
            .call_at(Method::POST, finish, &at(finish, &id), admin, None)
            .await
            .ok();
        assert_eq!(result["passed"], true, "{result}");
        c.call_at(
            Method::POST,
            answers,
            &at(answers, &id),
            admin,
            Some(json!({"question": 1, "choice": 0})),
        )
        .await
        .expect(409);
    }
    let results = c
        .call(
            Method::GET,
            "/api/v1/accounts/{id}/skill-tests",
            &d.dev,
            admin,
            None,
        )
        .await
        .ok();
    assert_eq!(results["verified_skills"].as_array().unwrap().len(), 3);
    let again = c
        .call(Method::POST, re_review, &d.dev, admin, Some(note))
        .await
        .ok();
    assert_eq!(again["approval"]["status"], "pending_review");
    assert_eq!(again["verified_skills"].as_array().unwrap().len(), 3);
    c.call(
        Method::POST,
        review,
        &d.dev,
        admin,
        Some(json!({"agent_id": d.agent, "decision": "approve"})),
    )
    .await
    .ok();
}

/// A portfolio file uploaded, named on an item and read back.
async fn portfolio_file_operations(c: &Conformance<'_>, d: &crate::support::Demo) {
    let admin = Some(d.admin.as_str());
    let upload = "/api/v1/accounts/{id}/portfolio-files";
    let path = upload.replace("{id}", &d.li);
    let reply = c
        .api
        .post_raw(
            &d.admin,
            &path,
            Some("application/pdf"),
            "%PDF-1.4 a case study",
        )
        .await;
    let added = c.conforms(Method::POST, upload, &path, reply).expect(201);
    assert_eq!(added["content_type"], "application/pdf");
    let reply = c
        .api
        .post_raw(&d.admin, &path, Some("text/plain"), "x")
        .await;
    c.conforms(Method::POST, upload, &path, reply).expect(415);
    let reply = c
        .api
        .post_raw(&d.admin, &path, Some("image/png"), "not an image")
        .await;
    c.conforms(Method::POST, upload, &path, reply).expect(422);
    let id = added["id"].as_str().unwrap();
    let file = "/api/v1/accounts/{id}/portfolio-files/{file_id}";
    let reply = c.api.get(&d.admin, &format!("{path}/{id}")).await;
    assert_eq!(reply.status.as_u16(), 200);
    c.conforms_binary(Method::GET, file, reply);
    c.call_at(Method::GET, file, &format!("{path}/pfl_nope"), admin, None)
        .await
        .expect(404);
    let profile = c
        .call(
            Method::GET,
            "/api/v1/accounts/{id}/profile",
            &d.li,
            admin,
            None,
        )
        .await
        .ok();
    let mut body = serde_json::Map::new();
    for k in [
        "title",
        "overview",
        "hourly_rate_cents",
        "skills",
        "visibility",
        "portfolio",
        "certificates",
        "education",
        "languages",
    ] {
        body.insert(k.to_owned(), profile[k].clone());
    }
    let mut body = Value::Object(body);
    body["portfolio"][0]["files"] = json!([id]);
    let saved = c
        .call(
            Method::PUT,
            "/api/v1/accounts/{id}/profile",
            &d.li,
            admin,
            Some(body.clone()),
        )
        .await
        .ok();
    assert_eq!(saved["portfolio"][0]["files"][0], json!(id));
    body["portfolio"][0]["files"] = json!(["pfl_someone_elses"]);
    c.call(
        Method::PUT,
        "/api/v1/accounts/{id}/profile",
        &d.li,
        admin,
        Some(body),
    )
    .await
    .expect(422);
}

/// Invitations, threads, messages and replies to proposals.
async fn conversation_operations(c: &Conformance<'_>, d: &crate::support::Demo) {
    let admin = Some(d.admin.as_str());
    // Dev's proposal is on Acme's open firmware job.
    let proposals = c
        .call(
            Method::GET,
            "/api/v1/accounts/{id}/proposals",
            &d.dev,
            admin,
            None,
        )
        .await
        .ok();
    let proposal = proposals["proposals"][0]["id"].as_str().unwrap().to_owned();
    let job = proposals["proposals"][0]["job_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let invite = "/api/v1/jobs/{id}/invitations";
    let to_li = c
        .call(
            Method::POST,
            invite,
            &job,
            admin,
            Some(json!({"freelancer_id": d.li, "message": "Would you review our firmware?"})),
        )
        .await
        .expect(201);
    let invitation = to_li["id"].as_str().unwrap().to_owned();
    c.call(
        Method::POST,
        invite,
        &job,
        admin,
        Some(json!({"freelancer_id": d.li, "message": "Again?"})),
    )
    .await
    .expect(409);
    c.call(
        Method::POST,
        invite,
        &job,
        admin,
        Some(json!({"freelancer_id": d.li, "message": ""})),
    )
    .await
    .expect(422);
    c.call(
        Method::GET,
        "/api/v1/invitations/{id}",
        &invitation,
        admin,
        None,
    )
    .await
    .ok();
    let accepted = c
        .call(
            Method::POST,
            "/api/v1/invitations/{id}/accept",
            &invitation,
            admin,
            None,
        )
        .await
        .ok();
    assert_eq!(accepted["status"], "accepted");
    c.call(
        Method::POST,
        "/api/v1/invitations/{id}/accept",
        &invitation,
        admin,
        None,
    )
    .await
    .expect(409);
    let to_maria = c
        .call(
            Method::POST,
            invite,
            &job,
            admin,
            Some(json!({"freelancer_id": d.maria, "message": "Interested in firmware?"})),
        )
        .await
        .expect(201);
    let declined = c
        .call(
            Method::POST,
            "/api/v1/invitations/{id}/decline",
            to_maria["id"].as_str().unwrap(),
            admin,
            None,
        )
        .await
        .ok();
    assert_eq!(declined["status"], "declined");

    let thread = to_li["thread_id"].as_str().unwrap().to_owned();
    let messages = "/api/v1/threads/{id}/messages";
    let sent = c
        .call(
            Method::POST,
            messages,
            &thread,
            admin,
            Some(json!({"sender_id": d.li, "text": "Happy to: when can we talk?"})),
        )
        .await
        .expect(201);
    assert_eq!(sent["message"]["status"], "delivered");
    let refused = c
        .call(
            Method::POST,
            messages,
            &thread,
            admin,
            Some(json!({"sender_id": d.li, "text": "write to li.video@gmail.com"})),
        )
        .await
        .expect(201);
    assert_eq!(refused["message"]["status"], "blocked");
    assert_eq!(refused["decision"]["verdict"], "block");
    c.call(
        Method::POST,
        messages,
        &thread,
        admin,
        Some(json!({"sender_id": d.maria, "text": "hi"})),
    )
    .await
    .expect(404);
    let got = c
        .call(Method::GET, "/api/v1/threads/{id}", &thread, admin, None)
        .await
        .ok();
    assert_eq!(got["kind"], "proposal");
    assert_eq!(got["messages"].as_array().unwrap().len(), 3);

    let replied = c
        .call(
            Method::POST,
            "/api/v1/proposals/{id}/replies",
            &proposal,
            admin,
            Some(json!({"client_id": d.acme, "text": "Can you start next week?"})),
        )
        .await
        .expect(201);
    assert_eq!(replied["proposal"]["status"], "interviewing");
    c.call(
        Method::POST,
        "/api/v1/proposals/{id}/replies",
        &proposal,
        admin,
        Some(json!({"client_id": d.maria, "text": "hi"})),
    )
    .await
    .expect(404);
}

async fn contract_operations(c: &Conformance<'_>, d: &crate::support::Demo) {
    let admin = Some(d.admin.as_str());
    let (get, post) = (Method::GET, Method::POST);
    let cards = "/api/v1/accounts/{id}/payment-methods";
    c.call(
        post.clone(),
        cards,
        &d.acme,
        admin,
        Some(json!({"kind": "card", "token": "demo_ok_4242"})),
    )
    .await
    .expect(201);
    c.call(
        post.clone(),
        cards,
        &d.maria,
        admin,
        Some(json!({"kind": "card", "token": "demo_ok_4242"})),
    )
    .await
    .expect(422);
    c.call(get.clone(), cards, &d.acme, admin, None).await.ok();
    c.call(get.clone(), "/api/v1/nda", "", admin, None)
        .await
        .ok();
    let offer = |kind: &str| {
        let mut o = json!({"client_id": d.acme, "freelancer_id": d.li, "title": "Launch video",
            "kind": kind});
        if kind == "hourly" {
            o["hourly_rate_cents"] = json!(4_000);
            o["weekly_limit_hours"] = json!(20);
        } else {
            o["milestones"] = json!([{"title": "First cut", "amount_cents": 30_000}]);
        }
        o
    };
    let hourly = c
        .call(
            post.clone(),
            "/api/v1/contracts",
            "",
            admin,
            Some(offer("hourly")),
        )
        .await
        .expect(201);
    c.call(
        post.clone(),
        "/api/v1/contracts",
        "",
        admin,
        Some(json!({"client_id": d.li,
        "freelancer_id": d.acme, "kind": "hourly", "hourly_rate_cents": 1})),
    )
    .await
    .expect(422);
    let hourly = hourly["id"].as_str().unwrap().to_owned();
    let nda = "/api/v1/contracts/{id}/nda-acceptances";
    for party in [&d.acme, &d.li] {
        c.call(
            post.clone(),
            nda,
            &hourly,
            admin,
            Some(json!({"account_id": party, "ip": "198.51.100.4"})),
        )
        .await
        .expect(201);
    }
    c.call(
        post.clone(),
        nda,
        &hourly,
        admin,
        Some(json!({"account_id": d.li})),
    )
    .await
    .expect(409);
    c.call(get.clone(), "/api/v1/contracts/{id}", &hourly, admin, None)
        .await
        .ok();
    let now = c.api.app.now();
    let start = trustwork_core::Timestamp::from_millis(now.millis() - now.millis() % 600_000);
    let diary = "/api/v1/contracts/{id}/work-diary";
    let segment = json!({"start": start.to_rfc3339(), "tracked": true, "keyboard_events": 3,
        "mouse_events": 1, "screenshot_sha256": "ab".repeat(32), "memo": "Rough cut"});
    c.call(
        post.clone(),
        diary,
        &hourly,
        admin,
        Some(json!({"segments": [segment]})),
    )
    .await
    .expect(201);
    c.call(
        post.clone(),
        diary,
        &hourly,
        admin,
        Some(json!({"segments": [segment]})),
    )
    .await
    .expect(409);
    c.call(
        post.clone(),
        diary,
        &hourly,
        admin,
        Some(json!({"segments": []})),
    )
    .await
    .expect(422);
    let week = trustwork_core::work_diary::IsoWeek::of(start).to_string();
    let statement = c
        .call_at(
            get.clone(),
            "/api/v1/contracts/{id}/weeks/{week}",
            &format!("/api/v1/contracts/{hourly}/weeks/{week}"),
            admin,
            None,
        )
        .await
        .ok();
    assert_eq!(statement["hours_logged"], 0.17);
    c.call_at(
        get.clone(),
        "/api/v1/contracts/{id}/weeks/{week}",
        &format!("/api/v1/contracts/{hourly}/weeks/W1"),
        admin,
        None,
    )
    .await
    .expect(422);
    let disputes = "/api/v1/contracts/{id}/disputes";
    c.call(
        post.clone(),
        disputes,
        &hourly,
        admin,
        Some(json!({"account_id": d.acme, "week": week, "reason": "early"})),
    )
    .await
    .expect(409);
    let (pause, resume) = (
        "/api/v1/contracts/{id}/pause",
        "/api/v1/contracts/{id}/resume",
    );
    c.call(
        post.clone(),
        resume,
        &hourly,
        admin,
        Some(json!({"account_id": d.acme})),
    )
    .await
    .expect(409);
    c.call(
        post.clone(),
        pause,
        &hourly,
        admin,
        Some(json!({"account_id": d.li, "reason": "x"})),
    )
    .await
    .expect(403);
    c.call(
        post.clone(),
        pause,
        &hourly,
        admin,
        Some(json!({"account_id": d.acme})),
    )
    .await
    .expect(422);
    c.call(
        post.clone(),
        pause,
        &hourly,
        admin,
        Some(json!({"account_id": d.acme, "reason": "Waiting for the footage."})),
    )
    .await
    .ok();
    c.call(
        post.clone(),
        diary,
        &hourly,
        admin,
        Some(json!({"segments": [segment]})),
    )
    .await
    .expect(409);
    c.call(
        post.clone(),
        resume,
        &hourly,
        admin,
        Some(json!({"account_id": d.acme})),
    )
    .await
    .ok();
    c.call(
        post.clone(),
        "/api/v1/contracts/{id}/end",
        &hourly,
        admin,
        Some(json!({"account_id": d.li, "reason": "done"})),
    )
    .await
    .ok();
    c.call(
        post.clone(),
        "/api/v1/contracts/{id}/end",
        &hourly,
        admin,
        Some(json!({"account_id": d.li})),
    )
    .await
    .expect(409);

    let fixed = c
        .call(
            post.clone(),
            "/api/v1/contracts",
            "",
            admin,
            Some(offer("fixed")),
        )
        .await
        .expect(201);
    let fixed_id = fixed["id"].as_str().unwrap().to_owned();
    for party in [&d.acme, &d.li] {
        c.call(
            post.clone(),
            nda,
            &fixed_id,
            admin,
            Some(json!({"account_id": party})),
        )
        .await
        .expect(201);
    }
    let funded = c
        .call(
            post.clone(),
            "/api/v1/contracts/{id}/milestones",
            &fixed_id,
            admin,
            Some(json!({"account_id": d.acme, "title": "Captions", "amount_cents": 5_000})),
        )
        .await
        .expect(201);
    let milestone = funded["id"].as_str().unwrap().to_owned();
    let actions = "/api/v1/milestones/{id}/actions";
    c.call(
        post.clone(),
        actions,
        &milestone,
        admin,
        Some(json!({"account_id": d.acme, "action": "approve"})),
    )
    .await
    .expect(409);
    c.call(
        post.clone(),
        actions,
        &milestone,
        admin,
        Some(json!({"account_id": d.li, "action": "submit"})),
    )
    .await
    .ok();
    let dispute = c
        .call(post.clone(), disputes, &fixed_id, admin,
            Some(json!({"account_id": d.acme, "milestone_id": milestone, "reason": "Captions are missing."})))
        .await
        .expect(201);
    let dispute = dispute["id"].as_str().unwrap().to_owned();
    c.call(get.clone(), "/api/v1/disputes/{id}", &dispute, admin, None)
        .await
        .ok();
    let resolution = "/api/v1/disputes/{id}/resolution";
    c.call(
        post.clone(),
        resolution,
        &dispute,
        admin,
        Some(
            json!({"agent_id": d.agent, "outcome": "refunded", "freelancer_cents": 5, "note": "x"}),
        ),
    )
    .await
    .expect(422);
    c.call(post.clone(), resolution, &dispute, admin,
        Some(json!({"agent_id": d.agent, "outcome": "refunded", "note": "No captions were delivered."})))
        .await
        .ok();
    c.call(
        post.clone(),
        resolution,
        &dispute,
        admin,
        Some(json!({"agent_id": d.agent, "outcome": "paid", "note": "again"})),
    )
    .await
    .expect(409);

    // Feedback on the ended hourly contract, and the freelancer's record.
    let feedback = "/api/v1/contracts/{id}/feedback";
    c.call(
        post.clone(),
        feedback,
        &fixed_id,
        admin,
        Some(json!({"account_id": d.acme, "rating": 5})),
    )
    .await
    .expect(409);
    c.call(post.clone(), feedback, &hourly, admin,
        Some(json!({"account_id": d.acme, "rating": 5, "public_text": "Lovely edit.", "private_score": 10})))
        .await
        .expect(201);
    c.call(
        post.clone(),
        feedback,
        &hourly,
        admin,
        Some(json!({"account_id": d.li, "rating": 0})),
    )
    .await
    .expect(422);
    c.call(get.clone(), feedback, &hourly, admin, None)
        .await
        .ok();
    c.call(
        get.clone(),
        "/api/v1/accounts/{id}/stats",
        &d.li,
        admin,
        None,
    )
    .await
    .ok();
    c.call(
        get.clone(),
        "/api/v1/accounts/{id}/stats",
        &d.acme,
        admin,
        None,
    )
    .await
    .expect(422);
}

async fn ticket_operations(c: &Conformance<'_>, d: &crate::support::Demo) {
    let admin = Some(d.admin.as_str());
    let ticket = c
        .call(
            Method::POST,
            "/api/v1/tickets",
            "",
            admin,
            Some(
                json!({"account_id": d.li, "category": "payments", "subject": "Card check",
                "details": "My card was declined twice."}),
            ),
        )
        .await
        .expect(201);
    let id = ticket["id"].as_str().unwrap().to_owned();
    c.call(
        Method::POST,
        "/api/v1/tickets",
        "",
        admin,
        Some(json!({"account_id": d.li, "category": "billing", "subject": "x", "details": "y"})),
    )
    .await
    .expect(422);
    c.call(Method::GET, "/api/v1/tickets/{id}", &id, admin, None)
        .await
        .ok();
    let replies = "/api/v1/tickets/{id}/replies";
    c.call(
        Method::POST,
        replies,
        &id,
        admin,
        Some(json!({"author_id": d.agent, "body": "Which card?", "public": true})),
    )
    .await
    .expect(201);
    c.call(
        Method::POST,
        replies,
        &id,
        admin,
        Some(json!({"author_id": d.acme, "body": "Not mine"})),
    )
    .await
    .expect(403);
    let number = ticket["number"].as_i64().unwrap();
    let li_email = c.api.app.account(&d.li).await.unwrap().email;
    c.call(
        Method::POST,
        "/api/v1/inbound-email",
        "",
        admin,
        Some(json!({"from": format!("Li <{li_email}>"), "subject": format!("Re: [#{number}] Card check"),
            "text": "The Visa ending 4242.\n\nOn Monday, Trustwork wrote:\n> Which card?"})),
    )
    .await
    .expect(201);
    c.call(
        Method::POST,
        "/api/v1/inbound-email",
        "",
        admin,
        Some(json!({"from": "stranger@nowhere.example", "subject": "hi", "text": "hello"})),
    )
    .await
    .expect(422);
    desk_operations(c, d, &id).await;
    let status = "/api/v1/tickets/{id}/status";
    c.call(
        Method::POST,
        status,
        &id,
        admin,
        Some(json!({"agent_id": d.agent, "status": "closed"})),
    )
    .await
    .ok();
    c.call(
        Method::POST,
        status,
        &id,
        admin,
        Some(json!({"agent_id": d.agent, "status": "open"})),
    )
    .await
    .expect(409);
}

/// Attachments, assignment, priority, macros, merge, the survey, the report and chat settings.
async fn desk_operations(c: &Conformance<'_>, d: &crate::support::Demo, id: &str) {
    let admin = Some(d.admin.as_str());
    let upload = "/api/v1/tickets/{id}/attachments";
    let path = format!("{}?uploaded_by={}", upload.replace("{id}", id), d.li);
    let reply = c
        .api
        .post_raw(
            &d.admin,
            &path,
            Some("application/pdf"),
            "%PDF-1.4 a statement",
        )
        .await;
    let added = c.conforms(Method::POST, upload, &path, reply).expect(201);
    let reply = c
        .api
        .post_raw(&d.admin, &path, Some("image/png"), "not an image")
        .await;
    c.conforms(Method::POST, upload, &path, reply).expect(422);
    let stranger = format!("{}?uploaded_by={}", upload.replace("{id}", id), d.acme);
    let reply = c
        .api
        .post_raw(&d.admin, &stranger, Some("application/pdf"), "%PDF-1.4 x")
        .await;
    c.conforms(Method::POST, upload, &stranger, reply)
        .expect(403);
    let file = "/api/v1/tickets/{id}/attachments/{file_id}";
    let at = format!(
        "/api/v1/tickets/{id}/attachments/{}",
        added["id"].as_str().unwrap()
    );
    let reply = c.api.get(&d.admin, &at).await;
    assert_eq!(reply.status.as_u16(), 200);
    c.conforms_binary(Method::GET, file, reply);
    c.call_at(
        Method::GET,
        file,
        &format!("/api/v1/tickets/{id}/attachments/tka_nope"),
        admin,
        None,
    )
    .await
    .expect(404);
    c.call(
        Method::POST,
        "/api/v1/tickets/{id}/assignee",
        id,
        admin,
        Some(json!({"agent_id": d.agent, "assignee_id": d.agent})),
    )
    .await
    .ok();
    c.call(
        Method::POST,
        "/api/v1/tickets/{id}/assignee",
        id,
        admin,
        Some(json!({"agent_id": d.agent, "assignee_id": d.li})),
    )
    .await
    .expect(422);
    c.call(
        Method::POST,
        "/api/v1/tickets/{id}/priority",
        id,
        admin,
        Some(json!({"agent_id": d.agent, "priority": "high"})),
    )
    .await
    .ok();
    let made = c
        .call(
            Method::POST,
            "/api/v1/ticket-macros",
            "",
            admin,
            Some(json!({"agent_id": d.agent, "name": "Card declined",
                "body": "Hello {{name}}, about {{number}}: try the card again.", "status": "pending_member"})),
        )
        .await
        .expect(201);
    c.call(
        Method::POST,
        "/api/v1/ticket-macros",
        "",
        admin,
        Some(json!({"agent_id": d.agent, "name": "Card declined", "body": "again"})),
    )
    .await
    .expect(409);
    c.call(Method::GET, "/api/v1/ticket-macros", "", admin, None)
        .await
        .ok();
    let replied = c
        .call(
            Method::POST,
            "/api/v1/tickets/{id}/replies",
            id,
            admin,
            Some(json!({"author_id": d.agent, "macro_id": made["id"]})),
        )
        .await
        .expect(201);
    assert_eq!(replied["status"], "pending_member");
    let duplicate = c
        .call(
            Method::POST,
            "/api/v1/tickets",
            "",
            admin,
            Some(
                json!({"account_id": d.li, "category": "payments", "subject": "Card again",
                "details": "Still declined."}),
            ),
        )
        .await
        .expect(201);
    let merged = c
        .call(
            Method::POST,
            "/api/v1/tickets/{id}/merge",
            duplicate["id"].as_str().unwrap(),
            admin,
            Some(json!({"agent_id": d.agent, "into": id})),
        )
        .await
        .ok();
    assert_eq!(merged["id"], json!(id));
    c.call(
        Method::POST,
        "/api/v1/tickets/{id}/satisfaction",
        id,
        admin,
        Some(json!({"account_id": d.li, "rating": "good"})),
    )
    .await
    .expect(409);
    c.call(
        Method::POST,
        "/api/v1/tickets/{id}/status",
        id,
        admin,
        Some(json!({"agent_id": d.agent, "status": "solved"})),
    )
    .await
    .ok();
    c.call(
        Method::POST,
        "/api/v1/tickets/{id}/satisfaction",
        id,
        admin,
        Some(json!({"account_id": d.li, "rating": "good", "comment": "Quick"})),
    )
    .await
    .ok();
    c.call(Method::GET, "/api/v1/support/report", "", admin, None)
        .await
        .ok();
    c.call_at(
        Method::GET,
        "/api/v1/support/report",
        "/api/v1/support/report?since=yesterday",
        admin,
        None,
    )
    .await
    .expect(422);
    c.call(
        Method::POST,
        "/api/v1/support/agents/{id}",
        &d.agent,
        admin,
        Some(json!({"available": true, "capacity": 2})),
    )
    .await
    .ok();
    c.call(
        Method::POST,
        "/api/v1/support/agents/{id}",
        &d.agent,
        admin,
        Some(json!({"available": true, "capacity": 0})),
    )
    .await
    .expect(422);
}

async fn job_review_operations(c: &Conformance<'_>, d: &crate::support::Demo) {
    let admin = Some(d.admin.as_str());
    let event = json!({
        "type": "job.posted", "occurred_at": "2026-11-21T10:00:00Z", "actor_id": d.li,
        "data": {"job_id": "job_oa", "title": "Subtitles", "description": "Subtitle a 10-minute video."},
    });
    let request = axum::http::Request::builder()
        .method(Method::POST)
        .uri("/api/v1/events")
        .header(
            axum::http::header::AUTHORIZATION,
            format!("Bearer {}", d.admin),
        )
        .header(axum::http::header::CONTENT_TYPE, "application/json")
        .header("idempotency-key", "oa-job")
        .body(axum::body::Body::from(event.to_string()))
        .unwrap();
    assert_eq!(c.api.send(request).await.status.as_u16(), 200);
    let job = "/api/v1/jobs/{id}";
    let pending = c.call(Method::GET, job, "job_oa", admin, None).await.ok();
    assert_eq!(pending["status"], "pending_review");
    c.call(Method::GET, job, "job_none", admin, None)
        .await
        .expect(404);
    let review = "/api/v1/jobs/{id}/review";
    c.call(
        Method::POST,
        review,
        "job_oa",
        admin,
        Some(json!({"agent_id": d.agent, "decision": "later"})),
    )
    .await
    .expect(422);
    c.call(
        Method::POST,
        review,
        "job_oa",
        admin,
        Some(json!({"agent_id": d.agent, "decision": "approve"})),
    )
    .await
    .ok();
    c.call(
        Method::POST,
        review,
        "job_oa",
        admin,
        Some(json!({"agent_id": d.agent, "decision": "approve"})),
    )
    .await
    .expect(409);
}
