//! The buyer's page on a throttled phone, measured by Lighthouse (issue
//! 15): `cargo bench --bench phone`.
//!
//! Builds the demo's ledger (`service::demo`, as `coop-ledger demo` does)
//! in `target/bench-data/phone`, serves it with the real router and server
//! (`http::router`, `http::serve`) on 127.0.0.1:0, and runs Lighthouse (the
//! npm package `lighthouse`, not ours) as a child process on the ST25 rice
//! bag's page (its GS1 Digital Link, `/01/{gtin}/10/{lot}`), in Vietnamese,
//! with Debian's `chromium`, as a phone (Lighthouse's default mobile form
//! factor). Two kinds of run, each on the page and on a baseline:
//!
//! * Lighthouse's default, simulated throttling (a Moto G Power on slow 4G:
//!   150 ms round trips, 1.6 Mbit/s, CPU 4× slower): performance score,
//!   FCP, LCP, TBT, CLS, Speed Index and the bytes transferred;
//! * the same throttling applied to the browser (`--throttling-method
//!   devtools`): the time until the badge shows "verified", read from the
//!   user-timing mark `badge-verified` that `web/static/verify.js` sets
//!   when the badge settles (with simulated throttling a mark is only
//!   observed, not simulated, so it is read here).
//!
//! The baseline is a minimal static page (one paragraph, no CSS, no
//! script) that the same server answers at `/bench-baseline`, measured in
//! the same run under the same throttling: what the network and the
//! browser cost at least. Each figure is printed with its ratio to the
//! baseline and to its budget, Lighthouse's own "good" limit: the `p10` of
//! the metric's scoring curve in the report (the value that scores 0.9),
//! the 2,667 KiB `p10` of its `total-byte-weight` audit for bytes
//! (`core/audits/byte-efficiency/total-byte-weight.js`), a score of 90, and
//! for the badge the LCP budget (the buyer's main content is the badge).
//!
//! Needs Lighthouse 12.2.3 (13 wants Node 22): `npm install --prefix
//! target/lighthouse -E lighthouse@12.2.3`, or `LIGHTHOUSE=path/to/bin`.
//! Without Lighthouse or Chromium the bench says so and skips.
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `LIGHTHOUSE` | `target/lighthouse/node_modules/.bin/lighthouse`, then `PATH` | the Lighthouse CLI |
//! | `CHROME_PATH` | `chromium` on `PATH` | the browser Lighthouse drives |
//! | `BENCH_LH_RUNS` | 1 | runs of each kind; the median is printed |
//! | `BENCH_DATA` | `target/bench-data` | where the ledger is written |

#[allow(dead_code)]
mod support;

use coop_ledger::http::{self, AppState};
use coop_ledger::service::{Ledger, OpenOptions, demo};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

/// The Lighthouse this bench was written against.
const LIGHTHOUSE_VERSION: &str = "12.2.3";

/// Lighthouse's "good" for a whole page: a performance score of 90.
const SCORE_GOOD: f64 = 90.0;

/// The `p10` of Lighthouse 12's `total-byte-weight` audit (2,667 KiB),
/// which its report does not carry.
const BYTES_GOOD: f64 = 2667.0 * 1024.0;

/// The baseline: a page as small as a page can be, in Vietnamese.
const BASELINE: &str = "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Tem</title></head><body><p>Đã xác minh trên điện thoại của bạn.</p></body></html>";

/// The user-timing mark `verify.js` sets when the badge reads "verified".
const VERIFIED_MARK: &str = "badge-verified";

/// An executable named `name` on `PATH`.
fn on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// The browser: `CHROME_PATH`, else `chromium` on `PATH`.
fn chromium() -> Option<PathBuf> {
    match std::env::var_os("CHROME_PATH") {
        Some(p) => Some(PathBuf::from(p)).filter(|p| p.is_file()),
        None => on_path("chromium"),
    }
}

/// The Lighthouse CLI: `LIGHTHOUSE`, else the bench's own install under
/// `target/lighthouse`, else `lighthouse` on `PATH`.
fn lighthouse_bin() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("LIGHTHOUSE") {
        return Some(PathBuf::from(p)).filter(|p| p.is_file());
    }
    let target = support::data_dir()
        .parent()
        .map(|t| t.join("lighthouse/node_modules/.bin/lighthouse"))
        .filter(|p| p.is_file());
    target.or_else(|| on_path("lighthouse"))
}

