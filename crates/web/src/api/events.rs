//! The events API: the operator's marketplace says what happened, Trustwork answers with a
//! decision it can explain. Also the live policy (read and replace).

use super::auth::Caller;
use crate::{ApiError, WebState};
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use trustwork_app::AppError;
use trustwork_app::auth::Scope;
use trustwork_app::events::{ActionTaken, DecisionView};
use trustwork_core::enforcement::{AccountInput, FindingInput};

/// At most this many events in one batch.
pub const MAX_BATCH: usize = 1_000;

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_input", message)
}

/// The decision as the API shows it: the fixed fields first, the whole explanation beside.
/// Serialised straight from the decision (no JSON tree is built on the way: this is on every
/// event's answer).
#[derive(Serialize)]
pub struct DecisionBody<'a> {
    id: &'a str,
    event_id: &'a str,
    verdict: &'a str,
    reason: &'a str,
    findings: &'a [FindingInput],
    rules: &'a [String],
    actions: &'a [ActionTaken],
    policy_version: &'a str,
    explanation: Explanation<'a>,
}

#[derive(Serialize)]
struct Explanation<'a> {
    counters: &'a BTreeMap<String, i64>,
    shadow_rules: &'a [String],
    review_queues: &'a [String],
    account: &'a Option<AccountInput>,
    rule_errors: &'a [String],
}

impl<'a> DecisionBody<'a> {
    pub fn of(d: &'a DecisionView) -> Self {
        DecisionBody {
            id: &d.id,
            event_id: &d.event_id,
            verdict: &d.verdict,
            reason: &d.reason,
            findings: &d.findings,
            rules: &d.rules,
            actions: &d.actions,
            policy_version: &d.policy_version,
            explanation: Explanation {
                counters: &d.counters,
                shadow_rules: &d.shadow_rules,
                review_queues: &d.review_queues,
                account: &d.account,
                rule_errors: &d.rule_errors,
            },
        }
    }
}

/// `{"decision": …}`, the answer to one event.
#[derive(Serialize)]
struct DecisionAnswer<'a> {
    decision: DecisionBody<'a>,
}

/// The body, or an error in the API's shape (a too-large body is 413 `payload_too_large`).
fn body_of(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "the request body is too large",
            )
        } else {
            ApiError::new(StatusCode::BAD_REQUEST, "bad_request", r.body_text())
        }
    })
}

fn parse_json(bytes: &Bytes) -> Result<Value, ApiError> {
    let value = parse_json_allowing_nul(bytes)?;
    super::body::refuse_nul(bytes)?;
    Ok(value)
}

/// For the batch, which refuses U+0000 event by event.
fn parse_json_allowing_nul(bytes: &Bytes) -> Result<Value, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| {
        if e.is_syntax() || e.is_eof() {
            ApiError::new(StatusCode::BAD_REQUEST, "malformed_json", e.to_string())
        } else {
            invalid(e.to_string())
        }
    })
}

fn require_json(headers: &HeaderMap) -> Result<(), ApiError> {
    let ct = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if ct
        .split(';')
        .next()
        .is_some_and(|m| m.trim() == "application/json")
    {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the body as JSON with Content-Type: application/json",
        ))
    }
}

/// `POST /api/v1/events`: one event; `Idempotency-Key` is required.
pub async fn post_event(
    State(s): State<WebState>,
    caller: Caller,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    caller.require(Scope::AccountsWrite)?;
    let body = body_of(body)?;
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| invalid("Idempotency-Key: the header is required"))?;
    require_json(&headers)?;
    let value = parse_json(&body)?;
    let (decision, replayed) = s.app.ingest_value(key, value).await?;
    let mut response = Json(DecisionAnswer {
        decision: DecisionBody::of(&decision),
    })
    .into_response();
    if replayed {
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    Ok(response)
}

