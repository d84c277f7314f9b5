//! Members' emails into tickets over SMTP (issue 18): Trustwork listens for mail relayed by the
//! operator's mail server (or sent straight to it on a private network), reads each message
//! (MIME, transfer encodings, encoded words), and hands its sender, subject and text to the
//! tickets: a reply with `[#number]` lands in that ticket, anything else opens one. A message the
//! desk cannot take (an unknown sender, no text) is refused with a 550 naming why, so the sender's
//! server bounces it to them instead of it vanishing.
//!
//! The listener speaks the part of SMTP a relay uses (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP,
//! QUIT), bounds every line and message, and times out idle sessions. It does not authenticate
//! senders: check SPF/DKIM at the relay in front of it, and do not expose it to the internet.

use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use trustwork_app::App;

/// The largest message taken (attachments of a reply are not kept, but must fit).
pub const MAX_MESSAGE_BYTES: usize = 10 * 1024 * 1024;
/// RFC 5321's limits: 512 for a command line, 1,000 for a text line.
const MAX_LINE_BYTES: usize = 1_000;
const MAX_RECIPIENTS: usize = 100;
/// Sessions at once; more wait for a free one.
const MAX_SESSIONS: usize = 64;
/// How long a session may sit silent before it is closed.
const IDLE: Duration = Duration::from_secs(120);
/// The longest a whole session may last.
const SESSION: Duration = Duration::from_secs(600);

/// Accepts sessions on `listener` until `shutdown` turns true.
pub async fn serve(
    app: App,
    listener: TcpListener,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) {
    // `changed` also answers when the sender is gone: either way, stop.
    let sessions = Arc::new(tokio::sync::Semaphore::new(MAX_SESSIONS));
    loop {
        // A free session slot first, so that at the limit new connections wait in the backlog.
        let permit = tokio::select! {
            permit = sessions.clone().acquire_owned() => match permit {
                Ok(p) => p,
                Err(_) => return,
            },
            _ = shutdown.changed() => return,
        };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shutdown.changed() => return,
        };
        let (stream, peer) = match accepted {
            Ok(a) => a,
            Err(e) => {
                // Out of file descriptors and the like: wait instead of spinning.
                tracing::warn!(error = %e, "smtp accept failed");
                tokio::time::sleep(Duration::from_millis(200)).await;
                continue;
            }
        };
        let app = app.clone();
        tokio::spawn(async move {
            match tokio::time::timeout(SESSION, session(&app, stream)).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::debug!(%peer, error = %e, "smtp session ended"),
                Err(_) => tracing::debug!(%peer, "smtp session took too long"),
            }
            drop(permit);
        });
    }
}

/// One line, without its CRLF; `None` at the end of the stream; an error for a line past
/// `max` bytes (the rest of it is read and dropped) or a silent peer.
async fn read_line<R: AsyncBufRead + Unpin>(
    reader: &mut R,
    max: usize,
) -> std::io::Result<Option<Result<Vec<u8>, ()>>> {
    let mut line = Vec::new();
    let mut too_long = false;
    loop {
        let buf = tokio::time::timeout(IDLE, reader.fill_buf())
            .await
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "idle"))??;
        if buf.is_empty() {
            return Ok(if line.is_empty() && !too_long {
                None
            } else {
                Some(Err(()))
            });
        }
        let (chunk, done) = match buf.iter().position(|b| *b == b'\n') {
            Some(i) => (&buf[..=i], true),
            None => (buf, false),
        };
        let n = chunk.len();
        if !too_long && line.len() + n <= max + 2 {
            line.extend_from_slice(chunk);
        } else {
            too_long = true;
            line.clear();
        }
        reader.consume(n);
        if done {
            if too_long {
                return Ok(Some(Err(())));
            }
            while matches!(line.last(), Some(b'\n' | b'\r')) {
                line.pop();
            }
            return Ok(Some(Ok(line)));
        }
    }
}

/// The address inside `MAIL FROM:<…>` or `RCPT TO:<…>`.
fn path_of(argument: &str) -> Option<String> {
    let start = argument.find('<')? + 1;
    let end = start + argument[start..].find('>')?;
    Some(argument[start..end].trim().to_owned())
}

