use super::auth::Caller;
use super::body::{Body, OptionalBody};
use super::dto;
use crate::{ApiError, WebState};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};
use trustwork_app::auth::Scope;
use trustwork_core::evidence::EvidenceKind;
use trustwork_core::verification::Outcome;
use trustwork_core::verification_questions::Mark;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RequireVerification {
    #[serde(default)]
    reason: Option<String>,
}

/// The reason is required (blank or missing: 422 naming `reason`); an empty body is read as a
/// request without one.
pub async fn require(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<OptionalBody<RequireVerification>, ApiError>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    caller.require(Scope::AccountsWrite)?;
    let OptionalBody(body) = body?;
    let reason = body.reason.unwrap_or_default();
    let case = s
        .app
        .require_verification(&caller.actor(), &id, &reason)
        .await?;
    Ok((StatusCode::CREATED, Json(dto::case(&case))))
}

pub async fn cases_of(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsRead)?;
    let cases = s.app.verification_cases_of(&id).await?;
    Ok(Json(
        json!({"cases": cases.iter().map(dto::case).collect::<Vec<_>>()}),
    ))
}

pub async fn get_case(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsRead)?;
    Ok(Json(dto::case(&s.app.verification_case(&id).await?)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordOutcome {
    outcome: String,
    #[serde(default)]
    note: String,
}

pub async fn outcome(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Body<RecordOutcome>, ApiError>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsWrite)?;
    let Body(b) = body?;
    let outcome = Outcome::parse(&b.outcome).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
            format!(
                "outcome: expected verified, further_review, needs_documents or failed, got {:?}",
                b.outcome
            ),
        )
    })?;
    let case = s
        .app
        .record_verification_outcome(&caller.actor(), &id, outcome, &b.note)
        .await?;
    Ok(Json(dto::case(&case)))
}

/// Room for an 8 MB file plus the multipart framing.
pub const UPLOAD_BODY_LIMIT: usize = trustwork_core::evidence::MAX_EVIDENCE_BYTES + 64 * 1024;

/// `POST /api/v1/verification-cases/{id}/sessions`: a one-time link to the hosted page.
pub async fn create_session(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    caller.require(Scope::AccountsWrite)?;
    let link = s
        .app
        .create_verification_session(&caller.actor(), &id)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "id": link.session.id,
            "url": link.url,
            "expires_at": link.session.expires_at.to_rfc3339(),
        })),
    ))
}

/// `GET /api/v1/verification-queue`.
pub async fn queue(State(s): State<WebState>, caller: Caller) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsRead)?;
    let q = s.app.verification_queue().await?;
    Ok(Json(json!({
        "waiting": q.waiting.iter().map(|p| json!({
            "case_id": p.call.case_id,
            "call_id": p.call.id,
            "position": p.position,
            "waiting_since": p.call.joined_at.to_rfc3339(),
            "estimated_wait_seconds": p.estimated_wait_seconds,
        })).collect::<Vec<_>>(),
        "agents_available": q.agents_available,
    })))
}

fn question_json(q: &trustwork_app::records::Question) -> Value {
    json!({
        "id": q.id,
        "topic": q.topic.as_str(),
        "prompt": q.prompt,
        "expected": q.expected,
        "mark": q.mark.as_str(),
        "call_id": (!q.call_id.is_empty()).then_some(&q.call_id),
    })
}

/// `GET /api/v1/verification-cases/{id}/questions`: the current set, drawn when there is none.
pub async fn questions(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsWrite)?;
    let qs = s.app.verification_questions(&id).await?;
    Ok(Json(
        json!({"questions": qs.iter().map(question_json).collect::<Vec<_>>()}),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkBody {
    mark: String,
}

/// `POST /api/v1/verification-cases/{id}/questions/{question_id}` `{"mark"}`.
pub async fn mark_question(
    State(s): State<WebState>,
    caller: Caller,
    Path((id, qid)): Path<(String, String)>,
    body: Result<Body<MarkBody>, ApiError>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsWrite)?;
    let Body(b) = body?;
    let mark = Mark::parse(&b.mark).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
            format!(
                "mark: expected matched, not_matched or not_asked, got {:?}",
                b.mark
            ),
        )
    })?;
    let q = s
        .app
        .mark_verification_question(&caller.actor(), &id, &qid, mark)
        .await?;
    Ok(Json(question_json(&q)))
}

