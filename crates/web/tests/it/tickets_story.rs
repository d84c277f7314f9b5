//! Issue 18's ticket clock through the JSON API on both databases: a ticket gets a number and an
//! acknowledgement email; unanswered it is breached at 4 h 1 min; a specialists' ticket filed
//! Friday 16:30 Pacific is due Monday, across a daylight-saving change too; waiting for the
//! member stops the clock; the first public reply meets it and is emailed.

use crate::support::{Api, api};
use serde_json::{Value, json};
use trustwork_core::Timestamp;
use trustwork_store::testing::each_backend;

fn at(text: &str) -> Timestamp {
    Timestamp::parse_rfc3339(text).unwrap()
}

async fn open(api: &Api, token: &str, account: &str, category: &str) -> Value {
    api.post(
        token,
        "/api/v1/tickets",
        json!({"account_id": account, "category": category, "subject": "Withdrawal stuck",
            "details": "My withdrawal of $120 has been pending for a week."}),
    )
    .await
    .expect(201)
}

#[tokio::test]
async fn tickets_get_numbers_and_a_first_response_clock_on_the_right_calendar() {
    each_backend(|db| async move {
        let api = api(db);
        let demo = api.seed().await;
        let admin = demo.admin.as_str();

        // Around the clock: due in 4 hours, breached at 4 h 1 min.
        api.clock.set(at("2026-12-01T10:00:00Z"));
        let t = open(&api, admin, &demo.maria, "account").await;
        assert!(t["number"].as_i64().unwrap() > 100_000);
        assert_eq!(t["status"], "new");
        assert_eq!(t["sla"]["state"], "ok");
        assert_eq!(t["sla"]["first_response_due_at"], "2026-12-01T14:00:00.000Z");
        let email = api.app.account(&demo.maria).await.unwrap().email;
        let mail = api.app.mailbox(Some(&email)).await.unwrap();
        let number = t["number"].as_i64().unwrap();
        assert!(
            mail.iter().any(|m| m.subject.contains(&format!("[#{number}] We received your request"))),
            "{mail:?}"
        );
        let id = t["id"].as_str().unwrap().to_owned();
        // The member's screenshot: its type read from the bytes, kept with the ticket.
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR a screenshot".to_vec();
        let file = api
            .post_raw(admin, &format!("/api/v1/tickets/{id}/attachments?uploaded_by={}", demo.maria),
                Some("image/png"), png.clone())
            .await
            .expect(201);
        assert_eq!(file["content_type"], "image/png");
        let shown = api.get(admin, &format!("/api/v1/tickets/{id}")).await.ok();
        assert_eq!(shown["attachments"][0]["id"], file["id"]);
        let bytes = api
            .get(admin, &format!("/api/v1/tickets/{id}/attachments/{}", file["id"].as_str().unwrap()))
            .await;
        assert_eq!(bytes.body.to_vec(), png);
        api.post_raw(admin, &format!("/api/v1/tickets/{id}/attachments?uploaded_by={}", demo.maria),
                Some("image/png"), vec![0u8; 5 * 1024 * 1024 + 1])
            .await
            .expect_error(422, "invalid_input");
        api.clock.set(at("2026-12-01T13:45:00Z"));
        assert_eq!(api.get(admin, &format!("/api/v1/tickets/{id}")).await.ok()["sla"]["state"], "due_soon");
        api.clock.set(at("2026-12-01T14:01:00Z"));
        let late = api.get(admin, &format!("/api/v1/tickets/{id}")).await.ok();
        assert_eq!(late["sla"]["state"], "breached");
        // A late first response leaves it breached.
        let replied = api
            .post(admin, &format!("/api/v1/tickets/{id}/replies"),
                json!({"author_id": demo.agent, "body": "Sorry for the wait: it is on its way."}))
            .await
            .expect(201);
        assert_eq!(replied["sla"]["state"], "breached");
        assert_eq!(replied["status"], "pending_member");

        // Specialists: Friday 16:30 Pacific → Monday 09:30, in winter and across the spring change.
        for (filed, due) in [
            ("2026-12-05T00:30:00Z", "2026-12-07T17:30:00.000Z"),
            ("2026-03-07T00:30:00Z", "2026-03-09T16:30:00.000Z"),
        ] {
            api.clock.set(at(filed));
            let t = open(&api, admin, &demo.maria, "payments").await;
            assert_eq!(t["sla"]["first_response_due_at"], due, "{filed}");
            assert_eq!(t["sla"]["calendar"], "specialists");
        }

        // Waiting for the member stops the clock; the member's reply starts it again.
        api.clock.set(at("2026-12-02T10:00:00Z"));
        let t = open(&api, admin, &demo.dev, "account").await;
        let id = t["id"].as_str().unwrap().to_owned();
        api.clock.set(at("2026-12-02T11:00:00Z"));
        let note = api
            .post(admin, &format!("/api/v1/tickets/{id}/replies"),
                json!({"author_id": demo.agent, "body": "Checked the ledger.", "public": false, "status": "pending_member"}))
            .await
            .expect(201);
        assert_eq!(note["sla"]["state"], "paused");
        assert_eq!(note["sla"]["first_response_due_at"], Value::Null);
        api.clock.set(at("2026-12-02T15:00:00Z"));
        let back = api
            .post(admin, &format!("/api/v1/tickets/{id}/replies"),
                json!({"author_id": demo.dev, "body": "Here is the withdrawal id: wd_123."}))
            .await
            .expect(201);
        assert_eq!(back["status"], "open");
        // The member answers by email too: the reply lands in the ticket, the quote left out.
        let number = t["number"].as_i64().unwrap();
        let dev_email = api.app.account(&demo.dev).await.unwrap().email;
        let mailed = api
            .post(admin, "/api/v1/inbound-email", json!({"from": format!("Dev Patel <{}>", dev_email.to_uppercase()),
                "subject": format!("Re: [#{number}] Withdrawal stuck"),
                "text": "It was on Monday.\n\nOn Wed, 2 Dec 2026, Trustwork wrote:\n> Which withdrawal?"}))
            .await
            .expect(201);
        assert_eq!(mailed["opened"], false);
        assert_eq!(mailed["id"], t["id"]);
        let last = mailed["messages"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["body"], "It was on Monday.");
        assert_eq!(last["author_id"], json!(demo.dev));
        // Someone else quoting the number opens a ticket of their own.
        let maria_email = api.app.account(&demo.maria).await.unwrap().email;
        let other = api
            .post(admin, "/api/v1/inbound-email", json!({"from": maria_email,
                "subject": format!("Re: [#{number}] Withdrawal stuck"), "text": "Is this mine?"}))
            .await
            .expect(201);
        assert_eq!(other["opened"], true);
        assert_eq!(other["account_id"], json!(demo.maria));
        assert_eq!(back["sla"]["state"], "ok");
        assert_eq!(back["sla"]["first_response_due_at"], "2026-12-02T18:00:00.000Z");
        let met = api
            .post(admin, &format!("/api/v1/tickets/{id}/replies"),
                json!({"author_id": demo.agent, "body": "Found it: paid today."}))
            .await
            .expect(201);
        assert_eq!(met["sla"]["state"], "met");
        let dev_mail = api.app.mailbox(Some(&api.app.account(&demo.dev).await.unwrap().email)).await.unwrap();
        assert!(dev_mail.iter().any(|m| m.body.contains("Found it: paid today.")));
        assert!(!dev_mail.iter().any(|m| m.body.contains("Checked the ledger.")), "notes stay internal");

        // Bad input: clear errors, nothing kept.
        api.post(admin, "/api/v1/tickets", json!({"account_id": demo.dev, "category": "refunds",
                "subject": "x", "details": "y"}))
            .await
            .expect_error(422, "invalid_input");
        api.post(admin, &format!("/api/v1/tickets/{id}/replies"), json!({"author_id": demo.maria, "body": "hi"}))
            .await
            .expect_error(403, "forbidden");
        api.post(admin, &format!("/api/v1/tickets/{id}/status"), json!({"agent_id": demo.agent, "status": "done"}))
            .await
            .expect_error(422, "invalid_input");
        let solved = api
            .post(admin, &format!("/api/v1/tickets/{id}/status"), json!({"agent_id": demo.agent, "status": "solved"}))
            .await
            .ok();
        assert_eq!(solved["status"], "solved");
        assert_eq!(solved["messages"].as_array().unwrap().len(), 4);

        // Tickets opened at once each get their own number.
        let mut opening = Vec::new();
        for i in 0..8 {
            let app = api.app.clone();
            let account = demo.li.clone();
            opening.push(tokio::spawn(async move {
                let subject = format!("Question {i}");
                app.open_ticket(
                    &trustwork_core::Actor::system("test"),
                    &trustwork_app::tickets::NewTicket {
                        account_id: &account,
                        category: "other",
                        subject: &subject,
                        details: "Details.",
                        priority: None,
                        subcategory: None,
                        channel: "api",
                    },
                )
                .await
                .map(|v| v.ticket.number)
            }));
        }
        let mut numbers = Vec::new();
        for handle in opening {
            numbers.push(handle.await.unwrap().unwrap());
        }
        numbers.sort_unstable();
        numbers.dedup();
        assert_eq!(numbers.len(), 8, "{numbers:?}");
    })
    .await;
}

#[tokio::test]
async fn the_specialists_holidays_stop_their_clock_and_close_their_chat() {
    each_backend(|db| async move {
        // Monday 7 December 2026 is a holiday for the specialists.
        let api = crate::support::api_configured(db, |c| {
            c.support_holidays = vec!["2026-12-07".into()];
        });
        let demo = api.seed().await;
        // Friday 16:30 Pacific: half an hour on Friday, then Tuesday 06:00 + 3.5 h.
        api.clock.set(at("2026-12-05T00:30:00Z"));
        let t = open(&api, &demo.admin, &demo.maria, "payments").await;
        assert_eq!(
            t["sla"]["first_response_due_at"],
            "2026-12-08T17:30:00.000Z"
        );
        // On the holiday itself the payments chat is closed until Tuesday.
        api.clock.set(at("2026-12-07T18:00:00Z"));
        let hours = api
            .app
            .chat_hours(trustwork_core::tickets::TicketCategory::Payments);
        assert!(!hours.open);
        assert_eq!(hours.back_at, Some(at("2026-12-08T14:00:00Z")));
        assert!(
            api.app
                .chat_hours(trustwork_core::tickets::TicketCategory::Account)
                .open
        );
    })
    .await;
}
