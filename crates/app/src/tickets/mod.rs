//! The support desk's tickets (seeds 003 and 004): a member (or the operator on their behalf)
//! opens one with a category, a subject and details, gets its number by email, and is answered
//! by email; the first public reply meets the first-response service level, whose clock runs in
//! the category's business time and stands still while the ticket waits for the member.

use crate::audit::Change;
use crate::{App, AppError, AppResult, notices};
use std::sync::LazyLock;
use trustwork_core::business_calendar::Calendar;
use trustwork_core::tickets::{
    FIRST_RESPONSE_MS, FirstResponseClock, SlaView, TicketCategory, TicketStatus,
};
use trustwork_core::{Actor, Timestamp};
use trustwork_store::new_id;
use trustwork_store::ticket_desk::TicketAttachment;
use trustwork_store::tickets::{Ticket, TicketMessage};

mod attachments;
mod chat;
mod desk;
mod help_form;
mod inbound;
mod member_panel;
mod report;

pub use attachments::MAX_ATTACHMENT_BYTES;
pub(crate) use chat::ABANDON_TIMER;
pub use chat::{ChatHours, ChatView, DEFAULT_CAPACITY, QueuePlace, WAIT_LIMIT_MS};
pub use desk::QueuedTicket;
pub use help_form::{HelpAccess, HelpRestriction};
pub use inbound::Inbound;
pub use member_panel::MemberPanel;

/// Messages one ticket holds (replies, notes and emails; its page shows them all).
const MAX_MESSAGES: usize = 500;
/// Requests (tickets, chats) one member starts in an hour: a script cannot flood the desk and
/// the outbox.
const MAX_PER_HOUR: usize = 20;

/// Refuses a new request when the member started [`MAX_PER_HOUR`] in the last hour.
pub(crate) async fn within_hourly_limit(
    tx: &mut trustwork_store::Tx,
    account_id: &str,
    now: Timestamp,
) -> AppResult<()> {
    let since = now.plus_millis(-trustwork_core::HOUR_MS);
    let recent = tx
        .tickets_of(account_id)
        .await?
        .iter()
        .filter(|t| t.created_at > since)
        .count();
    if recent >= MAX_PER_HOUR {
        return Err(AppError::Locked(format!(
            "you started {MAX_PER_HOUR} requests in the last hour; add to one of them, or wait"
        )));
    }
    Ok(())
}

/// The durable timer that escalates a first response when it runs out.
pub(crate) const SLA_TIMER: &str = "ticket_first_response";

/// A ticket with its messages and where its first response stands now.
#[derive(Debug, Clone)]
pub struct TicketView {
    pub ticket: Ticket,
    pub messages: Vec<TicketMessage>,
    pub attachments: Vec<TicketAttachment>,
    pub sla: SlaView,
}

/// What a ticket is opened with.
#[derive(Debug, Clone)]
pub struct NewTicket<'a> {
    pub account_id: &'a str,
    pub category: &'a str,
    pub subject: &'a str,
    pub details: &'a str,
    pub priority: Option<&'a str>,
    pub subcategory: Option<&'a str>,
    /// `web`, `email`, `chat`, `help_form` or `api`.
    pub channel: &'a str,
}

use trustwork_core::tickets::PRIORITIES;

/// The specialists' calendar: Monday–Friday 06:00–17:00 Pacific, without `holidays`
/// (YYYY-MM-DD); an error names a date that is not one.
pub fn specialists_calendar(holidays: &[String]) -> Result<Calendar, String> {
    let hours = trustwork_core::business_calendar::Hours {
        open_min: 6 * 60,
        close_min: 17 * 60,
    };
    let week: Vec<(usize, trustwork_core::business_calendar::Hours)> =
        (0..5).map(|d| (d, hours)).collect();
    Calendar::new("America/Los_Angeles", &week, holidays)
}

