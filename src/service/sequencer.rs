//! The sequencer: the one writer of a ledger, on its own thread.
//!
//! Submissions arrive on a bounded queue. The sequencer takes everything
//! waiting (up to [`MAX_GROUP_COMMIT_ENTRIES`]), decides each entry in order against the
//! views plus the entries before it, appends the accepted leaves to
//! `leaves.log`, makes them durable with one `fdatasync` (group commit), signs
//! one checkpoint covering them, writes the views in one atomic sled batch,
//! publishes the new tree, and only then answers each submitter with its
//! index and that tree; the submitter builds its inclusion proof itself
//! (spec §7).
//!
//! Each job is answered with a [`Sequenced`] (`index`, the leaf hash, the
//! published tip). If the group commit fails, no job of it is acknowledged,
//! they are answered 503, and after a failed write or sync the ledger
//! answers every later submission 503, and `/healthz` 503, until it is
//! restarted (spec §7.2). [`MAX_GROUP_COMMIT_ENTRIES`] and [`QUEUE_CAPACITY`]
//! bound a commit and the queue.

use super::group_commit::{GroupCommit, Seal};
use super::{Clock, Published, ServiceError, Shared};
use crate::domain::checkpoint::NoteKey;
use crate::domain::envelope::Envelope;
use crate::domain::ids::EntryId;
use crate::domain::leaf::Leaf;
use crate::domain::merkle::{Hash, leaf_hash};
use crate::domain::messages::{Code, Refusal};
use crate::domain::rules::Context;
use crate::domain::statement::Statement;
use crate::domain::time::Timestamp;
use crate::store::checkpoint::CheckpointFile;
use crate::store::leaflog::LeafWriter;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use tokio::sync::{mpsc, oneshot};

/// Most entries in one group commit.
pub const MAX_GROUP_COMMIT_ENTRIES: usize = 4096;

/// Submissions that may wait in the queue before new ones get 429.
pub const QUEUE_CAPACITY: usize = 16 * 1024;

/// The most bytes of envelopes waiting for the sequencer (64 MiB); a
/// submission that would go past it is answered 429 `busy`, as when the
/// queue is full (issue 16: 16 Ki envelopes of 64 KiB each were 1 GiB).
pub const QUEUE_BYTES: usize = 64 * 1024 * 1024;

/// A checked submission waiting to be sequenced.
pub struct Job {
    /// The envelope (signature already verified).
    pub env: Envelope,
    /// Its parsed statement.
    pub statement: Statement,
    /// Its entry id.
    pub entry_id: EntryId,
    /// Where the answer goes.
    pub reply: oneshot::Sender<Result<Sequenced, ServiceError>>,
    /// Its share of [`QUEUE_BYTES`], given back when the job is dropped.
    pub bytes: tokio::sync::OwnedSemaphorePermit,
}

/// The sequencer's answer: where the entry is and the tree that covers it.
/// The submitter builds its receipt (the inclusion proof) from this on its
/// own thread, so the one writer spends no time on proofs.
#[derive(Debug)]
pub struct Sequenced {
    /// The leaf index.
    pub index: u64,
    /// The leaf hash when this group commit wrote the leaf; `None` for a duplicate.
    pub leaf_hash: Option<Hash>,
    /// The published tree covering the leaf.
    pub tip: Arc<Published>,
}

/// Leaves a mirror verified against the primary's tiles, to append with
/// the primary's note for the tree they make (spec §8.18).
pub struct MirrorJob {
    /// The leaves after the published tree, in order, as the primary
    /// logged them.
    pub leaves: Vec<Vec<u8>>,
    /// The primary's checkpoint note for the tree they make; `None` for
    /// leaves before that tree is reached (a catch-up in bounded steps):
    /// written, not published.
    pub checkpoint: Option<String>,
    /// Every leaf's signature was checked ([`super::audit::first_bad_signature`]).
    pub signatures_checked: bool,
    /// Where the answer goes: the newly published tree.
    pub reply: oneshot::Sender<Result<Arc<Published>, ServiceError>>,
}

