//! Issue 13: no personal data in the public log. A member household's name
//! is only a salted commitment in a format-2 ledger; with its consent the
//! name travels beside the consent's envelope into an erasable store; a
//! withdrawal erases it from every answer at once and from the data
//! directory's files; every refusal keeps what is stored and the server
//! serving. All against the real server on 127.0.0.1:0 and the real data
//! directory.

mod common;

use common::*;
use coop_ledger::domain::builder::{self, StatementBuilder};
use coop_ledger::domain::envelope::Envelope;
use coop_ledger::domain::ids::ActorId;
use coop_ledger::domain::keys::PublicKey;
use coop_ledger::domain::places::{ProvinceCode, places};
use coop_ledger::domain::privacy::{Salt, name_commit};
use coop_ledger::domain::product::{Category, Origin};
use coop_ledger::domain::quantity::Unit;
use coop_ledger::domain::statement::{LedgerFormat, Region, Role};
use coop_ledger::service::OpenOptions;
use ed25519_dalek::SigningKey;
use serde_json::{Value, json};
use std::path::Path;

/// The household that consents, then withdraws.
const NAMED: &str = "Trần Thị Lan Anh";
/// The household that never consents: its name never reaches the server.
const UNNAMED: &str = "Lê Văn Bảo Khánh";

const COOP: &str = "htx-hoa-tu";
const SHOP: &str = "dn-gao-can-tho";
const MEMBER_NAMED: &str = "tv-k3m9q2x7pd";
const MEMBER_UNNAMED: &str = "tv-w8r4n6c2ha";
const LOT_NAMED: &str = "LUA-HT-01";
const LOT_UNNAMED: &str = "LUA-HT-02";

fn coop_key() -> SigningKey {
    key(21)
}
fn shop_key() -> SigningKey {
    key(22)
}
fn member_key(n: u32) -> SigningKey {
    key(30 + n)
}
fn salt_of(member: &str) -> Salt {
    Salt(*blake3::hash(member.as_bytes()).as_bytes())
}

/// Xã Hòa Tú, a commune of Cần Thơ (92) on the 2025 map, looked up by name.
fn hoa_tu() -> Region {
    let map = places().expect("places");
    let can_tho = ProvinceCode::parse("92").expect("code");
    let commune = map
        .communes_of(can_tho)
        .expect("Cần Thơ")
        .iter()
        .find(|c| c.name == "Xã Hòa Tú")
        .expect("Xã Hòa Tú");
    builder::coded_region(92, Some(commune.code.get()))
}

fn by(id: &str) -> StatementBuilder {
    StatementBuilder::new(&actor(id), time(&now()))
}

fn pk(k: &SigningKey) -> PublicKey {
    PublicKey::from(k.verifying_key())
}

/// The body of `POST /api/v1/entries`: the envelope and, beside it, a
/// disclosure.
fn with_disclosure(env: &Envelope, member: &str, name: &str, salt: &Salt) -> Vec<u8> {
    let mut body = serde_json::to_value(env).expect("json");
    body["disclosure"] = json!({"member": member, "name": name, "salt": salt.to_string()});
    serde_json::to_vec(&body).expect("json")
}

/// The unnamed household's true name and salt beside `env`.
fn unnamed_beside(env: &Envelope) -> Vec<u8> {
    with_disclosure(env, MEMBER_UNNAMED, UNNAMED, &salt_of(MEMBER_UNNAMED))
}

fn consent(member: &str, public: bool) -> Envelope {
    by(COOP)
        .consent(&actor(member), public)
        .form_of(format!("phiếu đồng ý {member} {public}").as_bytes())
        .sign(&coop_key())
}

