//! Creating, opening and rebuilding a ledger: `init`, `open` with crash
//! recovery (the leaf file synced, then the leaves the views miss replayed
//! and a torn tail cut), the rebuild of `reindex`, the checks of the
//! checkpoints kept in the views and in the `checkpoint` file against the
//! leaves (spec §7.5, §7.6), and `shutdown`.

use super::group_commit::{GroupCommit, Seal};
use super::metrics::Metrics;
use super::sequencer::{Msg, Sequencer};
use super::submit::MAX_CACHED_POINTS;
use super::{Clock, Ledger, OpenOptions, Published, ServiceError, Shared, keyfile};
use crate::domain::checkpoint::{CheckpointBody, NoteKey, note_vkey};
use crate::domain::envelope::Envelope;
use crate::domain::ids::ActorId;
use crate::domain::keys::PublicKey;
use crate::domain::leaf::Leaf;
use crate::domain::linkage::LinkageIndex;
use crate::domain::merkle::{TlogError, tree_hash};
use crate::domain::messages::{Code, Refusal};
use crate::domain::rules::{Context, MemState, View};
use crate::domain::statement::{self, LEDGER_SIGNER, LedgerFormat};
use crate::domain::time::Timestamp;
use crate::store::checkpoint::CheckpointFile;
use crate::store::disclosures::Disclosures;
use crate::store::io::{FileIo, RealIo};
use crate::store::leaflog::{self, LeafWriter, Records};
use crate::store::{self, Layout, LedgerConfig, Store, StoreError};
use std::fs::File;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::{Arc, Mutex, RwLock};
use tokio::sync::{mpsc, oneshot};

/// Leaves replayed per views commit during recovery and `reindex`.
pub const REPLAY_CHUNK: usize = 10_000;

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

/// Replays leaf records into the views through the same rules as live
/// appends, starting at leaf `size`. Returns the new size.
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
            group.accept_logged(bytes, "in leaves.log", false)?;
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

/// Checks that a checkpoint handed out before (`what` says where it was
/// kept) verifies and is a prefix of the `size` leaves, never ahead of them
/// (spec §7.5). Returns its size.
fn check_prefix(
    store: &Store,
    config: &LedgerConfig,
    signer: &NoteKey,
    cp: &str,
    what: &str,
    size: u64,
) -> Result<u64, ServiceError> {
    let body = signer
        .verify(cp, Some(&config.origin))
        .map_err(|e| ServiceError::Inconsistent(format!("{what} does not verify: {e}")))?;
    let fix = "leaves.log was cut or restored from an older backup: put back the leaves.log the checkpoint was signed over (from a newer backup or a replica) and start again; never delete the checkpoint to get past this, clients hold checkpoints of that tree (spec §7.5)";
    if body.size > size {
        return Err(ServiceError::Inconsistent(format!(
            "{what} covers {} leaves but leaves.log holds {size}; refusing to sign a checkpoint inconsistent with it: {fix}",
            body.size
        )));
    }
    let root = tree_hash(body.size, store).map_err(|e| ServiceError::Internal(e.to_string()))?;
    if root != body.root {
        return Err(ServiceError::Inconsistent(format!(
            "the root of the first {} leaves differs from {what}: {fix}",
            body.size
        )));
    }
    Ok(body.size)
}

