//! The twelve-month series of a linkage report ([`TwelveMonths`], spec
//! §9.3, issue 15): for each calendar month the period touches, the
//! figures of the twelve calendar months that end with it, so the line
//! moves as the share linked over a year moves, not with each month's own
//! events. The last month ends on the period's last day and is marked
//! `partial` when that is before the month's end; a month in which no
//! organisation is registered has no share (the page draws a gap, never
//! 0%).

use super::index::LinkageIndex;
use super::report::{Figure, Pair};
use super::{Query, month_index, month_label};
use crate::domain::product::Category;
use crate::domain::time::Day;
use serde::{Deserialize, Serialize};

/// How many calendar months one point of the series covers.
pub const WINDOW_MONTHS: i32 = 12;

/// One point of the twelve-month series.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TwelveMonths {
    /// The month the window ends with, `YYYY-MM`.
    pub month: String,
    /// The window's first day: the first day of the month eleven months
    /// before `month`.
    pub from: Day,
    /// The window's last day: the month's last day, or the period's last
    /// day when that is earlier.
    pub to: Day,
    /// True when `to` is before the month's last day.
    pub partial: bool,
    /// Cooperatives registered on `to`, and those linked in the window.
    pub cooperatives: Figure,
    /// The same for all collective organisations.
    pub collective: Figure,
}

impl TwelveMonths {
    /// True when no organisation is registered at the window's end: the
    /// month has no share to draw.
    pub fn is_empty(&self) -> bool {
        self.collective.registered == 0
    }
}

/// The first day of month index `m` (months since year 0).
fn first_day(m: i32) -> Option<Day> {
    let month = time::Month::try_from(u8::try_from(m.rem_euclid(12) + 1).ok()?).ok()?;
    time::Date::from_calendar_date(m.div_euclid(12), month, 1)
        .ok()
        .map(Day::from)
}

/// The last day of month index `m`.
fn last_day(m: i32) -> Option<Day> {
    let next = first_day(m + 1)?;
    next.date().previous_day().map(Day::from)
}

impl LinkageIndex {
    /// The cooperatives and collective organisations registered on `to`
    /// and linked in `from..=to`, in the province (an index, or `Some(None)`
    /// for a province no organisation is in) and category.
    pub(super) fn pair(
        &self,
        from: Day,
        to: Day,
        province: Option<Option<usize>>,
        category: Option<Category>,
    ) -> Pair {
        let mut all = Pair::default();
        for org in &self.orgs {
            if province.is_some_and(|p| p != Some(org.province)) {
                continue;
            }
            if let Some(s) = org.standings(from, to).and_then(|st| st.under(category)) {
                all.count(org.role, s, false);
            }
        }
        all
    }

    /// The twelve-month series of `q`: one point per calendar month from
    /// the month of `q.from` to that of `q.to`.
    pub(super) fn twelve_months(
        &self,
        q: &Query,
        province: Option<Option<usize>>,
    ) -> Vec<TwelveMonths> {
        (month_index(q.from)..=month_index(q.to))
            .filter_map(|m| {
                let from = first_day(m - (WINDOW_MONTHS - 1))?;
                let end = last_day(m)?;
                let to = end.min(q.to);
                let (cooperatives, collective) = self
                    .pair(from, to, province, q.category)
                    .figures(&Default::default());
                Some(TwelveMonths {
                    month: month_label(m),
                    from,
                    to,
                    partial: to < end,
                    cooperatives: Figure {
                        progress: Vec::new(),
                        ..cooperatives
                    },
                    collective: Figure {
                        progress: Vec::new(),
                        ..collective
                    },
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::linkage::test_support::{day, id};
    use crate::domain::linkage::{LinkFact, Targets};
    use crate::domain::statement::Role;

    /// Issue 15, the known answer: two cooperatives registered in April,
    /// one linked by a delivery in May only. March has nobody registered
    /// (no share); May and June both count the May delivery (12 months to
    /// the month's end), not 50% then 0%; July ends on the 2nd, partial.
    #[test]
    fn each_month_is_the_twelve_months_to_its_end_with_gaps_and_a_partial_month() {
        let mut i = LinkageIndex::default();
        for n in ["htx-a", "htx-b"] {
            i.apply(&LinkFact::Org {
                id: id(n),
                role: Role::Cooperative,
                province: "Cà Mau".into(),
                day: day("2026-04-10"),
            });
        }
        i.apply(&LinkFact::Delivery {
            org: id("htx-a"),
            direct: true,
            category: Category::Rice,
            quantity: serde_json::from_str(r#"{"amount":"1","unit":"kg"}"#).expect("quantity"),
            net: None,
            day: day("2026-05-11"),
            members: Vec::new(),
        });
        let q = Query::new(day("2026-03-01"), day("2026-07-02"), None, None).expect("query");
        let r = i.report(&q, &Targets::default());
        let got: Vec<(&str, u64, u64, bool, String, String)> = r
            .twelve_months
            .iter()
            .map(|m| {
                (
                    m.month.as_str(),
                    m.cooperatives.registered,
                    m.cooperatives.linked,
                    m.partial,
                    m.from.to_string(),
                    m.to.to_string(),
                )
            })
            .collect();
        let row = |m, r, l, p, f: &str, t: &str| (m, r, l, p, f.to_owned(), t.to_owned());
        assert_eq!(
            got,
            [
                row("2026-03", 0, 0, false, "2025-04-01", "2026-03-31"),
                row("2026-04", 2, 0, false, "2025-05-01", "2026-04-30"),
                row("2026-05", 2, 1, false, "2025-06-01", "2026-05-31"),
                row("2026-06", 2, 1, false, "2025-07-01", "2026-06-30"),
                row("2026-07", 2, 1, true, "2025-08-01", "2026-07-02"),
            ]
        );
        assert!(r.twelve_months[0].is_empty());
        assert!(!r.twelve_months[1].is_empty());
        assert_eq!(r.twelve_months[2].cooperatives.share, 0.5);
        // The whole-month rows still say June had no link of its own.
        assert_eq!(r.by_month[3].cooperatives.linked, 0);
    }
}
