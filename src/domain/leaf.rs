//! Leaves (spec §4): the JSON text the ledger writes once for each accepted
//! envelope and then stores and serves verbatim. Its SHA-256 leaf hash is
//! what the Merkle tree commits to.
//!
//! The members are written in a fixed order (`index, logged_at, statement,
//! key, sig`), compact, with `logged_at` in whole seconds of UTC (spec §4.2).
//! [`Leaf::parse`] reads stored bytes back; nothing ever re-serialises a leaf
//! to hash it.

use super::envelope::Envelope;
use super::keys::{PublicKey, Sig};
use super::time::Timestamp;
use serde::{Deserialize, Serialize};

/// A leaf: the envelope plus where and when the ledger logged it. Field order
/// is the order written: `index, logged_at, statement, key, sig`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Leaf {
    /// Position in the log, from 0.
    pub index: u64,
    /// The ledger's clock when it sequenced the entry (RFC 3339, UTC, seconds).
    pub logged_at: String,
    /// The statement text, exactly as signed.
    pub statement: String,
    /// The signer's public key.
    pub key: PublicKey,
    /// The signature over the statement.
    pub sig: Sig,
}

/// Leaf bytes that are not a leaf.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LeafError {
    /// Not the JSON shape of a leaf.
    #[error("not a leaf: {0}")]
    Shape(String),
    /// `logged_at` is not RFC 3339.
    #[error("logged_at is not an RFC 3339 time")]
    LoggedAt,
}

impl Leaf {
    /// Builds the leaf for an envelope accepted at `index` and time `logged_at`.
    pub fn new(index: u64, logged_at: Timestamp, env: &Envelope) -> Self {
        Self {
            index,
            logged_at: logged_at.to_string(),
            statement: env.statement.clone(),
            key: env.key,
            sig: env.sig,
        }
    }

    /// The bytes stored and hashed. Serialising a struct of strings and
    /// numbers cannot fail, so this never returns an empty leaf.
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Parses stored leaf bytes.
    pub fn parse(bytes: &[u8]) -> Result<Self, LeafError> {
        let leaf: Leaf =
            serde_json::from_slice(bytes).map_err(|e| LeafError::Shape(e.to_string()))?;
        Timestamp::parse(&leaf.logged_at).map_err(|_| LeafError::LoggedAt)?;
        Ok(leaf)
    }

    /// The ledger's logging time.
    pub fn logged_at(&self) -> Result<Timestamp, LeafError> {
        Timestamp::parse(&self.logged_at).map_err(|_| LeafError::LoggedAt)
    }

    /// The envelope this leaf holds.
    pub fn envelope(&self) -> Envelope {
        Envelope {
            statement: self.statement.clone(),
            key: self.key,
            sig: self.sig,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::SigningKey;

    #[test]
    fn leaf_bytes_have_the_documented_field_order_and_round_trip() {
        let env = Envelope::sign(r#"{"v":1}"#.into(), &SigningKey::from_bytes(&[1; 32]));
        let at = Timestamp::parse("2026-11-21T08:00:00Z").expect("time");
        let leaf = Leaf::new(17, at, &env);
        let text = String::from_utf8(leaf.to_bytes()).expect("utf-8");
        assert!(text.starts_with(
            r#"{"index":17,"logged_at":"2026-11-21T08:00:00Z","statement":"{\"v\":1}","key":""#
        ));
        assert_eq!(Leaf::parse(text.as_bytes()), Ok(leaf));
    }
}
