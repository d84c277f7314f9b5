//! Threads, their messages and participants, invitations to interview, and calls in a thread.

use crate::rows::{JsonRows, opt_ts, ts};
use crate::{Result, StoreError, Tx};
use trustwork_core::Timestamp;
use trustwork_core::conversation::{
    CallKind, InvitationStatus, Message, MessageStatus, Thread, ThreadKind,
};
use trustwork_core::enforcement::event::MessageSent;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    pub id: String,
    pub job_id: String,
    /// The job's title, joined in for lists.
    pub job_title: String,
    pub client_id: String,
    pub freelancer_id: String,
    pub message: String,
    pub thread_id: String,
    pub status: InvitationStatus,
    pub proposal_id: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadCall {
    pub id: String,
    pub thread_id: String,
    pub kind: CallKind,
    pub started_by: String,
    pub started_at: Timestamp,
    pub connected_at: Option<Timestamp>,
    pub ended_at: Option<Timestamp>,
    pub ended_by: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ThreadRow {
    id: String,
    kind: String,
    subject_id: Option<String>,
    created_at: i64,
}

/// A message as read: its `message.sent` event with its decision's verdict.
#[derive(sqlx::FromRow)]
struct MessageRow {
    id: String,
    actor_id: String,
    data_json: String,
    verdict: String,
    decision_id: String,
    received_at: i64,
}

#[derive(sqlx::FromRow)]
struct InvitationRow {
    id: String,
    job_id: String,
    job_title: String,
    client_id: String,
    freelancer_id: String,
    message: String,
    thread_id: String,
    status: String,
    proposal_id: Option<String>,
    created_at: i64,
    updated_at: i64,
}

#[derive(sqlx::FromRow)]
struct CallRow {
    id: String,
    thread_id: String,
    kind: String,
    started_by: String,
    started_at: i64,
    connected_at: Option<i64>,
    ended_at: Option<i64>,
    ended_by: Option<String>,
}

fn thread(r: ThreadRow) -> Result<Thread> {
    Ok(Thread {
        kind: ThreadKind::parse(&r.kind)
            .ok_or_else(|| StoreError::corrupt("thread", &r.id, "kind"))?,
        subject_id: r.subject_id,
        created_at: ts(r.created_at),
        id: r.id,
    })
}

/// The event's data, as a `message.sent` carries it.
fn sent_data(r: &MessageRow) -> Result<MessageSent> {
    serde_json::from_str(&r.data_json).map_err(|_| StoreError::corrupt("message", &r.id, "data"))
}

fn message(r: MessageRow) -> Result<Message> {
    let data = sent_data(&r)?;
    Ok(Message {
        status: MessageStatus::after_decision(r.verdict == "block"),
        thread_id: data.thread_id,
        recipient_ids: data.recipient_ids,
        body: data.text,
        sender_id: r.actor_id,
        decision_id: r.decision_id,
        created_at: ts(r.received_at),
        id: r.id,
    })
}

fn invitation(r: InvitationRow) -> Result<Invitation> {
    Ok(Invitation {
        status: InvitationStatus::parse(&r.status)
            .ok_or_else(|| StoreError::corrupt("invitation", &r.id, "status"))?,
        job_id: r.job_id,
        job_title: r.job_title,
        client_id: r.client_id,
        freelancer_id: r.freelancer_id,
        message: r.message,
        thread_id: r.thread_id,
        proposal_id: r.proposal_id,
        created_at: ts(r.created_at),
        updated_at: ts(r.updated_at),
        id: r.id,
    })
}

fn call(r: CallRow) -> Result<ThreadCall> {
    Ok(ThreadCall {
        kind: CallKind::parse(&r.kind).ok_or_else(|| StoreError::corrupt("call", &r.id, "kind"))?,
        thread_id: r.thread_id,
        started_by: r.started_by,
        started_at: ts(r.started_at),
        connected_at: opt_ts(r.connected_at),
        ended_at: opt_ts(r.ended_at),
        ended_by: r.ended_by,
        id: r.id,
    })
}

const THREAD_COLUMNS: &str = "id, kind, subject_id, created_at";
/// A message's event and its decision's verdict.
const MESSAGE_SELECT: &str = "SELECT e.id, e.actor_id, e.data_json, d.verdict, e.decision_id, e.received_at \
     FROM events e JOIN decisions d ON d.id = e.decision_id";
const INVITATION_SELECT: &str = "SELECT i.id, i.job_id, j.title AS job_title, i.client_id, i.freelancer_id, i.message, i.thread_id, i.status, i.proposal_id, i.created_at, i.updated_at \
     FROM invitations i JOIN job_posts j ON j.id = i.job_id";
const CALL_COLUMNS: &str =
    "id, thread_id, kind, started_by, started_at, connected_at, ended_at, ended_by";

/// Messages decided in a group, as rows for [`Tx::insert_json_rows`]: only their place in their
/// thread (the rest is their event and its decision).
pub(crate) fn message_json_rows(
    messages: &[&Message],
) -> std::result::Result<JsonRows, sqlx::Error> {
    let rows: Vec<_> = messages
        .iter()
        .map(|m| (&m.thread_id, &m.id, m.created_at.millis()))
        .collect();
    JsonRows::new("messages", MESSAGE_COLUMNS, &rows)
}

const MESSAGE_COLUMNS: &str = "thread_id, id, created_at";

impl Tx {
    /// Keeps a decided message in its thread (its event and decision are stored beside it).
    pub async fn insert_message(&mut self, m: &Message) -> Result<()> {
        sqlx::query("INSERT INTO messages (thread_id, id, created_at) VALUES ($1, $2, $3)")
            .bind(&m.thread_id)
            .bind(&m.id)
            .bind(m.created_at.millis())
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// A thread opened in the console, with who takes part. A thread about the same subject
    /// already kept is a conflict.
    pub async fn insert_thread(&mut self, t: &Thread, participants: &[&str]) -> Result<()> {
        sqlx::query(
            "INSERT INTO threads (id, kind, subject_id, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&t.id)
        .bind(t.kind.as_str())
        .bind(t.subject_id.as_deref())
        .bind(t.created_at.millis())
        .execute(self.conn())
        .await
        .map_err(|e| StoreError::on_unique(e, "a thread about this already exists"))?;
        for account in participants {
            self.add_participant(&t.id, account).await?;
        }
        Ok(())
    }

    pub async fn find_thread(&mut self, id: &str) -> Result<Option<Thread>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {THREAD_COLUMNS} FROM threads WHERE id = $1"
        ));
        let row: Option<ThreadRow> = sqlx::query_as(sql)
            .bind(id)
            .fetch_optional(self.conn())
            .await?;
        row.map(thread).transpose()
    }

    pub async fn thread_about(
        &mut self,
        kind: ThreadKind,
        subject_id: &str,
    ) -> Result<Option<Thread>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {THREAD_COLUMNS} FROM threads WHERE kind = $1 AND subject_id = $2"
        ));
        let row: Option<ThreadRow> = sqlx::query_as(sql)
            .bind(kind.as_str())
            .bind(subject_id)
            .fetch_optional(self.conn())
            .await?;
        row.map(thread).transpose()
    }

    /// Adds someone to a thread (once).
    pub async fn add_participant(&mut self, thread_id: &str, account_id: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO thread_participants (thread_id, account_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(thread_id)
        .bind(account_id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// An invitation's thread, once accepted, belongs to the interview's proposal.
    pub async fn make_interview_thread(
        &mut self,
        thread_id: &str,
        proposal_id: &str,
    ) -> Result<()> {
        sqlx::query("UPDATE threads SET kind = 'proposal', subject_id = $1 WHERE id = $2")
            .bind(proposal_id)
            .bind(thread_id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Who was added to the thread in the console (a thread known only from events has none).
    pub async fn thread_participants(&mut self, thread_id: &str) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT account_id FROM thread_participants WHERE thread_id = $1 ORDER BY account_id",
        )
        .bind(thread_id)
        .fetch_all(self.conn())
        .await?)
    }

    /// The threads an account takes part in, with their last message's time, latest first.
    pub async fn threads_of(
        &mut self,
        account_id: &str,
        limit: i64,
    ) -> Result<Vec<(Thread, Option<Timestamp>)>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            thread: ThreadRow,
            last_at: Option<i64>,
        }
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT t.id, t.kind, t.subject_id, t.created_at, \
             (SELECT MAX(m.created_at) FROM messages m WHERE m.thread_id = t.id) AS last_at \
             FROM threads t JOIN thread_participants p ON p.thread_id = t.id \
             WHERE p.account_id = $1 ORDER BY COALESCE((SELECT MAX(m.created_at) FROM messages m WHERE m.thread_id = t.id), t.created_at) DESC, t.id LIMIT $2",
        )
        .bind(account_id)
        .bind(limit)
        .fetch_all(self.conn())
        .await?;
        rows.into_iter()
            .map(|r| Ok((thread(r.thread)?, opt_ts(r.last_at))))
            .collect()
    }

    /// The thread's latest `limit` messages, oldest first.
    pub async fn messages_of_thread(
        &mut self,
        thread_id: &str,
        limit: i64,
    ) -> Result<Vec<Message>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{MESSAGE_SELECT} JOIN messages m ON m.id = e.id WHERE m.thread_id = $1 \
             ORDER BY m.created_at DESC, m.id DESC LIMIT $2"
        ));
        let rows: Vec<MessageRow> = sqlx::query_as(sql)
            .bind(thread_id)
            .bind(limit)
            .fetch_all(self.conn())
            .await?;
        let mut messages = rows.into_iter().map(message).collect::<Result<Vec<_>>>()?;
        messages.reverse();
        Ok(messages)
    }

    /// Up to `n` messages on each side of `m` in its thread, oldest first, `m` among them.
    pub async fn messages_around(&mut self, m: &Message, n: i64) -> Result<Vec<Message>> {
        let mut out = Vec::new();
        for (cmp, order) in [("<", "DESC"), (">", "ASC")] {
            let sql = sqlx::AssertSqlSafe(format!(
                "{MESSAGE_SELECT} JOIN messages m ON m.id = e.id WHERE m.thread_id = $1 \
                 AND (m.created_at {cmp} $2 OR (m.created_at = $2 AND m.id {cmp} $3)) \
                 ORDER BY m.created_at {order}, m.id {order} LIMIT $4"
            ));
            let rows: Vec<MessageRow> = sqlx::query_as(sql)
                .bind(&m.thread_id)
                .bind(m.created_at.millis())
                .bind(&m.id)
                .bind(n)
                .fetch_all(self.conn())
                .await?;
            let mut side = rows.into_iter().map(message).collect::<Result<Vec<_>>>()?;
            if order == "DESC" {
                side.reverse();
                out.extend(side);
                out.push(m.clone());
            } else {
                out.extend(side);
            }
        }
        Ok(out)
    }

    pub async fn find_message(&mut self, id: &str) -> Result<Option<Message>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{MESSAGE_SELECT} WHERE e.id = $1 AND e.event_type = 'message.sent'"
        ));
        let row: Option<MessageRow> = sqlx::query_as(sql)
            .bind(id)
            .fetch_optional(self.conn())
            .await?;
        row.map(message).transpose()
    }

    /// A thread known only from the marketplace's events, as its first message describes it.
    pub async fn thread_of_first_message(&mut self, thread_id: &str) -> Result<Option<Thread>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{MESSAGE_SELECT} JOIN messages m ON m.id = e.id WHERE m.thread_id = $1 \
             ORDER BY m.created_at, m.id LIMIT 1"
        ));
        let row: Option<MessageRow> = sqlx::query_as(sql)
            .bind(thread_id)
            .fetch_optional(self.conn())
            .await?;
        row.map(|r| Ok(sent_data(&r)?.thread(ts(r.received_at))))
            .transpose()
    }

    pub async fn insert_invitation(&mut self, i: &Invitation) -> Result<()> {
        sqlx::query(
            "INSERT INTO invitations (id, job_id, client_id, freelancer_id, message, thread_id, status, proposal_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&i.id)
        .bind(&i.job_id)
        .bind(&i.client_id)
        .bind(&i.freelancer_id)
        .bind(&i.message)
        .bind(&i.thread_id)
        .bind(i.status.as_str())
        .bind(i.proposal_id.as_deref())
        .bind(i.created_at.millis())
        .bind(i.updated_at.millis())
        .execute(self.conn())
        .await
        .map_err(|e| StoreError::on_unique(e, "this freelancer was already invited to this job"))?;
        Ok(())
    }

    pub async fn find_invitation(&mut self, id: &str) -> Result<Option<Invitation>> {
        let sql = sqlx::AssertSqlSafe(format!("{INVITATION_SELECT} WHERE i.id = $1"));
        let row: Option<InvitationRow> = sqlx::query_as(sql)
            .bind(id)
            .fetch_optional(self.conn())
            .await?;
        row.map(invitation).transpose()
    }

    /// Invitations sent to the freelancer or by the client, latest first.
    pub async fn invitations_of(
        &mut self,
        account_id: &str,
        limit: i64,
    ) -> Result<Vec<Invitation>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{INVITATION_SELECT} WHERE i.freelancer_id = $1 OR i.client_id = $1 ORDER BY i.created_at DESC, i.id DESC LIMIT $2"
        ));
        let rows: Vec<InvitationRow> = sqlx::query_as(sql)
            .bind(account_id)
            .bind(limit)
            .fetch_all(self.conn())
            .await?;
        rows.into_iter().map(invitation).collect()
    }

    pub async fn invitation_for(
        &mut self,
        job_id: &str,
        freelancer_id: &str,
    ) -> Result<Option<Invitation>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{INVITATION_SELECT} WHERE i.job_id = $1 AND i.freelancer_id = $2"
        ));
        let row: Option<InvitationRow> = sqlx::query_as(sql)
            .bind(job_id)
            .bind(freelancer_id)
            .fetch_optional(self.conn())
            .await?;
        row.map(invitation).transpose()
    }

    /// Answers an invitation still waiting. False when it was answered meanwhile.
    pub async fn answer_invitation(
        &mut self,
        id: &str,
        to: InvitationStatus,
        proposal_id: Option<&str>,
        now: Timestamp,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE invitations SET status = $1, proposal_id = $2, updated_at = $3 WHERE id = $4 AND status = 'sent'",
        )
        .bind(to.as_str())
        .bind(proposal_id)
        .bind(now.millis())
        .bind(id)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn insert_call(&mut self, c: &ThreadCall) -> Result<()> {
        sqlx::query(
            "INSERT INTO thread_calls (id, thread_id, kind, started_by, started_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&c.id)
        .bind(&c.thread_id)
        .bind(c.kind.as_str())
        .bind(&c.started_by)
        .bind(c.started_at.millis())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    pub async fn find_call(&mut self, id: &str) -> Result<Option<ThreadCall>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {CALL_COLUMNS} FROM thread_calls WHERE id = $1"
        ));
        let row: Option<CallRow> = sqlx::query_as(sql)
            .bind(id)
            .fetch_optional(self.conn())
            .await?;
        row.map(call).transpose()
    }

    /// The thread's calls, latest first.
    pub async fn calls_of_thread(
        &mut self,
        thread_id: &str,
        limit: i64,
    ) -> Result<Vec<ThreadCall>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {CALL_COLUMNS} FROM thread_calls WHERE thread_id = $1 ORDER BY started_at DESC, id DESC LIMIT $2"
        ));
        let rows: Vec<CallRow> = sqlx::query_as(sql)
            .bind(thread_id)
            .bind(limit)
            .fetch_all(self.conn())
            .await?;
        rows.into_iter().map(call).collect()
    }

    /// The first time both sides are connected. False if it was recorded already or the call
    /// ended.
    pub async fn mark_call_connected(&mut self, id: &str, now: Timestamp) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE thread_calls SET connected_at = $1 WHERE id = $2 AND connected_at IS NULL AND ended_at IS NULL",
        )
        .bind(now.millis())
        .bind(id)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Ends a call once. False if it had ended.
    pub async fn end_call(&mut self, id: &str, by: &str, now: Timestamp) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE thread_calls SET ended_at = $1, ended_by = $2 WHERE id = $3 AND ended_at IS NULL",
        )
        .bind(now.millis())
        .bind(by)
        .bind(id)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
