//! `trustwork policy check FILE` and `trustwork policy test FILE`: validate a policy, and backtest
//! it against the stored events.

use crate::config::ServeArgs;
use anyhow::Context;
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use trustwork_app::{App, Clock, DevMailbox, SystemClock};
use trustwork_core::DAY_MS;
use trustwork_core::enforcement::{Policy, PolicyError};

#[derive(Args, Debug)]
pub struct PolicyArgs {
    #[command(subcommand)]
    command: PolicyCommand,
}

#[derive(Subcommand, Debug)]
enum PolicyCommand {
    /// Validate a policy file; errors name the rule, the line and the column.
    Check { file: PathBuf },
    /// Replay stored events through a candidate policy and print what would change.
    Test {
        file: PathBuf,
        /// Replay events received in the last N days.
        #[arg(long, default_value_t = 30)]
        days: i64,
        /// Replay at most this many events.
        #[arg(long, default_value_t = 100_000)]
        limit: i64,
        /// List at most this many changed decisions.
        #[arg(long, default_value_t = 20)]
        show: usize,
        /// Print the whole report as JSON instead.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        server: Box<ServeArgs>,
    },
}

fn describe(file: &std::path::Path, e: &PolicyError) -> String {
    let at = match (e.line, e.column) {
        (Some(l), Some(c)) => format!(":{l}:{c}"),
        (Some(l), None) => format!(":{l}"),
        _ => String::new(),
    };
    format!("{}{at}: {e}", file.display())
}

fn load(file: &std::path::Path) -> anyhow::Result<Result<Policy, String>> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    Ok(Policy::parse(&text).map_err(|e| describe(file, &e)))
}

pub fn run(args: PolicyArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        PolicyCommand::Check { file } => match load(&file)? {
            Ok(p) => {
                println!(
                    "{}: policy {:?} is valid ({} rules)",
                    file.display(),
                    p.version,
                    p.rules.len()
                );
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => {
                eprintln!("{e}");
                Ok(ExitCode::FAILURE)
            }
        },
        PolicyCommand::Test {
            file,
            days,
            limit,
            show,
            json,
            server,
        } => {
            let candidate = match load(&file)? {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("{e}");
                    return Ok(ExitCode::FAILURE);
                }
            };
            let report = crate::serve::runtime()?.block_on(async {
                let settings = server.resolve()?;
                let db = crate::serve::open_db(&settings).await?;
                let config = crate::serve::app_config(&settings, false)?;
                let app = App::new(
                    db,
                    Arc::new(SystemClock) as Arc<dyn Clock>,
                    Arc::new(DevMailbox),
                    config,
                );
                let since = app.now().plus_millis(-days.saturating_mul(DAY_MS));
                app.backtest(&candidate, since, limit)
                    .await
                    .map_err(|e| anyhow::anyhow!("{}", e.detail()))
            })?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
                return Ok(ExitCode::SUCCESS);
            }
            println!(
                "candidate policy {:?}: {} events replayed, {} skipped, {} decisions would change",
                candidate.version,
                report.events,
                report.skipped,
                report.changed.len()
            );
            println!("\nverdicts (live → candidate):");
            for (t, n) in &report.transitions {
                println!("  {t:<36} {n}");
            }
            println!("\ncandidate rules fired:");
            for (r, n) in &report.candidate_rule_hits {
                println!("  {r:<36} {n}");
            }
            if !report.changed.is_empty() {
                println!("\nfirst changes:");
                for c in report.changed.iter().take(show) {
                    println!(
                        "  {} {} by {}: {} [{}] → {} [{}]",
                        c.event_id,
                        c.event_type,
                        c.actor_id,
                        c.live_verdict,
                        c.live_rules.join(","),
                        c.candidate_verdict,
                        c.candidate_rules.join(",")
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
