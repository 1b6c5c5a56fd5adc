//! One group commit in the making: entries decided against the views plus the
//! effects of the entries before them, their leaves, stored hashes and view
//! changes, ready to be written in one step. The sequencer and the replay
//! (recovery, `reindex`) both build commits with this, so live appends and a
//! rebuild from the log go through the very same code. [`GroupCommit::write`]
//! is the one path that appends, syncs, signs a checkpoint and writes the
//! views.

use super::metrics::Metrics;
use super::{Published, ServiceError};
use crate::domain::checkpoint::{CheckpointBody, NoteKey};
use crate::domain::envelope::Envelope;
use crate::domain::ids::EntryId;
use crate::domain::leaf::Leaf;
use crate::domain::linkage::LinkFact;
use crate::domain::merkle::{
    Hash, HashReader, TlogError, leaf_hash, stored_hash_count, stored_hashes_for_record_hash,
    tree_hash,
};
use crate::domain::rules::{self, ApplyError, Change, Context, Overlay};
use crate::domain::statement::{self, Statement};
use crate::store::checkpoint::CheckpointFile;
use crate::store::leaflog::LeafWriter;
use crate::store::{Commit, Store};
use std::collections::HashMap;

/// Stored hashes of the commit's new leaves over those already stored.
struct CommitHashes<'a> {
    store: &'a Store,
    first: u64,
    new: Vec<Hash>,
}

impl HashReader for CommitHashes<'_> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, TlogError> {
        // Most indexes asked for are old ones; read those from the store in
        // one call and fill in the new ones.
        let old: Vec<u64> = indexes
            .iter()
            .copied()
            .filter(|&i| i < self.first)
            .collect();
        let mut old = self.store.read_hashes(&old)?.into_iter();
        indexes
            .iter()
            .map(|&i| {
                if i < self.first {
                    old.next().ok_or(TlogError::IndexesNotInTree)
                } else {
                    usize::try_from(i - self.first)
                        .ok()
                        .and_then(|k| self.new.get(k).copied())
                        .ok_or(TlogError::IndexesNotInTree)
                }
            })
            .collect()
    }
}

/// How the tree a commit makes is sealed: a checkpoint the ledger signs,
/// or (a mirror, spec §8.18) the primary's note for exactly that tree,
/// checked by the caller.
pub enum Seal<'a> {
    /// Sign a checkpoint of the new tree with the ledger key.
    Sign {
        /// The ledger key.
        signer: &'a NoteKey,
        /// The log's origin.
        origin: &'a str,
    },
    /// Publish this note, which signs the new tree.
    Given(String),
}

/// A group commit being assembled.
pub struct GroupCommit<'a> {
    view: Overlay<'a, Store>,
    hashes: CommitHashes<'a>,
    size: u64,
    leaves: Vec<Vec<u8>>,
    entry_ids: Vec<EntryId>,
    seen: HashMap<EntryId, u64>,
    changes: Vec<Change>,
}

