//! Issue 15: the linkage volumes in the unit of each category, and the
//! digital transformation figure, on a ledger with known answers built
//! through the real API (spec §9.4, §9.7).
//!
//! In the second quarter of 2026, cooperative A (Sóc Trăng) delivers rice
//! to a business as 1250.5 kg, as 2 t, as 100 bags of 5 kg and as 40 boxes
//! without a net content, and an OCOP lot of 12 kg. Cooperative B (An
//! Giang) signed only in March; its member signs in May, which is not B's
//! own signature. Cooperative C (An Giang) and union U (Đồng Tháp) are
//! registered and never sign.

mod common;

use common::*;
use coop_ledger::domain::envelope::Envelope;
use coop_ledger::domain::keys::PublicKey;
use serde_json::{Value, json};

const PERIOD: &str = "from=2026-04-01&to=2026-06-30";

/// id, role, province, cooperative, key number.
const ACTORS: &[(&str, &str, &str, Option<&str>, u32)] = &[
    ("htx-a", "cooperative", "Sóc Trăng", None, 401),
    ("htx-b", "cooperative", "An Giang", None, 402),
    ("htx-c", "cooperative", "An Giang", None, 403),
    ("lh-u", "union", "Đồng Tháp", None, 404),
    ("dn-1", "business", "Hà Nội", None, 405),
    ("tv-b-01", "member", "An Giang", Some("htx-b"), 406),
];

fn key_no(id: &str) -> u32 {
    ACTORS.iter().find(|a| a.0 == id).expect("in the cast").4
}

/// `kind` by `by` on `day` at 08:00 Vietnam time, signed.
fn at(by: &str, day: &str, kind: &str, mut fields: Value) -> Envelope {
    fields["at"] = json!(format!("{day}T08:00:00+07:00"));
    let key = if by == REGISTRAR {
        registrar_key()
    } else {
        key(key_no(by))
    };
    Envelope::sign(statement(kind, by, fields), &key)
}

fn create(batch: &str, category: &str, amount: &str, unit: &str, net: Option<Value>) -> Value {
    let mut product = json!({"category": category, "name": format!("Lô {batch}")});
    if let Some(n) = net {
        product["net"] = n;
    }
    json!({
        "batch": batch,
        "product": product,
        "quantity": {"amount": amount, "unit": unit},
        "origin": {"place": "Đồng bằng sông Cửu Long"},
    })
}

async fn ledger() -> TestServer {
    let s = TestServer::start().await;
    for (id, role, province, coop, n) in ACTORS {
        let mut f = json!({"id": id, "role": role, "name": format!("Tên {id}"),
            "key": PublicKey::from(key(*n).verifying_key()).to_string(),
            "region": {"province": province}});
        if let Some(c) = coop {
            f["cooperative"] = json!(c);
        }
        s.ok(&at(REGISTRAR, "2026-01-05", "actor.register", f))
            .await;
    }
    let kg5 = json!({"amount": "5", "unit": "kg"});
    let lots = [
        ("a-kg", "rice", "1250.5", "kg", None),
        ("a-t", "rice", "2", "t", None),
        ("a-bags", "rice", "100", "piece", Some(kg5)),
        ("a-boxes", "rice", "40", "box", None),
        ("a-ocop", "ocop", "12", "kg", None),
    ];
    for (batch, category, amount, unit, net) in lots {
        let f = create(batch, category, amount, unit, net);
        s.ok(&at("htx-a", "2026-04-02", "batch.create", f)).await;
        let ship = json!({"batch": batch, "to": "dn-1"});
        s.ok(&at("htx-a", "2026-04-03", "batch.ship", ship)).await;
        let receive = json!({"batch": batch, "accepted": true});
        s.ok(&at("dn-1", "2026-04-04", "batch.receive", receive))
            .await;
    }
    // B signs in March only; its member signs in May.
    let f = create("b-fruit", "fruit", "300", "kg", None);
    s.ok(&at("htx-b", "2026-03-10", "batch.create", f)).await;
    let f = create("b-fruit-2", "fruit", "200", "kg", None);
    s.ok(&at("tv-b-01", "2026-05-10", "batch.create", f)).await;
    s
}

fn digital(f: &Value) -> (u64, u64, f64) {
    (
        f["registered"].as_u64().expect("registered"),
        f["signed"].as_u64().expect("signed"),
        f["share"].as_f64().expect("share"),
    )
}

/// The digital figure of `group` in each row of `table`, by the row's
/// `name` member.
fn rows(table: &Value, name: &str, group: &str) -> Vec<(String, (u64, u64, f64))> {
    table
        .as_array()
        .expect("rows")
        .iter()
        .map(|row| {
            let n = row[name].as_str().expect("name").to_owned();
            (n, digital(&row["digital"][group]))
        })
        .collect()
}

