//! The layers point one way (issue 12): `domain` → `store` → `service` →
//! `http` and `cli`, and no two domain modules use each other.
//!
//! The test reads the crate's source tree (`src/`), strips comments and
//! string literals, resolves every path it finds (`use` trees with their
//! braces, and `a::b::c` paths in code) against the module the file is, and
//! checks the import graph:
//!
//! - `domain` uses nothing of `store`, `service`, `http` or `cli`, nor axum,
//!   sled, tokio, tower, reqwest, `std::fs`, `std::net`,
//!   `std::time::SystemTime` or `std::time::Instant` (it is pure: no I/O, no
//!   clock);
//! - `store` uses no `service`, `http` or `cli`;
//! - `service` uses no `http` or `cli`;
//! - `http` uses no `cli`;
//! - `sled` appears only under `src/store`;
//! - the graph of the domain's top-level modules (`epcis`, `linkage`,
//!   `statement`, `rules`, `lineage`, …) has no cycle.
//!
//! The checker itself is tested on small made-up trees, so that a checker
//! that could not fail would show.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One source file: its module path (`["domain", "epcis", "export"]`) and its
/// text.
struct Source {
    file: String,
    module: Vec<String>,
    text: String,
}

/// A path a file uses, resolved: either inside the crate (`crate` first,
/// then the module path) or an outside crate's (its name first).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Used {
    Crate(Vec<String>),
    Extern(Vec<String>),
}

fn read_tree(root: &Path) -> Vec<Source> {
    let mut files = Vec::new();
    collect(root, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let rel = path.strip_prefix(root).expect("under src").to_path_buf();
            let text = std::fs::read_to_string(&path).expect("a readable source file");
            Source {
                file: format!("src/{}", rel.display()),
                module: module_of(&rel),
                text,
            }
        })
        .collect()
}

fn collect(dir: &Path, into: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a readable directory") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            collect(&path, into);
        } else if path.extension().is_some_and(|e| e == "rs") {
            into.push(path);
        }
    }
}

/// `domain/epcis/mod.rs` and `domain/epcis.rs` are both `domain::epcis`;
/// `lib.rs` and `main.rs` are the crate root.
fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap_or_default();
    let stem = last.trim_end_matches(".rs");
    if !matches!(stem, "mod" | "lib" | "main") {
        parts.push(stem.to_owned());
    }
    parts
}

/// The code of a file without its comments and with every string and
/// character literal emptied, so that neither prose nor data counts as a
/// use.
fn code_only(text: &str) -> String {
    let c: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < c.len() {
        match c[i] {
            '/' if c.get(i + 1) == Some(&'/') => {
                while i < c.len() && c[i] != '\n' {
                    i += 1;
                }
            }
            '/' if c.get(i + 1) == Some(&'*') => {
                let mut depth = 0;
                while i < c.len() {
                    if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                        depth += 1;
                        i += 2;
                    } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                out.push(' ');
            }
            'r' if raw_string_start(&c, i) => {
                let mut j = i + 1;
                let mut hashes = 0;
                while c.get(j) == Some(&'#') {
                    hashes += 1;
                    j += 1;
                }
                if c.get(j) != Some(&'"') {
                    out.push('r');
                    i += 1;
                    continue;
                }
                j += 1;
                loop {
                    if j >= c.len() {
                        break;
                    }
                    if c[j] == '"' && (0..hashes).all(|h| c.get(j + 1 + h) == Some(&'#')) {
                        j += 1 + hashes;
                        break;
                    }
                    j += 1;
                }
                out.push_str("\"\"");
                i = j;
            }
            '"' => {
                i += 1;
                while i < c.len() && c[i] != '"' {
                    i += if c[i] == '\\' { 2 } else { 1 };
                }
                i += 1;
                out.push_str("\"\"");
            }
            '\'' => {
                // A character literal ('a', '\n', '\u{1F600}'), or a lifetime.
                if c.get(i + 1) == Some(&'\\') {
                    let mut j = i + 2;
                    while j < c.len() && c[j] != '\'' {
                        j += 1;
                    }
                    i = j + 1;
                    out.push_str("' '");
                } else if c.get(i + 2) == Some(&'\'') {
                    i += 3;
                    out.push_str("' '");
                } else {
                    out.push('\'');
                    i += 1;
                }
            }
            ch => {
                out.push(ch);
                i += 1;
            }
        }
    }
    out
}

