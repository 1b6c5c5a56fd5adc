//! `coop-ledger publish` (spec §10.14): keeps a complete static C2SP
//! tlog-tiles copy of a ledger in a directory, for any static web server,
//! bucket or CDN to serve as the ledger's tlog-tiles prefix (spec §8.14).
//!
//! One run is one sync. It reads only files of the data directory, never
//! sled and never the lock, so it is safe while `serve` runs: the note
//! (`DATA/witnessed` when it exists, else `DATA/checkpoint`), `ledger.json`
//! and `leaves.log`, only up to the note's tree size (those leaves were
//! synced before the note was written, spec §7.5). The note must verify
//! with the ledger key the genesis names, under the ledger's origin. It writes the full tiles
//! and entry bundles the copy lacks ([`TileBuilder`]; a full tile already
//! there is never rewritten), the partial tiles and bundle of the note's
//! size, and deletes the partial tiles at places whose full tile now
//! exists (tlog-tiles allows a 404 there). Then it checks the copy:
//! `tlog_tiles::TileHashReader` must authenticate the tiles it reads from
//! the copy against the note's root. Only then does it save its state,
//! `TO/.coop-ledger-publish.json` (the size, where in `leaves.log` the
//! partial bundle starts and ends, the partial tiles' hashes above level
//! 0), and last the note as `TO/checkpoint`, atomically. A crash at any
//! point leaves the old checkpoint in place over tiles that serve it, and
//! the next run finishes the job.

use super::ServiceError;
use crate::domain::checkpoint::{CheckpointBody, NoteKey};
use crate::domain::keys::PublicKey;
use crate::domain::leaf::Leaf;
use crate::domain::merkle::{Hash, tree_hash};
use crate::domain::statement::{self, Body};
use crate::domain::tile_builder::TileBuilder;
use crate::domain::tiles;
use crate::store::checkpoint::CheckpointFile;
use crate::store::io::RealIo;
use crate::store::leaflog::{LeafReader, MAGIC, Records};
use crate::store::tilefiles::TileDir;
use crate::store::{self, Layout};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::Arc;

/// The state file in the target directory.
pub const STATE_FILE: &str = ".coop-ledger-publish.json";

/// Which note a run published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `DATA/witnessed`: the latest checkpoint the witness quorum cosigned.
    Witnessed,
    /// `DATA/checkpoint`: the latest signed checkpoint.
    Checkpoint,
}

impl Source {
    /// The file's name.
    pub fn file(self) -> &'static str {
        match self {
            Source::Witnessed => "witnessed",
            Source::Checkpoint => "checkpoint",
        }
    }
}

/// What one run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishReport {
    /// The note published.
    pub source: Source,
    /// The tree size the copy had before the run (0 for a new copy).
    pub previous_size: u64,
    /// The tree size of the note read.
    pub note_size: u64,
    /// The tree size it serves now.
    pub size: u64,
    /// Full hash tiles written.
    pub full_tiles: u64,
    /// Full entry bundles written.
    pub full_bundles: u64,
    /// Partial tiles and bundles written.
    pub partials: u64,
    /// Partial tiles deleted because their full tile now exists.
    pub removed: u64,
    /// Whether `TO/checkpoint` was replaced.
    pub checkpoint_written: bool,
    /// Set when the note is behind the copy: nothing was written, since a
    /// published checkpoint never goes back.
    pub behind: bool,
}

/// The state kept between runs.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct State {
    origin: String,
    size: u64,
    /// Offset in `leaves.log` of the first leaf of the partial bundle.
    bundle_offset: u64,
    /// Offset in `leaves.log` just after leaf `size - 1`.
    offset: u64,
    /// The partial tiles' hashes at tile levels 1 and up (base64).
    upper: Vec<Vec<String>>,
}

fn inconsistent(why: impl Into<String>) -> ServiceError {
    ServiceError::Inconsistent(why.into())
}

fn io_error(what: &Path) -> impl Fn(std::io::Error) -> ServiceError + '_ {
    move |e| ServiceError::Store(format!("{}: {e}", what.display()))
}

/// The note to publish and where it came from.
fn read_note(layout: &Layout) -> Result<(String, Source), ServiceError> {
    let witnessed = layout.witnessed();
    match std::fs::read_to_string(&witnessed) {
        Ok(note) => return Ok((note, Source::Witnessed)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_error(&witnessed)(e)),
    }
    let file = CheckpointFile::new(&layout.dir, Arc::new(RealIo));
    match file.load().map_err(io_error(&file.path()))? {
        Some(note) => Ok((note, Source::Checkpoint)),
        None => Err(inconsistent(format!(
            "{} has no checkpoint file yet (start `coop-ledger serve` once)",
            layout.dir.display()
        ))),
    }
}

/// The ledger key, as the genesis (leaf 0) names it (spec §4.3).
fn genesis_key(layout: &Layout) -> Result<PublicKey, ServiceError> {
    let bad = |why: String| inconsistent(format!("leaf 0 is not a genesis: {why}"));
    let bytes = LeafReader::open(&layout.leaves())?.read_at(MAGIC.len() as u64)?;
    let leaf = Leaf::parse(&bytes).map_err(|e| bad(e.to_string()))?;
    match statement::parse(&leaf.statement)
        .map_err(|r| bad(r.to_string()))?
        .body
    {
        Body::Genesis(g) => Ok(g.ledger_key),
        _ => Err(bad("another statement type".into())),
    }
}

