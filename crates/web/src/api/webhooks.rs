//! Webhook subscriptions and their deliveries, for the operator's admins (`admin` scope).

use super::auth::Caller;
use super::body::Body;
use crate::{ApiError, WebState};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use trustwork_app::auth::Scope;
use trustwork_app::records::{WebhookDelivery, WebhookSubscription};
use trustwork_core::Timestamp;

type Answer = Result<Json<Value>, ApiError>;
type Created = Result<(StatusCode, Json<Value>), ApiError>;

/// A subscription without its secret: the secret is shown once, when it is created.
fn subscription(s: &WebhookSubscription) -> Value {
    json!({
        "id": s.id,
        "url": s.url,
        "event_types": s.event_types.split(' ').collect::<Vec<_>>(),
        "active": s.active,
        "created_at": s.created_at.to_rfc3339(),
        "disabled_at": s.disabled_at.map(Timestamp::to_rfc3339),
    })
}

pub fn delivery(d: &WebhookDelivery) -> Value {
    json!({
        "id": d.id,
        "subscription_id": d.subscription_id,
        "event_type": d.event_type,
        "status": d.status,
        "attempts": d.attempts,
        "next_attempt_at": d.next_attempt_at.to_rfc3339(),
        "last_status_code": d.last_status_code,
        "last_error": d.last_error,
        "replay_of": d.replay_of,
        "created_at": d.created_at.to_rfc3339(),
        "delivered_at": d.delivered_at.map(Timestamp::to_rfc3339),
        // Stored as the exact text that was signed; shown as the JSON it is.
        "payload": serde_json::from_str::<Value>(&d.payload).unwrap_or(Value::Null),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhook {
    url: String,
    event_types: Vec<String>,
}

pub async fn create(
    State(s): State<WebState>,
    caller: Caller,
    body: Result<Body<CreateWebhook>, ApiError>,
) -> Created {
    caller.require(Scope::Admin)?;
    let Body(b) = body?;
    let created = s
        .app
        .create_webhook(&caller.actor(), &b.url, &b.event_types)
        .await?;
    let mut out = subscription(&created);
    out["secret"] = json!(created.secret);
    Ok((StatusCode::CREATED, Json(out)))
}

pub async fn list(State(s): State<WebState>, caller: Caller) -> Answer {
    caller.require(Scope::Admin)?;
    let all = s.app.webhooks().await?;
    Ok(Json(
        json!({"webhooks": all.iter().map(subscription).collect::<Vec<_>>()}),
    ))
}

pub async fn disable(State(s): State<WebState>, caller: Caller, Path(id): Path<String>) -> Answer {
    caller.require(Scope::Admin)?;
    let off = s.app.disable_webhook(&caller.actor(), &id).await?;
    Ok(Json(subscription(&off)))
}

pub async fn deliveries(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Answer {
    caller.require(Scope::Admin)?;
    let list = s.app.webhook_deliveries(Some(&id)).await?;
    Ok(Json(
        json!({"deliveries": list.iter().map(delivery).collect::<Vec<_>>()}),
    ))
}

pub async fn replay(State(s): State<WebState>, caller: Caller, Path(id): Path<String>) -> Created {
    caller.require(Scope::Admin)?;
    let replay = s.app.replay_webhook_delivery(&caller.actor(), &id).await?;
    Ok((StatusCode::CREATED, Json(delivery(&replay))))
}
