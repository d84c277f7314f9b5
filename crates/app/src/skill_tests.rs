//! Skill tests (seed 001): a freelancer takes a test against its clock, one at a time; the score,
//! the percentile among everyone who took it and a verified check on the skill when passed show
//! on the profile. The right answers never leave the server.

use crate::audit::Change;
use crate::{App, AppError, AppResult};
use serde::Serialize;
use trustwork_core::skill_attempts::{
    AttemptState, Standing, draw, passed, score, standing, why_not_start,
};
use trustwork_core::skill_tests::SkillTest;
use trustwork_core::{Actor, Role, Timestamp};
use trustwork_store::Tx;
use trustwork_store::new_id;
use trustwork_store::skill_tests::Attempt;

/// A test as listed.
#[derive(Debug, Clone, Serialize)]
pub struct TestSummary {
    pub slug: &'static str,
    pub name: &'static str,
    pub skill: &'static str,
    pub minutes: u32,
    pub pass_percent: u32,
    pub retake_after_days: u32,
    /// Questions one attempt asks.
    pub questions: usize,
}

/// A question as the taker sees it: no answer.
#[derive(Debug, Clone, Serialize)]
pub struct AskedQuestion {
    /// 1-based, in the order asked.
    pub number: usize,
    pub text: String,
    pub choices: Vec<String>,
    /// The choice given so far (0-based).
    pub answer: Option<usize>,
}

/// How a finished attempt went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AttemptResult {
    pub score: u32,
    pub passed: bool,
    pub percentile: u32,
    pub top_percent: u32,
    /// Everyone who finished the test (this taker included).
    pub takers: u64,
}

/// An attempt as its taker sees it.
#[derive(Debug, Clone, Serialize)]
pub struct AttemptView {
    pub id: String,
    pub account_id: String,
    pub test: &'static str,
    pub test_name: &'static str,
    /// `open` while answers are taken, else `finished`.
    pub status: &'static str,
    pub started_at: String,
    pub deadline_at: String,
    pub answered: usize,
    pub questions: Vec<AskedQuestion>,
    pub result: Option<AttemptResult>,
}

/// A freelancer's best result on one test.
#[derive(Debug, Clone, Serialize)]
pub struct TestResult {
    pub test: &'static str,
    pub test_name: &'static str,
    pub skill: &'static str,
    pub score: u32,
    pub passed: bool,
    pub percentile: u32,
    pub top_percent: u32,
    /// Everyone who finished the test (this taker included).
    pub takers: u64,
    pub finished_at: String,
}

fn find_test(slug: &str) -> AppResult<&'static SkillTest> {
    trustwork_core::skill_tests::all()
        .iter()
        .find(|t| t.slug == slug)
        .ok_or_else(|| AppError::NotFound {
            entity: "skill test",
            id: slug.to_owned(),
        })
}

fn state_of(a: &Attempt) -> AttemptState {
    AttemptState {
        started_at: a.started_at,
        deadline_at: a.deadline_at,
        finished_at: a.finished_at,
    }
}

/// The attempt, the account's own, read under the account's lock: two answers or two finishes
/// at once are applied one after the other.
async fn attempt_of(tx: &mut Tx, account_id: &str, attempt_id: &str) -> AppResult<Attempt> {
    tx.account(account_id).await?;
    tx.lock_account(account_id).await?;
    tx.find_attempt(attempt_id)
        .await?
        .filter(|a| a.account_id == account_id)
        .ok_or_else(|| AppError::NotFound {
            entity: "skill test attempt",
            id: attempt_id.to_owned(),
        })
}

/// Scores an attempt (finished when asked, or at its deadline when its time ran out) and
/// answers where the score stands.
async fn finish_in(tx: &mut Tx, a: &Attempt, now: Timestamp) -> AppResult<AttemptResult> {
    let test = find_test(&a.test_slug)?;
    let (score, passed) = match (a.score, a.passed) {
        (Some(s), Some(p)) => (s, p),
        _ => {
            let s = score(test, &a.questions, &a.answers);
            let at = if now < a.deadline_at {
                now
            } else {
                a.deadline_at
            };
            tx.finish_attempt(&a.id, at, s, passed(test, s)).await?;
            (s, passed(test, s))
        }
    };
    let (below, equal, total) = tx.best_scores_around(&test.slug, score).await?;
    let Standing {
        percentile,
        top_percent,
    } = standing(below, equal, total);
    Ok(AttemptResult {
        score,
        passed,
        percentile,
        top_percent,
        takers: total,
    })
}

