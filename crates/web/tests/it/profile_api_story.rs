//! Issue 16's stories told through the JSON API on both databases: profiles approved, sent back
//! and refused as crowded (the letter by email, no resubmission before its date), skill tests
//! that verify skills and earn another look, private profiles out of search; and one person,
//! one account: a shared device, one Gmail inbox written two ways, and sign-ins from two
//! continents ten minutes apart.

use crate::support::{Api, api_configured};
use serde_json::{Value, json};
use trustwork_app::Clock;
use trustwork_store::testing::each_backend;

const OVERVIEW: &str = "I cut product demos and launch videos for software teams: scripts, captions in two languages, motion graphics and sound clean-up, delivered in a week.";

async fn event(api: &Api, token: &str, key: &str, kind: &str, actor: &str, data: Value) -> Value {
    let reply = api
        .post(
            token,
            "/api/v1/events:batch",
            json!({"events": [{"idempotency_key": key, "type": kind, "occurred_at": "2026-11-21T10:00:00Z",
                   "actor_id": actor, "data": data}]}),
        )
        .await
        .ok();
    reply["results"][0].clone()
}

async fn signup(api: &Api, token: &str, id: &str, data: Value) -> Value {
    event(api, token, &format!("su-{id}"), "account.signup", id, data).await
}

/// The open cases of `queue` about `account`.
async fn cases(api: &Api, token: &str, queue: &str, account: &str) -> Vec<Value> {
    let list = api
        .get(token, &format!("/api/v1/review-cases?queue={queue}"))
        .await
        .ok();
    list["cases"]
        .as_array()
        .unwrap_or_else(|| panic!("no cases in {list}"))
        .iter()
        .filter(|c| c["subject_account_id"] == json!(account))
        .cloned()
        .collect()
}

async fn found(api: &Api, token: &str, name: &str) -> bool {
    let list = api
        .get(token, &format!("/api/v1/freelancers?q={name}"))
        .await
        .ok();
    !list["freelancers"].as_array().unwrap().is_empty()
}

