//! What a batch is: product categories, GTIN-14 with its check digit,
//! OCOP stars, origin, certifications and inspection schemes (spec §3,
//! §6). Each type checks its own syntax when it is deserialised, so a value
//! of one of these types is always valid.
//!
//! [`Gtin`] checks the GS1 check digit ([`check_digit`], which the EPCIS
//! import also uses), [`OcopStars`] takes the JSON integers 3, 4 and 5,
//! [`Origin`] keeps `lat` and `lon` in range, and [`Blake3Hex`] is an
//! attachment's hash (`report_blake3`, `photo_blake3`). Each error message
//! starts with a marker text (`BAD_GTIN`, …) from which the statement parser
//! picks the error code.

use super::messages::{Code, Refusal};
use super::quantity::{Quantity, Unit};
use super::time::Day;
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

/// Text of the error an unknown category gives (maps to `bad_category`).
pub const BAD_CATEGORY: &str =
    "a product category must be one of rice, fruit, vegetable, seafood, livestock, ocop, other";

/// Text of the error a bad GTIN gives (maps to `bad_gtin`).
pub const BAD_GTIN: &str = "a GTIN must be 14 digits with a correct GS1 check digit";

/// Text of the error bad OCOP stars give (maps to `bad_ocop_stars`).
pub const BAD_OCOP_STARS: &str = "OCOP stars must be 3, 4 or 5";

/// Text of the error bad coordinates give (maps to `bad_coordinates`).
pub const BAD_COORDINATES: &str = "lat must be in [-90, 90] and lon in [-180, 180]";

/// The spelling of a GTIN-14, as a regular expression (whole match); its
/// last digit must also be the GS1 check digit ([`check_digit`]).
pub const GTIN_PATTERN: &str = "[0-9]{14}";

/// The fewest OCOP stars.
pub const MIN_OCOP_STARS: u8 = 3;

/// The most OCOP stars.
pub const MAX_OCOP_STARS: u8 = 5;

/// The largest latitude, north or south, in degrees.
pub const MAX_LAT: f64 = 90.0;

/// The largest longitude, east or west, in degrees.
pub const MAX_LON: f64 = 180.0;

/// A BLAKE3 hash as [`Blake3Hex`] accepts it, as a regular expression
/// (whole match).
pub const BLAKE3_PATTERN: &str = super::hex32::HEX32_PATTERN;

pub use super::hex32::BAD_HASH;

macro_rules! word_enum {
    ($(#[$doc:meta])* $name:ident, $err:expr, { $($(#[$vdoc:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
        }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The word used in statements.
            pub fn as_str(&self) -> &'static str {
                match self { $($name::$variant => $text,)* }
            }

            /// Parses the word used in statements.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)* _ => None }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("{} (got {s:?})", $err)))
            }
        }
    };
}

word_enum!(
    /// A product category (spec §3).
    Category, BAD_CATEGORY, {
        /// Lúa gạo.
        Rice = "rice",
        /// Trái cây.
        Fruit = "fruit",
        /// Rau.
        Vegetable = "vegetable",
        /// Thủy sản.
        Seafood = "seafood",
        /// Chăn nuôi.
        Livestock = "livestock",
        /// An OCOP item.
        Ocop = "ocop",
        /// Anything else.
        Other = "other",
    }
);

word_enum!(
    /// A certification or inspection scheme (spec §6).
    Scheme, "a scheme must be one of VietGAP, GlobalGAP, organic, OCOP, food-safety, other", {
        /// Vietnamese Good Agricultural Practices.
        VietGap = "VietGAP",
        /// GLOBALG.A.P.
        GlobalGap = "GlobalGAP",
        /// Organic (hữu cơ).
        Organic = "organic",
        /// One Commune One Product rating.
        Ocop = "OCOP",
        /// Food safety (an toàn thực phẩm).
        FoodSafety = "food-safety",
        /// Any other scheme.
        Other = "other",
    }
);

word_enum!(
    /// The result of an inspection.
    InspectResult, "result must be pass or fail", {
        /// Passed.
        Pass = "pass",
        /// Failed.
        Fail = "fail",
    }
);

word_enum!(
    /// What a transformation does (spec §6).
    Process, "process must be one of split, merge, drying, milling, packing, processing, other", {
        /// One batch into several of the same product.
        Split = "split",
        /// Several batches into one.
        Merge = "merge",
        /// Drying (phơi, sấy).
        Drying = "drying",
        /// Milling (xay xát).
        Milling = "milling",
        /// Packing (đóng gói).
        Packing = "packing",
        /// Other processing (chế biến).
        Processing = "processing",
        /// Anything else.
        Other = "other",
    }
);

