//! A conservative prefilter over the normalised skeleton: one pass over its bytes, no tokens, no
//! allocation beyond a small scratch key. It answers "could the contact-info (or the
//! feedback-pressure) detector report anything in this text?" and may only answer *no* when the
//! full pipeline would find nothing; most messages get a *no* and skip tokenising and the detectors.
//!
//! Why it is conservative. When no letters are merged (a run of 4 or more one-character words,
//! which this pass detects and then lets everything through), the tokenizer's words are exactly
//! the skeleton's runs of ASCII letters and digits. Every contact finding needs one of:
//! - an e-mail "at" marker: `@`, a bracketed `(at)`/`[arroba]`, or a bare `at`/`arroba` — whose
//!   host then needs a top-level domain after a dot-like token (below) or a provider name;
//! - a host whose last label is a top-level domain right after a dot-like token (`.` glued on both
//!   sides or spaced on both sides, a closing bracket of `(dot)`/`[.]`, the word `dot`/`dt`), or a
//!   scheme word (`http`, `https`, `hxxp`, `hxxps`), or `skype` (for `skype:` URIs);
//! - an app or provider name (handles, invitations): checked with the same key folding as the name
//!   lookup ([`crate::lexicon::name_may_start`]);
//! - a request for details: `your`/`ur`/`yr` and, after it, a contact noun;
//! - a phone number of at least 7 digits: each word gives at most its length in digits when it has
//!   a digit (plain, leet or extension) and at most 3 when it is a number word (`double`,
//!   `triple`, `hundred`, `thousand`, `one`..`ninety`, `oh`/`o`); items are separated by symbols
//!   or one filler word, so two other words in a row end a run, and fewer than 7 such digits
//!   between two such breaks means no phone number.
//!
//! Feedback pressure returns early when no word is a rating word, so the same word scan decides it.

use crate::contact::apps::is_contact_noun;
use crate::feedback::is_rating;
use crate::lexicon::{is_tld, name_may_start, number_word};

/// Which detectors may find something in a skeleton.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Gates {
    pub contact: bool,
    pub feedback: bool,
}

impl Gates {
    pub(crate) const ALL: Gates = Gates {
        contact: true,
        feedback: true,
    };
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\t' | b'\r')
}

