//! Issue 18's desk beyond the ticket clock, on both databases: live chat in the specialists'
//! hours with a place in line, an estimated wait, agents' capacity and a hand-over, the
//! transcript kept as a ticket; the message form after hours; a first response escalated when
//! it runs out; a closed account's way back through an emailed link (reason, appeal, message).

use crate::support::{Api, api};
use serde_json::json;
use trustwork_app::AppError;
use trustwork_core::Timestamp;
use trustwork_core::tickets::TicketCategory;
use trustwork_store::testing::each_backend;

fn at(text: &str) -> Timestamp {
    Timestamp::parse_rfc3339(text).unwrap()
}

fn account_with_role(demo: &crate::support::Demo, role: trustwork_core::Role) -> String {
    demo.credentials
        .accounts
        .iter()
        .find(|a| a.role == role)
        .unwrap()
        .id
        .clone()
}

async fn last_mail_to(api: &Api, account: &str) -> trustwork_store::outbox::OutboxMessage {
    let email = api.app.account(account).await.unwrap().email;
    api.app
        .mailbox(Some(&email))
        .await
        .unwrap()
        .into_iter()
        .max_by_key(|m| m.created_at)
        .unwrap()
}

#[tokio::test]
async fn live_chat_queues_within_capacity_hands_over_and_keeps_the_transcript() {
    each_backend(|db| async move {
        let api = api(db);
        let demo = api.seed().await;
        let app = &api.app;
        let sam = account_with_role(&demo, trustwork_core::Role::Support);
        let tomas = demo.agent.clone();

        // Friday 16:59 Pacific (Saturday 00:59 UTC): the payments team still takes chats.
        api.clock.set(at("2026-12-05T00:59:00Z"));
        assert!(app.chat_hours(TicketCategory::Payments).open);
        app.set_chat_availability(&sam, true, 1).await.unwrap();
        let maria = app.start_chat(&demo.maria, "payments").await.unwrap();
        let place = maria.place.clone().unwrap();
        assert_eq!((place.position, place.wait_ms), (1, Some(0)));
        let dev = app.start_chat(&demo.dev, "payments").await.unwrap();
        let place = dev.place.clone().unwrap();
        // One slot, taken by the chat ahead: one average chat (6 minutes before any ended).
        assert_eq!((place.position, place.wait_ms), (2, Some(6 * 60_000)));
        assert_eq!(place.words, "About 6 minutes.");
        // A second tab joins the same chat.
        let again = app.start_chat(&demo.maria, "payments").await.unwrap();
        assert_eq!(again.chat.id, maria.chat.id);

        app.say_in_chat(&maria.chat.id, &demo.maria, "My withdrawal is stuck.")
            .await
            .unwrap();
        let taken = app.accept_chat(&maria.chat.id, &sam).await.unwrap();
        assert_eq!(taken.chat.agent_id.as_deref(), Some(sam.as_str()));
        assert!(
            taken
                .lines
                .iter()
                .any(|l| l.body == "Sam Support joined the chat.")
        );
        // Sam's one slot is full: Dev's chat waits for someone else.
        let full = app.accept_chat(&dev.chat.id, &sam).await.unwrap_err();
        assert!(
            matches!(full, AppError::Conflict(ref m) if m.contains("capacity")),
            "{full:?}"
        );
        assert_eq!(
            app.chat(&dev.chat.id)
                .await
                .unwrap()
                .place
                .unwrap()
                .position,
            1
        );
        // An agent not taking chats cannot be handed one; once available, Tomás takes it over.
        let refused = app
            .transfer_chat(&maria.chat.id, &sam, &tomas)
            .await
            .unwrap_err();
        assert!(matches!(refused, AppError::Conflict(_)), "{refused:?}");
        app.set_chat_availability(&tomas, true, 2).await.unwrap();
        let handed = app
            .transfer_chat(&maria.chat.id, &sam, &tomas)
            .await
            .unwrap();
        assert_eq!(handed.chat.agent_id.as_deref(), Some(tomas.as_str()));
        let gone = app
            .say_in_chat(&maria.chat.id, &sam, "Still here?")
            .await
            .unwrap_err();
        assert!(matches!(gone, AppError::Forbidden(_)), "{gone:?}");
        app.accept_chat(&dev.chat.id, &sam).await.unwrap();

        api.clock.set(at("2026-12-05T01:04:00Z"));
        app.say_in_chat(&maria.chat.id, &tomas, "It was paid a minute ago.")
            .await
            .unwrap();
        let ticket = app.end_chat(&maria.chat.id, &demo.maria).await.unwrap();
        assert_eq!(ticket.ticket.channel, "chat");
        assert_eq!(ticket.ticket.status.as_str(), "solved");
        assert_eq!(ticket.ticket.assignee_id.as_deref(), Some(tomas.as_str()));
        assert_eq!(
            ticket.ticket.first_response_at,
            Some(at("2026-12-05T01:04:00Z"))
        );
        let said: Vec<&str> = ticket.messages.iter().map(|m| m.body.as_str()).collect();
        assert_eq!(
            said,
            ["My withdrawal is stuck.", "It was paid a minute ago."]
        );
        let mail = last_mail_to(&api, &demo.maria).await;
        assert!(
            mail.body.contains("Tomás Agent: It was paid a minute ago."),
            "{}",
            mail.body
        );
        let over = app
            .say_in_chat(&maria.chat.id, &demo.maria, "thanks")
            .await
            .unwrap_err();
        assert!(matches!(over, AppError::Conflict(_)));

        // 17:01 Pacific: closed until Monday 06:00; the message form makes a ticket instead.
        api.clock
            .set(at("2026-12-05T01:01:00Z").plus_millis(60 * 60_000));
        let hours = app.chat_hours(TicketCategory::Payments);
        assert!(!hours.open);
        assert_eq!(hours.back_at, Some(at("2026-12-07T14:00:00Z")));
        assert_eq!(
            hours.back_in_words.clone().unwrap(),
            "Monday, December 7, 6:00 AM (America/Los_Angeles)"
        );
        let closed = app.start_chat(&demo.li, "payments").await.unwrap_err();
        assert!(matches!(closed, AppError::Conflict(ref m) if m.contains("Monday, December 7")));
        let left = app
            .leave_chat_message(
                &demo.li,
                "payments",
                "Card declined\nMy card fails at checkout.",
            )
            .await
            .unwrap();
        assert_eq!(left.ticket.subject, "Card declined");
        assert_eq!(left.ticket.channel, "chat");
        assert_eq!(left.sla.due_at, Some(at("2026-12-07T18:00:00Z")));
        let ack = last_mail_to(&api, &demo.li).await;
        assert!(
            ack.body.contains("Monday to Friday, 6am to 5pm Pacific"),
            "{}",
            ack.body
        );
        // The agent's answer goes out by email.
        api.clock.set(at("2026-12-05T02:02:00Z"));
        app.reply_to_ticket(
            &left.ticket.id,
            &sam,
            "Please try the card again now.",
            true,
            None,
        )
        .await
        .unwrap();
        let answer = last_mail_to(&api, &demo.li).await;
        assert!(
            answer
                .subject
                .contains(&format!("[#{}]", left.ticket.number))
        );
        assert!(answer.body.contains("Please try the card again now."));

        // Bad input changes nothing.
        assert!(matches!(
            app.start_chat(&demo.li, "billing").await.unwrap_err(),
            AppError::Invalid { .. }
        ));
        assert!(matches!(
            app.say_in_chat(&dev.chat.id, &demo.dev, "a\0b")
                .await
                .unwrap_err(),
            AppError::Invalid { .. }
        ));
        assert!(matches!(
            app.set_chat_availability(&sam, true, 0).await.unwrap_err(),
            AppError::Invalid { .. }
        ));
        assert!(matches!(
            app.set_chat_availability(&demo.maria, true, 2)
                .await
                .unwrap_err(),
            AppError::Forbidden(_)
        ));
    })
    .await;
}

