//! Tokens over the normalised skeleton, with the word-level evasions undone.
//!
//! Detectors reason about words, numbers and punctuation, not characters: "john (at) gmail [dot] com"
//! is a sequence `john ( at ) gmail [ dot ] com`, and "w h a t s a p p" is eight one-letter words
//! that the evader wants us to read as one. This module splits the skeleton into such tokens and
//! merges letters spaced or dotted apart into one *logical* word whose span still covers the
//! original letters. Everything here is one linear pass.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokKind {
    /// A run of ASCII letters and digits (or a merged run of spaced letters).
    Word,
    /// One ASCII punctuation or symbol character.
    Sym(u8),
    /// A run of non-ASCII characters left after normalisation (other scripts, emoji).
    Other,
}

/// One token. `start..end` is its range in the skeleton; `text_start..text_end` its text in
/// [`Tokens::buf`] (different only for merged words, whose letters are not contiguous).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tok {
    pub start: u32,
    pub end: u32,
    text_start: u32,
    text_end: u32,
    pub kind: TokKind,
    /// Whitespace separates this token from the previous one.
    pub space_before: bool,
    /// A line break separates this token from the previous one.
    pub nl_before: bool,
    /// The word contains an ASCII digit.
    pub has_digit: bool,
    /// The word contains an ASCII letter.
    pub has_alpha: bool,
    /// The word was merged from letters spaced or dotted apart.
    pub merged: bool,
}

/// The tokens of one text.
#[derive(Debug)]
pub(crate) struct Tokens {
    /// The skeleton followed by the texts of merged words.
    buf: String,
    /// The skeleton's length: where the merged words' texts start in `buf`.
    skeleton_len: usize,
    pub toks: Vec<Tok>,
    /// `starts[i]`: token `i` starts a clause (precomputed: detectors ask this constantly).
    starts: Vec<bool>,
}

impl Tokens {
    /// The skeleton the tokens were made from.
    pub fn skeleton(&self) -> &str {
        self.buf.get(..self.skeleton_len).unwrap_or("")
    }

    /// The text of token `i` ("" when out of range).
    pub fn text(&self, i: usize) -> &str {
        self.toks
            .get(i)
            .and_then(|t| self.buf.get(t.text_start as usize..t.text_end as usize))
            .unwrap_or("")
    }

    /// The number of tokens.
    pub fn len(&self) -> usize {
        self.toks.len()
    }

    /// True when token `i` is a word equal to `w`.
    pub fn is_word(&self, i: usize, w: &str) -> bool {
        // The length first: detectors ask this of nearly every token, and most differ in it.
        self.toks.get(i).is_some_and(|t| {
            t.kind == TokKind::Word
                && (t.text_end - t.text_start) as usize == w.len()
                && self.buf.get(t.text_start as usize..t.text_end as usize) == Some(w)
        })
    }

    /// True when token `i` is the symbol `c`.
    pub fn is_sym(&self, i: usize, c: u8) -> bool {
        self.toks.get(i).is_some_and(|t| t.kind == TokKind::Sym(c))
    }

    /// The kind of token `i`.
    pub fn kind(&self, i: usize) -> Option<TokKind> {
        self.toks.get(i).map(|t| t.kind)
    }

    /// True when token `i` starts a new clause: a line break, or a sentence-ending symbol before it
    /// followed by a space. Used to keep negation and intent from reaching across sentences.
    pub fn starts_clause(&self, i: usize) -> bool {
        self.starts.get(i).copied().unwrap_or(true)
    }

    /// The first token of the clause that contains token `i`.
    pub fn clause_start(&self, i: usize, max_back: usize) -> usize {
        let mut j = i.min(self.len());
        let stop = i.saturating_sub(max_back);
        while j > stop && !self.starts_clause(j) {
            j -= 1;
        }
        j
    }

    /// One past the last token of the clause that contains token `i`.
    pub fn clause_end(&self, i: usize, max_fwd: usize) -> usize {
        let mut j = i + 1;
        let stop = (i + max_fwd).min(self.len());
        while j < stop && !self.starts_clause(j) {
            j += 1;
        }
        j.min(self.len())
    }
}

/// Splits the skeleton into tokens and merges spaced-apart letters.
#[cfg(test)]
pub(crate) fn tokenize(skeleton: &str) -> Tokens {
    tokenize_with(skeleton.to_string(), false)
}

