//! The console's forms: sign-in, CSRF, roles, and bad input that must change nothing.

use crate::support::{Api, Demo, Reply, api, api_with};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use trustwork_store::testing::each_backend;

/// A console user: the session cookie and the page's CSRF token.
struct Browser {
    cookie: String,
    csrf: String,
}

fn form_value(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}

fn cookie_value(reply: &Reply, name: &str) -> Option<String> {
    reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim_start_matches(&format!("{name}="))
                .to_owned()
        })
}

async fn get(api: &Api, cookie: Option<&str>, path: &str) -> Reply {
    let mut r = Request::builder().method(Method::GET).uri(path);
    if let Some(c) = cookie {
        r = r.header(header::COOKIE, c);
    }
    api.send(r.body(Body::empty()).unwrap()).await
}

async fn post_form(api: &Api, cookie: Option<&str>, path: &str, form: &str) -> Reply {
    let mut r = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        r = r.header(header::COOKIE, c);
    }
    api.send(r.body(Body::from(form.to_owned())).unwrap()).await
}

fn location(reply: &Reply) -> String {
    reply
        .headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

async fn sign_in(api: &Api, email: &str) -> Browser {
    let page = get(api, None, "/login").await;
    assert_eq!(page.status, StatusCode::OK);
    let login_csrf = cookie_value(&page, "tw_login_csrf").expect("login csrf cookie");
    assert_eq!(
        form_value(&page.text(), "csrf").as_deref(),
        Some(login_csrf.as_str())
    );
    let reply = post_form(
        api,
        Some(&format!("tw_login_csrf={login_csrf}")),
        "/login",
        &format!("email={email}&password=trustwork-demo&csrf={login_csrf}"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    let set = reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("tw_session="))
        .expect("session cookie")
        .to_owned();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    let cookie = format!("tw_session={}", cookie_value(&reply, "tw_session").unwrap());
    let home = get(api, Some(&cookie), &location(&reply)).await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.text());
    let csrf = form_value(&home.text(), "csrf").expect("page csrf");
    Browser { cookie, csrf }
}

#[tokio::test]
async fn pages_need_a_session_and_the_right_role() {
    each_backend(|db| async move {
        let api = api(db);
        api.seed().await;
        let r = get(&api, None, "/dashboard").await;
        assert_eq!(
            (r.status, location(&r).as_str()),
            (StatusCode::SEE_OTHER, "/login")
        );
        let r = get(&api, Some("tw_session=forged"), "/agent/accounts").await;
        assert_eq!(location(&r), "/login");

        let maria = sign_in(&api, "maria@trustwork.demo").await;
        assert_eq!(
            get(&api, Some(&maria.cookie), "/agent/accounts")
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            get(&api, Some(&maria.cookie), "/admin").await.status,
            StatusCode::FORBIDDEN
        );
        for page in [
            "/dashboard",
            "/jobs",
            "/work",
            "/stats",
            "/settings/identity",
        ] {
            let r = get(&api, Some(&maria.cookie), page).await;
            assert_eq!(r.status, StatusCode::OK, "{page}");
        }
        let support = sign_in(&api, "support@trustwork.demo").await;
        let r = get(&api, Some(&support.cookie), "/agent/accounts?q=maria").await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(!r.text().contains("Require identity verification"));
    })
    .await;
}

#[tokio::test]
async fn sign_in_refuses_bad_passwords_and_forged_forms() {
    each_backend(|db| async move {
        let api = api(db);
        api.seed().await;
        let page = get(&api, None, "/login").await;
        let token = cookie_value(&page, "tw_login_csrf").unwrap();
        let r = post_form(
            &api,
            Some(&format!("tw_login_csrf={token}")),
            "/login",
            &format!("email=maria@trustwork.demo&password=nope&csrf={token}"),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.text().contains("wrong email or password"));
        assert!(cookie_value(&r, "tw_session").is_none());
        // A form posted from elsewhere carries no matching cookie.
        let r = post_form(
            &api,
            None,
            "/login",
            &format!("email=maria@trustwork.demo&password=trustwork-demo&csrf={token}"),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(cookie_value(&r, "tw_session").is_none());
        let r = post_form(
            &api,
            Some(&format!("tw_login_csrf={token}")),
            "/login",
            "email=maria@trustwork.demo",
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("missing field"), "{}", r.text());
    })
    .await;
}

#[tokio::test]
async fn bad_form_posts_change_nothing() {
    each_backend(|db| async move {
        let api = api(db);
        let demo: Demo = api.seed().await;
        let all = demo.account_ids();
        let maria = sign_in(&api, "maria@trustwork.demo").await;
        let jobs = api.app.open_jobs().await.unwrap();
        let job = &jobs[0].id;
        let before = api.snapshot(&demo.admin, &all).await;

        let path = format!("/jobs/{job}/proposals");
        let r = post_form(&api, Some(&maria.cookie), &path, "cover_letter=hi").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "missing csrf");
        let r = post_form(
            &api,
            Some(&maria.cookie),
            &path,
            "cover_letter=hi&csrf=wrong",
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "wrong csrf");
        let r = post_form(
            &api,
            Some(&maria.cookie),
            &path,
            &format!("cover_letter=%20&csrf={}", maria.csrf),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "empty letter");
        assert!(r.text().contains("id=\"flash-error\""), "empty letter");
        let r = post_form(
            &api,
            Some(&maria.cookie),
            "/jobs/job_nope/proposals",
            &format!("cover_letter=hi&csrf={}", maria.csrf),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = post_form(
            &api,
            Some(&maria.cookie),
            "/withdrawals",
            &format!("amount=abc&csrf={}", maria.csrf),
        )
        .await;
        assert!(location(&r).starts_with("/dashboard?error="));
        let r = post_form(
            &api,
            Some(&maria.cookie),
            "/withdrawals",
            &format!("amount=999999&csrf={}", maria.csrf),
        )
        .await;
        assert!(
            location(&r).starts_with("/dashboard?error="),
            "more than the balance"
        );
        let r = post_form(
            &api,
            Some(&maria.cookie),
            &format!("/agent/accounts/{}/verification", demo.maria),
            &format!("csrf={}", maria.csrf),
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "freelancers cannot enforce"
        );

        let agent = sign_in(&api, "agent@trustwork.demo").await;
        let r = post_form(
            &api,
            Some(&agent.cookie),
            "/agent/cases/vc_nope/outcome",
            &format!("outcome=verified&csrf={}", agent.csrf),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = post_form(
            &api,
            Some(&agent.cookie),
            "/agent/restrictions/rst_nope/lift",
            &format!("note=x&csrf={}", agent.csrf),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = post_form(
            &api,
            Some(&agent.cookie),
            &format!("/agent/accounts/{}/restrictions", demo.maria),
            &format!(
                "reason_code=SPAM&severity=hold&lift=days&days=0&note=bulk+letters+to+forty+clients&csrf={}",
                agent.csrf
            ),
        )
        .await;
        // Refused on the page itself, with everything typed still there.
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "zero days");
        let page = r.text();
        assert!(page.contains("id=\"flash-error\"") && page.contains("days"), "zero days");
        assert!(page.contains(">bulk letters to forty clients</textarea>"), "the note is kept");
        assert!(page.contains("<option value=\"SPAM\" selected>"), "the reason is kept");
        assert!(page.contains("<option value=\"hold\" selected>"), "the severity is kept");
        assert!(page.contains("value=\"days\" checked"), "the end is kept");
        let r = post_form(
            &api,
            Some(&agent.cookie),
            &format!("/agent/accounts/{}/restrictions", demo.maria),
            &format!(
                "reason_code=NOPE&severity=hold&lift=manual&note=x&csrf={}",
                agent.csrf
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "unknown reason");
        assert_eq!(
            api.snapshot(&demo.admin, &all).await,
            before,
            "nothing changed"
        );

        // A closed case and a lifted hold refuse a second decision, with the reason shown.
        let r = post_form(
            &api,
            Some(&agent.cookie),
            &format!("/agent/accounts/{}/verification", demo.maria),
            &format!("reason=check&csrf={}", agent.csrf),
        )
        .await;
        assert!(location(&r).contains("notice="));
        let case = api.app.verification_cases_of(&demo.maria).await.unwrap()[0]
            .id
            .clone();
        let decide = format!("/agent/cases/{case}/outcome");
        let r = post_form(
            &api,
            Some(&agent.cookie),
            &decide,
            &format!("outcome=verified&note=ok&csrf={}", agent.csrf),
        )
        .await;
        assert!(location(&r).contains("notice="));
        let after_decision = api.snapshot(&demo.admin, &all).await;
        let r = post_form(
            &api,
            Some(&agent.cookie),
            &decide,
            &format!("outcome=failed&note=no&csrf={}", agent.csrf),
        )
        .await;
        assert!(location(&r).contains("error="), "{}", location(&r));
        let r = post_form(
            &api,
            Some(&agent.cookie),
            &decide,
            &format!("outcome=maybe&csrf={}", agent.csrf),
        )
        .await;
        assert!(location(&r).contains("error="));
        assert_eq!(api.snapshot(&demo.admin, &all).await, after_decision);

        let r = post_form(
            &api,
            Some(&agent.cookie),
            &format!("/agent/accounts/{}/restrictions", demo.maria),
            &format!(
                "reason_code=SPAM&severity=hold&lift=manual&note=same+letter+everywhere&csrf={}",
                agent.csrf
            ),
        )
        .await;
        assert!(location(&r).contains("notice="));
        let hold = api.app.restrictions_of(&demo.maria).await.unwrap()[0]
            .id
            .clone();
        let lift = format!("/agent/restrictions/{hold}/lift");
        let r = post_form(
            &api,
            Some(&agent.cookie),
            &lift,
            &format!("note=appeal+accepted&csrf={}", agent.csrf),
        )
        .await;
        assert!(location(&r).contains("notice="));
        let after_lift = api.snapshot(&demo.admin, &all).await;
        let r = post_form(
            &api,
            Some(&agent.cookie),
            &lift,
            &format!("note=again&csrf={}", agent.csrf),
        )
        .await;
        assert!(location(&r).contains("error="), "{}", location(&r));
        assert_eq!(api.snapshot(&demo.admin, &all).await, after_lift);
    })
    .await;
}

#[tokio::test]
async fn the_test_clock_form_exists_only_in_demo_mode() {
    each_backend(|db| async move {
        let api = api_with(db, false);
        api.seed().await;
        let admin = sign_in(&api, "admin@trustwork.demo").await;
        let r = post_form(
            &api,
            Some(&admin.cookie),
            "/admin/clock/advance",
            &format!("days=7&csrf={}", admin.csrf),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let page = get(&api, Some(&admin.cookie), "/admin").await;
        assert!(!page.text().contains("Test clock"));
    })
    .await;
}

#[tokio::test]
async fn the_account_page_shows_recent_decisions_with_their_explanation() {
    each_backend(|db| async move {
        let api = api(db);
        let demo = api.seed().await;
        let event = serde_json::json!({"type": "message.sent", "occurred_at": "2026-11-21T10:00:00Z", "actor_id": demo.maria,
            "data": {"thread_id": "t", "recipient_ids": [demo.acme], "contract_active": false, "text": "mail me: maria.l@gmail.com"}});
        api.app.ingest("console-1", &event).await.unwrap();
        let agent = sign_in(&api, "agent@trustwork.demo").await;
        let page = get(&api, Some(&agent.cookie), &format!("/agent/accounts/{}", demo.maria)).await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        assert!(html.contains("id=\"decisions\""), "{html}");
        assert!(html.contains("contact_info_before_contract"));
        assert!(html.contains("maria.l@gmail.com"));
    })
    .await;
}

#[tokio::test]
async fn the_alert_box_speaks_only_in_trustworks_words() {
    each_backend(|db| async move {
        let api = api(db);
        let demo = api.seed().await;
        let agent = sign_in(&api, "agent@trustwork.demo").await;
        let maria = sign_in(&api, "maria@trustwork.demo").await;
        // A link anyone can send: its text is not shown.
        let phishing = "Your account is suspended, pay the fee at evil.example";
        for query in [
            format!("error={}", phishing.replace(' ', "+")),
            format!(
                "notice={}&sig=00112233445566778899aabbccddeeff",
                phishing.replace(' ', "+")
            ),
        ] {
            let page = get(&api, Some(&maria.cookie), &format!("/dashboard?{query}")).await;
            assert_eq!(page.status, StatusCode::OK);
            assert!(!page.text().contains("pay the fee"), "{query}");
        }
        // A genuine message after a form post is shown, to that session only.
        let r = post_form(
            &api,
            Some(&agent.cookie),
            &format!("/agent/accounts/{}/verification", demo.maria),
            &format!("reason=check&csrf={}", agent.csrf),
        )
        .await;
        let to = location(&r);
        assert!(to.contains("notice=") && to.contains("&sig="), "{to}");
        let shown = get(&api, Some(&agent.cookie), &to).await.text();
        assert!(shown.contains("class=\"flash flash-ok\""), "{shown}");
        let elsewhere = get(
            &api,
            Some(&maria.cookie),
            &to.replace(&format!("/agent/accounts/{}", demo.maria), "/dashboard"),
        )
        .await
        .text();
        assert!(!elsewhere.contains("class=\"flash flash-ok\""));
        // U+0000 in a form is refused with a page that says so, and changes nothing.
        let before = api.snapshot(&demo.admin, &demo.account_ids()).await;
        let r = post_form(
            &api,
            Some(&agent.cookie),
            &format!("/agent/accounts/{}/verification", demo.li),
            &format!("reason=che%00ck&csrf={}", agent.csrf),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("U+0000"));
        assert_eq!(before, api.snapshot(&demo.admin, &demo.account_ids()).await);
    })
    .await;
}

#[tokio::test]
async fn a_refused_proposal_keeps_the_letter_and_says_why_in_words() {
    each_backend(|db| async move {
        let api = api(db);
        let demo = api.seed().await;
        let maria = sign_in(&api, "maria@trustwork.demo").await;
        let jobs = get(&api, Some(&maria.cookie), "/jobs").await.text();
        let marker = "action=\"/jobs/";
        let start = jobs.find(marker).expect("a job form") + marker.len();
        let job = &jobs[start..start + jobs[start..].find('/').unwrap()];
        // Put Maria on hold behind the page's back, then send the form she had open.
        api.post(
            &demo.admin,
            &format!("/api/v1/accounts/{}/restrictions", demo.maria),
            serde_json::json!({"reason_code": "SPAM", "severity": "hold", "note": "bulk letters"}),
        )
        .await
        .expect(201);
        let letter = "I have shipped three landing pages like this one &amp; can start today.";
        let r = post_form(
            &api,
            Some(&maria.cookie),
            &format!("/jobs/{job}/proposals"),
            &format!(
                "cover_letter={}&csrf={}",
                letter
                    .replace(' ', "+")
                    .replace('&', "%26")
                    .replace(';', "%3B"),
                maria.csrf
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let page = r.text();
        assert!(
            page.contains("Proposal not submitted. You can&#39;t submit proposals right now."),
            "{page}"
        );
        assert!(!page.contains("SPAM") && !page.contains("the account may not"));
        // The letter is kept on the page to copy, and every job now says why it is disabled.
        assert!(page.contains("can start today."), "the letter was lost");
        assert!(page.contains("Your letter (not sent)"));
        assert!(page.contains("button type=\"button\" disabled"));
        // The dashboard shows withdrawals disabled, with the reason in words.
        let dashboard = get(&api, Some(&maria.cookie), "/dashboard").await.text();
        assert!(
            dashboard.contains("You can&#39;t withdraw earnings right now."),
            "{dashboard}"
        );
        // Hired already: that job is closed to a second proposal, in words.
        let r = api
            .post(
                &demo.admin,
                &format!("/api/v1/accounts/{}/proposals", demo.dev),
                serde_json::json!({"job_id": job, "cover_letter": "again"}),
            )
            .await;
        assert!(r.status.is_client_error(), "{}", r.text());
    })
    .await;
}

#[tokio::test]
async fn clients_see_their_standing_and_may_appeal() {
    each_backend(|db| async move {
        let api = api(db);
        api.seed().await;
        let acme = sign_in(&api, "acme@trustwork.demo").await;
        let page = get(&api, Some(&acme.cookie), "/stats").await;
        assert_eq!(page.status, StatusCode::OK);
        let text = page.text();
        assert!(
            text.contains("href=\"/stats\""),
            "in the client's navigation"
        );
        assert!(
            text.contains("Standing &amp; appeals") || text.contains("Standing &#38; appeals"),
            "{text}"
        );
        assert!(!text.contains("Top Rated"), "a freelancer's matter");
    })
    .await;
}

#[tokio::test]
async fn unknown_pages_get_a_real_page_and_settings_lead_somewhere() {
    let db = trustwork_store::testing::TestDb::sqlite().await.unwrap();
    let api = api(db.db.clone());
    for path in ["/nope", "/agent/nope/deeper", "/static/missing.css"] {
        let r = get(&api, None, path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        let page = r.text();
        assert!(
            page.contains("<h1>Not Found</h1>") && page.contains("There is no page"),
            "{page}"
        );
        assert!(page.contains("href=\"/\""), "a way back");
    }
    let r = get(&api, None, "/settings").await;
    assert_eq!(location(&r), "/settings/identity");
    // The API keeps its own JSON shape for unknown routes.
    let r = get(&api, None, "/api/v1/nope").await;
    r.expect_error(404, "not_found");
    db.cleanup().await;
}

#[tokio::test]
async fn the_banner_says_on_hold_only_while_the_hold_is_in_force() {
    each_backend(|db| async move {
        let api = api(db);
        let demo = api.seed().await;
        let agent = trustwork_core::Actor::Account(demo.agent.clone());
        let case = api
            .app
            .require_verification(&agent, &demo.maria, "document check")
            .await
            .unwrap();
        api.clock.set(case.deadline_at);
        while api.app.fire_one_timer().await.unwrap() {}
        let maria = sign_in(&api, "maria@trustwork.demo").await;
        let page = get(&api, Some(&maria.cookie), "/dashboard").await.text();
        assert!(page.contains("Your account is on hold."), "{page}");
        // An agent lifts the hold; the request to verify still stands, and says so.
        let hold = api.app.restrictions_of(&demo.maria).await.unwrap()[0].clone();
        api.app
            .lift_restriction(&agent, &hold.id, "travelling; verifies next week")
            .await
            .unwrap();
        let page = get(&api, Some(&maria.cookie), "/dashboard").await.text();
        assert!(!page.contains("Your account is on hold."), "{page}");
        assert!(page.contains("Please verify your identity."), "{page}");
    })
    .await;
}

#[tokio::test]
async fn a_member_verifies_a_phone_number_from_settings() {
    each_backend(|db| async move {
        let api = api(db);
        api.seed().await;
        let li = sign_in(&api, "li@trustwork.demo").await;
        let page = get(&api, Some(&li.cookie), "/settings/identity")
            .await
            .text();
        assert!(page.contains("id=\"phone-start\""), "{page}");
        // A number without its country code is refused in words.
        let r = post_form(
            &api,
            Some(&li.cookie),
            "/settings/phone",
            &format!("phone=415+555+0100&channel=sms&csrf={}", li.csrf),
        )
        .await;
        let shown = get(&api, Some(&li.cookie), &location(&r)).await.text();
        assert!(
            shown.contains("Start the number with + and the country code"),
            "{shown}"
        );
        let r = post_form(
            &api,
            Some(&li.cookie),
            "/settings/phone",
            &format!("phone=%2B44+20+7946+0958&channel=voice&csrf={}", li.csrf),
        )
        .await;
        let shown = get(&api, Some(&li.cookie), &location(&r)).await.text();
        assert!(
            shown.contains("We are sending a code to +442079460958 by phone call"),
            "{shown}"
        );
        assert!(shown.contains("id=\"phone-check\""));
        // The demo delivery: the words of the call, in the Dev mailbox.
        let li_id = api.app.search_accounts("li@trustwork.demo").await.unwrap()[0]
            .id
            .clone();
        let code = crate::openapi::phone_code(&api, &li_id).await;
        let marker = "action=\"/settings/phone/";
        let at = shown.find(marker).unwrap() + marker.len();
        let id = &shown[at..at + shown[at..].find('/').unwrap()];
        let r = post_form(
            &api,
            Some(&li.cookie),
            &format!("/settings/phone/{id}/check"),
            &format!("code={code}&csrf={}", li.csrf),
        )
        .await;
        let shown = get(&api, Some(&li.cookie), &location(&r)).await.text();
        assert!(shown.contains("Phone verified: +442079460958"), "{shown}");
        assert!(!shown.contains("id=\"phone-start\""), "one verified number");
    })
    .await;
}

#[tokio::test]
async fn an_agent_decides_a_job_post_from_its_review_case() {
    each_backend(|db| async move {
        let api = api(db);
        let d = api.seed().await;
        // Li (no card on file) posts through the marketplace's events: it waits for review.
        let (decision, _) = api
            .app
            .ingest(
                "job-li",
                &serde_json::json!({
                    "type": "job.posted", "occurred_at": api.app.now().to_rfc3339(), "actor_id": d.li,
                    "data": {"job_id": "job_li", "title": "Subtitles", "description": "Subtitle a 10-minute video."},
                }),
            )
            .await
            .unwrap();
        let case_id = decision.review_case_ids[0].clone();
        let agent = sign_in(&api, "agent@trustwork.demo").await;
        let page = get(&api, Some(&agent.cookie), &format!("/review/{case_id}")).await.text();
        assert!(page.contains("id=\"job-review\"") && page.contains("not listed until you approve"), "{page}");
        // Asking for changes without saying which is refused in words, and nothing changes.
        let r = post_form(&api, Some(&agent.cookie), &format!("/review/{case_id}/job"), &format!("decision=request_changes&note=&csrf={}", agent.csrf)).await;
        let shown = get(&api, Some(&agent.cookie), &location(&r)).await.text();
        assert!(shown.contains("Tell the client what is wrong"), "{shown}");
        assert_eq!(api.app.job("job_li").await.unwrap().status.as_str(), "pending_review");
        // Approved: listed.
        let r = post_form(&api, Some(&agent.cookie), &format!("/review/{case_id}/job"), &format!("decision=approve&note=&csrf={}", agent.csrf)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let shown = get(&api, Some(&agent.cookie), &location(&r)).await.text();
        assert!(shown.contains("Job post Subtitles: open.") && shown.contains("This job post was decided."), "{shown}");
        assert!(api.app.open_jobs().await.unwrap().iter().any(|j| j.id == "job_li"));
    })
    .await;
}

#[tokio::test]
async fn members_flag_job_posts_and_profiles_and_follow_the_outcome() {
    each_backend(|db| async move {
        let api = api(db);
        let d = api.seed().await;
        let li = sign_in(&api, "li@trustwork.demo").await;
        let jobs = get(&api, Some(&li.cookie), "/jobs").await.text();
        assert!(jobs.contains("Flag as inappropriate") && jobs.contains("Asks for payment outside the platform"), "{jobs}");
        let job = api.app.open_jobs().await.unwrap()[0].clone();
        let flag = |reason: &str, target: &str| {
            format!("target_type=job_post&target_id={target}&reason={reason}&note=Asks+to+pay+by+wire&back=%2Fjobs&csrf={}", li.csrf)
        };
        // A reason nobody offered, or a post that does not exist, is refused in words.
        let r = post_form(&api, Some(&li.cookie), "/flags", &flag("because", &job.id)).await;
        let shown = get(&api, Some(&li.cookie), &location(&r)).await.text();
        assert!(shown.contains("flash-error"), "{shown}");
        let r = post_form(&api, Some(&li.cookie), "/flags", &flag("scam", "job_nope")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(api.app.flags_by(&d.li).await.unwrap().is_empty());

        let r = post_form(&api, Some(&li.cookie), "/flags", &flag("off_platform_payment", &job.id)).await;
        assert_eq!(location(&r).split('?').next(), Some("/jobs"));
        let shown = get(&api, Some(&li.cookie), &location(&r)).await.text();
        assert!(shown.contains("we received your report"), "{shown}");
        // Once per item.
        let r = post_form(&api, Some(&li.cookie), "/flags", &flag("spam", &job.id)).await;
        let shown = get(&api, Some(&li.cookie), &location(&r)).await.text();
        assert!(shown.contains("already flagged"), "{shown}");
        let stats = get(&api, Some(&li.cookie), "/stats").await.text();
        assert!(stats.contains("A job post") && stats.contains("Received; we are looking at it"), "{stats}");

        // An agent finds nothing wrong: the reporter reads that.
        let flags = api.app.flags_by(&d.li).await.unwrap();
        assert_eq!(flags.len(), 1);
        api.app.claim_review_case(&d.agent, &flags[0].case_id).await.unwrap();
        api.app
            .resolve_review_case(
                &d.agent,
                &flags[0].case_id,
                trustwork_app::review::ResolveRequest {
                    resolution: trustwork_core::review::Resolution::Dismissed,
                    action: None,
                    note: "payment terms are on the platform".into(),
                },
            )
            .await
            .unwrap();
        let stats = get(&api, Some(&li.cookie), "/stats").await.text();
        assert!(stats.contains("found no violation"), "{stats}");
        // Reporting the same post again right away is answered with that finding.
        let r = post_form(&api, Some(&li.cookie), "/flags", &flag("scam", &job.id)).await;
        let shown = get(&api, Some(&li.cookie), &location(&r)).await.text();
        assert!(shown.contains("we found no violation"), "{shown}");
        assert_eq!(api.app.flags_by(&d.li).await.unwrap().len(), 1);

        // A client flags a freelancer's profile from Find freelancers.
        let acme = sign_in(&api, "acme@trustwork.demo").await;
        let page = get(&api, Some(&acme.cookie), "/freelancers?q=").await.text();
        assert!(page.contains("name=\"target_type\" value=\"profile\""), "{page}");
        let r = post_form(
            &api,
            Some(&acme.cookie),
            "/flags",
            &format!("target_type=profile&target_id={}&reason=scam&note=&back=%2Ffreelancers&csrf={}", d.dev, acme.csrf),
        )
        .await;
        let shown = get(&api, Some(&acme.cookie), &location(&r)).await.text();
        assert!(shown.contains("we received your report"), "{shown}");
        assert_eq!(api.app.flags_by(&d.acme).await.unwrap()[0].target_id, d.dev);
    })
    .await;
}

/// The conversation forms: a foreign thread, an empty or oversized message, a call of no known
/// kind, someone else's invitation or proposal, an invitation to a job that is not the client's:
/// each answered with a clear error, nothing written (the audit, the proposals and the thread).
#[tokio::test]
async fn bad_conversation_posts_change_nothing() {
    each_backend(|db| async move {
        let api = api(db);
        let demo: Demo = api.seed().await;
        let all = demo.account_ids();
        let maria = sign_in(&api, "maria@trustwork.demo").await;
        let dev = sign_in(&api, "dev@trustwork.demo").await;
        let acme = sign_in(&api, "acme@trustwork.demo").await;
        let threads = api.app.threads_of(&demo.maria).await.unwrap();
        // The interview with Globex (the demo's contract has a thread too).
        let thread = threads
            .iter()
            .find(|t| t.0.thread.kind == trustwork_core::conversation::ThreadKind::Proposal)
            .unwrap()
            .0
            .thread
            .id
            .clone();
        let messages_before = api.app.thread_for_staff(&thread).await.unwrap().messages.len();
        let before = api.snapshot(&demo.admin, &all).await;

        let path = format!("/messages/{thread}");
        let r = post_form(&api, Some(&dev.cookie), &path, &format!("text=hi&csrf={}", dev.csrf)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "not dev's thread");
        let r = get(&api, Some(&dev.cookie), &path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "not dev's to read");
        let r = post_form(&api, Some(&maria.cookie), &path, "text=hi&csrf=wrong").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "wrong csrf");
        let r = post_form(&api, Some(&maria.cookie), &path, &format!("text=%20&csrf={}", maria.csrf)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "empty message");
        assert!(r.text().contains("id=\"flash-error\""), "empty message");
        let long = "a".repeat(5_001);
        let r = post_form(&api, Some(&maria.cookie), &path, &format!("text={long}&csrf={}", maria.csrf)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "too long");
        assert!(r.text().contains(&long), "the typed text is kept in the box");
        let r = post_form(&api, Some(&maria.cookie), &format!("{path}/calls"), &format!("kind=hologram&csrf={}", maria.csrf)).await;
        assert!(location(&r).starts_with(&format!("{path}?error=")), "unknown call kind");
        let r = get(&api, Some(&maria.cookie), &format!("{path}/calls/tcl_nope")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        let r = post_form(&api, Some(&maria.cookie), "/invitations/inv_nope/accept", &format!("csrf={}", maria.csrf)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = post_form(&api, Some(&acme.cookie), "/invitations/inv_nope/accept", &format!("csrf={}", acme.csrf)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "clients do not answer invitations");
        let proposal = api.app.proposals_of(&demo.maria).await.unwrap()[0].id.clone();
        let r = post_form(&api, Some(&maria.cookie), &format!("/proposals/{proposal}/reply"), &format!("text=hi&csrf={}", maria.csrf)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "freelancers do not reply to proposals");
        // Globex's proposal (Maria's on the video job) is not Acme's to answer.
        let globex_job = api.app.thread_for_staff(&thread).await.unwrap().proposal.unwrap().id;
        let r = post_form(&api, Some(&acme.cookie), &format!("/proposals/{globex_job}/reply"), &format!("text=hi&csrf={}", acme.csrf)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = post_form(
            &api,
            Some(&acme.cookie),
            &format!("/freelancers/{}/invite", demo.dev),
            &format!("job_id=job_nope&message=hi&csrf={}", acme.csrf),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "no such job");
        let r = post_form(
            &api,
            Some(&acme.cookie),
            &format!("/freelancers/{}/invite", demo.acme),
            &format!("job_id={}&message=hi&csrf={}", api.app.jobs_of_client(&demo.acme).await.unwrap()[0].id, acme.csrf),
        )
        .await;
        assert!(location(&r).starts_with("/freelancers?error="), "a client is not a freelancer");
        let r = post_form(&api, Some(&maria.cookie), "/flags", &format!("target_type=message&target_id=evt_nope&reason=spam&back=/messages/{thread}&csrf={}", maria.csrf)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "no such message");

        assert_eq!(before, api.snapshot(&demo.admin, &all).await);
        assert_eq!(
            api.app.thread_for_staff(&thread).await.unwrap().messages.len(),
            messages_before
        );
    })
    .await;
}

/// Settings → Profile: two skills chosen in the multiple select are saved; a refused overview
/// (an email address) or a rate that is not money keeps everything typed in the form.
#[tokio::test]
async fn the_profile_editor_saves_skills_and_keeps_refused_text() {
    each_backend(|db| async move {
        let api = api(db);
        let demo: Demo = api.seed().await;
        let dev = sign_in(&api, "dev@trustwork.demo").await;
        let page = get(&api, Some(&dev.cookie), "/settings/profile").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text().contains("name=\"skills\" multiple"));
        let good = format!(
            "csrf={}&title=Embedded+Rust+engineer&overview=Firmware+reviews.&rate=60&skills=rust&skills=sql&visibility=private",
            dev.csrf
        );
        let r = post_form(&api, Some(&dev.cookie), "/settings/profile", &good).await;
        assert!(location(&r).starts_with("/settings/profile?notice="), "{}", r.text());
        let saved = api.app.profile(&demo.dev).await.unwrap().unwrap();
        assert_eq!(saved.input.skills, ["rust", "sql"]);
        assert_eq!(saved.input.hourly_rate_cents, 6_000);

        let contact = format!(
            "csrf={}&title=Embedded+Rust+engineer&overview=Write+to+dev.patel.fw%40gmail.com&rate=60&skills=rust&visibility=public",
            dev.csrf
        );
        let r = post_form(&api, Some(&dev.cookie), "/settings/profile", &contact).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text();
        assert!(html.contains("Profile not saved"), "{html}");
        assert!(html.contains("dev.patel.fw@gmail.com"), "the typed overview is kept");
        let bad_rate = format!(
            "csrf={}&title=Embedded+Rust+engineer&overview=Firmware.&rate=lots&skills=rust&skills=sql",
            dev.csrf
        );
        let r = post_form(&api, Some(&dev.cookie), "/settings/profile", &bad_rate).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("value=\"sql\" selected"), "the chosen skills are kept");
        assert_eq!(api.app.profile(&demo.dev).await.unwrap().unwrap(), saved, "nothing changed");
        let maria = sign_in(&api, "acme@trustwork.demo").await;
        let r = post_form(&api, Some(&maria.cookie), "/settings/profile", &format!("csrf={}&title=x", maria.csrf)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "clients have no profile");
    })
    .await;
}

/// Settings → Profile's approval part: "Submit for approval" disabled with what is missing; a
/// re-review request refused keeps the typed note; the tests page starts one test at a time and
/// another freelancer's attempt is not found.
#[tokio::test]
async fn approval_and_tests_pages_say_why_and_keep_typed_text() {
    each_backend(|db| async move {
        let api = api(db);
        let demo: Demo = api.seed().await;
        let dev = sign_in(&api, "dev@trustwork.demo").await;
        let short = format!(
            "csrf={}&title=Embedded+Rust+engineer&overview=Firmware.&rate=60&skills=rust&visibility=public",
            dev.csrf
        );
        post_form(&api, Some(&dev.cookie), "/settings/profile", &short).await;
        let html = get(&api, Some(&dev.cookie), "/settings/profile").await.text();
        assert!(html.contains("Not submitted yet"), "{html}");
        assert!(html.contains("disabled aria-describedby=\"submit-why\""), "{html}");
        assert!(html.contains("You cannot submit now: your profile still needs"), "{html}");
        let r = post_form(&api, Some(&dev.cookie), "/settings/profile/submit", &format!("csrf={}", dev.csrf)).await;
        assert!(location(&r).starts_with("/settings/profile?error="), "{}", r.text());
        let complete = format!(
            "csrf={}&title=Embedded+Rust+engineer&overview={}&rate=60&skills=rust&visibility=public",
            dev.csrf,
            "Firmware+for+robots+and+sensors+in+C+and+Rust%2C+with+test+rigs%2C+field+updates+and+documentation+a+team+keeps+using."
        );
        post_form(&api, Some(&dev.cookie), "/settings/profile", &complete).await;
        let r = post_form(&api, Some(&dev.cookie), "/settings/profile/submit", &format!("csrf={}", dev.csrf)).await;
        assert!(location(&r).starts_with("/settings/profile?notice="), "{}", r.text());
        api.app
            .review_profile(
                &demo.agent,
                &demo.dev,
                trustwork_app::profile_approval::ProfileDecision::Reject(
                    trustwork_core::profile_approval::RejectionReason::Other,
                ),
                "Show two firmware projects.",
            )
            .await
            .unwrap();
        let html = get(&api, Some(&dev.cookie), "/settings/profile").await.text();
        assert!(html.contains("Show two firmware projects."), "{html}");
        assert!(html.contains("Another look needs 3 verified skills"), "{html}");
        let note = "Please+look+again%3A+I+passed+three+tests";
        let r = post_form(&api, Some(&dev.cookie), "/settings/profile/re-review", &format!("csrf={}&note={note}", dev.csrf)).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(r.text().contains("Please look again: I passed three tests"), "the note is kept");
        let r = post_form(&api, Some(&dev.cookie), "/settings/profile/re-review", "csrf=wrong&note=x").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);

        let r = post_form(&api, Some(&dev.cookie), "/settings/tests/sql/start", &format!("csrf={}", dev.csrf)).await;
        let attempt = location(&r);
        assert!(attempt.starts_with("/settings/tests/attempts/att_"), "{attempt}");
        let page = get(&api, Some(&dev.cookie), "/settings/tests").await.text();
        assert!(page.contains("one test at a time"), "{page}");
        let r = post_form(&api, Some(&dev.cookie), "/settings/tests/telepathy/start", &format!("csrf={}", dev.csrf)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let li = sign_in(&api, "li@trustwork.demo").await;
        assert_eq!(get(&api, Some(&li.cookie), &attempt).await.status, StatusCode::NOT_FOUND);
        let r = post_form(&api, Some(&dev.cookie), &attempt, &format!("csrf={}&q1=0&act=save", dev.csrf)).await;
        assert!(location(&r).contains("notice="), "{}", r.text());
        let id = attempt.rsplit('/').next().unwrap();
        assert_eq!(api.app.skill_test_attempt(&demo.dev, id).await.unwrap().answered, 1);
        let acme = sign_in(&api, "acme@trustwork.demo").await;
        assert_eq!(get(&api, Some(&acme.cookie), "/settings/tests").await.status, StatusCode::FORBIDDEN);
    })
    .await;
}

/// Portfolio and background: rows are saved with the profile; a year that is not a number or a
/// chat link keeps every typed row; a profile must exist first; clients have no such page.
#[tokio::test]
async fn portfolio_and_background_rows_are_saved_or_kept_as_typed() {
    each_backend(|db| async move {
        let api = api(db);
        let demo: Demo = api.seed().await;
        let dev = sign_in(&api, "dev@trustwork.demo").await;
        let rows = |year: &str, link: &str| {
            format!(
                "csrf={}&p_title=Drone+firmware&p_description=Flight+controller+port.&p_link={link}&c_name=Embedded+Linux&c_issuer=Linux+Foundation&c_year={year}&e_school=&e_degree=&e_from=&e_to=&l_language=Hindi&l_level=native",
                dev.csrf
            )
        };
        let r = post_form(&api, Some(&dev.cookie), "/settings/profile/details", &rows("2022", "https%3A%2F%2Fgitlab.com%2Fdev%2Fdrone")).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "no profile yet");
        let main = format!("csrf={}&title=Embedded+Rust+engineer&overview=Firmware.&rate=60&skills=rust&visibility=public", dev.csrf);
        post_form(&api, Some(&dev.cookie), "/settings/profile", &main).await;
        let r = post_form(&api, Some(&dev.cookie), "/settings/profile/details", &rows("twenty", "https%3A%2F%2Fgitlab.com%2Fdev%2Fdrone")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text();
        assert!(html.contains("a year such as 2021") && html.contains("value=\"twenty\"") && html.contains("Flight controller port."), "{html}");
        let r = post_form(&api, Some(&dev.cookie), "/settings/profile/details", &rows("2022", "https%3A%2F%2Ft.me%2Fdevpatel")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("opens a chat"));
        assert!(api.app.profile(&demo.dev).await.unwrap().unwrap().input.details.is_empty(), "nothing saved");
        let r = post_form(&api, Some(&dev.cookie), "/settings/profile/details", &rows("2022", "https%3A%2F%2Fgitlab.com%2Fdev%2Fdrone")).await;
        assert!(location(&r).contains("notice="), "{}", r.text());
        let d = api.app.profile(&demo.dev).await.unwrap().unwrap().input.details;
        assert_eq!((d.portfolio.len(), d.certificates.len(), d.education.len(), d.languages.len()), (1, 1, 0, 1));
        assert_eq!(d.certificates[0].year, Some(2022));
        // The main form keeps them.
        post_form(&api, Some(&dev.cookie), "/settings/profile", &main).await;
        assert_eq!(api.app.profile(&demo.dev).await.unwrap().unwrap().input.details, d);
        let acme = sign_in(&api, "acme@trustwork.demo").await;
        assert_eq!(get(&api, Some(&acme.cookie), "/settings/profile/details").await.status, StatusCode::FORBIDDEN);
    })
    .await;
}

/// My jobs: a clean post from a client with a card is open at once and listed with its status;
/// one with an email address is refused with the reason and the typed text kept; a post with no
/// title changes nothing; freelancers have no such page.
#[tokio::test]
async fn a_client_posts_jobs_and_sees_where_their_review_stands() {
    each_backend(|db| async move {
        let api = api(db);
        let demo: Demo = api.seed().await;
        let globex = sign_in(&api, "globex@trustwork.demo").await;
        let before = api.app.jobs_of_client(&demo.credentials.accounts.iter().find(|a| a.email == "globex@trustwork.demo").unwrap().id).await.unwrap().len();
        let page = get(&api, Some(&globex.cookie), "/my-jobs").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text().contains("Edit a 10-minute product video"));

        let clean = format!(
            "csrf={}&title=Podcast+intro+music&description=A+15-second+intro+jingle+for+our+podcast.&visibility=public",
            globex.csrf
        );
        let r = post_form(&api, Some(&globex.cookie), "/my-jobs", &clean).await;
        assert!(location(&r).starts_with("/my-jobs?notice="), "{}", r.text());
        let page = get(&api, Some(&globex.cookie), "/my-jobs").await.text();
        assert!(page.contains("Podcast intro music") && page.contains("pill-open"), "{page}");

        let contact = format!(
            "csrf={}&title=Logo+refresh&description=Send+samples+to+hiring.globex%40gmail.com+please&visibility=public",
            globex.csrf
        );
        let r = post_form(&api, Some(&globex.cookie), "/my-jobs", &contact).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text();
        assert!(html.contains("Job not posted."), "{html}");
        assert!(html.contains("hiring.globex@gmail.com"), "the typed description is kept");

        let globex_id = demo.credentials.accounts.iter().find(|a| a.email == "globex@trustwork.demo").unwrap().id.clone();
        let after_refusal = api.app.jobs_of_client(&globex_id).await.unwrap().len();
        for bad in [
            format!("csrf={}&title=&description=x&visibility=public", globex.csrf),
            format!("csrf={}&title=T&description=x&visibility=everyone", globex.csrf),
        ] {
            let r = post_form(&api, Some(&globex.cookie), "/my-jobs", &bad).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        }
        assert_eq!(api.app.jobs_of_client(&globex_id).await.unwrap().len(), after_refusal, "nothing posted");
        assert_eq!(after_refusal, before + 2, "the clean post, and the refused one kept as rejected");
        let dev = sign_in(&api, "dev@trustwork.demo").await;
        assert_eq!(get(&api, Some(&dev.cookie), "/my-jobs").await.status, StatusCode::FORBIDDEN);
    })
    .await;
}

/// A client hires from the proposals received: the contract starts and the proposal is hired;
/// hiring again, or someone else's proposal, changes nothing.
#[tokio::test]
async fn a_client_hires_from_the_proposals_received() {
    each_backend(|db| async move {
        let api = api(db);
        let demo: Demo = api.seed().await;
        let acme = sign_in(&api, "acme@trustwork.demo").await;
        let globex = sign_in(&api, "globex@trustwork.demo").await;
        let page = get(&api, Some(&acme.cookie), "/work").await.text();
        assert!(page.contains("Hire Dev Patel"), "{page}");
        let dev_proposal = api.app.proposals_of(&demo.dev).await.unwrap()[0].id.clone();

        let r = post_form(
            &api,
            Some(&globex.cookie),
            &format!("/proposals/{dev_proposal}/hire"),
            &format!("csrf={}&kind=hourly&rate=45&weekly_limit=20", globex.csrf),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "not Globex's job");
        let r = post_form(
            &api,
            Some(&acme.cookie),
            &format!("/proposals/{dev_proposal}/hire"),
            &format!("csrf={}&kind=hourly&rate=45&weekly_limit=20", acme.csrf),
        )
        .await;
        assert!(location(&r).starts_with("/work?notice="), "{}", r.text());
        assert_eq!(api.app.contracts_of(&demo.dev).await.unwrap().len(), 1);
        assert_eq!(
            api.app.proposals_of(&demo.dev).await.unwrap()[0].status,
            trustwork_core::marketplace::ProposalStatus::Hired
        );
        let r = post_form(
            &api,
            Some(&acme.cookie),
            &format!("/proposals/{dev_proposal}/hire"),
            &format!("csrf={}&kind=hourly&rate=45&weekly_limit=20", acme.csrf),
        )
        .await;
        assert!(location(&r).starts_with("/work?error="), "hired once");
        assert_eq!(api.app.contracts_of(&demo.dev).await.unwrap().len(), 1);
    })
    .await;
}
