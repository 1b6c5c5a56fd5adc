//! Error codes and the message catalogue (English and Vietnamese).
//!
//! Every refusal the ledger gives has a stable machine code (the `error`
//! field of spec §8), a class that fixes its HTTP status, and a sentence a
//! cooperative clerk understands, in the clerk's language. Technical detail
//! (which field, which id) is appended after the sentence.
//!
//! [`Class`] is the only thing that decides a code's HTTP status (spec §13);
//! the mapping itself is in `http::error`. [`Refusal`] is a code plus
//! detail, and [`Lang::negotiate`] picks Vietnamese or English from a `lang`
//! parameter or an `Accept-Language` header.

/// The language of a message. Vietnamese is the default (spec §1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// Tiếng Việt.
    #[default]
    Vi,
    /// English.
    En,
}

impl Lang {
    /// Picks the language from a `lang` parameter or an `Accept-Language`
    /// header: the first of `vi`/`en` named wins, Vietnamese otherwise.
    pub fn negotiate(explicit: Option<&str>, accept_language: Option<&str>) -> Self {
        if let Some(l) = explicit.and_then(Self::from_tag) {
            return l;
        }
        accept_language
            .into_iter()
            .flat_map(|h| h.split(','))
            .filter_map(|part| Self::from_tag(part.split(';').next().unwrap_or("").trim()))
            .next()
            .unwrap_or_default()
    }

    fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag.split('-').next().unwrap_or("").to_ascii_lowercase();
        match primary.as_str() {
            "vi" => Some(Self::Vi),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    /// The BCP 47 tag.
    pub fn tag(&self) -> &'static str {
        match self {
            Self::Vi => "vi",
            Self::En => "en",
        }
    }
}

/// What kind of refusal a code is; the HTTP layer maps each class to one
/// status (spec §8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// 400: bad JSON, wrong shape or types, bad id, amount or time.
    Malformed,
    /// 401: bad signature, unknown signer, or not the signer's current key.
    Unauthenticated,
    /// 403: the signer may not make this statement.
    Forbidden,
    /// 404: no such thing.
    NotFound,
    /// 405: the path exists, the method does not.
    MethodNotAllowed,
    /// 409: a rule of the chain is violated.
    Conflict,
    /// 422: well-formed and authentic, but inconsistent with what was
    /// seen before (a witness's refusal of a checkpoint, spec §8.15).
    Unprocessable,
    /// 413: too large.
    TooLarge,
    /// 429: too many requests.
    TooMany,
    /// 500: the ledger failed; details are logged, never sent.
    Internal,
    /// 503: the ledger is not taking writes (shutting down or stopped after a
    /// storage failure).
    Unavailable,
}

macro_rules! codes {
    ($( $variant:ident = $code:literal, $class:ident, $en:literal, $vi:literal; )*) => {
        /// Every error code the ledger answers with.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Code {
            $(
                #[doc = $en]
                $variant,
            )*
        }

        impl Code {
            /// Every code, for catalogue checks.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The stable machine code (`error` in JSON answers).
            pub fn as_str(&self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            /// The class that fixes the HTTP status.
            pub fn class(&self) -> Class {
                match self { $(Code::$variant => Class::$class,)* }
            }

            /// The sentence for a person, in `lang`.
            pub fn message(&self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Code::$variant, Lang::En) => $en, (Code::$variant, Lang::Vi) => $vi,)*
                }
            }
        }
    };
}

