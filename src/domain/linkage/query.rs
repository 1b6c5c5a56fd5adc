//! What a linkage report covers ([`Query`]): a period of Vietnam calendar
//! dates, checked (`from` ≤ `to`, at most `MAX_PERIOD_MONTHS`), and the
//! province and category filters; missing dates default to this year so
//! far.

use super::{MAX_PERIOD_MONTHS, MAX_PROVINCE_CHARS, month_index};
use crate::domain::messages::{Code, Refusal};
use crate::domain::product::Category;
use crate::domain::time::Day;

/// What a report covers.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    /// First day.
    pub from: Day,
    /// Last day.
    pub to: Day,
    /// Only organisations in this province: a GSO code or a name, read as
    /// [`super::ProvinceName::read`] reads an organisation's province.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::linkage::test_support::day;

    #[test]
    fn periods_are_checked() {
        assert!(Query::new(day("2026-02-01"), day("2026-01-01"), None, None).is_err());
        assert!(Query::new(day("2000-01-01"), day("2035-12-31"), None, None).is_err());
        assert!(Query::new(day("2000-01-01"), day("2029-12-31"), None, None).is_ok());
    }
}
