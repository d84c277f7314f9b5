//! Drives the real router in-process (no socket) and reads its answers.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use serde_json::{Value, json};
use std::sync::Arc;
use tower::ServiceExt;
use trustwork_app::auth::Scope;
use trustwork_app::demo::DemoCredentials;
use trustwork_app::{App, AppConfig, Clock, DevMailbox, FakeClock};
use trustwork_core::Timestamp;
use trustwork_store::Db;
use trustwork_web::WebState;

/// 2026-11-21T00:00:00Z
pub const START: Timestamp = Timestamp(1_795_219_200_000);

/// The largest body the server takes (64 KiB).
pub const BODY_LIMIT: usize = 64 * 1024;

pub struct Api {
    pub app: App,
    pub clock: Arc<FakeClock>,
    router: Router,
}

/// An API over `db` in demo mode (the test clock route exists), with a fake clock at [`START`].
pub fn api(db: Db) -> Api {
    api_with(db, true)
}

/// An API whose web state is adjusted by `adjust` (rate limits, a metrics token).
pub fn api_adjusted(db: Db, adjust: impl FnOnce(WebState) -> WebState) -> Api {
    let mut api = api_with(db, true);
    api.router = trustwork_web::router(adjust(WebState::new(api.app.clone(), false)));
    api
}

pub fn api_with(db: Db, demo_mode: bool) -> Api {
    api_configured(db, |c| c.demo_mode = demo_mode)
}

/// An API in demo mode whose app configuration is adjusted by `adjust` (policy settings).
pub fn api_configured(db: Db, adjust: impl FnOnce(&mut AppConfig)) -> Api {
    let clock = Arc::new(FakeClock::at(START));
    let mut config = AppConfig {
        demo_mode: true,
        node_id: "web-test-node".into(),
        webhooks: trustwork_app::WebhookConfig {
            allowed_targets: trustwork_core::net::AllowedTargets::loopback(),
            ..Default::default()
        },
        ..AppConfig::default()
    };
    adjust(&mut config);
    let app = App::new(
        db,
        clock.clone() as Arc<dyn Clock>,
        Arc::new(DevMailbox),
        config,
    );
    let router = trustwork_web::router(WebState::new(app.clone(), false));
    Api { app, clock, router }
}

/// The demo marketplace's people, by name, and the tokens tests use.
pub struct Demo {
    /// All scopes.
    pub admin: String,
    /// `accounts:read` only.
    pub reader: String,
    /// `accounts:write` only.
    pub writer: String,
    /// `accounts:read` and `accounts:write`, not `admin`.
    pub operator: String,
    pub maria: String,
    pub dev: String,
    pub li: String,
    pub acme: String,
    pub agent: String,
    pub credentials: DemoCredentials,
}

impl Demo {
    /// Every account of the demo marketplace.
    pub fn account_ids(&self) -> Vec<String> {
        self.credentials
            .accounts
            .iter()
            .map(|a| a.id.clone())
            .collect()
    }
}

impl Api {
    /// Seeds the demo marketplace and makes one token per scope combination.
    pub async fn seed(&self) -> Demo {
        let credentials = self.app.seed_demo().await.unwrap();
        let id = |email: &str| {
            credentials
                .accounts
                .iter()
                .find(|a| a.email == email)
                .map(|a| a.id.clone())
                .unwrap()
        };
        let token = |name: &'static str, scopes: &'static [Scope]| {
            let app = self.app.clone();
            async move { app.create_api_token(name, scopes).await.unwrap().1 }
        };
        Demo {
            admin: credentials.admin_api_token.clone(),
            reader: token("reader", &[Scope::AccountsRead]).await,
            writer: token("writer", &[Scope::AccountsWrite]).await,
            operator: token("operator", &[Scope::AccountsRead, Scope::AccountsWrite]).await,
            maria: id("maria@trustwork.demo"),
            dev: id("dev@trustwork.demo"),
            li: id("li@trustwork.demo"),
            acme: id("acme@trustwork.demo"),
            agent: id("agent@trustwork.demo"),
            credentials,
        }
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        Reply {
            status,
            headers,
            body,
        }
    }

    /// A request with an optional bearer token and an optional JSON body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let body = match body {
            Some(v) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(serde_json::to_vec(v).unwrap())
            }
            None => Body::empty(),
        };
        self.send(request.body(body).unwrap()).await
    }

    pub async fn get(&self, token: &str, path: &str) -> Reply {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, token: &str, path: &str, body: Value) -> Reply {
        self.call(Method::POST, path, Some(token), Some(&body))
            .await
    }

    /// A POST whose body and content type are given as they are.
    pub async fn post_raw(
        &self,
        token: &str,
        path: &str,
        content_type: Option<&str>,
        body: impl Into<Body>,
    ) -> Reply {
        let mut request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"));
        if let Some(ct) = content_type {
            request = request.header(header::CONTENT_TYPE, ct);
        }
        self.send(request.body(body.into()).unwrap()).await
    }

    /// Everything the API shows about these accounts, plus timers and the outbox: two equal
    /// snapshots around a refused request prove it changed nothing.
    pub async fn snapshot(&self, admin: &str, accounts: &[String]) -> Value {
        let mut out = serde_json::Map::new();
        for id in accounts {
            let mut parts = serde_json::Map::new();
            for part in [
                "",
                "/capabilities",
                "/restrictions",
                "/verification-cases",
                "/proposals",
                "/contracts",
                "/withdrawals",
                "/audit",
            ] {
                let reply = self
                    .get(admin, &format!("/api/v1/accounts/{id}{part}"))
                    .await;
                parts.insert(part.to_owned(), reply.ok());
            }
            out.insert(id.clone(), Value::Object(parts));
        }
        out.insert(
            "timers".into(),
            self.get(admin, "/api/v1/timers").await.ok(),
        );
        let mail: Vec<Value> = self
            .app
            .mailbox(None)
            .await
            .unwrap()
            .iter()
            .map(|m| json!([m.id, m.recipient, m.subject, m.status]))
            .collect();
        out.insert("mail".into(), Value::Array(mail));
        out.insert("now".into(), json!(self.app.now().millis()));
        Value::Object(out)
    }
}

/// An answer: status, headers and the collected body.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "{} answered a body that is not JSON ({e}): {:?}",
                self.status,
                self.text()
            )
        })
    }

    /// Asserts the status and returns the JSON body.
    #[track_caller]
    pub fn expect(&self, status: u16) -> Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.text()
        );
        self.json()
    }

    /// Asserts 200 and returns the JSON body.
    #[track_caller]
    pub fn ok(&self) -> Value {
        self.expect(200)
    }

    /// Asserts an error answer in the API's shape, `{"error": {"code", "message"}}` served as
    /// JSON, with this status and code; returns the message.
    #[track_caller]
    pub fn expect_error(&self, status: u16, code: &str) -> String {
        let body = self.expect(status);
        assert_eq!(
            self.headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok()),
            Some("application/json"),
            "an error must be served as JSON"
        );
        let error = body
            .get("error")
            .and_then(Value::as_object)
            .unwrap_or_else(|| panic!("no error object in {body}"));
        assert_eq!(
            body.as_object().map(serde_json::Map::len),
            Some(1),
            "only `error` at the top: {body}"
        );
        assert_eq!(error.get("code"), Some(&json!(code)), "in {body}");
        let message = error
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no message in {body}"));
        assert!(!message.trim().is_empty(), "an empty message in {body}");
        message.to_owned()
    }
}