/// True when `r` at `i` opens a raw string (`r"…"`, `r#"…"#`, `br"…"`),
/// not when it ends an identifier.
fn raw_string_start(c: &[char], i: usize) -> bool {
    let before = |k: usize| i.checked_sub(k).map(|p| c[p]);
    let starts = !ident_char(before(1)) || (before(1) == Some('b') && !ident_char(before(2)));
    starts && matches!(c.get(i + 1), Some('"') | Some('#'))
}

fn ident_char(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// Every path the code names: each leaf of its `use` trees, and every
/// `a::b…` path elsewhere, as written (not resolved).
fn paths_in(code: &str) -> Vec<Vec<String>> {
    let tokens = tokenize(code);
    let mut paths = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i] == "use" {
            let mut j = i + 1;
            while j < tokens.len() && tokens[j] != ";" {
                j += 1;
            }
            use_tree(&tokens[i + 1..j], &[], &mut paths);
            i = j + 1;
            continue;
        }
        if is_ident(&tokens[i]) && tokens.get(i + 1).is_some_and(|t| t == "::") {
            let preceded = i > 0 && tokens[i - 1] == "::";
            if !preceded {
                let mut path = vec![tokens[i].clone()];
                let mut j = i + 1;
                while tokens.get(j).is_some_and(|t| t == "::")
                    && tokens.get(j + 1).is_some_and(|t| is_ident(t))
                {
                    path.push(tokens[j + 1].clone());
                    j += 2;
                }
                paths.push(path);
                i = j;
                continue;
            }
        }
        i += 1;
    }
    paths
}

/// `mod name;` and `mod name {` declarations: the file's child modules.
fn child_modules(code: &str) -> BTreeSet<String> {
    let tokens = tokenize(code);
    tokens
        .windows(2)
        .filter(|w| w[0] == "mod" && is_ident(&w[1]))
        .map(|w| w[1].clone())
        .collect()
}

fn tokenize(code: &str) -> Vec<String> {
    let c: Vec<char> = code.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch.is_alphanumeric() || ch == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            tokens.push(c[start..i].iter().collect());
        } else if ch == ':' && c.get(i + 1) == Some(&':') {
            tokens.push("::".to_owned());
            i += 2;
        } else if ch.is_whitespace() {
            i += 1;
        } else {
            tokens.push(ch.to_string());
            i += 1;
        }
    }
    tokens
}

fn is_ident(t: &str) -> bool {
    t.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
}

/// Expands a `use` tree (`a::{b, c::{d as e, self}}`) into its paths.
fn use_tree(tokens: &[String], prefix: &[String], into: &mut Vec<Vec<String>>) {
    // Split at top-level commas.
    let mut depth = 0;
    let mut start = 0;
    let mut parts = Vec::new();
    for (k, t) in tokens.iter().enumerate() {
        match t.as_str() {
            "{" => depth += 1,
            "}" => depth -= 1,
            "," if depth == 0 => {
                parts.push(&tokens[start..k]);
                start = k + 1;
            }
            _ => {}
        }
    }
    parts.push(&tokens[start..]);
    for part in parts {
        let mut path = prefix.to_vec();
        let mut k = 0;
        let mut grouped = false;
        while k < part.len() {
            let t = part[k].as_str();
            if t == "{" {
                let end = part.len() - 1;
                use_tree(&part[k + 1..end], &path, into);
                grouped = true;
                break;
            }
            if t == "as" {
                break;
            }
            if is_ident(t) && t != "pub" {
                path.push(t.to_owned());
            }
            k += 1;
        }
        if !grouped && path.len() > prefix.len() {
            into.push(path);
        }
    }
}

/// A path as written, resolved against the module `module` whose child
/// modules are `children`.
fn resolve(module: &[String], children: &BTreeSet<String>, path: &[String]) -> Option<Used> {
    let mut at: Vec<String> = module.to_vec();
    let mut rest = path;
    match rest.first().map(String::as_str) {
        Some("crate") => {
            at.clear();
            rest = &rest[1..];
        }
        Some("self") => rest = &rest[1..],
        Some("super") => {
            while rest.first().is_some_and(|s| s == "super") {
                at.pop()?;
                rest = &rest[1..];
            }
        }
        Some(first) if children.contains(first) => {}
        Some(first) if first.chars().next().is_some_and(char::is_lowercase) => {
            return Some(Used::Extern(path.to_vec()));
        }
        _ => return None,
    }
    at.extend(rest.iter().filter(|s| *s != "self").cloned());
    Some(Used::Crate(at))
}

