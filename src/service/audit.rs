//! The audit (spec §10 `audit`): re-verify every leaf, signature, rule and
//! root, and consistency with a checkpoint the auditor saved earlier.
//!
//! The audit trusts nothing the ledger computed: it reads the raw leaves
//! (from a stopped data directory, or page by page from a server through
//! the one HTTP client, [`super::client::Client`]), replays
//! every statement through the same pure rules into a fresh in-memory state,
//! rebuilds the Merkle tree itself, and checks the signed checkpoints against
//! that tree. Signatures are checked in parallel batches
//! (`ed25519_dalek::verify_batch`, sound because registration refuses weak
//! keys, spec §2); a failing batch is re-checked one by one with
//! `verify_strict` to name the leaf.
//!
//! [`Auditor`] is fed raw leaves in order; phase 1 (hashes, parsing, batch
//! signature checks) runs on several threads while phase 2 (index, entry id,
//! rules, tree) runs in order on the chunk before. [`audit_dir`] reads a
//! stopped data directory under its lock; [`audit_server`] reads a live
//! server over HTTP and also checks its consistency proof from a trusted
//! checkpoint (spec §10.8).

use super::ServiceError;
use super::client::{Client, ClientError};
use crate::domain::checkpoint::{CheckpointBody, NoteKey};
use crate::domain::envelope::signed_bytes;
use crate::domain::keys::PublicKey;
use crate::domain::leaf::Leaf;
use crate::domain::merkle::{Hash, MemHashes, leaf_hash, verify_consistency};
use crate::domain::rules::{self, Context, MemState};
use crate::domain::statement::{self, Body};
use crate::store::disclosures::FoundDisclosure;
use crate::store::leaflog::Records;
use crate::store::{self, Layout, Store};
use std::collections::HashSet;
use std::path::Path;

/// Leaves each thread parses and whose signatures it verifies together.
pub const SIG_CHUNK: usize = 2048;

/// Leaves fetched per request from a server.
pub const PAGE: u64 = 1000;

/// Failures listed before the audit stops collecting them.
pub const MAX_FAILURES: usize = 100;

/// One thing that does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The leaf concerned, if one is.
    pub index: Option<u64>,
    /// What is wrong.
    pub what: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.index {
            Some(i) => write!(f, "leaf {i}: {}", self.what),
            None => f.write_str(&self.what),
        }
    }
}

/// What the audit found.
#[derive(Debug, Clone)]
pub struct AuditReport {
    /// Leaves read.
    pub leaves: u64,
    /// The root the audit computed over all leaves read.
    pub root: Hash,
    /// The ledger key the checkpoints were checked with.
    pub ledger_key: Option<PublicKey>,
    /// The latest checkpoint, verified.
    pub checkpoint: Option<CheckpointBody>,
    /// The trusted checkpoint, verified and found consistent.
    pub trusted: Option<CheckpointBody>,
    /// Everything that does not hold (empty: the audit passed).
    pub failures: Vec<Failure>,
}

