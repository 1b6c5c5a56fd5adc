//! `coop-ledger init` (spec §10): a new ledger, its key and its genesis.

use crate::domain::ids::ActorId;
use crate::domain::keys::PublicKey;
use crate::domain::statement::LedgerFormat;
use crate::service::{Ledger, RegistrarSpec, SystemClock};
use anyhow::{Context as _, Result};
use std::path::Path;
use std::process::ExitCode;

/// Creates a ledger in `data` of `format` whose genesis names `registrars`
/// (`ID=BASE64_PUBLIC_KEY` each), and prints its keys and first checkpoint.
pub fn run(
    data: &Path,
    origin: &str,
    registrars: &[String],
    key_name: Option<&str>,
    format: u64,
    key_file: Option<&Path>,
) -> Result<ExitCode> {
    let format = LedgerFormat::try_from(format).map_err(anyhow::Error::msg)?;
    let registrars = registrars
        .iter()
        .map(|r| parse_registrar(r))
        .collect::<Result<Vec<_>>>()?;
    let report = Ledger::init_keyed(
        data,
        origin,
        key_name,
        &registrars,
        format,
        &SystemClock,
        key_file,
    )?;
    println!("ledger created in {}", data.display());
    if let Some(k) = key_file {
        println!(
            "ledger private key in {} (give it to serve and reindex with --ledger-key-file)",
            k.display()
        );
    }
    println!("ledger public key: {}", report.ledger_key);
    println!("verifier key (signed-note): {}", report.note_vkey);
    print!("{}", report.checkpoint);
    Ok(ExitCode::SUCCESS)
}

fn parse_registrar(s: &str) -> Result<RegistrarSpec> {
    let (id, key) = s
        .split_once('=')
        .context("--registrar takes ID=BASE64_PUBLIC_KEY")?;
    Ok(RegistrarSpec {
        id: ActorId::parse(id).with_context(|| format!("registrar id {id:?}"))?,
        key: PublicKey::parse(key).with_context(|| format!("registrar {id}'s key"))?,
        name: None,
    })
}
