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
//! - an organisation *applied digital transformation* when it signed at
//!   least one statement with its own key in the period ([`digital`]);
//! - the volume delivered to businesses is what businesses accepted in the
//!   period from an organisation or from its members, by category, in the
//!   category's unit ([`volume`]).
//!
//! The module is split by job: this file holds the facts ([`LinkFact`]),
//! the limits and the calendar helpers; [`targets`] the plans' targets,
//! [`digital`] the digital transformation figure,
//! [`query`] a report's period and filters, [`province`] which row of the
//! figures by province a province belongs to (one per GSO code of the 2025
//! map), [`index`] the per-organisation index the facts fold into,
//! [`report`] the figures worked out from it, [`volume`] the volumes in
//! each category's unit, and [`rolling`] the
//! twelve-month series the dashboard's month chart draws.

pub mod digital;
pub mod index;
pub mod province;
pub mod query;
pub mod report;
pub mod rolling;
pub mod targets;
#[cfg(test)]
mod test_support;
pub mod volume;

pub use digital::{Digital, DigitalFigure, DigitalProgress, DigitalTarget};
pub use index::LinkageIndex;
pub use province::{ProvinceKey, ProvinceName};
pub use query::Query;
pub use report::{
    CategoryRow, Figure, LinkageReport, MemberFigure, MonthRow, Progress, ProvinceRow,
};
pub use rolling::TwelveMonths;
pub use targets::{Target, Targets};
pub use volume::Volume;

use crate::domain::ids::ActorId;
use crate::domain::product::Category;
use crate::domain::quantity::Quantity;
use crate::domain::statement::Role;
use crate::domain::time::Day;
use serde::{Deserialize, Serialize};

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
    /// An organisation signed a statement with its own key (any type): the
    /// digital transformation figure (spec §9.7).
    Signed {
        /// The organisation.
        org: ActorId,
        /// The statement's date.
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
        /// The net content of one piece or box of it, if its product gives
        /// one (spec §6.6); the volumes convert packs with it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        net: Option<Quantity>,
        /// The receipt's date.
        day: Day,
        /// The member households whose produce the batch holds.
        members: Vec<ActorId>,
    },
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
