//! Storage: the append-only leaf file (the truth) and the sled views derived
//! from it. This is the only module that knows sled.
//!
//! A data directory holds:
//!
//! | path | what |
//! |---|---|
//! | `LOCK` | held with an exclusive lock by the one process that opens the ledger |
//! | `ledger.json` | `{origin, key_name}` fixed at `init` |
//! | `ledger-key.pem` | the ledger's private key, PKCS#8 PEM, mode 0600 |
//! | `leaves.log` | the leaves, see [`leaflog`] |
//! | `checkpoint` | the latest signed checkpoint note, written before it is published, see [`checkpoint`] (`checkpoint.tmp` while it is replaced) |
//! | `views/` | the sled database below |
//! | `disclosures/` | names members consented to show, one file each, see [`disclosures`] (never in sled, so that they can be erased) |
//! | `tiles/` | the full tlog-tiles and entry bundles of the published tree as files, written by `serve`, see [`tilefiles`] |
//! | `mirror.json` | a mirror's only: what it follows and the ledger key it pinned (no `ledger-key.pem`), see [`mirror`] |
//! | `target.checkpoint` | a mirror's only: the primary's note a catch-up in bounded steps writes towards, see [`mirror`] |
//! | `evidence/` | a mirror's only: the signed checkpoints of a fork it saw, see [`mirror`] |
//!
//! sled 0.34's `flush` is not power-loss safe (spec §7), so sled holds only
//! what can be rebuilt from `leaves.log`. Every numeric key is big-endian so
//! that sled's byte order is numeric order.
//!
//! All views live in one sled tree, `views`, split into keyspaces by a
//! one-byte prefix, so that one group commit is one atomic `apply_batch`:
//!
//! | keyspace | prefix | key after the prefix | value |
//! |---|---|---|---|
//! | meta | `m` | `version` | u64 BE: [`VIEWS_VERSION`] of the code that wrote the views |
//! | meta | `m` | `size` | u64 BE: number of leaves the views cover |
//! | meta | `m` | `end` | u64 BE: offset in `leaves.log` just after the last covered leaf |
//! | meta | `m` | `checkpoint` | the latest signed checkpoint note (UTF-8) |
//! | meta | `m` | `ledger` | JSON [`LedgerInfo`] from the genesis |
//! | hashes | `h` | u64 BE stored-hash index (tlog layout, see [`crate::domain::merkle`]) | 32-byte hash |
//! | offsets | `o` | u64 BE leaf index | u64 BE offset of its record in `leaves.log` |
//! | entries | `e` | 32-byte BLAKE3 entry id | u64 BE leaf index |
//! | actors | `a` | actor id (UTF-8) | JSON [`Actor`] |
//! | keys | `k` | 32-byte public key | actor id (UTF-8) bound to it |
//! | batches | `b` | batch id (UTF-8) | JSON [`Batch`] |
//! | children | `d` | parent batch id ‖ 0x00 ‖ child batch id | empty |
//! | held | `w` | holder actor id ‖ 0x00 ‖ batch id, for each batch it holds now, consumed or not | empty |
//! | in hand | `u` | holder actor id ‖ 0x00 ‖ batch id, for each held batch not consumed | empty |
//! | incoming | `t` | recipient actor id ‖ 0x00 ‖ batch id, for each open shipment | u64 BE `batch.ship` leaf index |
//! | shipped | `s` | sender actor id ‖ 0x00 ‖ u64 BE `batch.ship` leaf index | JSON [`Shipment`](crate::domain::model::Shipment) (with its outcome) |
//! | contracts | `c` | contract id (UTF-8) | JSON [`Contract`] |
//! | parties | `p` | party actor id ‖ 0x00 ‖ contract id (both parties of each contract) | empty |
//! | corrections | `x` | u64 BE corrected leaf ‖ u64 BE correction leaf | JSON [`CorrectionRecord`](crate::domain::model::CorrectionRecord) |
//! | linkage facts | `l` | u64 BE leaf index ‖ u16 BE fact number within the leaf | JSON [`LinkFact`](crate::domain::linkage::LinkFact) |
//! | members | `r` | cooperative actor id ‖ 0x00 ‖ member actor id, for each member registered with a cooperative | empty |
//! | signed | `g` | signer actor id ‖ 0x00 ‖ u64 BE leaf index, for each leaf it signed | empty |
//! | days | `y` | u32 BE Julian day number of the Vietnamese calendar date of `at` ‖ u64 BE leaf index, for each batch step (EPCIS event) | empty |
//!
//! Ids never contain 0x00 (spec §3 allows `[A-Za-z0-9._-]`), so the
//! composite keys split unambiguously and a prefix scan of `id ‖ 0x00`
//! finds exactly one id's children, batches held, batches in hand, incoming or
//! sent shipments, contracts, members, or signed leaves. `w` keeps a batch under its holder until
//! it changes hands, consumed or not; `u` also drops it when it is consumed. A shipment
//! enters `t` and `s` with its `batch.ship` and leaves `t` with its
//! `batch.receive`, which also writes its outcome into `s`; `s` read
//! backwards lists a sender's shipments most recent first. Lineage is
//! answered from `d` (downstream) and from each batch's own `inputs`
//! (upstream), never by reading the log. The linkage facts are read once,
//! in log order, when the ledger opens, and folded into the in-memory
//! linkage index (spec §9). The signer of a leaf, which the correction
//! rule needs, is read back from the leaf itself; `g` lists a signer's
//! leaves, read backwards most recent first (the signing app's list of
//! what it may correct). `y` is what a period export reads (spec §10): a
//! range scan from the first day to the last, so an export costs what it
//! returns, not the whole log.
//!
//! Every keyspace changes together in one atomic sled batch per group
//! commit ([`Store::commit`]); sled applies a batch to one tree atomically,
//! also across a crash, which a multi-tree transaction did too but at about
//! twice the cost.
//!
//! This file holds the data directory, the keyspaces, [`Store::commit`] and
//! the point reads; the prefix scans over the composite keys are in
//! `scans.rs`, the leaf file in [`leaflog`], the checkpoint file in
//! [`checkpoint`], the tile files in [`tilefiles`], and the seam every
//! durable write goes through in [`io`]. A witness's directory (not a
//! ledger's) is [`witness`].