/// What each file uses, resolved.
fn uses(sources: &[Source]) -> Vec<(&Source, BTreeSet<Used>)> {
    sources
        .iter()
        .map(|s| {
            let code = code_only(&s.text);
            let children = child_modules(&code);
            let used = paths_in(&code)
                .iter()
                .filter_map(|p| resolve(&s.module, &children, p))
                .collect();
            (s, used)
        })
        .collect()
}

fn starts_with(path: &[String], prefix: &[&str]) -> bool {
    path.len() >= prefix.len() && path.iter().zip(prefix).all(|(a, b)| a == b)
}

/// A layer, the layers it may not use, and the outside paths it may not
/// use.
type Rule = (
    &'static str,
    &'static [&'static str],
    &'static [&'static [&'static str]],
);

/// Every use that breaks the direction of the layers, one line each.
fn layer_violations(sources: &[Source]) -> Vec<String> {
    let rules: [Rule; 4] = [
        (
            "domain",
            &["store", "service", "http", "cli"],
            &[
                &["axum"],
                &["sled"],
                &["tokio"],
                &["tower"],
                &["tower_http"],
                &["reqwest"],
                &["std", "fs"],
                &["std", "net"],
                &["std", "time", "SystemTime"],
                &["std", "time", "Instant"],
            ],
        ),
        ("store", &["service", "http", "cli"], &[]),
        ("service", &["http", "cli"], &[]),
        ("http", &["cli"], &[]),
    ];
    let mut out = Vec::new();
    for (source, used) in uses(sources) {
        for (layer, no_layers, no_externs) in &rules {
            if source.module.first().map(String::as_str) != Some(*layer) {
                continue;
            }
            for u in &used {
                let bad = match u {
                    Used::Crate(p) => no_layers.iter().any(|l| starts_with(p, &[l])),
                    Used::Extern(p) => no_externs.iter().any(|e| starts_with(p, e)),
                };
                if bad {
                    out.push(format!("{}: {layer} uses {u:?}", source.file));
                }
            }
        }
        let in_store = source.module.first().is_some_and(|m| m == "store");
        for u in &used {
            if let Used::Extern(p) = u
                && p[0] == "sled"
                && !in_store
            {
                out.push(format!("{}: sled outside src/store: {u:?}", source.file));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The graph of the domain's top-level modules: `a → b` when a file of
/// `domain::a` names anything in `domain::b`.
fn domain_graph(sources: &[Source]) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (source, used) in uses(sources) {
        let [first, from, ..] = &source.module[..] else {
            continue;
        };
        if first != "domain" {
            continue;
        }
        let edges = graph.entry(from.clone()).or_default();
        for u in used {
            if let Used::Crate(p) = u
                && let [first, to, ..] = &p[..]
                && first == "domain"
                && to != from
            {
                edges.insert(to.clone());
            }
        }
    }
    graph
}

/// A cycle of the graph (`a → b → a`), if it has one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        marks: &mut BTreeMap<String, Mark>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match marks.get(node) {
            Some(Mark::Done) => return None,
            Some(Mark::Open) => {
                let from = stack.iter().position(|n| n == node).unwrap_or(0);
                let mut cycle = stack[from..].to_vec();
                cycle.push(node.to_owned());
                return Some(cycle);
            }
            None => {}
        }
        marks.insert(node.to_owned(), Mark::Open);
        stack.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, marks, stack) {
                return Some(cycle);
            }
        }
        stack.pop();
        marks.insert(node.to_owned(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut marks, &mut Vec::new()))
}

fn crate_sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let sources = read_tree(&root);
    assert!(
        sources.len() > 20 && sources.iter().any(|s| s.module == ["domain", "statement"]),
        "the source tree was not read: {} files",
        sources.len()
    );
    sources
}

#[test]
fn the_layers_point_one_way() {
    let violations = layer_violations(&crate_sources());
    assert!(
        violations.is_empty(),
        "issue 12: the layers must point one way (domain → store → service → http, cli):\n{}",
        violations.join("\n")
    );
}

#[test]
fn no_cycle_between_domain_modules() {
    let graph = domain_graph(&crate_sources());
    assert!(
        graph.contains_key("rules") && graph.contains_key("lineage"),
        "the domain graph has no rules or lineage: {graph:?}"
    );
    if let Some(cycle) = find_cycle(&graph) {
        panic!(
            "issue 12: the domain modules use each other in a cycle: {}\nthe graph: {graph:#?}",
            cycle.join(" → ")
        );
    }
}

