//! The delivery worker: claims one due delivery, POSTs it signed, logs the attempt, and either
//! marks it delivered, schedules the next try, or gives up after the last.

use super::sender::{self, Answer, Outgoing, Sender};
use crate::{App, AppError, AppResult};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use trustwork_core::Timestamp;
use trustwork_core::timestamp::MINUTE_MS;
use trustwork_store::new_id;
use trustwork_store::webhooks::{
    AttemptOutcome, WebhookAttempt, WebhookDelivery, WebhookSubscription,
};

/// How long a claim lasts before another process may send the delivery: well over the request
/// timeout, so a slow receiver is not sent the same delivery twice at once.
const LOCK_MS: i64 = 2 * MINUTE_MS;

/// At most this many deliveries in flight per node, and per subscription (one receiver is not
/// sent more at once than a modest server takes; a slow one holds back only its own).
const IN_FLIGHT: usize = 32;
const IN_FLIGHT_PER_SUBSCRIPTION: usize = 4;

/// A delivery claimed for sending, with its subscription and the time of the claim.
pub(crate) struct Claimed {
    delivery: WebhookDelivery,
    subscription: WebhookSubscription,
    now: Timestamp,
}

impl App {
    /// Sends one due delivery. Returns whether there was one.
    pub async fn deliver_one_webhook(&self) -> AppResult<bool> {
        let Some(claimed) = self.claim_webhook().await? else {
            return Ok(false);
        };
        let sender = Sender::new(self.config().webhooks.allowed_targets.clone())
            .map_err(AppError::Internal)?;
        self.send_claimed(&sender, claimed).await?;
        Ok(true)
    }

    /// Claims the oldest due delivery, locked long enough for its attempt.
    async fn claim_webhook(&self) -> AppResult<Option<Claimed>> {
        let now = self.now();
        // A claimed delivery may wait for its subscription's turn behind the others in flight
        // (at most IN_FLIGHT / IN_FLIGHT_PER_SUBSCRIPTION attempts), then take its own.
        let attempts_before =
            i64::try_from(IN_FLIGHT / IN_FLIGHT_PER_SUBSCRIPTION + 1).unwrap_or(9);
        let lock_ms = LOCK_MS.max(
            i64::try_from(self.config().webhooks.timeout.as_millis())
                .unwrap_or(i64::MAX / 64)
                .saturating_mul(attempts_before + 1),
        );
        let mut tx = self.db().begin().await?;
        let Some(delivery) = tx
            .claim_webhook_delivery(now, now.plus_millis(lock_ms))
            .await?
        else {
            return Ok(None);
        };
        let subscription = tx.webhook_subscription(&delivery.subscription_id).await?;
        tx.commit().await?;
        Ok(Some(Claimed {
            delivery,
            subscription,
            now,
        }))
    }

    /// Sends a claimed delivery and records the attempt.
    async fn send_claimed(&self, sender: &Sender, claimed: Claimed) -> AppResult<()> {
        let Claimed {
            delivery,
            subscription,
            now,
        } = claimed;
        let answer = if subscription.active {
            sender::post(
                sender,
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
        Ok(())
    }

    /// Runs until `shutdown` turns true: sends deliveries whenever woken (after a commit that
    /// queued some, see [`App::wake_outbox`]) or every few seconds, up to [`IN_FLIGHT`] at once
    /// through one pooled client, at most [`IN_FLIGHT_PER_SUBSCRIPTION`] to one subscription.
    pub async fn run_webhook_worker(&self, mut shutdown: watch::Receiver<bool>) {
        let sender = match Sender::new(self.config().webhooks.allowed_targets.clone()) {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(error = %e, "cannot start the webhook worker");
                return;
            }
        };
        let in_flight = Arc::new(Semaphore::new(IN_FLIGHT));
        let mut per_subscription: HashMap<String, Arc<Semaphore>> = HashMap::new();
        let mut sending = JoinSet::new();
        loop {
            loop {
                let Ok(slot) = Arc::clone(&in_flight).acquire_owned().await else {
                    break;
                };
                while sending.try_join_next().is_some() {}
                if sending.is_empty() {
                    // Nothing in flight: forget the subscriptions' limits (a bound on the map).
                    per_subscription.clear();
                }
                let claimed = match self.claim_webhook().await {
                    Ok(Some(c)) => c,
                    Ok(None) => break,
                    Err(e) => {
                        tracing::error!(error = %e.detail(), "webhook worker");
                        break;
                    }
                };
                let limit = Arc::clone(
                    per_subscription
                        .entry(claimed.subscription.id.clone())
                        .or_insert_with(|| Arc::new(Semaphore::new(IN_FLIGHT_PER_SUBSCRIPTION))),
                );
                let (app, sender) = (self.clone(), sender.clone());
                sending.spawn(async move {
                    let _slot = slot;
                    let Ok(_turn) = limit.acquire_owned().await else {
                        return;
                    };
                    if let Err(e) = app.send_claimed(&sender, claimed).await {
                        tracing::error!(error = %e.detail(), "webhook worker");
                    }
                });
            }
            if !crate::workers::wait_for_work(self.webhook_wakeup(), &mut shutdown).await {
                // Deliveries in flight finish (each is bounded by the request timeout).
                while sending.join_next().await.is_some() {}
                return;
            }
        }
    }
}
