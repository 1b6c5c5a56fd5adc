//! The RFC 9264 link set of a batch, with GS1 link types, and the `Link`
//! header that points to it from every buyer's answer (as GS1 Digital Link
//! resolvers do).

use super::AppState;
use super::pages::page_url;
use crate::service::buyer::BuyerView;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// What the `Link` header leaves as it is of a request path: the URL's
/// unreserved characters (RFC 3986 §2.3) and `/`. Every other byte is
/// percent-encoded, as `%XX` with capital hex digits.
const PATH_IN_LINK: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// The `Link` header every answer carries (GS1 Digital Link resolvers).
/// The path comes from the request, so it is encoded with
/// [`PATH_IN_LINK`]: nothing from the request can add parameters or links
/// to the header.
pub(super) fn link_header(path: &str) -> (header::HeaderName, HeaderValue) {
    let safe = utf8_percent_encode(path, PATH_IN_LINK);
    let v =
        format!("<{safe}?linkType=linkset>; rel=\"linkset\"; type=\"application/linkset+json\"");
    (
        header::LINK,
        HeaderValue::from_str(&v).unwrap_or(HeaderValue::from_static("")),
    )
}

/// Whether the link set is asked for: `?linkType=linkset` (or `all`), or
/// `Accept: application/linkset+json`.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_link_header_encodes_every_byte_but_unreserved_ones_and_slashes() {
        let (_, v) = link_header("/b/x>; rel=\"evil\"/lô 1~a.b_c-d");
        assert_eq!(
            v.to_str().expect("ascii"),
            "</b/x%3E%3B%20rel%3D%22evil%22/l%C3%B4%201~a.b_c-d?linkType=linkset>; \
             rel=\"linkset\"; type=\"application/linkset+json\""
        );
    }
}
