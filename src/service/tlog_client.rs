//! Reading a C2SP tlog-tiles prefix (spec §8.18): a ledger's `/tlog`, or
//! any static copy of it, through the one HTTP client
//! ([`super::client::Client`]).
//!
//! Nothing read is trusted. [`TiledTree`] holds the tiles fetched for one
//! tree (a size and a root, from a checkpoint) and authenticates every hash
//! tile against that root with `tlog_tiles::TileHashReader` (this module
//! implements its `TileReader`); every entry bundle is checked leaf by leaf
//! against the level-0 hashes so authenticated. Consistency proofs between
//! two sizes are computed from the same authenticated tiles.
//!
//! `TileHashReader` is synchronous and the client is not, so the reader
//! here never fetches: a read that needs a tile the tree does not hold yet
//! fails and names it, the tree fetches what was named and reads again
//! (at most [`MAX_FETCH_ROUNDS`] times; one or two rounds suffice, as the
//! tiles a read needs depend only on the indexes asked for).

use super::client::{Client, ClientError};
use crate::domain::keys::PublicKey;
use crate::domain::leaf::Leaf;
use crate::domain::merkle::{
    Hash, HashReader as _, TlogError, leaf_hash, prove_tree, stored_hash_index,
};
use crate::domain::messages::Lang;
use crate::domain::statement::{self, Body};
use crate::domain::tiles::{self, FULL_WIDTH, TILE_HEIGHT, Tile};
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Mutex;
use tlog_tiles::{TileHashReader, TileReader};

/// The most fetch-and-read rounds one read of hashes may take.
pub const MAX_FETCH_ROUNDS: usize = 8;

/// Why a prefix could not be read, or what it served does not check out.
#[derive(Debug, thiserror::Error)]
pub enum TlogClientError {
    /// A resource could not be fetched (out of reach, or not served).
    #[error(transparent)]
    Fetch(#[from] ClientError),
    /// A resource was served but does not check out: `place` names it
    /// (a tile path, or a leaf).
    #[error("{place}: {what}")]
    Bad {
        /// The tile path or leaf concerned.
        place: String,
        /// What is wrong.
        what: String,
    },
}

impl TlogClientError {
    fn bad(place: impl Into<String>, what: impl Into<String>) -> Self {
        Self::Bad {
            place: place.into(),
            what: what.into(),
        }
    }
}

/// A tlog-tiles prefix, read through the one HTTP client.
#[derive(Debug, Clone)]
pub struct TlogClient {
    client: Client,
}

impl TlogClient {
    /// A reader of the prefix `prefix` (e.g. `https://ledger.example/tlog`
    /// or a static copy's URL). Nothing is sent yet.
    pub fn new(prefix: &str) -> Result<Self, ClientError> {
        Ok(Self {
            client: Client::new(prefix, Lang::En)?,
        })
    }

    /// The prefix, without a trailing `/`.
    pub fn prefix(&self) -> &str {
        self.client.base()
    }

    /// The checkpoint note at `<prefix>/checkpoint`, as served (not yet
    /// verified).
    pub async fn checkpoint(&self) -> Result<String, TlogClientError> {
        Ok(self.client.get_text("/checkpoint").await?)
    }

    /// The bytes of `tile` at its tlog-tiles path. A partial tile the
    /// prefix no longer serves (404: tlog-tiles lets a log delete it once
    /// the full tile exists) is read from the full tile at its place,
    /// whose first hashes or entries are the partial tile's: hash tiles
    /// are cut to the width here, entry bundles by [`TiledTree::fetch_bundle`].
    async fn fetch(&self, tile: &Tile) -> Result<Vec<u8>, TlogClientError> {
        let answer = self
            .client
            .get_answer(&format!("/{}", tiles::path(tile)))
            .await?;
        if answer.status() != reqwest::StatusCode::NOT_FOUND || tile.width() == FULL_WIDTH {
            return Ok(answer.body()?);
        }
        let mut full = Tile::new(
            TILE_HEIGHT,
            tile.level(),
            tile.level_index(),
            FULL_WIDTH,
            false,
        );
        if tile.is_data() {
            full.set_is_data();
        }
        let mut bytes = self.client.get(&format!("/{}", tiles::path(&full))).await?;
        if !tile.is_data() {
            bytes.truncate(tile.width() as usize * 32);
        }
        Ok(bytes)
    }

    /// The tree of `size` leaves whose root is `root` (from a checkpoint
    /// whose signature the caller checks), read from this prefix.
    pub fn tree(&self, size: u64, root: Hash) -> TiledTree<'_> {
        TiledTree {
            client: self,
            size,
            root,
            cache: TileCache {
                size,
                tiles: Mutex::default(),
                wanted: Mutex::default(),
                forged: Mutex::default(),
            },
        }
    }
}

