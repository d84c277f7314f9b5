//! Calling a third-party provider's REST API (Twilio for phone codes, Stripe for card checks):
//! one pooled HTTPS client, form-encoded bodies as these APIs take them, a deadline on every call
//! and a bounded answer.

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use hyper::{Method, Request, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use std::time::Duration;

type Connector = hyper_rustls::HttpsConnector<HttpConnector>;

/// The longest answer read from a provider.
const MAX_ANSWER_BYTES: usize = 256 * 1024;
const DEADLINE: Duration = Duration::from_secs(15);

/// A provider's base URL and a pooled client for it.
pub(crate) struct ProviderClient {
    base_url: String,
    client: Client<Connector, Full<Bytes>>,
}

impl ProviderClient {
    /// `base_url` is the provider's (`https://api.stripe.com`), or a stand-in's in tests.
    pub fn new(base_url: &str) -> Result<Self, String> {
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
            .map_err(|e| format!("TLS set-up failed: {e}"))?
            .https_or_http()
            .enable_http1()
            .build();
        Ok(Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            client: Client::builder(TokioExecutor::new())
                .pool_idle_timeout(Duration::from_secs(60))
                .build(https),
        })
    }

    /// POSTs `pairs` form-encoded to `path` with the `Authorization` header given; answers the
    /// status and the body, or an error in words when the provider could not be reached.
    pub async fn post_form(
        &self,
        path: &str,
        authorization: &str,
        pairs: &[(&str, &str)],
    ) -> Result<(StatusCode, Bytes), String> {
        let request = Request::builder()
            .method(Method::POST)
            .uri(format!("{}{path}", self.base_url))
            .header(AUTHORIZATION, authorization)
            .header(
                CONTENT_TYPE,
                HeaderValue::from_static("application/x-www-form-urlencoded"),
            )
            .body(Full::new(Bytes::from(form(pairs))))
            .map_err(|e| format!("cannot build the request: {e}"))?;
        let call = async {
            let answer = self
                .client
                .request(request)
                .await
                .map_err(|e| format!("the provider could not be reached: {e}"))?;
            let status = answer.status();
            let body = Limited::new(answer.into_body(), MAX_ANSWER_BYTES)
                .collect()
                .await
                .map_err(|e| format!("the provider's answer could not be read: {e}"))?
                .to_bytes();
            Ok((status, body))
        };
        tokio::time::timeout(DEADLINE, call).await.map_err(|_| {
            format!(
                "the provider did not answer within {} s",
                DEADLINE.as_secs()
            )
        })?
    }
}

/// `application/x-www-form-urlencoded`, as browsers, Twilio and Stripe write it.
pub(crate) fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(char::from(b));
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod stand_in {
    //! A provider on 127.0.0.1 that records one request and answers what it is told.
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

    /// The request line, the headers (lowercase names) and the body.
    pub type Recorded = (String, Vec<String>, String);

    /// Answers each request in turn with `(status, body)`; yields what it received.
    pub async fn provider(
        answers: Vec<(u16, String)>,
    ) -> (String, tokio::task::JoinHandle<Vec<Recorded>>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let handle = tokio::spawn(async move {
            let mut seen = Vec::new();
            for (status, answer_body) in answers {
                let (socket, _) = listener.accept().await.unwrap();
                let (read, mut write) = socket.into_split();
                let mut reader = BufReader::new(read);
                let mut line = String::new();
                reader.read_line(&mut line).await.unwrap();
                let first = line.trim_end().to_owned();
                let mut headers = Vec::new();
                let mut length = 0;
                loop {
                    line.clear();
                    reader.read_line(&mut line).await.unwrap();
                    let l = line.trim_end().to_owned();
                    if l.is_empty() {
                        break;
                    }
                    if let Some(v) = l.to_ascii_lowercase().strip_prefix("content-length: ") {
                        length = v.parse().unwrap();
                    }
                    headers.push(l);
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).await.unwrap();
                let answer = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer_body}",
                    answer_body.len()
                );
                write.write_all(answer.as_bytes()).await.unwrap();
                seen.push((first, headers, String::from_utf8(body).unwrap()));
            }
            seen
        });
        (url, handle)
    }
}
