//! The C2SP tlog-tiles read API under `/tlog` (spec §8.14, issue 14), on a
//! real server over sled on disk, at tree sizes on and off tile boundaries
//! (1, 255, 256, 257, 600): every full and partial tile the tree has is
//! served at its path with its content type and caching; the tiles
//! authenticate against the signed checkpoint and give the same inclusion
//! and consistency proofs as `GET /api/v1/proof/*`; the entry bundles hold
//! exactly the leaves of `GET /api/v1/entries`; tiles the tree does not
//! have are 404. Then `tests/independent/verify_tiles.py`, written only
//! from tlog-tiles.md (and signed-note, tlog-checkpoint), rebuilds the root
//! from the tiles and checks an inclusion and a consistency proof it
//! computes itself.

mod common;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use coop_ledger::domain::checkpoint::NoteKey;
use coop_ledger::domain::merkle::{leaf_hash, prove_record, prove_tree, tree_hash};
use coop_ledger::domain::tiles::{self, FULL_WIDTH, TILE_HEIGHT, Tile};
use std::collections::HashMap;
use std::process::Output;
use tlog_tiles::{TileHashReader, TileReader};

/// Grows the ledger to `size` leaves with registrations of cooperatives,
/// 32 submitted at a time so that the sequencer groups them.
async fn grow_to(server: &common::TestServer, next: &mut u32, size: u64) {
    loop {
        let now = server.ledger.size();
        if now >= size {
            assert_eq!(now, size, "overshot");
            return;
        }
        let batch = (size - now).min(32);
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..batch {
            let n = *next;
            *next += 1;
            let env = common::register(&format!("htx-{n}"), "cooperative", &common::key(n), None);
            let client = server.client.clone();
            let url = format!("{}/api/v1/entries", server.url);
            set.spawn(async move {
                let resp = client
                    .post(url)
                    .header("content-type", "application/json")
                    .body(serde_json::to_vec(&env).expect("json"))
                    .send()
                    .await
                    .expect("request");
                resp.status().as_u16()
            });
        }
        while let Some(status) = set.join_next().await {
            assert_eq!(status.expect("task"), 201);
        }
    }
}

/// A GET's status, content type, cache control and body.
struct Got {
    status: u16,
    content_type: String,
    cache: String,
    body: Vec<u8>,
}

async fn fetch(server: &common::TestServer, path: &str) -> Got {
    let resp = server
        .client
        .get(format!("{}{path}", server.url))
        .send()
        .await
        .expect("request");
    let header = |name| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let content_type = header(reqwest::header::CONTENT_TYPE);
    let cache = header(reqwest::header::CACHE_CONTROL);
    let status = resp.status().as_u16();
    let body = resp.bytes().await.expect("body").to_vec();
    Got {
        status,
        content_type,
        cache,
        body,
    }
}

/// Every tile a tree of `size` has, as tlog-tiles counts them: at each
/// level `l` with `h = floor(size / 256^l) > 0` hashes, `h / 256` full
/// tiles and a partial one of width `h mod 256` if that is not 0.
fn tiles_of(size: u64) -> Vec<Tile> {
    let mut out = Vec::new();
    for l in 0..8u8 {
        let hashes = size >> (8 * u32::from(l));
        if hashes == 0 {
            break;
        }
        for n in 0..hashes / 256 {
            out.push(Tile::new(TILE_HEIGHT, l, n, FULL_WIDTH, false));
        }
        let w = u32::try_from(hashes % 256).expect("below 256");
        if w > 0 {
            out.push(Tile::new(TILE_HEIGHT, l, hashes / 256, w, false));
        }
    }
    out
}

fn bundle_of(tile: &Tile) -> Tile {
    let mut b = *tile;
    b.set_is_data();
    b
}

/// Tiles fetched over HTTP, as a `tlog_tiles` reader: `TileHashReader`
/// authenticates them against the checkpoint's root before it gives out
/// any hash.
struct Fetched(HashMap<Tile, Vec<u8>>);

