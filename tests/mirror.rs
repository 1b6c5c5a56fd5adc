//! Audit over tiles and mirrors (spec §8.18, §10.8, §10.15, §12.9; issue
//! 14): `audit --tiles` against a live server's `/tlog` and against a
//! static copy served by Python's `http.server` (passes on a good copy,
//! fails naming the place on a tampered one); `coop-ledger mirror` (the
//! real binary) following a primary through its tiles only.

mod common;

use coop_ledger::domain::tiles::{self, FULL_WIDTH, TILE_HEIGHT, Tile};
use coop_ledger::service::Ledger;
use std::io::BufRead as _;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Grows `ledger` by `count` registrations of cooperatives numbered from
/// `first`, submitted in-process 512 at a time so that the sequencer
/// groups them.
async fn grow(ledger: &Arc<Ledger>, first: u32, count: u32) {
    let mut n = first;
    while n < first + count {
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..(first + count - n).min(512) {
            let env = common::register(&format!("htx-{n}"), "cooperative", &common::key(n), None);
            n += 1;
            let ledger = Arc::clone(ledger);
            set.spawn(async move {
                let body = serde_json::to_vec(&env).expect("json");
                ledger.submit(&body).await.map(|r| r.index)
            });
        }
        while let Some(r) = set.join_next().await {
            r.expect("task").expect("accepted");
        }
    }
}

/// Every tile and entry bundle a tree of `size` serves (tlog-tiles: the
/// full ones and the partial ones of this size).
fn tiles_of(size: u64) -> Vec<Tile> {
    let mut out = Vec::new();
    let w = u64::from(FULL_WIDTH);
    let mut level = 0u8;
    let mut hashes = size;
    while hashes > 0 {
        for n in 0..hashes.div_ceil(w) {
            let width = (hashes - n * w).min(w) as u32;
            out.push(Tile::new(TILE_HEIGHT, level, n, width, false));
            if level == 0 {
                let mut t = Tile::new(TILE_HEIGHT, 0, n, width, false);
                t.set_is_data();
                out.push(t);
            }
        }
        hashes >>= TILE_HEIGHT;
        level += 1;
    }
    out
}

/// Copies a server's `/tlog` into `to` as files at their tlog-tiles paths,
/// the checkpoint last; returns the size copied.
async fn copy_tlog(url: &str, to: &Path) -> u64 {
    let client = reqwest::Client::new();
    let note = client
        .get(format!("{url}/tlog/checkpoint"))
        .send()
        .await
        .expect("checkpoint")
        .text()
        .await
        .expect("text");
    let size: u64 = note.lines().nth(1).expect("size").parse().expect("size");
    for tile in tiles_of(size) {
        let path = tiles::path(&tile);
        let resp = client
            .get(format!("{url}/tlog/{path}"))
            .send()
            .await
            .expect("tile");
        assert_eq!(resp.status(), 200, "{path}");
        let file = to.join(&path);
        std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
        std::fs::write(&file, resp.bytes().await.expect("bytes")).expect("write");
    }
    std::fs::write(to.join("checkpoint"), note).expect("checkpoint");
    size
}

