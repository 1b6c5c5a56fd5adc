//! The resources of the C2SP tlog-tiles read API (spec §8.14): parsing and
//! writing their paths, which of them a tree of a given size serves, and
//! the encoding of entry bundles.
//!
//! The tile type, its arithmetic and the hash tiles' content come from
//! `tlog_tiles` ([`Tile`], Go's `sumdb/tlog` port). That crate spells paths
//! the way Go's checksum database does, `tile/<H>/<L>/<N>` with the height
//! in the path and `data` for record tiles; tlog-tiles spells them
//! `tile/<L>/<N>` and `tile/entries/<N>` with the height fixed at 8. This
//! module translates between the two and checks the level and the width
//! before the crate sees them (its constructor asserts on both).

pub use tlog_tiles::Tile;

/// The height of every tile: tlog-tiles fixes 8, so 256 hashes a tile.
pub const TILE_HEIGHT: u8 = 8;

/// The number of hashes (or entries) in a full tile.
pub const FULL_WIDTH: u32 = 1 << TILE_HEIGHT;

/// The highest level tlog-tiles allows (`<L>` is 0 to 63).
pub const MAX_LEVEL: u8 = 63;

/// The longest leaf an entry bundle can carry: its length is a big-endian
/// uint16 (spec §8.14).
pub const MAX_BUNDLE_ENTRY_BYTES: usize = u16::MAX as usize;

/// A path that is not a tlog-tiles resource.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a tlog-tiles path: {0}")]
pub struct TilePathError(String);

/// A leaf too long for an entry bundle.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("leaf {index} has {len} bytes; an entry bundle holds at most 65535")]
pub struct BundleError {
    /// The leaf's index.
    pub index: u64,
    /// Its length in bytes.
    pub len: usize,
}

/// A decimal ASCII integer with no leading zeroes (and no sign), as
/// tlog-tiles writes `<L>` and `<W>`.
fn canonical_decimal(s: &str) -> Option<u64> {
    let digits = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits || (s.len() > 1 && s.starts_with('0')) {
        return None;
    }
    s.parse().ok()
}

/// Parses a tlog-tiles path relative to the prefix, such as
/// `tile/0/x001/234.p/5` or `tile/entries/000`: a hash tile, or an entry
/// bundle (a [`Tile`] whose [`Tile::is_data`] is true, at level 0). Only
/// the canonical spelling is accepted: `<L>` from 0 to 63 and `<W>` from 1
/// to 255, both without leading zeroes, `<N>` in zero-padded groups of
/// three with an `x` on all but the last.
pub fn parse_path(path: &str) -> Result<Tile, TilePathError> {
    let bad = || TilePathError(path.to_string());
    let rest = path.strip_prefix("tile/").ok_or_else(bad)?;
    let (level, index) = rest.split_once('/').ok_or_else(bad)?;
    let level = if level == "entries" {
        "data"
    } else {
        match canonical_decimal(level) {
            Some(l) if l <= u64::from(MAX_LEVEL) => level,
            _ => return Err(bad()),
        }
    };
    if let Some((_, width)) = index.rsplit_once(".p/") {
        match canonical_decimal(width) {
            Some(w) if (1..u64::from(FULL_WIDTH)).contains(&w) => {}
            _ => return Err(bad()),
        }
    }
    Tile::from_path(&format!("tile/{TILE_HEIGHT}/{level}/{index}")).map_err(|_| bad())
}

/// The tlog-tiles path of `tile` relative to the prefix: the inverse of
/// [`parse_path`].
pub fn path(tile: &Tile) -> String {
    let go = tile.path();
    let data = format!("tile/{TILE_HEIGHT}/data/");
    let hashes = format!("tile/{TILE_HEIGHT}/");
    if let Some(rest) = go.strip_prefix(&data) {
        format!("tile/entries/{rest}")
    } else if let Some(rest) = go.strip_prefix(&hashes) {
        format!("tile/{rest}")
    } else {
        go
    }
}

