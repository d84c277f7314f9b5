//! Server configuration: defaults, then a TOML file, then environment variables, then flags.

use anyhow::{Context, bail};
use clap::Args;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use trustwork_core::PolicyConfig;
use trustwork_core::net::AllowedTargets;

#[derive(Args, Debug, Clone, Default)]
pub struct ServeArgs {
    /// A TOML file with any of the settings below (keys as in `trustwork.example.toml`).
    #[arg(long, env = "TRUSTWORK_CONFIG")]
    pub config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "TRUSTWORK_BIND")]
    pub bind: Option<String>,
    /// `sqlite:///path/to/file.db` or `postgres://user@host/db` [default: SQLite in the data dir].
    #[arg(long, env = "TRUSTWORK_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Where the SQLite database and the generated secret key live [default: ./data].
    #[arg(long, env = "TRUSTWORK_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Deliver email over SMTP, e.g. `smtp://user:pass@mail.example.com:587?tls=required`.
    /// Without it, email goes to the console's Dev mailbox.
    #[arg(long, env = "TRUSTWORK_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// Sender of Trustwork's emails.
    #[arg(long, env = "TRUSTWORK_MAIL_FROM")]
    pub mail_from: Option<String>,
    /// Secret key (at least 32 characters) for token hashes [default: generated once and kept
    /// in the data dir].
    #[arg(long, env = "TRUSTWORK_ENCRYPTION_KEY", hide_env_values = true)]
    pub encryption_key: Option<String>,
    /// The console's public address, used in email links.
    #[arg(long, env = "TRUSTWORK_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Mark cookies Secure [default: on when the public URL is https].
    #[arg(long, env = "TRUSTWORK_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// The enforcement policy file (TOML) [default: the built-in policy]. Re-read on SIGHUP.
    #[arg(long, env = "TRUSTWORK_POLICY")]
    pub policy: Option<PathBuf>,
    /// A load balancer or reverse proxy (address or network, e.g. 10.0.0.0/8) whose
    /// X-Forwarded-For names the client; repeat for several [default: none, the connection's
    /// peer is the client].
    #[arg(
        long = "trusted-proxy",
        env = "TRUSTWORK_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<String>,
    /// A host name, address or network inside your network that webhooks may reach (e.g.
    /// `hooks.internal`, `10.1.0.0/16`); repeat for several [default: none, webhooks go to public
    /// addresses only; the demo allows loopback].
    #[arg(
        long = "webhook-allowed-host",
        env = "TRUSTWORK_WEBHOOK_ALLOWED_HOSTS",
        value_delimiter = ','
    )]
    pub webhook_allowed_hosts: Vec<String>,
    /// Days the support specialists do not work (YYYY-MM-DD, Pacific; repeat or separate with
    /// commas): their tickets' clocks stand still and their chat is closed.
    #[arg(
        long = "support-holiday",
        env = "TRUSTWORK_SUPPORT_HOLIDAYS",
        value_delimiter = ','
    )]
    pub support_holidays: Vec<String>,
    /// Connections open at once; past it new ones wait to be accepted [default: 4096].
    #[arg(long, env = "TRUSTWORK_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
    /// Seconds a client has to send a request's head; also how long an idle connection is
    /// kept [default: 10].
    #[arg(long, env = "TRUSTWORK_HEADER_TIMEOUT_SECS")]
    pub header_timeout_secs: Option<u64>,
    /// Requests a second each API token may make on each node (bursts of twice that); over it,
    /// 429 with Retry-After [default: no limit].
    #[arg(long, env = "TRUSTWORK_API_RATE_LIMIT")]
    pub api_rate_limit: Option<u32>,
    /// A secret that `/metrics` then requires as `Authorization: Bearer <token>` [default:
    /// /metrics is open; keep it on an internal network].
    #[arg(long, env = "TRUSTWORK_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// Also take members' emails over SMTP at this address (e.g. `127.0.0.1:2525`), relayed by
    /// your mail server: replies land in their tickets [default: off; the HTTP inbound hook
    /// `/api/v1/inbound-email` works either way].
    #[arg(long, env = "TRUSTWORK_INBOUND_SMTP")]
    pub inbound_smtp: Option<String>,
    /// Phone verification codes through Twilio's API at this base URL (e.g.
    /// `https://api.twilio.com`); with `--phone-account-sid`, `--phone-auth-token` and
    /// `--phone-from` [default: codes go to the Dev mailbox].
    #[arg(long, env = "TRUSTWORK_PHONE_PROVIDER_URL")]
    pub phone_provider_url: Option<String>,
    #[arg(long, env = "TRUSTWORK_PHONE_ACCOUNT_SID")]
    pub phone_account_sid: Option<String>,
    #[arg(long, env = "TRUSTWORK_PHONE_AUTH_TOKEN", hide_env_values = true)]
    pub phone_auth_token: Option<String>,
    /// The caller id codes come from, in E.164 form.
    #[arg(long, env = "TRUSTWORK_PHONE_FROM")]
    pub phone_from: Option<String>,
    /// Clients' cards checked through Stripe's API at this base URL (e.g.
    /// `https://api.stripe.com`), with `--payment-secret-key` [default: the demo's provider in
    /// demo mode; otherwise cards are not checked here and the marketplace reports verified
    /// methods as `payment_method.added` events].
    #[arg(long, env = "TRUSTWORK_PAYMENT_PROVIDER_URL")]
    pub payment_provider_url: Option<String>,
    #[arg(long, env = "TRUSTWORK_PAYMENT_SECRET_KEY", hide_env_values = true)]
    pub payment_secret_key: Option<String>,
    /// The currency of the card check's voided authorisation [default: usd].
    #[arg(long, env = "TRUSTWORK_PAYMENT_CURRENCY")]
    pub payment_currency: Option<String>,
}

