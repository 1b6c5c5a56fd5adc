//! The closest name for an unknown code or a mistyped name.
//!
//! Names are compared after [`normalize_name`] (no case, no Vietnamese
//! diacritics, `đ` and `ð` read as `d`), by Levenshtein distance (the `strsim`
//! crate), against three forms of each unit's name: the whole name
//! (`thanh pho can tho`), the name without its division type in front
//! (`can tho`), and the division type before that (`thanh pho trung uong
//! can tho`; `tinh bac ninh` for a province whose name has no type in
//! front). A text of digits alone is a code: it is compared against the
//! codes (leading zeros dropped, so GSO's padded `01` finds `1`), by
//! Levenshtein distance on the digits, then by numeric distance.
//!
//! The answer is always the closest unit, however far: `None` only for a
//! text that is empty once normalized, or an empty set of candidates. Ties
//! go to the first unit in the table's order, provinces before communes.

use super::{Commune, CommuneCode, PlaceCode, Places, Province, ProvinceCode};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// A name as [`Places::suggest`] compares it: Unicode NFD with the
/// combining marks dropped (so no Vietnamese tone or vowel marks), lower
/// case, `đ` read as `d` (and `ð`, the eth that Vietnamese text sometimes
/// has for `đ`), runs of white space as one space, no space
/// at either end. `"  Thành phố  Đà Nẵng "` gives `"thanh pho da nang"`.
pub fn normalize_name(text: &str) -> String {
    let folded: String = text
        .nfd()
        .filter(|&c| !is_combining_mark(c))
        .flat_map(char::to_lowercase)
        .map(|c| if matches!(c, 'đ' | 'ð') { 'd' } else { c })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What one unit is compared by.
#[derive(Debug)]
struct Entry {
    name: &'static str,
    /// The normalized forms of its name (see the module doc).
    forms: Vec<String>,
    /// Its code as a number.
    number: u32,
    /// Its code as decimal digits.
    digits: String,
}

impl Entry {
    fn new(name: &'static str, division_type: &str, number: u32) -> Self {
        Self {
            name,
            forms: forms_of(name, division_type),
            number,
            digits: number.to_string(),
        }
    }
}

/// The normalized forms a unit's name is compared by (see the module doc).
pub(super) fn forms_of(name: &str, division_type: &str) -> Vec<String> {
    let whole = normalize_name(name);
    let kind = normalize_name(division_type);
    // Drop the division type's words from the front, as far as they match:
    // "thanh pho can tho" under "thanh pho trung uong" is "can tho".
    let words: Vec<&str> = whole.split(' ').collect();
    let drop = words
        .iter()
        .zip(kind.split(' '))
        .take_while(|(word, kind_word)| *word == kind_word)
        .count();
    let short = words.get(drop..).unwrap_or_default().join(" ");
    let mut forms = vec![whole];
    if !short.is_empty() {
        for form in [short.clone(), format!("{kind} {short}")] {
            if !forms.contains(&form) {
                forms.push(form);
            }
        }
    }
    forms
}

/// The forms of every unit, provinces and communes in the same order as in
/// [`Places`].
#[derive(Debug)]
pub(super) struct Keys {
    provinces: Vec<Entry>,
    communes: Vec<Entry>,
}

impl Keys {
    pub(super) fn new(provinces: &[Province], communes: &[Commune]) -> Self {
        Self {
            provinces: provinces
                .iter()
                .map(|p| Entry::new(p.name, p.division_type, p.code.get()))
                .collect(),
            communes: communes
                .iter()
                .map(|c| Entry::new(c.name, c.division_type, c.code.get()))
                .collect(),
        }
    }
}

/// A text to search for: a code or a name.
enum Query {
    Code { digits: String, number: u64 },
    Name(String),
}

impl Query {
    fn new(text: &str) -> Option<Self> {
        let text = text.trim();
        if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            let trimmed = text.trim_start_matches('0');
            let digits = if trimmed.is_empty() { "0" } else { trimmed };
            return Some(Self::Code {
                digits: digits.to_owned(),
                number: digits.parse().unwrap_or(u64::MAX),
            });
        }
        let name = normalize_name(text);
        (!name.is_empty()).then_some(Self::Name(name))
    }

    /// How far a unit is from the query: smaller is closer.
    fn distance(&self, entry: &Entry) -> (usize, u64) {
        match self {
            Self::Code { digits, number } => (
                strsim::levenshtein(digits, &entry.digits),
                number.abs_diff(u64::from(entry.number)),
            ),
            Self::Name(name) => {
                let nearest = entry
                    .forms
                    .iter()
                    .map(|form| strsim::levenshtein(name, form))
                    .min()
                    .unwrap_or(usize::MAX);
                (nearest, 0)
            }
        }
    }
}

/// The closest of the candidates (the first of equals).
fn closest<'a, C>(
    query: &Query,
    candidates: impl Iterator<Item = (C, &'a Entry)>,
) -> Option<(C, &'static str)> {
    candidates
        .min_by_key(|(_, entry)| query.distance(entry))
        .map(|(code, entry)| (code, entry.name))
}

impl Places {
    /// The closest province or commune to `text`, with its name as the
    /// table writes it.
    ///
    /// A name is compared after [`normalize_name`], by Levenshtein
    /// distance, with and without its division type in front (`can tho`
    /// finds Thành phố Cần Thơ; `soc trang` finds Phường Sóc Trăng, a ward
    /// of Cần Thơ since 2025). A text of digits alone is compared with the
    /// codes, leading zeros dropped: by Levenshtein distance on the digits,
    /// then by numeric distance. The answer is the closest unit however far
    /// (ties go to the table's order, provinces first); `None` only for a
    /// text that is empty once normalized.
    pub fn suggest(&self, text: &str) -> Option<(PlaceCode, &'static str)> {
        let query = Query::new(text)?;
        let provinces = self
            .provinces
            .iter()
            .zip(&self.keys.provinces)
            .map(|(p, e)| (PlaceCode::Province(p.code), e));
        let communes = self
            .communes
            .iter()
            .zip(&self.keys.communes)
            .map(|(c, e)| (PlaceCode::Commune(c.code), e));
        closest(&query, provinces.chain(communes))
    }

    /// The province `text` names exactly: its name as the table writes it
    /// or without its division type in front ([`Province::short_name`]:
    /// `Cần Thơ` for `Thành phố Cần Thơ`), compared after
    /// [`normalize_name`]; `None` for any other text, however close.
    pub fn province_named(&self, text: &str) -> Option<&Province> {
        let &i = self.province_names.get(&normalize_name(text))?;
        self.provinces.get(i)
    }

    /// The closest province to `text`, a code or a name.
    pub fn suggest_province(&self, text: &str) -> Option<(ProvinceCode, &'static str)> {
        let query = Query::new(text)?;
        let provinces = self.provinces.iter().zip(&self.keys.provinces);
        closest(&query, provinces.map(|(p, e)| (p.code, e)))
    }

    /// The closest commune of `province` to `text`, a code or a name;
    /// `None` when the table has no such province.
    pub fn suggest_commune(
        &self,
        province: ProvinceCode,
        text: &str,
    ) -> Option<(CommuneCode, &'static str)> {
        let query = Query::new(text)?;
        let range = self.range_of(province)?;
        let communes = self.communes.get(range.clone())?;
        let keys = self.keys.communes.get(range)?;
        closest(&query, communes.iter().zip(keys).map(|(c, e)| (c.code, e)))
    }
}
