//! A new freelancer's profile is approved before it is used (seed 001). Submitting a complete
//! profile runs the automatic checks: in a category with too many freelancers for its jobs the
//! profile is refused at once with the seed's letter and a date to submit again (invited
//! freelancers skip this); otherwise it waits in the `profiles` queue, with any other account it
//! shares an email, phone, device or card with named for the agent. Agents approve, refuse with a
//! reason, or ask for changes; the freelancer is told by email.

use crate::audit::Change;
use crate::{App, AppError, AppResult, notices, review};
use trustwork_core::profile::missing_for_submission;
use trustwork_core::profile_approval::{
    ApprovalStatus, Market, RejectionReason, SupplyRule, main_category, oversupplied,
    resubmit_after, why_not_submit,
};
use trustwork_core::review::{EntityType, Queue};
use trustwork_core::{Actor, DAY_MS, Timestamp};
use trustwork_store::Tx;
use trustwork_store::profiles::{Approval, Profile};

/// Jobs posted in this window are the demand side.
const DEMAND_WINDOW_MS: i64 = 30 * DAY_MS;

/// An agent's decision on a profile waiting for review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileDecision {
    Approve,
    Reject(RejectionReason),
    RequestChanges,
}

impl ProfileDecision {
    /// From its words: `approve`, `request_changes`, or `reject` with a reason
    /// (`oversupply`, `duplicate_account`, `incomplete_profile`, `other`).
    pub fn parse(decision: &str, reason: Option<&str>) -> AppResult<Self> {
        match (decision, reason.map(str::trim).filter(|r| !r.is_empty())) {
            ("approve", _) => Ok(ProfileDecision::Approve),
            ("request_changes", _) => Ok(ProfileDecision::RequestChanges),
            ("reject", Some(r)) => RejectionReason::parse(r)
                .map(ProfileDecision::Reject)
                .ok_or_else(|| {
                    AppError::invalid(
                        "reason",
                        "expected oversupply, duplicate_account, incomplete_profile or other",
                    )
                }),
            ("reject", None) => Err(AppError::invalid("reason", "a refusal needs a reason")),
            _ => Err(AppError::invalid(
                "decision",
                "expected approve, reject or request_changes",
            )),
        }
    }
}

/// Supply and demand in `category`: approved freelancers whose main category it is, and the
/// jobs posted in the window that name one of its skills.
async fn market_of(tx: &mut Tx, category: &str, now: Timestamp) -> AppResult<Market> {
    let approved = tx
        .profiles_with_status(ApprovalStatus::Approved, 100_000)
        .await?;
    let approved_freelancers = approved
        .iter()
        .filter(|p| main_category(&p.input.skills) == Some(category))
        .count();
    let names: Vec<String> = trustwork_core::skills::all()
        .iter()
        .filter(|s| s.category == category)
        .map(|s| s.name.to_lowercase())
        .collect();
    let jobs = tx
        .job_posts_since(now.plus_millis(-DEMAND_WINDOW_MS), 100_000)
        .await?;
    let jobs_posted = jobs
        .iter()
        .filter(|j| {
            let text = format!("{} {}", j.title, j.description).to_lowercase();
            names.iter().any(|n| text.contains(n.as_str()))
        })
        .count();
    Ok(Market {
        approved_freelancers: i64::try_from(approved_freelancers).unwrap_or(i64::MAX),
        jobs_posted: i64::try_from(jobs_posted).unwrap_or(i64::MAX),
    })
}

fn approval_json(a: &Approval) -> serde_json::Value {
    serde_json::json!({
        "status": a.status.as_str(),
        "reason": a.reason.map(|r| r.as_str()),
        "resubmit_after": a.resubmit_after.map(Timestamp::to_rfc3339),
    })
}

/// Opens the profile's case in the `profiles` queue, the accounts it is linked to added to
/// `explanation` for the agent; answers the case's id.
async fn open_profile_case_in(
    app: &App,
    tx: &mut Tx,
    account_id: &str,
    content: String,
    mut explanation: serde_json::Value,
    actor: Actor,
    now: Timestamp,
) -> AppResult<String> {
    explanation["linked_accounts"] =
        serde_json::json!(crate::identity::linked_accounts(tx, account_id, now).await?);
    let case = review::open_review_case_in(
        app,
        tx,
        review::NewReviewCase {
            queue: Queue::Profiles,
            subject_account_id: account_id.to_owned(),
            entity_type: EntityType::Profile,
            entity_id: account_id.to_owned(),
            content,
            explanation_json: explanation.to_string(),
            decision_id: None,
            priority: 0,
            weight: 0,
            actor,
        },
        now,
    )
    .await?;
    Ok(case.id)
}

