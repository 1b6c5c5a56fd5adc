//! Helpers shared by the benchmark binaries `benches/ledger.rs` and
//! `benches/trace.rs` (each includes this file with `mod support;`; cargo
//! does not take a subdirectory module for a bench target of its own).
//!
//! They cover the environment (sizes, the data directory), fixed-seed keys,
//! a small deterministic generator, the statements the datasets are made of
//! (built with `coop_ledger::domain::builder`, the crate's one statement
//! builder) and their submission, latency figures, the cached datasets
//! under `target/bench-data` (built in `<dir>.partial`, marked complete,
//! moved in place, reused by later runs) and the summary table. Whatever a
//! cached dataset depends on (key seeds, statement text, the completion
//! marker's content) stays with the bench that builds it and is passed in.

use coop_ledger::domain::builder::{Draft, Raw, StatementBuilder};
use coop_ledger::domain::ids::{ActorId, BatchId, ContractId};
use coop_ledger::domain::keys::PublicKey;
use coop_ledger::domain::quantity::{Amount, Quantity, Unit};
use coop_ledger::domain::time::Timestamp;
use coop_ledger::service::{Ledger, OpenOptions, RegistrarSpec, SystemClock};
use ed25519_dalek::SigningKey;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The file that marks a cached dataset whose build finished; its content
/// is the marker the bench passes in (for instance the tree size).
const COMPLETE_MARKER: &str = "bench-complete";

// ---------------------------------------------------------------------------
// Environment

/// The number in the environment variable `name` (`_` separators allowed,
/// as in `1_000_000`), or `default` when it is not set. Panics on a value
/// that does not parse.
pub fn env_num<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(v) => v
            .replace('_', "")
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a number")),
        Err(_) => default,
    }
}

/// Where datasets are written: `BENCH_DATA`, or else `target/bench-data`.
pub fn data_dir() -> PathBuf {
    std::env::var_os("BENCH_DATA").map_or_else(
        || {
            // CARGO_BIN_EXE_* is target/<profile>/coop-ledger.
            Path::new(env!("CARGO_BIN_EXE_coop-ledger"))
                .ancestors()
                .nth(2)
                .expect("the target directory")
                .join("bench-data")
        },
        PathBuf::from,
    )
}

/// The directory of a cached dataset of `leaves` leaves under `data`:
/// `<prefix>1m` for a million, `<prefix>leaves-N` otherwise.
pub fn dataset_dir(data: &Path, prefix: &str, leaves: u64) -> PathBuf {
    let name = if leaves == 1_000_000 {
        format!("{prefix}1m")
    } else {
        format!("{prefix}leaves-{leaves}")
    };
    data.join(name)
}

/// The number of CPUs this process may use (1 when unknown).
pub fn cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// A multi-threaded tokio runtime with I/O and timers.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

// ---------------------------------------------------------------------------
// Keys, time and randomness

/// The registrar's key: a fixed seed, so every run signs the same way.
pub fn registrar_key() -> SigningKey {
    SigningKey::from_bytes(&[1u8; 32])
}

/// A distinct fixed key per actor number `n`: the seed is 32 bytes of
/// `fill` with `n` (big-endian) over its first 8. Each bench keeps its own
/// `fill`, since its cached dataset holds the keys made from it.
pub fn actor_key(fill: u8, n: u64) -> SigningKey {
    let mut seed = [fill; 32];
    seed[..8].copy_from_slice(&n.to_be_bytes());
    SigningKey::from_bytes(&seed)
}

/// The public half of `key` as statements write it.
pub fn public(key: &SigningKey) -> String {
    PublicKey::from(key.verifying_key()).to_string()
}

/// A tiny deterministic generator (SplitMix64), seeded with its field.
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0; the modulo bias is irrelevant here).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

// ---------------------------------------------------------------------------
// Statements

/// A statement to sign with a key, of any type (the builder's raw form).
pub type Stmt = (SigningKey, Draft<Raw>);

/// An actor id (panics on a bad one: the benches make their own).
pub fn actor(id: &str) -> ActorId {
    ActorId::parse(id).unwrap_or_else(|_| panic!("bad actor id {id:?}"))
}