/// A format-2 ledger with a cooperative, a business, two member
/// households (one consents and is named, one is not), a batch by each, a
/// contract and a shipment under it.
async fn cast() -> TestServer {
    let dir = tempfile::tempdir().expect("tempdir");
    init_ledger_in(dir.path(), LedgerFormat::V2);
    let s = TestServer::serve_dir(dir, OpenOptions::default()).await;
    let ok = |(status, body): (u16, Value)| {
        assert!(status == 201 || status == 200, "{status} {body}");
        body
    };
    let reg = registrar_key();
    ok(s.submit(
        &by(REGISTRAR)
            .register(
                &actor(COOP),
                Role::Cooperative,
                "HTX Nông nghiệp Hòa Tú",
                pk(&coop_key()),
                hoa_tu(),
            )
            .sign(&reg),
    )
    .await);
    ok(s.submit(
        &by(REGISTRAR)
            .register(
                &actor(SHOP),
                Role::Business,
                "Công ty Gạo Cần Thơ",
                pk(&shop_key()),
                builder::coded_region(92, None),
            )
            .sign(&reg),
    )
    .await);
    for (n, (member, name)) in [(MEMBER_NAMED, NAMED), (MEMBER_UNNAMED, UNNAMED)]
        .into_iter()
        .enumerate()
    {
        let commit = name_commit(&salt_of(member), name);
        ok(s.submit(
            &by(COOP)
                .register_member(&actor(member), commit, pk(&member_key(n as u32)), hoa_tu())
                .cooperative(&actor(COOP))
                .sign(&coop_key()),
        )
        .await);
    }
    ok(s.post_raw(with_disclosure(
        &consent(MEMBER_NAMED, true),
        MEMBER_NAMED,
        NAMED,
        &salt_of(MEMBER_NAMED),
    ))
    .await);
    // The named household logs its own harvest; the cooperative logs the
    // other's, naming it as producer.
    let origin = || Origin {
        lat: Some(9.49),
        lon: Some(105.99),
        ..builder::place("Xã Hòa Tú, Thành phố Cần Thơ")
    };
    let rice = || builder::product(Category::Rice, "Lúa ST25");
    ok(s.submit(
        &by(MEMBER_NAMED)
            .batch_create(&lot(LOT_NAMED), rice(), quantity("800", Unit::Kg), origin())
            .sign(&member_key(0)),
    )
    .await);
    ok(s.submit(
        &by(COOP)
            .batch_create(
                &lot(LOT_UNNAMED),
                rice(),
                quantity("1200", Unit::Kg),
                origin(),
            )
            .producer(&actor(MEMBER_UNNAMED))
            .sign(&coop_key()),
    )
    .await);
    let contract = coop_ledger::domain::ids::ContractId::parse("HD-HT-2026").expect("id");
    let days = (
        coop_ledger::domain::time::Day::parse(&day(-30)).expect("day"),
        coop_ledger::domain::time::Day::parse(&day(300)).expect("day"),
    );
    ok(s.submit(
        &by(SHOP)
            .contract_offer(&contract, &actor(COOP), &actor(SHOP), Category::Rice, days)
            .sign(&shop_key()),
    )
    .await);
    ok(
        s.submit(&by(COOP).contract_accept(&contract).sign(&coop_key()))
            .await,
    );
    ok(s.submit(
        &by(COOP)
            .ship(&lot(LOT_UNNAMED), &actor(SHOP))
            .contract(&contract)
            .sign(&coop_key()),
    )
    .await);
    ok(
        s.submit(&by(SHOP).receive(&lot(LOT_UNNAMED), true).sign(&shop_key()))
            .await,
    );
    // A careless client sends the unnamed household's name anyway, on every
    // path that must refuse it: a registration with the plain name, the
    // name beside its withdrawal, beside another member's consent, and
    // with the wrong salt. Each is refused and none may keep the name.
    let plain = by(COOP)
        .register(
            &actor("tv-q7w3e9r5t1"),
            Role::Member,
            UNNAMED,
            pk(&member_key(7)),
            hoa_tu(),
        )
        .cooperative(&actor(COOP))
        .sign(&coop_key());
    let (status, _) = s.submit(&plain).await;
    assert_eq!(status, 400);
    for body in [
        unnamed_beside(&consent(MEMBER_UNNAMED, false)),
        unnamed_beside(&consent(MEMBER_NAMED, true)),
        with_disclosure(
            &consent(MEMBER_UNNAMED, true),
            MEMBER_UNNAMED,
            UNNAMED,
            &Salt([5; 32]),
        ),
    ] {
        let (status, answer) = s.post_raw(body).await;
        assert_eq!(status, 400, "{answer}");
        assert!(
            !answer.to_string().contains(UNNAMED),
            "a refusal echoes no name: {answer}"
        );
    }
    s
}

