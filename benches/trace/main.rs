//! Trace speed over a large, realistic ledger: `cargo bench --bench trace`.
//!
//! The goal (issue): the upstream + downstream trace of a batch with 50
//! ancestors, in a ledger of 1,000,000 leaves, answers in **under 5 ms**.
//!
//! * **The dataset.** A ledger of `BENCH_LEAVES` leaves is built in-process
//!   through the public API only (`Ledger::init`, `Ledger::open`, then
//!   `Ledger::submit` from `BENCH_BUILD_TASKS` concurrent tokio tasks), so
//!   every leaf is a real, accepted, durable entry. Its leaves are batch
//!   activity as spec §3/§6 writes it: a registrar registers cooperatives
//!   (rice, fruit, vegetable, seafood, OCOP honey), businesses and auditors;
//!   each cooperative registers its members and offers a linkage contract
//!   that its business partner accepts; then many independent "stories" run
//!   at once, each the life of one harvest lot, whose steps are submitted in
//!   order: a member `batch.create`s a lot and `batch.ship`s it to its
//!   cooperative, which `batch.receive`s it, `batch.transform`s it
//!   (drying / milling / processing / packing, then a split) and ships a part
//!   to a business under the contract, which receives it. Some lots are
//!   inspected by an auditor, some stay with the cooperative, some are logged
//!   by the cooperative for a member and refused by the business, some are
//!   only harvested. Keys come from fixed seeds. The ledger is cached in
//!   `target/bench-data/trace-1m` (`trace-leaves-N` for other sizes), marked
//!   complete by a `bench-complete` file, and reused by later runs; delete the
//!   directory to rebuild it. Progress and an ETA are printed every 10 s.
//! * **The deep batch.** Spread evenly over the whole log (its steps and the
//!   stories pace each other), one cooperative takes 8 members'
//!   lots, merges them, and runs 41 more transformations, each consuming
//!   part of the previous output (some of them splits), ending in
//!   [`TARGET`]: 8 lots + the merged batch + 41 intermediate batches = **50
//!   ancestors**. Downstream the target is split in 4 parts, each packed into
//!   boxes, two of which go to a business: **8 descendants**. Inspections and
//!   later shipments of ancestors' remainders add steps that the trace must
//!   include (inspections) or cut off (the remainders' journeys). The trace's
//!   counts are asserted before anything is timed.
//! * **(a) in-process:** `BENCH_TRACES` calls of `Ledger::trace(TARGET)`,
//!   one at a time, after a warm-up; the first (cold) call is reported too.
//! * **(b) HTTP:** the real axum server (`coop_ledger::http::router` +
//!   `coop_ledger::http::serve` on 127.0.0.1:0) over the same open ledger;
//!   `BENCH_TRACES` sequential `GET /api/v1/batches/{TARGET}/trace` on one
//!   keep-alive reqwest client, each timed until its whole body is read. Every
//!   answer must be `200` with the 50 ancestors and 8 descendants in its JSON
//!   (checked outside the timed part).
//!
//! Both report mean / p50 / p99 / max; the goal is met when the **p99** is
//! under 5 ms.
//!
//! Environment (printed at the start):
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `BENCH_LEAVES` | 1000000 | tree size of the dataset |
//! | `BENCH_TRACES` | 2000 | traces timed in (a) and in (b) |
//! | `BENCH_BUILD_TASKS` | 512 | concurrent submitters while building |
//! | `BENCH_DATA` | `target/bench-data` | where datasets are written |
//!
//! A quick smoke run: `BENCH_LEAVES=20000 cargo bench --bench trace`. The
//! first full run builds the 1M ledger (minutes); later runs reuse it.
//! Figures are wall-clock: run on an otherwise idle machine.

//!
//! The bench's parts: this file (the sizes, the measuring and the report),
//! `products.rs` (the product lines of the cooperatives) and `dataset.rs`
//! (the cast, the lot stories, the deep chain, and the build).

// Each bench uses only part of the shared helpers.
#[allow(dead_code)]
#[path = "../support/mod.rs"]
mod support;

mod dataset;
mod products;

use coop_ledger::domain::ids::BatchId;
use coop_ledger::domain::lineage::Trace;
use coop_ledger::domain::statement::StatementType;
use coop_ledger::service::Ledger;
use serde_json::Value;
use std::collections::HashSet;
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{Latency, Summary, cpus, env_num, ms, verdict};

/// The origin of the benchmark ledger.
const ORIGIN: &str = "bench.example/trace";

/// The one registrar's id.
const REGISTRAR: &str = "lien-minh-htx";