/// Issue 14: `audit --tiles` passes against a live `/tlog` (with a trusted
/// checkpoint from before the last leaves) and against a static copy, and
/// fails naming the place when one byte of a bundle or of a hash tile of
/// the static copy is flipped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_14_audit_over_tiles_passes_on_a_good_copy_and_names_a_tampered_tile() {
    let server = common::TestServer::start().await;
    grow(&server.ledger, 0, 300).await;
    let work = tempfile::tempdir().expect("tempdir");
    let trust = work.path().join("trusted");
    std::fs::write(&trust, server.ledger.checkpoint()).expect("trust");
    let trust = trust.display().to_string();
    grow(&server.ledger, 300, 230).await;
    let size = server.ledger.size();

    let live = format!("{}/tlog", server.url);
    let (code, out) = common::cli(vec![
        "audit".into(),
        "--tiles".into(),
        live,
        "--trust".into(),
        trust.clone(),
    ])
    .await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(&format!("leaves: {size}")), "{out}");
    assert!(
        out.contains("trusted checkpoint: size 301 is consistent"),
        "{out}"
    );
    assert!(out.contains("AUDIT PASSED"), "{out}");

    let copy = work.path().join("copy");
    assert_eq!(copy_tlog(&server.url, &copy).await, size);
    let web = common::static_server::StaticServer::start(&copy);
    let audit = |trust: String| {
        common::cli(vec![
            "audit".into(),
            "--tiles".into(),
            web.url.clone(),
            "--trust".into(),
            trust,
        ])
    };
    let (code, out) = audit(trust.clone()).await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("AUDIT PASSED"), "{out}");

    // A byte of leaf 5's statement in the first bundle.
    let bundle = copy.join("tile/entries/000");
    let good = std::fs::read(&bundle).expect("bundle");
    let leaves = tiles::decode_bundle(&good).expect("decodes");
    let at = 2 + leaves[..5].iter().map(|l| l.len() + 2).sum::<usize>() + leaves[5].len() / 2;
    let mut bad = good.clone();
    bad[at] ^= 0x01;
    std::fs::write(&bundle, &bad).expect("tamper");
    let (code, out) = audit(trust.clone()).await;
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "FAIL leaf 5 in tile/entries/000: it does not hash to the leaf hash in tile/0/000"
        ),
        "{out}"
    );
    std::fs::write(&bundle, &good).expect("restore");

    // A byte of a hash in the second level-0 tile.
    let tile = copy.join("tile/0/001");
    let good = std::fs::read(&tile).expect("tile");
    let mut bad = good.clone();
    bad[40] ^= 0x80;
    std::fs::write(&tile, &bad).expect("tamper");
    let (code, out) = audit(trust).await;
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!("the hash tiles of the tree of {size}: tile/0/001 does not hash to what its parent tile holds for it")),
        "{out}"
    );
    assert!(out.contains("tile/0/001"), "{out}");
    std::fs::write(&tile, &good).expect("restore");
    server.stop().await;
}

/// `coop-ledger mirror ARGS` (the real binary), its stdout read up to its
/// "listening on" line and kept open, its stderr in a file.
struct MirrorChild {
    child: Option<std::process::Child>,
    url: String,
    _stdout: std::io::BufReader<std::process::ChildStdout>,
}

impl MirrorChild {
    /// Starts the mirror, without waiting for anything.
    fn start(args: &[&str], log: &Path) -> std::process::Child {
        std::process::Command::new(env!("CARGO_BIN_EXE_coop-ledger"))
            .arg("mirror")
            .args(args)
            // The kill -9 test reads the steps from the INFO log.
            .env("RUST_LOG", "info")
            .stdout(std::process::Stdio::piped())
            .stderr(std::fs::File::create(log).expect("log"))
            .spawn()
            .expect("spawn coop-ledger mirror")
    }

    fn spawn(args: &[&str], log: &Path) -> Self {
        let mut child = Self::start(args, log);
        let mut reader = std::io::BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        while !line.starts_with("listening on ") {
            line.clear();
            let n = reader.read_line(&mut line).expect("read a line");
            assert!(
                n > 0,
                "the mirror exited before listening: {}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        let url = line.trim().trim_start_matches("listening on ").to_owned();
        Self {
            child: Some(child),
            url,
            _stdout: reader,
        }
    }

    /// Waits (a bounded time) for the mirror to exit; its exit code.
    async fn exit_code(mut self) -> i32 {
        let mut child = self.child.take().expect("running");
        let wait = tokio::task::spawn_blocking(move || child.wait().expect("wait"));
        tokio::time::timeout(Duration::from_secs(120), wait)
            .await
            .expect("the mirror exits")
            .expect("join")
            .code()
            .unwrap_or(-1)
    }

    /// SIGTERM, then its exit code.
    async fn terminate(self) -> i32 {
        let status = std::process::Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("kill -TERM");
        assert!(status.success());
        self.exit_code().await
    }

    fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, std::process::Child::id)
    }

    fn kill9(mut self) {
        let mut child = self.child.take().expect("running");
        child.kill().expect("SIGKILL");
        let _ = child.wait();
    }
}

