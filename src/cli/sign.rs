//! `coop-ledger sign` (spec §10): signs a statement offline and prints the
//! envelope, to submit later.

use crate::service::client::submit;
use crate::service::keyfile;
use anyhow::{Context as _, Result};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Signs the statement in `statement` (standard input when absent or `-`)
/// with the private key in `key`.
pub fn run(key: &Path, statement: Option<PathBuf>) -> Result<ExitCode> {
    let key = keyfile::read(key)?;
    let text = match statement.filter(|p| p.as_os_str() != "-") {
        Some(p) => {
            std::fs::read_to_string(&p).with_context(|| format!("reading {}", p.display()))?
        }
        None => std::io::read_to_string(std::io::stdin()).context("reading stdin")?,
    };
    let env = submit::sign(&text, &key)?;
    println!("{}", serde_json::to_string(&env)?);
    Ok(ExitCode::SUCCESS)
}
