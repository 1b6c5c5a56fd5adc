//! The C2SP tlog-tiles resources of the published tree (spec §8.14): hash
//! tiles read from the stored hashes the JSON proofs are answered from,
//! and entry bundles of the leaves `GET /api/v1/entries` serves. A full
//! tile or bundle the tile writer has already put in `DATA/tiles/` (the
//! same bytes, written once and never changed, spec §12.7) is read from
//! its file instead: one read instead of 256 lookups.

use super::{Ledger, ServiceError};
use crate::domain::messages::{Code, Refusal};
use crate::domain::tiles::{self, Tile};
use crate::store::Layout;
use crate::store::tilefiles::TileDir;
use std::sync::Arc;

impl Ledger {
    /// The bytes of `tile` (a hash tile, or an entry bundle when
    /// [`Tile::is_data`]) in the published tree; a tile that tree does not
    /// serve is `not_found` (spec §8.14).
    pub fn tile(&self, tile: &Tile) -> Result<Vec<u8>, ServiceError> {
        let size = self.size();
        if !tiles::is_served(tile, size) {
            return Err(Refusal::with(
                Code::NotFound,
                format!("the tree of {size} leaves has no {}", tiles::path(tile)),
            )
            .into());
        }
        if tile.width() == 256 {
            let files = TileDir::new(&Layout::new(&self.dir).tiles(), Arc::clone(&self.io));
            match files.read(tile) {
                Ok(Some(bytes)) => return Ok(bytes),
                Ok(None) => {}
                // The file is only a faster copy: build the tile instead.
                Err(e) => {
                    tracing::warn!(tile = %tiles::path(tile), error = %e, "reading a tile file")
                }
            }
        }
        if !tile.is_data() {
            return tile
                .read_data(&self.shared.store)
                .map_err(|e| ServiceError::Store(e.to_string()));
        }
        let range = tiles::bundle_leaves(tile);
        let first = range.start;
        let leaves = range
            .map(|i| {
                self.shared
                    .store
                    .leaf(i)?
                    .ok_or_else(|| ServiceError::Store(format!("leaf {i} missing")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        tiles::encode_bundle(first, &leaves).map_err(|e| ServiceError::Internal(e.to_string()))
    }
}
