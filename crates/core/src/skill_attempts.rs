//! Taking a skill test (seed 001): an attempt draws its questions, runs against the test's
//! clock, and is scored against the pass mark; the percentile places the score among everyone's
//! best. One attempt at a time, and a retake only after the test's waiting period.

use crate::skill_tests::SkillTest;
use crate::timestamp::{DAY_MS, Timestamp};

/// How many of a test's questions one attempt asks (all of them when it has fewer).
pub const QUESTIONS_PER_ATTEMPT: usize = 20;

/// The questions an attempt asks, as indices into the test's bank: a permutation drawn from
/// `seed` (splitmix64 and Fisher–Yates), so two attempts rarely ask the same set in the same
/// order and an attempt's draw can be checked again from its seed.
pub fn draw(bank_len: usize, seed: u64) -> Vec<usize> {
    let mut state = seed;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut order: Vec<usize> = (0..bank_len).collect();
    for i in (1..bank_len).rev() {
        // A bank has at most a few hundred questions: the modulo bias is negligible.
        let j = usize::try_from(next() % (i as u64 + 1)).unwrap_or(0);
        order.swap(i, j);
    }
    order.truncate(QUESTIONS_PER_ATTEMPT.min(bank_len));
    order
}

/// The score in percent: right answers over questions asked (an unanswered question is wrong).
pub fn score(test: &SkillTest, asked: &[usize], answers: &[Option<usize>]) -> u32 {
    if asked.is_empty() {
        return 0;
    }
    let right = asked
        .iter()
        .zip(answers.iter().chain(std::iter::repeat(&None)))
        .filter(|(q, a)| {
            test.questions
                .get(**q)
                .is_some_and(|q| a.is_some_and(|a| a == q.answer))
        })
        .count();
    u32::try_from(right * 100 / asked.len()).unwrap_or(0)
}

pub fn passed(test: &SkillTest, score: u32) -> bool {
    score >= test.pass_percent
}

/// Where a score stands among everyone's best scores on the test (this one among them):
/// `below` and `equal` of `total` takers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Standing {
    /// The share of takers who scored lower, ties counted half, in percent (0–100).
    pub percentile: u32,
    /// "Top N%": the share of takers who scored as well or better, rounded up (1–100).
    pub top_percent: u32,
}

pub fn standing(below: u64, equal: u64, total: u64) -> Standing {
    if total == 0 {
        return Standing {
            percentile: 0,
            top_percent: 100,
        };
    }
    let percentile = (below * 200 + equal * 100) / (total * 2);
    let at_least = total.saturating_sub(below).max(1);
    let top = (at_least * 100).div_ceil(total);
    Standing {
        percentile: u32::try_from(percentile.min(100)).unwrap_or(100),
        top_percent: u32::try_from(top.clamp(1, 100)).unwrap_or(100),
    }
}

/// An attempt as the rules read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptState {
    pub started_at: Timestamp,
    pub deadline_at: Timestamp,
    pub finished_at: Option<Timestamp>,
}

impl AttemptState {
    pub fn new(test: &SkillTest, now: Timestamp) -> Self {
        AttemptState {
            started_at: now,
            deadline_at: now.plus_millis(i64::from(test.minutes) * 60_000),
            finished_at: None,
        }
    }

    /// Answers are taken until it is finished or its time is up.
    pub fn is_open(&self, now: Timestamp) -> bool {
        self.finished_at.is_none() && now < self.deadline_at
    }
}

/// Why the account may not start `test` now, in words, or `None`.
/// `open` is an attempt of any test still running; `last_of_test` the latest attempt of this
/// test, finished or run out.
pub fn why_not_start(
    test: &SkillTest,
    open: Option<(&str, AttemptState)>,
    last_of_test: Option<AttemptState>,
    now: Timestamp,
) -> Option<String> {
    if let Some((name, a)) = open
        && a.is_open(now)
    {
        return Some(format!(
            "You are taking the {name} test until {}; one test at a time.",
            a.deadline_at.to_human()
        ));
    }
    let ended = last_of_test.map(|a| a.finished_at.unwrap_or(a.deadline_at))?;
    let again = ended.plus_millis(i64::from(test.retake_after_days) * DAY_MS);
    (now < again).then(|| {
        format!(
            "You took this test on {}; you may take it again from {}.",
            ended.to_human(),
            again.to_human()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::skill_tests;

    fn rust() -> &'static SkillTest {
        skill_tests::all()
            .iter()
            .find(|t| t.slug == "rust")
            .expect("shipped")
    }

    #[test]
    fn a_draw_is_a_distinct_subset_that_depends_on_the_seed() {
        let a = draw(40, 7);
        assert_eq!(a.len(), QUESTIONS_PER_ATTEMPT);
        let mut sorted = a.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), a.len());
        assert!(a.iter().all(|i| *i < 40));
        assert_eq!(a, draw(40, 7));
        assert_ne!(a, draw(40, 8));
        assert_eq!(draw(5, 1).len(), 5);
        assert!(draw(0, 1).is_empty());
    }

    #[test]
    fn scores_count_right_answers_over_questions_asked() {
        let test = rust();
        let asked = draw(test.questions.len(), 3);
        let right: Vec<Option<usize>> = asked
            .iter()
            .map(|q| Some(test.questions[*q].answer))
            .collect();
        assert_eq!(score(test, &asked, &right), 100);
        let mut half = right.clone();
        for a in half.iter_mut().take(asked.len() / 2) {
            *a = None;
        }
        assert_eq!(score(test, &asked, &half), 50);
        assert_eq!(score(test, &asked, &[]), 0);
        assert!(passed(test, 70) && !passed(test, 69));
    }

    #[test]
    fn the_percentile_places_a_score_among_the_best_scores() {
        // The only taker.
        assert_eq!(
            standing(0, 1, 1),
            Standing {
                percentile: 50,
                top_percent: 100
            }
        );
        // The best of ten.
        assert_eq!(standing(9, 1, 10).top_percent, 10);
        assert_eq!(standing(9, 1, 10).percentile, 95);
        // Eighth of ten: 7 below.
        assert_eq!(standing(7, 1, 10).top_percent, 30);
        // The worst of a hundred.
        assert_eq!(standing(0, 1, 100).top_percent, 100);
        assert_eq!(standing(0, 0, 0).top_percent, 100);
    }

    #[test]
    fn one_attempt_at_a_time_and_a_retake_after_the_wait() {
        let test = rust();
        let now = Timestamp::from_millis(1_800_000_000_000);
        let running = AttemptState::new(test, now);
        assert!(
            why_not_start(test, Some(("SQL", running)), None, now.plus_millis(60_000))
                .is_some_and(|w| w.contains("SQL"))
        );
        // Run out: no longer in the way of another test, but it counts as taken.
        let later = running.deadline_at.plus_millis(1);
        assert!(why_not_start(test, Some(("SQL", running)), None, later).is_none());
        let why = why_not_start(test, None, Some(running), later).expect("waiting period");
        assert!(why.contains("again from"), "{why}");
        let after = running
            .deadline_at
            .plus_millis(i64::from(test.retake_after_days) * DAY_MS);
        assert!(why_not_start(test, None, Some(running), after).is_none());
    }
}
