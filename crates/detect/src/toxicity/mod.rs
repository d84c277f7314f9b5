//! A learned scorer of offensive and harassing language: a linear model over hashed words, word
//! pairs and character 4-grams (see [`features`]), trained by `trustwork train-toxicity` from
//! public data and our own written cases, its weights a file in the repository
//! (`crates/detect/model/toxicity.bin`, built in).
//!
//! Two heads share the features: *offensive* (profanity, insults, slurs, threats: what a moderator
//! calls toxic) and *harassment* (aimed at a person or a group). The lexicon in `abuse` finds what it
//! knows for sure and explains it word by word; the model finds what the lexicon has no entry for
//! ("people like you shouldn't be allowed online") and tolerates spellings it never saw.
//!
//! The file: `TWTX` magic, version 1, the number of hash bits, then per head a scale, a bias and a
//! threshold (f32, little-endian), then the weights as one i8 pair per slot. Scoring is one pass
//! over the bytes and two reads per feature from a 512 KiB table.

mod features;
mod train;

pub use train::{Example, TrainOptions, train, train_with_everyday};

use std::sync::{Arc, LazyLock};

use features::{for_each_word, word_features};

/// The two things the model scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Head {
    /// Profanity, insults, slurs, threats: toxic language of any kind.
    Offensive = 0,
    /// Aimed at a person or a group.
    Harassment = 1,
}

/// One head's output layer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeadParams {
    /// Weight of one step of a quantised slot.
    pub scale: f32,
    pub bias: f32,
    /// The probability at and above which the head reports (chosen on validation data).
    pub threshold: f32,
}

/// A trained model.
#[derive(Clone, PartialEq)]
pub struct Model {
    bits: u32,
    heads: [HeadParams; 2],
    /// `weights[slot][head]`: both heads' weights of a slot in one read.
    weights: Vec<[i8; 2]>,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model")
            .field("bits", &self.bits)
            .field("heads", &self.heads)
            .finish_non_exhaustive()
    }
}

/// A model file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelError(pub &'static str);

impl std::fmt::Display for ModelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "model file: {}", self.0)
    }
}

impl std::error::Error for ModelError {}

const MAGIC: &[u8; 4] = b"TWTX";
const VERSION: u8 = 1;
/// Tables from 2^10 to 2^22 slots: smaller is useless, larger costs memory for nothing.
const BITS: std::ops::RangeInclusive<u32> = 10..=22;

/// The model built into this crate.
static BUILT_IN: LazyLock<Option<Arc<Model>>> = LazyLock::new(|| {
    Model::from_bytes(include_bytes!("../../model/toxicity.bin"))
        .ok()
        .map(Arc::new)
});

/// The built-in model (None only if the file in the repository is broken, which a test guards).
pub fn built_in() -> Option<Arc<Model>> {
    BUILT_IN.clone()
}

/// What the model makes of a text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scores {
    /// Probability (0..1) of each head, the highest over the text's windows.
    pub offensive: f32,
    pub harassment: f32,
    /// Byte range of the word that pushed the offensive score up the most (the evidence shown to
    /// a moderator), in the scored text.
    pub evidence: (usize, usize),
}

/// What one head makes of a whole text read as one window ([`Model::score_whole`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WholeScore {
    /// Probability (0..1) of the head.
    pub p: f32,
    /// Byte range of the word that pushed the head's score up the most, in the scored text.
    pub evidence: (usize, usize),
}

/// Texts are scored sentence by sentence: one abusive sentence in a long proposal is not diluted by
/// the rest. A window ends at a sentence end once it holds this many words...
const MIN_WINDOW: usize = 4;
/// ...and at this many words in any case (texts without punctuation).
const MAX_WINDOW: usize = 24;

/// True when the word ending at `end` ends a sentence (".", "!", "?" or a line break follows).
fn ends_sentence(bytes: &[u8], end: usize) -> bool {
    let rest = bytes.get(end..).unwrap_or_default();
    match rest
        .iter()
        .take(8)
        .find(|&&b| !matches!(b, b' ' | b'"' | b')' | b'\''))
    {
        Some(&b) => matches!(b, b'.' | b'!' | b'?' | b'\n' | b'\r'),
        // The end of the text ends a sentence; eight spaces in a row do not.
        None => rest.len() <= 8,
    }
}

impl Model {
    pub(crate) fn new(bits: u32, heads: [HeadParams; 2], weights: Vec<[i8; 2]>) -> Model {
        Model {
            bits,
            heads,
            weights,
        }
    }

    /// The parameters of one head.
    pub fn head(&self, h: Head) -> HeadParams {
        self.heads[h as usize]
    }

