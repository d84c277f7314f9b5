//! Character-level normalisation that keeps a map back to the original text.
//!
//! Evasion starts with characters: full-width digits, Cyrillic look-alikes, math letters, circled
//! digits, zero-width joiners and bidi controls. Every detector works on one *skeleton* of the text
//! produced here, and every finding is reported with a byte span in the ORIGINAL text, so the skeleton
//! keeps, for each of its bytes, the offset of the original character it came from.
//!
//! Per character, repeated until nothing changes (which makes the whole function idempotent):
//! 1. zero-width, bidi and other invisible format characters are dropped;
//! 2. look-alike punctuation (full-width `＠`, ideographic full stop, dashes, curly quotes) becomes
//!    ASCII *before* any letter folding, so a full-width `@` stays an `@` (some confusable tables
//!    fold it to `a`);
//! 3. Cyrillic and Greek look-alike letters become Latin ones;
//! 4. the Unicode compatibility decomposition (the "K" of NFKC) is applied and combining marks are
//!    dropped: math letters, circled and full-width digits, ligatures and accented letters fold to
//!    their base letters;
//! 5. case is folded; whitespace becomes a space (line breaks a `\n`), control characters a space.
//!
//! Leetspeak, spaced letters, number words and "at"/"dot" words are NOT folded here: they are
//! ambiguous (`0` is a digit in a phone number and an `o` in "g00gle"), so the token layer
//! ([`crate::tokens`]) folds them only inside candidate spans.

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// The normalised skeleton of a text and the way back to the original offsets.
#[derive(Debug, Clone)]
pub struct Normalized<'a> {
    original: &'a str,
    text: String,
    /// For each byte of `text`, the byte offset in `original` of the character it came from.
    /// `None` when the original was ASCII: the skeleton then has the same offsets.
    map: Option<Vec<u32>>,
}

impl<'a> Normalized<'a> {
    /// The skeleton text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Moves the skeleton out (`as_str` is empty afterwards): the tokens keep it without a copy.
    pub(crate) fn take_text(&mut self) -> String {
        std::mem::take(&mut self.text)
    }

    /// The original text.
    pub fn original(&self) -> &'a str {
        self.original
    }

    /// Maps a byte range of the skeleton back to a byte range of the original text. Both ends of
    /// the result are char boundaries of the original, and the result covers every original
    /// character that contributed to the range.
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        let Some(map) = &self.map else {
            let s = start.min(self.original.len());
            return (s, end.clamp(s, self.original.len()));
        };
        if start >= end || start >= map.len() {
            let at = map.get(start).map_or(self.original.len(), |&o| o as usize);
            return (at, at);
        }
        let first = map.get(start).map_or(self.original.len(), |&o| o as usize);
        let last = map
            .get(end - 1)
            .or(map.last())
            .map_or(first, |&o| o as usize);
        let last_len = self
            .original
            .get(last..)
            .and_then(|s| s.chars().next())
            .map_or(0, char::len_utf8);
        (first, (last + last_len).max(first))
    }
}

/// Normalises `text` into its detection skeleton. Linear in the input length.
pub fn normalize(text: &str) -> Normalized<'_> {
    if text.is_ascii() {
        // Fast path (the common case): lowercase and blank out control characters, byte for byte
        // (`ascii_fold`). Lower-casing a `str` needs no UTF-8 check afterwards; control
        // characters are rare, so they are blanked in a second pass only when there are some.
        let mut folded = text.to_ascii_lowercase();
        let control = |b: u8| (b < 0x20) & (b != b'\n') | (b == 0x7f);
        // A fold, not `any`: without an early exit the compiler checks many bytes at once.
        if folded.bytes().fold(false, |seen, b| seen | control(b)) {
            folded = folded.replace(|c: char| u8::try_from(c).is_ok_and(control), " ");
        }
        return Normalized {
            original: text,
            text: folded,
            map: None,
        };
    }
    // Built as bytes, runs of ASCII copied byte for byte (most of a text with a few non-ASCII
    // characters), and checked as UTF-8 once at the end: only whole characters are pushed.
    let mut out: Vec<u8> = Vec::with_capacity(text.len());
    let mut map: Vec<u32> = Vec::with_capacity(text.len());
    // Two buffers for `fold_char`, reused for every character (an allocation per non-ASCII
    // character showed in profiles).
    let (mut scratch, mut next) = (Vec::new(), Vec::with_capacity(4));
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let run = bytes
            .get(i..)
            .unwrap_or(&[])
            .iter()
            .position(|b| !b.is_ascii())
            .unwrap_or(bytes.len() - i);
        // Whole runs at once (a push per byte with its checks cost more than the folding).
        let chunk = bytes.get(i..i + run).unwrap_or(&[]);
        out.extend(chunk.iter().map(|&b| ascii_fold(b)));
        let first = u32::try_from(i).unwrap_or(u32::MAX);
        map.extend(first..u32::try_from(i + chunk.len()).unwrap_or(u32::MAX));
        // Past 4 GiB every offset reads u32::MAX, as one push per byte gave.
        map.resize(out.len(), u32::MAX);
        i += run;
        let Some(c) = text.get(i..).and_then(|r| r.chars().next()) else {
            break;
        };
        fold_char(c, &mut scratch, &mut next);
        let mut buf = [0u8; 4];
        for ch in &scratch {
            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
        }
        map.resize(out.len(), u32::try_from(i).unwrap_or(u32::MAX));
        i += c.len_utf8();
    }
    let out = String::from_utf8(out).unwrap_or_default();
    Normalized {
        original: text,
        text: out,
        map: Some(map),
    }
}

