use crate::metrics::Metrics;
use crate::proxies::TrustedProxies;
use std::sync::Arc;
use trustwork_app::App;

/// What every handler can reach.
#[derive(Clone)]
pub struct WebState {
    pub app: App,
    pub(crate) metrics: Arc<Metrics>,
    /// Mark cookies `Secure` (when served over HTTPS).
    pub secure_cookies: bool,
    /// Whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Arc<TrustedProxies>,
    /// Per-token API limits, when configured.
    pub(crate) rate_limiter: Option<Arc<crate::rate_limit::RateLimiter>>,
    /// When set, `/metrics` answers only to `Authorization: Bearer <token>`.
    pub(crate) metrics_token: Option<Arc<str>>,
    /// The verification calls' signalling rooms on this node.
    pub(crate) rooms: Arc<crate::signalling::Rooms>,
    /// Wakes live chats' connections on this node when one is written to.
    pub(crate) chat_bell: Arc<crate::chat_socket::ChatBell>,
}

impl WebState {
    pub fn new(app: App, secure_cookies: bool) -> Self {
        Self {
            app,
            metrics: Arc::new(Metrics::default()),
            secure_cookies,
            trusted_proxies: Arc::default(),
            rate_limiter: None,
            metrics_token: None,
            rooms: Arc::default(),
            chat_bell: Arc::default(),
        }
    }

    /// Believes `X-Forwarded-For` from these proxies.
    pub fn with_trusted_proxies(mut self, proxies: TrustedProxies) -> Self {
        self.trusted_proxies = Arc::new(proxies);
        self
    }

    /// Puts `/metrics` behind a bearer token.
    pub fn with_metrics_token(mut self, token: Option<String>) -> Self {
        self.metrics_token = token.map(Arc::from);
        self
    }

    /// Limits each API token to `limit`.
    pub fn with_rate_limit(mut self, limit: Option<crate::RateLimit>) -> Self {
        self.rate_limiter = limit.map(|l| Arc::new(crate::rate_limit::RateLimiter::new(l)));
        self
    }
}
