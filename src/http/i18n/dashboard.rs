//! The linkage dashboard's words ([`DashboardTexts`]) and the labels
//! sheet's own ([`LabelTexts`]), in Vietnamese and English.

use crate::domain::messages::Lang;

/// The words of the linkage dashboard (`GET /linkage`), in one language.
/// `{n}`, `{gap}`, `{shown}` and `{hidden}` are filled in by the page.
#[derive(Debug)]
pub struct DashboardTexts {
    /// Page title.
    pub title: &'static str,
    /// What the page shows.
    pub intro: &'static str,
    /// "Period".
    pub period: &'static str,
    /// "From".
    pub from: &'static str,
    /// "To".
    pub to: &'static str,
    /// "Province".
    pub province: &'static str,
    /// The province select's "all" choice.
    pub all_provinces: &'static str,
    /// After a province text that names no province of the 2025 map.
    pub not_official: &'static str,
    /// "Product category".
    pub category: &'static str,
    /// The select's "all" choice.
    pub all_categories: &'static str,
    /// The form's button.
    pub show: &'static str,
    /// Title of the error box.
    pub error_title: &'static str,
    /// "Cooperatives".
    pub cooperatives: &'static str,
    /// "Collective economic organisations".
    pub collective: &'static str,
    /// "Collective organisations", short enough for a chart label.
    pub collective_short: &'static str,
    /// What counts as a collective organisation.
    pub collective_note: &'static str,
    /// "Registered".
    pub registered: &'static str,
    /// "Linked".
    pub linked: &'static str,
    /// "Share linked".
    pub share: &'static str,
    /// "How they are linked".
    pub routes: &'static str,
    /// Linked through a contract.
    pub by_contract: &'static str,
    /// Linked through a delivery a business accepted.
    pub by_shipment: &'static str,
    /// Members whose produce reached a business.
    pub members: &'static str,
    /// "of {n} members".
    pub members_of: &'static str,
    /// Volume delivered to businesses.
    pub volume: &'static str,
    /// "Amount".
    pub amount: &'static str,
    /// "Deliveries".
    pub deliveries: &'static str,
    /// No delivery in the period.
    pub no_volume: &'static str,
    /// The unit each category's volume is in (spec §9.4).
    pub volume_note: &'static str,
    /// After packs that could not be converted to tonnes.
    pub volume_unconverted: &'static str,
    /// Digital transformation, the heading.
    pub digital: &'static str,
    /// What counts as digital transformation (spec §9.7).
    pub digital_definition: &'static str,
    /// "Signed at least one statement".
    pub digital_signed: &'static str,
    /// The target without a year: `{target}`.
    pub digital_target: &'static str,
    /// The target with a year: `{target}`, `{year}`.
    pub digital_target_year: &'static str,
    /// A table column: digital transformation of cooperatives.
    pub digital_cooperatives: &'static str,
    /// A table column: digital transformation of collective organisations.
    pub digital_collective: &'static str,
    /// Progress chart title.
    pub chart_targets: &'static str,
    /// Month chart title.
    pub chart_month: &'static str,
    /// Category chart title.
    pub chart_category: &'static str,
    /// Province chart title.
    pub chart_province: &'static str,
    /// How to read the month chart.
    pub month_desc: &'static str,
    /// The month chart's definition, written beside it (spec §9.3).
    pub month_definition: &'static str,
    /// A table row of the month chart: `{to}`, the window's last day.
    pub month_window: &'static str,
    /// The note on a partial month: `{to}`, its last day counted.
    pub month_partial: &'static str,
    /// A month without data, in the table.
    pub month_no_data: &'static str,
    /// How to read a bar chart.
    pub bars_desc: &'static str,
    /// How to read the progress chart.
    pub targets_desc: &'static str,
    /// Provinces left out of the chart: `{shown}`, `{hidden}`.
    pub provinces_hidden: &'static str,
    /// Nothing to draw.
    pub no_data: &'static str,
    /// "Target".
    pub target: &'static str,
    /// "Now".
    pub now: &'static str,
    /// "Met".
    pub met: &'static str,
    /// A target not met, cooperatives: `{gap}` points, `{n}` more.
    pub needed_cooperatives: &'static str,
    /// A target not met, collective organisations.
    pub needed_collective: &'static str,
    /// A target not met, short enough for a chart: `{gap}`, `{n}`.
    pub needed_short: &'static str,
    /// "Month".
    pub month: &'static str,
    /// The CSV link.
    pub download_csv: &'static str,
    /// The JSON link.
    pub json: &'static str,
    /// Where the figures come from: `{size}` entries.
    pub source: &'static str,
    /// Decimal separator.
    pub decimal: char,
    /// Thousands separator.
    pub thousands: char,
}

