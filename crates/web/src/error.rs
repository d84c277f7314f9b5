//! The API's error answer: `{"error": {"code": "snake_case", "message": "..."}}` with the right
//! status. Internal details are logged, never returned.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use trustwork_app::AppError;
use trustwork_core::DomainError;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Machine-readable facts added beside `code` and `message`, e.g. the `capability` and the
    /// `reasons` of a `capability_denied`.
    pub details: Map<String, Value>,
    /// Seconds for a `Retry-After` header (429s).
    pub retry_after_secs: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            details: Map::new(),
            retry_after_secs: None,
        }
    }

    /// Adds `Retry-After`, and `retry_after_secs` beside the message.
    #[must_use]
    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.retry_after_secs = Some(secs);
        self.with_detail("retry_after_secs", json!(secs))
    }

    /// Adds a machine-readable fact to the error object.
    #[must_use]
    pub fn with_detail(mut self, key: &str, value: Value) -> Self {
        self.details.insert(key.to_owned(), value);
        self
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "a valid bearer token is required",
        )
    }

    pub fn forbidden(scope: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!("the token lacks the {scope} scope"),
        )
    }

    /// A field the handler itself refused (an enum's name, a time), in the shape the use
    /// cases answer with (`field: message`, 422 `invalid_input`).
    pub fn invalid_field(field: &'static str, message: impl Into<String>) -> Self {
        AppError::invalid(field, message).into()
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{what} not found"),
        )
    }
}

/// The HTTP status for each application error: an exhaustive match, so a new variant must be
/// given its status here before it compiles (no default to a 500).
pub fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::Domain(d) => domain_status(d),
        AppError::LoginDenied | AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::Gone { .. } => StatusCode::GONE,
        AppError::NotFound { .. } => StatusCode::NOT_FOUND,
        AppError::Invalid { .. } | AppError::Event(_) | AppError::Policy(_) => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::BadCredentials => StatusCode::UNAUTHORIZED,
        AppError::TooManyAttempts { .. } | AppError::Locked(_) => StatusCode::TOO_MANY_REQUESTS,
        AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn domain_status(e: &DomainError) -> StatusCode {
    match e {
        DomainError::CapabilityDenied { .. } => StatusCode::FORBIDDEN,
        DomainError::InsufficientBalance { .. } | DomainError::PaymentMethodNotVerified { .. } => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        DomainError::VerificationAlreadyOpen { .. }
        | DomainError::CaseClosed { .. }
        | DomainError::AlreadyLifted { .. }
        | DomainError::InvalidTransition { .. }
        | DomainError::ReviewCaseResolved { .. }
        | DomainError::ReviewCaseClaimed { .. }
        | DomainError::ReviewClaimRequired { .. }
        | DomainError::AlreadyFlagged { .. }
        | DomainError::AppealAlreadyFiled { .. }
        | DomainError::AppealWindowClosed { .. }
        | DomainError::AlreadyOverturned { .. }
        | DomainError::AppealAlreadyDecided { .. }
        | DomainError::AppealSameAgent { .. } => StatusCode::CONFLICT,
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let status = status_of(&e);
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!(error = %e.detail(), "request failed");
        }
        let error = Self::new(status, e.code(), e.to_string());
        match &e {
            // Clients branch on the reason codes, not on the sentence.
            AppError::Domain(DomainError::CapabilityDenied {
                capability,
                reasons,
            }) => error
                .with_detail("capability", json!(capability.as_str()))
                .with_detail(
                    "reasons",
                    json!(reasons.iter().map(|r| r.as_str()).collect::<Vec<_>>()),
                ),
            AppError::TooManyAttempts { retry_after_secs } => {
                error.with_retry_after(u64::try_from(*retry_after_secs).unwrap_or(1))
            }
            _ => error,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut error = Map::new();
        error.insert("code".to_owned(), json!(self.code));
        error.insert("message".to_owned(), json!(self.message));
        // `code` and `message` are always the ones above, whatever the details say.
        for (key, value) in self.details {
            error.entry(key).or_insert(value);
        }
        let mut response = (self.status, Json(json!({ "error": error }))).into_response();
        if let Some(secs) = self.retry_after_secs {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, secs.into());
        }
        response
    }
}
