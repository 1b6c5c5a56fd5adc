//! Prometheus metrics served at `/metrics`.
//!
//! Submissions by outcome (each refusal by its code), group commit sizes,
//! `fdatasync` times, the tree size, whether the ledger takes writes, the
//! tile files written, and per witness its failed rounds and the size it
//! last cosigned (spec §8.16), in the Prometheus text format.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// The outcome label of a submission.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Outcome {
    /// `accepted`, `duplicate`, or an error code.
    pub outcome: String,
}

/// The witness label of the witness metrics.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct WitnessLabel {
    /// The witness's name (its vkey's name).
    pub witness: String,
}

/// A mirror's own metrics (spec §8.18).
#[derive(Clone, Default)]
pub struct MirrorMetrics {
    /// The size of the primary's tree it verified and holds.
    pub size: Gauge,
    /// The leaves it verified and wrote: `size`, plus during a catch-up in
    /// bounded steps those written before the primary's note is reached.
    pub written: Gauge,
    /// Fetches of the primary's checkpoint, tiles or bundles that failed or
    /// did not check out.
    pub fetch_errors: Counter,
    /// 1 once it saw a checkpoint inconsistent with one it holds (a fork).
    pub fork: Gauge,
}

/// The ledger's metrics.
pub struct Metrics {
    registry: Registry,
    /// Submissions by outcome.
    pub submissions: Family<Outcome, Counter>,
    /// Entries per group commit.
    pub group_commit_entries: Histogram,
    /// Seconds per `fdatasync` of the leaf file.
    pub sync_seconds: Histogram,
    /// Current tree size.
    pub tree_size: Gauge,
    /// 1 while the ledger takes writes, 0 after a failed write or sync
    /// (spec §7.2, §8.10).
    pub writable: Gauge,
    /// Failed witness rounds, by witness.
    pub witness_failures: Family<WitnessLabel, Counter>,
    /// The size each witness last cosigned.
    pub witness_cosigned_size: Family<WitnessLabel, Gauge>,
    /// Tile files written into `DATA/tiles/` (spec §8.14).
    pub tile_files_written: Counter,
    /// Rounds of writing `DATA/tiles/` that failed (retried on the next
    /// tree).
    pub tile_file_failures: Counter,
    /// Content Security Policy violations browsers reported (spec §8.20).
    pub csp_violations: Counter,
    /// A mirror's metrics, registered on a mirror only.
    pub mirror: Option<MirrorMetrics>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("coop_ledger");
        let submissions = Family::<Outcome, Counter>::default();
        let group_commit_entries = Histogram::new(exponential_buckets(1.0, 2.0, 12));
        let sync_seconds = Histogram::new(exponential_buckets(0.0001, 2.0, 16));
        let tree_size = Gauge::default();
        let writable = Gauge::default();
        writable.set(1);
        registry.register("submissions", "Submissions by outcome", submissions.clone());
        registry.register(
            "commit_batch_entries",
            "Entries per group commit",
            group_commit_entries.clone(),
        );
        registry.register(
            "leaf_sync_seconds",
            "Seconds per fdatasync of the leaf file",
            sync_seconds.clone(),
        );
        registry.register("tree_size", "Leaves in the log", tree_size.clone());
        registry.register(
            "writable",
            "1 while the ledger takes writes, 0 after a failed write or sync until restart",
            writable.clone(),
        );
        let witness_failures = Family::<WitnessLabel, Counter>::default();
        let witness_cosigned_size = Family::<WitnessLabel, Gauge>::default();
        registry.register(
            "witness_failures",
            "Witness rounds that got no cosignature (unreachable, timed out, refused, bad answer)",
            witness_failures.clone(),
        );
        registry.register(
            "witness_cosigned_size",
            "The tree size each witness last cosigned",
            witness_cosigned_size.clone(),
        );
        let tile_files_written = Counter::default();
        let tile_file_failures = Counter::default();
        registry.register(
            "tile_files_written",
            "Tile and entry bundle files written into DATA/tiles",
            tile_files_written.clone(),
        );
        registry.register(
            "tile_file_failures",
            "Rounds of writing DATA/tiles that failed (retried on the next tree)",
            tile_file_failures.clone(),
        );
        let csp_violations = Counter::default();
        registry.register(
            "csp_violations",
            "Content Security Policy violations that browsers reported to /csp-report",
            csp_violations.clone(),
        );
        Self {
            registry,
            csp_violations,
            witness_failures,
            witness_cosigned_size,
            submissions,
            group_commit_entries,
            sync_seconds,
            tree_size,
            writable,
            tile_files_written,
            tile_file_failures,
            mirror: None,
        }
    }
}

impl Metrics {
    /// The metrics of a mirror: the ledger's, and
    /// `coop_ledger_mirror_size`, `coop_ledger_mirror_fetch_errors_total`
    /// and `coop_ledger_mirror_fork`.
    pub fn for_mirror() -> Self {
        let mut m = Self::default();
        let mirror = MirrorMetrics::default();
        m.registry.register(
            "mirror_size",
            "Leaves of the primary's tree the mirror verified and holds",
            mirror.size.clone(),
        );
        m.registry.register(
            "mirror_written",
            "Leaves the mirror verified and wrote, published or waiting for the primary's note of a catch-up",
            mirror.written.clone(),
        );
        m.registry.register(
            "mirror_fetch_errors",
            "Fetches from the primary that failed or did not check out",
            mirror.fetch_errors.clone(),
        );
        m.registry.register(
            "mirror_fork",
            "1 once the mirror saw a checkpoint inconsistent with one it holds",
            mirror.fork.clone(),
        );
        m.mirror = Some(mirror);
        m
    }

    /// Counts one submission outcome.
    pub fn count(&self, outcome: &str) {
        self.submissions
            .get_or_create(&Outcome {
                outcome: outcome.to_owned(),
            })
            .inc();
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Encoding into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}