/// Every answer a reader can ask of the cast's ledger, by path.
async fn every_answer(s: &TestServer) -> Vec<(String, String)> {
    let today = day(0);
    let mut paths = vec![
        "/api/v1/entries?start=0&limit=1000".to_owned(),
        "/api/v1/checkpoint".to_owned(),
        "/api/v1/ledger".to_owned(),
        format!("/api/v1/epcis?from={}&to={}", day(-1), day(1)),
        format!("/api/v1/linkage?from={}&to={}", day(-60), today),
        format!("/api/v1/linkage.csv?from={}&to={}", day(-60), today),
        format!("/linkage?from={}&to={}", day(-60), today),
        "/metrics".to_owned(),
        "/api/v1/contracts/HD-HT-2026".to_owned(),
    ];
    for a in [COOP, SHOP, MEMBER_NAMED, MEMBER_UNNAMED] {
        paths.push(format!("/api/v1/actors/{a}"));
        paths.push(format!("/api/v1/actors/{a}/batches"));
        paths.push(format!("/api/v1/actors/{a}/custody"));
    }
    for b in [LOT_NAMED, LOT_UNNAMED] {
        for p in ["", "/trace", "/epcis", "/events.csv"] {
            paths.push(format!("/api/v1/batches/{b}{p}"));
        }
        for p in ["", "?lang=en", "/labels?count=2", "/qr.svg"] {
            paths.push(format!("/b/{b}{p}"));
        }
    }
    let mut answers = Vec::new();
    for p in paths {
        let (status, text) = s.get_text(&p).await;
        assert_eq!(status, 200, "{p}: {text}");
        answers.push((p, text));
    }
    // The log serves leaves as base64: search their text too.
    let (_, entries) = s.get("/api/v1/entries?start=0&limit=1000").await;
    let leaves: Vec<String> = entries["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| {
            let b64 = e["leaf"].as_str().expect("leaf");
            let bytes = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, b64)
                .expect("base64");
            String::from_utf8(bytes).expect("utf-8")
        })
        .collect();
    assert!(
        leaves.iter().any(|l| l.contains("name_commit")),
        "the leaves were read"
    );
    answers.push((
        "/api/v1/entries (leaves decoded)".to_owned(),
        leaves.join("\n"),
    ));
    answers
}

/// The bytes of every file under `dir`, by path.
fn files_under(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).expect("dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                todo.push(p);
            } else if p.file_name().is_some_and(|n| n != "LOCK") {
                out.push((p.display().to_string(), std::fs::read(&p).expect("read")));
            }
        }
    }
    out
}

fn holds(bytes: &[u8], needle: &str) -> bool {
    let n = needle.as_bytes();
    bytes.windows(n.len()).any(|w| w == n)
}

fn files_holding(dir: &Path, needle: &str) -> Vec<String> {
    files_under(dir)
        .into_iter()
        .filter(|(_, b)| holds(b, needle))
        .map(|(p, _)| p)
        .collect()
}

fn answers_holding(answers: &[(String, String)], needle: &str) -> Vec<String> {
    answers
        .iter()
        .filter(|(_, t)| t.contains(needle))
        .map(|(p, _)| p.clone())
        .collect()
}

