use crate::metrics::Metrics;
use std::sync::Arc;
use trustwork_app::App;

/// What every handler can reach.
#[derive(Clone)]
pub struct WebState {
    pub app: App,
    pub(crate) metrics: Arc<Metrics>,
    /// Mark cookies `Secure` (when served over HTTPS).
    pub secure_cookies: bool,
}

impl WebState {
    pub fn new(app: App, secure_cookies: bool) -> Self {
        Self {
            app,
            metrics: Arc::new(Metrics::default()),
            secure_cookies,
        }
    }
}