/// The file form of the settings.
#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    bind: Option<String>,
    database_url: Option<String>,
    data_dir: Option<PathBuf>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
    encryption_key: Option<String>,
    public_url: Option<String>,
    secure_cookies: Option<bool>,
    #[serde(default)]
    policy: Option<PolicyConfig>,
    policy_file: Option<PathBuf>,
    trusted_proxies: Option<Vec<String>>,
    webhook_allowed_hosts: Option<Vec<String>>,
    support_holidays: Option<Vec<String>>,
    max_connections: Option<usize>,
    header_timeout_secs: Option<u64>,
    api_rate_limit: Option<u32>,
    metrics_token: Option<String>,
    inbound_smtp: Option<String>,
    phone_provider_url: Option<String>,
    phone_account_sid: Option<String>,
    phone_auth_token: Option<String>,
    phone_from: Option<String>,
    payment_provider_url: Option<String>,
    payment_secret_key: Option<String>,
    payment_currency: Option<String>,
    /// STUN/TURN servers for the verification call (`[[ice_servers]]` tables).
    ice_servers: Option<Vec<trustwork_app::IceServer>>,
}

/// Settings after layering, ready to use.
#[derive(Debug, Clone)]
pub struct Settings {
    pub bind: String,
    pub database_url: String,
    pub data_dir: PathBuf,
    pub smtp_url: Option<String>,
    pub mail_from: String,
    pub encryption_key: Option<String>,
    pub public_url: String,
    pub secure_cookies: bool,
    pub policy: PolicyConfig,
    pub policy_file: Option<PathBuf>,
    pub trusted_proxies: trustwork_web::TrustedProxies,
    /// `None` when not configured (the demo then allows loopback).
    pub webhook_allowed_hosts: Option<AllowedTargets>,
    pub limits: trustwork_web::ConnectionLimits,
    pub api_rate_limit: Option<trustwork_web::RateLimit>,
    pub metrics_token: Option<String>,
    /// Where the inbound SMTP listener listens, when on.
    pub inbound_smtp: Option<String>,
    /// Twilio's base URL, account SID, auth token and caller id, when configured.
    pub phone_provider: Option<PhoneProvider>,
    /// Stripe's base URL, secret key and currency, when configured.
    pub payment_provider: Option<PaymentProvider>,
    /// STUN/TURN servers handed to the verification call's browsers [default: none, host
    /// candidates only].
    pub ice_servers: Vec<trustwork_app::IceServer>,
    /// The support specialists' days off.
    pub support_holidays: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct PhoneProvider {
    pub url: String,
    pub account_sid: String,
    pub auth_token: String,
    pub from: String,
}

#[derive(Debug, Clone)]
pub struct PaymentProvider {
    pub url: String,
    pub secret_key: String,
    pub currency: String,
}

impl ServeArgs {
    pub fn resolve(&self) -> anyhow::Result<Settings> {
        let file = match &self.config {
            Some(path) => load_file(path)?,
            None => FileConfig::default(),
        };
        let data_dir = self
            .data_dir
            .clone()
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from("./data"));
        let bind = self
            .bind
            .clone()
            .or(file.bind)
            .unwrap_or_else(|| "127.0.0.1:8080".into());
        let database_url = self
            .database_url
            .clone()
            .or(file.database_url)
            .unwrap_or_else(|| sqlite_url(&data_dir.join("trustwork.db")));
        let public_url = self
            .public_url
            .clone()
            .or(file.public_url)
            .unwrap_or_else(|| format!("http://{bind}"));
        let encryption_key = self.encryption_key.clone().or(file.encryption_key);
        if let Some(key) = &encryption_key
            && key.len() < 32
        {
            bail!("the encryption key must be at least 32 characters long");
        }
        let proxies = if self.trusted_proxies.is_empty() {
            file.trusted_proxies.unwrap_or_default()
        } else {
            self.trusted_proxies.clone()
        };
        let trusted_proxies = trustwork_web::TrustedProxies::parse(&proxies)
            .map_err(|e| anyhow::anyhow!("trusted proxies: {e}"))?;
        let allowed = if self.webhook_allowed_hosts.is_empty() {
            file.webhook_allowed_hosts
        } else {
            Some(self.webhook_allowed_hosts.clone())
        };
        let webhook_allowed_hosts = allowed
            .map(|list| AllowedTargets::parse(&list))
            .transpose()
            .map_err(|e| anyhow::anyhow!("webhook allowed hosts: {e}"))?;
        let mut limits = trustwork_web::ConnectionLimits::default();
        if let Some(n) = self.max_connections.or(file.max_connections) {
            if n == 0 {
                bail!("max_connections must be at least 1");
            }
            limits.max_connections = n;
        }
        if let Some(secs) = self.header_timeout_secs.or(file.header_timeout_secs) {
            if secs == 0 {
                bail!("header_timeout_secs must be at least 1");
            }
            limits.header_read_timeout = std::time::Duration::from_secs(secs);
        }
        let secure_cookies = self.secure_cookies
            || file.secure_cookies.unwrap_or(false)
            || public_url.to_ascii_lowercase().starts_with("https://");
        let api_rate_limit = match self.api_rate_limit.or(file.api_rate_limit) {
            Some(0) => bail!("api_rate_limit must be at least 1 (leave it out for no limit)"),
            other => other.map(trustwork_web::RateLimit::per_second),
        };
        let metrics_token = self.metrics_token.clone().or(file.metrics_token);
        if metrics_token.as_ref().is_some_and(|t| t.trim().len() < 16) {
            bail!("the metrics token must be at least 16 characters long");
        }
        let phone_provider = match self.phone_provider_url.clone().or(file.phone_provider_url) {
            None => None,
            Some(url) => {
                let need = |v: Option<String>, name: &str| {
                    v.filter(|v| !v.trim().is_empty())
                        .ok_or_else(|| anyhow::anyhow!("phone_provider_url needs {name} too"))
                };
                let from = need(self.phone_from.clone().or(file.phone_from), "phone_from")?;
                trustwork_core::phone::normalize_e164(&from)
                    .map_err(|e| anyhow::anyhow!("phone_from: {e}"))?;
                Some(PhoneProvider {
                    url,
                    account_sid: need(
                        self.phone_account_sid.clone().or(file.phone_account_sid),
                        "phone_account_sid",
                    )?,
                    auth_token: need(
                        self.phone_auth_token.clone().or(file.phone_auth_token),
                        "phone_auth_token",
                    )?,
                    from,
                })
            }
        };
        let payment_provider = match self
            .payment_provider_url
            .clone()
            .or(file.payment_provider_url)
        {
            None => None,
            Some(url) => Some(PaymentProvider {
                url,
                secret_key: self
                    .payment_secret_key
                    .clone()
                    .or(file.payment_secret_key)
                    .filter(|k| !k.trim().is_empty())
                    .ok_or_else(|| {
                        anyhow::anyhow!("payment_provider_url needs payment_secret_key too")
                    })?,
                currency: self
                    .payment_currency
                    .clone()
                    .or(file.payment_currency)
                    .unwrap_or_else(|| "usd".into()),
            }),
        };
        let ice_servers = file.ice_servers.unwrap_or_default();
        for s in &ice_servers {
            if s.urls.is_empty()
                || s.urls.iter().any(|u| {
                    !["stun:", "stuns:", "turn:", "turns:"]
                        .iter()
                        .any(|p| u.starts_with(p))
                })
            {
                bail!(
                    "ice_servers: each server needs urls starting with stun:, stuns:, turn: or turns:"
                );
            }
        }
        let support_holidays = if self.support_holidays.is_empty() {
            file.support_holidays.unwrap_or_default()
        } else {
            self.support_holidays.clone()
        };
        trustwork_app::tickets::specialists_calendar(&support_holidays)
            .map_err(|e| anyhow::anyhow!("support_holidays: {e}"))?;
        Ok(Settings {
            ice_servers,
            support_holidays,
            phone_provider,
            payment_provider,
            api_rate_limit,
            metrics_token,
            inbound_smtp: self.inbound_smtp.clone().or(file.inbound_smtp),
            limits,
            trusted_proxies,
            webhook_allowed_hosts,
            bind,
            database_url,
            data_dir,
            smtp_url: self.smtp_url.clone().or(file.smtp_url),
            mail_from: self
                .mail_from
                .clone()
                .or(file.mail_from)
                .unwrap_or_else(|| "Trustwork <no-reply@trustwork.invalid>".into()),
            encryption_key,
            public_url,
            secure_cookies,
            policy: file.policy.unwrap_or_default(),
            policy_file: self.policy.clone().or(file.policy_file),
        })
    }
}