impl App {
    /// The calendar a ticket's clock runs on: the specialists' (with the operator's holidays),
    /// or every hour.
    pub fn ticket_calendar(&self, name: &str) -> &Calendar {
        static AROUND_THE_CLOCK: LazyLock<Calendar> = LazyLock::new(Calendar::around_the_clock);
        match name {
            "specialists" => self.specialists_calendar(),
            _ => &AROUND_THE_CLOCK,
        }
    }

    /// Where the ticket's first response stands at `now`.
    pub(crate) fn sla_of(
        &self,
        t: &Ticket,
        pauses: &[(Timestamp, Option<Timestamp>)],
        now: Timestamp,
    ) -> SlaView {
        FirstResponseClock {
            calendar: self.ticket_calendar(&t.sla_calendar),
            target_ms: t.sla_target_ms,
            created_at: t.created_at,
            pauses,
            responded_at: t.first_response_at,
        }
        .view(now)
    }
}

pub(crate) fn text(field: &'static str, value: &str, max: usize) -> AppResult<String> {
    let t = value.trim();
    if t.contains('\0') {
        return Err(AppError::invalid(
            field,
            "holds a character that cannot be stored (U+0000)",
        ));
    }
    if t.is_empty() || t.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("must be 1 to {max} characters"),
        ));
    }
    Ok(t.to_owned())
}

/// A subject from a message's first line (a chat's or the help form's message has none).
fn subject_of(message: &str) -> String {
    message
        .lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(80)
        .collect()
}

