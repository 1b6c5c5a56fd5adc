//! `coop-ledger demo` serves a ready sample ledger that passes the audit:
//! every showcase lot has its buyer page, the rice bag's QR code decodes
//! (zbarimg, Debian `zbar-tools`) to its GS1 Digital Link, the recall
//! reaches the milled rice, and the linkage contract is active. Since issue
//! 13 it is a format-2 ledger on the 2025 map: a household that did not
//! consent has its name in no answer and no file, one that did is named.

mod common;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use common::{ChildServer, run_cli, zbarimg};
use coop_ledger::domain::places::{normalize_name, places};
use coop_ledger::domain::product::Gtin;
use coop_ledger::domain::statement::Role;
use coop_ledger::service::demo::{self, SampleActor};
use serde_json::Value;
use std::path::Path;

fn members() -> impl Iterator<Item = &'static SampleActor> {
    demo::ACTORS.iter().filter(|a| a.role == Role::Member)
}

/// Issue 13: member ids are opaque, `tv-` and ten base-32 characters,
/// none made from the household's name; every place is a province and
/// commune of the 2025 map (no district, no province that was merged away).
#[test]
fn the_sample_names_no_person_in_an_id_its_places_are_the_2025_map_and_its_gtin_checks() {
    let mut ids = std::collections::HashSet::new();
    for a in members() {
        let random = a.id.strip_prefix("tv-").expect("tv- id");
        assert_eq!(random.len(), 10, "{}", a.id);
        assert!(
            random
                .bytes()
                .all(|b| matches!(b, b'a'..=b'z' | b'2'..=b'7')),
            "{}",
            a.id
        );
        for word in normalize_name(a.name).split(' ').filter(|w| w.len() > 2) {
            assert!(!random.contains(word), "{} holds {word}", a.id);
        }
        assert!(ids.insert(a.id), "{} twice", a.id);
    }
    for a in demo::ACTORS {
        let region = demo::region(a).expect("a place of the 2025 map");
        assert!(region.district.is_none(), "{}", a.id);
        let place = region.place();
        for gone in ["Sóc Trăng", "Bắc Giang", "Thái Bình", "Bạc Liêu", "huyện"] {
            assert!(!place.contains(gone), "{}: {place}", a.id);
        }
        assert!(!place.chars().any(|c| c.is_ascii_digit()), "{place}");
    }
    assert!(Gtin::parse(&demo::rice_bag_gtin()).is_some());
    assert!(members().any(|a| !a.public));
    assert!(members().any(|a| a.public));
}

