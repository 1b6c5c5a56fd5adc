//! The ledger's performance figures, in one run: `cargo bench --bench ledger`.
//!
//! Four figures, each with the goal it is measured against, end in one
//! summary table:
//!
//! * **(a) durable appends per second over HTTP.** The real `coop-ledger`
//!   binary is started as a child process (`init`, then `serve` on
//!   127.0.0.1:0) over a fresh data directory under
//!   `target/bench-data/`. `BENCH_APPENDS` distinct `actor.register`
//!   envelopes, each registering a new cooperative with its own key, are
//!   signed *before* the clock starts, then posted by `BENCH_CONCURRENCY`
//!   (64) tokio tasks sharing one HTTP/1.1 keep-alive client. Every answer
//!   must be `201` (a `201` means the leaf is fdatasync'ed and inside the
//!   returned checkpoint, spec §7); anything else aborts the run. Reported:
//!   appends/s and p50/p99 request latency. A few receipts and the final
//!   checkpoint are verified the way a client would.
//! * **(b) `verify_strict` per second on one core**: a tight loop over
//!   pre-made Ed25519 signatures of statement-sized messages for
//!   `BENCH_VERIFY_SECS` (2 s). Every submission costs the server at least
//!   one such verification, so (b) is the ceiling a single core sets; the
//!   goal is **(a)/(b) >= 0.5**.
//! * **(c) inclusion and consistency proof time** at `BENCH_LEAVES`
//!   (1,000,000) leaves. The ledger is built in-process through the public
//!   API (`Ledger::init`, `Ledger::open`, concurrent `Ledger::submit`), so
//!   every leaf is a real accepted, durable entry. It is cached in
//!   `target/bench-data/1m` (`leaves-N` for other sizes) and reused when a
//!   previous build completed. Then `BENCH_PROOFS` (10,000) inclusion proofs
//!   (random size, random index below it) and as many consistency proofs
//!   (random `to`, random `from <= to`) are timed one by one. Goal: mean and
//!   p99 **under 1 ms**.
//! * **(d) audit speed**: the 1M ledger is shut down and
//!   `service::audit::audit_dir` re-verifies every leaf, signature, rule and
//!   root. Goal: **>= 50,000 leaves/s**.
//!
//! Environment (sizes are printed at the start):
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `BENCH_APPENDS` | 40000 | envelopes posted in (a) |
//! | `BENCH_CONCURRENCY` | 64 | concurrent HTTP tasks in (a) |
//! | `BENCH_VERIFY_SECS` | 2 | length of the (b) loop |
//! | `BENCH_LEAVES` | 1000000 | tree size for (c) and (d) |
//! | `BENCH_PROOFS` | 10000 | proofs timed per kind in (c) |
//! | `BENCH_BUILD_TASKS` | 512 | concurrent submitters while building (c) |
//! | `BENCH_DATA` | `target/bench-data` | where ledgers are written |
//! | `BENCH_ONLY` | `http,verify,proofs,audit` | which parts to run |
//!
//! The HTTP client of (a) runs on the same machine and takes CPU from the
//! server, and every figure is wall-clock: run it on an otherwise idle
//! machine. The first run builds the 1M ledger (minutes, with progress and
//! an ETA every 10 s); later runs reuse it.
//!
//! A quick smoke run: `BENCH_APPENDS=2000 BENCH_LEAVES=20000 cargo bench --bench ledger`.

// Each bench uses only part of the shared helpers.
#[allow(dead_code)]
mod support;

use coop_ledger::domain::checkpoint::NoteKey;
use coop_ledger::domain::envelope::{Envelope, signed_bytes};
use coop_ledger::domain::keys::PublicKey;
use coop_ledger::domain::merkle::{Hash, leaf_hash, verify_inclusion};
use coop_ledger::service::Ledger;
use coop_ledger::service::audit::audit_dir;
use serde_json::Value;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use support::{
    Latency, ORIGIN, SplitMix64, Summary, cpus, env_num, ms, now_at, presign, register_statement,
    registrar_key, verdict,
};

// ---------------------------------------------------------------------------
// Configuration

/// The sizes and switches of one run, from the environment.
struct Config {
    appends: u64,
    concurrency: usize,
    verify_secs: f64,
    leaves: u64,
    proofs: usize,
    build_tasks: usize,
    data: PathBuf,
    only: Vec<String>,
}

