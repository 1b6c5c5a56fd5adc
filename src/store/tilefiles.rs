//! A directory of C2SP tlog-tiles files (spec §8.14): each tile and entry
//! bundle as a file at its tlog-tiles path under the directory, e.g.
//! `tile/0/x001/234`, `tile/entries/000.p/7`, so that a static web server
//! serving the directory serves a tlog-tiles prefix. `DATA/tiles/` (the
//! server's full tiles) and the target of `coop-ledger publish` are such
//! directories.
//!
//! A file is written whole or not at all: `.<name>.tmp` beside it is
//! written and `fdatasync`ed, then renamed over the name, through the
//! [`FileIo`] seam. A [`Batch`] of writes fsyncs each directory it changed
//! once, when it is finished (a new directory's parent included), so that a
//! crash loses at most files a later run writes again.

use super::io::FileIo;
use crate::domain::tiles::{self, Tile};
use std::collections::BTreeSet;
use std::fs::OpenOptions;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A directory of tile files.
#[derive(Debug, Clone)]
pub struct TileDir {
    root: PathBuf,
    io: Arc<dyn FileIo>,
}

impl TileDir {
    /// The tile files under `root` (created when first written), written
    /// through `io`.
    pub fn new(root: &Path, io: Arc<dyn FileIo>) -> Self {
        Self {
            root: root.to_path_buf(),
            io,
        }
    }

    /// Deletes the files of full tiles and bundles that a tree of `size`
    /// does not have: left by a longer history (a `leaves.log` restored
    /// from an older backup, spec §12.7), they would otherwise be served
    /// over the tree that grows again. Files are written in order, so it
    /// stops at the first level with nothing to delete. Returns how many
    /// it deleted.
    pub fn remove_beyond(&self, size: u64) -> io::Result<u64> {
        let mut removed = 0;
        for (level, is_data) in
            std::iter::once((0u8, true)).chain((0u8..64).map(|level| (level, false)))
        {
            let span = 256u128.pow(u32::from(level) + 1);
            let mut n = u64::try_from(u128::from(size) / span).unwrap_or(u64::MAX);
            let mut here = 0;
            loop {
                let path = self.path(&Tile::new(tiles::TILE_HEIGHT, level, n, 256, is_data));
                match std::fs::remove_file(&path) {
                    Ok(()) => here += 1,
                    Err(e) if e.kind() == io::ErrorKind::NotFound => break,
                    Err(e) => return Err(e),
                }
                n = n.saturating_add(1);
            }
            removed += here;
            if here == 0 && !is_data {
                break;
            }
        }
        Ok(removed)
    }

    /// The directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The file of `tile`.
    pub fn path(&self, tile: &Tile) -> PathBuf {
        self.root.join(tiles::path(tile))
    }

    /// Whether the file of `tile` exists.
    pub fn has(&self, tile: &Tile) -> io::Result<bool> {
        self.path(tile).try_exists()
    }

    /// The bytes of `tile`, or `None` when it has no file.
    pub fn read(&self, tile: &Tile) -> io::Result<Option<Vec<u8>>> {
        match std::fs::read(self.path(tile)) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Starts a batch of writes.
    pub fn batch(&self) -> Batch<'_> {
        Batch {
            dir: self,
            dirty: BTreeSet::new(),
            written: 0,
        }
    }
}

/// Reads hash tiles from their files, for `tlog_tiles::TileHashReader`
/// to authenticate against a checkpoint; a missing or unreadable file is
/// `InvalidTile`.
impl tlog_tiles::TileReader for TileDir {
    fn height(&self) -> u8 {
        tiles::TILE_HEIGHT
    }

    fn read_tiles(&self, tiles: &[Tile]) -> Result<Vec<Vec<u8>>, tlog_tiles::Error> {
        tiles
            .iter()
            .map(|t| match self.read(t) {
                Ok(Some(b)) => Ok(b),
                _ => Err(tlog_tiles::Error::InvalidTile),
            })
            .collect()
    }

    fn save_tiles(&self, _: &[Tile], _: &[Vec<u8>]) {}
}

/// Writes into a [`TileDir`] whose directories are fsynced together by
/// [`Batch::finish`].
#[derive(Debug)]
pub struct Batch<'a> {
    dir: &'a TileDir,
    dirty: BTreeSet<PathBuf>,
    written: u64,
}

