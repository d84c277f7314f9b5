//! `serve`, `demo` and `migrate`.

use crate::config::{ServeArgs, Settings, sqlite_url};
use anyhow::Context;
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;
use trustwork_app::{
    App, AppConfig, Clock, DevMailbox, Mailer, OffsetClock, SmtpMailer, SystemClock,
};
use trustwork_store::Db;

#[derive(Args, Debug, Clone)]
pub struct DemoArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// Where the demo database and `demo-credentials.json` are written. The demo database is
    /// recreated at every start.
    #[arg(long, default_value = "./demo-data")]
    pub data_dir: PathBuf,
}

pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}

/// The key from the settings, or one generated once and kept in the data dir.
fn secret_key(settings: &Settings) -> anyhow::Result<Vec<u8>> {
    if let Some(key) = &settings.encryption_key {
        return Ok(key.as_bytes().to_vec());
    }
    let path = settings.data_dir.join("secret.key");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let key = existing.trim().to_owned();
        if key.len() >= 32 {
            return Ok(key.into_bytes());
        }
    }
    let mut bytes = [0u8; 32];
    getrandom_fill(&mut bytes)?;
    let key: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    write_private(&path, &key)?;
    Ok(key.into_bytes())
}

fn getrandom_fill(buf: &mut [u8]) -> anyhow::Result<()> {
    use std::io::Read;
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(buf))
        .context("cannot read random bytes for the secret key")
}

fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("cannot restrict {}", path.display()))?;
    }
    Ok(())
}

pub async fn open_db(settings: &Settings) -> anyhow::Result<Db> {
    std::fs::create_dir_all(&settings.data_dir)
        .with_context(|| format!("cannot create data dir {}", settings.data_dir.display()))?;
    let db = Db::connect(&settings.database_url)
        .await
        .context("cannot open the database")?;
    db.migrate().await.context("cannot apply migrations")?;
    Ok(db)
}

fn mailer(settings: &Settings) -> anyhow::Result<Arc<dyn Mailer>> {
    Ok(match &settings.smtp_url {
        Some(url) => Arc::new(SmtpMailer::new(url, &settings.mail_from)?),
        None => Arc::new(DevMailbox),
    })
}

async fn serve_app(app: App, settings: &Settings, started: Instant) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(&settings.bind)
        .await
        .with_context(|| format!("cannot listen on {}", settings.bind))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, backend = app.db().backend().as_str(), ready_in_ms = started.elapsed().as_millis() as u64, "Trustwork is listening");
    println!("Trustwork console: http://{addr}/");
    trustwork_web::serve(
        app,
        trustwork_web::ServeOptions {
            listener,
            secure_cookies: settings.secure_cookies,
        },
        shutdown_signal(),
    )
    .await
    .context("server failed")
}

pub fn app_config(settings: &Settings, demo_mode: bool) -> anyhow::Result<AppConfig> {
    Ok(AppConfig {
        policy: settings.policy.clone(),
        demo_mode,
        secret_key: secret_key(settings)?,
        public_url: settings.public_url.clone(),
        mail_from: settings.mail_from.clone(),
        node_id: format!("{}-{}", hostname(), std::process::id()),
        webhooks: trustwork_app::WebhookConfig::default(),
    })
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .map(|s| s.trim().to_owned())
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "node".into())
}

async fn load_policy_file(app: &App, file: &Path) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read policy file {}", file.display()))?;
    let version = app.load_policy(&text).await.map_err(|e| match e {
        trustwork_app::AppError::Policy(p) => anyhow::anyhow!(
            "{}{}: {p}",
            file.display(),
            p.line.map(|l| format!(":{l}")).unwrap_or_default()
        ),
        other => anyhow::anyhow!("{}", other.detail()),
    })?;
    tracing::info!(%version, file = %file.display(), "policy file loaded");
    Ok(())
}

/// Re-reads the policy file on SIGHUP. A file that does not validate is logged and the live
/// policy stays as it was.
fn reload_on_sighup(app: App, file: PathBuf) {
    #[cfg(unix)]
    tokio::spawn(async move {
        let Ok(mut hup) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
        else {
            tracing::warn!("cannot listen for SIGHUP; reload the policy through the API instead");
            return;
        };
        while hup.recv().await.is_some() {
            if let Err(e) = load_policy_file(&app, &file).await {
                tracing::error!(error = %e, "policy reload refused; the live policy is unchanged");
            }
        }
    });
    #[cfg(not(unix))]
    let _ = (app, file);
}

pub fn run_serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    init_logging();
    let started = Instant::now();
    let settings = args.resolve()?;
    runtime()?.block_on(async {
        let db = open_db(&settings).await?;
        let config = app_config(&settings, false)?;
        let app = App::new(
            db,
            Arc::new(SystemClock) as Arc<dyn Clock>,
            mailer(&settings)?,
            config,
        );
        if let Some(file) = &settings.policy_file {
            load_policy_file(&app, file).await?;
            reload_on_sighup(app.clone(), file.clone());
        }
        serve_app(app, &settings, started).await
    })?;
    Ok(ExitCode::SUCCESS)
}

pub fn run_migrate(args: ServeArgs) -> anyhow::Result<ExitCode> {
    init_logging();
    let settings = args.resolve()?;
    runtime()?.block_on(async {
        let db = open_db(&settings).await?;
        db.close().await;
        anyhow::Ok(())
    })?;
    println!(
        "migrations applied to {}",
        trustwork_store::db::redact(&settings.database_url)
    );
    Ok(ExitCode::SUCCESS)
}

pub fn run_demo(args: DemoArgs) -> anyhow::Result<ExitCode> {
    init_logging();
    let started = Instant::now();
    std::fs::create_dir_all(&args.data_dir)
        .with_context(|| format!("cannot create {}", args.data_dir.display()))?;
    let db_path = args.data_dir.join("demo.db");
    for suffix in ["", "-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{suffix}", db_path.display()));
        if p.exists() {
            std::fs::remove_file(&p)
                .with_context(|| format!("cannot remove old {}", p.display()))?;
        }
    }
    let settings = ServeArgs {
        bind: Some(args.bind.clone()),
        data_dir: Some(args.data_dir.clone()),
        database_url: Some(sqlite_url(&db_path)),
        ..ServeArgs::default()
    }
    .resolve()?;
    runtime()?.block_on(async {
        let db = open_db(&settings).await?;
        let config = app_config(&settings, true)?;
        let clock = Arc::new(OffsetClock::new(0)) as Arc<dyn Clock>;
        let app = App::new(db, clock, Arc::new(DevMailbox), config);
        let creds = app.seed_demo().await.context("cannot seed the demo")?;
        let path = args.data_dir.join("demo-credentials.json");
        write_private(&path, &serde_json::to_string_pretty(&creds)?)?;
        println!(
            "Demo marketplace ready. Sign in at http://{} with password {:?}:",
            args.bind,
            trustwork_app::demo::DEMO_PASSWORD
        );
        for login in &creds.accounts {
            println!(
                "  {:<11} {:<26} {}",
                login.role.as_str(),
                login.email,
                login.display_name
            );
        }
        println!("Admin API token: {}", creds.admin_api_token);
        println!("(also written to {})", path.display());
        serve_app(app, &settings, started).await
    })?;
    Ok(ExitCode::SUCCESS)
}
