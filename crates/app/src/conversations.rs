//! Conversations (seed 002): a client invites a freelancer to a job (the invitation's note opens
//! the thread), accepting starts the interview; a client's reply to a proposal starts it too.
//! Every message typed here goes through the enforcement pipeline as a `message.sent`: a blocked
//! message is kept for its review case and shown only to its sender, with the reason.

use crate::audit::Change;
use crate::events::DecisionView;
use crate::standing::{ensure_allowed, permission_in};
use crate::{App, AppError, AppResult};
use trustwork_core::conversation::{
    InvitationStatus, MAX_MESSAGE_CHARS, Message, MessageStatus, Thread, ThreadKind,
    after_client_reply, why_not_answer, why_not_invite,
};
use trustwork_core::marketplace::{ContractStatus, ProposalStatus};
use trustwork_core::{Actor, Capability, Role, Timestamp};
use trustwork_store::conversations::{Invitation, ThreadCall};
use trustwork_store::marketplace::Proposal;
use trustwork_store::{Tx, new_id};

/// How many of a thread's latest messages a page shows.
pub const THREAD_PAGE: i64 = 200;

/// A thread as one of its participants (or an agent) sees it.
#[derive(Debug, Clone)]
pub struct ThreadView {
    pub thread: Thread,
    pub participants: Vec<String>,
    /// The job's title, for a thread about a job or a proposal.
    pub title: String,
    /// The proposal an interview thread belongs to, with its status.
    pub proposal: Option<Proposal>,
    /// The messages the viewer may see, oldest first.
    pub messages: Vec<Message>,
    /// The thread's calls, latest first.
    pub calls: Vec<ThreadCall>,
}

/// A message typed in the console, as decided.
#[derive(Debug, Clone)]
pub struct Sent {
    pub message: Message,
    pub decision: DecisionView,
}

impl Sent {
    pub fn delivered(&self) -> bool {
        self.message.status == MessageStatus::Delivered
    }
}

fn message_text(text: &str) -> AppResult<String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(AppError::invalid("text", "must not be empty"));
    }
    if t.chars().count() > MAX_MESSAGE_CHARS {
        return Err(AppError::invalid(
            "text",
            format!("must be at most {MAX_MESSAGE_CHARS} characters"),
        ));
    }
    Ok(t.to_owned())
}

fn not_found(id: &str) -> AppError {
    AppError::NotFound {
        entity: "thread",
        id: id.to_owned(),
    }
}

/// The thread, if `account_id` takes part in it (else not found: a thread's existence is not
/// told to outsiders).
pub(crate) async fn thread_of_participant(
    tx: &mut Tx,
    account_id: &str,
    thread_id: &str,
) -> AppResult<(Thread, Vec<String>)> {
    let thread = tx
        .find_thread(thread_id)
        .await?
        .ok_or_else(|| not_found(thread_id))?;
    let participants = tx.thread_participants(thread_id).await?;
    if !participants.iter().any(|p| p == account_id) {
        return Err(not_found(thread_id));
    }
    Ok((thread, participants))
}

/// A message someone else sent that `viewer_id` received (what they may report).
pub(crate) async fn message_seen_by(
    tx: &mut Tx,
    viewer_id: &str,
    message_id: &str,
) -> AppResult<Message> {
    let not_found = || AppError::NotFound {
        entity: "message",
        id: message_id.to_owned(),
    };
    let message = tx.find_message(message_id).await?.ok_or_else(not_found)?;
    if message.sender_id == viewer_id
        || message.status != MessageStatus::Delivered
        || !message.recipient_ids.iter().any(|r| r == viewer_id)
    {
        return Err(not_found());
    }
    Ok(message)
}

/// Whether the two accounts have an active contract together (contact details may be shared
/// then).
async fn contract_between(tx: &mut Tx, a: &str, others: &[String]) -> AppResult<bool> {
    Ok(tx.contracts_of(a).await?.iter().any(|c| {
        c.status == ContractStatus::Active
            && others
                .iter()
                .any(|o| *o == c.client_id || *o == c.freelancer_id)
    }))
}

