//! The app, provider and brand name keys of [`crate::lexicon`] as a trie, for the prefilter: which
//! kinds of name could start at a byte of the skeleton, without tokens.

use std::sync::LazyLock;

use crate::lexicon::{Lex, TABLE};

/// Kind bit of an app or mail-provider key (what the contact detectors read).
pub(crate) const CONTACT_NAME: u8 = 1;
/// Kind bit of a payment brand or rail key (what the payment detector reads).
pub(crate) const BRAND_NAME: u8 = 2;

/// What a skeleton byte does to a key: 0..36 a key character (its trie index), [`SKIP`] skipped,
/// [`STOP`] the end. The same folding as `lexicon::push_key` (leetspeak undone) and as
/// `find_names` joins pieces (`' - . _` and whitespace between pieces are skipped).
const CLASS: [u8; 256] = {
    let mut c = [STOP; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        c[b] = match byte {
            b'0' => b'o' - b'a',
            b'1' | b'!' | b'|' => b'i' - b'a',
            b'3' => b'e' - b'a',
            b'4' | b'@' => 0,
            b'5' | b'$' => b's' - b'a',
            b'7' => b't' - b'a',
            b'a'..=b'z' => byte - b'a',
            // Upper case as lower case: an ASCII text can be checked before normalising.
            b'A'..=b'Z' => byte - b'A',
            b'2' | b'6' | b'8' | b'9' => 26 + (byte - b'0'),
            // Control characters are spaces in the skeleton.
            b'\'' | b'-' | b'.' | b'_' | b' ' | 0x7f => SKIP,
            _ if byte < 0x20 => SKIP,
            _ => STOP,
        };
        b += 1;
    }
    c
};
const SKIP: u8 = 254;
const STOP: u8 = 255;

/// What a byte is to the tokenizer: a letter or digit ([`ALNUM`]), a symbol that is a token of
/// its own ([`PUNCT`]), or neither (whitespace, control characters, non-ASCII).
const TOKEN_BYTE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphanumeric() {
            ALNUM
        } else if c.is_ascii_punctuation() {
            PUNCT
        } else {
            0
        };
        b += 1;
    }
    t
};
const ALNUM: u8 = 1;
const PUNCT: u8 = 2;

/// The most tokens `lexicon::find_names` joins into one key.
pub(crate) const NAME_TOKENS: usize = 5;

/// True when the name walk skips byte `b` between pieces (`' - . _`, whitespace).
pub(crate) fn skipped_in_key(b: u8) -> bool {
    CLASS[usize::from(b)] == SKIP
}

/// The keys as a trie over `a-z0-9`.
struct Trie {
    /// Children of each node by [`trie_index`]; 0 = none (the root is never a child).
    next: Vec<[u16; 36]>,
    /// Kind bits of the key ending at each node (0: no key ends there).
    kinds: Vec<u8>,
    /// A key has a character outside `a-z0-9`: the prefilter then lets every text through.
    unsafe_keys: bool,
    /// `pairs[c0 * 36 + c1]`: some key starts with the (different) characters `c0`, `c1`.
    pairs: Vec<bool>,
    /// Bit `(c0 * 36 + c1) * 36 + c2` of `triples`: some key starts with `c0`, `c1`, `c2` (no
    /// two neighbours equal). Rejects far more words than `pairs`: most common words share their
    /// first two letters with some name, few their first three.
    triples: Vec<u64>,
    /// The names whose key ends at each node.
    lexes: Vec<Option<&'static [Lex]>>,
}

fn trie_index(c: u8) -> Option<u8> {
    match c {
        b'a'..=b'z' => Some(c - b'a'),
        b'0'..=b'9' => Some(26 + (c - b'0')),
        _ => None,
    }
}

/// Every key.
static TRIE: LazyLock<Trie> = LazyLock::new(|| build(CONTACT_NAME | BRAND_NAME));
/// The app and mail-provider keys alone: with payment off, the prefilter walks this smaller trie,
/// where a common word leaves it sooner than among the brand keys ("mon", "cas", "wis").
static CONTACT_TRIE: LazyLock<Trie> = LazyLock::new(|| build(CONTACT_NAME));