// ------------------------------------------------- the checker on made-up trees

fn made_up(files: &[(&str, &str)]) -> Vec<Source> {
    files
        .iter()
        .map(|(file, text)| Source {
            file: format!("src/{file}"),
            module: module_of(Path::new(file)),
            text: (*text).to_owned(),
        })
        .collect()
}

#[test]
fn the_checker_finds_a_cycle_through_use_and_paths() {
    // lineage → rules by a `use super::` tree, rules → lineage by a path in
    // code two levels down (`rules/link.rs`).
    let tree = made_up(&[
        ("domain/mod.rs", "pub mod lineage;\npub mod rules;\n"),
        (
            "domain/lineage.rs",
            "use super::rules::{View, ViewError};\nuse super::model::Batch;\n",
        ),
        (
            "domain/rules/mod.rs",
            "mod link;\nuse super::model::Batch;\n",
        ),
        (
            "domain/rules/link.rs",
            "fn f() -> usize { crate::domain::lineage::MAX_TRACE_BATCHES }\n",
        ),
        ("domain/model.rs", "// use super::rules::View;\nfn f() {}\n"),
    ]);
    let graph = domain_graph(&tree);
    assert_eq!(
        find_cycle(&graph).map(|c| c.join(" → ")).as_deref(),
        Some("lineage → rules → lineage")
    );
    // A comment or a string names nothing.
    assert!(graph["model"].is_empty(), "{graph:?}");
    // Without the path back, no cycle.
    let tree = made_up(&[
        ("domain/lineage.rs", "use super::view::{View, ViewError};\n"),
        (
            "domain/rules/mod.rs",
            "use super::view::View;\nuse crate::domain::lineage::{self, MAX};\nconst S: &str = \"super::rules::x\";\n",
        ),
        ("domain/view.rs", "use super::model::Batch;\n"),
    ]);
    let graph = domain_graph(&tree);
    assert_eq!(find_cycle(&graph), None, "{graph:?}");
    assert_eq!(
        graph["rules"],
        BTreeSet::from(["view".to_owned(), "lineage".to_owned()])
    );
}

#[test]
fn the_checker_finds_each_kind_of_wrong_way_use() {
    let tree = made_up(&[
        (
            "domain/a.rs",
            "use std::{collections::HashMap, fs};\nfn f() { let _ = crate::store::Store::open(); let _ = std::time::Instant::now(); }\n",
        ),
        ("domain/b.rs", "use crate::{service::x, domain::time};\n"),
        (
            "domain/c.rs",
            "use tokio::sync::Mutex;\nuse std::time::Duration;\n",
        ),
        // Strings, raw strings, characters and comments name nothing.
        (
            "domain/d.rs",
            r####"const A: &str = r#"use crate::store::x; "sled::Db""#;
const B: &[u8] = br"axum::Router";
const C: char = '"'; // tokio::spawn
fn f<'a>(x: &'a str) -> &'a str { /* std::fs::read */ x }
const D: &str = "\"crate::cli::run\"";
"####,
        ),
        ("store/mod.rs", "use sled::Db;\nuse crate::http::y;\n"),
        (
            "service/mod.rs",
            "use crate::cli as c;\nfn f() -> sled::Db { todo!() }\n",
        ),
        (
            "http/mod.rs",
            "use crate::service::z;\nuse super::cli::run;\n",
        ),
        ("cli/mod.rs", "use crate::http::serve;\n"),
    ]);
    let found = layer_violations(&tree);
    let expected = [
        "src/domain/a.rs: domain uses Crate([\"store\", \"Store\", \"open\"])",
        "src/domain/a.rs: domain uses Extern([\"std\", \"fs\"])",
        "src/domain/a.rs: domain uses Extern([\"std\", \"time\", \"Instant\", \"now\"])",
        "src/domain/b.rs: domain uses Crate([\"service\", \"x\"])",
        "src/domain/c.rs: domain uses Extern([\"tokio\", \"sync\", \"Mutex\"])",
        "src/http/mod.rs: http uses Crate([\"cli\", \"run\"])",
        "src/service/mod.rs: service uses Crate([\"cli\"])",
        "src/service/mod.rs: sled outside src/store: Extern([\"sled\", \"Db\"])",
        "src/store/mod.rs: store uses Crate([\"http\", \"y\"])",
    ];
    assert_eq!(found, expected, "{found:#?}");
}