/// A batch id (panics on a bad one).
pub fn lot(id: &str) -> BatchId {
    BatchId::parse(id).unwrap_or_else(|_| panic!("bad batch id {id:?}"))
}

/// A contract id (panics on a bad one).
pub fn contract(id: &str) -> ContractId {
    ContractId::parse(id).unwrap_or_else(|_| panic!("bad contract id {id:?}"))
}

/// An amount of `milli` thousandths (panics outside (0, 10^12]).
pub fn amount(milli: u64) -> Amount {
    Amount::from_milli(milli).expect("an amount in (0, 10^12]")
}

/// `milli` thousandths of `unit`.
pub fn quantity(milli: u64, unit: Unit) -> Quantity {
    Quantity {
        amount: amount(milli),
        unit,
    }
}

/// A statement `id` signs at `at`.
pub fn by(id: &str, at: Timestamp) -> StatementBuilder {
    StatementBuilder::new(&actor(id), at)
}

/// The current time as a statement claims it.
pub fn now_at() -> Timestamp {
    Timestamp::from_clock(time::OffsetDateTime::now_utc())
}

/// Signs and submits statements to a ledger, counting them.
pub struct Submitter {
    /// The ledger being built.
    pub ledger: Arc<Ledger>,
    /// Entries accepted so far.
    pub done: AtomicU64,
    /// Whether each statement claims the time it is sent at.
    stamp: bool,
}

impl Submitter {
    /// Submits to `ledger`; with `stamp`, each statement's `at` becomes the
    /// time it is sent (so that it is never in the future nor too old).
    pub fn new(ledger: Ledger, stamp: bool) -> Arc<Self> {
        Arc::new(Self {
            ledger: Arc::new(ledger),
            done: AtomicU64::new(0),
            stamp,
        })
    }

    /// Signs and submits one statement; panics with the refusal if any, or
    /// if it was logged before. Returns its leaf index.
    pub async fn submit(&self, (key, draft): Stmt) -> u64 {
        let draft = if self.stamp {
            draft.at(now_at())
        } else {
            draft
        };
        let env = draft.sign(&key);
        let body = serde_json::to_vec(&env).expect("an envelope serialises");
        let index = match self.ledger.submit(&body).await {
            Ok(r) if !r.duplicate => r.index,
            Ok(r) => panic!("logged before, at {}: {}", r.index, env.statement),
            Err(e) => panic!(
                "the ledger refused a statement: {e}\nstatement: {}",
                env.statement
            ),
        };
        self.done.fetch_add(1, Ordering::Relaxed);
        index
    }

    /// Every 10 s until aborted, prints how far the build of `total` entries
    /// begun at `start` has come.
    pub fn report_progress(
        self: &Arc<Self>,
        start: Instant,
        total: u64,
    ) -> tokio::task::JoinHandle<()> {
        let b = Arc::clone(self);
        spawn_progress(
            start,
            total,
            move || b.done.load(Ordering::Relaxed),
            move |n, rate, eta| {
                eprintln!(
                    "building: {n}/{total} entries ({:.1}%), {rate:.0}/s, about {eta:.0} s to go",
                    100.0 * n as f64 / total as f64
                );
            },
        )
    }

    /// Runs sequences of statements on `tasks` concurrent tasks, each
    /// sequence in order.
    pub async fn run(self: &Arc<Self>, seqs: Vec<Vec<Stmt>>, tasks: usize) {
        let mut lanes: Vec<Vec<Vec<Stmt>>> = (0..tasks).map(|_| Vec::new()).collect();
        for (i, s) in seqs.into_iter().enumerate() {
            lanes[i % tasks].push(s);
        }
        let handles: Vec<_> = lanes
            .into_iter()
            .filter(|l| !l.is_empty())
            .map(|lane| {
                let b = Arc::clone(self);
                tokio::spawn(async move {
                    for seq in lane {
                        for s in seq {
                            b.submit(s).await;
                        }
                    }
                })
            })
            .collect();
        for h in handles {
            h.await.expect("a build task panicked");
        }
    }

    /// Submits independent statements from `tasks` concurrent tasks.
    pub async fn all(self: &Arc<Self>, stmts: Vec<Stmt>, tasks: usize) {
        self.run(stmts.into_iter().map(|s| vec![s]).collect(), tasks)
            .await;
    }
}