/// [`tokenize`] on a skeleton the tokens keep (no copy).
pub(crate) fn tokenize_owned(skeleton: String) -> Tokens {
    tokenize_with(skeleton, false)
}

/// [`tokenize`]; `always_merge` runs the merge pass even where it can merge nothing (the tests
/// check that skipping it changes nothing).
fn tokenize_with(mut buf: String, always_merge: bool) -> Tokens {
    let skeleton_len = buf.len();
    let skeleton = buf.as_str();
    let bytes = skeleton.as_bytes();
    let mut toks: Vec<Tok> = Vec::with_capacity(skeleton.len() / 4 + 1);
    let mut i = 0usize;
    // Whitespace before the next token: bit 0 any, bit 1 a line break. Kept as one byte (and the
    // word's digit and letter flags as another): with five separate flags the push spilled them
    // to the stack byte by byte and read them back as words, a store-forwarding stall per token.
    let mut before = 0u8;
    // Clause starts, computed as the tokens are made (right unless letters are merged below).
    let mut starts: Vec<bool> = Vec::with_capacity(toks.capacity());
    let mut prev: Option<TokKind> = None;
    // One bit per token, the latest lowest: a single letter or digit. Letters merge only in a run
    // of three or more single tokens, spaced (`111`) or with separators between (`10101`).
    let (mut singles, mut mergeable) = (0u32, always_merge);
    while i < bytes.len() {
        let b = bytes.get(i).copied().unwrap_or(b' ');
        if b == b' ' || b == b'\n' || b == b'\t' || b == b'\r' {
            before |= 1 | (u8::from(b == b'\n') << 1);
            i += 1;
            continue;
        }
        let start = i;
        // Bit 0: a digit, bit 1: a letter.
        let mut chars = 0u8;
        let kind = if b.is_ascii_alphanumeric() {
            while let Some(&c) = bytes.get(i) {
                let class = CHAR_CLASS[usize::from(c)];
                if class == 0 {
                    break;
                }
                chars |= class;
                i += 1;
            }
            TokKind::Word
        } else if b.is_ascii() {
            i += 1;
            TokKind::Sym(b)
        } else {
            while let Some(&c) = bytes.get(i) {
                if c.is_ascii() {
                    break;
                }
                i += 1;
            }
            TokKind::Other
        };
        let (s, e) = (to_u32(start), to_u32(i));
        let tok = Tok {
            start: s,
            end: e,
            text_start: s,
            text_end: e,
            kind,
            space_before: before & 1 != 0,
            nl_before: before & 2 != 0,
            has_digit: chars & 1 != 0,
            has_alpha: chars & 2 != 0,
            merged: false,
        };
        starts.push(starts_clause(prev, &tok, skeleton));
        prev = Some(kind);
        singles = (singles << 1) | u32::from(is_single_alnum(&tok));
        mergeable |= singles & 0b111 == 0b111 || singles & 0b10101 == 0b10101;
        toks.push(tok);
        before = 0;
    }
    // The merge pass reads every token again; skip it when nothing can merge (it would keep
    // every token as it is).
    if mergeable {
        merge_spaced_letters(&mut buf, &mut toks);
        starts.clear();
        let mut prev: Option<TokKind> = None;
        for t in &toks {
            starts.push(starts_clause(prev, t, &buf));
            prev = Some(t.kind);
        }
    }
    Tokens {
        buf,
        skeleton_len,
        toks,
        starts,
    }
}

/// True when token `t` starts a new clause (see [`Tokens::starts_clause`]), after a token of kind
/// `prev` (None: the first token). `buf` holds the tokens' texts.
fn starts_clause(prev: Option<TokKind>, t: &Tok, buf: &str) -> bool {
    if t.nl_before {
        return true;
    }
    match prev {
        None | Some(TokKind::Sym(b'!' | b'?' | b';')) => true,
        Some(TokKind::Sym(b'.')) => t.space_before,
        // The length first: most words are neither.
        _ => {
            t.kind == TokKind::Word
                && matches!(t.text_end - t.text_start, 3 | 7)
                && matches!(
                    buf.get(t.text_start as usize..t.text_end as usize),
                    Some("but" | "however")
                )
        }
    }
}

