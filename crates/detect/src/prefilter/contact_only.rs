//! The contact gate alone (payment, abuse and feedback not wanted): the same answer as the word
//! pass ([`gates_for`]) in less time (`docs/BENCHMARKS.md`, session 21).
//!
//! Why a second pass. Most words of a text can do nothing to the contact gate: no digit, in no
//! contact list, no name can start at them. The word pass still spends tens of cycles on each,
//! much of it on branches that depend on the word (its length, whether its first letters are
//! listed) and mispredict, and on the byte loop that finds where each word ends, whose exit
//! mispredicts at nearly every word. This pass works in two phases over blocks of 64 bytes:
//! 1. the words are found from a bit mask of the word bytes, and each word is classified with one
//!    table look-up and no branch: a *trigger* may matter to the gate (a digit; a contact word
//!    of its length, a top-level domain, a name or glued number words may start with its first
//!    three characters, or, for a word of one or two characters, it is one; a name may start at
//!    a one-character word given the next word's first character; a top-level domain counts only
//!    after something other than one space or after a dot word, a filler word only right after
//!    a trigger). A trigger is written down, any other word only counted;
//! 2. the word pass's own step ([`Pass::step`]) runs at each trigger, after what the step would
//!    have done to its state at the plain words before it ([`Pass::skip_plain_words`]). A
//!    trigger only because a name may start at it is a plain word to the step but for the name
//!    walk, which runs alone.
//!
//! What the step does at a word that is not a trigger does not depend on it beyond its length:
//! no phone item or filler, no request, no reason to pass; runs of one-character words (4 in a row,
//! or 3 letters spelling a number, let every text through) are counted over all words in phase 1. An `@` anywhere opens the
//! e-mail detector, as it does in the word pass at the word after it. Tests
//! (`tests_contact_only.rs`) and the fuzz target `scan` check both passes give the same answer.

use std::sync::LazyLock;

use super::pass::Pass;
use super::words::*;
use super::*;
use crate::nametrie::skipped_in_key;

/// Bits 0..8 of an entry: the lengths of the contact words (a bit of [`CONTACT_BITS`] other
/// than [`TLD`], and not a filler word alone) that start with these characters, bit
/// `min(len, 10) - 3`; every bit for a word of one or two characters that is one.
const T_LISTED: u16 = 0xff;
/// Some top-level domain starts so (or is this short word).
const T_TLD: u16 = 1 << 8;
/// An app or provider name may start at the word (`Names::may_start_word`; for a one-character
/// word, given the next word's first character).
const T_NAME: u16 = 1 << 9;
/// Glued number words may start so (`glued_number_words`: English digit words, or the units a
/// German pair starts with).
const T_GLUED: u16 = 1 << 10;
/// Some word whose only contact bit is [`FILLER`] starts so: it matters only right after a phone
/// item, a trigger.
const T_FILLER: u16 = 1 << 11;
/// Some dot word ([`DOT_WORD`]) starts so: a top-level domain after it is a trigger.
const T_DOT: u16 = 1 << 12;

/// The entries of two-character words start here in [`TRIGGERS`] (`+ c0 * 37 + c1`), after the
/// three-character starts (`(c0 * 36 + c1) * 36 + c2`, by `idx`); then those of one-character
/// words (`+ c0 * 37 + cn`), by the first character of the next word when a byte the name walk
/// skips comes between (`cn = 36` otherwise: a name may start).
const SHORT: usize = 36 * 36 * 36;
const SINGLE: usize = SHORT + 37 * 37;

/// The bit of a word's length among [`T_LISTED`]'s.
fn length_bit(len: usize) -> u16 {
    1 << (len.clamp(3, 10) - 3)
}

