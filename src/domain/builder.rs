//! The one statement builder (spec §3, §6): typed values in, the statement
//! text a signer signs out, for the demo, the tests and the benchmarks.
//!
//! [`StatementBuilder::new`] takes the signer and the time (both passed in:
//! the builder reads no clock and draws no randomness); one method per
//! statement type takes that type's required fields and gives a
//! [`Draft`], whose optional fields are chained setters. [`Draft::text`]
//! writes `v`, `type`, `by`, `at`, the optional `nonce`, then the type's
//! fields (serialised from the domain's own body structs of
//! [`super::statement`], so what is built is what [`parse`] reads back);
//! [`Draft::sign`] signs it with [`Envelope::sign`], the one place that
//! knows the signed bytes.
//!
//! Tests that need a deliberately bad statement keep a raw escape hatch:
//! [`Draft::raw`] takes the common fields as plain text, and
//! [`Draft::field`] / [`Draft::without`] set or drop any member by name, so
//! such a statement keeps its exact meaning.
//!
//! [`parse`]: super::statement::parse

use super::envelope::Envelope;
use super::ids::{ActorId, BatchId, ContractId};
use super::keys::PublicKey;
use super::privacy::NameCommit;
use super::product::{
    Blake3Hex, Category, Certification, InspectResult, OcopStars, Origin, Process, Product, Scheme,
};
use super::quantity::{Amount, Quantity};
use super::statement::{
    ActorRegister, BatchCreate, Consent, ContractAccept, ContractOffer, Correction, Genesis,
    Inspect, LedgerFormat, Recall, Receive, Region, Registrar, Revoke, Role, RotateKey, Ship,
    StatementType, Transform, TransformInput, TransformOutput, VERSION,
};
use super::time::{Day, HarvestTime, Timestamp};
use ed25519_dalek::SigningKey;
use serde::Serialize;
use serde_json::{Map, Value};

/// A statement body the builder can write: one of the domain's body
/// structs, each with the `type` it is the body of.
pub trait Fields: Serialize {
    /// The statement type whose fields these are.
    const TYPE: StatementType;
}

macro_rules! fields {
    ($($body:ty => $kind:ident,)*) => {
        $(impl Fields for $body {
            const TYPE: StatementType = StatementType::$kind;
        })*
    };
}

fields!(
    Genesis => Genesis,
    ActorRegister => ActorRegister,
    RotateKey => RotateKey,
    Revoke => Revoke,
    Consent => Consent,
    BatchCreate => BatchCreate,
    Ship => Ship,
    Receive => Receive,
    Transform => Transform,
    Inspect => Inspect,
    Recall => Recall,
    ContractOffer => ContractOffer,
    ContractAccept => ContractAccept,
    Correction => Correction,
);

/// The fields of a [`Draft::raw`] statement: any JSON members at all.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Raw(pub Map<String, Value>);

/// The start of every statement: who signs it and when.
#[derive(Clone, Debug)]
pub struct StatementBuilder {
    by: ActorId,
    at: Timestamp,
}

impl StatementBuilder {
    /// A statement `by` signs, claiming the time `at`.
    pub fn new(by: &ActorId, at: Timestamp) -> Self {
        Self { by: by.clone(), at }
    }

    /// A statement with the given body (any of the fourteen types).
    pub fn body<T: Fields>(self, body: T) -> Draft<T> {
        Draft {
            kind: T::TYPE.as_str().to_owned(),
            by: self.by.to_string(),
            at: self.at.to_string(),
            nonce: None,
            body,
            edits: Vec::new(),
        }
    }

    /// `ledger.genesis` naming the ledger key and the registrars (its `by`
    /// is [`super::statement::LEDGER_SIGNER`]).
    pub fn genesis(
        self,
        origin: &str,
        ledger_key: PublicKey,
        registrars: Vec<Registrar>,
    ) -> Draft<Genesis> {
        self.body(Genesis {
            origin: origin.to_owned(),
            ledger_key,
            registrars,
            format: None,
        })
    }

    /// `actor.register` of `id` with its role, public name, key and
    /// region: an organisation, or a member of a format-1 ledger.
    pub fn register(
        self,
        id: &ActorId,
        role: Role,
        name: &str,
        key: PublicKey,
        region: Region,
    ) -> Draft<ActorRegister> {
        self.body(ActorRegister {
            id: id.clone(),
            role,
            name: Some(name.to_owned()),
            name_commit: None,
            key,
            region,
            cooperative: None,
            public: None,
        })
    }