#[tokio::test]
async fn an_unanswered_first_response_is_escalated_once_and_pauses_move_it() {
    each_backend(|db| async move {
        let api = api(db);
        let demo = api.seed().await;
        let admin = demo.admin.as_str();
        api.clock.set(at("2026-12-01T10:00:00Z"));
        let open = |subject: &'static str| {
            let api = &api;
            let maria = demo.maria.clone();
            async move {
                api.post(
                    admin,
                    "/api/v1/tickets",
                    json!({"account_id": maria, "category": "account",
                    "subject": subject, "details": "Help."}),
                )
                .await
                .expect(201)["id"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            }
        };
        let quiet = open("Nobody answers").await;
        let paused = open("Waits for me").await;
        let reopened = open("Solved without a word").await;
        api.post(
            admin,
            &format!("/api/v1/tickets/{reopened}/status"),
            json!({"agent_id": demo.agent, "status": "solved"}),
        )
        .await
        .ok();
        api.clock.set(at("2026-12-01T11:00:00Z"));
        api.post(
            admin,
            &format!("/api/v1/tickets/{paused}/status"),
            json!({"agent_id": demo.agent, "status": "pending_member"}),
        )
        .await
        .ok();
        api.clock.set(at("2026-12-01T13:00:00Z"));
        api.post(
            admin,
            &format!("/api/v1/tickets/{paused}/replies"),
            json!({"author_id": demo.maria, "body": "Here you go."}),
        )
        .await
        .expect(201);
        api.clock.set(at("2026-12-01T14:01:00Z"));
        while api.app.fire_one_timer().await.unwrap() {}
        // Solved without a reply: nothing to escalate while solved; the member's answer opens it
        // and, still without a first response, it is escalated at the next check.
        let solved = api
            .get(admin, &format!("/api/v1/tickets/{reopened}"))
            .await
            .ok();
        assert_eq!(solved["escalated_at"], serde_json::Value::Null);
        api.clock.set(at("2026-12-01T14:30:00Z"));
        api.post(
            admin,
            &format!("/api/v1/tickets/{reopened}/replies"),
            json!({"author_id": demo.maria, "body": "It is not solved."}),
        )
        .await
        .expect(201);
        api.clock.set(at("2026-12-01T14:32:00Z"));
        while api.app.fire_one_timer().await.unwrap() {}
        let again = api
            .get(admin, &format!("/api/v1/tickets/{reopened}"))
            .await
            .ok();
        assert_eq!(again["escalated_at"], "2026-12-01T14:32:00.000Z");
        let late = api
            .get(admin, &format!("/api/v1/tickets/{quiet}"))
            .await
            .ok();
        assert_eq!(late["priority"], "urgent");
        assert_eq!(late["escalated_at"], "2026-12-01T14:01:00.000Z");
        assert!(
            late["messages"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["public"] == false && m["body"].as_str().unwrap().contains("overdue"))
        );
        // Two hours paused: due at 16:00, not yet escalated; escalated once it runs out.
        let moved = api
            .get(admin, &format!("/api/v1/tickets/{paused}"))
            .await
            .ok();
        assert_eq!(
            moved["sla"]["first_response_due_at"],
            "2026-12-01T16:00:00.000Z"
        );
        assert_eq!(moved["escalated_at"], serde_json::Value::Null);
        api.clock.set(at("2026-12-01T16:01:00Z"));
        while api.app.fire_one_timer().await.unwrap() {}
        let moved = api
            .get(admin, &format!("/api/v1/tickets/{paused}"))
            .await
            .ok();
        assert_eq!(moved["escalated_at"], "2026-12-01T16:01:00.000Z");
        let metrics = api
            .call(axum::http::Method::GET, "/metrics", None, None)
            .await
            .text();
        assert!(
            metrics.contains("trustwork_tickets_unsolved{category=\"account\",sla=\"breached\"} 3"),
            "{metrics}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_closed_account_reaches_support_through_an_emailed_link() {
    each_backend(|db| async move {
        let api = api(db);
        let demo = api.seed().await;
        let app = &api.app;
        api.clock.set(at("2026-12-01T10:00:00Z"));
        let ban = api
            .post(&demo.admin, &format!("/api/v1/accounts/{}/restrictions", demo.li),
                json!({"reason_code": "OFF_PLATFORM_PAYMENT", "severity": "ban", "note": "asked three clients to pay by wire"}))
            .await
            .expect(201);
        let email = app.account(&demo.li).await.unwrap().email;
        // Anyone may ask; only the address's owner gets a link, and the answer is the same.
        let before = app.mailbox(None).await.unwrap().len();
        app.send_help_link("nobody@nowhere.example").await.unwrap();
        assert_eq!(app.mailbox(None).await.unwrap().len(), before);
        api.clock.set(at("2026-12-01T10:01:00Z"));
        app.send_help_link(&email.to_uppercase()).await.unwrap();
        let mail = last_mail_to(&api, &demo.li).await;
        let start = mail.body.find("/help/").unwrap() + "/help/".len();
        let token: String = mail.body[start..].chars().take_while(|c| !c.is_whitespace()).collect();

        let access = app.help_access(&token).await.unwrap();
        assert_eq!(access.account_id, demo.li);
        let r = &access.restrictions[0];
        assert_eq!(r.kind, "Account closed");
        assert!(r.blocks_sign_in);
        assert_eq!(r.id, ban["id"].as_str().unwrap());
        assert!(r.appeal.is_ok(), "{:?}", r.appeal);
        let appeal = app
            .appeal_from_help(&token, &r.id, "I never asked anyone to pay outside Trustwork.")
            .await
            .unwrap();
        assert_eq!(appeal.account_id, demo.li);
        let again = app.help_access(&token).await.unwrap();
        assert_eq!(again.restrictions[0].appeal_status.as_deref(), Some("open"));
        assert!(again.restrictions[0].appeal.is_err());
        let ticket = app
            .message_from_help(&token, "Please look again\nI have the client's messages.")
            .await
            .unwrap();
        assert_eq!(ticket.ticket.category, TicketCategory::HoldsAndSuspensions);
        assert_eq!(ticket.ticket.channel, "help_form");
        assert_eq!(ticket.ticket.account_id, demo.li);

        // A forged, altered or expired link opens nothing.
        let forged = format!("{}.{}", demo.maria, &token[token.find('.').unwrap() + 1..]);
        for bad in [forged.as_str(), "garbage", ""] {
            assert!(matches!(app.help_access(bad).await.unwrap_err(), AppError::Forbidden(_)), "{bad}");
        }
        api.clock.set(at("2026-12-02T10:01:01Z"));
        assert!(matches!(app.help_access(&token).await.unwrap_err(), AppError::Forbidden(_)));
        assert!(matches!(
            app.send_help_link("not an email").await.unwrap_err(),
            AppError::Invalid { .. }
        ));
    })
    .await;
}

#[tokio::test]
async fn a_chat_left_waiting_becomes_a_request_answered_by_email() {
    each_backend(|db| async move {
        let api = api(db);
        let demo = api.seed().await;
        let app = &api.app;
        api.clock.set(at("2026-12-01T10:00:00Z"));
        let chat = app.start_chat(&demo.maria, "account").await.unwrap();
        app.say_in_chat(&chat.chat.id, &demo.maria, "How do I change my email?")
            .await
            .unwrap();
        // Nobody takes it: two hours later it ends by itself.
        api.clock.set(at("2026-12-01T11:59:00Z"));
        while app.fire_one_timer().await.unwrap() {}
        assert_eq!(
            app.chat(&chat.chat.id).await.unwrap().chat.status.as_str(),
            "waiting"
        );
        api.clock.set(at("2026-12-01T12:00:00Z"));
        while app.fire_one_timer().await.unwrap() {}
        let ended = app.chat(&chat.chat.id).await.unwrap().chat;
        assert_eq!(ended.status.as_str(), "ended");
        let ticket = app
            .ticket(ended.ticket_id.as_deref().unwrap())
            .await
            .unwrap();
        assert_eq!(ticket.ticket.status.as_str(), "open");
        assert_eq!(ticket.messages[0].body, "How do I change my email?");
        let mail = last_mail_to(&api, &demo.maria).await;
        assert!(
            mail.body.contains("ended before an agent could answer"),
            "{}",
            mail.body
        );
        assert!(
            app.chats_in(trustwork_core::live_chat::ChatStatus::Waiting)
                .await
                .unwrap()
                .is_empty()
        );
    })
    .await;
}

#[tokio::test]
async fn one_member_cannot_flood_the_desk() {
    each_backend(|db| async move {
        let api = api(db);
        let demo = api.seed().await;
        let app = &api.app;
        api.clock.set(at("2026-12-01T10:00:00Z"));
        let open = |n: usize| trustwork_app::tickets::NewTicket {
            account_id: &demo.dev,
            category: "other",
            subject: if n.is_multiple_of(2) {
                "Question"
            } else {
                "Another question"
            },
            details: "Details.",
            priority: None,
            subcategory: None,
            channel: "web",
        };
        let actor = trustwork_core::Actor::Account(demo.dev.clone());
        let mut first = None;
        for n in 0..20 {
            let t = app.open_ticket(&actor, &open(n)).await.unwrap();
            first.get_or_insert(t.ticket.id);
        }
        let refused = app.open_ticket(&actor, &open(20)).await.unwrap_err();
        assert!(matches!(refused, AppError::Locked(_)), "{refused:?}");
        let chat = app.start_chat(&demo.dev, "account").await.unwrap_err();
        assert!(matches!(chat, AppError::Locked(_)), "{chat:?}");
        // Another member is not held back; an hour later the member may open one again.
        app.open_ticket(
            &trustwork_core::Actor::Account(demo.li.clone()),
            &trustwork_app::tickets::NewTicket {
                account_id: &demo.li,
                ..open(0)
            },
        )
        .await
        .unwrap();
        api.clock.set(at("2026-12-01T11:00:01Z"));
        app.open_ticket(&actor, &open(21)).await.unwrap();

        // A request holds at most 500 messages; the 501st is refused and nothing is lost.
        let id = first.unwrap();
        for n in 0..500 {
            app.reply_to_ticket(&id, &demo.dev, &format!("message {n}"), true, None)
                .await
                .unwrap();
        }
        let full = app
            .reply_to_ticket(&id, &demo.dev, "one more", true, None)
            .await
            .unwrap_err();
        assert!(
            matches!(full, AppError::Conflict(ref m) if m.contains("500")),
            "{full:?}"
        );
        assert_eq!(app.ticket(&id).await.unwrap().messages.len(), 500);
    })
    .await;
}
