//! Throwaway databases for tests: a temporary SQLite file always, and a fresh PostgreSQL
//! database when `TRUSTWORK_TEST_POSTGRES_URL` is set. Used by the test suites of this and the
//! other crates; not used by the server.

use crate::{Db, Result};
use std::future::Future;
use std::path::PathBuf;

/// The environment variable that turns on the PostgreSQL half of every storage test.
pub const POSTGRES_URL_VAR: &str = "TRUSTWORK_TEST_POSTGRES_URL";

/// A migrated, empty database that [`TestDb::cleanup`] removes.
pub struct TestDb {
    pub db: Db,
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    SqliteDir(PathBuf),
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    /// A new SQLite database file in its own temporary directory.
    pub async fn sqlite() -> Result<Self> {
        let dir =
            std::env::temp_dir().join(format!("trustwork-test-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).map_err(sqlx::Error::Io)?;
        let url = format!("sqlite://{}", dir.join("test.db").display());
        let db = Db::connect(&url).await?;
        db.migrate().await?;
        Ok(Self {
            db,
            url,
            cleanup: Cleanup::SqliteDir(dir),
        })
    }

    /// A new database on the PostgreSQL server at `admin_url`.
    pub async fn postgres(admin_url: &str) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let name = format!("tw_test_{}", uuid::Uuid::new_v4().simple());
        let admin = Db::connect(admin_url).await?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&admin.pool)
            .await?;
        admin.close().await;
        let url = with_database(admin_url, &name);
        let db = Db::connect(&url).await?;
        db.migrate().await?;
        Ok(Self {
            db,
            url,
            cleanup: Cleanup::Postgres {
                admin_url: admin_url.to_owned(),
                name,
            },
        })
    }

    /// Another new database on the same kind of server as `db` (for tests that compare two).
    pub async fn like(db: &Db) -> Result<Self> {
        match (db.backend(), postgres_url()) {
            (crate::Backend::Postgres, Some(url)) => Self::postgres(&url).await,
            _ => Self::sqlite().await,
        }
    }

    /// Closes the pool and deletes the database.
    pub async fn cleanup(self) {
        self.db.close().await;
        match self.cleanup {
            Cleanup::SqliteDir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Postgres { admin_url, name } => {
                if let Ok(admin) = Db::connect(&admin_url).await {
                    let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    if let Err(e) = sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                        .execute(&admin.pool)
                        .await
                    {
                        eprintln!("could not drop test database {name}: {e}");
                    }
                    admin.close().await;
                }
            }
        }
    }
}

/// The PostgreSQL URL for tests, if set. In CI (`CI` set) a missing URL is a failure, not a
/// silent skip: CI must run every storage test on both databases.
pub fn postgres_url() -> Option<String> {
    match std::env::var(POSTGRES_URL_VAR) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            if std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false") {
                panic!("{POSTGRES_URL_VAR} must be set in CI so PostgreSQL tests run");
            }
            None
        }
    }
}

/// Runs `test` on a fresh SQLite database, then on a fresh PostgreSQL database when configured.
/// Each run gets its own database, removed afterwards.
pub async fn each_backend<F, Fut>(test: F)
where
    F: Fn(Db) -> Fut,
    Fut: Future<Output = ()>,
{
    let sqlite = match TestDb::sqlite().await {
        Ok(t) => t,
        Err(e) => panic!("cannot create a SQLite test database: {e}"),
    };
    test(sqlite.db.clone()).await;
    sqlite.cleanup().await;
    if let Some(url) = postgres_url() {
        let pg = match TestDb::postgres(&url).await {
            Ok(t) => t,
            Err(e) => panic!(
                "cannot create a PostgreSQL test database at {}: {e}",
                crate::db::redact(&url)
            ),
        };
        test(pg.db.clone()).await;
        pg.cleanup().await;
    }
}

/// `base` with its database name replaced by `name` (query string kept).
pub fn with_database(base: &str, name: &str) -> String {
    let (main, query) = match base.split_once('?') {
        Some((m, q)) => (m, Some(q)),
        None => (base, None),
    };
    let after_scheme = main.find("://").map_or(0, |i| i + 3);
    let host_end = main[after_scheme..]
        .find('/')
        .map_or(main.len(), |i| after_scheme + i);
    let mut url = format!("{}/{name}", &main[..host_end]);
    if let Some(q) = query {
        url.push('?');
        url.push_str(q);
    }
    url
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn replaces_the_database_name() {
        assert_eq!(
            with_database("postgres://u@127.0.0.1:5432/test", "x"),
            "postgres://u@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgres://u@h/test?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
    }
}