impl Drop for MirrorChild {
    /// A test that failed half way leaves no mirror running.
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// GETs `url` as text with its status; `None` while nothing answers.
async fn get(client: &reqwest::Client, url: &str) -> Option<(u16, String)> {
    let resp = client.get(url).send().await.ok()?;
    let status = resp.status().as_u16();
    Some((status, resp.text().await.ok()?))
}

/// GETs `url`'s bytes (200 required).
async fn bytes(client: &reqwest::Client, url: &str) -> Vec<u8> {
    let resp = client.get(url).send().await.expect("request");
    assert_eq!(resp.status(), 200, "{url}");
    resp.bytes().await.expect("bytes").to_vec()
}

/// The size of the checkpoint `url/tlog/checkpoint` serves.
async fn served_size(client: &reqwest::Client, url: &str) -> Option<u64> {
    let (status, note) = get(client, &format!("{url}/tlog/checkpoint")).await?;
    (status == 200).then(|| note.lines().nth(1)?.parse().ok())?
}

/// The steps a mirror's log names, in order: (from, to, published size)
/// of each "mirrored" line.
fn steps_logged(log: &Path) -> Vec<(u64, u64, u64)> {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let field = |line: &str, name: &str| -> Option<u64> {
        line.split_whitespace()
            .find_map(|w| w.strip_prefix(name)?.parse().ok())
    };
    text.lines()
        .filter(|l| l.contains(" mirrored "))
        .filter_map(|l| {
            Some((
                field(l, "from=")?,
                field(l, "to=")?,
                field(l, "published=")?,
            ))
        })
        .collect()
}

/// Polls (bounded by `within`) until `check` holds; the time it took.
async fn until<F, Fut>(within: Duration, what: &str, mut check: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    while !check().await {
        assert!(start.elapsed() < within, "timed out waiting until {what}");
        tokio::task::yield_now().await;
    }
    start.elapsed()
}

/// Issue 14: the mirror (the real binary) follows a primary that grows by
/// 10,000 leaves through its tiles only; killed with SIGKILL half way it
/// resumes from the checkpoint it held (not from zero) and reaches the
/// primary's very checkpoint; its trace, tiles and buyer page answer as
/// the primary's; a submission gets 403 `read_only`; a fresh mirror of the
/// whole log verifies it all from scratch.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_14_a_mirror_follows_10000_leaves_resumes_after_kill_9_and_serves_read_only() {
    let primary = common::TestServer::with_shop().await;
    let client = reqwest::Client::new();
    let work = tempfile::tempdir().expect("tempdir");
    let data = work.path().join("mirror");
    let log = work.path().join("mirror.log");
    let from = format!("{}/tlog", primary.url);
    let d = data.display().to_string();
    let args = [
        "--from",
        &from,
        "--data",
        &d,
        "--listen",
        "127.0.0.1:0",
        "--poll-ms",
        "20",
    ];
    let mirror = MirrorChild::spawn(&args, &log);
    let start_size = primary.ledger.size();
    assert_eq!(served_size(&client, &mirror.url).await, Some(start_size));

    let growing = {
        let ledger = Arc::clone(&primary.ledger);
        tokio::spawn(async move { grow(&ledger, 1000, 10_000).await })
    };
    let started = Instant::now();
    let held = loop {
        let now = served_size(&client, &mirror.url).await.unwrap_or(0);
        if now >= start_size + 5_000 {
            break now;
        }
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "the mirror never got half way (at {now}, the primary at {}): {}",
            primary.ledger.size(),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        tokio::task::yield_now().await;
    };
    mirror.kill9();
    assert!(held < start_size + 10_000, "killed before the end ({held})");

    let mirror = MirrorChild::spawn(&args, &log);
    let resumed = served_size(&client, &mirror.url)
        .await
        .expect("a checkpoint");
    assert!(resumed >= held, "resumed from {resumed}, it held {held}");
    growing.await.expect("grown");
    let end = primary.ledger.size();
    assert_eq!(end, start_size + 10_000);
    until(Duration::from_secs(300), "the mirror caught up", || async {
        served_size(&client, &mirror.url).await == Some(end)
    })
    .await;
    eprintln!(
        "issue 14: the mirror followed 10,000 leaves (killed and restarted once) in {:?}",
        started.elapsed()
    );
    let (_, note) = get(&client, &format!("{}/tlog/checkpoint", mirror.url))
        .await
        .expect("checkpoint");
    assert_eq!(note, primary.ledger.checkpoint(), "the primary's very note");