impl App {
    /// Sends a message from the console: the sender takes part in the thread and may send
    /// messages; the text is decided by the pipeline like a marketplace's `message.sent`.
    pub async fn send_message(
        &self,
        sender_id: &str,
        thread_id: &str,
        text: &str,
    ) -> AppResult<Sent> {
        let text = message_text(text)?;
        let (thread, recipients) = {
            let mut tx = self.db().read().await?;
            let (thread, participants) =
                thread_of_participant(&mut tx, sender_id, thread_id).await?;
            let recipients: Vec<String> = participants
                .into_iter()
                .filter(|p| p != sender_id)
                .collect();
            (thread, recipients)
        };
        if recipients.is_empty() {
            return Err(AppError::Conflict(
                "nobody else takes part in this thread".into(),
            ));
        }
        self.send_to(sender_id, &thread, &recipients, &text).await
    }

    /// Sends `text` (checked) in `thread` to `recipients` through the pipeline and answers the
    /// message as kept.
    async fn send_to(
        &self,
        sender_id: &str,
        thread: &Thread,
        recipients: &[String],
        text: &str,
    ) -> AppResult<Sent> {
        let now = self.now();
        let contract_active = {
            let mut tx = self.db().read().await?;
            ensure_allowed(&mut tx, sender_id, Capability::SendMessages, now).await?;
            contract_between(&mut tx, sender_id, recipients).await?
        };
        let mut data = serde_json::json!({
            "thread_id": thread.id,
            "recipient_ids": recipients,
            "contract_active": contract_active,
            "text": text,
        });
        if let Some(subject) = &thread.subject_id {
            let field = match thread.kind {
                ThreadKind::Job => Some("job_id"),
                ThreadKind::Proposal => Some("proposal_id"),
                ThreadKind::Contract => Some("contract_id"),
                ThreadKind::Direct => None,
            };
            if let Some(field) = field {
                data[field] = serde_json::Value::String(subject.clone());
            }
        }
        let event = serde_json::json!({
            "type": "message.sent",
            "occurred_at": now.to_rfc3339(),
            "actor_id": sender_id,
            "data": data,
        });
        let (decision, _) = self
            .ingest_unbatched(&format!("console-{}", new_id("msg")), &event)
            .await?;
        let mut tx = self.db().read().await?;
        let message = tx
            .find_message(&decision.event_id)
            .await?
            .ok_or_else(|| AppError::Internal(format!("message {} not kept", decision.event_id)))?;
        Ok(Sent { message, decision })
    }

    /// The thread as `viewer_id` (a participant) sees it.
    pub async fn thread_for(&self, viewer_id: &str, thread_id: &str) -> AppResult<ThreadView> {
        let mut tx = self.db().read().await?;
        let (thread, participants) = thread_of_participant(&mut tx, viewer_id, thread_id).await?;
        let mut view = thread_view(&mut tx, thread, participants).await?;
        view.messages
            .retain(|m| m.status.visible_to(&m.sender_id, viewer_id));
        Ok(view)
    }

    /// The whole thread, blocked messages included, for an agent (or the API).
    pub async fn thread_for_staff(&self, thread_id: &str) -> AppResult<ThreadView> {
        let mut tx = self.db().read().await?;
        let thread = match tx.find_thread(thread_id).await? {
            Some(t) => t,
            None => tx
                .thread_of_first_message(thread_id)
                .await?
                .ok_or_else(|| not_found(thread_id))?,
        };
        let mut participants = tx.thread_participants(thread_id).await?;
        let mut view = thread_view(&mut tx, thread, Vec::new()).await?;
        // A thread known only from events: its senders and recipients.
        if participants.is_empty() {
            for m in &view.messages {
                participants.push(m.sender_id.clone());
                participants.extend(m.recipient_ids.iter().cloned());
            }
            participants.sort_unstable();
            participants.dedup();
        }
        view.participants = participants;
        Ok(view)
    }

    /// The message and the thread around it (up to `around` messages each side), for an
    /// agent reviewing it.
    pub async fn message_in_context(
        &self,
        message_id: &str,
        around: usize,
    ) -> AppResult<Option<(ThreadView, usize)>> {
        let (message, around_it) = {
            let mut tx = self.db().read().await?;
            let Some(m) = tx.find_message(message_id).await? else {
                return Ok(None);
            };
            let n = i64::try_from(around).unwrap_or(i64::MAX);
            let messages = tx.messages_around(&m, n).await?;
            (m, messages)
        };
        let mut view = self.thread_for_staff(&message.thread_id).await?;
        // However old the message, the agent reads it with its neighbours.
        view.messages = around_it;
        let at = view
            .messages
            .iter()
            .position(|m| m.id == message.id)
            .unwrap_or_default();
        Ok(Some((view, at)))
    }

