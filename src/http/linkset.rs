//! The RFC 9264 link set of a batch, with GS1 link types, and the `Link`
//! header that points to it from every buyer's answer (as GS1 Digital Link
//! resolvers do).

use super::AppState;
use super::pages::page_url;
use crate::service::buyer::BuyerView;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// The `Link` header every answer carries (GS1 Digital Link resolvers).
/// The path comes from the request, so every byte outside the URL's
/// unreserved set and `/` is percent-encoded: nothing from the request can
/// add parameters or links to the header.
pub(super) fn link_header(path: &str) -> (header::HeaderName, HeaderValue) {
    let mut safe = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            safe.push(char::from(b));
        } else {
            safe.push_str(&format!("%{b:02X}"));
        }
    }
    let v =
        format!("<{safe}?linkType=linkset>; rel=\"linkset\"; type=\"application/linkset+json\"");
    (
        header::LINK,
        HeaderValue::from_str(&v).unwrap_or(HeaderValue::from_static("")),
    )
}

pub(super) fn wants_linkset(query: &Option<String>, headers: &HeaderMap) -> bool {
    query.as_deref().is_some_and(|q| {
        q.split('&')
            .any(|kv| kv == "linkType=linkset" || kv == "linkType=all")
    }) || headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/linkset+json"))
}

/// The RFC 9264 link set of a batch, with GS1 link types.
pub(super) fn linkset(app: &AppState, view: &BuyerView, path: &str) -> Response {
    let url = page_url(&app.base_url, &view.batch);
    let base = app.base_url.trim_end_matches('/');
    let id = &view.batch.id;
    let body = serde_json::json!({
        "linkset": [{
            "anchor": url,
            "https://gs1.org/voc/pip": [
                {"href": format!("{base}/b/{id}?lang=vi"), "title": view.batch.product.name, "type": "text/html", "hreflang": ["vi"]},
                {"href": format!("{base}/b/{id}?lang=en"), "title": view.batch.product.name, "type": "text/html", "hreflang": ["en"]},
            ],
            "https://gs1.org/voc/traceability": [
                {"href": format!("{base}/api/v1/batches/{id}/trace"), "type": "application/json"},
            ],
            "https://gs1.org/voc/defaultLink": [
                {"href": format!("{base}/b/{id}"), "type": "text/html"},
            ],
        }]
    });
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/linkset+json"),
            ),
            link_header(path),
        ],
        body.to_string(),
    )
        .into_response()
}
