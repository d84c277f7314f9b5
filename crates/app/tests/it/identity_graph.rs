//! One person, one account: the identity graph links accounts by what they share, sign-ins
//! show an account used by more than one person, and an account used as the other type is
//! reviewed; on both databases.

use crate::{app, person};
use serde_json::{Value, json};
use trustwork_app::App;
use trustwork_app::events::DecisionView;
use trustwork_core::Role;
use trustwork_core::review::Queue;
use trustwork_store::testing::each_backend;

fn event(kind: &str, actor: &str, data: Value) -> Value {
    json!({"type": kind, "occurred_at": "2026-11-21T10:00:00Z", "actor_id": actor, "data": data})
}

fn signup(id: &str, email: &str, extra: Value) -> Value {
    let mut data = json!({"email": email, "role": "freelancer"});
    if let (Some(d), Some(e)) = (data.as_object_mut(), extra.as_object()) {
        d.extend(e.clone());
    }
    event("account.signup", id, data)
}

async fn send(app: &App, key: &str, body: &Value) -> DecisionView {
    app.ingest(key, body).await.unwrap().0
}

/// The open case of `queue` the decision opened, with its content.
async fn case_in(app: &App, d: &DecisionView, queue: Queue) -> trustwork_app::review::CaseDetail {
    for id in &d.review_case_ids {
        let detail = app.review_case(id).await.unwrap();
        if detail.case.queue == queue {
            return detail;
        }
    }
    panic!(
        "no {} case in {:?} ({:?})",
        queue.as_str(),
        d.review_case_ids,
        d.rules
    );
}

#[tokio::test]
async fn a_second_sign_up_on_a_live_accounts_device_opens_a_multiple_accounts_case() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        let d = send(
            &app,
            "s1",
            &signup(
                "mp_jane",
                "jane.doe+x@gmail.com",
                json!({"device_id": "dev-77", "ip": "198.51.100.20"}),
            ),
        )
        .await;
        assert!(d.review_case_ids.is_empty(), "{:?}", d.rules);

        // Another inbox, the same device.
        let d = send(
            &app,
            "s2",
            &signup(
                "mp_j2",
                "j.d.2024@example.org",
                json!({"device_id": "dev-77"}),
            ),
        )
        .await;
        assert!(
            d.rules.contains(&"multiple_accounts".to_owned()),
            "{:?}",
            d.rules
        );
        assert_eq!(d.counters["linked_account_strength"], 90);
        let case = case_in(&app, &d, Queue::MultipleAccounts).await;
        assert_eq!(case.case.subject_account_id, "mp_j2");
        assert!(
            case.case.content.contains("mp_jane"),
            "{}",
            case.case.content
        );
        assert!(
            case.case
                .content
                .contains("the same device: dev-77 (strong)"),
            "{}",
            case.case.content
        );

        // The same Gmail inbox written another way links as strongly.
        let d = send(&app, "s3", &signup("mp_j3", "janedoe@gmail.com", json!({}))).await;
        let case = case_in(&app, &d, Queue::MultipleAccounts).await;
        assert!(
            case.case.content.contains("mp_jane"),
            "{}",
            case.case.content
        );
        assert!(
            case.case
                .content
                .contains("the same email inbox: janedoe@gmail.com"),
            "{}",
            case.case.content
        );

        // A shared office address alone is not enough; with the same full name it is.
        let d = send(
            &app,
            "s4",
            &signup(
                "mp_bob",
                "bob@example.com",
                json!({"ip": "198.51.100.20", "display_name": "Bob Stone"}),
            ),
        )
        .await;
        assert_eq!(d.counters["linked_account_strength"], 50, "{:?}", d.rules);
        assert!(!d.rules.contains(&"multiple_accounts".to_owned()));
        let d = send(
            &app,
            "s5",
            &signup(
                "mp_bob2",
                "rstone@example.net",
                json!({"ip": "198.51.100.99", "display_name": "bob  STONE"}),
            ),
        )
        .await;
        // The same /24 network and name (20 and 30: 44 together) cannot make a case, so they are
        // not looked for.
        assert_eq!(d.counters["linked_account_strength"], 0);
        let d = send(
            &app,
            "s6",
            &signup(
                "mp_bob3",
                "bstone@example.net",
                json!({"ip": "198.51.100.20", "display_name": "Bob Stone"}),
            ),
        )
        .await;
        assert!(
            d.counters["linked_account_strength"] >= 60,
            "{:?}",
            d.counters
        );
        let case = case_in(&app, &d, Queue::MultipleAccounts).await;
        assert!(
            case.case.content.contains("mp_bob"),
            "{}",
            case.case.content
        );
        assert!(
            case.case
                .content
                .contains("the same full name: bob stone (weak)"),
            "{}",
            case.case.content
        );

        // A banned account's values are the ban list's business, not a link.
        let agent = person(&app, "agent@example.com", Role::Agent).await;
        app.apply_restriction(
            &trustwork_core::Actor::Account(agent.id.clone()),
            "mp_j3",
            trustwork_app::standing::RestrictionRequest {
                reason: trustwork_core::ReasonCode::MultipleAccounts,
                severity: trustwork_core::Severity::Ban,
                lift: trustwork_core::LiftCondition::Manual,
                note: "second account of mp_jane".into(),
            },
        )
        .await
        .unwrap();
        let linked = app.linked_accounts("mp_jane").await.unwrap();
        let ids: Vec<&str> = linked.iter().map(|l| l.account_id.as_str()).collect();
        // mp_jane's office address links two Bobs (the third shares only its network); the banned
        // mp_j3 is gone.
        assert_eq!(ids, vec!["mp_j2", "mp_bob", "mp_bob3"], "{linked:?}");
        assert_eq!(linked[0].strength, 90);
        assert_eq!(linked[1].strength, 50);
    })
    .await;
}

