//! Statements (spec §3, §6): the signed JSON objects the ledger logs.
//!
//! A statement is parsed from the exact text that was signed; the text is kept
//! verbatim elsewhere and never re-serialised. Parsing checks the shape and
//! every field's syntax (ids, keys, times, lengths); the rules that need the
//! ledger's state are in [`super::rules`].
//!
//! This file holds the statement itself ([`Statement`], [`Body`] with one
//! variant for each of the 14 types, [`StatementType`]) and the limits
//! (`MAX_TEXT_CHARS`, `MAX_NOTE_CHARS`, `MAX_REGISTRARS`,
//! `MAX_CERTIFICATIONS`, `MAX_TRANSFORM_SIDES`); [`types`] the fields of
//! each type, [`role`] an actor's [`Role`] and [`Region`], and [`parser`]
//! the parser ([`parse`]) and every check that needs no state, with the
//! shape each process gives a transformation ([`transform_shape`]).

pub mod parser;
pub mod role;
pub mod types;

pub use parser::{ANY_SIDES, Sides, TransformShape, parse, transform_shape};
pub use role::{Region, Role};
pub use types::{
    ActorRegister, BAD_FORMAT, BatchCreate, Consent, ContractAccept, ContractOffer, Correction,
    Genesis, Inspect, LedgerFormat, Recall, Receive, Registrar, Revoke, RotateKey, Ship, Transform,
    TransformInput, TransformOutput,
};

use crate::domain::ids::ActorId;
use crate::domain::time::Timestamp;
use serde::{Deserialize, Serialize};

/// The only statement format version (spec §3).
pub const VERSION: u64 = 1;

/// Longest free text (names, places, reasons, nonces), in characters.
pub const MAX_TEXT_CHARS: usize = 200;

/// Longest reason or note (recalls, revocations, corrections,
/// inspections), in characters.
pub const MAX_NOTE_CHARS: usize = 1000;

/// Most registrars a genesis statement may name.
pub const MAX_REGISTRARS: usize = 64;

/// Most certifications one batch may list.
pub const MAX_CERTIFICATIONS: usize = 16;

/// Most inputs, and most outputs, of one transformation.
pub const MAX_TRANSFORM_SIDES: usize = 64;

/// The `by` of the genesis statement (spec §6).
pub const LEDGER_SIGNER: &str = "ledger";

/// A parsed statement: the common fields and the type-specific body.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    /// The signer's actor id (`ledger` for the genesis).
    pub by: ActorId,
    /// The time the signer claims (RFC 3339).
    pub at: Timestamp,
    /// Free text that lets a signer make two otherwise identical statements.
    pub nonce: Option<String>,
    /// What the statement says.
    pub body: Body,
}

/// The type-specific part of a statement (spec §6).
#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    /// `ledger.genesis`: leaf 0, names the ledger key and the registrars.
    Genesis(Genesis),
    /// `actor.register`: a new actor with its key.
    ActorRegister(ActorRegister),
    /// `actor.rotate_key`: the signer's new key.
    RotateKey(RotateKey),
    /// `actor.revoke`: an actor can sign nothing more.
    Revoke(Revoke),
    /// `actor.consent`: a member's consent to be named, given or withdrawn.
    Consent(Consent),
    /// `batch.create`: a new batch held by its signer.
    BatchCreate(BatchCreate),
    /// `batch.ship`: the holder sends a batch to another actor.
    Ship(Ship),
    /// `batch.receive`: the recipient takes (or refuses) a shipment.
    Receive(Receive),
    /// `batch.transform`: inputs consumed, outputs made.
    Transform(Transform),
    /// `batch.inspect`: an auditor's or authority's finding.
    Inspect(Inspect),
    /// `batch.recall`: the batch and all made from it are recalled.
    Recall(Recall),
    /// `contract.offer`: a linkage contract proposed.
    ContractOffer(ContractOffer),
    /// `contract.accept`: the other party agrees.
    ContractAccept(ContractAccept),
    /// `correction`: an earlier leaf is marked as corrected.
    Correction(Correction),
}

