//! The buyer's page in a real headless Chromium (Debian `chromium`, driven
//! through `chromedriver` with the fantoccini WebDriver client), on a
//! 360-pixel-wide phone viewport (issue 4):
//! - on a good chain the badge reaches "verified", in Vietnamese and in
//!   English, with WebCrypto's Ed25519 and with the vendored
//!   @noble/ed25519 fallback;
//! - when the server is made to serve a tampered leaf or a tampered proof
//!   (a proxy between browser and server changes one of them), or shows a
//!   step at another time than signed, or a step no entry backs, the badge
//!   reaches "not verified";
//! - a member household's disclosed name (issue 13) is marked "the name
//!   signed" when it opens its registration's commitment, "not the name
//!   signed" when the server shows or discloses another, and "could not be
//!   checked" without WebCrypto.
//!
//! And the linkage dashboard (issue 5) on the same phone: the figures the
//! page shows are the API's, its four SVG charts are drawn with a size and
//! one mark per row, nothing scrolls sideways, and the filter form asks for
//! the figures it names.
//!
//! Screenshots are saved under `target/screenshots/`.

mod common;

use common::browser::{Driver, screenshot};
use common::tamper::{OTHER_NAME, Tamper, badge, proxy, settle};
use common::*;
use fantoccini::{Client, Locator};
use serde_json::{Value, json};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_badge_verifies_a_good_chain_and_refuses_a_tampered_one_on_a_phone() {
    let server = TestServer::with_shop().await;
    let driver = Driver::start();
    let profile = tempfile::tempdir().expect("profile");
    let c = driver.browser(profile.path()).await;

    // Vietnamese (the phone's language): verified, and it fits a 360-px
    // screen.
    let page = format!("{}/01/08935049501503/10/vai-hop-01", server.url);
    let (state, text) = badge(&c, &page, "buyer-vi-360.png").await;
    assert_eq!(state, "verified", "{text}");
    assert!(text.starts_with("✔ Đã xác minh"), "{text}");
    let width = c
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await
        .expect("width");
    assert_eq!(width[1], 360, "phone viewport");
    assert!(
        width[0].as_u64() <= width[1].as_u64(),
        "no sideways scrolling: {width}"
    );

    // English.
    let (state, text) = badge(&c, &format!("{page}?lang=en"), "buyer-en-360.png").await;
    assert_eq!(state, "verified", "{text}");
    assert!(text.starts_with("✔ Verified on this device"), "{text}");

    // The audited fallback when WebCrypto has no Ed25519.
    let fallback = proxy(&server.url, Tamper::NoWebCryptoEd25519).await;
    let (state, text) = badge(
        &c,
        &format!("{fallback}/b/vai-hop-01"),
        "buyer-fallback.png",
    )
    .await;
    assert_eq!(state, "verified", "{text}");

    // A tampered leaf, and a tampered proof: not verified.
    let bad_leaf = proxy(&server.url, Tamper::Leaf).await;
    let (state, text) = badge(
        &c,
        &format!("{bad_leaf}/b/vai-hop-01"),
        "buyer-tampered-leaf.png",
    )
    .await;
    assert_eq!(state, "failed", "{text}");
    assert!(text.starts_with("✘ KHÔNG xác minh được"), "{text}");
    let bad_proof = proxy(&server.url, Tamper::Proof).await;
    let (state, text) = badge(
        &c,
        &format!("{bad_proof}/b/vai-hop-01?lang=en"),
        "buyer-tampered-proof.png",
    )
    .await;
    assert_eq!(state, "failed", "{text}");
    assert!(text.contains("not in the signed tree"), "{text}");
    // A step shown at another time, or a step no entry backs: not verified.
    let moved = proxy(&server.url, Tamper::StepTime).await;
    let (state, text) = badge(&c, &format!("{moved}/b/vai-hop-01"), "buyer-step-time.png").await;
    assert_eq!(state, "failed", "{text}");
    let extra = proxy(&server.url, Tamper::ExtraStep).await;
    let (state, text) = badge(&c, &format!("{extra}/b/vai-hop-01"), "buyer-extra-step.png").await;
    assert_eq!(state, "failed", "{text}");
    // The same proxy without tampering passes: the failures above are the
    // tampering's, not the proxy's.
    let clean = proxy(&server.url, Tamper::None).await;
    let (state, _) = badge(&c, &format!("{clean}/b/vai-hop-01"), "buyer-proxied.png").await;
    assert_eq!(state, "verified");
    c.close().await.expect("close");
}

