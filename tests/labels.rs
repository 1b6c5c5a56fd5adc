//! The sheet of QR labels `GET /b/{id}/labels` (issue 15) in the real
//! Chromium: each A4 sticker template (3 × 7 and 3 × 8) is chosen on the
//! sheet, fits a 360 px phone before printing and passes axe-core; printed
//! to PDF by Chromium (WebDriver print), rasterised by `pdftoppm` (Debian
//! `poppler-utils`) and read by `zbarimg` (Debian `zbar-tools`), one A4
//! page holds exactly the template's labels, and every QR code decodes to
//! the lot's page, with the lot code and the short URL printed under it.

mod common;

use common::browser::{Driver, screenshot};
use common::*;
use fantoccini::Locator;
use fantoccini::wd::{PrintConfiguration, PrintMargins, PrintSize};

/// Every QR code `zbarimg` finds on each PNG page, in order.
fn decode_pages(dir: &std::path::Path) -> Vec<Vec<String>> {
    let mut pages: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .expect("pages")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "png"))
        .collect();
    pages.sort();
    pages
        .iter()
        .map(|p| {
            let out = std::process::Command::new("zbarimg")
                .args(["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable"])
                .arg(p)
                .output()
                .expect("zbarimg (Debian zbar-tools) must be installed; .ci/run installs it");
            String::from_utf8(out.stdout)
                .expect("utf-8")
                .lines()
                .map(str::to_owned)
                .collect()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_sheet_template_prints_one_a4_page_of_labels_that_all_scan() {
    let server = TestServer::with_shop().await;
    let driver = Driver::start();
    let profile = tempfile::tempdir().expect("profile");
    let c = driver.browser(profile.path()).await;
    let url = format!("{}/01/08935049501503/10/vai-hop-01", server.url);
    let short = format!("{}/b/vai-hop-01", server.url.trim_start_matches("http://"));
    for (template, per_sheet, lang) in [("3x7", 21, "vi"), ("3x8", 24, "en")] {
        // Chosen on the sheet: open the default, pick the template, submit.
        c.goto(&format!("{}/b/vai-hop-01/labels?lang={lang}", server.url))
            .await
            .expect("goto");
        c.find(Locator::Css(r#"select[name="template"]"#))
            .await
            .expect("template select")
            .select_by_value(template)
            .await
            .expect("choose");
        c.find(Locator::Css(r#"form.label-tools button[type="submit"]"#))
            .await
            .expect("submit")
            .click()
            .await
            .expect("click");
        c.wait()
            .for_element(Locator::Css(&format!(
                r#".sheet[data-template="{template}"]"#
            )))
            .await
            .expect("the chosen sheet");
        let page = c
            .execute(
                r#"return {
                     width: window.innerWidth,
                     scroll: document.documentElement.scrollWidth,
                     labels: document.querySelectorAll('.sheet .label').length,
                     codes: [...document.querySelectorAll('.sheet .label .code')].map(e => e.textContent),
                     urls: [...document.querySelectorAll('.sheet .label .url')].map(e => e.textContent),
                   };"#,
                vec![],
            )
            .await
            .expect("read the sheet");
        screenshot(&c, &format!("labels-{template}-{lang}-360.png")).await;
        assert_eq!(page["width"], 360, "{template}: the sheet fits the phone");
        assert!(page["scroll"].as_u64() <= Some(360), "{template}: {page}");
        assert_eq!(page["labels"], per_sheet, "{template}: one sheet");
        for (code, short_url) in page["codes"]
            .as_array()
            .expect("codes")
            .iter()
            .zip(page["urls"].as_array().expect("urls"))
        {
            assert_eq!(code, "vai-hop-01");
            assert_eq!(short_url.as_str(), Some(short.as_str()));
        }
        let axe = common::axe::serious_violations(&c).await;
        assert!(axe.is_empty(), "{template}: {axe:?}");

        let pdf = c
            .print(
                PrintConfiguration::builder()
                    .size(PrintSize::A4)
                    .margins(PrintMargins {
                        top: 0.0,
                        bottom: 0.0,
                        left: 0.0,
                        right: 0.0,
                    })
                    .background(true)
                    .build()
                    .expect("print configuration"),
            )
            .await
            .expect("print to PDF");
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("labels.pdf");
        std::fs::write(&file, &pdf).expect("write pdf");
        let status = std::process::Command::new("pdftoppm")
            .args(["-r", "300", "-png"])
            .arg(&file)
            .arg(dir.path().join("page"))
            .status()
            .expect("pdftoppm (Debian poppler-utils) must be installed; .ci/run installs it");
        assert!(status.success(), "pdftoppm");
        if let Ok(keep) = std::env::var("LABELS_KEEP") {
            let _ = std::fs::copy(&file, format!("{keep}-{template}.pdf"));
        }
        let pages = decode_pages(dir.path());
        let counts: Vec<usize> = pages.iter().map(Vec::len).collect();
        assert_eq!(
            counts,
            [per_sheet],
            "{template}: one A4 page, every label scans"
        );
        assert_eq!(pages[0].len(), per_sheet, "{template}: every label scans");
        assert!(
            pages[0].iter().all(|u| *u == url),
            "{template}: {:?}",
            pages[0]
        );
    }
    c.close().await.expect("close");
}
