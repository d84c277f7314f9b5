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
        api.clock.set(at("2026-11-25T18:00:00Z"));
        api.post(admin, &format!("{path}/work-diary"), json!({"segments": segments("2026-11-23T09:00:00Z", 1)}))
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
        assert_eq!(both["nda"]["acceptances"].as_array().unwrap().len(), 2);
        assert_eq!(both["nda"]["acceptances"][0]["ip"], "203.0.113.9");
        api.post(admin, &format!("{path}/nda-acceptances"), json!({"account_id": demo.dev}))
            .await
            .expect_error(409, "conflict");

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
    })
    .await;
}
