//! Evidence of identity: ID stills from the call and uploaded documents. Sealed with AES-256-GCM
//! before the store sees it (the evidence id is the associated data, so a sealed blob moved to
//! another row does not open), opened only for verification agents and tokens with the evidence
//! scope, every opening in the account's audit log, and purged a set time after the outcome.

use crate::audit::Change;
use crate::tokens::random_bytes;
use crate::{App, AppError, AppResult};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use sha2::Sha256;
use trustwork_core::evidence::{EvidenceKind, MAX_EVIDENCE_BYTES, sniff};
use trustwork_core::{Actor, DAY_MS, Timestamp};
use trustwork_store::live_verification::Evidence;
use trustwork_store::{Tx, new_id};

/// Stills and documents one case may hold: plenty for retakes, not a storage service.
pub const MAX_EVIDENCE_PER_CASE: i64 = 20;

/// The timer kind that purges a case's evidence after the retention time.
pub(crate) const PURGE_TIMER: &str = "evidence_purge";

/// The 32-byte key evidence is sealed with: the configured one, or one derived from the
/// server's secret key (so a configured secret is enough; the database alone never is).
pub(crate) fn evidence_key(app: &App) -> AppResult<[u8; 32]> {
    if let Some(key) = &app.config().evidence_key {
        return Ok(*key);
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(&app.config().secret_key)
        .map_err(|e| AppError::Internal(format!("HMAC key rejected: {e}")))?;
    mac.update(b"trustwork/evidence-key/v1");
    let mut key = [0u8; 32];
    key.copy_from_slice(&mac.finalize().into_bytes());
    Ok(key)
}

fn sealing_key(key: &[u8; 32]) -> AppResult<LessSafeKey> {
    UnboundKey::new(&AES_256_GCM, key)
        .map(LessSafeKey::new)
        .map_err(|_| AppError::Internal("evidence key rejected".into()))
}

/// `nonce || ciphertext || tag`, base64.
pub(crate) fn seal(key: &[u8; 32], evidence_id: &str, plain: &[u8]) -> AppResult<String> {
    let key = sealing_key(key)?;
    let nonce_bytes = random_bytes(NONCE_LEN);
    let nonce = Nonce::try_assume_unique_for_key(&nonce_bytes)
        .map_err(|_| AppError::Internal("nonce length".into()))?;
    let mut buf = plain.to_vec();
    key.seal_in_place_append_tag(nonce, Aad::from(evidence_id.as_bytes()), &mut buf)
        .map_err(|_| AppError::Internal("sealing evidence failed".into()))?;
    let mut out = nonce_bytes;
    out.extend_from_slice(&buf);
    Ok(STANDARD.encode(out))
}

pub(crate) fn open(key: &[u8; 32], evidence_id: &str, sealed: &str) -> AppResult<Vec<u8>> {
    let broken = || AppError::Internal(format!("evidence {evidence_id} does not open"));
    let bytes = STANDARD.decode(sealed).map_err(|_| broken())?;
    if bytes.len() < NONCE_LEN {
        return Err(broken());
    }
    let (nonce, rest) = bytes.split_at(NONCE_LEN);
    let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| broken())?;
    let mut buf = rest.to_vec();
    let plain = sealing_key(key)?
        .open_in_place(nonce, Aad::from(evidence_id.as_bytes()), &mut buf)
        .map_err(|_| broken())?;
    Ok(plain.to_vec())
}

/// Opened evidence, ready to send.
#[derive(Debug, Clone)]
pub struct EvidenceFile {
    pub evidence: Evidence,
    pub bytes: Vec<u8>,
}

impl App {
    /// Stores evidence for an open case. The type comes from the bytes; `images_only` refuses
    /// PDFs (an ID still is an image).
    pub async fn add_evidence(
        &self,
        actor: &Actor,
        case_id: &str,
        kind: EvidenceKind,
        bytes: &[u8],
        images_only: bool,
    ) -> AppResult<Evidence> {
        if bytes.len() > MAX_EVIDENCE_BYTES {
            return Err(AppError::invalid(
                "file",
                format!(
                    "the file is {} KB; the limit is {} MB",
                    bytes.len() / 1024,
                    MAX_EVIDENCE_BYTES / (1024 * 1024)
                ),
            ));
        }
        let file_type = sniff(bytes)
            .filter(|t| !images_only || t.is_image())
            .ok_or_else(|| {
                AppError::invalid(
                    "file",
                    if images_only {
                        "the file is not a JPEG or PNG image"
                    } else {
                        "the file is not a JPEG or PNG image or a PDF"
                    },
                )
            })?;
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let case = tx.verification_case(case_id).await?;
        if !case.status.is_open() {
            return Err(AppError::Conflict(format!(
                "verification case {case_id} is decided ({}); it takes no more evidence",
                case.status.as_str()
            )));
        }
        if tx.evidence_count(case_id).await? >= MAX_EVIDENCE_PER_CASE {
            return Err(AppError::Conflict(format!(
                "this case already holds {MAX_EVIDENCE_PER_CASE} images and documents; an agent will review them"
            )));
        }
        let evidence = Evidence {
            id: new_id("ev"),
            case_id: case.id.clone(),
            account_id: case.account_id.clone(),
            kind,
            content_type: file_type.content_type().to_owned(),
            size_bytes: bytes.len() as i64,
            created_by: actor.to_text(),
            created_at: now,
            purged_at: None,
        };
        let sealed = seal(&evidence_key(self)?, &evidence.id, bytes)?;
        tx.insert_evidence(&evidence, &sealed).await?;
        tx.append_audit(
            &Change {
                actor,
                account_id: Some(&case.account_id),
                action: "verification.evidence_added",
                entity_type: "verification_evidence",
                entity_id: &evidence.id,
                reason: kind.label(),
                before: None,
                after: Some(serde_json::json!({
                    "case_id": case.id, "kind": kind.as_str(),
                    "content_type": evidence.content_type, "size_bytes": evidence.size_bytes,
                })),
            }
            .record(now),
        )
        .await?;
        tx.commit().await?;
        Ok(evidence)
    }

