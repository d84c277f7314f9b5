//! Phone verification on both databases: a code to the Dev mailbox or through a provider,
//! wrong codes, the lock, the ten-minute expiry on the fake clock, one verified number per
//! account, and nobody checks another member's code.

use crate::{START, person};
use std::sync::{Arc, Mutex};
use trustwork_app::phone::{PhoneDelivery, PhoneSender, SendFuture};
use trustwork_app::{App, AppConfig, AppError, Clock, DevMailbox, FakeClock};
use trustwork_core::phone::{Channel, Status};
use trustwork_core::{Actor, Role};
use trustwork_store::Db;
use trustwork_store::testing::each_backend;

/// A provider that keeps what it was asked to send, or fails.
#[derive(Default)]
struct Recorder {
    sent: Mutex<Vec<(String, Channel, String)>>,
    fail: bool,
}

impl PhoneSender for Recorder {
    fn name(&self) -> &'static str {
        "recorder"
    }
    fn send<'a>(&'a self, to: &'a str, channel: Channel, code: &'a str) -> SendFuture<'a> {
        Box::pin(async move {
            if self.fail {
                return Err("provider down".to_owned());
            }
            self.sent
                .lock()
                .unwrap()
                .push((to.to_owned(), channel, code.to_owned()));
            Ok(())
        })
    }
}

fn app_with(db: Db, phone: PhoneDelivery) -> (App, Arc<FakeClock>) {
    let clock = Arc::new(FakeClock::at(START));
    let config = AppConfig {
        demo_mode: true,
        phone,
        ..AppConfig::default()
    };
    let app = App::new(
        db,
        clock.clone() as Arc<dyn Clock>,
        Arc::new(DevMailbox),
        config,
    );
    (app, clock)
}

fn code_in_mail(body: &str) -> String {
    let start = body.find("code is ").unwrap() + "code is ".len();
    body[start..]
        .chars()
        .take_while(|c| *c != '.')
        .filter(char::is_ascii_digit)
        .collect()
}

#[tokio::test]
async fn a_code_by_provider_verifies_once_and_wrong_codes_lock() {
    each_backend(|db| async move {
        let recorder = Arc::new(Recorder::default());
        let (app, clock) = app_with(db, PhoneDelivery::Provider(recorder.clone()));
        let f = person(&app, "f@example.com", Role::Freelancer).await;
        let other = person(&app, "o@example.com", Role::Freelancer).await;
        let me = Actor::Account(f.id.clone());
        for (phone, channel, field) in [
            ("415 555 0100", "voice", "phone"),
            ("+1 415", "voice", "phone"),
            ("+14155550100", "fax", "channel"),
        ] {
            match app
                .start_phone_verification(&me, &f.id, phone, channel)
                .await
            {
                Err(AppError::Invalid { field: f, .. }) => assert_eq!(f, field, "{phone}"),
                e => panic!("{phone}: {e:?}"),
            }
        }
        let a = app
            .start_phone_verification(&me, &f.id, "+1 (415) 555-0100", "voice")
            .await
            .unwrap();
        assert_eq!(
            (a.phone.as_str(), a.status),
            ("+14155550100", Status::Pending)
        );
        let (to, channel, code) = recorder.sent.lock().unwrap()[0].clone();
        assert_eq!((to.as_str(), channel), ("+14155550100", Channel::Voice));
        // The code is not stored, only its keyed hash.
        assert!(!a.code_hash.contains(&code));
        // Nobody else checks it: another member gets "not found".
        let e = app
            .check_phone_code(&Actor::Account(other.id.clone()), &a.id, &code)
            .await
            .unwrap_err();
        assert_eq!(e.code(), "not_found");
        let wrong = if code == "000000" { "111111" } else { "000000" };
        match app.check_phone_code(&me, &a.id, wrong).await {
            Err(AppError::Invalid { field, message }) => {
                assert_eq!(field, "code");
                assert!(message.contains("2 tries left"), "{message}");
            }
            e => panic!("{e:?}"),
        }
        let done = app.check_phone_code(&me, &a.id, &code).await.unwrap();
        assert_eq!(done.status, Status::Verified);
        assert_eq!(done.verified_at, Some(clock.now()));
        // One verified number per account.
        let e = app
            .start_phone_verification(&me, &f.id, "+14155550199", "sms")
            .await
            .unwrap_err();
        assert_eq!(e.code(), "conflict");

        // Three wrong codes lock; then even the right one is refused.
        let o = Actor::Account(other.id.clone());
        let b = app
            .start_phone_verification(&o, &other.id, "+442079460958", "sms")
            .await
            .unwrap();
        let code = recorder.sent.lock().unwrap()[1].2.clone();
        let wrong = if code == "000000" { "111111" } else { "000000" };
        for expected in ["invalid_input", "invalid_input", "locked"] {
            let e = app.check_phone_code(&o, &b.id, wrong).await.unwrap_err();
            assert_eq!(e.code(), expected);
        }
        let e = app.check_phone_code(&o, &b.id, &code).await.unwrap_err();
        assert_eq!(e.code(), "locked");
        assert_eq!(
            app.phone_verification(&b.id).await.unwrap().status,
            Status::Locked
        );
    })
    .await;
}

