use crate::{agent_actor, app, fire_due, person};
use trustwork_app::AppError;
use trustwork_app::standing::RestrictionRequest;
use trustwork_core::{Capability, LiftCondition, ReasonCode, Role, Severity, Standing};
use trustwork_store::testing::each_backend;

#[tokio::test]
async fn a_timed_hold_ends_by_itself_and_is_recorded() {
    each_backend(|db| async move {
        let (app, clock) = app(db);
        let agent = person(&app, "agent@example.com", Role::Agent).await;
        let f = person(&app, "f@example.com", Role::Freelancer).await;
        let until = app.now().plus_days(14);
        let r = app
            .apply_restriction(
                &agent_actor(&agent),
                &f.id,
                RestrictionRequest {
                    reason: ReasonCode::FailureToPerform,
                    severity: Severity::Hold,
                    lift: LiftCondition::AtTime(until),
                    note: "several clients reported missed deadlines".into(),
                },
            )
            .await
            .unwrap();
        assert_eq!(
            app.account_overview(&f.id).await.unwrap().standing,
            Standing::OnHold
        );
        clock.set(until);
        assert_eq!(fire_due(&app).await, 1);
        let after = app.restrictions_of(&f.id).await.unwrap();
        assert_eq!(after[0].id, r.id);
        assert_eq!(after[0].lifted_at, Some(until));
        assert_eq!(
            app.account_overview(&f.id).await.unwrap().standing,
            Standing::Good
        );
    })
    .await;
}

#[tokio::test]
async fn a_ban_ends_sessions_and_refuses_sign_in() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        let agent = person(&app, "agent@example.com", Role::Agent).await;
        let f = person(&app, "f@example.com", Role::Freelancer).await;
        let (token, _) = app
            .login("f@example.com", "password-123", "10.0.0.1")
            .await
            .unwrap();
        assert!(app.session(&token).await.unwrap().is_some());
        app.apply_restriction(
            &agent_actor(&agent),
            &f.id,
            RestrictionRequest {
                reason: ReasonCode::MultipleAccounts,
                severity: Severity::Ban,
                lift: LiftCondition::Manual,
                note: "second account of a banned person".into(),
            },
        )
        .await
        .unwrap();
        assert!(
            app.session(&token).await.unwrap().is_none(),
            "session ended"
        );
        let e = app
            .login("f@example.com", "password-123", "10.0.0.1")
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::LoginDenied));
        let caps = app.capabilities(&f.id).await.unwrap();
        assert!(caps.iter().all(|(_, p)| !p.allowed));
        assert!(caps.iter().any(|(c, _)| *c == Capability::Login));
    })
    .await;
}

#[tokio::test]
async fn a_warning_restricts_nothing_and_keeps_proposals() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        let agent = person(&app, "agent@example.com", Role::Agent).await;
        let client = person(&app, "c@example.com", Role::Client).await;
        let f = person(&app, "f@example.com", Role::Freelancer).await;
        let job = app.post_job(&client.id, "T", "D").await.unwrap();
        app.submit_proposal(&f.id, &job.id, "hi").await.unwrap();
        app.apply_restriction(
            &agent_actor(&agent),
            &f.id,
            RestrictionRequest {
                reason: ReasonCode::ContactInfoSharing,
                severity: Severity::Warning,
                lift: LiftCondition::Manual,
                note: "shared an email address".into(),
            },
        )
        .await
        .unwrap();
        assert_eq!(
            app.account_overview(&f.id).await.unwrap().standing,
            Standing::Warned
        );
        assert!(
            app.capabilities(&f.id)
                .await
                .unwrap()
                .iter()
                .all(|(_, p)| p.allowed)
        );
        assert_eq!(
            app.proposals_of(&f.id).await.unwrap()[0].status,
            trustwork_core::marketplace::ProposalStatus::Submitted
        );
    })
    .await;
}
