//! Value-chain linkage figures (spec §9): how many cooperatives, and how
//! many collective economic organisations, are linked with businesses in a
//! period, against the plans' targets.
//!
//! The rules derive [`LinkFact`]s from each accepted entry (see
//! `rules::link`); the store keeps them in log order and [`LinkageIndex`]
//! folds them into a compact per-organisation index, so a report is a pass
//! over organisations, never a scan of the log.
//!
//! Definitions, for a period `from..=to` of Vietnam calendar dates (an
//! event's time is its statement's `at`, read on Vietnam's clock):
//!
//! - an organisation is *registered* when its registration is on or before
//!   `to` and it was not revoked on or before `to`;
//! - it is *linked* when it has a contract with a business, accepted on or
//!   before `to`, whose `from..=to` overlaps the period (route `contract`),
//!   or a business accepted one of its own shipments in the period (route
//!   `shipment`);
//! - *cooperatives* are actors registered as `cooperative`; the
//!   *collective* figures count cooperatives, cooperative groups and unions;
//! - in a product category, an organisation counts as registered from the
//!   day it was first active in that category (it or one of its members made
//!   or received a batch of it, or it accepted a contract for it), and counts
//!   as linked only through contracts and shipments of that category;
//! - a member's produce *reached a business* when a business accepted, in
//!   the period, a batch the member produced or one made from it; members
//!   are counted under their own cooperative;
//! - the volume delivered to businesses is what businesses accepted in the
//!   period from an organisation or from its members, by category and unit.

use super::ids::ActorId;
use super::messages::{Code, Refusal};
use super::product::Category;
use super::quantity::{Quantity, Total, Unit};
use super::statement::Role;
use super::time::Day;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// The longest period a report covers, in calendar months (its month series
/// has one point per month).
pub const MAX_PERIOD_MONTHS: i32 = 360;

/// The longest province name a query may give.
pub const MAX_PROVINCE_CHARS: usize = 100;

/// The most targets one figure is compared with.
pub const MAX_TARGETS: usize = 8;

/// True for the roles spec §9 calls collective economic organisations.
pub fn is_collective(role: Role) -> bool {
    matches!(
        role,
        Role::Cooperative | Role::CooperativeGroup | Role::Union
    )
}

/// A fact the figures are built from, derived from one accepted entry and
/// stored with it (so the index is rebuilt by `reindex` like every view).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "fact", rename_all = "snake_case")]
pub enum LinkFact {
    /// A collective economic organisation was registered.
    Org {
        /// Its id.
        id: ActorId,
        /// Cooperative, cooperative group or union.
        role: Role,
        /// Its province.
        province: String,
        /// The registration's date.
        day: Day,
    },
    /// A member household was registered.
    Member {
        /// Its id.
        id: ActorId,
        /// Its cooperative.
        cooperative: ActorId,
        /// The registration's date.
        day: Day,
    },
    /// An organisation or member was revoked.
    Revoked {
        /// Who.
        id: ActorId,
        /// The revocation's date.
        day: Day,
    },
    /// An organisation, or one of its members, made or received a batch of
    /// a category.
    Active {
        /// The organisation.
        org: ActorId,
        /// The category.
        category: Category,
        /// When.
        day: Day,
    },
    /// A contract between an organisation and a business was accepted.
    Contract {
        /// The organisation party.
        org: ActorId,
        /// What it covers.
        category: Category,
        /// Its first day.
        from: Day,
        /// Its last day.
        to: Day,
        /// The acceptance's date.
        day: Day,
    },
    /// A business accepted a batch shipped by an organisation (`direct`) or
    /// by one of its members.
    Delivery {
        /// The organisation credited.
        org: ActorId,
        /// True when the organisation itself shipped it.
        direct: bool,
        /// The batch's category.
        category: Category,
        /// How much was delivered.
        quantity: Quantity,
        /// The receipt's date.
        day: Day,
        /// The member households whose produce the batch holds.
        members: Vec<ActorId>,
    },
}

/// One figure's target: a share to reach by a year.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// The year of the plan.
    pub year: u16,
    /// The share to reach, 0..=1.
    pub share: f64,
}

