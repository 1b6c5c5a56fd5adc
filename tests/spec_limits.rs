//! The limits table of docs/spec.md §11 says what the code applies (issue
//! 12). Every row names the constant that holds its limit; this test maps
//! each name to the constant itself and checks that the row's value cell
//! states that number, written in the spec's own style (spec §1.1: numbers
//! of five or more digits grouped by threes with a space, `65 536`; four
//! digits or fewer not grouped, `4096`).
//!
//! A row whose constant has no mapping here fails, and so does a mapping
//! (or an exclusion) that no row uses, so the table and this list can only
//! change together. The few rows the test cannot check are listed below,
//! each with its reason.
//!
//! The table of error codes (spec §13) is checked the same way: every
//! `Code` of `domain::messages` is in the row of its class, with that
//! class's status, and the table names no code the ledger does not have.

use coop_ledger::domain::messages::{Class, Code};
use std::collections::BTreeSet;

/// A limit as a plain number, for comparing with the spec's text.
fn n<T>(v: T) -> u128
where
    u128: TryFrom<T>,
    <u128 as TryFrom<T>>::Error: std::fmt::Debug,
{
    u128::try_from(v).expect("a limit is never negative")
}

/// Every constant the table may name (its path inside the crate, as the
/// table writes it), with its value.
fn constants() -> Vec<(&'static str, u128)> {
    use coop_ledger::{domain, http, service, store};
    vec![
        (
            "service::sequencer::QUEUE_BYTES",
            n(service::sequencer::QUEUE_BYTES),
        ),
        (
            "http::limits::HEADER_READ_SECS",
            n(http::limits::HEADER_READ_SECS),
        ),
        ("http::limits::IDLE_SECS", n(http::limits::IDLE_SECS)),
        ("http::limits::REQUEST_SECS", n(http::limits::REQUEST_SECS)),
        (
            "http::limits::MAX_CONNECTIONS",
            n(http::limits::MAX_CONNECTIONS),
        ),
        (
            "http::limits::WRITES_PER_SECOND",
            n(http::limits::WRITES_PER_SECOND),
        ),
        ("http::limits::WRITE_BURST", n(http::limits::WRITE_BURST)),
        (
            "http::limits::READS_PER_SECOND",
            n(http::limits::READS_PER_SECOND),
        ),
        ("http::limits::READ_BURST", n(http::limits::READ_BURST)),
        (
            "http::limits::Rate::MAX_PER_SECOND",
            n(http::limits::Rate::MAX_PER_SECOND),
        ),
        (
            "domain::envelope::MAX_ENVELOPE_BYTES",
            n(domain::envelope::MAX_ENVELOPE_BYTES),
        ),
        (
            "domain::witness_request::MAX_REQUEST_BYTES",
            n(domain::witness_request::MAX_REQUEST_BYTES),
        ),
        (
            "domain::witness_request::MAX_PROOF_LINES",
            n(domain::witness_request::MAX_PROOF_LINES),
        ),
        (
            "service::mirror::MIRROR_STEP",
            n(service::mirror::MIRROR_STEP),
        ),
        (
            "domain::tiles::MAX_BUNDLE_ENTRY_BYTES",
            n(domain::tiles::MAX_BUNDLE_ENTRY_BYTES),
        ),
        (
            "store::leaflog::MAX_LEAF_BYTES",
            n(store::leaflog::MAX_LEAF_BYTES),
        ),
        ("domain::ids::MAX_ID_LEN", n(domain::ids::MAX_ID_LEN)),
        (
            "domain::statement::MAX_TEXT_CHARS",
            n(domain::statement::MAX_TEXT_CHARS),
        ),
        (
            "domain::privacy::MAX_NAME_CHARS",
            n(domain::privacy::MAX_NAME_CHARS),
        ),
        (
            "domain::rules::format::MAX_COORDINATE_DECIMALS",
            n(domain::rules::format::MAX_COORDINATE_DECIMALS),
        ),
        (
            "domain::statement::MAX_NOTE_CHARS",
            n(domain::statement::MAX_NOTE_CHARS),
        ),
        (
            "domain::statement::MAX_REGISTRARS",
            n(domain::statement::MAX_REGISTRARS),
        ),
        (
            "domain::statement::MAX_CERTIFICATIONS",
            n(domain::statement::MAX_CERTIFICATIONS),
        ),
        (
            "domain::statement::MAX_TRANSFORM_SIDES",
            n(domain::statement::MAX_TRANSFORM_SIDES),
        ),
        (
            "domain::quantity::MAX_AMOUNT_MILLI",
            n(domain::quantity::MAX_AMOUNT_MILLI),
        ),
        (
            "domain::rules::MAX_CLOCK_SKEW_SECS",
            n(domain::rules::MAX_CLOCK_SKEW_SECS),
        ),
        (
            "domain::merkle::MAX_INCLUSION_PROOF_HASHES",
            n(domain::merkle::MAX_INCLUSION_PROOF_HASHES),
        ),
        (
            "domain::merkle::MAX_CONSISTENCY_PROOF_HASHES",
            n(domain::merkle::MAX_CONSISTENCY_PROOF_HASHES),
        ),
        ("service::MAX_PAGE", n(service::MAX_PAGE)),
        (
            "service::custody::CUSTODY_PAGE",
            n(service::custody::CUSTODY_PAGE),
        ),
        (
            "service::lists::MEMBERS_PAGE",
            n(service::lists::MEMBERS_PAGE),
        ),
        (
            "service::lists::ORGANISATIONS_PAGE",
            n(service::lists::ORGANISATIONS_PAGE),
        ),
        (
            "service::lists::ORGANISATIONS_SCAN",
            n(service::lists::ORGANISATIONS_SCAN),
        ),
        (
            "service::lists::SIGNED_PAGE",
            n(service::lists::SIGNED_PAGE),
        ),
        (
            "domain::lineage::MAX_TRACE_BATCHES",
            n(domain::lineage::MAX_TRACE_BATCHES),
        ),
        (
            "service::sequencer::QUEUE_CAPACITY",
            n(service::sequencer::QUEUE_CAPACITY),
        ),
        (
            "service::sequencer::MAX_GROUP_COMMIT_ENTRIES",
            n(service::sequencer::MAX_GROUP_COMMIT_ENTRIES),
        ),
        (
            "service::export::MAX_EXPORT_EVENTS",
            n(service::export::MAX_EXPORT_EVENTS),
        ),
        (
            "service::import::MAX_IMPORT_BYTES",
            n(service::import::MAX_IMPORT_BYTES),
        ),
        (
            "domain::epcis::MAX_IMPORT_EVENTS",
            n(domain::epcis::MAX_IMPORT_EVENTS),
        ),
        (
            "domain::linkage::MAX_PERIOD_MONTHS",
            n(domain::linkage::MAX_PERIOD_MONTHS),
        ),
        (
            "domain::linkage::MAX_PROVINCE_CHARS",
            n(domain::linkage::MAX_PROVINCE_CHARS),
        ),
        (
            "domain::linkage::MAX_TARGETS",
            n(domain::linkage::MAX_TARGETS),
        ),
        ("http::labels::MAX_LABELS", n(http::labels::MAX_LABELS)),
        (
            "http::charts::MAX_PROVINCE_BARS",
            n(http::charts::MAX_PROVINCE_BARS),
        ),
        (
            "service::client::submit::MAX_TRIES",
            n(service::client::submit::MAX_TRIES),
        ),
        (
            "service::client::submit::MAX_BACKOFF",
            n(service::client::submit::MAX_BACKOFF.as_secs()),
        ),
        ("service::audit::SIG_CHUNK", n(service::audit::SIG_CHUNK)),
        ("service::audit::PAGE", n(service::audit::PAGE)),
        (
            "service::audit::MAX_FAILURES",
            n(service::audit::MAX_FAILURES),
        ),
        ("store::DIR_LOCK_WAIT", n(store::DIR_LOCK_WAIT.as_secs())),
        ("store::SLED_LOCK_WAIT", n(store::SLED_LOCK_WAIT.as_secs())),
        ("service::REPLAY_CHUNK", n(service::REPLAY_CHUNK)),
        ("service::MAX_CACHED_POINTS", n(service::MAX_CACHED_POINTS)),
        (
            "http::cache::MAX_CACHED_PAGES",
            n(http::cache::MAX_CACHED_PAGES),
        ),
        (
            "http::cache::MAX_CACHED_IMAGES",
            n(http::cache::MAX_CACHED_IMAGES),
        ),
        (
            "service::client::TIMEOUT",
            n(service::client::TIMEOUT.as_secs()),
        ),
        (
            "service::client::CONNECT_TIMEOUT",
            n(service::client::CONNECT_TIMEOUT.as_secs()),
        ),
        (
            "service::client::MAX_ANSWER_BYTES",
            n(service::client::MAX_ANSWER_BYTES),
        ),
        (
            "service::witnessing::WITNESS_TIMEOUT",
            n(service::witnessing::WITNESS_TIMEOUT.as_secs()),
        ),
        (
            "service::witnessing::MIN_ROUND_INTERVAL",
            n(service::witnessing::MIN_ROUND_INTERVAL.as_secs()),
        ),
        (
            "service::witnessing::RETRY_AFTER_FAILURE",
            n(service::witnessing::RETRY_AFTER_FAILURE.as_secs()),
        ),
    ]
}

