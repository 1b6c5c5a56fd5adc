//! The linkage dashboard `GET /linkage` (issue 5) through the real server,
//! over a small ledger of known figures built through the API
//! (`TestServer::with_linkage`): the page shows the numbers
//! `GET /api/v1/linkage` gives for the same query, in Vietnamese and in
//! English; its four charts have one mark per row; a bad query gets a 400
//! page in the user's language with the form still filled in; names are
//! escaped; many provinces stay readable; a new entry is seen at once.

mod common;

use common::linkage::*;
use common::*;
use serde_json::Value;

async fn page(server: &TestServer, path: &str, lang: Option<&str>) -> (u16, String) {
    let mut req = server.client.get(format!("{}{path}", server.url));
    if let Some(l) = lang {
        req = req.header("accept-language", l);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let ctype = resp.headers()["content-type"]
        .to_str()
        .expect("type")
        .to_owned();
    assert!(ctype.starts_with("text/html"), "{path}: {ctype}");
    (status, resp.text().await.expect("text"))
}

/// The shown text of the element marked `data-figure="{name}"`.
fn figure_text(html: &str, name: &str) -> String {
    let marker = format!(r#"data-figure="{name}""#);
    let start = html.find(&marker).expect("figure");
    let open = html[start..].find('>').expect(">") + start + 1;
    let close = html[open..].find('<').expect("<") + open;
    html[open..close].to_owned()
}

/// The markup of the chart marked `data-chart="{name}"`.
fn chart<'a>(html: &'a str, name: &str) -> &'a str {
    let start = html
        .find(&format!(r#"<svg data-chart="{name}""#))
        .unwrap_or_else(|| panic!("no chart {name}"));
    let end = html[start..].find("</svg>").expect("</svg>") + start;
    &html[start..end]
}

/// The rows of the table marked `data-table="{name}"`.
fn table_rows(html: &str, name: &str) -> usize {
    let start = html
        .find(&format!(r#"data-table="{name}""#))
        .expect("table");
    let end = html[start..].find("</table>").expect("</table>") + start;
    html[start..end].matches(r#"<th scope="row">"#).count()
}

fn count(v: &Value) -> String {
    v.as_u64().expect("a count").to_string()
}

fn share(s: &str) -> f64 {
    s.parse().expect("a share")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_shows_the_apis_figures_in_vietnamese_and_english() {
    let server = TestServer::with_linkage().await;
    let api = server.json(&format!("/api/v1/linkage?{PERIOD}")).await;
    // What the ledger was built to hold: 2 of 5 cooperatives linked (one
    // by contract, one by a delivery), 2 of 6 collective organisations.
    assert_eq!(api["cooperatives"]["registered"], 5);
    assert_eq!(api["cooperatives"]["linked"], 2);
    assert_eq!(api["collective"]["registered"], 6);
    let vi_en = [
        (format!("/linkage?{PERIOD}"), None, "vi"),
        (format!("/linkage?{PERIOD}&lang=en"), None, "en"),
        (format!("/linkage?{PERIOD}"), Some("en-GB,en;q=0.9"), "en"),
    ];
    for (path, accept, lang) in vi_en {
        let (status, html) = page(&server, &path, accept).await;
        assert_eq!(status, 200, "{path}");
        assert!(html.contains(&format!(r#"<html lang="{lang}">"#)), "{path}");
        for group in ["cooperatives", "collective"] {
            for field in ["registered", "linked"] {
                assert_eq!(
                    dashboard_figure(&html, &format!("{group}-{field}")),
                    count(&api[group][field]),
                    "{lang} {group} {field}"
                );
            }
            assert_eq!(
                share(&dashboard_figure(&html, &format!("{group}-share"))),
                api[group]["share"].as_f64().expect("share"),
                "{lang} {group} share"
            );
            for route in ["contract", "shipment"] {
                assert_eq!(
                    dashboard_figure(&html, &format!("{group}-by-{route}")),
                    count(&api[group][&format!("by_{route}")])
                );
            }
        }
        assert_eq!(
            dashboard_figure(&html, "members-reached"),
            count(&api["members_reaching_business"]["reached"])
        );
        assert_eq!(figure_text(&html, "cooperatives-share"), "40%");
        // The volume, exact, in the category's unit (issue 15: rice in
        // tonnes), written the reader's way.
        assert!(html.contains(r#"data-volume="rice-t" data-value="1.2505""#));
        let (title, collective, volume, csv) = if lang == "vi" {
            (
                "Liên kết chuỗi giá trị",
                "33,3%",
                "1,2505 tấn",
                "Tải bảng số liệu (CSV)",
            )
        } else {
            (
                "Value-chain linkage",
                "33.3%",
                "1.2505 tonnes",
                "Download the figures (CSV)",
            )
        };
        assert!(html.contains(&format!("<h1>{title}</h1>")), "{lang}");
        assert_eq!(figure_text(&html, "collective-share"), collective);
        assert!(html.contains(volume), "{lang}: {volume}");
        // Issue 15: digital transformation, as the API counts it: the two
        // cooperatives that signed in the period, of five.
        for group in ["cooperatives", "collective"] {
            let f = &api["digital"][group];
            assert_eq!(
                share(&dashboard_figure(&html, &format!("digital-{group}"))),
                f["share"].as_f64().expect("share"),
                "{lang} digital {group}"
            );
        }
        let digital = if lang == "vi" {
            (
                "2/5 · 40%",
                "2/6 · 33,3%",
                "Mục tiêu của kế hoạch tỉnh: 100%",
            )
        } else {
            (
                "2/5 · 40%",
                "2/6 · 33.3%",
                "Target of the province plan: 100%",
            )
        };
        assert_eq!(figure_text(&html, "digital-cooperatives"), digital.0);
        assert_eq!(figure_text(&html, "digital-collective"), digital.1);
        assert!(html.contains(digital.2), "{lang}: no year is invented");
        assert!(html.contains(r#"data-note="digital-definition""#));
        assert!(html.contains(csv), "{lang}");
        // The period is in the form, and the download links ask for it.
        assert!(html.contains(r#"name="from" value="2026-04-01""#));
        assert!(html.contains(r#"name="to" value="2026-06-30""#));
        assert!(html.contains(r#"href="/api/v1/linkage.csv?from=2026-04-01&#38;to=2026-06-30""#));
        assert!(html.contains(r#"href="/api/v1/linkage?from=2026-04-01&#38;to=2026-06-30""#));
        for external in ["src=\"http", "href=\"http"] {
            assert!(!html.contains(external), "no external requests");
        }
    }
    // The CSV the page links to is the same report.
    let (status, csv) = server
        .get_text("/api/v1/linkage.csv?from=2026-04-01&to=2026-06-30")
        .await;
    assert_eq!(status, 200);
    assert!(csv.contains("2026-04-01,2026-06-30,total,,cooperatives,5,2,0.4,"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_four_charts_have_a_mark_per_row_and_say_what_they_show() {
    let server = TestServer::with_linkage().await;
    let api = server.json(&format!("/api/v1/linkage?{PERIOD}")).await;
    let (_, html) = page(&server, &format!("/linkage?{PERIOD}"), None).await;
    let rows = |key: &str| api[key].as_array().expect("rows").len();
    assert_eq!(
        (rows("by_month"), rows("by_category"), rows("by_province")),
        (3, 2, 3)
    );
    let month = chart(&html, "by-month");
    assert_eq!(month.matches(r#"<circle class="pt""#).count(), 3);
    assert!(
        month.contains("2030: 60%") && month.contains("2045: 85%"),
        "target lines"
    );
    // Issue 15: each point is the 12 months to the month's end, so June
    // still counts May's delivery (it was 0.2 when months stood alone).
    let shares: Vec<f64> = month
        .split(r#"data-share=""#)
        .skip(1)
        .map(|s| share(s.split('"').next().expect("share")))
        .collect();
    assert_eq!(shares, [0.2, 0.4, 0.4]);
    assert_eq!(
        chart(&html, "by-category")
            .matches(r#"<g class="bar""#)
            .count(),
        2
    );
    let province = chart(&html, "by-province");
    assert_eq!(province.matches(r#"<g class="bar""#).count(), 3);
    assert!(province.contains("Sóc Trăng") && province.contains("1/2 · 50%"));
    let targets = chart(&html, "targets");
    assert_eq!(targets.matches(r#"<g class="progress"#).count(), 4);
    // 60% of 5 is 3: one more cooperative; 85% of 5 is 5: three more.
    for (year, i) in [(2030, 0), (2045, 1)] {
        let needed = &api["cooperatives"]["progress"][i]["needed"];
        assert!(
            targets.contains(&format!(r#"data-year="{year}" data-needed="{needed}""#)),
            "{year}"
        );
    }
    assert!(html.contains("Còn thiếu 20 điểm phần trăm: cần thêm 1 hợp tác xã liên kết"));
    assert!(html.contains("Còn thiếu 45 điểm phần trăm: cần thêm 3 hợp tác xã liên kết"));
    for name in ["by-month", "by-category", "by-province", "targets"] {
        let svg = chart(&html, name);
        assert!(svg.contains(r#"role="img""#), "{name}");
        assert!(
            svg.contains(r#"aria-label="Tỷ lệ"#) || svg.contains(r#"aria-label="Tiến độ"#),
            "{name}"
        );
        assert!(svg.contains("<title>"), "{name}");
        assert!(
            svg.contains("(01/04/2026 – 30/06/2026)"),
            "{name} names its period"
        );
    }
    // The numbers are also written out as tables.
    assert_eq!(table_rows(&html, "by-month"), 3);
    assert_eq!(table_rows(&html, "by-province"), 3);
    let (_, en) = page(&server, &format!("/linkage?{PERIOD}&lang=en"), None).await;
    assert!(
        chart(&en, "by-category")
            .contains(r#"aria-label="Share of cooperatives linked, by product category"#)
    );
    assert!(en.contains("45 percentage points short: 3 more cooperatives must be linked"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_filters_narrow_the_figures_as_the_api_does() {
    let server = TestServer::with_linkage().await;
    for query in [
        "category=rice",
        "category=fruit",
        "province=C%C3%A0+Mau",
        "province=s%C3%B3c+tr%C4%83ng&category=rice",
    ] {
        let path = format!("{PERIOD}&{query}");
        let api = server.json(&format!("/api/v1/linkage?{path}")).await;
        let (status, html) = page(&server, &format!("/linkage?{path}"), None).await;
        assert_eq!(status, 200, "{query}");
        for f in ["registered", "linked"] {
            assert_eq!(
                dashboard_figure(&html, &format!("cooperatives-{f}")),
                count(&api["cooperatives"][f]),
                "{query}"
            );
        }
    }
    let (_, html) = page(&server, &format!("/linkage?{PERIOD}&category=rice"), None).await;
    assert!(html.contains(r#"<option value="rice" selected>Lúa gạo</option>"#));
    assert_eq!(dashboard_figure(&html, "cooperatives-registered"), "1");
    let (_, html) = page(
        &server,
        &format!("/linkage?{PERIOD}&province=C%C3%A0+Mau"),
        None,
    )
    .await;
    assert!(html.contains(r#"<option value="Cà Mau" selected>"#));
    assert_eq!(dashboard_figure(&html, "cooperatives-linked"), "0");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_query_gets_a_400_page_in_the_users_language_with_the_form_filled_in() {
    let server = TestServer::with_linkage().await;
    let cases = [
        (
            "/linkage?from=2026-13-01",
            None,
            "bad_date",
            "Ngày phải viết dạng YYYY-MM-DD",
            r#"name="from" value="2026-13-01""#,
        ),
        (
            "/linkage?from=2026-07-01&to=2026-06-01&lang=en",
            None,
            "dates_reversed",
            "The period ends before it starts",
            r#"name="to" value="2026-06-01""#,
        ),
        (
            "/linkage?category=g%E1%BA%A1o&province=Hu%E1%BA%BF",
            None,
            "bad_category",
            "Nhóm sản phẩm phải là",
            r#"<option value="Thành phố Huế" selected>"#,
        ),
        (
            "/linkage?category=shrimp",
            Some("en"),
            "bad_category",
            "The product category must be",
            r#"<option value="">All</option>"#,
        ),
        (
            "/linkage?from=2026-01-01&from=2026-02-01",
            None,
            "bad_query",
            "Tham số truy vấn",
            r#"name="from" value="""#,
        ),
    ];
    for (path, accept, code, sentence, form) in cases {
        let (status, html) = page(&server, path, accept).await;
        assert_eq!(status, 400, "{path}");
        assert!(html.contains(&format!(r#"data-error="{code}""#)), "{path}");
        assert!(html.contains(sentence), "{path}: {sentence}");
        assert!(html.contains(form), "{path}: the form keeps {form}");
        assert!(html.contains(r#"<form class="filters"#), "{path}");
        assert!(!html.contains("data-figure="), "{path}: no figures");
    }
    let (_, en) = page(&server, "/linkage?from=x&lang=en", None).await;
    assert!(en.contains("The figures cannot be shown"));
    let (_, vi) = page(&server, "/linkage?from=x", None).await;
    assert!(vi.contains("Không xem được số liệu"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_province_name_with_html_renders_as_text() {
    let server = TestServer::with_linkage().await;
    let evil = r#"<script>alert("x")</script>"#;
    server
        .ok(&register_at(
            "htx-xss",
            "cooperative",
            evil,
            None,
            &key(399),
            REGISTERED_AT,
        ))
        .await;
    let (status, html) = page(&server, &format!("/linkage?{PERIOD}"), None).await;
    assert_eq!(status, 200);
    assert!(
        !html.contains("<script>alert"),
        "no injected script element"
    );
    let shown = "&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;";
    assert!(
        chart(&html, "by-province").contains(shown),
        "shown as text in the chart"
    );
    assert!(
        html.contains(&format!(r#"<th scope="row">{shown}</th>"#)),
        "and in the table"
    );
    // Asked for as a filter, it is shown back as text too.
    let (status, html) = page(
        &server,
        &format!("/linkage?{PERIOD}&province=%3Cscript%3Ealert(%22x%22)%3C%2Fscript%3E"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert!(!html.contains("<script>alert"));
    assert_eq!(dashboard_figure(&html, "cooperatives-registered"), "1");
    assert!(html.contains(&format!(r#"<option value="{shown}" selected>{shown} ("#)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_provinces_stay_readable_the_chart_draws_34_and_the_table_lists_all() {
    let server = TestServer::with_linkage().await;
    for i in 1..=40u32 {
        server
            .ok(&register_at(
                &format!("htx-tinh-{i:02}"),
                "cooperative",
                &format!("Tỉnh thử {i:02}"),
                None,
                &key(500 + i),
                REGISTERED_AT,
            ))
            .await;
    }
    let (_, html) = page(&server, &format!("/linkage?{PERIOD}"), None).await;
    assert_eq!(
        chart(&html, "by-province")
            .matches(r#"<g class="bar""#)
            .count(),
        34
    );
    assert!(html.contains(
        "Biểu đồ hiện 34 tỉnh, thành phố có nhiều hợp tác xã nhất; 9 tỉnh, thành phố khác có trong bảng và tệp CSV."
    ));
    assert_eq!(table_rows(&html, "by-province"), 43);
    // The provinces with the most cooperatives are drawn, by share.
    let drawn = chart(&html, "by-province");
    let first = drawn.find("Bắc Giang").expect("Bắc Giang is drawn");
    let second = drawn.find("Sóc Trăng").expect("Sóc Trăng is drawn");
    assert!(first < second, "100% before 50%");
    assert!(drawn.contains("Cà Mau"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_entry_is_on_the_dashboard_at_once() {
    let server = TestServer::with_linkage().await;
    let path = format!("/linkage?{PERIOD}");
    let (_, first) = page(&server, &path, None).await;
    let (_, again) = page(&server, &path, None).await;
    assert_eq!(first, again, "the same ledger, the same page");
    assert_eq!(dashboard_figure(&first, "cooperatives-registered"), "5");
    server
        .ok(&register_at(
            "htx-moi",
            "cooperative",
            "Cà Mau",
            None,
            &key(398),
            REGISTERED_AT,
        ))
        .await;
    let (_, after) = page(&server, &path, None).await;
    assert_eq!(dashboard_figure(&after, "cooperatives-registered"), "6");
    assert_eq!(figure_text(&after, "cooperatives-share"), "33,3%");
    // Without dates: this year so far, and the form shows that period.
    let (status, html) = page(&server, "/linkage", None).await;
    assert_eq!(status, 200);
    let api = server.json("/api/v1/linkage").await;
    let from = api["from"].as_str().expect("from");
    assert!(html.contains(&format!(r#"name="from" value="{from}""#)));
    assert_eq!(
        dashboard_figure(&html, "cooperatives-registered"),
        count(&api["cooperatives"]["registered"])
    );
}

/// Issue 13: on a format-2 ledger, whose regions are GSO codes, the
/// dashboard writes each province by its name on the 2025 map, in the
/// chart and in the table, never as a bare code; a filter given as a code
/// shows the province's name in the form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provinces_given_as_codes_are_shown_by_their_names() {
    use coop_ledger::domain::places::places;
    use coop_ledger::domain::statement::LedgerFormat;
    let dir = tempfile::tempdir().expect("tempdir");
    init_ledger_in(dir.path(), LedgerFormat::V2);
    let server = TestServer::serve_dir(dir, Default::default()).await;
    let map = places().expect("places");
    let code = |name: &str| map.province_named(name).expect(name).code.to_string();
    let (can_tho, ca_mau) = (code("Cần Thơ"), code("Cà Mau"));
    for (id, province, n) in [
        ("htx-ct-1", &can_tho, 601),
        ("htx-ct-2", &can_tho, 602),
        ("htx-cm-1", &ca_mau, 603),
    ] {
        server
            .ok(&register_at(
                id,
                "cooperative",
                province,
                None,
                &key(n),
                REGISTERED_AT,
            ))
            .await;
    }
    let (status, html) = page(&server, &format!("/linkage?{PERIOD}"), None).await;
    assert_eq!(status, 200);
    let drawn = chart(&html, "by-province");
    assert!(drawn.contains("Thành phố Cần Thơ") && drawn.contains("Cà Mau"));
    assert_eq!(table_rows(&html, "by-province"), 2);
    assert!(html.contains(r#"<th scope="row">Thành phố Cần Thơ</th>"#));
    for bare in [&can_tho, &ca_mau] {
        assert!(
            !html.contains(&format!(r#"<th scope="row">{bare}</th>"#)),
            "no row named {bare}"
        );
    }
    let (status, html) = page(
        &server,
        &format!("/linkage?{PERIOD}&province={can_tho}"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(dashboard_figure(&html, "cooperatives-registered"), "2");
    assert!(html.contains(r#"<option value="Thành phố Cần Thơ" selected>"#));
}

/// Issue 15, the month chart's known answer, in the real Chromium at 360 px,
/// in Vietnamese and in English: for March to 2 July 2026 March has nobody
/// registered (a gap, no point, "no data" in the table, never 0%); April
/// 1/5, then May, June and July 2/5 (the twelve months to each month's end
/// keep May's delivery); July is partial and says up to when; the
/// definition is written beside the chart; the page never scrolls sideways
/// and axe-core finds nothing serious.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_month_chart_is_twelve_months_to_each_month_with_a_gap_and_a_partial_month() {
    let server = TestServer::with_linkage().await;
    let driver = common::browser::Driver::start();
    let profile = tempfile::tempdir().expect("profile");
    let c = driver.browser(profile.path()).await;
    let query = "from=2026-03-01&to=2026-07-02";
    for (lang, no_data, partial, definition) in [
        (
            "vi",
            "Chưa có số liệu",
            "* Tháng chưa trọn: chỉ tính đến ngày 02/07/2026.",
            "12 tháng tính đến cuối tháng đó",
        ),
        (
            "en",
            "No data",
            "* Partial month: counted up to 02/07/2026 only.",
            "12 months to that month's end",
        ),
    ] {
        c.goto(&format!("{}/linkage?{query}&lang={lang}", server.url))
            .await
            .expect("goto");
        let page = c
            .execute(
                r#"const svg = document.querySelector('svg[data-chart="by-month"]');
                   const pts = [...svg.querySelectorAll('circle.pt')];
                   const rows = [...document.querySelectorAll('table[data-table="by-month"] tbody tr')];
                   return {
                     lang: document.documentElement.lang,
                     width: window.innerWidth,
                     wide: [document.documentElement, document.body, ...document.querySelectorAll('body > *, main > *, main svg, table, td, th')].filter(e => e.getBoundingClientRect().right > 349 || e.scrollWidth > 350).slice(0, 12).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right) + ' ' + e.scrollWidth + '/' + e.clientWidth + ' ' + (e.textContent || '').slice(0, 30)),
                     scroll: document.documentElement.scrollWidth,
                     months: pts.map(p => p.dataset.month),
                     shares: pts.map(p => Number(p.dataset.share)),
                     partial: pts.filter(p => p.dataset.partial).map(p => p.dataset.month),
                     gaps: [...svg.querySelectorAll('[data-gap]')].map(g => g.dataset.gap),
                     lines: svg.querySelectorAll('polyline.series').length,
                     rows: rows.map(r => [...r.children].map(x => x.textContent)),
                     definition: document.querySelector('[data-note="month-definition"]').textContent,
                     note: document.querySelector('[data-note="month-partial"]').textContent,
                     labels: [...svg.querySelectorAll('text.target-label')].map(t => t.getBBox().x),
                     plotRight: Math.max(...[...svg.querySelectorAll('polyline.series')].map(l => l.getBBox().x + l.getBBox().width)),
                   };"#,
                vec![],
            )
            .await
            .expect("read the chart");
        common::browser::screenshot(&c, &format!("linkage-months-{lang}-360.png")).await;
        assert_eq!(page["lang"], lang);
        assert_eq!(
            page["width"], 360,
            "{lang}: phone viewport, too wide: {}",
            page["wide"]
        );
        assert!(
            page["scroll"].as_u64() <= page["width"].as_u64(),
            "{lang}: no sideways scrolling: {page}"
        );
        assert_eq!(
            page["months"],
            serde_json::json!(["2026-04", "2026-05", "2026-06", "2026-07"]),
            "{lang}: March has no point"
        );
        assert_eq!(page["shares"], serde_json::json!([0.2, 0.4, 0.4, 0.4]));
        assert_eq!(page["partial"], serde_json::json!(["2026-07"]));
        assert_eq!(page["gaps"], serde_json::json!(["2026-03"]));
        assert_eq!(page["lines"], 1);
        let rows = page["rows"].as_array().expect("rows");
        assert_eq!(rows.len(), 5);
        assert_eq!(rows[0][1], no_data, "{lang}: an empty month is not 0%");
        assert!(
            rows[4][0].as_str().expect("name").ends_with("02/07/2026*"),
            "{lang}: {rows:?}"
        );
        assert_eq!(rows[4][1], "2/5 · 40%");
        assert_eq!(page["note"], partial);
        assert!(
            page["definition"]
                .as_str()
                .expect("text")
                .contains(definition),
            "{lang}: {page}"
        );
        // The target labels sit right of the line, never on it.
        let right = page["plotRight"].as_f64().expect("right");
        for x in page["labels"].as_array().expect("labels") {
            assert!(x.as_f64().expect("x") > right, "{lang}: {page}");
        }
        let axe = common::axe::serious_violations(&c).await;
        assert!(axe.is_empty(), "{lang}: {axe:?}");
    }
    c.close().await.expect("close");
}

/// Issue 15: printed (Chromium's print to PDF, read back with `pdftotext`
/// of Debian `poppler-utils`), page 1 holds the headline figures and the
/// targets; the charts by month and the rest follow; the print is in the
/// page's language.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_printout_puts_the_headline_and_the_targets_on_page_one() {
    use fantoccini::wd::{PrintConfiguration, PrintSize};
    let server = TestServer::with_linkage().await;
    let driver = common::browser::Driver::start();
    let profile = tempfile::tempdir().expect("profile");
    let c = driver.browser(profile.path()).await;
    for (lang, headline, targets, month) in [
        (
            "vi",
            "Hợp tác xã",
            "Tiến độ so với mục tiêu",
            "Tỷ lệ hợp tác xã liên kết trong 12 tháng",
        ),
        (
            "en",
            "Cooperatives",
            "Progress towards the targets",
            "Share of cooperatives linked in the 12 months",
        ),
    ] {
        c.goto(&format!("{}/linkage?{PERIOD}&lang={lang}", server.url))
            .await
            .expect("goto");
        let pdf = c
            .print(
                PrintConfiguration::builder()
                    .size(PrintSize::A4)
                    .build()
                    .expect("print configuration"),
            )
            .await
            .expect("print");
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("linkage.pdf");
        std::fs::write(&file, &pdf).expect("write");
        let text = |range: &[&str]| pdftotext(&file, range);
        let (one, rest) = (text(&["-f", "1", "-l", "1"]), text(&["-f", "2"]));
        for want in [headline, targets] {
            assert!(one.contains(want), "{lang}: page 1 has {want:?}:\n{one}");
        }
        assert!(
            !one.contains(month),
            "{lang}: the month chart waits:\n{one}"
        );
        assert!(rest.contains(month), "{lang}: it follows:\n{rest}");
    }
    c.close().await.expect("close");
}
