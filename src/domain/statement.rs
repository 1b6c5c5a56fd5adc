//! Statements (spec §3, §6): the signed JSON objects the ledger logs.
//!
//! A statement is parsed from the exact text that was signed; the text is kept
//! verbatim elsewhere and never re-serialised. Parsing checks the shape and
//! every field's syntax (ids, keys, times, lengths); the rules that need the
//! ledger's state are in [`super::rules`].

use super::ids::{ActorId, BatchId, ContractId};
use super::keys::{KeyError, PublicKey};
use super::messages::{Code, Refusal};
use super::product::{
    BAD_CATEGORY, BAD_COORDINATES, BAD_GTIN, BAD_HASH, BAD_OCOP_STARS, Blake3Hex, Category,
    Certification, InspectResult, Origin, Process, Product, Scheme,
};
use super::quantity::{Amount, BAD_AMOUNT, BAD_UNIT, Quantity};
use super::time::{BAD_DATE, Day, HarvestTime, Timestamp};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

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

/// A statement's `type` (spec §6): the thirteen kinds of statement.
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
    pub const ALL: [StatementType; 13] = [
        StatementType::Genesis,
        StatementType::ActorRegister,
        StatementType::RotateKey,
        StatementType::Revoke,
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

/// The roles an actor may be registered with (spec §6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A member household (thành viên).
    Member,
    /// A cooperative (hợp tác xã).
    Cooperative,
    /// A cooperative group (tổ hợp tác).
    CooperativeGroup,
    /// A union of cooperatives (liên hiệp HTX).
    Union,
    /// A business (doanh nghiệp).
    Business,
    /// An auditor.
    Auditor,
    /// An authority.
    Authority,
}

impl Role {
    /// Every role, in the order forms list them.
    pub const ALL: &'static [Role] = &[
        Role::Member,
        Role::Cooperative,
        Role::CooperativeGroup,
        Role::Union,
        Role::Business,
        Role::Auditor,
        Role::Authority,
    ];
}

/// Where an actor is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// Province or city (tỉnh/thành phố).
    pub province: String,
    /// District (huyện/quận).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district: Option<String>,
    /// Commune or ward (xã/phường).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commune: Option<String>,
}

impl Region {
    /// The place in words, smallest first: "commune, district, province".
    pub fn place(&self) -> String {
        [
            self.commune.as_deref(),
            self.district.as_deref(),
            Some(self.province.as_str()),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ")
    }
}

/// `actor.register` fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActorRegister {
    /// The new actor's id.
    pub id: ActorId,
    /// Its role.
    pub role: Role,
    /// Its name.
    pub name: String,
    /// Its public key.
    pub key: PublicKey,
    /// Where it is.
    pub region: Region,
    /// For members: the cooperative they belong to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cooperative: Option<ActorId>,
    /// A member's consent to be named on public pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public: Option<bool>,
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

fn note_ok(field: &str, s: &str) -> Result<(), Refusal> {
    limited(field, s, MAX_NOTE_CHARS)
}

fn product_ok(field: &str, p: &Product) -> Result<(), Refusal> {
    text_ok(&format!("{field}.name"), &p.name)
}

fn too_many(field: &str, n: usize, max: usize) -> Result<(), Refusal> {
    if n > max {
        return Err(Refusal::with(
            Code::TooManyItems,
            format!("{field}: at most {max}"),
        ));
    }
    Ok(())
}

/// Checks of a transformation that need no state: each side present and
/// within limits, no batch named twice, an output never also an input.
fn transform_ok(t: &Transform) -> Result<(), Refusal> {
    let bad = |why: &str| Err(Refusal::with(Code::BadTransform, why));
    if t.inputs.is_empty() || t.outputs.is_empty() {
        return bad("at least one input and one output");
    }
    too_many("inputs", t.inputs.len(), MAX_TRANSFORM_SIDES)?;
    too_many("outputs", t.outputs.len(), MAX_TRANSFORM_SIDES)?;
    let mut seen = std::collections::HashSet::new();
    for id in t
        .inputs
        .iter()
        .map(|i| &i.batch)
        .chain(t.outputs.iter().map(|o| &o.batch))
    {
        if !seen.insert(id) {
            return bad(&format!("batch {id} is named twice"));
        }
    }
    match t.process {
        Process::Split if t.inputs.len() != 1 || t.outputs.len() < 2 => {
            bad("a split has one input and two or more outputs")
        }
        Process::Merge if t.inputs.len() < 2 || t.outputs.len() != 1 => {
            bad("a merge has two or more inputs and one output")
        }
        _ => t
            .outputs
            .iter()
            .try_for_each(|o| product_ok("outputs.product", &o.product)),
    }
}

fn text_ok(field: &str, s: &str) -> Result<(), Refusal> {
    limited(field, s, MAX_TEXT_CHARS)
}

/// Free text must say something and stay within `max` characters.
fn limited(field: &str, s: &str, max: usize) -> Result<(), Refusal> {
    if s.trim().is_empty() {
        return Err(Refusal::with(
            Code::MalformedStatement,
            format!("{field} is empty"),
        ));
    }
    if s.chars().count() > max {
        return Err(Refusal::with(
            Code::TooLong,
            format!("{field}: at most {max} characters"),
        ));
    }
    Ok(())
}

fn opt_text_ok(field: &str, s: &Option<String>) -> Result<(), Refusal> {
    s.as_deref().map_or(Ok(()), |s| text_ok(field, s))
}

/// A key being registered must be a curve point not of small order
/// (spec §2). Checked here, at the edge and in parallel, rather than by the
/// sequencer.
fn registrable(key: &PublicKey, who: &str) -> Result<(), Refusal> {
    match key.check_registrable() {
        Ok(()) => Ok(()),
        Err(KeyError::Weak) => Err(Refusal::with(Code::WeakKey, who)),
        Err(_) => Err(Refusal::with(Code::BadKey, who)),
    }
}

fn region_ok(r: &Region) -> Result<(), Refusal> {
    text_ok("region.province", &r.province)?;
    opt_text_ok("region.district", &r.district)?;
    opt_text_ok("region.commune", &r.commune)
}

/// Deserialises a body, turning serde's message into a refusal whose code
/// says what kind of field was wrong.
fn body<T: DeserializeOwned>(fields: Map<String, Value>) -> Result<T, Refusal> {
    serde_json::from_value(Value::Object(fields)).map_err(|e| {
        let msg = e.to_string();
        let code = [
            ("an id must be", Code::BadId),
            ("a public key", Code::BadKey),
            (BAD_AMOUNT, Code::BadAmount),
            (BAD_UNIT, Code::BadUnit),
            (BAD_CATEGORY, Code::BadCategory),
            (BAD_GTIN, Code::BadGtin),
            (BAD_OCOP_STARS, Code::BadOcopStars),
            (BAD_COORDINATES, Code::BadCoordinates),
            (BAD_HASH, Code::BadHash),
            (BAD_DATE, Code::BadTime),
        ]
        .into_iter()
        // Our own messages start with their marker text; matching only the
        // start keeps a value quoted later in the message (`got "…"`) from
        // choosing the code.
        .find(|(text, _)| msg.starts_with(text))
        .map_or(Code::MalformedStatement, |(_, code)| code);
        Refusal::with(code, msg)
    })
}

fn take_string(map: &mut Map<String, Value>, field: &str) -> Result<String, Refusal> {
    match map.remove(field) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(Refusal::with(
            Code::MalformedStatement,
            format!("{field} must be a string"),
        )),
        None => Err(Refusal::with(
            Code::MalformedStatement,
            format!("missing field {field}"),
        )),
    }
}