/// Rows with no constant (constant cell `—`), by their limit cell, and why.
const NO_CONSTANT: &[(&str, &str)] = &[
    (
        "origin",
        "a literal in domain::statement::parse, which issue 12 splits; name it there",
    ),
    (
        "signed note size, signature lines on a note",
        "the signed_note crate's own limits, which the ledger does not set",
    ),
];

/// One row of the table: its limit, value and constant cells.
struct Row {
    limit: String,
    value: String,
    constant: String,
}

/// The rows of the first table after the heading of §11.
fn limits_table(spec: &str) -> Vec<Row> {
    let lines: Vec<&str> = spec
        .lines()
        .skip_while(|l| !l.starts_with("## 11."))
        .skip(1)
        .take_while(|l| !l.starts_with("## "))
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert!(lines.len() > 2, "spec §11 has no limits table");
    assert_eq!(
        cells(lines[0]),
        ["limit", "value", "constant"],
        "the header of spec §11's table"
    );
    lines[2..]
        .iter()
        .map(|line| {
            let c = cells(line);
            assert_eq!(c.len(), 3, "a row of spec §11 has 3 cells: {line}");
            Row {
                limit: c[0].clone(),
                value: c[1].clone(),
                constant: c[2].clone(),
            }
        })
        .collect()
}

