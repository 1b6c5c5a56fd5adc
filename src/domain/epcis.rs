//! GS1 EPCIS 2.0 (with the CBV 2.0 vocabulary): the ledger's batch
//! statements as EPCIS events, and EPCIS events as statements. Pure: the
//! caller reads the leaves and the views and passes what they say in.
//!
//! Export, one event per batch statement (EPCIS 2.0 §7.4 event types, the
//! JSON/JSON-LD binding of §10; CBV 2.0 §7.1 business steps and §7.2
//! dispositions, in the bare-word form the EPCIS JSON schema accepts):
//!
//! | statement | event | action | bizStep | disposition |
//! |---|---|---|---|---|
//! | `batch.create` | `ObjectEvent` | `ADD` | `commissioning` | `active` |
//! | `batch.ship` | `ObjectEvent` | `OBSERVE` | `shipping` | `in_transit` |
//! | `batch.receive` accepted | `ObjectEvent` | `OBSERVE` | `receiving` | `in_progress` |
//! | `batch.receive` refused | `ObjectEvent` | `OBSERVE` | `receiving` | `returned` |
//! | `batch.inspect` | `ObjectEvent` | `OBSERVE` | `inspecting` | `conformant` / `non_conformant` |
//! | `batch.recall` | `ObjectEvent` | `OBSERVE` | `holding` | `recalled` |
//! | `batch.transform` | `TransformationEvent` | – | `packing` (packing), else `commissioning` | `active` |
//!
//! Every event carries, under the `coop:` prefix ([`EXT_NAMESPACE`]), the
//! leaf it comes from: its index, leaf hash (base64, as spec §8 writes
//! hashes), entry id, signer and statement type. A corrected leaf carries an
//! EPCIS `errorDeclaration` (EPCIS 2.0 §7.4.1.2) with the correction's time
//! and reason. docs/epcis.md has the whole mapping, both ways.
//!
//! Import ([`plan_import`]) reads an EPCIS document and says, per event,
//! which statements it maps to and what it cannot map; it never drops a
//! field without saying so.

use super::ids::{ActorId, BatchId, ContractId};
use super::model::CorrectionRecord;
use super::product::{Category, Gtin, InspectResult, Process, Product, Scheme, check_digit};
use super::quantity::{Amount, Quantity, Unit};
use super::statement::{self, Body, Statement};
use super::time::{LOCAL_OFFSET_HOURS, Timestamp};
use serde_json::{Map, Number, Value, json};
use std::collections::{BTreeSet, HashMap};
use time::format_description::well_known::Rfc3339;

/// The GS1 EPCIS 2.0 JSON-LD context (EPCIS 2.0 §10.2).
pub const EPCIS_CONTEXT: &str = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";

/// The prefix of the ledger's extension fields (`coop:ledgerIndex`, …).
pub const EXT_PREFIX: &str = "coop";

/// The namespace the prefix stands for in the document's `@context`.
pub const EXT_NAMESPACE: &str = "urn:coop-ledger:epcis:";

/// The EPCIS version the documents follow.
pub const SCHEMA_VERSION: &str = "2.0";

/// The GS1 resolver whose Digital Link URIs name lots with a GTIN (GS1
/// Digital Link 1.2 canonical form, as EPCIS 2.0 §8.2 allows for EPCs).
pub const DIGITAL_LINK_HOST: &str = "https://id.gs1.org";

/// The `bizTransaction` type of a linkage contract (not a CBV 2.0 §7.3
/// type: a linkage contract is neither a purchase order nor an invoice).
pub const CONTRACT_TRANSACTION_TYPE: &str = "urn:coop-ledger:epcis:btt:linkage_contract";

/// Most events one import reads; a longer document is refused whole.
pub const MAX_IMPORT_EVENTS: usize = 10_000;

// The extension fields, written `coop:…`.
const LEDGER_INDEX: &str = "coop:ledgerIndex";
const LEAF_HASH: &str = "coop:leafHash";
const ENTRY_ID: &str = "coop:entryId";
const SIGNER: &str = "coop:signer";
const STATEMENT_TYPE: &str = "coop:statementType";
const PRODUCT_NAME: &str = "coop:productName";
const CATEGORY: &str = "coop:category";
const OCOP_STARS: &str = "coop:ocopStars";
const ORIGIN_PLACE: &str = "coop:originPlace";
const HARVESTED_AT: &str = "coop:harvestedAt";
const PRODUCER: &str = "coop:producer";
const CERTIFICATIONS: &str = "coop:certifications";
const ACCEPTED: &str = "coop:accepted";
const SCHEME: &str = "coop:inspectionScheme";
const RESULT: &str = "coop:inspectionResult";
const REPORT: &str = "coop:reportBlake3";
const NOTE: &str = "coop:note";
const REASON: &str = "coop:reason";
const PROCESS: &str = "coop:process";
const OUTPUTS: &str = "coop:outputs";
const LOT: &str = "coop:lot";
const CORRECTIONS: &str = "coop:corrections";

/// The UN/ECE Recommendation 20 code of a unit (Rev. 11: package codes of
/// Recommendation 21 are prefixed with `X`, so a box is `XBX`).
pub fn uom(unit: Unit) -> &'static str {
    match unit {
        Unit::Kg => "KGM",
        Unit::T => "TNE",
        Unit::L => "LTR",
        Unit::Piece => "H87",
        Unit::Box => "XBX",
    }
}

/// The unit of a UN/ECE Recommendation 20 code, when the ledger has one
/// (`H87` piece, `C62` one and `EA` each are all pieces). No conversion:
/// grams are not turned into kilograms.
pub fn unit_of_uom(code: &str) -> Option<Unit> {
    match code {
        "KGM" => Some(Unit::Kg),
        "TNE" => Some(Unit::T),
        "LTR" => Some(Unit::L),
        "H87" | "C62" | "EA" => Some(Unit::Piece),
        "XBX" => Some(Unit::Box),
        _ => None,
    }
}

/// An amount as a JSON number with exactly its decimal value: a whole
/// amount is an integer; otherwise the nearest double, which serde_json
/// writes in its shortest form, and for at most 3 decimals and at most
/// 10^12 that form is the decimal itself (the doubles there are closer
/// together than 0.001).
pub fn amount_number(a: Amount) -> Value {
    let milli = a.milli();
    if milli.is_multiple_of(1000) {
        return Value::from(milli / 1000);
    }
    // milli ≤ 10^15 < 2^53, so the conversion is exact and the division is
    // the only rounding.
    Number::from_f64(milli as f64 / 1000.0).map_or(Value::Null, Value::Number)
}

/// The amount a JSON number states, if it is one the ledger accepts (> 0,
/// at most 3 decimals, at most 10^12).
pub fn amount_of(n: &Number) -> Result<Amount, String> {
    let text = match (n.as_u64(), n.as_f64()) {
        (Some(u), _) => u.to_string(),
        // Display gives the shortest text that reads back as the same
        // double, with no exponent.
        (None, Some(f)) if f.is_finite() => format!("{f}"),
        _ => n.to_string(),
    };
    Amount::parse(&text).map_err(|_| {
        format!("quantity {n} is not an amount the ledger takes (> 0, at most 3 decimals, at most 10^12)")
    })
}

/// `eventTimeZoneOffset`: Vietnam's, `+07:00`.
pub fn time_zone_offset() -> String {
    format!("{LOCAL_OFFSET_HOURS:+03}:00")
}

/// A time on Vietnam's clock in RFC 3339: `2026-06-12T16:00:00+07:00`.
pub fn local_time(t: &Timestamp) -> String {
    t.local().format(&Rfc3339).unwrap_or_else(|_| t.to_string())
}