/// A GTIN-14 (GS1 General Specifications §7.9: mod-10 check digit with
/// weights 3 and 1 from the right).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Gtin([u8; 14]);

impl Gtin {
    /// Parses 14 ASCII digits whose last is the correct check digit.
    pub fn parse(s: &str) -> Option<Self> {
        let b: [u8; 14] = s.as_bytes().try_into().ok()?;
        if !b.iter().all(u8::is_ascii_digit) {
            return None;
        }
        (check_digit(&b[..13]) == b[13] - b'0').then_some(Self(b))
    }

    /// The 14 digits.
    pub fn as_str(&self) -> &str {
        // The bytes are ASCII digits by construction.
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}

/// The GS1 check digit of the digits before it.
pub fn check_digit(digits: &[u8]) -> u8 {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| u32::from(d - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

impl fmt::Display for Gtin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Gtin {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Gtin {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("{BAD_GTIN} (got {s:?})")))
    }
}

/// OCOP stars: 3, 4 or 5.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize)]
#[serde(transparent)]
pub struct OcopStars(u8);

impl OcopStars {
    /// The number of stars.
    pub fn get(&self) -> u8 {
        self.0
    }
}

impl<'de> Deserialize<'de> for OcopStars {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        match v.as_u64() {
            Some(n) if (u64::from(MIN_OCOP_STARS)..=u64::from(MAX_OCOP_STARS)).contains(&n) => {
                Ok(Self(n as u8))
            }
            _ => Err(serde::de::Error::custom(format!(
                "{BAD_OCOP_STARS} (got {v})"
            ))),
        }
    }
}

/// What a batch is.
#[derive(Clone, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    /// Its category.
    pub category: Category,
    /// Its name as sold ("Gạo ST25", "Vải thiều Lục Ngạn").
    pub name: String,
    /// Its GTIN-14, if the product has one (never invented).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gtin: Option<Gtin>,
    /// Its OCOP rating.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ocop_stars: Option<OcopStars>,
    /// The net content of one piece or box (`{"amount": "5", "unit":
    /// "kg"}`), in `kg`, `t` or `l` (spec §6.6); only for a lot counted in
    /// pieces or boxes ([`net_ok`]). The linkage volumes convert with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub net: Option<Quantity>,
}

/// Checks a product's `net` against the unit its lot is counted in: a net
/// content is in `kg`, `t` or `l`, and only a lot counted in `piece` or
/// `box` has one (spec §6.6, refused with `bad_net`).
pub fn net_ok(field: &str, product: &Product, lot: Unit) -> Result<(), Refusal> {
    let Some(net) = &product.net else {
        return Ok(());
    };
    if !matches!(net.unit, Unit::Kg | Unit::T | Unit::L) {
        return Err(Refusal::with(
            Code::BadNet,
            format!(
                "{field}.net: the unit is {}, not kg, t or l",
                net.unit.as_str()
            ),
        ));
    }
    if !lot.is_count() {
        return Err(Refusal::with(
            Code::BadNet,
            format!(
                "{field}.net: the lot is counted in {}, not piece or box",
                lot.as_str()
            ),
        ));
    }
    Ok(())
}

/// A coordinate in degrees.
fn coordinate<'de, D: Deserializer<'de>>(d: D, limit: f64) -> Result<Option<f64>, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    match v.as_f64() {
        Some(x) if x.is_finite() && x.abs() <= limit => Ok(Some(x)),
        _ => Err(serde::de::Error::custom(format!(
            "{BAD_COORDINATES} (got {v})"
        ))),
    }
}

fn latitude<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    coordinate(d, MAX_LAT)
}

fn longitude<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    coordinate(d, MAX_LON)
}

/// Where a batch was grown or caught.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Origin {
    /// The place, in words ("Xã Hồng Giang, Lục Ngạn, Bắc Giang").
    pub place: String,
    /// Latitude in degrees.
    #[serde(
        default,
        deserialize_with = "latitude",
        skip_serializing_if = "Option::is_none"
    )]
    pub lat: Option<f64>,
    /// Longitude in degrees.
    #[serde(
        default,
        deserialize_with = "longitude",
        skip_serializing_if = "Option::is_none"
    )]
    pub lon: Option<f64>,
    /// A commitment to the exact plot, whose record stays with the
    /// cooperative (format 2, spec §6.17); the ledger never checks it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plot_commit: Option<crate::domain::privacy::PlotCommit>,
}

