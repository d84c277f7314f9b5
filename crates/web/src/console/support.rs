//! Support for members (seeds 003 and 004): their requests with where each stands, a new request
//! with a category, a live chat while the category's team is working and a message form when it
//! is not, a request's page with the conversation, files and the one question after solve.

use super::forms::ConsoleForm;
use super::layout::{Flash, Kind, Layout, after_post, app_error, flash, render};
use super::session::{MEMBERS, Viewer};
use super::views::member_error;
use crate::WebState;
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use trustwork_app::AppError;
use trustwork_app::tickets::TicketView;
use trustwork_core::tickets::{TicketCategory, TicketStatus};

const PATH: &str = "/support";

/// A ticket's status in the member's words.
pub(super) fn status_words(s: TicketStatus) -> &'static str {
    match s {
        TicketStatus::New | TicketStatus::Open => "Waiting for our answer",
        TicketStatus::PendingMember => "Waiting for your reply",
        TicketStatus::OnHold => "On hold",
        TicketStatus::Solved => "Solved",
        TicketStatus::Closed => "Closed",
    }
}

pub(super) struct CategoryOption {
    pub value: &'static str,
    pub label: &'static str,
    /// The team takes chats now.
    pub open: bool,
    /// When it is back, if closed.
    pub back: String,
}

pub(super) fn categories(s: &WebState) -> Vec<CategoryOption> {
    TicketCategory::ALL
        .iter()
        .map(|c| {
            let hours = s.app.chat_hours(*c);
            CategoryOption {
                value: c.as_str(),
                label: c.label(),
                open: hours.open,
                back: hours.back_in_words.unwrap_or_default(),
            }
        })
        .collect()
}

struct TicketRow {
    id: String,
    number: i64,
    subject: String,
    category: &'static str,
    status: &'static str,
    updated: String,
}

/// What was typed into the page's forms, kept after a refusal.
#[derive(Default)]
struct Typed {
    category: String,
    subcategory: String,
    subject: String,
    details: String,
    chat_category: String,
    message: String,
    /// The message form is shown (the chat's team is away).
    leave_message: bool,
}

#[derive(Template)]
#[template(path = "support.html")]
struct SupportPage {
    layout: Layout,
    tickets: Vec<TicketRow>,
    categories: Vec<CategoryOption>,
    live_chat: Option<String>,
    typed: Typed,
}

async fn support_page(s: &WebState, viewer: &Viewer, flash: Flash, typed: Typed) -> Response {
    let loaded = async {
        let tickets = s.app.tickets_of(viewer.id()).await?;
        let live = s.app.live_chat_of(viewer.id()).await?;
        Ok::<_, AppError>((tickets, live))
    }
    .await;
    let (tickets, live) = match loaded {
        Ok(v) => v,
        Err(e) => return app_error(&e),
    };
    let page = SupportPage {
        layout: Layout::new(s, viewer, PATH, "Support", flash).await,
        tickets: tickets
            .iter()
            .map(|q| TicketRow {
                id: q.ticket.id.clone(),
                number: q.ticket.number,
                subject: q.ticket.subject.clone(),
                category: q.ticket.category.label(),
                status: status_words(q.ticket.status),
                updated: q.ticket.updated_at.to_human(),
            })
            .collect(),
        categories: categories(s),
        live_chat: live.map(|c| c.id),
        typed,
    };
    render(&page)
}

/// `GET /support`.
pub async fn home(
    State(s): State<WebState>,
    viewer: Viewer,
    Query(flash): Query<Flash>,
) -> Response {
    if let Err(r) = viewer.require(MEMBERS) {
        return r;
    }
    support_page(&s, &viewer, flash, Typed::default()).await
}

/// A refusal on the support page: the reason and everything typed.
async fn refused_here(s: &WebState, viewer: &Viewer, e: &AppError, typed: Typed) -> Response {
    let status = crate::error::status_of(e);
    if !status.is_client_error() || e.code() == "not_found" {
        return app_error(e);
    }
    let mut page = support_page(s, viewer, Flash::error(member_error(e)), typed).await;
    *page.status_mut() = status;
    page
}

#[derive(Deserialize)]
pub struct NewTicketForm {
    csrf: String,
    category: String,
    #[serde(default)]
    subcategory: String,
    subject: String,
    details: String,
}