impl Config {
    fn from_env() -> Self {
        let only = std::env::var("BENCH_ONLY")
            .unwrap_or_else(|_| "http,verify,proofs,audit".into())
            .split(',')
            .map(|s| s.trim().to_owned())
            .collect();
        let c = Self {
            appends: env_num("BENCH_APPENDS", 40_000),
            concurrency: env_num("BENCH_CONCURRENCY", 64),
            verify_secs: env_num("BENCH_VERIFY_SECS", 2.0),
            leaves: env_num("BENCH_LEAVES", 1_000_000),
            proofs: env_num("BENCH_PROOFS", 10_000),
            build_tasks: env_num("BENCH_BUILD_TASKS", 512),
            data: support::data_dir(),
            only,
        };
        assert!(c.appends > 0 && c.concurrency > 0, "nothing to post");
        assert!(c.leaves >= 2, "BENCH_LEAVES must be at least 2");
        c
    }

    fn runs(&self, part: &str) -> bool {
        self.only.iter().any(|p| p == part)
    }
}

// ---------------------------------------------------------------------------
// Keys and envelopes

// ---------------------------------------------------------------------------
// Small statistics

/// `d` in microseconds.
fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

// ---------------------------------------------------------------------------
// (a) durable appends over HTTP

/// Runs `coop-ledger init` in `dir`, then `coop-ledger serve` on a free
/// port (the real binary, as a child process killed when dropped), and
/// waits for its "listening on" line. Its stderr (tracing log) goes to
/// `log`.
fn start_server(dir: &Path, log: &Path) -> support::Served {
    support::init_cli_ledger(dir);
    let data = dir.display().to_string();
    support::Served::start(&["serve", "--data", &data, "--listen", "127.0.0.1:0"], log)
}

/// What (a) measured.
struct HttpFigures {
    appends: u64,
    elapsed: Duration,
    latency: Latency,
}

impl HttpFigures {
    fn per_sec(&self) -> f64 {
        self.appends as f64 / self.elapsed.as_secs_f64()
    }
}

/// Checks a 201 receipt as a client would: the checkpoint is signed by the
/// ledger key and the inclusion proof leads from the leaf hash to its root.
/// Returns the checkpoint's tree size.
fn check_receipt(verifier: &NoteKey, receipt: &Value) -> u64 {
    let cp = verifier
        .verify(
            receipt["checkpoint"].as_str().expect("checkpoint"),
            Some(ORIGIN),
        )
        .expect("the receipt's checkpoint is signed by the ledger key");
    let hash = |v: &Value| Hash::parse_hash(v.as_str().expect("a hash")).expect("base64 hash");
    let proof: Vec<Hash> = receipt["inclusion_proof"]
        .as_array()
        .expect("inclusion_proof")
        .iter()
        .map(hash)
        .collect();
    let index = receipt["index"].as_u64().expect("index");
    verify_inclusion(index, cp.size, hash(&receipt["leaf_hash"]), &proof, cp.root)
        .expect("the receipt's inclusion proof verifies");
    cp.size
}

