//! Conversations (seed 002), on both databases: an invitation opens the interview, a client's
//! reply to a proposal does too, messages go through the pipeline (a blocked one is kept but
//! never shown to its recipient), messages can be reported, the marketplace's own
//! `message.sent` events are kept in their threads, and calls in a thread are recorded.

use crate::{agent_actor, app, person};
use trustwork_app::AppError;
use trustwork_app::standing::RestrictionRequest;
use trustwork_core::conversation::{CallKind, InvitationStatus, MessageStatus, ThreadKind};
use trustwork_core::marketplace::ProposalStatus;
use trustwork_core::review::EntityType;
use trustwork_core::{LiftCondition, ReasonCode, Role, Severity};
use trustwork_store::testing::each_backend;

#[tokio::test]
async fn an_invitation_opens_the_interview_and_a_blocked_message_never_reaches_the_client() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        let client = person(&app, "client@example.com", Role::Client).await;
        let jane = person(&app, "jane@example.com", Role::Freelancer).await;
        let omar = person(&app, "omar@example.com", Role::Freelancer).await;
        let job = app
            .post_job(&client.id, "Logo design", "A logo for a bakery.")
            .await
            .unwrap();
        // Posted before the client's refused note below gives her a record (her later posts
        // wait for review).
        let second_job = app
            .post_job(&client.id, "Menu design", "A menu for the bakery.")
            .await
            .unwrap();

        let invitation = app
            .invite(
                &client.id,
                &job.id,
                &jane.id,
                "Would you like to interview for the logo?",
            )
            .await
            .unwrap();
        assert_eq!(invitation.status, InvitationStatus::Sent);
        let again = app
            .invite(&client.id, &job.id, &jane.id, "Hello again")
            .await
            .unwrap_err();
        assert!(matches!(again, AppError::Conflict(_)), "{again:?}");
        // Only the client's own open jobs, only freelancers.
        assert!(app.invite(&jane.id, &job.id, &omar.id, "hi").await.is_err());
        assert!(
            app.invite(&client.id, &job.id, &client.id, "hi")
                .await
                .is_err()
        );
        let refused_note = app
            .invite(
                &client.id,
                &job.id,
                &omar.id,
                "mail me at bakery.owner@gmail.com",
            )
            .await
            .unwrap_err();
        assert_eq!(refused_note.code(), "invalid_input", "{refused_note:?}");
        assert!(app.invitations_of(&omar.id).await.unwrap().is_empty());
        assert!(
            app.threads_of(&omar.id).await.unwrap().is_empty(),
            "a refused note reaches nobody"
        );

        let listed = app.invitations_of(&jane.id).await.unwrap();
        assert_eq!(listed.len(), 1);
        let before = app
            .thread_for(&jane.id, &invitation.thread_id)
            .await
            .unwrap();
        assert_eq!(before.thread.kind, ThreadKind::Job);
        assert_eq!(before.messages.len(), 1);

        let accepted = app
            .answer_invitation(&jane.id, &invitation.id, true)
            .await
            .unwrap();
        assert_eq!(accepted.status, InvitationStatus::Accepted);
        let proposal_id = accepted.proposal_id.clone().unwrap();
        assert!(
            app.answer_invitation(&jane.id, &invitation.id, false)
                .await
                .is_err(),
            "answered once"
        );
        let thread = app
            .thread_for(&jane.id, &invitation.thread_id)
            .await
            .unwrap();
        assert_eq!(thread.thread.kind, ThreadKind::Proposal);
        assert_eq!(
            thread.proposal.as_ref().unwrap().status,
            ProposalStatus::Interviewing
        );
        assert_eq!(thread.proposal.as_ref().unwrap().id, proposal_id);

        let hello = app
            .send_message(&jane.id, &thread.thread.id, "Happy to help with the logo.")
            .await
            .unwrap();
        assert!(hello.delivered());
        let blocked = app
            .send_message(
                &jane.id,
                &thread.thread.id,
                "email me at jane.doe@gmail.com",
            )
            .await
            .unwrap();
        assert_eq!(blocked.message.status, MessageStatus::Blocked);
        assert_eq!(blocked.decision.verdict, "block");
        assert!(!blocked.decision.reason.is_empty());

        let seen_by_client = app.thread_for(&client.id, &thread.thread.id).await.unwrap();
        let texts: Vec<_> = seen_by_client
            .messages
            .iter()
            .map(|m| m.body.as_str())
            .collect();
        assert_eq!(
            texts,
            [
                "Would you like to interview for the logo?",
                "Happy to help with the logo."
            ]
        );
        let seen_by_jane = app.thread_for(&jane.id, &thread.thread.id).await.unwrap();
        assert_eq!(
            seen_by_jane.messages.len(),
            3,
            "the sender sees her blocked message"
        );
        let staff = app.thread_for_staff(&thread.thread.id).await.unwrap();
        assert_eq!(staff.messages.len(), 3);
        assert!(app.thread_for(&omar.id, &thread.thread.id).await.is_err());
        assert!(
            app.send_message(&omar.id, &thread.thread.id, "hi")
                .await
                .is_err(),
            "only participants write"
        );
        assert!(
            app.send_message(&jane.id, &thread.thread.id, "   ")
                .await
                .is_err()
        );

        // The client reports the freelancer's delivered message; not her own, not a blocked one.
        let case = app
            .flag_from_console(&client.id, "message", &hello.message.id, "spam", "")
            .await
            .unwrap();
        assert_eq!(case.entity_type, EntityType::Message);
        assert_eq!(case.entity_id, hello.message.id);
        assert_eq!(case.subject_account_id, jane.id);
        for (reporter, id) in [
            (&jane.id, &hello.message.id),
            (&client.id, &blocked.message.id),
            (&omar.id, &hello.message.id),
        ] {
            let err = app
                .flag_from_console(reporter, "message", id, "spam", "")
                .await
                .unwrap_err();
            assert_eq!(err.code(), "not_found", "{err:?}");
        }
        let (around, at) = app
            .message_in_context(&hello.message.id, 5)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(around.messages[at].id, hello.message.id);
        assert_eq!(around.messages.len(), 3);

        // Declining keeps the thread.
        let to_omar = app
            .invite(
                &client.id,
                &second_job.id,
                &omar.id,
                "Interested in the menu?",
            )
            .await
            .unwrap();
        let declined = app
            .answer_invitation(&omar.id, &to_omar.id, false)
            .await
            .unwrap();
        assert_eq!(declined.status, InvitationStatus::Declined);
        assert_eq!(declined.proposal_id, None);
        assert_eq!(
            app.thread_for(&omar.id, &to_omar.thread_id)
                .await
                .unwrap()
                .messages
                .len(),
            1
        );
    })
    .await;
}

