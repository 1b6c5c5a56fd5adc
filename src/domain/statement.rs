//! Statements (design §3, §6): the signed JSON objects the ledger logs.
//!
//! A statement is parsed from the exact text that was signed; the text is kept
//! verbatim elsewhere and never re-serialised. Parsing checks the shape and
//! every field's syntax (ids, keys, times, lengths); the rules that need the
//! ledger's state are in [`super::rules`].

use super::ids::ActorId;
use super::keys::{KeyError, PublicKey};
use super::messages::{Code, Refusal};
use super::time::Timestamp;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The only statement format version (design §3).
pub const VERSION: u64 = 1;

/// Longest free text (names, places, reasons, nonces), in characters.
pub const MAX_TEXT_CHARS: usize = 200;

/// Most registrars a genesis statement may name.
pub const MAX_REGISTRARS: usize = 64;

/// The `by` of the genesis statement (design §6).
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

/// The type-specific part of a statement.
#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    /// `ledger.genesis`: leaf 0, names the ledger key and the registrars.
    Genesis(Genesis),
    /// `actor.register`: a new actor with its key.
    ActorRegister(ActorRegister),
}

impl Body {
    /// The `type` string.
    pub fn type_name(&self) -> &'static str {
        match self {
            Body::Genesis(_) => "ledger.genesis",
            Body::ActorRegister(_) => "actor.register",
        }
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

/// The roles an actor may be registered with (design §6).
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

fn text_ok(field: &str, s: &str) -> Result<(), Refusal> {
    if s.trim().is_empty() {
        return Err(Refusal::with(
            Code::MalformedStatement,
            format!("{field} is empty"),
        ));
    }
    if s.chars().count() > MAX_TEXT_CHARS {
        return Err(Refusal::with(
            Code::TooLong,
            format!("{field}: at most {MAX_TEXT_CHARS} characters"),
        ));
    }
    Ok(())
}

fn opt_text_ok(field: &str, s: &Option<String>) -> Result<(), Refusal> {
    s.as_deref().map_or(Ok(()), |s| text_ok(field, s))
}

/// A key being registered must be a curve point not of small order
/// (design §2). Checked here, at the edge and in parallel, rather than by the
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
        let code = if msg.contains("an id must be") {
            Code::BadId
        } else if msg.contains("public key") {
            Code::BadKey
        } else {
            Code::MalformedStatement
        };
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

/// Parses a statement text (design §3): a JSON object with `v`, `type`,
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
    let body = match kind.as_str() {
        "ledger.genesis" => {
            let g: Genesis = body(map)?;
            if g.origin.is_empty()
                || g.origin.len() > 255
                || g.origin.chars().any(|c| c.is_whitespace() || c == '+')
            {
                return Err(Refusal::with(
                    Code::MalformedStatement,
                    "origin: 1–255 characters, no spaces or '+'",
                ));
            }
            if g.registrars.len() > MAX_REGISTRARS {
                return Err(Refusal::with(
                    Code::TooLong,
                    format!("at most {MAX_REGISTRARS} registrars"),
                ));
            }
            for r in &g.registrars {
                opt_text_ok("registrars.name", &r.name)?;
                registrable(&r.key, &format!("registrar {}", r.id))?;
            }
            Body::Genesis(g)
        }
        "actor.register" => {
            let a: ActorRegister = body(map)?;
            text_ok("name", &a.name)?;
            region_ok(&a.region)?;
            registrable(&a.key, a.id.as_str())?;
            Body::ActorRegister(a)
        }
        other => return Err(Refusal::with(Code::UnknownType, format!("type {other:?}"))),
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
    }
}
