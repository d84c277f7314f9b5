use super::auth::Caller;
use super::body::Body;
use super::dto;
use crate::{ApiError, WebState};
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Value, json};
use trustwork_app::auth::Scope;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Advance {
    #[serde(deserialize_with = "super::body::whole_number")]
    seconds: i64,
}

/// Demo mode only: moves the test clock forward and fires what fell due.
pub async fn advance(
    State(s): State<WebState>,
    caller: Caller,
    body: Result<Body<Advance>, ApiError>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::Admin)?;
    let Body(b) = body?;
    let now = s.app.advance_clock(&caller.actor(), b.seconds).await?;
    Ok(Json(json!({"now": now.to_rfc3339()})))
}

pub async fn timers(State(s): State<WebState>, caller: Caller) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::Admin)?;
    let timers = s.app.timers().await?;
    Ok(Json(
        json!({"timers": timers.iter().map(dto::timer).collect::<Vec<_>>()}),
    ))
}
