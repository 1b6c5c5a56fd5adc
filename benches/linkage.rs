//! Linkage figures at scale (issue 5): `GET /api/v1/linkage` on a ledger of
//! 1,000,000 leaves with 30,000 cooperatives, against the goal of an answer
//! in under 50 ms.
//!
//! The dataset is built through `Ledger::submit`, every statement signed and
//! decided by the rules like any other: 30,000 cooperatives, 600 cooperative
//! groups and 60 unions in 34 provinces, registered from 2019 to 2026 (1% of
//! the cooperatives revoked in 2025); 1,000 businesses; two member
//! households per cooperative; linkage contracts for two cooperatives in
//! three (one in ten never accepted); and lot stories dated 2024 to 2026 up
//! to the tree size: a cooperative selling to a business, a member's lot
//! going through its cooperative to a business, a cooperative selling to
//! another cooperative, a lot created and kept.
//!
//! It then measures (a) opening the ledger, which folds the stored linkage
//! facts into the index, (b) `Ledger::linkage` in-process for a half year,
//! a province, a category and the whole eight years, and (c) the half year
//! over HTTP from the real axum server, keep-alive.
//!
//! `cargo bench --bench linkage`; `BENCH_LEAVES=200000 BENCH_COOPS=6000` for a
//! smaller run. The dataset is cached in `target/bench-data/linkage-*`.

// Each bench uses only part of the shared helpers.
#[allow(dead_code)]
mod support;

use coop_ledger::domain::builder::{self, Draft};
use coop_ledger::domain::keys::PublicKey;
use coop_ledger::domain::linkage::LinkageReport;
use coop_ledger::domain::product::Category;
use coop_ledger::domain::quantity::Unit;
use coop_ledger::domain::statement::Role;
use coop_ledger::domain::time::{Day, Timestamp};
use coop_ledger::service::Ledger;
use ed25519_dalek::SigningKey;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{
    Latency, SplitMix64, Stmt, Submitter, Summary, actor, actor_key, contract, env_num, lot, ms,
    quantity, verdict,
};

const ORIGIN: &str = "bench.example/linkage";
const REGISTRAR: &str = "lien-minh-htx";
/// Changes whenever the dataset's content changes (the cache key).
const LAYOUT: &str = "linkage-v2";
const SEED_FILL: u8 = 0x6B;
const GOAL: Duration = Duration::from_millis(50);
const BUSINESSES: u64 = 1_000;
const MEMBERS_PER_COOP: u64 = 2;

/// The 34 provinces and cities (after the 2025 merger).
const PROVINCES: [&str; 34] = [
    "Hà Nội",
    "Huế",
    "Lai Châu",
    "Điện Biên",
    "Sơn La",
    "Lạng Sơn",
    "Quảng Ninh",
    "Thanh Hóa",
    "Nghệ An",
    "Hà Tĩnh",
    "Cao Bằng",
    "Tuyên Quang",
    "Lào Cai",
    "Thái Nguyên",
    "Phú Thọ",
    "Bắc Ninh",
    "Hưng Yên",
    "Hải Phòng",
    "Ninh Bình",
    "Quảng Trị",
    "Đà Nẵng",
    "Quảng Ngãi",
    "Gia Lai",
    "Khánh Hòa",
    "Lâm Đồng",
    "Đắk Lắk",
    "Thành phố Hồ Chí Minh",
    "Đồng Nai",
    "Tây Ninh",
    "Cần Thơ",
    "Vĩnh Long",
    "Đồng Tháp",
    "Cà Mau",
    "An Giang",
];

const CATEGORIES: [Category; 5] = [
    Category::Rice,
    Category::Fruit,
    Category::Vegetable,
    Category::Seafood,
    Category::Ocop,
];

struct Config {
    leaves: u64,
    coops: u64,
    calls: usize,
    tasks: usize,
    data: PathBuf,
}