/// Records the profile's new approval with its audit record (`action` by `actor_id`, with
/// `reason`) and answers the profile as saved.
#[allow(clippy::too_many_arguments)]
async fn record_approval_in(
    tx: &mut Tx,
    actor_id: &str,
    account_id: &str,
    action: &str,
    reason: &str,
    before: &Approval,
    after: &Approval,
    now: Timestamp,
) -> AppResult<Profile> {
    tx.set_approval(account_id, after, now).await?;
    tx.append_audit(
        &Change {
            actor: &Actor::Account(actor_id.to_owned()),
            account_id: Some(account_id),
            action,
            entity_type: "profile",
            entity_id: account_id,
            reason,
            before: Some(approval_json(before)),
            after: Some(approval_json(after)),
        }
        .record(now),
    )
    .await?;
    crate::profiles::kept_profile(tx, account_id).await
}

impl App {
    /// Submits the freelancer's profile for approval (see the module).
    pub async fn submit_profile(&self, account_id: &str) -> AppResult<Profile> {
        let rule: SupplyRule = self.policy().profile_supply;
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let account = tx.account(account_id).await?;
        // Two submissions at once would open two cases.
        tx.lock_account(account_id).await?;
        let profile = crate::profiles::profile_in(&mut tx, account_id).await?;
        let missing = missing_for_submission(&profile.input);
        if let Some(why) = why_not_submit(
            profile.approval.status,
            profile.approval.resubmit_after,
            &missing,
            now,
        ) {
            return Err(AppError::Conflict(why));
        }
        let invited = !tx.invitations_of(account_id, 1).await?.is_empty();
        let category = main_category(&profile.input.skills);
        let crowded = match category {
            Some(c) if !invited => oversupplied(market_of(&mut tx, c, now).await?, rule),
            _ => false,
        };
        let approval = if crowded {
            let reason = RejectionReason::Oversupply;
            let after = resubmit_after(reason, now);
            let (subject, body) = notices::profile_letter(self, reason, "", after);
            notices::queue(self, &mut tx, &account, subject, body, now).await?;
            Approval {
                status: ApprovalStatus::Rejected,
                reason: Some(reason),
                note: None,
                resubmit_after: Some(after),
                review_case_id: None,
                submitted_at: Some(now),
                decided_at: Some(now),
                decided_by: Some("system:supply_check".into()),
            }
        } else {
            let case_id = open_profile_case_in(
                self,
                &mut tx,
                account_id,
                format!("{}\n\n{}", profile.input.title, profile.input.overview),
                serde_json::json!({
                    "rules": ["profile_approval"],
                    "category": category,
                    "skills": profile.input.skills,
                }),
                Actor::system("profile_approval"),
                now,
            )
            .await?;
            Approval {
                status: ApprovalStatus::PendingReview,
                reason: None,
                note: None,
                resubmit_after: None,
                review_case_id: Some(case_id),
                submitted_at: Some(now),
                decided_at: None,
                decided_by: None,
            }
        };
        let saved = record_approval_in(
            &mut tx,
            account_id,
            account_id,
            "profile.submitted",
            "",
            &profile.approval,
            &approval,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(saved)
    }

    /// An agent's decision on a profile waiting for review; a refusal or a request for changes
    /// needs a note, which the freelancer is emailed with the letter.
    pub async fn review_profile(
        &self,
        agent_id: &str,
        account_id: &str,
        decision: ProfileDecision,
        note: &str,
    ) -> AppResult<Profile> {
        let note = review::member_note(
            note,
            decision == ProfileDecision::Approve,
            "tell the freelancer what to change (they read this)",
        )?;
        let now = self.now();
        let mut tx = self.db().begin().await?;
        review::reviewer_in(&mut tx, agent_id, "profiles").await?;
        let account = tx.account(account_id).await?;
        let profile = crate::profiles::profile_in(&mut tx, account_id).await?;
        if profile.approval.status != ApprovalStatus::PendingReview {
            return Err(AppError::Conflict(format!(
                "the profile is {}, not waiting for review",
                profile.approval.status.as_str().replace('_', " ")
            )));
        }
        let (status, reason, after) = match decision {
            ProfileDecision::Approve => (ApprovalStatus::Approved, None, None),
            ProfileDecision::Reject(r) => (
                ApprovalStatus::Rejected,
                Some(r),
                Some(resubmit_after(r, now)),
            ),
            ProfileDecision::RequestChanges => (ApprovalStatus::ChangesRequested, None, None),
        };
        let case_id = profile.approval.review_case_id.as_deref();
        review::claim_for_decision(self, &mut tx, case_id, agent_id, "this profile", now).await?;
        let refused = reason.is_some();
        review::resolve_decided(
            &mut tx,
            case_id,
            agent_id,
            refused,
            note,
            status.as_str(),
            now,
        )
        .await?;
        match (decision, reason, after) {
            (_, Some(r), Some(at)) => {
                let (subject, body) = notices::profile_letter(self, r, note, at);
                notices::queue(self, &mut tx, &account, subject, body, now).await?;
            }
            (ProfileDecision::RequestChanges, _, _) => {
                let (subject, body) = notices::profile_changes_letter(self, note);
                notices::queue(self, &mut tx, &account, subject, body, now).await?;
            }
            _ => {}
        }
        let approval = Approval {
            status,
            reason,
            note: (!note.is_empty()).then(|| note.to_owned()),
            resubmit_after: after,
            decided_at: Some(now),
            decided_by: Some(agent_id.to_owned()),
            ..profile.approval.clone()
        };
        let saved = record_approval_in(
            &mut tx,
            agent_id,
            account_id,
            "profile.reviewed",
            note,
            &profile.approval,
            &approval,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(saved)
    }
}

impl App {
    /// The letter a freelancer would get if the profile were refused for `reason` now, with
    /// the reviewer's note (the agent reads it before deciding).
    pub fn profile_letter_preview(&self, reason: RejectionReason, note: &str) -> (String, String) {
        let now = self.now();
        notices::profile_letter(self, reason, note.trim(), resubmit_after(reason, now))
    }
}

/// Verified skills a refused freelancer needs to ask for another look (seed 001).
pub const RE_REVIEW_VERIFIED_SKILLS: usize = 3;

impl App {
    /// A refused freelancer with at least three verified skills asks support to look at the
    /// profile again: a case in the profiles queue with the request and the test results, and
    /// the profile waits for review again.
    pub async fn request_profile_re_review(
        &self,
        account_id: &str,
        note: &str,
    ) -> AppResult<Profile> {
        let note = note.trim();
        if note.is_empty() || note.chars().count() > 2_000 {
            return Err(AppError::invalid(
                "note",
                "say why the profile should be looked at again (1 to 2,000 characters)",
            ));
        }
        let now = self.now();
        let mut tx = self.db().begin().await?;
        tx.account(account_id).await?;
        let profile = crate::profiles::profile_in(&mut tx, account_id).await?;
        if profile.approval.status != ApprovalStatus::Rejected {
            return Err(AppError::Conflict(format!(
                "only a refused profile can be looked at again; this one is {}",
                profile.approval.status.as_str().replace('_', " ")
            )));
        }
        let results = crate::skill_tests::results_in(&mut tx, account_id).await?;
        let verified = crate::skill_tests::verified_skills(&results);
        if verified.len() < RE_REVIEW_VERIFIED_SKILLS {
            return Err(AppError::Conflict(format!(
                "another look needs {RE_REVIEW_VERIFIED_SKILLS} verified skills (pass their skill tests); you have {}",
                verified.len()
            )));
        }
        let tests: Vec<String> = results
            .iter()
            .filter(|r| r.passed)
            .map(|r| format!("{}: {}% (Top {}%)", r.test_name, r.score, r.top_percent))
            .collect();
        let case_id = open_profile_case_in(
            self,
            &mut tx,
            account_id,
            format!(
                "Asked for another look: {note}\n\nPassed skill tests:\n{}\n\n{}\n\n{}",
                tests.join("\n"),
                profile.input.title,
                profile.input.overview
            ),
            serde_json::json!({
                "rules": ["profile_re_review"],
                "previous_reason": profile.approval.reason.map(|r| r.as_str()),
                "verified_skills": verified,
                "skills": profile.input.skills,
            }),
            Actor::Account(account_id.to_owned()),
            now,
        )
        .await?;
        // The refusal it answers stays in the case's explanation and the audit trail.
        let approval = Approval {
            status: ApprovalStatus::PendingReview,
            reason: None,
            note: None,
            resubmit_after: None,
            review_case_id: Some(case_id),
            submitted_at: Some(now),
            decided_at: None,
            decided_by: None,
        };
        let saved = record_approval_in(
            &mut tx,
            account_id,
            account_id,
            "profile.re_review_requested",
            note,
            &profile.approval,
            &approval,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(saved)
    }
}
