//! Support tickets with their messages and the stretches their clock stood still.

use crate::rows::ts;
use crate::{Result, StoreError, Tx};
use trustwork_core::Timestamp;
use trustwork_core::tickets::{TicketCategory, TicketStatus};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    pub id: String,
    /// What the member quotes ("#100042").
    pub number: i64,
    pub account_id: String,
    pub category: TicketCategory,
    pub subject: String,
    pub details: String,
    pub status: TicketStatus,
    /// `low`, `normal`, `high` or `urgent`.
    pub priority: String,
    pub assignee_id: Option<String>,
    pub sla_target_ms: i64,
    /// `around_the_clock` or `specialists`.
    pub sla_calendar: String,
    pub first_response_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Free text under the category ("withdrawal", "card declined").
    pub subcategory: Option<String>,
    /// Where it came from: `web`, `email`, `chat`, `help_form` or `api`.
    pub channel: String,
    /// The ticket this one was merged into (it is closed).
    pub merged_into: Option<String>,
    /// When a breached first response was escalated.
    pub escalated_at: Option<Timestamp>,
    pub solved_at: Option<Timestamp>,
    /// The member's answer to the survey after solve: `good` or `bad`.
    pub satisfaction: Option<String>,
    pub satisfaction_comment: Option<String>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct TicketRow {
    id: String,
    number: i64,
    account_id: String,
    category: String,
    subject: String,
    details: String,
    status: String,
    priority: String,
    assignee_id: Option<String>,
    sla_target_ms: i64,
    sla_calendar: String,
    first_response_at: Option<i64>,
    created_at: i64,
    updated_at: i64,
    subcategory: Option<String>,
    channel: String,
    merged_into: Option<String>,
    escalated_at: Option<i64>,
    solved_at: Option<i64>,
    satisfaction: Option<String>,
    satisfaction_comment: Option<String>,
}

pub(crate) const COLUMNS: &str = "id, number, account_id, category, subject, details, status, priority, assignee_id, sla_target_ms, sla_calendar, first_response_at, created_at, updated_at, subcategory, channel, merged_into, escalated_at, solved_at, satisfaction, satisfaction_comment";

pub(crate) fn ticket(r: TicketRow) -> Result<Ticket> {
    Ok(Ticket {
        category: TicketCategory::parse(&r.category)
            .ok_or_else(|| StoreError::corrupt("ticket", &r.id, "category"))?,
        status: TicketStatus::parse(&r.status)
            .ok_or_else(|| StoreError::corrupt("ticket", &r.id, "status"))?,
        number: r.number,
        account_id: r.account_id,
        subject: r.subject,
        details: r.details,
        priority: r.priority,
        assignee_id: r.assignee_id,
        sla_target_ms: r.sla_target_ms,
        sla_calendar: r.sla_calendar,
        first_response_at: r.first_response_at.map(ts),
        created_at: ts(r.created_at),
        updated_at: ts(r.updated_at),
        subcategory: r.subcategory,
        channel: r.channel,
        merged_into: r.merged_into,
        escalated_at: r.escalated_at.map(ts),
        solved_at: r.solved_at.map(ts),
        satisfaction: r.satisfaction,
        satisfaction_comment: r.satisfaction_comment,
        id: r.id,
    })
}

