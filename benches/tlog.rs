//! Issue 14's figures, in one run: `cargo bench --bench tlog`.
//!
//! Three figures, each printed as a ratio to a limit measured in the same
//! run, end in one summary table:
//!
//! * **(a) tile requests per second.** The real `coop-ledger serve` child
//!   process serves the cached ledger of `BENCH_LEAVES` leaves (the one
//!   `cargo bench --bench ledger` builds; built here when missing).
//!   `BENCH_CONCURRENCY` (64) tokio tasks sharing one keep-alive client
//!   fetch random full level-0 hash tiles and entry bundles under `/tlog`
//!   for `BENCH_TILE_SECS` (5 s each); every answer must be a 200 of the
//!   right length. The limit is the same load on `GET /healthz`, the
//!   cheapest answer the same server gives: goal **tiles/healthz >= 0.25**
//!   (a tile is 8 KiB from 256 stored hashes, a bundle ~100 KiB of leaves).
//! * **(b) time from a new checkpoint to its quorum.** Two `coop-ledger
//!   witness serve` child processes follow a fresh ledger served with
//!   `--witness … --witness-quorum 2`. `BENCH_ROUNDS` (20) times, one
//!   statement is submitted more than a second after the last one, and the
//!   time from its 201 to the first `GET /tlog/checkpoint` that covers it
//!   (cosigned by both) is taken; then as many back to back. Idle, a round
//!   is sent at once and costs about what an append does (each witness
//!   verifies, cosigns and fsyncs its state, then the ledger fsyncs
//!   `DATA/witnessed`): goal **p99 <= 3 × the append p50 (POST to 201) of
//!   the same submissions**. Back to back, the ledger sends at most one
//!   round per second per witness (`MIN_ROUND_INTERVAL`): goal **p99 <= 1 s
//!   + the idle p99**.
//! * **(c) mirror catch-up**, leaves per second from 0 to
//!   `BENCH_MIRROR_LEAVES` (1,000,000: the cached ledger of (a) when the
//!   sizes agree). `coop-ledger mirror --listen` follows a served ledger
//!   through its tiles into an empty directory, in bounded steps of
//!   `MIRROR_STEP` leaves (spec §8.18), verifying every tile, consistency
//!   step, signature and rule and writing the views, and prints
//!   `listening on` once it holds the primary's checkpoint; the time to
//!   that line is taken, and the child's peak resident memory is printed.
//!   Two limits measured in the same run over the same ledger on disk:
//!   `service::audit::audit_dir` (the checking a mirror does, without
//!   fetching or writing views), printed for reference, and
//!   `Ledger::reindex` (the views a mirror writes, decided by the same
//!   rules, without fetching or checking tiles and signatures): goal
//!   **mirror/reindex >= 0.5**.
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `BENCH_LEAVES` | 1000000 | size of the ledger of (a) |
//! | `BENCH_MIRROR_LEAVES` | 1000000 | size of the ledger the mirror follows in (c) |
//! | `BENCH_CONCURRENCY` | 64 | concurrent HTTP tasks in (a) |
//! | `BENCH_TILE_SECS` | 5 | length of each (a) run |
//! | `BENCH_ROUNDS` | 20 | checkpoints timed in (b) |
//! | `BENCH_DATA` | `target/bench-data` | where ledgers are written |
//! | `BENCH_ONLY` | `tiles,quorum,mirror` | which parts to run |
//!
//! A quick smoke run: `BENCH_LEAVES=20000 BENCH_ROUNDS=5 cargo bench --bench tlog`.

// Each bench uses only part of the shared helpers.
#[allow(dead_code)]
mod support;

use coop_ledger::service::witnessing::MIN_ROUND_INTERVAL;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use support::{Latency, SplitMix64, Summary, cpus, env_num, ms, verdict};

/// The sizes and switches of one run, from the environment.
struct Config {
    leaves: u64,
    mirror_leaves: u64,
    concurrency: usize,
    tile_secs: f64,
    rounds: usize,
    data: PathBuf,
    only: Vec<String>,
}

