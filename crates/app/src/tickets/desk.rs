//! What agents do with tickets beyond replying: take or hand over a ticket, change its priority,
//! merge a duplicate into the original, answer with a macro, and what the desk does on its own:
//! escalate a first response that ran out, and ask the member one question after solve.

use super::{SLA_TIMER, TicketView, text};
use crate::audit::Change;
use crate::{App, AppError, AppResult, notices};
use trustwork_core::tickets::{SlaState, TicketStatus};
use trustwork_core::{Actor, Timestamp};
use trustwork_store::new_id;
use trustwork_store::ticket_desk::{TicketField, TicketMacro};
use trustwork_store::tickets::{Ticket, TicketMessage};

use trustwork_core::tickets::PRIORITIES;

/// A ticket in the desk's list, with its clock now.
#[derive(Debug, Clone)]
pub struct QueuedTicket {
    pub ticket: Ticket,
    pub sla: trustwork_core::tickets::SlaView,
}

async fn staff(
    tx: &mut trustwork_store::Tx,
    id: &str,
) -> AppResult<trustwork_store::accounts::Account> {
    let account = tx.account(id).await?;
    if !account.role.is_staff() {
        return Err(AppError::Forbidden(
            "only support staff work on tickets".into(),
        ));
    }
    Ok(account)
}

fn note(ticket_id: &str, author: Option<&str>, body: String, now: Timestamp) -> TicketMessage {
    TicketMessage {
        id: new_id("tkm"),
        ticket_id: ticket_id.to_owned(),
        author_id: author.map(str::to_owned),
        public: false,
        body,
        created_at: now,
    }
}

impl App {
    /// Gives the ticket to `assignee` (staff), or to nobody.
    pub async fn assign_ticket(
        &self,
        id: &str,
        agent_id: &str,
        assignee_id: Option<&str>,
    ) -> AppResult<TicketView> {
        if let Some(a) = assignee_id {
            let mut tx = self.db().read().await?;
            staff(&mut tx, a)
                .await
                .map_err(|_| AppError::invalid("assignee_id", "must be a support agent"))?;
        }
        self.change_ticket(
            id,
            agent_id,
            TicketField::Assignee(assignee_id),
            "ticket.assigned",
            serde_json::json!({"assignee_id": assignee_id}),
        )
        .await
    }

    pub async fn set_ticket_priority(
        &self,
        id: &str,
        agent_id: &str,
        priority: &str,
    ) -> AppResult<TicketView> {
        if !PRIORITIES.contains(&priority) {
            return Err(AppError::invalid(
                "priority",
                "expected low, normal, high or urgent",
            ));
        }
        self.change_ticket(
            id,
            agent_id,
            TicketField::Priority(priority),
            "ticket.priority_changed",
            serde_json::json!({"priority": priority}),
        )
        .await
    }

    /// One field of the ticket changed by a support agent, audited.
    async fn change_ticket(
        &self,
        id: &str,
        agent_id: &str,
        field: TicketField<'_>,
        action: &str,
        after: serde_json::Value,
    ) -> AppResult<TicketView> {
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let agent = staff(&mut tx, agent_id).await?;
        let ticket = tx.ticket(id).await?;
        tx.set_ticket_field(&ticket, field, now).await?;
        self.audit_ticket(&mut tx, &agent.id, &ticket, action, after, now)
            .await?;
        tx.commit().await?;
        self.ticket(id).await
    }

