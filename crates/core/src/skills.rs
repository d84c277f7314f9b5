//! The skill taxonomy (seed 001): the skills freelancers list and the tools and software they
//! use, in categories, shipped as data (`data/skills.csv`: slug, name, category, kind).

use std::sync::OnceLock;

const SKILLS_CSV: &str = include_str!("../data/skills.csv");

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkillKind {
    Skill,
    Tool,
}

impl SkillKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            SkillKind::Skill => "skill",
            SkillKind::Tool => "tool",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Skill {
    pub slug: String,
    pub name: String,
    pub category: String,
    pub kind: SkillKind,
}

/// Splits one CSV line into fields: commas separate, a field in double quotes may hold commas
/// (and `""` for a quote).
fn fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    out.push(field);
    out
}

/// Parses the taxonomy; the error names the line.
pub fn parse(csv: &str) -> Result<Vec<Skill>, String> {
    let mut skills = Vec::new();
    for (i, line) in csv.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let f = fields(line);
        let [slug, name, category, kind] = f.as_slice() else {
            return Err(format!(
                "line {}: expected 4 fields, found {}",
                i + 1,
                f.len()
            ));
        };
        let kind = match kind.trim() {
            "skill" => SkillKind::Skill,
            "tool" => SkillKind::Tool,
            other => {
                return Err(format!(
                    "line {}: kind {other:?} is not skill or tool",
                    i + 1
                ));
            }
        };
        skills.push(Skill {
            slug: slug.trim().to_owned(),
            name: name.trim().to_owned(),
            category: category.trim().to_owned(),
            kind,
        });
    }
    Ok(skills)
}

/// Every skill, in the file's order. (The file is part of the build and its tests; should it
/// ever not parse, the taxonomy is empty and every profile's skills are refused as unknown.)
pub fn all() -> &'static [Skill] {
    static TAXONOMY: OnceLock<Vec<Skill>> = OnceLock::new();
    TAXONOMY.get_or_init(|| parse(SKILLS_CSV).unwrap_or_default())
}

pub fn find(slug: &str) -> Option<&'static Skill> {
    all().iter().find(|s| s.slug == slug)
}

/// The categories, in the order they first appear.
pub fn categories() -> Vec<&'static str> {
    let mut seen: Vec<&'static str> = Vec::new();
    for s in all() {
        if !seen.contains(&s.category.as_str()) {
            seen.push(&s.category);
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_shipped_taxonomy_is_large_well_formed_and_unique() {
        let skills = parse(SKILLS_CSV).expect("skills.csv parses");
        assert!(skills.len() >= 300, "{} skills", skills.len());
        assert!(categories().len() >= 10, "{:?}", categories());
        let mut slugs = HashSet::new();
        let mut names = HashSet::new();
        for s in &skills {
            assert!(
                !s.slug.is_empty()
                    && s.slug.len() <= 40
                    && s.slug.split('-').all(|p| !p.is_empty()
                        && p.bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())),
                "bad slug {:?}",
                s.slug
            );
            assert!(slugs.insert(s.slug.clone()), "slug twice: {}", s.slug);
            assert!(names.insert(s.name.clone()), "name twice: {}", s.name);
            assert!(!s.category.is_empty());
        }
        let tools = skills.iter().filter(|s| s.kind == SkillKind::Tool).count();
        assert!(tools >= 50, "{tools} tools");
        for slug in [
            "rust",
            "sql",
            "javascript",
            "copywriting",
            "microsoft-excel",
            "figma",
        ] {
            assert!(find(slug).is_some(), "{slug} missing");
        }
    }

    #[test]
    fn quoted_fields_may_hold_commas() {
        let parsed =
            parse("slug,name,category,kind\na,\"Sales, B2B\",Sales,skill\n").expect("parses");
        assert_eq!(parsed[0].name, "Sales, B2B");
        assert!(parse("slug,name,category,kind\na,b,c\n").is_err());
        assert!(parse("slug,name,category,kind\na,b,c,maybe\n").is_err());
    }
}
