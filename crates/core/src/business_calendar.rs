//! Business calendars for service levels (seeds 003 and 004: tickets answered within 4 hours
//! around the clock; category specialists Monday to Friday 06:00–17:00 Pacific). A calendar is a
//! time zone from the IANA database (daylight saving done by its rules, never a fixed offset),
//! opening hours per weekday and holidays; it answers when an amount of business time after a
//! moment runs out, and how much business time lies between two moments (for clocks that pause).

use crate::timestamp::{MINUTE_MS, Timestamp};
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;

/// How far ahead a calendar looks for opening hours before it gives up (a calendar with no
/// hours at all never comes due).
const HORIZON_DAYS: i32 = 3_700;

/// Opening hours of one weekday, in minutes after local midnight: `[open, close)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hours {
    pub open_min: u16,
    pub close_min: u16,
}

#[derive(Debug, Clone)]
pub struct Calendar {
    tz_name: String,
    tz: TimeZone,
    /// Monday first; none on a closed day. `None` for the whole week means around the clock.
    week: Option<[Option<Hours>; 7]>,
    holidays: Vec<Date>,
}

fn weekday_index(d: Weekday) -> usize {
    usize::from(d.to_monday_zero_offset().unsigned_abs())
}

fn to_jiff(t: Timestamp) -> jiff::Timestamp {
    jiff::Timestamp::from_millisecond(t.millis()).unwrap_or(jiff::Timestamp::MAX)
}

fn from_jiff(t: jiff::Timestamp) -> Timestamp {
    Timestamp::from_millis(t.as_millisecond())
}

impl Calendar {
    /// Every hour of every day.
    pub fn around_the_clock() -> Self {
        Self {
            tz_name: "UTC".into(),
            tz: TimeZone::UTC,
            week: None,
            holidays: Vec::new(),
        }
    }

