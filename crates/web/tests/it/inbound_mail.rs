//! Issue 18's inbound email over a real SMTP session, on both databases: lettre (the SMTP client
//! Trustwork sends with) delivers a member's reply to the inbound listener and it lands in the
//! ticket its subject names, the quote left out, non-ASCII words intact; a stranger's mail is
//! refused with a 550 and opens nothing; broken sessions get SMTP errors and the listener goes on.

use crate::support::api;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use trustwork_app::{Email, Mailer, SmtpMailer};
use trustwork_store::testing::each_backend;

#[tokio::test]
async fn a_members_emailed_reply_reaches_the_ticket_over_smtp() {
    each_backend(|db| async move {
        let api = api(db);
        let demo = api.seed().await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (stop, stopped) = tokio::sync::watch::channel(false);
        tokio::spawn(trustwork_web::serve_inbound_smtp(api.app.clone(), listener, stopped));

        let ticket = api
            .post(&demo.admin, "/api/v1/tickets", json!({"account_id": demo.maria, "category": "payments",
                "subject": "Retiro pendiente", "details": "Mi retiro sigue pendiente."}))
            .await
            .expect(201);
        let number = ticket["number"].as_i64().unwrap();
        let id = ticket["id"].as_str().unwrap();
        let maria = api.app.account(&demo.maria).await.unwrap();
        let url = format!("smtp://127.0.0.1:{port}");
        let from_maria = SmtpMailer::new(&url, &format!("{} <{}>", maria.display_name, maria.email)).unwrap();
        from_maria
            .send(&Email {
                to: "support@trustwork.demo".into(),
                subject: format!("Re: [#{number}] Retiro pendiente — ¿qué pasó?"),
                body: "Ya pasó una semana. ¿Pueden revisarlo?\n\nEl lun, Trustwork escribió:\n> Estamos revisando.".into(),
            })
            .await
            .expect("the listener takes the reply");
        let shown = api.get(&demo.admin, &format!("/api/v1/tickets/{id}")).await.ok();
        let last = shown["messages"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["body"], "Ya pasó una semana. ¿Pueden revisarlo?");
        assert_eq!(last["author_id"], json!(demo.maria));
        assert_eq!(shown["status"], "open");

        // A stranger is refused (the sending server bounces it) and nothing is opened.
        let before = api.app.ticket_queue(1000).await.unwrap().len();
        let stranger = SmtpMailer::new(&url, "someone@nowhere.example").unwrap();
        let refused = stranger
            .send(&Email { to: "support@trustwork.demo".into(), subject: "hello".into(), body: "hi".into() })
            .await
            .unwrap_err();
        assert!(refused.0.contains("no member has this email address"), "{}", refused.0);
        assert_eq!(api.app.ticket_queue(1000).await.unwrap().len(), before);

        // Broken sessions get SMTP's errors and the listener keeps serving.
        let stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        let (read, mut write) = stream.into_split();
        let mut lines = BufReader::new(read).lines();
        assert!(lines.next_line().await.unwrap().unwrap().starts_with("220"));
        for (say, expect) in [
            ("DATA", "503"),
            ("RCPT TO:<support@trustwork.demo>", "503"),
            ("MAIL FROM:bare@address", "501"),
            (&"X".repeat(5_000) as &str, "500"),
            ("WHAT", "500"),
            ("NOOP", "250"),
        ] {
            write.write_all(format!("{say}\r\n").as_bytes()).await.unwrap();
            let reply = lines.next_line().await.unwrap().unwrap();
            assert!(reply.starts_with(expect), "{say:.20}: {reply}");
        }
        write.write_all(b"QUIT\r\n").await.unwrap();
        assert!(lines.next_line().await.unwrap().unwrap().starts_with("221"));
        stop.send(true).unwrap();
    })
    .await;
}
