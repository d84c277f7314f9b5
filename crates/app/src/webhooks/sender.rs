//! One signed POST to a receiver. hyper's client with rustls: `http://` and `https://` (Mozilla's
//! roots) both work. Redirects are not followed: a 3xx counts as a failed attempt, so a
//! delivery never lands somewhere the operator did not name.

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{CONTENT_TYPE, HeaderValue, USER_AGENT};
use hyper::{Method, Request, Uri};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::time::{Duration, Instant};
use trustwork_core::webhook;

/// What one attempt got: the receiver's status when it answered, an error when it did not
/// accept the delivery, and how long it took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Answer {
    pub status_code: Option<i64>,
    pub error: Option<String>,
    pub duration_ms: i64,
}

impl Answer {
    pub fn delivered(&self) -> bool {
        self.error.is_none()
    }
}

/// The request to make: where, what, and the signature inputs.
pub(crate) struct Outgoing<'a> {
    pub url: &'a str,
    pub secret: &'a str,
    pub msg_id: &'a str,
    pub timestamp_secs: i64,
    pub body: &'a str,
}

type Connector = hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>;

/// One HTTP client for a worker's deliveries: connections (and TLS sessions) to a receiver are
/// kept and reused, instead of a new TLS handshake per delivery. Made on the runtime that uses
/// it (its pooled connections belong to that runtime).
#[derive(Clone)]
pub(crate) struct Sender(Client<Connector, Full<Bytes>>);

impl Sender {
    pub fn new() -> Result<Self, String> {
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
            .map_err(|e| format!("TLS set-up failed: {e}"))?
            .https_or_http()
            .enable_http1()
            .build();
        Ok(Sender(
            Client::builder(TokioExecutor::new())
                .pool_idle_timeout(Duration::from_secs(60))
                .pool_max_idle_per_host(8)
                .build(https),
        ))
    }
}

/// Signs and POSTs `out`, giving up after `timeout`. Any 2xx is success; everything else
/// (another status, a refused connection, a timeout) is an error to retry.
pub(crate) async fn post(sender: &Sender, out: &Outgoing<'_>, timeout: Duration) -> Answer {
    let started = Instant::now();
    let result = tokio::time::timeout(timeout, attempt(sender, out)).await;
    let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    let (status_code, error) = match result {
        Err(_) => (
            None,
            Some(format!("timed out after {} ms", timeout.as_millis())),
        ),
        Ok(Err(e)) => (None, Some(e)),
        Ok(Ok(code)) if (200..300).contains(&code) => (Some(i64::from(code)), None),
        Ok(Ok(code)) => (Some(i64::from(code)), Some(format!("HTTP {code}"))),
    };
    Answer {
        status_code,
        error,
        duration_ms,
    }
}

async fn attempt(sender: &Sender, out: &Outgoing<'_>) -> Result<u16, String> {
    let uri: Uri = out
        .url
        .parse()
        .map_err(|e| format!("invalid URL {:?}: {e}", out.url))?;
    let signature = webhook::sign(
        out.secret,
        out.msg_id,
        out.timestamp_secs,
        out.body.as_bytes(),
    )
    .map_err(|e| e.to_string())?;
    let request = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
        .header(USER_AGENT, HeaderValue::from_static("Trustwork-Webhooks/1"))
        .header("webhook-id", out.msg_id)
        .header("webhook-timestamp", out.timestamp_secs.to_string())
        .header("webhook-signature", signature)
        .body(Full::new(Bytes::copy_from_slice(out.body.as_bytes())))
        .map_err(|e| format!("cannot build the request: {e}"))?;
    let response = sender
        .0
        .request(request)
        .await
        .map_err(|e| format!("request failed: {}", error_chain(&e)))?;
    Ok(response.status().as_u16())
}

/// An error with its causes, e.g. "client error (Connect): tcp connect error: Connection
/// refused", so the console says what actually went wrong.
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
