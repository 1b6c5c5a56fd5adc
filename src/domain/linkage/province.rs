//! Which row of the figures by province an organisation's province belongs
//! to (spec §9.3): one row per province of the 2025 map, keyed by its GSO
//! code and named by the map.
//!
//! A format-2 region gives the code (`92`). A format-1 region gives free
//! text: text that is exactly a 2025 province's name, as the map writes it
//! or without its division type in front (`Thành phố Cần Thơ`, `Cần Thơ`,
//! compared after [`crate::domain::places::normalize_name`], so case, spaces and diacritics do not
//! matter), joins that code's row; any other text (an old name such as
//! `Sóc Trăng`, a typo) stays a row of its own, keyed by its trimmed,
//! lower-case text as before. The `province` filter of a query is read the
//! same way, so it takes a code or a name.

use crate::domain::places::{ProvinceCode, places};

/// What a row of the figures by province is keyed by.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ProvinceKey {
    /// A province of the 2025 map.
    Code(ProvinceCode),
    /// Text that names no 2025 province: trimmed, in lower case.
    Text(String),
}

/// A province as the figures read it: its row's key, the name the row
/// shows, and what rows sort by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProvinceName {
    /// The row it belongs to.
    pub key: ProvinceKey,
    /// The map's name for a code (`Thành phố Cần Thơ`); else the text,
    /// trimmed, as written.
    pub name: String,
    /// Rows are listed in this order: the lower-case name without its
    /// division type in front (`cần thơ`), so that cities sort by their
    /// own names.
    pub order: String,
}

impl ProvinceName {
    /// Reads `text`, a GSO province code or a name (see the module doc).
    pub fn read(text: &str) -> Self {
        let text = text.trim();
        let map = places().ok();
        let coded = map.and_then(|m| {
            ProvinceCode::parse(text)
                .ok()
                .and_then(|c| m.province(c))
                .or_else(|| m.province_named(text))
        });
        match coded {
            Some(p) => Self {
                key: ProvinceKey::Code(p.code),
                name: p.name.to_owned(),
                order: p.short_name().to_lowercase(),
            },
            None => Self {
                key: ProvinceKey::Text(text.to_lowercase()),
                name: text.to_owned(),
                order: text.to_lowercase(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::places::normalize_name;

    fn code(text: &str) -> Option<u32> {
        match ProvinceName::read(text).key {
            ProvinceKey::Code(c) => Some(c.get()),
            ProvinceKey::Text(_) => None,
        }
    }

    /// Issue 13: the spellings of one 2025 province are one row, named by
    /// the map; the code is found by name in the map, never typed.
    #[test]
    fn a_province_is_read_by_code_or_by_its_exact_name() {
        let map = places().expect("places");
        let can_tho = map
            .provinces()
            .iter()
            .find(|p| p.name == "Thành phố Cần Thơ")
            .expect("Cần Thơ");
        let wanted = Some(can_tho.code.get());
        for text in [
            "Thành phố Cần Thơ",
            "Cần Thơ",
            "  cần   thơ ",
            "CAN THO",
            &can_tho.code.to_string(),
        ] {
            assert_eq!(code(text), wanted, "{text:?}");
            let read = ProvinceName::read(text);
            assert_eq!(read.name, "Thành phố Cần Thơ", "{text:?}");
            assert_eq!(read.order, "cần thơ");
        }
        // Old names, near misses, the name with `tỉnh`/`thành phố trung
        // ương` in front, and padded codes stay text.
        for text in [
            "Sóc Trăng",
            "Cần Thơ city",
            "Can Th",
            "Thành phố trung ương Cần Thơ",
            "Tỉnh An Giang",
            "092",
            "94",
        ] {
            assert_eq!(code(text), None, "{text:?}");
            assert_eq!(ProvinceName::read(text).name, text.trim());
        }
        assert_eq!(
            ProvinceName::read(" Sóc Trăng ").key,
            ProvinceKey::Text("sóc trăng".into())
        );
    }

    /// Invariant: every 2025 province is found by its name, by its short
    /// name and by its code, and no two provinces share a spelling (so a
    /// name joins one row only).
    #[test]
    fn every_province_has_its_own_spellings() {
        let map = places().expect("places");
        let mut seen = std::collections::HashMap::new();
        for p in map.provinces() {
            for text in [p.name, p.short_name(), &p.code.to_string()] {
                assert_eq!(code(text), Some(p.code.get()), "{text:?}");
            }
            for form in [normalize_name(p.name), normalize_name(p.short_name())] {
                let other = seen.insert(form.clone(), p.code);
                assert!(other.is_none_or(|o| o == p.code), "{form:?}");
            }
        }
        assert_eq!(map.provinces().len(), 34);
    }
}
