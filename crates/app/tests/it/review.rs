//! Review queues, flags and appeals, end to end with a fake clock.

use crate::{START, app, person};
use trustwork_app::AppError;
use trustwork_app::review::{FlagRequest, NewReviewCase, QueueFilter, ResolveRequest};
use trustwork_core::appeal::{AppealDecision, AppealStatus};
use trustwork_core::review::{
    CaseStatus, Enforcement, EntityType, FlagOutcome, Queue, Resolution, SlaState,
};
use trustwork_core::verification::Outcome;
use trustwork_core::{
    Actor, HOUR_MS, ReasonCode, Role, Severity, Standing, standing::TopRatedHoldCheck,
};
use trustwork_store::testing::each_backend;

fn pipeline_case(subject: &str, entity: &str) -> NewReviewCase {
    NewReviewCase {
        queue: Queue::OffPlatformPayment,
        subject_account_id: subject.to_owned(),
        entity_type: EntityType::Message,
        entity_id: entity.to_owned(),
        content: "pay me on paypal instead".into(),
        explanation_json: r#"{"findings":[{"category":"payment","kind":"paypal","start":10,"end":16,"value":"paypal"}],"rules":["off_platform_payment"],"counters":{}}"#.into(),
        decision_id: Some("dec_1".into()),
        priority: 0,
        weight: 0,
        actor: Actor::system("pipeline"),
    }
}

fn flag(reporter: &str, target: &str, target_id: &str) -> FlagRequest {
    FlagRequest {
        reporter_id: reporter.to_owned(),
        target_type: "proposal".into(),
        target_id: target_id.to_owned(),
        target_account_id: target.to_owned(),
        reason: "spam".into(),
        note: "the same letter on every job".into(),
        content: "I am the best, hire me".into(),
    }
}

fn code(e: AppError) -> &'static str {
    e.code()
}

