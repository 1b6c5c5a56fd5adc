//! `coop-ledger reindex` (spec §10): rebuilds every view from the leaf file.

use crate::service::Ledger;
use anyhow::Result;
use std::path::Path;
use std::process::ExitCode;

/// Rebuilds the views of the stopped ledger in `data`.
pub fn run(data: &Path) -> Result<ExitCode> {
    let n = Ledger::reindex(data, &mut |n| tracing::info!(leaves = n, "reindexing"))?;
    println!("rebuilt the views from {n} leaves");
    Ok(ExitCode::SUCCESS)
}