/// One Lighthouse report's figures.
#[derive(Clone, Default)]
struct Figures {
    /// Performance score, 0–100.
    score: f64,
    /// FCP, LCP, TBT, CLS, Speed Index, as Lighthouse computes them.
    metrics: [f64; 5],
    /// Their "good" limits (`p10` of each scoring curve).
    good: [f64; 5],
    /// Bytes transferred.
    bytes: f64,
    /// The `badge-verified` mark, in ms from the navigation's start.
    verified: Option<f64>,
    /// Lighthouse's warnings about the run.
    warnings: Vec<String>,
}

/// The metric audits, in the order of [`Figures::metrics`], with how each
/// is printed.
const METRICS: [(&str, &str); 5] = [
    ("first-contentful-paint", "FCP (ms)"),
    ("largest-contentful-paint", "LCP (ms)"),
    ("total-blocking-time", "TBT (ms)"),
    ("cumulative-layout-shift", "CLS"),
    ("speed-index", "Speed Index (ms)"),
];

/// Runs Lighthouse on `url` with throttling `method` (`simulate` or
/// `devtools`) and reads its report.
fn lighthouse(bin: &Path, chrome: &Path, url: &str, method: &str, out: &Path) -> Figures {
    let status = Command::new(bin)
        .arg(url)
        .args([
            "--quiet",
            "--output=json",
            "--only-categories=performance",
            "--locale=vi",
            "--form-factor=mobile",
        ])
        .arg(format!("--throttling-method={method}"))
        .arg(format!("--output-path={}", out.display()))
        .arg("--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --lang=vi-VN --accept-lang=vi-VN,vi")
        .env("CHROME_PATH", chrome)
        .status()
        .expect("run lighthouse");
    let report: Value =
        serde_json::from_slice(&std::fs::read(out).expect("the report")).expect("a JSON report");
    if let Some(e) = report.get("runtimeError") {
        panic!("lighthouse could not measure {url}: {e}");
    }
    assert!(status.success(), "lighthouse failed on {url}");
    let audit = |id: &str| &report["audits"][id];
    let mut f = Figures {
        score: report["categories"]["performance"]["score"]
            .as_f64()
            .unwrap_or(f64::NAN)
            * 100.0,
        bytes: audit("total-byte-weight")["numericValue"]
            .as_f64()
            .unwrap_or(f64::NAN),
        ..Figures::default()
    };
    for (k, (id, _)) in METRICS.iter().enumerate() {
        f.metrics[k] = audit(id)["numericValue"].as_f64().unwrap_or(f64::NAN);
        f.good[k] = audit(id)["scoringOptions"]["p10"]
            .as_f64()
            .unwrap_or(f64::NAN);
    }
    f.verified = audit("user-timings")["details"]["items"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|i| i["name"] == VERIFIED_MARK)
        .and_then(|i| i["startTime"].as_f64());
    f.warnings = report["runWarnings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|w| w.as_str().map(str::to_owned))
        .collect();
    f
}

/// The median of `runs` Lighthouse runs, figure by figure.
fn median_of(runs: &[Figures]) -> Figures {
    let mid = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
    };
    let mut m = runs.first().cloned().unwrap_or_default();
    m.score = mid(runs.iter().map(|r| r.score).collect());
    m.bytes = mid(runs.iter().map(|r| r.bytes).collect());
    for k in 0..METRICS.len() {
        m.metrics[k] = mid(runs.iter().map(|r| r.metrics[k]).collect());
    }
    let verified: Vec<f64> = runs.iter().filter_map(|r| r.verified).collect();
    m.verified = (verified.len() == runs.len()).then(|| mid(verified));
    m
}

/// `a / b`, or a dash when `b` is zero (a baseline with no layout shift).
fn ratio(a: f64, b: f64) -> String {
    if b == 0.0 {
        "—".into()
    } else {
        format!("{:.2}", a / b)
    }
}

/// Builds the demo's ledger in `dir` and serves it, with the baseline page,
/// on 127.0.0.1:0; returns its URL.
async fn serve_demo(dir: &Path) -> String {
    let registrar = demo::init(dir).expect("a demo ledger");
    let ledger = Arc::new(Ledger::open(dir, OpenOptions::default()).expect("open"));
    demo::populate(&ledger, dir, &registrar)
        .await
        .expect("the demo's chains");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let router = http::router(AppState::new(ledger, url.clone()))
        .expect("the templates render")
        .route(
            "/bench-baseline",
            axum::routing::get(|| async { axum::response::Html(BASELINE) }),
        );
    tokio::spawn(async move {
        http::serve(listener, router, std::future::pending())
            .await
            .expect("serve");
    });
    url
}

