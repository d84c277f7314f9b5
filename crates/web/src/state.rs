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
}

impl WebState {
    pub fn new(app: App, secure_cookies: bool) -> Self {
        Self {
            app,
            metrics: Arc::new(Metrics::default()),
            secure_cookies,
            trusted_proxies: Arc::default(),
        }
    }

    /// Believes `X-Forwarded-For` from these proxies.
    pub fn with_trusted_proxies(mut self, proxies: TrustedProxies) -> Self {
        self.trusted_proxies = Arc::new(proxies);
        self
    }
}
