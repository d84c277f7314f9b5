//! Per-account counters over time windows, computed from stored signals in the event's
//! transaction, the current event included.

use crate::AppResult;
use std::collections::BTreeMap;
use trustwork_core::enforcement::{Event, EventData, FindingInput};
use trustwork_core::{DAY_MS, HOUR_MS, Timestamp};
use trustwork_detect::neardup::{MinHasher, Signature};
use trustwork_store::Tx;

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

/// Every counter the policy can read, for this event.
pub async fn compute(
    tx: &mut Tx,
    event: &Event,
    findings: &[FindingInput],
    letter: Option<&Signature>,
    banned_matches: i64,
    now: Timestamp,
) -> AppResult<BTreeMap<String, i64>> {
    let actor = event.actor_id.as_str();
    let mut c = BTreeMap::new();
    let this = |category: &str| i64::from(has(findings, category));
    let contacts = tx
        .count_signals(actor, CONTACT_ATTEMPT, now.plus_millis(-30 * DAY_MS))
        .await?;
    c.insert(
        "contact_attempts_30d".into(),
        contacts + this("contact_info"),
    );
    let payments = tx
        .count_signals(actor, PAYMENT_ATTEMPT, now.plus_millis(-30 * DAY_MS))
        .await?;
    c.insert(
        "payment_attempts_30d".into(),
        payments + this("off_platform_payment"),
    );

    let mut similar = 0;
    if let Some(sig) = letter {
        let since = now.plus_millis(-DAY_MS);
        for cand in tx
            .letter_candidates(&sig.band_keys(), Some(actor), since, 500)
            .await?
        {
            let other = hex_to_signature(&cand.signature_hex);
            if other.is_some_and(|o| o.similarity(sig) >= SIMILAR_LETTER) {
                similar += 1;
            }
        }
        similar += 1;
    }
    c.insert("similar_letters_24h".into(), similar);

    let mut recipients = 0;
    if let EventData::MessageSent(m) = &event.data {
        let since = now.plus_millis(-HOUR_MS);
        let earlier = tx
            .count_distinct_signal_refs(actor, MESSAGE_RECIPIENT, since)
            .await?;
        // An upper bound that counts this message's recipients as new; exact enough for a
        // threshold in the tens.
        recipients = earlier + i64::try_from(m.recipient_ids.len()).unwrap_or(i64::MAX);
    }
    c.insert("distinct_recipients_1h".into(), recipients);

    let (mut flags, mut negative, mut disputes) = (0, 0, 0);
    match &event.data {
        EventData::FlagCreated(f) => {
            flags = tx
                .count_signals(
                    &f.target_account_id,
                    FLAG_RECEIVED,
                    now.plus_millis(-30 * DAY_MS),
                )
                .await?
                + 1;
        }
        EventData::FeedbackLeft(f) => {
            let since = now.plus_millis(-90 * DAY_MS);
            negative = tx
                .count_signals(&f.recipient_id, NEGATIVE_FEEDBACK, since)
                .await?
                + i64::from(f.rating <= 2);
            disputes =
                tx.count_signals(&f.recipient_id, DISPUTE, since).await? + i64::from(f.dispute);
        }
        _ => {}
    }
    c.insert("flags_received_30d".into(), flags);
    c.insert("recipient_negative_feedback_90d".into(), negative);
    c.insert("recipient_disputes_90d".into(), disputes);
    c.insert("banned_fingerprint_matches".into(), banned_matches);
    Ok(c)
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
    let actor = event.actor_id.as_str();
    if has(findings, "contact_info") {
        tx.add_signal(actor, CONTACT_ATTEMPT, event_id, now).await?;
    }
    if has(findings, "off_platform_payment") {
        tx.add_signal(actor, PAYMENT_ATTEMPT, event_id, now).await?;
    }
    if let Some(sig) = letter {
        tx.insert_letter(actor, &signature_to_hex(sig), &sig.band_keys(), now)
            .await?;
    }
    match &event.data {
        EventData::MessageSent(m) => {
            for r in &m.recipient_ids {
                tx.add_signal(actor, MESSAGE_RECIPIENT, r, now).await?;
            }
        }
        EventData::FlagCreated(f) => {
            tx.add_signal(&f.target_account_id, FLAG_RECEIVED, event_id, now)
                .await?;
        }
        EventData::FeedbackLeft(f) => {
            if f.rating <= 2 {
                tx.add_signal(&f.recipient_id, NEGATIVE_FEEDBACK, event_id, now)
                    .await?;
            }
            if f.dispute {
                tx.add_signal(&f.recipient_id, DISPUTE, event_id, now)
                    .await?;
            }
        }
        _ => {}
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