impl AuditReport {
    /// True when everything holds.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// One leaf after the parallel phase: parsed, hashed, signature checked.
struct Prepared {
    hash: Hash,
    /// The leaf's own fields, or why it could not be read.
    parsed: Result<ParsedLeaf, String>,
}

struct ParsedLeaf {
    leaf_index: u64,
    env: crate::domain::envelope::Envelope,
    statement: Result<crate::domain::statement::Statement, String>,
    logged_at: Result<crate::domain::time::Timestamp, String>,
    sig_ok: bool,
}

/// Parses and hashes a run of leaves and checks their signatures in one
/// batch (falling back to `verify_strict` one by one to find a bad one).
/// Runs on several threads at once, each with its own cache of decompressed
/// keys (most entries are signed by a few keys).
fn prepare(leaves: &[Vec<u8>]) -> Vec<Prepared> {
    let mut points: std::collections::HashMap<[u8; 32], Option<ed25519_dalek::VerifyingKey>> =
        std::collections::HashMap::new();
    let mut out: Vec<Prepared> = leaves
        .iter()
        .map(|bytes| {
            let parsed = Leaf::parse(bytes)
                .map_err(|e| e.to_string())
                .map(|leaf| ParsedLeaf {
                    leaf_index: leaf.index,
                    logged_at: leaf.logged_at().map_err(|e| e.to_string()),
                    statement: statement::parse(&leaf.statement).map_err(|r| r.to_string()),
                    env: leaf.envelope(),
                    sig_ok: false,
                });
            Prepared {
                hash: leaf_hash(bytes),
                parsed,
            }
        })
        .collect();
    let mut batch = Vec::new();
    for (k, p) in out.iter().enumerate() {
        if let Ok(l) = &p.parsed {
            let point = *points
                .entry(l.env.key.to_bytes())
                .or_insert_with(|| l.env.key.point().ok());
            if let Some(point) = point {
                batch.push((
                    k,
                    signed_bytes(&l.env.statement),
                    l.env.sig.to_dalek(),
                    point,
                ));
            }
        }
    }
    let msgs: Vec<&[u8]> = batch.iter().map(|b| b.1.as_slice()).collect();
    let sigs: Vec<_> = batch.iter().map(|b| b.2).collect();
    let keys: Vec<_> = batch.iter().map(|b| b.3).collect();
    let all_good = ed25519_dalek::verify_batch(&msgs, &sigs, &keys).is_ok();
    for (k, msg, sig, point) in &batch {
        if let Ok(l) = &mut out[*k].parsed {
            l.sig_ok = all_good || point.verify_strict(msg, sig).is_ok();
        }
    }
    out
}

/// [`prepare`] on `threads` parts of a chunk at once. A part whose thread
/// failed is not dropped silently: the failure goes on to the thread that
/// joins this one, and the audit reports it ([`Auditor::check_all`]).
fn prepare_parallel(chunk: &[Vec<u8>], threads: usize) -> Vec<Prepared> {
    let per = chunk.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = chunk
            .chunks(per)
            .map(|part| s.spawn(move || prepare(part)))
            .collect();
        let mut out = Vec::with_capacity(chunk.len());
        for h in handles {
            match h.join() {
                Ok(part) => out.extend(part),
                Err(failure) => std::panic::resume_unwind(failure),
            }
        }
        out
    })
}

/// Checks the signatures of `leaves` as the audit does (in batches, on
/// every core, each of a failed batch again with `verify_strict`): the
/// position in `leaves` of the first leaf that does not parse or whose
/// signature does not verify. A mirror checks what it fetched with this
/// before its sequencer decides the leaves (spec §8.18).
pub fn first_bad_signature(leaves: &[Vec<u8>]) -> Option<usize> {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    prepare_parallel(leaves, threads)
        .iter()
        .position(|p| !matches!(&p.parsed, Ok(l) if l.sig_ok))
}

/// Replays leaves fed in order and collects failures.
pub struct Auditor {
    state: MemState,
    tree: MemHashes,
    seen: HashSet<[u8; 32]>,
    buffer: Vec<Vec<u8>>,
    inflight: Option<std::thread::JoinHandle<Vec<Prepared>>>,
    fed: u64,
    threads: usize,
    failures: Vec<Failure>,
    pinned_key: Option<PublicKey>,
    genesis_key: Option<PublicKey>,
    origin: Option<String>,
}

impl Auditor {
    /// A new audit; `pinned_key` is the ledger key the auditor got out of
    /// band (otherwise the genesis leaf's key is used and reported).
    pub fn new(pinned_key: Option<PublicKey>) -> Self {
        Self {
            state: MemState::default(),
            tree: MemHashes::new(),
            seen: HashSet::new(),
            buffer: Vec::new(),
            inflight: None,
            fed: 0,
            threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
            failures: Vec::new(),
            pinned_key,
            genesis_key: None,
            origin: None,
        }
    }

    fn fail(&mut self, index: Option<u64>, what: impl Into<String>) {
        if self.failures.len() < MAX_FAILURES {
            self.failures.push(Failure {
                index,
                what: what.into(),
            });
        }
    }

    /// Leaves fed so far.
    pub fn size(&self) -> u64 {
        self.fed
    }

    /// Feeds the next leaf's bytes.
    pub fn feed(&mut self, bytes: &[u8]) {
        self.buffer.push(bytes.to_vec());
        self.fed += 1;
        if self.buffer.len() >= SIG_CHUNK * self.threads {
            self.process();
        }
    }