/// The hash tiles fetched for one tree, handed to `TileHashReader`.
struct TileCache {
    /// The tree's size.
    size: u64,
    tiles: Mutex<HashMap<Tile, Vec<u8>>>,
    /// Tiles a read needed and the cache did not hold.
    wanted: Mutex<Vec<Tile>>,
    /// The first tile of a read whose hashes its parent tile contradicts
    /// (see [`TileCache::save_tiles`]).
    forged: Mutex<Option<Tile>>,
}

impl TileCache {
    /// The first full tile of `tiles` whose subtree hash is not the hash
    /// its parent tile (also in `tiles`) holds for it.
    fn check_parents(&self, tiles: &[Tile], data: &[Vec<u8>]) -> Option<Tile> {
        let at: HashMap<Tile, &Vec<u8>> = tiles.iter().copied().zip(data).collect();
        for (tile, bytes) in tiles.iter().zip(data) {
            if tile.width() != FULL_WIDTH {
                continue;
            }
            let Some(parent) = tile.parent(1, self.size) else {
                continue;
            };
            let Some(parent_bytes) = at.get(&parent) else {
                continue;
            };
            let index = stored_hash_index(parent.level() * parent.height(), tile.level_index());
            match parent.hash_at_index(parent_bytes, index) {
                Ok(h) if h == Tile::subtree_hash(bytes) => {}
                _ => return Some(*tile),
            }
        }
        None
    }
}

impl TileReader for TileCache {
    fn height(&self) -> u8 {
        TILE_HEIGHT
    }

    fn read_tiles(&self, wanted: &[Tile]) -> Result<Vec<Vec<u8>>, TlogError> {
        let have = match self.tiles.lock() {
            Ok(t) => t,
            Err(p) => p.into_inner(),
        };
        let missing: Vec<Tile> = wanted
            .iter()
            .filter(|t| !have.contains_key(t))
            .copied()
            .collect();
        if !missing.is_empty() {
            match self.wanted.lock() {
                Ok(mut w) => w.extend(missing),
                Err(p) => p.into_inner().extend(missing),
            }
            return Err(TlogError::InvalidInput("tiles not fetched yet".into()));
        }
        Ok(wanted
            .iter()
            .map(|t| have.get(t).cloned().unwrap_or_default())
            .collect())
    }

    /// Called by `TileHashReader` once it has checked the tiles of a read
    /// against the root. tlog_tiles 0.2 (like Go's `sumdb/tlog`) checks a
    /// full tile against its parent only when the tiles the root needs are
    /// as many as the subtrees of the root, so a tile below a partial tile
    /// that holds several of those subtrees goes unchecked; every tile of
    /// the read is checked against its parent here, whatever the reader did.
    fn save_tiles(&self, tiles: &[Tile], data: &[Vec<u8>]) {
        if let Some(bad) = self.check_parents(tiles, data) {
            match self.forged.lock() {
                Ok(mut f) => *f = f.or(Some(bad)),
                Err(p) => *p.into_inner() = Some(bad),
            }
        }
    }
}

/// One tree read from a prefix: its hash tiles authenticated against its
/// root, its entry bundles against those hashes.
pub struct TiledTree<'a> {
    client: &'a TlogClient,
    size: u64,
    root: Hash,
    cache: TileCache,
}

