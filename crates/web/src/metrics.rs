//! Prometheus metrics: requests per method, route and status with a latency histogram each, in
//! the text format. Every label is bounded: routes are templates, methods outside HTTP's own are
//! "other", statuses are three digits.

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use trustwork_app::histogram::Histogram;

use crate::WebState;

/// (method, route, status) -> latency.
type RequestTable = BTreeMap<(&'static str, String, u16), Arc<Histogram>>;

/// The method as a label: one of HTTP's, or "other" (a client may send any token).
fn method_label(method: &str) -> &'static str {
    match method {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        "OPTIONS" => "OPTIONS",
        _ => "other",
    }
}

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<RequestTable>,
}

impl Metrics {
    fn observe(&self, method: &str, route: &str, status: u16, took: Duration) {
        let histogram = match self.requests.lock() {
            Ok(mut map) => Arc::clone(
                map.entry((method_label(method), route.to_owned(), status))
                    .or_default(),
            ),
            Err(_) => return,
        };
        histogram.observe(took);
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let snapshot = self.requests.lock().map(|m| m.clone()).unwrap_or_default();
        out.push_str("# HELP trustwork_http_requests_total HTTP requests answered.\n");
        out.push_str("# TYPE trustwork_http_requests_total counter\n");
        for ((method, route, status), h) in &snapshot {
            let _ = writeln!(
                out,
                "trustwork_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {}",
                h.count()
            );
        }
        out.push_str("# HELP trustwork_http_request_duration_seconds Time spent answering.\n");
        out.push_str("# TYPE trustwork_http_request_duration_seconds histogram\n");
        for ((method, route, status), h) in &snapshot {
            h.render(
                &mut out,
                "trustwork_http_request_duration_seconds",
                &format!("method=\"{method}\",route=\"{route}\",status=\"{status}\""),
            );
        }
        out
    }
}

/// Counts every request under its route template (never the raw path, which would explode the
/// label set with ids).
pub async fn track(State(state): State<WebState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(req).await;
    state.metrics.observe(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}
