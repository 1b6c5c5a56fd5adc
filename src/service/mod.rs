//! Use cases shared by the HTTP server and the CLI: create a ledger, open it
//! (recovering from a crash), submit entries, read entries, proofs and
//! views, rebuild the views, audit.
//!
//! [`Ledger`] owns the sequencer thread (see [`sequencer`]) and the shared
//! read side. Everything here speaks domain types; HTTP and CLI only
//! translate.

pub mod audit;
pub mod buyer;
pub mod client;
pub mod custody;
pub mod demo;
pub mod export;
pub mod group_commit;
pub mod import;
pub mod keyfile;
pub mod linkage;
pub mod metrics;
pub mod sequencer;

use crate::domain::checkpoint::{CheckpointBody, NoteKey, note_vkey};
use crate::domain::envelope::{Envelope, MAX_ENVELOPE_BYTES};
use crate::domain::ids::{ActorId, EntryId};
use crate::domain::ids::{BatchId, ContractId};
use crate::domain::keys::PublicKey;
use crate::domain::leaf::Leaf;
use crate::domain::lineage::{self, Trace};
use crate::domain::linkage::{LinkFact, LinkageIndex, LinkageReport, Query, Targets};
use crate::domain::merkle::{Hash, TlogError, prove_record, prove_tree, tree_hash};
use crate::domain::messages::{Code, Refusal};
use crate::domain::model::{Actor, Batch, Contract, CorrectionRecord};
use crate::domain::product::Category;
use crate::domain::rules::{ApplyError, Context, MemState, View};
use crate::domain::statement::{self, LEDGER_SIGNER};
use crate::domain::time::{Day, Timestamp};
use crate::store::leaflog::{LeafWriter, Records};
use crate::store::{self, Layout, LedgerConfig, Store, StoreError};
use group_commit::GroupCommit;
use keyfile::KeyFileError;
use metrics::Metrics;
use sequencer::{Job, Msg, Sequencer};
use std::fs::File;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use tokio::sync::{mpsc, oneshot};

/// Most entries `GET /api/v1/entries` returns at once.
pub const MAX_PAGE: u64 = 1000;

/// Most decompressed keys [`Ledger`] keeps: a bounded cache that evicts
/// entries one by one when full (it is never emptied).
const MAX_CACHED_POINTS: usize = 65_536;

/// Leaves replayed per views commit during recovery and `reindex`.
const REPLAY_CHUNK: usize = 10_000;

/// The ledger's clock, passed in so tests can fix it.
pub trait Clock: Send + Sync {
    /// The current time.
    fn now(&self) -> time::OffsetDateTime;
}

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> time::OffsetDateTime {
        time::OffsetDateTime::now_utc()
    }
}

/// A service failure. Refusals carry their code; the rest are 5xx whose
/// detail is logged and never sent to clients.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ServiceError {
    /// A refusal with a code (4xx, 429, 503).
    #[error("{0}")]
    Refused(#[from] Refusal),
    /// Storage failed.
    #[error("storage: {0}")]
    Store(String),
    /// The stored ledger contradicts itself; it is not opened.
    #[error("{0}")]
    Inconsistent(String),
    /// Anything else that should not happen.
    #[error("internal: {0}")]
    Internal(String),
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Inconsistent(s) => ServiceError::Inconsistent(s),
            StoreError::Locked(_) | StoreError::NotALedger(_) | StoreError::Exists(_) => {
                ServiceError::Inconsistent(e.to_string())
            }
            other => ServiceError::Store(other.to_string()),
        }
    }
}

impl From<KeyFileError> for ServiceError {
    fn from(e: KeyFileError) -> Self {
        ServiceError::Inconsistent(e.to_string())
    }
}

impl From<crate::store::leaflog::LeafLogError> for ServiceError {
    fn from(e: crate::store::leaflog::LeafLogError) -> Self {
        ServiceError::Store(e.to_string())
    }
}

