//! What a profile shows besides its title and overview (seed 001): portfolio items,
//! certificates, education and languages. Each list is checked when saved; their texts and
//! links go through the detectors with the rest of the profile.

use serde::{Deserialize, Serialize};

pub const MAX_PORTFOLIO_ITEMS: usize = 20;
pub const MAX_CERTIFICATES: usize = 20;
pub const MAX_EDUCATION: usize = 10;
pub const MAX_LANGUAGES: usize = 20;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileDetails {
    #[serde(default)]
    pub portfolio: Vec<PortfolioItem>,
    #[serde(default)]
    pub certificates: Vec<Certificate>,
    #[serde(default)]
    pub education: Vec<Education>,
    #[serde(default)]
    pub languages: Vec<Language>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortfolioItem {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// An `http(s)://` address of the work, if it is online.
    #[serde(default)]
    pub link: Option<String>,
    /// Uploaded images and PDFs (`POST /api/v1/accounts/{id}/portfolio-files`), by id.
    #[serde(default)]
    pub files: Vec<String>,
}

/// Files one portfolio item may show.
pub const MAX_FILES_PER_ITEM: usize = 5;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Certificate {
    pub name: String,
    #[serde(default)]
    pub issuer: String,
    #[serde(default)]
    pub year: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Education {
    pub school: String,
    #[serde(default)]
    pub degree: String,
    #[serde(default)]
    pub from_year: Option<i32>,
    #[serde(default)]
    pub to_year: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Language {
    pub language: String,
    /// `basic`, `conversational`, `fluent` or `native`.
    pub level: String,
}

pub const LANGUAGE_LEVELS: [&str; 4] = ["basic", "conversational", "fluent", "native"];

const YEARS: std::ops::RangeInclusive<i32> = 1950..=2100;

/// Hosts whose links open a chat or book a call: a way around the platform, never a work sample.
const CHAT_HOSTS: [&str; 14] = [
    "wa.me",
    "api.whatsapp.com",
    "chat.whatsapp.com",
    "t.me",
    "telegram.me",
    "m.me",
    "signal.me",
    "line.me",
    "join.skype.com",
    "discord.gg",
    "calendly.com",
    "cal.com",
    "zoom.us",
    "meet.google.com",
];

/// The host of an `http(s)://` link, lower case, without `www.`.
fn host_of(link: &str) -> String {
    let rest = link.split_once("://").map_or(link, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = host.split(':').next().unwrap_or("");
    host.to_ascii_lowercase()
        .trim_start_matches("www.")
        .to_owned()
}

/// A field of the details and what is wrong with it, in words.
pub type DetailsProblem = (&'static str, String);

fn text(
    field: &'static str,
    i: usize,
    value: &str,
    max: usize,
    required: bool,
) -> Result<(), DetailsProblem> {
    let n = value.trim().chars().count();
    if required && n == 0 {
        return Err((field, format!("item {}: must not be empty", i + 1)));
    }
    if n > max {
        return Err((field, format!("item {}: at most {max} characters", i + 1)));
    }
    Ok(())
}

fn year(field: &'static str, i: usize, y: Option<i32>) -> Result<(), DetailsProblem> {
    match y {
        Some(y) if !YEARS.contains(&y) => Err((
            field,
            format!(
                "item {}: a year from {} to {}",
                i + 1,
                YEARS.start(),
                YEARS.end()
            ),
        )),
        _ => Ok(()),
    }
}

fn count(field: &'static str, n: usize, max: usize) -> Result<(), DetailsProblem> {
    if n > max {
        return Err((field, format!("at most {max} items")));
    }
    Ok(())
}

/// Checks the details and answers them with their texts trimmed.
pub fn validate(mut d: ProfileDetails) -> Result<ProfileDetails, DetailsProblem> {
    count("portfolio", d.portfolio.len(), MAX_PORTFOLIO_ITEMS)?;
    count("certificates", d.certificates.len(), MAX_CERTIFICATES)?;
    count("education", d.education.len(), MAX_EDUCATION)?;
    count("languages", d.languages.len(), MAX_LANGUAGES)?;
    for (i, p) in d.portfolio.iter_mut().enumerate() {
        p.title = p.title.trim().to_owned();
        p.description = p.description.trim().to_owned();
        text("portfolio", i, &p.title, 100, true)?;
        text("portfolio", i, &p.description, 2_000, false)?;
        if p.files.len() > MAX_FILES_PER_ITEM {
            return Err((
                "portfolio",
                format!("item {}: at most {MAX_FILES_PER_ITEM} files", i + 1),
            ));
        }
        for (k, f) in p.files.iter().enumerate() {
            if p.files[..k].contains(f) {
                return Err(("portfolio", format!("item {}: {f} is listed twice", i + 1)));
            }
        }
        p.link = p
            .link
            .take()
            .map(|l| l.trim().to_owned())
            .filter(|l| !l.is_empty());
        if let Some(link) = &p.link {
            let lower = link.to_ascii_lowercase();
            let scheme = lower.starts_with("https://") || lower.starts_with("http://");
            if !scheme
                || link.len() > 500
                || link.chars().any(|c| c.is_whitespace() || c.is_control())
            {
                return Err((
                    "portfolio",
                    format!(
                        "item {}: the link must be an http(s):// address of at most 500 characters",
                        i + 1
                    ),
                ));
            }
            let host = host_of(link);
            if CHAT_HOSTS
                .iter()
                .any(|h| host == *h || host.ends_with(&format!(".{h}")))
            {
                return Err((
                    "portfolio",
                    format!(
                        "item {}: a link to {host} opens a chat or a call; link to the work itself",
                        i + 1
                    ),
                ));
            }
        }
    }
    for (i, c) in d.certificates.iter_mut().enumerate() {
        c.name = c.name.trim().to_owned();
        c.issuer = c.issuer.trim().to_owned();
        text("certificates", i, &c.name, 150, true)?;
        text("certificates", i, &c.issuer, 150, false)?;
        year("certificates", i, c.year)?;
    }
    for (i, e) in d.education.iter_mut().enumerate() {
        e.school = e.school.trim().to_owned();
        e.degree = e.degree.trim().to_owned();
        text("education", i, &e.school, 150, true)?;
        text("education", i, &e.degree, 150, false)?;
        year("education", i, e.from_year)?;
        year("education", i, e.to_year)?;
        if let (Some(from), Some(to)) = (e.from_year, e.to_year)
            && from > to
        {
            return Err((
                "education",
                format!("item {}: it ends before it starts", i + 1),
            ));
        }
    }
    for (i, l) in d.languages.iter_mut().enumerate() {
        l.language = l.language.trim().to_owned();
        text("languages", i, &l.language, 50, true)?;
        if !LANGUAGE_LEVELS.contains(&l.level.as_str()) {
            return Err((
                "languages",
                format!(
                    "item {}: the level is basic, conversational, fluent or native",
                    i + 1
                ),
            ));
        }
    }
    let total = d.texts().len();
    let max = crate::enforcement::event::MAX_TEXT_BYTES;
    if total > max {
        return Err((
            "portfolio",
            format!(
                "the portfolio, certificates and education come to {total} bytes of text; at most {max}"
            ),
        ));
    }
    for (i, l) in d.languages.iter().enumerate() {
        if d.languages[..i]
            .iter()
            .any(|o| o.language.to_lowercase() == l.language.to_lowercase())
        {
            return Err(("languages", format!("{} is listed twice", l.language)));
        }
    }
    Ok(d)
}

impl ProfileDetails {
    /// Every text, one per line, for the detectors. A portfolio item's own link is a work
    /// sample, checked by [`validate`] (no chat or booking hosts), not a link in a text: a link
    /// or an address typed into a description is refused like anywhere on the profile.
    pub fn texts(&self) -> String {
        let mut lines: Vec<&str> = Vec::new();
        for p in &self.portfolio {
            lines.extend([p.title.as_str(), p.description.as_str()]);
        }
        for c in &self.certificates {
            lines.extend([c.name.as_str(), c.issuer.as_str()]);
        }
        for e in &self.education {
            lines.extend([e.school.as_str(), e.degree.as_str()]);
        }
        for l in &self.languages {
            lines.push(l.language.as_str());
        }
        lines.retain(|l| !l.is_empty());
        lines.join("\n")
    }

    pub fn is_empty(&self) -> bool {
        self.portfolio.is_empty()
            && self.certificates.is_empty()
            && self.education.is_empty()
            && self.languages.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn details() -> ProfileDetails {
        ProfileDetails {
            portfolio: vec![PortfolioItem {
                title: " Launch video ".into(),
                description: "A 90-second demo.".into(),
                link: Some("https://example.com/work/launch".into()),
                files: vec![],
            }],
            certificates: vec![Certificate {
                name: "Premiere Pro Certified".into(),
                issuer: "Adobe".into(),
                year: Some(2024),
            }],
            education: vec![Education {
                school: "Film school".into(),
                degree: "BA".into(),
                from_year: Some(2015),
                to_year: Some(2019),
            }],
            languages: vec![Language {
                language: "Portuguese".into(),
                level: "native".into(),
            }],
        }
    }

    #[test]
    fn good_details_are_trimmed_and_their_texts_listed() {
        let d = validate(details()).expect("valid");
        assert_eq!(d.portfolio[0].title, "Launch video");
        let texts = d.texts();
        assert!(
            !texts.contains("https://example.com/work/launch"),
            "the link is checked apart"
        );
        assert!(texts.contains("Film school") && texts.contains("A 90-second demo."));
        assert!(!d.is_empty() && ProfileDetails::default().is_empty());
    }

    #[test]
    fn bad_details_name_the_field_and_the_item() {
        let mut d = details();
        d.portfolio[0].link = Some("javascript:alert(1)".into());
        assert_eq!(validate(d).unwrap_err().0, "portfolio");
        for chat in [
            "https://wa.me/14155550134",
            "https://WWW.Calendly.com/vera/30min",
            "http://user@t.me:443/vera",
        ] {
            let mut d = details();
            d.portfolio[0].link = Some(chat.into());
            assert!(
                validate(d).unwrap_err().1.contains("opens a chat"),
                "{chat}"
            );
        }
        let mut d = details();
        d.education[0].to_year = Some(2010);
        assert!(validate(d).unwrap_err().1.contains("ends before it starts"));
        let mut d = details();
        d.languages.push(Language {
            language: "portuguese".into(),
            level: "fluent".into(),
        });
        assert!(validate(d).unwrap_err().1.contains("twice"));
        let mut d = details();
        d.languages[0].level = "expert".into();
        assert_eq!(validate(d).unwrap_err().0, "languages");
        let mut d = details();
        d.certificates[0].year = Some(1200);
        assert!(validate(d).unwrap_err().1.contains("year"));
        let mut d = details();
        d.portfolio = vec![d.portfolio[0].clone(); MAX_PORTFOLIO_ITEMS + 1];
        assert!(validate(d).unwrap_err().1.contains("at most"));
        let mut d = details();
        d.portfolio[0].title = "  ".into();
        assert!(validate(d).unwrap_err().1.contains("empty"));
    }
}
