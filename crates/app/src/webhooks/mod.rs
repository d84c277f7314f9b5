//! Webhooks: the operator subscribes URLs to event types; each event writes one delivery per
//! matching subscription inside the transaction that caused it (nothing is sent before commit),
//! and a worker sends them signed in the Standard Webhooks format, with retries.

mod sender;
mod worker;

use crate::audit::{Change, restriction_json};
use crate::{App, AppError, AppResult};
use std::sync::Arc;
use std::time::Duration;
use trustwork_core::net::AllowedTargets;
use trustwork_core::webhook::{self, RetrySchedule, WebhookError};
use trustwork_core::{Actor, Restriction, Timestamp, standing};
use trustwork_store::webhooks::{WebhookAttempt, WebhookDelivery, WebhookSubscription};
use trustwork_store::{Tx, new_id};

/// How deliveries are sent and retried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookConfig {
    /// The waits between attempts; the Standard Webhooks schedule by default.
    pub retry: RetrySchedule,
    /// How long one request may take, connection included.
    pub timeout: Duration,
    /// Hosts and networks inside the operator's network that webhooks may reach (none by
    /// default: public addresses only).
    pub allowed_targets: AllowedTargets,
}

impl Default for WebhookConfig {
    fn default() -> Self {
        Self {
            retry: RetrySchedule::default(),
            timeout: Duration::from_secs(10),
            allowed_targets: AllowedTargets::default(),
        }
    }
}

/// The active subscriptions, kept for a second: the event pipeline needs them for every group
/// it commits. A change made on this node is seen at once; one made on another node within
/// [`SUBSCRIPTIONS_TTL`].
#[derive(Default)]
pub(crate) struct SubscriptionCache {
    entry: std::sync::Mutex<Option<(std::time::Instant, Arc<Vec<WebhookSubscription>>)>>,
}

const SUBSCRIPTIONS_TTL: Duration = Duration::from_secs(1);

impl SubscriptionCache {
    pub(crate) async fn active_in(&self, tx: &mut Tx) -> AppResult<Arc<Vec<WebhookSubscription>>> {
        if let Some(subs) = self.fresh() {
            return Ok(subs);
        }
        let subs = Arc::new(tx.webhook_subscriptions(true).await?);
        if let Ok(mut entry) = self.entry.lock() {
            *entry = Some((std::time::Instant::now(), subs.clone()));
        }
        Ok(subs)
    }

    /// The subscriptions held, unless they are older than [`SUBSCRIPTIONS_TTL`].
    pub(crate) fn fresh(&self) -> Option<Arc<Vec<WebhookSubscription>>> {
        let entry = self.entry.lock().ok()?;
        let (at, subs) = entry.as_ref()?;
        (at.elapsed() < SUBSCRIPTIONS_TTL).then(|| subs.clone())
    }

    fn forget(&self) {
        if let Ok(mut entry) = self.entry.lock() {
            *entry = None;
        }
    }
}

/// How many recent deliveries the lists show.
const LIST_LIMIT: i64 = 200;

fn invalid(e: WebhookError) -> AppError {
    match e {
        WebhookError::UnknownEventType(t) if t.is_empty() => {
            AppError::invalid("event_types", "name at least one event type")
        }
        WebhookError::UnknownEventType(t) => AppError::invalid(
            "event_types",
            format!(
                "unknown event type {t:?}; expected {} or *",
                webhook::EVENT_TYPES.join(", ")
            ),
        ),
        other => AppError::invalid("url", other.to_string()),
    }
}

/// Writes one pending delivery of `event_type` per active subscription that wants it, inside the
/// caller's transaction: if that rolls back, nothing is sent. The body is the Standard Webhooks
/// envelope `{"type", "timestamp", "data": payload}`, stored exactly as it will be signed.
/// Returns how many deliveries were queued; the caller wakes the worker after its commit
/// ([`App::wake_outbox`]).
pub(crate) async fn enqueue_webhooks_in(
    app: &App,
    tx: &mut Tx,
    event_type: &str,
    payload: serde_json::Value,
    now: Timestamp,
) -> AppResult<usize> {
    let subscriptions = app.subscriptions().active_in(tx).await?;
    let deliveries = deliveries_for(&subscriptions, event_type, &payload, now);
    if !deliveries.is_empty() {
        tx.insert_webhook_deliveries(&deliveries).await?;
    }
    Ok(deliveries.len())
}

