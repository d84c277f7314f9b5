//! Support tickets' service levels (seeds 003 and 004): a first response within 4 hours around the
//! clock by default; categories handled by specialists on a business calendar (Monday to Friday
//! 06:00–17:00 Pacific). The clock runs only in business time and stops while the ticket waits
//! for the member (pending) or on hold; a first response that came late stays breached.
//!
//! The state is computed when it is read, from the ticket's pauses: a calendar change never
//! leaves a stale counter behind.

use crate::business_calendar::Calendar;
use crate::marketplace::string_enum;
use crate::timestamp::{HOUR_MS, MINUTE_MS, Timestamp};
use serde::Serialize;

string_enum!(
    /// What a ticket is about (the seeds' list).
    TicketCategory {
        Account => "account",
        IdentityVerification => "identity_verification",
        HoldsAndSuspensions => "holds_and_suspensions",
        Payments => "payments",
        Contracts => "contracts",
        ReportAMember => "report_a_member",
        Other => "other",
    }
);

impl TicketCategory {
    /// Answered by category specialists on their business calendar.
    pub const fn specialists(self) -> bool {
        matches!(
            self,
            TicketCategory::IdentityVerification
                | TicketCategory::HoldsAndSuspensions
                | TicketCategory::Payments
        )
    }

    pub const fn label(self) -> &'static str {
        match self {
            TicketCategory::Account => "My account",
            TicketCategory::IdentityVerification => "Identity verification",
            TicketCategory::HoldsAndSuspensions => "Holds and suspensions",
            TicketCategory::Payments => "Payments",
            TicketCategory::Contracts => "Contracts",
            TicketCategory::ReportAMember => "Report another member",
            TicketCategory::Other => "Something else",
        }
    }
}

string_enum!(
    /// Where a ticket stands.
    TicketStatus {
        New => "new",
        Open => "open",
        PendingMember => "pending_member",
        OnHold => "on_hold",
        Solved => "solved",
        Closed => "closed",
    }
);

impl TicketStatus {
    /// The service-level clock stops in these.
    pub const fn pauses_the_clock(self) -> bool {
        matches!(self, TicketStatus::PendingMember | TicketStatus::OnHold)
    }
}

string_enum!(
    /// How the first response stands against its target.
    SlaState {
        Ok => "ok",
        DueSoon => "due_soon",
        Breached => "breached",
        Paused => "paused",
        Met => "met",
    }
);

/// A ticket's priorities, lowest first.
pub const PRIORITIES: [&str; 4] = ["low", "normal", "high", "urgent"];

/// The default first-response target and the warning before it.
pub const FIRST_RESPONSE_MS: i64 = 4 * HOUR_MS;
pub const DUE_SOON_MS: i64 = 30 * MINUTE_MS;

/// A ticket's first-response clock as its history makes it.
#[derive(Debug, Clone)]
pub struct FirstResponseClock<'a> {
    pub calendar: &'a Calendar,
    pub target_ms: i64,
    pub created_at: Timestamp,
    /// Stretches the clock stood still: `(from, until)`, `until` none while it still stands.
    pub pauses: &'a [(Timestamp, Option<Timestamp>)],
    /// The first public reply, if one was sent.
    pub responded_at: Option<Timestamp>,
}

/// Where the first response stands at `now`, and when it is (or was) due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SlaView {
    pub state: SlaState,
    /// None while the clock is paused (it depends on when the member answers).
    pub due_at: Option<Timestamp>,
}

impl FirstResponseClock<'_> {
    /// Business time the clock ran in `[created_at, until)`.
    pub fn running_ms(&self, until: Timestamp) -> i64 {
        let total = self.calendar.between(self.created_at, until);
        let paused: i64 = self
            .pauses
            .iter()
            .map(|(from, to)| {
                let end = to.unwrap_or(until).min(until);
                self.calendar.between((*from).max(self.created_at), end)
            })
            .sum();
        (total - paused).max(0)
    }

    fn paused_at(&self, t: Timestamp) -> bool {
        self.pauses
            .iter()
            .any(|(from, to)| *from <= t && to.is_none_or(|to| t < to))
    }

    pub fn view(&self, now: Timestamp) -> SlaView {
        let at = self.responded_at.unwrap_or(now).min(now);
        let running = self.running_ms(at);
        let left = self.target_ms - running;
        if let Some(responded) = self.responded_at
            && responded <= now
        {
            let state = if left >= 0 {
                SlaState::Met
            } else {
                SlaState::Breached
            };
            return SlaView {
                state,
                due_at: Some(self.calendar.add(responded, left.max(0))),
            };
        }
        if left < 0 {
            // Breached: when it ran out, counted back from now.
            return SlaView {
                state: SlaState::Breached,
                due_at: Some(self.ran_out_before(now)),
            };
        }
        if self.paused_at(now) {
            return SlaView {
                state: SlaState::Paused,
                due_at: None,
            };
        }
        SlaView {
            state: if left <= DUE_SOON_MS {
                SlaState::DueSoon
            } else {
                SlaState::Ok
            },
            due_at: Some(self.calendar.add(now, left)),
        }
    }

    /// The first moment before `now` the running time reached the target (it only grows, so
    /// a binary search over the milliseconds finds it).
    fn ran_out_before(&self, now: Timestamp) -> Timestamp {
        let (mut lo, mut hi) = (self.created_at.millis(), now.millis());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.running_ms(Timestamp::from_millis(mid)) >= self.target_ms {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        Timestamp::from_millis(lo)
    }
}