impl Target {
    /// Parses `YEAR=SHARE`, the share as a fraction (`0.6`) or a percentage
    /// (`60%`).
    pub fn parse(s: &str) -> Option<Self> {
        let (year, share) = s.split_once('=')?;
        let year: u16 = year.trim().parse().ok()?;
        let share = share.trim();
        let share = match share.strip_suffix('%') {
            Some(p) => p.trim().parse::<f64>().ok()? / 100.0,
            None => share.parse::<f64>().ok()?,
        };
        ((2000..=2100).contains(&year) && (0.0..=1.0).contains(&share))
            .then_some(Self { year, share })
    }
}

/// The targets the figures are compared with (spec §9).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Targets {
    /// For cooperatives linked with businesses.
    pub cooperatives: Vec<Target>,
    /// For all collective economic organisations.
    pub collective: Vec<Target>,
}

impl Default for Targets {
    /// The plans' figures: more than 60% of cooperatives by 2030 and 85% by
    /// 2045 (province plan); at least 55% of collective economic
    /// organisations by 2030 and 80% by 2045 (city programme).
    fn default() -> Self {
        Self {
            cooperatives: vec![
                Target {
                    year: 2030,
                    share: 0.60,
                },
                Target {
                    year: 2045,
                    share: 0.85,
                },
            ],
            collective: vec![
                Target {
                    year: 2030,
                    share: 0.55,
                },
                Target {
                    year: 2045,
                    share: 0.80,
                },
            ],
        }
    }
}

impl Targets {
    /// Sets one target from `GROUP:YEAR=SHARE` (`cooperatives:2030=0.6`,
    /// `collective:2045=80%`), replacing the group's target for that year.
    pub fn set(&mut self, spec: &str) -> Result<(), String> {
        let bad = || {
            format!(
                "{spec:?}: a target is GROUP:YEAR=SHARE, GROUP cooperatives or collective, SHARE 0..1 or a percentage"
            )
        };
        let (group, rest) = spec.split_once(':').ok_or_else(bad)?;
        let target = Target::parse(rest).ok_or_else(bad)?;
        let list = match group.trim() {
            "cooperatives" => &mut self.cooperatives,
            "collective" => &mut self.collective,
            _ => return Err(bad()),
        };
        list.retain(|t| t.year != target.year);
        if list.len() >= MAX_TARGETS {
            return Err(format!("at most {MAX_TARGETS} targets per group"));
        }
        list.push(target);
        list.sort_by_key(|t| t.year);
        Ok(())
    }
}

/// What a report covers.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    /// First day.
    pub from: Day,
    /// Last day.
    pub to: Day,
    /// Only organisations in this province (compared ignoring case).
    pub province: Option<String>,
    /// Only this category.
    pub category: Option<Category>,
}

impl Query {
    /// A query whose missing dates default to this year so far: from 1
    /// January of `today`'s year (or of `to`'s, when only `to` is given) to
    /// `today`.
    pub fn with_defaults(
        from: Option<Day>,
        to: Option<Day>,
        province: Option<String>,
        category: Option<Category>,
        today: Day,
    ) -> Result<Self, Refusal> {
        let to = to.unwrap_or(today);
        let from = match from {
            Some(f) => f,
            None => Day::from(
                time::Date::from_calendar_date(to.date().year(), time::Month::January, 1)
                    .map_err(|e| Refusal::with(Code::BadReportPeriod, e.to_string()))?,
            ),
        };
        Self::new(from, to, province, category)
    }

    /// Checks the period and the filters.
    pub fn new(
        from: Day,
        to: Day,
        province: Option<String>,
        category: Option<Category>,
    ) -> Result<Self, Refusal> {
        if from > to {
            return Err(Refusal::with(
                Code::DatesReversed,
                format!("from {from} is after to {to}"),
            ));
        }
        if month_index(to) - month_index(from) >= MAX_PERIOD_MONTHS {
            return Err(Refusal::with(
                Code::BadReportPeriod,
                format!("at most {MAX_PERIOD_MONTHS} months"),
            ));
        }
        let province = province
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty());
        if province
            .as_ref()
            .is_some_and(|p| p.chars().count() > MAX_PROVINCE_CHARS)
        {
            return Err(Refusal::with(
                Code::TooLong,
                format!("province: at most {MAX_PROVINCE_CHARS} characters"),
            ));
        }
        Ok(Self {
            from,
            to,
            province,
            category,
        })
    }
}

