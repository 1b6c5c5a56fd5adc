//! Value-chain linkage figures (spec §9, issue 5) on a ledger built with
//! a known answer: five cooperatives in the second quarter of 2026, three of
//! them linked with a business by different routes, two not, plus the cases
//! that must not count (registered after the period, revoked in it, a
//! shipment accepted before the period, a shipment refused, a contract never
//! accepted). The API, the CSV and the CLI must all give 5, 3, 60%.

mod common;

use common::*;
use coop_ledger::domain::envelope::Envelope;
use coop_ledger::domain::keys::PublicKey;
use coop_ledger::domain::places::{Province, places};
use coop_ledger::domain::privacy::{Salt, name_commit};
use coop_ledger::domain::statement::LedgerFormat;
use serde_json::{Value, json};

/// The quarter the figures are asked for.
const FROM: &str = "2026-04-01";
const TO: &str = "2026-06-30";

/// Every actor of the scenario: id, role, province, cooperative, key number.
const ACTORS: &[(&str, &str, &str, Option<&str>, u32)] = &[
    ("htx-a", "cooperative", "Sóc Trăng", None, 301),
    ("htx-b", "cooperative", "Sóc Trăng", None, 302),
    ("htx-c", "cooperative", "An Giang", None, 303),
    ("htx-d", "cooperative", "An Giang", None, 304),
    ("htx-e", "cooperative", "Đồng Tháp", None, 305),
    ("lh-u", "union", "Đồng Tháp", None, 306),
    ("htx-late", "cooperative", "Sóc Trăng", None, 307),
    ("htx-gone", "cooperative", "An Giang", None, 308),
    ("dn-1", "business", "Hà Nội", None, 309),
    ("tv-b-01", "member", "Sóc Trăng", Some("htx-b"), 310),
    ("tv-c-01", "member", "An Giang", Some("htx-c"), 311),
    ("tv-d-01", "member", "An Giang", Some("htx-d"), 312),
];

fn key_no(id: &str) -> u32 {
    ACTORS
        .iter()
        .find(|a| a.0 == id)
        .unwrap_or_else(|| panic!("{id} is not in the scenario"))
        .4
}

/// A statement by `by` dated `at` (Vietnam time), signed with its key.
fn at(by: &str, when: &str, kind: &str, mut fields: Value) -> Envelope {
    fields["at"] = json!(format!("{when}T08:00:00+07:00"));
    let key = if by == REGISTRAR {
        registrar_key()
    } else {
        key(key_no(by))
    };
    Envelope::sign(statement(kind, by, fields), &key)
}

fn create(batch: &str, category: &str, kg: &str, producer: Option<&str>) -> Value {
    let mut f = json!({
        "batch": batch,
        "product": {"category": category, "name": format!("Lô {batch}")},
        "quantity": {"amount": kg, "unit": "kg"},
        "origin": {"place": "Đồng bằng sông Cửu Long"},
    });
    if let Some(p) = producer {
        f["producer"] = json!(p);
    }
    f
}

fn ship(batch: &str, to: &str) -> Value {
    json!({"batch": batch, "to": to})
}

fn receive(batch: &str, accepted: bool) -> Value {
    json!({"batch": batch, "accepted": accepted})
}

fn offer(contract: &str, coop: &str, category: &str, from: &str, to: &str) -> Value {
    json!({"contract": contract, "cooperative": coop, "business": "dn-1",
        "product_category": category, "from": from, "to": to,
        "volume": {"amount": "10000", "unit": "kg"}})
}

/// How the scenario writes its provinces (and its members' names).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Spelling {
    /// A format-1 ledger with the provinces of [`ACTORS`], some of them
    /// names from before the 2025 map (`Sóc Trăng`).
    Old,
    /// A format-1 ledger with every province spelled as a 2025 province
    /// ([`NOW`]): as the map writes it, or without its division type.
    Names2025,
    /// A format-2 ledger: the same provinces as GSO codes, members'
    /// names as commitments.
    Codes2025,
}

