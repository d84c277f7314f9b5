//! Review queues and flags: cases opened by the events pipeline and by users' flags, claimed by
//! one agent at a time, and resolved dismissed, upheld (with an enforcement action) or escalated.
//!
//! `explanation_json` is whatever the opener wrote; the console reads these keys when present:
//! `{"findings": [{"category", "kind", "start", "end", "value"}], "rules": ["..."],
//! "counters": {"name": 3}}`, where `start` and `end` are byte offsets into `content`.

use crate::audit::Change;
use crate::{App, AppError, AppResult, notices};
use trustwork_core::audit::AuditRecord;
use trustwork_core::review::{
    self as rules, CaseStatus, Enforcement, EntityType, Flag, FlagReason, Queue, Resolution,
    ReviewCase, SlaState,
};
use trustwork_core::{Actor, Restriction, Timestamp};
use trustwork_store::accounts::Account;
use trustwork_store::review::{CaseFilter, CaseResolution};
use trustwork_store::{Tx, new_id};

/// What the events pipeline (or a flag) asks to put in front of a human.
/// Reports one member may send from the console in a day.
const CONSOLE_FLAGS_PER_DAY: i64 = 20;
/// Days a dismissed report of an item stands before the same member may report it again.
const REFLAG_COOLDOWN_DAYS: i64 = 30;

#[derive(Debug, Clone)]
pub struct NewReviewCase {
    pub queue: Queue,
    pub subject_account_id: String,
    pub entity_type: EntityType,
    pub entity_id: String,
    /// The text under review; may be empty.
    pub content: String,
    /// See the module documentation for the keys the console reads.
    pub explanation_json: String,
    pub decision_id: Option<String>,
    /// At least this priority (0: the queue's own, from [`Queue::base_priority`] and the weight).
    pub priority: i64,
    /// The report's weight in thousandths (0 for a pipeline decision).
    pub weight: i64,
    /// Who opened it, for the audit trail (e.g. the API token that sent the event).
    pub actor: Actor,
}

/// A case in a queue, with where it stands against its SLA now.
#[derive(Debug, Clone)]
pub struct QueuedCase {
    pub case: ReviewCase,
    pub sla: SlaState,
}

/// Which cases a queue listing shows. `status` defaults to open.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    pub queue: Option<Queue>,
    pub sla: Option<SlaState>,
    pub status: Option<CaseStatus>,
}

/// Everything an agent needs on the case page.
#[derive(Debug, Clone)]
pub struct CaseDetail {
    pub case: ReviewCase,
    pub sla: SlaState,
    pub subject: crate::accounts::AccountView,
    pub flags: Vec<Flag>,
    /// The subject's restrictions, oldest first.
    pub restrictions: Vec<Restriction>,
    /// The subject's other cases, newest first.
    pub previous_cases: Vec<ReviewCase>,
}

/// How an agent ends a case.
#[derive(Debug, Clone)]
pub struct ResolveRequest {
    pub resolution: Resolution,
    /// Required when upheld, refused otherwise.
    pub action: Option<Enforcement>,
    pub note: String,
}

/// A user's flag, as the API and the pipeline hand it over.
#[derive(Debug, Clone)]
pub struct FlagRequest {
    pub reporter_id: String,
    pub target_type: String,
    pub target_id: String,
    pub target_account_id: String,
    pub reason: String,
    pub note: String,
    pub content: String,
}

fn case_json(c: &ReviewCase) -> serde_json::Value {
    serde_json::json!({
        "id": c.id,
        "queue": c.queue.as_str(),
        "entity": format!("{}:{}", c.entity_type.as_str(), c.entity_id),
        "status": c.status.as_str(),
        "priority": c.priority,
        "weight": c.weight,
        "reports": c.reports,
        "claimed_by": c.claimed_by,
        "resolution": c.resolution.map(Resolution::as_str),
        "resolution_action": c.resolution_action,
    })
}