impl TileReader for Fetched {
    fn height(&self) -> u8 {
        TILE_HEIGHT
    }
    fn read_tiles(&self, tiles: &[Tile]) -> Result<Vec<Vec<u8>>, tlog_tiles::Error> {
        tiles
            .iter()
            .map(|t| self.0.get(t).cloned().ok_or(tlog_tiles::Error::InvalidTile))
            .collect()
    }
    fn save_tiles(&self, _: &[Tile], _: &[Vec<u8>]) {}
}

/// The leaves `GET /api/v1/entries` serves, all of them.
async fn leaves(server: &common::TestServer, size: u64) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    while (out.len() as u64) < size {
        let (status, page) = server
            .get(&format!("/api/v1/entries?start={}", out.len()))
            .await;
        assert_eq!(status, 200);
        let entries = page["entries"].as_array().expect("entries");
        assert!(!entries.is_empty());
        for e in entries {
            out.push(B64.decode(e["leaf"].as_str().expect("leaf")).expect("b64"));
        }
    }
    out
}

/// Parses an entry bundle: big-endian uint16 lengths, each before its entry.
fn unbundle(mut b: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    while !b.is_empty() {
        assert!(b.len() >= 2, "truncated length");
        let len = usize::from(u16::from_be_bytes([b[0], b[1]]));
        assert!(b.len() >= 2 + len, "truncated entry");
        out.push(b[2..2 + len].to_vec());
        b = &b[2 + len..];
    }
    out
}

/// Everything a client of the tiles checks, at the current size.
async fn check_tiles_at(server: &common::TestServer, verifier: &NoteKey, size: u64) {
    // The checkpoint: the same note as /api/v1/checkpoint, not cached.
    let cp = fetch(server, "/tlog/checkpoint").await;
    assert_eq!(cp.status, 200);
    assert_eq!(cp.content_type, "text/plain; charset=utf-8");
    assert_eq!(cp.cache, "no-cache");
    let note = String::from_utf8(cp.body).expect("utf-8");
    let (_, api_note) = server.get_text("/api/v1/checkpoint").await;
    assert_eq!(note, api_note);
    let body = verifier
        .verify(&note, Some(common::ORIGIN))
        .expect("the checkpoint verifies");
    assert_eq!(body.size, size, "checkpoint at size {size}");
    let root = body.root;

    // Every tile, at its path, with its width, type and caching.
    let mut fetched = HashMap::new();
    for tile in tiles_of(size) {
        let path = format!("/tlog/{}", tiles::path(&tile));
        let got = fetch(server, &path).await;
        assert_eq!(got.status, 200, "{path} at size {size}");
        assert_eq!(got.content_type, "application/octet-stream", "{path}");
        assert_eq!(got.cache, "public, max-age=31536000, immutable", "{path}");
        assert_eq!(got.body.len(), 32 * tile.width() as usize, "{path}");
        fetched.insert(tile, got.body);
    }
    let fetched = Fetched(fetched);

    // The tiles authenticate against the signed root, and give the proofs
    // the JSON endpoints give.
    let reader = TileHashReader::new(size, root, &fetched);
    assert_eq!(tree_hash(size, &reader).expect("root from tiles"), root);
    let indexes: Vec<u64> = [0, 1, 127, 254, 255, 256, 257, 511, 599]
        .into_iter()
        .filter(|&i| i < size)
        .chain([size - 1])
        .collect();
    for &i in &indexes {
        let from_tiles = prove_record(size, i, &reader).expect("proof from tiles");
        let (status, json) = server
            .get(&format!("/api/v1/proof/inclusion?index={i}&size={size}"))
            .await;
        assert_eq!(status, 200);
        assert_eq!(from_tiles, common::hashes(&json["proof"]), "inclusion {i}");
    }
    for &from in &indexes {
        let from = from + 1;
        let from_tiles = prove_tree(size, from, &reader).expect("proof from tiles");
        let (status, json) = server
            .get(&format!("/api/v1/proof/consistency?from={from}&to={size}"))
            .await;
        assert_eq!(status, 200);
        assert_eq!(
            from_tiles,
            common::hashes(&json["proof"]),
            "consistency {from}"
        );
    }

    // The entry bundles hold exactly the leaves, whose hashes are level 0.
    let all = leaves(server, size).await;
    let mut bundled = Vec::new();
    for tile in tiles_of(size).into_iter().filter(|t| t.level() == 0) {
        let path = format!("/tlog/{}", tiles::path(&bundle_of(&tile)));
        let got = fetch(server, &path).await;
        assert_eq!(got.status, 200, "{path}");
        assert_eq!(got.content_type, "application/octet-stream", "{path}");
        assert_eq!(got.cache, "public, max-age=31536000, immutable", "{path}");
        let entries = unbundle(&got.body);
        assert_eq!(entries.len(), tile.width() as usize, "{path}");
        let hashes = &fetched.0[&tile];
        for (entry, h) in entries.iter().zip(hashes.chunks(32)) {
            assert_eq!(leaf_hash(entry).0.as_slice(), h, "{path}");
        }
        bundled.extend(entries);
    }
    assert_eq!(bundled, all, "the bundles are the leaves, in order");

    // What the tree does not have is a 404, never a 500.
    let hashes0 = size;
    let mut absent = vec![
        // The next full tile at level 0, and its bundle.
        format!("tile/0/{:03}", hashes0 / 256),
        format!("tile/entries/{:03}", hashes0 / 256),
        // A partial wider than the tree.
        format!("tile/0/{:03}.p/{}", hashes0 / 256, hashes0 % 256 + 1),
        format!("tile/entries/{:03}.p/{}", hashes0 / 256, hashes0 % 256 + 1),
        // The level above the top.
        format!(
            "tile/{}/000.p/1",
            tiles_of(size).iter().map(|t| t.level()).max().unwrap_or(0) + 1
        ),
        "tile/63/000.p/1".into(),
        "tile/0/x018/x446/x744/x073/x709/x551/615".into(),
        "tile/entries/x018/x446/x744/x073/x709/x551/615.p/255".into(),
        // Not canonical tlog-tiles paths.
        "tile/0/000.p/0".into(),
        "tile/0/0".into(),
        "tile/00/000".into(),
        "tile/64/000.p/1".into(),
        "tile/300/000.p/1".into(),
        "tile/0/000.p/256".into(),
        "tile/0/x000/000.p/1".into(),
        "tile/8/0/000.p/1".into(),
        "tile/data/000.p/1".into(),
        "tile/entries".into(),
        "tile/".into(),
    ];
    if size >= 256 {
        // A partial whose full tile exists.
        absent.push("tile/0/000.p/1".into());
        absent.push("tile/entries/000.p/1".into());
    }
    for p in absent {
        let got = fetch(server, &format!("/tlog/{p}")).await;
        assert_eq!(got.status, 404, "/tlog/{p} at size {size}");
    }
}