/// The deliveries of one event to the subscriptions that want it (none when none does).
pub(crate) fn deliveries_for(
    subscriptions: &[WebhookSubscription],
    event_type: &str,
    payload: &serde_json::Value,
    now: Timestamp,
) -> Vec<WebhookDelivery> {
    let mut body = None;
    subscriptions
        .iter()
        .filter(|s| webhook::wants(&s.event_types, event_type))
        .map(|s| {
            let body = body.get_or_insert_with(|| {
                serde_json::json!({
                    "type": event_type,
                    "timestamp": now.to_rfc3339(),
                    "data": payload,
                })
                .to_string()
            });
            WebhookDelivery {
                id: new_id("msg"),
                subscription_id: s.id.clone(),
                event_type: event_type.to_owned(),
                payload: body.clone(),
                status: "pending".into(),
                attempts: 0,
                next_attempt_at: now,
                last_status_code: None,
                last_error: None,
                replay_of: None,
                created_at: now,
                delivered_at: None,
            }
        })
        .collect()
}

/// Announces `standing.changed` for a restriction just applied or lifted (`change`), with the
/// account's standing after the change.
pub(crate) async fn standing_changed_in(
    app: &App,
    tx: &mut Tx,
    restriction: &Restriction,
    change: &str,
    now: Timestamp,
) -> AppResult<usize> {
    let restrictions = tx.restrictions_of(&restriction.account_id).await?;
    let payload = standing_changed_payload(restriction, &restrictions, change, now);
    enqueue_webhooks_in(app, tx, "standing.changed", payload, now).await
}

/// What `standing.changed` says: the restriction, what happened to it, and the standing the
/// account's restrictions (`restrictions`, this one's change included) now give it.
pub(crate) fn standing_changed_payload(
    restriction: &Restriction,
    restrictions: &[Restriction],
    change: &str,
    now: Timestamp,
) -> serde_json::Value {
    serde_json::json!({
        "account_id": restriction.account_id,
        "change": change,
        "restriction": restriction_json(restriction),
        "standing": standing::standing(restrictions, now).as_str(),
    })
}

/// A new `whsec_` signing secret from the operating system's randomness.
fn new_secret() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; webhook::SECRET_BYTES];
    rand::rng().fill_bytes(&mut bytes);
    webhook::secret_from_bytes(&bytes)
}

/// A subscription as the API and console show it: the secret only right after creation.
fn subscription_json(s: &WebhookSubscription) -> serde_json::Value {
    serde_json::json!({
        "id": s.id,
        "url": s.url,
        "event_types": s.event_types.split(' ').collect::<Vec<_>>(),
        "active": s.active,
    })
}

impl App {
    /// Subscribes `url` to `event_types` (known types or `*`). The answer carries the signing
    /// secret, which is shown to the operator only now.
    pub async fn create_webhook(
        &self,
        actor: &Actor,
        url: &str,
        event_types: &[String],
    ) -> AppResult<WebhookSubscription> {
        let url =
            webhook::validate_url(url, &self.config().webhooks.allowed_targets).map_err(invalid)?;
        let types = webhook::validate_event_types(event_types).map_err(invalid)?;
        let now = self.now();
        let subscription = WebhookSubscription {
            id: new_id("whs"),
            url,
            secret: new_secret(),
            event_types: types.join(" "),
            active: true,
            created_at: now,
            disabled_at: None,
        };
        let mut tx = self.db().begin().await?;
        tx.insert_webhook_subscription(&subscription).await?;
        tx.append_audit(
            &Change {
                actor,
                account_id: None,
                action: "webhook.created",
                entity_type: "webhook_subscription",
                entity_id: &subscription.id,
                reason: "",
                before: None,
                after: Some(subscription_json(&subscription)),
            }
            .record(now),
        )
        .await?;
        tx.commit().await?;
        self.subscriptions().forget();
        Ok(subscription)
    }

    /// Every subscription, newest first, disabled ones included.
    pub async fn webhooks(&self) -> AppResult<Vec<WebhookSubscription>> {
        let mut tx = self.db().begin().await?;
        Ok(tx.webhook_subscriptions(false).await?)
    }

    /// Stops a subscription: no new deliveries, and queued ones are given up when their turn
    /// comes. Disabling a disabled subscription changes nothing.
    pub async fn disable_webhook(&self, actor: &Actor, id: &str) -> AppResult<WebhookSubscription> {
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let before = tx.webhook_subscription(id).await?;
        if tx.disable_webhook_subscription(id, now).await? {
            let after = tx.webhook_subscription(id).await?;
            tx.append_audit(
                &Change {
                    actor,
                    account_id: None,
                    action: "webhook.disabled",
                    entity_type: "webhook_subscription",
                    entity_id: id,
                    reason: "",
                    before: Some(subscription_json(&before)),
                    after: Some(subscription_json(&after)),
                }
                .record(now),
            )
            .await?;
        }
        let after = tx.webhook_subscription(id).await?;
        tx.commit().await?;
        self.subscriptions().forget();
        Ok(after)
    }