#[tokio::test]
async fn an_invite_only_job_is_answered_through_its_invitation() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        let client = person(&app, "client@example.com", Role::Client).await;
        let f = person(&app, "f@example.com", Role::Freelancer).await;
        let posted = serde_json::json!({"type": "job.posted", "occurred_at": "2026-11-21T10:00:00Z",
            "actor_id": client.id, "data": {"job_id": "job_private_1", "title": "Board pack",
            "description": "Design the quarterly board pack.", "visibility": "invite_only"}});
        app.ingest("private-job", &posted).await.unwrap();
        assert_eq!(
            app.job("job_private_1").await.unwrap().status,
            trustwork_core::marketplace::JobStatus::Open
        );
        let refused = app
            .submit_proposal(&f.id, "job_private_1", "I design board packs.")
            .await
            .unwrap_err();
        assert!(
            matches!(
                refused,
                AppError::Invalid {
                    field: "job_id",
                    ..
                }
            ),
            "{refused:?}"
        );
        let inv = app
            .invite(
                &client.id,
                "job_private_1",
                &f.id,
                "Would you design our board pack?",
            )
            .await
            .unwrap();
        let accepted = app.answer_invitation(&f.id, &inv.id, true).await.unwrap();
        assert!(accepted.proposal_id.is_some());
    })
    .await;
}

