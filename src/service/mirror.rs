//! `coop-ledger mirror` (spec §8.18): follow a primary ledger through its
//! tlog-tiles prefix only, verify everything, and keep what was verified
//! in a normal (read-only) data directory.
//!
//! [`open`] creates the mirror's directory on its first run: the key is
//! pinned (`--ledger-key`) or taken from leaf 0, authenticated against the
//! primary's checkpoint, whose signature by that key is then checked; the
//! key is kept in `mirror.json`. Each [`Follower::step`] then:
//!
//! 1. fetches the primary's checkpoint and verifies it (pinned key,
//!    origin);
//! 2. compares it with the note the mirror holds (size m) and the leaves
//!    it has written (s; more than m only during a catch-up): a tree of at
//!    most s leaves must have the root of the mirror's own first leaves; a
//!    larger one must extend the held tree, and the written one, by
//!    consistency proofs computed from the new tree's tiles, each tile
//!    authenticated against the new root ([`super::tlog_client`]);
//!    anything else is a fork;
//! 3. fetches the entry bundles of at most [`MIRROR_STEP`] new leaves,
//!    each leaf checked against the authenticated level-0 hashes;
//! 4. hands them to [`Ledger::mirror_append`], which decides every leaf as
//!    replay does (index, `verify_strict` signature, rules). When they
//!    reach the primary's tree it publishes the primary's note, only if it
//!    signs exactly the tree they make; before that (a catch-up in bounded
//!    steps) it writes them and publishes nothing, and the note they are
//!    written towards is kept as `target.checkpoint`.
//!
//! A fork keeps the notes (and any target) in `evidence/`, sets `coop_ledger_mirror_fork`,
//! halts the ledger (`/healthz` 503) and ends the follow with
//! [`MirrorError::Fork`]. A fetch that fails or does not check out is
//! counted, logged when the failure changes, and tried again at the next
//! poll.

use super::tlog_client::{TlogClient, TlogClientError, genesis_of, stated};
use super::{Ledger, OpenOptions, ServiceError};
use crate::domain::checkpoint::{NoteKey, signer_name};
use crate::domain::keys::PublicKey;
use crate::domain::merkle::{EMPTY_HASH, Hash};
use crate::store::io::RealIo;
use crate::store::leaflog::LeafWriter;
use crate::store::mirror::MirrorConfig;
use crate::store::{self, Layout, LedgerConfig, StoreError};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// The most leaves one step of the mirror fetches and writes (spec
/// §8.18): a catch-up larger than this writes them in bounded steps and
/// publishes the primary's note with the last. 64 entry bundles.
pub const MIRROR_STEP: u64 = 16_384;

/// How long the mirror waits between two polls of the primary's
/// checkpoint by default (`--poll-ms`).
pub const DEFAULT_POLL: Duration = Duration::from_secs(2);

/// Why the mirror stopped following.
#[derive(Debug, thiserror::Error)]
pub enum MirrorError {
    /// The primary could not be read, or what it served does not check out.
    #[error(transparent)]
    Fetch(#[from] TlogClientError),
    /// The mirror's own ledger failed, or the primary logged a leaf that
    /// does not hold.
    #[error(transparent)]
    Service(#[from] ServiceError),
    /// The primary, or its first checkpoint and leaf, cannot be mirrored.
    #[error("{0}")]
    Setup(String),
    /// The primary signed a checkpoint inconsistent with one the mirror
    /// holds.
    #[error(
        "FORK: {prefix} signed a checkpoint of size {seen} that is inconsistent with {}; the signed notes are kept in {evidence}; the mirror stopped following",
        inconsistent_with(*.held, *.towards)
    )]
    Fork {
        /// The primary's prefix.
        prefix: String,
        /// The size of the note the mirror holds.
        held: u64,
        /// The size of the inconsistent note.
        seen: u64,
        /// When leaves were written past the held note: the size of the
        /// primary's note they were written towards (`target.checkpoint`),
        /// the one the seen note is inconsistent with.
        towards: Option<u64>,
        /// The evidence directory.
        evidence: String,
    },
}

/// What a fork's seen note is inconsistent with, in words.
fn inconsistent_with(held: u64, towards: Option<u64>) -> String {
    match towards {
        None => format!("the one of size {held} this mirror holds"),
        Some(t) => format!(
            "its checkpoint of size {t}, towards which this mirror wrote leaves past the one of size {held} it holds"
        ),
    }
}

