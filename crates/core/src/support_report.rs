//! The support desk's report (issue 18): first-response and resolution times against the service
//! level by category and by agent, the survey's answers, and the unsolved backlog by age.

use crate::tickets::SlaState;
use crate::timestamp::{DAY_MS, HOUR_MS, Timestamp};
use serde::Serialize;
use std::collections::BTreeMap;

/// One ticket as the report counts it.
#[derive(Debug, Clone)]
pub struct ReportTicket<'a> {
    pub category: &'a str,
    pub assignee: Option<&'a str>,
    pub created_at: Timestamp,
    pub first_response_at: Option<Timestamp>,
    /// Where its first response stands now.
    pub sla: SlaState,
    pub solved_at: Option<Timestamp>,
    /// `good` or `bad`.
    pub satisfaction: Option<&'a str>,
}

/// The figures of one group of tickets.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures {
    pub tickets: u64,
    pub responded: u64,
    /// First responses within the target (of those that are decided: met or breached).
    pub met: u64,
    pub breached: u64,
    /// Median time to the first response, in wall-clock minutes.
    pub median_first_response_minutes: Option<i64>,
    pub solved: u64,
    pub median_resolution_minutes: Option<i64>,
    pub satisfaction_good: u64,
    pub satisfaction_answers: u64,
}

/// Unsolved tickets by how long they have been open.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Backlog {
    pub under_4_hours: u64,
    pub from_4_to_24_hours: u64,
    pub from_1_to_3_days: u64,
    pub over_3_days: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SupportReport {
    pub overall: Figures,
    pub by_category: BTreeMap<String, Figures>,
    /// Keyed by the assignee's id; `unassigned` for tickets nobody took.
    pub by_agent: BTreeMap<String, Figures>,
    pub backlog: Backlog,
}

fn median(mut values: Vec<i64>) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    Some(values[(values.len() - 1) / 2])
}

fn figures(tickets: &[&ReportTicket<'_>]) -> Figures {
    let minutes = |from: Timestamp, to: Timestamp| (to.millis() - from.millis()) / 60_000;
    Figures {
        tickets: tickets.len() as u64,
        responded: tickets
            .iter()
            .filter(|t| t.first_response_at.is_some())
            .count() as u64,
        met: tickets.iter().filter(|t| t.sla == SlaState::Met).count() as u64,
        breached: tickets
            .iter()
            .filter(|t| t.sla == SlaState::Breached)
            .count() as u64,
        median_first_response_minutes: median(
            tickets
                .iter()
                .filter_map(|t| t.first_response_at.map(|r| minutes(t.created_at, r)))
                .collect(),
        ),
        solved: tickets.iter().filter(|t| t.solved_at.is_some()).count() as u64,
        median_resolution_minutes: median(
            tickets
                .iter()
                .filter_map(|t| t.solved_at.map(|s| minutes(t.created_at, s)))
                .collect(),
        ),
        satisfaction_good: tickets
            .iter()
            .filter(|t| t.satisfaction == Some("good"))
            .count() as u64,
        satisfaction_answers: tickets.iter().filter(|t| t.satisfaction.is_some()).count() as u64,
    }
}

/// The report over `tickets` at `now`.
pub fn report(tickets: &[ReportTicket<'_>], now: Timestamp) -> SupportReport {
    let all: Vec<&ReportTicket<'_>> = tickets.iter().collect();
    let mut by_category: BTreeMap<String, Vec<&ReportTicket<'_>>> = BTreeMap::new();
    let mut by_agent: BTreeMap<String, Vec<&ReportTicket<'_>>> = BTreeMap::new();
    let mut backlog = Backlog::default();
    for t in tickets {
        by_category
            .entry(t.category.to_owned())
            .or_default()
            .push(t);
        by_agent
            .entry(t.assignee.unwrap_or("unassigned").to_owned())
            .or_default()
            .push(t);
        if t.solved_at.is_none() {
            let age = now.millis() - t.created_at.millis();
            match age {
                a if a < 4 * HOUR_MS => backlog.under_4_hours += 1,
                a if a < DAY_MS => backlog.from_4_to_24_hours += 1,
                a if a < 3 * DAY_MS => backlog.from_1_to_3_days += 1,
                _ => backlog.over_3_days += 1,
            }
        }
    }
    SupportReport {
        overall: figures(&all),
        by_category: by_category
            .into_iter()
            .map(|(k, v)| (k, figures(&v)))
            .collect(),
        by_agent: by_agent
            .into_iter()
            .map(|(k, v)| (k, figures(&v)))
            .collect(),
        backlog,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes: i64) -> Timestamp {
        Timestamp::from_millis(1_800_000_000_000 + minutes * 60_000)
    }

    fn ticket<'a>(
        category: &'a str,
        assignee: Option<&'a str>,
        created: i64,
        responded: Option<i64>,
        sla: SlaState,
        solved: Option<i64>,
        satisfaction: Option<&'a str>,
    ) -> ReportTicket<'a> {
        ReportTicket {
            category,
            assignee,
            created_at: at(created),
            first_response_at: responded.map(at),
            sla,
            solved_at: solved.map(at),
            satisfaction,
        }
    }

    #[test]
    fn counts_by_category_and_agent_with_medians() {
        let tickets = [
            ticket(
                "payments",
                Some("a"),
                0,
                Some(30),
                SlaState::Met,
                Some(120),
                Some("good"),
            ),
            ticket(
                "payments",
                Some("b"),
                0,
                Some(300),
                SlaState::Breached,
                None,
                None,
            ),
            ticket(
                "account",
                None,
                0,
                Some(60),
                SlaState::Met,
                Some(60),
                Some("bad"),
            ),
        ];
        let r = report(&tickets, at(600));
        assert_eq!(r.overall.tickets, 3);
        assert_eq!((r.overall.met, r.overall.breached), (2, 1));
        assert_eq!(r.overall.median_first_response_minutes, Some(60));
        assert_eq!(r.by_category["payments"].tickets, 2);
        assert_eq!(
            r.by_category["payments"].median_resolution_minutes,
            Some(120)
        );
        assert_eq!(r.by_agent["unassigned"].satisfaction_answers, 1);
        assert_eq!(r.by_agent["a"].satisfaction_good, 1);
        assert_eq!(r.backlog.from_4_to_24_hours, 1);
    }

    #[test]
    fn backlog_ages_fall_in_their_buckets() {
        let open = |created| ticket("other", None, created, None, SlaState::Ok, None, None);
        let now = 10 * 24 * 60;
        let tickets = [
            open(now - 10),
            open(now - 5 * 60),
            open(now - 2 * 24 * 60),
            open(0),
        ];
        let b = report(&tickets, at(now)).backlog;
        assert_eq!(
            (
                b.under_4_hours,
                b.from_4_to_24_hours,
                b.from_1_to_3_days,
                b.over_3_days
            ),
            (1, 1, 1, 1)
        );
    }
}