/// Opens a case, or adds the report to the open case for the same queue and entity (weight,
/// report count, and a priority that never drops). Runs inside the caller's transaction, so the
/// events pipeline can open cases in the same commit as its decision; on an error the caller
/// must roll back.
pub(crate) async fn open_review_case_in(
    app: &App,
    tx: &mut Tx,
    new: NewReviewCase,
    now: Timestamp,
) -> AppResult<ReviewCase> {
    tx.account(&new.subject_account_id).await?;
    let actor = new.actor.clone();
    let candidate = case_to_open(app, new, now);
    let (mut case, opened) = tx.open_or_report_case(&candidate).await?;
    if !opened {
        let priority = rules::bumped_priority(&case, candidate.priority);
        if priority != case.priority {
            tx.set_review_case_priority(&case.id, priority).await?;
            case.priority = priority;
        }
    }
    tx.append_audit(&case_audit(&actor, &case, opened, now))
        .await?;
    Ok(case)
}

/// The case `new` opens when no case is open for its entity in its queue, with its priority and
/// SLA due time; built without the database.
pub(crate) fn case_to_open(app: &App, new: NewReviewCase, now: Timestamp) -> ReviewCase {
    let config = &app.policy().review;
    ReviewCase {
        id: new_id("rvc"),
        queue: new.queue,
        subject_account_id: new.subject_account_id,
        entity_type: new.entity_type,
        entity_id: new.entity_id,
        content: new.content,
        explanation_json: new.explanation_json,
        decision_id: new.decision_id,
        priority: new.priority.max(rules::priority_for(new.queue, new.weight)),
        weight: new.weight.max(0),
        reports: 1,
        status: CaseStatus::Open,
        claimed_by: None,
        claim_expires_at: None,
        sla_due_at: config.sla_due(new.queue, now),
        created_at: now,
        updated_at: now,
        resolution: None,
        resolution_action: None,
        restriction_id: None,
        resolved_by: None,
        resolved_at: None,
        resolution_note: None,
    }
}

/// The audit record of a case opened (or reported again).
pub(crate) fn case_audit(
    actor: &Actor,
    case: &ReviewCase,
    opened: bool,
    now: Timestamp,
) -> AuditRecord {
    Change {
        actor,
        account_id: Some(&case.subject_account_id),
        action: if opened {
            "review_case.opened"
        } else {
            "review_case.reported"
        },
        entity_type: "review_case",
        entity_id: &case.id,
        reason: case.queue.as_str(),
        before: None,
        after: Some(case_json(case)),
    }
    .record(now)
}

