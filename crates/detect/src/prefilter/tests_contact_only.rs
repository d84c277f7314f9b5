//! The contact-only pass gives the word pass's answer, on every text.

use super::contact_passes_agree as same;
use super::tests::{CASES, PIECES, apply, edit};

#[test]
fn every_case_gets_the_word_pass_answer() {
    for t in CASES.iter() {
        same(t).unwrap();
        same(&t.to_ascii_uppercase()).unwrap();
    }
}

/// Words cross the 64-byte blocks at every offset, and some are longer than a block.
#[test]
fn words_across_blocks_get_the_word_pass_answer() {
    for pad in 0..70 {
        for t in CASES.iter().step_by(7) {
            same(&format!("{}{t}", " ".repeat(pad))).unwrap();
            same(&format!("{}{t}", "x".repeat(pad))).unwrap();
        }
        same(&format!("{} 415 555 0100", "a".repeat(pad + 60))).unwrap();
        same(&format!("{} dot com", "9".repeat(pad + 60))).unwrap();
    }
    // Many cases in one text: the triggers of many blocks wait for phase 2 together.
    let all: String = CASES.iter().take(300).map(|t| format!("{t}\n")).collect();
    same(&all).unwrap();
}

#[test]
fn short_and_edge_texts_get_the_word_pass_answer() {
    for t in [
        "",
        " ",
        "a",
        "a b c",
        "a b c d",
        "i g",
        "i  g",
        "f b me",
        "x",
        "@",
        "a@",
        "my.com",
        "site . com",
        "dot com",
        "in",
        ". in",
        "(dot) me",
        "w h a t",
        "one two three four",
        "fouronefive fivefivefive",
        "zweiundvierzig",
        "your number",
        "tu número",
        // A one-character word glued to a leet symbol: the name walk reads it as a letter.
        "add me on l!ne",
        "my v!ber",
        "s!gnal me",
        "w h@ts app",
    ] {
        same(t).unwrap();
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]
    /// Cases with random edits (markers, digits, spaced letters, leet, look-alikes).
    #[test]
    fn edited_cases_get_the_word_pass_answer(
        case in 0usize..10_000,
        edits in proptest::collection::vec(edit(), 0..6),
    ) {
        let text = apply(&CASES[case % CASES.len()], &edits);
        proptest::prop_assert!(same(&text).is_ok(), "{}", same(&text).unwrap_err());
    }

    /// Texts of pieces, and of a small alphabet of short words, digits, spaces and symbols.
    #[test]
    fn generated_texts_get_the_word_pass_answer(
        picks in proptest::collection::vec(0usize..PIECES.len(), 0..40),
        noise in "([a-z]{1,3}|[0-9]{1,4}|[ .@()\\-\n!|$]{1,3}|at|dot|com|in|me|one|your|email|ig|fb){0,80}",
        bytes in "[\\x00-\\x7f]{0,200}",
    ) {
        let text: String = picks.iter().map(|&p| PIECES[p]).collect();
        proptest::prop_assert!(same(&text).is_ok(), "{}", same(&text).unwrap_err());
        proptest::prop_assert!(same(&noise).is_ok(), "{}", same(&noise).unwrap_err());
        proptest::prop_assert!(same(&bytes).is_ok(), "{}", same(&bytes).unwrap_err());
    }
}
