//! The words the prefilter looks at, each with the bits of the detector conditions it takes part
//! in: one hash lookup per word instead of a dozen string matches.
//!
//! These lists mirror the detectors' own (`feedback::is_rating`, `requests::is_contact_noun`,
//! `lexicon::is_tld`, `lexicon::number_word`, the phrase words of `payment` and the threat words of
//! `abuse`). A word missing here would let the prefilter reject a text the detector finds
//! something in, so `tests.rs` reads the detectors' sources and checks every listed word is here.

use std::collections::HashMap;
use std::sync::LazyLock;

pub(super) use super::word_lists::*;
use crate::fxhash::FxBuild;
use crate::nametrie::{BRAND_NAME, CONTACT_NAME, Names};

// Contact info and feedback: read word by word, in order.
pub(super) const RATING: u64 = 1 << 0;
/// A number word or a multiplier: up to 3 digits of a phone number.
pub(super) const NUM: u64 = 1 << 1;
pub(super) const NOUN: u64 = 1 << 2;
pub(super) const YOUR: u64 = 1 << 3;
pub(super) const AT: u64 = 1 << 4;
pub(super) const SCHEME: u64 = 1 << 5;
pub(super) const TLD: u64 = 1 << 6;

// Off-platform payment without a brand: only whether the words occur at all.
pub(super) const PAY_WORD: u64 = 1 << 7;
pub(super) const PERSONAL: u64 = 1 << 8;
/// Phrase anchors that need nothing else: "directly", "outside", "offline".
pub(super) const ALONE: u64 = 1 << 9;
pub(super) const DIRECT: u64 = 1 << 10;
pub(super) const DIRECT_NEXT: u64 = 1 << 11;
pub(super) const OFF: u64 = 1 << 12;
pub(super) const PLATFORM: u64 = 1 << 13;
pub(super) const AVOID: u64 = 1 << 14;
pub(super) const FEE: u64 = 1 << 15;
pub(super) const CLOSE: u64 = 1 << 16;
pub(super) const CONTRACT: u64 = 1 << 17;
pub(super) const BETWEEN: u64 = 1 << 18;
pub(super) const US: u64 = 1 << 19;
pub(super) const NEED: u64 = 1 << 20;
pub(super) const NO: u64 = 1 << 21;
pub(super) const MILESTONE: u64 = 1 << 22;

