//! A read-only ledger, the data directory of a mirror (spec §8.18): what it
//! mirrors, the one way its tree grows ([`Ledger::mirror_append`], through
//! the sequencer like every write), and its health once it has seen a fork.

use super::metrics::MirrorMetrics;
use super::sequencer::{MirrorJob, Msg};
use super::{Ledger, Published, ServiceError};
use crate::domain::merkle::{Hash, tree_hash};
use crate::domain::messages::{Code, Refusal};
use std::sync::Arc;
use tokio::sync::oneshot;

impl Ledger {
    /// The prefix of the primary this ledger mirrors; `None` for a ledger
    /// with its own key.
    pub fn mirror_of(&self) -> Option<&str> {
        self.shared.mirror_of.as_deref()
    }

    /// The refusal a submission to this mirror gets: 403 `read_only`.
    pub(super) fn read_only(&self) -> Option<Refusal> {
        self.shared
            .mirror_of
            .as_ref()
            .map(|_| self.shared.read_only_refusal())
    }

    /// Appends leaves a mirror verified against the primary's tiles, after
    /// the leaves it has written ([`Ledger::written_size`]), with the
    /// primary's note `checkpoint` for the tree they make, or `None` when
    /// that tree is not reached yet (a catch-up in bounded steps). Their
    /// signatures are checked here first, in parallel batches off the
    /// sequencer; the sequencer then decides each leaf as replay does
    /// (index, entry id, rules). With a note it checks that the note
    /// verifies with the pinned key and signs exactly the new tree, writes
    /// and publishes it; without one it writes the leaves and publishes
    /// nothing. Returns the published tree.
    pub async fn mirror_append(
        &self,
        leaves: Vec<Vec<u8>>,
        checkpoint: Option<String>,
    ) -> Result<Arc<Published>, ServiceError> {
        let first = self.written_size()?;
        let (leaves, bad) = tokio::task::spawn_blocking(move || {
            let bad = super::audit::first_bad_signature(&leaves);
            (leaves, bad)
        })
        .await
        .map_err(|e| ServiceError::Internal(format!("checking signatures: {e}")))?;
        if let Some(k) = bad {
            return Err(ServiceError::Inconsistent(format!(
                "leaf {} from the primary: it does not parse or its signature does not verify (verify_strict)",
                first + k as u64
            )));
        }
        let (reply, answer) = oneshot::channel();
        let job = MirrorJob {
            leaves,
            checkpoint,
            signatures_checked: true,
            reply,
        };
        self.tx
            .send(Msg::Mirror(Box::new(job)))
            .await
            .map_err(|_| ServiceError::from(Refusal::new(Code::Unavailable)))?;
        answer
            .await
            .map_err(|_| ServiceError::from(Refusal::new(Code::Unavailable)))?
    }

    /// The leaves written: the published tree's, and on a mirror catching
    /// up also those written before the primary's note is reached (they
    /// are published with it).
    pub fn written_size(&self) -> Result<u64, ServiceError> {
        Ok(self.shared.store.size()?)
    }

    /// On a mirror in the middle of a catch-up in bounded steps (spec
    /// §8.18): the published size and the leaves written past it. The
    /// views then run ahead of the published tree, so the reads answered
    /// from them wait (`catching_up`) until the primary's note is reached.
    pub fn catching_up(&self) -> Option<(u64, u64)> {
        self.shared.mirror_of.as_ref()?;
        let published = self.size();
        let written = self.written_size().ok()?;
        (written > published).then_some((published, written))
    }

    /// The root of the first `size` leaves written, `size` at most
    /// [`Ledger::written_size`].
    pub fn root_at(&self, size: u64) -> Result<Hash, ServiceError> {
        if size > self.written_size()? {
            return Err(
                Refusal::with(Code::NotFound, format!("no tree of size {size} yet")).into(),
            );
        }
        tree_hash(size, &self.shared.store).map_err(|e| ServiceError::Store(e.to_string()))
    }

    /// The mirror's metrics (`None` on a ledger with its own key).
    pub fn mirror_metrics(&self) -> Option<&MirrorMetrics> {
        self.shared.metrics.mirror.as_ref()
    }

    /// Marks the ledger unhealthy for `why` (it still serves reads):
    /// `/healthz` answers 503 with it.
    pub fn halt(&self, why: String) {
        match self.shared.halted.write() {
            Ok(mut h) => *h = Some(why),
            Err(p) => *p.into_inner() = Some(why),
        }
    }

    /// Why the ledger was halted, if it was.
    pub fn halted(&self) -> Option<String> {
        match self.shared.halted.read() {
            Ok(h) => h.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }
}
