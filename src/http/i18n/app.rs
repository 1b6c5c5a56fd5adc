//! The signing app shell's words ([`AppTexts`]), in Vietnamese and
//! English.

use crate::domain::messages::Lang;

/// The words of the signing app's shell (`GET /app/`); the app's own words
/// are in `web/static/app-texts.js`, beside the code that shows them.
#[derive(Debug)]
pub struct AppTexts {
    /// Title.
    pub title: &'static str,
    /// Shown until the script has drawn the app.
    pub loading: &'static str,
    /// Shown when the browser runs no script.
    pub noscript: &'static str,
}

/// Tiếng Việt.
pub const APP_VI: AppTexts = AppTexts {
    title: "Sổ khai trên điện thoại",
    loading: "Đang mở…",
    noscript: "Ứng dụng ký cần JavaScript: khóa được tạo và giữ trên chính điện thoại này.",
};

/// English.
pub const APP_EN: AppTexts = AppTexts {
    title: "Ledger on your phone",
    loading: "Opening…",
    noscript: "The signing app needs JavaScript: the key is made and kept on this phone itself.",
};

impl AppTexts {
    /// The words for `lang`.
    pub fn of(lang: Lang) -> &'static AppTexts {
        match lang {
            Lang::Vi => &APP_VI,
            Lang::En => &APP_EN,
        }
    }
}
