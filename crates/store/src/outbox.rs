//! The outbox: messages written in the same transaction as the change that causes them, and
//! delivered after commit by a worker that claims them in batches.

use crate::rows::{opt_ts, ts};
use crate::{Result, Tx};
use trustwork_core::Timestamp;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    pub id: String,
    /// `email` for now; webhooks later.
    pub kind: String,
    pub account_id: Option<String>,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// `pending`, `delivering`, `delivered` or `failed`.
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: Timestamp,
    pub last_error: Option<String>,
    /// How it went out: `smtp` or `dev_mailbox`.
    pub transport: Option<String>,
    pub created_at: Timestamp,
    pub delivered_at: Option<Timestamp>,
}

#[derive(sqlx::FromRow)]
struct OutboxRow {
    id: String,
    kind: String,
    account_id: Option<String>,
    recipient: String,
    subject: String,
    body: String,
    status: String,
    attempts: i64,
    next_attempt_at: i64,
    last_error: Option<String>,
    transport: Option<String>,
    created_at: i64,
    delivered_at: Option<i64>,
}

impl From<OutboxRow> for OutboxMessage {
    fn from(r: OutboxRow) -> Self {
        OutboxMessage {
            id: r.id,
            kind: r.kind,
            account_id: r.account_id,
            recipient: r.recipient,
            subject: r.subject,
            body: r.body,
            status: r.status,
            attempts: r.attempts,
            next_attempt_at: ts(r.next_attempt_at),
            last_error: r.last_error,
            transport: r.transport,
            created_at: ts(r.created_at),
            delivered_at: opt_ts(r.delivered_at),
        }
    }
}

const COLUMNS: &str = "id, kind, account_id, recipient, subject, body, status, attempts, next_attempt_at, last_error, transport, created_at, delivered_at";

impl Tx {
    pub async fn enqueue_outbox(&mut self, m: &OutboxMessage) -> Result<()> {
        self.insert_rows(&[outbox_json_rows(&[m])?]).await?;
        Ok(())
    }

    /// Claims the oldest message that is due, locking it until `lock_until`. A message whose
    /// claimant died is claimed again once its lock runs out.
    pub async fn claim_outbox(
        &mut self,
        now: Timestamp,
        lock_until: Timestamp,
    ) -> Result<Option<OutboxMessage>> {
        Ok(self.claim_outbox_batch(now, lock_until, 1).await?.pop())
    }

    /// Claims up to `limit` of the oldest due messages at once, oldest first (one write
    /// transaction for a batch of mail, not one each). Concurrent claimers on PostgreSQL skip
    /// each other's locked rows; the predicate is repeated in the outer WHERE so that a row is
    /// never claimed twice.
    pub async fn claim_outbox_batch(
        &mut self,
        now: Timestamp,
        lock_until: Timestamp,
        limit: i64,
    ) -> Result<Vec<OutboxMessage>> {
        let skip = crate::rows::skip_locked(self.backend);
        let sql = sqlx::AssertSqlSafe(format!(
            "WITH picked AS MATERIALIZED (SELECT id FROM outbox WHERE {DUE} ORDER BY next_attempt_at, id LIMIT $3{skip}) \
             UPDATE outbox SET status = 'delivering', locked_until = $1, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM picked) AND {DUE} \
             RETURNING {COLUMNS}"
        ));
        let rows: Vec<OutboxRow> = sqlx::query_as(sql)
            .bind(lock_until.millis())
            .bind(now.millis())
            .bind(limit)
            .fetch_all(self.conn())
            .await?;
        let mut claimed: Vec<OutboxMessage> = rows.into_iter().map(OutboxMessage::from).collect();
        claimed.sort_by(|a, b| (a.next_attempt_at, &a.id).cmp(&(b.next_attempt_at, &b.id)));
        Ok(claimed)
    }

    pub async fn mark_outbox_delivered(
        &mut self,
        id: &str,
        transport: &str,
        at: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE outbox SET status = 'delivered', transport = $1, delivered_at = $2, locked_until = NULL, last_error = NULL WHERE id = $3",
        )
        .bind(transport)
        .bind(at.millis())
        .bind(id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Records a failed attempt: back to pending at `retry_at`, or `failed` for good when
    /// `retry_at` is `None`.
    pub async fn mark_outbox_failed(
        &mut self,
        id: &str,
        error: &str,
        retry_at: Option<Timestamp>,
    ) -> Result<()> {
        let (status, next) = match retry_at {
            Some(t) => ("pending", Some(t.millis())),
            None => ("failed", None),
        };
        sqlx::query(
            "UPDATE outbox SET status = $1, next_attempt_at = COALESCE($2, next_attempt_at), locked_until = NULL, last_error = $3 WHERE id = $4",
        )
        .bind(status)
        .bind(next)
        .bind(error)
        .bind(id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Recent messages, newest first; `recipient` narrows to one address.
    pub async fn outbox_messages(
        &mut self,
        recipient: Option<&str>,
        limit: i64,
    ) -> Result<Vec<OutboxMessage>> {
        let rows: Vec<OutboxRow> = match recipient {
            Some(recipient) => {
                let sql = sqlx::AssertSqlSafe(format!(
                    "SELECT {COLUMNS} FROM outbox WHERE recipient = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
                ));
                sqlx::query_as(sql)
                    .bind(recipient)
                    .bind(limit)
                    .fetch_all(self.conn())
                    .await?
            }
            None => {
                let sql = sqlx::AssertSqlSafe(format!(
                    "SELECT {COLUMNS} FROM outbox ORDER BY created_at DESC, id DESC LIMIT $1"
                ));
                sqlx::query_as(sql)
                    .bind(limit)
                    .fetch_all(self.conn())
                    .await?
            }
        };
        Ok(rows.into_iter().map(OutboxMessage::from).collect())
    }
}

/// Pending and due, or stuck in delivery past its lock. `$2` is now.
const DUE: &str = "((status = 'pending' AND next_attempt_at <= $2) OR (status = 'delivering' AND locked_until < $2))";

/// Messages as rows of `outbox`, pending, for the one-row and the group inserts alike.
pub(crate) fn outbox_json_rows(
    messages: &[&OutboxMessage],
) -> std::result::Result<crate::rows::JsonRows, sqlx::Error> {
    let values: Vec<_> = messages
        .iter()
        .map(|m| {
            (
                &m.id,
                &m.kind,
                m.account_id.as_deref(),
                &m.recipient,
                &m.subject,
                &m.body,
                "pending",
                0,
                m.next_attempt_at.millis(),
                m.created_at.millis(),
            )
        })
        .collect();
    crate::rows::JsonRows::new(
        "outbox",
        "id, kind, account_id, recipient, subject, body, status, attempts, next_attempt_at, created_at",
        &values,
    )
}