pub mod checkpoint;
pub mod disclosures;
pub mod io;
pub mod leaflog;
pub mod mirror;
mod scans;
pub mod tilefiles;
pub mod witness;

pub use scans::KeyValue;

use crate::domain::ids::{ActorId, BatchId, ContractId, EntryId};
use crate::domain::keys::PublicKey;
use crate::domain::leaf::Leaf;
use crate::domain::merkle::{Hash, HashReader, TlogError};
use crate::domain::model::{Actor, Batch, Contract, Custody, LedgerInfo, ShipOutcome};
use crate::domain::rules::{Change, View, ViewError};
use crate::domain::time::Day;
use leaflog::{LeafLogError, LeafReader};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};

/// The layout of the views this code writes. A ledger whose views were
/// written by another version is rebuilt from `leaves.log` when it opens
/// (version 2 added the linkage facts, keyspace `l`; version 3 the custody
/// keyspaces `u`, `t`, `s` and `p`; version 4 a cooperative's members, `r`,
/// and each actor's signed leaves, `g`; version 5, issue 15, the linkage
/// facts of each statement an organisation signed and the net content per
/// pack of each delivery; version 6, issue 16, the batch steps by day,
/// `y`).
pub const VIEWS_VERSION: u64 = 6;

/// What `init` fixed, kept in `ledger.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerConfig {
    /// The checkpoint origin.
    pub origin: String,
    /// The signed-note key name (the origin unless configured).
    pub key_name: String,
}

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file system failed.
    #[error("file system: {0}")]
    Io(#[from] std::io::Error),
    /// sled failed.
    #[error("views database: {0}")]
    Sled(#[from] sled::Error),
    /// The leaf file is damaged or missing.
    #[error(transparent)]
    LeafLog(#[from] LeafLogError),
    /// Another process has the ledger open.
    #[error("{0} is in use by another coop-ledger process (one writer per ledger)")]
    Locked(PathBuf),
    /// The directory is not a ledger.
    #[error("{0} is not a coop-ledger data directory (run `coop-ledger init` first)")]
    NotALedger(PathBuf),
    /// `init` found an existing ledger.
    #[error("{0} already holds a ledger")]
    Exists(PathBuf),
    /// Stored data contradict each other.
    #[error("the stored ledger is inconsistent: {0}")]
    Inconsistent(String),
}

/// Paths inside a data directory.
#[derive(Clone, Debug)]
pub struct Layout {
    /// The directory.
    pub dir: PathBuf,
}

impl Layout {
    /// The layout of `dir`.
    pub fn new(dir: &Path) -> Self {
        Self {
            dir: dir.to_path_buf(),
        }
    }
    /// `LOCK`.
    pub fn lock(&self) -> PathBuf {
        self.dir.join("LOCK")
    }
    /// `ledger.json`.
    pub fn config(&self) -> PathBuf {
        self.dir.join("ledger.json")
    }
    /// `ledger-key.pem`.
    pub fn ledger_key(&self) -> PathBuf {
        self.dir.join("ledger-key.pem")
    }
    /// `leaves.log`.
    pub fn leaves(&self) -> PathBuf {
        self.dir.join("leaves.log")
    }
    /// `views/`.
    pub fn views(&self) -> PathBuf {
        self.dir.join("views")
    }
    /// `disclosures/`.
    pub fn disclosures(&self) -> PathBuf {
        self.dir.join("disclosures")
    }

    /// The tile files, `DIR/tiles` ([`tilefiles`]).
    pub fn tiles(&self) -> PathBuf {
        self.dir.join("tiles")
    }

    /// The latest witnessed checkpoint, `DIR/witnessed` (written by `serve`
    /// with witnesses, spec §8.14).
    pub fn witnessed(&self) -> PathBuf {
        self.dir.join("witnessed")
    }
}

/// How long [`lock_dir`] waits for a directory lock that is held.
pub const DIR_LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

/// Takes the directory's exclusive lock; released when the file is dropped.
pub fn lock_dir(layout: &Layout) -> Result<File, StoreError> {
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(layout.lock())?;
    // A lock can outlive its owner by a moment when another thread of this
    // process forks a child between our close and the child's exec (the
    // child briefly shares the open file); wait a bounded time before
    // declaring the directory in use.
    let start = std::time::Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(TryLockError::WouldBlock) if start.elapsed() < DIR_LOCK_WAIT => {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            Err(TryLockError::WouldBlock) => return Err(StoreError::Locked(layout.dir.clone())),
            Err(TryLockError::Error(e)) => return Err(e.into()),
        }
    }
}

/// Reads `ledger.json`.
pub fn read_config(layout: &Layout) -> Result<LedgerConfig, StoreError> {
    let text =
        std::fs::read(layout.config()).map_err(|_| StoreError::NotALedger(layout.dir.clone()))?;
    serde_json::from_slice(&text).map_err(|e| StoreError::Inconsistent(format!("ledger.json: {e}")))
}

/// Writes `ledger.json` durably (it is written once, at `init`).
pub fn write_config(layout: &Layout, config: &LedgerConfig) -> Result<(), StoreError> {
    let text =
        serde_json::to_vec_pretty(config).map_err(|e| StoreError::Inconsistent(e.to_string()))?;
    let mut f = File::options()
        .write(true)
        .create_new(true)
        .open(layout.config())?;
    std::io::Write::write_all(&mut f, &text)?;
    f.sync_all()?;
    Ok(())
}

/// Everything one group commit writes to the views.
#[derive(Debug, Default)]
pub struct Commit {
    /// Index of the first new leaf.
    pub first_index: u64,
    /// Offsets of the new leaves' records.
    pub offsets: Vec<u64>,
    /// Entry ids of the new leaves.
    pub entry_ids: Vec<EntryId>,
    /// Stored-hash index of the first new hash.
    pub first_hash: u64,
    /// The new stored hashes, consecutive.
    pub hashes: Vec<Hash>,
    /// View changes, in leaf order.
    pub changes: Vec<Change>,
    /// Leaf-file offset after the last new leaf.
    pub end: u64,
    /// The checkpoint signed for the new size (replay may commit in chunks
    /// and sign only at the end).
    pub checkpoint: Option<String>,
}

/// One keyspace of the `views` tree: its keys are `prefix ‖ key`.
#[derive(Clone)]
struct Space {
    tree: sled::Tree,
    prefix: u8,
}

impl Space {
    fn key(&self, k: &[u8]) -> Vec<u8> {
        let mut full = Vec::with_capacity(1 + k.len());
        full.push(self.prefix);
        full.extend_from_slice(k);
        full
    }

    fn get(&self, k: impl AsRef<[u8]>) -> sled::Result<Option<sled::IVec>> {
        self.tree.get(self.key(k.as_ref()))
    }

    fn put(&self, batch: &mut sled::Batch, k: impl AsRef<[u8]>, v: impl AsRef<[u8]>) {
        batch.insert(self.key(k.as_ref()), v.as_ref());
    }

    fn remove(&self, batch: &mut sled::Batch, k: impl AsRef<[u8]>) {
        batch.remove(self.key(k.as_ref()));
    }

    /// The key parts after `prefix ‖ k` of every key that starts so, in key
    /// order (or backwards, with `rev`).
    fn suffixes(
        &self,
        k: &[u8],
    ) -> impl DoubleEndedIterator<Item = sled::Result<(Vec<u8>, sled::IVec)>> {
        let start = self.key(k);
        let skip = start.len();
        self.tree
            .scan_prefix(start)
            .map(move |r| r.map(|(key, v)| (key[skip..].to_vec(), v)))
    }
}

impl Space {
    /// Like [`Space::suffixes`], but only the keys after `prefix ‖ k ‖
    /// after` (a page that starts after the last key of the one before).
    fn suffixes_after(
        &self,
        k: &[u8],
        after: &[u8],
    ) -> impl Iterator<Item = sled::Result<(Vec<u8>, sled::IVec)>> {
        let start = self.key(k);
        let skip = start.len();
        let mut from = start.clone();
        from.extend_from_slice(after);
        self.tree
            .range((std::ops::Bound::Excluded(from), std::ops::Bound::Unbounded))
            .take_while(move |r| r.as_ref().map_or(true, |(key, _)| key.starts_with(&start)))
            .map(move |r| r.map(|(key, v)| (key[skip..].to_vec(), v)))
    }
}

/// `a ‖ 0x00 ‖ b`: a two-id key.
fn pair(a: &str, b: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(a.len() + 1 + b.len());
    k.extend_from_slice(a.as_bytes());
    k.push(0);
    k.extend_from_slice(b.as_bytes());
    k
}

/// `a ‖ 0x00`: the prefix of every [`pair`] starting with `a`.
fn pair_prefix(a: &str) -> Vec<u8> {
    let mut k = a.as_bytes().to_vec();
    k.push(0);
    k
}

/// `a ‖ 0x00 ‖ n` (n big-endian): an id and a leaf index.
fn pair_index(a: &str, n: u64) -> Vec<u8> {
    let mut k = pair_prefix(a);
    k.extend_from_slice(&be(n));
    k
}

/// The Julian day number of `day`, big-endian: positive for every year a
/// statement may carry (1900–9998), so byte order is date order.
fn day_key(day: Day) -> [u8; 4] {
    (day.date().to_julian_day().max(0) as u32).to_be_bytes()
}

/// `day ‖ n` (both big-endian): a batch step's key in `y`.
fn day_index(day: Day, n: u64) -> Vec<u8> {
    let mut k = day_key(day).to_vec();
    k.extend_from_slice(&be(n));
    k
}

fn be(n: u64) -> [u8; 8] {
    n.to_be_bytes()
}

fn read_be(v: &[u8]) -> Result<u64, StoreError> {
    <[u8; 8]>::try_from(v)
        .map(u64::from_be_bytes)
        .map_err(|_| StoreError::Inconsistent("a stored number is not 8 bytes".into()))
}

/// The sled views plus a reader of the leaf file. Shared by every reader;
/// only the sequencer calls [`Store::commit`].
pub struct Store {
    db: sled::Db,
    views: sled::Tree,
    meta: Space,
    hashes: Space,
    offsets: Space,
    entries: Space,
    actors: Space,
    keys: Space,
    batches: Space,
    children: Space,
    held: Space,
    in_hand: Space,
    incoming: Space,
    shipped: Space,
    contracts: Space,
    parties: Space,
    corrections: Space,
    links: Space,
    members: Space,
    signed: Space,
    days: Space,
    leaves: LeafReader,
    /// The genesis facts never change once written; kept after first read.
    ledger_cache: std::sync::RwLock<Option<LedgerInfo>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").finish_non_exhaustive()
    }
}

