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
//!
//! The module is split by direction: [`export`] (statements to events),
//! [`import`] (events to statements) and [`uri`] (the identifiers both
//! read and write). This file holds the vocabulary they share: the
//! constants, the `coop:` extension fields, units and numbers, and
//! Vietnam's clock.

pub mod export;
pub mod import;
pub mod uri;

pub use export::{Exporter, Facts, Logged, LotRef, document, is_event};
pub use import::{EventPlan, ImportOptions, ImportPlan, NotEpcis, Planned, plan_import};
pub use uri::{
    Ident, actor_uri, contract_uri, event_id, lot_uri, parse_ident, percent_decode, percent_encode,
};

use crate::domain::quantity::{Amount, Unit};
use crate::domain::time::{LOCAL_OFFSET_HOURS, Timestamp};
use serde_json::{Number, Value};
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
    fn the_offset_is_vietnams() {
        assert_eq!(time_zone_offset(), "+07:00");
        let t = Timestamp::parse("2026-06-12T09:00:00Z").expect("time");
        assert_eq!(local_time(&t), "2026-06-12T16:00:00+07:00");
    }
}
