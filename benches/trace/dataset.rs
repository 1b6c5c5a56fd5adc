//! The trace bench's dataset: the cast (registrar, cooperatives and their
//! members, businesses, auditors), the lot stories, the deep chain that
//! ends in [`TARGET`], and the build through `Ledger::submit`.

use crate::products::{PROFILES, Profile, split_amounts};
use crate::support::{
    self, PartialDataset, SplitMix64, Stmt, Submitter, actor, amount, contract, lot, now_at,
    quantity, registrar_key,
};
use crate::{
    ACTOR_SEED_FILL, ANCESTORS, Config, DEEP_LOTS, LAYOUT, LEAVES_PER_COOP, MEMBERS_PER_COOP,
    ORIGIN, REGISTRAR, TARGET,
};
use coop_ledger::domain::builder::{self, Draft, Raw, StatementBuilder};
use coop_ledger::domain::keys::PublicKey;
use coop_ledger::domain::product::{
    Category, Certification, InspectResult, Process, Product, Scheme,
};
use coop_ledger::domain::quantity::{Quantity, Unit};
use coop_ledger::domain::statement::{BatchCreate, Region, Role};
use coop_ledger::domain::time::{Day, HarvestTime};
use ed25519_dalek::SigningKey;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Today plus `days` (UTC).
fn day(days: i64) -> Day {
    Day::from(time::OffsetDateTime::now_utc().date() + time::Duration::days(days))
}

/// A statement `id` signs (its `at` is stamped when it is sent).
fn by(id: &str) -> StatementBuilder {
    support::by(id, now_at())
}

// ---------------------------------------------------------------------------
// The cast

/// An actor of the dataset with its signing key.
struct Actor {
    id: String,
    key: SigningKey,
}

/// Everyone who signs: fixed by the dataset size alone.
struct Cast {
    registrar: SigningKey,
    coops: Vec<Actor>,
    /// Cooperative `c`'s member `m` is at `c * MEMBERS_PER_COOP + m`.
    members: Vec<Actor>,
    businesses: Vec<Actor>,
    auditors: Vec<Actor>,
}

impl Cast {
    fn new(leaves: u64) -> Self {
        let coops = (leaves / LEAVES_PER_COOP).max(4) as usize;
        let businesses = (coops / 4).max(2);
        let auditors = (coops / 100).max(2);
        let mut n = 0u64;
        let mut actor = |id: String| {
            n += 1;
            Actor {
                id,
                key: support::actor_key(ACTOR_SEED_FILL, n),
            }
        };
        let coops: Vec<Actor> = (0..coops).map(|c| actor(format!("htx-{c:04}"))).collect();
        let businesses = (0..businesses)
            .map(|b| actor(format!("dn-{b:03}")))
            .collect();
        let auditors = (0..auditors).map(|a| actor(format!("kd-{a:02}"))).collect();
        let members = (0..coops.len())
            .flat_map(|c| (0..MEMBERS_PER_COOP).map(move |m| (c, m)))
            .map(|(c, m)| actor(format!("tv-{c:04}-{m:02}")))
            .collect();
        Self {
            registrar: registrar_key(),
            coops,
            members,
            businesses,
            auditors,
        }
    }

    fn member(&self, c: usize, m: usize) -> &Actor {
        &self.members[c * MEMBERS_PER_COOP + m]
    }

    /// The business cooperative `c` has its linkage contract with.
    fn partner(&self, c: usize) -> &Actor {
        &self.businesses[c % self.businesses.len()]
    }

