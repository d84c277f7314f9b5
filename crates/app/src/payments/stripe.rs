//! Stripe's API for the card check: a PaymentIntent of $1.00 with manual capture, confirmed with
//! the card the member entered in Stripe's widget (`pm_…`), then cancelled, so the hold on the
//! card disappears. `requires_capture` means the bank authorised it; `requires_action` means it
//! wants 3-D Secure first; a 402 `card_error` is a decline. The base URL is configurable so that
//! a test (or a compatible gateway) can stand in.

use super::{CardCheck, CheckFuture, CheckStatus, PaymentProvider};
use crate::provider_http::ProviderClient;
use serde_json::Value;

/// The authorisation's amount in the smallest unit of `currency`.
const CHECK_AMOUNT: &str = "100";

pub struct StripeProvider {
    secret_key: String,
    currency: String,
    client: ProviderClient,
}

impl StripeProvider {
    /// `base_url` is `https://api.stripe.com` in production.
    pub fn new(base_url: &str, secret_key: &str, currency: &str) -> Result<Self, String> {
        Ok(Self {
            secret_key: secret_key.to_owned(),
            currency: currency.to_ascii_lowercase(),
            client: ProviderClient::new(base_url)?,
        })
    }

    async fn post(&self, path: &str, pairs: &[(&str, &str)]) -> Result<(u16, Value), String> {
        let (status, body) = self
            .client
            .post_form(path, &format!("Bearer {}", self.secret_key), pairs)
            .await?;
        let json: Value = serde_json::from_slice(&body)
            .map_err(|e| format!("the provider answered {status} with no JSON: {e}"))?;
        Ok((status.as_u16(), json))
    }

    async fn check(&self, token: &str) -> Result<CardCheck, String> {
        let (status, intent) = self
            .post(
                "/v1/payment_intents",
                &[
                    ("amount", CHECK_AMOUNT),
                    ("currency", &self.currency),
                    ("payment_method", token),
                    ("payment_method_types[]", "card"),
                    ("capture_method", "manual"),
                    ("confirm", "true"),
                    ("expand[]", "payment_method"),
                    ("description", "Card check (voided at once)"),
                ],
            )
            .await?;
        if status == 402 {
            // A card error: declined, expired, wrong CVC. Stripe says which in words.
            let error = &intent["error"];
            let message = error["message"].as_str().unwrap_or("the card was declined");
            let card = &error["payment_intent"]["payment_method"]["card"];
            return Ok(CardCheck {
                status: CheckStatus::Failed,
                fingerprint: card["fingerprint"].as_str().unwrap_or(token).to_owned(),
                label: label(card),
                provider_ref: error["payment_intent"]["id"].as_str().map(str::to_owned),
                reason: Some(message.to_owned()),
            });
        }
        if !(200..300).contains(&status) {
            let message = intent["error"]["message"].as_str().unwrap_or("no message");
            return Err(format!("the provider answered {status}: {message}"));
        }
        let id = intent["id"]
            .as_str()
            .ok_or("the provider's answer has no payment intent id")?
            .to_owned();
        let card = &intent["payment_method"]["card"];
        let fingerprint = card["fingerprint"]
            .as_str()
            .ok_or("the provider's answer has no card fingerprint")?
            .to_owned();
        let (check_status, reason) = match intent["status"].as_str() {
            Some("requires_capture") => (CheckStatus::Verified, None),
            Some("requires_action") => (
                CheckStatus::Pending,
                Some("the bank asks the cardholder to confirm".to_owned()),
            ),
            other => (
                CheckStatus::Failed,
                Some(format!(
                    "the card was not authorised ({})",
                    other.unwrap_or("no status")
                )),
            ),
        };
        if check_status != CheckStatus::Pending {
            // Void the authorisation: the member is never charged for the check.
            // The card answered; a void that fails is the operator's to follow up (Stripe
            // also lets an uncaptured authorisation lapse after 7 days), not the member's.
            match self
                .post(&format!("/v1/payment_intents/{id}/cancel"), &[])
                .await
            {
                Ok((status, _)) if (200..300).contains(&status) => {}
                Ok((status, answer)) => {
                    let message = answer["error"]["message"].as_str().unwrap_or("no message");
                    tracing::warn!(intent = %id, status, message, "the card check was not voided");
                }
                Err(e) => tracing::warn!(intent = %id, error = %e, "the card check was not voided"),
            }
        }
        Ok(CardCheck {
            status: check_status,
            fingerprint,
            label: label(card),
            provider_ref: Some(id),
            reason,
        })
    }
}

