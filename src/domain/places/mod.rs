//! Vietnam's administrative map since 1 July 2025: 34 provinces and 3,321
//! communes, wards and special zones, with the codes of the General
//! Statistics Office (Tổng cục Thống kê, danh mục hành chính).
//!
//! The table is `vn-2025.tsv` beside this file, embedded in the binary with
//! `include_str!` and parsed once on first use: nothing is read at run time.
//! Its facts (code, name, division type and each commune's province) were
//! carried over from the data of the PyPI package `vietnam-provinces`
//! 2025.10.1; `SOURCE.md` beside this file says where from, under what
//! terms, and how to regenerate the table.
//!
//! Statements do not use this module yet: issue 13 wires it into a
//! statement's `region` (a `province` code and a `commune` code), refusing
//! an unknown code with the closest name from [`Places::suggest`].
//!
//! Invariants, checked when the table is parsed (a table that breaks one is
//! an error value from [`places`], never a panic) and held by the tests:
//!
//! - every province code is unique among provinces, every commune code
//!   unique among communes (the two levels are separate code lists: commune
//!   `4` and province `4` are different units);
//! - every commune belongs to a province of the table;
//! - every name and division type is non-empty;
//! - a code is written as the source writes it: decimal digits with no
//!   leading zero (GSO's printed lists pad codes to 2 and 5 digits, `01`
//!   and `00070`; the source, and so this table, does not), at most 2 digits
//!   for a province and 5 for a commune, so one code has one spelling.
//!
//! The module is split by job: this file holds the codes, the units and the
//! table; `suggest` the closest-name search, the exact lookup of a province
//! by its name ([`Places::province_named`]) and [`normalize_name`].

mod suggest;

pub use suggest::normalize_name;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::OnceLock;

/// The embedded table (see `SOURCE.md`): a header line, then one unit a
/// line, tab-separated.
const TABLE: &str = include_str!("vn-2025.tsv");

/// The header line the table must start with.
const HEADER: &str = "level\tcode\tprovince\tdivision_type\tname";

/// Most digits in a province code.
const PROVINCE_DIGITS: usize = 2;

/// Most digits in a commune code.
const COMMUNE_DIGITS: usize = 5;

/// What can go wrong with places: a code that is not written as a code, or
/// an embedded table that does not hold its invariants.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlacesError {
    /// The text is not a code of that level (digits, no leading zero, at
    /// most 2 for a province or 5 for a commune).
    #[error("{level} code {text:?} is not 1–{digits} digits without a leading zero")]
    BadCode {
        /// `province` or `commune`.
        level: &'static str,
        /// The text as given.
        text: String,
        /// Most digits for that level.
        digits: usize,
    },
    /// The embedded table breaks an invariant (see the module doc).
    #[error("places table, line {line}: {problem}")]
    Table {
        /// The line (1 is the header).
        line: usize,
        /// What is wrong there.
        problem: String,
    },
}

/// Parses the digits of a code: 1..=`digits` ASCII digits, no leading zero.
fn parse_digits(s: &str, level: &'static str, digits: usize) -> Result<u32, PlacesError> {
    let bad = || PlacesError::BadCode {
        level,
        text: s.to_owned(),
        digits,
    };
    let canonical = !s.is_empty()
        && s.len() <= digits
        && s.bytes().all(|b| b.is_ascii_digit())
        && !s.starts_with('0');
    if !canonical {
        return Err(bad());
    }
    s.parse().map_err(|_| bad())
}