    fn profile(c: usize) -> &'static Profile {
        &PROFILES[c % PROFILES.len()]
    }

    fn contract(c: usize) -> String {
        format!("hd-{c:04}")
    }

    fn registration(
        &self,
        id: &str,
        role: Role,
        name: &str,
        key: &SigningKey,
        region: Region,
    ) -> Draft<Raw> {
        let key = PublicKey::from(key.verifying_key());
        by(REGISTRAR)
            .register(&actor(id), role, name, key, region)
            .into_raw()
    }

    /// Setup, phase 1: the registrar registers cooperatives, businesses and
    /// auditors.
    fn phase1(&self) -> Vec<Stmt> {
        let reg = |st: Draft<Raw>| (self.registrar.clone(), st);
        let mut out: Vec<Stmt> = Vec::new();
        for (c, a) in self.coops.iter().enumerate() {
            let p = Cast::profile(c);
            let name = format!("HTX {} số {}", p.coop_word, c + 1);
            out.push(reg(self.registration(
                &a.id,
                Role::Cooperative,
                &name,
                &a.key,
                p.region(),
            )));
        }
        for (b, a) in self.businesses.iter().enumerate() {
            let name = format!("Công ty CP Nông sản Việt số {}", b + 1);
            let region = builder::region("TP. Hồ Chí Minh", Some("Thủ Đức"), None);
            out.push(reg(self.registration(
                &a.id,
                Role::Business,
                &name,
                &a.key,
                region,
            )));
        }
        for (i, a) in self.auditors.iter().enumerate() {
            let name = format!("Trung tâm Kiểm định chất lượng số {}", i + 1);
            let region = builder::region("Hà Nội", Some("Cầu Giấy"), None);
            out.push(reg(self.registration(
                &a.id,
                Role::Auditor,
                &name,
                &a.key,
                region,
            )));
        }
        out
    }

    /// Setup, phase 2: each cooperative registers its members and offers
    /// its business partner a linkage contract.
    fn phase2(&self) -> Vec<Stmt> {
        let mut out: Vec<Stmt> = Vec::new();
        for (c, coop) in self.coops.iter().enumerate() {
            let p = Cast::profile(c);
            for m in 0..MEMBERS_PER_COOP {
                let a = self.member(c, m);
                let name = format!("Hộ thành viên {} của {}", m + 1, coop.id);
                let key = PublicKey::from(a.key.verifying_key());
                let mut st = by(&coop.id)
                    .register(&actor(&a.id), Role::Member, &name, key, p.region())
                    .cooperative(&actor(&coop.id));
                if m % 3 == 0 {
                    st = st.public(true);
                }
                out.push((coop.key.clone(), st.into_raw()));
            }
            let (hd, partner) = (contract(&Cast::contract(c)), actor(&self.partner(c).id));
            let st = by(&coop.id)
                .contract_offer(
                    &hd,
                    &actor(&coop.id),
                    &partner,
                    p.category,
                    (day(-90), day(365)),
                )
                .volume(quantity(50_000_000, p.unit));
            out.push((coop.key.clone(), st.into_raw()));
        }
        out
    }

    /// Setup, phase 3: the businesses accept the contracts.
    fn phase3(&self) -> Vec<Stmt> {
        (0..self.coops.len())
            .map(|c| {
                let b = self.partner(c);
                let st = by(&b.id).contract_accept(&contract(&Cast::contract(c)));
                (b.key.clone(), st.into_raw())
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------
// Stories: the life of one lot, submitted in order

/// What happens to one lot.
#[derive(Clone, Copy, Debug)]
enum Kind {
    /// Member harvests, ships to the cooperative; the cooperative processes
    /// twice, splits and ships a part to its partner under the contract.
    Full,
    /// As `Full`, and an auditor inspects the lot.
    FullInspected,
    /// Member harvests and hands the lot to the cooperative.
    ToCoop,
    /// The cooperative logs a lot for a member, processes it, ships it; the
    /// business refuses it.
    Refused,
    /// Harvested, still with the member.
    Harvest,
}

impl Kind {
    fn of(n: u64) -> Self {
        match n % 20 {
            0..=10 => Kind::Full,
            11..=13 => Kind::FullInspected,
            14..=17 => Kind::ToCoop,
            18 => Kind::Refused,
            _ => Kind::Harvest,
        }
    }

    /// Leaves it adds.
    fn len(self) -> u64 {
        match self {
            Kind::Full => 8,
            Kind::FullInspected => 9,
            Kind::ToCoop => 3,
            Kind::Refused => 4,
            Kind::Harvest => 1,
        }
    }
}

/// The kinds of the background stories, adding up to exactly `budget`
/// leaves.
fn plan_stories(budget: u64) -> Vec<Kind> {
    let mut left = budget;
    let mut out = Vec::new();
    let mut n = 0u64;
    while left > 0 {
        let mut k = Kind::of(n);
        if k.len() > left {
            k = Kind::Harvest;
        }
        left -= k.len();
        out.push(k);
        n += 1;
    }
    out
}

/// A `batch.create` of a harvest lot.
fn create_lot(
    p: &Profile,
    rng: &mut SplitMix64,
    id: &str,
    signer: &str,
    milli: u64,
) -> Draft<BatchCreate> {
    let origin = p.origin(rng);
    let harvested = day(-(rng.below(20) as i64)).to_string();
    let st = by(signer)
        .batch_create(
            &lot(id),
            p.product(p.lot, false),
            quantity(milli, p.unit),
            origin,
        )
        .harvested_at(HarvestTime::parse(&harvested).expect("a date"));
    if rng.below(2) == 0 {
        let id = format!(
            "{}-{:06}",
            p.scheme.as_str().to_uppercase(),
            rng.below(1_000_000)
        );
        st.certifications(vec![Certification {
            scheme: p.scheme,
            id,
            valid_until: Some(day(300)),
        }])
    } else {
        st
    }
}

/// A one-input transformation.
fn transform(
    signer: &str,
    process: Process,
    (input, used): (&str, u64),
    outputs: &[(&str, Product, Quantity)],
) -> Draft<Raw> {
    let outputs = outputs
        .iter()
        .map(|(id, product, q)| builder::output(&lot(id), product.clone(), *q))
        .collect();
    let inputs = vec![builder::input(&lot(input), amount(used))];
    by(signer).transform(process, inputs, outputs).into_raw()
}

fn ship(signer: &str, batch: &str, to: &str, under: Option<&str>) -> Draft<Raw> {
    let st = by(signer).ship(&lot(batch), &actor(to));
    match under {
        Some(c) => st.contract(&contract(c)),
        None => st,
    }
    .into_raw()
}

fn receive(signer: &str, batch: &str, accepted: bool) -> Draft<Raw> {
    by(signer).receive(&lot(batch), accepted).into_raw()
}

fn inspect(signer: &str, batch: &str, scheme: Scheme, note: &str) -> Draft<Raw> {
    let report = format!("biên bản kiểm tra {batch}");
    by(signer)
        .inspect(&lot(batch), InspectResult::Pass, scheme)
        .note(note)
        .report_of(report.as_bytes())
        .into_raw()
}

/// The statements of background story `n`, in the order they are submitted.
fn story(cast: &Cast, n: u64, kind: Kind) -> Vec<Stmt> {
    let mut rng = SplitMix64(n ^ 0x7EA5_17ED);
    let c = rng.below(cast.coops.len() as u64) as usize;
    let m = rng.below(MEMBERS_PER_COOP as u64) as usize;
    let p = Cast::profile(c);
    let coop = &cast.coops[c];
    let member = cast.member(c, m);
    let business = cast.partner(c);
    let auditor = &cast.auditors[n as usize % cast.auditors.len()];
    let lot = format!("lo-{n:07}");
    let lot_milli = p.lot_milli(&mut rng);
    let [s1, s2] = &p.stages;
    let (id1, id2) = (format!("{lot}-1"), format!("{lot}-2"));
    let (id2a, id2b) = (format!("{lot}-2a"), format!("{lot}-2b"));
    let m1 = s1.output(lot_milli);
    let m2 = s2.output(m1);
    let (ma, mb) = split_amounts(m2, s2.unit);
    let contract = Cast::contract(c);

    let by_member = |st: Draft<Raw>| (member.key.clone(), st);
    let by_coop = |st: Draft<Raw>| (coop.key.clone(), st);
    let by_business = |st: Draft<Raw>| (business.key.clone(), st);
    let t1 = || {
        let out = (
            id1.as_str(),
            p.product(s1.name, false),
            quantity(m1, s1.unit),
        );
        transform(&coop.id, s1.process, (&lot, lot_milli), &[out])
    };
    let mut out = Vec::new();
    match kind {
        Kind::Harvest => out.push(by_member(
            create_lot(p, &mut rng, &lot, &member.id, lot_milli).into_raw(),
        )),
        Kind::Refused => {
            let st = create_lot(p, &mut rng, &lot, &coop.id, lot_milli);
            out.push(by_coop(st.producer(&actor(&member.id)).into_raw()));
            out.push(by_coop(t1()));
            out.push(by_coop(ship(&coop.id, &id1, &business.id, None)));
            out.push(by_business(receive(&business.id, &id1, false)));
        }
        Kind::ToCoop | Kind::Full | Kind::FullInspected => {
            out.push(by_member(
                create_lot(p, &mut rng, &lot, &member.id, lot_milli).into_raw(),
            ));
            out.push(by_member(ship(&member.id, &lot, &coop.id, None)));
            out.push(by_coop(receive(&coop.id, &lot, true)));
            if matches!(kind, Kind::ToCoop) {
                return out;
            }
            if matches!(kind, Kind::FullInspected) {
                let st = inspect(&auditor.id, &lot, p.scheme, "Đạt yêu cầu");
                out.push((auditor.key.clone(), st));
            }
            out.push(by_coop(t1()));
            let out2 = (
                id2.as_str(),
                p.product(s2.name, true),
                quantity(m2, s2.unit),
            );
            out.push(by_coop(transform(
                &coop.id,
                s2.process,
                (&id1, m1),
                &[out2],
            )));
            let parts = [
                (
                    id2a.as_str(),
                    p.product(s2.name, true),
                    quantity(ma, s2.unit),
                ),
                (
                    id2b.as_str(),
                    p.product(s2.name, true),
                    quantity(mb, s2.unit),
                ),
            ];
            out.push(by_coop(transform(
                &coop.id,
                Process::Split,
                (&id2, m2),
                &parts,
            )));
            out.push(by_coop(ship(
                &coop.id,
                &id2a,
                &business.id,
                Some(&contract),
            )));
            out.push(by_business(receive(&business.id, &id2a, true)));
        }
    }
    debug_assert_eq!(out.len() as u64, kind.len());
    out
}

/// The deep chain: 8 lots merged, then 41 more transformations down to
/// [`TARGET`], its descendants, and steps after the fact (inspections,
/// remainders shipped on).
fn deep_plan(cast: &Cast) -> Vec<Stmt> {
    let c = 0;
    let p = Cast::profile(c);
    assert_eq!(p.category, Category::Rice, "the deep chain is a rice chain");
    let coop = &cast.coops[c];
    let business = cast.partner(c);
    let auditor = &cast.auditors[0];
    let contract = Cast::contract(c);
    let by_coop = |st: Draft<Raw>| (coop.key.clone(), st);
    let mut rng = SplitMix64(0xDEE9);
    let mut out: Vec<Stmt> = Vec::new();

    // The lots, handed to the cooperative.
    let mut lots = Vec::new();
    for i in 0..DEEP_LOTS {
        let member = cast.member(c, i);
        let id = format!("sau-lo-{i}");
        let milli = 1_800_500 + 150_000 * i as u64;
        let st = create_lot(p, &mut rng, &id, &member.id, milli);
        out.push((member.key.clone(), st.into_raw()));
        out.push((member.key.clone(), ship(&member.id, &id, &coop.id, None)));
        out.push(by_coop(receive(&coop.id, &id, true)));
        lots.push((id, milli));
    }
    let st = inspect(&auditor.id, &lots[0].0, Scheme::VietGap, "Đạt VietGAP");
    out.push((auditor.key.clone(), st));

    // The merge.
    let total: u64 = lots.iter().map(|(_, m)| m).sum();
    let inputs = lots
        .iter()
        .map(|(id, m)| builder::input(&lot(id), amount(*m)))
        .collect();
    let merged = builder::output(
        &lot("sau-gop"),
        p.product("Lúa tươi ST25 gộp lô", false),
        quantity(total, Unit::Kg),
    );
    let st = by(&coop.id).transform(Process::Merge, inputs, vec![merged]);
    out.push(by_coop(st.into_raw()));

    // The chain: each step uses 95% of what the previous one made.
    let chain = ANCESTORS - DEEP_LOTS;
    let mut prev = ("sau-gop".to_owned(), total);
    let mut remainders = Vec::new();
    for k in 1..=chain {
        let id = if k == chain {
            TARGET.to_owned()
        } else {
            format!("sau-c{k:02}")
        };
        let used = prev.1 * 95 / 100;
        remainders.push((prev.0.clone(), prev.1 - used));
        let (process, name) = match k % 5 {
            0 => (Process::Drying, format!("Lúa ST25 sấy lần {k}")),
            1 => (Process::Milling, format!("Gạo ST25 xát lần {k}")),
            2 => (Process::Processing, format!("Gạo ST25 đánh bóng lần {k}")),
            3 => (Process::Split, format!("Gạo ST25 tách lô {k}")),
            _ => (Process::Other, format!("Gạo ST25 phân loại lần {k}")),
        };
        let made = if process == Process::Split {
            let (a, b) = (used * 4 / 5, used - used * 4 / 5);
            let side = format!("sau-n{k:02}");
            let outs = [
                (id.as_str(), p.product(&name, false), quantity(a, Unit::Kg)),
                (
                    side.as_str(),
                    p.product(&name, false),
                    quantity(b, Unit::Kg),
                ),
            ];
            out.push(by_coop(transform(
                &coop.id,
                process,
                (&prev.0, used),
                &outs,
            )));
            a
        } else {
            let a = used * 99 / 100;
            let outs = [(id.as_str(), p.product(&name, false), quantity(a, Unit::Kg))];
            out.push(by_coop(transform(
                &coop.id,
                process,
                (&prev.0, used),
                &outs,
            )));
            a
        };
        prev = (id, made);
    }
    assert_eq!(prev.0, TARGET);
    let target_milli = prev.1;

    // After the fact: inspections (kept upstream) and remainders of two
    // ancestors shipped on (cut off upstream).
    let st = inspect(
        &auditor.id,
        "sau-c20",
        Scheme::FoodSafety,
        "Không phát hiện dư lượng",
    );
    out.push((auditor.key.clone(), st));
    let st = inspect(
        &auditor.id,
        TARGET,
        Scheme::FoodSafety,
        "Đạt an toàn thực phẩm",
    );
    out.push((auditor.key.clone(), st));
    for (id, left) in [&remainders[10], &remainders[30]] {
        assert!(*left > 0, "{id} keeps a remainder");
        out.push(by_coop(ship(&coop.id, id, &business.id, Some(&contract))));
        out.push((business.key.clone(), receive(&business.id, id, true)));
    }

    // Downstream: 4 parts, each packed in 5 kg boxes; two go to the business.
    let quarter = target_milli / 4;
    let parts: Vec<(String, u64)> = (1..=4)
        .map(|i| {
            let m = if i == 4 {
                target_milli - 3 * quarter
            } else {
                quarter
            };
            (format!("{TARGET}-p{i}"), m)
        })
        .collect();
    let outs: Vec<(&str, Product, Quantity)> = parts
        .iter()
        .map(|(id, m)| {
            (
                id.as_str(),
                p.product("Gạo ST25", false),
                quantity(*m, Unit::Kg),
            )
        })
        .collect();
    out.push(by_coop(transform(
        &coop.id,
        Process::Split,
        (TARGET, target_milli),
        &outs,
    )));
    for (i, (id, m)) in parts.iter().enumerate() {
        let boxes = m / 5000;
        assert!(boxes >= 1, "{id} fills at least one 5 kg box");
        let boxed = format!("{TARGET}-h{}", i + 1);
        let outs = [(
            boxed.as_str(),
            p.product("Gạo ST25 hộp 5 kg", true),
            quantity(boxes * 1000, Unit::Box),
        )];
        out.push(by_coop(transform(
            &coop.id,
            Process::Packing,
            (id, boxes * 5000),
            &outs,
        )));
    }
    for i in 1..=2 {
        let boxed = format!("{TARGET}-h{i}");
        out.push(by_coop(ship(
            &coop.id,
            &boxed,
            &business.id,
            Some(&contract),
        )));
        out.push((business.key.clone(), receive(&business.id, &boxed, true)));
    }
    out
}

// ---------------------------------------------------------------------------
// Building the dataset

/// Submits signed statements and counts them.
struct Builder {
    /// Signs, stamps and submits; counts every entry accepted so far (but
    /// the genesis).
    sub: Arc<Submitter>,
    /// Entries of the background stories accepted so far.
    stories_done: AtomicU64,
    /// Entries of the deep chain accepted so far.
    deep_done: AtomicU64,
    /// Entries of the deep chain.
    deep_steps: u64,
    /// Entries of the background stories.
    story_leaves: u64,
}

impl Builder {
    /// How many story entries are logged before deep step `i` (0-based)
    /// starts: the deep chain's entries spread evenly over the stories.
    fn due(&self, i: u64) -> u64 {
        self.story_leaves * (i + 1) / (self.deep_steps + 1)
    }

    /// Holds a story task back while the deep chain lags behind (only
    /// happens in small, fast builds): stories do not run past the due
    /// point of the deep step after the next one.
    async fn wait_for_deep(&self) {
        loop {
            let d = self.deep_done.load(Ordering::Relaxed);
            if d >= self.deep_steps || self.stories_done.load(Ordering::Relaxed) < self.due(d + 1) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }

    /// Stamps `at`, signs, submits; panics with the refusal if any.
    async fn submit(&self, st: Stmt) -> u64 {
        self.sub.submit(st).await
    }
}

/// The completion marker of a dataset of `leaves` leaves.
pub(crate) fn marker(leaves: u64) -> String {
    format!("{LAYOUT} {leaves}")
}

/// Builds the dataset in `dir` through the public API and marks it
/// complete; returns the time the submissions took.
pub(crate) async fn build_dataset(cfg: &Config, dir: &Path) -> Duration {
    let dataset = PartialDataset::start(dir);

    let cast = Arc::new(Cast::new(cfg.leaves));
    let phases = [cast.phase1(), cast.phase2(), cast.phase3()];
    let deep = deep_plan(&cast);
    let setup: u64 = phases.iter().map(|p| p.len() as u64).sum();
    let fixed = 1 + setup + deep.len() as u64;
    assert!(
        cfg.leaves >= fixed + 1000,
        "BENCH_LEAVES={} is too small: the actors, contracts and deep chain alone take {fixed} leaves",
        cfg.leaves
    );
    let stories = Arc::new(plan_stories(cfg.leaves - fixed));
    let story_leaves = cfg.leaves - fixed;
    println!(
        "building: {} cooperatives, {} members, {} businesses, {} auditors ({setup} setup entries); \
         {} lot stories ({story_leaves} entries); deep chain {} entries",
        cast.coops.len(),
        cast.members.len(),
        cast.businesses.len(),
        cast.auditors.len(),
        stories.len(),
        deep.len()
    );

    let ledger = dataset.init(
        ORIGIN,
        REGISTRAR,
        &cast.registrar,
        Some("Liên minh Hợp tác xã Việt Nam"),
    );
    let builder = Arc::new(Builder {
        sub: Submitter::new(ledger, true),
        stories_done: AtomicU64::new(0),
        deep_done: AtomicU64::new(0),
        deep_steps: deep.len() as u64,
        story_leaves,
    });

    let start = Instant::now();
    let total = cfg.leaves - 1;
    let progress = builder.sub.report_progress(start, total);

    for phase in phases {
        builder.sub.all(phase, cfg.build_tasks).await;
    }

    // The deep chain, paced so that its entries spread over the whole log.
    let deep_task = {
        let b = Arc::clone(&builder);
        tokio::spawn(async move {
            for (i, s) in deep.into_iter().enumerate() {
                while b.stories_done.load(Ordering::Relaxed) < b.due(i as u64) {
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
                b.submit(s).await;
                b.deep_done.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    let next = Arc::new(AtomicU64::new(0));
    let workers: Vec<_> = (0..cfg.build_tasks)
        .map(|_| {
            let (b, next, cast, stories) = (
                Arc::clone(&builder),
                Arc::clone(&next),
                Arc::clone(&cast),
                Arc::clone(&stories),
            );
            tokio::spawn(async move {
                loop {
                    b.wait_for_deep().await;
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    let Some(kind) = stories.get(n as usize) else {
                        break;
                    };
                    for s in story(&cast, n, *kind) {
                        b.submit(s).await;
                        b.stories_done.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.await.expect("a story task panicked");
    }
    deep_task.await.expect("the deep chain task panicked");
    progress.abort();
    // Awaiting the aborted task drops its handle on the ledger.
    let _ = progress.await;
    let elapsed = start.elapsed();

    let ledger = Arc::clone(&builder.sub.ledger);
    drop(builder);
    dataset
        .finish(ledger, cfg.leaves, &marker(cfg.leaves))
        .await;
    elapsed
}