/// A conditional update of a ticket touched no row: someone changed it since it was read.
pub(crate) fn changed_as_read(rows: u64) -> Result<()> {
    if rows == 0 {
        return Err(StoreError::Conflict {
            what: "the ticket was changed by someone else; reload and try again",
        });
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketMessage {
    pub id: String,
    pub ticket_id: String,
    /// None for the member's own words by email before they were matched.
    pub author_id: Option<String>,
    pub public: bool,
    pub body: String,
    pub created_at: Timestamp,
}

impl Tx {
    /// Keeps a new ticket under the next number (from 100001; the number given is ignored) and
    /// answers it.
    pub async fn insert_ticket(&mut self, t: &Ticket) -> Result<i64> {
        // The counter row's lock orders tickets opened at once (SQLite has one writer anyway).
        let number: i64 = sqlx::query_scalar(
            "UPDATE ticket_numbers SET next_number = next_number + 1 WHERE id = 1 RETURNING next_number - 1",
        )
        .fetch_one(self.conn())
        .await?;
        sqlx::query(
            "INSERT INTO tickets (id, number, account_id, category, subject, details, status, priority, assignee_id, sla_target_ms, sla_calendar, first_response_at, created_at, updated_at, subcategory, channel, solved_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14, $15, $16)",
        )
        .bind(&t.id)
        .bind(number)
        .bind(&t.account_id)
        .bind(t.category.as_str())
        .bind(&t.subject)
        .bind(&t.details)
        .bind(t.status.as_str())
        .bind(&t.priority)
        .bind(t.assignee_id.as_deref())
        .bind(t.sla_target_ms)
        .bind(&t.sla_calendar)
        .bind(t.first_response_at.map(|x| x.millis()))
        .bind(t.created_at.millis())
        .bind(t.subcategory.as_deref())
        .bind(&t.channel)
        .bind(t.solved_at.map(|x| x.millis()))
        .execute(self.conn())
        .await
        .map_err(|e| StoreError::on_unique(e, "another ticket took this number; send it again"))?;
        Ok(number)
    }

    pub async fn ticket(&mut self, id: &str) -> Result<Ticket> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM tickets WHERE id = $1"));
        let row: Option<TicketRow> = sqlx::query_as(sql)
            .bind(id)
            .fetch_optional(self.conn())
            .await?;
        row.map(ticket)
            .transpose()?
            .ok_or_else(|| StoreError::not_found("ticket", id))
    }

    pub async fn ticket_by_number(&mut self, number: i64) -> Result<Option<Ticket>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM tickets WHERE number = $1"));
        let row: Option<TicketRow> = sqlx::query_as(sql)
            .bind(number)
            .fetch_optional(self.conn())
            .await?;
        row.map(ticket).transpose()
    }

    /// Moves the ticket to `status` (and records its first response, once); a conflict if it
    /// changed meanwhile.
    pub async fn update_ticket(
        &mut self,
        t: &Ticket,
        status: TicketStatus,
        first_response_at: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<()> {
        let done = sqlx::query(
            "UPDATE tickets SET status = $1, first_response_at = COALESCE(first_response_at, $2), updated_at = $3, \
             solved_at = CASE WHEN $1 IN ('solved', 'closed') THEN COALESCE(solved_at, $3) ELSE NULL END \
             WHERE id = $4 AND updated_at = $5",
        )
        .bind(status.as_str())
        .bind(first_response_at.map(|x| x.millis()))
        .bind(now.millis())
        .bind(&t.id)
        .bind(t.updated_at.millis())
        .execute(self.conn())
        .await?;
        changed_as_read(done.rows_affected())
    }

    pub async fn insert_ticket_message(&mut self, m: &TicketMessage) -> Result<()> {
        sqlx::query(
            "INSERT INTO ticket_messages (id, ticket_id, author_id, public, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&m.id)
        .bind(&m.ticket_id)
        .bind(m.author_id.as_deref())
        .bind(i64::from(m.public))
        .bind(&m.body)
        .bind(m.created_at.millis())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    pub async fn ticket_messages(&mut self, ticket_id: &str) -> Result<Vec<TicketMessage>> {
        let rows: Vec<(String, String, Option<String>, i64, String, i64)> = sqlx::query_as(
            "SELECT id, ticket_id, author_id, public, body, created_at FROM ticket_messages \
             WHERE ticket_id = $1 ORDER BY created_at, id LIMIT 1000",
        )
        .bind(ticket_id)
        .fetch_all(self.conn())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| TicketMessage {
                id: r.0,
                ticket_id: r.1,
                author_id: r.2,
                public: r.3 != 0,
                body: r.4,
                created_at: ts(r.5),
            })
            .collect())
    }

    /// The stretches the ticket's clock stood still, `until` none while it still does.
    pub async fn ticket_pauses(
        &mut self,
        ticket_id: &str,
    ) -> Result<Vec<(Timestamp, Option<Timestamp>)>> {
        let rows: Vec<(i64, Option<i64>)> = sqlx::query_as(
            "SELECT from_at, until_at FROM ticket_pauses WHERE ticket_id = $1 ORDER BY from_at",
        )
        .bind(ticket_id)
        .fetch_all(self.conn())
        .await?;
        Ok(rows.into_iter().map(|r| (ts(r.0), r.1.map(ts))).collect())
    }

    pub async fn pause_ticket(&mut self, ticket_id: &str, at: Timestamp) -> Result<()> {
        sqlx::query(
            "INSERT INTO ticket_pauses (ticket_id, from_at) VALUES ($1, $2) ON CONFLICT (ticket_id, from_at) DO NOTHING",
        )
        .bind(ticket_id)
        .bind(at.millis())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    pub async fn resume_ticket(&mut self, ticket_id: &str, at: Timestamp) -> Result<()> {
        sqlx::query(
            "UPDATE ticket_pauses SET until_at = $1 WHERE ticket_id = $2 AND until_at IS NULL",
        )
        .bind(at.millis())
        .bind(ticket_id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The account's tickets, newest first.
    pub async fn tickets_of(&mut self, account_id: &str) -> Result<Vec<Ticket>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM tickets WHERE account_id = $1 ORDER BY created_at DESC, id DESC LIMIT 200"
        ));
        let rows: Vec<TicketRow> = sqlx::query_as(sql)
            .bind(account_id)
            .fetch_all(self.conn())
            .await?;
        rows.into_iter().map(ticket).collect()
    }
}
