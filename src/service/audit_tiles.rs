//! `audit --tiles PREFIX` (spec §10.8): the whole audit of
//! [`super::audit::Auditor`] fed only from a tlog-tiles prefix (a ledger's
//! `/tlog` or any static copy of it), read with [`TlogClient`].
//!
//! The checkpoint at the prefix gives the size and root; every hash tile is
//! authenticated against that root and every entry bundle against the
//! level-0 hashes before its leaves are fed to the auditor, which then
//! replays them (signatures, rules, its own tree) and checks the
//! checkpoint's signature and root. A trusted checkpoint is checked with a
//! consistency proof the audit computes itself from the authenticated
//! tiles, as well as against the rebuilt tree. A tile or bundle that does
//! not check out is a failure naming its path; one that cannot be fetched
//! stops the audit with an error.

use super::audit::{AuditReport, Auditor};
use super::tlog_client::{TlogClient, TlogClientError, genesis_of, stated};
use crate::domain::checkpoint::signer_name;
use crate::domain::keys::PublicKey;

/// Audits the ledger served at the prefix `tlog` reads, against the
/// checkpoint `trust` saved earlier when given. `pinned_key` is the ledger
/// key got out of band (else leaf 0's). `on_progress(done, total)` counts
/// leaves.
pub async fn audit_tiles(
    tlog: &TlogClient,
    pinned_key: Option<PublicKey>,
    trust: Option<&str>,
    on_progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<AuditReport, TlogClientError> {
    let checkpoint = tlog.checkpoint().await?;
    let (size, root) = stated(&checkpoint).ok_or_else(|| TlogClientError::Bad {
        place: format!("{}/checkpoint", tlog.prefix()),
        what: "not a checkpoint note".into(),
    })?;
    let tree = tlog.tree(size, root);
    let mut auditor = Auditor::new(pinned_key);
    let mut key = pinned_key;
    for n in 0..tree.bundles() {
        let first = auditor.size();
        let leaves = match tree.fetch_bundle(n).await {
            Ok(l) => l,
            Err(TlogClientError::Bad { place, what }) => {
                auditor.note_failure(
                    Some(first),
                    format!("{place}: {what}; the leaves after it were not read"),
                );
                break;
            }
            Err(e) => return Err(e),
        };
        match tree.check_bundle(n, &leaves).await {
            Ok(()) => {}
            Err(TlogClientError::Bad { place, what }) => {
                auditor.note_failure(None, format!("{place}: {what}"));
            }
            Err(e) => return Err(e),
        }
        if n == 0 && key.is_none() {
            key = leaves.first().and_then(|l| genesis_of(l)).map(|(_, k)| k);
        }
        for leaf in &leaves {
            auditor.feed(leaf);
        }
        on_progress(auditor.size(), size);
    }
    if let Some((from, old)) = trust.and_then(stated)
        && from > 0
        && from <= size
    {
        match tree.extends(from, old).await {
            Ok(true) => {}
            Ok(false) => auditor.note_failure(
                None,
                format!(
                    "the consistency proof from the trusted size {from} to {size}, computed from the tiles, does not verify: this log is not an extension of the trusted checkpoint"
                ),
            ),
            Err(TlogClientError::Bad { place, what }) => {
                auditor.note_failure(None, format!("{place}: {what}"));
            }
            Err(e) => return Err(e),
        }
    }
    let key_name = key.and_then(|k| signer_name(&checkpoint, &k));
    if key_name.is_none() {
        auditor.note_failure(
            None,
            "the checkpoint at the prefix has no signature line by the ledger key",
        );
    }
    Ok(auditor.finish(
        key_name.as_deref().unwrap_or_default(),
        Some(&checkpoint),
        None,
        trust,
    ))
}
