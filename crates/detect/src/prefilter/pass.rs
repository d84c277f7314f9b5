//! The word pass itself: one step per skeleton word, shared by the general pass ([`gates_for`])
//! and the contact-only pass (`contact_only`), which runs the step only at the words that can
//! matter to contact info.

use super::words::*;
use super::*;

/// The state of the word pass between words.
pub(super) struct Pass {
    /// The contact detectors opened so far (`C_*`).
    pub(super) parts: u8,
    /// An "at" word was seen: the e-mail detector needs it and a host.
    bare_at: bool,
    payment: bool,
    feedback: bool,
    /// The word bits seen so far (for the gates decided after the pass).
    seen: u64,
    /// One-character words in a row, and the last three of them (a byte each, lower case).
    singles: usize,
    spelled: u32,
    digits: usize,
    digit_words: usize,
    phone: Phone,
    /// Words since the last "your" (0: none yet), and what the word after a noun must be.
    since_your: usize,
    next_needs: u64,
    request: bool,
    /// The previous word is a dot word ("site dot com").
    prev_dot_word: bool,
}

impl Pass {
    pub(super) fn new() -> Pass {
        Pass {
            parts: 0,
            bare_at: false,
            payment: false,
            feedback: false,
            seen: 0,
            singles: 0,
            spelled: 0,
            digits: 0,
            digit_words: 0,
            phone: Phone::Other,
            since_your: 0,
            next_needs: 0,
            request: false,
            prev_dot_word: false,
        }
    }

    /// What the step does to the contact state at a word in no contact list, without a digit
    /// and not glued number words: no phone item or filler, no request, no new reason to pass.
    #[inline(always)]
    fn plain_word(&mut self) {
        self.phone = Phone::Other;
        self.next_needs = 0;
        if self.since_your > 0 {
            self.since_your += 1;
        }
    }

    /// What the step does to the contact state at `n` (maybe 0) words in a row that the
    /// contact-only pass found plain: no digit, no contact bit the step would read there, no
    /// name to look for (or, for its name-only triggers, the name looked for apart). The run of
    /// one-character words is reset: the contact-only pass counts those runs itself, and only
    /// reaches here when none could merge.
    #[inline(always)]
    pub(super) fn skip_plain_words(&mut self, n: usize) {
        // Without branches: whether words were skipped follows no pattern.
        let any = n > 0;
        self.phone = if any { Phone::Other } else { self.phone };
        self.next_needs &= u64::from(!any).wrapping_neg();
        self.since_your += n * usize::from(self.since_your > 0);
        self.prev_dot_word &= !any;
        self.singles *= usize::from(!any);
    }

