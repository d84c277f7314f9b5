//! The live verification call: the one-time link that opens the hosted page, the queue the
//! member waits in, the chat with the agent, and the questions drawn from the account's records.

use crate::audit::Change;
use crate::tokens::{constant_time_eq, keyed_hash, random_bytes, random_secret};
use crate::{App, AppError, AppResult};
use trustwork_core::verification::VerificationCase;
use trustwork_core::verification_questions::{self as questions, AccountFacts, Mark};
use trustwork_core::verification_queue::{CallStatus, estimated_wait_seconds};
use trustwork_core::{Actor, Timestamp};
use trustwork_store::live_verification::{
    ChatMessage, Question, StoredFacts, VerificationCall, VerificationSession,
};
use trustwork_store::{Tx, new_id};

/// An agent counts as available for this long after the queue page last asked.
const AGENT_PRESENCE_MS: i64 = 30_000;
/// Finished calls the wait estimate learns from.
const HANDLING_SAMPLE: i64 = 20;
/// A waiting member whose page has not asked for news this long is away: not offered to agents
/// until it asks again (with the same place).
const MEMBER_AWAY_MS: i64 = 60_000;
/// How often the member's "still here" is written.
const MEMBER_SEEN_EVERY_MS: i64 = 10_000;
/// A call's transcript holds at most this many lines.
pub const MAX_CHAT_LINES: i64 = 500;
/// Longest chat line; a chat is for a few words, not documents.
pub const MAX_CHAT_CHARS: usize = 2_000;
/// The transcript's line when the agent sends the video link; a page opened again after it
/// offers the call at once.
pub const INVITE_LINE: &str = "The agent sent you a video link: select “Join the video call”.";

/// A one-time link to the hosted verification page.
#[derive(Debug, Clone)]
pub struct SessionLink {
    pub session: VerificationSession,
    pub url: String,
}

/// The member's browser after it opened the link: who it is and its case.
#[derive(Debug, Clone)]
pub struct MemberSession {
    pub session: VerificationSession,
    pub case: VerificationCase,
    /// A token the page sends back with every change (against cross-site requests).
    pub csrf: String,
}

/// Where the member stands in the queue.
#[derive(Debug, Clone)]
pub struct QueuePlace {
    pub call: VerificationCall,
    /// 1 = next; 0 once an agent has them.
    pub position: usize,
    pub estimated_wait_seconds: i64,
}

/// The member's place and, while they wait, how many agents are free.
#[derive(Debug, Clone)]
pub struct MemberPlace {
    pub place: QueuePlace,
    pub agents_available: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct QueueView {
    pub waiting: Vec<QueuePlace>,
    pub agents_available: i64,
}

/// Who wrote a chat line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatSender {
    Member,
    Agent,
    System,
}

impl ChatSender {
    pub const fn as_str(self) -> &'static str {
        match self {
            ChatSender::Member => "member",
            ChatSender::Agent => "agent",
            ChatSender::System => "system",
        }
    }
}

impl App {
    fn session_url(&self, session_id: &str, link_secret: &str) -> String {
        format!(
            "{}/verify/{session_id}?k={link_secret}",
            self.config().public_url.trim_end_matches('/')
        )
    }

    /// A one-time link for an open case, for the operator to send or embed.
    pub async fn create_verification_session(
        &self,
        actor: &Actor,
        case_id: &str,
    ) -> AppResult<SessionLink> {
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let case = tx.verification_case(case_id).await?;
        if !crate::verification::awaits_freelancer(&case) {
            return Err(AppError::Conflict(format!(
                "verification case {case_id} is {}; a link is only for a case that waits for the member",
                case.status.as_str()
            )));
        }
        let secret = random_secret(24);
        let session = self.new_session(&case, now);
        tx.insert_verification_session(&session, &keyed_hash(&self.config().secret_key, &secret)?)
            .await?;
        tx.append_audit(
            &Change {
                actor,
                account_id: Some(&case.account_id),
                action: "verification.link_created",
                entity_type: "verification_session",
                entity_id: &session.id,
                reason: "a verification link was created",
                before: None,
                after: Some(serde_json::json!({"case_id": case.id, "expires_at": session.expires_at.to_rfc3339()})),
            }
            .record(now),
        )
        .await?;
        tx.commit().await?;
        let url = self.session_url(&session.id, &secret);
        Ok(SessionLink { session, url })
    }

