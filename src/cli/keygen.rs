//! `coop-ledger keygen` (spec §10): a new Ed25519 private key.

use crate::domain::keys::public_key_of;
use crate::service::keyfile;
use anyhow::Result;
use std::path::Path;
use std::process::ExitCode;

/// Writes a new private key to `out` (PKCS#8 PEM, mode 0600, never
/// overwriting a file) and prints its public key.
pub fn run(out: &Path) -> Result<ExitCode> {
    let key = keyfile::generate();
    keyfile::write(out, &key)?;
    println!("{}", public_key_of(&key));
    Ok(ExitCode::SUCCESS)
}