    /// `week` lists the open weekdays (Monday = 0) with their hours; `holidays` are local dates
    /// (`2026-12-25`) on which nothing is open.
    pub fn new(
        tz_name: &str,
        week: &[(usize, Hours)],
        holidays: &[String],
    ) -> Result<Self, String> {
        let tz = TimeZone::get(tz_name).map_err(|_| format!("unknown time zone {tz_name:?}"))?;
        let mut days = [None; 7];
        for (day, hours) in week {
            if *day > 6 {
                return Err(format!("weekday {day} is not 0 (Monday) to 6 (Sunday)"));
            }
            if hours.open_min >= hours.close_min || hours.close_min > 24 * 60 {
                return Err("opening hours must open before they close, within the day".into());
            }
            days[*day] = Some(*hours);
        }
        let holidays = holidays
            .iter()
            .map(|h| {
                h.parse::<Date>()
                    .map_err(|_| format!("holiday {h:?} is not a date like 2026-12-25"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            tz_name: tz_name.to_owned(),
            tz,
            week: Some(days),
            holidays,
        })
    }

    /// Monday to Friday 06:00–17:00 in `tz_name` (the seeds' specialists, in Pacific time).
    pub fn weekdays(tz_name: &str, open_min: u16, close_min: u16) -> Result<Self, String> {
        let hours = Hours {
            open_min,
            close_min,
        };
        let week: Vec<(usize, Hours)> = (0..5).map(|d| (d, hours)).collect();
        Self::new(tz_name, &week, &[])
    }

    pub fn time_zone(&self) -> &str {
        &self.tz_name
    }

    /// `t` as people on this calendar read it: "Monday, December 7, 6:00 AM (America/Los_Angeles)".
    pub fn in_words(&self, t: Timestamp) -> String {
        let zoned = to_jiff(t).to_zoned(self.tz.clone());
        format!(
            "{} ({})",
            zoned.strftime("%A, %B %-d, %-I:%M %p"),
            self.tz_name
        )
    }

    /// The open stretch of local `date`, as moments, if the date is open.
    fn window(&self, date: Date) -> Option<(Timestamp, Timestamp)> {
        let week = self.week.as_ref()?;
        if self.holidays.contains(&date) {
            return None;
        }
        let hours = week[weekday_index(date.weekday())]?;
        let at = |minutes: u16| {
            // The end of the day is the next day's midnight (a 23- or 25-hour day included).
            if minutes >= 24 * 60 {
                return date
                    .tomorrow()
                    .ok()
                    .and_then(|d| d.to_zoned(self.tz.clone()).ok())
                    .map(|z| from_jiff(z.timestamp()));
            }
            let time = jiff::civil::Time::new(
                i8::try_from(minutes / 60).ok()?,
                i8::try_from(minutes % 60).ok()?,
                0,
                0,
            )
            .ok()?;
            // A time skipped by the clocks going forward is read as the moment after the gap.
            date.to_datetime(time)
                .to_zoned(self.tz.clone())
                .ok()
                .map(|z| from_jiff(z.timestamp()))
        };
        Some((at(hours.open_min)?, at(hours.close_min)?))
    }

    fn local_date(&self, t: Timestamp) -> Date {
        to_jiff(t).to_zoned(self.tz.clone()).date()
    }

    /// The moment `business_ms` of open time after `start` has passed (with nothing to add, the
    /// next open moment). A calendar with no open hours ahead answers the far future.
    pub fn add(&self, start: Timestamp, business_ms: i64) -> Timestamp {
        if self.week.is_none() {
            return start.plus_millis(business_ms.max(0));
        }
        let mut left = business_ms.max(0);
        let mut date = self.local_date(start);
        for _ in 0..HORIZON_DAYS {
            if let Some((open, close)) = self.window(date) {
                let from = open.max(start);
                if from < close {
                    let available = close.millis() - from.millis();
                    if left <= available {
                        return from.plus_millis(left);
                    }
                    left -= available;
                }
            }
            match date.tomorrow() {
                Ok(next) => date = next,
                Err(_) => break,
            }
        }
        Timestamp::from_millis(i64::MAX / 2)
    }

    /// Open time in `[from, to)`.
    pub fn between(&self, from: Timestamp, to: Timestamp) -> i64 {
        if to <= from {
            return 0;
        }
        if self.week.is_none() {
            return to.millis() - from.millis();
        }
        let mut total = 0;
        let mut date = self.local_date(from);
        let last = self.local_date(to);
        while date <= last {
            if let Some((open, close)) = self.window(date) {
                let a = open.max(from);
                let b = close.min(to);
                if a < b {
                    total += b.millis() - a.millis();
                }
            }
            match date.tomorrow() {
                Ok(next) => date = next,
                Err(_) => break,
            }
        }
        total
    }

    pub fn is_open(&self, t: Timestamp) -> bool {
        match self.window(self.local_date(t)) {
            _ if self.week.is_none() => true,
            Some((open, close)) => open <= t && t < close,
            None => false,
        }
    }

    /// When the calendar next opens at or after `t` (`t` itself when open).
    pub fn next_open(&self, t: Timestamp) -> Timestamp {
        if self.is_open(t) {
            return t;
        }
        // Zero business time from `t` lands on the next opening.
        let mut date = self.local_date(t);
        for _ in 0..HORIZON_DAYS {
            if let Some((open, close)) = self.window(date)
                && t < close
            {
                return open.max(t);
            }
            match date.tomorrow() {
                Ok(next) => date = next,
                Err(_) => break,
            }
        }
        Timestamp::from_millis(i64::MAX / 2)
    }
}

/// `hh:mm` as minutes after midnight (`24:00` allowed as a closing time).
pub fn parse_hhmm(text: &str) -> Option<u16> {
    let (h, m) = text.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

/// Minutes as milliseconds.
pub const fn minutes(n: i64) -> i64 {
    n * MINUTE_MS
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timestamp::HOUR_MS;
    use proptest::prelude::*;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse_rfc3339(text).unwrap()
    }

    fn pacific() -> Calendar {
        Calendar::weekdays("America/Los_Angeles", 6 * 60, 17 * 60).unwrap()
    }

    #[test]
    fn moments_read_in_the_calendars_own_zone() {
        let cal = Calendar::weekdays("America/Los_Angeles", 6 * 60, 17 * 60).unwrap();
        // 2026-12-07 14:00 UTC is 06:00 in Los Angeles (standard time, UTC-8).
        let t = Timestamp::from_millis(1_796_652_000_000);
        assert_eq!(
            cal.in_words(t),
            "Monday, December 7, 6:00 AM (America/Los_Angeles)"
        );
    }

    #[test]
    fn friday_afternoon_in_los_angeles_is_due_monday_morning() {
        // Friday 2026-12-04 16:30 PST (UTC−8): half an hour on Friday, three and a half on
        // Monday from 06:00 → Monday 09:30 PST = 17:30 UTC.
        let due = pacific().add(at("2026-12-05T00:30:00Z"), 4 * HOUR_MS);
        assert_eq!(due, at("2026-12-07T17:30:00Z"));
    }

    #[test]
    fn daylight_saving_moves_the_opening_not_the_business_time() {
        // Spring: Friday 2026-03-06 16:30 PST; clocks go forward on Sunday 03-08; Monday 09:30
        // is PDT (UTC−7) = 16:30 UTC.
        let cal = pacific();
        assert_eq!(
            cal.add(at("2026-03-07T00:30:00Z"), 4 * HOUR_MS),
            at("2026-03-09T16:30:00Z")
        );
        // Autumn: Friday 2026-10-30 16:30 PDT; clocks go back on Sunday 11-01; Monday 09:30 is
        // PST = 17:30 UTC.
        assert_eq!(
            cal.add(at("2026-10-30T23:30:00Z"), 4 * HOUR_MS),
            at("2026-11-02T17:30:00Z")
        );
    }

    #[test]
    fn around_the_clock_is_plain_addition_and_holidays_are_skipped() {
        let all = Calendar::around_the_clock();
        assert_eq!(
            all.add(at("2026-12-05T00:30:00Z"), 4 * HOUR_MS),
            at("2026-12-05T04:30:00Z")
        );
        assert_eq!(
            all.between(at("2026-12-05T00:00:00Z"), at("2026-12-05T04:01:00Z")),
            4 * HOUR_MS + MINUTE_MS
        );
        let hours = Hours {
            open_min: 6 * 60,
            close_min: 17 * 60,
        };
        let week: Vec<(usize, Hours)> = (0..5).map(|d| (d, hours)).collect();
        let with_christmas =
            Calendar::new("America/Los_Angeles", &week, &["2026-12-25".into()]).unwrap();
        // Thursday 2026-12-24 16:00 PST: one hour that day, none on Christmas, three Monday.
        assert_eq!(
            with_christmas.add(at("2026-12-25T00:00:00Z"), 4 * HOUR_MS),
            at("2026-12-28T17:00:00Z")
        );
        assert!(Calendar::new("Mars/Olympus", &week, &[]).is_err());
        assert!(Calendar::new("UTC", &week, &["25/12".into()]).is_err());
    }

    #[test]
    fn open_now_next_opening_and_time_between() {
        let cal = pacific();
        // Friday 16:59 PST is open; 17:01 is not, and it opens Monday 06:00 PST.
        assert!(cal.is_open(at("2026-12-05T00:59:00Z")));
        assert!(!cal.is_open(at("2026-12-05T01:01:00Z")));
        assert_eq!(
            cal.next_open(at("2026-12-05T01:01:00Z")),
            at("2026-12-07T14:00:00Z")
        );
        // From Friday 16:00 to Monday 07:00 PST: one hour plus one hour.
        assert_eq!(
            cal.between(at("2026-12-05T00:00:00Z"), at("2026-12-07T15:00:00Z")),
            2 * HOUR_MS
        );
        assert_eq!(parse_hhmm("06:00"), Some(360));
        assert_eq!(parse_hhmm("24:00"), Some(1440));
        assert_eq!(parse_hhmm("24:01"), None);
        assert_eq!(parse_hhmm("6:00"), None);
    }

    proptest! {
        #[test]
        fn the_time_added_is_the_time_between(start in 1_780_000_000_000i64..1_830_000_000_000, hours in 0i64..200) {
            let cal = pacific();
            let start = Timestamp::from_millis(start);
            let due = cal.add(start, hours * HOUR_MS);
            prop_assert!(due >= start);
            prop_assert_eq!(cal.between(start, due), hours * HOUR_MS);
            if hours > 0 {
                prop_assert!(cal.is_open(due.plus_millis(-1)));
            }
        }
    }
}