/// Issue 13: a household registered without consent is named in no answer
/// of any endpoint and in no file of the data directory; the household that
/// consented is named where a name may be shown, and its name is in the
/// disclosure store only, never in leaves.log or the views.
#[tokio::test]
async fn a_household_without_consent_is_named_nowhere() {
    let s = cast().await;
    let answers = every_answer(&s).await;
    assert_eq!(answers_holding(&answers, UNNAMED), Vec::<String>::new());
    assert!(
        !answers.iter().any(|(_, t)| t.contains("Lê Văn")),
        "not even part of the name"
    );
    // The consenting household is named by the actor answer and on its
    // batch's page (so this search would find a name that leaked).
    let named = answers_holding(&answers, NAMED);
    assert!(
        named.contains(&format!("/api/v1/actors/{MEMBER_NAMED}")),
        "{named:?}"
    );
    assert!(named.contains(&format!("/b/{LOT_NAMED}")), "{named:?}");
    // Never in the public log, nor in any export.
    for p in &named {
        assert!(!p.starts_with("/api/v1/entries"), "{p}");
        assert!(
            !p.contains("epcis") && !p.contains(".csv"),
            "{p} is an export"
        );
    }
    // The ids are opaque: no part of either name is in them.
    for (id, name) in [(MEMBER_NAMED, NAMED), (MEMBER_UNNAMED, UNNAMED)] {
        let plain = coop_ledger::domain::places::normalize_name(name);
        assert!(
            plain.split(' ').all(|w| !id.contains(w)),
            "{id} is built from {name}"
        );
    }
    // A verifier learns the format, and each member's commitment and
    // consent, from the answers.
    let (_, info) = s.get("/api/v1/ledger").await;
    assert_eq!(info["format"], json!(2));
    let (_, a) = s.get(&format!("/api/v1/actors/{MEMBER_UNNAMED}")).await;
    let commit = name_commit(&salt_of(MEMBER_UNNAMED), UNNAMED).to_string();
    assert_eq!(
        (&a["name_commit"], &a["public"], &a["name"]),
        (&json!(commit), &json!(false), &Value::Null)
    );
    let (_, a) = s.get(&format!("/api/v1/actors/{MEMBER_NAMED}")).await;
    assert_eq!((&a["public"], &a["name"]), (&json!(true), &json!(NAMED)));
    // Stopped, so that sled has written everything it holds.
    let dir = s.stop().await;
    assert_eq!(files_holding(dir.path(), UNNAMED), Vec::<String>::new());
    let holding = files_holding(dir.path(), NAMED);
    assert_eq!(holding.len(), 1, "{holding:?}");
    assert!(holding[0].contains("/disclosures/"), "{holding:?}");
}

/// Issue 13: a withdrawal takes the name out of every answer at once (a
/// page cached before it included) and out of every file of the data
/// directory; after a restart too, also when a crash left the disclosure's
/// file behind; and the ledger still audits clean.
#[tokio::test]
async fn a_withdrawal_erases_the_name_from_every_answer_and_file() {
    let s = cast().await;
    // No browser or proxy may keep a copy of a page that names someone.
    for path in [format!("/b/{LOT_NAMED}"), format!("/b/{LOT_NAMED}/labels")] {
        let resp = s
            .client
            .get(format!("{}{path}", s.url))
            .send()
            .await
            .expect("get");
        assert_eq!(resp.headers()["cache-control"], "no-store", "{path}");
    }
    let (_, page) = s.get_text(&format!("/b/{LOT_NAMED}")).await;
    assert!(
        page.contains(NAMED),
        "the page names the household while it consents"
    );
    let stored = files_under(&s.dir.path().join("disclosures"));
    assert_eq!(stored.len(), 1);

    let (status, body) = s.submit(&consent(MEMBER_NAMED, false)).await;
    assert_eq!(status, 201, "{body}");
    let answers = every_answer(&s).await;
    assert_eq!(answers_holding(&answers, NAMED), Vec::<String>::new());
    let (_, actor_answer) = s.get(&format!("/api/v1/actors/{MEMBER_NAMED}")).await;
    assert_eq!(actor_answer["name"], Value::Null, "{actor_answer}");
    assert_eq!(files_holding(s.dir.path(), NAMED), Vec::<String>::new());

    // A crash between the withdrawal's commit and its erasure would leave
    // the file: put it back while the server is stopped; the next start
    // erases it before serving.
    let dir = s.stop().await;
    let (path, bytes) = &stored[0];
    std::fs::write(path, bytes).expect("the file a crash left");
    let s = TestServer::serve_dir(dir, OpenOptions::default()).await;
    assert_eq!(files_holding(s.dir.path(), NAMED), Vec::<String>::new());
    let answers = every_answer(&s).await;
    assert_eq!(answers_holding(&answers, NAMED), Vec::<String>::new());

    let dir = s.stop().await;
    assert_eq!(files_holding(dir.path(), NAMED), Vec::<String>::new());
    let d = dir.path().display().to_string();
    let (code, out) = run_cli(&["audit", "--data", &d]);
    assert_eq!(code, 0, "the format-2 ledger audits clean: {out}");
}

