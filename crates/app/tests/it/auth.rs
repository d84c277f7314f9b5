use crate::{app, person};
use trustwork_app::AppError;
use trustwork_app::auth::Scope;
use trustwork_core::Role;
use trustwork_store::testing::each_backend;

#[tokio::test]
async fn sign_in_creates_a_session_and_sign_out_ends_it() {
    each_backend(|db| async move {
        let (app, clock) = app(db);
        let f = person(&app, "f@example.com", Role::Freelancer).await;
        let e = app
            .login("f@example.com", "wrong-password", "10.0.0.1")
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::BadCredentials));
        let e = app
            .login("nobody@example.com", "password-123", "10.0.0.1")
            .await
            .unwrap_err();
        assert!(
            matches!(e, AppError::BadCredentials),
            "unknown email looks the same"
        );
        let (token, signed) = app
            .login(" F@Example.com ", "password-123", "10.0.0.1")
            .await
            .unwrap();
        assert_eq!(signed.account.id, f.id);
        assert!(!signed.csrf_token.is_empty());
        let again = app.session(&token).await.unwrap().unwrap();
        assert_eq!(again.csrf_token, signed.csrf_token);
        assert!(app.session("forged").await.unwrap().is_none());
        // Sessions expire when idle.
        clock.set(app.now().plus_days(8));
        assert!(app.session(&token).await.unwrap().is_none());
        let (token, signed) = app
            .login("f@example.com", "password-123", "10.0.0.1")
            .await
            .unwrap();
        app.logout(&signed.session_id).await.unwrap();
        assert!(app.session(&token).await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn repeated_failures_slow_guessing_without_locking_the_owner_out() {
    each_backend(|db| async move {
        let (app, clock) = app(db);
        person(&app, "f@example.com", Role::Freelancer).await;
        // The owner's browser signed in before and kept its device token.
        let device = app
            .sign_in("f@example.com", "password-123", "10.0.0.1", None)
            .await
            .unwrap()
            .device;
        let too_soon = |e: &AppError| match e {
            AppError::TooManyAttempts { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        };
        for _ in 0..5 {
            let e = app
                .login("f@example.com", "guess", "10.0.0.9")
                .await
                .unwrap_err();
            assert!(matches!(e, AppError::BadCredentials));
        }
        // The guesser's address waits a second, whatever the password…
        let e = app
            .login("f@example.com", "password-123", "10.0.0.9")
            .await
            .unwrap_err();
        assert_eq!(too_soon(&e), Some(1), "{e:?}");
        // …while the owner elsewhere is not slowed at all, with or without a device token.
        app.login("f@example.com", "password-123", "10.0.0.7")
            .await
            .unwrap();
        app.sign_in("f@example.com", "password-123", "10.0.0.1", Some(&device))
            .await
            .unwrap();
        // After the wait an attempt is checked; a wrong one doubles the next wait.
        clock.set(app.now().plus_millis(1000));
        let e = app
            .login("f@example.com", "guess", "10.0.0.9")
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::BadCredentials));
        let e = app
            .login("f@example.com", "guess", "10.0.0.9")
            .await
            .unwrap_err();
        assert_eq!(too_soon(&e), Some(2), "{e:?}");
        // A guesser who waits each time gets slower and slower, never waiting more than five
        // minutes.
        let mut waits = Vec::new();
        for _ in 0..24 {
            match app.login("f@example.com", "guess", "10.0.0.9").await {
                Err(e) if too_soon(&e).is_some() => {
                    let secs = too_soon(&e).unwrap();
                    waits.push(secs);
                    clock.set(app.now().plus_millis(secs * 1000));
                }
                Err(AppError::BadCredentials) => {}
                other => panic!("{other:?}"),
            }
        }
        // (It grows until failures older than the 15-minute window stop counting.)
        assert_eq!(
            &waits[..9],
            &[2, 4, 8, 16, 32, 64, 128, 256, 300],
            "{waits:?}"
        );
        assert!(waits.iter().all(|w| *w <= 300), "{waits:?}");
        // A spread-out attack (many addresses) slows the email itself after fifty failures;
        // then only the owner's browser, with its device token, skips that delay, and a
        // token that is forged or made for another email is not believed.
        clock.set(app.now().plus_millis(16 * 60 * 1000));
        for n in 0..50 {
            let _ = app
                .login("f@example.com", "guess", &format!("10.1.0.{n}"))
                .await;
        }
        let e = app
            .login("f@example.com", "password-123", "10.0.0.7")
            .await
            .unwrap_err();
        assert!(too_soon(&e).is_some(), "{e:?}");
        for forged in ["x.y", "", "nonce-only", &device.replace('.', "")] {
            let e = app
                .sign_in("f@example.com", "password-123", "10.0.0.8", Some(forged))
                .await
                .unwrap_err();
            assert!(too_soon(&e).is_some(), "{forged}: {e:?}");
        }
        app.sign_in("f@example.com", "password-123", "10.0.0.1", Some(&device))
            .await
            .unwrap();
        // A token older than half a year is not believed any more.
        for n in 0..50 {
            let _ = app
                .login("f@example.com", "guess", &format!("10.2.0.{n}"))
                .await;
        }
        clock.set(
            app.now()
                .plus_days(trustwork_app::auth::DEVICE_TOKEN_DAYS + 1),
        );
        let old = app
            .sign_in("f@example.com", "password-123", "10.0.0.1", Some(&device))
            .await;
        assert!(old.is_ok(), "the delays ended long ago: {old:?}");
        let fresh = old.unwrap().device;
        assert_ne!(fresh, device);
        for n in 0..50 {
            let _ = app
                .login("f@example.com", "guess", &format!("10.3.0.{n}"))
                .await;
        }
        let e = app
            .sign_in("f@example.com", "password-123", "10.0.0.1", Some(&device))
            .await
            .unwrap_err();
        assert!(too_soon(&e).is_some(), "an expired token: {e:?}");
        app.sign_in("f@example.com", "password-123", "10.0.0.1", Some(&fresh))
            .await
            .unwrap();
    })
    .await;
}

#[tokio::test]
async fn api_tokens_carry_scopes_and_are_stored_hashed() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        let (id, secret) = app
            .create_api_token("operator", &[Scope::AccountsRead])
            .await
            .unwrap();
        let caller = app.api_caller(&secret).await.unwrap().unwrap();
        assert_eq!(caller.token_id, id);
        assert!(caller.has(Scope::AccountsRead));
        assert!(!caller.has(Scope::AccountsWrite));
        assert!(app.api_caller("tw_not_a_token").await.unwrap().is_none());
        assert_eq!(
            app.create_api_token(" ", &[]).await.unwrap_err().code(),
            "invalid_input"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_guesses_cannot_slip_past_the_limit_together() {
    each_backend(|db| async move {
        let (app, _clock) = app(db);
        person(&app, "f@example.com", Role::Freelancer).await;
        let mut guesses = Vec::new();
        for _ in 0..12 {
            let app = app.clone();
            guesses.push(tokio::spawn(async move {
                app.login("f@example.com", "guess", "10.0.0.7")
                    .await
                    .unwrap_err()
                    .code()
            }));
        }
        let mut wrong = 0;
        for g in guesses {
            if g.await.unwrap() == "bad_credentials" {
                wrong += 1;
            }
        }
        // Each attempt is written before its password is checked, so at most the limit get a
        // verdict on the password; the others are refused outright.
        assert_eq!(wrong, 5);
    })
    .await;
}
