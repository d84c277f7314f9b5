//! The abuse word list and its evasion-tolerant matcher.
//!
//! A written word is folded (leetspeak `0`→o, `1`/`!`→i, `3`→e, `4`/`@`→a, `5`/`$`→s, `7`→t;
//! `*`, `#`, `%` and `-` between letters are masks) and compared by *runs*: the same letters in the
//! same order, each run at least as long as in the list. So "fuuuuck" and "sh1iiit" match, but
//! "as" does not match "ass". Masked words ("f**k", "b*tch") match an entry of the same length whose
//! unmasked letters agree, when at least half the letters and the first one are shown.

use std::collections::HashMap;

use crate::fxhash::FxBuild;
use std::sync::LazyLock;

/// How a word is bad.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WordKind {
    /// A slur against a group.
    Slur,
    /// Strong swearing.
    Strong,
    /// Mild swearing.
    Mild,
    /// An insult that is harassment when aimed at a person ("idiot"); not profanity on its own.
    Insult,
}

use WordKind::{Insult, Mild, Slur, Strong};

/// (word, kind, takes suffixes like -s/-ing/-er/-ed/-y).
pub(super) const WORDS: &[(&str, WordKind, bool)] = &[
    ("fuck", Strong, true),
    ("fck", Strong, true),
    ("fuk", Strong, true),
    ("fuq", Strong, true),
    ("phuck", Strong, true),
    ("fucc", Strong, true),
    ("motherfucker", Strong, true),
    ("motherfuckin", Strong, false),
    ("mofo", Strong, true),
    ("mf", Strong, false),
    ("fuckface", Strong, true),
    ("fuckhead", Strong, true),
    ("fuckboy", Strong, true),
    ("stfu", Strong, false),
    ("gtfo", Strong, false),
    ("wtf", Mild, false),
    ("shit", Strong, true),
    ("sht", Strong, false),
    ("shyt", Strong, true),
    ("bullshit", Strong, true),
    ("shithead", Strong, true),
    ("shitty", Strong, false),
    ("dipshit", Strong, true),
    ("horseshit", Strong, false),
    ("cunt", Strong, true),
    ("twat", Strong, true),
    ("bitch", Strong, true),
    ("biatch", Strong, true),
    ("bytch", Strong, true),
    ("btch", Strong, true),
    ("sonofabitch", Strong, false),
    ("bastard", Strong, true),
    ("asshole", Strong, true),
    ("ass", Strong, false),
    ("asses", Strong, false),
    ("arse", Mild, false),
    ("arsehole", Strong, true),
    ("dumbass", Insult, true),
    ("jackass", Insult, true),
    ("badass", Mild, false),
    ("dick", Strong, true),
    ("dickhead", Strong, true),
    ("cock", Strong, true),
    ("cocksucker", Strong, true),
    ("pussy", Strong, false),
    ("pussies", Strong, false),
    ("puss", Strong, false),
    ("whore", Strong, true),
    ("hoe", Strong, true),
    ("hoes", Strong, false),
    ("thot", Strong, true),
    ("slut", Strong, true),
    ("skank", Strong, true),
    ("wanker", Strong, true),
    ("wank", Strong, true),
    ("prick", Strong, true),
    ("douche", Strong, true),
    ("douchebag", Strong, true),
    ("tits", Strong, false),
    ("titties", Strong, false),
    ("boobs", Mild, false),
    ("piss", Mild, true),
    ("pissed", Mild, false),
    ("crap", Mild, true),
    ("crappy", Mild, false),
    ("damn", Mild, true),
    ("goddamn", Mild, true),
    ("dammit", Mild, false),
    ("hell", Mild, false),
    ("bloody", Mild, false),
    ("bollocks", Mild, false),
    ("bugger", Mild, true),
    ("nigger", Slur, true),
    ("nigga", Slur, true),
    ("niggah", Slur, true),
    ("niga", Slur, true),
    ("nicca", Slur, true),
    ("nigguh", Slur, true),
    ("nigs", Slur, false),
    ("whitetrash", Slur, false),
    ("nig", Slur, false),
    ("faggot", Slur, true),
    ("fag", Slur, true),
    ("faggit", Slur, true),
    ("fagot", Slur, true),
    ("dyke", Slur, true),
    ("tranny", Slur, true),
    ("spic", Slur, false),
    ("chink", Slur, true),
    ("kike", Slur, true),
    ("wetback", Slur, true),
    ("coon", Slur, true),
    ("gook", Slur, true),
    ("raghead", Slur, true),
    ("towelhead", Slur, true),
    ("beaner", Slur, true),
    ("retard", Slur, true),
    ("retarded", Slur, false),
    ("tard", Slur, false),
    ("cracker", Slur, false),
    ("redneck", Insult, true),
    ("hillbilly", Insult, true),
    ("ghetto", Insult, false),
    ("idiot", Insult, true),
    ("idiotic", Insult, false),
    ("stupid", Insult, false),
    ("moron", Insult, true),
    ("moronic", Insult, false),
    ("dumb", Insult, false),
    ("loser", Insult, true),
    ("pathetic", Insult, false),
    ("worthless", Insult, false),
    ("useless", Insult, false),
    ("incompetent", Insult, false),
    ("scammer", Insult, true),
    ("fraudster", Insult, true),
    ("liar", Insult, true),
    ("clown", Insult, true),
    ("imbecile", Insult, true),
    ("jerk", Insult, true),
    ("ugly", Insult, false),
    ("fat", Insult, false),
    ("trash", Insult, false),
    ("garbage", Insult, false),
    ("psycho", Insult, true),
    ("freak", Insult, true),
    ("creep", Insult, true),
    ("disgusting", Insult, false),
    ("cretin", Insult, true),
    ("dimwit", Insult, true),
    ("illiterate", Insult, false),
    ("braindead", Insult, false),
    ("idiots", Insult, false),
    ("halfwit", Insult, true),
    ("numbskull", Insult, true),
    ("brainless", Insult, false),
    ("lowlife", Insult, true),
    ("scum", Insult, true),
    ("scumbag", Insult, true),
    ("parasite", Insult, true),
    ("pig", Insult, true),
    ("dog", Insult, false),
    ("monkey", Insult, true),
    ("ape", Insult, true),
    ("peasant", Insult, true),
    ("imbecil", Insult, true),
    ("dummy", Insult, false),
    ("fool", Insult, true),
    ("nitwit", Insult, true),
    ("stoopid", Insult, false),
    ("thief", Insult, false),
    ("thieves", Insult, false),
    ("cheater", Insult, true),
    ("bum", Insult, true),
    ("nerd", Insult, true),
    ("simp", Insult, true),
    ("weirdo", Insult, true),
    ("hoodrat", Strong, true),
    ("ratchet", Insult, false),
    ("queer", Insult, true),
];