#[tokio::test]
async fn a_case_is_claimed_by_one_agent_and_upheld_with_a_warning() {
    each_backend(|db| async move {
        let (app, clock) = app(db);
        let ag1 = person(&app, "ag1@example.com", Role::Agent).await;
        let ag2 = person(&app, "ag2@example.com", Role::Agent).await;
        let f = person(&app, "f@example.com", Role::Freelancer).await;
        let c = app
            .open_review_case(pipeline_case(&f.id, "msg_1"))
            .await
            .unwrap();
        assert_eq!(c.sla_due_at, START.plus_millis(4 * HOUR_MS));
        assert_eq!(c.priority, Queue::OffPlatformPayment.base_priority());
        // The same message again: one case, two reports.
        let mut louder = pipeline_case(&f.id, "msg_1");
        louder.priority = 90;
        louder.content = "pay me on paypal instead, or wise".into();
        louder.decision_id = Some("dec_2".into());
        let again = app.open_review_case(louder).await.unwrap();
        assert_eq!(
            (again.id.as_str(), again.reports, again.priority),
            (c.id.as_str(), 2, 90)
        );
        // The case shows the content the latest decision judged.
        assert_eq!(
            (again.content.as_str(), again.decision_id.as_deref()),
            ("pay me on paypal instead, or wise", Some("dec_2"))
        );
        // A flag on the same content adds weight but keeps the judged text and its spans.
        let mut flagged = pipeline_case(&f.id, "msg_1");
        flagged.content = "what the reporter quoted".into();
        flagged.explanation_json = r#"{"flag":true}"#.into();
        flagged.decision_id = None;
        let third = app.open_review_case(flagged).await.unwrap();
        assert_eq!(
            (
                third.reports,
                third.content.as_str(),
                third.decision_id.as_deref()
            ),
            (3, "pay me on paypal instead, or wise", Some("dec_2"))
        );
        assert!(third.explanation_json.contains("off_platform_payment"));

        let queue = app.review_queue(&QueueFilter::default()).await.unwrap();
        assert_eq!(queue.len(), 1);
        assert_eq!(queue[0].sla, SlaState::Ok);
        clock.set(START.plus_millis(3 * HOUR_MS + 1));
        let soon = QueueFilter {
            sla: Some(SlaState::DueSoon),
            ..QueueFilter::default()
        };
        assert_eq!(app.review_queue(&soon).await.unwrap().len(), 1);
        let spam = QueueFilter {
            queue: Some(Queue::Spam),
            ..QueueFilter::default()
        };
        assert!(app.review_queue(&spam).await.unwrap().is_empty());

        // Resolving needs the claim; one agent holds it at a time.
        let upheld = ResolveRequest {
            resolution: Resolution::Upheld,
            action: Some(Enforcement {
                severity: Severity::Warning,
                reason: ReasonCode::OffPlatformPayment,
            }),
            note: "asked to be paid on PayPal".into(),
        };
        let e = app
            .resolve_review_case(&ag1.id, &c.id, upheld.clone())
            .await
            .unwrap_err();
        assert_eq!(code(e), "review_claim_required");
        app.claim_review_case(&ag1.id, &c.id).await.unwrap();
        let e = app.claim_review_case(&ag2.id, &c.id).await.unwrap_err();
        assert_eq!(code(e), "review_case_claimed");
        let e = app
            .resolve_review_case(&ag2.id, &c.id, upheld.clone())
            .await
            .unwrap_err();
        assert_eq!(code(e), "review_case_claimed");
        // Not an agent, or a wrong shape of resolution.
        let e = app.claim_review_case(&f.id, &c.id).await.unwrap_err();
        assert_eq!(code(e), "invalid_input");
        let bare = ResolveRequest {
            action: None,
            ..upheld.clone()
        };
        let e = app
            .resolve_review_case(&ag1.id, &c.id, bare)
            .await
            .unwrap_err();
        assert_eq!(code(e), "invalid_input");

        // The claim expires after 15 minutes; then ag2 may take it.
        clock.set(app.now().plus_millis(15 * 60 * 1000));
        app.claim_review_case(&ag2.id, &c.id).await.unwrap();
        let done = app
            .resolve_review_case(&ag2.id, &c.id, upheld)
            .await
            .unwrap();
        assert_eq!(done.status, CaseStatus::Resolved);
        assert_eq!(
            done.resolution_action.as_deref(),
            Some("warning:OFF_PLATFORM_PAYMENT")
        );
        let o = app.account_overview(&f.id).await.unwrap();
        assert_eq!(o.standing, Standing::Warned);
        assert_eq!(o.restrictions[0].id, done.restriction_id.clone().unwrap());
        assert_eq!(o.restrictions[0].actor, Actor::Account(ag2.id.clone()));
        let e = app.claim_review_case(&ag1.id, &c.id).await.unwrap_err();
        assert_eq!(code(e), "review_case_resolved");
        let detail = app.review_case(&c.id).await.unwrap();
        assert_eq!(detail.restrictions.len(), 1);
        assert!(detail.previous_cases.is_empty());
        let actions: Vec<String> = app
            .audit_of(&f.id, 50)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.action)
            .collect();
        for a in [
            "review_case.opened",
            "review_case.reported",
            "review_case.claimed",
            "review_case.resolved",
            "restriction.applied",
        ] {
            assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
        }
        let mail = app.mailbox(Some("f@example.com")).await.unwrap();
        assert!(
            mail.iter().any(|m| m.subject.contains("warning")),
            "warned by email"
        );
        assert!(matches!(
            app.review_case("rvc_nope").await,
            Err(AppError::NotFound { .. })
        ));
    })
    .await;
}

