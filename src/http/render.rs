//! HTML answers: rendering a template (a failure is a [`TemplateError`],
//! answered as a 500 without detail, never an empty 200) and the headers
//! every HTML page carries.

use super::linkset::link_header;
use crate::domain::messages::{Code, Lang};
use askama::Template;
use axum::body::Bytes;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// A template that failed to render: a bug in it or in its view model. At
/// start-up it stops the server ([`super::router`]); while serving it is a
/// 500 whose detail is logged, never sent.
#[derive(Debug, thiserror::Error)]
#[error("template {template} failed to render: {source}")]
pub struct TemplateError {
    /// The page struct that failed.
    pub template: &'static str,
    /// What askama said.
    #[source]
    pub source: askama::Error,
}

/// Renders `page`.
pub(super) fn render<T: Template>(page: &T) -> Result<String, TemplateError> {
    page.render().map_err(|source| TemplateError {
        template: std::any::type_name::<T>(),
        source,
    })
}

/// The answer when a page cannot be rendered, not even as an error page:
/// a 500 whose text is the `internal` sentence alone, needing no template.
/// `e` is logged here, once.
pub(super) fn unrenderable(lang: Lang, e: &TemplateError) -> Response {
    tracing::error!(error = %e, "page failed to render");
    html_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        Code::Internal.message(lang),
    )
}

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

/// A buyer's page (or its labels sheet) at `path`, with its `Link` header
/// to the link set, and `Cache-Control: no-store`: the page may name a
/// member household, whose name no browser or proxy may keep a copy of
/// once consent is withdrawn (spec §6.17, §8.8). The server's own cache of
/// pages drops them when a disclosure changes.
pub(super) fn buyer_page(status: StatusCode, path: &str, body: impl Into<Bytes>) -> Response {
    let mut resp = html_page(status, body);
    let (name, value) = link_header(path);
    resp.headers_mut().insert(name, value);
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}