impl TiledTree<'_> {
    /// The tree size.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Runs `read` over the authenticated tiles, fetching the tiles it
    /// names until it has them all.
    async fn read<T>(
        &self,
        read: impl Fn(&TileHashReader<'_>) -> Result<T, TlogError>,
    ) -> Result<T, TlogClientError> {
        for _ in 0..MAX_FETCH_ROUNDS {
            let reader = TileHashReader::new(self.size, self.root, &self.cache);
            let result = read(&reader);
            let forged = match self.cache.forged.lock() {
                Ok(f) => *f,
                Err(p) => *p.into_inner(),
            };
            if let Some(tile) = forged {
                return Err(TlogClientError::bad(
                    format!("the hash tiles of the tree of {}", self.size),
                    format!(
                        "{} does not hash to what its parent tile holds for it: one of them was changed",
                        tiles::path(&tile)
                    ),
                ));
            }
            let err = match result {
                Ok(v) => return Ok(v),
                Err(e) => e,
            };
            let mut wanted = match self.cache.wanted.lock() {
                Ok(mut w) => std::mem::take(&mut *w),
                Err(p) => std::mem::take(&mut *p.into_inner()),
            };
            if wanted.is_empty() {
                return Err(self.inconsistent(&err));
            }
            wanted.sort_by_key(|t| (t.level(), t.level_index()));
            wanted.dedup();
            for tile in wanted {
                let data = self.client.fetch(&tile).await?;
                let expected = tile.width() as usize * 32;
                if data.len() != expected {
                    return Err(TlogClientError::bad(
                        tiles::path(&tile),
                        format!("{} bytes, not the {expected} of its width", data.len()),
                    ));
                }
                match self.cache.tiles.lock() {
                    Ok(mut t) => t.insert(tile, data),
                    Err(p) => p.into_inner().insert(tile, data),
                };
            }
        }
        Err(TlogClientError::bad(
            self.client.prefix(),
            "the tiles kept changing while they were read",
        ))
    }

    fn inconsistent(&self, err: &TlogError) -> TlogClientError {
        let held = match self.cache.tiles.lock() {
            Ok(t) => t.keys().copied().collect::<Vec<_>>(),
            Err(p) => p.into_inner().keys().copied().collect(),
        };
        let mut paths: Vec<String> = held.iter().map(tiles::path).collect();
        paths.sort();
        let shown = paths.iter().take(8).cloned().collect::<Vec<_>>().join(", ");
        let more = paths.len().saturating_sub(8);
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        TlogClientError::bad(
            format!("the hash tiles of the tree of {}", self.size),
            format!(
                "they do not lead to the checkpoint's root ({err}): one of {shown}{more} was changed"
            ),
        )
    }

    /// The leaf hashes (level 0) of `range`, authenticated.
    pub async fn leaf_hashes(&self, range: Range<u64>) -> Result<Vec<Hash>, TlogClientError> {
        let indexes: Vec<u64> = range.map(|i| stored_hash_index(0, i)).collect();
        self.read(|r| r.read_hashes(&indexes)).await
    }

    /// Whether this tree extends the tree of `old_size` leaves with root
    /// `old_root`: a consistency proof computed from the authenticated
    /// tiles, checked (RFC 9162 §2.1.4.2). Sizes above this tree's are an
    /// error of the caller and answer `false`.
    pub async fn extends(&self, old_size: u64, old_root: Hash) -> Result<bool, TlogClientError> {
        if old_size > self.size {
            return Ok(false);
        }
        if old_size == 0 {
            return Ok(true);
        }
        if old_size == self.size {
            return Ok(old_root == self.root);
        }
        let (size, root) = (self.size, self.root);
        let proof = self.read(|r| prove_tree(size, old_size, r)).await?;
        Ok(
            crate::domain::merkle::verify_consistency(old_size, size, old_root, root, &proof)
                .is_ok(),
        )
    }

    /// The number of entry bundles of this tree (the last one partial when
    /// the size is not a multiple of 256).
    pub fn bundles(&self) -> u64 {
        self.size.div_ceil(u64::from(FULL_WIDTH))
    }

    /// The entry bundle `n` of this tree: its tile (full, or the partial of
    /// this size).
    fn bundle_tile(&self, n: u64) -> Tile {
        let first = n.saturating_mul(u64::from(FULL_WIDTH));
        let width = self.size.saturating_sub(first).min(u64::from(FULL_WIDTH));
        let mut tile = Tile::new(TILE_HEIGHT, 0, n, u32::try_from(width).unwrap_or(0), false);
        tile.set_is_data();
        tile
    }

    /// The path of entry bundle `n`.
    pub fn bundle_path(&self, n: u64) -> String {
        tiles::path(&self.bundle_tile(n))
    }

    /// Entry bundle `n` as served, split into its leaves: as many as its
    /// width, not yet checked against the hashes ([`Self::check_bundle`]).
    pub async fn fetch_bundle(&self, n: u64) -> Result<Vec<Vec<u8>>, TlogClientError> {
        let tile = self.bundle_tile(n);
        let path = tiles::path(&tile);
        let bytes = self.client.fetch(&tile).await?;
        let mut leaves =
            tiles::decode_bundle(&bytes).map_err(|e| TlogClientError::bad(&path, e.to_string()))?;
        // Read from the full bundle when the partial one is gone.
        if leaves.len() == FULL_WIDTH as usize {
            leaves.truncate(tile.width() as usize);
        }
        if leaves.len() != tile.width() as usize {
            return Err(TlogClientError::bad(
                path,
                format!("{} entries, not {}", leaves.len(), tile.width()),
            ));
        }
        Ok(leaves)
    }

    /// Checks that each leaf of bundle `n` hashes to the authenticated
    /// level-0 hash at its index.
    pub async fn check_bundle(&self, n: u64, leaves: &[Vec<u8>]) -> Result<(), TlogClientError> {
        let range = tiles::bundle_leaves(&self.bundle_tile(n));
        let first = range.start;
        let hashes = self.leaf_hashes(range).await?;
        for ((index, leaf), hash) in (first..).zip(leaves).zip(&hashes) {
            if leaf_hash(leaf) != *hash {
                return Err(TlogClientError::bad(
                    format!("leaf {index} in {}", self.bundle_path(n)),
                    format!(
                        "it does not hash to the leaf hash in {} that the checkpoint's root authenticates",
                        tiles::path(&Tile::new(
                            TILE_HEIGHT,
                            0,
                            n,
                            u32::try_from(hashes.len()).unwrap_or(0),
                            false
                        ))
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The leaves of `range`, each checked against the authenticated
    /// hashes.
    pub async fn leaves(&self, range: Range<u64>) -> Result<Vec<Vec<u8>>, TlogClientError> {
        let width = u64::from(FULL_WIDTH);
        let mut out = Vec::new();
        if range.is_empty() {
            return Ok(out);
        }
        for n in range.start / width..=(range.end - 1) / width {
            let leaves = self.fetch_bundle(n).await?;
            self.check_bundle(n, &leaves).await?;
            let first = n * width;
            out.extend(
                (first..)
                    .zip(leaves)
                    .filter(|(i, _)| range.contains(i))
                    .map(|(_, l)| l),
            );
        }
        Ok(out)
    }
}

/// The origin and ledger key a genesis leaf (leaf 0) names, if it is one.
pub fn genesis_of(leaf: &[u8]) -> Option<(String, PublicKey)> {
    let leaf = Leaf::parse(leaf).ok()?;
    match statement::parse(&leaf.statement).ok()?.body {
        Body::Genesis(g) => Some((g.origin, g.ledger_key)),
        _ => None,
    }
}

/// The size and root a checkpoint note states, read without checking its
/// signature (the caller checks it).
pub fn stated(note: &str) -> Option<(u64, Hash)> {
    let text = note.split_once("\n\n").map(|(t, _)| format!("{t}\n"))?;
    tlog_tiles::Checkpoint::from_bytes(text.as_bytes())
        .ok()
        .map(|c| (c.size(), *c.hash()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::merkle::{MemHashes, tree_hash};

    /// The hash tiles of a tree of `size` leaves, as a log serves them.
    fn tiles_of(size: u64) -> (Hash, HashMap<Tile, Vec<u8>>) {
        let mut mem = MemHashes::new();
        for i in 0..size {
            mem.push(leaf_hash(&i.to_be_bytes())).expect("push");
        }
        let root = tree_hash(size, &mem).expect("root");
        let mut out = HashMap::new();
        let w = u64::from(FULL_WIDTH);
        let (mut level, mut hashes) = (0u8, size);
        while hashes > 0 {
            for n in 0..hashes.div_ceil(w) {
                let width = u32::try_from((hashes - n * w).min(w)).expect("width");
                let tile = Tile::new(TILE_HEIGHT, level, n, width, false);
                out.insert(tile, tile.read_data(&mem).expect("tile"));
            }
            hashes >>= TILE_HEIGHT;
            level += 1;
        }
        (root, out)
    }

    /// Issue 14: in a tree of 531 the root's subtrees below 512 all sit in
    /// one partial tile, so tlog_tiles' `TileHashReader` hands out a hash
    /// of a changed full level-0 tile without checking it against its
    /// parent; the cache's own check of every full tile catches it.
    #[test]
    fn issue_14_a_changed_full_tile_under_a_shared_partial_tile_is_caught() {
        let (root, mut tiles) = tiles_of(531);
        let changed = Tile::new(TILE_HEIGHT, 0, 1, FULL_WIDTH, false);
        if let Some(bytes) = tiles.get_mut(&changed) {
            bytes[40] ^= 0x80;
        }
        let cache = TileCache {
            size: 531,
            tiles: Mutex::new(tiles),
            wanted: Mutex::default(),
            forged: Mutex::default(),
        };
        let reader = TileHashReader::new(531, root, &cache);
        let hashes = reader
            .read_hashes(&[stored_hash_index(0, 257)])
            .expect("tlog_tiles does not notice");
        assert_ne!(hashes[0], leaf_hash(&257u64.to_be_bytes()));
        assert_eq!(*cache.forged.lock().expect("lock"), Some(changed));
    }

    #[test]
    fn unchanged_tiles_pass_the_parent_check() {
        let (root, tiles) = tiles_of(531);
        let cache = TileCache {
            size: 531,
            tiles: Mutex::new(tiles),
            wanted: Mutex::default(),
            forged: Mutex::default(),
        };
        let reader = TileHashReader::new(531, root, &cache);
        let hashes = reader
            .read_hashes(&[stored_hash_index(0, 257), stored_hash_index(0, 530)])
            .expect("reads");
        assert_eq!(hashes[0], leaf_hash(&257u64.to_be_bytes()));
        assert_eq!(hashes[1], leaf_hash(&530u64.to_be_bytes()));
        assert_eq!(*cache.forged.lock().expect("lock"), None);
    }
}
