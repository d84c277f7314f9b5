//! Job posts reviewed within 30 minutes (seed 004), on the test clock: a post from a client who
//! cannot pay yet waits in the `job_posts` queue, unlisted; it goes due soon, then breached; an
//! agent approves, rejects with a reason, or asks for changes; a clean post from a client with
//! a card goes live at once.

use crate::{START, app, person};
use trustwork_app::AppError;
use trustwork_app::accounts::NewAccount;
use trustwork_app::review::QueueFilter;
use trustwork_core::marketplace::{JobReviewDecision, JobStatus};
use trustwork_core::review::{Queue, SlaState};
use trustwork_core::timestamp::MINUTE_MS;
use trustwork_core::{Actor, Role};
use trustwork_store::testing::each_backend;

async fn client_without_card(app: &trustwork_app::App, email: &str) -> String {
    app.create_account(
        &Actor::system("test"),
        NewAccount {
            email: email.into(),
            display_name: "New Client".into(),
            role: Role::Client,
            password: "password-123".into(),
            balance_cents: 0,
        },
    )
    .await
    .unwrap()
    .id
}

async fn sla_of(app: &trustwork_app::App, case_id: &str) -> SlaState {
    let queue = app
        .review_queue(&QueueFilter {
            queue: Some(Queue::JobPosts),
            ..QueueFilter::default()
        })
        .await
        .unwrap();
    queue
        .iter()
        .find(|c| c.case.id == case_id)
        .map(|c| c.sla)
        .unwrap_or_else(|| panic!("case {case_id} not in the job_posts queue"))
}

#[tokio::test]
async fn job_posts_wait_for_review_against_a_thirty_minute_clock() {
    each_backend(|db| async move {
        let (app, clock) = app(db);
        let agent = person(&app, "agent@example.com", Role::Agent).await;
        let newcomer = client_without_card(&app, "new@example.com").await;
        let listed = |app: trustwork_app::App| async move {
            app.open_jobs()
                .await
                .unwrap()
                .into_iter()
                .map(|j| j.id)
                .collect::<Vec<_>>()
        };

        // t: two posts from a client without a card wait for review, unlisted.
        let first = app
            .post_job(
                &newcomer,
                "Warehouse dashboard",
                "A React dashboard for 40 robots.",
            )
            .await
            .unwrap();
        let second = app
            .post_job(
                &newcomer,
                "Rust code review",
                "Review 8k lines of embedded Rust.",
            )
            .await
            .unwrap();
        for job in [&first, &second] {
            assert_eq!(job.status, JobStatus::PendingReview);
            assert!(job.review.case_id.is_some());
        }
        assert!(!listed(app.clone()).await.contains(&first.id));
        let case = app
            .review_case(first.review.case_id.as_deref().unwrap())
            .await
            .unwrap();
        assert_eq!(case.case.sla_due_at, START.plus_millis(30 * MINUTE_MS));
        let freelancer = person(&app, "f@example.com", Role::Freelancer).await;
        let refused = app
            .submit_proposal(&freelancer.id, &first.id, "I can do it.")
            .await;
        assert!(
            matches!(
                refused,
                Err(AppError::Invalid {
                    field: "job_id",
                    ..
                })
            ),
            "{refused:?}"
        );

        // t+10: approved and listed.
        clock.set(START.plus_millis(10 * MINUTE_MS));
        let approved = app
            .review_job(&agent.id, &first.id, JobReviewDecision::Approve, "")
            .await
            .unwrap();
        assert_eq!(approved.status, JobStatus::Open);
        assert!(listed(app.clone()).await.contains(&first.id));
        app.submit_proposal(&freelancer.id, &first.id, "I can do it.")
            .await
            .unwrap();
        // Deciding twice is refused.
        assert!(matches!(
            app.review_job(&agent.id, &first.id, JobReviewDecision::Reject, "late")
                .await,
            Err(AppError::Conflict(_))
        ));

        // The other one: due soon at t+25, breached at t+31.
        let second_case = second.review.case_id.clone().unwrap();
        clock.set(START.plus_millis(20 * MINUTE_MS));
        assert_eq!(sla_of(&app, &second_case).await, SlaState::Ok);
        clock.set(START.plus_millis(25 * MINUTE_MS));
        assert_eq!(sla_of(&app, &second_case).await, SlaState::DueSoon);
        let admin = person(&app, "admin@example.com", Role::Admin).await;
        assert_eq!(app.escalate_breached_reviews().await.unwrap(), 0);
        clock.set(START.plus_millis(31 * MINUTE_MS));
        assert_eq!(sla_of(&app, &second_case).await, SlaState::Breached);
        // The breach is escalated to the admins, once.
        assert_eq!(app.escalate_breached_reviews().await.unwrap(), 1);
        assert_eq!(app.escalate_breached_reviews().await.unwrap(), 0);
        let told = app.mailbox(None).await.unwrap();
        assert!(
            told.iter().any(|m| m.recipient == admin.email
                && m.subject.contains("Review overdue")
                && m.body.contains(&second_case)),
            "{:?}",
            told.iter()
                .map(|m| (&m.recipient, &m.subject))
                .collect::<Vec<_>>()
        );

        // A rejection needs a reason, which the client is emailed.
        assert!(matches!(
            app.review_job(&agent.id, &second.id, JobReviewDecision::Reject, " ")
                .await,
            Err(AppError::Invalid { field: "note", .. })
        ));
        let outsider = person(&app, "c@example.com", Role::Client).await;
        assert!(matches!(
            app.review_job(&outsider.id, &second.id, JobReviewDecision::Approve, "")
                .await,
            Err(AppError::Forbidden(_))
        ));
        let sent_back = app
            .review_job(
                &agent.id,
                &second.id,
                JobReviewDecision::RequestChanges,
                "Say what the code does and the budget.",
            )
            .await
            .unwrap();
        assert_eq!(sent_back.status, JobStatus::Rejected);
        let mail = app.mailbox(None).await.unwrap();
        assert!(
            mail.iter().any(|m| m.subject.contains("Changes needed")
                && m.body.contains("Say what the code does")),
            "{:?}",
            mail.iter().map(|m| &m.subject).collect::<Vec<_>>()
        );
        assert!(!listed(app.clone()).await.contains(&second.id));
        // The review case is closed with the decision.
        let closed = app.review_case(&second_case).await.unwrap();
        assert_eq!(closed.case.status.as_str(), "resolved");

        // A clean post from a client with a card is live at once; one with an email address in
        // it is refused outright.
        let clean = app
            .post_job(
                &outsider.id,
                "Logo design",
                "A logo for a robotics company; three concepts.",
            )
            .await
            .unwrap();
        assert_eq!(clean.status, JobStatus::Open);
        assert!(clean.review.case_id.is_none());
        assert!(listed(app.clone()).await.contains(&clean.id));
        let contact = app
            .post_job(
                &outsider.id,
                "Logo",
                "Send samples to hiring@acme-robots.com",
            )
            .await
            .unwrap();
        assert_eq!(contact.status, JobStatus::Rejected);
    })
    .await;
}

