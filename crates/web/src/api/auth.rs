//! Bearer-token authentication for the API.

use crate::{ApiError, WebState};
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use trustwork_app::auth::{ApiCaller, Scope};
use trustwork_core::Actor;

/// The authenticated caller of an API route.
pub struct Caller(pub ApiCaller);

impl Caller {
    pub fn require(&self, scope: Scope) -> Result<(), ApiError> {
        if self.0.has(scope) {
            Ok(())
        } else {
            Err(ApiError::forbidden(scope.as_str()))
        }
    }

    pub fn actor(&self) -> Actor {
        Actor::ApiToken(self.0.token_id.clone())
    }
}

impl FromRequestParts<WebState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(ApiError::unauthorized)?;
        let secret = header
            .strip_prefix("Bearer ")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or_else(ApiError::unauthorized)?;
        let caller = state
            .app
            .api_caller(secret)
            .await?
            .ok_or_else(ApiError::unauthorized)?;
        Ok(Caller(caller))
    }
}
