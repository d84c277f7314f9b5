//! Issue 17's story through the JSON API on both databases: a client without a verified card
//! cannot hire; after the card check, both sides accept the NDA and an hourly contract starts;
//! ten hours are logged, one by hand and one without a memo, and the week's statement protects
//! eight; a fixed-price milestone is disputed and an agent settles it as a split.

use crate::support::{Api, api};
use serde_json::{Value, json};
use trustwork_core::Timestamp;
use trustwork_store::testing::each_backend;

fn at(text: &str) -> Timestamp {
    Timestamp::parse_rfc3339(text).unwrap()
}

/// `n` ten-minute segments from `start`, tracked, active, photographed, with a memo.
fn segments(start: &str, n: i64) -> Vec<Value> {
    (0..n)
        .map(|i| {
            let t = at(start).plus_millis(i * 600_000);
            json!({"start": t.to_rfc3339(), "tracked": true, "keyboard_events": 40,
                "mouse_events": 25, "screenshot_sha256": "9f".repeat(32), "memo": "Checkout API"})
        })
        .collect()
}

async fn balance(api: &Api, token: &str, account: &str) -> i64 {
    api.get(token, &format!("/api/v1/accounts/{account}"))
        .await
        .ok()["balance_cents"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn contracts_hours_and_milestones_are_verified_through_the_api() {
    each_backend(|db| async move {
        let api = api(db);
        let demo = api.seed().await;
        let admin = demo.admin.as_str();
        api.post(
            admin,
            "/api/v1/events:batch",
            json!({"events": [{"idempotency_key": "su-nova", "type": "account.signup",
                "occurred_at": "2026-11-21T00:00:00Z", "actor_id": "cli_nova",
                "data": {"email": "ops@nova.example.com", "role": "client", "display_name": "Nova Labs"}}]}),
        )
        .await
        .ok();
        let offer = json!({"client_id": "cli_nova", "freelancer_id": demo.dev, "title": "Payments API",
            "kind": "hourly", "hourly_rate_cents": 6_000, "weekly_limit_hours": 40});

        // No verified card: no contract, nothing written.
        let message = api
            .post(admin, "/api/v1/contracts", offer.clone())
            .await
            .expect_error(422, "payment_method_not_verified");
        assert!(message.contains("verified payment method"), "{message}");
        let list = api.get(admin, &format!("/api/v1/accounts/{}/contracts", demo.dev)).await.ok();
        assert!(list["contracts"].as_array().unwrap().iter().all(|c| c["title"] != "Payments API"));

        // A declined card is kept as failed; a good one verifies the client.
        let cards = "/api/v1/accounts/cli_nova/payment-methods";
        let declined = api
            .post(admin, cards, json!({"kind": "card", "token": "tok_declined_0002"}))
            .await
            .expect(201);
        assert_eq!(declined["status"], "failed");
        assert_eq!(declined["reason"], "the card was declined");
        api.post(admin, "/api/v1/contracts", offer.clone())
            .await
            .expect_error(422, "payment_method_not_verified");
        let good = api
            .post(admin, cards, json!({"kind": "card", "token": "demo_ok_4242"}))
            .await
            .expect(201);
        assert_eq!(good["status"], "verified");
        assert_eq!(good["label"], "Demo card ending 4242");
        assert_eq!(api.get(admin, cards).await.ok()["payment_methods"].as_array().unwrap().len(), 2);

        // The offer waits for the NDA from both sides.
        let contract = api.post(admin, "/api/v1/contracts", offer).await.expect(201);
        assert_eq!(contract["status"], "awaiting_nda");
        let id = contract["id"].as_str().unwrap().to_owned();
        let path = format!("/api/v1/contracts/{id}");
        let one = api
            .post(admin, &format!("{path}/nda-acceptances"), json!({"account_id": "cli_nova", "ip": "203.0.113.9"}))
            .await
            .expect(201);
        assert_eq!(one["status"], "awaiting_nda");
        // Time cannot be logged before it starts; a stranger cannot accept for it.
        api.post(admin, &format!("{path}/work-diary"), json!({"segments": segments("2026-11-20T23:50:00Z", 1)}))
            .await
            .expect_error(409, "conflict");
        api.post(admin, &format!("{path}/nda-acceptances"), json!({"account_id": demo.maria}))
            .await
            .expect_error(404, "not_found");
        let both = api
            .post(admin, &format!("{path}/nda-acceptances"), json!({"account_id": demo.dev}))
            .await
            .expect(201);
        assert_eq!(both["status"], "active");
        // The contract has its own thread, both parties in it.
        let thread = api
            .get(admin, &format!("/api/v1/threads/{}", both["thread_id"].as_str().unwrap()))
            .await
            .ok();
        assert_eq!(thread["kind"], "contract", "{thread}");
        assert_eq!(thread["title"], "Payments API", "{thread}");
        assert_eq!(both["nda"]["acceptances"].as_array().unwrap().len(), 2);
        let by_client = both["nda"]["acceptances"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["account_id"] == "cli_nova")
            .unwrap()
            .clone();
        assert_eq!(by_client["ip"], "203.0.113.9");
        assert_eq!(by_client["nda_version"], trustwork_core::contracts::NDA_VERSION);
        api.post(admin, &format!("{path}/nda-acceptances"), json!({"account_id": demo.dev}))
            .await
            .expect_error(409, "conflict");
        api.clock.set(at("2026-11-25T18:00:00Z"));

        // Ten hours on Monday of week 48: the first hour added by hand, the second without memo.
        let mut logged = segments("2026-11-23T08:00:00Z", 60);
        for s in &mut logged[..6] {
            s["tracked"] = json!(false);
        }
        for s in &mut logged[6..12] {
            s.as_object_mut().unwrap().remove("memo");
        }
        // Bad segments are refused with the one named, and nothing is kept.
        let mut bad = logged.clone();
        bad[7]["start"] = json!("2026-11-23T09:15:00Z");
        let message = api
            .post(admin, &format!("{path}/work-diary"), json!({"segments": bad}))
            .await
            .expect_error(422, "invalid_input");
        assert!(message.contains("segments[7]") && message.contains("10-minute"), "{message}");
        let done = api
            .post(admin, &format!("{path}/work-diary"), json!({"segments": logged}))
            .await
            .expect(201);
        assert_eq!(done["logged"], 60);
        // The same segment twice is a conflict, and nothing of the second request is kept.
        api.post(admin, &format!("{path}/work-diary"), json!({"segments": segments("2026-11-24T08:00:00Z", 1).into_iter().chain(segments("2026-11-23T08:00:00Z", 1)).collect::<Vec<_>>()}))
            .await
            .expect_error(409, "conflict");

        let week = api.get(admin, &format!("{path}/weeks/2026-W48")).await.ok();
        assert_eq!(week["hours_logged"], 10.0);
        assert_eq!(week["hours_protected"], 8.0);
        assert_eq!(
            week["hours_unprotected"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| (u["hours"].as_f64().unwrap(), u["reason"].as_str().unwrap().to_owned()))
                .collect::<Vec<_>>(),
            vec![(1.0, "manual_time".to_owned()), (1.0, "no_memo".to_owned())]
        );
        assert_eq!(week["amount_billed_cents"], 60_000);
        assert_eq!(week["segments"].as_array().unwrap().len(), 60);
        assert_eq!(week["dispute_open"], false);
        api.get(admin, &format!("{path}/weeks/2026-W99")).await.expect_error(422, "invalid_input");

        // The week is over: the client disputes its hours within the review window.
        api.clock.set(at("2026-11-30T10:00:00Z"));
        let hours = api
            .post(admin, &format!("{path}/disputes"), json!({"account_id": "cli_nova", "week": "2026-W48",
                "reason": "Two of these hours were not on our project."}))
            .await
            .expect(201);
        assert_eq!(hours["subject"], "hours");
        assert_eq!(hours["amount_cents"], 60_000);
        api.post(admin, &format!("{path}/disputes"), json!({"account_id": "cli_nova", "week": "2026-W48",
                "reason": "again"}))
            .await
            .expect_error(409, "conflict");
        api.clock.set(at("2026-12-05T00:00:01Z"));
        api.post(admin, &format!("{path}/disputes"), json!({"account_id": "cli_nova", "week": "2026-W48",
                "reason": "late"}))
            .await
            .expect_error(409, "conflict");

        // Week 49: two clean hours. When the review windows close, the disputed week 48 is
        // not paid; week 49 is, once, whatever runs the timers.
        api.post(admin, &format!("{path}/work-diary"), json!({"segments": segments("2026-12-04T08:00:00Z", 12)}))
            .await
            .expect(201);
        // Paused and resumed: time from before the resumption is not logged afterwards.
        api.post(admin, &format!("{path}/pause"), json!({"account_id": "cli_nova", "reason": "Waiting for the designs."}))
            .await
            .ok();
        api.post(admin, &format!("{path}/work-diary"), json!({"segments": segments("2026-12-04T11:00:00Z", 1)}))
            .await
            .expect_error(409, "conflict");
        api.post(admin, &format!("{path}/resume"), json!({"account_id": "cli_nova"})).await.ok();
        let message = api
            .post(admin, &format!("{path}/work-diary"), json!({"segments": segments("2026-12-04T11:00:00Z", 1)}))
            .await
            .expect_error(422, "invalid_input");
        assert!(message.contains("resumed"), "{message}");
        let before = balance(&api, admin, &demo.dev).await;
        api.clock.set(at("2026-12-12T00:00:00Z"));
        while api.app.fire_one_timer().await.unwrap() {}
        while api.app.fire_one_timer().await.unwrap() {}
        assert_eq!(balance(&api, admin, &demo.dev).await, before + 12_000);
        // The hours dispute settled as refunded: the client gets the week back, and the
        // guarantee still pays the 8 protected hours ($480), the platform's money.
        let refunded = api
            .post(admin, &format!("/api/v1/disputes/{}/resolution", hours["id"].as_str().unwrap()),
                json!({"agent_id": demo.agent, "outcome": "refunded", "note": "The client's project was not worked on."}))
            .await
            .ok();
        assert_eq!(refunded["freelancer_cents"], 0);
        assert_eq!(refunded["client_cents"], 60_000);
        assert_eq!(balance(&api, admin, &demo.dev).await, before + 12_000 + 48_000);

        // A fixed-price contract: a milestone funded, submitted, disputed, settled as a split.
        let fixed = api
            .post(admin, "/api/v1/contracts", json!({"client_id": "cli_nova", "freelancer_id": demo.dev,
                "title": "Audit of the payments service", "kind": "fixed",
                "milestones": [{"title": "Audit report", "amount_cents": 100_000}]}))
            .await
            .expect(201);
        let fixed_id = fixed["id"].as_str().unwrap().to_owned();
        let milestone = fixed["milestones"][0]["id"].as_str().unwrap().to_owned();
        assert_eq!(fixed["milestones"][0]["status"], "funded");
        for party in ["cli_nova", demo.dev.as_str()] {
            api.post(admin, &format!("/api/v1/contracts/{fixed_id}/nda-acceptances"), json!({"account_id": party}))
                .await
                .expect(201);
        }
        let actions = format!("/api/v1/milestones/{milestone}/actions");
        api.post(admin, &actions, json!({"account_id": "cli_nova", "action": "approve"}))
            .await
            .expect_error(409, "conflict");
        let submitted = api
            .post(admin, &actions, json!({"account_id": demo.dev, "action": "submit", "note": "Report attached"}))
            .await
            .ok();
        assert_eq!(submitted["status"], "submitted");
        let disputed = api
            .post(admin, &format!("/api/v1/contracts/{fixed_id}/disputes"), json!({"account_id": "cli_nova",
                "milestone_id": milestone, "reason": "Half of the services were not audited."}))
            .await
            .expect(201);
        let dispute_id = disputed["id"].as_str().unwrap().to_owned();
        let case_id = disputed["case_id"].as_str().unwrap().to_owned();
        let case = api.get(admin, &format!("/api/v1/review-cases/{case_id}")).await.ok();
        assert_eq!(case["queue"], "dispute");
        assert_eq!(case["subject_account_id"], json!(demo.dev));
        let history = case["explanation"]["context"]["milestone"]["history"].clone();
        assert_eq!(
            history.as_array().unwrap().iter().map(|h| h["status"].as_str().unwrap()).collect::<Vec<_>>(),
            vec!["funded", "submitted", "disputed"],
            "{case}"
        );

        // Settling: a split needs the freelancer's part; the generic resolution is refused.
        let resolution = format!("/api/v1/disputes/{dispute_id}/resolution");
        api.post(admin, &resolution, json!({"agent_id": demo.agent, "outcome": "split", "note": "Half was done."}))
            .await
            .expect_error(422, "invalid_input");
        api.post(admin, &resolution, json!({"agent_id": demo.dev, "outcome": "paid", "note": "x"}))
            .await
            .expect_error(403, "forbidden");
        let before = balance(&api, admin, &demo.dev).await;
        let settled = api
            .post(admin, &resolution, json!({"agent_id": demo.agent, "outcome": "split",
                "freelancer_cents": 40_000, "note": "Four of ten services were audited as agreed."}))
            .await
            .ok();
        assert_eq!(settled["outcome"], "split");
        assert_eq!(settled["freelancer_cents"], 40_000);
        assert_eq!(settled["client_cents"], 60_000);
        assert_eq!(balance(&api, admin, &demo.dev).await, before + 40_000);
        let after = api.get(admin, &format!("/api/v1/contracts/{fixed_id}")).await.ok();
        assert_eq!(after["milestones"][0]["status"], "split");
        let case = api.get(admin, &format!("/api/v1/review-cases/{case_id}")).await.ok();
        assert_eq!(case["status"], "resolved");
        api.post(admin, &resolution, json!({"agent_id": demo.agent, "outcome": "paid", "note": "again"}))
            .await
            .expect_error(409, "conflict");

        // Work submitted and left unanswered for 14 days is approved for the client and paid;
        // the earlier submission's timer does not release a later one early.
        let second = api
            .post(admin, &format!("/api/v1/contracts/{fixed_id}/milestones"),
                json!({"account_id": "cli_nova", "title": "Fixes", "amount_cents": 30_000}))
            .await
            .expect(201);
        let second = second["id"].as_str().unwrap().to_owned();
        let actions = format!("/api/v1/milestones/{second}/actions");
        api.post(admin, &actions, json!({"account_id": demo.dev, "action": "submit"})).await.ok();
        let submitted_at = api.app.now();
        api.clock.set(submitted_at.plus_millis(86_400_000));
        api.post(admin, &actions, json!({"account_id": "cli_nova", "action": "request_changes", "note": "Add the tests."}))
            .await
            .ok();
        api.post(admin, &actions, json!({"account_id": demo.dev, "action": "submit"})).await.ok();
        // Work handed in waits for its answer: the contract cannot end meanwhile.
        let message = api
            .post(admin, &format!("/api/v1/contracts/{fixed_id}/end"), json!({"account_id": "cli_nova"}))
            .await
            .expect_error(409, "conflict");
        assert!(message.contains("Fixes"), "{message}");
        let before = balance(&api, admin, &demo.dev).await;
        api.clock.set(submitted_at.plus_millis(14 * 86_400_000));
        while api.app.fire_one_timer().await.unwrap() {}
        let waiting = api.get(admin, &format!("/api/v1/contracts/{fixed_id}")).await.ok();
        assert_eq!(waiting["milestones"][1]["status"], "submitted");
        api.clock.set(submitted_at.plus_millis(15 * 86_400_000));
        while api.app.fire_one_timer().await.unwrap() {}
        let released = api.get(admin, &format!("/api/v1/contracts/{fixed_id}")).await.ok();
        assert_eq!(released["milestones"][1]["status"], "released");
        assert_eq!(balance(&api, admin, &demo.dev).await, before + 30_000);
        // Ending it sends money funded for work never handed in back to the client.
        api.post(admin, &format!("/api/v1/contracts/{fixed_id}/milestones"),
            json!({"account_id": "cli_nova", "title": "Phase two", "amount_cents": 70_000}))
            .await
            .expect(201);
        let ended = api
            .post(admin, &format!("/api/v1/contracts/{fixed_id}/end"), json!({"account_id": "cli_nova", "reason": "Phase two is cancelled."}))
            .await
            .ok();
        assert_eq!(ended["milestones"][2]["status"], "refunded");
        assert_eq!(balance(&api, admin, &demo.dev).await, before + 30_000);
        // A fixed-price offer funds its first milestone.
        api.post(admin, "/api/v1/contracts", json!({"client_id": "cli_nova", "freelancer_id": demo.dev,
                "title": "Nothing funded", "kind": "fixed"}))
            .await
            .expect_error(422, "invalid_input");
    })
    .await;
}

/// A fixed-price contract from `client` to `freelancer` with one milestone of `cents`: both
/// accept the NDA, the work is submitted and approved (paid), and the client ends it.
async fn paid_contract(
    api: &Api,
    token: &str,
    client: &str,
    freelancer: &str,
    cents: i64,
) -> String {
    let offer = api
        .post(
            token,
            "/api/v1/contracts",
            json!({"client_id": client, "freelancer_id": freelancer,
            "title": "Firmware review", "kind": "fixed",
            "milestones": [{"title": "Report", "amount_cents": cents}]}),
        )
        .await
        .expect(201);
    let id = offer["id"].as_str().unwrap().to_owned();
    let milestone = offer["milestones"][0]["id"].as_str().unwrap().to_owned();
    for party in [client, freelancer] {
        api.post(
            token,
            &format!("/api/v1/contracts/{id}/nda-acceptances"),
            json!({"account_id": party}),
        )
        .await
        .expect(201);
    }
    let actions = format!("/api/v1/milestones/{milestone}/actions");
    api.post(
        token,
        &actions,
        json!({"account_id": freelancer, "action": "submit"}),
    )
    .await
    .ok();
    api.post(
        token,
        &actions,
        json!({"account_id": client, "action": "approve"}),
    )
    .await
    .ok();
    api.post(
        token,
        &format!("/api/v1/contracts/{id}/end"),
        json!({"account_id": client}),
    )
    .await
    .ok();
    id
}

async fn feedback(
    api: &Api,
    token: &str,
    contract: &str,
    from: &str,
    rating: u8,
    text: &str,
    private: Option<u8>,
) -> Value {
    let mut body = json!({"account_id": from, "rating": rating, "public_text": text});
    if let Some(p) = private {
        body["private_score"] = json!(p);
    }
    api.post(
        token,
        &format!("/api/v1/contracts/{contract}/feedback"),
        body,
    )
    .await
    .expect(201)
}

#[tokio::test]
async fn feedback_is_double_blind_and_makes_the_job_success_score_and_top_rated() {
    each_backend(|db| async move {
        let api = api(db);
        let demo = api.seed().await;
        let admin = demo.admin.as_str();
        let (client, dev) = (demo.acme.as_str(), demo.dev.as_str());
        let stats = format!("/api/v1/accounts/{dev}/stats");
        let fresh = api.get(admin, &stats).await.ok();
        assert_eq!(fresh["job_success_score"], Value::Null);
        assert_eq!(fresh["top_rated"], false);

        // Feedback waits for the contract's end, then for both sides.
        let first = paid_contract(&api, admin, client, dev, 40_000).await;
        let c1 = format!("/api/v1/contracts/{first}/feedback");
        feedback(&api, admin, &first, client, 5, "Thorough and on time.", Some(10)).await;
        let hidden = api.get(admin, &c1).await.ok();
        assert_eq!(hidden["revealed"], false);
        assert_eq!(hidden["feedback"][0]["rating"], Value::Null);
        assert_eq!(hidden["feedback"][0]["public_text"], Value::Null);
        api.post(admin, &c1, json!({"account_id": client, "rating": 4}))
            .await
            .expect_error(409, "conflict");
        api.post(admin, &c1, json!({"account_id": dev, "rating": 9}))
            .await
            .expect_error(422, "invalid_input");
        // Asking for a rating in exchange is feedback pressure: kept, and reviewed.
        feedback(&api, admin, &first, dev, 5, "Great client. Please give me a 5 star review and I will refund you $20.", None).await;
        let shown = api.get(admin, &c1).await.ok();
        assert_eq!(shown["revealed"], true);
        assert_eq!(shown["feedback"][0]["rating"], 5);
        assert_eq!(shown["feedback"][0]["public_text"], "Thorough and on time.");
        assert!(shown.to_string().find("private").is_none(), "{shown}");
        let abuse = api.get(admin, "/api/v1/review-cases?queue=feedback_abuse").await.ok();
        assert!(abuse["cases"].as_array().unwrap().iter().any(|c| c["subject_account_id"] == json!(dev)), "{abuse}");

        // One side only: shown when the 14 days are over.
        let second = paid_contract(&api, admin, client, dev, 40_000).await;
        feedback(&api, admin, &second, client, 4, "Good work.", Some(9)).await;
        let c2 = format!("/api/v1/contracts/{second}/feedback");
        assert_eq!(api.get(admin, &c2).await.ok()["revealed"], false);
        api.clock.set(api.app.now().plus_millis(14 * 86_400_000));
        assert_eq!(api.get(admin, &c2).await.ok()["revealed"], true);
        api.post(admin, &c2, json!({"account_id": dev, "rating": 5}))
            .await
            .expect_error(409, "conflict");

        // An offer withdrawn before it started takes no feedback and never counts.
        let withdrawn = api
            .post(admin, "/api/v1/contracts", json!({"client_id": client, "freelancer_id": dev,
                "title": "Never started", "kind": "fixed", "milestones": [{"title": "M", "amount_cents": 100}]}))
            .await
            .expect(201);
        let withdrawn = withdrawn["id"].as_str().unwrap().to_owned();
        api.post(admin, &format!("/api/v1/contracts/{withdrawn}/end"), json!({"account_id": client})).await.ok();
        api.post(admin, &format!("/api/v1/contracts/{withdrawn}/feedback"), json!({"account_id": client, "rating": 1}))
            .await
            .expect_error(409, "conflict");

        // Two counted contracts: no score yet. A third: 3 of 3 positive, $1,200 earned.
        assert_eq!(api.get(admin, &stats).await.ok()["job_success_score"], Value::Null);
        let third = paid_contract(&api, admin, client, dev, 40_000).await;
        feedback(&api, admin, &third, client, 5, "Again excellent.", None).await;
        // Not shown yet (double-blind), so not counted yet either: the score would tell.
        assert_eq!(api.get(admin, &stats).await.ok()["job_success_score"], Value::Null);
        feedback(&api, admin, &third, dev, 5, "Clear briefs.", None).await;
        let top = api.get(admin, &stats).await.ok();
        assert_eq!(top["job_success_score"], 100);
        assert_eq!(top["earnings_12m_cents"], 120_000);
        assert_eq!(top["top_rated"], true, "{top}");

        // A hold takes Top Rated away; it comes back 90 days after the hold is lifted.
        let hold = api
            .post(admin, &format!("/api/v1/accounts/{dev}/restrictions"),
                json!({"reason_code": "SPAM", "severity": "hold", "note": "bulk letters"}))
            .await
            .expect(201);
        let on_hold = api.get(admin, &stats).await.ok();
        assert_eq!(on_hold["top_rated"], false);
        assert_eq!(on_hold["top_rated_missing"], json!(["no account hold in the last 90 days"]));
        api.post(admin, &format!("/api/v1/restrictions/{}/lift", hold["id"].as_str().unwrap()),
            json!({"note": "reviewed: not spam"}))
            .await
            .ok();
        let lifted_at = api.app.now();
        assert_eq!(api.get(admin, &stats).await.ok()["top_rated_hold_check"]["reason"], "recent_hold");
        api.clock.set(lifted_at.plus_millis(90 * 86_400_000 - 1));
        assert_eq!(api.get(admin, &stats).await.ok()["top_rated"], false);
        api.clock.set(lifted_at.plus_millis(90 * 86_400_000));
        assert_eq!(api.get(admin, &stats).await.ok()["top_rated"], true);

        // A fourth contract whose milestone is settled as a split counts as negative: by hand,
        // 3 positive of 4 counted = 75%.
        let offer = api
            .post(admin, "/api/v1/contracts", json!({"client_id": client, "freelancer_id": dev,
                "title": "Driver port", "kind": "fixed",
                "milestones": [{"title": "Port", "amount_cents": 20_000}]}))
            .await
            .expect(201);
        let fourth = offer["id"].as_str().unwrap().to_owned();
        let milestone = offer["milestones"][0]["id"].as_str().unwrap().to_owned();
        for party in [client, dev] {
            api.post(admin, &format!("/api/v1/contracts/{fourth}/nda-acceptances"), json!({"account_id": party}))
                .await
                .expect(201);
        }
        let dispute = api
            .post(admin, &format!("/api/v1/contracts/{fourth}/disputes"),
                json!({"account_id": client, "milestone_id": milestone, "reason": "Half of it builds."}))
            .await
            .expect(201);
        api.post(admin, &format!("/api/v1/disputes/{}/resolution", dispute["id"].as_str().unwrap()),
            json!({"agent_id": demo.agent, "outcome": "split", "freelancer_cents": 10_000, "note": "Half delivered."}))
            .await
            .ok();
        api.post(admin, &format!("/api/v1/contracts/{fourth}/end"), json!({"account_id": client})).await.ok();
        let after = api.get(admin, &stats).await.ok();
        assert_eq!(after["job_success_score"], 75);
        assert_eq!((after["contracts_positive"].as_i64(), after["contracts_negative"].as_i64()), (Some(3), Some(1)));
        assert_eq!(after["earnings_12m_cents"], 130_000);
        assert_eq!(after["top_rated"], false);
        assert_eq!(after["top_rated_missing"], json!(["a Job Success Score of 90% or more (now 75%)"]));
        api.get(admin, &format!("/api/v1/accounts/{client}/stats")).await.expect_error(422, "invalid_input");
    })
    .await;
}
