//! The tile writer of `serve` (spec §8.14): a task that keeps `DATA/tiles/`
//! holding every full tile (every level) and every full entry bundle of
//! the published tree, as files at their tlog-tiles paths, so that a
//! static web server or `rsync` can serve or copy them.
//!
//! It watches [`Ledger::subscribe`] and, for each newly published tree,
//! writes on a blocking thread the full tiles the directory lacks, with
//! the bytes [`Ledger::tile`] gives (those of `GET /tlog/tile/...`), each
//! file whole ([`TileDir`]) and the directories fsynced once per round. At
//! start it catches up with what is already published, skipping files that
//! exist. It never holds up the sequencer: a slow round only makes it skip
//! to the latest tree. A failed round is logged, counted
//! (`coop_ledger_tile_file_failures_total`) and retried with the next tree.
//! Partial tiles are not written here; `coop-ledger publish` writes a
//! complete static copy.

use super::{Ledger, ServiceError};
use crate::domain::tiles::{FULL_WIDTH, TILE_HEIGHT, Tile};
use crate::store::io::FileIo;
use crate::store::tilefiles::TileDir;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// How far the directory is known to be complete: per tile level, the
/// full tiles below this index exist; the same for entry bundles.
#[derive(Debug, Default, Clone)]
struct Done {
    levels: Vec<u64>,
    bundles: u64,
}

/// Writes the full tiles of trees of `size` leaves that `dir` lacks,
/// advancing `done`; returns the number of files written.
fn write_full(
    ledger: &Ledger,
    dir: &TileDir,
    done: &mut Done,
    size: u64,
) -> Result<u64, ServiceError> {
    let io = |e: std::io::Error| ServiceError::Store(format!("{}: {e}", dir.root().display()));
    let mut batch = dir.batch();
    let mut round = |tile: Tile| -> Result<(), ServiceError> {
        if !dir.has(&tile).map_err(io)? {
            let bytes = ledger.tile(&tile)?;
            batch.write(&tile, &bytes).map_err(io)?;
        }
        Ok(())
    };
    let mut result = Ok(());
    let bundles = size >> TILE_HEIGHT;
    while result.is_ok() && done.bundles < bundles {
        let mut t = Tile::new(TILE_HEIGHT, 0, done.bundles, FULL_WIDTH, false);
        t.set_is_data();
        result = round(t).map(|()| done.bundles += 1);
    }
    for level in 0u8.. {
        let shift = (u32::from(level) + 1) * u32::from(TILE_HEIGHT);
        let full = size.checked_shr(shift).unwrap_or(0);
        if full == 0 || result.is_err() {
            break;
        }
        let l = usize::from(level);
        if done.levels.len() == l {
            done.levels.push(0);
        }
        while result.is_ok() && done.levels[l] < full {
            let t = Tile::new(TILE_HEIGHT, level, done.levels[l], FULL_WIDTH, false);
            result = round(t).map(|()| done.levels[l] += 1);
        }
    }
    // Sync what was written even after a failure: those files are good.
    let written = batch.finish().map_err(io);
    result?;
    written
}

/// A running tile writer.
#[derive(Debug)]
pub struct TileWriter {
    /// The task.
    pub task: tokio::task::JoinHandle<()>,
    /// The largest tree size whose full tiles are all in the directory.
    pub written: tokio::sync::watch::Receiver<u64>,
}

impl TileWriter {
    /// Stops the task (a round in progress finishes on its thread) and
    /// waits until it has let go of the ledger.
    pub async fn stop(self) {
        self.task.abort();
        let _ = self.task.await;
    }
}

/// Starts the tile writer of `ledger` into `dir` (usually `DATA/tiles`),
/// writing through `io`. It runs until the ledger's publisher is dropped.
pub fn spawn(ledger: Arc<Ledger>, dir: &Path, io: Arc<dyn FileIo>) -> TileWriter {
    let dir = TileDir::new(dir, io);
    // Before anything is served from the files (spec §12.7).
    match dir.remove_beyond(ledger.size()) {
        Ok(0) => {}
        Ok(n) => tracing::warn!(
            removed = n,
            size = ledger.size(),
            "deleted tile files past the tree (a longer history, e.g. before a restore)"
        ),
        Err(e) => tracing::error!(error = %e, "deleting tile files past the tree failed"),
    }
    let mut rx = ledger.subscribe();
    let done = Arc::new(Mutex::new(Done::default()));
    let (written_tx, written) = tokio::sync::watch::channel(0);
    let task = tokio::spawn(async move {
        loop {
            let size = rx.borrow_and_update().size;
            let (l, d, k) = (Arc::clone(&ledger), dir.clone(), Arc::clone(&done));
            let round = tokio::task::spawn_blocking(move || {
                let mut done = match k.lock() {
                    Ok(g) => g,
                    Err(p) => p.into_inner(),
                };
                write_full(&l, &d, &mut done, size)
            })
            .await;
            let metrics = &ledger.shared.metrics;
            match round {
                Ok(Ok(n)) => {
                    metrics.tile_files_written.inc_by(n);
                    written_tx.send_replace(size);
                }
                Ok(Err(e)) => {
                    metrics.tile_file_failures.inc();
                    tracing::warn!(error = %e, size, "writing DATA/tiles failed; retried with the next tree");
                }
                Err(e) => {
                    metrics.tile_file_failures.inc();
                    tracing::error!(error = %e, "the tile writer's thread failed");
                }
            }
            if rx.changed().await.is_err() {
                break;
            }
        }
    });
    TileWriter { task, written }
}
