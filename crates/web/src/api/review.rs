//! Review queues, flags and appeals over the API. The operator's systems act for an agent
//! account (`agent_id`), whose role must allow enforcement; the audit trail names that agent.

use super::auth::Caller;
use super::body::{Body, Params};
use crate::{ApiError, WebState};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use trustwork_app::auth::Scope;
use trustwork_app::review::{FlagRequest, QueueFilter, QueuedCase, ResolveRequest};
use trustwork_core::appeal::{Appeal, AppealDecision, AppealStatus};
use trustwork_core::review::{
    CaseStatus, Enforcement, Flag, Queue, Resolution, ReviewCase, SlaState,
};
use trustwork_core::{ReasonCode, Severity, Timestamp};

type Answer = Result<Json<Value>, ApiError>;
type Created = Result<(StatusCode, Json<Value>), ApiError>;

fn invalid(message: String) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_input", message)
}

fn opt_time(t: Option<Timestamp>) -> Option<String> {
    t.map(Timestamp::to_rfc3339)
}

pub fn case(c: &ReviewCase, sla: SlaState) -> Value {
    json!({
        "id": c.id,
        "queue": c.queue.as_str(),
        "subject_account_id": c.subject_account_id,
        "entity_type": c.entity_type.as_str(),
        "entity_id": c.entity_id,
        "content": c.content,
        // Stored as text by whoever opened the case; answered as JSON when it is JSON.
        "explanation": serde_json::from_str::<Value>(&c.explanation_json).unwrap_or(Value::Null),
        "decision_id": c.decision_id,
        "priority": c.priority,
        "weight": c.weight,
        "reports": c.reports,
        "status": c.status.as_str(),
        "sla_state": sla.as_str(),
        "sla_due_at": c.sla_due_at.to_rfc3339(),
        "claimed_by": c.claimed_by,
        "claim_expires_at": opt_time(c.claim_expires_at),
        "created_at": c.created_at.to_rfc3339(),
        "resolution": c.resolution.map(Resolution::as_str),
        "resolution_action": c.resolution_action,
        "restriction_id": c.restriction_id,
        "resolved_by": c.resolved_by,
        "resolved_at": opt_time(c.resolved_at),
        "resolution_note": c.resolution_note,
    })
}

fn flag(f: &Flag) -> Value {
    json!({
        "id": f.id,
        "reporter_id": f.reporter_account_id,
        "target_type": f.target_type.as_str(),
        "target_id": f.target_id,
        "target_account_id": f.target_account_id,
        "reason": f.reason.as_str(),
        "note": f.note,
        "weight": f.weight,
        "case_id": f.case_id,
        "created_at": f.created_at.to_rfc3339(),
        "outcome": f.outcome.map(|o| o.as_str()),
    })
}

pub fn appeal(a: &Appeal) -> Value {
    json!({
        "id": a.id,
        "restriction_id": a.restriction_id,
        "account_id": a.account_id,
        "statement": a.statement,
        "status": a.status.as_str(),
        "filed_at": a.filed_at.to_rfc3339(),
        "decided_by": a.decided_by,
        "decided_at": opt_time(a.decided_at),
        "decision_note": a.decision_note,
    })
}

#[derive(Deserialize)]
pub struct CaseQuery {
    #[serde(default)]
    queue: Option<String>,
    #[serde(default)]
    sla: Option<String>,
    #[serde(default)]
    status: Option<String>,
}

/// Parses an optional query value, naming the parameter and the choices when it is wrong.
fn choice<T>(
    name: &str,
    value: Option<&str>,
    parse: impl Fn(&str) -> Option<T>,
    choices: &str,
) -> Result<Option<T>, ApiError> {
    match value {
        None => Ok(None),
        // `?queue=` is a mistake (a form field left blank), not "every queue": say so.
        Some("") => Err(invalid(format!(
            "{name}: must not be empty; leave it out for no filter"
        ))),
        Some(v) => parse(v)
            .map(Some)
            .ok_or_else(|| invalid(format!("{name}: expected {choices}, got {v:?}"))),
    }
}

pub async fn list_cases(
    State(s): State<WebState>,
    caller: Caller,
    q: Result<Params<CaseQuery>, ApiError>,
) -> Answer {
    caller.require(Scope::AccountsRead)?;
    let Params(q) = q?;
    let filter = QueueFilter {
        queue: choice("queue", q.queue.as_deref(), Queue::parse, "a queue name")?,
        sla: choice(
            "sla",
            q.sla.as_deref(),
            SlaState::parse,
            "ok, due_soon or breached",
        )?,
        status: choice(
            "status",
            q.status.as_deref(),
            CaseStatus::parse,
            "open or resolved",
        )?,
    };
    let list = s.app.review_queue(&filter).await?;
    Ok(Json(json!({
        "cases": list.iter().map(|QueuedCase { case: c, sla }| case(c, *sla)).collect::<Vec<_>>()
    })))
}

