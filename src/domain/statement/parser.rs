//! Parsing a statement's text (spec §3): the common fields, the body of
//! its type, and every check that needs no state: keys being registered,
//! text lengths, list sizes, the shape of a transformation, `harvested_at`
//! not after `at`, and `from` ≤ `to`. `UniqueKeys` refuses repeated member
//! names. A field's error code is chosen from the start of serde's message.

use super::types::{
    ActorRegister, BatchCreate, ContractOffer, Correction, Genesis, Inspect, Recall, Revoke,
    RotateKey, Transform,
};
use super::{
    BAD_FORMAT, Body, MAX_CERTIFICATIONS, MAX_NOTE_CHARS, MAX_REGISTRARS, MAX_TEXT_CHARS,
    MAX_TRANSFORM_SIDES, Region, Role, Statement, StatementType, VERSION,
};
use crate::domain::ids::ActorId;
use crate::domain::keys::{KeyError, PublicKey};
use crate::domain::messages::{Code, Refusal};
use crate::domain::product::{
    BAD_CATEGORY, BAD_COORDINATES, BAD_GTIN, BAD_HASH, BAD_OCOP_STARS, Process, Product,
};
use crate::domain::quantity::{BAD_AMOUNT, BAD_UNIT};
use crate::domain::time::{BAD_DATE, Timestamp};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

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

/// How many batches one side of a transformation names: from `min` to
/// `max`, both included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Sides {
    /// The fewest.
    pub min: usize,
    /// The most.
    pub max: usize,
}

impl Sides {
    /// Whether `n` batches are within these bounds.
    pub const fn admits(self, n: usize) -> bool {
        self.min <= n && n <= self.max
    }
}

/// Either side of every transformation: at least one batch, at most
/// [`MAX_TRANSFORM_SIDES`] (more is `too_many_items`, fewer
/// `bad_transform`; spec §6).
pub const ANY_SIDES: Sides = Sides {
    min: 1,
    max: MAX_TRANSFORM_SIDES,
};

/// What a transformation of one process must be (spec §6): its inputs and
/// outputs (outside these bounds it is refused `bad_transform`), and
/// whether its outputs keep the inputs' unit and total (`unit_mismatch`,
/// `quantity_mismatch`, checked against the ledger's state).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct TransformShape {
    /// How many inputs.
    pub inputs: Sides,
    /// How many outputs.
    pub outputs: Sides,
    /// Whether the outputs together are the inputs, in the same unit.
    pub conserves: bool,
}

/// The shape of a transformation by `process`: a split has one input and
/// two or more outputs, a merge two or more inputs and one output, both
/// keep unit and total; any other process takes [`ANY_SIDES`] of each.
pub const fn transform_shape(process: Process) -> TransformShape {
    const ONE: Sides = Sides { min: 1, max: 1 };
    const SEVERAL: Sides = Sides {
        min: 2,
        max: MAX_TRANSFORM_SIDES,
    };
    match process {
        Process::Split => TransformShape {
            inputs: ONE,
            outputs: SEVERAL,
            conserves: true,
        },
        Process::Merge => TransformShape {
            inputs: SEVERAL,
            outputs: ONE,
            conserves: true,
        },
        Process::Drying
        | Process::Milling
        | Process::Packing
        | Process::Processing
        | Process::Other => TransformShape {
            inputs: ANY_SIDES,
            outputs: ANY_SIDES,
            conserves: false,
        },
    }
}