// ---------------------------------------------------------------------------
// Latency figures

/// Latency figures of a set of timed calls.
#[derive(Clone, Copy, Debug)]
pub struct Latency {
    /// The mean.
    pub mean: Duration,
    /// The median.
    pub p50: Duration,
    /// The 99th percentile (nearest rank).
    pub p99: Duration,
    /// The slowest call.
    pub max: Duration,
}

impl Latency {
    /// The figures of `samples` (sorted in place); panics when empty.
    pub fn of(samples: &mut [Duration]) -> Self {
        assert!(!samples.is_empty(), "no samples");
        samples.sort_unstable();
        let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
        let total: Duration = samples.iter().sum();
        Self {
            mean: total / samples.len() as u32,
            p50: at(0.50),
            p99: at(0.99),
            max: samples[samples.len() - 1],
        }
    }

    /// True when the p99 is under `goal`.
    pub fn p99_under(&self, goal: Duration) -> bool {
        self.p99 < goal
    }
}

/// `d` in milliseconds.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

// ---------------------------------------------------------------------------
// Cached datasets

/// Waits until no thread of this process still holds sled's lock on the
/// views of the ledger in `dir`. sled 0.34 returns from dropping a `Db`
/// before its I/O threads release the file lock (sled issues #1234 and
/// #1289), so opening a ledger right after closing it in the same process
/// can fail with "could not acquire lock". sled takes an exclusive `flock`
/// on `views/db`; so does `File::try_lock`.
pub fn wait_for_views_unlocked(dir: &Path) {
    let Ok(file) = std::fs::File::open(dir.join("views").join("db")) else {
        return;
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while let Err(e) = file.try_lock() {
        assert!(
            Instant::now() < deadline,
            "{}: the views stay locked: {e}",
            dir.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Opens the ledger in `dir` once sled has let go of it.
pub fn open_ledger(dir: &Path) -> Ledger {
    wait_for_views_unlocked(dir);
    Ledger::open(dir, OpenOptions::default())
        .unwrap_or_else(|e| panic!("opening {}: {e}", dir.display()))
}

/// True when `dir` holds a finished build whose completion marker is
/// `marker`.
fn dataset_complete(dir: &Path, marker: &str) -> bool {
    std::fs::read_to_string(dir.join(COMPLETE_MARKER)).is_ok_and(|s| s.trim() == marker)
}

/// Entries per second of a build of `leaves` leaves (the genesis is not
/// submitted) that took `took`.
fn build_rate(leaves: u64, took: Duration) -> f64 {
    (leaves - 1) as f64 / took.as_secs_f64()
}

/// The build time and rate of a dataset of `leaves` leaves, as the
/// summary shows them (`"12.3 s, 45678/s"`).
pub fn build_figure(leaves: u64, took: Duration) -> String {
    format!(
        "{:.1} s, {:.0}/s",
        took.as_secs_f64(),
        build_rate(leaves, took)
    )
}

/// Makes sure `dir` holds a finished dataset of `leaves` leaves marked
/// `marker`: reuses it when it does, else runs `build` (which builds it
/// with `tasks` concurrent submitters) and returns the time `build` says
/// it took. Progress lines start with `label`.
pub async fn cached_dataset<F>(
    dir: &Path,
    leaves: u64,
    marker: &str,
    tasks: usize,
    label: &str,
    build: impl FnOnce() -> F,
) -> Option<Duration>
where
    F: Future<Output = Duration>,
{
    if dataset_complete(dir, marker) {
        println!("{label}reusing {} ({leaves} leaves)", dir.display());
        return None;
    }
    println!(
        "{label}building {leaves} leaves in {} ({tasks} concurrent submitters)...",
        dir.display()
    );
    let took = build().await;
    println!(
        "{label}built {leaves} leaves in {:.1} s ({:.0} entries/s)",
        took.as_secs_f64(),
        build_rate(leaves, took)
    );
    Some(took)
}

/// A dataset being built in `<dir>.partial` and moved to `dir` once
/// finished, so that an interrupted build is never taken for a cache.
pub struct PartialDataset {
    partial: PathBuf,
    dir: PathBuf,
}

impl PartialDataset {
    /// Removes `dir` and any leftover partial build of it.
    pub fn start(dir: &Path) -> Self {
        let partial = dir.with_extension("partial");
        let _ = std::fs::remove_dir_all(&partial);
        let _ = std::fs::remove_dir_all(dir);
        Self {
            partial,
            dir: dir.to_owned(),
        }
    }

    /// Creates the ledger (`Ledger::init` with one registrar) and opens it.
    pub fn init(
        &self,
        origin: &str,
        registrar: &str,
        key: &SigningKey,
        name: Option<&str>,
    ) -> Ledger {
        let spec = RegistrarSpec {
            id: ActorId::parse(registrar).expect("registrar id"),
            key: PublicKey::from(key.verifying_key()),
            name: name.map(str::to_owned),
        };
        Ledger::init(
            &self.partial,
            origin,
            None,
            &[spec],
            coop_ledger::domain::statement::LedgerFormat::V1,
            &SystemClock,
        )
        .expect("Ledger::init");
        open_ledger(&self.partial)
    }

    /// Checks that `ledger` (its last handle) has `leaves` leaves, shuts it
    /// down, writes the completion `marker` and moves the dataset in place.
    pub async fn finish(self, ledger: Arc<Ledger>, leaves: u64, marker: &str) {
        assert_eq!(ledger.size(), leaves, "the built tree has the wanted size");
        ledger.shutdown().await;
        drop(ledger);
        wait_for_views_unlocked(&self.partial);
        std::fs::write(self.partial.join(COMPLETE_MARKER), marker).expect("marker");
        std::fs::rename(&self.partial, &self.dir).expect("moving the finished dataset in place");
    }
}

/// Every 10 s until aborted, calls `report(n, rate, eta)` with `n = done()`
/// of `total` entries, the rate since `start` per second and the seconds
/// still to go at that rate.
pub fn spawn_progress(
    start: Instant,
    total: u64,
    done: impl Fn() -> u64 + Send + 'static,
    report: impl Fn(u64, f64, f64) + Send + 'static,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(10)).await;
            let n = done();
            let rate = n as f64 / start.elapsed().as_secs_f64();
            let eta = (total - n) as f64 / rate.max(1.0);
            report(n, rate, eta);
        }
    })
}

// ---------------------------------------------------------------------------
// Report

/// `"yes"` or `"NO"`, for the summary's "met" column.
pub fn verdict(ok: bool) -> &'static str {
    if ok { "yes" } else { "NO" }
}