/// The answer to an accepted (or duplicate) submission (spec §8).
#[derive(Debug, Clone)]
pub struct Receipt {
    /// The leaf index.
    pub index: u64,
    /// The BLAKE3 entry id.
    pub entry_id: EntryId,
    /// The RFC 6962 leaf hash.
    pub leaf_hash: Hash,
    /// The signed checkpoint that covers the leaf.
    pub checkpoint: String,
    /// The inclusion proof against that checkpoint.
    pub inclusion_proof: Vec<Hash>,
    /// True when the envelope was logged before (answer 200, not 201).
    pub duplicate: bool,
}

/// A batch as `GET /api/v1/batches/{id}` reports it.
#[derive(Debug, Clone)]
pub struct BatchReport {
    /// The batch.
    pub batch: Batch,
    /// Corrections of any leaf in its history.
    pub corrections: Vec<CorrectionRecord>,
}

/// What a verifier needs to know about the ledger (`GET /api/v1/ledger`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct LedgerAnswer {
    /// The checkpoint origin.
    pub origin: String,
    /// The signed-note key name.
    pub key_name: String,
    /// The ledger public key (base64).
    pub public_key: PublicKey,
    /// The signed-note verifier key.
    pub note_vkey: String,
}

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
    poisoned: AtomicBool,
    metrics: Metrics,
    /// The linkage index (spec §9), folded from the stored facts at open
    /// and from each group commit's facts before its tree is published.
    linkage: RwLock<LinkageIndex>,
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
            Ok(mut t) => *t = p,
            Err(poisoned) => *poisoned.into_inner() = p,
        }
    }
}

/// How to open a ledger.
#[derive(Clone)]
pub struct OpenOptions {
    /// The ledger's clock.
    pub clock: Arc<dyn Clock>,
    /// Submissions that may wait for the sequencer before new ones get 429.
    pub queue_capacity: usize,
    /// The targets the linkage figures are compared with (spec §9).
    pub targets: Targets,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self {
            clock: Arc::new(SystemClock),
            queue_capacity: sequencer::QUEUE_CAPACITY,
            targets: Targets::default(),
        }
    }
}

/// An open ledger: the sequencer thread plus the read side.
pub struct Ledger {
    shared: Arc<Shared>,
    tx: mpsc::Sender<Msg>,
    thread: Mutex<Option<std::thread::JoinHandle<()>>>,
    /// Decompressed curve points by key bytes, at most [`MAX_CACHED_POINTS`].
    points: quick_cache::sync::Cache<[u8; 32], ed25519_dalek::VerifyingKey>,
    clock: Arc<dyn Clock>,
    targets: Targets,
    _lock: File,
}

/// What `init` made.
#[derive(Debug, Clone)]
pub struct InitReport {
    /// The new ledger public key.
    pub ledger_key: PublicKey,
    /// The signed-note verifier key.
    pub note_vkey: String,
    /// The first checkpoint.
    pub checkpoint: String,
}

/// A registrar named at `init`.
#[derive(Debug, Clone)]
pub struct RegistrarSpec {
    /// Its id.
    pub id: ActorId,
    /// Its key.
    pub key: PublicKey,
    /// Its name (defaults to the id).
    pub name: Option<String>,
}

fn refused(e: ApplyError) -> ServiceError {
    match e {
        ApplyError::Refused(r) => ServiceError::Refused(r),
        ApplyError::View(v) => ServiceError::Store(v.to_string()),
    }
}

/// Appends a group commit, syncs, signs its checkpoint and writes the
/// views: the one write path (sequencer, `init`).
fn write_group_commit(
    writer: &mut LeafWriter,
    store: &Store,
    signer: &NoteKey,
    origin: &str,
    group: GroupCommit<'_>,
    metrics: Option<&Metrics>,
) -> Result<Published, ServiceError> {
    let size = group.new_size();
    let offsets = writer.append(group.leaves())?;
    let t = std::time::Instant::now();
    writer.sync()?;
    if let Some(m) = metrics {
        m.sync_seconds.observe(t.elapsed().as_secs_f64());
        m.group_commit_entries.observe(offsets.len() as f64);
    }
    let root = group
        .root()
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    let body = CheckpointBody {
        origin: origin.to_owned(),
        size,
        root,
    };
    let note = signer
        .sign(&body)
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    let commit = group.into_commit(offsets, writer.end(), Some(note.clone()));
    store.commit(&commit)?;
    Ok(Published {
        size,
        checkpoint: note,
    })
}

