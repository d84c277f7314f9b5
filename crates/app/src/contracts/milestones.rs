//! Fixed-price milestones: funded into escrow by the client, submitted by the freelancer,
//! approved (the money is released to the freelancer) or sent back for changes. Every move is
//! kept with who made it and why: the history an agent reads when a milestone is disputed.

use super::{audit_both, party_of, step};
use crate::{App, AppError, AppResult};
use trustwork_core::contracts::{
    ContractKind, MILESTONE_REVIEW_MS, MilestoneAction, MilestoneStatus, check_amount,
    milestone_next,
};
use trustwork_core::marketplace::ContractStatus;
use trustwork_core::{Actor, Timestamp};
use trustwork_store::Tx;
use trustwork_store::contracts::{Milestone, MilestoneStep};
use trustwork_store::feedback::Payout;
use trustwork_store::marketplace::Contract;
use trustwork_store::new_id;

/// Approves submitted work the client left unanswered (subject: the milestone).
pub(crate) const AUTO_RELEASE_TIMER: &str = "milestone_auto_release";

/// The client funds a new milestone of the contract into escrow.
pub(super) async fn fund_in(
    tx: &mut Tx,
    contract: &Contract,
    client_id: &str,
    title: &str,
    amount_cents: i64,
    now: Timestamp,
) -> AppResult<Milestone> {
    let m = Milestone {
        id: new_id("ms"),
        contract_id: contract.id.clone(),
        title: title.to_owned(),
        amount_cents,
        status: MilestoneStatus::Funded,
        created_at: now,
        updated_at: now,
    };
    tx.insert_milestone(&m).await?;
    tx.insert_milestone_step(
        &m.id,
        &step(MilestoneStatus::Funded.as_str(), client_id, "", now),
    )
    .await?;
    audit_both(
        tx,
        contract,
        &Actor::Account(client_id.to_owned()),
        "milestone.funded",
        "",
        serde_json::json!({"milestone_id": m.id, "title": m.title, "amount_cents": amount_cents}),
        now,
    )
    .await?;
    Ok(m)
}

/// Pays the freelancer `amount_cents` for `subject_ref` (a week, a milestone, a dispute), once:
/// the ledger refuses a second payout of the same thing.
pub(super) async fn pay_in(
    tx: &mut Tx,
    contract: &Contract,
    kind: &str,
    subject_ref: &str,
    amount_cents: i64,
    now: Timestamp,
) -> AppResult<bool> {
    if amount_cents <= 0 {
        return Ok(false);
    }
    let payout = Payout {
        id: new_id("pay"),
        account_id: contract.freelancer_id.clone(),
        contract_id: contract.id.clone(),
        kind: kind.to_owned(),
        subject_ref: subject_ref.to_owned(),
        amount_cents,
        paid_at: now,
    };
    Ok(tx.pay_out(&payout).await?)
}

impl App {
    /// The client funds another milestone on a fixed-price contract that has not ended.
    pub async fn fund_milestone(
        &self,
        contract_id: &str,
        client_id: &str,
        title: &str,
        amount_cents: i64,
    ) -> AppResult<Milestone> {
        let title = super::milestone_title(title)?;
        check_amount("amount_cents", amount_cents)
            .map_err(|e| AppError::invalid("amount_cents", e))?;
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let contract = tx.contract(contract_id).await?;
        if party_of(&contract, client_id)? != trustwork_core::contracts::Party::Client {
            return Err(AppError::Forbidden(
                "only the client funds milestones".into(),
            ));
        }
        if contract.kind != ContractKind::Fixed {
            return Err(AppError::invalid(
                "contract_id",
                "hourly contracts are paid by the hour, not by milestones",
            ));
        }
        if contract.status == ContractStatus::Ended {
            return Err(AppError::Conflict("the contract has ended".into()));
        }
        if tx.milestones_of(&contract.id).await?.len() >= 5 * super::MAX_MILESTONES {
            return Err(AppError::Conflict(format!(
                "a contract has at most {} milestones; start a new contract",
                5 * super::MAX_MILESTONES
            )));
        }
        let m = fund_in(&mut tx, &contract, client_id, &title, amount_cents, now).await?;
        tx.commit().await?;
        Ok(m)
    }

