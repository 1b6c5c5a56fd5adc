//! The HTTP front end (spec §8): `router(state)` renders the templates
//! once and builds the routes, and `serve(listener, router, shutdown)` runs
//! them. `main` and the tests start the server the same way.
//!
//! [`router`] also holds the fallbacks (a JSON 405 for a known path with
//! another method; a JSON 404, or the buyer's 404 page under `/b/` and
//! `/01/`), the body limit just above the envelope limit so that the
//! extractor gives the 413 its JSON shape, gzip for clients that ask, and
//! the trace layer. [`serve`] shuts down gracefully. Every route is listed
//! in spec §8.2.

pub mod api;
pub mod app;
pub mod assets;
pub mod buyer_view;
pub mod cache;
pub mod catching_up;
pub mod charts;
pub mod dashboard;
pub mod error;
pub mod export;
pub mod extract;
pub mod format;
pub mod headers;
pub mod i18n;
pub mod labels;
pub mod limits;
pub mod linkset;
pub mod lists;
pub mod pages;
pub mod qr;
pub mod render;
pub mod server;
pub mod tiles;
pub mod witness;

use crate::domain::envelope::MAX_ENVELOPE_BYTES;
use crate::service::Ledger;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{MethodRouter, get, post};
use std::future::Future;
use std::sync::Arc;
use tokio::net::TcpListener;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The open ledger.
    pub ledger: Arc<Ledger>,
    /// The public base URL of pages and QR codes (`--base-url`).
    pub base_url: String,
    /// Rendered buyer pages and dashboards, valid for one tree size.
    pub pages: Arc<cache::PageCache>,
    /// What one client may take (spec §8.19).
    pub limits: limits::Limits,
    /// Permits for the expensive reads (exports, traces, the entries
    /// list, label sheets), which run on the blocking pool, at most one
    /// per core at once: they never hold the async workers that take
    /// submissions and serve buyer pages, and never take more threads
    /// than there are cores.
    pub heavy: Arc<tokio::sync::Semaphore>,
}

impl AppState {
    /// The state of a server for `ledger` whose pages live under `base_url`.
    pub fn new(ledger: Arc<Ledger>, base_url: String) -> Self {
        Self {
            ledger,
            base_url,
            pages: Arc::default(),
            limits: limits::Limits::default(),
            heavy: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(1, |n| n.get()),
            )),
        }
    }

    /// Runs an expensive read on the blocking pool once one of the
    /// [`AppState::heavy`] permits is free.
    pub(crate) async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Ledger) -> Result<T, crate::service::ServiceError> + Send + 'static,
    ) -> Result<T, crate::service::ServiceError> {
        use crate::service::ServiceError;
        let permit = Arc::clone(&self.heavy)
            .acquire_owned()
            .await
            .map_err(|e| ServiceError::Internal(format!("read permits: {e}")))?;
        let ledger = Arc::clone(&self.ledger);
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            f(&ledger)
        })
        .await
        .map_err(|e| ServiceError::Internal(format!("read task: {e}")))?
    }

    /// The same state under `limits`.
    pub fn with_limits(self, limits: limits::Limits) -> Self {
        Self { limits, ..self }
    }
}

/// `route` with the per-client rate `layer` (spec §8.19) when there is one.
fn rated(
    route: MethodRouter<AppState>,
    layer: &Option<limits::RateLayer>,
) -> MethodRouter<AppState> {
    match layer {
        Some(l) => route.layer(l.clone()),
        None => route,
    }
}

