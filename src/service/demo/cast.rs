//! The demo's sample actors: the cooperatives, their member households,
//! the businesses, the auditor and the authorities, with their names and
//! their places on the 2025 map (spec §6.17): a province and a commune,
//! ward or special zone, by the names `domain::places` writes (the demo
//! looks their GSO codes up there; no code is typed here). Since 1 July
//! 2025 Sóc Trăng is part of Cần Thơ, Bắc Giang of Bắc Ninh, Thái Bình of
//! Hưng Yên and Bạc Liêu of Cà Mau, and there are no districts.
//!
//! Member ids are opaque (`tv-` and ten base-32 characters drawn once at
//! random, as the signing app draws them): an id is public in the log, so
//! it must not be made from a household's name. A member's name is here,
//! in the demo's source, and reaches the ledger only if the household
//! consented (`public`), and then only as a disclosure beside its consent.

use crate::domain::statement::Role;

/// A sample actor, registered by the registrar (members: by their
/// cooperative).
#[derive(Debug, Clone, Copy)]
pub struct SampleActor {
    /// Actor id (never a person's name).
    pub id: &'static str,
    /// Role.
    pub role: Role,
    /// Name: public for an organisation; a member household's, only with
    /// its consent ([`SampleActor::public`]).
    pub name: &'static str,
    /// Province, by its name on the 2025 map (`Thành phố Cần Thơ`).
    pub province: &'static str,
    /// Commune, ward or special zone of that province, by its name on the
    /// 2025 map (`Xã Gia Hòa`), when given.
    pub commune: Option<&'static str>,
    /// A member's cooperative.
    pub cooperative: Option<&'static str>,
    /// A member household's consent to be named on public pages (logged
    /// as `actor.consent`, its name disclosed beside it).
    pub public: bool,
}

const fn org(
    id: &'static str,
    role: Role,
    name: &'static str,
    province: &'static str,
    commune: Option<&'static str>,
) -> SampleActor {
    SampleActor {
        id,
        role,
        name,
        province,
        commune,
        cooperative: None,
        public: true,
    }
}

const fn member(
    id: &'static str,
    name: &'static str,
    coop: &'static SampleActor,
    public: bool,
) -> SampleActor {
    SampleActor {
        id,
        role: Role::Member,
        name,
        province: coop.province,
        commune: coop.commune,
        cooperative: Some(coop.id),
        public,
    }
}

pub(super) const RICE_COOP: SampleActor = org(
    "htx-lua-gia-hoa",
    Role::Cooperative,
    "HTX Nông nghiệp Lúa – Tôm Gia Hòa",
    "Thành phố Cần Thơ",
    Some("Xã Gia Hòa"),
);
pub(super) const LYCHEE_COOP: SampleActor = org(
    "htx-vai-phuong-nam",
    Role::Cooperative,
    "HTX Vải thiều Phượng Nam",
    "Bắc Ninh",
    Some("Phường Phượng Sơn"),
);
pub(super) const SHRIMP_COOP: SampleActor = org(
    "htx-tom-tan-hung",
    Role::Cooperative,
    "HTX Nuôi tôm sinh thái Tân Hưng",
    "Cà Mau",
    Some("Xã Tân Hưng"),
);
pub(super) const TAN_LAP_COOP: SampleActor = org(
    "htx-tan-lap",
    Role::Cooperative,
    "HTX Dịch vụ Nông nghiệp Tân Lập",
    "Hưng Yên",
    Some("Xã Vũ Thư"),
);
pub(super) const RICE_BUYER: &str = "dn-gao-viet-xanh";
pub(super) const FRUIT_BUYER: &str = "dn-trai-cay-kinh-bac";
pub(super) const SEAFOOD_BUYER: &str = "dn-thuy-san-mekong";
pub(super) const AUDITOR: &str = "tt-chung-nhan-nong-san";
pub(super) const AUTHORITY_BAC_NINH: &str = "chi-cuc-qlcl-bac-ninh";
pub(super) const AUTHORITY_CA_MAU: &str = "chi-cuc-qlcl-ca-mau";
pub(super) const AUTHORITY_HUNG_YEN: &str = "chi-cuc-qlcl-hung-yen";

/// The ST25 rice households of the Gia Hòa cooperative (two consented to
/// be named).
pub(super) const RICE_MEMBERS: [&str; 3] = ["tv-ie6qikkccq", "tv-xx65pl7sua", "tv-xk3u7x3pq4"];
/// The lychee household of the Phượng Nam cooperative (not named).
pub(super) const LYCHEE_MEMBER: &str = "tv-voiweos6o3";
/// The shrimp household of the Tân Hưng cooperative (named).
pub(super) const SHRIMP_MEMBER: &str = "tv-otvxdgj2w5";
/// The Tân Lập household whose paddy is recalled (not named).
pub(super) const TAN_LAP_MEMBER: &str = "tv-jucusuliy6";

/// The sample actors, in registration order (cooperatives before their
/// members).
pub const ACTORS: &[SampleActor] = &[
    RICE_COOP,
    LYCHEE_COOP,
    SHRIMP_COOP,
    TAN_LAP_COOP,
    org(
        RICE_BUYER,
        Role::Business,
        "Công ty CP Gạo Việt Xanh",
        "Thành phố Hồ Chí Minh",
        Some("Phường Linh Xuân"),
    ),
    org(
        FRUIT_BUYER,
        Role::Business,
        "Công ty TNHH Trái cây Kinh Bắc",
        "Bắc Ninh",
        Some("Phường Đồng Nguyên"),
    ),
    org(
        SEAFOOD_BUYER,
        Role::Business,
        "Công ty CP Thủy sản Mekong Xanh",
        "Thành phố Cần Thơ",
        Some("Phường Ninh Kiều"),
    ),
    org(
        AUDITOR,
        Role::Auditor,
        "Trung tâm Chứng nhận Chất lượng Nông sản",
        "Thành phố Hà Nội",
        Some("Phường Long Biên"),
    ),
    org(
        AUTHORITY_BAC_NINH,
        Role::Authority,
        "Chi cục Quản lý chất lượng Nông lâm sản và Thủy sản Bắc Ninh",
        "Bắc Ninh",
        None,
    ),
    org(
        AUTHORITY_CA_MAU,
        Role::Authority,
        "Chi cục Quản lý chất lượng Nông lâm sản và Thủy sản Cà Mau",
        "Cà Mau",
        None,
    ),
    org(
        AUTHORITY_HUNG_YEN,
        Role::Authority,
        "Chi cục Quản lý chất lượng Nông lâm sản và Thủy sản Hưng Yên",
        "Hưng Yên",
        None,
    ),
    member(RICE_MEMBERS[0], "Hộ ông Trần Văn Hải", &RICE_COOP, true),
    member(RICE_MEMBERS[1], "Hộ bà Lâm Thị Sương", &RICE_COOP, false),
    member(RICE_MEMBERS[2], "Hộ ông Thạch Văn Phước", &RICE_COOP, true),
    member(LYCHEE_MEMBER, "Hộ ông Lê Văn Cường", &LYCHEE_COOP, false),
    member(SHRIMP_MEMBER, "Hộ bà Phạm Thị Dung", &SHRIMP_COOP, true),
    member(TAN_LAP_MEMBER, "Hộ ông Nguyễn Văn An", &TAN_LAP_COOP, false),
];