/// A message to the sequencer.
pub enum Msg {
    /// Sequence this.
    Submit(Box<Job>),
    /// Append a mirror's verified leaves (a read-only ledger only).
    Mirror(Box<MirrorJob>),
    /// Finish, answer what is queued with 503, and confirm.
    Stop(oneshot::Sender<()>),
}

/// The writer's own state.
pub struct Sequencer {
    pub(super) shared: Arc<Shared>,
    pub(super) writer: LeafWriter,
    pub(super) checkpoint_file: CheckpointFile,
    /// The ledger key: a signer, or on a mirror a verifier of the
    /// primary's notes.
    pub(super) key: NoteKey,
    pub(super) clock: Arc<dyn Clock>,
}

impl Sequencer {
    /// Runs until told to stop or every sender is gone.
    pub fn run(mut self, mut rx: mpsc::Receiver<Msg>) {
        let mut stop: Option<oneshot::Sender<()>> = None;
        while let Some(first) = rx.blocking_recv() {
            let mut jobs = Vec::new();
            match first {
                Msg::Submit(j) => jobs.push(*j),
                Msg::Mirror(m) => self.commit_mirrored(*m),
                Msg::Stop(done) => stop = Some(done),
            }
            while stop.is_none() && jobs.len() < MAX_GROUP_COMMIT_ENTRIES {
                match rx.try_recv() {
                    Ok(Msg::Submit(j)) => jobs.push(*j),
                    Ok(Msg::Mirror(m)) => self.commit_mirrored(*m),
                    Ok(Msg::Stop(done)) => stop = Some(done),
                    Err(_) => break,
                }
            }
            if !jobs.is_empty() {
                self.commit_group(jobs);
            }
            if stop.is_some() {
                break;
            }
        }
        rx.close();
        while let Ok(msg) = rx.try_recv() {
            match msg {
                Msg::Submit(j) => {
                    let _ = j.reply.send(Err(Refusal::new(Code::Unavailable).into()));
                }
                Msg::Mirror(m) => {
                    let _ = m.reply.send(Err(Refusal::new(Code::Unavailable).into()));
                }
                Msg::Stop(_) => {}
            }
        }
        if let Err(e) = self.shared.store.flush() {
            tracing::error!(error = %e, "flushing the views on shutdown failed");
        }
        if let Some(done) = stop {
            let _ = done.send(());
        }
    }

    /// Appends a mirror's leaves after those already written: each decided
    /// as replay decides a logged leaf. With the primary's note, the new
    /// root is checked against it, then the leaves are written and the
    /// note published; nothing is written unless every leaf holds and the
    /// note signs exactly the tree they make. Without one, the leaves are
    /// written and nothing is published.
    fn commit_mirrored(&mut self, job: MirrorJob) {
        let result = self.append_mirrored(job.leaves, job.checkpoint, job.signatures_checked);
        let _ = job.reply.send(result);
    }

    fn append_mirrored(
        &mut self,
        leaves: Vec<Vec<u8>>,
        note: Option<String>,
        signatures_checked: bool,
    ) -> Result<Arc<Published>, ServiceError> {
        let shared = Arc::clone(&self.shared);
        if self.key.can_sign() {
            return Err(ServiceError::Internal(
                "a ledger with its own key appends no mirrored leaves".into(),
            ));
        }
        if shared.poisoned.load(Ordering::SeqCst) {
            return Err(Refusal::new(Code::Unavailable).into());
        }
        let size = shared.store.size()?;
        let mut group = GroupCommit::new(&shared.store, size);
        for leaf in leaves {
            group.accept_logged(leaf, "from the primary", signatures_checked)?;
        }
        let Some(note) = note else {
            let facts = group.link_facts();
            group
                .write_unsealed(&mut self.writer, Some(&shared.metrics))
                .inspect_err(|e| {
                    tracing::error!(error = %e, "writing mirrored leaves failed; the mirror stops");
                    shared.poison();
                })?;
            shared.index_links(&facts);
            return Ok(shared.published());
        };
        let body = self
            .key
            .verify(&note, Some(&shared.config.origin))
            .map_err(|e| ServiceError::Inconsistent(format!("the primary's checkpoint: {e}")))?;
        let root = group
            .root()
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
        if body.size != group.new_size() || body.root != root {
            return Err(ServiceError::Inconsistent(format!(
                "the primary's checkpoint of size {} does not sign the {} leaves fetched",
                body.size,
                group.new_size()
            )));
        }
        let facts = group.link_facts();
        let published = group
            .write(
                &mut self.writer,
                &self.checkpoint_file,
                Seal::Given(note),
                Some(&shared.metrics),
            )
            .inspect_err(|e| {
                tracing::error!(error = %e, "writing mirrored leaves failed; the mirror stops");
                shared.poison();
            })?;
        shared.index_links(&facts);
        shared.publish(published);
        Ok(shared.published())
    }

