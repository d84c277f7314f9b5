//! Per-account counters over time windows: which signals an event adds, how they are kept, and
//! the counters the policy reads. Defined once here for every path that decides an event.
//!
//! Counters are kept in hour buckets, not as one entry per signal, so that what is kept and read
//! for an account is bounded whatever its history: at most 720 buckets for a 30-day window, and
//! at most [`MAX_RECENT_REFS`] people for "distinct recipients in the last hour". A bucket counts
//! while any part of its hour is inside the window: a signal leaves a 30-day count within the hour
//! after it turns 30 days old.

use super::decide::FindingInput;
use super::event::{Event, EventData};
use crate::timestamp::MINUTE_MS;
use crate::{DAY_MS, HOUR_MS, Timestamp};
use std::collections::{BTreeMap, HashMap};

/// Signal kinds, as stored.
pub const CONTACT_ATTEMPT: &str = "contact_attempt";
pub const PAYMENT_ATTEMPT: &str = "payment_attempt";
pub const MESSAGE_RECIPIENT: &str = "message_recipient";
pub const FLAG_RECEIVED: &str = "flag_received";
pub const NEGATIVE_FEEDBACK: &str = "negative_feedback";
pub const DISPUTE: &str = "dispute";
/// One of the sender's texts went to the spot-check queue.
pub const SPOT_CHECK: &str = "spot_check";

/// The width of a counter bucket.
pub const BUCKET_MS: i64 = HOUR_MS;
/// The windows the counters are read over.
pub const ATTEMPTS_WINDOW_MS: i64 = 30 * DAY_MS;
pub const FLAGS_WINDOW_MS: i64 = 30 * DAY_MS;
pub const FEEDBACK_WINDOW_MS: i64 = 90 * DAY_MS;
pub const RECIPIENTS_WINDOW_MS: i64 = HOUR_MS;
pub const SPOT_CHECK_WINDOW_MS: i64 = DAY_MS;
/// Distinct recipients are counted up to this many: a mass-messaging threshold is in the tens,
/// and a sender writing to a million people must not cost a million entries.
pub const MAX_RECENT_REFS: usize = 200;

/// A recipient's last message is kept to the minute: a sender writing to the same person all
/// minute long changes nothing stored after the first message (a recipient leaves the hour
/// window up to a minute early).
pub const REF_TIME_MS: i64 = MINUTE_MS;

/// The time kept of a message to a recipient at `at`.
pub fn ref_time(at: Timestamp) -> Timestamp {
    Timestamp(at.millis().div_euclid(REF_TIME_MS) * REF_TIME_MS)
}

/// A rating at or below this is negative feedback.
pub const NEGATIVE_RATING: u8 = 2;

/// The start of the bucket holding `at`.
pub fn bucket_of(at: Timestamp) -> i64 {
    at.millis().div_euclid(BUCKET_MS) * BUCKET_MS
}

/// The first bucket still (partly) inside a window of `window_ms` ending at `now`: buckets
/// starting at or after it count.
pub fn first_bucket(now: Timestamp, window_ms: i64) -> i64 {
    bucket_of(now.plus_millis(-window_ms))
}

/// A signal to record: `kind` happened to `account_id` at `at`, about `ref_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signal {
    pub account_id: String,
    pub kind: &'static str,
    pub ref_id: String,
    pub at: Timestamp,
}

impl Signal {
    /// Whether it is counted in buckets (rather than as a distinct reference).
    pub fn bucketed(&self) -> bool {
        self.kind != MESSAGE_RECIPIENT
    }
}

/// Counts per hour bucket, oldest first; only buckets with a count are kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Buckets(Vec<(i64, i64)>);

impl Buckets {
    pub fn add(&mut self, bucket: i64, n: i64) {
        match self.0.binary_search_by_key(&bucket, |(b, _)| *b) {
            Ok(i) => self.0[i].1 += n,
            Err(i) => self.0.insert(i, (bucket, n)),
        }
    }

    /// The count of the buckets from `first` on.
    pub fn since(&self, first: i64) -> i64 {
        let start = self.0.partition_point(|(b, _)| *b < first);
        self.0[start..].iter().map(|(_, n)| n).sum()
    }

