//! Webhooks in the Standard Webhooks format (<https://www.standardwebhooks.com>): how a delivery
//! is signed, how a receiver verifies it, which URLs and event types a subscription may name, and
//! when a failed delivery is tried again.
//!
//! Pure like the rest of the domain: the caller passes the time and the random bytes. Using the
//! published format (rather than an own scheme) means an operator's receiver can verify our
//! deliveries with any Standard Webhooks library.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

pub use crate::net::AllowedTargets;

/// The prefix of a webhook signing secret; the rest is the base64 key.
pub const SECRET_PREFIX: &str = "whsec_";
/// How many random bytes a new secret has (the spec asks for 24 to 64).
pub const SECRET_BYTES: usize = 24;
/// How far a receiver lets `webhook-timestamp` stray from its clock (the spec's 5 minutes).
pub const DEFAULT_TOLERANCE_SECS: i64 = 5 * 60;
/// The longest URL a subscription may name.
pub const MAX_URL_LEN: usize = 2048;
/// Subscribes to every event type.
pub const ALL_EVENTS: &str = "*";
/// The event types Trustwork sends.
pub const EVENT_TYPES: [&str; 3] = ["decision.created", "job_post.reviewed", "standing.changed"];

/// Why a delivery was not accepted by a receiver, or why a subscription's input is refused. Each
/// has a stable code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    #[error("the secret is not whsec_ followed by base64")]
    BadSecret,
    #[error("the {0} header is missing")]
    MissingHeader(&'static str),
    #[error("webhook-timestamp is not a number of seconds")]
    BadTimestamp,
    #[error("webhook-timestamp is more than {tolerance_secs} s away from now")]
    TimestampOutOfTolerance { tolerance_secs: i64 },
    #[error("no signature matches")]
    NoMatchingSignature,
    #[error("{0}")]
    BadUrl(String),
    #[error("unknown event type {0:?}")]
    UnknownEventType(String),
}

impl WebhookError {
    /// Stable snake_case code.
    pub const fn code(&self) -> &'static str {
        match self {
            WebhookError::BadSecret => "bad_secret",
            WebhookError::MissingHeader(_) => "missing_header",
            WebhookError::BadTimestamp => "bad_timestamp",
            WebhookError::TimestampOutOfTolerance { .. } => "timestamp_out_of_tolerance",
            WebhookError::NoMatchingSignature => "no_matching_signature",
            WebhookError::BadUrl(_) => "bad_url",
            WebhookError::UnknownEventType(_) => "unknown_event_type",
        }
    }
}

/// A new secret from random bytes the caller drew: `whsec_` + base64.
pub fn secret_from_bytes(bytes: &[u8; SECRET_BYTES]) -> String {
    format!("{SECRET_PREFIX}{}", STANDARD.encode(bytes))
}

/// The HMAC key of a secret. Like the reference libraries, the `whsec_` prefix may be left off.
fn key_of(secret: &str) -> Result<Vec<u8>, WebhookError> {
    let encoded = secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret);
    let key = STANDARD
        .decode(encoded)
        .map_err(|_| WebhookError::BadSecret)?;
    if key.is_empty() {
        return Err(WebhookError::BadSecret);
    }
    Ok(key)
}

fn mac(key: &[u8], msg_id: &str, timestamp_secs: i64, body: &[u8]) -> Hmac<Sha256> {
    // HMAC takes keys of any length, so this cannot fail; the fallback keeps the function total.
    let mut mac = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => Hmac::<Sha256>::new(&Default::default()),
    };
    mac.update(msg_id.as_bytes());
    mac.update(b".");
    mac.update(timestamp_secs.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The `webhook-signature` value: `v1,` + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")).
pub fn sign(
    secret: &str,
    msg_id: &str,
    timestamp_secs: i64,
    body: &[u8],
) -> Result<String, WebhookError> {
    let key = key_of(secret)?;
    let tag = mac(&key, msg_id, timestamp_secs, body)
        .finalize()
        .into_bytes();
    Ok(format!("v1,{}", STANDARD.encode(tag)))
}

/// The three headers of a delivery as a receiver got them (`None` when absent).
#[derive(Debug, Clone, Copy, Default)]
pub struct SignedHeaders<'a> {
    pub id: Option<&'a str>,
    pub timestamp: Option<&'a str>,
    pub signature: Option<&'a str>,
}

