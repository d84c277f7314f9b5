//! The connection pool and transactions.

use crate::Result;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyConnection, AnyPool, Connection, Transaction};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMappedMutexGuard};

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
    /// On SQLite, the one connection write transactions run on, taken in turn (see
    /// [`WriteSlot`]); on PostgreSQL, `None`: writes come from the pool.
    writer: Option<Arc<Writer>>,
    backend: Backend,
    /// PostgreSQL's URL, for the connections that listen for notifications.
    listen_url: Option<Arc<str>>,
}

/// SQLite's single write connection. SQLite lets one writer in at a time anyway; taking turns
/// here queues writers in order instead of in SQLite's busy handler, which sleeps for
/// milliseconds; the connection keeps its page cache warm (another connection's commit makes it
/// read the changed pages again); and it never goes back to a pool, which costs a round trip to
/// the connection's thread each time (sqlx pings a returned connection).
pub(crate) struct Writer {
    options: AnyConnectOptions,
    pub(crate) slot: Arc<Mutex<Option<WriteSlot>>>,
}

pub(crate) struct WriteSlot {
    conn: AnyConnection,
    /// A transaction was begun and neither committed nor rolled back yet.
    open: bool,
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
        let listen_url = (backend == Backend::Postgres).then(|| Arc::from(url.as_str()));
        let (pool, writer) = match backend {
            Backend::Sqlite => {
                let readers = sqlite_pool(3).connect_with(options.clone()).await?;
                let writer = Writer {
                    slot: Arc::new(Mutex::new(Some(WriteSlot {
                        conn: connect_sqlite(&options).await?,
                        open: false,
                    }))),
                    options,
                };
                let writer = Arc::new(writer);
                crate::checkpoint::spawn_checkpointer(
                    readers.clone(),
                    Arc::downgrade(&writer),
                    sqlite_file(&url),
                );
                (readers, Some(writer))
            }
            Backend::Postgres => {
                let pool = AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(options)
                    .await?;
                (pool, None)
            }
        };
        Ok(Self {
            pool,
            writer,
            backend,
            listen_url,
        })
    }

    /// Applies the embedded migrations that have not run yet.
    pub async fn migrate(&self) -> Result<()> {
        MIGRATOR.run(&self.pool).await?;
        if self.backend == Backend::Sqlite {
            sqlx::raw_sql(include_str!("account_changes.sql"))
                .execute(&self.pool)
                .await?;
        }
        crate::accounts::backfill_search_text(&self.pool).await?;
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Whether every change to an account or its restrictions, by any connection, is noted in
    /// `account_changes` (SQLite's triggers; see [`Tx::take_account_changes`]): then a writer may
    /// keep accounts in memory between transactions and forget only those noted.
    pub fn notes_account_changes(&self) -> bool {
        self.backend == Backend::Sqlite
    }

    /// SQLite's write connection; `None` on PostgreSQL.
    pub(crate) fn writer(&self) -> Option<&Writer> {
        self.writer.as_deref()
    }

    /// Starts a transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`): a
    /// deferred transaction that reads and then writes fails outright if another connection
    /// wrote in between, and busy_timeout cannot help with that.
    pub async fn begin(&self) -> Result<Tx> {
        let inner = match &self.writer {
            Some(writer) => TxConn::Exclusive(ExclusiveTx(Some(writer.begin().await?))),
            None => TxConn::Pooled(self.pool.begin().await?),
        };
        Ok(Tx {
            inner,
            backend: self.backend,
        })
    }

    /// Starts a transaction that only reads. On SQLite it does not take the write lock, so it
    /// runs beside the writer (WAL); writing in it may fail with "database is locked".
    pub async fn read(&self) -> Result<Tx> {
        Ok(Tx {
            inner: TxConn::Pooled(self.pool.begin().await?),
            backend: self.backend,
        })
    }

    /// On PostgreSQL, a connection listening on `channels` (see [`Tx::notify`]); `None` on
    /// SQLite, where one process serves the database.
    pub async fn listener(&self, channels: &[&str]) -> Result<Option<Listener>> {
        let Some(url) = &self.listen_url else {
            return Ok(None);
        };
        let mut inner = sqlx::postgres::PgListener::connect(url).await?;
        inner.listen_all(channels.iter().copied()).await?;
        Ok(Some(Listener(inner)))
    }

    /// Tells the nodes listening on `channel` now, outside any transaction (PostgreSQL; nothing
    /// on SQLite).
    pub async fn notify(&self, channel: &str) -> Result<()> {
        if self.listen_url.is_some() {
            sqlx::query("SELECT pg_notify($1, '')")
                .bind(channel)
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// Checks that the database answers (for `/readyz`).
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        if let Some(writer) = &self.writer
            && let Some(slot) = writer.slot.lock().await.take()
            && let Err(e) = slot.conn.close().await
        {
            tracing::warn!(error = %e, "closing the write connection");
        }
        self.pool.close().await;
    }
}

/// Notifications from other server nodes on one PostgreSQL.
pub struct Listener(sqlx::postgres::PgListener);

impl Listener {
    /// The next notification's channel, or `None` when the connection was lost and made again
    /// (notifications sent meanwhile are lost: the caller reads again what they announce).
    pub async fn recv(&mut self) -> Result<Option<String>> {
        Ok(self.0.try_recv().await?.map(|n| n.channel().to_owned()))
    }
}

/// A database transaction. Repository functions are its methods; nothing is visible to others
/// until [`Tx::commit`], and dropping it rolls back.
pub struct Tx {
    inner: TxConn,
    pub(crate) backend: Backend,
}

enum TxConn {
    Pooled(Transaction<'static, Any>),
    Exclusive(ExclusiveTx),
}

pub(crate) type SlotGuard = OwnedMappedMutexGuard<Option<WriteSlot>, WriteSlot>;

/// A transaction on the write connection; rolled back if dropped before its commit.
struct ExclusiveTx(Option<SlotGuard>);

impl Writer {
    /// Takes the write connection (waiting for its turn) and begins a transaction on it.
    async fn begin(&self) -> Result<SlotGuard> {
        Ok(self.begin_with("BEGIN IMMEDIATE", &[]).await?.0)
    }

    /// Takes the write connection and runs `sql`, which begins a transaction (`BEGIN
    /// IMMEDIATE; …`) and may go on to read in it, all in one round trip to the connection's
    /// thread; answers the rows its statements return, as pairs of strings.
    pub(crate) async fn begin_with(
        &self,
        sql: impl sqlx::SqlSafeStr,
        binds: &[&str],
    ) -> Result<(SlotGuard, Vec<(String, String)>)> {
        let t0 = std::time::Instant::now();
        let mut slot = self.slot.clone().lock_owned().await;
        let waited = t0.elapsed();
        if slot.is_none() {
            *slot = Some(WriteSlot {
                conn: connect_sqlite(&self.options).await?,
                open: false,
            });
        }
        let Ok(mut slot) = tokio::sync::OwnedMutexGuard::try_map(slot, Option::as_mut) else {
            return Err(sqlx::Error::PoolClosed.into());
        };
        if slot.open {
            // Dropped without a commit, and the rollback it asked for did not run (or failed:
            // SQLite rolls back itself after some errors, and then there is nothing to roll
            // back).
            if let Err(e) = sqlx::query("ROLLBACK").execute(&mut slot.conn).await {
                tracing::debug!(error = %e, "rolling back a dropped transaction");
            }
            slot.open = false;
        }
        let mut query = sqlx::query_as::<_, (String, String)>(sql);
        for b in binds {
            query = query.bind(*b);
        }
        let rows = match query.fetch_all(&mut slot.conn).await {
            Ok(rows) => rows,
            Err(e) => {
                // The transaction may have begun before a later statement failed; if it did
                // not, there is nothing to roll back and that error says nothing new.
                let _ = sqlx::query("ROLLBACK").execute(&mut slot.conn).await;
                return Err(e.into());
            }
        };
        slot.open = true;
        tracing::debug!(
            waited_us = waited.as_micros() as u64,
            begin_us = (t0.elapsed() - waited).as_micros() as u64,
            "write begun"
        );
        Ok((slot, rows))
    }
}

impl Drop for ExclusiveTx {
    fn drop(&mut self) {
        let Some(mut slot) = self.0.take() else {
            return;
        };
        if !slot.open {
            return;
        }
        // The connection stays taken until the rollback has run; without a runtime, the next
        // `begin` rolls back first.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                match sqlx::query("ROLLBACK").execute(&mut slot.conn).await {
                    Ok(_) => slot.open = false,
                    Err(e) => tracing::warn!(error = %e, "rolling back a dropped transaction"),
                }
            });
        }
    }
}

