//! EPCIS export: [`Exporter::event`] turns one logged batch statement
//! ([`Logged`]: index, leaf hash, entry id, statement) plus the [`Facts`]
//! the views add (sender of a receipt, what a shipment moved, corrections)
//! into an `ObjectEvent` or `TransformationEvent` with CBV business steps
//! and dispositions, lot, actor and contract URIs, UN/ECE units, exact
//! numbers, the `coop:` extension and an `errorDeclaration` for a corrected
//! leaf; [`document`] wraps the events in an `EPCISDocument`.

use super::uri::{actor_uri, certificate_uri, contract_uri, event_id, lot_uri};
use super::{
    ACCEPTED, CATEGORY, CERTIFICATIONS, CONTRACT_TRANSACTION_TYPE, CORRECTIONS, ENTRY_ID,
    EPCIS_CONTEXT, EXT_NAMESPACE, EXT_PREFIX, HARVESTED_AT, LEAF_HASH, LEDGER_INDEX, LOT, NOTE,
    OCOP_STARS, ORIGIN_PLACE, OUTPUTS, PROCESS, PRODUCER, PRODUCT_NAME, REASON, REPORT, RESULT,
    SCHEMA_VERSION, SCHEME, SIGNER, STATEMENT_TYPE, amount_number, local_time, time_zone_offset,
    uom,
};
use crate::domain::ids::{ActorId, BatchId};
use crate::domain::model::CorrectionRecord;
use crate::domain::product::{Gtin, InspectResult, Process, Product};
use crate::domain::quantity::{Quantity, Unit};
use crate::domain::statement::{Body, Statement};
use crate::domain::time::Timestamp;
use serde_json::{Map, Value, json};
use std::collections::HashMap;

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
