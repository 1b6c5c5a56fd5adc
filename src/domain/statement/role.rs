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

#[cfg(test)]
mod tests {
    use super::*;

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