/// Bảng điều khiển liên kết chuỗi giá trị.
pub const DASHBOARD_VI: DashboardTexts = DashboardTexts {
    title: "Liên kết chuỗi giá trị",
    intro: "Số hợp tác xã và tổ chức kinh tế tập thể liên kết với doanh nghiệp theo chuỗi giá trị, so với mục tiêu đến năm 2030 và 2045.",
    period: "Kỳ báo cáo",
    from: "Từ ngày",
    to: "Đến ngày",
    province: "Tỉnh, thành phố",
    all_provinces: "Tất cả",
    not_official: "không có trong danh mục tỉnh, thành phố",
    category: "Nhóm sản phẩm",
    all_categories: "Tất cả",
    show: "Xem số liệu",
    error_title: "Không xem được số liệu",
    cooperatives: "Hợp tác xã",
    collective: "Tổ chức kinh tế tập thể",
    collective_short: "Tổ chức KTTT",
    collective_note: "Hợp tác xã, tổ hợp tác và liên hiệp hợp tác xã.",
    registered: "Đã đăng ký",
    linked: "Có liên kết",
    share: "Tỷ lệ liên kết",
    routes: "Hình thức liên kết",
    by_contract: "Qua hợp đồng liên kết",
    by_shipment: "Qua lô hàng doanh nghiệp đã nhận",
    members: "Thành viên có nông sản đến doanh nghiệp",
    members_of: "trên {n} thành viên",
    volume: "Sản lượng giao cho doanh nghiệp",
    amount: "Sản lượng",
    deliveries: "Số lần giao",
    no_volume: "Trong kỳ chưa có lô hàng nào được doanh nghiệp nhận.",
    volume_note: "Lúa gạo, trái cây, rau, thủy sản và chăn nuôi tính bằng tấn (lô tính bằng cái hoặc hộp được quy đổi theo khối lượng tịnh mỗi gói); hàng tính bằng lít giữ nguyên lít; OCOP và nhóm khác giữ đơn vị của lô hàng. Các đơn vị khác nhau không bao giờ được cộng chung.",
    volume_unconverted: "chưa quy đổi được ra tấn vì lô không ghi khối lượng tịnh mỗi cái hoặc hộp",
    digital: "Chuyển đổi số",
    digital_definition: "Cách tính: trong số tổ chức đã đăng ký (như với số liệu liên kết), tỷ lệ đã tự ký bằng khóa của mình ít nhất một bản khai (bất kỳ loại nào) trong kỳ.",
    digital_signed: "Đã tự ký ít nhất một bản khai",
    digital_target: "Mục tiêu của kế hoạch tỉnh: {target}",
    digital_target_year: "Mục tiêu của kế hoạch tỉnh đến năm {year}: {target}",
    digital_cooperatives: "Chuyển đổi số (HTX)",
    digital_collective: "Chuyển đổi số (tổ chức KTTT)",
    chart_targets: "Tiến độ so với mục tiêu",
    chart_month: "Tỷ lệ hợp tác xã liên kết trong 12 tháng tính đến cuối mỗi tháng",
    chart_category: "Tỷ lệ hợp tác xã liên kết theo nhóm sản phẩm",
    chart_province: "Tỷ lệ hợp tác xã liên kết theo tỉnh, thành phố",
    month_desc: "Mỗi điểm là tỷ lệ hợp tác xã liên kết trong 12 tháng tính đến cuối tháng đó; đường đứt nét là mục tiêu.",
    month_definition: "Cách tính: trong số hợp tác xã đã đăng ký vào cuối tháng, tỷ lệ có liên kết với doanh nghiệp (hợp đồng còn hiệu lực hoặc lô hàng doanh nghiệp đã nhận) vào một lúc nào đó trong 12 tháng tính đến cuối tháng đó. Tháng chưa có hợp tác xã nào đăng ký được để trống, không tính là 0%.",
    month_window: "12 tháng đến {to}",
    month_partial: "* Tháng chưa trọn: chỉ tính đến ngày {to}.",
    month_no_data: "Chưa có số liệu",
    bars_desc: "Mỗi thanh là tỷ lệ hợp tác xã liên kết (số liên kết/số đăng ký); đường đứt nét là mục tiêu.",
    targets_desc: "Phần đậm là tỷ lệ đã đạt, phần sọc là khoảng còn thiếu đến vạch mục tiêu.",
    provinces_hidden: "Biểu đồ hiện {shown} tỉnh, thành phố có nhiều hợp tác xã nhất; {hidden} tỉnh, thành phố khác có trong bảng và tệp CSV.",
    no_data: "Chưa có tổ chức nào đăng ký trong kỳ này.",
    target: "Mục tiêu",
    now: "Hiện nay",
    met: "Đã đạt mục tiêu",
    needed_cooperatives: "Còn thiếu {gap} điểm phần trăm: cần thêm {n} hợp tác xã liên kết",
    needed_collective: "Còn thiếu {gap} điểm phần trăm: cần thêm {n} tổ chức liên kết",
    needed_short: "Thiếu {gap} điểm %, cần thêm {n}",
    month: "Tháng",
    download_csv: "Tải bảng số liệu (CSV)",
    json: "Dữ liệu JSON",
    source: "Tính từ sổ cái gồm {size} bản ghi.",
    decimal: ',',
    thousands: '.',
};