macro_rules! code_type {
    ($name:ident, $level:literal, $digits:expr, $what:literal) => {
        #[doc = concat!("The GSO code of ", $what, ", as the source writes it: 1–")]
        #[doc = concat!(stringify!($digits), " decimal digits, no leading zero.")]
        #[doc = ""]
        #[doc = "A value is well formed, not necessarily in the table: look it up"]
        #[doc = "with [`places`]."]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(u32);

        impl $name {
            /// Parses a code written as the source writes it.
            pub fn parse(s: &str) -> Result<Self, PlacesError> {
                parse_digits(s, $level, $digits).map(Self)
            }

            /// The code as a number.
            pub fn get(self) -> u32 {
                self.0
            }
        }

        impl std::str::FromStr for $name {
            type Err = PlacesError;
            fn from_str(s: &str) -> Result<Self, PlacesError> {
                Self::parse(s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

code_type!(ProvinceCode, "province", PROVINCE_DIGITS, "a province");
code_type!(
    CommuneCode,
    "commune",
    COMMUNE_DIGITS,
    "a commune, ward or special zone"
);

/// A code of either level, as [`Places::suggest`] answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PlaceCode {
    /// A province (listed first: a province sorts before any commune).
    Province(ProvinceCode),
    /// A commune, ward or special zone.
    Commune(CommuneCode),
}

/// One of the 34 provinces (tỉnh, or thành phố trung ương).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Province {
    /// Its code.
    pub code: ProvinceCode,
    /// Its Vietnamese name as the source writes it (`Thành phố Cần Thơ`).
    pub name: &'static str,
    /// Its division type as the source writes it (`tỉnh`,
    /// `thành phố trung ương`).
    pub division_type: &'static str,
}

impl Province {
    /// Its name without its division type in front, as the table writes
    /// the rest: `Cần Thơ` for `Thành phố Cần Thơ`; a name that does not
    /// start with its division type (`Bắc Ninh`, a `tỉnh`) is itself. The
    /// words are compared after [`normalize_name`].
    pub fn short_name(&self) -> &'static str {
        let name: &'static str = self.name;
        let mut rest = name.trim_start();
        for kind in normalize_name(self.division_type).split(' ') {
            match rest.split_once(char::is_whitespace) {
                Some((word, tail)) if normalize_name(word) == kind => rest = tail.trim_start(),
                _ => break,
            }
        }
        rest
    }
}

/// One commune, ward or special zone (xã, phường, đặc khu).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Commune {
    /// Its code.
    pub code: CommuneCode,
    /// Its Vietnamese name as the source writes it (`Phường Hoàn Kiếm`).
    pub name: &'static str,
    /// Its division type as the source writes it (`xã`, `phường`,
    /// `đặc khu`).
    pub division_type: &'static str,
    /// The province it belongs to (always one of the table).
    pub province: ProvinceCode,
}

/// The parsed table: provinces in the table's order, communes grouped by
/// province in the same order, and indexes by code.
#[derive(Debug)]
pub struct Places {
    provinces: Vec<Province>,
    communes: Vec<Commune>,
    /// For each province (same index as `provinces`), the range of its
    /// communes in `communes`.
    ranges: Vec<std::ops::Range<usize>>,
    province_ix: HashMap<ProvinceCode, usize>,
    commune_ix: HashMap<CommuneCode, usize>,
    /// The normalized names [`Places::suggest`] compares against.
    keys: suggest::Keys,
    /// Each province's name and short name, normalized, to its index in
    /// `provinces` (the first province, should two share one).
    province_names: HashMap<String, usize>,
}

/// The embedded table, parsed on first use and kept for the life of the
/// process. An error means the embedded file breaks an invariant (a build
/// with a bad table), which a unit test rules out.
pub fn places() -> Result<&'static Places, PlacesError> {
    static PLACES: OnceLock<Result<Places, PlacesError>> = OnceLock::new();
    PLACES
        .get_or_init(|| Places::parse(TABLE))
        .as_ref()
        .map_err(Clone::clone)
}

