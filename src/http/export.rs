//! Export handlers (issue 5): a batch's chain and a period as EPCIS 2.0
//! JSON-LD, and one lot's events as a spreadsheet (CSV). Each extracts,
//! makes one service call (through `AppState::blocking`: on the blocking
//! pool, at most one per core at once) and renders.
//!
//! EPCIS answers are `application/ld+json`; the spreadsheet is
//! `text/csv; charset=utf-8` with `Content-Disposition: attachment`, English
//! unless `?lang=vi` (spec §8.6).

use super::AppState;
use super::error::ApiError;
use super::extract::{ClientLang, IdPath, QueryParams};
use crate::domain::ids::BatchId;
use crate::domain::messages::Lang;
use crate::service::ServiceError;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

/// The media type of EPCIS 2.0 JSON-LD documents (EPCIS 2.0 §10).
pub const LD_JSON: &str = "application/ld+json";

/// A JSON-LD answer; a document that cannot be written out is a 500 (never
/// an empty 200).
fn ld_json(doc: &serde_json::Value, lang: Lang) -> Result<Response, ApiError> {
    let body = serde_json::to_vec(doc)
        .map_err(|e| ApiError::new(ServiceError::Internal(format!("EPCIS document: {e}")), lang))?;
    Ok(([(header::CONTENT_TYPE, LD_JSON)], body).into_response())
}

/// `GET /api/v1/batches/{id}/epcis`: the batch's chain (its own steps,
/// upstream and downstream) as an EPCIS 2.0 document.
pub async fn batch_epcis(
    State(app): State<AppState>,
    ClientLang(lang): ClientLang,
    IdPath(id): IdPath<BatchId>,
) -> Result<Response, ApiError> {
    let base = app.base_url.clone();
    let doc = app
        .blocking(move |ledger| ledger.epcis_chain(&id, &base))
        .await
        .map_err(|e| ApiError::new(e, lang))?;
    ld_json(&doc, lang)
}

/// Query of the period export.
#[derive(Deserialize)]
pub struct PeriodQuery {
    from: String,
    to: String,
}

/// `GET /api/v1/epcis?from=DATE&to=DATE`: the batch steps of a period (as
/// Vietnamese calendar dates) as an EPCIS 2.0 document.
pub async fn period_epcis(
    State(app): State<AppState>,
    ClientLang(lang): ClientLang,
    QueryParams(q): QueryParams<PeriodQuery>,
) -> Result<Response, ApiError> {
    let base = app.base_url.clone();
    let doc = app
        .blocking(move |ledger| ledger.epcis_period(&q.from, &q.to, &base))
        .await
        .map_err(|e| ApiError::new(e, lang))?;
    ld_json(&doc, lang)
}

/// Query of the spreadsheet: `lang=vi` for Vietnamese headers.
#[derive(Deserialize)]
pub struct CsvQuery {
    lang: Option<String>,
}

/// `GET /api/v1/batches/{id}/events.csv`: the lot's events, one row each,
/// as a download. Headers in English, or Vietnamese with `?lang=vi`.
pub async fn lot_csv(
    State(app): State<AppState>,
    ClientLang(lang): ClientLang,
    QueryParams(q): QueryParams<CsvQuery>,
    IdPath(id): IdPath<BatchId>,
) -> Result<Response, ApiError> {
    let sheet = if q
        .lang
        .as_deref()
        .is_some_and(|l| l.eq_ignore_ascii_case("vi"))
    {
        Lang::Vi
    } else {
        Lang::En
    };
    // Batch ids are [A-Za-z0-9._-], so the name needs no quoting rules.
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{id}-events.csv\""))
        .unwrap_or(HeaderValue::from_static("attachment"));
    let body = app
        .blocking(move |ledger| ledger.lot_csv(&id, sheet))
        .await
        .map_err(|e| ApiError::new(e, lang))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}
