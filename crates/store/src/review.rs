//! Review cases and the flags that feed them. At most one case is open per (queue, entity): the
//! partial unique index `review_cases_one_open` guarantees it, and [`Tx::open_or_report_case`]
//! turns a second report into a bump of the open case.

use crate::rows::{JsonRows, opt_ts, ts};
use crate::{Result, StoreError, Tx};
use trustwork_core::Timestamp;
use trustwork_core::review::{
    CaseStatus, EntityType, Flag, FlagOutcome, FlagReason, Queue, Resolution, ReviewCase,
};

#[derive(sqlx::FromRow)]
struct CaseRow {
    id: String,
    queue: String,
    subject_account_id: String,
    entity_type: String,
    entity_id: String,
    content: String,
    explanation_json: String,
    decision_id: Option<String>,
    priority: i64,
    weight: i64,
    reports: i64,
    status: String,
    claimed_by: Option<String>,
    claim_expires_at: Option<i64>,
    sla_due_at: i64,
    created_at: i64,
    updated_at: i64,
    resolution: Option<String>,
    resolution_action: Option<String>,
    restriction_id: Option<String>,
    resolved_by: Option<String>,
    resolved_at: Option<i64>,
    resolution_note: Option<String>,
}

const COLUMNS: &str = "id, queue, subject_account_id, entity_type, entity_id, content, explanation_json, decision_id, priority, weight, reports, status, claimed_by, claim_expires_at, sla_due_at, created_at, updated_at, resolution, resolution_action, restriction_id, resolved_by, resolved_at, resolution_note";

/// Open, and nobody holds a live claim. `$3` is now.
const CLAIMABLE: &str = "status = 'open' AND (claimed_by IS NULL OR claim_expires_at IS NULL OR claim_expires_at <= $3)";

impl TryFrom<CaseRow> for ReviewCase {
    type Error = StoreError;
    fn try_from(r: CaseRow) -> Result<Self> {
        let bad = |what: &str| StoreError::corrupt("review case", &r.id, what.to_owned());
        let resolution = match r.resolution.as_deref() {
            Some(text) => Some(Resolution::parse(text).ok_or_else(|| bad("resolution"))?),
            None => None,
        };
        Ok(ReviewCase {
            queue: Queue::parse(&r.queue).ok_or_else(|| bad("queue"))?,
            entity_type: EntityType::parse(&r.entity_type).ok_or_else(|| bad("entity type"))?,
            status: CaseStatus::parse(&r.status).ok_or_else(|| bad("status"))?,
            resolution,
            subject_account_id: r.subject_account_id,
            entity_id: r.entity_id,
            content: r.content,
            explanation_json: r.explanation_json,
            decision_id: r.decision_id,
            priority: r.priority,
            weight: r.weight,
            reports: r.reports,
            claimed_by: r.claimed_by,
            claim_expires_at: opt_ts(r.claim_expires_at),
            sla_due_at: ts(r.sla_due_at),
            created_at: ts(r.created_at),
            updated_at: ts(r.updated_at),
            resolution_action: r.resolution_action,
            restriction_id: r.restriction_id,
            resolved_by: r.resolved_by,
            resolved_at: opt_ts(r.resolved_at),
            resolution_note: r.resolution_note,
            id: r.id,
        })
    }
}

/// New open cases as rows for [`Tx::insert_rows`]: the one encoder of the group commit's cases
/// and of [`Tx::open_or_report_case`]'s.
pub(crate) fn case_json_rows(new: &[&ReviewCase]) -> Result<JsonRows> {
    let values: Vec<_> = new
        .iter()
        .map(|c| {
            (
                &c.id,
                c.queue.as_str(),
                &c.subject_account_id,
                c.entity_type.as_str(),
                &c.entity_id,
                &c.content,
                &c.explanation_json,
                c.decision_id.as_deref(),
                c.priority,
                c.weight,
                1,
                "open",
                c.sla_due_at.millis(),
                c.created_at.millis(),
                c.created_at.millis(),
            )
        })
        .collect();
    Ok(JsonRows::new(
        "review_cases",
        "id, queue, subject_account_id, entity_type, entity_id, content, explanation_json, decision_id, priority, weight, reports, status, sla_due_at, created_at, updated_at",
        &values,
    )?)
}