// Threats and self-harm incitement: only whether the words occur at all.
pub(super) const KYS: u64 = 1 << 23;
pub(super) const SELF_VERB: u64 = 1 << 24;
pub(super) const YOURSELF: u64 = 1 << 25;
pub(super) const DIE: u64 = 1 << 26;
pub(super) const WATCH: u64 = 1 << 27;
pub(super) const BACK: u64 = 1 << 28;
pub(super) const KNOW: u64 = 1 << 29;
pub(super) const WHERE: u64 = 1 << 30;
pub(super) const REGRET: u64 = 1 << 31;
pub(super) const PAY: u64 = 1 << 32;
pub(super) const FOR: u64 = 1 << 33;
pub(super) const THIS: u64 = 1 << 34;
pub(super) const YOU: u64 = 1 << 35;
pub(super) const DEAD: u64 = 1 << 36;
pub(super) const ARE: u64 = 1 << 37;
pub(super) const LIFE: u64 = 1 << 38;
pub(super) const MAKE: u64 = 1 << 39;
pub(super) const HARM: u64 = 1 << 40;
pub(super) const TARGET: u64 = 1 << 41;
pub(super) const INTENT: u64 = 1 << 42;
pub(super) const SUBJECT: u64 = 1 << 43;
/// A filler word between the items of a phone number (`phone::separator`).
pub(super) const FILLER: u64 = 1 << 44;
// Contact requests (`requests::contact_requests`): nouns that need something more.
/// "number", "num": only right after "your".
pub(super) const NOUN_NUMBER: u64 = 1 << 45;
/// "phone", "cell", "mobile": only before "number" ("your phone" is the device).
pub(super) const NOUN_DEVICE: u64 = 1 << 46;
pub(super) const AFTER_DEVICE: u64 = 1 << 47;
/// "address", "personal", "private", "direct", "no": only before "email", "number"...
pub(super) const NOUN_DETAIL: u64 = 1 << 48;
pub(super) const AFTER_DETAIL: u64 = 1 << 49;
// Spanish, Portuguese, French and German (issue 19).
/// A contact noun of `contact::intl::noun`: a request when it is one to three words after a
/// possessive ([`YOUR`] holds theirs too: "tu", "seu", "ton", "deine").
pub(super) const FNOUN: u64 = 1 << 50;
/// A Portuguese word the slang names of WhatsApp are read after (`contact::intl::slang_before`).
pub(super) const SLANG_BEFORE: u64 = 1 << 51;
/// "zap", "whats", "wpp" (`contact::intl::is_slang`): a request gate right after [`SLANG_BEFORE`].
pub(super) const SLANG: u64 = 1 << 52;
/// A pay word of `payment::intl::pay_word`.
pub(super) const INTL_PAY: u64 = 1 << 53;
/// An anchor of the outside phrases of `payment::intl::anchor`.
pub(super) const INTL_OUT: u64 = 1 << 54;
/// The number of five stars or a top mark ("5*", "5/5", "10/10"): with it, the feedback gate
/// reads the text's `*` and `/` after the pass (`feedback::learned::rating_marks`).
pub(super) const STAR_NUMBER: u64 = 1 << 55;
/// A dot word (`lexicon::is_dot_word`: "dot", "dt", "punto", "ponto", "point", "punkt"): a
/// top-level domain right after it may end a host ("site dot com").
pub(super) const DOT_WORD: u64 = 1 << 56;

/// The longest listed word, in bytes: longer words skip the lookup.
pub(super) const MAX_LEN: usize = 16;

/// An open-addressing table keyed by the word's bytes packed into a `u128` (words are at most
/// 16 bytes and never hold a NUL byte, so packing is one-to-one): one multiply and one compare per
/// lookup, where a `HashMap<&str, _>` hashed byte by byte and compared with `memcmp`. Words of one
/// or two characters are read from direct tables; longer words are first checked against their
/// first three characters, which rejects most of them (the first two did not: the common words
/// of a text share them with some listed word).
pub(super) struct Table {
    keys: Vec<u128>,
    bits: Vec<u64>,
    mask: usize,
    /// The bits of each one- and two-character word, by [`IDX`]: `short[c0 * 37 + c1]`, with
    /// `c1 = 36` for a one-character word.
    short: Box<[u64; 37 * 37]>,
    /// Four bits per three-character start `(c0 * 36 + c1) * 36 + c2`, sixteen starts to a word:
    /// [`LISTED`] shifted by the [`Filter`] when some listed word of three or more characters
    /// that the filter asks for starts so ([`Filter::Contact`] only counts words with bits the
    /// contact gate reads), and the kinds of name that may start at a word starting so
    /// ([`Names::may_start_word`], whose answer depends on the first three bytes only) shifted by
    /// [`NAME_SHIFT`]. One load answers both questions (separate bit sets cost a load each).
    starts: Box<[u64; STARTS_WORDS]>,
    names: Names,
    contact_names: Names,
}

/// The bit of [`Table::starts`] for [`Filter::All`]; the next one is for [`Filter::Contact`].
const LISTED: u64 = 1;
/// Where [`CONTACT_NAME`] and [`BRAND_NAME`] sit in a start's four bits.
const NAME_SHIFT: u32 = 2;
const STARTS_WORDS: usize = (36 * 36 * 36usize).div_ceil(16);

