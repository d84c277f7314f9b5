//! The first story from the seeds: a freelancer asked to verify who does not do it within 7
//! days gets a hold; passing verification lifts it.

use crate::{START, agent_actor, app, deliver_all, fire_due, person};
use trustwork_app::AppError;
use trustwork_core::marketplace::{ContractStatus, ProposalStatus};
use trustwork_core::standing::TopRatedHoldCheck;
use trustwork_core::verification::{CaseStatus, Outcome};
use trustwork_core::{Capability, DAY_MS, DomainError, ReasonCode, Role, Severity, Standing};
use trustwork_store::testing::each_backend;

#[tokio::test]
async fn unverified_freelancer_is_held_after_seven_days_and_released_by_verification() {
    each_backend(|db| async move {
        let (app, clock) = app(db);
        let agent = person(&app, "agent@example.com", Role::Agent).await;
        let client = person(&app, "client@example.com", Role::Client).await;
        let maria = person(&app, "maria@example.com", Role::Freelancer).await;
        let job1 = app.post_job(&client.id, "Job one", "Do one").await.unwrap();
        let job2 = app.post_job(&client.id, "Job two", "Do two").await.unwrap();
        let job3 = app
            .post_job(&client.id, "Job three", "Do three")
            .await
            .unwrap();
        let open = app
            .submit_proposal(&maria.id, &job1.id, "Hello one")
            .await
            .unwrap();
        let hired = app
            .submit_proposal(&maria.id, &job2.id, "Hello two")
            .await
            .unwrap();
        let contract = crate::hire_started(&app, &client.id, &hired.id).await;
        let later = app
            .submit_proposal(&maria.id, &job3.id, "Hello three")
            .await
            .unwrap();

        // The agent requires verification: a 7-day deadline and an email.
        let case = app
            .require_verification(
                &agent_actor(&agent),
                &maria.id,
                "profile photo does not match",
            )
            .await
            .unwrap();
        assert_eq!(case.status, CaseStatus::Pending);
        assert_eq!(case.deadline_at, START.plus_days(7));
        deliver_all(&app).await;
        let mail = app.mailbox(Some("maria@example.com")).await.unwrap();
        assert_eq!(mail.len(), 1);
        assert_eq!(mail[0].subject, "Action required: verify your identity");
        assert_eq!(mail[0].status, "delivered");
        assert_eq!(mail[0].transport.as_deref(), Some("dev_mailbox"));

        // One millisecond before the deadline nothing happens.
        clock.set(case.deadline_at.plus_millis(-1));
        assert_eq!(fire_due(&app).await, 0);
        assert!(
            app.capabilities(&maria.id)
                .await
                .unwrap()
                .iter()
                .all(|(_, p)| p.allowed)
        );

        // At the deadline the hold lands.
        clock.set(case.deadline_at);
        assert_eq!(fire_due(&app).await, 1);
        let overview = app.account_overview(&maria.id).await.unwrap();
        assert_eq!(overview.standing, Standing::OnHold);
        assert_eq!(overview.verification_cases[0].status, CaseStatus::Expired);
        let held = overview.active_restrictions(clock_now(&app)).len();
        assert_eq!(held, 1);
        let hold = &overview.restrictions[0];
        assert_eq!(
            (hold.reason, hold.severity),
            (ReasonCode::UnverifiedIdentityDeadline, Severity::Hold)
        );
        for (cap, p) in app.capabilities(&maria.id).await.unwrap() {
            let should_allow = matches!(
                cap,
                Capability::Login | Capability::WorkOnActiveContracts | Capability::SendMessages
            );
            assert_eq!(p.allowed, should_allow, "{cap:?}");
            if !should_allow {
                assert_eq!(p.reasons, vec![ReasonCode::UnverifiedIdentityDeadline]);
            }
        }

        // Active proposals are cancelled; the hired one and the contract are untouched.
        let status = |list: &[trustwork_app::records::Proposal], id: &str| {
            list.iter().find(|p| p.id == id).map(|p| p.status)
        };
        let proposals = app.proposals_of(&maria.id).await.unwrap();
        assert_eq!(
            status(&proposals, &open.id),
            Some(ProposalStatus::CancelledBySystem)
        );
        assert_eq!(
            status(&proposals, &later.id),
            Some(ProposalStatus::CancelledBySystem)
        );
        assert_eq!(status(&proposals, &hired.id), Some(ProposalStatus::Hired));
        let contracts = app.contracts_of(&maria.id).await.unwrap();
        assert_eq!(contracts.len(), 1);
        assert_eq!(
            (contracts[0].id.as_str(), contracts[0].status),
            (contract.id.as_str(), ContractStatus::Active)
        );

        // Every restricted path says no, with the reason, and changes nothing.
        let denied = |e: AppError| match e {
            AppError::Domain(DomainError::CapabilityDenied {
                capability,
                reasons,
            }) => {
                assert_eq!(reasons, vec![ReasonCode::UnverifiedIdentityDeadline]);
                capability
            }
            other => panic!("expected a denial, got {other:?}"),
        };
        let job4 = app
            .post_job(&client.id, "Job four", "Do four")
            .await
            .unwrap();
        let e = app
            .submit_proposal(&maria.id, &job4.id, "Please")
            .await
            .unwrap_err();
        assert_eq!(denied(e), Capability::SubmitProposal);
        let e = app.request_withdrawal(&maria.id, 100).await.unwrap_err();
        assert_eq!(denied(e), Capability::WithdrawEarnings);
        assert_eq!(app.account(&maria.id).await.unwrap().balance_cents, 50_000);
        assert!(app.withdrawals_of(&maria.id).await.unwrap().is_empty());
        assert!(
            app.search_freelancers("maria").await.unwrap().is_empty(),
            "hidden from search"
        );
        assert_eq!(app.proposals_of(&maria.id).await.unwrap().len(), 3);

        deliver_all(&app).await;
        let subjects: Vec<String> = app
            .mailbox(Some("maria@example.com"))
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.subject)
            .collect();
        // One event, one email: the request, then the hold (which says how to lift it); the
        // mailbox lists the newest first.
        assert_eq!(
            subjects,
            vec![
                "Your account is on hold",
                "Action required: verify your identity"
            ],
        );
        let hold_mail = &app.mailbox(Some("maria@example.com")).await.unwrap()[0];
        assert!(
            hold_mail.body.contains("/settings/identity"),
            "{}",
            hold_mail.body
        );
        assert!(
            hold_mail.body.contains("active contracts"),
            "{}",
            hold_mail.body
        );
        assert!(
            !hold_mail.body.contains("UNVERIFIED"),
            "no codes for members"
        );

        // A day later the agent records "verified": the hold is lifted, the mark appears.
        clock.set(case.deadline_at.plus_days(1));
        let decided = app
            .record_verification_outcome(
                &agent_actor(&agent),
                &case.id,
                Outcome::Verified,
                "ID matched on camera",
            )
            .await
            .unwrap();
        assert_eq!(decided.status, CaseStatus::Verified);
        let overview = app.account_overview(&maria.id).await.unwrap();
        assert_eq!(overview.standing, Standing::Good);
        assert!(overview.identity_verified());
        assert_eq!(overview.badges(), vec!["identity_verified"]);
        let lifted_at = overview.restrictions[0].lifted_at.expect("lifted");
        assert!(
            app.capabilities(&maria.id)
                .await
                .unwrap()
                .iter()
                .all(|(_, p)| p.allowed)
        );
        // Cancelled proposals stay cancelled; new ones are accepted again.
        let proposals = app.proposals_of(&maria.id).await.unwrap();
        assert_eq!(
            status(&proposals, &open.id),
            Some(ProposalStatus::CancelledBySystem)
        );
        app.submit_proposal(&maria.id, &job4.id, "Back again")
            .await
            .unwrap();
        assert_eq!(app.search_freelancers("maria").await.unwrap().len(), 1);
        app.request_withdrawal(&maria.id, 100).await.unwrap();

        // Verified: one email, which also says the hold is lifted.
        let subjects: Vec<String> = app
            .mailbox(Some("maria@example.com"))
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.subject)
            .collect();
        assert_eq!(subjects.len(), 3, "{subjects:?}");
        assert!(subjects.contains(&"Your identity is verified".to_owned()));

        // The hold still counts against Top Rated for 90 days after it was lifted.
        assert!(matches!(
            overview.top_rated,
            TopRatedHoldCheck::CoolingDown { .. }
        ));
        for (days, eligible) in [(89, false), (90, true), (91, true)] {
            clock.set(lifted_at.plus_millis(days * DAY_MS));
            let o = app.account_overview(&maria.id).await.unwrap();
            assert_eq!(o.top_rated.is_eligible(), eligible, "day {days}");
        }

        // The audit trail tells the whole story.
        let actions: Vec<String> = app
            .audit_of(&maria.id, 100)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.action)
            .collect();
        for expected in [
            "verification.required",
            "verification.expired",
            "restriction.applied",
            "proposal.cancelled_by_system",
            "verification.outcome_recorded",
            "restriction.lifted",
        ] {
            assert!(
                actions.iter().any(|a| a == expected),
                "missing {expected} in {actions:?}"
            );
        }
        assert_eq!(
            actions
                .iter()
                .filter(|a| *a == "proposal.cancelled_by_system")
                .count(),
            2
        );
        // The deadline timer fired once and is done; what is left is the evidence purge, 30
        // days after the outcome.
        let timers = app.timers().await.unwrap();
        assert_eq!(timers.len(), 1, "{timers:?}");
        assert_eq!(timers[0].kind, "evidence_purge");
        assert_eq!(timers[0].subject_id, case.id);
        assert_eq!(timers[0].due_at, decided.decided_at.unwrap().plus_days(30));
    })
    .await;
}