impl Config {
    fn from_env() -> Self {
        let only = std::env::var("BENCH_ONLY")
            .unwrap_or_else(|_| "tiles,quorum,mirror".into())
            .split(',')
            .map(|s| s.trim().to_owned())
            .collect();
        let c = Self {
            leaves: env_num("BENCH_LEAVES", 1_000_000),
            mirror_leaves: env_num("BENCH_MIRROR_LEAVES", 1_000_000),
            concurrency: env_num("BENCH_CONCURRENCY", 64),
            tile_secs: env_num("BENCH_TILE_SECS", 5.0),
            rounds: env_num("BENCH_ROUNDS", 20),
            data: support::data_dir(),
            only,
        };
        assert!(c.leaves >= 512, "BENCH_LEAVES must hold two full tiles");
        c
    }

    fn runs(&self, part: &str) -> bool {
        self.only.iter().any(|p| p == part)
    }
}

// ---------------------------------------------------------------------------
// (a) tile requests per second

/// Requests per second of `concurrency` tasks each calling `fetch` for
/// `secs` seconds; `fetch` gets a task-local generator and returns whether
/// the answer was right. Panics on a wrong answer.
async fn load<F, Fut>(concurrency: usize, secs: f64, fetch: F) -> f64
where
    F: Fn(u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), String>> + Send,
{
    let fetch = Arc::new(fetch);
    let done = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs_f64(secs);
    let start = Instant::now();
    let tasks: Vec<_> = (0..concurrency)
        .map(|t| {
            let (fetch, done) = (Arc::clone(&fetch), Arc::clone(&done));
            tokio::spawn(async move {
                let mut rng = SplitMix64(0x7113 + t as u64);
                while Instant::now() < deadline {
                    if let Err(e) = fetch(rng.next()).await {
                        panic!("a wrong answer under load: {e}");
                    }
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("a load task panicked");
    }
    done.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64()
}

/// What (a) measured.
struct TileFigures {
    tiles: f64,
    healthz: f64,
}

async fn tile_figures(cfg: &Config, base: &str) -> TileFigures {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(cfg.concurrency)
        .build()
        .expect("http client");
    let full = cfg.leaves / 256;
    let c = client.clone();
    let b = base.to_owned();
    let tiles = load(cfg.concurrency, cfg.tile_secs, move |r| {
        let (c, b) = (c.clone(), b.clone());
        async move {
            let n = (r >> 1) % full;
            let (path, want) = if r & 1 == 0 {
                (format!("{b}/tlog/tile/0/{}", tile_index(n)), Some(8192))
            } else {
                (format!("{b}/tlog/tile/entries/{}", tile_index(n)), None)
            };
            let resp = c.get(&path).send().await.map_err(|e| e.to_string())?;
            if !resp.status().is_success() {
                return Err(format!("{path}: {}", resp.status()));
            }
            let body = resp.bytes().await.map_err(|e| e.to_string())?;
            match want {
                Some(len) if body.len() != len => Err(format!("{path}: {} bytes", body.len())),
                _ if body.is_empty() => Err(format!("{path}: empty")),
                _ => Ok(()),
            }
        }
    })
    .await;
    let c = client.clone();
    let b = base.to_owned();
    let healthz = load(cfg.concurrency, cfg.tile_secs, move |_| {
        let (c, b) = (c.clone(), b.clone());
        async move {
            let resp = c
                .get(format!("{b}/healthz"))
                .send()
                .await
                .map_err(|e| e.to_string())?;
            if !resp.status().is_success() {
                return Err(format!("/healthz: {}", resp.status()));
            }
            resp.bytes().await.map(|_| ()).map_err(|e| e.to_string())
        }
    })
    .await;
    TileFigures { tiles, healthz }
}

/// A tile index as tlog-tiles writes it in a path (`x001/234`).
fn tile_index(n: u64) -> String {
    coop_ledger::domain::tiles::path(&tlog_tiles::Tile::new(8, 0, n, 256, false))
        .rsplit_once("tile/0/")
        .map(|(_, n)| n.to_owned())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------
// (b) checkpoint to quorum

/// What (b) measured: from a 201 to the witnessed checkpoint that
/// covers it, with the witnesses idle (the round is sent at once) and
/// busy (back-to-back checkpoints, one round per second), and the
/// append latency (POST to 201) of the same submissions.
struct QuorumFigures {
    idle: Latency,
    busy: Latency,
    append: Duration,
}

async fn quorum_figures(cfg: &Config) -> QuorumFigures {
    let root = cfg.data.join(format!("quorum-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).expect("quorum dir");
    let ledger_dir = root.join("ledger");
    support::init_cli_ledger(&ledger_dir);
    // The ledger's note vkey, as GET /api/v1/ledger states it.
    let vkey = {
        let plain = support::Served::start(
            &[
                "serve",
                "--data",
                &ledger_dir.display().to_string(),
                "--listen",
                "127.0.0.1:0",
            ],
            &root.join("ledger-first.log"),
        );
        let info: Value = reqwest::get(format!("{}/api/v1/ledger", plain.url))
            .await
            .expect("GET /api/v1/ledger")
            .json()
            .await
            .expect("ledger JSON");
        info["note_vkey"].as_str().expect("note_vkey").to_owned()
    };
    let mut witnesses = Vec::new();
    let mut args: Vec<String> = Vec::new();
    for name in ["witness.one.example", "witness.two.example"] {
        let dir = root.join(name);
        let out = support::cli(&[
            "witness",
            "init",
            "--data",
            &dir.display().to_string(),
            "--name",
            name,
            "--log",
            &vkey,
        ]);
        let wkey = out.trim().to_owned();
        let w = support::Served::start(
            &[
                "witness",
                "serve",
                "--data",
                &dir.display().to_string(),
                "--listen",
                "127.0.0.1:0",
            ],
            &root.join(format!("{name}.log")),
        );
        args.push("--witness".into());
        args.push(format!("{wkey}={}", w.url));
        witnesses.push(w);
    }
    let mut serve: Vec<String> = vec![
        "serve".into(),
        "--data".into(),
        ledger_dir.display().to_string(),
        "--listen".into(),
        "127.0.0.1:0".into(),
        "--witness-quorum".into(),
        "2".into(),
    ];
    serve.extend(args);
    let serve: Vec<&str> = serve.iter().map(String::as_str).collect();
    let server = support::Served::start(&serve, &root.join("ledger.log"));
    let client = reqwest::Client::new();
    let base = server.url.clone();
    let witnessed = |c: reqwest::Client, b: String| async move {
        let r = c
            .get(format!("{b}/tlog/checkpoint"))
            .send()
            .await
            .expect("GET /tlog/checkpoint");
        if !r.status().is_success() {
            return 0;
        }
        let text = r.text().await.expect("checkpoint text");
        text.lines()
            .nth(1)
            .and_then(|l| l.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // The genesis first: wait until it is witnessed.
    let deadline = Instant::now() + Duration::from_secs(60);
    while witnessed(client.clone(), base.clone()).await < 1 {
        assert!(Instant::now() < deadline, "the genesis was never witnessed");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let registrar = support::registrar_key();
    let (mut idle, mut busy, mut appends) = (Vec::new(), Vec::new(), Vec::new());
    for n in 0..2 * cfg.rounds as u64 {
        let spaced = n < cfg.rounds as u64;
        if spaced {
            // Let the witnesses' last round be over a second old, so this
            // checkpoint is sent at once (spec §8.16).
            tokio::time::sleep(Duration::from_millis(1100)).await;
        }
        let body = support::register_body(5_000_000 + n, support::now_at(), &registrar);
        let sent = Instant::now();
        let resp = client
            .post(format!("{base}/api/v1/entries"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("POST /api/v1/entries");
        let status = resp.status().as_u16();
        let receipt: Value = resp.json().await.expect("receipt");
        appends.push(sent.elapsed());
        assert_eq!(status, 201, "the statement is logged: {receipt}");
        let index = receipt["index"].as_u64().expect("index");
        let t = Instant::now();
        while witnessed(client.clone(), base.clone()).await <= index {
            assert!(
                t.elapsed() < Duration::from_secs(60),
                "leaf {index} was never witnessed"
            );
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        if spaced {
            idle.push(t.elapsed());
        } else {
            busy.push(t.elapsed());
        }
    }
    drop(server);
    drop(witnesses);
    let _ = std::fs::remove_dir_all(&root);
    QuorumFigures {
        idle: Latency::of(&mut idle),
        busy: Latency::of(&mut busy),
        append: Latency::of(&mut appends).p50,
    }
}

// ---------------------------------------------------------------------------
// (c) mirror catch-up

/// What (c) measured.
struct MirrorFigures {
    mirror: f64,
    peak_mib: Option<f64>,
    audit: f64,
    reindex: f64,
}

async fn mirror_figures(cfg: &Config, tlog: &str) -> MirrorFigures {
    let dir = cfg.data.join(format!("mirror-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    // `mirror --listen` catches up with the primary's checkpoint before it
    // starts serving and prints its `listening on` line.
    let start = Instant::now();
    let mirror = support::Served::start(
        &[
            "mirror",
            "--from",
            tlog,
            "--data",
            &dir.display().to_string(),
            "--listen",
            "127.0.0.1:0",
        ],
        &cfg.data.join("tlog-mirror.log"),
    );
    let took = start.elapsed();
    let note = reqwest::get(format!("{}/api/v1/checkpoint", mirror.url))
        .await
        .expect("GET the mirror's checkpoint")
        .text()
        .await
        .expect("checkpoint text");
    let size = note.lines().nth(1).and_then(|l| l.parse::<u64>().ok());
    assert_eq!(size, Some(cfg.mirror_leaves), "the mirror caught up");
    let peak_mib = mirror.peak_rss_mib();
    drop(mirror);
    let _ = std::fs::remove_dir_all(&dir);
    MirrorFigures {
        mirror: cfg.mirror_leaves as f64 / took.as_secs_f64(),
        peak_mib,
        audit: 0.0,
        reindex: 0.0,
    }
}

/// `coop-ledger serve` over the dataset in `dir`.
fn serve(dir: &Path, data: &Path) -> support::Served {
    support::Served::start(
        &[
            "serve",
            "--data",
            &dir.display().to_string(),
            "--listen",
            "127.0.0.1:0",
        ],
        &data.join("tlog-server.log"),
    )
}

fn audit_rate(dir: &Path, leaves: u64) -> f64 {
    support::wait_for_views_unlocked(dir);
    let start = Instant::now();
    let report =
        coop_ledger::service::audit::audit_dir(dir, None, None, &mut |_, _| {}).expect("audit_dir");
    assert!(report.passed(), "the audit of the dataset passed");
    assert_eq!(report.leaves, leaves, "the audit read every leaf");
    leaves as f64 / start.elapsed().as_secs_f64()
}

/// Leaves per second `Ledger::reindex` rebuilds the views of the ledger in
/// `dir` at (the same views, rebuilt from `leaves.log`).
fn reindex_rate(dir: &Path, leaves: u64) -> f64 {
    support::wait_for_views_unlocked(dir);
    let start = Instant::now();
    let size = coop_ledger::service::Ledger::reindex(dir, &mut |_| {}).expect("reindex");
    assert_eq!(size, leaves, "reindex read every leaf");
    leaves as f64 / start.elapsed().as_secs_f64()
}

// ---------------------------------------------------------------------------
// Report

fn main() {
    let cfg = Config::from_env();
    std::fs::create_dir_all(&cfg.data).expect("creating the bench data directory");
    println!("coop-ledger tlog benchmark");
    println!(
        "sizes: BENCH_LEAVES={} BENCH_CONCURRENCY={} BENCH_TILE_SECS={} BENCH_ROUNDS={}; parts: {}; {} CPU(s)",
        cfg.leaves,
        cfg.concurrency,
        cfg.tile_secs,
        cfg.rounds,
        cfg.only.join(","),
        cpus()
    );
    let rt = support::runtime();
    let (dir, built) = rt.block_on(support::registrations_dataset(&cfg.data, cfg.leaves, ""));
    if let Some(b) = built {
        println!(
            "built the dataset: {}",
            support::build_figure(cfg.leaves, b)
        );
    }
    let mut rows: Vec<(&str, String, &str, &str)> = Vec::new();

    if cfg.runs("tiles") {
        support::wait_for_views_unlocked(&dir);
        let server = serve(&dir, &cfg.data);
        let f = rt.block_on(tile_figures(&cfg, &server.url));
        let ratio = f.tiles / f.healthz;
        println!(
            "(a) {:.0} tile requests/s, {:.0} /healthz requests/s",
            f.tiles, f.healthz
        );
        rows.push((
            "(a) tile requests/s over /healthz requests/s",
            format!("{:.0} / {:.0} = {ratio:.2}", f.tiles, f.healthz),
            ">= 0.25",
            verdict(ratio >= 0.25),
        ));
    }
    if cfg.runs("mirror") {
        let (mdir, built) = rt.block_on(support::registrations_dataset(
            &cfg.data,
            cfg.mirror_leaves,
            "(c) ",
        ));
        if let Some(b) = built {
            println!("(c) built: {}", support::build_figure(cfg.mirror_leaves, b));
        }
        support::wait_for_views_unlocked(&mdir);
        let server = serve(&mdir, &cfg.data);
        let mut f = rt.block_on(mirror_figures(&cfg, &format!("{}/tlog", server.url)));
        drop(server);
        f.audit = audit_rate(&mdir, cfg.mirror_leaves);
        f.reindex = reindex_rate(&mdir, cfg.mirror_leaves);
        let ratio = f.mirror / f.reindex;
        println!(
            "(c) mirror {:.0} leaves/s (peak {} MiB), reindex {:.0} leaves/s, audit_dir {:.0} leaves/s (mirror/audit {:.2}), at {} leaves",
            f.mirror,
            f.peak_mib.map_or("?".to_owned(), |m| format!("{m:.0}")),
            f.reindex,
            f.audit,
            f.mirror / f.audit,
            cfg.mirror_leaves
        );
        rows.push((
            "(c) mirror catch-up leaves/s over reindex leaves/s",
            format!("{:.0} / {:.0} = {ratio:.2}", f.mirror, f.reindex),
            ">= 0.5",
            verdict(ratio >= 0.5),
        ));
    }
    if cfg.runs("quorum") {
        let f = rt.block_on(quorum_figures(&cfg));
        println!(
            "(b) checkpoint to quorum, witnesses idle: p50 {:.1} ms, p99 {:.1} ms; back to back: p50 {:.0} ms, p99 {:.0} ms; append p50 {:.1} ms",
            ms(f.idle.p50),
            ms(f.idle.p99),
            ms(f.busy.p50),
            ms(f.busy.p99),
            ms(f.append)
        );
        let idle_limit = 3 * f.append;
        let ratio = f.idle.p99.as_secs_f64() / idle_limit.as_secs_f64();
        rows.push((
            "(b) quorum p99, idle witnesses, over 3 x append p50",
            format!(
                "{:.1} ms / {:.1} ms = {ratio:.2}",
                ms(f.idle.p99),
                ms(idle_limit)
            ),
            "<= 1",
            verdict(ratio <= 1.0),
        ));
        let busy_limit = MIN_ROUND_INTERVAL + f.idle.p99;
        let ratio = f.busy.p99.as_secs_f64() / busy_limit.as_secs_f64();
        rows.push((
            "    quorum p99, back to back, over (1 s + idle p99)",
            format!(
                "{:.0} ms / {:.0} ms = {ratio:.2}",
                ms(f.busy.p99),
                ms(busy_limit)
            ),
            "<= 1",
            verdict(ratio <= 1.0),
        ));
    }
    let summary = Summary::start([64, 30, 8]);
    for (figure, measured, goal, met) in rows {
        summary.row(figure, measured, goal, met);
    }
}