impl From<StoreError> for MirrorError {
    fn from(e: StoreError) -> Self {
        Self::Service(e.into())
    }
}

/// The files in the mirror's `evidence/` (empty when it has seen no fork).
pub fn evidence(data: &Path) -> Result<Vec<PathBuf>, MirrorError> {
    Ok(store::mirror::evidence(&Layout::new(data))?)
}

/// Opens the mirror in `data`, creating it on the first run from the
/// primary that `tlog` reads. A `pinned` key must be the one the mirror
/// keeps.
pub async fn open(
    data: &Path,
    tlog: &TlogClient,
    pinned: Option<PublicKey>,
    options: OpenOptions,
) -> Result<Ledger, MirrorError> {
    let layout = Layout::new(data);
    if store::mirror::read(&layout)?.is_none() {
        create(&layout, tlog, pinned).await?;
    }
    let ledger = Ledger::open_mirror(data, options)?;
    let kept = ledger.info().public_key;
    if let Some(p) = pinned
        && p != kept
    {
        return Err(MirrorError::Setup(format!(
            "{} mirrors the ledger key {kept}, not the pinned {p}",
            data.display()
        )));
    }
    Ok(ledger)
}

/// The first run: learns the origin, key and key name from the primary's
/// checkpoint and leaf 0, checks them, and creates the directory.
async fn create(
    layout: &Layout,
    tlog: &TlogClient,
    pinned: Option<PublicKey>,
) -> Result<(), MirrorError> {
    let note = tlog.checkpoint().await?;
    let (size, root) = stated(&note).ok_or_else(|| {
        MirrorError::Setup(format!("{}/checkpoint is not a checkpoint", tlog.prefix()))
    })?;
    if size == 0 {
        return Err(MirrorError::Setup("the primary's log is empty".into()));
    }
    let leaf0 = tlog.tree(size, root).leaves(0..1).await?;
    let (origin, genesis_key) = leaf0
        .first()
        .and_then(|l| genesis_of(l))
        .ok_or_else(|| MirrorError::Setup("the primary's leaf 0 is not a genesis".into()))?;
    let key = pinned.unwrap_or(genesis_key);
    if key != genesis_key {
        return Err(MirrorError::Setup(format!(
            "the primary's genesis names the ledger key {genesis_key}, not the pinned {key}"
        )));
    }
    let key_name = signer_name(&note, &key).ok_or_else(|| {
        MirrorError::Setup("the primary's checkpoint has no signature by the ledger key".into())
    })?;
    NoteKey::verifier(&key_name, &key)
        .verify(&note, Some(&origin))
        .map_err(|e| MirrorError::Setup(format!("the primary's checkpoint: {e}")))?;
    let config = LedgerConfig { origin, key_name };
    let mirror = MirrorConfig {
        from: tlog.prefix().to_owned(),
        ledger_key: key,
    };
    store::mirror::create(layout, &config, &mirror, |path| {
        LeafWriter::create(path, Arc::new(RealIo))
            .map(drop)
            .map_err(StoreError::from)
    })?;
    tracing::info!(prefix = tlog.prefix(), key = %key, "created a mirror");
    Ok(())
}

/// What one step did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The mirror grew from one size to another.
    Grew {
        /// The size it held.
        from: u64,
        /// The size it holds now.
        to: u64,
    },
    /// The primary's tree is the one the mirror holds.
    Same,
    /// A catch-up in bounded steps wrote leaves towards the primary's
    /// tree, which it publishes once it reaches it.
    Wrote {
        /// The leaves written now.
        to: u64,
        /// The size of the primary's tree.
        target: u64,
    },
    /// The primary served an older checkpoint of the same log (a stale
    /// cache, say), or one the leaves written so far already cover.
    Behind {
        /// Its size.
        seen: u64,
    },
}

/// Follows a primary into a mirror's ledger.
pub struct Follower {
    ledger: Arc<Ledger>,
    tlog: TlogClient,
    layout: Layout,
    verifier: NoteKey,
    origin: String,
    step: u64,
}

