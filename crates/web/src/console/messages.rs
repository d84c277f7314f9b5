//! Messages in the console (seed 002): the member's threads and invitations, a thread with its
//! messages (a refused one is shown to its sender with the reason, never to the other side),
//! reporting a message, and calls started from the thread.

use super::forms::ConsoleForm;
use super::layout::{Flash, Layout, app_error, render};
use super::session::Viewer;
use super::views::{denial_text, member_error};
use crate::WebState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::collections::HashMap;
use trustwork_app::conversations::ThreadView;
use trustwork_core::conversation::{
    CallKind, CallState, InvitationStatus, MessageStatus, call_duration_seconds, call_state,
};
use trustwork_core::{Capability, Role};

use super::session::MEMBERS;

struct ThreadRow {
    id: String,
    title: String,
    with: String,
    last: String,
}

struct InvitationRow {
    id: String,
    job_title: String,
    other: String,
    message: String,
    status: &'static str,
    waiting: bool,
    thread_id: String,
    sent_at: String,
}

#[derive(Template)]
#[template(path = "messages.html")]
struct MessagesPage {
    layout: Layout,
    is_freelancer: bool,
    threads: Vec<ThreadRow>,
    invitations: Vec<InvitationRow>,
    /// Why the freelancer cannot accept an invitation now, in words.
    accept_blocked: Option<String>,
}

/// `GET /messages`.
pub async fn list(
    State(s): State<WebState>,
    viewer: Viewer,
    Query(flash): Query<Flash>,
) -> Response {
    if let Err(r) = viewer.require(MEMBERS) {
        return r;
    }
    let (threads, invitations, capabilities) = match (
        s.app.threads_of(viewer.id()).await,
        s.app.invitations_of(viewer.id()).await,
        s.app.capabilities(viewer.id()).await,
    ) {
        (Ok(t), Ok(i), Ok(c)) => (t, i, c),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return app_error(&e),
    };
    let ids: Vec<String> = threads
        .iter()
        .flat_map(|(t, _)| t.participants.iter().cloned())
        .chain(
            invitations
                .iter()
                .flat_map(|i| [i.client_id.clone(), i.freelancer_id.clone()]),
        )
        .collect();
    let names = match s.app.display_names(&ids).await {
        Ok(n) => n,
        Err(e) => return app_error(&e),
    };
    let name = |id: &str| {
        names
            .get(id)
            .cloned()
            .unwrap_or_else(|| "a member".to_owned())
    };
    let is_freelancer = viewer.role() == Role::Freelancer;
    let page = MessagesPage {
        layout: Layout::new(&s, &viewer, "/messages", "Messages", flash).await,
        is_freelancer,
        accept_blocked: capabilities
            .iter()
            .find(|(c, p)| *c == Capability::SubmitProposal && !p.allowed)
            .map(|(c, p)| denial_text(*c, &p.reasons)),
        threads: threads
            .iter()
            .map(|(t, last)| ThreadRow {
                id: t.thread.id.clone(),
                title: t.title.clone(),
                with: t
                    .participants
                    .iter()
                    .filter(|p| *p != viewer.id())
                    .map(|p| name(p))
                    .collect::<Vec<_>>()
                    .join(", "),
                last: last.unwrap_or(t.thread.created_at).to_human(),
            })
            .collect(),
        invitations: invitations
            .iter()
            .map(|i| InvitationRow {
                id: i.id.clone(),
                job_title: i.job_title.clone(),
                other: name(if is_freelancer {
                    &i.client_id
                } else {
                    &i.freelancer_id
                }),
                message: i.message.clone(),
                status: i.status.as_str(),
                waiting: i.status == InvitationStatus::Sent,
                thread_id: i.thread_id.clone(),
                sent_at: i.created_at.to_human(),
            })
            .collect(),
    };
    render(&page)
}

struct MessageRow {
    id: String,
    mine: bool,
    sender: String,
    body: String,
    at: String,
    /// Why it was not delivered (the sender's own refused message).
    refused: Option<String>,
    /// The viewer may report it (someone else's delivered message).
    reportable: bool,
}

struct CallRow {
    label: String,
}

#[derive(Template)]
#[template(path = "thread.html")]
struct ThreadPage {
    layout: Layout,
    thread_id: String,
    with: String,
    proposal_status: Option<(&'static str, String)>,
    messages: Vec<MessageRow>,
    calls: Vec<CallRow>,
    /// A call ringing or connected now: (id, words).
    live_call: Option<(String, String)>,
    /// Why the viewer may not write or call now.
    blocked: Option<String>,
    /// Text the viewer typed that was not sent.
    draft: String,
    back: String,
    flag_reasons: Vec<(&'static str, &'static str)>,
}

fn call_label(kind: CallKind) -> &'static str {
    match kind {
        CallKind::Video => "Video call",
        CallKind::Voice => "Voice call",
    }
}

