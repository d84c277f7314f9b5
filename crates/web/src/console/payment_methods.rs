//! Settings → Payment methods (seed 004): a client adds a card, the payment provider checks it
//! (an authorisation voided at once), and hiring opens once one is verified. The provider's
//! widget gives the browser a token; in the demo, a token is typed.

use super::forms::ConsoleForm;
use super::layout::{Flash, Layout, app_error, render};
use super::session::Viewer;
use super::views::member_error;
use crate::WebState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use trustwork_core::Role;

struct MethodRow {
    label: String,
    status: String,
    words: String,
    added: String,
}

#[derive(Template)]
#[template(path = "payment_methods.html")]
struct PaymentMethodsPage {
    layout: Layout,
    methods: Vec<MethodRow>,
    verified: bool,
    demo: bool,
    token: String,
}

async fn page(s: &WebState, viewer: &Viewer, flash: Flash, token: String) -> Response {
    if let Err(r) = viewer.require(&[Role::Client]) {
        return r;
    }
    let methods = match s.app.payment_methods_of(viewer.id()).await {
        Ok(m) => m,
        Err(e) => return app_error(&e),
    };
    let verified = match s.app.account(viewer.id()).await {
        Ok(a) => a.payment_verified_at.is_some(),
        Err(e) => return app_error(&e),
    };
    let page = PaymentMethodsPage {
        layout: Layout::new(
            s,
            viewer,
            "/settings/payment-methods",
            "Payment methods",
            flash,
        )
        .await,
        methods: methods
            .iter()
            .map(|m| MethodRow {
                label: m.label.clone(),
                words: match m.status.as_str() {
                    "verified" => "Verified: you can hire.".to_owned(),
                    "pending" => {
                        "Waiting for your bank: confirm the check in your banking app.".to_owned()
                    }
                    _ => format!(
                        "Not verified: {}.",
                        m.failure_reason
                            .as_deref()
                            .unwrap_or("the card was declined")
                    ),
                },
                status: m.status.clone(),
                added: m.created_at.to_human(),
            })
            .collect(),
        verified,
        demo: s.app.config().demo_mode,
        token,
    };
    render(&page)
}

/// `GET /settings/payment-methods`.
pub async fn list(
    State(s): State<WebState>,
    viewer: Viewer,
    Query(flash): Query<Flash>,
) -> Response {
    page(&s, &viewer, flash, String::new()).await
}

#[derive(Deserialize)]
pub struct AddForm {
    csrf: String,
    token: String,
}

/// `POST /settings/payment-methods`: the card is checked now; a refusal keeps the token typed.
pub async fn add(
    State(s): State<WebState>,
    viewer: Viewer,
    ConsoleForm(f): ConsoleForm<AddForm>,
) -> Response {
    if let Err(r) = viewer
        .require(&[Role::Client])
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    match s
        .app
        .add_payment_method(viewer.id(), "card", &f.token)
        .await
    {
        Ok(m) if m.status == "verified" => {
            page(
                &s,
                &viewer,
                Flash::notice(format!("{} is verified: you can hire now.", m.label)),
                String::new(),
            )
            .await
        }
        Ok(m) => {
            let why = m
                .failure_reason
                .unwrap_or_else(|| "the card was not verified".into());
            page(
                &s,
                &viewer,
                Flash::error(format!("{} was not verified: {why}.", m.label)),
                f.token,
            )
            .await
        }
        Err(e)
            if crate::error::status_of(&e).is_client_error()
                || e.code() == "provider_unavailable" =>
        {
            page(&s, &viewer, Flash::error(member_error(&e)), f.token).await
        }
        Err(e) => app_error(&e),
    }
}
