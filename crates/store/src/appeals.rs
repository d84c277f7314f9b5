//! Appeals: one per restriction, ever (a UNIQUE column, not just a check in the use case).

use crate::rows::{opt_ts, ts};
use crate::{Result, StoreError, Tx};
use trustwork_core::Timestamp;
use trustwork_core::appeal::{Appeal, AppealStatus};

#[derive(sqlx::FromRow)]
struct AppealRow {
    id: String,
    restriction_id: String,
    account_id: String,
    statement: String,
    status: String,
    filed_at: i64,
    decided_by: Option<String>,
    decided_at: Option<i64>,
    decision_note: Option<String>,
}

const COLUMNS: &str = "id, restriction_id, account_id, statement, status, filed_at, decided_by, decided_at, decision_note";

impl TryFrom<AppealRow> for Appeal {
    type Error = StoreError;
    fn try_from(r: AppealRow) -> Result<Self> {
        Ok(Appeal {
            status: AppealStatus::parse(&r.status)
                .ok_or_else(|| StoreError::corrupt("appeal", &r.id, "status"))?,
            restriction_id: r.restriction_id,
            account_id: r.account_id,
            statement: r.statement,
            filed_at: ts(r.filed_at),
            decided_by: r.decided_by,
            decided_at: opt_ts(r.decided_at),
            decision_note: r.decision_note,
            id: r.id,
        })
    }
}

fn appeals(rows: Vec<AppealRow>) -> Result<Vec<Appeal>> {
    rows.into_iter().map(Appeal::try_from).collect()
}

impl Tx {
    /// Stores a new appeal; a second appeal of the same restriction is a conflict.
    pub async fn insert_appeal(&mut self, a: &Appeal) -> Result<()> {
        sqlx::query(
            "INSERT INTO appeals (id, restriction_id, account_id, statement, status, filed_at, decided_by, decided_at, decision_note) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&a.id)
        .bind(&a.restriction_id)
        .bind(&a.account_id)
        .bind(&a.statement)
        .bind(a.status.as_str())
        .bind(a.filed_at.millis())
        .bind(a.decided_by.as_deref())
        .bind(a.decided_at.map(|t| t.millis()))
        .bind(a.decision_note.as_deref())
        .execute(self.conn())
        .await
        .map_err(|e| StoreError::on_unique(e, "this restriction was already appealed"))?;
        Ok(())
    }

    pub async fn appeal(&mut self, id: &str) -> Result<Appeal> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM appeals WHERE id = $1"));
        let row: Option<AppealRow> = sqlx::query_as(sql)
            .bind(id)
            .fetch_optional(self.conn())
            .await?;
        row.map(Appeal::try_from)
            .transpose()?
            .ok_or_else(|| StoreError::not_found("appeal", id))
    }

    pub async fn appeal_of_restriction(&mut self, restriction_id: &str) -> Result<Option<Appeal>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM appeals WHERE restriction_id = $1"
        ));
        let row: Option<AppealRow> = sqlx::query_as(sql)
            .bind(restriction_id)
            .fetch_optional(self.conn())
            .await?;
        row.map(Appeal::try_from).transpose()
    }

    /// The account's appeals, oldest first.
    pub async fn appeals_of(&mut self, account_id: &str) -> Result<Vec<Appeal>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM appeals WHERE account_id = $1 ORDER BY filed_at, id"
        ));
        appeals(
            sqlx::query_as(sql)
                .bind(account_id)
                .fetch_all(self.conn())
                .await?,
        )
    }

    /// Appeals in a status (or all), oldest first: appeals are answered in the order they came.
    pub async fn appeals_in(
        &mut self,
        status: Option<AppealStatus>,
        limit: i64,
    ) -> Result<Vec<Appeal>> {
        let rows: Vec<AppealRow> = match status {
            Some(s) => {
                let sql = sqlx::AssertSqlSafe(format!(
                    "SELECT {COLUMNS} FROM appeals WHERE status = $1 ORDER BY filed_at, id LIMIT $2"
                ));
                sqlx::query_as(sql)
                    .bind(s.as_str())
                    .bind(limit)
                    .fetch_all(self.conn())
                    .await?
            }
            None => {
                let sql = sqlx::AssertSqlSafe(format!(
                    "SELECT {COLUMNS} FROM appeals ORDER BY filed_at, id LIMIT $1"
                ));
                sqlx::query_as(sql)
                    .bind(limit)
                    .fetch_all(self.conn())
                    .await?
            }
        };
        appeals(rows)
    }

    /// Records the decision on an open appeal; a conflict if it was decided meanwhile.
    pub async fn decide_appeal(
        &mut self,
        id: &str,
        status: AppealStatus,
        agent_id: &str,
        note: &str,
        at: Timestamp,
    ) -> Result<()> {
        let done = sqlx::query(
            "UPDATE appeals SET status = $1, decided_by = $2, decided_at = $3, decision_note = $4 \
             WHERE id = $5 AND status = 'open'",
        )
        .bind(status.as_str())
        .bind(agent_id)
        .bind(at.millis())
        .bind(note)
        .bind(id)
        .execute(self.conn())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict {
                what: "the appeal was already decided",
            });
        }
        Ok(())
    }
}
