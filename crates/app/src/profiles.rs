//! Freelancers' profiles (seed 001, 004). A profile's texts go through the same detectors and
//! policy as the marketplace's `profile.updated` events (contact details in a profile are the
//! seed's violation): refused there, nothing is saved. A private profile is not in search.

use crate::audit::Change;
use crate::{App, AppError, AppResult};
use trustwork_core::profile::{ProfileInput, validate};
use trustwork_core::{Actor, Role};
use trustwork_store::new_id;
use trustwork_store::profiles::Profile;

/// The account's profile; not found until it is first saved.
pub(crate) async fn profile_in(
    tx: &mut trustwork_store::Tx,
    account_id: &str,
) -> AppResult<Profile> {
    tx.find_profile(account_id)
        .await?
        .ok_or_else(|| AppError::NotFound {
            entity: "profile",
            id: account_id.to_owned(),
        })
}

/// The profile just written in this transaction.
pub(crate) async fn kept_profile(
    tx: &mut trustwork_store::Tx,
    account_id: &str,
) -> AppResult<Profile> {
    tx.find_profile(account_id)
        .await?
        .ok_or_else(|| AppError::Internal(format!("profile {account_id} not kept")))
}

impl App {
    /// The account's profile (none until first saved).
    pub async fn profile(&self, account_id: &str) -> AppResult<Option<Profile>> {
        let mut tx = self.db().read().await?;
        let account = tx.account(account_id).await?;
        if account.role != Role::Freelancer {
            return Err(AppError::NotFound {
                entity: "profile",
                id: account_id.to_owned(),
            });
        }
        Ok(tx.find_profile(account_id).await?)
    }

    /// Saves a freelancer's profile after the pipeline has judged its texts.
    pub async fn put_profile(
        &self,
        actor: &Actor,
        account_id: &str,
        input: ProfileInput,
    ) -> AppResult<Profile> {
        let input = validate(input).map_err(|p| AppError::invalid(p.field, p.message))?;
        {
            let mut tx = self.db().read().await?;
            let account = tx.account(account_id).await?;
            if account.role != Role::Freelancer {
                return Err(AppError::invalid(
                    "account_id",
                    "only freelancers have a profile",
                ));
            }
            crate::portfolio_files::check_files_in(&mut tx, account_id, &input.details).await?;
        }
        let now = self.now();
        let event = serde_json::json!({
            "type": "profile.updated",
            "occurred_at": now.to_rfc3339(),
            "actor_id": account_id,
            "data": {"title": input.title, "overview": input.overview, "details": input.details.texts()},
        });
        let (decision, _) = self
            .ingest_unbatched(&format!("console-{}", new_id("prf")), &event)
            .await?;
        if decision.verdict == "block" {
            return Err(AppError::invalid("overview", decision.reason));
        }
        let mut tx = self.db().begin().await?;
        let before = tx.find_profile(account_id).await?;
        tx.put_profile(account_id, &input, now).await?;
        tx.append_audit(
            &Change {
                actor,
                account_id: Some(account_id),
                action: "profile.updated",
                entity_type: "profile",
                entity_id: account_id,
                reason: "",
                before: before.as_ref().map(|p| profile_json(&p.input)),
                after: Some(profile_json(&input)),
            }
            .record(now),
        )
        .await?;
        let saved = kept_profile(&mut tx, account_id).await?;
        tx.commit().await?;
        Ok(saved)
    }
}

/// The profile as the audit log keeps it.
fn profile_json(p: &ProfileInput) -> serde_json::Value {
    serde_json::json!({
        "title": p.title,
        "overview": p.overview,
        "hourly_rate_cents": p.hourly_rate_cents,
        "skills": p.skills,
        "visibility": p.visibility.as_str(),
    })
}
