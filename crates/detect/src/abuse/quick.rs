//! A cheap necessary condition for the word matcher ([`super::lexicon::lookup`]): "could this
//! written word match a list word?", with no allocation and no hashing. Most words fail it after
//! two or three trie steps, so the prefilter can afford it on every word and the detector calls the
//! full matcher only for the rest.
//!
//! Why it never says no to a match: an unmasked word matches when its collapsed key (leetspeak
//! undone, repeated letters collapsed) equals an entry's key, or when it ends with a compound stem
//! (`...fuck`, `...shit`), or when it is an entry's stem plus a suffix of at most 4 letters. In the
//! last case the stem's collapsed key is a prefix of the word's collapsed key, which is at most 4
//! letters longer (collapsing `stem + suffix` keeps `collapse(stem)` and adds at most the suffix).
//! So: a word can match only if walking its collapsed key through a trie of the entry keys reaches a
//! key at most 4 letters before the end, or it ends with a compound stem. Masked words (`f**k`)
//! are rare and go to the full matcher.

use std::sync::LazyLock;

use super::lexicon::{COMPOUND_STEMS, SUFFIXES, WORDS, fold_into, lookup};

/// Entry keys as a trie over `a-z`.
struct KeyTrie {
    next: Vec<[u16; 26]>,
    is_key: Vec<bool>,
    /// The longest suffix in bytes (4): how far past a key a suffixed word's key can reach.
    max_suffix: usize,
    /// Some entry is not plain `a-z`: then every word is a candidate.
    unsafe_keys: bool,
}

static KEYS: LazyLock<KeyTrie> = LazyLock::new(|| {
    let mut t = KeyTrie {
        next: vec![[0; 26]],
        is_key: vec![false],
        max_suffix: SUFFIXES.iter().map(|s| s.len()).max().unwrap_or(0),
        unsafe_keys: false,
    };
    for &(word, _, _) in WORDS {
        let mut node = 0usize;
        let mut last = 0u8;
        for b in word.bytes() {
            if b == last {
                continue;
            }
            last = b;
            let Some(x) = b.checked_sub(b'a').map(usize::from).filter(|&x| x < 26) else {
                t.unsafe_keys = true;
                break;
            };
            let child = t.next.get(node).and_then(|n| n.get(x)).copied();
            node = match child {
                Some(c) if c != 0 => usize::from(c),
                _ => {
                    let id = t.next.len();
                    t.next.push([0; 26]);
                    t.is_key.push(false);
                    match (
                        t.next.get_mut(node).and_then(|n| n.get_mut(x)),
                        u16::try_from(id),
                    ) {
                        (Some(slot), Ok(v)) => *slot = v,
                        _ => t.unsafe_keys = true,
                    }
                    id
                }
            };
        }
        if let Some(k) = t.is_key.get_mut(node) {
            *k = true;
        }
    }
    t
});

/// `fold`'s byte mapping as a table: a letter, [`MASK`] (`?`), [`DROP`] (a separator) or
/// [`BAD`] (the word cannot be a list word).
const FOLD: [u8; 256] = {
    let mut t = [BAD; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = match c {
            b'a'..=b'z' => c,
            b'0' => b'o',
            b'1' | b'!' | b'|' => b'i',
            b'3' => b'e',
            b'4' | b'@' => b'a',
            b'5' | b'$' => b's',
            b'7' | b'+' => b't',
            b'8' => b'b',
            b'9' => b'g',
            b'*' | b'#' | b'%' => MASK,
            b'.' | b'_' | b'-' | b'\'' | b'~' => DROP,
            _ => BAD,
        };
        b += 1;
    }
    t
};
const MASK: u8 = b'?';
const DROP: u8 = 1;
const BAD: u8 = 0;

/// False only when `word` (a glued written word as the abuse detector builds it, at most 40
/// bytes) can match no list word: `lookup(fold(word))` is then `None`.
pub(crate) fn may_match(word: &str) -> bool {
    let keys = &*KEYS;
    if keys.unsafe_keys {
        return true;
    }
    let b = word.as_bytes();
    // The common case (no mask, no trailing `!` that `fold` strips, not a possible compound):
    // walk the trie straight over the bytes, and most words stop at the second or third letter.
    let last = b.last().map_or(BAD, |&c| FOLD[usize::from(c)]);
    let compound_end = matches!(last, b'k' | b'r' | b'g' | b't' | b'h' | DROP);
    let slow = word.len() > 40
        || word.ends_with('!')
        || compound_end && word.len() >= 7
        || b.iter().any(|&c| FOLD[usize::from(c)] == MASK);
    if !slow {
        return walk(keys, b.iter().map(|&c| FOLD[usize::from(c)]));
    }
    let mut buf = [0u8; 40];
    let Some((n, disguised)) = fold_into(word, &mut buf) else {
        return false;
    };
    let folded = buf.get(..n).unwrap_or(&[]);
    if folded.contains(&b'?') {
        return lookup(folded, disguised).is_some();
    }
    if COMPOUND_STEMS
        .iter()
        .any(|s| folded.len() >= s.len() + 3 && folded.ends_with(s))
    {
        return true;
    }
    walk(keys, folded.iter().copied())
}

