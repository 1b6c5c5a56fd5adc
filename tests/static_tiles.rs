//! Static tlog-tiles (spec §8.14, §10.14, §12.7; issue 14): the full tiles
//! `serve` writes into `DATA/tiles/` and the copy `coop-ledger publish`
//! keeps hold exactly the bytes `GET /tlog/...` serves; and two independent
//! clients, `tests/independent/go/tlogcheck` (Go, on
//! `golang.org/x/mod/sumdb/note` and `sumdb/tlog`) and
//! `tests/independent/verify_tiles.py`, verify the live `/tlog` and the
//! copy served by Python's stock static server, at sizes on and off tile
//! boundaries and after an incremental `publish`. A flipped byte in a
//! copied tile makes both fail. `publish` runs beside a live `serve` while
//! submissions land, takes `DATA/witnessed` when it exists, never goes back,
//! and refuses a note the ledger key did not sign or whose root the leaves
//! do not give. A failed tile write is counted and retried.

mod common;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use coop_ledger::domain::checkpoint::{CheckpointBody, NoteKey};
use coop_ledger::domain::merkle::Hash;
use coop_ledger::service::tilefiles;
use coop_ledger::store::io::{FaultyIo, RealIo, Step};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// Builds the Go client once, in GOPATH mode against Debian's
/// golang-golang-x-mod-dev, into the target's tmp directory.
fn go_client() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        let bin = tmp.join("tlogcheck");
        let out = Command::new("go")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("GO111MODULE", "off")
            .env("GOPATH", "/usr/share/gocode")
            .env("GOCACHE", tmp.join("gocache"))
            .args(["build", "-o"])
            .arg(&bin)
            .arg("./tests/independent/go/tlogcheck")
            .output()
            .unwrap_or_else(|e| {
                panic!("cannot run go ({e}): apt-get install golang-go golang-golang-x-mod-dev")
            });
        assert!(
            out.status.success(),
            "go build failed (apt-get install golang-go golang-golang-x-mod-dev):\n{}",
            common::transcript(&out)
        );
        bin
    })
}

/// Runs the Go client on `prefix`, from the checkpoint in `old` if given.
async fn go_check(prefix: &str, vkey: &str, old: Option<&Path>) -> Output {
    let mut cmd = Command::new(go_client());
    cmd.args([prefix, vkey]);
    if let Some(old) = old {
        cmd.arg("-old").arg(old);
    }
    tokio::task::spawn_blocking(move || cmd.output())
        .await
        .expect("task")
        .expect("run tlogcheck")
}

/// Runs `verify_tiles.py` on `prefix`, from the checkpoint in `old` if given.
async fn python_check(prefix: &str, vkey: &str, old: Option<&Path>) -> Output {
    let mut args = vec![prefix.to_string(), vkey.to_string()];
    if let Some(old) = old {
        args.extend(["--old".to_string(), old.display().to_string()]);
    }
    common::run_independent("verify_tiles.py", args).await
}

/// Both independent clients must pass on `prefix`.
async fn both_pass(prefix: &str, vkey: &str, old: Option<&Path>) {
    let go = go_check(prefix, vkey, old).await;
    assert!(
        go.status.success(),
        "Go client on {prefix}:\n{}",
        common::transcript(&go)
    );
    let py = python_check(prefix, vkey, old).await;
    assert!(
        py.status.success(),
        "Python client on {prefix}:\n{}",
        common::transcript(&py)
    );
}

/// Submits registrations of new cooperatives until `url`'s ledger has
/// `size` leaves (it has `*at` now), 32 at a time.
async fn grow(client: &reqwest::Client, url: &str, at: &mut u64, size: u64) {
    while *at < size {
        let batch = (size - *at).min(32);
        let mut set = tokio::task::JoinSet::new();
        for k in 0..batch {
            let n = u32::try_from(*at + k).expect("small") + 5000;
            let env = common::register(&format!("htx-{n}"), "cooperative", &common::key(n), None);
            let req = client
                .post(format!("{url}/api/v1/entries"))
                .header("content-type", "application/json")
                .body(serde_json::to_vec(&env).expect("json"));
            set.spawn(async move { req.send().await.expect("request").status().as_u16() });
        }
        while let Some(status) = set.join_next().await {
            assert_eq!(status.expect("task"), 201);
        }
        *at += batch;
    }
}

