//! Accounts and the overview agents and freelancers see of them.

use crate::audit::Change;
use crate::{App, AppError, AppResult};
use trustwork_core::standing::{
    self as rules, Permission, Standing, TopRatedHoldCheck, top_rated_hold_check,
};
use trustwork_core::verification::VerificationCase;
use trustwork_core::{Actor, Capability, Restriction, Role, Timestamp};
use trustwork_store::accounts::Account;
use trustwork_store::new_id;

/// An account as the layers above `app` see it: the stored row without its password hash, which
/// never leaves this crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountView {
    pub id: String,
    /// Lower-cased; unique.
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub identity_verified_at: Option<Timestamp>,
    /// When a payment method was first verified (a client may hire from then on).
    pub payment_verified_at: Option<Timestamp>,
    pub balance_cents: i64,
    pub created_at: Timestamp,
}

impl From<Account> for AccountView {
    fn from(a: Account) -> Self {
        AccountView {
            id: a.id,
            email: a.email,
            display_name: a.display_name,
            role: a.role,
            identity_verified_at: a.identity_verified_at,
            payment_verified_at: a.payment_verified_at,
            balance_cents: a.balance_cents,
            created_at: a.created_at,
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewAccount {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub password: String,
    pub balance_cents: i64,
}

/// Everything about an account's standing in one read.
#[derive(Debug, Clone)]
pub struct AccountOverview {
    pub account: AccountView,
    pub standing: Standing,
    pub permissions: Vec<(Capability, Permission)>,
    /// All restrictions, lifted ones included, oldest first.
    pub restrictions: Vec<Restriction>,
    /// Verification cases, newest first.
    pub verification_cases: Vec<VerificationCase>,
    pub top_rated: TopRatedHoldCheck,
}

impl AccountOverview {
    pub fn identity_verified(&self) -> bool {
        self.account.identity_verified_at.is_some()
    }

    /// The case the freelancer must act on, if any.
    pub fn open_case(&self) -> Option<&VerificationCase> {
        self.verification_cases.iter().find(|c| c.status.is_open())
    }

    pub fn active_restrictions(&self, now: trustwork_core::Timestamp) -> Vec<&Restriction> {
        self.restrictions
            .iter()
            .filter(|r| r.is_active(now))
            .collect()
    }

    /// Badge names shown on the profile.
    pub fn badges(&self) -> Vec<&'static str> {
        let mut badges = Vec::new();
        if self.identity_verified() {
            badges.push("identity_verified");
        }
        badges
    }
}

fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(char::is_whitespace)
        && email.len() <= 254
}

impl App {
    pub async fn create_account(&self, actor: &Actor, new: NewAccount) -> AppResult<AccountView> {
        let email = new.email.trim().to_lowercase();
        if !valid_email(&email) {
            return Err(AppError::invalid("email", "is not an email address"));
        }
        let name = new.display_name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(AppError::invalid(
                "display_name",
                "must be 1 to 100 characters",
            ));
        }
        if new.password.chars().count() < 8 {
            return Err(AppError::invalid(
                "password",
                "must be at least 8 characters",
            ));
        }
        if new.balance_cents < 0 {
            return Err(AppError::invalid("balance_cents", "must not be negative"));
        }
        let now = self.now();
        let account = Account {
            id: new_id("acc"),
            email,
            display_name: name.to_owned(),
            role: new.role,
            password_hash: self.passwords().hash(new.password).await?,
            identity_verified_at: None,
            payment_verified_at: None,
            balance_cents: new.balance_cents,
            created_at: now,
        };
        let mut tx = self.db().begin().await?;
        tx.insert_account(&account).await?;
        tx.append_audit(
            &Change {
                actor,
                account_id: Some(&account.id),
                action: "account.created",
                entity_type: "account",
                entity_id: &account.id,
                reason: "",
                before: None,
                after: Some(serde_json::json!({
                    "email": account.email,
                    "role": account.role.as_str(),
                })),
            }
            .record(now),
        )
        .await?;
        tx.commit().await?;
        Ok(account.into())
    }

    pub async fn account(&self, id: &str) -> AppResult<AccountView> {
        let mut tx = self.db().begin().await?;
        Ok(tx.account(id).await?.into())
    }

    pub async fn account_overview(&self, id: &str) -> AppResult<AccountOverview> {
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let account = tx.account(id).await?;
        let restrictions = tx.restrictions_of(id).await?;
        let verification_cases = tx.verification_cases_of(id).await?;
        drop(tx);
        Ok(AccountOverview {
            standing: rules::standing(&restrictions, now),
            permissions: rules::all_permissions(&restrictions, now),
            top_rated: top_rated_hold_check(
                &restrictions,
                now,
                self.policy().top_rated_hold_cooldown_days,
            ),
            account: account.into(),
            restrictions,
            verification_cases,
        })
    }

    pub async fn search_accounts(&self, query: &str) -> AppResult<Vec<AccountView>> {
        let mut tx = self.db().begin().await?;
        let found = tx.search_accounts(query, 50).await?;
        Ok(found.into_iter().map(AccountView::from).collect())
    }

    pub async fn audit_of(
        &self,
        account_id: &str,
        limit: i64,
    ) -> AppResult<Vec<trustwork_core::audit::AuditRecord>> {
        let mut tx = self.db().begin().await?;
        tx.account(account_id).await?;
        Ok(tx.audit_of(account_id, limit.clamp(1, 1000)).await?)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn emails_are_checked_loosely_but_sanely() {
        for ok in ["a@b.co", "first.last+tag@example.org"] {
            assert!(super::valid_email(ok), "{ok}");
        }
        for bad in ["", "a", "a@b", "@b.co", "a@.co", "a b@c.co", "a@b.co."] {
            assert!(!super::valid_email(bad), "{bad}");
        }
    }
}