/// Opens `url`, waits for the mark beside the disclosed household's name
/// to settle (verified, not the one signed, or not checkable here), saves a
/// screenshot, and returns the mark's state and text and the badge's state.
async fn name_mark(c: &Client, url: &str, shot: &str) -> (String, String, String) {
    let css = format!(
        r#".name-check[data-name-of="{m}"][data-state="verified"], .name-check[data-name-of="{m}"][data-state="failed"], .name-check[data-name-of="{m}"][data-state="cannot"]"#,
        m = named::SHOWN
    );
    let (state, text) = settle(c, url, &css).await;
    let badge = c
        .find(Locator::Id("verify-badge"))
        .await
        .expect("badge")
        .attr("data-state")
        .await
        .expect("attr")
        .unwrap_or_default();
    screenshot(c, shot).await;
    (state, text, badge)
}

/// Issue 13: the phone recomputes a disclosed name's commitment from the
/// name as the page shows it and the salt in the proof data, against the
/// `name_commit` of the member's registration leaf (itself checked to the
/// signed checkpoint), and says beside the name whether it is the name
/// signed; a server that shows another name is caught, and a phone without
/// WebCrypto says it could not check the name, never that it is verified.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_13_the_phone_checks_a_disclosed_name_against_its_commitment() {
    use named::*;
    let server = TestServer::with_named_members().await;
    let consent = named::consent(SHOWN, true);
    let (status, body) = server
        .post_raw(with_disclosure(&consent, SHOWN, SHOWN_NAME, &salt(SHOWN)))
        .await;
    assert_eq!(status, 201, "{body}");
    // A server cannot keep a disclosure that does not open the commitment.
    let (status, body) = server
        .post_raw(with_disclosure(&consent, SHOWN, OTHER_NAME, &salt(SHOWN)))
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("disclosure_mismatch"))
    );

    let driver = Driver::start();
    let profile = tempfile::tempdir().expect("profile");
    let c = driver.browser(profile.path()).await;
    let page = format!("{}/b/{SHOWN_LOT}", server.url);
    let (state, text, badge) = name_mark(&c, &page, "name-vi.png").await;
    assert_eq!(
        (state.as_str(), badge.as_str()),
        ("verified", "verified"),
        "{text}"
    );
    assert_eq!(text, "✔ đúng tên đã ký khi đăng ký");
    let shown = c
        .find(Locator::Css(&format!(r#"[data-member="{SHOWN}"]"#)))
        .await
        .expect("the name")
        .text()
        .await
        .expect("text");
    assert_eq!(shown, SHOWN_NAME);
    // Each case: what the proxy does, the query, and the mark and badge
    // the page must settle on, with the mark's words.
    let cases = [
        (
            Tamper::None,
            "?lang=en",
            ("verified", "verified"),
            "✔ the name signed at registration",
            "name-en.png",
        ),
        // Another name on the page and in its disclosure: the commitment
        // does not open, and the page says so beside the name and in the
        // badge.
        (
            Tamper::ShownName,
            "",
            ("failed", "failed"),
            "✘ KHÔNG phải tên đã ký khi đăng ký",
            "name-tampered.png",
        ),
        // The proof data's disclosure alone changed (the page still shows
        // the right name): not the name signed either.
        (
            Tamper::DisclosedName,
            "?lang=en",
            ("failed", "failed"),
            "✘ NOT the name signed at registration",
            "name-tampered-disclosure.png",
        ),
        // The page alone shows another name, beside a disclosure that
        // opens the commitment: the name shown is not the one signed.
        (
            Tamper::PageName,
            "",
            ("failed", "failed"),
            "✘ KHÔNG phải tên đã ký khi đăng ký",
            "name-tampered-page.png",
        ),
        // No WebCrypto: the name could not be checked on this phone.
        (
            Tamper::NoSubtle,
            "",
            ("cannot", "unchecked"),
            "(không kiểm tra được tên trên điện thoại này)",
            "name-no-webcrypto.png",
        ),
    ];
    for (how, query, states, words, shot) in cases {
        let via = proxy(&server.url, how).await;
        let url = format!("{via}/b/{SHOWN_LOT}{query}");
        let (state, text, badge) = name_mark(&c, &url, shot).await;
        assert_eq!((state.as_str(), badge.as_str()), states, "{url}: {text}");
        assert_eq!(text, words, "{url}");
    }
    c.close().await.expect("close");
}

/// What the dashboard shows, read from the DOM as a user's browser laid it
/// out: every `data-figure`'s value, each chart's drawn size and marks, and
/// the page's scroll width against the window's.
const READ_DASHBOARD: &str = r#"
const figures = {};
for (const e of document.querySelectorAll('[data-figure]')) figures[e.dataset.figure] = e.dataset.value;
const charts = {};
for (const s of document.querySelectorAll('svg[data-chart]')) {
  const r = s.getBoundingClientRect();
  charts[s.dataset.chart] = {
    width: r.width, height: r.height,
    marks: s.querySelectorAll('circle.pt, g.bar, g.progress').length,
    title: s.querySelector('title').textContent,
    role: s.getAttribute('role'),
  };
}
return {
  figures, charts,
  share: document.querySelector('[data-figure="cooperatives-share"]').textContent,
  scroll: document.documentElement.scrollWidth,
  width: window.innerWidth,
  lang: document.documentElement.lang,
};
"#;

async fn read_dashboard(c: &Client) -> Value {
    c.wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(r#"svg[data-chart="by-province"]"#))
        .await
        .expect("the dashboard is drawn");
    c.execute(READ_DASHBOARD, vec![])
        .await
        .expect("read the page")
}

/// Checks the figures the page shows against the API's for the same query.
fn same_figures(page: &Value, api: &Value) {
    for group in ["cooperatives", "collective"] {
        for field in ["registered", "linked"] {
            assert_eq!(
                page["figures"][format!("{group}-{field}")],
                api[group][field].to_string(),
                "{group} {field}"
            );
        }
        let share: f64 = page["figures"][format!("{group}-share")]
            .as_str()
            .expect("share")
            .parse()
            .expect("a number");
        assert_eq!(share, api[group]["share"].as_f64().expect("share"));
    }
    assert_eq!(
        page["figures"]["members-reached"],
        api["members_reaching_business"]["reached"].to_string()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_linkage_dashboard_shows_the_apis_figures_on_a_phone_without_scrolling_sideways() {
    let server = TestServer::with_linkage().await;
    let driver = Driver::start();
    let profile = tempfile::tempdir().expect("profile");
    let c = driver.browser(profile.path()).await;
    let query = common::linkage::PERIOD;
    let api = server.json(&format!("/api/v1/linkage?{query}")).await;

    c.goto(&format!("{}/linkage?{query}", server.url))
        .await
        .expect("goto");
    let page = read_dashboard(&c).await;
    screenshot(&c, "linkage-vi-360.png").await;
    assert_eq!(page["lang"], "vi", "the phone's language");
    assert_eq!(page["width"], 360, "phone viewport");
    assert!(
        page["scroll"].as_u64() <= page["width"].as_u64(),
        "no sideways scrolling: {page}"
    );
    same_figures(&page, &api);
    assert_eq!(page["share"], "40%");
    let rows = |key: &str| api[key].as_array().expect("rows").len() as u64;
    for (chart, marks) in [
        ("by-month", rows("by_month")),
        ("by-category", rows("by_category")),
        ("by-province", rows("by_province")),
        ("targets", 4),
    ] {
        let ch = &page["charts"][chart];
        assert_eq!(ch["marks"], marks, "{chart}: {ch}");
        assert_eq!(ch["role"], "img", "{chart}");
        assert!(!ch["title"].as_str().unwrap_or("").is_empty(), "{chart}");
        let (w, h) = (
            ch["width"].as_f64().expect("width"),
            ch["height"].as_f64().expect("height"),
        );
        assert!(w > 200.0 && w <= 360.0, "{chart} fits the phone: {ch}");
        assert!(h > 20.0, "{chart} has a height: {ch}");
    }
    // The figures, then the charts, for the README.
    c.execute(
        r#"document.querySelector('section.headline').scrollIntoView();"#,
        vec![],
    )
    .await
    .expect("scroll");
    screenshot(&c, "linkage-vi-360-figures.png").await;
    c.execute(
        r#"document.querySelector('svg[data-chart="targets"]').scrollIntoView();"#,
        vec![],
    )
    .await
    .expect("scroll");
    screenshot(&c, "linkage-vi-360-charts.png").await;

    // The form: one category, submitted as a user does.
    c.find(Locator::Css(r#"select[name="category"]"#))
        .await
        .expect("category select")
        .select_by_value("rice")
        .await
        .expect("choose rice");
    c.find(Locator::Css(r#"form.filters button[type="submit"]"#))
        .await
        .expect("button")
        .click()
        .await
        .expect("submit");
    c.wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(r#"option[value="rice"][selected]"#))
        .await
        .expect("the page for rice");
    let url = c.current_url().await.expect("url");
    assert!(
        url.as_str()
            .ends_with("/linkage?lang=vi&from=2026-04-01&to=2026-06-30&province=&category=rice"),
        "the form asks for the period and rice: {url}"
    );
    let rice = read_dashboard(&c).await;
    let api_rice = server
        .json(&format!("/api/v1/linkage?{query}&category=rice"))
        .await;
    same_figures(&rice, &api_rice);
    assert_eq!(rice["figures"]["cooperatives-registered"], "1");

    // English.
    c.goto(&format!("{}/linkage?{query}&lang=en", server.url))
        .await
        .expect("goto");
    let en = read_dashboard(&c).await;
    screenshot(&c, "linkage-en-360.png").await;
    assert_eq!(en["lang"], "en");
    same_figures(&en, &api);
    assert!(en["scroll"].as_u64() <= en["width"].as_u64(), "{en}");
    c.close().await.expect("close");
}

/// Every file under `dir` (recursively), as (path relative to the vectors'
/// root, parsed JSON).
fn vectors(root: &std::path::Path, dir: &std::path::Path, out: &mut Vec<(String, Value)>) {
    for entry in std::fs::read_dir(dir).expect("vectors") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            vectors(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).expect("read");
            let name = path
                .strip_prefix(root)
                .expect("under root")
                .display()
                .to_string();
            out.push((name, serde_json::from_str(&text).expect("json")));
        }
    }
}

/// proofs.js, the check every phone runs (the buyer's page and the signing
/// app), against every RFC 6962 vector of transparency-dev/merkle in
/// `tests/data/rfc6962-vectors` (inclusion and consistency, with the
/// bit-flipped, truncated and extended proofs that must fail), in
/// Chromium's own WebCrypto SHA-256. The one known divergence is the Rust
/// verifier's too (tests/merkle_vectors.rs): a 12-byte "root" is no
/// SHA-256 root.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_phones_proof_checks_agree_with_every_rfc6962_vector() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/rfc6962-vectors");
    let mut all = Vec::new();
    vectors(&root, &root, &mut all);
    assert!(all.len() >= 190, "{} vectors", all.len());
    let server = TestServer::start().await;
    let driver = Driver::start();
    let profile = tempfile::tempdir().expect("profile");
    let c = driver.browser(profile.path()).await;
    c.goto(&format!("{}/app/", server.url)).await.expect("app");
    let cases: Vec<Value> = all.iter().map(|(name, v)| json!([name, v])).collect();
    let answers = c
        .execute_async(
            r#"const [cases, done] = [arguments[0], arguments[arguments.length - 1]];
            import("proofs").then(async ({ b64, equal, inclusionRoot, verifyConsistency }) => {
              const out = [];
              for (const [name, v] of cases) {
                try {
                  if (name.startsWith("inclusion")) {
                    const r = await inclusionRoot(v.leafIdx, v.treeSize, b64(v.leafHash), (v.proof || []).map(b64));
                    out.push(r.length === 32 && equal(r, b64(v.root)));
                  } else {
                    out.push(await verifyConsistency(v.size1, v.size2, b64(v.root1), b64(v.root2), (v.proof || []).map(b64)));
                  }
                } catch (e) {
                  out.push(false);
                }
              }
              done(out);
            });"#,
            vec![json!(cases)],
        )
        .await
        .expect("the vectors ran");
    let answers = answers.as_array().expect("answers");
    let divergence = "consistency/additional/sizes-are-equal-one-and-proof-is-empty.json";
    let mut wrong = Vec::new();
    for ((name, v), accepted) in all.iter().zip(answers) {
        let want = !v["wantErr"].as_bool().expect("wantErr");
        let want = want && name != divergence;
        if accepted.as_bool() != Some(want) {
            wrong.push(format!("{name}: accepted {accepted}, want {want}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    c.close().await.expect("close");
}

/// Issue 15: every kind of shown text a buyer reads is bound to the signed
/// entries: changing the producer, a place, a certificate, a step's title,
/// the quantity, an inspection or a recall's reason on the page, in
/// transit, turns the badge red with a line in the page's language on what
/// to do; a recalled lot's badge never reads as reassurance; the page and
/// the error page are axe-core clean, at 360 px, in Vietnamese and English.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_15_any_shown_text_changed_in_transit_turns_the_badge_red() {
    let driver = Driver::start();
    let server = TestServer::with_shop().await;
    let profile = tempfile::tempdir().expect("profile");
    let c = driver.browser(profile.path()).await;
    let clean = proxy(&server.url, Tamper::None).await;
    for lang in ["vi", "en"] {
        let (state, text) = badge(
            &c,
            &format!("{clean}/b/vai-hop-01?lang={lang}"),
            &format!("buyer-bound-{lang}-360.png"),
        )
        .await;
        assert_eq!(state, "verified", "{text}");
        let shown = c
            .execute("return document.body.innerText;", vec![])
            .await
            .expect("text");
        let shown = shown.as_str().unwrap_or_default().to_owned();
        // What the buyer reads, in words: the stars, the unit, the
        // scheme, the process, and one plain line on what verified means.
        let (ocop, unit, scheme, packing, means) = if lang == "vi" {
            (
                "OCOP 4 sao",
                "250 hộp",
                "An toàn thực phẩm",
                "Đóng gói",
                "không phải là bảo đảm an toàn thực phẩm",
            )
        } else {
            (
                "OCOP 4 stars",
                "250 boxes",
                "Food safety",
                "Packing",
                "not a guarantee of food safety",
            )
        };
        for want in [ocop, unit, scheme, packing, means] {
            assert!(shown.contains(want), "{lang}: {want} in {shown}");
        }
        assert!(!shown.contains("food-safety"), "{lang}: no raw code");
        // One card per entry; the technical details behind one fold.
        let cards = c
            .execute(
                "return [document.querySelectorAll('ol.journey > li').length, new Set([...document.querySelectorAll('ol.journey > li')].map(l => l.dataset.leaf)).size, document.querySelector('details#for-auditors').open];",
                vec![],
            )
            .await
            .expect("cards");
        assert_eq!(cards[0], cards[1], "one card per entry: {cards}");
        assert_eq!(cards[2], false, "the auditors' fold starts closed");
        // The badge is announced; the language link is a 44-px target.
        let a11y = c
            .execute(
                "const r = document.querySelector('header.top a').getBoundingClientRect(); return [document.getElementById('verify-badge').closest('[aria-live]') !== null, r.width, r.height];",
                vec![],
            )
            .await
            .expect("a11y");
        assert_eq!(a11y[0], true, "aria-live on the badge");
        assert!(
            a11y[1].as_f64() >= Some(44.0) && a11y[2].as_f64() >= Some(44.0),
            "{lang}: language link {a11y}"
        );
        let outside = c
            .execute("return document.querySelector('main').innerText;", vec![])
            .await
            .expect("outside");
        let outside = outside.as_str().unwrap_or_default();
        assert!(
            !outside.contains('#') && !outside.contains("tlog-proof"),
            "{lang}: no entry numbers outside the fold: {outside}"
        );
        let axe = common::axe::serious_violations(&c).await;
        assert!(axe.is_empty(), "{lang}: {axe:?}");
    }
    for (kind, marker, text) in [
        ("producer", r#"data-field="name">"#, "HTX Giả Mạo"),
        (
            "household",
            r#"data-show="household""#,
            "Hộ thành viên của HTX Giả Mạo",
        ),
        ("place", r#"data-show="place""#, "Xã Khác, Tỉnh Khác"),
        ("certificate", r#"data-show="cert""#, "VietGAP VG-FAKE-0001"),
        ("step title", r#"data-show="step""#, "Kiểm định hữu cơ"),
        ("quantity", r#"data-show="quantity""#, "900 hộp"),
        ("amount used", r#"data-field="inputs.0.amount""#, "50"),
        ("inspection", r#"data-show="scheme""#, "Hữu cơ"),
        ("origin", r#"data-field="$lot.origin.place""#, "Đà Lạt"),
        (
            "product",
            r#"data-field="$lot.product.name""#,
            "Vải thiều hữu cơ",
        ),
    ] {
        let bad = proxy(&server.url, Tamper::Text(marker, text)).await;
        let (state, text) = badge(
            &c,
            &format!("{bad}/b/vai-hop-01"),
            &format!("buyer-tampered-{}.png", kind.replace(' ', "-")),
        )
        .await;
        assert_eq!(state, "failed", "{kind}: {text}");
        assert!(text.starts_with("✘ KHÔNG xác minh được"), "{kind}: {text}");
        let why = c
            .find(Locator::Css("#verify-why"))
            .await
            .expect("why")
            .text()
            .await
            .expect("text");
        assert!(
            why.contains("hàng giả"),
            "{kind}: says what it means: {why}"
        );
    }

    // A recalled lot: the badge warns, it does not reassure; its reason
    // changed in transit is caught.
    server
        .ok(&sign_as(cast::COOP, |b| {
            b.recall(&lot("vai-hop-01"), "Nhiễm khuẩn")
        }))
        .await;
    let (state, text) = badge(&c, &format!("{clean}/b/vai-hop-01"), "buyer-recalled.png").await;
    assert_eq!(state, "recalled", "{text}");
    assert!(text.starts_with("⚠") && !text.contains('✔'), "{text}");
    let axe = common::axe::serious_violations(&c).await;
    assert!(axe.is_empty(), "recalled: {axe:?}");
    let bad = proxy(
        &server.url,
        Tamper::Text(r#"data-field="reason">"#, "Đóng gói lại"),
    )
    .await;
    let (state, text) = badge(
        &c,
        &format!("{bad}/b/vai-hop-01"),
        "buyer-tampered-recall.png",
    )
    .await;
    assert_eq!(state, "failed", "recall reason: {text}");

    // The error page: no raw code, the scanned code repeated, a warning.
    c.goto(&format!("{}/b/khong-co-lo-nay", server.url))
        .await
        .expect("goto");
    let shown = c
        .find(Locator::Css("main"))
        .await
        .expect("main")
        .text()
        .await
        .expect("text");
    assert!(shown.contains("khong-co-lo-nay"), "{shown}");
    assert!(
        shown.contains("hàng giả") && !shown.contains("unknown_batch"),
        "{shown}"
    );
    screenshot(&c, "buyer-missing-vi-360.png").await;
    let axe = common::axe::serious_violations(&c).await;
    assert!(axe.is_empty(), "error page: {axe:?}");
    c.close().await.expect("close");
}
