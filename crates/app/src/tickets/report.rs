//! The desk's report and gauges: tickets opened in a period against their service level, by
//! category and agent, the survey's answers and the backlog by age; and, for `/metrics`, how
//! many unsolved tickets stand in each state per category now.

use crate::{App, AppResult};
use std::collections::BTreeMap;
use trustwork_core::Timestamp;
use trustwork_core::support_report::{ReportTicket, SupportReport, report};

/// How long `/metrics` reuses the ticket gauges.
const GAUGES_FRESH: std::time::Duration = std::time::Duration::from_secs(10);

/// The most tickets one report reads.
const REPORT_LIMIT: i64 = 50_000;

impl App {
    /// The report over the tickets opened since `since`.
    pub async fn support_report(&self, since: Timestamp) -> AppResult<SupportReport> {
        let now = self.now();
        let mut tx = self.db().read().await?;
        let tickets = tx.tickets_since(since, REPORT_LIMIT).await?;
        let clocked = self.with_clocks(&mut tx, tickets).await?;
        let rows: Vec<ReportTicket<'_>> = clocked
            .iter()
            .map(|q| ReportTicket {
                category: q.ticket.category.as_str(),
                assignee: q.ticket.assignee_id.as_deref(),
                created_at: q.ticket.created_at,
                first_response_at: q.ticket.first_response_at,
                sla: q.sla.state,
                solved_at: q.ticket.solved_at,
                satisfaction: q.ticket.satisfaction.as_deref(),
            })
            .collect();
        Ok(report(&rows, now))
    }

    /// Unsolved tickets by (category, first-response state), for `/metrics`: counted at most
    /// every [`GAUGES_FRESH`], so that however often anyone scrapes, the tickets are read once.
    pub async fn ticket_gauges(&self) -> AppResult<BTreeMap<(String, String), u64>> {
        if let Ok(cached) = self.ticket_gauges_cache().lock()
            && let Some((at, gauges)) = cached.as_ref()
            && at.elapsed() < GAUGES_FRESH
        {
            return Ok(gauges.clone());
        }
        let mut out = BTreeMap::new();
        for q in self.ticket_queue(REPORT_LIMIT).await? {
            *out.entry((
                q.ticket.category.as_str().to_owned(),
                q.sla.state.as_str().to_owned(),
            ))
            .or_insert(0) += 1;
        }
        if let Ok(mut cached) = self.ticket_gauges_cache().lock() {
            *cached = Some((std::time::Instant::now(), out.clone()));
        }
        Ok(out)
    }
}