fn cases(rows: Vec<CaseRow>) -> Result<Vec<ReviewCase>> {
    rows.into_iter().map(ReviewCase::try_from).collect()
}

/// Which cases a list shows.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub queue: Option<Queue>,
    pub status: Option<CaseStatus>,
    pub limit: i64,
}

/// How a case ends, as [`Tx::resolve_review_case`] records it.
/// A queue's open cases at a glance (for `/metrics`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueStats {
    pub queue: Queue,
    pub open: i64,
    pub oldest_opened_at: Timestamp,
    pub breached: i64,
}

#[derive(Debug, Clone)]
pub struct CaseResolution<'a> {
    pub resolution: Resolution,
    pub action: Option<&'a str>,
    pub restriction_id: Option<&'a str>,
    pub agent_id: &'a str,
    pub note: &'a str,
    pub at: Timestamp,
}

impl Tx {
    /// Opens `new` (status open), or, when a case for the same queue and entity is already open,
    /// adds `new.weight` and one report to that case instead. Returns the stored case and whether
    /// it is new. The bump runs first so that, on PostgreSQL, it locks the open row and concurrent
    /// reports add up; the insert skips quietly (`ON CONFLICT DO NOTHING`, which does not abort the
    /// caller's transaction) if another one opened the case in between, and the bump runs again.
    pub async fn open_or_report_case(&mut self, new: &ReviewCase) -> Result<(ReviewCase, bool)> {
        for _ in 0..3 {
            let sql = sqlx::AssertSqlSafe(format!(
                "UPDATE review_cases SET weight = weight + $1, reports = reports + 1, updated_at = $2, \
                 content = CASE WHEN $6 = 1 THEN $7 ELSE content END, \
                 explanation_json = CASE WHEN $6 = 1 THEN $8 ELSE explanation_json END, \
                 decision_id = CASE WHEN $6 = 1 THEN $9 ELSE decision_id END \
                 WHERE queue = $3 AND entity_type = $4 AND entity_id = $5 AND status = 'open' \
                 RETURNING {COLUMNS}"
            ));
            // A report that comes with a decision brings the content as it is now, judged with
            // its spans: the agent reviews what is live, not the first version (a profile or a
            // job post edited since). The audit log keeps each version. A flag alone keeps the
            // content the case has.
            let bumped: Option<CaseRow> = sqlx::query_as(sql)
                .bind(new.weight)
                .bind(new.created_at.millis())
                .bind(new.queue.as_str())
                .bind(new.entity_type.as_str())
                .bind(&new.entity_id)
                .bind(i32::from(new.decision_id.is_some()))
                .bind(&new.content)
                .bind(&new.explanation_json)
                .bind(new.decision_id.as_deref())
                .fetch_optional(self.conn())
                .await?;
            if let Some(row) = bumped {
                return Ok((ReviewCase::try_from(row)?, false));
            }
            // Another writer may open the entity's case between the two statements: then
            // nothing is inserted, and the next pass reports on that case.
            let insert = case_json_rows(&[new])?
                .upserting("(queue, entity_type, entity_id) WHERE status = 'open' DO NOTHING");
            self.insert_rows(&[insert]).await?;
            match self.review_case(&new.id).await {
                Ok(opened) => return Ok((opened, true)),
                Err(StoreError::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Err(StoreError::Conflict {
            what: "the review case changed too often to report on; try again",
        })
    }

    pub async fn set_review_case_priority(&mut self, id: &str, priority: i64) -> Result<()> {
        sqlx::query("UPDATE review_cases SET priority = $1 WHERE id = $2")
            .bind(priority)
            .bind(id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    pub async fn review_case(&mut self, id: &str) -> Result<ReviewCase> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM review_cases WHERE id = $1"));
        let row: Option<CaseRow> = sqlx::query_as(sql)
            .bind(id)
            .fetch_optional(self.conn())
            .await?;
        row.map(ReviewCase::try_from)
            .transpose()?
            .ok_or_else(|| StoreError::not_found("review case", id))
    }

    /// Cases in queue order: open before resolved, higher priority first, then the earliest SLA.
    pub async fn review_cases(&mut self, filter: &CaseFilter) -> Result<Vec<ReviewCase>> {
        let mut sql = format!("SELECT {COLUMNS} FROM review_cases WHERE 1 = 1");
        let mut n = 0;
        let mut next = || {
            n += 1;
            n
        };
        if filter.queue.is_some() {
            sql.push_str(&format!(" AND queue = ${}", next()));
        }
        if filter.status.is_some() {
            sql.push_str(&format!(" AND status = ${}", next()));
        }
        sql.push_str(&format!(
            " ORDER BY CASE WHEN status = 'open' THEN 0 ELSE 1 END, priority DESC, sla_due_at, created_at, id LIMIT ${}",
            next()
        ));
        let mut q = sqlx::query_as::<_, CaseRow>(sqlx::AssertSqlSafe(sql));
        if let Some(queue) = filter.queue {
            q = q.bind(queue.as_str());
        }
        if let Some(status) = filter.status {
            q = q.bind(status.as_str());
        }
        cases(q.bind(filter.limit).fetch_all(self.conn()).await?)
    }

    /// Open cases past their SLA whose admins have not been told yet, the longest overdue
    /// first.
    pub async fn breached_unescalated(
        &mut self,
        now: Timestamp,
        limit: i64,
    ) -> Result<Vec<ReviewCase>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM review_cases WHERE status = 'open' AND escalated_at IS NULL AND sla_due_at <= $1 \
             ORDER BY sla_due_at, id LIMIT $2"
        ));
        cases(
            sqlx::query_as::<_, CaseRow>(sql)
                .bind(now.millis())
                .bind(limit)
                .fetch_all(self.conn())
                .await?,
        )
    }

    /// Closes an open case that has nothing left to decide (its job post was posted again and
    /// refused or listed), without an agent. False when it was not open.
    pub async fn close_review_case_as_moot(
        &mut self,
        id: &str,
        note: &str,
        now: Timestamp,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE review_cases SET status = 'resolved', resolution = 'dismissed', resolved_by = 'system', resolved_at = $1, \
             resolution_note = $2, claim_expires_at = NULL, updated_at = $1 WHERE id = $3 AND status = 'open'",
        )
        .bind(now.millis())
        .bind(note)
        .bind(id)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Marks a case escalated; false when another node did it first.
    pub async fn mark_escalated(&mut self, id: &str, now: Timestamp) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE review_cases SET escalated_at = $1 WHERE id = $2 AND escalated_at IS NULL AND status = 'open'",
        )
        .bind(now.millis())
        .bind(id)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Per queue with open cases: how many, when the oldest opened, how many are past their SLA.
    pub async fn open_case_stats(&mut self, now: Timestamp) -> Result<Vec<QueueStats>> {
        let rows: Vec<(String, i64, i64, i64)> = sqlx::query_as(
            "SELECT queue, COUNT(*), MIN(created_at), SUM(CASE WHEN sla_due_at <= $1 THEN 1 ELSE 0 END) \
             FROM review_cases WHERE status = 'open' GROUP BY queue ORDER BY queue",
        )
        .bind(now.millis())
        .fetch_all(self.conn())
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(queue, open, oldest, breached)| {
                Some(QueueStats {
                    queue: Queue::parse(&queue)?,
                    open,
                    oldest_opened_at: Timestamp(oldest),
                    breached,
                })
            })
            .collect())
    }

    /// Every case about the account, newest first.
    pub async fn review_cases_of(&mut self, account_id: &str) -> Result<Vec<ReviewCase>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM review_cases WHERE subject_account_id = $1 ORDER BY created_at DESC, id DESC"
        ));
        cases(
            sqlx::query_as(sql)
                .bind(account_id)
                .fetch_all(self.conn())
                .await?,
        )
    }

    /// Claims this case for `agent` until `until`, if it is open and nobody else holds a live
    /// claim (the holder may claim again to extend). `None` when the claim was refused; the
    /// predicate sits in the UPDATE itself, so two agents claiming at once never both win.
    pub async fn claim_review_case(
        &mut self,
        id: &str,
        agent: &str,
        now: Timestamp,
        until: Timestamp,
    ) -> Result<Option<ReviewCase>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "UPDATE review_cases SET claimed_by = $1, claim_expires_at = $2, updated_at = $3 \
             WHERE id = $4 AND (({CLAIMABLE}) OR (status = 'open' AND claimed_by = $1)) \
             RETURNING {COLUMNS}"
        ));
        let row: Option<CaseRow> = sqlx::query_as(sql)
            .bind(agent)
            .bind(until.millis())
            .bind(now.millis())
            .bind(id)
            .fetch_optional(self.conn())
            .await?;
        row.map(ReviewCase::try_from).transpose()
    }

    /// Claims the next case of the queue (or of any queue) for `agent`: the highest priority,
    /// then the earliest SLA. Of two processes claiming at once, each case goes to one: the outer
    /// WHERE repeats the predicate, so on PostgreSQL the loser's UPDATE re-checks the row after
    /// the winner commits and matches nothing (then it looks again); SQLite serialises writers.
    pub async fn claim_next_review_case(
        &mut self,
        queue: Option<Queue>,
        agent: &str,
        now: Timestamp,
        until: Timestamp,
    ) -> Result<Option<ReviewCase>> {
        let in_queue = if queue.is_some() {
            " AND queue = $4"
        } else {
            ""
        };
        let sql = format!(
            "UPDATE review_cases SET claimed_by = $1, claim_expires_at = $2, updated_at = $3 \
             WHERE id = (SELECT id FROM review_cases WHERE {CLAIMABLE}{in_queue} \
                         ORDER BY priority DESC, sla_due_at, created_at, id LIMIT 1) \
             AND {CLAIMABLE} RETURNING {COLUMNS}"
        );
        for _ in 0..5 {
            let mut q = sqlx::query_as::<_, CaseRow>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(agent)
                .bind(until.millis())
                .bind(now.millis());
            if let Some(queue) = queue {
                q = q.bind(queue.as_str());
            }
            if let Some(row) = q.fetch_optional(self.conn()).await? {
                return ReviewCase::try_from(row).map(Some);
            }
            // Lost a race, or nothing left: look whether anything is claimable at all.
            let check = format!("SELECT COUNT(*) FROM review_cases WHERE {CLAIMABLE}{in_queue}")
                .replace("$3", "$1")
                .replace("$4", "$2");
            let mut q = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(check)).bind(now.millis());
            if let Some(queue) = queue {
                q = q.bind(queue.as_str());
            }
            if q.fetch_one(self.conn()).await? == 0 {
                return Ok(None);
            }
        }
        Ok(None)
    }

    /// Gives a claim back. Returns false unless `agent` held it.
    pub async fn release_review_case(
        &mut self,
        id: &str,
        agent: &str,
        now: Timestamp,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE review_cases SET claimed_by = NULL, claim_expires_at = NULL, updated_at = $1 \
             WHERE id = $2 AND status = 'open' AND claimed_by = $3",
        )
        .bind(now.millis())
        .bind(id)
        .bind(agent)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Resolves an open case held (with a live claim) by the resolving agent. Fails with a
    /// conflict otherwise, so the caller's transaction rolls back.
    pub async fn resolve_review_case(&mut self, id: &str, r: &CaseResolution<'_>) -> Result<()> {
        let done = sqlx::query(
            "UPDATE review_cases SET status = 'resolved', resolution = $1, resolution_action = $2, \
             restriction_id = $3, resolved_by = $4, resolved_at = $5, resolution_note = $6, \
             claim_expires_at = NULL, updated_at = $5 \
             WHERE id = $7 AND status = 'open' AND claimed_by = $4 AND claim_expires_at > $5",
        )
        .bind(r.resolution.as_str())
        .bind(r.action)
        .bind(r.restriction_id)
        .bind(r.agent_id)
        .bind(r.at.millis())
        .bind(r.note)
        .bind(id)
        .execute(self.conn())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict {
                what: "the review case is no longer held by this agent",
            });
        }
        Ok(())
    }
}

