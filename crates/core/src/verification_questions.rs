//! The questions a verification agent asks on the call, drawn from what the marketplace's own
//! records say about the member. A fresh selection and order each call, so nobody can rehearse
//! the list; every expected answer comes from the records, never from the member.

use crate::timestamp::Timestamp;
use serde::Serialize;

/// What the records say about the person, as far as they say it. Empty text and `None` mean
/// "the records do not know", and no question is asked about it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountFacts {
    pub full_name: String,
    pub email: String,
    pub street_address: String,
    pub college: String,
    pub skills: Vec<String>,
    pub joined_at: Option<Timestamp>,
    pub active_contracts: Option<u32>,
    /// The other party of the member's most recent active contract.
    pub current_client: Option<String>,
    pub total_hours: Option<u32>,
    pub job_success_score: Option<u8>,
    pub hours_last_week: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    FullName,
    Email,
    StreetAddress,
    College,
    ActiveContracts,
    CurrentClient,
    Skill,
    JoinDate,
    TotalHours,
    JobSuccessScore,
    HoursLastWeek,
}

impl Topic {
    pub const ALL: [Topic; 11] = [
        Topic::FullName,
        Topic::Email,
        Topic::StreetAddress,
        Topic::College,
        Topic::ActiveContracts,
        Topic::CurrentClient,
        Topic::Skill,
        Topic::JoinDate,
        Topic::TotalHours,
        Topic::JobSuccessScore,
        Topic::HoursLastWeek,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Topic::FullName => "full_name",
            Topic::Email => "email",
            Topic::StreetAddress => "street_address",
            Topic::College => "college",
            Topic::ActiveContracts => "active_contracts",
            Topic::CurrentClient => "current_client",
            Topic::Skill => "skill",
            Topic::JoinDate => "join_date",
            Topic::TotalHours => "total_hours",
            Topic::JobSuccessScore => "job_success_score",
            Topic::HoursLastWeek => "hours_last_week",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == text)
    }
}

/// How the agent judged the member's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    Matched,
    NotMatched,
    NotAsked,
}

impl Mark {
    pub const fn as_str(self) -> &'static str {
        match self {
            Mark::Matched => "matched",
            Mark::NotMatched => "not_matched",
            Mark::NotAsked => "not_asked",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Mark::Matched, Mark::NotMatched, Mark::NotAsked]
            .into_iter()
            .find(|m| m.as_str() == text)
    }
}

/// A question before it is stored: what to ask and the answer the records give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawnQuestion {
    pub topic: Topic,
    pub prompt: String,
    pub expected: String,
}

/// Fewer than this many questions and the call cannot tell much; the agent is told so.
pub const MIN_QUESTIONS: usize = 6;
/// A call of about ten minutes has room for this many.
pub const MAX_QUESTIONS: usize = 8;

/// Every question the facts can answer, in topic order.
pub fn answerable(facts: &AccountFacts) -> Vec<DrawnQuestion> {
    let mut out = Vec::new();
    let mut add = |topic: Topic, prompt: &str, expected: String| {
        if !expected.trim().is_empty() {
            out.push(DrawnQuestion {
                topic,
                prompt: prompt.to_owned(),
                expected,
            });
        }
    };
    add(
        Topic::FullName,
        "What is your full name?",
        facts.full_name.clone(),
    );
    add(
        Topic::Email,
        "Which email address do you sign in with?",
        facts.email.clone(),
    );
    add(
        Topic::StreetAddress,
        "What is your street address?",
        facts.street_address.clone(),
    );
    add(
        Topic::College,
        "Which college or university did you attend?",
        facts.college.clone(),
    );
    if let Some(n) = facts.active_contracts {
        add(
            Topic::ActiveContracts,
            "How many active contracts do you have right now?",
            n.to_string(),
        );
    }
    if let Some(client) = &facts.current_client {
        add(
            Topic::CurrentClient,
            "What is the full name of the client you are working for now?",
            client.clone(),
        );
    }
    if let Some(at) = facts.joined_at {
        add(
            Topic::JoinDate,
            "When did you join the marketplace (month and year)?",
            month_year(at),
        );
    }
    if let Some(h) = facts.total_hours {
        add(
            Topic::TotalHours,
            "About how many hours have you worked in total?",
            h.to_string(),
        );
    }
    if let Some(s) = facts.job_success_score {
        add(
            Topic::JobSuccessScore,
            "What is your Job Success Score?",
            format!("{s}%"),
        );
    }
    if let Some(h) = facts.hours_last_week {
        add(
            Topic::HoursLastWeek,
            "How many hours did you work last week?",
            h.to_string(),
        );
    }
    out
}