/// The value-chain linkage dashboard.
pub const DASHBOARD_EN: DashboardTexts = DashboardTexts {
    title: "Value-chain linkage",
    intro: "How many cooperatives and collective economic organisations are linked with businesses by value chain, against the targets for 2030 and 2045.",
    period: "Period",
    from: "From",
    to: "To",
    province: "Province or city",
    all_provinces: "All",
    not_official: "not on the list of provinces",
    category: "Product category",
    all_categories: "All",
    show: "Show figures",
    error_title: "The figures cannot be shown",
    cooperatives: "Cooperatives",
    collective: "Collective economic organisations",
    collective_short: "Collective organisations",
    collective_note: "Cooperatives, cooperative groups and unions of cooperatives.",
    registered: "Registered",
    linked: "Linked",
    share: "Share linked",
    routes: "How they are linked",
    by_contract: "By a linkage contract",
    by_shipment: "By a delivery a business accepted",
    members: "Members whose produce reached a business",
    members_of: "of {n} members",
    volume: "Volume delivered to businesses",
    amount: "Amount",
    deliveries: "Deliveries",
    no_volume: "No delivery was accepted by a business in this period.",
    volume_note: "Rice, fruit, vegetables, seafood and livestock are in tonnes (lots counted in pieces or boxes are converted with the net content per pack); litres stay litres; OCOP and other products keep the unit of their lots. Different units are never added together.",
    volume_unconverted: "not converted to tonnes: these lots give no net content per piece or box",
    digital: "Digital transformation",
    digital_definition: "How it is counted: of the registered organisations (as for the linkage figures), the share that signed at least one statement (of any type) with their own key in the period.",
    digital_signed: "Signed at least one statement",
    digital_target: "Target of the province plan: {target}",
    digital_target_year: "Target of the province plan by {year}: {target}",
    digital_cooperatives: "Digital (cooperatives)",
    digital_collective: "Digital (collective organisations)",
    chart_targets: "Progress towards the targets",
    chart_month: "Share of cooperatives linked in the 12 months to each month's end",
    chart_category: "Share of cooperatives linked, by product category",
    chart_province: "Share of cooperatives linked, by province",
    month_desc: "Each point is the share of cooperatives linked in the 12 months to that month's end; dashed lines are the targets.",
    month_definition: "How it is counted: of the cooperatives registered at the month's end, the share linked with a business (a contract in force or a delivery a business accepted) at some time in the 12 months to that month's end. A month with no cooperative registered is left blank, not counted as 0%.",
    month_window: "12 months to {to}",
    month_partial: "* Partial month: counted up to {to} only.",
    month_no_data: "No data",
    bars_desc: "Each bar is the share of cooperatives linked (linked/registered); dashed lines are the targets.",
    targets_desc: "The solid part is the share reached, the striped part the gap to the target mark.",
    provinces_hidden: "The chart shows the {shown} provinces with the most cooperatives; {hidden} others are in the table and the CSV file.",
    no_data: "No organisation is registered in this period.",
    target: "Target",
    now: "Now",
    met: "Target met",
    needed_cooperatives: "{gap} percentage points short: {n} more cooperatives must be linked",
    needed_collective: "{gap} percentage points short: {n} more organisations must be linked",
    needed_short: "{gap} points short: {n} more to link",
    month: "Month",
    download_csv: "Download the figures (CSV)",
    json: "JSON data",
    source: "Computed from the ledger of {size} entries.",
    decimal: '.',
    thousands: ',',
};