/// The note `/tlog/checkpoint` serves now.
async fn checkpoint_note(server: &common::TestServer) -> String {
    String::from_utf8(fetch(server, "/tlog/checkpoint").await.body).expect("utf-8")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_14_tiles_match_the_proofs_and_the_leaves_on_and_off_tile_boundaries() {
    let server = common::TestServer::start().await;
    let verifier = server.verifier().await;
    let mut next = 1000;
    let mut narrow_level_1 = None;
    for size in [1, 255, 256, 257, 600] {
        grow_to(&server, &mut next, size).await;
        check_tiles_at(&server, &verifier, size).await;
        if size == 257 {
            narrow_level_1 = Some(fetch(&server, "/tlog/tile/1/000.p/1").await.body);
        }
    }
    // At 600 the level-1 partial is 2 wide; the one of width 1 that the
    // checkpoint at 257 needed is still served, and unchanged, because its
    // full tile does not exist yet (tlog-tiles "Partial Tiles").
    let wide = fetch(&server, "/tlog/tile/1/000.p/2").await;
    assert_eq!(wide.status, 200);
    let narrow = fetch(&server, "/tlog/tile/1/000.p/1").await;
    assert_eq!(narrow.status, 200);
    assert_eq!(Some(narrow.body.clone()), narrow_level_1);
    assert_eq!(narrow.body, wide.body[..32]);
    // The level-0 partial of 257 (width 1 at index 1) is 404 now that the
    // full tile 1 exists; the one of 600 (width 88 at index 2) is served.
    assert_eq!(fetch(&server, "/tlog/tile/0/001.p/1").await.status, 404);
    assert_eq!(fetch(&server, "/tlog/tile/0/002.p/88").await.status, 200);
    server.stop().await;
}

/// Runs `tests/independent/verify_tiles.py` against the server's `/tlog`.
async fn run_python(url: &str, vkey: &str, extra: &[String]) -> Output {
    let mut args = vec![format!("{url}/tlog"), vkey.to_string()];
    args.extend_from_slice(extra);
    common::run_independent("verify_tiles.py", args).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_14_an_independent_verifier_rebuilds_the_root_from_tiles_and_checks_proofs() {
    let server = common::TestServer::start().await;
    let (_, info) = server.get("/api/v1/ledger").await;
    let vkey = info["note_vkey"].as_str().expect("note_vkey").to_string();
    let mut next = 1000;
    grow_to(&server, &mut next, 257).await;
    let old = tempfile::NamedTempFile::new().expect("temp");
    std::fs::write(old.path(), checkpoint_note(&server).await).expect("write");
    grow_to(&server, &mut next, 600).await;
    let old_arg = old.path().display().to_string();

    let out = run_python(&server.url, &vkey, &["--old".into(), old_arg.clone()]).await;
    let log = common::transcript(&out);
    println!("{log}");
    assert_eq!(out.status.code(), Some(0), "the verifier refused:\n{log}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("checkpoint size 600 signature ok"), "{log}");
    assert!(
        stdout.contains("root rebuilt from 4 tiles matches"),
        "{log}"
    );
    assert!(
        stdout.contains("600 entries in 3 bundles match level 0"),
        "{log}"
    );
    assert!(stdout.contains("inclusion of 599 in 600 ok"), "{log}");
    assert!(stdout.contains("consistency 257 -> 600 ok"), "{log}");

    // The same verifier catches a flipped bit in a tile, and an old
    // checkpoint whose root was altered.
    for (extra, reported) in [
        (
            vec!["--tamper".to_string()],
            "level 1 hash 0 != MTH of the tile below",
        ),
        (
            vec!["--old".into(), old_arg.clone(), "--alter-old".into()],
            "old checkpoint signature does not verify",
        ),
    ] {
        let out = run_python(&server.url, &vkey, &extra).await;
        let log = common::transcript(&out);
        assert_eq!(out.status.code(), Some(1), "{extra:?} was accepted:\n{log}");
        assert!(log.contains(reported), "{extra:?}:\n{log}");
    }
    drop(old);
    server.stop().await;
}

/// A leaf must fit an entry bundle, whose lengths are uint16: an envelope
/// whose leaf would be over 65 535 bytes is refused 413 `too_large` even
/// below the 64 KiB body limit; one byte shorter passes that check (and
/// is refused later, for its signature). The longest leaf is at index
/// 2^64 - 1: 230 bytes of members around a statement of plain letters.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_14_an_envelope_whose_leaf_would_not_fit_an_entry_bundle_is_too_large() {
    let server = common::TestServer::start().await;
    // The registrar's key, bound to an actor, so that the edge's check of
    // bound keys (issue 16) lets it through to the signature.
    let key = coop_ledger::domain::keys::PublicKey::from(common::registrar_key().verifying_key());
    let sig = B64.encode([0u8; 64]);
    for (letters, status, code) in [(65_306, 413, "too_large"), (65_305, 401, "bad_signature")] {
        let body = serde_json::json!({
            "statement": "x".repeat(letters),
            "key": key,
            "sig": sig,
        });
        let bytes = serde_json::to_vec(&body).expect("json");
        assert!(bytes.len() <= coop_ledger::domain::envelope::MAX_ENVELOPE_BYTES);
        let (got, answer) = server.post_raw(bytes).await;
        assert_eq!(got, status, "{letters} letters: {answer}");
        assert_eq!(answer["error"], code, "{letters} letters: {answer}");
    }
    assert_eq!(server.ledger.size(), 1, "nothing was logged");
    server.stop().await;
}