async fn http_appends(cfg: &Config) -> HttpFigures {
    let dir = cfg.data.join(format!("http-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let log = cfg.data.join("http-server.log");
    let server = start_server(&dir, &log);
    println!("(a) server {} over {}", server.url, dir.display());

    let t = Instant::now();
    let bodies = presign(1, cfg.appends);
    println!(
        "(a) pre-signed {} envelopes in {:.1} s",
        bodies.len(),
        t.elapsed().as_secs_f64()
    );

    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(cfg.concurrency)
        .build()
        .expect("http client");
    let base = server.url.clone();
    let info: Value = client
        .get(format!("{base}/api/v1/ledger"))
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .expect("GET /api/v1/ledger")
        .json()
        .await
        .expect("ledger info JSON");
    let verifier = NoteKey::verifier(
        info["key_name"].as_str().expect("key_name"),
        &PublicKey::parse(info["public_key"].as_str().expect("public_key")).expect("key"),
    );

    // Deal the bodies round-robin to the tasks, so they all finish together.
    let mut lanes: Vec<Vec<Vec<u8>>> = (0..cfg.concurrency).map(|_| Vec::new()).collect();
    for (i, body) in bodies.into_iter().enumerate() {
        lanes[i % cfg.concurrency].push(body);
    }
    let url = format!("{base}/api/v1/entries");
    let start = Instant::now();
    let tasks: Vec<_> = lanes
        .into_iter()
        .map(|lane| {
            let client = client.clone();
            let url = url.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::with_capacity(lane.len());
                let mut first_receipt = None;
                for body in lane {
                    let t = Instant::now();
                    let resp = client
                        .post(&url)
                        .header("content-type", "application/json")
                        .body(body)
                        .send()
                        .await
                        .map_err(|e| format!("POST failed: {e}"))?;
                    let status = resp.status();
                    let answer = resp
                        .bytes()
                        .await
                        .map_err(|e| format!("reading the answer failed: {e}"))?;
                    latencies.push(t.elapsed());
                    if status.as_u16() != 201 {
                        return Err(format!(
                            "an answer was HTTP {status}, not 201: {}",
                            String::from_utf8_lossy(&answer)
                        ));
                    }
                    if first_receipt.is_none() {
                        first_receipt = Some(answer);
                    }
                }
                Ok::<_, String>((latencies, first_receipt))
            })
        })
        .collect();
    let mut latencies = Vec::with_capacity(cfg.appends as usize);
    let mut receipts = Vec::new();
    for task in tasks {
        match task.await.expect("an HTTP task panicked") {
            Ok((l, r)) => {
                latencies.extend(l);
                receipts.extend(r);
            }
            Err(e) => panic!("(a) FAILED: {e} (server log: {})", log.display()),
        }
    }
    let elapsed = start.elapsed();

    for r in &receipts {
        let receipt: Value = serde_json::from_slice(r).expect("receipt JSON");
        check_receipt(&verifier, &receipt);
    }
    let checkpoint = client
        .get(format!("{base}/api/v1/checkpoint"))
        .send()
        .await
        .expect("GET /api/v1/checkpoint")
        .text()
        .await
        .expect("checkpoint text");
    let size = verifier
        .verify(&checkpoint, Some(ORIGIN))
        .expect("the final checkpoint verifies")
        .size;
    assert_eq!(
        size,
        cfg.appends + 1,
        "the final tree must hold the genesis and every append"
    );
    println!(
        "(a) {} x 201, {} receipts verified, final checkpoint size {size}",
        latencies.len(),
        receipts.len()
    );
    let metrics = client
        .get(format!("{base}/metrics"))
        .send()
        .await
        .expect("GET /metrics")
        .text()
        .await
        .expect("metrics text");
    for line in metrics.lines().filter(|l| {
        !l.starts_with('#') && (l.contains("_sum") || l.contains("_count")) && !l.contains("{")
    }) {
        println!("(a) server metric: {line}");
    }

    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
    HttpFigures {
        appends: latencies.len() as u64,
        elapsed,
        latency: Latency::of(&mut latencies),
    }
}

// ---------------------------------------------------------------------------
// (b) verify_strict on one core

fn verify_strict_per_sec(secs: f64) -> f64 {
    const KEYS: u64 = 64;
    let registrar = registrar_key();
    let at = now_at();
    let cases: Vec<_> = (0..KEYS)
        .map(|n| {
            let env = Envelope::sign(register_statement(n, at), &registrar);
            (
                env.key.point().expect("a valid key"),
                signed_bytes(&env.statement),
                env.sig.to_dalek(),
            )
        })
        .collect();
    let budget = Duration::from_secs_f64(secs);
    let start = Instant::now();
    let mut count = 0u64;
    while start.elapsed() < budget {
        for (key, msg, sig) in &cases {
            black_box(key)
                .verify_strict(black_box(msg), black_box(sig))
                .expect("a pre-made signature verifies");
        }
        count += KEYS;
    }
    count as f64 / start.elapsed().as_secs_f64()
}

// ---------------------------------------------------------------------------
// (c) proofs over a large ledger

/// Where the dataset of `cfg.leaves` leaves is cached.
fn dataset_dir(cfg: &Config) -> PathBuf {
    support::registrations_dir(&cfg.data, cfg.leaves)
}

/// The completion marker of a dataset of `leaves` leaves: the tree size.
fn marker(leaves: u64) -> String {
    leaves.to_string()
}