/// The trie of the keys with a name of one of the `kinds`.
fn build(kinds: u8) -> Trie {
    let mut t = Trie {
        next: vec![[0; 36]],
        kinds: vec![0],
        unsafe_keys: false,
        pairs: vec![false; 36 * 36],
        triples: vec![0; (36usize * 36 * 36).div_ceil(64)],
        lexes: vec![None],
    };
    let table: &'static _ = &*TABLE;
    for (k, lexes) in table.iter() {
        if lexes.iter().all(|l| kind_of(l) & kinds == 0) {
            continue;
        }
        let mut node = 0usize;
        for b in k.bytes() {
            let Some(x) = trie_index(b).map(usize::from) else {
                t.unsafe_keys = true;
                break;
            };
            let child = t
                .next
                .get(node)
                .and_then(|n| n.get(x))
                .copied()
                .unwrap_or(0);
            node = if child != 0 {
                usize::from(child)
            } else {
                let id = t.next.len();
                t.next.push([0; 36]);
                t.kinds.push(0);
                t.lexes.push(None);
                match (
                    t.next.get_mut(node).and_then(|n| n.get_mut(x)),
                    u16::try_from(id),
                ) {
                    (Some(slot), Ok(v)) => *slot = v,
                    _ => t.unsafe_keys = true,
                }
                id
            };
        }
        let bits = lexes.iter().fold(0u8, |acc, l| acc | kind_of(l)) & kinds;
        if let Some(f) = t.kinds.get_mut(node) {
            *f |= bits;
        }
        if let Some(l) = t.lexes.get_mut(node) {
            *l = Some(lexes.as_slice());
        }
    }
    for c0 in 0..36 {
        let n0 = t.next.first().and_then(|n| n.get(c0)).copied().unwrap_or(0);
        for c1 in 0..36 {
            let n1 = t
                .next
                .get(usize::from(n0))
                .and_then(|n| n.get(c1))
                .copied()
                .unwrap_or(0);
            if let Some(p) = t.pairs.get_mut(c0 * 36 + c1) {
                *p = n0 != 0 && n1 != 0;
            }
            for c2 in 0..36 {
                let n2 = t
                    .next
                    .get(usize::from(n1))
                    .and_then(|n| n.get(c2))
                    .copied()
                    .unwrap_or(0);
                let bit = (c0 * 36 + c1) * 36 + c2;
                if n0 != 0
                    && n1 != 0
                    && n2 != 0
                    && let Some(w) = t.triples.get_mut(bit / 64)
                {
                    *w |= 1 << (bit % 64);
                }
            }
        }
    }
    t
}

/// The kind bit of a name.
fn kind_of(l: &Lex) -> u8 {
    match l {
        Lex::App(..) | Lex::Provider(..) => CONTACT_NAME,
        Lex::Brand(..) => BRAND_NAME,
    }
}

