//! The features of the toxicity model: hashed words, word pairs and character 4-grams of a text.
//!
//! Training and scoring must read a text identically, so both call [`for_each_word`] and
//! [`word_features`]. Words are folded the way evaders disguise them: case, repeated letters
//! ("fuuuuck" → "fuuck"), leetspeak inside words with letters ("sh1t" → "shit", "a$$" → "ass"),
//! masks ("f*ck" keeps its `*`), apostrophes dropped ("you're" → "youre"). Character 4-grams
//! within a word's boundaries let the model see swear words inside compounds and hashtags
//! ("#fuckthisjob", "dumbfuck") and near misspellings ("stoopid" shares "pid>" with "stupid").

/// Words longer than this are cut: no real word is, and it bounds the work per word.
pub(crate) const MAX_WORD: usize = 24;

/// One word of the text: its folded bytes and where it is in the text.
pub(crate) struct Word<'b> {
    pub text: &'b [u8],
    pub start: usize,
    pub end: usize,
}

const SEP: u8 = 0;
const LETTER: u8 = 1;
const DIGIT: u8 = 2;
const HIGH: u8 = 3;
const GLUE: u8 = 4;

/// What each byte is to the word reader (one table read per byte instead of a chain of tests).
static CLASS: [u8; 256] = {
    let mut t = [SEP; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphabetic() {
            LETTER
        } else if c.is_ascii_digit() {
            DIGIT
        } else if c >= 0x80 {
            HIGH
        } else if matches!(c, b'*' | b'@' | b'$' | b'!' | b'\'') {
            GLUE
        } else {
            SEP
        };
        b += 1;
    }
    t
};

fn is_word_byte(b: u8) -> bool {
    matches!(CLASS[usize::from(b)], LETTER | DIGIT | HIGH)
}

/// Leetspeak and mask symbols read as letters when they sit inside a word that has letters.
fn leet(b: u8) -> u8 {
    match b {
        b'0' => b'o',
        b'1' | b'!' => b'i',
        b'3' => b'e',
        b'4' | b'@' => b'a',
        b'5' | b'$' => b's',
        b'7' => b't',
        other => other,
    }
}

/// Calls `f` with each word of `text`, folded, in order.
pub(crate) fn for_each_word(text: &str, mut f: impl FnMut(Word<'_>)) {
    let bytes = text.as_bytes();
    let mut buf = [0u8; MAX_WORD];
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let class = CLASS[usize::from(b)];
        let starts = match class {
            SEP => false,
            // A mask may open a word ("@ss", "*uck"), "!" and "'" may not.
            GLUE => matches!(b, b'@' | b'$' | b'*') && next_is_word(bytes, i),
            _ => true,
        };
        if !starts {
            i += 1;
            continue;
        }
        let start = i;
        let mut len = 0;
        let mut letters = false;
        let mut leety = false;
        let mut last = 0u8;
        let mut run = 0;
        while let Some(&c) = bytes.get(i) {
            match CLASS[usize::from(c)] {
                SEP => break,
                // Masks and leetspeak symbols glue a word together ("sh!t", "a$$", "f*ck",
                // "you're").
                GLUE => {
                    if !(next_is_word(bytes, i) && (i > start || !matches!(c, b'!' | b'\''))) {
                        break;
                    }
                    leety = true;
                    if c == b'\'' {
                        i += 1;
                        continue;
                    }
                }
                LETTER => letters = true,
                DIGIT => leety = true,
                _ => {}
            }
            i += 1;
            let c = c.to_ascii_lowercase();
            // Stretched letters ("fuuuuck") are read as two; digits are kept as written.
            if c == last && c.is_ascii_lowercase() {
                run += 1;
                if run > 2 {
                    continue;
                }
            } else {
                run = 1;
                last = c;
            }
            if let Some(slot) = buf.get_mut(len) {
                *slot = c;
                len += 1;
            }
        }
        let word = buf.get_mut(..len).unwrap_or_default();
        if letters && leety {
            for c in word.iter_mut() {
                *c = leet(*c);
            }
        }
        f(Word {
            text: word,
            start,
            end: i,
        });
    }
}

