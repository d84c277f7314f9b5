//! The skill taxonomy and freelancers' profiles (`/api/v1/skills`,
//! `/api/v1/accounts/{id}/profile`).

use super::auth::Caller;
use super::body::Body;
use crate::{ApiError, WebState};
use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::{Value, json};
use trustwork_app::AppError;
use trustwork_app::auth::Scope;
use trustwork_app::profile_approval::ProfileDecision;
use trustwork_app::records::Profile;
use trustwork_app::skill_tests::TestResult;
use trustwork_core::profile::{ProfileInput, ProfileVisibility};
use trustwork_core::profile_details as details;

/// `GET /api/v1/skills`: every skill and tool of the taxonomy.
pub async fn skills(caller: Caller) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsRead)?;
    Ok(Json(json!({ "skills": trustwork_core::skills::all() })))
}

fn profile_json(p: &Profile, tests: &[TestResult]) -> Value {
    let verified = trustwork_app::skill_tests::verified_skills(tests);
    json!({
        "account_id": p.account_id,
        "title": p.input.title,
        "overview": p.input.overview,
        "hourly_rate_cents": p.input.hourly_rate_cents,
        "skills": p.input.skills,
        "visibility": p.input.visibility.as_str(),
        "portfolio": p.input.details.portfolio,
        "certificates": p.input.details.certificates,
        "education": p.input.details.education,
        "languages": p.input.details.languages,
        "skill_tests": tests,
        "verified_skills": verified,
        "missing_for_submission": trustwork_core::profile::missing_for_submission(&p.input),
        "approval": {
            "status": p.approval.status.as_str(),
            "reason": p.approval.reason.map(|r| r.as_str()),
            "letter": p.approval.reason.map(|r| r.letter()),
            "note": p.approval.note,
            "resubmit_after": p.approval.resubmit_after.map(|t| t.to_rfc3339()),
            "review_case_id": p.approval.review_case_id,
            "submitted_at": p.approval.submitted_at.map(|t| t.to_rfc3339()),
            "decided_at": p.approval.decided_at.map(|t| t.to_rfc3339()),
        },
        "created_at": p.created_at.to_rfc3339(),
        "updated_at": p.updated_at.to_rfc3339(),
    })
}

/// The profile with the freelancer's test results.
async fn respond(s: &WebState, p: &Profile) -> Result<Json<Value>, ApiError> {
    let tests = s.app.skill_test_results(&p.account_id).await?;
    Ok(Json(profile_json(p, &tests)))
}

/// `GET /api/v1/accounts/{id}/profile`.
pub async fn get_profile(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsRead)?;
    let profile = s
        .app
        .profile(&id)
        .await?
        .ok_or_else(|| AppError::NotFound {
            entity: "profile",
            id: id.clone(),
        })?;
    respond(&s, &profile).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileBody {
    title: String,
    overview: String,
    hourly_rate_cents: i64,
    skills: Vec<String>,
    visibility: String,
    #[serde(default)]
    portfolio: Vec<details::PortfolioItem>,
    #[serde(default)]
    certificates: Vec<details::Certificate>,
    #[serde(default)]
    education: Vec<details::Education>,
    #[serde(default)]
    languages: Vec<details::Language>,
}

/// `PUT /api/v1/accounts/{id}/profile`: the texts go through the pipeline first.
pub async fn put_profile(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Body<ProfileBody>, ApiError>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsWrite)?;
    s.app.account(&id).await?;
    let Body(b) = body?;
    let visibility = ProfileVisibility::parse(&b.visibility)
        .ok_or_else(|| AppError::invalid("visibility", "expected public or private"))?;
    let saved = s
        .app
        .put_profile(
            &caller.actor(),
            &id,
            ProfileInput {
                title: b.title,
                overview: b.overview,
                hourly_rate_cents: b.hourly_rate_cents,
                skills: b.skills,
                visibility,
                details: details::ProfileDetails {
                    portfolio: b.portfolio,
                    certificates: b.certificates,
                    education: b.education,
                    languages: b.languages,
                },
            },
        )
        .await?;
    respond(&s, &saved).await
}

/// `POST /api/v1/accounts/{id}/profile/submit`: the automatic checks, then the review queue.
pub async fn submit(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsWrite)?;
    let profile = s.app.submit_profile(&id).await?;
    respond(&s, &profile).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewBody {
    agent_id: String,
    decision: String,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    note: String,
}

/// `POST /api/v1/accounts/{id}/profile/review` `{"agent_id", "decision", "reason"?, "note"}`.
pub async fn review(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Body<ReviewBody>, ApiError>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsWrite)?;
    s.app.account(&id).await?;
    let Body(b) = body?;
    let decision = ProfileDecision::parse(&b.decision, b.reason.as_deref())?;
    let profile = s
        .app
        .review_profile(&b.agent_id, &id, decision, &b.note)
        .await?;
    respond(&s, &profile).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReReviewBody {
    note: String,
}

/// `POST /api/v1/accounts/{id}/profile/re-review` `{"note"}`: a refused freelancer with three
/// verified skills asks for another look (a case in the profiles queue).
pub async fn re_review(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Body<ReReviewBody>, ApiError>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsWrite)?;
    s.app.account(&id).await?;
    let Body(b) = body?;
    let profile = s.app.request_profile_re_review(&id, &b.note).await?;
    respond(&s, &profile).await
}
