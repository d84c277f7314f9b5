//! Job posts and their review (seed 004: every job post reviewed within 30 minutes, around the
//! clock). The policy decides each `job.posted`: refused, sent to the `job_posts` queue, or
//! approved at once (a clean post from a client who can pay and has no record). Agents approve,
//! reject with a reason, or ask for changes; the client is told why, and subscribers hear
//! `job_post.reviewed`.

use crate::audit::Change;
use crate::{App, AppError, AppResult, notices};
use trustwork_core::enforcement::event::JobPosted;
use trustwork_core::marketplace::{JobReviewDecision, JobStatus, job_status_after_decision};
use trustwork_core::review::{EntityType, Queue};
use trustwork_core::{Actor, Timestamp};
use trustwork_store::Tx;
use trustwork_store::accounts::Account;
use trustwork_store::marketplace::{JobPost, JobReview};

/// A job id belongs to the client who first posted it: another account may not post over it,
/// and a post an agent rejected may not come back under the same id.
/// Answers the post as it stands (none for a new id).
pub(crate) async fn check_owner_in(
    tx: &mut Tx,
    client_id: &str,
    job_id: &str,
) -> AppResult<Option<JobPost>> {
    match tx.find_job_post(job_id).await? {
        Some(job) if job.client_id != client_id => Err(AppError::Conflict(format!(
            "job post {job_id} belongs to another client"
        ))),
        Some(job) if job.review.decision == Some(JobReviewDecision::Reject) => {
            Err(AppError::Conflict(format!(
                "job post {job_id} was rejected after review and cannot be posted again"
            )))
        }
        found => Ok(found),
    }
}

/// Records what the decision on a `job.posted` made of the post, inside the event's
/// transaction. A post sent back for changes, or posted again while in review, is reviewed
/// again whatever the policy said (an agent asked to see it); a review case left with nothing to
/// decide is closed.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn record_posted_in(
    app: &App,
    tx: &mut Tx,
    client: &Account,
    posted: &JobPosted,
    previous: Option<JobPost>,
    blocked: bool,
    mut review_case_id: Option<String>,
    decision_id: &str,
    now: Timestamp,
) -> AppResult<JobPost> {
    let must_review = previous.as_ref().is_some_and(|p| {
        p.status == JobStatus::PendingReview
            || p.review.decision == Some(JobReviewDecision::RequestChanges)
    });
    if !blocked && review_case_id.is_none() && must_review {
        let case = crate::review::open_review_case_in(
            app,
            tx,
            crate::review::NewReviewCase {
                queue: Queue::JobPosts,
                subject_account_id: client.id.clone(),
                entity_type: EntityType::JobPost,
                entity_id: posted.job_id.clone(),
                content: format!("{}\n\n{}", posted.title, posted.description),
                explanation_json: serde_json::json!({
                    "decision_id": decision_id,
                    "rules": ["job_post_review_again"],
                })
                .to_string(),
                decision_id: Some(decision_id.to_owned()),
                priority: 0,
                weight: 0,
                actor: Actor::system("job_review"),
            },
            now,
        )
        .await?;
        review_case_id = Some(case.id);
    }
    let job = JobPost {
        id: posted.job_id.clone(),
        client_id: client.id.clone(),
        title: posted.title.clone(),
        description: posted.description.clone(),
        status: job_status_after_decision(blocked, review_case_id.is_some()),
        visibility: posted.visibility(),
        created_at: now,
        review: JobReview {
            case_id: review_case_id,
            ..JobReview::default()
        },
    };
    match &previous {
        Some(before) => {
            if let Some(old_case) = &before.review.case_id
                && job.review.case_id.as_ref() != Some(old_case)
            {
                tx.close_review_case_as_moot(old_case, "the post was posted again", now)
                    .await?;
            }
            tx.repost_job(&job, now).await?;
        }
        None => tx.insert_job_post(&job).await?,
    }
    Ok(job)
}