#[derive(sqlx::FromRow)]
struct FlagRow {
    id: String,
    reporter_account_id: String,
    target_type: String,
    target_id: String,
    target_account_id: String,
    reason: String,
    note: String,
    weight: i64,
    case_id: String,
    created_at: i64,
    outcome: Option<String>,
}

const FLAG_COLUMNS: &str = "id, reporter_account_id, target_type, target_id, target_account_id, reason, note, weight, case_id, created_at, outcome";

impl TryFrom<FlagRow> for Flag {
    type Error = StoreError;
    fn try_from(r: FlagRow) -> Result<Self> {
        let bad = |what: &str| StoreError::corrupt("flag", &r.id, what.to_owned());
        let outcome = match r.outcome.as_deref() {
            Some(text) => Some(FlagOutcome::parse(text).ok_or_else(|| bad("outcome"))?),
            None => None,
        };
        Ok(Flag {
            target_type: EntityType::parse(&r.target_type).ok_or_else(|| bad("target type"))?,
            reason: FlagReason::parse(&r.reason).ok_or_else(|| bad("reason"))?,
            outcome,
            reporter_account_id: r.reporter_account_id,
            target_id: r.target_id,
            target_account_id: r.target_account_id,
            note: r.note,
            weight: r.weight,
            case_id: r.case_id,
            created_at: ts(r.created_at),
            id: r.id,
        })
    }
}

