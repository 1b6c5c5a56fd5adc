//! Envelopes: what a client submits (spec §3). The signature covers the
//! domain-separated bytes `"coop-ledger statement v1\n" ‖ statement`, and the
//! statement text is never re-serialised: the bytes signed are the bytes
//! stored.
//!
//! [`Envelope::verify_with`] takes a point already decompressed, so a caller
//! can cache the points of keys it sees often; it and [`Envelope::verify`]
//! both use `verify_strict` (spec §2.1). [`MAX_ENVELOPE_BYTES`] is the size
//! limit of a whole envelope (spec §11).

use super::ids::EntryId;
use super::keys::{PublicKey, Sig};
use super::privacy::Disclosure;
use ed25519_dalek::{Signer as _, SigningKey};
use serde::{Deserialize, Serialize};

/// The domain-separation prefix signed before every statement (spec §3).
pub const STATEMENT_PREFIX: &[u8] = b"coop-ledger statement v1\n";

/// The largest envelope accepted, in bytes (spec §3).
pub const MAX_ENVELOPE_BYTES: usize = 64 * 1024;

/// A signed statement as submitted: `{"statement", "key", "sig"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    /// The statement JSON text, exactly as signed.
    pub statement: String,
    /// The signer's public key.
    pub key: PublicKey,
    /// Ed25519 signature over [`signed_bytes`].
    pub sig: Sig,
}

/// What `POST /api/v1/entries` takes: an envelope's three members and,
/// beside them, a member's [`Disclosure`] (spec §6.17), which is kept off
/// the log: the leaf is built from the envelope alone.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    /// The statement JSON text, exactly as signed.
    pub statement: String,
    /// The signer's public key.
    pub key: PublicKey,
    /// Ed25519 signature over [`signed_bytes`].
    pub sig: Sig,
    /// A member's name and salt, beside a consent to be named (absent, not
    /// `null`, when there is none).
    #[serde(default, deserialize_with = "present")]
    pub disclosure: Option<Disclosure>,
}

/// A member that is there is a disclosure: `null` is refused.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Disclosure>, D::Error> {
    Disclosure::deserialize(d).map(Some)
}

impl Submission {
    /// The envelope, and the disclosure beside it.
    pub fn split(self) -> (Envelope, Option<Disclosure>) {
        let env = Envelope {
            statement: self.statement,
            key: self.key,
            sig: self.sig,
        };
        (env, self.disclosure)
    }
}

/// The signature does not verify under `verify_strict`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the signature does not verify for this statement and key")]
pub struct BadSignature;

/// The bytes an envelope's signature covers.
pub fn signed_bytes(statement: &str) -> Vec<u8> {
    let mut msg = Vec::with_capacity(STATEMENT_PREFIX.len() + statement.len());
    msg.extend_from_slice(STATEMENT_PREFIX);
    msg.extend_from_slice(statement.as_bytes());
    msg
}

impl Envelope {
    /// Signs a statement text with a private key.
    pub fn sign(statement: String, key: &SigningKey) -> Self {
        let sig = key.sign(&signed_bytes(&statement));
        Self {
            key: PublicKey::from(key.verifying_key()),
            sig: Sig(sig.to_bytes()),
            statement,
        }
    }

    /// Checks the signature with ed25519-dalek's `verify_strict` (spec §2).
    pub fn verify(&self) -> Result<(), BadSignature> {
        self.verify_with(&self.key.point().map_err(|_| BadSignature)?)
    }

    /// [`Envelope::verify`] with the key's point already decompressed (the
    /// caller may cache points of keys it sees often).
    pub fn verify_with(&self, point: &ed25519_dalek::VerifyingKey) -> Result<(), BadSignature> {
        point
            .verify_strict(&signed_bytes(&self.statement), &self.sig.to_dalek())
            .map_err(|_| BadSignature)
    }

    /// BLAKE3(statement bytes ‖ signature): the entry id (spec §4).
    pub fn entry_id(&self) -> EntryId {
        EntryId::compute(self.statement.as_bytes(), &self.sig.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_envelope_verifies_and_any_change_breaks_it() {
        let key = SigningKey::from_bytes(&[9u8; 32]);
        let env = Envelope::sign(r#"{"v":1}"#.into(), &key);
        assert_eq!(env.verify(), Ok(()));
        let mut changed = env.clone();
        changed.statement = r#"{"v":2}"#.into();
        assert_eq!(changed.verify(), Err(BadSignature));
        let mut flipped = env.clone();
        flipped.sig.0[0] ^= 1;
        assert_eq!(flipped.verify(), Err(BadSignature));
    }

    #[test]
    fn the_signature_is_domain_separated() {
        let key = SigningKey::from_bytes(&[9u8; 32]);
        let env = Envelope::sign("{}".into(), &key);
        let bare = key.sign(b"{}");
        assert_ne!(bare.to_bytes(), env.sig.0);
        assert!(
            key.verifying_key()
                .verify_strict(b"coop-ledger statement v1\n{}", &env.sig.to_dalek())
                .is_ok()
        );
    }
}
