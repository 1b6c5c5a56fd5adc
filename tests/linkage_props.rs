//! Property tests of the linkage index (spec §9, issue 5) against a naive
//! reading of the definitions straight from the list of facts.

use coop_ledger::domain::ids::ActorId;
use coop_ledger::domain::linkage::{Figure, LinkFact, LinkageIndex, Query, Targets};
use coop_ledger::domain::places::{normalize_name, places};
use coop_ledger::domain::product::Category;
use coop_ledger::domain::quantity::{Amount, Quantity, Unit};
use coop_ledger::domain::statement::Role;
use coop_ledger::domain::time::Day;
use proptest::prelude::*;

const ORGS: usize = 6;

fn day(n: i64) -> Day {
    let base = time::Date::from_calendar_date(2026, time::Month::January, 1).expect("date");
    Day::from(base + time::Duration::days(n))
}

fn org_id(i: usize) -> ActorId {
    format!("htx-{i}").parse().expect("id")
}

fn role(i: usize) -> Role {
    [Role::Cooperative, Role::CooperativeGroup, Role::Union][i % 3]
}

fn category(i: usize) -> Category {
    Category::ALL[i % 3]
}

/// One random event about organisation `org` on day `d` (days of 2026).
#[derive(Clone, Debug)]
enum Ev {
    Revoke(usize, i64),
    Active(usize, usize, i64),
    Contract(usize, usize, i64, i64, i64),
    Delivery(usize, usize, bool, i64),
}

fn ev() -> impl Strategy<Value = Ev> {
    prop_oneof![
        (0..ORGS, 0..365i64).prop_map(|(o, d)| Ev::Revoke(o, d)),
        (0..ORGS, 0..3usize, 0..365i64).prop_map(|(o, c, d)| Ev::Active(o, c, d)),
        (0..ORGS, 0..3usize, 0..365i64, 0..200i64, 0..365i64)
            .prop_map(|(o, c, f, len, acc)| Ev::Contract(o, c, f, f + len, acc)),
        (0..ORGS, 0..3usize, any::<bool>(), 0..365i64)
            .prop_map(|(o, c, direct, d)| Ev::Delivery(o, c, direct, d)),
    ]
}

fn facts(regs: &[i64], events: &[Ev]) -> Vec<LinkFact> {
    facts_in(regs, events, |i| ["An Giang", "Sóc Trăng"][i % 2].into())
}

/// The facts, organisation `i` in the province `province(i)` writes.
fn facts_in(regs: &[i64], events: &[Ev], province: impl Fn(usize) -> String) -> Vec<LinkFact> {
    let mut out: Vec<LinkFact> = regs
        .iter()
        .enumerate()
        .map(|(i, d)| LinkFact::Org {
            id: org_id(i),
            role: role(i),
            province: province(i),
            day: day(*d),
        })
        .collect();
    for e in events {
        out.push(match e {
            Ev::Revoke(o, d) => LinkFact::Revoked {
                id: org_id(*o),
                day: day(*d),
            },
            Ev::Active(o, c, d) => LinkFact::Active {
                org: org_id(*o),
                category: category(*c),
                day: day(*d),
            },
            Ev::Contract(o, c, f, t, a) => LinkFact::Contract {
                org: org_id(*o),
                category: category(*c),
                from: day(*f),
                to: day(*t),
                day: day(*a),
            },
            Ev::Delivery(o, c, direct, d) => LinkFact::Delivery {
                org: org_id(*o),
                direct: *direct,
                category: category(*c),
                quantity: Quantity {
                    amount: Amount::parse("10").expect("amount"),
                    unit: Unit::Kg,
                },
                net: None,
                day: day(*d),
                members: Vec::new(),
            },
        });
    }
    out
}

/// The definitions of spec §9 read directly off the facts:
/// (registered, linked) of cooperatives in `from..=to`, in `category`.
fn naive(facts: &[LinkFact], from: Day, to: Day, category: Option<Category>) -> (u64, u64) {
    let (mut registered, mut linked) = (0, 0);
    for f in facts {
        let LinkFact::Org {
            id, role, day: reg, ..
        } = f
        else {
            continue;
        };
        if *role != Role::Cooperative || *reg > to {
            continue;
        }
        let revoked = facts.iter().find_map(|g| match g {
            LinkFact::Revoked { id: r, day } if r == id => Some(*day),
            _ => None,
        });
        if revoked.is_some_and(|r| r <= to) {
            continue;
        }
        if let Some(c) = category {
            let active = facts.iter().any(|g| match g {
                LinkFact::Active {
                    org,
                    category: k,
                    day,
                } => org == id && *k == c && *day <= to,
                LinkFact::Contract {
                    org,
                    category: k,
                    day,
                    ..
                } => org == id && *k == c && *day <= to,
                _ => false,
            });
            if !active {
                continue;
            }
        }
        registered += 1;
        let wanted = |k: &Category| category.is_none_or(|c| c == *k);
        let is_linked = facts.iter().any(|g| match g {
            LinkFact::Contract {
                org,
                category: k,
                from: cf,
                to: ct,
                day,
            } => org == id && wanted(k) && *cf <= to && *ct >= from && *day <= to,
            LinkFact::Delivery {
                org,
                direct,
                category: k,
                day,
                ..
            } => org == id && *direct && wanted(k) && from <= *day && *day <= to,
            _ => false,
        });
        linked += u64::from(is_linked);
    }
    (registered, linked)
}

