//! Job posts, proposals, contracts and withdrawals: just enough marketplace for holds to bite.

use crate::rows::ts;
use crate::{Result, StoreError, Tx};
use trustwork_core::Timestamp;
use trustwork_core::contracts::ContractKind;
use trustwork_core::marketplace::{
    ContractStatus, JobReviewDecision, JobStatus, JobVisibility, ProposalStatus, WithdrawalStatus,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobPost {
    pub id: String,
    pub client_id: String,
    pub title: String,
    pub description: String,
    pub status: JobStatus,
    pub visibility: JobVisibility,
    pub created_at: Timestamp,
    /// The post's review, once it was sent to one.
    pub review: JobReview,
}

/// Where a job post's review stands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobReview {
    pub case_id: Option<String>,
    pub reviewed_at: Option<Timestamp>,
    pub reviewed_by: Option<String>,
    pub decision: Option<JobReviewDecision>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub id: String,
    pub job_id: String,
    /// The job's title, joined in for lists.
    pub job_title: String,
    pub freelancer_id: String,
    pub cover_letter: String,
    pub status: ProposalStatus,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contract {
    pub id: String,
    pub job_id: Option<String>,
    pub client_id: String,
    pub freelancer_id: String,
    pub title: String,
    pub status: ContractStatus,
    pub kind: ContractKind,
    /// Hourly contracts only.
    pub hourly_rate_cents: Option<i64>,
    /// Hourly contracts only; none means no limit.
    pub weekly_limit_hours: Option<u32>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub ended_at: Option<Timestamp>,
    /// When both sides had accepted the NDA; none for an offer that never started.
    pub started_at: Option<Timestamp>,
    /// When it last became active (started or resumed).
    pub active_since: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withdrawal {
    pub id: String,
    pub account_id: String,
    pub amount_cents: i64,
    pub status: WithdrawalStatus,
    pub created_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct JobRow {
    id: String,
    client_id: String,
    title: String,
    description: String,
    status: String,
    visibility: String,
    created_at: i64,
    review_case_id: Option<String>,
    reviewed_at: Option<i64>,
    reviewed_by: Option<String>,
    review_decision: Option<String>,
    review_note: Option<String>,
}

const JOB_COLUMNS: &str = "id, client_id, title, description, status, visibility, created_at, review_case_id, reviewed_at, reviewed_by, review_decision, review_note";

#[derive(sqlx::FromRow)]
struct ProposalRow {
    id: String,
    job_id: String,
    job_title: String,
    freelancer_id: String,
    cover_letter: String,
    status: String,
    created_at: i64,
    updated_at: i64,
}

#[derive(sqlx::FromRow)]
struct ContractRow {
    id: String,
    job_id: Option<String>,
    client_id: String,
    freelancer_id: String,
    title: String,
    status: String,
    kind: String,
    hourly_rate_cents: Option<i64>,
    weekly_limit_hours: Option<i64>,
    created_at: i64,
    updated_at: i64,
    ended_at: Option<i64>,
    started_at: Option<i64>,
    active_since: Option<i64>,
}

const CONTRACT_COLUMNS: &str = "id, job_id, client_id, freelancer_id, title, status, kind, hourly_rate_cents, weekly_limit_hours, created_at, updated_at, ended_at, started_at, active_since";

#[derive(sqlx::FromRow)]
struct WithdrawalRow {
    id: String,
    account_id: String,
    amount_cents: i64,
    status: String,
    created_at: i64,
}

fn job(r: JobRow) -> Result<JobPost> {
    Ok(JobPost {
        status: JobStatus::parse(&r.status)
            .ok_or_else(|| StoreError::corrupt("job post", &r.id, "status"))?,
        visibility: JobVisibility::parse(&r.visibility)
            .ok_or_else(|| StoreError::corrupt("job post", &r.id, "visibility"))?,
        review: JobReview {
            case_id: r.review_case_id,
            reviewed_at: r.reviewed_at.map(ts),
            reviewed_by: r.reviewed_by,
            decision: r
                .review_decision
                .as_deref()
                .and_then(JobReviewDecision::parse),
            note: r.review_note,
        },
        client_id: r.client_id,
        title: r.title,
        description: r.description,
        created_at: ts(r.created_at),
        id: r.id,
    })
}

fn proposal(r: ProposalRow) -> Result<Proposal> {
    Ok(Proposal {
        status: ProposalStatus::parse(&r.status)
            .ok_or_else(|| StoreError::corrupt("proposal", &r.id, "status"))?,
        job_id: r.job_id,
        job_title: r.job_title,
        freelancer_id: r.freelancer_id,
        cover_letter: r.cover_letter,
        created_at: ts(r.created_at),
        updated_at: ts(r.updated_at),
        id: r.id,
    })
}

fn contract(r: ContractRow) -> Result<Contract> {
    Ok(Contract {
        status: ContractStatus::parse(&r.status)
            .ok_or_else(|| StoreError::corrupt("contract", &r.id, "status"))?,
        kind: ContractKind::parse(&r.kind)
            .ok_or_else(|| StoreError::corrupt("contract", &r.id, "kind"))?,
        hourly_rate_cents: r.hourly_rate_cents,
        weekly_limit_hours: r.weekly_limit_hours.and_then(|h| u32::try_from(h).ok()),
        job_id: r.job_id,
        client_id: r.client_id,
        freelancer_id: r.freelancer_id,
        title: r.title,
        created_at: ts(r.created_at),
        updated_at: ts(r.updated_at),
        ended_at: r.ended_at.map(ts),
        started_at: r.started_at.map(ts),
        active_since: r.active_since.map(ts),
        id: r.id,
    })
}

fn withdrawal(r: WithdrawalRow) -> Result<Withdrawal> {
    Ok(Withdrawal {
        status: WithdrawalStatus::parse(&r.status)
            .ok_or_else(|| StoreError::corrupt("withdrawal", &r.id, "status"))?,
        account_id: r.account_id,
        amount_cents: r.amount_cents,
        created_at: ts(r.created_at),
        id: r.id,
    })
}

const PROPOSAL_SELECT: &str = "SELECT p.id, p.job_id, j.title AS job_title, p.freelancer_id, p.cover_letter, p.status, p.created_at, p.updated_at \
     FROM proposals p JOIN job_posts j ON j.id = p.job_id";

impl Tx {
    pub async fn insert_job_post(&mut self, j: &JobPost) -> Result<()> {
        sqlx::query(
            "INSERT INTO job_posts (id, client_id, title, description, status, visibility, created_at, review_case_id, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7)",
        )
        .bind(&j.id)
        .bind(&j.client_id)
        .bind(&j.title)
        .bind(&j.description)
        .bind(j.status.as_str())
        .bind(j.visibility.as_str())
        .bind(j.created_at.millis())
        .bind(j.review.case_id.as_deref())
        .execute(self.conn())
        .await
        .map_err(|e| StoreError::on_unique(e, "a job post with this id was posted a moment ago"))?;
        Ok(())
    }

    /// A post sent again (edited, or after changes were asked for): its text, visibility and
    /// new status; the earlier review's outcome is cleared.
    pub async fn repost_job(&mut self, j: &JobPost, now: Timestamp) -> Result<()> {
        sqlx::query(
            "UPDATE job_posts SET title = $1, description = $2, status = $3, visibility = $4, review_case_id = $5, \
             reviewed_at = NULL, reviewed_by = NULL, review_decision = NULL, review_note = NULL, updated_at = $6 WHERE id = $7",
        )
        .bind(&j.title)
        .bind(&j.description)
        .bind(j.status.as_str())
        .bind(j.visibility.as_str())
        .bind(j.review.case_id.as_deref())
        .bind(now.millis())
        .bind(&j.id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// An agent's decision on a post waiting for review. False when it was not waiting.
    pub async fn decide_job_review(
        &mut self,
        id: &str,
        decision: JobReviewDecision,
        agent_id: &str,
        note: &str,
        now: Timestamp,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE job_posts SET status = $1, reviewed_at = $2, reviewed_by = $3, review_decision = $4, review_note = $5, updated_at = $2 \
             WHERE id = $6 AND status = 'pending_review'",
        )
        .bind(decision.status().as_str())
        .bind(now.millis())
        .bind(agent_id)
        .bind(decision.as_str())
        .bind(note)
        .bind(id)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn job_post(&mut self, id: &str) -> Result<JobPost> {
        self.find_job_post(id)
            .await?
            .ok_or_else(|| StoreError::not_found("job post", id))
    }

    pub async fn find_job_post(&mut self, id: &str) -> Result<Option<JobPost>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {JOB_COLUMNS} FROM job_posts WHERE id = $1"));
        let row: Option<JobRow> = sqlx::query_as(sql)
            .bind(id)
            .fetch_optional(self.conn())
            .await?;
        row.map(job).transpose()
    }

    /// Open job posts anyone may find, newest first.
    pub async fn open_job_posts(&mut self, limit: i64) -> Result<Vec<JobPost>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {JOB_COLUMNS} FROM job_posts WHERE status = 'open' AND visibility = 'public' \
             ORDER BY created_at DESC, id DESC LIMIT $1"
        ));
        let rows: Vec<JobRow> = sqlx::query_as(sql)
            .bind(limit)
            .fetch_all(self.conn())
            .await?;
        rows.into_iter().map(job).collect()
    }

    /// Job posts made since `since` (at most `limit`, newest first): the demand side of the
    /// profiles' supply and demand.
    pub async fn job_posts_since(&mut self, since: Timestamp, limit: i64) -> Result<Vec<JobPost>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {JOB_COLUMNS} FROM job_posts WHERE created_at >= $1 ORDER BY created_at DESC, id DESC LIMIT $2"
        ));
        let rows: Vec<JobRow> = sqlx::query_as(sql)
            .bind(since.millis())
            .bind(limit)
            .fetch_all(self.conn())
            .await?;
        rows.into_iter().map(job).collect()
    }

    /// The client's job posts, newest first.
    pub async fn job_posts_of_client(
        &mut self,
        client_id: &str,
        limit: i64,
    ) -> Result<Vec<JobPost>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {JOB_COLUMNS} FROM job_posts WHERE client_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
        ));
        let rows: Vec<JobRow> = sqlx::query_as(sql)
            .bind(client_id)
            .bind(limit)
            .fetch_all(self.conn())
            .await?;
        rows.into_iter().map(job).collect()
    }

    pub async fn insert_proposal(&mut self, p: &Proposal) -> Result<()> {
        sqlx::query(
            "INSERT INTO proposals (id, job_id, freelancer_id, cover_letter, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&p.id)
        .bind(&p.job_id)
        .bind(&p.freelancer_id)
        .bind(&p.cover_letter)
        .bind(p.status.as_str())
        .bind(p.created_at.millis())
        .bind(p.updated_at.millis())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    pub async fn proposals_of(&mut self, freelancer_id: &str) -> Result<Vec<Proposal>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{PROPOSAL_SELECT} WHERE p.freelancer_id = $1 ORDER BY p.created_at DESC, p.id DESC"
        ));
        let rows: Vec<ProposalRow> = sqlx::query_as(sql)
            .bind(freelancer_id)
            .fetch_all(self.conn())
            .await?;
        rows.into_iter().map(proposal).collect()
    }

    /// Proposals on the client's jobs, latest first.
    pub async fn proposals_to_client(&mut self, client_id: &str) -> Result<Vec<Proposal>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{PROPOSAL_SELECT} WHERE j.client_id = $1 ORDER BY p.created_at DESC, p.id DESC LIMIT 200"
        ));
        let rows: Vec<ProposalRow> = sqlx::query_as(sql)
            .bind(client_id)
            .fetch_all(self.conn())
            .await?;
        rows.into_iter().map(proposal).collect()
    }

    pub async fn proposal(&mut self, id: &str) -> Result<Proposal> {
        let sql = sqlx::AssertSqlSafe(format!("{PROPOSAL_SELECT} WHERE p.id = $1"));
        let row: Option<ProposalRow> = sqlx::query_as(sql)
            .bind(id)
            .fetch_optional(self.conn())
            .await?;
        row.map(proposal)
            .transpose()?
            .ok_or_else(|| StoreError::not_found("proposal", id))
    }

    /// Moves one proposal from `from` to `to`; a conflict if it is no longer in `from`.
    pub async fn set_proposal_status(
        &mut self,
        id: &str,
        from: ProposalStatus,
        to: ProposalStatus,
        at: Timestamp,
    ) -> Result<()> {
        let done = sqlx::query(
            "UPDATE proposals SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
        )
        .bind(to.as_str())
        .bind(at.millis())
        .bind(id)
        .bind(from.as_str())
        .execute(self.conn())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict {
                what: "the proposal was changed by someone else; reload and try again",
            });
        }
        Ok(())
    }

    /// Moves every submitted or interviewing proposal of the freelancer to
    /// `cancelled_by_system`; returns the ids it moved.
    pub async fn cancel_active_proposals(
        &mut self,
        freelancer_id: &str,
        at: Timestamp,
    ) -> Result<Vec<String>> {
        let ids: Vec<String> = sqlx::query_scalar(
            "UPDATE proposals SET status = 'cancelled_by_system', updated_at = $1 \
             WHERE freelancer_id = $2 AND status IN ('submitted', 'interviewing') RETURNING id",
        )
        .bind(at.millis())
        .bind(freelancer_id)
        .fetch_all(self.conn())
        .await?;
        Ok(ids)
    }

    pub async fn insert_contract(&mut self, c: &Contract) -> Result<()> {
        sqlx::query(
            "INSERT INTO contracts (id, job_id, client_id, freelancer_id, title, status, kind, hourly_rate_cents, weekly_limit_hours, created_at, updated_at, ended_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(&c.id)
        .bind(c.job_id.as_deref())
        .bind(&c.client_id)
        .bind(&c.freelancer_id)
        .bind(&c.title)
        .bind(c.status.as_str())
        .bind(c.kind.as_str())
        .bind(c.hourly_rate_cents)
        .bind(c.weekly_limit_hours.map(i64::from))
        .bind(c.created_at.millis())
        .bind(c.updated_at.millis())
        .bind(c.ended_at.map(|t| t.millis()))
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Contracts where the account is the freelancer or the client, newest first.
    pub async fn contracts_of(&mut self, account_id: &str) -> Result<Vec<Contract>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {CONTRACT_COLUMNS} FROM contracts \
             WHERE freelancer_id = $1 OR client_id = $1 ORDER BY created_at DESC, id DESC"
        ));
        let rows: Vec<ContractRow> = sqlx::query_as(sql)
            .bind(account_id)
            .fetch_all(self.conn())
            .await?;
        rows.into_iter().map(contract).collect()
    }

    pub async fn find_contract(&mut self, id: &str) -> Result<Option<Contract>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {CONTRACT_COLUMNS} FROM contracts WHERE id = $1"
        ));
        let row: Option<ContractRow> = sqlx::query_as(sql)
            .bind(id)
            .fetch_optional(self.conn())
            .await?;
        row.map(contract).transpose()
    }

    pub async fn contract(&mut self, id: &str) -> Result<Contract> {
        self.find_contract(id)
            .await?
            .ok_or_else(|| StoreError::not_found("contract", id))
    }

    /// Moves the contract from `from` to `to`; a conflict if it is no longer in `from`.
    pub async fn set_contract_status(
        &mut self,
        id: &str,
        from: ContractStatus,
        to: ContractStatus,
        at: Timestamp,
    ) -> Result<()> {
        let ended = (to == ContractStatus::Ended).then_some(at.millis());
        let active = (to == ContractStatus::Active).then_some(at.millis());
        let done = sqlx::query(
            "UPDATE contracts SET status = $1, updated_at = $2, ended_at = COALESCE($3, ended_at), \
             started_at = COALESCE(started_at, $4), active_since = COALESCE($4, active_since) WHERE id = $5 AND status = $6",
        )
        .bind(to.as_str())
        .bind(at.millis())
        .bind(ended)
        .bind(active)
        .bind(id)
        .bind(from.as_str())
        .execute(self.conn())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict {
                what: "the contract was changed by someone else; reload and try again",
            });
        }
        Ok(())
    }

    pub async fn insert_withdrawal(&mut self, w: &Withdrawal) -> Result<()> {
        sqlx::query(
            "INSERT INTO withdrawals (id, account_id, amount_cents, status, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&w.id)
        .bind(&w.account_id)
        .bind(w.amount_cents)
        .bind(w.status.as_str())
        .bind(w.created_at.millis())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    pub async fn withdrawals_of(&mut self, account_id: &str) -> Result<Vec<Withdrawal>> {
        let rows: Vec<WithdrawalRow> = sqlx::query_as(
            "SELECT id, account_id, amount_cents, status, created_at FROM withdrawals \
             WHERE account_id = $1 ORDER BY created_at DESC, id DESC",
        )
        .bind(account_id)
        .fetch_all(self.conn())
        .await?;
        rows.into_iter().map(withdrawal).collect()
    }
}
