//! Phone verification by a spoken or texted code (seed 004: "phone verification with a call").
//! A 6-digit code, valid for 10 minutes; three wrong codes lock the attempt; an account keeps at
//! most one verified number. Numbers are kept in E.164 form (`+` and 8 to 15 digits).

use crate::Timestamp;

/// How long a code may be used.
pub const CODE_TTL_MS: i64 = 10 * 60 * 1000;
/// Wrong codes after which the attempt is locked.
pub const MAX_WRONG_CODES: i64 = 3;
/// Codes an account may ask for, and a number may receive, in [`SEND_WINDOW_MS`]: a call costs
/// the operator money and rings a real phone, so nobody may make the server dial at will.
pub const MAX_SENDS_PER_ACCOUNT: i64 = 5;
pub const MAX_SENDS_PER_NUMBER: i64 = 3;
pub const SEND_WINDOW_MS: i64 = 60 * 60 * 1000;

/// How the code reaches the member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Voice,
    Sms,
}

impl Channel {
    pub const fn as_str(self) -> &'static str {
        match self {
            Channel::Voice => "voice",
            Channel::Sms => "sms",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "voice" => Some(Channel::Voice),
            "sms" => Some(Channel::Sms),
            _ => None,
        }
    }
}

/// Where an attempt stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// The code was sent; waiting for it.
    Pending,
    Verified,
    /// Too many wrong codes: a new attempt is needed.
    Locked,
}

impl Status {
    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Verified => "verified",
            Status::Locked => "locked",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "pending" => Some(Status::Pending),
            "verified" => Some(Status::Verified),
            "locked" => Some(Status::Locked),
            _ => None,
        }
    }
}

/// A phone number written the way people write them (`+1 (415) 555-0100`, `+44 20 7946 0958`,
/// `0044 20…`) in E.164 form, or why it is not one. The country code is required: a number
/// without one is ambiguous.
pub fn normalize_e164(text: &str) -> Result<String, &'static str> {
    let text = text.trim();
    let rest = if let Some(r) = text.strip_prefix('+') {
        r
    } else if let Some(r) = text.strip_prefix("00") {
        r
    } else {
        return Err("start the number with + and the country code, e.g. +1 415 555 0100");
    };
    let mut digits = String::with_capacity(16);
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' | '\u{a0}' => {}
            _ => return Err("a phone number has only digits, spaces, dashes and brackets"),
        }
    }
    if digits.starts_with('0') {
        return Err("a country code never starts with 0");
    }
    if !(8..=15).contains(&digits.len()) {
        return Err("a phone number has 8 to 15 digits with its country code");
    }
    Ok(format!("+{digits}"))
}

/// What checking a code did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckOutcome {
    Verified,
    /// Wrong; this many tries are left before the attempt locks.
    Wrong {
        tries_left: i64,
    },
    /// The third wrong code: locked now.
    LockedNow,
}

/// Why a code cannot be checked at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckRefused {
    Expired,
    Locked,
    AlreadyVerified,
}

/// Checks `code` against the attempt's state. `matches` says whether the code is the one sent
/// (compared by the caller on keyed hashes, in constant time).
pub fn check(
    status: Status,
    wrong_so_far: i64,
    expires_at: Timestamp,
    matches: bool,
    now: Timestamp,
) -> Result<CheckOutcome, CheckRefused> {
    match status {
        Status::Verified => return Err(CheckRefused::AlreadyVerified),
        Status::Locked => return Err(CheckRefused::Locked),
        Status::Pending => {}
    }
    if wrong_so_far >= MAX_WRONG_CODES {
        return Err(CheckRefused::Locked);
    }
    if now >= expires_at {
        return Err(CheckRefused::Expired);
    }
    if matches {
        return Ok(CheckOutcome::Verified);
    }
    let wrong = wrong_so_far + 1;
    if wrong >= MAX_WRONG_CODES {
        Ok(CheckOutcome::LockedNow)
    } else {
        Ok(CheckOutcome::Wrong {
            tries_left: MAX_WRONG_CODES - wrong,
        })
    }
}

/// Whether a code as typed is six digits (spaces and dashes allowed between them).
pub fn code_digits(text: &str) -> Option<String> {
    let digits: String = text.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    (digits.len() == 6 && digits.chars().all(|c| c.is_ascii_digit())).then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_normalised_or_refused_in_words() {
        assert_eq!(normalize_e164("+1 (415) 555-0100").unwrap(), "+14155550100");
        assert_eq!(
            normalize_e164("0044 20 7946 0958").unwrap(),
            "+442079460958"
        );
        assert_eq!(normalize_e164(" +34.612.345.678 ").unwrap(), "+34612345678");
        for bad in [
            "415 555 0100",
            "+0 123 456 789",
            "+1 555",
            "+1234567890123456",
            "+1 415 555 01OO",
            "",
        ] {
            assert!(normalize_e164(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn three_wrong_codes_lock_and_ten_minutes_expire() {
        let t = Timestamp(1_000);
        let until = t.plus_millis(CODE_TTL_MS);
        assert_eq!(
            check(Status::Pending, 0, until, true, t),
            Ok(CheckOutcome::Verified)
        );
        assert_eq!(
            check(Status::Pending, 0, until, false, t),
            Ok(CheckOutcome::Wrong { tries_left: 2 })
        );
        assert_eq!(
            check(Status::Pending, 2, until, false, t),
            Ok(CheckOutcome::LockedNow)
        );
        assert_eq!(
            check(Status::Pending, 3, until, true, t),
            Err(CheckRefused::Locked)
        );
        assert_eq!(
            check(Status::Locked, 0, until, true, t),
            Err(CheckRefused::Locked)
        );
        assert_eq!(
            check(Status::Pending, 0, until, true, until),
            Err(CheckRefused::Expired)
        );
        assert_eq!(
            check(Status::Verified, 0, until, true, t),
            Err(CheckRefused::AlreadyVerified)
        );
    }

    #[test]
    fn codes_are_six_digits() {
        assert_eq!(code_digits("123 456").as_deref(), Some("123456"));
        assert_eq!(code_digits("12-34-56").as_deref(), Some("123456"));
        for bad in ["12345", "1234567", "12345a", ""] {
            assert_eq!(code_digits(bad), None, "{bad}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_a_number_or_a_reason(text in "\\PC{0,30}") {
            if let Ok(n) = normalize_e164(&text) {
                proptest::prop_assert!(n.starts_with('+') && (9..=16).contains(&n.len()));
                proptest::prop_assert_eq!(normalize_e164(&n), Ok(n.clone()));
            }
        }
    }
}