#[tokio::test]
async fn flags_are_weighted_by_the_reporters_record() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        let agent = person(&app, "ag@example.com", Role::Agent).await;
        let good = person(&app, "good@example.com", Role::Client).await;
        let other = person(&app, "other@example.com", Role::Client).await;
        let f = person(&app, "f@example.com", Role::Freelancer).await;

        // A newcomer's flag weighs 0.5; a second reporter adds to the same case.
        let c = app.flag(flag(&good.id, &f.id, "prop_1")).await.unwrap();
        assert_eq!((c.queue, c.weight, c.priority), (Queue::Flag, 500, 15));
        let c2 = app.flag(flag(&other.id, &f.id, "prop_1")).await.unwrap();
        assert_eq!(
            (c2.id.as_str(), c2.weight, c2.reports),
            (c.id.as_str(), 1_000, 2)
        );
        assert_eq!(c2.priority, 20);
        // Once per reporter; never one's own account; never a made-up reason.
        let e = app.flag(flag(&good.id, &f.id, "prop_1")).await.unwrap_err();
        assert_eq!(code(e), "already_flagged");
        let e = app.flag(flag(&f.id, &f.id, "prop_1")).await.unwrap_err();
        assert_eq!(code(e), "invalid_input");
        let mut odd = flag(&good.id, &f.id, "prop_2");
        odd.reason = "boring".into();
        assert_eq!(code(app.flag(odd).await.unwrap_err()), "invalid_input");
        let e = app
            .flag(flag("acc_nope", &f.id, "prop_2"))
            .await
            .unwrap_err();
        assert_eq!(code(e), "not_found");
        assert_eq!(
            app.review_case(&c.id).await.unwrap().case.reports,
            2,
            "refused flags left nothing"
        );

        // Upheld: both reporters' flags count for them, and they hear back.
        app.claim_review_case(&agent.id, &c.id).await.unwrap();
        app.resolve_review_case(
            &agent.id,
            &c.id,
            ResolveRequest {
                resolution: Resolution::Upheld,
                action: Some(Enforcement {
                    severity: Severity::Hold,
                    reason: ReasonCode::Spam,
                }),
                note: "the same letter to forty clients".into(),
            },
        )
        .await
        .unwrap();
        let detail = app.review_case(&c.id).await.unwrap();
        assert!(
            detail
                .flags
                .iter()
                .all(|f| f.outcome == Some(FlagOutcome::Upheld))
        );
        assert_eq!(
            app.account_overview(&f.id).await.unwrap().standing,
            Standing::OnHold
        );
        assert!(
            app.mailbox(Some("good@example.com"))
                .await
                .unwrap()
                .iter()
                .any(|m| m.subject == "Your report was reviewed")
        );
        // Right once: the next flag weighs (1+1)/(1+0+2) = 0.667.
        let next = app.flag(flag(&good.id, &f.id, "prop_2")).await.unwrap();
        assert_eq!(next.weight, 666);
        // Dismissed: the other reporter's next flag weighs less.
        app.claim_review_case(&agent.id, &next.id).await.unwrap();
        app.resolve_review_case(
            &agent.id,
            &next.id,
            ResolveRequest {
                resolution: Resolution::Dismissed,
                action: None,
                note: "fine".into(),
            },
        )
        .await
        .unwrap();
        let third = app.flag(flag(&good.id, &f.id, "prop_3")).await.unwrap();
        assert_eq!(third.weight, 500, "(1+1)/(1+1+2)");
        // Escalated: the flags count neither way.
        app.claim_review_case(&agent.id, &third.id).await.unwrap();
        let e = app
            .resolve_review_case(
                &agent.id,
                &third.id,
                ResolveRequest {
                    resolution: Resolution::Escalated,
                    action: Some(Enforcement {
                        severity: Severity::Ban,
                        reason: ReasonCode::Spam,
                    }),
                    note: "bulk letters".into(),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(code(e), "invalid_input");
        let escalated = app
            .resolve_review_case(
                &agent.id,
                &third.id,
                ResolveRequest {
                    resolution: Resolution::Escalated,
                    action: None,
                    note: "legal".into(),
                },
            )
            .await
            .unwrap();
        assert_eq!(escalated.resolution, Some(Resolution::Escalated));
        let fourth = app.flag(flag(&good.id, &f.id, "prop_4")).await.unwrap();
        assert_eq!(fourth.weight, 500);
    })
    .await;
}

