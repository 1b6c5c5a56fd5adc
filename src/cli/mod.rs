//! The command line (spec §10). Thin: parse arguments, call the service,
//! print. anyhow lives here and in `main` only.

pub mod export;
pub mod report;

use crate::domain::ids::ActorId;
use crate::domain::keys::{PublicKey, public_key_of};
use crate::domain::messages::Lang;
use crate::http::{self, AppState};
use crate::service::audit::{self, AuditReport};
use crate::service::client::{self, Client, Outcome, Submission};
use crate::service::{Ledger, OpenOptions, RegistrarSpec, SystemClock, demo, keyfile};
use anyhow::{Context as _, Result, bail};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// coop-ledger: a signed, append-only traceability ledger for cooperatives.
#[derive(Parser, Debug)]
#[command(name = "coop-ledger", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Write a new Ed25519 private key (PKCS#8 PEM, mode 0600) and print its public key.
    Keygen {
        /// The key file to create (never overwritten).
        #[arg(long)]
        out: PathBuf,
    },
    /// Create a ledger: its key and leaf 0, the genesis naming the registrars.
    Init {
        /// The data directory to create.
        #[arg(long)]
        data: PathBuf,
        /// The log's origin, e.g. ledger.htx-phominh.vn/2026.
        #[arg(long)]
        origin: String,
        /// A registrar, as ID=BASE64_PUBLIC_KEY (repeatable).
        #[arg(long = "registrar", value_name = "ID=PUBKEY", required = true)]
        registrars: Vec<String>,
        /// The checkpoint key name (defaults to the origin).
        #[arg(long)]
        key_name: Option<String>,
    },
    /// Serve the ledger over HTTP.
    Serve {
        /// The data directory.
        #[arg(long)]
        data: PathBuf,
        /// Address to listen on, e.g. 127.0.0.1:8080 (port 0 picks a free one).
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// The public base URL printed in QR codes and links.
        #[arg(long)]
        base_url: Option<String>,
        /// A linkage target, GROUP:YEAR=SHARE (cooperatives:2030=0.6); repeatable.
        #[arg(long = "target", value_name = "GROUP:YEAR=SHARE")]
        targets: Vec<String>,
    },
    /// Create a sample ledger of Vietnamese cooperatives, members and businesses, and serve it.
    Demo {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// Where to keep the demo ledger (default: a new folder under the
        /// system's temporary directory). An existing demo ledger is served as it is.
        #[arg(long)]
        data: Option<PathBuf>,
    },
    /// Verify every leaf, signature, rule and root, and consistency with a saved checkpoint.
    Audit {
        /// A stopped ledger's data directory (or a copy).
        #[arg(long, conflicts_with = "server", required_unless_present = "server")]
        data: Option<PathBuf>,
        /// A live ledger's base URL.
        #[arg(long)]
        server: Option<String>,
        /// A checkpoint saved earlier (the text of GET /api/v1/checkpoint).
        #[arg(long)]
        trust: Option<PathBuf>,
        /// The ledger public key, pinned out of band (default: the genesis leaf's).
        #[arg(long)]
        ledger_key: Option<String>,
    },
    /// Sign a statement (from FILE, or standard input) and print the envelope to submit later.
    Sign {
        /// Your private key (PKCS#8 PEM).
        #[arg(long)]
        key: PathBuf,
        /// The statement JSON file; standard input when absent or "-".
        statement: Option<PathBuf>,
    },
    /// Submit statements (signed here with --key) or envelopes signed earlier; check each receipt.
    Submit {
        /// The ledger server's base URL.
        #[arg(long)]
        server: String,
        /// Your private key, for files that hold unsigned statements.
        #[arg(long)]
        key: Option<PathBuf>,
        /// The ledger public key, pinned out of band (default: what the server states).
        #[arg(long)]
        ledger_key: Option<String>,
        /// Language of the ledger's messages: vi or en.
        #[arg(long, default_value = "vi")]
        lang: String,
        /// Statement or envelope files, submitted in this order.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print figures computed from the ledger.
    Report {
        /// Which report.
        #[command(subcommand)]
        what: Report,
    },
    /// Export a batch's chain or a period as EPCIS 2.0 JSON-LD, or a lot's events as a spreadsheet.
    Export {
        /// What to export.
        #[command(subcommand)]
        what: export::Export,
    },
    /// Import EPCIS 2.0 events as signed statements.
    Import {
        /// What to import.
        #[command(subcommand)]
        what: export::Import,
    },
    /// Rebuild every view from the leaf file.
    Reindex {
        /// The data directory (the server must be stopped).
        #[arg(long)]
        data: PathBuf,
    },
}

