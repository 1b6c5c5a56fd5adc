//! Building the C2SP tlog-tiles of a log from its leaves, in order, without
//! a database (spec §8.14, §10.14): what `coop-ledger publish` writes.
//!
//! A [`TileBuilder`] keeps only the right edge of the tree: for each tile
//! level the hashes of its one partial tile (fewer than 256), and the leaf
//! bytes of the one partial entry bundle. Pushing a leaf appends its leaf
//! hash at level 0; when a level's tile fills up, the full tile is handed
//! out and its subtree hash ([`Tile::subtree_hash`], the RFC 6962 hash of
//! its 256 hashes) goes one tile level up. Tile bytes are the hashes
//! concatenated, as `Tile::read_data` gives them; entry bundles are
//! [`tiles::encode_bundle`]'s, the same encoding `GET /tlog/tile/entries`
//! serves.

use super::merkle::{Hash, leaf_hash};
use super::tiles::{self, BundleError, FULL_WIDTH, TILE_HEIGHT, Tile};

/// A full or partial tile (hash tile or entry bundle) and its bytes.
pub type TileBytes = (Tile, Vec<u8>);

/// A saved right edge that does not fit its tree size.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the saved tile edge does not fit a tree of {size} leaves: {why}")]
pub struct EdgeError {
    /// The tree size it was saved for.
    pub size: u64,
    /// What does not fit.
    pub why: String,
}

/// The right edge of a tree of tiles; see the module doc.
#[derive(Debug, Clone, Default)]
pub struct TileBuilder {
    size: u64,
    /// `levels[L]`: the hashes of the partial tile at tile level `L`.
    levels: Vec<Vec<Hash>>,
    /// The leaves of the partial entry bundle.
    pending: Vec<Vec<u8>>,
}

/// The number of hashes in the partial tile at tile level `level` of a
/// tree of `size` leaves.
fn partial_width(size: u64, level: usize) -> usize {
    let shift = u32::try_from(level)
        .unwrap_or(u32::MAX)
        .saturating_mul(u32::from(TILE_HEIGHT));
    let hashes = size.checked_shr(shift).unwrap_or(0);
    // Below 256, so the cast cannot truncate.
    (hashes % u64::from(FULL_WIDTH)) as usize
}

impl TileBuilder {
    /// The edge of the empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// The edge of a tree of `size` leaves, from what [`TileBuilder::upper`]
    /// returned for it and the leaves of its partial entry bundle (the last
    /// `size % 256` leaves). Fails if a level holds the wrong number of
    /// hashes for that size.
    pub fn resume(
        size: u64,
        upper: Vec<Vec<Hash>>,
        pending: Vec<Vec<u8>>,
    ) -> Result<Self, EdgeError> {
        let bad = |why: String| EdgeError { size, why };
        if pending.len() != partial_width(size, 0) {
            return Err(bad(format!(
                "{} leaves in the partial bundle, not {}",
                pending.len(),
                partial_width(size, 0)
            )));
        }
        let mut levels = vec![pending.iter().map(|l| leaf_hash(l)).collect::<Vec<_>>()];
        levels.extend(upper);
        for (l, hashes) in levels.iter().enumerate() {
            if hashes.len() != partial_width(size, l) {
                return Err(bad(format!(
                    "{} hashes at tile level {l}, not {}",
                    hashes.len(),
                    partial_width(size, l)
                )));
            }
        }
        // No level above the tree's top may be saved.
        let top = (0..levels.len()).rev().find(|&l| {
            let shift = u32::try_from(l).unwrap_or(u32::MAX) * u32::from(TILE_HEIGHT);
            size.checked_shr(shift).unwrap_or(0) > 0
        });
        levels.truncate(top.map_or(1, |t| t + 1));
        Ok(Self {
            size,
            levels,
            pending,
        })
    }

    /// The tree size so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The partial tiles' hashes at tile levels 1 and up: with the partial
    /// bundle's leaves, all [`TileBuilder::resume`] needs.
    pub fn upper(&self) -> &[Vec<Hash>] {
        self.levels.get(1..).unwrap_or(&[])
    }

    /// Appends a leaf and returns the full tiles it completes: its entry
    /// bundle when that fills up, and each hash tile that fills up, from
    /// level 0 upwards. A leaf too long for an entry bundle is refused and
    /// changes nothing.
    pub fn push(&mut self, leaf: Vec<u8>) -> Result<Vec<TileBytes>, BundleError> {
        if leaf.len() > tiles::MAX_BUNDLE_ENTRY_BYTES {
            return Err(BundleError {
                index: self.size,
                len: leaf.len(),
            });
        }
        let mut full = Vec::new();
        let index = self.size;
        self.size += 1;
        let mut hash = leaf_hash(&leaf);
        self.pending.push(leaf);
        if self.pending.len() == FULL_WIDTH as usize {
            let leaves = std::mem::take(&mut self.pending);
            let first = index + 1 - u64::from(FULL_WIDTH);
            let mut bundle = Tile::new(TILE_HEIGHT, 0, first >> TILE_HEIGHT, FULL_WIDTH, false);
            bundle.set_is_data();
            full.push((bundle, tiles::encode_bundle(first, &leaves)?));
        }
        for level in 0u8.. {
            let l = usize::from(level);
            if self.levels.len() == l {
                self.levels.push(Vec::new());
            }
            self.levels[l].push(hash);
            if self.levels[l].len() < FULL_WIDTH as usize {
                break;
            }
            let data: Vec<u8> = std::mem::take(&mut self.levels[l])
                .iter()
                .flat_map(|h| h.0)
                .collect();
            hash = Tile::subtree_hash(&data);
            let shift = u32::from(level + 1) * u32::from(TILE_HEIGHT);
            let n = (self.size >> shift) - 1;
            full.push((Tile::new(TILE_HEIGHT, level, n, FULL_WIDTH, false), data));
        }
        Ok(full)
    }