/// Records a user's flag: weighs it by the reporter's past flags, and opens (or adds to) the
/// `flag` case for the target. A reporter flags a thing once while its case is open. Runs inside
/// the caller's transaction; on an error the caller must roll back.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn record_flag_in(
    app: &App,
    tx: &mut Tx,
    reporter_id: &str,
    target_type: &str,
    target_id: &str,
    target_account_id: &str,
    reason: &str,
    note: &str,
    content: &str,
    now: Timestamp,
) -> AppResult<ReviewCase> {
    let target_type = EntityType::parse(target_type)
        .filter(|t| t.flaggable())
        .ok_or_else(|| {
            AppError::invalid(
                "target_type",
                "expected profile, job_post, proposal, message, feedback or account",
            )
        })?;
    let reason = FlagReason::parse(reason).ok_or_else(|| {
        AppError::invalid(
            "reason",
            "expected inappropriate, spam, harassment, off_platform_payment, contact_info, scam or other",
        )
    })?;
    if target_id.trim().is_empty() {
        return Err(AppError::invalid("target_id", "name what is flagged"));
    }
    if note.len() > 2_000 || content.len() > 20_000 {
        return Err(AppError::invalid("note", "the note or content is too long"));
    }
    let reporter = tx.account(reporter_id).await?;
    tx.account(target_account_id).await?;
    if reporter.id == target_account_id {
        return Err(AppError::invalid(
            "target_account_id",
            "a reporter cannot flag their own account or content",
        ));
    }
    let record = tx.reporter_record(&reporter.id).await?;
    let weight = app
        .policy()
        .review
        .flag_weight(record.upheld, record.dismissed);
    let actor = Actor::Account(reporter.id.clone());
    let explanation = serde_json::json!({
        "source": "flag",
        "reason": reason.as_str(),
        "findings": [],
        "rules": [],
    });
    let case = open_review_case_in(
        app,
        tx,
        NewReviewCase {
            queue: Queue::Flag,
            subject_account_id: target_account_id.to_owned(),
            entity_type: target_type,
            entity_id: target_id.to_owned(),
            content: content.to_owned(),
            explanation_json: explanation.to_string(),
            decision_id: None,
            priority: 0,
            weight,
            actor: actor.clone(),
        },
        now,
    )
    .await?;
    if tx
        .flags_of_case(&case.id)
        .await?
        .iter()
        .any(|f| f.reporter_account_id == reporter.id)
    {
        return Err(trustwork_core::DomainError::AlreadyFlagged { case_id: case.id }.into());
    }
    let flag = Flag {
        id: new_id("flg"),
        reporter_account_id: reporter.id.clone(),
        target_type,
        target_id: target_id.to_owned(),
        target_account_id: target_account_id.to_owned(),
        reason,
        note: note.to_owned(),
        weight,
        case_id: case.id.clone(),
        created_at: now,
        outcome: None,
    };
    tx.insert_flag(&flag).await?;
    tx.append_audit(
        &Change {
            actor: &actor,
            account_id: Some(target_account_id),
            action: "flag.created",
            entity_type: "flag",
            entity_id: &flag.id,
            reason: reason.as_str(),
            before: None,
            after: Some(serde_json::json!({
                "case_id": case.id, "weight": weight, "target": format!("{}:{}", target_type.as_str(), target_id),
            })),
        }
        .record(now),
    )
    .await?;
    Ok(case)
}

/// The note an agent writes on a decision the member reads (a job post's, a profile's):
/// required unless approving, at most 2,000 characters. Answers it trimmed.
pub(crate) fn member_note<'a>(note: &'a str, approving: bool, ask: &str) -> AppResult<&'a str> {
    let note = note.trim();
    if !approving && note.is_empty() {
        return Err(AppError::invalid("note", ask.to_owned()));
    }
    if note.chars().count() > 2_000 {
        return Err(AppError::invalid("note", "at most 2,000 characters"));
    }
    Ok(note)
}

/// The agent deciding a member's job post or profile (`what`); anyone else is refused.
pub(crate) async fn reviewer_in(tx: &mut Tx, agent_id: &str, what: &str) -> AppResult<Account> {
    let agent = tx.account(agent_id).await?;
    if !agent.role.may_enforce() {
        return Err(AppError::Forbidden(format!(
            "only trust & safety agents review {what}"
        )));
    }
    Ok(agent)
}

/// Claims the review case of an entity an agent is deciding (`what`, for the message), unless
/// another agent holds it.
pub(crate) async fn claim_for_decision(
    app: &App,
    tx: &mut Tx,
    case_id: Option<&str>,
    agent_id: &str,
    what: &str,
    now: Timestamp,
) -> AppResult<()> {
    let until = now.plus_millis(app.policy().review.claim_ttl_ms);
    if let Some(case_id) = case_id
        && tx
            .claim_review_case(case_id, agent_id, now, until)
            .await?
            .is_none()
    {
        return Err(AppError::Conflict(format!(
            "another agent is reviewing {what} right now"
        )));
    }
    Ok(())
}

/// Resolves the review case of an entity an agent decided: upheld when it was refused, else
/// dismissed, with the agent's note or, without one, the decision's name.
pub(crate) async fn resolve_decided(
    tx: &mut Tx,
    case_id: Option<&str>,
    agent_id: &str,
    refused: bool,
    note: &str,
    decision: &str,
    now: Timestamp,
) -> AppResult<()> {
    if let Some(case_id) = case_id {
        tx.resolve_review_case(
            case_id,
            &CaseResolution {
                resolution: if refused {
                    Resolution::Upheld
                } else {
                    Resolution::Dismissed
                },
                action: None,
                restriction_id: None,
                agent_id,
                note: if note.is_empty() { decision } else { note },
                at: now,
            },
        )
        .await?;
    }
    Ok(())
}

