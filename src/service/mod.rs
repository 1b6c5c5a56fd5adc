//! Use cases shared by the HTTP server and the CLI: create a ledger, open it
//! (recovering from a crash), submit entries, read entries, proofs and
//! views, rebuild the views, audit.
//!
//! [`Ledger`] owns the sequencer thread (see [`sequencer`]) and the shared
//! read side. Everything here speaks domain types; HTTP and CLI only
//! translate. This file holds the types every use case shares ([`Ledger`],
//! [`Shared`], [`OpenOptions`]); the use cases live beside it:
//!
//! | file | job |
//! |---|---|
//! | `error.rs` | [`ServiceError`] and the conversions into it |
//! | `clock.rs` | [`Clock`], [`SystemClock`] |
//! | `open.rs` | `init`, `open` with recovery, `reindex`, `shutdown` |
//! | `submit.rs` | `submit`, the key-point cache, [`Receipt`] |
//! | `disclosure.rs` | member names disclosed with consent: checked, kept, shown, erased |
//! | `reads.rs` | entries, proofs and the views |
//! | `tiles.rs` | the C2SP tiles and entry bundles of the published tree |
//! | `tlog_proof.rs` | the C2SP tlog-proof of one entry |
//! | [`witnessing`] | the witness rounds and the witnessed checkpoint |
//! | [`publish`] | `coop-ledger publish`: a static tlog-tiles copy from the files alone |
//! | [`tilefiles`] | the task of `serve` that writes the full tiles into `DATA/tiles/` |
//! | `mirrored.rs` | a read-only ledger's side: what it mirrors, its appends, its health |
//! | [`group_commit`] | one group commit, assembled and written |
//! | [`sequencer`] | the one writer thread |
//! | [`buyer`] | what a buyer's page shows, read at one tree size |
//! | [`custody`] | an actor's custody view (what it holds, what is coming) |
//! | [`linkage`] | the linkage report as CSV |
//! | [`export`] | EPCIS 2.0 exports and the lot spreadsheet |
//! | [`import`] | `import epcis`: sign and submit what a document maps to |
//! | [`audit`] | re-verifying a stopped or live ledger |
//! | [`audit_tiles`] | the audit fed only from a tlog-tiles prefix |
//! | [`tlog_client`] | reading and authenticating a tlog-tiles prefix |
//! | [`mirror`] | following a primary through its tiles into a read-only ledger |
//! | [`client`] | the one HTTP client of a ledger |
//! | [`keyfile`] | private key files (0600, never overwritten) |
//! | [`metrics`] | the Prometheus metrics |
//! | [`demo`] | the sample ledger of `coop-ledger demo` |
//! | [`witness`] | a C2SP tlog-witness witness: `add-checkpoint` and its state |

pub mod audit;
pub mod audit_tiles;
pub mod buyer;
pub mod client;
mod clock;
pub mod custody;
pub mod demo;
mod disclosure;
mod error;
pub mod export;
pub mod group_commit;
pub mod import;
pub mod keyfile;
pub mod linkage;
pub mod lists;
pub mod metrics;
pub mod mirror;
mod mirrored;
mod open;
pub mod publish;
mod reads;
pub mod sequencer;
mod submit;
pub mod tilefiles;
mod tiles;
pub mod tlog_client;
mod tlog_proof;
pub mod witness;
pub mod witnessing;

pub use clock::{Clock, SystemClock};
pub use error::ServiceError;
pub use open::REPLAY_CHUNK;
pub use open::{InitReport, RegistrarSpec};
pub use reads::{BatchReport, LedgerAnswer};
pub use submit::{MAX_CACHED_POINTS, Receipt, WitnessedSummary};

use crate::domain::keys::PublicKey;
use crate::domain::linkage::{LinkFact, LinkageIndex, Targets};
use crate::store::disclosures::Disclosures;
use crate::store::io::{FileIo, RealIo};
use crate::store::{LedgerConfig, Store};
use metrics::Metrics;
use sequencer::Msg;
use std::fs::File;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::{Arc, Mutex, RwLock};
use tokio::sync::mpsc;

/// Most entries `GET /api/v1/entries` returns at once.
pub const MAX_PAGE: u64 = 1000;

/// The latest published tree.
#[derive(Debug, Clone)]
pub struct Published {
    /// Tree size.
    pub size: u64,
    /// Its signed checkpoint note.
    pub checkpoint: String,
}