    /// Whether a link would open, without using it (a link checked by a mail scanner's fetch
    /// still works for the member).
    pub async fn check_verification_link(
        &self,
        session_id: &str,
        link_secret: &str,
    ) -> AppResult<()> {
        let mut tx = self.db().read().await?;
        let session = self
            .session_of_link(&mut tx, session_id, link_secret)
            .await?;
        if session.opened_at.is_some() {
            return Err(link_used());
        }
        unexpired(&session, self.now())
    }

    /// Opens a link once. Answers the cookie value the browser keeps for the rest of the
    /// session; the link itself works no more.
    pub async fn redeem_verification_link(
        &self,
        session_id: &str,
        link_secret: &str,
    ) -> AppResult<String> {
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let session = self
            .session_of_link(&mut tx, session_id, link_secret)
            .await?;
        let cookie = self.open_session_in(&mut tx, &session, now).await?;
        tx.commit().await?;
        Ok(cookie)
    }

    /// The session a link names, if the link's secret is its own.
    async fn session_of_link(
        &self,
        tx: &mut Tx,
        session_id: &str,
        link_secret: &str,
    ) -> AppResult<VerificationSession> {
        let hash = keyed_hash(&self.config().secret_key, link_secret)?;
        tx.verification_session_by_link(&hash)
            .await?
            .filter(|s| s.id == session_id)
            .ok_or_else(|| {
                AppError::gone(
                    "link_invalid",
                    "this verification link is not valid; ask for a new one",
                )
            })
    }

    async fn open_session_in(
        &self,
        tx: &mut Tx,
        session: &VerificationSession,
        now: Timestamp,
    ) -> AppResult<String> {
        unexpired(session, now)?;
        let browser_secret = random_secret(24);
        let browser_hash = keyed_hash(&self.config().secret_key, &browser_secret)?;
        if !tx
            .open_verification_session(&session.id, &browser_hash, now)
            .await?
        {
            return Err(link_used());
        }
        Ok(format!("{}.{browser_secret}", session.id))
    }

    /// A new, unopened session for the case, valid for `verification_link_ms`.
    fn new_session(&self, case: &VerificationCase, now: Timestamp) -> VerificationSession {
        VerificationSession {
            id: new_id("vs"),
            case_id: case.id.clone(),
            account_id: case.account_id.clone(),
            created_at: now,
            expires_at: now.plus_millis(self.policy().verification_link_ms),
            opened_at: None,
            browser_hash: None,
            consent_at: None,
        }
    }

    /// Settings → Identity Verification → "Start chat" for a signed-in member: a session for the
    /// open case, opened at once in this browser.
    pub async fn start_verification_chat(&self, account_id: &str) -> AppResult<String> {
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let case = tx
            .open_verification_case(account_id)
            .await?
            .filter(crate::verification::awaits_freelancer)
            .ok_or_else(|| AppError::Conflict("there is no verification waiting for you".into()))?;
        let session = self.new_session(&case, now);
        // Nobody receives this link: the secret is thrown away and the session opened directly.
        let unused = hex::encode(random_bytes(24));
        tx.insert_verification_session(&session, &keyed_hash(&self.config().secret_key, &unused)?)
            .await?;
        let cookie = self.open_session_in(&mut tx, &session, now).await?;
        tx.commit().await?;
        Ok(cookie)
    }

    /// The account a verification session belongs to.
    pub async fn verification_session_owner(&self, session_id: &str) -> AppResult<String> {
        let mut tx = self.db().read().await?;
        Ok(tx.verification_session(session_id).await?.account_id)
    }