/// Issue 13: a consent sent again (a phone retrying after a lost answer)
/// with its disclosure keeps the disclosure; a consent logged without one
/// can be completed so, and a page cached before shows the name at once.
#[tokio::test]
async fn a_retried_consent_keeps_its_disclosure() {
    let s = cast().await;
    // The unnamed household now agrees, but the answer to its first try
    // was lost and the disclosure did not go with it.
    let env = consent(MEMBER_UNNAMED, true);
    let (status, _) = s.submit(&env).await;
    assert_eq!(status, 201);
    let (_, a) = s.get(&format!("/api/v1/actors/{MEMBER_UNNAMED}")).await;
    assert_eq!(
        a["name"],
        Value::Null,
        "consent without a disclosure names no one"
    );
    // The batch page, rendered and cached now, names no household.
    let (_, page) = s.get_text(&format!("/b/{LOT_UNNAMED}")).await;
    assert!(!page.contains(UNNAMED));
    let (status, body) = s.post_raw(unnamed_beside(&env)).await;
    assert_eq!(status, 200, "a duplicate: {body}");
    let (_, a) = s.get(&format!("/api/v1/actors/{MEMBER_UNNAMED}")).await;
    assert_eq!(a["name"], json!(UNNAMED));
    // The retry logged no leaf, yet the page cached before it is not
    // served again: it names the household now.
    let (_, page) = s.get_text(&format!("/b/{LOT_UNNAMED}")).await;
    assert!(
        page.contains(UNNAMED),
        "the page cached before the disclosure"
    );
}

/// What a refusal must leave alone: the tree, the leaf file and the
/// disclosure store.
fn stored(dir: &Path) -> (Vec<u8>, Vec<(String, Vec<u8>)>) {
    (
        std::fs::read(dir.join("leaves.log")).expect("leaves.log"),
        files_under(&dir.join("disclosures")),
    )
}

/// One refusal case: what it is, the body sent, the status and code
/// expected, and a text the message must hold.
type Refused = (
    &'static str,
    Vec<u8>,
    u16,
    &'static str,
    Option<&'static str>,
);

