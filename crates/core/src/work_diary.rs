//! The work diary and the hourly payment guarantee (seed 004): time is logged in 10-minute
//! segments by the operator's time tracker, weeks run Monday 00:00 to Sunday 24:00 UTC, and a
//! week's statement says which hours the platform guarantees and why the others are not.
//!
//! A segment is protected only when every rule holds: the client's payment method is verified,
//! the time was tracked (not added by hand), it is within the contract's weekly limit, the
//! tracker saw keyboard or mouse activity, a screenshot was taken, and the freelancer wrote a
//! memo. A segment that breaks several rules is counted once, under the first rule it breaks in
//! [`UnprotectedReason::ALL`]'s order, so the unprotected hours add up to the hours logged minus
//! the protected ones.

use crate::timestamp::{DAY_MS, MINUTE_MS, Timestamp};
use serde::Serialize;

/// One segment's length.
pub const SEGMENT_MS: i64 = 10 * MINUTE_MS;
pub const SEGMENT_MINUTES: i64 = 10;
/// The longest memo kept on a segment.
pub const MEMO_MAX_CHARS: usize = 500;
/// After a week ends, the client has this long to review it and dispute hours (Monday to
/// Friday); the freelancer is paid after it.
pub const REVIEW_WINDOW_MS: i64 = 5 * DAY_MS;
const WEEK_MS: i64 = 7 * DAY_MS;

/// A segment as the tracker sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    pub start: Timestamp,
    /// Recorded by the tracker; false for time the freelancer added by hand.
    pub tracked: bool,
    pub keyboard_events: u32,
    pub mouse_events: u32,
    /// The hex SHA-256 of the screenshot taken in the segment, if one was.
    pub screenshot_sha256: Option<String>,
    pub memo: Option<String>,
}

/// Why a segment is not covered by the guarantee. The order is the order the rules are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnprotectedReason {
    PaymentMethodNotVerified,
    OverWeeklyLimit,
    ManualTime,
    NoActivity,
    NoScreenshot,
    NoMemo,
}

impl UnprotectedReason {
    pub const ALL: [UnprotectedReason; 6] = [
        UnprotectedReason::PaymentMethodNotVerified,
        UnprotectedReason::OverWeeklyLimit,
        UnprotectedReason::ManualTime,
        UnprotectedReason::NoActivity,
        UnprotectedReason::NoScreenshot,
        UnprotectedReason::NoMemo,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            UnprotectedReason::PaymentMethodNotVerified => "payment_method_not_verified",
            UnprotectedReason::OverWeeklyLimit => "over_weekly_limit",
            UnprotectedReason::ManualTime => "manual_time",
            UnprotectedReason::NoActivity => "no_activity",
            UnprotectedReason::NoScreenshot => "no_screenshot",
            UnprotectedReason::NoMemo => "no_memo",
        }
    }

    /// The rule in words, for members.
    pub const fn describe(self) -> &'static str {
        match self {
            UnprotectedReason::PaymentMethodNotVerified => {
                "the client's payment method was not verified"
            }
            UnprotectedReason::OverWeeklyLimit => "over the contract's weekly limit",
            UnprotectedReason::ManualTime => "time added by hand, not tracked",
            UnprotectedReason::NoActivity => "no keyboard or mouse activity",
            UnprotectedReason::NoScreenshot => "no screenshot",
            UnprotectedReason::NoMemo => "no memo",
        }
    }
}

/// Why the tracker's segment cannot be kept as sent.
pub fn check_segment(s: &Segment, now: Timestamp) -> Result<(), String> {
    if s.start.millis().rem_euclid(SEGMENT_MS) != 0 {
        return Err("must start on a 10-minute boundary (…:00, …:10, … :50)".into());
    }
    if s.start > now {
        return Err("is in the future".into());
    }
    if let Some(hash) = &s.screenshot_sha256 {
        let hex = hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit());
        if !hex {
            return Err("screenshot_sha256 must be 64 hexadecimal characters".into());
        }
    }
    if let Some(memo) = &s.memo
        && memo.chars().count() > MEMO_MAX_CHARS
    {
        return Err(format!("memo must be at most {MEMO_MAX_CHARS} characters"));
    }
    Ok(())
}

