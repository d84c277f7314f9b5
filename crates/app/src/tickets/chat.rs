//! Live chat (seed 004): a member starts a chat about a category while its team is working, waits
//! in line with a place and an estimated wait, and talks with the agent who takes it; agents take
//! as many chats at once as their capacity and hand one to a colleague. Outside the category's
//! hours the member leaves a message instead, which becomes a ticket answered by email. When a
//! chat ends its transcript becomes a ticket, so its history stays with the member's requests.

use super::{NewTicket, TicketView, text};
use crate::{App, AppError, AppResult, notices};
use trustwork_core::live_chat::{
    ChatStatus, DEFAULT_HANDLE_MS, DeskCapacity, estimated_wait_ms, wait_in_words,
};
use trustwork_core::tickets::{FIRST_RESPONSE_MS, TicketCategory, TicketStatus};
use trustwork_core::{Actor, Timestamp};
use trustwork_store::chats::{Chat, ChatChange, ChatLine, SupportAgent};
use trustwork_store::new_id;
use trustwork_store::tickets::{Ticket, TicketMessage};

/// How long a chat may wait in line before it becomes a request answered by email.
pub const WAIT_LIMIT_MS: i64 = 2 * trustwork_core::HOUR_MS;
/// The durable timer that ends a chat left waiting.
pub(crate) const ABANDON_TIMER: &str = "chat_abandoned";

/// Lines one chat holds (its transcript is read whole when it ends).
const MAX_CHAT_LINES: i64 = 400;

/// Chats an agent takes at once unless they say otherwise.
pub const DEFAULT_CAPACITY: i64 = 3;
const MAX_CAPACITY: i64 = 10;

/// A waiting chat's place in line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuePlace {
    /// 1 is next.
    pub position: i64,
    pub wait_ms: Option<i64>,
    pub words: String,
}

/// A chat with its lines and, while it waits, its place.
#[derive(Debug, Clone)]
pub struct ChatView {
    pub chat: Chat,
    pub lines: Vec<ChatLine>,
    pub place: Option<QueuePlace>,
}

/// Whether the category's team takes chats now, and if not when it is back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatHours {
    pub open: bool,
    pub back_at: Option<Timestamp>,
    /// When it is back, in the team's own time zone.
    pub back_in_words: Option<String>,
}

fn category_of(text: &str) -> AppResult<TicketCategory> {
    TicketCategory::parse(text)
        .ok_or_else(|| AppError::invalid("category", "choose what your question is about"))
}

/// The calendar a category's tickets and chats follow.
fn calendar_of(category: TicketCategory) -> &'static str {
    if category.specialists() {
        "specialists"
    } else {
        "around_the_clock"
    }
}

impl App {
    /// Whether the category's chat is staffed at `now`.
    pub fn chat_hours(&self, category: TicketCategory) -> ChatHours {
        let now = self.now();
        let calendar = self.ticket_calendar(calendar_of(category));
        if calendar.is_open(now) {
            return ChatHours {
                open: true,
                back_at: None,
                back_in_words: None,
            };
        }
        let back = calendar.next_open(now);
        ChatHours {
            open: false,
            back_at: Some(back),
            back_in_words: Some(calendar.in_words(back)),
        }
    }

    /// Starts the member's chat (or returns the one already going on).
    pub async fn start_chat(&self, account_id: &str, category: &str) -> AppResult<ChatView> {
        let category = category_of(category)?;
        let hours = self.chat_hours(category);
        if !hours.open {
            return Err(AppError::Conflict(format!(
                "chat about {} is closed now; the team is back {}: leave a message instead",
                category.label().to_lowercase(),
                hours.back_in_words.unwrap_or_default()
            )));
        }
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let account = tx.account(account_id).await?;
        // One chat at a time per member: the account's row orders two tabs starting at once.
        tx.lock_account(&account.id).await?;
        let chat = match tx.live_chat_of(&account.id).await? {
            Some(c) => c,
            None => {
                // Each chat ends as a request: chats count against the same hourly limit.
                super::within_hourly_limit(&mut tx, &account.id, now).await?;
                let chat = Chat {
                    id: new_id("cht"),
                    account_id: account.id.clone(),
                    category: category.as_str().to_owned(),
                    status: ChatStatus::Waiting,
                    agent_id: None,
                    ticket_id: None,
                    created_at: now,
                    accepted_at: None,
                    ended_at: None,
                    updated_at: now,
                };
                tx.insert_chat(&chat).await?;
                tx.schedule_timer(
                    &new_id("tmr"),
                    ABANDON_TIMER,
                    &chat.id,
                    now.plus_millis(WAIT_LIMIT_MS),
                    now,
                )
                .await?;
                chat
            }
        };
        tx.commit().await?;
        self.chat(&chat.id).await
    }