    /// Starts preparing the buffered leaves on background threads, and
    /// checks the previous chunk in order meanwhile: parsing, hashing and
    /// signatures of chunk k+1 overlap the tree, duplicate and rule checks
    /// of chunk k.
    fn process(&mut self) {
        let chunk = std::mem::take(&mut self.buffer);
        let threads = self.threads;
        let next = (!chunk.is_empty())
            .then(|| std::thread::spawn(move || prepare_parallel(&chunk, threads)));
        if let Some(previous) = std::mem::replace(&mut self.inflight, next) {
            self.check_all(previous);
        }
    }

    /// Prepares and checks everything fed so far.
    fn drain(&mut self) {
        self.process();
        if let Some(last) = self.inflight.take() {
            self.check_all(last);
        }
    }

    fn check_all(&mut self, prepared: std::thread::JoinHandle<Vec<Prepared>>) {
        match prepared.join() {
            Ok(prepared) => {
                for p in prepared {
                    self.check(p);
                }
            }
            Err(_) => self.fail(None, "a verification thread failed"),
        }
    }

    fn check(&mut self, p: Prepared) {
        let index = self.tree.size();
        if let Err(e) = self.tree.push(p.hash) {
            self.fail(Some(index), format!("tree: {e}"));
        }
        let leaf = match p.parsed {
            Ok(l) => l,
            Err(e) => return self.fail(Some(index), e),
        };
        if leaf.leaf_index != index {
            return self.fail(
                Some(index),
                format!(
                    "the leaf says it is leaf {} (a leaf is missing or out of place)",
                    leaf.leaf_index
                ),
            );
        }
        if !self.seen.insert(leaf.env.entry_id().0) {
            self.fail(Some(index), "the same envelope was logged before");
        }
        if !leaf.sig_ok {
            self.fail(Some(index), "the signature does not verify (verify_strict)");
        }
        let st = match leaf.statement {
            Ok(s) => s,
            Err(r) => return self.fail(Some(index), format!("statement refused: {r}")),
        };
        if let (0, Body::Genesis(g)) = (index, &st.body) {
            self.genesis_key = Some(g.ledger_key);
            self.origin = Some(g.origin.clone());
        }
        let logged_at = match leaf.logged_at {
            Ok(t) => t,
            Err(e) => return self.fail(Some(index), e),
        };
        match rules::apply(&self.state, &Context { index, logged_at }, &leaf.env, &st) {
            Ok(changes) => self.state.write(&changes),
            Err(e) => self.fail(Some(index), format!("the rules refuse it on replay: {e}")),
        }
    }

    /// The key checkpoints are verified with.
    pub fn ledger_key(&self) -> Option<PublicKey> {
        self.pinned_key.or(self.genesis_key)
    }

    /// Finishes: checks the latest checkpoint, the one in the data
    /// directory's `checkpoint` file (spec §12.6) and the trusted one against
    /// the rebuilt tree. `key_name` is the signed-note key name.
    pub fn finish(
        mut self,
        key_name: &str,
        checkpoint: Option<&str>,
        file: Option<&str>,
        trust: Option<&str>,
    ) -> AuditReport {
        self.drain();
        let size = self.tree.size();
        if let (Some(pinned), Some(genesis)) = (self.pinned_key, self.genesis_key)
            && pinned != genesis
        {
            self.fail(
                Some(0),
                format!("the genesis names ledger key {genesis}, not the pinned {pinned}"),
            );
        }
        if size > 0 && self.genesis_key.is_none() {
            self.fail(Some(0), "leaf 0 is not a valid genesis");
        }
        let root = self.tree.root_at(size).unwrap_or_default();
        let key = self.ledger_key();
        let mut verify = |what: &str, note: &str| -> Option<CheckpointBody> {
            let Some(key) = key else {
                self.fail(None, format!("{what}: no ledger key to verify it with"));
                return None;
            };
            let body = match NoteKey::verifier(key_name, &key).verify(note, self.origin.as_deref())
            {
                Ok(b) => b,
                Err(e) => {
                    self.fail(None, format!("{what}: {e}"));
                    return None;
                }
            };
            if body.size > size {
                self.fail(
                    None,
                    format!(
                        "{what} covers {} leaves but only {size} were found: leaves are missing",
                        body.size
                    ),
                );
                return None;
            }
            match self.tree.root_at(body.size) {
                Ok(r) if r == body.root => Some(body),
                _ => {
                    self.fail(None, format!("{what} of size {} has a root the leaves do not give: the log was changed", body.size));
                    None
                }
            }
        };
        let latest = checkpoint.and_then(|c| verify("the latest checkpoint", c));
        let from_file = file.and_then(|c| verify("the checkpoint file", c));
        let latest = latest.or(from_file);
        let trusted = trust.and_then(|t| verify("the trusted checkpoint", t));
        AuditReport {
            leaves: size,
            root,
            ledger_key: key,
            checkpoint: latest,
            trusted,
            failures: self.failures,
        }
    }

