//! The state the log builds: actors, batches, contracts and corrections, as
//! the views hold them. Every value here is derived from leaves by
//! [`super::rules::apply`] and can be rebuilt from the log alone (spec §7).
//!
//! Their serde forms are what the views store (JSON values in sled) and what
//! the read API builds its answers from; times in them are the statement's
//! `at` in UTC, `harvested_at` is kept as written, amounts are in shortest
//! form.

use super::ids::{ActorId, BatchId, ContractId};
use super::keys::PublicKey;
use super::privacy::NameCommit;
use super::product::{
    Blake3Hex, Category, Certification, InspectResult, Origin, Process, Product, Scheme,
};
use super::quantity::{Amount, Quantity};
use super::statement::{LedgerFormat, Region, Role, StatementType};
use super::time::{Day, HarvestTime};
use serde::{Deserialize, Serialize};

/// What the genesis fixed: the origin, the ledger key and the format.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerInfo {
    /// The checkpoint origin.
    pub origin: String,
    /// The ledger's public key.
    pub ledger_key: PublicKey,
    /// The ledger's format (spec §6.17); views written before formats
    /// existed hold none, which is format 1.
    #[serde(default)]
    pub format: LedgerFormat,
}

/// What kind of actor: a registrar named by the genesis, or a registered role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    /// Named by the genesis; may register actors.
    Registrar,
    /// Registered with `actor.register`.
    #[serde(untagged)]
    Role(Role),
}

impl ActorKind {
    /// True when the actor has this role.
    pub fn is(&self, role: Role) -> bool {
        *self == ActorKind::Role(role)
    }
}

/// Whether an actor may still sign.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ActorStatus {
    /// May sign.
    Active,
    /// Revoked at `index`; its past stays valid.
    Revoked {
        /// The leaf that revoked it.
        index: u64,
        /// Why.
        reason: String,
    },
}

/// An actor as the views hold it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// Its id.
    pub id: ActorId,
    /// Registrar or role.
    pub kind: ActorKind,
    /// Its public name: every organisation's, and a member's on a format-1
    /// ledger; `None` for a member of a format-2 ledger, whose name is never
    /// in the log (a disclosure may show it, see [`super::privacy`]).
    pub name: Option<String>,
    /// A member's name commitment (format 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_commit: Option<NameCommit>,
    /// Its current key.
    pub key: PublicKey,
    /// Where it is (registrars have none).
    pub region: Option<Region>,
    /// For members: their cooperative.
    pub cooperative: Option<ActorId>,
    /// A member's consent to be named on public pages: its registration's
    /// `public` on a format-1 ledger, its latest `actor.consent` on a
    /// format-2 one (organisations are always public).
    pub public: bool,
    /// Active or revoked.
    pub status: ActorStatus,
    /// The leaf that registered it.
    pub registered_index: u64,
    /// The `at` of that leaf's statement.
    pub registered_at: String,
}

impl Actor {
    /// True while the actor may sign.
    pub fn is_active(&self) -> bool {
        self.status == ActorStatus::Active
    }
}

/// One leaf in a batch's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// The leaf index.
    pub index: u64,
    /// The statement type (`batch.create`, `batch.ship`, …).
    #[serde(rename = "type")]
    pub kind: StatementType,
    /// The signer.
    pub by: ActorId,
    /// The statement's `at`, in UTC.
    pub at: String,
    /// For a shipment: the recipient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<ActorId>,
    /// For a receipt: taken (true) or refused (false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted: Option<bool>,
}

/// Where a batch's custody stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Custody {
    /// With its holder, some of it left.
    Held,
    /// Shipped, not yet received or refused.
    InTransit {
        /// The sender (still the holder until received).
        from: ActorId,
        /// The recipient.
        to: ActorId,
        /// The `batch.ship` leaf.
        index: u64,
        /// The contract it is delivered under.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        contract: Option<ContractId>,
    },
    /// All of it used by transformations.
    Consumed,
}

/// A recall that reached a batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecallMark {
    /// The `batch.recall` leaf.
    pub index: u64,
    /// Who recalled.
    pub by: ActorId,
    /// Why.
    pub reason: String,
    /// The batch the recall named (this one, or one it was made from).
    pub source: BatchId,
}

/// An inspection of a batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inspection {
    /// The `batch.inspect` leaf.
    pub index: u64,
    /// The inspector.
    pub by: ActorId,
    /// When.
    pub at: String,
    /// Pass or fail.
    pub result: InspectResult,
    /// Under which scheme.
    pub scheme: Scheme,
    /// BLAKE3 of the report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_blake3: Option<Blake3Hex>,
    /// A note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What a batch was made from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Input {
    /// The input batch.
    pub batch: BatchId,
    /// How much of it was used.
    pub quantity: Quantity,
}

