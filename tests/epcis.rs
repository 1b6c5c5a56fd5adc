//! Standard exports and EPCIS import (issue 5) through the real server and
//! the real binary: a rice chain from a member household to a business
//! exported as EPCIS 2.0 JSON-LD (validated against GS1's own JSON schema)
//! and as a lot spreadsheet; a period export; the GS1 examples imported
//! with `--dry-run`; and a small EPCIS document imported into a live
//! ledger, exported again and audited.

mod common;

use base64::Engine as _;
use common::cast::*;
use common::*;
use coop_ledger::domain::envelope::Envelope;
use serde_json::{Value, json};
use std::collections::HashMap;

const SCHEMA: &str = "tests/data/epcis/EPCIS-JSON-Schema.json";
const EXAMPLES: &str = "tests/data/epcis/examples";

/// The bag lot, packed under a GTIN.
const BAGS: &str = "gao-st25-tui5-0615";
/// The paddy lot the member harvested.
const PADDY: &str = "lua-mx-0612";
/// The milled rice, without a GTIN.
const MILLED: &str = "gao-st25-0615";
const GTIN: &str = "08935049501503";
/// A product name a spreadsheet must quote.
const BAG_NAME: &str = "Gạo ST25, túi 5 kg \"Hòa Tú\"";

/// GS1's EPCIS 2.0 JSON schema, with formats (uri, date-time) checked.
fn validator() -> jsonschema::Validator {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(SCHEMA).expect("schema")).expect("json");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the GS1 schema compiles")
}

/// The schema's complaints about a document (none when it is valid).
fn schema_errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// A statement with its own `at`, signed by `by`.
fn signed_at(by: &str, kind: &str, at: &str, fields: Value) -> Envelope {
    let mut v = json!({"v": 1, "type": kind, "by": by, "at": at});
    if let (Some(o), Value::Object(f)) = (v.as_object_mut(), fields) {
        o.extend(f);
    }
    Envelope::sign(v.to_string(), &key_of(by))
}

/// A time `hours` before now, as statements write it.
fn ago(hours: i64) -> String {
    coop_ledger::domain::time::Timestamp::from_clock(
        time::OffsetDateTime::now_utc() - time::Duration::hours(hours),
    )
    .to_string()
}

/// What a chain step's receipt said.
struct Logged {
    index: u64,
    leaf_hash: String,
}

async fn log(server: &TestServer, by: &str, kind: &str, at: &str, fields: Value) -> Logged {
    let r = server.ok(&signed_at(by, kind, at, fields)).await;
    Logged {
        index: r["index"].as_u64().expect("index"),
        leaf_hash: r["leaf_hash"].as_str().expect("hash").to_owned(),
    }
}

/// The rice chain: a member of the Sóc Trăng cooperative harvests paddy,
/// ships it to the cooperative, which receives, mills and packs it in GTIN
/// bags; a rice trader refuses a first delivery and accepts the second,
/// both under a linkage contract; a lab inspects the bags (its report,
/// signed on site before the second receipt, is logged after it); the
/// member corrects its harvest entry; the authority recalls the paddy.
/// Returns the leaves by step name.
async fn rice_chain(server: &TestServer) -> HashMap<&'static str, Logged> {
    let paddy = json!({
        "batch": PADDY,
        "product": {"category": "rice", "name": "Lúa ST25"},
        "quantity": {"amount": "1250.5", "unit": "kg"},
        "origin": {"place": "Ấp Hòa Đê, Mỹ Xuyên, Sóc Trăng", "lat": 9.56, "lon": 105.98},
        "harvested_at": "2026-06-10",
        "certifications": [{"scheme": "VietGAP", "id": "VG-ST 2026/017", "valid_until": "2028-06-30"}],
    });
    let mill = json!({"process": "milling",
        "inputs": [{"batch": PADDY, "amount": "1250.5"}],
        "outputs": [{"batch": MILLED, "product": {"category": "rice", "name": "Gạo ST25"}, "quantity": {"amount": "800.25", "unit": "kg"}}]});
    let pack = json!({"process": "packing",
        "inputs": [{"batch": MILLED, "amount": "800.25"}],
        "outputs": [{"batch": BAGS, "product": {"category": "rice", "name": BAG_NAME, "gtin": GTIN}, "quantity": {"amount": "160", "unit": "piece"}}]});
    let delivery = json!({"batch": BAGS, "to": BUSINESS2, "contract": CONTRACT});
    let report = blake3::hash(b"bien ban kiem nghiem").to_hex().to_string();
    // (step, signer, type, hours ago, fields); the inspection is signed
    // before the second receipt and logged after it.
    let before_contract: [(&str, &str, &str, i64, Value); 5] = [
        ("create", OTHER_MEMBER, "batch.create", 144, paddy),
        (
            "ship",
            OTHER_MEMBER,
            "batch.ship",
            120,
            json!({"batch": PADDY, "to": OTHER_COOP}),
        ),
        (
            "receive",
            OTHER_COOP,
            "batch.receive",
            118,
            json!({"batch": PADDY, "accepted": true}),
        ),
        ("mill", OTHER_COOP, "batch.transform", 96, mill),
        ("pack", OTHER_COOP, "batch.transform", 72, pack),
    ];
    let after_contract: [(&str, &str, &str, i64, Value); 5] = [
        (
            "ship-refused",
            OTHER_COOP,
            "batch.ship",
            48,
            delivery.clone(),
        ),
        (
            "refuse",
            BUSINESS2,
            "batch.receive",
            45,
            json!({"batch": BAGS, "accepted": false}),
        ),
        ("ship-again", OTHER_COOP, "batch.ship", 24, delivery),
        (
            "accept",
            BUSINESS2,
            "batch.receive",
            20,
            json!({"batch": BAGS, "accepted": true}),
        ),
        (
            "inspect",
            AUDITOR,
            "batch.inspect",
            22,
            json!({"batch": BAGS, "result": "pass", "scheme": "food-safety",
            "report_blake3": report, "note": "Đạt, không phát hiện dư lượng"}),
        ),
    ];
    let mut l = HashMap::new();
    for (name, by, kind, hours, fields) in before_contract {
        l.insert(name, log(server, by, kind, &ago(hours), fields).await);
    }
    server
        .ok(&signed(BUSINESS2, "contract.offer", json!({"contract": CONTRACT, "cooperative": OTHER_COOP, "business": BUSINESS2, "product_category": "rice", "from": day(-5), "to": day(180), "volume": {"amount": "50", "unit": "t"}})))
        .await;
    server
        .ok(&signed(
            OTHER_COOP,
            "contract.accept",
            json!({"contract": CONTRACT}),
        ))
        .await;
    for (name, by, kind, hours, fields) in after_contract {
        l.insert(name, log(server, by, kind, &ago(hours), fields).await);
    }
    let correction = json!({"index": l["create"].index, "reason": CORRECTION});
    l.insert(
        "correct",
        log(server, OTHER_MEMBER, "correction", &ago(2), correction).await,
    );
    let recall = json!({"batch": PADDY, "reason": "Phát hiện dư lượng thuốc bảo vệ thực vật"});
    l.insert(
        "recall",
        log(server, AUTHORITY, "batch.recall", &ago(1), recall).await,
    );
    l
}