    /// The member's chat waiting or going on, if any.
    pub async fn live_chat_of(&self, account_id: &str) -> AppResult<Option<Chat>> {
        let mut tx = self.db().read().await?;
        Ok(tx.live_chat_of(account_id).await?)
    }

    /// The agent's chats going on.
    pub async fn active_chats_of(&self, agent_id: &str) -> AppResult<Vec<Chat>> {
        let mut tx = self.db().read().await?;
        Ok(tx.active_chats_of(agent_id).await?)
    }

    /// The chat with its lines and, while waiting, its place in line.
    pub async fn chat(&self, id: &str) -> AppResult<ChatView> {
        self.chat_since(id, 0).await
    }

    /// The chat with the lines after `seq`.
    pub async fn chat_since(&self, id: &str, seq: i64) -> AppResult<ChatView> {
        let mut tx = self.db().read().await?;
        let chat = tx.chat(id).await?;
        let lines = tx.chat_lines_after(id, seq).await?;
        let place = if chat.status == ChatStatus::Waiting {
            let waiting = tx.chats_in(ChatStatus::Waiting).await?;
            let position = waiting
                .iter()
                .position(|c| c.id == chat.id)
                .map_or(waiting.len() as i64 + 1, |i| i as i64 + 1);
            let desk = desk_capacity(&tx.support_agents().await?);
            let average = tx.average_chat_ms(20).await?.unwrap_or(DEFAULT_HANDLE_MS);
            let wait_ms = estimated_wait_ms(position, desk, average);
            Some(QueuePlace {
                position,
                wait_ms,
                words: wait_in_words(wait_ms),
            })
        } else {
            None
        };
        Ok(ChatView { chat, lines, place })
    }

    /// A line said in the chat by its member or its agent.
    pub async fn say_in_chat(&self, id: &str, author_id: &str, body: &str) -> AppResult<ChatLine> {
        let body = text("body", body, 2_000)?;
        let now = self.now();
        let mut tx = self.db().begin().await?;
        // Locked first: a chat ended meanwhile is seen as ended, and its end waits for this line.
        tx.lock_chat(id).await?;
        let chat = tx.chat(id).await?;
        if chat.account_id != author_id && chat.agent_id.as_deref() != Some(author_id) {
            return Err(AppError::Forbidden(
                "only the chat's member and its agent write in it".into(),
            ));
        }
        if chat.status == ChatStatus::Ended {
            return Err(AppError::Conflict("the chat has ended".into()));
        }
        let line = tx
            .append_chat_line(&new_id("chl"), id, Some(author_id), &body, now)
            .await?;
        if line.seq > MAX_CHAT_LINES {
            return Err(AppError::Conflict(format!(
                "a chat holds at most {MAX_CHAT_LINES} lines; end it and open a request to go on"
            )));
        }
        tx.commit().await?;
        Ok(line)
    }

