//! The ledger's witnesses (spec §8.16): each checkpoint the ledger
//! publishes is sent to every configured witness with C2SP tlog-witness
//! `add-checkpoint`, and the checkpoint that met the quorum is kept with
//! its cosignatures in `DATA/witnessed`.
//!
//! - One tokio task per witness, subscribed to [`Ledger::subscribe`]: at
//!   most one round per [`WitnessingConfig::min_interval`] (the latest tree
//!   only, never a queue of them), so a burst of appends is one round.
//! - A round sends `old` = the size that witness last cosigned as far as
//!   this server knows (0 at start) and the consistency proof from it; a
//!   409 names the witness's size (its `text/x.tlog.size` body) and the
//!   round is sent again at once from that size.
//! - A 200's lines are kept only if they verify with that witness's key
//!   ([`WitnessKey::cosigned`]); anything else is a failed round.
//! - A failure (unreachable, timed out after [`WitnessingConfig::timeout`],
//!   refused, a useless answer) is counted
//!   (`coop_ledger_witness_failures_total{witness}`), shown on
//!   `GET /api/v1/ledger`, logged once per change of state, and the round
//!   is tried again after [`WitnessingConfig::retry`]. Nothing here ever
//!   waits in the path of an append.
//! - [`Board`] holds what every reader sees: each witness's state, the
//!   cosignatures gathered for recent sizes, and the latest witnessed
//!   checkpoint. When `quorum` witnesses have cosigned one checkpoint
//!   newer than the witnessed one, that note with their lines is written
//!   to `DATA/witnessed` (temp, fdatasync, rename, directory fsync) before
//!   any reader sees it.

use super::client::{Client, ClientError};
use super::{Ledger, Published, ServiceError};
use crate::domain::checkpoint::NoteKey;
use crate::domain::cosignature::{WitnessKey, cosigners, with_lines};
use crate::domain::merkle::tree_hash;
use crate::domain::messages::Lang;
use crate::domain::witness_request::{AddCheckpoint, parse_size_body};
use crate::service::metrics::WitnessLabel;
use crate::store::checkpoint::CheckpointFile;
use crate::store::io::FileIo;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tokio::time::Instant;

/// The file of the latest witnessed checkpoint, in the data directory.
pub const WITNESSED_FILE: &str = "witnessed";

/// The longest one `add-checkpoint` request may take (spec §11).
pub const WITNESS_TIMEOUT: Duration = Duration::from_secs(10);

/// The shortest time between two rounds with one witness (spec §11).
pub const MIN_ROUND_INTERVAL: Duration = Duration::from_secs(1);

/// How long after a failed round the next one is tried (spec §11).
pub const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(5);

/// Most recent sizes whose gathered cosignatures are kept.
const GATHERED_SIZES: usize = 16;

/// One configured witness.
#[derive(Debug, Clone)]
pub struct WitnessSpec {
    /// Its verifier key.
    pub key: WitnessKey,
    /// Its tlog-witness submission prefix (`POST <url>/add-checkpoint`).
    pub url: String,
    /// A label people read on the buyer's page (default: its name).
    pub label: Option<String>,
}

/// The witnesses of a server and how many must cosign.
#[derive(Debug, Clone)]
pub struct WitnessingConfig {
    /// The witnesses, in the order given.
    pub witnesses: Vec<WitnessSpec>,
    /// How many of them must cosign one checkpoint.
    pub quorum: usize,
    /// The longest one request may take.
    pub timeout: Duration,
    /// The shortest time between two rounds with one witness.
    pub min_interval: Duration,
    /// The wait after a failed round.
    pub retry: Duration,
}