/// Each province of [`ACTORS`] on the 2025 map, spelled as a format-1
/// ledger might: Sóc Trăng is part of Cần Thơ since 1 July 2025.
const NOW: &[(&str, &str)] = &[
    ("Sóc Trăng", "Cần Thơ"),
    ("An Giang", "An Giang"),
    ("Đồng Tháp", "Đồng Tháp"),
    ("Hà Nội", "Thành phố Hà Nội"),
];

/// `province` of [`ACTORS`] on the 2025 map: its name as [`NOW`] spells it.
fn name_2025(province: &str) -> &'static str {
    NOW.iter()
        .find(|(old, _)| *old == province)
        .unwrap_or_else(|| panic!("{province} is not in NOW"))
        .1
}

/// The 2025 province `name` names, found in the map by name.
fn province_2025(name: &str) -> &'static Province {
    places()
        .expect("places")
        .province_named(name)
        .unwrap_or_else(|| panic!("{name} is not a 2025 province"))
}

/// The scenario's `actor.register` fields for `id`, spelled `spelling`.
fn registration(
    spelling: Spelling,
    id: &str,
    role: &str,
    province: &str,
    coop: Option<&str>,
    n: u32,
) -> Value {
    let name = format!("Tên {id}");
    let province = match spelling {
        Spelling::Old => province.to_owned(),
        Spelling::Names2025 => name_2025(province).to_owned(),
        Spelling::Codes2025 => province_2025(name_2025(province)).code.to_string(),
    };
    let mut f = json!({"id": id, "role": role, "name": name,
        "key": PublicKey::from(key(n).verifying_key()).to_string(),
        "region": {"province": province}});
    if let Some(c) = coop {
        f["cooperative"] = json!(c);
    }
    if spelling == Spelling::Codes2025 && role == "member" {
        let salt = Salt([u8::try_from(n % 256).expect("byte"); 32]);
        f["name_commit"] = json!(name_commit(&salt, &name).to_string());
        f.as_object_mut().expect("fields").remove("name");
    }
    f
}

/// A fresh ledger of the format `spelling` needs, served.
async fn server_for(spelling: Spelling) -> TestServer {
    let format = match spelling {
        Spelling::Old | Spelling::Names2025 => LedgerFormat::V1,
        Spelling::Codes2025 => LedgerFormat::V2,
    };
    let dir = tempfile::tempdir().expect("tempdir");
    init_ledger_in(dir.path(), format);
    TestServer::serve_dir(dir, Default::default()).await
}

/// The scenario, through the real API.
async fn known_ledger() -> TestServer {
    known_ledger_as(Spelling::Old).await
}