    /// An agent's chat settings: whether they take chats and how many at once.
    pub async fn set_chat_availability(
        &self,
        agent_id: &str,
        available: bool,
        capacity: i64,
    ) -> AppResult<()> {
        if !(1..=MAX_CAPACITY).contains(&capacity) {
            return Err(AppError::invalid(
                "capacity",
                format!("between 1 and {MAX_CAPACITY} chats at once"),
            ));
        }
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let agent = tx.account(agent_id).await?;
        if !agent.role.is_staff() {
            return Err(AppError::Forbidden("only support staff take chats".into()));
        }
        tx.upsert_support_agent(&agent.id, capacity, available, now)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn support_agents(&self) -> AppResult<Vec<SupportAgent>> {
        let mut tx = self.db().read().await?;
        Ok(tx.support_agents().await?)
    }

    /// Chats waiting in line and going on.
    pub async fn chats_in(&self, status: ChatStatus) -> AppResult<Vec<Chat>> {
        let mut tx = self.db().read().await?;
        Ok(tx.chats_in(status).await?)
    }

    /// `agent_id` takes the waiting chat, within their capacity.
    pub async fn accept_chat(&self, id: &str, agent_id: &str) -> AppResult<ChatView> {
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let agent = tx.account(agent_id).await?;
        // The agent's row orders two chats taken at once against the capacity.
        tx.lock_account(&agent.id).await?;
        has_room(&mut tx, &agent.id).await?;
        let chat = tx.chat(id).await?;
        if chat.status != ChatStatus::Waiting {
            return Err(AppError::Conflict(
                "another agent took this chat, or it ended".into(),
            ));
        }
        tx.change_chat(
            &chat,
            ChatChange::Accept {
                agent_id: &agent.id,
            },
            now,
        )
        .await?;
        tx.append_chat_line(
            &new_id("chl"),
            id,
            None,
            &format!("{} joined the chat.", agent.display_name),
            now,
        )
        .await?;
        tx.commit().await?;
        self.chat(id).await
    }

    /// Hands the chat from its agent to `to_agent_id`, within the new agent's capacity.
    pub async fn transfer_chat(
        &self,
        id: &str,
        agent_id: &str,
        to_agent_id: &str,
    ) -> AppResult<ChatView> {
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let chat = tx.chat(id).await?;
        if chat.status != ChatStatus::Active || chat.agent_id.as_deref() != Some(agent_id) {
            return Err(AppError::Conflict(
                "only the agent in a chat going on hands it over".into(),
            ));
        }
        if to_agent_id == agent_id {
            return Err(AppError::invalid(
                "to_agent_id",
                "choose another agent to hand the chat to",
            ));
        }
        let to = tx
            .account(to_agent_id)
            .await
            .map_err(|_| AppError::invalid("to_agent_id", "no agent has this id"))?;
        tx.lock_account(&to.id).await?;
        has_room(&mut tx, &to.id).await?;
        tx.change_chat(&chat, ChatChange::Transfer { agent_id: &to.id }, now)
            .await?;
        tx.append_chat_line(
            &new_id("chl"),
            id,
            None,
            &format!("The chat was handed to {}.", to.display_name),
            now,
        )
        .await?;
        tx.commit().await?;
        self.chat(id).await
    }

    /// Ends the chat (its member or agent): the transcript becomes a ticket — solved if an agent
    /// answered, otherwise open for the desk to answer by email — and is emailed to the member.
    pub async fn end_chat(&self, id: &str, by_id: &str) -> AppResult<TicketView> {
        // Two tickets made at once on PostgreSQL may draw the same number: draw again.
        let mut tries = 0;
        loop {
            tries += 1;
            match self.end_chat_once(id, by_id).await {
                Err(AppError::Conflict(m)) if tries < 5 && m.contains("took this number") => {
                    continue;
                }
                other => return other,
            }
        }
    }

    async fn end_chat_once(&self, id: &str, by_id: &str) -> AppResult<TicketView> {
        let now = self.now();
        let mut tx = self.db().begin().await?;
        // Locked first: a line being written is in the transcript, none comes after.
        tx.lock_chat(id).await?;
        let chat = tx.chat(id).await?;
        if chat.account_id != by_id && chat.agent_id.as_deref() != Some(by_id) {
            return Err(AppError::Forbidden(
                "only the chat's member and its agent end it".into(),
            ));
        }
        if chat.status == ChatStatus::Ended {
            return Err(AppError::Conflict("the chat has already ended".into()));
        }
        let ticket_id = self.end_chat_in(&mut tx, &chat, now).await?;
        tx.commit().await?;
        self.wake_outbox();
        self.ticket(&ticket_id).await
    }

    /// Ends the (locked) chat in `tx`: its transcript becomes a ticket, emailed to the member.
    /// Answers the ticket's id.
    async fn end_chat_in(
        &self,
        tx: &mut trustwork_store::Tx,
        chat: &Chat,
        now: Timestamp,
    ) -> AppResult<String> {
        let lines = tx.chat_lines_after(&chat.id, 0).await?;
        let ticket = ticket_from_chat(chat, &lines, now)?;
        let number = tx.insert_ticket(&ticket).await?;
        let transcript = transcript_of(tx, &lines).await?;
        for line in lines.iter().filter(|l| l.author_id.is_some()) {
            tx.insert_ticket_message(&TicketMessage {
                id: new_id("tkm"),
                ticket_id: ticket.id.clone(),
                author_id: line.author_id.clone(),
                public: true,
                body: line.body.clone(),
                created_at: line.created_at,
            })
            .await?;
        }
        tx.change_chat(
            chat,
            ChatChange::End {
                ticket_id: &ticket.id,
            },
            now,
        )
        .await?;
        let member = tx.account(&chat.account_id).await?;
        let answered = ticket.first_response_at.is_some();
        if !answered {
            let sla = self.sla_of(&ticket, &[], now);
            super::schedule_sla_check(tx, &ticket.id, sla, now).await?;
        }
        notices::queue(
            self,
            tx,
            &member,
            format!("[#{number}] Your chat with Trustwork support"),
            format!(
                "{}\n\nThe conversation:\n\n{transcript}\n\nReply to this email to add anything; keep [#{number}] in the subject.",
                if answered {
                    "Here is your chat with our support team."
                } else {
                    "Your chat ended before an agent could answer; it is now request #NUMBER and we will answer by email."
                }
                .replace("NUMBER", &number.to_string())
            ),
            now,
        )
        .await?;
        Ok(ticket.id)
    }

    /// The timer's work: a chat still waiting after [`WAIT_LIMIT_MS`] (the member gave up or
    /// the desk was swamped) ends, and its request is answered by email.
    pub(crate) async fn abandon_chat_in(
        &self,
        tx: &mut trustwork_store::Tx,
        id: &str,
        now: Timestamp,
    ) -> AppResult<()> {
        tx.lock_chat(id).await?;
        let chat = tx.chat(id).await?;
        if chat.status == ChatStatus::Waiting {
            self.end_chat_in(tx, &chat, now).await?;
        }
        Ok(())
    }

    /// Outside the team's hours: the member's message becomes a ticket answered by email.
    pub async fn leave_chat_message(
        &self,
        account_id: &str,
        category: &str,
        message: &str,
    ) -> AppResult<TicketView> {
        let category_parsed = category_of(category)?;
        let message = text("message", message, 20_000)?;
        let subject = super::subject_of(&message);
        self.open_ticket(
            &Actor::Account(account_id.to_owned()),
            &NewTicket {
                account_id,
                category: category_parsed.as_str(),
                subject: &subject,
                details: &message,
                priority: None,
                subcategory: None,
                channel: "chat",
            },
        )
        .await
    }
}

fn desk_capacity(agents: &[SupportAgent]) -> DeskCapacity {
    let available = agents.iter().filter(|a| a.available);
    DeskCapacity {
        slots: available.clone().map(|a| a.capacity).sum(),
        free: available
            .map(|a| (a.capacity - a.active_chats).max(0))
            .sum(),
    }
}

async fn has_room(tx: &mut trustwork_store::Tx, agent_id: &str) -> AppResult<()> {
    let me = tx
        .support_agents()
        .await?
        .into_iter()
        .find(|a| a.account_id == agent_id);
    let Some(me) = me.filter(|a| a.available) else {
        return Err(AppError::Conflict(
            "the agent is not taking chats; turn chats on first".into(),
        ));
    };
    if me.active_chats >= me.capacity {
        return Err(AppError::Conflict(format!(
            "the agent already has {} chats, their capacity; end one or raise the capacity",
            me.active_chats
        )));
    }
    Ok(())
}

/// The ticket a chat's transcript becomes.
fn ticket_from_chat(chat: &Chat, lines: &[ChatLine], now: Timestamp) -> AppResult<Ticket> {
    let category = category_of(&chat.category)?;
    let by_member = |l: &&ChatLine| l.author_id.as_deref() == Some(chat.account_id.as_str());
    let first_member_line = lines.iter().find(by_member).map(|l| l.body.clone());
    let agent_answer = lines
        .iter()
        .find(|l| l.author_id.is_some() && !by_member(l))
        .map(|l| l.created_at);
    let subject: String = first_member_line
        .as_deref()
        .unwrap_or("Live chat")
        .chars()
        .take(80)
        .collect();
    Ok(Ticket {
        id: new_id("tkt"),
        number: 0,
        account_id: chat.account_id.clone(),
        category,
        subject: format!("Chat: {subject}"),
        details: first_member_line.unwrap_or_else(|| "(the member wrote nothing)".into()),
        status: if agent_answer.is_some() {
            TicketStatus::Solved
        } else {
            TicketStatus::Open
        },
        priority: "normal".into(),
        assignee_id: chat.agent_id.clone(),
        sla_target_ms: FIRST_RESPONSE_MS,
        sla_calendar: calendar_of(category).into(),
        first_response_at: agent_answer,
        created_at: chat.created_at,
        updated_at: now,
        subcategory: None,
        channel: "chat".into(),
        merged_into: None,
        escalated_at: None,
        solved_at: agent_answer.map(|_| now),
        satisfaction: None,
        satisfaction_comment: None,
    })
}

/// The chat as the member reads it in the email: who said what, when.
async fn transcript_of(tx: &mut trustwork_store::Tx, lines: &[ChatLine]) -> AppResult<String> {
    let mut names = std::collections::HashMap::new();
    let mut out = String::new();
    for l in lines {
        let who = match &l.author_id {
            None => "Trustwork".to_owned(),
            Some(id) => {
                if !names.contains_key(id) {
                    let name = tx.account(id).await?.display_name;
                    names.insert(id.clone(), name);
                }
                names.get(id).cloned().unwrap_or_default()
            }
        };
        out.push_str(&format!(
            "[{}] {who}: {}\n",
            l.created_at.to_human(),
            l.body
        ));
    }
    Ok(out)
}
