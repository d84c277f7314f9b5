//! A conservative prefilter over the normalised skeleton: one pass over its words, no tokens, no
//! allocation. It answers "could this detector report anything in this text?" for contact info,
//! off-platform payment, abuse and feedback pressure, and may only answer *no* when the full
//! pipeline would find nothing. Most messages get a *no* from every detector and skip tokenising.
//! With contact info alone wanted, `contact_only` gives the same answers faster.
//!
//! Why it is conservative. When no letters are merged (a run of 4 or more one-character words, or
//! of 3 letters that spell a number word, which this pass detects and then lets everything
//! through), the tokenizer's words are exactly
//! the skeleton's runs of ASCII letters and digits, so the detectors' word tests can be read off
//! those runs. Every finding needs one of the following.
//!
//! Contact info:
//! - an e-mail "at" marker: `@`, a bracketed `(at)`/`[arroba]`, or a bare `at`/`arroba`/`arobase`
//!   — whose host then needs a top-level domain after a dot-like token (below) or a provider name;
//! - a host whose last label is a top-level domain right after a dot-like token (`.` glued on both
//!   sides or spaced on both sides, a closing bracket of `(dot)`/`[.]`, a dot word: `dot`, `dt`,
//!   `punto`, `ponto`, `point`, `punkt`), or a scheme word (`http`, `https`, `hxxp`, `hxxps`), or
//!   `skype` (for `skype:` URIs);
//! - an app or provider name (handles, invitations): checked with the same key folding as the name
//!   lookup ([`crate::nametrie::names_at`]);
//! - a request for details: `your`/`ur`/`yr` and, one or two words after it, a contact noun (with
//!   the word after the noun that some nouns need: "phone number", "personal email"); in Spanish,
//!   Portuguese, French and German a possessive ("tu", "seu", "ton", "deine") and one to three
//!   words after it a contact noun of theirs ("tus datos de contacto"), or a Brazilian slang name
//!   of WhatsApp right after the word it is read after ("no zap", "tem whats");
//! - a phone number of at least 7 digits: each word gives at most its length in digits when it has
//!   a digit (plain, leet or extension) and at most 3 when it is a number word (`double`,
//!   `triple`, `hundred`, `thousand`, `one`..`ninety`, `oh`/`o`); items are separated by symbols
//!   (up to two, or eight once three digits are read) or one filler word (`and`, `dash`..., and
//!   the `y`/`e`/`et` that join "treinta y cuatro"), so two other words in a row end a run, and
//!   fewer than 7 such digits between two such breaks means no phone number. The number words
//!   are those of the five languages, and a German one-word pair ("zweiundvierzig") counts as one.
//!
//! Each of these reasons opens only the contact detectors that can use it (the `C_*` bits of
//! [`Gates::contact_parts`]); the scanner runs only those.
//!
//! Off-platform payment: a brand name (the same trie walk); an IBAN's start (two letters, two
//! digits); 12 digits in words with digits (a card); a word of 26 characters or more (a crypto
//! address); or, for intent without a brand, a pay word, a personal word and one of the phrases of
//! `payment::outside_phrase`, each reduced to the words it cannot do without — or, in the other
//! languages, a pay word and an anchor of `payment::intl` ("paga" and "fora").
//!
//! Abuse: a written word (letters glued with mask symbols, as `abuse::words` builds them) that
//! [`crate::abuse::may_match`] lets through, or the words a threat phrase cannot do without.
//!
//! Feedback pressure (the rules and the learned head's gate, `feedback::learned::gate`): a rating
//! word; five stars or a top mark ("5*", "5/5", "10/10": the text's `*` and `/` are read after the
//! pass when it has the word "5" or "10"); or, in a text that is not ASCII, a star symbol.

mod contact_only;
mod pass;
mod word_lists;
mod words;

use pass::gates_for;
use words::*;
pub(crate) use words::{is_number_word, may_be_intl_anchor};

use crate::abuse::may_match;
use crate::lexicon::german_pair;
use crate::nametrie::{BRAND_NAME, CONTACT_NAME, Names};

