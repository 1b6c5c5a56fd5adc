//! The C2SP tlog-tiles read API under `/tlog` (spec §8.14):
//! `/tlog/checkpoint` is [`super::api::checkpoint`]; this file answers
//! `/tlog/tile/<L>/<N>[.p/<W>]` and `/tlog/tile/entries/<N>[.p/<W>]`.

use super::AppState;
use super::error::ApiError;
use super::extract::ClientLang;
use crate::domain::messages::{Code, Refusal};
use crate::domain::tiles;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

/// The caching of a tile or an entry bundle: its bytes never change
/// (tlog-tiles: "this endpoint is immutable"), a partial one's included.
pub const TILE_CACHE_CONTROL: &str = "public, max-age=31536000, immutable";

/// `GET /tlog/tile/{*path}`: a hash tile or an entry bundle of the
/// published tree, `application/octet-stream`.
pub async fn tile(
    State(app): State<AppState>,
    ClientLang(lang): ClientLang,
    Path(rest): Path<String>,
) -> Result<Response, ApiError> {
    let tile = tiles::parse_path(&format!("tile/{rest}"))
        .map_err(|e| ApiError::new(Refusal::with(Code::NotFound, e.to_string()), lang))?;
    let body = app.ledger.tile(&tile).map_err(|e| ApiError::new(e, lang))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream"),
            (header::CACHE_CONTROL, TILE_CACHE_CONTROL),
        ],
        body,
    )
        .into_response())
}
