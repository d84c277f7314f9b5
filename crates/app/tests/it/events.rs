//! The enforcement pipeline's default rules, positive and negative, with idempotency, escalation,
//! re-registration and policy reloads, on both databases.

use crate::{app, person};
use serde_json::{Value, json};
use trustwork_app::AppError;
use trustwork_app::events::DecisionView;
use trustwork_core::{ReasonCode, Role, Severity};
use trustwork_store::testing::each_backend;

fn message(actor: &str, text: &str, contract: bool) -> Value {
    json!({"type": "message.sent", "occurred_at": "2026-11-21T10:00:00Z", "actor_id": actor,
           "data": {"thread_id": "t1", "recipient_ids": ["c1"], "contract_active": contract, "text": text}})
}

fn proposal(actor: &str, n: usize, letter: &str) -> Value {
    json!({"type": "proposal.submitted", "occurred_at": "2026-11-21T10:00:00Z", "actor_id": actor,
           "data": {"proposal_id": format!("p{n}"), "job_id": format!("j{n}"), "cover_letter": letter}})
}

async fn send(app: &trustwork_app::App, key: &str, body: &Value) -> DecisionView {
    app.ingest(key, body).await.unwrap().0
}

async fn active(app: &trustwork_app::App, id: &str) -> Vec<(ReasonCode, Severity)> {
    let now = app.now();
    app.restrictions_of(id)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.is_active(now))
        .map(|r| (r.reason, r.severity))
        .collect()
}

#[tokio::test]
async fn contact_details_before_a_contract_are_blocked_and_the_third_attempt_holds() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        let f = person(&app, "f@example.com", Role::Freelancer).await;
        let d = send(
            &app,
            "k1",
            &message(&f.id, "sure, email me at john.doe@gmail.com", false),
        )
        .await;
        assert_eq!(d.verdict, "block");
        assert_eq!(d.rules, vec!["contact_info_before_contract"]);
        assert!(!d.reason.is_empty());
        let email = d
            .findings
            .iter()
            .find(|x| x.kind == "email")
            .expect("email found");
        assert_eq!(email.value, "john.doe@gmail.com");
        assert_eq!(
            &"sure, email me at john.doe@gmail.com"[email.start..email.end],
            "john.doe@gmail.com"
        );
        assert_eq!(d.counters["contact_attempts_30d"], 1);
        assert_eq!(d.actions.len(), 1);
        assert_eq!(
            (
                d.actions[0].kind.as_str(),
                d.actions[0].reason_code.as_str()
            ),
            ("warning", "CONTACT_INFO_SHARING")
        );
        assert_eq!(
            active(&app, &f.id).await,
            vec![(ReasonCode::ContactInfoSharing, Severity::Warning)]
        );

        send(
            &app,
            "k2",
            &message(&f.id, "call me on +1 415 555 0100", false),
        )
        .await;
        let third = send(
            &app,
            "k3",
            &message(&f.id, "whatsapp +44 7700 900123", false),
        )
        .await;
        assert_eq!(third.counters["contact_attempts_30d"], 3);
        assert!(
            third
                .rules
                .contains(&"contact_info_third_attempt".to_string())
        );
        assert!(
            third.actions.iter().any(|a| a.kind == "hold"),
            "{:?}",
            third.actions
        );
        assert!(third.review_queues.contains(&"contact_info".to_string()));
        assert!(
            active(&app, &f.id)
                .await
                .contains(&(ReasonCode::ContactInfoSharing, Severity::Hold))
        );
    })
    .await;
}

#[tokio::test]
async fn ordinary_messages_and_contract_talk_are_allowed() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        let f = person(&app, "f@example.com", Role::Freelancer).await;
        for (i, (text, contract)) in [
            (
                "I can deliver the first milestone by Friday for $450.",
                false,
            ),
            (
                "Sorry, I can't share my email here; let's keep talking on the platform.",
                false,
            ),
            ("Here is my email for the invoice: john.doe@gmail.com", true),
            (
                "Version 2.4.1 shipped on 2026-11-02, order #4815162342.",
                false,
            ),
        ]
        .into_iter()
        .enumerate()
        {
            let d = send(&app, &format!("ok{i}"), &message(&f.id, text, contract)).await;
            assert_eq!(d.verdict, "allow", "{text}: {:?}", d.findings);
            assert!(d.actions.is_empty());
        }
        assert!(active(&app, &f.id).await.is_empty());
    })
    .await;
}

