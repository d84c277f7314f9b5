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
