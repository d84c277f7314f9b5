//! Twilio's REST API for the code: a text through `Messages.json`, a call through `Calls.json`
//! that reads the code aloud (`<Say>` in TwiML). Basic authentication with the account SID and
//! auth token; the base URL is configurable so that a test (or a compatible gateway) can stand in.

use super::{PhoneSender, SendFuture, spoken};
use base64::Engine;
use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use hyper::{Method, Request};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use std::time::Duration;
use trustwork_core::phone::Channel;

type Connector = hyper_rustls::HttpsConnector<HttpConnector>;

/// Sends codes through Twilio (or anything that speaks its API at `base_url`).
pub struct TwilioSender {
    base_url: String,
    account_sid: String,
    auth_token: String,
    from: String,
    client: Client<Connector, Full<Bytes>>,
}

impl TwilioSender {
    /// `base_url` is `https://api.twilio.com` in production; `from` is the caller id, a
    /// number of the operator's Twilio account in E.164 form.
    pub fn new(
        base_url: &str,
        account_sid: &str,
        auth_token: &str,
        from: &str,
    ) -> Result<Self, String> {
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
            .map_err(|e| format!("TLS set-up failed: {e}"))?
            .https_or_http()
            .enable_http1()
            .build();
        Ok(Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            account_sid: account_sid.to_owned(),
            auth_token: auth_token.to_owned(),
            from: from.to_owned(),
            client: Client::builder(TokioExecutor::new())
                .pool_idle_timeout(Duration::from_secs(60))
                .build(https),
        })
    }

    async fn post(&self, to: &str, channel: Channel, code: &str) -> Result<(), String> {
        let words = spoken(code);
        let (resource, last) = match channel {
            Channel::Sms => ("Messages.json", ("Body", words)),
            Channel::Voice => (
                "Calls.json",
                (
                    "Twiml",
                    format!(
                        "<Response><Say>{words}</Say><Pause length=\"1\"/><Say>{words}</Say></Response>"
                    ),
                ),
            ),
        };
        let body = form(&[("To", to), ("From", &self.from), (last.0, &last.1)]);
        let url = format!(
            "{}/2010-04-01/Accounts/{}/{resource}",
            self.base_url, self.account_sid
        );
        let credentials = base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", self.account_sid, self.auth_token));
        let request = Request::builder()
            .method(Method::POST)
            .uri(&url)
            .header(AUTHORIZATION, format!("Basic {credentials}"))
            .header(
                CONTENT_TYPE,
                HeaderValue::from_static("application/x-www-form-urlencoded"),
            )
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| format!("cannot build the request: {e}"))?;
        let answer = tokio::time::timeout(Duration::from_secs(15), self.client.request(request))
            .await
            .map_err(|_| "the provider did not answer within 15 s".to_owned())?
            .map_err(|e| format!("the provider could not be reached: {e}"))?;
        let status = answer.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(format!("the provider answered {status}"))
        }
    }
}

impl PhoneSender for TwilioSender {
    fn name(&self) -> &'static str {
        "twilio"
    }

    fn send<'a>(&'a self, to: &'a str, channel: Channel, code: &'a str) -> SendFuture<'a> {
        Box::pin(self.post(to, channel, code))
    }
}

/// `application/x-www-form-urlencoded`, as browsers and Twilio write it.
fn form(pairs: &[(&str, &str)]) -> String {
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
mod tests {
    use super::*;
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

    /// A stand-in for Twilio on 127.0.0.1 that records one request and answers `status`.
    async fn receiver(
        status: u16,
    ) -> (
        String,
        tokio::task::JoinHandle<(String, Vec<String>, String)>,
    ) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let handle = tokio::spawn(async move {
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
                "HTTP/1.1 {status} X\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{{}}"
            );
            write.write_all(answer.as_bytes()).await.unwrap();
            (first, headers, String::from_utf8(body).unwrap())
        });
        (url, handle)
    }

    #[tokio::test]
    async fn a_call_reads_the_code_and_a_text_says_it() {
        let (url, got) = receiver(201).await;
        let sender = TwilioSender::new(&url, "AC123", "secret", "+15005550006").unwrap();
        sender
            .send("+14155550100", Channel::Voice, "012345")
            .await
            .unwrap();
        let (first, headers, body) = got.await.unwrap();
        assert_eq!(first, "POST /2010-04-01/Accounts/AC123/Calls.json HTTP/1.1");
        let auth = base64::engine::general_purpose::STANDARD.encode("AC123:secret");
        assert!(
            headers
                .iter()
                .any(|h| h == &format!("authorization: Basic {auth}")),
            "{headers:?}"
        );
        assert!(
            body.starts_with("To=%2B14155550100&From=%2B15005550006&Twiml=%3CResponse%3E%3CSay%3E"),
            "{body}"
        );
        assert!(body.contains("0+1+2+3+4+5"), "{body}");

        let (url, got) = receiver(201).await;
        let sender = TwilioSender::new(&url, "AC123", "secret", "+15005550006").unwrap();
        sender
            .send("+14155550100", Channel::Sms, "987654")
            .await
            .unwrap();
        let (first, _, body) = got.await.unwrap();
        assert!(first.contains("/Messages.json"), "{first}");
        assert!(
            body.contains("Body=Your+Trustwork+verification+code+is+9+8+7+6+5+4."),
            "{body}"
        );

        // A refusal is an error in words.
        let (url, _got) = receiver(401).await;
        let sender = TwilioSender::new(&url, "AC123", "wrong", "+15005550006").unwrap();
        let e = sender
            .send("+14155550100", Channel::Sms, "111111")
            .await
            .unwrap_err();
        assert!(e.contains("401"), "{e}");
    }
}