#[tokio::test]
async fn the_same_key_answers_the_same_decision_and_repeats_nothing() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        let f = person(&app, "f@example.com", Role::Freelancer).await;
        let body = message(&f.id, "mail me: john.doe@gmail.com", false);
        let (first, replayed) = app.ingest("same", &body).await.unwrap();
        assert!(!replayed);
        let (again, replayed) = app.ingest("same", &body).await.unwrap();
        assert!(replayed);
        assert_eq!(first, again);
        assert_eq!(
            app.restrictions_of(&f.id).await.unwrap().len(),
            1,
            "one warning, not two"
        );
        let other = message(&f.id, "something else", false);
        let e = app.ingest("same", &other).await.unwrap_err();
        assert_eq!(e.code(), "conflict");
        let e = app.ingest("bad key", &body).await.unwrap_err();
        assert_eq!(e.code(), "invalid_input");
    })
    .await;
}

#[tokio::test]
async fn payment_harassment_and_feedback_pressure() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        let f = person(&app, "f@example.com", Role::Freelancer).await;
        let d = send(
            &app,
            "p1",
            &message(
                &f.id,
                "Let's close the contract and you pay me directly via PayPal to avoid the fees.",
                false,
            ),
        )
        .await;
        assert_eq!(d.verdict, "block", "{:?}", d.findings);
        assert!(d.rules.contains(&"off_platform_payment".to_string()));
        assert!(
            d.review_queues
                .contains(&"off_platform_payment".to_string())
        );
        let d = send(
            &app,
            "p2",
            &message(
                &f.id,
                "We integrated the PayPal checkout API into your store.",
                true,
            ),
        )
        .await;
        assert_eq!(
            d.verdict, "allow",
            "a developer's PayPal integration: {:?}",
            d.findings
        );

        let d = send(
            &app,
            "h1",
            &message(
                &f.id,
                "You worthless idiot, I will find you and hurt you.",
                true,
            ),
        )
        .await;
        assert_eq!(d.verdict, "block", "{:?}", d.findings);
        assert!(d.rules.contains(&"harassment".to_string()));

        let d = send(
            &app,
            "fb1",
            &message(
                &f.id,
                "I'll refund $50 if you leave me a 5-star review.",
                true,
            ),
        )
        .await;
        assert_eq!(d.verdict, "allow_and_review", "{:?}", d.findings);
        assert!(d.actions.iter().any(|a| a.reason_code == "FEEDBACK_ABUSE"));
        let d = send(
            &app,
            "fb2",
            &message(
                &f.id,
                "Thanks! If you were happy, feedback is always appreciated.",
                true,
            ),
        )
        .await;
        assert_eq!(
            d.verdict, "allow",
            "asking for feedback is fine: {:?}",
            d.findings
        );
    })
    .await;
}

#[tokio::test]
async fn the_same_cover_letter_to_many_jobs_is_spam() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        let f = person(&app, "f@example.com", Role::Freelancer).await;
        let letter = "Dear client, I am an expert in all technologies and I have ten years of experience. \
                      I will do your job perfectly and fast, please hire me today for the best results.";
        for n in 0..4 {
            let d = send(&app, &format!("l{n}"), &proposal(&f.id, n, letter)).await;
            assert_eq!(d.verdict, "allow", "letter {n}");
            assert_eq!(d.counters["similar_letters_24h"], n as i64 + 1);
        }
        let fifth = send(&app, "l4", &proposal(&f.id, 4, &letter.replace("today", "now"))).await;
        assert_eq!(fifth.verdict, "allow_and_review");
        assert!(fifth.rules.contains(&"spam_cover_letters".to_string()));
        assert!(fifth.actions.iter().any(|a| a.reason_code == "SPAM"));
        let other = send(&app, "l5", &proposal(&f.id, 5, "I read your brief about the Shopify theme; the cart drawer bug is in the Liquid section you linked, and I can fix it in two hours.")).await;
        assert_eq!(other.counters["similar_letters_24h"], 1, "a tailored letter is not a copy");
    })
    .await;
}