/// The acting agent: an account that may enforce (a trust & safety agent or an admin).
pub(crate) async fn agent_in(tx: &mut Tx, agent_id: &str) -> AppResult<Account> {
    let agent = tx.account(agent_id).await?;
    if !agent.role.may_enforce() {
        return Err(AppError::invalid(
            "agent_id",
            format!("{agent_id} is not a trust & safety agent"),
        ));
    }
    Ok(agent)
}

impl App {
    /// The queue: open cases by default, highest priority first, then the earliest SLA.
    pub async fn review_queue(&self, filter: &QueueFilter) -> AppResult<Vec<QueuedCase>> {
        let now = self.now();
        let config = &self.policy().review;
        let mut tx = self.db().begin().await?;
        let cases = tx
            .review_cases(&CaseFilter {
                queue: filter.queue,
                status: Some(filter.status.unwrap_or(CaseStatus::Open)),
                limit: 500,
            })
            .await?;
        Ok(cases
            .into_iter()
            .map(|case| QueuedCase {
                sla: case.sla_state(now, config),
                case,
            })
            .filter(|q| filter.sla.is_none_or(|s| s == q.sla))
            .collect())
    }

    pub async fn review_case(&self, id: &str) -> AppResult<CaseDetail> {
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let case = tx.review_case(id).await?;
        let subject = tx.account(&case.subject_account_id).await?;
        let flags = tx.flags_of_case(id).await?;
        let restrictions = tx.restrictions_of(&subject.id).await?;
        let previous_cases = tx
            .review_cases_of(&subject.id)
            .await?
            .into_iter()
            .filter(|c| c.id != case.id)
            .collect();
        Ok(CaseDetail {
            sla: case.sla_state(now, &self.policy().review),
            case,
            subject: subject.into(),
            flags,
            restrictions,
            previous_cases,
        })
    }

    /// Opens (or adds to) a case outside the pipeline, e.g. from the operator's own tooling.
    pub async fn open_review_case(&self, new: NewReviewCase) -> AppResult<ReviewCase> {
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let case = open_review_case_in(self, &mut tx, new, now).await?;
        tx.commit().await?;
        Ok(case)
    }

    /// What a member flagged, newest first, with the outcome once decided.
    pub async fn flags_by(
        &self,
        reporter_id: &str,
    ) -> AppResult<Vec<trustwork_core::review::Flag>> {
        let mut tx = self.db().read().await?;
        Ok(tx.flags_by_reporter(reporter_id, 50).await?)
    }