/// `POST /support/tickets`: a new request; its page follows, with its number.
pub async fn open(
    State(s): State<WebState>,
    viewer: Viewer,
    ConsoleForm(f): ConsoleForm<NewTicketForm>,
) -> Response {
    if let Err(r) = viewer
        .require(MEMBERS)
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    let opened = s
        .app
        .open_ticket(
            &viewer.actor(),
            &trustwork_app::tickets::NewTicket {
                account_id: viewer.id(),
                category: &f.category,
                subject: &f.subject,
                details: &f.details,
                priority: None,
                subcategory: Some(&f.subcategory),
                channel: "web",
            },
        )
        .await;
    match opened {
        Ok(v) => flash(
            &s,
            &viewer,
            &format!("/support/tickets/{}", v.ticket.id),
            Kind::Notice,
            &received(&v),
        ),
        Err(e) => {
            let typed = Typed {
                category: f.category,
                subcategory: f.subcategory,
                subject: f.subject,
                details: f.details,
                ..Typed::default()
            };
            refused_here(&s, &viewer, &e, typed).await
        }
    }
}

fn received(v: &TicketView) -> String {
    let due = v
        .sla
        .due_at
        .map(|d| format!(" We will answer by email by {}.", d.to_human()))
        .unwrap_or_default();
    format!(
        "We received your request #{}; the number is in the email we sent you.{due}",
        v.ticket.number
    )
}

#[derive(Deserialize)]
pub struct ChatForm {
    csrf: String,
    category: String,
}

/// `POST /support/chat`: a chat with the category's team, or the message form if it is away.
pub async fn start_chat(
    State(s): State<WebState>,
    viewer: Viewer,
    ConsoleForm(f): ConsoleForm<ChatForm>,
) -> Response {
    if let Err(r) = viewer
        .require(MEMBERS)
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    match s.app.start_chat(viewer.id(), &f.category).await {
        Ok(v) => {
            s.chat_bell.ring();
            Redirect::to(&format!("/support/chat/{}", v.chat.id)).into_response()
        }
        Err(e) => {
            let typed = Typed {
                leave_message: matches!(e, AppError::Conflict(_)),
                chat_category: f.category,
                ..Typed::default()
            };
            refused_here(&s, &viewer, &e, typed).await
        }
    }
}

#[derive(Deserialize)]
pub struct MessageForm {
    csrf: String,
    category: String,
    message: String,
}

/// `POST /support/message`: outside the team's hours, a message that becomes a request answered
/// by email.
pub async fn leave_message(
    State(s): State<WebState>,
    viewer: Viewer,
    ConsoleForm(f): ConsoleForm<MessageForm>,
) -> Response {
    if let Err(r) = viewer
        .require(MEMBERS)
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    match s
        .app
        .leave_chat_message(viewer.id(), &f.category, &f.message)
        .await
    {
        Ok(v) => flash(
            &s,
            &viewer,
            &format!("/support/tickets/{}", v.ticket.id),
            Kind::Notice,
            &received(&v),
        ),
        Err(e) => {
            let typed = Typed {
                leave_message: true,
                chat_category: f.category,
                message: f.message,
                ..Typed::default()
            };
            refused_here(&s, &viewer, &e, typed).await
        }
    }
}

struct MessageRow {
    who: String,
    mine: bool,
    body: String,
    at: String,
}

pub(super) struct FileRow {
    pub(super) id: String,
    pub(super) content_type: String,
    pub(super) size: String,
    pub(super) added: String,
}

#[derive(Template)]
#[template(path = "support_ticket.html")]
struct TicketPage {
    layout: Layout,
    id: String,
    subject: String,
    category: &'static str,
    status: &'static str,
    details: String,
    due: String,
    open: bool,
    rate: bool,
    rated: Option<String>,
    messages: Vec<MessageRow>,
    files: Vec<FileRow>,
    reply: String,
}

/// The ticket if it is the viewer's (another member's answers "not found").
async fn own_ticket(s: &WebState, viewer: &Viewer, id: &str) -> Result<TicketView, Response> {
    match s.app.ticket(id).await {
        Ok(v) if v.ticket.account_id == viewer.id() => Ok(v),
        Ok(_) => Err(app_error(&AppError::NotFound {
            entity: "request",
            id: id.to_owned(),
        })),
        Err(e) => Err(app_error(&e)),
    }
}

pub(super) fn file_rows(v: &TicketView) -> Vec<FileRow> {
    v.attachments
        .iter()
        .map(|a| FileRow {
            id: a.id.clone(),
            content_type: match a.content_type.as_str() {
                "application/pdf" => "PDF".into(),
                other => other.trim_start_matches("image/").to_uppercase(),
            },
            size: format!("{:.1} MB", a.size_bytes as f64 / (1024.0 * 1024.0)),
            added: a.created_at.to_human(),
        })
        .collect()
}

