//! Sign-in, console sessions and API tokens.

use crate::tokens::{constant_time_eq, keyed_hash, random_secret};
use crate::{App, AppError, AppResult};
use trustwork_core::{Capability, sign_in, standing};
use trustwork_store::auth::{ApiToken, Session};
use trustwork_store::new_id;

/// What an API token may do. Checked by the HTTP layer on every API route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Read accounts, standing, proposals, contracts, audit.
    AccountsRead,
    /// Require verification, record outcomes, apply and lift restrictions.
    AccountsWrite,
    /// Open identity evidence (ID stills and documents); every opening is audited.
    EvidenceRead,
    /// Operate the server: the demo test clock, timers.
    Admin,
}

impl Scope {
    pub const ALL: [Scope; 4] = [
        Scope::AccountsRead,
        Scope::AccountsWrite,
        Scope::EvidenceRead,
        Scope::Admin,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Scope::AccountsRead => "accounts:read",
            Scope::AccountsWrite => "accounts:write",
            Scope::EvidenceRead => "evidence:read",
            Scope::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// A signed-in console user.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub account: crate::accounts::AccountView,
    pub session_id: String,
    pub csrf_token: String,
}

/// How long a browser's device token spares it the email-wide sign-in delay.
pub const DEVICE_TOKEN_DAYS: i64 = 183;

/// A sign-in that succeeded: the session's cookie value, who, and the device token for the
/// browser to keep (it spares the owner the delays that others' failed guesses cause).
#[derive(Debug, Clone)]
pub struct SignInDone {
    pub token: String,
    pub signed: SignedIn,
    pub device: String,
}

/// A verified API caller.
#[derive(Debug, Clone)]
pub struct ApiCaller {
    pub token_id: String,
    pub name: String,
    pub scopes: Vec<Scope>,
}

impl ApiCaller {
    pub fn has(&self, scope: Scope) -> bool {
        self.scopes.contains(&scope) || self.scopes.contains(&Scope::Admin)
    }
}

/// Callers recently looked up, by token hash: the API is called thousands of times a second
/// with a handful of tokens. An entry lives [`CALLER_TTL`], so a token revoked in the database
/// stops working within that time on every server node.
#[derive(Default)]
pub(crate) struct CallerCache {
    entries: std::sync::Mutex<std::collections::HashMap<String, (ApiCaller, std::time::Instant)>>,
}

const CALLER_TTL: std::time::Duration = std::time::Duration::from_secs(2);
/// Beyond this many tokens the cache starts again empty: it never grows without bound.
const CALLER_CACHE_MAX: usize = 1024;

impl CallerCache {
    fn get(&self, hash: &str) -> Option<ApiCaller> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(hash)
            .filter(|(_, at)| at.elapsed() < CALLER_TTL)
            .map(|(caller, _)| caller.clone())
    }

    fn put(&self, hash: String, caller: ApiCaller) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= CALLER_CACHE_MAX {
                entries.clear();
            }
            entries.insert(hash, (caller, std::time::Instant::now()));
        }
    }
}

/// A valid hash of a password nobody has, checked when the email is unknown so that a wrong
/// email takes as long as a wrong password.
const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2xJ0bJ3jCHbb9q3fDszzBKzjUwS3QJPmg5FZ9G0Yp2Y";

impl App {
    fn token_hash(&self, secret: &str) -> AppResult<String> {
        keyed_hash(&self.config().secret_key, secret)
    }

    /// Signs in with email and password. Returns the session cookie value and the session.
    /// Slowed after too many recent failures for the email or from the address (see
    /// [`Self::sign_in`]).
    pub async fn login(
        &self,
        email: &str,
        password: &str,
        remote: &str,
    ) -> AppResult<(String, SignedIn)> {
        let done = self.sign_in(email, password, remote, None).await?;
        Ok((done.token, done.signed))
    }

