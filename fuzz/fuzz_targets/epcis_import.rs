//! The EPCIS import (`domain::epcis::import::plan_import`, spec §10) and
//! the identifier reader it uses (`domain::epcis::uri`).
//!
//! Invariants: no panic; planning is deterministic and does not depend on
//! how the document's JSON is spelt (it is planned again from its compact
//! form); events are numbered 1, 2, … in order; every statement the plan
//! would sign parses as a ledger parses it, with the plan's type and
//! signer; a lot URI the export writes is read back as the same lot.
#![no_main]

use coop_ledger::domain::epcis::import::{ImportOptions, plan_import};
use coop_ledger::domain::epcis::uri::{lot_uri, parse_ident, percent_decode, percent_encode};
use coop_ledger::domain::ids::ActorId;
use coop_ledger::domain::statement::parse;
use libfuzzer_sys::fuzz_target;
use std::collections::HashMap;

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = serde_json::from_slice::<serde_json::Value>(data) else {
        if let Ok(text) = std::str::from_utf8(data) {
            ident(text);
        }
        return;
    };
    let opts = options(data.first().copied().unwrap_or(0));
    let plan = plan_import(&doc, &opts);
    assert_eq!(plan, plan_import(&doc, &opts), "planning is deterministic");
    let compact: serde_json::Value =
        serde_json::from_str(&doc.to_string()).expect("compact JSON parses");
    assert_eq!(
        plan,
        plan_import(&compact, &opts),
        "spelling does not matter"
    );
    let Ok(plan) = plan else {
        return;
    };
    for (i, event) in plan.events.iter().enumerate() {
        assert_eq!(event.position, i + 1);
        for planned in &event.statements {
            let st = parse(&planned.text).unwrap_or_else(|r| {
                panic!("a planned statement is refused ({r:?}): {}", planned.text)
            });
            assert_eq!(st.body.kind(), planned.kind);
            assert_eq!(st.by, planned.by);
        }
    }
    walk_strings(&doc, &mut ident);
});

/// Import options: with or without a signer and a ledger base.
fn options(pick: u8) -> ImportOptions {
    let id = |s: &str| ActorId::parse(s).expect("a valid id");
    let mut actors = HashMap::new();
    actors.insert("urn:epc:id:sgln:0614141.00777.0".to_owned(), id("coop-1"));
    actors.insert(
        "https://id.gs1.org/414/4012345000009".to_owned(),
        id("buyer-1"),
    );
    ImportOptions {
        by: (pick & 1 == 1).then(|| id("signer-1")),
        actors,
        category: None,
        ledger_base: (pick & 2 == 2).then(|| "https://ledger.example".to_owned()),
    }
}

/// Calls `f` on every string in a JSON value.
fn walk_strings(v: &serde_json::Value, f: &mut impl FnMut(&str)) {
    match v {
        serde_json::Value::String(s) => f(s),
        serde_json::Value::Array(a) => a.iter().for_each(|x| walk_strings(x, f)),
        serde_json::Value::Object(o) => o.values().for_each(|x| walk_strings(x, f)),
        _ => {}
    }
}

/// An identifier: read, and a lot written back as a URI reads the same.
fn ident(s: &str) {
    assert_eq!(percent_decode(&percent_encode(s)).as_deref(), Some(s));
    let Ok(id) = parse_ident(s) else {
        return;
    };
    let Ok((lot, gtin)) = id.batch() else {
        return;
    };
    let uri = lot_uri("https://ledger.example", &lot, gtin.as_ref());
    let again = parse_ident(&uri).and_then(|i| i.batch());
    assert_eq!(again, Ok((lot, gtin)), "{uri}");
}
