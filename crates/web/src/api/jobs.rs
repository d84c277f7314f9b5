//! Job posts and their review (`/api/v1/jobs`).

use super::auth::Caller;
use super::body::Body;
use crate::{ApiError, WebState};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use trustwork_app::auth::Scope;
use trustwork_app::records::JobPost;
use trustwork_core::marketplace::JobReviewDecision;

fn time(t: trustwork_core::Timestamp) -> String {
    t.to_rfc3339()
}

/// A post with its review: the case, when it is due and how that stands, and the decision.
async fn job_json(s: &WebState, j: &JobPost) -> Result<Value, ApiError> {
    let review = match &j.review.case_id {
        None => Value::Null,
        Some(case_id) => {
            let case = s.app.review_case(case_id).await?;
            json!({
                "case_id": case_id,
                "due_at": time(case.case.sla_due_at),
                "sla": if case.case.status.as_str() == "open" { case.sla.as_str() } else { "met" },
                "decision": j.review.decision.map(|d| d.as_str()),
                "note": j.review.note,
                "reviewed_at": j.review.reviewed_at.map(time),
                "reviewed_by": j.review.reviewed_by,
            })
        }
    };
    let verified = s
        .app
        .clients_with_verified_payment([j.client_id.as_str()])
        .await?
        .contains(&j.client_id);
    Ok(json!({
        "id": j.id,
        "client_id": j.client_id,
        "client_payment_verified": verified,
        "title": j.title,
        "status": j.status.as_str(),
        "visibility": j.visibility.as_str(),
        "created_at": time(j.created_at),
        "version": trustwork_app::jobs::content_version(j),
        "review": review,
    }))
}

/// `GET /api/v1/jobs/{id}`.
pub async fn get_job(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsRead)?;
    let job = s.app.job(&id).await?;
    Ok(Json(job_json(&s, &job).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewBody {
    agent_id: String,
    decision: String,
    #[serde(default)]
    note: String,
    /// The `version` of the post the agent read; refused with 409 if it changed since.
    #[serde(default)]
    version: Option<String>,
}

/// `POST /api/v1/jobs/{id}/review` `{"agent_id", "decision", "note"}`.
pub async fn review(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Body<ReviewBody>, ApiError>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsWrite)?;
    let Body(b) = body?;
    let decision = JobReviewDecision::parse(&b.decision).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
            format!(
                "decision: expected approve, reject or request_changes, got {:?}",
                b.decision
            ),
        )
    })?;
    let job = s
        .app
        .review_job_seen(&b.agent_id, &id, decision, &b.note, b.version.as_deref())
        .await?;
    Ok(Json(job_json(&s, &job).await?))
}
