//! The admin's webhooks page: subscriptions (add one, see its secret once, disable it) and the
//! recent deliveries with their status and last answer, each with a Replay button.

use super::forms::ConsoleForm;
use super::layout::{Flash, Kind, Layout, app_error, flash, render};
use super::session::Viewer;
use crate::WebState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use std::collections::HashMap;
use trustwork_core::Role;

const PATH: &str = "/admin/webhooks";

struct SubscriptionRow {
    id: String,
    url: String,
    event_types: String,
    active: bool,
    created_at: String,
}

struct DeliveryRow {
    id: String,
    created_at: String,
    event_type: String,
    url: String,
    status: String,
    attempts: i64,
    next_attempt_at: String,
    last_status_code: String,
    last_error: String,
    replay_of: String,
}

#[derive(Template)]
#[template(path = "webhooks.html")]
struct WebhooksPage {
    layout: Layout,
    subscriptions: Vec<SubscriptionRow>,
    deliveries: Vec<DeliveryRow>,
    /// The secret of a subscription just created: shown on this one page only.
    new_secret: Option<String>,
}

async fn page(s: &WebState, viewer: &Viewer, flash: Flash, new_secret: Option<String>) -> Response {
    let (subscriptions, deliveries) =
        match (s.app.webhooks().await, s.app.webhook_deliveries(None).await) {
            (Ok(subs), Ok(deliveries)) => (subs, deliveries),
            (Err(e), _) | (_, Err(e)) => return app_error(&e),
        };
    let urls: HashMap<&str, &str> = subscriptions
        .iter()
        .map(|s| (s.id.as_str(), s.url.as_str()))
        .collect();
    let deliveries = deliveries
        .iter()
        .map(|d| DeliveryRow {
            id: d.id.clone(),
            created_at: d.created_at.to_human(),
            event_type: d.event_type.clone(),
            url: urls
                .get(d.subscription_id.as_str())
                .map_or_else(String::new, |u| (*u).to_owned()),
            status: d.status.clone(),
            attempts: d.attempts,
            next_attempt_at: if d.status == "pending" {
                d.next_attempt_at.to_human()
            } else {
                String::new()
            },
            last_status_code: d
                .last_status_code
                .map_or_else(String::new, |c| c.to_string()),
            last_error: d.last_error.clone().unwrap_or_default(),
            replay_of: d.replay_of.clone().unwrap_or_default(),
        })
        .collect();
    let page = WebhooksPage {
        layout: Layout::new(s, viewer, PATH, "Webhooks", flash).await,
        subscriptions: subscriptions
            .into_iter()
            .map(|s| SubscriptionRow {
                id: s.id,
                url: s.url,
                event_types: s.event_types,
                active: s.active,
                created_at: s.created_at.to_human(),
            })
            .collect(),
        deliveries,
        new_secret,
    };
    render(&page)
}

pub async fn overview(
    State(s): State<WebState>,
    viewer: Viewer,
    Query(flash): Query<Flash>,
) -> Response {
    if let Err(r) = viewer.require(&[Role::Admin]) {
        return r;
    }
    page(&s, &viewer, flash, None).await
}

/// The add form: a URL and one checkbox per event type (or all of them).
#[derive(Deserialize)]
pub struct CreateForm {
    csrf: String,
    url: String,
    #[serde(default)]
    decision_created: Option<String>,
    #[serde(default)]
    standing_changed: Option<String>,
    #[serde(default)]
    all: Option<String>,
}

pub async fn create(
    State(s): State<WebState>,
    viewer: Viewer,
    ConsoleForm(f): ConsoleForm<CreateForm>,
) -> Response {
    if let Err(r) = viewer
        .require(&[Role::Admin])
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    let mut types = Vec::new();
    for (checked, name) in [
        (&f.all, "*"),
        (&f.decision_created, "decision.created"),
        (&f.standing_changed, "standing.changed"),
    ] {
        if checked.is_some() {
            types.push(name.to_owned());
        }
    }
    match s.app.create_webhook(&viewer.actor(), &f.url, &types).await {
        // Rendered here rather than redirected: the secret must not travel in a URL.
        Ok(created) => {
            let shown = Flash::notice(format!("Subscribed {}.", created.url));
            page(&s, &viewer, shown, Some(created.secret)).await
        }
        Err(trustwork_app::AppError::Invalid { field, message }) => flash(
            &s,
            &viewer,
            PATH,
            Kind::Error,
            &format!("{field}: {message}"),
        ),
        Err(e) => app_error(&e),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn disable(
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
    match s.app.disable_webhook(&viewer.actor(), &id).await {
        Ok(off) => flash(
            &s,
            &viewer,
            PATH,
            Kind::Notice,
            &format!("Disabled {}.", off.url),
        ),
        Err(e) => app_error(&e),
    }
}

pub async fn replay(
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
    match s.app.replay_webhook_delivery(&viewer.actor(), &id).await {
        Ok(_) => flash(&s, &viewer, PATH, Kind::Notice, "Delivery queued again."),
        Err(trustwork_app::AppError::Conflict(message)) => {
            flash(&s, &viewer, PATH, Kind::Error, &message)
        }
        Err(e) => app_error(&e),
    }
}
