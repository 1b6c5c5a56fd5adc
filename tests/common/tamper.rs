//! A proxy between the browser and a real server that changes the buyer's
//! page on its way (issue 4, 13, 15): a leaf or a proof in the page's proof
//! data, a shown text, a step, a name, or the browser's WebCrypto; and the
//! waits that read the badge once it settles. The tests that use it show
//! that each change turns the badge red, and that the same proxy without a
//! change keeps it green.

use super::browser::screenshot;
use super::named;
use axum::extract::{Path as AxPath, State};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use fantoccini::{Client, Locator};
use serde_json::{Value, json};
use std::time::Duration;

/// What the proxy does to the page on its way to the browser.
#[derive(Clone, Copy, PartialEq)]
pub enum Tamper {
    /// Nothing.
    None,
    /// Change the amount in the first leaf's statement.
    Leaf,
    /// Replace a hash of the last leaf's inclusion proof.
    Proof,
    /// Make WebCrypto refuse Ed25519, so the vendored fallback is used.
    NoWebCryptoEd25519,
    /// Show a step at another time than its signed statement says.
    StepTime,
    /// Add a step to the journey that no entry backs.
    ExtraStep,
    /// Show another name for the disclosed household, on the page and in
    /// its disclosure alike (issue 13).
    ShownName,
    /// Change the name in the disclosure only, not where the page shows it.
    DisclosedName,
    /// Change the name where the page shows it, not in the disclosure.
    PageName,
    /// Take WebCrypto away, as an insecure context does.
    NoSubtle,
    /// Change the text of the first shown element whose opening tag holds
    /// the marker (e.g. `data-show="quantity"`) to the text given (issue
    /// 15), on the page, not in the proof data.
    Text(&'static str, &'static str),
    /// Leave the recall banner out of the page, not the recall's entry out
    /// of the proof data (issue 15).
    NoRecallBanner,
}

/// The name a tampering server shows instead of [`named::SHOWN_NAME`]: one
/// letter's mark apart.
pub const OTHER_NAME: &str = "Nguyễn Thị Mỹ Hằng";

#[derive(Clone)]
struct Proxy {
    upstream: String,
    tamper: Tamper,
    client: reqwest::Client,
}

/// Forwards a GET to the real server and applies the tampering to HTML.
async fn forward(
    State(p): State<Proxy>,
    AxPath(path): AxPath<String>,
    q: axum::extract::RawQuery,
) -> Response {
    let url = match q.0 {
        Some(q) => format!("{}/{path}?{q}", p.upstream),
        None => format!("{}/{path}", p.upstream),
    };
    let resp = p.client.get(url).send().await.expect("upstream");
    let status = resp.status();
    let ctype = resp.headers()["content-type"]
        .to_str()
        .expect("type")
        .to_owned();
    let body = resp.text().await.expect("body");
    let body = if ctype.starts_with("text/html") {
        tamper(&body, p.tamper)
    } else {
        body
    };
    (status, [("content-type", ctype)], body).into_response()
}