impl Follower {
    /// A follower of the primary `tlog` reads into `ledger`, a mirror
    /// opened from `data`.
    pub fn new(ledger: Arc<Ledger>, tlog: TlogClient, data: &Path) -> Self {
        let info = ledger.info();
        let verifier = NoteKey::verifier(&info.key_name, &info.public_key);
        if let Some(m) = ledger.mirror_metrics() {
            m.size.set(i64::try_from(ledger.size()).unwrap_or(i64::MAX));
            let written = ledger.written_size().unwrap_or_else(|_| ledger.size());
            m.written.set(i64::try_from(written).unwrap_or(i64::MAX));
        }
        Self {
            ledger,
            tlog,
            layout: Layout::new(data),
            verifier,
            origin: info.origin,
            step: MIRROR_STEP,
        }
    }

    /// Steps of at most `leaves` leaves (`mirror --step-leaves`), within
    /// 1 to [`MIRROR_STEP`]: less memory per step, more steps.
    #[must_use]
    pub fn with_step(mut self, leaves: u64) -> Self {
        self.step = leaves.clamp(1, MIRROR_STEP);
        self
    }

    /// One poll of the primary (see the module documentation): writes at
    /// most [`MIRROR_STEP`] new leaves (or the step of
    /// [`Follower::with_step`]).
    pub async fn step(&self) -> Result<Step, MirrorError> {
        let note = self.tlog.checkpoint().await?;
        let body = self
            .verifier
            .verify(&note, Some(&self.origin))
            .map_err(|e| TlogClientError::Bad {
                place: format!("{}/checkpoint", self.tlog.prefix()),
                what: e.to_string(),
            })?;
        let held = self.ledger.published();
        let (m, old_root): (u64, Hash) = if held.size == 0 {
            (0, EMPTY_HASH)
        } else {
            stated(&held.checkpoint).ok_or_else(|| {
                ServiceError::Inconsistent("the mirror's own checkpoint does not parse".into())
            })?
        };
        // The leaves written: the published tree's, then those of a
        // catch-up that has not reached the primary's note yet.
        let s = self.ledger.written_size()?;
        let n = body.size;
        if n < s || n == m {
            // A tree whose leaves the mirror holds: an older one (a stale
            // cache, say), or the one it published.
            return if self.ledger.root_at(n)? != body.root {
                Err(self.fork(&held.checkpoint, m, &note, n))
            } else if n == m {
                Ok(Step::Same)
            } else {
                Ok(Step::Behind { seen: n })
            };
        }
        let started = std::time::Instant::now();
        let tree = self.tlog.tree(n, body.root);
        if !tree.extends(m, old_root).await?
            || (s > m && !tree.extends(s, self.ledger.root_at(s)?).await?)
        {
            return Err(self.fork(&held.checkpoint, m, &note, n));
        }
        // Bounded steps: at most `step` leaves, ending on a multiple of
        // it, until the last step reaches n and publishes the note.
        let end = (s / self.step + 1).saturating_mul(self.step).min(n);
        let reaches = end == n;
        // The note whose tiles authenticate every leaf written past the
        // held tree, kept before they are written (also by the step that
        // reaches it, which a crash can cut between its leaves and its
        // checkpoint file): evidence, should the primary later sign a tree
        // without them.
        store::mirror::keep_target(&self.layout, &note)?;
        let leaves = tree.leaves(s..end).await?;
        let fetched = started.elapsed();
        let published = self
            .ledger
            .mirror_append(leaves, reaches.then(|| note.clone()))
            .await?;
        tracing::info!(
            from = s,
            to = end,
            primary = n,
            published = published.size,
            fetched_ms = fetched.as_millis(),
            appended_ms = (started.elapsed() - fetched).as_millis(),
            "mirrored"
        );
        if let Some(metrics) = self.ledger.mirror_metrics() {
            metrics
                .size
                .set(i64::try_from(published.size).unwrap_or(i64::MAX));
            metrics.written.set(i64::try_from(end).unwrap_or(i64::MAX));
        }
        Ok(if reaches {
            Step::Grew { from: m, to: n }
        } else {
            Step::Wrote { to: end, target: n }
        })
    }