impl Config {
    fn from_env() -> Self {
        Self {
            leaves: env_num("BENCH_LEAVES", 1_000_000),
            coops: env_num("BENCH_COOPS", 30_000),
            calls: env_num("BENCH_CALLS", 300),
            tasks: env_num("BENCH_BUILD_TASKS", 64),
            data: support::data_dir(),
        }
    }

    fn dir(&self) -> PathBuf {
        support::dataset_dir(
            &self.data,
            &format!("linkage-{}c-", self.coops),
            self.leaves,
        )
    }
}

/// Day `n` after 2019-01-01, at 08:00 Vietnam time.
fn at(days: u64) -> Timestamp {
    Timestamp::parse(&format!("{}T08:00:00+07:00", date(days))).expect("a time")
}

/// Day `n` after 2019-01-01.
fn date(days: u64) -> Day {
    let base = time::Date::from_calendar_date(2019, time::Month::January, 1).expect("date");
    Day::from(base + time::Duration::days(days as i64))
}

/// Days from 2019-01-01 to 2024-01-01 and to 2026-10-01.
const DAY_2024: u64 = 1_826;
const DAY_2026_10: u64 = 2_830;

/// The statement `by` signs with `key` on day `when`.
fn stmt<T: Serialize>(
    key: SigningKey,
    by: &str,
    when: u64,
    build: impl FnOnce(builder::StatementBuilder) -> Draft<T>,
) -> Stmt {
    (key, build(support::by(by, at(when))).into_raw())
}

/// Actor numbering: every actor has its own key number.
struct Cast {
    coops: u64,
    groups: u64,
    unions: u64,
}

impl Cast {
    fn coop(&self, i: u64) -> (String, SigningKey) {
        (format!("htx-{i:05}"), actor_key(SEED_FILL, 10 + i))
    }
    fn org(&self, i: u64) -> (String, Role, SigningKey) {
        if i < self.coops {
            let (id, k) = self.coop(i);
            (id, Role::Cooperative, k)
        } else if i < self.coops + self.groups {
            (
                format!("tht-{i:05}"),
                Role::CooperativeGroup,
                actor_key(SEED_FILL, 10 + i),
            )
        } else {
            (
                format!("lh-{i:05}"),
                Role::Union,
                actor_key(SEED_FILL, 10 + i),
            )
        }
    }
    fn orgs(&self) -> u64 {
        self.coops + self.groups + self.unions
    }
    fn business(&self, b: u64) -> (String, SigningKey) {
        (format!("dn-{b:04}"), actor_key(SEED_FILL, 1_000_000 + b))
    }
    fn member(&self, c: u64, m: u64) -> (String, SigningKey) {
        (
            format!("tv-{c:05}-{m}"),
            actor_key(SEED_FILL, 2_000_000 + c * MEMBERS_PER_COOP + m),
        )
    }
    fn category(c: u64) -> Category {
        CATEGORIES[(c % CATEGORIES.len() as u64) as usize]
    }
    fn province(c: u64) -> &'static str {
        PROVINCES[(c % PROVINCES.len() as u64) as usize]
    }
}

fn register(
    id: &str,
    role: Role,
    key: &SigningKey,
    province: &str,
    coop: Option<&str>,
    when: u64,
) -> Stmt {
    let name = format!("Tên {id}");
    let region = builder::region(province, None, None);
    stmt(support::registrar_key(), REGISTRAR, when, |b| {
        let d = b.register(
            &actor(id),
            role,
            &name,
            PublicKey::from(key.verifying_key()),
            region,
        );
        match coop {
            Some(c) => d.cooperative(&actor(c)),
            None => d,
        }
    })
}

fn create(key: SigningKey, by: &str, batch: &str, category: Category, kg: u64, when: u64) -> Stmt {
    let product = builder::product(category, &format!("Sản phẩm {category}"));
    stmt(key, by, when, |b| {
        b.batch_create(
            &lot(batch),
            product,
            quantity(kg * 1000, Unit::Kg),
            builder::place("Việt Nam"),
        )
    })
}

