//! Extractors that parse at the edge and turn every rejection into the
//! spec §8 error shape (never axum's default 422 or plain-text bodies).
//!
//! [`ClientLang`] is the client's language (`?lang=`, then
//! `Accept-Language`), [`QueryParams`] gives 400 `bad_query`, [`EnvelopeBody`] 413
//! `too_large`, and [`IdPath`] parses one path id with `FromStr` (any
//! failure, `%FF` included, is 400 `bad_id`).

use super::error::ApiError;
use crate::domain::envelope::MAX_ENVELOPE_BYTES;
use crate::domain::messages::{Code, Lang, Refusal};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

/// The client's language: `?lang=` first, then `Accept-Language`,
/// Vietnamese by default.
#[derive(Clone, Copy, Debug)]
pub struct ClientLang(pub Lang);

fn lang_of(parts: &Parts) -> Lang {
    request_lang(parts.uri.query(), &parts.headers)
}

/// The language of a request with this query and these headers: `?lang=`
/// first, then `Accept-Language`, Vietnamese by default (what
/// [`ClientLang`] extracts, for middleware that holds the whole request).
pub(super) fn request_lang(query: Option<&str>, headers: &axum::http::HeaderMap) -> Lang {
    let explicit = query.and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("lang=")));
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    Lang::negotiate(explicit, accept)
}

impl<S: Send + Sync> FromRequestParts<S> for ClientLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(lang_of(parts)))
    }
}

/// Query parameters parsed into `T`; a missing or malformed one is a 400
/// `bad_query` (not axum's `Query`, whose rejection is plain text).
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for QueryParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let q = parts.uri.query().unwrap_or("");
        serde_urlencoded::from_str(q).map(QueryParams).map_err(|e| {
            ApiError::new(Refusal::with(Code::BadQuery, e.to_string()), lang_of(parts))
        })
    }
}

/// A submission's body, at most [`MAX_ENVELOPE_BYTES`]; larger is a 413
/// `too_large`, an unreadable one a 400 `malformed_json` (not axum's `Body`
/// nor `domain::statement::Body`, a statement's fields).
pub struct EnvelopeBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for EnvelopeBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let lang = lang_of(&parts);
        let req = Request::from_parts(parts, body);
        match Bytes::from_request(req, state).await {
            Ok(b) if b.len() <= MAX_ENVELOPE_BYTES => Ok(EnvelopeBody(b)),
            Ok(_) => Err(ApiError::new(Refusal::new(Code::TooLarge), lang)),
            Err(rej) if rej.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ApiError::new(Refusal::new(Code::TooLarge), lang))
            }
            Err(rej) => Err(ApiError::new(
                Refusal::with(Code::MalformedJson, rej.body_text()),
                lang,
            )),
        }
    }
}

/// A single path parameter parsed into an id type; a malformed id is a 400
/// `bad_id` (never axum's plain-text rejection, never a panic).
pub struct IdPath<T>(pub T);

impl<T, S> FromRequestParts<S> for IdPath<T>
where
    T: std::str::FromStr + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let lang = lang_of(parts);
        let bad = |detail: String| ApiError::new(Refusal::with(Code::BadId, detail), lang);
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|e| bad(e.body_text()))?;
        raw.parse::<T>()
            .map(IdPath)
            .map_err(|_| bad(format!("{raw:?}")))
    }
}
