//! Error codes and the message catalogue (English and Vietnamese).
//!
//! Every refusal the ledger gives has a stable machine code (the `error`
//! field of design §8), a class that fixes its HTTP status, and a sentence a
//! cooperative clerk understands, in the clerk's language. Technical detail
//! (which field, which id) is appended after the sentence.

/// The language of a message. Vietnamese is the default (design §1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
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
/// status (design §8).
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
    MethodNotAllowed = "method_not_allowed", MethodNotAllowed,
        "This address does not take that kind of request.",
        "Địa chỉ này không nhận loại yêu cầu đó.";
    NotFound = "not_found", NotFound,
        "Nothing was found under that name or number.",
        "Không tìm thấy mục nào với tên hoặc số đó.";
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
    TooLarge = "too_large", TooLarge,
        "The submission is larger than 64 KiB.",
        "Bản gửi lớn hơn 64 KiB.";
    Busy = "busy", TooMany,
        "The ledger is busy. Try again in a moment; nothing was recorded.",
        "Sổ cái đang bận. Hãy thử lại sau giây lát; chưa có gì được ghi.";
    Internal = "internal", Internal,
        "The ledger could not complete the request. It has been logged; please try again later.",
        "Sổ cái không thể hoàn tất yêu cầu. Lỗi đã được ghi lại; vui lòng thử lại sau.";
    Unavailable = "unavailable", Unavailable,
        "The ledger is not accepting entries right now. Please try again later.",
        "Sổ cái hiện không nhận mục mới. Vui lòng thử lại sau.";
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
