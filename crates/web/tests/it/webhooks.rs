//! The webhook API: subscribe (the secret shown once), list, see deliveries, replay, disable;
//! bad input, unknown ids and missing scopes, on both databases.

use crate::support::api;
use serde_json::json;
use trustwork_store::testing::each_backend;

#[tokio::test]
async fn subscriptions_deliveries_and_replays_over_the_api() {
    each_backend(|db| async move {
        let api = api(db);
        let d = api.seed().await;
        let created = api
            .post(
                &d.admin,
                "/api/v1/webhooks",
                json!({"url": "http://127.0.0.1:9/hook", "event_types": ["standing.changed", "decision.created"]}),
            )
            .await
            .expect(201);
        let id = created["id"].as_str().unwrap().to_owned();
        let secret = created["secret"].as_str().unwrap();
        assert!(secret.starts_with("whsec_"), "{created}");
        assert_eq!(
            created["event_types"],
            json!(["decision.created", "standing.changed"])
        );
        assert_eq!(created["active"], true);

        // Listed without the secret: it was shown once.
        let list = api.get(&d.admin, "/api/v1/webhooks").await.ok();
        assert_eq!(list["webhooks"].as_array().unwrap().len(), 1);
        assert_eq!(list["webhooks"][0]["id"], id.as_str());
        assert!(list["webhooks"][0].get("secret").is_none());
        assert!(!list.to_string().contains(secret));

        // A restriction queues a standing.changed delivery in its transaction.
        let path = format!("/api/v1/webhooks/{id}/deliveries");
        assert_eq!(
            api.get(&d.admin, &path).await.ok()["deliveries"],
            json!([])
        );
        api.post(
            &d.admin,
            &format!("/api/v1/accounts/{}/restrictions", d.dev),
            json!({"reason_code": "SPAM", "severity": "hold", "note": "bulk cover letters"}),
        )
        .await
        .expect(201);
        let deliveries = api.get(&d.admin, &path).await.ok();
        let first = &deliveries["deliveries"][0];
        assert_eq!(first["event_type"], "standing.changed");
        assert_eq!(first["status"], "pending");
        assert_eq!(first["attempts"], 0);
        assert_eq!(first["payload"]["type"], "standing.changed");
        assert_eq!(first["payload"]["data"]["account_id"], d.dev.as_str());
        assert_eq!(first["payload"]["data"]["standing"], "on_hold");
        let delivery_id = first["id"].as_str().unwrap().to_owned();

        let replay = api
            .post(
                &d.admin,
                &format!("/api/v1/webhook-deliveries/{delivery_id}/replay"),
                json!({}),
            )
            .await
            .expect(201);
        assert_eq!(replay["replay_of"], delivery_id.as_str());
        assert_eq!(replay["payload"], first["payload"]);
        assert_ne!(replay["id"], first["id"]);
        assert_eq!(
            api.get(&d.admin, &path).await.ok()["deliveries"]
                .as_array()
                .unwrap()
                .len(),
            2
        );

        let off = api
            .post(&d.admin, &format!("/api/v1/webhooks/{id}/disable"), json!({}))
            .await
            .ok();
        assert_eq!(off["active"], false);
        assert!(off["disabled_at"].is_string());
        api.post(
            &d.admin,
            &format!("/api/v1/webhook-deliveries/{delivery_id}/replay"),
            json!({}),
        )
        .await
        .expect_error(409, "conflict");
        // Disabling again changes nothing.
        let again = api
            .post(&d.admin, &format!("/api/v1/webhooks/{id}/disable"), json!({}))
            .await
            .ok();
        assert_eq!(again["disabled_at"], off["disabled_at"]);
    })
    .await;
}

#[tokio::test]
async fn bad_input_unknown_ids_and_missing_scopes() {
    each_backend(|db| async move {
        let api = api(db);
        let d = api.seed().await;
        for (body, words) in [
            (
                json!({"url": "ftp://example.com/h", "event_types": ["*"]}),
                &["url"][..],
            ),
            (
                json!({"url": format!("https://example.com/{}", "a".repeat(2100)), "event_types": ["*"]}),
                &["url", "2048"],
            ),
            (
                json!({"url": "https://example.com/h", "event_types": ["nope.happened"]}),
                &["event_types", "nope.happened"],
            ),
            (json!({"url": 5, "event_types": ["*"]}), &["url"]),
        ] {
            let message = api
                .post(&d.admin, "/api/v1/webhooks", body.clone())
                .await
                .expect_error(422, "invalid_input");
            for w in words {
                assert!(message.contains(w), "{body}: {message}");
            }
        }
        assert_eq!(
            api.get(&d.admin, "/api/v1/webhooks").await.ok()["webhooks"],
            json!([])
        );
        for (post, path) in [
            (true, "/api/v1/webhooks/whs_nope/disable"),
            (false, "/api/v1/webhooks/whs_nope/deliveries"),
            (true, "/api/v1/webhook-deliveries/msg_nope/replay"),
        ] {
            let reply = if post {
                api.post(&d.admin, path, json!({})).await
            } else {
                api.get(&d.admin, path).await
            };
            let message = reply.expect_error(404, "not_found");
            assert!(message.ends_with("not found"), "{path}: {message}");
        }
        // accounts:read and accounts:write are not enough: webhooks are the admin's.
        let message = api
            .post(
                &d.operator,
                "/api/v1/webhooks",
                json!({"url": "https://example.com/h", "event_types": ["*"]}),
            )
            .await
            .expect_error(403, "forbidden");
        assert!(message.contains("admin"), "{message}");
        api.get(&d.operator, "/api/v1/webhooks")
            .await
            .expect_error(403, "forbidden");
        api.get(&d.reader, "/api/v1/webhooks/whs_nope/deliveries")
            .await
            .expect_error(403, "forbidden");
    })
    .await;
}