    /// `actor.register` of member `id` of a format-2 ledger: its name only
    /// as a commitment ([`super::privacy::name_commit`]); name its
    /// cooperative with [`Draft::cooperative`].
    pub fn register_member(
        self,
        id: &ActorId,
        name_commit: NameCommit,
        key: PublicKey,
        region: Region,
    ) -> Draft<ActorRegister> {
        self.body(ActorRegister {
            id: id.clone(),
            role: Role::Member,
            name: None,
            name_commit: Some(name_commit),
            key,
            region,
            cooperative: None,
            public: None,
        })
    }

    /// `actor.consent` of `member`: consent to be named given (`public`)
    /// or withdrawn.
    pub fn consent(self, member: &ActorId, public: bool) -> Draft<Consent> {
        self.body(Consent {
            member: member.clone(),
            public,
            form_blake3: None,
        })
    }

    /// `actor.rotate_key`: the signer's new key.
    pub fn rotate_key(self, new_key: PublicKey) -> Draft<RotateKey> {
        self.body(RotateKey { new_key })
    }

    /// `actor.revoke` of `id`, for `reason`.
    pub fn revoke(self, id: &ActorId, reason: &str) -> Draft<Revoke> {
        self.body(Revoke {
            id: id.clone(),
            reason: reason.to_owned(),
        })
    }

    /// `batch.create` of `batch`: what, how much, and where from.
    pub fn batch_create(
        self,
        batch: &BatchId,
        product: Product,
        quantity: Quantity,
        origin: Origin,
    ) -> Draft<BatchCreate> {
        self.body(BatchCreate {
            batch: batch.clone(),
            product,
            quantity,
            origin,
            harvested_at: None,
            producer: None,
            certifications: None,
            photo_blake3: None,
        })
    }

    /// `batch.ship` of `batch` to `to`.
    pub fn ship(self, batch: &BatchId, to: &ActorId) -> Draft<Ship> {
        self.body(Ship {
            batch: batch.clone(),
            to: to.clone(),
            contract: None,
        })
    }

    /// `batch.receive` of `batch`: taken (`accepted`) or refused.
    pub fn receive(self, batch: &BatchId, accepted: bool) -> Draft<Receive> {
        self.body(Receive {
            batch: batch.clone(),
            accepted,
        })
    }

    /// `batch.transform`: `inputs` consumed by `process`, `outputs` made.
    pub fn transform(
        self,
        process: Process,
        inputs: Vec<TransformInput>,
        outputs: Vec<TransformOutput>,
    ) -> Draft<Transform> {
        self.body(Transform {
            process,
            inputs,
            outputs,
        })
    }

    /// `batch.inspect` of `batch`: its result under `scheme`.
    pub fn inspect(self, batch: &BatchId, result: InspectResult, scheme: Scheme) -> Draft<Inspect> {
        self.body(Inspect {
            batch: batch.clone(),
            result,
            scheme,
            report_blake3: None,
            note: None,
        })
    }

    /// `batch.recall` of `batch`, for `reason`.
    pub fn recall(self, batch: &BatchId, reason: &str) -> Draft<Recall> {
        self.body(Recall {
            batch: batch.clone(),
            reason: reason.to_owned(),
        })
    }

    /// `contract.offer` of `contract` between a cooperative and a business,
    /// for a category, from one day to another.
    pub fn contract_offer(
        self,
        contract: &ContractId,
        cooperative: &ActorId,
        business: &ActorId,
        product_category: Category,
        (from, to): (Day, Day),
    ) -> Draft<ContractOffer> {
        self.body(ContractOffer {
            contract: contract.clone(),
            cooperative: cooperative.clone(),
            business: business.clone(),
            product_category,
            from,
            to,
            volume: None,
        })
    }

    /// `contract.accept` of `contract`.
    pub fn contract_accept(self, contract: &ContractId) -> Draft<ContractAccept> {
        self.body(ContractAccept {
            contract: contract.clone(),
        })
    }

    /// `correction` of leaf `index`, for `reason`.
    pub fn correction(self, index: u64, reason: &str) -> Draft<Correction> {
        self.body(Correction {
            index,
            reason: reason.to_owned(),
        })
    }
}