/// The trigger bits of each three-character start, two-character word and one-character word
/// (see [`SHORT`]).
static TRIGGERS: LazyLock<Box<[u16]>> = LazyLock::new(|| {
    let mut t = vec![0u16; SINGLE + 37 * 37].into_boxed_slice();
    let names = Names::contact();
    let chars: Vec<u8> = (b'a'..=b'z').chain(b'0'..=b'9').collect();
    let name = |may: bool| T_NAME * u16::from(may);
    for (i0, &b0) in chars.iter().enumerate() {
        for (i1, &b1) in chars.iter().enumerate() {
            for (i2, &b2) in chars.iter().enumerate() {
                let glued = matches!(
                    &[b0, b1, b2],
                    b"zer"
                        | b"one"
                        | b"two"
                        | b"thr"
                        | b"fou"
                        | b"fiv"
                        | b"six"
                        | b"sev"
                        | b"eig"
                        | b"nin"
                        | b"ein"
                        | b"zwe"
                        | b"dre"
                        | b"vie"
                        | b"fun"
                        | b"fue"
                        | b"sec"
                        | b"sie"
                        | b"ach"
                        | b"neu"
                );
                if let Some(x) = t.get_mut((i0 * 36 + i1) * 36 + i2) {
                    *x = name(names.may_start_word(&[b0, b1, b2])) | (T_GLUED * u16::from(glued));
                }
            }
            if let Some(x) = t.get_mut(SHORT + i0 * 37 + i1) {
                *x = name(names.may_start_word(&[b0, b1]));
            }
            // The walk from a one-character word reads on into the next word: a key of that
            // one character, or one that starts with both.
            if let Some(x) = t.get_mut(SINGLE + i0 * 37 + i1) {
                *x = name(names.at(&[b0], 0, CONTACT_NAME) != 0 || names.may_start(b0, b1));
            }
        }
        if let Some(x) = t.get_mut(SINGLE + i0 * 37 + 36) {
            *x = T_NAME;
        }
    }
    for (w, bits) in listed_words() {
        if !is_table_word(w) || bits & CONTACT_BITS == 0 {
            continue;
        }
        let filler = bits & CONTACT_BITS & !TLD == FILLER;
        let listed = bits & CONTACT_BITS & !TLD != 0 && !filler;
        let flags = (T_TLD * u16::from(bits & TLD != 0))
            | (T_FILLER * u16::from(filler))
            | (T_DOT * u16::from(bits & DOT_WORD != 0));
        let mut set = |at: usize, flags: u16| {
            if let Some(x) = t.get_mut(at) {
                *x |= flags;
            }
        };
        match *w.as_bytes() {
            [c0] => {
                for cn in 0..37 {
                    set(
                        SINGLE + idx(c0) * 37 + cn,
                        (T_LISTED * u16::from(listed)) | flags,
                    );
                }
            }
            [c0, c1] => set(
                SHORT + idx(c0) * 37 + idx(c1),
                (T_LISTED * u16::from(listed)) | flags,
            ),
            [c0, c1, c2, ..] => set(
                (idx(c0) * 36 + idx(c1)) * 36 + idx(c2),
                (length_bit(w.len()) * u16::from(listed)) | flags,
            ),
            [] => {}
        }
    }
    t
});

/// A trigger word: its range, its index among the text's words, and where the word before it
/// ends (its gap starts).
#[derive(Clone, Copy, Default)]
struct Trigger {
    start: u32,
    end: u32,
    index: u32,
    gap_start: u32,
}

/// The bit of [`Trigger::index`] set when a name may start at the word and nothing else makes
/// it a trigger: the step would treat it as a plain word and look for a name.
const NAME_ONLY: u32 = 1 << 31;