/// A short fingerprint of what a reviewer reads (title and description, FNV-1a), so that a
/// decision can say which text it was about.
pub fn content_version(job: &JobPost) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in job
        .title
        .bytes()
        .chain(std::iter::once(0))
        .chain(job.description.bytes())
    {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

fn job_json(j: &JobPost) -> serde_json::Value {
    serde_json::json!({
        "id": j.id,
        "client_id": j.client_id,
        "status": j.status.as_str(),
        "visibility": j.visibility.as_str(),
        "review": {
            "case_id": j.review.case_id,
            "decision": j.review.decision.map(|d| d.as_str()),
            "note": j.review.note,
            "reviewed_at": j.review.reviewed_at.map(|t| t.to_rfc3339()),
        },
    })
}

/// Overdue cases handled per sweep; the next sweep takes the rest.
const ESCALATION_BATCH: i64 = 50;

impl App {
    /// Tells the admins of every open review case that passed its SLA (once per case): the
    /// seed's 30-minute job review, and every other queue's. Run by the timer runner; answers
    /// how many cases were escalated.
    pub async fn escalate_breached_reviews(&self) -> AppResult<usize> {
        let now = self.now();
        let mut read = self.db().read().await?;
        if read.breached_unescalated(now, 1).await?.is_empty() {
            return Ok(0);
        }
        drop(read);
        let mut tx = self.db().begin().await?;
        let due = tx.breached_unescalated(now, ESCALATION_BATCH).await?;
        let admins = tx
            .accounts_with_role(trustwork_core::Role::Admin, 20)
            .await?;
        let url = self.config().public_url.trim_end_matches('/').to_owned();
        let mut lines = Vec::new();
        for case in &due {
            // Spot checks are sampled for quality, not owed to anyone by a deadline.
            if case.queue == Queue::SpotCheck || !tx.mark_escalated(&case.id, now).await? {
                continue;
            }
            let late_minutes = (now.millis() - case.sla_due_at.millis()) / 60_000;
            lines.push(format!(
                "- {} case in {}, due {} ({late_minutes} min ago): {url}/review/{}",
                case.entity_type.as_str().replace('_', " "),
                case.queue.as_str(),
                case.sla_due_at.to_human(),
                case.id
            ));
            tx.append_audit(
                &Change {
                    actor: &Actor::system("review_sla"),
                    account_id: Some(&case.subject_account_id),
                    action: "review.sla_breached",
                    entity_type: "review_case",
                    entity_id: &case.id,
                    reason: &format!(
                        "{} queue: due {}",
                        case.queue.as_str(),
                        case.sla_due_at.to_rfc3339()
                    ),
                    before: None,
                    after: None,
                }
                .record(now),
            )
            .await?;
        }
        let escalated = lines.len();
        // One email per admin per sweep, however many cases fell overdue together.
        if escalated > 0 {
            for admin in &admins {
                notices::queue(
                    self,
                    &mut tx,
                    admin,
                    format!("Review overdue: {escalated} case(s) past their deadline"),
                    format!(
                        "These review cases passed their deadline and nobody has decided them:\n\n{}",
                        lines.join("\n")
                    ),
                    now,
                )
                .await?;
            }
        }
        tx.commit().await?;
        if escalated > 0 {
            self.wake_outbox();
        }
        Ok(escalated)
    }

    /// Each review queue with open cases: how many, the oldest's age, how many are overdue.
    pub async fn review_queue_stats(&self) -> AppResult<Vec<trustwork_store::review::QueueStats>> {
        let now = self.now();
        let mut tx = self.db().read().await?;
        Ok(tx.open_case_stats(now).await?)
    }

    pub async fn job(&self, id: &str) -> AppResult<JobPost> {
        let mut tx = self.db().read().await?;
        Ok(tx.job_post(id).await?)
    }

    /// An agent's decision on a post waiting for review. A reason is required to reject or to
    /// ask for changes (the client reads it); the post's review case is resolved with it.
    pub async fn review_job(
        &self,
        agent_id: &str,
        job_id: &str,
        decision: JobReviewDecision,
        note: &str,
    ) -> AppResult<JobPost> {
        self.review_job_seen(agent_id, job_id, decision, note, None)
            .await
    }

    /// [`Self::review_job`] for the text the agent read: `seen` is the [`content_version`] of the
    /// post as shown; if the client posted it again since, the decision is refused (409) rather
    /// than applied to words nobody read.
    pub async fn review_job_seen(
        &self,
        agent_id: &str,
        job_id: &str,
        decision: JobReviewDecision,
        note: &str,
        seen: Option<&str>,
    ) -> AppResult<JobPost> {
        let note = crate::review::member_note(
            note,
            decision == JobReviewDecision::Approve,
            "tell the client what is wrong with the post (they read this)",
        )?;
        let now = self.now();
        let mut tx = self.db().begin().await?;
        crate::review::reviewer_in(&mut tx, agent_id, "job posts").await?;
        let job = tx.job_post(job_id).await?;
        if seen.is_some_and(|v| v != content_version(&job)) {
            return Err(AppError::Conflict(
                "the client changed the post since you opened it; reload and read it again".into(),
            ));
        }
        if job.status != JobStatus::PendingReview {
            return Err(AppError::Conflict(format!(
                "job post {job_id} is {}, not waiting for review",
                job.status.as_str()
            )));
        }
        // The case first, then the post: the event writer locks them in that order too.
        let case_id = job.review.case_id.as_deref();
        crate::review::claim_for_decision(self, &mut tx, case_id, agent_id, "this post", now)
            .await?;
        if !tx
            .decide_job_review(job_id, decision, agent_id, note, now)
            .await?
        {
            return Err(AppError::Conflict(
                "another agent reviewed this post a moment ago; reload".into(),
            ));
        }
        let refused = decision == JobReviewDecision::Reject;
        crate::review::resolve_decided(
            &mut tx,
            case_id,
            agent_id,
            refused,
            note,
            decision.as_str(),
            now,
        )
        .await?;
        let reviewed = tx.job_post(job_id).await?;
        tx.append_audit(
            &Change {
                actor: &Actor::Account(agent_id.to_owned()),
                account_id: Some(&job.client_id),
                action: "job_post.reviewed",
                entity_type: "job_post",
                entity_id: job_id,
                reason: &format!("{}: {note}", decision.as_str()),
                before: Some(serde_json::json!({"status": job.status.as_str()})),
                after: Some(serde_json::json!({"status": reviewed.status.as_str()})),
            }
            .record(now),
        )
        .await?;
        if decision != JobReviewDecision::Approve {
            let client = tx.account(&job.client_id).await?;
            let (subject, body) = notices::job_review_email(self, &job.title, decision, note);
            notices::queue(self, &mut tx, &client, subject, body, now).await?;
        }
        crate::webhooks::enqueue_webhooks_in(
            self,
            &mut tx,
            "job_post.reviewed",
            job_json(&reviewed),
            now,
        )
        .await?;
        tx.commit().await?;
        self.wake_outbox();
        Ok(reviewed)
    }
}
