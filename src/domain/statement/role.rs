//! Who an actor is registered as ([`Role`]) and where it is ([`Region`]),
//! as `actor.register` states them (spec §6).

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
    pub fn place(&self) -> String {
        [
            self.commune.as_deref(),
            self.district.as_deref(),
            Some(self.province.as_str()),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ")
    }
}