pub async fn get_case(State(s): State<WebState>, caller: Caller, Path(id): Path<String>) -> Answer {
    caller.require(Scope::AccountsRead)?;
    let d = s.app.review_case(&id).await?;
    let mut out = case(&d.case, d.sla);
    out["flags"] = d.flags.iter().map(flag).collect();
    Ok(Json(out))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    agent_id: String,
}

pub async fn claim(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Body<Claim>, ApiError>,
) -> Answer {
    caller.require(Scope::AccountsWrite)?;
    let Body(b) = body?;
    let c = s.app.claim_review_case(&b.agent_id, &id).await?;
    let sla = c.sla_state(s.app.now(), &s.app.policy().review);
    Ok(Json(case(&c, sla)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionIn {
    severity: String,
    reason_code: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resolve {
    agent_id: String,
    resolution: String,
    #[serde(default)]
    action: Option<ActionIn>,
    #[serde(default)]
    note: String,
}

pub async fn resolve(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Body<Resolve>, ApiError>,
) -> Answer {
    caller.require(Scope::AccountsWrite)?;
    let Body(b) = body?;
    let resolution = Resolution::parse(&b.resolution).ok_or_else(|| {
        invalid(format!(
            "resolution: expected dismissed, upheld or escalated, got {:?}",
            b.resolution
        ))
    })?;
    let action = match b.action {
        None => None,
        Some(a) => Some(Enforcement {
            severity: Severity::parse(&a.severity).ok_or_else(|| {
                invalid(format!(
                    "action.severity: expected warning, hold, suspension or ban, got {:?}",
                    a.severity
                ))
            })?,
            reason: ReasonCode::parse(&a.reason_code).ok_or_else(|| {
                invalid(format!(
                    "action.reason_code: unknown code {:?}",
                    a.reason_code
                ))
            })?,
        }),
    };
    let c = s
        .app
        .resolve_review_case(
            &b.agent_id,
            &id,
            ResolveRequest {
                resolution,
                action,
                note: b.note,
            },
        )
        .await?;
    let sla = c.sla_state(s.app.now(), &s.app.policy().review);
    Ok(Json(case(&c, sla)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewFlag {
    reporter_id: String,
    target_type: String,
    target_id: String,
    target_account_id: String,
    reason: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    content: String,
}

pub async fn create_flag(
    State(s): State<WebState>,
    caller: Caller,
    body: Result<Body<NewFlag>, ApiError>,
) -> Created {
    caller.require(Scope::AccountsWrite)?;
    let Body(b) = body?;
    let c = s
        .app
        .flag(FlagRequest {
            reporter_id: b.reporter_id,
            target_type: b.target_type,
            target_id: b.target_id,
            target_account_id: b.target_account_id,
            reason: b.reason,
            note: b.note,
            content: b.content,
        })
        .await?;
    let sla = c.sla_state(s.app.now(), &s.app.policy().review);
    Ok((StatusCode::CREATED, Json(case(&c, sla))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileAppeal {
    statement: String,
}

/// The operator's system files the appeal for the restriction's holder.
pub async fn file_appeal(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Body<FileAppeal>, ApiError>,
) -> Created {
    caller.require(Scope::AccountsWrite)?;
    let Body(b) = body?;
    let a = s
        .app
        .file_appeal(&caller.actor(), &id, &b.statement)
        .await?;
    Ok((StatusCode::CREATED, Json(appeal(&a))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decide {
    agent_id: String,
    decision: String,
    note: String,
}

pub async fn decide_appeal(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Body<Decide>, ApiError>,
) -> Answer {
    caller.require(Scope::AccountsWrite)?;
    let Body(b) = body?;
    let decision = AppealDecision::parse(&b.decision).ok_or_else(|| {
        invalid(format!(
            "decision: expected upheld or overturned, got {:?}",
            b.decision
        ))
    })?;
    let a = s
        .app
        .decide_appeal(&b.agent_id, &id, decision, &b.note)
        .await?;
    Ok(Json(appeal(&a)))
}

#[derive(Deserialize)]
pub struct AppealQuery {
    #[serde(default)]
    status: Option<String>,
}

pub async fn list_appeals(
    State(s): State<WebState>,
    caller: Caller,
    q: Result<Params<AppealQuery>, ApiError>,
) -> Answer {
    caller.require(Scope::AccountsRead)?;
    let Params(q) = q?;
    let status = choice(
        "status",
        q.status.as_deref(),
        AppealStatus::parse,
        "open, upheld or overturned",
    )?;
    let list = s.app.appeals(status).await?;
    Ok(Json(
        json!({"appeals": list.iter().map(appeal).collect::<Vec<_>>()}),
    ))
}