    /// A member flags a job post or a profile from the console: what is flagged and whose it
    /// is come from the records, not from the form.
    pub async fn flag_from_console(
        &self,
        reporter_id: &str,
        target_type: &str,
        target_id: &str,
        reason: &str,
        note: &str,
    ) -> AppResult<ReviewCase> {
        let now = self.now();
        let (owner, content) = {
            let mut tx = self.db().read().await?;
            let mine = tx.flags_by_reporter(reporter_id, 200).await?;
            // The same item again, right after we found nothing wrong with it: the answer stands
            // for a while (a new report of something new is always welcome).
            if let Some(earlier) = mine.iter().find(|f| {
                f.target_id == target_id
                    && f.outcome == Some(trustwork_core::review::FlagOutcome::Dismissed)
                    && f.created_at.millis()
                        > now.millis() - REFLAG_COOLDOWN_DAYS * trustwork_core::DAY_MS
            }) {
                return Err(AppError::Conflict(format!(
                    "you reported this on {} and we found no violation; if something new happened, contact support",
                    earlier.created_at.to_human()
                )));
            }
            // Many reports a day from one member are not reports any more.
            let today = mine
                .iter()
                .filter(|f| f.created_at.millis() > now.millis() - trustwork_core::DAY_MS)
                .count();
            if today as i64 >= CONSOLE_FLAGS_PER_DAY {
                return Err(AppError::Locked(format!(
                    "you have sent {CONSOLE_FLAGS_PER_DAY} reports in the last day; thank you — please wait before sending more"
                )));
            }
            match target_type {
                "job_post" => {
                    let job = tx.job_post(target_id).await?;
                    // Only what a member can see: an open, public post.
                    if job.status != trustwork_core::marketplace::JobStatus::Open
                        || !job.visibility.in_search()
                    {
                        return Err(AppError::NotFound {
                            entity: "job post",
                            id: target_id.to_owned(),
                        });
                    }
                    (
                        job.client_id,
                        format!("{}\n\n{}", job.title, job.description),
                    )
                }
                "profile" => {
                    let account = tx.account(target_id).await?;
                    if account.role != trustwork_core::Role::Freelancer {
                        return Err(AppError::NotFound {
                            entity: "profile",
                            id: target_id.to_owned(),
                        });
                    }
                    (account.id, account.display_name)
                }
                "message" => {
                    let message =
                        crate::conversations::message_seen_by(&mut tx, reporter_id, target_id)
                            .await?;
                    (message.sender_id, message.body)
                }
                _ => {
                    return Err(AppError::invalid(
                        "target_type",
                        "a job post, a profile or a message can be flagged here",
                    ));
                }
            }
        };
        self.flag(FlagRequest {
            reporter_id: reporter_id.to_owned(),
            target_type: target_type.to_owned(),
            target_id: target_id.to_owned(),
            target_account_id: owner,
            reason: reason.to_owned(),
            note: note.trim().to_owned(),
            content,
        })
        .await
    }

