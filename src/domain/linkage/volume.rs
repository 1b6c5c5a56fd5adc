//! The volume delivered to businesses (spec §9.4), in the unit of each
//! category: rice, fruit, vegetable, seafood and livestock in tonnes
//! (kilograms divided by 1000, pieces and boxes times their net content
//! per pack), litres as litres; `ocop` and `other` in the unit of their
//! deliveries. What cannot be converted (pieces or boxes without a net
//! content) stays in its own unit, marked [`Volume::unconverted`]. Sums
//! are exact ([`Total`]); units are never added together.

use super::index::DeliveryLink;
use crate::domain::product::Category;
use crate::domain::quantity::{Total, Unit};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Volume businesses accepted, for one category and unit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Volume {
    /// The category.
    pub category: Category,
    /// The unit (volumes in different units are never added up).
    pub unit: Unit,
    /// The total, exact, as a decimal string (up to nine decimals).
    pub amount: Total,
    /// How many deliveries.
    pub deliveries: u64,
    /// True for pieces or boxes of a category measured in tonnes that give
    /// no net content per pack, so they cannot be converted.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unconverted: bool,
}

/// True for the categories whose volume is in tonnes (spec §9.4); `ocop`
/// and `other` keep the unit of their deliveries.
pub fn in_tonnes(c: Category) -> bool {
    !matches!(c, Category::Ocop | Category::Other)
}

/// Volumes under construction, by category and unit.
#[derive(Default)]
pub(super) struct Volumes(BTreeMap<(Category, Unit, bool), (Total, u64)>);

impl Volumes {
    /// Adds one delivery in the unit of its category.
    pub(super) fn add(&mut self, d: &DeliveryLink) {
        let q = d.quantity;
        let (unit, amount, unconverted) = match in_tonnes(d.category) {
            true => match q.measured(d.net.as_ref()) {
                Some((unit, amount)) => (unit, amount, false),
                None => (q.unit, Total::of(q.amount), true),
            },
            false => (q.unit, Total::of(q.amount), false),
        };
        let v = self.0.entry((d.category, unit, unconverted)).or_default();
        v.0.add_total(amount);
        v.1 += 1;
    }

    /// The rows, by category, then unit.
    pub(super) fn rows(self) -> Vec<Volume> {
        self.0
            .into_iter()
            .map(
                |((category, unit, unconverted), (amount, deliveries))| Volume {
                    category,
                    unit,
                    amount,
                    deliveries,
                    unconverted,
                },
            )
            .collect()
    }
}