/// The scenario with its provinces spelled `spelling`.
async fn known_ledger_as(spelling: Spelling) -> TestServer {
    let s = server_for(spelling).await;
    for (id, role, province, coop, n) in ACTORS {
        let when = if *id == "htx-late" {
            "2026-08-01"
        } else {
            "2026-01-05"
        };
        let f = registration(spelling, id, role, province, *coop, *n);
        s.ok(&at(REGISTRAR, when, "actor.register", f)).await;
    }
    // A: linked through a contract for March–April, accepted in February.
    s.ok(&at(
        "dn-1",
        "2026-02-01",
        "contract.offer",
        offer("hd-a", "htx-a", "rice", "2026-03-01", "2026-04-30"),
    ))
    .await;
    s.ok(&at(
        "htx-a",
        "2026-02-10",
        "contract.accept",
        json!({"contract": "hd-a"}),
    ))
    .await;
    // B: a member's paddy goes through the cooperative to the business in May.
    s.ok(&at(
        "tv-b-01",
        "2026-04-02",
        "batch.create",
        create("lua-b-01", "rice", "1200", None),
    ))
    .await;
    s.ok(&at(
        "tv-b-01",
        "2026-04-03",
        "batch.ship",
        ship("lua-b-01", "htx-b"),
    ))
    .await;
    s.ok(&at(
        "htx-b",
        "2026-04-04",
        "batch.receive",
        receive("lua-b-01", true),
    ))
    .await;
    s.ok(&at(
        "htx-b",
        "2026-05-10",
        "batch.ship",
        ship("lua-b-01", "dn-1"),
    ))
    .await;
    s.ok(&at(
        "dn-1",
        "2026-05-11",
        "batch.receive",
        receive("lua-b-01", true),
    ))
    .await;
    // C: both routes, a contract from April and a delivery under it in June;
    // a second delivery in July is outside the quarter.
    s.ok(&at(
        "htx-c",
        "2026-03-15",
        "contract.offer",
        offer("hd-c", "htx-c", "fruit", "2026-04-01", "2026-12-31"),
    ))
    .await;
    s.ok(&at(
        "dn-1",
        "2026-03-20",
        "contract.accept",
        json!({"contract": "hd-c"}),
    ))
    .await;
    s.ok(&at(
        "htx-c",
        "2026-06-01",
        "batch.create",
        create("xoai-c-01", "fruit", "300", Some("tv-c-01")),
    ))
    .await;
    s.ok(&at(
        "htx-c",
        "2026-06-02",
        "batch.ship",
        json!({"batch": "xoai-c-01", "to": "dn-1", "contract": "hd-c"}),
    ))
    .await;
    s.ok(&at(
        "dn-1",
        "2026-06-03",
        "batch.receive",
        receive("xoai-c-01", true),
    ))
    .await;
    s.ok(&at(
        "htx-c",
        "2026-07-01",
        "batch.create",
        create("xoai-c-02", "fruit", "500", None),
    ))
    .await;
    s.ok(&at(
        "htx-c",
        "2026-07-02",
        "batch.ship",
        ship("xoai-c-02", "dn-1"),
    ))
    .await;
    s.ok(&at(
        "dn-1",
        "2026-07-05",
        "batch.receive",
        receive("xoai-c-02", true),
    ))
    .await;
    // D: not linked. It ships only to another cooperative; the one lot it
    // sends a business is refused.
    s.ok(&at(
        "htx-d",
        "2026-04-10",
        "batch.create",
        create("lua-d-01", "rice", "800", Some("tv-d-01")),
    ))
    .await;
    s.ok(&at(
        "htx-d",
        "2026-04-11",
        "batch.ship",
        ship("lua-d-01", "htx-a"),
    ))
    .await;
    s.ok(&at(
        "htx-a",
        "2026-04-12",
        "batch.receive",
        receive("lua-d-01", true),
    ))
    .await;
    s.ok(&at(
        "htx-d",
        "2026-05-19",
        "batch.create",
        create("lua-d-02", "rice", "100", Some("tv-d-01")),
    ))
    .await;
    s.ok(&at(
        "htx-d",
        "2026-05-19",
        "batch.ship",
        ship("lua-d-02", "dn-1"),
    ))
    .await;
    s.ok(&at(
        "dn-1",
        "2026-05-20",
        "batch.receive",
        receive("lua-d-02", false),
    ))
    .await;
    // E: not linked. Its contract offer is never accepted, and the business
    // took its oranges in March, before the quarter.
    s.ok(&at(
        "htx-e",
        "2026-02-01",
        "contract.offer",
        offer("hd-e", "htx-e", "fruit", "2026-01-01", "2026-12-31"),
    ))
    .await;
    s.ok(&at(
        "htx-e",
        "2026-03-01",
        "batch.create",
        create("cam-e-01", "fruit", "50", None),
    ))
    .await;
    s.ok(&at(
        "htx-e",
        "2026-03-01",
        "batch.ship",
        ship("cam-e-01", "dn-1"),
    ))
    .await;
    s.ok(&at(
        "dn-1",
        "2026-03-20",
        "batch.receive",
        receive("cam-e-01", true),
    ))
    .await;
    // Revoked in May: linked in April, but not registered at the quarter's end.
    s.ok(&at(
        "htx-gone",
        "2026-04-14",
        "batch.create",
        create("rau-g-01", "vegetable", "40", None),
    ))
    .await;
    s.ok(&at(
        "htx-gone",
        "2026-04-14",
        "batch.ship",
        ship("rau-g-01", "dn-1"),
    ))
    .await;
    s.ok(&at(
        "dn-1",
        "2026-04-15",
        "batch.receive",
        receive("rau-g-01", true),
    ))
    .await;
    s.ok(&at(
        REGISTRAR,
        "2026-05-01",
        "actor.revoke",
        json!({"id": "htx-gone", "reason": "giải thể"}),
    ))
    .await;
    s
}