/// The four bits of start `i` in `starts`.
fn start_bits(starts: &[u64; STARTS_WORDS], i: usize) -> u64 {
    starts.get(i / 16).map_or(0xf, |x| x >> (i % 16 * 4) & 0xf)
}

/// Which words [`Table::word`] must not miss.
#[derive(Clone, Copy)]
pub(super) enum Filter {
    /// Every listed word.
    All = 0,
    /// Words with a [`CONTACT_BITS`] bit; the others may get 0.
    Contact = 1,
}

/// The bits the contact gate reads.
pub(super) const CONTACT_BITS: u64 = FNOUN
    | DOT_WORD
    | SLANG_BEFORE
    | SLANG
    | NUM
    | NOUN
    | YOUR
    | AT
    | SCHEME
    | TLD
    | FILLER
    | NOUN_NUMBER
    | NOUN_DEVICE
    | AFTER_DEVICE
    | NOUN_DETAIL
    | AFTER_DETAIL;

/// Index of an ASCII letter (either case, 0..26) or digit (26..36); 36 for any other byte.
const IDX: [u8; 256] = {
    let mut t = [36u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = match c {
            b'a'..=b'z' => c - b'a',
            b'A'..=b'Z' => c - b'A',
            b'0'..=b'9' => 26 + c - b'0',
            _ => 36,
        };
        b += 1;
    }
    t
};

pub(super) fn idx(b: u8) -> usize {
    usize::from(IDX[usize::from(b)])
}

fn slot(key: u128, mask: usize) -> usize {
    let x = (key as u64) ^ ((key >> 64) as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (x.wrapping_mul(0xD6E8_FEB8_6659_FD93) >> 40) as usize & mask
}

/// `w` (at most 16 bytes, ASCII letters and digits) packed and lower-cased.
#[inline]
pub(super) fn pack(w: &[u8]) -> u128 {
    let mut b = [0u8; 16];
    for (d, &c) in b.iter_mut().zip(w) {
        *d = c;
    }
    lower(u128::from_le_bytes(b), w.len())
}

/// Keeps the first `len` (1..=16) bytes of `k` and lower-cases them: for letters and digits,
/// setting bit 5 lower-cases a letter and keeps a digit.
#[inline]
fn lower(k: u128, len: usize) -> u128 {
    (k | 0x2020_2020_2020_2020_2020_2020_2020_2020) & MASKS.get(len).copied().unwrap_or(u128::MAX)
}

/// `MASKS[n]`: the low `n` bytes of a `u128` (a table: a variable 128-bit shift is slow).
const MASKS: [u128; 17] = {
    let mut m = [0u128; 17];
    let mut n = 1;
    while n < 17 {
        m[n] = (m[n - 1] << 8) | 0xff;
        n += 1;
    }
    m
};

/// Every listed word with its bits.
pub(super) fn listed_words() -> HashMap<&'static str, u64, FxBuild> {
    let mut m: HashMap<&'static str, u64, FxBuild> = HashMap::default();
    let lists: [(u64, &[&str]); 10] = [
        (RATING, RATING_WORDS),
        (NUM, NUMBER_WORDS),
        (NOUN, CONTACT_NOUNS),
        (TLD, TLDS),
        (PERSONAL, PERSONAL_WORDS),
        (PLATFORM, PLATFORM_WORDS),
        (HARM, HARM_VERBS),
        (FNOUN, FOREIGN_NOUNS),
        (INTL_PAY, FOREIGN_PAY_WORDS),
        (INTL_OUT, FOREIGN_ANCHORS),
    ];
    for (bit, words) in lists.iter().chain(OTHERS.iter()) {
        for w in words.iter() {
            *m.entry(w).or_default() |= bit;
        }
    }
    m
}

