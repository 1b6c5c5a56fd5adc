//! A whole value chain through the real server (issue 3): a member's
//! lychee harvest goes to its cooperative, is dried and packed, is sold to
//! a business under an accepted linkage contract, is inspected, and is
//! recalled at the source; the recall reaches the business's batch, a
//! correction is shown, the trace answers both ways with ledger indices,
//! and `audit --server` replays every rule and passes. Part of the chain is
//! signed offline with `coop-ledger sign` and sent with `coop-ledger submit`.

mod common;

use common::cast::*;
use common::*;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

fn write_json(dir: &Path, name: &str, v: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(v).expect("json") + "\n").expect("write");
    path
}

/// `coop-ledger submit --server URL --key KEY --lang en FILES...`.
async fn submit(url: &str, key: &Path, files: Vec<String>) -> (i32, String) {
    let mut args: Vec<String> = vec![
        "submit".into(),
        "--server".into(),
        url.to_owned(),
        "--key".into(),
        key.display().to_string(),
        "--lang".into(),
        "en".into(),
    ];
    args.extend(files);
    cli(args).await
}

fn steps_of(trace: &Value, side: &str) -> Vec<(String, String, u64)> {
    trace[side]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| {
            (
                s["batch"].as_str().expect("batch").to_owned(),
                s["type"].as_str().expect("type").to_owned(),
                s["index"].as_u64().expect("index"),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_harvest_travels_from_member_to_business_and_a_recall_follows_it() {
    let server = TestServer::with_cast().await;
    let files = tempfile::tempdir().expect("tempdir");
    let f = files.path();

    // 1. Offline: the member household signs its harvest on its phone.
    let member_key = pem(f, MEMBER);
    let create = write_json(
        f,
        "harvest.json",
        &serde_json::from_str::<Value>(&statement(
            "batch.create",
            MEMBER,
            lychee("vai-hg01-0610", "1200"),
        ))
        .expect("json"),
    );
    let (code, envelope) = cli(vec![
        "sign".into(),
        "--key".into(),
        member_key.display().to_string(),
        create.display().to_string(),
    ])
    .await;
    assert_eq!(code, 0, "{envelope}");
    let signed_file = f.join("harvest.envelope.json");
    std::fs::write(&signed_file, envelope.trim()).expect("write envelope");
    // A statement any ledger would refuse is caught before it is signed.
    let mut bad = lychee("vai-bad", "1200");
    bad["quantity"]["amount"] = json!("1.200,5");
    let bad = write_json(
        f,
        "bad.json",
        &serde_json::from_str::<Value>(&statement("batch.create", MEMBER, bad)).expect("json"),
    );
    let (code, out) = cli(vec![
        "sign".into(),
        "--key".into(),
        member_key.display().to_string(),
        bad.display().to_string(),
    ])
    .await;
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("bad_amount") || out.contains("Số lượng"),
        "{out}"
    );

    // 2. Later, with a connection: submit the envelope, and the shipment to
    //    the cooperative signed on the spot.
    let ship = write_json(
        f,
        "ship.json",
        &serde_json::from_str::<Value>(&statement(
            "batch.ship",
            MEMBER,
            json!({"batch": "vai-hg01-0610", "to": COOP}),
        ))
        .expect("json"),
    );
    let (code, out) = submit(
        &server.url,
        &member_key,
        vec![
            signed_file.display().to_string(),
            ship.display().to_string(),
        ],
    )
    .await;
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.matches("inclusion proof verified").count(), 2, "{out}");
    assert!(out.contains("2 of 2 logged"), "{out}");
    // Sending the same envelope again is harmless: the ledger names the
    // first index. Shipping again is refused with the rule's code.
    let (code, out) = submit(
        &server.url,
        &member_key,
        vec![
            signed_file.display().to_string(),
            write_json(
                f,
                "ship-again.json",
                &serde_json::from_str::<Value>(&statement(
                    "batch.ship",
                    MEMBER,
                    json!({"batch": "vai-hg01-0610", "to": COOP, "nonce": "again"}),
                ))
                .expect("json"),
            )
            .display()
            .to_string(),
        ],
    )
    .await;
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("already logged as leaf 11"), "{out}");
    assert!(
        out.contains("REFUSED 409 batch_in_transit: The batch is on its way"),
        "{out}"
    );

    // 3. The cooperative receives, dries and packs under its GTIN.
    server
        .ok(&signed(
            COOP,
            "batch.receive",
            json!({"batch": "vai-hg01-0610", "accepted": true}),
        ))
        .await;
    server
        .ok(&signed(
            COOP,
            "batch.transform",
            json!({"process": "drying", "inputs": [{"batch": "vai-hg01-0610", "amount": "1200"}],
                   "outputs": [{"batch": "vai-say-0612", "product": {"category": "fruit", "name": "Vải thiều sấy"}, "quantity": {"amount": "300", "unit": "kg"}}]}),
        ))
        .await;
    let pack = server
        .ok(&signed(
            COOP,
            "batch.transform",
            json!({"process": "packing", "inputs": [{"batch": "vai-say-0612", "amount": "300"}],
                   "outputs": [{"batch": "vai-hop-0615", "product": {"category": "ocop", "name": "Vải thiều sấy hộp 500 g", "gtin": "08935049501503", "ocop_stars": 4}, "quantity": {"amount": "600", "unit": "box"}}]}),
        ))
        .await;

    // 4. A linkage contract, then delivery under it.
    server
        .ok(&signed(BUSINESS, "contract.offer", json!({"contract": "hd-vai-2026", "cooperative": COOP, "business": BUSINESS, "product_category": "ocop", "from": day(-5), "to": day(180), "volume": {"amount": "5000", "unit": "box"}})))
        .await;
    server
        .ok(&signed(
            COOP,
            "contract.accept",
            json!({"contract": "hd-vai-2026"}),
        ))
        .await;
    server
        .ok(&signed(
            COOP,
            "batch.ship",
            json!({"batch": "vai-hop-0615", "to": BUSINESS, "contract": "hd-vai-2026"}),
        ))
        .await;
    server
        .ok(&signed(
            BUSINESS,
            "batch.receive",
            json!({"batch": "vai-hop-0615", "accepted": true}),
        ))
        .await;
    server
        .ok(&signed(BUSINESS, "batch.transform", json!({"process": "split", "inputs": [{"batch": "vai-hop-0615", "amount": "600"}],
            "outputs": [
                {"batch": "vai-hop-0615-hn", "product": {"category": "ocop", "name": "Vải thiều sấy hộp 500 g"}, "quantity": {"amount": "400", "unit": "box"}},
                {"batch": "vai-hop-0615-hcm", "product": {"category": "ocop", "name": "Vải thiều sấy hộp 500 g"}, "quantity": {"amount": "200", "unit": "box"}}]})))
        .await;
    server
        .ok(&signed(AUDITOR, "batch.inspect", json!({"batch": "vai-hop-0615", "result": "pass", "scheme": "OCOP", "note": "Đạt chuẩn OCOP 4 sao"})))
        .await;

    let product = server.json("/api/v1/batches/vai-hop-0615").await;
    assert_eq!(product["holder"], BUSINESS);
    assert_eq!(product["status"], "consumed");
    assert_eq!(product["inspections"][0]["scheme"], "OCOP");

    // 5. The trace: upstream back to the harvest, downstream to the split.
    let trace = server.json("/api/v1/batches/vai-hop-0615/trace").await;
    let up = steps_of(&trace, "upstream");
    let up_kinds: Vec<(&str, &str)> = up
        .iter()
        .map(|(b, k, _)| (b.as_str(), k.as_str()))
        .collect();
    assert_eq!(
        up_kinds,
        [
            ("vai-hg01-0610", "batch.create"),
            ("vai-hg01-0610", "batch.ship"),
            ("vai-hg01-0610", "batch.receive"),
            ("vai-hg01-0610", "batch.transform"),
            ("vai-say-0612", "batch.transform"),
            ("vai-say-0612", "batch.transform"),
        ]
    );
    let down = steps_of(&trace, "downstream");
    assert_eq!(down.len(), 2, "{trace}");
    assert!(down.iter().all(|(_, k, _)| k == "batch.transform"));
    assert_eq!(trace["steps"][0]["index"], pack["index"]);
    // Every index in the trace is a leaf that says what the trace says.
    for (batch, kind, index) in up.iter().chain(&down) {
        let (_, page) = server
            .get(&format!("/api/v1/entries?start={index}&limit=1"))
            .await;
        use base64::Engine as _;
        let leaf = base64::engine::general_purpose::STANDARD
            .decode(page["entries"][0]["leaf"].as_str().expect("leaf"))
            .expect("base64");
        let leaf: Value = serde_json::from_slice(&leaf).expect("leaf json");
        let st: Value = serde_json::from_str(leaf["statement"].as_str().expect("statement"))
            .expect("statement");
        assert_eq!(st["type"], kind.as_str(), "leaf {index}");
        assert!(
            leaf["statement"]
                .as_str()
                .expect("text")
                .contains(batch.as_str()),
            "leaf {index}"
        );
    }

    // 6. The source lot is recalled; the recall reaches the shelves.
    server
        .ok(&signed(
            AUTHORITY,
            "batch.recall",
            json!({"batch": "vai-hg01-0610", "reason": "Mẫu lưu phát hiện nấm mốc vượt ngưỡng"}),
        ))
        .await;
    for id in [
        "vai-say-0612",
        "vai-hop-0615",
        "vai-hop-0615-hn",
        "vai-hop-0615-hcm",
    ] {
        let b = server.json(&format!("/api/v1/batches/{id}")).await;
        assert_eq!(b["status"], "recalled", "{id}");
        assert_eq!(b["recall"]["source"], "vai-hg01-0610", "{id}");
    }

    // 7. The member corrects its harvest entry; the correction is shown.
    server
        .ok(&signed(
            MEMBER,
            "correction",
            json!({"index": 11, "reason": "Ngày thu hoạch đúng là 09/06"}),
        ))
        .await;
    let harvest = server.json("/api/v1/batches/vai-hg01-0610").await;
    assert_eq!(harvest["corrections"][0]["target"], 11);
    assert_eq!(
        harvest["corrections"][0]["reason"],
        "Ngày thu hoạch đúng là 09/06"
    );

    // 8. An auditor replays every rule from the log and finds it all holds.
    let (code, out) = cli(vec!["audit".into(), "--server".into(), server.url.clone()]).await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("AUDIT PASSED"), "{out}");
}
