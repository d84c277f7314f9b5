//! Identity verification: required, decided by an agent, or expired by its deadline timer.

use crate::audit::Change;
use crate::standing::{apply_in, lift_awaiting_in};
use crate::{App, AppError, AppResult, notices};
use trustwork_core::verification::{
    self as rules, CaseStatus, Effect, Outcome, Transition, VerificationCase,
};
use trustwork_core::{Actor, Timestamp};
use trustwork_store::accounts::Account;
use trustwork_store::{Tx, new_id};

/// The timer kind that fires at a case's deadline.
pub(crate) const DEADLINE_TIMER: &str = "verification_deadline";

fn case_json(c: &VerificationCase) -> serde_json::Value {
    serde_json::json!({
        "id": c.id,
        "status": c.status.as_str(),
        "deadline_at": c.deadline_at.to_rfc3339(),
        "hold_applied_at": c.hold_applied_at.map(|t| t.to_rfc3339()),
        "decided_at": c.decided_at.map(|t| t.to_rfc3339()),
    })
}

/// Carries out what the domain decided, inside the caller's transaction.
async fn apply_effects(
    app: &App,
    tx: &mut Tx,
    actor: &Actor,
    account: &Account,
    t: &Transition,
    now: Timestamp,
) -> AppResult<()> {
    for effect in &t.effects {
        match effect {
            Effect::ApplyRestriction(new) => {
                apply_in(app, tx, actor, account, new.clone(), now).await?;
            }
            Effect::LiftRestrictionsAwaiting(action) => {
                lift_awaiting_in(
                    app,
                    tx,
                    actor,
                    &account.id,
                    *action,
                    "identity verified",
                    now,
                )
                .await?;
            }
            Effect::MarkIdentityVerified => {
                tx.set_identity_verified(&account.id, now).await?;
            }
            Effect::Notify(notice) => {
                let (subject, body) = notices::verification_email(app, *notice, &t.case);
                notices::queue(app, tx, account, subject, body, now).await?;
            }
        }
    }
    Ok(())
}

impl App {
    /// Requires the account to verify its identity within the configured deadline (7 days).
    pub async fn require_verification(
        &self,
        actor: &Actor,
        account_id: &str,
        reason: &str,
    ) -> AppResult<VerificationCase> {
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let account = tx.account(account_id).await?;
        if account.role.is_staff() {
            return Err(AppError::invalid(
                "account_id",
                "identity verification applies to freelancer and client accounts",
            ));
        }
        tx.lock_account(account_id).await?;
        let open = tx.open_verification_case(account_id).await?;
        let case = self
            .open_case_in(&mut tx, actor, &account, open.as_ref(), reason, now)
            .await?;
        tx.commit().await?;
        self.wake_outbox();
        self.wake_timers();
        Ok(case)
    }

    /// Requires verification inside the caller's transaction unless a case is already open.
    /// Returns the new case's id, or `None` when one was open.
    pub(crate) async fn require_verification_in(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        account: &Account,
        reason: &str,
        now: Timestamp,
    ) -> AppResult<Option<String>> {
        tx.lock_account(&account.id).await?;
        if tx.open_verification_case(&account.id).await?.is_some() {
            return Ok(None);
        }
        let case = self
            .open_case_in(tx, actor, account, None, reason, now)
            .await?;
        self.wake_timers();
        Ok(Some(case.id))
    }

    async fn open_case_in(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        account: &Account,
        open: Option<&VerificationCase>,
        reason: &str,
        now: Timestamp,
    ) -> AppResult<VerificationCase> {
        let t = rules::require(
            new_id("vc"),
            account.id.clone(),
            open,
            reason,
            actor.clone(),
            now,
            self.policy().verification_deadline_ms,
        )?;
        if reason.trim().is_empty() {
            return Err(AppError::invalid(
                "reason",
                "say why the account must verify its identity",
            ));
        }
        tx.insert_verification_case(&t.case).await?;
        tx.schedule_timer(
            &new_id("tmr"),
            DEADLINE_TIMER,
            &t.case.id,
            t.case.deadline_at,
            now,
        )
        .await?;
        tx.append_audit(
            &Change {
                actor,
                account_id: Some(&account.id),
                action: "verification.required",
                entity_type: "verification_case",
                entity_id: &t.case.id,
                reason,
                before: None,
                after: Some(case_json(&t.case)),
            }
            .record(now),
        )
        .await?;
        apply_effects(self, tx, actor, account, &t, now).await?;
        Ok(t.case)
    }