/// Checks of a transformation that need no state: each side present and
/// within limits, no batch named twice, an output never also an input, and
/// the shape of its process ([`transform_shape`]).
fn transform_ok(t: &Transform) -> Result<(), Refusal> {
    let bad = |why: &str| Err(Refusal::with(Code::BadTransform, why));
    if t.inputs.len() < ANY_SIDES.min || t.outputs.len() < ANY_SIDES.min {
        return bad("at least one input and one output");
    }
    too_many("inputs", t.inputs.len(), ANY_SIDES.max)?;
    too_many("outputs", t.outputs.len(), ANY_SIDES.max)?;
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
    let shape = transform_shape(t.process);
    if !shape.inputs.admits(t.inputs.len()) || !shape.outputs.admits(t.outputs.len()) {
        let (i, o) = (shape.inputs, shape.outputs);
        return bad(&format!(
            "a {} has {}–{} inputs and {}–{} outputs",
            t.process, i.min, i.max, o.min, o.max
        ));
    }
    t.outputs.iter().try_for_each(|o| {
        product_ok("outputs.product", &o.product)?;
        crate::domain::product::net_ok("outputs.product", &o.product, o.quantity.unit)
    })
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

/// An organisation has a public name and no commitment; a member has one
/// of the two, the plain name on a format-1 ledger, the commitment on a
/// format-2 one (which the rules decide, knowing the format).
fn register_names_ok(a: &ActorRegister) -> Result<(), Refusal> {
    let malformed = |why: &str| Err(Refusal::with(Code::MalformedStatement, why.to_owned()));
    match (a.role, &a.name, &a.name_commit) {
        (Role::Member, Some(_), Some(_)) => {
            return malformed("a member's registration carries name_commit, not also name");
        }
        (Role::Member, None, None) => return malformed("missing field name_commit"),
        (Role::Member, _, _) => {}
        (_, _, Some(_)) => return malformed("only a member's registration carries name_commit"),
        (_, None, None) => return malformed("missing field name"),
        (_, Some(_), None) => {}
    }
    opt_text_ok("name", &a.name)
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
            (BAD_FORMAT, Code::UnsupportedFormat),
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
            register_names_ok(&a)?;
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
            crate::domain::product::net_ok("product", &b.product, b.quantity.unit)?;
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
        StatementType::Consent => Body::Consent(body(map)?),
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

    /// The parser refuses exactly the transformations outside the shape
    /// of their process, the one the app is sent (issue 12).
    #[test]
    fn a_transformation_is_refused_exactly_outside_its_processes_shape() {
        for p in Process::ALL {
            for (ni, no) in [(1, 1), (1, 2), (2, 1), (2, 2), (3, 1), (1, 3)] {
                let inputs: Vec<_> = (0..ni)
                    .map(|k| serde_json::json!({"batch": format!("i{k}"), "amount": "1"}))
                    .collect();
                let outputs: Vec<_> = (0..no)
                    .map(|k| {
                        serde_json::json!({"batch": format!("o{k}"),
                        "product": {"category": "fruit", "name": "Vải"},
                        "quantity": {"amount": "1", "unit": "kg"}})
                    })
                    .collect();
                let st = serde_json::json!({"v": 1, "type": "batch.transform", "by": "tv-1",
                    "at": "2026-11-21T08:00:00Z", "process": p.as_str(),
                    "inputs": inputs, "outputs": outputs});
                let shape = transform_shape(*p);
                let fits = shape.inputs.admits(ni) && shape.outputs.admits(no);
                match parse(&st.to_string()) {
                    Ok(_) => assert!(fits, "{p} {ni}→{no} accepted"),
                    Err(r) => {
                        assert!(!fits, "{p} {ni}→{no}: {r:?}");
                        assert_eq!(r.code, Code::BadTransform, "{p} {ni}→{no}");
                    }
                }
            }
        }
    }

    /// Issue 13: a genesis's `format` is the integer 1 or 2; anything else
    /// is `unsupported_format`, whatever its JSON type (`null`, as for
    /// every optional member, is absent).
    #[test]
    fn a_genesis_format_is_the_integer_1_or_2() {
        let genesis = |format: &str| {
            format!(
                r#"{{"v":1,"type":"ledger.genesis","by":"ledger","at":"2026-11-21T08:00:00Z","origin":"x.vn/l","ledger_key":"{KEY}","registrars":[],"format":{format}}}"#
            )
        };
        for ok in ["1", "2"] {
            assert!(parse(&genesis(ok)).is_ok(), "{ok}");
        }
        for bad in ["3", "0", "-1", "2.0", r#""2""#, "[2]"] {
            let code = parse(&genesis(bad)).expect_err(bad).code;
            assert_eq!(code, Code::UnsupportedFormat, "{bad}");
        }
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