/// Percent-encodes every byte outside RFC 3986's unreserved set.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` escapes; `None` for a bad escape or bytes that are not
/// UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn trim(base: &str) -> &str {
    base.trim_end_matches('/')
}

/// The identifier of a lot in quantity lists: its GS1 Digital Link class
/// URI when its product has a GTIN, else the ledger's own page of it
/// (spec §8: never an invented GTIN).
pub fn lot_uri(base: &str, lot: &BatchId, gtin: Option<&Gtin>) -> String {
    match gtin {
        Some(g) => format!("{DIGITAL_LINK_HOST}/01/{g}/10/{lot}"),
        None => format!("{}/b/{lot}", trim(base)),
    }
}

/// An actor's URI: its record in the ledger's API.
pub fn actor_uri(base: &str, id: &ActorId) -> String {
    format!("{}/api/v1/actors/{id}", trim(base))
}

/// A contract's URI: its record in the ledger's API.
pub fn contract_uri(base: &str, id: &ContractId) -> String {
    format!("{}/api/v1/contracts/{id}", trim(base))
}

/// An event's id: the URL that serves the leaf it comes from.
pub fn event_id(base: &str, index: u64) -> String {
    format!("{}/api/v1/entries?start={index}&limit=1", trim(base))
}

/// A certificate's URI: the scheme and number under the extension
/// namespace (the ledger keeps no certificate documents to point to).
fn certificate_uri(scheme: Scheme, id: &str) -> String {
    format!(
        "{EXT_NAMESPACE}certificate:{}:{}",
        percent_encode(scheme.as_str()),
        percent_encode(id)
    )
}

/// True for the statements that become EPCIS events (the batch steps).
pub fn is_event(body: &Body) -> bool {
    matches!(
        body,
        Body::BatchCreate(_)
            | Body::Ship(_)
            | Body::Receive(_)
            | Body::Transform(_)
            | Body::Inspect(_)
            | Body::Recall(_)
    )
}

/// What identifies a lot and its unit, as the views hold them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LotRef {
    /// The GTIN of its product, if any.
    pub gtin: Option<Gtin>,
    /// The unit its quantities are in.
    pub unit: Unit,
}

/// One logged batch statement to export.
#[derive(Clone, Copy, Debug)]
pub struct Logged<'a> {
    /// The leaf index.
    pub index: u64,
    /// Its RFC 6962 leaf hash, base64.
    pub leaf_hash: &'a str,
    /// Its BLAKE3 entry id, hex.
    pub entry_id: &'a str,
    /// The statement it holds.
    pub statement: &'a Statement,
}

/// What the views add to a statement.
#[derive(Clone, Copy, Debug, Default)]
pub struct Facts<'a> {
    /// For a receipt: who shipped the batch.
    pub sender: Option<&'a ActorId>,
    /// For a shipment or receipt: how much the shipment moved (all that
    /// remained of the batch, spec §6).
    pub moved: Option<Quantity>,
    /// The corrections of the leaf.
    pub corrections: &'a [CorrectionRecord],
}

/// Builds EPCIS events for one ledger.
#[derive(Clone, Copy, Debug)]
pub struct Exporter<'a> {
    /// The ledger's public base URL (`--base-url`).
    pub base: &'a str,
    /// The lots the statements name.
    pub lots: &'a HashMap<BatchId, LotRef>,
}

fn party_list(kind: &str, uri: &str) -> Value {
    json!([
        {"type": "owning_party", kind: uri},
        {"type": "possessing_party", kind: uri},
    ])
}

fn quantity_element(epc_class: String, q: Option<Quantity>) -> Value {
    let mut o = Map::new();
    o.insert("epcClass".into(), Value::String(epc_class));
    if let Some(q) = q {
        o.insert("quantity".into(), amount_number(q.amount));
        o.insert("uom".into(), uom(q.unit).into());
    }
    Value::Object(o)
}

fn product_fields(p: &Product, into: &mut Map<String, Value>) {
    into.insert(PRODUCT_NAME.into(), p.name.clone().into());
    into.insert(CATEGORY.into(), p.category.as_str().into());
    if let Some(stars) = p.ocop_stars {
        into.insert(OCOP_STARS.into(), stars.get().into());
    }
}

fn set(e: &mut Map<String, Value>, key: &str, v: impl Into<Value>) {
    e.insert(key.to_owned(), v.into());
}

