//! Durable timers: a deadline stored as a row, fired by whichever server process claims it first.

use crate::rows::{opt_ts, ts};
use crate::{Result, StoreError, Tx};
use trustwork_core::Timestamp;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timer {
    pub id: String,
    /// What to do when it fires, e.g. `verification_deadline`.
    pub kind: String,
    /// The id of the thing it concerns, e.g. a verification case.
    pub subject_id: String,
    pub due_at: Timestamp,
    /// `pending`, `running`, `done`, `failed` or `cancelled`.
    pub status: String,
    pub attempts: i64,
    pub locked_until: Option<Timestamp>,
    pub locked_by: Option<String>,
    pub last_error: Option<String>,
    pub created_at: Timestamp,
    pub finished_at: Option<Timestamp>,
}

#[derive(sqlx::FromRow)]
struct TimerRow {
    id: String,
    kind: String,
    subject_id: String,
    due_at: i64,
    status: String,
    attempts: i64,
    locked_until: Option<i64>,
    locked_by: Option<String>,
    last_error: Option<String>,
    created_at: i64,
    finished_at: Option<i64>,
}

impl From<TimerRow> for Timer {
    fn from(r: TimerRow) -> Self {
        Timer {
            id: r.id,
            kind: r.kind,
            subject_id: r.subject_id,
            due_at: ts(r.due_at),
            status: r.status,
            attempts: r.attempts,
            locked_until: opt_ts(r.locked_until),
            locked_by: r.locked_by,
            last_error: r.last_error,
            created_at: ts(r.created_at),
            finished_at: opt_ts(r.finished_at),
        }
    }
}

const COLUMNS: &str = "id, kind, subject_id, due_at, status, attempts, locked_until, locked_by, last_error, created_at, finished_at";
/// Pending and due, or running past its lock (its runner died). `$3` is now.
const DUE: &str =
    "((status = 'pending' AND due_at <= $3) OR (status = 'running' AND locked_until < $3))";

/// Work waiting across the whole database, for gauges: every node sees the same numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Backlog {
    /// Emails not yet delivered (pending or being sent).
    pub mail: i64,
    /// Webhook deliveries not yet delivered.
    pub webhooks: i64,
    /// Timers due by `now` and not yet fired.
    pub timers_due: i64,
    /// The due time of the oldest of those.
    pub oldest_due_timer: Option<Timestamp>,
}

impl Tx {
    /// What waits to be sent or fired at `now` (index reads on each table's status).
    pub async fn backlog(&mut self, now: Timestamp) -> Result<Backlog> {
        let (mail, webhooks, timers_due, oldest): (i64, i64, i64, Option<i64>) = sqlx::query_as(
            "SELECT \
               (SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'delivering')), \
               (SELECT COUNT(*) FROM webhook_deliveries WHERE status IN ('pending', 'delivering')), \
               (SELECT COUNT(*) FROM timers WHERE status IN ('pending', 'running') AND due_at <= $1), \
               (SELECT MIN(due_at) FROM timers WHERE status IN ('pending', 'running') AND due_at <= $1)",
        )
        .bind(now.millis())
        .fetch_one(self.conn())
        .await?;
        Ok(Backlog {
            mail,
            webhooks,
            timers_due,
            oldest_due_timer: oldest.map(Timestamp),
        })
    }

    pub async fn schedule_timer(
        &mut self,
        id: &str,
        kind: &str,
        subject_id: &str,
        due_at: Timestamp,
        now: Timestamp,
    ) -> Result<()> {
        let timer = crate::NewTimer {
            id,
            kind,
            subject_id,
            due_at,
            created_at: now,
        };
        self.insert_rows(&[timer_json_rows(&[timer])?]).await?;
        Ok(())
    }

    /// Claims one due timer for `runner` until `lock_until`. Of two processes claiming at once,
    /// each gets a different one: on PostgreSQL the inner SELECT skips rows another claim has
    /// locked (and the outer WHERE repeats the predicate, so a row is never claimed twice);
    /// SQLite serialises writers outright.
    pub async fn claim_timer(
        &mut self,
        runner: &str,
        now: Timestamp,
        lock_until: Timestamp,
    ) -> Result<Option<Timer>> {
        let skip = crate::rows::skip_locked(self.backend);
        let sql = sqlx::AssertSqlSafe(format!(
            "WITH picked AS MATERIALIZED (SELECT id FROM timers WHERE {DUE} ORDER BY due_at, id LIMIT 1{skip}) \
             UPDATE timers SET status = 'running', locked_until = $1, locked_by = $2, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM picked) AND {DUE} \
             RETURNING {COLUMNS}"
        ));
        let row: Option<TimerRow> = sqlx::query_as(sql)
            .bind(lock_until.millis())
            .bind(runner)
            .bind(now.millis())
            .fetch_optional(self.conn())
            .await?;
        Ok(row.map(Timer::from))
    }

