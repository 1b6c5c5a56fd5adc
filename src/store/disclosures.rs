//! The disclosure store (spec §6.17, §12): the names of member households
//! that consented to be named, kept off the log so that they can be erased.
//!
//! `disclosures/` holds one file per member, `<hex of the member id's
//! UTF-8>.json`, the JSON [`Disclosure`]. A file is written to
//! `<name>.tmp`, synced, renamed into place and the directory synced; it is
//! erased by unlinking it and syncing the directory, so once [`Held::erase`]
//! returns no file of the data directory holds the name (what the disk does
//! with freed blocks is the file system's, see docs/privacy.md). Nothing
//! here is in sled: sled keeps deleted values in its segments until it
//! compacts them, which it does on its own schedule.
//!
//! Every disclosure is also kept in memory, loaded at open; any other file
//! (a `.tmp` left by a crash, a file that is not the disclosure of the
//! member it is named for) is removed then; a subdirectory is left alone. [`Disclosures::lock`] gives the one handle
//! that reads or changes them, so a caller can check the member's consent
//! and write, or erase, without a withdrawal slipping in between.

use super::StoreError;
use crate::domain::ids::ActorId;
use crate::domain::privacy::Disclosure;
use std::collections::HashMap;
use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// The disclosures of one data directory.
#[derive(Debug)]
pub struct Disclosures {
    dir: PathBuf,
    held: Mutex<HashMap<ActorId, Disclosure>>,
}

/// A file of the store as [`Disclosures::read_only`] finds it: its name, and
/// the disclosure it holds or why it holds none.
pub type FoundDisclosure = (String, Result<Disclosure, String>);

/// The disclosures, locked: what [`Disclosures::lock`] gives.
pub struct Held<'a> {
    dir: &'a Path,
    map: MutexGuard<'a, HashMap<ActorId, Disclosure>>,
}

fn file_name(member: &ActorId) -> String {
    use std::fmt::Write as _;
    let mut name = member.as_str().bytes().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    });
    name.push_str(".json");
    name
}

/// Syncs a directory, so that a rename or unlink in it is durable.
fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    File::open(dir)?.sync_all()?;
    Ok(())
}

impl Disclosures {
    /// Opens (creating it if need be) the store in `dir`: loads every
    /// disclosure and removes what a crash left half-written.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir)?;
        let mut held = HashMap::new();
        let mut removed = false;
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                // Not the store's: left alone.
                continue;
            }
            let named = path.file_name().map(|n| n.to_string_lossy().into_owned());
            let read = std::fs::read(&path)
                .ok()
                .and_then(|b| serde_json::from_slice::<Disclosure>(&b).ok())
                .filter(|d| named.as_deref() == Some(file_name(&d.member).as_str()));
            match read {
                Some(d) => {
                    held.insert(d.member.clone(), d);
                }
                // A `.tmp` a crash left, or a file that is no disclosure of
                // the member it is named for: removed, so that no name
                // stays in a file the store does not know.
                None => {
                    tracing::warn!(file = ?named, "removing a file that is not a disclosure");
                    std::fs::remove_file(&path)?;
                    removed = true;
                }
            }
        }
        if removed {
            sync_dir(dir)?;
        }
        Ok(Self {
            dir: dir.to_path_buf(),
            held: Mutex::new(held),
        })
    }

    /// Reads every disclosure file in `dir` without changing anything (for
    /// the audit): each file's name and what it holds, or why it is not a
    /// disclosure. A missing directory holds none.
    pub fn read_only(dir: &Path) -> Result<Vec<FoundDisclosure>, StoreError> {
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        let mut out = Vec::new();
        for entry in entries {
            let path = entry?.path();
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let read = std::fs::read(&path)
                .map_err(|e| e.to_string())
                // serde's message may quote the file's text: not reported.
                .and_then(|b| {
                    serde_json::from_slice::<Disclosure>(&b)
                        .map_err(|_| "it is not the JSON of a disclosure".to_owned())
                })
                .and_then(|d| {
                    if name == file_name(&d.member) {
                        Ok(d)
                    } else {
                        Err(format!("it holds the disclosure of {}", d.member))
                    }
                });
            out.push((name, read));
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }

    /// The store, locked until the handle is dropped.
    pub fn lock(&self) -> Held<'_> {
        Held {
            dir: &self.dir,
            // A poisoned lock still holds a consistent map: every change to
            // it is one insert or remove after its file is done.
            map: self.held.lock().unwrap_or_else(|e| e.into_inner()),
        }
    }
}