const CONTRACT: &str = "hd-gao-2026";
const CORRECTION: &str = "Nơi thu hoạch đúng là ấp Hòa Đê B";

fn events(doc: &Value) -> &Vec<Value> {
    doc["epcisBody"]["eventList"].as_array().expect("eventList")
}

fn event_at(doc: &Value, index: u64) -> &Value {
    events(doc)
        .iter()
        .find(|e| e["coop:ledgerIndex"] == index)
        .unwrap_or_else(|| panic!("no event for leaf {index}"))
}

fn args(a: &[&str]) -> Vec<String> {
    a.iter().map(|s| (*s).to_owned()).collect()
}

/// `coop-ledger export ARGS... --out FILE`: the bytes it wrote.
async fn export_file(what: &[&str]) -> Vec<u8> {
    let files = tempfile::tempdir().expect("tempdir");
    let out = files.path().join("export");
    let mut a = args(&["export"]);
    a.extend(args(what));
    a.extend(["--out".to_owned(), out.display().to_string()]);
    let (code, text) = cli(a).await;
    assert_eq!(code, 0, "{text}");
    assert!(text.contains(&format!("to {}", out.display())), "{text}");
    std::fs::read(&out).expect("read")
}

/// GETs `path`, which must answer 200 with `content_type`.
async fn fetch(server: &TestServer, path: &str, content_type: &str) -> reqwest::Response {
    let resp = server
        .client
        .get(format!("{}{path}", server.url))
        .send()
        .await
        .expect("get");
    assert_eq!(resp.status().as_u16(), 200, "{path}");
    assert_eq!(resp.headers()["content-type"], content_type, "{path}");
    resp
}

