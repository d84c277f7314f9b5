//! Identity-verification cases.

use crate::rows::{actor, opt_actor, opt_ts, ts};
use crate::{Result, StoreError, Tx};
use trustwork_core::Actor;
use trustwork_core::verification::{CaseStatus, VerificationCase};

#[derive(sqlx::FromRow)]
struct CaseRow {
    id: String,
    account_id: String,
    status: String,
    reason: String,
    requested_by: String,
    requested_at: i64,
    deadline_at: i64,
    hold_applied_at: Option<i64>,
    decided_at: Option<i64>,
    decided_by: Option<String>,
    decision_note: Option<String>,
    review_due_at: Option<i64>,
}

const COLUMNS: &str = "id, account_id, status, reason, requested_by, requested_at, deadline_at, hold_applied_at, decided_at, decided_by, decision_note, review_due_at";

impl TryFrom<CaseRow> for VerificationCase {
    type Error = StoreError;
    fn try_from(r: CaseRow) -> Result<Self> {
        Ok(VerificationCase {
            status: CaseStatus::parse(&r.status)
                .ok_or_else(|| StoreError::corrupt("verification case", &r.id, "status"))?,
            requested_by: actor("verification case", &r.id, &r.requested_by)?,
            decided_by: opt_actor("verification case", &r.id, r.decided_by.as_deref())?,
            account_id: r.account_id,
            reason: r.reason,
            requested_at: ts(r.requested_at),
            deadline_at: ts(r.deadline_at),
            hold_applied_at: opt_ts(r.hold_applied_at),
            decided_at: opt_ts(r.decided_at),
            decision_note: r.decision_note,
            review_due_at: opt_ts(r.review_due_at),
            id: r.id,
        })
    }
}

impl Tx {
    pub async fn insert_verification_case(&mut self, c: &VerificationCase) -> Result<()> {
        sqlx::query(
            "INSERT INTO verification_cases (id, account_id, status, reason, requested_by, requested_at, deadline_at, hold_applied_at, decided_at, decided_by, decision_note) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&c.id)
        .bind(&c.account_id)
        .bind(c.status.as_str())
        .bind(&c.reason)
        .bind(c.requested_by.to_text())
        .bind(c.requested_at.millis())
        .bind(c.deadline_at.millis())
        .bind(c.hold_applied_at.map(|t| t.millis()))
        .bind(c.decided_at.map(|t| t.millis()))
        .bind(c.decided_by.as_ref().map(Actor::to_text))
        .bind(c.decision_note.as_deref())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Saves a case after a transition. `expected_status` guards against two agents deciding at
    /// once: the loser gets a conflict and changes nothing.
    pub async fn update_verification_case(
        &mut self,
        c: &VerificationCase,
        expected_status: CaseStatus,
    ) -> Result<()> {
        let done = sqlx::query(
            "UPDATE verification_cases SET status = $1, hold_applied_at = $2, decided_at = $3, decided_by = $4, decision_note = $5, review_due_at = $6, deadline_at = $7 \
             WHERE id = $8 AND status = $9",
        )
        .bind(c.status.as_str())
        .bind(c.hold_applied_at.map(|t| t.millis()))
        .bind(c.decided_at.map(|t| t.millis()))
        .bind(c.decided_by.as_ref().map(Actor::to_text))
        .bind(c.decision_note.as_deref())
        .bind(c.review_due_at.map(|t| t.millis()))
        .bind(c.deadline_at.millis())
        .bind(&c.id)
        .bind(expected_status.as_str())
        .execute(self.conn())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict {
                what: "the verification case was changed by someone else; reload and try again",
            });
        }
        Ok(())
    }

    pub async fn verification_case(&mut self, id: &str) -> Result<VerificationCase> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM verification_cases WHERE id = $1"
        ));
        let row: Option<CaseRow> = sqlx::query_as(sql)
            .bind(id)
            .fetch_optional(self.conn())
            .await?;
        row.map(VerificationCase::try_from)
            .transpose()?
            .ok_or_else(|| StoreError::not_found("verification case", id))
    }

    /// All cases of an account, newest first.
    pub async fn verification_cases_of(
        &mut self,
        account_id: &str,
    ) -> Result<Vec<VerificationCase>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM verification_cases WHERE account_id = $1 ORDER BY requested_at DESC, id DESC"
        ));
        let rows: Vec<CaseRow> = sqlx::query_as(sql)
            .bind(account_id)
            .fetch_all(self.conn())
            .await?;
        rows.into_iter().map(VerificationCase::try_from).collect()
    }

    /// Cases waiting for a second look, the soonest due first.
    pub async fn cases_in_further_review(&mut self) -> Result<Vec<VerificationCase>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM verification_cases WHERE status = 'further_review' ORDER BY review_due_at, id LIMIT 500"
        ));
        let rows: Vec<CaseRow> = sqlx::query_as(sql).fetch_all(self.conn()).await?;
        rows.into_iter().map(VerificationCase::try_from).collect()
    }

    /// The account's open case, if any (at most one is open at a time).
    pub async fn open_verification_case(
        &mut self,
        account_id: &str,
    ) -> Result<Option<VerificationCase>> {
        let open = self.verification_cases_of(account_id).await?;
        Ok(open.into_iter().find(|c| c.status.is_open()))
    }
}
