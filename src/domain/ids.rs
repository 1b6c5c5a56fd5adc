//! Validated identifiers (spec §3) and the BLAKE3 entry id (spec §4).
//!
//! Ids are parsed at the edge: a value of one of these types is always valid,
//! so a bad id becomes a 400 answer and never a panic deeper down.
//!
//! Each id type implements `FromStr` with the same check, which is how
//! `http::extract::IdPath` parses the id in a URL path. An id never holds
//! 0x00, which the store's composite keys rely on.

use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

/// Longest id accepted for actors, batches and contracts (spec §3).
pub const MAX_ID_LEN: usize = 64;

/// The ids [`ActorId::parse`] accepts, as a regular expression (whole
/// match) for clients that check before they sign: the signing app.
pub const ID_PATTERN: &str = "[A-Za-z0-9._-]{1,64}";

/// An id that is not 1–64 characters of `[A-Za-z0-9._-]`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an id must be 1–64 characters of A–Z, a–z, 0–9, '.', '_' or '-'")]
pub struct BadId;

fn check_id(s: &str) -> Result<(), BadId> {
    let ok = !s.is_empty()
        && s.len() <= MAX_ID_LEN
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok { Ok(()) } else { Err(BadId) }
}

macro_rules! id_type {
    ($name:ident, $what:literal) => {
        #[doc = concat!("The id of ", $what, ": 1–64 characters of `[A-Za-z0-9._-]`.")]
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Parses and validates an id.
            pub fn parse(s: &str) -> Result<Self, BadId> {
                check_id(s)?;
                Ok(Self(s.to_owned()))
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::str::FromStr for $name {
            type Err = BadId;
            fn from_str(s: &str) -> Result<Self, BadId> {
                Self::parse(s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::parse(&s).map_err(|e| serde::de::Error::custom(format!("{e} (got {s:?})")))
            }
        }
    };
}

id_type!(ActorId, "an actor (member, cooperative, business, …)");
id_type!(BatchId, "a batch (a lot of produce)");
id_type!(ContractId, "a linkage contract");

/// The entry id of an envelope: BLAKE3(statement bytes ‖ raw 64-byte
/// signature), shown as lowercase hex (spec §4). It finds and deduplicates
/// submissions; it is not part of the Merkle tree.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntryId(pub [u8; 32]);

impl EntryId {
    /// Computes the entry id of a statement and its signature.
    pub fn compute(statement: &[u8], sig: &[u8; 64]) -> Self {
        let mut h = blake3::Hasher::new();
        h.update(statement);
        h.update(sig);
        Self(*h.finalize().as_bytes())
    }

    /// Parses the 64-character lowercase hex form.
    pub fn parse_hex(s: &str) -> Result<Self, BadId> {
        let h = blake3::Hash::from_hex(s).map_err(|_| BadId)?;
        Ok(Self(*h.as_bytes()))
    }
}

impl fmt::Display for EntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(blake3::Hash::from_bytes(self.0).to_hex().as_str())
    }
}

impl fmt::Debug for EntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EntryId({self})")
    }
}

impl Serialize for EntryId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_accept_the_documented_alphabet_and_length() {
        assert!(ActorId::parse("htx-phominh_01.a").is_ok());
        assert!(ActorId::parse(&"a".repeat(64)).is_ok());
        assert_eq!(ActorId::parse(&"a".repeat(65)), Err(BadId));
        assert_eq!(ActorId::parse(""), Err(BadId));
        assert_eq!(BatchId::parse("lô 1"), Err(BadId));
        assert_eq!(BatchId::parse("a/b"), Err(BadId));
    }

    #[test]
    fn entry_id_is_blake3_of_statement_then_signature() {
        let sig = [7u8; 64];
        let mut joined = b"{}".to_vec();
        joined.extend_from_slice(&sig);
        let id = EntryId::compute(b"{}", &sig);
        assert_eq!(id.0, *blake3::hash(&joined).as_bytes());
        assert_eq!(EntryId::parse_hex(&id.to_string()), Ok(id));
    }
}
