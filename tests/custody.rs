//! The holder's view, `GET /api/v1/actors/{id}/custody`, through the real
//! server: what an actor has in hand, what is on its way to it, what it
//! sent and how each shipment ended, and its contracts; and the views
//! behind it rebuilt from the log.

mod common;

use common::cast::*;
use common::*;
use coop_ledger::domain::envelope::Envelope;
use serde_json::{Value, json};
use std::sync::Arc;

/// `GET /api/v1/actors/{actor}/custody`, which must answer 200.
async fn custody(server: &TestServer, actor: &str) -> Value {
    server
        .json(&format!("/api/v1/actors/{actor}/custody"))
        .await
}

/// The ids of the items of one list of a custody answer.
fn ids(list: &Value) -> Vec<&str> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|i| i["id"].as_str().expect("an id"))
        .collect()
}

/// The leaf index of a receipt.
fn index(receipt: &Value) -> u64 {
    receipt["index"].as_u64().expect("index")
}

/// `batch.ship` of `batch` to `to`, signed by `by`.
fn ship(by: &str, batch: &str, to: &str) -> Envelope {
    signed(by, "batch.ship", json!({"batch": batch, "to": to}))
}

/// `batch.receive` of `batch`, taken or refused, signed by `by`.
fn receive(by: &str, batch: &str, accepted: bool) -> Envelope {
    signed(
        by,
        "batch.receive",
        json!({"batch": batch, "accepted": accepted}),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shipment_is_incoming_for_the_recipient_and_in_transit_for_the_sender_until_accepted() {
    let server = TestServer::with_cast().await;
    let photo = blake3::hash(b"photo of vai-01").to_hex().to_string();
    let mut lot = lychee("vai-01", "500");
    lot["photo_blake3"] = json!(photo);
    server.ok(&signed(MEMBER, "batch.create", lot)).await;

    let mine = custody(&server, MEMBER).await;
    assert_eq!(
        mine,
        json!({
            "actor": MEMBER,
            "holding": [{
                "id": "vai-01",
                "product": {"category": "fruit", "name": "Vải thiều Lục Ngạn", "gtin": "08935049501503", "ocop_stars": 4},
                "quantity": {"amount": "500", "unit": "kg"},
                "remaining": {"amount": "500", "unit": "kg"},
                "status": "active",
                "photo_blake3": photo,
            }],
            "incoming": [],
            "shipped": [],
            "contracts": [],
            "truncated": false,
        })
    );

    let shipped = server.ok(&ship(MEMBER, "vai-01", COOP)).await;
    let theirs = custody(&server, COOP).await;
    assert_eq!(theirs["holding"], json!([]));
    assert_eq!(
        theirs["incoming"],
        json!([{
            "id": "vai-01",
            "from": MEMBER,
            "index": index(&shipped),
            "product": {"category": "fruit", "name": "Vải thiều Lục Ngạn", "gtin": "08935049501503", "ocop_stars": 4},
            "remaining": {"amount": "500", "unit": "kg"},
            "status": "in_transit",
        }]),
        "no contract named, so no contract key"
    );
    let mine = custody(&server, MEMBER).await;
    assert_eq!(
        ids(&mine["holding"]),
        ["vai-01"],
        "the sender holds it while it travels"
    );
    assert_eq!(mine["holding"][0]["status"], "in_transit");
    assert_eq!(mine["incoming"], json!([]));
    let at = mine["shipped"][0]["at"].clone();
    assert!(at.as_str().is_some_and(|t| t.ends_with('Z')), "{at}");
    assert_eq!(
        mine["shipped"],
        json!([{"id": "vai-01", "to": COOP, "index": index(&shipped), "at": at, "outcome": "in_transit"}])
    );
    assert_eq!(custody(&server, MEMBER2).await["incoming"], json!([]));

    server.ok(&receive(COOP, "vai-01", true)).await;
    let theirs = custody(&server, COOP).await;
    assert_eq!(ids(&theirs["holding"]), ["vai-01"]);
    assert_eq!(theirs["holding"][0]["status"], "active");
    assert_eq!(theirs["holding"][0]["photo_blake3"], photo);
    assert_eq!(theirs["incoming"], json!([]));
    assert_eq!(theirs["shipped"], json!([]));
    let mine = custody(&server, MEMBER).await;
    assert_eq!(mine["holding"], json!([]));
    assert_eq!(
        mine["shipped"],
        json!([{"id": "vai-01", "to": COOP, "index": index(&shipped), "at": at, "outcome": "accepted"}])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_shipment_shows_refused_and_the_batch_is_back_in_the_senders_hand() {
    let server = TestServer::with_cast().await;
    server
        .ok(&signed(MEMBER, "batch.create", lychee("vai-02", "80")))
        .await;
    let first = server.ok(&ship(MEMBER, "vai-02", BUSINESS)).await;
    assert_eq!(
        ids(&custody(&server, BUSINESS).await["incoming"]),
        ["vai-02"]
    );
    server.ok(&receive(BUSINESS, "vai-02", false)).await;

    let theirs = custody(&server, BUSINESS).await;
    assert_eq!(theirs["incoming"], json!([]));
    assert_eq!(theirs["holding"], json!([]));
    let mine = custody(&server, MEMBER).await;
    assert_eq!(ids(&mine["holding"]), ["vai-02"]);
    assert_eq!(mine["holding"][0]["status"], "active");
    assert_eq!(mine["shipped"][0]["outcome"], "refused");
    assert_eq!(mine["shipped"][0]["index"], index(&first));

    // Sent again, elsewhere: the newest shipment comes first.
    let second = server.ok(&ship(MEMBER, "vai-02", COOP)).await;
    let mine = custody(&server, MEMBER).await;
    let shipped: Vec<(u64, &str, &str)> = mine["shipped"]
        .as_array()
        .expect("list")
        .iter()
        .map(|s| {
            (
                s["index"].as_u64().expect("index"),
                s["to"].as_str().expect("to"),
                s["outcome"].as_str().expect("outcome"),
            )
        })
        .collect();
    assert_eq!(
        shipped,
        [
            (index(&second), COOP, "in_transit"),
            (index(&first), BUSINESS, "refused"),
        ]
    );
    assert_eq!(ids(&custody(&server, COOP).await["incoming"]), ["vai-02"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_used_up_by_a_transformation_leaves_the_holding_and_a_recalled_one_stays() {
    let server = TestServer::with_cast().await;
    for (id, kg) in [("vai-a", "100"), ("vai-b", "100")] {
        server
            .ok(&signed(MEMBER, "batch.create", lychee(id, kg)))
            .await;
    }
    let out = |id: &str, kg: &str| json!({"batch": id, "product": {"category": "fruit", "name": "Vải sấy"}, "quantity": {"amount": kg, "unit": "kg"}});
    server
        .ok(&signed(
            MEMBER,
            "batch.transform",
            json!({"process": "drying",
                "inputs": [{"batch": "vai-a", "amount": "100"}, {"batch": "vai-b", "amount": "40"}],
                "outputs": [out("vai-say", "30")]}),
        ))
        .await;
    let mine = custody(&server, MEMBER).await;
    assert_eq!(
        ids(&mine["holding"]),
        ["vai-b", "vai-say"],
        "vai-a is used up"
    );
    assert_eq!(
        mine["holding"][0]["remaining"],
        json!({"amount": "60", "unit": "kg"})
    );
    assert_eq!(mine["holding"][1]["photo_blake3"], Value::Null);
    // The holdings list keeps what is used up; the custody view does not.
    let all = server
        .json(&format!("/api/v1/actors/{MEMBER}/batches"))
        .await;
    assert_eq!(all["batches"], json!(["vai-a", "vai-b", "vai-say"]));

    server
        .ok(&signed(
            AUTHORITY,
            "batch.recall",
            json!({"batch": "vai-b", "reason": "Dư lượng vượt ngưỡng"}),
        ))
        .await;
    let mine = custody(&server, MEMBER).await;
    assert_eq!(ids(&mine["holding"]), ["vai-b", "vai-say"]);
    assert_eq!(mine["holding"][0]["status"], "recalled");
    assert_eq!(mine["holding"][1]["status"], "recalled", "made from vai-b");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_parties_list_a_contract_without_its_volume_and_see_it_become_active() {
    let server = TestServer::with_cast().await;
    let from = day(-1);
    let to = day(30);
    server
        .ok(&signed(
            BUSINESS,
            "contract.offer",
            json!({"contract": "hd-01", "cooperative": COOP, "business": BUSINESS, "product_category": "fruit",
                "from": from, "to": to, "volume": {"amount": "50", "unit": "t"}}),
        ))
        .await;
    let expected = |state: &str| {
        json!([{"id": "hd-01", "cooperative": COOP, "business": BUSINESS, "product_category": "fruit",
            "from": from, "to": to, "state": state, "offered_by": BUSINESS}])
    };
    for party in [COOP, BUSINESS] {
        let c = custody(&server, party).await;
        assert_eq!(c["contracts"], expected("pending"), "{party}");
        assert!(
            !c.to_string().contains("volume") && !c.to_string().contains("\"50\""),
            "no volume: {c}"
        );
    }
    assert_eq!(custody(&server, OTHER_COOP).await["contracts"], json!([]));

    server
        .ok(&signed(
            COOP,
            "contract.accept",
            json!({"contract": "hd-01"}),
        ))
        .await;
    for party in [COOP, BUSINESS] {
        assert_eq!(
            custody(&server, party).await["contracts"],
            expected("active"),
            "{party}"
        );
    }

    // A delivery under it names the contract.
    server
        .ok(&signed(COOP, "batch.create", lychee("vai-hd", "500")))
        .await;
    server
        .ok(&signed(
            COOP,
            "batch.ship",
            json!({"batch": "vai-hd", "to": BUSINESS, "contract": "hd-01"}),
        ))
        .await;
    let theirs = custody(&server, BUSINESS).await;
    assert_eq!(theirs["incoming"][0]["id"], "vai-hd");
    assert_eq!(theirs["incoming"][0]["contract"], "hd-01");
    assert_eq!(theirs["incoming"][0]["from"], COOP);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_actor_is_404_and_a_malformed_id_is_400() {
    let server = TestServer::with_cast().await;
    let (status, body) = server.get("/api/v1/actors/htx-khong-co/custody").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (404, Some("unknown_actor"))
    );
    let long = "a".repeat(65);
    for bad in ["%FF", "h%20x", "htx!", long.as_str()] {
        let (status, body) = server.get(&format!("/api/v1/actors/{bad}/custody")).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (400, Some("bad_id")),
            "{bad}"
        );
    }
    // A registered actor with nothing yet has empty lists.
    assert_eq!(
        custody(&server, AUDITOR).await,
        json!({"actor": AUDITOR, "holding": [], "incoming": [], "shipped": [], "contracts": [], "truncated": false})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_list_stops_at_200_and_says_it_was_truncated() {
    let server = TestServer::with_cast().await;
    let mut tasks = Vec::new();
    for n in 0..201 {
        let ledger = Arc::clone(&server.ledger);
        let env = signed(MEMBER, "batch.create", lychee(&format!("vai-{n:03}"), "1"));
        tasks.push(tokio::spawn(async move {
            ledger
                .submit(&serde_json::to_vec(&env).expect("json"))
                .await
        }));
    }
    for t in tasks {
        t.await.expect("task").expect("logged");
    }
    let mine = custody(&server, MEMBER).await;
    let held = ids(&mine["holding"]);
    assert_eq!(held.len(), 200);
    assert_eq!((held[0], held[199]), ("vai-000", "vai-199"), "in id order");
    assert_eq!(mine["truncated"], true);

    // Using one up brings the rest under the limit.
    server
        .ok(&signed(
            MEMBER,
            "batch.transform",
            json!({"process": "other", "inputs": [{"batch": "vai-000", "amount": "1"}, {"batch": "vai-001", "amount": "1"}],
                "outputs": [{"batch": "vai-gop", "product": {"category": "fruit", "name": "Vải"}, "quantity": {"amount": "2", "unit": "kg"}}]}),
        ))
        .await;
    let mine = custody(&server, MEMBER).await;
    assert_eq!(ids(&mine["holding"]).len(), 200);
    assert_eq!(mine["truncated"], false);
}

/// A small ledger touching every list: accepted, refused and open
/// shipments, a transformation, a pending and an active contract.
async fn custody_ledger() -> TestServer {
    let server = TestServer::with_cast().await;
    for (id, kg) in [("lo-1", "100"), ("lo-2", "200"), ("lo-3", "300")] {
        server
            .ok(&signed(MEMBER, "batch.create", lychee(id, kg)))
            .await;
    }
    server.ok(&ship(MEMBER, "lo-1", COOP)).await;
    server.ok(&receive(COOP, "lo-1", true)).await;
    server.ok(&ship(MEMBER, "lo-2", COOP)).await;
    server.ok(&receive(COOP, "lo-2", false)).await;
    // Sent again: a nonce keeps it from being the same statement.
    server
        .ok(&signed(
            MEMBER,
            "batch.ship",
            json!({"batch": "lo-2", "to": COOP, "nonce": "2"}),
        ))
        .await;
    server
        .ok(&signed(
            COOP,
            "batch.transform",
            json!({"process": "packing", "inputs": [{"batch": "lo-1", "amount": "100"}],
                "outputs": [{"batch": "hop-1", "product": {"category": "fruit", "name": "Vải hộp"}, "quantity": {"amount": "50", "unit": "box"}}]}),
        ))
        .await;
    for (c, business) in [("hd-a", BUSINESS), ("hd-b", BUSINESS2)] {
        server
            .ok(&signed(
                COOP,
                "contract.offer",
                json!({"contract": c, "cooperative": COOP, "business": business, "product_category": "fruit", "from": day(-1), "to": day(30)}),
            ))
            .await;
    }
    server
        .ok(&signed(
            BUSINESS,
            "contract.accept",
            json!({"contract": "hd-a"}),
        ))
        .await;
    server
}

/// Every custody answer of the cast.
async fn every_custody(server: &TestServer) -> Vec<Value> {
    let mut all = Vec::new();
    for (id, ..) in cast::ALL {
        all.push(custody(server, id).await);
    }
    all
}

/// Regression: views written before the custody keyspaces
/// existed (views version 2, no `u`, `t`, `s`, `p`) are rebuilt when the
/// ledger opens, and `coop-ledger reindex` rebuilds them too; the custody
/// answers are the same as the live ones.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_custody_view_is_rebuilt_from_the_log_on_open_of_older_views_and_by_reindex() {
    let server = custody_ledger().await;
    let before = every_custody(&server).await;
    assert_eq!(ids(&before[0]["holding"]), ["hop-1"], "{}", before[0]);
    assert_eq!(ids(&before[0]["incoming"]), ["lo-2"]);
    assert_eq!(ids(&before[0]["contracts"]), ["hd-a", "hd-b"]);
    let dir = server.stop().await;

    /// Removes the custody keyspaces and, when `version` is given, writes it
    /// as the views' version.
    fn strip_custody(dir: &std::path::Path, version: Option<u64>) {
        let db = sled::open(dir.join("views")).expect("views");
        let views = db.open_tree("views").expect("tree");
        let custody: Vec<_> = views
            .iter()
            .keys()
            .map(|k| k.expect("key"))
            .filter(|k| matches!(k.first(), Some(b'u' | b't' | b's' | b'p')))
            .collect();
        assert!(
            custody.len() > 10,
            "the custody views were stored: {}",
            custody.len()
        );
        for k in custody {
            views.remove(k).expect("remove");
        }
        if let Some(v) = version {
            views
                .insert(b"mversion", &v.to_be_bytes())
                .expect("version");
        }
        db.flush().expect("flush");
    }

    strip_custody(dir.path(), Some(2));
    let server = TestServer::serve_dir(dir, Default::default()).await;
    assert_eq!(every_custody(&server).await, before, "rebuilt on open");
    let dir = server.stop().await;

    strip_custody(dir.path(), None);
    let d = dir.path().display().to_string();
    let (code, out) = run_cli(&["reindex", "--data", &d]);
    assert_eq!(code, 0, "{out}");
    let server = TestServer::serve_dir(dir, Default::default()).await;
    assert_eq!(every_custody(&server).await, before, "rebuilt by reindex");
}