/// Months since year 0: consecutive calendar months differ by one.
fn month_index(d: Day) -> i32 {
    let date = d.date();
    date.year() * 12 + i32::from(u8::from(date.month())) - 1
}

/// `YYYY-MM` of a month index.
fn month_label(m: i32) -> String {
    format!("{:04}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1)
}

/// Index of a category in [`Category::ALL`].
fn slot(c: Category) -> usize {
    Category::ALL.iter().position(|k| *k == c).unwrap_or(0)
}

#[derive(Clone, Debug)]
struct ContractLink {
    category: Category,
    from: Day,
    to: Day,
    accepted: Day,
}

#[derive(Clone, Debug)]
struct DeliveryLink {
    day: Day,
    category: Category,
    quantity: Quantity,
    direct: bool,
}

#[derive(Clone, Debug)]
struct Org {
    role: Role,
    /// Index into [`LinkageIndex::provinces`].
    province: usize,
    registered: Day,
    revoked: Option<Day>,
    /// First day active, per category slot.
    active: [Option<Day>; Category::ALL.len()],
    contracts: Vec<ContractLink>,
    /// Sorted by day.
    deliveries: Vec<DeliveryLink>,
    /// Indexes into [`LinkageIndex::members`].
    members: Vec<usize>,
}

#[derive(Clone, Debug)]
struct Member {
    registered: Day,
    revoked: Option<Day>,
    /// Sorted by day.
    reach: Vec<(Day, Category)>,
}

/// How an organisation stands in a period.
#[derive(Clone, Copy, Debug, Default)]
struct Standing {
    contract: bool,
    shipment: bool,
}

impl Org {
    /// The first day the organisation counts in `category` (or at all).
    fn counts_from(&self, category: Option<Category>) -> Option<Day> {
        match category {
            None => Some(self.registered),
            Some(c) => self.active[slot(c)].map(|a| a.max(self.registered)),
        }
    }

    /// How the organisation stands in the period, overall and in each
    /// category it counts in; `None` when it is not registered. One pass
    /// over its contracts and its deliveries in the period.
    fn standings(&self, from: Day, to: Day) -> Option<Standings> {
        if self.registered > to || self.revoked.is_some_and(|r| r <= to) {
            return None;
        }
        let mut by = [Standing::default(); Category::ALL.len()];
        for c in &self.contracts {
            if c.from <= to && c.to >= from && c.accepted <= to {
                by[slot(c.category)].contract = true;
            }
        }
        for d in self.in_period(from, to).filter(|d| d.direct) {
            by[slot(d.category)].shipment = true;
        }
        let any = by.iter().fold(Standing::default(), |a, s| Standing {
            contract: a.contract || s.contract,
            shipment: a.shipment || s.shipment,
        });
        let counted = |i: usize| self.active[i].is_some_and(|a| a <= to);
        Some(Standings {
            any,
            by: std::array::from_fn(|i| counted(i).then_some(by[i])),
        })
    }

    /// Its deliveries in `from..=to`.
    fn in_period(&self, from: Day, to: Day) -> impl Iterator<Item = &DeliveryLink> {
        let first = self.deliveries.partition_point(|d| d.day < from);
        self.deliveries[first..]
            .iter()
            .take_while(move |d| d.day <= to)
    }
}

/// An organisation's standing in a period: overall, and in each category
/// (`None` where it does not count: not active in it by the period's end).
struct Standings {
    any: Standing,
    by: [Option<Standing>; Category::ALL.len()],
}

impl Standings {
    /// Its standing under the category filter, if it counts under it.
    fn under(&self, category: Option<Category>) -> Option<Standing> {
        match category {
            None => Some(self.any),
            Some(c) => self.by[slot(c)],
        }
    }
}

impl Member {
    fn registered_by(&self, to: Day) -> bool {
        self.registered <= to && self.revoked.is_none_or(|r| r > to)
    }

    fn reached(&self, from: Day, to: Day, category: Option<Category>) -> bool {
        let first = self.reach.partition_point(|(d, _)| *d < from);
        self.reach[first..]
            .iter()
            .take_while(|(d, _)| *d <= to)
            .any(|(_, c)| category.is_none_or(|k| k == *c))
    }
}

/// Counts for one figure, before the shares are worked out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Tally {
    registered: u64,
    linked: u64,
    by_contract: u64,
    by_shipment: u64,
}