impl Store {
    /// Opens the views and the leaf reader of a data directory. The caller
    /// holds the directory lock.
    pub fn open(layout: &Layout) -> Result<Self, StoreError> {
        if !layout.leaves().exists() {
            return Err(StoreError::NotALedger(layout.dir.clone()));
        }
        let db = open_sled(&layout.views())?;
        let views = db.open_tree("views")?;
        let space = |prefix: u8| Space {
            tree: views.clone(),
            prefix,
        };
        Ok(Self {
            meta: space(b'm'),
            hashes: space(b'h'),
            offsets: space(b'o'),
            entries: space(b'e'),
            actors: space(b'a'),
            keys: space(b'k'),
            batches: space(b'b'),
            children: space(b'd'),
            held: space(b'w'),
            in_hand: space(b'u'),
            incoming: space(b't'),
            shipped: space(b's'),
            contracts: space(b'c'),
            parties: space(b'p'),
            corrections: space(b'x'),
            links: space(b'l'),
            members: space(b'r'),
            signed: space(b'g'),
            days: space(b'y'),
            leaves: LeafReader::open(&layout.leaves())?,
            ledger_cache: std::sync::RwLock::new(None),
            views,
            db,
        })
    }

    /// Empties every view (for `reindex`).
    pub fn clear(&self) -> Result<(), StoreError> {
        self.views.clear()?;
        if let Ok(mut c) = self.ledger_cache.write() {
            *c = None;
        }
        self.db.flush()?;
        Ok(())
    }