fn tally(f: &Figure) -> (u64, u64, u64, u64) {
    (f.registered, f.linked, f.by_contract, f.by_shipment)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Invariant: for any facts and any period, the index's cooperative
    /// figures equal the definitions read directly off the facts, overall
    /// and in every category; linked never exceeds registered; and each
    /// month of the series equals a report for that whole month.
    #[test]
    fn the_index_agrees_with_the_definitions(
        regs in proptest::collection::vec(0..365i64, ORGS),
        events in proptest::collection::vec(ev(), 0..40),
        start in 0..365i64,
        len in 0..200i64,
    ) {
        let facts = facts(&regs, &events);
        let mut index = LinkageIndex::default();
        for f in &facts {
            index.apply(f);
        }
        let (from, to) = (day(start), day(start + len));
        let q = Query::new(from, to, None, None).expect("query");
        let r = index.report(&q, &Targets::default());
        prop_assert_eq!((r.cooperatives.registered, r.cooperatives.linked), naive(&facts, from, to, None));
        prop_assert!(r.cooperatives.linked <= r.cooperatives.registered);
        prop_assert!(r.collective.registered >= r.cooperatives.registered);
        for c in Category::ALL.iter().take(3) {
            let q = Query::new(from, to, None, Some(*c)).expect("query");
            let rc = index.report(&q, &Targets::default());
            prop_assert_eq!((rc.cooperatives.registered, rc.cooperatives.linked), naive(&facts, from, to, Some(*c)));
        }
        let provinces: u64 = r.by_province.iter().map(|p| p.collective.registered).sum();
        prop_assert_eq!(provinces, r.collective.registered);
        for m in &r.by_month {
            let first = Day::parse(&format!("{}-01", m.month)).expect("month");
            let next = first.date().replace_day(28).expect("day") + time::Duration::days(4);
            let last = Day::from(next.replace_day(1).expect("day") - time::Duration::days(1));
            let q = Query::new(first, last, None, None).expect("query");
            let whole = index.report(&q, &Targets::default());
            prop_assert_eq!(tally(&m.cooperatives), tally(&whole.cooperatives), "{}", m.month);
            prop_assert_eq!(tally(&m.collective), tally(&whole.collective), "{}", m.month);
        }
    }

    /// Invariant (issue 13): a ledger whose provinces are written as the
    /// 2025 map's names, in any of their spellings (as the map writes
    /// them, without the division type, in other case, without
    /// diacritics), has the same figures as one whose provinces are the
    /// codes, row for row; and a filter by code equals a filter by name.
    #[test]
    fn provinces_by_name_give_the_figures_of_provinces_by_code(
        regs in proptest::collection::vec(0..365i64, ORGS),
        events in proptest::collection::vec(ev(), 0..40),
        picks in proptest::collection::vec((0..34usize, 0..4usize), ORGS),
        start in 0..365i64,
        len in 0..200i64,
    ) {
        let map = places().expect("places");
        let province = |i: usize| &map.provinces()[picks[i].0];
        let spelled = |i: usize| {
            let p = province(i);
            match picks[i].1 {
                0 => p.name.to_owned(),
                1 => p.short_name().to_owned(),
                2 => format!("  {}  ", p.short_name().to_uppercase()),
                _ => normalize_name(p.name),
            }
        };
        let index = |facts: Vec<LinkFact>| {
            let mut index = LinkageIndex::default();
            for f in &facts {
                index.apply(f);
            }
            index
        };
        let by_code = index(facts_in(&regs, &events, |i| province(i).code.to_string()));
        let by_name = index(facts_in(&regs, &events, spelled));
        let (from, to) = (day(start), day(start + len));
        let q = |p: Option<String>| Query::new(from, to, p, None).expect("query");
        let r = by_code.report(&q(None), &Targets::default());
        prop_assert_eq!(&r, &by_name.report(&q(None), &Targets::default()));
        let rows: Vec<&str> = r.by_province.iter().map(|p| p.province.as_str()).collect();
        let mut unique = rows.clone();
        unique.dedup();
        prop_assert_eq!(&unique, &rows, "one row per province");
        prop_assert!(rows.iter().all(|n| map.provinces().iter().any(|p| p.name == *n)));
        let p = province(0);
        let filtered = by_code.report(&q(Some(p.code.to_string())), &Targets::default());
        prop_assert_eq!(&filtered, &by_name.report(&q(Some(p.name.into())), &Targets::default()));
        prop_assert_eq!(&filtered, &by_code.report(&q(Some(p.short_name().into())), &Targets::default()));
    }
}