impl Places {
    /// Parses a table in the embedded table's format (header
    /// `level, code, province, division_type, name`, tab-separated, one unit
    /// a line; a commune's province may come before or after it) and checks
    /// the invariants of the module doc.
    pub fn parse(text: &'static str) -> Result<Self, PlacesError> {
        let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
        match lines.next() {
            Some((_, HEADER)) => {}
            _ => return Err(table_error(1, format!("the header is not {HEADER:?}"))),
        }
        let mut provinces = Vec::new();
        let mut province_ix = HashMap::new();
        // Each commune with its line, for an error that names it.
        let mut communes = Vec::new();
        let mut commune_codes = HashSet::new();
        for (line, row) in lines {
            let cols: Vec<&'static str> = row.split('\t').collect();
            let &[level, code, province, division_type, name] = cols.as_slice() else {
                return Err(table_error(line, format!("{} columns, not 5", cols.len())));
            };
            if name.trim().is_empty() || division_type.trim().is_empty() {
                return Err(table_error(line, "an empty name or division type".into()));
            }
            let at = |e: PlacesError| table_error(line, e.to_string());
            match level {
                "province" => {
                    if !province.is_empty() {
                        return Err(table_error(line, "a province in a province".into()));
                    }
                    let code = ProvinceCode::parse(code).map_err(at)?;
                    if province_ix.insert(code, provinces.len()).is_some() {
                        return Err(table_error(line, format!("province {code} twice")));
                    }
                    provinces.push(Province {
                        code,
                        name,
                        division_type,
                    });
                }
                "commune" => {
                    let code = CommuneCode::parse(code).map_err(at)?;
                    let province = ProvinceCode::parse(province).map_err(at)?;
                    if !commune_codes.insert(code) {
                        return Err(table_error(line, format!("commune {code} twice")));
                    }
                    let commune = Commune {
                        code,
                        name,
                        division_type,
                        province,
                    };
                    communes.push((line, commune));
                }
                other => return Err(table_error(line, format!("level {other:?}"))),
            }
        }
        // Group communes by province, in the provinces' order, keeping the
        // table's order within a province (the sort is stable).
        let mut grouped = Vec::with_capacity(communes.len());
        for (line, c) in communes {
            let Some(&ix) = province_ix.get(&c.province) else {
                let problem = format!("commune {} in unknown province {}", c.code, c.province);
                return Err(table_error(line, problem));
            };
            grouped.push((ix, c));
        }
        grouped.sort_by_key(|&(ix, _)| ix);
        let mut counts = vec![0; provinces.len()];
        for &(ix, _) in &grouped {
            if let Some(n) = counts.get_mut(ix) {
                *n += 1;
            }
        }
        let mut start = 0;
        let ranges = counts
            .into_iter()
            .map(|n| {
                start += n;
                start - n..start
            })
            .collect();
        let communes: Vec<Commune> = grouped.into_iter().map(|(_, c)| c).collect();
        let commune_ix = communes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.code, i))
            .collect();
        let keys = suggest::Keys::new(&provinces, &communes);
        let mut province_names = HashMap::new();
        for (i, p) in provinces.iter().enumerate() {
            for name in [p.name, p.short_name()] {
                province_names.entry(normalize_name(name)).or_insert(i);
            }
        }
        Ok(Self {
            provinces,
            communes,
            ranges,
            province_ix,
            commune_ix,
            keys,
            province_names,
        })
    }

    /// The province with this code, if the table has it.
    pub fn province(&self, code: ProvinceCode) -> Option<&Province> {
        self.province_ix
            .get(&code)
            .and_then(|&i| self.provinces.get(i))
    }

    /// The commune, ward or special zone with this code, if the table has
    /// it.
    pub fn commune(&self, code: CommuneCode) -> Option<&Commune> {
        self.commune_ix
            .get(&code)
            .and_then(|&i| self.communes.get(i))
    }

    /// All provinces, in the table's order.
    pub fn provinces(&self) -> &[Province] {
        &self.provinces
    }

    /// All communes, grouped by province in the provinces' order.
    pub fn communes(&self) -> &[Commune] {
        &self.communes
    }

    /// The communes of a province, in the table's order; `None` when the
    /// table has no such province.
    pub fn communes_of(&self, province: ProvinceCode) -> Option<&[Commune]> {
        self.communes.get(self.range_of(province)?)
    }

    /// Where the communes of a province are in `communes`.
    fn range_of(&self, province: ProvinceCode) -> Option<std::ops::Range<usize>> {
        let &ix = self.province_ix.get(&province)?;
        self.ranges.get(ix).cloned()
    }
}

fn table_error(line: usize, problem: String) -> PlacesError {
    PlacesError::Table { line, problem }
}

#[cfg(test)]
mod tests;