/// The ticket number an email's subject quotes (`Re: [#100042] …`), if any.
pub fn number_in_subject(subject: &str) -> Option<i64> {
    let start = subject.find("[#")? + 2;
    let rest = &subject[start..];
    let end = rest.find(']')?;
    let digits = &rest[..end];
    if digits.is_empty() || digits.len() > 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The new part of an emailed reply: the quoted message below it is left out — `> …` lines, the
/// attribution line that introduces them in any language ("On … wrote:", "El … escribió:",
/// "Le … a écrit :", "Am … schrieb …:"), and everything after a forwarded-message divider.
pub fn reply_text(body: &str) -> String {
    let lines: Vec<&str> = body.lines().collect();
    // For each line, whether the next non-blank line below it is quoted: one pass from the end,
    // so a body of many blank lines costs no more than its length.
    let mut quote_follows = vec![false; lines.len()];
    let mut next_is_quote = false;
    for (i, line) in lines.iter().enumerate().rev() {
        quote_follows[i] = next_is_quote;
        let t = line.trim();
        if !t.is_empty() {
            next_is_quote = t.starts_with('>');
        }
    }
    let mut kept = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        if t.starts_with('>') {
            continue;
        }
        if is_divider(t) || (t.starts_with("On ") && t.ends_with("wrote:")) {
            break;
        }
        // A line ending in a colon whose next non-blank line is quoted introduces the quote.
        if t.ends_with(':') && quote_follows[i] {
            continue;
        }
        kept.push(*line);
    }
    kept.join("\n").trim().to_owned()
}

