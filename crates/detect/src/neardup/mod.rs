//! Near-duplicate letters: MinHash signatures over normalised word 3-shingles, LSH band keys, and
//! an in-memory index answering "has this account (or anyone) sent a letter at least X% similar in
//! the last N hours, and how many times".
//!
//! Everything is deterministic for a given seed, so signatures and band keys computed on different
//! server nodes agree and can live in a database table (see [`Signature::band_keys`] and
//! [`Signature::to_bytes`]); [`NearDupIndex`] is the in-memory equivalent for the CLI and tests.
//!
//! Parameters: [`NUM_HASHES`] = 64 hash functions; the first `BANDS * ROWS` = 32 of them form
//! [`BANDS`] = 8 bands of [`ROWS`] = 4 rows. A pair with Jaccard similarity s shares at least one
//! band with probability 1 - (1 - s^4)^8: 0.89 at s = 0.7, 0.985 at s = 0.8, 0.99996 at s = 0.9.
//! Candidates are then checked against the similarity estimated from all 64 hashes.

mod index;
mod minhash;

pub use index::{DupQuery, DupStats, LetterId, NearDupIndex};
pub use minhash::{BANDS, MinHasher, NUM_HASHES, ROWS, Signature, shingle_hashes};