/// A reporter's record: how many of their decided flags were upheld and how many dismissed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReporterRecord {
    pub upheld: i64,
    pub dismissed: i64,
}

impl Tx {
    pub async fn insert_flag(&mut self, f: &Flag) -> Result<()> {
        sqlx::query(
            "INSERT INTO flags (id, reporter_account_id, target_type, target_id, target_account_id, reason, note, weight, case_id, created_at, outcome) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&f.id)
        .bind(&f.reporter_account_id)
        .bind(f.target_type.as_str())
        .bind(&f.target_id)
        .bind(&f.target_account_id)
        .bind(f.reason.as_str())
        .bind(&f.note)
        .bind(f.weight)
        .bind(&f.case_id)
        .bind(f.created_at.millis())
        .bind(f.outcome.map(FlagOutcome::as_str))
        .execute(self.conn())
        .await
        .map_err(|e| StoreError::on_unique(e, "this reporter has already flagged it"))?;
        Ok(())
    }

    /// The flags gathered by a case, oldest first.
    pub async fn flags_of_case(&mut self, case_id: &str) -> Result<Vec<Flag>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {FLAG_COLUMNS} FROM flags WHERE case_id = $1 ORDER BY created_at, id"
        ));
        let rows: Vec<FlagRow> = sqlx::query_as(sql)
            .bind(case_id)
            .fetch_all(self.conn())
            .await?;
        rows.into_iter().map(Flag::try_from).collect()
    }

    /// A reporter's flags, newest first (what they see of their reports).
    pub async fn flags_by_reporter(&mut self, reporter_id: &str, limit: i64) -> Result<Vec<Flag>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {FLAG_COLUMNS} FROM flags WHERE reporter_account_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
        ));
        let rows: Vec<FlagRow> = sqlx::query_as(sql)
            .bind(reporter_id)
            .bind(limit)
            .fetch_all(self.conn())
            .await?;
        rows.into_iter().map(Flag::try_from).collect()
    }

    pub async fn reporter_record(&mut self, reporter_id: &str) -> Result<ReporterRecord> {
        let count = |outcome: &'static str| {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM flags WHERE reporter_account_id = $1 AND outcome = $2",
            )
            .bind(reporter_id.to_owned())
            .bind(outcome)
        };
        let upheld = count("upheld").fetch_one(self.conn()).await?;
        let dismissed = count("dismissed").fetch_one(self.conn()).await?;
        Ok(ReporterRecord { upheld, dismissed })
    }

    /// Records the case's outcome on its undecided flags; returns how many changed.
    pub async fn set_flag_outcomes(&mut self, case_id: &str, outcome: FlagOutcome) -> Result<u64> {
        let done =
            sqlx::query("UPDATE flags SET outcome = $1 WHERE case_id = $2 AND outcome IS NULL")
                .bind(outcome.as_str())
                .bind(case_id)
                .execute(self.conn())
                .await?;
        Ok(done.rows_affected())
    }
}
