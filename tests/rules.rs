//! Every statement rule of spec §6 through the real server: for each rule
//! an accepted case and the refused cases, each with its exact status and
//! error code, and nothing appended on a refusal (`TestServer::refused`
//! checks the tree size). Issue 3.

mod common;

use common::cast::*;
use common::*;
use coop_ledger::domain::keys::PublicKey;
use serde_json::{Value, json};

async fn batch(server: &TestServer, id: &str) -> Value {
    server.json(&format!("/api/v1/batches/{id}")).await
}

/// A lychee lot of `kg` created by MEMBER and received by COOP.
async fn lot_at_coop(server: &TestServer, id: &str, kg: &str) {
    server
        .ok(&signed(MEMBER, "batch.create", lychee(id, kg)))
        .await;
    server
        .ok(&signed(
            MEMBER,
            "batch.ship",
            json!({"batch": id, "to": COOP}),
        ))
        .await;
    server
        .ok(&signed(
            COOP,
            "batch.receive",
            json!({"batch": id, "accepted": true}),
        ))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cooperative_registers_its_own_members_and_no_one_else() {
    let server = TestServer::with_cast().await;
    let new_member = |id: &str, coop: &str, role: &str, n: u32| {
        signed(
            COOP,
            "actor.register",
            json!({"id": id, "role": role, "name": "Hộ Nguyễn Văn An", "key": PublicKey::from(key(n).verifying_key()).to_string(), "region": {"province": "Bắc Giang", "commune": "Hồng Giang"}, "cooperative": coop}),
        )
    };
    server
        .ok(&new_member("tv-hong-giang-03", COOP, "member", 201))
        .await;
    let a = server.json("/api/v1/actors/tv-hong-giang-03").await;
    assert_eq!(a["cooperative"], COOP);
    assert_eq!(
        server
            .refused(&new_member("tv-x", OTHER_COOP, "member", 202))
            .await,
        (403, "not_our_member".into())
    );
    let business = signed(
        COOP,
        "actor.register",
        json!({"id": "dn-x", "role": "business", "name": "DN X", "key": PublicKey::from(key(203).verifying_key()).to_string(), "region": {"province": "Hà Nội"}}),
    );
    assert_eq!(
        server.refused(&business).await,
        (403, "not_our_member".into())
    );
    let by_member = signed(
        MEMBER,
        "actor.register",
        json!({"id": "tv-y", "role": "member", "name": "Y", "key": PublicKey::from(key(204).verifying_key()).to_string(), "region": {"province": "Bắc Giang"}, "cooperative": COOP}),
    );
    assert_eq!(
        server.refused(&by_member).await,
        (403, "not_allowed".into())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_is_named_publicly_only_with_consent() {
    let server = TestServer::with_cast().await;
    let with = |id: &str, n: u32, public: Value| {
        let mut f = json!({"id": id, "role": "member", "name": "Hộ Trần Thị Bình", "key": PublicKey::from(key(n).verifying_key()).to_string(), "region": {"province": "Bắc Giang"}, "cooperative": COOP});
        if !public.is_null() {
            f["public"] = public;
        }
        Envelope::sign(statement("actor.register", REGISTRAR, f), &registrar_key())
    };
    server.ok(&with("tv-named", 211, json!(true))).await;
    server.ok(&with("tv-private", 212, Value::Null)).await;
    assert_eq!(
        server.json("/api/v1/actors/tv-named").await["name"],
        "Hộ Trần Thị Bình"
    );
    assert_eq!(
        server.json("/api/v1/actors/tv-private").await["name"],
        Value::Null
    );
}

use coop_ledger::domain::envelope::Envelope;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_key_rotation_only_the_new_key_signs() {
    let server = TestServer::with_cast().await;
    let new_key = key(301);
    server
        .ok(&signed(
            MEMBER,
            "actor.rotate_key",
            json!({"new_key": PublicKey::from(new_key.verifying_key()).to_string()}),
        ))
        .await;
    let a = server.json(&format!("/api/v1/actors/{MEMBER}")).await;
    assert_eq!(
        a["key"],
        PublicKey::from(new_key.verifying_key()).to_string()
    );
    // The old key no longer signs for the member.
    assert_eq!(
        server
            .refused(&signed(MEMBER, "batch.create", lychee("lot-old-key", "10")))
            .await,
        (401, "not_current_key".into())
    );
    server
        .ok(&Envelope::sign(
            statement("batch.create", MEMBER, lychee("lot-new-key", "10")),
            &new_key,
        ))
        .await;
    // A key already bound (here: the business's) cannot be taken over.
    let taken = Envelope::sign(
        statement(
            "actor.rotate_key",
            MEMBER,
            json!({"new_key": PublicKey::from(key_of(BUSINESS).verifying_key()).to_string()}),
        ),
        &new_key,
    );
    assert_eq!(server.refused(&taken).await, (409, "key_in_use".into()));
    // Nor can a retired key be bound again.
    let retired = signed(
        COOP,
        "actor.rotate_key",
        json!({"new_key": PublicKey::from(key_of(MEMBER).verifying_key()).to_string()}),
    );
    assert_eq!(server.refused(&retired).await, (409, "key_in_use".into()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_actor_signs_nothing_more_but_its_past_stays() {
    let server = TestServer::with_cast().await;
    server
        .ok(&signed(MEMBER2, "batch.create", lychee("lot-before", "50")))
        .await;
    let revoke = |by: &str, id: &str| {
        let f = json!({"id": id, "reason": "Hộ đã rời hợp tác xã"});
        if by == REGISTRAR {
            Envelope::sign(statement("actor.revoke", by, f), &registrar_key())
        } else {
            signed(by, "actor.revoke", f)
        }
    };
    assert_eq!(
        server.refused(&revoke(COOP, MEMBER2)).await,
        (403, "not_allowed".into())
    );
    assert_eq!(
        server.refused(&revoke(REGISTRAR, "tv-khong-co")).await,
        (404, "unknown_actor".into())
    );
    server.ok(&revoke(REGISTRAR, MEMBER2)).await;
    assert_eq!(
        server.json(&format!("/api/v1/actors/{MEMBER2}")).await["status"],
        "revoked"
    );
    assert_eq!(
        server
            .refused(&signed(MEMBER2, "batch.create", lychee("lot-after", "5")))
            .await,
        (403, "signer_revoked".into())
    );
    let again = Envelope::sign(
        statement(
            "actor.revoke",
            REGISTRAR,
            json!({"id": MEMBER2, "reason": "Hộ đã rời hợp tác xã", "nonce": "lần 2"}),
        ),
        &registrar_key(),
    );
    assert_eq!(
        server.refused(&again).await,
        (409, "already_revoked".into())
    );
    assert_eq!(batch(&server, "lot-before").await["holder"], MEMBER2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_is_created_by_a_member_or_cooperative_with_valid_fields() {
    let server = TestServer::with_cast().await;
    server
        .ok(&signed(MEMBER, "batch.create", lychee("lot-1", "1250.5")))
        .await;
    let b = batch(&server, "lot-1").await;
    assert_eq!(b["holder"], MEMBER);
    assert_eq!(b["producer"], MEMBER);
    assert_eq!(b["status"], "active");
    assert_eq!(b["quantity"], json!({"amount": "1250.5", "unit": "kg"}));
    assert_eq!(b["remaining"], json!({"amount": "1250.5", "unit": "kg"}));
    assert_eq!(b["product"]["ocop_stars"], 4);
    assert_eq!(b["certifications"][0]["scheme"], "VietGAP");

    // A cooperative may name one of its members as producer.
    let mut f = lychee("lot-coop", "300");
    f["producer"] = json!(MEMBER2);
    server.ok(&signed(COOP, "batch.create", f)).await;
    assert_eq!(batch(&server, "lot-coop").await["producer"], MEMBER2);

    let with = |edit: &dyn Fn(&mut Value)| {
        let mut f = lychee("lot-x", "10");
        edit(&mut f);
        signed(MEMBER, "batch.create", f)
    };
    let cases: Vec<(&str, Envelope, u16, &str)> = vec![
        (
            "a business",
            signed(BUSINESS, "batch.create", lychee("lot-b", "1")),
            403,
            "not_allowed",
        ),
        (
            "an id taken",
            signed(MEMBER, "batch.create", lychee("lot-1", "1")),
            409,
            "duplicate_id",
        ),
        (
            "a GTIN with a wrong check digit",
            with(&|f| f["product"]["gtin"] = json!("08935049501504")),
            400,
            "bad_gtin",
        ),
        (
            "6 OCOP stars",
            with(&|f| f["product"]["ocop_stars"] = json!(6)),
            400,
            "bad_ocop_stars",
        ),
        (
            "a comma decimal",
            with(&|f| f["quantity"]["amount"] = json!("1,5")),
            400,
            "bad_amount",
        ),
        (
            "an amount as a JSON number",
            with(&|f| f["quantity"]["amount"] = json!(12.5)),
            400,
            "bad_amount",
        ),
        (
            "four decimals",
            with(&|f| f["quantity"]["amount"] = json!("1.2345")),
            400,
            "bad_amount",
        ),
        (
            "more than 10^12",
            with(&|f| f["quantity"]["amount"] = json!("1000000000000.001")),
            400,
            "bad_amount",
        ),
        (
            "pounds",
            with(&|f| f["quantity"]["unit"] = json!("lb")),
            400,
            "bad_unit",
        ),
        (
            "an unknown category",
            with(&|f| f["product"]["category"] = json!("flowers")),
            400,
            "bad_category",
        ),
        (
            "latitude 91",
            with(&|f| f["origin"]["lat"] = json!(91.0)),
            400,
            "bad_coordinates",
        ),
        (
            "a harvest after the statement",
            with(&|f| f["harvested_at"] = json!("2099-01-01")),
            400,
            "harvest_after_statement",
        ),
        (
            "a bad valid_until",
            with(&|f| f["certifications"][0]["valid_until"] = json!("30/06/2028")),
            400,
            "bad_time",
        ),
        (
            "17 certifications",
            with(&|f| {
                f["certifications"] = json!(vec![json!({"scheme": "organic", "id": "X"}); 17])
            }),
            400,
            "too_many_items",
        ),
        (
            "a member naming another producer",
            with(&|f| f["producer"] = json!(MEMBER2)),
            403,
            "not_allowed",
        ),
        (
            "an unknown field",
            with(&|f| f["price"] = json!("30000")),
            400,
            "malformed_statement",
        ),
    ];
    for (what, env, status, code) in cases {
        assert_eq!(server.refused(&env).await, (status, code.into()), "{what}");
    }
    let mut other = lychee("lot-y", "10");
    other["producer"] = json!(OTHER_MEMBER);
    assert_eq!(
        server.refused(&signed(COOP, "batch.create", other)).await,
        (403, "not_our_member".into())
    );
}

/// A clerk's phone hashes the photo it took of the lot; only the
/// hash is logged, and it stays with the batch that was created (not with
/// what is made from it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_may_carry_the_blake3_of_a_photo_and_a_malformed_one_is_refused() {
    let server = TestServer::with_cast().await;
    let photo = blake3::hash(b"IMG_20260612_0715.jpg bytes")
        .to_hex()
        .to_string();
    let mut f = lychee("lot-photo", "100");
    f["photo_blake3"] = json!(photo);
    server.ok(&signed(MEMBER, "batch.create", f)).await;
    assert_eq!(batch(&server, "lot-photo").await["photo_blake3"], photo);
    server
        .ok(&signed(MEMBER, "batch.create", lychee("lot-plain", "100")))
        .await;
    assert_eq!(
        batch(&server, "lot-plain").await["photo_blake3"],
        Value::Null
    );
    server
        .ok(&signed(MEMBER, "batch.transform", json!({"process": "split",
            "inputs": [{"batch": "lot-photo", "amount": "100"}],
            "outputs": [{"batch": "lot-photo-a", "product": {"category": "fruit", "name": "Vải"}, "quantity": {"amount": "60", "unit": "kg"}},
                        {"batch": "lot-photo-b", "product": {"category": "fruit", "name": "Vải"}, "quantity": {"amount": "40", "unit": "kg"}}]})))
        .await;
    assert_eq!(
        batch(&server, "lot-photo-a").await["photo_blake3"],
        Value::Null,
        "an output was not photographed"
    );

    for bad in [
        json!(photo.to_uppercase()),
        json!(&photo[..63]),
        json!(format!("{}g", &photo[..63])),
        json!(""),
    ] {
        let mut f = lychee("lot-bad-photo", "1");
        f["photo_blake3"] = bad.clone();
        assert_eq!(
            server.refused(&signed(MEMBER, "batch.create", f)).await,
            (400, "bad_hash".into()),
            "{bad}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn custody_moves_only_when_the_recipient_receives() {
    let server = TestServer::with_cast().await;
    server
        .ok(&signed(MEMBER, "batch.create", lychee("lot-1", "800")))
        .await;
    let ship = |by: &str, to: &str| signed(by, "batch.ship", json!({"batch": "lot-1", "to": to}));
    assert_eq!(
        server.refused(&ship(COOP, BUSINESS)).await,
        (403, "not_holder".into())
    );
    assert_eq!(
        server.refused(&ship(MEMBER, MEMBER)).await,
        (409, "ship_to_self".into())
    );
    assert_eq!(
        server.refused(&ship(MEMBER, "dn-khong-co")).await,
        (404, "unknown_actor".into())
    );
    assert_eq!(
        server.refused(&ship(MEMBER, REGISTRAR)).await,
        (409, "bad_recipient".into())
    );
    let receive = |by: &str, accepted: bool| {
        signed(
            by,
            "batch.receive",
            json!({"batch": "lot-1", "accepted": accepted}),
        )
    };
    assert_eq!(
        server.refused(&receive(COOP, true)).await,
        (409, "not_in_transit".into())
    );
    server.ok(&ship(MEMBER, COOP)).await;
    let b = batch(&server, "lot-1").await;
    assert_eq!(
        (b["status"].as_str(), b["holder"].as_str()),
        (Some("in_transit"), Some(MEMBER))
    );
    assert_eq!(b["in_transit"]["to"], COOP);
    assert_eq!(
        server.refused(&ship(MEMBER, BUSINESS)).await,
        (409, "batch_in_transit".into())
    );
    assert_eq!(
        server.refused(&receive(BUSINESS, true)).await,
        (403, "not_recipient".into())
    );
    server.ok(&receive(COOP, true)).await;
    let b = batch(&server, "lot-1").await;
    assert_eq!(
        (b["status"].as_str(), b["holder"].as_str()),
        (Some("active"), Some(COOP))
    );
    let held = server.json(&format!("/api/v1/actors/{COOP}/batches")).await;
    assert_eq!(held["batches"], json!(["lot-1"]));
    assert_eq!(held["truncated"], false);
    let held = server
        .json(&format!("/api/v1/actors/{MEMBER}/batches"))
        .await;
    assert_eq!(held["batches"], json!([]));

    // A refused delivery goes back to the sender.
    server.ok(&ship(COOP, BUSINESS)).await;
    server.ok(&receive(BUSINESS, false)).await;
    let b = batch(&server, "lot-1").await;
    assert_eq!(
        (b["status"].as_str(), b["holder"].as_str()),
        (Some("active"), Some(COOP))
    );
    let kinds: Vec<&str> = b["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| s["type"].as_str().expect("type"))
        .collect();
    assert_eq!(
        kinds,
        [
            "batch.create",
            "batch.ship",
            "batch.receive",
            "batch.ship",
            "batch.receive"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transformation_never_uses_more_than_remains() {
    let server = TestServer::with_cast().await;
    lot_at_coop(&server, "lot-1", "1000").await;
    let dried = |inputs: Value, outputs: Value, process: &str| {
        signed(
            COOP,
            "batch.transform",
            json!({"process": process, "inputs": inputs, "outputs": outputs}),
        )
    };
    let out = |id: &str, kg: &str| json!({"batch": id, "product": {"category": "fruit", "name": "Vải thiều sấy khô"}, "quantity": {"amount": kg, "unit": "kg"}});
    server
        .ok(&dried(
            json!([{"batch": "lot-1", "amount": "600"}]),
            json!([out("say-1", "150")]),
            "drying",
        ))
        .await;
    let b = batch(&server, "lot-1").await;
    assert_eq!(b["remaining"]["amount"], "400");
    assert_eq!(b["status"], "active");
    let d = batch(&server, "say-1").await;
    assert_eq!(d["holder"], COOP);
    assert_eq!(d["process"], "drying");
    assert_eq!(
        d["inputs"],
        json!([{"batch": "lot-1", "quantity": {"amount": "600", "unit": "kg"}}])
    );
    // One input: the output keeps where it was grown.
    assert_eq!(d["origin"]["place"], "Xã Hồng Giang, Lục Ngạn, Bắc Giang");

    let cases: Vec<(&str, Envelope, u16, &str)> = vec![
        (
            "more than remains",
            dried(
                json!([{"batch": "lot-1", "amount": "400.001"}]),
                json!([out("say-2", "1")]),
                "drying",
            ),
            409,
            "amount_exceeds_remaining",
        ),
        (
            "an output id taken",
            dried(
                json!([{"batch": "lot-1", "amount": "1"}]),
                json!([out("say-1", "1")]),
                "drying",
            ),
            409,
            "duplicate_id",
        ),
        (
            "a batch named twice",
            dried(
                json!([{"batch": "lot-1", "amount": "1"}]),
                json!([out("lot-1", "1")]),
                "drying",
            ),
            400,
            "bad_transform",
        ),
        (
            "no outputs",
            dried(
                json!([{"batch": "lot-1", "amount": "1"}]),
                json!([]),
                "drying",
            ),
            400,
            "bad_transform",
        ),
        (
            "a split that loses weight",
            dried(
                json!([{"batch": "lot-1", "amount": "100"}]),
                json!([out("s-1", "50"), out("s-2", "49")]),
                "split",
            ),
            409,
            "quantity_mismatch",
        ),
        (
            "a split into boxes",
            dried(
                json!([{"batch": "lot-1", "amount": "100"}]),
                json!([out("s-1", "50"), {"batch": "s-2", "product": {"category": "fruit", "name": "Vải"}, "quantity": {"amount": "50", "unit": "box"}}]),
                "split",
            ),
            409,
            "unit_mismatch",
        ),
        (
            "a merge of one",
            dried(
                json!([{"batch": "lot-1", "amount": "100"}]),
                json!([out("m-1", "100")]),
                "merge",
            ),
            400,
            "bad_transform",
        ),
        (
            "an unknown input",
            dried(
                json!([{"batch": "lot-none", "amount": "1"}]),
                json!([out("x-1", "1")]),
                "drying",
            ),
            404,
            "unknown_batch",
        ),
    ];
    for (what, env, status, code) in cases {
        assert_eq!(server.refused(&env).await, (status, code.into()), "{what}");
    }
    // Someone else's batch.
    let foreign = signed(
        BUSINESS,
        "batch.transform",
        json!({"process": "packing", "inputs": [{"batch": "lot-1", "amount": "1"}], "outputs": [out("p-1", "1")]}),
    );
    assert_eq!(server.refused(&foreign).await, (403, "not_holder".into()));

    // A split that keeps the total, then the rest used up: consumed.
    server
        .ok(&dried(
            json!([{"batch": "lot-1", "amount": "400"}]),
            json!([out("s-1", "250"), out("s-2", "150")]),
            "split",
        ))
        .await;
    let b = batch(&server, "lot-1").await;
    assert_eq!(
        (b["status"].as_str(), b["remaining"]["amount"].as_str()),
        (Some("consumed"), Some("0"))
    );
    assert_eq!(
        server
            .refused(&dried(
                json!([{"batch": "lot-1", "amount": "1"}]),
                json!([out("z", "1")]),
                "drying"
            ))
            .await,
        (409, "batch_consumed".into())
    );
    assert_eq!(
        server
            .refused(&signed(
                COOP,
                "batch.ship",
                json!({"batch": "lot-1", "to": BUSINESS})
            ))
            .await,
        (409, "batch_consumed".into())
    );
    // A merge keeps the total too.
    server
        .ok(&dried(
            json!([{"batch": "s-1", "amount": "250"}, {"batch": "s-2", "amount": "150"}]),
            json!([out("m-1", "400")]),
            "merge",
        ))
        .await;
    assert_eq!(
        batch(&server, "m-1").await["inputs"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_auditors_and_authorities_inspect() {
    let server = TestServer::with_cast().await;
    server
        .ok(&signed(MEMBER, "batch.create", lychee("lot-1", "100")))
        .await;
    let report = blake3::hash(b"Phieu ket qua thu nghiem so 0142/2026")
        .to_hex()
        .to_string();
    let inspect = |by: &str, batch: &str, report: &str| {
        signed(
            by,
            "batch.inspect",
            json!({"batch": batch, "result": "pass", "scheme": "food-safety", "report_blake3": report, "note": "Dư lượng thuốc BVTV dưới ngưỡng"}),
        )
    };
    server.ok(&inspect(AUDITOR, "lot-1", &report)).await;
    server.ok(&inspect(AUTHORITY, "lot-1", &report)).await;
    let b = batch(&server, "lot-1").await;
    assert_eq!(b["inspections"].as_array().map(Vec::len), Some(2));
    assert_eq!(b["inspections"][0]["report_blake3"], report);
    assert_eq!(
        server.refused(&inspect(COOP, "lot-1", &report)).await,
        (403, "not_allowed".into())
    );
    assert_eq!(
        server.refused(&inspect(AUDITOR, "lot-none", &report)).await,
        (404, "unknown_batch".into())
    );
    assert_eq!(
        server
            .refused(&inspect(AUDITOR, "lot-1", &report.to_uppercase()))
            .await,
        (400, "bad_hash".into())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recall_reaches_every_batch_made_from_it() {
    let server = TestServer::with_cast().await;
    lot_at_coop(&server, "lot-1", "1000").await;
    let out = |id: &str, kg: &str| json!({"batch": id, "product": {"category": "fruit", "name": "Vải thiều tươi"}, "quantity": {"amount": kg, "unit": "kg"}});
    server
        .ok(&signed(COOP, "batch.transform", json!({"process": "split", "inputs": [{"batch": "lot-1", "amount": "1000"}], "outputs": [out("a", "600"), out("b", "400")]})))
        .await;
    server
        .ok(&signed(COOP, "batch.transform", json!({"process": "packing", "inputs": [{"batch": "a", "amount": "600"}], "outputs": [out("a-hop", "600")]})))
        .await;
    server
        .ok(&signed(
            COOP,
            "batch.ship",
            json!({"batch": "b", "to": BUSINESS}),
        ))
        .await;
    let recall = |by: &str, batch: &str| {
        signed(
            by,
            "batch.recall",
            json!({"batch": batch, "reason": "Phát hiện dư lượng thuốc trừ sâu vượt ngưỡng"}),
        )
    };
    assert_eq!(
        server.refused(&recall(BUSINESS, "lot-1")).await,
        (403, "not_allowed".into())
    );
    server.ok(&recall(AUTHORITY, "lot-1")).await;
    for id in ["lot-1", "a", "b", "a-hop"] {
        let b = batch(&server, id).await;
        assert_eq!(
            (b["status"].as_str(), b["recalled"].as_bool()),
            (Some("recalled"), Some(true)),
            "{id}"
        );
        assert_eq!(b["recall"]["source"], "lot-1");
    }
    assert_eq!(
        server.refused(&recall(AUTHORITY, "a")).await,
        (409, "already_recalled".into())
    );
    assert_eq!(
        server
            .refused(&signed(
                COOP,
                "batch.ship",
                json!({"batch": "a-hop", "to": BUSINESS})
            ))
            .await,
        (409, "batch_recalled".into())
    );
    assert_eq!(
        server
            .refused(&signed(COOP, "batch.transform", json!({"process": "packing", "inputs": [{"batch": "a-hop", "amount": "1"}], "outputs": [out("c", "1")]})))
            .await,
        (409, "batch_recalled".into())
    );
    // The shipment under way can still be settled.
    server
        .ok(&signed(
            BUSINESS,
            "batch.receive",
            json!({"batch": "b", "accepted": false}),
        ))
        .await;
    // The creator may recall its own batch.
    server
        .ok(&signed(MEMBER, "batch.create", lychee("lot-2", "5")))
        .await;
    server.ok(&recall(MEMBER, "lot-2")).await;
    assert_eq!(batch(&server, "lot-2").await["status"], "recalled");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contract_is_offered_by_one_party_and_accepted_by_the_other() {
    let server = TestServer::with_cast().await;
    let offer = |by: &str, id: &str, coop: &str, business: &str, from: &str, to: &str| {
        signed(
            by,
            "contract.offer",
            json!({"contract": id, "cooperative": coop, "business": business, "product_category": "fruit", "from": from, "to": to, "volume": {"amount": "200", "unit": "t"}}),
        )
    };
    let (from, to) = (day(-30), day(365));
    server
        .ok(&offer(COOP, "hd-2026-01", COOP, BUSINESS, &from, &to))
        .await;
    let c = server.json("/api/v1/contracts/hd-2026-01").await;
    assert_eq!(c["state"]["state"], "pending");
    let accept = |by: &str, id: &str| signed(by, "contract.accept", json!({"contract": id}));
    let cases: Vec<(&str, Envelope, u16, &str)> = vec![
        (
            "the offerer accepting",
            accept(COOP, "hd-2026-01"),
            409,
            "own_offer",
        ),
        (
            "a third party accepting",
            accept(BUSINESS2, "hd-2026-01"),
            403,
            "not_party",
        ),
        (
            "an unknown contract",
            accept(BUSINESS, "hd-none"),
            404,
            "unknown_contract",
        ),
        (
            "a member offering",
            offer(MEMBER, "hd-m", COOP, BUSINESS, &from, &to),
            403,
            "not_allowed",
        ),
        (
            "an offer for others",
            offer(OTHER_COOP, "hd-o", COOP, BUSINESS, &from, &to),
            403,
            "not_party",
        ),
        (
            "a cooperative as the business",
            offer(COOP, "hd-c", COOP, OTHER_COOP, &from, &to),
            409,
            "bad_party",
        ),
        (
            "an unknown business",
            offer(COOP, "hd-u", COOP, "dn-khong-co", &from, &to),
            404,
            "unknown_actor",
        ),
        (
            "an end before the start",
            offer(COOP, "hd-p", COOP, BUSINESS, &to, &from),
            400,
            "bad_period",
        ),
        (
            "an id taken",
            offer(COOP, "hd-2026-01", COOP, BUSINESS2, &from, &to),
            409,
            "duplicate_id",
        ),
    ];
    for (what, env, status, code) in cases {
        assert_eq!(server.refused(&env).await, (status, code.into()), "{what}");
    }
    server.ok(&accept(BUSINESS, "hd-2026-01")).await;
    assert_eq!(
        server.json("/api/v1/contracts/hd-2026-01").await["state"]["state"],
        "active"
    );
    let again = signed(
        BUSINESS,
        "contract.accept",
        json!({"contract": "hd-2026-01", "nonce": "2"}),
    );
    assert_eq!(
        server.refused(&again).await,
        (409, "contract_not_pending".into())
    );
    // A cooperative group may be the cooperative side; a business may offer.
    server
        .ok(&offer(BUSINESS2, "hd-group", GROUP, BUSINESS2, &from, &to))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shipment_under_a_contract_must_match_it() {
    let server = TestServer::with_cast().await;
    let offer = |id: &str, category: &str, from: &str, to: &str| {
        signed(
            COOP,
            "contract.offer",
            json!({"contract": id, "cooperative": COOP, "business": BUSINESS, "product_category": category, "from": from, "to": to}),
        )
    };
    let accept = |id: &str| signed(BUSINESS, "contract.accept", json!({"contract": id}));
    server
        .ok(&offer("hd-ok", "fruit", &day(-10), &day(100)))
        .await;
    server
        .ok(&offer("hd-pending", "fruit", &day(-10), &day(100)))
        .await;
    server
        .ok(&offer("hd-rice", "rice", &day(-10), &day(100)))
        .await;
    server
        .ok(&offer("hd-old", "fruit", &day(-100), &day(-10)))
        .await;
    for id in ["hd-ok", "hd-rice", "hd-old"] {
        server.ok(&accept(id)).await;
    }
    lot_at_coop(&server, "lot-1", "500").await;
    let ship = |to: &str, contract: &str| {
        signed(
            COOP,
            "batch.ship",
            json!({"batch": "lot-1", "to": to, "contract": contract}),
        )
    };
    let cases: Vec<(&str, Envelope, u16, &str)> = vec![
        (
            "a pending contract",
            ship(BUSINESS, "hd-pending"),
            409,
            "contract_not_active",
        ),
        (
            "an expired contract",
            ship(BUSINESS, "hd-old"),
            409,
            "contract_not_active",
        ),
        (
            "another buyer",
            ship(BUSINESS2, "hd-ok"),
            409,
            "contract_mismatch",
        ),
        (
            "another category",
            ship(BUSINESS, "hd-rice"),
            409,
            "contract_mismatch",
        ),
        (
            "an unknown contract",
            ship(BUSINESS, "hd-none"),
            404,
            "unknown_contract",
        ),
    ];
    for (what, env, status, code) in cases {
        assert_eq!(server.refused(&env).await, (status, code.into()), "{what}");
    }
    server.ok(&ship(BUSINESS, "hd-ok")).await;
    assert_eq!(
        batch(&server, "lot-1").await["in_transit"]["contract"],
        "hd-ok"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_correction_marks_a_leaf_and_the_leaf_stays() {
    let server = TestServer::with_cast().await;
    let created = server
        .ok(&signed(MEMBER, "batch.create", lychee("lot-1", "100")))
        .await;
    let index = created["index"].as_u64().expect("index");
    let correct = |by: &str, index: u64| {
        signed(
            by,
            "correction",
            json!({"index": index, "reason": "Ghi nhầm khối lượng: 100 kg thay vì 1000 kg"}),
        )
    };
    assert_eq!(
        server.refused(&correct(COOP, index)).await,
        (403, "not_allowed".into())
    );
    assert_eq!(
        server.refused(&correct(MEMBER, 9999)).await,
        (404, "unknown_entry".into())
    );
    server.ok(&correct(MEMBER, index)).await;
    server.ok(&correct(AUTHORITY, index)).await;
    let b = batch(&server, "lot-1").await;
    assert_eq!(b["corrected"], true);
    let corrections = b["corrections"].as_array().expect("corrections");
    assert_eq!(corrections.len(), 2);
    assert_eq!(corrections[0]["target"], index);
    assert_eq!(corrections[0]["by"], MEMBER);
    assert_eq!(corrections[1]["by"], AUTHORITY);
    // Any leaf can be corrected, and its corrections are served by index.
    server.ok(&correct(AUTHORITY, 3)).await;
    let list = server.json("/api/v1/entries/3/corrections").await;
    assert_eq!(list["corrections"][0]["by"], AUTHORITY);
    let (status, body) = server.get("/api/v1/entries/99999/corrections").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (404, Some("unknown_entry"))
    );
    let (status, body) = server.get("/api/v1/entries/abc/corrections").await;
    assert_eq!((status, body["error"].as_str()), (400, Some("bad_id")));
    // The corrected leaf is still served as it was.
    let (_, page) = server
        .get(&format!("/api/v1/entries?start={index}&limit=1"))
        .await;
    assert_eq!(page["entries"][0]["index"], index);
    assert_eq!(b["quantity"]["amount"], "100");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_and_trace_lookups_parse_their_ids_and_say_not_found() {
    let server = TestServer::with_cast().await;
    for path in [
        "/api/v1/batches/lô%201",
        "/api/v1/batches/lô%201/trace",
        "/api/v1/contracts/a%2Fb",
    ] {
        let (status, body) = server.get(path).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (400, Some("bad_id")),
            "{path}"
        );
    }
    for (path, code) in [
        ("/api/v1/batches/lot-none", "unknown_batch"),
        ("/api/v1/batches/lot-none/trace", "unknown_batch"),
        ("/api/v1/contracts/hd-none", "unknown_contract"),
        ("/api/v1/actors/none/batches", "unknown_actor"),
    ] {
        let (status, body) = server.get(path).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (404, Some(code)),
            "{path}"
        );
    }
}
