//! Contracts (seed 004): a client offers one to a freelancer (hourly with a rate and a weekly
//! limit, or fixed price paid by milestones), both accept the platform's NDA, and only then does
//! it start. A client must have a verified payment method to offer one, and both sides must be
//! allowed to start contracts (a hold stops new ones; contracts already running go on).

mod diary;
mod disputes;
mod feedback;
mod lifecycle;
mod milestones;

use crate::audit::Change;
use crate::standing::ensure_allowed;
use crate::{App, AppError, AppResult};
use trustwork_core::contracts::{
    ContractKind, NDA_VERSION, Party, check_amount, check_hourly_terms, status_after_nda,
};
use trustwork_core::marketplace::{ContractStatus, ProposalStatus};
use trustwork_core::{Actor, Capability, DomainError, Role, Timestamp};
use trustwork_store::Tx;
use trustwork_store::accounts::Account;
use trustwork_store::contracts::{Dispute, Milestone, MilestoneStep, NdaAcceptance};
use trustwork_store::marketplace::Contract;
use trustwork_store::new_id;

pub(crate) use diary::WEEK_PAYOUT_TIMER;
pub use diary::WeekStatement;
pub use disputes::{DisputeView, Disputed};
pub use feedback::{FeedbackView, JobStats};
pub(crate) use milestones::AUTO_RELEASE_TIMER;

/// What a contract pays for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractTerms {
    pub kind: ContractKind,
    pub hourly_rate_cents: Option<i64>,
    pub weekly_limit_hours: Option<u32>,
    /// Fixed price: the milestones funded with the offer, `(title, amount_cents)`.
    pub milestones: Vec<(String, i64)>,
}

/// An offer as the client makes it.
#[derive(Debug, Clone)]
pub struct NewContract {
    pub client_id: String,
    pub freelancer_id: String,
    pub job_id: Option<String>,
    /// Defaults to the job's title.
    pub title: Option<String>,
    pub terms: ContractTerms,
}

/// A contract with what both sides signed, its milestones and its disputes.
#[derive(Debug, Clone)]
pub struct ContractView {
    pub contract: Contract,
    pub nda: Vec<NdaAcceptance>,
    pub milestones: Vec<Milestone>,
    pub disputes: Vec<Dispute>,
    /// The contract's thread (none for contracts made before contracts had one).
    pub thread_id: Option<String>,
}

/// The most milestones one offer funds.
pub(crate) const MAX_MILESTONES: usize = 20;

fn check_terms(t: &ContractTerms) -> AppResult<()> {
    match t.kind {
        ContractKind::Hourly => {
            let rate = t.hourly_rate_cents.ok_or_else(|| {
                AppError::invalid("hourly_rate_cents", "an hourly contract needs a rate")
            })?;
            check_hourly_terms(rate, t.weekly_limit_hours)
                .map_err(|(field, e)| AppError::invalid(field, e))?;
            if !t.milestones.is_empty() {
                return Err(AppError::invalid(
                    "milestones",
                    "only fixed-price contracts have milestones",
                ));
            }
        }
        ContractKind::Fixed => {
            if t.hourly_rate_cents.is_some() || t.weekly_limit_hours.is_some() {
                return Err(AppError::invalid(
                    "hourly_rate_cents",
                    "a fixed-price contract has no rate or weekly limit",
                ));
            }
            // An offer cannot be accepted before its first milestone is funded.
            if t.milestones.is_empty() {
                return Err(AppError::invalid(
                    "milestones",
                    "a fixed-price offer funds its first milestone",
                ));
            }
            if t.milestones.len() > MAX_MILESTONES {
                return Err(AppError::invalid(
                    "milestones",
                    format!("at most {MAX_MILESTONES}"),
                ));
            }
            for (title, amount) in &t.milestones {
                milestone_title(title)?;
                check_amount("milestones.amount_cents", *amount)
                    .map_err(|e| AppError::invalid("milestones", e))?;
            }
        }
    }
    Ok(())
}