#[tokio::test]
async fn two_sign_ins_from_two_continents_ten_minutes_apart_open_an_account_sharing_case() {
    each_backend(|db| async move {
        let (app, clock) = app(db);
        let f = person(&app, "f@example.com", Role::Freelancer).await;
        let login = |lat: f64, lon: f64, device: &str| {
            event("account.login", &f.id, json!({"ip": "203.0.113.7", "device_id": device, "latitude": lat, "longitude": lon}))
        };
        // Paris, then Lyon three hours later: a train ride.
        let d = send(&app, "l1", &login(48.8566, 2.3522, "laptop")).await;
        assert_eq!(d.counters["impossible_travel_kmh"], 0);
        trustwork_app::Clock::advance(&*clock, 3 * 3_600_000).unwrap();
        let d = send(&app, "l2", &login(45.764, 4.8357, "laptop")).await;
        assert_eq!(d.counters["impossible_travel_kmh"], 0, "{:?}", d.rules);
        assert!(d.review_case_ids.is_empty());

        // Ten minutes later, Sydney.
        trustwork_app::Clock::advance(&*clock, 10 * 60_000).unwrap();
        let d = send(&app, "l3", &login(-33.8688, 151.2093, "phone")).await;
        assert!(d.counters["impossible_travel_kmh"] > 50_000, "{:?}", d.counters);
        assert!(d.rules.contains(&"account_sharing".to_owned()), "{:?}", d.rules);
        let case = case_in(&app, &d, Queue::AccountSharing).await;
        assert_eq!(case.case.subject_account_id, f.id);
        assert!(case.case.content.contains("km/h"), "{}", case.case.content);
        assert!(d.actions.iter().any(|a| a.kind == "require_verification" && a.reason_code == "ACCOUNT_SHARING"), "{:?}", d.actions);

        // Many devices within the hour is the other sign (the case open already is added to).
        trustwork_app::Clock::advance(&*clock, 5 * 60_000).unwrap();
        send(&app, "l4", &event("account.login", &f.id, json!({"ip": "203.0.113.7", "device_id": "tablet"}))).await;
        let d = send(&app, "l5", &event("account.login", &f.id, json!({"ip": "203.0.113.7", "device_id": "desktop"}))).await;
        assert_eq!(d.counters["devices_1h"], 4);
        assert_eq!(case_in(&app, &d, Queue::AccountSharing).await.case.id, case.case.id);
        trustwork_app::Clock::advance(&*clock, 2 * 3_600_000).unwrap();
        let d = send(&app, "l6", &event("account.login", &f.id, json!({"ip": "203.0.113.7", "device_id": "desktop"}))).await;
        assert_eq!(d.counters["devices_1h"], 1);
    })
    .await;
}

