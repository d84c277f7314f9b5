//! Bad requests get a clear error and change nothing.

use crate::{agent_actor, app, person};
use trustwork_app::AppError;
use trustwork_app::standing::RestrictionRequest;
use trustwork_core::verification::Outcome;
use trustwork_core::{DomainError, LiftCondition, ReasonCode, Role, Severity};
use trustwork_store::testing::each_backend;

fn code<T>(r: Result<T, AppError>) -> &'static str {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.code(),
    }
}

async fn audit_len(app: &trustwork_app::App, id: &str) -> usize {
    app.audit_of(id, 1000).await.unwrap().len()
}

#[tokio::test]
async fn decisions_on_closed_cases_and_lifted_holds_are_refused() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        let agent = person(&app, "agent@example.com", Role::Agent).await;
        let f = person(&app, "f@example.com", Role::Freelancer).await;
        let actor = agent_actor(&agent);
        let case = app
            .require_verification(&actor, &f.id, "check")
            .await
            .unwrap();

        let again = app
            .require_verification(&actor, &f.id, "check")
            .await
            .unwrap_err();
        assert!(matches!(
            again,
            AppError::Domain(DomainError::VerificationAlreadyOpen { .. })
        ));
        assert_eq!(again.code(), "verification_already_open");

        app.record_verification_outcome(&actor, &case.id, Outcome::Verified, "ok")
            .await
            .unwrap();
        let before = audit_len(&app, &f.id).await;
        let e = app
            .record_verification_outcome(&actor, &case.id, Outcome::Failed, "changed my mind")
            .await
            .unwrap_err();
        assert_eq!(e.code(), "case_closed");
        assert_eq!(audit_len(&app, &f.id).await, before, "nothing changed");
        assert!(
            app.account_overview(&f.id)
                .await
                .unwrap()
                .identity_verified()
        );

        let hold = app
            .apply_restriction(
                &actor,
                &f.id,
                RestrictionRequest {
                    reason: ReasonCode::Spam,
                    severity: Severity::Hold,
                    lift: LiftCondition::Manual,
                    note: "same letter to 40 jobs".into(),
                },
            )
            .await
            .unwrap();
        app.lift_restriction(&actor, &hold.id, "appeal accepted")
            .await
            .unwrap();
        let before = audit_len(&app, &f.id).await;
        let e = app
            .lift_restriction(&actor, &hold.id, "again")
            .await
            .unwrap_err();
        assert_eq!(e.code(), "already_lifted");
        assert_eq!(audit_len(&app, &f.id).await, before);
    })
    .await;
}

#[tokio::test]
async fn unknown_ids_and_invalid_fields_are_named() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        let agent = person(&app, "agent@example.com", Role::Agent).await;
        let client = person(&app, "c@example.com", Role::Client).await;
        let f = person(&app, "f@example.com", Role::Freelancer).await;
        let actor = agent_actor(&agent);
        assert_eq!(code(app.account_overview("acc_nope").await), "not_found");
        assert_eq!(
            code(app.require_verification(&actor, "acc_nope", "check").await),
            "not_found"
        );
        assert_eq!(
            code(
                app.record_verification_outcome(&actor, "vc_nope", Outcome::Verified, "ok")
                    .await
            ),
            "not_found"
        );
        assert_eq!(
            code(app.lift_restriction(&actor, "rst_nope", "ok").await),
            "not_found"
        );
        // Every decision names its reason: a blank one is refused, naming the field (after
        // what it names was found and may be decided).
        let other = person(&app, "other@example.com", Role::Freelancer).await;
        for blank in ["", "   "] {
            match app.require_verification(&actor, &other.id, blank).await {
                Err(AppError::Invalid { field, .. }) => assert_eq!(field, "reason"),
                e => panic!("{e:?}"),
            }
        }
        let case = app
            .require_verification(&actor, &other.id, "check")
            .await
            .unwrap();
        match app
            .record_verification_outcome(&actor, &case.id, Outcome::Verified, " ")
            .await
        {
            Err(AppError::Invalid { field, .. }) => assert_eq!(field, "note"),
            e => panic!("{e:?}"),
        }
        let hold = app
            .apply_restriction(
                &actor,
                &other.id,
                trustwork_app::standing::RestrictionRequest {
                    reason: trustwork_core::ReasonCode::Spam,
                    severity: trustwork_core::Severity::Hold,
                    lift: trustwork_core::LiftCondition::Manual,
                    note: "bulk letters".into(),
                },
            )
            .await
            .unwrap();
        match app.lift_restriction(&actor, &hold.id, "").await {
            Err(AppError::Invalid { field, .. }) => assert_eq!(field, "note"),
            e => panic!("{e:?}"),
        }
        assert_eq!(
            code(app.submit_proposal(&f.id, "job_nope", "hi").await),
            "not_found"
        );
        assert_eq!(
            code(app.require_verification(&actor, &agent.id, "check").await),
            "invalid_input"
        );

        let job = app.post_job(&client.id, "T", "D").await.unwrap();
        // One live proposal per job, and none once hired.
        let third = person(&app, "third@example.com", Role::Freelancer).await;
        let first = app
            .submit_proposal(&third.id, &job.id, "first")
            .await
            .unwrap();
        let again = app
            .submit_proposal(&third.id, &job.id, "again")
            .await
            .unwrap_err();
        assert_eq!(code(Err::<(), _>(again)), "conflict");
        crate::hire_started(&app, &client.id, &first.id).await;
        match app.submit_proposal(&third.id, &job.id, "more").await {
            Err(AppError::Conflict(why)) => assert!(why.contains("hired"), "{why}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            code(app.submit_proposal(&f.id, &job.id, "   ").await),
            "invalid_input"
        );
        assert_eq!(
            code(app.submit_proposal(&client.id, &job.id, "hi").await),
            "invalid_input"
        );
        assert_eq!(code(app.post_job(&f.id, "T", "D").await), "invalid_input");
        assert_eq!(
            code(app.request_withdrawal(&f.id, 0).await),
            "insufficient_balance"
        );
        assert_eq!(
            code(app.request_withdrawal(&f.id, 50_001).await),
            "insufficient_balance"
        );
        let request = |note: &str, lift| RestrictionRequest {
            reason: ReasonCode::Other,
            severity: Severity::Hold,
            lift,
            note: note.into(),
        };
        assert_eq!(
            code(
                app.apply_restriction(&actor, &f.id, request("", LiftCondition::Manual))
                    .await
            ),
            "invalid_input"
        );
        let past = LiftCondition::AtTime(app.now());
        assert_eq!(
            code(
                app.apply_restriction(&actor, &f.id, request("why", past))
                    .await
            ),
            "invalid_input"
        );
        assert!(app.restrictions_of(&f.id).await.unwrap().is_empty());
        assert!(app.proposals_of(&f.id).await.unwrap().is_empty());
        assert_eq!(app.account(&f.id).await.unwrap().balance_cents, 50_000);
    })
    .await;
}
