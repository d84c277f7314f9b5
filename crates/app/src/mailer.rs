//! Sending email. The outbox worker hands each stored message to a [`Mailer`]: SMTP when one is
//! configured, otherwise the dev mailbox (the message stays readable in the console).

use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::future::Future;
use std::pin::Pin;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub body: String,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct MailError(pub String);

pub type MailFuture<'a> = Pin<Box<dyn Future<Output = Result<(), MailError>> + Send + 'a>>;

pub trait Mailer: Send + Sync {
    /// Recorded on each delivered message: `smtp` or `dev_mailbox`.
    fn transport_name(&self) -> &'static str;
    fn send<'a>(&'a self, email: &'a Email) -> MailFuture<'a>;
}

/// Keeps mail inside Trustwork: the console's Dev mailbox page shows what would have been sent.
#[derive(Debug, Default)]
pub struct DevMailbox;

impl Mailer for DevMailbox {
    fn transport_name(&self) -> &'static str {
        "dev_mailbox"
    }

    fn send<'a>(&'a self, _email: &'a Email) -> MailFuture<'a> {
        Box::pin(async { Ok(()) })
    }
}

/// Real delivery over SMTP (lettre).
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    /// `url` is lettre's form: `smtp://user:pass@host:587?tls=required`, `smtps://host`, or
    /// `smtp://host:2525` for a plain local relay.
    pub fn new(url: &str, from: &str) -> Result<Self, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailError(format!("invalid SMTP URL: {e}")))?
            .build();
        let from = from
            .parse::<Mailbox>()
            .map_err(|e| MailError(format!("invalid sender address {from:?}: {e}")))?;
        Ok(Self { transport, from })
    }
}

impl Mailer for SmtpMailer {
    fn transport_name(&self) -> &'static str {
        "smtp"
    }

    fn send<'a>(&'a self, email: &'a Email) -> MailFuture<'a> {
        Box::pin(async move {
            let to = email
                .to
                .parse::<Mailbox>()
                .map_err(|e| MailError(format!("invalid recipient {:?}: {e}", email.to)))?;
            let message = Message::builder()
                .from(self.from.clone())
                .to(to)
                .subject(email.subject.clone())
                .header(ContentType::TEXT_PLAIN)
                .body(email.body.clone())
                .map_err(|e| MailError(format!("cannot build message: {e}")))?;
            self.transport
                .send(message)
                .await
                .map_err(|e| MailError(format!("SMTP delivery failed: {e}")))?;
            Ok(())
        })
    }
}
