//! A conservative prefilter over the normalised skeleton: one pass over its words, no tokens, no
//! allocation. It answers "could this detector report anything in this text?" for contact info,
//! off-platform payment, abuse and feedback pressure, and may only answer *no* when the full
//! pipeline would find nothing. Most messages get a *no* from every detector and skip tokenising.
//!
//! Why it is conservative. When no letters are merged (a run of 4 or more one-character words,
//! which this pass detects and then lets everything through), the tokenizer's words are exactly
//! the skeleton's runs of ASCII letters and digits, so the detectors' word tests can be read off
//! those runs. Every finding needs one of the following.
//!
//! Contact info:
//! - an e-mail "at" marker: `@`, a bracketed `(at)`/`[arroba]`, or a bare `at`/`arroba` — whose
//!   host then needs a top-level domain after a dot-like token (below) or a provider name;
//! - a host whose last label is a top-level domain right after a dot-like token (`.` glued on both
//!   sides or spaced on both sides, a closing bracket of `(dot)`/`[.]`, the word `dot`/`dt`), or a
//!   scheme word (`http`, `https`, `hxxp`, `hxxps`), or `skype` (for `skype:` URIs);
//! - an app or provider name (handles, invitations): checked with the same key folding as the name
//!   lookup ([`crate::nametrie::names_at`]);
//! - a request for details: `your`/`ur`/`yr` and, after it, a contact noun;
//! - a phone number of at least 7 digits: each word gives at most its length in digits when it has
//!   a digit (plain, leet or extension) and at most 3 when it is a number word (`double`,
//!   `triple`, `hundred`, `thousand`, `one`..`ninety`, `oh`/`o`); items are separated by symbols
//!   or one filler word, so two other words in a row end a run, and fewer than 7 such digits
//!   between two such breaks means no phone number.
//!
//! Off-platform payment: a brand name (the same trie walk); an IBAN's start (two letters, two
//! digits); 12 digits in words with digits (a card); a word of 26 characters or more (a crypto
//! address); or, for intent without a brand, a pay word, a personal word and one of the phrases of
//! `payment::outside_phrase`, each reduced to the words it cannot do without.
//!
//! Abuse: a written word (letters glued with mask symbols, as `abuse::words` builds them) that
//! [`crate::abuse::may_match`] lets through, or the words a threat phrase cannot do without.
//!
//! Feedback pressure returns early when no word is a rating word.

mod words;

use words::*;

use crate::abuse::may_match;
use crate::nametrie::{BRAND_NAME, CONTACT_NAME, Names};

/// Which detectors may find something in a skeleton.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Gates {
    pub contact: bool,
    pub payment: bool,
    /// Harassment and profanity (one detector).
    pub abuse: bool,
    pub feedback: bool,
}

impl Gates {
    #[cfg(test)]
    pub(crate) const ALL: Gates = Gates {
        contact: true,
        payment: true,
        abuse: true,
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

const LETTER: u8 = 1;
const DIGIT: u8 = 2;
/// [`LETTER`] or [`DIGIT`] for ASCII letters and digits, 0 for any other byte.
const BYTE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphabetic() {
            LETTER
        } else if c.is_ascii_digit() {
            DIGIT
        } else {
            0
        };
        b += 1;
    }
    t
};

/// True when all of `bits` occur.
fn all(seen: u64, bits: u64) -> bool {
    seen & bits == bits
}

/// Intent to pay outside without a brand: a pay word, a personal word and a phrase anchor with
/// the words its phrase needs (`payment::outside_phrase`).
fn outside_intent(seen: u64) -> bool {
    all(seen, PAY_WORD | PERSONAL)
        && (seen & ALONE != 0
            || all(seen, DIRECT | DIRECT_NEXT)
            || all(seen, OFF | PLATFORM)
            || all(seen, AVOID | FEE)
            || all(seen, CLOSE | CONTRACT)
            || all(seen, BETWEEN | US)
            || all(seen, NEED | NO) && seen & (PLATFORM | MILESTONE) != 0)
}

/// The words every threat or self-harm phrase of `abuse::threats` needs.
fn threat(seen: u64) -> bool {
    seen & (KYS | DIE | REGRET | DEAD) != 0
        || all(seen, SELF_VERB | YOURSELF)
        || all(seen, WATCH | BACK)
        || all(seen, KNOW | WHERE)
        || all(seen, PAY | FOR | THIS | YOU)
        || all(seen, DEAD | ARE)
        || all(seen, LIFE | MAKE)
        || all(seen, HARM | TARGET | INTENT | SUBJECT)
}

/// Bytes the abuse detector glues into one written word: letters, digits and mask symbols.
fn is_glue(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'*' | b'#' | b'@' | b'$' | b'!' | b'%' | b'.' | b'_' | b'-' | b'\'' | b'~' | b'+'
        )
}