    /// The partial tiles of the current size, hash tiles by level then the
    /// entry bundle (tlog-tiles: a log serves them for each checkpoint it
    /// signs until the full tile exists). None when the size is a multiple
    /// of 256 at every level.
    pub fn partials(&self) -> Result<Vec<TileBytes>, BundleError> {
        let mut out = Vec::new();
        for (level, hashes) in (0u8..).zip(&self.levels) {
            if hashes.is_empty() {
                continue;
            }
            let shift = u32::from(level + 1) * u32::from(TILE_HEIGHT);
            let n = self.size >> shift;
            let w = u32::try_from(hashes.len()).unwrap_or(FULL_WIDTH);
            let data = hashes.iter().flat_map(|h| h.0).collect();
            out.push((Tile::new(TILE_HEIGHT, level, n, w, false), data));
        }
        if !self.pending.is_empty() {
            let w = u32::try_from(self.pending.len()).unwrap_or(FULL_WIDTH);
            let n = self.size >> TILE_HEIGHT;
            let mut bundle = Tile::new(TILE_HEIGHT, 0, n, w, false);
            bundle.set_is_data();
            let first = n << TILE_HEIGHT;
            out.push((bundle, tiles::encode_bundle(first, &self.pending)?));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::merkle::MemHashes;

    fn leaf(i: u64) -> Vec<u8> {
        format!("leaf {i}").into_bytes()
    }

    /// Every tile the builder hands out, full and partial, is what
    /// `Tile::read_data` reads from the stored hashes of the same tree (the
    /// bytes `GET /tlog/tile/...` serves), at sizes on and off boundaries,
    /// also across a save and resume.
    #[test]
    fn tiles_equal_those_read_from_the_stored_hashes() {
        let mut mem = MemHashes::new();
        let mut b = TileBuilder::new();
        let mut leaves = Vec::new();
        let mut full = Vec::new();
        for size in [1u64, 255, 256, 257, 65_535, 65_536, 65_537 + 300] {
            while b.size() < size {
                let l = leaf(b.size());
                mem.push(leaf_hash(&l)).expect("push");
                leaves.push(l.clone());
                full.extend(b.push(l).expect("push"));
            }
            // Save and resume, as `publish` does between runs.
            let pending = leaves[(size - size % 256) as usize..].to_vec();
            b = TileBuilder::resume(size, b.upper().to_vec(), pending).expect("resume");
            for (tile, bytes) in full.iter().chain(&b.partials().expect("partials")) {
                assert!(tiles::is_served(tile, size), "{}", tiles::path(tile));
                if tile.is_data() {
                    let r = tiles::bundle_leaves(tile);
                    let want =
                        tiles::encode_bundle(r.start, &leaves[r.start as usize..r.end as usize]);
                    assert_eq!(Ok(bytes), want.as_ref(), "{}", tiles::path(tile));
                } else {
                    let want = tile.read_data(&mem).expect("read");
                    assert_eq!(bytes, &want, "{}", tiles::path(tile));
                }
            }
        }
        // 65,837 leaves: 257 full level-0 tiles and bundles, 1 full level-1.
        assert_eq!(full.iter().filter(|(t, _)| t.is_data()).count(), 257);
        assert_eq!(full.iter().filter(|(t, _)| t.level() == 1).count(), 1);
    }

    #[test]
    fn an_edge_that_does_not_fit_its_size_is_refused() {
        assert!(TileBuilder::resume(3, vec![], vec![leaf(0)]).is_err());
        let h = Hash([0; 32]);
        assert!(TileBuilder::resume(256, vec![vec![h]], vec![]).is_ok());
        assert!(TileBuilder::resume(256, vec![vec![]], vec![]).is_err());
        assert!(TileBuilder::resume(256, vec![vec![h]], vec![leaf(0)]).is_err());
        assert!(TileBuilder::resume(512, vec![vec![h]], vec![]).is_err());
        let long = vec![0; tiles::MAX_BUNDLE_ENTRY_BYTES + 1];
        let mut b = TileBuilder::new();
        assert!(b.push(long).is_err());
        assert_eq!(b.size(), 0);
    }
}
