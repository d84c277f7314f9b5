//! Feedback, the Job Success Score, Top Rated and Rising Talent (seeds 003 and 004).
//!
//! **Feedback** is double-blind: each side of an ended contract may leave it within 14 days; it
//! is shown when both have written or when the 14 days are over, so neither can answer the
//! other's. It has a public part (a rating of 1 to 5 and a text) and a private part (how likely
//! the writer is to recommend the other, 0 to 10) that only the platform reads.
//!
//! **Job Success Score** (written down so that anyone can compute it by hand): over the
//! freelancer's contracts that ended in the last 24 months, each contract is
//! - *negative* if a dispute of it was settled `refunded` or `split`, else
//! - judged by the client's private score when given (9–10 positive, 0–6 negative, 7–8
//!   neutral), else by the client's public rating (5 or 4 positive, 1 or 2 negative, 3 neutral);
//! - a contract the client left no feedback on (or whose feedback is not shown yet: double-blind)
//!   is not counted unless a dispute of it was settled against the freelancer; an offer withdrawn
//!   before it started is never counted.
//!
//! The score is `round(100 × positive / counted)`; it is shown once at least
//! [`MIN_COUNTED`] contracts count, and recomputed whenever it is read (feedback, disputes
//! and contracts ending change it at once).
//!
//! **Top Rated** needs a score of at least 90, at least $1,000 earned in the last 12 months, and
//! no hold now or in the 90 days before (the hold rule of [`crate::standing`]). **Rising
//! Talent** is for freelancers not yet Top Rated whose identity is verified, with no hold in
//! that time, and a score of at least 90 or none yet.

use crate::contracts::DisputeOutcome;
use crate::timestamp::{DAY_MS, Timestamp};

/// How long after a contract ends its parties may leave feedback, and when it is shown anyway.
pub const FEEDBACK_WINDOW_MS: i64 = 14 * DAY_MS;
/// The contracts the score reads: those ended this long ago at most.
pub const SCORE_WINDOW_MS: i64 = 730 * DAY_MS;
/// The earnings Top Rated reads: paid this long ago at most.
pub const EARNINGS_WINDOW_MS: i64 = 365 * DAY_MS;
/// Counted contracts before a score is shown.
pub const MIN_COUNTED: usize = 3;
pub const TOP_RATED_MIN_SCORE: u8 = 90;
pub const TOP_RATED_MIN_EARNINGS_CENTS: i64 = 100_000;

/// Whether feedback on a contract that ended at `ended_at` is shown at `now`.
pub fn feedback_revealed(both_written: bool, ended_at: Timestamp, now: Timestamp) -> bool {
    both_written || now >= ended_at.plus_millis(FEEDBACK_WINDOW_MS)
}

/// Why feedback may not be left now, if it may not. An offer withdrawn before it started has
/// no work to give feedback on.
pub fn why_no_feedback(
    started: bool,
    ended_at: Option<Timestamp>,
    now: Timestamp,
) -> Option<&'static str> {
    match ended_at {
        _ if !started => Some("the offer never started, so there is no work to give feedback on"),
        None => Some("feedback is left when the contract ends"),
        Some(end) if now >= end.plus_millis(FEEDBACK_WINDOW_MS) => {
            Some("feedback could be left for 14 days after the contract ended")
        }
        Some(_) => None,
    }
}

/// Checks a feedback's values.
pub fn check_feedback(rating: u8, private_score: Option<u8>) -> Result<(), &'static str> {
    if !(1..=5).contains(&rating) {
        return Err("rating must be 1 to 5");
    }
    if private_score.is_some_and(|s| s > 10) {
        return Err("private_score must be 0 to 10");
    }
    Ok(())
}

/// What one ended contract of the freelancer tells the score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractRecord {
    pub ended_at: Timestamp,
    /// The client's public rating of the freelancer.
    pub client_rating: Option<u8>,
    /// The client's private score (0–10).
    pub client_private_score: Option<u8>,
    /// The settlements of the contract's disputes.
    pub disputes: Vec<DisputeOutcome>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Positive,
    Neutral,
    Negative,
    NotCounted,
}

pub fn outcome_of(c: &ContractRecord) -> Outcome {
    if c.disputes
        .iter()
        .any(|d| matches!(d, DisputeOutcome::Refunded | DisputeOutcome::Split))
    {
        return Outcome::Negative;
    }
    match (c.client_private_score, c.client_rating) {
        (Some(s), _) if s >= 9 => Outcome::Positive,
        (Some(s), _) if s <= 6 => Outcome::Negative,
        (Some(_), _) => Outcome::Neutral,
        (None, Some(r)) if r >= 4 => Outcome::Positive,
        (None, Some(r)) if r <= 2 => Outcome::Negative,
        (None, Some(_)) => Outcome::Neutral,
        (None, None) => Outcome::NotCounted,
    }
}

/// The score and what it was made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct JobSuccess {
    /// None until [`MIN_COUNTED`] contracts count.
    pub score: Option<u8>,
    pub positive: usize,
    pub neutral: usize,
    pub negative: usize,
}

pub fn job_success(contracts: &[ContractRecord], now: Timestamp) -> JobSuccess {
    let since = now.plus_millis(-SCORE_WINDOW_MS);
    let mut js = JobSuccess::default();
    for c in contracts.iter().filter(|c| c.ended_at >= since) {
        match outcome_of(c) {
            Outcome::Positive => js.positive += 1,
            Outcome::Neutral => js.neutral += 1,
            Outcome::Negative => js.negative += 1,
            Outcome::NotCounted => {}
        }
    }
    let counted = js.positive + js.neutral + js.negative;
    if counted >= MIN_COUNTED {
        // Rounded half up, in integers.
        let score = (200 * js.positive + counted) / (2 * counted);
        js.score = u8::try_from(score).ok();
    }
    js
}

