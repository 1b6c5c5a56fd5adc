//! Checkpoint and note parsing (`domain::checkpoint`, spec §5), with the
//! readers of notes and proof files built on it: `domain::tlog_proof`,
//! `domain::witness::Held`, `domain::cosignature`.
//!
//! The seeds are notes signed by the key [`SEED`] under [`NAME`] (written
//! by `tests/parser_props.rs`'s ignored `write_fuzz_seeds`), so mutations
//! reach the verified paths. Invariants: no panic; a checkpoint body that
//! parses (without extension lines) is written back byte for byte, and
//! signed then verified gives the same body; a note that verifies under
//! the ledger key has that body verbatim as its text, and verifies for no
//! other origin; a tlog-proof file that parses is written back verbatim,
//! and one that verifies has an inclusion proof that verifies for the
//! checkpoint's root and for no other root.
#![no_main]

use coop_ledger::domain::checkpoint::{CheckpointBody, NoteKey, signer_name};
use coop_ledger::domain::cosignature::{WitnessKey, cosigners};
use coop_ledger::domain::keys::PublicKey;
use coop_ledger::domain::merkle::{leaf_hash, verify_inclusion};
use coop_ledger::domain::tlog_proof::{self, Policy, TlogProof};
use coop_ledger::domain::witness::Held;
use ed25519_dalek::SigningKey;
use libfuzzer_sys::fuzz_target;

/// The seed notes' signing key (a test key, never a ledger's).
const SEED: [u8; 32] = [42; 32];
/// The seed notes' key name and origin.
const NAME: &str = "fuzz.example/log";

fuzz_target!(|data: &[u8]| {
    let secret = SigningKey::from_bytes(&SEED);
    let public = PublicKey::from(secret.verifying_key());
    let signer = NoteKey::signer(NAME, secret);
    body_round_trip(data, &signer);
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let verifier = NoteKey::verifier(NAME, &public);
    if let Ok(body) = verifier.verify(text, None) {
        let note = signed_note::Note::from_bytes(data).expect("a verified note parses");
        assert_eq!(
            body.text().as_bytes(),
            note.text(),
            "the body is kept verbatim"
        );
        assert!(verifier.verify(text, Some(&body.origin)).is_ok());
        let other = format!("{}x", body.origin);
        assert!(verifier.verify(text, Some(&other)).is_err());
        assert_eq!(signer_name(text, &public).as_deref(), Some(NAME));
    }
    if let Some(held) = Held::parse(text) {
        assert_eq!(held.note, text);
    }
    if let Ok(w) = WitnessKey::new("fuzz.example/witness", public) {
        let _ = cosigners(text, &[w.clone()]);
        let _ = w.cosigned(text);
        let back = WitnessKey::parse(&w.vkey()).expect("a vkey parses back");
        assert_eq!(
            (back.name(), back.key(), back.id()),
            (w.name(), w.key(), w.id())
        );
    }
    if let Ok(w) = WitnessKey::parse(text) {
        let back = WitnessKey::parse(&w.vkey()).expect("a vkey parses back");
        assert_eq!(
            (back.name(), back.key(), back.id()),
            (w.name(), w.key(), w.id())
        );
    }
    proof_file(text, public);
});

/// The tlog-checkpoint body alone, parsed as `tlog_tiles` does for us.
fn body_round_trip(data: &[u8], signer: &NoteKey) {
    let Ok(cp) = tlog_tiles::Checkpoint::from_bytes(data) else {
        return;
    };
    if !cp.extension().is_empty() {
        return;
    }
    let body = CheckpointBody {
        origin: cp.origin().to_owned(),
        size: cp.size(),
        root: *cp.hash(),
    };
    assert_eq!(
        body.text().as_bytes(),
        data,
        "a checkpoint body is written back verbatim"
    );
    if let Ok(note) = signer.sign(&body) {
        assert_eq!(signer.verify(&note, Some(&body.origin)), Ok(body));
    }
}

/// A tlog-proof file (spec §8.16).
fn proof_file(text: &str, ledger_key: PublicKey) {
    let Ok(file) = TlogProof::parse(text) else {
        return;
    };
    assert_eq!(
        file.to_text(),
        text,
        "a tlog-proof file is written back verbatim"
    );
    let policy = Policy {
        ledger_key,
        key_name: Some(NAME.to_owned()),
        origin: None,
        witnesses: Vec::new(),
        quorum: 0,
    };
    let Ok(proven) = tlog_proof::verify(text, &policy) else {
        return;
    };
    let leaf = file
        .extra
        .as_deref()
        .expect("a verified proof carries its leaf");
    let cp = &proven.checkpoint;
    let hash = leaf_hash(leaf);
    assert!(verify_inclusion(file.index, cp.size, hash, &file.proof, cp.root).is_ok());
    let mut other = cp.root;
    other.0[31] ^= 1;
    assert!(verify_inclusion(file.index, cp.size, hash, &file.proof, other).is_err());
}
