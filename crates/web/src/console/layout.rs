//! The frame around every page: navigation, the verification banner, notices.

use super::forms::encode;
use super::session::Viewer;
use crate::WebState;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use trustwork_core::Role;
use trustwork_core::verification::CaseStatus;

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// The identity-verification banner shown on every page while a case waits on the freelancer.
pub struct Banner {
    pub on_hold: bool,
    /// The deadline passed but no hold is in force (lifted by an agent or on appeal).
    pub overdue: bool,
    pub deadline: String,
}

pub struct Layout {
    pub title: String,
    pub viewer_name: String,
    pub role: &'static str,
    pub csrf: String,
    pub nav: Vec<NavItem>,
    pub banner: Option<Banner>,
    pub notice: Option<String>,
    pub error: Option<String>,
    /// The test clock's time, shown in demo mode.
    pub demo_now: Option<String>,
}

/// `?notice=` or `?error=` carried over a redirect after a form post, with `sig`, a tag that
/// only this server can make for the viewer's session. A link made by anyone else (`/dashboard?
/// error=Your account is suspended, pay the fee at …`) has no valid tag and shows nothing: the
/// console's alert box speaks only in Trustwork's words.
#[derive(Deserialize, Default)]
pub struct Flash {
    #[serde(default)]
    notice: Option<String>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    sig: Option<String>,
    /// Made by the handler itself (rendered, not redirected): nothing to check.
    #[serde(skip)]
    trusted: bool,
}

impl Flash {
    /// A notice the handler shows on the page it renders.
    pub fn notice(text: String) -> Self {
        Flash {
            notice: Some(text),
            trusted: true,
            ..Flash::default()
        }
    }

    /// An error the handler shows on the page it renders.
    pub fn error(text: String) -> Self {
        Flash {
            error: Some(text),
            trusted: true,
            ..Flash::default()
        }
    }

    /// The message to show to `viewer`, if it is genuine.
    fn verified(self, state: &WebState, viewer: &Viewer) -> (Option<String>, Option<String>) {
        if self.trusted {
            return (self.notice, self.error);
        }
        let genuine = |kind: Kind, text: &Option<String>| {
            text.as_deref().is_some_and(|t| {
                self.sig.as_deref().is_some_and(|sig| {
                    super::session::constant_time_eq(sig, &flash_tag(state, viewer, kind, t))
                })
            })
        };
        let notice = genuine(Kind::Notice, &self.notice).then(|| self.notice.clone());
        let error = genuine(Kind::Error, &self.error).then(|| self.error.clone());
        (notice.flatten(), error.flatten())
    }
}

/// Which alert a flash fills.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Notice,
    Error,
}

impl Kind {
    /// The query key, and the word signed with the text.
    fn as_str(self) -> &'static str {
        match self {
            Kind::Notice => "notice",
            Kind::Error => "error",
        }
    }
}

fn flash_tag(state: &WebState, viewer: &Viewer, kind: Kind, text: &str) -> String {
    state
        .app
        .session_tag(&viewer.0.csrf_token, &format!("{}\n{text}", kind.as_str()))
}

/// Redirects to `to` (a path without a query) with `text` shown there, signed for the viewer.
pub fn flash(state: &WebState, viewer: &Viewer, to: &str, kind: Kind, text: &str) -> Response {
    let sig = flash_tag(state, viewer, kind, text);
    Redirect::to(&format!(
        "{to}?{}={}&sig={sig}",
        kind.as_str(),
        encode(text)
    ))
    .into_response()
}

/// After a form post: back to `to` with the notice, or with the refusal in `words` when the
/// request was at fault (an unknown id and server errors get their own page).
pub fn after_post(
    state: &WebState,
    viewer: &Viewer,
    to: &str,
    result: Result<String, trustwork_app::AppError>,
    words: fn(&trustwork_app::AppError) -> String,
) -> Response {
    match result {
        Ok(notice) => flash(state, viewer, to, Kind::Notice, &notice),
        Err(e) if crate::error::status_of(&e).is_client_error() && e.code() != "not_found" => {
            flash(state, viewer, to, Kind::Error, &words(&e))
        }
        Err(e) => app_error(&e),
    }
}