    /// A party moves a milestone: the freelancer submits the work, the client approves it
    /// (releasing the money) or asks for changes. Disputes are opened apart (with a reason).
    pub async fn act_on_milestone(
        &self,
        milestone_id: &str,
        account_id: &str,
        action: MilestoneAction,
        note: &str,
    ) -> AppResult<Milestone> {
        if action == MilestoneAction::Dispute {
            return Err(AppError::invalid(
                "action",
                "a dispute is opened on the contract (POST /api/v1/contracts/{id}/disputes) with a reason",
            ));
        }
        let note = crate::review::member_note(
            note,
            action != MilestoneAction::RequestChanges,
            "say what should change",
        )?;
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let m = tx.milestone(milestone_id).await?;
        let contract = tx.contract(&m.contract_id).await?;
        let party = party_of(&contract, account_id).map_err(|_| AppError::NotFound {
            entity: "milestone",
            id: milestone_id.to_owned(),
        })?;
        if contract.status != ContractStatus::Active {
            return Err(AppError::Conflict(format!(
                "the contract is {}; milestones move only on an active contract",
                contract.status.as_str().replace('_', " ")
            )));
        }
        let to = milestone_next(m.status, action, party).map_err(AppError::Conflict)?;
        tx.move_milestone(&m.id, m.status, &step(to.as_str(), account_id, note, now))
            .await?;
        if to == MilestoneStatus::Released {
            pay_in(&mut tx, &contract, "milestone", &m.id, m.amount_cents, now).await?;
        }
        if to == MilestoneStatus::Submitted {
            tx.schedule_timer(
                &new_id("tmr"),
                AUTO_RELEASE_TIMER,
                &m.id,
                now.plus_millis(MILESTONE_REVIEW_MS),
                now,
            )
            .await?;
        }
        audit_both(
            &mut tx,
            &contract,
            &Actor::Account(account_id.to_owned()),
            &format!("milestone.{}", to.as_str()),
            note,
            serde_json::json!({"milestone_id": m.id, "status": to.as_str(), "amount_cents": m.amount_cents}),
            now,
        )
        .await?;
        let m = tx.milestone(milestone_id).await?;
        tx.commit().await?;
        Ok(m)
    }

    /// The client did not answer submitted work within 14 days: it is approved for them and
    /// the money released (a timer). A milestone sent back, disputed or submitted again later
    /// is left alone: the latest submission's own timer decides.
    pub(crate) async fn auto_release_in(
        &self,
        tx: &mut Tx,
        milestone_id: &str,
        now: Timestamp,
    ) -> AppResult<()> {
        let m = tx.milestone(milestone_id).await?;
        if m.status != MilestoneStatus::Submitted {
            return Ok(());
        }
        let submitted_at = tx
            .milestone_history(&m.id)
            .await?
            .iter()
            .rev()
            .find(|h| h.status == MilestoneStatus::Submitted.as_str())
            .map(|h| h.at);
        if submitted_at.is_none_or(|at| now < at.plus_millis(MILESTONE_REVIEW_MS)) {
            return Ok(());
        }
        let contract = tx.contract(&m.contract_id).await?;
        let note = "approved automatically: the client did not answer within 14 days";
        tx.move_milestone(
            &m.id,
            m.status,
            &step(MilestoneStatus::Released.as_str(), "system", note, now),
        )
        .await?;
        pay_in(tx, &contract, "milestone", &m.id, m.amount_cents, now).await?;
        audit_both(
            tx,
            &contract,
            &Actor::system("milestone_review"),
            "milestone.released",
            note,
            serde_json::json!({"milestone_id": m.id, "status": "released", "amount_cents": m.amount_cents}),
            now,
        )
        .await
    }

    pub async fn milestone_history(&self, milestone_id: &str) -> AppResult<Vec<MilestoneStep>> {
        let mut tx = self.db().read().await?;
        tx.milestone(milestone_id).await?;
        Ok(tx.milestone_history(milestone_id).await?)
    }
}