/// "Visa ending 4242", from Stripe's card object.
fn label(card: &Value) -> String {
    let brand = match card["brand"].as_str().unwrap_or("card") {
        "visa" => "Visa",
        "mastercard" => "Mastercard",
        "amex" => "American Express",
        "discover" => "Discover",
        _ => "Card",
    };
    match card["last4"].as_str() {
        Some(last4) => format!("{brand} ending {last4}"),
        None => brand.to_owned(),
    }
}

impl PaymentProvider for StripeProvider {
    fn name(&self) -> &'static str {
        "stripe"
    }

    fn check_card<'a>(&'a self, token: &'a str) -> CheckFuture<'a> {
        Box::pin(self.check(token))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider_http::stand_in::provider;

    fn intent(status: &str) -> String {
        serde_json::json!({"id": "pi_123", "object": "payment_intent", "status": status,
            "payment_method": {"id": "pm_1", "card": {"brand": "visa", "last4": "4242", "fingerprint": "fp_abc"}}})
        .to_string()
    }

    #[tokio::test]
    async fn an_authorised_card_is_verified_and_the_hold_voided() {
        let (url, seen) = provider(vec![
            (200, intent("requires_capture")),
            (200, intent("canceled")),
        ])
        .await;
        let stripe = StripeProvider::new(&url, "sk_test_1", "USD").unwrap();
        let check = stripe.check_card("pm_card_visa").await.unwrap();
        assert_eq!(check.status, CheckStatus::Verified);
        assert_eq!(check.fingerprint, "fp_abc");
        assert_eq!(check.label, "Visa ending 4242");
        assert_eq!(check.provider_ref.as_deref(), Some("pi_123"));
        let seen = seen.await.unwrap();
        assert_eq!(seen[0].0, "POST /v1/payment_intents HTTP/1.1");
        assert!(
            seen[0]
                .1
                .iter()
                .any(|h| h == "authorization: Bearer sk_test_1"),
            "{:?}",
            seen[0].1
        );
        assert_eq!(
            seen[0].2,
            "amount=100&currency=usd&payment_method=pm_card_visa&payment_method_types%5B%5D=card&capture_method=manual&confirm=true&expand%5B%5D=payment_method&description=Card+check+%28voided+at+once%29"
        );
        assert_eq!(seen[1].0, "POST /v1/payment_intents/pi_123/cancel HTTP/1.1");
    }

    #[tokio::test]
    async fn a_decline_fails_a_3ds_card_waits_and_an_outage_is_an_error() {
        let declined = serde_json::json!({"error": {"type": "card_error", "code": "card_declined",
            "message": "Your card was declined.", "payment_intent": {"id": "pi_9",
            "payment_method": {"card": {"brand": "mastercard", "last4": "0002", "fingerprint": "fp_x"}}}}});
        let (url, _) = provider(vec![(402, declined.to_string())]).await;
        let stripe = StripeProvider::new(&url, "sk_test_1", "usd").unwrap();
        let check = stripe.check_card("pm_card_chargeDeclined").await.unwrap();
        assert_eq!(check.status, CheckStatus::Failed);
        assert_eq!(check.reason.as_deref(), Some("Your card was declined."));
        assert_eq!(check.label, "Mastercard ending 0002");

        let (url, seen) = provider(vec![(200, intent("requires_action"))]).await;
        let stripe = StripeProvider::new(&url, "sk_test_1", "usd").unwrap();
        let check = stripe
            .check_card("pm_card_threeDSecure2Required")
            .await
            .unwrap();
        assert_eq!(check.status, CheckStatus::Pending);
        // Nothing is voided while the bank waits for the cardholder.
        assert_eq!(seen.await.unwrap().len(), 1);

        let unauthorised = r#"{"error": {"type": "invalid_request_error", "message": "Invalid API Key provided"}}"#;
        let (url, _) = provider(vec![(401, unauthorised.into())]).await;
        let stripe = StripeProvider::new(&url, "sk_wrong", "usd").unwrap();
        let e = stripe.check_card("pm_card_visa").await.unwrap_err();
        assert!(e.contains("401") && e.contains("Invalid API Key"), "{e}");
    }
}