/// The name trie, fetched once per text (a `LazyLock` access per word shows in profiles).
pub(crate) struct Names(&'static Trie);

impl Names {
    pub(crate) fn get() -> Names {
        Names(&TRIE)
    }

    /// The app and mail-provider keys alone, for the prefilter's walks with payment off
    /// (`find_names` reads the full trie).
    pub(crate) fn contact() -> Names {
        Names(&CONTACT_TRIE)
    }

    /// False when no key can start at a word whose first two bytes are `b0`, `b1` (both ASCII
    /// letters or digits): [`Names::at`] would then return 0. Most words stop here, so the
    /// prefilter calls `at` only for the rest. Two bytes folding to the same character (`ll`,
    /// `0o`) collapse into one key character, so they are never rejected here.
    #[inline]
    pub(crate) fn may_start(&self, b0: u8, b1: u8) -> bool {
        let (c0, c1) = (CLASS[usize::from(b0)], CLASS[usize::from(b1)]);
        self.0.unsafe_keys
            || c0 >= SKIP
            || c1 >= SKIP
            || c0 == c1
            || self
                .0
                .pairs
                .get(usize::from(c0) * 36 + usize::from(c1))
                .copied()
                .unwrap_or(true)
    }

    /// False when no key can start at the word `w` (ASCII letters and digits, the whole run):
    /// [`Names::at`] would then return 0. `at` looks a key up only at the end of a run, so a key
    /// found from `w` spans all of it: with three first bytes folding to characters `c0 c1 c2`
    /// (neighbours different, so no repeat collapses), the key starts with `c0 c1 c2`.
    #[inline]
    pub(crate) fn may_start_word(&self, w: &[u8]) -> bool {
        match *w {
            [b0, b1, b2, ..] => {
                let (c0, c1, c2) = (
                    CLASS[usize::from(b0)],
                    CLASS[usize::from(b1)],
                    CLASS[usize::from(b2)],
                );
                if self.0.unsafe_keys || c0 >= SKIP || c1 >= SKIP || c2 >= SKIP || c0 == c1 {
                    return true;
                }
                if c1 == c2 {
                    return self.may_start(b0, b1);
                }
                let bit = (usize::from(c0) * 36 + usize::from(c1)) * 36 + usize::from(c2);
                self.0
                    .triples
                    .get(bit / 64)
                    .is_none_or(|x| x >> (bit % 64) & 1 != 0)
            }
            [b0, b1] => self.may_start(b0, b1),
            _ => true,
        }
    }

    /// The kinds of name key (among `want`: [`CONTACT_NAME`], [`BRAND_NAME`]) that could start at
    /// byte `p` of the skeleton (the start of an ASCII letter/digit run). Walks the bytes the way
    /// `find_names` walks tokens (letters, digits and `@ $ ! |` go into the key, `' - . _` and
    /// whitespace are skipped, anything else ends it) but never stops earlier than it, so every
    /// key `find_names` can match from a token starting at `p` is seen here — where no letters
    /// merge into one token (the prefilter lets every text through where they may:
    /// `prefilter::letters_may_merge`). Returns `want` when unsure.
    ///
    /// `find_names` joins at most [`NAME_TOKENS`] tokens, so the walk ends after five times as
    /// many bytes' tokens (a token merged from three letters with separators between, "o-n-e",
    /// is five): without a bound a text of repeated letters ("ll ll ll…", which collapse into
    /// one key character) was walked to its end from every word, in time quadratic in its length.
    #[inline]
    pub(crate) fn at(&self, skel: &[u8], p: usize, want: u8) -> u8 {
        let trie = self.0;
        if trie.unsafe_keys {
            return want;
        }
        let rest = skel.get(p..).unwrap_or(&[]);
        let mut found = 0u8;
        let mut node = 0usize;
        let mut last = STOP;
        // Tokens begun so far: runs of letters and digits, and the symbols the tokenizer makes a
        // token of (`' - . _` and `@ $ ! |`; whitespace and control characters make none).
        let (mut tokens, mut in_run) = (0usize, false);
        for (i, &b) in rest.iter().enumerate() {
            let kind = TOKEN_BYTE[usize::from(b)];
            tokens += usize::from(kind == PUNCT || kind == ALNUM && !in_run);
            if tokens > NAME_TOKENS * 5 {
                break;
            }
            in_run = kind == ALNUM;
            let c = CLASS[usize::from(b)];
            if c == SKIP {
                continue;
            }
            if c == STOP {
                break;
            }
            // Repeated letters are collapsed, as in `push_key`.
            if last != c {
                last = c;
                // No key starts with the key so far (the trie holds every prefix of every key).
                match trie.next.get(node).and_then(|n| n.get(usize::from(c))) {
                    Some(&n) if n != 0 => node = usize::from(n),
                    _ => break,
                }
            }
            // `find_names` looks a key up after each whole word: at the end of a letter/digit run.
            if b.is_ascii_alphanumeric() && !rest.get(i + 1).is_some_and(u8::is_ascii_alphanumeric)
            {
                found |= trie.kinds.get(node).copied().unwrap_or(want) & want;
                if found == want {
                    break;
                }
            }
        }
        found
    }
}

/// A name key being built piece by piece, as `find_names` joins tokens: the trie node of the key
/// so far (the same key as `lexicon::push_key` builds, without building it).
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeyWalk {
    node: usize,
    /// The key so far is a prefix of some key.
    alive: bool,
    last: u8,
    /// Characters in the key so far (repeats collapsed).
    pub len: usize,
}

impl Names {
    /// An empty key.
    pub(crate) fn start(&self) -> KeyWalk {
        KeyWalk {
            node: 0,
            alive: true,
            last: STOP,
            len: 0,
        }
    }

    /// Appends a piece's characters (leetspeak undone, repeats collapsed; other characters are
    /// skipped, as in `push_key`). Returns false once the key is no prefix of any key.
    pub(crate) fn push(&self, k: &mut KeyWalk, piece: &str) -> bool {
        for b in piece.bytes() {
            let c = CLASS[usize::from(b)];
            if c >= SKIP || c == k.last {
                continue;
            }
            k.last = c;
            k.len += 1;
            if k.alive {
                match self.0.next.get(k.node).and_then(|n| n.get(usize::from(c))) {
                    Some(&n) if n != 0 => k.node = usize::from(n),
                    _ => k.alive = false,
                }
            }
        }
        k.alive
    }

    /// The names whose key is exactly the key so far.
    pub(crate) fn names(&self, k: &KeyWalk) -> Option<&'static [Lex]> {
        if !k.alive {
            return None;
        }
        self.0.lexes.get(k.node).copied().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key of the name table is in the trie, with its names (`find_names` relies on it).
    #[test]
    fn trie_holds_every_key() {
        let names = Names::get();
        assert!(!names.0.unsafe_keys);
        for (k, lexes) in TABLE.iter() {
            let mut w = names.start();
            assert!(names.push(&mut w, k), "{k}");
            assert_eq!(names.names(&w), Some(lexes.as_slice()), "{k}");
            assert_eq!(w.len, k.len(), "{k}");
        }
    }

    /// The first letter/digit run of `s` from `p`.
    fn first_run(s: &[u8], p: usize) -> &[u8] {
        let rest = s.get(p..).unwrap_or(&[]);
        let n = rest
            .iter()
            .position(|b| !b.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        rest.get(..n).unwrap_or(&[])
    }

    /// `may_start_word` never rejects a word where `at` finds a name.
    fn start_check(s: &str) -> Result<(), String> {
        let names = Names::get();
        let b = s.as_bytes();
        for p in 0..b.len() {
            let starts = b.get(p).is_some_and(u8::is_ascii_alphanumeric)
                && !(p > 0 && b.get(p - 1).is_some_and(u8::is_ascii_alphanumeric));
            if starts
                && names.at(b, p, CONTACT_NAME | BRAND_NAME) != 0
                && !names.may_start_word(first_run(b, p))
            {
                return Err(format!("{s:?} at {p}"));
            }
        }
        Ok(())
    }

    /// Every key written out, in upper case, with its letters doubled, or split in two.
    #[test]
    fn every_key_may_start() {
        for (k, _) in TABLE.iter() {
            let doubled: String = k.chars().flat_map(|c| [c, c]).collect();
            let mut forms = vec![k.clone(), k.to_uppercase(), doubled];
            for i in 1..k.len() {
                if k.is_char_boundary(i) {
                    forms.push(format!("{} {}", &k[..i], &k[i..]));
                }
            }
            for f in forms {
                assert_eq!(start_check(&f), Ok(()));
            }
        }
    }

    proptest::proptest! {
        /// Random pieces of keys with leet, repeats and separators between them.
        #[test]
        fn may_start_word_never_rejects_a_name(
            picks in proptest::collection::vec((0usize..10_000, 0usize..12, 0usize..12, 0usize..8), 1..6)
        ) {
            let keys: Vec<&String> = TABLE.keys().collect();
            let mut s = String::new();
            for (k, a, b, sep) in picks {
                let key = keys[k % keys.len()];
                let (a, b) = (a.min(key.len()), b.min(key.len()));
                let piece = key.get(a.min(b)..a.max(b)).unwrap_or(key);
                for c in piece.chars() {
                    s.push(match (c, sep) {
                        ('o', 1) => '0',
                        ('i', 2) => '1',
                        ('e', 3) => '3',
                        ('s', 4) => '5',
                        ('a', 5) => '@',
                        (c, 6) => c.to_ascii_uppercase(),
                        (c, _) => c,
                    });
                    if sep == 7 {
                        s.push(c);
                    }
                }
                s.push_str([" ", "", ".", "-", "'", "_", "  ", ","][sep]);
            }
            proptest::prop_assert_eq!(start_check(&s), Ok(()));
        }
    }
}