/// The summary table: figure, measured, goal, met.
pub struct Summary {
    /// Widths of the figure, measured and goal columns.
    widths: [usize; 3],
}

impl Summary {
    /// Prints a blank line, `== summary ==` and the column heads.
    pub fn start(widths: [usize; 3]) -> Self {
        let s = Self { widths };
        println!();
        println!("== summary ==");
        s.row("figure", "measured".to_owned(), "goal", "met");
        s
    }

    /// Prints one row.
    pub fn row(&self, figure: &str, measured: String, goal: &str, met: &str) {
        let [f, m, g] = self.widths;
        println!("{figure:<f$} {measured:>m$} {goal:>g$} {met:>4}");
    }
}

// ---------------------------------------------------------------------------
// Serving

/// The real axum server for `ledger` on 127.0.0.1:0, in this process.
pub struct InProcessServer {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl InProcessServer {
    /// Binds and serves (`router` + `serve`, as `main` does). The
    /// per-client rates are lifted: these benches measure how fast the
    /// server is for many clients, all of them on loopback (one IP); the
    /// hostile-load bench keeps them.
    pub async fn start(ledger: Arc<Ledger>) -> Self {
        use coop_ledger::http::limits::{Limits, Rate};
        let open = Rate::new(Rate::MAX_PER_SECOND, u32::MAX).expect("rate");
        let limits = Limits {
            writes: open,
            expensive_reads: open,
            ..Limits::default()
        };
        Self::start_with(ledger, limits).await
    }