impl Exporter<'_> {
    fn lot(&self, id: &BatchId) -> String {
        let gtin = self.lots.get(id).and_then(|l| l.gtin);
        lot_uri(self.base, id, gtin.as_ref())
    }

    fn object(&self, e: &mut Map<String, Value>, id: &BatchId, q: Option<Quantity>) {
        set(e, "type", "ObjectEvent");
        set(
            e,
            "quantityList",
            json!([quantity_element(self.lot(id), q)]),
        );
    }

    /// The event of one leaf, or `None` when its statement is not a batch
    /// step.
    pub fn event(&self, leaf: &Logged<'_>, facts: &Facts<'_>) -> Option<Value> {
        let st = leaf.statement;
        let mut e = Map::new();
        match &st.body {
            Body::BatchCreate(b) => {
                set(&mut e, "type", "ObjectEvent");
                let lot = lot_uri(self.base, &b.batch, b.product.gtin.as_ref());
                set(
                    &mut e,
                    "quantityList",
                    json!([quantity_element(lot, Some(b.quantity))]),
                );
                set(&mut e, "action", "ADD");
                set(&mut e, "bizStep", "commissioning");
                set(&mut e, "disposition", "active");
                if let (Some(lat), Some(lon)) = (b.origin.lat, b.origin.lon) {
                    let place = json!({ "id": format!("geo:{lat},{lon}") });
                    set(&mut e, "readPoint", place.clone());
                    set(&mut e, "bizLocation", place);
                }
                let mut ilmd = Map::new();
                product_fields(&b.product, &mut ilmd);
                set(&mut ilmd, ORIGIN_PLACE, b.origin.place.clone());
                if let Some(h) = &b.harvested_at {
                    set(&mut ilmd, HARVESTED_AT, h.as_str());
                }
                if let Some(p) = &b.producer {
                    set(&mut ilmd, PRODUCER, p.as_str());
                }
                if let Some(certs) = b.certifications.as_ref().filter(|c| !c.is_empty()) {
                    let uris: Vec<String> = certs
                        .iter()
                        .map(|c| certificate_uri(c.scheme, &c.id))
                        .collect();
                    set(&mut e, "certificationInfo", uris);
                    set(&mut ilmd, CERTIFICATIONS, json!(certs));
                }
                set(&mut e, "ilmd", ilmd);
            }
            Body::Ship(s) => {
                self.object(&mut e, &s.batch, facts.moved);
                set(&mut e, "action", "OBSERVE");
                set(&mut e, "bizStep", "shipping");
                set(&mut e, "disposition", "in_transit");
                let from = actor_uri(self.base, &st.by);
                set(&mut e, "sourceList", party_list("source", &from));
                let to = actor_uri(self.base, &s.to);
                set(&mut e, "destinationList", party_list("destination", &to));
                if let Some(c) = &s.contract {
                    set(
                        &mut e,
                        "bizTransactionList",
                        json!([{"type": CONTRACT_TRANSACTION_TYPE, "bizTransaction": contract_uri(self.base, c)}]),
                    );
                }
            }
            Body::Receive(r) => {
                self.object(&mut e, &r.batch, facts.moved);
                set(&mut e, "action", "OBSERVE");
                set(&mut e, "bizStep", "receiving");
                let disposition = if r.accepted {
                    "in_progress"
                } else {
                    "returned"
                };
                set(&mut e, "disposition", disposition);
                if let Some(from) = facts.sender {
                    let from = actor_uri(self.base, from);
                    set(&mut e, "sourceList", party_list("source", &from));
                }
                let to = actor_uri(self.base, &st.by);
                set(&mut e, "destinationList", party_list("destination", &to));
                set(&mut e, ACCEPTED, r.accepted);
            }
            Body::Inspect(i) => {
                self.object(&mut e, &i.batch, None);
                set(&mut e, "action", "OBSERVE");
                set(&mut e, "bizStep", "inspecting");
                let disposition = match i.result {
                    InspectResult::Pass => "conformant",
                    InspectResult::Fail => "non_conformant",
                };
                set(&mut e, "disposition", disposition);
                set(&mut e, SCHEME, i.scheme.as_str());
                set(&mut e, RESULT, i.result.as_str());
                if let Some(h) = &i.report_blake3 {
                    set(&mut e, REPORT, h.to_string());
                }
                if let Some(n) = &i.note {
                    set(&mut e, NOTE, n.clone());
                }
            }
            Body::Recall(r) => {
                self.object(&mut e, &r.batch, None);
                set(&mut e, "action", "OBSERVE");
                set(&mut e, "bizStep", "holding");
                set(&mut e, "disposition", "recalled");
                set(&mut e, REASON, r.reason.clone());
            }
            Body::Transform(t) => {
                set(&mut e, "type", "TransformationEvent");
                let inputs: Vec<Value> = t
                    .inputs
                    .iter()
                    .map(|i| {
                        let q = self.lots.get(&i.batch).map(|l| Quantity {
                            amount: i.amount,
                            unit: l.unit,
                        });
                        quantity_element(self.lot(&i.batch), q)
                    })
                    .collect();
                set(&mut e, "inputQuantityList", inputs);
                let outputs: Vec<Value> = t
                    .outputs
                    .iter()
                    .map(|o| {
                        let lot = lot_uri(self.base, &o.batch, o.product.gtin.as_ref());
                        quantity_element(lot, Some(o.quantity))
                    })
                    .collect();
                set(&mut e, "outputQuantityList", outputs);
                let step = match t.process {
                    Process::Packing => "packing",
                    _ => "commissioning",
                };
                set(&mut e, "bizStep", step);
                set(&mut e, "disposition", "active");
                set(&mut e, PROCESS, t.process.as_str());
                let products: Vec<Value> = t
                    .outputs
                    .iter()
                    .map(|o| {
                        let mut p = Map::new();
                        set(&mut p, LOT, o.batch.as_str());
                        product_fields(&o.product, &mut p);
                        Value::Object(p)
                    })
                    .collect();
                set(&mut e, "ilmd", json!({ OUTPUTS: products }));
            }
            _ => return None,
        }
        set(&mut e, "eventTime", local_time(&st.at));
        set(&mut e, "eventTimeZoneOffset", time_zone_offset());
        set(&mut e, "eventID", event_id(self.base, leaf.index));
        set(&mut e, LEDGER_INDEX, leaf.index);
        set(&mut e, LEAF_HASH, leaf.leaf_hash);
        set(&mut e, ENTRY_ID, leaf.entry_id);
        set(&mut e, SIGNER, st.by.as_str());
        set(&mut e, STATEMENT_TYPE, st.body.type_name());
        if let Some(first) = facts.corrections.first() {
            let at =
                |s: &str| Timestamp::parse(s).map_or_else(|_| s.to_owned(), |t| local_time(&t));
            let list: Vec<Value> = facts
                .corrections
                .iter()
                .map(|c| {
                    json!({"coop:index": c.index, "coop:by": c.by, "coop:at": at(&c.at), "coop:reason": c.reason})
                })
                .collect();
            set(
                &mut e,
                "errorDeclaration",
                json!({
                    "declarationTime": at(&first.at),
                    "reason": "incorrect_data",
                    REASON: first.reason,
                    CORRECTIONS: list,
                }),
            );
        }
        Some(Value::Object(e))
    }
}

/// An EPCIS 2.0 document (EPCIS 2.0 §10: `EPCISDocument`) holding `events`,
/// created at `created`.
pub fn document(events: Vec<Value>, created: &Timestamp) -> Value {
    json!({
        "@context": [EPCIS_CONTEXT, { EXT_PREFIX: EXT_NAMESPACE }],
        "type": "EPCISDocument",
        "schemaVersion": SCHEMA_VERSION,
        "creationDate": created.to_string(),
        "epcisBody": { "eventList": events },
    })
}

// ---------------------------------------------------------------- import

/// What an EPCIS identifier names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ident {
    /// A lot of a trade item: Digital Link `/01/{gtin}/10/{lot}` or
    /// `urn:epc:class:lgtin:…`.
    Lot {
        /// The trade item.
        gtin: Gtin,
        /// The lot, percent-decoded.
        lot: String,
    },
    /// One serialised item: Digital Link `/01/{gtin}/21/{serial}` or
    /// `urn:epc:id:sgtin:…`.
    Item {
        /// The trade item.
        gtin: Gtin,
        /// The serial number, percent-decoded.
        serial: String,
    },
    /// A lot without a GTIN, named by a ledger's own page `…/b/{id}`.
    Batch(BatchId),
}

impl Ident {
    /// The batch id the ledger uses: the lot itself (so that the buyer's
    /// page `/01/{gtin}/10/{lot}` finds it), `{gtin}.{serial}` for an item,
    /// or the id of a ledger page.
    pub fn batch(&self) -> Result<(BatchId, Option<Gtin>), String> {
        match self {
            Ident::Lot { gtin, lot } => BatchId::parse(lot)
                .map(|b| (b, Some(*gtin)))
                .map_err(|e| format!("lot {lot:?} cannot be a batch id: {e}")),
            Ident::Item { gtin, serial } => BatchId::parse(&format!("{gtin}.{serial}"))
                .map(|b| (b, Some(*gtin)))
                .map_err(|e| format!("serial {serial:?} of GTIN {gtin} cannot be a batch id: {e}")),
            Ident::Batch(b) => Ok((b.clone(), None)),
        }
    }
}

/// The GTIN-14 of an EPC company prefix and indicator + item reference
/// (GS1 EPC Tag Data Standard §6.3.1): indicator, prefix, item reference,
/// then the computed check digit.
fn gtin_of_epc(prefix: &str, item: &str) -> Result<Gtin, String> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(prefix) || !digits(item) || prefix.len() + item.len() != 13 {
        return Err(format!(
            "{prefix}.{item} is not a GS1 company prefix and item reference of 13 digits"
        ));
    }
    let mut gtin = format!("{}{prefix}{}", &item[..1], &item[1..]);
    let check = check_digit(gtin.as_bytes());
    gtin.push(char::from(b'0' + check));
    Gtin::parse(&gtin).ok_or_else(|| format!("GTIN {gtin} is not valid"))
}

/// A GTIN as a Digital Link writes it (8, 12, 13 or 14 digits, GS1 Digital
/// Link 1.2 §4.4), padded to 14 digits and checked.
fn gtin_of_link(s: &str) -> Result<Gtin, String> {
    if !matches!(s.len(), 8 | 12 | 13 | 14) || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{s:?} is not a GTIN"));
    }
    let padded = format!("{s:0>14}");
    Gtin::parse(&padded).ok_or_else(|| format!("GTIN {s} has a wrong check digit"))
}

