//! SQLite's WAL checkpointer: copies the write-ahead log back into the database file off the
//! write connection, and starts the log over before it grows long.

use crate::db::Writer;
use sqlx::{Any, AnyPool};
use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::Duration;

/// How often the WAL is copied back into the database file, off the write connection.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

/// WAL frames (pages) past which the checkpointer makes the next commit start the WAL over.
const RESTART_WAL_AFTER: i64 = 8_000;

/// Catching up before the held pass stops after this many passes, or once a pass copied at most
/// [`SMALL_PASS`] frames.
const MAX_CATCH_UP_PASSES: usize = 6;
const SMALL_PASS: i64 = 500;

/// Copies the WAL back into the database file every [`CHECKPOINT_EVERY`], on a reading
/// connection, until the database is dropped. SQLite would otherwise do it inside the commit
/// that crosses `wal_autocheckpoint`, and every writer queued behind that commit would wait for
/// it (tens of milliseconds under load). A passive checkpoint waits for nobody: the writer goes
/// on appending meanwhile.
///
/// A writer starts the WAL over from its beginning only if every frame has been copied when its
/// transaction begins. Under steady writes a passive checkpoint never catches up with the frames
/// appended while it ran, so the WAL grew to `wal_autocheckpoint` and a commit checkpointed it
/// after all (30–50 ms, about twice a second at 6,000 events/s). So once the WAL is past
/// [`RESTART_WAL_AFTER`], the checkpointer passes again (copying what was appended during the
/// first pass) and then once more with the write connection held: only the frames of the second
/// pass are left, and the next commit starts the WAL over.
///
/// The pass that copies the whole WAL also syncs the database file, and that sync writes out
/// every page the earlier passes copied: 12–30 ms with the writer held, the slowest requests of a
/// load run. So the file is synced before each later pass, with nothing held, and the held pass
/// has only its own pages left to write.
pub(crate) fn spawn_checkpointer(readers: AnyPool, writer: Weak<Writer>, file: Option<PathBuf>) {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(CHECKPOINT_EVERY).await;
            let Some(writer) = writer.upgrade() else {
                return;
            };
            if readers.is_closed() {
                return;
            }
            let Some(first) = checkpoint(&readers).await else {
                continue;
            };
            if first.frames < RESTART_WAL_AFTER {
                continue;
            }
            // Each pass copies what was appended during the one before (and its sync): a few
            // passes leave the held one little to do.
            let mut copied = first.copied;
            for _ in 0..MAX_CATCH_UP_PASSES {
                sync_data(file.as_deref()).await;
                let Some(pass) = checkpoint(&readers).await else {
                    break;
                };
                let fresh = pass.copied - copied;
                copied = pass.copied;
                if fresh <= SMALL_PASS {
                    break;
                }
            }
            sync_data(file.as_deref()).await;
            // The reading connection is taken before the write connection: a task holding a
            // reader while it waits for the writer must not wait on this one.
            let Ok(mut reader) = readers.acquire().await else {
                continue;
            };
            let held = writer.slot.clone().lock_owned().await;
            checkpoint(&mut *reader).await;
            drop(held);
        }
    });
}

/// What a checkpoint pass saw: the frames in the WAL, and how many of them are copied.
struct Pass {
    frames: i64,
    copied: i64,
}

/// A passive checkpoint, or `None` if it failed.
async fn checkpoint<'c>(conn: impl sqlx::Executor<'c, Database = Any>) -> Option<Pass> {
    let started = std::time::Instant::now();
    match sqlx::query_as::<_, (i64, i64, i64)>("PRAGMA wal_checkpoint(PASSIVE)")
        .fetch_one(conn)
        .await
    {
        Ok((busy, frames, copied)) => {
            tracing::debug!(
                busy,
                frames,
                copied,
                took_us = started.elapsed().as_micros() as u64,
                "WAL checkpoint"
            );
            Some(Pass { frames, copied })
        }
        Err(e) => {
            tracing::warn!(error = %e, "WAL checkpoint");
            None
        }
    }
}