/// `POST /api/v1/events:batch`: up to 1,000 events, each with its own `idempotency_key`. Each
/// is decided on its own; one bad event does not stop the others.
pub async fn post_batch(
    State(s): State<WebState>,
    caller: Caller,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsWrite)?;
    let body = body_of(body)?;
    require_json(&headers)?;
    let value = parse_json_allowing_nul(&body)?;
    let Some(obj) = value.as_object() else {
        return Err(invalid("the body is an object with an `events` array"));
    };
    if let Some(unknown) = obj.keys().find(|k| *k != "events") {
        return Err(invalid(format!(
            "unknown field `{unknown}`, expected `events`"
        )));
    }
    let events = obj
        .get("events")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("events: expected an array"))?;
    if events.is_empty() || events.len() > MAX_BATCH {
        return Err(invalid(format!("events: 1 to {MAX_BATCH} events")));
    }
    // Events without a key are answered in place; the others are decided together, in order.
    let mut results: Vec<Option<Value>> = vec![None; events.len()];
    let mut keyed = Vec::with_capacity(events.len());
    for (i, item) in events.iter().enumerate() {
        // One event with U+0000 is refused alone, like any other bad event.
        if let Some(at) = super::body::nul_at(item, format!("/events/{i}")) {
            results[i] = Some(json!({"index": i, "error": {"code": "invalid_input",
                "message": format!("{at}: text must not contain the NUL character (U+0000)")}}));
            continue;
        }
        let mut event = item.clone();
        let key = event
            .as_object_mut()
            .and_then(|o| o.remove("idempotency_key"))
            .and_then(|k| k.as_str().map(str::to_owned));
        match key {
            Some(key) => keyed.push((i, key, event)),
            None => {
                results[i] = Some(
                    json!({"index": i, "error": {"code": "invalid_input", "message": "idempotency_key: required for every event"}}),
                );
            }
        }
    }
    let places: Vec<(usize, String)> = keyed.iter().map(|(i, key, _)| (*i, key.clone())).collect();
    let events: Vec<(String, Value)> = keyed
        .into_iter()
        .map(|(_, key, event)| (key, event))
        .collect();
    let decided = s.app.ingest_many(events).await;
    for ((i, key), result) in places.into_iter().zip(decided) {
        results[i] = Some(match result {
            Ok((d, replayed)) => {
                json!({"index": i, "idempotency_key": key, "replayed": replayed, "decision": DecisionBody::of(&d)})
            }
            Err(e) => {
                let api = ApiError::from(e);
                if api.status == StatusCode::INTERNAL_SERVER_ERROR {
                    return Err(api);
                }
                json!({"index": i, "idempotency_key": key, "error": {"code": api.code, "message": api.message}})
            }
        });
    }
    let results: Vec<Value> = results.into_iter().flatten().collect();
    Ok(Json(json!({"results": results})))
}

pub async fn get_decision(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsRead)?;
    let d = s.app.decision(&id).await?;
    Ok(Json(json!({"decision": DecisionBody::of(&d)})))
}

pub async fn get_policy(
    State(s): State<WebState>,
    caller: Caller,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::Admin)?;
    Ok(Json(
        json!({"version": s.app.policy_version(), "source": s.app.policy_source()}),
    ))
}

/// `PUT /api/v1/policy`: the new policy's TOML as the body (text/plain or application/toml).
pub async fn put_policy(
    State(s): State<WebState>,
    caller: Caller,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::Admin)?;
    let body = body_of(body)?;
    let media = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::trim)
        .unwrap_or("");
    if !matches!(media, "text/plain" | "application/toml") {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the policy file as text/plain or application/toml",
        ));
    }
    let text = std::str::from_utf8(&body).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "the policy must be UTF-8 text",
        )
    })?;
    match s.app.load_policy(text).await {
        Ok(version) => Ok(Json(json!({"version": version}))),
        Err(AppError::Policy(p)) => {
            let mut e = ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_policy",
                p.to_string(),
            );
            e.details.insert("rule".into(), json!(p.rule));
            e.details.insert("line".into(), json!(p.line));
            e.details.insert("column".into(), json!(p.column));
            Err(e)
        }
        Err(other) => Err(other.into()),
    }
}
