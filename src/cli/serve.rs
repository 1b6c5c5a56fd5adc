//! `coop-ledger serve` and `coop-ledger demo` (spec §10): the ledger over
//! HTTP, until SIGTERM or Ctrl-C.

use super::report;
use super::shared::runtime;
use crate::domain::cosignature::WitnessKey;
use crate::http::limits::Limits;
use crate::http::{self, AppState};
use crate::service::witnessing::{WitnessSpec, WitnessingConfig};
use crate::service::{Ledger, OpenOptions, demo, tilefiles};
use crate::store::io::RealIo;
use anyhow::{Context as _, Result};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// Serves the ledger in `data` on `listen`, with the linkage `targets`
/// (`GROUP:YEAR=SHARE` each) over the defaults, and its witnesses.
pub fn run(
    data: PathBuf,
    ledger_key_file: Option<PathBuf>,
    listen: String,
    base_url: Option<String>,
    targets: &[String],
    witnesses: Option<WitnessingConfig>,
    limits: Limits,
) -> Result<ExitCode> {
    let options = OpenOptions {
        targets: report::targets(targets)?,
        ledger_key_file,
        ..OpenOptions::default()
    };
    runtime()?.block_on(serve(data, listen, base_url, options, witnesses, limits))?;
    Ok(ExitCode::SUCCESS)
}

/// The witnesses of `serve --witness VKEY=URL … [--witness-quorum K]
/// [--witness-label NAME=TEXT …]` (spec §10.3); `None` without any.
pub fn witnessing(
    witnesses: Vec<(WitnessKey, String)>,
    quorum: Option<usize>,
    labels: &[String],
) -> Result<Option<WitnessingConfig>> {
    if witnesses.is_empty() {
        return Ok(None);
    }
    let mut specs: Vec<WitnessSpec> = witnesses
        .into_iter()
        .map(|(key, url)| WitnessSpec {
            key,
            url,
            label: None,
        })
        .collect();
    for l in labels {
        let (name, text) = l
            .split_once('=')
            .with_context(|| format!("--witness-label {l:?}: expected NAME=TEXT"))?;
        let w = specs
            .iter_mut()
            .find(|w| w.key.name() == name)
            .with_context(|| format!("--witness-label {l:?}: no witness is named {name}"))?;
        w.label = Some(text.to_owned());
    }
    Ok(Some(WitnessingConfig::new(specs, quorum)?))
}

/// Creates a sample ledger in `data` (default: a new folder under the
/// system's temporary directory) unless one is there, and serves it,
/// printing where to look first.
pub fn demo(listen: String, data: Option<PathBuf>, limits: Limits) -> Result<ExitCode> {
    let data = data.unwrap_or_else(|| {
        std::env::temp_dir().join(format!("coop-ledger-demo-{}", std::process::id()))
    });
    let fresh = !data.join("leaves.log").exists();
    let registrar = if fresh {
        Some(demo::init(&data)?)
    } else {
        None
    };
    runtime()?.block_on(async move {
        let ledger = Arc::new(Ledger::open(&data, OpenOptions::default())?);
        if let Some(registrar) = registrar {
            demo::populate(&ledger, &data, &registrar).await?;
        }
        tile_writer(&ledger, &data);
        println!(
            "demo ledger in {} (actor keys in its keys/ folder)",
            data.display()
        );
        let views = Arc::clone(&ledger);
        run_server(ledger, &listen, None, limits, move |url| {
            // The page each sample product's QR code opens: its GS1
            // Digital Link when it has a GTIN, else /b/{id}.
            println!("buyer pages (what the QR code on each product opens):");
            for (id, what) in demo::SHOWCASE {
                let page = crate::domain::ids::BatchId::parse(id)
                    .ok()
                    .and_then(|b| views.batch(&b).ok())
                    .map(|r| crate::http::pages::page_url(url, &r.batch))
                    .unwrap_or_else(|| format!("{url}/b/{id}"));
                println!("  {what}\n    {page}");
            }
            println!("signing app for phones (restore a key from the keys/ folder, e.g. keys/{}.pem, then enter that id):", demo::APP_ACTOR);
            println!("    {url}/app/");
            println!("value-chain linkage dashboard (for authorities):");
            println!("    {url}/linkage");
            println!("JSON API:");
            println!("    {url}/api/v1/ledger");
            println!("    {url}/api/v1/checkpoint");
            println!("    {url}/api/v1/batches/{}/trace", demo::RICE_BAG);
            println!("    {url}/api/v1/contracts/{}", demo::CONTRACT);
            println!("    {url}/api/v1/linkage");
            println!("audit it live: coop-ledger audit --server {url}");
        })
        .await
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Completes on SIGTERM or Ctrl-C (`witness serve` stops on it too). The
/// handlers are installed when this is called, not when it is first
/// awaited, so a SIGTERM sent the moment a server says it is listening
/// already stops it cleanly.
pub(super) fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    #[cfg(unix)]
    let int = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).ok();
    async move {
        #[cfg(unix)]
        {
            let wait = |s: Option<tokio::signal::unix::Signal>| async move {
                match s {
                    Some(mut s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = wait(term) => {},
                () = wait(int) => {},
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

async fn serve(
    data: PathBuf,
    listen: String,
    base_url: Option<String>,
    options: OpenOptions,
    witnesses: Option<WitnessingConfig>,
    limits: Limits,
) -> Result<()> {
    let ledger = Arc::new(Ledger::open(&data, options)?);
    if let Some(config) = witnesses {
        ledger.start_witnessing(config)?;
    }
    tile_writer(&ledger, &data);
    run_server(ledger, &listen, base_url, limits, |_| {}).await
}

/// Starts the task that writes the full tiles into `DATA/tiles/` (spec
/// §8.14); it stops with the runtime.
fn tile_writer(ledger: &Arc<Ledger>, data: &std::path::Path) {
    let dir = crate::store::Layout::new(data).tiles();
    let _writer = tilefiles::spawn(Arc::clone(ledger), &dir, Arc::new(RealIo));
}

/// Binds, prints "listening on URL" last (tests read this line), serves until
/// SIGTERM or Ctrl-C, then stops the sequencer cleanly.
async fn run_server(
    ledger: Arc<Ledger>,
    listen: &str,
    base_url: Option<String>,
    limits: Limits,
    announce: impl FnOnce(&str),
) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    let addr = listener.local_addr()?;
    let shutdown = shutdown_signal();
    let base_url = base_url.unwrap_or_else(|| format!("http://{addr}"));
    announce(&format!("http://{addr}"));
    // The last line on stdout: scripts and tests wait for it.
    println!("listening on http://{addr}");
    tracing::info!(%addr, size = ledger.size(), "serving the ledger");
    let state = AppState::new(Arc::clone(&ledger), base_url).with_limits(limits);
    let router = http::router(state)?;
    http::server::serve_with_limits(listener, router, limits, shutdown).await?;
    ledger.shutdown().await;
    tracing::info!("stopped");
    Ok(())
}