#[tokio::test]
async fn an_overturned_hold_is_lifted_and_no_longer_costs_top_rated() {
    each_backend(|db| async move {
        let (app, clock) = app(db);
        let ag1 = person(&app, "ag1@example.com", Role::Agent).await;
        let ag2 = person(&app, "ag2@example.com", Role::Agent).await;
        let f = person(&app, "f@example.com", Role::Freelancer).await;
        let c = app
            .open_review_case(pipeline_case(&f.id, "msg_9"))
            .await
            .unwrap();
        app.claim_review_case(&ag1.id, &c.id).await.unwrap();
        let c = app
            .resolve_review_case(
                &ag1.id,
                &c.id,
                ResolveRequest {
                    resolution: Resolution::Upheld,
                    action: Some(Enforcement {
                        severity: Severity::Hold,
                        reason: ReasonCode::OffPlatformPayment,
                    }),
                    note: "payment outside".into(),
                },
            )
            .await
            .unwrap();
        let rid = c.restriction_id.unwrap();
        assert_eq!(
            app.account_overview(&f.id).await.unwrap().top_rated,
            TopRatedHoldCheck::HoldActive
        );

        // Only the holder may appeal, once, with a statement.
        let holder = Actor::Account(f.id.clone());
        let e = app
            .file_appeal(&Actor::Account(ag2.id.clone()), &rid, "not mine")
            .await
            .unwrap_err();
        assert_eq!(code(e), "not_found");
        let e = app.file_appeal(&holder, &rid, "  ").await.unwrap_err();
        assert_eq!(code(e), "invalid_input");
        clock.set(app.now().plus_millis(HOUR_MS));
        let appeal = app
            .file_appeal(&holder, &rid, "The client asked me; I said no.")
            .await
            .unwrap();
        assert_eq!(appeal.status, AppealStatus::Open);
        let e = app.file_appeal(&holder, &rid, "again").await.unwrap_err();
        assert_eq!(code(e), "appeal_already_filed");
        assert_eq!(
            app.appeals(Some(AppealStatus::Open)).await.unwrap().len(),
            1
        );

        // The agent who placed the hold may not decide; another agent overturns it.
        let e = app
            .decide_appeal(&ag1.id, &appeal.id, AppealDecision::Overturned, "mine")
            .await
            .unwrap_err();
        assert_eq!(code(e), "appeal_same_agent");
        let e = app
            .decide_appeal(&ag2.id, &appeal.id, AppealDecision::Overturned, " ")
            .await
            .unwrap_err();
        assert_eq!(code(e), "invalid_input");
        let decided = app
            .decide_appeal(
                &ag2.id,
                &appeal.id,
                AppealDecision::Overturned,
                "the message was a refusal",
            )
            .await
            .unwrap();
        assert_eq!(decided.status, AppealStatus::Overturned);
        assert_eq!(decided.decided_by.as_deref(), Some(ag2.id.as_str()));
        let e = app
            .decide_appeal(
                &ag2.id,
                &appeal.id,
                AppealDecision::Upheld,
                "changed my mind",
            )
            .await
            .unwrap_err();
        assert_eq!(code(e), "appeal_already_decided");

        let o = app.account_overview(&f.id).await.unwrap();
        assert_eq!(o.standing, Standing::Good);
        assert!(o.restrictions[0].overturned_at.is_some());
        assert!(o.restrictions[0].lifted_at.is_some());
        // Lifted an hour ago, yet no 90-day wait: an overturned hold does not count.
        assert_eq!(o.top_rated, TopRatedHoldCheck::Eligible);
        let mail = app.mailbox(Some("f@example.com")).await.unwrap();
        for subject in ["We received your appeal", "Your appeal was accepted"] {
            assert!(mail.iter().any(|m| m.subject == subject), "{subject}");
        }
        let actions: Vec<String> = app
            .audit_of(&f.id, 50)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.action)
            .collect();
        for a in [
            "appeal.filed",
            "appeal.decided",
            "restriction.overturned",
            "restriction.lifted",
        ] {
            assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
        }
    })
    .await;
}