    /// The threads the account takes part in, with the last message's time, latest first.
    pub async fn threads_of(
        &self,
        account_id: &str,
    ) -> AppResult<Vec<(ThreadView, Option<Timestamp>)>> {
        let mut tx = self.db().read().await?;
        let mut out = Vec::new();
        for (thread, last) in tx.threads_of(account_id, 100).await? {
            let participants = tx.thread_participants(&thread.id).await?;
            let (title, proposal) = subject_of(&mut tx, &thread).await?;
            out.push((
                ThreadView {
                    thread,
                    participants,
                    title,
                    proposal,
                    messages: Vec::new(),
                    calls: Vec::new(),
                },
                last,
            ));
        }
        Ok(out)
    }

    /// A client invites a freelancer to one of her open jobs. The note is the thread's first
    /// message and goes through the pipeline: refused there, nobody is invited.
    pub async fn invite(
        &self,
        client_id: &str,
        job_id: &str,
        freelancer_id: &str,
        note: &str,
    ) -> AppResult<Invitation> {
        let note = message_text(note).map_err(|_| {
            AppError::invalid(
                "message",
                "write a few words about the job (at most 5,000 characters)",
            )
        })?;
        let now = self.now();
        let thread = Thread {
            id: new_id("thr"),
            kind: ThreadKind::Job,
            subject_id: Some(job_id.to_owned()),
            created_at: now,
        };
        let job_title = {
            let mut tx = self.db().begin().await?;
            let client = tx.account(client_id).await?;
            if client.role != Role::Client {
                return Err(AppError::invalid(
                    "client_id",
                    "only clients invite freelancers",
                ));
            }
            let job = tx.job_post(job_id).await?;
            if job.client_id != client_id {
                return Err(AppError::NotFound {
                    entity: "job post",
                    id: job_id.to_owned(),
                });
            }
            let freelancer = tx.account(freelancer_id).await?;
            if freelancer.role != Role::Freelancer {
                return Err(AppError::invalid(
                    "freelancer_id",
                    "only freelancers can be invited",
                ));
            }
            ensure_allowed(&mut tx, client_id, Capability::SendMessages, now).await?;
            let earlier = tx.invitation_for(job_id, freelancer_id).await?.is_some();
            let proposals: Vec<ProposalStatus> = tx
                .proposals_of(freelancer_id)
                .await?
                .iter()
                .filter(|p| p.job_id == job_id)
                .map(|p| p.status)
                .collect();
            if let Some(why) = why_not_invite(job.status, earlier, &proposals) {
                return Err(AppError::Conflict(why.to_owned()));
            }
            // The freelancer joins the thread only once the note is delivered: a refused note
            // stays with its sender (and its review case).
            tx.insert_thread(&thread, &[client_id]).await?;
            tx.commit().await?;
            job.title
        };
        let sent = self
            .send_to(client_id, &thread, &[freelancer_id.to_owned()], &note)
            .await?;
        if !sent.delivered() {
            return Err(AppError::invalid("message", sent.decision.reason));
        }
        let invitation = Invitation {
            id: new_id("inv"),
            job_id: job_id.to_owned(),
            job_title,
            client_id: client_id.to_owned(),
            freelancer_id: freelancer_id.to_owned(),
            message: note,
            thread_id: thread.id.clone(),
            status: InvitationStatus::Sent,
            proposal_id: None,
            created_at: now,
            updated_at: now,
        };
        let mut tx = self.db().begin().await?;
        // Invited twice at once: the second finds the first here (unique per job and person).
        tx.insert_invitation(&invitation).await?;
        tx.add_participant(&thread.id, freelancer_id).await?;
        tx.append_audit(
            &Change {
                actor: &Actor::Account(client_id.to_owned()),
                account_id: Some(freelancer_id),
                action: "invitation.sent",
                entity_type: "invitation",
                entity_id: &invitation.id,
                reason: "",
                before: None,
                after: Some(serde_json::json!({"job_id": job_id, "thread_id": thread.id})),
            }
            .record(now),
        )
        .await?;
        tx.commit().await?;
        Ok(invitation)
    }

