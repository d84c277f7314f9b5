//! Email leaves through the outbox: over real SMTP when configured, with retries on failure.

use crate::{agent_actor, app_with, deliver_all, person};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use trustwork_app::{MailError, MailFuture, Mailer, SmtpMailer};
use trustwork_core::Role;
use trustwork_store::testing::each_backend;

/// A minimal SMTP server that accepts every message and keeps its DATA.
async fn smtp_sink() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = Arc::new(Mutex::new(Vec::new()));
    let store = received.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let store = store.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 sink ESMTP\r\n").await.ok();
                let mut in_data = false;
                let mut data = String::new();
                while let Ok(Some(line)) = lines.next_line().await {
                    if in_data {
                        if line == "." {
                            in_data = false;
                            store.lock().unwrap().push(std::mem::take(&mut data));
                            write.write_all(b"250 OK queued\r\n").await.ok();
                        } else {
                            data.push_str(&line);
                            data.push('\n');
                        }
                        continue;
                    }
                    let verb = line.split_whitespace().next().unwrap_or("").to_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 sink\r\n",
                        "DATA" => {
                            in_data = true;
                            b"354 go ahead\r\n"
                        }
                        "QUIT" => {
                            write.write_all(b"221 bye\r\n").await.ok();
                            break;
                        }
                        _ => b"250 OK\r\n",
                    };
                    write.write_all(reply).await.ok();
                }
            });
        }
    });
    (port, received)
}

#[tokio::test]
async fn emails_are_delivered_over_smtp() {
    let (port, received) = smtp_sink().await;
    each_backend(|db| {
        let received = received.clone();
        async move {
            received.lock().unwrap().clear();
            let mailer = SmtpMailer::new(
                &format!("smtp://127.0.0.1:{port}"),
                "Trustwork <no-reply@trustwork.test>",
            )
            .unwrap();
            let (app, _clock) = app_with(db, Arc::new(mailer));
            let agent = person(&app, "agent@example.com", Role::Agent).await;
            let f = person(&app, "f@example.com", Role::Freelancer).await;
            app.require_verification(&agent_actor(&agent), &f.id, "check")
                .await
                .unwrap();
            assert_eq!(deliver_all(&app).await, 1);
            let mail = app.mailbox(Some("f@example.com")).await.unwrap();
            assert_eq!(mail[0].status, "delivered");
            assert_eq!(mail[0].transport.as_deref(), Some("smtp"));
            let got = received.lock().unwrap().clone();
            assert_eq!(got.len(), 1);
            assert!(
                got[0].contains("Subject: Action required: verify your identity"),
                "{}",
                got[0]
            );
            assert!(got[0].contains("To: f@example.com"), "{}", got[0]);
        }
    })
    .await;
}

/// Fails the first `failures` sends, then succeeds.
struct FlakyMailer {
    failures: Mutex<u32>,
}

impl Mailer for FlakyMailer {
    fn transport_name(&self) -> &'static str {
        "flaky"
    }
    fn send<'a>(&'a self, _email: &'a trustwork_app::Email) -> MailFuture<'a> {
        Box::pin(async move {
            let mut left = self.failures.lock().unwrap();
            if *left > 0 {
                *left -= 1;
                return Err(MailError("relay refused".into()));
            }
            Ok(())
        })
    }
}

#[tokio::test]
async fn failed_deliveries_are_retried_with_backoff() {
    each_backend(|db| async move {
        let (app, clock) = app_with(
            db,
            Arc::new(FlakyMailer {
                failures: Mutex::new(2),
            }),
        );
        let agent = person(&app, "agent@example.com", Role::Agent).await;
        let f = person(&app, "f@example.com", Role::Freelancer).await;
        app.require_verification(&agent_actor(&agent), &f.id, "check")
            .await
            .unwrap();
        assert_eq!(deliver_all(&app).await, 1, "one attempt, then it waits");
        let m = &app.mailbox(None).await.unwrap()[0];
        assert_eq!((m.status.as_str(), m.attempts), ("pending", 1));
        assert_eq!(m.last_error.as_deref(), Some("relay refused"));
        assert_eq!(m.next_attempt_at, app.now().plus_millis(30_000));
        clock.set(m.next_attempt_at);
        deliver_all(&app).await;
        let m = &app.mailbox(None).await.unwrap()[0];
        assert_eq!(m.next_attempt_at, app.now().plus_millis(60_000));
        clock.set(m.next_attempt_at);
        deliver_all(&app).await;
        let m = &app.mailbox(None).await.unwrap()[0];
        assert_eq!((m.status.as_str(), m.attempts), ("delivered", 3));
    })
    .await;
}

#[test]
fn bad_smtp_settings_are_reported() {
    assert!(SmtpMailer::new("not a url", "a@b.co").is_err());
    assert!(SmtpMailer::new("smtp://127.0.0.1:25", "not an address").is_err());
}