impl Tally {
    fn count(&mut self, s: Standing) {
        self.registered += 1;
        self.linked += u64::from(s.contract || s.shipment);
        self.by_contract += u64::from(s.contract);
        self.by_shipment += u64::from(s.shipment);
    }
}

/// Cooperatives and all collective organisations, counted together.
#[derive(Clone, Copy, Debug, Default)]
struct Pair {
    cooperatives: Tally,
    collective: Tally,
}

impl Pair {
    fn count(&mut self, role: Role, s: Standing) {
        self.collective.count(s);
        if role == Role::Cooperative {
            self.cooperatives.count(s);
        }
    }

    fn figures(&self, targets: &Targets) -> (Figure, Figure) {
        (
            Figure::new(self.cooperatives, &targets.cooperatives),
            Figure::new(self.collective, &targets.collective),
        )
    }
}

/// A share as a report shows it: exact for small counts, rounded to six
/// decimals so that 3 of 5 reads `0.6`.
fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    round6(part as f64 / whole as f64)
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// How far a figure is from one target.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// The target's year.
    pub year: u16,
    /// The share to reach.
    pub target: f64,
    /// How much share is missing (0 when met).
    pub gap: f64,
    /// How many more organisations must be linked to meet it today.
    pub needed: u64,
    /// True when the share reaches the target.
    pub met: bool,
}

/// Registered, linked and share, with the routes and the targets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// Registered in the period.
    pub registered: u64,
    /// Linked in the period.
    pub linked: u64,
    /// `linked / registered` (0 when none is registered).
    pub share: f64,
    /// Linked through an accepted contract.
    pub by_contract: u64,
    /// Linked through a shipment a business accepted.
    pub by_shipment: u64,
    /// Against each target.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub progress: Vec<Progress>,
}

impl Figure {
    fn new(t: Tally, targets: &[Target]) -> Self {
        let share_now = share(t.linked, t.registered);
        let progress = targets
            .iter()
            .map(|g| {
                // The smallest count whose share reaches the target, in
                // integers so that 60% of 5 needs exactly 3.
                let per_million = (g.share * 1e6).round() as u64;
                let required = (t.registered * per_million).div_ceil(1_000_000);
                let met = t.linked >= required;
                Progress {
                    year: g.year,
                    target: g.share,
                    gap: if met {
                        0.0
                    } else {
                        round6((g.share - share_now).max(0.0))
                    },
                    needed: required.saturating_sub(t.linked),
                    met,
                }
            })
            .collect();
        Self {
            registered: t.registered,
            linked: t.linked,
            share: share_now,
            by_contract: t.by_contract,
            by_shipment: t.by_shipment,
            progress,
        }
    }

    fn plain(t: Tally) -> Self {
        Self::new(t, &[])
    }
}

/// The figures of one product category.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CategoryRow {
    /// The category.
    pub category: Category,
    /// Cooperatives active in it.
    pub cooperatives: Figure,
    /// Collective organisations active in it.
    pub collective: Figure,
}

/// The figures of one province.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProvinceRow {
    /// The province, as the first organisation registered there wrote it.
    pub province: String,
    /// Its cooperatives.
    pub cooperatives: Figure,
    /// Its collective organisations.
    pub collective: Figure,
}

/// The figures of one calendar month (the whole month, whatever part of it
/// the period covers).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MonthRow {
    /// `YYYY-MM`.
    pub month: String,
    /// Cooperatives.
    pub cooperatives: Figure,
    /// Collective organisations.
    pub collective: Figure,
}

