//! Phone verification over the API: the operator's product asks for a code to a number and
//! passes back what the member typed.

use super::auth::Caller;
use super::body::Body;
use crate::{ApiError, WebState};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use trustwork_app::auth::Scope;
use trustwork_app::phone::PhoneVerification;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Start {
    phone: String,
    channel: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    code: String,
}

fn view(p: &PhoneVerification) -> Value {
    json!({
        "id": p.id,
        "account_id": p.account_id,
        "phone": p.phone,
        "channel": p.channel.as_str(),
        "status": p.status.as_str(),
        "expires_at": p.expires_at.to_rfc3339(),
        "verified_at": p.verified_at.map(|t| t.to_rfc3339()),
    })
}

/// `POST /api/v1/accounts/{id}/phone-verifications`: sends a code.
pub async fn start(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Body<Start>, ApiError>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    caller.require(Scope::AccountsWrite)?;
    let Body(b) = body?;
    let p = s
        .app
        .start_phone_verification(&caller.actor(), &id, &b.phone, &b.channel)
        .await?;
    Ok((StatusCode::CREATED, Json(view(&p))))
}

/// `POST /api/v1/phone-verifications/{id}/check`: the code the member typed.
pub async fn check(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Body<Check>, ApiError>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsWrite)?;
    let Body(b) = body?;
    let p = s
        .app
        .check_phone_code(&caller.actor(), &id, &b.code)
        .await?;
    Ok(Json(view(&p)))
}

/// `GET /api/v1/phone-verifications/{id}`.
pub async fn get(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsRead)?;
    Ok(Json(view(&s.app.phone_verification(&id).await?)))
}
