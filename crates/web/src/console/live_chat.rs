//! The live chat's pages (seed 004): the member's window (the place in line and the wait, then
//! the conversation) and the agent's (the conversation beside what Trustwork knows about the
//! member, with hand-over and end). Both talk over one WebSocket; without JavaScript the form
//! posts the line and the page shows the transcript.

use super::desk::{DESK, PanelView};
use super::forms::ConsoleForm;
use super::layout::{Flash, Kind, Layout, after_post, app_error, flash, render};
use super::session::{MEMBERS, Viewer};
use super::views::member_error;
use crate::{ApiError, WebState};
use askama::Template;
use axum::extract::{Path, Query, State, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use trustwork_app::AppError;
use trustwork_app::records::Chat;
use trustwork_app::tickets::ChatView;
use trustwork_core::live_chat::ChatStatus;

struct LineRow {
    who: String,
    mine: bool,
    system: bool,
    body: String,
    at: String,
}

struct AgentOption {
    id: String,
    name: String,
    /// "2 of 3 chats", or why the agent cannot take one.
    load: String,
    can_take: bool,
}

#[derive(Template)]
#[template(path = "chat.html")]
struct ChatPage {
    layout: Layout,
    chat_id: String,
    /// The member's window, or the agent's.
    as_member: bool,
    /// The viewer may write (the member, or the chat's agent).
    can_write: bool,
    ended: bool,
    state: String,
    lines: Vec<LineRow>,
    panel: Option<PanelView>,
    agents: Vec<AgentOption>,
    typed: String,
}

/// The chat if the viewer is in it (or staff); otherwise "not found".
async fn chat_for(s: &WebState, viewer: &Viewer, id: &str) -> Result<ChatView, Response> {
    let not_found = || {
        app_error(&AppError::NotFound {
            entity: "chat",
            id: id.to_owned(),
        })
    };
    match s.app.chat(id).await {
        Ok(v) if v.chat.account_id == viewer.id() || viewer.role().is_staff() => Ok(v),
        Ok(_) => Err(not_found()),
        Err(e) => Err(app_error(&e)),
    }
}

fn state_words(v: &ChatView, agent: Option<&str>, member: &str, as_member: bool) -> String {
    match (v.chat.status, &v.place) {
        (ChatStatus::Waiting, Some(p)) => {
            format!(
                "You are number {} in line. {}",
                p.position,
                p.words.trim_end_matches('.')
            ) + "."
        }
        (ChatStatus::Waiting, None) => "Waiting for an agent.".into(),
        (ChatStatus::Active, _) if as_member => {
            format!("You are chatting with {}.", agent.unwrap_or("an agent"))
        }
        (ChatStatus::Active, _) => format!("You are chatting with {member}."),
        (ChatStatus::Ended, _) => "This chat has ended; its transcript is in your requests.".into(),
    }
}

async fn chat_page(
    s: &WebState,
    viewer: &Viewer,
    id: &str,
    flash: Flash,
    typed: String,
) -> Response {
    let v = match chat_for(s, viewer, id).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let as_member = v.chat.account_id == viewer.id();
    let mut names = std::collections::HashMap::new();
    let mut name_of = async |who: &str| -> String {
        if let Some(n) = names.get(who) {
            return String::clone(n);
        }
        let n = s
            .app
            .account(who)
            .await
            .map(|a| a.display_name)
            .unwrap_or_else(|_| "Someone".into());
        names.insert(who.to_owned(), n.clone());
        n
    };
    let agent = match &v.chat.agent_id {
        Some(a) => Some(name_of(a).await),
        None => None,
    };
    let member = name_of(&v.chat.account_id).await;
    let mut lines = Vec::new();
    for l in &v.lines {
        let who = match &l.author_id {
            Some(a) => name_of(a).await,
            None => "Trustwork".into(),
        };
        lines.push(LineRow {
            who,
            mine: l.author_id.as_deref() == Some(viewer.id()),
            system: l.author_id.is_none(),
            body: l.body.clone(),
            at: l.created_at.to_human(),
        });
    }
    let panel = if as_member {
        None
    } else {
        match s.app.member_panel(&v.chat.account_id).await {
            Ok(p) => Some(PanelView::new(&p, s.app.now())),
            Err(e) => return app_error(&e),
        }
    };
    let agents = if as_member {
        Vec::new()
    } else {
        match agent_options(s, viewer.id()).await {
            Ok(a) => a,
            Err(e) => return app_error(&e),
        }
    };
    let category = trustwork_core::tickets::TicketCategory::parse(&v.chat.category)
        .map_or("Support", |c| c.label());
    let can_write = v.chat.status != ChatStatus::Ended
        && (as_member || v.chat.agent_id.as_deref() == Some(viewer.id()));
    let page = ChatPage {
        layout: Layout::new(
            s,
            viewer,
            if as_member { "/support" } else { "/desk" },
            &format!("Live chat: {category}"),
            flash,
        )
        .await,
        chat_id: v.chat.id.clone(),
        as_member,
        can_write,
        ended: v.chat.status == ChatStatus::Ended,
        state: state_words(&v, agent.as_deref(), &member, as_member),
        lines,
        panel,
        agents,
        typed,
    };
    render(&page)
}

/// Colleagues to hand a chat to, with room or the reason they have none.
async fn agent_options(s: &WebState, me: &str) -> Result<Vec<AgentOption>, AppError> {
    let mut out = Vec::new();
    for a in s.app.support_agents().await? {
        if a.account_id == me {
            continue;
        }
        let name = s.app.account(&a.account_id).await?.display_name;
        let (load, can_take) = match (a.available, a.active_chats < a.capacity) {
            (false, _) => ("not taking chats".to_owned(), false),
            (true, false) => (
                format!("full: {} of {} chats", a.active_chats, a.capacity),
                false,
            ),
            (true, true) => (format!("{} of {} chats", a.active_chats, a.capacity), true),
        };
        out.push(AgentOption {
            id: a.account_id,
            name,
            load,
            can_take,
        });
    }
    Ok(out)
}

/// `GET /support/chat/{id}` (the member) and `GET /desk/chats/{id}` (staff).
pub async fn page(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> Response {
    chat_page(&s, &viewer, &id, flash, String::new()).await
}

/// `GET /support/chat/{id}/ws`: the chat's socket, for its member and its agent.
pub async fn socket(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    if !super::verification::same_origin(&headers) {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "this socket is for this site's pages only",
        )
        .into_response();
    }
    let chat = match chat_for(&s, &viewer, &id).await {
        Ok(v) => v.chat,
        Err(r) => return r,
    };
    let viewer_id = viewer.id().to_owned();
    ws.max_message_size(crate::chat_socket::MAX_CHAT_MESSAGE_BYTES)
        .on_upgrade(move |socket| crate::chat_socket::run(socket, s, chat.id, viewer_id))
}

#[derive(Deserialize)]
pub struct SayForm {
    csrf: String,
    body: String,
}

/// `POST /support/chat/{id}/say`: a line without JavaScript; refused, the text stays.
pub async fn say(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ConsoleForm(f): ConsoleForm<SayForm>,
) -> Response {
    if let Err(r) = viewer.check_csrf(&f.csrf) {
        return r;
    }
    let back = back_to(&viewer, &id);
    match s.app.say_in_chat(&id, viewer.id(), &f.body).await {
        Ok(_) => {
            s.chat_bell.ring();
            Redirect::to(&back).into_response()
        }
        Err(e) if crate::error::status_of(&e).is_client_error() && e.code() != "not_found" => {
            let mut page =
                chat_page(&s, &viewer, &id, Flash::error(member_error(&e)), f.body).await;
            *page.status_mut() = crate::error::status_of(&e);
            page
        }
        Err(e) => app_error(&e),
    }
}

fn back_to(viewer: &Viewer, id: &str) -> String {
    if MEMBERS.contains(&viewer.role()) {
        format!("/support/chat/{id}")
    } else {
        format!("/desk/chats/{id}")
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

/// `POST /support/chat/{id}/end`: the member or the agent ends it; the transcript's ticket
/// follows.
pub async fn end(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ConsoleForm(f): ConsoleForm<CsrfForm>,
) -> Response {
    if let Err(r) = viewer.check_csrf(&f.csrf) {
        return r;
    }
    match s.app.end_chat(&id, viewer.id()).await {
        Ok(t) => {
            s.chat_bell.ring();
            let to = if MEMBERS.contains(&viewer.role()) {
                format!("/support/tickets/{}", t.ticket.id)
            } else {
                format!("/desk/tickets/{}", t.ticket.id)
            };
            flash(
                &s,
                &viewer,
                &to,
                Kind::Notice,
                &format!(
                    "The chat has ended. Its transcript is request #{} and was emailed to the member.",
                    t.ticket.number
                ),
            )
        }
        Err(e) => after_post(&s, &viewer, &back_to(&viewer, &id), Err(e), member_error),
    }
}

/// `POST /desk/chats/{id}/accept`.
pub async fn accept(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ConsoleForm(f): ConsoleForm<CsrfForm>,
) -> Response {
    if let Err(r) = viewer
        .require(DESK)
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    match s.app.accept_chat(&id, viewer.id()).await {
        Ok(_) => {
            s.chat_bell.ring();
            Redirect::to(&format!("/desk/chats/{id}")).into_response()
        }
        Err(e) => after_post(&s, &viewer, "/desk", Err(e), member_error),
    }
}

#[derive(Deserialize)]
pub struct TransferForm {
    csrf: String,
    to_agent_id: String,
}

/// `POST /desk/chats/{id}/transfer`.
pub async fn transfer(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ConsoleForm(f): ConsoleForm<TransferForm>,
) -> Response {
    if let Err(r) = viewer
        .require(DESK)
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    let result = s
        .app
        .transfer_chat(&id, viewer.id(), &f.to_agent_id)
        .await
        .inspect(|_| s.chat_bell.ring());
    match result {
        Ok(_) => flash(
            &s,
            &viewer,
            "/desk",
            Kind::Notice,
            "The chat was handed over.",
        ),
        Err(e) => after_post(
            &s,
            &viewer,
            &format!("/desk/chats/{id}"),
            Err(e),
            member_error,
        ),
    }
}

/// A waiting or active chat as the desk lists it.
pub(super) struct ChatRow {
    pub id: String,
    pub member: String,
    pub category: &'static str,
    pub since: String,
}

pub(super) async fn chat_rows(s: &WebState, chats: &[Chat]) -> Result<Vec<ChatRow>, AppError> {
    let mut out = Vec::new();
    for c in chats {
        out.push(ChatRow {
            id: c.id.clone(),
            member: s.app.account(&c.account_id).await?.display_name,
            category: trustwork_core::tickets::TicketCategory::parse(&c.category)
                .map_or("Support", |c| c.label()),
            since: c.created_at.to_human(),
        });
    }
    Ok(out)
}