/// True when `w` can be one skeleton word the table holds: at most [`MAX_LEN`] lower-case
/// letters and digits ("i'll", "off-platform" cannot occur as one word).
pub(super) fn is_table_word(w: &str) -> bool {
    w.len() <= MAX_LEN
        && w.bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let m = listed_words();
    let size = (m.len() * 4).next_power_of_two();
    let mut t = Table {
        keys: vec![0; size],
        bits: vec![0; size],
        mask: size - 1,
        short: Box::new([0; 37 * 37]),
        starts: Box::new([0; STARTS_WORDS]),
        names: Names::get(),
        contact_names: Names::contact(),
    };
    // Letters stand for both cases here: `IDX` and the name folding both ignore case.
    let chars: Vec<u8> = (b'a'..=b'z').chain(b'0'..=b'9').collect();
    for (i0, &b0) in chars.iter().enumerate() {
        for (i1, &b1) in chars.iter().enumerate() {
            for (i2, &b2) in chars.iter().enumerate() {
                let i = (i0 * 36 + i1) * 36 + i2;
                let w = [b0, b1, b2];
                let kinds = u64::from(u8::from(t.contact_names.may_start_word(&w)) * CONTACT_NAME)
                    | u64::from(u8::from(t.names.may_start_word(&w)) * BRAND_NAME);
                if let Some(x) = t.starts.get_mut(i / 16) {
                    *x |= kinds << NAME_SHIFT << (i % 16 * 4);
                }
            }
        }
    }
    for (w, b) in m {
        if !is_table_word(w) {
            continue;
        }
        match *w.as_bytes() {
            [c0] => {
                if let Some(x) = t.short.get_mut(idx(c0) * 37 + 36) {
                    *x = b;
                }
                continue;
            }
            [c0, c1] => {
                if let Some(x) = t.short.get_mut(idx(c0) * 37 + idx(c1)) {
                    *x = b;
                }
                continue;
            }
            [c0, c1, c2, ..] => {
                let i = (idx(c0) * 36 + idx(c1)) * 36 + idx(c2);
                for (f, on) in [
                    (Filter::All, true),
                    (Filter::Contact, b & CONTACT_BITS != 0),
                ] {
                    if let (true, Some(x)) = (on, t.starts.get_mut(i / 16)) {
                        *x |= LISTED << (f as u32) << (i % 16 * 4);
                    }
                }
            }
            [] => continue,
        }
        let k = pack(w.as_bytes());
        let mut i = slot(k, t.mask);
        while t.keys.get(i).is_some_and(|&x| x != 0) {
            i = (i + 1) & t.mask;
        }
        if let (Some(ks), Some(bs)) = (t.keys.get_mut(i), t.bits.get_mut(i)) {
            *ks = k;
            *bs = b;
        }
    }
    t
});

impl Table {
    pub(super) fn get() -> &'static Table {
        &TABLE
    }

    /// The bits of the word `s[start..end]` (ASCII letters and digits, any case) — 0 for a word in
    /// no list, and possibly for a word none of whose bits `filter` asks for — and which kinds of
    /// name may start at it ([`Names::may_start_word`]: [`CONTACT_NAME`] for an app or provider
    /// key, [`BRAND_NAME`] for any key). Reads 16 bytes at once when the text has them.
    #[inline(always)]
    pub(super) fn word(&self, s: &[u8], start: usize, end: usize, filter: Filter) -> (u64, u8) {
        let len = end.saturating_sub(start);
        let w = s.get(start..end).unwrap_or(&[]);
        let kinds = |contact: bool, any: bool| {
            (CONTACT_NAME * u8::from(contact)) | (BRAND_NAME * u8::from(any))
        };
        match *w {
            [c0] => {
                let bits = self.short.get(idx(c0) * 37 + 36).copied().unwrap_or(0);
                (bits, CONTACT_NAME | BRAND_NAME)
            }
            [c0, c1] => {
                let bits = self.short.get(idx(c0) * 37 + idx(c1)).copied().unwrap_or(0);
                let name = kinds(
                    self.contact_names.may_start_word(w),
                    self.names.may_start_word(w),
                );
                (bits, name)
            }
            [c0, c1, c2, ..] => {
                let flags = start_bits(&self.starts, (idx(c0) * 36 + idx(c1)) * 36 + idx(c2));
                let name = (flags >> NAME_SHIFT) as u8;
                if len > MAX_LEN || flags & (LISTED << filter as u32) == 0 {
                    return (0, name);
                }
                let k = match s.get(start..start + 16) {
                    Some(b) => {
                        let mut a = [0u8; 16];
                        a.copy_from_slice(b);
                        lower(u128::from_le_bytes(a), len)
                    }
                    None => pack(w),
                };
                (self.lookup(k), name)
            }
            [] => (0, CONTACT_NAME | BRAND_NAME),
        }
    }

    /// The bits of word `w` (ASCII letters and digits, any case); 0 for a word in no list.
    #[cfg(test)]
    pub(super) fn bits(&self, w: &[u8]) -> u64 {
        self.word(w, 0, w.len(), Filter::All).0
    }

    #[inline]
    fn lookup(&self, k: u128) -> u64 {
        let mut i = slot(k, self.mask);
        loop {
            match self.keys.get(i) {
                Some(&x) if x == k => return self.bits.get(i).copied().unwrap_or(0),
                Some(&0) | None => return 0,
                Some(_) => i = (i + 1) & self.mask,
            }
        }
    }
}

