//! Live chats, their lines, and the agents who take them with their capacity.

use crate::rows::ts;
use crate::{Result, StoreError, Tx};
use trustwork_core::Timestamp;
use trustwork_core::live_chat::ChatStatus;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chat {
    pub id: String,
    pub account_id: String,
    /// A ticket category.
    pub category: String,
    pub status: ChatStatus,
    pub agent_id: Option<String>,
    /// The ticket its transcript became, once ended.
    pub ticket_id: Option<String>,
    pub created_at: Timestamp,
    pub accepted_at: Option<Timestamp>,
    pub ended_at: Option<Timestamp>,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatLine {
    pub id: String,
    pub chat_id: String,
    /// Numbered from 1 in the order said.
    pub seq: i64,
    /// None for what the desk itself says.
    pub author_id: Option<String>,
    pub body: String,
    pub created_at: Timestamp,
}

/// An agent's chat settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupportAgent {
    pub account_id: String,
    pub capacity: i64,
    pub available: bool,
    /// Chats the agent has now.
    pub active_chats: i64,
}

#[derive(sqlx::FromRow)]
struct ChatRow {
    id: String,
    account_id: String,
    category: String,
    status: String,
    agent_id: Option<String>,
    ticket_id: Option<String>,
    created_at: i64,
    accepted_at: Option<i64>,
    ended_at: Option<i64>,
    updated_at: i64,
}

const COLUMNS: &str = "id, account_id, category, status, agent_id, ticket_id, created_at, accepted_at, ended_at, updated_at";

fn chat(r: ChatRow) -> Result<Chat> {
    Ok(Chat {
        status: ChatStatus::parse(&r.status)
            .ok_or_else(|| StoreError::corrupt("chat", &r.id, "status"))?,
        account_id: r.account_id,
        category: r.category,
        agent_id: r.agent_id,
        ticket_id: r.ticket_id,
        created_at: ts(r.created_at),
        accepted_at: r.accepted_at.map(ts),
        ended_at: r.ended_at.map(ts),
        updated_at: ts(r.updated_at),
        id: r.id,
    })
}

