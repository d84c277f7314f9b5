//! A voice or video call started from a thread: both participants open the same page, the
//! caller's browser makes the offer, and the signalling runs through [`crate::signalling`]
//! with the thread's participants authenticated by their console sessions.

use super::layout::{Flash, Layout, app_error, render};
use super::session::Viewer;
use crate::signalling::{self, Purpose, Side};
use crate::{ApiError, WebState};
use askama::Template;
use axum::extract::{Path, Query, State, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use trustwork_core::conversation::{CallKind, CallState};

use super::session::MEMBERS;
const THREAD_CALL_JS: &str = include_str!("../../static/thread-call.js");

pub async fn script() -> Response {
    super::verify_member::script(THREAD_CALL_JS)
}

#[derive(Template)]
#[template(path = "thread_call.html")]
struct CallPage {
    layout: Layout,
    thread_id: String,
    call_id: String,
    /// `agent` for the caller (makes the offer), `member` for the one who answers.
    role: &'static str,
    voice_only: bool,
    live: bool,
    ice_servers: String,
}

/// `GET /messages/{thread}/calls/{call}`.
pub async fn page(
    State(s): State<WebState>,
    viewer: Viewer,
    Path((thread_id, call_id)): Path<(String, String)>,
    Query(flash): Query<Flash>,
) -> Response {
    if let Err(r) = viewer.require(MEMBERS) {
        return r;
    }
    let found = match s.app.thread_call_for(viewer.id(), &call_id).await {
        Ok(c) if c.thread.id == thread_id => c,
        Ok(_) => {
            return app_error(&trustwork_app::AppError::NotFound {
                entity: "call",
                id: call_id,
            });
        }
        Err(e) => return app_error(&e),
    };
    let live = matches!(
        found.state(s.app.now()),
        CallState::Ringing | CallState::Connected
    );
    let title = match found.call.kind {
        CallKind::Video => "Video call",
        CallKind::Voice => "Voice call",
    };
    let page = CallPage {
        layout: Layout::new(&s, &viewer, "/messages", title, flash).await,
        thread_id,
        call_id: found.call.id.clone(),
        role: if found.started_by_viewer {
            "agent"
        } else {
            "member"
        },
        voice_only: found.call.kind == CallKind::Voice,
        live,
        ice_servers: serde_json::to_string(&s.app.config().ice_servers)
            .unwrap_or_else(|_| "[]".to_owned()),
    };
    render(&page)
}

/// `GET /messages/{thread}/calls/{call}/ws`: either participant's side of the signalling.
pub async fn socket(
    State(s): State<WebState>,
    viewer: Viewer,
    Path((thread_id, call_id)): Path<(String, String)>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    if let Err(r) = viewer.require(MEMBERS) {
        return r;
    }
    if !super::verification::same_origin(&headers) {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "this socket is for this site's pages only",
        )
        .into_response();
    }
    let found = match s.app.thread_call_for(viewer.id(), &call_id).await {
        Ok(c) if c.thread.id == thread_id => c,
        Ok(_) => {
            return ApiError::from(trustwork_app::AppError::NotFound {
                entity: "call",
                id: call_id,
            })
            .into_response();
        }
        Err(e) => return ApiError::from(e).into_response(),
    };
    if !matches!(
        found.state(s.app.now()),
        CallState::Ringing | CallState::Connected
    ) {
        return ApiError::new(StatusCode::CONFLICT, "call_ended", "this call has ended")
            .into_response();
    }
    let side = if found.started_by_viewer {
        Side::Agent
    } else {
        Side::Member
    };
    let purpose = Purpose::Thread {
        account_id: viewer.id().to_owned(),
    };
    ws.max_message_size(signalling::MAX_SIGNAL_BYTES)
        .on_upgrade(move |socket| signalling::run(socket, s, found.call.id, side, None, purpose))
}