    /// Drops the buckets before `first`.
    pub fn prune(&mut self, first: i64) {
        let start = self.0.partition_point(|(b, _)| *b < first);
        self.0.drain(..start);
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The people an account messaged recently, each with the last time ([`ref_time`]); at most
/// [`MAX_RECENT_REFS`], the oldest dropped first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecentRefs(HashMap<String, Timestamp>);

impl RecentRefs {
    /// Answers whether what is kept changed (a new person, or a later minute): a message to
    /// someone already written to this minute need not be stored again.
    pub fn add(&mut self, ref_id: &str, at: Timestamp) -> bool {
        let at = ref_time(at);
        if let Some(last) = self.0.get_mut(ref_id) {
            let later = at > *last;
            *last = (*last).max(at);
            return later;
        }
        if self.0.len() >= MAX_RECENT_REFS
            && let Some(oldest) = self
                .0
                .iter()
                .min_by(|a, b| (a.1, a.0).cmp(&(b.1, b.0)))
                .map(|(id, _)| id.clone())
        {
            self.0.remove(&oldest);
        }
        self.0.insert(ref_id.to_owned(), at);
        true
    }

    /// How many were messaged after `since`.
    pub fn since(&self, since: Timestamp) -> i64 {
        i64::try_from(self.0.values().filter(|t| **t > since).count()).unwrap_or(i64::MAX)
    }

    pub fn prune(&mut self, since: Timestamp) {
        self.0.retain(|_, t| *t > since);
    }
}

/// What an actor's own counters hold: kept by the event writer between events, or loaded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActorCounters {
    pub contact_attempts: Buckets,
    pub payment_attempts: Buckets,
    pub recipients: RecentRefs,
    pub spot_checks: Buckets,
}

impl ActorCounters {
    /// Adds a signal about this actor (kinds the actor's counters do not read change nothing).
    /// Answers whether it changed what is stored of the counters: false only for a recipient
    /// already written to in the same minute.
    pub fn record(&mut self, kind: &str, ref_id: &str, at: Timestamp, n: i64) -> bool {
        match kind {
            CONTACT_ATTEMPT => self.contact_attempts.add(bucket_of(at), n),
            PAYMENT_ATTEMPT => self.payment_attempts.add(bucket_of(at), n),
            SPOT_CHECK => self.spot_checks.add(bucket_of(at), n),
            MESSAGE_RECIPIENT => return self.recipients.add(ref_id, at),
            _ => {}
        }
        true
    }

    /// Drops what has left every window (the clock only moves forward).
    pub fn prune(&mut self, now: Timestamp) {
        let first = first_bucket(now, ATTEMPTS_WINDOW_MS);
        self.contact_attempts.prune(first);
        self.payment_attempts.prune(first);
        self.spot_checks
            .prune(first_bucket(now, SPOT_CHECK_WINDOW_MS));
        self.recipients
            .prune(now.plus_millis(-RECIPIENTS_WINDOW_MS));
    }
}

/// What is known before this event: the actor's own counters and, for a flag or feedback, those
/// of the account it is about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Before {
    pub contact_attempts_30d: i64,
    pub payment_attempts_30d: i64,
    /// Letters in the last 24 hours at least as alike to this one as the near-duplicate bar.
    pub similar_letters_24h: i64,
    /// Distinct people the actor messaged in the last hour.
    pub recipients_1h: i64,
    /// The actor's texts sent to the spot-check queue in the last 24 hours.
    pub spot_checks_24h: i64,
    /// About the flag's target or the feedback's recipient.
    pub flags_received_30d: i64,
    pub negative_feedback_90d: i64,
    pub disputes_90d: i64,
    pub banned_fingerprint_matches: i64,
    /// The event's email, phone, device or payment method also belongs to other accounts
    /// (how many such matches): one person with two accounts, or an account shared.
    pub duplicate_account_matches: i64,
    /// How strongly (percent) the event ties its account to the most closely linked other live
    /// account, counting everything the two share (`identity_links::combined_strength`).
    pub linked_account_strength: i64,
    /// A sign-in's speed from the account's previous located sign-in, in km/h, when no one
    /// person could travel so fast; else 0.
    pub impossible_travel_kmh: i64,
    /// Distinct devices the account signed in from in the last hour, this sign-in's included.
    pub devices_1h: i64,
}

impl Before {
    /// The actor's own part, from what is kept of it.
    pub fn of_actor(counters: &ActorCounters, now: Timestamp) -> Self {
        let first = first_bucket(now, ATTEMPTS_WINDOW_MS);
        Before {
            contact_attempts_30d: counters.contact_attempts.since(first),
            payment_attempts_30d: counters.payment_attempts.since(first),
            recipients_1h: counters
                .recipients
                .since(now.plus_millis(-RECIPIENTS_WINDOW_MS)),
            spot_checks_24h: counters
                .spot_checks
                .since(first_bucket(now, SPOT_CHECK_WINDOW_MS)),
            ..Before::default()
        }
    }
}