/// Checks the views against what the ledger itself fixed and signed: the
/// genesis names the key in `ledger-key.pem` and the origin in
/// `ledger.json`, and the checkpoints kept in the views and in the
/// `checkpoint` file (if any) are prefixes of the leaves, never ahead of
/// them (spec §7.5). Returns the checkpoint for the current size and that
/// size, signing and storing a new one when the size has grown; the file
/// is (re)written when it does not hold that checkpoint.
fn settle_checkpoint(
    store: &Store,
    checkpoint_file: &CheckpointFile,
    config: &LedgerConfig,
    signer: &NoteKey,
    ledger_key: PublicKey,
    size: u64,
    end: u64,
) -> Result<(String, u64), ServiceError> {
    match store.ledger()? {
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
    let file_error = |e: std::io::Error| {
        ServiceError::Store(format!("{}: {e}", checkpoint_file.path().display()))
    };
    let mut current = None;
    if let Some(cp) = store.checkpoint()?
        && check_prefix(store, config, signer, &cp, "the stored checkpoint", size)? == size
    {
        current = Some(cp);
    }
    let in_file = checkpoint_file.load().map_err(file_error)?;
    if let Some(cp) = &in_file {
        check_prefix(store, config, signer, cp, "the checkpoint file", size)?;
    }
    let cp = match current {
        Some(cp) => cp,
        None => {
            let root = tree_hash(size, store).map_err(internal)?;
            let cp = signer
                .sign(&CheckpointBody {
                    origin: config.origin.clone(),
                    size,
                    root,
                })
                .map_err(|e| ServiceError::Internal(e.to_string()))?;
            checkpoint_file.store(&cp).map_err(file_error)?;
            store_checkpoint(store, size, end, cp.clone())?;
            return Ok((cp, size));
        }
    };
    if in_file.as_deref() != Some(cp.as_str()) {
        checkpoint_file.store(&cp).map_err(file_error)?;
    }
    Ok((cp, size))
}

/// A mirror's [`settle_checkpoint`]: nothing is signed. The `checkpoint`
/// file holds the primary's note it last published (spec §8.18), which
/// must verify with the pinned key and be a prefix of the `size` leaves
/// replayed; leaves after it were written by a catch-up that had not yet
/// reached the primary's next note, and wait for it. The genesis must
/// name the pinned key and the origin. The views get the note when they
/// lack it. Returns the note and the size it signs; a mirror that has
/// published nothing yet has an empty note and size 0.
fn settle_mirror(
    store: &Store,
    checkpoint_file: &CheckpointFile,
    config: &LedgerConfig,
    key: &NoteKey,
    ledger_key: PublicKey,
    size: u64,
    end: u64,
) -> Result<(String, u64), ServiceError> {
    let file_error = |e: std::io::Error| {
        ServiceError::Store(format!("{}: {e}", checkpoint_file.path().display()))
    };
    let held = checkpoint_file.load().map_err(file_error)?;
    if size == 0 && held.is_none() {
        return Ok((String::new(), 0));
    }
    match store.ledger()? {
        Some(info) if info.ledger_key == ledger_key && info.origin == config.origin => {}
        _ => {
            return Err(ServiceError::Inconsistent(
                "mirror.json or ledger.json does not match the genesis leaf".into(),
            ));
        }
    }
    let Some(cp) = held else {
        // Leaves of a first catch-up cut short, before any note: nothing
        // published yet. A note in the views without the file is a lost file.
        if store.checkpoint()?.is_some() {
            return Err(ServiceError::Inconsistent(
                "the mirror's checkpoint file is missing, although its views hold a published checkpoint: restore the file from a backup, or remove the directory and mirror the primary again".into(),
            ));
        }
        return Ok((String::new(), 0));
    };
    let published = check_prefix(store, config, key, &cp, "the checkpoint file", size)?;
    if store.checkpoint()?.as_deref() != Some(cp.as_str()) {
        store_checkpoint(store, size, end, cp.clone())?;
    }
    Ok((cp, published))
}

/// The ledger's private key: from `key_file` when given, else
/// `DIR/ledger-key.pem` (spec §12.1). A missing file says where the key
/// was looked for and how to name another.
fn read_ledger_key(
    layout: &Layout,
    key_file: Option<&Path>,
) -> Result<ed25519_dalek::SigningKey, ServiceError> {
    let default = layout.ledger_key();
    let path = key_file.unwrap_or(&default);
    if !path.exists() {
        return Err(ServiceError::Store(format!(
            "no ledger key at {}: give the file that holds it with --ledger-key-file PATH",
            path.display()
        )));
    }
    Ok(keyfile::read(path)?)
}

impl Ledger {
    /// Creates a ledger in `dir` (spec §10 `init`): a new ledger key (0600),
    /// `ledger.json`, and leaf 0, the genesis naming the registrars and the
    /// ledger's `format` (a real ledger starts in
    /// [`LedgerFormat::NEWEST`]; format 1 is for reading old ledgers'
    /// behaviour in tests).
    pub fn init(
        dir: &Path,
        origin: &str,
        key_name: Option<&str>,
        registrars: &[RegistrarSpec],
        format: LedgerFormat,
        clock: &dyn Clock,
    ) -> Result<InitReport, ServiceError> {
        Self::init_keyed(dir, origin, key_name, registrars, format, clock, None)
    }

    /// [`Ledger::init`], writing the new ledger key to `key_file` instead
    /// of `DIR/ledger-key.pem` when one is given (`init --ledger-key-file`,
    /// spec §10.2): a key kept outside the data directory is never copied
    /// with it.
    pub fn init_keyed(
        dir: &Path,
        origin: &str,
        key_name: Option<&str>,
        registrars: &[RegistrarSpec],
        format: LedgerFormat,
        clock: &dyn Clock,
        key_file: Option<&Path>,
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
        let mut genesis = serde_json::json!({
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
        });
        // A format-1 genesis has no `format`, as before formats existed.
        if format != LedgerFormat::V1 {
            genesis["format"] = serde_json::json!(format.number());
        }
        let text = genesis.to_string();
        let st = statement::parse(&text)?;
        let env = Envelope::sign(text, &key);
        let ctx = Context {
            index: 0,
            logged_at: at,
        };
        // Decide before writing anything, so a refused genesis leaves no files.
        crate::domain::rules::apply(&MemState::default(), &ctx, &env, &st)?;
        if !signed_note::is_key_name_valid(&key_name) {
            return Err(
                Refusal::with(Code::MalformedStatement, "key name: no spaces or '+'").into(),
            );
        }
        keyfile::write(key_file.unwrap_or(&layout.ledger_key()), &key)?;
        store::write_config(
            &layout,
            &LedgerConfig {
                origin: origin.to_owned(),
                key_name: key_name.clone(),
            },
        )?;
        let io: Arc<dyn FileIo> = Arc::new(RealIo);
        let mut writer = LeafWriter::create(&layout.leaves(), Arc::clone(&io))?;
        let checkpoint_file = CheckpointFile::new(dir, io);
        let store = Store::open(&layout)?;
        let mut group = GroupCommit::new(&store, 0);
        let changes = group.decide(&ctx, &env, &st)?;
        let leaf = Leaf::new(0, at, &env).to_bytes();
        group
            .accept(leaf, env.entry_id(), changes)
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
        let signer = NoteKey::signer(&key_name, key);
        let seal = Seal::Sign {
            signer: &signer,
            origin,
        };
        let published = group.write(&mut writer, &checkpoint_file, seal, None)?;
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
        Self::open_as(dir, options, false)
    }

    /// Opens a mirror's data directory (spec §8.18, §12.9): read-only (a
    /// submission is refused `read_only`), with no private key; its tree
    /// grows only by [`Ledger::mirror_append`]. The leaves are replayed as
    /// [`Ledger::open`] does. Its published tree is the one its
    /// `checkpoint` file signs (the primary's note it last verified);
    /// leaves written after it, by a catch-up that had not yet reached the
    /// primary's next note, are kept and published with that note.
    pub fn open_mirror(dir: &Path, options: OpenOptions) -> Result<Self, ServiceError> {
        Self::open_as(dir, options, true)
    }

    fn open_as(dir: &Path, options: OpenOptions, mirror: bool) -> Result<Self, ServiceError> {
        let layout = Layout::new(dir);
        let lock = store::lock_dir(&layout)?;
        let config = store::read_config(&layout)?;
        let checkpoint_file = CheckpointFile::new(dir, Arc::clone(&options.io));
        // A mirror has the primary's public key only.
        let (key, mirror_of) = if mirror {
            let m = store::mirror::read(&layout)?.ok_or_else(|| {
                ServiceError::Inconsistent(format!(
                    "{} is not a mirror (no mirror.json)",
                    dir.display()
                ))
            })?;
            (NoteKey::verifier(&config.key_name, &m.ledger_key), Some(m))
        } else {
            let key = read_ledger_key(&layout, options.ledger_key_file.as_deref())?;
            (NoteKey::signer(&config.key_name, key), None)
        };
        let ledger_key = key
            .public_key()
            .ok_or_else(|| ServiceError::Internal("no ledger key".into()))?;
        let store = Store::open(&layout)?;
        // What the page cache holds may never reach the disk (a sync that
        // failed before a crash): sync first, then replay and sign (spec §7.6).
        leaflog::sync_file(&layout.leaves(), options.io.as_ref())?;
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
        let writer = LeafWriter::open(&layout.leaves(), records.end(), Arc::clone(&options.io))?;
        // A mirror takes the primary's note; a ledger signs its own.
        let settle = if mirror_of.is_some() {
            settle_mirror
        } else {
            settle_checkpoint
        };
        let (checkpoint, size) = settle(
            &store,
            &checkpoint_file,
            &config,
            &key,
            ledger_key,
            size,
            writer.end(),
        )?;
        let linkage = RwLock::new(linkage_index(&store)?);
        let format = store.ledger()?.map(|l| l.format).unwrap_or_default();
        let metrics = if mirror_of.is_some() {
            Metrics::for_mirror()
        } else {
            Metrics::default()
        };
        let shared = Arc::new(Shared {
            store,
            config,
            ledger_key,
            tip: RwLock::new(Arc::new(Published {
                size,
                checkpoint: checkpoint.clone(),
            })),
            published_tx: tokio::sync::watch::Sender::new(Arc::new(Published { size, checkpoint })),
            poisoned: AtomicBool::new(false),
            metrics,
            linkage,
            disclosures: Disclosures::open(&layout.disclosures())?,
            disclosure_changes: AtomicU64::new(0),
            format,
            mirror_of: mirror_of.map(|m| m.from),
            halted: RwLock::new(None),
        });
        let erased = shared.sweep_disclosures()?;
        if erased > 0 {
            tracing::info!(erased, "erased disclosures whose consent was withdrawn");
        }
        shared
            .metrics
            .tree_size
            .set(i64::try_from(size).unwrap_or(i64::MAX));
        let (tx, rx) = mpsc::channel(options.queue_capacity.max(1));
        let queue_bytes = options
            .queue_bytes
            .clamp(1, tokio::sync::Semaphore::MAX_PERMITS);
        let seq = Sequencer {
            shared: Arc::clone(&shared),
            writer,
            checkpoint_file,
            key,
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
            queue_bytes: Arc::new(tokio::sync::Semaphore::new(queue_bytes)),
            clock: options.clock,
            targets: options.targets,
            dir: dir.to_path_buf(),
            io: options.io,
            witnessing: std::sync::OnceLock::new(),
            _lock: lock,
        })
    }

    /// Rebuilds every view from `leaves.log` (spec §10 `reindex`).
    pub fn reindex(dir: &Path, on_progress: &mut dyn FnMut(u64)) -> Result<u64, ServiceError> {
        Self::reindex_keyed(dir, None, on_progress)
    }

    /// [`Ledger::reindex`] with the ledger key in `key_file` instead of
    /// `DIR/ledger-key.pem` when one is given (`reindex --ledger-key-file`).
    pub fn reindex_keyed(
        dir: &Path,
        key_file: Option<&Path>,
        on_progress: &mut dyn FnMut(u64),
    ) -> Result<u64, ServiceError> {
        let layout = Layout::new(dir);
        let _lock = store::lock_dir(&layout)?;
        let config = store::read_config(&layout)?;
        let key = read_ledger_key(&layout, key_file)?;
        let ledger_key = PublicKey::from(key.verifying_key());
        let store = Store::open(&layout)?;
        let (size, end) = rebuild(&layout, &store, on_progress)?;
        let signer = NoteKey::signer(&config.key_name, key);
        let checkpoint_file = CheckpointFile::new(dir, Arc::new(RealIo));
        settle_checkpoint(
            &store,
            &checkpoint_file,
            &config,
            &signer,
            ledger_key,
            size,
            end,
        )?;
        store.flush()?;
        Ok(size)
    }

    /// Stops the sequencer after the group commit in progress; entries
    /// still queued are answered 503. Safe to call more than once.
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
