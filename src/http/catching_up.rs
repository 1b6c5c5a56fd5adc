//! A mirror in the middle of a catch-up in bounded steps (spec §8.18)
//! has written views past the tree it publishes. The reads that stop at the
//! published size (the checkpoint, `/tlog`, entries, proofs) answer as
//! always; every other read is answered from the views, which would show
//! what no published checkpoint covers yet, so it waits: `503
//! catching_up`, as JSON under `/api/` and as the error page elsewhere,
//! until the primary's note is reached.

use super::AppState;
use super::error::{ApiError, PageError};
use crate::domain::messages::{Code, Lang, Refusal};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The paths whose answers stop at the published size.
fn bounded(path: &str) -> bool {
    const PREFIXES: [&str; 5] = [
        "/tlog/",
        "/static/",
        "/api/v1/proof/",
        "/api/v1/entries",
        "/app",
    ];
    const EXACT: [&str; 4] = [
        "/api/v1/checkpoint",
        "/api/v1/ledger",
        "/healthz",
        "/metrics",
    ];
    EXACT.contains(&path) || PREFIXES.iter().any(|p| path.starts_with(p))
}

/// Answers `catching_up` to the reads the views answer while the mirror
/// is catching up; passes everything else on.
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    if state.ledger.catching_up().is_none() {
        return next.run(req).await;
    }
    if bounded(&path) {
        return next.run(req).await;
    }
    let asked = req.uri().query().and_then(|q| {
        serde_urlencoded::from_str::<Vec<(String, String)>>(q)
            .ok()?
            .into_iter()
            .find_map(|(k, v)| (k == "lang").then_some(v))
    });
    let header = req
        .headers()
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    let lang = Lang::negotiate(asked.as_deref(), header);
    let refusal = Refusal::new(Code::CatchingUp);
    if path.starts_with("/api/") {
        ApiError::new(refusal, lang).into_response()
    } else {
        PageError::new(refusal, lang, path).into_response()
    }
}
