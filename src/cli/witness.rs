//! `coop-ledger witness init|add-log|serve` (spec §10.13): a C2SP
//! tlog-witness for any log whose checkpoints are signed with Ed25519
//! signed-note keys.

use super::serve::shutdown_signal;
use super::shared::runtime;
use crate::domain::witness::LogArg;
use crate::http;
use crate::service::SystemClock;
use crate::service::witness::Witness;
use anyhow::{Context as _, Result};
use clap::Subcommand;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// The witness's subcommands.
#[derive(Subcommand, Debug)]
pub enum WitnessCommand {
    /// Create a witness: its key and witness.json; print its verifier key.
    Init {
        /// The witness directory to create.
        #[arg(long)]
        data: PathBuf,
        /// The witness's key name, e.g. witness.htx-lienminh.vn/w1.
        #[arg(long)]
        name: String,
        /// A log to follow: its Ed25519 vkey (the origin is the key's
        /// name) or ORIGIN=VKEY (repeatable).
        #[arg(long = "log", value_name = "[ORIGIN=]VKEY", value_parser = parse_log)]
        logs: Vec<LogArg>,
    },
    /// Add logs to follow (with the witness stopped).
    AddLog {
        /// The witness directory.
        #[arg(long)]
        data: PathBuf,
        /// A log to follow: VKEY or ORIGIN=VKEY (repeatable).
        #[arg(long = "log", value_name = "[ORIGIN=]VKEY", value_parser = parse_log, required = true)]
        logs: Vec<LogArg>,
    },
    /// Serve the tlog-witness API (add-checkpoint and the monitoring read).
    Serve {
        /// The witness directory.
        #[arg(long)]
        data: PathBuf,
        /// Address to listen on (port 0 picks a free one).
        #[arg(long, default_value = "127.0.0.1:8090")]
        listen: String,
    },
}

fn parse_log(s: &str) -> Result<LogArg, String> {
    LogArg::parse(s).map_err(|e| e.to_string())
}

/// Runs one witness subcommand.
pub fn run(what: WitnessCommand) -> Result<ExitCode> {
    match what {
        WitnessCommand::Init { data, name, logs } => {
            let key = Witness::init(&data, &name, &logs)?;
            println!("{}", key.vkey());
        }
        WitnessCommand::AddLog { data, logs } => {
            let config = Witness::add_logs(&data, &logs)?;
            for log in config.logs {
                println!("{} {}", log.origin, log.vkeys.join(" "));
            }
        }
        WitnessCommand::Serve { data, listen } => runtime()?.block_on(serve(data, listen))?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Opens the witness, binds, prints its vkey and then `listening on URL`
/// last (tests read this line), and serves until SIGTERM or Ctrl-C.
async fn serve(data: PathBuf, listen: String) -> Result<()> {
    let witness = Arc::new(Witness::open(&data, Arc::new(SystemClock))?);
    let listener = tokio::net::TcpListener::bind(&listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    let addr = listener.local_addr()?;
    let shutdown = shutdown_signal();
    println!("witness {}", witness.witness_key().vkey());
    println!("listening on http://{addr}");
    tracing::info!(%addr, "serving the witness");
    http::serve(listener, http::witness::server(witness), shutdown).await?;
    tracing::info!("stopped");
    Ok(())
}
