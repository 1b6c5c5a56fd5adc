//! The buyer's pages (spec §8, "QR codes and lookup pages"): the batch
//! page at `/b/{id}` and its GS1 Digital Link form `/01/{gtin}/10/{lot}`,
//! its QR codes, its RFC 9264 link set, and a printable sheet of labels.
//!
//! Each handler extracts, makes one service call and renders a template
//! from `web/templates/` (one struct per page; askama escapes every value).
//! A printed code never meets a bare 404: an unknown lot gets a page in the
//! buyer's language. Every answer carries a `Link` header to the link set,
//! as GS1 resolvers do.

use super::AppState;
use super::assets;
use super::extract::ClientLang;
use super::i18n::Texts;
use super::qr;
use crate::domain::ids::{ActorId, BatchId};
use crate::domain::messages::{Code, Lang, Refusal};
use crate::domain::model::{Actor, Batch};
use crate::domain::product::Gtin;
use crate::domain::statement::{Region, StatementType};
use crate::domain::time::Timestamp;
use crate::service::ServiceError;
use crate::service::buyer::{BuyerView, Lookup};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Most labels on one printed sheet.
pub const MAX_LABELS: u32 = 240;

/// Labels on a sheet when `count` is not given (one A4 page: 3 × 7).
const DEFAULT_LABELS: u32 = 21;

/// Rendered pages kept per server before the cache starts over.
const MAX_CACHED_PAGES: usize = 4096;

/// Rendered pages, keyed by path (with the query, where it matters) and
/// language, valid for one tree size: a new leaf anywhere gives a new
/// checkpoint, so a batch page (whose proofs lead to the checkpoint) or a
/// dashboard (whose figures may change) is rendered again.
#[derive(Default)]
pub struct PageCache {
    pages: Mutex<HashMap<(String, Lang), Cached>>,
    /// QR images by request path: a batch's page URL never changes.
    images: Mutex<HashMap<String, Bytes>>,
}

/// A rendered page and the tree size it was rendered at.
type Cached = (u64, Bytes);

impl PageCache {
    /// The page rendered for `path` in `lang` at tree size `size`, if any.
    pub(super) fn get(&self, path: &str, lang: Lang, size: u64) -> Option<Bytes> {
        let pages = self.pages.lock().ok()?;
        pages
            .get(&(path.to_owned(), lang))
            .filter(|(s, _)| *s == size)
            .map(|(_, p)| p.clone())
    }

    fn image(&self, path: &str) -> Option<Bytes> {
        self.images.lock().ok()?.get(path).cloned()
    }

    fn put_image(&self, path: String, image: Bytes) {
        if let Ok(mut images) = self.images.lock() {
            if images.len() >= MAX_CACHED_PAGES {
                images.clear();
            }
            images.insert(path, image);
        }
    }

    /// Keeps a page rendered at tree size `size`.
    pub(super) fn put(&self, path: String, lang: Lang, size: u64, page: Bytes) {
        if let Ok(mut pages) = self.pages.lock() {
            if pages.len() >= MAX_CACHED_PAGES {
                pages.clear();
            }
            pages.insert((path, lang), (size, page));
        }
    }
}

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

/// Shows an RFC 3339 time as a Vietnamese clock time: `12/06/2026 16:00`.
fn local_time(at: &str) -> String {
    match Timestamp::parse(at) {
        Ok(t) => {
            let local = t.local();
            format!(
                "{:02}/{:02}/{:04} {:02}:{:02}",
                local.day(),
                u8::from(local.month()),
                local.year(),
                local.hour(),
                local.minute()
            )
        }
        Err(_) => at.to_owned(),
    }
}

/// A harvest time as written: a bare date as `10/06/2026`, a time as
/// [`local_time`].
fn harvest_time(text: &str) -> String {
    match crate::domain::time::parse_date(text) {
        Ok(d) => format!("{:02}/{:02}/{:04}", d.day(), u8::from(d.month()), d.year()),
        Err(_) => local_time(text),
    }
}

/// A quantity with its unit in the reader's language.
fn quantity(t: &Texts, q: &crate::domain::quantity::Quantity) -> String {
    format!("{} {}", q.amount, t.unit(q.unit))
}

