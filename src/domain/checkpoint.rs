//! Checkpoints (spec §5): a C2SP `tlog-checkpoint` body signed as a C2SP
//! `signed-note` by the ledger key.
//!
//! ```text
//! <origin>
//! <tree size>
//! <base64 root hash>
//!
//! — <key name> <base64(4-byte key id ‖ 64-byte signature)>
//! ```
//!
//! The key id is the first 4 bytes of SHA-256(key name ‖ "\n" ‖ 0x01 ‖ public
//! key), as signed-note fixes for Ed25519, so Go's `sumdb/note` and the C2SP
//! witness tools accept the note. Note parsing and formatting come from the
//! `signed_note` and `tlog_tiles` crates; signing and verification here use
//! ed25519-dalek with `verify_strict`.
//!
//! [`NoteKey`] is our own Ed25519 note signer and verifier: the `signed_note`
//! crate's standard verifier uses ed25519-dalek's plain `verify`, ours uses
//! `verify_strict` and trusts only the ledger's key name and key id.
//! Signature lines of other keys (witness cosignatures) are allowed and
//! ignored; a line with our name and id that does not verify is an error,
//! and a verifier whose key is no curve point verifies nothing.
//! [`note_vkey`] formats the verifier key that `GET /api/v1/ledger` states.

use super::keys::PublicKey;
use super::merkle::Hash;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use signed_note::{Note, VerificationError, Verifier, Verifiers};

/// Signed-note algorithm byte for Ed25519 (C2SP signed-note).
pub const ALG_ED25519: u8 = 0x01;

/// The signed-note key id of an Ed25519 key under a key name.
pub fn key_id(name: &str, key: &PublicKey) -> u32 {
    let mut encoded = vec![ALG_ED25519];
    encoded.extend_from_slice(&key.to_bytes());
    signed_note::key_id(name, &encoded)
}

/// The verifier key string `<name>+<hex id>+<base64(0x01 ‖ key)>` that
/// signed-note tools take (`note_vkey` in `GET /api/v1/ledger`).
pub fn note_vkey(name: &str, key: &PublicKey) -> String {
    let mut encoded = vec![ALG_ED25519];
    encoded.extend_from_slice(&key.to_bytes());
    format!("{name}+{:08x}+{}", key_id(name, key), B64.encode(encoded))
}

/// The checkpoint body: exactly three lines, each ended by `\n`.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckpointBody {
    /// The log's origin line.
    pub origin: String,
    /// The tree size.
    pub size: u64,
    /// The root hash at that size.
    pub root: Hash,
}

impl CheckpointBody {
    /// The body text that is signed.
    pub fn text(&self) -> String {
        format!("{}\n{}\n{}\n", self.origin, self.size, self.root)
    }
}

/// A checkpoint that cannot be trusted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    /// Not a signed note with a tlog-checkpoint body.
    #[error("not a signed checkpoint note")]
    Malformed,
    /// The body has extension lines, which this ledger never writes.
    #[error("the checkpoint has extension lines")]
    Extensions,
    /// The origin is not the expected one.
    #[error("the checkpoint is for origin {found:?}, not {expected:?}")]
    WrongOrigin {
        /// The origin expected.
        expected: String,
        /// The origin found.
        found: String,
    },
    /// No signature by the ledger key (name and key id) is on the note.
    #[error("the checkpoint carries no signature by the ledger key {0}")]
    NotSignedByLedger(String),
    /// A signature line names the ledger key but does not verify.
    #[error("the ledger key's signature on the checkpoint does not verify")]
    BadSignature,
}

/// The key name under which `key` signed `note`: the name of the first
/// signature line whose key id is `key`'s under that name (signed-note
/// §"Signatures"), so that cosignatures and other keys' lines are passed
/// over. `None` when no line is by `key` (or the note does not parse).
pub fn signer_name(note: &str, key: &PublicKey) -> Option<String> {
    Note::from_bytes(note.as_bytes()).ok()?;
    let (_, lines) = note.split_once("\n\n")?;
    lines
        .lines()
        .filter_map(|l| signed_note::Signature::from_bytes(l.as_bytes()).ok())
        .find(|s| s.id() == key_id(s.name(), key))
        .map(|s| s.name().to_owned())
}

/// The ledger key as a signed-note signer and verifier.
pub struct NoteKey {
    name: String,
    id: u32,
    public: Option<VerifyingKey>,
    secret: Option<SigningKey>,
}

