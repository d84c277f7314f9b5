//! Just enough marketplace for holds to bite. Every action asks the standing first.

use crate::audit::Change;
use crate::standing::{ensure_allowed, permission_in};
use crate::{App, AppError, AppResult};
use trustwork_core::marketplace::{
    JobStatus, JobVisibility, ProposalStatus, WithdrawalStatus, check_withdrawal,
};
use trustwork_core::{Actor, Capability, Role};
use trustwork_store::accounts::Account;
use trustwork_store::marketplace::{Contract, JobPost, Proposal, Withdrawal};
use trustwork_store::new_id;

fn require_role(account: &Account, role: Role, what: &str) -> AppResult<()> {
    if account.role == role {
        Ok(())
    } else {
        Err(AppError::invalid(
            "account_id",
            format!("only {} accounts can {what}", role.as_str()),
        ))
    }
}

/// Only an open public post takes proposals; an invite-only or private one is answered by
/// accepting the client's invitation (seed 004).
fn takes_proposals(job: &JobPost) -> AppResult<()> {
    match job.status {
        JobStatus::Open if !job.visibility.in_search() => Err(AppError::invalid(
            "job_id",
            "this job takes freelancers by invitation only; accept the client's invitation to interview",
        )),
        JobStatus::Open => Ok(()),
        JobStatus::PendingReview => Err(AppError::invalid(
            "job_id",
            "the job is still being reviewed and takes no proposals yet",
        )),
        JobStatus::Rejected | JobStatus::Closed => {
            Err(AppError::invalid("job_id", "the job is closed"))
        }
    }
}

fn non_empty(field: &'static str, text: &str, max_chars: usize) -> AppResult<String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(AppError::invalid(field, "must not be empty"));
    }
    if t.chars().count() > max_chars {
        return Err(AppError::invalid(
            field,
            format!("must be at most {max_chars} characters"),
        ));
    }
    Ok(t.to_owned())
}

impl App {
    /// Whether the freelancer may propose on the job now, without writing anything.
    async fn check_proposal(&self, freelancer_id: &str, job_id: &str) -> AppResult<()> {
        let now = self.now();
        let mut tx = self.db().read().await?;
        let freelancer = tx.account(freelancer_id).await?;
        require_role(&freelancer, Role::Freelancer, "submit proposals")?;
        ensure_allowed(&mut tx, freelancer_id, Capability::SubmitProposal, now).await?;
        let job = tx.job_post(job_id).await?;
        takes_proposals(&job)?;
        // A letter that could not be stored is not judged (no decision, counters or cases).
        let earlier: Vec<ProposalStatus> = tx
            .proposals_of(freelancer_id)
            .await?
            .iter()
            .filter(|p| p.job_id == job.id)
            .map(|p| p.status)
            .collect();
        match trustwork_core::marketplace::why_not_propose_again(&earlier) {
            Some(why) => Err(AppError::Conflict(why.to_owned())),
            None => Ok(()),
        }
    }

    pub async fn submit_proposal(
        &self,
        freelancer_id: &str,
        job_id: &str,
        cover_letter: &str,
    ) -> AppResult<Proposal> {
        let letter = non_empty("cover_letter", cover_letter, 5_000)?;
        // The letter goes through the same detectors and policy as the marketplace's
        // `proposal.submitted` events: refused there, it is not sent. (Checked here first, so
        // that a proposal that could not be stored is not judged; judged outside this
        // function's transaction, which the event writer would wait for.)
        self.check_proposal(freelancer_id, job_id).await?;
        let proposal_id = new_id("prp");
        let event = serde_json::json!({
            "type": "proposal.submitted",
            "occurred_at": self.now().to_rfc3339(),
            "actor_id": freelancer_id,
            "data": {"proposal_id": proposal_id, "job_id": job_id, "cover_letter": letter},
        });
        let (decision, _) = self
            .ingest_unbatched(&format!("console-{proposal_id}"), &event)
            .await?;
        if decision.verdict == "block" {
            return Err(AppError::invalid("cover_letter", decision.reason));
        }
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let freelancer = tx.account(freelancer_id).await?;
        require_role(&freelancer, Role::Freelancer, "submit proposals")?;
        ensure_allowed(&mut tx, freelancer_id, Capability::SubmitProposal, now).await?;
        let job = tx.job_post(job_id).await?;
        takes_proposals(&job)?;
        let earlier: Vec<ProposalStatus> = tx
            .proposals_of(&freelancer.id)
            .await?
            .iter()
            .filter(|p| p.job_id == job.id)
            .map(|p| p.status)
            .collect();
        if let Some(why) = trustwork_core::marketplace::why_not_propose_again(&earlier) {
            return Err(AppError::Conflict(why.to_owned()));
        }
        let p = Proposal {
            id: proposal_id,
            job_id: job.id.clone(),
            job_title: job.title.clone(),
            freelancer_id: freelancer.id.clone(),
            cover_letter: letter,
            status: ProposalStatus::Submitted,
            created_at: now,
            updated_at: now,
        };
        tx.insert_proposal(&p).await?;
        tx.append_audit(
            &Change {
                actor: &Actor::Account(freelancer.id.clone()),
                account_id: Some(&freelancer.id),
                action: "proposal.submitted",
                entity_type: "proposal",
                entity_id: &p.id,
                reason: "",
                before: None,
                after: Some(serde_json::json!({"job_id": job.id, "status": "submitted"})),
            }
            .record(now),
        )
        .await?;
        tx.commit().await?;
        Ok(p)
    }