    /// Checks the disclosures a data directory keeps (spec §6.17) against
    /// the replayed state: each must name a member registered with a
    /// commitment it opens, and whose latest consent is public. The names
    /// themselves are never reported.
    pub fn check_disclosures(&mut self, found: Vec<FoundDisclosure>) {
        self.drain();
        for (file, read) in found {
            let d = match read {
                Ok(d) => d,
                Err(e) => {
                    self.fail(None, format!("disclosures/{file} is not a disclosure: {e}"));
                    continue;
                }
            };
            let Some(member) = self.state.actors.get(&d.member) else {
                self.fail(
                    None,
                    format!(
                        "disclosures/{file} names {}, who is not registered",
                        d.member
                    ),
                );
                continue;
            };
            let (commit, public) = (member.name_commit, member.public);
            match commit {
                None => self.fail(None, format!("disclosures/{file}: {} has no name_commit", d.member)),
                Some(c) if d.clone().opening(&c).is_err() => self.fail(
                    None,
                    format!("disclosures/{file}: the name kept for {} is not the one it committed to", d.member),
                ),
                Some(_) if !public => self.fail(
                    None,
                    format!("disclosures/{file}: {} has withdrawn consent, yet its name is kept (it is erased when the ledger next opens)", d.member),
                ),
                Some(_) => {}
            }
        }
    }

    /// Records a failure found outside the leaves (a proof, a transport).
    pub fn note_failure(&mut self, index: Option<u64>, what: impl Into<String>) {
        self.fail(index, what);
    }
}

/// Audits a stopped ledger's data directory (or a copy of one).
pub fn audit_dir(
    dir: &Path,
    pinned_key: Option<PublicKey>,
    trust: Option<&str>,
    on_progress: &mut dyn FnMut(u64, u64),
) -> Result<AuditReport, ServiceError> {
    let layout = Layout::new(dir);
    let _lock = store::lock_dir(&layout).map_err(|e| match e {
        store::StoreError::Locked(_) => ServiceError::Inconsistent(format!(
            "{} is open in a running server; audit a live ledger with --server URL",
            dir.display()
        )),
        other => other.into(),
    })?;
    let config = store::read_config(&layout)?;
    let total = std::fs::metadata(layout.leaves())
        .map(|m| m.len())
        .unwrap_or(0);
    let mut auditor = Auditor::new(pinned_key);
    let records = Records::open(&layout.leaves(), 0)?;
    let mut torn = 0;
    let mut it = records;
    for rec in it.by_ref() {
        match rec {
            Ok((off, bytes)) => {
                auditor.feed(&bytes);
                if auditor.size().is_multiple_of(4096) {
                    on_progress(off, total);
                }
            }
            Err(e) => {
                let at = auditor.size();
                auditor.note_failure(Some(at), format!("{e}; the leaves after it were not read"));
                break;
            }
        }
    }
    if it.torn() > 0 {
        torn = it.torn();
    }
    on_progress(total, total);
    auditor.check_disclosures(store::disclosures::Disclosures::read_only(
        &layout.disclosures(),
    )?);
    // The latest checkpoint lives in the views; a copy without them is
    // audited against the trusted checkpoint alone.
    let (checkpoint, views_problem) = if layout.views().exists() {
        match Store::open(&layout).and_then(|s| s.checkpoint()) {
            Ok(cp) => (cp, None),
            Err(e) => (
                None,
                Some(format!(
                    "the latest checkpoint could not be read from the views: {e}"
                )),
            ),
        }
    } else {
        (None, None)
    };
    let file = store::checkpoint::CheckpointFile::new(dir, std::sync::Arc::new(store::io::RealIo))
        .load()
        .map_err(|e| ServiceError::Store(format!("the checkpoint file: {e}")))?;
    let mut report = auditor.finish(
        &config.key_name,
        checkpoint.as_deref(),
        file.as_deref(),
        trust,
    );
    if let Some(p) = views_problem {
        report.failures.push(Failure {
            index: None,
            what: p,
        });
    }
    if torn > 0 {
        report.failures.push(Failure {
            index: Some(report.leaves),
            what: format!("{torn} bytes at the end of leaves.log are not a complete record (a torn write; the server cuts it off when it next starts)"),
        });
    }
    Ok(report)
}