/// Issue 13: a plain member name, precise coordinates, an unknown province
/// or commune code, a disclosure that does not match or travels beside the
/// wrong statement: each is refused with its status and code and a
/// sentence in Vietnamese, nothing stored changes, and the server keeps
/// serving.
#[tokio::test]
async fn each_refusal_has_its_code_and_changes_nothing() {
    let s = cast().await;
    let new_key = member_key(9);
    let member = |region: Region| {
        by(COOP)
            .register_member(
                &actor("tv-zz1"),
                name_commit(&salt_of("tv-zz1"), "Đỗ Thị Mai"),
                pk(&new_key),
                region,
            )
            .cooperative(&actor(COOP))
    };
    let precise = Origin {
        lat: Some(9.4871),
        lon: Some(105.99),
        ..builder::place("Xã Hòa Tú, Thành phố Cần Thơ")
    };
    let cases: Vec<Refused> = vec![
        (
            "a member's plain name",
            serde_json::to_vec(
                &by(COOP)
                    .register(
                        &actor("tv-zz2"),
                        Role::Member,
                        "Đỗ Thị Mai",
                        pk(&new_key),
                        hoa_tu(),
                    )
                    .cooperative(&actor(COOP))
                    .sign(&coop_key()),
            )
            .expect("json"),
            400,
            "member_name_in_log",
            None,
        ),
        (
            "coordinates to 10 m",
            serde_json::to_vec(
                &by(COOP)
                    .batch_create(
                        &lot("LUA-HT-09"),
                        builder::product(Category::Rice, "Lúa"),
                        quantity("1", Unit::Kg),
                        precise,
                    )
                    .sign(&coop_key()),
            )
            .expect("json"),
            400,
            "too_precise",
            None,
        ),
        (
            "an old province's name",
            serde_json::to_vec(&member(builder::region("Sóc Trăng", None, None)).sign(&coop_key()))
                .expect("json"),
            400,
            "unknown_province",
            Some("closest is"),
        ),
        (
            "a province code that is none",
            serde_json::to_vec(&member(builder::coded_region(94, None)).sign(&coop_key()))
                .expect("json"),
            400,
            "unknown_province",
            Some("closest is"),
        ),
        (
            "a commune of no province of the code",
            serde_json::to_vec(&member(builder::coded_region(92, Some(70))).sign(&coop_key()))
                .expect("json"),
            400,
            "unknown_commune",
            Some("closest is"),
        ),
        (
            "a district",
            serde_json::to_vec(
                &member(builder::region("92", Some("Mỹ Xuyên"), None)).sign(&coop_key()),
            )
            .expect("json"),
            400,
            "malformed_statement",
            Some("districts"),
        ),
        (
            "a disclosure that does not open the commitment",
            with_disclosure(
                &consent(MEMBER_UNNAMED, true),
                MEMBER_UNNAMED,
                "Lê Văn Bảo Khanh",
                &salt_of(MEMBER_UNNAMED),
            ),
            400,
            "disclosure_mismatch",
            None,
        ),
        (
            "a disclosure with another salt",
            with_disclosure(
                &consent(MEMBER_UNNAMED, true),
                MEMBER_UNNAMED,
                UNNAMED,
                &Salt([0; 32]),
            ),
            400,
            "disclosure_mismatch",
            None,
        ),
        (
            "a disclosure beside a withdrawal",
            unnamed_beside(&consent(MEMBER_UNNAMED, false)),
            400,
            "disclosure_not_allowed",
            None,
        ),
        (
            "a disclosure of another member",
            unnamed_beside(&consent(MEMBER_NAMED, true)),
            400,
            "disclosure_not_allowed",
            None,
        ),
        (
            "a disclosure beside a batch",
            unnamed_beside(
                &by(COOP)
                    .batch_create(
                        &lot("LUA-HT-08"),
                        builder::product(Category::Rice, "Lúa"),
                        quantity("1", Unit::Kg),
                        builder::place("Xã Hòa Tú"),
                    )
                    .sign(&coop_key()),
            ),
            400,
            "disclosure_not_allowed",
            None,
        ),
        (
            "a disclosure without its salt",
            {
                let mut body = serde_json::to_value(consent(MEMBER_UNNAMED, true)).expect("json");
                body["disclosure"] = json!({"member": MEMBER_UNNAMED, "name": UNNAMED});
                serde_json::to_vec(&body).expect("json")
            },
            400,
            "malformed_envelope",
            None,
        ),
        (
            "a disclosure that is null",
            {
                let mut body = serde_json::to_value(consent(MEMBER_UNNAMED, true)).expect("json");
                body["disclosure"] = Value::Null;
                serde_json::to_vec(&body).expect("json")
            },
            400,
            "malformed_envelope",
            None,
        ),
        (
            "a cooperative's consent without the form",
            serde_json::to_vec(
                &by(COOP)
                    .consent(&actor(MEMBER_UNNAMED), true)
                    .sign(&coop_key()),
            )
            .expect("json"),
            400,
            "consent_form_missing",
            None,
        ),
        (
            "a business recording a member's consent",
            serde_json::to_vec(
                &by(SHOP)
                    .consent(&actor(MEMBER_UNNAMED), true)
                    .form_of(b"f")
                    .sign(&shop_key()),
            )
            .expect("json"),
            403,
            "not_allowed",
            None,
        ),
    ];
    let before = stored(s.dir.path());
    let size = s.ledger.size();
    for (what, body, status, code, detail) in cases {
        let (got, answer) = s.post_raw(body).await;
        assert_eq!(
            (got, answer["error"].as_str()),
            (status, Some(code)),
            "{what}: {answer}"
        );
        let message = answer["message"].as_str().unwrap_or_default();
        assert!(
            message
                .chars()
                .any(|c| "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ".contains(c)),
            "{what}: a sentence in Vietnamese: {message}"
        );
        if let Some(d) = detail {
            assert!(message.contains(d), "{what}: {message}");
        }
        assert_eq!(s.ledger.size(), size, "{what}: nothing logged");
        assert!(
            stored(s.dir.path()) == before,
            "{what}: nothing stored changed"
        );
        let (health, _) = s.get_text("/healthz").await;
        assert_eq!(health, 200, "{what}: the server keeps serving");
    }
    assert_eq!(files_holding(s.dir.path(), UNNAMED), Vec::<String>::new());
}

