//! `export epcis` and `export lot-csv` (issue 5). Thin: parse arguments,
//! call the service (a stopped ledger's directory) or the server's API,
//! print.

use super::shared::runtime;
use crate::domain::ids::BatchId;
use crate::domain::messages::Lang;
use crate::service::client::Client;
use crate::service::{Ledger, OpenOptions};
use anyhow::{Context as _, Result, bail};
use clap::{Args, Subcommand};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Where an export reads the ledger from.
#[derive(Args, Debug)]
pub struct Source {
    /// A stopped ledger's data directory (it is opened, and locked, while the export runs).
    #[arg(long, conflicts_with = "server", required_unless_present = "server")]
    pub data: Option<PathBuf>,
    /// A live ledger's base URL.
    #[arg(long)]
    pub server: Option<String>,
    /// With --data: the public base URL that lot and actor URIs are written
    /// under, as `serve --base-url` (default: https:// and the ledger's origin).
    #[arg(long, requires = "data")]
    pub base_url: Option<String>,
}

/// The exports.
#[derive(Subcommand, Debug)]
pub enum Export {
    /// EPCIS 2.0 JSON-LD: a batch's chain (--batch), or a period's batch steps (--from, --to).
    Epcis {
        /// Where to read the ledger.
        #[command(flatten)]
        source: Source,
        /// The batch whose chain (own steps, upstream and downstream) to export.
        #[arg(long, conflicts_with_all = ["from", "to"], required_unless_present = "from")]
        batch: Option<String>,
        /// First day of the period, YYYY-MM-DD (Vietnamese calendar date).
        #[arg(long, requires = "to")]
        from: Option<String>,
        /// Last day of the period, YYYY-MM-DD.
        #[arg(long, requires = "from")]
        to: Option<String>,
        /// The file to write (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// A lot's events as a spreadsheet (CSV, UTF-8 with a byte-order mark), one row per event.
    LotCsv {
        /// Where to read the ledger.
        #[command(flatten)]
        source: Source,
        /// The lot (batch id).
        #[arg(long)]
        batch: String,
        /// Language of the headers and event words: en or vi.
        #[arg(long, default_value = "en")]
        lang: String,
        /// The file to write (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}
fn write_out(out: Option<&Path>, bytes: &[u8]) -> Result<()> {
    match out {
        Some(p) => std::fs::write(p, bytes).with_context(|| format!("writing {}", p.display())),
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(bytes)?;
            stdout.flush().context("writing to standard output")
        }
    }
}

/// What to export, for either source.
enum What<'a> {
    Chain(&'a BatchId),
    Period(&'a str, &'a str),
    Csv(&'a BatchId, Lang),
}

impl What<'_> {
    /// The API path that answers it.
    fn path(&self) -> Result<String> {
        Ok(match self {
            What::Chain(id) => format!("/api/v1/batches/{id}/epcis"),
            What::Period(from, to) => format!(
                "/api/v1/epcis?{}",
                serde_urlencoded::to_string([("from", from), ("to", to)])?
            ),
            What::Csv(id, lang) => format!("/api/v1/batches/{id}/events.csv?lang={}", lang.tag()),
        })
    }
}

fn export(source: &Source, what: &What<'_>, out: Option<&Path>) -> Result<ExitCode> {
    let bytes = match (&source.data, &source.server) {
        (Some(dir), _) => {
            let ledger = Ledger::open(dir, OpenOptions::default())?;
            let base = source
                .base_url
                .clone()
                .unwrap_or_else(|| format!("https://{}", ledger.info().origin));
            // A document that cannot be written as JSON is an error, never
            // an empty file.
            let answer: Result<Vec<u8>> = match what {
                What::Chain(id) => ledger
                    .epcis_chain(id, &base)
                    .map_err(anyhow::Error::from)
                    .and_then(|d| Ok(serde_json::to_vec(&d)?)),
                What::Period(from, to) => ledger
                    .epcis_period(from, to, &base)
                    .map_err(anyhow::Error::from)
                    .and_then(|d| Ok(serde_json::to_vec(&d)?)),
                What::Csv(id, lang) => ledger.lot_csv(id, *lang).map_err(anyhow::Error::from),
            };
            runtime()?.block_on(ledger.shutdown());
            answer?
        }
        (None, Some(url)) => {
            let client = Client::new(url, Lang::En)?;
            runtime()?.block_on(client.get(&what.path()?))?
        }
        (None, None) => bail!("give --data DIR or --server URL"),
    };
    write_out(out, &bytes)?;
    if let Some(p) = out {
        println!("wrote {} bytes to {}", bytes.len(), p.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `export …`.
pub fn run(cmd: Export) -> Result<ExitCode> {
    match cmd {
        Export::Epcis {
            source,
            batch,
            from,
            to,
            out,
        } => match (batch, from, to) {
            (Some(b), _, _) => {
                let id = BatchId::parse(&b).with_context(|| format!("--batch {b:?}"))?;
                export(&source, &What::Chain(&id), out.as_deref())
            }
            (None, Some(from), Some(to)) => {
                export(&source, &What::Period(&from, &to), out.as_deref())
            }
            _ => bail!("give --batch ID, or --from DATE --to DATE"),
        },
        Export::LotCsv {
            source,
            batch,
            lang,
            out,
        } => {
            let id = BatchId::parse(&batch).with_context(|| format!("--batch {batch:?}"))?;
            let lang = match lang.as_str() {
                "vi" => Lang::Vi,
                "en" => Lang::En,
                other => bail!("--lang {other:?}: give en or vi"),
            };
            export(&source, &What::Csv(&id, lang), out.as_deref())
        }
    }
}
