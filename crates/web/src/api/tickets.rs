//! Support tickets (`/api/v1/tickets`): opened for a member with a category, subject and
//! details; replies public (emailed) or internal; the first-response service level in each answer.

use super::auth::Caller;
use super::body::Body;
use crate::{ApiError, WebState};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
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
        "subcategory": t.subcategory,
        "channel": t.channel,
        "assignee_id": t.assignee_id,
        "merged_into": t.merged_into,
        "escalated_at": t.escalated_at.map(|d| d.to_rfc3339()),
        "solved_at": t.solved_at.map(|d| d.to_rfc3339()),
        "satisfaction": t.satisfaction.as_ref().map(|r| json!({"rating": r, "comment": t.satisfaction_comment})),
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
        "attachments": v.attachments.iter().map(attachment_json).collect::<Vec<_>>(),
    })
}

fn attachment_json(a: &trustwork_app::records::TicketAttachment) -> Value {
    json!({
        "id": a.id,
        "ticket_id": a.ticket_id,
        "uploaded_by": a.uploaded_by,
        "content_type": a.content_type,
        "size_bytes": a.size_bytes,
        "created_at": a.created_at.to_rfc3339(),
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
    #[serde(default)]
    subcategory: Option<String>,
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
                subcategory: b.subcategory.as_deref(),
                channel: "api",
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
    /// The text, or none with `macro_id`.
    #[serde(default)]
    body: Option<String>,
    /// A macro's text and status instead of `body`.
    #[serde(default)]
    macro_id: Option<String>,
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
    let v = match (b.body, b.macro_id) {
        (Some(body), None) => {
            s.app
                .reply_to_ticket(&id, &b.author_id, &body, b.public, status)
                .await?
        }
        (None, Some(m)) => s.app.reply_with_macro(&id, &b.author_id, &m).await?,
        _ => return Err(invalid("body", "send either body or macro_id")),
    };
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

/// `POST /api/v1/tickets/{id}/attachments?uploaded_by=…`: the body is a JPEG, PNG or PDF.
pub async fn attach(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(q): Query<UploaderQuery>,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    caller.require(Scope::AccountsWrite)?;
    s.app.ticket(&id).await?;
    let body = body.map_err(|e| ApiError::new(e.status(), "invalid_upload", e.body_text()))?;
    super::portfolio_files::require_file_type(&headers)?;
    let uploader = q
        .uploaded_by
        .ok_or_else(|| invalid("uploaded_by", "name the member or agent adding the file"))?;
    let file = s.app.attach_to_ticket(&id, &uploader, &body).await?;
    Ok((StatusCode::CREATED, Json(attachment_json(&file))))
}

#[derive(Deserialize)]
pub struct UploaderQuery {
    uploaded_by: Option<String>,
}

/// `GET /api/v1/tickets/{id}/attachments/{file_id}`: the file's bytes.
pub async fn attachment(
    State(s): State<WebState>,
    caller: Caller,
    Path((id, file_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    caller.require(Scope::AccountsRead)?;
    let (file, bytes) = s.app.ticket_attachment(&id, &file_id).await?;
    Ok(crate::console::file_response(
        &file.content_type,
        &file.id,
        bytes,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    agent_id: String,
    /// None gives the ticket back to the queue.
    assignee_id: Option<String>,
}

/// `POST /api/v1/tickets/{id}/assignee` `{"agent_id", "assignee_id"}`.
pub async fn assign(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Body<AssignBody>, ApiError>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsWrite)?;
    let Body(b) = body?;
    let v = s
        .app
        .assign_ticket(&id, &b.agent_id, b.assignee_id.as_deref())
        .await?;
    Ok(Json(ticket_json(&v)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriorityBody {
    agent_id: String,
    priority: String,
}

/// `POST /api/v1/tickets/{id}/priority` `{"agent_id", "priority"}`.
pub async fn set_priority(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Body<PriorityBody>, ApiError>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsWrite)?;
    let Body(b) = body?;
    let v = s
        .app
        .set_ticket_priority(&id, &b.agent_id, &b.priority)
        .await?;
    Ok(Json(ticket_json(&v)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MergeBody {
    agent_id: String,
    /// The original the duplicate joins.
    into: String,
}

/// `POST /api/v1/tickets/{id}/merge` `{"agent_id", "into"}` → the ticket merged into.
pub async fn merge(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Body<MergeBody>, ApiError>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsWrite)?;
    let Body(b) = body?;
    let v = s.app.merge_ticket(&id, &b.agent_id, &b.into).await?;
    Ok(Json(ticket_json(&v)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SatisfactionBody {
    account_id: String,
    rating: String,
    #[serde(default)]
    comment: String,
}

/// `POST /api/v1/tickets/{id}/satisfaction` `{"account_id", "rating": "good" | "bad", "comment"}`.
pub async fn rate(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Body<SatisfactionBody>, ApiError>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsWrite)?;
    let Body(b) = body?;
    let v = s
        .app
        .rate_ticket(&id, &b.account_id, &b.rating, &b.comment)
        .await?;
    Ok(Json(ticket_json(&v)))
}

fn macro_json(m: &trustwork_app::records::TicketMacro) -> Value {
    json!({
        "id": m.id,
        "name": m.name,
        "body": m.body,
        "status": m.status,
        "created_by": m.created_by,
        "created_at": m.created_at.to_rfc3339(),
    })
}

/// `GET /api/v1/ticket-macros`.
pub async fn macros(State(s): State<WebState>, caller: Caller) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsRead)?;
    let all = s.app.ticket_macros().await?;
    Ok(Json(
        json!({"macros": all.iter().map(macro_json).collect::<Vec<_>>()}),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MacroBody {
    agent_id: String,
    name: String,
    body: String,
    #[serde(default)]
    status: Option<String>,
}

/// `POST /api/v1/ticket-macros` `{"agent_id", "name", "body", "status"}`.
pub async fn create_macro(
    State(s): State<WebState>,
    caller: Caller,
    body: Result<Body<MacroBody>, ApiError>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    caller.require(Scope::AccountsWrite)?;
    let Body(b) = body?;
    let status = status_of(b.status.as_deref())?;
    let m = s
        .app
        .create_ticket_macro(&b.agent_id, &b.name, &b.body, status)
        .await?;
    Ok((StatusCode::CREATED, Json(macro_json(&m))))
}

#[derive(Deserialize)]
pub struct ReportQuery {
    since: Option<String>,
}

/// `GET /api/v1/support/report?since=RFC3339` (default: the last 30 days).
pub async fn report(
    State(s): State<WebState>,
    caller: Caller,
    Query(q): Query<ReportQuery>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsRead)?;
    let since = match q.since.as_deref() {
        None => s.app.now().plus_days(-30),
        Some(t) => trustwork_core::Timestamp::parse_rfc3339(t)
            .ok_or_else(|| invalid("since", "an RFC 3339 time, e.g. 2026-12-01T00:00:00Z"))?,
    };
    let r = s.app.support_report(since).await?;
    let mut out = serde_json::to_value(&r).map_err(|e| {
        tracing::error!(error = %e, "support report not serialisable");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error",
        )
    })?;
    out["since"] = json!(since.to_rfc3339());
    Ok(Json(out))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentBody {
    available: bool,
    capacity: i64,
}

/// `POST /api/v1/support/agents/{id}` `{"available", "capacity"}`: whether the agent takes chats
/// and how many at once.
pub async fn set_agent(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Body<AgentBody>, ApiError>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsWrite)?;
    let Body(b) = body?;
    s.app
        .set_chat_availability(&id, b.available, b.capacity)
        .await?;
    Ok(Json(
        json!({"account_id": id, "available": b.available, "capacity": b.capacity}),
    ))
}
