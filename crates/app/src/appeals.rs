//! Appeals: filed once per restriction by its holder, decided by a different agent. Overturning
//! lifts the restriction and marks it overturned, so it stops costing Top Rated.

use crate::audit::{Change, restriction_json};
use crate::review::agent_in;
use crate::{App, AppError, AppResult, notices};
use trustwork_core::appeal::{self as rules, Appeal, AppealDecision, AppealStatus};
use trustwork_core::review::{Flag, Resolution};
use trustwork_core::{Actor, Restriction, Timestamp};
use trustwork_store::{Tx, new_id};

fn appeal_json(a: &Appeal) -> serde_json::Value {
    serde_json::json!({
        "id": a.id,
        "restriction_id": a.restriction_id,
        "status": a.status.as_str(),
        "decided_by": a.decided_by,
    })
}

pub(crate) fn flag_reviewed_email(flag: &Flag, resolution: Resolution) -> (String, String) {
    let outcome = match resolution {
        Resolution::Upheld => "We found a violation and took action. Thank you for helping.",
        Resolution::Dismissed => {
            "We looked carefully and did not find a violation of our terms this time."
        }
        Resolution::Escalated => "We passed it to a specialist team for a closer look.",
    };
    (
        "Your report was reviewed".into(),
        format!(
            "You reported a {} ({}). {outcome}",
            flag.target_type.as_str().replace('_', " "),
            flag.reason.as_str().replace('_', " ")
        ),
    )
}

fn appeal_filed_email(r: &Restriction) -> (String, String) {
    (
        "We received your appeal".into(),
        format!(
            "We received your appeal of the {} on your account ({}). A trust & safety agent who \
             was not involved in the original decision will review it, and we will email you the \
             outcome.",
            r.severity.as_str(),
            r.reason.describe()
        ),
    )
}

fn appeal_decided_email(r: &Restriction, decision: AppealDecision, note: &str) -> (String, String) {
    match decision {
        AppealDecision::Overturned => (
            "Your appeal was accepted".into(),
            format!(
                "We reviewed your appeal and overturned the {} ({}). It has been lifted and no \
                 longer counts against your account, including Top Rated.\n\n{note}",
                r.severity.as_str(),
                r.reason.describe()
            ),
        ),
        AppealDecision::Upheld => (
            "Your appeal was reviewed".into(),
            format!(
                "We reviewed your appeal and the {} ({}) stands. This decision is final.\n\n{note}",
                r.severity.as_str(),
                r.reason.describe()
            ),
        ),
    }
}

/// Closes the open appeal of a restriction that was just lifted for another reason: it no
/// longer limits the account, so there is nothing left for an agent to decide.
pub(crate) async fn close_stale_appeal_in(
    tx: &mut Tx,
    actor: &Actor,
    restriction: &Restriction,
    now: Timestamp,
) -> AppResult<()> {
    let Some(appeal) = tx.appeal_of_restriction(&restriction.id).await? else {
        return Ok(());
    };
    if appeal.status != AppealStatus::Open {
        return Ok(());
    }
    let note = "The restriction was lifted before the appeal was decided; it no longer limits \
                the account.";
    tx.decide_appeal(&appeal.id, AppealStatus::Closed, "system", note, now)
        .await?;
    let closed = tx.appeal(&appeal.id).await?;
    tx.append_audit(
        &Change {
            actor,
            account_id: Some(&restriction.account_id),
            action: "appeal.closed",
            entity_type: "appeal",
            entity_id: &appeal.id,
            reason: note,
            before: Some(appeal_json(&appeal)),
            after: Some(appeal_json(&closed)),
        }
        .record(now),
    )
    .await?;
    Ok(())
}