/// Issue 15: kilograms, tonnes and bags with a net content add up to the
/// right tonnes; boxes without one stay boxes, marked; OCOP keeps its unit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn volumes_are_in_tonnes_where_they_convert_and_apart_where_they_do_not() {
    let s = ledger().await;
    let r = s.json(&format!("/api/v1/linkage?{PERIOD}")).await;
    assert_eq!(
        r["volume_to_business"],
        json!([
            // 1.2505 t + 2 t + 100 × 5 kg = 3.7505 t.
            {"category": "rice", "unit": "t", "amount": "3.7505", "deliveries": 3},
            {"category": "rice", "unit": "box", "amount": "40", "deliveries": 1, "unconverted": true},
            {"category": "ocop", "unit": "kg", "amount": "12", "deliveries": 1},
        ])
    );
    let (_, csv) = s.get_text(&format!("/api/v1/linkage.csv?{PERIOD}")).await;
    let volume: Vec<&str> = csv.lines().filter(|l| l.contains(",volume,")).collect();
    assert_eq!(volume.len(), 3, "{csv}");
    assert!(volume[0].ends_with(",3.7505,t,3,"), "{}", volume[0]);
    assert!(
        volume[1].ends_with(",40,box,1,no_net_content"),
        "{}",
        volume[1]
    );
    // The dashboard writes the tonnes each language's way and notes the boxes.
    for (lang, tonnes, note) in [
        ("vi", "3,7505 tấn", "chưa quy đổi được ra tấn"),
        ("en", "3.7505 tonnes", "not converted to tonnes"),
    ] {
        let (status, html) = s.get_text(&format!("/linkage?{PERIOD}&lang={lang}")).await;
        assert_eq!(status, 200);
        assert!(html.contains(tonnes), "{lang}: {tonnes}");
        assert!(html.contains(note), "{lang}: {note}");
    }
}

/// Issue 15: a net content is refused on a lot weighed in kg, or given in
/// pieces, with `bad_net`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_net_content_on_a_weighed_lot_is_refused() {
    let s = ledger().await;
    for (unit, net) in [
        ("kg", json!({"amount": "5", "unit": "kg"})),
        ("box", json!({"amount": "2", "unit": "piece"})),
    ] {
        let f = create("a-bad", "rice", "10", unit, Some(net));
        let (status, code) = s
            .refused(&at("htx-a", "2026-04-05", "batch.create", f))
            .await;
        assert_eq!((status, code.as_str()), (400, "bad_net"), "{unit}");
    }
    // A transformation's output: net only on packs.
    let f = create("a-raw", "rice", "10", "kg", None);
    s.ok(&at("htx-a", "2026-04-05", "batch.create", f)).await;
    let packing = |unit: &str, amount: &str| {
        json!({"process": "packing", "inputs": [{"batch": "a-raw", "amount": "10"}],
            "outputs": [{"batch": format!("a-pack-{unit}"),
                "product": {"category": "rice", "name": "Gạo túi 2 kg", "net": {"amount": "2", "unit": "kg"}},
                "quantity": {"amount": amount, "unit": unit}}]})
    };
    let (status, code) = s
        .refused(&at(
            "htx-a",
            "2026-04-06",
            "batch.transform",
            packing("kg", "10"),
        ))
        .await;
    assert_eq!((status, code.as_str()), (400, "bad_net"));
    s.ok(&at(
        "htx-a",
        "2026-04-06",
        "batch.transform",
        packing("piece", "5"),
    ))
    .await;
    let bag = s.json("/api/v1/batches/a-pack-piece").await;
    assert_eq!(
        bag["product"]["net"],
        json!({"amount": "2", "unit": "kg"}),
        "{bag}"
    );
}

/// Issue 15: digital transformation counts the organisations that signed
/// a statement themselves in the period: A yes; B only before it (its
/// member's statement is not its own); C and U never.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn digital_transformation_counts_who_signed_in_the_period() {
    let s = ledger().await;
    let r = s.json(&format!("/api/v1/linkage?{PERIOD}")).await;
    assert_eq!(digital(&r["digital"]["cooperatives"]), (3, 1, 0.333333));
    assert_eq!(digital(&r["digital"]["collective"]), (4, 1, 0.25));
    let p = &r["digital"]["cooperatives"]["progress"][0];
    assert_eq!(p["target"], 1.0);
    assert_eq!(p["needed"], 2);
    assert_eq!(p["met"], false);
    assert!(p.get("year").is_none(), "no year is set: {p}");
    assert_eq!(
        rows(&r["by_province"], "province", "collective"),
        [
            ("An Giang".to_owned(), (2, 0, 0.0)),
            ("Sóc Trăng".to_owned(), (1, 1, 1.0)),
            ("Đồng Tháp".to_owned(), (1, 0, 0.0)),
        ]
    );
    assert_eq!(
        rows(&r["by_category"], "category", "cooperatives"),
        [
            ("rice".to_owned(), (1, 1, 1.0)),
            ("fruit".to_owned(), (1, 0, 0.0)),
            ("ocop".to_owned(), (1, 1, 1.0)),
        ]
    );
    // March alone: B signed then.
    let march = s
        .json("/api/v1/linkage?from=2026-03-01&to=2026-03-31")
        .await;
    assert_eq!(digital(&march["digital"]["cooperatives"]), (3, 1, 0.333333));
    // The CSV and the CLI say the same; a target with a year can be set.
    let (_, csv) = s.get_text(&format!("/api/v1/linkage.csv?{PERIOD}")).await;
    let row = csv
        .lines()
        .find(|l| l.contains(",digital,,cooperatives,"))
        .expect("digital row");
    assert!(row.contains(",cooperatives,3,,0.333333,,,1,"), "{row}");
    assert!(row.contains(",1,0.666667,2,false,"), "{row}");
    let dir = s.stop().await;
    let data = dir.path().to_str().expect("path");
    let (code, out) = run_cli(&[
        "report",
        "linkage",
        "--data",
        data,
        "--from",
        "2026-04-01",
        "--to",
        "2026-06-30",
        "--target",
        "digital:2030=100%",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{out}");
    let r: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(r["digital"]["cooperatives"]["progress"][0]["year"], 2030);
    let (code, out) = run_cli(&[
        "report",
        "linkage",
        "--data",
        data,
        "--from",
        "2026-04-01",
        "--to",
        "2026-06-30",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Digital transformation"), "{out}");
    assert!(out.contains("100.0% short by 66.7 pts (2 more)"), "{out}");
}
