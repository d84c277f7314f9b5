//! What contracts leave behind: each side's feedback, the payouts ledger (a week's hours, a
//! milestone, a settlement, the guarantee; each paid once), and the ended contracts the Job
//! Success Score reads.

use crate::rows::ts;
use crate::{Result, StoreError, Tx};
use trustwork_core::Timestamp;

/// One side's feedback on an ended contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feedback {
    pub contract_id: String,
    pub from_account_id: String,
    pub to_account_id: String,
    pub rating: u8,
    pub public_text: String,
    pub private_score: Option<u8>,
    pub created_at: Timestamp,
}

type FeedbackRow = (String, String, String, i64, String, Option<i64>, i64);

fn feedback(r: FeedbackRow) -> Feedback {
    Feedback {
        contract_id: r.0,
        from_account_id: r.1,
        to_account_id: r.2,
        rating: u8::try_from(r.3).unwrap_or(0),
        public_text: r.4,
        private_score: r.5.and_then(|s| u8::try_from(s).ok()),
        created_at: ts(r.6),
    }
}

/// Money paid to a freelancer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payout {
    pub id: String,
    pub account_id: String,
    pub contract_id: String,
    /// `hours`, `milestone` or `dispute`.
    pub kind: String,
    /// The week, the milestone's id or the dispute's id.
    pub subject_ref: String,
    pub amount_cents: i64,
    pub paid_at: Timestamp,
}

/// An ended contract, its end, the client's rating and private score, and how many sides wrote.
type EndedRow = (String, i64, Option<i64>, Option<i64>, i64);

/// What the Job Success Score reads of one ended contract of the freelancer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndedContract {
    pub contract_id: String,
    pub ended_at: Timestamp,
    pub client_rating: Option<u8>,
    pub client_private_score: Option<u8>,
    /// Both sides wrote feedback (it is then shown, as it is 14 days after the end).
    pub both_wrote: bool,
    /// The settlements of its disputes.
    pub dispute_outcomes: Vec<String>,
}

impl Tx {
    /// Keeps one side's feedback; a conflict if that side already left it.
    pub async fn insert_feedback(&mut self, f: &Feedback) -> Result<()> {
        sqlx::query(
            "INSERT INTO contract_feedback (contract_id, from_account_id, to_account_id, rating, public_text, private_score, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&f.contract_id)
        .bind(&f.from_account_id)
        .bind(&f.to_account_id)
        .bind(i64::from(f.rating))
        .bind(&f.public_text)
        .bind(f.private_score.map(i64::from))
        .bind(f.created_at.millis())
        .execute(self.conn())
        .await
        .map_err(|e| StoreError::on_unique(e, "feedback on this contract was already left"))?;
        Ok(())
    }

    pub async fn feedback_of_contract(&mut self, contract_id: &str) -> Result<Vec<Feedback>> {
        let rows: Vec<FeedbackRow> = sqlx::query_as(
            "SELECT contract_id, from_account_id, to_account_id, rating, public_text, private_score, created_at \
             FROM contract_feedback WHERE contract_id = $1 ORDER BY created_at, from_account_id",
        )
        .bind(contract_id)
        .fetch_all(self.conn())
        .await?;
        Ok(rows.into_iter().map(feedback).collect())
    }

    /// Pays a freelancer once per contract, kind and subject: false (nothing paid) when it was
    /// paid before. The balance grows in the same transaction.
    pub async fn pay_out(&mut self, p: &Payout) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO payouts (id, account_id, contract_id, kind, subject_ref, amount_cents, paid_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (contract_id, kind, subject_ref) DO NOTHING",
        )
        .bind(&p.id)
        .bind(&p.account_id)
        .bind(&p.contract_id)
        .bind(&p.kind)
        .bind(&p.subject_ref)
        .bind(p.amount_cents)
        .bind(p.paid_at.millis())
        .execute(self.conn())
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        self.add_to_balance(&p.account_id, p.amount_cents).await?;
        Ok(true)
    }

    /// Whether the contract paid this kind of thing already (a week's hours, a milestone).
    pub async fn paid_out(
        &mut self,
        contract_id: &str,
        kind: &str,
        subject_ref: &str,
    ) -> Result<bool> {
        let found: Option<String> = sqlx::query_scalar(
            "SELECT id FROM payouts WHERE contract_id = $1 AND kind = $2 AND subject_ref = $3",
        )
        .bind(contract_id)
        .bind(kind)
        .bind(subject_ref)
        .fetch_optional(self.conn())
        .await?;
        Ok(found.is_some())
    }

    /// What the freelancer was paid since `since`.
    pub async fn earnings_since(&mut self, account_id: &str, since: Timestamp) -> Result<i64> {
        let total: Option<i64> = sqlx::query_scalar(
            "SELECT CAST(SUM(amount_cents) AS BIGINT) FROM payouts WHERE account_id = $1 AND paid_at >= $2",
        )
        .bind(account_id)
        .bind(since.millis())
        .fetch_one(self.conn())
        .await?;
        Ok(total.unwrap_or(0))
    }

    pub async fn payouts_of_contract(&mut self, contract_id: &str) -> Result<Vec<Payout>> {
        let rows: Vec<(String, String, String, String, String, i64, i64)> = sqlx::query_as(
            "SELECT id, account_id, contract_id, kind, subject_ref, amount_cents, paid_at FROM payouts \
             WHERE contract_id = $1 ORDER BY paid_at, id",
        )
        .bind(contract_id)
        .fetch_all(self.conn())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| Payout {
                id: r.0,
                account_id: r.1,
                contract_id: r.2,
                kind: r.3,
                subject_ref: r.4,
                amount_cents: r.5,
                paid_at: ts(r.6),
            })
            .collect())
    }

    /// The freelancer's contracts that ended since `since`, with the client's feedback and
    /// the settled disputes: what the Job Success Score reads.
    pub async fn ended_contracts_of(
        &mut self,
        freelancer_id: &str,
        since: Timestamp,
    ) -> Result<Vec<EndedContract>> {
        let rows: Vec<EndedRow> = sqlx::query_as(
            "SELECT c.id, c.ended_at, f.rating, f.private_score, \
             (SELECT COUNT(*) FROM contract_feedback b WHERE b.contract_id = c.id) FROM contracts c \
             LEFT JOIN contract_feedback f ON f.contract_id = c.id AND f.from_account_id = c.client_id \
             WHERE c.freelancer_id = $1 AND c.status = 'ended' AND c.started_at IS NOT NULL AND c.ended_at >= $2 \
             ORDER BY c.ended_at DESC LIMIT 2000",
        )
        .bind(freelancer_id)
        .bind(since.millis())
        .fetch_all(self.conn())
        .await?;
        let disputes: Vec<(String, String)> = sqlx::query_as(
            "SELECT d.contract_id, d.outcome FROM disputes d JOIN contracts c ON c.id = d.contract_id \
             WHERE c.freelancer_id = $1 AND c.status = 'ended' AND c.ended_at >= $2 AND d.outcome IS NOT NULL",
        )
        .bind(freelancer_id)
        .bind(since.millis())
        .fetch_all(self.conn())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| EndedContract {
                dispute_outcomes: disputes
                    .iter()
                    .filter(|(c, _)| *c == r.0)
                    .map(|(_, o)| o.clone())
                    .collect(),
                contract_id: r.0,
                ended_at: ts(r.1),
                client_rating: r.2.and_then(|v| u8::try_from(v).ok()),
                client_private_score: r.3.and_then(|v| u8::try_from(v).ok()),
                both_wrote: r.4 >= 2,
            })
            .collect())
    }
}