fn place(actor: &Actor) -> String {
    actor.region.as_ref().map(Region::place).unwrap_or_default()
}

/// How an actor is named in public: by name, except a member household
/// that has not agreed to it, which is shown by its cooperative and
/// commune (spec §8, privacy).
fn public_name(view: &BuyerView, t: &Texts, id: &ActorId) -> String {
    let Some(a) = view.actors.get(id) else {
        return id.to_string();
    };
    if a.public {
        return a.name.clone();
    }
    let coop = a
        .cooperative
        .as_ref()
        .and_then(|c| view.actors.get(c).map(|c| c.name.clone()))
        .or_else(|| view.cooperative.as_ref().map(|c| c.name.clone()))
        .unwrap_or_default();
    match a.region.as_ref().and_then(|r| r.commune.as_deref()) {
        Some(commune) => format!("{} {coop} ({} {commune})", t.household_of, t.commune),
        None => format!("{} {coop}", t.household_of),
    }
}

/// One step of the journey as shown.
struct StepView {
    index: u64,
    kind: &'static str,
    by_id: String,
    batch: String,
    at: String,
    lot: String,
    date: String,
    action: &'static str,
    detail: Option<String>,
    who: String,
    role: &'static str,
    place: String,
}

struct InspectionView {
    index: u64,
    code: &'static str,
    class: &'static str,
    result: &'static str,
    scheme: String,
    by: String,
    date: String,
    note: Option<String>,
}

struct RecallView {
    index: u64,
    reason: String,
    date: String,
    by: String,
}

struct InputView {
    href: String,
    product: String,
    lot: String,
    quantity: String,
}

struct CorrectionView {
    date: String,
    target: u64,
    reason: String,
    by: String,
}

/// `/b/{id}`: the buyer's page.
#[derive(Template)]
#[template(path = "batch.html")]
struct BatchPage {
    t: &'static Texts,
    style: &'static str,
    verify: &'static str,
    import_map: &'static str,
    other_lang_url: String,
    product: String,
    category: &'static str,
    ocop_stars: Option<u8>,
    stars_text: String,
    lot: String,
    gtin: Option<String>,
    producer: String,
    address: String,
    origin: String,
    harvested: String,
    quantity: String,
    recall: Option<RecallView>,
    certifications: Vec<String>,
    inspections: Vec<InspectionView>,
    steps: Vec<StepView>,
    made_from: Vec<InputView>,
    corrections: Vec<CorrectionView>,
    origin_name: String,
    size: u64,
    ledger_key: String,
    api_url: String,
    proof_json: String,
}

/// An unknown lot or a malformed code: a page, never a bare 404.
#[derive(Template)]
#[template(path = "missing.html")]
struct MissingPage {
    t: &'static Texts,
    style: &'static str,
    other_lang_url: String,
    title: &'static str,
    body: &'static str,
    code: String,
}

/// `/b/{id}/labels`: an A4 sheet of QR labels.
#[derive(Template)]
#[template(path = "labels.html")]
struct LabelsPage {
    t: &'static Texts,
    style: &'static str,
    other_lang_url: String,
    product: String,
    lot: String,
    producer: String,
    qr_svg: String,
    count: u32,
}

