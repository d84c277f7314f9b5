use crate::WebState;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

/// Alive: the process answers.
pub async fn healthz() -> &'static str {
    "ok"
}

/// Ready: the database answers too.
pub async fn readyz(State(state): State<WebState>) -> impl IntoResponse {
    match state.app.db().ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

pub async fn metrics(State(state): State<WebState>) -> impl IntoResponse {
    let mut text = state.metrics.render();
    let p = state.app.pipeline_stats();
    for (name, help, value) in [
        (
            "trustwork_pipeline_groups_total",
            "Transactions the event writer committed.",
            p.groups,
        ),
        (
            "trustwork_pipeline_events_in_memory_total",
            "Events decided from state loaded for their group.",
            p.in_memory,
        ),
        (
            "trustwork_pipeline_events_one_by_one_total",
            "Events decided on the one-event path.",
            p.one_by_one,
        ),
        (
            "trustwork_pipeline_events_decided_ahead_total",
            "Events decided in memory while the group before them committed.",
            p.decided_ahead,
        ),
    ] {
        text.push_str(&format!(
            "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n"
        ));
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text)
}