    fn slot(&self, hash: u64) -> usize {
        (hash >> (64 - self.bits)) as usize
    }

    /// Reads a model file.
    pub fn from_bytes(b: &[u8]) -> Result<Model, ModelError> {
        let rest = b
            .strip_prefix(MAGIC)
            .ok_or(ModelError("not a model file"))?;
        let (&version, rest) = rest.split_first().ok_or(ModelError("truncated"))?;
        if version != VERSION {
            return Err(ModelError("unknown version"));
        }
        let (&bits, mut rest) = rest.split_first().ok_or(ModelError("truncated"))?;
        let bits = u32::from(bits);
        if !BITS.contains(&bits) {
            return Err(ModelError("table size out of range"));
        }
        let mut f32s = [0f32; 6];
        for v in &mut f32s {
            let (x, r) = rest
                .split_first_chunk::<4>()
                .ok_or(ModelError("truncated"))?;
            *v = f32::from_le_bytes(*x);
            if !v.is_finite() {
                return Err(ModelError("not a number in the header"));
            }
            rest = r;
        }
        if rest.len() != 2 << bits {
            return Err(ModelError("wrong number of weights"));
        }
        // Scales must be positive and thresholds probabilities, or every score means nothing.
        for k in 0..2 {
            if f32s[3 * k] <= 0.0 || !(0.0..1.0).contains(&f32s[3 * k + 2]) {
                return Err(ModelError("a head's scale or threshold is out of range"));
            }
        }
        let head = |k: usize| HeadParams {
            scale: f32s[3 * k],
            bias: f32s[3 * k + 1],
            threshold: f32s[3 * k + 2],
        };
        Ok(Model {
            bits,
            heads: [head(0), head(1)],
            weights: rest
                .chunks_exact(2)
                .map(|p| match p {
                    &[a, b] => [a as i8, b as i8],
                    _ => [0, 0],
                })
                .collect(),
        })
    }

