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
        details: Default::default(),
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

        // Without a profile (an account an admin made) the freelancer is found.
        assert_eq!(app.search_freelancers("nadia").await.unwrap().len(), 1);
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
        // In the approval flow: out of search until approved.
        assert!(app.search_freelancers("nadia").await.unwrap().is_empty());
        app.put_profile(&me, &f.id, input(OVERVIEW, ProfileVisibility::Public))
            .await
            .unwrap();
        app.submit_profile(&f.id).await.unwrap();
        let agent = person(&app, "agent@example.com", Role::Agent).await;
        app.review_profile(
            &agent.id,
            &f.id,
            trustwork_app::profile_approval::ProfileDecision::Approve,
            "",
        )
        .await
        .unwrap();
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
            OVERVIEW
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

        app.put_profile(&me, &f.id, input(OVERVIEW, ProfileVisibility::Private))
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
            3
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

/// Takes a test answering the first `right` questions correctly and the rest wrongly.
async fn take(
    app: &trustwork_app::App,
    account: &str,
    slug: &str,
    right: usize,
) -> trustwork_app::skill_tests::AttemptResult {
    let attempt = app.start_skill_test(account, slug).await.unwrap();
    assert!(attempt.result.is_none());
    let bank = trustwork_core::skill_tests::all()
        .iter()
        .find(|t| t.slug == slug)
        .unwrap();
    for q in &attempt.questions {
        let wanted = bank
            .questions
            .iter()
            .find(|b| b.text == q.text)
            .unwrap()
            .answer;
        let choice = if q.number <= right {
            wanted
        } else {
            (wanted + 1) % q.choices.len()
        };
        app.answer_skill_test(account, &attempt.id, q.number, choice)
            .await
            .unwrap();
    }
    app.finish_skill_test(account, &attempt.id).await.unwrap()
}

