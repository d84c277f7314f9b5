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
use trustwork_app::records::Profile;
use trustwork_core::profile::{ProfileInput, ProfileVisibility};

/// `GET /api/v1/skills`: every skill and tool of the taxonomy.
pub async fn skills(caller: Caller) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsRead)?;
    Ok(Json(json!({ "skills": trustwork_core::skills::all() })))
}

fn profile_json(p: &Profile) -> Value {
    json!({
        "account_id": p.account_id,
        "title": p.input.title,
        "overview": p.input.overview,
        "hourly_rate_cents": p.input.hourly_rate_cents,
        "skills": p.input.skills,
        "visibility": p.input.visibility.as_str(),
        "missing_for_submission": trustwork_core::profile::missing_for_submission(&p.input),
        "created_at": p.created_at.to_rfc3339(),
        "updated_at": p.updated_at.to_rfc3339(),
    })
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
    Ok(Json(profile_json(&profile)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileBody {
    title: String,
    overview: String,
    hourly_rate_cents: i64,
    skills: Vec<String>,
    visibility: String,
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
            },
        )
        .await?;
    Ok(Json(profile_json(&saved)))
}