    let last = end / 256;
    for path in [
        "/api/v1/batches/vai-hop-01/trace".to_owned(),
        "/api/v1/ledger".to_owned(),
        "/api/v1/entries?start=9000&limit=3".to_owned(),
        "/api/v1/proof/consistency?from=300&to=9000".to_owned(),
        "/tlog/tile/0/000".to_owned(),
        format!("/tlog/tile/0/{last:03}.p/{}", end % 256),
        format!("/tlog/tile/1/000.p/{last}"),
        format!("/tlog/tile/entries/{:03}", last - 1),
        format!("/tlog/tile/entries/{last:03}.p/{}", end % 256),
    ] {
        assert_eq!(
            bytes(&client, &format!("{}{path}", mirror.url)).await,
            bytes(&client, &format!("{}{path}", primary.url)).await,
            "{path}"
        );
    }
    let (status, page) = get(&client, &format!("{}/b/vai-hop-01", mirror.url))
        .await
        .expect("page");
    assert_eq!(status, 200);
    assert!(page.contains("Vải thiều hộp 2 kg"), "{page}");

    let env = common::register("htx-late", "cooperative", &common::key(99_999), None);
    let resp = client
        .post(format!("{}/api/v1/entries", mirror.url))
        .header("content-type", "application/json")
        .header("accept-language", "en")
        .body(serde_json::to_vec(&env).expect("json"))
        .send()
        .await
        .expect("submit");
    assert_eq!(resp.status(), 403);
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["error"], "read_only", "{body}");
    let message = body["message"].as_str().unwrap_or("");
    assert!(
        message.contains(&format!("this is a mirror of {from}")),
        "{message}"
    );
    let (_, metrics) = get(&client, &format!("{}/metrics", mirror.url))
        .await
        .expect("metrics");
    assert!(
        metrics.contains(&format!("coop_ledger_mirror_size {end}")),
        "{metrics}"
    );
    assert!(metrics.contains("coop_ledger_mirror_fork 0"), "{metrics}");
    let (status, _) = get(&client, &format!("{}/healthz", mirror.url))
        .await
        .expect("healthz");
    assert_eq!(status, 200);
    assert_eq!(mirror.terminate().await, 0);

    // What the mirror wrote is a normal data directory: the audit passes.
    let (code, out) = common::cli(vec!["audit".into(), "--data".into(), d.clone()]).await;
    assert_eq!(code, 0, "{out}");

    // A fresh mirror verifies the whole log in bounded steps of 1,000
    // leaves (spec §8.18). Killed with SIGKILL in the middle of that first
    // catch-up, before it published anything, it resumes from the leaves
    // it wrote, not from zero.
    let fresh = work.path().join("fresh");
    let f = fresh.display().to_string();
    let fargs = [
        "--from",
        &from,
        "--data",
        &f,
        "--listen",
        "127.0.0.1:0",
        "--step-leaves",
        "1000",
    ];
    let first_log = work.path().join("fresh-1.log");
    let mut child = MirrorChild::start(&fargs, &first_log);
    let started = Instant::now();
    let written = loop {
        let steps = steps_logged(&first_log);
        if let Some(&(_, to, published)) = steps.last()
            && to >= 3000
        {
            assert_eq!(published, 0, "nothing published before the note: {steps:?}");
            break to;
        }
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "the fresh mirror never wrote 3,000 leaves: {}",
            std::fs::read_to_string(&first_log).unwrap_or_default()
        );
        tokio::task::yield_now().await;
    };
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    assert!(written < end, "killed before the end ({written})");
    let second_log = work.path().join("fresh-2.log");
    let second = MirrorChild::spawn(&fargs, &second_log);
    assert_eq!(served_size(&client, &second.url).await, Some(end));
    let steps = steps_logged(&second_log);
    let resumed_at = steps
        .first()
        .map(|s| s.0)
        .expect("a step after the restart");
    assert!(
        resumed_at >= written,
        "resumed at {resumed_at}, it had written {written}: {steps:?}"
    );
    assert!(
        steps.iter().all(|(from, to, _)| to - from <= 1000),
        "{steps:?}"
    );
    eprintln!(
        "issue 14: a fresh mirror verified and wrote {end} leaves in steps of 1,000 (killed at {written}, resumed at {resumed_at}) in {:?}",
        started.elapsed()
    );
    let (_, note) = get(&client, &format!("{}/tlog/checkpoint", second.url))
        .await
        .expect("checkpoint");
    assert_eq!(note, primary.ledger.checkpoint(), "the primary's very note");
    assert_eq!(second.terminate().await, 0);
    let (code, out) = common::cli(vec!["audit".into(), "--data".into(), f.clone()]).await;
    assert_eq!(code, 0, "{out}");
    primary.stop().await;
}

