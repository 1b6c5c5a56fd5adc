//! The accept loop (spec §8.19, issue 16): HTTP/1.1 connections served by
//! hyper with the connection limits of [`Limits`], each request carrying
//! its peer's address for the per-client rates, and a graceful shutdown
//! that finishes the answers in flight.
//!
//! - At most [`Limits::max_connections`] are open: the loop accepts the
//!   next one only when a place is free, so further clients wait in the
//!   kernel's listen queue and the process never runs out of files.
//! - A request's head must arrive within [`Limits::header_read`] (hyper's
//!   header timer, which also runs while a kept-alive connection waits for
//!   its next request).
//! - A connection that reads and writes nothing for [`Limits::idle`] is
//!   shut down gracefully (an answer in flight is finished first); one
//!   still silent after twice that (a client that stopped sending its body
//!   or reading its answer) is closed.

use super::limits::Limits;
use axum::Router;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tower::ServiceExt as _;

/// Serves `router` on `listener` under `limits` until `shutdown`
/// completes, then finishes the requests in flight.
pub async fn serve_with_limits(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let places = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let (stop, stopping) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let place = tokio::select! {
            () = &mut shutdown => break,
            p = Arc::clone(&places).acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
        };
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                // A failed accept (a reset before accept, out of files) is
                // the client's or momentary: keep serving, after a pause
                // when it is the process's own limit.
                Err(e) => {
                    if is_resource_limit(&e) {
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                    continue;
                }
            },
        };
        let router = router.clone();
        let stopping = stopping.clone();
        tokio::spawn(async move {
            serve_connection(stream, peer, router, limits, stopping).await;
            drop(place);
        });
    }
    // Stop accepting, ask every connection to finish, and wait for them.
    drop(listener);
    let _ = stop.send(true);
    let _ = places
        .acquire_many(u32::try_from(limits.max_connections.max(1)).unwrap_or(u32::MAX))
        .await;
    Ok(())
}

/// Whether a failed accept is the process running out of something (files,
/// memory), worth a pause, rather than one client's trouble.
fn is_resource_limit(e: &io::Error) -> bool {
    // EMFILE 24, ENFILE 23, ENOBUFS 105, ENOMEM 12 on Linux.
    matches!(e.raw_os_error(), Some(23 | 24 | 105 | 12))
}

/// Serves one connection until it closes, is idle too long, or the server
/// stops.
async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    router: Router,
    limits: Limits,
    mut stopping: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let started = Instant::now();
    let last = Arc::new(AtomicU64::new(0));
    let io = TokioIo::new(Watched {
        inner: stream,
        started,
        last: Arc::clone(&last),
    });
    let service = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
        let mut req = req.map(axum::body::Body::new);
        req.extensions_mut().insert(ConnectInfo(peer));
        router.clone().oneshot(req)
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read)
        .keep_alive(true);
    let conn = builder.serve_connection(io, service).with_upgrades();
    tokio::pin!(conn);
    let check = (limits.idle / 4).max(Duration::from_millis(50));
    let mut shutting = false;
    loop {
        tokio::select! {
            r = conn.as_mut() => {
                if let Err(e) = r {
                    tracing::debug!(error = %e, %peer, "connection ended");
                }
                return;
            }
            _ = stopping.changed(), if !shutting => {
                shutting = true;
                conn.as_mut().graceful_shutdown();
            }
            () = tokio::time::sleep(check) => {
                let now = elapsed_ms(started);
                let quiet = Duration::from_millis(now.saturating_sub(last.load(Ordering::Relaxed)));
                if quiet >= limits.idle.saturating_mul(2) {
                    // Still nothing after asking it to finish: a client
                    // that stopped sending its body or reading its answer.
                    // Dropping the connection closes it.
                    tracing::debug!(%peer, "idle connection closed");
                    return;
                }
                if quiet >= limits.idle && !shutting {
                    shutting = true;
                    conn.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

/// Milliseconds since `started`.
fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// A stream that notes when it last read or wrote a byte.
struct Watched {
    inner: TcpStream,
    started: Instant,
    last: Arc<AtomicU64>,
}

impl Watched {
    fn touch(&self) {
        self.last.store(elapsed_ms(self.started), Ordering::Relaxed);
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.touch();
        }
        r
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        r
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        r
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}
