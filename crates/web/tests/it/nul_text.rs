//! U+0000 cannot be stored by PostgreSQL and means nothing in any field: every text field of
//! every JSON body the OpenAPI document describes, every path id and every query filter refuse
//! it with 422 in the API's shape, on both databases, and nothing changes.

use crate::openapi::document;
use crate::support::api;
use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use trustwork_store::testing::each_backend;

/// Every property name of a schema (through `$ref`, `allOf`/`anyOf`/`oneOf` and array items).
fn properties(doc: &Value, schema: &Value, out: &mut BTreeSet<String>) {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        if let Some(target) = doc.pointer(r.trim_start_matches('#')) {
            properties(doc, target, out);
        }
        return;
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        for s in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            properties(doc, s, out);
        }
    }
    if let Some(items) = schema.get("items") {
        properties(doc, items, out);
    }
    for (name, s) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        out.insert(name.clone());
        properties(doc, s, out);
    }
}

/// `(method, path, property)` for every JSON request body property in the document.
fn text_fields() -> Vec<(String, String, String)> {
    let doc = document();
    let mut out = Vec::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let Some(schema) = op.pointer("/requestBody/content/application~1json/schema") else {
                continue;
            };
            let mut names = BTreeSet::new();
            properties(&doc, schema, &mut names);
            for name in names {
                out.push((method.to_uppercase(), path.clone(), name));
            }
        }
    }
    out
}

#[tokio::test]
async fn nul_is_refused_in_every_text_field_path_and_filter() {
    let fields = text_fields();
    assert!(
        fields.len() > 20,
        "the document names its bodies: {fields:?}"
    );
    each_backend(|db| {
        let fields = fields.clone();
        async move {
            let api = api(db);
            let d = api.seed().await;
            let before = api.snapshot(&d.admin, &d.account_ids()).await;
            let unchanged =
                |after| assert_eq!(before, after, "a refused request changed something");
            for (method, path, field) in &fields {
                let uri = path.replace("{id}", &d.maria);
                // The batch refuses an event's fields event by event (see below).
                if path.ends_with("events:batch") {
                    continue;
                }
                let body = json!({ field.as_str(): "before\u{0}after" });
                let request = Request::builder()
                    .method(Method::from_bytes(method.as_bytes()).unwrap())
                    .uri(&uri)
                    .header(header::AUTHORIZATION, format!("Bearer {}", d.admin))
                    .header(header::CONTENT_TYPE, "application/json")
                    .header("idempotency-key", format!("nul-{method}-{path}-{field}"))
                    .body(Body::from(serde_json::to_vec(&body).unwrap()))
                    .unwrap();
                let reply = api.send(request).await;
                let message = reply.expect_error(422, "invalid_input");
                assert!(
                    message.contains(&format!("/{field}")) && message.contains("U+0000"),
                    "{method} {path} {field}: {message}"
                );
            }
            // Deeper: inside a list and an event's free-form data.
            let reply = api
                .post(
                    &d.admin,
                    "/api/v1/webhooks",
                    json!({"url": "https://hooks.example.com/h", "event_types": ["*", "x\u{0}"]}),
                )
                .await;
            assert!(
                reply
                    .expect_error(422, "invalid_input")
                    .starts_with("/event_types/1:")
            );
            for uri in [
                format!("/api/v1/accounts/{}%00", d.maria),
                "/api/v1/freelancers?q=lo%00pez".to_owned(),
                "/api/v1/review-cases?queue=%00".to_owned(),
            ] {
                let reply = api.get(&d.admin, &uri).await;
                reply.expect_error(422, "invalid_input");
            }
            unchanged(api.snapshot(&d.admin, &d.account_ids()).await);
            // In a batch, the event holding it is refused alone; the others are decided.
            let event = |key: &str, ip: &str| {
                json!({"idempotency_key": key, "type": "account.login",
                    "occurred_at": "2026-11-21T00:00:00Z", "actor_id": d.dev, "data": {"ip": ip}})
            };
            let batch = api
                .post(
                    &d.admin,
                    "/api/v1/events:batch",
                    json!({"events": [event("nul-ok", "203.0.113.5"), event("nul-bad", "a\u{0}")]}),
                )
                .await
                .ok();
            assert!(batch["results"][0]["decision"].is_object(), "{batch}");
            let message = batch["results"][1]["error"]["message"].as_str().unwrap();
            assert!(message.starts_with("/events/1/data/ip: "), "{message}");
            // A path that is not UTF-8 once decoded: the JSON shape too.
            api.get(&d.admin, "/api/v1/accounts/%FF%FE")
                .await
                .expect_error(400, "bad_request");
        }
    })
    .await;
}
