//! What the toxicity model adds to the lexicon: a finding where the lexicon found nothing of the
//! kind, so every listed word keeps its own exact explanation and the model speaks only for what
//! no list holds ("people like you should not be allowed online").

use crate::toxicity::{Head, Model, confidence};
use crate::types::{Category, Finding, Kind};

/// True when the text reads as another language than English: at least a fifth of its words, and
/// two or more, are markers of Spanish, Portuguese, French or German (see [`crate::lang`]) or
/// carry Latin letters English does not use ("läuft", "über"). The model learned English, and its
/// weights mean nothing elsewhere. Letters of other scripts (Cyrillic, full-width) do not count:
/// they are how evaders disguise English. Asked only of the few texts the model would report.
fn foreign(text: &str) -> bool {
    let (mut words, mut foreign) = (0usize, 0usize);
    for w in text.split(|c: char| !c.is_alphanumeric()) {
        if w.is_empty() || w.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        words += 1;
        let accented = w
            .chars()
            .any(|c| ('\u{c0}'..='\u{24f}').contains(&c) && c != '\u{d7}' && c != '\u{f7}');
        if accented || w.len() <= 20 && crate::lang::markers(&w.to_lowercase()) != 0 {
            foreign += 1;
        }
    }
    foreign >= 2 && foreign * 5 >= words
}

/// Scores `scored` (the text, or its normalised skeleton) and pushes the model's findings to
/// `findings`. `to_original` maps a byte range of `scored` to the original text.
pub(crate) fn add_findings(
    model: &Model,
    original: &str,
    scored: &str,
    to_original: impl Fn(usize, usize) -> (usize, usize),
    findings: &mut Vec<Finding>,
) {
    let has = |c: Category, f: &[Finding]| f.iter().any(|x| x.category == c);
    let profanity_found = has(Category::Profanity, findings);
    let harassment_found = has(Category::Harassment, findings);
    if profanity_found && harassment_found {
        return;
    }
    let s = model.score(scored);
    if !model.fires(Head::Offensive, s.offensive) || foreign(original) {
        return;
    }
    let (start, end) = to_original(s.evidence.0, s.evidence.1);
    let mut push = |category, kind, head: Head, p: f32, rule| {
        findings.push(Finding {
            category,
            kind,
            start,
            end,
            value: scored
                .get(s.evidence.0..s.evidence.1)
                .unwrap_or("")
                .to_lowercase(),
            confidence: confidence(p, model.head(head).threshold),
            rule,
            // The model is trained on English texts.
            language: Some("en"),
        });
    };
    let offensive = model.fires(Head::Offensive, s.offensive);
    // Harassment is offensive language aimed at someone: both heads must agree, so a plain
    // "why are you so slow with this" (aimed, not offensive) is not reported.
    let harassment = offensive && model.fires(Head::Harassment, s.harassment);
    if !harassment_found && harassment {
        push(
            Category::Harassment,
            Kind::Abusive,
            Head::Harassment,
            s.harassment,
            "harassment.model",
        );
    }
    // Offensive language aimed at no one; what is aimed at someone is harassment, not swearing.
    if !profanity_found && !harassment_found && !harassment && offensive {
        push(
            Category::Profanity,
            Kind::Offensive,
            Head::Offensive,
            s.offensive,
            "profanity.model",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_in_other_languages_are_left_to_the_word_lists() {
        assert!(foreign("Llámame al 612 34 56 78 cuando puedas, por favor"));
        assert!(foreign("Schreib mir bitte, wenn du Zeit hast"));
        assert!(foreign("Die Rückerstattung läuft über die Plattform"));
        assert!(!foreign("the café was great, thanks"));
        // Disguised English and long English texts with a few foreign names stay English.
        assert!(!foreign("реорlе like you shouldn't be allowed online"));
        assert!(!foreign(&format!(
            "{} José and Zoë said hi",
            "we shipped the new release today. ".repeat(20)
        )));
        assert!(!foreign("you are a pathetic clown and everyone knows it"));
        assert!(!foreign(""));
    }
}
