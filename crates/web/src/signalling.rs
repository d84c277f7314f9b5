//! WebRTC signalling over the server's own WebSocket, for the verification call and for calls
//! in a conversation thread: one room per call, two sides in it (the member and the agent; in a
//! thread, the one who answers and the one who called), each authenticated before the upgrade. The server
//! relays offers, answers and ICE candidates between the two, keeps chat lines as the case's
//! transcript, and tells each side when the other comes and goes (a reload or a dropped network
//! rejoins the same room; the newest connection of a side replaces the older one).
//!
//! Rooms live in this process's memory: with several nodes behind a load balancer, route
//! `/verify/*`, `/agent/verification/*` and `/messages/*` of one call to one node (sticky by
//! path).

use crate::WebState;
use axum::extract::ws::{Message, WebSocket};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::mpsc;
use trustwork_app::verification_call::ChatSender;

/// Offers and answers carry SDP of a few kilobytes; nothing a call sends needs more.
pub const MAX_SIGNAL_BYTES: usize = 64 * 1024;
/// Messages queued for a slow browser before it is cut off.
const OUTBOX: usize = 64;
/// How often a connection checks that its call is still live.
const LIVENESS_CHECK: Duration = Duration::from_secs(15);
/// What one browser may send in [`BUDGET_WINDOW`]: enough for an offer, dozens of ICE
/// candidates and a conversation; a script flooding the room (or the transcript) is cut off.
const MESSAGE_BUDGET: u32 = 300;
const CHAT_BUDGET: u32 = 20;
const BUDGET_WINDOW: Duration = Duration::from_secs(10);

/// Messages left in the current window.
struct Budget {
    window_start: std::time::Instant,
    messages: u32,
    chats: u32,
}

impl Budget {
    fn new() -> Self {
        Self {
            window_start: std::time::Instant::now(),
            messages: 0,
            chats: 0,
        }
    }

    /// Counts one message; `Err` with what to tell the browser when over.
    fn take(&mut self, is_chat: bool) -> Result<(), &'static str> {
        if self.window_start.elapsed() >= BUDGET_WINDOW {
            *self = Self::new();
        }
        self.messages += 1;
        if self.messages > MESSAGE_BUDGET {
            return Err("too many messages; the connection is closed");
        }
        if is_chat {
            if self.chats >= CHAT_BUDGET {
                return Err("you are sending chat messages too fast; wait a few seconds");
            }
            self.chats += 1;
        }
        Ok(())
    }
}

/// What a room is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purpose {
    /// The identity call: chat lines are the case's transcript, the agent's page reports the
    /// connection.
    Verification,
    /// A call in a thread, joined by `account_id`: the caller's page reports the connection and
    /// either side's hang-up ends it.
    Thread { account_id: String },
}

/// In a thread call the caller takes the agent's part (its page makes the offer) and the one
/// who answers the member's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Member,
    Agent,
}

impl Side {
    fn other(self) -> Self {
        match self {
            Side::Member => Side::Agent,
            Side::Agent => Side::Member,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Side::Member => "member",
            Side::Agent => "agent",
        }
    }
}

#[derive(Default)]
struct Room {
    member: Option<(u64, mpsc::Sender<String>)>,
    agent: Option<(u64, mpsc::Sender<String>)>,
}

impl Room {
    fn slot(&mut self, side: Side) -> &mut Option<(u64, mpsc::Sender<String>)> {
        match side {
            Side::Member => &mut self.member,
            Side::Agent => &mut self.agent,
        }
    }
}

/// Every call's room on this node.
#[derive(Default)]
pub struct Rooms {
    rooms: Mutex<HashMap<String, Room>>,
    next_id: AtomicU64,
}

impl Rooms {
    fn join(&self, call_id: &str, side: Side, tx: mpsc::Sender<String>) -> u64 {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let other_present = {
            let Ok(mut rooms) = self.rooms.lock() else {
                return id;
            };
            let room = rooms.entry(call_id.to_owned()).or_default();
            *room.slot(side) = Some((id, tx));
            room.slot(side.other()).is_some()
        };
        self.send(call_id, side.other(), &peer(side, true));
        self.send(call_id, side, &peer(side.other(), other_present));
        id
    }