fn counts(figure: &Value) -> (u64, u64, f64) {
    (
        figure["registered"].as_u64().expect("registered"),
        figure["linked"].as_u64().expect("linked"),
        figure["share"].as_f64().expect("share"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_cooperatives_three_linked_by_different_routes_is_sixty_percent() {
    let s = known_ledger().await;
    let r = s
        .json(&format!("/api/v1/linkage?from={FROM}&to={TO}"))
        .await;
    assert_eq!(
        (r["from"].as_str(), r["to"].as_str()),
        (Some(FROM), Some(TO))
    );
    assert_eq!(counts(&r["cooperatives"]), (5, 3, 0.6));
    assert_eq!(r["cooperatives"]["by_contract"], 2, "A and C");
    assert_eq!(r["cooperatives"]["by_shipment"], 2, "B and C");
    // The union counts among collective organisations, not linked.
    assert_eq!(counts(&r["collective"]), (6, 3, 0.5));

    // Against the plan targets: 60% by 2030 is met, 85% by 2045 is 2 short.
    let progress = &r["cooperatives"]["progress"];
    assert_eq!(progress[0]["year"], 2030);
    assert_eq!(progress[0]["met"], true);
    assert_eq!(progress[1]["year"], 2045);
    assert_eq!(progress[1]["target"], 0.85);
    assert_eq!(progress[1]["gap"], 0.25);
    assert_eq!(progress[1]["needed"], 2);
    assert_eq!(r["collective"]["progress"][0]["target"], 0.55);
    assert_eq!(r["collective"]["progress"][0]["needed"], 1);

    assert_eq!(
        province_rows(&r),
        [
            ("An Giang".to_owned(), (2, 1, 0.5)),
            ("Sóc Trăng".to_owned(), (2, 2, 1.0)),
            ("Đồng Tháp".to_owned(), (1, 0, 0.0)),
        ]
    );
    let by_category: Vec<(String, (u64, u64, f64))> = r["by_category"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|c| {
            (
                c["category"].as_str().expect("category").to_owned(),
                counts(&c["cooperatives"]),
            )
        })
        .collect();
    assert_eq!(
        by_category,
        [
            ("rice".to_owned(), (3, 2, 0.666667)),
            ("fruit".to_owned(), (2, 1, 0.5)),
        ]
    );
    // April still counts the cooperative revoked in May, linked by its
    // April delivery.
    let months: Vec<(String, u64, u64)> = r["by_month"]
        .as_array()
        .expect("months")
        .iter()
        .map(|m| {
            let (reg, linked, _) = counts(&m["cooperatives"]);
            (m["month"].as_str().expect("month").to_owned(), reg, linked)
        })
        .collect();
    assert_eq!(
        months,
        [
            ("2026-04".to_owned(), 6, 3),
            ("2026-05".to_owned(), 5, 2),
            ("2026-06".to_owned(), 5, 1),
        ]
    );
    let m = &r["members_reaching_business"];
    assert_eq!(
        (m["reached"].as_u64(), m["registered"].as_u64()),
        (Some(2), Some(3))
    );
    // Issue 15: in the unit of the category, tonnes for rice and fruit.
    assert_eq!(
        r["volume_to_business"],
        json!([
            {"category": "rice", "unit": "t", "amount": "1.2", "deliveries": 1},
            {"category": "fruit", "unit": "t", "amount": "0.3", "deliveries": 1},
        ])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_shows_five_three_and_sixty_percent_in_both_languages() {
    let s = known_ledger().await;
    for (lang, percent) in [("vi", "60%"), ("en", "60%")] {
        let (status, html) = s
            .get_text(&format!("/linkage?from={FROM}&to={TO}&lang={lang}"))
            .await;
        assert_eq!(status, 200);
        assert_eq!(dashboard_figure(&html, "cooperatives-registered"), "5");
        assert_eq!(dashboard_figure(&html, "cooperatives-linked"), "3");
        assert_eq!(
            dashboard_figure(&html, "cooperatives-share")
                .parse::<f64>()
                .ok(),
            Some(0.6)
        );
        assert!(html.contains(percent), "{lang}: the share as a percentage");
        assert_eq!(dashboard_figure(&html, "collective-registered"), "6");
        assert_eq!(dashboard_figure(&html, "members-reached"), "2");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_by_province_and_category_and_refuses_bad_periods() {
    let s = known_ledger().await;
    let rice = s
        .json(&format!(
            "/api/v1/linkage?from={FROM}&to={TO}&category=rice"
        ))
        .await;
    assert_eq!(counts(&rice["cooperatives"]), (3, 2, 0.666667));
    assert_eq!(rice["volume_to_business"].as_array().map(Vec::len), Some(1));
    // Province names compare ignoring case.
    let an_giang = s
        .json(&format!(
            "/api/v1/linkage?from={FROM}&to={TO}&province=an%20giang"
        ))
        .await;
    assert_eq!(counts(&an_giang["cooperatives"]), (2, 1, 0.5));
    assert_eq!(an_giang["members_reaching_business"]["reached"], 1);

    for (query, code) in [
        ("from=2026-07-01&to=2026-06-30", "dates_reversed"),
        ("from=2026-13-01&to=2026-06-30", "bad_date"),
        ("from=1990-01-01&to=2026-06-30", "bad_report_period"),
        ("category=durian", "bad_category"),
    ] {
        let (status, body) = s.get(&format!("/api/v1/linkage?{query}&lang=en")).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (400, Some(code)),
            "{query}"
        );
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let (status, body) = s.get("/api/v1/linkage?from=2026-07-01&to=2026-06-30").await;
    assert_eq!(status, 400);
    assert!(
        body["message"]
            .as_str()
            .expect("message")
            .contains("kết thúc trước khi bắt đầu")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_csv_and_the_cli_report_the_same_figures_live_and_from_a_stopped_ledger() {
    let s = known_ledger().await;
    let (status, csv) = s
        .get_text(&format!("/api/v1/linkage.csv?from={FROM}&to={TO}"))
        .await;
    assert_eq!(status, 200);
    let total = csv
        .lines()
        .find(|l| l.contains(",total,,cooperatives,"))
        .expect("total row");
    assert!(
        total.starts_with(&format!(
            "{FROM},{TO},total,,cooperatives,5,3,0.6,2,2,,0.6,0,0,true,0.85,0.25,2,false"
        )),
        "{total}"
    );
    assert!(csv.contains(",volume,rice,to_business,"), "{csv}");

    let api = s
        .json(&format!("/api/v1/linkage?from={FROM}&to={TO}"))
        .await;
    let (code, out) = run_cli(&[
        "report", "linkage", "--server", &s.url, "--from", FROM, "--to", TO, "--format", "json",
    ]);
    assert_eq!(code, 0, "{out}");
    let cli: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(cli, api);
    let (code, out) = run_cli(&[
        "report", "linkage", "--server", &s.url, "--from", FROM, "--to", TO, "--format", "csv",
    ]);
    assert_eq!((code, out.as_str()), (0, csv.as_str()));

    // From the stopped ledger's own data: the index is rebuilt from the
    // stored facts, and targets can be set.
    let dir = s.stop().await;
    let data = dir.path().to_str().expect("path");
    let (code, out) = run_cli(&[
        "report", "linkage", "--data", data, "--from", FROM, "--to", TO,
    ]);
    assert_eq!(code, 0, "{out}");
    let line = out
        .lines()
        .find(|l| l.trim_start().starts_with("cooperatives "))
        .expect("cooperatives line");
    let cells: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(cells[..4], ["cooperatives", "5", "3", "60.0%"], "{out}");
    assert!(line.contains("2030: 60.0% met"), "{line}");
    assert!(
        line.contains("2045: 85.0% short by 25.0 pts (2 more)"),
        "{line}"
    );
    let (code, out) = run_cli(&[
        "report",
        "linkage",
        "--data",
        data,
        "--from",
        FROM,
        "--to",
        TO,
        "--format",
        "json",
        "--target",
        "cooperatives:2030=70%",
    ]);
    assert_eq!(code, 0, "{out}");
    let r: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(counts(&r["cooperatives"]), (5, 3, 0.6));
    assert_eq!(r["cooperatives"]["progress"][0]["target"], 0.7);
    assert_eq!(r["cooperatives"]["progress"][0]["needed"], 1);
    let (code, out) = run_cli(&[
        "report",
        "linkage",
        "--data",
        data,
        "--target",
        "towns:2030=1",
    ]);
    assert_ne!(code, 0);
    assert!(out.contains("GROUP:YEAR=SHARE"), "{out}");
}

/// Regression (issue 5): a ledger whose views were written before the
/// linkage facts existed (no `l` keyspace, no views version) is rebuilt
/// from its leaves when it opens, so its figures are complete at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn views_from_an_older_version_are_rebuilt_on_open_with_the_linkage_facts() {
    let s = known_ledger().await;
    let query = format!("/api/v1/linkage?from={FROM}&to={TO}");
    let before = s.json(&query).await;
    let dir = s.stop().await;
    {
        let db = sled::open(dir.path().join("views")).expect("views");
        let views = db.open_tree("views").expect("tree");
        let old: Vec<_> = views
            .iter()
            .keys()
            .map(|k| k.expect("key"))
            .filter(|k| k.first() == Some(&b'l') || &k[..] == b"mversion")
            .collect();
        assert!(old.len() > 20, "the facts were stored: {}", old.len());
        for k in old {
            views.remove(k).expect("remove");
        }
        db.flush().expect("flush");
    }
    let s = TestServer::serve_dir(dir, Default::default()).await;
    assert_eq!(s.json(&query).await, before);
    assert_eq!(counts(&s.json(&query).await["cooperatives"]), (5, 3, 0.6));
}

/// The figures' rows by province, `(name, (registered, linked, share))` of
/// cooperatives.
fn province_rows(r: &Value) -> Vec<(String, (u64, u64, f64))> {
    r["by_province"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|p| {
            (
                p["province"].as_str().expect("name").to_owned(),
                counts(&p["cooperatives"]),
            )
        })
        .collect()
}

/// Issue 13: linkage figures by province code equal the old figures on a
/// ledger whose provinces were all spelled right. The same actors,
/// contracts and shipments on a format-1 ledger whose provinces are 2025
/// names and on a format-2 ledger whose provinces are codes give the same
/// report (JSON and CSV, totals and every province, with and without a
/// province filter); and those figures are the figures of the ledger with
/// the old names, each old province's row now named by the 2025 map.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn linkage_figures_by_province_code_equal_the_old_figures_on_a_ledger_whose_provinces_were_all_spelled_right()
 {
    let (old, names, codes) = (
        known_ledger_as(Spelling::Old).await,
        known_ledger_as(Spelling::Names2025).await,
        known_ledger_as(Spelling::Codes2025).await,
    );
    let period = format!("from={FROM}&to={TO}");
    let report = format!("/api/v1/linkage?{period}");
    let (by_name, by_code) = (names.json(&report).await, codes.json(&report).await);
    assert_eq!(by_name, by_code);
    let (status, csv_by_name) = names
        .get_text(&format!("/api/v1/linkage.csv?{period}"))
        .await;
    assert_eq!(status, 200);
    let (status, csv_by_code) = codes
        .get_text(&format!("/api/v1/linkage.csv?{period}"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(csv_by_name, csv_by_code);

    // One row per province, named by the map, with the figures of the
    // old ledger's rows.
    let before = old.json(&report).await;
    for part in [
        "cooperatives",
        "collective",
        "by_category",
        "by_month",
        "members_reaching_business",
        "volume_to_business",
    ] {
        assert_eq!(before[part], by_code[part], "{part}");
    }
    let mut renamed: Vec<(String, (u64, u64, f64))> = province_rows(&before)
        .into_iter()
        .map(|(name, figures)| (province_2025(name_2025(&name)).name.to_owned(), figures))
        .collect();
    renamed.sort_by(|a, b| a.0.cmp(&b.0));
    let mut rows = province_rows(&by_code);
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(rows, renamed);
    assert_eq!(
        province_rows(&by_code),
        [
            ("An Giang".to_owned(), (2, 1, 0.5)),
            ("Thành phố Cần Thơ".to_owned(), (2, 2, 1.0)),
            ("Đồng Tháp".to_owned(), (1, 0, 0.0)),
        ]
    );
    assert!(
        !csv_by_code.contains(",province,92,"),
        "rows are named, not coded"
    );
    assert!(csv_by_code.contains(",province,Thành phố Cần Thơ,cooperatives,2,2,1,"));

    // The province filter takes a code or a name, on either ledger, and
    // gives the old ledger's figures for the old name.
    let can_tho = province_2025("Cần Thơ");
    let filtered = |p: &str| format!("/api/v1/linkage?{period}&province={p}");
    let by_old_name = old.json(&filtered("S%C3%B3c%20Tr%C4%83ng")).await;
    for (server, filter) in [
        (&codes, can_tho.code.to_string()),
        (&codes, "c%E1%BA%A7n%20th%C6%A1".to_owned()),
        (&names, can_tho.code.to_string()),
        (
            &names,
            "Th%C3%A0nh%20ph%E1%BB%91%20C%E1%BA%A7n%20Th%C6%A1".to_owned(),
        ),
    ] {
        let r = server.json(&filtered(&filter)).await;
        assert_eq!(r["province"], "Thành phố Cần Thơ", "{filter}");
        assert_eq!(counts(&r["cooperatives"]), (2, 2, 1.0), "{filter}");
        for part in [
            "cooperatives",
            "collective",
            "by_month",
            "volume_to_business",
        ] {
            assert_eq!(r[part], by_old_name[part], "{filter}: {part}");
        }
        let (status, csv) = server
            .get_text(&format!("/api/v1/linkage.csv?{period}&province={filter}"))
            .await;
        assert_eq!(status, 200);
        assert!(
            csv.contains(&format!("{FROM},{TO},total,,cooperatives,2,2,1,")),
            "{csv}"
        );
    }
    // So does the command line's `--province`.
    let code = can_tho.code.to_string();
    let (status, out) = run_cli(&[
        "report",
        "linkage",
        "--server",
        &codes.url,
        "--from",
        FROM,
        "--to",
        TO,
        "--province",
        &code,
        "--format",
        "json",
    ]);
    assert_eq!(status, 0, "{out}");
    let cli: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(cli, codes.json(&filtered(&code)).await);
}

/// Issue 13: on a format-1 ledger, two spellings of one 2025 province
/// (with and without its division type) are one row, named by the map; an
/// old province name stays a row of its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_spellings_of_one_province_on_a_format_1_ledger_are_one_row() {
    let s = server_for(Spelling::Old).await;
    for (id, province, n) in [
        ("htx-ct-1", "Cần Thơ", 401),
        ("htx-ct-2", "Thành phố Cần Thơ", 402),
        ("htx-st-1", "Sóc Trăng", 403),
    ] {
        let f = json!({"id": id, "role": "cooperative", "name": format!("Tên {id}"),
            "key": PublicKey::from(key(n).verifying_key()).to_string(),
            "region": {"province": province}});
        s.ok(&Envelope::sign(
            statement("actor.register", REGISTRAR, f),
            &registrar_key(),
        ))
        .await;
    }
    let r = s.json("/api/v1/linkage").await;
    assert_eq!(
        province_rows(&r),
        // In name order: a city by its own name (Cần Thơ before Sóc Trăng).
        [
            ("Thành phố Cần Thơ".to_owned(), (2, 0, 0.0)),
            ("Sóc Trăng".to_owned(), (1, 0, 0.0)),
        ]
    );
    let (status, csv) = s.get_text("/api/v1/linkage.csv").await;
    assert_eq!(status, 200);
    let rows: Vec<&str> = csv
        .lines()
        .filter(|l| l.contains(",province,") && l.contains(",cooperatives,"))
        .collect();
    assert_eq!(rows.len(), 2, "{csv}");
    let (status, html) = s.get_text("/linkage").await;
    assert_eq!(status, 200);
    assert!(html.contains("Thành phố Cần Thơ"));
    assert!(!html.contains(">Cần Thơ<"), "no row of its own");
}
