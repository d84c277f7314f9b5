//! Applying and lifting restrictions, and asking "may this account do C now".

use crate::audit::{Change, restriction_json};
use crate::{App, AppError, AppResult, notices};
use trustwork_core::audit::AuditRecord;
use trustwork_core::restriction::NewRestriction;
use trustwork_core::standing::{self as rules, Permission};
use trustwork_core::{
    Actor, Capability, DomainError, LiftCondition, RequiredAction, Restriction, Severity, Timestamp,
};
use trustwork_store::accounts::Account;
use trustwork_store::outbox::OutboxMessage;
use trustwork_store::{Tx, new_id};

/// The answer to "may this account do C now", with the reasons when it may not.
pub async fn permission_in(
    tx: &mut Tx,
    account_id: &str,
    cap: Capability,
    now: Timestamp,
) -> AppResult<Permission> {
    let restrictions = tx.restrictions_of(account_id).await?;
    let p = rules::permission(&restrictions, cap, now);
    let awaiting = rules::PROFILE_GATE.contains(cap) && awaiting_approval(tx, account_id).await?;
    Ok(rules::with_profile_gate(p, cap, awaiting))
}

/// Whether the account's profile is in the approval flow and not approved yet.
pub(crate) async fn awaiting_approval(tx: &mut Tx, account_id: &str) -> AppResult<bool> {
    Ok(tx
        .profile_approval_status(account_id)
        .await?
        .is_some_and(|s| s != trustwork_core::profile_approval::ApprovalStatus::Approved))
}

/// Fails with `capability_denied` (and the reasons) unless the account may do `cap` now. Every
/// path that withdraws, submits a proposal, lists in search, posts a job or starts a contract
/// calls this inside its transaction.
pub async fn ensure_allowed(
    tx: &mut Tx,
    account_id: &str,
    cap: Capability,
    now: Timestamp,
) -> AppResult<()> {
    let p = permission_in(tx, account_id, cap, now).await?;
    if p.allowed {
        Ok(())
    } else {
        Err(DomainError::CapabilityDenied {
            capability: cap,
            reasons: p.reasons,
        }
        .into())
    }
}

/// A restriction with the rows that go with it wherever it is applied: its audit record, the
/// timer that ends a timed one, and the email that tells the account.
pub(crate) struct RestrictionRows {
    pub restriction: Restriction,
    pub audit: AuditRecord,
    /// The id and due time of the timer that records its end.
    pub timer: Option<(String, Timestamp)>,
    pub email: OutboxMessage,
}

/// Builds a restriction's rows, without the database.
pub(crate) fn restriction_rows(
    app: &App,
    actor: &Actor,
    account: &Account,
    new: NewRestriction,
    now: Timestamp,
) -> RestrictionRows {
    let r = Restriction {
        id: new_id("rst"),
        account_id: account.id.clone(),
        reason: new.reason,
        severity: new.severity,
        scope: new.scope,
        lift: new.lift,
        actor: actor.clone(),
        note: new.note.clone(),
        created_at: now,
        lifted_at: None,
        lifted_by: None,
        lift_note: None,
        overturned_at: None,
    };
    let audit = Change {
        actor,
        account_id: Some(&account.id),
        action: "restriction.applied",
        entity_type: "restriction",
        entity_id: &r.id,
        reason: &r.note,
        before: None,
        after: Some(restriction_json(&r)),
    }
    .record(now);
    let timer = match r.lift {
        LiftCondition::AtTime(until) => Some((new_id("tmr"), until)),
        _ => None,
    };
    let (subject, body) = notices::restriction_applied_email(app, &r);
    let email = notices::email(app, account, subject, body, now);
    RestrictionRows {
        restriction: r,
        audit,
        timer,
        email,
    }
}

impl RestrictionRows {
    /// Writes the restriction, its audit record, its timer and its email.
    pub(crate) async fn write(&self, tx: &mut Tx, now: Timestamp) -> AppResult<()> {
        tx.insert_restriction(&self.restriction).await?;
        tx.append_audit(&self.audit).await?;
        if let Some((id, until)) = &self.timer {
            tx.schedule_timer(id, RESTRICTION_END, &self.restriction.id, *until, now)
                .await?;
        }
        tx.enqueue_outbox(&self.email).await?;
        Ok(())
    }
}

/// Writes a restriction with its consequences: open proposals cancelled for holds and worse,
/// sessions ended for bans, a timer for timed restrictions, the audit record and the email.
pub(crate) async fn apply_in(
    app: &App,
    tx: &mut Tx,
    actor: &Actor,
    account: &Account,
    new: NewRestriction,
    now: Timestamp,
) -> AppResult<Restriction> {
    let cancels_active_proposals = new.cancels_active_proposals();
    let rows = restriction_rows(app, actor, account, new, now);
    rows.write(tx, now).await?;
    let r = rows.restriction;
    if cancels_active_proposals {
        let cancelled = tx.cancel_active_proposals(&account.id, now).await?;
        for id in &cancelled {
            tx.append_audit(
                &Change {
                    actor,
                    account_id: Some(&account.id),
                    action: "proposal.cancelled_by_system",
                    entity_type: "proposal",
                    entity_id: id,
                    reason: &format!("account {} ({})", r.severity.as_str(), r.reason.as_str()),
                    before: None,
                    after: Some(serde_json::json!({"status": "cancelled_by_system"})),
                }
                .record(now),
            )
            .await?;
        }
    }
    if r.scope.contains(Capability::Login) {
        tx.delete_sessions_of(&account.id).await?;
    }
    if r.severity == trustwork_core::Severity::Ban {
        // No re-registration: the banned person's identifying values go on the ban list.
        crate::identity::ban(tx, &account.id, now).await?;
    }
    crate::webhooks::standing_changed_in(app, tx, &r, "applied", now).await?;
    Ok(r)
}

