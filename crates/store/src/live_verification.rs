//! Live identity verification: one-time links, the queue of calls, the chat transcript, the
//! questions, the evidence (stored sealed) and the facts the questions are drawn from.

use crate::rows::{opt_ts, ts};
use crate::{Result, StoreError, Tx};
use trustwork_core::Timestamp;
use trustwork_core::evidence::EvidenceKind;
use trustwork_core::verification_questions::{Mark, Topic};
use trustwork_core::verification_queue::CallStatus;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredFacts {
    pub street_address: String,
    pub college: String,
    /// One skill per line.
    pub skills: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerificationSession {
    pub id: String,
    pub case_id: String,
    pub account_id: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub opened_at: Option<Timestamp>,
    pub browser_hash: Option<String>,
    pub consent_at: Option<Timestamp>,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    id: String,
    case_id: String,
    account_id: String,
    created_at: i64,
    expires_at: i64,
    opened_at: Option<i64>,
    browser_hash: Option<String>,
    consent_at: Option<i64>,
}

impl From<SessionRow> for VerificationSession {
    fn from(r: SessionRow) -> Self {
        Self {
            id: r.id,
            case_id: r.case_id,
            account_id: r.account_id,
            created_at: ts(r.created_at),
            expires_at: ts(r.expires_at),
            opened_at: opt_ts(r.opened_at),
            browser_hash: r.browser_hash,
            consent_at: opt_ts(r.consent_at),
        }
    }
}

const SESSION_COLUMNS: &str =
    "id, case_id, account_id, created_at, expires_at, opened_at, browser_hash, consent_at";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerificationCall {
    pub id: String,
    pub case_id: String,
    pub session_id: String,
    pub status: CallStatus,
    pub joined_at: Timestamp,
    pub agent_id: Option<String>,
    pub taken_at: Option<Timestamp>,
    pub started_at: Option<Timestamp>,
    pub ended_at: Option<Timestamp>,
    pub member_seen_at: Option<Timestamp>,
}

#[derive(sqlx::FromRow)]
struct CallRow {
    id: String,
    case_id: String,
    session_id: String,
    status: String,
    joined_at: i64,
    agent_id: Option<String>,
    taken_at: Option<i64>,
    started_at: Option<i64>,
    ended_at: Option<i64>,
    member_seen_at: Option<i64>,
}

impl TryFrom<CallRow> for VerificationCall {
    type Error = StoreError;
    fn try_from(r: CallRow) -> Result<Self> {
        Ok(Self {
            status: CallStatus::parse(&r.status)
                .ok_or_else(|| StoreError::corrupt("verification call", &r.id, "status"))?,
            id: r.id,
            case_id: r.case_id,
            session_id: r.session_id,
            joined_at: ts(r.joined_at),
            agent_id: r.agent_id,
            taken_at: opt_ts(r.taken_at),
            started_at: opt_ts(r.started_at),
            ended_at: opt_ts(r.ended_at),
            member_seen_at: opt_ts(r.member_seen_at),
        })
    }
}

const CALL_COLUMNS: &str = "id, case_id, session_id, status, joined_at, agent_id, taken_at, started_at, ended_at, member_seen_at";

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChatMessage {
    pub id: String,
    pub case_id: String,
    pub call_id: String,
    /// `member`, `agent` or `system`.
    pub sender: String,
    pub body: String,
    pub sent_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct ChatRow {
    id: String,
    case_id: String,
    call_id: String,
    sender: String,
    body: String,
    sent_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub id: String,
    pub case_id: String,
    pub call_id: String,
    pub position: i64,
    pub topic: Topic,
    pub prompt: String,
    pub expected: String,
    pub mark: Mark,
    pub drawn_at: Timestamp,
    pub marked_at: Option<Timestamp>,
}

#[derive(sqlx::FromRow)]
struct QuestionRow {
    id: String,
    case_id: String,
    call_id: String,
    position: i64,
    topic: String,
    prompt: String,
    expected: String,
    mark: String,
    drawn_at: i64,
    marked_at: Option<i64>,
}

impl TryFrom<QuestionRow> for Question {
    type Error = StoreError;
    fn try_from(r: QuestionRow) -> Result<Self> {
        Ok(Self {
            topic: Topic::parse(&r.topic)
                .ok_or_else(|| StoreError::corrupt("question", &r.id, "topic"))?,
            mark: Mark::parse(&r.mark)
                .ok_or_else(|| StoreError::corrupt("question", &r.id, "mark"))?,
            id: r.id,
            case_id: r.case_id,
            call_id: r.call_id,
            position: r.position,
            prompt: r.prompt,
            expected: r.expected,
            drawn_at: ts(r.drawn_at),
            marked_at: opt_ts(r.marked_at),
        })
    }
}

const QUESTION_COLUMNS: &str =
    "id, case_id, call_id, position, topic, prompt, expected, mark, drawn_at, marked_at";

/// What is known about a piece of evidence without opening it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub id: String,
    pub case_id: String,
    pub account_id: String,
    pub kind: EvidenceKind,
    pub content_type: String,
    pub size_bytes: i64,
    pub created_by: String,
    pub created_at: Timestamp,
    pub purged_at: Option<Timestamp>,
}

#[derive(sqlx::FromRow)]
struct EvidenceRow {
    id: String,
    case_id: String,
    account_id: String,
    kind: String,
    content_type: String,
    size_bytes: i64,
    created_by: String,
    created_at: i64,
    purged_at: Option<i64>,
}

impl TryFrom<EvidenceRow> for Evidence {
    type Error = StoreError;
    fn try_from(r: EvidenceRow) -> Result<Self> {
        Ok(Self {
            kind: EvidenceKind::parse(&r.kind)
                .ok_or_else(|| StoreError::corrupt("evidence", &r.id, "kind"))?,
            id: r.id,
            case_id: r.case_id,
            account_id: r.account_id,
            content_type: r.content_type,
            size_bytes: r.size_bytes,
            created_by: r.created_by,
            created_at: ts(r.created_at),
            purged_at: opt_ts(r.purged_at),
        })
    }
}

const EVIDENCE_COLUMNS: &str =
    "id, case_id, account_id, kind, content_type, size_bytes, created_by, created_at, purged_at";

impl Tx {
    pub async fn account_facts(&mut self, account_id: &str) -> Result<Option<StoredFacts>> {
        Ok(sqlx::query_as(
            "SELECT street_address, college, skills FROM account_facts WHERE account_id = $1",
        )
        .bind(account_id)
        .fetch_optional(self.conn())
        .await?)
    }

    pub async fn put_account_facts(
        &mut self,
        account_id: &str,
        facts: &StoredFacts,
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO account_facts (account_id, street_address, college, skills, updated_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (account_id) DO UPDATE SET street_address = excluded.street_address, college = excluded.college, \
             skills = excluded.skills, updated_at = excluded.updated_at",
        )
        .bind(account_id)
        .bind(&facts.street_address)
        .bind(&facts.college)
        .bind(&facts.skills)
        .bind(now.millis())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    pub async fn insert_verification_session(
        &mut self,
        s: &VerificationSession,
        link_hash: &str,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO verification_sessions (id, case_id, account_id, link_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&s.id)
        .bind(&s.case_id)
        .bind(&s.account_id)
        .bind(link_hash)
        .bind(s.created_at.millis())
        .bind(s.expires_at.millis())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    pub async fn verification_session(&mut self, id: &str) -> Result<VerificationSession> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {SESSION_COLUMNS} FROM verification_sessions WHERE id = $1"
        ));
        let row: Option<SessionRow> = sqlx::query_as(sql)
            .bind(id)
            .fetch_optional(self.conn())
            .await?;
        row.map(VerificationSession::from)
            .ok_or_else(|| StoreError::not_found("verification session", id))
    }

    pub async fn verification_session_by_link(
        &mut self,
        link_hash: &str,
    ) -> Result<Option<VerificationSession>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {SESSION_COLUMNS} FROM verification_sessions WHERE link_hash = $1"
        ));
        let row: Option<SessionRow> = sqlx::query_as(sql)
            .bind(link_hash)
            .fetch_optional(self.conn())
            .await?;
        Ok(row.map(VerificationSession::from))
    }

    /// Marks the link used by the browser holding `browser_hash`'s cookie. False when it was
    /// already used: a link works once.
    pub async fn open_verification_session(
        &mut self,
        id: &str,
        browser_hash: &str,
        now: Timestamp,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE verification_sessions SET opened_at = $1, browser_hash = $2 WHERE id = $3 AND opened_at IS NULL",
        )
        .bind(now.millis())
        .bind(browser_hash)
        .bind(id)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn record_verification_consent(&mut self, id: &str, now: Timestamp) -> Result<()> {
        sqlx::query("UPDATE verification_sessions SET consent_at = $1 WHERE id = $2")
            .bind(now.millis())
            .bind(id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    pub async fn insert_verification_call(&mut self, c: &VerificationCall) -> Result<()> {
        sqlx::query(
            "INSERT INTO verification_calls (id, case_id, session_id, status, joined_at, member_seen_at) VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(&c.id)
        .bind(&c.case_id)
        .bind(&c.session_id)
        .bind(c.status.as_str())
        .bind(c.joined_at.millis())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    pub async fn verification_call(&mut self, id: &str) -> Result<VerificationCall> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {CALL_COLUMNS} FROM verification_calls WHERE id = $1"
        ));
        let row: Option<CallRow> = sqlx::query_as(sql)
            .bind(id)
            .fetch_optional(self.conn())
            .await?;
        row.map(VerificationCall::try_from)
            .transpose()?
            .ok_or_else(|| StoreError::not_found("verification call", id))
    }

    /// The case's call that is waiting or with an agent, if any (one at a time).
    pub async fn live_call_of_case(&mut self, case_id: &str) -> Result<Option<VerificationCall>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {CALL_COLUMNS} FROM verification_calls WHERE case_id = $1 AND status IN ('waiting', 'with_agent') \
             ORDER BY joined_at DESC LIMIT 1"
        ));
        let row: Option<CallRow> = sqlx::query_as(sql)
            .bind(case_id)
            .fetch_optional(self.conn())
            .await?;
        row.map(VerificationCall::try_from).transpose()
    }

    /// The case's calls, newest first.
    pub async fn calls_of_case(&mut self, case_id: &str) -> Result<Vec<VerificationCall>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {CALL_COLUMNS} FROM verification_calls WHERE case_id = $1 ORDER BY joined_at DESC, id DESC LIMIT 100"
        ));
        let rows: Vec<CallRow> = sqlx::query_as(sql)
            .bind(case_id)
            .fetch_all(self.conn())
            .await?;
        rows.into_iter().map(VerificationCall::try_from).collect()
    }

    /// Waiting calls whose member was on the page since `seen_since`, oldest joined first: the
    /// queue.
    pub async fn waiting_calls(
        &mut self,
        seen_since: Timestamp,
        limit: i64,
    ) -> Result<Vec<VerificationCall>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {CALL_COLUMNS} FROM verification_calls WHERE status = 'waiting' AND member_seen_at >= $1 \
             ORDER BY joined_at, id LIMIT $2"
        ));
        let rows: Vec<CallRow> = sqlx::query_as(sql)
            .bind(seen_since.millis())
            .bind(limit)
            .fetch_all(self.conn())
            .await?;
        rows.into_iter().map(VerificationCall::try_from).collect()
    }

    /// The member's page asked for news (written at most every `every_ms`).
    pub async fn call_member_seen(
        &mut self,
        id: &str,
        now: Timestamp,
        every_ms: i64,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE verification_calls SET member_seen_at = $1 WHERE id = $2 AND (member_seen_at IS NULL OR member_seen_at < $3)",
        )
        .bind(now.millis())
        .bind(id)
        .bind(now.millis() - every_ms)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Puts a call an agent took back in the queue, at its old place. False when it was not
    /// with that agent.
    pub async fn release_verification_call(
        &mut self,
        id: &str,
        agent_id: &str,
        now: Timestamp,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE verification_calls SET status = 'waiting', agent_id = NULL, taken_at = NULL, member_seen_at = $1 \
             WHERE id = $2 AND status = 'with_agent' AND agent_id = $3",
        )
        .bind(now.millis())
        .bind(id)
        .bind(agent_id)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Chat lines of one call.
    pub async fn chat_lines_of_call(&mut self, call_id: &str) -> Result<i64> {
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM verification_messages WHERE call_id = $1")
                .bind(call_id)
                .fetch_one(self.conn())
                .await?;
        Ok(n)
    }

    /// Calls in a status, oldest joined first (the queue's order for `waiting`).
    pub async fn calls_in(
        &mut self,
        status: CallStatus,
        limit: i64,
    ) -> Result<Vec<VerificationCall>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {CALL_COLUMNS} FROM verification_calls WHERE status = $1 ORDER BY joined_at, id LIMIT $2"
        ));
        let rows: Vec<CallRow> = sqlx::query_as(sql)
            .bind(status.as_str())
            .bind(limit)
            .fetch_all(self.conn())
            .await?;
        rows.into_iter().map(VerificationCall::try_from).collect()
    }

    /// Gives a waiting call to an agent. False when another agent took it first.
    pub async fn take_verification_call(
        &mut self,
        id: &str,
        agent_id: &str,
        now: Timestamp,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE verification_calls SET status = 'with_agent', agent_id = $1, taken_at = $2 WHERE id = $3 AND status = 'waiting'",
        )
        .bind(agent_id)
        .bind(now.millis())
        .bind(id)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The first time the two browsers connect.
    pub async fn mark_call_started(&mut self, id: &str, now: Timestamp) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE verification_calls SET started_at = $1 WHERE id = $2 AND started_at IS NULL",
        )
        .bind(now.millis())
        .bind(id)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Ends a call that is `from` as `status` (ended or left). False when it was not `from`.
    pub async fn finish_verification_call(
        &mut self,
        id: &str,
        from: CallStatus,
        status: CallStatus,
        now: Timestamp,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE verification_calls SET status = $1, ended_at = $2 WHERE id = $3 AND status = $4",
        )
        .bind(status.as_str())
        .bind(now.millis())
        .bind(id)
        .bind(from.as_str())
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// How long the most recent finished calls lasted, from taken to ended.
    pub async fn recent_handling_ms(&mut self, limit: i64) -> Result<Vec<i64>> {
        let rows: Vec<(i64,)> = sqlx::query_as(
            "SELECT ended_at - taken_at FROM verification_calls WHERE status = 'ended' AND taken_at IS NOT NULL AND ended_at IS NOT NULL \
             ORDER BY ended_at DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.conn())
        .await?;
        Ok(rows.into_iter().map(|(ms,)| ms).collect())
    }

    pub async fn agent_seen(&mut self, agent_id: &str, now: Timestamp) -> Result<()> {
        sqlx::query(
            "INSERT INTO verification_agents (agent_id, seen_at) VALUES ($1, $2) \
             ON CONFLICT (agent_id) DO UPDATE SET seen_at = excluded.seen_at",
        )
        .bind(agent_id)
        .bind(now.millis())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Agents seen on the queue since `since` who are not with a member now.
    pub async fn agents_available(&mut self, since: Timestamp) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM verification_agents a WHERE a.seen_at >= $1 AND NOT EXISTS \
             (SELECT 1 FROM verification_calls c WHERE c.agent_id = a.agent_id AND c.status = 'with_agent')",
        )
        .bind(since.millis())
        .fetch_one(self.conn())
        .await?;
        Ok(n)
    }

    pub async fn insert_chat_message(&mut self, m: &ChatMessage) -> Result<()> {
        sqlx::query(
            "INSERT INTO verification_messages (id, case_id, call_id, sender, body, sent_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&m.id)
        .bind(&m.case_id)
        .bind(&m.call_id)
        .bind(&m.sender)
        .bind(&m.body)
        .bind(m.sent_at.millis())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The case's transcript in order (the last 1,000 lines).
    pub async fn chat_of_case(&mut self, case_id: &str) -> Result<Vec<ChatMessage>> {
        let rows: Vec<ChatRow> = sqlx::query_as(
            "SELECT id, case_id, call_id, sender, body, sent_at FROM verification_messages WHERE case_id = $1 \
             ORDER BY sent_at DESC, id DESC LIMIT 1000",
        )
        .bind(case_id)
        .fetch_all(self.conn())
        .await?;
        let mut out: Vec<ChatMessage> = rows
            .into_iter()
            .map(|r| ChatMessage {
                id: r.id,
                case_id: r.case_id,
                call_id: r.call_id,
                sender: r.sender,
                body: r.body,
                sent_at: ts(r.sent_at),
            })
            .collect();
        out.reverse();
        Ok(out)
    }

    pub async fn insert_question(&mut self, q: &Question) -> Result<()> {
        sqlx::query(
            "INSERT INTO verification_questions (id, case_id, call_id, position, topic, prompt, expected, mark, drawn_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&q.id)
        .bind(&q.case_id)
        .bind(&q.call_id)
        .bind(q.position)
        .bind(q.topic.as_str())
        .bind(&q.prompt)
        .bind(&q.expected)
        .bind(q.mark.as_str())
        .bind(q.drawn_at.millis())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The newest set of questions drawn for the case, in asking order.
    pub async fn latest_questions(&mut self, case_id: &str) -> Result<Vec<Question>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {QUESTION_COLUMNS} FROM verification_questions WHERE case_id = $1 \
             ORDER BY drawn_at DESC, call_id DESC, position LIMIT 50"
        ));
        let rows: Vec<QuestionRow> = sqlx::query_as(sql)
            .bind(case_id)
            .fetch_all(self.conn())
            .await?;
        let all: Vec<Question> = rows
            .into_iter()
            .map(Question::try_from)
            .collect::<Result<_>>()?;
        let Some(first) = all.first() else {
            return Ok(all);
        };
        let (drawn_at, call_id) = (first.drawn_at, first.call_id.clone());
        Ok(all
            .into_iter()
            .filter(|q| q.drawn_at == drawn_at && q.call_id == call_id)
            .collect())
    }

    pub async fn questions_of_call(&mut self, call_id: &str) -> Result<Vec<Question>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {QUESTION_COLUMNS} FROM verification_questions WHERE call_id = $1 ORDER BY position"
        ));
        let rows: Vec<QuestionRow> = sqlx::query_as(sql)
            .bind(call_id)
            .fetch_all(self.conn())
            .await?;
        rows.into_iter().map(Question::try_from).collect()
    }

    pub async fn question(&mut self, id: &str) -> Result<Question> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {QUESTION_COLUMNS} FROM verification_questions WHERE id = $1"
        ));
        let row: Option<QuestionRow> = sqlx::query_as(sql)
            .bind(id)
            .fetch_optional(self.conn())
            .await?;
        row.map(Question::try_from)
            .transpose()?
            .ok_or_else(|| StoreError::not_found("question", id))
    }

    pub async fn mark_question(&mut self, id: &str, mark: Mark, now: Timestamp) -> Result<()> {
        sqlx::query("UPDATE verification_questions SET mark = $1, marked_at = $2 WHERE id = $3")
            .bind(mark.as_str())
            .bind(now.millis())
            .bind(id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// How much evidence the case holds.
    pub async fn evidence_count(&mut self, case_id: &str) -> Result<i64> {
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM verification_evidence WHERE case_id = $1")
                .bind(case_id)
                .fetch_one(self.conn())
                .await?;
        Ok(n)
    }

    /// Stores evidence already sealed by the caller; the store never sees the image.
    pub async fn insert_evidence(&mut self, e: &Evidence, sealed: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO verification_evidence (id, case_id, account_id, kind, content_type, size_bytes, sealed, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&e.id)
        .bind(&e.case_id)
        .bind(&e.account_id)
        .bind(e.kind.as_str())
        .bind(&e.content_type)
        .bind(e.size_bytes)
        .bind(sealed)
        .bind(&e.created_by)
        .bind(e.created_at.millis())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    pub async fn evidence(&mut self, id: &str) -> Result<Evidence> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {EVIDENCE_COLUMNS} FROM verification_evidence WHERE id = $1"
        ));
        let row: Option<EvidenceRow> = sqlx::query_as(sql)
            .bind(id)
            .fetch_optional(self.conn())
            .await?;
        row.map(Evidence::try_from)
            .transpose()?
            .ok_or_else(|| StoreError::not_found("evidence", id))
    }

    /// The sealed bytes, `None` once purged.
    pub async fn sealed_evidence(&mut self, id: &str) -> Result<Option<String>> {
        let row: Option<(Option<String>,)> =
            sqlx::query_as("SELECT sealed FROM verification_evidence WHERE id = $1")
                .bind(id)
                .fetch_optional(self.conn())
                .await?;
        Ok(row.and_then(|(s,)| s))
    }

    pub async fn evidence_of_case(&mut self, case_id: &str) -> Result<Vec<Evidence>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {EVIDENCE_COLUMNS} FROM verification_evidence WHERE case_id = $1 ORDER BY created_at, id LIMIT 200"
        ));
        let rows: Vec<EvidenceRow> = sqlx::query_as(sql)
            .bind(case_id)
            .fetch_all(self.conn())
            .await?;
        rows.into_iter().map(Evidence::try_from).collect()
    }

    /// Deletes the sealed bytes of every piece of the case's evidence; the record of what was
    /// kept stays. Returns how many were purged.
    pub async fn purge_evidence_of_case(&mut self, case_id: &str, now: Timestamp) -> Result<u64> {
        let done = sqlx::query(
            "UPDATE verification_evidence SET sealed = NULL, purged_at = $1 WHERE case_id = $2 AND purged_at IS NULL",
        )
        .bind(now.millis())
        .bind(case_id)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected())
    }
}
