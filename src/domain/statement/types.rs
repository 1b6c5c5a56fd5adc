//! The fields of each statement type (spec §6), one struct per type (and
//! the parts of a genesis and a transformation), as serde reads them: every
//! struct refuses a field it does not know.

use super::{Region, Role};
use crate::domain::ids::{ActorId, BatchId, ContractId};
use crate::domain::keys::PublicKey;
use crate::domain::privacy::NameCommit;
use crate::domain::product::{
    Blake3Hex, Category, Certification, InspectResult, Origin, Process, Product, Scheme,
};
use crate::domain::quantity::{Amount, Quantity};
use crate::domain::time::{Day, HarvestTime};
use serde::{Deserialize, Serialize};

/// A ledger's format, fixed by its genesis (spec §6.17). Format 1 is every
/// ledger written before formats existed: a member's name is plain text in
/// its registration and a region is free text. Format 2 keeps personal data
/// out of the log: name commitments, coarse coordinates, GSO place codes,
/// and consent as a statement. Written as the number (`"format": 2`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "serde_json::Value", into = "u64")]
pub enum LedgerFormat {
    /// The first form; a genesis without `format`.
    #[default]
    V1,
    /// Names committed, places coded and coarse.
    V2,
}

impl LedgerFormat {
    /// The newest format, which new ledgers are started in.
    pub const NEWEST: LedgerFormat = LedgerFormat::V2;

    /// Its number.
    pub const fn number(self) -> u64 {
        match self {
            LedgerFormat::V1 => 1,
            LedgerFormat::V2 => 2,
        }
    }
}

/// Text of the error an unknown format gives (maps to `unsupported_format`).
pub const BAD_FORMAT: &str = "a ledger format is 1 or 2";

impl TryFrom<u64> for LedgerFormat {
    type Error = String;
    fn try_from(n: u64) -> Result<Self, String> {
        match n {
            1 => Ok(LedgerFormat::V1),
            2 => Ok(LedgerFormat::V2),
            _ => Err(format!("{BAD_FORMAT} (got {n})")),
        }
    }
}

/// Any JSON value but the integers 1 and 2 (a string, `2.0`, `-1`) is
/// `unsupported_format`.
impl TryFrom<serde_json::Value> for LedgerFormat {
    type Error = String;
    fn try_from(v: serde_json::Value) -> Result<Self, String> {
        match v.as_u64() {
            Some(n) => Self::try_from(n),
            None => Err(format!("{BAD_FORMAT} (got {v})")),
        }
    }
}

impl From<LedgerFormat> for u64 {
    fn from(f: LedgerFormat) -> u64 {
        f.number()
    }
}

/// `ledger.genesis` fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Genesis {
    /// The log's origin (checkpoint first line).
    pub origin: String,
    /// The ledger's public key, which signs this statement and checkpoints.
    pub ledger_key: PublicKey,
    /// Who may register actors.
    pub registrars: Vec<Registrar>,
    /// The ledger's format; absent is format 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<LedgerFormat>,
}

/// One registrar named by the genesis.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registrar {
    /// The registrar's actor id.
    pub id: ActorId,
    /// Its public key.
    pub key: PublicKey,
    /// Its display name (defaults to the id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// `actor.register` fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActorRegister {
    /// The new actor's id.
    pub id: ActorId,
    /// Its role.
    pub role: Role,
    /// Its public name: required of every organisation, and of a member on
    /// a format-1 ledger; refused for a member on a format-2 one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A member's name commitment (format 2, [`crate::domain::privacy`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_commit: Option<NameCommit>,
    /// Its public key.
    pub key: PublicKey,
    /// Where it is.
    pub region: Region,
    /// For members: the cooperative they belong to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cooperative: Option<ActorId>,
    /// A member's consent to be named on public pages (format 1 only; a
    /// format-2 ledger takes consent as `actor.consent`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public: Option<bool>,
}

/// `actor.consent` fields (format 2): a member's consent to be named on
/// public pages, given or withdrawn.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Consent {
    /// The member.
    pub member: ActorId,
    /// True: the household agrees to be named; false: it withdraws.
    pub public: bool,
    /// BLAKE3 of the consent form the household signed; required when its
    /// cooperative, not the member, signs the statement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form_blake3: Option<Blake3Hex>,
}

/// `actor.rotate_key` fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RotateKey {
    /// The key that signs from now on.
    pub new_key: PublicKey,
}

/// `actor.revoke` fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Revoke {
    /// The actor revoked.
    pub id: ActorId,
    /// Why.
    pub reason: String,
}

/// `batch.create` fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchCreate {
    /// The new batch's id (its lot code).
    pub batch: BatchId,
    /// What it is.
    pub product: Product,
    /// How much.
    pub quantity: Quantity,
    /// Where it was grown or caught.
    pub origin: Origin,
    /// When it was harvested or produced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub harvested_at: Option<HarvestTime>,
    /// The member household that produced it (a cooperative may name one
    /// of its members).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub producer: Option<ActorId>,
    /// Certificates covering it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certifications: Option<Vec<Certification>>,
    /// BLAKE3 of a photo the clerk took of the lot (the photo itself never
    /// goes to the ledger; an addition to spec §6, see spec §6.6 and §14.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo_blake3: Option<Blake3Hex>,
}

/// `batch.ship` fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ship {
    /// The batch shipped (all that remains of it).
    pub batch: BatchId,
    /// The recipient.
    pub to: ActorId,
    /// The linkage contract it is delivered under.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract: Option<ContractId>,
}

/// `batch.receive` fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receive {
    /// The batch received.
    pub batch: BatchId,
    /// True: taken into custody; false: refused, back to the sender.
    pub accepted: bool,
}

/// One input of a transformation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransformInput {
    /// The batch used.
    pub batch: BatchId,
    /// How much of it, in the batch's own unit.
    pub amount: Amount,
}

/// One output of a transformation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransformOutput {
    /// The new batch's id.
    pub batch: BatchId,
    /// What it is.
    pub product: Product,
    /// How much.
    pub quantity: Quantity,
}

/// `batch.transform` fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transform {
    /// What is done.
    pub process: Process,
    /// The batches used, each named once.
    pub inputs: Vec<TransformInput>,
    /// The batches made, each new.
    pub outputs: Vec<TransformOutput>,
}

/// `batch.inspect` fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inspect {
    /// The batch inspected.
    pub batch: BatchId,
    /// Pass or fail.
    pub result: InspectResult,
    /// Under which scheme.
    pub scheme: Scheme,
    /// BLAKE3 of the inspection report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_blake3: Option<Blake3Hex>,
    /// A note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `batch.recall` fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recall {
    /// The batch recalled.
    pub batch: BatchId,
    /// Why.
    pub reason: String,
}

/// `contract.offer` fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContractOffer {
    /// The contract's id.
    pub contract: ContractId,
    /// The cooperative (or cooperative group or union) party.
    pub cooperative: ActorId,
    /// The business party.
    pub business: ActorId,
    /// What it covers.
    pub product_category: Category,
    /// First day.
    pub from: Day,
    /// Last day.
    pub to: Day,
    /// The agreed volume (never shown on public pages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<Quantity>,
}

/// `contract.accept` fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContractAccept {
    /// The contract accepted.
    pub contract: ContractId,
}

/// `correction` fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    /// The leaf corrected.
    pub index: u64,
    /// What was wrong.
    pub reason: String,
}