#[tokio::test]
async fn an_upheld_appeal_keeps_the_restriction_and_the_window_closes() {
    each_backend(|db| async move {
        let (app, clock) = app(db);
        let ag1 = person(&app, "ag1@example.com", Role::Agent).await;
        let ag2 = person(&app, "ag2@example.com", Role::Admin).await;
        let f = person(&app, "f@example.com", Role::Freelancer).await;
        let g = person(&app, "g@example.com", Role::Freelancer).await;
        let request = || trustwork_app::standing::RestrictionRequest {
            reason: ReasonCode::Spam,
            severity: Severity::Warning,
            lift: trustwork_core::LiftCondition::Manual,
            note: "bulk letters".into(),
        };
        let agent = Actor::Account(ag1.id.clone());
        let warning = app
            .apply_restriction(&agent, &f.id, request())
            .await
            .unwrap();
        let late = app
            .apply_restriction(&agent, &g.id, request())
            .await
            .unwrap();
        // The operator's API appeals for the holder.
        let appeal = app
            .file_appeal(&Actor::ApiToken("tok_1".into()), &warning.id, "one letter")
            .await
            .unwrap();
        let decided = app
            .decide_appeal(
                &ag2.id,
                &appeal.id,
                AppealDecision::Upheld,
                "it was twelve letters",
            )
            .await
            .unwrap();
        assert_eq!(decided.status, AppealStatus::Upheld);
        assert_eq!(
            app.account_overview(&f.id).await.unwrap().standing,
            Standing::Warned
        );
        assert!(
            app.appeals(Some(AppealStatus::Open))
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(app.appeals_of(&f.id).await.unwrap().len(), 1);
        let e = app
            .file_appeal(&Actor::Account(f.id.clone()), &warning.id, "please")
            .await
            .unwrap_err();
        assert_eq!(code(e), "appeal_already_filed");

        clock.set(START.plus_days(90));
        let e = app
            .file_appeal(&Actor::Account(g.id.clone()), &late.id, "too late?")
            .await
            .unwrap_err();
        assert_eq!(code(e), "appeal_window_closed");
        let e = app
            .file_appeal(&Actor::Account(g.id.clone()), "rst_nope", "x")
            .await
            .unwrap_err();
        assert_eq!(code(e), "not_found");
    })
    .await;
}

#[tokio::test]
async fn an_appeal_closes_when_its_restriction_is_lifted_and_clients_appeal_too() {
    each_backend(|db| async move {
        let (app, clock) = app(db);
        let agent = person(&app, "agent@example.com", Role::Agent).await;
        let client = person(&app, "c@example.com", Role::Client).await;
        let actor = Actor::Account(agent.id.clone());
        let case = app
            .require_verification(&actor, &client.id, "card holder name differs")
            .await
            .unwrap();
        clock.set(case.deadline_at);
        while app.fire_one_timer().await.unwrap() {}
        let hold = app.restrictions_of(&client.id).await.unwrap()[0].clone();
        // A client appeals its hold like a freelancer.
        let appeal = app
            .file_appeal(
                &Actor::Account(client.id.clone()),
                &hold.id,
                "I was travelling without a camera.",
            )
            .await
            .unwrap();
        // Then verifies: the hold is lifted, and the appeal leaves the queue, saying why.
        app.record_verification_outcome(&actor, &case.id, Outcome::Verified, "ID seen")
            .await
            .unwrap();
        let closed = app.appeal(&appeal.id).await.unwrap();
        assert_eq!(closed.status, AppealStatus::Closed);
        assert!(closed.decision_note.unwrap().contains("lifted"));
        assert!(
            app.appeals(Some(AppealStatus::Open))
                .await
                .unwrap()
                .is_empty()
        );
        let actions: Vec<String> = app
            .audit_of(&client.id, 50)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.action)
            .collect();
        assert!(actions.contains(&"appeal.closed".to_owned()), "{actions:?}");
    })
    .await;
}