    /// Keeps the notes as evidence (the one held, the one seen, and the
    /// target of a catch-up that wrote leaves past the held one), marks the
    /// fork and halts the ledger.
    fn fork(&self, held: &str, m: u64, seen: &str, n: u64) -> MirrorError {
        let evidence = store::mirror::evidence_dir(&self.layout);
        let written = self.ledger.written_size().unwrap_or(m);
        // The target counts only when it covers every leaf written.
        let target = if written > m {
            store::mirror::read_target(&self.layout)
                .unwrap_or_else(|e| {
                    tracing::error!(error = %e, "reading the catch-up's target note failed");
                    None
                })
                .and_then(|t| stated(&t).map(|(size, _)| (size, t)))
                .filter(|(size, _)| *size >= written)
        } else {
            None
        };
        // A mirror whose first catch-up is not done yet holds no note.
        let mut notes = Vec::new();
        if !held.is_empty() {
            notes.push((format!("held-{m}.checkpoint"), held.to_owned()));
        }
        notes.push((format!("seen-{n}.checkpoint"), seen.to_owned()));
        let towards = target.as_ref().map(|(size, _)| *size);
        if let Some((size, t)) = target {
            notes.push((format!("target-{size}.checkpoint"), t));
        }
        for (name, note) in &notes {
            if let Err(e) = store::mirror::keep_evidence(&self.layout, name, note) {
                tracing::error!(error = %e, file = name, "keeping the evidence of a fork failed");
            }
        }
        let err = MirrorError::Fork {
            prefix: self.tlog.prefix().to_owned(),
            held: m,
            seen: n,
            towards,
            evidence: evidence.display().to_string(),
        };
        self.mark_fork(err.to_string());
        err
    }

    /// Sets the fork metric and halts the ledger (`/healthz` 503).
    pub fn mark_fork(&self, why: String) {
        if let Some(metrics) = self.ledger.mirror_metrics() {
            metrics.fork.set(1);
        }
        self.ledger.halt(why);
    }

    /// Steps until the mirror publishes a tree and no catch-up is half
    /// done (its first run, or a restart in the middle of a catch-up), so
    /// that a server started afterwards answers every read at once;
    /// waits `poll` after each step that did not write; returns early when
    /// `stop` completes.
    pub async fn first(
        &self,
        poll: Duration,
        stop: &mut (impl Future<Output = ()> + Unpin),
    ) -> Result<(), MirrorError> {
        let mut last = None;
        while self.ledger.size() == 0 || self.ledger.catching_up().is_some() {
            if !self.poll_once(&mut last).await? {
                tokio::select! {
                    () = tokio::time::sleep(poll) => {}
                    () = &mut *stop => return Ok(()),
                }
            }
        }
        Ok(())
    }

    /// Follows until `stop` completes (then `Ok`) or a fork or a failure of
    /// the mirror's own ledger (then that error). Polls every `poll`; after
    /// a step that grew, polls again at once.
    pub async fn run(
        &self,
        poll: Duration,
        stop: &mut (impl Future<Output = ()> + Unpin),
    ) -> Result<(), MirrorError> {
        let mut last = None;
        loop {
            let wait = if self.poll_once(&mut last).await? {
                Duration::ZERO
            } else {
                poll
            };
            tokio::select! {
                biased;
                () = &mut *stop => return Ok(()),
                () = tokio::time::sleep(wait) => {}
            }
        }
    }

    /// One step; true when it grew the mirror. A fetch that failed or did
    /// not check out is counted, and logged when the failure differs from
    /// `last`; a fork or a failure of the mirror's ledger is the error.
    async fn poll_once(&self, last: &mut Option<String>) -> Result<bool, MirrorError> {
        match self.step().await {
            Ok(Step::Grew { .. } | Step::Wrote { .. }) => {
                *last = None;
                Ok(true)
            }
            Ok(Step::Same | Step::Behind { .. }) => {
                *last = None;
                Ok(false)
            }
            Err(MirrorError::Fetch(e)) => {
                if let Some(m) = self.ledger.mirror_metrics() {
                    m.fetch_errors.inc();
                }
                let text = e.to_string();
                if last.as_deref() != Some(text.as_str()) {
                    tracing::warn!(error = %text, "fetching from the primary failed; trying again at the next poll");
                    *last = Some(text);
                }
                Ok(false)
            }
            Err(e) => Err(e),
        }
    }
}
