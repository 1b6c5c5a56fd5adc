//! The buyer's pages (spec §8, "QR codes and lookup pages"): the batch
//! page at `/b/{id}` and its GS1 Digital Link form `/01/{gtin}/10/{lot}`,
//! its QR codes and its RFC 9264 link set (the sheet of labels is
//! [`super::labels`]).
//!
//! Each handler extracts, makes one service call and renders a template
//! from `web/templates/` (one struct per page; askama escapes every value):
//! the batch page's view model is [`super::buyer_view`], the link set
//! [`super::linkset`], the cache of rendered pages [`super::cache`].
//! A printed code never meets a bare 404: an unknown lot gets a page in the
//! buyer's language. Every answer carries a `Link` header to the link set,
//! as GS1 resolvers do.

use super::AppState;
use super::buyer_view::BatchPage;
use super::error::{ApiError, PageError};
use super::extract::ClientLang;
use super::i18n::Texts;
use super::linkset::{link_header, linkset, wants_linkset};
use super::qr;
use super::render::{buyer_page, render};
use crate::domain::ids::BatchId;
use crate::domain::messages::{Code, Lang, Refusal};
use crate::domain::model::Batch;
use crate::domain::product::Gtin;
use crate::service::ServiceError;
use crate::service::buyer::Lookup;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// The page URL a batch's QR code encodes: the GS1 Digital Link form when
/// the product has a GTIN (never an invented one), else `/b/{id}`. Batch
/// ids are URL-safe (`[A-Za-z0-9._-]`), so the lot needs no escaping.
pub fn page_url(base: &str, batch: &Batch) -> String {
    let base = base.trim_end_matches('/');
    match &batch.product.gtin {
        Some(g) => format!("{base}/01/{g}/10/{}", batch.id),
        None => format!("{base}/b/{}", batch.id),
    }
}

async fn show(
    app: AppState,
    lang: Lang,
    lookup: Result<Lookup, Refusal>,
    path: String,
    query: Option<String>,
    headers: HeaderMap,
) -> Response {
    match try_show(&app, lang, lookup, &path, query, headers).await {
        Ok(resp) => resp,
        Err(e) => PageError::new(e, lang, path).into_response(),
    }
}

/// The batch page (from the cache when it was rendered at this tree size)
/// or its link set.
async fn try_show(
    app: &AppState,
    lang: Lang,
    lookup: Result<Lookup, Refusal>,
    path: &str,
    query: Option<String>,
    headers: HeaderMap,
) -> Result<Response, ServiceError> {
    let lookup = lookup?;
    let linkset_wanted = wants_linkset(&query, &headers);
    let size = app.ledger.size();
    let disclosure_changes = app.ledger.page_changes();
    if let Some(page) = app
        .pages
        .get(path, lang, size, disclosure_changes)
        .filter(|_| !linkset_wanted)
    {
        return Ok(buyer_page(StatusCode::OK, path, page));
    }
    let ledger = Arc::clone(&app.ledger);
    let view = tokio::task::spawn_blocking(move || ledger.buyer_view(&lookup))
        .await
        .map_err(|e| ServiceError::Internal(format!("buyer page task: {e}")))??;
    if linkset_wanted {
        return Ok(linkset(app, &view, path));
    }
    let page = render(&BatchPage::new(app, Texts::of(lang), &view, path)).map_err(internal)?;
    let page = Bytes::from(page);
    app.pages.put(
        path.to_owned(),
        lang,
        view.size,
        disclosure_changes,
        page.clone(),
    );
    Ok(buyer_page(StatusCode::OK, path, page))
}

/// A failure of the server's own making (a template, a QR code): a 500
/// whose detail is logged, never sent.
pub(super) fn internal(e: impl std::fmt::Display) -> ServiceError {
    ServiceError::Internal(e.to_string())
}

fn parse_batch(raw: &str) -> Result<BatchId, Refusal> {
    BatchId::parse(raw).map_err(|_| Refusal::with(Code::BadId, raw.to_owned()))
}

/// `GET /b/{id}`: the buyer's page (or its link set).
pub async fn batch(
    State(app): State<AppState>,
    ClientLang(lang): ClientLang,
    Path(raw): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let path = format!("/b/{raw}");
    show(
        app,
        lang,
        parse_batch(&raw).map(Lookup::Batch),
        path,
        query,
        headers,
    )
    .await
}

