//! What the support desk keeps around tickets: attachments, macros (canned replies), the fields
//! agents change (assignee, priority, escalation, merge, the survey's answer) and the lists the
//! desk reads (the queue, a member's tickets, the report's rows).

use crate::rows::ts;
use crate::{Result, StoreError, Tx};
use trustwork_core::Timestamp;

/// An attachment as listed (without its bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketAttachment {
    pub id: String,
    pub ticket_id: String,
    pub uploaded_by: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub created_at: Timestamp,
}

/// A canned reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketMacro {
    pub id: String,
    pub name: String,
    pub body: String,
    /// The status a reply made with it leaves the ticket in.
    pub status: Option<String>,
    pub created_by: String,
    pub created_at: Timestamp,
}

/// A field of a ticket an agent changes, with its new value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketField<'a> {
    Assignee(Option<&'a str>),
    Priority(&'a str),
    Escalated(Timestamp),
    MergedInto(&'a str),
    Satisfaction { rating: &'a str, comment: &'a str },
}

type AttachmentRow = (String, String, String, String, i64, i64);

fn attachment(r: AttachmentRow) -> TicketAttachment {
    TicketAttachment {
        id: r.0,
        ticket_id: r.1,
        uploaded_by: r.2,
        content_type: r.3,
        size_bytes: r.4,
        created_at: ts(r.5),
    }
}

impl Tx {
    /// Changes one field of the ticket; a conflict if the ticket changed since it was read.
    pub async fn set_ticket_field(
        &mut self,
        ticket: &crate::tickets::Ticket,
        field: TicketField<'_>,
        now: Timestamp,
    ) -> Result<()> {
        let query = match field {
            TicketField::Assignee(a) => {
                sqlx::query("UPDATE tickets SET assignee_id = $1, updated_at = $2 WHERE id = $3 AND updated_at = $4")
                    .bind(a)
            }
            TicketField::Priority(p) => {
                sqlx::query("UPDATE tickets SET priority = $1, updated_at = $2 WHERE id = $3 AND updated_at = $4")
                    .bind(p)
            }
            // An escalated ticket is urgent.
            TicketField::Escalated(at) => sqlx::query(
                "UPDATE tickets SET escalated_at = $1, priority = 'urgent', updated_at = $2 WHERE id = $3 AND updated_at = $4",
            )
            .bind(at.millis()),
            TicketField::MergedInto(id) => {
                sqlx::query("UPDATE tickets SET merged_into = $1, updated_at = $2 WHERE id = $3 AND updated_at = $4")
                    .bind(id)
            }
            TicketField::Satisfaction { comment, .. } => sqlx::query(
                "UPDATE tickets SET satisfaction = $5, satisfaction_comment = $1, updated_at = $2 WHERE id = $3 AND updated_at = $4",
            )
            .bind(comment),
        };
        let rating = match field {
            TicketField::Satisfaction { rating, .. } => Some(rating),
            _ => None,
        };
        let mut query = query
            .bind(now.millis())
            .bind(&ticket.id)
            .bind(ticket.updated_at.millis());
        if let Some(rating) = rating {
            query = query.bind(rating);
        }
        let done = query.execute(self.conn()).await?;
        crate::tickets::changed_as_read(done.rows_affected())
    }

    /// Marks the ticket changed, if it is still as read: two changes that each read it before
    /// the other wrote (two opposite merges) cannot both go through.
    pub async fn touch_ticket(
        &mut self,
        ticket: &crate::tickets::Ticket,
        now: Timestamp,
    ) -> Result<()> {
        let done =
            sqlx::query("UPDATE tickets SET updated_at = $1 WHERE id = $2 AND updated_at = $3")
                .bind(now.millis().max(ticket.updated_at.millis() + 1))
                .bind(&ticket.id)
                .bind(ticket.updated_at.millis())
                .execute(self.conn())
                .await?;
        crate::tickets::changed_as_read(done.rows_affected())
    }

    pub async fn insert_ticket_attachment(
        &mut self,
        a: &TicketAttachment,
        data_base64: &str,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO ticket_attachments (id, ticket_id, uploaded_by, content_type, size_bytes, data, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&a.id)
        .bind(&a.ticket_id)
        .bind(&a.uploaded_by)
        .bind(&a.content_type)
        .bind(a.size_bytes)
        .bind(data_base64)
        .bind(a.created_at.millis())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The ticket's attachments, oldest first, without their data.
    pub async fn ticket_attachments(&mut self, ticket_id: &str) -> Result<Vec<TicketAttachment>> {
        let rows: Vec<AttachmentRow> = sqlx::query_as(
            "SELECT id, ticket_id, uploaded_by, content_type, size_bytes, created_at FROM ticket_attachments \
             WHERE ticket_id = $1 ORDER BY created_at, id LIMIT 100",
        )
        .bind(ticket_id)
        .fetch_all(self.conn())
        .await?;
        Ok(rows.into_iter().map(attachment).collect())
    }

    /// One attachment of the ticket with its base64 data.
    pub async fn ticket_attachment(
        &mut self,
        ticket_id: &str,
        id: &str,
    ) -> Result<Option<(TicketAttachment, String)>> {
        let row: Option<(String, String, String, String, i64, i64, String)> = sqlx::query_as(
            "SELECT id, ticket_id, uploaded_by, content_type, size_bytes, created_at, data FROM ticket_attachments \
             WHERE id = $1 AND ticket_id = $2",
        )
        .bind(id)
        .bind(ticket_id)
        .fetch_optional(self.conn())
        .await?;
        Ok(row.map(|r| (attachment((r.0, r.1, r.2, r.3, r.4, r.5)), r.6)))
    }

    /// Moves the messages and attachments of `from` to `into` (a merge).
    pub async fn move_ticket_history(&mut self, from: &str, into: &str) -> Result<()> {
        for table in ["ticket_messages", "ticket_attachments"] {
            let sql = sqlx::AssertSqlSafe(format!(
                "UPDATE {table} SET ticket_id = $1 WHERE ticket_id = $2"
            ));
            sqlx::query(sql)
                .bind(into)
                .bind(from)
                .execute(self.conn())
                .await?;
        }
        Ok(())
    }

    pub async fn insert_ticket_macro(&mut self, m: &TicketMacro) -> Result<()> {
        sqlx::query(
            "INSERT INTO ticket_macros (id, name, body, status, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&m.id)
        .bind(&m.name)
        .bind(&m.body)
        .bind(m.status.as_deref())
        .bind(&m.created_by)
        .bind(m.created_at.millis())
        .execute(self.conn())
        .await
        .map_err(|e| StoreError::on_unique(e, "a macro with this name exists"))?;
        Ok(())
    }

    /// Every macro, by name.
    pub async fn ticket_macros(&mut self) -> Result<Vec<TicketMacro>> {
        let rows: Vec<(String, String, String, Option<String>, String, i64)> = sqlx::query_as(
            "SELECT id, name, body, status, created_by, created_at FROM ticket_macros ORDER BY name LIMIT 500",
        )
        .fetch_all(self.conn())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| TicketMacro {
                id: r.0,
                name: r.1,
                body: r.2,
                status: r.3,
                created_by: r.4,
                created_at: ts(r.5),
            })
            .collect())
    }

    /// Tickets not yet solved or closed, oldest first (the desk's queue), at most `limit`.
    pub async fn unsolved_tickets(&mut self, limit: i64) -> Result<Vec<crate::tickets::Ticket>> {
        self.tickets_where(
            "status IN ('new', 'open', 'pending_member', 'on_hold') ORDER BY created_at, id LIMIT $1",
            limit,
        )
        .await
    }

    /// Tickets opened since `since` (the report's rows), oldest first, at most `limit`.
    pub async fn tickets_since(
        &mut self,
        since: Timestamp,
        limit: i64,
    ) -> Result<Vec<crate::tickets::Ticket>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {} FROM tickets WHERE created_at >= $1 ORDER BY created_at, id LIMIT $2",
            crate::tickets::COLUMNS
        ));
        let rows: Vec<crate::tickets::TicketRow> = sqlx::query_as(sql)
            .bind(since.millis())
            .bind(limit)
            .fetch_all(self.conn())
            .await?;
        rows.into_iter().map(crate::tickets::ticket).collect()
    }

    async fn tickets_where(
        &mut self,
        condition: &'static str,
        limit: i64,
    ) -> Result<Vec<crate::tickets::Ticket>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {} FROM tickets WHERE {condition}",
            crate::tickets::COLUMNS
        ));
        let rows: Vec<crate::tickets::TicketRow> = sqlx::query_as(sql)
            .bind(limit)
            .fetch_all(self.conn())
            .await?;
        rows.into_iter().map(crate::tickets::ticket).collect()
    }

    /// The first-response pauses of many tickets at once, by ticket.
    pub async fn ticket_pauses_of(
        &mut self,
        ids: &[String],
    ) -> Result<std::collections::HashMap<String, Vec<(Timestamp, Option<Timestamp>)>>> {
        let mut out: std::collections::HashMap<String, Vec<_>> = Default::default();
        for chunk in ids.chunks(200) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT ticket_id, from_at, until_at FROM ticket_pauses WHERE ticket_id IN ({}) ORDER BY from_at",
                placeholders.join(", ")
            ));
            let mut q = sqlx::query_as::<_, (String, i64, Option<i64>)>(sql);
            for id in chunk {
                q = q.bind(id);
            }
            for (id, from, until) in q.fetch_all(self.conn()).await? {
                out.entry(id).or_default().push((ts(from), until.map(ts)));
            }
        }
        Ok(out)
    }
}