/// Whether a tree of `size` leaves serves `tile` (spec §8.14). A full tile
/// is served once the tree covers it. A partial tile is served while the
/// tile at its place is still partial and holds at least its width:
/// tlog-tiles requires a log to serve the partial tile of every size it
/// signed a checkpoint for until the full tile exists, and the hashes of a
/// narrower partial tile never change. Empty tiles are never served.
pub fn is_served(tile: &Tile, size: u64) -> bool {
    if tile.height() != TILE_HEIGHT || (tile.is_data() && tile.level() != 0) {
        return false;
    }
    // The number of hashes at this tile level: floor(size / 256^L).
    let hashes = size
        .checked_shr(u32::from(tile.level()) * u32::from(TILE_HEIGHT))
        .unwrap_or(0);
    let full_tiles = hashes >> TILE_HEIGHT;
    let partial_width = hashes % u64::from(FULL_WIDTH);
    let n = tile.level_index();
    if tile.width() == FULL_WIDTH {
        n < full_tiles
    } else {
        n == full_tiles && u64::from(tile.width()) <= partial_width
    }
}

/// The leaf indexes an entry bundle holds: `N * 256` and the `W` after it.
pub fn bundle_leaves(tile: &Tile) -> std::ops::Range<u64> {
    let start = tile.level_index().saturating_mul(u64::from(FULL_WIDTH));
    start..start.saturating_add(u64::from(tile.width()))
}

/// An entry bundle: each leaf's bytes after their length as a big-endian
/// uint16, in order (tlog-tiles "Log entries"). `first` is the index of the
/// first leaf, for the error.
pub fn encode_bundle(first: u64, leaves: &[Vec<u8>]) -> Result<Vec<u8>, BundleError> {
    let total: usize = leaves.iter().map(|l| l.len() + 2).sum();
    let mut out = Vec::with_capacity(total);
    for (i, leaf) in (first..).zip(leaves) {
        let len = u16::try_from(leaf.len()).map_err(|_| BundleError {
            index: i,
            len: leaf.len(),
        })?;
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(leaf);
    }
    Ok(out)
}

/// An entry bundle that does not split into length-prefixed leaves.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an entry bundle: {0}")]
pub struct BadBundle(String);