/// The account, other than the actor, whose counters this event reads: `(account, kind, window)`.
pub fn other_counters(event: &Event) -> Vec<(&str, &'static str, i64)> {
    match &event.data {
        EventData::FlagCreated(f) => {
            vec![(f.target_account_id.as_str(), FLAG_RECEIVED, FLAGS_WINDOW_MS)]
        }
        EventData::FeedbackLeft(crate::enforcement::event::FeedbackLeft {
            recipient_id, ..
        })
        | EventData::DisputeOpened(crate::enforcement::event::DisputeOpened {
            recipient_id, ..
        }) => vec![
            (recipient_id.as_str(), NEGATIVE_FEEDBACK, FEEDBACK_WINDOW_MS),
            (recipient_id.as_str(), DISPUTE, FEEDBACK_WINDOW_MS),
        ],
        _ => Vec::new(),
    }
}

impl Before {
    /// Sets the counter of another account that [`other_counters`] named.
    pub fn set_other(&mut self, kind: &str, n: i64) {
        match kind {
            FLAG_RECEIVED => self.flags_received_30d = n,
            NEGATIVE_FEEDBACK => self.negative_feedback_90d = n,
            DISPUTE => self.disputes_90d = n,
            _ => {}
        }
    }
}

pub fn has(findings: &[FindingInput], category: &str) -> bool {
    findings.iter().any(|f| f.category == category)
}

/// Every counter the policy can read: what was known before plus this event.
pub fn assemble(
    event: &Event,
    findings: &[FindingInput],
    has_letter: bool,
    before: &Before,
) -> BTreeMap<String, i64> {
    let this = |category: &str| i64::from(has(findings, category));
    let mut c = BTreeMap::new();
    c.insert(
        "contact_attempts_30d".into(),
        before.contact_attempts_30d + this("contact_info"),
    );
    c.insert(
        "payment_attempts_30d".into(),
        before.payment_attempts_30d + this("off_platform_payment"),
    );
    c.insert(
        "similar_letters_24h".into(),
        if has_letter {
            before.similar_letters_24h + 1
        } else {
            0
        },
    );
    // An upper bound that counts this message's recipients as new; exact enough for a
    // threshold in the tens.
    let recipients = match &event.data {
        EventData::MessageSent(m) => {
            before.recipients_1h + i64::try_from(m.recipient_ids.len()).unwrap_or(i64::MAX)
        }
        _ => 0,
    };
    c.insert("distinct_recipients_1h".into(), recipients);
    let (flags, negative, disputes) = match &event.data {
        EventData::FlagCreated(_) => (before.flags_received_30d + 1, 0, 0),
        EventData::FeedbackLeft(f) => (
            0,
            before.negative_feedback_90d + i64::from(f.rating <= NEGATIVE_RATING),
            before.disputes_90d + i64::from(f.dispute),
        ),
        EventData::DisputeOpened(_) => (0, before.negative_feedback_90d, before.disputes_90d + 1),
        _ => (0, 0, 0),
    };
    c.insert("flags_received_30d".into(), flags);
    c.insert("recipient_negative_feedback_90d".into(), negative);
    c.insert("recipient_disputes_90d".into(), disputes);
    c.insert(
        "banned_fingerprint_matches".into(),
        before.banned_fingerprint_matches,
    );
    c.insert(
        "duplicate_account_matches".into(),
        before.duplicate_account_matches,
    );
    c.insert(
        "linked_account_strength".into(),
        before.linked_account_strength,
    );
    c.insert("impossible_travel_kmh".into(), before.impossible_travel_kmh);
    c.insert("devices_1h".into(), before.devices_1h);
    c
}