    /// Marks a claimed timer done. Fails with a conflict if another runner took it over (its lock
    /// ran out), so the caller's transaction rolls back and nothing fires twice.
    pub async fn finish_timer(&mut self, id: &str, runner: &str, at: Timestamp) -> Result<()> {
        let done = sqlx::query(
            "UPDATE timers SET status = 'done', finished_at = $1, locked_until = NULL, last_error = NULL \
             WHERE id = $2 AND status = 'running' AND locked_by = $3",
        )
        .bind(at.millis())
        .bind(id)
        .bind(runner)
        .execute(self.conn())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict {
                what: "another runner has taken over this timer",
            });
        }
        Ok(())
    }

    /// Records a failure: pending again at `retry_at`, or `failed` for good when `None`.
    pub async fn fail_timer(
        &mut self,
        id: &str,
        error: &str,
        retry_at: Option<Timestamp>,
        at: Timestamp,
    ) -> Result<()> {
        let (status, due, finished) = match retry_at {
            Some(t) => ("pending", Some(t.millis()), None),
            None => ("failed", None, Some(at.millis())),
        };
        sqlx::query(
            "UPDATE timers SET status = $1, due_at = COALESCE($2, due_at), finished_at = $3, locked_until = NULL, last_error = $4 WHERE id = $5",
        )
        .bind(status)
        .bind(due)
        .bind(finished)
        .bind(error)
        .bind(id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Cancels the pending timers of a subject (e.g. a case decided before its deadline).
    pub async fn cancel_timers_for(&mut self, subject_id: &str, at: Timestamp) -> Result<u64> {
        let done = sqlx::query(
            "UPDATE timers SET status = 'cancelled', finished_at = $1 WHERE subject_id = $2 AND status = 'pending'",
        )
        .bind(at.millis())
        .bind(subject_id)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected())
    }

    /// Puts a failed timer back in line, due now.
    pub async fn retry_failed_timer(&mut self, id: &str, now: Timestamp) -> Result<()> {
        let done = sqlx::query(
            "UPDATE timers SET status = 'pending', due_at = $1, attempts = 0, finished_at = NULL WHERE id = $2 AND status = 'failed'",
        )
        .bind(now.millis())
        .bind(id)
        .execute(self.conn())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found("failed timer", id));
        }
        Ok(())
    }

    /// Timers in the given statuses, soonest first.
    pub async fn timers_in(&mut self, statuses: &[&str], limit: i64) -> Result<Vec<Timer>> {
        let mut all = Vec::new();
        for status in statuses {
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM timers WHERE status = $1 ORDER BY due_at, id LIMIT $2"
            ));
            let rows: Vec<TimerRow> = sqlx::query_as(sql)
                .bind(*status)
                .bind(limit)
                .fetch_all(self.conn())
                .await?;
            all.extend(rows.into_iter().map(Timer::from));
        }
        all.sort_by_key(|t| (t.due_at, t.id.clone()));
        all.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        Ok(all)
    }

    pub async fn timers_for(&mut self, subject_id: &str) -> Result<Vec<Timer>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM timers WHERE subject_id = $1 ORDER BY due_at, id"
        ));
        let rows: Vec<TimerRow> = sqlx::query_as(sql)
            .bind(subject_id)
            .fetch_all(self.conn())
            .await?;
        Ok(rows.into_iter().map(Timer::from).collect())
    }
}

/// New timers as rows of `timers`, pending, for the one-row and the group inserts alike.
pub(crate) fn timer_json_rows(
    timers: &[crate::NewTimer<'_>],
) -> std::result::Result<crate::rows::JsonRows, sqlx::Error> {
    let values: Vec<_> = timers
        .iter()
        .map(|t| {
            (
                t.id,
                t.kind,
                t.subject_id,
                t.due_at.millis(),
                "pending",
                0,
                t.created_at.millis(),
            )
        })
        .collect();
    crate::rows::JsonRows::new(
        "timers",
        "id, kind, subject_id, due_at, status, attempts, created_at",
        &values,
    )
}