    /// Merges the duplicate `id` into `into` (the same member's): its messages and files move
    /// there with a note, and the duplicate is closed pointing at the original.
    pub async fn merge_ticket(
        &self,
        id: &str,
        agent_id: &str,
        into: &str,
    ) -> AppResult<TicketView> {
        if id == into {
            return Err(AppError::invalid(
                "into",
                "a ticket cannot be merged into itself",
            ));
        }
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let agent = staff(&mut tx, agent_id).await?;
        let from = tx.ticket(id).await?;
        let target = tx
            .ticket(into)
            .await
            .map_err(|_| AppError::invalid("into", "no ticket has this id"))?;
        if from.account_id != target.account_id {
            return Err(AppError::invalid(
                "into",
                "only a member's own tickets are merged together",
            ));
        }
        if from.status == TicketStatus::Closed || target.status == TicketStatus::Closed {
            return Err(AppError::Conflict(
                "a closed ticket is neither merged nor merged into".into(),
            ));
        }
        tx.touch_ticket(&target, now).await?;
        tx.move_ticket_history(&from.id, &target.id).await?;
        tx.insert_ticket_message(&note(
            &target.id,
            Some(&agent.id),
            format!(
                "Ticket #{} (“{}”) was merged into this one. Its request: {}",
                from.number, from.subject, from.details
            ),
            now,
        ))
        .await?;
        tx.set_ticket_field(&from, TicketField::MergedInto(&target.id), now)
            .await?;
        let from = tx.ticket(&from.id).await?;
        self.move_ticket_in(&mut tx, &from, TicketStatus::Closed, None, now)
            .await?;
        tx.cancel_timers_for(&from.id, now).await?;
        self.audit_ticket(
            &mut tx,
            &agent.id,
            &from,
            "ticket.merged",
            serde_json::json!({"into": target.id, "into_number": target.number}),
            now,
        )
        .await?;
        tx.commit().await?;
        self.ticket(into).await
    }

    /// Keeps a canned reply; `{{name}}` and `{{number}}` are filled in when it is used.
    pub async fn create_ticket_macro(
        &self,
        agent_id: &str,
        name: &str,
        body: &str,
        status: Option<TicketStatus>,
    ) -> AppResult<TicketMacro> {
        let name = text("name", name, 100)?;
        let body = text("body", body, 20_000)?;
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let agent = staff(&mut tx, agent_id).await?;
        let m = TicketMacro {
            id: new_id("tmc"),
            name,
            body,
            status: status.map(|s| s.as_str().to_owned()),
            created_by: agent.id,
            created_at: now,
        };
        tx.insert_ticket_macro(&m).await?;
        tx.commit().await?;
        Ok(m)
    }

    pub async fn ticket_macros(&self) -> AppResult<Vec<TicketMacro>> {
        let mut tx = self.db().read().await?;
        Ok(tx.ticket_macros().await?)
    }

    /// A public reply made from a macro: its text with the member's name and the ticket's
    /// number filled in, and its status.
    pub async fn reply_with_macro(
        &self,
        id: &str,
        agent_id: &str,
        macro_id: &str,
    ) -> AppResult<TicketView> {
        let (body, status) = {
            let mut tx = self.db().read().await?;
            let m = tx
                .ticket_macros()
                .await?
                .into_iter()
                .find(|m| m.id == macro_id)
                .ok_or_else(|| AppError::invalid("macro_id", "no macro has this id"))?;
            let ticket = tx.ticket(id).await?;
            let member = tx.account(&ticket.account_id).await?;
            let body = m
                .body
                .replace("{{name}}", &member.display_name)
                .replace("{{number}}", &format!("#{}", ticket.number));
            (body, m.status.as_deref().and_then(TicketStatus::parse))
        };
        self.reply_to_ticket(id, agent_id, &body, true, status)
            .await
    }

    /// The timer's work: a first response still unanswered when due is escalated (urgent, a
    /// note for the desk); one whose due time moved (the clock paused meanwhile) is checked
    /// again then.
    pub(crate) async fn check_first_response_in(
        &self,
        tx: &mut trustwork_store::Tx,
        id: &str,
        now: Timestamp,
    ) -> AppResult<()> {
        let ticket = tx.ticket(id).await?;
        if ticket.first_response_at.is_some()
            || ticket.escalated_at.is_some()
            || matches!(ticket.status, TicketStatus::Solved | TicketStatus::Closed)
        {
            return Ok(());
        }
        let pauses = tx.ticket_pauses(id).await?;
        let sla = self.sla_of(&ticket, &pauses, now);
        match sla.state {
            SlaState::Breached => {
                tx.set_ticket_field(&ticket, TicketField::Escalated(now), now)
                    .await?;
                tx.insert_ticket_message(&note(
                    &ticket.id,
                    None,
                    "The first response is overdue: escalated to urgent.".into(),
                    now,
                ))
                .await?;
                tx.append_audit(
                    &Change {
                        actor: &Actor::system("ticket_sla"),
                        account_id: Some(&ticket.account_id),
                        action: "ticket.escalated",
                        entity_type: "ticket",
                        entity_id: &ticket.id,
                        reason: "first response overdue",
                        before: None,
                        after: Some(serde_json::json!({"priority": "urgent"})),
                    }
                    .record(now),
                )
                .await?;
            }
            SlaState::Ok | SlaState::DueSoon => {
                if let Some(due) = sla.due_at {
                    tx.schedule_timer(
                        &new_id("tmr"),
                        SLA_TIMER,
                        id,
                        due.plus_millis(trustwork_core::timestamp::MINUTE_MS),
                        now,
                    )
                    .await?;
                }
            }
            SlaState::Paused | SlaState::Met => {}
        }
        Ok(())
    }