fn milestone_title(title: &str) -> AppResult<String> {
    let t = title.trim();
    if t.is_empty() || t.chars().count() > 200 {
        return Err(AppError::invalid(
            "milestones.title",
            "a milestone needs a title of 1 to 200 characters",
        ));
    }
    Ok(t.to_owned())
}

/// Which side of the contract the account is on; not found for anyone else, so a contract's
/// existence is not told to strangers.
pub(crate) fn party_of(contract: &Contract, account_id: &str) -> AppResult<Party> {
    if contract.client_id == account_id {
        Ok(Party::Client)
    } else if contract.freelancer_id == account_id {
        Ok(Party::Freelancer)
    } else {
        Err(AppError::NotFound {
            entity: "contract",
            id: contract.id.clone(),
        })
    }
}

/// Writes one audit record per party of the contract.
pub(crate) async fn audit_both(
    tx: &mut Tx,
    contract: &Contract,
    actor: &Actor,
    action: &str,
    reason: &str,
    after: serde_json::Value,
    now: Timestamp,
) -> AppResult<()> {
    for account in [&contract.client_id, &contract.freelancer_id] {
        tx.append_audit(
            &Change {
                actor,
                account_id: Some(account),
                action,
                entity_type: "contract",
                entity_id: &contract.id,
                reason,
                before: None,
                after: Some(after.clone()),
            }
            .record(now),
        )
        .await?;
    }
    Ok(())
}

async fn both_may_start(tx: &mut Tx, c: &Contract, now: Timestamp) -> AppResult<()> {
    ensure_allowed(tx, &c.client_id, Capability::StartContract, now).await?;
    ensure_allowed(tx, &c.freelancer_id, Capability::StartContract, now).await
}

fn require_role(account: &Account, role: Role, field: &'static str) -> AppResult<()> {
    if account.role == role {
        Ok(())
    } else {
        Err(AppError::invalid(
            field,
            format!("must be a {} account", role.as_str()),
        ))
    }
}