mod console {
    use crate::support::{Api, Reply, api};
    use axum::body::Body;
    use axum::http::{Method, Request, StatusCode, header};
    use trustwork_store::testing::each_backend;

    async fn send(api: &Api, method: Method, cookie: &str, path: &str, form: &str) -> Reply {
        let r = Request::builder()
            .method(method)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, cookie);
        api.send(r.body(Body::from(form.to_owned())).unwrap()).await
    }

    fn value_after(html: &str, marker: &str) -> String {
        let start = html.find(marker).unwrap() + marker.len();
        let end = html[start..].find('"').unwrap() + start;
        html[start..end].to_owned()
    }

    /// A signed-in admin: the session cookie and the CSRF token.
    async fn admin(api: &Api) -> (String, String) {
        let page = api
            .send(Request::get("/login").body(Body::empty()).unwrap())
            .await;
        let set = page
            .headers
            .get(header::SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap();
        let login_cookie = set.split(';').next().unwrap().to_owned();
        let csrf = login_cookie.trim_start_matches("tw_login_csrf=").to_owned();
        let reply = send(
            api,
            Method::POST,
            &login_cookie,
            "/login",
            &format!("email=admin@trustwork.demo&password=trustwork-demo&csrf={csrf}"),
        )
        .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
        let session = reply
            .headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("tw_session="))
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let page = send(api, Method::GET, &session, "/admin/webhooks", "").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text());
        let csrf = value_after(&page.text(), "name=\"csrf\" value=\"");
        (session, csrf)
    }

    #[tokio::test]
    async fn admins_subscribe_see_deliveries_and_replay_in_the_console() {
        each_backend(|db| async move {
            let api = api(db);
            let d = api.seed().await;
            let (cookie, csrf) = admin(&api).await;
            let page = send(&api, Method::GET, &cookie, "/admin/webhooks", "")
                .await
                .text();
            assert!(
                page.contains("href=\"/admin/webhooks\""),
                "the nav links here"
            );
            assert!(page.contains("No subscriptions yet."));

            // Without the CSRF token nothing happens.
            let refused = send(
                &api,
                Method::POST,
                &cookie,
                "/admin/webhooks",
                "csrf=forged&url=http%3A%2F%2F127.0.0.1%3A9%2Fh&standing_changed=1",
            )
            .await;
            assert!(refused.status.is_client_error(), "{}", refused.status);
            assert!(api.app.webhooks().await.unwrap().is_empty());

            let created = send(
                &api,
                Method::POST,
                &cookie,
                "/admin/webhooks",
                &format!("csrf={csrf}&url=http%3A%2F%2F127.0.0.1%3A9%2Fh&standing_changed=1"),
            )
            .await;
            assert_eq!(created.status, StatusCode::OK);
            let html = created.text();
            let sub = api.app.webhooks().await.unwrap()[0].clone();
            assert_eq!(sub.event_types, "standing.changed");
            assert!(html.contains(&sub.secret), "the secret is shown once");
            let again = send(&api, Method::GET, &cookie, "/admin/webhooks", "")
                .await
                .text();
            assert!(!again.contains(&sub.secret), "and only once");

            let bad = send(
                &api,
                Method::POST,
                &cookie,
                "/admin/webhooks",
                &format!("csrf={csrf}&url=ftp%3A%2F%2Fx"),
            )
            .await;
            assert_eq!(bad.status, StatusCode::SEE_OTHER);
            assert!(
                bad.headers[header::LOCATION]
                    .to_str()
                    .unwrap()
                    .contains("error=")
            );

            api.post(
                &d.admin,
                &format!("/api/v1/accounts/{}/restrictions", d.dev),
                serde_json::json!({"reason_code": "SPAM", "severity": "hold", "note": "n"}),
            )
            .await
            .expect(201);
            let delivery = api.app.webhook_deliveries(None).await.unwrap()[0].clone();
            let html = send(&api, Method::GET, &cookie, "/admin/webhooks", "")
                .await
                .text();
            assert!(html.contains(&delivery.id) && html.contains("standing.changed"));
            let replayed = send(
                &api,
                Method::POST,
                &cookie,
                &format!("/admin/webhook-deliveries/{}/replay", delivery.id),
                &format!("csrf={csrf}"),
            )
            .await;
            assert_eq!(replayed.status, StatusCode::SEE_OTHER);
            let all = api.app.webhook_deliveries(None).await.unwrap();
            assert_eq!(all.len(), 2);
            assert_eq!(all[0].replay_of.as_deref(), Some(delivery.id.as_str()));

            let off = send(
                &api,
                Method::POST,
                &cookie,
                &format!("/admin/webhooks/{}/disable", sub.id),
                &format!("csrf={csrf}"),
            )
            .await;
            assert_eq!(off.status, StatusCode::SEE_OTHER);
            assert!(!api.app.webhooks().await.unwrap()[0].active);
        })
        .await;
    }
}
