//! Phone verification by a spoken or texted code: the member asks for a code to a number, types
//! it back, and the account gets its one verified number. The code is kept only as a keyed hash;
//! the rules (expiry, three wrong tries, E.164 numbers) are in `trustwork_core::phone`.

mod twilio;

use crate::audit::Change;
use crate::tokens::{constant_time_eq, keyed_hash};
use crate::{App, AppError, AppResult, notices};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use trustwork_core::phone::{self as rules, Channel, CheckOutcome, CheckRefused, Status};
use trustwork_core::{Actor, Timestamp};
use trustwork_store::new_id;
pub use trustwork_store::phone::PhoneVerification;
pub use twilio::TwilioSender;

/// What a provider's attempt to send a code returns: an error in words when it failed.
pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

/// A voice/SMS provider: calls the number and reads the code, or texts it.
pub trait PhoneSender: Send + Sync {
    fn name(&self) -> &'static str;
    fn send<'a>(&'a self, to: &'a str, channel: Channel, code: &'a str) -> SendFuture<'a>;
}

/// How codes reach people.
#[derive(Clone, Default)]
pub enum PhoneDelivery {
    /// The demo and development: the code goes to the account's Dev mailbox, as the words the
    /// call would speak or the text would say.
    #[default]
    DevMailbox,
    /// A real provider, after the attempt is stored.
    Provider(Arc<dyn PhoneSender>),
}

impl std::fmt::Debug for PhoneDelivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PhoneDelivery::DevMailbox => f.write_str("DevMailbox"),
            PhoneDelivery::Provider(p) => write!(f, "Provider({})", p.name()),
        }
    }
}

/// The words a call speaks or a text says: the code digit by digit, so a voice reads "one two
/// three", not "one hundred twenty-three thousand".
pub fn spoken(code: &str) -> String {
    let digits: Vec<String> = code.chars().map(String::from).collect();
    format!(
        "Your Trustwork verification code is {}. Again: {}.",
        digits.join(" "),
        digits.join(" ")
    )
}

/// `+14155550100` → `+1 ••• ••0100`: enough to recognise, not enough to call.
fn masked(phone: &str) -> String {
    let tail: String = phone
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("{}•••{tail}", phone.get(..2).unwrap_or("+"))
}

impl App {
    fn phone_code_hash(&self, id: &str, code: &str) -> AppResult<String> {
        keyed_hash(&self.config().secret_key, &format!("phone\n{id}\n{code}"))
    }

    /// Sends a 6-digit code to `phone` by `channel` (`voice` or `sms`) for the account to type
    /// back within ten minutes.
    pub async fn start_phone_verification(
        &self,
        actor: &Actor,
        account_id: &str,
        phone: &str,
        channel: &str,
    ) -> AppResult<PhoneVerification> {
        let now = self.now();
        let channel = Channel::parse(channel)
            .ok_or_else(|| AppError::invalid("channel", "expected voice or sms"))?;
        let phone = rules::normalize_e164(phone).map_err(|m| AppError::invalid("phone", m))?;
        let mut tx = self.db().begin().await?;
        let account = tx.account(account_id).await?;
        if let Some(id) = actor.account_id()
            && id != account.id
        {
            return Err(AppError::NotFound {
                entity: "account",
                id: account_id.to_owned(),
            });
        }
        if account.role.is_staff() {
            return Err(AppError::invalid(
                "account_id",
                "phone verification applies to freelancer and client accounts",
            ));
        }
        if tx.verified_phone(&account.id).await?.is_some() {
            return Err(AppError::Conflict(
                "the account already has a verified phone number".into(),
            ));
        }
        tx.lock_account(&account.id).await?;
        let (by_account, by_phone) = tx
            .recent_phone_attempts(&account.id, &phone, now.plus_millis(-rules::SEND_WINDOW_MS))
            .await?;
        if by_account >= rules::MAX_SENDS_PER_ACCOUNT || by_phone >= rules::MAX_SENDS_PER_NUMBER {
            return Err(AppError::Locked(
                "too many codes were asked for in the last hour; try again later".into(),
            ));
        }
        let id = new_id("phv");
        let code = random_code();
        let attempt = PhoneVerification {
            code_hash: self.phone_code_hash(&id, &code)?,
            id,
            account_id: account.id.clone(),
            phone: phone.clone(),
            channel,
            status: Status::Pending,
            wrong_codes: 0,
            created_at: now,
            expires_at: now.plus_millis(rules::CODE_TTL_MS),
            verified_at: None,
        };
        tx.insert_phone_verification(&attempt).await?;
        tx.append_audit(
            &Change {
                actor,
                account_id: Some(&account.id),
                action: "phone.code_sent",
                entity_type: "phone_verification",
                entity_id: &attempt.id,
                reason: &format!("{} to {}", channel.as_str(), masked(&phone)),
                before: None,
                after: Some(json(&attempt)),
            }
            .record(now),
        )
        .await?;
        let delivery = self.config().phone.clone();
        if matches!(delivery, PhoneDelivery::DevMailbox) {
            let how = match channel {
                Channel::Voice => "A call to",
                Channel::Sms => "A text message to",
            };
            notices::queue(
                self,
                &mut tx,
                &account,
                format!("{how} {phone} (demo delivery)"),
                format!(
                    "{how} {phone} would say:\n\n{}\n\nThe code is valid for 10 minutes.",
                    spoken(&code)
                ),
                now,
            )
            .await?;
        }
        tx.commit().await?;
        self.wake_outbox();
        if let PhoneDelivery::Provider(sender) = delivery
            && let Err(e) = sender.send(&phone, channel, &code).await
        {
            tracing::warn!(provider = sender.name(), error = %e, "the code could not be sent");
            // The attempt cannot be finished: lock it so that only a new one counts.
            let mut tx = self.db().begin().await?;
            tx.update_phone_verification(&attempt.id, 0, Status::Locked, 0, None)
                .await?;
            tx.commit().await?;
            return Err(AppError::Unavailable(
                "the code could not be sent; try again in a minute".into(),
            ));
        }
        Ok(attempt)
    }

