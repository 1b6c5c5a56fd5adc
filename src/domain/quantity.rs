//! Amounts and units (spec §3): amounts are decimal strings, greater than
//! zero, with at most 3 fractional digits and at most 10^12; units are `kg`,
//! `t`, `l`, `piece` and `box`.
//!
//! An [`Amount`] is held as a whole number of thousandths, so arithmetic on
//! remaining quantities is exact (no floating point) and can never go below
//! zero unnoticed ([`Amount::checked_sub`]).
//!
//! Amounts are written back in their shortest form (`"1250.500"` as
//! `"1250.5"`); [`Total`] sums many of them exactly for the linkage report,
//! and [`Quantity::measured`] converts a quantity to tonnes or litres
//! exactly (kilograms, and packs with their net content).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The fractional digits an amount may have (spec §3).
pub const AMOUNT_DECIMALS: u32 = 3;

/// Thousandths per unit: amounts carry at most [`AMOUNT_DECIMALS`]
/// fractional digits.
const SCALE: u64 = 10u64.pow(AMOUNT_DECIMALS);

/// The largest amount, 10^12 units, in thousandths.
pub const MAX_AMOUNT_MILLI: u64 = 1_000_000_000_000 * SCALE;

/// The spelling [`Amount::parse`] accepts, as a regular expression (whole
/// match); the value must also be in (0, [`MAX_AMOUNT_MILLI`]].
pub const AMOUNT_PATTERN: &str = r"(0|[1-9][0-9]{0,12})(\.[0-9]{1,3})?";

/// Text of the error an amount that breaks the rules gives; the statement
/// parser maps it to the `bad_amount` code.
pub const BAD_AMOUNT: &str = "an amount must be a decimal string";

/// Text of the error an unknown unit gives (maps to `bad_unit`).
pub const BAD_UNIT: &str = "a unit must be one of kg, t, l, piece, box";

/// An amount that is not a decimal string > 0 with at most 3 fractional
/// digits and at most 10^12.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{BAD_AMOUNT} greater than 0, with at most 3 decimals and at most 10^12 (got {0:?})")]
pub struct BadAmount(pub String);

/// A quantity of produce, exact to a thousandth of its unit.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
pub struct Amount(u64);

impl Amount {
    /// Parses `"1250.5"`: digits, optionally a point and 1–3 digits; no sign,
    /// exponent, spaces or leading zeros; the value must be in (0, 10^12].
    pub fn parse(s: &str) -> Result<Self, BadAmount> {
        let bad = || BadAmount(s.to_owned());
        let (whole, frac) = match s.split_once('.') {
            Some((w, f)) => (w, f),
            None => (s, ""),
        };
        let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty()
            || !digits(whole)
            || !digits(frac)
            || frac.len() > 3
            || (s.contains('.') && frac.is_empty())
            || (whole.len() > 1 && whole.starts_with('0'))
            || whole.len() > 13
        {
            return Err(bad());
        }
        let w: u64 = whole.parse().map_err(|_| bad())?;
        let mut f: u64 = if frac.is_empty() {
            0
        } else {
            frac.parse().map_err(|_| bad())?
        };
        for _ in frac.len()..3 {
            f *= 10;
        }
        let milli = w
            .checked_mul(SCALE)
            .and_then(|m| m.checked_add(f))
            .ok_or_else(bad)?;
        Self::from_milli(milli).ok_or_else(bad)
    }

    /// An amount of `milli` thousandths, if in (0, 10^12].
    pub fn from_milli(milli: u64) -> Option<Self> {
        (milli > 0 && milli <= MAX_AMOUNT_MILLI).then_some(Self(milli))
    }

    /// Nothing: what remains of a consumed batch (never parsed from a
    /// statement, where amounts are > 0).
    pub const ZERO: Amount = Amount(0);

    /// The value in thousandths.
    pub fn milli(&self) -> u64 {
        self.0
    }

    /// True for [`Amount::ZERO`].
    pub fn is_zero(&self) -> bool {
        self.0 == 0
    }

    /// `self - other`, or `None` if `other` is larger.
    pub fn checked_sub(self, other: Amount) -> Option<Amount> {
        self.0.checked_sub(other.0).map(Amount)
    }

    /// `self + other`, or `None` on overflow.
    pub fn checked_add(self, other: Amount) -> Option<Amount> {
        self.0.checked_add(other.0).map(Amount)
    }
}

impl fmt::Display for Amount {
    /// The shortest decimal form: `1250.5`, `3`, `0.125`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_milli(u128::from(self.0), f)
    }
}

/// Writes thousandths in the shortest decimal form.
fn write_milli(milli: u128, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let scale = u128::from(SCALE);
    let (w, m) = (milli / scale, milli % scale);
    if m == 0 {
        return write!(f, "{w}");
    }
    let frac = format!("{m:03}");
    write!(f, "{w}.{}", frac.trim_end_matches('0'))
}

/// Billionths per thousandth: a [`Total`] is exact to 10^-9 of its unit,
/// enough for kilograms written as tonnes and for a count of packs times
/// each pack's net content.
const NANO_PER_MILLI: u128 = 1_000_000;