    /// Number of leaves the views cover.
    pub fn size(&self) -> Result<u64, StoreError> {
        self.meta.get("size")?.map_or(Ok(0), |v| read_be(&v))
    }

    /// The [`VIEWS_VERSION`] the views were written with (`None` before
    /// version 2, or when empty).
    pub fn views_version(&self) -> Result<Option<u64>, StoreError> {
        self.meta.get("version")?.map(|v| read_be(&v)).transpose()
    }

    /// Leaf-file offset after the last covered leaf (0: none yet).
    pub fn end(&self) -> Result<u64, StoreError> {
        self.meta.get("end")?.map_or(Ok(0), |v| read_be(&v))
    }

    /// The latest signed checkpoint note.
    pub fn checkpoint(&self) -> Result<Option<String>, StoreError> {
        self.meta
            .get("checkpoint")?
            .map(|v| {
                String::from_utf8(v.to_vec())
                    .map_err(|_| StoreError::Inconsistent("checkpoint".into()))
            })
            .transpose()
    }

    /// The bytes of leaf `index` (which must be below [`Store::size`]).
    pub fn leaf(&self, index: u64) -> Result<Option<Vec<u8>>, StoreError> {
        let Some(off) = self.offsets.get(be(index))? else {
            return Ok(None);
        };
        Ok(Some(self.leaves.read_at(read_be(&off)?)?))
    }