/// Which detectors may find something in a skeleton.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Gates {
    pub contact: bool,
    pub payment: bool,
    /// Harassment and profanity (one detector).
    pub abuse: bool,
    pub feedback: bool,
    /// Which contact detectors may find something (`C_*` bits): the others are skipped.
    pub contact_parts: u8,
}

/// The phone detector: 7 digits or more.
pub(crate) const C_PHONE: u8 = 1;
/// The e-mail detector: an `@`, an "at"/"arroba" word, or an app or provider name.
pub(crate) const C_EMAIL: u8 = 2;
/// The URL detector: a top-level domain after a dot-like token, or a scheme word.
pub(crate) const C_URL: u8 = 4;
/// Handles, invitations and requests (`apps`): a name, or a request for details.
pub(crate) const C_APPS: u8 = 8;
/// An app or provider name occurs: without it (and without payment) the names are not looked up.
pub(crate) const C_NAMES: u8 = 16;
/// A request or slang app name of another language (`contact::intl`): a possessive before a
/// contact noun of theirs ("tu número"), or "no zap"; `apps` runs those passes only then.
pub(crate) const C_INTL: u8 = 32;
pub(crate) const C_ALL: u8 = 63;

impl Gates {
    /// `self` with every contact detector on when contact info is.
    pub(crate) fn full(self) -> Gates {
        Gates {
            contact_parts: if self.contact { C_ALL } else { 0 },
            ..self
        }
    }

    /// True when some detector may find something.
    pub(crate) fn any(self) -> bool {
        self.contact || self.payment || self.abuse || self.feedback
    }

    #[cfg(test)]
    pub(crate) const ALL: Gates = Gates {
        contact: true,
        payment: true,
        abuse: true,
        feedback: true,
        contact_parts: C_ALL,
    };
}

/// True when the last `singles` one-character words in a row, the last three of which are the
/// low three bytes of `spelled` (lower case), may merge into one word in the tokenizer
/// (`tokens::merge_spaced_letters`): four or more, or three letters that spell a number word
/// ("s i x", "o*n*e"). The words of this pass then no longer show the tokens.
fn letters_may_merge(singles: usize, spelled: u32) -> bool {
    singles >= 4 || singles == 3 && spells_number(spelled)
}

/// True when the low three bytes of `spelled` are letters that spell a number word
/// (`lexicon::number_word`, as `tokens::spells_number` reads them).
#[cold]
fn spells_number(spelled: u32) -> bool {
    let [_, a, b, c] = spelled.to_be_bytes();
    let word = [a, b, c];
    word.iter().all(u8::is_ascii_lowercase)
        && std::str::from_utf8(&word)
            .ok()
            .and_then(crate::lexicon::number_word)
            .is_some()
}

/// Whitespace as the skeleton has it (`normalize` turns control characters into spaces).
fn is_space(b: u8) -> bool {
    BYTE[usize::from(b)] & (SPACE | NEWLINE) != 0
}