/// Builds the registrations dataset of `cfg.leaves` leaves in `dir`.
async fn build_dataset(cfg: &Config, dir: &Path) -> Duration {
    support::build_registrations(dir, cfg.leaves, cfg.build_tasks).await
}

/// What (c) measured.
struct ProofFigures {
    inclusion: Latency,
    consistency: Latency,
    inclusion_len: f64,
    consistency_len: f64,
}

/// Times `count` calls of `prove(a, b)` with arguments from `args`; returns
/// the latencies and the mean proof length.
fn time_proofs(
    count: usize,
    mut args: impl FnMut() -> (u64, u64),
    mut prove: impl FnMut(u64, u64) -> Vec<Hash>,
) -> (Latency, f64) {
    let mut samples = Vec::with_capacity(count);
    let mut hashes = 0usize;
    for _ in 0..count {
        let (a, b) = args();
        let t = Instant::now();
        let proof = black_box(prove(a, b));
        samples.push(t.elapsed());
        hashes += proof.len();
    }
    (Latency::of(&mut samples), hashes as f64 / count as f64)
}

fn proof_figures(cfg: &Config, ledger: &Ledger) -> ProofFigures {
    let n = ledger.size();
    let mut rng = SplitMix64(0x5EED);

    // Spot-check: proofs at the current size verify against the checkpoint.
    let info = ledger.info();
    let root = NoteKey::verifier(&info.key_name, &info.public_key)
        .verify(&ledger.checkpoint(), Some(ORIGIN))
        .expect("the stored checkpoint verifies")
        .root;
    for _ in 0..32 {
        let index = rng.below(n);
        let leaf = &ledger.entries(index, 1).expect("a leaf")[0].1;
        let proof = ledger.inclusion_proof(index, n).expect("inclusion proof");
        verify_inclusion(index, n, leaf_hash(leaf), &proof, root)
            .expect("an inclusion proof verifies against the checkpoint");
    }

    // Warm the caches a little, as a running server's would be.
    for _ in 0..cfg.proofs.min(1000) {
        black_box(
            ledger
                .inclusion_proof(rng.below(n), n)
                .expect("inclusion proof"),
        );
    }

    let (inclusion, inclusion_len) = time_proofs(
        cfg.proofs,
        || {
            let size = 1 + rng.below(n);
            (rng.below(size), size)
        },
        |index, size| {
            ledger
                .inclusion_proof(index, size)
                .expect("inclusion proof")
        },
    );
    let (consistency, consistency_len) = time_proofs(
        cfg.proofs,
        || {
            let to = 1 + rng.below(n);
            (1 + rng.below(to), to)
        },
        |from, to| {
            ledger
                .consistency_proof(from, to)
                .expect("consistency proof")
        },
    );
    ProofFigures {
        inclusion,
        consistency,
        inclusion_len,
        consistency_len,
    }
}

/// Opens (building it first if needed) the large ledger, times proofs on it,
/// and shuts it down. Returns the figures and the build time, if it was built.
async fn proofs(cfg: &Config, dir: &Path) -> (Option<ProofFigures>, Option<Duration>) {
    let built = support::cached_dataset(
        dir,
        cfg.leaves,
        &marker(cfg.leaves),
        cfg.build_tasks,
        "(c) ",
        || build_dataset(cfg, dir),
    )
    .await;
    if !cfg.runs("proofs") {
        return (None, built);
    }
    let t = Instant::now();
    let ledger = support::open_ledger(dir);
    println!("(c) opened in {:.0} ms", ms(t.elapsed()));
    assert_eq!(ledger.size(), cfg.leaves, "the cached dataset has its size");
    let figures = tokio::task::block_in_place(|| proof_figures(cfg, &ledger));
    ledger.shutdown().await;
    drop(ledger);
    (Some(figures), built)
}

// ---------------------------------------------------------------------------
// (d) audit

/// Audits the stopped ledger in `dir`; returns leaves/s and the time taken.
fn audit_figures(dir: &Path, leaves: u64) -> (f64, Duration) {
    support::wait_for_views_unlocked(dir);
    let start = Instant::now();
    let report = audit_dir(dir, None, None, &mut |_, _| {}).expect("audit_dir");
    let elapsed = start.elapsed();
    assert!(
        report.passed(),
        "the audit failed: {:?}",
        &report.failures[..report.failures.len().min(5)]
    );
    assert_eq!(report.leaves, leaves, "the audit read every leaf");
    assert_eq!(
        report.checkpoint.map(|c| c.size),
        Some(leaves),
        "the audit checked the latest signed checkpoint"
    );
    (leaves as f64 / elapsed.as_secs_f64(), elapsed)
}

