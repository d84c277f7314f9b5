//! The live chat's WebSocket (issue 18), for the member's window and the agent's: the server
//! sends the chat's state (the place in line and the estimated wait while waiting, the agent
//! once taken, the ticket once ended) and each new line; the browser sends what its person says.
//!
//! Lines are written to the database and read back from it, so both sides may be on different
//! nodes: each connection reads what is new when this node writes to any chat (the bell) and at
//! least once a second. The server pings every 30 seconds and drops a browser silent for 90; a
//! connection lives at most 30 minutes, after which the page reconnects (and its session is
//! checked again).

use crate::WebState;
use axum::extract::ws::{Message, WebSocket};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use trustwork_core::live_chat::ChatStatus;

/// A chat line is at most 2,000 characters; with the JSON around it this is plenty.
pub const MAX_CHAT_MESSAGE_BYTES: usize = 16 * 1024;
/// How often a connection reads the chat when nothing rang.
const POLL: Duration = Duration::from_secs(1);
/// Lines one browser may send in [`BUDGET_WINDOW`].
const LINE_BUDGET: u32 = 20;
/// A browser that has said nothing (not even a pong) for this long is gone.
const SILENT: Duration = Duration::from_secs(90);
/// How often the server pings the browser.
const PING: Duration = Duration::from_secs(30);
/// The longest one connection lives: the page reconnects, and its session is checked again.
const LIFETIME: Duration = Duration::from_secs(30 * 60);
const BUDGET_WINDOW: Duration = Duration::from_secs(10);

/// Rings whenever this node writes to a chat.
#[derive(Debug)]
pub struct ChatBell(tokio::sync::watch::Sender<u64>);

impl Default for ChatBell {
    fn default() -> Self {
        Self(tokio::sync::watch::Sender::new(0))
    }
}

impl ChatBell {
    pub fn ring(&self) {
        self.0.send_modify(|n| *n = n.wrapping_add(1));
    }
}

/// Names of the people in the chat, read once each.
struct Names(HashMap<String, String>);

impl Names {
    async fn of(&mut self, state: &WebState, id: &str) -> String {
        if let Some(n) = self.0.get(id) {
            return n.clone();
        }
        let name = state
            .app
            .account(id)
            .await
            .map(|a| a.display_name)
            .unwrap_or_else(|_| "Someone".into());
        self.0.insert(id.to_owned(), name.clone());
        name
    }
}

/// The chat's state as the page shows it.
async fn state_message(
    state: &WebState,
    names: &mut Names,
    view: &trustwork_app::tickets::ChatView,
) -> Value {
    let c = &view.chat;
    let agent = match &c.agent_id {
        Some(a) => Some(names.of(state, a).await),
        None => None,
    };
    let ticket_number = match (&c.ticket_id, c.status) {
        (Some(t), ChatStatus::Ended) => state.app.ticket(t).await.ok().map(|t| t.ticket.number),
        _ => None,
    };
    json!({
        "type": "state",
        "status": c.status.as_str(),
        "position": view.place.as_ref().map(|p| p.position),
        "wait": view.place.as_ref().map(|p| p.words.clone()),
        "agent": agent,
        "member": names.of(state, &c.account_id).await,
        "ticket_number": ticket_number,
    })
}

/// Runs one browser's connection to the chat until it closes or the chat ends.
pub async fn run(mut socket: WebSocket, state: WebState, chat_id: String, viewer_id: String) {
    let mut bell = state.chat_bell.0.subscribe();
    let mut names = Names(HashMap::new());
    let mut seen = 0;
    let mut last_state = Value::Null;
    let mut budget = (Instant::now(), 0u32);
    let mut poll = tokio::time::interval(POLL);
    let opened = Instant::now();
    let mut heard = Instant::now();
    let mut pinged = Instant::now();
    loop {
        if heard.elapsed() > SILENT || opened.elapsed() > LIFETIME {
            let _ = socket.send(Message::Close(None)).await;
            return;
        }
        if pinged.elapsed() > PING {
            if socket
                .send(Message::Ping(Default::default()))
                .await
                .is_err()
            {
                return;
            }
            pinged = Instant::now();
        }
        // What is new since the last look.
        let Ok(view) = state.app.chat_since(&chat_id, seen).await else {
            break;
        };
        for line in &view.lines {
            let who = match &line.author_id {
                Some(a) => names.of(&state, a).await,
                None => "Trustwork".into(),
            };
            let message = json!({
                "type": "line", "seq": line.seq, "who": who, "body": line.body,
                "mine": line.author_id.as_deref() == Some(viewer_id.as_str()),
                "system": line.author_id.is_none(),
                "at": line.created_at.to_rfc3339(),
            });
            if socket
                .send(Message::Text(message.to_string().into()))
                .await
                .is_err()
            {
                return;
            }
            seen = line.seq;
        }
        let now_state = state_message(&state, &mut names, &view).await;
        if now_state != last_state {
            if socket
                .send(Message::Text(now_state.to_string().into()))
                .await
                .is_err()
            {
                return;
            }
            last_state = now_state;
        }
        if view.chat.status == ChatStatus::Ended {
            let _ = socket.send(Message::Close(None)).await;
            return;
        }
        tokio::select! {
            incoming = socket.recv() => {
                let Some(Ok(message)) = incoming else { return };
                heard = Instant::now();
                let Message::Text(text) = message else {
                    if matches!(message, Message::Close(_)) { return; }
                    continue;
                };
                if budget.0.elapsed() >= BUDGET_WINDOW {
                    budget = (Instant::now(), 0);
                }
                budget.1 += 1;
                let reply = if budget.1 > LINE_BUDGET {
                    Some(json!({"type": "error", "message": "You are sending messages too fast; wait a few seconds."}))
                } else {
                    say(&state, &chat_id, &viewer_id, text.as_str()).await
                };
                if let Some(reply) = reply
                    && socket.send(Message::Text(reply.to_string().into())).await.is_err()
                {
                    return;
                }
            }
            _ = bell.changed() => {}
            _ = poll.tick() => {}
        }
    }
}

/// What the browser sent: `{"type": "say", "body": "…"}`. `Some` with an error to show.
async fn say(state: &WebState, chat_id: &str, viewer_id: &str, text: &str) -> Option<Value> {
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(_) => {
            return Some(json!({"type": "error", "message": "a chat message is one JSON object"}));
        }
    };
    let (Some("say"), Some(body)) = (
        value.get("type").and_then(Value::as_str),
        value.get("body").and_then(Value::as_str),
    ) else {
        return Some(json!({"type": "error", "message": "send {\"type\": \"say\", \"body\": …}"}));
    };
    match state.app.say_in_chat(chat_id, viewer_id, body).await {
        Ok(_) => {
            state.chat_bell.ring();
            None
        }
        Err(e) if crate::error::status_of(&e).is_client_error() => Some(
            json!({"type": "error", "message": crate::console::member_error(&e), "body": body}),
        ),
        Err(e) => {
            tracing::warn!(error = %e.detail(), "chat line not kept");
            Some(
                json!({"type": "error", "message": "Your message was not sent; try again.", "body": body}),
            )
        }
    }
}