/// The fractional digits a [`Total`] may have.
pub const TOTAL_DECIMALS: usize = 9;

/// A sum of many amounts (a report's volume), exact to a billionth of its
/// unit and never overflowing in practice: `u128` billionths hold 10^17
/// maximal amounts.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
pub struct Total(u128);

impl Total {
    /// Adds an amount (saturating at `u128::MAX`, which no ledger reaches).
    pub fn add(&mut self, a: Amount) {
        self.add_total(Self::of(a));
    }

    /// Adds another total (saturating).
    pub fn add_total(&mut self, t: Total) {
        self.0 = self.0.saturating_add(t.0);
    }

    /// An amount as a total.
    pub fn of(a: Amount) -> Self {
        Self(u128::from(a.0) * NANO_PER_MILLI)
    }

    /// The total in billionths.
    pub fn nano(&self) -> u128 {
        self.0
    }
}

impl fmt::Display for Total {
    /// The shortest decimal form, as for [`Amount`], with up to nine
    /// decimals.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scale = 10u128.pow(TOTAL_DECIMALS as u32);
        let (w, n) = (self.0 / scale, self.0 % scale);
        if n == 0 {
            return write!(f, "{w}");
        }
        let frac = format!("{n:09}");
        write!(f, "{w}.{}", frac.trim_end_matches('0'))
    }
}

impl<'de> Deserialize<'de> for Total {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let (w, f) = s.split_once('.').unwrap_or((&s, ""));
        let bad = || serde::de::Error::custom(format!("{BAD_AMOUNT} (got {s:?})"));
        if w.is_empty()
            || f.len() > TOTAL_DECIMALS
            || !w.bytes().chain(f.bytes()).all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let whole: u128 = w.parse().map_err(|_| bad())?;
        let frac: u128 = format!("{f:0<9}").parse().map_err(|_| bad())?;
        whole
            .checked_mul(10u128.pow(TOTAL_DECIMALS as u32))
            .and_then(|m| m.checked_add(frac))
            .map(Total)
            .ok_or_else(bad)
    }
}

impl Serialize for Total {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Amounts are strings (spec §3); a JSON number is refused with the
        // same message, since "1250.5" written as a number may already have
        // been rounded by the sender's JSON library.
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::String(s) => Self::parse(&s).map_err(serde::de::Error::custom),
            other => Err(serde::de::Error::custom(BadAmount(other.to_string()))),
        }
    }
}

/// Serde for a remaining amount, which may be zero (a used-up batch). Only
/// the views store such amounts; statements never carry zero.
pub mod remaining {
    use super::Amount;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Writes the amount as its decimal string.
    pub fn serialize<S: Serializer>(a: &Amount, s: S) -> Result<S::Ok, S::Error> {
        a.serialize(s)
    }

    /// Reads a decimal string, `"0"` included.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Amount, D::Error> {
        let s = String::deserialize(d)?;
        if s == "0" {
            return Ok(Amount::ZERO);
        }
        Amount::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A unit of measure (spec §3).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    /// Kilograms.
    Kg,
    /// Tonnes.
    T,
    /// Litres.
    L,
    /// Pieces (fruit, birds, items).
    Piece,
    /// Boxes, cases, cartons.
    Box,
}

impl Unit {
    /// Every unit, in the order forms list them.
    pub const ALL: &'static [Unit] = &[Unit::Kg, Unit::T, Unit::L, Unit::Piece, Unit::Box];

    /// True for `piece` and `box`, the units that count packs rather than
    /// measure.
    pub fn is_count(&self) -> bool {
        matches!(self, Unit::Piece | Unit::Box)
    }

    /// The unit as written in statements.
    pub fn as_str(&self) -> &'static str {
        match self {
            Unit::Kg => "kg",
            Unit::T => "t",
            Unit::L => "l",
            Unit::Piece => "piece",
            Unit::Box => "box",
        }
    }
}

impl<'de> Deserialize<'de> for Unit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match s.as_str() {
            "kg" => Ok(Unit::Kg),
            "t" => Ok(Unit::T),
            "l" => Ok(Unit::L),
            "piece" => Ok(Unit::Piece),
            "box" => Ok(Unit::Box),
            _ => Err(serde::de::Error::custom(format!("{BAD_UNIT} (got {s:?})"))),
        }
    }
}

/// An amount with its unit: `{"amount": "1250.5", "unit": "kg"}`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quantity {
    /// How much.
    pub amount: Amount,
    /// Of what unit.
    pub unit: Unit,
}