pub(super) const SUFFIXES: &[&str] = &[
    "s", "es", "ed", "er", "ers", "ing", "in", "y", "ie", "ies", "z", "a", "ah", "as", "face",
    "head", "hole",
];

/// A list entry in run form.
struct Entry {
    runs: Vec<(u8, u8)>,
    len: usize,
    word: &'static str,
    kind: WordKind,
    suffix: bool,
}

fn runs_of(s: &[u8]) -> Vec<(u8, u8)> {
    let mut out: Vec<(u8, u8)> = Vec::with_capacity(s.len());
    for &c in s {
        match out.last_mut() {
            Some((l, n)) if *l == c => *n = n.saturating_add(1),
            _ => out.push((c, 1)),
        }
    }
    out
}

fn collapsed(r: &[(u8, u8)]) -> Vec<u8> {
    r.iter().map(|x| x.0).collect()
}

struct Table {
    by_key: HashMap<Vec<u8>, Vec<usize>, FxBuild>,
    entries: Vec<Entry>,
    /// `first[a][b]`: some entry's collapsed form starts with letters a, b. Most words fail this
    /// test and skip the hash lookups.
    first: [[bool; 26]; 26],
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let mut by_key: HashMap<Vec<u8>, Vec<usize>, FxBuild> = HashMap::default();
    let mut entries = Vec::new();
    for &(word, kind, suffix) in WORDS {
        let runs = runs_of(word.as_bytes());
        by_key
            .entry(collapsed(&runs))
            .or_default()
            .push(entries.len());
        entries.push(Entry {
            runs,
            len: word.len(),
            word,
            kind,
            suffix,
        });
    }
    let mut first = [[false; 26]; 26];
    for e in &entries {
        let a = e.runs.first().map_or(0, |r| r.0.wrapping_sub(b'a')) as usize;
        let b = e.runs.get(1).map_or(0, |r| r.0.wrapping_sub(b'a')) as usize;
        if let Some(slot) = first.get_mut(a).and_then(|row| row.get_mut(b)) {
            *slot = true;
        }
    }
    Table {
        by_key,
        entries,
        first,
    }
});

