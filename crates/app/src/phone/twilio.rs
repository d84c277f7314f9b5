//! Twilio's REST API for the code: a text through `Messages.json`, a call through `Calls.json`
//! that reads the code aloud (`<Say>` in TwiML). Basic authentication with the account SID and
//! auth token; the base URL is configurable so that a test (or a compatible gateway) can stand in.

use super::{PhoneSender, SendFuture, spoken};
use crate::provider_http::ProviderClient;
use base64::Engine;
use trustwork_core::phone::Channel;

/// Sends codes through Twilio (or anything that speaks its API at `base_url`).
pub struct TwilioSender {
    account_sid: String,
    auth_token: String,
    from: String,
    client: ProviderClient,
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
        Ok(Self {
            account_sid: account_sid.to_owned(),
            auth_token: auth_token.to_owned(),
            from: from.to_owned(),
            client: ProviderClient::new(base_url)?,
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
        let path = format!("/2010-04-01/Accounts/{}/{resource}", self.account_sid);
        let credentials = base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", self.account_sid, self.auth_token));
        let (status, _) = self
            .client
            .post_form(
                &path,
                &format!("Basic {credentials}"),
                &[("To", to), ("From", &self.from), (last.0, &last.1)],
            )
            .await?;
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

#[cfg(test)]
mod tests {
    use super::*;

    async fn receiver(
        status: u16,
    ) -> (
        String,
        tokio::task::JoinHandle<(String, Vec<String>, String)>,
    ) {
        let (url, seen) =
            crate::provider_http::stand_in::provider(vec![(status, "{}".into())]).await;
        (
            url,
            tokio::spawn(async move { seen.await.unwrap().remove(0) }),
        )
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
