//! What a ledger's format requires (spec §6.17): format 1 keeps the rules it
//! was written under, so an old ledger replays to the same decisions;
//! format 2 keeps personal data out of the log.
//!
//! - a member's registration carries `name_commit`, never a plain `name`
//!   (`member_name_in_log`) nor `public` (consent is `actor.consent`);
//! - a `region` is a GSO province code and, optionally, a commune code of
//!   that province, with no district (`unknown_province`, `unknown_commune`,
//!   each naming the closest unit);
//! - `origin.lat` and `origin.lon` have at most [`MAX_COORDINATE_DECIMALS`]
//!   decimals (`too_precise`).
//!
//! A format-1 ledger refuses what only format 2 knows (`actor.consent`,
//! `name_commit`, `plot_commit`) with `needs_format_2`.

use super::{ApplyError, View, refuse};
use crate::domain::messages::Code;
use crate::domain::places::{CommuneCode, ProvinceCode, places};
use crate::domain::product::Origin;
use crate::domain::statement::{ActorRegister, LedgerFormat, Region, Role};
use crate::domain::view::ViewError;

/// Most decimals of `origin.lat` and `origin.lon` on a format-2 ledger:
/// 0.01° is about 1.1 km of latitude.
pub const MAX_COORDINATE_DECIMALS: u32 = 2;

/// The ledger's format, from its genesis (format 1 before there is one).
pub(super) fn of<V: View>(view: &V) -> Result<LedgerFormat, ApplyError> {
    Ok(view.ledger()?.map(|l| l.format).unwrap_or_default())
}

fn needs_v2<T>(what: &str) -> Result<T, ApplyError> {
    refuse(Code::NeedsFormat2, what.to_owned())
}

/// A registration's fields, as the ledger's format wants them.
pub(super) fn register(format: LedgerFormat, a: &ActorRegister) -> Result<(), ApplyError> {
    match format {
        LedgerFormat::V1 if a.name_commit.is_some() => needs_v2("name_commit"),
        LedgerFormat::V1 => Ok(()),
        LedgerFormat::V2 if a.role == Role::Member && a.name.is_some() => {
            refuse(Code::MemberNameInLog, format!("member {}", a.id))
        }
        LedgerFormat::V2 if a.public.is_some() => refuse(
            Code::MalformedStatement,
            "public: a format-2 ledger takes consent as actor.consent",
        ),
        LedgerFormat::V2 => region(format, &a.region),
    }
}

/// A region: free text on format 1; GSO codes on format 2.
pub(super) fn region(format: LedgerFormat, r: &Region) -> Result<(), ApplyError> {
    if format == LedgerFormat::V1 {
        return Ok(());
    }
    if r.district.is_some() {
        return refuse(
            Code::MalformedStatement,
            "region.district: there are no districts since 1 July 2025; give province and commune codes",
        );
    }
    let map = places().map_err(|e| ViewError(e.to_string()))?;
    let province = ProvinceCode::parse(&r.province)
        .ok()
        .filter(|p| map.province(*p).is_some());
    let Some(province) = province else {
        let closest = map
            .suggest_province(&r.province)
            .map(|(code, name)| format!("; closest is {code} {name}"))
            .unwrap_or_default();
        return refuse(
            Code::UnknownProvince,
            format!("province {:?}{closest}", r.province),
        );
    };
    let Some(commune) = &r.commune else {
        return Ok(());
    };
    let known = CommuneCode::parse(commune)
        .ok()
        .and_then(|c| map.commune(c))
        .is_some_and(|c| c.province == province);
    if known {
        return Ok(());
    }
    let closest = map
        .suggest_commune(province, commune)
        .map(|(code, name)| format!("; closest is {code} {name}"))
        .unwrap_or_default();
    refuse(
        Code::UnknownCommune,
        format!("commune {commune:?} of province {province}{closest}"),
    )
}

/// An origin: coordinates coarse, and `plot_commit` only on format 2.
pub(super) fn origin(format: LedgerFormat, o: &Origin) -> Result<(), ApplyError> {
    match format {
        LedgerFormat::V1 if o.plot_commit.is_some() => needs_v2("origin.plot_commit"),
        LedgerFormat::V1 => Ok(()),
        LedgerFormat::V2 => {
            for (field, x) in [("origin.lat", o.lat), ("origin.lon", o.lon)] {
                if let Some(x) = x.filter(|x| !coarse(*x)) {
                    return refuse(
                        Code::TooPrecise,
                        format!("{field} {x}: at most {MAX_COORDINATE_DECIMALS} decimals"),
                    );
                }
            }
            Ok(())
        }
    }
}

/// Whether `x` has at most [`MAX_COORDINATE_DECIMALS`] decimals. Exact for
/// the value a JSON number with that many decimals parses to: the product
/// rounds back to the integer, and the integer divided by a power of ten is
/// correctly rounded to the same nearest double.
pub fn coarse(x: f64) -> bool {
    let scale = f64::from(10u32.pow(MAX_COORDINATE_DECIMALS));
    (x * scale).round() / scale == x
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Invariant: a coordinate is coarse exactly when its decimal text has at
    /// most two decimals (after dropping trailing zeros), over every
    /// latitude from -90 to 90 in steps of 0.001.
    #[test]
    fn coarse_is_exactly_two_decimals_or_fewer() {
        for milli in -90_000i32..=90_000 {
            let text = format!("{}.{:03}", milli / 1000, (milli % 1000).abs());
            let text = if milli < 0 && milli > -1000 {
                format!("-{text}")
            } else {
                text
            };
            let x: f64 = text.parse().expect("number");
            assert_eq!(coarse(x), milli % 10 == 0, "{text}");
        }
    }

    #[test]
    fn a_region_on_format_2_takes_only_codes_of_the_2025_map() {
        let r = |p: &str, c: Option<&str>| Region {
            province: p.into(),
            district: None,
            commune: c.map(Into::into),
        };
        let code = |r: Region| match region(LedgerFormat::V2, &r) {
            Err(ApplyError::Refused(x)) => Some((x.code, x.detail.unwrap_or_default())),
            Ok(()) => None,
            Err(e) => panic!("{e}"),
        };
        // Cần Thơ (92) and one of its wards, Phường Sóc Trăng.
        let map = places().expect("places");
        let soc_trang = map
            .communes_of(ProvinceCode::parse("92").expect("code"))
            .expect("Cần Thơ")
            .iter()
            .find(|c| c.name == "Phường Sóc Trăng")
            .expect("ward");
        assert_eq!(code(r("92", Some(&soc_trang.code.to_string()))), None);
        assert_eq!(code(r("92", None)), None);
        let (c, detail) = code(r("Cần Thơ", None)).expect("refused");
        assert_eq!(c, Code::UnknownProvince);
        assert!(detail.contains("92 Thành phố Cần Thơ"), "{detail}");
        let (c, detail) = code(r("92", Some("Sóc Trăng"))).expect("refused");
        assert_eq!(c, Code::UnknownCommune);
        assert!(detail.contains("Phường Sóc Trăng"), "{detail}");
        // A commune of another province is not one of this province's.
        assert_eq!(
            code(r("1", Some(&soc_trang.code.to_string()))).map(|x| x.0),
            Some(Code::UnknownCommune)
        );
        let mut with_district = r("92", None);
        with_district.district = Some("Mỹ Xuyên".into());
        assert_eq!(
            code(with_district).map(|x| x.0),
            Some(Code::MalformedStatement)
        );
        // Format 1 keeps free text.
        assert!(region(LedgerFormat::V1, &r("Sóc Trăng", Some("Mỹ Xuyên"))).is_ok());
    }
}
