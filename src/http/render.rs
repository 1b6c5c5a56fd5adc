//! HTML answers: the headers every HTML page carries.

use axum::body::Bytes;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// An HTML page: UTF-8, revalidated on every visit (a new entry may change
/// it), varying with the language and the media asked for.
pub(super) fn html_page(status: StatusCode, body: impl Into<Bytes>) -> Response {
    let body: Bytes = body.into();
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (
                header::VARY,
                HeaderValue::from_static("Accept-Language, Accept"),
            ),
        ],
        body,
    )
        .into_response()
}