/// A JSON value whose objects have no repeated member names. A repeated
/// name would let two verifiers read one signed text differently (one takes
/// the first value, another the last), so statements with one are refused.
struct UniqueKeys(Value);

impl<'de> Deserialize<'de> for UniqueKeys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(UniqueKeysVisitor).map(UniqueKeys)
    }
}

struct UniqueKeysVisitor;

impl<'de> serde::de::Visitor<'de> for UniqueKeysVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(UniqueKeys(v)) = seq.next_element()? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let UniqueKeys(v) = map.next_value()?;
            if out.insert(key.clone(), v).is_some() {
                return Err(serde::de::Error::custom(format!(
                    "the member {key:?} appears twice"
                )));
            }
        }
        Ok(Value::Object(out))
    }
}

/// Parses a statement text (spec §3): a JSON object with `v`, `type`,
/// `by`, `at`, an optional `nonce`, and the fields of its type.
pub fn parse(text: &str) -> Result<Statement, Refusal> {
    let value = serde_json::from_str::<UniqueKeys>(text)
        .map_err(|e| {
            Refusal::with(
                Code::MalformedStatement,
                format!("statement is not JSON: {e}"),
            )
        })?
        .0;
    let Value::Object(mut map) = value else {
        return Err(Refusal::with(
            Code::MalformedStatement,
            "a statement is a JSON object",
        ));
    };
    match map.remove("v") {
        Some(Value::Number(n)) if n.as_u64() == Some(VERSION) => {}
        Some(_) => return Err(Refusal::new(Code::UnsupportedVersion)),
        None => return Err(Refusal::with(Code::MalformedStatement, "missing field v")),
    }
    let kind = take_string(&mut map, "type")?;
    let by = take_string(&mut map, "by")?;
    let by = ActorId::parse(&by).map_err(|_| Refusal::with(Code::BadId, format!("by: {by:?}")))?;
    let at = take_string(&mut map, "at")?;
    let at =
        Timestamp::parse(&at).map_err(|_| Refusal::with(Code::BadTime, format!("at: {at:?}")))?;
    let nonce = match map.remove("nonce") {
        None => None,
        Some(Value::String(s)) => {
            text_ok("nonce", &s)?;
            Some(s)
        }
        Some(_) => {
            return Err(Refusal::with(
                Code::MalformedStatement,
                "nonce must be a string",
            ));
        }
    };
    let kind = StatementType::parse(&kind)
        .ok_or_else(|| Refusal::with(Code::UnknownType, format!("type {kind:?}")))?;
    let body = match kind {
        StatementType::Genesis => {
            let g: Genesis = body(map)?;
            if g.origin.is_empty()
                || g.origin.len() > 255
                || g.origin.chars().any(|c| c.is_whitespace() || c == '+')
            {
                return Err(Refusal::with(
                    Code::MalformedStatement,
                    "origin: 1–255 bytes, no spaces or '+'",
                ));
            }
            too_many("registrars", g.registrars.len(), MAX_REGISTRARS)?;
            for r in &g.registrars {
                opt_text_ok("registrars.name", &r.name)?;
                registrable(&r.key, &format!("registrar {}", r.id))?;
            }
            Body::Genesis(g)
        }
        StatementType::ActorRegister => {
            let a: ActorRegister = body(map)?;
            text_ok("name", &a.name)?;
            region_ok(&a.region)?;
            registrable(&a.key, a.id.as_str())?;
            Body::ActorRegister(a)
        }
        StatementType::RotateKey => {
            let r: RotateKey = body(map)?;
            registrable(&r.new_key, "new_key")?;
            Body::RotateKey(r)
        }
        StatementType::Revoke => {
            let r: Revoke = body(map)?;
            note_ok("reason", &r.reason)?;
            Body::Revoke(r)
        }
        StatementType::BatchCreate => {
            let b: BatchCreate = body(map)?;
            product_ok("product", &b.product)?;
            text_ok("origin.place", &b.origin.place)?;
            if let Some(certs) = &b.certifications {
                too_many("certifications", certs.len(), MAX_CERTIFICATIONS)?;
                for c in certs {
                    text_ok("certifications.id", &c.id)?;
                }
            }
            if let Some(h) = b.harvested_at.as_ref().filter(|h| h.earliest() > at) {
                {
                    return Err(Refusal::with(
                        Code::HarvestAfterStatement,
                        format!("harvested_at {} > at {at}", h.as_str()),
                    ));
                }
            }
            Body::BatchCreate(b)
        }
        StatementType::Ship => Body::Ship(body(map)?),
        StatementType::Receive => Body::Receive(body(map)?),
        StatementType::Transform => {
            let t: Transform = body(map)?;
            transform_ok(&t)?;
            Body::Transform(t)
        }
        StatementType::Inspect => {
            let i: Inspect = body(map)?;
            if let Some(n) = &i.note {
                note_ok("note", n)?;
            }
            Body::Inspect(i)
        }
        StatementType::Recall => {
            let r: Recall = body(map)?;
            note_ok("reason", &r.reason)?;
            Body::Recall(r)
        }
        StatementType::ContractOffer => {
            let c: ContractOffer = body(map)?;
            if c.to < c.from {
                return Err(Refusal::with(
                    Code::BadPeriod,
                    format!("from {} to {}", c.from, c.to),
                ));
            }
            Body::ContractOffer(c)
        }
        StatementType::ContractAccept => Body::ContractAccept(body(map)?),
        StatementType::Correction => {
            let c: Correction = body(map)?;
            note_ok("reason", &c.reason)?;
            Body::Correction(c)
        }
    };
    Ok(Statement {
        by,
        at,
        nonce,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";

    fn register(extra: &str) -> String {
        format!(
            r#"{{"v":1,"type":"actor.register","by":"reg","at":"2026-11-21T08:00:00Z","id":"htx-1","role":"cooperative","name":"HTX Phú Minh","key":"{KEY}","region":{{"province":"Hà Nội"}}{extra}}}"#
        )
    }

    #[test]
    fn a_well_formed_registration_parses() {
        let st = parse(&register("")).expect("parses");
        assert_eq!(st.by.as_str(), "reg");
        let Body::ActorRegister(a) = st.body else {
            panic!("wrong body")
        };
        assert_eq!(a.role, Role::Cooperative);
        assert_eq!(a.region.province, "Hà Nội");
    }

    #[test]
    fn each_malformation_has_its_own_code() {
        let code = |t: &str| parse(t).expect_err("refused").code;
        assert_eq!(code("[1]"), Code::MalformedStatement);
        assert_eq!(
            code(&register(r#","colour":"red""#)),
            Code::MalformedStatement
        );
        assert_eq!(
            code(&register("").replace(r#""v":1"#, r#""v":2"#)),
            Code::UnsupportedVersion
        );
        assert_eq!(
            code(&register("").replace("actor.register", "actor.dance")),
            Code::UnknownType
        );
        assert_eq!(
            code(&register("").replace(r#""id":"htx-1""#, r#""id":"htx 1""#)),
            Code::BadId
        );
        assert_eq!(
            code(&register("").replace("2026-11-21T08:00:00Z", "yesterday")),
            Code::BadTime
        );
        assert_eq!(code(&register("").replace(KEY, "AAAA")), Code::BadKey);
        assert_eq!(
            code(&register("").replace("HTX Phú Minh", &"x".repeat(201))),
            Code::TooLong
        );
        // A value that quotes another field's error text does not choose the
        // code (the codes match the start of the message only).
        assert_eq!(
            code(&register("").replace(r#""role":"cooperative""#, r#""role":"a public key""#)),
            Code::MalformedStatement
        );
    }
}
