//! The message catalogue of the pages: one [`Texts`] per language,
//! Vietnamese ([`VI`], the default) and English ([`EN`]), shared by every
//! page (here); the linkage dashboard's and the labels sheet's own words
//! ([`DashboardTexts`], [`LabelTexts`], in `dashboard.rs`); the signing
//! app shell's ([`AppTexts`], in `app.rs`). Error sentences of the JSON API
//! (which the dashboard also shows) live in [`crate::domain::messages`].

mod app;
mod dashboard;

pub use app::{APP_EN, APP_VI, AppTexts};
pub use dashboard::{DASHBOARD_EN, DASHBOARD_VI, DashboardTexts, LABELS_EN, LABELS_VI, LabelTexts};

use crate::domain::messages::Lang;
use crate::domain::model::ActorKind;
use crate::domain::product::{Category, InspectResult, Process, Scheme};
use crate::domain::statement::{Role, StatementType};

/// Every sentence and label of the pages, in one language.
#[derive(Debug)]
pub struct Texts {
    /// BCP 47 tag.
    pub tag: &'static str,
    /// The other language's name, for the switch link.
    pub other_language: &'static str,
    /// The other language's tag.
    pub other_tag: &'static str,
    /// Page title suffix.
    pub site: &'static str,
    /// Badge before the script runs (or without it).
    pub badge_unchecked: &'static str,
    /// Badge while checking.
    pub badge_checking: &'static str,
    /// Badge when every check passed.
    pub badge_verified: &'static str,
    /// Detail after "verified"; `{leaves}`, `{size}` and `{key}` (the key id
    /// the checkpoint was verified with) are filled in.
    pub badge_detail: &'static str,
    /// Badge when a check failed.
    pub badge_failed: &'static str,
    /// What the badge means and does not mean, in one plain line (issue
    /// 15): not a safety guarantee, and a copied label verifies too.
    pub badge_explain: &'static str,
    /// Badge when every check passed on a recalled lot: never reassurance.
    pub badge_recalled: &'static str,
    /// Under a failed badge: what it means and what to do.
    pub badge_failed_why: &'static str,
    /// The link to the auditors' details: "How to check".
    pub how_to_check: &'static str,
    /// The fold of technical details: "For auditors".
    pub for_auditors: &'static str,
    /// How an auditor checks the page, in the fold.
    pub auditors_how: &'static str,
    /// "Technical reason" of a failed check, in the fold.
    pub technical_reason: &'static str,
    /// The word after an OCOP star count: "sao".
    pub stars: &'static str,
    /// "Code scanned", on the error pages.
    pub scanned_code: &'static str,
    /// The error pages' warning about counterfeits.
    pub counterfeit: &'static str,
    /// Certification and inspection schemes, in [`Scheme::ALL`] order.
    pub schemes: [&'static str; 6],
    /// "Product".
    pub product: &'static str,
    /// "Lot code".
    pub lot: &'static str,
    /// "GTIN".
    pub gtin: &'static str,
    /// "Producer".
    pub producer: &'static str,
    /// "Address".
    pub address: &'static str,
    /// "Harvested / produced".
    pub harvested: &'static str,
    /// "Origin".
    pub origin: &'static str,
    /// "Quantity".
    pub quantity: &'static str,
    /// "Expiry".
    pub expiry: &'static str,
    /// "Not stated".
    pub not_stated: &'static str,
    /// "Certifications".
    pub certifications: &'static str,
    /// "valid until".
    pub valid_until: &'static str,
    /// "OCOP stars".
    pub ocop: &'static str,
    /// "Inspections".
    pub inspections: &'static str,
    /// "The journey".
    pub journey: &'static str,
    /// "Made from".
    pub made_from: &'static str,
    /// "Corrections".
    pub corrections: &'static str,
    /// "corrects entry".
    pub corrects: &'static str,
    /// Recall banner title.
    pub recalled: &'static str,
    /// "Reason".
    pub reason: &'static str,
    /// "Signed by".
    pub signed_by: &'static str,
    /// "entry".
    pub entry: &'static str,
    /// A member household not named: "Member household of".
    pub household_of: &'static str,
    /// "commune", before a commune written as free text (a format-1
    /// ledger); a commune of the 2025 map is written by its own name, which
    /// says whether it is a commune, a ward or a special zone.
    pub commune: &'static str,
    /// "Producer household": the member household that produced the lot.
    pub household: &'static str,
    /// Beside a disclosed member name (spec §6.17) before the phone has
    /// checked it, or without JavaScript.
    pub name_unchecked: &'static str,
    /// Beside a disclosed name while the phone checks it.
    pub name_checking: &'static str,
    /// Beside a disclosed name that opens the commitment its member was
    /// registered with.
    pub name_verified: &'static str,
    /// Beside a disclosed name that does not.
    pub name_failed: &'static str,
    /// Beside a disclosed name the phone could not check (no WebCrypto,
    /// or the entries it rests on did not verify).
    pub name_cannot: &'static str,
    /// "sent to".
    pub sent_to: &'static str,
    /// The ledger footer.
    pub ledger: &'static str,
    /// "Ledger key".
    pub ledger_key: &'static str,
    /// "Data for auditors".
    pub raw_data: &'static str,
    /// The witness badge before the phone checked the cosignatures.
    pub witness_unchecked: &'static str,
    /// The witness badge when enough cosignatures verify; `{names}` is
    /// replaced by the witnesses' labels.
    pub witness_checked: &'static str,
    /// The witness badge otherwise.
    pub witness_not_yet: &'static str,
    /// The link to a step's `.tlog-proof`.
    pub download_proof: &'static str,
    /// Not-found page title.
    pub not_found_title: &'static str,
    /// Not-found page text.
    pub not_found_body: &'static str,
    /// Bad-code page title.
    pub bad_code_title: &'static str,
    /// Bad-code page text.
    pub bad_code_body: &'static str,
    /// Title of the page for any other refusal or failure (busy, too
    /// large, internal...); its text is the refusal's own sentence.
    pub failed_title: &'static str,
    /// Labels page title.
    pub labels_title: &'static str,
    /// "Scan to trace".
    pub scan_to_trace: &'static str,
    /// "Print".
    pub print: &'static str,
    /// Step names.
    pub step_create: &'static str,
    /// Shipment.
    pub step_ship: &'static str,
    /// Accepted receipt.
    pub step_received: &'static str,
    /// Refused receipt.
    pub step_refused: &'static str,
    /// Transformation.
    pub step_transform: &'static str,
    /// Inspection.
    pub step_inspect: &'static str,
    /// Recall.
    pub step_recall: &'static str,
    /// Inspection passed.
    pub pass: &'static str,
    /// Inspection failed.
    pub fail: &'static str,
    /// Roles, in [`Role`] order, then the registrar.
    pub roles: [&'static str; 8],
    /// Categories, in [`Category::ALL`] order.
    pub categories: [&'static str; 7],
    /// Processes, in [`Process::ALL`] order.
    pub processes: [&'static str; 7],
    /// Units: kg, t, l, piece, box.
    pub units: [&'static str; 5],
}

/// Tiếng Việt.
pub const VI: Texts = Texts {
    tag: "vi",
    other_language: "English",
    other_tag: "en",
    site: "Truy xuất nguồn gốc",
    badge_unchecked: "Chưa kiểm tra trên thiết bị này",
    badge_checking: "Đang kiểm tra chữ ký và bằng chứng…",
    badge_verified: "✔ Đã xác minh trên thiết bị này",
    badge_detail: "({leaves} bản ghi, trong sổ cái {size} mục, khóa {key})",
    badge_failed: "✘ KHÔNG xác minh được",
    badge_explain: "“Đã xác minh” nghĩa là mọi thông tin trên trang này đúng là điều các bên đã ký vào sổ cái, do chính điện thoại của bạn kiểm tra. Đó không phải là bảo đảm an toàn thực phẩm, và một tem bị sao chép cũng được xác minh.",
    badge_recalled: "⚠ Lô này ĐANG BỊ THU HỒI: không dùng sản phẩm",
    badge_failed_why: "Thông tin trên trang không khớp với bản ghi đã ký. Đừng tin các thông tin này: sản phẩm có thể là hàng giả. Hãy hỏi nơi bán.",
    how_to_check: "Cách kiểm tra",
    for_auditors: "Cho kiểm toán viên: chi tiết kỹ thuật",
    auditors_how: "Điện thoại kiểm tra chữ ký Ed25519 của từng bản ghi, bằng chứng Merkle (RFC 9162) dẫn đến điểm kiểm tra có chữ ký của sổ cái, và so từng thông tin trên trang với bản ghi đã ký. Có thể tải bằng chứng của từng bản ghi bên dưới và kiểm tra lại bằng công cụ riêng.",
    technical_reason: "Lý do kỹ thuật",
    stars: "sao",
    scanned_code: "Mã đã quét",
    counterfeit: "Nếu mã này nằm trên tem của một sản phẩm, sản phẩm có thể là hàng giả: đừng mua hoặc dùng, và báo cho nơi bán.",
    schemes: [
        "VietGAP",
        "GlobalGAP",
        "Hữu cơ",
        "OCOP",
        "An toàn thực phẩm",
        "Khác",
    ],
    product: "Sản phẩm",
    lot: "Mã lô",
    gtin: "Mã GTIN",
    producer: "Cơ sở sản xuất",
    address: "Địa chỉ",
    harvested: "Thời gian thu hoạch / sản xuất",
    origin: "Vùng trồng / nuôi",
    quantity: "Khối lượng lô",
    expiry: "Hạn sử dụng",
    not_stated: "Không ghi",
    certifications: "Chứng nhận",
    valid_until: "hiệu lực đến",
    ocop: "OCOP",
    inspections: "Kiểm tra, kiểm nghiệm",
    journey: "Hành trình sản phẩm",
    made_from: "Được làm từ",
    corrections: "Đính chính",
    corrects: "đính chính bản ghi",
    recalled: "SẢN PHẨM ĐANG BỊ THU HỒI",
    reason: "Lý do",
    signed_by: "Ký bởi",
    entry: "bản ghi",
    household_of: "Hộ thành viên của",
    commune: "xã",
    household: "Hộ sản xuất",
    name_unchecked: "(tên chưa được kiểm tra trên điện thoại này)",
    name_checking: "(đang kiểm tra tên…)",
    name_verified: "✔ đúng tên đã ký khi đăng ký",
    name_failed: "✘ KHÔNG phải tên đã ký khi đăng ký",
    name_cannot: "(không kiểm tra được tên trên điện thoại này)",
    sent_to: "gửi đến",
    ledger: "Sổ cái",
    ledger_key: "Khóa công khai của sổ cái",
    raw_data: "Dữ liệu cho kiểm toán viên",
    witness_unchecked: "Chưa kiểm tra xác nhận của bên chứng kiến trên thiết bị này",
    witness_checked: "✔ Đã được kiểm chứng bởi {names}",
    witness_not_yet: "Chưa được bên chứng kiến xác nhận",
    download_proof: "Tải bằng chứng",
    not_found_title: "Chưa có thông tin cho mã này",
    not_found_body: "Mã lô này chưa được ghi vào sổ cái, hoặc mã bị in sai. Nếu sản phẩm vừa được đóng gói, hãy thử lại sau; nếu vẫn không thấy, hãy hỏi nơi bán.",
    bad_code_title: "Mã không hợp lệ",
    bad_code_body: "Mã trên tem không đúng định dạng (mã lô hoặc mã GTIN sai). Hãy kiểm tra lại tem hoặc hỏi nơi bán.",
    failed_title: "Chưa thể hiển thị trang này",
    labels_title: "Tem truy xuất nguồn gốc",
    scan_to_trace: "Quét để truy xuất",
    print: "In tem",
    step_create: "Thu hoạch, tạo lô",
    step_ship: "Gửi hàng",
    step_received: "Nhận hàng",
    step_refused: "Từ chối nhận",
    step_transform: "Sơ chế, chế biến",
    step_inspect: "Kiểm tra",
    step_recall: "Thu hồi",
    pass: "Đạt",
    fail: "Không đạt",
    roles: [
        "Thành viên",
        "Hợp tác xã",
        "Tổ hợp tác",
        "Liên hiệp HTX",
        "Doanh nghiệp",
        "Tổ chức kiểm định",
        "Cơ quan quản lý",
        "Cơ quan đăng ký",
    ],
    categories: [
        "Lúa gạo",
        "Trái cây",
        "Rau",
        "Thủy sản",
        "Chăn nuôi",
        "Sản phẩm OCOP",
        "Khác",
    ],
    processes: [
        "Tách lô",
        "Gộp lô",
        "Phơi, sấy",
        "Xay xát",
        "Đóng gói",
        "Chế biến",
        "Khác",
    ],
    units: ["kg", "tấn", "lít", "cái", "hộp"],
};

/// English.
pub const EN: Texts = Texts {
    tag: "en",
    other_language: "Tiếng Việt",
    other_tag: "vi",
    site: "Product traceability",
    badge_unchecked: "Not checked on this device",
    badge_checking: "Checking signatures and proofs…",
    badge_verified: "✔ Verified on this device",
    badge_detail: "({leaves} entries, in a ledger of {size}, key {key})",
    badge_failed: "✘ NOT verified",
    badge_explain: "“Verified” means that everything on this page is what the parties signed into the ledger, as checked by your own phone. It is not a guarantee of food safety, and a copied label verifies too.",
    badge_recalled: "⚠ This lot IS RECALLED: do not use the product",
    badge_failed_why: "What this page shows does not match the signed entries. Do not trust it: the product may be counterfeit. Ask the seller.",
    how_to_check: "How to check",
    for_auditors: "For auditors: technical details",
    auditors_how: "The phone checks each entry's Ed25519 signature, its Merkle proof (RFC 9162) to the ledger's signed checkpoint, and every fact on the page against the signed entry. Each entry's proof can be downloaded below and checked with your own tools.",
    technical_reason: "Technical reason",
    stars: "stars",
    scanned_code: "Code scanned",
    counterfeit: "If this code is on a product's label, the product may be counterfeit: do not buy or use it, and tell the seller.",
    schemes: [
        "VietGAP",
        "GlobalGAP",
        "Organic",
        "OCOP",
        "Food safety",
        "Other",
    ],
    product: "Product",
    lot: "Lot code",
    gtin: "GTIN",
    producer: "Producer",
    address: "Address",
    harvested: "Harvested / produced",
    origin: "Growing area",
    quantity: "Lot size",
    expiry: "Best before",
    not_stated: "Not stated",
    certifications: "Certifications",
    valid_until: "valid until",
    ocop: "OCOP",
    inspections: "Inspections and tests",
    journey: "The product's journey",
    made_from: "Made from",
    corrections: "Corrections",
    corrects: "corrects entry",
    recalled: "THIS PRODUCT IS RECALLED",
    reason: "Reason",
    signed_by: "Signed by",
    entry: "entry",
    household_of: "Member household of",
    commune: "commune",
    household: "Producer household",
    name_unchecked: "(name not checked on this phone)",
    name_checking: "(checking the name…)",
    name_verified: "✔ the name signed at registration",
    name_failed: "✘ NOT the name signed at registration",
    name_cannot: "(the name could not be checked on this phone)",
    sent_to: "sent to",
    ledger: "Ledger",
    ledger_key: "Ledger public key",
    raw_data: "Data for auditors",
    witness_unchecked: "Witnesses not checked on this device",
    witness_checked: "✔ checked by {names}",
    witness_not_yet: "not yet witnessed",
    download_proof: "Download proof",
    not_found_title: "No information for this code yet",
    not_found_body: "This lot has not been logged in the ledger yet, or the code was misprinted. If the product was packed recently, try again later; otherwise ask the shop.",
    bad_code_title: "Invalid code",
    bad_code_body: "The code on the label is not well formed (a wrong lot code or GTIN). Check the label or ask the shop.",
    failed_title: "This page cannot be shown right now",
    labels_title: "Traceability labels",
    scan_to_trace: "Scan to trace",
    print: "Print labels",
    step_create: "Harvested, lot created",
    step_ship: "Shipped",
    step_received: "Received",
    step_refused: "Delivery refused",
    step_transform: "Processed",
    step_inspect: "Inspected",
    step_recall: "Recalled",
    pass: "Pass",
    fail: "Fail",
    roles: [
        "Member",
        "Cooperative",
        "Cooperative group",
        "Union of cooperatives",
        "Business",
        "Testing body",
        "Authority",
        "Registrar",
    ],
    categories: [
        "Rice",
        "Fruit",
        "Vegetables",
        "Seafood",
        "Livestock",
        "OCOP product",
        "Other",
    ],
    processes: [
        "Split",
        "Merge",
        "Drying",
        "Milling",
        "Packing",
        "Processing",
        "Other",
    ],
    units: ["kg", "tonnes", "litres", "pieces", "boxes"],
};

impl Texts {
    /// The catalogue of `lang`.
    pub fn of(lang: Lang) -> &'static Texts {
        match lang {
            Lang::Vi => &VI,
            Lang::En => &EN,
        }
    }

    /// An actor kind's name.
    pub fn role(&self, kind: ActorKind) -> &'static str {
        let i = match kind {
            ActorKind::Role(Role::Member) => 0,
            ActorKind::Role(Role::Cooperative) => 1,
            ActorKind::Role(Role::CooperativeGroup) => 2,
            ActorKind::Role(Role::Union) => 3,
            ActorKind::Role(Role::Business) => 4,
            ActorKind::Role(Role::Auditor) => 5,
            ActorKind::Role(Role::Authority) => 6,
            ActorKind::Registrar => 7,
        };
        self.roles[i]
    }

    /// A category's name.
    pub fn category(&self, c: Category) -> &'static str {
        let i = Category::ALL.iter().position(|x| *x == c).unwrap_or(6);
        self.categories[i]
    }

    /// A process's name.
    pub fn process(&self, p: Process) -> &'static str {
        let i = Process::ALL.iter().position(|x| *x == p).unwrap_or(6);
        self.processes[i]
    }

    /// A unit's name.
    pub fn unit(&self, u: crate::domain::quantity::Unit) -> &'static str {
        use crate::domain::quantity::Unit;
        self.units[match u {
            Unit::Kg => 0,
            Unit::T => 1,
            Unit::L => 2,
            Unit::Piece => 3,
            Unit::Box => 4,
        }]
    }

