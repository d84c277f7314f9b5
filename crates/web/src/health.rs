use crate::WebState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

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

pub async fn metrics(State(state): State<WebState>, headers: HeaderMap) -> Response {
    if let Some(expected) = &state.metrics_token {
        let given = headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim());
        if !given.is_some_and(|g| crate::console::constant_time_eq(g, expected)) {
            return crate::ApiError::new(
                axum::http::StatusCode::UNAUTHORIZED,
                "unauthorized",
                "the metrics token is required",
            )
            .into_response();
        }
    }
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
    text.push_str("# HELP trustwork_decision_duration_seconds From an event's arrival at the writer to its answer (queue, decision, commit).\n# TYPE trustwork_decision_duration_seconds histogram\n");
    state
        .app
        .decision_latency()
        .render(&mut text, "trustwork_decision_duration_seconds", "");
    match state.app.backlog().await {
        Ok(b) => {
            let lag = b.oldest_due_timer.map_or(0.0, |due| {
                (state.app.now().millis() - due.millis()).max(0) as f64 / 1000.0
            });
            for (name, help, value) in [
                (
                    "trustwork_mail_backlog",
                    "Emails not yet delivered.",
                    b.mail as f64,
                ),
                (
                    "trustwork_webhook_backlog",
                    "Webhook deliveries not yet delivered.",
                    b.webhooks as f64,
                ),
                (
                    "trustwork_timers_due",
                    "Timers due and not yet fired.",
                    b.timers_due as f64,
                ),
                (
                    "trustwork_timer_lag_seconds",
                    "How late the oldest due timer is.",
                    lag,
                ),
            ] {
                text.push_str(&format!(
                    "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n"
                ));
            }
        }
        Err(e) => tracing::warn!(error = %e.detail(), "cannot read the backlog for /metrics"),
    }
    verification_gauges(&state, &mut text).await;
    review_queue_gauges(&state, &mut text).await;
    support_gauges(&state, &mut text).await;
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
}

/// The support desk: unsolved tickets per category and first-response state (every pair, 0 when
/// none), and live chats waiting and going on.
async fn support_gauges(state: &WebState, text: &mut String) {
    let (tickets, waiting, active) = match (
        state.app.ticket_gauges().await,
        state
            .app
            .chats_in(trustwork_core::live_chat::ChatStatus::Waiting)
            .await,
        state
            .app
            .chats_in(trustwork_core::live_chat::ChatStatus::Active)
            .await,
    ) {
        (Ok(t), Ok(w), Ok(a)) => (t, w.len(), a.len()),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
            tracing::warn!(error = %e.detail(), "cannot read the support desk for /metrics");
            return;
        }
    };
    let name = "trustwork_tickets_unsolved";
    text.push_str(&format!(
        "# HELP {name} Unsolved tickets per category and first-response state.\n# TYPE {name} gauge\n"
    ));
    for category in trustwork_core::tickets::TicketCategory::ALL {
        for state in trustwork_core::tickets::SlaState::ALL {
            let n = tickets
                .get(&(category.as_str().to_owned(), state.as_str().to_owned()))
                .copied()
                .unwrap_or(0);
            text.push_str(&format!(
                "{name}{{category=\"{}\",sla=\"{}\"}} {n}\n",
                category.as_str(),
                state.as_str()
            ));
        }
    }
    for (name, help, value) in [
        (
            "trustwork_chats_waiting",
            "Live chats waiting for an agent.",
            waiting,
        ),
        ("trustwork_chats_active", "Live chats going on.", active),
    ] {
        text.push_str(&format!(
            "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n"
        ));
    }
}

/// Every review queue (job posts among them): open cases, the oldest one's age, and how many
/// are past their SLA. Queues with nothing open answer 0.
async fn review_queue_gauges(state: &WebState, text: &mut String) {
    let stats = match state.app.review_queue_stats().await {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e.detail(), "cannot read the review queues for /metrics");
            return;
        }
    };
    let now = state.app.now();
    let of = |q: trustwork_core::review::Queue| stats.iter().find(|s| s.queue == q);
    for (name, help, value) in [
        (
            "trustwork_review_open_cases",
            "Open review cases per queue.",
            &(|s: Option<&trustwork_app::records::QueueStats>| s.map_or(0.0, |s| s.open as f64))
                as &dyn Fn(Option<&trustwork_app::records::QueueStats>) -> f64,
        ),
        (
            "trustwork_review_oldest_open_seconds",
            "Age of the oldest open case per queue.",
            &|s: Option<&trustwork_app::records::QueueStats>| {
                s.map_or(0.0, |s| {
                    (now.millis() - s.oldest_opened_at.millis()).max(0) as f64 / 1000.0
                })
            },
        ),
        (
            "trustwork_review_sla_breached",
            "Open cases past their SLA per queue.",
            &|s: Option<&trustwork_app::records::QueueStats>| s.map_or(0.0, |s| s.breached as f64),
        ),
    ] {
        text.push_str(&format!("# HELP {name} {help}\n# TYPE {name} gauge\n"));
        for q in trustwork_core::review::Queue::ALL {
            text.push_str(&format!(
                "{name}{{queue=\"{}\"}} {}\n",
                q.as_str(),
                value(of(q))
            ));
        }
    }
}

/// The verification queue: who waits and for how long, agents available, and the
/// further-review queue against its 2-day SLA.
async fn verification_gauges(state: &WebState, text: &mut String) {
    let (queue, review) = match (
        state.app.verification_queue().await,
        state.app.further_review_queue().await,
    ) {
        (Ok(q), Ok(r)) => (q, r),
        (Err(e), _) | (_, Err(e)) => {
            tracing::warn!(error = %e.detail(), "cannot read the verification queue for /metrics");
            return;
        }
    };
    let now = state.app.now();
    let oldest = queue.waiting.first().map_or(0.0, |p| {
        (now.millis() - p.call.joined_at.millis()).max(0) as f64 / 1000.0
    });
    let breached = review
        .iter()
        .filter(|c| c.review_due_at.is_some_and(|due| due <= now))
        .count();
    for (name, help, value) in [
        (
            "trustwork_verification_waiting",
            "Members waiting in the verification queue.",
            queue.waiting.len() as f64,
        ),
        (
            "trustwork_verification_oldest_wait_seconds",
            "How long the first member in the verification queue has waited.",
            oldest,
        ),
        (
            "trustwork_verification_agents_available",
            "Agents with the verification queue open and not on a call.",
            queue.agents_available as f64,
        ),
        (
            "trustwork_verification_further_review_open",
            "Verification cases waiting for a second look.",
            review.len() as f64,
        ),
        (
            "trustwork_verification_further_review_breached",
            "Of those, past their 2-day deadline.",
            breached as f64,
        ),
    ] {
        text.push_str(&format!(
            "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n"
        ));
    }
}
