//! Checkpoints (spec §5) byte for byte: the body is the three
//! tlog-checkpoint lines, the signature line is signed-note's
//! `— <name> base64(key id ‖ signature)`, the key id is SHA-256(name ‖ "\n"
//! ‖ 0x01 ‖ key)[..4]; a wrong key name, key id or signature is refused.
//! The expected text is rebuilt here from ed25519-dalek and sha2 directly,
//! not from the ledger's own note code.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use coop_ledger::domain::checkpoint::{CheckpointBody, CheckpointError, NoteKey, note_vkey};
use coop_ledger::domain::keys::PublicKey;
use coop_ledger::domain::merkle::Hash;
use ed25519_dalek::{Signer as _, SigningKey};
use sha2::{Digest as _, Sha256};

const NAME: &str = "ledger.htx-phominh.vn/2026";

fn key() -> SigningKey {
    SigningKey::from_bytes(&[0x5a; 32])
}

fn body() -> CheckpointBody {
    CheckpointBody {
        origin: NAME.into(),
        size: 1234,
        root: Hash([0xab; 32]),
    }
}

fn expected_key_id(name: &str, key: &SigningKey) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update([0x01]);
    h.update(key.verifying_key().as_bytes());
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

#[test]
fn a_checkpoint_is_exactly_the_c2sp_signed_note() {
    let note = NoteKey::signer(NAME, key()).sign(&body()).expect("signs");
    let text = format!("{NAME}\n1234\n{}\n", B64.encode([0xab; 32]));
    let sig = key().sign(text.as_bytes());
    let mut blob = expected_key_id(NAME, &key()).to_vec();
    blob.extend_from_slice(&sig.to_bytes());
    let expected = format!("{text}\n\u{2014} {NAME} {}\n", B64.encode(blob));
    assert_eq!(note, expected);
}

#[test]
fn the_verifier_key_has_the_signed_note_form() {
    let id = expected_key_id(NAME, &key());
    let mut raw = vec![0x01];
    raw.extend_from_slice(key().verifying_key().as_bytes());
    let expected = format!("{NAME}+{}+{}", hex(&id), B64.encode(raw));
    assert_eq!(
        note_vkey(NAME, &PublicKey::from(key().verifying_key())),
        expected
    );
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn verifier() -> NoteKey {
    NoteKey::verifier(NAME, &PublicKey::from(key().verifying_key()))
}

#[test]
fn a_good_checkpoint_verifies_and_gives_back_its_body() {
    let note = NoteKey::signer(NAME, key()).sign(&body()).expect("signs");
    assert_eq!(verifier().verify(&note, Some(NAME)), Ok(body()));
}

#[test]
fn a_wrong_key_name_is_refused() {
    let note = NoteKey::signer("another.name/log", key())
        .sign(&body())
        .expect("signs");
    assert_eq!(
        verifier().verify(&note, Some(NAME)),
        Err(CheckpointError::NotSignedByLedger(NAME.into()))
    );
}

/// A good note whose signature line has byte `at` of its base64 blob (key
/// id ‖ signature) XORed with `mask`.
fn signed_with_flipped_byte(at: usize, mask: u8) -> String {
    let note = NoteKey::signer(NAME, key()).sign(&body()).expect("signs");
    let (text, sigline) = note.split_once("\n\n").expect("two parts");
    let b64 = sigline.trim_end().rsplit(' ').next().expect("b64");
    let mut blob = B64.decode(b64).expect("b64");
    blob[at] ^= mask;
    format!("{text}\n\n\u{2014} {NAME} {}\n", B64.encode(blob))
}

#[test]
fn a_wrong_key_id_is_refused() {
    let tampered = signed_with_flipped_byte(0, 0xff);
    assert_eq!(
        verifier().verify(&tampered, Some(NAME)),
        Err(CheckpointError::NotSignedByLedger(NAME.into()))
    );
}

#[test]
fn a_bad_signature_is_refused() {
    let tampered = signed_with_flipped_byte(10, 0x01);
    assert_eq!(
        verifier().verify(&tampered, Some(NAME)),
        Err(CheckpointError::BadSignature)
    );
}

#[test]
fn a_changed_body_a_wrong_origin_or_an_extension_line_is_refused() {
    let note = NoteKey::signer(NAME, key()).sign(&body()).expect("signs");
    let changed = note.replacen("\n1234\n", "\n1235\n", 1);
    assert_eq!(
        verifier().verify(&changed, Some(NAME)),
        Err(CheckpointError::BadSignature)
    );
    assert!(matches!(
        verifier().verify(&note, Some("other.origin")),
        Err(CheckpointError::WrongOrigin { .. })
    ));
    // An extension line, even correctly signed, is not what this ledger writes.
    let text = format!("{NAME}\n1234\n{}\nextra line\n", B64.encode([0xab; 32]));
    let sig = key().sign(text.as_bytes());
    let mut blob = expected_key_id(NAME, &key()).to_vec();
    blob.extend_from_slice(&sig.to_bytes());
    let with_ext = format!("{text}\n\u{2014} {NAME} {}\n", B64.encode(blob));
    assert_eq!(
        verifier().verify(&with_ext, Some(NAME)),
        Err(CheckpointError::Extensions)
    );
}

#[test]
fn a_witness_cosignature_line_does_not_stop_verification() {
    let note = NoteKey::signer(NAME, key()).sign(&body()).expect("signs");
    let witness = SigningKey::from_bytes(&[0x33; 32]);
    let text = note.split("\n\n").next().expect("body").to_owned() + "\n";
    let mut blob = expected_key_id("witness.example", &witness).to_vec();
    blob.extend_from_slice(&witness.sign(text.as_bytes()).to_bytes());
    let cosigned = format!("{note}\u{2014} witness.example {}\n", B64.encode(blob));
    assert_eq!(verifier().verify(&cosigned, Some(NAME)), Ok(body()));
}