#[tokio::test]
async fn repeated_warnings_escalate_to_a_hold() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        let f = person(&app, "f@example.com", Role::Freelancer).await;
        for n in 0..3 {
            send(
                &app,
                &format!("w{n}"),
                &message(
                    &f.id,
                    "I'll refund $50 if you leave me a 5-star review.",
                    true,
                ),
            )
            .await;
        }
        let now = app.now();
        let rs = app.restrictions_of(&f.id).await.unwrap();
        let hold = rs
            .iter()
            .find(|r| r.severity == Severity::Hold && r.is_active(now))
            .expect("a hold");
        assert_eq!(hold.reason, ReasonCode::FeedbackAbuse);
        assert!(
            matches!(hold.lift, trustwork_core::LiftCondition::AtTime(t) if t == now.plus_days(14))
        );
    })
    .await;
}

#[tokio::test]
async fn a_banned_person_cannot_register_again() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        let signup = |id: &str, email: &str| json!({"type": "account.signup", "occurred_at": "2026-11-21T10:00:00Z", "actor_id": id,
            "data": {"email": email, "role": "freelancer", "device_id": "dev-42"}});
        let d = send(&app, "s1", &signup("mp_1", "First.Last@gmail.com")).await;
        assert_eq!(d.verdict, "allow");
        let agent = person(&app, "agent@example.com", Role::Agent).await;
        app.apply_restriction(
            &trustwork_core::Actor::Account(agent.id.clone()),
            "mp_1",
            trustwork_app::standing::RestrictionRequest {
                reason: ReasonCode::OffPlatformPayment,
                severity: Severity::Ban,
                lift: trustwork_core::LiftCondition::Manual,
                note: "took payment outside".into(),
            },
        )
        .await
        .unwrap();
        let again = send(&app, "s2", &signup("mp_2", "firstlast+new@googlemail.com")).await;
        assert_eq!(again.verdict, "block");
        assert!(again.counters["banned_fingerprint_matches"] >= 1);
        assert!(active(&app, "mp_2").await.contains(&(ReasonCode::MultipleAccounts, Severity::Ban)));
        let fresh = send(&app, "s3", &json!({"type": "account.signup", "occurred_at": "2026-11-21T10:00:00Z", "actor_id": "mp_3",
            "data": {"email": "someone.else@example.org", "role": "client"}})).await;
        assert_eq!(fresh.verdict, "allow");
    })
    .await;
}

#[tokio::test]
async fn bad_events_name_the_field_and_unknown_actors_are_refused() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        let e = app.ingest("x1", &json!({"type": "message.sent", "occurred_at": "2026-11-21T10:00:00Z", "actor_id": "a",
            "data": {"thread_id": "t", "recipient_ids": ["b"], "contract_active": "yes", "text": "hi"}})).await.unwrap_err();
        assert!(matches!(&e, AppError::Event(ev) if ev.field == "data.contract_active"), "{e:?}");
        let e = app.ingest("x2", &message("acc_nobody", "hi", false)).await.unwrap_err();
        assert_eq!(e.code(), "not_found");
    })
    .await;
}

