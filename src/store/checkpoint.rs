//! The file `checkpoint`: the latest signed checkpoint note, written before
//! the tree it signs is published (spec §7.5, §12.6). Unlike the copy in the
//! sled views it survives losing `views/`, so `open` can refuse leaves that
//! are behind a checkpoint already handed out.
//!
//! It is replaced atomically: `checkpoint.tmp` is written and
//! `fdatasync`ed, renamed over `checkpoint`, and the directory is fsynced,
//! each step through the [`FileIo`] seam. [`CheckpointFile::named`] gives
//! the same atomic replacement to another file holding one note (a
//! witness's state per log, spec §12.8; a ledger's `witnessed`, the latest
//! checkpoint that met its witness quorum, spec §8.16, §12.1).

use super::io::FileIo;
use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The checkpoint file of one data directory.
#[derive(Debug, Clone)]
pub struct CheckpointFile {
    dir: PathBuf,
    name: String,
    io: Arc<dyn FileIo>,
}

impl CheckpointFile {
    /// The checkpoint file in data directory `dir`, written through `io`.
    pub fn new(dir: &Path, io: Arc<dyn FileIo>) -> Self {
        Self::named(dir, "checkpoint", io)
    }

    /// The file `name` in `dir` (its temp file `name.tmp`), replaced the
    /// same way through `io`.
    pub fn named(dir: &Path, name: &str, io: Arc<dyn FileIo>) -> Self {
        Self {
            dir: dir.to_path_buf(),
            name: name.to_owned(),
            io,
        }
    }

    /// Its path, `DIR/checkpoint` (or `DIR/<name>`).
    pub fn path(&self) -> PathBuf {
        self.dir.join(&self.name)
    }

    fn tmp(&self) -> PathBuf {
        self.dir.join(format!("{}.tmp", self.name))
    }

    /// The note it holds, or `None` when there is no file yet (a ledger
    /// made before spec 2.1).
    pub fn load(&self) -> io::Result<Option<String>> {
        match std::fs::read_to_string(self.path()) {
            Ok(s) => Ok(Some(s)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Replaces the file with `note`, durably: temp file, `fdatasync`,
    /// rename, directory fsync. On an error the old file is either still in
    /// place or already replaced whole, never torn.
    pub fn store(&self, note: &str) -> io::Result<()> {
        let tmp = self.tmp();
        let file: File = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)?;
        self.io.write_at(&file, note.as_bytes(), 0)?;
        self.io.sync_data(&file)?;
        drop(file);
        self.io.rename(&tmp, &self.path())?;
        self.io.sync_dir(&self.dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::io::{FaultyIo, Step};

    #[test]
    fn a_failed_step_leaves_the_old_checkpoint_whole() {
        let dir = tempfile::tempdir().expect("tempdir");
        let io = Arc::new(FaultyIo::default());
        let file = CheckpointFile::new(dir.path(), io.clone());
        assert_eq!(file.load().expect("load"), None);
        file.store("old\n").expect("store");
        for step in [Step::Write, Step::Sync, Step::Rename] {
            io.arm(step, 1);
            assert!(file.store("new\n").is_err(), "{step:?}");
            assert_eq!(file.load().expect("load").as_deref(), Some("old\n"));
        }
        // After the rename only the directory's sync is left: the new note is
        // in place, whole.
        io.arm(Step::DirSync, 1);
        assert!(file.store("new\n").is_err());
        assert_eq!(file.load().expect("load").as_deref(), Some("new\n"));
        assert_eq!(
            io.failed(),
            vec![Step::Write, Step::Sync, Step::Rename, Step::DirSync]
        );
    }
}
