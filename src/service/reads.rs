//! The read side of [`Ledger`]: entries, proofs, the checkpoint, and the
//! views (actors, batches, lineage, contracts, corrections, linkage
//! figures, metrics), all at the published tree.

use super::{Ledger, MAX_PAGE, ServiceError};
use crate::domain::checkpoint::note_vkey;
use crate::domain::ids::{ActorId, BatchId, ContractId};
use crate::domain::keys::PublicKey;
use crate::domain::lineage::{self, Trace};
use crate::domain::linkage::{LinkageReport, Query};
use crate::domain::merkle::{Hash, prove_record, prove_tree};
use crate::domain::messages::{Code, Refusal};
use crate::domain::model::{Actor, Batch, Contract, CorrectionRecord};
use crate::domain::product::Category;
use crate::domain::rules::View;
use crate::domain::statement::LedgerFormat;
use crate::domain::time::{Day, Timestamp};
use std::sync::Arc;

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
    /// The ledger's format (spec §6.17), as its genesis fixed it.
    pub format: LedgerFormat,
    /// Its witnesses and where each stands (spec §8.16); none when no
    /// witness is configured.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub witnesses: Vec<super::witnessing::WitnessReport>,
    /// How many witnesses must cosign a checkpoint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub witness_quorum: Option<usize>,
    /// The size of the latest checkpoint that met the quorum (`null`
    /// before the first, absent without witnesses).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub witnessed_size: Option<Option<u64>>,
}

impl Ledger {
    /// The latest signed checkpoint note.
    pub fn checkpoint(&self) -> String {
        self.shared.published().checkpoint.clone()
    }

    /// The latest tree size.
    pub fn size(&self) -> u64 {
        self.shared.published().size
    }

    /// The latest published tree (size and signed checkpoint).
    pub fn published(&self) -> Arc<super::Published> {
        self.shared.published()
    }

    /// A receiver that sees each newly published tree (the latest one
    /// only: a slow subscriber skips trees, never queues them).
    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<Arc<super::Published>> {
        self.shared.published_tx.subscribe()
    }

    /// What a verifier needs (`GET /api/v1/ledger`).
    pub fn info(&self) -> LedgerAnswer {
        let c = &self.shared.config;
        LedgerAnswer {
            origin: c.origin.clone(),
            key_name: c.key_name.clone(),
            public_key: self.shared.ledger_key,
            note_vkey: note_vkey(&c.key_name, &self.shared.ledger_key),
            format: self.shared.format,
            witnesses: self.witnesses().map(|b| b.reports()).unwrap_or_default(),
            witness_quorum: self.witnesses().map(|b| b.config().quorum),
            witnessed_size: self.witnesses().map(|b| b.witnessed().map(|w| w.size)),
        }
    }

    /// A count that changes whenever a rendered page may change without
    /// the tree growing: a disclosure kept or erased (spec §6.17), a new
    /// witnessed checkpoint (spec §8.16). The page cache drops everything
    /// when it changes.
    pub fn page_changes(&self) -> u64 {
        self.disclosure_changes() + self.witnesses().map_or(0, |b| b.changes())
    }

    /// The note `GET /tlog/checkpoint` serves (spec §8.14, §8.16): the
    /// latest witnessed checkpoint when witnesses are configured
    /// (`not_witnessed` before the first quorum), else the latest signed
    /// one.
    pub fn tlog_checkpoint(&self) -> Result<String, ServiceError> {
        match self.witnesses() {
            None => Ok(self.checkpoint()),
            Some(b) => b
                .witnessed()
                .map(|w| w.note.clone())
                .ok_or_else(|| Refusal::new(Code::NotWitnessed).into()),
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

    /// An actor by id, as the public may see it ([`Ledger::shown`]).
    pub fn actor(&self, id: &ActorId) -> Result<Actor, ServiceError> {
        let a = self
            .shared
            .store
            .actor(id)?
            .ok_or_else(|| Refusal::with(Code::UnknownActor, id.to_string()))?;
        self.shown(a)
    }

    /// The actor a public key was registered for (or rotated to), as the
    /// public may see it: how the signing app finds the actor of a key it
    /// restored (spec §8.5, issue 15). A key stays bound once bound, so a
    /// key rotated away still names its actor; the answer's `key` says
    /// which key is current.
    pub fn key_actor(&self, key: &PublicKey) -> Result<Actor, ServiceError> {
        let owner = self
            .shared
            .store
            .key_owner(key)?
            .ok_or_else(|| Refusal::with(Code::UnknownActor, "no actor has this key"))?;
        self.actor(&owner)
    }

    /// A batch with the corrections of the leaves that built it.
    pub fn batch(&self, id: &BatchId) -> Result<BatchReport, ServiceError> {
        let store = &self.shared.store;
        let batch = store
            .batch(id)?
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
        lineage::trace(&self.shared.store, id)?
            .ok_or_else(|| Refusal::with(Code::UnknownBatch, id.to_string()).into())
    }

    /// A linkage contract, with the corrections of its offer and acceptance.
    pub fn contract(
        &self,
        id: &ContractId,
    ) -> Result<(Contract, Vec<CorrectionRecord>), ServiceError> {
        let store = &self.shared.store;
        let contract = store
            .contract(id)?
            .ok_or_else(|| Refusal::with(Code::UnknownContract, id.to_string()))?;
        let mut corrections = store.corrections(contract.offered_index)?;
        if let crate::domain::model::ContractState::Active { index, .. } = contract.state {
            corrections.extend(store.corrections(index)?);
        }
        Ok((contract, corrections))
    }

    /// Every batch an actor holds now, consumed or not (a batch it handed
    /// on is no longer listed), in id order: at most
    /// [`MAX_PAGE`], and whether there are more.
    pub fn held(&self, id: &ActorId) -> Result<(Vec<BatchId>, bool), ServiceError> {
        self.actor(id)?;
        let page = MAX_PAGE as usize;
        let mut batches = self.shared.store.held(id, page + 1)?;
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
        let q = self.linkage_query(from, to, province, category)?;
        Ok(self.linkage_of(&q))
    }

    /// The query [`Ledger::linkage`] answers for these filters, the
    /// defaults filled in from today's date: cheap, so that a cached
    /// answer is found before any figure is computed (issue 16).
    pub fn linkage_query(
        &self,
        from: Option<Day>,
        to: Option<Day>,
        province: Option<String>,
        category: Option<Category>,
    ) -> Result<Query, ServiceError> {
        let today = Day::from(Timestamp::from_clock(self.clock.now()).local_date());
        Ok(Query::with_defaults(from, to, province, category, today)?)
    }

    /// The linkage figures of `q`, folded from the in-memory index.
    pub fn linkage_of(&self, q: &Query) -> LinkageReport {
        let index = match self.shared.linkage.read() {
            Ok(i) => i,
            Err(p) => p.into_inner(),
        };
        index.report(q, &self.targets)
    }

    /// False once a write or sync has failed: the ledger answers writes 503
    /// until it is restarted (spec §7.2).
    pub fn writable(&self) -> bool {
        !self
            .shared
            .poisoned
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Counts one Content Security Policy violation a browser reported
    /// (spec §8.20).
    pub fn count_csp_violation(&self) {
        self.shared.metrics.csp_violations.inc();
    }

    /// The Prometheus text for `/metrics`.
    pub fn metrics(&self) -> String {
        self.shared.metrics.render()
    }
}
