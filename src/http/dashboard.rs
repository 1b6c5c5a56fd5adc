//! The value-chain linkage dashboard, `GET /linkage` (spec §9, issue 5):
//! the figures of `GET /api/v1/linkage` as a page for authorities, in
//! Vietnamese by default and English on request, phone-first and
//! printable.
//!
//! The handler extracts the query (the same [`LinkageParams`] as the API),
//! fills in its defaults (`Ledger::linkage_query`), looks the page up in
//! the cache, and only then computes the figures (`Ledger::linkage_of`) and
//! renders
//! `web/templates/linkage.html` with one struct, `DashboardPage`. The
//! charts are inline SVG whose geometry comes from [`super::charts`]; every
//! number is also in a table. A refused query gets the same page with the
//! sentence in the user's language, the status of the one mapping
//! (`error::public`: 400 for a malformed query) and the form still filled
//! in; a 5xx says only that the ledger could not answer. Rendered pages are
//! kept in the [`super::cache::PageCache`] per period, filters and
//! language, for one tree size.

use super::AppState;
use super::api::LinkageParams;
use super::assets;
use super::charts::{self, BarChart, LineChart, ProgressChart};
use super::error;
use super::extract::ClientLang;
use super::format::{NumberFormat, day as date};
use super::i18n::{DashboardTexts, Texts};
use super::render::{TemplateError, html_page, render, unrenderable};
use crate::domain::linkage::{
    Digital, DigitalFigure, Figure, LinkageIndex, LinkageReport, Progress, ProvinceName, Query,
    Targets,
};
use crate::domain::messages::{Code, Lang, Refusal};
use crate::domain::places::places;
use crate::domain::product::Category;
use crate::domain::time::Day;
use crate::service::ServiceError;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;

/// The filter form as shown: the period the figures cover, or what was
/// asked for when it was refused.
struct FormView {
    from: String,
    to: String,
    province: String,
    category: String,
}

/// One choice of the category select.
struct CategoryOption {
    code: &'static str,
    name: &'static str,
    selected: bool,
}

/// One choice of the province select: a province of the 2025 map (spec
/// §9.3), or the text a query gave that names none of them.
struct ProvinceOption {
    value: String,
    selected: bool,
    official: bool,
}

/// The province select: the 34 provinces and cities of the 2025 map, as
/// the map names them (`domain::places`, the GSO list the code carries),
/// then, when the query's text names none of them, that text, selected
/// and marked as not on the list, so a filter is never silently empty.
fn province_options(selected: &str) -> Vec<ProvinceOption> {
    let wanted = (!selected.is_empty()).then(|| ProvinceName::read(selected).key);
    let mut options: Vec<ProvinceOption> = places()
        .map(|m| m.provinces())
        .unwrap_or_default()
        .iter()
        .map(|p| ProvinceOption {
            value: p.name.to_owned(),
            selected: wanted
                .as_ref()
                .is_some_and(|k| *k == ProvinceName::read(p.name).key),
            official: true,
        })
        .collect();
    options.sort_by(|a, b| a.value.cmp(&b.value));
    if !selected.is_empty() && !options.iter().any(|o| o.selected) {
        options.push(ProvinceOption {
            value: selected.to_owned(),
            selected: true,
            official: false,
        });
    }
    options
}

/// A headline figure, raw and written out.
struct FigureView {
    registered: u64,
    linked: u64,
    share: f64,
    by_contract: u64,
    by_shipment: u64,
    registered_text: String,
    linked_text: String,
    share_text: String,
    by_contract_text: String,
    by_shipment_text: String,
}

/// A table row: a name, then `linked/registered · share` of cooperatives
/// and of collective organisations, and (by category and province)
/// `signed/registered · share` of each (spec §9.7).
struct RowView {
    name: String,
    cooperatives: String,
    collective: String,
    digital: Option<[String; 2]>,
}

/// The digital transformation figure of one group, raw and written out.
struct DigitalCard {
    registered: u64,
    signed: u64,
    share: f64,
    text: String,
    note: String,
}

/// The digital transformation card: both groups and the target.
struct DigitalView {
    cooperatives: DigitalCard,
    collective: DigitalCard,
    targets: Vec<String>,
}