async fn session(app: &App, stream: TcpStream) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    write.write_all(b"220 trustwork ESMTP ready\r\n").await?;
    let mut sender: Option<String> = None;
    let mut recipients = 0usize;
    loop {
        let Some(line) = read_line(&mut reader, MAX_LINE_BYTES).await? else {
            return Ok(());
        };
        let Ok(line) = line else {
            write.write_all(b"500 5.5.2 line too long\r\n").await?;
            continue;
        };
        let text = String::from_utf8_lossy(&line);
        let (verb, argument) = text.split_once(' ').unwrap_or((&text, ""));
        let reply: String = match verb.to_ascii_uppercase().as_str() {
            "EHLO" => format!(
                "250-trustwork\r\n250-SIZE {MAX_MESSAGE_BYTES}\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
            ),
            "HELO" => "250 trustwork\r\n".into(),
            "MAIL" => match path_of(argument) {
                Some(from) => {
                    sender = Some(from);
                    recipients = 0;
                    "250 2.1.0 OK\r\n".into()
                }
                None => "501 5.5.4 expected MAIL FROM:<address>\r\n".into(),
            },
            "RCPT" if sender.is_none() => "503 5.5.1 MAIL first\r\n".into(),
            "RCPT" if recipients >= MAX_RECIPIENTS => "452 4.5.3 too many recipients\r\n".into(),
            "RCPT" => match path_of(argument) {
                Some(_) => {
                    recipients += 1;
                    "250 2.1.5 OK\r\n".into()
                }
                None => "501 5.5.4 expected RCPT TO:<address>\r\n".into(),
            },
            "DATA" if recipients == 0 => "503 5.5.1 RCPT first\r\n".into(),
            "DATA" => {
                write
                    .write_all(b"354 end the message with <CRLF>.<CRLF>\r\n")
                    .await?;
                let reply = match read_message(&mut reader).await? {
                    Some(raw) => deliver(app, raw).await,
                    None => format!("552 5.3.4 a message is at most {MAX_MESSAGE_BYTES} bytes\r\n"),
                };
                sender = None;
                recipients = 0;
                reply
            }
            "RSET" => {
                sender = None;
                recipients = 0;
                "250 2.0.0 OK\r\n".into()
            }
            "NOOP" => "250 2.0.0 OK\r\n".into(),
            "QUIT" => {
                write.write_all(b"221 2.0.0 bye\r\n").await?;
                return Ok(());
            }
            _ => "500 5.5.1 unknown command\r\n".into(),
        };
        write.write_all(reply.as_bytes()).await?;
    }
}

/// The message up to the lone dot, dots at line starts unescaped; `None` if it grew past the
/// limit (the rest is read and dropped so the session can go on).
async fn read_message<R: AsyncBufRead + Unpin>(reader: &mut R) -> std::io::Result<Option<Vec<u8>>> {
    let mut raw = Vec::new();
    let mut too_large = false;
    loop {
        let Some(line) = read_line(reader, MAX_LINE_BYTES * 1_000).await? else {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "the message was cut off",
            ));
        };
        // A line past the limit only makes the message too large.
        let Ok(line) = line else {
            too_large = true;
            continue;
        };
        if line == b"." {
            return Ok((!too_large).then_some(raw));
        }
        let line = line.strip_prefix(b".").unwrap_or(&line);
        if raw.len() + line.len() + 2 > MAX_MESSAGE_BYTES {
            too_large = true;
        }
        if !too_large {
            raw.extend_from_slice(line);
            raw.extend_from_slice(b"\r\n");
        }
    }
}

/// Hands the message to the tickets; the SMTP reply says where it went or why not.
async fn deliver(app: &App, raw: Vec<u8>) -> String {
    // Parsing up to 10 MB of MIME is work for a blocking thread, not the server's workers.
    let parsed = tokio::task::spawn_blocking(move || {
        let message = mail_parser::MessageParser::default().parse(&raw)?;
        let from = message
            .from()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .map(str::to_owned);
        let subject = message.subject().unwrap_or_default().to_owned();
        let text = message.body_text(0).unwrap_or_default().into_owned();
        Some((from, subject, text))
    })
    .await;
    let Ok(Some((from, subject, text))) = parsed else {
        return "550 5.6.0 the message has no headers\r\n".into();
    };
    let Some(from) = from else {
        return "550 5.1.7 the message has no From address\r\n".into();
    };
    match app.receive_email(&from, &subject, &text).await {
        Ok(got) => format!(
            "250 2.0.0 {} request #{}\r\n",
            if got.opened { "opened" } else { "added to" },
            got.ticket.ticket.number
        ),
        // Someone else changed the ticket at that moment: the sending server tries again.
        Err(trustwork_app::AppError::Conflict(_)) => "451 4.3.0 busy; try again shortly\r\n".into(),
        Err(e) if crate::error::status_of(&e).is_client_error() => {
            // One line, no CR/LF from the message's own words.
            let words: String = e
                .to_string()
                .chars()
                .filter(|c| !c.is_control())
                .take(200)
                .collect();
            format!("550 5.7.1 {words}\r\n")
        }
        Err(e) => {
            tracing::warn!(error = %e.detail(), "inbound email not taken");
            "451 4.3.0 try again later\r\n".into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn lines_are_bounded_and_their_ends_dropped() {
        let mut input: &[u8] = b"EHLO a\r\nxxxxxxxxxx\r\nlast";
        assert_eq!(
            read_line(&mut input, 100).await.unwrap(),
            Some(Ok(b"EHLO a".to_vec()))
        );
        assert_eq!(read_line(&mut input, 5).await.unwrap(), Some(Err(())));
        assert_eq!(read_line(&mut input, 100).await.unwrap(), Some(Err(())));
        assert_eq!(read_line(&mut input, 100).await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_message_ends_at_the_lone_dot_with_dots_unescaped() {
        let mut input: &[u8] = b"Subject: x\r\n\r\n..leading dot\r\n.\r\nQUIT\r\n";
        let raw = read_message(&mut input).await.unwrap().unwrap();
        assert_eq!(raw, b"Subject: x\r\n\r\n.leading dot\r\n");
    }

    #[test]
    fn paths_are_read_from_their_brackets() {
        assert_eq!(path_of("FROM:<a@b.c> SIZE=10").as_deref(), Some("a@b.c"));
        assert_eq!(path_of("TO:a@b.c"), None);
        assert_eq!(path_of("FROM:<>").as_deref(), Some(""));
    }
}