#[tokio::test]
async fn skill_tests_verify_skills_and_three_of_them_earn_another_look_at_a_refused_profile() {
    use trustwork_app::profile_approval::ProfileDecision;
    use trustwork_core::profile_approval::ApprovalStatus;
    use trustwork_core::{Capability, ReasonCode};
    each_backend(|db| async move {
        let (app, clock) = crowded_app(db);
        let agent = person(&app, "agent@example.com", Role::Agent).await;
        let client = person(&app, "client@example.com", Role::Client).await;
        let job = app.post_job(&client.id, "Rust service", "A small Rust API with tests.").await.unwrap();
        // A marketplace sign-up starts with a draft profile: no proposals, not in search.
        let signup = serde_json::json!({"type": "account.signup", "occurred_at": "2026-11-21T10:00:00Z",
            "actor_id": "mp_lena", "data": {"email": "lena@example.com", "role": "freelancer", "display_name": "Lena Park"}});
        app.ingest("su", &signup).await.unwrap();
        let caps = app.capabilities("mp_lena").await.unwrap();
        let (_, proposals) = caps.iter().find(|(c, _)| *c == Capability::SubmitProposal).unwrap();
        assert!(!proposals.allowed);
        assert_eq!(proposals.reasons, vec![ReasonCode::ProfileNotApproved]);
        let denied = app.submit_proposal("mp_lena", &job.id, "I have built three APIs like this one.").await.unwrap_err();
        assert_eq!(denied.code(), "capability_denied", "{denied}");
        assert!(app.search_freelancers("Lena").await.unwrap().is_empty());

        // Someone is approved in the category first, so Lena's is refused as crowded.
        let other = person(&app, "other@example.com", Role::Freelancer).await;
        app.put_profile(&Actor::Account(other.id.clone()), &other.id, input(OVERVIEW, ProfileVisibility::Public)).await.unwrap();
        app.submit_profile(&other.id).await.unwrap();
        app.review_profile(&agent.id, &other.id, ProfileDecision::Approve, "").await.unwrap();
        app.put_profile(&Actor::Account("mp_lena".into()), "mp_lena", input(OVERVIEW, ProfileVisibility::Public)).await.unwrap();
        assert_eq!(app.submit_profile("mp_lena").await.unwrap().approval.status, ApprovalStatus::Rejected);
        let early = app.request_profile_re_review("mp_lena", "I passed tests").await.unwrap_err();
        assert!(early.to_string().contains("3 verified skills"), "{early}");

        // The tests: one at a time, scored, a percentile, no retake before the wait.
        let attempt = app.start_skill_test("mp_lena", "rust").await.unwrap();
        assert_eq!(attempt.questions.len(), 20);
        let busy = app.start_skill_test("mp_lena", "sql").await.unwrap_err();
        assert!(busy.to_string().contains("one test at a time"), "{busy}");
        assert_eq!(app.answer_skill_test("mp_lena", &attempt.id, 21, 0).await.unwrap_err().code(), "invalid_input");
        assert_eq!(app.answer_skill_test("mp_lena", &attempt.id, 1, 9).await.unwrap_err().code(), "invalid_input");
        assert!(app.skill_test_attempt(&other.id, &attempt.id).await.is_err(), "someone else's attempt");
        let bank = trustwork_core::skill_tests::all().iter().find(|t| t.slug == "rust").unwrap();
        for q in &attempt.questions {
            let right = bank.questions.iter().find(|b| b.text == q.text).unwrap().answer;
            app.answer_skill_test("mp_lena", &attempt.id, q.number, right).await.unwrap();
        }
        let rust = app.finish_skill_test("mp_lena", &attempt.id).await.unwrap();
        assert_eq!((rust.score, rust.passed, rust.top_percent), (100, true, 100));
        assert_eq!(app.finish_skill_test("mp_lena", &attempt.id).await.unwrap(), rust, "finishing again answers the same");
        let again = app.start_skill_test("mp_lena", "rust").await.unwrap_err();
        assert!(again.to_string().contains("again from"), "{again}");
        // Another freelancer does worse: Lena is in the top half.
        let low = take(&app, &other.id, "rust", 10).await;
        assert_eq!((low.score, low.passed), (50, false));
        assert_eq!(low.top_percent, 100);
        let results = app.skill_test_results("mp_lena").await.unwrap();
        assert_eq!((results[0].top_percent, results[0].percentile), (50, 75));

        // Time runs out: answers after the deadline are refused, the attempt scored as it stood.
        let sql = app.start_skill_test("mp_lena", "sql").await.unwrap();
        trustwork_app::Clock::advance(&*clock, 31 * 60_000).unwrap();
        let late = app.answer_skill_test("mp_lena", &sql.id, 1, 0).await.unwrap_err();
        assert!(late.to_string().contains("time is up"), "{late}");
        let timed_out = app.skill_test_attempt("mp_lena", &sql.id).await.unwrap();
        assert_eq!(timed_out.status, "finished");
        assert_eq!(timed_out.result.unwrap().score, 0);
        trustwork_app::Clock::advance(&*clock, 31 * trustwork_core::DAY_MS).unwrap();
        assert!(take(&app, "mp_lena", "sql", 20).await.passed);
        assert!(take(&app, "mp_lena", "javascript", 18).await.passed);

        // Three verified skills: another look, as a case in the profiles queue.
        let profile = app.request_profile_re_review("mp_lena", "I have since passed three skill tests.").await.unwrap();
        assert_eq!(profile.approval.status, ApprovalStatus::PendingReview);
        assert_eq!(
            (profile.approval.reason, profile.approval.resubmit_after),
            (None, None),
            "waiting again, not refused"
        );
        let case = app.review_case(profile.approval.review_case_id.as_deref().unwrap()).await.unwrap();
        assert_eq!(case.case.queue, trustwork_core::review::Queue::Profiles);
        assert!(case.case.content.contains("Asked for another look"), "{}", case.case.content);
        assert!(case.case.content.contains("Rust Programming: 100%"), "{}", case.case.content);
        assert!(app.request_profile_re_review("mp_lena", "again").await.is_err(), "already waiting");
        app.review_profile(&agent.id, "mp_lena", ProfileDecision::Approve, "").await.unwrap();
        let caps = app.capabilities("mp_lena").await.unwrap();
        assert!(caps.iter().all(|(_, p)| p.allowed), "{caps:?}");
        app.submit_proposal("mp_lena", &job.id, "I have built three APIs like this one.").await.unwrap();
        assert_eq!(app.search_freelancers("Lena").await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn portfolio_certificates_education_and_languages_are_kept_and_judged() {
    use trustwork_core::profile_details::{
        Certificate, Education, Language, PortfolioItem, ProfileDetails,
    };
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        let f = person(&app, "vera@example.com", Role::Freelancer).await;
        let me = Actor::Account(f.id.clone());
        let details = ProfileDetails {
            portfolio: vec![PortfolioItem {
                title: "Checkout redesign".into(),
                description: "Cut abandoned carts by a fifth for a shoe shop.".into(),
                link: Some("https://www.behance.net/gallery/123456/checkout".into()),
                files: vec![],
            }],
            certificates: vec![Certificate {
                name: "Google UX Design".into(),
                issuer: "Coursera".into(),
                year: Some(2023),
            }],
            education: vec![Education {
                school: "Universidade de Lisboa".into(),
                degree: "BA Design".into(),
                from_year: Some(2014),
                to_year: Some(2017),
            }],
            languages: vec![Language {
                language: "Portuguese".into(),
                level: "native".into(),
            }],
        };
        let saved = app
            .put_profile(
                &me,
                &f.id,
                ProfileInput {
                    details: details.clone(),
                    ..input(OVERVIEW, ProfileVisibility::Public)
                },
            )
            .await
            .unwrap();
        assert_eq!(saved.input.details, details);
        assert_eq!(
            app.profile(&f.id).await.unwrap().unwrap().input.details,
            details
        );

        // Contact details in a portfolio item are refused like anywhere on the profile.
        let mut with_phone = details.clone();
        with_phone.portfolio[0].description = "Call me on +1 415 555 0134 to see more.".into();
        let refused = app
            .put_profile(
                &me,
                &f.id,
                ProfileInput {
                    details: with_phone,
                    ..input(OVERVIEW, ProfileVisibility::Public)
                },
            )
            .await
            .unwrap_err();
        assert_eq!(refused.code(), "invalid_input", "{refused}");
        assert_eq!(
            app.profile(&f.id).await.unwrap().unwrap().input.details,
            details
        );
        // A broken item names its list.
        let mut bad = details.clone();
        bad.languages[0].level = "expert".into();
        let e = app
            .put_profile(
                &me,
                &f.id,
                ProfileInput {
                    details: bad,
                    ..input(OVERVIEW, ProfileVisibility::Public)
                },
            )
            .await
            .unwrap_err();
        assert!(
            matches!(
                e,
                AppError::Invalid {
                    field: "languages",
                    ..
                }
            ),
            "{e:?}"
        );

        // Files: type from the bytes, a size limit, only one's own on one's items.
        let png = app
            .add_portfolio_file(&f.id, b"\x89PNG\r\n\x1a\n checkout screens")
            .await
            .unwrap();
        assert_eq!(png.content_type, "image/png");
        let not_an_image = app
            .add_portfolio_file(&f.id, b"<svg onload=alert(1)>")
            .await
            .unwrap_err();
        assert!(
            matches!(not_an_image, AppError::Invalid { field: "file", .. }),
            "{not_an_image:?}"
        );
        let mut big = b"%PDF-1.7\n".to_vec();
        big.resize(
            trustwork_app::portfolio_files::MAX_PORTFOLIO_FILE_BYTES + 1,
            b' ',
        );
        assert!(
            app.add_portfolio_file(&f.id, &big)
                .await
                .unwrap_err()
                .to_string()
                .contains("at most 5 MB")
        );
        let other = person(&app, "other@example.com", Role::Freelancer).await;
        let theirs = app
            .add_portfolio_file(&other.id, b"%PDF-1.4 theirs")
            .await
            .unwrap();
        let mut with_files = details.clone();
        with_files.portfolio[0].files = vec![png.id.clone()];
        let saved = app
            .put_profile(
                &me,
                &f.id,
                ProfileInput {
                    details: with_files.clone(),
                    ..input(OVERVIEW, ProfileVisibility::Public)
                },
            )
            .await
            .unwrap();
        assert_eq!(saved.input.details.portfolio[0].files, vec![png.id.clone()]);
        let (kept, bytes) = app.portfolio_file(&f.id, &png.id).await.unwrap();
        assert_eq!(kept.size_bytes, 25);
        assert_eq!(bytes, b"\x89PNG\r\n\x1a\n checkout screens");
        assert!(
            app.portfolio_file(&other.id, &png.id).await.is_err(),
            "files are read through their owner"
        );
        with_files.portfolio[0].files = vec![theirs.id];
        let e = app
            .put_profile(
                &me,
                &f.id,
                ProfileInput {
                    details: with_files,
                    ..input(OVERVIEW, ProfileVisibility::Public)
                },
            )
            .await
            .unwrap_err();
        assert!(
            e.to_string().contains("not one of your uploaded files"),
            "{e}"
        );
    })
    .await;
}
