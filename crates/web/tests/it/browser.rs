//! The identity-verification story driven through the console in real headless Chromium
//! (Debian's chromium and chromium-driver), the way an agent, an admin and a freelancer use it.
//!
//! Every screenshot step is taken at a desktop width (1,280 px) and a phone width (390 px), and
//! at each width the page must fit: nothing wider than the viewport, except inside a box that
//! scrolls sideways on its own (a wide table in its `.table-scroll`). Set
//! `TW_SCREENSHOT_WHOLE_PAGE=1` to also save the rest of each page a screen at a time
//! (`…-390-p2.png`, `…-390-p3.png`…), for looking at.
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

pub(crate) const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

pub(crate) struct Driver(Child);

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

pub(crate) async fn start_chromedriver() -> (Driver, u16) {
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
    browser_with(driver_port, profile, &[]).await
}

/// A headless Chromium with `extra` switches (fake camera and microphone, for instance).
pub(crate) async fn browser_with(
    driver_port: u16,
    profile: &std::path::Path,
    extra: &[String],
) -> Client {
    let mut args: Vec<String> = [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--window-size=1280,1000",
        // Two browsers on one machine: the hidden one must not be throttled.
        "--disable-background-timer-throttling",
        "--disable-renderer-backgrounding",
        "--disable-backgrounding-occluded-windows",
        "--autoplay-policy=no-user-gesture-required",
    ]
    .iter()
    .map(|a| (*a).to_owned())
    .collect();
    args.push(format!("--user-data-dir={}", profile.display()));
    args.extend(extra.iter().cloned());
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({ "binary": CHROMIUM, "args": args }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{driver_port}"))
        .await
        .expect("a browser session")
}

/// Runs Trustwork in demo mode on a free port, with the demo marketplace seeded.
pub(crate) async fn start_trustwork(
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

pub(crate) struct Story {
    pub(crate) c: Client,
    pub(crate) base: String,
    pub(crate) addr: SocketAddr,
    /// What did not fit, per screenshot and width; the test fails on it at the end.
    pub(crate) layout_problems: std::sync::Mutex<Vec<String>>,
}

impl Story {
    pub(crate) async fn go(&self, path: &str) {
        self.c
            .goto(&format!("{}{path}", self.base))
            .await
            .expect("navigates");
    }

    pub(crate) async fn text(&self, css: &str) -> String {
        // A page that is being replaced (a form just sent) may hand over an element that is gone
        // by the time its text is read: look again on the new page.
        for _ in 0..5 {
            let found = self
                .c
                .wait()
                .at_most(Duration::from_secs(10))
                .for_element(Locator::Css(css))
                .await;
            if let Ok(el) = found {
                match el.text().await {
                    Ok(text) => return text,
                    Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
                }
            }
        }
        let found = self
            .c
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await;
        match found {
            Ok(el) => el.text().await.expect("text"),
            Err(e) => {
                self.save_png("failure").await;
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

    /// The flash message once it says `expected`: the page before may still show an earlier
    /// one while the form's answer loads.
    pub(crate) async fn flash_saying(&self, expected: &str) -> String {
        let mut last = String::new();
        for _ in 0..50 {
            last = self.text(".flash").await;
            if last.contains(expected) {
                return last;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        self.save_png("failure").await;
        panic!("the flash never said {expected:?}; it says {last:?}");
    }

    pub(crate) async fn login(&self, email: &str) {
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

    pub(crate) async fn submit(&self, form_css: &str, fields: &[(&str, &str)]) {
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

    /// Saves what the window shows now as `target/screenshots/{name}.png`.
    pub(crate) async fn save_png(&self, name: &str) {
        let dir = screenshot_dir();
        if std::fs::create_dir_all(&dir).is_ok()
            && let Ok(png) = self.c.screenshot().await
        {
            let _ = std::fs::write(dir.join(format!("{name}.png")), png);
        }
    }

    /// Resizes the window so that the page's viewport is `width` px wide.
    async fn resize(&self, width: u32, height: u32) {
        self.c
            .set_window_size(width, height)
            .await
            .expect("window resized");
        for _ in 0..50 {
            let inner = self
                .c
                .execute("return window.innerWidth;", vec![])
                .await
                .expect("innerWidth");
            if inner.as_u64() == Some(u64::from(width)) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the viewport did not become {width} px wide");
    }

    /// Screenshots the page at each of [`WIDTHS`] as `{name}-{width}.png`, checking at each
    /// width that the page fits; what does not fit is kept for the end of the test.
    pub(crate) async fn shot(&self, name: &str) {
        for (width, height) in WIDTHS {
            self.resize(width, height).await;
            let problem = self.overflow().await;
            self.save_png(&format!("{name}-{width}")).await;
            if std::env::var_os("TW_SCREENSHOT_WHOLE_PAGE").is_some() {
                self.save_rest_of_page(&format!("{name}-{width}")).await;
            }
            if let Some(problem) = problem {
                let problem = format!("{name} at {width} px: {problem}");
                eprintln!("layout: {problem}");
                self.layout_problems
                    .lock()
                    .expect("not poisoned")
                    .push(problem);
            }
        }
        let (width, height) = WIDTHS[0];
        self.resize(width, height).await;
    }

    /// Saves the rest of the page below the first screen, one screen at a time, as
    /// `{name}-p2.png`, `{name}-p3.png`…, scrolling as a reader would; then scrolls back up.
    async fn save_rest_of_page(&self, name: &str) {
        for page in 2..=12 {
            let scrolled = self
                .c
                .execute(
                    "const before = window.scrollY; \
                     window.scrollBy(0, window.innerHeight - 40); \
                     return window.scrollY > before;",
                    vec![],
                )
                .await
                .expect("scrolls");
            if scrolled.as_bool() != Some(true) {
                break;
            }
            self.save_png(&format!("{name}-p{page}")).await;
        }
        self.c
            .execute("window.scrollTo(0, 0);", vec![])
            .await
            .expect("scrolls back");
    }

    /// Whether the page is wider than the viewport, or which elements stick out of it: `None`
    /// when it fits. Elements inside a box that scrolls sideways on its own don't count.
    async fn overflow(&self) -> Option<String> {
        let found = self
            .c
            .execute(OVERFLOW_CHECK, vec![])
            .await
            .expect("the overflow check runs");
        let number = |key: &str| found[key].as_f64().unwrap_or(f64::NAN);
        let (scroll_width, inner_width, client_width) = (
            number("scrollWidth"),
            number("innerWidth"),
            number("clientWidth"),
        );
        let offenders = found["offenders"].as_array().cloned().unwrap_or_default();
        if scroll_width <= inner_width && offenders.is_empty() {
            return None;
        }
        let mut out = format!(
            "document scrollWidth {scroll_width} (innerWidth {inner_width}, clientWidth \
             {client_width}); {} element(s) reach past the right edge:",
            offenders.len()
        );
        for o in offenders.iter().take(25) {
            let text = |key: &str| o[key].as_str().unwrap_or_default().to_owned();
            out.push_str(&format!(
                "\n    <{} class=\"{}\" id=\"{}\"> {:?} width {} right {}",
                text("tag"),
                text("class"),
                text("id"),
                text("text"),
                o["width"],
                o["right"],
            ));
        }
        if offenders.len() > 25 {
            out.push_str(&format!("\n    … and {} more", offenders.len() - 25));
        }
        Some(out)
    }

    /// GETs `path` outside the browser with the browser's cookies (so, signed in as whoever
    /// the browser is signed in as), over a plain HTTP/1.1 connection.
    async fn get_with_browser_cookies(&self, path: &str) -> RawResponse {
        let cookies = self.c.get_all_cookies().await.expect("cookies");
        let cookie = cookies
            .iter()
            .map(|c| format!("{}={}", c.name(), c.value()))
            .collect::<Vec<_>>()
            .join("; ");
        http(
            self.addr,
            &format!("GET {path} HTTP/1.1\r\nCookie: {cookie}\r\n"),
            "",
        )
        .await
    }
}

/// The widths every screenshot step is taken at (desktop, phone), with window heights.
const WIDTHS: [(u32, u32); 2] = [(1280, 1000), (390, 844)];

/// Run in the page: the document's widths, and each visible element whose right edge is past
/// the viewport's (plus a pixel for rounding), unless a box around it scrolls sideways.
const OVERFLOW_CHECK: &str = r#"
const root = document.documentElement;
const limit = root.clientWidth + 1;
const inScroller = (node) => {
  for (let p = node.parentElement; p && p !== root; p = p.parentElement) {
    const x = getComputedStyle(p).overflowX;
    if (x === 'auto' || x === 'scroll') return true;
  }
  return false;
};
const offenders = [];
const report = (el, r, what) => offenders.push({
  tag: el.tagName.toLowerCase() + what,
  class: el.getAttribute('class') || '',
  id: el.id || '',
  text: (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40),
  width: Math.round(r.width),
  right: Math.round(r.right + window.scrollX),
});
const sticksOut = (r) => r.width > 0 && r.height > 0 && r.right + window.scrollX > limit;
for (const el of document.body.querySelectorAll('*')) {
  const style = getComputedStyle(el);
  if (style.display === 'none' || style.visibility === 'hidden') continue;
  const r = el.getBoundingClientRect();
  if (sticksOut(r) && !inScroller(el)) report(el, r, '');
}
// Text that overflows its element (a long word) sticks out though the element does not.
const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const range = document.createRange();
for (let t = texts.nextNode(); t; t = texts.nextNode()) {
  const el = t.parentElement;
  if (!el || !t.data.trim() || el.closest('script, style') || !el.checkVisibility()) continue;
  range.selectNodeContents(t);
  const r = range.getBoundingClientRect();
  if (sticksOut(r) && !inScroller(t)) report(el, r, ' (its text)');
}
return {
  scrollWidth: root.scrollWidth,
  innerWidth: window.innerWidth,
  clientWidth: root.clientWidth,
  offenders,
};
"#;

pub(crate) struct RawResponse {
    pub(crate) status: u16,
    /// Header names in lower case, in the order sent.
    headers: Vec<(String, String)>,
    pub(crate) body: String,
}

impl RawResponse {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Sends `head` (a request line and header lines, each ending in CRLF) with `body` to `addr`
/// over HTTP/1.1 and reads the whole answer (the connection closes after it).
pub(crate) async fn http(addr: SocketAddr, head: &str, body: &str) -> RawResponse {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connects");
    let request = format!(
        "{head}Host: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(request.as_bytes())
        .await
        .expect("request sent");
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut raw))
        .await
        .expect("an answer within 10 s")
        .expect("answer read");
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").expect("a header block");
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .expect("a status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    RawResponse {
        status,
        headers,
        body: body.to_owned(),
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
        addr,
        layout_problems: std::sync::Mutex::new(Vec::new()),
    };
    let id_of = |email: &str| {
        creds
            .accounts
            .iter()
            .find(|a| a.email == email)
            .unwrap_or_else(|| panic!("{email} in the demo"))
            .id
            .clone()
    };
    let maria = id_of("maria@trustwork.demo");

    // A client reports a message of Dev's, so the review queue has a case in it (with a long
    // URL in the content, as such messages have).
    let flag = serde_json::json!({
        "reporter_id": id_of("acme@trustwork.demo"),
        "target_type": "message",
        "target_id": "msg_01hzy8k3m2q9r7t5v4w6x8b0nd",
        "target_account_id": id_of("dev@trustwork.demo"),
        "reason": "off_platform_payment",
        "note": "asks to be paid outside Trustwork",
        "content": "Let's skip the fees: pay me directly at https://payments.example.com/checkout/sessions/cs_live_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0?ref=dev-patel-direct and I'll start today.",
    })
    .to_string();
    let flagged = http(
        addr,
        &format!(
            "POST /api/v1/flags HTTP/1.1\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\n",
            creds.admin_api_token
        ),
        &flag,
    )
    .await;
    assert_eq!(flagged.status, 201, "{}", flagged.body);

    s.go("/login").await;
    s.text("form[action='/login']").await;
    s.shot("0-sign-in").await;

    // 1. The agent requires Maria to verify her identity.
    s.login("agent@trustwork.demo").await;
    s.go("/agent/accounts?q=maria").await;
    s.shot("1a-agent-search").await;
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

    // The agent's review queue and the reported message's case.
    s.go("/review").await;
    assert!(
        s.text("#review-cases")
            .await
            .contains("msg_01hzy8k3m2q9r7t5v4w6x8b0nd")
    );
    s.shot("1b-agent-review-queue").await;
    s.c.find(Locator::Css("#review-cases tbody a"))
        .await
        .expect("a case")
        .click()
        .await
        .expect("opens the case");
    assert!(s.text("#content").await.contains("payments.example.com"));
    s.shot("1c-agent-review-case").await;

    // Signed-in pages may not be framed, sniffed, leaked through the referrer or cached.
    let page = s
        .get_with_browser_cookies(&format!("/agent/accounts/{maria}"))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("Maria López"),
        "signed in: {}",
        page.body
    );
    let header = |name: &str| {
        page.header(name)
            .unwrap_or_else(|| panic!("no {name} header in {:?}", page.headers))
            .to_owned()
    };
    let csp = header("content-security-policy");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(header("x-frame-options").eq_ignore_ascii_case("DENY"));
    assert!(header("x-content-type-options").eq_ignore_ascii_case("nosniff"));
    assert!(!header("referrer-policy").is_empty());
    assert!(header("cache-control").contains("no-store"));

    // 2. Maria sees the banner on every page.
    s.login("maria@trustwork.demo").await;
    assert!(
        s.text("#verification-banner")
            .await
            .contains("Action required: verify your identity")
    );
    s.shot("2a-freelancer-dashboard").await;
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
    // Before she tries: every job shows the action disabled, with the reason in words.
    let button =
        s.c.find(Locator::Css("article.job button[disabled]"))
            .await
            .expect("a disabled proposal button");
    assert_eq!(button.text().await.expect("label"), "Submit a proposal");
    assert!(
        s.c.find(Locator::Css("article.job form[action$='/proposals']"))
            .await
            .is_err(),
        "no proposal form is offered while on hold"
    );
    let why = s.text("article.job .blocked").await;
    assert!(
        why.starts_with("You can't submit proposals right now."),
        "{why}"
    );
    assert!(
        why.contains("Identity verification was not completed by the deadline")
            && why.contains("Settings → Identity Verification")
            && !why.contains("UNVERIFIED"),
        "{why}"
    );
    s.shot("4-freelancer-proposal-disabled").await;
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
    assert!(
        s.text("#capabilities")
            .await
            .contains("UNVERIFIED_IDENTITY_DEADLINE")
    );
    s.shot("5b-agent-account-on-hold").await;
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
    // The audit trail reads field by field, with people's names, not JSON.
    let audit = s.text("#audit").await;
    assert!(audit.contains("Verification outcome recorded"), "{audit}");
    assert!(audit.contains("status: expired → verified"), "{audit}");
    assert!(audit.contains("Tomás Agent"), "{audit}");
    assert!(!audit.contains("{\""), "no raw JSON: {audit}");

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
        "article.job form[action$='/proposals']",
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
    let problems = s.layout_problems.lock().expect("not poisoned");
    assert!(
        problems.is_empty(),
        "pages do not fit their width (screenshots in {}):\n{}",
        screenshot_dir().display(),
        problems.join("\n")
    );
}
