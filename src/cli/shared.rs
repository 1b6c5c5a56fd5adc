//! What several subcommands share: the async runtime they block on, and
//! the parsers of flags that more than one of them takes.

use crate::domain::keys::PublicKey;
use anyhow::{Context as _, Result};

/// A multi-threaded tokio runtime for one command to block on.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// Parses `--ledger-key`: the ledger public key, pinned out of band.
pub fn parse_ledger_key(s: &str) -> Result<PublicKey, String> {
    PublicKey::parse(s).map_err(|e| format!("not a base64 Ed25519 public key: {e}"))
}
