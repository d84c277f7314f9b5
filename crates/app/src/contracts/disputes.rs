//! Disputes (seed 004): a client disputes a week's hours (while the week is in review) or a
//! milestone; a case opens in the `dispute` queue with the diary week or the milestone's history
//! attached, and an agent settles it: the freelancer paid, the client refunded, or a split.

use super::milestones::pay_in;
use super::{audit_both, party_of, step};
use crate::review::{self, NewReviewCase};
use crate::{App, AppError, AppResult};
use trustwork_core::Actor;
use trustwork_core::contracts::{
    ContractKind, DisputeOutcome, DisputeSubject, MilestoneAction, MilestoneStatus, Party,
    milestone_next, settle,
};
use trustwork_core::review::{EntityType, Queue};
use trustwork_core::work_diary::{IsoWeek, Statement};
use trustwork_store::contracts::Dispute;
use trustwork_store::marketplace::Contract;
use trustwork_store::new_id;

/// A dispute with its contract.
#[derive(Debug, Clone)]
pub struct DisputeView {
    pub dispute: Dispute,
    pub contract: Contract,
}

/// What a dispute is about, as the client names it.
pub enum Disputed<'a> {
    Milestone(&'a str),
    Week(&'a str),
}

fn statement_json(s: &Statement) -> serde_json::Value {
    serde_json::json!({
        "hours_logged": Statement::hours(s.minutes_logged),
        "hours_protected": Statement::hours(s.minutes_protected),
        "hours_unprotected": s.unprotected.iter()
            .map(|(r, m)| serde_json::json!({"hours": Statement::hours(*m), "reason": r.as_str()}))
            .collect::<Vec<_>>(),
        "amount_billed_cents": s.amount_billed_cents,
    })
}

impl App {
    /// The client disputes a milestone or a week's hours with a reason.
    pub async fn open_dispute(
        &self,
        contract_id: &str,
        client_id: &str,
        what: Disputed<'_>,
        reason: &str,
    ) -> AppResult<DisputeView> {
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 2_000 {
            return Err(AppError::invalid(
                "reason",
                "say what is wrong, in at most 2,000 characters",
            ));
        }
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let contract = tx.contract(contract_id).await?;
        if party_of(&contract, client_id)? != Party::Client {
            return Err(AppError::Forbidden(
                "only the client opens a dispute".into(),
            ));
        }
        // The parties' rows are locked, as the week's payout locks them: a week is either
        // paid or disputed, never both.
        tx.lock_accounts(&[&contract.client_id, &contract.freelancer_id])
            .await?;
        let week = match &what {
            Disputed::Week(week) => {
                let week = IsoWeek::parse(week).ok_or_else(|| {
                    AppError::invalid("week", "expected an ISO week like 2026-W49")
                })?;
                if contract.kind != ContractKind::Hourly {
                    return Err(AppError::invalid(
                        "week",
                        "fixed-price contracts dispute milestones, not hours",
                    ));
                }
                let st = super::diary::statement_in(&mut tx, &contract, week).await?;
                if !st.dispute_open(now) {
                    return Err(AppError::Conflict(format!(
                        "the hours of {} can be disputed from {} until {}",
                        st.week,
                        st.week.end().to_human(),
                        st.week.review_ends().to_human()
                    )));
                }
                if !st.disputes.is_empty() {
                    return Err(AppError::Conflict(format!(
                        "the hours of {} were disputed already",
                        st.week
                    )));
                }
                if tx
                    .paid_out(&contract.id, "hours", &st.week.to_string())
                    .await?
                {
                    return Err(AppError::Conflict(format!(
                        "the hours of {} were paid already",
                        st.week
                    )));
                }
                if st.statement.amount_billed_cents == 0 {
                    return Err(AppError::invalid("week", "nothing was billed that week"));
                }
                Some(st)
            }
            Disputed::Milestone(_) => None,
        };
        let (subject, subject_ref, amount, context) = match (&what, &week) {
            (Disputed::Milestone(milestone_id), _) => {
                if contract.kind != ContractKind::Fixed {
                    return Err(AppError::invalid(
                        "milestone_id",
                        "hourly contracts dispute hours (week), not milestones",
                    ));
                }
                let m = tx.milestone(milestone_id).await?;
                if m.contract_id != contract.id {
                    return Err(AppError::NotFound {
                        entity: "milestone",
                        id: m.id,
                    });
                }
                let to = milestone_next(m.status, MilestoneAction::Dispute, Party::Client)
                    .map_err(AppError::Conflict)?;
                tx.move_milestone(&m.id, m.status, &step(to.as_str(), client_id, reason, now))
                    .await?;
                let history = tx.milestone_history(&m.id).await?;
                let context = serde_json::json!({"milestone": {"id": m.id, "title": m.title,
                    "amount_cents": m.amount_cents, "history": history.iter().map(|h| serde_json::json!({
                        "status": h.status, "actor_id": h.actor_id, "note": h.note, "at": h.at.to_rfc3339()})).collect::<Vec<_>>()}});
                (DisputeSubject::Milestone, m.id, m.amount_cents, context)
            }
            (Disputed::Week(_), Some(st)) => {
                let context = serde_json::json!({"week": st.week.to_string(),
                    "statement": statement_json(&st.statement),
                    "segments": st.segments.len()});
                (
                    DisputeSubject::Hours,
                    st.week.to_string(),
                    st.statement.amount_billed_cents,
                    context,
                )
            }
            (Disputed::Week(_), None) => {
                return Err(AppError::Internal(
                    "a week's dispute without its statement".into(),
                ));
            }
        };
        let id = new_id("dsp");
        let case = review::open_review_case_in(
            self,
            &mut tx,
            NewReviewCase {
                queue: Queue::Dispute,
                subject_account_id: contract.freelancer_id.clone(),
                entity_type: EntityType::Dispute,
                entity_id: id.clone(),
                content: reason.to_owned(),
                explanation_json: serde_json::json!({"dispute": {"contract_id": contract.id,
                    "contract_title": contract.title, "client_id": contract.client_id,
                    "subject": subject.as_str(), "amount_cents": amount}, "context": context})
                .to_string(),
                decision_id: None,
                priority: 0,
                weight: 0,
                actor: Actor::Account(client_id.to_owned()),
            },
            now,
        )
        .await?;
        let dispute = Dispute {
            id,
            contract_id: contract.id.clone(),
            subject,
            subject_ref,
            opened_by: client_id.to_owned(),
            reason: reason.to_owned(),
            amount_cents: amount,
            case_id: case.id,
            status: "open".into(),
            outcome: None,
            freelancer_cents: None,
            resolved_by: None,
            resolution_note: None,
            created_at: now,
            resolved_at: None,
        };
        tx.insert_dispute(&dispute).await?;
        audit_both(
            &mut tx,
            &contract,
            &Actor::Account(client_id.to_owned()),
            "dispute.opened",
            reason,
            serde_json::json!({"dispute_id": dispute.id, "subject": subject.as_str(),
                "subject_ref": dispute.subject_ref, "amount_cents": amount}),
            now,
        )
        .await?;
        tx.commit().await?;
        // The pipeline hears of it after the fact: it counts disputes against the freelancer
        // (a pattern opens a review) and reads the reason like any text. The dispute stands
        // whatever the decision; a failure here is logged, not answered.
        let event = serde_json::json!({
            "type": "dispute.opened",
            "occurred_at": now.to_rfc3339(),
            "actor_id": client_id,
            "data": {"contract_id": contract.id, "recipient_id": contract.freelancer_id,
                "reason": dispute.reason},
        });
        if let Err(e) = self
            .ingest_unbatched(&format!("dispute-{}", dispute.id), &event)
            .await
        {
            tracing::warn!(dispute_id = %dispute.id, error = %e.detail(), "the dispute was not judged");
        }
        Ok(DisputeView { dispute, contract })
    }

    pub async fn dispute(&self, id: &str) -> AppResult<DisputeView> {
        let mut tx = self.db().read().await?;
        let dispute = tx.dispute(id).await?;
        let contract = tx.contract(&dispute.contract_id).await?;
        Ok(DisputeView { dispute, contract })
    }

    /// An agent settles a dispute with a reason: the money in dispute goes to the freelancer,
    /// back to the client, or is split (`freelancer_cents` to the freelancer). A disputed
    /// milestone ends released, refunded or split; the case is resolved.
    pub async fn resolve_dispute(
        &self,
        id: &str,
        agent_id: &str,
        outcome: DisputeOutcome,
        freelancer_cents: Option<i64>,
        note: &str,
    ) -> AppResult<DisputeView> {
        let note = review::member_note(note, false, "give the reason for the settlement")?;
        let now = self.now();
        let mut tx = self.db().begin().await?;
        review::reviewer_in(&mut tx, agent_id, "disputes").await?;
        let dispute = tx.dispute(id).await?;
        if dispute.status != "open" {
            return Err(AppError::Conflict("the dispute is already settled".into()));
        }
        let (to_freelancer, _) = settle(dispute.amount_cents, outcome, freelancer_cents)
            .map_err(|e| AppError::invalid("freelancer_cents", e))?;
        review::claim_for_decision(
            self,
            &mut tx,
            Some(&dispute.case_id),
            agent_id,
            "this dispute",
            now,
        )
        .await?;
        if !tx
            .resolve_dispute(id, outcome, to_freelancer, agent_id, note, now)
            .await?
        {
            return Err(AppError::Conflict("the dispute is already settled".into()));
        }
        let contract = tx.contract(&dispute.contract_id).await?;
        if dispute.subject == DisputeSubject::Milestone {
            let m = tx.milestone(&dispute.subject_ref).await?;
            let settled = match outcome {
                DisputeOutcome::Paid => MilestoneStatus::Released,
                DisputeOutcome::Refunded => MilestoneStatus::Refunded,
                DisputeOutcome::Split => MilestoneStatus::Split,
            };
            tx.move_milestone(
                &m.id,
                MilestoneStatus::Disputed,
                &step(settled.as_str(), agent_id, note, now),
            )
            .await?;
        }

        // The freelancer's part of a milestone comes out of escrow; of a week's hours, it is
        // what the week pays (a disputed week is not paid when its review window closes).
        pay_in(&mut tx, &contract, "dispute", id, to_freelancer, now).await?;
        // The hourly guarantee: protected hours are paid whatever the client is refunded, the
        // difference by the platform.
        if dispute.subject == DisputeSubject::Hours
            && let Some(week) = IsoWeek::parse(&dispute.subject_ref)
        {
            let st = super::diary::statement_in(&mut tx, &contract, week).await?;
            let protected = (st.statement.minutes_protected * st.terms.hourly_rate_cents / 60)
                .min(dispute.amount_cents);
            if protected > to_freelancer {
                pay_in(
                    &mut tx,
                    &contract,
                    "guarantee",
                    id,
                    protected - to_freelancer,
                    now,
                )
                .await?;
            }
        }
        review::resolve_decided(
            &mut tx,
            Some(&dispute.case_id),
            agent_id,
            outcome != DisputeOutcome::Paid,
            note,
            outcome.as_str(),
            now,
        )
        .await?;
        audit_both(
            &mut tx,
            &contract,
            &Actor::Account(agent_id.to_owned()),
            "dispute.resolved",
            note,
            serde_json::json!({"dispute_id": id, "outcome": outcome.as_str(),
                "freelancer_cents": to_freelancer,
                "client_cents": dispute.amount_cents - to_freelancer}),
            now,
        )
        .await?;
        let dispute = tx.dispute(id).await?;
        tx.commit().await?;
        Ok(DisputeView { dispute, contract })
    }
}