/// Offers the contract in `tx`: every check, the contract awaiting the NDA, its funded
/// milestones, the freelancer's proposal on the job marked hired.
async fn offer_in(
    tx: &mut Tx,
    new: &NewContract,
    actor: &Actor,
    now: Timestamp,
) -> AppResult<Contract> {
    check_terms(&new.terms)?;
    tx.lock_accounts(&[&new.client_id, &new.freelancer_id])
        .await?;
    let client = tx.account(&new.client_id).await?;
    require_role(&client, Role::Client, "client_id")?;
    let freelancer = tx.account(&new.freelancer_id).await?;
    require_role(&freelancer, Role::Freelancer, "freelancer_id")?;
    let job = match &new.job_id {
        None => None,
        Some(job_id) => {
            let job = tx.job_post(job_id).await?;
            if job.client_id != client.id {
                return Err(AppError::invalid("job_id", "the job is another client's"));
            }
            if matches!(
                job.status,
                trustwork_core::marketplace::JobStatus::PendingReview
                    | trustwork_core::marketplace::JobStatus::Rejected
            ) {
                return Err(AppError::invalid(
                    "job_id",
                    "the job is not listed (in review or refused); hire on a listed job",
                ));
            }
            Some(job)
        }
    };
    let title = match (&new.title, &job) {
        (Some(t), _) if !t.trim().is_empty() => t.trim().to_owned(),
        (_, Some(job)) => job.title.clone(),
        _ => {
            return Err(AppError::invalid(
                "title",
                "a contract without a job needs a title",
            ));
        }
    };
    if title.chars().count() > 200 {
        return Err(AppError::invalid("title", "must be at most 200 characters"));
    }
    ensure_allowed(tx, &client.id, Capability::StartContract, now).await?;
    ensure_allowed(tx, &freelancer.id, Capability::StartContract, now).await?;
    if client.payment_verified_at.is_none() {
        return Err(DomainError::PaymentMethodNotVerified {
            client_id: client.id,
        }
        .into());
    }
    if let Some(job) = &job {
        let live = tx.contracts_of(&freelancer.id).await?.into_iter().any(|c| {
            c.job_id.as_deref() == Some(job.id.as_str()) && c.status != ContractStatus::Ended
        });
        if live {
            return Err(AppError::Conflict(
                "this freelancer already has a contract for this job".into(),
            ));
        }
        for p in tx.proposals_of(&freelancer.id).await? {
            if p.job_id == job.id && p.status.is_active() {
                tx.set_proposal_status(&p.id, p.status, ProposalStatus::Hired, now)
                    .await?;
            }
        }
    }
    let contract = Contract {
        id: new_id("ctr"),
        job_id: job.map(|j| j.id),
        client_id: client.id.clone(),
        freelancer_id: freelancer.id.clone(),
        title,
        status: ContractStatus::AwaitingNda,
        kind: new.terms.kind,
        hourly_rate_cents: new.terms.hourly_rate_cents,
        weekly_limit_hours: new.terms.weekly_limit_hours,
        created_at: now,
        updated_at: now,
        ended_at: None,
        started_at: None,
        active_since: None,
    };
    tx.insert_contract(&contract).await?;
    // The contract's own thread, where its parties talk about the work (seed 002).
    tx.insert_thread(
        &trustwork_core::conversation::Thread {
            id: new_id("thr"),
            kind: trustwork_core::conversation::ThreadKind::Contract,
            subject_id: Some(contract.id.clone()),
            created_at: now,
        },
        &[&client.id, &freelancer.id],
    )
    .await?;
    audit_both(
        tx,
        &contract,
        actor,
        "contract.offered",
        "",
        serde_json::json!({"status": contract.status.as_str(), "kind": contract.kind.as_str(),
            "hourly_rate_cents": contract.hourly_rate_cents,
            "weekly_limit_hours": contract.weekly_limit_hours}),
        now,
    )
    .await?;
    for (title, amount) in &new.terms.milestones {
        milestones::fund_in(
            tx,
            &contract,
            &client.id,
            &milestone_title(title)?,
            *amount,
            now,
        )
        .await?;
    }
    Ok(contract)
}

async fn view_in(tx: &mut Tx, contract: Contract) -> AppResult<ContractView> {
    Ok(ContractView {
        nda: tx.nda_acceptances(&contract.id).await?,
        milestones: tx.milestones_of(&contract.id).await?,
        disputes: tx.disputes_of_contract(&contract.id).await?,
        thread_id: tx
            .thread_about(
                trustwork_core::conversation::ThreadKind::Contract,
                &contract.id,
            )
            .await?
            .map(|t| t.id),
        contract,
    })
}

/// The contract as changed in `tx`, once `tx` is committed.
async fn committed_view(mut tx: Tx, contract_id: &str) -> AppResult<ContractView> {
    let contract = tx.contract(contract_id).await?;
    let view = view_in(&mut tx, contract).await?;
    tx.commit().await?;
    Ok(view)
}