#[tokio::test]
async fn policies_reload_with_validation_and_shadow_rules_enforce_nothing() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        let f = person(&app, "f@example.com", Role::Freelancer).await;
        let before = app.policy_version();
        let e = app.load_policy("version = \"bad\"\n[[rule]]\nname = \"r\"\nwhen = 'event.type =='\nverdict = \"block\"\nreason = \"x\"\n").await.unwrap_err();
        assert_eq!(e.code(), "invalid_policy");
        assert!(e.to_string().contains("rule \"r\""), "{e}");
        assert_eq!(app.policy_version(), before, "a bad policy changes nothing");

        let shadow = "version = \"shadow-1\"\n[[rule]]\nname = \"long_messages\"\nwhen = 'size(event.text) > 10'\nverdict = \"block\"\nreason = \"too long\"\nmode = \"shadow\"\n";
        assert_eq!(app.load_policy(shadow).await.unwrap(), "shadow-1");
        let d = send(&app, "sh1", &message(&f.id, "a message longer than ten bytes", false)).await;
        assert_eq!(d.verdict, "allow");
        assert_eq!(d.shadow_rules, vec!["long_messages"]);
        assert_eq!(d.policy_version, "shadow-1");
    })
    .await;
}

#[tokio::test]
async fn a_backtest_shows_what_a_candidate_policy_would_change() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        let f = person(&app, "f@example.com", Role::Freelancer).await;
        send(&app, "b1", &message(&f.id, "mail me: john.doe@gmail.com", false)).await;
        send(&app, "b2", &message(&f.id, "See you at the standup tomorrow.", false)).await;
        send(&app, "b3", &message(&f.id, "Pay me via PayPal directly, outside the platform.", false)).await;
        // The candidate no longer blocks payment talk, and blocks every message with "standup".
        let text = trustwork_app::events::DEFAULT_POLICY
            .replace("seeds-2026-11-21", "candidate-1")
            .replace("when = 'findings.exists(f, f.category == \"off_platform_payment\")'", "when = 'false'")
            + "\n[[rule]]\nname = \"no_standups\"\nwhen = 'event.text.contains(\"standup\")'\nverdict = \"block\"\nreason = \"no\"\n";
        let candidate = trustwork_app::events::candidate(&text).unwrap();
        let report = app.backtest(&candidate, trustwork_core::Timestamp(0), 1000).await.unwrap();
        assert_eq!(report.events, 3);
        assert_eq!(report.skipped, 0);
        assert_eq!(report.changed.len(), 2, "{:?}", report.changed);
        assert_eq!(report.transitions.get("allow → block"), Some(&1));
        assert_eq!(report.transitions.get("block → block"), Some(&1));
        assert_eq!(report.transitions.get("block → allow"), Some(&1));
        assert_eq!(report.candidate_rule_hits.get("no_standups"), Some(&1));
        // Nothing was written: the account has the warning from b1 only.
        assert_eq!(app.restrictions_of(&f.id).await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn decisions_open_review_cases_and_notify_webhook_subscribers() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        let f = person(&app, "f@example.com", Role::Freelancer).await;
        let c = person(&app, "c@example.com", Role::Client).await;
        let sub = app
            .create_webhook(&trustwork_core::Actor::system("test"), "http://127.0.0.1:9/hook", &["decision.created".to_string()])
            .await
            .unwrap();
        let d = send(&app, "r1", &message(&f.id, "Let's close the contract and you pay me directly via PayPal to avoid the fees.", false)).await;
        assert_eq!(d.review_case_ids.len(), 1);
        let case = app.review_case(&d.review_case_ids[0]).await.unwrap();
        assert_eq!(case.case.queue.as_str(), "off_platform_payment");
        assert_eq!(case.subject.id, f.id);
        assert!(case.case.content.contains("PayPal"));
        assert!(case.case.explanation_json.contains("off_platform_payment"));

        let flag = json!({"type": "flag.created", "occurred_at": "2026-11-21T10:00:00Z", "actor_id": c.id,
            "data": {"target_type": "message", "target_id": "m1", "target_account_id": f.id, "reason": "spam", "content": "buy followers"}});
        let d = send(&app, "r2", &flag).await;
        assert_eq!(d.verdict, "allow_and_review");
        assert_eq!(d.review_case_ids.len(), 1);
        assert_eq!(app.review_case(&d.review_case_ids[0]).await.unwrap().case.queue.as_str(), "flag");

        let deliveries = app.webhook_deliveries(Some(&sub.id)).await.unwrap();
        assert_eq!(deliveries.len(), 2, "one decision.created per decision");
        assert!(deliveries.iter().all(|w| w.event_type == "decision.created"));
    })
    .await;
}