/// The leaf bytes `GET /api/v1/entries` serves for `index`.
async fn leaf_of(server: &TestServer, index: u64) -> Vec<u8> {
    let page = server
        .json(&format!("/api/v1/entries?start={index}&limit=1"))
        .await;
    base64::engine::general_purpose::STANDARD
        .decode(page["entries"][0]["leaf"].as_str().expect("leaf"))
        .expect("base64")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rice_chain_exports_as_epcis_the_gs1_schema_accepts_through_the_api_and_the_cli() {
    let server = TestServer::with_cast().await;
    let l = rice_chain(&server).await;
    let resp = fetch(
        &server,
        &format!("/api/v1/batches/{BAGS}/epcis"),
        "application/ld+json",
    )
    .await;
    let doc: Value = resp.json().await.expect("json");
    let v = validator();
    assert_eq!(schema_errors(&v, &doc), Vec::<String>::new(), "{doc:#}");
    assert_eq!(doc["type"], "EPCISDocument");
    assert_eq!(doc["schemaVersion"], "2.0");
    assert_eq!(
        doc["@context"][0],
        "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
    );

    // Every step of the chain, in log order, and nothing else (the
    // contract and the correction are no events of their own).
    let order = [
        "create",
        "ship",
        "receive",
        "mill",
        "pack",
        "ship-refused",
        "refuse",
        "ship-again",
        "accept",
        "inspect",
        "recall",
    ];
    let indexes: Vec<u64> = events(&doc)
        .iter()
        .map(|e| e["coop:ledgerIndex"].as_u64().expect("index"))
        .collect();
    assert_eq!(indexes, order.map(|s| l[s].index).to_vec());
    let kinds: Vec<(&str, &str, &str)> = events(&doc)
        .iter()
        .map(|e| {
            (
                e["type"].as_str().expect("type"),
                e["bizStep"].as_str().expect("bizStep"),
                e["disposition"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("ObjectEvent", "commissioning", "active"),
            ("ObjectEvent", "shipping", "in_transit"),
            ("ObjectEvent", "receiving", "in_progress"),
            ("TransformationEvent", "commissioning", "active"),
            ("TransformationEvent", "packing", "active"),
            ("ObjectEvent", "shipping", "in_transit"),
            ("ObjectEvent", "receiving", "returned"),
            ("ObjectEvent", "shipping", "in_transit"),
            ("ObjectEvent", "receiving", "in_progress"),
            ("ObjectEvent", "inspecting", "conformant"),
            ("ObjectEvent", "holding", "recalled"),
        ]
    );
    assert_eq!(event_at(&doc, l["create"].index)["action"], "ADD");

    // Identifiers: the GTIN lot by its Digital Link, the others by the
    // ledger's page (no invented GTIN); parties by their actor URIs.
    let bag_lot = format!("https://id.gs1.org/01/{GTIN}/10/{BAGS}");
    let pack = event_at(&doc, l["pack"].index);
    assert_eq!(
        pack["inputQuantityList"],
        json!([{"epcClass": format!("{}/b/{MILLED}", server.url), "quantity": 800.25, "uom": "KGM"}])
    );
    assert_eq!(
        pack["outputQuantityList"],
        json!([{"epcClass": bag_lot, "quantity": 160, "uom": "H87"}])
    );
    let create = event_at(&doc, l["create"].index);
    assert_eq!(
        create["quantityList"],
        json!([{"epcClass": format!("{}/b/{PADDY}", server.url), "quantity": 1250.5, "uom": "KGM"}])
    );
    assert_eq!(create["bizLocation"]["id"], "geo:9.56,105.98");
    assert_eq!(create["ilmd"]["coop:harvestedAt"], "2026-06-10");
    assert_eq!(
        create["certificationInfo"],
        json!(["urn:coop-ledger:epcis:certificate:VietGAP:VG-ST%202026%2F017"])
    );
    let actor = |id: &str| format!("{}/api/v1/actors/{id}", server.url);
    let delivery = event_at(&doc, l["ship-again"].index);
    assert_eq!(delivery["quantityList"][0]["epcClass"], bag_lot.as_str());
    assert_eq!(delivery["quantityList"][0]["quantity"], 160);
    assert_eq!(
        delivery["sourceList"][0],
        json!({"type": "owning_party", "source": actor(OTHER_COOP)})
    );
    assert_eq!(
        delivery["destinationList"][1],
        json!({"type": "possessing_party", "destination": actor(BUSINESS2)})
    );
    assert_eq!(
        delivery["bizTransactionList"][0]["bizTransaction"],
        format!("{}/api/v1/contracts/{CONTRACT}", server.url)
    );
    let refusal = event_at(&doc, l["refuse"].index);
    assert_eq!(refusal["coop:accepted"], false);
    assert_eq!(refusal["sourceList"][0]["source"], actor(OTHER_COOP));
    // The paddy's receipt moved all of it: 1250.5 kg, exactly.
    assert_eq!(
        event_at(&doc, l["receive"].index)["quantityList"][0]["quantity"],
        1250.5
    );
    let inspect = event_at(&doc, l["inspect"].index);
    assert_eq!(inspect["coop:inspectionScheme"], "food-safety");
    assert_eq!(
        inspect["coop:reportBlake3"],
        blake3::hash(b"bien ban kiem nghiem").to_hex().as_str()
    );
    // Times on Vietnam's clock; the instant is the statement's own.
    for e in events(&doc) {
        assert_eq!(e["eventTimeZoneOffset"], "+07:00");
        assert!(
            e["eventTime"].as_str().expect("time").ends_with("+07:00"),
            "{e}"
        );
    }

    // The ledger's own record of each event: index, leaf hash and entry id
    // are those of the leaf GET /api/v1/entries serves.
    for (name, logged) in &l {
        let Some(e) = events(&doc)
            .iter()
            .find(|e| e["coop:ledgerIndex"] == logged.index)
        else {
            assert!(matches!(*name, "correct"), "{name} has no event");
            continue;
        };
        let bytes = leaf_of(&server, logged.index).await;
        assert_eq!(e["coop:leafHash"], logged.leaf_hash.as_str(), "{name}");
        assert_eq!(
            e["coop:leafHash"],
            coop_ledger::domain::merkle::leaf_hash(&bytes).to_string(),
            "{name}"
        );
        let leaf = coop_ledger::domain::leaf::Leaf::parse(&bytes).expect("leaf");
        assert_eq!(
            e["coop:entryId"],
            leaf.envelope().entry_id().to_string(),
            "{name}"
        );
        let st: Value = serde_json::from_str(&leaf.statement).expect("statement");
        assert_eq!(e["coop:statementType"], st["type"], "{name}");
        assert_eq!(e["coop:signer"], st["by"], "{name}");
        let at = coop_ledger::domain::time::Timestamp::parse(st["at"].as_str().expect("at"))
            .expect("at");
        let event_time =
            coop_ledger::domain::time::Timestamp::parse(e["eventTime"].as_str().expect("time"))
                .expect("time");
        assert_eq!(event_time, at, "{name}");
    }

    // The corrected harvest carries an error declaration with the reason;
    // no other event does.
    let declared: Vec<u64> = events(&doc)
        .iter()
        .filter(|e| e.get("errorDeclaration").is_some())
        .map(|e| e["coop:ledgerIndex"].as_u64().expect("index"))
        .collect();
    assert_eq!(declared, [l["create"].index]);
    let decl = &create["errorDeclaration"];
    assert_eq!(decl["reason"], "incorrect_data");
    assert_eq!(decl["coop:reason"], CORRECTION);
    assert_eq!(
        decl["coop:corrections"][0]["coop:index"],
        l["correct"].index
    );

    // The same chain from the paddy's side reaches down to the bags.
    let (status, down) = server.get(&format!("/api/v1/batches/{PADDY}/epcis")).await;
    assert_eq!(status, 200);
    assert_eq!(schema_errors(&v, &down), Vec::<String>::new());
    assert_eq!(events(&down).len(), events(&doc).len());

    // The CLI against the live server writes the same events.
    let written = export_file(&["epcis", "--server", &server.url, "--batch", BAGS]).await;
    let by_cli: Value = serde_json::from_slice(&written).expect("json");
    assert_eq!(events(&by_cli), events(&doc));
    // A live ledger's directory is in use: --data says so and exits 2.
    let dir = server.dir.path().display().to_string();
    let (code, text) = cli(args(&["export", "epcis", "--data", &dir, "--batch", BAGS])).await;
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("in use by another coop-ledger process"),
        "{text}"
    );

    // Stopped, the ledger's directory gives the same events through the
    // service, under the base URL it is served with.
    let url = server.url.clone();
    let dir = server.stop().await;
    let d = dir.path().display().to_string();
    let written = export_file(&["epcis", "--data", &d, "--base-url", &url, "--batch", BAGS]).await;
    let by_dir: Value = serde_json::from_slice(&written).expect("json");
    assert_eq!(schema_errors(&v, &by_dir), Vec::<String>::new());
    assert_eq!(events(&by_dir), events(&doc));
    // Unknown batches are refused by the CLI too.
    let (code, text) = cli(args(&[
        "export",
        "epcis",
        "--data",
        &d,
        "--batch",
        "no-such-lot",
    ]))
    .await;
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("unknown_batch"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_schema_check_rejects_what_the_gs1_schema_forbids() {
    let v = validator();
    // The GS1 examples are valid.
    for entry in std::fs::read_dir(EXAMPLES).expect("examples") {
        let path = entry.expect("entry").path();
        let doc: Value =
            serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("json");
        assert_eq!(
            schema_errors(&v, &doc),
            Vec::<String>::new(),
            "{}",
            path.display()
        );
    }
    // A real export, broken in the ways the schema must catch.
    let server = TestServer::with_shop().await;
    let (_, doc) = server.get("/api/v1/batches/vai-hop-01/epcis").await;
    assert_eq!(schema_errors(&v, &doc), Vec::<String>::new());
    let broken = |f: &dyn Fn(&mut Value)| {
        let mut d = doc.clone();
        f(&mut d);
        d
    };
    let bad = [
        (
            "a bizStep CBV does not define",
            broken(&|d| d["epcisBody"]["eventList"][0]["bizStep"] = json!("harvesting")),
        ),
        (
            "a CBV URN where the JSON binding wants the bare word",
            broken(&|d| {
                d["epcisBody"]["eventList"][0]["bizStep"] =
                    json!("urn:epcglobal:cbv:bizstep:shipping")
            }),
        ),
        (
            "no eventTime",
            broken(&|d| {
                d["epcisBody"]["eventList"][1]
                    .as_object_mut()
                    .expect("event")
                    .remove("eventTime");
            }),
        ),
        (
            "an epcClass that is no URI",
            broken(&|d| {
                d["epcisBody"]["eventList"][0]["quantityList"][0]["epcClass"] = json!("vai 01")
            }),
        ),
        (
            "a unit code that is no UN/ECE code",
            broken(&|d| d["epcisBody"]["eventList"][0]["quantityList"][0]["uom"] = json!("kg")),
        ),
        (
            "an amount as a string",
            broken(&|d| {
                d["epcisBody"]["eventList"][0]["quantityList"][0]["quantity"] = json!("500")
            }),
        ),
        (
            "an offset that is no offset",
            broken(&|d| d["epcisBody"]["eventList"][0]["eventTimeZoneOffset"] = json!("ICT")),
        ),
        (
            "no schemaVersion",
            broken(&|d| {
                d.as_object_mut().expect("doc").remove("schemaVersion");
            }),
        ),
    ];
    for (what, d) in bad {
        assert!(
            !schema_errors(&v, &d).is_empty(),
            "the schema accepted {what}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lot_spreadsheet_has_one_row_per_event_sorted_by_time_with_its_key_data() {
    let server = TestServer::with_cast().await;
    let l = rice_chain(&server).await;
    let resp = fetch(
        &server,
        &format!("/api/v1/batches/{BAGS}/events.csv"),
        "text/csv; charset=utf-8",
    )
    .await;
    assert_eq!(
        resp.headers()["content-disposition"],
        format!("attachment; filename=\"{BAGS}-events.csv\"").as_str()
    );
    let bytes = resp.bytes().await.expect("body").to_vec();
    // UTF-8 with a byte-order mark, so that Excel shows Vietnamese.
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
    let text = std::str::from_utf8(&bytes[3..]).expect("utf-8");
    // The product name with a comma and quotes is quoted, quotes doubled.
    assert!(
        text.contains("\"Gạo ST25, túi 5 kg \"\"Hòa Tú\"\"\""),
        "{text}"
    );

    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let headers: Vec<String> = reader
        .headers()
        .expect("headers")
        .iter()
        .map(str::to_owned)
        .collect();
    for column in [
        "event_time",
        "event",
        "lot",
        "product",
        "category",
        "gtin",
        "quantity",
        "unit",
        "inputs",
        "from_id",
        "from_name",
        "to_id",
        "to_name",
        "location",
        "contract",
        "inspection_scheme",
        "report_blake3",
        "ledger_index",
        "leaf_hash",
        "recalled",
        "corrected",
        "correction",
    ] {
        assert!(
            headers.iter().any(|h| h == column),
            "no column {column}: {headers:?}"
        );
    }
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    // No cell starts a formula in a spreadsheet (OWASP CSV injection): a
    // base64 hash that starts with '+' is written behind an apostrophe.
    for r in &records {
        for cell in r {
            assert!(!cell.starts_with(['=', '+', '-', '@']), "{cell:?}");
        }
    }
    let value = |cell: &str| {
        cell.strip_prefix("'+")
            .map_or(cell.to_owned(), |h| format!("+{h}"))
    };
    let rows: Vec<HashMap<String, String>> = records
        .iter()
        .map(|r| headers.iter().cloned().zip(r.iter().map(value)).collect())
        .collect();
    // One row per event of the chain (each transformation here has one
    // output), no row for the contract or the correction.
    assert_eq!(rows.len(), 11, "{rows:#?}");
    let times: Vec<coop_ledger::domain::time::Timestamp> = rows
        .iter()
        .map(|r| {
            assert!(r["event_time"].ends_with("+07:00"), "{r:?}");
            coop_ledger::domain::time::Timestamp::parse(&r["event_time"]).expect("time")
        })
        .collect();
    assert!(
        times.windows(2).all(|w| w[0] <= w[1]),
        "rows sorted by time: {times:?}"
    );
    // Sorted by time, not log order: the inspection signed before the
    // second receipt comes before it, though it was logged after.
    let order: Vec<u64> = rows
        .iter()
        .map(|r| r["ledger_index"].parse().expect("index"))
        .collect();
    let pos = |name: &str| order.iter().position(|i| *i == l[name].index).expect("row");
    assert!(pos("inspect") < pos("accept"), "{order:?}");
    assert!(l["inspect"].index > l["accept"].index);

    let row = |name: &str| &rows[pos(name)];
    let pack = row("pack");
    assert_eq!(pack["event"], "Transformed (packing)");
    assert_eq!(pack["lot"], BAGS);
    assert_eq!(pack["product"], BAG_NAME);
    assert_eq!(pack["category"], "rice");
    assert_eq!(pack["gtin"], GTIN);
    assert_eq!(
        (pack["quantity"].as_str(), pack["unit"].as_str()),
        ("160", "piece")
    );
    assert_eq!(pack["inputs"], format!("{MILLED}: 800.25 kg"));
    assert_eq!(pack["leaf_hash"], l["pack"].leaf_hash);
    let ship = row("ship-again");
    assert_eq!(ship["event"], "Shipped");
    assert_eq!(
        (ship["from_id"].as_str(), ship["to_id"].as_str()),
        (OTHER_COOP, BUSINESS2)
    );
    assert_eq!(ship["from_name"], format!("Tên {OTHER_COOP}"));
    assert_eq!(ship["contract"], CONTRACT);
    assert_eq!(ship["quantity"], "160");
    assert_eq!(ship["location"], "Lục Ngạn, Bắc Giang");
    assert_eq!(
        row("refuse")["event"],
        "Refused at receipt (back to sender)"
    );
    assert_eq!(row("refuse")["from_id"], OTHER_COOP);
    let create = row("create");
    assert_eq!(create["event"], "Created (harvest or production)");
    assert_eq!(
        (
            create["lot"].as_str(),
            create["quantity"].as_str(),
            create["unit"].as_str()
        ),
        (PADDY, "1250.5", "kg")
    );
    assert_eq!(create["location"], "Ấp Hòa Đê, Mỹ Xuyên, Sóc Trăng");
    // A member who has not agreed to be named is not named (spec §8).
    assert_eq!(create["from_id"], OTHER_MEMBER);
    assert_eq!(create["from_name"], "");
    assert_eq!(create["corrected"], "yes");
    assert!(create["correction"].starts_with(CORRECTION), "{create:?}");
    assert_eq!(row("inspect")["inspection_scheme"], "food-safety");
    assert_eq!(row("inspect")["inspection_result"], "pass");
    assert_eq!(
        row("recall")["note"],
        "Phát hiện dư lượng thuốc bảo vệ thực vật"
    );
    // Every lot of this chain is recalled (the paddy, and through it the
    // milled rice and the bags); only the harvest is corrected.
    assert!(rows.iter().all(|r| r["recalled"] == "yes"), "{rows:#?}");
    assert_eq!(rows.iter().filter(|r| r["corrected"] == "yes").count(), 1);

    // Vietnamese headers on request; the CLI writes the same bytes.
    let (_, vi) = server
        .get_text(&format!("/api/v1/batches/{BAGS}/events.csv?lang=vi"))
        .await;
    assert!(vi.starts_with("\u{feff}Thời gian,Sự kiện,"), "{vi}");
    assert!(vi.contains("Gửi đi"), "{vi}");
    let written = export_file(&["lot-csv", "--server", &server.url, "--batch", BAGS]).await;
    assert_eq!(written, bytes);

    // Unknown and malformed lots get the batch routes' JSON errors.
    for (path, status, code) in [
        (
            "/api/v1/batches/no-such-lot/events.csv",
            404,
            "unknown_batch",
        ),
        ("/api/v1/batches/no%20such/events.csv", 400, "bad_id"),
        ("/api/v1/batches/no-such-lot/epcis", 404, "unknown_batch"),
        ("/api/v1/batches/%FF/epcis", 400, "bad_id"),
    ] {
        let (got, answer) = server.get(path).await;
        assert_eq!(
            (got, answer["error"].as_str()),
            (status, Some(code)),
            "{path}: {answer}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_period_export_holds_the_steps_of_those_vietnamese_days_only() {
    let server = TestServer::with_cast().await;
    // 06:00 on 1 January in Vietnam is still 31 December in UTC: it is in
    // a January period. 23:30 on 31 December in Vietnam is not.
    let create = |batch: &str, at: &str| {
        signed_at(
            MEMBER,
            "batch.create",
            at,
            json!({
                "batch": batch,
                "product": {"category": "fruit", "name": "Bưởi Diễn"},
                "quantity": {"amount": "75.125", "unit": "kg"},
                "origin": {"place": "Xã Hồng Giang, Lục Ngạn, Bắc Giang"},
            }),
        )
    };
    let inside = server
        .ok(&create("buoi-0101", "2026-01-01T06:00:00+07:00"))
        .await;
    let outside = server
        .ok(&create("buoi-1231", "2025-12-31T23:30:00+07:00"))
        .await;
    let last_day = server
        .ok(&create("buoi-0131", "2026-01-31T23:59:59+07:00"))
        .await;
    server
        .ok(&signed_at(
            MEMBER,
            "batch.ship",
            "2026-02-01T00:00:00+07:00",
            json!({"batch": "buoi-0101", "to": COOP}),
        ))
        .await;

    let january = "/api/v1/epcis?from=2026-01-01&to=2026-01-31";
    let resp = fetch(&server, january, "application/ld+json").await;
    let doc: Value = resp.json().await.expect("json");
    assert_eq!(
        schema_errors(&validator(), &doc),
        Vec::<String>::new(),
        "{doc:#}"
    );
    let indexes: Vec<&Value> = events(&doc)
        .iter()
        .map(|e| &e["coop:ledgerIndex"])
        .collect();
    assert_eq!(indexes, [&inside["index"], &last_day["index"]]);
    assert!(
        !events(&doc)
            .iter()
            .any(|e| e["coop:ledgerIndex"] == outside["index"])
    );
    assert_eq!(events(&doc)[0]["eventTime"], "2026-01-01T06:00:00+07:00");
    assert_eq!(events(&doc)[0]["quantityList"][0]["quantity"], 75.125);
    // Registrations and other non-batch statements are no events.
    let (_, december) = server
        .get("/api/v1/epcis?from=2025-12-31&to=2025-12-31")
        .await;
    assert_eq!(events(&december).len(), 1);
    let (_, today) = server
        .get(&format!("/api/v1/epcis?from={}&to={}", day(-1), day(1)))
        .await;
    assert_eq!(events(&today).len(), 0, "{today}");

    // The CLI asks the same of the server.
    let (code, text) = cli(args(&[
        "export",
        "epcis",
        "--server",
        &server.url,
        "--from",
        "2026-01-01",
        "--to",
        "2026-01-31",
    ]))
    .await;
    assert_eq!(code, 0, "{text}");
    let by_cli: Value = serde_json::from_str(&text).expect("the document on standard output");
    assert_eq!(events(&by_cli), events(&doc));

    // Bad periods get a clear 400, in the caller's language.
    for (query, code) in [
        ("from=2026-13-01&to=2026-12-31", "bad_date"),
        ("from=1/1/2026&to=2026-12-31", "bad_date"),
        ("from=2026-02-01&to=2026-01-01", "dates_reversed"),
        ("from=2026-01-01", "bad_query"),
    ] {
        let (status, answer) = server.get(&format!("/api/v1/epcis?{query}&lang=en")).await;
        assert_eq!(
            (status, answer["error"].as_str()),
            (400, Some(code)),
            "{query}: {answer}"
        );
        assert!(
            answer["message"].as_str().is_some_and(|m| m.len() > 20),
            "{answer}"
        );
    }
    let (code, text) = cli(args(&[
        "export",
        "epcis",
        "--server",
        &server.url,
        "--from",
        "2026-02-01",
        "--to",
        "2026-01-01",
    ]))
    .await;
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("dates_reversed"), "{text}");
}

/// The statements a `--dry-run` printed (the JSON lines under each one).
fn printed_statements(out: &str) -> Vec<Value> {
    out.lines()
        .filter_map(|l| l.strip_prefix("    {"))
        .map(|l| serde_json::from_str(&format!("{{{l}")).expect("a statement line"))
        .collect()
}

fn example(name: &str) -> String {
    format!("{EXAMPLES}/{name}")
}

/// `coop-ledger import epcis EXAMPLE --dry-run --by COOP EXTRA...`.
async fn dry_run(name: &str, extra: &[&str]) -> (i32, String) {
    let mut a = args(&["import", "epcis", &example(name), "--dry-run", "--by", COOP]);
    a.extend(args(extra));
    cli(a).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gs1_examples_import_with_dry_run_keeping_ids_quantities_and_times() {
    // Digital Link items: the receipt maps (GTIN + serial → batch id), the
    // shipment names no recipient and is reported, as is every field the
    // ledger has no place for.
    let (code, out) = dry_run("Example_9.6.1-ObjectEventWithDigitalLink.jsonld", &[]).await;
    assert_eq!(code, 1, "parts are not mapped: {out}");
    let st = printed_statements(&out);
    assert_eq!(
        st,
        [
            json!({"v": 1, "type": "batch.receive", "by": COOP, "at": "2005-04-04T20:33:31.116-06:00",
            "batch": "70614141123451.2018", "accepted": true})
        ],
        "{out}"
    );
    assert!(
        out.contains("event 1: ObjectEvent, bizStep shipping"),
        "{out}"
    );
    assert!(out.contains("not mapped: shipping: no owning or possessing party in destinationList names the recipient"), "{out}");
    assert!(
        out.contains("not mapped: example:myField (Example of a vendor/user extension)"),
        "{out}"
    );
    assert!(out.contains("not mapped: bizTransactionList"), "{out}");

    // A transformation: LGTIN and Digital Link lots keep their lot as the
    // batch id and their GTIN (the LGTIN's computed with its check digit);
    // SGTIN items become GTIN.serial; quantities and the time are as
    // written; a GTIN without a lot is reported.
    let (code, out) = dry_run(
        "Example_9.6.4-TransformationEventWithDigitalLink.jsonld",
        &["--category", "other"],
    )
    .await;
    assert_eq!(code, 1, "{out}");
    let st = printed_statements(&out);
    assert_eq!(st.len(), 1, "{out}");
    let t = &st[0];
    assert_eq!(t["type"], "batch.transform");
    assert_eq!(t["at"], "2013-10-31T14:58:56.591Z");
    assert_eq!(
        t["inputs"],
        json!([
            {"batch": "04012345111224.25", "amount": "1"},
            {"batch": "04000001654321.99886655", "amount": "1"},
            {"batch": "4444", "amount": "10"},
            {"batch": "987", "amount": "30"},
        ])
    );
    let outputs = t["outputs"].as_array().expect("outputs");
    assert_eq!(outputs.len(), 4);
    for (o, serial) in outputs.iter().zip(["25", "26", "27", "28"]) {
        assert_eq!(o["batch"], format!("04012345778892.{serial}"));
        assert_eq!(o["product"]["gtin"], "04012345778892");
        assert_eq!(o["quantity"], json!({"amount": "1", "unit": "piece"}));
    }
    assert!(out.contains("https://id.gs1.org/01/04012345666663: a GTIN without a lot or serial names no single batch"), "{out}");
    assert!(out.contains("input 4444: uom KGM"), "{out}");
    assert!(out.contains("ilmd example:bestBeforeDate"), "{out}");

    // Every field the ledger cannot hold is named, never dropped.
    let (code, out) = dry_run(
        "transformation_event_all_possible_fields.jsonld",
        &["--category", "other"],
    )
    .await;
    assert_eq!(code, 1, "{out}");
    for what in [
        "not mapped: sensorElementList: sensor data has no counterpart",
        "not mapped: persistentDisposition: the ledger keeps no persistent dispositions",
        "not mapped: ilmd cbvmda:countryOfOrigin: lot master data the ledger does not keep",
        "not mapped: errorDeclaration",
        "not mapped: certificationInfo (https://accreditation-council.example.org/certificate/ABC12345)",
        "not mapped: transformationID (urn:epc:id:gdti:0614141.12345.400)",
        "not mapped: inputQuantityList: urn:epc:idpat:sgtin:4012345.066666.*: a pattern names no single batch",
        "not mapped: document field sender",
        // The lot 4444 is both input and output: any ledger would refuse
        // that transformation, so it is not offered for signing.
        "any ledger would refuse it: bad_transform",
    ] {
        assert!(out.contains(what), "{what}: {out}");
    }
    assert!(printed_statements(&out).is_empty(), "{out}");

    // Event types with no counterpart are reported, not dropped.
    let (code, out) = dry_run("Example-TransactionEvents-2020_07_03y.jsonld", &[]).await;
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        out.matches("a TransactionEvent has no counterpart").count(),
        2,
        "{out}"
    );
    assert!(out.contains("rail:trainAxleCount (12)"), "{out}");

    // A file that is no EPCIS document is an error, not an empty import.
    let files = tempfile::tempdir().expect("tempdir");
    let not_epcis = files.path().join("x.json");
    std::fs::write(&not_epcis, r#"{"type": "Invoice"}"#).expect("write");
    let (code, out) = cli(args(&[
        "import",
        "epcis",
        &not_epcis.display().to_string(),
        "--dry-run",
    ]))
    .await;
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("not an EPCIS 2.0 document"), "{out}");
}

const LYCHEE_LOT: &str = "VAI-HG-0610";
const MEMBER_PGLN: &str = "urn:epc:id:pgln:8935049.00011";
const COOP_PGLN: &str = "urn:epc:id:pgln:8935049.00012";

/// A partner's EPCIS document: a member's lychee harvest commissioned,
/// shipped to the cooperative and received there. Parties are GS1 party
/// location numbers, mapped to actors with `--actor`.
fn partner_document() -> Value {
    let lot = format!("https://id.gs1.org/01/08935049501503/10/{LYCHEE_LOT}");
    let parties = json!({
        "sourceList": [{"type": "owning_party", "source": MEMBER_PGLN}],
        "destinationList": [{"type": "owning_party", "destination": COOP_PGLN}],
    });
    let mut ship = json!({"type": "ObjectEvent", "eventTime": "2026-06-10T15:00:00+07:00", "eventTimeZoneOffset": "+07:00",
        "action": "OBSERVE", "bizStep": "shipping", "disposition": "in_transit", "quantityList": [{"epcClass": lot}]});
    let mut receive = json!({"type": "ObjectEvent", "eventTime": "2026-06-11T08:00:00+07:00", "eventTimeZoneOffset": "+07:00",
        "action": "OBSERVE", "bizStep": "receiving", "disposition": "in_progress", "quantityList": [{"epcClass": lot}]});
    for e in [&mut ship, &mut receive] {
        if let (Some(e), Some(p)) = (e.as_object_mut(), parties.as_object()) {
            e.extend(p.clone());
        }
    }
    json!({
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"coop": "urn:coop-ledger:epcis:"}],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-06-11T09:00:00Z",
        "epcisBody": {"eventList": [
            {"type": "ObjectEvent", "eventTime": "2026-06-10T07:30:00+07:00", "eventTimeZoneOffset": "+07:00",
             "action": "ADD", "bizStep": "commissioning", "disposition": "active",
             "quantityList": [{"epcClass": lot, "quantity": 120.5, "uom": "KGM"}],
             "bizLocation": {"id": "geo:21.38,106.62"},
             "ilmd": {"coop:productName": "Vải thiều Lục Ngạn", "coop:category": "fruit",
                      "coop:originPlace": "Xã Hồng Giang, Lục Ngạn, Bắc Giang", "coop:harvestedAt": "2026-06-10"}},
            ship,
            receive,
        ]},
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_imported_epcis_document_lands_as_leaves_exports_back_and_audits() {
    let server = TestServer::with_cast().await;
    let files = tempfile::tempdir().expect("tempdir");
    let f = files.path();
    let doc = partner_document();
    assert_eq!(schema_errors(&validator(), &doc), Vec::<String>::new());
    let path = f.join("partner.jsonld");
    std::fs::write(&path, serde_json::to_vec_pretty(&doc).expect("json")).expect("write");
    let import = args(&[
        "import",
        "epcis",
        &path.display().to_string(),
        "--server",
        &server.url,
        "--key",
        &pem(f, MEMBER).display().to_string(),
        "--key",
        &pem(f, COOP).display().to_string(),
        "--by",
        MEMBER,
        "--actor",
        &format!("{MEMBER_PGLN}={MEMBER}"),
        "--actor",
        &format!("{COOP_PGLN}={COOP}"),
        "--lang",
        "en",
    ]);
    let size = server.ledger.size();
    let (code, out) = cli(import.clone()).await;
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.matches("inclusion proof verified").count(), 3, "{out}");
    assert!(
        out.contains(&format!(
            "batch.create {LYCHEE_LOT} · 120.5 kg · Vải thiều Lục Ngạn · by {MEMBER}"
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!("batch.ship {LYCHEE_LOT} → {COOP} · by {MEMBER}")),
        "{out}"
    );
    assert!(
        out.contains(&format!("batch.receive {LYCHEE_LOT} accepted · by {COOP}")),
        "{out}"
    );
    assert!(
        out.contains("3 statement(s) logged, 0 refused or not sent; 0 part(s) not mapped"),
        "{out}"
    );
    assert_eq!(server.ledger.size(), size + 3);
    let batch = server.json(&format!("/api/v1/batches/{LYCHEE_LOT}")).await;
    assert_eq!(batch["holder"], COOP);
    assert_eq!(batch["product"]["gtin"], "08935049501503");
    assert_eq!(batch["quantity"], json!({"amount": "120.5", "unit": "kg"}));
    assert_eq!(
        batch["origin"],
        json!({"place": "Xã Hồng Giang, Lục Ngạn, Bắc Giang", "lat": 21.38, "lon": 106.62})
    );
    // Importing again logs nothing new: the same statements, signed again
    // with the same keys, are the same envelopes.
    let (code, out) = cli(import).await;
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.matches("already logged").count(), 3, "{out}");
    assert_eq!(server.ledger.size(), size + 3);

    // Exported again, the mapped fields come back as the partner wrote them.
    let (code, text) = cli(args(&[
        "export",
        "epcis",
        "--server",
        &server.url,
        "--batch",
        LYCHEE_LOT,
    ]))
    .await;
    assert_eq!(code, 0, "{text}");
    let back: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(schema_errors(&validator(), &back), Vec::<String>::new());
    let (sent, got) = (events(&doc), events(&back));
    assert_eq!(got.len(), 3, "{back:#}");
    for (s, g) in sent.iter().zip(got) {
        for field in [
            "type",
            "eventTime",
            "eventTimeZoneOffset",
            "action",
            "bizStep",
            "disposition",
        ] {
            assert_eq!(g[field], s[field], "{field}: {g}");
        }
        assert_eq!(
            g["quantityList"][0]["epcClass"],
            s["quantityList"][0]["epcClass"]
        );
    }
    assert_eq!(got[0]["quantityList"][0]["quantity"], 120.5);
    assert_eq!(got[0]["quantityList"][0]["uom"], "KGM");
    assert_eq!(got[0]["bizLocation"], sent[0]["bizLocation"]);
    for key in [
        "coop:productName",
        "coop:category",
        "coop:originPlace",
        "coop:harvestedAt",
    ] {
        assert_eq!(got[0]["ilmd"][key], sent[0]["ilmd"][key], "{key}");
    }
    let actor = |id: &str| format!("{}/api/v1/actors/{id}", server.url);
    assert_eq!(got[1]["destinationList"][0]["destination"], actor(COOP));
    assert_eq!(got[2]["sourceList"][0]["source"], actor(MEMBER));
    assert_eq!(got[2]["coop:signer"], COOP);

    // And the ledger still verifies end to end.
    let (code, out) = cli(args(&["audit", "--server", &server.url])).await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("AUDIT PASSED"), "{out}");

    // A statement no key given can sign is not sent, and says why; a party
    // with no --actor mapping is reported.
    let (code, out) = cli(args(&[
        "import",
        "epcis",
        &path.display().to_string(),
        "--server",
        &server.url,
        "--key",
        &pem(f, AUDITOR).display().to_string(),
        "--key",
        &pem(f, AUTHORITY).display().to_string(),
        "--by",
        MEMBER,
        "--actor",
        &format!("{COOP_PGLN}={COOP}"),
        "--lang",
        "en",
    ]))
    .await;
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!(
            "NOT SENT: none of the keys given is {MEMBER}'s current key"
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!("party {MEMBER_PGLN}: no actor for it")),
        "{out}"
    );
    assert_eq!(server.ledger.size(), size + 3);
}