/// `GET /01/{gtin}/10/{lot}`: the GS1 Digital Link form; the GTIN-14 and
/// its check digit are checked, the lot is percent-decoded (by the router).
pub async fn digital_link(
    State(app): State<AppState>,
    ClientLang(lang): ClientLang,
    Path((gtin, lot)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let path = format!("/01/{gtin}/10/{lot}");
    let lookup = match Gtin::parse(&gtin) {
        Some(g) => parse_batch(&lot).map(|id| Lookup::DigitalLink(g, id)),
        None => Err(Refusal::with(Code::BadGtin, gtin.clone())),
    };
    show(app, lang, lookup, path, query, headers).await
}

/// The batch and its page URL, for the QR and label handlers.
pub(super) async fn batch_and_url(
    app: &AppState,
    raw: &str,
) -> Result<(Batch, String), ServiceError> {
    let id = parse_batch(raw)?;
    let report = app.ledger.batch(&id)?;
    let url = page_url(&app.base_url, &report.batch);
    Ok((report.batch, url))
}

fn image(content_type: &'static str, body: Bytes, path: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
            link_header(path),
        ],
        body,
    )
        .into_response()
}

/// A QR image of a batch's page URL, rendered once and then served from
/// memory.
async fn qr_image(
    app: AppState,
    lang: Lang,
    raw: String,
    kind: &'static str,
    content_type: &'static str,
    draw: fn(&str) -> Result<Vec<u8>, qr::QrError>,
) -> Response {
    let path = format!("/b/{raw}");
    let key = format!("{path}/{kind}");
    if let Some(img) = app.pages.image(&key) {
        return image(content_type, img, &path);
    }
    let made = batch_and_url(&app, &raw)
        .await
        .and_then(|(_, url)| draw(&url).map_err(internal));
    match made {
        Ok(bytes) => {
            let bytes = Bytes::from(bytes);
            app.pages.put_image(key, bytes.clone());
            image(content_type, bytes, &path)
        }
        Err(e) => PageError::new(e, lang, path).into_response(),
    }
}

/// The SVG QR code of batch `id`'s page `url`, from the image cache that
/// `GET /b/{id}/qr.svg` also serves from (a sheet of labels draws it
/// once, issue 16).
pub(super) fn cached_svg(app: &AppState, id: &BatchId, url: &str) -> Result<Bytes, ServiceError> {
    let key = format!("/b/{id}/qr.svg");
    if let Some(svg) = app.pages.image(&key) {
        return Ok(svg);
    }
    let svg = Bytes::from(qr::svg(url).map_err(internal)?.into_bytes());
    app.pages.put_image(key, svg.clone());
    Ok(svg)
}

/// `GET /b/{id}/qr.svg`.
pub async fn qr_svg(
    State(app): State<AppState>,
    ClientLang(lang): ClientLang,
    Path(raw): Path<String>,
) -> Response {
    qr_image(app, lang, raw, "qr.svg", "image/svg+xml", |url| {
        qr::svg(url).map(String::into_bytes)
    })
    .await
}

/// `GET /b/{id}/qr.png`.
pub async fn qr_png(
    State(app): State<AppState>,
    ClientLang(lang): ClientLang,
    Path(raw): Path<String>,
) -> Response {
    qr_image(app, lang, raw, "qr.png", "image/png", qr::png).await
}

/// The icon browsers ask for (issue 15: never a 404): a green check on
/// a leaf, as SVG.
const FAVICON: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#1f7a3a"/><path d="M8 17l5 5 11-12" fill="none" stroke="#fff" stroke-width="4" stroke-linecap="round" stroke-linejoin="round"/></svg>"##;

fn favicon() -> Response {
    (
        [
            (axum::http::header::CONTENT_TYPE, "image/svg+xml"),
            (axum::http::header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        FAVICON,
    )
        .into_response()
}

/// Any path no route matched. A printed code never meets a bare 404: what
/// looks like a buyer's page (`/b/…`, `/01/…`, a trailing slash, more GS1
/// qualifiers) gets the not-found page in the buyer's language; anything
/// else gets the JSON 404 of the API.
pub async fn fallback(ClientLang(lang): ClientLang, uri: axum::http::Uri) -> Response {
    let path = uri.path();
    if path == "/favicon.ico" {
        return favicon();
    }
    if path.starts_with("/b/") || path.starts_with("/01/") || path == "/b" || path == "/01" {
        return PageError::new(Refusal::new(Code::NotFound), lang, path).into_response();
    }
    ApiError::new(Refusal::new(Code::NotFound), lang).into_response()
}