    /// Checks a typed code. Right: the number is the account's verified number. Wrong: the
    /// tries left are said; the third wrong code locks the attempt (a new one is needed).
    pub async fn check_phone_code(
        &self,
        actor: &Actor,
        verification_id: &str,
        code: &str,
    ) -> AppResult<PhoneVerification> {
        let now = self.now();
        let digits = rules::code_digits(code)
            .ok_or_else(|| AppError::invalid("code", "the code is six digits"))?;
        let mut tx = self.db().begin().await?;
        let attempt = tx.phone_verification(verification_id).await?;
        if let Some(id) = actor.account_id()
            && id != attempt.account_id
        {
            return Err(AppError::NotFound {
                entity: "phone verification",
                id: verification_id.to_owned(),
            });
        }
        let matches = constant_time_eq(
            &self.phone_code_hash(&attempt.id, &digits)?,
            &attempt.code_hash,
        );
        let outcome = rules::check(
            attempt.status,
            attempt.wrong_codes,
            attempt.expires_at,
            matches,
            now,
        )
        .map_err(|refused| match refused {
            CheckRefused::Expired => {
                AppError::Conflict("the code has expired; ask for a new one".into())
            }
            CheckRefused::Locked => {
                AppError::Locked("three wrong codes were typed; ask for a new code".into())
            }
            CheckRefused::AlreadyVerified => {
                AppError::Conflict("this number is already verified".into())
            }
        })?;
        let (status, wrong, verified_at) = match outcome {
            CheckOutcome::Verified => (Status::Verified, attempt.wrong_codes, Some(now)),
            CheckOutcome::Wrong { .. } => (Status::Pending, attempt.wrong_codes + 1, None),
            CheckOutcome::LockedNow => (Status::Locked, attempt.wrong_codes + 1, None),
        };
        tx.update_phone_verification(&attempt.id, attempt.wrong_codes, status, wrong, verified_at)
            .await?;
        let after = PhoneVerification {
            status,
            wrong_codes: wrong,
            verified_at,
            ..attempt.clone()
        };
        tx.append_audit(
            &Change {
                actor,
                account_id: Some(&attempt.account_id),
                action: match outcome {
                    CheckOutcome::Verified => "phone.verified",
                    CheckOutcome::Wrong { .. } => "phone.wrong_code",
                    CheckOutcome::LockedNow => "phone.locked",
                },
                entity_type: "phone_verification",
                entity_id: &attempt.id,
                reason: &masked(&attempt.phone),
                before: Some(json(&attempt)),
                after: Some(json(&after)),
            }
            .record(now),
        )
        .await?;
        tx.commit().await?;
        match outcome {
            CheckOutcome::Verified => Ok(after),
            CheckOutcome::Wrong { tries_left } => Err(AppError::invalid(
                "code",
                format!(
                    "that is not the code; {tries_left} {} left",
                    if tries_left == 1 { "try" } else { "tries" }
                ),
            )),
            CheckOutcome::LockedNow => Err(AppError::Locked(
                "three wrong codes were typed; ask for a new code".into(),
            )),
        }
    }

    /// What the account's phone card shows: its verified number, else its latest attempt.
    pub async fn phone_status(&self, account_id: &str) -> AppResult<Option<PhoneVerification>> {
        let mut tx = self.db().begin().await?;
        if let Some(verified) = tx.verified_phone(account_id).await? {
            return Ok(Some(verified));
        }
        Ok(tx.latest_phone_verification(account_id).await?)
    }

    pub async fn phone_verification(&self, id: &str) -> AppResult<PhoneVerification> {
        let mut tx = self.db().begin().await?;
        Ok(tx.phone_verification(id).await?)
    }
}

fn random_code() -> String {
    use rand::Rng;
    format!("{:06}", rand::rng().random_range(0..1_000_000))
}

fn json(p: &PhoneVerification) -> serde_json::Value {
    serde_json::json!({
        "phone": masked(&p.phone),
        "channel": p.channel.as_str(),
        "status": p.status.as_str(),
        "wrong_codes": p.wrong_codes,
        "expires_at": p.expires_at.to_rfc3339(),
        "verified_at": p.verified_at.map(Timestamp::to_rfc3339),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes_are_spoken_digit_by_digit_and_numbers_masked() {
        assert_eq!(
            super::spoken("012345"),
            "Your Trustwork verification code is 0 1 2 3 4 5. Again: 0 1 2 3 4 5."
        );
        assert_eq!(super::masked("+14155550100"), "+1•••0100");
        let code = super::random_code();
        assert!(code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()));
    }
}