/// Reads an EPCIS identifier: a GS1 Digital Link URI (any host) with a lot
/// or serial, an SGTIN or LGTIN EPC URN, or a ledger page `…/b/{id}`.
pub fn parse_ident(uri: &str) -> Result<Ident, String> {
    let decode = |s: &str| percent_decode(s).ok_or_else(|| format!("{uri}: bad percent escape"));
    if let Some(rest) = uri.strip_prefix("urn:epc:class:lgtin:") {
        let parts: Vec<&str> = rest.splitn(3, '.').collect();
        let [prefix, item, lot] = parts[..] else {
            return Err(format!("{uri}: an LGTIN is prefix.item.lot"));
        };
        return Ok(Ident::Lot {
            gtin: gtin_of_epc(prefix, item)?,
            lot: decode(lot)?,
        });
    }
    if let Some(rest) = uri.strip_prefix("urn:epc:id:sgtin:") {
        let parts: Vec<&str> = rest.splitn(3, '.').collect();
        let [prefix, item, serial] = parts[..] else {
            return Err(format!("{uri}: an SGTIN is prefix.item.serial"));
        };
        return Ok(Ident::Item {
            gtin: gtin_of_epc(prefix, item)?,
            serial: decode(serial)?,
        });
    }
    if uri.starts_with("urn:epc:idpat:") {
        return Err(format!("{uri}: a pattern names no single batch"));
    }
    let Some(after) = uri
        .strip_prefix("https://")
        .or_else(|| uri.strip_prefix("http://"))
    else {
        return Err(format!(
            "{uri}: not a GS1 lot or item, nor a ledger batch page"
        ));
    };
    let path = after.split(['?', '#']).next().unwrap_or("");
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    if let Some(at) = segments.iter().position(|s| *s == "01") {
        let gtin = gtin_of_link(segments.get(at + 1).copied().unwrap_or(""))?;
        return match segments.get(at + 2..) {
            Some(["10", lot]) => Ok(Ident::Lot {
                gtin,
                lot: decode(lot)?,
            }),
            Some(["21", serial]) => Ok(Ident::Item {
                gtin,
                serial: decode(serial)?,
            }),
            Some([]) | None => Err(format!(
                "{uri}: a GTIN without a lot or serial names no single batch"
            )),
            Some(_) => Err(format!(
                "{uri}: only /10/{{lot}} or /21/{{serial}} after the GTIN name a batch"
            )),
        };
    }
    match segments[..] {
        [.., "b", id] => BatchId::parse(&decode(id)?)
            .map(Ident::Batch)
            .map_err(|e| format!("{uri}: {e}")),
        _ => Err(format!(
            "{uri}: not a GS1 lot or item, nor a ledger batch page"
        )),
    }
}

/// A CBV word, whatever form it is written in: the bare word of the JSON
/// binding, the `urn:epcglobal:cbv:…` URN or the `https://ref.gs1.org/cbv/…`
/// (or `ns.gs1.org`) URI.
fn cbv_word(v: &str) -> &str {
    for prefix in [
        "urn:epcglobal:cbv:bizstep:",
        "urn:epcglobal:cbv:disp:",
        "https://ref.gs1.org/cbv/BizStep-",
        "https://ref.gs1.org/cbv/Disp-",
        "https://ns.gs1.org/cbv/BizStep-",
        "https://ns.gs1.org/cbv/Disp-",
    ] {
        if let Some(w) = v.strip_prefix(prefix) {
            return w;
        }
    }
    v
}

/// What `import epcis` is told besides the document.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// The signer of every statement (`--by`); otherwise the event's party
    /// (the source of a shipment, the destination of a receipt) or its
    /// `coop:signer`.
    pub by: Option<ActorId>,
    /// Party URIs and their actor ids (`--actor URI=ID`).
    pub actors: HashMap<String, ActorId>,
    /// The category of products the event does not categorise
    /// (`--category`).
    pub category: Option<Category>,
    /// The target ledger's base URL: its own actor and contract URIs map
    /// to their ids without `--actor`.
    pub ledger_base: Option<String>,
}

/// A statement the import would sign.
#[derive(Clone, Debug, PartialEq)]
pub struct Planned {
    /// The statement text, exactly as it will be signed.
    pub text: String,
    /// Its signer.
    pub by: ActorId,
    /// Its type.
    pub kind: &'static str,
    /// What it says, in a line.
    pub summary: String,
}

/// One event of the document and what became of it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EventPlan {
    /// Its place in `eventList`, from 1.
    pub position: usize,
    /// Its `type`.
    pub event_type: String,
    /// Its `bizStep`, as written.
    pub biz_step: Option<String>,
    /// Its `eventTime`, as written.
    pub event_time: Option<String>,
    /// The statements it maps to, in order.
    pub statements: Vec<Planned>,
    /// What of it is not mapped, and why.
    pub not_mapped: Vec<String>,
}

/// A whole document's import plan.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportPlan {
    /// Every event, in document order.
    pub events: Vec<EventPlan>,
    /// Document fields that are not mapped.
    pub not_mapped: Vec<String>,
}

impl ImportPlan {
    /// True when every event and field was mapped.
    pub fn complete(&self) -> bool {
        self.not_mapped.is_empty() && self.events.iter().all(|e| e.not_mapped.is_empty())
    }
}

/// A document that is not an EPCIS 2.0 document the import can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an EPCIS 2.0 document the import can read: {0}")]
pub struct NotEpcis(pub String);

/// Maps every event of an EPCIS 2.0 document (an `EPCISDocument` with
/// `epcisBody.eventList`) to statements, in document order.
pub fn plan_import(doc: &Value, opts: &ImportOptions) -> Result<ImportPlan, NotEpcis> {
    let Some(root) = doc.as_object() else {
        return Err(NotEpcis("the document is not a JSON object".into()));
    };
    if root.get("type").and_then(Value::as_str) != Some("EPCISDocument") {
        return Err(NotEpcis("its type is not EPCISDocument".into()));
    }
    let Some(events) = root
        .get("epcisBody")
        .and_then(|b| b.get("eventList"))
        .and_then(Value::as_array)
    else {
        return Err(NotEpcis("it has no epcisBody.eventList".into()));
    };
    if events.len() > MAX_IMPORT_EVENTS {
        return Err(NotEpcis(format!(
            "it has {} events; at most {MAX_IMPORT_EVENTS} are imported at once",
            events.len()
        )));
    }
    let not_mapped = root
        .keys()
        .filter(|k| {
            !matches!(
                k.as_str(),
                "@context" | "type" | "schemaVersion" | "creationDate" | "epcisBody" | "id"
            )
        })
        .map(|k| format!("document field {k}: no counterpart in the ledger"))
        .collect();
    let events = events
        .iter()
        .enumerate()
        .map(|(i, e)| plan_event(i + 1, e, opts))
        .collect();
    Ok(ImportPlan { events, not_mapped })
}

/// One event being read: the fields used are marked, so that every other
/// field can be reported.
struct Reader<'a> {
    event: &'a Map<String, Value>,
    used: BTreeSet<&'static str>,
    ilmd_used: BTreeSet<&'static str>,
    plan: EventPlan,
    opts: &'a ImportOptions,
}

/// One object (lot or item) an event names.
struct Object {
    batch: BatchId,
    gtin: Option<Gtin>,
    quantity: Option<Quantity>,
    /// The unit as the event wrote it (`uom`), if it did.
    uom: Option<&'static str>,
    /// True when the event states the quantity (a `quantityList` entry
    /// with `quantity`), not just lists an instance.
    stated: bool,
}

fn plan_event(position: usize, event: &Value, opts: &ImportOptions) -> EventPlan {
    let mut plan = EventPlan {
        position,
        ..EventPlan::default()
    };
    let Some(event) = event.as_object() else {
        plan.not_mapped
            .push("the event is not a JSON object".into());
        return plan;
    };
    let mut r = Reader {
        event,
        used: BTreeSet::new(),
        ilmd_used: BTreeSet::new(),
        plan,
        opts,
    };
    r.plan.event_type = r.str("type").unwrap_or_default().to_owned();
    r.plan.biz_step = r.str("bizStep").map(str::to_owned);
    r.plan.event_time = r.str("eventTime").map(str::to_owned);
    r.mark("eventTimeZoneOffset");
    r.map();
    r.report_rest();
    r.plan
}