/// One input of a transformation: `amount` of `batch`, in its unit.
pub fn input(batch: &BatchId, amount: Amount) -> TransformInput {
    TransformInput {
        batch: batch.clone(),
        amount,
    }
}

/// One output of a transformation: `quantity` of `product` as `batch`.
pub fn output(batch: &BatchId, product: Product, quantity: Quantity) -> TransformOutput {
    TransformOutput {
        batch: batch.clone(),
        product,
        quantity,
    }
}

/// A product with no GTIN, no OCOP stars and no net content.
pub fn product(category: Category, name: &str) -> Product {
    Product {
        category,
        name: name.to_owned(),
        gtin: None,
        ocop_stars: None,
        net: None,
    }
}

/// OCOP stars, when `n` is 3, 4 or 5.
pub fn stars(n: u8) -> Option<OcopStars> {
    serde_json::from_value(Value::from(n)).ok()
}

/// A place with no coordinates.
pub fn place(place: &str) -> Origin {
    Origin {
        place: place.to_owned(),
        lat: None,
        lon: None,
        plot_commit: None,
    }
}

/// A region of a format-2 ledger: a province's GSO code and, when given,
/// one of its communes' (spec §6.17).
pub fn coded_region(province: u32, commune: Option<u32>) -> Region {
    Region {
        province: province.to_string(),
        district: None,
        commune: commune.map(|c| c.to_string()),
    }
}

/// A region of a format-1 ledger, in words: a province, with its district
/// and commune when given.
pub fn region(province: &str, district: Option<&str>, commune: Option<&str>) -> Region {
    Region {
        province: province.to_owned(),
        district: district.map(str::to_owned),
        commune: commune.map(str::to_owned),
    }
}

/// The BLAKE3 of `data`, as `report_blake3` and `photo_blake3` write it.
fn blake3_of(data: &[u8]) -> Option<Blake3Hex> {
    // The hex of a BLAKE3 hash is always 64 lowercase hex characters, which
    // is all `Blake3Hex` asks of its text.
    serde_json::from_value(Value::String(blake3::hash(data).to_hex().to_string())).ok()
}

/// A statement being built: its common fields, a typed body, and any raw
/// edits. Nothing is written until [`Draft::text`] or [`Draft::sign`].
#[derive(Clone, Debug)]
pub struct Draft<T> {
    kind: String,
    by: String,
    at: String,
    nonce: Option<String>,
    body: T,
    /// Raw members set (`Some`) or dropped (`None`), applied in order.
    edits: Vec<(String, Option<Value>)>,
}

impl Draft<Raw> {
    /// A statement whose common fields are plain text, unchecked, and whose
    /// fields are added with [`Draft::field`] or [`Draft::fields`]: for
    /// tests of what the ledger refuses.
    pub fn raw(kind: &str, by: &str, at: &str) -> Self {
        Draft {
            kind: kind.to_owned(),
            by: by.to_owned(),
            at: at.to_owned(),
            nonce: None,
            body: Raw::default(),
            edits: Vec::new(),
        }
    }

    /// Sets every member of `fields` (a JSON object; anything else adds
    /// nothing), as [`Draft::field`] does, in their order.
    pub fn fields(self, fields: Value) -> Self {
        match fields {
            Value::Object(map) => map.into_iter().fold(self, |d, (k, v)| d.field(&k, v)),
            _ => self,
        }
    }
}

impl<T: Serialize> Draft<T> {
    /// The typed body as built (raw edits aside).
    pub fn body(&self) -> &T {
        &self.body
    }

    /// The same statement with its body as raw members: drafts of every
    /// type in one list (a batch of statements to send later).
    pub fn into_raw(self) -> Draft<Raw> {
        let body = match serde_json::to_value(&self.body) {
            Ok(Value::Object(fields)) => fields,
            _ => Map::new(),
        };
        Draft {
            kind: self.kind,
            by: self.by,
            at: self.at,
            nonce: self.nonce,
            body: Raw(body),
            edits: self.edits,
        }
    }

    /// Claims another time (a statement may be stamped when it is sent).
    pub fn at(mut self, at: Timestamp) -> Self {
        self.at = at.to_string();
        self
    }

    /// Adds a `nonce`, which lets a signer make two otherwise identical
    /// statements.
    pub fn nonce(mut self, nonce: &str) -> Self {
        self.nonce = Some(nonce.to_owned());
        self
    }

