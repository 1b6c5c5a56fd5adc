//! Property tests of every parser that reads hostile input (issue 16),
//! on the stable toolchain: arbitrary bytes or text never panic a parser,
//! and what parses round-trips (parse → write → parse gives the same
//! value, or the very same bytes where the spec keeps them verbatim). The
//! cargo-fuzz targets in `fuzz/` check the same invariants for longer
//! (docs/fuzzing.md); the ignored `write_fuzz_seeds` writes their seed
//! corpora from the same examples these tests use.

mod common;

use coop_ledger::domain::checkpoint::{CheckpointBody, NoteKey};
use coop_ledger::domain::cosignature::{Cosigner, WitnessKey, with_lines};
use coop_ledger::domain::envelope::Envelope;
use coop_ledger::domain::epcis::import::{ImportOptions, plan_import};
use coop_ledger::domain::epcis::uri::{parse_ident, percent_decode, percent_encode};
use coop_ledger::domain::ids::{ActorId, BatchId};
use coop_ledger::domain::keys::PublicKey;
use coop_ledger::domain::leaf::Leaf;
use coop_ledger::domain::merkle::{
    Hash, MemHashes, leaf_hash, prove_record, prove_tree, verify_consistency, verify_inclusion,
};
use coop_ledger::domain::product::{Gtin, check_digit};
use coop_ledger::domain::quantity::Amount;
use coop_ledger::domain::statement;
use coop_ledger::domain::tiles::{decode_bundle, encode_bundle, parse_path, path};
use coop_ledger::domain::time::{Day, HarvestTime, Timestamp};
use coop_ledger::domain::tlog_proof::TlogProof;
use coop_ledger::domain::witness_request::{AddCheckpoint, parse_size_body, size_body};
use coop_ledger::http::api::LinkageParams;
use ed25519_dalek::SigningKey;
use proptest::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The key that signs the seed checkpoints (the fuzz `checkpoint` target
/// verifies under it): a test key, never a ledger's.
const NOTE_SEED: [u8; 32] = [42; 32];
/// The seed checkpoints' key name and origin.
const NOTE_NAME: &str = "fuzz.example/log";

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The statement texts of spec §6's examples, as printed.
fn spec_statements() -> Vec<String> {
    let spec = std::fs::read_to_string(repo("docs/spec.md")).expect("docs/spec.md");
    common::spec_section_6_json(&spec)
        .into_iter()
        .filter(|t| t.contains("\"type\""))
        .collect()
}

/// The EPCIS documents of tests/data/epcis/examples.
fn epcis_examples() -> Vec<String> {
    let dir = repo("tests/data/epcis/examples");
    let mut out: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/data/epcis/examples")
        .map(|e| std::fs::read_to_string(e.expect("entry").path()).expect("a document"))
        .collect();
    out.sort();
    out
}

/// The spec's statements, each signed by a test key.
fn envelopes() -> Vec<Envelope> {
    spec_statements()
        .into_iter()
        .zip(1u8..)
        .map(|(text, n)| Envelope::sign(text, &SigningKey::from_bytes(&[n; 32])))
        .collect()
}

/// The leaves of the spec's statements logged in order.
fn leaves() -> Vec<Vec<u8>> {
    let at = Timestamp::parse("2026-11-21T08:00:00Z").expect("time");
    envelopes()
        .iter()
        .zip(0u64..)
        .map(|(env, i)| Leaf::new(i, at, env).to_bytes())
        .collect()
}

/// A tree of `leaves`.
fn tree_of(leaves: &[Vec<u8>]) -> MemHashes {
    let mut tree = MemHashes::new();
    for l in leaves {
        tree.push(leaf_hash(l)).expect("append");
    }
    tree
}

/// A tree of `n` leaves as the fuzz `merkle` target builds it.
fn counted_tree(n: u64) -> MemHashes {
    let mut tree = MemHashes::new();
    for i in 0..n {
        tree.push(leaf_hash(&i.to_be_bytes())).expect("append");
    }
    tree
}

fn note_signer() -> NoteKey {
    NoteKey::signer(NOTE_NAME, SigningKey::from_bytes(&NOTE_SEED))
}

/// The seed inputs of each fuzz target, by target name.
fn seeds() -> Vec<(&'static str, Vec<Vec<u8>>)> {
    let texts = spec_statements();
    let envs = envelopes();
    let leaves = leaves();
    let tree = tree_of(&leaves);
    let n = tree.size();
    let signer = note_signer();
    let body = |size: u64| CheckpointBody {
        origin: NOTE_NAME.to_owned(),
        size,
        root: tree.root_at(size).expect("root"),
    };
    let note = |size: u64| signer.sign(&body(size)).expect("sign");
    let witness =
        Cosigner::new("fuzz.example/witness", SigningKey::from_bytes(&[7; 32])).expect("cosigner");
    let cosigned = {
        let b = body(n);
        let line = witness
            .cosign(b.text().as_bytes(), 1_790_000_000)
            .expect("cosign");
        with_lines(&note(n), &[line])
    };

    let mut statement_seeds: Vec<Vec<u8>> = texts.iter().map(|t| t.clone().into_bytes()).collect();
    statement_seeds.push(br#"{"v":1,"type":"batch.ship","by":"a","at":"9999-12-31T23:59:59-00:01","batch":"b","to":"c"}"#.to_vec());
    let mut envelope_seeds: Vec<Vec<u8>> = envs
        .iter()
        .map(|e| serde_json::to_vec(e).expect("json"))
        .collect();
    envelope_seeds.push(
        br#"{"statement":"{}","key":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","sig":"AAAA"}"#
            .to_vec(),
    );

    let mut checkpoint_seeds = vec![body(n).text().into_bytes(), cosigned.into_bytes()];
    for size in [1, 2, n / 2, n] {
        checkpoint_seeds.push(note(size).into_bytes());
    }
    for index in [0, n / 3, n - 1] {
        let proof = TlogProof {
            extra: Some(leaves[index as usize].clone()),
            index,
            proof: prove_record(n, index, &tree).expect("proof"),
            checkpoint: note(n),
        };
        checkpoint_seeds.push(proof.to_text().into_bytes());
    }
    checkpoint_seeds.push(witness.witness_key().vkey().into_bytes());

    let mut merkle_seeds = Vec::new();
    for (n, index, from) in [(1u64, 0u64, 1u64), (7, 4, 3), (16, 10, 8), (37, 20, 13)] {
        let t = counted_tree(n);
        let head = |proof: Vec<Hash>| {
            let mut b = Vec::new();
            b.extend_from_slice(&((n - 1) as u16).to_le_bytes());
            b.push((index / 2) as u8);
            b.extend_from_slice(&((from - 1) as u16).to_le_bytes());
            b.extend_from_slice(&t.root_at(n).expect("root").0);
            b.extend_from_slice(&[index as u8, index as u8, (n - 1) as u8]);
            for h in proof {
                b.extend_from_slice(&h.0);
            }
            b
        };
        merkle_seeds.push(head(prove_record(n, index, &t).expect("proof")));
        merkle_seeds.push(head(prove_tree(n, from, &t).expect("proof")));
    }

    let epcis_seeds = epcis_examples()
        .into_iter()
        .map(String::into_bytes)
        .collect();

    let key = PublicKey::from(SigningKey::from_bytes(&[1; 32]).verifying_key());
    let link_seeds = [
        "/01/08935049501503/10/VAI-2026-001".to_owned(),
        "/01/08935049501503/10/L%C3%B4-1".to_owned(),
        "start=0&limit=100".to_owned(),
        "index=3&size=10".to_owned(),
        "from=3&to=10".to_owned(),
        format!("key={}", percent_encode(&key.to_string())),
        "from=2026-01-01&to=2026-12-31&province=24&category=fruit".to_owned(),
        "from=2026-01-01&to=2026-12-31".to_owned(),
        "lang=vi".to_owned(),
        "count=21&template=3x7".to_owned(),
        "after=m-001&limit=5".to_owned(),
        "2026-06-10T06:30:00+07:00".to_owned(),
        "2026-06-10".to_owned(),
        "1250.5".to_owned(),
        "9999-12-31T23:59:59-00:01".to_owned(),
    ]
    .map(String::into_bytes)
    .to_vec();

    let mut tile_seeds: Vec<Vec<u8>> = [
        "tile/0/000",
        "tile/0/x001/234",
        "tile/0/x001/234.p/5",
        "tile/1/000.p/2",
        "tile/entries/000",
        "tile/entries/000.p/3",
    ]
    .map(|s| s.as_bytes().to_vec())
    .to_vec();
    tile_seeds.push(encode_bundle(0, &leaves[..3]).expect("bundle"));

    let mut witness_seeds = vec![b"17\n".to_vec()];
    for old in [1, n / 2, n] {
        let req = AddCheckpoint {
            old_size: old,
            proof: prove_tree(n, old, &tree).expect("proof"),
            checkpoint: note(n),
        };
        witness_seeds.push(req.to_body().into_bytes());
    }

    vec![
        ("statement", statement_seeds),
        ("envelope", envelope_seeds),
        ("leaf", leaves),
        ("checkpoint", checkpoint_seeds),
        ("merkle", merkle_seeds),
        ("epcis_import", epcis_seeds),
        ("digital_link", link_seeds),
        ("tiles", tile_seeds),
        ("witness_request", witness_seeds),
    ]
}

/// Writes the fuzz targets' seed corpora to `fuzz/corpus/<target>/seed-N`
/// (run with `cargo test --test parser_props -- --ignored`).
#[test]
#[ignore = "writes the fuzz seed corpora; run by hand (docs/fuzzing.md)"]
fn write_fuzz_seeds() {
    for (target, inputs) in seeds() {
        let dir = repo("fuzz/corpus").join(target);
        std::fs::create_dir_all(&dir).expect("corpus dir");
        for (i, input) in inputs.iter().enumerate() {
            std::fs::write(dir.join(format!("seed-{i:02}")), input).expect("seed");
        }
    }
}

/// Each example statement with its members in another order, spelt
/// compactly or pretty.
fn respelt(text: &str, rotate: usize, pretty: bool) -> String {
    let Value::Object(map) = serde_json::from_str::<Value>(text).expect("json") else {
        panic!("a statement is an object");
    };
    let mut members: Vec<(String, Value)> = map.into_iter().collect();
    let len = members.len();
    members.rotate_left(rotate % len);
    let body: Vec<String> = members
        .iter()
        .map(|(k, v)| format!("{}:{}", Value::String(k.clone()), v))
        .collect();
    let sep = if pretty { ",\n  " } else { "," };
    format!("{{{}}}", body.join(sep))
}

/// A valid GTIN-14 from 13 digits: the check digit appended.
fn gtin_of(digits: &str) -> String {
    let check = check_digit(digits.as_bytes());
    format!("{digits}{check}")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// `statement::parse` never panics on any text, and gives the same
    /// answer twice.
    #[test]
    fn statement_parse_never_panics(text in "\\PC{0,200}", raw in proptest::collection::vec(any::<u8>(), 0..200)) {
        prop_assert_eq!(statement::parse(&text), statement::parse(&text));
        let lossy = String::from_utf8_lossy(&raw);
        let _ = statement::parse(&lossy);
    }

    /// A statement that parses means the same whatever the order of its
    /// members and the spelling of its JSON (only the signed text is kept,
    /// so its meaning must not hang on its spelling).
    #[test]
    fn a_statement_means_the_same_respelt(pick in any::<prop::sample::Index>(), rotate in 0usize..16, pretty in any::<bool>()) {
        let texts = spec_statements();
        let text = &texts[pick.index(texts.len())];
        if let Ok(st) = statement::parse(text) {
            prop_assert_eq!(statement::parse(&respelt(text, rotate, pretty)), Ok(st));
        }
    }

    /// Envelope JSON never panics the parser, and a signed envelope of any
    /// statement text round-trips through its JSON and verifies, and stops
    /// verifying when its statement changes.
    #[test]
    fn envelopes_round_trip(raw in proptest::collection::vec(any::<u8>(), 0..300), text in "\\PC{0,100}", seed in any::<[u8; 32]>()) {
        let _ = serde_json::from_slice::<Envelope>(&raw);
        let env = Envelope::sign(text, &SigningKey::from_bytes(&seed));
        let back: Envelope = serde_json::from_slice(&serde_json::to_vec(&env).expect("json")).expect("parse");
        prop_assert_eq!(&back, &env);
        prop_assert!(back.verify().is_ok());
        let mut changed = back;
        changed.statement.push('x');
        prop_assert!(changed.verify().is_err());
    }

    /// `Leaf::parse` never panics, and the bytes of any leaf parse back to
    /// it; written again, they are the same bytes.
    #[test]
    fn leaves_round_trip(raw in proptest::collection::vec(any::<u8>(), 0..300), index in any::<u64>(), text in "\\PC{0,100}", secs in 0i64..4_000_000_000) {
        let _ = Leaf::parse(&raw);
        let at = Timestamp::from_clock(time::OffsetDateTime::from_unix_timestamp(secs).expect("time"));
        let env = Envelope::sign(text, &SigningKey::from_bytes(&[3; 32]));
        let leaf = Leaf::new(index, at, &env);
        let bytes = leaf.to_bytes();
        let back = Leaf::parse(&bytes).expect("a written leaf parses");
        prop_assert_eq!(&back.to_bytes(), &bytes);
        prop_assert_eq!(back, leaf);
    }

    /// Checkpoint notes never panic the verifier; a checkpoint signed for
    /// any origin, size and root verifies to the same body, and for that
    /// origin only.
    #[test]
    fn checkpoints_round_trip(text in "\\PC{0,300}", origin in "[a-z0-9./-]{1,40}", size in any::<u64>(), root in any::<[u8; 32]>()) {
        let signer = note_signer();
        let _ = signer.verify(&text, None);
        let _ = WitnessKey::parse(&text);
        let body = CheckpointBody { origin: origin.clone(), size, root: Hash(root) };
        let note = signer.sign(&body).expect("sign");
        prop_assert_eq!(signer.verify(&note, Some(&origin)), Ok(body));
        let other = format!("{origin}x");
        prop_assert!(signer.verify(&note, Some(&other)).is_err());
    }

    /// A tlog-proof file never panics the parser, and any proof file is
    /// written back byte for byte.
    #[test]
    fn tlog_proofs_round_trip(text in "\\PC{0,200}", extra in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..64)), index in any::<u64>(), proof in proptest::collection::vec(any::<[u8; 32]>(), 0..8), checkpoint in "\\PC{1,80}") {
        let _ = TlogProof::parse(&text);
        let file = TlogProof { extra, index, proof: proof.into_iter().map(Hash).collect(), checkpoint };
        let text = file.to_text();
        prop_assert_eq!(TlogProof::parse(&text).map(|p| p.to_text()), Ok(text));
    }

    /// The tree's own proofs verify for its roots and for no changed root;
    /// an arbitrary proof verifies for the real root only if it is the
    /// tree's own proof.
    #[test]
    fn proofs_verify_for_their_root_only(n in 1u64..200, i in any::<prop::sample::Index>(), f in any::<prop::sample::Index>(), wild in proptest::collection::vec(any::<[u8; 32]>(), 0..10)) {
        let tree = counted_tree(n);
        let index = i.index(n as usize) as u64;
        let from = 1 + f.index(n as usize) as u64;
        let root = tree.root_at(n).expect("root");
        let old = tree.root_at(from).expect("root");
        let leaf = leaf_hash(&index.to_be_bytes());
        let mut other = root;
        other.0[5] ^= 1;
        let own = prove_record(n, index, &tree).expect("proof");
        prop_assert!(verify_inclusion(index, n, leaf, &own, root).is_ok());
        prop_assert!(verify_inclusion(index, n, leaf, &own, other).is_err());
        let own_tree = prove_tree(n, from, &tree).expect("proof");
        prop_assert!(verify_consistency(from, n, old, root, &own_tree).is_ok());
        prop_assert!(verify_consistency(from, n, old, other, &own_tree).is_err());
        let wild: Vec<Hash> = wild.into_iter().map(Hash).collect();
        if verify_inclusion(index, n, leaf, &wild, root).is_ok() {
            prop_assert_eq!(&wild, &own);
        }
        if verify_consistency(from, n, old, root, &wild).is_ok() {
            prop_assert_eq!(&wild, &own_tree);
        }
    }

    /// The EPCIS import never panics on a document with any value in place
    /// of one of an example's strings, and every statement it plans parses
    /// with the plan's type and signer.
    #[test]
    fn epcis_import_plans_parse(pick in any::<prop::sample::Index>(), nth in 0usize..400, with in "\\PC{0,40}") {
        let docs = epcis_examples();
        let mut doc: Value = serde_json::from_str(&docs[pick.index(docs.len())]).expect("json");
        let mut seen = 0;
        replace_nth_string(&mut doc, nth, &with, &mut seen);
        let opts = ImportOptions { by: ActorId::parse("signer-1").ok(), ..ImportOptions::default() };
        if let Ok(plan) = plan_import(&doc, &opts) {
            for planned in plan.events.iter().flat_map(|e| &e.statements) {
                let st = statement::parse(&planned.text).expect("a planned statement parses");
                prop_assert_eq!(st.body.kind(), planned.kind);
                prop_assert_eq!(&st.by, &planned.by);
            }
        }
        let _ = parse_ident(&with);
    }

    /// Percent-decoding never panics and undoes percent-encoding.
    #[test]
    fn percent_encoding_round_trips(s in "\\PC{0,60}", raw in "[%0-9A-Fa-z]{0,20}") {
        prop_assert_eq!(percent_decode(&percent_encode(&s)), Some(s));
        let _ = percent_decode(&raw);
    }

    /// The edge's value parsers (Digital Link GTINs and lots, dates, times,
    /// amounts, keys, the linkage query) never panic, and what parses is
    /// written back to text that parses to the same value (ids, GTINs,
    /// keys and harvest times verbatim).
    #[test]
    fn edge_values_round_trip(s in "\\PC{0,40}", digits in "[0-9]{13}", lot in "[A-Za-z0-9._-]{1,64}", milli in 1u64..=1_000_000_000_000_000, secs in -2_208_988_800i64..253_370_764_800, offset_min in -1439i32..1440, key in any::<[u8; 32]>()) {
        let g = gtin_of(&digits);
        prop_assert_eq!(Gtin::parse(&g).map(|x| x.as_str().to_owned()), Some(g));
        prop_assert_eq!(BatchId::parse(&lot).map(|b| b.as_str().to_owned()), Ok(lot));
        let a = Amount::from_milli(milli).expect("in range");
        prop_assert_eq!(Amount::parse(&a.to_string()), Ok(a));
        let offset = time::UtcOffset::from_whole_seconds(offset_min * 60).expect("offset");
        let t = time::OffsetDateTime::from_unix_timestamp(secs).expect("time").to_offset(offset);
        let text = t.format(&time::format_description::well_known::Rfc3339).expect("format");
        if let Ok(ts) = Timestamp::parse(&text) {
            prop_assert_eq!(Timestamp::parse(&ts.to_string()), Ok(ts));
            let day = Day::from(ts.date());
            prop_assert_eq!(Day::parse(&day.to_string()), Ok(day));
            prop_assert_eq!(HarvestTime::parse(&text).map(|h| h.as_str().to_owned()), Ok(text));
        }
        let k = PublicKey::from_bytes(key);
        prop_assert_eq!(PublicKey::parse(&k.to_string()), Ok(k));
        for parsed in [Day::parse(&s).map(|d| d.to_string()), Timestamp::parse(&s).map(|t| t.to_string())].into_iter().flatten() {
            prop_assert!(Day::parse(&parsed).is_ok() || Timestamp::parse(&parsed).is_ok());
        }
        let _ = (Gtin::parse(&s), Amount::parse(&s), HarvestTime::parse(&s), PublicKey::parse(&s));
        if let Ok(p) = serde_urlencoded::from_str::<LinkageParams>(&s) {
            let _ = p.parse();
        }
    }

    /// Tile paths and entry bundles: any text or bytes never panic the
    /// parsers; every tile's path parses back to the same path, and every
    /// bundle decodes to its leaves.
    #[test]
    fn tiles_round_trip(s in "[a-z0-9x./]{0,30}", level in 0u8..64, n in any::<u64>(), width in 1u32..=256, data in any::<bool>(), leaves in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..40), 0..8)) {
        if let Ok(t) = parse_path(&s) {
            prop_assert_eq!(path(&t), s);
        }
        let tile = tlog_tiles::Tile::new(8, if data { 0 } else { level }, n, width, data);
        let p = path(&tile);
        prop_assert_eq!(parse_path(&p).map(|t| path(&t)), Ok(p));
        let bytes = encode_bundle(0, &leaves).expect("short leaves");
        prop_assert_eq!(decode_bundle(&bytes).ok(), Some(leaves));
        let _ = decode_bundle(&bytes[..bytes.len() / 2]);
    }

    /// Witness requests: any body never panics the parser; any request is
    /// written and read back to itself, byte for byte.
    #[test]
    fn witness_requests_round_trip(raw in proptest::collection::vec(any::<u8>(), 0..200), old in any::<u64>(), proof in proptest::collection::vec(any::<[u8; 32]>(), 0..63), checkpoint in "\\PC{0,80}", size in any::<u64>()) {
        if let Ok(req) = AddCheckpoint::parse(&raw) {
            prop_assert_eq!(req.to_body().into_bytes(), raw.clone());
        }
        let req = AddCheckpoint { old_size: old, proof: proof.into_iter().map(Hash).collect(), checkpoint };
        let body = req.to_body();
        prop_assert_eq!(AddCheckpoint::parse(body.as_bytes()), Ok(req));
        prop_assert_eq!(parse_size_body(&size_body(size)), Some(size));
    }
}

/// Replaces the `nth` string of a JSON value (counting from 0, depth
/// first) with `with`.
fn replace_nth_string(v: &mut Value, nth: usize, with: &str, seen: &mut usize) {
    match v {
        Value::String(s) => {
            if *seen == nth {
                *s = with.to_owned();
            }
            *seen += 1;
        }
        Value::Array(a) => a
            .iter_mut()
            .for_each(|x| replace_nth_string(x, nth, with, seen)),
        Value::Object(o) => o
            .values_mut()
            .for_each(|x| replace_nth_string(x, nth, with, seen)),
        _ => {}
    }
}
