//! The command line (spec §10). Thin: parse arguments, call the service,
//! print. anyhow lives in this module only.
//!
//! This file holds the clap definitions and the dispatch; each subcommand
//! is one function in a file of its own, as ripgrep does: `keygen.rs`,
//! `init.rs`, `serve.rs` (`serve` and `demo`), `audit.rs`, `sign.rs`,
//! `submit.rs`, [`report`], [`export`], [`import`], `publish.rs`,
//! `mirror.rs`, `reindex.rs`, `verify_proof.rs` and [`witness`].
//! What several share (the async runtime, the `--ledger-key` parser) is
//! in `shared.rs`.

mod audit;
pub mod export;
pub mod import;
mod init;
mod keygen;
mod mirror;
mod publish;
mod reindex;
pub mod report;
mod serve;
mod shared;
mod sign;
mod submit;
mod verify_proof;
pub mod witness;

use crate::domain::keys::PublicKey;
use anyhow::Result;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// coop-ledger: a signed, append-only traceability ledger for cooperatives.
#[derive(Parser, Debug)]
#[command(name = "coop-ledger", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Write a new Ed25519 private key (PKCS#8 PEM, mode 0600) and print its public key.
    Keygen {
        /// The key file to create (never overwritten).
        #[arg(long)]
        out: PathBuf,
    },
    /// Create a ledger: its key and leaf 0, the genesis naming the registrars.
    Init {
        /// The data directory to create.
        #[arg(long)]
        data: PathBuf,
        /// The log's origin, e.g. ledger.htx-phominh.vn/2026.
        #[arg(long)]
        origin: String,
        /// A registrar, as ID=BASE64_PUBLIC_KEY (repeatable).
        #[arg(long = "registrar", value_name = "ID=PUBKEY", required = true)]
        registrars: Vec<String>,
        /// The checkpoint key name (defaults to the origin).
        #[arg(long)]
        key_name: Option<String>,
        /// The ledger format (spec §6.17): 2 keeps members' names and exact
        /// places out of the log; 1 only to reproduce an old ledger.
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=2))]
        format: u64,
        /// Write the ledger's private key to this new file instead of DATA/ledger-key.pem, so that copies of the data directory never hold it.
        #[arg(long, value_name = "PATH")]
        ledger_key_file: Option<PathBuf>,
    },
    /// Serve the ledger over HTTP.
    Serve {
        /// The data directory.
        #[arg(long)]
        data: PathBuf,
        /// Address to listen on, e.g. 127.0.0.1:8080 (port 0 picks a free one).
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// The public base URL printed in QR codes and links.
        #[arg(long)]
        base_url: Option<String>,
        /// A linkage target, GROUP:YEAR=SHARE (cooperatives:2030=0.6, digital:2030=100%); repeatable.
        #[arg(long = "target", value_name = "GROUP:YEAR=SHARE")]
        targets: Vec<String>,
        /// A witness: its verifier key and its C2SP tlog-witness URL (repeatable).
        #[arg(long = "witness", value_name = "VKEY=URL", value_parser = shared::parse_witness)]
        witnesses: Vec<(crate::domain::cosignature::WitnessKey, String)>,
        /// How many witnesses must cosign a checkpoint (default: all of them).
        #[arg(long, requires = "witnesses")]
        witness_quorum: Option<usize>,
        /// A label for a witness on buyer pages, NAME=TEXT (repeatable).
        #[arg(
            long = "witness-label",
            value_name = "NAME=TEXT",
            requires = "witnesses"
        )]
        witness_labels: Vec<String>,
        /// The ledger's private key file, when it is kept outside the data directory (default: DATA/ledger-key.pem).
        #[arg(long, value_name = "PATH")]
        ledger_key_file: Option<PathBuf>,
        /// What one client may take (spec §8.19).
        #[command(flatten, next_help_heading = "Limits")]
        limits: shared::LimitArgs,
    },
    /// Create a sample ledger of Vietnamese cooperatives, members and businesses, and serve it.
    Demo {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// Where to keep the demo ledger (default: a new folder under the
        /// system's temporary directory). An existing demo ledger is served as it is.
        #[arg(long)]
        data: Option<PathBuf>,
        /// What one client may take (spec §8.19).
        #[command(flatten, next_help_heading = "Limits")]
        limits: shared::LimitArgs,
    },
    /// Verify every leaf, signature, rule and root, and consistency with a saved checkpoint.
    Audit {
        /// A stopped ledger's data directory (or a copy).
        #[arg(long, conflicts_with_all = ["server", "tiles"], required_unless_present_any = ["server", "tiles"])]
        data: Option<PathBuf>,
        /// A live ledger's base URL.
        #[arg(long, conflicts_with = "tiles")]
        server: Option<String>,
        /// A C2SP tlog-tiles prefix: a ledger's /tlog, or any static copy of it.
        #[arg(long, value_name = "PREFIX")]
        tiles: Option<String>,
        /// A checkpoint saved earlier (the text of GET /api/v1/checkpoint).
        #[arg(long)]
        trust: Option<PathBuf>,
        /// The ledger public key, pinned out of band (default: the genesis leaf's).
        #[arg(long, value_parser = shared::parse_ledger_key)]
        ledger_key: Option<PublicKey>,
    },
    /// Sign a statement (from FILE, or standard input) and print the envelope to submit later.
    Sign {
        /// Your private key (PKCS#8 PEM).
        #[arg(long)]
        key: PathBuf,
        /// The statement JSON file; standard input when absent or "-".
        statement: Option<PathBuf>,
    },
    /// Submit statements (signed here with --key) or envelopes signed earlier; check each receipt.
    Submit {
        /// The ledger server's base URL.
        #[arg(long)]
        server: String,
        /// Your private key, for files that hold unsigned statements.
        #[arg(long)]
        key: Option<PathBuf>,
        /// The ledger public key, pinned out of band (default: what the server states).
        #[arg(long, value_parser = shared::parse_ledger_key)]
        ledger_key: Option<PublicKey>,
        /// Language of the ledger's messages: vi or en.
        #[arg(long, default_value = "vi")]
        lang: String,
        /// Statement or envelope files, submitted in this order.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print figures computed from the ledger.
    Report {
        /// Which report.
        #[command(subcommand)]
        what: Report,
    },
    /// Export a batch's chain or a period as EPCIS 2.0 JSON-LD, or a lot's events as a spreadsheet.
    Export {
        /// What to export.
        #[command(subcommand)]
        what: export::Export,
    },
    /// Import EPCIS 2.0 events as signed statements.
    Import {
        /// What to import.
        #[command(subcommand)]
        what: import::Import,
    },
    /// Check a .tlog-proof file offline: the entry, the ledger's signature, witness cosignatures.
    VerifyProof {
        /// The .tlog-proof file.
        file: PathBuf,
        /// The ledger public key, pinned out of band.
        #[arg(long, value_parser = shared::parse_ledger_key)]
        ledger_key: PublicKey,
        /// The checkpoints' key name (default: the checkpoint's origin).
        #[arg(long)]
        key_name: Option<String>,
        /// The ledger's origin the checkpoint must name (e.g. ledger.htx-phominh.vn/2026).
        #[arg(long)]
        origin: Option<String>,
        /// A witness verifier key to check cosignatures with (repeatable).
        #[arg(long = "witness", value_name = "VKEY", value_parser = shared::parse_witness_key)]
        witnesses: Vec<crate::domain::cosignature::WitnessKey>,
        /// How many of those witnesses must have cosigned (default: all).
        #[arg(long)]
        witness_quorum: Option<usize>,
    },
    /// Sync a static C2SP tlog-tiles copy of the ledger into a directory (spec §10.14).
    Publish {
        /// The data directory (read only: safe while `serve` runs).
        #[arg(long)]
        data: PathBuf,
        /// The directory of the static copy, to serve as the tlog-tiles prefix.
        #[arg(long)]
        to: PathBuf,
    },
    /// Follow a primary ledger through its C2SP tiles into a verified, read-only copy, and serve it.
    Mirror(mirror::MirrorArgs),
    /// Rebuild every view from the leaf file.
    Reindex {
        /// The data directory (the server must be stopped).
        #[arg(long)]
        data: PathBuf,
        /// The ledger's private key file, when it is kept outside the data directory (default: DATA/ledger-key.pem).
        #[arg(long, value_name = "PATH")]
        ledger_key_file: Option<PathBuf>,
    },
    /// Run a C2SP tlog-witness that cosigns the checkpoints of logs it follows.
    Witness {
        /// What to do.
        #[command(subcommand)]
        what: witness::WitnessCommand,
    },
}

