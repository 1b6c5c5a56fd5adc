//! `coop-ledger reindex` (spec §10): rebuilds every view from the leaf file.

use crate::service::Ledger;
use anyhow::Result;
use std::path::Path;
use std::process::ExitCode;

/// Rebuilds the views of the stopped ledger in `data`, its key in
/// `key_file` when it is kept outside the data directory.
pub fn run(data: &Path, key_file: Option<&Path>) -> Result<ExitCode> {
    let n = Ledger::reindex_keyed(data, key_file, &mut |n| {
        tracing::info!(leaves = n, "reindexing")
    })?;
    println!("rebuilt the views from {n} leaves");
    Ok(ExitCode::SUCCESS)
}
