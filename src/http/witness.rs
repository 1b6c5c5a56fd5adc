//! A witness over HTTP (spec §8.15), C2SP tlog-witness with the submission
//! and monitoring prefixes both at the root of [`router`]:
//!
//! - `POST /add-checkpoint`: 200 with the cosignature line(s),
//!   `text/plain; charset=utf-8`; 409 with the held size,
//!   `text/x.tlog.size`; every other refusal the JSON error of spec §8.1
//!   with its status (400, 403, 404, 413, 422);
//! - `GET /<lowercase hex sha256(origin)>/checkpoint`: the latest cosigned
//!   note, or the JSON 404 `not_cosigned`.
//!
//! [`router`] carries its own state and body limit, so another server (a
//! mirror) can merge or nest it; [`server`] adds `/healthz` and
//! `/metrics` for `coop-ledger witness serve`.

use super::api::method_not_allowed;
use super::error::{ApiError, class_status};
use super::extract::ClientLang;
use crate::domain::messages::{Code, Refusal};
use crate::domain::witness_request::{MAX_REQUEST_BYTES, size_body};
use crate::service::witness::{AddError, Witness};
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::sync::Arc;

/// The tlog-witness routes of `witness`, at the root.
pub fn router(witness: Arc<Witness>) -> Router {
    Router::new()
        .route(
            "/add-checkpoint",
            post(add_checkpoint).layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES)),
        )
        .route("/{origin_hash}/checkpoint", get(checkpoint))
        .with_state(witness)
}

/// [`router`] with `GET /healthz` and `GET /metrics`, the JSON 404 and
/// 405 fallbacks, and the trace layer.
pub fn server(witness: Arc<Witness>) -> Router {
    let metrics = Arc::clone(&witness);
    router(witness)
        .route("/healthz", get(|| async { "ok\n" }))
        .route(
            "/metrics",
            get(move || async move {
                (
                    [(
                        header::CONTENT_TYPE,
                        "text/plain; version=0.0.4; charset=utf-8",
                    )],
                    metrics.metrics(),
                )
            }),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(tower_http::trace::TraceLayer::new_for_http())
}

/// Any other path: the JSON 404.
async fn not_found(ClientLang(lang): ClientLang) -> ApiError {
    ApiError::new(Refusal::new(Code::NotFound), lang)
}

/// `POST /add-checkpoint`.
async fn add_checkpoint(
    State(witness): State<Arc<Witness>>,
    ClientLang(lang): ClientLang,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(b) => b,
        Err(rej) if rej.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return ApiError::new(Refusal::new(Code::TooLarge), lang).into_response();
        }
        Err(rej) => {
            return ApiError::new(
                Refusal::with(Code::BadWitnessRequest, rej.body_text()),
                lang,
            )
            .into_response();
        }
    };
    match witness.add_checkpoint(body.to_vec()).await {
        Ok(lines) => ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], lines).into_response(),
        Err(AddError::Conflict { size }) => (
            class_status(Code::OldSizeConflict.class()),
            [(header::CONTENT_TYPE, "text/x.tlog.size")],
            size_body(size),
        )
            .into_response(),
        Err(AddError::Other(e)) => ApiError::new(e, lang).into_response(),
    }
}

/// `GET /{origin_hash}/checkpoint`.
async fn checkpoint(
    State(witness): State<Arc<Witness>>,
    ClientLang(lang): ClientLang,
    Path(hash): Path<String>,
) -> Result<Response, ApiError> {
    let note = witness
        .checkpoint(&hash)
        .map_err(|e| ApiError::new(e, lang))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        note,
    )
        .into_response())
}