impl Quantity {
    /// The quantity measured exactly in tonnes or litres, where it can be:
    /// `kg` and `t` as tonnes, `l` as litres, and pieces or boxes with a
    /// net content per pack (`net`, spec §6.6) as the count times it. `None`
    /// for pieces or boxes without one.
    pub fn measured(&self, net: Option<&Quantity>) -> Option<(Unit, Total)> {
        let milli = u128::from(self.amount.0);
        match self.unit {
            Unit::T => Some((Unit::T, Total(milli * NANO_PER_MILLI))),
            Unit::Kg => Some((Unit::T, Total(milli * NANO_PER_MILLI / 1000))),
            Unit::L => Some((Unit::L, Total(milli * NANO_PER_MILLI))),
            Unit::Piece | Unit::Box => {
                let (unit, per_pack) = net.filter(|n| !n.unit.is_count())?.measured(None)?;
                // count/10^3 packs of per_pack/10^9 each: exact in billionths.
                let nano = milli.checked_mul(per_pack.0)? / 1000;
                Some((unit, Total(nano)))
            }
        }
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.unit.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_parse_exactly_to_thousandths() {
        assert_eq!(Amount::parse("1250.5").map(|a| a.milli()), Ok(1_250_500));
        assert_eq!(Amount::parse("0.001").map(|a| a.milli()), Ok(1));
        assert_eq!(
            Amount::parse("1000000000000").map(|a| a.milli()),
            Ok(MAX_AMOUNT_MILLI)
        );
        assert_eq!(
            Amount::parse("1250.500").map(|a| a.to_string()),
            Ok("1250.5".into())
        );
        assert_eq!(Amount::parse("3").map(|a| a.to_string()), Ok("3".into()));
        assert_eq!(
            Amount::parse("0.125").map(|a| a.to_string()),
            Ok("0.125".into())
        );
    }

    #[test]
    fn amounts_outside_the_rules_are_refused() {
        for bad in [
            "",
            "0",
            "0.000",
            "-1",
            "+1",
            "1.",
            ".5",
            "1.2345",
            "01",
            "1e3",
            " 1",
            "1,5",
            "1000000000000.001",
            "99999999999999",
            "١٢",
        ] {
            assert!(Amount::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    fn q(amount: &str, unit: Unit) -> Quantity {
        Quantity {
            amount: Amount::parse(amount).expect("amount"),
            unit,
        }
    }

    /// Issue 15: kilograms, tonnes and packs with a net content measure in
    /// tonnes exactly; litres stay litres; packs without a net content, or
    /// with one that is itself a count, do not convert.
    #[test]
    fn quantities_convert_to_tonnes_exactly() {
        let t = |x: Option<(Unit, Total)>| x.map(|(u, t)| (u, t.to_string()));
        assert_eq!(
            t(q("1250.5", Unit::Kg).measured(None)),
            Some((Unit::T, "1.2505".into()))
        );
        assert_eq!(
            t(q("0.001", Unit::Kg).measured(None)),
            Some((Unit::T, "0.000001".into()))
        );
        assert_eq!(
            t(q("9.51", Unit::T).measured(None)),
            Some((Unit::T, "9.51".into()))
        );
        let five_kg = q("5", Unit::Kg);
        assert_eq!(
            t(q("1902", Unit::Piece).measured(Some(&five_kg))),
            Some((Unit::T, "9.51".into()))
        );
        let tiny = q("0.001", Unit::Kg);
        assert_eq!(
            t(q("0.001", Unit::Box).measured(Some(&tiny))),
            Some((Unit::T, "0.000000001".into()))
        );
        let half_litre = q("0.5", Unit::L);
        assert_eq!(
            t(q("24", Unit::Box).measured(Some(&half_litre))),
            Some((Unit::L, "12".into()))
        );
        assert_eq!(t(q("40", Unit::Box).measured(None)), None);
        assert_eq!(
            t(q("40", Unit::Box).measured(Some(&q("2", Unit::Piece)))),
            None
        );
        // The largest count of the largest packs does not overflow.
        let max = q("1000000000000", Unit::T);
        assert!(
            q("1000000000000", Unit::Piece)
                .measured(Some(&max))
                .is_some()
        );
        let mut sum = Total::default();
        sum.add(Amount::parse("0.5").expect("amount"));
        sum.add_total(Total::default());
        assert_eq!(serde_json::to_string(&sum).expect("json"), r#""0.5""#);
        let back: Total = serde_json::from_str(r#""1.000000001""#).expect("9 decimals");
        assert_eq!(back.nano(), 1_000_000_001);
        assert!(serde_json::from_str::<Total>(r#""1.0000000001""#).is_err());
    }

    #[test]
    fn amounts_in_json_must_be_strings_and_units_known() {
        let q: Quantity = serde_json::from_str(r#"{"amount":"12.5","unit":"kg"}"#).expect("ok");
        assert_eq!(q.to_string(), "12.5 kg");
        let e = serde_json::from_str::<Quantity>(r#"{"amount":12.5,"unit":"kg"}"#)
            .expect_err("number refused");
        assert!(e.to_string().contains(BAD_AMOUNT), "{e}");
        let e = serde_json::from_str::<Quantity>(r#"{"amount":"0","unit":"kg"}"#)
            .expect_err("zero refused");
        assert!(e.to_string().contains(BAD_AMOUNT), "{e}");
        let e = serde_json::from_str::<Quantity>(r#"{"amount":"1","unit":"lb"}"#)
            .expect_err("unit refused");
        assert!(e.to_string().contains(BAD_UNIT), "{e}");
    }
}