/// Members whose produce reached a business.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberFigure {
    /// Members of the organisations counted, registered in the period.
    pub registered: u64,
    /// Those whose produce a business accepted in the period.
    pub reached: u64,
    /// `reached / registered`.
    pub share: f64,
}

/// Volume businesses accepted, for one category and unit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Volume {
    /// The category.
    pub category: Category,
    /// The unit (volumes in different units are never added up).
    pub unit: Unit,
    /// The total, exact, as a decimal string.
    pub amount: Total,
    /// How many deliveries.
    pub deliveries: u64,
}

/// The report spec §8 `GET /api/v1/linkage` answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinkageReport {
    /// First day.
    pub from: Day,
    /// Last day.
    pub to: Day,
    /// The province filter, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province: Option<String>,
    /// The category filter, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
    /// Cooperatives.
    pub cooperatives: Figure,
    /// Cooperatives, cooperative groups and unions.
    pub collective: Figure,
    /// By product category (those with any organisation registered).
    pub by_category: Vec<CategoryRow>,
    /// By province, in name order.
    pub by_province: Vec<ProvinceRow>,
    /// By calendar month, from the month of `from` to that of `to`.
    pub by_month: Vec<MonthRow>,
    /// Members whose produce reached a business.
    pub members_reaching_business: MemberFigure,
    /// Volume delivered to businesses, by category and unit.
    pub volume_to_business: Vec<Volume>,
    /// The targets compared with.
    pub targets: Targets,
}

/// The linkage index: every organisation and member with what the figures
/// need, folded from [`LinkFact`]s in log order.
#[derive(Clone, Debug, Default)]
pub struct LinkageIndex {
    by_id: HashMap<ActorId, usize>,
    orgs: Vec<Org>,
    member_ids: HashMap<ActorId, usize>,
    members: Vec<Member>,
    /// Province names as first written, and their lower-case keys.
    provinces: Vec<(String, String)>,
    province_ids: HashMap<String, usize>,
}

/// Inserts keeping `v` sorted by `key` (facts arrive in log order, and a
/// statement's `at` need not grow with it).
fn insert_sorted<T, K: Ord>(v: &mut Vec<T>, item: T, key: impl Fn(&T) -> K) {
    let k = key(&item);
    let at = v.partition_point(|x| key(x) <= k);
    v.insert(at, item);
}

impl LinkageIndex {
    /// Folds one fact in.
    pub fn apply(&mut self, fact: &LinkFact) {
        match fact {
            LinkFact::Org {
                id,
                role,
                province,
                day,
            } => {
                if self.by_id.contains_key(id) {
                    return;
                }
                let key = province.trim().to_lowercase();
                let next = self.provinces.len();
                let province_ix = *self.province_ids.entry(key.clone()).or_insert(next);
                if province_ix == next {
                    self.provinces.push((province.trim().to_owned(), key));
                }
                self.by_id.insert(id.clone(), self.orgs.len());
                self.orgs.push(Org {
                    role: *role,
                    province: province_ix,
                    registered: *day,
                    revoked: None,
                    active: [None; Category::ALL.len()],
                    contracts: Vec::new(),
                    deliveries: Vec::new(),
                    members: Vec::new(),
                });
            }
            LinkFact::Member {
                id,
                cooperative,
                day,
            } => {
                if self.member_ids.contains_key(id) {
                    return;
                }
                let ix = self.members.len();
                self.member_ids.insert(id.clone(), ix);
                self.members.push(Member {
                    registered: *day,
                    revoked: None,
                    reach: Vec::new(),
                });
                if let Some(org) = self.org_mut(cooperative) {
                    org.members.push(ix);
                }
            }
            LinkFact::Revoked { id, day } => {
                if let Some(org) = self.org_mut(id) {
                    org.revoked.get_or_insert(*day);
                } else if let Some(m) = self.member_mut(id) {
                    m.revoked.get_or_insert(*day);
                }
            }
            LinkFact::Active { org, category, day } => {
                if let Some(o) = self.org_mut(org) {
                    o.mark_active(*category, *day);
                }
            }
            LinkFact::Contract {
                org,
                category,
                from,
                to,
                day,
            } => {
                if let Some(o) = self.org_mut(org) {
                    o.mark_active(*category, *day);
                    o.contracts.push(ContractLink {
                        category: *category,
                        from: *from,
                        to: *to,
                        accepted: *day,
                    });
                }
            }
            LinkFact::Delivery {
                org,
                direct,
                category,
                quantity,
                day,
                members,
            } => {
                if let Some(o) = self.org_mut(org) {
                    let d = DeliveryLink {
                        day: *day,
                        category: *category,
                        quantity: *quantity,
                        direct: *direct,
                    };
                    insert_sorted(&mut o.deliveries, d, |d| d.day);
                }
                for id in members {
                    if let Some(m) = self.member_mut(id) {
                        insert_sorted(&mut m.reach, (*day, *category), |r| r.0);
                    }
                }
            }
        }
    }