    /// Signs in. After a few failures, further attempts must wait a growing delay after the last
    /// failure ([`sign_in::wait_ms`]): an attempt that comes too early is refused with the time
    /// left, one that comes after the wait is checked as usual. The delays are counted per email
    /// and address, per address, and (only after many) per email, so one attacker slows their
    /// own guesses, not the owner elsewhere. A browser that signed in to this email before (its
    /// `device` token, returned by the last success) skips the email-wide delay.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        remote: &str,
        device: Option<&str>,
    ) -> AppResult<SignInDone> {
        let now = self.now();
        let email = email.trim().to_lowercase();
        let policy = self.policy().clone();
        let since = now.plus_millis(-policy.login_window_ms);
        let known_device = device.is_some_and(|d| self.device_is_known(d, &email));
        let mut tx = self.db().begin().await?;
        tx.lock_login(&email).await?;
        let failures = tx.recent_login_failures(&email, remote, since).await?;
        // Guesses slow down where they come from: this email from this address after a few
        // failures, any email from this address after more (several people may share one), and
        // this email from everywhere only after many (a spread-out attack). An attacker on one
        // address cannot slow the owner signing in from another; the owner's own browser (its
        // device token) skips the email-wide delay.
        let free = policy.login_max_failures;
        let by_pair = sign_in::wait_ms(failures.by_pair, failures.last_by_pair, now, free);
        let by_remote =
            sign_in::wait_ms(failures.by_remote, failures.last_by_remote, now, free * 4);
        let by_email = if known_device {
            0
        } else {
            sign_in::wait_ms(failures.by_email, failures.last_by_email, now, free * 10)
        };
        let wait = by_email.max(by_remote).max(by_pair);
        if wait > 0 {
            return Err(AppError::TooManyAttempts {
                retry_after_secs: (wait + 999) / 1000,
            });
        }
        let account = tx.account_by_email(&email).await?;
        // The attempt counts as failed until the password checks out, and is written before the
        // (slow) check: parallel guesses each see the ones before them and cannot slip past the
        // limit together.
        let attempt = tx.record_login_attempt(&email, remote, now, false).await?;
        tx.commit().await?;
        let phc = account
            .as_ref()
            .map_or_else(|| DECOY_HASH.to_owned(), |a| a.password_hash.clone());
        let ok = self.passwords().verify(password.to_owned(), phc).await? && account.is_some();
        let mut tx = self.db().begin().await?;
        let Some(account) = account.filter(|_| ok) else {
            return Err(AppError::BadCredentials);
        };
        tx.mark_login_succeeded(&attempt).await?;
        let restrictions = tx.restrictions_of(&account.id).await?;
        if !standing::permission(&restrictions, Capability::Login, now).allowed {
            tx.commit().await?;
            return Err(AppError::LoginDenied);
        }
        let token = random_secret(32);
        let session = Session {
            id: self.token_hash(&token)?,
            account_id: account.id.clone(),
            csrf_token: random_secret(24),
            created_at: now,
            last_seen_at: now,
            expires_at: now.plus_millis(policy.session_idle_ms),
        };
        tx.insert_session(&session).await?;
        tx.commit().await?;
        Ok(SignInDone {
            token,
            device: self.device_token(&email),
            signed: SignedIn {
                account: account.into(),
                session_id: session.id,
                csrf_token: session.csrf_token,
            },
        })
    }

    /// A token a browser keeps after signing in to `email`: `nonce.tag`, where only this server
    /// can make the tag.
    fn device_token(&self, email: &str) -> String {
        let nonce = random_secret(12);
        let day = self.now().millis() / trustwork_core::DAY_MS;
        let tag = self.session_tag(&nonce, &format!("device\n{email}\n{day}"));
        format!("{nonce}.{day}.{tag}")
    }

    /// A device token made for this email by this server, at most [`DEVICE_TOKEN_DAYS`] ago.
    fn device_is_known(&self, device: &str, email: &str) -> bool {
        let mut parts = device.splitn(3, '.');
        let (Some(nonce), Some(day), Some(tag)) = (parts.next(), parts.next(), parts.next()) else {
            return false;
        };
        let Ok(issued) = day.parse::<i64>() else {
            return false;
        };
        let today = self.now().millis() / trustwork_core::DAY_MS;
        !nonce.is_empty()
            && (0..=DEVICE_TOKEN_DAYS).contains(&(today - issued))
            && constant_time_eq(
                tag,
                &self.session_tag(nonce, &format!("device\n{email}\n{issued}")),
            )
    }

    /// The signed-in user behind a session cookie, if the session is live and the account may
    /// still sign in. Sliding expiry: each use extends it (at most once a minute, to spare
    /// writes).
    pub async fn session(&self, token: &str) -> AppResult<Option<SignedIn>> {
        let now = self.now();
        let id = self.token_hash(token)?;
        let mut tx = self.db().begin().await?;
        let Some(session) = tx.live_session(&id, now).await? else {
            return Ok(None);
        };
        let account = tx.account(&session.account_id).await?;
        let restrictions = tx.restrictions_of(&account.id).await?;
        if !standing::permission(&restrictions, Capability::Login, now).allowed {
            tx.delete_sessions_of(&account.id).await?;
            tx.commit().await?;
            return Ok(None);
        }
        if now.millis() - session.last_seen_at.millis() > 60_000 {
            let expires = now.plus_millis(self.policy().session_idle_ms);
            tx.touch_session(&id, now, expires).await?;
        }
        tx.commit().await?;
        Ok(Some(SignedIn {
            account: account.into(),
            session_id: session.id,
            csrf_token: session.csrf_token,
        }))
    }

    pub async fn logout(&self, session_id: &str) -> AppResult<()> {
        let mut tx = self.db().begin().await?;
        tx.delete_session(session_id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Creates an API token; the secret is returned once and only its keyed hash is stored.
    pub async fn create_api_token(
        &self,
        name: &str,
        scopes: &[Scope],
    ) -> AppResult<(String, String)> {
        if name.trim().is_empty() {
            return Err(AppError::invalid("name", "must not be empty"));
        }
        let secret = format!("tw_{}", random_secret(32));
        let token = ApiToken {
            id: new_id("tok"),
            name: name.trim().to_owned(),
            token_hash: self.token_hash(&secret)?,
            scopes: scopes
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            created_at: self.now(),
            revoked_at: None,
        };
        let mut tx = self.db().begin().await?;
        tx.insert_api_token(&token).await?;
        tx.commit().await?;
        Ok((token.id, secret))
    }

    /// The caller behind a bearer secret, if the token exists and is not revoked.
    pub async fn api_caller(&self, secret: &str) -> AppResult<Option<ApiCaller>> {
        let hash = self.token_hash(secret)?;
        if let Some(caller) = self.api_callers().get(&hash) {
            return Ok(Some(caller));
        }
        let mut tx = self.db().read().await?;
        let token = tx.live_api_token(&hash).await?;
        let caller = token
            .filter(|t| constant_time_eq(&t.token_hash, &hash))
            .map(|t| ApiCaller {
                token_id: t.id,
                name: t.name,
                scopes: t
                    .scopes
                    .split_whitespace()
                    .filter_map(Scope::parse)
                    .collect(),
            });
        if let Some(c) = &caller {
            self.api_callers().put(hash, c.clone());
        }
        Ok(caller)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_decoy_hash_is_valid_and_matches_nothing() {
        let pool = std::sync::Arc::new(crate::password::PasswordHashing::new(1));
        assert!(argon2::password_hash::phc::PasswordHash::new(DECOY_HASH).is_ok());
        assert!(!pool.verify("x".into(), DECOY_HASH.into()).await.unwrap());
    }

    #[test]
    fn scopes_round_trip_and_admin_implies_all() {
        for s in Scope::ALL {
            assert_eq!(Scope::parse(s.as_str()), Some(s));
        }
        let admin = ApiCaller {
            token_id: "t".into(),
            name: "n".into(),
            scopes: vec![Scope::Admin],
        };
        assert!(admin.has(Scope::AccountsWrite));
        let reader = ApiCaller {
            scopes: vec![Scope::AccountsRead],
            ..admin
        };
        assert!(!reader.has(Scope::AccountsWrite));
    }
}
