//! `coop-ledger report linkage`: the value-chain linkage figures (spec §9)
//! on the command line, from a stopped ledger (`--data`, the same index the
//! server builds) or from a live one (`--server`, its JSON API), as a table,
//! JSON or CSV.
//!
//! `--target` changes the targets of a `--data` report; a server applies
//! its own (spec §10.9).

use super::shared::runtime;
use crate::domain::linkage::{DigitalFigure, Figure, LinkageReport, Targets};
use crate::domain::messages::Lang;
use crate::domain::product::Category;
use crate::domain::time::Day;
use crate::service::client::Client;
use crate::service::{Ledger, OpenOptions, linkage};
use anyhow::{Result, bail};
use clap::{Args, ValueEnum};
use std::fmt::Write as _;
use std::path::PathBuf;

/// How to print the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table for people.
    Table,
    /// The JSON of `GET /api/v1/linkage`.
    Json,
    /// The CSV of `GET /api/v1/linkage.csv`.
    Csv,
}

/// The arguments of `report linkage`.
#[derive(Args, Debug)]
pub struct LinkageArgs {
    /// A stopped ledger's data directory (or a copy).
    #[arg(long, conflicts_with = "server", required_unless_present = "server")]
    pub data: Option<PathBuf>,
    /// A live ledger's base URL (its own targets apply).
    #[arg(long)]
    pub server: Option<String>,
    /// First day, YYYY-MM-DD (default: 1 January of this year).
    #[arg(long, value_parser = parse_day)]
    pub from: Option<Day>,
    /// Last day, YYYY-MM-DD (default: today, Vietnam time).
    #[arg(long, value_parser = parse_day)]
    pub to: Option<Day>,
    /// Only organisations in this province (a GSO code or a name).
    #[arg(long)]
    pub province: Option<String>,
    /// Only this product category.
    #[arg(long, value_parser = parse_category)]
    pub category: Option<Category>,
    /// A target, GROUP:YEAR=SHARE (cooperatives:2030=0.6, collective:2045=80%, digital:2030=100%); repeatable.
    #[arg(
        long = "target",
        value_name = "GROUP:YEAR=SHARE",
        conflicts_with = "server"
    )]
    pub targets: Vec<String>,
    /// table, json or csv.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

fn parse_day(s: &str) -> Result<Day, String> {
    Day::parse(s).map_err(|_| format!("{s:?}: write dates as YYYY-MM-DD"))
}

fn parse_category(s: &str) -> Result<Category, String> {
    Category::parse(s).ok_or_else(|| {
        let all: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
        format!("{s:?}: one of {}", all.join(", "))
    })
}

/// `GROUP:YEAR=SHARE` flags over the default targets.
pub fn targets(specs: &[String]) -> Result<Targets> {
    let mut t = Targets::default();
    for s in specs {
        t.set(s).map_err(anyhow::Error::msg)?;
    }
    Ok(t)
}

/// Runs `report linkage`.
pub fn run(args: LinkageArgs) -> Result<()> {
    let report = match (&args.data, &args.server) {
        (Some(dir), _) => {
            let options = OpenOptions {
                targets: targets(&args.targets)?,
                ..OpenOptions::default()
            };
            let ledger = Ledger::open(dir, options)?;
            let report =
                ledger.linkage(args.from, args.to, args.province.clone(), args.category)?;
            runtime()?.block_on(ledger.shutdown());
            report
        }
        (None, Some(url)) => runtime()?.block_on(fetch(url, &args))?,
        (None, None) => bail!("give --data DIR or --server URL"),
    };
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        Format::Csv => print!("{}", linkage::to_csv(&report)?),
        Format::Table => print!("{}", table(&report)),
    }
    Ok(())
}

/// Asks a live ledger for the report.
async fn fetch(url: &str, args: &LinkageArgs) -> Result<LinkageReport> {
    let mut query: Vec<(&str, String)> = Vec::new();
    query.extend(args.from.map(|d| ("from", d.to_string())));
    query.extend(args.to.map(|d| ("to", d.to_string())));
    query.extend(args.province.clone().map(|p| ("province", p)));
    query.extend(args.category.map(|c| ("category", c.as_str().to_owned())));
    query.push(("lang", "en".into()));
    let path = format!("/api/v1/linkage?{}", serde_urlencoded::to_string(&query)?);
    Ok(Client::new(url, Lang::En)?.get_json(&path).await?)
}

fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// One figure's line: counts, share and each target.
fn line(out: &mut String, name: &str, f: &Figure) {
    let _ = write!(
        out,
        "  {name:<28} {:>10} {:>8} {:>7}",
        f.registered,
        f.linked,
        percent(f.share)
    );
    for p in &f.progress {
        let _ = if p.met {
            write!(out, "   {}: {} met", p.year, percent(p.target))
        } else {
            write!(
                out,
                "   {}: {} short by {:.1} pts ({} more)",
                p.year,
                percent(p.target),
                p.gap * 100.0,
                p.needed
            )
        };
    }
    out.push('\n');
}

/// One digital transformation line: registered, signed, share and each
/// target (its year only when one is set, spec §9.7).
fn digital_line(out: &mut String, name: &str, f: &DigitalFigure) {
    let _ = write!(
        out,
        "  {name:<28} {:>10} {:>8} {:>7}",
        f.registered,
        f.signed,
        percent(f.share)
    );
    for p in &f.progress {
        let year = p.year.map_or(String::new(), |y| format!("{y}: "));
        let _ = if p.met {
            write!(out, "   {year}{} met", percent(p.target))
        } else {
            write!(
                out,
                "   {year}{} short by {:.1} pts ({} more)",
                percent(p.target),
                p.gap * 100.0,
                p.needed
            )
        };
    }
    out.push('\n');
}

fn digital(out: &mut String, r: &LinkageReport) {
    let _ = writeln!(
        out,
        "\nDigital transformation: signed at least one statement in the period\n  {:<28} {:>10} {:>8} {:>7}   targets",
        "", "registered", "signed", "share"
    );
    digital_line(out, "cooperatives", &r.digital.cooperatives);
    digital_line(out, "collective organisations", &r.digital.collective);
    for c in &r.by_category {
        digital_line(
            out,
            &format!("cooperatives, {}", c.category),
            &c.digital.cooperatives,
        );
    }
    for p in &r.by_province {
        digital_line(
            out,
            &format!("cooperatives, {}", p.province),
            &p.digital.cooperatives,
        );
    }
}

fn header(out: &mut String, title: &str) {
    let _ = writeln!(
        out,
        "\n{title}\n  {:<28} {:>10} {:>8} {:>7}   targets",
        "", "registered", "linked", "share"
    );
}

/// The report as a plain-text table.
pub fn table(r: &LinkageReport) -> String {
    let mut out = String::new();
    let _ = write!(out, "Value-chain linkage, {} to {}", r.from, r.to);
    if let Some(p) = &r.province {
        let _ = write!(out, ", province {p}");
    }
    if let Some(c) = r.category {
        let _ = write!(out, ", category {c}");
    }
    out.push('\n');
    header(&mut out, "All");
    line(&mut out, "cooperatives", &r.cooperatives);
    line(&mut out, "collective organisations", &r.collective);
    let _ = writeln!(
        out,
        "  cooperatives linked by contract: {}, by shipment: {}",
        r.cooperatives.by_contract, r.cooperatives.by_shipment
    );
    header(&mut out, "By category (cooperatives)");
    for c in &r.by_category {
        line(&mut out, c.category.as_str(), &c.cooperatives);
    }
    header(&mut out, "By province (cooperatives)");
    for p in &r.by_province {
        line(&mut out, &p.province, &p.cooperatives);
    }
    header(&mut out, "By month (cooperatives)");
    for m in &r.by_month {
        line(&mut out, &m.month, &m.cooperatives);
    }
    let m = &r.members_reaching_business;
    let _ = writeln!(
        out,
        "\nMembers whose produce reached a business: {} of {} ({})",
        m.reached,
        m.registered,
        percent(m.share)
    );
    digital(&mut out, r);
    let _ = writeln!(out, "\nVolume delivered to businesses");
    if r.volume_to_business.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for v in &r.volume_to_business {
        let _ = writeln!(
            out,
            "  {:<12} {:>20} {:<5} ({} deliveries){}",
            v.category.as_str(),
            v.amount.to_string(),
            v.unit.as_str(),
            v.deliveries,
            if v.unconverted {
                ", not converted: no net content per pack"
            } else {
                ""
            }
        );
    }
    out
}
