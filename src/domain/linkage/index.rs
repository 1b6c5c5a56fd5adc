//! The linkage index ([`LinkageIndex`]): every organisation and member with
//! what the figures need (registration, revocation, first activity per
//! category, contracts, deliveries, members' produce reaching a business,
//! the days it signed a statement),
//! folded from [`LinkFact`]s in log order into one compact record per
//! organisation, so that a report is a pass over organisations, never a
//! scan of the log.

use super::province::{ProvinceKey, ProvinceName};
use super::{LinkFact, slot};
use crate::domain::ids::ActorId;
use crate::domain::product::Category;
use crate::domain::quantity::Quantity;
use crate::domain::statement::Role;
use crate::domain::time::Day;
use std::collections::HashMap;

#[derive(Clone, Debug)]
pub(super) struct ContractLink {
    pub(super) category: Category,
    pub(super) from: Day,
    pub(super) to: Day,
    pub(super) accepted: Day,
}

#[derive(Clone, Debug)]
pub(super) struct DeliveryLink {
    pub(super) day: Day,
    pub(super) category: Category,
    pub(super) quantity: Quantity,
    pub(super) net: Option<Quantity>,
    pub(super) direct: bool,
}

#[derive(Clone, Debug)]
pub(super) struct Org {
    pub(super) role: Role,
    /// Index into [`LinkageIndex::provinces`].
    pub(super) province: usize,
    pub(super) registered: Day,
    pub(super) revoked: Option<Day>,
    /// First day active, per category slot.
    pub(super) active: [Option<Day>; Category::ALL.len()],
    pub(super) contracts: Vec<ContractLink>,
    /// Sorted by day.
    pub(super) deliveries: Vec<DeliveryLink>,
    /// Indexes into [`LinkageIndex::members`].
    pub(super) members: Vec<usize>,
    /// The days it signed a statement with its own key, sorted, each once.
    pub(super) signed: Vec<Day>,
}

#[derive(Clone, Debug)]
pub(super) struct Member {
    pub(super) registered: Day,
    pub(super) revoked: Option<Day>,
    /// Sorted by day.
    pub(super) reach: Vec<(Day, Category)>,
}

/// How an organisation stands in a period.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Standing {
    pub(super) contract: bool,
    pub(super) shipment: bool,
}

impl Org {
    /// The first day the organisation counts in `category` (or at all).
    pub(super) fn counts_from(&self, category: Option<Category>) -> Option<Day> {
        match category {
            None => Some(self.registered),
            Some(c) => self.active[slot(c)].map(|a| a.max(self.registered)),
        }
    }

    /// How the organisation stands in the period, overall and in each
    /// category it counts in; `None` when it is not registered. One pass
    /// over its contracts and its deliveries in the period.
    pub(super) fn standings(&self, from: Day, to: Day) -> Option<Standings> {
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

    /// True when it signed a statement in `from..=to`.
    pub(super) fn signed_in(&self, from: Day, to: Day) -> bool {
        let first = self.signed.partition_point(|d| *d < from);
        self.signed.get(first).is_some_and(|d| *d <= to)
    }

    /// Its deliveries in `from..=to`.
    pub(super) fn in_period(&self, from: Day, to: Day) -> impl Iterator<Item = &DeliveryLink> {
        let first = self.deliveries.partition_point(|d| d.day < from);
        self.deliveries[first..]
            .iter()
            .take_while(move |d| d.day <= to)
    }
}

/// An organisation's standing in a period: overall, and in each category
/// (`None` where it does not count: not active in it by the period's end).
pub(super) struct Standings {
    pub(super) any: Standing,
    pub(super) by: [Option<Standing>; Category::ALL.len()],
}

impl Standings {
    /// Its standing under the category filter, if it counts under it.
    pub(super) fn under(&self, category: Option<Category>) -> Option<Standing> {
        match category {
            None => Some(self.any),
            Some(c) => self.by[slot(c)],
        }
    }
}

impl Member {
    pub(super) fn registered_by(&self, to: Day) -> bool {
        self.registered <= to && self.revoked.is_none_or(|r| r > to)
    }

    pub(super) fn reached(&self, from: Day, to: Day, category: Option<Category>) -> bool {
        let first = self.reach.partition_point(|(d, _)| *d < from);
        self.reach[first..]
            .iter()
            .take_while(|(d, _)| *d <= to)
            .any(|(_, c)| category.is_none_or(|k| k == *c))
    }
}

/// The linkage index: every organisation and member with what the figures
/// need, folded from [`LinkFact`]s in log order.
#[derive(Clone, Debug, Default)]
pub struct LinkageIndex {
    pub(super) by_id: HashMap<ActorId, usize>,
    pub(super) orgs: Vec<Org>,
    pub(super) member_ids: HashMap<ActorId, usize>,
    pub(super) members: Vec<Member>,
    /// The provinces organisations are in, one per row of the figures by
    /// province ([`ProvinceName::read`]; a text row named as first written).
    pub(super) provinces: Vec<ProvinceName>,
    pub(super) province_ids: HashMap<ProvinceKey, usize>,
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
                let read = ProvinceName::read(province);
                let next = self.provinces.len();
                let province_ix = *self.province_ids.entry(read.key.clone()).or_insert(next);
                if province_ix == next {
                    self.provinces.push(read);
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
                    signed: Vec::new(),
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
            LinkFact::Signed { org, day } => {
                if let Some(o) = self.org_mut(org) {
                    let at = o.signed.partition_point(|d| d < day);
                    if o.signed.get(at) != Some(day) {
                        o.signed.insert(at, *day);
                    }
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
                net,
                day,
                members,
            } => {
                if let Some(o) = self.org_mut(org) {
                    let d = DeliveryLink {
                        day: *day,
                        category: *category,
                        quantity: *quantity,
                        net: *net,
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

    pub(super) fn member_mut(&mut self, id: &ActorId) -> Option<&mut Member> {
        let i = *self.member_ids.get(id)?;
        self.members.get_mut(i)
    }

    pub(super) fn org_mut(&mut self, id: &ActorId) -> Option<&mut Org> {
        let i = *self.by_id.get(id)?;
        self.orgs.get_mut(i)
    }

    /// How many organisations the index holds.
    pub fn organisations(&self) -> usize {
        self.orgs.len()
    }
}

impl Org {
    pub(super) fn mark_active(&mut self, c: Category, day: Day) {
        let slot = &mut self.active[slot(c)];
        *slot = Some(slot.map_or(day, |d| d.min(day)));
    }
}
