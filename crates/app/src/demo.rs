//! The demo marketplace: a few staff, clients and freelancers with jobs, proposals and a
//! contract, so a newcomer can walk through the identity-verification story in the console.

use crate::accounts::NewAccount;
use crate::auth::Scope;
use crate::{App, AppResult};
use serde::Serialize;
use trustwork_core::{Actor, Role};

/// What `trustwork demo` prints and writes to `demo-credentials.json`.
#[derive(Debug, Clone, Serialize)]
pub struct DemoCredentials {
    pub admin_api_token: String,
    pub accounts: Vec<DemoLogin>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DemoLogin {
    pub id: String,
    pub email: String,
    pub password: String,
    pub role: Role,
    pub display_name: String,
}

/// The password of every demo account. The demo listens on the loopback address only.
pub const DEMO_PASSWORD: &str = "trustwork-demo";

const PEOPLE: &[(&str, &str, Role, i64)] = &[
    ("admin@trustwork.demo", "Ada Admin", Role::Admin, 0),
    ("agent@trustwork.demo", "Tomás Agent", Role::Agent, 0),
    ("support@trustwork.demo", "Sam Support", Role::Support, 0),
    ("acme@trustwork.demo", "Acme Robotics", Role::Client, 0),
    ("globex@trustwork.demo", "Globex Media", Role::Client, 0),
    (
        "maria@trustwork.demo",
        "Maria López",
        Role::Freelancer,
        125_000,
    ),
    ("dev@trustwork.demo", "Dev Patel", Role::Freelancer, 48_000),
    ("li@trustwork.demo", "Li Wei", Role::Freelancer, 9_500),
];

impl App {
    /// Fills an empty database with the demo marketplace.
    pub async fn seed_demo(&self) -> AppResult<DemoCredentials> {
        let actor = Actor::system("demo_seed");
        let mut logins = Vec::new();
        for (email, name, role, balance) in PEOPLE {
            let account = self
                .create_account(
                    &actor,
                    NewAccount {
                        email: (*email).into(),
                        display_name: (*name).into(),
                        role: *role,
                        password: DEMO_PASSWORD.into(),
                        balance_cents: *balance,
                    },
                )
                .await?;
            logins.push(DemoLogin {
                id: account.id,
                email: account.email,
                password: DEMO_PASSWORD.into(),
                role: *role,
                display_name: account.display_name,
            });
        }
        let id = |email: &str| {
            logins
                .iter()
                .find(|l| l.email == email)
                .map(|l| l.id.clone())
                .unwrap_or_default()
        };
        let (acme, globex) = (id("acme@trustwork.demo"), id("globex@trustwork.demo"));
        let (maria, dev, li) = (
            id("maria@trustwork.demo"),
            id("dev@trustwork.demo"),
            id("li@trustwork.demo"),
        );

        // The clients have cards on file (the marketplace reported them), so their clean job
        // posts go live at once; anything else waits for review.
        for (client, card) in [(&acme, "card-acme-4242"), (&globex, "card-globex-0005")] {
            let event = serde_json::json!({
                "type": "payment_method.added",
                "occurred_at": self.now().to_rfc3339(),
                "actor_id": client,
                "data": {"method": "card", "fingerprint": card},
            });
            self.ingest_unbatched(&format!("demo-card-{client}"), &event)
                .await?;
        }

        let robot_ui = self
            .post_job(&acme, "React dashboard for warehouse robots", "Live map of 40 robots, battery levels and alerts. React + TypeScript, WebSocket feed provided.")
            .await?;
        let firmware = self
            .post_job(
                &acme,
                "Rust firmware review",
                "Review an embedded Rust codebase (about 8k lines) for safety and power use.",
            )
            .await?;
        let video = self
            .post_job(
                &globex,
                "Edit a 10-minute product video",
                "Cut raw footage into a 10-minute product walkthrough with captions.",
            )
            .await?;
        let copy = self
            .post_job(
                &globex,
                "Landing page copywriting",
                "Write the copy for a SaaS landing page: hero, three features, pricing, FAQ.",
            )
            .await?;

        // Maria: an active contract and open proposals, not yet asked to verify.
        let hired = self
            .submit_proposal(&maria, &robot_ui.id, "I have built three fleet dashboards in React; I can start with the live map this week.")
            .await?;
        // Hourly at $45 up to 30 hours a week; both sides accept the NDA and it starts.
        let terms = crate::contracts::ContractTerms {
            kind: trustwork_core::contracts::ContractKind::Hourly,
            hourly_rate_cents: Some(4_500),
            weekly_limit_hours: Some(30),
            milestones: Vec::new(),
        };
        let contract = self.hire(&acme, &hired.id, terms).await?;
        for party in [&acme, &maria] {
            self.accept_nda(&contract.id, party, None).await?;
        }
        self.submit_proposal(
            &maria,
            &copy.id,
            "I write clear, conversion-focused landing pages; samples on my profile.",
        )
        .await?;
        let interviewing = self
            .submit_proposal(
                &maria,
                &video.id,
                "I edit product videos weekly and can deliver captions in two languages.",
            )
            .await?;
        // Globex replies to Maria's proposal: the interview starts, in its thread.
        let (reply, _) = self
            .reply_to_proposal(
                &globex,
                &interviewing.id,
                "Thanks Maria. Could you share a sample with captions in two languages?",
            )
            .await?;
        self.send_message(
            &maria,
            &reply.message.thread_id,
            "Sure: I will upload a one-minute sample with English and Spanish captions here.",
        )
        .await?;

        self.submit_proposal(
            &dev,
            &firmware.id,
            "Embedded Rust is my daily work; I will report findings by module.",
        )
        .await?;
        self.submit_proposal(
            &li,
            &video.id,
            "Video editor with five years of product demos.",
        )
        .await?;

        // What the records know about the freelancers, for the verification call's questions.
        let facts: [(&str, &str, &str, &[&str]); 3] = [
            (
                &maria,
                "Calle de Colón 12, 46004 Valencia, Spain",
                "Universitat de València",
                &["React", "TypeScript", "Copywriting", "Video editing"],
            ),
            (
                &dev,
                "14 MG Road, Bengaluru 560001, India",
                "Indian Institute of Science",
                &["Rust", "Embedded systems"],
            ),
            (
                &li,
                "88 Nanjing Road, Shanghai, China",
                "Shanghai Theatre Academy",
                &["Video editing", "Motion graphics"],
            ),
        ];
        for (account, address, college, skills) in facts {
            let skills: Vec<String> = skills.iter().map(|s| (*s).to_owned()).collect();
            self.put_account_facts(&actor, account, address, college, &skills)
                .await?;
        }

        let (_, admin_api_token) = self.create_api_token("demo admin", &Scope::ALL).await?;
        Ok(DemoCredentials {
            admin_api_token,
            accounts: logins,
        })
    }
}
