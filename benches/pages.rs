//! Load on the buyer's pages: `cargo bench --bench pages`.
//!
//! Builds a ledger in-process through the public API (a registrar, a
//! cooperative, a member, a business, an auditor; a lychee harvest shipped,
//! received, packed under a GTIN with OCOP stars, inspected; and
//! `BENCH_FILL` more registrations so the proofs come from a tree of some
//! size), stops it, starts the real `coop-ledger serve` binary on it as a
//! child process, and points `wrk` (Debian package `wrk`) at it from the
//! same 2-core machine:
//!
//! * the batch page, `GET /01/{gtin}/10/{lot}` (Vietnamese, the default);
//! * its QR code, `GET /b/{lot}/qr.png`.
//!
//! Goal: at least 5,000 pages per second with p99 under 20 ms. `wrk` runs
//! `BENCH_WRK_THREADS` (1) threads and `BENCH_WRK_CONNECTIONS` (32)
//! keep-alive connections for `BENCH_WRK_SECS` (10) seconds per URL, after
//! a 2-second warm-up. Each figure is read from wrk's `--latency` report.
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `BENCH_FILL` | 10000 | extra leaves before the pages are served |
//! | `BENCH_WRK_THREADS` | 1 | wrk threads |
//! | `BENCH_WRK_CONNECTIONS` | 32 | wrk connections |
//! | `BENCH_WRK_SECS` | 10 | seconds per URL |
//! | `BENCH_DATA` | `target/bench-data` | where the ledger is written |

#[allow(dead_code)]
mod support;

use coop_ledger::domain::builder::{self, Draft, StatementBuilder};
use coop_ledger::domain::keys::PublicKey;
use coop_ledger::domain::product::{
    Category, Certification, Gtin, InspectResult, Origin, Process, Product, Scheme,
};
use coop_ledger::domain::quantity::Unit;
use coop_ledger::domain::statement::Role;
use coop_ledger::domain::time::{Day, HarvestTime};
use coop_ledger::service::{Ledger, OpenOptions};
use ed25519_dalek::SigningKey;
use serde::Serialize;
use std::io::BufRead as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use support::{actor, actor_key, amount, env_num, lot, now_at, quantity, registrar_key, verdict};

const ORIGIN: &str = "bench.example/pages";
const REGISTRAR: &str = "lien-minh-htx";
/// Key seed fill byte of this bench's actors.
const SEED: u8 = 0x3C;
const GTIN: &str = "08935049501503";
const LOT: &str = "vai-hop-2026-0615";

/// The request body (envelope JSON) of a statement `by` signs now.
fn sign<T: Serialize>(
    by: &str,
    key: &SigningKey,
    build: impl FnOnce(StatementBuilder) -> Draft<T>,
) -> Vec<u8> {
    let env = build(support::by(by, now_at())).sign(key);
    serde_json::to_vec(&env).expect("json")
}

fn register(n: u64, id: &str, role: Role, name: &str, coop: Option<&str>) -> Vec<u8> {
    let key = PublicKey::from(actor_key(SEED, n).verifying_key());
    let region = builder::region("Bắc Giang", Some("Lục Ngạn"), Some("Phượng Sơn"));
    sign(REGISTRAR, &registrar_key(), |b| {
        let d = b.register(&actor(id), role, name, key, region);
        match coop {
            Some(c) => d.cooperative(&actor(c)),
            None => d,
        }
    })
}

