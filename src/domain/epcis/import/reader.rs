//! One EPCIS event being read ([`EventReader`]): its fields, each marked
//! as it is used so that every field left over can be reported, its
//! parties and signer, its objects (lots or items with their quantities),
//! and the offline check of each statement it maps to.

use super::{EventPlan, ImportOptions, Planned};
use crate::domain::epcis::uri::{parse_ident, trim};
use crate::domain::epcis::{
    ENTRY_ID, LEAF_HASH, LEDGER_INDEX, SIGNER, STATEMENT_TYPE, amount_of, unit_of_uom, uom,
};
use crate::domain::ids::{ActorId, BatchId};
use crate::domain::product::Gtin;
use crate::domain::quantity::{Amount, Quantity, Unit};
use crate::domain::statement::{self, StatementType};
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;

/// A CBV word, whatever form it is written in: the bare word of the JSON
/// binding, the `urn:epcglobal:cbv:…` URN or the `https://ref.gs1.org/cbv/…`
/// (or `ns.gs1.org`) URI.
pub(super) fn cbv_word(v: &str) -> &str {
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

/// One event being read: the fields used are marked, so that every other
/// field can be reported.
pub(super) struct EventReader<'a> {
    pub(super) event: &'a Map<String, Value>,
    pub(super) used: BTreeSet<&'static str>,
    pub(super) ilmd_used: BTreeSet<&'static str>,
    pub(super) plan: EventPlan,
    pub(super) opts: &'a ImportOptions,
}

/// One object (lot or item) an event names.
pub(super) struct Object {
    pub(super) batch: BatchId,
    pub(super) gtin: Option<Gtin>,
    pub(super) quantity: Option<Quantity>,
    /// The unit as the event wrote it (`uom`), if it did.
    pub(super) uom: Option<&'static str>,
    /// True when the event states the quantity (a `quantityList` entry
    /// with `quantity`), not just lists an instance.
    pub(super) stated: bool,
}

impl<'a> EventReader<'a> {
    pub(super) fn mark(&mut self, key: &'static str) {
        self.used.insert(key);
    }

    pub(super) fn get(&mut self, key: &'static str) -> Option<&'a Value> {
        self.used.insert(key);
        self.event.get(key)
    }

    pub(super) fn str(&mut self, key: &'static str) -> Option<&'a str> {
        self.get(key).and_then(Value::as_str)
    }

    pub(super) fn ilmd(&mut self, key: &'static str) -> Option<&'a Value> {
        self.ilmd_used.insert(key);
        self.event.get("ilmd").and_then(|i| i.get(key))
    }

    pub(super) fn ilmd_str(&mut self, key: &'static str) -> Option<&'a str> {
        self.ilmd(key).and_then(Value::as_str)
    }

    pub(super) fn note(&mut self, what: impl Into<String>) {
        self.plan.not_mapped.push(what.into());
    }

    /// The actor id a party URI stands for: an `--actor` mapping, or an
    /// actor URI of the target ledger.
    pub(super) fn actor(&self, uri: &str) -> Option<ActorId> {
        if let Some(id) = self.opts.actors.get(uri) {
            return Some(id.clone());
        }
        let base = self.opts.ledger_base.as_deref()?;
        let id = uri.strip_prefix(&format!("{}/api/v1/actors/", trim(base)))?;
        ActorId::parse(id).ok()
    }

    /// The party of a source or destination list: the owning party, else
    /// the possessing party, as written.
    pub(super) fn party(&mut self, list: &'static str, field: &str) -> Option<String> {
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
    pub(super) fn signer(&mut self, party: Option<&str>) -> Option<ActorId> {
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
    pub(super) fn objects(&mut self, epcs: &'static str, quantities: &'static str) -> Vec<Object> {
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
    pub(super) fn push(
        &mut self,
        by: &ActorId,
        kind: StatementType,
        fields: Value,
        summary: String,
    ) {
        let Some(at) = self.plan.event_time.clone() else {
            return;
        };
        let mut st = json!({"v": 1, "type": kind.as_str(), "by": by, "at": at});
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
    /// Reports every field the mapping did not use.
    pub(super) fn report_rest(&mut self) {
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
pub(super) fn cbv_sdt(v: &str) -> &str {
    v.strip_prefix("urn:epcglobal:cbv:sdt:")
        .or_else(|| v.strip_prefix("https://ref.gs1.org/cbv/SDT-"))
        .or_else(|| v.strip_prefix("https://ns.gs1.org/cbv/SDT-"))
        .unwrap_or(v)
}

/// The coordinates of an RFC 5870 `geo:` URI.
pub(super) fn geo(uri: &str) -> Option<(f64, f64)> {
    let rest = uri.strip_prefix("geo:")?;
    let coords = rest.split(';').next()?;
    let mut parts = coords.split(',');
    let lat: f64 = parts.next()?.parse().ok()?;
    let lon: f64 = parts.next()?.parse().ok()?;
    Some((lat, lon))
}

/// The name given to a product the event does not name: its GTIN, else
/// its lot.
pub(super) fn fallback_name(batch: &BatchId, gtin: Option<&Gtin>) -> String {
    match gtin {
        Some(g) => format!("GTIN {g}"),
        None => format!("Lot {batch}"),
    }
}

pub(super) fn sides(objects: &[Object], with_unit: bool) -> String {
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
