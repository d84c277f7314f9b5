use crate::clock::SharedClock;
use crate::mailer::Mailer;
use crate::password::PasswordHashing;
use std::sync::Arc;
use tokio::sync::Notify;
use trustwork_core::{PolicyConfig, Timestamp};
use trustwork_store::Db;

/// Settings the use cases need.
#[derive(Debug, Clone)]
pub struct AppConfig {
    pub policy: PolicyConfig,
    /// Demo mode: the test clock may be advanced by an admin.
    pub demo_mode: bool,
    /// Keys the hashes of session and API tokens, so a copy of the database alone does not let
    /// anyone forge or recognise a token.
    pub secret_key: Vec<u8>,
    /// The console's address, for links in emails.
    pub public_url: String,
    pub mail_from: String,
    /// Names this process in timer locks.
    pub node_id: String,
    /// Webhook retries and timeouts.
    pub webhooks: crate::webhooks::WebhookConfig,
    /// How phone verification codes reach people.
    pub phone: crate::phone::PhoneDelivery,
    /// Who checks clients' cards.
    pub payments: crate::payments::Payments,
    /// The key identity evidence is sealed with; derived from `secret_key` when not set.
    pub evidence_key: Option<[u8; 32]>,
    /// STUN/TURN servers the verification call's browsers use. None: host candidates only,
    /// which is enough on one network.
    pub ice_servers: Vec<IceServer>,
    /// Days (YYYY-MM-DD, Pacific) the support specialists do not work: their tickets' clocks
    /// stand still and their chat is closed.
    pub support_holidays: Vec<String>,
}

/// One STUN or TURN server as the browser's `RTCPeerConnection` takes it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IceServer {
    pub urls: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            policy: PolicyConfig::default(),
            demo_mode: false,
            secret_key: b"trustwork-development-key-change-me".to_vec(),
            public_url: "http://127.0.0.1:8080".into(),
            mail_from: "Trustwork <no-reply@trustwork.invalid>".into(),
            node_id: format!("node-{}", std::process::id()),
            webhooks: crate::webhooks::WebhookConfig::default(),
            phone: crate::phone::PhoneDelivery::default(),
            payments: crate::payments::Payments::default(),
            evidence_key: None,
            ice_servers: Vec::new(),
            support_holidays: Vec::new(),
        }
    }
}

/// Unsolved tickets by (category, first-response state).
type TicketGauges = std::collections::BTreeMap<(String, String), u64>;

/// The application: storage, clock, mailer and config, cheap to clone.
#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

struct Inner {
    db: Db,
    clock: SharedClock,
    mailer: Arc<dyn Mailer>,
    config: AppConfig,
    outbox_wakeup: Notify,
    timer_wakeup: Notify,
    webhook_wakeup: Notify,
    /// This node queued work the other nodes should hear of (see `nodes`).
    announce: Notify,
    /// The last backlog read for `/metrics`, and when: scrapes (public, any rate) share it.
    backlog: std::sync::Mutex<Option<(std::time::Instant, trustwork_store::timers::Backlog)>>,
    /// The last ticket gauges for `/metrics`, and when.
    ticket_gauges: std::sync::Mutex<Option<(std::time::Instant, TicketGauges)>>,
    passwords: Arc<PasswordHashing>,
    live_policy: crate::events::LivePolicy,
    pipeline: crate::events::Pipeline,
    api_callers: crate::auth::CallerCache,
    subscriptions: crate::webhooks::SubscriptionCache,
    /// The key the spot-check sample is drawn under (from `secret_key`).
    sample_key: Vec<u8>,
    /// The support specialists' calendar, with the configured holidays.
    specialists: trustwork_core::business_calendar::Calendar,
}

/// An [`App`] that does not keep it alive (for its own background tasks).
#[derive(Clone)]
pub struct WeakApp(std::sync::Weak<Inner>);

impl WeakApp {
    pub fn upgrade(&self) -> Option<App> {
        self.0.upgrade().map(|inner| App { inner })
    }
}

