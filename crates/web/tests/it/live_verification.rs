//! Live identity verification through the API and the hosted page's endpoints, on SQLite and
//! PostgreSQL: one-time links, the queue, questions from the records, evidence sealed at rest
//! and opened with an audit trail, documents, the purge, and the browser check.

use crate::support::{Api, Demo, api};
use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::{Value, json};
use trustwork_app::Clock;
use trustwork_app::auth::Scope;
use trustwork_store::testing::{TestDb, each_backend};

const SAFARI: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15";
const CHROME: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

/// A PNG header followed by a pattern nobody else writes: the "image" whose bytes must never
/// be found at rest.
fn marked_png() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    for _ in 0..64 {
        png.extend_from_slice(b"TW-EVIDENCE-PLAINTEXT-PATTERN-");
    }
    png
}

async fn open_case(api: &Api, d: &Demo, account: &str) -> String {
    api.post(
        &d.admin,
        &format!("/api/v1/accounts/{account}/verification-requests"),
        json!({"reason": "profile photo does not match the ID on file"}),
    )
    .await
    .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A link's path and secret from its URL.
fn link_parts(url: &str) -> (String, String) {
    let path = url.split_once("/verify/").map(|(_, p)| p).unwrap();
    let (id, k) = path.split_once("?k=").unwrap();
    (id.to_owned(), k.to_owned())
}

async fn get_page(api: &Api, path: &str, cookie: Option<&str>, ua: &str) -> crate::support::Reply {
    let mut r = Request::builder()
        .method(Method::GET)
        .uri(path)
        .header(header::USER_AGENT, ua);
    if let Some(c) = cookie {
        r = r.header(header::COOKIE, c);
    }
    api.send(r.body(Body::empty()).unwrap()).await
}

/// Opens a link as a browser would (the page, then its button); answers the cookie the
/// browser keeps.
async fn redeem(api: &Api, url: &str) -> String {
    let (id, k) = link_parts(url);
    let page = get_page(api, &format!("/verify/{id}?k={k}"), None, CHROME).await;
    assert_eq!(page.status.as_u16(), 200, "{}", page.text());
    assert!(page.text().contains("Start identity verification"));
    // Fetching the page used nothing: a mail scanner's visit leaves the link working.
    let again = get_page(api, &format!("/verify/{id}?k={k}"), None, CHROME).await;
    assert_eq!(again.status.as_u16(), 200);
    let reply = open_link(api, &id, &k).await;
    assert_eq!(reply.status.as_u16(), 303, "{}", reply.text());
    let set = reply.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(set.contains("HttpOnly"), "{set}");
    set.split(';').next().unwrap().to_owned()
}

async fn open_link(api: &Api, id: &str, k: &str) -> crate::support::Reply {
    let r = Request::builder()
        .method(Method::POST)
        .uri(format!("/verify/{id}/open"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("k={k}")))
        .unwrap();
    api.send(r).await
}

/// A JSON call from the hosted page: its cookie, and for changes its token.
async fn page_call(
    api: &Api,
    method: Method,
    path: &str,
    cookie: &str,
    csrf: Option<&str>,
    body: Option<Value>,
) -> crate::support::Reply {
    let mut r = Request::builder()
        .method(method)
        .uri(path)
        .header(header::COOKIE, cookie);
    if let Some(t) = csrf {
        r = r.header("x-trustwork-verify", t);
    }
    let body = match body {
        Some(v) => {
            r = r.header(header::CONTENT_TYPE, "application/json");
            Body::from(serde_json::to_vec(&v).unwrap())
        }
        None => Body::empty(),
    };
    api.send(r.body(body).unwrap()).await
}

/// The page's token, read from the page as its script does.
async fn page_csrf(api: &Api, id: &str, cookie: &str) -> String {
    let page = get_page(api, &format!("/verify/{id}"), Some(cookie), CHROME).await;
    assert_eq!(page.status.as_u16(), 200, "{}", page.text());
    let html = page.text();
    let start = html.find("data-csrf=\"").unwrap() + "data-csrf=\"".len();
    html[start..].split('"').next().unwrap().to_owned()
}

async fn session(api: &Api, d: &Demo, case: &str) -> (String, String, String) {
    let link = api
        .post(
            &d.admin,
            &format!("/api/v1/verification-cases/{case}/sessions"),
            json!({}),
        )
        .await
        .expect(201);
    let url = link["url"].as_str().unwrap().to_owned();
    let cookie = redeem(api, &url).await;
    let (id, _) = link_parts(&url);
    let csrf = page_csrf(api, &id, &cookie).await;
    (id, cookie, csrf)
}

#[tokio::test]
async fn links_work_once_expire_and_belong_to_their_browser() {
    each_backend(|db| async move {
        let api = api(db);
        let d = api.seed().await;
        let case = open_case(&api, &d, &d.maria).await;
        let link = api
            .post(
                &d.admin,
                &format!("/api/v1/verification-cases/{case}/sessions"),
                json!({}),
            )
            .await
            .expect(201);
        let url = link["url"].as_str().unwrap();
        assert!(link["expires_at"].as_str().is_some() && link["id"].as_str().is_some());
        // Only writers make links; unknown cases are 404.
        api.post(
            &d.reader,
            &format!("/api/v1/verification-cases/{case}/sessions"),
            json!({}),
        )
        .await
        .expect_error(403, "forbidden");
        api.post(
            &d.admin,
            "/api/v1/verification-cases/vc_nope/sessions",
            json!({}),
        )
        .await
        .expect_error(404, "not_found");

        let cookie = redeem(&api, url).await;
        let (id, k) = link_parts(url);
        // Used once: a second browser gets 410, from the link and from its button.
        let again = get_page(&api, &format!("/verify/{id}?k={k}"), None, CHROME).await;
        assert_eq!(again.status.as_u16(), 410);
        assert!(again.text().contains("already used"), "{}", again.text());
        assert_eq!(open_link(&api, &id, &k).await.status.as_u16(), 410);
        // A wrong secret is refused too.
        let wrong = get_page(&api, &format!("/verify/{id}?k=00{k}"), None, CHROME).await;
        assert_eq!(wrong.status.as_u16(), 410);
        assert_eq!(
            open_link(&api, &id, &format!("00{k}"))
                .await
                .status
                .as_u16(),
            410
        );

        // The cookie of one session does not open another (another account's case).
        let dev_case = open_case(&api, &d, &d.dev).await;
        let (dev_id, _dev_cookie, _) = session(&api, &d, &dev_case).await;
        page_call(
            &api,
            Method::GET,
            &format!("/verify/{dev_id}/state"),
            &cookie,
            None,
            None,
        )
        .await
        .expect_error(403, "forbidden");
        let state = page_call(
            &api,
            Method::GET,
            &format!("/verify/{id}/state"),
            &cookie,
            None,
            None,
        )
        .await
        .ok();
        assert_eq!(state["case_status"], "pending");
        // A change without the page's token is refused.
        page_call(
            &api,
            Method::POST,
            &format!("/verify/{id}/queue"),
            &cookie,
            None,
            Some(json!({"consent": true})),
        )
        .await
        .expect_error(403, "forbidden");

        // An unused link expires after a day.
        let late = api
            .post(
                &d.admin,
                &format!("/api/v1/verification-cases/{case}/sessions"),
                json!({}),
            )
            .await
            .expect(201);
        api.clock.advance(24 * 3_600_000 + 1).unwrap();
        let (late_id, late_k) = link_parts(late["url"].as_str().unwrap());
        let expired = get_page(&api, &format!("/verify/{late_id}?k={late_k}"), None, CHROME).await;
        assert_eq!(expired.status.as_u16(), 410);
        assert!(expired.text().contains("expired"), "{}", expired.text());
        // And so does the browser session it opened.
        page_call(
            &api,
            Method::GET,
            &format!("/verify/{id}/state"),
            &cookie,
            None,
            None,
        )
        .await
        .expect_error(410, "link_expired");
    })
    .await;
}

#[tokio::test]
async fn the_page_names_unsupported_browsers_and_phones() {
    each_backend(|db| async move {
        let api = api(db);
        let d = api.seed().await;
        let case = open_case(&api, &d, &d.maria).await;
        let (id, cookie, _) = session(&api, &d, &case).await;
        let safari = get_page(&api, &format!("/verify/{id}"), Some(&cookie), SAFARI).await;
        assert_eq!(safari.status.as_u16(), 200);
        assert!(
            safari
                .text()
                .contains("not supported by our video verify process")
                && safari.text().contains("switch to Google Chrome or Firefox"),
            "{}",
            safari.text()
        );
        assert!(safari.text().contains("data-browser=\"unsupported\""));
        let chrome = get_page(&api, &format!("/verify/{id}"), Some(&cookie), CHROME).await;
        assert!(chrome.text().contains("data-browser=\"supported\""));
        assert!(!chrome.text().contains("not supported by our video"));
        // The documents path is on the page for anyone without a camera.
        assert!(chrome.text().contains("verify with documents instead"));
    })
    .await;
}

#[tokio::test]
async fn members_wait_in_order_with_an_estimate() {
    each_backend(|db| async move {
        let api = api(db);
        let d = api.seed().await;
        let maria_case = open_case(&api, &d, &d.maria).await;
        let dev_case = open_case(&api, &d, &d.dev).await;
        let (m_id, m_cookie, m_csrf) = session(&api, &d, &maria_case).await;
        let (v_id, v_cookie, v_csrf) = session(&api, &d, &dev_case).await;

        // Consent first.
        page_call(
            &api,
            Method::POST,
            &format!("/verify/{m_id}/queue"),
            &m_cookie,
            Some(&m_csrf),
            Some(json!({"consent": false})),
        )
        .await
        .expect_error(422, "invalid_input");
        page_call(
            &api,
            Method::POST,
            &format!("/verify/{m_id}/queue"),
            &m_cookie,
            Some(&m_csrf),
            Some(json!({"consent": true})),
        )
        .await
        .ok();
        api.clock.advance(1_000).unwrap();
        page_call(
            &api,
            Method::POST,
            &format!("/verify/{v_id}/queue"),
            &v_cookie,
            Some(&v_csrf),
            Some(json!({"consent": true})),
        )
        .await
        .ok();
        // Joining twice keeps the place.
        page_call(
            &api,
            Method::POST,
            &format!("/verify/{m_id}/queue"),
            &m_cookie,
            Some(&m_csrf),
            Some(json!({"consent": true})),
        )
        .await
        .ok();

        let q = api.get(&d.reader, "/api/v1/verification-queue").await.ok();
        let waiting = q["waiting"].as_array().unwrap();
        assert_eq!(waiting.len(), 2, "{q}");
        assert_eq!(waiting[0]["case_id"], maria_case.as_str());
        assert_eq!(waiting[0]["position"], 1);
        assert_eq!(waiting[1]["case_id"], dev_case.as_str());
        assert_eq!(waiting[1]["position"], 2);
        assert_eq!(q["agents_available"], 0);
        let metrics = api.call(Method::GET, "/metrics", None, None).await.text();
        assert!(
            metrics.contains("trustwork_verification_waiting 2"),
            "{metrics}"
        );
        assert!(
            metrics.contains("trustwork_verification_oldest_wait_seconds 1\n"),
            "{metrics}"
        );
        // No agent on the queue: each waits for a call of the default ten minutes per place.
        assert_eq!(waiting[0]["estimated_wait_seconds"], 600);
        assert_eq!(waiting[1]["estimated_wait_seconds"], 1200);

        let state = page_call(
            &api,
            Method::GET,
            &format!("/verify/{v_id}/state"),
            &v_cookie,
            None,
            None,
        )
        .await
        .ok();
        assert_eq!(state["call"]["status"], "waiting");
        assert_eq!(state["call"]["position"], 2);
        assert_eq!(state["consent_given"], true);

        // An agent takes the first; Dev moves up. Maria leaving after being taken changes nothing.
        let taken = api
            .app
            .take_next_verification(&d.agent)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(taken.case_id, maria_case);
        let state = page_call(
            &api,
            Method::GET,
            &format!("/verify/{v_id}/state"),
            &v_cookie,
            None,
            None,
        )
        .await
        .ok();
        assert_eq!(state["call"]["position"], 1);
        let maria = page_call(
            &api,
            Method::GET,
            &format!("/verify/{m_id}/state"),
            &m_cookie,
            None,
            None,
        )
        .await
        .ok();
        assert_eq!(maria["call"]["status"], "with_agent");
        assert!(
            maria["chat"][0]["body"]
                .as_str()
                .unwrap()
                .contains("An agent has joined")
        );

        // Dev leaves: the queue is empty; the deadline still runs.
        page_call(
            &api,
            Method::POST,
            &format!("/verify/{v_id}/leave"),
            &v_cookie,
            Some(&v_csrf),
            None,
        )
        .await
        .ok();
        let q = api.get(&d.reader, "/api/v1/verification-queue").await.ok();
        assert_eq!(q["waiting"].as_array().unwrap().len(), 0, "{q}");
        let dev_case_now = api
            .get(&d.reader, &format!("/api/v1/verification-cases/{dev_case}"))
            .await
            .ok();
        assert_eq!(dev_case_now["status"], "pending");
    })
    .await;
}

#[tokio::test]
async fn questions_expect_what_the_records_say() {
    each_backend(|db| async move {
        let api = api(db);
        let d = api.seed().await;
        let case = open_case(&api, &d, &d.maria).await;
        let facts = api
            .get(&d.reader, &format!("/api/v1/accounts/{}/facts", d.maria))
            .await
            .ok();
        assert_eq!(facts["college"], "Universitat de València");
        let account = api
            .get(&d.reader, &format!("/api/v1/accounts/{}", d.maria))
            .await
            .ok();

        let body = api
            .get(
                &d.operator,
                &format!("/api/v1/verification-cases/{case}/questions"),
            )
            .await
            .ok();
        let questions = body["questions"].as_array().unwrap();
        assert!(questions.len() >= 6, "{body}");
        for q in questions {
            let expected = q["expected"].as_str().unwrap();
            match q["topic"].as_str().unwrap() {
                "full_name" => assert_eq!(expected, account["display_name"].as_str().unwrap()),
                "email" => assert_eq!(expected, account["email"].as_str().unwrap()),
                "street_address" => assert_eq!(expected, facts["street_address"].as_str().unwrap()),
                "college" => assert_eq!(expected, "Universitat de València"),
                "active_contracts" => assert_eq!(expected, "1"),
                "current_client" => assert_eq!(expected, "Acme Robotics"),
                "skill" => assert!(
                    facts["skills"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|s| expected.contains(s.as_str().unwrap())),
                    "{expected}"
                ),
                "join_date" => {
                    let created = account["created_at"].as_str().unwrap();
                    assert!(expected.ends_with(&created[..4]), "{expected} vs {created}");
                }
                other => panic!("a topic the demo has no record for: {other}"),
            }
            assert_eq!(q["mark"], "not_asked");
        }
        // The same set until a call draws a new one.
        let again = api
            .get(
                &d.operator,
                &format!("/api/v1/verification-cases/{case}/questions"),
            )
            .await
            .ok();
        assert_eq!(again, body);

        let qid = questions[0]["id"].as_str().unwrap();
        let marked = api
            .post(
                &d.operator,
                &format!("/api/v1/verification-cases/{case}/questions/{qid}"),
                json!({"mark": "matched"}),
            )
            .await
            .ok();
        assert_eq!(marked["mark"], "matched");
        api.post(
            &d.operator,
            &format!("/api/v1/verification-cases/{case}/questions/{qid}"),
            json!({"mark": "maybe"}),
        )
        .await
        .expect_error(422, "invalid_input");
        api.post(
            &d.reader,
            &format!("/api/v1/verification-cases/{case}/questions/{qid}"),
            json!({"mark": "matched"}),
        )
        .await
        .expect_error(403, "forbidden");

        // Facts are validated.
        let long = "x".repeat(301);
        let reply = api
            .call(
                Method::PUT,
                &format!("/api/v1/accounts/{}/facts", d.maria),
                Some(&d.operator),
                Some(&json!({"street_address": long})),
            )
            .await;
        reply.expect_error(422, "invalid_input");
    })
    .await;
}

#[tokio::test]
async fn evidence_is_sealed_opened_with_the_scope_audited_and_purged() {
    each_backend(|db| async move {
        let api = api(db);
        let d = api.seed().await;
        let evidence_reader = api.app.create_api_token("evidence", &[Scope::EvidenceRead]).await.unwrap().1;
        let case = open_case(&api, &d, &d.maria).await;
        let path = format!("/api/v1/verification-cases/{case}/evidence");
        let png = marked_png();

        // Wrong type header, wrong bytes, wrong role, oversize.
        api.post_raw(&d.operator, &format!("{path}?kind=id_capture"), Some("text/plain"), png.clone())
            .await
            .expect_error(415, "unsupported_media_type");
        api.post_raw(&d.operator, &format!("{path}?kind=id_capture"), Some("image/png"), b"GIF89a....".to_vec())
            .await
            .expect_error(422, "invalid_input");
        api.post_raw(&d.operator, &format!("{path}?kind=passport"), Some("image/png"), png.clone())
            .await
            .expect_error(422, "invalid_input");
        api.post_raw(&d.reader, &format!("{path}?kind=id_capture"), Some("image/png"), png.clone())
            .await
            .expect_error(403, "forbidden");
        let mut huge = b"\xFF\xD8\xFF".to_vec();
        huge.resize(trustwork_core::evidence::MAX_EVIDENCE_BYTES + 1, 0);
        let reply = api.post_raw(&d.operator, &format!("{path}?kind=id_capture"), Some("image/jpeg"), huge).await;
        assert_eq!(reply.status.as_u16(), 422, "{}", reply.text());

        let added = api
            .post_raw(&d.operator, &format!("{path}?kind=id_capture"), Some("image/png"), png.clone())
            .await
            .expect(201);
        let eid = added["id"].as_str().unwrap().to_owned();
        assert_eq!(added["content_type"], "image/png");

        // Documents: multipart, type from the bytes.
        let boundary = "tw-boundary";
        let multipart = |kind: &str, bytes: &[u8]| {
            let mut body = format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"id.pdf\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .into_bytes();
            body.extend_from_slice(bytes);
            body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
            body
        };
        let ct = format!("multipart/form-data; boundary={boundary}");
        let docs = format!("/api/v1/verification-cases/{case}/documents");
        let doc = api.post_raw(&d.operator, &docs, Some(&ct), multipart("id_front", b"%PDF-1.7\n1 0 obj")).await.expect(201);
        assert_eq!(doc["content_type"], "application/pdf");
        api.post_raw(&d.operator, &docs, Some(&ct), multipart("id_front", b"MZ\x90\x00 an exe"))
            .await
            .expect_error(422, "invalid_input");
        api.post_raw(&d.operator, &docs, Some(&ct), multipart("id_capture", b"%PDF-1.7"))
            .await
            .expect_error(422, "invalid_input");

        // Opening needs the evidence scope (admin implies it); each view is audited.
        api.get(&d.operator, &format!("{path}/{eid}")).await.expect_error(403, "forbidden");
        let opened = api.get(&evidence_reader, &format!("{path}/{eid}")).await;
        assert_eq!(opened.status.as_u16(), 200);
        assert_eq!(opened.body.as_ref(), png.as_slice());
        assert_eq!(opened.headers[header::CONTENT_TYPE], "image/png");
        let admin_view = api.get(&d.admin, &format!("{path}/{eid}")).await;
        assert_eq!(admin_view.status.as_u16(), 200);
        let audit = api.get(&d.admin, &format!("/api/v1/accounts/{}/audit", d.maria)).await.ok();
        let views = audit.to_string().matches("verification.evidence_viewed").count();
        assert_eq!(views, 2, "{audit}");

        // At rest it is sealed: the pattern is nowhere in the table.
        let mut tx = api.app.db().begin().await.unwrap();
        let sealed = tx.sealed_evidence(&eid).await.unwrap().unwrap();
        drop(tx);
        assert!(!sealed.contains("TW-EVIDENCE"));
        {
            use base64::Engine;
            let raw = base64::engine::general_purpose::STANDARD.decode(&sealed).unwrap();
            assert!(!raw.windows(11).any(|w| w == b"TW-EVIDENCE"));
            assert_ne!(raw.len(), 0);
        }

        // The outcome starts the retention clock; 30 days later the files are gone: 410.
        api.post(&d.operator, &format!("/api/v1/verification-cases/{case}/outcome"), json!({"outcome": "verified", "note": "ID matched the name and photo"}))
            .await
            .ok();
        api.post(&d.admin, "/api/v1/test-clock/advance", json!({"seconds": 29 * 86_400})).await.ok();
        assert_eq!(api.get(&d.admin, &format!("{path}/{eid}")).await.status.as_u16(), 200);
        api.post(&d.admin, "/api/v1/test-clock/advance", json!({"seconds": 2 * 86_400})).await.ok();
        api.get(&d.admin, &format!("{path}/{eid}")).await.expect_error(410, "evidence_purged");
        let listed = api.get(&d.reader, &path).await.ok();
        assert!(listed["evidence"].as_array().unwrap().iter().all(|e| e["purged_at"].is_string()), "{listed}");
        // A decided case takes no more.
        api.post_raw(&d.operator, &format!("{path}?kind=id_capture"), Some("image/png"), png.clone())
            .await
            .expect_error(409, "conflict");
    })
    .await;
}

/// The image's bytes are nowhere in SQLite's files or the data directory, in the clear or in
/// base64.
#[tokio::test]
async fn no_plaintext_evidence_in_the_sqlite_files() {
    use base64::Engine;
    let test_db = TestDb::sqlite().await.unwrap();
    let api = api(test_db.db.clone());
    let d = api.seed().await;
    let case = open_case(&api, &d, &d.maria).await;
    api.post_raw(
        &d.operator,
        &format!("/api/v1/verification-cases/{case}/evidence?kind=id_capture"),
        Some("image/png"),
        marked_png(),
    )
    .await
    .expect(201);
    let dir = std::path::PathBuf::from(test_db.url.trim_start_matches("sqlite://"))
        .parent()
        .unwrap()
        .to_owned();
    let needles: Vec<Vec<u8>> = vec![
        b"TW-EVIDENCE-PLAINTEXT".to_vec(),
        base64::engine::general_purpose::STANDARD
            .encode(b"TW-EVIDENCE-PLAINTEXT-PATTERN-TW-EVIDENCE")
            .into_bytes()[..20]
            .to_vec(),
    ];
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        files += 1;
        for n in &needles {
            assert!(
                !bytes.windows(n.len()).any(|w| w == n.as_slice()),
                "found the plaintext at rest"
            );
        }
    }
    assert!(files >= 1);
    test_db.cleanup().await;
}

