//! Admin pages: timers, the dev mailbox and, in demo mode, the test clock.

use super::forms::ConsoleForm;
use super::layout::{Flash, Kind, Layout, app_error, flash, render};
use super::session::Viewer;
use crate::WebState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use trustwork_core::Role;

struct TimerRow {
    id: String,
    kind: String,
    subject_id: String,
    due_at: String,
    status: String,
    attempts: i64,
    last_error: String,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    layout: Layout,
    demo: bool,
    now: String,
    timers: Vec<TimerRow>,
}

pub async fn overview(
    State(s): State<WebState>,
    viewer: Viewer,
    Query(flash): Query<Flash>,
) -> Response {
    if let Err(r) = viewer.require(&[Role::Admin]) {
        return r;
    }
    let timers = match s.app.timers().await {
        Ok(t) => t,
        Err(e) => return app_error(&e),
    };
    let page = AdminPage {
        layout: Layout::new(&s, &viewer, "/admin", "Timers & clock", flash).await,
        demo: s.app.config().demo_mode,
        now: s.app.now().to_human(),
        timers: timers
            .into_iter()
            .map(|t| TimerRow {
                id: t.id,
                kind: t.kind,
                subject_id: t.subject_id,
                due_at: t.due_at.to_human(),
                status: t.status,
                attempts: t.attempts,
                last_error: t.last_error.unwrap_or_default(),
            })
            .collect(),
    };
    render(&page)
}

struct MessageRow {
    created_at: String,
    recipient: String,
    subject: String,
    body: String,
    status: String,
    transport: String,
}

#[derive(Template)]
#[template(path = "mailbox.html")]
struct MailboxPage {
    layout: Layout,
    messages: Vec<MessageRow>,
}

pub async fn mailbox(State(s): State<WebState>, viewer: Viewer) -> Response {
    if let Err(r) = viewer.require(&[Role::Admin]) {
        return r;
    }
    let messages = match s.app.mailbox(None).await {
        Ok(m) => m,
        Err(e) => return app_error(&e),
    };
    let page = MailboxPage {
        layout: Layout::new(
            &s,
            &viewer,
            "/admin/mailbox",
            "Dev mailbox",
            Flash::default(),
        )
        .await,
        messages: messages
            .into_iter()
            .map(|m| MessageRow {
                created_at: m.created_at.to_human(),
                recipient: m.recipient,
                subject: m.subject,
                body: m.body,
                status: m.status,
                transport: m.transport.unwrap_or_default(),
            })
            .collect(),
    };
    render(&page)
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn retry_timer(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ConsoleForm(f): ConsoleForm<CsrfForm>,
) -> Response {
    if let Err(r) = viewer
        .require(&[Role::Admin])
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    match s.app.retry_timer(&id).await {
        Ok(()) => flash(&s, &viewer, "/admin", Kind::Notice, "Timer queued again."),
        Err(e) => app_error(&e),
    }
}

#[derive(Deserialize)]
pub struct AdvanceForm {
    csrf: String,
    days: String,
}

pub async fn advance_clock(
    State(s): State<WebState>,
    viewer: Viewer,
    ConsoleForm(f): ConsoleForm<AdvanceForm>,
) -> Response {
    if let Err(r) = viewer
        .require(&[Role::Admin])
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    let Some(days) = f
        .days
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|d| *d > 0.0 && *d <= 366.0)
    else {
        return flash(
            &s,
            &viewer,
            "/admin",
            Kind::Error,
            "Enter a number of days between 0 and 366.",
        );
    };
    let seconds = (days * 86_400.0).round() as i64;
    match s.app.advance_clock(&viewer.actor(), seconds).await {
        Ok(now) => flash(
            &s,
            &viewer,
            "/admin",
            Kind::Notice,
            &format!(
                "Test clock advanced {days} days; it is now {}.",
                now.to_human()
            ),
        ),
        Err(e) => app_error(&e),
    }
}