    /// The model as a file.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(4 + 2 + 24 + 2 * self.weights.len());
        out.extend_from_slice(MAGIC);
        out.push(VERSION);
        out.push(self.bits as u8);
        for h in &self.heads {
            for v in [h.scale, h.bias, h.threshold] {
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
        out.extend(self.weights.iter().flat_map(|p| p.map(|w| w as u8)));
        out
    }

    /// Scores `text`: the highest probability of each head over its windows (sentences, or runs of
    /// [`MAX_WINDOW`] words), read in one pass.
    pub fn score(&self, text: &str) -> Scores {
        let mut best = Scores {
            offensive: 0.0,
            harassment: 0.0,
            evidence: (0, 0),
        };
        let bytes = text.as_bytes();
        let mut block = Block::default();
        let mut prev = 0;
        for_each_word(text, |w| {
            let mut word = (0u32, [0i32; 2]);
            prev = word_features(w.text, prev, |h| {
                let pair = self.pair(h);
                word.0 += 1;
                word.1[0] += i32::from(pair[0]);
                word.1[1] += i32::from(pair[1]);
            });
            block.add(w.start, w.end, word.0, word.1);
            if block.words >= MAX_WINDOW || block.words >= MIN_WINDOW && ends_sentence(bytes, w.end)
            {
                self.window(&Block::default(), &block, &mut best);
                block = Block::default();
            }
        });
        // The last window is read alone (short windows are damped by `norm`), so words cannot hide
        // an insult at the end by padding the sentence before it.
        if block.words > 0 {
            self.window(&Block::default(), &block, &mut best);
        }
        best
    }

    /// Scores `text` with head `h` as one window: for what only the whole text says (a deal
    /// split over sentences, "Review first? Then I'll deliver"), which [`Model::score`]'s
    /// sentence windows would cut apart. Training reads every example this way, so a model whose
    /// thresholds were chosen with [`TrainOptions::whole_text`] is meant to be read with this.
    pub fn score_whole(&self, h: Head, text: &str) -> WholeScore {
        let k = h as usize;
        // i64: a text of any length cannot overflow the sum (127 per feature).
        let (mut features, mut sum) = (0usize, 0i64);
        let mut top: Option<(i64, usize, usize)> = None;
        let mut prev = 0;
        for_each_word(text, |w| {
            let mut word = 0i64;
            prev = word_features(w.text, prev, |f| {
                features += 1;
                word += i64::from(self.pair(f)[k]);
            });
            sum += word;
            if top.is_none_or(|t| word > t.0) {
                top = Some((word, w.start, w.end));
            }
        });
        let head = self.heads[k];
        match top {
            Some((_, start, end)) => WholeScore {
                p: sigmoid(head.bias + sum as f32 * head.scale * norm(features)),
                evidence: (start, end),
            },
            // No word, nothing said (as `score` has no window to read).
            None => WholeScore {
                p: 0.0,
                evidence: (0, 0),
            },
        }
    }

    /// The weights of both heads in the slot of a feature hash.
    fn pair(&self, h: u64) -> [i8; 2] {
        self.weights.get(self.slot(h)).copied().unwrap_or_default()
    }

    /// Scores the window made of blocks `a` and `b` and keeps the best.
    fn window(&self, a: &Block, b: &Block, best: &mut Scores) {
        let norm = norm((a.features + b.features) as usize);
        let p = [0, 1].map(|k| {
            let sum = a.sums[k] + b.sums[k];
            sigmoid(self.heads[k].bias + sum as f32 * self.heads[k].scale * norm)
        });
        if p[0] > best.offensive {
            best.offensive = p[0];
            let top = if b.words > 0 && (a.words == 0 || b.top.0 > a.top.0) {
                b.top
            } else {
                a.top
            };
            best.evidence = (top.1, top.2);
        }
        best.harassment = best.harassment.max(p[1]);
    }
    /// True when `p` of head `h` reaches its threshold.
    pub fn fires(&self, h: Head, p: f32) -> bool {
        p >= self.heads[h as usize].threshold
    }
}

/// A window, or part of one: its words' feature count and sums, and its word with the highest offensive sum
/// (sum, start, end).
#[derive(Default)]
struct Block {
    words: usize,
    features: u32,
    sums: [i32; 2],
    top: (i32, usize, usize),
}

impl Block {
    fn add(&mut self, start: usize, end: usize, features: u32, sums: [i32; 2]) {
        if self.words == 0 || sums[0] > self.top.0 {
            self.top = (sums[0], start, end);
        }
        self.words += 1;
        self.features += features;
        self.sums[0] += sums[0];
        self.sums[1] += sums[1];
    }
}

/// Features are weighted by 1/√n so a long text does not score high by length alone.
/// (counted as at least [`NORM_FLOOR`]: a three-word text is not sure of itself because one of its
/// words leans one way, "Cut a video.").
pub(crate) fn norm(n: usize) -> f32 {
    1.0 / (n.max(NORM_FLOOR) as f32).sqrt()
}

/// See [`norm`].
const NORM_FLOOR: usize = 24;

/// The confidence of a model's finding: 0.5 at the head's threshold, growing to 0.99 at
/// certainty, so the scanner's and the policy's confidence thresholds apply to it as to any rule's
/// (the toxicity model's findings and the feedback model's alike).
pub(crate) fn confidence(p: f32, threshold: f32) -> f32 {
    let span = (1.0 - threshold).max(1e-3);
    (0.5 + 0.5 * (p - threshold) / span).clamp(0.5, 0.99)
}

pub(crate) fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confidence_is_half_at_the_threshold_and_grows() {
        assert!((confidence(0.7, 0.7) - 0.5).abs() < 1e-6);
        assert!(confidence(0.85, 0.7) > 0.7);
        assert!(confidence(1.0, 0.7) <= 0.99);
        assert!((confidence(0.2, 0.7) - 0.5).abs() < 1e-6);
    }

    #[test]
    fn the_built_in_model_loads_and_round_trips() {
        let m = built_in().expect("the model in the repository reads");
        assert_eq!(Model::from_bytes(&m.to_bytes()).as_ref(), Ok(m.as_ref()));
    }

    #[test]
    fn broken_files_are_refused_with_a_reason() {
        assert_eq!(
            Model::from_bytes(b"nope").map(|_| ()),
            Err(ModelError("not a model file"))
        );
        let mut b = built_in().expect("model").to_bytes();
        b.truncate(b.len() - 1);
        assert_eq!(
            Model::from_bytes(&b).map(|_| ()),
            Err(ModelError("wrong number of weights"))
        );
        let mut b = built_in().expect("model").to_bytes();
        b[5] = 40;
        assert_eq!(
            Model::from_bytes(&b).map(|_| ()),
            Err(ModelError("table size out of range"))
        );
        let mut b = built_in().expect("model").to_bytes();
        b[6..10].copy_from_slice(&f32::NAN.to_le_bytes());
        assert!(Model::from_bytes(&b).is_err());
        let mut b = built_in().expect("model").to_bytes();
        b[14..18].copy_from_slice(&1.5f32.to_le_bytes());
        assert_eq!(
            Model::from_bytes(&b).map(|_| ()),
            Err(ModelError("a head's scale or threshold is out of range"))
        );
    }

