//! The linkage report ([`LinkageReport`]) worked out from the index for a
//! [`Query`]: the [`Figure`]s for cooperatives and for all
//! collective organisations, [`Progress`] against each target, rows by
//! category, province and month, members reaching a business and the
//! volume delivered to businesses.

use super::digital::{Digital, DigitalFigure};
use super::index::{LinkageIndex, Org, Standing};
use super::province::ProvinceName;
use super::volume::{Volume, Volumes};
use super::{Query, Target, Targets, month_index, month_label};
use crate::domain::product::Category;
use crate::domain::statement::Role;
use crate::domain::time::Day;
use serde::{Deserialize, Serialize};

/// Counts for one figure, before the shares are worked out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Tally {
    registered: u64,
    linked: u64,
    by_contract: u64,
    by_shipment: u64,
    /// Signed a statement in the period (spec §9.7).
    signed: u64,
}

impl Tally {
    fn count(&mut self, s: Standing, signed: bool) {
        self.registered += 1;
        self.signed += u64::from(signed);
        self.linked += u64::from(s.contract || s.shipment);
        self.by_contract += u64::from(s.contract);
        self.by_shipment += u64::from(s.shipment);
    }
}

/// Cooperatives and all collective organisations, counted together.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Pair {
    cooperatives: Tally,
    collective: Tally,
}

impl Pair {
    pub(super) fn count(&mut self, role: Role, s: Standing, signed: bool) {
        self.collective.count(s, signed);
        if role == Role::Cooperative {
            self.cooperatives.count(s, signed);
        }
    }

    fn digital(&self, targets: &Targets) -> Digital {
        let f = |t: &Tally| DigitalFigure::new(t.registered, t.signed, &targets.digital);
        Digital {
            cooperatives: f(&self.cooperatives),
            collective: f(&self.collective),
        }
    }

    pub(super) fn figures(&self, targets: &Targets) -> (Figure, Figure) {
        (
            Figure::new(self.cooperatives, &targets.cooperatives),
            Figure::new(self.collective, &targets.collective),
        )
    }
}

/// A share as a report shows it: exact for small counts, rounded to six
/// decimals so that 3 of 5 reads `0.6`.
pub(super) fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    round6(part as f64 / whole as f64)
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// `(gap, needed, met)` of `part` of `whole` (share `now`) against the
/// share `target`: the smallest count whose share reaches it, in integers
/// so that 60% of 5 needs exactly 3.
pub(super) fn reach(whole: u64, part: u64, now: f64, target: f64) -> (f64, u64, bool) {
    let per_million = (target * 1e6).round() as u64;
    let required = (whole * per_million).div_ceil(1_000_000);
    let met = part >= required;
    let gap = if met {
        0.0
    } else {
        round6((target - now).max(0.0))
    };
    (gap, required.saturating_sub(part), met)
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
                let (gap, needed, met) = reach(t.registered, t.linked, share_now, g.share);
                Progress {
                    year: g.year,
                    target: g.share,
                    gap,
                    needed,
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
    /// Those of them that signed in the period (spec §9.7).
    #[serde(default)]
    pub digital: Digital,
}

/// The figures of one province.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProvinceRow {
    /// The province's name on the 2025 map (spec §9.3); for format-1 text
    /// that names no 2025 province, the text as the first organisation
    /// registered there wrote it.
    pub province: String,
    /// Its cooperatives.
    pub cooperatives: Figure,
    /// Its collective organisations.
    pub collective: Figure,
    /// Those of them that signed in the period (spec §9.7).
    #[serde(default)]
    pub digital: Digital,
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

/// The report spec §8 `GET /api/v1/linkage` answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinkageReport {
    /// First day.
    pub from: Day,
    /// Last day.
    pub to: Day,
    /// The province filter, if any: the 2025 map's name of the province
    /// it names (by code or by name), else its text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province: Option<String>,
    /// The category filter, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
    /// Cooperatives.
    pub cooperatives: Figure,
    /// Cooperatives, cooperative groups and unions.
    pub collective: Figure,
    /// Digital transformation: those that signed in the period (spec
    /// §9.7).
    #[serde(default)]
    pub digital: Digital,
    /// By product category (those with any organisation registered).
    pub by_category: Vec<CategoryRow>,
    /// By province, one row per province, in name order.
    pub by_province: Vec<ProvinceRow>,
    /// By calendar month, from the month of `from` to that of `to`.
    pub by_month: Vec<MonthRow>,
    /// For each month of `by_month`, the twelve months that end with it
    /// (spec §9.3): the series the dashboard draws.
    #[serde(default)]
    pub twelve_months: Vec<super::TwelveMonths>,
    /// Members whose produce reached a business.
    pub members_reaching_business: MemberFigure,
    /// Volume delivered to businesses, by category in its unit (spec §9.4).
    pub volume_to_business: Vec<Volume>,
    /// The targets compared with.
    pub targets: Targets,
}

