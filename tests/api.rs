//! The ledger's HTTP API against a real server (spec §8): submissions are
//! acknowledged only with a checkpoint and a proof that verify, duplicates
//! are appended once, every refusal has its status and code, and the server
//! keeps serving, with nothing stored changed, after bad input.

mod common;

use common::{
    REGISTRAR, TestServer, check_receipt, hashes, key, register, registrar_key, statement,
};
use coop_ledger::domain::envelope::Envelope;
use coop_ledger::domain::merkle::{Hash, leaf_hash, verify_consistency, verify_inclusion};
use coop_ledger::service::{Clock, OpenOptions};
use serde_json::json;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registration_is_acknowledged_with_a_checkpoint_and_proof_that_verify() {
    let server = TestServer::start().await;
    let verifier = server.verifier().await;
    let (status, body) = server
        .submit(&register("htx-phu-minh", "cooperative", &key(1), None))
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["index"], 1);
    assert_eq!(body["entry_id"].as_str().map(str::len), Some(64));
    let cp = check_receipt(&verifier, &body);
    assert_eq!(cp.size, 2);
    let (status, actor) = server.get("/api/v1/actors/htx-phu-minh").await;
    assert_eq!(status, 200);
    assert_eq!(actor["role"], "cooperative");
    assert_eq!(actor["status"], "active");
    assert_eq!(actor["registered_index"], 1);
    // Issue 15: the actor a key belongs to (the signing app finds its
    // actor so); a key no one registered is unknown.
    let by_key = |n: u32| {
        let public = coop_ledger::domain::keys::PublicKey::from(key(n).verifying_key());
        let q = public
            .to_string()
            .replace('+', "%2B")
            .replace('/', "%2F")
            .replace('=', "%3D");
        format!("/api/v1/actors?key={q}")
    };
    let (status, owner) = server.get(&by_key(1)).await;
    assert_eq!(
        (status, owner["id"].as_str()),
        (200, Some("htx-phu-minh")),
        "{owner}"
    );
    assert_eq!(owner["key"], actor["key"]);
    let (status, unknown) = server.get(&by_key(77)).await;
    assert_eq!(
        (status, unknown["error"].as_str()),
        (404, Some("unknown_actor"))
    );
    let (status, bad) = server.get("/api/v1/actors?key=abc").await;
    assert_eq!((status, bad["error"].as_str()), (400, Some("bad_query")));
    let (_, text) = server.get_text("/api/v1/checkpoint").await;
    assert_eq!(text, body["checkpoint"].as_str().expect("checkpoint"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_envelope_twice_is_appended_once_and_the_second_answer_names_the_first_index() {
    let server = TestServer::start().await;
    let env = register("htx-1", "cooperative", &key(1), None);
    let (s1, first) = server.submit(&env).await;
    let (s2, second) = server.submit(&env).await;
    assert_eq!((s1, s2), (201, 200));
    assert_eq!(first["index"], second["index"]);
    assert_eq!(first["entry_id"], second["entry_id"]);
    check_receipt(&server.verifier().await, &second);
    assert_eq!(server.ledger.size(), 2, "one genesis plus one entry");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_concurrent_submissions_are_all_acknowledged_provable_and_consistent() {
    let server = Arc::new(TestServer::start().await);
    let verifier = server.verifier().await;
    let mut tasks = Vec::new();
    for n in 0..64u32 {
        let server = Arc::clone(&server);
        tasks.push(tokio::spawn(async move {
            let env = register(&format!("coop-{n}"), "cooperative", &key(100 + n), None);
            server.submit(&env).await
        }));
    }
    let mut receipts = Vec::new();
    for t in tasks {
        let (status, body) = t.await.expect("task");
        assert_eq!(status, 201, "{body}");
        receipts.push(body);
    }
    let mut indexes: Vec<u64> = receipts
        .iter()
        .map(|r| r["index"].as_u64().expect("index"))
        .collect();
    indexes.sort_unstable();
    assert_eq!(
        indexes,
        (1..=64).collect::<Vec<_>>(),
        "64 distinct leaves after the genesis"
    );

    let (_, latest) = server.get_text("/api/v1/checkpoint").await;
    let latest = verifier
        .verify(&latest, Some(common::ORIGIN))
        .expect("latest verifies");
    assert_eq!(latest.size, 65);
    for r in &receipts {
        let cp = check_receipt(&verifier, r);
        // The checkpoint each submitter got is a prefix of the latest one.
        let (status, proof) = server
            .get(&format!(
                "/api/v1/proof/consistency?from={}&to={}",
                cp.size, latest.size
            ))
            .await;
        assert_eq!(status, 200);
        verify_consistency(
            cp.size,
            latest.size,
            cp.root,
            latest.root,
            &hashes(&proof["proof"]),
        )
        .expect("receipt checkpoint is consistent with the latest");
        // And the leaf is provable in the latest tree too.
        let index = r["index"].as_u64().expect("index");
        let (_, proof) = server
            .get(&format!(
                "/api/v1/proof/inclusion?index={index}&size={}",
                latest.size
            ))
            .await;
        let leaf = Hash::parse_hash(r["leaf_hash"].as_str().expect("hash")).expect("hash");
        verify_inclusion(
            index,
            latest.size,
            leaf,
            &hashes(&proof["proof"]),
            latest.root,
        )
        .expect("provable in latest");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn served_entries_are_the_leaves_the_receipts_hashed() {
    let server = TestServer::start().await;
    let (_, r) = server
        .submit(&register("htx-1", "cooperative", &key(1), None))
        .await;
    let (status, page) = server.get("/api/v1/entries?start=0&limit=10").await;
    assert_eq!(status, 200);
    let entries = page["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 2);
    use base64::Engine as _;
    let leaf = base64::engine::general_purpose::STANDARD
        .decode(entries[1]["leaf"].as_str().expect("leaf"))
        .expect("b64");
    assert_eq!(
        leaf_hash(&leaf).to_string(),
        r["leaf_hash"].as_str().expect("hash")
    );
    let leaf: serde_json::Value = serde_json::from_slice(&leaf).expect("leaf json");
    assert_eq!(leaf["index"], 1);
    let (_, page) = server.get("/api/v1/entries?start=5").await;
    assert_eq!(
        page["entries"].as_array().map(Vec::len),
        Some(0),
        "past the end is an empty page"
    );
}

/// Every §8 refusal: (what is sent, expected status, expected code).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_refusal_has_its_status_and_code_and_nothing_stored_changes() {
    let server = TestServer::start().await;
    let coop_key = key(1);
    let (s, _) = server
        .submit(&register("htx-1", "cooperative", &coop_key, None))
        .await;
    assert_eq!(s, 201);
    let size_before = server.ledger.size();
    let (_, leaves_before) = server.get("/api/v1/entries").await;

    let reg = registrar_key();
    let good = register("htx-2", "cooperative", &key(2), None);
    let mut flipped = good.clone();
    flipped.sig.0[5] ^= 0x10;
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let weak_key = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, identity);
    let mut not_a_point = [0u8; 32];
    not_a_point[0] = 2;
    let not_a_point =
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, not_a_point);
    let by_unknown = Envelope::sign(
        statement(
            "actor.register",
            "nobody",
            json!({"id": "x", "role": "business", "name": "X", "key": "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=", "region": {"province": "Huế"}}),
        ),
        &key(9),
    );
    let wrong_key = Envelope::sign(
        statement(
            "actor.register",
            REGISTRAR,
            json!({"id": "x", "role": "business", "name": "X", "key": "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=", "region": {"province": "Huế"}}),
        ),
        &coop_key,
    );
    let coop_registers = Envelope::sign(
        statement(
            "actor.register",
            "htx-1",
            json!({"id": "dn-1", "role": "business", "name": "DN", "key": "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=", "region": {"province": "Huế"}}),
        ),
        &coop_key,
    );
    let future = {
        let at = coop_ledger::domain::time::Timestamp::from_clock(
            time::OffsetDateTime::now_utc() + time::Duration::minutes(10),
        );
        let text = json!({"v": 1, "type": "actor.register", "by": REGISTRAR, "at": at.to_string(), "id": "later", "role": "business", "name": "Later", "key": "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=", "region": {"province": "Huế"}}).to_string();
        Envelope::sign(text, &reg)
    };
    let genesis_again = Envelope::sign(
        statement(
            "ledger.genesis",
            "ledger",
            json!({"origin": "x", "ledger_key": coop_ledger::domain::keys::PublicKey::from(reg.verifying_key()).to_string(), "registrars": []}),
        ),
        &reg,
    );

    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        ("not JSON", b"{\"statement\": ".to_vec(), 400, "malformed_json"),
        ("no signature", br#"{"statement":"{}","key":"11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="}"#.to_vec(), 400, "malformed_envelope"),
        ("bad base64 key", br#"{"statement":"{}","key":"@@","sig":"AAAA"}"#.to_vec(), 400, "malformed_envelope"),
        ("statement not an object", serde_json::to_vec(&Envelope::sign("[]".into(), &reg)).expect("json"), 400, "malformed_statement"),
        ("bad id", serde_json::to_vec(&Envelope::sign(statement("actor.register", REGISTRAR, json!({"id": "có dấu", "role": "member", "name": "A", "key": "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=", "region": {"province": "Huế"}})), &reg)).expect("json"), 400, "bad_id"),
        ("weak key", serde_json::to_vec(&Envelope::sign(statement("actor.register", REGISTRAR, json!({"id": "weak", "role": "business", "name": "A", "key": weak_key, "region": {"province": "Huế"}})), &reg)).expect("json"), 400, "weak_key"),
        ("unknown type", serde_json::to_vec(&Envelope::sign(statement("batch.teleport", REGISTRAR, json!({})), &reg)).expect("json"), 400, "unknown_type"),
        ("a repeated member", serde_json::to_vec(&Envelope::sign(statement("actor.register", REGISTRAR, json!({"id": "r", "role": "business", "name": "A", "key": "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=", "region": {"province": "Huế"}})).replacen(r#""name":"A""#, r#""name":"A","name":"B""#, 1), &reg)).expect("json"), 400, "malformed_statement"),
        ("an envelope key that is no curve point", format!(r#"{{"statement":"{{}}","key":"{not_a_point}","sig":"{}"}}"#, good.sig).into_bytes(), 400, "bad_key"),
        ("flipped signature", serde_json::to_vec(&flipped).expect("json"), 401, "bad_signature"),
        ("unknown signer", serde_json::to_vec(&by_unknown).expect("json"), 401, "unknown_signer"),
        ("not the signer's key", serde_json::to_vec(&wrong_key).expect("json"), 401, "not_current_key"),
        ("a cooperative registering a business (issue 3: only its own members)", serde_json::to_vec(&coop_registers).expect("json"), 403, "not_our_member"),
        ("id taken", serde_json::to_vec(&register("htx-1", "business", &key(3), None)).expect("json"), 409, "duplicate_id"),
        ("key taken", serde_json::to_vec(&register("dn-9", "business", &coop_key, None)).expect("json"), 409, "key_in_use"),
        ("member of an unknown cooperative", serde_json::to_vec(&register("tv-1", "member", &key(4), Some("htx-none"))).expect("json"), 409, "unknown_cooperative"),
        ("time 10 minutes ahead", serde_json::to_vec(&future).expect("json"), 409, "at_in_future"),
        ("a second genesis", serde_json::to_vec(&genesis_again).expect("json"), 409, "genesis_not_first"),
        ("65 KiB", vec![b' '; 65 * 1024], 413, "too_large"),
    ];
    for (what, body, status, code) in cases {
        let (got, answer) = server.post_raw(body).await;
        assert_eq!(
            (got, answer["error"].as_str()),
            (status, Some(code)),
            "{what}: {answer}"
        );
        let message = answer["message"].as_str().expect("message");
        assert!(
            message.len() > 20,
            "{what}: a sentence for a person, got {message:?}"
        );
    }
    // Reads: bad queries and unknown things.
    for (path, status, code) in [
        ("/api/v1/proof/inclusion?index=abc&size=1", 400, "bad_query"),
        ("/api/v1/proof/inclusion?size=1", 400, "bad_query"),
        ("/api/v1/proof/inclusion?index=5&size=2", 400, "bad_query"),
        ("/api/v1/proof/inclusion?index=0&size=999", 404, "not_found"),
        ("/api/v1/proof/consistency?from=0&to=1", 400, "bad_query"),
        ("/api/v1/proof/consistency?from=2&to=1", 400, "bad_query"),
        ("/api/v1/entries?start=-1", 400, "bad_query"),
        ("/api/v1/actors/no-such-actor", 404, "unknown_actor"),
        ("/api/v1/actors/bad%20id", 400, "bad_id"),
        ("/api/v1/nothing-here", 404, "not_found"),
        ("/api/v1/actors/%FF", 400, "bad_id"),
    ] {
        let (got, answer) = server.get(path).await;
        assert_eq!(
            (got, answer["error"].as_str()),
            (status, Some(code)),
            "{path}: {answer}"
        );
    }

    let resp = server
        .client
        .put(format!("{}/api/v1/entries", server.url))
        .send()
        .await
        .expect("put");
    assert_eq!(resp.status().as_u16(), 405);
    let answer: serde_json::Value = resp.json().await.expect("a JSON body");
    assert_eq!(answer["error"], "method_not_allowed");

    // Nothing stored changed, and the server still serves and accepts.
    assert_eq!(server.ledger.size(), size_before);
    let (_, leaves_after) = server.get("/api/v1/entries").await;
    assert_eq!(leaves_before, leaves_after);
    assert_eq!(server.get_text("/healthz").await.0, 200);
    let (s, body) = server.submit(&good).await;
    assert_eq!(s, 201, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_speak_vietnamese_by_default_and_english_on_request() {
    let server = TestServer::start().await;
    let resp = server
        .client
        .post(format!("{}/api/v1/entries", server.url))
        .body("nope")
        .send()
        .await
        .expect("post");
    let vi: serde_json::Value = resp.json().await.expect("json");
    assert!(
        vi["message"]
            .as_str()
            .expect("msg")
            .contains("không phải là JSON"),
        "{vi}"
    );
    let resp = server
        .client
        .post(format!("{}/api/v1/entries", server.url))
        .header("accept-language", "en-GB,en;q=0.9")
        .body("nope")
        .send()
        .await
        .expect("post");
    assert_eq!(resp.headers()["content-language"], "en");
    let en: serde_json::Value = resp.json().await.expect("json");
    assert!(
        en["message"]
            .as_str()
            .expect("msg")
            .starts_with("The request is not valid JSON"),
        "{en}"
    );
}

/// A clock that holds the sequencer inside its next batch until released,
/// so the test controls exactly when the queue is full.
struct GateClock {
    armed: AtomicBool,
    entered: Mutex<mpsc::Sender<()>>,
    release: Mutex<mpsc::Receiver<()>>,
}

impl Clock for GateClock {
    fn now(&self) -> time::OffsetDateTime {
        if self.armed.swap(false, Ordering::SeqCst) {
            let _ = self.entered.lock().expect("lock").send(());
            let _ = self.release.lock().expect("lock").recv();
        }
        time::OffsetDateTime::now_utc()
    }
}

/// A server under `options` whose sequencer stops at its first clock
/// reading: `entered` says it has stopped there, `release` lets it go on.
async fn gated(options: OpenOptions) -> (Arc<TestServer>, mpsc::Receiver<()>, mpsc::Sender<()>) {
    let (entered_tx, entered_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel();
    let clock = Arc::new(GateClock {
        armed: AtomicBool::new(true),
        entered: Mutex::new(entered_tx),
        release: Mutex::new(release_rx),
    });
    let server = TestServer::start_with(OpenOptions { clock, ..options }).await;
    (Arc::new(server), entered_rx, release_tx)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_queue_answers_429_and_the_waiting_entries_are_still_logged() {
    let (server, entered_rx, release_tx) = gated(OpenOptions {
        queue_capacity: 1,
        ..OpenOptions::default()
    })
    .await;

    // The first submission is taken by the sequencer, which then waits.
    let s1 = Arc::clone(&server);
    let first = tokio::spawn(async move {
        s1.submit(&register("a", "cooperative", &key(1), None))
            .await
    });
    tokio::task::spawn_blocking(move || entered_rx.recv().expect("sequencer entered"))
        .await
        .expect("join");
    // The second fills the one-place queue.
    let s2 = Arc::clone(&server);
    let second = tokio::spawn(async move {
        s2.submit(&register("b", "cooperative", &key(2), None))
            .await
    });
    // Once the second waits in the queue, a third is refused at once.
    while server.ledger.queued() < 1 {
        tokio::task::yield_now().await;
    }
    let (status, third) = server
        .submit(&register("c", "cooperative", &key(3), None))
        .await;
    assert_eq!(status, 429, "{third}");
    assert_eq!(third["error"], "busy");
    release_tx.send(()).expect("release");
    assert_eq!(first.await.expect("first").0, 201);
    assert_eq!(second.await.expect("second").0, 201);
    assert_eq!(server.ledger.size(), 3);
}

/// Issue 16: the queue was bounded by count only (16 Ki envelopes of up to
/// 64 KiB each). It is bounded in bytes too: while the envelopes held by
/// the sequencer and the queue fill the byte budget, a new one is refused
/// 429 `busy` at once, and once they are done the budget is free again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_16_the_queue_is_bounded_in_bytes_too() {
    let one = serde_json::to_vec(&register("a", "cooperative", &key(1), None))
        .expect("json")
        .len();
    // Room in count for many, in bytes for one and a half.
    let (server, entered_rx, release_tx) = gated(OpenOptions {
        queue_bytes: one * 3 / 2,
        ..OpenOptions::default()
    })
    .await;
    let s1 = Arc::clone(&server);
    let first = tokio::spawn(async move {
        s1.submit(&register("a", "cooperative", &key(1), None))
            .await
    });
    tokio::task::spawn_blocking(move || entered_rx.recv().expect("sequencer entered"))
        .await
        .expect("join");
    let (status, second) = server
        .submit(&register("b", "cooperative", &key(2), None))
        .await;
    assert_eq!(status, 429, "{second}");
    assert_eq!(second["error"], "busy");
    release_tx.send(()).expect("release");
    assert_eq!(first.await.expect("first").0, 201);
    let (status, again) = server
        .submit(&register("b", "cooperative", &key(2), None))
        .await;
    assert_eq!(status, 201, "the budget is free again: {again}");
}

/// Each submission is counted once in `/metrics`, whichever stage refused it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_each_submission_once_by_outcome() {
    let server = TestServer::start().await;
    let env = register("htx-1", "cooperative", &key(1), None);
    assert_eq!(server.submit(&env).await.0, 201);
    assert_eq!(server.submit(&env).await.0, 200);
    // Refused by the sequencer's rules (401) and by the edge (400).
    let wrong_key = Envelope::sign(
        statement(
            "actor.register",
            REGISTRAR,
            json!({"id": "x", "role": "business", "name": "X", "key": "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=", "region": {"province": "Huế"}}),
        ),
        &key(1),
    );
    assert_eq!(server.submit(&wrong_key).await.0, 401);
    assert_eq!(server.post_raw(b"nope".to_vec()).await.0, 400);
    let (_, text) = server.get_text("/metrics").await;
    for line in [
        r#"coop_ledger_submissions_total{outcome="accepted"} 1"#,
        r#"coop_ledger_submissions_total{outcome="duplicate"} 1"#,
        r#"coop_ledger_submissions_total{outcome="not_current_key"} 1"#,
        r#"coop_ledger_submissions_total{outcome="malformed_json"} 1"#,
        "coop_ledger_tree_size 2",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "missing {line:?} in:\n{text}"
        );
    }
}

/// Issue 15: the signing app picks a cooperative's members from a list.
/// The list names a member only when it agreed to be named (a private
/// name never appears in the answer), gives its commune in words, keeps
/// to its cooperative, and holds to its page limit (100) with `next`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_15_a_cooperatives_members_list_names_only_who_consented_and_holds_its_limit() {
    let server = TestServer::start().await;
    let ok = async |env: &Envelope| {
        let (status, body) = server.submit(env).await;
        assert_eq!(status, 201, "{body}");
    };
    ok(&register("htx-a", "cooperative", &key(1), None)).await;
    ok(&register("htx-b", "cooperative", &key(2), None)).await;
    // 104 members not named ("Tên tv-…" is in their registration, not to
    // be shown), one named, and one of the other cooperative.
    for n in 0..104u32 {
        ok(&register(
            &format!("tv-a{n:03}"),
            "member",
            &key(100 + n),
            Some("htx-a"),
        ))
        .await;
    }
    let named = json!({"id": "tv-a999", "role": "member", "name": "Hộ bà Công Khai",
        "key": coop_ledger::domain::keys::PublicKey::from(key(300).verifying_key()).to_string(),
        "region": {"province": "Bắc Giang", "commune": "Xã Hồng Giang"},
        "cooperative": "htx-a", "public": true});
    ok(&common::signed_at(
        REGISTRAR,
        &registrar_key(),
        "actor.register",
        &common::now(),
        named,
    ))
    .await;
    ok(&register("tv-b000", "member", &key(301), Some("htx-b"))).await;

    let (status, first) = server.get("/api/v1/actors/htx-a/members").await;
    assert_eq!(status, 200, "{first}");
    let page = first["members"].as_array().expect("members");
    assert_eq!(page.len(), 100, "the page limit holds");
    assert_eq!(page[0]["id"], "tv-a000");
    assert_eq!(page[0]["role"], "member");
    assert_eq!(page[0]["status"], "active");
    assert!(page[0]["name"].is_null(), "{}", page[0]);
    assert_eq!(first["next"], "tv-a099");
    let (_, rest) = server
        .get("/api/v1/actors/htx-a/members?after=tv-a099")
        .await;
    let ids: Vec<&str> = rest["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| m["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, ["tv-a100", "tv-a101", "tv-a102", "tv-a103", "tv-a999"]);
    assert!(rest["next"].is_null(), "{rest}");
    let last = &rest["members"][4];
    assert_eq!(last["name"], "Hộ bà Công Khai");
    assert_eq!(last["commune"], "Xã Hồng Giang");
    // No private name in any page's text, and no member of another
    // cooperative.
    for path in [
        "/api/v1/actors/htx-a/members",
        "/api/v1/actors/htx-a/members?after=tv-a099",
    ] {
        let (_, text) = server.get_text(path).await;
        assert!(
            !text.contains("Tên tv-"),
            "{path} names a member who did not consent"
        );
        assert!(!text.contains("tv-b000"), "{path}");
    }
    let (_, two) = server.get("/api/v1/actors/htx-a/members?limit=2").await;
    assert_eq!(two["members"].as_array().map(Vec::len), Some(2));
    assert_eq!(two["next"], "tv-a001");
    let (_, capped) = server.get("/api/v1/actors/htx-a/members?limit=1000").await;
    assert_eq!(capped["members"].as_array().map(Vec::len), Some(100));
    let (status, zero) = server.get("/api/v1/actors/htx-a/members?limit=0").await;
    assert_eq!((status, zero["error"].as_str()), (400, Some("bad_query")));
    let (status, unknown) = server.get("/api/v1/actors/htx-zz/members").await;
    assert_eq!(
        (status, unknown["error"].as_str()),
        (404, Some("unknown_actor"))
    );

    // The latest entries a signer signed, most recent first, bounded.
    let (status, signed) = server
        .get(&format!("/api/v1/actors/{REGISTRAR}/entries?limit=3"))
        .await;
    assert_eq!(status, 200, "{signed}");
    let entries = signed["entries"].as_array().expect("entries");
    let seen: Vec<(u64, &str, &str)> = entries
        .iter()
        .map(|e| {
            (
                e["index"].as_u64().expect("index"),
                e["type"].as_str().expect("type"),
                e["actor"].as_str().expect("actor"),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (108, "actor.register", "tv-b000"),
            (107, "actor.register", "tv-a999"),
            (106, "actor.register", "tv-a103")
        ]
    );
    assert_eq!(signed["truncated"], true);
    let (_, all) = server
        .get(&format!("/api/v1/actors/{REGISTRAR}/entries?limit=500"))
        .await;
    assert_eq!(
        all["entries"].as_array().map(Vec::len),
        Some(50),
        "capped at 50"
    );
    let (_, none) = server.get("/api/v1/actors/htx-a/entries").await;
    assert_eq!(none["entries"], json!([]));
    assert_eq!(none["truncated"], false);
}

/// Issue 15: a partner the clerk has never dealt with (the business of a
/// cooperative's first contract offer) was typed as an id. `GET
/// /api/v1/organisations` lists the active organisations on one side of a
/// contract, with their public names, in pages; never a member household.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_15_the_organisations_on_each_side_of_a_contract_are_listed_by_name() {
    use common::cast::*;
    let server = TestServer::with_cast().await;
    let ids = |v: &serde_json::Value| -> Vec<String> {
        v["organisations"]
            .as_array()
            .expect("organisations")
            .iter()
            .map(|o| o["id"].as_str().expect("id").to_owned())
            .collect()
    };
    let businesses = server.json("/api/v1/organisations?side=business").await;
    let mut want = vec![BUSINESS.to_owned(), BUSINESS2.to_owned()];
    want.sort();
    assert_eq!(ids(&businesses), want, "{businesses}");
    assert_eq!(businesses["next"], serde_json::Value::Null);
    for o in businesses["organisations"].as_array().expect("list") {
        assert_eq!(o["role"], "business");
        assert!(o["name"].as_str().is_some_and(|n| !n.is_empty()), "{o}");
    }
    let coops = server.json("/api/v1/organisations?side=cooperative").await;
    let mut want = vec![COOP.to_owned(), OTHER_COOP.to_owned(), GROUP.to_owned()];
    want.sort();
    assert_eq!(
        ids(&coops),
        want,
        "groups are on the cooperative side: {coops}"
    );
    let text = coops.to_string() + &businesses.to_string();
    for m in [MEMBER, MEMBER2, OTHER_MEMBER, AUDITOR] {
        assert!(
            !text.contains(m),
            "{m} is not an organisation of a contract"
        );
    }
    // Pages: one at a time, each after the last.
    let first = server
        .json("/api/v1/organisations?side=cooperative&limit=1")
        .await;
    assert_eq!(ids(&first), want[..1]);
    let after = first["next"].as_str().expect("next").to_owned();
    let second = server
        .json(&format!(
            "/api/v1/organisations?side=cooperative&limit=1&after={after}"
        ))
        .await;
    assert_eq!(ids(&second), want[1..2]);
    for bad in [
        "side=member",
        "side=business&limit=0",
        "side=business&after=a%20b",
        "",
    ] {
        let (status, body) = server.get(&format!("/api/v1/organisations?{bad}")).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (400, Some("bad_query")),
            "{bad}: {body}"
        );
    }
}