/// What a receiver does: the timestamp is within `tolerance_secs` of `now_secs` (against
/// replays), and one of the space-separated `v1,` signatures matches, compared in constant time.
/// Signatures of other versions are skipped, so a sender may add schemes later.
pub fn verify(
    secret: &str,
    headers: SignedHeaders<'_>,
    body: &[u8],
    now_secs: i64,
    tolerance_secs: i64,
) -> Result<(), WebhookError> {
    let key = key_of(secret)?;
    let id = headers
        .id
        .ok_or(WebhookError::MissingHeader("webhook-id"))?;
    let timestamp = headers
        .timestamp
        .ok_or(WebhookError::MissingHeader("webhook-timestamp"))?;
    let signatures = headers
        .signature
        .ok_or(WebhookError::MissingHeader("webhook-signature"))?;
    let timestamp: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| WebhookError::BadTimestamp)?;
    if now_secs.abs_diff(timestamp) > tolerance_secs.unsigned_abs() {
        return Err(WebhookError::TimestampOutOfTolerance { tolerance_secs });
    }
    for candidate in signatures.split(' ') {
        let Some(encoded) = candidate.strip_prefix("v1,") else {
            continue;
        };
        let Ok(tag) = STANDARD.decode(encoded) else {
            continue;
        };
        if mac(&key, id, timestamp, body).verify_slice(&tag).is_ok() {
            return Ok(());
        }
    }
    Err(WebhookError::NoMatchingSignature)
}