/// Finishes the account's attempts whose time ran out.
async fn finish_run_out(tx: &mut Tx, account_id: &str, now: Timestamp) -> AppResult<()> {
    for a in tx.unfinished_attempts_of(account_id).await? {
        if now >= a.deadline_at {
            finish_in(tx, &a, now).await?;
        }
    }
    Ok(())
}

fn view(a: &Attempt, result: Option<AttemptResult>, now: Timestamp) -> AppResult<AttemptView> {
    let test = find_test(&a.test_slug)?;
    let open = state_of(a).is_open(now);
    let questions = a
        .questions
        .iter()
        .enumerate()
        .filter_map(|(i, q)| {
            let q = test.questions.get(*q)?;
            Some(AskedQuestion {
                number: i + 1,
                text: q.text.clone(),
                choices: q.choices.clone(),
                answer: a.answers.get(i).copied().flatten(),
            })
        })
        .collect();
    Ok(AttemptView {
        id: a.id.clone(),
        account_id: a.account_id.clone(),
        test: &test.slug,
        test_name: &test.name,
        status: if open { "open" } else { "finished" },
        started_at: a.started_at.to_rfc3339(),
        deadline_at: a.deadline_at.to_rfc3339(),
        answered: a.answers.iter().filter(|x| x.is_some()).count(),
        questions,
        result,
    })
}