/// Serves whichever router `current` holds: one URL whose ledger the test
/// swaps.
async fn switch(
    current: Arc<std::sync::Mutex<axum::Router>>,
) -> (String, tokio::task::JoinHandle<()>) {
    use tower::ServiceExt as _;
    let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
        let router = current.lock().expect("router").clone();
        async move {
            match router.oneshot(req).await {
                Ok(resp) => resp,
                Err(never) => match never {},
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.expect("serve");
    });
    (url, task)
}

/// A served router over `ledger` (its pages under `url`).
fn router_of(ledger: &Arc<Ledger>, url: &str) -> axum::Router {
    coop_ledger::http::router(coop_ledger::http::AppState::new(
        Arc::clone(ledger),
        url.into(),
    ))
    .expect("templates")
}

/// Issue 14: a primary forked into two branches signed by the same key.
/// The mirror follows branch 1; when the URL serves branch 2 it stops with
/// exit code 3, keeps both signed notes in `evidence/`, and on a later
/// start refuses to follow: without `--listen` it exits 3 at once, with it
/// it serves read-only with `/healthz` 503 and `coop_ledger_mirror_fork 1`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_14_a_mirror_stops_on_a_fork_keeps_the_evidence_and_refuses_to_follow() {
    let work = tempfile::tempdir().expect("tempdir");
    let one = work.path().join("branch-1");
    common::init_ledger(&one);
    {
        let ledger = Arc::new(Ledger::open(&one, Default::default()).expect("open"));
        grow(&ledger, 2000, 300).await;
        ledger.shutdown().await;
    }
    let two = work.path().join("branch-2");
    let copied = std::process::Command::new("cp")
        .args(["-a", &one.display().to_string(), &two.display().to_string()])
        .status()
        .expect("cp");
    assert!(copied.success());
    let a = Arc::new(Ledger::open(&one, Default::default()).expect("open 1"));
    let b = Arc::new(Ledger::open(&two, Default::default()).expect("open 2"));
    grow(&a, 3000, 50).await;
    grow(&b, 4000, 80).await;
    let (note_a, note_b) = (a.checkpoint(), b.checkpoint());
    assert_ne!(note_a, note_b);

    let current = Arc::new(std::sync::Mutex::new(axum::Router::new()));
    let (url, _server) = switch(Arc::clone(&current)).await;
    *current.lock().expect("router") = router_of(&a, &url);
    let data = work.path().join("mirror");
    let d = data.display().to_string();
    let from = format!("{url}/tlog");
    let log = work.path().join("mirror.log");
    let args = [
        "--from",
        &from,
        "--data",
        &d,
        "--listen",
        "127.0.0.1:0",
        "--poll-ms",
        "20",
    ];
    let mirror = MirrorChild::spawn(&args, &log);
    let client = reqwest::Client::new();
    assert_eq!(served_size(&client, &mirror.url).await, Some(a.size()));

    *current.lock().expect("router") = router_of(&b, &url);
    assert_eq!(mirror.exit_code().await, 3);
    let said = std::fs::read_to_string(&log).expect("log");
    assert!(
        said.contains(&format!(
            "FORK: {from} signed a checkpoint of size {} that is inconsistent with the one of size {} this mirror holds",
            b.size(),
            a.size()
        )),
        "{said}"
    );
    let evidence = data.join("evidence");
    let held = std::fs::read_to_string(evidence.join(format!("held-{}.checkpoint", a.size())))
        .expect("held note");
    let seen = std::fs::read_to_string(evidence.join(format!("seen-{}.checkpoint", b.size())))
        .expect("seen note");
    assert_eq!(
        (held.as_str(), seen.as_str()),
        (note_a.as_str(), note_b.as_str())
    );
    // Both notes are signed by the one ledger key: the evidence stands alone.
    let info = a.info();
    let verifier =
        coop_ledger::domain::checkpoint::NoteKey::verifier(&info.key_name, &info.public_key);
    assert!(verifier.verify(&held, None).is_ok() && verifier.verify(&seen, None).is_ok());

    let (code, out) = common::cli(vec![
        "mirror".into(),
        "--from".into(),
        from.clone(),
        "--data".into(),
        d.clone(),
    ])
    .await;
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("evidence of a fork is kept in"), "{out}");

    let mirror = MirrorChild::spawn(&args, &log);
    let (status, why) = get(&client, &format!("{}/healthz", mirror.url))
        .await
        .expect("healthz");
    assert_eq!(status, 503, "{why}");
    assert!(why.contains("evidence of a fork"), "{why}");
    let (_, metrics) = get(&client, &format!("{}/metrics", mirror.url))
        .await
        .expect("metrics");
    assert!(metrics.contains("coop_ledger_mirror_fork 1"), "{metrics}");
    assert_eq!(
        served_size(&client, &mirror.url).await,
        Some(a.size()),
        "still serves what it verified"
    );
    assert_eq!(mirror.terminate().await, 3);
    a.shutdown().await;
    b.shutdown().await;
}