#[tokio::test]
async fn a_clients_reply_moves_a_proposal_to_interviewing() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        let client = person(&app, "client@example.com", Role::Client).await;
        let other = person(&app, "other@example.com", Role::Client).await;
        let f = person(&app, "f@example.com", Role::Freelancer).await;
        let job = app
            .post_job(&client.id, "API work", "Rust API.")
            .await
            .unwrap();
        let p = app
            .submit_proposal(&f.id, &job.id, "I have built many Rust APIs.")
            .await
            .unwrap();
        let stranger = app
            .reply_to_proposal(&other.id, &p.id, "Hi")
            .await
            .unwrap_err();
        assert_eq!(stranger.code(), "not_found");

        let (sent, proposal) = app
            .reply_to_proposal(&client.id, &p.id, "Can you start Monday?")
            .await
            .unwrap();
        assert!(sent.delivered());
        assert_eq!(proposal.status, ProposalStatus::Interviewing);
        let (again, _) = app
            .reply_to_proposal(&client.id, &p.id, "And what is your rate?")
            .await
            .unwrap();
        assert_eq!(
            again.message.thread_id, sent.message.thread_id,
            "one thread"
        );
        let threads = app.threads_of(&f.id).await.unwrap();
        assert_eq!(threads.len(), 1);
        assert_eq!(threads[0].0.title, "API work");
        let answer = app
            .send_message(&f.id, &sent.message.thread_id, "Yes, Monday works.")
            .await
            .unwrap();
        assert!(answer.delivered());
        assert_eq!(app.proposals_to(&client.id).await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn the_marketplaces_messages_are_kept_in_their_threads() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        let f = person(&app, "f@example.com", Role::Freelancer).await;
        let c = person(&app, "c@example.com", Role::Client).await;
        let msg = |key: &str, text: &str| {
            serde_json::json!({"type": "message.sent", "occurred_at": "2026-11-21T10:00:00Z",
                "actor_id": f.id, "data": {"thread_id": "mkt-thread-1", "recipient_ids": [c.id],
                "contract_active": false, "proposal_id": "mkt-proposal-9", "text": text}, "_k": key})
        };
        let strip = |mut v: serde_json::Value| {
            v.as_object_mut().unwrap().remove("_k");
            v
        };
        // One through the group commit, one on its own.
        let (clean, _) = app
            .ingest("mkt-1", &strip(msg("1", "Here is the first draft.")))
            .await
            .unwrap();
        let (blocked, _) = app
            .ingest_unbatched("mkt-2", &strip(msg("2", "call me on +1 415 555 0134")))
            .await
            .unwrap();
        assert_eq!(blocked.verdict, "block");
        // A replay keeps one message.
        app.ingest("mkt-1", &strip(msg("1", "Here is the first draft.")))
            .await
            .unwrap();

        let thread = app.thread_for_staff("mkt-thread-1").await.unwrap();
        assert_eq!(thread.thread.kind, ThreadKind::Proposal);
        assert_eq!(thread.thread.subject_id.as_deref(), Some("mkt-proposal-9"));
        assert_eq!(thread.participants.len(), 2);
        let kept: Vec<_> = thread
            .messages
            .iter()
            .map(|m| (m.id.as_str(), m.status))
            .collect();
        assert_eq!(
            kept,
            [
                (clean.event_id.as_str(), MessageStatus::Delivered),
                (blocked.event_id.as_str(), MessageStatus::Blocked)
            ]
        );
        assert_eq!(thread.messages[0].decision_id, clean.id);
    })
    .await;
}

#[tokio::test]
async fn calls_in_a_thread_record_their_start_connection_and_duration() {
    each_backend(|db| async move {
        let (app, clock) = app(db);
        let agent = person(&app, "agent@example.com", Role::Agent).await;
        let client = person(&app, "client@example.com", Role::Client).await;
        let f = person(&app, "f@example.com", Role::Freelancer).await;
        let outsider = person(&app, "o@example.com", Role::Freelancer).await;
        let job = app
            .post_job(&client.id, "Video edit", "Cut a video.")
            .await
            .unwrap();
        let inv = app
            .invite(&client.id, &job.id, &f.id, "Let's talk about the edit.")
            .await
            .unwrap();
        let call = app
            .start_thread_call(&client.id, &inv.thread_id, CallKind::Video)
            .await
            .unwrap();
        let same = app
            .start_thread_call(&f.id, &inv.thread_id, CallKind::Video)
            .await
            .unwrap();
        assert_eq!(same.id, call.id, "the other side joins the ringing call");
        assert!(app.thread_call_for(&outsider.id, &call.id).await.is_err());
        assert!(
            !app.thread_call_for(&f.id, &call.id)
                .await
                .unwrap()
                .started_by_viewer
        );

        clock.set(app.now().plus_millis(5_000));
        app.thread_call_connected(&call.id).await.unwrap();
        clock.set(app.now().plus_millis(60_000));
        let ended = app.end_thread_call(&f.id, &call.id).await.unwrap();
        assert_eq!(
            trustwork_core::conversation::call_duration_seconds(ended.connected_at, ended.ended_at),
            60
        );
        assert_eq!(ended.ended_by.as_deref(), Some(f.id.as_str()));
        assert!(!app.thread_call_live(&call.id).await.unwrap());
        let thread = app.thread_for(&client.id, &inv.thread_id).await.unwrap();
        assert_eq!(thread.calls.len(), 1);

        // A suspended member may neither write nor call.
        app.apply_restriction(
            &agent_actor(&agent),
            &f.id,
            RestrictionRequest {
                reason: ReasonCode::Harassment,
                severity: Severity::Suspension,
                lift: LiftCondition::Manual,
                note: "threats in messages".into(),
            },
        )
        .await
        .unwrap();
        assert!(
            app.send_message(&f.id, &inv.thread_id, "hello")
                .await
                .is_err()
        );
        assert!(
            app.start_thread_call(&f.id, &inv.thread_id, CallKind::Voice)
                .await
                .is_err()
        );
        assert!(!app.may_send_messages(&f.id).await.unwrap().allowed);
    })
    .await;
}

