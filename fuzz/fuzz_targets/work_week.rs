//! The work diary's week parser (`GET /api/v1/contracts/{id}/weeks/{YYYY-Www}` takes it from
//! the path) and a statement over segments made from the bytes: it answers a week or nothing,
//! the week names itself back, and a statement's hours add up, without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trustwork_core::Timestamp;
use trustwork_core::work_diary::{IsoWeek, SEGMENT_MS, Segment, WeekTerms, weekly_statement};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Some(week) = IsoWeek::parse(text)
    {
        assert_eq!(week.to_string(), text);
        assert_eq!(IsoWeek::of(week.start()), week);
        assert!(week.previous() < week);
    }
    let segments: Vec<Segment> = data
        .chunks(3)
        .enumerate()
        .map(|(i, c)| Segment {
            start: Timestamp::from_millis(i64::try_from(i).unwrap_or(0) * SEGMENT_MS),
            tracked: c[0] & 1 == 1,
            keyboard_events: u32::from(c.get(1).copied().unwrap_or(0)),
            mouse_events: 0,
            screenshot_sha256: (c[0] & 2 == 2).then(|| "0".repeat(64)),
            memo: (c[0] & 4 == 4).then(|| "memo".to_owned()),
        })
        .collect();
    let terms = WeekTerms {
        weekly_limit_hours: data.first().map(|b| u32::from(*b) % 169),
        hourly_rate_cents: i64::from(data.get(1).copied().unwrap_or(0)) * 100,
        payment_method_verified: data.get(2).is_some_and(|b| b & 1 == 1),
    };
    let st = weekly_statement(&segments, &terms);
    let unprotected: i64 = st.unprotected.iter().map(|(_, m)| m).sum();
    assert_eq!(st.minutes_protected + unprotected, st.minutes_logged);
});