/// 1 for an ASCII digit, 2 for an ASCII letter, 0 for any other byte.
const CHAR_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c.is_ascii_digit() {
            1
        } else if c.is_ascii_alphabetic() {
            2
        } else {
            0
        };
        b += 1;
    }
    t
};

fn to_u32(x: usize) -> u32 {
    u32::try_from(x).unwrap_or(u32::MAX)
}

fn is_single_letter(t: &Tok) -> bool {
    t.kind == TokKind::Word && t.end - t.start == 1 && t.has_alpha
}

fn is_single_alnum(t: &Tok) -> bool {
    t.kind == TokKind::Word && t.end - t.start == 1
}

/// Merges runs of single letters (and digits among letters) separated by single spaces
/// ("w h a t s a p p", at least 4, so chat speak like "u r a" stays apart) or by one repeated separator ("w.h.a.t.s", "w-h-a-t", at least 4)
/// into one logical word. Runs of digits alone are left to the phone detector. In place: the
/// tokens kept are written over the ones read (never ahead of them), with no second vector.
fn merge_spaced_letters(buf: &mut String, toks: &mut Vec<Tok>) {
    let n = toks.len();
    // Tokens `..w` are the output so far; `w <= i` throughout.
    let mut w = 0;
    let mut keep = |toks: &mut Vec<Tok>, t: Tok| {
        if let Some(slot) = toks.get_mut(w) {
            *slot = t;
        }
        w += 1;
    };
    let mut i = 0;
    while i < n {
        let Some(first) = toks.get(i).copied() else {
            break;
        };
        if !is_single_alnum(&first) {
            keep(toks, first);
            i += 1;
            continue;
        }
        // Space-separated run.
        let mut j = i + 1;
        while toks
            .get(j)
            .is_some_and(|t| is_single_alnum(t) && t.space_before && !t.nl_before)
        {
            j += 1;
        }
        let letters = toks
            .get(i..j)
            .map_or(0, |r| r.iter().filter(|t| is_single_letter(t)).count());
        if j - i >= 4 && letters >= 2 || j - i == 3 && spells_number(buf, toks, i, j, 1) {
            let m = merged(buf, toks, i, j, 1);
            keep(toks, m);
            i = j;
            continue;
        }
        // No later start inside this run can qualify either (fewer letters, shorter): emit all
        // but its last token at once, which keeps the pass linear on "1 1 1 1 ...".
        if j - i > 2 {
            for k in i..j - 1 {
                if let Some(t) = toks.get(k).copied() {
                    keep(toks, t);
                }
            }
            i = j - 1;
            continue;
        }
        // Separator-separated run: letter, sep, letter, sep, ... with one repeated separator.
        if let Some(TokKind::Sym(sep)) = toks.get(i + 1).map(|t| t.kind)
            && matches!(sep, b'.' | b'-' | b'_' | b'*' | b'/' | b'|' | b'+' | b'~')
        {
            let mut k = i;
            while toks
                .get(k + 1)
                .is_some_and(|t| t.kind == TokKind::Sym(sep) && !t.space_before)
                && toks
                    .get(k + 2)
                    .is_some_and(|t| is_single_alnum(t) && !t.space_before)
            {
                k += 2;
            }
            let count = (k - i) / 2 + 1;
            if count >= 4 || count == 3 && spells_number(buf, toks, i, k + 1, 2) {
                let m = merged(buf, toks, i, k + 1, 2);
                keep(toks, m);
                i = k + 1;
                continue;
            }
        }
        keep(toks, first);
        i += 1;
    }
    toks.truncate(w);
}

/// True when every `step`-th token of `toks[i..j]` is one letter and together they spell a number
/// word ("o-n-e", "t w o", "s.i.x"): three letters are enough then, where other words need four
/// (chat speak like "u r a" stays apart).
fn spells_number(buf: &str, toks: &[Tok], i: usize, j: usize, step: usize) -> bool {
    let mut word = [0u8; 3];
    let mut n = 0;
    for t in toks.get(i..j).unwrap_or(&[]).iter().step_by(step) {
        let text = buf
            .get(t.text_start as usize..t.text_end as usize)
            .unwrap_or("");
        match (text.as_bytes(), word.get_mut(n)) {
            ([c], Some(slot)) if c.is_ascii_alphabetic() => *slot = c.to_ascii_lowercase(),
            _ => return false,
        }
        n += 1;
    }
    n == 3
        && std::str::from_utf8(&word)
            .ok()
            .and_then(crate::lexicon::number_word)
            .is_some()
}