fn clock_now(app: &trustwork_app::App) -> trustwork_core::Timestamp {
    app.now()
}

#[tokio::test]
async fn verifying_before_the_deadline_cancels_the_timer() {
    each_backend(|db| async move {
        let (app, clock) = app(db);
        let agent = person(&app, "agent@example.com", Role::Agent).await;
        let f = person(&app, "f@example.com", Role::Freelancer).await;
        let case = app
            .require_verification(&agent_actor(&agent), &f.id, "check")
            .await
            .unwrap();
        app.record_verification_outcome(&agent_actor(&agent), &case.id, Outcome::Verified, "ok")
            .await
            .unwrap();
        clock.set(case.deadline_at.plus_days(1));
        assert_eq!(fire_due(&app).await, 0);
        assert_eq!(
            app.account_overview(&f.id).await.unwrap().standing,
            Standing::Good
        );
    })
    .await;
}

#[tokio::test]
async fn needs_documents_keeps_the_deadline_and_failed_applies_identity_uncertainty() {
    each_backend(|db| async move {
        let (app, clock) = app(db);
        let agent = person(&app, "agent@example.com", Role::Agent).await;
        let f = person(&app, "f@example.com", Role::Freelancer).await;
        let actor = agent_actor(&agent);
        let case = app
            .require_verification(&actor, &f.id, "check")
            .await
            .unwrap();
        let c = app
            .record_verification_outcome(
                &actor,
                &case.id,
                Outcome::NeedsDocuments,
                "send a passport",
            )
            .await
            .unwrap();
        assert_eq!(c.status, CaseStatus::NeedsDocuments);
        clock.set(case.deadline_at);
        assert_eq!(fire_due(&app).await, 1, "the deadline still holds");
        assert_eq!(
            app.account_overview(&f.id).await.unwrap().standing,
            Standing::OnHold
        );

        let c = app
            .record_verification_outcome(&actor, &case.id, Outcome::Failed, "document was altered")
            .await
            .unwrap();
        assert_eq!(c.status, CaseStatus::Failed);
        let o = app.account_overview(&f.id).await.unwrap();
        let reasons: Vec<ReasonCode> = o
            .active_restrictions(app.now())
            .iter()
            .map(|r| r.reason)
            .collect();
        assert_eq!(
            reasons,
            vec![
                ReasonCode::UnverifiedIdentityDeadline,
                ReasonCode::IdentityUncertainty
            ]
        );
        assert!(!o.identity_verified());

        // A later case that passes lifts both holds.
        let again = app
            .require_verification(&actor, &f.id, "second try")
            .await
            .unwrap();
        app.record_verification_outcome(&actor, &again.id, Outcome::Verified, "ok")
            .await
            .unwrap();
        assert_eq!(
            app.account_overview(&f.id).await.unwrap().standing,
            Standing::Good
        );
    })
    .await;
}
