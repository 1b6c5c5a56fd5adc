//! The ledger's witnesses (spec §8.16, issue 14), against the real
//! `coop-ledger witness serve` (part W) as child processes:
//! - two witnesses and quorum 2: the checkpoint `GET /tlog/checkpoint`
//!   serves (and `DATA/witnessed` holds) carries both cosignatures, each
//!   verifying with `domain::cosignature` and with the independent
//!   `tests/independent/verify_cosignature.py`; `GET /api/v1/ledger`,
//!   `/metrics` and the receipt say so; a tlog-proof of an entry is proven
//!   by `verify-proof` and by `verify_tlog_proof.py` with both witnesses;
//!   and the buyer's page in Chromium says "checked by" with their labels;
//! - after a restart the witnessed checkpoint is served at once from
//!   `DATA/witnessed`, and the round that starts at old size 0 goes on
//!   from the size the witness's 409 names;
//! - a witness answering with lines of another key has not cosigned, and
//!   one that does not follow this log refuses;
//! - a witness that never answers times out while appends are answered;
//! - `serve --witness …` takes its witnesses from the command line;
//! - the signing app in Chromium warns when the ledger names other
//!   witnesses than the ones it pinned at set-up;
//! - one witness down: appends still answer 201, `GET /api/v1/ledger`
//!   shows it unreachable and counts its failures, `GET /tlog/checkpoint`
//!   is 404 `not_witnessed`, and the page in Chromium says "not yet
//!   witnessed".

mod common;

use common::browser::{Driver, screenshot};
use coop_ledger::domain::cosignature::WitnessKey;
use coop_ledger::service::witnessing::{WitnessSpec, WitnessingConfig};
use fantoccini::Locator;
use serde_json::Value;
use std::time::{Duration, Instant};

/// How long a test waits for the witnesses before it fails.
const PATIENCE: Duration = Duration::from_secs(60);

/// A real `coop-ledger witness serve`, killed on drop.
struct RealWitness {
    server: common::ChildServer,
    key: WitnessKey,
    _dir: tempfile::TempDir,
}

impl RealWitness {
    /// `witness init --name NAME --log LOG_VKEY`, then `witness serve`.
    fn start(name: &str, log_vkey: &str) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path().join("w").display().to_string();
        let (code, out) = common::run_cli(&[
            "witness", "init", "--data", &d, "--name", name, "--log", log_vkey,
        ]);
        assert_eq!(code, 0, "witness init: {out}");
        let vkey = out.lines().next().expect("the vkey line");
        let key = WitnessKey::parse(vkey).expect("witness init prints its vkey first");
        let server = common::ChildServer::spawn(&[
            "witness",
            "serve",
            "--data",
            &d,
            "--listen",
            "127.0.0.1:0",
        ]);
        Self {
            server,
            key,
            _dir: dir,
        }
    }

    fn spec(&self, label: Option<&str>) -> WitnessSpec {
        WitnessSpec {
            key: self.key.clone(),
            url: self.server.url.clone(),
            label: label.map(str::to_owned),
        }
    }
}

impl Drop for RealWitness {
    fn drop(&mut self) {
        let _ = self.server.child.kill();
        let _ = self.server.child.wait();
    }
}

/// A witness nobody answers for: a port that was free a moment ago.
fn down_witness(name: &str) -> WitnessSpec {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let key = coop_ledger::domain::cosignature::Cosigner::new(name, common::key(4242))
        .expect("cosigner")
        .witness_key()
        .clone();
    WitnessSpec {
        key,
        url: format!("http://127.0.0.1:{port}"),
        label: None,
    }
}

/// The note vkey of a log that is not the test's ledger.
fn other_log_vkey() -> String {
    let key = coop_ledger::domain::keys::PublicKey::from(common::key(4343).verifying_key());
    coop_ledger::domain::checkpoint::note_vkey("other.example/log", &key)
}