    fn commit_group(&mut self, jobs: Vec<Job>) {
        let shared = Arc::clone(&self.shared);
        if !self.key.can_sign() {
            for j in jobs {
                let _ = j.reply.send(Err(shared.read_only_refusal().into()));
            }
            return;
        }
        if shared.poisoned.load(Ordering::SeqCst) {
            for j in jobs {
                let _ = j.reply.send(Err(Refusal::new(Code::Unavailable).into()));
            }
            return;
        }
        let store = &shared.store;
        let size = shared.published().size;
        let logged_at = Timestamp::from_clock(self.clock.now());
        let mut group = GroupCommit::new(store, size);
        // Jobs that get an answer after the commit, with their index.
        // (job, index, leaf hash if this commit wrote the leaf)
        let mut answered: Vec<(Job, u64, Option<Hash>)> = Vec::with_capacity(jobs.len());
        for job in jobs {
            let known = match group.accepted_index(&job.entry_id) {
                Some(i) => Some(i),
                None => match store.entry_index(&job.entry_id) {
                    Ok(i) => i,
                    Err(e) => {
                        let _ = job.reply.send(Err(ServiceError::Store(e.to_string())));
                        continue;
                    }
                },
            };
            if let Some(index) = known {
                answered.push((job, index, None));
                continue;
            }
            let ctx = Context {
                index: group.next_index(),
                logged_at,
            };
            match group.decide(&ctx, &job.env, &job.statement) {
                Ok(changes) => {
                    let leaf = Leaf::new(ctx.index, logged_at, &job.env).to_bytes();
                    let hash = leaf_hash(&leaf);
                    match group.accept(leaf, job.entry_id, changes) {
                        Ok(index) => answered.push((job, index, Some(hash))),
                        Err(e) => {
                            let _ = job.reply.send(Err(ServiceError::Internal(e.to_string())));
                        }
                    }
                }
                Err(e) => {
                    let _ = job.reply.send(Err(e.into()));
                }
            }
        }
        if !group.is_empty() {
            let facts = group.link_facts();
            let seal = Seal::Sign {
                signer: &self.key,
                origin: &shared.config.origin,
            };
            let written = group.write(
                &mut self.writer,
                &self.checkpoint_file,
                seal,
                Some(&shared.metrics),
            );
            match written {
                Ok(published) => {
                    shared.index_links(&facts);
                    shared.publish(published);
                }
                Err(e) => {
                    // Nothing in this group commit was acknowledged. After a failed
                    // write or fdatasync the page cache cannot be trusted (the
                    // leaf writer has cut the unsynced tail), so the ledger
                    // stops taking writes until it is restarted and recovers
                    // from the leaf file (spec §7.2).
                    tracing::error!(error = %e, "group commit failed; the ledger stops accepting entries");
                    shared.poison();
                    for (job, _, _) in answered {
                        let _ = job.reply.send(Err(Refusal::new(Code::Unavailable).into()));
                    }
                    return;
                }
            }
        }
        // Consent withdrawn is erased before it is answered; a withdrawal
        // sent again (a duplicate) tries again.
        shared.erase_withdrawn(
            answered
                .iter()
                .filter_map(|(job, _, _)| super::disclosure::withdrawn(&job.statement)),
        );
        let tip = shared.published();
        for (job, index, leaf_hash) in answered {
            shared.metrics.count(if leaf_hash.is_none() {
                "duplicate"
            } else {
                "accepted"
            });
            let _ = job.reply.send(Ok(Sequenced {
                index,
                leaf_hash,
                tip: Arc::clone(&tip),
            }));
        }
    }
}