/// The version of what the build writes; a cache of another layout is
/// rebuilt.
const LAYOUT: &str = "trace-v2";

/// The fill byte of the actors' key seeds ([`support::actor_key`]); the
/// cached datasets hold keys made from it.
const ACTOR_SEED_FILL: u8 = 0x5A;

/// The batch whose trace is timed.
const TARGET: &str = "st25-sau-dich";

/// Ancestors of [`TARGET`].
const ANCESTORS: usize = 50;

/// Harvest lots merged at the root of the deep chain.
const DEEP_LOTS: usize = 8;

/// Descendants of [`TARGET`]: 4 parts and 4 packed batches.
const DESCENDANTS: usize = 8;

/// Members each cooperative registers.
const MEMBERS_PER_COOP: usize = 40;

/// One cooperative per this many leaves.
const LEAVES_PER_COOP: u64 = 2_500;

/// The goal of the issue, per trace.
const GOAL: Duration = Duration::from_millis(5);

// ---------------------------------------------------------------------------
// Configuration

/// The sizes of one run, from the environment.
struct Config {
    leaves: u64,
    traces: usize,
    build_tasks: usize,
    data: PathBuf,
}

impl Config {
    fn from_env() -> Self {
        let c = Self {
            leaves: env_num("BENCH_LEAVES", 1_000_000),
            traces: env_num("BENCH_TRACES", 2000),
            build_tasks: env_num("BENCH_BUILD_TASKS", 512),
            data: support::data_dir(),
        };
        assert!(c.traces > 0, "BENCH_TRACES must be at least 1");
        assert!(c.build_tasks > 0, "BENCH_BUILD_TASKS must be at least 1");
        c
    }

    /// Where the dataset of `self.leaves` leaves is cached.
    fn dataset_dir(&self) -> PathBuf {
        support::dataset_dir(&self.data, "trace-", self.leaves)
    }
}

// ---------------------------------------------------------------------------
// Measuring

/// The size of the target's trace.
#[derive(Clone, Copy, Debug)]
struct Shape {
    ancestors: usize,
    descendants: usize,
    upstream_steps: usize,
    downstream_steps: usize,
    edges: usize,
}

/// Checks the in-process trace of [`TARGET`] and returns its shape.
fn check_trace(t: &Trace) -> Shape {
    assert_eq!(t.batch.as_str(), TARGET);
    assert!(!t.truncated, "the trace is not truncated");
    let up: HashSet<&str> = t.upstream.iter().map(|s| s.batch.as_str()).collect();
    let down: HashSet<&str> = t.downstream.iter().map(|s| s.batch.as_str()).collect();
    assert_eq!(t.ancestors.len(), ANCESTORS, "ancestors visited upstream");
    assert_eq!(
        up.len(),
        ANCESTORS,
        "distinct batches in the upstream steps"
    );
    assert_eq!(
        down.len(),
        DESCENDANTS,
        "distinct batches in the downstream steps"
    );
    for i in 0..DEEP_LOTS {
        assert!(
            up.contains(format!("sau-lo-{i}").as_str()),
            "lot {i} upstream"
        );
    }
    assert!(
        t.upstream
            .iter()
            .any(|s| s.batch.as_str() == "sau-c20" && s.kind == StatementType::Inspect),
        "a later inspection of an ancestor stays upstream"
    );
    assert!(
        !t.upstream
            .iter()
            .any(|s| s.batch.as_str() == "sau-c10" && s.kind == StatementType::Ship),
        "where an ancestor's remainder went is cut off upstream"
    );
    Shape {
        ancestors: t.ancestors.len(),
        descendants: down.len(),
        upstream_steps: t.upstream.len(),
        downstream_steps: t.downstream.len(),
        edges: t.edges.len(),
    }
}

/// Checks one HTTP answer's JSON.
fn check_json(body: &[u8]) {
    let v: Value = serde_json::from_slice(body).expect("trace JSON");
    let distinct = |side: &str| -> usize {
        v[side]
            .as_array()
            .unwrap_or_else(|| panic!("{side} is a list"))
            .iter()
            .map(|s| s["batch"].as_str().expect("a step names its batch"))
            .collect::<HashSet<_>>()
            .len()
    };
    assert_eq!(v["batch"], TARGET);
    assert_eq!(v["truncated"], false, "the HTTP trace is not truncated");
    assert_eq!(
        distinct("upstream"),
        ANCESTORS,
        "upstream batches over HTTP"
    );
    assert_eq!(
        distinct("downstream"),
        DESCENDANTS,
        "downstream batches over HTTP"
    );
}