fn posted(job_id: &str, client: &str, description: &str) -> serde_json::Value {
    serde_json::json!({
        "type": "job.posted", "occurred_at": "2026-11-21T10:00:00Z", "actor_id": client,
        "data": {"job_id": job_id, "title": "Logo", "description": description},
    })
}

#[tokio::test]
async fn posting_again_is_reviewed_again_and_a_rejection_sticks() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        let agent = person(&app, "agent@example.com", Role::Agent).await;
        // A client with a card: clean posts go live at once...
        let client = person(&app, "c@example.com", Role::Client).await;
        let (d, _) = app.ingest("p1", &posted("j1", &client.id, "A logo, three concepts.")).await.unwrap();
        assert!(d.review_case_ids.is_empty());
        // ...a post with contact details is refused, with no job-post case left to decide.
        let (d, _) = app.ingest("p2", &posted("j2", &client.id, "Mail hiring@acme-robots.com")).await.unwrap();
        assert_eq!(d.verdict, "block");
        assert!(d.review_case_ids.is_empty(), "{:?}", d.review_case_ids);
        let waiting = app
            .review_queue(&QueueFilter {
                queue: Some(Queue::JobPosts),
                ..QueueFilter::default()
            })
            .await
            .unwrap();
        assert!(waiting.iter().all(|c| c.case.entity_id != "j2"));
        assert_eq!(app.job("j2").await.unwrap().status, JobStatus::Rejected);

        // A newcomer's post is sent back for changes; posted again it is reviewed again, though
        // the client has a card by then.
        let newcomer = client_without_card(&app, "new@example.com").await;
        app.ingest("p3", &posted("j3", &newcomer, "A logo.")).await.unwrap();
        let first_case = app.job("j3").await.unwrap().review.case_id.unwrap();
        // A review case of a job post is decided with the post, not with the generic resolve.
        app.claim_review_case(&agent.id, &first_case).await.unwrap();
        let generic = app
            .resolve_review_case(
                &agent.id,
                &first_case,
                trustwork_app::review::ResolveRequest {
                    resolution: trustwork_core::review::Resolution::Dismissed,
                    action: None,
                    note: "fine".into(),
                },
            )
            .await;
        assert!(matches!(generic, Err(AppError::Invalid { field: "resolution", .. })), "{generic:?}");
        app.review_job(&agent.id, "j3", JobReviewDecision::RequestChanges, "Add a budget.").await.unwrap();
        let card = serde_json::json!({"type": "payment_method.added", "occurred_at": "2026-11-21T10:00:00Z",
            "actor_id": newcomer, "data": {"method": "card", "fingerprint": "card-new"}});
        app.ingest("card", &card).await.unwrap();
        app.ingest("p4", &posted("j3", &newcomer, "A logo. Budget: $300.")).await.unwrap();
        let again = app.job("j3").await.unwrap();
        assert_eq!(again.status, JobStatus::PendingReview);
        let second_case = again.review.case_id.clone().unwrap();
        assert_ne!(second_case, first_case);
        // Rejected: the same id cannot come back.
        app.review_job(&agent.id, "j3", JobReviewDecision::Reject, "Not a real job.").await.unwrap();
        let back = app.ingest("p5", &posted("j3", &newcomer, "A logo, honest.")).await;
        assert!(matches!(back, Err(AppError::Conflict(_))), "{back:?}");
        assert_eq!(app.job("j3").await.unwrap().status, JobStatus::Rejected);
    })
    .await;
}
