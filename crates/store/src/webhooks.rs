//! Webhook subscriptions, their deliveries and the log of attempts. Deliveries are an outbox of
//! their own: written in the caller's transaction, claimed one at a time after commit.

use crate::rows::{opt_ts, ts};
use crate::{Result, StoreError, Tx};
use trustwork_core::Timestamp;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookSubscription {
    pub id: String,
    pub url: String,
    /// The `whsec_…` signing secret.
    pub secret: String,
    /// Space-separated event types, or `*`.
    pub event_types: String,
    pub active: bool,
    pub created_at: Timestamp,
    pub disabled_at: Option<Timestamp>,
}

#[derive(sqlx::FromRow)]
struct SubscriptionRow {
    id: String,
    url: String,
    secret: String,
    event_types: String,
    active: i32,
    created_at: i64,
    disabled_at: Option<i64>,
}

impl From<SubscriptionRow> for WebhookSubscription {
    fn from(r: SubscriptionRow) -> Self {
        WebhookSubscription {
            id: r.id,
            url: r.url,
            secret: r.secret,
            event_types: r.event_types,
            active: r.active != 0,
            created_at: ts(r.created_at),
            disabled_at: opt_ts(r.disabled_at),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookDelivery {
    /// Also the `webhook-id` header.
    pub id: String,
    pub subscription_id: String,
    pub event_type: String,
    /// The JSON body exactly as signed and sent.
    pub payload: String,
    /// `pending`, `delivering`, `delivered` or `failed`.
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: Timestamp,
    pub last_status_code: Option<i64>,
    pub last_error: Option<String>,
    pub replay_of: Option<String>,
    pub created_at: Timestamp,
    pub delivered_at: Option<Timestamp>,
}

#[derive(sqlx::FromRow)]
struct DeliveryRow {
    id: String,
    subscription_id: String,
    event_type: String,
    payload: String,
    status: String,
    attempts: i64,
    next_attempt_at: i64,
    last_status_code: Option<i32>,
    last_error: Option<String>,
    replay_of: Option<String>,
    created_at: i64,
    delivered_at: Option<i64>,
}

impl From<DeliveryRow> for WebhookDelivery {
    fn from(r: DeliveryRow) -> Self {
        WebhookDelivery {
            id: r.id,
            subscription_id: r.subscription_id,
            event_type: r.event_type,
            payload: r.payload,
            status: r.status,
            attempts: r.attempts,
            next_attempt_at: ts(r.next_attempt_at),
            last_status_code: r.last_status_code.map(i64::from),
            last_error: r.last_error,
            replay_of: r.replay_of,
            created_at: ts(r.created_at),
            delivered_at: opt_ts(r.delivered_at),
        }
    }
}

/// One HTTP attempt of a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookAttempt {
    pub id: String,
    pub delivery_id: String,
    pub at: Timestamp,
    /// The receiver's HTTP status, when it answered at all.
    pub status_code: Option<i64>,
    pub error: Option<String>,
    pub duration_ms: i64,
}

#[derive(sqlx::FromRow)]
struct AttemptRow {
    id: String,
    delivery_id: String,
    at: i64,
    status_code: Option<i32>,
    error: Option<String>,
    duration_ms: i64,
}

impl From<AttemptRow> for WebhookAttempt {
    fn from(r: AttemptRow) -> Self {
        WebhookAttempt {
            id: r.id,
            delivery_id: r.delivery_id,
            at: ts(r.at),
            status_code: r.status_code.map(i64::from),
            error: r.error,
            duration_ms: r.duration_ms,
        }
    }
}

const SUBSCRIPTION_COLUMNS: &str = "id, url, secret, event_types, active, created_at, disabled_at";
const DELIVERY_COLUMNS: &str = "id, subscription_id, event_type, payload, status, attempts, next_attempt_at, last_status_code, last_error, replay_of, created_at, delivered_at";
/// Pending and due, or stuck in delivery past its lock (its sender died). `$2` is now.
const DUE: &str = "((status = 'pending' AND next_attempt_at <= $2) OR (status = 'delivering' AND locked_until < $2))";

/// How a finished attempt ends for its delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptOutcome {
    Delivered,
    /// Pending again, due at the time given.
    RetryAt(Timestamp),
    /// No attempts left (or nothing to send to).
    Failed,
}

impl Tx {
    pub async fn insert_webhook_subscription(&mut self, s: &WebhookSubscription) -> Result<()> {
        sqlx::query(
            "INSERT INTO webhook_subscriptions (id, url, secret, event_types, active, created_at, disabled_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&s.id)
        .bind(&s.url)
        .bind(&s.secret)
        .bind(&s.event_types)
        .bind(i32::from(s.active))
        .bind(s.created_at.millis())
        .bind(s.disabled_at.map(Timestamp::millis))
        .execute(self.conn())
        .await?;
        Ok(())
    }

    pub async fn webhook_subscription(&mut self, id: &str) -> Result<WebhookSubscription> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions WHERE id = $1"
        ));
        let row: Option<SubscriptionRow> = sqlx::query_as(sql)
            .bind(id)
            .fetch_optional(self.conn())
            .await?;
        row.map(WebhookSubscription::from)
            .ok_or_else(|| StoreError::not_found("webhook subscription", id))
    }

    /// Every subscription, newest first; `active_only` leaves out the disabled ones.
    pub async fn webhook_subscriptions(
        &mut self,
        active_only: bool,
    ) -> Result<Vec<WebhookSubscription>> {
        let filter = if active_only { "WHERE active = 1" } else { "" };
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions {filter} ORDER BY created_at DESC, id DESC"
        ));
        let rows: Vec<SubscriptionRow> = sqlx::query_as(sql).fetch_all(self.conn()).await?;
        Ok(rows.into_iter().map(WebhookSubscription::from).collect())
    }

    /// Turns a subscription off for good. Returns false if it was already off.
    pub async fn disable_webhook_subscription(&mut self, id: &str, at: Timestamp) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE webhook_subscriptions SET active = 0, disabled_at = $1 WHERE id = $2 AND active = 1",
        )
        .bind(at.millis())
        .bind(id)
        .execute(self.conn())
        .await?;
        if done.rows_affected() == 0 {
            // Tell "already off" from "no such subscription".
            self.webhook_subscription(id).await?;
            return Ok(false);
        }
        Ok(true)
    }

    /// Queues a delivery, due at its `next_attempt_at`.
    pub async fn insert_webhook_delivery(&mut self, d: &WebhookDelivery) -> Result<()> {
        self.insert_webhook_deliveries(std::slice::from_ref(d))
            .await
    }

    /// Queues many deliveries in a few statements.
    pub async fn insert_webhook_deliveries(
        &mut self,
        deliveries: &[WebhookDelivery],
    ) -> Result<()> {
        if deliveries.is_empty() {
            return Ok(());
        }
        self.insert_rows(&[delivery_json_rows(deliveries.iter())?])
            .await?;
        Ok(())
    }

    pub async fn webhook_delivery(&mut self, id: &str) -> Result<WebhookDelivery> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE id = $1"
        ));
        let row: Option<DeliveryRow> = sqlx::query_as(sql)
            .bind(id)
            .fetch_optional(self.conn())
            .await?;
        row.map(WebhookDelivery::from)
            .ok_or_else(|| StoreError::not_found("webhook delivery", id))
    }

    /// Claims the oldest due delivery and counts the attempt, locked until `lock_until`. As for
    /// the outbox, concurrent claimers on PostgreSQL skip each other's locked rows, and the
    /// predicate is repeated in the outer WHERE so that a row is never claimed twice.
    pub async fn claim_webhook_delivery(
        &mut self,
        now: Timestamp,
        lock_until: Timestamp,
    ) -> Result<Option<WebhookDelivery>> {
        let skip = crate::rows::skip_locked(self.backend);
        let sql = sqlx::AssertSqlSafe(format!(
            "WITH picked AS MATERIALIZED (SELECT id FROM webhook_deliveries WHERE {DUE} ORDER BY next_attempt_at, id LIMIT 1{skip}) \
             UPDATE webhook_deliveries SET status = 'delivering', locked_until = $1, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM picked) AND {DUE} \
             RETURNING {DELIVERY_COLUMNS}"
        ));
        let row: Option<DeliveryRow> = sqlx::query_as(sql)
            .bind(lock_until.millis())
            .bind(now.millis())
            .fetch_optional(self.conn())
            .await?;
        Ok(row.map(WebhookDelivery::from))
    }

    /// Logs an attempt and moves its delivery on: delivered, pending again, or failed for good.
    /// `claimed` is the delivery's `attempts` as the claim returned it: only that claim may
    /// finish it, so a late answer from a sender whose lock ran out (and whose delivery another
    /// sender claimed again) is logged but changes nothing. Returns whether the delivery moved.
    pub async fn finish_webhook_attempt(
        &mut self,
        attempt: &WebhookAttempt,
        claimed: i64,
        outcome: AttemptOutcome,
    ) -> Result<bool> {
        sqlx::query(
            "INSERT INTO webhook_attempts (id, delivery_id, at, status_code, error, duration_ms) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&attempt.id)
        .bind(&attempt.delivery_id)
        .bind(attempt.at.millis())
        .bind(attempt.status_code.and_then(|c| i32::try_from(c).ok()))
        .bind(attempt.error.as_deref())
        .bind(attempt.duration_ms)
        .execute(self.conn())
        .await?;
        let (status, next, delivered) = match outcome {
            AttemptOutcome::Delivered => ("delivered", None, Some(attempt.at.millis())),
            AttemptOutcome::RetryAt(t) => ("pending", Some(t.millis()), None),
            AttemptOutcome::Failed => ("failed", None, None),
        };
        let moved = sqlx::query(
            "UPDATE webhook_deliveries SET status = $1, next_attempt_at = COALESCE($2, next_attempt_at), delivered_at = $3, \
             locked_until = NULL, last_status_code = $4, last_error = $5 WHERE id = $6 AND status = 'delivering' AND attempts = $7",
        )
        .bind(status)
        .bind(next)
        .bind(delivered)
        .bind(attempt.status_code.and_then(|c| i32::try_from(c).ok()))
        .bind(attempt.error.as_deref())
        .bind(&attempt.delivery_id)
        .bind(claimed)
        .execute(self.conn())
        .await?;
        Ok(moved.rows_affected() == 1)
    }

    /// Deliveries, newest first: of one subscription, or of all when `None`.
    pub async fn webhook_deliveries(
        &mut self,
        subscription_id: Option<&str>,
        limit: i64,
    ) -> Result<Vec<WebhookDelivery>> {
        let rows: Vec<DeliveryRow> = match subscription_id {
            Some(id) => {
                let sql = sqlx::AssertSqlSafe(format!(
                    "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE subscription_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
                ));
                sqlx::query_as(sql)
                    .bind(id)
                    .bind(limit)
                    .fetch_all(self.conn())
                    .await?
            }
            None => {
                let sql = sqlx::AssertSqlSafe(format!(
                    "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries ORDER BY created_at DESC, id DESC LIMIT $1"
                ));
                sqlx::query_as(sql)
                    .bind(limit)
                    .fetch_all(self.conn())
                    .await?
            }
        };
        Ok(rows.into_iter().map(WebhookDelivery::from).collect())
    }

    /// The attempts of a delivery, oldest first.
    pub async fn webhook_attempts(&mut self, delivery_id: &str) -> Result<Vec<WebhookAttempt>> {
        let rows: Vec<AttemptRow> = sqlx::query_as(
            "SELECT id, delivery_id, at, status_code, error, duration_ms FROM webhook_attempts WHERE delivery_id = $1 ORDER BY at, id",
        )
        .bind(delivery_id)
        .fetch_all(self.conn())
        .await?;
        Ok(rows.into_iter().map(WebhookAttempt::from).collect())
    }
}

/// Deliveries as rows of `webhook_deliveries`, pending, for the one-row and the group inserts
/// alike.
pub(crate) fn delivery_json_rows<'a>(
    deliveries: impl Iterator<Item = &'a WebhookDelivery>,
) -> std::result::Result<crate::rows::JsonRows, sqlx::Error> {
    let values: Vec<_> = deliveries
        .map(|d| {
            (
                &d.id,
                &d.subscription_id,
                &d.event_type,
                &d.payload,
                "pending",
                0,
                d.next_attempt_at.millis(),
                d.replay_of.as_deref(),
                d.created_at.millis(),
            )
        })
        .collect();
    crate::rows::JsonRows::new(
        "webhook_deliveries",
        "id, subscription_id, event_type, payload, status, attempts, next_attempt_at, replay_of, created_at",
        &values,
    )
}