impl App {
    /// Files the one appeal of a restriction. A signed-in account may appeal only its own
    /// restrictions (another's answers "not found", so ids do not leak); the operator's API acts
    /// for the holder.
    pub async fn file_appeal(
        &self,
        actor: &Actor,
        restriction_id: &str,
        statement: &str,
    ) -> AppResult<Appeal> {
        let now = self.now();
        let statement = statement.trim();
        let mut tx = self.db().begin().await?;
        let r = tx.restriction(restriction_id).await?;
        if let Some(id) = actor.account_id()
            && id != r.account_id
        {
            return Err(AppError::NotFound {
                entity: "restriction",
                id: restriction_id.to_owned(),
            });
        }
        let existing = tx.appeal_of_restriction(restriction_id).await?;
        rules::may_file(
            &r,
            existing.as_ref(),
            now,
            self.policy().review.appeal_window_days,
        )?;
        if statement.is_empty() || statement.chars().count() > 5_000 {
            return Err(AppError::invalid(
                "statement",
                "say why the restriction is wrong, in at most 5,000 characters",
            ));
        }
        let appeal = Appeal {
            id: new_id("apl"),
            restriction_id: r.id.clone(),
            account_id: r.account_id.clone(),
            statement: statement.to_owned(),
            status: AppealStatus::Open,
            filed_at: now,
            decided_by: None,
            decided_at: None,
            decision_note: None,
        };
        tx.insert_appeal(&appeal).await?;
        tx.append_audit(
            &Change {
                actor,
                account_id: Some(&r.account_id),
                action: "appeal.filed",
                entity_type: "appeal",
                entity_id: &appeal.id,
                reason: statement,
                before: None,
                after: Some(appeal_json(&appeal)),
            }
            .record(now),
        )
        .await?;
        let account = tx.account(&r.account_id).await?;
        let (subject, body) = appeal_filed_email(&r);
        notices::queue(self, &mut tx, &account, subject, body, now).await?;
        tx.commit().await?;
        self.wake_outbox();
        Ok(appeal)
    }

    /// Decides an open appeal. The deciding agent must not be the one who placed the
    /// restriction. Overturning lifts it (if still active) and marks it overturned.
    pub async fn decide_appeal(
        &self,
        agent_id: &str,
        appeal_id: &str,
        decision: AppealDecision,
        note: &str,
    ) -> AppResult<Appeal> {
        let now = self.now();
        let note = note.trim();
        let mut tx = self.db().begin().await?;
        let appeal = tx.appeal(appeal_id).await?;
        let agent = agent_in(&mut tx, agent_id).await?;
        let r = tx.restriction(&appeal.restriction_id).await?;
        rules::may_decide(&appeal, &r, &agent.id)?;
        if note.is_empty() {
            return Err(AppError::invalid("note", "say why, for the account holder"));
        }
        let actor = Actor::Account(agent.id.clone());
        tx.decide_appeal(appeal_id, decision.status(), &agent.id, note, now)
            .await?;
        if decision == AppealDecision::Overturned {
            if r.lifted_at.is_none() {
                // The appeal's decision email says the restriction is lifted.
                crate::standing::lift_in(
                    self,
                    &mut tx,
                    &actor,
                    &r,
                    note,
                    now,
                    crate::standing::Announce::Silently,
                )
                .await?;
            }
            tx.overturn_restriction(&r.id, now).await?;
            if r.severity == trustwork_core::Severity::Ban {
                // The ban was a mistake: the person may come back under their own name.
                tx.remove_ban_fingerprints(&r.account_id).await?;
            }
            let after = tx.restriction(&r.id).await?;
            tx.append_audit(
                &Change {
                    actor: &actor,
                    account_id: Some(&r.account_id),
                    action: "restriction.overturned",
                    entity_type: "restriction",
                    entity_id: &r.id,
                    reason: note,
                    before: Some(restriction_json(&r)),
                    after: Some(restriction_json(&after)),
                }
                .record(now),
            )
            .await?;
        }
        let decided = tx.appeal(appeal_id).await?;
        tx.append_audit(
            &Change {
                actor: &actor,
                account_id: Some(&r.account_id),
                action: "appeal.decided",
                entity_type: "appeal",
                entity_id: appeal_id,
                reason: note,
                before: Some(appeal_json(&appeal)),
                after: Some(appeal_json(&decided)),
            }
            .record(now),
        )
        .await?;
        let account = tx.account(&r.account_id).await?;
        let (subject, body) = appeal_decided_email(&r, decision, note);
        notices::queue(self, &mut tx, &account, subject, body, now).await?;
        tx.commit().await?;
        self.wake_outbox();
        Ok(decided)
    }

    pub async fn appeal(&self, id: &str) -> AppResult<Appeal> {
        let mut tx = self.db().begin().await?;
        Ok(tx.appeal(id).await?)
    }

    /// Appeals in a status (all when `None`), oldest first.
    pub async fn appeals(&self, status: Option<AppealStatus>) -> AppResult<Vec<Appeal>> {
        let mut tx = self.db().begin().await?;
        Ok(tx.appeals_in(status, 500).await?)
    }

    pub async fn appeals_of(&self, account_id: &str) -> AppResult<Vec<Appeal>> {
        let mut tx = self.db().begin().await?;
        tx.account(account_id).await?;
        Ok(tx.appeals_of(account_id).await?)
    }
}
