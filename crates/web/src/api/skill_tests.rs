//! Skill tests (`/api/v1/skill-tests`, `/api/v1/accounts/{id}/skill-tests…`): a freelancer's
//! attempts, answered one question at a time and finished for a score and a percentile. The
//! right answers never leave the server.

use super::auth::Caller;
use super::body::Body;
use crate::{ApiError, WebState};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use trustwork_app::auth::Scope;

/// `GET /api/v1/skill-tests`: the tests anyone may take.
pub async fn list(State(s): State<WebState>, caller: Caller) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsRead)?;
    Ok(Json(json!({ "tests": s.app.skill_tests() })))
}

/// `GET /api/v1/accounts/{id}/skill-tests`: the freelancer's best result per test and the
/// skills they verify.
pub async fn results(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsRead)?;
    let results = s.app.skill_test_results(&id).await?;
    let verified = trustwork_app::skill_tests::verified_skills(&results);
    Ok(Json(
        json!({ "results": results, "verified_skills": verified }),
    ))
}

/// `POST /api/v1/accounts/{id}/skill-tests/{slug}/attempts`: starts the clock.
pub async fn start(
    State(s): State<WebState>,
    caller: Caller,
    Path((id, slug)): Path<(String, String)>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    caller.require(Scope::AccountsWrite)?;
    let attempt = s.app.start_skill_test(&id, &slug).await?;
    Ok((StatusCode::CREATED, Json(json!(attempt))))
}

/// `GET /api/v1/accounts/{id}/skill-test-attempts/{attempt}`.
pub async fn attempt(
    State(s): State<WebState>,
    caller: Caller,
    Path((id, attempt)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsRead)?;
    Ok(Json(json!(s.app.skill_test_attempt(&id, &attempt).await?)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerBody {
    /// 1-based, in the order asked.
    question: usize,
    /// 0-based.
    choice: usize,
}

/// `POST /api/v1/accounts/{id}/skill-test-attempts/{attempt}/answers` `{"question", "choice"}`.
pub async fn answer(
    State(s): State<WebState>,
    caller: Caller,
    Path((id, attempt)): Path<(String, String)>,
    body: Result<Body<AnswerBody>, ApiError>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsWrite)?;
    s.app.account(&id).await?;
    let Body(b) = body?;
    let view = s
        .app
        .answer_skill_test(&id, &attempt, b.question, b.choice)
        .await?;
    Ok(Json(json!(view)))
}

/// `POST /api/v1/accounts/{id}/skill-test-attempts/{attempt}/finish` → `{"score", "passed",
/// "percentile", "top_percent"}`.
pub async fn finish(
    State(s): State<WebState>,
    caller: Caller,
    Path((id, attempt)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsWrite)?;
    Ok(Json(json!(s.app.finish_skill_test(&id, &attempt).await?)))
}
