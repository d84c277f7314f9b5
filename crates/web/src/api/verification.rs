use super::auth::Caller;
use super::body::{Body, OptionalBody};
use super::dto;
use crate::{ApiError, WebState};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use trustwork_app::auth::Scope;
use trustwork_core::verification::Outcome;

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
                "outcome: expected verified, needs_documents or failed, got {:?}",
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
