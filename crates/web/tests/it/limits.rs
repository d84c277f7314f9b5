//! API edges: per-token rate limits with Retry-After, the metrics token, the bearer scheme in any
//! case, whole numbers written with a fraction, empty filters.

use crate::support::api_adjusted;
use axum::body::Body;
use axum::http::{Method, Request, header};
use trustwork_store::testing::TestDb;
use trustwork_web::RateLimit;

#[tokio::test]
async fn each_token_has_its_own_rate_and_is_told_when_to_retry() {
    let db = TestDb::sqlite().await.unwrap();
    let api = api_adjusted(db.db.clone(), |s| {
        s.with_rate_limit(Some(RateLimit::per_second(1)))
    });
    let d = api.seed().await;
    let path = format!("/api/v1/accounts/{}", d.maria);
    // A burst of two, then the third waits.
    api.get(&d.admin, &path).await.ok();
    api.get(&d.admin, &path).await.ok();
    let refused = api.get(&d.admin, &path).await;
    refused.expect_error(429, "rate_limited");
    assert_eq!(
        refused
            .headers
            .get(header::RETRY_AFTER)
            .unwrap()
            .to_str()
            .unwrap(),
        "1"
    );
    assert_eq!(refused.json()["error"]["retry_after_secs"], 1);
    // Another token is not slowed by the first one's flood.
    api.get(&d.reader, &path).await.ok();
    db.cleanup().await;
}

#[tokio::test]
async fn metrics_answer_only_to_their_token_when_one_is_set() {
    let db = TestDb::sqlite().await.unwrap();
    let api = api_adjusted(db.db.clone(), |s| {
        s.with_metrics_token(Some("metrics-secret-0123456789".into()))
    });
    let get = |auth: Option<&'static str>| {
        let mut r = Request::builder().method(Method::GET).uri("/metrics");
        if let Some(a) = auth {
            r = r.header(header::AUTHORIZATION, a);
        }
        r.body(Body::empty()).unwrap()
    };
    api.send(get(None)).await.expect_error(401, "unauthorized");
    api.send(get(Some("Bearer wrong")))
        .await
        .expect_error(401, "unauthorized");
    let ok = api
        .send(get(Some("bearer metrics-secret-0123456789")))
        .await;
    assert_eq!(ok.status, 200);
    assert!(ok.text().contains("trustwork_http_requests_total"));
    db.cleanup().await;
}

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive() {
    let db = TestDb::sqlite().await.unwrap();
    let api = api_adjusted(db.db.clone(), |s| s);
    let d = api.seed().await;
    for scheme in ["bearer", "BEARER", "Bearer"] {
        let r = Request::builder()
            .uri(format!("/api/v1/accounts/{}", d.maria))
            .header(header::AUTHORIZATION, format!("{scheme} {}", d.admin))
            .body(Body::empty())
            .unwrap();
        assert_eq!(api.send(r).await.status, 200, "{scheme}");
    }
    let r = Request::builder()
        .uri(format!("/api/v1/accounts/{}", d.maria))
        .header(header::AUTHORIZATION, format!("Basic {}", d.admin))
        .body(Body::empty())
        .unwrap();
    api.send(r).await.expect_error(401, "unauthorized");
    db.cleanup().await;
}

#[tokio::test]
async fn whole_numbers_with_a_zero_fraction_count_and_empty_filters_are_refused() {
    let db = TestDb::sqlite().await.unwrap();
    let api = api_adjusted(db.db.clone(), |s| s);
    let d = api.seed().await;
    // JSON Schema's integer: 1016.0 is 1016.
    let w = api
        .post(
            &d.admin,
            &format!("/api/v1/accounts/{}/withdrawals", d.maria),
            serde_json::json!({"amount_cents": 1016.0}),
        )
        .await
        .expect(201);
    assert_eq!(w["amount_cents"], 1016);
    for filter in ["queue", "sla", "status"] {
        let message = api
            .get(&d.admin, &format!("/api/v1/review-cases?{filter}="))
            .await
            .expect_error(422, "invalid_input");
        assert!(
            message.starts_with(&format!("{filter}: must not be empty")),
            "{message}"
        );
    }
    db.cleanup().await;
}
