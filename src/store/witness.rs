//! A witness's directory (spec §12.8):
//!
//! | path | what |
//! |---|---|
//! | `LOCK` | held with an exclusive lock by the one process that opens the witness |
//! | `witness.json` | `{name, logs: [{origin, vkeys}]}` ([`WitnessConfig`]) |
//! | `witness-key.pem` | the witness's Ed25519 private key, PKCS#8 PEM, mode 0600 |
//! | `state/<hex sha256(origin)>` | the latest note cosigned for that origin, with the log's and the witness's lines |
//! | `evidence/<hex sha256(origin)>.<size>.<hex sha256(body)[:16]>` | a request refused as inconsistent whose log signature verified |
//!
//! `state/` files are replaced atomically ([`CheckpointFile::named`]:
//! temp file, `fdatasync`, rename, directory fsync, through [`FileIo`]);
//! `witness.json` too when `witness add-log` rewrites it. Evidence files
//! are named by their content, so a request sent twice is kept once.

use super::checkpoint::CheckpointFile;
use super::io::FileIo;
use super::{Layout, StoreError, lock_dir};
use crate::domain::witness::{WitnessConfig, origin_hash};
use sha2::{Digest as _, Sha256};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The files of one witness directory.
#[derive(Debug, Clone)]
pub struct WitnessFiles {
    dir: PathBuf,
    io: Arc<dyn FileIo>,
}

impl WitnessFiles {
    /// The witness directory `dir`, written through `io`.
    pub fn new(dir: &Path, io: Arc<dyn FileIo>) -> Self {
        Self {
            dir: dir.to_path_buf(),
            io,
        }
    }

    /// `witness-key.pem`.
    pub fn key_path(&self) -> PathBuf {
        self.dir.join("witness-key.pem")
    }

    /// `witness.json`.
    pub fn config_path(&self) -> PathBuf {
        self.dir.join("witness.json")
    }

    /// `state/`.
    pub fn state_dir(&self) -> PathBuf {
        self.dir.join("state")
    }

    /// `evidence/`.
    pub fn evidence_dir(&self) -> PathBuf {
        self.dir.join("evidence")
    }

    /// Takes the directory's exclusive lock (held while the file lives).
    /// With `create`, makes the directory first (`witness init`);
    /// otherwise a directory without `witness.json` is refused.
    pub fn lock(&self, create: bool) -> Result<File, StoreError> {
        if create {
            std::fs::create_dir_all(&self.dir)?;
        } else if !self.config_path().is_file() {
            return Err(StoreError::Inconsistent(format!(
                "{} holds no witness (run `coop-ledger witness init` first)",
                self.dir.display()
            )));
        }
        lock_dir(&Layout::new(&self.dir))
    }

    /// Reads `witness.json`; `None` when there is none.
    pub fn read_config(&self) -> Result<Option<WitnessConfig>, StoreError> {
        let bytes = match std::fs::read(self.config_path()) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| StoreError::Inconsistent(format!("witness.json: {e}")))
    }

    /// Writes `witness.json` atomically (a new one at `init`, a
    /// replacement at `add-log`).
    pub fn write_config(&self, config: &WitnessConfig) -> Result<(), StoreError> {
        let mut text = serde_json::to_string_pretty(config)
            .map_err(|e| StoreError::Inconsistent(e.to_string()))?;
        text.push('\n');
        CheckpointFile::named(&self.dir, "witness.json", Arc::clone(&self.io)).store(&text)?;
        Ok(())
    }

    /// Creates `state/` and `evidence/` (and syncs the directory) if they
    /// are missing.
    pub fn create_dirs(&self) -> Result<(), StoreError> {
        let mut created = false;
        for d in [self.state_dir(), self.evidence_dir()] {
            if !d.is_dir() {
                std::fs::create_dir_all(&d)?;
                created = true;
            }
        }
        if created {
            self.io.sync_dir(&self.dir)?;
        }
        Ok(())
    }

    fn state_file(&self, origin: &str) -> CheckpointFile {
        CheckpointFile::named(
            &self.state_dir(),
            &origin_hash(origin),
            Arc::clone(&self.io),
        )
    }

    /// The note last cosigned for `origin`, if any.
    pub fn load_state(&self, origin: &str) -> Result<Option<String>, StoreError> {
        Ok(self.state_file(origin).load()?)
    }

    /// Replaces the note cosigned for `origin`, durably, before the
    /// cosignature is handed out.
    pub fn store_state(&self, origin: &str, note: &str) -> Result<(), StoreError> {
        Ok(self.state_file(origin).store(note)?)
    }

    /// Keeps a refused request `body` for `origin` at `size` as evidence;
    /// returns its path.
    pub fn keep_evidence(
        &self,
        origin: &str,
        size: u64,
        body: &str,
    ) -> Result<PathBuf, StoreError> {
        let digest: String = Sha256::digest(body.as_bytes())[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let name = format!("{}.{size}.{digest}", origin_hash(origin));
        let file = CheckpointFile::named(&self.evidence_dir(), &name, Arc::clone(&self.io));
        if !file.path().exists() {
            file.store(body)?;
        }
        Ok(file.path())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::io::RealIo;

    #[test]
    fn issue_14_state_and_evidence_round_trip_under_the_origin_hash() {
        let dir = tempfile::tempdir().expect("tempdir");
        let files = WitnessFiles::new(dir.path(), Arc::new(RealIo));
        files.create_dirs().expect("dirs");
        assert_eq!(files.load_state("o").expect("load"), None);
        files.store_state("o", "note\n").expect("store");
        assert_eq!(
            files.load_state("o").expect("load").as_deref(),
            Some("note\n")
        );
        assert!(files.state_dir().join(origin_hash("o")).is_file());
        let a = files.keep_evidence("o", 3, "body").expect("evidence");
        let b = files.keep_evidence("o", 3, "body").expect("evidence");
        assert_eq!(a, b);
        assert_eq!(std::fs::read_to_string(a).expect("read"), "body");
        let config = WitnessConfig {
            name: "w".into(),
            logs: vec![],
        };
        files.write_config(&config).expect("config");
        assert_eq!(files.read_config().expect("read"), Some(config));
    }
}
