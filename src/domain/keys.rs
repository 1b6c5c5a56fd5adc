//! Ed25519 keys and signatures in the forms spec §2 fixes: public keys as
//! standard base64 (with padding) of the 32 raw bytes, private keys as PKCS#8
//! PEM (written in the 48-byte v1 form, read in v1 and v2).
//!
//! A [`PublicKey`] is its 32 bytes: parsing checks only the base64, so stored
//! keys load and compare without curve arithmetic. [`PublicKey::point`]
//! decompresses the curve point when it is needed: to verify a signature, or
//! for [`PublicKey::check_registrable`] (a point, not of small order:
//! [`KeyError::Weak`]), which every key being registered must pass (spec
//! §2.4). [`Sig`] is a raw 64-byte signature, base64 in JSON.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey as _, KeypairBytes};
use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;
use zeroize::Zeroizing;

/// A key or signature that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// Not standard base64 of exactly 32 bytes, or not a curve point.
    #[error("a public key must be standard base64 of 32 bytes that encode an Ed25519 point")]
    BadPublicKey,
    /// Not standard base64 of exactly 64 bytes.
    #[error("a signature must be standard base64 of 64 bytes")]
    BadSignature,
    /// A small-order key.
    #[error("the public key is weak (small order)")]
    Weak,
    /// Not a PKCS#8 PEM Ed25519 private key.
    #[error("not a PKCS#8 PEM Ed25519 private key (-----BEGIN PRIVATE KEY-----)")]
    BadPrivateKey,
}

/// A public key's spelling as [`PublicKey::parse`] accepts it, as a
/// regular expression (whole match): standard base64 of 32 bytes, with its
/// padding and no stray bits in the last character.
pub const PUBLIC_KEY_PATTERN: &str = "[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=";

/// An Ed25519 public key: its 32 bytes. Parsing checks only the encoding;
/// the curve point is decompressed when it is needed ([`PublicKey::point`]:
/// to verify a signature, or to check a key being registered), so that
/// stored keys compare and load without curve arithmetic.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PublicKey([u8; 32]);

impl PublicKey {
    /// Parses standard base64 of the 32 raw bytes.
    pub fn parse(s: &str) -> Result<Self, KeyError> {
        B64.decode(s)
            .ok()
            .and_then(|v| v.try_into().ok())
            .map(Self)
            .ok_or(KeyError::BadPublicKey)
    }

    /// A key from its 32 raw bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The 32 raw bytes.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0
    }

    /// The curve point; fails if the bytes encode none.
    pub fn point(&self) -> Result<VerifyingKey, KeyError> {
        VerifyingKey::from_bytes(&self.0).map_err(|_| KeyError::BadPublicKey)
    }

    /// Whether the key may be registered: a curve point that is not of
    /// small order (spec §2: weak keys are refused so that batch
    /// verification stays sound).
    pub fn check_registrable(&self) -> Result<(), KeyError> {
        match self.point()? {
            p if p.is_weak() => Err(KeyError::Weak),
            _ => Ok(()),
        }
    }
}

impl From<VerifyingKey> for PublicKey {
    fn from(k: VerifyingKey) -> Self {
        Self(k.to_bytes())
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&B64.encode(self.0))
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({self})")
    }
}

impl Serialize for PublicKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PublicKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A raw 64-byte Ed25519 signature, base64 in JSON.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Sig(pub [u8; 64]);

impl Sig {
    /// Parses standard base64 of the 64 raw bytes.
    pub fn parse(s: &str) -> Result<Self, KeyError> {
        B64.decode(s)
            .ok()
            .and_then(|v| v.try_into().ok())
            .map(Self)
            .ok_or(KeyError::BadSignature)
    }

    /// The signature in ed25519-dalek's type.
    pub fn to_dalek(&self) -> ed25519_dalek::Signature {
        ed25519_dalek::Signature::from_bytes(&self.0)
    }
}

impl fmt::Display for Sig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&B64.encode(self.0))
    }
}

impl fmt::Debug for Sig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sig({self})")
    }
}

impl Serialize for Sig {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Sig {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Reads a PKCS#8 PEM Ed25519 private key, v1 (`openssl genpkey -algorithm
/// ed25519`) or v2 (with the public key, which must then match).
pub fn signing_key_from_pem(pem: &str) -> Result<SigningKey, KeyError> {
    SigningKey::from_pkcs8_pem(pem.trim()).map_err(|_| KeyError::BadPrivateKey)
}

/// Writes a private key as PKCS#8 v1 PEM: the 48-byte DER form that
/// `openssl genpkey -algorithm ed25519` writes (spec §2).
pub fn signing_key_to_pem(key: &SigningKey) -> Result<Zeroizing<String>, KeyError> {
    let v1 = KeypairBytes {
        secret_key: key.to_bytes(),
        public_key: None,
    };
    let doc = v1
        .to_pkcs8_pem(Default::default())
        .map_err(|_| KeyError::BadPrivateKey)?;
    Ok(Zeroizing::new(doc.to_string()))
}

/// The public half of a private key.
pub fn public_key_of(key: &SigningKey) -> PublicKey {
    PublicKey::from(key.verifying_key())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Known answer: the private key of RFC 8032 §7.1 test 1, as
    /// `openssl genpkey -algorithm ed25519` writes it (PKCS#8 v1, 48 bytes).
    const RFC8032_TEST1_PEM: &str = "-----BEGIN PRIVATE KEY-----\n\
        MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n\
        -----END PRIVATE KEY-----\n";

    #[test]
    fn openssl_v1_pem_loads_and_gives_the_rfc8032_public_key() {
        let key = signing_key_from_pem(RFC8032_TEST1_PEM).expect("loads");
        assert_eq!(
            public_key_of(&key).to_string(),
            "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
        );
    }

    #[test]
    fn written_pem_is_the_48_byte_v1_form_and_round_trips() {
        let key = signing_key_from_pem(RFC8032_TEST1_PEM).expect("loads");
        let pem = signing_key_to_pem(&key).expect("encodes");
        assert_eq!(pem.as_str(), RFC8032_TEST1_PEM);
        let again = signing_key_from_pem(&pem).expect("reloads");
        assert_eq!(again.to_bytes(), key.to_bytes());
    }

    #[test]
    fn bad_keys_and_signatures_are_refused() {
        assert_eq!(PublicKey::parse("not base64!"), Err(KeyError::BadPublicKey));
        assert_eq!(PublicKey::parse("AAAA"), Err(KeyError::BadPublicKey));
        let mut not_a_point = [0u8; 32];
        not_a_point[0] = 2;
        assert_eq!(
            PublicKey::from_bytes(not_a_point).point(),
            Err(KeyError::BadPublicKey)
        );
        assert_eq!(Sig::parse("AAAA"), Err(KeyError::BadSignature));
        assert!(
            signing_key_from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----")
                .is_err()
        );
    }

    #[test]
    fn the_identity_point_is_a_weak_key() {
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert_eq!(
            PublicKey::from_bytes(identity).check_registrable(),
            Err(KeyError::Weak)
        );
    }
}