/// Every file under `dir` (not the dot files) by its path relative to it.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, at: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(at) else {
            return;
        };
        for e in entries {
            let p = e.expect("entry").path();
            if p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            {
                continue;
            }
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).expect("under root");
                out.insert(rel.display().to_string(), std::fs::read(&p).expect("read"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Each file is byte for byte what `GET {url}/tlog/<path>` serves.
async fn same_as_tlog(client: &reqwest::Client, url: &str, files: &BTreeMap<String, Vec<u8>>) {
    for (path, bytes) in files {
        let resp = client
            .get(format!("{url}/tlog/{path}"))
            .send()
            .await
            .expect("request");
        assert_eq!(resp.status().as_u16(), 200, "{path}");
        let body = resp.bytes().await.expect("body");
        assert!(
            body[..] == bytes[..],
            "{path} differs from GET /tlog/{path}"
        );
    }
}

/// The paths of the full tiles and bundles of a tree of `size` leaves.
fn full_tile_paths(size: u64) -> Vec<String> {
    let mut out = Vec::new();
    for n in 0..size / 256 {
        out.push(format!("tile/0/{n:03}"));
        out.push(format!("tile/entries/{n:03}"));
    }
    for n in 0..size / 65536 {
        out.push(format!("tile/1/{n:03}"));
    }
    out.sort();
    out
}

/// Writes `note` as `DATA/witnessed` and publishes; publish must exit 0.
/// Returns what it printed.
async fn publish_witnessed(data: &Path, to: &Path, note: &str) -> String {
    std::fs::write(data.join("witnessed"), note).expect("write");
    let (code, out) = publish(data, to).await;
    assert_eq!(code, 0, "{out}");
    out
}

/// The copy's checkpoint.
fn copied_note(to: &Path) -> String {
    std::fs::read_to_string(to.join("checkpoint")).expect("read")
}

async fn note_vkey(client: &reqwest::Client, url: &str) -> String {
    let info: serde_json::Value = client
        .get(format!("{url}/api/v1/ledger"))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    info["note_vkey"].as_str().expect("note_vkey").to_string()
}

async fn publish(data: &Path, to: &Path) -> (i32, String) {
    common::cli(vec![
        "publish".into(),
        "--data".into(),
        data.display().to_string(),
        "--to".into(),
        to.display().to_string(),
    ])
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_14_data_tiles_and_a_published_copy_are_the_bytes_of_tlog_and_pass_go_and_python() {
    let server = common::TestServer::start().await;
    let data = server.dir.path().to_path_buf();
    let tiles_dir = data.join("tiles");
    let mut writer = tilefiles::spawn(Arc::clone(&server.ledger), &tiles_dir, Arc::new(RealIo));
    let copy = tempfile::tempdir().expect("tempdir");
    let static_server = common::static_server::StaticServer::start(copy.path());
    let client = reqwest::Client::new();
    let vkey = note_vkey(&client, &server.url).await;
    let live = format!("{}/tlog", server.url);
    let old_dir = tempfile::tempdir().expect("tempdir");
    let mut old: Option<PathBuf> = None;
    let mut at = 1;
    for size in [1, 255, 256, 257, 600] {
        grow(&client, &server.url, &mut at, size).await;
        assert_eq!(server.ledger.size(), size);

        // DATA/tiles: exactly the full tiles, each the bytes of /tlog.
        tokio::time::timeout(
            Duration::from_secs(60),
            writer.written.wait_for(|&s| s >= size),
        )
        .await
        .expect("the tile writer catches up within a minute")
        .expect("the tile writer runs");
        let written = files(&tiles_dir);
        assert_eq!(
            written.keys().cloned().collect::<Vec<_>>(),
            full_tile_paths(size),
            "size {size}"
        );
        same_as_tlog(&client, &server.url, &written).await;

        // The published copy: the bytes of /tlog, the checkpoint included.
        let (code, out) = publish(&data, copy.path()).await;
        assert_eq!(code, 0, "{out}");
        assert!(out.contains(&format!("published size {size} ")), "{out}");
        let copied = files(copy.path());
        assert!(copied.contains_key("checkpoint"));
        same_as_tlog(&client, &server.url, &copied).await;
        if size == 600 {
            // Incremental from 257: only the new full tile and bundle, the
            // three partials of 600, and the two partials at 1 replaced.
            assert!(
                out.contains("written: 1 full tiles, 1 full entry bundles, 3 partial tiles and bundles; 2 old partial tiles deleted; checkpoint replaced"),
                "{out}"
            );
            // A client holding the checkpoint of 256 still finds its
            // level-1 partial tile.
            assert!(copied.contains_key("tile/1/000.p/1"));
            assert!(!copied.contains_key("tile/0/001.p/1"));
        }
        let (code, again) = publish(&data, copy.path()).await;
        assert_eq!(code, 0, "{again}");
        assert!(
            again.contains("written: 0 full tiles, 0 full entry bundles, 0 partial tiles and bundles; 0 old partial tiles deleted; checkpoint unchanged"),
            "{again}"
        );

        both_pass(&live, &vkey, old.as_deref()).await;
        both_pass(&static_server.url, &vkey, old.as_deref()).await;
        let path = old_dir.path().join(format!("checkpoint-{size}"));
        std::fs::write(&path, &copied["checkpoint"]).expect("write");
        old = Some(path);
    }

    // A flipped byte in a copied tile: both clients fail.
    let tile = copy.path().join("tile/0/001");
    let good = std::fs::read(&tile).expect("read");
    let mut bad = good.clone();
    bad[100] ^= 1;
    std::fs::write(&tile, &bad).expect("write");
    let go = go_check(&static_server.url, &vkey, None).await;
    assert_eq!(go.status.code(), Some(1), "{}", common::transcript(&go));
    let py = python_check(&static_server.url, &vkey, None).await;
    assert_eq!(py.status.code(), Some(1), "{}", common::transcript(&py));
    std::fs::write(&tile, &good).expect("write");
    both_pass(&static_server.url, &vkey, None).await;
    drop(static_server);
    writer.stop().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_14_publish_copies_the_witnessed_checkpoint_and_never_goes_back() {
    let server = common::TestServer::start().await;
    let data = server.dir.path().to_path_buf();
    let client = reqwest::Client::new();
    let vkey = note_vkey(&client, &server.url).await;
    let mut at = 1;
    grow(&client, &server.url, &mut at, 300).await;
    let at_300 = server.ledger.checkpoint();
    grow(&client, &server.url, &mut at, 520).await;
    let copy = tempfile::tempdir().expect("tempdir");
    let static_server = common::static_server::StaticServer::start(copy.path());

    // DATA/witnessed (here: the note of 300) is published, not the newer
    // DATA/checkpoint.
    let said = publish_witnessed(&data, copy.path(), &at_300).await;
    assert!(
        said.contains("published size 300 (was 0) from witnessed"),
        "{said}"
    );
    assert_eq!(copied_note(copy.path()), at_300);
    both_pass(&static_server.url, &vkey, None).await;

    // A witnessed note of 520 with a cosignature line of another key: the
    // copy serves it unchanged and both clients ignore the unknown line.
    let at_520 = server.ledger.checkpoint();
    let mut sig = vec![0, 0, 0, 1];
    sig.extend([7; 64]);
    let cosigned = format!("{at_520}— witness.example/w1 {}\n", B64.encode(sig));
    let said = publish_witnessed(&data, copy.path(), &cosigned).await;
    assert!(
        said.contains("published size 520 (was 300) from witnessed"),
        "{said}"
    );
    assert_eq!(copied_note(copy.path()), cosigned);
    let old = copy.path().join(".old-300");
    std::fs::write(&old, &at_300).expect("write");
    both_pass(&static_server.url, &vkey, Some(&old)).await;

    // Back to the note of 300: nothing is published, the copy stays at 520.
    let said = publish_witnessed(&data, copy.path(), &at_300).await;
    assert!(said.contains("nothing published"), "{said}");
    assert_eq!(copied_note(copy.path()), cosigned);

    // A note the ledger key did not sign, and one it signed whose root the
    // leaves do not give (a fork): both refused with exit 2, and the copy
    // keeps its checkpoint.
    let root = at_520.lines().nth(2).expect("root line").to_string();
    let forged = at_520.replacen(&root, &B64.encode([0u8; 32]), 1);
    assert_ne!(forged, at_520);
    let key = coop_ledger::service::keyfile::read(&data.join("ledger-key.pem")).expect("key");
    let body = CheckpointBody {
        origin: common::ORIGIN.to_string(),
        size: 520,
        root: Hash([0; 32]),
    };
    let fork = NoteKey::signer(common::ORIGIN, key)
        .sign(&body)
        .expect("sign");
    for (note, why) in [
        (forged, "does not verify"),
        (fork, "do not give the checkpoint's root"),
    ] {
        std::fs::write(data.join("witnessed"), &note).expect("write");
        let out = Command::new(env!("CARGO_BIN_EXE_coop-ledger"))
            .args(["publish", "--data"])
            .arg(&data)
            .arg("--to")
            .arg(copy.path())
            .output()
            .expect("run publish");
        assert_eq!(out.status.code(), Some(2), "{}", common::transcript(&out));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(why), "{stderr}");
        assert_eq!(copied_note(copy.path()), cosigned);
    }
    drop(static_server);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_14_serve_writes_data_tiles_and_publish_runs_beside_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    common::init_ledger(dir.path());
    let data = dir.path().display().to_string();
    let child = common::ChildServer::start(std::path::Path::new(&data));
    let client = reqwest::Client::new();
    let mut at = 1;
    grow(&client, &child.url, &mut at, 300).await;
    // The metric says when the full tile and bundle are on disk.
    wait_for_metric(
        &client,
        &child.url,
        "coop_ledger_tile_files_written_total 2",
    )
    .await;
    let written = files(&dir.path().join("tiles"));
    assert_eq!(
        written.keys().cloned().collect::<Vec<_>>(),
        full_tile_paths(300)
    );
    same_as_tlog(&client, &child.url, &written).await;

    // publish reads the files of the running server's ledger.
    let copy = tempfile::tempdir().expect("tempdir");
    let (code, out) = publish(dir.path(), copy.path()).await;
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("published size 300 (was 0) from checkpoint"),
        "{out}"
    );
    same_as_tlog(&client, &child.url, &files(copy.path())).await;
    let static_server = common::static_server::StaticServer::start(copy.path());
    let vkey = note_vkey(&client, &child.url).await;
    let go = go_check(&static_server.url, &vkey, None).await;
    assert!(go.status.success(), "{}", common::transcript(&go));
    let old = dir.path().join("checkpoint-300");
    std::fs::copy(copy.path().join("checkpoint"), &old).expect("copy");

    // While submissions keep landing, each run publishes a checkpoint the
    // copy's tiles serve, never going back.
    let (c, url) = (client.clone(), child.url.clone());
    let appends = tokio::spawn(async move {
        let mut at = 300;
        grow(&c, &url, &mut at, 700).await;
    });
    let mut last = 300;
    for _ in 0..4 {
        let (code, out) = publish(dir.path(), copy.path()).await;
        assert_eq!(code, 0, "{out}");
        let size = copied_note(copy.path())
            .lines()
            .nth(1)
            .and_then(|l| l.parse::<u64>().ok())
            .expect("size line");
        assert!(size >= last, "went back from {last} to {size}");
        last = size;
        let go = go_check(&static_server.url, &vkey, Some(&old)).await;
        assert!(go.status.success(), "{}", common::transcript(&go));
    }
    appends.await.expect("appends");
    let (code, out) = publish(dir.path(), copy.path()).await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("published size 700 "), "{out}");
    both_pass(&static_server.url, &vkey, Some(&old)).await;
    child.terminate();
}

/// GETs `/metrics` until it contains `line`, for at most a minute.
async fn wait_for_metric(client: &reqwest::Client, url: &str, line: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let metrics = client
            .get(format!("{url}/metrics"))
            .send()
            .await
            .expect("request")
            .text()
            .await
            .expect("text");
        if metrics.contains(line) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no {line:?} in:\n{metrics}"
        );
        tokio::task::yield_now().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_14_a_failed_tile_write_is_counted_and_retried_with_the_next_tree() {
    let server = common::TestServer::start().await;
    let tiles_dir = server.dir.path().join("tiles");
    let io = Arc::new(FaultyIo::default());
    io.arm(Step::Write, 1);
    let mut writer = tilefiles::spawn(Arc::clone(&server.ledger), &tiles_dir, io.clone());
    let client = reqwest::Client::new();
    let mut at = 1;
    grow(&client, &server.url, &mut at, 256).await;
    wait_for_metric(
        &client,
        &server.url,
        "coop_ledger_tile_file_failures_total 1",
    )
    .await;
    assert_eq!(io.failed(), vec![Step::Write]);
    assert!(
        files(&tiles_dir).is_empty(),
        "a failed write leaves no tile"
    );
    // Appends were never held up; the next tree brings the retry.
    grow(&client, &server.url, &mut at, 257).await;
    tokio::time::timeout(
        Duration::from_secs(60),
        writer.written.wait_for(|&s| s >= 257),
    )
    .await
    .expect("the retry within a minute")
    .expect("the tile writer runs");
    let written = files(&tiles_dir);
    assert_eq!(
        written.keys().cloned().collect::<Vec<_>>(),
        full_tile_paths(257)
    );
    same_as_tlog(&client, &server.url, &written).await;
    writer.stop().await;
    server.stop().await;
}