    /// Binds and serves under `limits`.
    pub async fn start_with(
        ledger: Arc<Ledger>,
        limits: coop_ledger::http::limits::Limits,
    ) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let base = format!("http://{}", listener.local_addr().expect("local address"));
        let state = coop_ledger::http::AppState::new(ledger, base.clone()).with_limits(limits);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            coop_ledger::http::server::serve_with_limits(
                listener,
                coop_ledger::http::router(state).expect("templates"),
                limits,
                async {
                    let _ = stopped.await;
                },
            )
            .await
            .expect("serve");
        });
        Self { base, stop, task }
    }

    /// Stops serving and waits for the server task.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        self.task.await.expect("the server task");
    }
}

/// Serves `ledger` and times `n` sequential `GET {path}` on one keep-alive
/// client, each until its whole body is read, after `warmup` untimed ones.
/// Every answer must be `200`, and `check` is called on each body outside
/// the timed part. Returns the latencies and the size of one answer.
pub async fn timed_gets(
    ledger: Arc<Ledger>,
    path: &str,
    n: usize,
    warmup: usize,
    check: impl Fn(&[u8]),
) -> (Latency, usize) {
    let server = InProcessServer::start(ledger).await;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .build()
        .expect("http client");
    let url = format!("{}{path}", server.base);
    let mut samples = Vec::with_capacity(n);
    let mut size = 0;
    for i in 0..warmup + n {
        let t = Instant::now();
        let resp = client.get(&url).send().await.expect("GET");
        let status = resp.status();
        let body = resp.bytes().await.expect("reading the answer");
        let took = t.elapsed();
        assert_eq!(
            status.as_u16(),
            200,
            "GET {url}: {}",
            String::from_utf8_lossy(&body)
        );
        check(&body);
        size = body.len();
        if i >= warmup {
            samples.push(took);
        }
    }
    server.stop().await;
    (Latency::of(&mut samples), size)
}

// ---------------------------------------------------------------------------
// The registrations dataset (shared by `ledger` and `tlog`)

/// The origin of every benchmark ledger.
pub const ORIGIN: &str = "bench.example/log";

/// The one registrar's id.
pub const REGISTRAR: &str = "reg";

/// The fill byte of the actors' key seeds ([`actor_key`]); the cached
/// datasets hold keys made from it.
pub const ACTOR_SEED_FILL: u8 = 7;

const PROVINCES: [&str; 6] = [
    "Bắc Giang",
    "Đồng Tháp",
    "An Giang",
    "Sơn La",
    "Lâm Đồng",
    "Cà Mau",
];

/// The statement registering cooperative number `n`, as JSON text.
pub fn register_statement(n: u64, at: Timestamp) -> String {
    let key = PublicKey::from(actor_key(ACTOR_SEED_FILL, n).verifying_key());
    let province = PROVINCES[(n % PROVINCES.len() as u64) as usize];
    by(REGISTRAR, at)
        .register(
            &actor(&format!("htx-{n:07}")),
            coop_ledger::domain::statement::Role::Cooperative,
            &format!("Hợp tác xã số {n}"),
            key,
            coop_ledger::domain::builder::region(province, None, None),
        )
        .text()
}

/// The request body (envelope JSON) registering cooperative number `n`.
pub fn register_body(n: u64, at: Timestamp, registrar: &SigningKey) -> Vec<u8> {
    let env = coop_ledger::domain::envelope::Envelope::sign(register_statement(n, at), registrar);
    serde_json::to_vec(&env).expect("an envelope serialises")
}

/// Signs the bodies for actors `first..first+count` on every core.
pub fn presign(first: u64, count: u64) -> Vec<Vec<u8>> {
    let threads = cpus() as u64;
    let per = count.div_ceil(threads);
    let at = now_at();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    let registrar = registrar_key();
                    let start = first + t * per;
                    let end = (start + per).min(first + count);
                    (start..end)
                        .map(|n| register_body(n, at, &registrar))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("signing thread"))
            .collect()
    })
}

/// Where the registrations dataset of `leaves` leaves is cached.
pub fn registrations_dir(data: &Path, leaves: u64) -> PathBuf {
    dataset_dir(data, "", leaves)
}

