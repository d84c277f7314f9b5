//! The router and the server loop with its background workers.

use crate::{WebState, api, console, health, metrics};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::routing::get;
use std::future::Future;
use std::time::Duration;
use tokio::net::TcpListener;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// The console's pages load their styles from this origin and run no script; nothing may frame
/// them (clickjacking) or send their forms elsewhere.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; object-src 'none'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Bodies larger than this are refused with 413: no API or form needs more.
pub const BODY_LIMIT: usize = 64 * 1024;

pub fn router(state: WebState) -> Router {
    let demo = state.app.config().demo_mode;
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .merge(api::routes(demo))
        .merge(console::routes(demo))
        .fallback(console::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(axum::middleware::from_fn(
            crate::request_text::refuse_bad_text,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        // Signed-in pages and API answers carry people's data: no cache keeps a copy. (A
        // response that says how it may be cached keeps its own word.)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(TraceLayer::new_for_http())
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

pub struct ServeOptions {
    pub listener: TcpListener,
    pub secure_cookies: bool,
    /// Load balancers and reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: crate::TrustedProxies,
    /// Header timeout and connection limit.
    pub limits: crate::ConnectionLimits,
    /// Requests per API token, when limited.
    pub rate_limit: Option<crate::RateLimit>,
    /// A bearer token `/metrics` requires, when set.
    pub metrics_token: Option<String>,
}

/// Serves until `shutdown` resolves, with the outbox and webhook workers, the timer runner and
/// the link to other nodes beside it; then finishes in-flight requests and stops the workers.
pub async fn serve(
    app: trustwork_app::App,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let outbox = {
        let app = app.clone();
        let stopped = stopped.clone();
        tokio::spawn(async move { app.run_outbox_worker(stopped).await })
    };
    let webhooks = {
        let app = app.clone();
        let stopped = stopped.clone();
        tokio::spawn(async move { app.run_webhook_worker(stopped).await })
    };
    let policy = {
        let app = app.clone();
        let stopped = stopped.clone();
        tokio::spawn(async move { app.link_nodes(stopped).await })
    };
    let timers = {
        let app = app.clone();
        tokio::spawn(async move { app.run_timer_runner(stopped).await })
    };
    let state = WebState::new(app, options.secure_cookies)
        .with_trusted_proxies(options.trusted_proxies)
        .with_rate_limit(options.rate_limit)
        .with_metrics_token(options.metrics_token);
    let result = crate::listener::serve_connections(
        options.listener,
        router(state),
        options.limits,
        shutdown,
    )
    .await;
    let _ = stop.send(true);
    let _ = outbox.await;
    let _ = webhooks.await;
    let _ = timers.await;
    let _ = policy.await;
    result
}