/// A matched list word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Match {
    pub word: &'static str,
    pub kind: WordKind,
    /// The word was disguised (leetspeak, masks, stretched letters).
    pub disguised: bool,
}

/// Folds a written word for matching: lower-case letters and `?` for masks. None when the word
/// cannot be a list word (too long, or no letter).
pub(crate) fn fold(word: &str) -> Option<(Vec<u8>, bool)> {
    let mut buf = [0u8; 40];
    let (n, disguised) = fold_into(word, &mut buf)?;
    Some((buf.get(..n)?.to_vec(), disguised))
}

/// [`fold`] into a buffer (words are at most 40 bytes): the folded length and whether the word
/// was disguised. Allocation-free, for the prefilter.
pub(super) fn fold_into(word: &str, out: &mut [u8; 40]) -> Option<(usize, bool)> {
    if word.len() > 40 {
        return None;
    }
    let mut n = 0;
    let mut disguised = false;
    for b in word.bytes() {
        let c = match b {
            b'a'..=b'z' => b,
            b'0' => b'o',
            b'1' | b'!' | b'|' => b'i',
            b'3' => b'e',
            b'4' | b'@' => b'a',
            b'5' | b'$' => b's',
            b'7' | b'+' => b't',
            b'8' => b'b',
            b'9' => b'g',
            b'*' | b'#' | b'%' => b'?',
            b'.' | b'_' | b'-' | b'\'' | b'~' => {
                disguised = true;
                continue;
            }
            _ => return None,
        };
        if c != b {
            disguised = true;
        }
        *out.get_mut(n)? = c;
        n += 1;
    }
    // Trailing masks are punctuation ("what!!!"), not letters.
    while n > 0 {
        let last = out.get(n - 1).copied();
        if last == Some(b'?') || (n > 1 && last == Some(b'i') && word.ends_with('!')) {
            n -= 1;
        } else {
            break;
        }
    }
    let folded = out.get(..n)?;
    (n > 0 && folded.iter().any(u8::is_ascii_lowercase)).then_some((n, disguised))
}

/// Same letters; each run as long as the entry's, or clearly stretched (two or more extra), so that
/// "fuuuck" matches "fuck" but "assess" does not match "asses".
fn runs_cover(word: &[(u8, u8)], entry: &[(u8, u8)]) -> bool {
    word.len() == entry.len()
        && word
            .iter()
            .zip(entry)
            .all(|(w, e)| w.0 == e.0 && (w.1 == e.1 || w.1 >= e.1.saturating_add(2)))
}

/// Runs and collapsed key of a word, on the stack (words are at most 40 bytes).
struct StackRuns {
    runs: [(u8, u8); 48],
    key: [u8; 48],
    n: usize,
}

impl StackRuns {
    fn of(s: &[u8]) -> StackRuns {
        let mut r = StackRuns {
            runs: [(0, 0); 48],
            key: [0; 48],
            n: 0,
        };
        for &c in s {
            match r.n.checked_sub(1).and_then(|i| r.runs.get_mut(i)) {
                Some((l, k)) if *l == c => *k = k.saturating_add(1),
                _ => {
                    if let (Some(slot), Some(kslot)) = (r.runs.get_mut(r.n), r.key.get_mut(r.n)) {
                        *slot = (c, 1);
                        *kslot = c;
                        r.n += 1;
                    }
                }
            }
        }
        r
    }

    fn runs(&self) -> &[(u8, u8)] {
        self.runs.get(..self.n).unwrap_or(&[])
    }

    fn key(&self) -> &[u8] {
        self.key.get(..self.n).unwrap_or(&[])
    }
}

