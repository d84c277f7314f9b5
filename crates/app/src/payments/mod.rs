//! Verified payment methods (seed 004: the platform verifies employers' payment methods before
//! they hire). A card is checked by the operator's payment provider with a small authorisation
//! that is voided at once; a verified method goes through the pipeline as `payment_method.added`
//! (the ban list and the identity graph see its fingerprint) and marks the client as able to hire.

mod stripe;

use crate::audit::Change;
use crate::{App, AppError, AppResult};
use sha2::{Digest, Sha256};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
pub use stripe::StripeProvider;
use trustwork_core::{Actor, Role};
use trustwork_store::contracts::PaymentMethod;
use trustwork_store::new_id;

/// What the provider said of a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckStatus {
    /// Authorised (and the authorisation voided).
    Verified,
    /// The bank wants the cardholder to confirm (3-D Secure); not verified yet.
    Pending,
    /// Declined, or not a usable card.
    Failed,
}

impl CheckStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Verified => "verified",
            CheckStatus::Pending => "pending",
            CheckStatus::Failed => "failed",
        }
    }
}

/// The provider's answer for one card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardCheck {
    pub status: CheckStatus,
    /// The card's fingerprint: the same card gives the same one, whoever adds it.
    pub fingerprint: String,
    /// What the member recognises it by ("Visa ending 4242").
    pub label: String,
    /// The provider's id for the check (its payment intent).
    pub provider_ref: Option<String>,
    /// Why it failed or waits, in the provider's words.
    pub reason: Option<String>,
}

/// A check's answer, or an error in words when the provider could not answer.
pub type CheckFuture<'a> = Pin<Box<dyn Future<Output = Result<CardCheck, String>> + Send + 'a>>;

/// A payment provider that can check a card the member entered in its widget (`token`).
pub trait PaymentProvider: Send + Sync {
    fn name(&self) -> &'static str;
    fn check_card<'a>(&'a self, token: &'a str) -> CheckFuture<'a>;
}

/// The demo's provider: a token that starts with `demo_ok` is a good card, `demo_pending` one
/// that waits for the cardholder, anything else is declined.
pub struct DemoProvider;

impl PaymentProvider for DemoProvider {
    fn name(&self) -> &'static str {
        "demo"
    }

    fn check_card<'a>(&'a self, token: &'a str) -> CheckFuture<'a> {
        let status = if token.starts_with("demo_ok") {
            CheckStatus::Verified
        } else if token.starts_with("demo_pending") {
            CheckStatus::Pending
        } else {
            CheckStatus::Failed
        };
        let digits: String = token.chars().filter(char::is_ascii_digit).collect();
        let last4 = digits.get(digits.len().saturating_sub(4)..).unwrap_or("");
        let check = CardCheck {
            status,
            fingerprint: hex::encode(&Sha256::digest(token.as_bytes())[..12]),
            label: if last4.len() == 4 {
                format!("Demo card ending {last4}")
            } else {
                "Demo card".to_owned()
            },
            provider_ref: None,
            reason: match status {
                CheckStatus::Verified => None,
                CheckStatus::Pending => Some("the bank asks the cardholder to confirm".into()),
                CheckStatus::Failed => Some("the card was declined".into()),
            },
        };
        Box::pin(async move { Ok(check) })
    }
}

/// No provider: cards are not checked by Trustwork (the marketplace reports verified methods
/// as `payment_method.added` events instead).
struct NoProvider;

impl PaymentProvider for NoProvider {
    fn name(&self) -> &'static str {
        "none"
    }

    fn check_card<'a>(&'a self, _token: &'a str) -> CheckFuture<'a> {
        Box::pin(async { Err("no payment provider is configured".to_owned()) })
    }
}

/// Which provider checks cards.
#[derive(Clone)]
pub struct Payments(pub Arc<dyn PaymentProvider>);

impl Default for Payments {
    fn default() -> Self {
        Self(Arc::new(DemoProvider))
    }
}