/// The reports.
#[derive(Subcommand, Debug)]
pub enum Report {
    /// Value-chain linkage figures against the plan targets (spec §9).
    Linkage(report::LinkageArgs),
}

/// Runs the CLI and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colours only for a person at a terminal, never in a log file.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}

/// Runs one command: each has its own function, in its own file.
pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Keygen { out } => keygen::run(&out),
        Command::Init {
            data,
            origin,
            registrars,
            key_name,
            format,
            ledger_key_file,
        } => init::run(
            &data,
            &origin,
            &registrars,
            key_name.as_deref(),
            format,
            ledger_key_file.as_deref(),
        ),
        Command::Serve {
            data,
            listen,
            base_url,
            targets,
            witnesses,
            witness_quorum,
            witness_labels,
            ledger_key_file,
            limits,
        } => serve::run(
            data,
            ledger_key_file,
            listen,
            base_url,
            &targets,
            serve::witnessing(witnesses, witness_quorum, &witness_labels)?,
            limits.limits()?,
        ),
        Command::Demo {
            listen,
            data,
            limits,
        } => serve::demo(listen, data, limits.limits()?),
        Command::Audit {
            data,
            server,
            tiles,
            trust,
            ledger_key,
        } => audit::run(audit::Source::pick(data, server, tiles)?, trust, ledger_key),
        Command::Sign { key, statement } => sign::run(&key, statement),
        Command::Submit {
            server,
            key,
            ledger_key,
            lang,
            files,
        } => submit::run(&server, key.as_deref(), ledger_key, &lang, &files),
        Command::Report {
            what: Report::Linkage(args),
        } => {
            report::run(args)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Export { what } => export::run(what),
        Command::Import { what } => import::run(what),
        Command::Publish { data, to } => publish::run(&data, &to),
        Command::Mirror(args) => mirror::run(args),
        Command::Reindex {
            data,
            ledger_key_file,
        } => reindex::run(&data, ledger_key_file.as_deref()),
        Command::VerifyProof {
            file,
            ledger_key,
            key_name,
            origin,
            witnesses,
            witness_quorum,
        } => verify_proof::run(
            &file,
            ledger_key,
            key_name,
            origin,
            witnesses,
            witness_quorum,
        ),
        Command::Witness { what } => witness::run(what),
    }
}