/// Mail programs' dividers above a forwarded or quoted message.
fn is_divider(line: &str) -> bool {
    let inner = line.trim_matches(|c: char| c == '-' || c == '_' || c.is_whitespace());
    let dashes = line.len() - inner.len() >= 6;
    dashes
        && [
            "original message",
            "mensaje original",
            "message d'origine",
            "ursprüngliche nachricht",
            "mensagem original",
            "forwarded message",
        ]
        .contains(&inner.to_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse_rfc3339(text).unwrap()
    }

    fn clock<'a>(
        calendar: &'a Calendar,
        created: &str,
        pauses: &'a [(Timestamp, Option<Timestamp>)],
        responded_at: Option<Timestamp>,
    ) -> FirstResponseClock<'a> {
        FirstResponseClock {
            calendar,
            target_ms: FIRST_RESPONSE_MS,
            created_at: at(created),
            pauses,
            responded_at,
        }
    }

    #[test]
    fn the_quote_below_a_reply_is_left_out_in_any_language() {
        for (body, kept) in [
            (
                "Thanks!\n\nOn Mon, 7 Dec 2026, Trustwork wrote:\n> Which card?",
                "Thanks!",
            ),
            (
                "Gracias.\n\nEl lun, 7 dic 2026, Trustwork escribió:\n> ¿Qué tarjeta?",
                "Gracias.",
            ),
            (
                "Merci.\n\nLe lun. 7 déc. 2026, Trustwork a écrit :\n\n> Quelle carte ?",
                "Merci.",
            ),
            (
                "Danke.\nAm Mo., 7. Dez. 2026 um 10:00 schrieb Trustwork:\n> Welche Karte?",
                "Danke.",
            ),
            (
                "Obrigado.\n\n-----Mensagem Original-----\nDe: Trustwork",
                "Obrigado.",
            ),
            ("Steps:\n1. open\n2. pay", "Steps:\n1. open\n2. pay"),
            ("Note:\n\n\nkept\n\n> quoted", "Note:\n\n\nkept"),
        ] {
            assert_eq!(reply_text(body), kept, "{body}");
        }
        // Millions of blank lines are read in one pass.
        let long = format!("x{}", "\r\n".repeat(2_000_000));
        assert_eq!(reply_text(&long), "x");
    }

    #[test]
    fn unanswered_it_is_breached_at_four_hours_and_one_minute() {
        let all = Calendar::around_the_clock();
        let c = clock(&all, "2026-12-01T10:00:00Z", &[], None);
        assert_eq!(
            c.view(at("2026-12-01T10:00:00Z")),
            SlaView {
                state: SlaState::Ok,
                due_at: Some(at("2026-12-01T14:00:00Z"))
            }
        );
        assert_eq!(c.view(at("2026-12-01T13:45:00Z")).state, SlaState::DueSoon);
        assert_eq!(c.view(at("2026-12-01T14:00:00Z")).state, SlaState::DueSoon);
        let late = c.view(at("2026-12-01T14:01:00Z"));
        assert_eq!(late.state, SlaState::Breached);
        assert_eq!(late.due_at, Some(at("2026-12-01T14:00:00Z")));
    }

    #[test]
    fn a_specialists_ticket_on_friday_afternoon_is_due_monday() {
        let pacific = Calendar::weekdays("America/Los_Angeles", 6 * 60, 17 * 60).unwrap();
        // Friday 2026-12-04 16:30 PST.
        let c = clock(&pacific, "2026-12-05T00:30:00Z", &[], None);
        let v = c.view(at("2026-12-05T00:30:00Z"));
        assert_eq!(v.due_at, Some(at("2026-12-07T17:30:00Z")));
        // All weekend it stays ok.
        assert_eq!(c.view(at("2026-12-06T20:00:00Z")).state, SlaState::Ok);
        assert_eq!(c.view(at("2026-12-07T17:31:00Z")).state, SlaState::Breached);
    }

    #[test]
    fn pending_the_member_stops_the_clock() {
        let all = Calendar::around_the_clock();
        // Waiting for the member from 11:00 to 13:00: two hours later due.
        let pauses = [(at("2026-12-01T11:00:00Z"), Some(at("2026-12-01T13:00:00Z")))];
        let c = clock(&all, "2026-12-01T10:00:00Z", &pauses, None);
        assert_eq!(c.view(at("2026-12-01T12:00:00Z")).state, SlaState::Paused);
        assert_eq!(c.view(at("2026-12-01T12:00:00Z")).due_at, None);
        assert_eq!(
            c.view(at("2026-12-01T13:00:00Z")).due_at,
            Some(at("2026-12-01T16:00:00Z"))
        );
        assert_eq!(c.view(at("2026-12-01T16:01:00Z")).state, SlaState::Breached);
        // Still waiting at 15:00: paused, not breached.
        let open = [(at("2026-12-01T11:00:00Z"), None)];
        let c = clock(&all, "2026-12-01T10:00:00Z", &open, None);
        assert_eq!(c.view(at("2026-12-01T15:00:00Z")).state, SlaState::Paused);
    }

    #[test]
    fn a_reply_meets_it_or_leaves_it_breached_for_good() {
        let all = Calendar::around_the_clock();
        let c = clock(
            &all,
            "2026-12-01T10:00:00Z",
            &[],
            Some(at("2026-12-01T12:00:00Z")),
        );
        assert_eq!(c.view(at("2026-12-02T10:00:00Z")).state, SlaState::Met);
        let c = clock(
            &all,
            "2026-12-01T10:00:00Z",
            &[],
            Some(at("2026-12-01T15:00:00Z")),
        );
        assert_eq!(c.view(at("2026-12-02T10:00:00Z")).state, SlaState::Breached);
    }

    #[test]
    fn emailed_replies_name_their_ticket_and_lose_the_quote() {
        assert_eq!(
            number_in_subject("Re: [#100042] Withdrawal stuck"),
            Some(100_042)
        );
        assert_eq!(number_in_subject("Withdrawal stuck"), None);
        assert_eq!(number_in_subject("[#] x"), None);
        assert_eq!(number_in_subject("[#12a] x"), None);
        assert_eq!(number_in_subject("[#99999999999999999999] x"), None);
        let body = "Thanks, here it is: wd_123.\n\nOn Tue, 1 Dec 2026, Trustwork wrote:\n> Which withdrawal?\n";
        assert_eq!(reply_text(body), "Thanks, here it is: wd_123.");
        assert_eq!(reply_text("> only a quote"), "");
    }

    proptest::proptest! {
        #[test]
        fn subjects_and_bodies_never_panic(text in "\\PC{0,80}") {
            let _ = number_in_subject(&text);
            let _ = reply_text(&text);
        }
    }

    #[test]
    fn names_round_trip() {
        for c in TicketCategory::ALL {
            assert_eq!(TicketCategory::parse(c.as_str()), Some(*c));
        }
        for s in TicketStatus::ALL {
            assert_eq!(TicketStatus::parse(s.as_str()), Some(*s));
        }
        assert!(TicketCategory::Payments.specialists());
        assert!(!TicketCategory::Account.specialists());
    }
}