fn digital_card(d: &DashboardTexts, n: &NumberFormat, f: &DigitalFigure) -> DigitalCard {
    let note = f
        .progress
        .iter()
        .map(|p| {
            if p.met {
                d.met.to_owned()
            } else {
                d.needed_short
                    .replace("{gap}", &n.points(p.gap))
                    .replace("{n}", &n.count(p.needed))
            }
        })
        .collect::<Vec<_>>()
        .join("; ");
    DigitalCard {
        registered: f.registered,
        signed: f.signed,
        share: f.share,
        text: n.fraction(f.signed, f.registered, f.share),
        note,
    }
}

fn digital_view(d: &DashboardTexts, n: &NumberFormat, r: &LinkageReport) -> DigitalView {
    DigitalView {
        cooperatives: digital_card(d, n, &r.digital.cooperatives),
        collective: digital_card(d, n, &r.digital.collective),
        targets: r
            .targets
            .digital
            .iter()
            .map(|g| match g.year {
                Some(y) => d
                    .digital_target_year
                    .replace("{year}", &y.to_string())
                    .replace("{target}", &n.percent(g.share)),
                None => d.digital_target.replace("{target}", &n.percent(g.share)),
            })
            .collect(),
    }
}

/// What businesses accepted, for one category and unit.
struct VolumeView {
    category: &'static str,
    code: String,
    raw: String,
    amount: String,
    unit: &'static str,
    deliveries: String,
    /// Packs that could not be converted to the category's unit.
    unconverted: bool,
}

/// A row of the targets table.
struct TargetView {
    group: &'static str,
    year: u16,
    target: String,
    now: String,
    met: bool,
    note: String,
}

/// Everything the page shows of a report.
struct ReportView {
    period: String,
    filters: String,
    cooperatives: FigureView,
    collective: FigureView,
    members_registered: u64,
    members_reached: u64,
    members_reached_text: String,
    members_of: String,
    members_share_text: String,
    volumes: Vec<VolumeView>,
    digital: DigitalView,
    targets: ProgressChart,
    target_rows: Vec<TargetView>,
    by_month: LineChart,
    month_partial: Option<String>,
    by_category: BarChart,
    by_province: BarChart,
    province_note: Option<String>,
    months: Vec<RowView>,
    categories: Vec<RowView>,
    provinces: Vec<RowView>,
    label_month: String,
    label_category: String,
    label_province: String,
    label_targets: String,
    csv_url: String,
    json_url: String,
    source: String,
}

/// A refused query, as the page says it.
struct ErrorView {
    code: &'static str,
    message: String,
}

/// `GET /linkage`: the dashboard (or its error page).
#[derive(Template)]
#[template(path = "linkage.html")]
struct DashboardPage {
    t: &'static Texts,
    d: &'static DashboardTexts,
    style: &'static str,
    dashboard_style: &'static str,
    other_lang_url: String,
    form: FormView,
    categories: Vec<CategoryOption>,
    provinces: Vec<ProvinceOption>,
    error: Option<ErrorView>,
    report: Option<ReportView>,
}

fn number_format(d: &DashboardTexts) -> NumberFormat {
    NumberFormat {
        decimal: d.decimal,
        thousands: d.thousands,
    }
}

/// The query string of a set of filters, empty ones left out.
fn query_string(pairs: &[(&str, &str)]) -> String {
    let given: Vec<(&str, &str)> = pairs
        .iter()
        .copied()
        .filter(|(_, v)| !v.is_empty())
        .collect();
    serde_urlencoded::to_string(given).unwrap_or_default()
}

/// `/linkage?…&lang=xx`, the other language's address of the same page.
fn other_lang_url(query: &str, t: &Texts) -> String {
    if query.is_empty() {
        format!("/linkage?lang={}", t.other_tag)
    } else {
        format!("/linkage?{query}&lang={}", t.other_tag)
    }
}

fn category_options(t: &Texts, selected: &str) -> Vec<CategoryOption> {
    Category::ALL
        .iter()
        .map(|c| CategoryOption {
            code: c.as_str(),
            name: t.category(*c),
            selected: c.as_str() == selected,
        })
        .collect()
}

