//! `coop-ledger audit` (spec §10.8): re-verifies a stopped ledger's data
//! directory, a live ledger, or a tlog-tiles prefix, and prints what holds
//! and what does not.

use super::shared::runtime;
use crate::domain::keys::PublicKey;
use crate::domain::messages::Lang;
use crate::service::audit::{self, AuditReport};
use crate::service::audit_tiles;
use crate::service::client::Client;
use crate::service::tlog_client::TlogClient;
use anyhow::{Context as _, Result, bail};
use std::path::PathBuf;
use std::process::ExitCode;

/// What is audited.
pub enum Source {
    /// A stopped ledger's data directory.
    Data(PathBuf),
    /// A live ledger's base URL.
    Server(String),
    /// A tlog-tiles prefix.
    Tiles(String),
}

impl Source {
    /// The one of `--data`, `--server` and `--tiles` given.
    pub fn pick(
        data: Option<PathBuf>,
        server: Option<String>,
        tiles: Option<String>,
    ) -> Result<Self> {
        match (data, server, tiles) {
            (Some(d), None, None) => Ok(Self::Data(d)),
            (None, Some(s), None) => Ok(Self::Server(s)),
            (None, None, Some(t)) => Ok(Self::Tiles(t)),
            _ => bail!("give one of --data DIR, --server URL or --tiles PREFIX"),
        }
    }
}

/// Audits `source`, against the saved checkpoint in `trust` when given.
/// Exit 0 when everything holds, 1 when anything does not, 2 when the
/// ledger cannot be read at all.
pub fn run(
    source: Source,
    trust: Option<PathBuf>,
    ledger_key: Option<PublicKey>,
) -> Result<ExitCode> {
    let trust = trust
        .map(|p| std::fs::read_to_string(&p).with_context(|| format!("reading {}", p.display())))
        .transpose()?;
    let bar = progress_bar();
    let mut progress = |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    };
    let report = match source {
        Source::Data(dir) => audit::audit_dir(&dir, ledger_key, trust.as_deref(), &mut progress)?,
        Source::Server(url) => runtime()?.block_on(audit::audit_server(
            &Client::new(&url, Lang::En)?,
            ledger_key,
            trust.as_deref(),
            &mut progress,
        ))?,
        Source::Tiles(prefix) => runtime()?.block_on(audit_tiles::audit_tiles(
            &TlogClient::new(&prefix)?,
            ledger_key,
            trust.as_deref(),
            &mut progress,
        ))?,
    };
    bar.finish_and_clear();
    Ok(print_audit(&report))
}

fn progress_bar() -> indicatif::ProgressBar {
    let bar =
        indicatif::ProgressBar::with_draw_target(Some(0), indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("auditing {wide_bar} {percent}% ({eta} left)")
    {
        bar.set_style(style);
    }
    bar
}

fn print_audit(r: &AuditReport) -> ExitCode {
    println!("leaves: {}", r.leaves);
    println!("root:   {}", r.root);
    if let Some(k) = r.ledger_key {
        println!("ledger key: {k}");
    }
    if let Some(c) = &r.checkpoint {
        println!("latest checkpoint: size {} verified", c.size);
    }
    if let Some(t) = &r.trusted {
        println!(
            "trusted checkpoint: size {} is consistent with the log",
            t.size
        );
    }
    if r.passed() {
        println!("AUDIT PASSED: every leaf, signature, rule and root holds");
        ExitCode::SUCCESS
    } else {
        for f in &r.failures {
            println!("FAIL {f}");
        }
        println!("AUDIT FAILED: {} problem(s)", r.failures.len());
        ExitCode::from(1)
    }
}