/// Folds one ASCII byte: lowercase, control characters (other than a line feed) to a space.
#[inline]
fn ascii_fold(b: u8) -> u8 {
    match b {
        b'\n' => b'\n',
        0..=0x1f | 0x7f => b' ',
        _ => b.to_ascii_lowercase(),
    }
}

/// Folds one character to its skeleton (zero or more characters) into `out`, repeating the folding
/// step until it is a fixed point so that folding the output again changes nothing.
/// `next` is a scratch buffer.
fn fold_char(c: char, out: &mut Vec<char>, next: &mut Vec<char>) {
    out.clear();
    out.push(c);
    for _ in 0..4 {
        next.clear();
        for &ch in out.iter() {
            step(ch, next);
        }
        if *next == *out {
            return;
        }
        std::mem::swap(out, next);
    }
}

/// One folding step for one character.
fn step(c: char, out: &mut Vec<char>) {
    if c.is_ascii() {
        out.push(char::from(ascii_fold(c as u8)));
        return;
    }
    if is_invisible(c) {
        return;
    }
    if let Some(s) = special(c) {
        out.extend(s.chars());
        return;
    }
    if c.is_whitespace() {
        out.push(if matches!(c, '\u{2028}' | '\u{2029}' | '\u{85}') {
            '\n'
        } else {
            ' '
        });
        return;
    }
    if c.is_control() {
        out.push(' ');
        return;
    }
    decompose_compatible(c, |d| {
        if !is_combining_mark(d) {
            out.extend(d.to_lowercase());
        }
    });
}

/// Characters that render as nothing and are used to split words invisibly.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
        | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// Look-alike punctuation and letters that the compatibility decomposition leaves alone.
