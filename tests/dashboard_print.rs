//! Issue 15: the dashboard in a real Chromium (tests/common/browser.rs)
//! whose own language is English, on the Vietnamese page: what it shows
//! and what it prints are in the page's language. Rice is in tấn (tonnes
//! in English), the digital transformation figure is shown, and the PDF
//! (WebDriver print, read with `pdftotext` of Debian `poppler-utils`) has
//! Vietnamese words, decimal commas and dd/mm/yyyy dates, and no English.

mod common;

use common::linkage::*;
use common::*;
use fantoccini::Locator;
use fantoccini::wd::{PrintConfiguration, PrintSize};

/// The text of the first element matching `css`.
async fn text(c: &fantoccini::Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("no {css}"))
        .text()
        .await
        .expect("text")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_english_browser_shows_and_prints_the_vietnamese_page_in_vietnamese() {
    let server = TestServer::with_linkage().await;
    let driver = common::browser::Driver::start();
    let profile = tempfile::tempdir().expect("profile");
    let c = driver.browser_in(profile.path(), "en-US,en").await;
    // The browser is English: without ?lang the page follows it.
    c.goto(&format!("{}/linkage?{PERIOD}", server.url))
        .await
        .expect("goto");
    assert_eq!(text(&c, "h1").await, "Value-chain linkage");
    assert_eq!(text(&c, r#"[data-volume="rice-t"]"#).await, "1.2505 tonnes");
    assert_eq!(
        text(&c, r#"[data-figure="digital-cooperatives"]"#).await,
        "2/5 · 40%"
    );
    // The page's language chosen: Vietnamese, whatever the browser's.
    c.goto(&format!("{}/linkage?{PERIOD}&lang=vi", server.url))
        .await
        .expect("goto");
    let lang = c
        .execute(
            "return [document.documentElement.lang, navigator.language];",
            vec![],
        )
        .await
        .expect("script");
    assert_eq!(
        lang,
        serde_json::json!(["vi", "en-US"]),
        "an English browser"
    );
    assert_eq!(text(&c, "h1").await, "Liên kết chuỗi giá trị");
    assert_eq!(text(&c, r#"[data-volume="rice-t"]"#).await, "1,2505 tấn");
    assert_eq!(
        text(&c, r#"[data-figure="digital-cooperatives"]"#).await,
        "2/5 · 40%"
    );
    assert_eq!(
        text(&c, r#"[data-figure="digital-collective"]"#).await,
        "2/6 · 33,3%"
    );
    let pdf = c
        .print(
            PrintConfiguration::builder()
                .size(PrintSize::A4)
                .build()
                .expect("print configuration"),
        )
        .await
        .expect("print");
    c.close().await.expect("close");
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("linkage.pdf");
    std::fs::write(&file, &pdf).expect("write");
    let printed = pdftotext(&file, &[]);
    for want in [
        "Liên kết chuỗi giá trị · 01/04/2026 – 30/06/2026",
        "Hợp tác xã",
        "Chuyển đổi số",
        "Mục tiêu của kế hoạch tỉnh: 100%",
        "33,3%",
        "1,2505 tấn",
    ] {
        assert!(printed.contains(want), "the print has {want:?}:\n{printed}");
    }
    // Each page is numbered, of the whole (pdftotext ends each with a form
    // feed), and headed with the title and period as above.
    let pages = printed.matches('\u{c}').count();
    assert!(pages >= 2, "{printed}");
    for n in 1..=pages {
        let want = format!("{n}/{pages}");
        assert!(printed.contains(&want), "page {want}:\n{printed}");
    }
    assert_eq!(
        printed
            .matches("Liên kết chuỗi giá trị · 01/04/2026")
            .count(),
        pages
    );
    for english in ["English", "Cooperatives", "tonnes", "33.3%", "Target"] {
        assert!(
            !printed.contains(english),
            "no {english:?} in the print:\n{printed}"
        );
    }
}