/// A statement's `type` (spec §6): the fourteen kinds of statement.
///
/// Serialised as its `type` string, so the views and the API keep the
/// strings the spec names; match on it exhaustively wherever a statement's
/// kind decides something.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum StatementType {
    /// `ledger.genesis`.
    #[serde(rename = "ledger.genesis")]
    Genesis,
    /// `actor.register`.
    #[serde(rename = "actor.register")]
    ActorRegister,
    /// `actor.rotate_key`.
    #[serde(rename = "actor.rotate_key")]
    RotateKey,
    /// `actor.revoke`.
    #[serde(rename = "actor.revoke")]
    Revoke,
    /// `actor.consent` (format 2).
    #[serde(rename = "actor.consent")]
    Consent,
    /// `batch.create`.
    #[serde(rename = "batch.create")]
    BatchCreate,
    /// `batch.ship`.
    #[serde(rename = "batch.ship")]
    Ship,
    /// `batch.receive`.
    #[serde(rename = "batch.receive")]
    Receive,
    /// `batch.transform`.
    #[serde(rename = "batch.transform")]
    Transform,
    /// `batch.inspect`.
    #[serde(rename = "batch.inspect")]
    Inspect,
    /// `batch.recall`.
    #[serde(rename = "batch.recall")]
    Recall,
    /// `contract.offer`.
    #[serde(rename = "contract.offer")]
    ContractOffer,
    /// `contract.accept`.
    #[serde(rename = "contract.accept")]
    ContractAccept,
    /// `correction`.
    #[serde(rename = "correction")]
    Correction,
}

impl StatementType {
    /// Every type, in the order of spec §6.
    pub const ALL: [StatementType; 14] = [
        StatementType::Genesis,
        StatementType::ActorRegister,
        StatementType::RotateKey,
        StatementType::Revoke,
        StatementType::Consent,
        StatementType::BatchCreate,
        StatementType::Ship,
        StatementType::Receive,
        StatementType::Transform,
        StatementType::Inspect,
        StatementType::Recall,
        StatementType::ContractOffer,
        StatementType::ContractAccept,
        StatementType::Correction,
    ];

    /// The `type` string.
    pub fn as_str(self) -> &'static str {
        match self {
            StatementType::Genesis => "ledger.genesis",
            StatementType::ActorRegister => "actor.register",
            StatementType::RotateKey => "actor.rotate_key",
            StatementType::Revoke => "actor.revoke",
            StatementType::Consent => "actor.consent",
            StatementType::BatchCreate => "batch.create",
            StatementType::Ship => "batch.ship",
            StatementType::Receive => "batch.receive",
            StatementType::Transform => "batch.transform",
            StatementType::Inspect => "batch.inspect",
            StatementType::Recall => "batch.recall",
            StatementType::ContractOffer => "contract.offer",
            StatementType::ContractAccept => "contract.accept",
            StatementType::Correction => "correction",
        }
    }

    /// The type a `type` string names, if any.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl std::fmt::Display for StatementType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Body {
    /// The statement's type.
    pub fn kind(&self) -> StatementType {
        match self {
            Body::Genesis(_) => StatementType::Genesis,
            Body::ActorRegister(_) => StatementType::ActorRegister,
            Body::RotateKey(_) => StatementType::RotateKey,
            Body::Revoke(_) => StatementType::Revoke,
            Body::Consent(_) => StatementType::Consent,
            Body::BatchCreate(_) => StatementType::BatchCreate,
            Body::Ship(_) => StatementType::Ship,
            Body::Receive(_) => StatementType::Receive,
            Body::Transform(_) => StatementType::Transform,
            Body::Inspect(_) => StatementType::Inspect,
            Body::Recall(_) => StatementType::Recall,
            Body::ContractOffer(_) => StatementType::ContractOffer,
            Body::ContractAccept(_) => StatementType::ContractAccept,
            Body::Correction(_) => StatementType::Correction,
        }
    }

    /// The `type` string.
    pub fn type_name(&self) -> &'static str {
        self.kind().as_str()
    }
}