/// An ISO 8601 week (`2026-W49`); it starts Monday 00:00 UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoWeek {
    year: i32,
    week: u8,
}

impl IsoWeek {
    /// `YYYY-Www`, the week number within the year's weeks (52 or 53).
    pub fn parse(text: &str) -> Option<Self> {
        let (year, week) = text.split_once("-W")?;
        if year.len() != 4 || week.len() != 2 {
            return None;
        }
        let year: i32 = year.parse().ok()?;
        let week: u8 = week.parse().ok()?;
        time::Date::from_iso_week_date(year, week, time::Weekday::Monday).ok()?;
        Some(Self { year, week })
    }

    /// The week a moment falls in.
    pub fn of(t: Timestamp) -> Self {
        let (year, week, _) = Self::date_of(t).to_iso_week_date();
        Self { year, week }
    }

    fn date_of(t: Timestamp) -> time::Date {
        let days = t.millis().div_euclid(DAY_MS);
        let epoch = time::Date::from_julian_day(2_440_588).unwrap_or(time::Date::MIN);
        epoch
            .checked_add(time::Duration::days(days))
            .unwrap_or(time::Date::MAX)
    }

    pub fn start(self) -> Timestamp {
        let monday = time::Date::from_iso_week_date(self.year, self.week, time::Weekday::Monday)
            .unwrap_or(time::Date::MIN);
        let days = i64::from(monday.to_julian_day()) - 2_440_588;
        Timestamp::from_millis(days * DAY_MS)
    }

    /// The first moment after the week.
    pub fn end(self) -> Timestamp {
        self.start().plus_millis(WEEK_MS)
    }

    /// The last moment the client may dispute the week's hours.
    pub fn review_ends(self) -> Timestamp {
        self.end().plus_millis(REVIEW_WINDOW_MS)
    }

    pub fn previous(self) -> Self {
        Self::of(self.start().plus_millis(-DAY_MS))
    }
}

impl std::fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-W{:02}", self.year, self.week)
    }
}

/// What the contract's terms and the client's state are for the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeekTerms {
    /// Hours per week the client pays for at most; none when the contract has no limit.
    pub weekly_limit_hours: Option<u32>,
    pub hourly_rate_cents: i64,
    pub payment_method_verified: bool,
}

/// A week's hours, in minutes (exact), with the hours for people.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statement {
    pub minutes_logged: i64,
    pub minutes_protected: i64,
    /// One entry per reason that applies, in [`UnprotectedReason::ALL`]'s order.
    pub unprotected: Vec<(UnprotectedReason, i64)>,
    /// Minutes the client is billed for: everything logged, up to the weekly limit (time
    /// added by hand is billed, only not guaranteed).
    pub minutes_billed: i64,
    pub amount_billed_cents: i64,
}

impl Statement {
    pub fn hours(minutes: i64) -> f64 {
        // Two decimals: 10 minutes is 0.17 h on the statement, the minutes stay exact.
        (minutes as f64 / 60.0 * 100.0).round() / 100.0
    }
}

/// The first rule the segment breaks, if any. `within_limit` is whether it falls within the
/// week's limit in the order segments were worked.
fn first_broken_rule(
    s: &Segment,
    within_limit: bool,
    terms: &WeekTerms,
) -> Option<UnprotectedReason> {
    let memo = s.memo.as_deref().is_some_and(|m| !m.trim().is_empty());
    let broken = [
        !terms.payment_method_verified,
        !within_limit,
        !s.tracked,
        s.keyboard_events == 0 && s.mouse_events == 0,
        s.screenshot_sha256.is_none(),
        !memo,
    ];
    UnprotectedReason::ALL
        .into_iter()
        .zip(broken)
        .find_map(|(reason, broken)| broken.then_some(reason))
}