    pub async fn evidence_of_case(&self, case_id: &str) -> AppResult<Vec<Evidence>> {
        let mut tx = self.db().read().await?;
        tx.verification_case(case_id).await?;
        Ok(tx.evidence_of_case(case_id).await?)
    }

    /// Opens one piece of evidence for `viewer` and writes the viewing to the audit log in the
    /// same transaction: no view goes unrecorded. The caller has checked the viewer may see it.
    pub async fn view_evidence(
        &self,
        viewer: &Actor,
        case_id: &str,
        evidence_id: &str,
    ) -> AppResult<EvidenceFile> {
        let now = self.now();
        let mut tx = self.db().begin().await?;
        tx.verification_case(case_id).await?;
        let evidence = tx.evidence(evidence_id).await?;
        if evidence.case_id != case_id {
            return Err(AppError::NotFound {
                entity: "evidence",
                id: evidence_id.to_owned(),
            });
        }
        let Some(sealed) = tx.sealed_evidence(evidence_id).await? else {
            return Err(AppError::gone(
                "evidence_purged",
                format!(
                    "this evidence was deleted on {} under the retention policy",
                    evidence.purged_at.map(|t| t.to_human()).unwrap_or_default()
                ),
            ));
        };
        let bytes = open(&evidence_key(self)?, evidence_id, &sealed)?;
        tx.append_audit(
            &Change {
                actor: viewer,
                account_id: Some(&evidence.account_id),
                action: "verification.evidence_viewed",
                entity_type: "verification_evidence",
                entity_id: evidence_id,
                reason: evidence.kind.label(),
                before: None,
                after: None,
            }
            .record(now),
        )
        .await?;
        tx.commit().await?;
        Ok(EvidenceFile { evidence, bytes })
    }

    /// After a final outcome: the purge waits the retention time.
    pub(crate) async fn schedule_evidence_purge_in(
        &self,
        tx: &mut Tx,
        case_id: &str,
        now: Timestamp,
    ) -> AppResult<()> {
        let due = now.plus_millis(self.policy().evidence_retention_days.max(0) * DAY_MS);
        tx.schedule_timer(&new_id("tmr"), PURGE_TIMER, case_id, due, now)
            .await?;
        Ok(())
    }

    /// The purge timer's work. While an appeal of the account is open the evidence is kept and
    /// the purge tried again a day later.
    pub(crate) async fn purge_evidence_in(
        &self,
        tx: &mut Tx,
        case_id: &str,
        now: Timestamp,
    ) -> AppResult<()> {
        let case = tx.verification_case(case_id).await?;
        let appeals = tx.appeals_of(&case.account_id).await?;
        if appeals
            .iter()
            .any(|a| a.status == trustwork_core::appeal::AppealStatus::Open)
        {
            tx.schedule_timer(
                &new_id("tmr"),
                PURGE_TIMER,
                case_id,
                now.plus_millis(DAY_MS),
                now,
            )
            .await?;
            return Ok(());
        }
        let purged = tx.purge_evidence_of_case(case_id, now).await?;
        if purged > 0 {
            tx.append_audit(
                &Change {
                    actor: &Actor::system("evidence_retention"),
                    account_id: Some(&case.account_id),
                    action: "verification.evidence_purged",
                    entity_type: "verification_case",
                    entity_id: case_id,
                    reason: &format!(
                        "{purged} piece(s) of evidence deleted {} days after the outcome",
                        self.policy().evidence_retention_days
                    ),
                    before: None,
                    after: None,
                }
                .record(now),
            )
            .await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_evidence_opens_only_with_its_key_and_its_id() {
        let key = [7u8; 32];
        let plain = b"\xFF\xD8\xFFsecret id card";
        let sealed = seal(&key, "ev_1", plain).unwrap();
        assert!(!sealed.contains("secret"));
        assert_eq!(open(&key, "ev_1", &sealed).unwrap(), plain);
        assert!(open(&[8u8; 32], "ev_1", &sealed).is_err());
        assert!(open(&key, "ev_2", &sealed).is_err());
        assert!(open(&key, "ev_1", "AAAA").is_err());
        // A fresh nonce each time.
        assert_ne!(seal(&key, "ev_1", plain).unwrap(), sealed);
    }
}