/// Checks a subscription URL: `http://` or `https://`, a host, no spaces or control characters,
/// at most [`MAX_URL_LEN`] characters, and a host that is not internal by its address or its name
/// unless `allowed` names it (a name is checked again address by address at every delivery).
/// Returns it trimmed.
pub fn validate_url(url: &str, allowed: &AllowedTargets) -> Result<String, WebhookError> {
    let url = url.trim();
    let bad = |m: &str| Err(WebhookError::BadUrl(m.to_owned()));
    if url.len() > MAX_URL_LEN {
        return bad("must be at most 2048 characters");
    }
    if !url.chars().all(|c| c.is_ascii_graphic()) {
        return bad("must be printable ASCII without spaces");
    }
    let lower = url.to_ascii_lowercase();
    let Some(rest) = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
    else {
        return bad("must start with http:// or https://");
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return bad("must not carry a user name or password");
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        match v6.split_once(']') {
            Some((host, "")) => (&authority[..host.len() + 2], None),
            // Anything after the `]` but a `:port` is refused below as a bad port.
            Some((host, rest)) => (
                &authority[..host.len() + 2],
                Some(rest.strip_prefix(':').unwrap_or("-")),
            ),
            None => return bad("has an unclosed IPv6 address"),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if port.is_some_and(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit())) {
        return bad("has a port that is not a number");
    }
    if host.is_empty() {
        return bad("must name a host");
    }
    if url.contains('#') {
        return bad("must not have a fragment");
    }
    if let Some(why) = allowed.refuses_host(host) {
        return Err(WebhookError::BadUrl(format!(
            "must reach a public address: {why} (an operator may allow it with webhook_allowed_hosts)"
        )));
    }
    Ok(url.to_owned())
}

/// Checks the event types of a subscription: each is known or `*`, at least one. Returns them
/// sorted without duplicates.
pub fn validate_event_types(types: &[String]) -> Result<Vec<String>, WebhookError> {
    if types.is_empty() {
        return Err(WebhookError::UnknownEventType(String::new()));
    }
    let mut out: Vec<String> = Vec::with_capacity(types.len());
    for t in types {
        let t = t.trim();
        if t != ALL_EVENTS && !EVENT_TYPES.contains(&t) {
            return Err(WebhookError::UnknownEventType(t.to_owned()));
        }
        out.push(t.to_owned());
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Whether a subscription to `subscribed` (space-separated, as stored) wants `event_type`.
pub fn wants(subscribed: &str, event_type: &str) -> bool {
    subscribed
        .split(' ')
        .any(|t| t == ALL_EVENTS || t == event_type)
}

/// When failed deliveries are tried again: the delay before attempt 2, 3, …; after the last one
/// fails the delivery is given up. The default is the Standard Webhooks schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetrySchedule {
    pub delays_ms: Vec<i64>,
}

impl Default for RetrySchedule {
    /// Immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: eight attempts over a day.
    fn default() -> Self {
        const S: i64 = 1_000;
        Self {
            delays_ms: vec![
                5 * S,
                5 * 60 * S,
                30 * 60 * S,
                2 * 3600 * S,
                5 * 3600 * S,
                10 * 3600 * S,
                10 * 3600 * S,
            ],
        }
    }
}

impl RetrySchedule {
    /// Every attempt, the first included.
    pub fn max_attempts(&self) -> i64 {
        i64::try_from(self.delays_ms.len()).unwrap_or(i64::MAX - 1) + 1
    }

    /// The wait after `attempts` failed attempts, or `None` when that was the last.
    pub fn delay_after(&self, attempts: i64) -> Option<i64> {
        let index = usize::try_from(attempts.checked_sub(1)?).ok()?;
        self.delays_ms.get(index).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const TS: i64 = 1_614_265_330;
    const BODY: &[u8] = br#"{"test": 2432232314}"#;
    const EXPECTED: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    fn headers<'a>(sig: &'a str, ts: &'a str) -> SignedHeaders<'a> {
        SignedHeaders {
            id: Some(ID),
            timestamp: Some(ts),
            signature: Some(sig),
        }
    }

    /// The test vector the Standard Webhooks reference libraries publish.
    #[test]
    fn reproduces_the_published_test_vector() {
        assert_eq!(sign(SECRET, ID, TS, BODY).unwrap(), EXPECTED);
        // The prefix is optional, as in the reference libraries.
        assert_eq!(
            sign(SECRET.trim_start_matches(SECRET_PREFIX), ID, TS, BODY).unwrap(),
            EXPECTED
        );
        verify(SECRET, headers(EXPECTED, "1614265330"), BODY, TS, 300).unwrap();
    }

    #[test]
    fn receivers_refuse_what_does_not_fit() {
        let ts = "1614265330";
        assert_eq!(
            verify(SECRET, headers(EXPECTED, ts), b"{}", TS, 300),
            Err(WebhookError::NoMatchingSignature)
        );
        assert_eq!(
            verify(SECRET, headers(EXPECTED, ts), BODY, TS + 301, 300),
            Err(WebhookError::TimestampOutOfTolerance {
                tolerance_secs: 300
            })
        );
        verify(SECRET, headers(EXPECTED, ts), BODY, TS - 300, 300).unwrap();
        assert_eq!(
            verify(SECRET, headers(EXPECTED, "soon"), BODY, TS, 300),
            Err(WebhookError::BadTimestamp)
        );
        let several = format!("v2,abc v1,bm9wZQ== {EXPECTED}");
        verify(SECRET, headers(&several, ts), BODY, TS, 300).unwrap();
        let missing = SignedHeaders {
            id: None,
            ..headers(EXPECTED, ts)
        };
        assert_eq!(
            verify(SECRET, missing, BODY, TS, 300).map_err(|e| e.code()),
            Err("missing_header")
        );
        assert_eq!(sign("whsec_!!", ID, TS, BODY), Err(WebhookError::BadSecret));
        assert_eq!(sign("whsec_", ID, TS, BODY), Err(WebhookError::BadSecret));
    }

    #[test]
    fn new_secrets_have_the_whsec_form() {
        let s = secret_from_bytes(&[7; SECRET_BYTES]);
        assert!(s.starts_with("whsec_"));
        assert_eq!(key_of(&s).unwrap(), vec![7; SECRET_BYTES]);
    }

    #[test]
    fn urls_are_http_or_https_with_a_host() {
        for ok in [
            "http://127.0.0.1:8080/hook",
            "https://example.com",
            "HTTPS://Example.com/a?b=c",
            "http://[::1]:9000/x",
            "http://[::1]/x",
        ] {
            assert!(
                validate_url(ok, &AllowedTargets::loopback()).is_ok(),
                "{ok}"
            );
        }
        let long = format!("https://example.com/{}", "a".repeat(MAX_URL_LEN));
        for bad in [
            "ftp://example.com",
            "example.com",
            "http://",
            "http:///path",
            "http://exa mple.com",
            "http://user:pw@example.com",
            "http://example.com:80x/",
            "https://example.com/#frag",
            long.as_str(),
        ] {
            assert!(
                validate_url(bad, &AllowedTargets::loopback()).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn internal_targets_are_refused_unless_allowed() {
        let public_only = AllowedTargets::default();
        for url in [
            "http://169.254.169.254/latest/meta-data/",
            "http://metadata.google.internal/computeMetadata/v1/",
            "http://10.0.0.1/",
            "http://[::1]/",
            "http://127.1/",
            "http://2130706433/",
            "http://localhost:8080/",
            "https://[fd00:ec2::254]/",
            "http://0x7f000001/",
        ] {
            let err = validate_url(url, &public_only).unwrap_err().to_string();
            assert!(err.contains("public address"), "{url}: {err}");
        }
        assert!(validate_url("https://hooks.example.com/x", &public_only).is_ok());
        let named = AllowedTargets::parse(&["receiver.internal"]).unwrap();
        assert!(validate_url("http://receiver.internal:9000/h", &named).is_ok());
    }

    #[test]
    fn event_types_are_known_or_star() {
        let v = |t: &[&str]| {
            validate_event_types(&t.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>())
        };
        assert_eq!(
            v(&["standing.changed", "decision.created", "standing.changed"]).unwrap(),
            vec!["decision.created", "standing.changed"]
        );
        assert!(v(&["*"]).is_ok());
        assert_eq!(
            v(&["account.deleted"]),
            Err(WebhookError::UnknownEventType("account.deleted".into()))
        );
        assert!(v(&[]).is_err());
        assert!(wants(
            "decision.created standing.changed",
            "standing.changed"
        ));
        assert!(wants("*", "decision.created"));
        assert!(!wants("decision.created", "standing.changed"));
    }

    #[test]
    fn the_default_schedule_is_the_standard_one() {
        let s = RetrySchedule::default();
        assert_eq!(s.max_attempts(), 8);
        assert_eq!(s.delay_after(1), Some(5_000));
        assert_eq!(s.delay_after(2), Some(300_000));
        assert_eq!(s.delay_after(7), Some(36_000_000));
        assert_eq!(s.delay_after(8), None);
        assert_eq!(s.delay_after(0), None);
    }

    proptest! {
        #[test]
        fn what_is_signed_verifies(
            key in proptest::array::uniform24(any::<u8>()),
            id in "[a-zA-Z0-9_]{1,40}",
            ts in 0i64..4_000_000_000,
            skew in -300i64..=300,
            body in proptest::collection::vec(any::<u8>(), 0..512),
        ) {
            let secret = secret_from_bytes(&key);
            let sig = sign(&secret, &id, ts, &body).unwrap();
            let ts_text = ts.to_string();
            let h = SignedHeaders { id: Some(&id), timestamp: Some(&ts_text), signature: Some(&sig) };
            prop_assert!(verify(&secret, h, &body, ts + skew, 300).is_ok());
        }

        #[test]
        fn any_change_breaks_the_signature(
            key in proptest::array::uniform24(any::<u8>()),
            other_key in proptest::array::uniform24(any::<u8>()),
            body in proptest::collection::vec(any::<u8>(), 1..256),
            flip in any::<usize>(),
        ) {
            let secret = secret_from_bytes(&key);
            let sig = sign(&secret, "msg_1", 1_000, &body).unwrap();
            let mut changed = body.clone();
            let i = flip % changed.len();
            changed[i] ^= 1;
            let h = SignedHeaders { id: Some("msg_1"), timestamp: Some("1000"), signature: Some(&sig) };
            prop_assert_eq!(verify(&secret, h, &changed, 1_000, 300), Err(WebhookError::NoMatchingSignature));
            let other = SignedHeaders { id: Some("msg_2"), ..h };
            prop_assert!(verify(&secret, other, &body, 1_000, 300).is_err());
            if other_key != key {
                prop_assert!(verify(&secret_from_bytes(&other_key), h, &body, 1_000, 300).is_err());
            }
        }
    }
}