impl Batch<'_> {
    /// Writes `bytes` as the file `rel` (a path relative to the directory,
    /// such as `checkpoint`): temp file, `fdatasync`, rename.
    pub fn write_file(&mut self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.dir.root.join(rel);
        let parent = path.parent().unwrap_or(&self.dir.root).to_path_buf();
        self.make_dirs(&parent)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = parent.join(format!(".{name}.tmp"));
        let file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)?;
        self.dir.io.write_at(&file, bytes, 0)?;
        self.dir.io.sync_data(&file)?;
        drop(file);
        self.dir.io.rename(&tmp, &path)?;
        self.dirty.insert(parent);
        self.written += 1;
        Ok(())
    }

    /// Writes the file of `tile`.
    pub fn write(&mut self, tile: &Tile, bytes: &[u8]) -> io::Result<()> {
        self.write_file(&tiles::path(tile), bytes)
    }

    /// Writes the file of `tile` unless it exists (a tile's bytes never
    /// change); returns whether it wrote.
    pub fn write_new(&mut self, tile: &Tile, bytes: &[u8]) -> io::Result<bool> {
        if self.dir.has(tile)? {
            return Ok(false);
        }
        self.write(tile, bytes)?;
        Ok(true)
    }

    /// Deletes the partial tiles at the place of the full tile `full`
    /// (`<path>.p/`), which tlog-tiles lets a log stop serving once the full
    /// tile exists; returns how many files it deleted.
    pub fn remove_partials(&mut self, full: &Tile) -> io::Result<u64> {
        let dir = PathBuf::from(format!("{}.p", self.dir.path(full).display()));
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(e),
        };
        let mut removed = 0;
        for entry in entries {
            std::fs::remove_file(entry?.path())?;
            removed += 1;
        }
        std::fs::remove_dir(&dir)?;
        self.dirty.remove(&dir);
        if let Some(parent) = dir.parent() {
            self.dirty.insert(parent.to_path_buf());
        }
        Ok(removed)
    }

    /// Creates `dir` and its missing ancestors, marking the parent of each
    /// new one to be fsynced.
    fn make_dirs(&mut self, dir: &Path) -> io::Result<()> {
        if dir.is_dir() {
            return Ok(());
        }
        let mut missing = vec![dir.to_path_buf()];
        let mut at = dir;
        while let Some(parent) = at.parent() {
            if parent.as_os_str().is_empty() || parent.is_dir() {
                break;
            }
            missing.push(parent.to_path_buf());
            at = parent;
        }
        for d in missing.iter().rev() {
            match std::fs::create_dir(d) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(e),
            }
            if let Some(p) = d.parent().filter(|p| !p.as_os_str().is_empty()) {
                self.dirty.insert(p.to_path_buf());
            }
        }
        Ok(())
    }

    /// Files written so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// Fsyncs every directory the batch changed; returns the number of
    /// files it wrote.
    pub fn finish(self) -> io::Result<u64> {
        for d in &self.dirty {
            self.dir.io.sync_dir(d)?;
        }
        Ok(self.written)
    }
}

#[cfg(test)]
mod prune_tests {
    use super::*;
    use crate::store::io::RealIo;

    /// Issue 14: after a restore to a shorter history, the full tiles past
    /// the tree are deleted and those within it kept.
    #[test]
    fn files_past_the_tree_are_removed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let files = TileDir::new(dir.path(), Arc::new(RealIo));
        let mut batch = files.batch();
        for n in 0..4 {
            for is_data in [false, true] {
                batch
                    .write(&Tile::new(tiles::TILE_HEIGHT, 0, n, 256, is_data), &[1])
                    .expect("write");
            }
        }
        batch.finish().expect("finish");
        // 600 leaves: full tiles 0 and 1 stay; 2 and 3 (of a longer
        // history) go.
        assert_eq!(files.remove_beyond(600).expect("prune"), 4);
        for (n, kept) in [(0, true), (1, true), (2, false), (3, false)] {
            for is_data in [false, true] {
                let t = Tile::new(tiles::TILE_HEIGHT, 0, n, 256, is_data);
                assert_eq!(files.has(&t).expect("has"), kept, "{}", tiles::path(&t));
            }
        }
        assert_eq!(files.remove_beyond(600).expect("again"), 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::io::{FaultyIo, RealIo, Step};

    fn tile(l: u8, n: u64, w: u32) -> Tile {
        Tile::new(tiles::TILE_HEIGHT, l, n, w, false)
    }

    #[test]
    fn tiles_land_at_their_tlog_tiles_paths_and_partials_can_go() {
        let dir = tempfile::tempdir().expect("tempdir");
        let files = TileDir::new(dir.path(), Arc::new(RealIo));
        let mut b = files.batch();
        let mut bundle = tile(0, 1000, 3);
        bundle.set_is_data();
        assert!(b.write_new(&tile(0, 1000, 7), b"partial").expect("write"));
        assert!(b.write_new(&bundle, b"bundle").expect("write"));
        assert!(!b.write_new(&bundle, b"other").expect("write"));
        assert_eq!(b.finish().expect("finish"), 2);
        let read = |p: &str| std::fs::read(dir.path().join(p)).expect("read");
        assert_eq!(read("tile/0/x001/000.p/7"), b"partial");
        assert_eq!(read("tile/entries/x001/000.p/3"), b"bundle");
        let mut b = files.batch();
        b.write(&tile(0, 1000, 256), b"full").expect("write");
        assert_eq!(b.remove_partials(&tile(0, 1000, 256)).expect("rm"), 1);
        b.finish().expect("finish");
        assert_eq!(read("tile/0/x001/000"), b"full");
        assert!(!dir.path().join("tile/0/x001/000.p").exists());
        assert_eq!(
            files.read(&tile(0, 1000, 256)).expect("read"),
            Some(b"full".to_vec())
        );
    }

    #[test]
    fn a_failed_step_leaves_no_file_under_the_tiles_name() {
        let dir = tempfile::tempdir().expect("tempdir");
        let io = Arc::new(FaultyIo::default());
        let files = TileDir::new(dir.path(), io.clone());
        for step in [Step::Write, Step::Sync, Step::Rename] {
            io.arm(step, 1);
            assert!(files.batch().write(&tile(0, 0, 256), b"x").is_err());
            assert!(!files.has(&tile(0, 0, 256)).expect("has"), "{step:?}");
        }
        io.arm(Step::DirSync, 1);
        let mut b = files.batch();
        b.write(&tile(0, 0, 256), b"x").expect("write");
        assert!(b.finish().is_err());
    }
}