/// Issue 14: a mirror configured as a witness of its primary
/// (`mirror --witness-data`, spec §8.18). The primary's witness rounds go
/// to the mirror's `/witness/add-checkpoint`; the primary's witnessed
/// checkpoint then carries the mirror-witness's cosignature, which
/// verifies with the key `witness init` printed, and the mirror serves the
/// note it cosigned at `/witness/<origin hash>/checkpoint`, while it keeps
/// following.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_14_a_mirror_is_also_a_witness_of_its_primary() {
    use coop_ledger::domain::checkpoint::note_vkey;
    use coop_ledger::domain::cosignature::WitnessKey;
    use coop_ledger::service::witnessing::{WitnessSpec, WitnessingConfig};
    let work = tempfile::tempdir().expect("tempdir");
    let dir = work.path().join("primary");
    common::init_ledger(&dir);
    let primary = Arc::new(Ledger::open(&dir, Default::default()).expect("open"));
    grow(&primary, 5000, 40).await;
    let current = Arc::new(std::sync::Mutex::new(axum::Router::new()));
    let (url, _server) = switch(Arc::clone(&current)).await;
    *current.lock().expect("router") = router_of(&primary, &url);

    let info = primary.info();
    let log_vkey = note_vkey(&info.key_name, &info.public_key);
    let wdir = work.path().join("witness");
    let w = wdir.display().to_string();
    let (code, said) = common::run_cli(&[
        "witness",
        "init",
        "--data",
        &w,
        "--name",
        "mirror.example/witness",
        "--log",
        &log_vkey,
    ]);
    assert_eq!(code, 0, "{said}");
    let witness_key = WitnessKey::parse(said.trim()).expect("witness init prints the vkey");

    let data = work.path().join("mirror");
    let d = data.display().to_string();
    let from = format!("{url}/tlog");
    let args = [
        "--from",
        &from,
        "--data",
        &d,
        "--listen",
        "127.0.0.1:0",
        "--poll-ms",
        "20",
        "--witness-data",
        &w,
    ];
    let mirror = MirrorChild::spawn(&args, &work.path().join("mirror.log"));

    let config = WitnessingConfig::new(
        vec![WitnessSpec {
            key: witness_key.clone(),
            url: format!("{}/witness", mirror.url),
            label: None,
        }],
        Some(1),
    )
    .expect("config");
    primary.start_witnessing(config).expect("witnessing");
    grow(&primary, 6000, 25).await;
    let size = primary.size();
    let client = reqwest::Client::new();
    let witnessed_at_tip = |client: reqwest::Client, url: String| async move {
        match get(&client, &format!("{url}/tlog/checkpoint")).await {
            Some((200, n)) if n.lines().nth(1) == Some(size.to_string().as_str()) => Some(n),
            _ => None,
        }
    };
    until(
        Duration::from_secs(60),
        "the mirror-witness cosigned the tip",
        || {
            let (client, url) = (client.clone(), url.clone());
            async move { witnessed_at_tip(client, url).await.is_some() }
        },
    )
    .await;
    let note = witnessed_at_tip(client.clone(), url.clone())
        .await
        .expect("the witnessed checkpoint");
    assert!(
        matches!(witness_key.cosigned(&note), Ok(Some(_))),
        "the primary's witnessed checkpoint carries a cosignature by the mirror's witness: {note}"
    );
    let hash = coop_ledger::domain::hex32::encode(
        &<sha2::Sha256 as sha2::Digest>::digest(info.origin.as_bytes()).into(),
    );
    let (status, held) = get(
        &client,
        &format!("{}/witness/{hash}/checkpoint", mirror.url),
    )
    .await
    .expect("the witness's monitoring read");
    assert_eq!(status, 200, "{held}");
    assert!(matches!(witness_key.cosigned(&held), Ok(Some(_))));
    until(
        Duration::from_secs(60),
        "the mirror followed the tip",
        || {
            let (client, murl) = (client.clone(), mirror.url.clone());
            async move { served_size(&client, &murl).await == Some(size) }
        },
    )
    .await;
    drop(mirror);
    primary.shutdown().await;
}