/// Splits an entry bundle into its leaves (the inverse of
/// [`encode_bundle`]): each a big-endian uint16 length and that many bytes,
/// with nothing left over.
pub fn decode_bundle(bytes: &[u8]) -> Result<Vec<Vec<u8>>, BadBundle> {
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let Some((len, tail)) = rest.split_first_chunk::<2>() else {
            return Err(BadBundle(format!("a lone byte after entry {}", out.len())));
        };
        let len = usize::from(u16::from_be_bytes(*len));
        if tail.len() < len {
            return Err(BadBundle(format!(
                "entry {} claims {len} bytes but {} are left",
                out.len(),
                tail.len()
            )));
        }
        let (leaf, tail) = tail.split_at(len);
        out.push(leaf.to_vec());
        rest = tail;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tile(l: u8, n: u64, w: u32) -> Tile {
        Tile::new(TILE_HEIGHT, l, n, w, false)
    }

    /// tlog-tiles' example: index 1234067 is `x001/x234/067`.
    #[test]
    fn paths_are_written_and_read_as_tlog_tiles_spells_them() {
        let t = tile(0, 1_234_067, FULL_WIDTH);
        assert_eq!(path(&t), "tile/0/x001/x234/067");
        assert_eq!(parse_path("tile/0/x001/x234/067"), Ok(t));
        let p = tile(2, 7, 17);
        assert_eq!(path(&p), "tile/2/007.p/17");
        assert_eq!(parse_path("tile/2/007.p/17"), Ok(p));
        let mut e = tile(0, 1000, 3);
        e.set_is_data();
        assert_eq!(path(&e), "tile/entries/x001/000.p/3");
        assert_eq!(parse_path("tile/entries/x001/000.p/3"), Ok(e));
        assert_eq!(parse_path("tile/63/000").map(|t| t.level()), Ok(63));
    }

    #[test]
    fn non_canonical_or_out_of_range_paths_are_refused_without_a_panic() {
        for p in [
            "tile/0/1",
            "tile/00/000",
            "tile/01/000",
            "tile/64/000",
            "tile/255/000",
            "tile/+1/000",
            "tile/0/000.p/0",
            "tile/0/000.p/256",
            "tile/0/000.p/01",
            "tile/0/000.p/",
            "tile/0/x000/001",
            "tile/0/x1/001",
            "tile/8/0/000",
            "tile/data/000",
            "tile/entries/000.p/0",
            "tile/0/x018/x446/x744/x073/x709/x551/616",
            "tile/0/",
            "tile/",
            "checkpoint",
            "",
        ] {
            assert!(parse_path(p).is_err(), "{p} was accepted");
        }
    }

    /// tlog-tiles' example: a tree of 70,000 leaves has 273 full level-0
    /// tiles, a partial one of width 112, one full level-1 tile, a partial
    /// one of width 17 and a partial level-2 tile of width 1.
    #[test]
    fn the_tiles_of_a_tree_of_70000_are_those_tlog_tiles_lists() {
        let s = 70_000;
        assert!(is_served(&tile(0, 272, FULL_WIDTH), s));
        assert!(!is_served(&tile(0, 273, FULL_WIDTH), s));
        assert!(is_served(&tile(0, 273, 112), s));
        assert!(
            is_served(&tile(0, 273, 1), s),
            "a narrower partial of a signed size"
        );
        assert!(!is_served(&tile(0, 273, 113), s));
        assert!(!is_served(&tile(0, 272, 112), s), "its full tile exists");
        assert!(is_served(&tile(1, 0, FULL_WIDTH), s));
        assert!(is_served(&tile(1, 1, 17), s));
        assert!(!is_served(&tile(1, 1, FULL_WIDTH), s));
        assert!(is_served(&tile(2, 0, 1), s));
        assert!(!is_served(&tile(2, 0, 2), s));
        assert!(!is_served(&tile(3, 0, 1), s), "empty tiles are not served");
        assert!(!is_served(&tile(63, 0, 1), s));
        assert!(!is_served(&tile(0, u64::MAX, FULL_WIDTH), u64::MAX));
    }

    /// A tree of 256 is a full level-0 tile and a level-1 partial of width 1.
    #[test]
    fn a_tree_of_256_has_one_full_tile_and_a_level_1_partial() {
        assert!(is_served(&tile(0, 0, FULL_WIDTH), 256));
        assert!(!is_served(&tile(0, 1, 1), 256));
        assert!(is_served(&tile(1, 0, 1), 256));
        assert!(!is_served(&tile(0, 0, FULL_WIDTH), 255));
    }

    #[test]
    fn a_bundle_prefixes_each_leaf_with_its_big_endian_length() {
        let b = encode_bundle(0, &[b"ab".to_vec(), vec![7; 300]]).expect("bundle");
        assert_eq!(&b[..4], &[0, 2, b'a', b'b']);
        assert_eq!(&b[4..6], &[1, 44]);
        assert_eq!(b.len(), 4 + 2 + 300);
        assert_eq!(decode_bundle(&b), Ok(vec![b"ab".to_vec(), vec![7; 300]]));
        assert!(decode_bundle(&b[..b.len() - 1]).is_err());
        assert!(decode_bundle(&[0]).is_err());
        let long = vec![0; MAX_BUNDLE_ENTRY_BYTES + 1];
        assert_eq!(
            encode_bundle(9, &[long]),
            Err(BundleError {
                index: 9,
                len: 65536
            })
        );
    }
}