/// Issue 13: an old (format-1) ledger keeps its rules: it refuses what only
/// format 2 knows, and a member registered with a plain name there stays
/// valid.
#[tokio::test]
async fn a_format_1_ledger_keeps_its_rules() {
    let s = TestServer::start().await;
    let reg = registrar_key();
    let (status, _) = s
        .submit(&register(COOP, "cooperative", &coop_key(), None))
        .await;
    assert_eq!(status, 201);
    let (status, body) = s
        .submit(&register(
            MEMBER_UNNAMED,
            "member",
            &member_key(1),
            Some(COOP),
        ))
        .await;
    assert_eq!(status, 201, "a plain name is valid on format 1: {body}");
    let (status, body) = s.submit(&consent(MEMBER_UNNAMED, true)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (409, Some("needs_format_2")),
        "{body}"
    );
    let commit = name_commit(&salt_of("tv-x"), "Đỗ Thị Mai");
    let env = by(REGISTRAR)
        .register_member(
            &ActorId::parse("tv-x").expect("id"),
            commit,
            pk(&member_key(5)),
            builder::region("Cần Thơ", None, None),
        )
        .cooperative(&actor(COOP))
        .sign(&reg);
    let (status, body) = s.submit(&env).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (409, Some("needs_format_2")),
        "{body}"
    );
}

/// Issue 13: an auditor checks the names the operator keeps: each must
/// open its member's commitment, and the audit says which does not without
/// printing the name.
#[tokio::test]
async fn the_audit_checks_every_kept_name_against_its_commitment() {
    let dir = cast().await.stop().await;
    let d = dir.path().display().to_string();
    let (code, out) = run_cli(&["audit", "--data", &d]);
    assert_eq!(code, 0, "{out}");
    let kept = files_under(&dir.path().join("disclosures"));
    let (path, bytes) = &kept[0];
    let text = String::from_utf8(bytes.clone()).expect("utf-8");
    std::fs::write(path, text.replace(NAMED, "Trần Thị Lan Em")).expect("rewrite");
    let (code, out) = run_cli(&["audit", "--data", &d]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("not the one it committed to"), "{out}");
    assert!(!out.contains("Lan Em"), "the audit prints no name: {out}");
}

/// Issue 13: `coop-ledger submit` sends a disclosure written beside an
/// envelope signed earlier, and checks the receipt as for any envelope.
#[tokio::test]
async fn the_cli_submits_an_envelope_with_its_disclosure() {
    let s = cast().await;
    let files = tempfile::tempdir().expect("tempdir");
    let file = files.path().join("consent-with-name.json");
    std::fs::write(&file, unnamed_beside(&consent(MEMBER_UNNAMED, true))).expect("write");
    let (code, out) = cli(vec![
        "submit".into(),
        "--server".into(),
        s.url.clone(),
        file.display().to_string(),
    ])
    .await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("inclusion proof verified"), "{out}");
    assert!(!out.contains(UNNAMED), "the CLI prints no name: {out}");
    let (_, a) = s.get(&format!("/api/v1/actors/{MEMBER_UNNAMED}")).await;
    assert_eq!(a["name"], json!(UNNAMED));
}
