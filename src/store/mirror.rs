//! The files only a mirror's data directory has (spec §12.9): `mirror.json`
//! (what it mirrors and the ledger key it pinned), `target.checkpoint`
//! (the primary's note a catch-up in bounded steps is writing towards)
//! and `evidence/` (the signed checkpoints of a fork). A mirror's directory is otherwise a
//! normal data directory without `ledger-key.pem`.

use super::{Layout, StoreError};
use crate::domain::keys::PublicKey;
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::path::{Path, PathBuf};

/// `mirror.json`: written once, when the mirror is created.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MirrorConfig {
    /// The tlog-tiles prefix it follows (`--from`).
    pub from: String,
    /// The ledger key its checkpoints must be signed with: `--ledger-key`,
    /// or on the first run the key leaf 0 names.
    pub ledger_key: PublicKey,
}

/// `mirror.json` of `layout`.
pub fn path(layout: &Layout) -> PathBuf {
    layout.dir.join("mirror.json")
}

/// `evidence/` of `layout`.
pub fn evidence_dir(layout: &Layout) -> PathBuf {
    layout.dir.join("evidence")
}

/// `target.checkpoint` of `layout`.
pub fn target_path(layout: &Layout) -> PathBuf {
    layout.dir.join("target.checkpoint")
}

/// Keeps `note` as `target.checkpoint`, durably (temp file, sync, rename,
/// directory sync): the primary's note whose tiles authenticated the
/// leaves written after the published tree, kept as evidence should the
/// primary later sign a tree without them.
pub fn keep_target(layout: &Layout, note: &str) -> Result<(), StoreError> {
    replace_synced(&layout.dir, "target.checkpoint", note).map(drop)
}

/// Reads `target.checkpoint`; `None` when there is none.
pub fn read_target(layout: &Layout) -> Result<Option<String>, StoreError> {
    match std::fs::read_to_string(target_path(layout)) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Reads `mirror.json`; `None` when the directory is not a mirror's.
pub fn read(layout: &Layout) -> Result<Option<MirrorConfig>, StoreError> {
    match std::fs::read(path(layout)) {
        Ok(text) => serde_json::from_slice(&text)
            .map(Some)
            .map_err(|e| StoreError::Inconsistent(format!("mirror.json: {e}"))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Creates a mirror's data directory: `ledger.json`, `mirror.json` and an
/// empty `leaves.log` (through `create`), each synced, then the directory.
pub fn create(
    layout: &Layout,
    config: &super::LedgerConfig,
    mirror: &MirrorConfig,
    create_leaves: impl FnOnce(&Path) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    std::fs::create_dir_all(&layout.dir)?;
    let _lock = super::lock_dir(layout)?;
    if layout.leaves().exists() || layout.config().exists() {
        return Err(StoreError::Exists(layout.dir.clone()));
    }
    super::write_config(layout, config)?;
    write_synced(
        &path(layout),
        &serde_json::to_vec_pretty(mirror).map_err(|e| StoreError::Inconsistent(e.to_string()))?,
    )?;
    create_leaves(&layout.leaves())?;
    File::open(&layout.dir)?.sync_all()?;
    Ok(())
}

/// The files in `evidence/`, sorted; empty when there is none.
pub fn evidence(layout: &Layout) -> Result<Vec<PathBuf>, StoreError> {
    let dir = evidence_dir(layout);
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e.into()),
    };
    let mut out = Vec::new();
    for e in entries {
        out.push(e?.path());
    }
    out.sort();
    Ok(out)
}

/// Keeps `note` as `evidence/NAME`, durably (temp file, sync, rename,
/// directory sync).
pub fn keep_evidence(layout: &Layout, name: &str, note: &str) -> Result<PathBuf, StoreError> {
    let dir = evidence_dir(layout);
    std::fs::create_dir_all(&dir)?;
    let to = replace_synced(&dir, name, note)?;
    File::open(&layout.dir)?.sync_all()?;
    Ok(to)
}

/// Writes `dir/NAME` as a temp file, syncs it, renames it into place and
/// syncs `dir`; its path.
fn replace_synced(dir: &Path, name: &str, text: &str) -> Result<PathBuf, StoreError> {
    let to = dir.join(name);
    let tmp = dir.join(format!("{name}.tmp"));
    write_synced(&tmp, text.as_bytes())?;
    std::fs::rename(&tmp, &to)?;
    File::open(dir)?.sync_all()?;
    Ok(to)
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let mut f = File::options()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)?;
    std::io::Write::write_all(&mut f, bytes)?;
    f.sync_all()?;
    Ok(())
}