/// A certificate the batch is covered by.
#[derive(Clone, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Certification {
    /// The scheme.
    pub scheme: Scheme,
    /// The certificate's number, as printed on it.
    pub id: String,
    /// Its last valid day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<Day>,
}

crate::hex32_type!(
    /// A BLAKE3 hash of an attachment (an inspection report, a photo, a
    /// signed consent form) that itself never goes to the ledger.
    Blake3Hex
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gtin_check_digits_follow_gs1() {
        // GS1's worked example (General Specifications §7.9.1): 0061414100003? -> 6
        assert_eq!(check_digit(b"0061414100003"), 6);
        assert!(Gtin::parse("00614141000036").is_some());
        assert!(Gtin::parse("00614141000037").is_none());
        assert!(Gtin::parse("0061414100003").is_none());
        assert!(Gtin::parse("0061414100003x").is_none());
        // A Vietnamese prefix (893) GTIN-13 padded to 14 digits.
        assert!(Gtin::parse("08935049501503").is_some());
    }

    fn bag(net: &str, lot: Unit) -> Result<(), Refusal> {
        let p: Product = serde_json::from_str(&format!(
            r#"{{"category":"rice","name":"Gạo ST25 túi 5 kg","net":{net}}}"#
        ))
        .map_err(|e| Refusal::with(Code::MalformedStatement, e.to_string()))?;
        net_ok("product", &p, lot)
    }

    /// Issue 15: a net content per pack parses for pieces and boxes, in a
    /// mass or a volume, under the amount rules, and is refused elsewhere.
    #[test]
    fn a_net_content_is_for_pieces_and_boxes_in_kg_t_or_l() {
        assert_eq!(bag(r#"{"amount":"5","unit":"kg"}"#, Unit::Piece), Ok(()));
        assert_eq!(bag(r#"{"amount":"0.75","unit":"l"}"#, Unit::Box), Ok(()));
        assert_eq!(bag(r#"{"amount":"0.002","unit":"t"}"#, Unit::Box), Ok(()));
        let code = |r: Result<(), Refusal>| r.expect_err("refused").code;
        assert_eq!(
            code(bag(r#"{"amount":"5","unit":"kg"}"#, Unit::Kg)),
            Code::BadNet
        );
        assert_eq!(
            code(bag(r#"{"amount":"5","unit":"kg"}"#, Unit::T)),
            Code::BadNet
        );
        assert_eq!(
            code(bag(r#"{"amount":"2","unit":"piece"}"#, Unit::Box)),
            Code::BadNet
        );
        // The amount rules hold: a string, > 0, at most 3 decimals.
        for bad in [
            r#"{"amount":5,"unit":"kg"}"#,
            r#"{"amount":"0","unit":"kg"}"#,
            r#"{"amount":"5,5","unit":"kg"}"#,
        ] {
            assert_eq!(
                code(bag(bad, Unit::Piece)),
                Code::MalformedStatement,
                "{bad}"
            );
        }
        // A product without it is as before: nothing is written for it.
        let p: Product = serde_json::from_str(r#"{"category":"rice","name":"Gạo"}"#).expect("ok");
        assert_eq!(p.net, None);
        assert_eq!(
            serde_json::to_string(&p).expect("json"),
            r#"{"category":"rice","name":"Gạo"}"#
        );
    }

    #[test]
    fn words_and_stars_refuse_what_the_design_does_not_name() {
        assert!(serde_json::from_str::<Category>("\"rice\"").is_ok());
        let e = serde_json::from_str::<Category>("\"gạo\"").expect_err("refused");
        assert!(e.to_string().contains(BAD_CATEGORY));
        assert!(serde_json::from_str::<OcopStars>("4").is_ok());
        for bad in ["2", "6", "4.5", "\"4\""] {
            let e = serde_json::from_str::<OcopStars>(bad).expect_err("refused");
            assert!(e.to_string().contains(BAD_OCOP_STARS));
        }
        assert_eq!(
            serde_json::from_str::<Scheme>("\"food-safety\"").ok(),
            Some(Scheme::FoodSafety)
        );
    }
}