fn event(kind: &str, actor: &str, data: Value) -> Value {
    json!({"type": kind, "occurred_at": "2026-11-21T10:00:00Z", "actor_id": actor, "data": data})
}

#[tokio::test]
async fn profiles_and_job_posts_may_not_carry_contact_details() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        let f = person(&app, "f@example.com", Role::Freelancer).await;
        let c = person(&app, "c@example.com", Role::Client).await;
        let d = send(&app, "pr1", &event("profile.updated", &f.id, json!({"title": "Senior Rust developer", "overview": "Reach me on skype: maria.lopez.dev"}))).await;
        assert_eq!(d.verdict, "block", "{:?}", d.findings);
        assert_eq!(d.rules, vec!["contact_info_in_profile"]);
        let d = send(&app, "pr2", &event("profile.updated", &f.id, json!({"title": "Senior Rust developer", "overview": "Ten years of embedded and web work; Rust, Go, TypeScript."}))).await;
        assert_eq!(d.verdict, "allow", "{:?}", d.findings);
        let d = send(&app, "jp1", &event("job.posted", &c.id, json!({"job_id": "j1", "title": "Logo design", "description": "Send samples to hiring@acme-robots.com"}))).await;
        assert_eq!(d.verdict, "block", "{:?}", d.findings);
        assert_eq!(app.job("j1").await.unwrap().status.as_str(), "rejected");
        // The refused post left a warning: the client's next post, clean as it is, waits for a
        // reviewer instead of going live at once.
        let d = send(&app, "jp2", &event("job.posted", &c.id, json!({"job_id": "j2", "title": "Logo design", "description": "A logo for a robotics company; three concepts, two revisions."}))).await;
        assert_eq!(d.verdict, "allow_and_review", "{:?}", d.findings);
        assert_eq!(d.rules, vec!["job_post_review"]);
        assert_eq!(app.job("j2").await.unwrap().status.as_str(), "pending_review");
        // Another client may not post over that job id.
        let other = person(&app, "other@example.com", Role::Client).await;
        let taken = app.ingest("jp3", &event("job.posted", &other.id, json!({"job_id": "j2", "title": "Mine now", "description": "x"}))).await;
        assert!(matches!(taken, Err(AppError::Conflict(_))), "{taken:?}");
    })
    .await;
}

#[tokio::test]
async fn messaging_many_strangers_within_an_hour_is_reviewed() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        let f = person(&app, "f@example.com", Role::Freelancer).await;
        let to = |n: usize| (0..n).map(|i| format!("c{i}")).collect::<Vec<_>>();
        let body = |n: usize, contract: bool| event("message.sent", &f.id, json!({"thread_id": "t", "recipient_ids": to(n), "contract_active": contract, "text": "Hi! I saw your job and would love to help."}));
        let d = send(&app, "mm1", &body(5, false)).await;
        assert_eq!(d.verdict, "allow");
        let d = send(&app, "mm2", &body(15, true)).await;
        assert_eq!(d.verdict, "allow", "within contracts it is work, not spam");
        let d = send(&app, "mm3", &body(20, false)).await;
        assert_eq!(d.verdict, "allow_and_review");
        assert_eq!(d.rules, vec!["mass_messaging"]);
        assert!(d.counters["distinct_recipients_1h"] >= 20);
    })
    .await;
}

#[tokio::test]
async fn a_pattern_of_negative_feedback_is_reviewed_on_the_recipient() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        let f = person(&app, "f@example.com", Role::Freelancer).await;
        let clients: Vec<_> = sign_up_clients(&app).await;
        let feedback = |client: &str, n: usize, rating: u8| event("feedback.left", client, json!({"contract_id": format!("k{n}"), "recipient_id": f.id, "rating": rating, "text": "The work was late."}));
        let d = send(&app, "nf0", &feedback(&clients[0], 0, 5)).await;
        assert_eq!(d.verdict, "allow");
        for (n, client) in clients.iter().enumerate().take(3).skip(1) {
            let d = send(&app, &format!("nf{n}"), &feedback(client, n, 1)).await;
            assert_eq!(d.verdict, "allow", "{n} bad ratings are not yet a pattern");
        }
        let d = send(&app, "nf3", &feedback(&clients[3], 3, 2)).await;
        assert_eq!(d.verdict, "allow_and_review");
        assert_eq!(d.rules, vec!["negative_feedback_pattern"]);
        let case = app.review_case(&d.review_case_ids[0]).await.unwrap();
        assert_eq!(case.subject.id, f.id, "the case is about the one receiving the feedback");
        assert_eq!(case.case.queue.as_str(), "negative_feedback");
    })
    .await;
}

