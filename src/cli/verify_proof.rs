//! `coop-ledger verify-proof FILE` (spec §10.16): checks a `.tlog-proof`
//! offline, with the ledger key and the witnesses the reader trusts, and
//! says in plain words what it proved. Exit 0 only when every check
//! passes and the witness quorum is met; 1 otherwise.

use crate::domain::cosignature::WitnessKey;
use crate::domain::keys::PublicKey;
use crate::domain::statement;
use crate::domain::time::Timestamp;
use crate::domain::tlog_proof::{Policy, verify};
use anyhow::{Context as _, Result, bail};
use std::path::Path;
use std::process::ExitCode;

/// Verifies the proof in `file` under the ledger key, key name, origin
/// (when given) and witnesses; `quorum` defaults to all the witnesses.
pub fn run(
    file: &Path,
    ledger_key: PublicKey,
    key_name: Option<String>,
    origin: Option<String>,
    witnesses: Vec<WitnessKey>,
    quorum: Option<usize>,
) -> Result<ExitCode> {
    let quorum = quorum.unwrap_or(witnesses.len());
    if quorum > witnesses.len() {
        bail!(
            "--witness-quorum {quorum} is more than the {} witness key(s) given",
            witnesses.len()
        );
    }
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let policy = Policy {
        ledger_key,
        key_name,
        origin,
        witnesses,
        quorum,
    };
    let proven = match verify(&text, &policy) {
        Ok(p) => p,
        Err(e) => {
            println!("NOT PROVEN: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    let cp = &proven.checkpoint;
    println!(
        "entry {} is in the ledger {}: its inclusion proof leads to the root of the tree of {} entries that the ledger key signed",
        proven.leaf.index, cp.origin, cp.size
    );
    let what = statement::parse(&proven.leaf.statement)
        .map(|s| format!("the {} statement of {}", s.body.kind(), s.by))
        .unwrap_or_else(|_| "a statement".to_owned());
    println!(
        "the entry holds {what}, whose signature by key {} verifies; the ledger logged it at {}",
        proven.leaf.key, proven.leaf.logged_at
    );
    for c in &proven.cosigned {
        let at = i64::try_from(c.timestamp)
            .ok()
            .and_then(|t| time::OffsetDateTime::from_unix_timestamp(t).ok())
            .map(|t| Timestamp::from_clock(t).to_string())
            .unwrap_or_else(|| c.timestamp.to_string());
        println!("witness {} cosigned this checkpoint at {at}", c.name);
    }
    for w in &policy.witnesses {
        if !proven.cosigned.iter().any(|c| c.name == w.name()) {
            println!("witness {} has not cosigned this checkpoint", w.name());
        }
    }
    if policy.witnesses.is_empty() {
        println!(
            "no witness key was given: nothing says anyone but the ledger saw this checkpoint"
        );
    }
    if proven.quorum_met() {
        println!(
            "PROVEN ({} of {} witnesses cosigned, {} needed)",
            proven.cosigned.len(),
            policy.witnesses.len(),
            proven.quorum
        );
        Ok(ExitCode::SUCCESS)
    } else {
        println!(
            "NOT WITNESSED: {} of {} witnesses cosigned, {} needed",
            proven.cosigned.len(),
            policy.witnesses.len(),
            proven.quorum
        );
        Ok(ExitCode::from(1))
    }
}
