//! The in-memory near-duplicate index: compact signatures, account and time per letter, and one
//! open-addressing table per LSH band whose entries head a linked list of letters sharing that key.
//!
//! Memory per letter: 64 bytes of signature, 16 of account and time, 4 × 8 bands of list links, and
//! about 10 bytes × 8 bands of table slots — roughly 190 bytes, so 1M letters fit in about 190 MB.

use super::minhash::{BANDS, NUM_HASHES, Signature, compact_similarity};

/// The position of a letter in the index.
pub type LetterId = u32;

const NONE: u32 = u32::MAX;
/// Most letters examined per band and query: bounds the latency when one letter was sent thousands
/// of times (the counts are then lower bounds).
const MAX_WALK: usize = 4096;

/// One band's table: key (upper 32 bits of the band key) to the newest letter with that key.
#[derive(Debug, Clone, Default)]
struct BandTable {
    /// `key << 32 | (head + 1)`; 0 is an empty slot.
    slots: Vec<u64>,
    len: usize,
}

impl BandTable {
    fn with_capacity(n: usize) -> Self {
        BandTable {
            slots: vec![0; (n + n / 4).max(16)],
            len: 0,
        }
    }

    fn pos(&self, key: u32) -> usize {
        ((u64::from(key) * self.slots.len() as u64) >> 32) as usize
    }

    fn get(&self, key: u32) -> Option<u32> {
        let n = self.slots.len();
        let mut p = self.pos(key);
        for _ in 0..n {
            let s = self.slots.get(p).copied().unwrap_or(0);
            if s == 0 {
                return None;
            }
            if (s >> 32) as u32 == key {
                return Some((s as u32).wrapping_sub(1));
            }
            p = if p + 1 == n { 0 } else { p + 1 };
        }
        None
    }

    /// Sets the head for `key`, returning the previous head.
    fn set(&mut self, key: u32, head: u32) -> Option<u32> {
        if (self.len + 1) * 5 > self.slots.len() * 4 {
            self.grow();
        }
        let n = self.slots.len();
        let mut p = self.pos(key);
        let packed = (u64::from(key) << 32) | u64::from(head.wrapping_add(1));
        for _ in 0..n {
            let Some(slot) = self.slots.get_mut(p) else {
                break;
            };
            if *slot == 0 {
                *slot = packed;
                self.len += 1;
                return None;
            }
            if (*slot >> 32) as u32 == key {
                let prev = (*slot as u32).wrapping_sub(1);
                *slot = packed;
                return Some(prev);
            }
            p = if p + 1 == n { 0 } else { p + 1 };
        }
        None
    }

    fn grow(&mut self) {
        let old = std::mem::take(&mut self.slots);
        self.slots = vec![0; (old.len() * 3 / 2).max(16)];
        self.len = 0;
        for s in old.into_iter().filter(|&s| s != 0) {
            self.set((s >> 32) as u32, (s as u32).wrapping_sub(1));
        }
    }
}

/// What to ask the index.
#[derive(Debug, Clone, Copy)]
pub struct DupQuery {
    /// The account sending the new letter (any stable 64-bit key, e.g. a hash of its id).
    pub account: u64,
    /// The time of the question, unix milliseconds.
    pub now_ms: i64,
    /// How far back to look, milliseconds ("the last N hours" = N * 3_600_000).
    pub window_ms: i64,
    /// The least similarity that counts, 0.0..=1.0 (0.8 = "at least 80% similar").
    pub min_similarity: f32,
}

/// The answer.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DupStats {
    /// Similar letters sent by the same account in the window.
    pub same_account: u32,
    /// Similar letters sent by anyone (including the account) in the window.
    pub any_account: u32,
    /// The highest similarity seen among letters in the window (0.0 when none).
    pub best_similarity: f32,
    /// The most recent time a similar letter was sent in the window.
    pub latest_ms: Option<i64>,
}

/// In-memory near-duplicate index. Not thread-safe for writes; wrap it in a lock to share.
#[derive(Debug, Clone, Default)]
pub struct NearDupIndex {
    sigs: Vec<[u8; NUM_HASHES]>,
    accounts: Vec<u64>,
    times: Vec<i64>,
    next: Vec<u32>,
    tables: Vec<BandTable>,
}

impl NearDupIndex {
    /// An empty index.
    pub fn new() -> Self {
        NearDupIndex::with_capacity(0)
    }

    /// An empty index sized for `n` letters (avoids regrowth).
    pub fn with_capacity(n: usize) -> Self {
        NearDupIndex {
            sigs: Vec::with_capacity(n),
            accounts: Vec::with_capacity(n),
            times: Vec::with_capacity(n),
            next: Vec::with_capacity(n * BANDS),
            tables: (0..BANDS).map(|_| BandTable::with_capacity(n)).collect(),
        }
    }

    /// Number of letters indexed.
    pub fn len(&self) -> usize {
        self.sigs.len()
    }

