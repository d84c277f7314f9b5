//! The application layer's error: what a use case can answer besides success. Each variant has a
//! stable code; internal details go to the log, never to the client.

use trustwork_core::DomainError;
use trustwork_core::enforcement::{EventError, PolicyError};
use trustwork_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error("{entity} {id} not found")]
    NotFound { entity: &'static str, id: String },
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("{0}")]
    Conflict(String),
    #[error("wrong email or password")]
    BadCredentials,
    #[error("too many failed sign-ins; try again in {retry_after_secs} seconds")]
    TooManyAttempts { retry_after_secs: i64 },
    #[error("the account may not sign in")]
    LoginDenied,
    #[error("{0}")]
    Event(EventError),
    #[error("{0}")]
    Policy(PolicyError),
    /// Too many wrong tries of something other than a password (a phone code).
    #[error("{0}")]
    Locked(String),
    /// A service Trustwork depends on (a voice/SMS provider) failed; the caller may retry.
    #[error("{0}")]
    Unavailable(String),
    /// Something that existed is gone for good: a used or expired link, purged evidence.
    #[error("{message}")]
    Gone { code: &'static str, message: String },
    /// The caller is known but may not do this (another account's link, another agent's call).
    #[error("{0}")]
    Forbidden(String),
    #[error("internal error")]
    Internal(String),
}

impl AppError {
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Domain(e) => e.code(),
            AppError::NotFound { .. } => "not_found",
            AppError::Invalid { .. } => "invalid_input",
            AppError::Conflict(_) => "conflict",
            AppError::BadCredentials => "bad_credentials",
            AppError::TooManyAttempts { .. } => "too_many_attempts",
            AppError::LoginDenied => "login_denied",
            AppError::Event(_) => "invalid_input",
            AppError::Policy(_) => "invalid_policy",
            AppError::Locked(_) => "locked",
            AppError::Unavailable(_) => "provider_unavailable",
            AppError::Gone { code, .. } => code,
            AppError::Forbidden(_) => "forbidden",
            AppError::Internal(_) => "internal",
        }
    }

    /// The full description, internal details included: for logs and admin pages, never for
    /// API clients.
    pub fn detail(&self) -> String {
        match self {
            AppError::Internal(detail) => format!("internal error: {detail}"),
            other => other.to_string(),
        }
    }

    pub fn gone(code: &'static str, message: impl Into<String>) -> Self {
        AppError::Gone {
            code,
            message: message.into(),
        }
    }

    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        AppError::Invalid {
            field,
            message: message.into(),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { entity, id } => AppError::NotFound { entity, id },
            StoreError::Conflict { what } => AppError::Conflict(what.to_owned()),
            other => AppError::Internal(other.to_string()),
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
