//! `import epcis` (spec §10.12): signs the statements an EPCIS 2.0 document
//! maps to and submits them in document order, checking each receipt.
//! Thin: parse arguments, call the service, print.

use super::shared::{self, runtime};
use crate::domain::epcis::{self, ImportOptions};
use crate::domain::ids::ActorId;
use crate::domain::keys::PublicKey;
use crate::domain::messages::Lang;
use crate::domain::product::Category;
use crate::service::client::Client;
use crate::service::client::submit::{Outcome, Submitter};
use crate::service::import::{self, Done, Importer};
use crate::service::keyfile;
use anyhow::{Context as _, Result, bail};
use clap::Subcommand;
use std::path::PathBuf;
use std::process::ExitCode;

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
pub fn run(cmd: Import) -> Result<ExitCode> {
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
                    Done::Sent(o @ Outcome::Logged { .. }) => {
                        logged += 1;
                        println!("    {o}");
                    }
                    Done::Sent(o @ Outcome::Refused { .. }) => {
                        refused += 1;
                        failed = true;
                        println!("    {o}");
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