    pub async fn flag(&self, f: FlagRequest) -> AppResult<ReviewCase> {
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let case = record_flag_in(
            self,
            &mut tx,
            &f.reporter_id,
            &f.target_type,
            &f.target_id,
            &f.target_account_id,
            &f.reason,
            &f.note,
            &f.content,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(case)
    }

    /// Claims the case for the agent (or extends their claim) for the configured time.
    pub async fn claim_review_case(&self, agent_id: &str, case_id: &str) -> AppResult<ReviewCase> {
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let agent = agent_in(&mut tx, agent_id).await?;
        let case = tx.review_case(case_id).await?;
        let until = rules::claim(&case, &agent.id, now, &self.policy().review)?;
        let claimed = tx
            .claim_review_case(case_id, &agent.id, now, until)
            .await?
            .ok_or_else(|| AppError::Conflict("another agent claimed the case first".into()))?;
        self.audit_case(&mut tx, &agent, "review_case.claimed", &case, &claimed, now)
            .await?;
        tx.commit().await?;
        Ok(claimed)
    }

    /// Claims the next case of a queue (or of any queue), if there is one.
    pub async fn claim_next_review_case(
        &self,
        agent_id: &str,
        queue: Option<Queue>,
    ) -> AppResult<Option<ReviewCase>> {
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let agent = agent_in(&mut tx, agent_id).await?;
        let until = now.plus_millis(self.policy().review.claim_ttl_ms);
        let Some(claimed) = tx
            .claim_next_review_case(queue, &agent.id, now, until)
            .await?
        else {
            return Ok(None);
        };
        self.audit_case(
            &mut tx,
            &agent,
            "review_case.claimed",
            &claimed,
            &claimed,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(Some(claimed))
    }

    /// Gives the case back to the queue.
    pub async fn release_review_case(
        &self,
        agent_id: &str,
        case_id: &str,
    ) -> AppResult<ReviewCase> {
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let agent = agent_in(&mut tx, agent_id).await?;
        let case = tx.review_case(case_id).await?;
        rules::ensure_holder(&case, &agent.id, now)?;
        if !tx.release_review_case(case_id, &agent.id, now).await? {
            return Err(AppError::Conflict("the claim changed meanwhile".into()));
        }
        let released = tx.review_case(case_id).await?;
        self.audit_case(
            &mut tx,
            &agent,
            "review_case.released",
            &case,
            &released,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(released)
    }

    /// Ends a case the agent holds. Upholding applies the enforcement to the subject (with its
    /// email); the case's flags record the outcome, which feeds their reporters' weight; the
    /// reporters hear that their report was reviewed.
    pub async fn resolve_review_case(
        &self,
        agent_id: &str,
        case_id: &str,
        request: ResolveRequest,
    ) -> AppResult<ReviewCase> {
        let now = self.now();
        let note = request.note.trim();
        match (request.resolution, request.action) {
            (Resolution::Upheld, None) => {
                return Err(AppError::invalid(
                    "action",
                    "upholding a case needs an enforcement action",
                ));
            }
            (Resolution::Dismissed | Resolution::Escalated, Some(_)) => {
                return Err(AppError::invalid(
                    "action",
                    "only an upheld case takes an enforcement action",
                ));
            }
            _ => {}
        }
        let mut tx = self.db().begin().await?;
        let agent = agent_in(&mut tx, agent_id).await?;
        let case = tx.review_case(case_id).await?;
        if case.queue == Queue::JobPosts {
            return Err(AppError::invalid(
                "resolution",
                "a job post's review is decided with approve, reject or request changes (POST /api/v1/jobs/{id}/review)",
            ));
        }
        if case.queue == Queue::Profiles {
            return Err(AppError::invalid(
                "resolution",
                "a profile's approval is decided with approve, reject or request changes (POST /api/v1/accounts/{id}/profile/review)",
            ));
        }
        if case.entity_type == EntityType::Dispute {
            return Err(AppError::invalid(
                "resolution",
                "a dispute is settled as paid, refunded or split (POST /api/v1/disputes/{id}/resolution)",
            ));
        }
        rules::ensure_holder(&case, &agent.id, now)?;
        if note.is_empty() {
            return Err(AppError::invalid(
                "note",
                "say why the case is decided this way",
            ));
        }
        let actor = Actor::Account(agent.id.clone());
        let mut restriction = None;
        if let Some(action) = request.action {
            let subject = tx.account(&case.subject_account_id).await?;
            if subject.role.is_staff() {
                return Err(AppError::invalid(
                    "action",
                    "staff accounts cannot be restricted here",
                ));
            }
            let why = note.to_owned();
            let new = action.restriction(now, &why);
            restriction =
                Some(crate::standing::apply_in(self, &mut tx, &actor, &subject, new, now).await?);
        }
        let label = request.action.map(Enforcement::label);
        tx.resolve_review_case(
            case_id,
            &CaseResolution {
                resolution: request.resolution,
                action: label.as_deref(),
                restriction_id: restriction.as_ref().map(|r| r.id.as_str()),
                agent_id: &agent.id,
                note,
                at: now,
            },
        )
        .await?;
        let resolved = tx.review_case(case_id).await?;
        if let Some(outcome) = request.resolution.flag_outcome() {
            tx.set_flag_outcomes(case_id, outcome).await?;
        }
        self.audit_case(
            &mut tx,
            &agent,
            "review_case.resolved",
            &case,
            &resolved,
            now,
        )
        .await?;
        for flag in tx.flags_of_case(case_id).await? {
            let reporter = tx.account(&flag.reporter_account_id).await?;
            let (subject, body) = crate::appeals::flag_reviewed_email(&flag, request.resolution);
            notices::queue(self, &mut tx, &reporter, subject, body, now).await?;
        }
        tx.commit().await?;
        self.wake_outbox();
        Ok(resolved)
    }

    async fn audit_case(
        &self,
        tx: &mut Tx,
        agent: &Account,
        action: &str,
        before: &ReviewCase,
        after: &ReviewCase,
        now: Timestamp,
    ) -> AppResult<()> {
        tx.append_audit(
            &Change {
                actor: &Actor::Account(agent.id.clone()),
                account_id: Some(&after.subject_account_id),
                action,
                entity_type: "review_case",
                entity_id: &after.id,
                reason: after.resolution_note.as_deref().unwrap_or_default(),
                before: Some(case_json(before)),
                after: Some(case_json(after)),
            }
            .record(now),
        )
        .await?;
        Ok(())
    }
}