/// A batch (a lot) as the views hold it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Batch {
    /// Its id (lot code).
    pub id: BatchId,
    /// What it is.
    pub product: Product,
    /// How much it was made with.
    pub quantity: Quantity,
    /// How much of it is left, in the same unit.
    #[serde(with = "crate::domain::quantity::remaining")]
    pub remaining: Amount,
    /// Who holds it (the sender, while in transit).
    pub holder: ActorId,
    /// Who created it (`batch.create` or `batch.transform` signer).
    pub creator: ActorId,
    /// The member household that produced it, when named.
    pub producer: Option<ActorId>,
    /// Where it was grown (a transformation output with exactly one input
    /// keeps that input's origin; with several, none: follow the lineage).
    pub origin: Option<Origin>,
    /// When it was harvested.
    pub harvested_at: Option<HarvestTime>,
    /// Certificates listed at creation.
    pub certifications: Vec<Certification>,
    /// BLAKE3 of the photo taken at `batch.create` (transformation outputs
    /// have none). Absent in views written before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo_blake3: Option<Blake3Hex>,
    /// For a transformation output: the process that made it.
    pub process: Option<Process>,
    /// For a transformation output: its inputs.
    pub inputs: Vec<Input>,
    /// Custody.
    pub custody: Custody,
    /// Set when it, or a batch it was made from, is recalled.
    pub recall: Option<RecallMark>,
    /// Inspections, in log order.
    pub inspections: Vec<Inspection>,
    /// The leaves that built it, in log order.
    pub steps: Vec<Step>,
}

/// The public status of a batch (spec §8).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchStatus {
    /// Held, some left.
    Active,
    /// Shipped, not yet received.
    InTransit,
    /// All used.
    Consumed,
    /// Recalled (itself or something it was made from).
    Recalled,
}

impl Batch {
    /// The status spec §8 reports: a recall outranks custody.
    pub fn status(&self) -> BatchStatus {
        match (&self.recall, &self.custody) {
            (Some(_), _) => BatchStatus::Recalled,
            (None, Custody::Held) => BatchStatus::Active,
            (None, Custody::InTransit { .. }) => BatchStatus::InTransit,
            (None, Custody::Consumed) => BatchStatus::Consumed,
        }
    }

    /// What remains, with its unit.
    pub fn remaining_quantity(&self) -> Quantity {
        Quantity {
            amount: self.remaining,
            unit: self.quantity.unit,
        }
    }
}

/// How a shipment ended, as far as the ledger knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShipOutcome {
    /// Not yet received or refused.
    InTransit,
    /// The recipient took it (`batch.receive` with `accepted: true`).
    Accepted,
    /// The recipient refused it; it went back to the sender.
    Refused,
}

/// One `batch.ship` and how it ended: the record behind a sender's list
/// of shipments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shipment {
    /// The `batch.ship` leaf.
    pub index: u64,
    /// The batch shipped.
    pub batch: BatchId,
    /// The sender (the holder that signed it).
    pub from: ActorId,
    /// The recipient.
    pub to: ActorId,
    /// The statement's `at`, in UTC.
    pub at: String,
    /// In transit until the recipient answers.
    pub outcome: ShipOutcome,
}

/// Where a contract stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ContractState {
    /// Offered, not yet accepted.
    Pending,
    /// Accepted.
    Active {
        /// The `contract.accept` leaf.
        index: u64,
        /// Its `at`.
        at: String,
    },
}

/// A linkage contract as the views hold it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contract {
    /// Its id.
    pub id: ContractId,
    /// The cooperative (or group or union) party.
    pub cooperative: ActorId,
    /// The business party.
    pub business: ActorId,
    /// The party that offered it.
    pub offered_by: ActorId,
    /// What it covers.
    pub product_category: Category,
    /// First day.
    pub from: Day,
    /// Last day.
    pub to: Day,
    /// The agreed volume (never on public pages).
    pub volume: Option<Quantity>,
    /// The `contract.offer` leaf.
    pub offered_index: u64,
    /// Its `at`.
    pub offered_at: String,
    /// Pending or active.
    pub state: ContractState,
}

impl Contract {
    /// True when `id` is one of the two parties.
    pub fn is_party(&self, id: &ActorId) -> bool {
        *id == self.cooperative || *id == self.business
    }
}

/// A correction of an earlier leaf.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectionRecord {
    /// The `correction` leaf.
    pub index: u64,
    /// The leaf corrected.
    pub target: u64,
    /// Who corrected.
    pub by: ActorId,
    /// When.
    pub at: String,
    /// What was wrong.
    pub reason: String,
}