/// A failure inside the group-commit machinery (not a refusal).
#[derive(Debug, thiserror::Error)]
#[error("merkle hashes: {0}")]
pub struct HashError(#[from] pub TlogError);

impl<'a> GroupCommit<'a> {
    /// Starts a commit on top of a store holding `size` leaves.
    pub fn new(store: &'a Store, size: u64) -> Self {
        Self {
            view: Overlay::new(store),
            hashes: CommitHashes {
                store,
                first: stored_hash_count(size),
                new: Vec::new(),
            },
            size,
            leaves: Vec::new(),
            entry_ids: Vec::new(),
            seen: HashMap::new(),
            changes: Vec::new(),
        }
    }

    /// The index the next accepted entry gets.
    pub fn next_index(&self) -> u64 {
        self.size + self.leaves.len() as u64
    }

    /// The index of an entry accepted earlier in this commit.
    pub fn accepted_index(&self, id: &EntryId) -> Option<u64> {
        self.seen.get(id).copied()
    }

    /// Decides an entry against the state including the entries accepted before it.
    pub fn decide(
        &self,
        ctx: &Context,
        env: &Envelope,
        st: &Statement,
    ) -> Result<Vec<Change>, ApplyError> {
        rules::apply(&self.view, ctx, env, st)
    }

    /// Decides and adds a leaf that is already logged (`leaves.log` on
    /// replay, or the primary's log on a mirror): it must parse, say it is
    /// the next leaf, carry a valid signature (`verify_strict`), be new,
    /// and be accepted by the rules at its own `logged_at`, exactly as when
    /// it was first appended. `source` says where it was read, for the
    /// error. `signature_checked` skips the signature when the caller has
    /// checked it already (a mirror, in parallel batches:
    /// [`super::audit::first_bad_signature`]).
    pub fn accept_logged(
        &mut self,
        bytes: Vec<u8>,
        source: &str,
        signature_checked: bool,
    ) -> Result<u64, ServiceError> {
        let store = self.hashes.store;
        let index = self.next_index();
        let bad = |why: String| ServiceError::Inconsistent(format!("leaf {index} {source}: {why}"));
        let leaf = Leaf::parse(&bytes).map_err(|e| bad(e.to_string()))?;
        if leaf.index != index {
            return Err(bad(format!("it says it is leaf {}", leaf.index)));
        }
        let env = leaf.envelope();
        if !signature_checked {
            env.verify().map_err(|e| bad(e.to_string()))?;
        }
        let id = env.entry_id();
        if self.accepted_index(&id).is_some() || store.entry_index(&id)?.is_some() {
            return Err(bad("the same envelope is logged twice".into()));
        }
        let st = statement::parse(&env.statement).map_err(|r| bad(r.to_string()))?;
        let logged_at = leaf.logged_at().map_err(|e| bad(e.to_string()))?;
        let ctx = Context { index, logged_at };
        let changes = self
            .decide(&ctx, &env, &st)
            .map_err(|e| bad(format!("the rules refuse it: {e}")))?;
        self.accept(bytes, id, changes)
            .map_err(|e| ServiceError::Internal(e.to_string()))
    }

    /// Adds an accepted entry's leaf and its changes.
    pub fn accept(
        &mut self,
        leaf: Vec<u8>,
        id: EntryId,
        changes: Vec<Change>,
    ) -> Result<u64, HashError> {
        let index = self.next_index();
        let new = stored_hashes_for_record_hash(index, leaf_hash(&leaf), &self.hashes)?;
        self.hashes.new.extend(new);
        self.view.write(&changes);
        self.changes.extend(changes);
        self.seen.insert(id, index);
        self.entry_ids.push(id);
        self.leaves.push(leaf);
        Ok(index)
    }

    /// The linkage facts of the accepted entries, in log order.
    pub fn link_facts(&self) -> Vec<LinkFact> {
        self.changes
            .iter()
            .filter_map(|c| match c {
                Change::Link { fact, .. } => Some(fact.clone()),
                _ => None,
            })
            .collect()
    }

    /// True when nothing was accepted.
    pub fn is_empty(&self) -> bool {
        self.leaves.is_empty()
    }

    /// The leaves to append, in order.
    pub fn leaves(&self) -> &[Vec<u8>] {
        &self.leaves
    }

    /// The tree size after this commit.
    pub fn new_size(&self) -> u64 {
        self.next_index()
    }

    /// The root after this commit.
    pub fn root(&self) -> Result<Hash, HashError> {
        Ok(tree_hash(self.new_size(), &self.hashes)?)
    }

    /// The views' part of the commit, given where the leaves were written.
    pub fn into_commit(self, offsets: Vec<u64>, end: u64, checkpoint: Option<String>) -> Commit {
        Commit {
            first_index: self.size,
            offsets,
            entry_ids: self.entry_ids,
            first_hash: self.hashes.first,
            hashes: self.hashes.new,
            changes: self.changes,
            end,
            checkpoint,
        }
    }

    /// Writes the commit: appends its leaves to `leaves.log`, syncs them,
    /// seals the new tree (signs its checkpoint, or takes the primary's
    /// note on a mirror), writes the note to the `checkpoint` file (before
    /// it is published, spec §7.5) and writes the views. The one write path
    /// of a published tree (sequencer, `init`, a mirror's append); replay
    /// writes the views only, through [`GroupCommit::into_commit`].
    pub fn write(
        self,
        writer: &mut LeafWriter,
        checkpoint_file: &CheckpointFile,
        seal: Seal<'_>,
        metrics: Option<&Metrics>,
    ) -> Result<Published, ServiceError> {
        let store = self.hashes.store;
        let size = self.new_size();
        let offsets = self.append_synced(writer, metrics)?;
        let note = match seal {
            Seal::Given(note) => note,
            Seal::Sign { signer, origin } => {
                let root = self
                    .root()
                    .map_err(|e| ServiceError::Internal(e.to_string()))?;
                let body = CheckpointBody {
                    origin: origin.to_owned(),
                    size,
                    root,
                };
                signer
                    .sign(&body)
                    .map_err(|e| ServiceError::Internal(e.to_string()))?
            }
        };
        checkpoint_file
            .store(&note)
            .map_err(|e| ServiceError::Store(format!("writing the checkpoint file: {e}")))?;
        let commit = self.into_commit(offsets, writer.end(), Some(note.clone()));
        store.commit(&commit)?;
        Ok(Published {
            size,
            checkpoint: note,
        })
    }

    /// Writes a mirror's leaves that come before the primary's note is
    /// reached (spec §8.18): appends them to `leaves.log`, syncs them and
    /// writes the views, but seals and publishes nothing; the checkpoint
    /// file and the published tree stay as they were.
    pub fn write_unsealed(
        self,
        writer: &mut LeafWriter,
        metrics: Option<&Metrics>,
    ) -> Result<(), ServiceError> {
        let store = self.hashes.store;
        let offsets = self.append_synced(writer, metrics)?;
        store.commit(&self.into_commit(offsets, writer.end(), None))?;
        Ok(())
    }

    /// Appends the leaves to `leaves.log` and syncs them; their offsets.
    fn append_synced(
        &self,
        writer: &mut LeafWriter,
        metrics: Option<&Metrics>,
    ) -> Result<Vec<u64>, ServiceError> {
        let offsets = writer.append(self.leaves())?;
        let t = std::time::Instant::now();
        writer.sync()?;
        if let Some(m) = metrics {
            m.sync_seconds.observe(t.elapsed().as_secs_f64());
            m.group_commit_entries.observe(offsets.len() as f64);
        }
        Ok(offsets)
    }
}
