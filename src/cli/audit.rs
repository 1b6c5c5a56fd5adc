//! `coop-ledger audit` (spec §10): re-verifies a stopped ledger's data
//! directory or a live ledger, and prints what holds and what does not.

use super::shared::runtime;
use crate::domain::keys::PublicKey;
use crate::domain::messages::Lang;
use crate::service::audit::{self, AuditReport};
use crate::service::client::Client;
use anyhow::{Context as _, Result, bail};
use std::path::PathBuf;
use std::process::ExitCode;

/// Audits `data` or `server` (one of them), against the saved checkpoint
/// in `trust` when given. Exit 0 when everything holds, 1 when anything
/// does not, 2 when the ledger cannot be read at all.
pub fn run(
    data: Option<PathBuf>,
    server: Option<String>,
    trust: Option<PathBuf>,
    ledger_key: Option<PublicKey>,
) -> Result<ExitCode> {
    let trust = trust
        .map(|p| std::fs::read_to_string(&p).with_context(|| format!("reading {}", p.display())))
        .transpose()?;
    let bar = progress_bar();
    let report = match (data, server) {
        (Some(dir), _) => {
            audit::audit_dir(&dir, ledger_key, trust.as_deref(), &mut |done, total| {
                bar.set_length(total);
                bar.set_position(done);
            })?
        }
        (None, Some(url)) => runtime()?.block_on(audit::audit_server(
            &Client::new(&url, Lang::En)?,
            ledger_key,
            trust.as_deref(),
            &mut |done, total| {
                bar.set_length(total);
                bar.set_position(done);
            },
        ))?,
        (None, None) => bail!("give --data DIR or --server URL"),
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