impl Payments {
    /// Outside the demo with no provider configured: every check answers that cards are not
    /// checked here.
    pub fn unconfigured() -> Self {
        Self(Arc::new(NoProvider))
    }
}

impl std::fmt::Debug for Payments {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Payments({})", self.0.name())
    }
}

/// The longest token a provider's widget hands over.
const MAX_TOKEN_LEN: usize = 255;

impl App {
    /// A client adds a card: the provider checks it; a verified card is judged by the pipeline
    /// (a banned person's card is refused there) and lets the client hire.
    pub async fn add_payment_method(
        &self,
        account_id: &str,
        kind: &str,
        token: &str,
    ) -> AppResult<PaymentMethod> {
        if kind != "card" {
            return Err(AppError::invalid("kind", "expected card"));
        }
        let token = token.trim();
        if token.is_empty()
            || token.len() > MAX_TOKEN_LEN
            || !token.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(AppError::invalid(
                "token",
                format!("must be the provider's token: 1 to {MAX_TOKEN_LEN} printable characters"),
            ));
        }
        {
            let mut tx = self.db().read().await?;
            let account = tx.account(account_id).await?;
            if account.role != Role::Client {
                return Err(AppError::invalid(
                    "account_id",
                    "only client accounts add payment methods to hire with",
                ));
            }
        }
        let provider = &self.config().payments.0;
        let check = provider.check_card(token).await.map_err(|e| {
            tracing::warn!(provider = provider.name(), error = %e, "card check failed");
            AppError::Unavailable("the payment provider could not check the card; try again".into())
        })?;
        let id = new_id("pm");
        let (mut status, mut reason) = (check.status, check.reason.clone());
        if status == CheckStatus::Verified {
            let event = serde_json::json!({
                "type": "payment_method.added",
                "occurred_at": self.now().to_rfc3339(),
                "actor_id": account_id,
                "data": {"method": kind, "fingerprint": check.fingerprint},
            });
            let (decision, _) = self
                .ingest_unbatched(&format!("console-{id}"), &event)
                .await?;
            if decision.verdict == "block" {
                status = CheckStatus::Failed;
                reason = Some(decision.reason);
            }
        }
        let now = self.now();
        let method = PaymentMethod {
            id,
            account_id: account_id.to_owned(),
            kind: kind.to_owned(),
            provider: provider.name().to_owned(),
            provider_ref: check.provider_ref,
            fingerprint: check.fingerprint,
            label: check.label,
            status: status.as_str().to_owned(),
            failure_reason: reason,
            created_at: now,
        };
        let mut tx = self.db().begin().await?;
        tx.insert_payment_method(&method).await?;
        tx.append_audit(
            &Change {
                actor: &Actor::Account(account_id.to_owned()),
                account_id: Some(account_id),
                action: "payment_method.added",
                entity_type: "payment_method",
                entity_id: &method.id,
                reason: method.failure_reason.as_deref().unwrap_or(""),
                before: None,
                after: Some(serde_json::json!({"label": method.label, "status": method.status})),
            }
            .record(now),
        )
        .await?;
        tx.commit().await?;
        Ok(method)
    }

    /// Which of these clients have a verified payment method (what their job posts show).
    pub async fn clients_with_verified_payment(
        &self,
        client_ids: impl IntoIterator<Item = &str>,
    ) -> AppResult<std::collections::HashSet<String>> {
        let mut ids: Vec<&str> = client_ids.into_iter().collect();
        ids.sort_unstable();
        ids.dedup();
        let mut tx = self.db().read().await?;
        Ok(tx
            .find_accounts(&ids)
            .await?
            .into_iter()
            .filter(|a| a.payment_verified_at.is_some())
            .map(|a| a.id)
            .collect())
    }

    pub async fn payment_methods_of(&self, account_id: &str) -> AppResult<Vec<PaymentMethod>> {
        let mut tx = self.db().read().await?;
        tx.account(account_id).await?;
        Ok(tx.payment_methods_of(account_id).await?)
    }
}