/// True when the word at `start` (a top-level domain) directly follows a dot-like token that could
/// join it to a host label.
fn after_dot(s: &[u8], start: usize) -> bool {
    let Some(p) = start.checked_sub(1) else {
        return false;
    };
    let Some(&b) = s.get(p) else { return false };
    match b {
        // Glued: "site.com" (the dot glued to a label before it) or "site(dot)com".
        b'.' => p
            .checked_sub(1)
            .and_then(|q| s.get(q))
            .is_some_and(u8::is_ascii_alphanumeric),
        b')' | b']' | b'}' | b'>' => true,
        _ if is_space(b) => {
            let mut q = p;
            while q > 0 && s.get(q).copied().is_some_and(is_space) {
                q -= 1;
            }
            match s.get(q).copied() {
                // Spaced: "site . com" (a space before the dot too).
                Some(b'.') => q
                    .checked_sub(1)
                    .and_then(|r| s.get(r))
                    .copied()
                    .is_some_and(is_space),
                Some(b')' | b']' | b'}' | b'>') => true,
                Some(c) if c.is_ascii_alphanumeric() => {
                    // "site dot com": the word before is "dot" or "dt".
                    let end = q + 1;
                    let mut a = q;
                    while a > 0 && s.get(a - 1).is_some_and(u8::is_ascii_alphanumeric) {
                        a -= 1;
                    }
                    matches!(s.get(a..end), Some(b"dot" | b"dt"))
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// True when the word at `start` follows an opening bracket (`(at)`, `[at]`): an obfuscated
/// e-mail marker, whose host needs no known top-level domain. A bare `at` needs one (or a provider
/// name), which the other checks see.
fn after_open_bracket(s: &[u8], start: usize) -> bool {
    let mut q = start;
    while q > 0 && s.get(q - 1).copied().is_some_and(is_space) {
        q -= 1;
    }
    q > 0 && matches!(s.get(q - 1), Some(b'(' | b'[' | b'{' | b'<'))
}

/// Decides which detectors can find something in the skeleton `skel` (the output of
/// [`crate::normalize::normalize`]). Linear in its length.
/// Only the wanted gates are computed; the others are `false`.
pub(crate) fn gates(skel: &str, want: Gates) -> Gates {
    let s = skel.as_bytes();
    if want.contact && s.contains(&b'@') {
        // An e-mail marker: contact info is possible; still decide feedback below.
        return Gates {
            contact: true,
            feedback: want.feedback
                && gates_words(
                    skel,
                    Gates {
                        contact: false,
                        feedback: true,
                    },
                )
                .feedback,
        };
    }
    gates_words(skel, want)
}

fn gates_words(skel: &str, want: Gates) -> Gates {
    let s = skel.as_bytes();
    // A detector not wanted counts as already decided.
    let mut contact = !want.contact;
    let mut feedback = false;
    let mut singles = 0usize;
    let mut digits = 0usize;
    let mut gap = false;
    let mut your = false;
    let mut noun = false;
    let mut i = 0;
    while i < s.len() {
        if !s.get(i).is_some_and(u8::is_ascii_alphanumeric) {
            i += 1;
            continue;
        }
        let start = i;
        let mut has_digit = false;
        while let Some(&b) = s.get(i) {
            if b.is_ascii_digit() {
                has_digit = true;
            } else if !b.is_ascii_alphabetic() {
                break;
            }
            i += 1;
        }
        // Both ends are ASCII bytes, so char boundaries: no UTF-8 validation needed.
        let Some(w) = skel.get(start..i) else {
            return Gates::ALL;
        };
        // Letters spaced or dotted apart may merge into other words: no claim at all.
        if w.len() == 1 {
            singles += 1;
            if singles >= 4 {
                return Gates::ALL;
            }
        } else {
            singles = 0;
        }
        if want.feedback && !feedback {
            feedback = is_rating(w);
        }
        if contact {
            continue;
        }
        // A phone run is items separated by symbols or by ONE filler word: two words in a row
        // that are not digit items end any run.
        if has_digit {
            digits += w.len();
            gap = false;
        } else if number_word(w).is_some()
            || matches!(w, "double" | "triple" | "hundred" | "thousand")
        {
            digits += 3;
            gap = false;
        } else {
            if gap {
                digits = 0;
            }
            gap = true;
        }
        // The contact noun comes after "your" (within two words).
        noun |= your && is_contact_noun(w);
        your |= matches!(w, "your" | "ur" | "yr");
        contact = digits >= 7
            || (your && noun)
            || (matches!(w, "at" | "arroba") && after_open_bracket(s, start))
            || matches!(w, "http" | "https" | "hxxp" | "hxxps" | "skype")
            || (after_dot(s, start) && is_tld(w))
            || name_may_start(s, start);
    }
    Gates {
        contact: contact && want.contact,
        feedback,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::normalize;

    fn g(s: &str) -> Gates {
        gates(normalize(s).as_str(), Gates::ALL)
    }

    #[test]
    fn ordinary_messages_are_rejected() {
        let n = g("Ok lar... Joking wif u oni... See you later, thanks for the lift!");
        assert!(!n.contact && !n.feedback);
    }

    #[test]
    fn suspicious_messages_pass() {
        for s in [
            "mail me a.b@c.com",
            "jdoe at gmail",
            "see site.io",
            "site . info",
            "site (dot) com",
            "four one five five five five one",
            "415 555 0100",
            "wh@ts app me",
            "P4yP4l",
            "send me your number",
            "w h a t s a p p",
        ] {
            assert!(g(s).contact, "{s}");
        }
        assert!(g("leave a good review").feedback);
    }

    /// The texts of a JSONL file of cases (`"text": "..."`, with JSON escapes).
    fn case_texts(jsonl: &str) -> Vec<String> {
        let mut out = Vec::new();
        for line in jsonl.lines() {
            let Some(p) = line.find("\"text\"") else {
                continue;
            };
            let rest = &line[p + 6..];
            let Some(q) = rest.find('"') else { continue };
            let mut chars = rest[q + 1..].chars();
            let mut s = String::new();
            while let Some(c) = chars.next() {
                match c {
                    '"' => break,
                    '\\' => match chars.next() {
                        Some('n') => s.push('\n'),
                        Some('t') => s.push('\t'),
                        Some('u') => {
                            let h: String = chars.by_ref().take(4).collect();
                            let v = u32::from_str_radix(&h, 16).unwrap();
                            s.push(char::from_u32(v).unwrap_or('\u{fffd}'));
                        }
                        Some(c) => s.push(c),
                        None => break,
                    },
                    c => s.push(c),
                }
            }
            out.push(s);
        }
        out
    }

    static CASES: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
        let mut v = case_texts(include_str!("../testdata/marketplace.jsonl"));
        v.extend(case_texts(include_str!(
            "../testdata/marketplace_holdout.jsonl"
        )));
        v
    });

    /// Pieces inserted at random places: evasions, markers, digits, look-alikes, separators.
    const PIECES: &[&str] = &[
        "@",
        " at ",
        "(at)",
        "[dot]",
        " dot ",
        ".",
        ". ",
        " . ",
        "com",
        ".com",
        "io",
        " info",
        "http://",
        "www.",
        "wa.me/",
        "skype:",
        "0",
        "1",
        "7",
        "42",
        " 5 ",
        "415",
        " one ",
        " oh ",
        "double",
        " two",
        "seven",
        "nine ",
        "w h a t s",
        " a p p",
        "wh@ts",
        "4pp",
        "p4yp4l",
        "t.e.l.e.g",
        "whats",
        "app",
        "gmail",
        "telegram",
        "insta",
        "your ",
        "ur ",
        "number",
        "email",
        "review",
        "rating",
        "feedback",
        "\u{ff20}",
        "\u{ff0e}",
        "\u{200b}",
        "\u{430}",
        "\u{2460}",
        "\u{1d5ee}",
        "-",
        "_",
        "'",
        "|",
        "$",
        "!",
        "\n",
        "  ",
        ")",
        "(",
        "]",
        "e",
    ];

    #[derive(Debug, Clone)]
    enum Edit {
        Insert(usize, usize),
        Delete(usize, usize),
        Upper(usize),
    }

    fn apply(text: &str, edits: &[Edit]) -> String {
        let mut s: Vec<char> = text.chars().collect();
        for e in edits {
            match *e {
                Edit::Insert(at, piece) => {
                    let at = at % (s.len() + 1);
                    let p = PIECES[piece % PIECES.len()];
                    s.splice(at..at, p.chars());
                }
                Edit::Delete(at, len) => {
                    if !s.is_empty() {
                        let a = at % s.len();
                        let b = (a + len % 6).min(s.len());
                        s.drain(a..b);
                    }
                }
                Edit::Upper(at) => {
                    if !s.is_empty() {
                        let a = at % s.len();
                        s[a] = s[a].to_ascii_uppercase();
                    }
                }
            }
        }
        s.into_iter().collect()
    }

    /// The check itself: a rejected text gives no finding of that detector, at any confidence.
    fn check(text: &str) -> Result<(), String> {
        let gates = g(text);
        if !gates.contact {
            let mut d = crate::doc::Doc::new(text);
            let allow = crate::contact::Allow {
                config: &[],
                context: &[],
            };
            crate::contact::detect(&mut d, &allow);
            if !d.findings.is_empty() {
                return Err(format!(
                    "contact rejected but found {:?}: {text:?}",
                    d.findings
                ));
            }
        }
        if !gates.feedback {
            let mut d = crate::doc::Doc::new(text);
            crate::feedback::detect(&mut d);
            if !d.findings.is_empty() {
                return Err(format!(
                    "feedback rejected but found {:?}: {text:?}",
                    d.findings
                ));
            }
        }
        Ok(())
    }

    #[test]
    fn every_case_with_a_finding_passes() {
        for t in CASES.iter() {
            check(t).unwrap();
        }
        assert!(CASES.len() >= 540);
    }

    fn edit() -> impl proptest::strategy::Strategy<Value = Edit> {
        use proptest::prelude::*;
        prop_oneof![
            4 => (any::<usize>(), any::<usize>()).prop_map(|(a, p)| Edit::Insert(a, p)),
            2 => (any::<usize>(), any::<usize>()).prop_map(|(a, l)| Edit::Delete(a, l)),
            1 => any::<usize>().prop_map(Edit::Upper),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]
        /// Marketplace cases with random insertions (markers, digits, spaced letters, leet,
        /// look-alikes), deletions and case changes: the prefilter never rejects a text in which
        /// the full pipeline finds something.
        #[test]
        fn prefilter_never_rejects_a_finding(
            case in 0usize..10_000,
            edits in proptest::collection::vec(edit(), 0..6),
        ) {
            let text = apply(&CASES[case % CASES.len()], &edits);
            proptest::prop_assert!(check(&text).is_ok(), "{}", check(&text).unwrap_err());
        }

        /// The same on texts made only of the pieces.
        #[test]
        fn prefilter_never_rejects_pieces(picks in proptest::collection::vec(0usize..PIECES.len(), 0..24)) {
            let text: String = picks.iter().map(|&p| PIECES[p]).collect();
            proptest::prop_assert!(check(&text).is_ok(), "{}", check(&text).unwrap_err());
        }
    }
}
