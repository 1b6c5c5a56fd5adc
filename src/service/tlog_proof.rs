//! The C2SP tlog-proof of one entry (spec §8.17), and the choice of the
//! checkpoint a proof (or a buyer's page) leads to: the witnessed one when
//! it covers what is proven, else the latest signed one with the
//! cosignatures gathered for it.

use super::{Ledger, ServiceError};
use crate::domain::merkle::prove_record;
use crate::domain::messages::{Code, Refusal};
use crate::domain::tlog_proof::{TlogProof, file_name};

/// A checkpoint chosen to prove leaves against.
#[derive(Debug, Clone)]
pub struct Chosen {
    /// Its tree size.
    pub size: u64,
    /// The note, with the cosignatures it has.
    pub note: String,
}

impl Ledger {
    /// The latest signed checkpoint with any cosignatures gathered for its
    /// size (`GET /api/v1/checkpoint`).
    pub fn cosigned_checkpoint(&self) -> String {
        self.cosigned_checkpoint_of(&self.published())
    }

    /// The checkpoint to prove leaves below index `below` against: the
    /// witnessed one when its tree holds them, else the latest signed one
    /// with its gathered cosignatures.
    pub fn checkpoint_covering(&self, below: u64) -> Chosen {
        self.checkpoint_covering_at(below, &self.published())
    }

    /// [`Ledger::checkpoint_covering`] with `tip` as the latest tree (what
    /// a reader read everything else at).
    pub fn checkpoint_covering_at(&self, below: u64, tip: &super::Published) -> Chosen {
        if let Some(w) = self.witnesses().and_then(|b| b.witnessed())
            && w.size >= below
            && w.size <= tip.size
        {
            return Chosen {
                size: w.size,
                note: w.note.clone(),
            };
        }
        Chosen {
            size: tip.size,
            note: self.cosigned_checkpoint_of(tip),
        }
    }

    fn cosigned_checkpoint_of(&self, tip: &super::Published) -> String {
        match self.witnesses() {
            Some(board) => board.with_gathered(tip.size, &tip.checkpoint),
            None => tip.checkpoint.clone(),
        }
    }

    /// The tlog-proof of entry `index` and its download name: the leaf in
    /// `extra`, its inclusion proof, and the checkpoint
    /// [`Ledger::checkpoint_covering`] it.
    pub fn tlog_proof(&self, index: u64) -> Result<(String, String), ServiceError> {
        let chosen = self.checkpoint_covering(index.saturating_add(1));
        if index >= chosen.size {
            return Err(Refusal::with(Code::UnknownEntry, index.to_string()).into());
        }
        let leaf = self
            .shared
            .store
            .leaf(index)?
            .ok_or_else(|| ServiceError::Store(format!("leaf {index} missing")))?;
        let proof = prove_record(chosen.size, index, &self.shared.store)
            .map_err(|e| ServiceError::Store(format!("inclusion proof: {e}")))?;
        let text = TlogProof {
            extra: Some(leaf),
            index,
            proof,
            checkpoint: chosen.note,
        }
        .to_text();
        Ok((file_name(&self.shared.config.origin, index), text))
    }
}