/// Why a witness configuration cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The quorum is not between 1 and the number of witnesses.
    #[error("the witness quorum must be between 1 and {n} (the witnesses given), not {quorum}")]
    Quorum {
        /// The quorum asked for.
        quorum: usize,
        /// The number of witnesses.
        n: usize,
    },
    /// Two witnesses share a name.
    #[error("two witnesses are named {0}")]
    DuplicateName(String),
    /// Two witnesses share a public key: a cosignature/v1 does not commit
    /// to its signer's name, so one key would count twice (tlog-cosignature).
    #[error("the witnesses {0} and {1} have the same public key; each witness needs its own")]
    DuplicateKey(String, String),
}

impl WitnessingConfig {
    /// A configuration with the default timings; `quorum` defaults to all.
    pub fn new(witnesses: Vec<WitnessSpec>, quorum: Option<usize>) -> Result<Self, ConfigError> {
        let n = witnesses.len();
        let quorum = quorum.unwrap_or(n);
        if quorum == 0 || quorum > n {
            return Err(ConfigError::Quorum { quorum, n });
        }
        for (i, w) in witnesses.iter().enumerate() {
            if witnesses[..i].iter().any(|o| o.key.name() == w.key.name()) {
                return Err(ConfigError::DuplicateName(w.key.name().to_owned()));
            }
            if let Some(o) = witnesses[..i].iter().find(|o| o.key.key() == w.key.key()) {
                return Err(ConfigError::DuplicateKey(
                    o.key.name().to_owned(),
                    w.key.name().to_owned(),
                ));
            }
        }
        Ok(Self {
            witnesses,
            quorum,
            timeout: WITNESS_TIMEOUT,
            min_interval: MIN_ROUND_INTERVAL,
            retry: RETRY_AFTER_FAILURE,
        })
    }

    /// The witness keys, in order.
    pub fn keys(&self) -> Vec<WitnessKey> {
        self.witnesses.iter().map(|w| w.key.clone()).collect()
    }
}

/// Where a witness stands, as `GET /api/v1/ledger` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WitnessStatus {
    /// No round has ended yet.
    Pending,
    /// Its last round got its cosignature.
    Cosigned,
    /// It could not be reached, or did not answer in time.
    Unreachable,
    /// It answered with an error status.
    Refused,
    /// It answered 200 with no line that verifies with its key.
    BadAnswer,
}

/// One witness as `GET /api/v1/ledger` shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct WitnessReport {
    /// Its name.
    pub name: String,
    /// Its verifier key.
    pub vkey: String,
    /// Its submission prefix.
    pub url: String,
    /// The label the buyer's page shows.
    pub label: String,
    /// The largest size it has cosigned for this server (0: none yet).
    pub cosigned_size: u64,
    /// Its state after the last round.
    pub status: WitnessStatus,
    /// What went wrong, when something did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// The latest checkpoint that met the quorum.
#[derive(Debug, Clone)]
pub struct Witnessed {
    /// Its tree size.
    pub size: u64,
    /// The note with the ledger's signature and the witnesses' lines.
    pub note: String,
    /// The witnesses whose cosignatures it carries, in configured order.
    pub by: Vec<String>,
}

/// One witness's state.
#[derive(Debug, Clone)]
struct Seen {
    cosigned_size: u64,
    status: WitnessStatus,
    detail: Option<String>,
}

/// The cosignatures gathered for one checkpoint.
#[derive(Debug, Clone, Default)]
struct Gathered {
    note: String,
    lines: BTreeMap<usize, Vec<String>>,
}

#[derive(Debug)]
struct BoardState {
    seen: Vec<Seen>,
    gathered: BTreeMap<u64, Gathered>,
    witnessed: Option<Arc<Witnessed>>,
}

/// What every reader sees of the witnesses: their states, the lines
/// gathered, the latest witnessed checkpoint.
#[derive(Debug)]
pub struct Board {
    config: WitnessingConfig,
    file: CheckpointFile,
    state: Mutex<BoardState>,
    /// Counts new witnessed checkpoints (the page cache's stamp).
    changes: AtomicU64,
    /// Counts every change of what the board shows ([`Board::watch`]).
    version: tokio::sync::watch::Sender<u64>,
}