    /// Sets the member `name` to `value`, raw: in its place if the
    /// statement has it (`v`, `type`, `by` and `at` included), else last.
    pub fn field(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.edits.push((name.to_owned(), Some(value.into())));
        self
    }

    /// Drops the member `name`, whatever it is.
    pub fn without(mut self, name: &str) -> Self {
        self.edits.push((name.to_owned(), None));
        self
    }

    /// The members in the order they are written.
    fn members(&self) -> Vec<(String, Value)> {
        let mut members = vec![
            ("v".to_owned(), Value::from(VERSION)),
            ("type".to_owned(), Value::from(self.kind.as_str())),
            ("by".to_owned(), Value::from(self.by.as_str())),
            ("at".to_owned(), Value::from(self.at.as_str())),
        ];
        if let Some(n) = &self.nonce {
            members.push(("nonce".to_owned(), Value::from(n.as_str())));
        }
        // The bodies are structs of strings, numbers and lists, which
        // serialise without fail into an object.
        if let Ok(Value::Object(fields)) = serde_json::to_value(&self.body) {
            members.extend(fields);
        }
        for (name, edit) in &self.edits {
            let at = members.iter().position(|(k, _)| k == name);
            match (at, edit) {
                (Some(i), Some(v)) => members[i].1 = v.clone(),
                (None, Some(v)) => members.push((name.clone(), v.clone())),
                (Some(i), None) => {
                    members.remove(i);
                }
                (None, None) => {}
            }
        }
        members
    }

    /// The statement's JSON text, exactly as it is signed.
    pub fn text(&self) -> String {
        let members: Vec<String> = self
            .members()
            .iter()
            .map(|(k, v)| format!("{}:{v}", Value::from(k.as_str())))
            .collect();
        format!("{{{}}}", members.join(","))
    }

    /// The statement signed with `key` ([`Envelope::sign`]).
    pub fn sign(&self, key: &SigningKey) -> Envelope {
        Envelope::sign(self.text(), key)
    }
}

impl Draft<ActorRegister> {
    /// A member's cooperative.
    pub fn cooperative(mut self, cooperative: &ActorId) -> Self {
        self.body.cooperative = Some(cooperative.clone());
        self
    }

    /// A member's consent (or refusal) to be named on public pages (format
    /// 1; a format-2 ledger takes it as `actor.consent`).
    pub fn public(mut self, public: bool) -> Self {
        self.body.public = Some(public);
        self
    }
}

impl Draft<Genesis> {
    /// The ledger's format (absent: format 1).
    pub fn format(mut self, format: LedgerFormat) -> Self {
        self.body.format = Some(format);
        self
    }
}

impl Draft<Consent> {
    /// The BLAKE3 of the consent form the household signed (the form's
    /// bytes), which a cooperative signing for its member must give.
    pub fn form_of(mut self, form: &[u8]) -> Self {
        self.body.form_blake3 = blake3_of(form);
        self
    }
}

impl Draft<BatchCreate> {
    /// When it was harvested or produced.
    pub fn harvested_at(mut self, at: HarvestTime) -> Self {
        self.body.harvested_at = Some(at);
        self
    }

    /// The member household that produced it.
    pub fn producer(mut self, producer: &ActorId) -> Self {
        self.body.producer = Some(producer.clone());
        self
    }

    /// The certificates covering it.
    pub fn certifications(mut self, certifications: Vec<Certification>) -> Self {
        self.body.certifications = Some(certifications);
        self
    }

    /// The BLAKE3 of a photo of the lot (the photo's bytes).
    pub fn photo_of(mut self, photo: &[u8]) -> Self {
        self.body.photo_blake3 = blake3_of(photo);
        self
    }
}

impl Draft<Ship> {
    /// The linkage contract it is delivered under.
    pub fn contract(mut self, contract: &ContractId) -> Self {
        self.body.contract = Some(contract.clone());
        self
    }
}

impl Draft<Inspect> {
    /// The BLAKE3 of the inspection report (the report's bytes).
    pub fn report_of(mut self, report: &[u8]) -> Self {
        self.body.report_blake3 = blake3_of(report);
        self
    }

    /// A note.
    pub fn note(mut self, note: &str) -> Self {
        self.body.note = Some(note.to_owned());
        self
    }
}

impl Draft<ContractOffer> {
    /// The agreed volume.
    pub fn volume(mut self, volume: Quantity) -> Self {
        self.body.volume = Some(volume);
        self
    }
}

#[cfg(test)]
mod tests;
