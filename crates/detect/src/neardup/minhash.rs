//! Seeded MinHash over word 3-shingles of the normalised text.

use crate::normalize::normalize;

/// Number of hash functions in a signature.
pub const NUM_HASHES: usize = 64;
/// Number of LSH bands (band keys per signature).
pub const BANDS: usize = 8;
/// Hash values per band.
pub const ROWS: usize = 4;

/// Words per shingle.
const SHINGLE: usize = 3;
/// Cap on the words read from one letter: keeps signing linear and bounded for huge inputs.
const MAX_WORDS: usize = 20_000;

/// SplitMix64: a well-mixed, seedable stream of 64-bit values.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 33)).wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    z = (z ^ (z >> 33)).wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    z ^ (z >> 33)
}

/// Hash of one word, seeded.
fn word_hash(seed: u64, w: &[u8]) -> u64 {
    let mut h = seed ^ (w.len() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut chunks = w.chunks_exact(8);
    for c in &mut chunks {
        let mut buf = [0u8; 8];
        buf.copy_from_slice(c);
        h = (h ^ u64::from_le_bytes(buf))
            .wrapping_mul(0x100_0000_01B3)
            .rotate_left(29);
    }
    let mut buf = [0u8; 8];
    let rem = chunks.remainder();
    if let Some(b) = buf.get_mut(..rem.len()) {
        b.copy_from_slice(rem);
    }
    h = (h ^ u64::from_le_bytes(buf)).wrapping_mul(0x100_0000_01B3);
    mix64(h)
}

/// The 64-bit hashes of the word 3-shingles of `text` after normalisation (a text of one or two
/// words is one shingle). Exposed for tests and for callers that want their own sketch.
pub fn shingle_hashes(seed: u64, text: &str) -> Vec<u64> {
    let norm = normalize(text);
    let words: Vec<u64> = norm
        .as_str()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(MAX_WORDS)
        .map(|w| word_hash(seed, w.as_bytes()))
        .collect();
    if words.is_empty() {
        return Vec::new();
    }
    if words.len() < SHINGLE {
        return vec![mix64(
            words.iter().fold(seed, |h, &w| h.rotate_left(21) ^ w),
        )];
    }
    words
        .windows(SHINGLE)
        .map(|w| {
            let a = w.first().copied().unwrap_or(0);
            let b = w.get(1).copied().unwrap_or(0);
            let c = w.get(2).copied().unwrap_or(0);
            mix64(a.rotate_left(42) ^ b.rotate_left(21) ^ c)
        })
        .collect()
}

/// Computes signatures. Build once per seed; every node must use the same seed.
#[derive(Debug, Clone)]
pub struct MinHasher {
    seed: u64,
    mul: [u64; NUM_HASHES],
    add: [u64; NUM_HASHES],
}

impl Default for MinHasher {
    /// The seed Trustwork uses unless configured otherwise.
    fn default() -> Self {
        MinHasher::new(0x7472_7573_7477_6b31)
    }
}

impl MinHasher {
    /// A hasher whose 64 hash functions are derived from `seed`.
    pub fn new(seed: u64) -> Self {
        let mut st = seed;
        let mut mul = [0u64; NUM_HASHES];
        let mut add = [0u64; NUM_HASHES];
        for (m, a) in mul.iter_mut().zip(add.iter_mut()) {
            *m = splitmix(&mut st) | 1;
            *a = splitmix(&mut st);
        }
        MinHasher { seed, mul, add }
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The signature of `text`.
    pub fn signature(&self, text: &str) -> Signature {
        self.signature_of_hashes(&shingle_hashes(self.seed, text))
    }

    /// The signature of a set of shingle hashes (multiply-shift hashing, minimum per function).
    pub fn signature_of_hashes(&self, shingles: &[u64]) -> Signature {
        let mut mins = [u32::MAX; NUM_HASHES];
        for &x in shingles {
            for ((m, a), slot) in self.mul.iter().zip(self.add.iter()).zip(mins.iter_mut()) {
                let v = (m.wrapping_mul(x).wrapping_add(*a) >> 32) as u32;
                *slot = (*slot).min(v);
            }
        }
        Signature { mins }
    }
}

/// A MinHash signature: 64 minimum hash values. Equal texts have equal signatures.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Signature {
    mins: [u32; NUM_HASHES],
}

impl Signature {
    /// The raw minimum values.
    pub fn values(&self) -> &[u32; NUM_HASHES] {
        &self.mins
    }

    /// True for the signature of a text without words (it is similar to nothing).
    pub fn is_empty(&self) -> bool {
        self.mins.iter().all(|&v| v == u32::MAX)
    }

    /// Estimated Jaccard similarity of the two shingle sets, 0.0..=1.0.
    pub fn similarity(&self, other: &Signature) -> f32 {
        if self.is_empty() || other.is_empty() {
            return 0.0;
        }
        let same = self
            .mins
            .iter()
            .zip(other.mins.iter())
            .filter(|(a, b)| a == b)
            .count();
        same as f32 / NUM_HASHES as f32
    }

    /// The LSH band keys: letters sharing any key are candidates. Keys include the band number, so
    /// one table (`band_key -> letter`) can hold all bands. Store them as signed 64-bit integers if
    /// the database has no unsigned type (`key as i64` round-trips).
    pub fn band_keys(&self) -> [u64; BANDS] {
        let mut keys = [0u64; BANDS];
        for (b, key) in keys.iter_mut().enumerate() {
            let mut h = (b as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            for r in 0..ROWS {
                let v = self.mins.get(b * ROWS + r).copied().unwrap_or(0);
                h = mix64(h ^ u64::from(v));
            }
            *key = h;
        }
        keys
    }

    /// The 8-bit-per-hash compact form kept by the in-memory index (b-bit MinHash).
    pub fn compact(&self) -> [u8; NUM_HASHES] {
        let mut out = [0u8; NUM_HASHES];
        for (o, &v) in out.iter_mut().zip(self.mins.iter()) {
            *o = (mix64(u64::from(v)) & 0xFF) as u8;
        }
        out
    }

    /// 256 bytes, little-endian, for storage.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.mins.iter().flat_map(|v| v.to_le_bytes()).collect()
    }

    /// Reads what [`Signature::to_bytes`] wrote; None when the length is wrong.
    pub fn from_bytes(bytes: &[u8]) -> Option<Signature> {
        if bytes.len() != NUM_HASHES * 4 {
            return None;
        }
        let mut mins = [0u32; NUM_HASHES];
        for (m, c) in mins.iter_mut().zip(bytes.chunks_exact(4)) {
            let mut b = [0u8; 4];
            b.copy_from_slice(c);
            *m = u32::from_le_bytes(b);
        }
        Some(Signature { mins })
    }
}

/// Similarity estimated from two compact signatures, corrected for the 1/256 chance that two
/// different 8-bit values collide.
pub(crate) fn compact_similarity(a: &[u8; NUM_HASHES], b: &[u8; NUM_HASHES]) -> f32 {
    let same = a.iter().zip(b.iter()).filter(|(x, y)| x == y).count() as f32 / NUM_HASHES as f32;
    let c = 1.0 / 256.0;
    ((same - c) / (1.0 - c)).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LETTER: &str = "Hello, I have read your job post carefully and I am confident I can deliver \
        a clean, responsive website within two weeks. I have seven years of experience with React, \
        Node and PostgreSQL, and I always communicate daily. Looking forward to working with you.";

    #[test]
    fn deterministic_and_seeded() {
        let a = MinHasher::new(1).signature(LETTER);
        assert_eq!(a, MinHasher::new(1).signature(LETTER));
        assert_ne!(a, MinHasher::new(2).signature(LETTER));
        assert_eq!(
            a.band_keys(),
            MinHasher::new(1).signature(LETTER).band_keys()
        );
    }

    #[test]
    fn similarity_tracks_edits() {
        let h = MinHasher::default();
        let a = h.signature(LETTER);
        let same = h.signature(&LETTER.to_uppercase());
        assert_eq!(a.similarity(&same), 1.0);
        let edited = LETTER
            .replace("Hello,", "Dear John,")
            .replace("two weeks", "ten days");
        let s = a.similarity(&h.signature(&edited));
        assert!(s > 0.6 && s < 1.0, "{s}");
        let other =
            h.signature("Please find attached the invoice for March; payment is due on receipt.");
        assert!(a.similarity(&other) < 0.2);
    }

    #[test]
    fn bytes_round_trip() {
        let s = MinHasher::default().signature(LETTER);
        assert_eq!(Signature::from_bytes(&s.to_bytes()), Some(s));
        assert_eq!(Signature::from_bytes(&[0u8; 3]), None);
    }

    #[test]
    fn empty_text_is_similar_to_nothing() {
        let h = MinHasher::default();
        let e = h.signature("  ,,, ");
        assert!(e.is_empty());
        assert_eq!(e.similarity(&e), 0.0);
    }
}