/// The database file behind a `sqlite://` URL, if it is a file.
fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(url).ok()?;
    let path = options.get_filename();
    (!path.as_os_str().is_empty() && path != std::path::Path::new(":memory:"))
        .then(|| path.to_path_buf())
}

/// Opens SQLite's write connection.
async fn connect_sqlite(options: &AnyConnectOptions) -> Result<AnyConnection> {
    let mut conn = AnyConnection::connect_with(options).await?;
    for pragma in SQLITE_PRAGMAS {
        sqlx::query(pragma).execute(&mut conn).await?;
    }
    Ok(conn)
}

impl Tx {
    /// A transaction already begun on the write connection.
    pub(crate) fn on_writer(slot: SlotGuard) -> Tx {
        Tx {
            inner: TxConn::Exclusive(ExclusiveTx(Some(slot))),
            backend: Backend::Sqlite,
        }
    }

    /// Whether it runs on SQLite's write connection, where a statement of its own may commit it.
    pub(crate) fn on_write_connection(&self) -> bool {
        matches!(self.inner, TxConn::Exclusive(_))
    }

    /// After a statement of its own committed it (on the write connection).
    pub(crate) fn committed_by_statement(mut self) {
        if let TxConn::Exclusive(tx) = &mut self.inner
            && let Some(slot) = tx.0.as_mut()
        {
            slot.open = false;
        }
    }