/// The week's statement from its segments (any order; one per start).
pub fn weekly_statement(segments: &[Segment], terms: &WeekTerms) -> Statement {
    let mut ordered: Vec<&Segment> = segments.iter().collect();
    ordered.sort_by_key(|s| s.start);
    let limit_segments = terms
        .weekly_limit_hours
        .map(|h| i64::from(h) * 60 / SEGMENT_MINUTES);
    let mut per_reason = [0_i64; UnprotectedReason::ALL.len()];
    let mut protected = 0;
    let mut billed = 0;
    for (i, s) in ordered.iter().enumerate() {
        let within_limit = limit_segments.is_none_or(|limit| (i as i64) < limit);
        if within_limit {
            billed += SEGMENT_MINUTES;
        }
        match first_broken_rule(s, within_limit, terms) {
            None => protected += SEGMENT_MINUTES,
            Some(reason) => per_reason[reason as usize] += SEGMENT_MINUTES,
        }
    }
    Statement {
        minutes_logged: ordered.len() as i64 * SEGMENT_MINUTES,
        minutes_protected: protected,
        unprotected: UnprotectedReason::ALL
            .into_iter()
            .zip(per_reason)
            .filter(|(_, m)| *m > 0)
            .collect(),
        minutes_billed: billed,
        amount_billed_cents: billed * terms.hourly_rate_cents / 60,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse_rfc3339(text).unwrap()
    }

    fn good(start: Timestamp) -> Segment {
        Segment {
            start,
            tracked: true,
            keyboard_events: 30,
            mouse_events: 12,
            screenshot_sha256: Some("ab".repeat(32)),
            memo: Some("API endpoints".into()),
        }
    }

    fn hours_of(start: Timestamp, n: i64) -> Vec<Segment> {
        (0..n * 6)
            .map(|i| good(start.plus_millis(i * SEGMENT_MS)))
            .collect()
    }

    const VERIFIED: WeekTerms = WeekTerms {
        weekly_limit_hours: Some(40),
        hourly_rate_cents: 5_000,
        payment_method_verified: true,
    };

    #[test]
    fn weeks_start_monday_utc_and_round_trip() {
        let w = IsoWeek::parse("2026-W49").unwrap();
        assert_eq!(w.start(), at("2026-11-30T00:00:00Z"));
        assert_eq!(w.end(), at("2026-12-07T00:00:00Z"));
        assert_eq!(IsoWeek::of(at("2026-12-06T23:59:59Z")), w);
        assert_eq!(
            IsoWeek::of(at("2026-12-07T00:00:00Z")).to_string(),
            "2026-W50"
        );
        assert_eq!(w.previous().to_string(), "2026-W48");
        // Week 1 of 2027 starts in 2027-01-04; 2026 has 53 weeks.
        assert_eq!(
            IsoWeek::parse("2026-W53").unwrap().start(),
            at("2026-12-28T00:00:00Z")
        );
        assert_eq!(
            IsoWeek::of(at("2027-01-01T12:00:00Z")).to_string(),
            "2026-W53"
        );
        assert_eq!(IsoWeek::parse("2027-W53"), None);
        for bad in [
            "2026-49", "2026-W0", "2026-W00", "26-W01", "2026-W1a", "", "2026-W99",
        ] {
            assert_eq!(IsoWeek::parse(bad), None, "{bad}");
        }
        assert_eq!(w.review_ends(), at("2026-12-12T00:00:00Z"));
    }

    #[test]
    fn ten_hours_one_manual_one_without_memo_leave_eight_protected() {
        let start = at("2026-11-30T09:00:00Z");
        let mut segments = hours_of(start, 10);
        for s in &mut segments[..6] {
            s.tracked = false;
        }
        for s in &mut segments[6..12] {
            s.memo = None;
        }
        let st = weekly_statement(&segments, &VERIFIED);
        assert_eq!(st.minutes_logged, 600);
        assert_eq!(st.minutes_protected, 480);
        assert_eq!(
            st.unprotected,
            vec![
                (UnprotectedReason::ManualTime, 60),
                (UnprotectedReason::NoMemo, 60)
            ]
        );
        assert_eq!(st.minutes_billed, 600);
        assert_eq!(st.amount_billed_cents, 50_000);
    }

    #[test]
    fn time_past_the_limit_is_neither_billed_nor_protected() {
        let terms = WeekTerms {
            weekly_limit_hours: Some(2),
            ..VERIFIED
        };
        let st = weekly_statement(&hours_of(at("2026-11-30T09:00:00Z"), 3), &terms);
        assert_eq!(st.minutes_protected, 120);
        assert_eq!(
            st.unprotected,
            vec![(UnprotectedReason::OverWeeklyLimit, 60)]
        );
        assert_eq!(st.minutes_billed, 120);
        let unverified = WeekTerms {
            payment_method_verified: false,
            ..terms
        };
        let st = weekly_statement(&hours_of(at("2026-11-30T09:00:00Z"), 3), &unverified);
        assert_eq!(st.minutes_protected, 0);
        assert_eq!(
            st.unprotected,
            vec![(UnprotectedReason::PaymentMethodNotVerified, 180)]
        );
    }

    #[test]
    fn idle_and_unphotographed_segments_are_named() {
        let start = at("2026-11-30T09:00:00Z");
        let mut idle = good(start);
        idle.keyboard_events = 0;
        idle.mouse_events = 0;
        let mut blind = good(start.plus_millis(SEGMENT_MS));
        blind.screenshot_sha256 = None;
        let mut blank = good(start.plus_millis(2 * SEGMENT_MS));
        blank.memo = Some("  ".into());
        let st = weekly_statement(&[blank, blind, idle], &VERIFIED);
        assert_eq!(
            st.unprotected,
            vec![
                (UnprotectedReason::NoActivity, 10),
                (UnprotectedReason::NoScreenshot, 10),
                (UnprotectedReason::NoMemo, 10)
            ]
        );
    }

    #[test]
    fn segments_must_be_aligned_past_and_well_formed() {
        let now = at("2026-12-02T12:00:00Z");
        assert!(check_segment(&good(at("2026-12-02T11:50:00Z")), now).is_ok());
        assert!(check_segment(&good(at("2026-12-02T12:00:00Z")), now).is_ok());
        assert!(check_segment(&good(at("2026-12-02T12:10:00Z")), now).is_err());
        assert!(check_segment(&good(at("2026-12-02T11:55:00Z")), now).is_err());
        let mut s = good(at("2026-12-02T11:00:00Z"));
        s.screenshot_sha256 = Some("zz".repeat(32));
        assert!(check_segment(&s, now).is_err());
        s.screenshot_sha256 = None;
        s.memo = Some("x".repeat(MEMO_MAX_CHARS + 1));
        assert!(check_segment(&s, now).is_err());
    }

    proptest! {
        #[test]
        fn any_text_parses_to_a_week_that_names_itself_or_to_nothing(text in "\\PC{0,12}") {
            if let Some(w) = IsoWeek::parse(&text) {
                prop_assert_eq!(w.to_string(), text);
            }
        }

        #[test]
        fn every_moment_falls_in_the_week_that_parses_back(ms in 0i64..4_102_444_800_000) {
            let t = Timestamp::from_millis(ms);
            let w = IsoWeek::of(t);
            prop_assert_eq!(IsoWeek::parse(&w.to_string()), Some(w));
            prop_assert!(w.start() <= t && t < w.end());
            prop_assert_eq!(w.start().millis().rem_euclid(DAY_MS), 0);
        }

        #[test]
        fn hours_add_up(flags in proptest::collection::vec((any::<bool>(), 0u32..3, any::<bool>(), any::<bool>()), 0..200),
                        limit in proptest::option::of(0u32..40), verified in any::<bool>()) {
            let start = at("2026-11-30T00:00:00Z");
            let segments: Vec<Segment> = flags.iter().enumerate().map(|(i, (tracked, activity, shot, memo))| Segment {
                start: start.plus_millis(i as i64 * SEGMENT_MS),
                tracked: *tracked,
                keyboard_events: *activity,
                mouse_events: 0,
                screenshot_sha256: shot.then(|| "0".repeat(64)),
                memo: memo.then(|| "work".to_owned()),
            }).collect();
            let terms = WeekTerms { weekly_limit_hours: limit, hourly_rate_cents: 6_000, payment_method_verified: verified };
            let st = weekly_statement(&segments, &terms);
            let unprotected: i64 = st.unprotected.iter().map(|(_, m)| m).sum();
            prop_assert_eq!(st.minutes_protected + unprotected, st.minutes_logged);
            prop_assert!(st.minutes_billed <= st.minutes_logged);
            if let Some(l) = limit {
                prop_assert!(st.minutes_billed <= i64::from(l) * 60);
                prop_assert!(st.minutes_protected <= i64::from(l) * 60);
            }
            prop_assert_eq!(st.amount_billed_cents, st.minutes_billed * 100);
        }
    }
}
