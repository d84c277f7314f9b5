//! Loading what the planner's counters read from the event's transaction, and recording what a
//! decision adds. Which counters exist, their windows and how they add up are `core`'s
//! (`trustwork_core::enforcement::counters`); this reads and writes them.

use crate::AppResult;
use trustwork_core::DAY_MS;
use trustwork_core::Timestamp;
use trustwork_core::enforcement::counters::{ActorCounters, Before, Signal, other_counters};
use trustwork_core::enforcement::{Event, EventData};
use trustwork_detect::neardup::{MinHasher, Signature};
use trustwork_store::Tx;

/// Two letters at least this similar (estimated Jaccard over word 3-shingles) count as the same.
pub const SIMILAR_LETTER: f32 = 0.8;
/// Seed of the MinHash functions: fixed, so every server node computes the same signatures.
pub const MINHASH_SEED: u64 = 0x7472_7573_7477_6f72;
/// At most this many earlier letters are compared with a new one.
const LETTER_CANDIDATES: i64 = 500;

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

/// The actor's own counters, read from the transaction.
pub async fn actor_counters(
    tx: &mut Tx,
    actor_id: &str,
    now: Timestamp,
) -> AppResult<ActorCounters> {
    Ok(tx
        .actor_counters(&[actor_id], now)
        .await?
        .remove(actor_id)
        .unwrap_or_default())
}

/// What the counters knew before this event: the actor's (`own`), and what only the database
/// holds — near-duplicate letters, the other account of a flag or feedback, banned fingerprints.
pub async fn before(
    tx: &mut Tx,
    event: &Event,
    own: &ActorCounters,
    letter: Option<&Signature>,
    banned_matches: i64,
    now: Timestamp,
) -> AppResult<Before> {
    let mut before = Before::of_actor(own, now);
    before.banned_fingerprint_matches = banned_matches;
    if let Some(sig) = letter {
        let since = now.plus_millis(-DAY_MS);
        for cand in tx
            .letter_candidates(
                &sig.band_keys(),
                Some(&event.actor_id),
                since,
                LETTER_CANDIDATES,
            )
            .await?
        {
            let other = hex_to_signature(&cand.signature_hex);
            if other.is_some_and(|o| o.similarity(sig) >= SIMILAR_LETTER) {
                before.similar_letters_24h += 1;
            }
        }
    }
    for (account, kind, window) in other_counters(event) {
        let n = tx.counted(account, kind, window, now).await?;
        before.set_other(kind, n);
    }
    Ok(before)
}

/// Records what this event adds to the counters.
pub async fn record(
    tx: &mut Tx,
    actor_id: &str,
    signals: &[Signal],
    letter: Option<&Signature>,
    now: Timestamp,
) -> AppResult<()> {
    tx.add_signals(signals).await?;
    if let Some(sig) = letter {
        tx.insert_letter(actor_id, &signature_to_hex(sig), &sig.band_keys(), now)
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