// ---------------------------------------------------------------------------
// Report

fn main() {
    let cfg = Config::from_env();
    std::fs::create_dir_all(&cfg.data).expect("creating the bench data directory");
    println!("coop-ledger benchmark");
    println!(
        "sizes: BENCH_APPENDS={} BENCH_CONCURRENCY={} BENCH_VERIFY_SECS={} BENCH_LEAVES={} BENCH_PROOFS={} BENCH_BUILD_TASKS={}",
        cfg.appends, cfg.concurrency, cfg.verify_secs, cfg.leaves, cfg.proofs, cfg.build_tasks
    );
    println!(
        "parts: {}; data in {}; {} CPU(s)",
        cfg.only.join(","),
        cfg.data.display(),
        cpus()
    );
    let rt = support::runtime();

    let http = cfg.runs("http").then(|| rt.block_on(http_appends(&cfg)));
    if let Some(h) = &http {
        println!("(a) {:.0} appends/s", h.per_sec());
    }
    let verify = cfg
        .runs("verify")
        .then(|| verify_strict_per_sec(cfg.verify_secs));
    if let Some(v) = verify {
        println!("(b) {v:.0} verify_strict/s on one core");
    }
    let dir = dataset_dir(&cfg);
    let (proof, built) = if cfg.runs("proofs") || cfg.runs("audit") {
        rt.block_on(proofs(&cfg, &dir))
    } else {
        (None, None)
    };
    let audit = cfg.runs("audit").then(|| audit_figures(&dir, cfg.leaves));
    if let Some((rate, took)) = audit {
        println!(
            "(d) audited {} leaves in {:.1} s: {rate:.0} leaves/s",
            cfg.leaves,
            took.as_secs_f64()
        );
    }

    let summary = Summary::start([52, 24, 12]);
    if let Some(h) = &http {
        summary.row(
            &format!(
                "(a) durable appends/s, HTTP, concurrency {}",
                cfg.concurrency
            ),
            format!("{:.0}/s", h.per_sec()),
            "",
            "",
        );
        summary.row(
            "    request latency p50 / p99",
            format!("{:.1} / {:.1} ms", ms(h.latency.p50), ms(h.latency.p99)),
            "",
            "",
        );
        summary.row(
            "    (appends, wall time)",
            format!("{} in {:.1} s", h.appends, h.elapsed.as_secs_f64()),
            "",
            "",
        );
    }
    if let Some(v) = verify {
        summary.row(
            "(b) ed25519 verify_strict/s, one core",
            format!("{v:.0}/s"),
            "",
            "",
        );
    }
    if let (Some(h), Some(v)) = (&http, verify) {
        let ratio = h.per_sec() / v;
        summary.row(
            "    ratio (a)/(b)",
            format!("{ratio:.3}"),
            ">= 0.5",
            verdict(ratio >= 0.5),
        );
    }
    if let Some(p) = &proof {
        let leaves = cfg.leaves;
        for (name, l, len) in [
            ("inclusion", p.inclusion, p.inclusion_len),
            ("consistency", p.consistency, p.consistency_len),
        ] {
            summary.row(
                &format!("(c) {name} proof @{leaves} leaves, mean / p99"),
                format!("{:.1} / {:.1} µs", us(l.mean), us(l.p99)),
                "< 1000 µs",
                verdict(l.p99_under(Duration::from_millis(1))),
            );
            summary.row(
                &format!("    ({name}: max, mean hashes per proof)"),
                format!("{:.1} µs, {len:.1}", us(l.max)),
                "",
                "",
            );
        }
    }
    if let Some(b) = built {
        summary.row(
            "    (dataset build, entries/s)",
            support::build_figure(cfg.leaves, b),
            "",
            "",
        );
    }
    if let Some((rate, _)) = audit {
        summary.row(
            &format!("(d) audit @{} leaves", cfg.leaves),
            format!("{rate:.0} leaves/s"),
            ">= 50000/s",
            verdict(rate >= 50_000.0),
        );
    }
}