impl LinkageIndex {
    /// The figures for `q`, against `targets`.
    pub fn report(&self, q: &Query, targets: &Targets) -> LinkageReport {
        // The province filter, read as the organisations' provinces are (a
        // code or a name), as an index; a province no organisation is in
        // matches nothing.
        let filter = q.province.as_deref().map(ProvinceName::read);
        let province = filter
            .as_ref()
            .map(|p| self.province_ids.get(&p.key).copied());
        let (from, to) = (q.from, q.to);
        let mut all = Pair::default();
        let mut categories = [Pair::default(); Category::ALL.len()];
        let mut provinces = vec![Pair::default(); self.provinces.len()];
        let mut members = (0u64, 0u64);
        let mut volumes = Volumes::default();
        for org in &self.orgs {
            if province.is_some_and(|p| p != Some(org.province)) {
                continue;
            }
            let Some(st) = org.standings(from, to) else {
                continue;
            };
            let signed = org.signed_in(from, to);
            for (i, c) in Category::ALL.iter().enumerate() {
                if q.category.is_none_or(|k| k == *c)
                    && let Some(s) = st.by[i]
                {
                    categories[i].count(org.role, s, signed);
                }
            }
            let Some(s) = st.under(q.category) else {
                continue;
            };
            all.count(org.role, s, signed);
            provinces[org.province].count(org.role, s, signed);
            for m in org.members.iter().filter_map(|i| self.members.get(*i)) {
                if m.registered_by(to) {
                    members.0 += 1;
                    members.1 += u64::from(m.reached(from, to, q.category));
                }
            }
            for d in org.in_period(from, to) {
                if q.category.is_none_or(|k| k == d.category) {
                    volumes.add(d);
                }
            }
        }
        let mut by_province: Vec<(&ProvinceName, Pair)> = self
            .provinces
            .iter()
            .zip(provinces)
            .filter(|(_, p)| p.collective.registered > 0)
            .collect();
        by_province.sort_by(|a, b| (&a.0.order, &a.0.name).cmp(&(&b.0.order, &b.0.name)));
        let (cooperatives, collective) = all.figures(targets);
        LinkageReport {
            from,
            to,
            province: filter.map(|p| p.name),
            category: q.category,
            cooperatives,
            collective,
            digital: all.digital(targets),
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
                        digital: p.digital(targets),
                    }
                })
                .collect(),
            by_province: by_province
                .into_iter()
                .map(|(name, p)| {
                    let (cooperatives, collective) = p.figures(targets);
                    ProvinceRow {
                        province: name.name.clone(),
                        cooperatives,
                        collective,
                        digital: p.digital(targets),
                    }
                })
                .collect(),
            by_month: self.months(q, province),
            twelve_months: self.twelve_months(q, province),
            members_reaching_business: MemberFigure {
                registered: members.0,
                reached: members.1,
                share: share(members.1, members.0),
            },
            volume_to_business: volumes.rows(),
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
                    signed: 0,
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
    use crate::domain::linkage::LinkFact;
    use crate::domain::linkage::test_support::{day, id};

    fn org(i: &mut LinkageIndex, name: &str, role: Role, reg: &str) {
        i.apply(&LinkFact::Org {
            id: id(name),
            role,
            province: "Sóc Trăng".into(),
            day: day(reg),
        });
    }

    /// Issue 13: a format-1 province spelled as a 2025 province's name, in
    /// either form, joins the row of that province's code (a format-2
    /// region); an old name stays a row of its own; the filter takes a code
    /// or a name.
    #[test]
    fn provinces_are_one_row_per_code_named_by_the_map() {
        let map = crate::domain::places::places().expect("places");
        let can_tho = map
            .provinces()
            .iter()
            .find(|p| p.short_name() == "Cần Thơ")
            .expect("Cần Thơ");
        let mut i = LinkageIndex::default();
        let code = can_tho.code.to_string();
        for (n, province) in ["Cần Thơ", "Thành phố Cần Thơ", code.as_str(), "Sóc Trăng"]
            .into_iter()
            .enumerate()
        {
            i.apply(&LinkFact::Org {
                id: id(&format!("htx-{n}")),
                role: Role::Cooperative,
                province: province.into(),
                day: day("2025-01-01"),
            });
        }
        let q = |p: Option<&str>| {
            Query::new(
                day("2026-01-01"),
                day("2026-12-31"),
                p.map(Into::into),
                None,
            )
            .expect("query")
        };
        let r = i.report(&q(None), &Targets::default());
        let rows: Vec<(&str, u64)> = r
            .by_province
            .iter()
            .map(|p| (p.province.as_str(), p.cooperatives.registered))
            .collect();
        assert_eq!(rows, [("Thành phố Cần Thơ", 3), ("Sóc Trăng", 1)]);
        for filter in [code.as_str(), "can tho", "Thành phố Cần Thơ"] {
            let r = i.report(&q(Some(filter)), &Targets::default());
            assert_eq!(r.cooperatives.registered, 3, "{filter}");
            assert_eq!(r.province.as_deref(), Some("Thành phố Cần Thơ"));
        }
        let r = i.report(&q(Some("sóc trăng")), &Targets::default());
        assert_eq!(r.cooperatives.registered, 1);
        assert_eq!(r.province.as_deref(), Some("sóc trăng"));
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
                signed: 0,
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
}