    fn member_mut(&mut self, id: &ActorId) -> Option<&mut Member> {
        let i = *self.member_ids.get(id)?;
        self.members.get_mut(i)
    }

    fn org_mut(&mut self, id: &ActorId) -> Option<&mut Org> {
        let i = *self.by_id.get(id)?;
        self.orgs.get_mut(i)
    }

    /// How many organisations the index holds.
    pub fn organisations(&self) -> usize {
        self.orgs.len()
    }

    /// The figures for `q`, against `targets`.
    pub fn report(&self, q: &Query, targets: &Targets) -> LinkageReport {
        // The province filter as an index; a province no organisation is
        // in matches nothing.
        let province = q
            .province
            .as_ref()
            .map(|p| self.province_ids.get(&p.to_lowercase()).copied());
        let (from, to) = (q.from, q.to);
        let mut all = Pair::default();
        let mut categories = [Pair::default(); Category::ALL.len()];
        let mut provinces = vec![Pair::default(); self.provinces.len()];
        let mut members = (0u64, 0u64);
        let mut volumes: BTreeMap<(Category, Unit), (Total, u64)> = BTreeMap::new();
        for org in &self.orgs {
            if province.is_some_and(|p| p != Some(org.province)) {
                continue;
            }
            let Some(st) = org.standings(from, to) else {
                continue;
            };
            for (i, c) in Category::ALL.iter().enumerate() {
                if q.category.is_none_or(|k| k == *c)
                    && let Some(s) = st.by[i]
                {
                    categories[i].count(org.role, s);
                }
            }
            let Some(s) = st.under(q.category) else {
                continue;
            };
            all.count(org.role, s);
            provinces[org.province].count(org.role, s);
            for m in org.members.iter().filter_map(|i| self.members.get(*i)) {
                if m.registered_by(to) {
                    members.0 += 1;
                    members.1 += u64::from(m.reached(from, to, q.category));
                }
            }
            for d in org.in_period(from, to) {
                if q.category.is_none_or(|k| k == d.category) {
                    let v = volumes.entry((d.category, d.quantity.unit)).or_default();
                    v.0.add(d.quantity.amount);
                    v.1 += 1;
                }
            }
        }
        let mut by_province: Vec<(&(String, String), Pair)> = self
            .provinces
            .iter()
            .zip(provinces)
            .filter(|(_, p)| p.collective.registered > 0)
            .collect();
        by_province.sort_by(|a, b| a.0.1.cmp(&b.0.1));
        let (cooperatives, collective) = all.figures(targets);
        LinkageReport {
            from,
            to,
            province: q.province.clone(),
            category: q.category,
            cooperatives,
            collective,
            by_category: Category::ALL
                .iter()
                .zip(categories)
                .filter(|(_, p)| p.collective.registered > 0)
                .map(|(c, p)| {
                    let (cooperatives, collective) = p.figures(targets);
                    CategoryRow {
                        category: *c,
                        cooperatives,
                        collective,
                    }
                })
                .collect(),
            by_province: by_province
                .into_iter()
                .map(|((name, _), p)| {
                    let (cooperatives, collective) = p.figures(targets);
                    ProvinceRow {
                        province: name.clone(),
                        cooperatives,
                        collective,
                    }
                })
                .collect(),
            by_month: self.months(q, province),
            members_reaching_business: MemberFigure {
                registered: members.0,
                reached: members.1,
                share: share(members.1, members.0),
            },
            volume_to_business: volumes
                .into_iter()
                .map(|((category, unit), (amount, deliveries))| Volume {
                    category,
                    unit,
                    amount,
                    deliveries,
                })
                .collect(),
            targets: targets.clone(),
        }
    }

