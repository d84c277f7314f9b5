//! What makes a contract trustworthy: payment methods as the provider checked them, NDA
//! acceptances, the work diary, milestones with their history, and disputes.

use crate::rows::ts;
use crate::{Result, StoreError, Tx};
use trustwork_core::Timestamp;
use trustwork_core::contracts::{DisputeOutcome, DisputeSubject, MilestoneStatus};
use trustwork_core::work_diary::Segment;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentMethod {
    pub id: String,
    pub account_id: String,
    pub kind: String,
    pub provider: String,
    pub provider_ref: Option<String>,
    pub fingerprint: String,
    /// What the member recognises it by ("card ending 4242").
    pub label: String,
    /// `verified`, `pending` or `failed`.
    pub status: String,
    pub failure_reason: Option<String>,
    pub created_at: Timestamp,
}

type PaymentMethodRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    Option<String>,
    i64,
);

fn payment_method(r: PaymentMethodRow) -> PaymentMethod {
    PaymentMethod {
        id: r.0,
        account_id: r.1,
        kind: r.2,
        provider: r.3,
        provider_ref: r.4,
        fingerprint: r.5,
        label: r.6,
        status: r.7,
        failure_reason: r.8,
        created_at: ts(r.9),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NdaAcceptance {
    pub contract_id: String,
    pub account_id: String,
    pub nda_version: String,
    pub ip: Option<String>,
    pub accepted_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Milestone {
    pub id: String,
    pub contract_id: String,
    pub title: String,
    pub amount_cents: i64,
    pub status: MilestoneStatus,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

type MilestoneRow = (String, String, String, i64, String, i64, i64);

fn milestone(r: MilestoneRow) -> Result<Milestone> {
    Ok(Milestone {
        status: MilestoneStatus::parse(&r.4)
            .ok_or_else(|| StoreError::corrupt("milestone", &r.0, "status"))?,
        id: r.0,
        contract_id: r.1,
        title: r.2,
        amount_cents: r.3,
        created_at: ts(r.5),
        updated_at: ts(r.6),
    })
}

/// One move of a milestone.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MilestoneStep {
    pub status: String,
    pub actor_id: String,
    pub note: String,
    pub at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dispute {
    pub id: String,
    pub contract_id: String,
    pub subject: DisputeSubject,
    /// The milestone's id or the week (`2026-W49`).
    pub subject_ref: String,
    pub opened_by: String,
    pub reason: String,
    pub amount_cents: i64,
    pub case_id: String,
    /// `open` or `resolved`.
    pub status: String,
    pub outcome: Option<DisputeOutcome>,
    pub freelancer_cents: Option<i64>,
    pub resolved_by: Option<String>,
    pub resolution_note: Option<String>,
    pub created_at: Timestamp,
    pub resolved_at: Option<Timestamp>,
}

#[derive(sqlx::FromRow)]
struct DisputeRow {
    id: String,
    contract_id: String,
    subject: String,
    subject_ref: String,
    opened_by: String,
    reason: String,
    amount_cents: i64,
    case_id: String,
    status: String,
    outcome: Option<String>,
    freelancer_cents: Option<i64>,
    resolved_by: Option<String>,
    resolution_note: Option<String>,
    created_at: i64,
    resolved_at: Option<i64>,
}

const DISPUTE_COLUMNS: &str = "id, contract_id, subject, subject_ref, opened_by, reason, amount_cents, case_id, status, outcome, freelancer_cents, resolved_by, resolution_note, created_at, resolved_at";

fn dispute(r: DisputeRow) -> Result<Dispute> {
    Ok(Dispute {
        subject: DisputeSubject::parse(&r.subject)
            .ok_or_else(|| StoreError::corrupt("dispute", &r.id, "subject"))?,
        outcome: match r.outcome.as_deref() {
            None => None,
            Some(o) => Some(
                DisputeOutcome::parse(o)
                    .ok_or_else(|| StoreError::corrupt("dispute", &r.id, "outcome"))?,
            ),
        },
        id: r.id,
        contract_id: r.contract_id,
        subject_ref: r.subject_ref,
        opened_by: r.opened_by,
        reason: r.reason,
        amount_cents: r.amount_cents,
        case_id: r.case_id,
        status: r.status,
        freelancer_cents: r.freelancer_cents,
        resolved_by: r.resolved_by,
        resolution_note: r.resolution_note,
        created_at: ts(r.created_at),
        resolved_at: r.resolved_at.map(ts),
    })
}

type SegmentRow = (i64, i64, i64, i64, Option<String>, Option<String>);

impl Tx {
    pub async fn insert_payment_method(&mut self, m: &PaymentMethod) -> Result<()> {
        sqlx::query(
            "INSERT INTO payment_methods (id, account_id, kind, provider, provider_ref, fingerprint, label, status, failure_reason, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
        )
        .bind(&m.id)
        .bind(&m.account_id)
        .bind(&m.kind)
        .bind(&m.provider)
        .bind(m.provider_ref.as_deref())
        .bind(&m.fingerprint)
        .bind(&m.label)
        .bind(&m.status)
        .bind(m.failure_reason.as_deref())
        .bind(m.created_at.millis())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The account's payment methods, newest first.
    pub async fn payment_methods_of(&mut self, account_id: &str) -> Result<Vec<PaymentMethod>> {
        let rows: Vec<PaymentMethodRow> = sqlx::query_as(
            "SELECT id, account_id, kind, provider, provider_ref, fingerprint, label, status, failure_reason, created_at \
             FROM payment_methods WHERE account_id = $1 ORDER BY created_at DESC, id DESC LIMIT 100",
        )
        .bind(account_id)
        .fetch_all(self.conn())
        .await?;
        Ok(rows.into_iter().map(payment_method).collect())
    }

    /// Records an acceptance; false when this account had already accepted.
    pub async fn insert_nda_acceptance(&mut self, a: &NdaAcceptance) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO nda_acceptances (contract_id, account_id, nda_version, ip, accepted_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (contract_id, account_id) DO NOTHING",
        )
        .bind(&a.contract_id)
        .bind(&a.account_id)
        .bind(&a.nda_version)
        .bind(a.ip.as_deref())
        .bind(a.accepted_at.millis())
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn nda_acceptances(&mut self, contract_id: &str) -> Result<Vec<NdaAcceptance>> {
        let rows: Vec<(String, String, String, Option<String>, i64)> = sqlx::query_as(
            "SELECT contract_id, account_id, nda_version, ip, accepted_at FROM nda_acceptances \
             WHERE contract_id = $1 ORDER BY accepted_at, account_id",
        )
        .bind(contract_id)
        .fetch_all(self.conn())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| NdaAcceptance {
                contract_id: r.0,
                account_id: r.1,
                nda_version: r.2,
                ip: r.3,
                accepted_at: ts(r.4),
            })
            .collect())
    }

    /// Keeps the segments; a conflict (and nothing kept) if one of them was already logged.
    pub async fn insert_segments(
        &mut self,
        contract_id: &str,
        segments: &[Segment],
        now: Timestamp,
    ) -> Result<()> {
        for s in segments {
            sqlx::query(
                "INSERT INTO work_diary_segments (contract_id, start_at, tracked, keyboard_events, mouse_events, screenshot_sha256, memo, logged_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(contract_id)
            .bind(s.start.millis())
            .bind(i64::from(s.tracked))
            .bind(i64::from(s.keyboard_events))
            .bind(i64::from(s.mouse_events))
            .bind(s.screenshot_sha256.as_deref())
            .bind(s.memo.as_deref())
            .bind(now.millis())
            .execute(self.conn())
            .await
            .map_err(|e| {
                StoreError::on_unique(e, "a segment with this start was already logged on this contract")
            })?;
        }
        Ok(())
    }

    /// The contract's segments that start in `[from, to)`, in order.
    pub async fn segments_between(
        &mut self,
        contract_id: &str,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<Segment>> {
        let rows: Vec<SegmentRow> = sqlx::query_as(
            "SELECT start_at, tracked, keyboard_events, mouse_events, screenshot_sha256, memo FROM work_diary_segments \
             WHERE contract_id = $1 AND start_at >= $2 AND start_at < $3 ORDER BY start_at",
        )
        .bind(contract_id)
        .bind(from.millis())
        .bind(to.millis())
        .fetch_all(self.conn())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| Segment {
                start: ts(r.0),
                tracked: r.1 != 0,
                keyboard_events: u32::try_from(r.2).unwrap_or(u32::MAX),
                mouse_events: u32::try_from(r.3).unwrap_or(u32::MAX),
                screenshot_sha256: r.4,
                memo: r.5,
            })
            .collect())
    }

    pub async fn insert_milestone(&mut self, m: &Milestone) -> Result<()> {
        sqlx::query(
            "INSERT INTO milestones (id, contract_id, title, amount_cents, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&m.id)
        .bind(&m.contract_id)
        .bind(&m.title)
        .bind(m.amount_cents)
        .bind(m.status.as_str())
        .bind(m.created_at.millis())
        .bind(m.updated_at.millis())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    pub async fn milestones_of(&mut self, contract_id: &str) -> Result<Vec<Milestone>> {
        let rows: Vec<MilestoneRow> = sqlx::query_as(
            "SELECT id, contract_id, title, amount_cents, status, created_at, updated_at FROM milestones \
             WHERE contract_id = $1 ORDER BY created_at, id",
        )
        .bind(contract_id)
        .fetch_all(self.conn())
        .await?;
        rows.into_iter().map(milestone).collect()
    }

    pub async fn milestone(&mut self, id: &str) -> Result<Milestone> {
        let row: Option<MilestoneRow> = sqlx::query_as(
            "SELECT id, contract_id, title, amount_cents, status, created_at, updated_at FROM milestones WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.conn())
        .await?;
        row.map(milestone)
            .transpose()?
            .ok_or_else(|| StoreError::not_found("milestone", id))
    }

    /// Moves the milestone from `from` to `to` and writes the step; a conflict if it moved.
    pub async fn move_milestone(
        &mut self,
        id: &str,
        from: MilestoneStatus,
        step: &MilestoneStep,
    ) -> Result<()> {
        let done = sqlx::query(
            "UPDATE milestones SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
        )
        .bind(&step.status)
        .bind(step.at.millis())
        .bind(id)
        .bind(from.as_str())
        .execute(self.conn())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict {
                what: "the milestone was changed by someone else; reload and try again",
            });
        }
        self.insert_milestone_step(id, step).await
    }

    pub async fn insert_milestone_step(&mut self, id: &str, step: &MilestoneStep) -> Result<()> {
        sqlx::query(
            "INSERT INTO milestone_history (milestone_id, seq, status, actor_id, note, at) \
             SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4, $5 FROM milestone_history WHERE milestone_id = $1",
        )
        .bind(id)
        .bind(&step.status)
        .bind(&step.actor_id)
        .bind(&step.note)
        .bind(step.at.millis())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    pub async fn milestone_history(&mut self, id: &str) -> Result<Vec<MilestoneStep>> {
        let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
            "SELECT status, actor_id, note, at FROM milestone_history WHERE milestone_id = $1 ORDER BY seq",
        )
        .bind(id)
        .fetch_all(self.conn())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| MilestoneStep {
                status: r.0,
                actor_id: r.1,
                note: r.2,
                at: ts(r.3),
            })
            .collect())
    }

    pub async fn insert_dispute(&mut self, d: &Dispute) -> Result<()> {
        sqlx::query(
            "INSERT INTO disputes (id, contract_id, subject, subject_ref, opened_by, reason, amount_cents, case_id, status, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&d.id)
        .bind(&d.contract_id)
        .bind(d.subject.as_str())
        .bind(&d.subject_ref)
        .bind(&d.opened_by)
        .bind(&d.reason)
        .bind(d.amount_cents)
        .bind(&d.case_id)
        .bind(&d.status)
        .bind(d.created_at.millis())
        .execute(self.conn())
        .await
        .map_err(|e| StoreError::on_unique(e, "this is already in dispute"))?;
        Ok(())
    }

    pub async fn dispute(&mut self, id: &str) -> Result<Dispute> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {DISPUTE_COLUMNS} FROM disputes WHERE id = $1"
        ));
        let row: Option<DisputeRow> = sqlx::query_as(sql)
            .bind(id)
            .fetch_optional(self.conn())
            .await?;
        row.map(dispute)
            .transpose()?
            .ok_or_else(|| StoreError::not_found("dispute", id))
    }

    /// The dispute a review case was opened for, if any.
    pub async fn dispute_of_case(&mut self, case_id: &str) -> Result<Option<Dispute>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {DISPUTE_COLUMNS} FROM disputes WHERE case_id = $1"
        ));
        let row: Option<DisputeRow> = sqlx::query_as(sql)
            .bind(case_id)
            .fetch_optional(self.conn())
            .await?;
        row.map(dispute).transpose()
    }

    pub async fn disputes_of_contract(&mut self, contract_id: &str) -> Result<Vec<Dispute>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {DISPUTE_COLUMNS} FROM disputes WHERE contract_id = $1 ORDER BY created_at, id"
        ));
        let rows: Vec<DisputeRow> = sqlx::query_as(sql)
            .bind(contract_id)
            .fetch_all(self.conn())
            .await?;
        rows.into_iter().map(dispute).collect()
    }

    /// Settles an open dispute; false when it was no longer open.
    pub async fn resolve_dispute(
        &mut self,
        id: &str,
        outcome: DisputeOutcome,
        freelancer_cents: i64,
        agent_id: &str,
        note: &str,
        now: Timestamp,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE disputes SET status = 'resolved', outcome = $1, freelancer_cents = $2, resolved_by = $3, resolution_note = $4, resolved_at = $5 \
             WHERE id = $6 AND status = 'open'",
        )
        .bind(outcome.as_str())
        .bind(freelancer_cents)
        .bind(agent_id)
        .bind(note)
        .bind(now.millis())
        .bind(id)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