    /// Solving a ticket asks the member one question by email and on their ticket page.
    pub(crate) async fn ask_satisfaction_in(
        &self,
        tx: &mut trustwork_store::Tx,
        ticket: &Ticket,
        now: Timestamp,
    ) -> AppResult<()> {
        let member = tx.account(&ticket.account_id).await?;
        notices::queue(
            self,
            tx,
            &member,
            format!("[#{}] Solved: {}", ticket.number, ticket.subject),
            format!(
                "We marked your request #{} as solved.\n\nHow would you rate the support you received? Answer “good” or “bad” on the request's page under Support in Trustwork, or reply to this email if something is still wrong and we will reopen it.",
                ticket.number
            ),
            now,
        )
        .await?;
        Ok(())
    }

    /// The member's answer to the one question after solve (once, while solved or closed).
    pub async fn rate_ticket(
        &self,
        id: &str,
        account_id: &str,
        rating: &str,
        comment: &str,
    ) -> AppResult<TicketView> {
        if !matches!(rating, "good" | "bad") {
            return Err(AppError::invalid("rating", "expected good or bad"));
        }
        let comment = comment.trim();
        if comment.chars().count() > 2_000 {
            return Err(AppError::invalid("comment", "at most 2,000 characters"));
        }
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let ticket = tx.ticket(id).await?;
        if ticket.account_id != account_id {
            return Err(AppError::Forbidden(
                "only the ticket's member answers its survey".into(),
            ));
        }
        if !matches!(ticket.status, TicketStatus::Solved | TicketStatus::Closed) {
            return Err(AppError::Conflict(
                "the survey opens when the ticket is solved".into(),
            ));
        }
        if ticket.satisfaction.is_some() {
            return Err(AppError::Conflict(
                "you already rated this ticket; thank you".into(),
            ));
        }
        tx.set_ticket_field(&ticket, TicketField::Satisfaction { rating, comment }, now)
            .await?;
        tx.commit().await?;
        self.ticket(id).await
    }

    /// Unsolved tickets, oldest first, with their clocks (the desk's queue).
    pub async fn ticket_queue(&self, limit: i64) -> AppResult<Vec<QueuedTicket>> {
        let mut tx = self.db().read().await?;
        let tickets = tx.unsolved_tickets(limit).await?;
        self.with_clocks(&mut tx, tickets).await
    }

    /// The member's tickets, newest first.
    pub async fn tickets_of(&self, account_id: &str) -> AppResult<Vec<QueuedTicket>> {
        let mut tx = self.db().read().await?;
        let tickets = tx.tickets_of(account_id).await?;
        self.with_clocks(&mut tx, tickets).await
    }

    /// Each ticket with where its first response stands now (their pauses read in one go).
    pub(crate) async fn with_clocks(
        &self,
        tx: &mut trustwork_store::Tx,
        tickets: Vec<Ticket>,
    ) -> AppResult<Vec<QueuedTicket>> {
        let now = self.now();
        let ids: Vec<String> = tickets.iter().map(|t| t.id.clone()).collect();
        let pauses = tx.ticket_pauses_of(&ids).await?;
        Ok(tickets
            .into_iter()
            .map(|t| QueuedTicket {
                sla: self.sla_of(&t, pauses.get(&t.id).map_or(&[][..], |p| &p[..]), now),
                ticket: t,
            })
            .collect())
    }

    async fn audit_ticket(
        &self,
        tx: &mut trustwork_store::Tx,
        agent_id: &str,
        ticket: &Ticket,
        action: &str,
        after: serde_json::Value,
        now: Timestamp,
    ) -> AppResult<()> {
        tx.append_audit(
            &Change {
                actor: &Actor::Account(agent_id.to_owned()),
                account_id: Some(&ticket.account_id),
                action,
                entity_type: "ticket",
                entity_id: &ticket.id,
                reason: "",
                before: None,
                after: Some(after),
            }
            .record(now),
        )
        .await?;
        Ok(())
    }
}