impl App {
    /// Opens a ticket and emails its number to the member.
    pub async fn open_ticket(&self, actor: &Actor, new: &NewTicket<'_>) -> AppResult<TicketView> {
        let category = TicketCategory::parse(new.category).ok_or_else(|| {
            AppError::invalid(
                "category",
                format!(
                    "expected one of {}",
                    TicketCategory::ALL
                        .iter()
                        .map(|c| c.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })?;
        let subject = text("subject", new.subject, 200)?;
        let details = text("details", new.details, 20_000)?;
        let subcategory = new
            .subcategory
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| text("subcategory", s, 100))
            .transpose()?;
        let priority = new.priority.unwrap_or("normal");
        if !PRIORITIES.contains(&priority) {
            return Err(AppError::invalid(
                "priority",
                "expected low, normal, high or urgent",
            ));
        }
        // Two tickets opened at once on PostgreSQL may draw the same next number: the database
        // refuses the second, which draws again in a new transaction.
        let mut tries = 0;
        loop {
            tries += 1;
            match self
                .open_ticket_once(
                    actor,
                    new,
                    category,
                    (&subject, &details, subcategory.as_deref()),
                    priority,
                )
                .await
            {
                Err(AppError::Conflict(_)) if tries < 5 => continue,
                other => return other,
            }
        }
    }

    async fn open_ticket_once(
        &self,
        actor: &Actor,
        new: &NewTicket<'_>,
        category: TicketCategory,
        (subject, details, subcategory): (&str, &str, Option<&str>),
        priority: &str,
    ) -> AppResult<TicketView> {
        let (subject, details) = (subject.to_owned(), details.to_owned());
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let account = tx.account(new.account_id).await?;
        // The member's row orders two requests opened at once against the hourly limit.
        tx.lock_account(&account.id).await?;
        within_hourly_limit(&mut tx, &account.id, now).await?;
        let mut ticket = Ticket {
            id: new_id("tkt"),
            number: 0,
            account_id: account.id.clone(),
            category,
            subject,
            details,
            status: TicketStatus::New,
            priority: priority.to_owned(),
            assignee_id: None,
            sla_target_ms: FIRST_RESPONSE_MS,
            sla_calendar: if category.specialists() {
                "specialists".into()
            } else {
                "around_the_clock".into()
            },
            first_response_at: None,
            created_at: now,
            updated_at: now,
            subcategory: subcategory.map(str::to_owned),
            channel: new.channel.to_owned(),
            merged_into: None,
            escalated_at: None,
            solved_at: None,
            satisfaction: None,
            satisfaction_comment: None,
        };
        ticket.number = tx.insert_ticket(&ticket).await?;
        tx.append_audit(
            &Change {
                actor,
                account_id: Some(&account.id),
                action: "ticket.opened",
                entity_type: "ticket",
                entity_id: &ticket.id,
                reason: "",
                before: None,
                after: Some(serde_json::json!({"number": ticket.number,
                    "category": category.as_str(), "subject": ticket.subject})),
            }
            .record(now),
        )
        .await?;
        let sla = self.sla_of(&ticket, &[], now);
        schedule_sla_check(&mut tx, &ticket.id, sla, now).await?;
        let due = match sla.due_at {
            Some(due) if category.specialists() => format!(
                "Our {} specialists work Monday to Friday, 6am to 5pm Pacific; you will hear from us by {}.",
                category.label().to_lowercase(),
                due.to_human()
            ),
            Some(due) => format!("You will hear from us by {}.", due.to_human()),
            None => String::new(),
        };
        notices::queue(
            self,
            &mut tx,
            &account,
            format!("[#{}] We received your request: {}", ticket.number, ticket.subject),
            format!(
                "We received your request #{} about “{}”. {due}\n\nReply to this email to add anything; keep the number in the subject.",
                ticket.number, ticket.subject
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        self.wake_outbox();
        Ok(TicketView {
            ticket,
            messages: Vec::new(),
            attachments: Vec::new(),
            sla,
        })
    }

    /// The ticket a member or agent quotes by number.
    pub async fn ticket_by_number(&self, number: i64) -> AppResult<Option<Ticket>> {
        let mut tx = self.db().read().await?;
        Ok(tx.ticket_by_number(number).await?)
    }

    pub async fn ticket(&self, id: &str) -> AppResult<TicketView> {
        let now = self.now();
        let mut tx = self.db().read().await?;
        let ticket = tx.ticket(id).await?;
        let pauses = tx.ticket_pauses(id).await?;
        let messages = tx.ticket_messages(id).await?;
        let attachments = tx.ticket_attachments(id).await?;
        Ok(TicketView {
            sla: self.sla_of(&ticket, &pauses, now),
            ticket,
            messages,
            attachments,
        })
    }

    /// A reply on the ticket. From staff: public (emailed to the member; the first meets the
    /// first-response target) or an internal note; the ticket then waits for the member unless
    /// `status` says otherwise. From the member: the ticket is open again and its clock runs.
    pub async fn reply_to_ticket(
        &self,
        id: &str,
        author_id: &str,
        body: &str,
        public: bool,
        status: Option<TicketStatus>,
    ) -> AppResult<TicketView> {
        let body = text("body", body, 20_000)?;
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let ticket = tx.ticket(id).await?;
        let author = tx.account(author_id).await?;
        let from_member = author.id == ticket.account_id;
        if !from_member && !author.role.is_staff() {
            return Err(AppError::Forbidden(
                "only the member and support staff write on a ticket".into(),
            ));
        }
        if from_member && !public {
            return Err(AppError::invalid(
                "public",
                "a member's reply is always public",
            ));
        }
        if ticket.status == TicketStatus::Closed {
            return Err(AppError::Conflict(
                "the ticket is closed; open a new one".into(),
            ));
        }
        if tx.ticket_messages(&ticket.id).await?.len() >= MAX_MESSAGES {
            return Err(AppError::Conflict(format!(
                "a request holds at most {MAX_MESSAGES} messages; open a new one"
            )));
        }
        let next = match (from_member, public, status) {
            (true, _, _) => TicketStatus::Open,
            (false, _, Some(s)) => s,
            (false, true, None) => TicketStatus::PendingMember,
            (false, false, None) if ticket.status == TicketStatus::New => TicketStatus::Open,
            (false, false, None) => ticket.status,
        };
        tx.insert_ticket_message(&TicketMessage {
            id: new_id("tkm"),
            ticket_id: ticket.id.clone(),
            author_id: Some(author.id.clone()),
            public,
            body: body.clone(),
            created_at: now,
        })
        .await?;
        let responded = (!from_member && public).then_some(now);
        self.move_ticket_in(&mut tx, &ticket, next, responded, now)
            .await?;
        if next == TicketStatus::Solved && ticket.status != TicketStatus::Solved {
            self.ask_satisfaction_in(&mut tx, &ticket, now).await?;
        }
        if !from_member && public {
            let member = tx.account(&ticket.account_id).await?;
            notices::queue(
                self,
                &mut tx,
                &member,
                format!("[#{}] Re: {}", ticket.number, ticket.subject),
                format!(
                    "{body}\n\nReply to this email to answer; keep [#{}] in the subject.",
                    ticket.number
                ),
                now,
            )
            .await?;
        }
        tx.commit().await?;
        self.wake_outbox();
        self.ticket(id).await
    }

    /// Moves the ticket to `next` in `tx`, opening or closing a pause of its clock.
    pub(crate) async fn move_ticket_in(
        &self,
        tx: &mut trustwork_store::Tx,
        ticket: &Ticket,
        next: TicketStatus,
        responded: Option<Timestamp>,
        now: Timestamp,
    ) -> AppResult<()> {
        tx.update_ticket(ticket, next, responded, now).await?;
        match (ticket.status.pauses_the_clock(), next.pauses_the_clock()) {
            (false, true) => tx.pause_ticket(&ticket.id, now).await?,
            (true, false) => tx.resume_ticket(&ticket.id, now).await?,
            _ => {}
        }
        // Whenever the clock starts running again with no first response yet (after a pause,
        // or a solved ticket reopened), the check is set for the new due time, replacing any
        // earlier one.
        let runs = |s: TicketStatus| {
            !s.pauses_the_clock() && !matches!(s, TicketStatus::Solved | TicketStatus::Closed)
        };
        if runs(next)
            && !runs(ticket.status)
            && ticket.first_response_at.is_none()
            && responded.is_none()
        {
            tx.cancel_timers_for(&ticket.id, now).await?;
            let pauses = tx.ticket_pauses(&ticket.id).await?;
            let sla = self.sla_of(ticket, &pauses, now);
            schedule_sla_check(tx, &ticket.id, sla, now).await?;
        }
        Ok(())
    }

    /// Staff set a ticket's status (on hold for an incident, solved, closed).
    pub async fn set_ticket_status(
        &self,
        id: &str,
        agent_id: &str,
        status: TicketStatus,
    ) -> AppResult<TicketView> {
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let agent = tx.account(agent_id).await?;
        if !agent.role.is_staff() {
            return Err(AppError::Forbidden(
                "only support staff change a ticket's status".into(),
            ));
        }
        let ticket = tx.ticket(id).await?;
        if ticket.status == TicketStatus::Closed {
            return Err(AppError::Conflict("the ticket is closed".into()));
        }
        self.move_ticket_in(&mut tx, &ticket, status, None, now)
            .await?;
        if status == TicketStatus::Solved && ticket.status != TicketStatus::Solved {
            self.ask_satisfaction_in(&mut tx, &ticket, now).await?;
        }
        tx.commit().await?;
        self.wake_outbox();
        self.ticket(id).await
    }
}

/// Schedules the check that escalates the first response if it is still unanswered when due.
async fn schedule_sla_check(
    tx: &mut trustwork_store::Tx,
    ticket_id: &str,
    sla: SlaView,
    now: Timestamp,
) -> AppResult<()> {
    if let Some(due) = sla.due_at {
        // A minute after the due time: the state is "breached" by then.
        tx.schedule_timer(
            &new_id("tmr"),
            SLA_TIMER,
            ticket_id,
            due.plus_millis(trustwork_core::timestamp::MINUTE_MS),
            now,
        )
        .await?;
    }
    Ok(())
}