async fn thread_page(
    s: &WebState,
    viewer: &Viewer,
    thread_id: &str,
    flash: Flash,
    draft: String,
) -> Response {
    let (view, permission): (ThreadView, _) = match (
        s.app.thread_for(viewer.id(), thread_id).await,
        s.app.may_send_messages(viewer.id()).await,
    ) {
        (Ok(v), Ok(p)) => (v, p),
        (Err(e), _) | (_, Err(e)) => return app_error(&e),
    };
    let names: HashMap<String, String> = match s.app.display_names(&view.participants).await {
        Ok(n) => n,
        Err(e) => return app_error(&e),
    };
    let now = s.app.now();
    let mut messages = Vec::with_capacity(view.messages.len());
    for m in &view.messages {
        let mine = m.sender_id == viewer.id();
        let refused = if m.status == MessageStatus::Blocked {
            Some(match s.app.decision(&m.decision_id).await {
                Ok(d) => d.reason,
                Err(_) => "it broke the marketplace's rules".to_owned(),
            })
        } else {
            None
        };
        messages.push(MessageRow {
            id: m.id.clone(),
            mine,
            sender: if mine {
                "You".to_owned()
            } else {
                names
                    .get(&m.sender_id)
                    .cloned()
                    .unwrap_or_else(|| "A member".to_owned())
            },
            body: m.body.clone(),
            at: m.created_at.to_human(),
            reportable: !mine && refused.is_none(),
            refused,
        });
    }
    let mut live_call = None;
    let calls = view
        .calls
        .iter()
        .map(|c| {
            let state = call_state(c.started_at, c.connected_at, c.ended_at, now);
            let who = if c.started_by == viewer.id() {
                "you"
            } else {
                "the other side"
            };
            let label = match state {
                CallState::Ringing | CallState::Connected => {
                    live_call.get_or_insert_with(|| {
                        (
                            c.id.clone(),
                            format!("{} started by {who} is going on now.", call_label(c.kind)),
                        )
                    });
                    format!(
                        "{} started by {who} at {} — going on now",
                        call_label(c.kind),
                        c.started_at.to_human()
                    )
                }
                CallState::Missed => format!(
                    "{} started by {who} at {} — missed",
                    call_label(c.kind),
                    c.started_at.to_human()
                ),
                CallState::Ended => {
                    let secs = call_duration_seconds(c.connected_at, c.ended_at);
                    format!(
                        "{} started by {who} at {} — {} min {:02} s",
                        call_label(c.kind),
                        c.started_at.to_human(),
                        secs / 60,
                        secs % 60
                    )
                }
            };
            CallRow { label }
        })
        .collect();
    let page = ThreadPage {
        layout: Layout::new(s, viewer, "/messages", &view.title, flash).await,
        thread_id: view.thread.id.clone(),
        with: view
            .participants
            .iter()
            .filter(|p| *p != viewer.id())
            .map(|p| {
                names
                    .get(p)
                    .cloned()
                    .unwrap_or_else(|| "a member".to_owned())
            })
            .collect::<Vec<_>>()
            .join(", "),
        proposal_status: view
            .proposal
            .as_ref()
            .map(|p| (p.status.as_str(), p.status.as_str().replace('_', " "))),
        messages,
        calls,
        live_call,
        blocked: (!permission.allowed)
            .then(|| denial_text(Capability::SendMessages, &permission.reasons)),
        draft,
        back: format!("/messages/{}", view.thread.id),
        flag_reasons: super::member::flag_reasons(),
    };
    render(&page)
}

