//! Skill tests (seed 001): a question bank per test, shipped as data
//! (`data/skill_tests/*.toml`), written for this project. This module reads and checks them;
//! attempts, scoring and percentiles build on it.

use serde::Deserialize;
use std::sync::OnceLock;

const SHIPPED: [(&str, &str); 5] = [
    ("rust", include_str!("../data/skill_tests/rust.toml")),
    ("sql", include_str!("../data/skill_tests/sql.toml")),
    (
        "javascript",
        include_str!("../data/skill_tests/javascript.toml"),
    ),
    (
        "copywriting",
        include_str!("../data/skill_tests/copywriting.toml"),
    ),
    (
        "microsoft-excel",
        include_str!("../data/skill_tests/microsoft-excel.toml"),
    ),
];

/// The fewest questions a test may have.
pub const MIN_QUESTIONS: usize = 30;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub text: String,
    pub choices: Vec<String>,
    /// 0-based index into `choices`. Never leaves the server.
    pub answer: usize,
}

/// One test, in the import format: a TOML file with the test's settings and its questions.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SkillTest {
    pub slug: String,
    pub name: String,
    /// The taxonomy skill a pass verifies.
    pub skill: String,
    pub minutes: u32,
    pub pass_percent: u32,
    pub retake_after_days: u32,
    #[serde(rename = "question")]
    pub questions: Vec<Question>,
}

/// Reads and checks one test: every question with 2 to 6 distinct choices and an answer among
/// them, at least [`MIN_QUESTIONS`], a known skill, a pass mark in 1..=100.
pub fn parse(text: &str) -> Result<SkillTest, String> {
    let test: SkillTest = toml::from_str(text).map_err(|e| e.to_string())?;
    if crate::skills::find(&test.skill).is_none() {
        return Err(format!("skill {:?} is not in the taxonomy", test.skill));
    }
    if !(1..=100).contains(&test.pass_percent) || test.minutes == 0 {
        return Err("pass_percent must be 1 to 100 and minutes positive".into());
    }
    if test.questions.len() < MIN_QUESTIONS {
        return Err(format!(
            "{} questions; a test needs at least {MIN_QUESTIONS}",
            test.questions.len()
        ));
    }
    for (i, q) in test.questions.iter().enumerate() {
        let distinct: std::collections::HashSet<&String> = q.choices.iter().collect();
        if !(2..=6).contains(&q.choices.len()) || distinct.len() != q.choices.len() {
            return Err(format!("question {}: 2 to 6 distinct choices", i + 1));
        }
        if q.answer >= q.choices.len() || q.text.trim().is_empty() {
            return Err(format!(
                "question {}: the answer must be one of the choices",
                i + 1
            ));
        }
    }
    Ok(test)
}

/// The shipped tests. (Part of the build and its tests; a test that would not parse is left
/// out rather than stopping the server.)
pub fn all() -> &'static [SkillTest] {
    static TESTS: OnceLock<Vec<SkillTest>> = OnceLock::new();
    TESTS.get_or_init(|| {
        SHIPPED
            .iter()
            .filter_map(|(_, text)| parse(text).ok())
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_tests_parse_and_are_complete() {
        for (slug, text) in SHIPPED {
            let test = parse(text).unwrap_or_else(|e| panic!("{slug}: {e}"));
            assert_eq!(test.slug, slug);
            let mut texts = std::collections::HashSet::new();
            for q in &test.questions {
                assert!(texts.insert(&q.text), "{slug}: {:?} twice", q.text);
            }
        }
        assert_eq!(all().len(), 5);
    }

    #[test]
    fn a_broken_test_is_refused_with_the_reason() {
        let one = "slug = \"x\"\nname = \"X\"\nskill = \"rust\"\nminutes = 10\npass_percent = 70\nretake_after_days = 30\n[[question]]\ntext = \"q\"\nchoices = [\"a\", \"b\"]\nanswer = 1\n";
        assert!(parse(one).unwrap_err().contains("at least 30"));
        let unknown = one.replace("\"rust\"", "\"telepathy\"");
        assert!(parse(&unknown).unwrap_err().contains("taxonomy"));
        assert!(parse("slug = 1").is_err());
    }
}