    /// The freelancer accepts (the interview starts: a proposal in `interviewing`, the
    /// invitation's thread becomes its thread) or declines (the thread is kept).
    pub async fn answer_invitation(
        &self,
        freelancer_id: &str,
        invitation_id: &str,
        accept: bool,
    ) -> AppResult<Invitation> {
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let mut invitation = tx
            .find_invitation(invitation_id)
            .await?
            .filter(|i| i.freelancer_id == freelancer_id)
            .ok_or_else(|| AppError::NotFound {
                entity: "invitation",
                id: invitation_id.to_owned(),
            })?;
        if let Some(why) = why_not_answer(invitation.status) {
            return Err(AppError::Conflict(why.to_owned()));
        }
        let (status, proposal_id) = if accept {
            ensure_allowed(&mut tx, freelancer_id, Capability::SubmitProposal, now).await?;
            let job = tx.job_post(&invitation.job_id).await?;
            if job.status != trustwork_core::marketplace::JobStatus::Open {
                return Err(AppError::Conflict("the job is no longer open".into()));
            }
            let proposal = Proposal {
                id: new_id("prp"),
                job_id: job.id.clone(),
                job_title: job.title.clone(),
                freelancer_id: freelancer_id.to_owned(),
                cover_letter: String::new(),
                status: ProposalStatus::Interviewing,
                created_at: now,
                updated_at: now,
            };
            tx.insert_proposal(&proposal).await?;
            (InvitationStatus::Accepted, Some(proposal.id))
        } else {
            (InvitationStatus::Declined, None)
        };
        if !tx
            .answer_invitation(&invitation.id, status, proposal_id.as_deref(), now)
            .await?
        {
            return Err(AppError::Conflict(
                "the invitation was answered meanwhile".into(),
            ));
        }
        if let Some(proposal_id) = &proposal_id {
            tx.make_interview_thread(&invitation.thread_id, proposal_id)
                .await?;
        }
        tx.append_audit(
            &Change {
                actor: &Actor::Account(freelancer_id.to_owned()),
                account_id: Some(freelancer_id),
                action: if accept {
                    "invitation.accepted"
                } else {
                    "invitation.declined"
                },
                entity_type: "invitation",
                entity_id: &invitation.id,
                reason: "",
                before: Some(serde_json::json!({"status": "sent"})),
                after: Some(
                    serde_json::json!({"status": status.as_str(), "proposal_id": proposal_id}),
                ),
            }
            .record(now),
        )
        .await?;
        tx.commit().await?;
        invitation.status = status;
        invitation.proposal_id = proposal_id;
        invitation.updated_at = now;
        Ok(invitation)
    }

    /// The client replies to a proposal on her job: the interview's thread is opened (once),
    /// the message goes through the pipeline, and a delivered reply moves a submitted proposal to
    /// `interviewing`.
    pub async fn reply_to_proposal(
        &self,
        client_id: &str,
        proposal_id: &str,
        text: &str,
    ) -> AppResult<(Sent, Proposal)> {
        let text = message_text(text)?;
        let now = self.now();
        let thread_id = {
            let mut tx = self.db().begin().await?;
            let proposal = tx.proposal(proposal_id).await?;
            let job = tx.job_post(&proposal.job_id).await?;
            if job.client_id != client_id {
                return Err(AppError::NotFound {
                    entity: "proposal",
                    id: proposal_id.to_owned(),
                });
            }
            match tx.thread_about(ThreadKind::Proposal, proposal_id).await? {
                Some(t) => t.id,
                None => {
                    if !proposal.status.is_active() {
                        return Err(AppError::Conflict(format!(
                            "the proposal is {}: there is no interview to start",
                            proposal.status.as_str().replace('_', " ")
                        )));
                    }
                    let thread = Thread {
                        id: new_id("thr"),
                        kind: ThreadKind::Proposal,
                        subject_id: Some(proposal_id.to_owned()),
                        created_at: now,
                    };
                    tx.insert_thread(&thread, &[client_id, &proposal.freelancer_id])
                        .await?;
                    tx.commit().await?;
                    thread.id
                }
            }
        };
        let sent = self.send_message(client_id, &thread_id, &text).await?;
        let mut tx = self.db().begin().await?;
        let proposal = tx.proposal(proposal_id).await?;
        if sent.delivered()
            && let Some(next) = after_client_reply(proposal.status)
        {
            tx.set_proposal_status(&proposal.id, proposal.status, next, now)
                .await?;
            tx.append_audit(
                &Change {
                    actor: &Actor::Account(client_id.to_owned()),
                    account_id: Some(&proposal.freelancer_id),
                    action: "proposal.interviewing",
                    entity_type: "proposal",
                    entity_id: &proposal.id,
                    reason: "",
                    before: Some(serde_json::json!({"status": proposal.status.as_str()})),
                    after: Some(
                        serde_json::json!({"status": next.as_str(), "thread_id": thread_id}),
                    ),
                }
                .record(now),
            )
            .await?;
        }
        let proposal = tx.proposal(proposal_id).await?;
        tx.commit().await?;
        Ok((sent, proposal))
    }

