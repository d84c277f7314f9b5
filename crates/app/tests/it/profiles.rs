//! Freelancers' profiles, on both databases: saved with skills from the taxonomy, their texts
//! judged by the pipeline (an email address is refused and nothing is saved), and a private
//! profile left out of search.

use crate::{app, person};
use trustwork_app::AppError;
use trustwork_core::profile::{ProfileInput, ProfileVisibility};
use trustwork_core::{Actor, Role};
use trustwork_store::testing::each_backend;

fn input(overview: &str, visibility: ProfileVisibility) -> ProfileInput {
    ProfileInput {
        title: "Rust backend developer".into(),
        overview: overview.into(),
        hourly_rate_cents: 7_000,
        skills: vec!["rust".into(), "sql".into()],
        visibility,
    }
}

#[tokio::test]
async fn a_profile_is_judged_saved_and_private_ones_stay_out_of_search() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        let f = person(&app, "nadia@example.com", Role::Freelancer).await;
        let c = person(&app, "client@example.com", Role::Client).await;
        let me = Actor::Account(f.id.clone());
        assert!(app.profile(&f.id).await.unwrap().is_none());

        let saved = app
            .put_profile(
                &me,
                &f.id,
                input("I build APIs.", ProfileVisibility::Public),
            )
            .await
            .unwrap();
        assert_eq!(saved.input.skills, ["rust", "sql"]);
        assert!(!trustwork_core::profile::missing_for_submission(&saved.input).is_empty());
        let found = app.search_freelancers("nadia").await.unwrap();
        assert_eq!(found.len(), 1);

        // Contact details in a profile: refused with the reason, the saved profile unchanged.
        let refused = app
            .put_profile(
                &me,
                &f.id,
                input("Mail me at nadia.dev@gmail.com", ProfileVisibility::Public),
            )
            .await
            .unwrap_err();
        assert!(
            matches!(
                refused,
                AppError::Invalid {
                    field: "overview",
                    ..
                }
            ),
            "{refused:?}"
        );
        assert_eq!(
            app.profile(&f.id).await.unwrap().unwrap().input.overview,
            "I build APIs."
        );

        let unknown = app
            .put_profile(
                &me,
                &f.id,
                ProfileInput {
                    skills: vec!["telepathy".into()],
                    ..input("x", ProfileVisibility::Public)
                },
            )
            .await
            .unwrap_err();
        assert!(
            matches!(
                unknown,
                AppError::Invalid {
                    field: "skills",
                    ..
                }
            ),
            "{unknown:?}"
        );
        assert!(
            app.put_profile(&me, &c.id, input("x", ProfileVisibility::Public))
                .await
                .is_err(),
            "clients have none"
        );

        app.put_profile(
            &me,
            &f.id,
            input("I build APIs.", ProfileVisibility::Private),
        )
        .await
        .unwrap();
        assert!(
            app.search_freelancers("nadia").await.unwrap().is_empty(),
            "private"
        );
        let audit = app.audit_of(&f.id, 50).await.unwrap();
        assert_eq!(
            audit
                .iter()
                .filter(|r| r.action == "profile.updated")
                .count(),
            2
        );
    })
    .await;
}

const OVERVIEW: &str = "I design and build backend services in Rust and PostgreSQL for marketplaces, with tests, metrics and documentation.";

/// An app whose supply rule calls a category crowded from its first approved freelancer on
/// (no jobs posted in it).
fn crowded_app(
    db: trustwork_store::Db,
) -> (trustwork_app::App, std::sync::Arc<trustwork_app::FakeClock>) {
    let clock = std::sync::Arc::new(trustwork_app::FakeClock::at(crate::START));
    let mut config = trustwork_app::AppConfig {
        demo_mode: true,
        ..trustwork_app::AppConfig::default()
    };
    config.policy.profile_supply = trustwork_core::profile_approval::SupplyRule {
        min_freelancers: 1,
        max_freelancers_per_job: 0,
    };
    let app = trustwork_app::App::new(
        db,
        clock.clone() as std::sync::Arc<dyn trustwork_app::Clock>,
        std::sync::Arc::new(trustwork_app::DevMailbox),
        config,
    );
    (app, clock)
}

