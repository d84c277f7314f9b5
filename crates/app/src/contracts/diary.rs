//! The work diary (seed 004): the operator's time tracker logs 10-minute segments on an active
//! hourly contract, and each week's statement says which hours the payment guarantee covers.

use super::party_of;
use crate::{App, AppError, AppResult};
use trustwork_core::contracts::ContractKind;
use trustwork_core::marketplace::ContractStatus;
use trustwork_core::work_diary::{
    IsoWeek, Segment, Statement, WeekTerms, check_segment, weekly_statement,
};
use trustwork_core::{DAY_MS, Timestamp};
use trustwork_store::Tx;
use trustwork_store::contracts::Dispute;
use trustwork_store::marketplace::Contract;

/// Pays a contract's week when its review window closes (subject `{contract}@{week}`).
pub(crate) const WEEK_PAYOUT_TIMER: &str = "contract_week_payout";

/// The most segments one request logs: a whole week of them.
pub const MAX_SEGMENTS_PER_REQUEST: usize = 7 * 24 * 6;

/// A contract's week: its segments and what the guarantee covers.
#[derive(Debug, Clone)]
pub struct WeekStatement {
    pub contract_id: String,
    pub week: IsoWeek,
    pub terms: WeekTerms,
    pub statement: Statement,
    pub segments: Vec<Segment>,
    /// Disputes of this week's hours.
    pub disputes: Vec<Dispute>,
}

impl WeekStatement {
    /// Whether the client may still dispute the week's hours at `now`: after the week ended
    /// and before its review window closes.
    pub fn dispute_open(&self, now: Timestamp) -> bool {
        now >= self.week.end() && now < self.week.review_ends()
    }
}

