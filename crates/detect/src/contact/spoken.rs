//! Numbers read out in words (issue 19): digits ("cinco", "neuf"), and the pairs phone numbers are
//! read in — "twenty one", "treinta y cuatro", "trinta e quatro", "trente-quatre", "vingt et un",
//! "zweiundvierzig" — including French 70 to 99, which is built from 60 and 80: "soixante-dix"
//! (70), "soixante et onze" (71), "quatre-vingts" (80), "quatre-vingt-dix-neuf" (99). Read one word
//! at a time those gave the digits of each part ("soixante-dix" was 6010).

use crate::doc::Doc;
use crate::lexicon::{german_pair, number_langs, number_value, number_word_in_run_only};
use crate::tokens::Tokens;

/// A number read from words: its value (0..=99), the token after it and its languages (bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Spoken {
    pub value: u8,
    pub next: usize,
    pub langs: u8,
}

impl Spoken {
    /// The digits of the value: one for 0..=9, two above.
    pub fn digits(self) -> String {
        self.value.to_string()
    }
}

/// True when token `i` is a hyphen glued to the words on both sides ("trente-quatre").
fn glued_hyphen(t: &Tokens, i: usize) -> bool {
    t.is_sym(i, b'-')
        && t.toks.get(i).is_some_and(|x| !x.space_before)
        && t.toks.get(i + 1).is_some_and(|x| !x.space_before)
}

/// The token after an optional glued hyphen at `i`.
fn after_hyphen(t: &Tokens, i: usize) -> usize {
    if glued_hyphen(t, i) { i + 1 } else { i }
}

/// A number word at token `i` with a value in `range`, as (value, languages).
fn word_in(t: &Tokens, i: usize, range: std::ops::RangeInclusive<u8>) -> Option<(u8, u8)> {
    let w = t.text(i);
    number_value(w)
        .filter(|v| range.contains(v))
        .map(|v| (v, number_langs(w)))
}

/// A French teen at token `i`: "dix" .. "seize", or "dix-sept", "dix-huit", "dix-neuf" (also
/// written with a space; a comma keeps them apart: "dix, neuf" is counting).
fn french_teen(t: &Tokens, i: usize) -> Option<(u8, usize)> {
    let w = t.text(i);
    if w == "dix" {
        let u = after_hyphen(t, i + 1);
        if let Some((v, _)) = word_in(t, u, 7..=9) {
            return Some((10 + v, u + 1));
        }
        return Some((10, i + 1));
    }
    matches!(
        w,
        "onze" | "douze" | "treize" | "quatorze" | "quinze" | "seize"
    )
    .then(|| number_value(w).map(|v| (v, i + 1)))
    .flatten()
}