#[tokio::test]
async fn profiles_are_approved_refused_with_a_letter_and_resubmitted_after_the_date() {
    use trustwork_app::profile_approval::ProfileDecision;
    use trustwork_core::profile_approval::{ApprovalStatus, RejectionReason};
    each_backend(|db| async move {
        let (app, clock) = crowded_app(db);
        let agent = person(&app, "agent@example.com", Role::Agent).await;
        let first = person(&app, "first@example.com", Role::Freelancer).await;
        let second = person(&app, "second@example.com", Role::Freelancer).await;
        let third = person(&app, "third@example.com", Role::Freelancer).await;
        for f in [&first, &second] {
            let me = Actor::Account(f.id.clone());
            app.put_profile(&me, &f.id, input(OVERVIEW, ProfileVisibility::Public))
                .await
                .unwrap();
        }
        // Incomplete: refused with what is missing.
        let me = Actor::Account(third.id.clone());
        app.put_profile(&me, &third.id, input("Short.", ProfileVisibility::Public))
            .await
            .unwrap();
        let err = app.submit_profile(&third.id).await.unwrap_err();
        assert!(err.to_string().contains("overview"), "{err}");

        // The first in the category waits for review, then is approved.
        let pending = app.submit_profile(&first.id).await.unwrap();
        assert_eq!(pending.approval.status, ApprovalStatus::PendingReview);
        let case_id = pending.approval.review_case_id.clone().unwrap();
        assert_eq!(
            app.review_case(&case_id).await.unwrap().case.queue,
            trustwork_core::review::Queue::Profiles
        );
        assert!(
            app.submit_profile(&first.id).await.is_err(),
            "already waiting"
        );
        let approved = app
            .review_profile(&agent.id, &first.id, ProfileDecision::Approve, "")
            .await
            .unwrap();
        assert_eq!(approved.approval.status, ApprovalStatus::Approved);
        assert!(
            app.review_profile(&agent.id, &first.id, ProfileDecision::Approve, "")
                .await
                .is_err()
        );

        // The second finds the category crowded: refused at once, with the seed's letter and a date.
        let refused = app.submit_profile(&second.id).await.unwrap();
        assert_eq!(refused.approval.status, ApprovalStatus::Rejected);
        assert_eq!(refused.approval.reason, Some(RejectionReason::Oversupply));
        let after = refused.approval.resubmit_after.unwrap();
        let mail = app.mailbox(None).await.unwrap();
        assert!(
            mail.iter().any(|m| m.recipient == second.email
                && m.body.contains("many freelancers with a similar skill set")
                && m.body.contains(&after.to_human())),
            "{:?}",
            mail.iter()
                .map(|m| (&m.recipient, &m.subject))
                .collect::<Vec<_>>()
        );
        let early = app.submit_profile(&second.id).await.unwrap_err();
        assert!(
            early.to_string().contains("may be submitted again"),
            "{early}"
        );
        clock.set(after);
        // Still crowded on the date: refused again, by the same rule.
        assert_eq!(
            app.submit_profile(&second.id)
                .await
                .unwrap()
                .approval
                .status,
            ApprovalStatus::Rejected
        );

        // An agent's refusal needs a note, which the letter carries.
        let me = Actor::Account(third.id.clone());
        let mut complete = input(OVERVIEW, ProfileVisibility::Public);
        complete.skills = vec!["copywriting".into()];
        app.put_profile(&me, &third.id, complete).await.unwrap();
        app.submit_profile(&third.id).await.unwrap();
        assert!(
            app.review_profile(
                &agent.id,
                &third.id,
                ProfileDecision::Reject(RejectionReason::Other),
                " "
            )
            .await
            .is_err()
        );
        assert!(
            app.review_profile(&third.id, &third.id, ProfileDecision::Approve, "")
                .await
                .is_err(),
            "only agents decide"
        );
        let changes = app
            .review_profile(
                &agent.id,
                &third.id,
                ProfileDecision::RequestChanges,
                "Add two samples of your copy.",
            )
            .await
            .unwrap();
        assert_eq!(changes.approval.status, ApprovalStatus::ChangesRequested);
        assert_eq!(
            app.submit_profile(&third.id).await.unwrap().approval.status,
            ApprovalStatus::PendingReview
        );
    })
    .await;
}
