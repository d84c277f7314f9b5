//! Where "now" comes from. Nothing in Trustwork reads the system time except [`SystemClock`].

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use trustwork_core::Timestamp;

pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;

    /// Moves this clock forward, if it can be moved. Only the demo's test clock and the tests'
    /// fake clock can; the real clock refuses.
    fn advance(&self, _millis: i64) -> Result<Timestamp, ClockNotAdjustable> {
        Err(ClockNotAdjustable)
    }

    fn is_adjustable(&self) -> bool {
        false
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("this clock cannot be adjusted")]
pub struct ClockNotAdjustable;

pub type SharedClock = Arc<dyn Clock>;

fn system_millis() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}

/// The real time.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp(system_millis())
    }
}

/// Real time plus an offset an admin can push forward: the demo's "test clock", so a newcomer
/// can watch a 7-day deadline fire in a minute.
#[derive(Debug, Default)]
pub struct OffsetClock {
    offset_ms: AtomicI64,
}

impl OffsetClock {
    pub fn new(offset_ms: i64) -> Self {
        Self {
            offset_ms: AtomicI64::new(offset_ms),
        }
    }

    pub fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::SeqCst)
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> Timestamp {
        Timestamp(system_millis()).plus_millis(self.offset_ms())
    }

    fn advance(&self, millis: i64) -> Result<Timestamp, ClockNotAdjustable> {
        self.offset_ms.fetch_add(millis, Ordering::SeqCst);
        Ok(self.now())
    }

    fn is_adjustable(&self) -> bool {
        true
    }
}

/// A clock that moves only when told to, for tests.
#[derive(Debug, Default)]
pub struct FakeClock {
    now_ms: AtomicI64,
}

impl FakeClock {
    pub fn at(now: Timestamp) -> Self {
        Self {
            now_ms: AtomicI64::new(now.millis()),
        }
    }

    pub fn set(&self, now: Timestamp) {
        self.now_ms.store(now.millis(), Ordering::SeqCst);
    }
}

impl Clock for FakeClock {
    fn now(&self) -> Timestamp {
        Timestamp(self.now_ms.load(Ordering::SeqCst))
    }

    fn advance(&self, millis: i64) -> Result<Timestamp, ClockNotAdjustable> {
        let now = self.now_ms.fetch_add(millis, Ordering::SeqCst) + millis;
        Ok(Timestamp(now))
    }

    fn is_adjustable(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_clock_refuses_to_move() {
        assert_eq!(SystemClock.advance(1), Err(ClockNotAdjustable));
        assert!(!SystemClock.is_adjustable());
    }

    #[test]
    fn fake_clock_moves_when_told() {
        let c = FakeClock::at(Timestamp(10));
        assert_eq!(c.advance(5), Ok(Timestamp(15)));
        assert_eq!(c.now(), Timestamp(15));
        c.set(Timestamp(1));
        assert_eq!(c.now(), Timestamp(1));
    }

    #[test]
    fn offset_clock_runs_ahead_of_real_time() {
        let c = OffsetClock::new(0);
        let before = SystemClock.now();
        let day = trustwork_core::DAY_MS;
        let now = c.advance(day).unwrap_or(Timestamp(0));
        assert!(now >= before.plus_millis(day));
        assert_eq!(c.offset_ms(), day);
    }
}