/// Waits until `done` holds of `GET /api/v1/ledger`, woken by each change
/// of the witness board (no sleeping, no busy loop), at most [`PATIENCE`].
async fn until_ledger(
    server: &common::TestServer,
    what: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let mut rx = server.ledger.witnesses().expect("witnesses").watch();
    let deadline = Instant::now() + PATIENCE;
    loop {
        rx.borrow_and_update();
        let (_, info) = server.get("/api/v1/ledger").await;
        if done(&info) {
            return info;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(
            tokio::time::timeout(left, rx.changed()).await.is_ok(),
            "{what} within {PATIENCE:?}; the ledger says {info}"
        );
    }
}

/// Submits registrations `from..to` (each a new cooperative).
async fn grow(server: &common::TestServer, from: u32, to: u32) -> Vec<Value> {
    let mut receipts = Vec::new();
    for n in from..to {
        let env = common::register(
            &format!("htx-w{n}"),
            "cooperative",
            &common::key(500 + n),
            None,
        );
        let (status, body) = server.submit(&env).await;
        assert_eq!(status, 201, "{body}");
        receipts.push(body);
    }
    receipts
}

fn start(server: &common::TestServer, witnesses: Vec<WitnessSpec>, quorum: usize) {
    let config = WitnessingConfig::new(witnesses, Some(quorum)).expect("config");
    server
        .ledger
        .start_witnessing(config)
        .expect("start witnessing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_witnesses_cosign_the_published_checkpoint_and_the_page_says_checked_by_them() {
    let server = common::TestServer::with_shop().await;
    let vkey = server.ledger.info().note_vkey;
    let w1 = RealWitness::start("witness.example/w1", &vkey);
    let w2 = RealWitness::start("witness.example/w2", &vkey);
    start(
        &server,
        vec![w1.spec(Some("Liên minh HTX tỉnh Bắc Giang")), w2.spec(None)],
        2,
    );
    grow(&server, 0, 3).await;
    let size = server.ledger.size();
    let info = until_ledger(&server, "both witnesses cosign the tip", |i| {
        i["witnessed_size"].as_u64() == Some(size)
    })
    .await;
    assert_eq!(info["witness_quorum"], 2);
    for (w, k) in info["witnesses"]
        .as_array()
        .expect("witnesses")
        .iter()
        .zip([&w1, &w2])
    {
        assert_eq!(w["name"], k.key.name());
        assert_eq!(w["vkey"], k.key.vkey());
        assert_eq!(w["url"], k.server.url);
        assert_eq!(w["status"], "cosigned", "{w}");
        assert_eq!(w["cosigned_size"].as_u64(), Some(size), "{w}");
    }

    // What a tlog-tiles client reads: the witnessed note, with the ledger's
    // signature and both cosignatures, each verifying.
    let (status, note) = server.get_text("/tlog/checkpoint").await;
    assert_eq!(status, 200, "{note}");
    let verifier = server.verifier().await;
    let body = verifier.verify(&note, None).expect("the ledger signed it");
    assert_eq!(body.size, size);
    for w in [&w1, &w2] {
        assert!(
            matches!(w.key.cosigned(&note), Ok(Some(t)) if t > 0),
            "{} cosigned: {note}",
            w.key.name()
        );
    }
    let kept =
        std::fs::read_to_string(server.dir.path().join("witnessed")).expect("DATA/witnessed");
    assert_eq!(kept, note, "DATA/witnessed is what is served");
    // The independent verifier of part W, from tlog-cosignature alone.
    let note_file = server.dir.path().join("note.txt");
    std::fs::write(&note_file, &note).expect("write note");
    for w in [&w1, &w2] {
        let out = common::run_independent(
            "verify_cosignature.py",
            vec![
                w.key.vkey(),
                note_file.display().to_string(),
                "--log-vkey".into(),
                vkey.clone(),
            ],
        )
        .await;
        assert_eq!(out.status.code(), Some(0), "{}", common::transcript(&out));
    }
    // The latest signed checkpoint carries what was gathered for it too.
    let (_, latest) = server.get_text("/api/v1/checkpoint").await;
    assert_eq!(latest, note);

    // The metrics and the next receipt say so (the receipt never waits).
    let (_, metrics) = server.get_text("/metrics").await;
    assert!(
        metrics.contains(&format!(
            "coop_ledger_witness_cosigned_size{{witness=\"witness.example/w1\"}} {size}"
        )),
        "{metrics}"
    );
    let receipt = grow(&server, 3, 4).await.remove(0);
    assert_eq!(
        receipt["witnessed"]["size"].as_u64(),
        Some(size),
        "{receipt}"
    );
    assert_eq!(
        receipt["witnessed"]["by"],
        serde_json::json!(["witness.example/w1", "witness.example/w2"])
    );
    let size = server.ledger.size();
    until_ledger(&server, "the witnesses follow the next tree", |i| {
        i["witnessed_size"].as_u64() == Some(size)
    })
    .await;

    // A tlog-proof of entry 3 leads to the witnessed checkpoint: proven
    // with both witnesses, by the CLI and by the Python verifier.
    let (status, proof) = server.get_text("/api/v1/entries/3/tlog-proof").await;
    assert_eq!(status, 200);
    let proof_file = server.dir.path().join("entry-3.tlog-proof");
    std::fs::write(&proof_file, &proof).expect("write proof");
    let key = server.ledger.info().public_key.to_string();
    let p = proof_file.display().to_string();
    let mut args = vec![
        "verify-proof".to_owned(),
        p.clone(),
        "--ledger-key".into(),
        key.clone(),
    ];
    for w in [&w1, &w2] {
        args.extend(["--witness".to_owned(), w.key.vkey()]);
    }
    let (code, out) = common::cli(args).await;
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("witness witness.example/w1 cosigned this checkpoint at"),
        "{out}"
    );
    assert!(
        out.contains("PROVEN (2 of 2 witnesses cosigned, 2 needed)"),
        "{out}"
    );
    let mut py = vec![p, "--ledger-key".into(), key];
    for w in [&w1, &w2] {
        py.extend(["--witness".to_owned(), w.key.vkey()]);
    }
    let out = common::run_independent("verify_tlog_proof.py", py.clone()).await;
    assert_eq!(out.status.code(), Some(0), "{}", common::transcript(&out));
    py.extend(["--tamper".to_owned(), "cosignature".to_owned()]);
    let out = common::run_independent("verify_tlog_proof.py", py).await;
    assert_eq!(out.status.code(), Some(1), "{}", common::transcript(&out));

    // Each step of the page links to its entry's proof.
    let (_, html) = server
        .get_text("/01/08935049501503/10/vai-hop-01?lang=en")
        .await;
    let steps: Vec<&str> = html
        .split("<li data-leaf=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    assert!(!steps.is_empty(), "{html}");
    for index in steps {
        assert!(
            html.contains(&format!(
                "href=\"/api/v1/entries/{index}/tlog-proof\" download>"
            )),
            "a proof link for entry {index}"
        );
    }

    // The buyer's page, on a phone: checked by both, by their labels.
    let driver = Driver::start();
    let profile = tempfile::tempdir().expect("profile");
    let c = driver.browser(profile.path()).await;
    let page = format!("{}/01/08935049501503/10/vai-hop-01?lang=en", server.url);
    let (state, text) = witness_badge(&c, &page, "buyer-witnessed-en.png").await;
    assert_eq!(state, "checked", "{text}");
    assert_eq!(
        text,
        "✔ checked by Liên minh HTX tỉnh Bắc Giang, witness.example/w2"
    );
    let vi = format!("{}/01/08935049501503/10/vai-hop-01", server.url);
    let (state, text) = witness_badge(&c, &vi, "buyer-witnessed-vi.png").await;
    assert_eq!(state, "checked", "{text}");
    assert!(
        text.starts_with("✔ Đã được kiểm chứng bởi Liên minh HTX tỉnh Bắc Giang"),
        "{text}"
    );
    let _ = c.close().await;
}

/// Opens `url` and waits for the witness badge (and the chain's badge) to
/// settle; returns the witness badge's state and text.
async fn witness_badge(c: &fantoccini::Client, url: &str, shot: &str) -> (String, String) {
    c.goto(url).await.expect("goto");
    let css = r#"#witness-badge[data-state="checked"], #witness-badge[data-state="not-yet"]"#;
    let el = c
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("the witness badge settles on {url}: {e}"));
    let chain = c
        .find(Locator::Id("verify-badge"))
        .await
        .expect("badge")
        .attr("data-state")
        .await
        .expect("attr");
    assert_eq!(
        chain.as_deref(),
        Some("verified"),
        "the chain verifies on {url}"
    );
    screenshot(c, shot).await;
    let state = el
        .attr("data-state")
        .await
        .expect("attr")
        .unwrap_or_default();
    (state, el.text().await.expect("text"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_witness_down_never_blocks_appends_and_nothing_says_witnessed() {
    let server = common::TestServer::with_shop().await;
    let vkey = server.ledger.info().note_vkey;
    let up = RealWitness::start("witness.example/up", &vkey);
    start(
        &server,
        vec![up.spec(None), down_witness("witness.example/down")],
        2,
    );
    // Appends go on while one witness is down.
    let receipts = grow(&server, 0, 5).await;
    assert_eq!(
        receipts[4]["witnessed"],
        serde_json::json!({"size": 0, "by": []}),
        "no quorum yet"
    );
    let size = server.ledger.size();
    let info = until_ledger(
        &server,
        "the down witness is seen down and the other cosigns",
        |i| {
            i["witnesses"][1]["status"] == "unreachable"
                && i["witnesses"][0]["cosigned_size"].as_u64() == Some(size)
        },
    )
    .await;
    assert_eq!(info["witnessed_size"], Value::Null, "{info}");
    assert!(
        info["witnesses"][1]["detail"]
            .as_str()
            .is_some_and(|d| d.contains("cannot reach")),
        "{info}"
    );
    let (_, metrics) = server.get_text("/metrics").await;
    assert!(
        metrics.lines().any(|l| l
            .starts_with("coop_ledger_witness_failures_total{witness=\"witness.example/down\"}")
            && !l.ends_with(" 0")),
        "{metrics}"
    );
    let (status, body) = server.get("/tlog/checkpoint").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (404, Some("not_witnessed"))
    );
    assert!(!server.dir.path().join("witnessed").exists());
    // The latest signed checkpoint carries the one cosignature gathered.
    let (_, latest) = server.get_text("/api/v1/checkpoint").await;
    assert!(matches!(up.key.cosigned(&latest), Ok(Some(_))), "{latest}");

    // The page, on a phone: the chain verifies, but not yet witnessed.
    let driver = Driver::start();
    let profile = tempfile::tempdir().expect("profile");
    let c = driver.browser(profile.path()).await;
    let page = format!("{}/01/08935049501503/10/vai-hop-01?lang=en", server.url);
    let (state, text) = witness_badge(&c, &page, "buyer-not-witnessed-en.png").await;
    assert_eq!(
        (state.as_str(), text.as_str()),
        ("not-yet", "not yet witnessed")
    );
    let vi = format!("{}/01/08935049501503/10/vai-hop-01", server.url);
    let (_, text) = witness_badge(&c, &vi, "buyer-not-witnessed-vi.png").await;
    assert_eq!(text, "Chưa được bên chứng kiến xác nhận");
    let _ = c.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_restart_the_witnessed_checkpoint_is_served_at_once_and_the_witness_catches_up() {
    let server = common::TestServer::start().await;
    let vkey = server.ledger.info().note_vkey;
    let w = RealWitness::start("witness.example/w1", &vkey);
    start(&server, vec![w.spec(None)], 1);
    grow(&server, 0, 3).await;
    let before = server.ledger.size();
    until_ledger(&server, "the witness cosigns", |i| {
        i["witnessed_size"].as_u64() == Some(before)
    })
    .await;
    let (_, kept) = server.get_text("/tlog/checkpoint").await;
    let dir = server.stop().await;

    // The restarted server reads DATA/witnessed back before any round.
    let server = common::TestServer::serve_dir(dir, Default::default()).await;
    start(&server, vec![w.spec(None)], 1);
    let (status, served) = server.get_text("/tlog/checkpoint").await;
    assert_eq!((status, served), (200, kept));
    // It starts from old size 0; the witness answers 409 with the size it
    // holds, and the round is sent again from there.
    grow(&server, 3, 5).await;
    let after = server.ledger.size();
    let info = until_ledger(&server, "the witness cosigns the new tree", |i| {
        i["witnessed_size"].as_u64() == Some(after)
    })
    .await;
    assert_eq!(info["witnesses"][0]["status"], "cosigned", "{info}");
    let (_, note) = server.get_text("/tlog/checkpoint").await;
    assert!(matches!(w.key.cosigned(&note), Ok(Some(_))), "{note}");
    let (_, metrics) = server.get_text("/metrics").await;
    assert!(
        !metrics.contains("coop_ledger_witness_failures_total{witness=\"witness.example/w1\"}"),
        "a 409 is part of a round, not a failure: {metrics}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lines_that_do_not_verify_with_the_configured_key_are_not_a_cosignature() {
    let server = common::TestServer::start().await;
    let vkey = server.ledger.info().note_vkey;
    let w1 = RealWitness::start("witness.example/w1", &vkey);
    let w2 = RealWitness::start("witness.example/w2", &vkey);
    // w1's key at w2's address: w2 cosigns, but with its own key.
    let wrong = WitnessSpec {
        url: w2.server.url.clone(),
        ..w1.spec(None)
    };
    // And a witness that follows another log only: it refuses.
    let stranger = RealWitness::start("witness.example/w3", &other_log_vkey());
    start(&server, vec![wrong, stranger.spec(None)], 1);
    grow(&server, 0, 2).await;
    let info = until_ledger(&server, "the answers are judged", |i| {
        i["witnesses"][0]["status"] == "bad_answer" && i["witnesses"][1]["status"] == "refused"
    })
    .await;
    assert!(
        info["witnesses"][1]["detail"]
            .as_str()
            .is_some_and(|d| d.starts_with("HTTP 404")),
        "{info}"
    );
    assert_eq!(info["witnessed_size"], Value::Null, "{info}");
    assert_eq!(info["witnesses"][0]["cosigned_size"], 0, "{info}");
    let (status, _) = server.get_text("/tlog/checkpoint").await;
    assert_eq!(status, 404);
    let (_, latest) = server.get_text("/api/v1/checkpoint").await;
    assert!(
        latest.lines().all(|l| !l.contains("witness.example/w2")),
        "no unverified line is passed on: {latest}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_takes_its_witnesses_from_the_command_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    common::init_ledger(dir.path());
    let d = dir.path().display().to_string();
    let w = down_witness("witness.example/w1");
    let flag = format!("{}={}", w.key.vkey(), w.url);
    // A quorum above the witnesses given, or a label of no witness, stops
    // it before it serves.
    for (extra, said) in [
        (["--witness-quorum", "2"], "quorum must be between 1 and 1"),
        (["--witness-label", "other=X"], "no witness is named other"),
    ] {
        let mut args = vec![
            "serve",
            "--data",
            &d,
            "--listen",
            "127.0.0.1:0",
            "--witness",
            &flag,
        ];
        args.extend(extra);
        let (code, out) = common::run_cli(&args);
        assert_eq!(code, 2, "{out}");
        assert!(out.contains(said), "{out}");
    }
    let (code, out) = common::run_cli(&["serve", "--data", &d, "--witness", "not-a-vkey=http://x"]);
    assert_eq!(code, 2, "{out}");

    let mut server = common::ChildServer::spawn(&[
        "serve",
        "--data",
        &d,
        "--listen",
        "127.0.0.1:0",
        "--witness",
        &flag,
        "--witness-label",
        "witness.example/w1=Liên minh HTX tỉnh Bắc Ninh",
    ]);
    let info: Value = reqwest::get(format!("{}/api/v1/ledger", server.url))
        .await
        .expect("ledger")
        .json()
        .await
        .expect("json");
    let _ = server.child.kill();
    let _ = server.child.wait();
    assert_eq!(info["witness_quorum"], 1, "{info}");
    assert_eq!(info["witnesses"][0]["vkey"], w.key.vkey());
    assert_eq!(info["witnesses"][0]["url"], w.url);
    assert_eq!(info["witnesses"][0]["label"], "Liên minh HTX tỉnh Bắc Ninh");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_witness_that_never_answers_times_out_while_appends_go_on() {
    let server = common::TestServer::start().await;
    // It takes connections and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let slow = WitnessSpec {
        url,
        ..down_witness("witness.example/slow")
    };
    let mut config = WitnessingConfig::new(vec![slow], None).expect("config");
    config.timeout = Duration::from_secs(3);
    server.ledger.start_witnessing(config).expect("start");
    // Every append is answered while the round waits on the witness.
    grow(&server, 0, 5).await;
    let (_, info) = server.get("/api/v1/ledger").await;
    assert_eq!(info["witnesses"][0]["status"], "pending", "{info}");
    let info = until_ledger(&server, "the slow witness times out", |i| {
        i["witnesses"][0]["status"] == "unreachable"
    })
    .await;
    assert!(
        info["witnesses"][0]["detail"]
            .as_str()
            .is_some_and(|d| d.contains("timed out")),
        "{info}"
    );
    assert_eq!(server.ledger.size(), 6);
}

/// Waits for the element `css` on the page `c` shows.
async fn element(c: &fantoccini::Client, css: &str) -> fantoccini::elements::Element {
    c.wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} did not appear: {e}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_signing_app_warns_when_the_witnesses_it_pinned_change() {
    let dir = tempfile::tempdir().expect("tempdir");
    common::init_ledger(dir.path());
    let server = common::TestServer::serve_on(dir, Default::default(), "127.0.0.1:0", None).await;
    let url = server.url.clone();
    let addr = url.trim_start_matches("http://").to_owned();
    start(&server, vec![down_witness("witness.example/a")], 1);

    // The registrar's phone is set up while the ledger names witness a.
    let driver = Driver::start();
    let profile = tempfile::tempdir().expect("profile");
    let c = driver.browser(profile.path()).await;
    let pem_path = profile.path().join("registrar.pem");
    coop_ledger::service::keyfile::write(&pem_path, &common::registrar_key()).expect("key file");
    let pem = std::fs::read_to_string(&pem_path).expect("read");
    c.goto(&format!("{url}/app/?lang=en")).await.expect("app");
    element(&c, "#restore-pem")
        .await
        .send_keys(&pem)
        .await
        .expect("paste");
    element(&c, "#restore")
        .await
        .click()
        .await
        .expect("restore");
    // The restored key finds its actor by itself (issue 15).
    element(&c, "#me").await;
    let reload = async |c: &fantoccini::Client| {
        c.goto("about:blank").await.expect("blank");
        c.goto(&format!("{url}/app/?lang=en")).await.expect("home");
        element(c, "#me").await;
    };
    // Home asks the ledger again: the same witnesses, no warning.
    reload(&c).await;
    let ask = r#"const done = arguments[arguments.length - 1];
        const el = document.getElementById("witness-warning");
        done(el ? el.hidden : null);"#;
    assert_eq!(
        c.execute_async(ask, vec![]).await.expect("script"),
        Value::Bool(true),
        "no warning while the witnesses are the pinned ones"
    );

    // The ledger comes back naming another witness.
    let dir = server.stop().await;
    let server = common::TestServer::serve_on(dir, Default::default(), &addr, None).await;
    start(&server, vec![down_witness("witness.example/b")], 1);
    reload(&c).await;
    let warning = element(&c, "#witness-warning:not([hidden])").await;
    let text = warning.text().await.expect("text");
    assert!(
        text.starts_with("Warning: the ledger's witnesses"),
        "{text}"
    );
    screenshot(&c, "app-witnesses-changed-en.png").await;
    let _ = c.close().await;
    server.stop().await;
}