fn cells(line: &str) -> Vec<String> {
    line.trim()
        .trim_matches('|')
        .split('|')
        .map(|c| c.trim().to_owned())
        .collect()
}

/// The text of the first `code span` in a cell.
fn first_code(cell: &str) -> Option<&str> {
    let start = cell.find('`')? + 1;
    let len = cell[start..].find('`')?;
    Some(&cell[start..start + len])
}

/// A cell without its code spans (ids like `[A-Za-z0-9._-]` hold digits
/// that are no limit).
fn prose(cell: &str) -> String {
    cell.split('`').step_by(2).collect::<Vec<_>>().join(" ")
}

/// The numbers a value cell states, in the spec's style. A number of five
/// or more digits written without its spaces, or a short one written with
/// them, is an error.
fn numbers(cell: &str) -> Result<Vec<u128>, String> {
    let text = prose(cell);
    let b = text.as_bytes();
    let digits_at = |i: usize| b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let first = digits_at(i);
        let mut written = text[i..i + first].to_owned();
        i += first;
        let mut groups = 0;
        while i + 4 <= b.len() && b[i] == b' ' && digits_at(i + 1) == 3 {
            written.push_str(&text[i + 1..i + 4]);
            i += 4;
            groups += 1;
        }
        if groups == 0 && first > 4 {
            return Err(format!(
                "{written} is written without its spaces (spec §1.1: {})",
                group(&written)
            ));
        }
        if groups > 0 && (first > 3 || written.len() < 5) {
            return Err(format!(
                "{written} is not grouped as spec §1.1 says ({})",
                group(&written)
            ));
        }
        out.push(written.parse().map_err(|e| format!("{written}: {e}"))?);
    }
    Ok(out)
}

/// `digits` grouped by threes with a space, as the spec writes them.
fn group(digits: &str) -> String {
    if digits.len() < 5 {
        return digits.to_owned();
    }
    let head = digits.len() % 3;
    let mut parts = Vec::new();
    if head > 0 {
        parts.push(&digits[..head]);
    }
    parts.extend((head..digits.len()).step_by(3).map(|i| &digits[i..i + 3]));
    parts.join(" ")
}

fn spec() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/spec.md");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Checks every row; returns each problem found.
fn problems(spec: &str) -> Vec<String> {
    let known = constants();
    let mut used = BTreeSet::new();
    let mut problems = Vec::new();
    for row in limits_table(spec) {
        let Row {
            limit,
            value,
            constant,
        } = &row;
        if constant.starts_with('—') {
            match NO_CONSTANT.iter().find(|(l, _)| l == limit) {
                Some((l, _)) => {
                    used.insert(*l);
                }
                None => problems.push(format!(
                    "row {limit:?} names no constant and is not listed in NO_CONSTANT"
                )),
            }
            continue;
        }
        let Some(name) = first_code(constant) else {
            problems.push(format!("row {limit:?}: its constant cell has no `name`"));
            continue;
        };
        let Some((k, want)) = known.iter().find(|(k, _)| *k == name) else {
            problems.push(format!(
                "row {limit:?} names {name}, which this test does not map to a constant"
            ));
            continue;
        };
        used.insert(*k);
        match numbers(value) {
            Ok(stated) if stated.contains(want) => {}
            Ok(stated) => problems.push(format!(
                "row {limit:?}: {name} is {}, but the spec says {value:?} (numbers {stated:?})",
                group(&want.to_string())
            )),
            Err(e) => problems.push(format!("row {limit:?}: {e}")),
        }
    }
    for name in known
        .iter()
        .map(|(k, _)| *k)
        .chain(NO_CONSTANT.iter().map(|(l, _)| *l))
    {
        if !used.contains(name) {
            problems.push(format!(
                "{name} is listed here but no row of spec §11 uses it"
            ));
        }
    }
    problems
}

