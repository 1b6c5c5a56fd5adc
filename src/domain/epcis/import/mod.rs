//! EPCIS import: [`plan_import`] maps each event of a document to checked
//! statement texts ([`Planned`], each parsed as any ledger would parse it)
//! and lists every part it cannot map ([`EventPlan::not_mapped`]); it never
//! drops a field without saying so. Nothing is signed or sent here.
//!
//! Its `reader` reads one event's fields and marks those used; its
//! `events` maps each kind of event to statements.

mod events;
mod reader;

use super::MAX_IMPORT_EVENTS;
use crate::domain::ids::ActorId;
use crate::domain::product::Category;
use crate::domain::statement::StatementType;
use reader::EventReader;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};

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
    pub kind: StatementType,
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
    let mut r = EventReader {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
}