#[tokio::test]
async fn codes_expire_after_ten_minutes_and_a_failed_send_leaves_nothing_pending() {
    each_backend(|db| async move {
        let (app, clock) = app_with(db.clone(), PhoneDelivery::DevMailbox);
        let f = person(&app, "f@example.com", Role::Client).await;
        let me = Actor::Account(f.id.clone());
        let a = app
            .start_phone_verification(&me, &f.id, "+34 612 345 678", "sms")
            .await
            .unwrap();
        let mail = app.mailbox(Some("f@example.com")).await.unwrap();
        let demo = mail
            .iter()
            .find(|m| m.subject.contains("+34612345678"))
            .expect("the demo delivery");
        let code = code_in_mail(&demo.body);
        assert_eq!(code.len(), 6);
        clock.set(a.expires_at);
        let e = app.check_phone_code(&me, &a.id, &code).await.unwrap_err();
        assert_eq!(e.code(), "conflict");
        assert!(e.to_string().contains("expired"), "{e}");

        let failing = Arc::new(Recorder {
            fail: true,
            ..Recorder::default()
        });
        let (down, _clock) = app_with(db, PhoneDelivery::Provider(failing));
        let e = down
            .start_phone_verification(&me, &f.id, "+34 612 345 678", "voice")
            .await
            .unwrap_err();
        assert_eq!(e.code(), "provider_unavailable");
        // Staff have no phone to verify here.
        let agent = person(&app, "agent@example.com", Role::Agent).await;
        let e = app
            .start_phone_verification(&Actor::system("t"), &agent.id, "+14155550100", "sms")
            .await
            .unwrap_err();
        assert_eq!(e.code(), "invalid_input");
    })
    .await;
}

#[tokio::test]
async fn nobody_makes_the_server_dial_at_will() {
    each_backend(|db| async move {
        let (app, clock) = app_with(db, PhoneDelivery::DevMailbox);
        let a = person(&app, "a@example.com", Role::Freelancer).await;
        let b = person(&app, "b@example.com", Role::Freelancer).await;
        let (me, other) = (Actor::Account(a.id.clone()), Actor::Account(b.id.clone()));
        // Three codes an hour to one number, whoever asks.
        for _ in 0..2 {
            app.start_phone_verification(&me, &a.id, "+14155550100", "voice")
                .await
                .unwrap();
        }
        app.start_phone_verification(&other, &b.id, "+14155550100", "voice")
            .await
            .unwrap();
        let e = app
            .start_phone_verification(&other, &b.id, "+14155550100", "sms")
            .await
            .unwrap_err();
        assert_eq!(e.code(), "locked");
        // Five an hour from one account, whatever the numbers.
        for n in 1..=3 {
            app.start_phone_verification(&me, &a.id, &format!("+1415555020{n}"), "sms")
                .await
                .unwrap();
        }
        let e = app
            .start_phone_verification(&me, &a.id, "+14155550299", "sms")
            .await
            .unwrap_err();
        assert_eq!(e.code(), "locked");
        // An hour later, again.
        clock.set(
            clock
                .now()
                .plus_millis(trustwork_core::phone::SEND_WINDOW_MS + 1),
        );
        app.start_phone_verification(&me, &a.id, "+14155550299", "sms")
            .await
            .unwrap();
    })
    .await;
}
