//! Who an actor is registered as ([`Role`]) and where it is ([`Region`]),
//! as `actor.register` states them (spec §6).

use crate::domain::places::{CommuneCode, Province, ProvinceCode, places};
use serde::{Deserialize, Serialize};

/// The roles an actor may be registered with (spec §6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A member household (thành viên).
    Member,
    /// A cooperative (hợp tác xã).
    Cooperative,
    /// A cooperative group (tổ hợp tác).
    CooperativeGroup,
    /// A union of cooperatives (liên hiệp HTX).
    Union,
    /// A business (doanh nghiệp).
    Business,
    /// An auditor.
    Auditor,
    /// An authority.
    Authority,
}

impl Role {
    /// Every role, in the order forms list them.
    pub const ALL: &'static [Role] = &[
        Role::Member,
        Role::Cooperative,
        Role::CooperativeGroup,
        Role::Union,
        Role::Business,
        Role::Auditor,
        Role::Authority,
    ];

    /// The role's word in a statement (its serde name).
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Cooperative => "cooperative",
            Role::CooperativeGroup => "cooperative_group",
            Role::Union => "union",
            Role::Business => "business",
            Role::Auditor => "auditor",
            Role::Authority => "authority",
        }
    }
}

/// Where an actor is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// Province or city (tỉnh/thành phố).
    pub province: String,
    /// District (huyện/quận).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district: Option<String>,
    /// Commune or ward (xã/phường).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commune: Option<String>,
}

impl Region {
    /// The place in words, smallest first: "commune, district, province".
    /// GSO codes (a format-2 region, spec §6.17) are written as the names
    /// of the 2025 map: "Phường Sóc Trăng, Thành phố Cần Thơ".
    pub fn place(&self) -> String {
        let province = self.province_name();
        [self.commune_name(), self.district.clone(), Some(province)]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The province in words: its name on the 2025 map when `province` is
    /// one of its codes, else the text as written (format 1).
    pub fn province_name(&self) -> String {
        self.coded_province()
            .map_or_else(|| self.province.clone(), |p| p.name.to_owned())
    }

    /// The commune in words: its name on the 2025 map when the province and
    /// commune are codes of it, else the text as written.
    pub fn commune_name(&self) -> Option<String> {
        let commune = self.commune.as_deref()?;
        let named = self.coded_province().and_then(|p| {
            let map = places().ok()?;
            let c = map.commune(CommuneCode::parse(commune).ok()?)?;
            (c.province == p.code).then_some(c.name)
        });
        Some(named.map_or_else(|| commune.to_owned(), str::to_owned))
    }

    /// The province of the 2025 map whose code `province` is, if any.
    pub fn coded_province(&self) -> Option<&'static Province> {
        places()
            .ok()?
            .province(ProvinceCode::parse(&self.province).ok()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 13: a coded region reads as the 2025 map's names; text stays
    /// text.
    #[test]
    fn a_coded_region_is_written_in_names() {
        let map = places().expect("places");
        let can_tho = ProvinceCode::parse("92").expect("code");
        let ward = map
            .communes_of(can_tho)
            .expect("Cần Thơ")
            .iter()
            .find(|c| c.name == "Phường Sóc Trăng")
            .expect("ward");
        let coded = Region {
            province: "92".into(),
            district: None,
            commune: Some(ward.code.to_string()),
        };
        assert_eq!(coded.place(), "Phường Sóc Trăng, Thành phố Cần Thơ");
        let text = Region {
            province: "Sóc Trăng".into(),
            district: Some("Mỹ Xuyên".into()),
            commune: None,
        };
        assert_eq!(text.place(), "Mỹ Xuyên, Sóc Trăng");
    }

    #[test]
    fn each_roles_word_is_its_serde_name() {
        for role in Role::ALL {
            assert_eq!(
                serde_json::to_value(role).expect("json"),
                serde_json::Value::from(role.as_str()),
                "{role:?}"
            );
        }
    }
}