impl Board {
    /// The board of a ledger in `dir`, with the witnessed checkpoint kept
    /// in `DIR/witnessed` when it still meets this configuration's quorum
    /// and is a checkpoint of this tree (`verifier` is the ledger's key,
    /// `root_at` the root of the ledger's tree at a size it has).
    pub fn open(
        config: WitnessingConfig,
        dir: &Path,
        io: Arc<dyn FileIo>,
        verifier: &NoteKey,
        origin: &str,
        root_at: impl Fn(u64) -> Option<crate::domain::merkle::Hash>,
    ) -> Result<Self, ServiceError> {
        let file = CheckpointFile::named(dir, WITNESSED_FILE, io);
        let kept = file
            .load()
            .map_err(|e| ServiceError::Store(format!("{}: {e}", file.path().display())))?;
        let keys = config.keys();
        let witnessed = kept.and_then(|note| {
            let body = match verifier.verify(&note, Some(origin)) {
                Ok(b) => b,
                Err(e) => {
                    tracing::warn!(error = %e, "ignoring DATA/witnessed: not a checkpoint of this ledger");
                    return None;
                }
            };
            if root_at(body.size) != Some(body.root) {
                tracing::warn!(
                    size = body.size,
                    "ignoring DATA/witnessed: its root is not this ledger's at that size"
                );
                return None;
            }
            let by: Vec<String> = cosigners(&note, &keys).into_iter().map(|c| c.name).collect();
            if by.len() < config.quorum {
                tracing::info!(
                    size = body.size,
                    "DATA/witnessed does not meet this server's witness quorum; waiting for a new one"
                );
                return None;
            }
            Some(Arc::new(Witnessed {
                size: body.size,
                note,
                by,
            }))
        });
        let seen = config
            .witnesses
            .iter()
            .map(|_| Seen {
                cosigned_size: 0,
                status: WitnessStatus::Pending,
                detail: None,
            })
            .collect();
        Ok(Self {
            config,
            file,
            state: Mutex::new(BoardState {
                seen,
                gathered: BTreeMap::new(),
                witnessed,
            }),
            changes: AtomicU64::new(0),
            version: tokio::sync::watch::Sender::new(0),
        })
    }

    /// A receiver that sees each change of what the board shows (a
    /// witness's state, a cosignature, a new witnessed checkpoint), to
    /// wait on instead of polling.
    pub fn watch(&self) -> tokio::sync::watch::Receiver<u64> {
        self.version.subscribe()
    }

