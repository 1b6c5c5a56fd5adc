//! The buyer's pages (issue 4) through the real server: the batch page in
//! Vietnamese and English, the GS1 Digital Link form, the link set and the
//! `Link` header, a page (never a bare 404) for an unknown lot, escaping of
//! names, privacy of member households, and QR codes decoded by a stock
//! decoder (zbarimg, Debian `zbar-tools`).

mod common;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use common::cast::*;
use common::*;
use coop_ledger::domain::keys::PublicKey;
use serde_json::json;

async fn page(
    server: &TestServer,
    path: &str,
    lang: Option<&str>,
) -> (u16, String, reqwest::header::HeaderMap) {
    let mut req = server.client.get(format!("{}{path}", server.url));
    if let Some(l) = lang {
        req = req.header("accept-language", l);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    (status, resp.text().await.expect("text"), headers)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_batch_page_speaks_vietnamese_by_default_and_english_on_request() {
    let server = TestServer::with_shop().await;
    let (status, vi, headers) = page(&server, "/b/vai-hop-01", None).await;
    assert_eq!(status, 200);
    assert!(
        headers["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/html")
    );
    assert!(vi.contains(r#"<html lang="vi">"#));
    assert!(vi.contains("Vải thiều hộp 2 kg"));
    assert!(vi.contains("Hành trình sản phẩm"), "journey heading");
    assert!(
        vi.contains("Chưa kiểm tra trên thiết bị này"),
        "badge without script"
    );
    assert!(vi.contains("★★★★"), "OCOP stars");
    assert!(
        vi.contains("VietGAP VG-BG-2026-0142"),
        "certification inherited from the harvest"
    );
    assert!(
        vi.contains("Xã Hồng Giang, Lục Ngạn, Bắc Giang"),
        "origin from the harvest"
    );
    assert!(vi.contains("Tên htx-vai-luc-ngan"), "producer cooperative");
    for kind in [
        "batch.create",
        "batch.ship",
        "batch.receive",
        "batch.transform",
        "batch.inspect",
    ] {
        assert!(
            vi.contains(&format!(r#"data-type="{kind}""#)),
            "step {kind}"
        );
    }
    let (_, en, _) = page(&server, "/b/vai-hop-01?lang=en", None).await;
    assert!(en.contains(r#"<html lang="en">"#));
    assert!(
        en.contains("The product&#39;s journey"),
        "escaped apostrophe"
    );
    assert!(en.contains("Not checked on this device"));
    let (_, en2, _) = page(&server, "/b/vai-hop-01", Some("en-GB,en;q=0.9")).await;
    assert!(
        en2.contains(r#"<html lang="en">"#),
        "Accept-Language is honoured"
    );
    // Every asset comes from the app itself.
    for src in ["http://", "https://"] {
        assert!(
            !vi.contains(&format!(r#"src="{src}"#)) && !vi.contains(&format!(r#"href="{src}"#)),
            "no external requests"
        );
    }
    let (status, js, _) = page(
        &server,
        &extract(&vi, r#"<script type="module" src=""#),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        js.contains(r#"from "proofs""#),
        "the check imports its proofs module"
    );
    // The import map names the module by a path the app serves.
    let map: serde_json::Value =
        serde_json::from_str(extract_to(&vi, r#"<script type="importmap">"#, "</script>"))
            .expect("import map");
    let proofs = map["imports"]["proofs"].as_str().expect("proofs");
    assert!(proofs.starts_with("/static/"), "{proofs}");
    let (status, js, _) = page(&server, proofs, None).await;
    assert_eq!(status, 200);
    assert!(js.contains("inclusionRoot"));
}

fn extract_to<'a>(html: &'a str, before: &str, after: &str) -> &'a str {
    let start = html.find(before).expect("marker") + before.len();
    let len = html[start..].find(after).expect("end");
    &html[start..start + len]
}

fn extract(html: &str, before: &str) -> String {
    let start = html.find(before).expect("marker") + before.len();
    html[start..].split('"').next().expect("value").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn digital_link_and_linkset_answer_as_gs1_resolvers_do() {
    let server = TestServer::with_shop().await;
    let (status, body, headers) = page(&server, "/01/08935049501503/10/vai-hop-01", None).await;
    assert_eq!(status, 200);
    assert!(body.contains("Vải thiều hộp 2 kg"));
    let link = headers["link"].to_str().expect("link");
    assert!(
        link.contains(r#"rel="linkset""#) && link.contains("application/linkset+json"),
        "{link}"
    );
    let (status, ls, headers) = page(
        &server,
        "/01/08935049501503/10/vai-hop-01?linkType=linkset",
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/linkset+json");
    let ls: serde_json::Value = serde_json::from_str(&ls).expect("json");
    assert_eq!(
        ls["linkset"][0]["anchor"],
        format!("{}/01/08935049501503/10/vai-hop-01", server.url)
    );
    assert!(ls["linkset"][0]["https://gs1.org/voc/pip"].is_array());
    // A wrong check digit, a GTIN that is not this lot's, an unknown lot.
    let (status, body, headers) = page(&server, "/01/08935049501504/10/vai-hop-01", None).await;
    assert_eq!(status, 400);
    assert!(body.contains("Mã không hợp lệ"));
    assert!(headers.contains_key("link"));
    let (status, body, _) = page(&server, "/01/00614141000036/10/vai-hop-01", None).await;
    assert_eq!(status, 404);
    assert!(body.contains("Chưa có thông tin cho mã này"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_lot_gets_a_page_in_the_buyers_language_never_a_bare_404() {
    let server = TestServer::with_shop().await;
    let (status, vi, headers) = page(&server, "/b/chua-co-lo-nay", None).await;
    assert_eq!(status, 404);
    assert!(
        headers["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/html")
    );
    assert!(vi.contains("Chưa có thông tin cho mã này"), "{vi}");
    let (status, en, _) = page(&server, "/b/chua-co-lo-nay?lang=en", None).await;
    assert_eq!(status, 404);
    assert!(en.contains("No information for this code yet"));
    let (status, bad, _) = page(&server, "/b/l%C3%B4%201", None).await;
    assert_eq!(status, 400);
    assert!(bad.contains("Mã không hợp lệ"));
    // Paths a printed code might hold that no route matches: a page too.
    for path in [
        "/b/",
        "/b/vai-hop-01/",
        "/01/08935049501503",
        "/01/08935049501503/10/vai-hop-01/21/123",
    ] {
        let (status, body, headers) = page(&server, path, None).await;
        assert_eq!(status, 404, "{path}");
        assert!(body.contains("Chưa có thông tin cho mã này"), "{path}");
        assert!(headers.contains_key("link"), "{path}");
    }
    let (status, body, _) = page(&server, "/api/v1/nothing", None).await;
    assert_eq!(status, 404);
    assert!(
        body.contains(r#""error":"not_found""#),
        "the API keeps its JSON 404"
    );
    // Nothing from the request reaches the Link header unencoded.
    let (_, _, headers) = page(&server, "/b/x%3E%3B%20rel%3D%22evil%22", None).await;
    let link = headers["link"].to_str().expect("link");
    assert_eq!(link.matches("rel=").count(), 1, "{link}");
    assert!(
        link.starts_with("</b/x%3E%3B%20rel%3D%22evil%22?linkType=linkset>"),
        "{link}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_with_html_and_script_render_as_text() {
    let server = TestServer::with_cast().await;
    let evil = r#"<script>alert("x")</script><img src=x onerror=alert(1)>"#;
    let register = signed(
        COOP,
        "actor.register",
        json!({"id": "tv-evil", "role": "member", "name": evil, "public": true, "key": PublicKey::from(key(401).verifying_key()).to_string(), "region": {"province": "Bắc Giang", "commune": "</script>"}, "cooperative": COOP}),
    );
    server.ok(&register).await;
    let mut f = lychee("lo-xss", "10");
    f["product"]["name"] = json!(evil);
    f["origin"]["place"] = json!("\"><script>alert(2)</script>");
    server
        .ok(&coop_ledger::domain::envelope::Envelope::sign(
            statement("batch.create", "tv-evil", f),
            &key(401),
        ))
        .await;
    let (status, body, _) = page(&server, "/b/lo-xss", None).await;
    assert_eq!(status, 200);
    assert!(
        !body.contains("<script>alert"),
        "no injected script element"
    );
    assert!(!body.contains("<img src=x"), "no injected image element");
    assert!(
        body.contains("&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;"),
        "shown as text"
    );
    // The proof data cannot end its script element either.
    let data = extract_json(&body);
    assert!(!data.contains("</script"), "{data}");
}

fn extract_json(html: &str) -> String {
    let start = html.find(r#"id="ledger-proof""#).expect("proof");
    let open = html[start..].find('>').expect(">") + start + 1;
    let close = html[open..].find("</script>").expect("end") + open;
    html[open..close].to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_household_is_named_only_with_consent_and_no_contract_volume_is_shown() {
    let server = TestServer::with_shop().await;
    server
        .ok(&signed(COOP, "contract.offer", json!({"contract": "hd-1", "cooperative": COOP, "business": BUSINESS, "product_category": "fruit", "from": "2026-01-01", "to": "2030-12-31", "volume": {"amount": "987654", "unit": "kg"}})))
        .await;
    let (_, body, _) = page(&server, "/b/vai-hop-01", None).await;
    assert!(
        !body.contains(&format!("Tên {MEMBER}")),
        "the member did not consent to be named"
    );
    assert!(
        body.contains("Hộ thành viên của Tên htx-vai-luc-ngan"),
        "shown by its cooperative"
    );
    // Issue 13: on a format-1 ledger a member's registration holds its
    // plain name, so the proof data never carries it for a member not
    // named; it carries no disclosure either. (Issue 15: it does carry the
    // registrations of the organisations the page names.)
    let data: serde_json::Value = serde_json::from_str(&extract_json(&body)).expect("json");
    assert_eq!(data["disclosures"], json!([]));
    for leaf in data["leaves"].as_array().expect("leaves") {
        let bytes = B64
            .decode(leaf["leaf"].as_str().expect("leaf"))
            .expect("b64");
        let text = String::from_utf8(bytes).expect("utf-8");
        assert!(
            !(text.contains("actor.register") && text.contains(r#"\"role\":\"member\""#)),
            "{text}"
        );
        assert!(!text.contains(&format!("Tên {MEMBER}")), "{text}");
    }
    assert!(!body.contains("987654"), "no contract volume");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_qr_code_decodes_to_exactly_its_page_url() {
    let server = TestServer::with_shop().await;
    for (id, expected) in [
        (
            "vai-hop-01",
            format!("{}/01/08935049501503/10/vai-hop-01", server.url),
        ),
        ("gao-01", format!("{}/b/gao-01", server.url)),
        (
            "vai-01",
            format!("{}/01/08935049501503/10/vai-01", server.url),
        ),
    ] {
        let resp = server
            .client
            .get(format!("{}/b/{id}/qr.png", server.url))
            .send()
            .await
            .expect("qr");
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers()["content-type"], "image/png");
        let png = resp.bytes().await.expect("bytes");
        assert_eq!(zbarimg(&png), expected, "{id}");
        // The URL it holds opens the page.
        let path = expected.trim_start_matches(&server.url).to_owned();
        let (status, _, _) = page(&server, &path, None).await;
        assert_eq!(status, 200, "{path}");
        let (status, svg, headers) = page(&server, &format!("/b/{id}/qr.svg"), None).await;
        assert_eq!(status, 200);
        assert_eq!(headers["content-type"], "image/svg+xml");
        assert!(svg.contains("<svg"));
    }
    let (status, body, _) = page(&server, "/b/khong-co/qr.png", None).await;
    assert_eq!(status, 404);
    assert!(body.contains("Chưa có thông tin"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cooperative_prints_a_sheet_of_labels() {
    let server = TestServer::with_shop().await;
    let (status, body, _) = page(&server, "/b/vai-hop-01/labels?count=12", None).await;
    assert_eq!(status, 200);
    assert_eq!(body.matches(r#"<div class="label">"#).count(), 12);
    // A print button, its script a file (issue 16: no inline handler).
    assert!(
        body.contains("<button type=\"button\" data-print>"),
        "{body}"
    );
    assert!(
        body.contains("/static/print.") && !body.contains("onclick"),
        "{body}"
    );
    assert!(body.contains("Vải thiều hộp 2 kg") && body.contains("vai-hop-01"));
    for bad in ["0", "241", "nhieu"] {
        let (status, _, _) =
            page(&server, &format!("/b/vai-hop-01/labels?count={bad}"), None).await;
        assert_eq!(status, 400, "count={bad}");
    }
}

/// Issue 15: the icon browsers ask for is answered, never a 404, and the
/// buyer's page links it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_15_the_favicon_is_answered() {
    let server = TestServer::with_shop().await;
    let (status, body, headers) = page(&server, "/favicon.ico", None).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "image/svg+xml");
    assert!(body.starts_with("<svg"), "{body}");
    let (_, html, _) = page(&server, "/b/vai-hop-01", None).await;
    assert!(html.contains(r#"<link rel="icon" href="/favicon.ico""#));
    // The error page repeats the code scanned, shows no raw error code as
    // text, and warns of counterfeits.
    let (status, html, _) = page(&server, "/01/08935049501503/10/lo-gia-01", None).await;
    assert_eq!(status, 404);
    assert!(html.contains("lo-gia-01"), "the code scanned");
    assert!(html.contains("hàng giả"), "a warning about counterfeits");
    assert!(!html.contains(">unknown_batch<") && !html.contains(">not_found<"));
}