async fn build(dir: &Path, fill: u64) {
    let reg = coop_ledger::service::RegistrarSpec {
        id: coop_ledger::domain::ids::ActorId::parse(REGISTRAR).expect("id"),
        key: coop_ledger::domain::keys::PublicKey::from(registrar_key().verifying_key()),
        name: Some("Liên minh HTX tỉnh Bắc Giang".into()),
    };
    Ledger::init(
        dir,
        ORIGIN,
        None,
        &[reg],
        coop_ledger::domain::statement::LedgerFormat::V1,
        &coop_ledger::service::SystemClock,
    )
    .expect("init");
    let ledger = Arc::new(Ledger::open(dir, OpenOptions::default()).expect("open"));
    let submit = |body: Vec<u8>| {
        let l = Arc::clone(&ledger);
        async move { l.submit(&body).await.expect("accepted") }
    };
    let (coop, member, biz, lab) = (
        actor_key(SEED, 1),
        actor_key(SEED, 2),
        actor_key(SEED, 3),
        actor_key(SEED, 4),
    );
    submit(register(
        1,
        "htx-vai-phuong-nam",
        Role::Cooperative,
        "HTX Vải thiều Phượng Nam",
        None,
    ))
    .await;
    submit(register(
        2,
        "tv-ps-01",
        Role::Member,
        "Hộ Hoàng Văn Lợi",
        Some("htx-vai-phuong-nam"),
    ))
    .await;
    submit(register(
        3,
        "dn-nong-san-kinh-bac",
        Role::Business,
        "Công ty CP Nông sản Kinh Bắc",
        None,
    ))
    .await;
    submit(register(
        4,
        "quatest-1",
        Role::Auditor,
        "Trung tâm Kỹ thuật TCĐLCL 1",
        None,
    ))
    .await;
    let (fruit, boxes) = (lot("vai-ps01-0612"), lot(LOT));
    let (coop_id, biz_id) = (actor("htx-vai-phuong-nam"), actor("dn-nong-san-kinh-bac"));
    submit(sign("tv-ps-01", &member, |b| {
        let origin = Origin {
            lat: Some(21.35),
            lon: Some(106.55),
            ..builder::place("Thôn Đồng Vành, xã Phượng Sơn, Lục Ngạn, Bắc Giang")
        };
        b.batch_create(
            &fruit,
            builder::product(Category::Fruit, "Vải thiều Lục Ngạn"),
            quantity(1_850_000, Unit::Kg),
            origin,
        )
        .harvested_at(HarvestTime::parse("2026-06-12").expect("date"))
        .certifications(vec![Certification {
            scheme: Scheme::VietGap,
            id: "VG-BG-2026-0231".into(),
            valid_until: Day::parse("2028-06-30").ok(),
        }])
    }))
    .await;
    submit(sign("tv-ps-01", &member, |b| b.ship(&fruit, &coop_id))).await;
    submit(sign("htx-vai-phuong-nam", &coop, |b| {
        b.receive(&fruit, true)
    }))
    .await;
    submit(sign("htx-vai-phuong-nam", &coop, |b| {
        let product = Product {
            gtin: Gtin::parse(GTIN),
            ocop_stars: builder::stars(4),
            ..builder::product(Category::Ocop, "Vải thiều Phượng Nam hộp 2 kg")
        };
        b.transform(
            Process::Packing,
            vec![builder::input(&fruit, amount(1_850_000))],
            vec![builder::output(
                &boxes,
                product,
                quantity(900_000, Unit::Box),
            )],
        )
    }))
    .await;
    submit(sign("quatest-1", &lab, |b| {
        b.inspect(&boxes, InspectResult::Pass, Scheme::FoodSafety)
            .note("Dư lượng thuốc BVTV đạt QCVN 8-2:2011/BYT")
    }))
    .await;
    submit(sign("htx-vai-phuong-nam", &coop, |b| {
        b.ship(&boxes, &biz_id)
    }))
    .await;
    submit(sign("dn-nong-san-kinh-bac", &biz, |b| {
        b.receive(&boxes, true)
    }))
    .await;
    let tasks: Vec<_> = (0..fill)
        .map(|i| {
            let body = register(
                1000 + i,
                &format!("htx-{i:06}"),
                Role::Cooperative,
                "HTX mẫu",
                None,
            );
            tokio::spawn(submit(body))
        })
        .collect();
    for t in tasks {
        t.await.expect("task");
    }
    println!("built {} leaves", ledger.size());
    ledger.shutdown().await;
}

/// wrk's figures: requests per second, p50 and p99 in milliseconds.
struct Load {
    rps: f64,
    p50: f64,
    p99: f64,
    non_2xx: bool,
}