/// The badges, with why Top Rated is not held when it is not.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Badges {
    pub top_rated: bool,
    pub rising_talent: bool,
    /// What stands between the freelancer and Top Rated, in words.
    pub top_rated_missing: Vec<String>,
}

pub fn badges(
    js: &JobSuccess,
    earnings_12m_cents: i64,
    hold_eligible: bool,
    identity_verified: bool,
) -> Badges {
    let mut missing = Vec::new();
    match js.score {
        None => missing.push(format!(
            "a Job Success Score (it shows after {MIN_COUNTED} contracts with feedback)"
        )),
        Some(s) if s < TOP_RATED_MIN_SCORE => missing.push(format!(
            "a Job Success Score of {TOP_RATED_MIN_SCORE}% or more (now {s}%)"
        )),
        Some(_) => {}
    }
    if earnings_12m_cents < TOP_RATED_MIN_EARNINGS_CENTS {
        missing.push(format!(
            "$1,000 earned in the last 12 months (now ${}.{:02})",
            earnings_12m_cents / 100,
            earnings_12m_cents % 100
        ));
    }
    if !hold_eligible {
        missing.push("no account hold in the last 90 days".to_owned());
    }
    let top_rated = missing.is_empty();
    let rising_talent = !top_rated
        && identity_verified
        && hold_eligible
        && js.score.is_none_or(|s| s >= TOP_RATED_MIN_SCORE);
    Badges {
        top_rated,
        rising_talent,
        top_rated_missing: missing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Timestamp = Timestamp(1_800_000_000_000);

    fn ended(days_ago: i64, rating: Option<u8>, private: Option<u8>) -> ContractRecord {
        ContractRecord {
            ended_at: NOW.plus_millis(-days_ago * DAY_MS),
            client_rating: rating,
            client_private_score: private,
            disputes: Vec::new(),
        }
    }

    #[test]
    fn the_score_by_hand() {
        let mut split = ended(30, Some(5), Some(10));
        split.disputes.push(DisputeOutcome::Split);
        let contracts = vec![
            ended(10, Some(5), None),    // positive
            ended(20, Some(4), Some(9)), // positive (private)
            ended(40, Some(5), Some(6)), // negative: the private score says so
            ended(50, Some(3), None),    // neutral
            split,                       // negative: a split dispute
            ended(60, None, None),       // not counted
            ended(800, Some(1), None),   // too old
            ended(70, Some(5), Some(8)), // neutral (private 8)
            ended(80, Some(5), None),    // positive
        ];
        let js = job_success(&contracts, NOW);
        assert_eq!((js.positive, js.neutral, js.negative), (3, 2, 2));
        // 3 of 7: 42.86 → 43.
        assert_eq!(js.score, Some(43));
    }

    #[test]
    fn no_score_before_three_counted_and_halves_round_up() {
        let two = vec![ended(1, Some(5), None), ended(2, Some(5), None)];
        assert_eq!(job_success(&two, NOW).score, None);
        let eight: Vec<_> = (0..8)
            .map(|i| ended(i, Some(if i < 7 { 5 } else { 3 }), None))
            .collect();
        // 7 of 8 = 87.5 → 88.
        assert_eq!(job_success(&eight, NOW).score, Some(88));
    }

    #[test]
    fn top_rated_needs_score_earnings_and_no_recent_hold() {
        let js = JobSuccess {
            score: Some(95),
            positive: 19,
            neutral: 1,
            negative: 0,
        };
        assert!(badges(&js, 100_000, true, true).top_rated);
        let b = badges(&js, 99_999, true, true);
        assert!(!b.top_rated && b.rising_talent);
        assert_eq!(
            b.top_rated_missing,
            vec!["$1,000 earned in the last 12 months (now $999.99)"]
        );
        let b = badges(&js, 500_000, false, true);
        assert!(!b.top_rated && !b.rising_talent);
        let none = JobSuccess::default();
        assert!(badges(&none, 0, true, true).rising_talent);
        assert!(!badges(&none, 0, true, false).rising_talent);
        let low = JobSuccess {
            score: Some(70),
            ..js
        };
        assert!(!badges(&low, 500_000, true, true).rising_talent);
    }

    #[test]
    fn feedback_is_shown_when_both_wrote_or_after_14_days() {
        let end = NOW;
        assert!(!feedback_revealed(false, end, NOW.plus_millis(13 * DAY_MS)));
        assert!(feedback_revealed(true, end, NOW));
        assert!(feedback_revealed(false, end, NOW.plus_millis(14 * DAY_MS)));
        assert!(why_no_feedback(true, None, NOW).is_some());
        assert_eq!(
            why_no_feedback(true, Some(end), NOW.plus_millis(DAY_MS)),
            None
        );
        assert!(why_no_feedback(false, Some(end), NOW.plus_millis(DAY_MS)).is_some());
        assert!(why_no_feedback(true, Some(end), NOW.plus_millis(14 * DAY_MS)).is_some());
        assert!(check_feedback(0, None).is_err());
        assert!(check_feedback(5, Some(11)).is_err());
        assert!(check_feedback(3, Some(0)).is_ok());
    }
}
