//! Per-account counters over time windows, computed from stored signals in the event's
//! transaction, the current event included.

use crate::AppResult;
use std::collections::BTreeMap;
use trustwork_core::enforcement::{Event, EventData, FindingInput};
use trustwork_core::{DAY_MS, HOUR_MS, Timestamp};
use trustwork_detect::neardup::{MinHasher, Signature};
use trustwork_store::Tx;
use trustwork_store::signals::NewSignal;

/// Signal kinds, as stored.
pub const CONTACT_ATTEMPT: &str = "contact_attempt";
pub const PAYMENT_ATTEMPT: &str = "payment_attempt";
pub const MESSAGE_RECIPIENT: &str = "message_recipient";
pub const FLAG_RECEIVED: &str = "flag_received";
pub const NEGATIVE_FEEDBACK: &str = "negative_feedback";
pub const DISPUTE: &str = "dispute";

/// Two letters at least this similar (estimated Jaccard over word 3-shingles) count as the same.
pub const SIMILAR_LETTER: f32 = 0.8;
/// Seed of the MinHash functions: fixed, so every server node computes the same signatures.
pub const MINHASH_SEED: u64 = 0x7472_7573_7477_6f72;

pub fn has(findings: &[FindingInput], category: &str) -> bool {
    findings.iter().any(|f| f.category == category)
}

/// A cover letter's signature, when the event carries one.
pub fn letter_signature(event: &Event) -> Option<Signature> {
    match &event.data {
        EventData::ProposalSubmitted(p) => {
            let sig = MinHasher::new(MINHASH_SEED).signature(&p.cover_letter);
            (!sig.is_empty()).then_some(sig)
        }
        _ => None,
    }
}

/// What the stored signals say before this event; the counters add the event itself to these.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stored {
    pub contact_attempts_30d: i64,
    pub payment_attempts_30d: i64,
    /// Letters in the last 24 hours at least [`SIMILAR_LETTER`] alike to this one.
    pub similar_letters_24h: i64,
    /// Distinct people the actor messaged in the last hour.
    pub recipients_1h: i64,
    /// About the flag's target or the feedback's recipient.
    pub flags_received_30d: i64,
    pub negative_feedback_90d: i64,
    pub disputes_90d: i64,
    pub banned_fingerprint_matches: i64,
}

/// Loads [`Stored`] for this event from the transaction.
pub async fn load(
    tx: &mut Tx,
    event: &Event,
    letter: Option<&Signature>,
    banned_matches: i64,
    now: Timestamp,
) -> AppResult<Stored> {
    let actor = event.actor_id.as_str();
    let month = now.plus_millis(-30 * DAY_MS);
    let mut stored = Stored {
        contact_attempts_30d: tx.count_signals(actor, CONTACT_ATTEMPT, month).await?,
        payment_attempts_30d: tx.count_signals(actor, PAYMENT_ATTEMPT, month).await?,
        banned_fingerprint_matches: banned_matches,
        ..Stored::default()
    };
    if let Some(sig) = letter {
        let since = now.plus_millis(-DAY_MS);
        for cand in tx
            .letter_candidates(&sig.band_keys(), Some(actor), since, 500)
            .await?
        {
            let other = hex_to_signature(&cand.signature_hex);
            if other.is_some_and(|o| o.similarity(sig) >= SIMILAR_LETTER) {
                stored.similar_letters_24h += 1;
            }
        }
    }
    match &event.data {
        EventData::MessageSent(_) => {
            stored.recipients_1h = tx
                .count_distinct_signal_refs(actor, MESSAGE_RECIPIENT, now.plus_millis(-HOUR_MS))
                .await?;
        }
        EventData::FlagCreated(f) => {
            stored.flags_received_30d = tx
                .count_signals(&f.target_account_id, FLAG_RECEIVED, month)
                .await?;
        }
        EventData::FeedbackLeft(f) => {
            let since = now.plus_millis(-90 * DAY_MS);
            stored.negative_feedback_90d = tx
                .count_signals(&f.recipient_id, NEGATIVE_FEEDBACK, since)
                .await?;
            stored.disputes_90d = tx.count_signals(&f.recipient_id, DISPUTE, since).await?;
        }
        _ => {}
    }
    Ok(stored)
}

/// Every counter the policy can read: what was stored plus this event.
pub fn assemble(
    event: &Event,
    findings: &[FindingInput],
    has_letter: bool,
    stored: &Stored,
) -> BTreeMap<String, i64> {
    let this = |category: &str| i64::from(has(findings, category));
    let mut c = BTreeMap::new();
    c.insert(
        "contact_attempts_30d".into(),
        stored.contact_attempts_30d + this("contact_info"),
    );
    c.insert(
        "payment_attempts_30d".into(),
        stored.payment_attempts_30d + this("off_platform_payment"),
    );
    c.insert(
        "similar_letters_24h".into(),
        if has_letter {
            stored.similar_letters_24h + 1
        } else {
            0
        },
    );
    // An upper bound that counts this message's recipients as new; exact enough for a
    // threshold in the tens.
    let recipients = match &event.data {
        EventData::MessageSent(m) => {
            stored.recipients_1h + i64::try_from(m.recipient_ids.len()).unwrap_or(i64::MAX)
        }
        _ => 0,
    };
    c.insert("distinct_recipients_1h".into(), recipients);
    let (flags, negative, disputes) = match &event.data {
        EventData::FlagCreated(_) => (stored.flags_received_30d + 1, 0, 0),
        EventData::FeedbackLeft(f) => (
            0,
            stored.negative_feedback_90d + i64::from(f.rating <= 2),
            stored.disputes_90d + i64::from(f.dispute),
        ),
        _ => (0, 0, 0),
    };
    c.insert("flags_received_30d".into(), flags);
    c.insert("recipient_negative_feedback_90d".into(), negative);
    c.insert("recipient_disputes_90d".into(), disputes);
    c.insert(
        "banned_fingerprint_matches".into(),
        stored.banned_fingerprint_matches,
    );
    c
}

/// The signals this event adds to the counters (its letter aside).
pub fn signals_of(
    event: &Event,
    event_id: &str,
    findings: &[FindingInput],
    now: Timestamp,
) -> Vec<NewSignal> {
    let actor = event.actor_id.as_str();
    let signal = |account: &str, kind: &'static str, ref_id: &str| NewSignal {
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
            if f.rating <= 2 {
                out.push(signal(&f.recipient_id, NEGATIVE_FEEDBACK, event_id));
            }
            if f.dispute {
                out.push(signal(&f.recipient_id, DISPUTE, event_id));
            }
        }
        _ => {}
    }
    out
}

/// Records what this event adds to the counters.
pub async fn record(
    tx: &mut Tx,
    event: &Event,
    event_id: &str,
    findings: &[FindingInput],
    letter: Option<&Signature>,
    now: Timestamp,
) -> AppResult<()> {
    tx.add_signals(&signals_of(event, event_id, findings, now))
        .await?;
    if let Some(sig) = letter {
        tx.insert_letter(
            &event.actor_id,
            &signature_to_hex(sig),
            &sig.band_keys(),
            now,
        )
        .await?;
    }
    Ok(())
}

pub fn signature_to_hex(sig: &Signature) -> String {
    hex::encode(sig.to_bytes())
}

pub fn hex_to_signature(text: &str) -> Option<Signature> {
    hex::decode(text)
        .ok()
        .and_then(|b| Signature::from_bytes(&b))
}
