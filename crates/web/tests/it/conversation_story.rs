//! Seed 002 in two headless Chromium browsers: a client invites a freelancer, the freelancer
//! accepts and the interview's thread opens; both write; a message with an email address before
//! any contract is refused with the reason shown to its sender and never reaches the client; the
//! client reports another message; the two start a video call from the thread and both see the
//! other's video; an agent sees the report with the conversation around it.

use crate::browser::{CHROMEDRIVER, browser_with, start_chromedriver, start_trustwork};
use crate::video_call::{FAKE_MEDIA, api, click, story, wait_for};
use serde_json::Value;
use trustwork_store::testing::TestDb;

const REMOTE_VIDEO: &str = "const v = document.getElementById('remote-video'); return v.videoWidth > 0 && v.readyState >= 2;";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interview_from_invitation_to_video_call() {
    if !std::path::Path::new(CHROMEDRIVER).exists() {
        if std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false") {
            panic!("{CHROMEDRIVER} is missing in CI: install chromium and chromium-driver");
        }
        eprintln!("skipping the conversation story: {CHROMEDRIVER} is not installed");
        return;
    }
    let test_db = TestDb::sqlite().await.expect("test database");
    let (addr, creds, _stop) = start_trustwork(test_db.db.clone()).await;
    let token = creds.admin_api_token.clone();
    let dev = creds
        .accounts
        .iter()
        .find(|a| a.email == "dev@trustwork.demo")
        .map(|a| a.id.clone())
        .expect("dev");

    let tmp = std::env::temp_dir().join(format!("tw-thread-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("temp dir");
    let (_driver, port) = start_chromedriver().await;
    let args: Vec<String> = FAKE_MEDIA.iter().map(|a| (*a).to_owned()).collect();
    let c = story(browser_with(port, &tmp.join("client"), &args).await, addr);
    let f = story(
        browser_with(port, &tmp.join("freelancer"), &args).await,
        addr,
    );

    // 1. Globex finds Dev and invites him to one of its open jobs.
    c.login("globex@trustwork.demo").await;
    c.go("/freelancers?q=Dev").await;
    click(&c, &format!("li[data-id='{dev}'] details.invite summary")).await;
    c.shot("thread-1-client-invites").await;
    c.submit(
        &format!("li[data-id='{dev}'] form"),
        &[(
            "message",
            "Hello Dev, would you interview for our landing page copy?",
        )],
    )
    .await;
    let notice = c.text(".flash").await;
    assert!(notice.contains("Invitation sent"), "{notice}");

    // 2. Dev sees the invitation and accepts: the interview's thread opens.
    f.login("dev@trustwork.demo").await;
    f.go("/messages").await;
    let invitations = f.text("#invitations").await;
    assert!(invitations.contains("would you interview"), "{invitations}");
    f.shot("thread-2-freelancer-invitation").await;
    click(&f, "#invitations form[action$='/accept'] button").await;
    wait_for(
        &f,
        "the interview's thread",
        "return location.pathname.startsWith('/messages/thr_') && document.getElementById('send-form') !== null;",
    )
    .await;
    let header = f.text("main").await;
    assert!(header.contains("interviewing"), "{header}");
    let thread_path = f.c.current_url().await.expect("url").path().to_owned();

    // 3. Both write.
    f.submit(
        "#send-form",
        &[("text", "Thanks for the invitation! I can start on Monday.")],
    )
    .await;
    // The form's answer is back (the message is stored) before the client looks.
    wait_for(
        &f,
        "the sent message",
        "return document.getElementById('messages') !== null && document.getElementById('messages').textContent.includes('start on Monday');",
    )
    .await;
    c.go(&thread_path).await;
    let seen = c.text("#messages").await;
    assert!(seen.contains("I can start on Monday"), "{seen}");
    c.submit(
        "#send-form",
        &[("text", "Great. What would you charge for the whole page?")],
    )
    .await;
    wait_for(
        &c,
        "the client's reply",
        "return document.getElementById('messages') !== null && document.getElementById('messages').textContent.includes('whole page');",
    )
    .await;

    // 4. An email address before any contract: refused, the reason shown to Dev, nothing for Globex.
    f.go(&thread_path).await;
    f.submit(
        "#send-form",
        &[("text", "Easier by mail: dev.patel.writes@gmail.com")],
    )
    .await;
    let refused = f.text(".flash").await;
    assert!(refused.contains("not delivered"), "{refused}");
    let marked = f.text("#messages li.refused").await;
    assert!(marked.contains("Not delivered"), "{marked}");
    f.shot("thread-3-freelancer-refused-message").await;
    c.go(&thread_path).await;
    let client_view = c.text("#messages").await;
    assert!(!client_view.contains("gmail"), "{client_view}");
    assert!(
        client_view.contains("What would you charge"),
        "{client_view}"
    );

    // 5. Globex reports Dev's first message.
    let reported: Value =
        c.c.execute(
            "return document.querySelector('#messages li.message:not(.mine)').dataset.id;",
            vec![],
        )
        .await
        .expect("message id");
    let reported = reported.as_str().expect("id").to_owned();
    click(&c, &format!("#m-{reported} details.flag summary")).await;
    c.submit(
        &format!("#m-{reported} details.flag form"),
        &[("reason", "spam"), ("note", "Copied text, I think")],
    )
    .await;
    let thanks = c.text(".flash").await;
    assert!(thanks.contains("we received your report"), "{thanks}");
    c.shot("thread-4-client-view").await;

    // 6. Dev starts a video call from the thread; Globex joins from it; both see video.
    f.go(&thread_path).await;
    click(&f, "#start-video").await;
    wait_for(
        &f,
        "the call page",
        "return document.getElementById('thread-call') !== null;",
    )
    .await;
    wait_for(
        &f,
        "the caller's camera",
        "const v = document.getElementById('local-video'); return v.videoWidth > 0;",
    )
    .await;
    c.go(&thread_path).await;
    click(&c, "#join-call").await;
    wait_for(
        &c,
        "the call page",
        "return document.getElementById('thread-call') !== null;",
    )
    .await;
    wait_for(&c, "the caller's video", REMOTE_VIDEO).await;
    wait_for(&f, "the callee's video", REMOTE_VIDEO).await;
    let width =
        c.c.execute(
            "return document.getElementById('remote-video').videoWidth;",
            vec![],
        )
        .await
        .expect("width");
    assert!(width.as_u64().unwrap_or(0) > 0, "{width}");
    f.shot("thread-5-video-call").await;
    click(&f, "#hang-up").await;
    wait_for(
        &c,
        "the end of the call",
        "return document.getElementById('call-state').textContent.includes('ended');",
    )
    .await;
    c.go(&thread_path).await;
    let log = c.text("#call-log").await;
    assert!(
        log.contains("Video call started by the other side"),
        "{log}"
    );
    assert!(log.contains(" min "), "{log}");

    // 7. The agent sees the report with the conversation around it.
    let cases = api(addr, &token, "GET", "/api/v1/review-cases?queue=flag", None).await;
    let case = cases["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|k| k["entity_id"] == reported.as_str())
        .unwrap_or_else(|| panic!("no case for the reported message: {cases}"));
    let case_id = case["id"].as_str().expect("case id").to_owned();
    c.login("agent@trustwork.demo").await;
    c.go(&format!("/review/{case_id}")).await;
    let around = c.text("#conversation").await;
    assert!(around.contains("this message"), "{around}");
    assert!(around.contains("What would you charge"), "{around}");
    assert!(around.contains("not delivered"), "{around}");
    let flags = c.text("#flags").await;
    assert!(flags.contains("Copied text"), "{flags}");
    c.shot("thread-6-agent-sees-the-report").await;

    // The other new member pages, looked at like the rest.
    f.go("/settings/profile").await;
    f.submit(
        "#profile-form",
        &[
            ("title", "Embedded Rust engineer"),
            ("rate", "60"),
            ("overview", "Firmware reviews and power audits."),
        ],
    )
    .await;
    f.flash_saying("Your profile was saved.").await;
    f.shot("profile-1-editor").await;
    c.login("globex@trustwork.demo").await;
    c.go("/my-jobs").await;
    click(&c, "#post-job summary").await;
    c.shot("my-jobs-1-list-and-form").await;
    c.go("/messages").await;
    c.shot("messages-1-list").await;
    for story in [&c, &f] {
        let problems = story.layout_problems.lock().expect("not poisoned");
        assert!(
            problems.is_empty(),
            "pages do not fit their width:\n{}",
            problems.join("\n")
        );
    }
}