    /// The month series: for each calendar month the period touches, the
    /// same figures as a report for that whole month. One pass over the
    /// organisations, marking the months each one counts and is linked in.
    fn months(&self, q: &Query, province: Option<Option<usize>>) -> Vec<MonthRow> {
        let first = month_index(q.from);
        let n = usize::try_from(month_index(q.to) - first + 1).unwrap_or(0);
        let mut series = MonthSeries::new(n);
        for (i, org) in self.orgs.iter().enumerate() {
            if province.is_none_or(|p| p == Some(org.province)) {
                series.add(i, org, first, q.category);
            }
        }
        series.rows(first)
    }
}

impl Org {
    fn mark_active(&mut self, c: Category, day: Day) {
        let slot = &mut self.active[slot(c)];
        *slot = Some(slot.map_or(day, |d| d.min(day)));
    }
}

/// Month-by-month counts under construction.
struct MonthSeries {
    /// Per month, the last organisation marked linked / by contract / by
    /// shipment (index + 1), so each counts once per month.
    stamps: Vec<[usize; 3]>,
    /// Registered: +1 where an organisation starts counting, -1 where it
    /// stops, per group (cooperatives, collective).
    starts: Vec<[i64; 2]>,
    /// Linked, by contract, by shipment; per group.
    linked: Vec<[[u64; 3]; 2]>,
}

impl MonthSeries {
    fn new(n: usize) -> Self {
        Self {
            stamps: vec![[0; 3]; n],
            starts: vec![[0; 2]; n + 1],
            linked: vec![[[0; 3]; 2]; n],
        }
    }

    fn add(&mut self, i: usize, org: &Org, first: i32, category: Option<Category>) {
        let n = self.linked.len() as i32;
        let Some(start) = org.counts_from(category) else {
            return;
        };
        // Counts in months [lo, hi): from the month it starts counting to
        // the month it was revoked in (not counted at that month's end).
        let lo = (month_index(start) - first).max(0);
        let hi = org.revoked.map_or(n, |r| (month_index(r) - first).min(n));
        if lo >= hi {
            return;
        }
        let groups: &[usize] = if org.role == Role::Cooperative {
            &[0, 1]
        } else {
            &[1]
        };
        for g in groups {
            self.starts[lo as usize][*g] += 1;
            self.starts[hi as usize][*g] -= 1;
        }
        let wanted = |c: Category| category.is_none_or(|k| k == c);
        let mark = |m: i32, route: usize, this: &mut Self| {
            let m = m as usize;
            for r in [0, route] {
                if this.stamps[m][r] != i + 1 {
                    this.stamps[m][r] = i + 1;
                    for g in groups {
                        this.linked[m][*g][r] += 1;
                    }
                }
            }
        };
        for c in org.contracts.iter().filter(|c| wanted(c.category)) {
            let a = (month_index(c.from).max(month_index(c.accepted)) - first).max(lo);
            let b = (month_index(c.to) - first).min(hi - 1);
            for m in a..=b {
                mark(m, 1, self);
            }
        }
        for d in org
            .deliveries
            .iter()
            .filter(|d| d.direct && wanted(d.category))
        {
            let m = month_index(d.day) - first;
            if (lo..hi).contains(&m) {
                mark(m, 2, self);
            }
        }
    }

