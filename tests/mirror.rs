//! Audit over tiles and mirrors (spec §8.18, §10.8, §10.15, §12.9; issue
//! 14): `audit --tiles` against a live server's `/tlog` and against a
//! static copy served by `python3 -m http.server` (passes on a good copy,
//! fails naming the place on a tampered one); `coop-ledger mirror` (the
//! real binary) following a primary through its tiles only.

mod common;

use coop_ledger::domain::tiles::{self, FULL_WIDTH, TILE_HEIGHT, Tile};
use coop_ledger::service::Ledger;
use std::io::BufRead as _;
use std::path::Path;
use std::sync::Arc;

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

/// `python3 -m http.server` over a directory, on a free port; killed on drop.
struct StaticServer {
    child: std::process::Child,
    url: String,
}

impl StaticServer {
    fn start(dir: &Path) -> Self {
        let mut child = std::process::Command::new("python3")
            .args(["-u", "-m", "http.server", "--bind", "127.0.0.1", "0"])
            .current_dir(dir)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("python3 -m http.server");
        let mut reader = std::io::BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        reader.read_line(&mut line).expect("its first line");
        // "Serving HTTP on 127.0.0.1 port 41234 (http://127.0.0.1:41234/) ..."
        let port = line
            .split_whitespace()
            .skip_while(|w| *w != "port")
            .nth(1)
            .unwrap_or_else(|| panic!("unexpected line {line:?}"))
            .to_owned();
        Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
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
    let web = StaticServer::start(&copy);
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