/// The JSON the page's script checks; `<` is escaped so that no value can
/// end the `<script>` element it sits in.
fn proof_json(app: &AppState, view: &BuyerView) -> String {
    let info = app.ledger.info();
    let leaves: Vec<serde_json::Value> = view
        .leaves
        .iter()
        .map(|l| {
            serde_json::json!({
                "index": l.index,
                "leaf": B64.encode(&l.bytes),
                "proof": l.proof.iter().map(|h| h.to_string()).collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::json!({
        "origin": info.origin,
        "key_name": info.key_name,
        "ledger_key": info.public_key.to_string(),
        "checkpoint": view.checkpoint,
        "size": view.size,
        "leaves": leaves,
    })
    .to_string()
    .replace('<', "\\u003c")
}

fn render_batch(
    app: &AppState,
    t: &'static Texts,
    view: &BuyerView,
    path: &str,
) -> Result<String, askama::Error> {
    let b = &view.batch;
    let name = |id: &ActorId| public_name(view, t, id);
    let steps = view
        .journey
        .iter()
        .map(|s| {
            let actor = view.actors.get(&s.by);
            let lot_batch = if s.batch == b.id {
                b
            } else {
                view.ancestors.iter().find(|a| a.id == s.batch).unwrap_or(b)
            };
            let detail = match s.kind {
                StatementType::Ship => {
                    s.to.as_ref()
                        .map(|to| format!("{} {}", t.sent_to, name(to)))
                }
                StatementType::Transform if s.batch != b.id => None,
                StatementType::Transform => lot_batch.process.map(|p| t.process(p).to_owned()),
                StatementType::Genesis
                | StatementType::ActorRegister
                | StatementType::RotateKey
                | StatementType::Revoke
                | StatementType::BatchCreate
                | StatementType::Receive
                | StatementType::Inspect
                | StatementType::Recall
                | StatementType::ContractOffer
                | StatementType::ContractAccept
                | StatementType::Correction => None,
            };
            StepView {
                index: s.index,
                kind: s.kind.as_str(),
                by_id: s.by.to_string(),
                batch: s.batch.to_string(),
                at: s.at.clone(),
                lot: format!("{} · {}", lot_batch.product.name, lot_batch.id),
                date: local_time(&s.at),
                action: t.step(s.kind, s.accepted).unwrap_or(s.kind.as_str()),
                detail,
                who: name(&s.by),
                role: actor.map_or("", |a| t.role(a.kind)),
                place: actor.map(place).unwrap_or_default(),
            }
        })
        .collect();
    let inspections = std::iter::once(b)
        .chain(&view.ancestors)
        .flat_map(|x| &x.inspections)
        .filter(|i| i.index < view.size)
        .map(|i| InspectionView {
            index: i.index,
            code: i.result.as_str(),
            class: match i.result {
                crate::domain::product::InspectResult::Pass => "pass",
                crate::domain::product::InspectResult::Fail => "fail",
            },
            result: t.result(i.result),
            scheme: i.scheme.to_string(),
            by: name(&i.by),
            date: local_time(&i.at),
            note: i.note.clone(),
        })
        .collect();
    let certifications = std::iter::once(b)
        .chain(&view.ancestors)
        .flat_map(|x| &x.certifications)
        .map(|c| match &c.valid_until {
            Some(d) => format!("{} {} ({} {d})", c.scheme, c.id, t.valid_until),
            None => format!("{} {}", c.scheme, c.id),
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let made_from = b
        .inputs
        .iter()
        .map(|i| {
            let input = view.ancestors.iter().find(|a| a.id == i.batch);
            InputView {
                href: format!("/b/{}?lang={}", i.batch, t.tag),
                product: input.map_or_else(|| i.batch.to_string(), |a| a.product.name.clone()),
                lot: i.batch.to_string(),
                quantity: quantity(t, &i.quantity),
            }
        })
        .collect();
    let corrections = view
        .corrections
        .iter()
        .map(|c| CorrectionView {
            date: local_time(&c.at),
            target: c.target,
            reason: c.reason.clone(),
            by: name(&c.by),
        })
        .collect();
    let stars = b.product.ocop_stars.map(|s| s.get());
    let page = BatchPage {
        t,
        style: assets::path("style.css"),
        verify: assets::path("verify.js"),
        import_map: assets::import_map(),
        other_lang_url: format!("{path}?lang={}", t.other_tag),
        product: b.product.name.clone(),
        category: t.category(b.product.category),
        ocop_stars: stars,
        stars_text: "★".repeat(usize::from(stars.unwrap_or(0))),
        lot: b.id.to_string(),
        gtin: b.product.gtin.map(|g| g.to_string()),
        producer: view
            .cooperative
            .as_ref()
            .map_or_else(|| name(&b.creator), |c| c.name.clone()),
        address: view.cooperative.as_ref().map(place).unwrap_or_default(),
        origin: view
            .origin
            .as_ref()
            .map_or_else(|| t.not_stated.to_owned(), |o| o.place.clone()),
        harvested: view
            .harvested_at
            .as_ref()
            .map_or_else(|| t.not_stated.to_owned(), |h| harvest_time(h.as_str())),
        quantity: quantity(t, &b.quantity),
        recall: b
            .recall
            .as_ref()
            .filter(|r| r.index < view.size)
            .map(|r| RecallView {
                index: r.index,
                reason: r.reason.clone(),
                date: view
                    .journey
                    .iter()
                    .find(|s| s.index == r.index)
                    .map_or_else(|| format!("#{}", r.index), |s| local_time(&s.at)),
                by: name(&r.by),
            }),
        certifications,
        inspections,
        steps,
        made_from,
        corrections,
        origin_name: app.ledger.info().origin,
        size: view.size,
        ledger_key: {
            let info = app.ledger.info();
            format!(
                "{} ({:08x})",
                info.public_key,
                crate::domain::checkpoint::key_id(&info.key_name, &info.public_key)
            )
        },
        api_url: format!("/api/v1/batches/{}/trace", b.id),
        proof_json: proof_json(app, view),
    };
    page.render()
}

/// The `Link` header every answer carries (GS1 Digital Link resolvers).
/// The path comes from the request, so every byte outside the URL's
/// unreserved set and `/` is percent-encoded: nothing from the request can
/// add parameters or links to the header.
fn link_header(path: &str) -> (header::HeaderName, HeaderValue) {
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

/// A buyer's page, with its `Link` header.
fn html(status: StatusCode, path: &str, body: impl Into<Bytes>) -> Response {
    let mut resp = html_page(status, body);
    let (name, value) = link_header(path);
    resp.headers_mut().insert(name, value);
    resp
}

fn missing(t: &'static Texts, path: &str, status: StatusCode, code: Code) -> Response {
    let (title, body) = if status == StatusCode::NOT_FOUND {
        (t.not_found_title, t.not_found_body)
    } else if status.is_server_error() {
        (
            t.not_found_title,
            code.message(if t.tag == "vi" { Lang::Vi } else { Lang::En }),
        )
    } else {
        (t.bad_code_title, t.bad_code_body)
    };
    let page = MissingPage {
        t,
        style: assets::path("style.css"),
        other_lang_url: format!("{path}?lang={}", t.other_tag),
        title,
        body,
        code: code.as_str().to_owned(),
    };
    html(status, path, page.render().unwrap_or_default())
}

fn failure(t: &'static Texts, path: &str, e: ServiceError) -> Response {
    match e {
        ServiceError::Refused(r) => match r.code.class() {
            crate::domain::messages::Class::NotFound => {
                missing(t, path, StatusCode::NOT_FOUND, r.code)
            }
            _ => missing(t, path, StatusCode::BAD_REQUEST, r.code),
        },
        other => {
            tracing::error!(error = %other, "buyer page failed");
            missing(t, path, StatusCode::INTERNAL_SERVER_ERROR, Code::Internal)
        }
    }
}

fn wants_linkset(query: &Option<String>, headers: &HeaderMap) -> bool {
    query.as_deref().is_some_and(|q| {
        q.split('&')
            .any(|kv| kv == "linkType=linkset" || kv == "linkType=all")
    }) || headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/linkset+json"))
}

/// The RFC 9264 link set of a batch, with GS1 link types.
fn linkset(app: &AppState, view: &BuyerView, path: &str) -> Response {
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

async fn show(
    app: AppState,
    lang: Lang,
    lookup: Result<Lookup, Refusal>,
    path: String,
    query: Option<String>,
    headers: HeaderMap,
) -> Response {
    let t = Texts::of(lang);
    let lookup = match lookup {
        Ok(l) => l,
        Err(r) => return missing(t, &path, StatusCode::BAD_REQUEST, r.code),
    };
    let linkset_wanted = wants_linkset(&query, &headers);
    let size = app.ledger.size();
    if let Some(page) = app.pages.get(&path, lang, size).filter(|_| !linkset_wanted) {
        return html(StatusCode::OK, &path, page);
    }
    let ledger = Arc::clone(&app.ledger);
    let view = match tokio::task::spawn_blocking(move || ledger.buyer_view(&lookup)).await {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => return failure(t, &path, e),
        Err(e) => return failure(t, &path, ServiceError::Internal(e.to_string())),
    };
    if linkset_wanted {
        return linkset(&app, &view, &path);
    }
    let page = match render_batch(&app, t, &view, &path) {
        Ok(p) => Bytes::from(p),
        Err(e) => return failure(t, &path, ServiceError::Internal(e.to_string())),
    };
    app.pages.put(path.clone(), lang, view.size, page.clone());
    html(StatusCode::OK, &path, page)
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
async fn batch_and_url(app: &AppState, raw: &str) -> Result<(Batch, String), ServiceError> {
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
    render: fn(&str) -> Result<Vec<u8>, qr::QrError>,
) -> Response {
    let path = format!("/b/{raw}");
    let key = format!("{path}/{kind}");
    if let Some(img) = app.pages.image(&key) {
        return image(content_type, img, &path);
    }
    match batch_and_url(&app, &raw).await {
        Ok((_, url)) => match render(&url) {
            Ok(bytes) => {
                let bytes = Bytes::from(bytes);
                app.pages.put_image(key, bytes.clone());
                image(content_type, bytes, &path)
            }
            Err(e) => failure(
                Texts::of(lang),
                &path,
                ServiceError::Internal(e.to_string()),
            ),
        },
        Err(e) => failure(Texts::of(lang), &path, e),
    }
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

/// Query of the labels sheet.
#[derive(serde::Deserialize)]
pub struct LabelsQuery {
    count: Option<u32>,
}

/// `GET /b/{id}/labels?count=N`: N labels (1 to [`MAX_LABELS`]) on A4.
pub async fn labels(
    State(app): State<AppState>,
    ClientLang(lang): ClientLang,
    Path(raw): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let t = Texts::of(lang);
    let path = format!("/b/{raw}/labels");
    let q: LabelsQuery = match serde_urlencoded::from_str(query.as_deref().unwrap_or("")) {
        Ok(q) => q,
        Err(_) => return missing(t, &path, StatusCode::BAD_REQUEST, Code::BadQuery),
    };
    let count = q.count.unwrap_or(DEFAULT_LABELS);
    if count == 0 || count > MAX_LABELS {
        return missing(t, &path, StatusCode::BAD_REQUEST, Code::BadQuery);
    }
    let (batch, url) = match batch_and_url(&app, &raw).await {
        Ok(x) => x,
        Err(e) => return failure(t, &path, e),
    };
    let ledger = Arc::clone(&app.ledger);
    let id = batch.id.clone();
    let view = tokio::task::spawn_blocking(move || ledger.buyer_view(&Lookup::Batch(id))).await;
    let producer = match view {
        Ok(Ok(v)) => v
            .cooperative
            .as_ref()
            .map_or_else(|| batch.creator.to_string(), |c| c.name.clone()),
        _ => batch.creator.to_string(),
    };
    let svg = match qr::svg(&url) {
        Ok(s) => s,
        Err(e) => return failure(t, &path, ServiceError::Internal(e.to_string())),
    };
    // The SVG's XML declaration cannot sit inside HTML.
    let svg = match svg.find("<svg") {
        Some(i) => svg[i..].to_owned(),
        None => svg,
    };
    let page = LabelsPage {
        t,
        style: assets::path("style.css"),
        other_lang_url: format!("{path}?lang={}&count={count}", t.other_tag),
        product: batch.product.name.clone(),
        lot: batch.id.to_string(),
        producer,
        qr_svg: svg,
        count,
    };
    html(StatusCode::OK, &path, page.render().unwrap_or_default())
}

/// Any path no route matched. A printed code never meets a bare 404: what
/// looks like a buyer's page (`/b/…`, `/01/…`, a trailing slash, more GS1
/// qualifiers) gets the not-found page in the buyer's language; anything
/// else gets the JSON 404 of the API.
pub async fn fallback(ClientLang(lang): ClientLang, uri: axum::http::Uri) -> Response {
    let path = uri.path();
    if path.starts_with("/b/") || path.starts_with("/01/") || path == "/b" || path == "/01" {
        return missing(Texts::of(lang), path, StatusCode::NOT_FOUND, Code::NotFound);
    }
    super::error::ApiError::new(Refusal::new(Code::NotFound), lang).into_response()
}
