//! `export epcis`, `export lot-csv` and `import epcis` (issue 5). Thin:
//! parse arguments, call the service (a stopped ledger's directory) or the
//! server's API, print.

use super::shared::{self, runtime};
use crate::domain::epcis::{self, ImportOptions};
use crate::domain::ids::{ActorId, BatchId};
use crate::domain::keys::PublicKey;
use crate::domain::messages::Lang;
use crate::domain::product::Category;
use crate::service::client::Client;
use crate::service::client::submit::{Outcome, Submitter};
use crate::service::import::{self, Done, Importer};
use crate::service::{Ledger, OpenOptions, keyfile};
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

/// The imports.
#[derive(Subcommand, Debug)]
pub enum Import {
    /// Sign EPCIS 2.0 events as statements and submit them in document order.
    Epcis {
        /// The EPCIS 2.0 JSON-LD document.
        file: PathBuf,
        /// The ledger server's base URL.
        #[arg(long, required_unless_present = "dry_run")]
        server: Option<String>,
        /// A private key to sign with (repeatable: each statement is signed
        /// with its signer's current key).
        #[arg(long = "key", required_unless_present = "dry_run")]
        keys: Vec<PathBuf>,
        /// The signer of every statement (default: the event's own party).
        #[arg(long)]
        by: Option<String>,
        /// A party URI of the document and the actor id it stands for (repeatable).
        #[arg(long = "actor", value_name = "URI=ID")]
        actors: Vec<String>,
        /// The category of products the events do not categorise.
        #[arg(long)]
        category: Option<String>,
        /// Print the statements that would be signed; send nothing.
        #[arg(long)]
        dry_run: bool,
        /// The ledger public key, pinned out of band (default: what the server states).
        #[arg(long, value_parser = shared::parse_ledger_key)]
        ledger_key: Option<PublicKey>,
        /// Language of the ledger's messages: vi or en.
        #[arg(long, default_value = "vi")]
        lang: String,
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
            let answer = match what {
                What::Chain(id) => ledger
                    .epcis_chain(id, &base)
                    .map(|d| serde_json::to_vec(&d).unwrap_or_default()),
                What::Period(from, to) => ledger
                    .epcis_period(from, to, &base)
                    .map(|d| serde_json::to_vec(&d).unwrap_or_default()),
                What::Csv(id, lang) => ledger.lot_csv(id, *lang),
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
pub fn run_export(cmd: Export) -> Result<ExitCode> {
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

fn options(
    by: Option<String>,
    actors: &[String],
    category: Option<String>,
    server: Option<&str>,
) -> Result<ImportOptions> {
    let by = by
        .map(|b| ActorId::parse(&b).with_context(|| format!("--by {b:?}")))
        .transpose()?;
    let actors = actors
        .iter()
        .map(|a| {
            // Actor ids hold no '=', so the last one separates them.
            let (uri, id) = a
                .rsplit_once('=')
                .with_context(|| format!("--actor {a:?}: give URI=ID"))?;
            let id = ActorId::parse(id).with_context(|| format!("--actor {a:?}"))?;
            Ok((uri.to_owned(), id))
        })
        .collect::<Result<_>>()?;
    let category = category
        .map(|c| {
            Category::parse(&c).with_context(|| {
                format!("--category {c:?}: one of rice, fruit, vegetable, seafood, livestock, ocop, other")
            })
        })
        .transpose()?;
    Ok(ImportOptions {
        by,
        actors,
        category,
        ledger_base: server.map(str::to_owned),
    })
}

/// Runs `import epcis …`: one block per event (what was taken, what
/// happened to it, what could not be mapped). Exit 0 when every event was
/// mapped whole and (without --dry-run) every statement was logged; 1
/// otherwise; 2 when the document or the server cannot be read.
pub fn run_import(cmd: Import) -> Result<ExitCode> {
    let Import::Epcis {
        file,
        server,
        keys,
        by,
        actors,
        category,
        dry_run,
        ledger_key,
        lang,
    } = cmd;
    let doc = import::read_document(&file)?;
    let opts = options(by, &actors, category, server.as_deref())?;
    let plan = epcis::plan_import(&doc, &opts)?;
    let lang = Lang::negotiate(Some(&lang), None);
    let mut failed = !plan.complete();
    let (mut logged, mut refused, mut planned) = (0usize, 0usize, 0usize);
    for note in &plan.not_mapped {
        println!("not mapped: {note}");
    }
    if dry_run {
        for e in &plan.events {
            print_event(e);
            for p in &e.statements {
                planned += 1;
                println!("  {}", p.summary);
                println!("    {}", p.text);
            }
            print_not_mapped(e);
        }
        println!(
            "dry run: {planned} statement(s) would be signed; {} part(s) not mapped",
            not_mapped_count(&plan)
        );
        return Ok(if failed {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        });
    }
    let Some(server) = server else {
        bail!("give --server URL (or --dry-run)");
    };
    let keys = keys
        .iter()
        .map(|k| keyfile::read(k).with_context(|| format!("--key {}", k.display())))
        .collect::<Result<Vec<_>>>()?;
    if keys.is_empty() {
        bail!("give --key FILE (or --dry-run)");
    }
    runtime()?.block_on(async {
        let submitter = Submitter::connect(Client::new(&server, lang)?, ledger_key).await?;
        let mut importer = Importer::new(&submitter, keys);
        for e in &plan.events {
            print_event(e);
            for p in &e.statements {
                println!("  {}", p.summary);
                match importer.submit(p).await? {
                    Done::Sent(Outcome::Logged {
                        index,
                        duplicate,
                        checkpoint_size,
                        ..
                    }) => {
                        logged += 1;
                        let what = if duplicate { "already logged" } else { "logged" };
                        println!(
                            "    {what} as leaf {index}; inclusion proof verified against the signed checkpoint of size {checkpoint_size}"
                        );
                    }
                    Done::Sent(Outcome::Refused {
                        status,
                        code,
                        message,
                    }) => {
                        refused += 1;
                        failed = true;
                        println!("    REFUSED {status} {code}: {message}");
                    }
                    Done::NotSigned(why) => {
                        refused += 1;
                        failed = true;
                        println!("    NOT SENT: {why}");
                    }
                }
            }
            print_not_mapped(e);
        }
        anyhow::Ok(())
    })?;
    println!(
        "{logged} statement(s) logged, {refused} refused or not sent; {} part(s) not mapped",
        not_mapped_count(&plan)
    );
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_event(e: &epcis::EventPlan) {
    println!(
        "event {}: {}{}{}",
        e.position,
        if e.event_type.is_empty() {
            "(no type)"
        } else {
            &e.event_type
        },
        e.biz_step
            .as_deref()
            .map(|s| format!(", bizStep {s}"))
            .unwrap_or_default(),
        e.event_time
            .as_deref()
            .map(|t| format!(", eventTime {t}"))
            .unwrap_or_default(),
    );
}

fn print_not_mapped(e: &epcis::EventPlan) {
    for note in &e.not_mapped {
        println!("  not mapped: {note}");
    }
}

fn not_mapped_count(plan: &epcis::ImportPlan) -> usize {
    plan.not_mapped.len()
        + plan
            .events
            .iter()
            .map(|e| e.not_mapped.len())
            .sum::<usize>()
}