fn figure(f: &Figure, n: &NumberFormat) -> FigureView {
    FigureView {
        registered: f.registered,
        linked: f.linked,
        share: f.share,
        by_contract: f.by_contract,
        by_shipment: f.by_shipment,
        registered_text: n.count(f.registered),
        linked_text: n.count(f.linked),
        share_text: n.percent(f.share),
        by_contract_text: n.count(f.by_contract),
        by_shipment_text: n.count(f.by_shipment),
    }
}

/// The sentence under a progress bar or in the targets table.
fn progress_note(d: &DashboardTexts, n: &NumberFormat, sentence: &str, p: &Progress) -> String {
    if p.met {
        d.met.to_owned()
    } else {
        sentence
            .replace("{gap}", &n.points(p.gap))
            .replace("{n}", &n.count(p.needed))
    }
}

fn report_view(
    t: &'static Texts,
    d: &'static DashboardTexts,
    r: &LinkageReport,
    query: &str,
    size: u64,
) -> ReportView {
    let n = number_format(d);
    let period = format!("{} – {}", date(r.from), date(r.to));
    let filters = [
        r.province.clone(),
        r.category.map(|c| t.category(c).to_owned()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let groups = [
        (d.cooperatives.to_owned(), &r.cooperatives),
        (d.collective_short.to_owned(), &r.collective),
    ];
    let targets = charts::progress(&groups, &n, |p| progress_note(d, &n, d.needed_short, p));
    let target_rows = [
        (d.cooperatives, d.needed_cooperatives, &r.cooperatives),
        (d.collective, d.needed_collective, &r.collective),
    ]
    .iter()
    .flat_map(|(group, sentence, f)| {
        f.progress.iter().map(|p| TargetView {
            group,
            year: p.year,
            target: n.percent(p.target),
            now: n.percent(f.share),
            met: p.met,
            note: progress_note(d, &n, sentence, p),
        })
    })
    .collect();
    let by_category = charts::bars(
        &r.by_category
            .iter()
            .map(|c| (t.category(c.category).to_owned(), &c.cooperatives))
            .collect::<Vec<_>>(),
        &r.targets.cooperatives,
        &n,
    );
    let by_province = charts::provinces(&r.by_province, &r.targets.cooperatives, &n);
    let province_note = (by_province.hidden > 0).then(|| {
        d.provinces_hidden
            .replace("{shown}", &n.count(by_province.bars.len() as u64))
            .replace("{hidden}", &n.count(by_province.hidden as u64))
    });
    let row = |name: String, coop: &Figure, coll: &Figure, digital: Option<&Digital>| RowView {
        name,
        cooperatives: n.ratio(coop),
        collective: n.ratio(coll),
        digital: digital.map(|g| {
            [&g.cooperatives, &g.collective].map(|f| n.fraction(f.signed, f.registered, f.share))
        }),
    };
    let m = &r.members_reaching_business;
    ReportView {
        filters,
        cooperatives: figure(&r.cooperatives, &n),
        collective: figure(&r.collective, &n),
        members_registered: m.registered,
        members_reached: m.reached,
        members_reached_text: n.count(m.reached),
        members_of: d.members_of.replace("{n}", &n.count(m.registered)),
        members_share_text: n.percent(m.share),
        volumes: r
            .volume_to_business
            .iter()
            .map(|v| VolumeView {
                category: t.category(v.category),
                code: format!("{}-{}", v.category.as_str(), v.unit.as_str()),
                raw: v.amount.to_string(),
                amount: n.decimal(&v.amount.to_string()),
                unit: t.unit(v.unit),
                deliveries: n.count(v.deliveries),
                unconverted: v.unconverted,
            })
            .collect(),
        digital: digital_view(d, &n, r),
        targets,
        target_rows,
        by_month: charts::months(&r.twelve_months, &r.targets.cooperatives, &n),
        month_partial: r
            .twelve_months
            .iter()
            .find(|m| m.partial)
            .map(|m| d.month_partial.replace("{to}", &date(m.to))),
        by_category,
        by_province,
        province_note,
        months: r
            .twelve_months
            .iter()
            .map(|m| {
                let name = d.month_window.replace("{to}", &date(m.to));
                let name = if m.partial { format!("{name}*") } else { name };
                if m.is_empty() {
                    RowView {
                        name,
                        cooperatives: d.month_no_data.to_owned(),
                        collective: d.month_no_data.to_owned(),
                        digital: None,
                    }
                } else {
                    row(name, &m.cooperatives, &m.collective, None)
                }
            })
            .collect(),
        categories: r
            .by_category
            .iter()
            .map(|c| {
                row(
                    t.category(c.category).to_owned(),
                    &c.cooperatives,
                    &c.collective,
                    Some(&c.digital),
                )
            })
            .collect(),
        provinces: r
            .by_province
            .iter()
            .map(|p| {
                row(
                    p.province.clone(),
                    &p.cooperatives,
                    &p.collective,
                    Some(&p.digital),
                )
            })
            .collect(),
        label_month: format!("{} ({period})", d.chart_month),
        label_category: format!("{} ({period})", d.chart_category),
        label_province: format!("{} ({period})", d.chart_province),
        label_targets: format!("{} ({period})", d.chart_targets),
        csv_url: format!("/api/v1/linkage.csv?{query}"),
        json_url: format!("/api/v1/linkage?{query}"),
        source: d.source.replace("{size}", &n.count(size)),
        period,
    }
}

/// The page for a refused query (4xx) or a failure (5xx, without detail),
/// with the status of the one mapping ([`error::public`]).
fn refused(
    t: &'static Texts,
    d: &'static DashboardTexts,
    lang: Lang,
    params: &LinkageParams,
    err: ServiceError,
) -> Response {
    let (status, refusal) = error::public(err);
    match render(&DashboardPage::refused(t, d, lang, params, &refusal)) {
        Ok(html) => error::with_error_headers(html_page(status, html), status, lang),
        Err(e) => unrenderable(lang, &e),
    }
}

impl DashboardPage {
    /// The page of a refused query: the sentence, and the form as it was
    /// filled in.
    fn refused(
        t: &'static Texts,
        d: &'static DashboardTexts,
        lang: Lang,
        params: &LinkageParams,
        refusal: &Refusal,
    ) -> Self {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let form = FormView {
            from: text(&params.from),
            to: text(&params.to),
            province: text(&params.province),
            category: text(&params.category),
        };
        let query = query_string(&[
            ("from", &form.from),
            ("to", &form.to),
            ("province", &form.province),
            ("category", &form.category),
        ]);
        DashboardPage {
            t,
            d,
            style: assets::path("style.css"),
            dashboard_style: assets::path("dashboard.css"),
            other_lang_url: other_lang_url(&query, t),
            categories: category_options(t, &form.category),
            provinces: province_options(&form.province),
            form,
            error: Some(ErrorView {
                code: refusal.code.as_str(),
                message: refusal.message(lang),
            }),
            report: None,
        }
    }

    /// The page of a report, whose filters are `query`
    /// ([`report_query`]).
    fn report(
        t: &'static Texts,
        d: &'static DashboardTexts,
        report: &LinkageReport,
        query: &str,
        size: u64,
    ) -> Self {
        let province = report.province.clone().unwrap_or_default();
        let category = report.category.map_or("", |c| c.as_str());
        DashboardPage {
            t,
            d,
            style: assets::path("style.css"),
            dashboard_style: assets::path("dashboard.css"),
            other_lang_url: other_lang_url(query, t),
            categories: category_options(t, category),
            provinces: province_options(&province),
            form: FormView {
                from: report.from.to_string(),
                to: report.to.to_string(),
                province,
                category: category.to_owned(),
            },
            error: None,
            report: Some(report_view(t, d, report, query, size)),
        }
    }
}

/// The query string of the period and filters a report covers: the key of
/// its page in the cache, and of its CSV and JSON links.
fn report_query(report: &LinkageReport) -> String {
    filters_query(
        report.from,
        report.to,
        report.province.as_deref(),
        report.category,
    )
}

/// The query string of a report's filters, empty ones left out.
fn filters_query(from: Day, to: Day, province: Option<&str>, category: Option<Category>) -> String {
    query_string(&[
        ("from", &from.to_string()),
        ("to", &to.to_string()),
        ("province", province.unwrap_or_default()),
        ("category", category.map_or("", |c| c.as_str())),
    ])
}

/// Renders the dashboard at start-up, in both languages: the page of a
/// refused query, and the page of a report (with its charts and tables)
/// folded from an empty index, which is pure and calls no service. A bug
/// in either template stops the server from starting.
pub(super) fn check_templates() -> Result<(), TemplateError> {
    let query = Query {
        from: Day::from(time::macros::date!(2026 - 01 - 01)),
        to: Day::from(time::macros::date!(2026 - 12 - 31)),
        province: None,
        category: None,
    };
    let report = LinkageIndex::default().report(&query, &Targets::default());
    for lang in [Lang::Vi, Lang::En] {
        let (t, d) = (Texts::of(lang), DashboardTexts::of(lang));
        let bad = Refusal::with(
            Code::DatesReversed,
            "from 2026-02-01 is after to 2026-01-01",
        );
        render(&DashboardPage::refused(
            t,
            d,
            lang,
            &LinkageParams::default(),
            &bad,
        ))?;
        render(&DashboardPage::report(
            t,
            d,
            &report,
            &report_query(&report),
            0,
        ))?;
    }
    Ok(())
}

/// `GET /linkage?from=&to=&province=&category=`: the linkage dashboard.
pub async fn linkage(
    State(app): State<AppState>,
    ClientLang(lang): ClientLang,
    RawQuery(raw): RawQuery,
) -> Response {
    let (t, d) = (Texts::of(lang), DashboardTexts::of(lang));
    let params: LinkageParams = match serde_urlencoded::from_str(raw.as_deref().unwrap_or("")) {
        Ok(p) => p,
        Err(e) => {
            let bad = Refusal::with(Code::BadQuery, e.to_string());
            return refused(t, d, lang, &LinkageParams::default(), bad.into());
        }
    };
    // The size is read first: the figures are then at least as new as it,
    // so a page kept for this size is never older than the size says.
    let size = app.ledger.size();
    let disclosure_changes = app.ledger.page_changes();
    // The page is looked up before any figure is computed (issue 16): the
    // key is the query with its defaults filled in.
    let q = match params
        .clone()
        .parse()
        .map_err(ServiceError::from)
        .and_then(|f| {
            app.ledger
                .linkage_query(f.from, f.to, f.province, f.category)
        }) {
        Ok(q) => q,
        Err(e) => return refused(t, d, lang, &params, e),
    };
    let key = format!(
        "/linkage?{}",
        filters_query(q.from, q.to, q.province.as_deref(), q.category)
    );
    if let Some(page) = app.pages.get(&key, lang, size, disclosure_changes) {
        return html_page(StatusCode::OK, page);
    }
    let report = app.ledger.linkage_of(&q);
    let query = report_query(&report);
    match render(&DashboardPage::report(t, d, &report, &query, size)) {
        Ok(html) => {
            let html = Bytes::from(html);
            app.pages
                .put(key, lang, size, disclosure_changes, html.clone());
            html_page(StatusCode::OK, html)
        }
        Err(e) => refused(t, d, lang, &params, ServiceError::Internal(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::i18n::{DASHBOARD_EN, DASHBOARD_VI, EN, VI};

    #[test]
    fn a_query_string_leaves_out_empty_filters_and_encodes_the_rest() {
        assert_eq!(
            query_string(&[
                ("from", "2026-01-01"),
                ("province", "Bắc Giang & <x>"),
                ("category", "")
            ]),
            "from=2026-01-01&province=B%E1%BA%AFc+Giang+%26+%3Cx%3E"
        );
        assert_eq!(other_lang_url("", &VI), "/linkage?lang=en");
        assert_eq!(
            other_lang_url("to=2026-02-01", &EN),
            "/linkage?to=2026-02-01&lang=vi"
        );
    }

    #[test]
    fn a_missed_target_says_how_far_and_how_many_more() {
        let p = Progress {
            year: 2030,
            target: 0.6,
            gap: 0.2,
            needed: 1234,
            met: false,
        };
        let n = number_format(&DASHBOARD_VI);
        assert_eq!(
            progress_note(&DASHBOARD_VI, &n, DASHBOARD_VI.needed_cooperatives, &p),
            "Còn thiếu 20 điểm phần trăm: cần thêm 1.234 hợp tác xã liên kết"
        );
        let n = number_format(&DASHBOARD_EN);
        let met = Progress { met: true, ..p };
        assert_eq!(
            progress_note(&DASHBOARD_EN, &n, DASHBOARD_EN.needed_collective, &met),
            "Target met"
        );
    }
}
