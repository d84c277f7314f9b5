//! A new freelancer's profile is approved before it is used (seed 001). Submitting a complete
//! profile runs the automatic checks: in a category with too many freelancers for its jobs the
//! profile is refused at once with the seed's letter and a date to submit again (invited
//! freelancers skip this); otherwise it waits in the `profiles` queue, with any other account it
//! shares an email, phone, device or card with named for the agent. Agents approve, refuse with a
//! reason, or ask for changes; the freelancer is told by email.

use crate::audit::Change;
use crate::{App, AppError, AppResult, notices};
use trustwork_core::profile::missing_for_submission;
use trustwork_core::profile_approval::{
    ApprovalStatus, Market, RejectionReason, SupplyRule, main_category, oversupplied,
    resubmit_after, why_not_submit,
};
use trustwork_core::review::{EntityType, Queue, Resolution};
use trustwork_core::{Actor, DAY_MS, Timestamp};
use trustwork_store::Tx;
use trustwork_store::profiles::{Approval, Profile};
use trustwork_store::review::CaseResolution;

/// Jobs posted in this window are the demand side.
const DEMAND_WINDOW_MS: i64 = 30 * DAY_MS;

/// An agent's decision on a profile waiting for review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileDecision {
    Approve,
    Reject(RejectionReason),
    RequestChanges,
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

impl App {
    /// Submits the freelancer's profile for approval (see the module).
    pub async fn submit_profile(&self, account_id: &str) -> AppResult<Profile> {
        let rule: SupplyRule = self.policy().profile_supply;
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let account = tx.account(account_id).await?;
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
        let before = approval_json(&profile.approval);
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
            let links = crate::identity::linked_accounts(&mut tx, account_id, now).await?;
            let case = crate::review::open_review_case_in(
                self,
                &mut tx,
                crate::review::NewReviewCase {
                    queue: Queue::Profiles,
                    subject_account_id: account_id.to_owned(),
                    entity_type: EntityType::Profile,
                    entity_id: account_id.to_owned(),
                    content: format!("{}\n\n{}", profile.input.title, profile.input.overview),
                    explanation_json: serde_json::json!({
                        "rules": ["profile_approval"],
                        "category": category,
                        "skills": profile.input.skills,
                        "linked_accounts": links,
                    })
                    .to_string(),
                    decision_id: None,
                    priority: 0,
                    weight: 0,
                    actor: Actor::system("profile_approval"),
                },
                now,
            )
            .await?;
            Approval {
                status: ApprovalStatus::PendingReview,
                reason: None,
                note: None,
                resubmit_after: None,
                review_case_id: Some(case.id),
                submitted_at: Some(now),
                decided_at: None,
                decided_by: None,
            }
        };
        tx.set_approval(account_id, &approval, now).await?;
        tx.append_audit(
            &Change {
                actor: &Actor::Account(account_id.to_owned()),
                account_id: Some(account_id),
                action: "profile.submitted",
                entity_type: "profile",
                entity_id: account_id,
                reason: "",
                before: Some(before),
                after: Some(approval_json(&approval)),
            }
            .record(now),
        )
        .await?;
        let saved = crate::profiles::kept_profile(&mut tx, account_id).await?;
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
        let note = note.trim();
        if decision != ProfileDecision::Approve && note.is_empty() {
            return Err(AppError::invalid(
                "note",
                "tell the freelancer what to change (they read this)",
            ));
        }
        if note.chars().count() > 2_000 {
            return Err(AppError::invalid("note", "at most 2,000 characters"));
        }
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let agent = tx.account(agent_id).await?;
        if !agent.role.may_enforce() {
            return Err(AppError::Forbidden(
                "only trust & safety agents review profiles".into(),
            ));
        }
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
        let claim_until = now.plus_millis(self.policy().review.claim_ttl_ms);
        if let Some(case_id) = &profile.approval.review_case_id
            && tx
                .claim_review_case(case_id, agent_id, now, claim_until)
                .await?
                .is_none()
        {
            return Err(AppError::Conflict(
                "another agent is reviewing this profile right now".into(),
            ));
        }
        if let Some(case_id) = &profile.approval.review_case_id {
            tx.resolve_review_case(
                case_id,
                &CaseResolution {
                    resolution: if reason.is_some() {
                        Resolution::Upheld
                    } else {
                        Resolution::Dismissed
                    },
                    action: None,
                    restriction_id: None,
                    agent_id,
                    note: if note.is_empty() {
                        status.as_str()
                    } else {
                        note
                    },
                    at: now,
                },
            )
            .await?;
        }
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
        tx.set_approval(account_id, &approval, now).await?;
        tx.append_audit(
            &Change {
                actor: &Actor::Account(agent_id.to_owned()),
                account_id: Some(account_id),
                action: "profile.reviewed",
                entity_type: "profile",
                entity_id: account_id,
                reason: note,
                before: Some(approval_json(&profile.approval)),
                after: Some(approval_json(&approval)),
            }
            .record(now),
        )
        .await?;
        let saved = crate::profiles::kept_profile(&mut tx, account_id).await?;
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
        let links = crate::identity::linked_accounts(&mut tx, account_id, now).await?;
        let case = crate::review::open_review_case_in(
            self,
            &mut tx,
            crate::review::NewReviewCase {
                queue: Queue::Profiles,
                subject_account_id: account_id.to_owned(),
                entity_type: EntityType::Profile,
                entity_id: account_id.to_owned(),
                content: format!(
                    "Asked for another look: {note}\n\nPassed skill tests:\n{}\n\n{}\n\n{}",
                    tests.join("\n"),
                    profile.input.title,
                    profile.input.overview
                ),
                explanation_json: serde_json::json!({
                    "rules": ["profile_re_review"],
                    "previous_reason": profile.approval.reason.map(|r| r.as_str()),
                    "verified_skills": verified,
                    "skills": profile.input.skills,
                    "linked_accounts": links,
                })
                .to_string(),
                decision_id: None,
                priority: 0,
                weight: 0,
                actor: Actor::Account(account_id.to_owned()),
            },
            now,
        )
        .await?;
        let approval = Approval {
            status: ApprovalStatus::PendingReview,
            review_case_id: Some(case.id),
            submitted_at: Some(now),
            decided_at: None,
            decided_by: None,
            ..profile.approval.clone()
        };
        tx.set_approval(account_id, &approval, now).await?;
        tx.append_audit(
            &Change {
                actor: &Actor::Account(account_id.to_owned()),
                account_id: Some(account_id),
                action: "profile.re_review_requested",
                entity_type: "profile",
                entity_id: account_id,
                reason: note,
                before: Some(approval_json(&profile.approval)),
                after: Some(approval_json(&approval)),
            }
            .record(now),
        )
        .await?;
        let saved = crate::profiles::kept_profile(&mut tx, account_id).await?;
        tx.commit().await?;
        Ok(saved)
    }
}