    pub async fn commit(self) -> Result<()> {
        match self.inner {
            TxConn::Pooled(tx) => tx.commit().await?,
            TxConn::Exclusive(mut tx) => {
                if let Some(slot) = tx.0.as_mut() {
                    sqlx::query("COMMIT").execute(&mut slot.conn).await?;
                    slot.open = false;
                }
            }
        }
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

    pub(crate) fn conn(&mut self) -> &mut AnyConnection {
        match &mut self.inner {
            TxConn::Pooled(tx) => tx,
            TxConn::Exclusive(ExclusiveTx(Some(slot))) => &mut slot.conn,
            // Only `commit` and `drop` take the connection out, and both consume the Tx.
            TxConn::Exclusive(ExclusiveTx(None)) => {
                unreachable!("a transaction used after its commit")
            }
        }
    }
}

/// A pool of SQLite connections set up for the service.
fn sqlite_pool(connections: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(connections)
        .acquire_timeout(Duration::from_secs(30))
        // A local file does not drop connections: skip the ping before each use, one round
        // trip to the connection's thread per transaction.
        .test_before_acquire(false)
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                for pragma in SQLITE_PRAGMAS {
                    sqlx::query(pragma).execute(&mut *conn).await?;
                }
                Ok(())
            })
        })
}

/// How every SQLite connection is set up. WAL lets readers run beside the writer;
/// busy_timeout makes a writer in another process wait instead of failing; SQLite leaves
/// foreign keys off unless asked.
const SQLITE_PRAGMAS: [&str; 7] = [
    "PRAGMA journal_mode = WAL",
    "PRAGMA busy_timeout = 10000",
    "PRAGMA foreign_keys = ON",
    "PRAGMA synchronous = NORMAL",
    // 16 MB of pages per connection instead of 2: the indexes the event pipeline reads stay
    // in memory under load.
    "PRAGMA cache_size = -16000",
    // The checkpointer (see `spawn_checkpointer`) keeps the WAL short; a commit checkpoints
    // only if it falls behind by 400 MB (a reader may keep it from starting the WAL over).
    "PRAGMA wal_autocheckpoint = 100000",
    // A multi-row insert (it may fail halfway) and a savepoint copy each page they change
    // first to a sub-journal, which SQLite spills to a temporary file past 64 KB: a group
    // commit's were written to disk and thrown away, a sixth of the write connection's time.
    "PRAGMA temp_store = MEMORY",
];

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
