//! The printable sheet of QR labels of a lot, `GET /b/{id}/labels` (spec
//! §8.8, issue 15): the labels laid out as a common A4 sticker sheet
//! ([`Template`]: 3 × 7 or 3 × 8), chosen on the sheet itself, each with
//! the QR code, the short lot code and the short URL to type when a code
//! will not scan. On a phone the sheet fits the screen; printed, each
//! label sits on its sticker.
//!
//! The handler extracts the query, makes one service call (the batch and
//! its URL, and the producer as the batch page names it) and renders
//! `web/templates/labels.html` with one struct, `LabelsPage`.

use super::AppState;
use super::assets;
use super::buyer_view;
use super::error::PageError;
use super::extract::ClientLang;
use super::i18n::{LabelTexts, Texts};
use super::pages::{batch_and_url, internal};
use super::render::{TemplateError, buyer_page, render};
use crate::domain::messages::{Code, Lang, Refusal};
use crate::service::ServiceError;
use crate::service::buyer::Lookup;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Most labels on one printed sheet.
pub const MAX_LABELS: u32 = 240;

/// A common A4 sticker sheet: its grid and its stickers, in millimetres.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Template {
    /// Its name in the query (`3x7`).
    pub code: &'static str,
    /// Columns.
    pub columns: u32,
    /// Rows.
    pub rows: u32,
    /// A sticker's width.
    pub width: f64,
    /// A sticker's height.
    pub height: f64,
    /// Space between columns.
    pub gap: f64,
    /// Top margin of the sheet.
    pub top: f64,
    /// Side margin of the sheet.
    pub side: f64,
}

impl Template {
    /// Labels on one sheet.
    pub fn per_sheet(&self) -> u32 {
        self.columns * self.rows
    }
}

/// The sheets offered: 21 stickers of 63.5 × 38.1 mm and 24 of 63.5 ×
/// 33.9 mm, three columns 2.5 mm apart, the layouts of the common A4
/// sheets sold for 21 and 24 labels. The first is the default.
pub const TEMPLATES: [Template; 2] = [
    Template {
        code: "3x7",
        columns: 3,
        rows: 7,
        width: 63.5,
        height: 38.1,
        gap: 2.5,
        top: 15.15,
        side: 7.25,
    },
    Template {
        code: "3x8",
        columns: 3,
        rows: 8,
        width: 63.5,
        height: 33.9,
        gap: 2.5,
        top: 12.9,
        side: 7.25,
    },
];

/// The short URL printed under a QR code: the `/b/{lot}` address (which
/// also answers a lot with a GTIN), without its scheme.
pub fn short_url(base: &str, lot: &str) -> String {
    let base = base.trim_end_matches('/');
    let bare = base
        .strip_prefix("https://")
        .or_else(|| base.strip_prefix("http://"))
        .unwrap_or(base);
    format!("{bare}/b/{lot}")
}

/// One choice of the template select.
struct TemplateOption {
    code: &'static str,
    name: String,
    selected: bool,
}

/// `/b/{id}/labels`: a sheet of QR labels.
#[derive(askama::Template)]
#[template(path = "labels.html")]
struct LabelsPage {
    t: &'static Texts,
    l: &'static LabelTexts,
    style: &'static str,
    dashboard_style: &'static str,
    /// The script of the print button.
    print_js: &'static str,
    other_lang_url: String,
    path: String,
    product: String,
    lot: String,
    short_url: String,
    producer: String,
    qr_svg: String,
    count: u32,
    sheet: Template,
    templates: Vec<TemplateOption>,
}

impl LabelsPage {
    /// `count` labels of the lot `lot` of `product` on `sheet`, each with
    /// the QR code `svg`.
    fn new(
        t: &'static Texts,
        l: &'static LabelTexts,
        path: &str,
        (product, lot, producer, short_url): (String, String, String, String),
        svg: &str,
        count: u32,
        sheet: Template,
    ) -> Self {
        // The SVG's XML declaration cannot sit inside HTML.
        let qr_svg = svg.find("<svg").map_or(svg, |i| &svg[i..]).to_owned();
        Self {
            t,
            l,
            style: assets::path("style.css"),
            dashboard_style: assets::path("dashboard.css"),
            print_js: assets::path("print.js"),
            other_lang_url: format!(
                "{path}?lang={}&count={count}&template={}",
                t.other_tag, sheet.code
            ),
            path: path.to_owned(),
            product,
            lot,
            short_url,
            producer,
            qr_svg,
            count,
            sheet,
            templates: TEMPLATES
                .iter()
                .map(|s| TemplateOption {
                    code: s.code,
                    name: l
                        .template
                        .replace("{n}", &s.per_sheet().to_string())
                        .replace("{cols}", &s.columns.to_string())
                        .replace("{rows}", &s.rows.to_string()),
                    selected: s.code == sheet.code,
                })
                .collect(),
        }
    }
}

