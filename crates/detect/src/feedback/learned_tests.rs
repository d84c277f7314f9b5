use super::*;
use crate::types::{Finding, ScanContext, Source};
use crate::{Scanner, ScannerConfig};

fn findings(text: &str) -> Vec<Finding> {
    let scanner = Scanner::new(ScannerConfig::only(&[Category::FeedbackPressure]));
    scanner.scan(text, &ScanContext::new(Source::Message))
}

fn model_findings(text: &str) -> Vec<Finding> {
    findings(text)
        .into_iter()
        .filter(|f| f.rule == "feedback.model")
        .collect()
}

fn gated(text: &str) -> Vec<String> {
    let d = Doc::new(text);
    gate(&d).map(|k| d.t.text(k).to_string()).collect()
}

#[test]
fn the_built_in_model_loads_and_its_second_head_is_unused() {
    let m = built_in().expect("the model in the repository reads");
    let bytes = m.to_bytes();
    assert_eq!(Model::from_bytes(&bytes).as_ref(), Ok(m.as_ref()));
    // Header: magic, version, bits, then 2 x (scale, bias, threshold); weights in pairs.
    let weights = bytes.get(30..).unwrap_or_default();
    assert!(weights.iter().skip(1).step_by(2).all(|&w| w == 0));
    assert!(weights.iter().step_by(2).any(|&w| w != 0));
    assert_eq!(m.head(Head::Harassment).bias, 0.0);
}

#[test]
fn the_gate_reads_rating_words_star_counts_and_symbols() {
    assert_eq!(gated("leave a review and I'll send it"), ["review"]);
    assert_eq!(gated("pls give 5* and i send the rest"), ["5"]);
    assert_eq!(gated("we agree on 5/5 for each other"), ["5"]);
    assert_eq!(
        gated("\u{2b50}\u{2b50}\u{2b50}\u{2b50}\u{2b50} ok?").len(),
        1
    );
    assert_eq!(gated("Déjame una buena reseña"), ["resena"]);
    assert_eq!(gated("eine 5-Sterne-Bewertung"), ["sterne", "bewertung"]);
    for none in [
        "Video edit\nCut a video.",
        "5 * 3 = 15",
        "4* is fine too",
        "page 5/6",
        "call me at 5",
        "",
    ] {
        assert!(gated(none).is_empty(), "{none}");
    }
    assert!(would_score("top marks from you"));
    assert!(!would_score("see you at 5"));
}

#[test]
fn everyday_texts_with_rating_words_stay_clean() {
    for ok in [
        "Video edit\nCut a video.",
        "Thanks for the 5 stars!",
        "please leave feedback when you have a moment",
        "I'll leave feedback once I check the files",
        "the app has a 4.5 star rating on the store",
        "code review done, see comments",
        "what is your hourly rate?",
        "Your feedback on the first draft was really helpful, I've updated the colours.",
        "Can you add a star rating widget to the product page?",
        "My rate is $45/hour, and I can start Monday.",
        "I'll review the pull request tonight and leave comments.",
        "Gracias por la reseña, fue un placer trabajar contigo.",
        "Danke für die gute Bewertung!",
    ] {
        assert!(findings(ok).is_empty(), "{ok}: {:?}", findings(ok));
    }
}

#[test]
fn pressure_the_rules_miss_is_found_by_the_model() {
    let stars = "\u{2b50}\u{2b50}\u{2b50}\u{2b50}\u{2b50}";
    let symbols = format!("{stars} from you = free revisions forever");
    // (text, rating word of the evidence, language): a reward, a threat, a swap, star symbols, and
    // deals in Spanish and German, none of which a rule reads.
    for (text, word, lang) in [
        (
            "Make it worth my while and my review will reflect it",
            "review",
            "en",
        ),
        (
            "A glowing review from you would get you the next 3 logos at cost",
            "review",
            "en",
        ),
        (
            "Give me five stars or I'll tell everyone you're a fraud",
            "stars",
            "en",
        ),
        (
            "Let's both give each other top marks and move on",
            "marks",
            "en",
        ),
        (symbols.as_str(), stars, "en"),
        (
            "Déjame 5 estrellas y te hago otro logo gratis",
            "estrellas",
            "es",
        ),
        (
            "Gib mir eine gute Bewertung, dann bekommst du 20 Euro zurück",
            "Bewertung",
            "de",
        ),
    ] {
        let f = model_findings(text);
        assert_eq!(f.len(), 1, "{text}: {:?}", findings(text));
        let f = &f[0];
        assert_eq!(f.kind, Kind::RatingPressure);
        assert_eq!(&text[f.start..f.end], word, "{text}");
        assert_eq!(f.language, Some(lang), "{text}");
        assert!((0.5..1.0).contains(&f.confidence));
    }
}

#[test]
fn without_a_model_only_the_rules_speak() {
    let scanner = Scanner::new(ScannerConfig {
        feedback_model: None,
        ..ScannerConfig::only(&[Category::FeedbackPressure])
    });
    let ctx = ScanContext::new(Source::Message);
    let text = "Make it worth my while and my review will reflect it";
    assert!(scanner.scan(text, &ctx).is_empty());
}

#[test]
fn the_rules_keep_their_findings_and_the_model_adds_none_beside_them() {
    let f = findings("I'll give you a 20% discount if you leave a 5 star review");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule, "feedback.incentive");
}

#[test]
fn the_language_is_told_by_markers_and_rating_words() {
    let lang = |s: &str| language(&Doc::new(s)).code();
    assert_eq!(
        lang("Si me dejas 5 estrellas te hago las correcciones gratis"),
        "es"
    );
    assert_eq!(
        lang("Wenn du mir 5 Sterne gibst, mache ich die Korrekturen kostenlos."),
        "de"
    );
    assert_eq!(
        lang("Se você me der 5 estrelas eu faço mais duas artes de graça"),
        "pt"
    );
    assert_eq!(
        lang("Si tu me laisses 5 étoiles, je te fais la version anglaise"),
        "fr"
    );
    assert_eq!(lang("hola! leave me a good review please"), "en");
    assert_eq!(lang("gracias for the review, amigo"), "en");
}