/// Replays leaf records into the views through the same rules as live
/// appends, starting at leaf `size`. Returns the new size and end offset.
fn replay(
    store: &Store,
    records: &mut Records,
    mut size: u64,
    on_progress: &mut dyn FnMut(u64),
) -> Result<u64, ServiceError> {
    loop {
        let mut group = GroupCommit::new(store, size);
        let mut offsets = Vec::new();
        for rec in records.by_ref().take(REPLAY_CHUNK) {
            let (off, bytes) = rec?;
            let index = group.next_index();
            let bad = |why: String| {
                ServiceError::Inconsistent(format!("leaf {index} in leaves.log: {why}"))
            };
            let leaf = Leaf::parse(&bytes).map_err(|e| bad(e.to_string()))?;
            if leaf.index != index {
                return Err(bad(format!("it says it is leaf {}", leaf.index)));
            }
            let env = leaf.envelope();
            env.verify().map_err(|e| bad(e.to_string()))?;
            let id = env.entry_id();
            if group.accepted_index(&id).is_some() || store.entry_index(&id)?.is_some() {
                return Err(bad("the same envelope is logged twice".into()));
            }
            let st = statement::parse(&env.statement).map_err(|r| bad(r.to_string()))?;
            let logged_at = leaf.logged_at().map_err(|e| bad(e.to_string()))?;
            let ctx = Context { index, logged_at };
            let changes = group
                .decide(&ctx, &env, &st)
                .map_err(|e| bad(format!("the rules refuse it: {e}")))?;
            group
                .accept(bytes, id, changes)
                .map_err(|e| ServiceError::Internal(e.to_string()))?;
            offsets.push(off);
        }
        if group.is_empty() {
            return Ok(size);
        }
        size = group.new_size();
        store.commit(&group.into_commit(offsets, records.end(), None))?;
        on_progress(size);
    }
}

/// Empties the views and replays all of `leaves.log` into them. Returns the
/// size and end offset. The checkpoint already handed out survives and is
/// checked against the result afterwards (`settle_checkpoint`): a rebuild
/// never signs a smaller or inconsistent tree (spec §7).
fn rebuild(
    layout: &Layout,
    store: &Store,
    on_progress: &mut dyn FnMut(u64),
) -> Result<(u64, u64), ServiceError> {
    let old = store.checkpoint()?;
    store.clear()?;
    // Written back at once, so that a replay that fails half way (or a
    // crash) still leaves the old checkpoint for the next check.
    if let Some(old) = &old {
        store_checkpoint(store, 0, 0, old.clone())?;
    }
    let mut records = Records::open(&layout.leaves(), 0)?;
    let size = replay(store, &mut records, 0, on_progress)?;
    if let Some(old) = old {
        store_checkpoint(store, size, records.end(), old)?;
    }
    Ok((size, records.end()))
}

/// Folds every stored linkage fact, in log order, into a new index.
fn linkage_index(store: &Store) -> Result<LinkageIndex, ServiceError> {
    let mut index = LinkageIndex::default();
    for f in store.link_facts()? {
        index.apply(&f);
    }
    Ok(index)
}

/// Writes only a checkpoint to the views' meta.
fn store_checkpoint(
    store: &Store,
    size: u64,
    end: u64,
    checkpoint: String,
) -> Result<(), ServiceError> {
    let commit = store::Commit {
        first_index: size,
        end,
        checkpoint: Some(checkpoint),
        ..Default::default()
    };
    store.commit(&commit)?;
    Ok(())
}