/// All routes, once every template that can be rendered without a request
/// has been rendered: a template bug stops the server from starting
/// instead of failing its first reader.
pub fn router(state: AppState) -> Result<Router, render::TemplateError> {
    check_templates()?;
    // One budget per client for writes, one for all the expensive reads.
    let writes = limits::rate_layer(state.limits.writes);
    let reads = limits::rate_layer(state.limits.expensive_reads);
    let read = |h| rated(h, &reads);
    Ok(Router::new()
        .route(
            "/api/v1/entries",
            rated(post(api::submit), &writes).merge(read(get(api::entries))),
        )
        .route("/api/v1/checkpoint", get(api::checkpoint))
        .route("/api/v1/ledger", get(api::ledger))
        .route("/api/v1/proof/inclusion", get(api::inclusion))
        .route("/api/v1/proof/consistency", get(api::consistency))
        .route("/api/v1/actors", get(api::actor_by_key))
        .route("/api/v1/actors/{id}", get(api::actor))
        .route("/api/v1/actors/{id}/batches", get(api::held))
        .route("/api/v1/actors/{id}/custody", get(api::custody))
        .route("/api/v1/actors/{id}/members", get(lists::members))
        .route("/api/v1/organisations", get(lists::organisations))
        .route("/api/v1/actors/{id}/entries", get(lists::signed))
        .route("/api/v1/batches/{id}", get(api::batch))
        .route("/api/v1/batches/{id}/trace", read(get(api::trace)))
        .route("/api/v1/batches/{id}/epcis", read(get(export::batch_epcis)))
        .route(
            "/api/v1/batches/{id}/events.csv",
            read(get(export::lot_csv)),
        )
        .route("/api/v1/epcis", read(get(export::period_epcis)))
        .route("/api/v1/contracts/{id}", get(api::contract))
        .route("/api/v1/entries/{index}/corrections", get(api::corrections))
        .route("/api/v1/entries/{index}/tlog-proof", get(api::tlog_proof))
        .route("/api/v1/linkage", read(get(api::linkage)))
        .route("/api/v1/linkage.csv", read(get(api::linkage_csv)))
        .route("/linkage", read(get(dashboard::linkage)))
        .route("/b/{id}", get(pages::batch))
        .route("/b/{id}/qr.svg", get(pages::qr_svg))
        .route("/b/{id}/qr.png", get(pages::qr_png))
        .route("/b/{id}/labels", read(get(labels::labels)))
        .route("/01/{gtin}/10/{lot}", get(pages::digital_link))
        .route("/app", get(app::redirect))
        .route("/app/", get(app::shell))
        .route("/app/sw.js", get(app::service_worker))
        .route("/app/manifest.webmanifest", get(app::manifest))
        .route(app::communes_path(), get(app::communes))
        .route("/static/{*file}", get(assets::serve))
        // The C2SP tlog-tiles read API (spec §8.14).
        .route("/tlog/checkpoint", get(api::tlog_checkpoint))
        .route("/tlog/tile/{*path}", get(tiles::tile))
        .route(
            headers::CSP_REPORT_PATH,
            rated(post(headers::csp_report), &writes),
        )
        .route("/healthz", get(api::healthz))
        .route("/metrics", get(api::metrics))
        .fallback(pages::fallback)
        .method_not_allowed_fallback(api::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            catching_up::guard,
        ))
        // The body limit sits a little above the envelope limit so that the
        // extractor, not the transport, gives the 413 its JSON shape.
        .layer(DefaultBodyLimit::max(MAX_ENVELOPE_BYTES + 1))
        // gzip for clients that ask (a phone on a weak connection fetches
        // the signing app's 190 KB of scripts as about 50 KB).
        .layer(tower_http::compression::CompressionLayer::new().gzip(true))
        .layer(axum::middleware::from_fn_with_state(
            state.limits.request,
            limits::request_timeout,
        ))
        .layer(axum::middleware::from_fn(limits::render_refusals))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            headers::security_headers,
        ))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state))
}

/// Renders each page template with representative values, in both
/// languages: the buyer's page, its labels and error pages, the
/// dashboard's page of a refused query, and the signing app's shell (with
/// its configuration) and service worker. None of it calls the ledger.
fn check_templates() -> Result<(), render::TemplateError> {
    app::check_templates()?;
    buyer_view::check_templates()?;
    labels::check_templates()?;
    error::check_templates()?;
    dashboard::check_templates()
}

/// Serves `router` on `listener` under the default [`limits::Limits`] until
/// `shutdown` completes, then finishes the requests in flight.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    server::serve_with_limits(listener, router, limits::Limits::default(), shutdown).await
}