    /// Invitations sent to the freelancer or by the client, latest first.
    pub async fn invitations_of(&self, account_id: &str) -> AppResult<Vec<Invitation>> {
        let mut tx = self.db().read().await?;
        Ok(tx.invitations_of(account_id, 100).await?)
    }

    pub async fn invitation(&self, id: &str) -> AppResult<Invitation> {
        let mut tx = self.db().read().await?;
        tx.find_invitation(id)
            .await?
            .ok_or_else(|| AppError::NotFound {
                entity: "invitation",
                id: id.to_owned(),
            })
    }

    /// Proposals on the client's jobs, latest first.
    pub async fn proposals_to(&self, client_id: &str) -> AppResult<Vec<Proposal>> {
        let mut tx = self.db().read().await?;
        Ok(tx.proposals_to_client(client_id).await?)
    }

    /// The client's job posts, newest first.
    pub async fn jobs_of_client(
        &self,
        client_id: &str,
    ) -> AppResult<Vec<trustwork_store::marketplace::JobPost>> {
        let mut tx = self.db().read().await?;
        Ok(tx.job_posts_of_client(client_id, 100).await?)
    }

    /// The display names of these accounts (an unknown id is left out).
    pub async fn display_names(
        &self,
        ids: impl IntoIterator<Item = &String>,
    ) -> AppResult<std::collections::HashMap<String, String>> {
        let mut tx = self.db().read().await?;
        let mut names = std::collections::HashMap::new();
        for id in ids {
            if names.contains_key(id) {
                continue;
            }
            if let Some(a) = tx.find_account(id).await? {
                names.insert(id.clone(), a.display_name);
            }
        }
        Ok(names)
    }

    /// Whether the account may send messages now, and if not why (for a disabled form).
    pub async fn may_send_messages(
        &self,
        account_id: &str,
    ) -> AppResult<trustwork_core::Permission> {
        let mut tx = self.db().read().await?;
        permission_in(&mut tx, account_id, Capability::SendMessages, self.now()).await
    }
}

/// The job's title and, for an interview, its proposal.
async fn subject_of(tx: &mut Tx, thread: &Thread) -> AppResult<(String, Option<Proposal>)> {
    let Some(subject) = thread.subject_id.as_deref() else {
        return Ok(("Direct messages".to_owned(), None));
    };
    Ok(match thread.kind {
        ThreadKind::Job => match tx.find_job_post(subject).await? {
            Some(job) => (job.title, None),
            None => (subject.to_owned(), None),
        },
        ThreadKind::Proposal => match tx.proposal(subject).await {
            Ok(p) => (p.job_title.clone(), Some(p)),
            Err(_) => (subject.to_owned(), None),
        },
        ThreadKind::Contract => match tx.find_contract(subject).await? {
            Some(c) => (c.title, None),
            None => (format!("Contract {subject}"), None),
        },
        ThreadKind::Direct => ("Direct messages".to_owned(), None),
    })
}

async fn thread_view(
    tx: &mut Tx,
    thread: Thread,
    participants: Vec<String>,
) -> AppResult<ThreadView> {
    let (title, proposal) = subject_of(tx, &thread).await?;
    let messages = tx.messages_of_thread(&thread.id, THREAD_PAGE).await?;
    let calls = tx.calls_of_thread(&thread.id, 50).await?;
    Ok(ThreadView {
        thread,
        participants,
        title,
        proposal,
        messages,
        calls,
    })
}
