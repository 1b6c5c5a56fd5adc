//! The message catalogue of the buyer's pages: one [`Texts`] per language,
//! Vietnamese ([`VI`], the default) and English ([`EN`]). Error sentences of
//! the JSON API live in [`crate::domain::messages`].

use crate::domain::messages::Lang;
use crate::domain::model::ActorKind;
use crate::domain::product::{Category, InspectResult, Process};
use crate::domain::statement::Role;

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
    /// What the badge means.
    pub badge_explain: &'static str,
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
    /// "commune".
    pub commune: &'static str,
    /// "sent to".
    pub sent_to: &'static str,
    /// The ledger footer.
    pub ledger: &'static str,
    /// "Ledger key".
    pub ledger_key: &'static str,
    /// "Data for auditors".
    pub raw_data: &'static str,
    /// Not-found page title.
    pub not_found_title: &'static str,
    /// Not-found page text.
    pub not_found_body: &'static str,
    /// Bad-code page title.
    pub bad_code_title: &'static str,
    /// Bad-code page text.
    pub bad_code_body: &'static str,
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
    badge_explain: "Điện thoại của bạn tự kiểm tra chữ ký số của từng bước, bằng chứng Merkle và điểm kiểm tra có chữ ký của sổ cái.",
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
    sent_to: "gửi đến",
    ledger: "Sổ cái",
    ledger_key: "Khóa công khai của sổ cái",
    raw_data: "Dữ liệu cho kiểm toán viên",
    not_found_title: "Chưa có thông tin cho mã này",
    not_found_body: "Mã lô này chưa được ghi vào sổ cái, hoặc mã bị in sai. Nếu sản phẩm vừa được đóng gói, hãy thử lại sau; nếu vẫn không thấy, hãy hỏi nơi bán.",
    bad_code_title: "Mã không hợp lệ",
    bad_code_body: "Mã trên tem không đúng định dạng (mã lô hoặc mã GTIN sai). Hãy kiểm tra lại tem hoặc hỏi nơi bán.",
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
    badge_explain: "Your phone checks each step's digital signature, the Merkle proofs and the ledger's signed checkpoint itself.",
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
    sent_to: "sent to",
    ledger: "Ledger",
    ledger_key: "Ledger public key",
    raw_data: "Data for auditors",
    not_found_title: "No information for this code yet",
    not_found_body: "This lot has not been logged in the ledger yet, or the code was misprinted. If the product was packed recently, try again later; otherwise ask the shop.",
    bad_code_title: "Invalid code",
    bad_code_body: "The code on the label is not well formed (a wrong lot code or GTIN). Check the label or ask the shop.",
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
    units: ["kg", "t", "l", "pieces", "boxes"],
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

    /// An inspection result.
    pub fn result(&self, r: InspectResult) -> &'static str {
        match r {
            InspectResult::Pass => self.pass,
            InspectResult::Fail => self.fail,
        }
    }

    /// A step's name from its statement type (and, for a receipt, whether
    /// it was accepted).
    pub fn step(&self, kind: &str, accepted: Option<bool>) -> &'static str {
        match (kind, accepted) {
            ("batch.create", _) => self.step_create,
            ("batch.ship", _) => self.step_ship,
            ("batch.receive", Some(false)) => self.step_refused,
            ("batch.receive", _) => self.step_received,
            ("batch.transform", _) => self.step_transform,
            ("batch.inspect", _) => self.step_inspect,
            _ => self.step_recall,
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
    }
}