fn ship(key: SigningKey, by: &str, batch: &str, to: &str, when: u64) -> Stmt {
    stmt(key, by, when, |b| b.ship(&lot(batch), &actor(to)))
}

fn receive(key: SigningKey, by: &str, batch: &str, when: u64) -> Stmt {
    stmt(key, by, when, |b| b.receive(&lot(batch), true))
}

/// The setup phases: organisations and businesses; members; contract
/// offers; acceptances; revocations. Each phase's statements are
/// independent of each other.
fn setup(cast: &Cast, rng: &mut SplitMix64) -> Vec<Vec<Stmt>> {
    let mut orgs = Vec::new();
    for i in 0..cast.orgs() {
        let (id, role, key) = cast.org(i);
        // Most registered 2019–2023, one in ten in 2024–2026.
        let when = if rng.below(10) == 0 {
            DAY_2024 + rng.below(DAY_2026_10 - DAY_2024)
        } else {
            rng.below(DAY_2024)
        };
        orgs.push(register(&id, role, &key, Cast::province(i), None, when));
    }
    for b in 0..BUSINESSES {
        let (id, key) = cast.business(b);
        orgs.push(register(
            &id,
            Role::Business,
            &key,
            Cast::province(b),
            None,
            0,
        ));
    }
    let mut members = Vec::new();
    for c in 0..cast.coops {
        let (coop, _) = cast.coop(c);
        for m in 0..MEMBERS_PER_COOP {
            let (id, key) = cast.member(c, m);
            members.push(register(
                &id,
                Role::Member,
                &key,
                Cast::province(c),
                Some(&coop),
                0,
            ));
        }
    }
    let (mut offers, mut accepts) = (Vec::new(), Vec::new());
    for c in (0..cast.coops).filter(|c| c % 3 != 0) {
        let (coop, ckey) = cast.coop(c);
        let (biz, bkey) = cast.business(c % BUSINESSES);
        let from = DAY_2024 + rng.below(DAY_2026_10 - DAY_2024);
        let hd = contract(&format!("hd-{c:05}"));
        offers.push(stmt(bkey, &biz, from, |b| {
            let period = (date(from), date(from + 365));
            b.contract_offer(&hd, &actor(&coop), &actor(&biz), Cast::category(c), period)
                .volume(quantity(50_000_000, Unit::Kg))
        }));
        if c % 10 != 1 {
            accepts.push(stmt(ckey, &coop, from + 7, |b| b.contract_accept(&hd)));
        }
    }
    let mut revokes = Vec::new();
    for c in (0..cast.coops).filter(|c| c % 100 == 50) {
        let (coop, _) = cast.coop(c);
        let when = DAY_2024 + 366 + rng.below(365);
        revokes.push(stmt(support::registrar_key(), REGISTRAR, when, |b| {
            b.revoke(&actor(&coop), "giải thể")
        }));
    }
    vec![orgs, members, offers, accepts, revokes]
}