    /// The leaf index of an entry id, if logged.
    pub fn entry_index(&self, id: &EntryId) -> Result<Option<u64>, StoreError> {
        self.entries.get(id.0)?.map(|v| read_be(&v)).transpose()
    }

    /// Writes one group commit to every view atomically.
    pub fn commit(&self, c: &Commit) -> Result<(), StoreError> {
        let mut b = sled::Batch::default();
        for (i, h) in c.hashes.iter().enumerate() {
            self.hashes.put(&mut b, be(c.first_hash + i as u64), h.0);
        }
        for (i, (off, id)) in c.offsets.iter().zip(&c.entry_ids).enumerate() {
            let index = c.first_index + i as u64;
            self.offsets.put(&mut b, be(index), be(*off));
            self.entries.put(&mut b, id.0, be(index));
        }
        // The number of the next fact within its leaf.
        let mut fact_no: (u64, u16) = (u64::MAX, 0);
        for change in &c.changes {
            match change {
                Change::SetLedger(l) => self.meta.put(&mut b, "ledger", json(l)?),
                Change::PutActor(a) => {
                    if let Some(coop) = &a.cooperative {
                        self.members
                            .put(&mut b, pair(coop.as_str(), a.id.as_str()), []);
                    }
                    self.actors.put(&mut b, a.id.as_str(), json(a)?)
                }
                Change::BindKey(k, id) => self.keys.put(&mut b, k.to_bytes(), id.as_str()),
                Change::PutBatch(batch) => {
                    if batch.custody == Custody::Consumed {
                        self.in_hand
                            .remove(&mut b, pair(batch.holder.as_str(), batch.id.as_str()));
                    }
                    self.batches.put(&mut b, batch.id.as_str(), json(batch)?)
                }
                Change::AddChild { parent, child } => {
                    self.children
                        .put(&mut b, pair(parent.as_str(), child.as_str()), [])
                }
                Change::SetHolder { batch, from, to } => {
                    for space in [&self.held, &self.in_hand] {
                        if let Some(from) = from {
                            space.remove(&mut b, pair(from.as_str(), batch.as_str()));
                        }
                        space.put(&mut b, pair(to.as_str(), batch.as_str()), []);
                    }
                }
                Change::PutContract(c) => {
                    for party in [&c.cooperative, &c.business] {
                        self.parties
                            .put(&mut b, pair(party.as_str(), c.id.as_str()), []);
                    }
                    self.contracts.put(&mut b, c.id.as_str(), json(c)?)
                }
                Change::PutShipment(s) => {
                    let open = pair(s.to.as_str(), s.batch.as_str());
                    if s.outcome == ShipOutcome::InTransit {
                        self.incoming.put(&mut b, open, be(s.index));
                    } else {
                        self.incoming.remove(&mut b, open);
                    }
                    self.shipped
                        .put(&mut b, pair_index(s.from.as_str(), s.index), json(s)?)
                }
                Change::AddCorrection(r) => {
                    let mut k = be(r.target).to_vec();
                    k.extend_from_slice(&be(r.index));
                    self.corrections.put(&mut b, k, json(r)?)
                }
                Change::Link { index, fact } => {
                    fact_no = match fact_no {
                        (i, n) if i == *index => (i, n.saturating_add(1)),
                        _ => (*index, 0),
                    };
                    let mut k = be(*index).to_vec();
                    k.extend_from_slice(&fact_no.1.to_be_bytes());
                    self.links.put(&mut b, k, json(fact)?)
                }
                // The signer itself is read back from the leaf (see
                // `leaf_signer`); `g` lists each signer's leaves.
                Change::Logged {
                    index,
                    by,
                    event_day,
                } => {
                    if let Some(day) = event_day {
                        self.days.put(&mut b, day_index(*day, *index), []);
                    }
                    self.signed.put(&mut b, pair_index(by.as_str(), *index), [])
                }
            }
        }
        self.meta
            .put(&mut b, "size", be(c.first_index + c.offsets.len() as u64));
        self.meta.put(&mut b, "end", be(c.end));
        self.meta.put(&mut b, "version", be(VIEWS_VERSION));
        if let Some(cp) = &c.checkpoint {
            self.meta.put(&mut b, "checkpoint", cp.as_bytes());
        }
        self.views.apply_batch(b)?;
        Ok(())
    }

