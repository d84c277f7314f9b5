//! Support tickets (`/api/v1/tickets`): opened for a member with a category, subject and
//! details; replies public (emailed) or internal; the first-response service level in each answer.

use super::auth::Caller;
use super::body::Body;
use crate::{ApiError, WebState};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use trustwork_app::auth::Scope;
use trustwork_app::tickets::{NewTicket, TicketView};
use trustwork_core::tickets::TicketStatus;

fn ticket_json(v: &TicketView) -> Value {
    let t = &v.ticket;
    json!({
        "id": t.id,
        "number": t.number,
        "account_id": t.account_id,
        "category": t.category.as_str(),
        "subject": t.subject,
        "details": t.details,
        "status": t.status.as_str(),
        "priority": t.priority,
        "created_at": t.created_at.to_rfc3339(),
        "updated_at": t.updated_at.to_rfc3339(),
        "sla": {
            "first_response_due_at": v.sla.due_at.map(|d| d.to_rfc3339()),
            "state": v.sla.state.as_str(),
            "calendar": t.sla_calendar,
            "first_response_at": t.first_response_at.map(|d| d.to_rfc3339()),
        },
        "messages": v.messages.iter().map(|m| json!({
            "id": m.id, "author_id": m.author_id, "public": m.public, "body": m.body,
            "created_at": m.created_at.to_rfc3339()})).collect::<Vec<_>>(),
    })
}

fn invalid(field: &'static str, message: &str) -> ApiError {
    ApiError::invalid_field(field, message)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenBody {
    account_id: String,
    category: String,
    subject: String,
    details: String,
    #[serde(default)]
    priority: Option<String>,
}

/// `POST /api/v1/tickets` → 201 with its number and service level.
pub async fn open(
    State(s): State<WebState>,
    caller: Caller,
    body: Result<Body<OpenBody>, ApiError>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    caller.require(Scope::AccountsWrite)?;
    let Body(b) = body?;
    let v = s
        .app
        .open_ticket(
            &caller.actor(),
            &NewTicket {
                account_id: &b.account_id,
                category: &b.category,
                subject: &b.subject,
                details: &b.details,
                priority: b.priority.as_deref(),
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(ticket_json(&v))))
}

/// `GET /api/v1/tickets/{id}`.
pub async fn get(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsRead)?;
    Ok(Json(ticket_json(&s.app.ticket(&id).await?)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplyBody {
    /// Staff or the member.
    author_id: String,
    body: String,
    #[serde(default = "yes")]
    public: bool,
    /// The status after a staff reply [default: pending_member after a public reply].
    #[serde(default)]
    status: Option<String>,
}

fn yes() -> bool {
    true
}

fn status_of(text: Option<&str>) -> Result<Option<TicketStatus>, ApiError> {
    text.map(|t| {
        TicketStatus::parse(t).ok_or_else(|| {
            invalid(
                "status",
                "expected new, open, pending_member, on_hold, solved or closed",
            )
        })
    })
    .transpose()
}

/// `POST /api/v1/tickets/{id}/replies` `{"author_id", "body", "public"}`.
pub async fn reply(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Body<ReplyBody>, ApiError>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    caller.require(Scope::AccountsWrite)?;
    let Body(b) = body?;
    let status = status_of(b.status.as_deref())?;
    let v = s
        .app
        .reply_to_ticket(&id, &b.author_id, &b.body, b.public, status)
        .await?;
    Ok((StatusCode::CREATED, Json(ticket_json(&v))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusBody {
    agent_id: String,
    status: String,
}

/// `POST /api/v1/tickets/{id}/status` `{"agent_id", "status"}`.
pub async fn set_status(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Body<StatusBody>, ApiError>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsWrite)?;
    let Body(b) = body?;
    let status = status_of(Some(&b.status))?.ok_or_else(|| invalid("status", "required"))?;
    let v = s.app.set_ticket_status(&id, &b.agent_id, status).await?;
    Ok(Json(ticket_json(&v)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InboundBody {
    from: String,
    #[serde(default)]
    subject: String,
    text: String,
}

/// `POST /api/v1/inbound-email` `{"from", "subject", "text"}`: the mail provider's inbound hook
/// (relayed with a token) → 201 with the ticket it landed in.
pub async fn inbound(
    State(s): State<WebState>,
    caller: Caller,
    body: Result<Body<InboundBody>, ApiError>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    caller.require(Scope::AccountsWrite)?;
    let Body(b) = body?;
    let got = s.app.receive_email(&b.from, &b.subject, &b.text).await?;
    let mut out = ticket_json(&got.ticket);
    out["opened"] = json!(got.opened);
    Ok((StatusCode::CREATED, Json(out)))
}