    fn leave(&self, call_id: &str, side: Side, id: u64) {
        let left = {
            let Ok(mut rooms) = self.rooms.lock() else {
                return;
            };
            let Some(room) = rooms.get_mut(call_id) else {
                return;
            };
            let mine = room.slot(side).as_ref().is_some_and(|(i, _)| *i == id);
            if mine {
                *room.slot(side) = None;
            }
            if room.member.is_none() && room.agent.is_none() {
                rooms.remove(call_id);
            }
            mine
        };
        if left {
            self.send(call_id, side.other(), &peer(side, false));
        }
    }

    /// Sends to one side of a room, if it is connected. A browser too slow to take its
    /// messages loses them (it reloads the transcript when it catches up).
    pub fn send(&self, call_id: &str, side: Side, message: &str) {
        let tx = self.rooms.lock().ok().and_then(|mut rooms| {
            rooms
                .get_mut(call_id)
                .and_then(|r| r.slot(side).as_ref().map(|(_, tx)| tx.clone()))
        });
        if let Some(tx) = tx {
            let _ = tx.try_send(message.to_owned());
        }
    }

    pub fn send_both(&self, call_id: &str, message: &str) {
        self.send(call_id, Side::Member, message);
        self.send(call_id, Side::Agent, message);
    }
}

fn peer(side: Side, present: bool) -> String {
    json!({"type": "peer", "role": side.as_str(), "present": present}).to_string()
}

/// A chat line as both pages show it.
pub fn chat_json(m: &trustwork_app::records::ChatMessage) -> Value {
    json!({
        "type": "chat",
        "id": m.id,
        "sender": m.sender,
        "body": m.body,
        "sent_at": m.sent_at.to_rfc3339(),
    })
}

/// Runs one side's connection until either end closes or the call is over.
/// `until`: when the side's authentication ends (the member's verification session).
pub async fn run(
    mut socket: WebSocket,
    state: WebState,
    call_id: String,
    side: Side,
    until: Option<trustwork_core::Timestamp>,
    purpose: Purpose,
) {
    let (tx, mut rx) = mpsc::channel::<String>(OUTBOX);
    let id = state.rooms.join(&call_id, side, tx);
    let mut check = tokio::time::interval(LIVENESS_CHECK);
    check.tick().await;
    let mut budget = Budget::new();
    loop {
        tokio::select! {
            incoming = socket.recv() => {
                let Some(Ok(message)) = incoming else { break };
                match message {
                    Message::Text(text) => {
                        let Ok(value) = serde_json::from_str::<Value>(text.as_str()) else {
                            let reply = json!({"type": "error", "code": "invalid_message", "message": "a signalling message is one JSON object"});
                            let _ = socket.send(Message::Text(reply.to_string().into())).await;
                            continue;
                        };
                        let is_chat = value.get("type").and_then(Value::as_str) == Some("chat");
                        if let Err(words) = budget.take(is_chat) {
                            let reply = json!({"type": "error", "code": "rate_limited", "message": words});
                            let _ = socket.send(Message::Text(reply.to_string().into())).await;
                            if budget.messages > MESSAGE_BUDGET {
                                break;
                            }
                            continue;
                        }
                        if let Err(reply) = handle(&state, &call_id, side, &purpose, &value, text.as_str()).await
                            && socket.send(Message::Text(reply.into())).await.is_err()
                        {
                            break;
                        }
                    }
                    Message::Close(_) => break,
                    // Pings are answered by the WebSocket layer; binary has no use here.
                    _ => {}
                }
            }
            outgoing = rx.recv() => {
                // `None`: a newer connection of this side (another tab) replaced this one; the
                // page is told, so that it does not reconnect and take the room back.
                let Some(text) = outgoing else {
                    let _ = socket
                        .send(Message::Text(json!({"type": "replaced"}).to_string().into()))
                        .await;
                    break;
                };
                if socket.send(Message::Text(text.into())).await.is_err() {
                    break;
                }
            }
            _ = check.tick() => {
                let expired = until.is_some_and(|t| state.app.now() >= t);
                // A database hiccup is not the end of a call: only a call known to be over is.
                let over = match &purpose {
                    Purpose::Verification => state
                        .app
                        .verification_call(&call_id)
                        .await
                        .is_ok_and(|c| !c.status.is_live()),
                    Purpose::Thread { .. } => state
                        .app
                        .thread_call_live(&call_id)
                        .await
                        .is_ok_and(|live| !live),
                };
                if over || expired {
                    let _ = socket
                        .send(Message::Text(json!({"type": "ended"}).to_string().into()))
                        .await;
                    break;
                }
            }
        }
    }
    state.rooms.leave(&call_id, side, id);
}

