//! What one client may take from the server (spec §8.19, issue 16): how long
//! a request's head may take to arrive, how long a connection may make no
//! progress, how long a whole request may run, how many connections are
//! open at once, and how fast one client may write or make expensive reads.
//!
//! [`Limits`] holds them, with safe defaults that `serve` can change
//! (spec §10.3). The connection limits are kept by [`super::server`]; the
//! per-client rates by a `tower_governor` layer per group of routes
//! (`rate_layer`), keyed by the peer's IP address, answered as 429
//! `rate_limited` in the client's language with `Retry-After`
//! (`render_refusals`); the whole-request limit by `request_timeout`.

use super::error::ApiError;
use super::extract::request_lang;
use crate::domain::messages::{Code, Refusal};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::middleware::NoOpMiddleware;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;
use tower_governor::GovernorError;
use tower_governor::governor::GovernorConfigBuilder;
use tower_governor::key_extractor::KeyExtractor;

/// A rate one client may keep up: `per_second` requests a second on
/// average, and up to `burst` at once after a quiet spell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    per_second: u32,
    burst: u32,
}

impl Rate {
    /// The most requests a second a rate may allow.
    pub const MAX_PER_SECOND: u32 = 1_000_000;

    /// A rate of `per_second` (1 to [`Rate::MAX_PER_SECOND`]) with bursts
    /// of `burst` (at least 1).
    pub const fn new(per_second: u32, burst: u32) -> Option<Self> {
        if per_second == 0 || per_second > Self::MAX_PER_SECOND || burst == 0 {
            None
        } else {
            Some(Self { per_second, burst })
        }
    }

    /// Requests a second, on average.
    pub fn per_second(&self) -> u32 {
        self.per_second
    }

    /// Requests at once.
    pub fn burst(&self) -> u32 {
        self.burst
    }
}

/// The server's limits (spec §8.19). Every one is set by a `serve` option
/// (spec §10.3); the defaults are safe for a public server on a small
/// machine and still serve a phone on a weak rural connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The most time a request's head (its start line and headers) may
    /// take to arrive, counted from when the server starts waiting for it,
    /// so it also closes a kept-alive connection that sends nothing more.
    pub header_read: Duration,
    /// The most time a connection may go without a byte read or written
    /// (a client that stops sending its body, or stops reading its
    /// answer); the connection is then closed once any answer in flight
    /// is done.
    pub idle: Duration,
    /// The most time one request may take, from its head to its answer.
    pub request: Duration,
    /// The most connections open at once; further clients wait in the
    /// listen queue until one closes.
    pub max_connections: usize,
    /// What one client (IP address) may submit.
    pub writes: Rate,
    /// What one client may take of the expensive reads: exports, traces,
    /// label sheets, linkage figures, the entries list.
    pub expensive_reads: Rate,
}

/// Default of [`Limits::header_read`], in seconds.
pub const HEADER_READ_SECS: u64 = 20;
/// Default of [`Limits::idle`], in seconds.
pub const IDLE_SECS: u64 = 60;
/// Default of [`Limits::request`], in seconds.
pub const REQUEST_SECS: u64 = 60;
/// Default of [`Limits::max_connections`].
pub const MAX_CONNECTIONS: usize = 8192;
/// Default submissions a second one client may keep up.
pub const WRITES_PER_SECOND: u32 = 20;
/// Default submissions one client may send at once.
pub const WRITE_BURST: u32 = 100;
/// Default expensive reads a second one client may keep up.
pub const READS_PER_SECOND: u32 = 5;
/// Default expensive reads one client may make at once.
pub const READ_BURST: u32 = 30;

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_read: Duration::from_secs(HEADER_READ_SECS),
            idle: Duration::from_secs(IDLE_SECS),
            request: Duration::from_secs(REQUEST_SECS),
            max_connections: MAX_CONNECTIONS,
            writes: Rate {
                per_second: WRITES_PER_SECOND,
                burst: WRITE_BURST,
            },
            expensive_reads: Rate {
                per_second: READS_PER_SECOND,
                burst: READ_BURST,
            },
        }
    }
}

/// The key a client's rate is kept under: its IP address, or one shared
/// key for a request that reached the router without a connection (a test
/// calling the router directly).
#[derive(Clone, Copy, Debug)]
pub struct PeerIp;

impl KeyExtractor for PeerIp {
    type Key = IpAddr;

    fn extract<T>(&self, req: &axum::http::Request<T>) -> Result<Self::Key, GovernorError> {
        Ok(req
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip()))
    }
}

/// A request refused for its client's rate: how long until it may try
/// again. The governor layer marks its answer so; [`render_refusals`]
/// words it.
#[derive(Clone, Copy, Debug)]
struct Throttled(u64);

/// A per-client rate on a group of routes.
pub type RateLayer = tower_governor::GovernorLayer<PeerIp, NoOpMiddleware, axum::body::Body>;

/// The layer that keeps `rate` per client on the routes it wraps. Each
/// call makes its own buckets, so every group of routes has its own.
/// `None` only for a rate [`Rate::new`] would refuse.
pub(super) fn rate_layer(rate: Rate) -> Option<RateLayer> {
    let config = GovernorConfigBuilder::default()
        .key_extractor(PeerIp)
        .period(Duration::from_secs(1).checked_div(rate.per_second)?)
        .burst_size(rate.burst)
        .finish()?;
    let config = std::sync::Arc::new(config);
    let limiter = std::sync::Arc::clone(config.limiter());
    // Forget the clients that have been quiet, so the buckets stay bounded
    // by the clients of the last minute.
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        runtime.spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(60));
            loop {
                tick.tick().await;
                limiter.retain_recent();
                limiter.shrink_to_fit();
            }
        });
    }
    Some(
        tower_governor::GovernorLayer::new(config).error_handler(|e| {
            let wait = match e {
                GovernorError::TooManyRequests { wait_time, .. } => wait_time.max(1),
                GovernorError::UnableToExtractKey | GovernorError::Other { .. } => 1,
            };
            let mut resp = Response::new(axum::body::Body::empty());
            resp.extensions_mut().insert(Throttled(wait));
            resp
        }),
    )
}

/// Words the refusals the limit layers leave unworded: a [`Throttled`]
/// answer becomes 429 `rate_limited` in the client's language, with
/// `Retry-After` in whole seconds.
pub(super) async fn render_refusals(req: Request, next: Next) -> Response {
    let lang = request_lang(req.uri().query(), req.headers());
    let resp = next.run(req).await;
    match resp.extensions().get::<Throttled>().copied() {
        Some(Throttled(wait)) => {
            let mut resp = ApiError::new(Refusal::new(Code::RateLimited), lang).into_response();
            if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
            resp
        }
        None => resp,
    }
}

/// Stops a request that runs past [`Limits::request`] and answers 503
/// `request_timeout` (a submission cut so may still have been logged;
/// sending it again is safe, spec §7.1).
pub(super) async fn request_timeout(
    State(limit): State<Duration>,
    req: Request,
    next: Next,
) -> Response {
    let lang = request_lang(req.uri().query(), req.headers());
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(resp) => resp,
        Err(_) => ApiError::new(Refusal::new(Code::RequestTimeout), lang).into_response(),
    }
}