/// Punctuation is handled here, before decomposition, so `＠`/`﹫` become `@`, never `a`.
fn special(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{FF20}' | '\u{FE6B}' => "@",
        '\u{3002}' | '\u{FF61}' | '\u{2024}' | '\u{00B7}' | '\u{2027}' | '\u{30FB}'
        | '\u{FF0E}' => ".",
        '\u{2010}'..='\u{2015}'
        | '\u{2212}'
        | '\u{FE58}'
        | '\u{FE63}'
        | '\u{FF0D}'
        | '\u{2043}' => "-",
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}'
        | '\u{FF07}' => "'",
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{FF02}' => "\"",
        '\u{2044}' | '\u{2215}' | '\u{FF0F}' => "/",
        '\u{3001}' | '\u{FF0C}' => ",",
        '\u{2217}' | '\u{2731}' => "*",
        '\u{00DF}' => "ss",
        '\u{00E6}' | '\u{00C6}' => "ae",
        '\u{0153}' | '\u{0152}' => "oe",
        '\u{00F8}' | '\u{00D8}' => "o",
        '\u{0131}' => "i",
        '\u{0142}' | '\u{0141}' => "l",
        '\u{0111}' | '\u{0110}' | '\u{00F0}' => "d",
        '\u{0127}' => "h",
        // Cyrillic look-alikes (upper and lower case).
        '\u{0430}' | '\u{0410}' => "a",
        '\u{0432}' | '\u{0412}' | '\u{044C}' | '\u{042C}' => "b",
        '\u{0435}' | '\u{0415}' | '\u{0451}' | '\u{0401}' | '\u{0454}' | '\u{0404}' => "e",
        '\u{043A}' | '\u{041A}' => "k",
        '\u{043C}' | '\u{041C}' => "m",
        '\u{043D}' | '\u{041D}' | '\u{04BB}' | '\u{04BA}' => "h",
        '\u{043E}' | '\u{041E}' => "o",
        '\u{0440}' | '\u{0420}' => "p",
        '\u{0441}' | '\u{0421}' => "c",
        '\u{0442}' | '\u{0422}' => "t",
        '\u{0443}' | '\u{0423}' | '\u{04AF}' | '\u{04AE}' => "y",
        '\u{0445}' | '\u{0425}' => "x",
        '\u{0455}' | '\u{0405}' => "s",
        '\u{0456}' | '\u{0406}' | '\u{0457}' | '\u{0407}' | '\u{04CF}' => "i",
        '\u{0458}' | '\u{0408}' => "j",
        '\u{0501}' | '\u{0500}' => "d",
        '\u{051B}' | '\u{051A}' => "q",
        '\u{051D}' | '\u{051C}' => "w",
        '\u{0433}' | '\u{0413}' => "r",
        '\u{0437}' | '\u{0417}' => "3",
        '\u{043F}' | '\u{041F}' => "n",
        // Greek look-alikes.
        '\u{03B1}' | '\u{0391}' => "a",
        '\u{03B2}' | '\u{0392}' => "b",
        '\u{03B3}' => "y",
        '\u{03B5}' | '\u{0395}' => "e",
        '\u{0396}' | '\u{03B6}' => "z",
        '\u{0397}' => "h",
        '\u{03B7}' => "n",
        '\u{03B9}' | '\u{0399}' => "i",
        '\u{03BA}' | '\u{039A}' => "k",
        '\u{039C}' => "m",
        '\u{03BC}' => "u",
        '\u{039D}' | '\u{03BD}' => "v",
        '\u{03BF}' | '\u{039F}' | '\u{03C3}' => "o",
        '\u{03C1}' | '\u{03A1}' => "p",
        '\u{03C4}' | '\u{03A4}' => "t",
        '\u{03C5}' | '\u{03A5}' => "y",
        '\u{03C7}' | '\u{03A7}' => "x",
        '\u{03C9}' => "w",
        '\u{03C2}' => "s",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        normalize(s).as_str().to_string()
    }

    #[test]
    fn ascii_is_lowercased_in_place() {
        let n = normalize("Call ME\tnow");
        assert_eq!(n.as_str(), "call me now");
        // Every control character but the line feed is a space; the rest is only lower-cased.
        assert_eq!(normalize("\x00A\x7fB\nC\r\x1f~").as_str(), " a b\nc  ~");
        assert_eq!(normalize("NO CONTROL").as_str(), "no control");
        assert_eq!(n.original_span(5, 7), (5, 7));
    }

    #[test]
    fn full_width_at_stays_at() {
        assert_eq!(norm("john\u{FF20}gmail\u{FF0E}com"), "john@gmail.com");
        assert_eq!(norm("john\u{FE6B}gmail"), "john@gmail");
    }

    #[test]
    fn full_width_and_circled_digits() {
        assert_eq!(norm("\u{FF14}\u{FF11}\u{FF15}"), "415");
        assert_eq!(norm("\u{2463}\u{2460}\u{2464}"), "415");
        assert_eq!(norm("\u{1D7D8}\u{1D7D9}"), "01");
    }

    #[test]
    fn homoglyphs_fold_to_latin() {
        // "whаtsаpp" with Cyrillic a's; "ΤΕLΕGRΑΜ" with Greek capitals.
        assert_eq!(norm("wh\u{0430}ts\u{0430}pp"), "whatsapp");
        assert_eq!(
            norm("\u{03A4}\u{0395}L\u{0395}GR\u{0391}\u{039C}"),
            "telegram"
        );
        assert_eq!(norm("\u{1D41A}\u{1D41B}"), "ab");
        assert_eq!(norm("Ⓦⓗⓐⓣⓢ"), "whats");
    }

    #[test]
    fn invisible_characters_are_dropped_and_spans_cover_them() {
        let s = "wh\u{200B}ats\u{202E}app";
        let n = normalize(s);
        assert_eq!(n.as_str(), "whatsapp");
        assert_eq!(n.original_span(0, n.as_str().len()), (0, s.len()));
    }

    #[test]
    fn accents_and_case_fold() {
        assert_eq!(norm("ÉMAIL Café İstanbul"), "email cafe istanbul");
    }

    #[test]
    fn spans_map_back_to_original_chars() {
        let s = "tel: \u{FF14}\u{FF11}\u{FF15}!";
        let n = normalize(s);
        let t = n.as_str();
        let i = t.find("415").unwrap_or(0);
        let (a, b) = n.original_span(i, i + 3);
        assert_eq!(&s[a..b], "\u{FF14}\u{FF11}\u{FF15}");
    }

    #[test]
    fn expansion_inside_one_char_keeps_the_whole_char() {
        let s = "x\u{FB01}y"; // the "fi" ligature
        let n = normalize(s);
        assert_eq!(n.as_str(), "xfiy");
        assert_eq!(n.original_span(1, 2), (1, 4));
        assert_eq!(n.original_span(2, 3), (1, 4));
    }

    #[test]
    fn idempotent_on_tricky_inputs() {
        for s in [
            "İ", "ǅ", "ﬃ", "㎒", "Ω", "K", "ẞ", "µ", "ﷺ", "\u{1E9E}", "ΐ",
        ] {
            let once = norm(s);
            assert_eq!(norm(&once), once, "{s:?}");
        }
    }
}
