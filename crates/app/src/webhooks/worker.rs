//! The delivery worker: claims one due delivery, POSTs it signed, logs the attempt, and either
//! marks it delivered, schedules the next try, or gives up after the last.

use super::sender::{self, Answer, Outgoing};
use crate::{App, AppResult};
use tokio::sync::watch;
use trustwork_core::timestamp::MINUTE_MS;
use trustwork_store::new_id;
use trustwork_store::webhooks::{AttemptOutcome, WebhookAttempt};

/// How long a claim lasts before another process may send the delivery: well over the request
/// timeout, so a slow receiver is not sent the same delivery twice at once.
const LOCK_MS: i64 = 2 * MINUTE_MS;

impl App {
    /// Sends one due delivery. Returns whether there was one.
    pub async fn deliver_one_webhook(&self) -> AppResult<bool> {
        let now = self.now();
        let lock_ms = LOCK_MS.max(
            i64::try_from(self.config().webhooks.timeout.as_millis())
                .unwrap_or(i64::MAX / 4)
                .saturating_mul(2),
        );
        let mut tx = self.db().begin().await?;
        let Some(delivery) = tx
            .claim_webhook_delivery(now, now.plus_millis(lock_ms))
            .await?
        else {
            return Ok(false);
        };
        let subscription = tx.webhook_subscription(&delivery.subscription_id).await?;
        tx.commit().await?;

        let answer = if subscription.active {
            sender::post(
                &Outgoing {
                    url: &subscription.url,
                    secret: &subscription.secret,
                    msg_id: &delivery.id,
                    timestamp_secs: now.millis().div_euclid(1000),
                    body: &delivery.payload,
                },
                self.config().webhooks.timeout,
            )
            .await
        } else {
            Answer {
                status_code: None,
                error: Some("subscription_disabled: the subscription was disabled".into()),
                duration_ms: 0,
            }
        };
        let finished = self.now();
        let outcome = if answer.delivered() {
            AttemptOutcome::Delivered
        } else if !subscription.active {
            AttemptOutcome::Failed
        } else {
            match self.config().webhooks.retry.delay_after(delivery.attempts) {
                Some(wait) => AttemptOutcome::RetryAt(finished.plus_millis(wait)),
                None => AttemptOutcome::Failed,
            }
        };
        if let Some(error) = &answer.error {
            tracing::warn!(
                delivery_id = %delivery.id,
                url = %subscription.url,
                attempts = delivery.attempts,
                error = %error,
                "webhook delivery failed"
            );
        }
        let mut tx = self.db().begin().await?;
        let moved = tx
            .finish_webhook_attempt(
                &WebhookAttempt {
                    id: new_id("wha"),
                    delivery_id: delivery.id.clone(),
                    at: now,
                    status_code: answer.status_code,
                    error: answer.error,
                    duration_ms: answer.duration_ms,
                },
                delivery.attempts,
                outcome,
            )
            .await?;
        tx.commit().await?;
        if !moved {
            tracing::warn!(delivery_id = %delivery.id, "webhook answer came after the claim ran out; another attempt owns the delivery");
        }
        Ok(true)
    }

    /// Runs until `shutdown` turns true: sends deliveries whenever woken (after a commit that
    /// queued some, see [`App::wake_outbox`]) or every few seconds.
    pub async fn run_webhook_worker(&self, mut shutdown: watch::Receiver<bool>) {
        loop {
            loop {
                match self.deliver_one_webhook().await {
                    Ok(true) => continue,
                    Ok(false) => break,
                    Err(e) => {
                        tracing::error!(error = %e.detail(), "webhook worker");
                        break;
                    }
                }
            }
            if !crate::workers::wait_for_work(self.webhook_wakeup(), &mut shutdown).await {
                return;
            }
        }
    }
}