fn millis(v: &str) -> f64 {
    let (num, unit) = v.split_at(v.find(|c: char| c.is_alphabetic()).unwrap_or(v.len()));
    let n: f64 = num.parse().unwrap_or(f64::NAN);
    match unit {
        "us" => n / 1000.0,
        "ms" => n,
        "s" => n * 1000.0,
        _ => f64::NAN,
    }
}

fn wrk(url: &str, secs: u64, threads: u64, conns: u64) -> Load {
    let run = |d: u64| {
        Command::new("wrk")
            .args([
                format!("-t{threads}"),
                format!("-c{conns}"),
                format!("-d{d}s"),
                "--latency".into(),
                url.into(),
            ])
            .output()
            .expect("wrk (Debian package wrk) must be installed")
    };
    run(2);
    let out = String::from_utf8_lossy(&run(secs).stdout).into_owned();
    println!("{out}");
    let field = |label: &str| {
        out.lines()
            .find(|l| l.trim_start().starts_with(label))
            .and_then(|l| l.split_whitespace().nth(1).map(str::to_owned))
            .unwrap_or_default()
    };
    Load {
        rps: field("Requests/sec:").parse().unwrap_or(0.0),
        p50: millis(&field("50%")),
        p99: millis(&field("99%")),
        non_2xx: out.contains("Non-2xx"),
    }
}

fn main() {
    let fill = env_num("BENCH_FILL", 10_000u64);
    let secs = env_num("BENCH_WRK_SECS", 10u64);
    let threads = env_num("BENCH_WRK_THREADS", 1u64);
    let conns = env_num("BENCH_WRK_CONNECTIONS", 32u64);
    let dir = support::data_dir().join("pages");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.parent().expect("parent")).expect("data dir");
    println!(
        "coop-ledger pages benchmark: {fill} extra leaves, wrk -t{threads} -c{conns} -d{secs}s, {} CPU(s)",
        support::cpus()
    );
    support::runtime().block_on(build(&dir, fill));
    support::wait_for_views_unlocked(&dir);

    let mut child = Command::new(env!("CARGO_BIN_EXE_coop-ledger"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(&dir)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("coop-ledger serve");
    let mut out = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    while !line.starts_with("listening on ") {
        line.clear();
        assert!(
            out.read_line(&mut line).expect("read") > 0,
            "the server exited"
        );
    }
    let base = line.trim().trim_start_matches("listening on ").to_owned();
    let page = format!("{base}/01/{GTIN}/10/{LOT}");
    let qr = format!("{base}/b/{LOT}/qr.png");
    // The first answer renders the page (trace, leaves, proofs, template);
    // later ones at the same tree size come from the page cache.
    let started = std::time::Instant::now();
    let body = support::runtime().block_on(async {
        let check = reqwest::get(&page).await.expect("page");
        assert_eq!(check.status(), 200);
        check.text().await.expect("text")
    });
    let cold = started.elapsed();
    assert!(body.contains("Vải thiều Phượng Nam hộp 2 kg") && body.contains("ledger-proof"));
    println!(
        "page size: {} bytes; first (uncached) render and answer: {:.2} ms",
        body.len(),
        support::ms(cold)
    );

    let p = wrk(&page, secs, threads, conns);
    let q = wrk(&qr, secs, threads, conns);
    let _ = child.kill();
    let _ = child.wait();

    println!("== summary ==");
    println!(
        "{:<34} {:>12} {:>9} {:>9}   goal",
        "answer", "requests/s", "p50 ms", "p99 ms"
    );
    for (what, l) in [("batch page (Digital Link URL)", &p), ("QR code PNG", &q)] {
        let ok = l.rps >= 5000.0 && l.p99 < 20.0 && !l.non_2xx;
        println!(
            "{what:<34} {:>12.0} {:>9.2} {:>9.2}   >= 5000/s, p99 < 20 ms: {}",
            l.rps,
            l.p50,
            l.p99,
            verdict(ok)
        );
    }
}