/// One lot story: statements that must go in order.
fn story(cast: &Cast, n: u64, budget: u64, rng: &mut SplitMix64) -> Vec<Stmt> {
    // A live cooperative (the revoked ones sign nothing after 2025).
    let c = loop {
        let c = rng.below(cast.coops);
        if c % 100 != 50 {
            break c;
        }
    };
    let (coop, ckey) = cast.coop(c);
    let (biz, bkey) = cast.business(rng.below(BUSINESSES));
    let when = DAY_2024 + rng.below(DAY_2026_10 - DAY_2024);
    let kg = 100 + rng.below(4_900);
    let cat = Cast::category(c);
    let lot = format!("lo-{n:07}");
    match (budget, rng.below(10)) {
        (5.., 0..=3) => {
            let (member, mkey) = cast.member(c, rng.below(MEMBERS_PER_COOP));
            vec![
                create(mkey.clone(), &member, &lot, cat, kg, when),
                ship(mkey, &member, &lot, &coop, when),
                receive(ckey.clone(), &coop, &lot, when + 1),
                ship(ckey, &coop, &lot, &biz, when + 3),
                receive(bkey, &biz, &lot, when + 4),
            ]
        }
        (3.., 4..=7) => vec![
            create(ckey.clone(), &coop, &lot, cat, kg, when),
            ship(ckey, &coop, &lot, &biz, when + 1),
            receive(bkey, &biz, &lot, when + 2),
        ],
        (3.., _) => {
            let o = loop {
                let o = rng.below(cast.coops);
                if o != c && o % 100 != 50 {
                    break o;
                }
            };
            let (other, okey) = cast.coop(o);
            vec![
                create(ckey.clone(), &coop, &lot, cat, kg, when),
                ship(ckey, &coop, &lot, &other, when + 1),
                receive(okey, &other, &lot, when + 2),
            ]
        }
        _ => vec![create(ckey, &coop, &lot, cat, kg, when)],
    }
}

async fn build(cfg: &Config, dir: &Path) -> Duration {
    let dataset = support::PartialDataset::start(dir);
    let cast = Cast {
        coops: cfg.coops,
        groups: cfg.coops / 50,
        unions: cfg.coops / 500,
    };
    let mut rng = SplitMix64(0x0114_EA6E);
    let phases = setup(&cast, &mut rng);
    let fixed: u64 = 1 + phases.iter().map(|p| p.len() as u64).sum::<u64>();
    assert!(
        cfg.leaves > fixed,
        "BENCH_LEAVES={} leaves no room after {fixed} setup entries",
        cfg.leaves
    );
    let mut stories = Vec::new();
    let mut left = cfg.leaves - fixed;
    while left > 0 {
        let s = story(&cast, stories.len() as u64, left, &mut rng);
        left -= s.len() as u64;
        stories.push(s);
    }
    println!(
        "building: {} cooperatives, {} groups, {} unions, {BUSINESSES} businesses, {} members; {fixed} setup entries; {} lot stories",
        cast.coops,
        cast.groups,
        cast.unions,
        cast.coops * MEMBERS_PER_COOP,
        stories.len()
    );
    let ledger = dataset.init(
        ORIGIN,
        REGISTRAR,
        &support::registrar_key(),
        Some("Liên minh HTX"),
    );
    let b = Submitter::new(ledger, false);
    let start = Instant::now();
    let total = cfg.leaves - 1;
    let progress = b.report_progress(start, total);
    for phase in phases {
        b.all(phase, cfg.tasks).await;
    }
    b.run(stories, cfg.tasks).await;
    progress.abort();
    let took = start.elapsed();
    let ledger = Arc::clone(&b.ledger);
    drop(b);
    dataset.finish(ledger, cfg.leaves, &marker(cfg)).await;
    took
}

fn marker(cfg: &Config) -> String {
    format!("{LAYOUT} {} {}", cfg.leaves, cfg.coops)
}

fn day(s: &str) -> Option<Day> {
    Some(Day::parse(s).expect("date"))
}

/// `n` timed calls of `f`.
fn timed(n: usize, mut f: impl FnMut() -> LinkageReport) -> (Latency, LinkageReport) {
    let mut last = f();
    let mut samples = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        last = std::hint::black_box(f());
        samples.push(t.elapsed());
    }
    (Latency::of(&mut samples), last)
}

async fn over_http(ledger: Arc<Ledger>, n: usize, query: &str) -> (Latency, usize) {
    let path = format!("/api/v1/linkage?{query}");
    support::timed_gets(ledger, &path, n, 20, |body| {
        let r: LinkageReport = serde_json::from_slice(body).expect("a linkage report");
        assert!(r.cooperatives.registered > 0);
    })
    .await
}