    /// One word `s[start..end]` (its byte classes OR-ed in `kinds`), after a gap whose byte
    /// classes OR to `gap` and which holds `gap_syms` phone separators. Returns true when every
    /// wanted answer is known to be yes (`want.full()`): the rest of the text cannot change it.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    pub(super) fn step<const CONTACT: bool, const PAYMENT: bool>(
        &mut self,
        s: &[u8],
        (start, end): (usize, usize),
        kinds: u8,
        (gap, gap_syms): (u8, usize),
        table: &Table,
        names: &Names,
        filter: Filter,
        want: Gates,
    ) -> bool {
        let i = end;
        let has_digit = kinds & DIGIT != 0;
        // A line break does not end a phone number here: the detector reads numbers written one
        // piece per line (`phone::digit_lines`), which needs more context than this pass keeps.
        let (syms, other) = (gap_syms, gap & OTHER_SYM != 0);
        // Every dot-like token `after_dot` accepts before a word ends in `.`, a closing bracket
        // (a phone separator or another symbol) or a dot word.
        let after_dot_word = self.prev_dot_word;
        let dot_before = gap & (PHONE_SEP | OTHER_SYM) != 0 || after_dot_word;
        if CONTACT && gap & AT_SIGN != 0 {
            self.parts |= C_EMAIL;
        }
        let w = s.get(start..i).unwrap_or(&[]);
        // Letters spaced or dotted apart may merge into other words: no claim at all.
        if let [b] = *w {
            self.singles += 1;
            self.spelled = self.spelled << 8 | u32::from(b.to_ascii_lowercase());
            if letters_may_merge(self.singles, self.spelled) {
                return true;
            }
        } else {
            self.singles = 0;
        }
        let (mut bits, may_name) = table.word(s, start, i, filter);
        self.seen |= bits;
        self.prev_dot_word = bits & DOT_WORD != 0;
        // A top-level domain with no dot-like token before it is an ordinary word here ("in",
        // "me", "it", "my", "to" are most of the listed words of a text): the word takes the
        // cheap path below, which is what the full step would do with it.
        if !dot_before {
            bits &= !TLD;
        }
        self.feedback |= bits & RATING != 0;
        let contact_open = CONTACT && self.parts != C_ALL;
        let payment_open = PAYMENT && !self.payment;
        // Digit words glued together without a digit ("fouronefive") take two words, six letters.
        let glued_words = !has_digit
            && w.len() >= 6
            && may_start_digit_word(w)
            && contact_open
            && bits & CONTACT_BITS == 0
            && glued_number_words(w);
        if contact_open && bits & CONTACT_BITS == 0 && !has_digit && !glued_words {
            // Most words: in no contact list and without a digit.
            self.plain_word();
        } else if contact_open {
            self.contact_word(
                s,
                start,
                w,
                (has_digit, kinds),
                bits,
                glued_words,
                (syms, other, after_dot_word),
            );
        }
        if payment_open {
            if has_digit {
                self.digit_words += w.len();
            }
            let b = w;
            self.payment = self.digit_words >= 12
                || w.len() >= 26
                || (b.len() >= 4
                    && b.first().is_some_and(u8::is_ascii_alphabetic)
                    && b.get(1).is_some_and(u8::is_ascii_alphabetic)
                    && b.get(2).is_some_and(u8::is_ascii_digit)
                    && b.get(3).is_some_and(u8::is_ascii_digit));
        }
        let names_want = if CONTACT && self.parts & C_NAMES == 0 {
            CONTACT_NAME
        } else {
            0
        } | if PAYMENT && !self.payment {
            BRAND_NAME
        } else {
            0
        };
        if names_want & may_name != 0 {
            let found = names.at(s, start, names_want);
            if found & CONTACT_NAME != 0 {
                self.parts |= C_APPS | C_EMAIL | C_NAMES;
            }
            self.payment |= found & BRAND_NAME != 0;
        }
        // Every wanted answer is known to be yes (abuse reads the whole text, so not with it).
        (!CONTACT || self.parts == C_ALL)
            && (!PAYMENT || self.payment)
            && !want.abuse
            && (self.feedback || !want.feedback)
    }

    /// The contact step at a word that may be a phone item, a filler, part of a request or a
    /// reason to pass.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn contact_word(
        &mut self,
        s: &[u8],
        start: usize,
        w: &[u8],
        (has_digit, kinds): (bool, u8),
        bits: u64,
        glued_words: bool,
        (syms, other, after_dot_word): (usize, bool, bool),
    ) {
        // A phone number is a run of items (`phone::item`: digits, with leet `o l i` or an
        // `x` extension among them, or number words) joined by whitespace with at most two
        // separator symbols (`phone::separator`), or by one filler word (`and`, `dash`...);
        // a line break or any other word or symbol ends it. Each item gives at most its
        // length in digits, a number word at most 3 (`double` plus a digit, `hundred`).
        // Digits with leet letters ("4l5"), or glued to digit words ("5five5", "fouronefive").
        let item = if has_digit && kinds & OTHER_LETTER == 0
            || glued_words
            || has_digit && may_start_digit_word(w) && glued_number_words(w)
        {
            w.len()
        } else if bits & NUM != 0 {
            3
        } else {
            0
        };
        // More than two symbols join items only once three digits are read.
        let joined =
            !other && (syms <= 2 || syms <= 8 && self.digits >= 3 && self.phone == Phone::Item);
        if item > 0 {
            self.digits = if joined && self.phone != Phone::Other {
                self.digits + item
            } else {
                item
            };
            self.phone = Phone::Item;
        } else if self.phone == Phone::Item && joined && syms <= 1 && bits & FILLER != 0 {
            self.phone = Phone::Filler;
        } else {
            self.phone = Phone::Other;
        }
        // A request (`requests::contact_requests`): a contact noun one or two words after "your";
        // "number" right after it; "phone" only before "number"; "address", "personal"...
        // only before "email", "number"...
        let after = self.next_needs & bits;
        self.request |= after != 0;
        self.next_needs = 0;
        if matches!(self.since_your, 1 | 2) && bits & NOUN != 0 {
            if bits & NOUN_DEVICE != 0 {
                self.next_needs = AFTER_DEVICE;
            } else if bits & NOUN_DETAIL != 0 {
                self.next_needs = AFTER_DETAIL;
            } else {
                self.request |= bits & NOUN_NUMBER == 0 || self.since_your == 1;
            }
        }
        // The other languages (`contact::intl::requests`): a contact noun one to three words
        // after a possessive ("tus datos de contacto"), whatever it needs after it.
        // "no zap", "meu whats" (`contact::intl::slang`): the slang name must come next.
        // Both open the passes of `contact::intl` (and the apps detector they run in).
        if bits & SLANG_BEFORE != 0 {
            self.next_needs |= SLANG;
        }
        if matches!(self.since_your, 1..=3) && bits & FNOUN != 0 || after & SLANG != 0 {
            self.parts |= C_APPS | C_INTL;
        }
        self.since_your = if bits & YOUR != 0 {
            1
        } else if self.since_your > 0 {
            self.since_your + 1
        } else {
            0
        };
        // Each reason to pass opens only the detectors that can use it.
        if self.digits >= 7 {
            self.parts |= C_PHONE;
        }
        if self.request {
            self.parts |= C_APPS;
        }
        // A bracketed "at" is a marker whose host needs no known top-level domain; a bare
        // one needs one (a URL reason, checked below) or a provider name.
        if bits & AT != 0 {
            if after_open_bracket(s, start) {
                self.parts |= C_EMAIL;
            }
            self.bare_at = true;
        }
        if bits & SCHEME != 0 || (bits & TLD != 0 && after_dot(s, start, after_dot_word)) {
            self.parts |= C_URL;
        }
        if self.bare_at && self.parts & C_URL != 0 {
            self.parts |= C_EMAIL;
        }
    }
}