#[tokio::test]
async fn a_flooding_sender_fills_the_spot_check_queue_no_more_than_the_daily_cap() {
    each_backend(|db| async move {
        let (app, clock) = app(db);
        let f = person(&app, "f@example.com", Role::Freelancer).await;
        let c = person(&app, "c@example.com", Role::Client).await;
        // Every clean text is drawn; three a day per sender.
        app.load_policy("version = \"all-drawn\"\nspot_check_permille = 1000\nspot_checks_per_sender_per_day = 3\n")
            .await
            .unwrap();
        let msg = |i: usize| {
            serde_json::json!({"type": "message.sent", "occurred_at": "2026-11-21T10:00:00Z",
                "actor_id": f.id, "data": {"thread_id": "flood", "recipient_ids": [c.id],
                "contract_active": false, "text": format!("update number {i}")}})
        };
        let spot_checks = |app: trustwork_app::App| async move {
            app.review_queue(&trustwork_app::review::QueueFilter {
                queue: Some(trustwork_core::review::Queue::SpotCheck),
                ..Default::default()
            })
            .await
            .unwrap()
            .len()
        };
        // Half through the group commit, half one by one.
        let batch: Vec<_> = (0..10).map(|i| (format!("flood-{i}"), msg(i))).collect();
        for r in app.ingest_many(batch).await {
            r.unwrap();
        }
        for i in 10..20 {
            app.ingest_unbatched(&format!("flood-{i}"), &msg(i)).await.unwrap();
        }
        assert_eq!(spot_checks(app.clone()).await, 3);
        // A day later the sender may be drawn again.
        clock.set(app.now().plus_millis(25 * trustwork_core::HOUR_MS));
        app.ingest("flood-next-day", &msg(99)).await.unwrap();
        assert_eq!(spot_checks(app.clone()).await, 4);
    })
    .await;
}

#[tokio::test]
async fn a_reported_message_is_read_with_its_neighbours_however_old() {
    each_backend(|db| async move {
        let (app, clock) = app(db);
        let f = person(&app, "f@example.com", Role::Freelancer).await;
        let c = person(&app, "c@example.com", Role::Client).await;
        let mut ids = Vec::new();
        for i in 0..12 {
            clock.set(app.now().plus_millis(1_000));
            let event = serde_json::json!({"type": "message.sent", "occurred_at": "2026-11-21T10:00:00Z",
                "actor_id": f.id, "data": {"thread_id": "long-thread", "recipient_ids": [c.id],
                "contract_active": false, "text": format!("status update {i}")}});
            ids.push(app.ingest(&format!("long-{i}"), &event).await.unwrap().0.event_id);
        }
        let (first, at) = app.message_in_context(&ids[0], 2).await.unwrap().unwrap();
        assert_eq!(at, 0);
        let texts: Vec<_> = first.messages.iter().map(|m| m.body.as_str()).collect();
        assert_eq!(texts, ["status update 0", "status update 1", "status update 2"]);
        let (middle, at) = app.message_in_context(&ids[6], 2).await.unwrap().unwrap();
        assert_eq!(at, 2);
        assert_eq!(middle.messages.len(), 5);
        assert_eq!(middle.messages[at].id, ids[6]);
        assert_eq!(middle.messages[4].body, "status update 8");
        assert!(app.message_in_context("evt_nope", 2).await.unwrap().is_none());
    })
    .await;
}
