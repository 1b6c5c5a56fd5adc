//! A member household's name kept out of the public log (spec §6.17):
//! the log holds only a commitment to it ([`NameCommit`]); the name itself
//! travels, with the household's consent, in a [`Disclosure`] beside an
//! envelope and lives in an erasable store, never in a leaf.
//!
//! `name_commit` = SHA-256([`NAME_COMMIT_PREFIX`] ‖ salt ‖ UTF-8 of the name
//! in Unicode NFC), with a 32-byte random [`Salt`]. SHA-256 because a phone's
//! WebCrypto computes it; the salt because a household's name is guessable
//! and a bare hash of it would not hide it; NFC because a Vietnamese name
//! typed on two keyboards may come as different code points for the same
//! letters.
//!
//! [`PlotCommit`] is the same kind of commitment to a field's exact plot
//! ([`PLOT_COMMIT_PREFIX`] is the recommended prefix); the ledger stores it
//! and never checks it, since the plot's record stays with the cooperative.

use super::ids::ActorId;
use super::messages::{Code, Refusal};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

/// Longest disclosed name, in characters (as long as any name a statement
/// may carry).
pub const MAX_NAME_CHARS: usize = 200;

/// The domain-separation prefix of a name commitment (20 bytes).
pub const NAME_COMMIT_PREFIX: &[u8] = b"coop-ledger name v1\n";

/// The recommended prefix of a plot commitment (20 bytes): SHA-256(prefix ‖
/// 32-byte salt ‖ the plot's record).
pub const PLOT_COMMIT_PREFIX: &[u8] = b"coop-ledger plot v1\n";

crate::hex32_type!(
    /// A commitment to a member household's name: 64 lowercase hex
    /// characters of SHA-256, see [`name_commit`].
    NameCommit
);

crate::hex32_type!(
    /// A commitment to a field's exact plot (`origin.plot_commit`).
    PlotCommit
);

crate::hex32_type!(
    /// The 32 random bytes a name commitment is salted with, written as 64
    /// lowercase hex characters in a disclosure.
    Salt
);

/// The commitment to `name` under `salt`: SHA-256 of
/// [`NAME_COMMIT_PREFIX`] ‖ salt ‖ the UTF-8 of `name` in NFC.
pub fn name_commit(salt: &Salt, name: &str) -> NameCommit {
    let mut h = Sha256::new();
    h.update(NAME_COMMIT_PREFIX);
    h.update(salt.as_bytes());
    h.update(nfc(name).as_bytes());
    NameCommit(h.finalize().into())
}

/// `text` in Unicode Normalization Form C.
pub fn nfc(text: &str) -> String {
    text.nfc().collect()
}

/// A member's name and salt, sent beside an envelope with the household's
/// consent (`{"member", "name", "salt"}`, spec §6.17).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disclosure {
    /// The member it names.
    pub member: ActorId,
    /// The household's name.
    pub name: String,
    /// The salt of its commitment.
    pub salt: Salt,
}

/// A disclosure's `Debug` shows whom it names, never the name or salt, so
/// that no log line can carry them.
impl std::fmt::Debug for Disclosure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Disclosure")
            .field("member", &self.member)
            .finish_non_exhaustive()
    }
}

impl Disclosure {
    /// The disclosure with its name in NFC, once its name is within
    /// [`MAX_NAME_CHARS`], not blank, and opens `commit`; otherwise
    /// `malformed_statement`, `too_long` or `disclosure_mismatch`.
    pub fn opening(self, commit: &NameCommit) -> Result<Self, Refusal> {
        let name = nfc(&self.name);
        if name.trim().is_empty() {
            return Err(Refusal::with(
                Code::MalformedStatement,
                "disclosure.name is empty",
            ));
        }
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(Refusal::with(
                Code::TooLong,
                format!("disclosure.name: at most {MAX_NAME_CHARS} characters"),
            ));
        }
        if name_commit(&self.salt, &name) != *commit {
            return Err(Refusal::with(
                Code::DisclosureMismatch,
                format!("member {}", self.member),
            ));
        }
        Ok(Self { name, ..self })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A known answer computed outside this code base: Python's hashlib,
    /// `hashlib.sha256(b"coop-ledger name v1\n" + bytes(range(32)) +
    /// unicodedata.normalize("NFC", "Nguyễn Văn An").encode()).hexdigest()`.
    #[test]
    fn the_commitment_is_sha256_of_prefix_salt_and_nfc_name() {
        let salt = Salt(std::array::from_fn(|i| i as u8));
        let expected = "5bd7d11d8dd80d5fadc7232e9f427bced6414c24162abbb0c0fa8950d52e9418";
        assert_eq!(name_commit(&salt, "Nguyễn Văn An").to_string(), expected);
        // The same letters in NFD commit to the same value.
        let nfd: String = "Nguyễn Văn An".nfd().collect();
        assert_ne!(nfd, "Nguyễn Văn An");
        assert_eq!(name_commit(&salt, &nfd).to_string(), expected);
        // Another salt, another commitment.
        assert_ne!(
            name_commit(&Salt([7; 32]), "Nguyễn Văn An").to_string(),
            expected
        );
    }

    #[test]
    fn a_disclosure_opens_only_its_own_commitment() {
        let salt = Salt([9; 32]);
        let commit = name_commit(&salt, "Trần Thị Bình");
        let d = |name: &str| Disclosure {
            member: ActorId::parse("tv-1").expect("id"),
            name: name.into(),
            salt,
        };
        assert!(d("Trần Thị Bình").opening(&commit).is_ok());
        let code = |r: Result<Disclosure, Refusal>| r.expect_err("refused").code;
        assert_eq!(
            code(d("Trần Thị Bính").opening(&commit)),
            Code::DisclosureMismatch
        );
        assert_eq!(code(d(" ").opening(&commit)), Code::MalformedStatement);
        assert_eq!(code(d(&"x".repeat(201)).opening(&commit)), Code::TooLong);
        assert!(!format!("{:?}", d("Trần Thị Bình")).contains("Bình"));
    }
}