/// Seeds a draw from the attempt's random id.
fn seed_of(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl App {
    /// The tests anyone may take.
    pub fn skill_tests(&self) -> Vec<TestSummary> {
        trustwork_core::skill_tests::all()
            .iter()
            .map(|t| TestSummary {
                slug: &t.slug,
                name: &t.name,
                skill: &t.skill,
                minutes: t.minutes,
                pass_percent: t.pass_percent,
                retake_after_days: t.retake_after_days,
                questions: trustwork_core::skill_attempts::QUESTIONS_PER_ATTEMPT
                    .min(t.questions.len()),
            })
            .collect()
    }

    /// Why the freelancer may not start the test now, in words (the console disables the
    /// button with it), or `None`.
    pub async fn why_not_start_skill_test(
        &self,
        account_id: &str,
        slug: &str,
    ) -> AppResult<Option<String>> {
        let now = self.now();
        let test = find_test(slug)?;
        let mut tx = self.db().read().await?;
        let attempts = tx.attempts_of(account_id).await?;
        Ok(why_not(test, &attempts, now))
    }

    /// Starts an attempt: draws its questions and starts its clock.
    pub async fn start_skill_test(&self, account_id: &str, slug: &str) -> AppResult<AttemptView> {
        let now = self.now();
        let test = find_test(slug)?;
        let mut tx = self.db().begin().await?;
        let account = tx.account(account_id).await?;
        if account.role != Role::Freelancer {
            return Err(AppError::invalid(
                "account_id",
                "skill tests are for freelancers",
            ));
        }
        tx.lock_account(account_id).await?;
        finish_run_out(&mut tx, account_id, now).await?;
        let attempts = tx.attempts_of(account_id).await?;
        if let Some(why) = why_not(test, &attempts, now) {
            return Err(AppError::Conflict(why));
        }
        let id = new_id("att");
        let questions = draw(test.questions.len(), seed_of(&id));
        let state = AttemptState::new(test, now);
        let attempt = Attempt {
            answers: vec![None; questions.len()],
            questions,
            id,
            account_id: account_id.to_owned(),
            test_slug: test.slug.clone(),
            started_at: state.started_at,
            deadline_at: state.deadline_at,
            finished_at: None,
            score: None,
            passed: None,
        };
        tx.insert_attempt(&attempt).await?;
        tx.commit().await?;
        view(&attempt, None, now)
    }

    /// The attempt as its taker sees it (scored once finished).
    pub async fn skill_test_attempt(
        &self,
        account_id: &str,
        attempt_id: &str,
    ) -> AppResult<AttemptView> {
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let mut a = attempt_of(&mut tx, account_id, attempt_id).await?;
        let result = if state_of(&a).is_open(now) {
            None
        } else {
            let r = finish_in(&mut tx, &a, now).await?;
            a = attempt_of(&mut tx, account_id, attempt_id).await?;
            Some(r)
        };
        tx.commit().await?;
        view(&a, result, now)
    }

    /// Records the answer to question `number` (1-based): `choice` is 0-based. Answers may be
    /// changed until the attempt is finished or its time is up.
    pub async fn answer_skill_test(
        &self,
        account_id: &str,
        attempt_id: &str,
        number: usize,
        choice: usize,
    ) -> AppResult<AttemptView> {
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let mut a = attempt_of(&mut tx, account_id, attempt_id).await?;
        if !state_of(&a).is_open(now) {
            return Err(AppError::Conflict(if a.finished_at.is_some() {
                "this attempt is finished".into()
            } else {
                "time is up: the attempt is scored with the answers given".into()
            }));
        }
        let test = find_test(&a.test_slug)?;
        let q = number
            .checked_sub(1)
            .and_then(|i| a.questions.get(i))
            .and_then(|q| test.questions.get(*q))
            .ok_or_else(|| {
                AppError::invalid(
                    "question",
                    format!("expected a question number from 1 to {}", a.questions.len()),
                )
            })?;
        if choice >= q.choices.len() {
            return Err(AppError::invalid(
                "choice",
                format!("expected a choice from 0 to {}", q.choices.len() - 1),
            ));
        }
        a.answers.resize(a.questions.len(), None);
        a.answers[number - 1] = Some(choice);
        tx.set_attempt_answers(&a.id, &a.answers).await?;
        tx.commit().await?;
        view(&a, None, now)
    }

    /// Finishes the attempt and scores it (again: the same result).
    pub async fn finish_skill_test(
        &self,
        account_id: &str,
        attempt_id: &str,
    ) -> AppResult<AttemptResult> {
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let a = attempt_of(&mut tx, account_id, attempt_id).await?;
        let first = a.finished_at.is_none();
        let result = finish_in(&mut tx, &a, now).await?;
        if first {
            tx.append_audit(
                &Change {
                    actor: &Actor::Account(account_id.to_owned()),
                    account_id: Some(account_id),
                    action: "skill_test.finished",
                    entity_type: "skill_test_attempt",
                    entity_id: attempt_id,
                    reason: "",
                    before: None,
                    after: Some(serde_json::json!({
                        "test": a.test_slug, "score": result.score, "passed": result.passed,
                    })),
                }
                .record(now),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(result)
    }

    /// The freelancer's best finished result per test, with its percentile now.
    pub async fn skill_test_results(&self, account_id: &str) -> AppResult<Vec<TestResult>> {
        let mut tx = self.db().read().await?;
        tx.account(account_id).await?;
        results_in(&mut tx, account_id).await
    }
}

/// Why the account may not start `test`, from its attempts.
fn why_not(test: &SkillTest, attempts: &[Attempt], now: Timestamp) -> Option<String> {
    let open = attempts
        .iter()
        .find(|a| state_of(a).is_open(now))
        .and_then(|a| Some((find_test(&a.test_slug).ok()?.name.as_str(), state_of(a))));
    let last = attempts
        .iter()
        .filter(|a| a.test_slug == test.slug)
        .max_by_key(|a| a.started_at)
        .map(state_of);
    why_not_start(test, open, last, now)
}

/// The account's best finished result per test, in the shipped tests' order.
pub(crate) async fn results_in(tx: &mut Tx, account_id: &str) -> AppResult<Vec<TestResult>> {
    let attempts = tx.attempts_of(account_id).await?;
    let mut out = Vec::new();
    for test in trustwork_core::skill_tests::all() {
        let best = attempts
            .iter()
            .filter(|a| a.test_slug == test.slug)
            .filter_map(|a| Some((a.score?, a.passed?, a.finished_at?)))
            .max_by_key(|(s, _, at)| (*s, std::cmp::Reverse(*at)));
        let Some((score, passed, at)) = best else {
            continue;
        };
        let (below, equal, total) = tx.best_scores_around(&test.slug, score).await?;
        let s = standing(below, equal, total);
        out.push(TestResult {
            test: &test.slug,
            test_name: &test.name,
            skill: &test.skill,
            score,
            passed,
            percentile: s.percentile,
            top_percent: s.top_percent,
            takers: total,
            finished_at: at.to_rfc3339(),
        });
    }
    Ok(out)
}

/// The skills the account's passed tests verify.
pub fn verified_skills(results: &[TestResult]) -> Vec<&'static str> {
    let mut skills: Vec<&'static str> = results
        .iter()
        .filter(|r| r.passed)
        .map(|r| r.skill)
        .collect();
    // In the shipped tests' order, each skill once (two tests may verify one skill).
    let mut seen = std::collections::HashSet::new();
    skills.retain(|k| seen.insert(*k));
    skills
}

impl App {
    /// The account's attempt still running, if any: its id and test.
    pub async fn running_skill_test(
        &self,
        account_id: &str,
    ) -> AppResult<Option<(String, String)>> {
        let now = self.now();
        let mut tx = self.db().read().await?;
        Ok(tx
            .unfinished_attempts_of(account_id)
            .await?
            .into_iter()
            .find(|a| state_of(a).is_open(now))
            .map(|a| (a.id, a.test_slug)))
    }
}