    /// Flushes sled (best effort on shutdown; not a durability promise).
    pub fn flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
    }

    fn view_err(e: impl std::fmt::Display) -> ViewError {
        ViewError(e.to_string())
    }
}

/// How long [`Store::open`] waits for sled's own file lock.
pub const SLED_LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Opens sled, waiting a bounded time for its file lock. sled 0.34's
/// background flusher still holds the lock for a moment after a `Db` in this
/// process is dropped (sled issues #1234, #1289), so opening right after
/// `init` or `reindex` in the same process can briefly fail to lock. The
/// directory lock ([`lock_dir`]) already keeps other processes out.
fn open_sled(path: &Path) -> Result<sled::Db, StoreError> {
    let start = std::time::Instant::now();
    loop {
        match sled::Config::new().path(path).open() {
            // sled reports its lock conflict as ErrorKind::Other with this text.
            Err(sled::Error::Io(e))
                if e.to_string().contains("could not acquire lock")
                    && start.elapsed() < SLED_LOCK_WAIT =>
            {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            other => return Ok(other?),
        }
    }
}

/// Just the signer of a statement.
#[derive(Deserialize)]
struct SignedBy {
    by: ActorId,
}

fn json<T: Serialize>(v: &T) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(v).map_err(|e| StoreError::Inconsistent(e.to_string()))
}