    fn rows(&self, first: i32) -> Vec<MonthRow> {
        let mut registered = [0i64; 2];
        self.linked
            .iter()
            .enumerate()
            .map(|(m, l)| {
                for (total, start) in registered.iter_mut().zip(self.starts[m]) {
                    *total += start;
                }
                let tally = |g: usize| Tally {
                    registered: u64::try_from(registered[g]).unwrap_or(0),
                    linked: l[g][0],
                    by_contract: l[g][1],
                    by_shipment: l[g][2],
                };
                MonthRow {
                    month: month_label(first + m as i32),
                    cooperatives: Figure::plain(tally(0)),
                    collective: Figure::plain(tally(1)),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Day {
        Day::parse(s).expect("test date")
    }

    fn id(s: &str) -> ActorId {
        s.parse().expect("test id")
    }

    fn org(i: &mut LinkageIndex, name: &str, role: Role, reg: &str) {
        i.apply(&LinkFact::Org {
            id: id(name),
            role,
            province: "Sóc Trăng".into(),
            day: day(reg),
        });
    }

    #[test]
    fn targets_parse_as_fractions_or_percentages() {
        assert_eq!(
            Target::parse("2030=60%"),
            Some(Target {
                year: 2030,
                share: 0.6
            })
        );
        assert_eq!(Target::parse("2045=0.85").map(|t| t.share), Some(0.85));
        assert_eq!(Target::parse("2045=1.5"), None);
        assert_eq!(Target::parse("2045"), None);
        assert_eq!(Target::parse("year=0.5"), None);
    }

    #[test]
    fn a_contract_accepted_after_the_period_does_not_link_it() {
        let mut i = LinkageIndex::default();
        org(&mut i, "htx-a", Role::Cooperative, "2025-01-01");
        i.apply(&LinkFact::Contract {
            org: id("htx-a"),
            category: Category::Rice,
            from: day("2026-01-01"),
            to: day("2026-12-31"),
            day: day("2026-03-05"),
        });
        let q = |f: &str, t: &str| Query::new(day(f), day(t), None, None).expect("query");
        let feb = i.report(&q("2026-02-01", "2026-02-28"), &Targets::default());
        assert_eq!(
            (feb.cooperatives.registered, feb.cooperatives.linked),
            (1, 0)
        );
        let mar = i.report(&q("2026-03-01", "2026-03-31"), &Targets::default());
        assert_eq!(
            (mar.cooperatives.registered, mar.cooperatives.linked),
            (1, 1)
        );
        assert_eq!(mar.cooperatives.by_contract, 1);
    }

    #[test]
    fn three_of_five_is_sixty_percent_and_meets_the_2030_target_exactly() {
        let f = Figure::new(
            Tally {
                registered: 5,
                linked: 3,
                by_contract: 2,
                by_shipment: 1,
            },
            &Targets::default().cooperatives,
        );
        assert_eq!(f.share, 0.6);
        assert!(f.progress[0].met);
        assert_eq!((f.progress[0].gap, f.progress[0].needed), (0.0, 0));
        assert!(!f.progress[1].met);
        assert_eq!((f.progress[1].gap, f.progress[1].needed), (0.25, 2));
    }

    #[test]
    fn a_revoked_organisation_stops_counting_from_its_revocation() {
        let mut i = LinkageIndex::default();
        org(&mut i, "htx-a", Role::Cooperative, "2025-01-01");
        org(&mut i, "thl-b", Role::Union, "2025-01-01");
        i.apply(&LinkFact::Revoked {
            id: id("htx-a"),
            day: day("2026-06-10"),
        });
        let q = Query::new(day("2026-01-01"), day("2026-12-31"), None, None).expect("query");
        let r = i.report(&q, &Targets::default());
        assert_eq!(r.cooperatives.registered, 0);
        assert_eq!(r.collective.registered, 1);
        let counts: Vec<u64> = r
            .by_month
            .iter()
            .map(|m| m.cooperatives.registered)
            .collect();
        assert_eq!(counts, [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn periods_are_checked() {
        assert!(Query::new(day("2026-02-01"), day("2026-01-01"), None, None).is_err());
        assert!(Query::new(day("2000-01-01"), day("2035-12-31"), None, None).is_err());
        assert!(Query::new(day("2000-01-01"), day("2029-12-31"), None, None).is_ok());
    }
}