/// One message from a browser. `Err` carries an error to send back to that browser only.
/// `value` is `text` parsed once (what is counted is what is done).
async fn handle(
    state: &WebState,
    call_id: &str,
    side: Side,
    purpose: &Purpose,
    value: &Value,
    text: &str,
) -> Result<(), String> {
    let error = |code: &str, message: &str| {
        json!({"type": "error", "code": code, "message": message}).to_string()
    };
    let kind = value.get("type").and_then(Value::as_str).unwrap_or("");
    if let Purpose::Thread { account_id } = purpose {
        return handle_thread_call(state, call_id, side, account_id, kind, text)
            .await
            .map_err(|e| error(e.code(), &e.to_string()));
    }
    match (kind, side) {
        ("chat", _) => {
            let body = value.get("body").and_then(Value::as_str).unwrap_or("");
            let sender = match side {
                Side::Member => ChatSender::Member,
                Side::Agent => ChatSender::Agent,
            };
            let m = state
                .app
                .post_verification_chat(call_id, sender, body)
                .await
                .map_err(|e| error(e.code(), &e.to_string()))?;
            // The sender's page clears its box when its own line comes back (not before: a
            // refused line stays typed).
            let mut line = chat_json(&m);
            if let Some(client_id) = value
                .get("client_id")
                .and_then(Value::as_str)
                .filter(|c| c.len() <= 64)
            {
                line["client_id"] = json!(client_id);
            }
            state.rooms.send_both(call_id, &line.to_string());
        }
        ("invite", Side::Agent) => {
            let m = state
                .app
                .post_verification_chat(
                    call_id,
                    ChatSender::System,
                    trustwork_app::verification_call::INVITE_LINE,
                )
                .await
                .map_err(|e| error(e.code(), &e.to_string()))?;
            state.rooms.send_both(call_id, &chat_json(&m).to_string());
            state.rooms.send(
                call_id,
                Side::Member,
                &json!({"type": "invite"}).to_string(),
            );
        }
        ("connected", Side::Agent) => {
            let line = state
                .app
                .call_connected(call_id)
                .await
                .map_err(|e| error(e.code(), &e.to_string()))?;
            if let Some(m) = line {
                state.rooms.send_both(call_id, &chat_json(&m).to_string());
            }
        }
        ("offer" | "answer" | "ice" | "ready" | "hangup", _) => {
            state.rooms.send(call_id, side.other(), text);
        }
        _ => {
            return Err(error(
                "invalid_message",
                "unknown message type for this side of the call",
            ));
        }
    }
    Ok(())
}

/// One message in a thread's call: signalling is relayed; the caller's page reports the
/// connection; a hang-up ends the call for both.
async fn handle_thread_call(
    state: &WebState,
    call_id: &str,
    side: Side,
    account_id: &str,
    kind: &str,
    text: &str,
) -> Result<(), trustwork_app::AppError> {
    match (kind, side) {
        ("connected", Side::Agent) => state.app.thread_call_connected(call_id).await,
        ("offer" | "answer" | "ice" | "ready", _) => {
            state.rooms.send(call_id, side.other(), text);
            Ok(())
        }
        ("hangup", _) => {
            state.app.end_thread_call(account_id, call_id).await?;
            state
                .rooms
                .send_both(call_id, &json!({"type": "ended"}).to_string());
            Ok(())
        }
        _ => Err(trustwork_app::AppError::invalid(
            "type",
            "unknown message type for this side of the call (messages go in the thread)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flood_is_cut_off_and_chat_is_slowed() {
        let mut b = Budget::new();
        for _ in 0..CHAT_BUDGET {
            assert!(b.take(true).is_ok());
        }
        assert!(b.take(true).is_err(), "chat over its budget");
        assert!(b.take(false).is_ok(), "signalling goes on");
        while b.messages < MESSAGE_BUDGET {
            let _ = b.take(false);
        }
        assert!(b.take(false).is_err());
    }
}