/// Builds the logical word for `toks[i..j]`, taking every `step`-th token's text.
fn merged(buf: &mut String, toks: &[Tok], i: usize, j: usize, step: usize) -> Tok {
    let text_start = to_u32(buf.len());
    let mut has_digit = false;
    let mut has_alpha = false;
    for t in toks.get(i..j).unwrap_or(&[]).iter().step_by(step) {
        let s = buf
            .get(t.text_start as usize..t.text_end as usize)
            .unwrap_or("")
            .to_string();
        has_digit |= t.has_digit;
        has_alpha |= t.has_alpha;
        buf.push_str(&s);
    }
    let first = toks.get(i).copied();
    let last = toks.get(j.saturating_sub(1)).copied();
    Tok {
        start: first.map_or(0, |t| t.start),
        end: last.map_or(0, |t| t.end),
        text_start,
        text_end: to_u32(buf.len()),
        kind: TokKind::Word,
        space_before: first.is_some_and(|t| t.space_before),
        nl_before: first.is_some_and(|t| t.nl_before),
        has_digit,
        has_alpha,
        merged: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        let t = tokenize(s);
        (0..t.len()).map(|i| t.text(i).to_string()).collect()
    }

    #[test]
    fn splits_words_symbols_and_other() {
        assert_eq!(
            texts("john.doe@x, héllo"),
            ["john", ".", "doe", "@", "x", ",", "h", "\u{e9}", "llo"]
        );
    }

    #[test]
    fn three_letters_merge_when_they_spell_a_number() {
        assert_eq!(
            texts("o-n-e, t w o, s.i.x"),
            ["one", ",", "two", ",", "six"]
        );
        assert_eq!(texts("u r a star"), ["u", "r", "a", "star"]);
        assert_eq!(texts("a-n-d"), ["a", "-", "n", "-", "d"]);
    }

    #[test]
    fn merges_spaced_letters() {
        assert_eq!(
            texts("add me on w h a t s a p p now"),
            ["add", "me", "on", "whatsapp", "now"]
        );
        assert_eq!(texts("t.e.l.e.g.r.a.m"), ["telegram"]);
        assert_eq!(texts("u.s.a"), ["u", ".", "s", ".", "a"]);
        assert_eq!(texts("u r a"), ["u", "r", "a"]);
    }

    #[test]
    fn keeps_digit_runs_for_the_phone_detector() {
        assert_eq!(texts("4 1 5 5"), ["4", "1", "5", "5"]);
    }

    #[test]
    fn merged_span_covers_the_letters() {
        let t = tokenize("on s k y p e.");
        let tok = t.toks.get(1).copied();
        assert_eq!(tok.map(|t| (t.start, t.end)), Some((3, 12)));
    }

    /// Skipping the merge pass where no three single letters or digits come close changes
    /// nothing, on texts of single characters, short words, spaces and separators.
    #[test]
    fn the_merge_pass_is_skipped_only_where_it_merges_nothing() {
        let same = |s: &str| {
            let (a, b) = (
                tokenize_with(s.to_string(), false),
                tokenize_with(s.to_string(), true),
            );
            assert_eq!(format!("{:?}", a), format!("{:?}", b), "{s:?}");
        };
        for s in [
            "",
            "a",
            "a b",
            "a b c",
            "a b c d",
            "o-n-e",
            "a.b",
            "a.b.c.d",
            "w h a t s a p p",
            "1 2 3",
            "u r a star",
            "t.e.l.e.g.r.a.m",
            "x-y z",
            "ab c d e",
            "a\nb c d",
        ] {
            same(s);
        }
        let pieces = [
            "a", "b", "o", "1", "ne", "two", " ", " ", ".", "-", "_", "*", "/", "|", "+", "~",
            "\n", "é", ",",
        ];
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..20_000 {
            let mut s = String::new();
            for _ in 0..(state % 24) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                s.push_str(pieces[(state % pieces.len() as u64) as usize]);
            }
            same(&s);
        }
    }

    #[test]
    fn clauses() {
        let t = tokenize("i can't. call me");
        assert!(t.starts_clause(5));
        assert!(!t.starts_clause(1));
    }
}