    /// True when nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.sigs.is_empty()
    }

    /// Approximate heap bytes used.
    pub fn heap_bytes(&self) -> usize {
        self.sigs.capacity() * NUM_HASHES
            + self.accounts.capacity() * 8
            + self.times.capacity() * 8
            + self.next.capacity() * 4
            + self
                .tables
                .iter()
                .map(|t| t.slots.capacity() * 8)
                .sum::<usize>()
    }

    /// Adds a letter sent by `account` at `at_ms`. Empty signatures are not indexed (None).
    pub fn insert(&mut self, account: u64, at_ms: i64, sig: &Signature) -> Option<LetterId> {
        if sig.is_empty() || self.sigs.len() >= (u32::MAX - 1) as usize {
            return None;
        }
        let id = u32::try_from(self.sigs.len()).ok()?;
        self.sigs.push(sig.compact());
        self.accounts.push(account);
        self.times.push(at_ms);
        for (band, key) in sig.band_keys().into_iter().enumerate() {
            let prev = self
                .tables
                .get_mut(band)
                .and_then(|t| t.set((key >> 32) as u32, id));
            self.next.push(prev.unwrap_or(NONE));
        }
        Some(id)
    }

    /// Counts letters similar to `sig` in the query's window.
    pub fn query(&self, sig: &Signature, q: &DupQuery) -> DupStats {
        let mut stats = DupStats::default();
        if sig.is_empty() {
            return stats;
        }
        let compact = sig.compact();
        let mut cands: Vec<u32> = Vec::with_capacity(32);
        for (band, key) in sig.band_keys().into_iter().enumerate() {
            let Some(mut id) = self
                .tables
                .get(band)
                .and_then(|t| t.get((key >> 32) as u32))
            else {
                continue;
            };
            let mut walked = 0;
            while id != NONE && walked < MAX_WALK {
                cands.push(id);
                walked += 1;
                id = self
                    .next
                    .get(id as usize * BANDS + band)
                    .copied()
                    .unwrap_or(NONE);
            }
        }
        cands.sort_unstable();
        cands.dedup();
        let from = q.now_ms.saturating_sub(q.window_ms);
        for id in cands {
            let i = id as usize;
            let (Some(&t), Some(&acct), Some(s)) =
                (self.times.get(i), self.accounts.get(i), self.sigs.get(i))
            else {
                continue;
            };
            if t < from || t > q.now_ms {
                continue;
            }
            let sim = compact_similarity(&compact, s);
            if sim < q.min_similarity {
                continue;
            }
            stats.any_account += 1;
            if acct == q.account {
                stats.same_account += 1;
            }
            stats.best_similarity = stats.best_similarity.max(sim);
            stats.latest_ms = Some(stats.latest_ms.map_or(t, |l| l.max(t)));
        }
        stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::neardup::MinHasher;

    const HOUR: i64 = 3_600_000;

    fn letter(name: &str, days: &str) -> String {
        format!(
            "Dear {name}, I read your project description and I am the right person for it. I have \
             built more than forty similar dashboards with React and Django, and I can start today \
             and deliver in {days}. My rate is fair and I communicate every day. Best regards, Sam"
        )
    }

    #[test]
    fn counts_similar_letters_in_the_window_per_account() {
        let h = MinHasher::default();
        let mut idx = NearDupIndex::new();
        idx.insert(1, 0, &h.signature(&letter("Anna", "five days")));
        idx.insert(1, HOUR, &h.signature(&letter("Bob", "six days")));
        idx.insert(2, 2 * HOUR, &h.signature(&letter("Carl", "five days")));
        idx.insert(1, 3 * HOUR, &h.signature("Completely different text about gardening tools and how to water tomatoes in summer."));
        let q = DupQuery {
            account: 1,
            now_ms: 4 * HOUR,
            window_ms: 24 * HOUR,
            min_similarity: 0.7,
        };
        let s = idx.query(&h.signature(&letter("Dana", "five days")), &q);
        assert_eq!((s.same_account, s.any_account), (2, 3));
        assert_eq!(s.latest_ms, Some(2 * HOUR));
        // A shorter window sees only the letters of the last 2.5 hours: Carl's (account 2).
        let s = idx.query(
            &h.signature(&letter("Dana", "five days")),
            &DupQuery {
                window_ms: 5 * HOUR / 2,
                ..q
            },
        );
        assert_eq!((s.same_account, s.any_account), (0, 1));
        // Nothing is similar to an unrelated text.
        let s = idx.query(
            &h.signature("Invoice 42 attached, thanks for the quick turnaround on the logo."),
            &q,
        );
        assert_eq!(s.any_account, 0);
    }

    #[test]
    fn table_grows_and_keeps_heads() {
        let mut t = BandTable::with_capacity(0);
        for k in 0..10_000u32 {
            assert_eq!(t.set(k.wrapping_mul(2_654_435_761), k), None);
        }
        for k in 0..10_000u32 {
            assert_eq!(t.get(k.wrapping_mul(2_654_435_761)), Some(k));
        }
        assert_eq!(t.set(0, 7), Some(0));
    }
}
