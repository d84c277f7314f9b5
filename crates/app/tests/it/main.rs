//! Use-case stories, each run on SQLite and (when TRUSTWORK_TEST_POSTGRES_URL is set)
//! PostgreSQL, with a fake clock.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod auth;
mod conversations;
mod errors;
mod events;
mod identity_graph;
mod identity_story;
mod jobs;
mod mail;
mod nodes;
mod phone;
mod pipeline;
mod profiles;
mod restrictions;
mod review;
mod timers;
mod webhooks;

use std::sync::Arc;
use trustwork_app::accounts::AccountView as Account;
use trustwork_app::accounts::NewAccount;
use trustwork_app::{App, AppConfig, Clock, DevMailbox, FakeClock, Mailer};
use trustwork_core::{Actor, Role, Timestamp};
use trustwork_store::Db;

/// 2026-11-21T00:00:00Z
pub const START: Timestamp = Timestamp(1_795_219_200_000);

pub fn app_with(db: Db, mailer: Arc<dyn Mailer>) -> (App, Arc<FakeClock>) {
    let clock = Arc::new(FakeClock::at(START));
    let config = AppConfig {
        demo_mode: true,
        node_id: "test-node".into(),
        webhooks: trustwork_app::WebhookConfig {
            allowed_targets: trustwork_core::net::AllowedTargets::loopback(),
            ..Default::default()
        },
        ..AppConfig::default()
    };
    let app = App::new(db, clock.clone() as Arc<dyn Clock>, mailer, config);
    (app, clock)
}

pub fn app(db: Db) -> (App, Arc<FakeClock>) {
    app_with(db, Arc::new(DevMailbox))
}

/// An account; a client also has a card on file, so that its clean job posts go live at once
/// (without one they wait for review, see `jobs`).
pub async fn person(app: &App, email: &str, role: Role) -> Account {
    let account = app
        .create_account(
            &Actor::system("test"),
            NewAccount {
                email: email.into(),
                display_name: email.split('@').next().unwrap_or(email).into(),
                role,
                password: "password-123".into(),
                balance_cents: 50_000,
            },
        )
        .await
        .unwrap();
    if role == Role::Client {
        let card = serde_json::json!({
            "type": "payment_method.added", "occurred_at": "2026-11-21T10:00:00Z",
            "actor_id": account.id, "data": {"method": "card", "fingerprint": format!("card-{email}")},
        });
        app.ingest(&format!("card-{email}"), &card).await.unwrap();
    }
    account
}

pub fn agent_actor(agent: &Account) -> Actor {
    Actor::Account(agent.id.clone())
}

/// Fires every timer that is due now.
pub async fn fire_due(app: &App) -> usize {
    let mut n = 0;
    while app.fire_one_timer().await.unwrap() {
        n += 1;
    }
    n
}

/// Delivers every message that is due now.
pub async fn deliver_all(app: &App) -> usize {
    let mut n = 0;
    while app.deliver_one_message().await.unwrap() {
        n += 1;
    }
    n
}

/// The client hires the freelancer behind the proposal (hourly, $50 up to 40 hours) and both
/// accept the NDA: the contract is active.
pub async fn hire_started(
    app: &App,
    client_id: &str,
    proposal_id: &str,
) -> trustwork_app::records::Contract {
    let terms = trustwork_app::contracts::ContractTerms {
        kind: trustwork_core::contracts::ContractKind::Hourly,
        hourly_rate_cents: Some(5_000),
        weekly_limit_hours: Some(40),
        milestones: Vec::new(),
    };
    let offer = app.hire(client_id, proposal_id, terms).await.unwrap();
    app.accept_nda(&offer.id, client_id, None).await.unwrap();
    app.accept_nda(&offer.id, &offer.freelancer_id, None)
        .await
        .unwrap()
        .contract
}
