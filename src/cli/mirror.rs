//! `coop-ledger mirror` (spec §10.15): follow a primary through its
//! tlog-tiles prefix into a read-only data directory, serving it with
//! `--listen`. Exit 0 on SIGTERM or Ctrl-C, 3 on a fork (or when evidence
//! of one is present), 2 when it cannot run.

use super::shared::runtime;
use crate::domain::keys::PublicKey;
use crate::http::{self, AppState};
use crate::service::mirror::{self, Follower, MirrorError};
use crate::service::tlog_client::TlogClient;
use crate::service::witness::Witness;
use crate::service::{Ledger, OpenOptions, SystemClock};
use anyhow::{Context as _, Result};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// The exit code of a fork, and of a start that refuses to follow.
pub const FORK_EXIT: u8 = 3;

/// `mirror`'s arguments.
#[derive(clap::Args, Debug)]
pub struct MirrorArgs {
    /// The primary's tlog-tiles prefix, e.g. `https://ledger.example/tlog`
    /// (or any static copy of it).
    #[arg(long, value_name = "PREFIX")]
    pub from: String,
    /// The mirror's data directory (created on the first run).
    #[arg(long)]
    pub data: PathBuf,
    /// Serve the read API, /tlog and the buyer pages, read-only, on this address.
    #[arg(long)]
    pub listen: Option<String>,
    /// The ledger public key, pinned out of band (default: leaf 0's, kept in DATA).
    #[arg(long, value_parser = super::shared::parse_ledger_key)]
    pub ledger_key: Option<PublicKey>,
    /// The public base URL printed in QR codes and links.
    #[arg(long)]
    pub base_url: Option<String>,
    /// Milliseconds between two polls of the primary's checkpoint.
    #[arg(long, default_value_t = mirror::DEFAULT_POLL.as_millis() as u64)]
    pub poll_ms: u64,
    /// The most leaves one step fetches, verifies and writes (spec §8.18):
    /// fewer use less memory and take more steps.
    #[arg(long, default_value_t = mirror::MIRROR_STEP,
          value_parser = clap::value_parser!(u64).range(1..=mirror::MIRROR_STEP))]
    pub step_leaves: u64,
    /// Also be a C2SP witness of the primary: the directory of a witness
    /// made by `witness init` (spec §8.18), served under `/witness`.
    #[arg(long, value_name = "DIR", requires = "listen")]
    pub witness_data: Option<PathBuf>,
}

/// Runs the mirror until a signal, a fork or a failure.
pub fn run(args: MirrorArgs) -> Result<ExitCode> {
    runtime()?.block_on(follow(args))
}

async fn follow(args: MirrorArgs) -> Result<ExitCode> {
    let tlog = TlogClient::new(&args.from)?;
    // The witness first, so that a bad directory stops the mirror before
    // it follows anything.
    let witness = match &args.witness_data {
        Some(dir) => {
            let w = Witness::open(dir, Arc::new(SystemClock))
                .with_context(|| format!("opening the witness in {}", dir.display()))?;
            println!("witness {}", w.witness_key().vkey());
            Some(Arc::new(w))
        }
        None => None,
    };
    let poll = Duration::from_millis(args.poll_ms.max(1));
    let evidence = mirror::evidence(&args.data)?;
    let ledger = if evidence.is_empty() {
        mirror::open(&args.data, &tlog, args.ledger_key, OpenOptions::default()).await?
    } else {
        Ledger::open_mirror(&args.data, OpenOptions::default())?
    };
    let ledger = Arc::new(ledger);
    let follower = Follower::new(Arc::clone(&ledger), tlog, &args.data).with_step(args.step_leaves);
    let mut stop = Box::pin(stop_signal()?);
    let refused = !evidence.is_empty();
    if refused {
        let files: Vec<String> = evidence.iter().map(|p| p.display().to_string()).collect();
        let why = format!(
            "evidence of a fork is kept in {}: this mirror refuses to follow until an operator has looked at it and removed it",
            files.join(", ")
        );
        println!("{why}");
        follower.mark_fork(why);
        // Nothing verified to serve: a fork seen during the first catch-up.
        if args.listen.is_none() || ledger.size() == 0 {
            return Ok(ExitCode::from(FORK_EXIT));
        }
    } else {
        follower.first(poll, &mut stop).await?;
    }
    let server = match &args.listen {
        Some(listen) => {
            Some(start_server(Arc::clone(&ledger), listen, args.base_url.clone(), witness).await?)
        }
        None => None,
    };
    let outcome = if refused {
        stop.as_mut().await;
        Ok(())
    } else {
        follower.run(poll, &mut stop).await
    };
    if let Some((stop_server, task)) = server {
        let _ = stop_server.send(());
        let _ = task.await;
    }
    ledger.shutdown().await;
    match outcome {
        Ok(()) if refused => Ok(ExitCode::from(FORK_EXIT)),
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e @ MirrorError::Fork { .. }) => {
            // On stderr: stdout may be a pipe nobody reads once the
            // "listening on" line was read.
            eprintln!("error: {e}");
            Ok(ExitCode::from(FORK_EXIT))
        }
        Err(e) => Err(e.into()),
    }
}

/// Completes on SIGTERM or SIGINT. The handlers are installed here, at
/// once, not when the future is first polled: a signal that comes while
/// the first steps run is not lost (nor does it kill the process).
#[cfg(unix)]
fn stop_signal() -> Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).context("installing the SIGTERM handler")?;
    let mut int = signal(SignalKind::interrupt()).context("installing the SIGINT handler")?;
    Ok(async move {
        tokio::select! {
            _ = term.recv() => {},
            _ = int.recv() => {},
        }
    })
}

/// Completes on Ctrl-C.
#[cfg(not(unix))]
fn stop_signal() -> Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}

type Server = (
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<std::io::Result<()>>,
);

/// Binds and serves the mirror read-only, with the witness under
/// `/witness` if there is one; prints "listening on URL" as the last line
/// of its start (tests read it).
async fn start_server(
    ledger: Arc<Ledger>,
    listen: &str,
    base_url: Option<String>,
    witness: Option<Arc<Witness>>,
) -> Result<Server> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    let addr = listener.local_addr()?;
    let base_url = base_url.unwrap_or_else(|| format!("http://{addr}"));
    let mut router = http::router(AppState::new(Arc::clone(&ledger), base_url))?;
    if let Some(w) = witness {
        router = router.nest("/witness", http::witness::server(w));
    }
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(http::serve(listener, router, async {
        let _ = stopped.await;
    }));
    println!("listening on http://{addr}");
    tracing::info!(%addr, size = ledger.size(), mirror_of = ledger.mirror_of(), "serving the mirror");
    Ok((stop, task))
}
