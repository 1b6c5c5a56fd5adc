//! Read access to the ledger state (spec §7): the [`View`] trait the rules
//! and the lineage read through, and its one error, [`ViewError`].
//!
//! Its own module so that both [`super::rules`] and [`super::lineage`] can
//! use it without using each other (issue 12: no cycle between domain
//! modules). The store implements it over sled, [`super::rules::MemState`]
//! in memory, and [`super::rules::Overlay`] over another view.

use super::ids::{ActorId, BatchId, ContractId};
use super::keys::PublicKey;
use super::model::{Actor, Batch, Contract, LedgerInfo};

/// A failure to read the state (an I/O problem, not a refusal).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("reading the ledger state failed: {0}")]
pub struct ViewError(pub String);

/// Read access to the ledger state that the rules need.
pub trait View {
    /// The ledger's origin and key, once the genesis is logged.
    fn ledger(&self) -> Result<Option<LedgerInfo>, ViewError>;
    /// An actor by id.
    fn actor(&self, id: &ActorId) -> Result<Option<Actor>, ViewError>;
    /// The actor a key is bound to.
    fn key_owner(&self, key: &PublicKey) -> Result<Option<ActorId>, ViewError>;
    /// A batch by id.
    fn batch(&self, id: &BatchId) -> Result<Option<Batch>, ViewError>;
    /// The batches made (in part) from `id`, in id order.
    fn children(&self, id: &BatchId) -> Result<Vec<BatchId>, ViewError>;
    /// A contract by id.
    fn contract(&self, id: &ContractId) -> Result<Option<Contract>, ViewError>;
    /// The signer of leaf `index`, if it is logged.
    fn leaf_signer(&self, index: u64) -> Result<Option<ActorId>, ViewError>;
}