#[tokio::test]
async fn three_disputes_against_one_freelancer_are_a_pattern_too() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        let f = person(&app, "f@example.com", Role::Freelancer).await;
        let clients: Vec<_> = sign_up_clients(&app).await;
        let dispute = |client: &str, n: usize| event("dispute.opened", client, json!({"contract_id": format!("k{n}"), "recipient_id": f.id, "reason": "Half of the hours were not on our project."}));
        for (n, client) in clients.iter().enumerate().take(2) {
            let d = send(&app, &format!("dp{n}"), &dispute(client, n)).await;
            assert_eq!(d.verdict, "allow", "{n}");
            assert_eq!(d.counters["recipient_disputes_90d"], n as i64 + 1);
        }
        let d = send(&app, "dp2", &dispute(&clients[2], 2)).await;
        assert_eq!(d.verdict, "allow_and_review");
        assert_eq!(d.rules, vec!["negative_feedback_pattern"]);
        let case = app.review_case(&d.review_case_ids[0]).await.unwrap();
        assert_eq!(case.subject.id, f.id, "the case is about the freelancer disputed");
        // A reason is text like any other: an unknown field is refused by name.
        let e = app
            .ingest("dp-bad", &event("dispute.opened", &clients[3], json!({"contract_id": "k9", "recipient_id": f.id, "amount": 5})))
            .await
            .unwrap_err();
        assert!(e.to_string().contains("amount"), "{e}");
    })
    .await;
}

async fn sign_up_clients(app: &trustwork_app::App) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..4 {
        ids.push(
            person(app, &format!("client{i}@example.com"), Role::Client)
                .await
                .id,
        );
    }
    ids
}

#[tokio::test]
async fn criticism_without_abuse_is_delivered() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        let f = person(&app, "f@example.com", Role::Freelancer).await;
        for (i, text) in [
            "This build is broken again and the deadline was yesterday; I'm disappointed.",
            "Honestly the first draft missed the brief. Please redo the header section.",
        ]
        .into_iter()
        .enumerate()
        {
            let d = send(&app, &format!("cr{i}"), &message(&f.id, text, true)).await;
            assert_eq!(d.verdict, "allow", "{text}: {:?}", d.findings);
        }
    })
    .await;
}

async fn ban(app: &trustwork_app::App, agent: &str, account: &str) -> trustwork_core::Restriction {
    app.apply_restriction(
        &trustwork_core::Actor::Account(agent.to_owned()),
        account,
        trustwork_app::standing::RestrictionRequest {
            reason: ReasonCode::OffPlatformPayment,
            severity: Severity::Ban,
            lift: trustwork_core::LiftCondition::Manual,
            note: "paid outside".into(),
        },
    )
    .await
    .unwrap()
}

fn signup(id: &str, email: &str) -> Value {
    json!({"type": "account.signup", "occurred_at": "2026-11-21T10:00:00Z", "actor_id": id,
        "data": {"email": email, "role": "freelancer"}})
}