/// Every file under `dir` (recursively) that holds `needle`'s bytes.
fn files_holding(dir: &Path, needle: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).expect("read");
                if bytes.windows(needle.len()).any(|w| w == needle) {
                    found.push(path.display().to_string());
                }
            }
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_serves_sample_cooperatives_that_pass_a_live_audit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("demo").display().to_string();
    let server = tokio::task::spawn_blocking(move || {
        ChildServer::spawn(&["demo", "--listen", "127.0.0.1:0", "--data", data.as_str()])
    })
    .await
    .expect("spawn");
    let url = server.url.clone();
    let client = reqwest::Client::new();
    let get = |path: String| {
        let req = client.get(format!("{url}{path}"));
        async move { req.send().await.expect("get") }
    };
    let json = |path: String| {
        let resp = get(path);
        async move { resp.await.json::<Value>().await.expect("json") }
    };

    let coop = json("/api/v1/actors/htx-vai-phuong-nam".into()).await;
    assert_eq!(coop["name"], "HTX Vải thiều Phượng Nam");
    // A member household that did not consent is not named; one that did
    // is, by its disclosure.
    let (hidden, named): (Vec<&SampleActor>, Vec<&SampleActor>) =
        members().partition(|a| !a.public);
    for a in &hidden {
        let member = json(format!("/api/v1/actors/{}", a.id)).await;
        assert_eq!(member["role"], "member");
        assert_eq!(member["cooperative"], a.cooperative.expect("coop"));
        assert!(member["name"].is_null(), "{member}");
    }
    for a in &named {
        let member = json(format!("/api/v1/actors/{}", a.id)).await;
        assert_eq!(member["name"], a.name, "{member}");
    }
    assert!(
        hidden
            .iter()
            .any(|a| a.cooperative == Some(demo::APP_ACTOR))
    );
    // The log holds no name of a household that did not consent (nor of
    // one that did: names are commitments), and its places are the 2025
    // map's codes.
    let mut log = String::new();
    let mut start = 0;
    loop {
        let page = json(format!("/api/v1/entries?start={start}")).await;
        let entries = page["entries"].as_array().expect("entries");
        if entries.is_empty() {
            break;
        }
        for e in entries {
            let leaf = B64
                .decode(e["leaf"].as_str().expect("leaf"))
                .expect("base64");
            let leaf: Value = serde_json::from_slice(&leaf).expect("a leaf is JSON");
            log.push_str(leaf["statement"].as_str().expect("statement"));
            log.push('\n');
        }
        start += entries.len() as u64;
    }
    assert!(log.contains(r#""format":2"#), "a format-2 genesis");
    assert!(log.contains("actor.consent"), "consents are logged");
    let can_tho = places()
        .expect("places")
        .province_named("Cần Thơ")
        .expect("Cần Thơ");
    assert!(
        log.contains(&format!(r#""province":"{}""#, can_tho.code)),
        "Cần Thơ by its code"
    );
    for a in members() {
        assert!(!log.contains(a.name), "{} in the log", a.name);
    }
    for old in ["Sóc Trăng", "Bắc Giang", "Thái Bình", "Bạc Liêu", "huyện"] {
        assert!(!log.contains(old), "{old} in the log");
    }

    // Every showcase lot has its buyer page.
    for (id, what) in demo::SHOWCASE {
        let resp = get(format!("/b/{id}")).await;
        assert_eq!(resp.status().as_u16(), 200, "{id}: {what}");
        let kind = resp.headers()[reqwest::header::CONTENT_TYPE]
            .to_str()
            .expect("content type")
            .to_owned();
        assert!(kind.starts_with("text/html"), "{id}: {kind}");
        let body = resp.text().await.expect("body");
        assert!(body.contains(id), "{id}");
        for a in &hidden {
            assert!(!body.contains(a.name), "{id}: {}", a.name);
        }
    }

    // The rice bag: a computed GTIN, a QR code that decodes to its GS1
    // Digital Link, and that link opens its page. It came under the
    // contract to the rice company, which holds it.
    let bag = json(format!("/api/v1/batches/{}", demo::RICE_BAG)).await;
    let gtin = demo::rice_bag_gtin();
    assert_eq!(bag["product"]["gtin"], gtin.as_str());
    assert_eq!(bag["holder"], "dn-gao-viet-xanh");
    assert_eq!(bag["status"], "active");
    let link = format!("{url}/01/{gtin}/10/{}", demo::RICE_BAG);
    let png = get(format!("/b/{}/qr.png", demo::RICE_BAG))
        .await
        .bytes()
        .await
        .expect("png");
    let decoded = tokio::task::spawn_blocking(move || zbarimg(&png))
        .await
        .expect("zbarimg");
    assert_eq!(decoded, link);
    let page = client.get(&link).send().await.expect("digital link");
    assert_eq!(page.status().as_u16(), 200);
    let trace = json(format!("/api/v1/batches/{}/trace", demo::RICE_BAG)).await;
    let upstream: Vec<&str> = trace["upstream"]
        .as_array()
        .expect("upstream")
        .iter()
        .filter_map(|s| s["batch"].as_str())
        .collect();
    for paddy in ["GH-LUA-01", "GH-LUA-02", "GH-LUA-03"] {
        assert!(upstream.contains(&paddy), "{paddy} in {upstream:?}");
    }
    let contract = json(format!("/api/v1/contracts/{}", demo::CONTRACT)).await;
    assert_eq!(contract["state"]["state"], "active", "{contract}");
    // Its cooperatives show on the linkage figures (this year so far), the
    // rice cooperative linked through that contract.
    let linkage = json("/api/v1/linkage".into()).await;
    let coops = &linkage["cooperatives"];
    assert!(coops["registered"].as_u64() >= Some(2), "{linkage}");
    assert!(coops["by_contract"].as_u64() >= Some(1), "{linkage}");
    assert_eq!(get("/linkage".into()).await.status(), 200);
    // Issue 15: the 5 kg rice bags and the 2 kg lychee boxes give their net
    // content, so the volumes are in tonnes: 1902 × 5 kg, 680 × 2 kg.
    let all = json("/api/v1/linkage?from=2000-01-01".into()).await;
    let volume = |category: &str| -> Vec<(String, String)> {
        all["volume_to_business"]
            .as_array()
            .expect("volumes")
            .iter()
            .filter(|v| v["category"] == category)
            .map(|v| {
                (
                    v["amount"].as_str().expect("amount").to_owned(),
                    v["unit"].as_str().expect("unit").to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(
        volume("rice"),
        [("9.51".to_owned(), "t".to_owned())],
        "{all}"
    );
    assert_eq!(
        volume("fruit"),
        [("1.36".to_owned(), "t".to_owned())],
        "{all}"
    );
    assert_eq!(
        volume("seafood"),
        [("0.3855".to_owned(), "t".to_owned())],
        "{all}"
    );
    let page = get("/linkage?from=2000-01-01&lang=vi".into())
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("9,51 tấn"), "the dashboard shows rice in tấn");
    // The signing app is served, and the key the demo names for it exists.
    assert_eq!(get("/app/".into()).await.status(), 200);

    // The OCOP lychee boxes and the inspected shrimp.
    let lychee = json(format!("/api/v1/batches/{}", demo::LYCHEE_BOX)).await;
    assert_eq!(lychee["product"]["ocop_stars"], 4);
    assert!(lychee["product"]["gtin"].is_null(), "no invented GTIN");
    let shrimp = json(format!("/api/v1/batches/{}", demo::SHRIMP_LOT)).await;
    assert_eq!(shrimp["inspections"][0]["scheme"], "food-safety");
    assert_eq!(shrimp["holder"], "dn-thuy-san-mekong");

    // The recall of the paddy reached the rice milled from it.
    let recalled = json(format!("/api/v1/batches/{}", demo::RECALLED)).await;
    assert_eq!(recalled["status"], "recalled", "{recalled}");
    assert_eq!(recalled["recall"]["source"], demo::RECALL_SOURCE);

    let (code, out) = tokio::task::spawn_blocking(move || run_cli(&["audit", "--server", &url]))
        .await
        .expect("audit");
    assert_eq!(code, 0, "{out}");
    tokio::task::spawn_blocking(move || server.terminate())
        .await
        .expect("stop");
    // No file under the data directory holds the name of a household that
    // did not consent, in any form (its key folder included); the names
    // that were disclosed are kept.
    let data = dir.path().join("demo");
    for a in &hidden {
        let person = a.name.split_once(' ').map_or(a.name, |(_, rest)| rest);
        let person = person.split_once(' ').map_or(person, |(_, rest)| rest);
        for needle in [a.name.to_owned(), person.to_owned(), nfd(person)] {
            let found = files_holding(&data, needle.as_bytes());
            assert!(found.is_empty(), "{needle:?} in {found:?}");
        }
    }
    for a in &named {
        assert!(
            !files_holding(&data, a.name.as_bytes()).is_empty(),
            "{}",
            a.name
        );
    }
    // Keys were written for every sample actor, private to the owner.
    use std::os::unix::fs::PermissionsExt as _;
    for a in demo::ACTORS {
        let key = std::fs::metadata(dir.path().join(format!("demo/keys/{}.pem", a.id)))
            .expect("key file");
        assert_eq!(key.permissions().mode() & 0o777, 0o600, "{}", a.id);
    }
    // The key the demo names for the phone app is a cooperative's.
    assert!(
        demo::ACTORS
            .iter()
            .any(|a| a.id == demo::APP_ACTOR && a.role == Role::Cooperative)
    );
}

/// `text` in Unicode NFD, the other way a name may be stored.
fn nfd(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization as _;
    text.nfd().collect()
}