impl App {
    /// The client offers a contract; it waits for both sides to accept the NDA.
    pub async fn offer_contract(
        &self,
        actor: &Actor,
        new: &NewContract,
    ) -> AppResult<ContractView> {
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let contract = offer_in(&mut tx, new, actor, now).await?;
        let view = view_in(&mut tx, contract).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// The client hires the freelancer behind a proposal on one of their jobs: an offer on the
    /// job with these terms.
    pub async fn hire(
        &self,
        client_id: &str,
        proposal_id: &str,
        terms: ContractTerms,
    ) -> AppResult<Contract> {
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let proposal = tx.proposal(proposal_id).await?;
        let job = tx.job_post(&proposal.job_id).await?;
        if job.client_id != client_id {
            return Err(AppError::NotFound {
                entity: "proposal",
                id: proposal_id.to_owned(),
            });
        }
        if !proposal.status.is_active() {
            return Err(DomainError::InvalidTransition {
                entity: "proposal",
                id: proposal.id,
                from: proposal.status.as_str(),
                to: ProposalStatus::Hired.as_str(),
            }
            .into());
        }
        let new = NewContract {
            client_id: client_id.to_owned(),
            freelancer_id: proposal.freelancer_id.clone(),
            job_id: Some(job.id),
            title: None,
            terms,
        };
        let contract = offer_in(&mut tx, &new, &Actor::Account(client_id.to_owned()), now).await?;
        tx.commit().await?;
        Ok(contract)
    }

    pub async fn contract(&self, id: &str) -> AppResult<ContractView> {
        let mut tx = self.db().read().await?;
        let contract = tx.contract(id).await?;
        view_in(&mut tx, contract).await
    }

    /// A party accepts the NDA (its current version, from `ip`); the contract starts once both
    /// have, if both may still start contracts.
    pub async fn accept_nda(
        &self,
        contract_id: &str,
        account_id: &str,
        ip: Option<&str>,
    ) -> AppResult<ContractView> {
        if let Some(ip) = ip {
            ip.parse::<std::net::IpAddr>()
                .map_err(|_| AppError::invalid("ip", "must be an IPv4 or IPv6 address"))?;
        }
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let contract = tx.contract(contract_id).await?;
        let party = party_of(&contract, account_id)?;
        tx.lock_accounts(&[&contract.client_id, &contract.freelancer_id])
            .await?;
        if contract.status != ContractStatus::AwaitingNda {
            return Err(AppError::Conflict(match contract.started_at {
                Some(_) => "the NDA was accepted by both sides already".into(),
                None => "the offer was withdrawn; there is nothing to accept".into(),
            }));
        }
        let acceptance = NdaAcceptance {
            contract_id: contract.id.clone(),
            account_id: account_id.to_owned(),
            nda_version: NDA_VERSION.to_owned(),
            ip: ip.map(str::to_owned),
            accepted_at: now,
        };
        if !tx.insert_nda_acceptance(&acceptance).await? {
            return Err(AppError::Conflict(
                "this account already accepted the NDA for this contract".into(),
            ));
        }
        let actor = Actor::Account(account_id.to_owned());
        tx.append_audit(
            &Change {
                actor: &actor,
                account_id: Some(account_id),
                action: "contract.nda_accepted",
                entity_type: "contract",
                entity_id: &contract.id,
                reason: "",
                before: None,
                after: Some(serde_json::json!({"nda_version": NDA_VERSION, "ip": ip,
                    "side": if party == Party::Client { "client" } else { "freelancer" }})),
            }
            .record(now),
        )
        .await?;
        let signed: Vec<String> = tx
            .nda_acceptances(&contract.id)
            .await?
            .into_iter()
            .map(|a| a.account_id)
            .collect();
        let status = status_after_nda(
            signed.contains(&contract.client_id),
            signed.contains(&contract.freelancer_id),
        );
        if status == ContractStatus::Active {
            both_may_start(&mut tx, &contract, now).await?;
            tx.set_contract_status(&contract.id, contract.status, status, now)
                .await?;
            audit_both(
                &mut tx,
                &contract,
                &actor,
                "contract.started",
                "",
                serde_json::json!({"status": "active", "nda_version": NDA_VERSION}),
                now,
            )
            .await?;
        }
        committed_view(tx, contract_id).await
    }
}

/// A step of a milestone's history by `actor_id`.
pub(crate) fn step(status: &str, actor_id: &str, note: &str, at: Timestamp) -> MilestoneStep {
    MilestoneStep {
        status: status.to_owned(),
        actor_id: actor_id.to_owned(),
        note: note.to_owned(),
        at,
    }
}