#[tokio::test]
async fn bans_cover_console_accounts_and_payment_methods() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        let agent = person(&app, "agent@example.com", Role::Agent).await;
        let f = person(&app, "first.last@gmail.com", Role::Freelancer).await;
        let card = json!({"method": "card", "fingerprint": "card-9f2c"});
        send(
            &app,
            "pm1",
            &event("payment_method.added", &f.id, card.clone()),
        )
        .await;
        ban(&app, &agent.id, &f.id).await;
        // The console-made account's own email is on the ban list, normalised.
        let d = send(&app, "su1", &signup("mp_9", "firstlast+again@gmail.com")).await;
        assert_eq!(d.verdict, "block");
        // Its card, added to another account, is caught too.
        let g = person(&app, "someone@example.org", Role::Freelancer).await;
        let d = send(
            &app,
            "pm2",
            &event("payment_method.added", &g.id, card.clone()),
        )
        .await;
        assert_eq!(d.verdict, "block");
        assert_eq!(d.rules, vec!["banned_payment_method"]);
        let h = person(&app, "clean@example.org", Role::Freelancer).await;
        let d = send(
            &app,
            "pm3",
            &event(
                "payment_method.added",
                &h.id,
                json!({"method": "card", "fingerprint": "card-new"}),
            ),
        )
        .await;
        assert_eq!(d.verdict, "allow");
    })
    .await;
}

#[tokio::test]
async fn an_overturned_ban_takes_the_person_off_the_ban_list() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        let agent = person(&app, "agent@example.com", Role::Agent).await;
        let other_agent = person(&app, "agent2@example.com", Role::Agent).await;
        let f = person(&app, "first.last@gmail.com", Role::Freelancer).await;
        let restriction = ban(&app, &agent.id, &f.id).await;
        let appeal = app
            .file_appeal(
                &trustwork_core::Actor::Account(f.id.clone()),
                &restriction.id,
                "I never took payment outside.",
            )
            .await
            .unwrap();
        app.decide_appeal(
            &other_agent.id,
            &appeal.id,
            trustwork_core::appeal::AppealDecision::Overturned,
            "no evidence",
        )
        .await
        .unwrap();
        let d = send(&app, "su2", &signup("mp_10", "first.last+back@gmail.com")).await;
        assert_eq!(d.verdict, "allow", "{:?}", d.counters);
    })
    .await;
}

#[tokio::test]
async fn a_signup_with_a_taken_email_is_a_conflict_and_holds_no_lock() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        let signup = |id: &str| {
            json!({"type": "account.signup", "occurred_at": "2026-11-21T10:00:00Z", "actor_id": id,
            "data": {"email": "same@example.org", "role": "client"}})
        };
        send(&app, "tk1", &signup("mp_a")).await;
        let started = std::time::Instant::now();
        let e = app.ingest("tk2", &signup("mp_b")).await.unwrap_err();
        assert_eq!(e.code(), "conflict");
        // A lock kept by mistake would make this wait out SQLite's 10 s busy timeout.
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        let f = person(&app, "f@example.com", Role::Freelancer).await;
        send(&app, "tk3", &message(&f.id, "still working", true)).await;
    })
    .await;
}

