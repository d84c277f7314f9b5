//! Instants as unix milliseconds.
//!
//! Both databases store time as BIGINT milliseconds (the sqlx `Any` driver has no date types), so
//! the domain uses the same representation and converts to RFC 3339 only at the edges.

use serde::{Deserialize, Serialize};
use std::fmt;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub const SECOND_MS: i64 = 1_000;
pub const MINUTE_MS: i64 = 60 * SECOND_MS;
pub const HOUR_MS: i64 = 60 * MINUTE_MS;
pub const DAY_MS: i64 = 24 * HOUR_MS;

/// An instant, in milliseconds since the unix epoch (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub const fn from_millis(ms: i64) -> Self {
        Self(ms)
    }

    pub const fn millis(self) -> i64 {
        self.0
    }

    /// Adds a (possibly negative) number of milliseconds, saturating instead of overflowing.
    pub const fn plus_millis(self, ms: i64) -> Self {
        Self(self.0.saturating_add(ms))
    }

    pub const fn plus_days(self, days: i64) -> Self {
        self.plus_millis(days.saturating_mul(DAY_MS))
    }

    /// RFC 3339 in UTC with millisecond precision, e.g. `2026-11-21T10:00:00.000Z`.
    pub fn to_rfc3339(self) -> String {
        let nanos = i128::from(self.0) * 1_000_000;
        match OffsetDateTime::from_unix_timestamp_nanos(nanos) {
            Ok(dt) => {
                let (y, mo, d) = (dt.year(), u8::from(dt.month()), dt.day());
                let (h, mi, s, ms) = (dt.hour(), dt.minute(), dt.second(), dt.millisecond());
                format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}Z")
            }
            // Out of the representable calendar range; show the raw value rather than fail.
            Err(_) => format!("@{}ms", self.0),
        }
    }

    /// A short human form for the console, e.g. `2026-11-28 10:00 UTC`.
    pub fn to_human(self) -> String {
        let full = self.to_rfc3339();
        match (full.get(0..10), full.get(11..16)) {
            (Some(date), Some(hm)) => format!("{date} {hm} UTC"),
            _ => full,
        }
    }

    pub fn parse_rfc3339(text: &str) -> Option<Self> {
        let dt = OffsetDateTime::parse(text, &Rfc3339).ok()?;
        let ms = dt.unix_timestamp_nanos() / 1_000_000;
        i64::try_from(ms).ok().map(Self)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_rfc3339() {
        let t = Timestamp::from_millis(1_795_000_000_123);
        let text = t.to_rfc3339();
        assert_eq!(text, "2026-11-18T11:06:40.123Z");
        assert_eq!(Timestamp::parse_rfc3339(&text), Some(t));
        assert_eq!(t.to_human(), "2026-11-18 11:06 UTC");
    }

    #[test]
    fn rejects_garbage() {
        assert_eq!(Timestamp::parse_rfc3339("yesterday"), None);
    }

    #[test]
    fn adding_days_saturates() {
        assert_eq!(Timestamp(i64::MAX).plus_days(1), Timestamp(i64::MAX));
        assert_eq!(Timestamp(0).plus_days(7).millis(), 7 * DAY_MS);
    }
}