/// Checks the views against what the ledger itself fixed and signed: the
/// genesis names the key in `ledger-key.pem` and the origin in
/// `ledger.json`, and the stored checkpoint (if any) is a prefix of the
/// leaves, never ahead of them (spec §7). Returns the checkpoint for the
/// current size, signing and storing a new one when the size has grown.
fn settle_checkpoint(
    store: &Store,
    config: &LedgerConfig,
    signer: &NoteKey,
    ledger_key: PublicKey,
    size: u64,
    end: u64,
) -> Result<String, ServiceError> {
    match store
        .ledger()
        .map_err(|e| ServiceError::Store(e.to_string()))?
    {
        Some(info) if info.ledger_key == ledger_key && info.origin == config.origin => {}
        Some(_) => {
            return Err(ServiceError::Inconsistent(
                "ledger-key.pem or ledger.json does not match the genesis leaf".into(),
            ));
        }
        None => {
            return Err(ServiceError::Inconsistent(
                "leaves.log has no genesis leaf".into(),
            ));
        }
    }
    let internal = |e: TlogError| ServiceError::Internal(e.to_string());
    if let Some(cp) = store.checkpoint()? {
        let body = signer.verify(&cp, Some(&config.origin)).map_err(|e| {
            ServiceError::Inconsistent(format!("the stored checkpoint does not verify: {e}"))
        })?;
        if body.size > size {
            return Err(ServiceError::Inconsistent(format!(
                "the stored checkpoint covers {} leaves but leaves.log holds {size}; refusing to sign a checkpoint inconsistent with it",
                body.size
            )));
        }
        if tree_hash(body.size, store).map_err(internal)? != body.root {
            return Err(ServiceError::Inconsistent(format!(
                "the root of the first {} leaves differs from the stored checkpoint",
                body.size
            )));
        }
        if body.size == size {
            return Ok(cp);
        }
    }
    let root = tree_hash(size, store).map_err(internal)?;
    let cp = signer
        .sign(&CheckpointBody {
            origin: config.origin.clone(),
            size,
            root,
        })
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    store_checkpoint(store, size, end, cp.clone())?;
    Ok(cp)
}

