//! Bearer-token authentication for the API.

use crate::{ApiError, WebState};
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
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
        // The scheme is case-insensitive (RFC 9110): `bearer` and `BEARER` are `Bearer`.
        let secret = header
            .split_once(' ')
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, secret)| secret.trim())
            .filter(|s| !s.is_empty())
            .ok_or_else(ApiError::unauthorized)?;
        let caller = state
            .app
            .api_caller(secret)
            .await?
            .ok_or_else(ApiError::unauthorized)?;
        if let Some(limiter) = &state.rate_limiter
            && let Err(wait) = limiter.take(&caller.token_id, std::time::Instant::now())
        {
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("this token is over its request rate; retry in {secs} s"),
            )
            .with_retry_after(secs));
        }
        Ok(Caller(caller))
    }
}