impl<'a> Reader<'a> {
    fn mark(&mut self, key: &'static str) {
        self.used.insert(key);
    }

    fn get(&mut self, key: &'static str) -> Option<&'a Value> {
        self.used.insert(key);
        self.event.get(key)
    }

    fn str(&mut self, key: &'static str) -> Option<&'a str> {
        self.get(key).and_then(Value::as_str)
    }

    fn ilmd(&mut self, key: &'static str) -> Option<&'a Value> {
        self.ilmd_used.insert(key);
        self.event.get("ilmd").and_then(|i| i.get(key))
    }

    fn ilmd_str(&mut self, key: &'static str) -> Option<&'a str> {
        self.ilmd(key).and_then(Value::as_str)
    }

    fn note(&mut self, what: impl Into<String>) {
        self.plan.not_mapped.push(what.into());
    }

    /// The actor id a party URI stands for: an `--actor` mapping, or an
    /// actor URI of the target ledger.
    fn actor(&self, uri: &str) -> Option<ActorId> {
        if let Some(id) = self.opts.actors.get(uri) {
            return Some(id.clone());
        }
        let base = self.opts.ledger_base.as_deref()?;
        let id = uri.strip_prefix(&format!("{}/api/v1/actors/", trim(base)))?;
        ActorId::parse(id).ok()
    }

    /// The party of a source or destination list: the owning party, else
    /// the possessing party, as written.
    fn party(&mut self, list: &'static str, field: &str) -> Option<String> {
        let entries = self.get(list)?.as_array()?;
        let of = |e: &'a Value| {
            let kind = e.get("type").and_then(Value::as_str).map(cbv_sdt);
            (kind, e.get(field).and_then(Value::as_str))
        };
        let chosen = ["owning_party", "possessing_party"]
            .iter()
            .find_map(|kind| {
                entries
                    .iter()
                    .map(of)
                    .find(|(k, _)| *k == Some(*kind))
                    .and_then(|(_, uri)| uri)
            });
        // Locations, and a second party, have no place in a statement.
        for (kind, uri) in entries.iter().map(of) {
            if uri != chosen {
                self.note(format!(
                    "{list} {} {}: only one party is taken ({})",
                    kind.unwrap_or("(no type)"),
                    uri.unwrap_or("(no URI)"),
                    chosen.unwrap_or("none")
                ));
            }
        }
        chosen.map(str::to_owned)
    }

    /// The signer: the event's own party (the source of a shipment, the
    /// destination of a receipt) mapped to an actor, else `--by`, else the
    /// event's `coop:signer`.
    fn signer(&mut self, party: Option<&str>) -> Option<ActorId> {
        if let Some(id) = party.and_then(|p| self.actor(p)) {
            return Some(id);
        }
        let by = match &self.opts.by {
            Some(by) => Some(by.clone()),
            None => self.str(SIGNER).and_then(|s| ActorId::parse(s).ok()),
        };
        if let (Some(p), Some(by)) = (party, &by) {
            self.note(format!(
                "party {p}: no actor for it (give --actor {p}=ID); signed by {by} instead"
            ));
        }
        by
    }

    /// The objects of an `epcList` / `quantityList` pair.
    fn objects(&mut self, epcs: &'static str, quantities: &'static str) -> Vec<Object> {
        let mut out = Vec::new();
        for v in self
            .get(epcs)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let uri = v.as_str().unwrap_or_default();
            match parse_ident(uri).and_then(|i| i.batch()) {
                Ok((batch, gtin)) => out.push(Object {
                    batch,
                    gtin,
                    uom: None,
                    stated: false,
                    // One listed instance is one piece.
                    quantity: Amount::parse("1").ok().map(|amount| Quantity {
                        amount,
                        unit: Unit::Piece,
                    }),
                }),
                Err(e) => self.note(format!("{epcs}: {e}")),
            }
        }
        for v in self
            .get(quantities)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let class = v
                .get("epcClass")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let ident = match parse_ident(class).and_then(|i| i.batch()) {
                Ok(b) => b,
                Err(e) => {
                    self.note(format!("{quantities}: {e}"));
                    continue;
                }
            };
            let quantity = match (v.get("quantity"), v.get("uom").and_then(Value::as_str)) {
                (None, _) => None,
                (Some(n), uom) => {
                    let unit = match uom {
                        None => Some(Unit::Piece),
                        Some(code) => unit_of_uom(code),
                    };
                    let amount = n
                        .as_number()
                        .ok_or_else(|| format!("quantity {n} is not a number"))
                        .and_then(amount_of);
                    match (amount, unit) {
                        (Ok(amount), Some(unit)) => Some(Quantity { amount, unit }),
                        (Err(e), _) => {
                            self.note(format!("{quantities} {class}: {e}"));
                            None
                        }
                        (_, None) => {
                            self.note(format!(
                                "{quantities} {class}: unit {} has no ledger unit (kg, t, l, piece, box)",
                                uom.unwrap_or_default()
                            ));
                            None
                        }
                    }
                }
            };
            let uom = v
                .get("uom")
                .and_then(Value::as_str)
                .and_then(unit_of_uom)
                .map(self::uom);
            out.push(Object {
                batch: ident.0,
                gtin: ident.1,
                stated: quantity.is_some(),
                quantity,
                uom,
            });
        }
        out
    }

    /// Checks a statement offline and keeps it, or says why not.
    fn push(&mut self, by: &ActorId, kind: &'static str, fields: Value, summary: String) {
        let Some(at) = self.plan.event_time.clone() else {
            return;
        };
        let mut st = json!({"v": 1, "type": kind, "by": by, "at": at});
        if let (Some(o), Value::Object(f)) = (st.as_object_mut(), fields) {
            o.extend(f);
        }
        let text = st.to_string();
        match statement::parse(&text) {
            Ok(_) => self.plan.statements.push(Planned {
                text,
                by: by.clone(),
                kind,
                summary: format!("{kind} {summary} · by {by} · at {at}"),
            }),
            Err(r) => self.note(format!("{kind} {summary}: any ledger would refuse it: {r}")),
        }
    }

    fn map(&mut self) {
        match self.plan.event_time.as_deref().map(Timestamp::parse) {
            Some(Ok(_)) => {}
            _ => {
                self.note("eventTime is missing or not an RFC 3339 time: nothing is mapped");
                return;
            }
        }
        match self.plan.event_type.as_str() {
            "ObjectEvent" => self.object_event(),
            "TransformationEvent" => self.transformation(),
            other => self.note(format!(
                "a {other} has no counterpart among the ledger's statements"
            )),
        }
    }

    fn object_event(&mut self) {
        let action = self.str("action").unwrap_or_default();
        let step = self.plan.biz_step.clone().unwrap_or_default();
        let step = cbv_word(&step);
        let disposition = self.str("disposition").map(cbv_word).unwrap_or_default();
        let objects = self.objects("epcList", "quantityList");
        if !(action == "ADD" && step == "commissioning") {
            for o in objects.iter().filter(|o| o.stated) {
                if let Some(q) = o.quantity {
                    self.note(format!(
                        "{}: quantity {q} is not carried; the ledger's statements other than batch.create name no quantity (a shipment moves all that remains)",
                        o.batch
                    ));
                }
            }
        }
        match (action, step, disposition) {
            ("ADD", "commissioning", _) => {
                self.disposition_as(disposition, &["active"]);
                for o in objects {
                    self.create(o);
                }
            }
            ("DELETE", ..) => self.note("action DELETE has no counterpart in the ledger"),
            (_, "shipping", _) => {
                self.disposition_as(disposition, &["in_transit"]);
                let to = self.party("destinationList", "destination");
                let from = self.party("sourceList", "source");
                let Some(to_id) = to.as_deref().and_then(|t| self.actor(t)) else {
                    self.note(match to {
                        Some(t) => format!(
                            "shipping: the destination {t} is no actor of the ledger; give --actor {t}=ID"
                        ),
                        None => "shipping: no owning or possessing party in destinationList names the recipient".into(),
                    });
                    return;
                };
                let Some(by) = self.signer(from.as_deref()) else {
                    self.note("shipping: no sender; give --by or --actor for the source party");
                    return;
                };
                let contract = self.contract();
                for o in objects {
                    let mut f = json!({"batch": o.batch, "to": to_id});
                    if let Some(c) = &contract {
                        f["contract"] = json!(c);
                    }
                    let summary = format!("{} → {to_id}", o.batch);
                    self.push(&by, "batch.ship", f, summary);
                }
            }
            (_, "receiving", _) => {
                self.disposition_as(disposition, &["in_progress", "returned"]);
                let to = self.party("destinationList", "destination");
                // The sender is the open shipment's, which the ledger knows;
                // the list is read only to report what else it names.
                self.party("sourceList", "source");
                let accepted = match self.get(ACCEPTED).and_then(Value::as_bool) {
                    Some(a) => a,
                    None => disposition != "returned",
                };
                let Some(by) = self.signer(to.as_deref()) else {
                    self.note("receiving: no receiver; give --by or --actor for the destination party");
                    return;
                };
                for o in objects {
                    let word = if accepted { "accepted" } else { "refused" };
                    let summary = format!("{} {word}", o.batch);
                    self.push(&by, "batch.receive", json!({"batch": o.batch, "accepted": accepted}), summary);
                }
            }
            (_, "inspecting", _) => self.inspect(objects, disposition),
            (_, _, "recalled") => {
                let Some(by) = self.signer(None) else {
                    self.note("recall: no signer; give --by");
                    return;
                };
                let reason = self
                    .str(REASON)
                    .map(str::to_owned)
                    .unwrap_or_else(|| "Recalled (EPCIS disposition recalled)".to_owned());
                for o in objects {
                    let summary = format!("{} ({reason})", o.batch);
                    self.push(&by, "batch.recall", json!({"batch": o.batch, "reason": reason}), summary);
                }
            }
            (a, s, d) => self.note(format!(
                "an ObjectEvent with action {a}, bizStep {s:?} and disposition {d:?} has no counterpart among the ledger's statements"
            )),
        }
    }

    /// The contract of a `bizTransactionList`: an entry whose URI is a
    /// contract of the target ledger. Other entries are reported.
    fn contract(&mut self) -> Option<ContractId> {
        let list = self.get("bizTransactionList").and_then(Value::as_array)?;
        let prefix = self
            .opts
            .ledger_base
            .as_deref()
            .map(|b| format!("{}/api/v1/contracts/", trim(b)));
        let mut found = None;
        for t in list {
            let uri = t
                .get("bizTransaction")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let id = prefix
                .as_deref()
                .and_then(|p| uri.strip_prefix(p))
                .and_then(|id| ContractId::parse(id).ok());
            match id {
                Some(id) if found.is_none() => found = Some(id),
                _ => self.note(format!(
                    "bizTransactionList {uri}: not a contract of this ledger"
                )),
            }
        }
        found
    }

    fn create(&mut self, o: Object) {
        let Some(quantity) = o.quantity else {
            self.note(format!(
                "commissioning {}: no quantity to create it with",
                o.batch
            ));
            return;
        };
        let category = match self.ilmd_str(CATEGORY) {
            Some(c) if Category::parse(c).is_none() => {
                self.note(format!("ilmd {CATEGORY} {c:?} is no ledger category"));
                self.opts.category
            }
            Some(c) => Category::parse(c),
            None => self.opts.category,
        };
        let name = self.ilmd_str(PRODUCT_NAME);
        let stars = self.ilmd(OCOP_STARS);
        let what = format!("commissioning {}", o.batch);
        let Some(product) = self.product(&what, &o, category, name, stars) else {
            return;
        };
        let Some(origin) = self.origin() else {
            self.note(format!(
                "commissioning {}: no origin place (coop:originPlace, bizLocation or readPoint)",
                o.batch
            ));
            return;
        };
        let mut f = json!({
            "batch": o.batch,
            "product": product,
            "quantity": quantity,
            "origin": origin,
        });
        if let Some(h) = self.ilmd(HARVESTED_AT) {
            f["harvested_at"] = h.clone();
        }
        if let Some(p) = self.ilmd(PRODUCER) {
            f["producer"] = p.clone();
        }
        if let Some(c) = self.ilmd(CERTIFICATIONS) {
            f["certifications"] = c.clone();
            self.mark("certificationInfo");
        }
        let Some(by) = self.signer(None) else {
            self.note("commissioning: no signer; give --by");
            return;
        };
        let name = product["name"].as_str().unwrap_or_default();
        let summary = format!("{} · {quantity} · {name}", o.batch);
        self.push(&by, "batch.create", f, summary);
    }

    /// A product: its category (else a note asking for `--category`), its
    /// name (else one made from its GTIN or lot, with a note), the GTIN of
    /// its identifier and its OCOP stars.
    fn product(
        &mut self,
        what: &str,
        o: &Object,
        category: Option<Category>,
        name: Option<&str>,
        stars: Option<&Value>,
    ) -> Option<Value> {
        let Some(category) = category else {
            self.note(format!(
                "{what}: the product category is not in the event; give --category"
            ));
            return None;
        };
        let name = match name {
            Some(n) => n.to_owned(),
            None => {
                let name = fallback_name(&o.batch, o.gtin.as_ref());
                self.note(format!(
                    "{what}: no product name in the event; named {name:?}"
                ));
                name
            }
        };
        let mut product = json!({"category": category.as_str(), "name": name});
        if let Some(g) = o.gtin {
            product["gtin"] = json!(g);
        }
        if let Some(stars) = stars {
            product["ocop_stars"] = stars.clone();
        }
        Some(product)
    }

    /// The origin of a commissioned lot: the place named in `coop:originPlace`,
    /// else the `bizLocation` or `readPoint` URI; a `geo:` URI gives its
    /// coordinates too.
    fn origin(&mut self) -> Option<Value> {
        let biz = self
            .get("bizLocation")
            .and_then(|l| l.get("id"))
            .and_then(Value::as_str);
        let read = self
            .get("readPoint")
            .and_then(|l| l.get("id"))
            .and_then(Value::as_str);
        let named = self.ilmd_str(ORIGIN_PLACE);
        let place = named.or(biz).or(read)?;
        let coords = [biz, read].into_iter().flatten().find(|l| geo(l).is_some());
        let mut origin = json!({ "place": place });
        if let Some((lat, lon)) = coords.and_then(geo) {
            origin["lat"] = json!(lat);
            origin["lon"] = json!(lon);
        }
        for (field, l) in [("bizLocation", biz), ("readPoint", read)] {
            if let Some(l) = l.filter(|l| Some(*l) != coords && *l != place) {
                self.note(format!(
                    "{field} {l}: the origin is {place:?}; a statement keeps one place"
                ));
            }
        }
        Some(origin)
    }

    /// Reports a disposition the statement has no counterpart for.
    fn disposition_as(&mut self, disposition: &str, expected: &[&str]) {
        if !disposition.is_empty() && !expected.contains(&disposition) {
            self.note(format!(
                "disposition {disposition}: the statement has no counterpart for it"
            ));
        }
    }

    fn inspect(&mut self, objects: Vec<Object>, disposition: &str) {
        let result = match self.str(RESULT).and_then(InspectResult::parse) {
            Some(r) => r,
            None => match disposition {
                "conformant" => InspectResult::Pass,
                "non_conformant" => InspectResult::Fail,
                other => {
                    self.note(format!(
                        "inspecting: disposition {other:?} says neither conformant nor non_conformant, so no pass or fail"
                    ));
                    return;
                }
            },
        };
        let scheme = match self.str(SCHEME).and_then(Scheme::parse) {
            Some(s) => s,
            None => {
                self.note("inspecting: no coop:inspectionScheme; taken as scheme other");
                Scheme::Other
            }
        };
        let Some(by) = self.signer(None) else {
            self.note("inspecting: no inspector; give --by");
            return;
        };
        let report = self.get(REPORT).cloned();
        let note = self.get(NOTE).cloned();
        for o in objects {
            let mut f =
                json!({"batch": o.batch, "result": result.as_str(), "scheme": scheme.as_str()});
            if let Some(r) = &report {
                f["report_blake3"] = r.clone();
            }
            if let Some(n) = &note {
                f["note"] = n.clone();
            }
            let summary = format!("{} {} ({})", o.batch, result, scheme);
            self.push(&by, "batch.inspect", f, summary);
        }
    }

    fn transformation(&mut self) {
        let inputs = self.objects("inputEPCList", "inputQuantityList");
        let outputs = self.objects("outputEPCList", "outputQuantityList");
        let step = self.plan.biz_step.clone().unwrap_or_default();
        let disposition = self.str("disposition").map(cbv_word).unwrap_or_default();
        self.disposition_as(disposition, &["active", "in_progress"]);
        let process = match self.str(PROCESS).and_then(Process::parse) {
            Some(p) => p,
            None if matches!(cbv_word(&step), "packing" | "repackaging") => Process::Packing,
            None => {
                self.note(format!(
                    "bizStep {step:?} names no ledger process; taken as processing"
                ));
                Process::Processing
            }
        };
        let products: Vec<&Value> = self
            .ilmd(OUTPUTS)
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        let mut ins = Vec::new();
        for i in &inputs {
            match i.quantity {
                Some(q) => {
                    ins.push(json!({"batch": i.batch, "amount": q.amount}));
                    if let Some(u) = i.uom {
                        self.note(format!(
                            "input {}: uom {u}: a transformation input has no unit in the ledger; {} is read in the batch's own unit",
                            i.batch, q.amount
                        ));
                    }
                }
                None => self.note(format!("input {}: no quantity used", i.batch)),
            }
        }
        let mut outs = Vec::new();
        for o in &outputs {
            let Some(quantity) = o.quantity else {
                self.note(format!("output {}: no quantity made", o.batch));
                continue;
            };
            let known = products
                .iter()
                .find(|p| p.get(LOT).and_then(Value::as_str) == Some(o.batch.as_str()));
            let field = |key: &str| known.and_then(|p| p.get(key));
            let category = field(CATEGORY)
                .and_then(Value::as_str)
                .and_then(Category::parse)
                .or(self.opts.category);
            let name = field(PRODUCT_NAME).and_then(Value::as_str);
            let what = format!("output {}", o.batch);
            let Some(product) = self.product(&what, o, category, name, field(OCOP_STARS)) else {
                continue;
            };
            outs.push(json!({"batch": o.batch, "product": product, "quantity": quantity}));
        }
        if ins.is_empty() || outs.is_empty() {
            self.note("a transformation needs at least one input and one output the ledger can name: nothing is mapped");
            return;
        }
        let Some(by) = self.signer(None) else {
            self.note("transformation: no signer; give --by");
            return;
        };
        let summary = format!(
            "{process}: {} → {}",
            sides(&inputs, false),
            sides(&outputs, true)
        );
        self.push(
            &by,
            "batch.transform",
            json!({"process": process.as_str(), "inputs": ins, "outputs": outs}),
            summary,
        );
    }

    /// Reports every field the mapping did not use.
    fn report_rest(&mut self) {
        let why = |k: &str| match k {
            "sensorElementList" => "sensor data has no counterpart in the ledger's statements",
            "persistentDisposition" => "the ledger keeps no persistent dispositions",
            "errorDeclaration" => {
                "the ledger corrects a leaf with a correction statement naming its index; correct the new leaf after import if needed"
            }
            "eventID" => "the ledger names entries by their own entry id",
            "recordTime" => "the ledger records its own logging time",
            "certificationInfo" => "certificates are taken only from coop:certifications",
            _ => "no counterpart in the ledger's statements",
        };
        // The exporting ledger's record of its leaf, reported in one line.
        let leaf_fields = [LEDGER_INDEX, LEAF_HASH, ENTRY_ID, STATEMENT_TYPE, SIGNER];
        let mut rest = Vec::new();
        let mut leaf = Vec::new();
        for (k, v) in self.event {
            if k == "ilmd" {
                if let Some(ilmd) = v.as_object() {
                    for key in ilmd.keys() {
                        if !self.ilmd_used.contains(key.as_str()) {
                            rest.push(format!(
                                "ilmd {key}: lot master data the ledger does not keep"
                            ));
                        }
                    }
                }
                continue;
            }
            if leaf_fields.contains(&k.as_str()) {
                if !self.used.contains(k.as_str()) {
                    leaf.push(k.as_str());
                }
                continue;
            }
            if !self.used.contains(k.as_str()) {
                let shown = match v {
                    Value::String(s) => format!(" ({s})"),
                    _ => String::new(),
                };
                rest.push(format!("{k}{shown}: {}", why(k)));
            }
        }
        if !leaf.is_empty() {
            rest.push(format!(
                "{}: the exporting ledger's record of its leaf; the new leaf gets its own",
                leaf.join(", ")
            ));
        }
        self.plan.not_mapped.extend(rest);
    }
}

/// The kind of a source or destination, whatever form it is written in.
fn cbv_sdt(v: &str) -> &str {
    v.strip_prefix("urn:epcglobal:cbv:sdt:")
        .or_else(|| v.strip_prefix("https://ref.gs1.org/cbv/SDT-"))
        .or_else(|| v.strip_prefix("https://ns.gs1.org/cbv/SDT-"))
        .unwrap_or(v)
}

/// The coordinates of an RFC 5870 `geo:` URI.
fn geo(uri: &str) -> Option<(f64, f64)> {
    let rest = uri.strip_prefix("geo:")?;
    let coords = rest.split(';').next()?;
    let mut parts = coords.split(',');
    let lat: f64 = parts.next()?.parse().ok()?;
    let lon: f64 = parts.next()?.parse().ok()?;
    Some((lat, lon))
}

/// The name given to a product the event does not name: its GTIN, else
/// its lot.
fn fallback_name(batch: &BatchId, gtin: Option<&Gtin>) -> String {
    match gtin {
        Some(g) => format!("GTIN {g}"),
        None => format!("Lot {batch}"),
    }
}

fn sides(objects: &[Object], with_unit: bool) -> String {
    objects
        .iter()
        .map(|o| match (o.quantity, with_unit) {
            (Some(q), true) => format!("{} {q}", o.batch),
            (Some(q), false) => format!("{} {}", o.batch, q.amount),
            (None, _) => o.batch.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_go_to_un_ece_codes_and_back() {
        for u in [Unit::Kg, Unit::T, Unit::L, Unit::Piece, Unit::Box] {
            assert_eq!(unit_of_uom(uom(u)), Some(u));
        }
        assert_eq!(unit_of_uom("C62"), Some(Unit::Piece));
        assert_eq!(unit_of_uom("GRM"), None);
    }

    #[test]
    fn amounts_are_json_numbers_without_float_drift() {
        for text in [
            "1250.5",
            "0.001",
            "999999999999.999",
            "0.1",
            "1000000000000",
            "3",
        ] {
            let a = Amount::parse(text).expect("amount");
            let json = serde_json::to_string(&amount_number(a)).expect("json");
            assert_eq!(json, text);
            let back: Value = serde_json::from_str(&json).expect("parse");
            assert_eq!(back.as_number().map(amount_of), Some(Ok(a)));
        }
        let too_fine: Value = serde_json::from_str("1.0005").expect("json");
        assert!(
            too_fine
                .as_number()
                .map(amount_of)
                .is_some_and(|r| r.is_err())
        );
        let negative: Value = serde_json::from_str("-2").expect("json");
        assert!(
            negative
                .as_number()
                .map(amount_of)
                .is_some_and(|r| r.is_err())
        );
    }

    #[test]
    fn identifiers_give_batch_ids_and_checked_gtins() {
        // LGTIN: the indicator digit moves to the front and the check digit
        // is computed.
        let lot = parse_ident("urn:epc:class:lgtin:4012345.011111.4444").expect("lgtin");
        let (batch, gtin) = lot.batch().expect("batch");
        assert_eq!(batch.as_str(), "4444");
        let gtin = gtin.expect("gtin");
        assert!(gtin.as_str().starts_with("0401234511111"));
        assert!(Gtin::parse(gtin.as_str()).is_some());
        let dl = parse_ident("https://id.gs1.org/01/00614141777778/10/987").expect("dl");
        assert_eq!(
            dl.batch()
                .map(|(b, g)| (b.to_string(), g.map(|g| g.to_string()))),
            Ok(("987".into(), Some("00614141777778".into())))
        );
        let item = parse_ident("urn:epc:id:sgtin:4012345.077889.25").expect("sgtin");
        let (batch, _) = item.batch().expect("batch");
        assert!(batch.as_str().ends_with(".25"));
        // A wrong check digit, a class without a lot and a pattern name no batch.
        assert!(parse_ident("https://id.gs1.org/01/00614141777779/10/987").is_err());
        assert!(parse_ident("https://id.gs1.org/01/04012345666663").is_err());
        assert!(parse_ident("urn:epc:idpat:sgtin:4012345.066666.*").is_err());
        // A lot with characters a batch id cannot hold is refused, not changed.
        let odd = parse_ident("https://id.gs1.org/01/00614141777778/10/A%2FB").expect("dl");
        assert!(odd.batch().is_err());
        assert_eq!(
            parse_ident("https://ledger.example.vn/b/gao-01"),
            Ok(Ident::Batch(BatchId::parse("gao-01").expect("id")))
        );
    }

    #[test]
    fn events_map_to_checked_statements_and_every_leftover_is_named() {
        let lot = "https://id.gs1.org/01/08935049501503/10/VAI-1";
        let event = |time: &str, fields: Value| {
            let mut e =
                json!({"type": "ObjectEvent", "eventTime": time, "eventTimeZoneOffset": "+07:00"});
            if let (Some(e), Value::Object(f)) = (e.as_object_mut(), fields) {
                e.extend(f);
            }
            e
        };
        let doc = json!({"type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-06-12T00:00:00Z",
        "epcisBody": {"eventList": [
            event("2026-06-10T07:30:00+07:00", json!({"action": "ADD", "bizStep": "commissioning", "disposition": "active",
                "quantityList": [{"epcClass": lot, "quantity": 12.5, "uom": "KGM"}],
                "readPoint": {"id": "urn:epc:id:sgln:8935049.00001.0"}, "bizLocation": {"id": "geo:21.38,106.62"}})),
            event("2026-06-10T09:00:00+07:00", json!({"action": "OBSERVE", "bizStep": "shipping", "disposition": "damaged",
                "quantityList": [{"epcClass": lot}],
                "destinationList": [{"type": "owning_party", "destination": "urn:x:coop"}]})),
            event("2026-06-10T10:00:00+07:00", json!({"action": "OBSERVE", "bizStep": "urn:epcglobal:cbv:bizstep:receiving",
                "disposition": "returned", "quantityList": [{"epcClass": lot}],
                "destinationList": [{"type": "owning_party", "destination": "urn:x:coop"},
                                    {"type": "location", "destination": "urn:epc:id:sgln:8935049.00002.0"}]})),
            event("2026-06-10T11:00:00+07:00", json!({"action": "OBSERVE", "bizStep": "loading", "quantityList": [{"epcClass": lot}]})),
        ]}});
        let id = |s: &str| ActorId::parse(s).expect("id");
        let opts = ImportOptions {
            by: Some(id("tv-01")),
            actors: HashMap::from([("urn:x:coop".to_owned(), id("htx-01"))]),
            category: Some(Category::Fruit),
            ledger_base: None,
        };
        let plan = plan_import(&doc, &opts).expect("an EPCIS document");
        let statements: Vec<Value> = plan
            .events
            .iter()
            .flat_map(|e| &e.statements)
            .map(|p| serde_json::from_str(&p.text).expect("json"))
            .collect();
        assert_eq!(
            statements,
            [
                json!({"v": 1, "type": "batch.create", "by": "tv-01", "at": "2026-06-10T07:30:00+07:00", "batch": "VAI-1",
                    "product": {"category": "fruit", "name": "GTIN 08935049501503", "gtin": "08935049501503"},
                    "quantity": {"amount": "12.5", "unit": "kg"},
                    "origin": {"place": "geo:21.38,106.62", "lat": 21.38, "lon": 106.62}}),
                json!({"v": 1, "type": "batch.ship", "by": "tv-01", "at": "2026-06-10T09:00:00+07:00", "batch": "VAI-1", "to": "htx-01"}),
                json!({"v": 1, "type": "batch.receive", "by": "htx-01", "at": "2026-06-10T10:00:00+07:00", "batch": "VAI-1", "accepted": false}),
            ]
        );
        let notes = |i: usize| plan.events[i].not_mapped.join("\n");
        assert!(
            notes(0).contains("readPoint urn:epc:id:sgln:8935049.00001.0: the origin is"),
            "{}",
            notes(0)
        );
        assert!(
            notes(0).contains("no product name in the event"),
            "{}",
            notes(0)
        );
        assert!(notes(1).contains("disposition damaged"), "{}", notes(1));
        assert!(
            notes(2).contains(
                "destinationList location urn:epc:id:sgln:8935049.00002.0: only one party is taken"
            ),
            "{}",
            notes(2)
        );
        assert!(notes(3).contains("bizStep \"loading\""), "{}", notes(3));
        assert!(plan.events[3].statements.is_empty());
        assert!(!plan.complete());
        // A statement any ledger would refuse is reported, not planned.
        let mut bad = doc.clone();
        bad["epcisBody"]["eventList"][0]["quantityList"][0]["quantity"] = json!(0.0001);
        let plan = plan_import(&bad, &opts).expect("an EPCIS document");
        assert!(plan.events[0].statements.is_empty());
        assert!(
            plan.events[0]
                .not_mapped
                .join(" ")
                .contains("is not an amount the ledger takes")
        );
        assert!(plan_import(&json!({"type": "EPCISQueryDocument"}), &opts).is_err());
    }

    #[test]
    fn percent_encoding_round_trips() {
        let s = "VG-BG 2026/Hà";
        let e = percent_encode(s);
        assert!(
            e.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b))
        );
        assert_eq!(percent_decode(&e).as_deref(), Some(s));
        assert_eq!(percent_decode("%ZZ"), None);
    }

    #[test]
    fn the_offset_is_vietnams() {
        assert_eq!(time_zone_offset(), "+07:00");
        let t = Timestamp::parse("2026-06-12T09:00:00Z").expect("time");
        assert_eq!(local_time(&t), "2026-06-12T16:00:00+07:00");
    }
}
