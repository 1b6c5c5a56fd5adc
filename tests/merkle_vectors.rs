//! The public RFC 6962 / RFC 9162 (SHA-256) Merkle proof test vectors, run
//! against `coop_ledger::domain::merkle::{verify_inclusion, verify_consistency}`.
//!
//! The vectors come from the `testdata/inclusion` and `testdata/consistency`
//! folders of the public repository transparency-dev/merkle (Apache-2.0) and
//! are kept unchanged in `tests/data/rfc6962-vectors/`; see
//! `tests/data/rfc6962-vectors/SOURCE.md` for the exact origin and `LICENSE`
//! beside it for the licence.
//!
//! Each file states whether verification must fail (`wantErr`). Hashes are
//! standard base64; a hash that does not decode to exactly 32 bytes cannot be
//! a SHA-256 hash and counts as a verification failure.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use coop_ledger::domain::merkle::{Hash, verify_consistency, verify_inclusion};
use serde::Deserialize;

/// Fewer files than this means the vector folders were not copied in full.
const MIN_VECTOR_FILES: usize = 190;

/// Vectors whose `wantErr` our verifier deliberately does not follow, each
/// with the reason. Every entry is checked: the file must exist, must still
/// say `wantErr: false`, and our verifier must refuse it.
const KNOWN_DIVERGENCES: &[(&str, &str)] = &[(
    "consistency/additional/sizes-are-equal-one-and-proof-is-empty.json",
    "both roots are the same 12-byte placeholder (\"don't care 2\"); the Go reference \
     compares raw bytes and accepts, but a root that is not 32 bytes is not a SHA-256 \
     hash, so our verifier (which only takes 32-byte hashes) must refuse",
)];

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct InclusionVector {
    leaf_idx: u64,
    tree_size: u64,
    root: String,
    leaf_hash: String,
    proof: Option<Vec<String>>,
    want_err: bool,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConsistencyVector {
    size1: u64,
    size2: u64,
    root1: String,
    root2: String,
    proof: Option<Vec<String>>,
    want_err: bool,
}

/// The root of the copied vectors.
fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/rfc6962-vectors")
}

/// Every `*.json` file under `dir`, recursively, in a stable order.
fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        let entries = std::fs::read_dir(&d)
            .unwrap_or_else(|e| panic!("cannot list vector folder {}: {e}", d.display()));
        for entry in entries {
            let path = entry
                .unwrap_or_else(|e| panic!("cannot read an entry of {}: {e}", d.display()))
                .path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "json") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The path of a vector file relative to the vectors folder, with `/`.
fn rel_name(path: &Path) -> String {
    let rel = path.strip_prefix(vectors_dir()).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn read_vector<T: for<'de> Deserialize<'de>>(path: &Path) -> T {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read vector {}: {e}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("vector {} is not the expected JSON: {e}", path.display()))
}

/// Decodes a standard-base64 hash. `None` when it is not exactly 32 bytes.
/// Text that is not base64 at all means the data file is damaged, which must
/// not pass as an expected failure, so it panics.
fn decode_hash(file: &str, b64: &str) -> Option<Hash> {
    let bytes = STANDARD
        .decode(b64)
        .unwrap_or_else(|e| panic!("{file}: {b64:?} is not standard base64: {e}"));
    <[u8; 32]>::try_from(bytes.as_slice()).ok().map(Hash)
}

/// Decodes a whole proof; `None` if any hash in it is not 32 bytes.
fn decode_proof(file: &str, proof: Option<&[String]>) -> Option<Vec<Hash>> {
    proof
        .unwrap_or_default()
        .iter()
        .map(|h| decode_hash(file, h))
        .collect()
}

/// Whether the vector at `name` must be refused, taking the known
/// divergences into account; panics if such an entry has gone stale.
fn must_fail(name: &str, want_err: bool) -> bool {
    match KNOWN_DIVERGENCES.iter().find(|(n, _)| *n == name) {
        Some((_, why)) => {
            assert!(
                !want_err,
                "{name} is listed as a known divergence ({why}) but now says wantErr: true; \
                 drop it from KNOWN_DIVERGENCES"
            );
            true
        }
        None => want_err,
    }
}

/// Checks a list of outcomes against expectations and panics naming every
/// file that disagrees.
fn report(kind: &str, mismatches: &[String]) {
    assert!(
        mismatches.is_empty(),
        "{} {kind} vector(s) gave the wrong verdict:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

/// Runs every inclusion vector; returns how many files were checked.
fn check_inclusion_vectors() -> usize {
    let files = json_files(&vectors_dir().join("inclusion"));
    let mut mismatches = Vec::new();
    for path in &files {
        let name = rel_name(path);
        let v: InclusionVector = read_vector(path);
        let outcome = match (
            decode_hash(&name, &v.leaf_hash),
            decode_hash(&name, &v.root),
            decode_proof(&name, v.proof.as_deref()),
        ) {
            (Some(leaf), Some(root), Some(proof)) => {
                verify_inclusion(v.leaf_idx, v.tree_size, leaf, &proof, root)
                    .map_err(|e| e.to_string())
            }
            _ => Err("a hash is not 32 bytes".to_owned()),
        };
        let want_fail = must_fail(&name, v.want_err);
        if outcome.is_err() != want_fail {
            mismatches.push(format!(
                "{name}: want {}, got {outcome:?}",
                if want_fail { "an error" } else { "success" }
            ));
        }
    }
    report("inclusion", &mismatches);
    files.len()
}

/// Runs every consistency vector; returns how many files were checked.
fn check_consistency_vectors() -> usize {
    let files = json_files(&vectors_dir().join("consistency"));
    let mut mismatches = Vec::new();
    for path in &files {
        let name = rel_name(path);
        let v: ConsistencyVector = read_vector(path);
        let outcome = match (
            decode_hash(&name, &v.root1),
            decode_hash(&name, &v.root2),
            decode_proof(&name, v.proof.as_deref()),
        ) {
            (Some(root1), Some(root2), Some(proof)) => {
                verify_consistency(v.size1, v.size2, root1, root2, &proof)
                    .map_err(|e| e.to_string())
            }
            _ => Err("a hash is not 32 bytes".to_owned()),
        };
        let want_fail = must_fail(&name, v.want_err);
        if outcome.is_err() != want_fail {
            mismatches.push(format!(
                "{name}: want {}, got {outcome:?}",
                if want_fail { "an error" } else { "success" }
            ));
        }
    }
    report("consistency", &mismatches);
    files.len()
}

#[test]
fn every_public_inclusion_vector_gives_the_expected_verdict() {
    let checked = check_inclusion_vectors();
    assert!(checked > 0, "no inclusion vectors found");
}

#[test]
fn every_public_consistency_vector_gives_the_expected_verdict() {
    let checked = check_consistency_vectors();
    assert!(checked > 0, "no consistency vectors found");
}

#[test]
fn at_least_190_vector_files_are_checked_so_an_empty_folder_cannot_pass() {
    let checked = check_inclusion_vectors() + check_consistency_vectors();
    assert!(
        checked >= MIN_VECTOR_FILES,
        "only {checked} vector files checked under {}; want at least {MIN_VECTOR_FILES}",
        vectors_dir().display()
    );
}

#[test]
fn every_known_divergence_names_a_vector_that_exists() {
    for (name, why) in KNOWN_DIVERGENCES {
        assert!(
            vectors_dir().join(name).is_file(),
            "{name} is listed as a known divergence ({why}) but the file is missing"
        );
    }
}