fn nav_for(role: Role, path: &str) -> Vec<NavItem> {
    let items: &[(&'static str, &'static str)] = match role {
        Role::Freelancer => &[
            ("/dashboard", "Dashboard"),
            ("/jobs", "Find work"),
            ("/work", "Proposals & contracts"),
            ("/messages", "Messages"),
            ("/settings/profile", "Profile"),
            ("/stats", "My Stats"),
            ("/settings/identity", "Identity Verification"),
            ("/support", "Support"),
        ],
        Role::Client => &[
            ("/dashboard", "Dashboard"),
            ("/my-jobs", "My jobs"),
            ("/freelancers", "Find freelancers"),
            ("/work", "Proposals & contracts"),
            ("/messages", "Messages"),
            ("/settings/payment-methods", "Payment methods"),
            ("/stats", "Standing & appeals"),
            ("/settings/identity", "Identity Verification"),
            ("/support", "Support"),
        ],
        Role::Agent => &[
            ("/agent/accounts", "Accounts"),
            ("/agent/verification", "Verification queue"),
            ("/review", "Review queue"),
            ("/appeals", "Appeals"),
            ("/desk", "Support desk"),
        ],
        Role::Support => &[
            ("/desk", "Support desk"),
            ("/desk/report", "Report"),
            ("/agent/accounts", "Accounts"),
        ],
        Role::Admin => &[
            ("/agent/accounts", "Accounts"),
            ("/agent/verification", "Verification queue"),
            ("/review", "Review queue"),
            ("/appeals", "Appeals"),
            ("/desk", "Support desk"),
            ("/admin", "Timers & clock"),
            ("/admin/mailbox", "Dev mailbox"),
            ("/admin/webhooks", "Webhooks"),
        ],
    };
    items
        .iter()
        .map(|(href, label)| NavItem {
            href,
            label,
            current: *href == path,
        })
        .collect()
}

impl Layout {
    /// Builds the frame for `viewer` on the page at `path`.
    pub async fn new(
        state: &WebState,
        viewer: &Viewer,
        path: &str,
        title: &str,
        flash: Flash,
    ) -> Self {
        let (notice, error) = flash.verified(state, viewer);
        let mut banner = None;
        if matches!(viewer.role(), Role::Freelancer | Role::Client)
            && let Ok(cases) = state.app.verification_cases_of(viewer.id()).await
            && let Some(open) = cases.iter().find(|c| c.status.is_open())
        {
            // "On hold" only while a hold waiting for verification is in force: one lifted by an
            // agent or overturned on appeal no longer is, whatever the case's status says.
            let held = open.status == CaseStatus::Expired
                && state
                    .app
                    .restrictions_of(viewer.id())
                    .await
                    .is_ok_and(|rs| {
                        let now = state.app.now();
                        rs.iter().any(|r| {
                            r.is_active(now)
                                && r.lift
                                    == trustwork_core::LiftCondition::OnAction(
                                        trustwork_core::RequiredAction::PassIdentityVerification,
                                    )
                        })
                    });
            banner = Some(Banner {
                on_hold: held,
                overdue: open.status == CaseStatus::Expired && !held,
                deadline: open.deadline_at.to_human(),
            });
        }
        Self {
            title: title.to_owned(),
            viewer_name: viewer.0.account.display_name.clone(),
            role: viewer.role().as_str(),
            csrf: viewer.0.csrf_token.clone(),
            nav: nav_for(viewer.role(), path),
            banner,
            notice,
            error,
            demo_now: state
                .app
                .config()
                .demo_mode
                .then(|| state.app.now().to_human()),
        }
    }
}

/// Renders a template, or a plain error page if rendering fails.
pub fn render<T: Template>(page: &T) -> Response {
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "page could not be rendered",
            )
                .into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    reason: &'a str,
    message: &'a str,
}

pub fn error_page(status: StatusCode, message: &str) -> Response {
    let page = ErrorPage {
        status: status.as_u16(),
        reason: status.canonical_reason().unwrap_or("Error"),
        message,
    };
    (status, render(&page)).into_response()
}

/// Shows an application error as a page with the right status.
pub fn app_error(e: &trustwork_app::AppError) -> Response {
    let status = crate::error::status_of(e);
    if status == StatusCode::INTERNAL_SERVER_ERROR {
        tracing::error!(error = %e.detail(), "console request failed");
    }
    error_page(status, &e.to_string())
}