#[tokio::test]
async fn a_client_bidding_and_a_freelancer_posting_are_reviewed_as_the_wrong_account_type() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        let c = person(&app, "c@example.com", Role::Client).await;
        let f = person(&app, "f@example.com", Role::Freelancer).await;
        let d = send(&app, "p1", &event("proposal.submitted", &c.id, json!({"proposal_id": "p1", "job_id": "j1", "cover_letter": "I can build this for you next week."}))).await;
        let case = case_in(&app, &d, Queue::WrongAccountType).await;
        assert_eq!(case.case.subject_account_id, c.id);
        let d = send(&app, "j1", &event("job.posted", &f.id, json!({"job_id": "jf1", "title": "Need a logo", "description": "A logo for my bakery, three drafts."}))).await;
        assert_eq!(case_in(&app, &d, Queue::WrongAccountType).await.case.subject_account_id, f.id);
        // The right type is not.
        let d = send(&app, "p2", &event("proposal.submitted", &f.id, json!({"proposal_id": "p2", "job_id": "j2", "cover_letter": "I can build this for you next week."}))).await;
        assert!(!d.rules.contains(&"wrong_account_type".to_owned()), "{:?}", d.rules);
    })
    .await;
}

#[tokio::test]
async fn a_sign_in_with_a_bad_address_or_place_is_refused_with_the_field() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        let f = person(&app, "f@example.com", Role::Freelancer).await;
        for (data, field) in [
            (json!({"ip": "not-an-ip"}), "data.ip"),
            (
                json!({"ip": "203.0.113.7", "latitude": 95.0, "longitude": 0.0}),
                "data.latitude",
            ),
            (
                json!({"ip": "203.0.113.7", "latitude": 45.0}),
                "data.latitude",
            ),
        ] {
            let e = app
                .ingest("bad", &event("account.login", &f.id, data))
                .await
                .unwrap_err();
            assert_eq!(e.code(), "invalid_input");
            assert!(e.to_string().contains(field), "{e}");
        }
        // Nothing was kept: the same key is free for a good event.
        send(
            &app,
            "bad",
            &event("account.login", &f.id, json!({"ip": "2001:db8::1"})),
        )
        .await;
    })
    .await;
}

#[tokio::test]
async fn a_proxys_private_address_and_a_nameless_inbox_link_no_one() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        // Behind a misconfigured proxy every sign-up comes from 10.0.0.5: not a link, even with
        // the same full name (an address and a name would be 65).
        for (id, email) in [("mp_p1", "p1@example.com"), ("mp_p2", "p2@example.org")] {
            let d = send(
                &app,
                id,
                &signup(
                    id,
                    email,
                    json!({"ip": "10.0.0.5", "display_name": "Ana Silva"}),
                ),
            )
            .await;
            assert_eq!(d.counters["linked_account_strength"], 0, "{id}");
        }
        // An inbox with nothing before the @ once its tag is dropped is nobody's.
        send(&app, "n1", &signup("mp_n1", "+one@gmail.com", json!({}))).await;
        let d = send(&app, "n2", &signup("mp_n2", "+two@gmail.com", json!({}))).await;
        assert_eq!(d.counters["duplicate_account_matches"], 0);
        assert!(
            !d.rules.contains(&"multiple_accounts".to_owned()),
            "{:?}",
            d.rules
        );
    })
    .await;
}