/// True when `w` (any case) is a number word of the lists (`lexicon::number_word` and the
/// multipliers): the phone detector's fast "no" for the words it tries a number at, most of
/// which fail on their first three letters here without a string compare.
pub(crate) fn is_number_word(w: &str) -> bool {
    let b = w.as_bytes();
    Table::get().word(b, 0, b.len(), Filter::Contact).0 & NUM != 0
}

/// Bit `len` of `ANCHOR_SHAPES[c]`: some word of [`FOREIGN_ANCHORS`] starts with letter `c` and
/// has `len` bytes.
static ANCHOR_SHAPES: LazyLock<[u32; 26]> = LazyLock::new(|| {
    let mut m = [0u32; 26];
    for w in FOREIGN_ANCHORS {
        if let (Some(c), Some(bit)) = (
            w.bytes()
                .next()
                .and_then(|b| m.get_mut(usize::from(b.wrapping_sub(b'a')))),
            1u32.checked_shl(u32::try_from(w.len()).unwrap_or(32)),
        ) {
            *c |= bit;
        }
    }
    m
});

/// False when `w` (lower case) cannot be an anchor of the outside phrases of the other languages
/// (`payment::intl::anchor`, whose words [`FOREIGN_ANCHORS`] holds, a test checks): by its first
/// letter and length, which rejects nearly every English word in a few instructions.
pub(crate) fn may_be_intl_anchor(w: &str) -> bool {
    let b = w.as_bytes();
    let shapes = ANCHOR_SHAPES.get(usize::from(b.first().map_or(255, |c| c.wrapping_sub(b'a'))));
    shapes.is_some_and(|m| {
        m.checked_shr(u32::try_from(b.len()).unwrap_or(32))
            .unwrap_or(0)
            & 1
            != 0
    })
}

/// The bits of word `w` (0 for a word in no list).
#[cfg(test)]
pub(super) fn bits(w: &str) -> u64 {
    Table::get().bits(w.as_bytes())
}

#[cfg(test)]
pub(super) fn all_words() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = OTHERS
        .iter()
        .flat_map(|(_, ws)| ws.iter().copied())
        .collect();
    for l in [
        RATING_WORDS,
        NUMBER_WORDS,
        CONTACT_NOUNS,
        TLDS,
        PERSONAL_WORDS,
        PLATFORM_WORDS,
        HARM_VERBS,
        FOREIGN_NOUNS,
        FOREIGN_PAY_WORDS,
        FOREIGN_ANCHORS,
    ] {
        v.extend(l.iter().copied());
    }
    v
}