    fn bump(&self) {
        self.version.send_modify(|v| *v += 1);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BoardState> {
        match self.state.lock() {
            Ok(s) => s,
            Err(p) => p.into_inner(),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &WitnessingConfig {
        &self.config
    }

    /// The latest witnessed checkpoint, if one met the quorum.
    pub fn witnessed(&self) -> Option<Arc<Witnessed>> {
        self.lock().witnessed.clone()
    }

    /// How many witnessed checkpoints were recorded since start.
    pub fn changes(&self) -> u64 {
        self.changes.load(Ordering::SeqCst)
    }

    /// `note` (the ledger's checkpoint of `size`) with every verified
    /// cosignature gathered for it.
    pub fn with_gathered(&self, size: u64, note: &str) -> String {
        let state = self.lock();
        match state.gathered.get(&size).filter(|g| g.note == note) {
            Some(g) => {
                let lines: Vec<String> = g.lines.values().flatten().cloned().collect();
                with_lines(note, &lines)
            }
            None => note.to_owned(),
        }
    }

    /// Each witness as `GET /api/v1/ledger` shows it.
    pub fn reports(&self) -> Vec<WitnessReport> {
        let state = self.lock();
        self.config
            .witnesses
            .iter()
            .zip(&state.seen)
            .map(|(w, s)| WitnessReport {
                name: w.key.name().to_owned(),
                vkey: w.key.vkey(),
                url: w.url.clone(),
                label: label(w),
                cosigned_size: s.cosigned_size,
                status: s.status,
                detail: s.detail.clone(),
            })
            .collect()
    }

    /// Records that witness `i` cosigned `note` (of `size`) with `lines`,
    /// and, when that brings a newer checkpoint to the quorum, writes it to
    /// `DATA/witnessed` before anyone sees it.
    fn cosigned(&self, i: usize, size: u64, note: &str, lines: Vec<String>) -> Result<(), String> {
        let result = self.gather(i, size, note, lines);
        self.bump();
        result
    }

    fn gather(&self, i: usize, size: u64, note: &str, lines: Vec<String>) -> Result<(), String> {
        let mut state = self.lock();
        let Some(seen) = state.seen.get_mut(i) else {
            return Ok(());
        };
        seen.cosigned_size = seen.cosigned_size.max(size);
        seen.status = WitnessStatus::Cosigned;
        seen.detail = None;
        let g = state.gathered.entry(size).or_default();
        if g.note != note {
            *g = Gathered {
                note: note.to_owned(),
                lines: BTreeMap::new(),
            };
        }
        g.lines.insert(i, lines);
        let count = g.lines.len();
        let all: Vec<String> = g.lines.values().flatten().cloned().collect();
        let mut by: Vec<usize> = g.lines.keys().copied().collect();
        by.sort_unstable();
        while state.gathered.len() > GATHERED_SIZES {
            state.gathered.pop_first();
        }
        let newer = state
            .witnessed
            .as_ref()
            .is_none_or(|w| size > w.size || (size == w.size && by.len() > w.by.len()));
        if count < self.config.quorum || !newer {
            return Ok(());
        }
        let witnessed = Witnessed {
            size,
            note: with_lines(note, &all),
            by: by
                .iter()
                .filter_map(|&k| self.config.witnesses.get(k))
                .map(|w| w.key.name().to_owned())
                .collect(),
        };
        self.file
            .store(&witnessed.note)
            .map_err(|e| format!("writing {}: {e}", self.file.path().display()))?;
        tracing::info!(size, by = ?witnessed.by, "a checkpoint met the witness quorum");
        state.witnessed = Some(Arc::new(witnessed));
        self.changes.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    /// Records a failed round of witness `i`; true when its state changed
    /// (so the caller logs it once).
    fn failed(&self, i: usize, status: WitnessStatus, detail: String) -> bool {
        let mut state = self.lock();
        let Some(seen) = state.seen.get_mut(i) else {
            return false;
        };
        let changed = seen.status != status;
        seen.status = status;
        seen.detail = Some(detail);
        drop(state);
        self.bump();
        changed
    }

    /// Raises what witness `i` is known to hold (a 409's size).
    fn holds(&self, i: usize, size: u64) {
        if let Some(seen) = self.lock().seen.get_mut(i) {
            seen.cosigned_size = seen.cosigned_size.max(size);
        }
    }

    /// The checkpoint witness `i` should cosign next instead of the tip,
    /// if any: the largest one that other witnesses cosigned, that has not
    /// met the quorum yet, that is newer than the witnessed one and than
    /// `old` (what `i` holds), and at most `tip`. Under steady appends
    /// each witness's own round would catch a different tip and no one
    /// size would gather the quorum; catching up on a gathered size first
    /// makes the quorum meet (spec §8.16).
    fn candidate(&self, i: usize, old: u64, tip: u64) -> Option<Arc<Published>> {
        let state = self.lock();
        let floor = state.witnessed.as_ref().map_or(0, |w| w.size).max(old);
        state
            .gathered
            .iter()
            .rev()
            .find(|(size, g)| {
                **size > floor
                    && **size <= tip
                    && !g.lines.contains_key(&i)
                    && g.lines.len() < self.config.quorum
            })
            .map(|(size, g)| {
                Arc::new(Published {
                    size: *size,
                    checkpoint: g.note.clone(),
                })
            })
    }
}

/// The label of a witness: its own, else its name.
pub fn label(w: &WitnessSpec) -> String {
    w.label.clone().unwrap_or_else(|| w.key.name().to_owned())
}

/// A round that got no cosignature.
struct Failure {
    status: WitnessStatus,
    detail: String,
}

impl Failure {
    fn new(status: WitnessStatus, detail: impl Into<String>) -> Self {
        Self {
            status,
            detail: detail.into(),
        }
    }
}

impl Ledger {
    /// Starts the witness rounds (spec §8.16): reads `DATA/witnessed`,
    /// then spawns one task per witness on the current tokio runtime. Call
    /// once, before serving; a second call is refused.
    pub fn start_witnessing(
        self: &Arc<Self>,
        config: WitnessingConfig,
    ) -> Result<(), ServiceError> {
        let info = self.info();
        let verifier = NoteKey::verifier(&info.key_name, &info.public_key);
        let size = self.size();
        let store = &self.shared.store;
        let board = Arc::new(Board::open(
            config,
            &self.dir,
            Arc::clone(&self.io),
            &verifier,
            &info.origin,
            |at| (at <= size).then(|| tree_hash(at, store).ok()).flatten(),
        )?);
        self.witnessing
            .set(Arc::clone(&board))
            .map_err(|_| ServiceError::Internal("witnessing started twice".into()))?;
        for (i, w) in board.config().witnesses.iter().enumerate() {
            let client = Client::with_timeout(&w.url, Lang::En, board.config().timeout)
                .map_err(|e| ServiceError::Internal(format!("witness client: {e}")))?;
            let task = Round {
                ledger: Arc::downgrade(self),
                board: Arc::clone(&board),
                i,
                key: w.key.clone(),
                client,
                old: 0,
            };
            tokio::spawn(task.run(self.subscribe()));
        }
        Ok(())
    }

    /// The witness board, when witnesses are configured.
    pub fn witnesses(&self) -> Option<&Arc<Board>> {
        self.witnessing.get()
    }
}

/// One witness's task.
struct Round {
    ledger: Weak<Ledger>,
    board: Arc<Board>,
    i: usize,
    key: WitnessKey,
    client: Client,
    /// The size the witness holds, as far as this task knows.
    old: u64,
}

impl Round {
    async fn run(mut self, mut rx: tokio::sync::watch::Receiver<Arc<Published>>) {
        let config = self.board.config().clone();
        let mut done: Option<u64> = None;
        loop {
            let latest = Arc::clone(&rx.borrow_and_update());
            let candidate = self.board.candidate(self.i, self.old, latest.size);
            // After a round on an older candidate, the tip is still to do.
            let behind = candidate.is_some();
            let tip = candidate.unwrap_or(latest);
            if done != Some(tip.size) {
                let started = Instant::now();
                let Some(ledger) = self.ledger.upgrade() else {
                    return;
                };
                let outcome = self.round(&ledger, &tip).await;
                drop(ledger);
                let wait = match outcome {
                    Ok(lines) => {
                        done = Some(tip.size);
                        self.record(tip.size, &tip.checkpoint, lines).await;
                        config.min_interval
                    }
                    Err(f) => {
                        self.fail(f);
                        config.retry
                    }
                };
                tokio::time::sleep_until(started + wait).await;
                if done != Some(tip.size) || behind {
                    continue;
                }
            }
            if rx.changed().await.is_err() {
                return;
            }
        }
    }

    fn metric(&self) -> WitnessLabel {
        WitnessLabel {
            witness: self.key.name().to_owned(),
        }
    }

    async fn record(&self, size: u64, note: &str, lines: Vec<String>) {
        if let Some(ledger) = self.ledger.upgrade() {
            ledger
                .shared
                .metrics
                .witness_cosigned_size
                .get_or_create(&self.metric())
                .set(i64::try_from(size).unwrap_or(i64::MAX));
        }
        let was = self.board.reports().get(self.i).map(|r| r.status);
        if was != Some(WitnessStatus::Cosigned) {
            tracing::info!(witness = self.key.name(), size, "the witness cosigned");
        }
        let board = Arc::clone(&self.board);
        let (i, note) = (self.i, note.to_owned());
        let written =
            tokio::task::spawn_blocking(move || board.cosigned(i, size, &note, lines)).await;
        match written {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "the witnessed checkpoint could not be kept"),
            Err(e) => tracing::error!(error = %e, "the witnessed checkpoint task failed"),
        }
    }

    fn fail(&self, f: Failure) {
        if let Some(ledger) = self.ledger.upgrade() {
            ledger
                .shared
                .metrics
                .witness_failures
                .get_or_create(&self.metric())
                .inc();
        }
        if self.board.failed(self.i, f.status, f.detail.clone()) {
            tracing::warn!(witness = self.key.name(), status = ?f.status, detail = %f.detail, "a witness round failed");
        }
    }

    /// One round: the request, then once more from the size a 409 names.
    async fn round(&mut self, ledger: &Ledger, tip: &Published) -> Result<Vec<String>, Failure> {
        for _ in 0..3 {
            if self.old > tip.size {
                return Err(Failure::new(
                    WitnessStatus::Refused,
                    format!(
                        "the witness holds size {} of this origin, larger than this ledger's {}",
                        self.old, tip.size
                    ),
                ));
            }
            let proof = if self.old == 0 || self.old == tip.size {
                Vec::new()
            } else {
                ledger
                    .consistency_proof(self.old, tip.size)
                    .map_err(|e| Failure::new(WitnessStatus::Refused, e.to_string()))?
            };
            let body = AddCheckpoint {
                old_size: self.old,
                proof,
                checkpoint: tip.checkpoint.clone(),
            }
            .to_body();
            let answer = self
                .client
                .post_text("/add-checkpoint", body)
                .await
                .map_err(|e| Failure::new(WitnessStatus::Unreachable, chain(&e)))?;
            let text = String::from_utf8_lossy(answer.raw_body()).into_owned();
            match answer.status().as_u16() {
                200 => return self.lines(&tip.checkpoint, &text),
                409 => {
                    if answer.content_type() != Some("text/x.tlog.size") {
                        return Err(Failure::new(
                            WitnessStatus::BadAnswer,
                            "a 409 that is not text/x.tlog.size",
                        ));
                    }
                    let size = parse_size_body(&text).ok_or_else(|| {
                        Failure::new(WitnessStatus::BadAnswer, "a 409 without its size body")
                    })?;
                    self.old = size;
                    self.board.holds(self.i, size);
                }
                status => {
                    return Err(Failure::new(
                        WitnessStatus::Refused,
                        format!("HTTP {status}: {}", shown(&text)),
                    ));
                }
            }
        }
        Err(Failure::new(
            WitnessStatus::Refused,
            "the witness kept answering 409",
        ))
    }

    /// The lines of a 200 that verify with this witness's key.
    fn lines(&mut self, note: &str, text: &str) -> Result<Vec<String>, Failure> {
        let kept: Vec<String> = text
            .split_inclusive('\n')
            .filter(|l| l.ends_with('\n'))
            .filter(|l| {
                matches!(
                    self.key.cosigned(&with_lines(note, &[(*l).to_owned()])),
                    Ok(Some(_))
                )
            })
            .map(str::to_owned)
            .collect();
        if kept.is_empty() {
            return Err(Failure::new(
                WitnessStatus::BadAnswer,
                "200 without a cosignature that verifies with its key",
            ));
        }
        self.old = note
            .split('\n')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(self.old);
        Ok(kept)
    }
}

/// An error with its sources, for the log and the ledger's answer.
/// A witness's answer as the ledger shows it (`/api/v1/ledger`, logs): at
/// most 200 characters, control characters dropped; it is untrusted text.
fn shown(text: &str) -> String {
    text.trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect()
}

fn chain(e: &ClientError) -> String {
    let mut out = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}