/// A fresh selection and order for one call: the answerable topics (one question naming any
/// listed skill among them) are shuffled and between [`MIN_QUESTIONS`] and [`MAX_QUESTIONS`]
/// are kept. `seed` comes from the caller's random source (the domain does no I/O).
pub fn draw(facts: &AccountFacts, seed: u64) -> Vec<DrawnQuestion> {
    let mut rng = SplitMix(seed);
    let mut questions = answerable(facts);
    let skills: Vec<&String> = facts
        .skills
        .iter()
        .filter(|s| !s.trim().is_empty())
        .collect();
    if !skills.is_empty() {
        // The member names one; the agent sees them all, in an order of their own each call.
        let mut listed: Vec<&str> = skills.iter().map(|s| s.trim()).collect();
        for i in (1..listed.len()).rev() {
            let j = rng.below(i + 1);
            listed.swap(i, j);
        }
        questions.push(DrawnQuestion {
            topic: Topic::Skill,
            prompt: "Name one of the skills listed on your profile.".into(),
            expected: format!("any of: {}", listed.join(", ")),
        });
    }
    // Fisher–Yates.
    for i in (1..questions.len()).rev() {
        let j = rng.below(i + 1);
        questions.swap(i, j);
    }
    let keep = if questions.len() > MIN_QUESTIONS {
        MIN_QUESTIONS + rng.below(questions.len().min(MAX_QUESTIONS) - MIN_QUESTIONS + 1)
    } else {
        questions.len()
    };
    questions.truncate(keep);
    questions
}

fn month_year(at: Timestamp) -> String {
    let human = at.to_rfc3339();
    // "2025-03-14T…" → "March 2025"
    let (year, month) = (&human[..4.min(human.len())], human.get(5..7).unwrap_or(""));
    let name = match month {
        "01" => "January",
        "02" => "February",
        "03" => "March",
        "04" => "April",
        "05" => "May",
        "06" => "June",
        "07" => "July",
        "08" => "August",
        "09" => "September",
        "10" => "October",
        "11" => "November",
        "12" => "December",
        _ => return human,
    };
    format!("{name} {year}")
}

/// A small, good-enough generator for shuffling (SplitMix64); the seed carries the randomness.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next() % n as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn maria() -> AccountFacts {
        AccountFacts {
            full_name: "Maria Lopez".into(),
            email: "maria@demo.test".into(),
            street_address: "12 Harbour Road, Valencia".into(),
            college: "Universitat de València".into(),
            skills: vec!["Logo design".into(), "Figma".into()],
            joined_at: Timestamp::parse_rfc3339("2024-03-14T10:00:00Z"),
            active_contracts: Some(1),
            current_client: Some("Chris Client".into()),
            ..AccountFacts::default()
        }
    }

    #[test]
    fn expected_answers_come_from_the_records() {
        let q = answerable(&maria());
        let expected = |t: Topic| q.iter().find(|q| q.topic == t).map(|q| q.expected.clone());
        assert_eq!(expected(Topic::FullName).as_deref(), Some("Maria Lopez"));
        assert_eq!(expected(Topic::JoinDate).as_deref(), Some("March 2024"));
        assert_eq!(expected(Topic::ActiveContracts).as_deref(), Some("1"));
        assert_eq!(
            expected(Topic::CurrentClient).as_deref(),
            Some("Chris Client")
        );
        // Unknown facts are not asked about.
        assert_eq!(expected(Topic::JobSuccessScore), None);
    }

    #[test]
    fn maria_gets_at_least_six_and_calls_differ() {
        let sets: Vec<Vec<Topic>> = (0..20)
            .map(|seed| draw(&maria(), seed).iter().map(|q| q.topic).collect())
            .collect();
        assert!(
            sets.iter()
                .all(|s| s.len() >= MIN_QUESTIONS && s.len() <= MAX_QUESTIONS)
        );
        assert!(sets.iter().any(|s| s != &sets[0]), "every call the same");
    }

    #[test]
    fn an_account_with_few_facts_gets_what_is_known() {
        let facts = AccountFacts {
            full_name: "A".into(),
            email: "a@x.test".into(),
            ..AccountFacts::default()
        };
        assert_eq!(draw(&facts, 7).len(), 2);
        assert!(draw(&AccountFacts::default(), 7).is_empty());
    }

    proptest! {
        #[test]
        fn a_draw_never_repeats_a_topic(seed in any::<u64>()) {
            let q = draw(&maria(), seed);
            let mut topics: Vec<&str> = q.iter().map(|q| q.topic.as_str()).collect();
            topics.sort_unstable();
            topics.dedup();
            prop_assert_eq!(topics.len(), q.len());
        }
    }
}