/// (a): returns the first (cold) call and the timed calls.
fn in_process(ledger: &Ledger, id: &BatchId, n: usize) -> (Duration, Shape, Latency) {
    let t = Instant::now();
    let first = ledger.trace(id).expect("trace");
    let cold = t.elapsed();
    let shape = check_trace(&first);
    for _ in 0..n.min(200) {
        black_box(ledger.trace(id).expect("trace"));
    }
    let mut samples = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        let trace = black_box(ledger.trace(id).expect("trace"));
        samples.push(t.elapsed());
        drop(trace);
    }
    (cold, shape, Latency::of(&mut samples))
}

/// (b): returns the latencies and the size of one answer.
async fn over_http(ledger: Arc<Ledger>, n: usize) -> (Latency, usize) {
    let path = format!("/api/v1/batches/{TARGET}/trace");
    support::timed_gets(ledger, &path, n, n.min(200), check_json).await
}

// ---------------------------------------------------------------------------
// Report

fn main() {
    let cfg = Config::from_env();
    std::fs::create_dir_all(&cfg.data).expect("creating the bench data directory");
    println!("coop-ledger trace benchmark");
    println!(
        "sizes: BENCH_LEAVES={} BENCH_TRACES={} BENCH_BUILD_TASKS={}; data in {}; {} CPU(s)",
        cfg.leaves,
        cfg.traces,
        cfg.build_tasks,
        cfg.data.display(),
        cpus()
    );
    let rt = support::runtime();

    let dir = cfg.dataset_dir();
    let built = rt.block_on(support::cached_dataset(
        &dir,
        cfg.leaves,
        &dataset::marker(cfg.leaves),
        cfg.build_tasks,
        "",
        || dataset::build_dataset(&cfg, &dir),
    ));

    let t = Instant::now();
    let ledger = Arc::new(support::open_ledger(&dir));
    println!("opened in {:.0} ms", ms(t.elapsed()));
    let size = ledger.size();
    assert_eq!(size, cfg.leaves, "the dataset has its size");
    let id = BatchId::parse(TARGET).expect("the target id");

    let (cold, shape, local) = in_process(&ledger, &id, cfg.traces);
    println!(
        "(a) Ledger::trace: {} ancestors, {} descendants, {} upstream and {} downstream steps, {} edges",
        shape.ancestors,
        shape.descendants,
        shape.upstream_steps,
        shape.downstream_steps,
        shape.edges
    );
    println!(
        "(a) {} calls: mean {:.3} ms, p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms (first, cold: {:.3} ms)",
        cfg.traces,
        ms(local.mean),
        ms(local.p50),
        ms(local.p99),
        ms(local.max),
        ms(cold)
    );
    let (http, body) = rt.block_on(over_http(Arc::clone(&ledger), cfg.traces));
    println!(
        "(b) {} x GET /api/v1/batches/{TARGET}/trace ({body} bytes each): mean {:.3} ms, p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        cfg.traces,
        ms(http.mean),
        ms(http.p50),
        ms(http.p99),
        ms(http.max)
    );
    rt.block_on(ledger.shutdown());

    let summary = Summary::start([48, 30, 14]);
    summary.row("tree size (leaves)", size.to_string(), "", "");
    summary.row(
        &format!("trace of {TARGET}: ancestors / descendants"),
        format!("{} / {}", shape.ancestors, shape.descendants),
        "50 / -",
        verdict(shape.ancestors == ANCESTORS),
    );
    summary.row(
        "    (upstream / downstream steps, edges)",
        format!(
            "{} / {}, {}",
            shape.upstream_steps, shape.downstream_steps, shape.edges
        ),
        "",
        "",
    );
    for (name, l) in [
        ("(a) Ledger::trace in-process", local),
        ("(b) GET .../trace over HTTP, keep-alive", http),
    ] {
        summary.row(
            &format!("{name}, mean / p50"),
            format!("{:.3} / {:.3} ms", ms(l.mean), ms(l.p50)),
            "",
            "",
        );
        summary.row(
            "    p99 / max",
            format!("{:.3} / {:.3} ms", ms(l.p99), ms(l.max)),
            "p99 < 5 ms",
            verdict(l.p99_under(GOAL)),
        );
    }
    summary.row(
        "    (a) first call, cold",
        format!("{:.3} ms", ms(cold)),
        "",
        "",
    );
    summary.row("    (b) answer size", format!("{body} bytes"), "", "");
    if let Some(b) = built {
        summary.row(
            "(dataset build, entries/s)",
            support::build_figure(cfg.leaves, b),
            "",
            "",
        );
    }
}