#[test]
fn every_limit_in_the_spec_is_the_constant_the_code_applies() {
    let problems = problems(&spec());
    assert!(
        problems.is_empty(),
        "docs/spec.md §11 and the code disagree (issue 12):\n{}",
        problems.join("\n")
    );
}

#[test]
fn a_changed_number_a_missing_row_or_an_unknown_constant_is_caught() {
    let spec = spec();
    let changed = spec.replacen("| 65 536 bytes (64 KiB) |", "| 65 535 bytes (64 KiB) |", 1);
    assert_ne!(
        changed, spec,
        "the envelope row is where this test expects it"
    );
    assert!(
        problems(&changed)
            .iter()
            .any(|p| p.contains("MAX_ENVELOPE_BYTES is 65 536")),
        "a wrong number must be caught"
    );
    let ungrouped = spec.replacen("| 65 536 bytes (64 KiB) |", "| 65536 bytes (64 KiB) |", 1);
    assert!(
        problems(&ungrouped)
            .iter()
            .any(|p| p.contains("without its spaces")),
        "a number out of the spec's style must be caught"
    );
    let dropped: String = spec
        .lines()
        .filter(|l| !l.contains("`service::sequencer::MAX_GROUP_COMMIT_ENTRIES`"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(
        problems(&dropped).iter().any(|p| p
            .contains("service::sequencer::MAX_GROUP_COMMIT_ENTRIES is listed here but no row")),
        "a mapped constant without its row must be caught"
    );
    let unknown = spec.replacen(
        "`service::sequencer::MAX_GROUP_COMMIT_ENTRIES`",
        "`service::sequencer::MAX_JOBS`",
        1,
    );
    assert!(
        problems(&unknown)
            .iter()
            .any(|p| p.contains("names service::sequencer::MAX_JOBS")),
        "a row naming a constant the test does not know must be caught"
    );
}

/// The status each class of error code answers with (spec §8.1, §13):
/// read from the server's one mapping, so the spec is checked against
/// what the server really answers.
fn status(class: Class) -> String {
    coop_ledger::http::error::class_status(class)
        .as_u16()
        .to_string()
}

/// Every code the rows of spec §13's table name, with the row's status.
fn code_table(spec: &str) -> Vec<(String, String)> {
    spec.lines()
        .skip_while(|l| !l.starts_with("## 13."))
        .skip(1)
        .take_while(|l| !l.starts_with("## "))
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .flat_map(|line| {
            let c = cells(line);
            assert_eq!(c.len(), 3, "a row of spec §13 has 3 cells: {line}");
            let status = c[1].clone();
            c[2].split('`')
                .skip(1)
                .step_by(2)
                .map(|code| (code.to_owned(), status.clone()))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn every_error_code_is_in_the_spec_with_its_status() {
    let table = code_table(&spec());
    let mut problems = Vec::new();
    for code in Code::ALL {
        let want = status(code.class());
        match table.iter().find(|(c, _)| c == code.as_str()) {
            Some((_, got)) if *got == want => {}
            Some((_, got)) => problems.push(format!(
                "{} is a {want}, but spec §13 lists it under {got}",
                code.as_str()
            )),
            None => problems.push(format!("{} is missing from spec §13", code.as_str())),
        }
    }
    for (c, _) in &table {
        if !Code::ALL.iter().any(|code| code.as_str() == c) {
            problems.push(format!(
                "spec §13 lists {c}, which is no code of the ledger"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "docs/spec.md §13 and domain::messages disagree (issue 12):\n{}",
        problems.join("\n")
    );
}

#[test]
fn numbers_are_read_in_the_spec_style() {
    assert_eq!(numbers("65 536 bytes (64 KiB)"), Ok(vec![65_536, 64]));
    assert_eq!(numbers("1000 (the default)"), Ok(vec![1000]));
    assert_eq!(
        numbers("at most 10^12; 1 000 000 000 000 000 thousandths"),
        Ok(vec![10, 12, 1_000_000_000_000_000])
    );
    assert_eq!(numbers("1–64 of `[A-Za-z0-9]`"), Ok(vec![1, 64]));
    assert!(numbers("16384").is_err());
    assert!(numbers("1 000").is_err());
    assert_eq!(group("33554432"), "33 554 432");
}
