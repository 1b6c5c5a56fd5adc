//! The security headers of every answer (spec §8.20, issue 16): a strict
//! Content Security Policy, `nosniff`, `Referrer-Policy: no-referrer`,
//! `X-Frame-Options: DENY`, and HSTS when the public base URL is https;
//! and `POST /csp-report`, where browsers report what the policy blocked.
//!
//! The signing app keeps its keys in the origin every public page shares,
//! so no page may run a script the server did not send as a file: the
//! policy allows scripts from the origin only, plus the one inline script
//! every page has, the import map, by its SHA-256. No page has an inline
//! event handler. Styles may be inline (the label sheet's sizes, the
//! print header); they run no code.

use super::AppState;
use super::assets;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use sha2::{Digest as _, Sha256};
use std::sync::LazyLock;

/// Where browsers send their reports of what the policy blocked.
pub const CSP_REPORT_PATH: &str = "/csp-report";

/// The policy every answer carries.
static CSP: LazyLock<String> = LazyLock::new(|| {
    let import_map = B64.encode(Sha256::digest(assets::import_map().as_bytes()));
    format!(
        "default-src 'self'; script-src 'self' 'sha256-{import_map}'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; \
         connect-src 'self'; worker-src 'self'; manifest-src 'self'; \
         object-src 'none'; base-uri 'none'; frame-ancestors 'none'; \
         form-action 'self'; report-uri {CSP_REPORT_PATH}"
    )
});

/// The Content Security Policy of every answer.
pub fn content_security_policy() -> &'static str {
    &CSP
}

/// Adds the security headers to every answer, errors included.
pub(super) async fn security_headers(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_security_policy()) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if state.base_url.starts_with("https://") {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    resp
}

/// `POST /csp-report`: counts a browser's report (the metric
/// `coop_ledger_csp_violations_total`) and answers 204. The report's
/// content is not kept: it may carry a page's address.
pub async fn csp_report(State(state): State<AppState>, _body: Bytes) -> StatusCode {
    state.ledger.count_csp_violation();
    StatusCode::NO_CONTENT
}