fn main() {
    let cfg = Config::from_env();
    std::fs::create_dir_all(&cfg.data).expect("bench data directory");
    println!("coop-ledger linkage benchmark");
    println!(
        "sizes: BENCH_LEAVES={} BENCH_COOPS={} BENCH_CALLS={}; data in {}; {} CPU(s)",
        cfg.leaves,
        cfg.coops,
        cfg.calls,
        cfg.data.display(),
        support::cpus()
    );
    let rt = support::runtime();
    let dir = cfg.dir();
    let built = rt.block_on(support::cached_dataset(
        &dir,
        cfg.leaves,
        &marker(&cfg),
        cfg.tasks,
        "",
        || build(&cfg, &dir),
    ));
    let t = Instant::now();
    let ledger = Arc::new(support::open_ledger(&dir));
    let opened = t.elapsed();
    assert_eq!(ledger.size(), cfg.leaves);

    let half = |l: &Ledger| {
        l.linkage(day("2026-01-01"), day("2026-06-30"), None, None)
            .expect("report")
    };
    let (a, r) = timed(cfg.calls, || half(&ledger));
    println!(
        "half year 2026: cooperatives {} registered, {} linked ({:.1}%); collective {} / {}; {} provinces, {} categories, {} months; members {} of {}",
        r.cooperatives.registered,
        r.cooperatives.linked,
        r.cooperatives.share * 100.0,
        r.collective.registered,
        r.collective.linked,
        r.by_province.len(),
        r.by_category.len(),
        r.by_month.len(),
        r.members_reaching_business.reached,
        r.members_reaching_business.registered
    );
    assert!(
        r.cooperatives.registered >= cfg.coops * 8 / 10,
        "most cooperatives are registered by mid-2026"
    );
    assert!(r.cooperatives.linked > 0 && r.cooperatives.linked < r.cooperatives.registered);
    let (b, _) = timed(cfg.calls, || {
        ledger
            .linkage(
                day("2026-01-01"),
                day("2026-06-30"),
                Some("an giang".into()),
                None,
            )
            .expect("report")
    });
    let (c, _) = timed(cfg.calls, || {
        ledger
            .linkage(
                day("2026-01-01"),
                day("2026-06-30"),
                None,
                Some(Category::Rice),
            )
            .expect("report")
    });
    let (d, long) = timed(cfg.calls, || {
        ledger
            .linkage(day("2019-01-01"), day("2026-10-31"), None, None)
            .expect("report")
    });
    assert_eq!(long.by_month.len(), 94);
    let (e, size) = rt.block_on(over_http(
        Arc::clone(&ledger),
        cfg.calls,
        "from=2026-01-01&to=2026-06-30",
    ));
    rt.block_on(ledger.shutdown());

    let summary = Summary::start([56, 26, 12]);
    summary.row("tree size (leaves)", cfg.leaves.to_string(), "", "");
    summary.row(
        "organisations in the index",
        format!("{}", cfg.coops + cfg.coops / 50 + cfg.coops / 500),
        "",
        "",
    );
    summary.row(
        "open (sled + folding the linkage facts)",
        format!("{:.0} ms", ms(opened)),
        "",
        "",
    );
    for (name, l) in [
        ("(a) Ledger::linkage, half year", a),
        ("(b) ... one province", b),
        ("(c) ... one category", c),
        ("(d) ... 2019-2026, 94 months", d),
        ("(e) GET /api/v1/linkage, half year, HTTP keep-alive", e),
    ] {
        summary.row(
            &format!("{name}, p50 / p99"),
            format!("{:.2} / {:.2} ms", ms(l.p50), ms(l.p99)),
            "p99 < 50 ms",
            verdict(l.p99_under(GOAL)),
        );
    }
    summary.row("    (e) answer size", format!("{size} bytes"), "", "");
    if let Some(t) = built {
        summary.row(
            "(dataset build)",
            support::build_figure(cfg.leaves, t),
            "",
            "",
        );
    }
}
