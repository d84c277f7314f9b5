//! A freelancer's profile (seed 001, 004): title, overview, hourly rate, skills from the
//! taxonomy, visibility. What a valid profile is, and when it is complete enough to submit.

use crate::marketplace::string_enum;

pub const TITLE_CHARS: std::ops::RangeInclusive<usize> = 5..=100;
pub const MAX_OVERVIEW_CHARS: usize = 5_000;
/// A submitted overview says something about the work: at least this long.
pub const MIN_SUBMITTED_OVERVIEW_CHARS: usize = 100;
pub const MAX_SKILLS: usize = 15;
/// $3 to $999 an hour.
pub const HOURLY_RATE_CENTS: std::ops::RangeInclusive<i64> = 300..=99_900;

string_enum!(
    /// Who finds the profile: everyone in search, or (private) only the clients the freelancer
    /// applies to.
    ProfileVisibility {
        Public => "public",
        Private => "private",
    }
);

/// What a freelancer writes on a profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileInput {
    pub title: String,
    pub overview: String,
    pub hourly_rate_cents: i64,
    pub skills: Vec<String>,
    pub visibility: ProfileVisibility,
    /// Portfolio, certificates, education, languages.
    pub details: crate::profile_details::ProfileDetails,
}

impl ProfileInput {
    /// The draft a freelancer starts with: nothing written yet, public.
    pub fn draft() -> Self {
        ProfileInput {
            title: String::new(),
            overview: String::new(),
            hourly_rate_cents: 0,
            skills: Vec::new(),
            visibility: ProfileVisibility::Public,
            details: crate::profile_details::ProfileDetails::default(),
        }
    }
}

/// Why a profile cannot be saved: the field and what is wrong, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileProblem {
    pub field: &'static str,
    pub message: String,
}

fn problem(field: &'static str, message: impl Into<String>) -> ProfileProblem {
    ProfileProblem {
        field,
        message: message.into(),
    }
}

/// Checks a profile before it is saved (a draft may be short, never malformed): the title's
/// length, the overview's, the rate's range, and every skill from the taxonomy, at most
/// [`MAX_SKILLS`], none twice. Answers the input with its texts trimmed.
pub fn validate(mut p: ProfileInput) -> Result<ProfileInput, ProfileProblem> {
    p.title = p.title.trim().to_owned();
    p.overview = p.overview.trim().to_owned();
    let title_chars = p.title.chars().count();
    if !TITLE_CHARS.contains(&title_chars) {
        return Err(problem(
            "title",
            format!(
                "must be {} to {} characters (it is {title_chars})",
                TITLE_CHARS.start(),
                TITLE_CHARS.end()
            ),
        ));
    }
    if p.overview.chars().count() > MAX_OVERVIEW_CHARS {
        return Err(problem(
            "overview",
            format!("must be at most {MAX_OVERVIEW_CHARS} characters"),
        ));
    }
    if !HOURLY_RATE_CENTS.contains(&p.hourly_rate_cents) {
        return Err(problem(
            "hourly_rate_cents",
            format!(
                "must be between {} and {} (cents an hour)",
                HOURLY_RATE_CENTS.start(),
                HOURLY_RATE_CENTS.end()
            ),
        ));
    }
    if p.skills.len() > MAX_SKILLS {
        return Err(problem("skills", format!("at most {MAX_SKILLS} skills")));
    }
    for (i, slug) in p.skills.iter().enumerate() {
        if crate::skills::find(slug).is_none() {
            return Err(problem(
                "skills",
                format!("{slug:?} is not a skill we know; see GET /api/v1/skills"),
            ));
        }
        if p.skills[..i].contains(slug) {
            return Err(problem("skills", format!("{slug:?} is listed twice")));
        }
    }
    p.details = crate::profile_details::validate(p.details)
        .map_err(|(field, message)| problem(field, message))?;
    Ok(p)
}

/// What a profile still needs before it can be submitted for approval, in words (empty when
/// complete).
pub fn missing_for_submission(p: &ProfileInput) -> Vec<String> {
    let mut missing = Vec::new();
    if p.overview.chars().count() < MIN_SUBMITTED_OVERVIEW_CHARS {
        missing.push(format!(
            "an overview of at least {MIN_SUBMITTED_OVERVIEW_CHARS} characters about your work"
        ));
    }
    if p.skills.is_empty() {
        missing.push("at least one skill".to_owned());
    }
    missing
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ProfileInput {
        ProfileInput {
            title: "  Rust backend developer ".into(),
            overview: "I build web services.".into(),
            hourly_rate_cents: 6_500,
            skills: vec!["rust".into(), "sql".into()],
            visibility: ProfileVisibility::Public,
            details: Default::default(),
        }
    }

    #[test]
    fn a_valid_profile_is_trimmed_and_kept() {
        let p = validate(input()).expect("valid");
        assert_eq!(p.title, "Rust backend developer");
    }

    #[test]
    fn each_field_is_checked_and_named() {
        let field = |p: ProfileInput| validate(p).expect_err("refused").field;
        assert_eq!(
            field(ProfileInput {
                title: "Dev".into(),
                ..input()
            }),
            "title"
        );
        assert_eq!(
            field(ProfileInput {
                overview: "x".repeat(5_001),
                ..input()
            }),
            "overview"
        );
        assert_eq!(
            field(ProfileInput {
                hourly_rate_cents: 10,
                ..input()
            }),
            "hourly_rate_cents"
        );
        assert_eq!(
            field(ProfileInput {
                skills: vec!["juggling-chainsaws".into()],
                ..input()
            }),
            "skills"
        );
        assert_eq!(
            field(ProfileInput {
                skills: vec!["rust".into(), "rust".into()],
                ..input()
            }),
            "skills"
        );
        let many = crate::skills::all()
            .iter()
            .take(16)
            .map(|s| s.slug.clone())
            .collect();
        assert_eq!(
            field(ProfileInput {
                skills: many,
                ..input()
            }),
            "skills"
        );
    }

    #[test]
    fn a_short_overview_or_no_skill_is_not_yet_submittable() {
        let missing = missing_for_submission(&ProfileInput {
            skills: vec![],
            ..input()
        });
        assert_eq!(missing.len(), 2, "{missing:?}");
        let complete = ProfileInput {
            overview: "I design and build backend services in Rust and PostgreSQL for marketplaces, with tests, metrics and documentation.".into(),
            ..input()
        };
        assert!(missing_for_submission(&complete).is_empty());
    }
}