    /// The browser holding `cookie` for session `session_id`, or why not.
    pub async fn member_session(&self, session_id: &str, cookie: &str) -> AppResult<MemberSession> {
        let now = self.now();
        let refused =
            || AppError::Forbidden("open your verification link again in this browser".into());
        let (cookie_session, secret) = cookie.split_once('.').ok_or_else(refused)?;
        if cookie_session != session_id {
            return Err(refused());
        }
        let mut tx = self.db().read().await?;
        let session = tx.verification_session(session_id).await?;
        let expected = session.browser_hash.as_deref().ok_or_else(refused)?;
        if !constant_time_eq(&keyed_hash(&self.config().secret_key, secret)?, expected) {
            return Err(refused());
        }
        if session.expires_at <= now {
            return Err(AppError::gone(
                "link_expired",
                "this verification session has expired; start again from Settings → Identity Verification",
            ));
        }
        let case = tx.verification_case(&session.case_id).await?;
        let csrf = self.session_tag(secret, "verification-page");
        Ok(MemberSession {
            session,
            case,
            csrf,
        })
    }

    /// The member joins the queue (or finds their place again after leaving the page). Consent
    /// to the ID still is asked first and recorded.
    pub async fn join_verification_queue(
        &self,
        member: &MemberSession,
        consent: bool,
    ) -> AppResult<VerificationCall> {
        if !consent {
            return Err(AppError::invalid(
                "consent",
                "please agree that the agent may look at your ID on camera and keep a still of it",
            ));
        }
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let case = tx.verification_case(&member.case.id).await?;
        if !crate::verification::awaits_freelancer(&case) {
            return Err(AppError::Conflict(format!(
                "this verification is {}; there is nothing to wait for",
                case.status.as_str().replace('_', " ")
            )));
        }
        tx.lock_account(&case.account_id).await?;
        if let Some(live) = tx.live_call_of_case(&case.id).await? {
            tx.commit().await?;
            return Ok(live);
        }
        tx.record_verification_consent(&member.session.id, now)
            .await?;
        let call = VerificationCall {
            id: new_id("vcl"),
            case_id: case.id.clone(),
            session_id: member.session.id.clone(),
            status: CallStatus::Waiting,
            joined_at: now,
            agent_id: None,
            taken_at: None,
            started_at: None,
            ended_at: None,
            member_seen_at: Some(now),
        };
        tx.insert_verification_call(&call).await?;
        tx.append_audit(
            &Change {
                actor: &Actor::Account(case.account_id.clone()),
                account_id: Some(&case.account_id),
                action: "verification.queue_joined",
                entity_type: "verification_call",
                entity_id: &call.id,
                reason: "consented to the ID check on camera and joined the queue",
                before: None,
                after: None,
            }
            .record(now),
        )
        .await?;
        tx.commit().await?;
        Ok(call)
    }