impl DashboardTexts {
    /// The dashboard's words in `lang`.
    pub fn of(lang: Lang) -> &'static DashboardTexts {
        match lang {
            Lang::Vi => &DASHBOARD_VI,
            Lang::En => &DASHBOARD_EN,
        }
    }
}

/// The words of the labels sheet (`GET /b/{id}/labels`) of its own, in
/// one language; the rest are the buyer's [`Texts`](super::Texts).
#[derive(Debug)]
pub struct LabelTexts {
    /// A template's name: `{n}` labels, `{cols}` × `{rows}`.
    pub template: &'static str,
    /// "Sticker sheet".
    pub sheet: &'static str,
    /// The form's button.
    pub show: &'static str,
    /// What the sheet is for, on screen.
    pub hint: &'static str,
}

/// Tem truy xuất.
pub const LABELS_VI: LabelTexts = LabelTexts {
    template: "Giấy A4 {n} tem ({cols} cột × {rows} hàng)",
    sheet: "Khổ giấy tem",
    show: "Đổi khổ giấy",
    hint: "Mỗi tem có mã QR, mã lô và địa chỉ ngắn để gõ khi không quét được.",
};

/// Traceability labels.
pub const LABELS_EN: LabelTexts = LabelTexts {
    template: "A4 sheet of {n} labels ({cols} columns × {rows} rows)",
    sheet: "Sticker sheet",
    show: "Change sheet",
    hint: "Each label has the QR code, the lot code and a short address to type when the code will not scan.",
};

impl LabelTexts {
    /// The labels sheet's words in `lang`.
    pub fn of(lang: Lang) -> &'static LabelTexts {
        match lang {
            Lang::Vi => &LABELS_VI,
            Lang::En => &LABELS_EN,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::messages::Lang;

    #[test]
    fn the_dashboard_speaks_both_languages_and_fills_in_its_numbers() {
        for d in [&DASHBOARD_VI, &DASHBOARD_EN] {
            for s in [d.needed_cooperatives, d.needed_collective, d.needed_short] {
                assert!(s.contains("{gap}") && s.contains("{n}"), "{s}");
            }
            assert!(
                d.provinces_hidden.contains("{shown}") && d.provinces_hidden.contains("{hidden}")
            );
            assert!(d.members_of.contains("{n}") && d.source.contains("{size}"));
            assert!(d.digital_target.contains("{target}"));
            assert!(
                d.digital_target_year.contains("{target}")
                    && d.digital_target_year.contains("{year}")
            );
            assert_ne!(d.decimal, d.thousands);
        }
        assert_eq!(DASHBOARD_VI.download_csv, "Tải bảng số liệu (CSV)");
        assert_ne!(DASHBOARD_VI.title, DASHBOARD_EN.title);
        assert_eq!(DashboardTexts::of(Lang::En).title, "Value-chain linkage");
    }
}
