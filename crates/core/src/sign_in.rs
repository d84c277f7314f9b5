//! Sign-in throttling by delay, not by lock-out. After a few free failures, each further attempt
//! must wait a little longer after the last failure (1 s, 2 s, 4 s, … up to a cap): guessing
//! becomes slow, while the owner who types the right password after the wait gets in. A refusal
//! for a fixed period would let anyone lock an owner out by failing on purpose.

use crate::Timestamp;

/// The longest wait between attempts: five minutes.
pub const MAX_DELAY_MS: i64 = 5 * 60 * 1000;

/// Milliseconds the next attempt must still wait, given `failures` recent failures, the last of
/// them at `last_failure`, of which the first `free` cost nothing. 0 means go.
pub fn wait_ms(failures: i64, last_failure: Option<Timestamp>, now: Timestamp, free: i64) -> i64 {
    if failures < free.max(0) {
        return 0;
    }
    let Some(last) = last_failure else {
        return 0;
    };
    let doublings = (failures - free).clamp(0, 20);
    let delay = (1000_i64 << doublings).min(MAX_DELAY_MS);
    (last.millis() + delay - now.millis()).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_grows_with_failures_and_ends() {
        let t = Timestamp(1_000_000);
        assert_eq!(wait_ms(4, Some(t), t, 5), 0);
        assert_eq!(wait_ms(5, Some(t), t, 5), 1000);
        assert_eq!(wait_ms(6, Some(t), t, 5), 2000);
        assert_eq!(wait_ms(8, Some(t), t.plus_millis(3000), 5), 5000);
        assert_eq!(wait_ms(60, Some(t), t, 5), MAX_DELAY_MS);
        assert_eq!(wait_ms(60, Some(t), t.plus_millis(MAX_DELAY_MS), 5), 0);
        assert_eq!(wait_ms(9, None, t, 5), 0);
    }
}
