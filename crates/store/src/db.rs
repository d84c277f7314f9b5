//! The connection pool and transactions.

use crate::Result;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, Transaction};
use std::str::FromStr;
use std::time::Duration;

/// Which database is behind the pool. SQL is shared; only a few statements differ (how a write
/// transaction begins).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Option<Self> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// The database: a pool plus the knowledge of which backend it is.
#[derive(Clone)]
pub struct Db {
    pub(crate) pool: AnyPool,
    backend: Backend,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("backend", &self.backend)
            .finish()
    }
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl Db {
    /// Connects to `sqlite://PATH` (the file is created if missing) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url).ok_or_else(|| {
            sqlx::Error::Configuration(
                format!(
                    "unsupported database URL (use sqlite:// or postgres://): {}",
                    redact(url)
                )
                .into(),
            )
        })?;
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            }
            _ => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = match backend {
            Backend::Sqlite => {
                AnyPoolOptions::new()
                    .max_connections(4)
                    .acquire_timeout(Duration::from_secs(30))
                    // A local file does not drop connections: skip the ping before each use,
                    // one round trip to the connection's thread per transaction.
                    .test_before_acquire(false)
                    .after_connect(|conn, _meta| {
                        Box::pin(async move {
                            // WAL lets readers run beside the writer; busy_timeout makes a second
                            // writer wait instead of failing; SQLite leaves foreign keys off
                            // unless asked.
                            for pragma in [
                                "PRAGMA journal_mode = WAL",
                                "PRAGMA busy_timeout = 10000",
                                "PRAGMA foreign_keys = ON",
                                "PRAGMA synchronous = NORMAL",
                                // 16 MB of pages per connection instead of 2: the indexes the
                                // event pipeline reads stay in memory under load.
                                "PRAGMA cache_size = -16000",
                                // Checkpoint every 16 MB of WAL instead of 4: a page the event
                                // pipeline changes many times is copied back to the file once.
                                "PRAGMA wal_autocheckpoint = 4000",
                            ] {
                                sqlx::query(pragma).execute(&mut *conn).await?;
                            }
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await?
            }
            Backend::Postgres => {
                AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(options)
                    .await?
            }
        };
        Ok(Self { pool, backend })
    }

    /// Applies the embedded migrations that have not run yet.
    pub async fn migrate(&self) -> Result<()> {
        MIGRATOR.run(&self.pool).await?;
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Starts a transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`): a
    /// deferred transaction that reads and then writes fails outright if another connection
    /// wrote in between, and busy_timeout cannot help with that.
    pub async fn begin(&self) -> Result<Tx> {
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(Tx {
            inner: tx,
            backend: self.backend,
        })
    }

    /// Starts a transaction that only reads. On SQLite it does not take the write lock, so it
    /// runs beside the writer (WAL); writing in it may fail with "database is locked".
    pub async fn read(&self) -> Result<Tx> {
        Ok(Tx {
            inner: self.pool.begin().await?,
            backend: self.backend,
        })
    }

    /// Checks that the database answers (for `/readyz`).
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// A database transaction. Repository functions are its methods; nothing is visible to others
/// until [`Tx::commit`], and dropping it rolls back.
pub struct Tx {
    pub(crate) inner: Transaction<'static, Any>,
    pub(crate) backend: Backend,
}

impl Tx {
    pub async fn commit(self) -> Result<()> {
        self.inner.commit().await?;
        Ok(())
    }

    /// Marks a point to roll back to without losing the rest of the transaction: one event of
    /// a group commit can fail alone. `name` is a plain identifier chosen by the caller.
    pub async fn savepoint(&mut self, name: &'static str) -> Result<()> {
        let sql = sqlx::AssertSqlSafe(format!("SAVEPOINT {name}"));
        sqlx::query(sql).execute(self.conn()).await?;
        Ok(())
    }

    pub async fn release_savepoint(&mut self, name: &'static str) -> Result<()> {
        let sql = sqlx::AssertSqlSafe(format!("RELEASE SAVEPOINT {name}"));
        sqlx::query(sql).execute(self.conn()).await?;
        Ok(())
    }

    /// Undoes everything since [`Tx::savepoint`] and ends the savepoint.
    pub async fn rollback_to_savepoint(&mut self, name: &'static str) -> Result<()> {
        for sql in [
            format!("ROLLBACK TO SAVEPOINT {name}"),
            format!("RELEASE SAVEPOINT {name}"),
        ] {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(self.conn())
                .await?;
        }
        Ok(())
    }

    pub(crate) fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.inner
    }
}

/// A URL without its password, for error messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}://{user}:***{}", &url[..scheme_end], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("sqlite:///tmp/x.db"), "sqlite:///tmp/x.db");
    }

    #[test]
    fn knows_backends_by_scheme() {
        assert_eq!(Backend::from_url("sqlite://x"), Some(Backend::Sqlite));
        assert_eq!(Backend::from_url("postgresql://x"), Some(Backend::Postgres));
        assert_eq!(Backend::from_url("mysql://x"), None);
    }
}
