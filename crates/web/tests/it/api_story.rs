//! The foundation issue's story, told through the JSON API only: a freelancer asked to verify
//! their identity who lets the 7-day deadline pass is put on hold; passing verification lifts it.

use crate::support::{Api, START, api};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use trustwork_app::Clock;
use trustwork_store::testing::each_backend;

const HOLD_DENIES: [&str; 5] = [
    "submit_proposal",
    "withdraw_earnings",
    "appear_in_search",
    "post_job",
    "start_contract",
];
const HOLD_ALLOWS: [&str; 3] = ["login", "work_on_active_contracts", "send_messages"];
const DAY_SECS: i64 = 24 * 3600;

fn time(days: i64, secs: i64) -> String {
    START.plus_days(days).plus_millis(secs * 1000).to_rfc3339()
}

/// `capability -> (allowed, reasons)` from a capabilities answer, checking it names all eight.
fn capabilities(body: &Value) -> BTreeMap<String, (bool, Vec<String>)> {
    let map = body["capabilities"]
        .as_object()
        .unwrap_or_else(|| panic!("no capabilities in {body}"));
    let caps: BTreeMap<String, (bool, Vec<String>)> = map
        .iter()
        .map(|(name, p)| {
            let reasons = p["reasons"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r.as_str().unwrap().to_owned())
                .collect();
            (name.clone(), (p["allowed"].as_bool().unwrap(), reasons))
        })
        .collect();
    let mut names: Vec<&str> = HOLD_DENIES.iter().chain(&HOLD_ALLOWS).copied().collect();
    names.sort_unstable();
    assert_eq!(
        caps.keys().map(String::as_str).collect::<Vec<_>>(),
        names,
        "every capability, and only those"
    );
    caps
}

async fn caps_of(api: &Api, token: &str, id: &str) -> BTreeMap<String, (bool, Vec<String>)> {
    let body = api
        .get(token, &format!("/api/v1/accounts/{id}/capabilities"))
        .await
        .ok();
    assert_eq!(body["account_id"], json!(id));
    capabilities(&body)
}

fn all_allowed(caps: &BTreeMap<String, (bool, Vec<String>)>) -> bool {
    caps.values()
        .all(|(allowed, reasons)| *allowed && reasons.is_empty())
}