/// A change of a chat, applied only if the chat is still as it was read.
#[derive(Debug, Clone, Copy)]
pub enum ChatChange<'a> {
    Accept { agent_id: &'a str },
    Transfer { agent_id: &'a str },
    End { ticket_id: &'a str },
}

impl Tx {
    pub async fn insert_chat(&mut self, c: &Chat) -> Result<()> {
        sqlx::query(
            "INSERT INTO chats (id, account_id, category, status, agent_id, ticket_id, created_at, accepted_at, ended_at, updated_at) \
             VALUES ($1, $2, $3, $4, NULL, NULL, $5, NULL, NULL, $5)",
        )
        .bind(&c.id)
        .bind(&c.account_id)
        .bind(&c.category)
        .bind(c.status.as_str())
        .bind(c.created_at.millis())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    pub async fn chat(&mut self, id: &str) -> Result<Chat> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM chats WHERE id = $1"));
        let row: Option<ChatRow> = sqlx::query_as(sql)
            .bind(id)
            .fetch_optional(self.conn())
            .await?;
        row.map(chat)
            .transpose()?
            .ok_or_else(|| StoreError::not_found("chat", id))
    }

    /// The member's chat still waiting or going on, if any.
    pub async fn live_chat_of(&mut self, account_id: &str) -> Result<Option<Chat>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM chats WHERE account_id = $1 AND status IN ('waiting', 'active') ORDER BY created_at DESC LIMIT 1"
        ));
        let row: Option<ChatRow> = sqlx::query_as(sql)
            .bind(account_id)
            .fetch_optional(self.conn())
            .await?;
        row.map(chat).transpose()
    }

    /// Chats in `status`, oldest first (the queue), at most 500.
    pub async fn chats_in(&mut self, status: ChatStatus) -> Result<Vec<Chat>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM chats WHERE status = $1 ORDER BY created_at, id LIMIT 500"
        ));
        let rows: Vec<ChatRow> = sqlx::query_as(sql)
            .bind(status.as_str())
            .fetch_all(self.conn())
            .await?;
        rows.into_iter().map(chat).collect()
    }

    /// The agent's chats going on now.
    pub async fn active_chats_of(&mut self, agent_id: &str) -> Result<Vec<Chat>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM chats WHERE agent_id = $1 AND status = 'active' ORDER BY created_at LIMIT 100"
        ));
        let rows: Vec<ChatRow> = sqlx::query_as(sql)
            .bind(agent_id)
            .fetch_all(self.conn())
            .await?;
        rows.into_iter().map(chat).collect()
    }

    /// How long the last `n` ended chats lasted from acceptance, on average.
    pub async fn average_chat_ms(&mut self, n: i64) -> Result<Option<i64>> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT accepted_at, ended_at FROM chats WHERE status = 'ended' AND accepted_at IS NOT NULL \
             ORDER BY ended_at DESC LIMIT $1",
        )
        .bind(n)
        .fetch_all(self.conn())
        .await?;
        if rows.is_empty() {
            return Ok(None);
        }
        let total: i64 = rows.iter().map(|(a, e)| (e - a).max(0)).sum();
        Ok(Some(total / rows.len() as i64))
    }

    /// Applies `change` if the chat is unchanged since read; a conflict otherwise.
    pub async fn change_chat(
        &mut self,
        c: &Chat,
        change: ChatChange<'_>,
        now: Timestamp,
    ) -> Result<()> {
        let (sql, value) = match change {
            ChatChange::Accept { agent_id } => (
                "UPDATE chats SET status = 'active', agent_id = $1, accepted_at = $2, updated_at = $2 WHERE id = $3 AND updated_at = $4 AND status = 'waiting'",
                agent_id,
            ),
            ChatChange::Transfer { agent_id } => (
                "UPDATE chats SET agent_id = $1, updated_at = $2 WHERE id = $3 AND updated_at = $4 AND status = 'active'",
                agent_id,
            ),
            ChatChange::End { ticket_id } => (
                "UPDATE chats SET status = 'ended', ticket_id = $1, ended_at = $2, updated_at = $2 WHERE id = $3 AND updated_at = $4 AND status <> 'ended'",
                ticket_id,
            ),
        };
        let done = sqlx::query(sql)
            .bind(value)
            .bind(now.millis())
            .bind(&c.id)
            .bind(c.updated_at.millis())
            .execute(self.conn())
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict {
                what: "the chat changed meanwhile (another agent may have taken it); reload",
            });
        }
        Ok(())
    }

    /// Locks the chat's row until the transaction ends (PostgreSQL; SQLite has one writer).
    pub async fn lock_chat(&mut self, chat_id: &str) -> Result<()> {
        let locked = sqlx::query("UPDATE chats SET updated_at = updated_at WHERE id = $1")
            .bind(chat_id)
            .execute(self.conn())
            .await?;
        if locked.rows_affected() == 0 {
            return Err(StoreError::not_found("chat", chat_id));
        }
        Ok(())
    }

    /// Adds a line under the chat's next number. The chat's row is locked first, so two lines
    /// written at once are numbered one after the other.
    pub async fn append_chat_line(
        &mut self,
        id: &str,
        chat_id: &str,
        author_id: Option<&str>,
        body: &str,
        now: Timestamp,
    ) -> Result<ChatLine> {
        self.lock_chat(chat_id).await?;
        let seq: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM chat_lines WHERE chat_id = $1",
        )
        .bind(chat_id)
        .fetch_one(self.conn())
        .await?;
        sqlx::query(
            "INSERT INTO chat_lines (id, chat_id, seq, author_id, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(chat_id)
        .bind(seq)
        .bind(author_id)
        .bind(body)
        .bind(now.millis())
        .execute(self.conn())
        .await?;
        Ok(ChatLine {
            id: id.to_owned(),
            chat_id: chat_id.to_owned(),
            seq,
            author_id: author_id.map(str::to_owned),
            body: body.to_owned(),
            created_at: now,
        })
    }

    /// The chat's lines after `seq`, in order, at most 500.
    pub async fn chat_lines_after(&mut self, chat_id: &str, seq: i64) -> Result<Vec<ChatLine>> {
        let rows: Vec<(String, String, i64, Option<String>, String, i64)> = sqlx::query_as(
            "SELECT id, chat_id, seq, author_id, body, created_at FROM chat_lines \
             WHERE chat_id = $1 AND seq > $2 ORDER BY seq LIMIT 500",
        )
        .bind(chat_id)
        .bind(seq)
        .fetch_all(self.conn())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| ChatLine {
                id: r.0,
                chat_id: r.1,
                seq: r.2,
                author_id: r.3,
                body: r.4,
                created_at: ts(r.5),
            })
            .collect())
    }

    pub async fn upsert_support_agent(
        &mut self,
        account_id: &str,
        capacity: i64,
        available: bool,
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO support_agents (account_id, capacity, available, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (account_id) DO UPDATE SET capacity = $2, available = $3, updated_at = $4",
        )
        .bind(account_id)
        .bind(capacity)
        .bind(i64::from(available))
        .bind(now.millis())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Every agent with chat settings and how many chats each has now.
    pub async fn support_agents(&mut self) -> Result<Vec<SupportAgent>> {
        let rows: Vec<(String, i64, i64, i64)> = sqlx::query_as(
            "SELECT a.account_id, a.capacity, a.available, \
             (SELECT COUNT(*) FROM chats c WHERE c.agent_id = a.account_id AND c.status = 'active') \
             FROM support_agents a ORDER BY a.account_id LIMIT 1000",
        )
        .fetch_all(self.conn())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| SupportAgent {
                account_id: r.0,
                capacity: r.1,
                available: r.2 != 0,
                active_chats: r.3,
            })
            .collect())
    }
}