codes! {
    MalformedJson = "malformed_json", Malformed,
        "The request is not valid JSON.",
        "Yêu cầu không phải là JSON hợp lệ.";
    MalformedEnvelope = "malformed_envelope", Malformed,
        "The submission must be {\"statement\", \"key\", \"sig\"} with a base64 key and signature.",
        "Bản gửi phải có dạng {\"statement\", \"key\", \"sig\"} với khóa và chữ ký mã hóa base64.";
    MalformedStatement = "malformed_statement", Malformed,
        "The statement is missing a field or has a field of the wrong kind.",
        "Bản khai thiếu một trường hoặc có trường sai kiểu.";
    UnsupportedVersion = "unsupported_version", Malformed,
        "This statement version is not supported; use \"v\": 1.",
        "Phiên bản bản khai này không được hỗ trợ; hãy dùng \"v\": 1.";
    UnknownType = "unknown_type", Malformed,
        "The statement type is not one the ledger knows.",
        "Loại bản khai này không có trong sổ cái.";
    BadId = "bad_id", Malformed,
        "An id must be 1 to 64 characters: letters, digits, '.', '_' or '-'.",
        "Mã định danh phải dài từ 1 đến 64 ký tự: chữ cái, chữ số, '.', '_' hoặc '-'.";
    BadTime = "bad_time", Malformed,
        "Times must be written as 2026-11-21T08:00:00Z and dates as 2026-11-21.",
        "Thời gian phải viết dạng 2026-11-21T08:00:00Z và ngày dạng 2026-11-21.";
    BadKey = "bad_key", Malformed,
        "The public key is not a valid Ed25519 key in base64.",
        "Khóa công khai không phải là khóa Ed25519 hợp lệ dạng base64.";
    WeakKey = "weak_key", Malformed,
        "This public key is weak (small order) and cannot be registered; create a new key.",
        "Khóa công khai này yếu (bậc nhỏ) nên không thể đăng ký; hãy tạo khóa mới.";
    BadQuery = "bad_query", Malformed,
        "A query parameter is missing or not a valid number.",
        "Tham số truy vấn bị thiếu hoặc không phải là số hợp lệ.";
    TooLong = "too_long", Malformed,
        "A text field is longer than the ledger allows.",
        "Một trường văn bản dài hơn mức sổ cái cho phép.";
    BadAmount = "bad_amount", Malformed,
        "Amounts are written as text: a number greater than 0 with at most 3 decimals and at most 10^12, for example \"1250.5\".",
        "Số lượng phải viết dạng chuỗi: một số lớn hơn 0, tối đa 3 chữ số thập phân và không quá 10^12, ví dụ \"1250.5\".";
    BadUnit = "bad_unit", Malformed,
        "The unit must be kg, t, l, piece or box.",
        "Đơn vị phải là kg, t, l, piece hoặc box.";
    BadNet = "bad_net", Malformed,
        "The net content (net) is the content of one piece or box, in kg, t or l; give it only when the quantity is counted in piece or box, or remove it.",
        "Khối lượng tịnh (net) là khối lượng hoặc thể tích của một cái hoặc một hộp, tính bằng kg, t hoặc l; chỉ ghi khi số lượng tính bằng cái hoặc hộp, nếu không hãy bỏ trường này.";
    BadCategory = "bad_category", Malformed,
        "The product category must be rice, fruit, vegetable, seafood, livestock, ocop or other.",
        "Nhóm sản phẩm phải là rice, fruit, vegetable, seafood, livestock, ocop hoặc other.";
    BadGtin = "bad_gtin", Malformed,
        "The GTIN must be 14 digits and its last digit must be the correct GS1 check digit.",
        "Mã GTIN phải gồm 14 chữ số và chữ số cuối phải là số kiểm tra GS1 đúng.";
    BadOcopStars = "bad_ocop_stars", Malformed,
        "OCOP stars must be 3, 4 or 5.",
        "Số sao OCOP phải là 3, 4 hoặc 5.";
    BadCoordinates = "bad_coordinates", Malformed,
        "Latitude must be between -90 and 90 and longitude between -180 and 180.",
        "Vĩ độ phải nằm trong khoảng -90 đến 90 và kinh độ trong khoảng -180 đến 180.";
    BadHash = "bad_hash", Malformed,
        "A hash or commitment (report_blake3, photo_blake3, form_blake3, name_commit, plot_commit, salt) must be 64 lowercase hexadecimal characters.",
        "Mã băm hoặc cam kết (report_blake3, photo_blake3, form_blake3, name_commit, plot_commit, salt) phải gồm 64 ký tự thập lục phân viết thường.";
    UnsupportedFormat = "unsupported_format", Malformed,
        "This ledger format is not supported; a new ledger uses \"format\": 2.",
        "Định dạng sổ cái này không được hỗ trợ; sổ cái mới dùng \"format\": 2.";
    MemberNameInLog = "member_name_in_log", Malformed,
        "A member household's name never goes into the public ledger: send name_commit, and the name only beside a consent.",
        "Tên hộ thành viên không bao giờ được ghi vào sổ cái công khai: hãy gửi name_commit, và chỉ gửi tên kèm theo một bản đồng ý.";
    DisclosureMismatch = "disclosure_mismatch", Malformed,
        "The name and salt sent do not match the name commitment the member was registered with.",
        "Tên và muối gửi kèm không khớp với cam kết tên khi đăng ký thành viên.";
    DisclosureNotAllowed = "disclosure_not_allowed", Malformed,
        "A member's name may be sent only beside that member's consent to be named (actor.consent with public true).",
        "Chỉ được gửi tên thành viên kèm theo bản đồng ý công khai tên của chính thành viên đó (actor.consent với public là true).";
    ConsentFormMissing = "consent_form_missing", Malformed,
        "A cooperative recording a member's consent must give form_blake3, the hash of the signed consent form.",
        "Hợp tác xã ghi nhận sự đồng ý của thành viên phải nêu form_blake3, mã băm của phiếu đồng ý đã ký.";
    TooPrecise = "too_precise", Malformed,
        "Coordinates in the ledger have at most 2 decimals (about 1 km); keep the exact plot with the cooperative and give plot_commit.",
        "Tọa độ trong sổ cái chỉ có tối đa 2 chữ số thập phân (khoảng 1 km); vị trí thửa đất chính xác do hợp tác xã giữ, hãy gửi plot_commit.";
    UnknownProvince = "unknown_province", Malformed,
        "That is not the code of one of the 34 provinces (since 1 July 2025); use the GSO code.",
        "Đây không phải mã của một trong 34 tỉnh, thành phố (từ 1/7/2025); hãy dùng mã của Tổng cục Thống kê.";
    UnknownCommune = "unknown_commune", Malformed,
        "That is not the code of a commune, ward or special zone of that province; use the GSO code.",
        "Đây không phải mã của một xã, phường hoặc đặc khu thuộc tỉnh đó; hãy dùng mã của Tổng cục Thống kê.";
    BadPeriod = "bad_period", Malformed,
        "The contract ends before it starts; check the from and to dates.",
        "Hợp đồng kết thúc trước khi bắt đầu; hãy kiểm tra ngày from và to.";
    BadReportPeriod = "bad_report_period", Malformed,
        "A report covers at most 30 years (360 months); choose a shorter period.",
        "Một báo cáo chỉ tính tối đa 30 năm (360 tháng); hãy chọn kỳ ngắn hơn.";
    BadTransform = "bad_transform", Malformed,
        "A transformation needs inputs and outputs, each batch named once; a split has one input and several outputs, a merge several inputs and one output.",
        "Một lần chế biến cần có đầu vào và đầu ra, mỗi lô chỉ nêu một lần; tách lô có một đầu vào và nhiều đầu ra, gộp lô có nhiều đầu vào và một đầu ra.";
    HarvestAfterStatement = "harvest_after_statement", Malformed,
        "The harvest time is later than the time of the statement.",
        "Thời gian thu hoạch muộn hơn thời gian lập bản khai.";
    TooManyItems = "too_many_items", Malformed,
        "A list in the statement has more items than the ledger allows.",
        "Một danh sách trong bản khai có nhiều mục hơn mức sổ cái cho phép.";
    BadDate = "bad_date", Malformed,
        "Dates must be written YYYY-MM-DD, for example 2026-06-30.",
        "Ngày phải viết dạng YYYY-MM-DD, ví dụ 2026-06-30.";
    DatesReversed = "dates_reversed", Malformed,
        "The period ends before it starts: from must be on or before to.",
        "Khoảng thời gian kết thúc trước khi bắt đầu: from phải trước hoặc trùng ngày to.";
    BadWitnessRequest = "bad_witness_request", Malformed,
        "The body is not an add-checkpoint request of C2SP tlog-witness (an old size line, consistency proof lines, an empty line, then a checkpoint), or its old size is larger than the checkpoint's size.",
        "Nội dung không phải là yêu cầu add-checkpoint của C2SP tlog-witness (một dòng kích thước cũ, các dòng bằng chứng nhất quán, một dòng trống, rồi một checkpoint), hoặc kích thước cũ lớn hơn kích thước của checkpoint.";
    ExportTooLarge = "export_too_large", TooLarge,
        "The export would hold more than 10,000 events; ask for a shorter period or a smaller chain.",
        "Bản xuất sẽ có hơn 10.000 sự kiện; hãy chọn khoảng thời gian ngắn hơn hoặc chuỗi nhỏ hơn.";
    BadSignature = "bad_signature", Unauthenticated,
        "The signature does not match the statement and key. Sign the statement again with your key.",
        "Chữ ký không khớp với bản khai và khóa. Hãy ký lại bản khai bằng khóa của bạn.";
    UnknownSigner = "unknown_signer", Unauthenticated,
        "The signer named in \"by\" is not registered in the ledger.",
        "Người ký ghi trong \"by\" chưa được đăng ký trong sổ cái.";
    NotCurrentKey = "not_current_key", Unauthenticated,
        "This key is not the signer's current key.",
        "Khóa này không phải là khóa hiện hành của người ký.";
    NotAllowed = "not_allowed", Forbidden,
        "The signer's role may not make this statement.",
        "Vai trò của người ký không được phép lập bản khai này.";
    SignerRevoked = "signer_revoked", Forbidden,
        "The signer has been revoked and can sign nothing more.",
        "Người ký đã bị thu hồi và không thể ký thêm.";
    NotHolder = "not_holder", Forbidden,
        "Only the actor who now holds the batch may do this.",
        "Chỉ bên đang giữ lô hàng mới được làm việc này.";
    NotRecipient = "not_recipient", Forbidden,
        "Only the actor the batch was shipped to may receive it.",
        "Chỉ bên được gửi lô hàng mới được nhận lô hàng đó.";
    NotOurMember = "not_our_member", Forbidden,
        "A cooperative may register, or name as producer, only its own members.",
        "Hợp tác xã chỉ được đăng ký, hoặc ghi là người sản xuất, các thành viên của chính mình.";
    NotParty = "not_party", Forbidden,
        "Only the cooperative or the business named in the contract may do this.",
        "Chỉ hợp tác xã hoặc doanh nghiệp có tên trong hợp đồng mới được làm việc này.";
    NotSignedByLog = "not_signed_by_log", Forbidden,
        "The checkpoint carries no valid signature by a key this witness trusts for its origin, or a line of such a key does not verify.",
        "Checkpoint không có chữ ký hợp lệ nào của khóa mà nhân chứng này tin cậy cho nguồn gốc của nó, hoặc có một dòng chữ ký của khóa đó không hợp lệ.";
    ReadOnly = "read_only", Forbidden,
        "This server is a read-only mirror of the ledger; submit to the primary ledger.",
        "Máy chủ này là bản sao chỉ đọc của sổ cái; hãy gửi bản khai đến sổ cái chính.";
    MethodNotAllowed = "method_not_allowed", MethodNotAllowed,
        "This address does not take that kind of request.",
        "Địa chỉ này không nhận loại yêu cầu đó.";
    NotFound = "not_found", NotFound,
        "Nothing was found under that name or number.",
        "Không tìm thấy mục nào với tên hoặc số đó.";
    UnknownActor = "unknown_actor", NotFound,
        "No actor with that id is registered in the ledger.",
        "Không có bên nào với mã này được đăng ký trong sổ cái.";
    UnknownBatch = "unknown_batch", NotFound,
        "No batch with that id is in the ledger.",
        "Không có lô hàng nào với mã này trong sổ cái.";
    UnknownContract = "unknown_contract", NotFound,
        "No contract with that id is in the ledger.",
        "Không có hợp đồng nào với mã này trong sổ cái.";
    UnknownEntry = "unknown_entry", NotFound,
        "The ledger has no entry with that number.",
        "Sổ cái không có mục nào với số thứ tự này.";
    NotWitnessed = "not_witnessed", NotFound,
        "No checkpoint of this ledger has been cosigned by enough of its witnesses yet.",
        "Chưa có điểm kiểm tra nào của sổ cái này được đủ số bên chứng kiến ký xác nhận.";
    UnknownLog = "unknown_log", NotFound,
        "This witness does not follow a log with that origin.",
        "Nhân chứng này không theo dõi sổ nhật ký nào có nguồn gốc đó.";
    NotCosigned = "not_cosigned", NotFound,
        "This witness has not cosigned any checkpoint of that log yet.",
        "Nhân chứng này chưa đồng ký checkpoint nào của sổ nhật ký đó.";
    OldSizeConflict = "old_size_conflict", Conflict,
        "The old size is not the size of the checkpoint this witness last cosigned for that log; the answer gives that size.",
        "Kích thước cũ không phải là kích thước của checkpoint mà nhân chứng này đồng ký gần nhất cho sổ nhật ký đó; câu trả lời cho biết kích thước ấy.";
    InconsistentCheckpoint = "inconsistent_checkpoint", Unprocessable,
        "The checkpoint is not consistent with what this witness cosigned before, or its consistency proof does not verify; it was not cosigned.",
        "Checkpoint không nhất quán với những gì nhân chứng này đã đồng ký trước đó, hoặc bằng chứng nhất quán của nó không hợp lệ; checkpoint không được đồng ký.";
    NeedsFormat2 = "needs_format_2", Conflict,
        "This ledger was started in format 1, which does not know this; start a format-2 ledger for it.",
        "Sổ cái này được tạo theo định dạng 1, không hỗ trợ điều này; hãy tạo sổ cái định dạng 2.";
    DuplicateId = "duplicate_id", Conflict,
        "That id is already taken in the ledger.",
        "Mã định danh này đã được dùng trong sổ cái.";
    ReservedId = "reserved_id", Conflict,
        "That id is reserved by the ledger.",
        "Mã định danh này được sổ cái giữ riêng.";
    KeyInUse = "key_in_use", Conflict,
        "This public key already belongs to another actor; each actor needs its own key.",
        "Khóa công khai này đã thuộc về một bên khác; mỗi bên cần một khóa riêng.";
    UnknownCooperative = "unknown_cooperative", Conflict,
        "The cooperative named is not registered as a cooperative.",
        "Hợp tác xã được nêu chưa được đăng ký là hợp tác xã.";
    GenesisNotFirst = "genesis_not_first", Conflict,
        "Only the first entry of a ledger can be its genesis, and the first entry must be it.",
        "Chỉ mục đầu tiên của sổ cái mới là mục khởi tạo, và mục đầu tiên phải là mục khởi tạo.";
    AtInFuture = "at_in_future", Conflict,
        "The statement's time is more than 5 minutes ahead of the ledger's clock. Check the device's clock.",
        "Thời gian của bản khai đi trước đồng hồ sổ cái hơn 5 phút. Hãy kiểm tra đồng hồ của thiết bị.";
    AlreadyRevoked = "already_revoked", Conflict,
        "That actor has already been revoked.",
        "Bên này đã bị thu hồi trước đó.";
    BadRecipient = "bad_recipient", Conflict,
        "The recipient has been revoked or cannot hold batches.",
        "Bên nhận đã bị thu hồi hoặc không thể giữ lô hàng.";
    ShipToSelf = "ship_to_self", Conflict,
        "A batch cannot be shipped to the actor who already holds it.",
        "Không thể gửi lô hàng cho chính bên đang giữ nó.";
    BatchInTransit = "batch_in_transit", Conflict,
        "The batch is on its way to another actor; it must be received or refused first.",
        "Lô hàng đang được vận chuyển tới bên khác; bên đó phải nhận hoặc từ chối trước.";
    BatchRecalled = "batch_recalled", Conflict,
        "The batch has been recalled; it cannot be shipped or processed.",
        "Lô hàng đã bị thu hồi; không thể gửi đi hoặc chế biến.";
    BatchConsumed = "batch_consumed", Conflict,
        "Nothing of this batch remains; it has all been used.",
        "Lô hàng này không còn gì; đã được dùng hết.";
    NotInTransit = "not_in_transit", Conflict,
        "The batch has no open shipment to receive.",
        "Lô hàng không có chuyến gửi nào đang chờ nhận.";
    AmountExceedsRemaining = "amount_exceeds_remaining", Conflict,
        "The amount is more than what remains of the batch.",
        "Số lượng lớn hơn phần còn lại của lô hàng.";
    UnitMismatch = "unit_mismatch", Conflict,
        "The quantities are in different units; a split or merge keeps the batch's unit.",
        "Các số lượng không cùng đơn vị; tách hoặc gộp lô phải giữ đơn vị của lô hàng.";
    QuantityMismatch = "quantity_mismatch", Conflict,
        "A split or merge must keep the quantity: the outputs must add up to the inputs used.",
        "Tách hoặc gộp lô phải giữ nguyên số lượng: tổng đầu ra phải bằng tổng đầu vào đã dùng.";
    AlreadyRecalled = "already_recalled", Conflict,
        "The batch has already been recalled.",
        "Lô hàng đã bị thu hồi trước đó.";
    BadParty = "bad_party", Conflict,
        "A contract is between a registered, active cooperative (or cooperative group or union) and a registered, active business.",
        "Hợp đồng phải giữa một hợp tác xã (hoặc tổ hợp tác, liên hiệp HTX) và một doanh nghiệp đã đăng ký và còn hoạt động.";
    OwnOffer = "own_offer", Conflict,
        "A contract is accepted by the other party, not by the one who offered it.",
        "Hợp đồng phải do bên kia chấp nhận, không phải bên đã đề nghị.";
    ContractNotPending = "contract_not_pending", Conflict,
        "The contract has already been accepted.",
        "Hợp đồng đã được chấp nhận trước đó.";
    ContractNotActive = "contract_not_active", Conflict,
        "The contract is not in force: it has not been accepted, or the date is outside its period.",
        "Hợp đồng chưa có hiệu lực: chưa được chấp nhận, hoặc ngày nằm ngoài thời hạn hợp đồng.";
    ContractMismatch = "contract_mismatch", Conflict,
        "The shipment does not match the contract: other parties or another product category.",
        "Chuyến gửi không khớp với hợp đồng: khác bên ký hoặc khác nhóm sản phẩm.";
    TooLarge = "too_large", TooLarge,
        "The submission is larger than 64 KiB.",
        "Bản gửi lớn hơn 64 KiB.";
    Busy = "busy", TooMany,
        "The ledger is busy. Try again in a moment; nothing was recorded.",
        "Sổ cái đang bận. Hãy thử lại sau giây lát; chưa có gì được ghi.";
    RateLimited = "rate_limited", TooMany,
        "Too many requests from your connection in a short time. Wait the number of seconds in Retry-After, then try again; nothing was recorded.",
        "Có quá nhiều yêu cầu từ kết nối của bạn trong thời gian ngắn. Hãy chờ số giây ghi trong Retry-After rồi thử lại; chưa có gì được ghi.";
    RequestTimeout = "request_timeout", Unavailable,
        "The request took too long and was stopped. Try again; a statement sent again is never recorded twice.",
        "Yêu cầu mất quá nhiều thời gian nên đã bị dừng. Hãy thử lại; một bản ghi gửi lại không bao giờ bị ghi hai lần.";
    Internal = "internal", Internal,
        "The ledger could not complete the request. It has been logged; please try again later.",
        "Sổ cái không thể hoàn tất yêu cầu. Lỗi đã được ghi lại; vui lòng thử lại sau.";
    Unavailable = "unavailable", Unavailable,
        "The ledger is not accepting entries right now. Please try again later.",
        "Sổ cái hiện không nhận mục mới. Vui lòng thử lại sau.";
    CatchingUp = "catching_up", Unavailable,
        "This mirror is still catching up with the primary ledger and cannot show this yet. Try again in a few minutes, or open the primary ledger.",
        "Bản sao này đang cập nhật theo sổ cái chính nên chưa hiển thị được mục này. Hãy thử lại sau vài phút, hoặc mở sổ cái chính.";
}

