//! Set-up commands for a real deployment: the first accounts and the operator's API tokens.

use crate::config::ServeArgs;
use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use std::io::BufRead;
use std::process::ExitCode;
use std::sync::Arc;
use trustwork_app::accounts::NewAccount;
use trustwork_app::auth::Scope;
use trustwork_app::{App, Clock, DevMailbox, SystemClock};
use trustwork_core::{Actor, Role};

#[derive(Args, Debug)]
pub struct AccountArgs {
    #[command(subcommand)]
    command: AccountCommand,
}

#[derive(Subcommand, Debug)]
enum AccountCommand {
    /// Create an account. The password is read from the first line of standard input.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// freelancer, client, agent, support or admin
        #[arg(long)]
        role: String,
        #[command(flatten)]
        server: ServeArgs,
    },
}

#[derive(Args, Debug)]
pub struct TokenArgs {
    #[command(subcommand)]
    command: TokenCommand,
}

#[derive(Subcommand, Debug)]
enum TokenCommand {
    /// Create an API token for one of the operator's systems; prints the secret once.
    Create {
        #[arg(long)]
        name: String,
        /// accounts:read, accounts:write or admin (repeat for several)
        #[arg(long = "scope", required = true)]
        scopes: Vec<String>,
        #[command(flatten)]
        server: ServeArgs,
    },
}

async fn open(server: &ServeArgs) -> anyhow::Result<App> {
    let settings = server.resolve()?;
    let db = crate::serve::open_db(&settings).await?;
    let config = crate::serve::app_config(&settings, false)?;
    Ok(App::new(
        db,
        Arc::new(SystemClock) as Arc<dyn Clock>,
        Arc::new(DevMailbox),
        config,
    ))
}

pub fn run_account(args: AccountArgs) -> anyhow::Result<ExitCode> {
    let AccountCommand::Create {
        email,
        name,
        role,
        server,
    } = args.command;
    let Some(role) = Role::parse(&role) else {
        bail!("unknown role {role:?}: use freelancer, client, agent, support or admin");
    };
    let mut password = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut password)
        .context("cannot read the password from standard input")?;
    let password = password.trim_end_matches(['\n', '\r']).to_owned();
    let account = crate::serve::runtime()?.block_on(async {
        let app = open(&server).await?;
        let new = NewAccount {
            email,
            display_name: name,
            role,
            password,
            balance_cents: 0,
        };
        app.create_account(&Actor::system("cli"), new)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))
    })?;
    println!("{}", account.id);
    Ok(ExitCode::SUCCESS)
}

pub fn run_token(args: TokenArgs) -> anyhow::Result<ExitCode> {
    let TokenCommand::Create {
        name,
        scopes,
        server,
    } = args.command;
    let mut parsed = Vec::new();
    for s in &scopes {
        match Scope::parse(s) {
            Some(scope) => parsed.push(scope),
            None => bail!("unknown scope {s:?}: use accounts:read, accounts:write or admin"),
        }
    }
    let secret = crate::serve::runtime()?.block_on(async {
        let app = open(&server).await?;
        app.create_api_token(&name, &parsed)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))
    })?;
    println!("{}", secret.1);
    Ok(ExitCode::SUCCESS)
}