    pub async fn request_withdrawal(
        &self,
        account_id: &str,
        amount_cents: i64,
    ) -> AppResult<Withdrawal> {
        let now = self.now();
        let mut tx = self.db().begin().await?;
        tx.lock_account(account_id).await?;
        let account = tx.account(account_id).await?;
        ensure_allowed(&mut tx, account_id, Capability::WithdrawEarnings, now).await?;
        check_withdrawal(account.balance_cents, amount_cents)?;
        let w = Withdrawal {
            id: new_id("wd"),
            account_id: account.id.clone(),
            amount_cents,
            status: WithdrawalStatus::Requested,
            created_at: now,
        };
        tx.insert_withdrawal(&w).await?;
        // Guarded in SQL too: the balance never goes below zero, whatever runs beside us.
        if !tx.take_from_balance(&account.id, amount_cents).await? {
            return Err(trustwork_core::DomainError::InsufficientBalance {
                available_cents: account.balance_cents,
                requested_cents: amount_cents,
            }
            .into());
        }
        tx.append_audit(
            &Change {
                actor: &Actor::Account(account.id.clone()),
                account_id: Some(&account.id),
                action: "withdrawal.requested",
                entity_type: "withdrawal",
                entity_id: &w.id,
                reason: "",
                before: Some(serde_json::json!({"balance_cents": account.balance_cents})),
                after: Some(
                    serde_json::json!({"balance_cents": account.balance_cents - amount_cents}),
                ),
            }
            .record(now),
        )
        .await?;
        tx.commit().await?;
        Ok(w)
    }

    /// A client posts a public job: see [`App::post_job_decided`].
    pub async fn post_job(
        &self,
        client_id: &str,
        title: &str,
        description: &str,
    ) -> AppResult<JobPost> {
        self.post_job_decided(client_id, title, description, JobVisibility::Public)
            .await
            .map(|(job, _)| job)
    }

    /// A client posts a job from the console: it goes through the same pipeline as the
    /// marketplace's `job.posted` events (detectors, policy, review), and comes back with the
    /// status the decision gave it and the decision's reason (what to tell the client when it is
    /// refused).
    pub async fn post_job_decided(
        &self,
        client_id: &str,
        title: &str,
        description: &str,
        visibility: JobVisibility,
    ) -> AppResult<(JobPost, String)> {
        let title = non_empty("title", title, 200)?;
        let description = non_empty("description", description, 20_000)?;
        let now = self.now();
        {
            let mut tx = self.db().read().await?;
            let client = tx.account(client_id).await?;
            require_role(&client, Role::Client, "post jobs")?;
            ensure_allowed(&mut tx, client_id, Capability::PostJob, now).await?;
        }
        let job_id = new_id("job");
        let event = serde_json::json!({
            "type": "job.posted",
            "occurred_at": now.to_rfc3339(),
            "actor_id": client_id,
            "data": {"job_id": job_id, "title": title, "description": description,
                "visibility": visibility.as_str()},
        });
        let (decision, _) = self
            .ingest_unbatched(&format!("console-{job_id}"), &event)
            .await?;
        Ok((self.job(&job_id).await?, decision.reason))
    }

    /// Freelancers a client can find: those allowed to appear in search whose name or email
    /// matches. Accounts on hold and private profiles are left out.
    pub async fn search_freelancers(
        &self,
        query: &str,
    ) -> AppResult<Vec<crate::accounts::AccountView>> {
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let mut visible = Vec::new();
        for account in tx.search_accounts(query, 200).await? {
            if account.role == Role::Freelancer
                && permission_in(&mut tx, &account.id, Capability::AppearInSearch, now)
                    .await?
                    .allowed
            {
                visible.push(account);
            }
        }
        // A private profile is shown only to the clients its freelancer applies to (seed 004).
        let ids: Vec<String> = visible.iter().map(|a| a.id.clone()).collect();
        let private = tx.private_profiles_among(&ids).await?;
        Ok(visible
            .into_iter()
            .filter(|a| !private.contains(&a.id))
            .map(Into::into)
            .collect())
    }

    pub async fn proposals_of(&self, account_id: &str) -> AppResult<Vec<Proposal>> {
        let mut tx = self.db().begin().await?;
        tx.account(account_id).await?;
        Ok(tx.proposals_of(account_id).await?)
    }

    pub async fn contracts_of(&self, account_id: &str) -> AppResult<Vec<Contract>> {
        let mut tx = self.db().begin().await?;
        tx.account(account_id).await?;
        Ok(tx.contracts_of(account_id).await?)
    }

    pub async fn withdrawals_of(&self, account_id: &str) -> AppResult<Vec<Withdrawal>> {
        let mut tx = self.db().begin().await?;
        tx.account(account_id).await?;
        Ok(tx.withdrawals_of(account_id).await?)
    }

    pub async fn open_jobs(&self) -> AppResult<Vec<JobPost>> {
        let mut tx = self.db().begin().await?;
        Ok(tx.open_job_posts(100).await?)
    }
}
