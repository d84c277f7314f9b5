//! One signed POST to a receiver. hyper's client with rustls: `http://` and `https://` (Mozilla's
//! roots) both work. Redirects are not followed: a 3xx counts as a failed attempt, so a
//! delivery never lands somewhere the operator did not name.
//!
//! Nothing is sent inside the operator's network: a host written as an address is checked
//! before connecting, and a name is resolved by [`GuardedResolver`], which hands the connector
//! only addresses on the public internet (or allowed by `webhook_allowed_hosts`). The check
//! happens at connection time on the addresses actually dialled, so a name that changes its
//! answer after the subscription was made (DNS rebinding) gains nothing.

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{CONTENT_TYPE, HeaderValue, USER_AGENT};
use hyper::{Method, Request, Uri};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::dns::Name;
use hyper_util::rt::TokioExecutor;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use trustwork_core::net::AllowedTargets;
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

type Connector = hyper_rustls::HttpsConnector<HttpConnector<GuardedResolver>>;

/// Resolves a receiver's name and keeps only the addresses Trustwork may send to.
#[derive(Clone)]
pub(crate) struct GuardedResolver(Arc<AllowedTargets>);

type Resolved = std::vec::IntoIter<SocketAddr>;

impl tower_service::Service<Name> for GuardedResolver {
    type Response = Resolved;
    type Error = std::io::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Resolved, std::io::Error>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, name: Name) -> Self::Future {
        let allowed = Arc::clone(&self.0);
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if allowed.allows_name(&host) {
                return Ok(found.into_iter());
            }
            let mut refused = None;
            let public: Vec<SocketAddr> = found
                .into_iter()
                .filter(|a| match allowed.refuses_address(a.ip()) {
                    Some(why) => {
                        refused.get_or_insert(why);
                        false
                    }
                    None => true,
                })
                .collect();
            match (public.is_empty(), refused) {
                (true, Some(why)) => Err(std::io::Error::new(
                    std::io::ErrorKind::PermissionDenied,
                    format!("not sent: {host} resolves to {why}"),
                )),
                _ => Ok(public.into_iter()),
            }
        })
    }
}

/// One HTTP client for a worker's deliveries: connections (and TLS sessions) to a receiver are
/// kept and reused, instead of a new TLS handshake per delivery. Made on the runtime that uses
/// it (its pooled connections belong to that runtime).
#[derive(Clone)]
pub(crate) struct Sender {
    client: Client<Connector, Full<Bytes>>,
    allowed: Arc<AllowedTargets>,
}

impl Sender {
    pub fn new(allowed: AllowedTargets) -> Result<Self, String> {
        let allowed = Arc::new(allowed);
        let mut http = HttpConnector::new_with_resolver(GuardedResolver(Arc::clone(&allowed)));
        // The TLS layer decides between http and https.
        http.enforce_http(false);
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
            .map_err(|e| format!("TLS set-up failed: {e}"))?
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        Ok(Sender {
            client: Client::builder(TokioExecutor::new())
                .pool_idle_timeout(Duration::from_secs(60))
                .pool_max_idle_per_host(8)
                .build(https),
            allowed,
        })
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
    // A host written as an address is dialled without the resolver: it is checked here.
    if let Some(why) = uri
        .host()
        .and_then(|host| sender.allowed.refuses_host(host))
    {
        return Err(format!("not sent: {why}"));
    }
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
        .client
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

#[cfg(test)]
mod tests {
    use super::*;
    use tower_service::Service;

    #[tokio::test]
    async fn names_that_resolve_inside_the_network_are_not_dialled() {
        let name = |s: &str| s.parse::<Name>().unwrap();
        let mut strict = GuardedResolver(Arc::new(AllowedTargets::default()));
        // `localhost` resolves from /etc/hosts, without a network: to loopback only.
        let err = strict.call(name("localhost")).await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::PermissionDenied);
        assert!(err.to_string().contains("loopback"), "{err}");
        let mut allowing = GuardedResolver(Arc::new(AllowedTargets::loopback()));
        let found: Vec<SocketAddr> = allowing.call(name("localhost")).await.unwrap().collect();
        assert!(found.iter().all(|a| a.ip().is_loopback()) && !found.is_empty());
    }

    #[tokio::test]
    async fn addresses_in_urls_are_checked_before_connecting() {
        let sender = Sender::new(AllowedTargets::default()).unwrap();
        for url in [
            "http://127.0.0.1:9/h",
            "http://[::1]:9/h",
            "http://10.1.2.3/h",
        ] {
            let out = Outgoing {
                url,
                secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                msg_id: "msg_1",
                timestamp_secs: 1,
                body: "{}",
            };
            let answer = post(&sender, &out, Duration::from_secs(5)).await;
            let error = answer.error.unwrap_or_default();
            assert!(error.starts_with("not sent: "), "{url}: {error}");
        }
    }
}