/// True when the word at `start` (a top-level domain) directly follows a dot-like token that could
/// join it to a host label. `after_dot_word`: the word before it is a dot word (the word table's
/// [`DOT_WORD`]: "dot", "dt", "punto", "ponto", "point", "punkt").
fn after_dot(s: &[u8], start: usize, after_dot_word: bool) -> bool {
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
                // "site dot com": the word that ends here is a dot word.
                Some(c) if c.is_ascii_alphanumeric() => after_dot_word,
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

/// `@`, which makes the contact gate pass (an e-mail marker); also [`OTHER_SYM`].
const AT_SIGN: u8 = 1;
const DIGIT: u8 = 2;
/// Letters a phone item may hold besides digits: leet `o`, `l`, `i`, and `x` of an extension.
const PHONE_LETTER: u8 = 4;
/// A symbol that may separate the items of a phone number (`phone::separator`).
const PHONE_SEP: u8 = 8;
/// Whitespace other than a line break.
const SPACE: u8 = 16;
const NEWLINE: u8 = 32;
/// Any other letter.
const OTHER_LETTER: u8 = 64;
/// Any other symbol, and every non-ASCII byte: ends a phone number.
const OTHER_SYM: u8 = 128;
const WORD: u8 = DIGIT | PHONE_LETTER | OTHER_LETTER;
/// Byte classes (bits above), one bit set per byte (two for `@`), so that the byte loops only
/// OR them together. Letters of either case, so that an ASCII text can be checked before it is
/// normalised.
const BYTE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = match c {
            _ if matches!(c.to_ascii_lowercase(), b'o' | b'l' | b'i' | b'x') => PHONE_LETTER,
            b'a'..=b'z' | b'A'..=b'Z' => OTHER_LETTER,
            b'0'..=b'9' => DIGIT,
            b'-' | b'.' | b'/' | b'(' | b')' | b'[' | b']' | b',' | b'_' | b'*' | b'~' | b'|' => {
                PHONE_SEP
            }
            b'\n' => NEWLINE,
            // Control characters are spaces in the skeleton (`normalize::ascii_fold`).
            b' ' | 0x7f => SPACE,
            _ if c < 0x20 => SPACE,
            b'@' => AT_SIGN | OTHER_SYM,
            _ => OTHER_SYM,
        };
        b += 1;
    }
    t
};

/// What the previous word was to a phone number.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Phone {
    Item,
    /// A filler word right after an item ("four and two").
    Filler,
    Other,
}

/// First bytes of a digit or a digit word (either case), English or the first word of a German
/// pair ("zweiundvierzig"): one table look-up per word.
const DIGIT_WORD_START: [bool; 256] = {
    let mut t = [false; 256];
    let starts = b"0123456789zotfsendvaZOTFSENDVA";
    let mut i = 0;
    while i < starts.len() {
        t[starts[i] as usize] = true;
        i += 1;
    }
    t
};

fn may_start_digit_word(w: &[u8]) -> bool {
    w.first().is_some_and(|&b| DIGIT_WORD_START[usize::from(b)])
}

/// A word that is digit words glued together, maybe with digits ("fouronefive", "5five5"):
/// `phone::glued_digits` reads it as digits; or a German pair (`lexicon::german_pair`). Either
/// case; cheap for every other word (a length and first-three-letters check).
fn glued_number_words(w: &[u8]) -> bool {
    // A German pair is one number word of 13 letters or more: counted like glued words (its
    // length bounds its digits, loosely).
    if w.len() >= 13 && german_pair(w).is_some() {
        return true;
    }
    // Most words fail on their first three letters.
    let at = |i: usize| w.get(i).map_or(0, u8::to_ascii_lowercase);
    let starts = matches!(
        (at(0), at(1), at(2)),
        (b'z', b'e', b'r')
            | (b'o', b'n', b'e')
            | (b't', b'w', b'o')
            | (b't', b'h', b'r')
            | (b'f', b'o', b'u')
            | (b'f', b'i', b'v')
            | (b's', b'i', b'x')
            | (b's', b'e', b'v')
            | (b'e', b'i', b'g')
            | (b'n', b'i', b'n')
            | (b'0'..=b'9', _, _)
    );
    if w.len() < 4 || !starts {
        return false;
    }
    let (mut rest, mut words, mut digits) = (w, 0, 0);
    while let Some(&b) = rest.first() {
        if b.is_ascii_digit() {
            digits += 1;
            rest = &rest[1..];
            continue;
        }
        let candidates: &[&[u8]] = match b.to_ascii_lowercase() {
            b'z' => &[b"zero"],
            b'o' => &[b"one"],
            b't' => &[b"two", b"three"],
            b'f' => &[b"four", b"five"],
            b's' => &[b"six", b"seven"],
            b'e' => &[b"eight"],
            b'n' => &[b"nine"],
            _ => return false,
        };
        let Some(word) = candidates.iter().find(|c| {
            rest.get(..c.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(c))
        }) else {
            return false;
        };
        words += 1;
        rest = &rest[word.len()..];
    }
    words >= 2 || digits > 0 && words > 0
}

