//! `trustwork`: run the server, the demo, migrations, and the detection tools.

mod admin;
mod config;
mod evaluate;
mod policy;
mod public_data;
mod scan;
mod serve;
mod train;
mod train_feedback;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

// Under load, glibc's malloc took a fifth of the server's CPU (arena locks, blocks freed on another
// thread than the one that allocated them); mimalloc keeps per-thread heaps.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Trustwork: trust & safety for freelance marketplaces.
#[derive(Parser)]
#[command(name = "trustwork", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (API, console, timers, mail).
    Serve(config::ServeArgs),
    /// Run a demo marketplace on a fresh SQLite database, with a test clock.
    Demo(serve::DemoArgs),
    /// Apply database migrations and exit.
    Migrate(config::ServeArgs),
    /// Create accounts (e.g. the first admin).
    Account(admin::AccountArgs),
    /// Create API tokens for the operator's systems.
    Token(admin::TokenArgs),
    /// Check a policy file, or backtest it against stored events.
    Policy(policy::PolicyArgs),
    /// Scan JSONL, CSV or TSV text for violations and print findings as JSONL.
    Scan(scan::ScanArgs),
    /// Measure the detectors' precision and recall on labelled data.
    Evaluate(evaluate::EvaluateArgs),
    /// Train the toxicity model from public data and our own cases.
    TrainToxicity(train::TrainArgs),
    /// Train the learned feedback-pressure head from our cases and everyday texts.
    TrainFeedback(train_feedback::TrainFeedbackArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => serve::run_serve(args),
        Command::Demo(args) => serve::run_demo(args),
        Command::Migrate(args) => serve::run_migrate(args),
        Command::Account(args) => admin::run_account(args),
        Command::Token(args) => admin::run_token(args),
        Command::Policy(args) => policy::run(args),
        Command::Scan(args) => scan::run(args),
        Command::Evaluate(args) => evaluate::run(args),
        Command::TrainToxicity(args) => train::run(args),
        Command::TrainFeedback(args) => train_feedback::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