impl App {
    /// Logs the tracker's segments on an active hourly contract, all or none. Time may be
    /// logged for this week and the last (while the client reviews it), never ahead.
    pub async fn log_work(&self, contract_id: &str, segments: &[Segment]) -> AppResult<usize> {
        if segments.is_empty() || segments.len() > MAX_SEGMENTS_PER_REQUEST {
            return Err(AppError::invalid(
                "segments",
                format!("send 1 to {MAX_SEGMENTS_PER_REQUEST} segments"),
            ));
        }
        let now = self.now();
        // This week's time, and yesterday's when the week just turned (a tracker that syncs
        // late): a week under the client's review no longer changes.
        let earliest = IsoWeek::of(now).start().min(now.plus_millis(-DAY_MS));
        let mut starts = std::collections::HashSet::new();
        for (i, s) in segments.iter().enumerate() {
            check_segment(s, now)
                .map_err(|e| AppError::invalid("segments", format!("segments[{i}]: {e}")))?;
            if s.start < earliest {
                return Err(AppError::invalid(
                    "segments",
                    format!(
                        "segments[{i}]: only this week's time (and the last 24 hours') can be logged"
                    ),
                ));
            }
            if !starts.insert(s.start) {
                return Err(AppError::invalid(
                    "segments",
                    format!("segments[{i}]: the same start is sent twice"),
                ));
            }
        }
        let mut tx = self.db().begin().await?;
        let contract = tx.contract(contract_id).await?;
        if contract.kind != ContractKind::Hourly {
            return Err(AppError::invalid(
                "contract_id",
                "only hourly contracts keep a work diary",
            ));
        }
        if contract.status != ContractStatus::Active {
            return Err(AppError::Conflict(format!(
                "the contract is {}; time is logged only on an active contract",
                contract.status.as_str().replace('_', " ")
            )));
        }
        // Time is logged for the stretch the contract has been active (since it started or was
        // last resumed; the segment under way then counts).
        let active_since = contract
            .active_since
            .unwrap_or(contract.created_at)
            .plus_millis(-trustwork_core::work_diary::SEGMENT_MS);
        if let Some((i, _)) = segments
            .iter()
            .enumerate()
            .find(|(_, s)| s.start < active_since)
        {
            return Err(AppError::invalid(
                "segments",
                format!("segments[{i}]: starts before the contract was last started or resumed"),
            ));
        }
        // A week whose hours are disputed no longer changes: the dispute is about what it was.
        let disputed: std::collections::HashSet<String> = tx
            .disputes_of_contract(&contract.id)
            .await?
            .into_iter()
            .map(|d| d.subject_ref)
            .collect();
        if let Some((i, s)) = segments
            .iter()
            .enumerate()
            .find(|(_, s)| disputed.contains(&IsoWeek::of(s.start).to_string()))
        {
            return Err(AppError::Conflict(format!(
                "segments[{i}]: the hours of {} are disputed; that week no longer changes",
                IsoWeek::of(s.start)
            )));
        }
        tx.insert_segments(&contract.id, segments, now).await?;
        // Each week is paid once its review window closes, unless the client disputes it.
        let weeks: std::collections::BTreeSet<IsoWeek> =
            segments.iter().map(|s| IsoWeek::of(s.start)).collect();
        for week in weeks {
            let subject = format!("{}@{week}", contract.id);
            if tx.timers_for(&subject).await?.is_empty() {
                tx.schedule_timer(
                    &trustwork_store::new_id("tmr"),
                    WEEK_PAYOUT_TIMER,
                    &subject,
                    week.review_ends(),
                    now,
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(segments.len())
    }

    /// The week's payout, when its review window closed (a timer): what was billed goes to the
    /// freelancer, unless the client disputed the week (its settlement pays instead).
    pub(crate) async fn pay_week_in(
        &self,
        tx: &mut Tx,
        subject: &str,
        now: Timestamp,
    ) -> AppResult<()> {
        let (contract_id, week) = subject
            .split_once('@')
            .and_then(|(c, w)| Some((c, IsoWeek::parse(w)?)))
            .ok_or_else(|| AppError::Internal(format!("a week payout for {subject:?}")))?;
        let contract = tx.contract(contract_id).await?;
        // Locked as a dispute of the week locks them: the week is paid or disputed, not both.
        tx.lock_accounts(&[&contract.client_id, &contract.freelancer_id])
            .await?;
        let statement = statement_in(tx, &contract, week).await?;
        if statement.disputes.is_empty() {
            super::milestones::pay_in(
                tx,
                &contract,
                "hours",
                &week.to_string(),
                statement.statement.amount_billed_cents,
                now,
            )
            .await?;
        }
        Ok(())
    }

    /// The week's statement. `viewer`, when given, must be a party to the contract.
    pub async fn week_statement(
        &self,
        contract_id: &str,
        week: &str,
        viewer: Option<&str>,
    ) -> AppResult<WeekStatement> {
        let week = IsoWeek::parse(week)
            .ok_or_else(|| AppError::invalid("week", "expected an ISO week like 2026-W49"))?;
        let mut tx = self.db().read().await?;
        let contract = tx.contract(contract_id).await?;
        if let Some(viewer) = viewer {
            party_of(&contract, viewer)?;
        }
        if contract.kind != ContractKind::Hourly {
            return Err(AppError::invalid(
                "contract_id",
                "only hourly contracts have weekly statements",
            ));
        }
        statement_in(&mut tx, &contract, week).await
    }
}

/// The contract's statement for the week, read in `tx`.
pub(super) async fn statement_in(
    tx: &mut Tx,
    contract: &Contract,
    week: IsoWeek,
) -> AppResult<WeekStatement> {
    let client = tx.account(&contract.client_id).await?;
    let terms = WeekTerms {
        weekly_limit_hours: contract.weekly_limit_hours,
        hourly_rate_cents: contract.hourly_rate_cents.unwrap_or(0),
        payment_method_verified: client.payment_verified_at.is_some(),
    };
    let segments = tx
        .segments_between(&contract.id, week.start(), week.end())
        .await?;
    let week_text = week.to_string();
    let disputes = tx
        .disputes_of_contract(&contract.id)
        .await?
        .into_iter()
        .filter(|d| d.subject_ref == week_text)
        .collect();
    Ok(WeekStatement {
        contract_id: contract.id.clone(),
        week,
        statement: weekly_statement(&segments, &terms),
        terms,
        segments,
        disputes,
    })
}