/// The timer kind that records the end of a timed restriction.
pub(crate) const RESTRICTION_END: &str = "restriction_end";

/// Whether a lift sends its own email, or a caller's email about the same event already tells
/// the member (one event, one email).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Announce {
    Email,
    Silently,
}

/// Records a lift, with audit and (unless the caller announces it) email. Refuses a restriction
/// that was already lifted.
pub(crate) async fn lift_in(
    app: &App,
    tx: &mut Tx,
    actor: &Actor,
    restriction: &Restriction,
    note: &str,
    now: Timestamp,
    announce: Announce,
) -> AppResult<()> {
    if !tx
        .lift_restriction(&restriction.id, now, actor, note)
        .await?
    {
        return Err(DomainError::AlreadyLifted {
            restriction_id: restriction.id.clone(),
        }
        .into());
    }
    let mut after = restriction.clone();
    after.lifted_at = Some(now);
    tx.append_audit(
        &Change {
            actor,
            account_id: Some(&restriction.account_id),
            action: "restriction.lifted",
            entity_type: "restriction",
            entity_id: &restriction.id,
            reason: note,
            before: Some(restriction_json(restriction)),
            after: Some(restriction_json(&after)),
        }
        .record(now),
    )
    .await?;
    tx.cancel_timers_for(&restriction.id, now).await?;
    crate::appeals::close_stale_appeal_in(tx, actor, restriction, now).await?;
    if announce == Announce::Email {
        let account = tx.account(&restriction.account_id).await?;
        let (subject, body) = notices::restriction_lifted_email(restriction);
        notices::queue(app, tx, &account, subject, body, now).await?;
    }
    crate::webhooks::standing_changed_in(app, tx, &after, "lifted", now).await?;
    Ok(())
}

/// Lifts every active restriction of the account that waits for `action`, silently: the step
/// that performed the action (a verified identity) sends the one email about it.
pub(crate) async fn lift_awaiting_in(
    app: &App,
    tx: &mut Tx,
    actor: &Actor,
    account_id: &str,
    action: RequiredAction,
    note: &str,
    now: Timestamp,
) -> AppResult<usize> {
    let waiting: Vec<Restriction> = tx
        .restrictions_of(account_id)
        .await?
        .into_iter()
        .filter(|r| r.is_active(now) && r.lift == LiftCondition::OnAction(action))
        .collect();
    for r in &waiting {
        lift_in(app, tx, actor, r, note, now, Announce::Silently).await?;
    }
    Ok(waiting.len())
}

/// What an agent or the operator asks for when restricting an account.
#[derive(Debug, Clone)]
pub struct RestrictionRequest {
    pub reason: trustwork_core::ReasonCode,
    pub severity: Severity,
    pub lift: LiftCondition,
    pub note: String,
}

impl App {
    /// Every capability of the account with its permission now.
    pub async fn capabilities(&self, account_id: &str) -> AppResult<Vec<(Capability, Permission)>> {
        let mut tx = self.db().begin().await?;
        tx.account(account_id).await?;
        let restrictions = tx.restrictions_of(account_id).await?;
        let awaiting = awaiting_approval(&mut tx, account_id).await?;
        Ok(rules::all_permissions(&restrictions, self.now())
            .into_iter()
            .map(|(cap, p)| (cap, rules::with_profile_gate(p, cap, awaiting)))
            .collect())
    }

    pub async fn apply_restriction(
        &self,
        actor: &Actor,
        account_id: &str,
        request: RestrictionRequest,
    ) -> AppResult<Restriction> {
        let now = self.now();
        if let LiftCondition::AtTime(until) = request.lift
            && until <= now
        {
            return Err(AppError::invalid("lift_at", "must be in the future"));
        }
        if request.note.trim().is_empty() {
            return Err(AppError::invalid(
                "note",
                "say why the restriction is applied",
            ));
        }
        let mut tx = self.db().begin().await?;
        let account = tx.account(account_id).await?;
        if account.role.is_staff() {
            return Err(AppError::invalid(
                "account_id",
                "staff accounts cannot be restricted here",
            ));
        }
        let new = NewRestriction::new(
            request.reason,
            request.severity,
            request.lift,
            &request.note,
        );
        let r = apply_in(self, &mut tx, actor, &account, new, now).await?;
        tx.commit().await?;
        self.wake_outbox();
        Ok(r)
    }

    pub async fn lift_restriction(
        &self,
        actor: &Actor,
        restriction_id: &str,
        note: &str,
    ) -> AppResult<Restriction> {
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let r = tx.restriction(restriction_id).await?;
        if r.lifted_at.is_some() {
            return Err(DomainError::AlreadyLifted {
                restriction_id: r.id,
            }
            .into());
        }
        if note.trim().is_empty() {
            return Err(AppError::invalid(
                "note",
                "say why the restriction is lifted",
            ));
        }
        lift_in(self, &mut tx, actor, &r, note, now, Announce::Email).await?;
        let lifted = tx.restriction(restriction_id).await?;
        tx.commit().await?;
        self.wake_outbox();
        Ok(lifted)
    }

    pub async fn restriction(&self, id: &str) -> AppResult<Restriction> {
        let mut tx = self.db().begin().await?;
        Ok(tx.restriction(id).await?)
    }

    pub async fn restrictions_of(&self, account_id: &str) -> AppResult<Vec<Restriction>> {
        let mut tx = self.db().begin().await?;
        tx.account(account_id).await?;
        Ok(tx.restrictions_of(account_id).await?)
    }
}