/// `job title -> status` of the account's proposals.
async fn proposal_statuses(api: &Api, token: &str, id: &str) -> BTreeMap<String, String> {
    let body = api
        .get(token, &format!("/api/v1/accounts/{id}/proposals"))
        .await
        .ok();
    body["proposals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            assert_eq!(p["freelancer_id"], json!(id));
            (
                p["job_title"].as_str().unwrap().to_owned(),
                p["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The ids of the freelancers a search finds.
async fn search(api: &Api, token: &str, q: &str) -> Vec<String> {
    let body = api
        .get(token, &format!("/api/v1/freelancers?q={q}"))
        .await
        .ok();
    body["freelancers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn job_id(api: &Api, token: &str, freelancer: &str, title: &str) -> String {
    let body = api
        .get(token, &format!("/api/v1/accounts/{freelancer}/proposals"))
        .await
        .ok();
    body["proposals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["job_title"] == json!(title))
        .map(|p| p["job_id"].as_str().unwrap().to_owned())
        .unwrap_or_else(|| panic!("no proposal for {title:?} in {body}"))
}

const ROBOTS: &str = "React dashboard for warehouse robots";
const COPY: &str = "Landing page copywriting";
const VIDEO: &str = "Edit a 10-minute product video";
const FIRMWARE: &str = "Rust firmware review";

#[tokio::test]
async fn unverified_freelancer_is_held_after_seven_days_and_released_by_verification() {
    each_backend(|db| async move {
        let api = api(db);
        let d = api.seed().await;
        let admin = d.admin.as_str();
        let token_id = api.app.api_caller(admin).await.unwrap().unwrap().token_id;
        let maria_url = format!("/api/v1/accounts/{}", d.maria);
        let firmware_job = job_id(&api, admin, &d.dev, FIRMWARE).await;

        // Before: Maria is in good standing, findable, with open proposals and a contract.
        let account = api.get(admin, &maria_url).await.ok();
        assert_eq!(account["id"], json!(d.maria));
        assert_eq!(account["role"], json!("freelancer"));
        assert_eq!(account["standing"], json!("good"));
        assert_eq!(account["badges"], json!([]));
        assert_eq!(account["identity_verified"], json!(false));
        assert_eq!(account["open_verification_case"], Value::Null);
        assert_eq!(account["balance_cents"], json!(125_000));
        assert_eq!(
            proposal_statuses(&api, admin, &d.maria).await,
            BTreeMap::from([
                (ROBOTS.to_owned(), "hired".to_owned()),
                (COPY.to_owned(), "submitted".to_owned()),
                (VIDEO.to_owned(), "interviewing".to_owned()),
            ])
        );
        assert!(search(&api, admin, "maria").await.contains(&d.maria));

        // The operator requires verification: 201, pending, deadline in 7 days.
        let case = api
            .post(
                admin,
                &format!("{maria_url}/verification-requests"),
                json!({"reason": "profile photo does not match the ID"}),
            )
            .await
            .expect(201);
        let case_id = case["id"].as_str().unwrap().to_owned();
        assert_eq!(case["status"], json!("pending"));
        assert_eq!(case["account_id"], json!(d.maria));
        assert_eq!(case["reason"], json!("profile photo does not match the ID"));
        assert_eq!(case["requested_at"], json!(time(0, 0)));
        assert_eq!(case["deadline_at"], json!(time(7, 0)));
        assert_eq!(case["requested_by"], json!(format!("api_token:{token_id}")));
        assert_eq!(case["hold_applied_at"], Value::Null);
        let account = api.get(admin, &maria_url).await.ok();
        assert_eq!(account["open_verification_case"]["id"], json!(case_id));
        assert_eq!(account["standing"], json!("good"));
        assert!(all_allowed(&caps_of(&api, admin, &d.maria).await));

        // The deadline is a durable timer admins can see.
        let timers = api.get(admin, "/api/v1/timers").await.ok();
        let deadline_timers: Vec<&Value> = timers["timers"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["subject_id"] == json!(case_id))
            .collect();
        assert_eq!(deadline_timers.len(), 1, "{timers}");
        assert_eq!(deadline_timers[0]["kind"], json!("verification_deadline"));
        assert_eq!(deadline_timers[0]["status"], json!("pending"));
        assert_eq!(deadline_timers[0]["due_at"], json!(time(7, 0)));

        // One second before the deadline nothing happens.
        let moved = api
            .post(
                admin,
                "/api/v1/test-clock/advance",
                json!({"seconds": 7 * DAY_SECS - 1}),
            )
            .await
            .ok();
        assert_eq!(moved["now"], json!(time(7, -1)));
        assert!(all_allowed(&caps_of(&api, admin, &d.maria).await));
        let case_now = api
            .get(admin, &format!("/api/v1/verification-cases/{case_id}"))
            .await
            .ok();
        assert_eq!(case_now["status"], json!("pending"));

        // At the deadline (the call returns once due timers fired) the hold lands.
        let moved = api
            .post(admin, "/api/v1/test-clock/advance", json!({"seconds": 1}))
            .await
            .ok();
        assert_eq!(moved["now"], json!(time(7, 0)));
        let caps = caps_of(&api, admin, &d.maria).await;
        for cap in HOLD_DENIES {
            assert_eq!(
                caps[cap],
                (false, vec!["UNVERIFIED_IDENTITY_DEADLINE".to_owned()]),
                "{cap}"
            );
        }
        for cap in HOLD_ALLOWS {
            assert_eq!(caps[cap], (true, vec![]), "{cap}");
        }
        let account = api.get(admin, &maria_url).await.ok();
        assert_eq!(account["standing"], json!("on_hold"));
        assert_eq!(account["badges"], json!([]));
        let held = account["active_restrictions"].as_array().unwrap();
        assert_eq!(held.len(), 1, "{account}");
        assert_eq!(
            held[0]["reason_code"],
            json!("UNVERIFIED_IDENTITY_DEADLINE")
        );
        assert_eq!(held[0]["severity"], json!("hold"));
        assert_eq!(
            held[0]["lift_condition"],
            json!({"type": "on_action", "value": "pass_identity_verification"})
        );
        assert_eq!(held[0]["actor"], json!("system:verification_deadline"));
        assert_eq!(held[0]["created_at"], json!(time(7, 0)));
        let mut scope: Vec<&str> = held[0]["scope"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        scope.sort_unstable();
        let mut expected_scope = HOLD_DENIES.to_vec();
        expected_scope.sort_unstable();
        assert_eq!(scope, expected_scope);
        let hold_id = held[0]["id"].as_str().unwrap().to_owned();
        assert_eq!(account["open_verification_case"]["id"], json!(case_id));
        assert_eq!(
            account["open_verification_case"]["status"],
            json!("expired")
        );
        assert_eq!(
            account["open_verification_case"]["hold_applied_at"],
            json!(time(7, 0))
        );
        let timers = api.get(admin, "/api/v1/timers").await.ok();
        assert!(
            timers["timers"]
                .as_array()
                .unwrap()
                .iter()
                .all(|t| t["subject_id"] != json!(case_id)),
            "the deadline timer fired and is no longer pending: {timers}"
        );

        // Open proposals were cancelled by the system; the hired one and the contract stand.
        assert_eq!(
            proposal_statuses(&api, admin, &d.maria).await,
            BTreeMap::from([
                (ROBOTS.to_owned(), "hired".to_owned()),
                (COPY.to_owned(), "cancelled_by_system".to_owned()),
                (VIDEO.to_owned(), "cancelled_by_system".to_owned()),
            ])
        );
        let contracts = api.get(admin, &format!("{maria_url}/contracts")).await.ok();
        let contracts = contracts["contracts"].as_array().unwrap();
        assert_eq!(contracts.len(), 1);
        assert_eq!(contracts[0]["title"], json!(ROBOTS));
        assert_eq!(contracts[0]["status"], json!("active"));
        assert_eq!(contracts[0]["client_id"], json!(d.acme));

        // A new proposal is refused, naming the reason.
        let refused = api
            .post(
                admin,
                &format!("{maria_url}/proposals"),
                json!({"job_id": firmware_job, "cover_letter": "I review embedded Rust."}),
            )
            .await;
        let message = refused.expect_error(403, "capability_denied");
        assert!(message.contains("submit proposals"), "{message}");
        assert!(
            message.contains("Identity verification was not completed by the deadline"),
            "{message}"
        );
        let error = &refused.json()["error"];
        assert_eq!(error["capability"], json!("submit_proposal"));
        assert_eq!(error["reasons"], json!(["UNVERIFIED_IDENTITY_DEADLINE"]));
        assert_eq!(proposal_statuses(&api, admin, &d.maria).await.len(), 3);

        // So is a withdrawal; the balance stays.
        let refused = api
            .post(
                admin,
                &format!("{maria_url}/withdrawals"),
                json!({"amount_cents": 10_000}),
            )
            .await;
        refused.expect_error(403, "capability_denied");
        assert_eq!(
            refused.json()["error"]["capability"],
            json!("withdraw_earnings")
        );
        assert_eq!(
            refused.json()["error"]["reasons"],
            json!(["UNVERIFIED_IDENTITY_DEADLINE"])
        );
        let withdrawals = api
            .get(admin, &format!("{maria_url}/withdrawals"))
            .await
            .ok();
        assert_eq!(withdrawals["withdrawals"], json!([]));
        assert_eq!(
            api.get(admin, &maria_url).await.ok()["balance_cents"],
            json!(125_000)
        );

        // And search no longer finds her; other freelancers still show.
        assert!(search(&api, admin, "maria").await.is_empty());
        let everyone = search(&api, admin, "").await;
        assert!(!everyone.contains(&d.maria));
        assert!(everyone.contains(&d.dev) && everyone.contains(&d.li));

        // The agent records "verified": the hold is lifted, the green mark appears.
        let decided = api
            .post(
                admin,
                &format!("/api/v1/verification-cases/{case_id}/outcome"),
                json!({"outcome": "verified", "note": "video call passed"}),
            )
            .await
            .ok();
        assert_eq!(decided["id"], json!(case_id));
        assert_eq!(decided["status"], json!("verified"));
        assert_eq!(decided["decided_at"], json!(time(7, 0)));
        assert_eq!(
            decided["decided_by"],
            json!(format!("api_token:{token_id}"))
        );
        assert_eq!(decided["decision_note"], json!("video call passed"));
        let account = api.get(admin, &maria_url).await.ok();
        assert_eq!(account["badges"], json!(["identity_verified"]));
        assert_eq!(account["identity_verified"], json!(true));
        assert_eq!(account["identity_verified_at"], json!(time(7, 0)));
        assert_eq!(account["standing"], json!("good"));
        assert_eq!(account["active_restrictions"], json!([]));
        assert_eq!(account["open_verification_case"], Value::Null);
        assert_eq!(
            account["top_rated_hold_check"],
            json!({"eligible": false, "reason": "recent_hold", "eligible_from": time(97, 0)})
        );
        assert!(all_allowed(&caps_of(&api, admin, &d.maria).await));
        let restrictions = api
            .get(admin, &format!("{maria_url}/restrictions"))
            .await
            .ok();
        let restrictions = restrictions["restrictions"].as_array().unwrap();
        assert_eq!(restrictions.len(), 1, "kept as history");
        assert_eq!(restrictions[0]["id"], json!(hold_id));
        assert_eq!(restrictions[0]["active"], json!(false));
        assert_eq!(restrictions[0]["lifted_at"], json!(time(7, 0)));
        assert_eq!(
            restrictions[0]["lifted_by"],
            json!(format!("api_token:{token_id}"))
        );

        // Proposals work again; the cancelled ones stay cancelled.
        let proposal = api
            .post(
                admin,
                &format!("{maria_url}/proposals"),
                json!({"job_id": firmware_job, "cover_letter": "I review embedded Rust."}),
            )
            .await
            .expect(201);
        assert_eq!(proposal["status"], json!("submitted"));
        assert_eq!(proposal["job_id"], json!(firmware_job));
        assert_eq!(proposal["freelancer_id"], json!(d.maria));
        assert_eq!(
            proposal_statuses(&api, admin, &d.maria).await,
            BTreeMap::from([
                (ROBOTS.to_owned(), "hired".to_owned()),
                (COPY.to_owned(), "cancelled_by_system".to_owned()),
                (VIDEO.to_owned(), "cancelled_by_system".to_owned()),
                (FIRMWARE.to_owned(), "submitted".to_owned()),
            ])
        );
        let withdrawal = api
            .post(
                admin,
                &format!("{maria_url}/withdrawals"),
                json!({"amount_cents": 10_000}),
            )
            .await
            .expect(201);
        assert_eq!(withdrawal["amount_cents"], json!(10_000));
        assert_eq!(withdrawal["status"], json!("requested"));
        assert_eq!(
            api.get(admin, &maria_url).await.ok()["balance_cents"],
            json!(115_000)
        );
        let found = api.get(admin, "/api/v1/freelancers?q=maria").await.ok();
        assert_eq!(
            found["freelancers"],
            json!([{"id": d.maria, "display_name": "Maria López", "identity_verified": true}])
        );

        // The case history and the audit trail tell what happened, newest first.
        let cases = api
            .get(admin, &format!("{maria_url}/verification-cases"))
            .await
            .ok();
        assert_eq!(cases["cases"].as_array().unwrap().len(), 1);
        assert_eq!(cases["cases"][0]["status"], json!("verified"));
        let audit = api.get(admin, &format!("{maria_url}/audit")).await.ok();
        let records = audit["records"].as_array().unwrap();
        assert!(records.iter().all(|r| r["account_id"] == json!(d.maria)));
        let actions: Vec<&str> = records
            .iter()
            .map(|r| r["action"].as_str().unwrap())
            .collect();
        let count = |a: &str| actions.iter().filter(|x| **x == a).count();
        for (action, n) in [
            ("account.created", 1),
            ("verification.required", 1),
            ("verification.expired", 1),
            ("restriction.applied", 1),
            ("proposal.cancelled_by_system", 2),
            ("verification.outcome_recorded", 1),
            ("restriction.lifted", 1),
            ("withdrawal.requested", 1),
        ] {
            assert_eq!(count(action), n, "{action} in {actions:?}");
        }
        assert_eq!(actions.first(), Some(&"withdrawal.requested"));
        assert_eq!(actions.last(), Some(&"account.created"));
        let expired = records
            .iter()
            .find(|r| r["action"] == json!("verification.expired"))
            .unwrap();
        assert_eq!(expired["actor"], json!("system:verification_deadline"));
        assert_eq!(expired["entity_id"], json!(case_id));
        assert_eq!(expired["at"], json!(time(7, 0)));
        assert_eq!(expired["before"]["status"], json!("pending"));
        assert_eq!(expired["after"]["status"], json!("expired"));
        let lifted = records
            .iter()
            .find(|r| r["action"] == json!("restriction.lifted"))
            .unwrap();
        assert_eq!(lifted["entity_id"], json!(hold_id));
        assert_eq!(lifted["actor"], json!(format!("api_token:{token_id}")));
        let limited = api
            .get(admin, &format!("{maria_url}/audit?limit=2"))
            .await
            .ok();
        assert_eq!(
            limited["records"],
            json!(records[..2]),
            "limit keeps the newest"
        );
    })
    .await;
}

#[tokio::test]
async fn restrictions_are_applied_and_lifted_through_the_api() {
    each_backend(|db| async move {
        let api = api(db);
        let d = api.seed().await;
        let admin = d.admin.as_str();
        let dev_url = format!("/api/v1/accounts/{}", d.dev);
        assert_eq!(
            proposal_statuses(&api, admin, &d.dev).await,
            BTreeMap::from([(FIRMWARE.to_owned(), "submitted".to_owned())])
        );

        // A manual hold for spam: the same capabilities go, with SPAM as the reason.
        let hold = api
            .post(
                &d.operator,
                &format!("{dev_url}/restrictions"),
                json!({
                    "reason_code": "SPAM",
                    "severity": "hold",
                    "note": "the same cover letter sent to 40 jobs",
                    "lift_condition": {"type": "manual"}
                }),
            )
            .await
            .expect(201);
        let hold_id = hold["id"].as_str().unwrap().to_owned();
        assert_eq!(hold["account_id"], json!(d.dev));
        assert_eq!(hold["reason_code"], json!("SPAM"));
        assert_eq!(hold["severity"], json!("hold"));
        assert_eq!(hold["note"], json!("the same cover letter sent to 40 jobs"));
        assert_eq!(hold["lift_condition"], json!({"type": "manual", "value": null}));
        assert_eq!(hold["active"], json!(true));
        assert_eq!(hold["created_at"], json!(time(0, 0)));
        assert_eq!(hold["lifted_at"], Value::Null);
        let caps = caps_of(&api, admin, &d.dev).await;
        for cap in HOLD_DENIES {
            assert_eq!(caps[cap], (false, vec!["SPAM".to_owned()]), "{cap}");
        }
        for cap in HOLD_ALLOWS {
            assert!(caps[cap].0, "{cap}");
        }
        assert_eq!(
            api.get(admin, &dev_url).await.ok()["standing"],
            json!("on_hold")
        );
        assert_eq!(
            proposal_statuses(&api, admin, &d.dev).await,
            BTreeMap::from([(FIRMWARE.to_owned(), "cancelled_by_system".to_owned())])
        );
        let listed = api
            .get(&d.reader, &format!("{dev_url}/restrictions"))
            .await
            .ok();
        assert_eq!(listed["restrictions"], json!([hold]));

        // Lifting it gives everything back (but not the cancelled proposal).
        api.clock.advance(3_600_000).unwrap();
        let lifted = api
            .post(
                &d.operator,
                &format!("/api/v1/restrictions/{hold_id}/lift"),
                json!({"note": "reviewed: templates are allowed"}),
            )
            .await
            .ok();
        assert_eq!(lifted["id"], json!(hold_id));
        assert_eq!(lifted["active"], json!(false));
        assert_eq!(lifted["lifted_at"], json!(time(0, 3600)));
        assert_eq!(lifted["lift_note"], json!("reviewed: templates are allowed"));
        assert!(all_allowed(&caps_of(&api, admin, &d.dev).await));
        assert_eq!(api.get(admin, &dev_url).await.ok()["standing"], json!("good"));
        assert_eq!(
            proposal_statuses(&api, admin, &d.dev).await,
            BTreeMap::from([(FIRMWARE.to_owned(), "cancelled_by_system".to_owned())])
        );

        // A warning changes standing, not capabilities.
        let warning = api
            .post(
                admin,
                &format!("/api/v1/accounts/{}/restrictions", d.li),
                json!({"reason_code": "CONTACT_INFO_SHARING", "severity": "warning", "note": "shared a phone number"}),
            )
            .await
            .expect(201);
        assert_eq!(warning["scope"], json!([]));
        assert_eq!(warning["lift_condition"], json!({"type": "manual", "value": null}));
        let li = api
            .get(admin, &format!("/api/v1/accounts/{}", d.li))
            .await
            .ok();
        assert_eq!(li["standing"], json!("warned"));
        assert!(all_allowed(&caps_of(&api, admin, &d.li).await));

        // A timed suspension ends by itself when its time comes.
        let until = START.plus_days(3).to_rfc3339();
        let suspension = api
            .post(
                admin,
                &format!("/api/v1/accounts/{}/restrictions", d.li),
                json!({
                    "reason_code": "HARASSMENT",
                    "severity": "suspension",
                    "note": "abusive messages to a client",
                    "lift_condition": {"type": "at_time", "value": until}
                }),
            )
            .await
            .expect(201);
        assert_eq!(
            suspension["lift_condition"],
            json!({"type": "at_time", "value": until})
        );
        let caps = caps_of(&api, admin, &d.li).await;
        assert_eq!(
            caps["work_on_active_contracts"],
            (false, vec!["HARASSMENT".to_owned()])
        );
        assert_eq!(caps["login"], (true, vec![]));
        let li = api
            .get(admin, &format!("/api/v1/accounts/{}", d.li))
            .await
            .ok();
        assert_eq!(li["standing"], json!("suspended"));
        api.post(
            admin,
            "/api/v1/test-clock/advance",
            json!({"seconds": 3 * DAY_SECS}),
        )
        .await
        .ok();
        assert!(all_allowed(&caps_of(&api, admin, &d.li).await));
        let li = api
            .get(admin, &format!("/api/v1/accounts/{}", d.li))
            .await
            .ok();
        assert_eq!(li["standing"], json!("warned"), "the warning is still on");

        // A ban takes away even signing in; lifting a ban works the same way.
        let ban = api
            .post(
                admin,
                &format!("/api/v1/accounts/{}/restrictions", d.acme),
                json!({"reason_code": "OFF_PLATFORM_PAYMENT", "severity": "ban", "note": "asked for payment by wire"}),
            )
            .await
            .expect(201);
        let caps = caps_of(&api, admin, &d.acme).await;
        assert!(
            caps.values()
                .all(|(allowed, reasons)| !allowed && reasons == &["OFF_PLATFORM_PAYMENT"]),
            "{caps:?}"
        );
        api.post(
            admin,
            &format!("/api/v1/restrictions/{}/lift", ban["id"].as_str().unwrap()),
            json!({"note": "appeal accepted"}),
        )
        .await
        .ok();
        assert!(all_allowed(&caps_of(&api, admin, &d.acme).await));

        // Every step is in the audit trail.
        let audit = api.get(admin, &format!("{dev_url}/audit")).await.ok();
        let actions: Vec<&str> = audit["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["action"].as_str().unwrap())
            .collect();
        assert_eq!(
            actions[..3],
            [
                "restriction.lifted",
                "proposal.cancelled_by_system",
                "restriction.applied"
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn needs_documents_keeps_the_case_open_and_failed_puts_the_account_on_hold() {
    each_backend(|db| async move {
        let api = api(db);
        let d = api.seed().await;
        let admin = d.admin.as_str();
        let url = format!("/api/v1/accounts/{}", d.li);

        // No body at all is a request without a reason: refused, naming it.
        api.call(
            axum::http::Method::POST,
            &format!("{url}/verification-requests"),
            Some(admin),
            None,
        )
        .await
        .expect_error(422, "invalid_input");
        let case = api
            .post(
                admin,
                &format!("{url}/verification-requests"),
                json!({"reason": "the name on the payout account differs"}),
            )
            .await
            .expect(201);
        let case_id = case["id"].as_str().unwrap().to_owned();
        let outcome = format!("/api/v1/verification-cases/{case_id}/outcome");

        let case = api
            .post(
                admin,
                &outcome,
                json!({"outcome": "needs_documents", "note": "the ID was cut off on camera"}),
            )
            .await
            .ok();
        assert_eq!(case["status"], json!("needs_documents"));
        assert_eq!(case["deadline_at"], json!(time(7, 0)), "same deadline");
        assert_eq!(case["decided_at"], Value::Null);
        assert!(all_allowed(&caps_of(&api, admin, &d.li).await));

        let case = api
            .post(
                admin,
                &outcome,
                json!({"outcome": "failed", "note": "the document was altered"}),
            )
            .await
            .ok();
        assert_eq!(case["status"], json!("failed"));
        let account = api.get(admin, &url).await.ok();
        assert_eq!(account["standing"], json!("on_hold"));
        assert_eq!(account["badges"], json!([]));
        assert_eq!(account["open_verification_case"], Value::Null);
        let caps = caps_of(&api, admin, &d.li).await;
        assert_eq!(
            caps["submit_proposal"],
            (false, vec!["IDENTITY_UNCERTAINTY".to_owned()])
        );
        assert_eq!(
            proposal_statuses(&api, admin, &d.li).await,
            BTreeMap::from([(VIDEO.to_owned(), "cancelled_by_system".to_owned())])
        );

        // The deadline timer was cancelled with the decision: moving past it changes nothing.
        api.post(
            admin,
            "/api/v1/test-clock/advance",
            json!({"seconds": 8 * DAY_SECS}),
        )
        .await
        .ok();
        let case = api
            .get(admin, &format!("/api/v1/verification-cases/{case_id}"))
            .await
            .ok();
        assert_eq!(case["status"], json!("failed"));
        let restrictions = api.get(admin, &format!("{url}/restrictions")).await.ok();
        let reasons: Vec<&Value> = restrictions["restrictions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| &r["reason_code"])
            .collect();
        assert_eq!(reasons, [&json!("IDENTITY_UNCERTAINTY")]);
    })
    .await;
}