/// Audits a live ledger through its public API, read with `client`. The
/// server's answers are checked, not trusted; only a server that cannot be
/// read at all (out of reach, or answering something the API never gives)
/// is an error.
pub async fn audit_server(
    client: &Client,
    pinned_key: Option<PublicKey>,
    trust: Option<&str>,
    on_progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<AuditReport, ClientError> {
    let info = client.ledger_info().await?;
    let checkpoint = client.get_text("/api/v1/checkpoint").await?;
    // The size to read comes from the checkpoint text; its signature is
    // checked at the end against the rebuilt tree.
    let size: u64 = checkpoint
        .lines()
        .nth(1)
        .and_then(|l| l.parse().ok())
        .ok_or_else(|| ClientError::Unusable {
            url: client.url("/api/v1/checkpoint"),
            what: "not a checkpoint".into(),
        })?;
    let mut auditor = Auditor::new(pinned_key);
    while auditor.size() < size {
        let start = auditor.size();
        let limit = PAGE.min(size - start);
        let entries = client.entries(start, limit).await?;
        if entries.is_empty() {
            auditor.note_failure(
                Some(start),
                "the server returned no entries although its checkpoint covers them",
            );
            break;
        }
        for e in entries {
            use base64::Engine as _;
            let expected = auditor.size();
            if e.index != expected {
                auditor.note_failure(
                    Some(expected),
                    format!("the server sent leaf {} in its place", e.index),
                );
            }
            match base64::engine::general_purpose::STANDARD.decode(&e.leaf) {
                Ok(bytes) => auditor.feed(&bytes),
                Err(_) => {
                    auditor.note_failure(Some(expected), "the leaf is not base64");
                    auditor.feed(&[]);
                }
            }
        }
        on_progress(auditor.size(), size);
    }
    if let Ok(k) = PublicKey::parse(&info.public_key)
        && auditor.ledger_key().is_some_and(|g| g != k)
    {
        auditor.note_failure(
            None,
            format!("/api/v1/ledger states key {k}, which is not the ledger key of the genesis"),
        );
    }
    // Ask the server for a consistency proof from the trusted checkpoint and
    // check it too: a verifier with only the two checkpoints relies on it.
    let mut proof_check = None;
    if let Some(t) = trust {
        let from: Option<(u64, Hash)> = tlog_tiles::Checkpoint::from_bytes(
            t.split("\n\n")
                .next()
                .map(|b| format!("{b}\n"))
                .unwrap_or_default()
                .as_bytes(),
        )
        .ok()
        .map(|c| (c.size(), *c.hash()));
        if let Some((from, old)) = from.filter(|(from, _)| *from > 0 && *from <= size) {
            #[derive(serde::Deserialize)]
            struct Proof {
                proof: Vec<String>,
            }
            let body = client
                .get(&format!("/api/v1/proof/consistency?from={from}&to={size}"))
                .await?;
            proof_check = Some((
                from,
                old,
                serde_json::from_slice::<Proof>(&body).map(|p| p.proof),
            ));
        }
    }
    auditor.drain();
    let new_root = auditor.tree.root_at(size).ok();
    if let (Some((from, old, proof)), Some(new)) = (proof_check, new_root) {
        let proof: Option<Vec<Hash>> = proof
            .ok()
            .and_then(|p| p.iter().map(|h| Hash::parse_hash(h).ok()).collect());
        let ok = proof.is_some_and(|p| verify_consistency(from, size, old, new, &p).is_ok());
        if !ok {
            auditor.note_failure(
                None,
                format!(
                    "the server's consistency proof from size {from} to {size} does not verify"
                ),
            );
        }
    }
    Ok(auditor.finish(&info.key_name, Some(&checkpoint), None, trust))
}
