//! Trustwork's HTTP layer: the JSON API under `/api/v1`, the console, health and metrics.
//!
//! Handlers stay thin: authenticate, parse, call one use case of `trustwork-app`, and shape the
//! answer. No rule lives here.

mod api;
mod chat_socket;
mod console;
mod error;
mod health;
mod inbound_smtp;
mod listener;
mod metrics;
mod proxies;
mod rate_limit;
mod request_text;
mod server;
mod signalling;
mod state;

pub use api::DIARY_BODY_LIMIT;
pub use error::ApiError;
pub use inbound_smtp::serve as serve_inbound_smtp;
pub use listener::ConnectionLimits;
pub use proxies::TrustedProxies;
pub use rate_limit::RateLimit;
pub use server::{ServeOptions, router, serve};
pub use state::WebState;