/// Builds a ledger of `leaves` leaves (genesis + registrations) in `dir`,
/// through the public API, with `tasks` concurrent submitters, and marks it
/// complete. Returns the build time.
pub async fn build_registrations(dir: &Path, leaves: u64, tasks: usize) -> Duration {
    let dataset = PartialDataset::start(dir);
    let registrar = registrar_key();
    let ledger = Arc::new(dataset.init(ORIGIN, REGISTRAR, &registrar, None));

    let start = Instant::now();
    let next = Arc::new(AtomicU64::new(1));
    let done = Arc::new(AtomicU64::new(0));
    let workers: Vec<_> = (0..tasks)
        .map(|_| {
            let (ledger, next, done) = (Arc::clone(&ledger), Arc::clone(&next), Arc::clone(&done));
            let registrar = registrar.clone();
            tokio::spawn(async move {
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= leaves {
                        break;
                    }
                    let body = register_body(n, now_at(), &registrar);
                    match ledger.submit(&body).await {
                        Ok(r) if !r.duplicate => {}
                        Ok(r) => panic!("actor {n} was logged before, at {}", r.index),
                        Err(e) => panic!("submitting actor {n} failed: {e}"),
                    }
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    let progress = {
        let done = Arc::clone(&done);
        let total = leaves - 1;
        spawn_progress(
            start,
            total,
            move || done.load(Ordering::Relaxed),
            move |n, rate, eta| {
                eprintln!("building: {n}/{total} entries, {rate:.0}/s, about {eta:.0} s to go");
            },
        )
    };
    for w in workers {
        w.await.expect("a build task panicked");
    }
    progress.abort();
    let elapsed = start.elapsed();
    dataset.finish(ledger, leaves, &leaves.to_string()).await;
    elapsed
}

/// The cached registrations dataset of `leaves` leaves, built first (with
/// 512 submitters) when missing; returns its directory and, if it was
/// built now, how long that took.
pub async fn registrations_dataset(
    data: &Path,
    leaves: u64,
    label: &str,
) -> (PathBuf, Option<Duration>) {
    let dir = registrations_dir(data, leaves);
    let built = cached_dataset(&dir, leaves, &leaves.to_string(), 512, label, || {
        build_registrations(&dir, leaves, 512)
    })
    .await;
    (dir, built)
}

// ---------------------------------------------------------------------------
// Child processes

/// Runs `coop-ledger ARGS…` to completion and returns its stdout; panics
/// with its stderr when it fails.
pub fn cli(args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_coop-ledger"))
        .args(args)
        .output()
        .expect("running coop-ledger");
    assert!(
        out.status.success(),
        "coop-ledger {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// `coop-ledger init` of a ledger in `dir` with the bench registrar, in
/// format 1 as the datasets are (their regions are province names).
pub fn init_cli_ledger(dir: &Path) {
    let registrar = format!("{REGISTRAR}={}", public(&registrar_key()));
    cli(&[
        "init",
        "--data",
        &dir.display().to_string(),
        "--origin",
        ORIGIN,
        "--registrar",
        &registrar,
        "--format",
        "1",
    ]);
}

/// A `coop-ledger` child process serving HTTP (`serve`, `witness serve`,
/// `mirror --listen`); killed when dropped.
pub struct Served {
    child: std::process::Child,
    /// `http://127.0.0.1:PORT`, from its `listening on` line.
    pub url: String,
}

impl Served {
    /// Starts `coop-ledger ARGS…` and waits for its `listening on URL`
    /// line (the last it prints at start); its stderr goes to `log`.
    pub fn start(args: &[&str], log: &Path) -> Self {
        use std::io::BufRead as _;
        let log_file = std::fs::File::create(log).expect("server log file");
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_coop-ledger"))
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(log_file)
            .spawn()
            .expect("starting coop-ledger");
        let mut stdout = std::io::BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        let url = loop {
            line.clear();
            let n = stdout.read_line(&mut line).expect("reading the child");
            if n == 0 {
                let _ = child.kill();
                panic!(
                    "coop-ledger {args:?} did not say where it listens; see {}",
                    log.display()
                );
            }
            if let Some(url) = line.trim().strip_prefix("listening on ") {
                break url.to_owned();
            }
        };
        // Keep draining stdout so the child never writes into a closed pipe.
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        Self { child, url }
    }

    /// The child's peak resident memory so far (`VmHWM` of
    /// `/proc/PID/status`), in MiB; `None` where there is no procfs.
    pub fn peak_rss_mib(&self) -> Option<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let kib: f64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))?
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()?;
        Some(kib / 1024.0)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