impl NoteKey {
    /// A verifier for `name` and `key`.
    pub fn verifier(name: &str, key: &PublicKey) -> Self {
        Self {
            name: name.to_owned(),
            id: key_id(name, key),
            public: key.point().ok(),
            secret: None,
        }
    }

    /// A signer (and verifier) for `name` and the private key.
    pub fn signer(name: &str, key: SigningKey) -> Self {
        let public = key.verifying_key();
        Self {
            name: name.to_owned(),
            id: key_id(name, &PublicKey::from(public)),
            public: Some(public),
            secret: Some(key),
        }
    }

    /// The public key, when it is a valid point.
    pub fn public_key(&self) -> Option<PublicKey> {
        self.public.map(PublicKey::from)
    }

    /// True when this key has its private half (it can sign).
    pub fn can_sign(&self) -> bool {
        self.secret.is_some()
    }

    /// Signs a checkpoint body, returning the full note text. Fails only if
    /// this key has no private half or an invalid name.
    pub fn sign(&self, body: &CheckpointBody) -> Result<String, CheckpointError> {
        let secret = self.secret.as_ref().ok_or(CheckpointError::Malformed)?;
        let text = body.text();
        let sig = secret.sign(text.as_bytes());
        let line = signed_note::Signature::new(self.name.clone(), self.id, sig.to_bytes().to_vec())
            .map_err(|_| CheckpointError::Malformed)?;
        let note = Note::new(text.as_bytes(), &[line]).map_err(|_| CheckpointError::Malformed)?;
        String::from_utf8(note.to_bytes()).map_err(|_| CheckpointError::Malformed)
    }

    /// Parses a checkpoint note and verifies the ledger key's signature on it
    /// (other signature lines, such as witness cosignatures, are allowed and
    /// ignored). Checks the origin when one is expected.
    pub fn verify(
        &self,
        note: &str,
        origin: Option<&str>,
    ) -> Result<CheckpointBody, CheckpointError> {
        let parsed = Note::from_bytes(note.as_bytes()).map_err(|_| CheckpointError::Malformed)?;
        match parsed.verify(self) {
            Ok(_) => {}
            Err(signed_note::NoteError::InvalidSignature { .. }) => {
                return Err(CheckpointError::BadSignature);
            }
            Err(_) => return Err(CheckpointError::NotSignedByLedger(self.name.clone())),
        }
        let cp = tlog_tiles::Checkpoint::from_bytes(parsed.text())
            .map_err(|_| CheckpointError::Malformed)?;
        if !cp.extension().is_empty() {
            return Err(CheckpointError::Extensions);
        }
        if let Some(expected) = origin
            && cp.origin() != expected
        {
            return Err(CheckpointError::WrongOrigin {
                expected: expected.to_owned(),
                found: cp.origin().to_owned(),
            });
        }
        Ok(CheckpointBody {
            origin: cp.origin().to_owned(),
            size: cp.size(),
            root: *cp.hash(),
        })
    }
}

impl Verifier for NoteKey {
    fn name(&self) -> &str {
        &self.name
    }
    fn key_id(&self) -> u32 {
        self.id
    }
    fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        let Ok(bytes) = <[u8; 64]>::try_from(sig) else {
            return false;
        };
        self.public.is_some_and(|p| {
            p.verify_strict(msg, &ed25519_dalek::Signature::from_bytes(&bytes))
                .is_ok()
        })
    }
}

impl Verifiers for NoteKey {
    fn verifier(&self, name: &str, id: u32) -> Result<&dyn Verifier, VerificationError> {
        if name == self.name && id == self.id {
            Ok(self)
        } else {
            Err(VerificationError::UnknownKey {
                name: name.to_owned(),
                id,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SigningKey {
        SigningKey::from_bytes(&[42u8; 32])
    }

    #[test]
    fn a_signed_checkpoint_verifies_and_has_the_documented_shape() {
        let signer = NoteKey::signer("example.org/log", key());
        let body = CheckpointBody {
            origin: "example.org/log".into(),
            size: 3,
            root: Hash([7; 32]),
        };
        let note = signer.sign(&body).expect("signs");
        let lines: Vec<&str> = note.split('\n').collect();
        assert_eq!(lines[0], "example.org/log");
        assert_eq!(lines[1], "3");
        assert_eq!(lines[2], "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=");
        assert_eq!(lines[3], "");
        assert!(lines[4].starts_with("— example.org/log "));
        let verifier =
            NoteKey::verifier("example.org/log", &PublicKey::from(key().verifying_key()));
        assert_eq!(verifier.verify(&note, Some("example.org/log")), Ok(body));
    }
}
