//! Console sessions, sign-in attempts and API tokens. Secrets are stored only as hashes.

use crate::rows::{opt_ts, ts};
use crate::{Result, StoreError, Tx};
use trustwork_core::Timestamp;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// SHA-256 of the cookie value, hex.
    pub id: String,
    pub account_id: String,
    pub csrf_token: String,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
    pub expires_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    id: String,
    account_id: String,
    csrf_token: String,
    created_at: i64,
    last_seen_at: i64,
    expires_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: String,
    pub name: String,
    /// SHA-256 of the secret, hex.
    pub token_hash: String,
    /// Space-separated scope names.
    pub scopes: String,
    pub created_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

#[derive(sqlx::FromRow)]
struct ApiTokenRow {
    id: String,
    name: String,
    token_hash: String,
    scopes: String,
    created_at: i64,
    revoked_at: Option<i64>,
}

impl From<ApiTokenRow> for ApiToken {
    fn from(r: ApiTokenRow) -> Self {
        ApiToken {
            id: r.id,
            name: r.name,
            token_hash: r.token_hash,
            scopes: r.scopes,
            created_at: ts(r.created_at),
            revoked_at: opt_ts(r.revoked_at),
        }
    }
}

impl Tx {
    pub async fn insert_session(&mut self, s: &Session) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (id, account_id, csrf_token, created_at, last_seen_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&s.id)
        .bind(&s.account_id)
        .bind(&s.csrf_token)
        .bind(s.created_at.millis())
        .bind(s.last_seen_at.millis())
        .bind(s.expires_at.millis())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The session if it exists and has not expired at `now`.
    pub async fn live_session(&mut self, id: &str, now: Timestamp) -> Result<Option<Session>> {
        let row: Option<SessionRow> = sqlx::query_as(
            "SELECT id, account_id, csrf_token, created_at, last_seen_at, expires_at \
             FROM sessions WHERE id = $1 AND expires_at > $2",
        )
        .bind(id)
        .bind(now.millis())
        .fetch_optional(self.conn())
        .await?;
        Ok(row.map(|r| Session {
            id: r.id,
            account_id: r.account_id,
            csrf_token: r.csrf_token,
            created_at: ts(r.created_at),
            last_seen_at: ts(r.last_seen_at),
            expires_at: ts(r.expires_at),
        }))
    }

    pub async fn touch_session(
        &mut self,
        id: &str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id = $3")
            .bind(now.millis())
            .bind(expires_at.millis())
            .bind(id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    pub async fn delete_session(&mut self, id: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Ends every session of an account (a ban signs the person out everywhere). Returns how
    /// many there were.
    pub async fn delete_sessions_of(&mut self, account_id: &str) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE account_id = $1")
            .bind(account_id)
            .execute(self.conn())
            .await?;
        Ok(done.rows_affected())
    }

    /// Pushes every session's expiry back by `by_ms`. The demo's test clock calls this when it
    /// jumps ahead, so moving business time does not sign everyone out.
    pub async fn extend_sessions(&mut self, by_ms: i64) -> Result<u64> {
        let done = sqlx::query(
            "UPDATE sessions SET expires_at = expires_at + $1, last_seen_at = last_seen_at + $1",
        )
        .bind(by_ms)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected())
    }

    pub async fn count_sessions_of(&mut self, account_id: &str) -> Result<i64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE account_id = $1")
            .bind(account_id)
            .fetch_one(self.conn())
            .await?;
        Ok(n)
    }

    /// Records a sign-in attempt and returns its id.
    pub async fn record_login_attempt(
        &mut self,
        email: &str,
        remote: &str,
        at: Timestamp,
        succeeded: bool,
    ) -> Result<String> {
        let id = crate::new_id("la");
        sqlx::query(
            "INSERT INTO login_attempts (id, email, remote, at, succeeded) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&id)
        .bind(email.to_lowercase())
        .bind(remote)
        .bind(at.millis())
        .bind(i32::from(succeeded))
        .execute(self.conn())
        .await?;
        Ok(id)
    }

    /// Serialises sign-ins for one email until the transaction ends, so parallel guesses count
    /// each other. PostgreSQL takes a transaction-scoped advisory lock; SQLite write transactions
    /// are serialised already.
    pub async fn lock_login(&mut self, email: &str) -> Result<()> {
        if self.backend == crate::Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
                .bind(email.to_lowercase())
                .execute(self.conn())
                .await?;
        }
        Ok(())
    }

    /// Marks an attempt recorded as failed (before the password was checked) as a success.
    pub async fn mark_login_succeeded(&mut self, id: &str) -> Result<()> {
        sqlx::query("UPDATE login_attempts SET succeeded = 1 WHERE id = $1")
            .bind(id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Failed sign-ins for this email, and from this address, since `since`: how many, and
    /// when the last one was.
    pub async fn recent_login_failures(
        &mut self,
        email: &str,
        remote: &str,
        since: Timestamp,
    ) -> Result<LoginFailures> {
        let (by_email, last_by_email): (i64, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(*), MAX(at) FROM login_attempts WHERE email = $1 AND at > $2 AND succeeded = 0",
        )
        .bind(email.to_lowercase())
        .bind(since.millis())
        .fetch_one(self.conn())
        .await?;
        let (by_remote, last_by_remote): (i64, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(*), MAX(at) FROM login_attempts WHERE remote = $1 AND at > $2 AND succeeded = 0",
        )
        .bind(remote)
        .bind(since.millis())
        .fetch_one(self.conn())
        .await?;
        let (by_pair, last_by_pair): (i64, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(*), MAX(at) FROM login_attempts WHERE email = $1 AND remote = $2 AND at > $3 AND succeeded = 0",
        )
        .bind(email.to_lowercase())
        .bind(remote)
        .bind(since.millis())
        .fetch_one(self.conn())
        .await?;
        Ok(LoginFailures {
            by_email,
            last_by_email: last_by_email.map(Timestamp),
            by_remote,
            last_by_remote: last_by_remote.map(Timestamp),
            by_pair,
            last_by_pair: last_by_pair.map(Timestamp),
        })
    }

    pub async fn insert_api_token(&mut self, t: &ApiToken) -> Result<()> {
        sqlx::query(
            "INSERT INTO api_tokens (id, name, token_hash, scopes, created_at, revoked_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&t.id)
        .bind(&t.name)
        .bind(&t.token_hash)
        .bind(&t.scopes)
        .bind(t.created_at.millis())
        .bind(t.revoked_at.map(|r| r.millis()))
        .execute(self.conn())
        .await
        .map_err(|e| StoreError::on_unique(e, "an API token with this secret already exists"))?;
        Ok(())
    }

    /// A token that exists and is not revoked.
    pub async fn live_api_token(&mut self, token_hash: &str) -> Result<Option<ApiToken>> {
        let row: Option<ApiTokenRow> = sqlx::query_as(
            "SELECT id, name, token_hash, scopes, created_at, revoked_at FROM api_tokens \
             WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(self.conn())
        .await?;
        Ok(row.map(ApiToken::from))
    }

    pub async fn revoke_api_token(&mut self, id: &str, at: Timestamp) -> Result<()> {
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
        )
        .bind(at.millis())
        .bind(id)
        .execute(self.conn())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found("live api token", id));
        }
        Ok(())
    }
}

/// Recent failed sign-ins for one email and from one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginFailures {
    pub by_email: i64,
    pub last_by_email: Option<Timestamp>,
    pub by_remote: i64,
    pub last_by_remote: Option<Timestamp>,
    /// For this email from this address.
    pub by_pair: i64,
    pub last_by_pair: Option<Timestamp>,
}