/// True when some written word of the skeleton may be a list word. Mirrors `abuse::words`: a
/// word starts at a letter/digit or at a mask symbol glued to one, runs over glued bytes, and
/// loses trailing punctuation. Runs over 40 bytes (which the detector may split) pass.
fn abuse_word(skel: &str) -> bool {
    let s = skel.as_bytes();
    let mut i = 0;
    while i < s.len() {
        if !s.get(i).copied().is_some_and(is_glue) {
            i += 1;
            continue;
        }
        let run = i;
        while s.get(i).copied().is_some_and(is_glue) {
            i += 1;
        }
        let start = (run..i).find(|&p| {
            s.get(p).is_some_and(u8::is_ascii_alphanumeric)
                || matches!(s.get(p), Some(b'*' | b'#' | b'@' | b'$' | b'!' | b'%'))
                    && s.get(p + 1).is_some_and(u8::is_ascii_alphanumeric)
        });
        let Some(start) = start else { continue };
        if i - start > 40 {
            return true;
        }
        let mut end = i;
        while end > start + 1
            && matches!(
                s.get(end - 1),
                Some(b'.' | b'!' | b'-' | b'_' | b'\'' | b'~' | b'+')
            )
        {
            end -= 1;
        }
        // Both ends are ASCII bytes, so char boundaries.
        let w = skel.get(start..end).unwrap_or("");
        if w.len() >= 2 && may_match(w) {
            return true;
        }
    }
    false
}

/// Decides which of the wanted detectors can find something in the skeleton `skel` (the output
/// of [`crate::normalize::normalize`]); the others are `false`. Linear in its length.
pub(crate) fn gates(skel: &str, want: Gates) -> Gates {
    let s = skel.as_bytes();
    let mut contact = want.contact && s.contains(&b'@');
    let mut payment = false;
    let mut feedback = false;
    let mut seen = 0u64;
    let mut singles = 0usize;
    let mut digits = 0usize;
    let mut digit_words = 0usize;
    let mut gap = false;
    let mut your = false;
    let mut noun = false;
    let names = Names::get();
    let mut i = 0;
    while i < s.len() {
        if s.get(i).is_none_or(|&b| BYTE[usize::from(b)] == 0) {
            i += 1;
            continue;
        }
        let start = i;
        let mut kinds = 0u8;
        while let Some(&b) = s.get(i) {
            let k = BYTE[usize::from(b)];
            if k == 0 {
                break;
            }
            kinds |= k;
            i += 1;
        }
        let has_digit = kinds & DIGIT != 0;
        // Both ends are ASCII bytes, so char boundaries: no UTF-8 validation needed.
        let Some(w) = skel.get(start..i) else {
            return want;
        };
        // Letters spaced or dotted apart may merge into other words: no claim at all.
        if w.len() == 1 {
            singles += 1;
            if singles >= 4 {
                return want;
            }
        } else {
            singles = 0;
        }
        let bits = bits(w);
        seen |= bits;
        feedback |= bits & RATING != 0;
        let contact_open = want.contact && !contact;
        let payment_open = want.payment && !payment;
        if contact_open {
            // A phone run is items separated by symbols or by ONE filler word: two words in a
            // row that are not digit items end any run.
            if has_digit {
                digits += w.len();
                gap = false;
            } else if bits & NUM != 0 {
                digits += 3;
                gap = false;
            } else {
                if gap {
                    digits = 0;
                }
                gap = true;
            }
            // The contact noun comes after "your" (within two words).
            noun |= your && bits & NOUN != 0;
            your |= bits & YOUR != 0;
            contact = digits >= 7
                || (your && noun)
                || (bits & AT != 0 && after_open_bracket(s, start))
                || bits & SCHEME != 0
                || (bits & TLD != 0 && after_dot(s, start));
        }
        if payment_open {
            if has_digit {
                digit_words += w.len();
            }
            let b = w.as_bytes();
            payment = digit_words >= 12
                || w.len() >= 26
                || (b.len() >= 4
                    && b.first().is_some_and(u8::is_ascii_alphabetic)
                    && b.get(1).is_some_and(u8::is_ascii_alphabetic)
                    && b.get(2).is_some_and(u8::is_ascii_digit)
                    && b.get(3).is_some_and(u8::is_ascii_digit));
        }
        let names_want = if want.contact && !contact {
            CONTACT_NAME
        } else {
            0
        } | if want.payment && !payment {
            BRAND_NAME
        } else {
            0
        };
        if names_want != 0 {
            let found = names.at(s, start, names_want);
            contact |= found & CONTACT_NAME != 0;
            payment |= found & BRAND_NAME != 0;
        }
    }
    let abuse = want.abuse && (threat(seen) || abuse_word(skel));
    Gates {
        contact: contact && want.contact,
        payment: want.payment && (payment || outside_intent(seen)),
        abuse,
        feedback: feedback && want.feedback,
    }
}

#[cfg(test)]
mod tests;
