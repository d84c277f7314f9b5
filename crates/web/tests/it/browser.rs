//! The identity-verification story driven through the console in real headless Chromium
//! (Debian's chromium and chromium-driver), the way an agent, an admin and a freelancer use it.
//!
//! Skipped with a message when chromedriver is not installed, except in CI, where it must run.

use fantoccini::{Client, ClientBuilder, Locator};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;
use trustwork_app::demo::{DEMO_PASSWORD, DemoCredentials};
use trustwork_app::{App, AppConfig, Clock, DevMailbox, OffsetClock};
use trustwork_store::testing::TestDb;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

async fn start_chromedriver() -> (Driver, u16) {
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let driver = Driver(child);
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return (driver, port);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start on port {port}");
}

async fn browser(driver_port: u16, profile: &std::path::Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": CHROMIUM,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-quic", "--window-size=1280,1000",
                format!("--user-data-dir={}", profile.display()),
            ]
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{driver_port}"))
        .await
        .expect("a browser session")
}

/// Runs Trustwork in demo mode on a free port, with the demo marketplace seeded.
async fn start_trustwork(
    db: trustwork_store::Db,
) -> (
    SocketAddr,
    DemoCredentials,
    tokio::sync::oneshot::Sender<()>,
) {
    let config = AppConfig {
        demo_mode: true,
        ..AppConfig::default()
    };
    let app = App::new(
        db,
        Arc::new(OffsetClock::new(0)) as Arc<dyn Clock>,
        Arc::new(DevMailbox),
        config,
    );
    let creds = app.seed_demo().await.expect("demo seeded");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let options = trustwork_web::ServeOptions {
            listener,
            secure_cookies: false,
            trusted_proxies: trustwork_web::TrustedProxies::default(),
            limits: trustwork_web::ConnectionLimits::default(),
            rate_limit: None,
            metrics_token: None,
        };
        let _ = trustwork_web::serve(app, options, async {
            let _ = stopped.await;
        })
        .await;
    });
    (addr, creds, stop)
}

fn screenshot_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots")
}

struct Story {
    c: Client,
    base: String,
}

impl Story {
    async fn go(&self, path: &str) {
        self.c
            .goto(&format!("{}{path}", self.base))
            .await
            .expect("navigates");
    }

    async fn text(&self, css: &str) -> String {
        let found = self
            .c
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await;
        match found {
            Ok(el) => el.text().await.expect("text"),
            Err(e) => {
                self.shot("failure").await;
                let url = self
                    .c
                    .current_url()
                    .await
                    .map(|u| u.to_string())
                    .unwrap_or_default();
                let body = self.c.source().await.unwrap_or_default();
                panic!("no element {css} on {url}: {e}\n{body}");
            }
        }
    }

    async fn login(&self, email: &str) {
        self.c.delete_all_cookies().await.expect("cookies cleared");
        self.go("/login").await;
        let form = self
            .c
            .form(Locator::Css("form[action='/login']"))
            .await
            .expect("login form");
        form.set_by_name("email", email).await.expect("email");
        form.set_by_name("password", DEMO_PASSWORD)
            .await
            .expect("password");
        form.submit().await.expect("submitted");
        self.text("header.top .name").await;
    }

    async fn submit(&self, form_css: &str, fields: &[(&str, &str)]) {
        let form = self
            .c
            .form(Locator::Css(form_css))
            .await
            .unwrap_or_else(|e| panic!("no form {form_css}: {e}"));
        for (name, value) in fields {
            form.set_by_name(name, value).await.expect("field set");
        }
        form.submit().await.expect("form submitted");
    }