fn load_state(to: &Path) -> Result<Option<State>, ServiceError> {
    let path = to.join(STATE_FILE);
    match std::fs::read(&path) {
        Ok(b) => serde_json::from_slice(&b)
            .map(Some)
            .map_err(|e| inconsistent(format!("{}: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_error(&path)(e)),
    }
}

/// Reads the next leaf, which must exist: the note covers it.
fn next_leaf(records: &mut Records, index: u64) -> Result<(u64, Vec<u8>), ServiceError> {
    match records.next() {
        Some(r) => Ok(r?),
        None => Err(inconsistent(format!(
            "leaves.log ends before leaf {index}, which the checkpoint covers"
        ))),
    }
}

/// Brings the copy in `to` up to date with the ledger in `data`; see the
/// module doc.
pub fn publish(data: &Path, to: &Path) -> Result<PublishReport, ServiceError> {
    let layout = Layout::new(data);
    let config = store::read_config(&layout)?;
    let (note, source) = read_note(&layout)?;
    let key = NoteKey::verifier(&config.key_name, &genesis_key(&layout)?);
    let CheckpointBody { size, root, .. } = key
        .verify(&note, Some(&config.origin))
        .map_err(|e| inconsistent(format!("{}: {e}", source.file())))?;
    let state = load_state(to)?;
    if let Some(s) = &state
        && s.origin != config.origin
    {
        return Err(inconsistent(format!(
            "{} holds a copy of {:?}, not of {:?}",
            to.display(),
            s.origin,
            config.origin
        )));
    }
    let previous_size = state.as_ref().map_or(0, |s| s.size);
    let mut report = PublishReport {
        source,
        previous_size,
        note_size: size,
        size: previous_size,
        full_tiles: 0,
        full_bundles: 0,
        partials: 0,
        removed: 0,
        checkpoint_written: false,
        behind: size < previous_size,
    };
    if report.behind {
        return Ok(report);
    }
    let leaves = layout.leaves();
    let (mut builder, mut records, mut bundle_offset) = match state {
        None => {
            let records = Records::open(&leaves, 0)?;
            let start = records.end();
            (TileBuilder::new(), records, start)
        }
        Some(s) => {
            let mut records = Records::open(&leaves, s.bundle_offset)?;
            let first = s.size - s.size % u64::from(tiles::FULL_WIDTH);
            let pending = (first..s.size)
                .map(|i| next_leaf(&mut records, i).map(|(_, leaf)| leaf))
                .collect::<Result<Vec<_>, _>>()?;
            if records.end() != s.offset {
                return Err(inconsistent(format!(
                    "{STATE_FILE} says leaf {} ends at byte {} of leaves.log, it ends at {}",
                    s.size.saturating_sub(1),
                    s.offset,
                    records.end()
                )));
            }
            let upper = s
                .upper
                .iter()
                .map(|level| level.iter().map(|h| Hash::parse_hash(h)).collect())
                .collect::<Result<Vec<Vec<Hash>>, _>>()
                .map_err(|_| inconsistent(format!("{STATE_FILE} holds a malformed hash")))?;
            let builder = TileBuilder::resume(s.size, upper, pending)
                .map_err(|e| inconsistent(e.to_string()))?;
            (builder, records, s.bundle_offset)
        }
    };
    let out = TileDir::new(to, Arc::new(RealIo));
    let io = io_error(to);
    let mut batch = out.batch();
    while builder.size() < size {
        let index = builder.size();
        let (at, leaf) = next_leaf(&mut records, index)?;
        if index % u64::from(tiles::FULL_WIDTH) == 0 {
            bundle_offset = at;
        }
        let full = builder
            .push(leaf)
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
        for (tile, bytes) in full {
            if batch.write_new(&tile, &bytes).map_err(&io)? {
                if tile.is_data() {
                    report.full_bundles += 1;
                } else {
                    report.full_tiles += 1;
                }
            }
            report.removed += batch.remove_partials(&tile).map_err(&io)?;
        }
    }
    let partials = builder
        .partials()
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    for (tile, bytes) in partials {
        if batch.write_new(&tile, &bytes).map_err(&io)? {
            report.partials += 1;
        }
    }
    batch.finish().map_err(&io)?;
    // The copy must serve the note: authenticate its tiles against the root.
    let reader = tlog_tiles::TileHashReader::new(size, root, &out);
    match tree_hash(size, &reader) {
        Ok(h) if h == root => {}
        _ => {
            return Err(inconsistent(format!(
                "the tiles of the first {size} leaves of leaves.log do not give the checkpoint's root"
            )));
        }
    }
    if size % u64::from(tiles::FULL_WIDTH) == 0 {
        // No partial bundle: the next one starts after the last leaf.
        bundle_offset = records.end();
    }
    let state = State {
        origin: config.origin,
        size,
        bundle_offset,
        offset: records.end(),
        upper: builder
            .upper()
            .iter()
            .map(|level| level.iter().map(ToString::to_string).collect())
            .collect(),
    };
    let json =
        serde_json::to_vec_pretty(&state).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let mut batch = out.batch();
    batch.write_file(STATE_FILE, &json).map_err(&io)?;
    batch.finish().map_err(&io)?;
    // Last, the note: a reader never sees a checkpoint its tiles lack.
    let checkpoint = CheckpointFile::new(to, Arc::new(RealIo));
    if checkpoint.load().map_err(&io)?.as_deref() != Some(note.as_str()) {
        checkpoint.store(&note).map_err(&io)?;
        report.checkpoint_written = true;
    }
    report.size = size;
    Ok(report)
}
