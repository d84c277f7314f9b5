/// What can go wrong in storage. Backend details are for logs, never for API clients.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{entity} {id} not found")]
    NotFound { entity: &'static str, id: String },
    #[error("{what}")]
    Conflict { what: &'static str },
    #[error("stored {entity} {id} is unreadable: {detail}")]
    Corrupt {
        entity: &'static str,
        id: String,
        detail: String,
    },
    #[error("database error: {0}")]
    Backend(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    pub(crate) fn not_found(entity: &'static str, id: &str) -> Self {
        StoreError::NotFound {
            entity,
            id: id.to_owned(),
        }
    }

    pub(crate) fn corrupt(entity: &'static str, id: &str, detail: impl Into<String>) -> Self {
        StoreError::Corrupt {
            entity,
            id: id.to_owned(),
            detail: detail.into(),
        }
    }

    /// Maps a unique-constraint violation to [`StoreError::Conflict`].
    pub(crate) fn on_unique(err: sqlx::Error, what: &'static str) -> Self {
        match &err {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict { what },
            _ => StoreError::Backend(err),
        }
    }
}