    #[test]
    fn the_built_in_model_tells_abuse_from_work_talk() {
        let m = built_in().expect("model");
        let s = |t: &str| m.score(t);
        for bad in [
            "you are a pathetic worthless idiot",
            "shut up you stupid moron",
            "go fuck yourself",
        ] {
            assert!(m.fires(Head::Offensive, s(bad).offensive), "{bad}");
        }
        for ok in [
            "Thanks, the logo looks great. I'll send the files tomorrow.",
            "Can we move the deadline to Friday? The API is still failing.",
            "",
        ] {
            assert!(!m.fires(Head::Offensive, s(ok).offensive), "{ok}");
        }
    }

    #[test]
    fn evidence_points_at_a_word() {
        let m = built_in().expect("model");
        let text = "the design is fine but you are a fucking idiot";
        let (a, b) = m.score(text).evidence;
        assert!(a < b && b <= text.len());
    }

    proptest::proptest! {
        #[test]
        fn any_text_gets_scores_in_range_and_evidence_inside_it(text in "\\PC{0,300}") {
            let m = built_in().expect("model");
            let s = m.score(&text);
            proptest::prop_assert!((0.0..=1.0).contains(&s.offensive));
            proptest::prop_assert!((0.0..=1.0).contains(&s.harassment));
            let (a, b) = s.evidence;
            proptest::prop_assert!(a <= b && b <= text.len());
            proptest::prop_assert!(text.is_char_boundary(a) && text.is_char_boundary(b));
        }

        #[test]
        fn case_and_stretched_letters_do_not_change_a_score(
            words in proptest::collection::vec("[a-z]{1,8}", 1..12),
        ) {
            // "You ARE a clown" and "youuuu are a clooown" read as the same words.
            let m = built_in().expect("model");
            let plain = words.join(" ");
            let shouted: String = plain.to_uppercase();
            let stretched: String = words
                .iter()
                .map(|w| {
                    let mut c = w.chars();
                    let first = c.next().unwrap_or('a');
                    format!("{first}{first}{first}{first}{}", c.as_str())
                })
                .collect::<Vec<_>>()
                .join(" ");
            let doubled: String = words
                .iter()
                .map(|w| {
                    let mut c = w.chars();
                    let first = c.next().unwrap_or('a');
                    format!("{first}{first}{}", c.as_str())
                })
                .collect::<Vec<_>>()
                .join(" ");
            let probabilities = |t: &str| {
                let s = m.score(t);
                (s.offensive, s.harassment)
            };
            proptest::prop_assert_eq!(m.score(&plain), m.score(&shouted));
            proptest::prop_assert_eq!(probabilities(&stretched), probabilities(&doubled));
        }
    }

    #[test]
    fn a_text_of_one_window_scores_the_same_whole() {
        let m = built_in().expect("model");
        for text in [
            "you are a pathetic worthless idiot",
            "please send the invoice",
            "",
        ] {
            let whole = m.score_whole(Head::Offensive, text);
            assert_eq!(
                whole.p.to_bits(),
                m.score(text).offensive.to_bits(),
                "{text}"
            );
            assert_eq!(whole.evidence, m.score(text).evidence, "{text}");
        }
        // A long text is one window: its sentences are not read apart.
        let long = format!("{} shut up you stupid moron", "ok. ".repeat(200));
        assert!(m.score_whole(Head::Offensive, &long).p < m.score(&long).offensive);
    }

    proptest::proptest! {
        #[test]
        fn whole_text_scores_are_in_range_with_evidence_inside(text in "\\PC{0,300}") {
            let m = built_in().expect("model");
            let s = m.score_whole(Head::Harassment, &text);
            proptest::prop_assert!((0.0..=1.0).contains(&s.p));
            let (a, b) = s.evidence;
            proptest::prop_assert!(a <= b && b <= text.len());
            proptest::prop_assert!(text.is_char_boundary(a) && text.is_char_boundary(b));
        }
    }

    #[test]
    fn padding_does_not_hide_an_insult_at_the_end() {
        let m = built_in().expect("model");
        let alone = m.score("what a clueless clown").offensive;
        let padded = m
            .score(&format!("{} what a clueless clown", "ok ".repeat(24)))
            .offensive;
        assert!((alone - padded).abs() < 0.2, "{alone} vs {padded}");
    }

    #[test]
    fn long_texts_are_scored_by_windows() {
        let m = built_in().expect("model");
        let filler = "We reviewed the milestones and the invoice today. ".repeat(40);
        let alone = m.score("shut up you stupid moron").offensive;
        let inside = m
            .score(&format!("{filler} Shut up you stupid moron. {filler}"))
            .offensive;
        assert!((alone - inside).abs() < 0.35, "{alone} vs {inside}");
    }
}