impl Ledger {
    /// Creates a ledger in `dir` (spec §10 `init`): a new ledger key (0600),
    /// `ledger.json`, and leaf 0, the genesis naming the registrars.
    pub fn init(
        dir: &Path,
        origin: &str,
        key_name: Option<&str>,
        registrars: &[RegistrarSpec],
        clock: &dyn Clock,
    ) -> Result<InitReport, ServiceError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| ServiceError::Store(format!("{}: {e}", dir.display())))?;
        let layout = Layout::new(dir);
        if layout.leaves().exists() || layout.config().exists() {
            return Err(StoreError::Exists(dir.to_path_buf()).into());
        }
        let _lock = store::lock_dir(&layout)?;
        let key = keyfile::generate();
        let ledger_key = PublicKey::from(key.verifying_key());
        let key_name = key_name.unwrap_or(origin).to_owned();
        let at = Timestamp::from_clock(clock.now());
        let text = serde_json::json!({
            "v": 1,
            "type": "ledger.genesis",
            "by": LEDGER_SIGNER,
            "at": at.to_string(),
            "origin": origin,
            "ledger_key": ledger_key.to_string(),
            "registrars": registrars.iter().map(|r| {
                let mut o = serde_json::json!({"id": r.id, "key": r.key.to_string()});
                if let Some(n) = &r.name { o["name"] = serde_json::json!(n); }
                o
            }).collect::<Vec<_>>(),
        })
        .to_string();
        let st = statement::parse(&text)?;
        let env = Envelope::sign(text, &key);
        let ctx = Context {
            index: 0,
            logged_at: at,
        };
        // Decide before writing anything, so a refused genesis leaves no files.
        crate::domain::rules::apply(&MemState::default(), &ctx, &env, &st).map_err(refused)?;
        if !signed_note::is_key_name_valid(&key_name) {
            return Err(
                Refusal::with(Code::MalformedStatement, "key name: no spaces or '+'").into(),
            );
        }
        keyfile::write(&layout.ledger_key(), &key)?;
        store::write_config(
            &layout,
            &LedgerConfig {
                origin: origin.to_owned(),
                key_name: key_name.clone(),
            },
        )?;
        let mut writer = LeafWriter::create(&layout.leaves())?;
        let store = Store::open(&layout)?;
        let mut group = GroupCommit::new(&store, 0);
        let changes = group.decide(&ctx, &env, &st).map_err(refused)?;
        let leaf = Leaf::new(0, at, &env).to_bytes();
        group
            .accept(leaf, env.entry_id(), changes)
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
        let signer = NoteKey::signer(&key_name, key);
        let published = write_group_commit(&mut writer, &store, &signer, origin, group, None)?;
        store.flush()?;
        // The new files' directory entries must survive a power cut too.
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| ServiceError::Store(format!("{}: {e}", dir.display())))?;
        Ok(InitReport {
            note_vkey: note_vkey(&key_name, &ledger_key),
            ledger_key,
            checkpoint: published.checkpoint,
        })
    }

    /// Opens a ledger: takes the directory lock, replays any leaves the
    /// views have not covered (after a crash), cuts a torn tail, checks the
    /// stored checkpoint against the leaves, and starts the sequencer.
    pub fn open(dir: &Path, options: OpenOptions) -> Result<Self, ServiceError> {
        let layout = Layout::new(dir);
        let lock = store::lock_dir(&layout)?;
        let config = store::read_config(&layout)?;
        let key = keyfile::read(&layout.ledger_key())?;
        let store = Store::open(&layout)?;
        if store.size()? > 0 && store.views_version()? != Some(store::VIEWS_VERSION) {
            tracing::warn!(
                "the views were written by another version of coop-ledger; rebuilding them from leaves.log"
            );
            rebuild(&layout, &store, &mut |n| {
                tracing::info!(leaves = n, "rebuilding views")
            })?;
        }
        let (size, end) = (store.size()?, store.end()?);
        let file_len = std::fs::metadata(layout.leaves())
            .map_err(|e| ServiceError::Store(e.to_string()))?
            .len();
        if end > file_len {
            return Err(ServiceError::Inconsistent(format!(
                "the views cover {size} leaves ending at byte {end}, but leaves.log has only {file_len} bytes: leaves were lost; restore leaves.log from a backup"
            )));
        }
        let mut records = Records::open(&layout.leaves(), end)?;
        let size = replay(&store, &mut records, size, &mut |n| {
            tracing::info!(leaves = n, "recovering views")
        })?;
        if records.torn() > 0 {
            tracing::warn!(
                bytes = records.torn(),
                "cutting a torn record at the end of leaves.log (it was never acknowledged)"
            );
        }
        let writer = LeafWriter::open(&layout.leaves(), records.end())?;
        let ledger_key = PublicKey::from(key.verifying_key());
        let signer = NoteKey::signer(&config.key_name, key);
        let checkpoint =
            settle_checkpoint(&store, &config, &signer, ledger_key, size, writer.end())?;
        let linkage = RwLock::new(linkage_index(&store)?);
        let shared = Arc::new(Shared {
            store,
            config,
            ledger_key,
            tip: RwLock::new(Arc::new(Published { size, checkpoint })),
            poisoned: AtomicBool::new(false),
            metrics: Metrics::default(),
            linkage,
        });
        shared
            .metrics
            .tree_size
            .set(i64::try_from(size).unwrap_or(i64::MAX));
        let (tx, rx) = mpsc::channel(options.queue_capacity.max(1));
        let seq = Sequencer {
            shared: Arc::clone(&shared),
            writer,
            signer,
            clock: Arc::clone(&options.clock),
        };
        let thread = std::thread::Builder::new()
            .name("sequencer".into())
            .spawn(move || seq.run(rx))
            .map_err(|e| ServiceError::Internal(format!("starting the sequencer: {e}")))?;
        Ok(Self {
            shared,
            tx,
            thread: Mutex::new(Some(thread)),
            points: quick_cache::sync::Cache::new(MAX_CACHED_POINTS),
            clock: options.clock,
            targets: options.targets,
            _lock: lock,
        })
    }

    /// Rebuilds every view from `leaves.log` (spec §10 `reindex`).
    pub fn reindex(dir: &Path, on_progress: &mut dyn FnMut(u64)) -> Result<u64, ServiceError> {
        let layout = Layout::new(dir);
        let _lock = store::lock_dir(&layout)?;
        let config = store::read_config(&layout)?;
        let key = keyfile::read(&layout.ledger_key())?;
        let ledger_key = PublicKey::from(key.verifying_key());
        let store = Store::open(&layout)?;
        let (size, end) = rebuild(&layout, &store, on_progress)?;
        let signer = NoteKey::signer(&config.key_name, key);
        settle_checkpoint(&store, &config, &signer, ledger_key, size, end)?;
        store.flush()?;
        Ok(size)
    }

    /// Submits an envelope (the request body of `POST /api/v1/entries`):
    /// parses it, checks the signature and the statement's shape here, then
    /// waits for the sequencer's decision and durable commit.
    pub async fn submit(&self, body: &[u8]) -> Result<Receipt, ServiceError> {
        let result = self.submit_inner(body).await;
        // Every refusal, whether found here or by the sequencer's rules,
        // is counted here and only here.
        if let Err(ServiceError::Refused(r)) = &result {
            self.shared.metrics.count(r.code.as_str());
        }
        result
    }

    async fn submit_inner(&self, body: &[u8]) -> Result<Receipt, ServiceError> {
        if body.len() > MAX_ENVELOPE_BYTES {
            return Err(Refusal::new(Code::TooLarge).into());
        }
        let env: Envelope = serde_json::from_slice(body).map_err(|e| {
            use serde_json::error::Category;
            match e.classify() {
                Category::Syntax | Category::Eof | Category::Io => {
                    Refusal::with(Code::MalformedJson, e.to_string())
                }
                Category::Data => Refusal::with(Code::MalformedEnvelope, e.to_string()),
            }
        })?;
        let point = self.point(&env.key)?;
        env.verify_with(&point)
            .map_err(|_| Refusal::new(Code::BadSignature))?;
        let statement = statement::parse(&env.statement)?;
        if self.shared.poisoned.load(Ordering::SeqCst) {
            return Err(Refusal::new(Code::Unavailable).into());
        }
        let (reply, answer) = oneshot::channel();
        let entry_id = env.entry_id();
        let job = Job {
            entry_id,
            env,
            statement,
            reply,
        };
        self.tx
            .try_send(Msg::Submit(Box::new(job)))
            .map_err(|e| match e {
                mpsc::error::TrySendError::Full(_) => Refusal::new(Code::Busy),
                mpsc::error::TrySendError::Closed(_) => Refusal::new(Code::Unavailable),
            })?;
        let seq = answer
            .await
            .map_err(|_| ServiceError::from(Refusal::new(Code::Unavailable)))??;
        let store = &self.shared.store;
        let inclusion_proof = prove_record(seq.tip.size, seq.index, store)
            .map_err(|e| ServiceError::Internal(format!("inclusion proof: {e}")))?;
        let leaf_hash = match seq.leaf_hash {
            Some(h) => h,
            None => crate::domain::merkle::leaf_hash(
                &store
                    .leaf(seq.index)?
                    .ok_or_else(|| ServiceError::Internal(format!("leaf {} missing", seq.index)))?,
            ),
        };
        Ok(Receipt {
            index: seq.index,
            entry_id,
            leaf_hash,
            checkpoint: seq.tip.checkpoint.clone(),
            inclusion_proof,
            duplicate: seq.leaf_hash.is_none(),
        })
    }

    /// The latest signed checkpoint note.
    pub fn checkpoint(&self) -> String {
        self.shared.published().checkpoint.clone()
    }

    /// The curve point of a key, decompressed once and then cached (most
    /// entries are signed by a few keys; decompression costs a fifth of a
    /// verification). A key that is not a point is refused and not cached.
    fn point(&self, key: &PublicKey) -> Result<ed25519_dalek::VerifyingKey, Refusal> {
        self.points.get_or_insert_with(&key.to_bytes(), || {
            key.point().map_err(|_| Refusal::new(Code::BadKey))
        })
    }

    /// Submissions waiting for the sequencer.
    pub fn queued(&self) -> usize {
        self.tx.max_capacity() - self.tx.capacity()
    }

    /// The latest tree size.
    pub fn size(&self) -> u64 {
        self.shared.published().size
    }

    /// What a verifier needs (`GET /api/v1/ledger`).
    pub fn info(&self) -> LedgerAnswer {
        let c = &self.shared.config;
        LedgerAnswer {
            origin: c.origin.clone(),
            key_name: c.key_name.clone(),
            public_key: self.shared.ledger_key,
            note_vkey: note_vkey(&c.key_name, &self.shared.ledger_key),
        }
    }

    /// Leaves `start..start+limit` (limit capped at [`MAX_PAGE`]) within the
    /// published tree.
    pub fn entries(&self, start: u64, limit: u64) -> Result<Vec<(u64, Vec<u8>)>, ServiceError> {
        let size = self.size();
        let stop = start.saturating_add(limit.min(MAX_PAGE)).min(size);
        (start..stop)
            .map(|i| {
                let leaf = self
                    .shared
                    .store
                    .leaf(i)?
                    .ok_or_else(|| ServiceError::Store(format!("leaf {i} missing")))?;
                Ok((i, leaf))
            })
            .collect()
    }

    /// The inclusion proof of leaf `index` in the tree of `size` leaves.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>, ServiceError> {
        self.check_size(size)?;
        if index >= size {
            return Err(Refusal::with(
                Code::BadQuery,
                format!("index {index} must be below size {size}"),
            )
            .into());
        }
        prove_record(size, index, &self.shared.store)
            .map_err(|e| ServiceError::Store(e.to_string()))
    }

    /// The consistency proof from the tree of `from` leaves to `to` leaves.
    pub fn consistency_proof(&self, from: u64, to: u64) -> Result<Vec<Hash>, ServiceError> {
        self.check_size(to)?;
        if from == 0 || from > to {
            return Err(Refusal::with(
                Code::BadQuery,
                format!("need 1 <= from <= to (from {from}, to {to})"),
            )
            .into());
        }
        prove_tree(to, from, &self.shared.store).map_err(|e| ServiceError::Store(e.to_string()))
    }

    fn check_size(&self, size: u64) -> Result<(), ServiceError> {
        let current = self.size();
        if size > current {
            return Err(Refusal::with(
                Code::NotFound,
                format!("the tree has {current} leaves, not {size}"),
            )
            .into());
        }
        Ok(())
    }

    /// An actor by id.
    pub fn actor(&self, id: &ActorId) -> Result<Actor, ServiceError> {
        self.shared
            .store
            .actor(id)
            .map_err(|e| ServiceError::Store(e.to_string()))?
            .ok_or_else(|| Refusal::with(Code::UnknownActor, id.to_string()).into())
    }

    fn view_error(e: crate::domain::rules::ViewError) -> ServiceError {
        ServiceError::Store(e.to_string())
    }

    /// A batch with the corrections of the leaves that built it.
    pub fn batch(&self, id: &BatchId) -> Result<BatchReport, ServiceError> {
        let store = &self.shared.store;
        let batch = store
            .batch(id)
            .map_err(Self::view_error)?
            .ok_or_else(|| Refusal::with(Code::UnknownBatch, id.to_string()))?;
        // Its own leaves, and the recall leaf that marked it when the recall
        // named a batch it was made from.
        let mut indexes: Vec<u64> = batch.steps.iter().map(|s| s.index).collect();
        indexes.extend(batch.recall.as_ref().map(|r| r.index));
        indexes.sort_unstable();
        indexes.dedup();
        let mut corrections = Vec::new();
        for index in indexes {
            corrections.extend(store.corrections(index)?);
        }
        Ok(BatchReport { batch, corrections })
    }

    /// A batch's lineage upstream and downstream, from the indexes.
    pub fn trace(&self, id: &BatchId) -> Result<Trace, ServiceError> {
        lineage::trace(&self.shared.store, id)
            .map_err(Self::view_error)?
            .ok_or_else(|| Refusal::with(Code::UnknownBatch, id.to_string()).into())
    }

    /// A linkage contract, with the corrections of its offer and acceptance.
    pub fn contract(
        &self,
        id: &ContractId,
    ) -> Result<(Contract, Vec<CorrectionRecord>), ServiceError> {
        let store = &self.shared.store;
        let contract = store
            .contract(id)
            .map_err(Self::view_error)?
            .ok_or_else(|| Refusal::with(Code::UnknownContract, id.to_string()))?;
        let mut corrections = store.corrections(contract.offered_index)?;
        if let crate::domain::model::ContractState::Active { index, .. } = contract.state {
            corrections.extend(store.corrections(index)?);
        }
        Ok((contract, corrections))
    }

    /// Every batch an actor has held, consumed or not, in id order: at most
    /// [`MAX_PAGE`], and whether there are more.
    pub fn ever_held(&self, id: &ActorId) -> Result<(Vec<BatchId>, bool), ServiceError> {
        self.actor(id)?;
        let page = MAX_PAGE as usize;
        let mut batches = self.shared.store.ever_held(id, page + 1)?;
        let more = batches.len() > page;
        batches.truncate(page);
        Ok((batches, more))
    }

    /// The corrections of leaf `index` (which must be in the published tree).
    pub fn corrections(&self, index: u64) -> Result<Vec<CorrectionRecord>, ServiceError> {
        if index >= self.size() {
            return Err(Refusal::with(Code::UnknownEntry, index.to_string()).into());
        }
        Ok(self.shared.store.corrections(index)?)
    }

    /// Every key and value of the views (for checking `reindex`).
    pub fn dump_views(&self) -> Result<Vec<crate::store::KeyValue>, ServiceError> {
        Ok(self.shared.store.dump()?)
    }

    /// The value-chain linkage figures (spec §9), from the in-memory
    /// index; missing dates default to this year so far.
    pub fn linkage(
        &self,
        from: Option<Day>,
        to: Option<Day>,
        province: Option<String>,
        category: Option<Category>,
    ) -> Result<LinkageReport, ServiceError> {
        let today = Day::from(Timestamp::from_clock(self.clock.now()).local_date());
        let q = Query::with_defaults(from, to, province, category, today)?;
        let index = match self.shared.linkage.read() {
            Ok(i) => i,
            Err(p) => p.into_inner(),
        };
        Ok(index.report(&q, &self.targets))
    }

    /// The Prometheus text for `/metrics`.
    pub fn metrics(&self) -> String {
        self.shared.metrics.render()
    }

    /// Stops the sequencer after the group commit in progress; entries still queued
    /// are answered 503. Safe to call more than once.
    pub async fn shutdown(&self) {
        let (done, wait) = oneshot::channel();
        if self.tx.send(Msg::Stop(done)).await.is_ok() {
            let _ = wait.await;
        }
        let handle = match self.thread.lock() {
            Ok(mut h) => h.take(),
            Err(p) => p.into_inner().take(),
        };
        if let Some(h) = handle {
            let _ = tokio::task::spawn_blocking(move || h.join()).await;
        }
    }
}
