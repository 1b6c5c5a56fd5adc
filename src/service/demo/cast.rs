//! The demo's sample actors: the cooperatives, their member households,
//! the businesses, the auditor and the authorities, with the names and
//! places `actor.register` gives them.

use crate::domain::statement::Role;

/// A sample actor, registered by the registrar (members: by their
/// cooperative).
#[derive(Debug, Clone, Copy)]
pub struct SampleActor {
    /// Actor id (never a person's name).
    pub id: &'static str,
    /// Role.
    pub role: Role,
    /// Name.
    pub name: &'static str,
    /// Province.
    pub province: &'static str,
    /// District.
    pub district: &'static str,
    /// Commune (or ward), when given.
    pub commune: Option<&'static str>,
    /// A member's cooperative.
    pub cooperative: Option<&'static str>,
    /// A member's consent to be named on public pages.
    pub public: bool,
}

const fn org(
    id: &'static str,
    role: Role,
    name: &'static str,
    province: &'static str,
    district: &'static str,
    commune: Option<&'static str>,
) -> SampleActor {
    SampleActor {
        id,
        role,
        name,
        province,
        district,
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
        district: coop.district,
        commune: coop.commune,
        cooperative: Some(coop.id),
        public,
    }
}

pub(super) const RICE_COOP: SampleActor = org(
    "htx-lua-gia-hoa",
    Role::Cooperative,
    "HTX Nông nghiệp Lúa – Tôm Gia Hòa",
    "Sóc Trăng",
    "Mỹ Xuyên",
    Some("Gia Hòa 1"),
);
pub(super) const LYCHEE_COOP: SampleActor = org(
    "htx-vai-phuong-nam",
    Role::Cooperative,
    "HTX Vải thiều Phượng Nam",
    "Bắc Giang",
    "Lục Ngạn",
    Some("Phượng Sơn"),
);
pub(super) const SHRIMP_COOP: SampleActor = org(
    "htx-tom-tan-hung",
    Role::Cooperative,
    "HTX Nuôi tôm sinh thái Tân Hưng",
    "Cà Mau",
    "Cái Nước",
    Some("Tân Hưng"),
);
pub(super) const TAN_LAP_COOP: SampleActor = org(
    "htx-tan-lap",
    Role::Cooperative,
    "HTX Dịch vụ Nông nghiệp Tân Lập",
    "Thái Bình",
    "Vũ Thư",
    Some("Tân Lập"),
);
pub(super) const RICE_BUYER: &str = "dn-gao-viet-xanh";
pub(super) const FRUIT_BUYER: &str = "dn-trai-cay-kinh-bac";
pub(super) const SEAFOOD_BUYER: &str = "dn-thuy-san-mekong";
pub(super) const AUDITOR: &str = "tt-chung-nhan-nong-san";
pub(super) const AUTHORITY_BAC_GIANG: &str = "chi-cuc-qlcl-bac-giang";
pub(super) const AUTHORITY_CA_MAU: &str = "chi-cuc-qlcl-ca-mau";
pub(super) const AUTHORITY_THAI_BINH: &str = "chi-cuc-qlcl-thai-binh";

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
        "TP. Hồ Chí Minh",
        "TP. Thủ Đức",
        Some("Linh Trung"),
    ),
    org(
        FRUIT_BUYER,
        Role::Business,
        "Công ty TNHH Trái cây Kinh Bắc",
        "Bắc Ninh",
        "Từ Sơn",
        Some("Đồng Nguyên"),
    ),
    org(
        SEAFOOD_BUYER,
        Role::Business,
        "Công ty CP Thủy sản Mekong Xanh",
        "Cần Thơ",
        "Ninh Kiều",
        Some("An Hòa"),
    ),
    org(
        AUDITOR,
        Role::Auditor,
        "Trung tâm Chứng nhận Chất lượng Nông sản",
        "Hà Nội",
        "Long Biên",
        None,
    ),
    org(
        AUTHORITY_BAC_GIANG,
        Role::Authority,
        "Chi cục Quản lý chất lượng Nông lâm sản và Thủy sản Bắc Giang",
        "Bắc Giang",
        "TP. Bắc Giang",
        None,
    ),
    org(
        AUTHORITY_CA_MAU,
        Role::Authority,
        "Chi cục Quản lý chất lượng Nông lâm sản và Thủy sản Cà Mau",
        "Cà Mau",
        "TP. Cà Mau",
        None,
    ),
    org(
        AUTHORITY_THAI_BINH,
        Role::Authority,
        "Chi cục Quản lý chất lượng Nông lâm sản và Thủy sản Thái Bình",
        "Thái Bình",
        "TP. Thái Bình",
        None,
    ),
    member("tv-st25-01", "Hộ ông Trần Văn Hải", &RICE_COOP, true),
    member("tv-st25-02", "Hộ bà Lâm Thị Sương", &RICE_COOP, false),
    member("tv-st25-03", "Hộ ông Thạch Văn Phước", &RICE_COOP, true),
    member("tv-vai-ps-01", "Hộ ông Lê Văn Cường", &LYCHEE_COOP, false),
    member("tv-tom-th-01", "Hộ bà Phạm Thị Dung", &SHRIMP_COOP, true),
    member(
        "tv-tan-lap-01",
        "Hộ ông Nguyễn Văn An",
        &TAN_LAP_COOP,
        false,
    ),
];
