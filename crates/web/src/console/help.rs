//! The signed-out way to support (seed 003): a member who cannot sign in gives their email, gets
//! a link there, and the link's page tells them each restriction's reason, whether and until when
//! it can be appealed, takes the appeal, and takes a message for support.

use super::forms::ConsoleForm;
use super::layout::render;
use super::views::member_error;
use crate::WebState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use trustwork_app::AppError;
use trustwork_app::tickets::HelpAccess;

#[derive(Template)]
#[template(path = "help.html")]
struct AskPage {
    email: String,
    sent: bool,
    error: Option<String>,
}

fn with_status(status: StatusCode, page: Response) -> Response {
    (status, page).into_response()
}

/// `GET /help`.
pub async fn ask() -> Response {
    render(&AskPage {
        email: String::new(),
        sent: false,
        error: None,
    })
}

#[derive(Deserialize)]
pub struct AskForm {
    email: String,
}

/// `POST /help`: the same answer whether or not an account uses the address.
pub async fn send(State(s): State<WebState>, ConsoleForm(f): ConsoleForm<AskForm>) -> Response {
    match s.app.send_help_link(&f.email).await {
        Ok(()) => render(&AskPage {
            email: f.email,
            sent: true,
            error: None,
        }),
        Err(e) if crate::error::status_of(&e).is_client_error() => with_status(
            crate::error::status_of(&e),
            render(&AskPage {
                email: f.email,
                sent: false,
                error: Some(member_error(&e)),
            }),
        ),
        Err(e) => super::layout::app_error(&e),
    }
}

struct RestrictionRow {
    id: String,
    kind: &'static str,
    reason: &'static str,
    explanation: &'static str,
    since: String,
    ends: String,
    blocks_sign_in: bool,
    /// "You can appeal until …", or why not.
    appeal_words: String,
    can_appeal: bool,
    appeal_status: Option<String>,
}

#[derive(Template)]
#[template(path = "help_access.html")]
struct AccessPage {
    token: String,
    name: String,
    email: String,
    restrictions: Vec<RestrictionRow>,
    notice: Option<String>,
    error: Option<String>,
    statement: String,
    appeal_for: String,
    message: String,
}

#[derive(Default)]
struct Typed {
    statement: String,
    appeal_for: String,
    message: String,
}

async fn access_page(
    s: &WebState,
    token: &str,
    notice: Option<String>,
    error: Option<String>,
    typed: Typed,
) -> Response {
    let access: HelpAccess = match s.app.help_access(token).await {
        Ok(a) => a,
        Err(e) => {
            return with_status(
                crate::error::status_of(&e),
                render(&AskPage {
                    email: String::new(),
                    sent: false,
                    error: Some(member_error(&e)),
                }),
            );
        }
    };
    let page = AccessPage {
        token: token.to_owned(),
        name: access.display_name,
        email: access.email,
        restrictions: access
            .restrictions
            .into_iter()
            .map(|r| RestrictionRow {
                appeal_words: match &r.appeal {
                    Ok(until) => format!(
                        "You can appeal until {}: a person who did not make this decision will look at it again.",
                        until.to_human()
                    ),
                    Err(why) => format!("An appeal is not possible: {why}."),
                },
                can_appeal: r.appeal.is_ok(),
                id: r.id,
                kind: r.kind,
                reason: r.reason,
                explanation: r.explanation,
                since: r.since.to_human(),
                ends: r.ends,
                blocks_sign_in: r.blocks_sign_in,
                appeal_status: r.appeal_status,
            })
            .collect(),
        notice,
        error,
        statement: typed.statement,
        appeal_for: typed.appeal_for,
        message: typed.message,
    };
    render(&page)
}

/// `GET /help/{token}`.
pub async fn access(State(s): State<WebState>, Path(token): Path<String>) -> Response {
    access_page(&s, &token, None, None, Typed::default()).await
}

#[derive(Deserialize)]
pub struct AppealForm {
    restriction_id: String,
    statement: String,
}

/// `POST /help/{token}/appeal`.
pub async fn appeal(
    State(s): State<WebState>,
    Path(token): Path<String>,
    ConsoleForm(f): ConsoleForm<AppealForm>,
) -> Response {
    match s
        .app
        .appeal_from_help(&token, &f.restriction_id, &f.statement)
        .await
    {
        Ok(_) => {
            access_page(
                &s,
                &token,
                Some("Your appeal is filed. We will email you the decision.".into()),
                None,
                Typed::default(),
            )
            .await
        }
        Err(e) => {
            refused(
                &s,
                &token,
                &e,
                Typed {
                    statement: f.statement,
                    appeal_for: f.restriction_id,
                    ..Typed::default()
                },
            )
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct MessageForm {
    message: String,
}

/// `POST /help/{token}/message`: a ticket about the account, answered by email.
pub async fn message(
    State(s): State<WebState>,
    Path(token): Path<String>,
    ConsoleForm(f): ConsoleForm<MessageForm>,
) -> Response {
    match s.app.message_from_help(&token, &f.message).await {
        Ok(v) => {
            access_page(
                &s,
                &token,
                Some(format!(
                    "We received your message as request #{}; we will answer by email.",
                    v.ticket.number
                )),
                None,
                Typed::default(),
            )
            .await
        }
        Err(e) => {
            refused(
                &s,
                &token,
                &e,
                Typed {
                    message: f.message,
                    ..Typed::default()
                },
            )
            .await
        }
    }
}

async fn refused(s: &WebState, token: &str, e: &AppError, typed: Typed) -> Response {
    let status = crate::error::status_of(e);
    if !status.is_client_error() {
        return super::layout::app_error(e);
    }
    with_status(
        status,
        access_page(s, token, None, Some(member_error(e)), typed).await,
    )
}