/// [`gates_ascii`] with `want.contact == CONTACT` and `want.payment == PAYMENT` known when
/// compiling.
pub(super) fn gates_for<const CONTACT: bool, const PAYMENT: bool>(
    skel: &str,
    want: Gates,
) -> Gates {
    let s = skel.as_bytes();
    let table = Table::get();
    // With only the contact gate wanted, words that matter to the other gates alone need not
    // be looked up.
    let filter = if PAYMENT || want.abuse || want.feedback {
        Filter::All
    } else {
        Filter::Contact
    };
    // With payment off only app and provider names matter: their own trie ends most walks sooner.
    let names = if PAYMENT {
        Names::get()
    } else {
        Names::contact()
    };
    let mut pass = Pass::new();
    // What lies between the previous word and this one: a line break, phone separator symbols,
    // anything else (which ends a phone number).
    let mut gap = 0u8;
    let mut gap_syms = 0usize;
    let mut i = 0;
    while i < s.len() {
        let k = s.get(i).map_or(OTHER_SYM, |&b| BYTE[usize::from(b)]);
        if k & WORD == 0 {
            gap |= k;
            gap_syms += usize::from(k & PHONE_SEP != 0);
            i += 1;
            continue;
        }
        let start = i;
        let mut kinds = 0u8;
        while let Some(&b) = s.get(i) {
            let k = BYTE[usize::from(b)];
            if k & WORD == 0 {
                break;
            }
            kinds |= k;
            i += 1;
        }
        let known = pass.step::<CONTACT, PAYMENT>(
            s,
            (start, i),
            kinds,
            (gap, gap_syms),
            table,
            &names,
            filter,
            want,
        );
        if known {
            return want.full();
        }
        (gap, gap_syms) = (0, 0);
    }
    if CONTACT && gap & AT_SIGN != 0 {
        pass.parts |= C_EMAIL;
    }
    pass.finish::<CONTACT>(s, want)
}

impl Pass {
    /// The gates once every word is read.
    pub(super) fn finish<const CONTACT: bool>(&self, s: &[u8], want: Gates) -> Gates {
        let abuse = want.abuse && (threat(self.seen) || abuse_word(s));
        Gates {
            contact: CONTACT && self.parts != 0,
            contact_parts: self.parts,
            payment: want.payment && (self.payment || outside_intent(self.seen)),
            abuse,
            // Five stars and top marks ("5*", "5/5", "10/10") name a rating for the feedback
            // model's gate: read after the pass, in the texts with such a number (a test per word
            // in the pass cost more, callgrind, session 18).
            feedback: want.feedback
                && (self.feedback
                    || self.seen & STAR_NUMBER != 0 && crate::feedback::learned::rating_marks(s)),
        }
    }
}
