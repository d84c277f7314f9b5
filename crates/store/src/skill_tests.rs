//! Skill-test attempts: kept with their drawn questions and answers, scored once finished, and
//! the best scores a percentile is read from.

use crate::rows::ts;
use crate::{Result, StoreError, Tx};
use trustwork_core::Timestamp;

/// One attempt at a test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub id: String,
    pub account_id: String,
    pub test_slug: String,
    /// Indices into the test's question bank, in the order asked.
    pub questions: Vec<usize>,
    /// The choice given per question asked, by position.
    pub answers: Vec<Option<usize>>,
    pub started_at: Timestamp,
    pub deadline_at: Timestamp,
    pub finished_at: Option<Timestamp>,
    pub score: Option<u32>,
    pub passed: Option<bool>,
}

type AttemptRow = (
    String,
    String,
    String,
    String,
    String,
    i64,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

const COLUMNS: &str = "id, account_id, test_slug, questions, answers, started_at, deadline_at, finished_at, score, passed";

fn attempt(r: AttemptRow) -> Result<Attempt> {
    let bad = |what: &str, e: serde_json::Error| {
        StoreError::corrupt("skill test attempt", &r.0, format!("{what}: {e}"))
    };
    Ok(Attempt {
        questions: serde_json::from_str(&r.3).map_err(|e| bad("questions", e))?,
        answers: serde_json::from_str(&r.4).map_err(|e| bad("answers", e))?,
        id: r.0,
        account_id: r.1,
        test_slug: r.2,
        started_at: ts(r.5),
        deadline_at: ts(r.6),
        finished_at: r.7.map(ts),
        score: r.8.and_then(|s| u32::try_from(s).ok()),
        passed: r.9.map(|p| p != 0),
    })
}

fn json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value)
        .map_err(|e| StoreError::corrupt("skill test attempt", "(new)", e.to_string()))
}

impl Tx {
    pub async fn insert_attempt(&mut self, a: &Attempt) -> Result<()> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO skill_test_attempts ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        )))
        .bind(&a.id)
        .bind(&a.account_id)
        .bind(&a.test_slug)
        .bind(json(&a.questions)?)
        .bind(json(&a.answers)?)
        .bind(a.started_at.millis())
        .bind(a.deadline_at.millis())
        .bind(a.finished_at.map(Timestamp::millis))
        .bind(a.score.map(i64::from))
        .bind(a.passed.map(i64::from))
        .execute(self.conn())
        .await?;
        Ok(())
    }

    pub async fn find_attempt(&mut self, id: &str) -> Result<Option<Attempt>> {
        let row: Option<AttemptRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM skill_test_attempts WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(self.conn())
        .await?;
        row.map(attempt).transpose()
    }

    /// The account's attempts not yet finished (at most a few: one runs at a time, and one
    /// whose time ran out is finished when next seen).
    pub async fn unfinished_attempts_of(&mut self, account_id: &str) -> Result<Vec<Attempt>> {
        let rows: Vec<AttemptRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM skill_test_attempts WHERE account_id = $1 AND finished_at IS NULL \
             ORDER BY started_at LIMIT 20"
        )))
        .bind(account_id)
        .fetch_all(self.conn())
        .await?;
        rows.into_iter().map(attempt).collect()
    }

    /// Every attempt of the account, newest first (at most 200).
    pub async fn attempts_of(&mut self, account_id: &str) -> Result<Vec<Attempt>> {
        let rows: Vec<AttemptRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM skill_test_attempts WHERE account_id = $1 \
             ORDER BY started_at DESC, id LIMIT 200"
        )))
        .bind(account_id)
        .fetch_all(self.conn())
        .await?;
        rows.into_iter().map(attempt).collect()
    }

    pub async fn set_attempt_answers(&mut self, id: &str, answers: &[Option<usize>]) -> Result<()> {
        sqlx::query("UPDATE skill_test_attempts SET answers = $2 WHERE id = $1")
            .bind(id)
            .bind(json(&answers)?)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Finishes an unfinished attempt; false if it was finished already.
    pub async fn finish_attempt(
        &mut self,
        id: &str,
        at: Timestamp,
        score: u32,
        passed: bool,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE skill_test_attempts SET finished_at = $2, score = $3, passed = $4 \
             WHERE id = $1 AND finished_at IS NULL",
        )
        .bind(id)
        .bind(at.millis())
        .bind(i64::from(score))
        .bind(i64::from(passed))
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Among every taker's best score on the test: how many are below `score`, equal to it, and
    /// how many takers there are.
    pub async fn best_scores_around(
        &mut self,
        test_slug: &str,
        score: u32,
    ) -> Result<(u64, u64, u64)> {
        let (below, equal, total): (i64, i64, i64) = sqlx::query_as(
            "SELECT COALESCE(SUM(CASE WHEN best < $2 THEN 1 ELSE 0 END), 0), \
                    COALESCE(SUM(CASE WHEN best = $2 THEN 1 ELSE 0 END), 0), COUNT(*) \
             FROM (SELECT account_id, MAX(score) AS best FROM skill_test_attempts \
                   WHERE test_slug = $1 AND score IS NOT NULL GROUP BY account_id) AS bests",
        )
        .bind(test_slug)
        .bind(i64::from(score))
        .fetch_one(self.conn())
        .await?;
        let n = |v: i64| u64::try_from(v).unwrap_or(0);
        Ok((n(below), n(equal), n(total)))
    }
}