impl Held<'_> {
    /// The disclosure of `member`, if one is kept.
    pub fn get(&self, member: &ActorId) -> Option<&Disclosure> {
        self.map.get(member)
    }

    /// The members with a disclosure kept.
    pub fn members(&self) -> Vec<ActorId> {
        self.map.keys().cloned().collect()
    }

    /// Keeps `d` durably (replacing the member's earlier one).
    pub fn put(&mut self, d: Disclosure) -> Result<(), StoreError> {
        let bytes = serde_json::to_vec(&d).map_err(|e| StoreError::Inconsistent(e.to_string()))?;
        let name = file_name(&d.member);
        let tmp = self.dir.join(format!("{name}.tmp"));
        let written = File::create(&tmp)
            .and_then(|mut f| {
                f.write_all(&bytes)?;
                f.sync_all()
            })
            .and_then(|()| std::fs::rename(&tmp, self.dir.join(&name)));
        if let Err(e) = written {
            // No half-written copy of the name is left behind.
            let _ = std::fs::remove_file(&tmp);
            return Err(e.into());
        }
        sync_dir(self.dir)?;
        self.map.insert(d.member.clone(), d);
        Ok(())
    }

    /// Erases the disclosure of `member`: gone from memory, its file
    /// unlinked and the directory synced. True if there was one.
    pub fn erase(&mut self, member: &ActorId) -> Result<bool, StoreError> {
        let had = self.map.remove(member).is_some();
        let path = self.dir.join(file_name(member));
        let _ = std::fs::remove_file(self.dir.join(format!("{}.tmp", file_name(member))));
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !had => return Ok(false),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
        sync_dir(self.dir)?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::privacy::Salt;

    fn disclosure(member: &str, name: &str) -> Disclosure {
        Disclosure {
            member: ActorId::parse(member).expect("id"),
            name: name.into(),
            salt: Salt([3; 32]),
        }
    }

    fn bytes_under(dir: &Path) -> Vec<u8> {
        std::fs::read_dir(dir)
            .expect("dir")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.is_file())
            .flat_map(|p| std::fs::read(p).expect("read"))
            .collect()
    }

    #[test]
    fn a_disclosure_survives_a_reopen_and_an_erasure_leaves_no_file_with_the_name() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Disclosures::open(dir.path()).expect("open");
        store
            .lock()
            .put(disclosure("tv-1", "Lê Thị Hoa"))
            .expect("put");
        store
            .lock()
            .put(disclosure("..", "Phạm Văn Dũng"))
            .expect("put");
        drop(store);
        // A half-written file from a crash, and a file that is not the
        // disclosure it is named for, are removed at open; a subdirectory is
        // left alone.
        std::fs::write(dir.path().join("x.json.tmp"), "Lê Thị Hoa").expect("tmp");
        std::fs::write(dir.path().join("7a.json"), "Lê Thị Hoa").expect("bad");
        std::fs::create_dir(dir.path().join("sub")).expect("sub");
        let store = Disclosures::open(dir.path()).expect("reopen");
        let id = ActorId::parse("tv-1").expect("id");
        assert_eq!(
            store.lock().get(&id).map(|d| d.name.clone()).as_deref(),
            Some("Lê Thị Hoa")
        );
        // A write that failed half-way would leave a `.tmp`: erasing the
        // member removes it too.
        std::fs::write(
            dir.path().join(format!("{}.tmp", file_name(&id))),
            "Lê Thị Hoa",
        )
        .expect("tmp");
        assert!(store.lock().erase(&id).expect("erase"));
        assert!(!store.lock().erase(&id).expect("erase again"));
        let left = bytes_under(dir.path());
        assert!(dir.path().join("sub").is_dir());
        let name = "Lê Thị Hoa".as_bytes();
        assert!(!left.windows(name.len()).any(|w| w == name));
        assert!(left.windows(6).any(|w| w == "Phạm".as_bytes()));
        drop(store);
        let store = Disclosures::open(dir.path()).expect("reopen");
        assert!(store.lock().get(&id).is_none());
        assert_eq!(store.lock().members().len(), 1);
    }
}