#[tokio::test]
async fn a_device_shared_with_another_account_opens_a_verification_case() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        let first = person(&app, "first@example.com", Role::Freelancer).await;
        let second = person(&app, "second@example.com", Role::Freelancer).await;
        let login = |device: &str| json!({"ip": "203.0.113.7", "device_id": device});
        let d = send(
            &app,
            "l1",
            &event("account.login", &first.id, login("dev-aa11")),
        )
        .await;
        assert_eq!(d.counters["duplicate_account_matches"], 0);
        assert!(d.actions.is_empty());
        // The same device again on the same account is not news.
        let d = send(
            &app,
            "l2",
            &event("account.login", &first.id, login("dev-aa11")),
        )
        .await;
        assert!(d.actions.is_empty(), "{:?}", d.actions);

        // Another account signs in from it: that account must verify who it is.
        let d = send(
            &app,
            "l3",
            &event("account.login", &second.id, login("dev-aa11")),
        )
        .await;
        assert_eq!(d.verdict, "allow_and_review");
        assert_eq!(
            d.rules,
            vec!["possible_duplicate_account", "multiple_accounts"]
        );
        assert_eq!(d.counters["duplicate_account_matches"], 1);
        assert_eq!(d.actions.len(), 1);
        assert_eq!(d.actions[0].kind, "require_verification");
        assert_eq!(d.actions[0].reason_code, "MULTIPLE_ACCOUNTS");
        let case_id = d.actions[0].id.clone().expect("a case was opened");
        let case = app.verification_case(&case_id).await.unwrap();
        assert_eq!(case.account_id, second.id);
        assert!(case.reason.contains(&d.id), "{}", case.reason);
        // A second match while the case is open opens nothing more.
        let d = send(
            &app,
            "pm",
            &event(
                "payment_method.added",
                &second.id,
                json!({"method": "card", "fingerprint": "card-77"}),
            ),
        )
        .await;
        assert!(d.actions.is_empty());
        let d = send(
            &app,
            "pm2",
            &event(
                "payment_method.added",
                &first.id,
                json!({"method": "card", "fingerprint": "card-77"}),
            ),
        )
        .await;
        assert_eq!(d.actions[0].kind, "require_verification");
        assert_eq!(
            app.verification_cases_of(&second.id).await.unwrap().len(),
            1
        );

        // A sign-up with an inbox another sign-up already has is matched too.
        let d = send(&app, "su1", &signup("mp_1", "jane.doe@gmail.com")).await;
        assert!(d.actions.is_empty());
        let d = send(&app, "su2", &signup("mp_2", "janedoe+work@gmail.com")).await;
        assert_eq!(
            d.rules,
            vec!["possible_duplicate_account", "multiple_accounts"],
            "{:?}",
            d.counters
        );
        assert_eq!(app.verification_cases_of("mp_2").await.unwrap().len(), 1);
        // Once verified, a person is not asked again for the next shared device.
        let agent = person(&app, "agent@example.com", Role::Agent).await;
        app.record_verification_outcome(
            &trustwork_core::Actor::Account(agent.id.clone()),
            &case_id,
            trustwork_core::verification::Outcome::Verified,
            "family computer; ID matched on camera",
        )
        .await
        .unwrap();
        send(
            &app,
            "l4",
            &event("account.login", &first.id, login("dev-cc33")),
        )
        .await;
        let d = send(
            &app,
            "l5",
            &event("account.login", &second.id, login("dev-cc33")),
        )
        .await;
        assert_eq!(d.counters["duplicate_account_matches"], 1);
        assert!(d.actions.is_empty(), "{:?}", d.actions);
    })
    .await;
}

#[tokio::test]
async fn a_proposal_typed_in_the_console_goes_through_the_detectors() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        let client = person(&app, "c@example.com", Role::Client).await;
        let f = person(&app, "f@example.com", Role::Freelancer).await;
        let job = app
            .post_job(&client.id, "Logo design", "A logo for a robotics company.")
            .await
            .unwrap();
        let refused = app
            .submit_proposal(
                &f.id,
                &job.id,
                "Happy to help, email me at jane.doe.design@gmail.com",
            )
            .await;
        let Err(AppError::Invalid { field, message }) = refused else {
            panic!("{refused:?}")
        };
        assert_eq!(field, "cover_letter");
        assert!(message.contains("contact details"), "{message}");
        assert!(app.proposals_of(&f.id).await.unwrap().is_empty());
        let decisions = app.decisions_of(&f.id, 10).await.unwrap();
        assert_eq!(decisions[0].verdict, "block");
        assert_eq!(decisions[0].rules, vec!["contact_info_before_contract"]);
        // A clean letter is judged too (one more event and decision), and stored under the
        // judged proposal's id; an account's decisions list only those that did something.
        let events = || async { app.db().read().await.unwrap().count_events().await.unwrap() };
        let before = events().await;
        let p = app
            .submit_proposal(
                &f.id,
                &job.id,
                "Three concepts and two revisions within a week.",
            )
            .await
            .unwrap();
        assert_eq!(events().await, before + 1);
        let listed = app.decisions_of(&f.id, 10).await.unwrap();
        assert_eq!(listed.len(), decisions.len());
        assert_eq!(listed[0].verdict, "block");
        assert!(
            app.proposals_of(&f.id)
                .await
                .unwrap()
                .iter()
                .any(|q| q.id == p.id)
        );
    })
    .await;
}