/// The signals this event adds to the counters (its letter aside).
pub fn signals_of(
    event: &Event,
    event_id: &str,
    findings: &[FindingInput],
    now: Timestamp,
) -> Vec<Signal> {
    let actor = event.actor_id.as_str();
    let signal = |account: &str, kind: &'static str, ref_id: &str| Signal {
        account_id: account.to_owned(),
        kind,
        ref_id: ref_id.to_owned(),
        at: now,
    };
    let mut out = Vec::new();
    if has(findings, "contact_info") {
        out.push(signal(actor, CONTACT_ATTEMPT, event_id));
    }
    if has(findings, "off_platform_payment") {
        out.push(signal(actor, PAYMENT_ATTEMPT, event_id));
    }
    match &event.data {
        EventData::MessageSent(m) => {
            for r in &m.recipient_ids {
                out.push(signal(actor, MESSAGE_RECIPIENT, r));
            }
        }
        EventData::FlagCreated(f) => {
            out.push(signal(&f.target_account_id, FLAG_RECEIVED, event_id));
        }
        EventData::FeedbackLeft(f) => {
            if f.rating <= NEGATIVE_RATING {
                out.push(signal(&f.recipient_id, NEGATIVE_FEEDBACK, event_id));
            }
            if f.dispute {
                out.push(signal(&f.recipient_id, DISPUTE, event_id));
            }
        }
        EventData::DisputeOpened(o) => {
            out.push(signal(&o.recipient_id, DISPUTE, event_id));
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempts_leave_the_window_within_the_hour_after_they_turn_30_days_old() {
        let mut c = ActorCounters::default();
        let t0 = Timestamp(100 * DAY_MS + 10 * 60_000);
        c.record(CONTACT_ATTEMPT, "evt_1", t0, 1);
        c.record(CONTACT_ATTEMPT, "evt_2", t0.plus_millis(DAY_MS), 1);
        c.record(PAYMENT_ATTEMPT, "evt_3", t0, 1);
        let now = t0.plus_millis(DAY_MS);
        let before = Before::of_actor(&c, now);
        assert_eq!(
            (before.contact_attempts_30d, before.payment_attempts_30d),
            (2, 1)
        );
        // 30 days and 49 minutes after: its hour is still partly inside the window.
        assert_eq!(
            Before::of_actor(&c, t0.plus_millis(ATTEMPTS_WINDOW_MS + 49 * 60_000))
                .contact_attempts_30d,
            2
        );
        // 30 days and 50 minutes after: its whole hour is older than 30 days.
        let later = t0.plus_millis(ATTEMPTS_WINDOW_MS + 50 * 60_000);
        assert_eq!(Before::of_actor(&c, later).contact_attempts_30d, 1);
        c.prune(later);
        assert_eq!(c.contact_attempts.len(), 1);
        assert!(c.payment_attempts.is_empty());
    }

    #[test]
    fn recipients_slide_by_their_last_message_and_are_bounded() {
        let mut c = ActorCounters::default();
        let t0 = Timestamp(100 * DAY_MS);
        c.record(MESSAGE_RECIPIENT, "c1", t0, 1);
        c.record(MESSAGE_RECIPIENT, "c1", t0.plus_millis(30 * 60_000), 1);
        c.record(MESSAGE_RECIPIENT, "c2", t0, 1);
        let at = |min: i64| Before::of_actor(&c, t0.plus_millis(min * 60_000)).recipients_1h;
        assert_eq!((at(50), at(70), at(100)), (2, 1, 0));
        // Only a new person or a later minute changes what is stored.
        assert!(c.recipients.add("c9", t0));
        assert!(!c.recipients.add("c9", t0.plus_millis(59_000)));
        assert!(c.recipients.add("c9", t0.plus_millis(60_000)));
        assert!(!c.recipients.add("c9", t0));
        for i in 0..(MAX_RECENT_REFS + 50) {
            c.record(MESSAGE_RECIPIENT, &format!("r{i}"), t0, 1);
        }
        assert_eq!(c.recipients.0.len(), MAX_RECENT_REFS);
        assert_eq!(
            Before::of_actor(&c, t0.plus_millis(60_000)).recipients_1h,
            MAX_RECENT_REFS as i64
        );
    }

    #[test]
    fn buckets_add_in_order_and_count_from_a_bucket_on() {
        let mut b = Buckets::default();
        for (bucket, n) in [(3, 1), (1, 2), (3, 4), (2, 1)] {
            b.add(bucket * BUCKET_MS, n);
        }
        assert_eq!(
            b.0,
            vec![(BUCKET_MS, 2), (2 * BUCKET_MS, 1), (3 * BUCKET_MS, 5)]
        );
        assert_eq!(b.since(2 * BUCKET_MS), 6);
        assert_eq!(b.since(0), 8);
        assert_eq!(b.since(4 * BUCKET_MS), 0);
    }
}
