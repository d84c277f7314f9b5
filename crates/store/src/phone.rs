//! Phone verification attempts (see `trustwork_core::phone`).

use crate::rows::{opt_ts, ts};
use crate::{Result, StoreError, Tx};
use trustwork_core::Timestamp;
use trustwork_core::phone::{Channel, Status};

/// One attempt to verify a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneVerification {
    pub id: String,
    pub account_id: String,
    pub phone: String,
    pub channel: Channel,
    pub code_hash: String,
    pub status: Status,
    pub wrong_codes: i64,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub verified_at: Option<Timestamp>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    account_id: String,
    phone: String,
    channel: String,
    code_hash: String,
    status: String,
    wrong_codes: i64,
    created_at: i64,
    expires_at: i64,
    verified_at: Option<i64>,
}

const COLUMNS: &str = "id, account_id, phone, channel, code_hash, status, wrong_codes, created_at, expires_at, verified_at";

impl TryFrom<Row> for PhoneVerification {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self> {
        Ok(PhoneVerification {
            channel: Channel::parse(&r.channel)
                .ok_or_else(|| StoreError::corrupt("phone verification", &r.id, "channel"))?,
            status: Status::parse(&r.status)
                .ok_or_else(|| StoreError::corrupt("phone verification", &r.id, "status"))?,
            account_id: r.account_id,
            phone: r.phone,
            code_hash: r.code_hash,
            wrong_codes: r.wrong_codes,
            created_at: ts(r.created_at),
            expires_at: ts(r.expires_at),
            verified_at: opt_ts(r.verified_at),
            id: r.id,
        })
    }
}

impl Tx {
    pub async fn insert_phone_verification(&mut self, p: &PhoneVerification) -> Result<()> {
        sqlx::query(
            "INSERT INTO phone_verifications (id, account_id, phone, channel, code_hash, status, wrong_codes, created_at, expires_at, verified_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&p.id)
        .bind(&p.account_id)
        .bind(&p.phone)
        .bind(p.channel.as_str())
        .bind(&p.code_hash)
        .bind(p.status.as_str())
        .bind(p.wrong_codes)
        .bind(p.created_at.millis())
        .bind(p.expires_at.millis())
        .bind(p.verified_at.map(|t| t.millis()))
        .execute(self.conn())
        .await?;
        Ok(())
    }

    pub async fn phone_verification(&mut self, id: &str) -> Result<PhoneVerification> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM phone_verifications WHERE id = $1"
        ));
        let row: Option<Row> = sqlx::query_as(sql)
            .bind(id)
            .fetch_optional(self.conn())
            .await?;
        row.ok_or_else(|| StoreError::not_found("phone verification", id))?
            .try_into()
    }

    /// Attempts made since `since` for this account, and to this number (by any account).
    pub async fn recent_phone_attempts(
        &mut self,
        account_id: &str,
        phone: &str,
        since: Timestamp,
    ) -> Result<(i64, i64)> {
        let by_account: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM phone_verifications WHERE account_id = $1 AND created_at > $2",
        )
        .bind(account_id)
        .bind(since.millis())
        .fetch_one(self.conn())
        .await?;
        let by_phone: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM phone_verifications WHERE phone = $1 AND created_at > $2",
        )
        .bind(phone)
        .bind(since.millis())
        .fetch_one(self.conn())
        .await?;
        Ok((by_account, by_phone))
    }

    /// The account's latest attempt, if any.
    pub async fn latest_phone_verification(
        &mut self,
        account_id: &str,
    ) -> Result<Option<PhoneVerification>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM phone_verifications WHERE account_id = $1 \
             ORDER BY created_at DESC, id DESC LIMIT 1"
        ));
        let row: Option<Row> = sqlx::query_as(sql)
            .bind(account_id)
            .fetch_optional(self.conn())
            .await?;
        row.map(PhoneVerification::try_from).transpose()
    }

    /// The account's verified number, if it has one.
    pub async fn verified_phone(&mut self, account_id: &str) -> Result<Option<PhoneVerification>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM phone_verifications WHERE account_id = $1 AND status = 'verified'"
        ));
        let row: Option<Row> = sqlx::query_as(sql)
            .bind(account_id)
            .fetch_optional(self.conn())
            .await?;
        row.map(PhoneVerification::try_from).transpose()
    }

    /// Records the outcome of a check on a pending attempt read with `wrong_before` wrong
    /// codes; a conflict if it changed meanwhile (two checks at once: one wins, so no guess
    /// goes uncounted).
    pub async fn update_phone_verification(
        &mut self,
        id: &str,
        wrong_before: i64,
        status: Status,
        wrong_codes: i64,
        verified_at: Option<Timestamp>,
    ) -> Result<()> {
        let done = sqlx::query(
            "UPDATE phone_verifications SET status = $1, wrong_codes = $2, verified_at = $3 \
             WHERE id = $4 AND status = 'pending' AND wrong_codes = $5",
        )
        .bind(status.as_str())
        .bind(wrong_codes)
        .bind(verified_at.map(|t| t.millis()))
        .bind(id)
        .bind(wrong_before)
        .execute(self.conn())
        .await
        .map_err(|e| StoreError::on_unique(e, "the account already has a verified number"))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict {
                what: "the phone verification was already decided",
            });
        }
        Ok(())
    }
}