/// State shared by the sequencer and every reader.
pub struct Shared {
    store: Store,
    config: LedgerConfig,
    ledger_key: PublicKey,
    tip: RwLock<Arc<Published>>,
    /// Tells subscribers (the tile writer, the witness rounds) of each
    /// newly published tree; [`Ledger::subscribe`].
    published_tx: tokio::sync::watch::Sender<Arc<Published>>,
    poisoned: AtomicBool,
    metrics: Metrics,
    /// The linkage index (spec §9), folded from the stored facts at open
    /// and from each group commit's facts before its tree is published.
    linkage: RwLock<LinkageIndex>,
    /// Member names disclosed with consent, off the log (spec §6.17).
    disclosures: Disclosures,
    /// Disclosures kept or erased since open (see `disclosure.rs`).
    disclosure_changes: AtomicU64,
    /// The ledger's format, from its genesis (read once at open).
    format: crate::domain::statement::LedgerFormat,
    /// On a mirror, the prefix of the primary it follows (spec §8.18).
    mirror_of: Option<String>,
    /// Why the ledger is no longer healthy although it serves reads (a
    /// mirror that saw a fork); `/healthz` answers 503 with it.
    halted: RwLock<Option<String>>,
}

impl Shared {
    /// Folds a commit's linkage facts into the index.
    fn index_links(&self, facts: &[LinkFact]) {
        if facts.is_empty() {
            return;
        }
        let mut index = match self.linkage.write() {
            Ok(i) => i,
            Err(p) => p.into_inner(),
        };
        for f in facts {
            index.apply(f);
        }
    }

    /// The refusal of a submission to a mirror (spec §8.18).
    fn read_only_refusal(&self) -> crate::domain::messages::Refusal {
        crate::domain::messages::Refusal::with(
            crate::domain::messages::Code::ReadOnly,
            format!(
                "this is a mirror of {}; submit to the primary",
                self.mirror_of.as_deref().unwrap_or("another ledger")
            ),
        )
    }

    /// Stops taking writes after a failed group commit (spec §7.2).
    fn poison(&self) {
        self.poisoned
            .store(true, std::sync::atomic::Ordering::SeqCst);
        self.metrics.writable.set(0);
    }

    fn published(&self) -> Arc<Published> {
        match self.tip.read() {
            Ok(t) => Arc::clone(&t),
            Err(p) => Arc::clone(&p.into_inner()),
        }
    }

    fn publish(&self, p: Published) {
        self.metrics
            .tree_size
            .set(i64::try_from(p.size).unwrap_or(i64::MAX));
        let p = Arc::new(p);
        match self.tip.write() {
            Ok(mut t) => *t = Arc::clone(&p),
            Err(poisoned) => *poisoned.into_inner() = Arc::clone(&p),
        }
        // Nobody listening is fine: `send_replace` never fails.
        self.published_tx.send_replace(p);
    }
}

/// How to open a ledger.
#[derive(Clone)]
pub struct OpenOptions {
    /// The ledger's clock.
    pub clock: Arc<dyn Clock>,
    /// Submissions that may wait for the sequencer before new ones get 429.
    pub queue_capacity: usize,
    /// The most bytes of envelopes waiting in the queue
    /// ([`sequencer::QUEUE_BYTES`] unless a test shrinks it).
    pub queue_bytes: usize,
    /// The ledger's private key file when it is kept outside the data
    /// directory (`serve --ledger-key-file`); `DIR/ledger-key.pem` if not.
    pub ledger_key_file: Option<std::path::PathBuf>,
    /// The targets the linkage figures are compared with (spec §9).
    pub targets: Targets,
    /// The seam every durable write goes through ([`RealIo`] unless a test
    /// injects faults).
    pub io: Arc<dyn FileIo>,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self {
            clock: Arc::new(SystemClock),
            queue_capacity: sequencer::QUEUE_CAPACITY,
            queue_bytes: sequencer::QUEUE_BYTES,
            ledger_key_file: None,
            targets: Targets::default(),
            io: Arc::new(RealIo),
        }
    }
}

/// An open ledger: the sequencer thread plus the read side.
pub struct Ledger {
    shared: Arc<Shared>,
    tx: mpsc::Sender<Msg>,
    /// The bytes of the envelopes waiting in the queue, at most
    /// [`sequencer::QUEUE_BYTES`]: a permit per byte, held by each job
    /// until the sequencer is done with it.
    queue_bytes: Arc<tokio::sync::Semaphore>,
    thread: Mutex<Option<std::thread::JoinHandle<()>>>,
    /// Decompressed curve points by key bytes, at most
    /// [`submit::MAX_CACHED_POINTS`].
    points: quick_cache::sync::Cache<[u8; 32], ed25519_dalek::VerifyingKey>,
    clock: Arc<dyn Clock>,
    targets: Targets,
    /// The data directory (`DATA/witnessed` is written there).
    dir: std::path::PathBuf,
    /// The seam durable writes go through.
    io: Arc<dyn FileIo>,
    /// The witness rounds, once [`Ledger::start_witnessing`] ran.
    witnessing: std::sync::OnceLock<Arc<witnessing::Board>>,
    _lock: File,
}