impl App {
    pub fn new(db: Db, clock: SharedClock, mailer: Arc<dyn Mailer>, config: AppConfig) -> Self {
        let sample_key = crate::tokens::keyed_hash(&config.secret_key, "spot-check sample")
            .map(String::into_bytes)
            .unwrap_or_else(|_| config.secret_key.clone());
        let specialists = crate::tickets::specialists_calendar(&config.support_holidays)
            .unwrap_or_else(|e| {
                tracing::error!(error = %e, "support holidays ignored");
                crate::tickets::specialists_calendar(&[]).unwrap_or_else(|_| {
                    trustwork_core::business_calendar::Calendar::around_the_clock()
                })
            });
        Self {
            inner: Arc::new(Inner {
                db,
                clock,
                mailer,
                config,
                outbox_wakeup: Notify::new(),
                timer_wakeup: Notify::new(),
                webhook_wakeup: Notify::new(),
                announce: Notify::new(),
                backlog: std::sync::Mutex::default(),
                ticket_gauges: std::sync::Mutex::default(),
                // Two work areas: as many hashes at once as the machine has cores here.
                passwords: Arc::new(PasswordHashing::new(2)),
                live_policy: crate::events::LivePolicy::default_policy(),
                pipeline: crate::events::Pipeline::default(),
                api_callers: crate::auth::CallerCache::default(),
                subscriptions: crate::webhooks::SubscriptionCache::default(),
                sample_key,
                specialists,
            }),
        }
    }

    pub fn db(&self) -> &Db {
        &self.inner.db
    }

    pub fn now(&self) -> Timestamp {
        self.inner.clock.now()
    }

    /// The support specialists' calendar.
    pub(crate) fn specialists_calendar(&self) -> &trustwork_core::business_calendar::Calendar {
        &self.inner.specialists
    }

    pub fn clock(&self) -> &SharedClock {
        &self.inner.clock
    }

    pub fn mailer(&self) -> &dyn Mailer {
        self.inner.mailer.as_ref()
    }

    /// The key the spot-check sample is drawn under.
    pub(crate) fn sample_key(&self) -> &[u8] {
        &self.inner.sample_key
    }

    pub fn config(&self) -> &AppConfig {
        &self.inner.config
    }

    pub fn policy(&self) -> &PolicyConfig {
        &self.inner.config.policy
    }

    /// Tells the outbox and webhook workers there is mail or a delivery to send (called after a
    /// commit that queued some).
    pub fn wake_outbox(&self) {
        self.inner.outbox_wakeup.notify_one();
        self.inner.webhook_wakeup.notify_one();
        self.inner.announce.notify_one();
    }

    /// Tells the timer runner to look again (after the test clock moved, or a timer was set).
    pub fn wake_timers(&self) {
        self.inner.timer_wakeup.notify_one();
        self.inner.announce.notify_one();
    }

    /// Wakes this node's workers without telling the other nodes (they told this one).
    pub(crate) fn wake_local_workers(&self) {
        self.inner.outbox_wakeup.notify_one();
        self.inner.webhook_wakeup.notify_one();
        self.inner.timer_wakeup.notify_one();
    }

    pub(crate) fn ticket_gauges_cache(
        &self,
    ) -> &std::sync::Mutex<Option<(std::time::Instant, TicketGauges)>> {
        &self.inner.ticket_gauges
    }

    pub(crate) fn backlog_cache(
        &self,
    ) -> &std::sync::Mutex<Option<(std::time::Instant, trustwork_store::timers::Backlog)>> {
        &self.inner.backlog
    }

    pub(crate) fn inner_announce(&self) -> &Notify {
        &self.inner.announce
    }

    pub(crate) fn live_policy(&self) -> &crate::events::LivePolicy {
        &self.inner.live_policy
    }

    pub fn downgrade(&self) -> WeakApp {
        WeakApp(Arc::downgrade(&self.inner))
    }

    pub(crate) fn api_callers(&self) -> &crate::auth::CallerCache {
        &self.inner.api_callers
    }

    pub(crate) fn subscriptions(&self) -> &crate::webhooks::SubscriptionCache {
        &self.inner.subscriptions
    }

    pub(crate) fn pipeline(&self) -> &crate::events::Pipeline {
        &self.inner.pipeline
    }

    pub(crate) fn passwords(&self) -> &Arc<PasswordHashing> {
        &self.inner.passwords
    }

    pub(crate) fn outbox_wakeup(&self) -> &Notify {
        &self.inner.outbox_wakeup
    }

    pub(crate) fn timer_wakeup(&self) -> &Notify {
        &self.inner.timer_wakeup
    }

    pub(crate) fn webhook_wakeup(&self) -> &Notify {
        &self.inner.webhook_wakeup
    }
}
