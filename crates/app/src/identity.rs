//! Identity: the accounts marketplace sign-ups create, and their fingerprints — normalised
//! emails, phones, devices and payment methods. A ban copies an account's fingerprints to the ban
//! list; a sign-up that matches one is a banned person returning. Used by the event pipeline and
//! by standing (a ban), so it belongs to neither.

use crate::AppResult;
use trustwork_core::enforcement::EventData;
use trustwork_core::enforcement::event::AccountSignup;
use trustwork_core::{Role, Timestamp};
use trustwork_store::Tx;
use trustwork_store::accounts::Account;

/// `First.Last+jobs@GoogleMail.com` and `firstlast@gmail.com` are one inbox.
pub fn normalise_email(email: &str) -> String {
    let lower = email.trim().to_lowercase();
    let Some((local, domain)) = lower.rsplit_once('@') else {
        return lower;
    };
    let local = local.split('+').next().unwrap_or(local);
    let domain = if domain == "googlemail.com" {
        "gmail.com"
    } else {
        domain
    };
    let local = if domain == "gmail.com" {
        local.replace('.', "")
    } else {
        local.to_owned()
    };
    format!("{local}@{domain}")
}

/// Digits only, with a leading `+` kept: `+1 (415) 555-0100` → `+14155550100`.
pub fn normalise_phone(phone: &str) -> String {
    let plus = phone.trim_start().starts_with('+');
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    if plus { format!("+{digits}") } else { digits }
}

pub fn of_signup(s: &AccountSignup) -> Vec<(&'static str, String)> {
    let mut out = vec![("email", normalise_email(&s.email))];
    if let Some(p) = s.phone.as_deref().filter(|p| !p.trim().is_empty()) {
        out.push(("phone", normalise_phone(p)));
    }
    if let Some(d) = s.device_id.as_deref().filter(|d| !d.trim().is_empty()) {
        out.push(("device", d.trim().to_owned()));
    }
    out
}

/// Creates the Trustwork side of an account that signed up on the marketplace. It has no
/// password: marketplace users are judged through the API, not signed in to the console.
pub async fn create_signed_up(
    tx: &mut Tx,
    id: &str,
    s: &AccountSignup,
    now: Timestamp,
) -> AppResult<Account> {
    if let Some(existing) = tx.find_account(id).await? {
        return Ok(existing);
    }
    let role = Role::parse(&s.role).unwrap_or(Role::Freelancer);
    let account = Account {
        id: id.to_owned(),
        email: s.email.trim().to_lowercase(),
        display_name: s.display_name.clone().unwrap_or_else(|| s.email.clone()),
        role,
        password_hash: String::new(),
        identity_verified_at: None,
        payment_verified_at: None,
        balance_cents: 0,
        created_at: now,
    };
    tx.insert_account(&account).await?;
    Ok(account)
}

/// What an event's identifying values match: on the ban list, and on other accounts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Matches {
    pub banned: i64,
    pub duplicates: i64,
}

/// How many other accounts hold each of `prints` (counted before they are remembered).
pub async fn duplicates_of(
    tx: &mut Tx,
    account_id: &str,
    prints: &[(&str, String)],
) -> AppResult<i64> {
    let mut n = 0;
    for (kind, value) in prints {
        n += tx
            .other_accounts_with_fingerprint(kind, value, account_id)
            .await?;
    }
    Ok(n)
}

/// The other accounts this one shares an email, phone, device or payment method with, as
/// `{"kind", "account_id"}` (for the agent reviewing a profile: one person, one account).
pub async fn shared_with_others(
    tx: &mut Tx,
    account_id: &str,
) -> AppResult<Vec<serde_json::Value>> {
    let mut links = Vec::new();
    for (kind, value) in tx.identity_fingerprints_of(account_id).await? {
        for other in tx.other_accounts_holding(&kind, &value, account_id).await? {
            links.push(serde_json::json!({"kind": kind, "account_id": other}));
        }
    }
    Ok(links)
}

/// Remembers the identifying values an event carries. Answers how many of them belong to a
/// banned account (e.g. a banned person's payment method added to a new account) and to other
/// accounts (a device two accounts sign in from).
pub async fn remember(
    tx: &mut Tx,
    account_id: &str,
    data: &EventData,
    now: Timestamp,
) -> AppResult<Matches> {
    let mut matches = Matches::default();
    let print = match data {
        EventData::AccountLogin(l) => l
            .device_id
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(|d| ("device", d.to_owned())),
        EventData::PaymentMethodAdded(p) => {
            let value = p.fingerprint.trim();
            if tx
                .banned_by_fingerprint("payment", value)
                .await?
                .is_some_and(|owner| owner != account_id)
            {
                matches.banned += 1;
            }
            Some(("payment", value.to_owned()))
        }
        _ => None,
    };
    if let Some((kind, value)) = print {
        // A value the account already has was counted when it first came.
        if !tx
            .has_identity_fingerprint(account_id, kind, &value)
            .await?
        {
            matches.duplicates += duplicates_of(tx, account_id, &[(kind, value.clone())]).await?;
            tx.add_identity_fingerprint(account_id, kind, &value, now)
                .await?;
        }
    }
    Ok(matches)
}

/// Copies the account's fingerprints to the ban list, its own email always among them (accounts
/// made in the console or the CLI have no sign-up event to learn it from).
pub async fn ban(tx: &mut Tx, account_id: &str, now: Timestamp) -> AppResult<usize> {
    let mut prints = tx.identity_fingerprints_of(account_id).await?;
    if let Some(account) = tx.find_account(account_id).await? {
        let email = ("email".to_owned(), normalise_email(&account.email));
        if !prints.contains(&email) {
            prints.push(email);
        }
    }
    for (kind, value) in &prints {
        tx.add_ban_fingerprint(account_id, kind, value, now).await?;
    }
    Ok(prints.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_and_phones_are_normalised() {
        assert_eq!(
            normalise_email(" First.Last+jobs@GoogleMail.com"),
            "firstlast@gmail.com"
        );
        assert_eq!(normalise_email("a.b+x@example.org"), "a.b@example.org");
        assert_eq!(normalise_phone("+1 (415) 555-0100"), "+14155550100");
        assert_eq!(normalise_phone("0044 20 7946 0958"), "00442079460958");
    }
}