/// A refusal: a code plus optional detail (a field, an id) for the person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// The error code.
    pub code: Code,
    /// Detail appended to the sentence, such as the field or id concerned.
    pub detail: Option<String>,
}

impl Refusal {
    /// A refusal without detail.
    pub fn new(code: Code) -> Self {
        Self { code, detail: None }
    }

    /// A refusal with detail.
    pub fn with(code: Code, detail: impl Into<String>) -> Self {
        Self {
            code,
            detail: Some(detail.into()),
        }
    }

    /// The full sentence in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match &self.detail {
            Some(d) => format!("{} ({d})", self.code.message(lang)),
            None => self.code.message(lang).to_owned(),
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message(Lang::En))
    }
}

impl std::error::Error for Refusal {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_distinct_text_in_both_languages() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            assert!(
                seen.insert(code.as_str()),
                "duplicate code {}",
                code.as_str()
            );
            assert_ne!(
                code.message(Lang::En),
                code.message(Lang::Vi),
                "{}",
                code.as_str()
            );
            assert!(code.message(Lang::Vi).ends_with('.'));
        }
    }

    #[test]
    fn language_negotiation_prefers_the_explicit_choice_then_the_header() {
        assert_eq!(Lang::negotiate(Some("en"), Some("vi")), Lang::En);
        assert_eq!(
            Lang::negotiate(None, Some("fr-FR, en-US;q=0.8, vi;q=0.5")),
            Lang::En
        );
        assert_eq!(Lang::negotiate(None, Some("de")), Lang::Vi);
        assert_eq!(Lang::negotiate(None, None), Lang::Vi);
    }
}
