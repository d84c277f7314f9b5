//! Per-token API rate limits: a token bucket for each API token on this node. A caller over its
//! rate gets 429 `rate_limited` with `Retry-After`, before any work is done for it. Off unless
//! configured: the operator's own backend is the main caller and may legitimately send
//! thousands of events a second.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Requests per second per token, with bursts up to `burst`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    pub per_second: f64,
    pub burst: f64,
}

impl RateLimit {
    /// `per_second` requests a second on average, bursts of twice that (at least 1).
    pub fn per_second(per_second: u32) -> Self {
        let per_second = f64::from(per_second.max(1));
        Self {
            per_second,
            burst: (per_second * 2.0).max(1.0),
        }
    }
}

/// The buckets of every token seen recently.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    limit: RateLimit,
    buckets: Mutex<HashMap<String, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Buckets kept at most; idle ones (full again) are dropped first when it is reached.
const MAX_BUCKETS: usize = 100_000;

impl RateLimiter {
    pub fn new(limit: RateLimit) -> Self {
        Self {
            limit,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request from `key`'s bucket; `Err(wait)` when it is empty.
    pub fn take(&self, key: &str, now: Instant) -> Result<(), Duration> {
        let Ok(mut buckets) = self.buckets.lock() else {
            return Ok(());
        };
        let limit = self.limit;
        if buckets.len() >= MAX_BUCKETS && !buckets.contains_key(key) {
            buckets.retain(|_, b| refilled(b, limit, now) < limit.burst);
            if buckets.len() >= MAX_BUCKETS {
                buckets.clear();
            }
        }
        let bucket = buckets.entry(key.to_owned()).or_insert(Bucket {
            tokens: limit.burst,
            at: now,
        });
        bucket.tokens = refilled(bucket, limit, now);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64(
                (1.0 - bucket.tokens) / limit.per_second,
            ))
        }
    }
}

fn refilled(b: &Bucket, limit: RateLimit, now: Instant) -> f64 {
    let elapsed = now.saturating_duration_since(b.at).as_secs_f64();
    (b.tokens + elapsed * limit.per_second).min(limit.burst)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_then_the_rate() {
        let limiter = RateLimiter::new(RateLimit::per_second(10));
        let t = Instant::now();
        for _ in 0..20 {
            assert!(limiter.take("a", t).is_ok());
        }
        let wait = limiter.take("a", t).unwrap_err();
        assert!(wait <= Duration::from_millis(100) && wait > Duration::ZERO);
        // Another token has its own bucket.
        assert!(limiter.take("b", t).is_ok());
        // A tenth of a second later, one more.
        let later = t + Duration::from_millis(100);
        assert!(limiter.take("a", later).is_ok());
        assert!(limiter.take("a", later).is_err());
    }
}