/// `GET /messages/{id}`.
pub async fn thread(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> Response {
    if let Err(r) = viewer.require(MEMBERS) {
        return r;
    }
    thread_page(&s, &viewer, &id, flash, String::new()).await
}

#[derive(Deserialize)]
pub struct MessageForm {
    csrf: String,
    #[serde(default)]
    text: String,
}

/// `POST /messages/{id}`: a refused message stays in the thread, marked for its sender with the
/// reason; text that could not be sent at all stays in the box.
pub async fn send(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ConsoleForm(f): ConsoleForm<MessageForm>,
) -> Response {
    if let Err(r) = viewer
        .require(MEMBERS)
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    match s.app.send_message(viewer.id(), &id, &f.text).await {
        Ok(sent) if sent.delivered() => {
            Redirect::to(&format!("/messages/{id}#m-{}", sent.message.id)).into_response()
        }
        Ok(sent) => {
            let refused = Flash::error(format!(
                "Your message was not delivered. {}",
                super::views::capitalized(&sent.decision.reason)
            ));
            let mut page = thread_page(&s, &viewer, &id, refused, String::new()).await;
            *page.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            page
        }
        Err(e) if crate::error::status_of(&e).is_client_error() && e.code() != "not_found" => {
            let refused = Flash::error(format!("Message not sent. {}", member_error(&e)));
            let mut page = thread_page(&s, &viewer, &id, refused, f.text).await;
            *page.status_mut() = crate::error::status_of(&e);
            page
        }
        Err(e) => app_error(&e),
    }
}

#[derive(Deserialize)]
pub struct CallForm {
    csrf: String,
    #[serde(default)]
    kind: String,
}

/// `POST /messages/{id}/calls`: starts a call (or joins the one going on) and opens it.
pub async fn start_call(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ConsoleForm(f): ConsoleForm<CallForm>,
) -> Response {
    if let Err(r) = viewer
        .require(MEMBERS)
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    let Some(kind) = CallKind::parse(&f.kind) else {
        return super::layout::flash(
            &s,
            &viewer,
            &format!("/messages/{id}"),
            super::layout::Kind::Error,
            "Choose a video or a voice call.",
        );
    };
    match s.app.start_thread_call(viewer.id(), &id, kind).await {
        Ok(call) => Redirect::to(&format!("/messages/{id}/calls/{}", call.id)).into_response(),
        Err(e) if crate::error::status_of(&e).is_client_error() && e.code() != "not_found" => {
            super::layout::flash(
                &s,
                &viewer,
                &format!("/messages/{id}"),
                super::layout::Kind::Error,
                &format!("The call did not start. {}", member_error(&e)),
            )
        }
        Err(e) => app_error(&e),
    }
}

#[derive(Deserialize)]
pub struct AnswerForm {
    csrf: String,
}

async fn answer(s: WebState, viewer: Viewer, id: String, csrf: String, accept: bool) -> Response {
    if let Err(r) = viewer
        .require(&[Role::Freelancer])
        .and_then(|()| viewer.check_csrf(&csrf))
    {
        return r;
    }
    match s.app.answer_invitation(viewer.id(), &id, accept).await {
        Ok(inv) if accept => Redirect::to(&format!("/messages/{}", inv.thread_id)).into_response(),
        Ok(_) => super::layout::flash(
            &s,
            &viewer,
            "/messages",
            super::layout::Kind::Notice,
            "You declined the invitation. The conversation stays in your messages.",
        ),
        Err(e) if crate::error::status_of(&e).is_client_error() && e.code() != "not_found" => {
            super::layout::flash(
                &s,
                &viewer,
                "/messages",
                super::layout::Kind::Error,
                &member_error(&e),
            )
        }
        Err(e) => app_error(&e),
    }
}

/// `POST /invitations/{id}/accept`.
pub async fn accept(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ConsoleForm(f): ConsoleForm<AnswerForm>,
) -> Response {
    answer(s, viewer, id, f.csrf, true).await
}

/// `POST /invitations/{id}/decline`.
pub async fn decline(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ConsoleForm(f): ConsoleForm<AnswerForm>,
) -> Response {
    answer(s, viewer, id, f.csrf, false).await
}

#[derive(Deserialize)]
pub struct InviteForm {
    csrf: String,
    #[serde(default)]
    job_id: String,
    #[serde(default)]
    message: String,
}

/// `POST /freelancers/{id}/invite`.
pub async fn invite(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(freelancer_id): Path<String>,
    ConsoleForm(f): ConsoleForm<InviteForm>,
) -> Response {
    if let Err(r) = viewer
        .require(&[Role::Client])
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    let result = s
        .app
        .invite(viewer.id(), &f.job_id, &freelancer_id, &f.message)
        .await
        .map(|_| "Invitation sent. You will find the conversation under Messages.".to_owned());
    super::layout::after_post(&s, &viewer, "/freelancers", result, member_error)
}

/// `POST /proposals/{id}/reply`: the client answers a proposal; the interview's thread opens.
pub async fn reply(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(proposal_id): Path<String>,
    ConsoleForm(f): ConsoleForm<MessageForm>,
) -> Response {
    if let Err(r) = viewer
        .require(&[Role::Client])
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    match s
        .app
        .reply_to_proposal(viewer.id(), &proposal_id, &f.text)
        .await
    {
        Ok((sent, _)) if sent.delivered() => {
            Redirect::to(&format!("/messages/{}", sent.message.thread_id)).into_response()
        }
        Ok((sent, _)) => {
            let refused = Flash::error(format!(
                "Your message was not delivered. {}",
                super::views::capitalized(&sent.decision.reason)
            ));
            let mut page =
                thread_page(&s, &viewer, &sent.message.thread_id, refused, String::new()).await;
            *page.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            page
        }
        Err(e) => super::layout::after_post(&s, &viewer, "/work", Err(e), member_error),
    }
}