/// While the member appeals a failed verification, its evidence is kept; the purge waits for
/// the appeal's decision.
#[tokio::test]
async fn evidence_is_kept_while_an_appeal_is_open() {
    each_backend(|db| async move {
        let api = api(db);
        let d = api.seed().await;
        let case = open_case(&api, &d, &d.maria).await;
        let path = format!("/api/v1/verification-cases/{case}/evidence");
        let eid = api
            .post_raw(&d.operator, &format!("{path}?kind=id_capture"), Some("image/png"), marked_png())
            .await
            .expect(201)["id"]
            .as_str()
            .unwrap()
            .to_owned();
        api.post(&d.operator, &format!("/api/v1/verification-cases/{case}/outcome"), json!({"outcome": "failed", "note": "the ID shown did not match the name"}))
            .await
            .ok();
        let restrictions = api.get(&d.reader, &format!("/api/v1/accounts/{}/restrictions", d.maria)).await.ok();
        let hold = restrictions["restrictions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["reason_code"] == "IDENTITY_UNCERTAINTY")
            .unwrap_or_else(|| panic!("{restrictions}"))["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let appeal = api
            .post(&d.operator, &format!("/api/v1/restrictions/{hold}/appeals"), json!({"statement": "That was my passport; the name is my married name."}))
            .await
            .expect(201);
        api.post(&d.admin, "/api/v1/test-clock/advance", json!({"seconds": 31 * 86_400})).await.ok();
        let kept = api.get(&d.admin, &format!("{path}/{eid}")).await;
        assert_eq!(kept.status.as_u16(), 200, "kept while the appeal is open");
        api.post(
            &d.operator,
            &format!("/api/v1/appeals/{}/decision", appeal["id"].as_str().unwrap()),
            json!({"agent_id": d.agent, "decision": "upheld", "note": "names differ beyond a marriage"}),
        )
        .await
        .ok();
        api.post(&d.admin, "/api/v1/test-clock/advance", json!({"seconds": 86_400})).await.ok();
        api.get(&d.admin, &format!("{path}/{eid}")).await.expect_error(410, "evidence_purged");
    })
    .await;
}

/// A member whose page stopped asking is not offered to agents; back on the page, the same
/// place. An agent who cannot finish puts the member back.
#[tokio::test]
async fn away_members_wait_aside_and_agents_can_hand_a_member_back() {
    each_backend(|db| async move {
        let api = api(db);
        let d = api.seed().await;
        let case = open_case(&api, &d, &d.maria).await;
        let (id, cookie, csrf) = session(&api, &d, &case).await;
        page_call(
            &api,
            Method::POST,
            &format!("/verify/{id}/queue"),
            &cookie,
            Some(&csrf),
            Some(json!({"consent": true})),
        )
        .await
        .ok();
        api.clock.advance(61_000).unwrap();
        let q = api.get(&d.reader, "/api/v1/verification-queue").await.ok();
        assert_eq!(q["waiting"].as_array().unwrap().len(), 0, "away: {q}");
        assert!(
            api.app
                .take_next_verification(&d.agent)
                .await
                .unwrap()
                .is_none()
        );
        // Back on the page.
        let state = page_call(
            &api,
            Method::GET,
            &format!("/verify/{id}/state"),
            &cookie,
            None,
            None,
        )
        .await
        .ok();
        assert_eq!(state["call"]["status"], "waiting");
        let q = api.get(&d.reader, "/api/v1/verification-queue").await.ok();
        assert_eq!(q["waiting"][0]["case_id"], case.as_str(), "{q}");

        let call = api
            .app
            .take_next_verification(&d.agent)
            .await
            .unwrap()
            .unwrap();
        // Leaving after being taken changes nothing: the agent has the member.
        page_call(
            &api,
            Method::POST,
            &format!("/verify/{id}/leave"),
            &cookie,
            Some(&csrf),
            None,
        )
        .await
        .ok();
        assert_eq!(
            api.app
                .verification_call(&call.id)
                .await
                .unwrap()
                .status
                .as_str(),
            "with_agent"
        );
        // Another agent cannot hand back a call that is not theirs.
        assert!(
            api.app
                .release_verification_call("acc_other", &call.id)
                .await
                .is_err()
        );
        api.app
            .release_verification_call(&d.agent, &call.id)
            .await
            .unwrap();
        let state = page_call(
            &api,
            Method::GET,
            &format!("/verify/{id}/state"),
            &cookie,
            None,
            None,
        )
        .await
        .ok();
        assert_eq!(state["call"]["status"], "waiting");
        assert_eq!(state["call"]["position"], 1);
        let transcript = api.app.verification_transcript(&case).await.unwrap();
        assert!(
            transcript
                .iter()
                .any(|m| m.body.contains("back in the queue"))
        );
    })
    .await;
}