/// The reports.
#[derive(Subcommand, Debug)]
pub enum Report {
    /// Value-chain linkage figures against the plan targets (spec §9).
    Linkage(report::LinkageArgs),
}

/// Runs the CLI and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// Runs one command.
pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Keygen { out } => {
            let key = keyfile::generate();
            keyfile::write(&out, &key)?;
            println!("{}", public_key_of(&key));
            Ok(ExitCode::SUCCESS)
        }
        Command::Init {
            data,
            origin,
            registrars,
            key_name,
        } => {
            let registrars = registrars
                .iter()
                .map(|r| parse_registrar(r))
                .collect::<Result<Vec<_>>>()?;
            let report = Ledger::init(
                &data,
                &origin,
                key_name.as_deref(),
                &registrars,
                &SystemClock,
            )?;
            println!("ledger created in {}", data.display());
            println!("ledger public key: {}", report.ledger_key);
            println!("verifier key (signed-note): {}", report.note_vkey);
            print!("{}", report.checkpoint);
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve {
            data,
            listen,
            base_url,
            targets,
        } => {
            let options = OpenOptions {
                targets: report::targets(&targets)?,
                ..OpenOptions::default()
            };
            runtime()?.block_on(serve(data, listen, base_url, options))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo { listen, data } => {
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
                println!(
                    "demo ledger in {} (actor keys in its keys/ folder)",
                    data.display()
                );
                let views = Arc::clone(&ledger);
                run_server(ledger, &listen, None, move |url| {
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
        Command::Audit {
            data,
            server,
            trust,
            ledger_key,
        } => {
            let trust = trust
                .map(|p| {
                    std::fs::read_to_string(&p).with_context(|| format!("reading {}", p.display()))
                })
                .transpose()?;
            let pinned = ledger_key
                .map(|k| {
                    PublicKey::parse(&k).context("--ledger-key is not a base64 Ed25519 public key")
                })
                .transpose()?;
            let bar = progress_bar();
            let report = match (data, server) {
                (Some(dir), _) => {
                    audit::audit_dir(&dir, pinned, trust.as_deref(), &mut |done, total| {
                        bar.set_length(total);
                        bar.set_position(done);
                    })?
                }
                (None, Some(url)) => runtime()?.block_on(audit::audit_server(
                    &url,
                    pinned,
                    trust.as_deref(),
                    &mut |done, total| {
                        bar.set_length(total);
                        bar.set_position(done);
                    },
                ))?,
                (None, None) => bail!("give --data DIR or --server URL"),
            };
            bar.finish_and_clear();
            Ok(print_audit(&report))
        }
        Command::Sign { key, statement } => {
            let key = keyfile::read(&key)?;
            let text = match statement.filter(|p| p.as_os_str() != "-") {
                Some(p) => std::fs::read_to_string(&p)
                    .with_context(|| format!("reading {}", p.display()))?,
                None => std::io::read_to_string(std::io::stdin()).context("reading stdin")?,
            };
            let env = client::sign(&text, &key)?;
            println!("{}", serde_json::to_string(&env)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Submit {
            server,
            key,
            ledger_key,
            lang,
            files,
        } => {
            let key = key.map(|k| keyfile::read(&k)).transpose()?;
            let pinned = ledger_key
                .map(|k| {
                    PublicKey::parse(&k).context("--ledger-key is not a base64 Ed25519 public key")
                })
                .transpose()?;
            let lang = Lang::negotiate(Some(&lang), None);
            runtime()?.block_on(submit_files(&server, key.as_ref(), pinned, lang, &files))
        }
        Command::Report {
            what: Report::Linkage(args),
        } => {
            report::run(args)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Export { what } => export::run_export(what),
        Command::Import { what } => export::run_import(what),
        Command::Reindex { data } => {
            let n = Ledger::reindex(&data, &mut |n| tracing::info!(leaves = n, "reindexing"))?;
            println!("rebuilt the views from {n} leaves");
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Submits each file in order and prints one line per file: the index and
/// proof status, or the refusal with its code. Exit 0 when every file is
/// logged, 1 when any was refused or failed to check, 2 when the server
/// cannot be reached at all.
async fn submit_files(
    server: &str,
    key: Option<&ed25519_dalek::SigningKey>,
    pinned: Option<PublicKey>,
    lang: Lang,
    files: &[PathBuf],
) -> Result<ExitCode> {
    let client = Client::connect(server, lang, pinned).await?;
    let mut failed = 0;
    for file in files {
        let name = file.display();
        let envelope = std::fs::read_to_string(file)
            .map_err(|e| client::ClientError::Input(format!("cannot read it: {e}")))
            .and_then(|text| client::classify(&text))
            .and_then(|sub| match (sub, key) {
                (Submission::Envelope(env), _) => Ok(env),
                (Submission::Statement(text), Some(key)) => client::sign(&text, key),
                (Submission::Statement(_), None) => Err(client::ClientError::Input(
                    "an unsigned statement; give --key to sign it".into(),
                )),
            });
        let outcome = match envelope {
            Ok(env) => client.submit(&env).await,
            Err(e) => Err(e),
        };
        match outcome {
            Ok(Outcome::Logged {
                index,
                entry_id,
                duplicate,
                checkpoint_size,
            }) => {
                let what = if duplicate {
                    "already logged"
                } else {
                    "logged"
                };
                println!(
                    "{name}: {what} as leaf {index} (entry {entry_id}); inclusion proof verified against the signed checkpoint of size {checkpoint_size}"
                );
            }
            Ok(Outcome::Refused {
                status,
                code,
                message,
            }) => {
                failed += 1;
                println!("{name}: REFUSED {status} {code}: {message}");
            }
            Err(client::ClientError::Input(e)) => {
                failed += 1;
                println!("{name}: NOT SENT: {e}");
            }
            Err(client::ClientError::Invalid(r)) => {
                failed += 1;
                println!("{name}: NOT SENT {}: {}", r.code.as_str(), r.message(lang));
            }
            Err(e @ client::ClientError::BadReceipt(_)) => {
                failed += 1;
                println!("{name}: RECEIPT FAILED: {e}");
            }
            Err(e @ client::ClientError::Transport(_)) => {
                println!("{name}: NOT SENT: {e}");
                return Err(anyhow::Error::from(e).context("the server cannot be reached"));
            }
        }
    }
    println!("{} of {} logged", files.len() - failed, files.len());
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn parse_registrar(s: &str) -> Result<RegistrarSpec> {
    let (id, key) = s
        .split_once('=')
        .context("--registrar takes ID=BASE64_PUBLIC_KEY")?;
    Ok(RegistrarSpec {
        id: ActorId::parse(id).with_context(|| format!("registrar id {id:?}"))?,
        key: PublicKey::parse(key).with_context(|| format!("registrar {id}'s key"))?,
        name: None,
    })
}

fn progress_bar() -> indicatif::ProgressBar {
    let bar =
        indicatif::ProgressBar::with_draw_target(Some(0), indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("auditing {wide_bar} {percent}% ({eta} left)")
    {
        bar.set_style(style);
    }
    bar
}

fn print_audit(r: &AuditReport) -> ExitCode {
    println!("leaves: {}", r.leaves);
    println!("root:   {}", r.root);
    if let Some(k) = r.ledger_key {
        println!("ledger key: {k}");
    }
    if let Some(c) = &r.checkpoint {
        println!("latest checkpoint: size {} verified", c.size);
    }
    if let Some(t) = &r.trusted {
        println!(
            "trusted checkpoint: size {} is consistent with the log",
            t.size
        );
    }
    if r.passed() {
        println!("AUDIT PASSED: every leaf, signature, rule and root holds");
        ExitCode::SUCCESS
    } else {
        for f in &r.failures {
            println!("FAIL {f}");
        }
        println!("AUDIT FAILED: {} problem(s)", r.failures.len());
        ExitCode::from(1)
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

async fn serve(
    data: PathBuf,
    listen: String,
    base_url: Option<String>,
    options: OpenOptions,
) -> Result<()> {
    let ledger = Arc::new(Ledger::open(&data, options)?);
    run_server(ledger, &listen, base_url, |_| {}).await
}

/// Binds, prints "listening on URL" last (tests read this line), serves until
/// SIGTERM or Ctrl-C, then stops the sequencer cleanly.
async fn run_server(
    ledger: Arc<Ledger>,
    listen: &str,
    base_url: Option<String>,
    announce: impl FnOnce(&str),
) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    let addr = listener.local_addr()?;
    let base_url = base_url.unwrap_or_else(|| format!("http://{addr}"));
    announce(&format!("http://{addr}"));
    // The last line on stdout: scripts and tests wait for it.
    println!("listening on http://{addr}");
    tracing::info!(%addr, size = ledger.size(), "serving the ledger");
    let state = AppState::new(Arc::clone(&ledger), base_url);
    http::serve(listener, http::router(state)?, shutdown_signal()).await?;
    ledger.shutdown().await;
    tracing::info!("stopped");
    Ok(())
}