/// Looks a folded word up in the list.
pub(crate) fn lookup(folded: &[u8], disguised: bool) -> Option<Match> {
    let table = &*TABLE;
    if folded.contains(&b'?') {
        return masked(table, folded);
    }
    let sr = StackRuns::of(folded);
    let bigram = |k: &[u8]| {
        let a = k.first().map_or(0, |c| c.wrapping_sub(b'a')) as usize;
        let b = k.get(1).map_or(0, |c| c.wrapping_sub(b'a')) as usize;
        table
            .first
            .get(a)
            .and_then(|row| row.get(b))
            .copied()
            .unwrap_or(false)
    };
    if !bigram(sr.key()) {
        return compound(folded, disguised);
    }
    let runs = sr.runs();
    let stretched = runs.iter().any(|r| r.1 > 2);
    let key = sr.key();
    let found = |key: &[u8], runs: &[(u8, u8)], need_suffix: bool| -> Option<&Entry> {
        table
            .by_key
            .get(key)?
            .iter()
            .filter_map(|&i| table.entries.get(i))
            .find(|e| runs_cover(runs, &e.runs) && (!need_suffix || e.suffix))
    };
    if let Some(e) = found(key, runs, false) {
        // An exact length match, or stretched letters.
        return Some(Match {
            word: e.word,
            kind: e.kind,
            disguised: disguised || stretched || folded.len() != e.len,
        });
    }
    if let Some(m) = compound(folded, disguised) {
        return Some(m);
    }
    for suf in SUFFIXES {
        let sb = suf.as_bytes();
        if folded.len() > sb.len() + 2 && folded.ends_with(sb) {
            let stem = folded.get(..folded.len() - sb.len()).unwrap_or(&[]);
            let sr = StackRuns::of(stem);
            if let Some(e) = found(sr.key(), sr.runs(), true) {
                return Some(Match {
                    word: e.word,
                    kind: e.kind,
                    disguised,
                });
            }
        }
    }
    None
}

/// Endings of compounds: "clusterfuck", "batshit", "dumbfuck".
pub(super) const COMPOUND_STEMS: [&[u8]; 6] =
    [b"fuck", b"fucker", b"fucking", b"shit", b"cunt", b"bitch"];

/// Compounds ending in a strong word: "clusterfuck", "batshit", "dumbfuck".
fn compound(folded: &[u8], disguised: bool) -> Option<Match> {
    for stem in COMPOUND_STEMS {
        if folded.len() >= stem.len() + 3 && folded.ends_with(stem) {
            let word = if stem.starts_with(b"f") {
                "fuck"
            } else if stem == b"shit" {
                "shit"
            } else if stem == b"cunt" {
                "cunt"
            } else {
                "bitch"
            };
            return Some(Match {
                word,
                kind: WordKind::Strong,
                disguised,
            });
        }
    }
    None
}

fn masked(table: &Table, folded: &[u8]) -> Option<Match> {
    let shown = folded.iter().filter(|&&c| c != b'?').count();
    if folded.first() == Some(&b'?') || shown * 2 < folded.len() || folded.len() < 3 {
        return None;
    }
    // `part` agrees with `folded` at `at`: same letters where `folded` shows one. Entry and
    // suffix are compared in place (no concatenated copy per entry and suffix).
    let agrees_at = |part: &[u8], at: usize| {
        folded
            .get(at..at + part.len())
            .is_some_and(|f| part.iter().zip(f).all(|(a, &b)| b == b'?' || *a == b))
    };
    let profane = table.entries.iter().filter(|e| e.kind != WordKind::Insult);
    for e in profane {
        let w = e.word.as_bytes();
        if w.len() == folded.len() && agrees_at(w, 0) {
            return Some(Match {
                word: e.word,
                kind: e.kind,
                disguised: true,
            });
        }
        if e.suffix && w.len() < folded.len() && agrees_at(w, 0) {
            for suf in SUFFIXES {
                let sb = suf.as_bytes();
                if w.len() + sb.len() == folded.len() && agrees_at(sb, w.len()) {
                    return Some(Match {
                        word: e.word,
                        kind: e.kind,
                        disguised: true,
                    });
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(w: &str) -> Option<&'static str> {
        let (f, d) = fold(w)?;
        lookup(&f, d).map(|m| m.word)
    }

    #[test]
    fn plain_and_disguised() {
        assert_eq!(m("fuck"), Some("fuck"));
        assert_eq!(m("fuuuuuck"), Some("fuck"));
        assert_eq!(m("f**k"), Some("fuck"));
        assert_eq!(m("sh1t"), Some("shit"));
        assert_eq!(m("$hit"), Some("shit"));
        assert_eq!(m("b!tch"), Some("bitch"));
        assert_eq!(m("bitches"), Some("bitch"));
        assert_eq!(m("fucking"), Some("fuck"));
        assert_eq!(m("a$$"), Some("ass"));
    }

    #[test]
    fn ordinary_words_do_not_match() {
        for w in [
            "as",
            "class",
            "assess",
            "passing",
            "hello",
            "shell",
            "cocktail",
            "scrap",
            "therapist",
            "grape",
            "ho",
            "peacock",
            "dickens",
            "shiitake",
            "assume",
            "what!!!",
        ] {
            assert_eq!(m(w), None, "{w}");
        }
    }
}