    /// The member leaves the queue before an agent takes them. The case's deadline keeps
    /// running; joining again puts them at the back.
    pub async fn leave_verification_queue(&self, member: &MemberSession) -> AppResult<()> {
        let now = self.now();
        let mut tx = self.db().begin().await?;
        if let Some(live) = tx.live_call_of_case(&member.case.id).await? {
            // Only a member still waiting leaves; one an agent just took stays with the agent.
            tx.finish_verification_call(&live.id, CallStatus::Waiting, CallStatus::Left, now)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The waiting members in order, with estimated waits.
    pub async fn verification_queue(&self) -> AppResult<QueueView> {
        let now = self.now();
        let mut tx = self.db().read().await?;
        let waiting = tx
            .waiting_calls(now.plus_millis(-MEMBER_AWAY_MS), 500)
            .await?;
        let agents = tx
            .agents_available(now.plus_millis(-AGENT_PRESENCE_MS))
            .await?;
        let handling = tx.recent_handling_ms(HANDLING_SAMPLE).await?;
        let agents_usize = usize::try_from(agents).unwrap_or(0);
        let waiting = waiting
            .into_iter()
            .enumerate()
            .map(|(i, call)| QueuePlace {
                call,
                position: i + 1,
                estimated_wait_seconds: estimated_wait_seconds(i + 1, agents_usize, &handling),
            })
            .collect();
        Ok(QueueView {
            waiting,
            agents_available: agents,
        })
    }

    /// The member's place: their live call with its position (0 once an agent has them).
    /// Asking counts as the member being on the page.
    pub async fn member_place(&self, member: &MemberSession) -> AppResult<Option<MemberPlace>> {
        let now = self.now();
        let mut tx = self.db().read().await?;
        let Some(call) = tx.live_call_of_case(&member.case.id).await? else {
            return Ok(None);
        };
        drop(tx);
        if call
            .member_seen_at
            .is_none_or(|t| t.millis() < now.millis() - MEMBER_SEEN_EVERY_MS)
        {
            let mut tx = self.db().begin().await?;
            tx.call_member_seen(&call.id, now, MEMBER_SEEN_EVERY_MS)
                .await?;
            tx.commit().await?;
        }
        if call.status == CallStatus::WithAgent {
            return Ok(Some(MemberPlace {
                place: QueuePlace {
                    call,
                    position: 0,
                    estimated_wait_seconds: 0,
                },
                agents_available: None,
            }));
        }
        let queue = self.verification_queue().await?;
        let place = queue
            .waiting
            .into_iter()
            .find(|p| p.call.id == call.id)
            // Set aside a moment ago and not yet back in the list read above.
            .unwrap_or(QueuePlace {
                call,
                position: 0,
                estimated_wait_seconds: 0,
            });
        Ok(Some(MemberPlace {
            place,
            agents_available: Some(queue.agents_available),
        }))
    }

    /// The calls an agent has taken and not finished.
    pub async fn calls_with_agent(&self, agent_id: &str) -> AppResult<Vec<VerificationCall>> {
        let mut tx = self.db().read().await?;
        let calls = tx.calls_in(CallStatus::WithAgent, 500).await?;
        Ok(calls
            .into_iter()
            .filter(|c| c.agent_id.as_deref() == Some(agent_id))
            .collect())
    }

    /// Cases waiting for a second look, the soonest due first.
    pub async fn further_review_queue(&self) -> AppResult<Vec<VerificationCase>> {
        let mut tx = self.db().read().await?;
        Ok(tx.cases_in_further_review().await?)
    }

    /// The display name of a case's account (for queue lists).
    pub async fn account_name_of_case(&self, case_id: &str) -> AppResult<String> {
        let mut tx = self.db().read().await?;
        let case = tx.verification_case(case_id).await?;
        Ok(tx.account(&case.account_id).await?.display_name)
    }

    /// An agent has the queue open: they count as available for a little while.
    pub async fn agent_present(&self, agent_id: &str) -> AppResult<()> {
        let now = self.now();
        let mut tx = self.db().begin().await?;
        tx.agent_seen(agent_id, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The agent takes the member who has waited longest. `None` when nobody waits. Draws a
    /// fresh set of questions for the call.
    pub async fn take_next_verification(
        &self,
        agent_id: &str,
    ) -> AppResult<Option<VerificationCall>> {
        let now = self.now();
        for _ in 0..5 {
            let mut tx = self.db().begin().await?;
            let Some(next) = tx
                .waiting_calls(now.plus_millis(-MEMBER_AWAY_MS), 1)
                .await?
                .pop()
            else {
                return Ok(None);
            };
            if !tx.take_verification_call(&next.id, agent_id, now).await? {
                // Another agent took this one a moment ago: try the next.
                continue;
            }
            let case = tx.verification_case(&next.case_id).await?;
            self.draw_questions_in(&mut tx, &case, &next.id, now)
                .await?;
            insert_chat(
                &mut tx,
                &next,
                ChatSender::System,
                "An agent has joined. They will send you a video link in a moment.",
                now,
            )
            .await?;
            tx.append_audit(
                &Change {
                    actor: &Actor::Account(agent_id.to_owned()),
                    account_id: Some(&case.account_id),
                    action: "verification.call_taken",
                    entity_type: "verification_call",
                    entity_id: &next.id,
                    reason: "took the member from the verification queue",
                    before: None,
                    after: None,
                }
                .record(now),
            )
            .await?;
            tx.commit().await?;
            return Ok(Some(tx_call(self, &next.id).await?));
        }
        Err(AppError::Conflict(
            "other agents took every waiting member; try again".into(),
        ))
    }

    /// The agent puts the member back in the queue (at their old place) without an outcome:
    /// the agent has to leave, or the member should talk to someone else.
    pub async fn release_verification_call(
        &self,
        agent_id: &str,
        call_id: &str,
    ) -> AppResult<VerificationCall> {
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let call = tx.verification_call(call_id).await?;
        if !tx.release_verification_call(call_id, agent_id, now).await? {
            return Err(AppError::Conflict(
                "this call is not yours or has ended".into(),
            ));
        }
        insert_chat(
            &mut tx,
            &call,
            ChatSender::System,
            "The agent put you back in the queue; the next agent will be with you shortly.",
            now,
        )
        .await?;
        tx.commit().await?;
        tx_call(self, call_id).await
    }

    pub async fn verification_call(&self, call_id: &str) -> AppResult<VerificationCall> {
        tx_call(self, call_id).await
    }

    /// A call the agent may work on: theirs (an admin may open any).
    pub async fn agent_call(
        &self,
        agent_id: &str,
        is_admin: bool,
        call_id: &str,
    ) -> AppResult<VerificationCall> {
        let call = tx_call(self, call_id).await?;
        if !is_admin && call.agent_id.as_deref() != Some(agent_id) {
            return Err(AppError::Forbidden(
                "this call belongs to another agent".into(),
            ));
        }
        Ok(call)
    }

    /// A chat line on a live call, kept as the case's transcript.
    pub async fn post_verification_chat(
        &self,
        call_id: &str,
        sender: ChatSender,
        body: &str,
    ) -> AppResult<ChatMessage> {
        let body = body.trim();
        if body.is_empty() {
            return Err(AppError::invalid("body", "write a message first"));
        }
        if body.chars().count() > MAX_CHAT_CHARS {
            return Err(AppError::invalid(
                "body",
                format!("a chat message holds at most {MAX_CHAT_CHARS} characters"),
            ));
        }
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let call = tx.verification_call(call_id).await?;
        if !call.status.is_live() {
            return Err(AppError::Conflict("this call has ended".into()));
        }
        if tx.chat_lines_of_call(call_id).await? >= MAX_CHAT_LINES {
            return Err(AppError::Conflict(format!(
                "this call's chat is full ({MAX_CHAT_LINES} lines)"
            )));
        }
        let m = insert_chat(&mut tx, &call, sender, body, now).await?;
        tx.commit().await?;
        Ok(m)
    }

    /// The browsers connected for the first time: the call's start is recorded once, as a line
    /// in the transcript (returned, for both pages to show).
    pub async fn call_connected(&self, call_id: &str) -> AppResult<Option<ChatMessage>> {
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let call = tx.verification_call(call_id).await?;
        let line = if tx.mark_call_started(call_id, now).await? {
            Some(
                insert_chat(
                    &mut tx,
                    &call,
                    ChatSender::System,
                    "Video call started.",
                    now,
                )
                .await?,
            )
        } else {
            None
        };
        tx.commit().await?;
        Ok(line)
    }

    pub async fn verification_transcript(&self, case_id: &str) -> AppResult<Vec<ChatMessage>> {
        let mut tx = self.db().read().await?;
        Ok(tx.chat_of_case(case_id).await?)
    }

    /// What the records say about the account, for the questions.
    pub async fn account_facts(&self, account_id: &str) -> AppResult<AccountFacts> {
        let mut tx = self.db().read().await?;
        facts_in(&mut tx, account_id).await
    }

    /// Sets the profile facts a verification call asks about.
    pub async fn put_account_facts(
        &self,
        actor: &Actor,
        account_id: &str,
        street_address: &str,
        college: &str,
        skills: &[String],
    ) -> AppResult<()> {
        for (field, text, max) in [
            ("street_address", street_address, 300),
            ("college", college, 200),
        ] {
            if text.chars().count() > max {
                return Err(AppError::invalid(
                    field,
                    format!("at most {max} characters"),
                ));
            }
        }
        if skills.len() > 100
            || skills
                .iter()
                .any(|s| s.chars().count() > 100 || s.contains('\n'))
        {
            return Err(AppError::invalid(
                "skills",
                "at most 100 skills of at most 100 characters each, one line each",
            ));
        }
        let now = self.now();
        let mut tx = self.db().begin().await?;
        tx.account(account_id).await?;
        let facts = StoredFacts {
            street_address: street_address.trim().to_owned(),
            college: college.trim().to_owned(),
            skills: skills
                .iter()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join("\n"),
        };
        tx.put_account_facts(account_id, &facts, now).await?;
        tx.append_audit(
            &Change {
                actor,
                account_id: Some(account_id),
                action: "account.facts_updated",
                entity_type: "account",
                entity_id: account_id,
                reason: "profile facts updated",
                before: None,
                after: None,
            }
            .record(now),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The case's current questions; a set is drawn (outside any console call) when there is
    /// none yet, so an operator running its own call gets questions too.
    pub async fn verification_questions(&self, case_id: &str) -> AppResult<Vec<Question>> {
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let case = tx.verification_case(case_id).await?;
        let current = tx.latest_questions(case_id).await?;
        if !current.is_empty() || !case.status.is_open() {
            return Ok(current);
        }
        let drawn = self.draw_questions_in(&mut tx, &case, "", now).await?;
        tx.commit().await?;
        Ok(drawn)
    }

    pub async fn call_questions(&self, call_id: &str) -> AppResult<Vec<Question>> {
        let mut tx = self.db().read().await?;
        Ok(tx.questions_of_call(call_id).await?)
    }

    /// The agent marks how the member answered a question.
    pub async fn mark_verification_question(
        &self,
        actor: &Actor,
        case_id: &str,
        question_id: &str,
        mark: Mark,
    ) -> AppResult<Question> {
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let case = tx.verification_case(case_id).await?;
        let q = tx.question(question_id).await?;
        if q.case_id != case_id {
            return Err(AppError::NotFound {
                entity: "question",
                id: question_id.to_owned(),
            });
        }
        if !case.status.is_open() {
            return Err(AppError::Conflict(
                "the case is decided; its answers can no longer change".into(),
            ));
        }
        tx.mark_question(question_id, mark, now).await?;
        tx.append_audit(
            &Change {
                actor,
                account_id: Some(&case.account_id),
                action: "verification.answer_marked",
                entity_type: "verification_question",
                entity_id: question_id,
                reason: &format!("{}: {}", q.topic.as_str(), mark.as_str()),
                before: None,
                after: None,
            }
            .record(now),
        )
        .await?;
        tx.commit().await?;
        tx_question(self, question_id).await
    }

    async fn draw_questions_in(
        &self,
        tx: &mut Tx,
        case: &VerificationCase,
        call_id: &str,
        now: Timestamp,
    ) -> AppResult<Vec<Question>> {
        let facts = facts_in(tx, &case.account_id).await?;
        let seed = u64::from_le_bytes(
            random_bytes(8)
                .try_into()
                .map_err(|_| AppError::Internal("eight random bytes".into()))?,
        );
        let mut out = Vec::new();
        for (i, d) in questions::draw(&facts, seed).into_iter().enumerate() {
            let q = Question {
                id: new_id("vq"),
                case_id: case.id.clone(),
                call_id: call_id.to_owned(),
                position: i as i64 + 1,
                topic: d.topic,
                prompt: d.prompt,
                expected: d.expected,
                mark: Mark::NotAsked,
                drawn_at: now,
                marked_at: None,
            };
            tx.insert_question(&q).await?;
            out.push(q);
        }
        Ok(out)
    }

    /// Ends the case's live call (the outcome was recorded), inside the caller's transaction.
    pub(crate) async fn end_live_call_in(
        &self,
        tx: &mut Tx,
        case_id: &str,
        now: Timestamp,
    ) -> AppResult<()> {
        if let Some(call) = tx.live_call_of_case(case_id).await? {
            let status = if call.status == CallStatus::WithAgent {
                CallStatus::Ended
            } else {
                CallStatus::Left
            };
            tx.finish_verification_call(&call.id, call.status, status, now)
                .await?;
            if status == CallStatus::Ended {
                insert_chat(
                    tx,
                    &call,
                    ChatSender::System,
                    "The agent ended the call.",
                    now,
                )
                .await?;
            }
        }
        Ok(())
    }
}

fn link_used() -> AppError {
    AppError::gone(
        "link_used",
        "this verification link was already used; each link works once",
    )
}

fn unexpired(session: &VerificationSession, now: Timestamp) -> AppResult<()> {
    if session.expires_at <= now {
        return Err(AppError::gone(
            "link_expired",
            "this verification link has expired; ask for a new one or start from Settings → Identity Verification",
        ));
    }
    Ok(())
}

async fn tx_call(app: &App, call_id: &str) -> AppResult<VerificationCall> {
    let mut tx = app.db().read().await?;
    Ok(tx.verification_call(call_id).await?)
}

async fn tx_question(app: &App, id: &str) -> AppResult<Question> {
    let mut tx = app.db().read().await?;
    Ok(tx.question(id).await?)
}

async fn insert_chat(
    tx: &mut Tx,
    call: &VerificationCall,
    sender: ChatSender,
    body: &str,
    now: Timestamp,
) -> AppResult<ChatMessage> {
    let m = ChatMessage {
        id: new_id("vm"),
        case_id: call.case_id.clone(),
        call_id: call.id.clone(),
        sender: sender.as_str().to_owned(),
        body: body.to_owned(),
        sent_at: now,
    };
    tx.insert_chat_message(&m).await?;
    Ok(m)
}

/// Everything the records say about the account, gathered for the questions.
async fn facts_in(tx: &mut Tx, account_id: &str) -> AppResult<AccountFacts> {
    use trustwork_core::marketplace::ContractStatus;
    let account = tx.account(account_id).await?;
    let stored = tx.account_facts(account_id).await?;
    let contracts = tx.contracts_of(account_id).await?;
    let active: Vec<_> = contracts
        .iter()
        .filter(|c| c.status == ContractStatus::Active && c.freelancer_id == account_id)
        .collect();
    let current_client = match active.first() {
        Some(c) => tx.find_account(&c.client_id).await?.map(|a| a.display_name),
        None => None,
    };
    let stored = stored.unwrap_or(StoredFacts {
        street_address: String::new(),
        college: String::new(),
        skills: String::new(),
    });
    Ok(AccountFacts {
        full_name: account.display_name,
        email: account.email,
        street_address: stored.street_address,
        college: stored.college,
        skills: stored.skills.lines().map(str::to_owned).collect(),
        joined_at: Some(account.created_at),
        active_contracts: (account.role == trustwork_core::Role::Freelancer)
            .then(|| u32::try_from(active.len()).unwrap_or(u32::MAX)),
        current_client,
        total_hours: None,
        job_success_score: None,
        hours_last_week: None,
    })
}