    async fn shot(&self, name: &str) {
        let dir = screenshot_dir();
        if std::fs::create_dir_all(&dir).is_ok()
            && let Ok(png) = self.c.screenshot().await
        {
            let _ = std::fs::write(dir.join(format!("{name}.png")), png);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identity_verification_story_in_the_browser() {
    if !std::path::Path::new(CHROMEDRIVER).exists() {
        if std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false") {
            panic!("{CHROMEDRIVER} is missing in CI: install chromium and chromium-driver");
        }
        eprintln!(
            "skipping the browser test: {CHROMEDRIVER} is not installed (apt-get install chromium chromium-driver)"
        );
        return;
    }
    let test_db = TestDb::sqlite().await.expect("test database");
    let (addr, creds, stop) = start_trustwork(test_db.db.clone()).await;
    let (_driver, driver_port) = start_chromedriver().await;
    let profile = std::env::temp_dir().join(format!("tw-chrome-{}", std::process::id()));
    let client = browser(driver_port, &profile).await;
    let s = Story {
        c: client.clone(),
        base: format!("http://{addr}"),
    };
    let maria = creds
        .accounts
        .iter()
        .find(|a| a.email == "maria@trustwork.demo")
        .expect("maria in the demo")
        .id
        .clone();

    // 1. The agent requires Maria to verify her identity.
    s.login("agent@trustwork.demo").await;
    s.go("/agent/accounts?q=maria").await;
    let link =
        s.c.find(Locator::Css("#accounts a"))
            .await
            .expect("maria in the results");
    link.click().await.expect("opens the account");
    assert!(s.text("main h1").await.contains("Maria López"));
    s.submit(
        "#require-verification",
        &[("reason", "profile photo does not match the ID on file")],
    )
    .await;
    assert!(
        s.text(".flash-ok")
            .await
            .contains("Identity verification required")
    );
    s.shot("1-agent-required-verification").await;

    // 2. Maria sees the banner on every page.
    s.login("maria@trustwork.demo").await;
    assert!(
        s.text("#verification-banner")
            .await
            .contains("Action required: verify your identity")
    );
    s.go("/jobs").await;
    assert!(
        s.text("#verification-banner")
            .await
            .contains("Go to Settings")
    );
    s.shot("2-freelancer-banner").await;

    // 3. The admin moves the test clock 7 days ahead.
    s.login("admin@trustwork.demo").await;
    s.go("/admin").await;
    s.c.find(Locator::Css("#advance-7-days"))
        .await
        .expect("button")
        .click()
        .await
        .expect("clicked");
    assert!(
        s.text(".flash-ok")
            .await
            .contains("Test clock advanced 7 days")
    );
    s.shot("3-admin-advanced-clock").await;

    // 4. Maria is on hold: proposals refused with the reason, old ones cancelled, contract on.
    s.login("maria@trustwork.demo").await;
    assert!(
        s.text("#verification-banner")
            .await
            .contains("Your account is on hold")
    );
    assert_eq!(s.text("#standing").await, "On hold");
    s.go("/jobs").await;
    s.c.find(Locator::Css("article.job details summary"))
        .await
        .expect("a job")
        .click()
        .await
        .expect("opened");
    s.submit(
        "article.job form",
        &[("cover_letter", "I can start tomorrow.")],
    )
    .await;
    let refusal = s.text("#flash-error").await;
    assert!(refusal.contains("Proposal not submitted"), "{refusal}");
    assert!(
        refusal.contains("Identity verification was not completed by the deadline"),
        "{refusal}"
    );
    s.shot("4-freelancer-proposal-refused").await;
    s.go("/work").await;
    let proposals = s.text("#proposals").await;
    assert!(proposals.contains("cancelled by system"), "{proposals}");
    assert!(!proposals.contains(" submitted"), "{proposals}");
    let contracts = s.text("#contracts").await;
    assert!(contracts.contains("active"), "{contracts}");
    s.shot("5-freelancer-work-on-hold").await;

    // 5. The agent records "verified".
    s.login("agent@trustwork.demo").await;
    s.go(&format!("/agent/accounts/{maria}")).await;
    s.submit(
        ".case[data-status='expired'] form",
        &[
            ("outcome", "verified"),
            ("note", "ID shown on camera matched"),
        ],
    )
    .await;
    assert!(
        s.text(".flash-ok")
            .await
            .contains("Outcome recorded: verified")
    );
    assert_eq!(s.text("#standing").await, "Good standing");
    s.shot("6-agent-recorded-verified").await;

    // 6. Maria sees the green mark and may submit proposals again.
    s.login("maria@trustwork.demo").await;
    s.go("/settings/identity").await;
    assert!(
        s.text("#identity-verified")
            .await
            .contains("Identity verified")
    );
    s.shot("7-freelancer-verified").await;
    s.go("/jobs").await;
    s.c.find(Locator::Css("article.job details summary"))
        .await
        .expect("a job")
        .click()
        .await
        .expect("opened");
    s.submit(
        "article.job form",
        &[("cover_letter", "Verified now; happy to help.")],
    )
    .await;
    assert!(
        s.text(".flash-ok")
            .await
            .contains("Your proposal was submitted")
    );
    s.go("/work").await;
    let proposals = s.text("#proposals").await;
    assert!(proposals.contains("submitted"), "{proposals}");
    assert!(
        proposals.contains("cancelled by system"),
        "cancelled proposals stay cancelled: {proposals}"
    );

    client.close().await.expect("browser closed");
    let _ = stop.send(());
    test_db.cleanup().await;
    let _ = std::fs::remove_dir_all(profile);
}