/// The trie test over folded bytes (separators [`DROP`] are skipped, [`BAD`] rejects).
fn walk(keys: &KeyTrie, folded: impl Iterator<Item = u8>) -> bool {
    let mut node = 0usize;
    let mut last = 0u8;
    let mut depth = 0usize;
    let mut deepest_key = None;
    let mut collapsed_len = 0usize;
    let mut walking = true;
    for c in folded {
        if c == BAD {
            return false;
        }
        if c == DROP || c == last {
            continue;
        }
        last = c;
        collapsed_len += 1;
        if !walking {
            continue;
        }
        let child = c
            .checked_sub(b'a')
            .and_then(|x| keys.next.get(node).and_then(|n| n.get(usize::from(x))))
            .copied();
        match child {
            Some(ch) if ch != 0 => {
                node = usize::from(ch);
                depth += 1;
                if keys.is_key.get(node).copied().unwrap_or(true) {
                    deepest_key = Some(depth);
                }
            }
            _ => walking = false,
        }
        // Too far past the deepest key for any suffix to cover, and no deeper key reachable.
        if !walking && deepest_key.is_none_or(|d| collapsed_len > d + keys.max_suffix) {
            return false;
        }
    }
    deepest_key.is_some_and(|d| collapsed_len <= d + keys.max_suffix)
}

#[cfg(test)]
mod tests {
    use super::super::lexicon::{SUFFIXES, WORDS, fold, lookup};
    use super::may_match;

    fn matches(w: &str) -> bool {
        fold(w).is_some_and(|(f, d)| lookup(&f, d).is_some())
    }

    #[test]
    fn list_words_and_their_forms_pass() {
        for &(w, _, _) in WORDS {
            let mut forms = vec![w.to_string(), format!("{w}{w}"), format!("x{w}")];
            forms.extend(SUFFIXES.iter().map(|s| format!("{w}{s}")));
            forms.push(w.replace('a', "4").replace('s', "$").replace('i', "!"));
            forms.push(w.replace('o', "0").replace('e', "3"));
            forms.push(w.chars().flat_map(|c| [c, c, c]).collect());
            forms.push(w.chars().map(|c| format!("{c}.")).collect());
            let mut masked: Vec<char> = w.chars().collect();
            if masked.len() >= 3 {
                masked[1] = '*';
            }
            forms.push(masked.into_iter().collect());
            for f in forms {
                if matches(&f) {
                    assert!(may_match(&f), "{f}");
                }
            }
        }
    }

    #[test]
    fn ordinary_words_mostly_fail_fast() {
        for w in ["the", "message", "tomorrow", "call", "please", "free"] {
            assert!(!may_match(w), "{w}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(50_000))]
        /// Random words over the letters of the list, leetspeak, masks and separators: whenever
        /// the full matcher finds a list word, the quick check lets it through.
        #[test]
        fn never_rejects_a_match(w in "[abcdefghiklmnoprstuwy013457$@!*#%._'~+-]{1,14}") {
            proptest::prop_assert!(!matches(&w) || may_match(&w), "{}", w);
        }

        /// List words with random edits around them.
        #[test]
        fn never_rejects_an_edited_list_word(
            i in 0usize..1000,
            pre in "[a-z0-9$@!*]{0,4}",
            post in "[a-z0-9$@!*.]{0,5}",
            stretch in 0usize..4,
        ) {
            let (w, _, _) = WORDS[i % WORDS.len()];
            let mut s = pre.clone();
            for (k, c) in w.chars().enumerate() {
                s.push(c);
                if k == stretch {
                    s.push(c);
                    s.push(c);
                }
            }
            s.push_str(&post);
            proptest::prop_assert!(!matches(&s) || may_match(&s), "{}", s);
        }
    }
}