    /// A certification or inspection scheme's name.
    pub fn scheme(&self, s: Scheme) -> &'static str {
        let i = Scheme::ALL.iter().position(|x| *x == s).unwrap_or(5);
        self.schemes[i]
    }

    /// An inspection result.
    pub fn result(&self, r: InspectResult) -> &'static str {
        match r {
            InspectResult::Pass => self.pass,
            InspectResult::Fail => self.fail,
        }
    }

    /// A step's name from its statement type (and, for a receipt, whether
    /// it was accepted).
    ///
    /// A batch's history holds only batch statements; a statement of any
    /// other type has no step name (`None`).
    pub fn step(&self, kind: StatementType, accepted: Option<bool>) -> Option<&'static str> {
        match (kind, accepted) {
            (StatementType::BatchCreate, _) => Some(self.step_create),
            (StatementType::Ship, _) => Some(self.step_ship),
            (StatementType::Receive, Some(false)) => Some(self.step_refused),
            (StatementType::Receive, _) => Some(self.step_received),
            (StatementType::Transform, _) => Some(self.step_transform),
            (StatementType::Inspect, _) => Some(self.step_inspect),
            (StatementType::Recall, _) => Some(self.step_recall),
            (
                StatementType::Genesis
                | StatementType::ActorRegister
                | StatementType::RotateKey
                | StatementType::Revoke
                | StatementType::Consent
                | StatementType::ContractOffer
                | StatementType::ContractAccept
                | StatementType::Correction,
                _,
            ) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_catalogues_translate_every_label() {
        assert_ne!(VI.badge_verified, EN.badge_verified);
        assert_ne!(VI.not_found_body, EN.not_found_body);
        for (v, e) in VI.roles.iter().zip(EN.roles.iter()) {
            assert_ne!(v, e);
        }
        assert_eq!(VI.category(Category::Rice), "Lúa gạo");
        assert_eq!(EN.process(Process::Milling), "Milling");
        assert!(VI.badge_detail.contains("{leaves}") && EN.badge_detail.contains("{size}"));
        // Issue 13: the name's check reads apart in every state.
        for t in [&VI, &EN] {
            let states = [
                t.name_unchecked,
                t.name_checking,
                t.name_verified,
                t.name_failed,
                t.name_cannot,
            ];
            let distinct: std::collections::BTreeSet<_> = states.iter().collect();
            assert_eq!(distinct.len(), states.len());
        }
        assert_ne!(VI.name_verified, EN.name_verified);
        // Issue 14: the witness badge names the witnesses in both.
        assert!(VI.witness_checked.contains("{names}") && EN.witness_checked.contains("{names}"));
        assert_ne!(VI.witness_not_yet, EN.witness_not_yet);
    }
}