/// Writes out what checkpoints copied into the database file so far. Only speeds up the next
/// checkpoint's own sync: a failure is logged and otherwise ignored.
async fn sync_data(path: Option<&Path>) {
    let Some(file) = path.and_then(data_file) else {
        return;
    };
    let started = std::time::Instant::now();
    match tokio::task::spawn_blocking(move || file.sync_data()).await {
        Ok(Ok(())) => tracing::debug!(
            took_us = started.elapsed().as_micros() as u64,
            "database file synced"
        ),
        Ok(Err(e)) => tracing::warn!(error = %e, "syncing the database file"),
        Err(e) => tracing::warn!(error = %e, "syncing the database file"),
    }
}

/// The database file, opened once per path and never closed: closing any descriptor of a file
/// releases every POSIX lock the process holds on it, SQLite's included. It is first opened
/// when a WAL grows past [`RESTART_WAL_AFTER`], so only databases under load keep one.
fn data_file(path: &Path) -> Option<Arc<File>> {
    static OPEN: OnceLock<Mutex<HashMap<PathBuf, Arc<File>>>> = OnceLock::new();
    let mut open = OPEN.get_or_init(Mutex::default).lock().ok()?;
    if let Some(file) = open.get(path) {
        return Some(file.clone());
    }
    match File::open(path) {
        Ok(file) => {
            let file = Arc::new(file);
            open.insert(path.to_path_buf(), file.clone());
            Some(file)
        }
        Err(e) => {
            tracing::warn!(error = %e, "opening the database file to sync it");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RESTART_WAL_AFTER;
    use crate::testing::TestDb;

    /// Frames in the WAL right now: `mxFrame` of the WAL index header at the start of the
    /// `-shm` file (native byte order). Read from the file, not asked of SQLite: a checkpoint
    /// asked for between two transactions would let the next one start the WAL over.
    fn wal_frames(db: &TestDb) -> i64 {
        let shm = format!("{}-shm", db.url.trim_start_matches("sqlite://"));
        let header = std::fs::read(shm).expect("the WAL index");
        let bytes: [u8; 4] = header[16..20].try_into().expect("four bytes");
        i64::from(u32::from_ne_bytes(bytes))
    }

    // Without the checkpointer's held pass the WAL starts over only when a commit crosses
    // `wal_autocheckpoint` (100,000 frames), inside that commit.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_wal_starts_over_under_steady_writes() {
        let db = TestDb::sqlite().await.expect("database");
        let mut tx = db.db.begin().await.expect("begin");
        sqlx::query("CREATE TABLE filler (b BLOB NOT NULL)")
            .execute(tx.conn())
            .await
            .expect("create");
        tx.commit().await.expect("commit");

        let (mut most, mut written, mut restarts, mut last) = (0, 0, 0, 0);
        let started = std::time::Instant::now();
        // Steady, not flat out: about 12,000 frames a second, 3,000 between two rounds.
        while written < 3 * RESTART_WAL_AFTER && started.elapsed().as_secs() < 60 {
            let mut tx = db.db.begin().await.expect("begin");
            // About 80 pages a transaction.
            sqlx::query(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 80) \
                 INSERT INTO filler (b) SELECT randomblob(3000) FROM n",
            )
            .execute(tx.conn())
            .await
            .expect("insert");
            // The writer holds its transaction most of the time, as under load: a checkpoint
            // never finds it idle between two transactions.
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            tx.commit().await.expect("commit");
            written += 80;
            let frames = wal_frames(&db);
            if frames < last {
                restarts += 1;
            }
            last = frames;
            most = most.max(frames);
        }
        assert!(restarts >= 1, "the WAL never started over");
        assert!(
            most < 2 * RESTART_WAL_AFTER,
            "the WAL grew to {most} frames"
        );
        db.cleanup().await;
    }
}