    /// Recent deliveries, newest first: of one subscription (which must exist), or of all.
    pub async fn webhook_deliveries(
        &self,
        subscription_id: Option<&str>,
    ) -> AppResult<Vec<WebhookDelivery>> {
        let mut tx = self.db().begin().await?;
        if let Some(id) = subscription_id {
            tx.webhook_subscription(id).await?;
        }
        Ok(tx.webhook_deliveries(subscription_id, LIST_LIMIT).await?)
    }

    pub async fn webhook_delivery(&self, id: &str) -> AppResult<WebhookDelivery> {
        let mut tx = self.db().begin().await?;
        Ok(tx.webhook_delivery(id).await?)
    }

    /// Every HTTP attempt of a delivery, oldest first.
    pub async fn webhook_attempts(&self, delivery_id: &str) -> AppResult<Vec<WebhookAttempt>> {
        let mut tx = self.db().begin().await?;
        tx.webhook_delivery(delivery_id).await?;
        Ok(tx.webhook_attempts(delivery_id).await?)
    }

    /// Sends a delivery again as a new delivery: the same event type and body, a new
    /// `webhook-id`, its own attempts, and `replay_of` naming the original. The original keeps
    /// its history. A new id (rather than resetting the old row) is deliberate: a receiver that
    /// deduplicates on `webhook-id` would otherwise drop what an admin explicitly asked to send
    /// again. Refused (409) when the subscription is disabled.
    pub async fn replay_webhook_delivery(
        &self,
        actor: &Actor,
        id: &str,
    ) -> AppResult<WebhookDelivery> {
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let original = tx.webhook_delivery(id).await?;
        let subscription = tx.webhook_subscription(&original.subscription_id).await?;
        if !subscription.active {
            return Err(AppError::Conflict(
                "the webhook subscription is disabled".into(),
            ));
        }
        let replay = WebhookDelivery {
            id: new_id("msg"),
            status: "pending".into(),
            attempts: 0,
            next_attempt_at: now,
            last_status_code: None,
            last_error: None,
            replay_of: Some(original.id.clone()),
            created_at: now,
            delivered_at: None,
            ..original
        };
        tx.insert_webhook_delivery(&replay).await?;
        tx.append_audit(
            &Change {
                actor,
                account_id: None,
                action: "webhook.replayed",
                entity_type: "webhook_delivery",
                entity_id: &replay.id,
                reason: &format!("replay of {id}"),
                before: None,
                after: Some(serde_json::json!({"replay_of": id, "status": "pending"})),
            }
            .record(now),
        )
        .await?;
        tx.commit().await?;
        self.wake_outbox();
        Ok(replay)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::enqueue_webhooks_in;
    use crate::{App, AppConfig, Clock, DevMailbox, FakeClock};
    use std::sync::Arc;
    use trustwork_core::{Actor, Timestamp};
    use trustwork_store::testing::each_backend;

    /// The outbox promise: a delivery exists only if the transaction that caused it commits.
    #[tokio::test]
    async fn a_rolled_back_transaction_sends_nothing() {
        each_backend(|db| async move {
            let clock = Arc::new(FakeClock::at(Timestamp(1_795_219_200_000)));
            let app = App::new(
                db,
                clock as Arc<dyn Clock>,
                Arc::new(DevMailbox),
                AppConfig::default(),
            );
            let actor = Actor::system("test");
            // Nothing is expected to be sent at all.
            let all = app
                .create_webhook(&actor, "https://hooks.example.com/a", &["*".to_owned()])
                .await
                .unwrap();
            app.create_webhook(
                &actor,
                "https://hooks.example.com/b",
                &["standing.changed".to_owned()],
            )
            .await
            .unwrap();
            let now = app.now();
            let payload = serde_json::json!({"decision": {"id": "dec_1"}});

            let mut tx = app.db().begin().await.unwrap();
            let queued =
                enqueue_webhooks_in(&app, &mut tx, "decision.created", payload.clone(), now)
                    .await
                    .unwrap();
            assert_eq!(queued, 1, "only the subscription to every type");
            drop(tx);
            assert!(app.webhook_deliveries(None).await.unwrap().is_empty());
            assert!(!app.deliver_one_webhook().await.unwrap(), "nothing to send");

            let mut tx = app.db().begin().await.unwrap();
            enqueue_webhooks_in(&app, &mut tx, "decision.created", payload, now)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            let queued = app.webhook_deliveries(None).await.unwrap();
            assert_eq!(queued.len(), 1);
            assert_eq!(queued[0].subscription_id, all.id);
            let body: serde_json::Value = serde_json::from_str(&queued[0].payload).unwrap();
            assert_eq!(
                body,
                serde_json::json!({
                    "type": "decision.created",
                    "timestamp": now.to_rfc3339(),
                    "data": {"decision": {"id": "dec_1"}},
                })
            );
        })
        .await;
    }
}