/// Room for the triggers of a few blocks: phase 2 runs once more than [`FLUSH`] are waiting, and
/// at most 32 words start in a block of 64 bytes, and one more may run on from the last.
const ROOM: usize = 64;
const FLUSH: usize = ROOM - 34;

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `x` strictly between `m` and `n` (`n` at most 128; bytes of 128
/// and more are never between), eight bytes at once.
#[inline(always)]
fn between(x: u64, m: u8, n: u8) -> u64 {
    let low = x & (ONES * 127);
    (ONES * (127 + u64::from(n))).wrapping_sub(low)
        & !x
        & (low + ONES * (127 - u64::from(m)))
        & HIGHS
}

/// The high bits of the eight bytes of `x` gathered into eight bits (byte `i` to bit `i`).
#[inline(always)]
fn gather(x: u64) -> u64 {
    ((x >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

/// Bit masks of the word bytes (ASCII letters and digits) and of the digits of a block of 64
/// bytes (bit `j`: byte `j`), and whether it holds an `@`.
#[inline(always)]
fn masks(block: &[u8; 64]) -> (u64, u64, bool) {
    let (mut words, mut digits, mut at) = (0u64, 0u64, 0u64);
    for (k, c) in block.chunks_exact(8).enumerate() {
        let mut b = [0u8; 8];
        b.copy_from_slice(c);
        let x = u64::from_le_bytes(b);
        let digit = between(x, b'0' - 1, b'9' + 1);
        let letter = between(x | (ONES * 0x20), b'a' - 1, b'z' + 1);
        words |= gather(digit | letter) << (8 * k);
        digits |= gather(digit) << (8 * k);
        let z = x ^ (ONES * u64::from(b'@'));
        at |= z.wrapping_sub(ONES) & !z & HIGHS;
    }
    (words, digits, at != 0)
}

/// Phase 1: what it knows of the words so far, and how many triggers wait in the records for
/// phase 2.
#[derive(Clone, Copy)]
struct Words {
    waiting: usize,
    /// Words so far, where the last one ended, whether it was a trigger, whether a dot word may
    /// be it.
    count: usize,
    prev_end: usize,
    prev_trigger: bool,
    prev_dot: bool,
    /// Where the word before the last one ended.
    prev_prev_end: usize,
    /// One-character words in a row, and whether letters may merge somewhere
    /// ([`letters_may_merge`]).
    singles: usize,
    may_merge: bool,
}

impl Words {
    /// Classifies the word `s[start..end]` (`digit`: it has one) and writes it down in `records`
    /// when it is a trigger, without a branch.
    #[inline(always)]
    fn word(
        &mut self,
        s: &[u8],
        triggers: &[u16],
        records: &mut [Trigger; ROOM],
        (start, end): (usize, usize),
        digit: bool,
    ) {
        let len = end - start;
        // The byte before the word and the seven from its start, in one load ('.' off the text).
        let window = s
            .get(start.wrapping_sub(1)..)
            .and_then(|r| r.first_chunk::<8>())
            .copied()
            .unwrap_or_else(|| {
                std::array::from_fn(|k| {
                    (start + k)
                        .checked_sub(1)
                        .and_then(|p| s.get(p))
                        .copied()
                        .unwrap_or(b'.')
                })
            });
        let [before, b0, b1, b2, ..] = window;
        let (c0, c1, c2) = (idx(b0), idx(b1), idx(b2));
        // From a word of one character the name walk reads on over a skipped byte into the next
        // word: its first character decides. (Two of the same character are one key character
        // too; their entries let a name start.)
        let on = 0usize.wrapping_sub(usize::from(skipped_in_key(b1)));
        let next = (idx(b2) & on) | (36 & !on);
        // The entry by masks, not branches: word lengths follow no pattern a branch predictor
        // could learn.
        let long = 0usize.wrapping_sub(usize::from(len >= 3));
        let one = 0usize.wrapping_sub(usize::from(len == 1));
        let short = ((SINGLE + c0 * 37 + next) & one) | ((SHORT + c0 * 37 + c1) & !one);
        let i = (((c0 * 36 + c1) * 36 + c2) & long) | (short & !long);
        let t = triggers.get(i).copied().unwrap_or(u16::MAX);
        // One space since the last word: no dot-like token before a top-level domain unless the
        // last word is a dot word.
        let plain_gap =
            (start == self.prev_end + 1) & (BYTE[usize::from(before)] & (SPACE | NEWLINE) != 0);
        let strong = digit
            | (t & length_bit(len) != 0)
            | (t & T_GLUED != 0) & (len >= 6)
            | (t & T_TLD != 0) & (!plain_gap | self.prev_dot)
            | (t & T_FILLER != 0) & self.prev_trigger;
        let name = t & T_NAME != 0;
        let trigger = strong | name;
        self.prev_dot = t & T_DOT != 0;
        if let Some(f) = records.get_mut(self.waiting) {
            *f = Trigger {
                start: start as u32,
                end: end as u32,
                index: self.count as u32 | (NAME_ONLY * u32::from(!strong)),
                gap_start: self.prev_end as u32,
            };
        }
        self.waiting += usize::from(trigger);
        self.singles = if len == 1 { self.singles + 1 } else { 0 };
        // Three or more in a row are rare: the branch is predicted. The two words before this
        // one are then one character each, ending at `prev_end` and `prev_prev_end`.
        if self.singles >= 3 {
            let at = |end: usize| end.checked_sub(1).and_then(|p| s.get(p)).copied();
            let spelled = [at(self.prev_prev_end), at(self.prev_end), Some(b0)]
                .iter()
                .fold(0u32, |k, b| {
                    k << 8 | u32::from(b.unwrap_or(0).to_ascii_lowercase())
                });
            self.may_merge |= letters_may_merge(self.singles, spelled);
        }
        self.prev_prev_end = self.prev_end;
        self.prev_trigger = trigger;
        self.prev_end = end;
        self.count += 1;
    }
}

/// Phase 2 and the state it keeps between flushes.
struct Steps<'a> {
    s: &'a [u8],
    want: Gates,
    table: &'static Table,
    names: Names,
    pass: Pass,
    /// The index of the last word the step ran at (`None`: none yet).
    last: Option<usize>,
}

impl Steps<'_> {
    /// Runs the step at `triggers`; true when the answer is known to be `want.full()`.
    fn run(&mut self, triggers: &[Trigger]) -> bool {
        let s = self.s;
        for t in triggers {
            let (start, end) = (t.start as usize, t.end as usize);
            let index = (t.index & !NAME_ONLY) as usize;
            let plain = index - self.last.map_or(0, |l| l + 1);
            if t.index & NAME_ONLY != 0 {
                // What the step does at such a word: the plain words' state, and the name walk
                // while no name has been seen.
                self.pass.skip_plain_words(plain + 1);
                self.last = Some(index);
                if self.pass.parts & C_NAMES == 0
                    && self.names.at(s, start, CONTACT_NAME) & CONTACT_NAME != 0
                {
                    self.pass.parts |= C_APPS | C_EMAIL | C_NAMES;
                    if self.pass.parts == C_ALL {
                        return true;
                    }
                }
                continue;
            }
            self.pass.skip_plain_words(plain);
            let (mut gap, mut gap_syms) = (0u8, 0usize);
            for &b in s.get(t.gap_start as usize..start).unwrap_or(&[]) {
                let k = BYTE[usize::from(b)];
                gap |= k;
                gap_syms += usize::from(k & PHONE_SEP != 0);
            }
            let kinds = s
                .get(start..end)
                .unwrap_or(&[])
                .iter()
                .fold(0u8, |k, &b| k | BYTE[usize::from(b)]);
            let known = self.pass.step::<true, false>(
                s,
                (start, end),
                kinds,
                (gap, gap_syms),
                self.table,
                &self.names,
                Filter::Contact,
                self.want,
            );
            if known {
                return true;
            }
            self.last = Some(index);
        }
        false
    }
}

/// [`gates_ascii`] when only contact info is wanted (`want.contact`, nothing else).
pub(super) fn contact_only(skel: &str, want: Gates) -> Gates {
    let s = skel.as_bytes();
    // Positions and word counts are kept in 31 bits (the scanner cuts texts into pieces far
    // shorter); the top bit of a record's index is [`NAME_ONLY`].
    if s.len() >= 1 << 31 {
        return gates_for::<true, false>(skel, want);
    }
    let triggers: &[u16] = &TRIGGERS;
    let mut steps = Steps {
        s,
        want,
        table: Table::get(),
        names: Names::contact(),
        pass: Pass::new(),
        last: None,
    };
    let mut records = [Trigger::default(); ROOM];
    let mut found = Words {
        waiting: 0,
        count: 0,
        prev_end: 0,
        prev_trigger: false,
        prev_dot: false,
        prev_prev_end: 0,
        singles: 0,
        may_merge: false,
    };
    // A word running on from the previous block: where it started, whether it has a digit.
    let (mut carry, mut open_start, mut open_digit) = (false, 0usize, false);
    let mut base = 0usize;
    while base < s.len() {
        // The last block is padded with zeros, which are no word bytes.
        let (wm, dm, at) = match s
            .get(base..base + 64)
            .and_then(|b| <&[u8; 64]>::try_from(b).ok())
        {
            Some(block) => masks(block),
            None => {
                let mut padded = [0u8; 64];
                let rest = s.get(base..).unwrap_or(&[]);
                if let Some(d) = padded.get_mut(..rest.len()) {
                    d.copy_from_slice(rest);
                }
                masks(&padded)
            }
        };
        // An `@` never belongs to a word: the word pass opens the e-mail detector at the word
        // after it (or at the end), whatever comes between.
        if at {
            steps.pass.parts |= C_EMAIL;
        }
        let before = (wm << 1) | u64::from(carry);
        let mut starts = wm & !before;
        // The first byte after each word (a block shorter than 64 bytes ends in zeros).
        let mut ends = !wm & before;
        if carry {
            if ends == 0 {
                open_digit |= dm != 0;
            } else {
                let e = ends.trailing_zeros() as usize;
                ends &= ends - 1;
                let digit = open_digit || dm & ((1u64 << e) - 1) != 0;
                found.word(s, triggers, &mut records, (open_start, base + e), digit);
            }
        }
        while starts != 0 {
            let a = starts.trailing_zeros() as usize;
            starts &= starts - 1;
            if ends == 0 {
                (open_start, open_digit) = (base + a, dm >> a != 0);
                break;
            }
            let e = ends.trailing_zeros() as usize;
            ends &= ends - 1;
            let digit = (dm >> a) & ((1u64 << (e - a)) - 1) != 0;
            found.word(s, triggers, &mut records, (base + a, base + e), digit);
        }
        carry = wm >> 63 != 0;
        base += 64;
        if found.waiting > FLUSH {
            if found.may_merge || steps.run(records.get(..found.waiting).unwrap_or(&[])) {
                return want.full();
            }
            found.waiting = 0;
        }
    }
    if carry {
        found.word(s, triggers, &mut records, (open_start, s.len()), open_digit);
    }
    if found.may_merge || steps.run(records.get(..found.waiting).unwrap_or(&[])) {
        return want.full();
    }
    steps.pass.finish::<true>(s, want)
}