#[derive(Deserialize)]
pub struct EvidenceQuery {
    #[serde(default)]
    kind: String,
}

/// `POST /api/v1/verification-cases/{id}/evidence?kind=id_capture` with the image as the body.
pub async fn add_evidence(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(q): Query<EvidenceQuery>,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    caller.require(Scope::AccountsWrite)?;
    // The case first: an unknown one is 404 whatever was sent.
    s.app.verification_case(&id).await?;
    let body = body.map_err(|e| ApiError::new(e.status(), "invalid_upload", e.body_text()))?;
    let kind = EvidenceKind::parse(&q.kind).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
            format!(
                "kind: expected id_capture, id_front, id_back or selfie, got {:?}",
                q.kind
            ),
        )
    })?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !matches!(content_type, "image/jpeg" | "image/png") {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the image as the body with Content-Type: image/jpeg or image/png",
        ));
    }
    let e = s
        .app
        .add_evidence(&caller.actor(), &id, kind, &body, true)
        .await?;
    Ok((StatusCode::CREATED, Json(evidence_json(&e))))
}

fn evidence_json(e: &trustwork_app::records::Evidence) -> Value {
    json!({
        "id": e.id,
        "kind": e.kind.as_str(),
        "content_type": e.content_type,
        "size_bytes": e.size_bytes,
        "created_at": e.created_at.to_rfc3339(),
        "purged_at": e.purged_at.map(|t| t.to_rfc3339()),
    })
}

/// `POST /api/v1/verification-cases/{id}/documents`: multipart `kind` and `file`.
pub async fn add_document(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    caller.require(Scope::AccountsWrite)?;
    s.app.verification_case(&id).await?;
    let multipart = multipart.map_err(|e| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!(
                "send multipart/form-data with the fields kind and file ({})",
                e.body_text()
            ),
        )
    })?;
    let (kind, bytes) = crate::console::read_document(multipart).await?;
    let e = s
        .app
        .add_evidence(&caller.actor(), &id, kind, &bytes, false)
        .await?;
    Ok((StatusCode::CREATED, Json(evidence_json(&e))))
}

/// `GET /api/v1/verification-cases/{id}/evidence`: what is kept, without the files.
pub async fn list_evidence(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsRead)?;
    let all = s.app.evidence_of_case(&id).await?;
    Ok(Json(
        json!({"evidence": all.iter().map(evidence_json).collect::<Vec<_>>()}),
    ))
}

/// `GET /api/v1/verification-cases/{id}/evidence/{evidence_id}`: the file itself, for tokens
/// with the evidence scope; the view is audited; 410 once purged.
pub async fn get_evidence(
    State(s): State<WebState>,
    caller: Caller,
    Path((id, eid)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    caller.require(Scope::EvidenceRead)?;
    let file = s.app.view_evidence(&caller.actor(), &id, &eid).await?;
    Ok(crate::console::evidence_response(file))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactsBody {
    #[serde(default)]
    street_address: String,
    #[serde(default)]
    college: String,
    #[serde(default)]
    skills: Vec<String>,
}

fn facts_json(f: &trustwork_core::verification_questions::AccountFacts) -> Value {
    json!({
        "street_address": f.street_address,
        "college": f.college,
        "skills": f.skills,
    })
}

/// `GET /api/v1/accounts/{id}/facts`: the profile facts verification questions use.
pub async fn get_facts(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsRead)?;
    Ok(Json(facts_json(&s.app.account_facts(&id).await?)))
}

/// `PUT /api/v1/accounts/{id}/facts`.
pub async fn put_facts(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Body<FactsBody>, ApiError>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsWrite)?;
    s.app.account(&id).await?;
    let Body(b) = body?;
    s.app
        .put_account_facts(
            &caller.actor(),
            &id,
            &b.street_address,
            &b.college,
            &b.skills,
        )
        .await?;
    Ok(Json(facts_json(&s.app.account_facts(&id).await?)))
}