/// True when the mask symbols from `i` on (at most four) are followed by a word byte.
fn next_is_word(bytes: &[u8], i: usize) -> bool {
    (i + 1..i + 5)
        .map(|k| bytes.get(k).copied().unwrap_or(b' '))
        .find(|&b| !matches!(b, b'*' | b'@' | b'$' | b'!'))
        .is_some_and(is_word_byte)
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

#[inline]
fn mix(h: u64, x: u64) -> u64 {
    (h.rotate_left(5) ^ x).wrapping_mul(SEED)
}

/// A hash of a whole word (and its kind of feature, so a word and a 4-gram never share a slot on
/// purpose).
pub(crate) fn word_hash(w: &[u8]) -> u64 {
    let mut h = mix(0, 0x77);
    for chunk in w.chunks(8) {
        h = mix(h, chunk.iter().fold(0u64, |x, &c| (x << 8) | u64::from(c)));
    }
    mix(h, w.len() as u64)
}

/// A 4-gram's hash: its four bytes spread by one multiplication (the slot is read from the high
/// bits); the salt keeps 4-grams and words apart.
#[inline]
fn gram_hash(g: u32) -> u64 {
    (u64::from(g) ^ 0x4e00_0000_0000).wrapping_mul(SEED)
}

/// Calls `f` with the hash of each feature of one word: the word, the pair with the word before
/// it (`prev`, a word hash, or 0 at the start), and its character 4-grams with `<` and `>` marking
/// its edges (for words of three letters or more). Returns the word's hash for the next pair.
pub(crate) fn word_features(w: &[u8], prev: u64, mut f: impl FnMut(u64)) -> u64 {
    let h = word_hash(w);
    f(h);
    f(mix(mix(prev, h), 0xb1));
    if let [a, b, rest @ ..] = w
        && !rest.is_empty()
    {
        let mut g = (u32::from(b'<') << 16) | (u32::from(*a) << 8) | u32::from(*b);
        for &c in rest {
            g = (g << 8) | u32::from(c);
            f(gram_hash(g));
        }
        f(gram_hash((g << 8) | u32::from(b'>')));
    }
    h
}

/// Every feature hash of `text`, in order (training reads texts through this).
pub(crate) fn text_features(text: &str, out: &mut Vec<u64>) {
    out.clear();
    let mut prev = 0;
    for_each_word(text, |w| {
        prev = word_features(w.text, prev, |h| out.push(h));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        let mut v = Vec::new();
        for_each_word(s, |w| v.push(String::from_utf8_lossy(w.text).into_owned()));
        v
    }

    #[test]
    fn words_are_folded_like_evaders_write_them() {
        assert_eq!(
            words("You're a FUUUUCKING id1ot!!"),
            ["youre", "a", "fuucking", "idiot"]
        );
        assert_eq!(words("a$$hole sh!t f*ck"), ["asshole", "shit", "f*ck"]);
        assert_eq!(
            words("call 555-0100 at 10.30"),
            ["call", "555", "0100", "at", "10", "30"]
        );
        assert_eq!(words("#fuckthisjob @someone"), ["fuckthisjob", "asomeone"]);
    }

    #[test]
    fn spans_point_into_the_text() {
        let s = "hey, Y'all idiots";
        let mut spans = Vec::new();
        for_each_word(s, |w| spans.push(&s[w.start..w.end]));
        assert_eq!(spans, ["hey", "Y'all", "idiots"]);
    }

    #[test]
    fn compounds_share_grams_with_their_parts() {
        let mut a = Vec::new();
        let mut b = Vec::new();
        word_features(b"fuck", 0, |h| a.push(h));
        word_features(b"fuckthisjob", 0, |h| b.push(h));
        // "<fuc" and "fuck" are shared; the words themselves are not.
        assert_eq!(a.iter().filter(|h| b.contains(h)).count(), 2);
    }

    #[test]
    fn long_and_strange_input_is_bounded() {
        let s = "a".repeat(10_000) + " \u{0}\u{ffff} é*é $$$ ***";
        let mut n = 0;
        for_each_word(&s, |w| {
            assert!(w.text.len() <= MAX_WORD);
            n += 1;
        });
        assert!(n >= 2);
    }
}
