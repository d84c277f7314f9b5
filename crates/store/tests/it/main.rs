//! Storage stories, each run on SQLite and (when TRUSTWORK_TEST_POSTGRES_URL is set) PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod audit_outbox;
mod auth;
mod bulk;
mod events;
mod marketplace;
mod restrictions;
mod review;
mod timers;
mod verification;
mod webhooks;

use trustwork_core::{Role, Timestamp};
use trustwork_store::accounts::Account;
use trustwork_store::{Db, new_id};

/// Inserts an account and returns it.
pub async fn account(db: &Db, email: &str, role: Role) -> Account {
    let a = Account {
        id: new_id("acc"),
        email: email.to_owned(),
        display_name: format!("Name of {email}"),
        role,
        password_hash: "$argon2id$stub".into(),
        identity_verified_at: None,
        payment_verified_at: None,
        balance_cents: 10_000,
        created_at: Timestamp(1_000),
    };
    let mut tx = db.begin().await.unwrap();
    tx.insert_account(&a).await.unwrap();
    tx.commit().await.unwrap();
    a
}
