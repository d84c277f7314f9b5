//! A contract's life after the offer: the client pauses and resumes it, either side ends it.
//! Ending refunds milestones funded for work never handed in and waits for work that was.

use super::{ContractView, audit_both, committed_view, party_of, step};
use crate::{App, AppError, AppResult};
use trustwork_core::Actor;
use trustwork_core::contracts::{MilestoneStatus, Party};
use trustwork_core::marketplace::ContractStatus;

impl App {
    /// Either party ends the contract (an offer not yet started is withdrawn the same way).
    pub async fn end_contract(
        &self,
        contract_id: &str,
        account_id: &str,
        reason: &str,
    ) -> AppResult<ContractView> {
        let reason = reason.trim();
        if reason.chars().count() > 2_000 {
            return Err(AppError::invalid("reason", "at most 2,000 characters"));
        }
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let contract = tx.contract(contract_id).await?;
        party_of(&contract, account_id)?;
        if contract.status == ContractStatus::Ended {
            return Err(AppError::Conflict("the contract has already ended".into()));
        }
        // Work handed in waits for its answer: money in escrow for it is never stranded.
        let milestones = tx.milestones_of(&contract.id).await?;
        if let Some(m) = milestones.iter().find(|m| {
            matches!(
                m.status,
                MilestoneStatus::Submitted
                    | MilestoneStatus::ChangesRequested
                    | MilestoneStatus::Disputed
            )
        }) {
            return Err(AppError::Conflict(format!(
                "milestone “{}” is {}: approve it, ask for changes or dispute it, and wait for its answer, before ending the contract",
                m.title,
                m.status.as_str().replace('_', " ")
            )));
        }
        tx.set_contract_status(&contract.id, contract.status, ContractStatus::Ended, now)
            .await?;
        // Milestones funded for work never handed in go back to the client.
        for m in milestones
            .iter()
            .filter(|m| m.status == MilestoneStatus::Funded)
        {
            tx.move_milestone(
                &m.id,
                m.status,
                &step(
                    MilestoneStatus::Refunded.as_str(),
                    account_id,
                    "the contract ended before the work was handed in",
                    now,
                ),
            )
            .await?;
        }
        audit_both(
            &mut tx,
            &contract,
            &Actor::Account(account_id.to_owned()),
            "contract.ended",
            reason,
            serde_json::json!({"status": "ended", "ended_by": account_id}),
            now,
        )
        .await?;
        committed_view(tx, contract_id).await
    }

    /// The client pauses an active contract (no time is logged, milestones wait) or resumes a
    /// paused one, with a reason both sides read.
    pub async fn pause_contract(
        &self,
        contract_id: &str,
        client_id: &str,
        paused: bool,
        reason: &str,
    ) -> AppResult<ContractView> {
        let reason = crate::review::member_note(reason, !paused, "say why the contract is paused")?;
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let contract = tx.contract(contract_id).await?;
        if party_of(&contract, client_id)? != Party::Client {
            return Err(AppError::Forbidden(
                "only the client pauses or resumes a contract".into(),
            ));
        }
        let (from, to, action) = if paused {
            (
                ContractStatus::Active,
                ContractStatus::Paused,
                "contract.paused",
            )
        } else {
            (
                ContractStatus::Paused,
                ContractStatus::Active,
                "contract.resumed",
            )
        };
        if contract.status != from {
            return Err(AppError::Conflict(format!(
                "the contract is {}; only an {} contract can be {}",
                contract.status.as_str().replace('_', " "),
                from.as_str(),
                if paused { "paused" } else { "resumed" }
            )));
        }
        tx.set_contract_status(&contract.id, from, to, now).await?;
        audit_both(
            &mut tx,
            &contract,
            &Actor::Account(client_id.to_owned()),
            action,
            reason,
            serde_json::json!({"status": to.as_str()}),
            now,
        )
        .await?;
        committed_view(tx, contract_id).await
    }
}