/// Takes a test through the API answering every question right.
async fn pass(api: &Api, token: &str, account: &str, slug: &str) -> Value {
    let attempt = api
        .post(
            token,
            &format!("/api/v1/accounts/{account}/skill-tests/{slug}/attempts"),
            json!({}),
        )
        .await
        .expect(201);
    // The right answers never leave the server: a question is its number, text, choices and
    // the answer given (none yet).
    assert!(
        attempt["questions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|q| { q["answer"].is_null() && q.as_object().unwrap().len() == 4 })
    );
    let id = attempt["id"].as_str().unwrap();
    let bank = trustwork_core::skill_tests::all()
        .iter()
        .find(|t| t.slug == slug)
        .unwrap();
    for q in attempt["questions"].as_array().unwrap() {
        let right = bank
            .questions
            .iter()
            .find(|b| b.text == q["text"].as_str().unwrap())
            .unwrap()
            .answer;
        api.post(
            token,
            &format!("/api/v1/accounts/{account}/skill-test-attempts/{id}/answers"),
            json!({"question": q["number"], "choice": right}),
        )
        .await
        .ok();
    }
    api.post(
        token,
        &format!("/api/v1/accounts/{account}/skill-test-attempts/{id}/finish"),
        json!({}),
    )
    .await
    .ok()
}

#[tokio::test]
async fn profiles_are_approved_refused_and_looked_at_again_through_the_api() {
    each_backend(|db| async move {
        // A category is crowded from its first approved freelancer on.
        let api = api_configured(db, |c| {
            c.policy.profile_supply = trustwork_core::profile_approval::SupplyRule {
                min_freelancers: 1,
                max_freelancers_per_job: 0,
            };
        });
        let demo = api.seed().await;
        let admin = demo.admin.as_str();
        signup(
            &api,
            admin,
            "mp_ana",
            json!({"email": "ana@example.com", "role": "freelancer", "display_name": "Ana Silva"}),
        )
        .await;
        signup(
            &api,
            admin,
            "mp_ben",
            json!({"email": "ben@example.com", "role": "freelancer", "display_name": "Ben Okafor"}),
        )
        .await;

        // A new sign-up: a draft, no proposals, not in search.
        let profile = "/api/v1/accounts/mp_ana/profile";
        assert_eq!(
            api.get(admin, profile).await.ok()["approval"]["status"],
            "draft"
        );
        let caps = api
            .get(admin, "/api/v1/accounts/mp_ana/capabilities")
            .await
            .ok();
        assert_eq!(caps["capabilities"]["submit_proposal"]["allowed"], false);
        assert_eq!(
            caps["capabilities"]["submit_proposal"]["reasons"],
            json!(["PROFILE_NOT_APPROVED"])
        );
        assert!(!found(&api, admin, "Ana").await);

        // An email in the overview: sent back with the reason, nothing saved.
        let mut body = json!({"title": "Video editor for software launches", "overview": OVERVIEW,
            "hourly_rate_cents": 4_500, "skills": ["video-editing"], "visibility": "public"});
        let mut with_email = body.clone();
        with_email["overview"] = json!(format!("{OVERVIEW} Write to ana.silva.video@gmail.com."));
        let message = api
            .call(
                axum::http::Method::PUT,
                profile,
                Some(admin),
                Some(&with_email),
            )
            .await
            .expect_error(422, "invalid_input");
        assert!(message.contains("contact details"), "{message}");
        assert_eq!(api.get(admin, profile).await.ok()["overview"], "");

        // Complete, submitted, approved: in search.
        api.call(axum::http::Method::PUT, profile, Some(admin), Some(&body))
            .await
            .ok();
        let pending = api
            .post(admin, "/api/v1/accounts/mp_ana/profile/submit", json!({}))
            .await
            .ok();
        assert_eq!(pending["approval"]["status"], "pending_review");
        let approved = api
            .post(
                admin,
                "/api/v1/accounts/mp_ana/profile/review",
                json!({"agent_id": demo.agent, "decision": "approve"}),
            )
            .await
            .ok();
        assert_eq!(approved["approval"]["status"], "approved");
        assert!(found(&api, admin, "Ana").await);

        // Ben, in the same category: refused at once, the letter by email, no resubmission yet.
        api.call(
            axum::http::Method::PUT,
            "/api/v1/accounts/mp_ben/profile",
            Some(admin),
            Some(&body),
        )
        .await
        .ok();
        let refused = api
            .post(admin, "/api/v1/accounts/mp_ben/profile/submit", json!({}))
            .await
            .ok();
        assert_eq!(refused["approval"]["status"], "rejected");
        assert_eq!(refused["approval"]["reason"], "oversupply");
        let after = refused["approval"]["resubmit_after"]
            .as_str()
            .unwrap()
            .to_owned();
        let letters = api.app.mailbox(None).await.unwrap();
        let after_words = trustwork_core::Timestamp::parse_rfc3339(&after)
            .unwrap()
            .to_human();
        assert!(
            letters.iter().any(|m| m.recipient == "ben@example.com"
                && m.body.contains("many freelancers with a similar skill set")
                && m.body.contains(&after_words)),
            "the letter with its date"
        );
        let early = api
            .post(admin, "/api/v1/accounts/mp_ben/profile/submit", json!({}))
            .await
            .expect_error(409, "conflict");
        assert!(early.contains("may be submitted again"), "{early}");

        // Three passed tests: three verified skills with percentiles, and another look.
        for slug in ["rust", "sql", "javascript"] {
            let result = pass(&api, admin, "mp_ben", slug).await;
            assert_eq!(result["passed"], true, "{result}");
            assert!(result["percentile"].is_u64() && result["top_percent"].is_u64());
            api.clock.advance(60_000).unwrap();
        }
        let tests = api
            .get(admin, "/api/v1/accounts/mp_ben/skill-tests")
            .await
            .ok();
        assert_eq!(
            tests["verified_skills"],
            json!(["rust", "sql", "javascript"])
        );
        let again = api
            .post(
                admin,
                "/api/v1/accounts/mp_ben/profile/re-review",
                json!({"note": "I have passed three skill tests since."}),
            )
            .await
            .ok();
        assert_eq!(again["approval"]["status"], "pending_review");
        let case_id = again["approval"]["review_case_id"].as_str().unwrap();
        let case = api
            .get(admin, &format!("/api/v1/review-cases/{case_id}"))
            .await
            .ok();
        assert_eq!(case["queue"], "profiles");
        assert!(
            case["content"]
                .as_str()
                .unwrap()
                .contains("Asked for another look")
        );

        // Private: out of search.
        body["visibility"] = json!("private");
        api.call(axum::http::Method::PUT, profile, Some(admin), Some(&body))
            .await
            .ok();
        assert!(!found(&api, admin, "Ana").await);
    })
    .await;
}

#[tokio::test]
async fn one_person_one_account_through_the_api() {
    each_backend(|db| async move {
        let api = api_configured(db, |_| {});
        let demo = api.seed().await;
        let admin = demo.admin.as_str();
        signup(&api, admin, "mp_first", json!({"email": "first@example.com", "role": "freelancer", "device_id": "dev-9c1f"})).await;
        signup(&api, admin, "mp_second", json!({"email": "second@example.net", "role": "freelancer", "device_id": "dev-9c1f"})).await;
        let case = &cases(&api, admin, "multiple_accounts", "mp_second").await[0];
        let content = case["content"].as_str().unwrap();
        assert!(content.contains("mp_first") && content.contains("the same device: dev-9c1f (strong)"), "{content}");

        signup(&api, admin, "mp_jane", json!({"email": "jane.doe+x@gmail.com", "role": "client"})).await;
        signup(&api, admin, "mp_jane2", json!({"email": "janedoe@gmail.com", "role": "client"})).await;
        let case = &cases(&api, admin, "multiple_accounts", "mp_jane2").await[0];
        let content = case["content"].as_str().unwrap();
        assert!(content.contains("mp_jane") && content.contains("the same email inbox: janedoe@gmail.com"), "{content}");

        let login = |lat: f64, lon: f64| json!({"ip": "198.51.100.4", "device_id": "laptop-1", "latitude": lat, "longitude": lon});
        event(&api, admin, "l1", "account.login", &demo.maria, login(52.52, 13.405)).await;
        assert!(cases(&api, admin, "account_sharing", &demo.maria).await.is_empty());
        api.clock.advance(10 * 60_000).unwrap();
        event(&api, admin, "l2", "account.login", &demo.maria, login(-23.55, -46.633)).await;
        let case = &cases(&api, admin, "account_sharing", &demo.maria).await[0];
        assert!(case["content"].as_str().unwrap().contains("km/h"), "{case}");

        // A bad place is refused with the field.
        let bad = event(&api, admin, "l3", "account.login", &demo.maria,
            json!({"ip": "198.51.100.4", "latitude": 120.0, "longitude": 0.0})).await;
        assert!(bad.to_string().contains("latitude"), "{bad}");
    })
    .await;
}
