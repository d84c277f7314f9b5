//! The desk's report and gauges: tickets opened in a period against their service level, by
//! category and agent, the survey's answers and the backlog by age; and, for `/metrics`, how
//! many unsolved tickets stand in each state per category now.

use crate::{App, AppResult};
use std::collections::BTreeMap;
use trustwork_core::Timestamp;
use trustwork_core::support_report::{ReportTicket, SupportReport, report};

/// The most tickets one report reads.
const REPORT_LIMIT: i64 = 50_000;

impl App {
    /// The report over the tickets opened since `since`.
    pub async fn support_report(&self, since: Timestamp) -> AppResult<SupportReport> {
        let now = self.now();
        let mut tx = self.db().read().await?;
        let tickets = tx.tickets_since(since, REPORT_LIMIT).await?;
        let ids: Vec<String> = tickets.iter().map(|t| t.id.clone()).collect();
        let pauses = tx.ticket_pauses_of(&ids).await?;
        let rows: Vec<ReportTicket<'_>> = tickets
            .iter()
            .map(|t| ReportTicket {
                category: t.category.as_str(),
                assignee: t.assignee_id.as_deref(),
                created_at: t.created_at,
                first_response_at: t.first_response_at,
                sla: self
                    .sla_of(t, pauses.get(&t.id).map_or(&[][..], |p| &p[..]), now)
                    .state,
                solved_at: t.solved_at,
                satisfaction: t.satisfaction.as_deref(),
            })
            .collect();
        Ok(report(&rows, now))
    }

    /// Unsolved tickets by (category, first-response state), for `/metrics`.
    pub async fn ticket_gauges(&self) -> AppResult<BTreeMap<(String, String), u64>> {
        let mut out = BTreeMap::new();
        for q in self.ticket_queue(REPORT_LIMIT).await? {
            *out.entry((
                q.ticket.category.as_str().to_owned(),
                q.sla.state.as_str().to_owned(),
            ))
            .or_insert(0) += 1;
        }
        Ok(out)
    }
}