fn main() {
    let (Some(chrome), Some(bin)) = (chromium(), lighthouse_bin()) else {
        println!(
            "phone benchmark skipped: it needs Chromium (Debian `chromium`, or CHROME_PATH) and Lighthouse {LIGHTHOUSE_VERSION} \
             (`npm install --prefix target/lighthouse -E lighthouse@{LIGHTHOUSE_VERSION}`, or LIGHTHOUSE=path); found chromium: {:?}, lighthouse: {:?}",
            chromium(),
            lighthouse_bin()
        );
        return;
    };
    let version = Command::new(&bin)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let runs = support::env_num("BENCH_LH_RUNS", 1usize).max(1);
    let dir = support::data_dir().join("phone");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("data dir");
    let rt = support::runtime();
    let base = rt.block_on(serve_demo(&dir));
    let page = format!(
        "{base}/01/{}/10/{}?lang=vi",
        demo::rice_bag_gtin(),
        demo::RICE_BAG
    );
    let baseline = format!("{base}/bench-baseline");
    // The first answer renders the page; later ones at the same tree size
    // come from the page cache, as a buyer's would on a ledger in use.
    let body = rt.block_on(async {
        let r = reqwest::get(&page).await.expect("the page");
        assert_eq!(r.status(), 200, "{page}");
        r.text().await.expect("text")
    });
    assert!(body.contains("ledger-proof"), "the buyer's page");
    println!(
        "coop-ledger phone benchmark: Lighthouse {version} (mobile), {} CPU(s), {runs} run(s) of each kind, median shown\n  page:     {page}\n  baseline: {baseline}",
        support::cpus()
    );
    let measure = |url: &str, method: &str, name: &str| {
        let all: Vec<Figures> = (0..runs)
            .map(|n| {
                lighthouse(
                    &bin,
                    &chrome,
                    url,
                    method,
                    &dir.join(format!("{name}-{n}.json")),
                )
            })
            .collect();
        median_of(&all)
    };
    let p = measure(&page, "simulate", "page-simulate");
    let b = measure(&baseline, "simulate", "baseline-simulate");
    let pd = measure(&page, "devtools", "page-devtools");
    let bd = measure(&baseline, "devtools", "baseline-devtools");

    println!("== simulated throttling (Lighthouse's default: slow 4G, CPU 4×) ==");
    println!(
        "{:<18} {:>10} {:>10} {:>9} {:>10} {:>9}  goal",
        "figure", "page", "baseline", "/baseline", "budget", "/budget"
    );
    let row = |what: &str, pv: f64, bv: f64, budget: f64, goal: &str| {
        // CLS is a fraction; every other figure a whole number.
        let d = if what == "CLS" { 3 } else { 0 };
        println!(
            "{what:<18} {pv:>10.d$} {bv:>10.d$} {:>9} {budget:>10.d$} {:>9}  {goal}",
            ratio(pv, bv),
            ratio(pv, budget)
        );
    };
    row("score", p.score, b.score, SCORE_GOOD, "/budget >= 1");
    for (k, (_, what)) in METRICS.iter().enumerate() {
        row(what, p.metrics[k], b.metrics[k], p.good[k], "/budget <= 1");
    }
    row("bytes", p.bytes, b.bytes, BYTES_GOOD, "/budget <= 1");
    println!("== applied throttling (--throttling-method devtools, same values) ==");
    let lcp = 1;
    match pd.verified {
        Some(v) => row(
            "badge verified ms",
            v,
            bd.metrics[lcp],
            p.good[lcp],
            "/budget <= 1 (baseline: its LCP)",
        ),
        None => println!(
            "badge verified ms: the badge never read \"verified\" (no {VERIFIED_MARK} mark)"
        ),
    }
    row(
        "LCP (ms)",
        pd.metrics[lcp],
        bd.metrics[lcp],
        p.good[lcp],
        "/budget <= 1",
    );
    for w in p.warnings.iter().chain(&pd.warnings) {
        println!("lighthouse warns: {w}");
    }
}