fn load_file(path: &Path) -> anyhow::Result<FileConfig> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read config file {}", path.display()))?;
    parse_file(&text).with_context(|| format!("in config file {}", path.display()))
}

/// Parses the TOML; errors name the line and column.
fn parse_file(text: &str) -> anyhow::Result<FileConfig> {
    toml::from_str(text).map_err(|e| {
        let at = e.span().map(|span| {
            let before = text.get(..span.start).unwrap_or("");
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("line {line}, column {column}: ")
        });
        anyhow::anyhow!("{}{}", at.unwrap_or_default(), e.message())
    })
}

pub fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_values_apply_and_flags_win() {
        let dir = std::env::temp_dir().join(format!("tw-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.toml");
        std::fs::write(
            &path,
            "bind = \"0.0.0.0:9000\"\ndata_dir = \"/var/lib/tw\"\n[policy]\nverification_deadline_ms = 1000\n",
        )
        .unwrap();
        let args = ServeArgs {
            config: Some(path),
            bind: Some("127.0.0.1:1".into()),
            ..ServeArgs::default()
        };
        let s = args.resolve().unwrap();
        assert_eq!(s.bind, "127.0.0.1:1");
        assert_eq!(s.database_url, "sqlite:///var/lib/tw/trustwork.db");
        assert_eq!(s.policy.verification_deadline_ms, 1000);
        assert_eq!(s.policy.top_rated_hold_cooldown_days, 90);
        std::fs::remove_dir_all(dir).ok();
    }

    /// The example file in the repository is read by this version, key for key: every setting
    /// it names exists, and the values it shows are the defaults.
    #[test]
    fn the_example_file_parses_and_shows_the_defaults() {
        let file = parse_file(include_str!("../../../trustwork.example.toml")).unwrap();
        assert_eq!(file.policy, Some(PolicyConfig::default()));
        assert_eq!(file.bind.as_deref(), Some("127.0.0.1:8080"));
        let limits = trustwork_web::ConnectionLimits::default();
        assert_eq!(file.max_connections, Some(limits.max_connections));
        assert_eq!(
            file.header_timeout_secs,
            Some(limits.header_read_timeout.as_secs())
        );
        // The commented-out lines are valid too.
        let uncommented: String = include_str!("../../../trustwork.example.toml")
            .lines()
            .map(|l| match l.strip_prefix("# ") {
                Some(rest)
                    if (rest.contains(" = ") || rest.starts_with("[["))
                        && !rest.starts_with("policy_file") =>
                {
                    rest
                }
                _ => l,
            })
            .collect::<Vec<_>>()
            .join("\n");
        let all = parse_file(&uncommented).unwrap();
        assert!(all.database_url.is_some() && all.webhook_allowed_hosts.is_some());
        assert!(all.api_rate_limit.is_some() && all.metrics_token.is_some());
        assert_eq!(all.ice_servers.map(|s| s.len()), Some(2));
    }

    #[test]
    fn bad_file_names_the_line() {
        let err = parse_file("bind = \"x\"\nbogus = 1\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("line 2, column 1:"), "{err}");
        assert!(err.contains("bogus"), "{err}");
    }

    #[test]
    fn trusted_proxies_come_from_flags_or_the_file_and_bad_ones_are_named() {
        let args = ServeArgs {
            trusted_proxies: vec!["10.0.0.0/8".into(), "proxy.internal".into()],
            ..ServeArgs::default()
        };
        let err = args.resolve().unwrap_err().to_string();
        assert!(err.contains("proxy.internal"), "{err}");
        let file = parse_file("trusted_proxies = [\"10.0.0.0/8\", \"::1\"]\n").unwrap();
        assert_eq!(file.trusted_proxies.map(|p| p.len()), Some(2));
    }

    #[test]
    fn short_keys_are_refused() {
        let args = ServeArgs {
            encryption_key: Some("short".into()),
            ..ServeArgs::default()
        };
        assert!(args.resolve().is_err());
    }
}
