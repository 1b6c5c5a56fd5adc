//! The security headers (issue 16, spec §8.20) on every kind of answer, and
//! the Content Security Policy in the real Chromium: every page works under
//! it with no violation reported, while an injected inline script is
//! blocked and reported to `/csp-report`.

mod common;

use common::browser::Driver;
use common::*;
use coop_ledger::http::{self, AppState};
use fantoccini::Locator;
use std::time::Duration;
use tower::ServiceExt as _;

/// The security headers every answer must carry.
fn assert_secured(what: &str, h: &reqwest::header::HeaderMap) {
    let csp = h
        .get("content-security-policy")
        .unwrap_or_else(|| panic!("{what}: no Content-Security-Policy"))
        .to_str()
        .expect("ascii");
    for part in [
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "report-uri /csp-report",
    ] {
        assert!(csp.contains(part), "{what}: {part} missing from {csp}");
    }
    let script = csp
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("script-src"))
        .unwrap_or_else(|| panic!("{what}: no script-src in {csp}"));
    assert!(
        !script.contains("unsafe-inline") && !script.contains("unsafe-eval"),
        "{what}: {script}"
    );
    assert_eq!(h["x-content-type-options"], "nosniff", "{what}");
    assert_eq!(h["referrer-policy"], "no-referrer", "{what}");
    assert_eq!(h["x-frame-options"], "DENY", "{what}");
}

/// Issue 16: no answer sent a Content-Security-Policy, frame-ancestors,
/// nosniff or Referrer-Policy. Now pages, the app, the API, static files
/// and errors (JSON and HTML) all do; HSTS only when the base URL is https.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_16_every_kind_of_answer_carries_the_security_headers() {
    let server = TestServer::with_shop().await;
    for path in [
        "/b/vai-hop-01",
        "/01/08935049501503/10/vai-hop-01",
        "/b/vai-hop-01/labels",
        "/linkage",
        "/app/",
        "/api/v1/ledger",
        "/api/v1/batches/vai-hop-01/trace",
        "/tlog/checkpoint",
        "/b/no-such-lot",
        "/api/v1/batches/no-such-lot",
        "/nowhere",
        "/healthz",
    ] {
        let r = server
            .client
            .get(format!("{}{path}", server.url))
            .send()
            .await
            .expect("request");
        assert_secured(path, r.headers());
        assert!(
            r.headers().get("strict-transport-security").is_none(),
            "{path}: HSTS over plain http"
        );
    }
    let r = server
        .client
        .post(format!("{}/api/v1/entries", server.url))
        .body("nope")
        .send()
        .await
        .expect("request");
    assert_eq!(r.status().as_u16(), 400);
    assert_secured("a refused submission", r.headers());
    // Behind https (the base URL), HSTS too.
    let router = http::router(AppState::new(
        std::sync::Arc::clone(&server.ledger),
        "https://truyxuat.example.vn".to_owned(),
    ))
    .expect("router");
    let resp = router
        .oneshot(
            axum::http::Request::get("/api/v1/ledger")
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await
        .expect("answer");
    assert_eq!(
        resp.headers()["strict-transport-security"],
        "max-age=31536000"
    );
}

/// The number of violations reported so far, from `/metrics`.
async fn reported(server: &TestServer) -> u64 {
    let (_, text) = server.get_text("/metrics").await;
    text.lines()
        .find_map(|l| l.strip_prefix("coop_ledger_csp_violations_total "))
        .and_then(|v| v.trim().parse().ok())
        .expect("the violations metric")
}

/// Issue 16: under the policy the buyer page still verifies, the signing
/// app starts, the dashboard and the label sheet render, and none of them
/// causes a violation; a script injected inline is blocked and reported,
/// which shows the reports do arrive.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_16_every_page_works_under_the_policy_and_an_inline_script_is_blocked() {
    let server = TestServer::with_shop().await;
    let driver = Driver::start();
    let profile = tempfile::tempdir().expect("profile");
    let c = driver.browser(profile.path()).await;
    let wait = |css: &'static str| {
        let c = c.clone();
        async move {
            c.wait()
                .at_most(Duration::from_secs(30))
                .for_element(Locator::Css(css))
                .await
                .unwrap_or_else(|e| panic!("{css}: {e}"))
        }
    };
    c.goto(&format!("{}/01/08935049501503/10/vai-hop-01", server.url))
        .await
        .expect("buyer page");
    wait(r#"#verify-badge[data-state="verified"]"#).await;
    c.goto(&format!("{}/app/", server.url)).await.expect("app");
    wait("#create-key").await;
    c.goto(&format!("{}/linkage", server.url))
        .await
        .expect("dashboard");
    wait("main").await;
    c.goto(&format!("{}/b/vai-hop-01/labels", server.url))
        .await
        .expect("labels");
    wait("button[data-print]").await;
    c.goto(&format!("{}/b/no-such-lot", server.url))
        .await
        .expect("error page");
    wait("main").await;
    assert_eq!(reported(&server).await, 0, "a page broke the policy");
    // The control: an inline script is blocked, and its report arrives.
    let ran = c
        .execute(
            "const s = document.createElement('script'); s.textContent = 'window.injected = 1'; \
             document.body.append(s); return window.injected === 1;",
            vec![],
        )
        .await
        .expect("inject");
    assert_eq!(ran, serde_json::json!(false), "the inline script ran");
    let mut seen = 0;
    for _ in 0..2000 {
        seen = reported(&server).await;
        if seen > 0 {
            break;
        }
        tokio::task::yield_now().await;
    }
    assert_eq!(seen, 1, "exactly the injected script was reported");
    c.close().await.expect("close");
}