/// Copies the data directory `from` to `to` (`cp -a`): the second branch
/// of a fork signed by the same key.
fn fork_dir(from: &Path, to: &Path) {
    let copied = std::process::Command::new("cp")
        .args(["-a", &from.display().to_string(), &to.display().to_string()])
        .status()
        .expect("cp");
    assert!(copied.success());
}

/// Issue 14: a catch-up in bounded steps (spec §8.18). With steps of 256
/// leaves, a mirror far behind writes leaves step by step but publishes
/// nothing until it reaches the primary's note: its checkpoint, entries
/// and size stay those of the tree it held, and the note it writes
/// towards is kept as `target.checkpoint`. Closed and opened again half
/// way, it keeps what it wrote and goes on from there. When the primary
/// is then swapped for a branch that extends the held tree but not the
/// leaves written towards the target, the mirror stops on a fork and keeps
/// the target note too: without it, the held and seen notes alone would
/// not show the fork.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_14_a_mirror_catches_up_in_bounded_steps_and_publishes_only_the_primarys_note() {
    use coop_ledger::service::mirror::{self, Follower, MirrorError, Step};
    use coop_ledger::service::tlog_client::TlogClient;
    let work = tempfile::tempdir().expect("tempdir");
    let one = work.path().join("branch-1");
    common::init_ledger(&one);
    let a = Arc::new(Ledger::open(&one, Default::default()).expect("open 1"));
    grow(&a, 2000, 300).await;
    let first = a.size();
    assert!(first > 256 && first < 512, "{first}");

    let current = Arc::new(std::sync::Mutex::new(axum::Router::new()));
    let (url, _server) = switch(Arc::clone(&current)).await;
    *current.lock().expect("router") = router_of(&a, &url);
    let from = format!("{url}/tlog");
    let data = work.path().join("mirror");
    let open = || async {
        let tlog = TlogClient::new(&from).expect("client");
        let ledger = Arc::new(
            mirror::open(&data, &tlog, None, Default::default())
                .await
                .expect("open the mirror"),
        );
        let follower = Follower::new(Arc::clone(&ledger), tlog, &data).with_step(256);
        (ledger, follower)
    };
    let (ledger, follower) = open().await;
    assert_eq!(
        follower.step().await.expect("step 1"),
        Step::Wrote {
            to: 256,
            target: first
        }
    );
    assert_eq!(
        ledger.size(),
        0,
        "nothing published before the note is reached"
    );
    assert_eq!(ledger.written_size().expect("written"), 256);
    assert_eq!(ledger.checkpoint(), "");
    assert!(ledger.entries(0, 10).expect("entries").is_empty());
    let target = data.join("target.checkpoint");
    assert_eq!(
        std::fs::read_to_string(&target).expect("target.checkpoint"),
        a.checkpoint()
    );

    // Closed half way and opened again: what it wrote stays written.
    ledger.shutdown().await;
    drop((ledger, follower));
    let (ledger, follower) = open().await;
    assert_eq!(ledger.size(), 0);
    assert_eq!(ledger.written_size().expect("written"), 256);
    assert_eq!(
        follower.step().await.expect("step 2"),
        Step::Grew { from: 0, to: first }
    );
    assert_eq!(
        ledger.checkpoint(),
        a.checkpoint(),
        "the primary's very note"
    );
    assert_eq!(follower.step().await.expect("step 3"), Step::Same);
    let held_note = ledger.checkpoint();

    // Two branches of the same key after the held tree.
    a.shutdown().await;
    *current.lock().expect("router") = axum::Router::new();
    drop(a);
    let two = work.path().join("branch-2");
    fork_dir(&one, &two);
    let a = Arc::new(Ledger::open(&one, Default::default()).expect("open 1"));
    let b = Arc::new(Ledger::open(&two, Default::default()).expect("open 2"));
    grow(&a, 3000, 600).await;
    grow(&b, 4000, 700).await;
    *current.lock().expect("router") = router_of(&a, &url);
    for to in [512, 768] {
        assert_eq!(
            follower.step().await.expect("a step towards branch 1"),
            Step::Wrote {
                to,
                target: a.size()
            }
        );
    }
    assert_eq!(ledger.size(), first, "still the held tree");
    assert_eq!(ledger.catching_up(), Some((first, 768)));
    // Reads the views answer wait; the checkpoint is the held one.
    {
        use tower::ServiceExt as _;
        let app = router_of(&ledger, "http://mirror.test");
        let get = |path: &'static str| {
            let app = app.clone();
            async move {
                let resp = app
                    .oneshot(
                        axum::http::Request::get(path)
                            .header("accept-language", "en")
                            .body(axum::body::Body::empty())
                            .expect("request"),
                    )
                    .await
                    .expect("answer");
                let status = resp.status().as_u16();
                let body = axum::body::to_bytes(resp.into_body(), 1 << 20)
                    .await
                    .expect("body");
                (status, String::from_utf8_lossy(&body).into_owned())
            }
        };
        // htx-3000 was registered on branch 1 after the held tree.
        let (status, body) = get("/api/v1/actors/htx-3000").await;
        assert_eq!(status, 503, "{body}");
        assert!(body.contains("catching_up"), "{body}");
        let (status, body) = get("/b/vai-01").await;
        assert_eq!(status, 503, "{body}");
        let (status, body) = get("/api/v1/checkpoint").await;
        assert_eq!((status, body), (200, held_note.clone()));
    }
    *current.lock().expect("router") = router_of(&b, &url);
    let err = follower.step().await.expect_err("a fork");
    assert!(matches!(err, MirrorError::Fork { .. }), "{err}");
    assert!(
        err.to_string().contains(&format!(
            "inconsistent with its checkpoint of size {}, towards which this mirror wrote leaves past the one of size {first} it holds",
            a.size()
        )),
        "{err}"
    );
    let evidence = data.join("evidence");
    let kept = |name: String| {
        std::fs::read_to_string(evidence.join(&name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    assert_eq!(kept(format!("held-{first}.checkpoint")), held_note);
    assert_eq!(
        kept(format!("seen-{}.checkpoint", b.size())),
        b.checkpoint()
    );
    assert_eq!(
        kept(format!("target-{}.checkpoint", a.size())),
        a.checkpoint()
    );
    // The held and seen notes are consistent: only the target shows the fork.
    let proof = b
        .consistency_proof(first, b.size())
        .expect("consistency proof");
    let root = |note: &str| {
        coop_ledger::service::tlog_client::stated(note)
            .expect("a checkpoint")
            .1
    };
    assert!(
        coop_ledger::domain::merkle::verify_consistency(
            first,
            b.size(),
            root(&held_note),
            root(&b.checkpoint()),
            &proof
        )
        .is_ok()
    );
    assert!(ledger.halted().is_some(), "/healthz answers 503");
    assert_eq!(ledger.size(), first, "nothing of either branch published");
    ledger.shutdown().await;
    a.shutdown().await;
    b.shutdown().await;
}