/// True when all of `bits` occur.
fn all(seen: u64, bits: u64) -> bool {
    seen & bits == bits
}

/// Intent to pay outside without a brand: a pay word, a personal word and a phrase anchor with
/// the words its phrase needs (`payment::outside_phrase`).
fn outside_intent(seen: u64) -> bool {
    // Spanish, Portuguese, French, German (`payment::intl`): a pay word and an anchor of theirs.
    all(seen, INTL_PAY | INTL_OUT)
        || all(seen, PAY_WORD | PERSONAL)
            && (seen & ALONE != 0
                || all(seen, DIRECT | DIRECT_NEXT)
                || all(seen, OFF | PLATFORM)
                || all(seen, AVOID | FEE)
                || all(seen, CLOSE | CONTRACT)
                || all(seen, BETWEEN | US)
                || all(seen, NEED | NO) && seen & (PLATFORM | MILESTONE) != 0
                // "no platform involved"
                || all(seen, NO | PLATFORM))
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
fn abuse_word(s: &[u8]) -> bool {
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
        // The skeleton is lower case; an ASCII original is lower-cased here (the run is at most
        // 40 ASCII bytes).
        let mut buf = [0u8; 40];
        let run = s.get(start..end).unwrap_or(&[]);
        for (d, &c) in buf.iter_mut().zip(run) {
            *d = c.to_ascii_lowercase();
        }
        let w = std::str::from_utf8(buf.get(..run.len()).unwrap_or(&[])).unwrap_or("");
        if w.len() >= 2 && may_match(w) {
            return true;
        }
    }
    false
}

/// Decides which of the wanted detectors can find something in the skeleton `skel` (the output
/// of [`crate::normalize::normalize`]) — or in an ASCII text before normalising, with the same
/// answer (checked by a property test): normalising ASCII only lower-cases it and turns control
/// characters into spaces, and every test here ignores case and reads control characters as
/// spaces. The detectors not wanted are `false`. Linear in the length.
pub(crate) fn gates(skel: &str, want: Gates) -> Gates {
    let mut g = gates_ascii(skel, want);
    // Star symbols ("⭐⭐⭐⭐⭐") name a rating for the feedback model's gate; they are not ASCII.
    if want.feedback && !g.feedback && !skel.is_ascii() {
        g.feedback = crate::feedback::learned::has_star_symbol(skel.as_bytes());
    }
    g
}

/// [`gates`] on a text known to be ASCII (the scanner has checked, and most texts are): the same
/// answer without looking for star symbols again.
pub(crate) fn gates_ascii(skel: &str, want: Gates) -> Gates {
    // One copy of the word pass per pair of wanted word-sequence detectors: with a detector's
    // state compiled out, the rest stays in registers (the contact-only pass spent most of its
    // time spilling and reloading the payment state).
    match (want.contact, want.payment) {
        // Contact info alone: its own pass, which runs the word step only where it can matter.
        (true, false) if !want.abuse && !want.feedback => contact_only::contact_only(skel, want),
        (true, false) => gates_for::<true, false>(skel, want),
        (false, true) => gates_for::<false, true>(skel, want),
        (true, true) => gates_for::<true, true>(skel, want),
        (false, false) => gates_for::<false, false>(skel, want),
    }
}

/// The contact-only pass ([`contact_only`]) and the word pass give the same gates on `text` as
/// written and on its skeleton; else what each gave.
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn contact_passes_agree(text: &str) -> Result<(), String> {
    let want = Gates {
        contact: true,
        payment: false,
        abuse: false,
        feedback: false,
        contact_parts: C_ALL,
    };
    let norm = crate::normalize::normalize(text);
    for t in [text, norm.as_str()] {
        let (fast, word) = (
            contact_only::contact_only(t, want),
            gates_for::<true, false>(t, want),
        );
        if fast != word {
            return Err(format!("contact-only {fast:?}, word pass {word:?}: {t:?}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_contact_only;
#[cfg(test)]
mod tests_dump;
