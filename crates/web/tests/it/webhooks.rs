//! The webhook API: subscribe (the secret shown once), list, see deliveries, replay, disable;
//! bad input, unknown ids and missing scopes, on both databases.

use crate::support::api;
use serde_json::json;
use trustwork_app::store::testing::each_backend;

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
