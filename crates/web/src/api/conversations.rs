//! Threads, messages, invitations and replies to proposals (`/api/v1/threads`,
//! `/api/v1/invitations`, `/api/v1/jobs/{id}/invitations`, `/api/v1/proposals/{id}/replies`).
//! Messages sent here go through the enforcement pipeline like the console's.

use super::auth::Caller;
use super::body::Body;
use crate::{ApiError, WebState};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use trustwork_app::auth::Scope;
use trustwork_app::conversations::{Sent, ThreadView};
use trustwork_app::records::Invitation;
use trustwork_core::conversation::{Message, call_duration_seconds, call_state};

fn message_json(m: &Message) -> Value {
    json!({
        "id": m.id,
        "thread_id": m.thread_id,
        "sender_id": m.sender_id,
        "recipient_ids": m.recipient_ids,
        "text": m.body,
        "status": m.status.as_str(),
        "decision_id": m.decision_id,
        "created_at": m.created_at.to_rfc3339(),
    })
}

fn thread_json(v: &ThreadView, now: trustwork_core::Timestamp) -> Value {
    json!({
        "id": v.thread.id,
        "kind": v.thread.kind.as_str(),
        "subject_id": v.thread.subject_id,
        "title": v.title,
        "participants": v.participants,
        "proposal": v.proposal.as_ref().map(|p| json!({"id": p.id, "status": p.status.as_str()})),
        "messages": v.messages.iter().map(message_json).collect::<Vec<_>>(),
        "calls": v.calls.iter().map(|c| json!({
            "id": c.id,
            "kind": c.kind.as_str(),
            "started_by": c.started_by,
            "state": call_state(c.started_at, c.connected_at, c.ended_at, now).as_str(),
            "started_at": c.started_at.to_rfc3339(),
            "connected_at": c.connected_at.map(|t| t.to_rfc3339()),
            "ended_at": c.ended_at.map(|t| t.to_rfc3339()),
            "duration_seconds": call_duration_seconds(c.connected_at, c.ended_at),
        })).collect::<Vec<_>>(),
    })
}

fn sent_json(sent: &Sent) -> Value {
    json!({
        "message": message_json(&sent.message),
        "decision": super::events::DecisionBody::of(&sent.decision),
    })
}

fn invitation_json(i: &Invitation) -> Value {
    json!({
        "id": i.id,
        "job_id": i.job_id,
        "client_id": i.client_id,
        "freelancer_id": i.freelancer_id,
        "message": i.message,
        "thread_id": i.thread_id,
        "status": i.status.as_str(),
        "proposal_id": i.proposal_id,
        "created_at": i.created_at.to_rfc3339(),
        "updated_at": i.updated_at.to_rfc3339(),
    })
}

/// `GET /api/v1/threads/{id}`: every message, refused ones included, and the calls.
pub async fn get_thread(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsRead)?;
    let view = s.app.thread_for_staff(&id).await?;
    Ok(Json(thread_json(&view, s.app.now())))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageBody {
    sender_id: String,
    text: String,
}

/// `POST /api/v1/threads/{id}/messages` `{"sender_id", "text"}`: a participant writes.
pub async fn post_message(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Body<MessageBody>, ApiError>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    caller.require(Scope::AccountsWrite)?;
    let Body(b) = body?;
    let sent = s.app.send_message(&b.sender_id, &id, &b.text).await?;
    Ok((StatusCode::CREATED, Json(sent_json(&sent))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InviteBody {
    freelancer_id: String,
    message: String,
}

/// `POST /api/v1/jobs/{id}/invitations` `{"freelancer_id", "message"}`: the job's client invites.
pub async fn invite(
    State(s): State<WebState>,
    caller: Caller,
    Path(job_id): Path<String>,
    body: Result<Body<InviteBody>, ApiError>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    caller.require(Scope::AccountsWrite)?;
    let Body(b) = body?;
    let job = s.app.job(&job_id).await?;
    let invitation = s
        .app
        .invite(&job.client_id, &job.id, &b.freelancer_id, &b.message)
        .await?;
    Ok((StatusCode::CREATED, Json(invitation_json(&invitation))))
}

/// `GET /api/v1/invitations/{id}`.
pub async fn get_invitation(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsRead)?;
    Ok(Json(invitation_json(&s.app.invitation(&id).await?)))
}

async fn answer(
    s: &WebState,
    caller: &Caller,
    id: &str,
    accept: bool,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsWrite)?;
    let invitation = s.app.invitation(id).await?;
    let answered = s
        .app
        .answer_invitation(&invitation.freelancer_id, id, accept)
        .await?;
    Ok(Json(invitation_json(&answered)))
}

/// `POST /api/v1/invitations/{id}/accept`: the interview starts.
pub async fn accept(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    answer(&s, &caller, &id, true).await
}

/// `POST /api/v1/invitations/{id}/decline`.
pub async fn decline(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    answer(&s, &caller, &id, false).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplyBody {
    client_id: String,
    text: String,
}

/// `POST /api/v1/proposals/{id}/replies` `{"client_id", "text"}`: the job's client replies;
/// a delivered reply moves a submitted proposal to `interviewing`.
pub async fn reply(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Body<ReplyBody>, ApiError>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    caller.require(Scope::AccountsWrite)?;
    let Body(b) = body?;
    let (sent, proposal) = s.app.reply_to_proposal(&b.client_id, &id, &b.text).await?;
    let mut out = sent_json(&sent);
    out["proposal"] = json!({"id": proposal.id, "status": proposal.status.as_str()});
    Ok((StatusCode::CREATED, Json(out)))
}