/// Reads the number in words starting at token `i`. `in_run` is set when digits come before it
/// (the words of [`number_word_in_run_only`] only count then).
pub(crate) fn read(d: &Doc<'_>, i: usize, in_run: bool) -> Option<Spoken> {
    let t = &d.t;
    let w = t.text(i);
    if let Some(v) = german_pair(w.as_bytes()) {
        return Some(Spoken {
            value: v,
            next: i + 1,
            langs: crate::lang::DE,
        });
    }
    let mut value = number_value(w)?;
    if !in_run && number_word_in_run_only(w) {
        return None;
    }
    let mut langs = number_langs(w);
    let mut at = i + 1;
    // "dix-sept", "dix-huit", "dix-neuf".
    if w == "dix"
        && let Some((v, next)) = french_teen(t, i)
    {
        value = v;
        at = next;
    }
    // "quatre-vingt(s)": 80, with or without the hyphen.
    let vingt = after_hyphen(t, i + 1);
    if w == "quatre" && matches!(t.text(vingt), "vingt" | "vingts") {
        value = 80;
        at = vingt + 1;
    }
    // "quatre-vingts" (with the s) is exactly 80: 81 to 99 are "quatre-vingt-…".
    let french_60_80 = w == "soixante" || value == 80 && w == "quatre" && t.text(at - 1) == "vingt";
    if w == "quatre" && t.text(at - 1) == "vingts" {
        return Some(Spoken {
            value,
            next: at,
            langs,
        });
    }
    if value >= 20 && value % 10 == 0 {
        // What joins the unit: a glued hyphen, a space, "y" (es), "e" (pt), "et" (fr) or "-et-".
        let mut u = after_hyphen(t, at);
        if matches!(t.text(u), "y" | "e" | "et") {
            u = after_hyphen(t, u + 1);
        }
        let teen = if french_60_80 {
            french_teen(t, u)
        } else {
            None
        };
        if let Some((v, next)) = teen {
            // "soixante-dix-huit" is 78, "quatre-vingt-onze" 91.
            value += v;
            at = next;
            langs = crate::lang::FR;
        } else if let Some((v, ul)) = word_in(t, u, 1..=9) {
            value += v;
            at = u + 1;
            // The languages both words share ("vingt et un" is French, not Spanish).
            langs = if langs & ul != 0 { langs & ul } else { langs };
        }
    }
    Some(Spoken {
        value,
        next: at,
        langs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The values read one after the other, each from where the previous one ended.
    fn values(s: &str) -> Vec<u8> {
        let d = Doc::new(s);
        let mut out = Vec::new();
        let mut i = 0;
        while i < d.t.len() {
            match read(&d, i, true) {
                Some(x) => {
                    out.push(x.value);
                    i = x.next;
                }
                None => i += 1,
            }
        }
        out
    }

    #[test]
    fn french_seventy_to_ninety_nine() {
        assert_eq!(values("soixante-dix"), [70]);
        assert_eq!(values("soixante et onze"), [71]);
        assert_eq!(values("soixante-douze"), [72]);
        assert_eq!(values("soixante-dix-sept"), [77]);
        assert_eq!(values("soixante-dix-huit"), [78]);
        assert_eq!(values("quatre-vingts"), [80]);
        assert_eq!(values("quatre-vingt-un"), [81]);
        assert_eq!(values("quatre-vingt-dix"), [90]);
        assert_eq!(values("quatre-vingt-onze"), [91]);
        assert_eq!(values("quatre-vingt-dix-neuf"), [99]);
        assert_eq!(values("quatre vingt dix neuf"), [99]);
        assert_eq!(values("septante-trois nonante-neuf"), [73, 99]);
        assert_eq!(values("dix-sept dix-huit dix-neuf dix"), [17, 18, 19, 10]);
        assert_eq!(values("vingt et un, trente-quatre"), [21, 34]);
        // "quatre" on its own stays 4.
        assert_eq!(values("quatre, deux"), [4, 2]);
    }

    #[test]
    fn pairs_in_the_other_languages() {
        assert_eq!(values("twenty one, forty-two"), [21, 42]);
        assert_eq!(values("treinta y cuatro, cincuenta y seis"), [34, 56]);
        assert_eq!(values("veintidós dieciséis"), [22, 16]);
        assert_eq!(values("trinta e quatro, noventa e nove"), [34, 99]);
        assert_eq!(
            values("zweiundvierzig dreiunddreißig neunzehn"),
            [42, 33, 19]
        );
        assert_eq!(values("EINUNDZWANZIG"), [21]);
    }

    #[test]
    fn connectors_are_only_read_before_a_unit() {
        // "y" with nothing after it, or a ten then another ten, are read apart.
        assert_eq!(values("treinta y"), [30]);
        assert_eq!(values("veinte treinta"), [20, 30]);
        assert_eq!(values("cinco y cinco"), [5, 5]);
    }

    #[test]
    fn languages_of_the_words() {
        let d = Doc::new("vingt et un");
        assert_eq!(read(&d, 0, false).map(|s| s.langs), Some(crate::lang::FR));
        let d = Doc::new("treinta y uno");
        assert_eq!(read(&d, 0, false).map(|s| s.langs), Some(crate::lang::ES));
        let d = Doc::new("once");
        assert_eq!(read(&d, 0, false), None);
    }
}