    /// An agent's decision: verified, needs_documents or failed.
    pub async fn record_verification_outcome(
        &self,
        actor: &Actor,
        case_id: &str,
        outcome: Outcome,
        note: &str,
    ) -> AppResult<VerificationCase> {
        let now = self.now();
        let note = note.trim();
        let mut tx = self.db().begin().await?;
        let case = tx.verification_case(case_id).await?;
        // One change to the account's case at a time (a member joining the queue locks too).
        tx.lock_account(&case.account_id).await?;
        let case = tx.verification_case(case_id).await?;
        let t = rules::record_outcome(&case, outcome, actor.clone(), note, now)?;
        if note.is_empty() {
            return Err(AppError::invalid(
                "note",
                "say what the decision rests on (what was checked, what was seen)",
            ));
        }
        let account = tx.account(&case.account_id).await?;
        tx.update_verification_case(&t.case, case.status).await?;
        self.end_live_call_in(&mut tx, &case.id, now).await?;
        if !t.case.status.is_open() {
            tx.cancel_timers_for(&case.id, now).await?;
            self.schedule_evidence_purge_in(&mut tx, &case.id, now)
                .await?;
        } else if case.status == CaseStatus::FurtherReview && t.case.hold_applied_at.is_none() {
            // The deadline timer may have fired (and done nothing) during the review.
            tx.cancel_timers_for(&case.id, now).await?;
            tx.schedule_timer(
                &new_id("tmr"),
                DEADLINE_TIMER,
                &case.id,
                t.case.deadline_at,
                now,
            )
            .await?;
        }
        tx.append_audit(
            &Change {
                actor,
                account_id: Some(&account.id),
                action: "verification.outcome_recorded",
                entity_type: "verification_case",
                entity_id: &case.id,
                reason: &format!("{}: {note}", outcome.as_str()),
                before: Some(case_json(&case)),
                after: Some(case_json(&t.case)),
            }
            .record(now),
        )
        .await?;
        apply_effects(self, &mut tx, actor, &account, &t, now).await?;
        tx.commit().await?;
        self.wake_outbox();
        Ok(t.case)
    }

    /// The deadline timer's work, inside the timer's transaction. Does nothing for a case that
    /// was decided or already expired.
    pub(crate) async fn expire_verification_in(
        &self,
        tx: &mut Tx,
        case_id: &str,
        now: Timestamp,
    ) -> AppResult<()> {
        let case = tx.verification_case(case_id).await?;
        let Some(t) = rules::expire(&case, now) else {
            return Ok(());
        };
        let actor = Actor::system("verification_deadline");
        let account = tx.account(&case.account_id).await?;
        tx.update_verification_case(&t.case, case.status).await?;
        tx.append_audit(
            &Change {
                actor: &actor,
                account_id: Some(&account.id),
                action: "verification.expired",
                entity_type: "verification_case",
                entity_id: &case.id,
                reason: "the verification deadline passed",
                before: Some(case_json(&case)),
                after: Some(case_json(&t.case)),
            }
            .record(now),
        )
        .await?;
        apply_effects(self, tx, &actor, &account, &t, now).await?;
        Ok(())
    }

    pub async fn verification_case(&self, case_id: &str) -> AppResult<VerificationCase> {
        let mut tx = self.db().read().await?;
        Ok(tx.verification_case(case_id).await?)
    }

    /// The account's cases, newest first.
    pub async fn verification_cases_of(
        &self,
        account_id: &str,
    ) -> AppResult<Vec<VerificationCase>> {
        let mut tx = self.db().begin().await?;
        tx.account(account_id).await?;
        Ok(tx.verification_cases_of(account_id).await?)
    }
}

/// Whether a case still waits on the freelancer (for the banner).
pub fn awaits_freelancer(case: &VerificationCase) -> bool {
    matches!(
        case.status,
        CaseStatus::Pending | CaseStatus::NeedsDocuments | CaseStatus::Expired
    )
}