/// Reads back a value [`json`] wrote.
fn from_json<T: DeserializeOwned>(v: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(v).map_err(|e| StoreError::Inconsistent(e.to_string()))
}

impl View for Store {
    fn ledger(&self) -> Result<Option<LedgerInfo>, ViewError> {
        if let Some(info) = self.ledger_cache.read().ok().and_then(|c| c.clone()) {
            return Ok(Some(info));
        }
        let v = self.meta.get("ledger").map_err(Self::view_err)?;
        let info: Option<LedgerInfo> = v
            .map(|v| serde_json::from_slice(&v).map_err(Self::view_err))
            .transpose()?;
        if let (Some(i), Ok(mut c)) = (&info, self.ledger_cache.write()) {
            *c = Some(i.clone());
        }
        Ok(info)
    }

    fn actor(&self, id: &ActorId) -> Result<Option<Actor>, ViewError> {
        let v = self.actors.get(id.as_str()).map_err(Self::view_err)?;
        v.map(|v| serde_json::from_slice(&v).map_err(Self::view_err))
            .transpose()
    }

    fn batch(&self, id: &BatchId) -> Result<Option<Batch>, ViewError> {
        self.batch_view(id).map_err(Self::view_err)
    }

    fn children(&self, id: &BatchId) -> Result<Vec<BatchId>, ViewError> {
        scans::ids_after(
            self.children.suffixes(&pair_prefix(id.as_str())),
            usize::MAX,
        )
        .map_err(Self::view_err)
    }

    fn contract(&self, id: &ContractId) -> Result<Option<Contract>, ViewError> {
        let v = self.contracts.get(id.as_str()).map_err(Self::view_err)?;
        v.map(|v| serde_json::from_slice(&v).map_err(Self::view_err))
            .transpose()
    }

    fn leaf_signer(&self, index: u64) -> Result<Option<ActorId>, ViewError> {
        let Some(bytes) = self.leaf(index).map_err(Self::view_err)? else {
            return Ok(None);
        };
        let leaf = Leaf::parse(&bytes).map_err(Self::view_err)?;
        let st: SignedBy = serde_json::from_str(&leaf.statement).map_err(Self::view_err)?;
        Ok(Some(st.by))
    }

    fn key_owner(&self, key: &PublicKey) -> Result<Option<ActorId>, ViewError> {
        let v = self.keys.get(key.to_bytes()).map_err(Self::view_err)?;
        v.map(|v| {
            std::str::from_utf8(&v)
                .ok()
                .and_then(|s| ActorId::parse(s).ok())
                .ok_or_else(|| ViewError("a stored key owner is not an id".into()))
        })
        .transpose()
    }
}

impl Store {
    fn batch_view(&self, id: &BatchId) -> Result<Option<Batch>, StoreError> {
        self.batches
            .get(id.as_str())?
            .map(|v| from_json(&v))
            .transpose()
    }
}

impl HashReader for Store {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, TlogError> {
        indexes
            .iter()
            .map(|&i| match self.hashes.get(be(i)) {
                Ok(Some(v)) => <[u8; 32]>::try_from(&v[..])
                    .map(Hash)
                    .map_err(|_| TlogError::MalformedHash),
                _ => Err(TlogError::IndexesNotInTree),
            })
            .collect()
    }
}