/// Renders the labels sheet in both languages and every template at
/// start-up, with a representative batch.
pub(super) fn check_templates() -> Result<(), TemplateError> {
    let svg = r#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>"#;
    for lang in [Lang::Vi, Lang::En] {
        for sheet in TEMPLATES {
            let names = (
                "Vải thiều".into(),
                "vai-01".into(),
                "HTX Lục Ngạn".into(),
                short_url("https://x.vn", "vai-01"),
            );
            render(&LabelsPage::new(
                Texts::of(lang),
                LabelTexts::of(lang),
                "/b/vai-01/labels",
                names,
                svg,
                3,
                sheet,
            ))?;
        }
    }
    Ok(())
}

/// Query of the labels sheet.
#[derive(serde::Deserialize)]
pub struct LabelsQuery {
    count: Option<u32>,
    template: Option<String>,
}

/// `GET /b/{id}/labels?template=3x7|3x8&count=N`: N labels (1 to
/// [`MAX_LABELS`], one sheet by default) on the sheet `template`.
pub async fn labels(
    State(app): State<AppState>,
    ClientLang(lang): ClientLang,
    Path(raw): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let path = format!("/b/{raw}/labels");
    match try_labels(&app, lang, &raw, &path, query).await {
        Ok(html) => buyer_page(StatusCode::OK, &path, html),
        Err(e) => PageError::new(e, lang, path).into_response(),
    }
}

async fn try_labels(
    app: &AppState,
    lang: Lang,
    raw: &str,
    path: &str,
    query: Option<String>,
) -> Result<String, ServiceError> {
    let q: LabelsQuery = serde_urlencoded::from_str(query.as_deref().unwrap_or(""))
        .map_err(|_| Refusal::new(Code::BadQuery))?;
    let sheet = match q.template.as_deref().filter(|s| !s.is_empty()) {
        None => TEMPLATES[0],
        Some(code) => *TEMPLATES
            .iter()
            .find(|s| s.code == code)
            .ok_or_else(|| Refusal::new(Code::BadQuery))?,
    };
    let count = q.count.unwrap_or(sheet.per_sheet());
    if count == 0 || count > MAX_LABELS {
        return Err(Refusal::new(Code::BadQuery).into());
    }
    let (batch, url) = batch_and_url(app, raw).await?;
    let id = batch.id.clone();
    let view = app
        .blocking(move |ledger| ledger.buyer_view(&Lookup::Batch(id)))
        .await;
    let t = Texts::of(lang);
    // Named as the batch page names it (spec §8.8): a member household
    // only by a name it consented to show.
    let producer = match view {
        Ok(v) => buyer_view::producer(&v, t).into_text(),
        _ => batch.creator.to_string(),
    };
    let svg = super::pages::cached_svg(app, &batch.id, &url)?;
    let svg = std::str::from_utf8(&svg).map_err(internal)?;
    let lot = batch.id.to_string();
    let names = (
        batch.product.name,
        lot.clone(),
        producer,
        short_url(&app.base_url, &lot),
    );
    let page = LabelsPage::new(t, LabelTexts::of(lang), path, names, svg, count, sheet);
    render(&page).map_err(internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_short_url_drops_the_scheme_and_uses_the_lot_address() {
        assert_eq!(
            short_url("https://truyxuat.example.vn/", "gao-st25-a1"),
            "truyxuat.example.vn/b/gao-st25-a1"
        );
        assert_eq!(short_url("http://127.0.0.1:80", "x"), "127.0.0.1:80/b/x");
    }

    #[test]
    fn each_sheet_fits_a4() {
        for s in TEMPLATES {
            let width = 2.0 * s.side + f64::from(s.columns) * s.width + 2.0 * s.gap;
            let height = s.top + f64::from(s.rows) * s.height;
            assert!(width <= 210.0 + 1e-9, "{s:?}: {width}");
            assert!(height <= 297.0, "{s:?}: {height}");
        }
        assert_eq!(TEMPLATES.map(|s| s.per_sheet()), [21, 24]);
    }
}