async fn ticket_page(
    s: &WebState,
    viewer: &Viewer,
    id: &str,
    flash: Flash,
    reply: String,
) -> Response {
    let v = match own_ticket(s, viewer, id).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let mut messages = Vec::new();
    for m in v.messages.iter().filter(|m| m.public) {
        let mine = m.author_id.as_deref() == Some(viewer.id());
        let who = match (&m.author_id, mine) {
            (_, true) => "You".to_owned(),
            (Some(a), false) => s
                .app
                .account(a)
                .await
                .map(|a| format!("{} (Trustwork support)", a.display_name))
                .unwrap_or_else(|_| "Trustwork support".into()),
            (None, false) => "Trustwork support".into(),
        };
        messages.push(MessageRow {
            who,
            mine,
            body: m.body.clone(),
            at: m.created_at.to_human(),
        });
    }
    let t = &v.ticket;
    let page = TicketPage {
        layout: Layout::new(s, viewer, PATH, &format!("Request #{}", t.number), flash).await,
        id: t.id.clone(),
        subject: t.subject.clone(),
        category: t.category.label(),
        status: status_words(t.status),
        details: t.details.clone(),
        due: match (t.first_response_at, v.sla.due_at) {
            (None, Some(due)) => format!("We will answer by {}.", due.to_human()),
            _ => String::new(),
        },
        open: t.status != TicketStatus::Closed,
        rate: matches!(t.status, TicketStatus::Solved | TicketStatus::Closed)
            && t.satisfaction.is_none(),
        rated: t.satisfaction.clone(),
        messages,
        files: file_rows(&v),
        reply,
    };
    render(&page)
}

/// `GET /support/tickets/{id}`.
pub async fn ticket(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> Response {
    if let Err(r) = viewer.require(MEMBERS) {
        return r;
    }
    ticket_page(&s, &viewer, &id, flash, String::new()).await
}

#[derive(Deserialize)]
pub struct ReplyForm {
    csrf: String,
    body: String,
}

/// `POST /support/tickets/{id}/reply`: the member's answer; refused, the text stays.
pub async fn reply(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ConsoleForm(f): ConsoleForm<ReplyForm>,
) -> Response {
    if let Err(r) = viewer
        .require(MEMBERS)
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    if let Err(r) = own_ticket(&s, &viewer, &id).await {
        return r;
    }
    match s
        .app
        .reply_to_ticket(&id, viewer.id(), &f.body, true, None)
        .await
    {
        Ok(_) => flash(
            &s,
            &viewer,
            &format!("/support/tickets/{id}"),
            Kind::Notice,
            "Sent: we will answer by email.",
        ),
        Err(e) if crate::error::status_of(&e).is_client_error() && e.code() != "not_found" => {
            let mut page =
                ticket_page(&s, &viewer, &id, Flash::error(member_error(&e)), f.body).await;
            *page.status_mut() = crate::error::status_of(&e);
            page
        }
        Err(e) => app_error(&e),
    }
}

#[derive(Deserialize)]
pub struct RateForm {
    csrf: String,
    rating: String,
    #[serde(default)]
    comment: String,
}

/// `POST /support/tickets/{id}/rate`: the one question after solve.
pub async fn rate(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ConsoleForm(f): ConsoleForm<RateForm>,
) -> Response {
    if let Err(r) = viewer
        .require(MEMBERS)
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    let result = s
        .app
        .rate_ticket(&id, viewer.id(), &f.rating, &f.comment)
        .await
        .map(|_| "Thank you for telling us.".to_owned());
    after_post(
        &s,
        &viewer,
        &format!("/support/tickets/{id}"),
        result,
        member_error,
    )
}

/// `POST /support/tickets/{id}/files` (and the desk's): multipart with `csrf` and `file`.
pub async fn upload(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    multipart: Multipart,
) -> Response {
    let back = if MEMBERS.contains(&viewer.role()) {
        format!("/support/tickets/{id}")
    } else {
        format!("/desk/tickets/{id}")
    };
    let (csrf, bytes) = match super::forms::read_file_form(multipart).await {
        Ok(v) => v,
        Err(words) => return flash(&s, &viewer, &back, Kind::Error, &words),
    };
    if let Err(r) = viewer.check_csrf(&csrf) {
        return r;
    }
    let result = if bytes.is_empty() {
        Err(AppError::invalid("file", "choose a file"))
    } else {
        s.app
            .attach_to_ticket(&id, viewer.id(), &bytes)
            .await
            .map(|_| "The file is attached.".to_owned())
    };
    after_post(&s, &viewer, &back, result, member_error)
}

/// `GET /support/tickets/{id}/files/{file_id}`: for the ticket's member and staff.
pub async fn file(
    State(s): State<WebState>,
    viewer: Viewer,
    Path((id, file_id)): Path<(String, String)>,
) -> Response {
    if !viewer.role().is_staff()
        && let Err(r) = own_ticket(&s, &viewer, &id).await
    {
        return r;
    }
    match s.app.ticket_attachment(&id, &file_id).await {
        Ok((f, bytes)) => super::file_response(&f.content_type, &f.id, bytes),
        Err(e) => app_error(&e),
    }
}