/// `html` changed the way `how` says.
fn tamper(html: &str, how: Tamper) -> String {
    match how {
        Tamper::StepTime => {
            let at = html.find(r#"data-at=""#).expect("a step") + r#"data-at=""#.len();
            let end = html[at..].find('"').expect("end") + at;
            return format!("{}2020-01-01T00:00:00Z{}", &html[..at], &html[end..]);
        }
        Tamper::ExtraStep => {
            return html.replacen(
                r#"<ol class="journey">"#,
                r#"<ol class="journey"><li><div class="what">Kiểm định hữu cơ châu Âu</div></li>"#,
                1,
            );
        }
        Tamper::ShownName => {
            assert!(
                html.contains(named::SHOWN_NAME),
                "the page names the household"
            );
            return html.replace(named::SHOWN_NAME, OTHER_NAME);
        }
        Tamper::PageName => {
            let data = html.find(r#"id="ledger-proof""#).expect("proof data");
            let page = html[..data].replace(named::SHOWN_NAME, OTHER_NAME);
            assert_ne!(page, html[..data], "the page names the household");
            return format!("{page}{}", &html[data..]);
        }
        Tamper::Text(marker, text) => {
            let data = html.find(r#"id="ledger-proof""#).expect("proof data");
            let at = html[..data]
                .find(marker)
                .unwrap_or_else(|| panic!("the page shows {marker}"));
            let open = html[at..].find('>').expect(">") + at + 1;
            let close = html[open..].find('<').expect("<") + open;
            assert_ne!(&html[open..close], text, "{marker} is changed");
            return format!("{}{text}{}", &html[..open], &html[close..]);
        }
        Tamper::NoRecallBanner => {
            let at = html
                .find(r#"<div class="recall""#)
                .expect("a recall banner");
            let end = html[at..].find("</div>").expect("its end") + at + "</div>".len();
            return format!("{}{}", &html[..at], &html[end..]);
        }
        Tamper::NoSubtle => {
            let hook = r#"<script>Object.defineProperty(Crypto.prototype, "subtle", { get() { return undefined; }, configurable: true });</script>"#;
            return html.replacen("</head>", &format!("{hook}</head>"), 1);
        }
        _ => {}
    }
    let marker = r#"id="ledger-proof""#;
    let Some(at) = html.find(marker) else {
        return html.to_owned();
    };
    let open = html[at..].find('>').expect(">") + at + 1;
    let close = html[open..].find("</script>").expect("end") + open;
    let mut data: Value = serde_json::from_str(&html[open..close]).expect("proof json");
    match how {
        Tamper::None
        | Tamper::StepTime
        | Tamper::ExtraStep
        | Tamper::ShownName
        | Tamper::PageName
        | Tamper::Text(..)
        | Tamper::NoRecallBanner
        | Tamper::NoSubtle => return html.to_owned(),
        Tamper::DisclosedName => {
            assert_eq!(data["disclosures"][0]["name"], named::SHOWN_NAME);
            data["disclosures"][0]["name"] = json!(OTHER_NAME);
        }
        Tamper::Leaf => {
            // The first leaf of a batch (the page now also carries the
            // registrations its names rest on, issue 15).
            let first = data["leaves"]
                .as_array()
                .expect("leaves")
                .iter()
                .position(|l| {
                    let bytes = B64.decode(l["leaf"].as_str().expect("leaf")).expect("b64");
                    String::from_utf8_lossy(&bytes).contains("batch.create")
                })
                .expect("a batch.create leaf");
            let leaf = data["leaves"][first]["leaf"].as_str().expect("leaf");
            let bytes = String::from_utf8(B64.decode(leaf).expect("b64")).expect("utf-8");
            let changed = bytes.replacen("500", "900", 1);
            assert_ne!(bytes, changed, "the first leaf names 500 kg");
            data["leaves"][first]["leaf"] = json!(B64.encode(changed));
        }
        Tamper::Proof => {
            let last = data["leaves"].as_array().expect("leaves").len() - 1;
            let other = B64.encode([7u8; 32]);
            data["leaves"][last]["proof"][0] = json!(other);
        }
        Tamper::NoWebCryptoEd25519 => {
            let hook = r#"<script>(() => { const s = crypto.subtle; const orig = s.importKey.bind(s);
s.importKey = (f, k, a, ...r) => (a && (a === "Ed25519" || a.name === "Ed25519")) ? Promise.reject(new DOMException("no Ed25519", "NotSupportedError")) : orig(f, k, a, ...r); })();</script>"#;
            return html.replacen("</head>", &format!("{hook}</head>"), 1);
        }
    }
    format!(
        "{}{}{}",
        &html[..open],
        data.to_string().replace('<', "\\u003c"),
        &html[close..]
    )
}

/// Starts a proxy on 127.0.0.1:0 in front of `upstream` that changes
/// pages `how` says; returns its URL.
pub async fn proxy(upstream: &str, how: Tamper) -> String {
    let state = Proxy {
        upstream: upstream.to_owned(),
        tamper: how,
        client: reqwest::Client::new(),
    };
    let app = axum::Router::new()
        .route("/{*path}", axum::routing::get(forward))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        axum::serve(listener, app).await.expect("proxy");
    });
    url
}

/// Opens `url`, waits for the badge to settle, saves a screenshot, and
/// returns the badge's state and text.
/// The text is the badge's, then the technical reason a failure gives in
/// the auditors' fold (issue 15: the badge itself speaks the page's
/// language).
pub async fn badge(c: &Client, url: &str, shot: &str) -> (String, String) {
    let css = r#"#verify-badge[data-state="verified"], #verify-badge[data-state="recalled"], #verify-badge[data-state="failed"]"#;
    let (state, text) = settle(c, url, css).await;
    screenshot(c, shot).await;
    let reason = c
        .execute(
            "const r = document.querySelector('#verify-reason code'); return r ? r.textContent : '';",
            vec![],
        )
        .await
        .expect("reason");
    (
        state,
        format!("{text}\n{}", reason.as_str().unwrap_or_default()),
    )
}

/// Opens `url` and waits for an element `css` selects; returns its
/// `data-state` and text.
pub async fn settle(c: &Client, url: &str, css: &str) -> (String, String) {
    c.goto(url).await.expect("goto");
    let el = c
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} settles on {url}: {e}"));
    let state = el
        .attr("data-state")
        .await
        .expect("attr")
        .unwrap_or_default();
    let text = el.text().await.expect("text");
    (state, text)
}
