//! C2SP `tlog-proof` files (spec §8.17): an offline-verifiable proof that
//! one leaf is in the ledger, under a checkpoint that witnesses may have
//! cosigned.
//!
//! ```text
//! c2sp.org/tlog-proof@v1
//! extra <base64 of the exact leaf bytes>
//! index <leaf index>
//! <base64 inclusion proof hash, leaf's sibling first, one per line>
//!
//! <the checkpoint note, verbatim, with its signature lines>
//! ```
//!
//! The `extra` line carries the leaf itself, so a proof is self-contained:
//! the leaf hash is computed from it (tlog-proof "Verifying", step 1). It
//! is not trusted for anything else: [`verify`] hashes it, checks it is
//! the leaf at `index`, and checks the statement's own signature.
//!
//! [`TlogProof::parse`] refuses anything not in the exact form;
//! [`TlogProof::to_text`] writes it. [`verify`] runs the four steps of
//! tlog-proof with the policy "k valid cosignatures out of n known
//! witnesses" ([`Policy`]). Pure: no I/O, no clock.

use super::checkpoint::{CheckpointBody, CheckpointError, NoteKey};
use super::cosignature::{CosignatureError, Cosigned, WitnessKey};
use super::keys::PublicKey;
use super::leaf::{Leaf, LeafError};
use super::merkle::{Hash, MAX_INCLUSION_PROOF_HASHES, ProofError, leaf_hash, verify_inclusion};
use super::witness_request::{LinesError, canonical_decimal, hash_lines};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;

/// The first line of every proof.
pub const HEADER: &str = "c2sp.org/tlog-proof@v1";

/// The file extension tlog-proof recommends.
pub const EXTENSION: &str = "tlog-proof";

/// A parsed tlog proof.
#[derive(Debug, Clone, PartialEq)]
pub struct TlogProof {
    /// The opaque extra data (for this ledger: the leaf bytes).
    pub extra: Option<Vec<u8>>,
    /// The zero-based leaf index.
    pub index: u64,
    /// The RFC 6962 inclusion proof, the leaf's sibling first.
    pub proof: Vec<Hash>,
    /// The checkpoint note, verbatim.
    pub checkpoint: String,
}

/// Why a text is not a tlog proof.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// The first line is not [`HEADER`].
    #[error("the first line must be {HEADER}")]
    Header,
    /// The `extra` line is not base64.
    #[error("the extra line is not \"extra <base64>\"")]
    Extra,
    /// No `index <decimal>` line where it belongs.
    #[error("no \"index <decimal>\" line (no leading zeroes)")]
    Index,
    /// A proof line is not one base64 SHA-256 hash.
    #[error("inclusion proof line {0} is not a base64 SHA-256 hash")]
    ProofLine(usize),
    /// More proof lines than any tree is deep.
    #[error("more than {MAX_INCLUSION_PROOF_HASHES} inclusion proof lines")]
    TooManyProofLines,
    /// No empty line, then a checkpoint.
    #[error("no empty line between the inclusion proof and the checkpoint")]
    NoCheckpoint,
}

impl TlogProof {
    /// Parses a proof file's text.
    pub fn parse(text: &str) -> Result<Self, FormatError> {
        let rest = text
            .strip_prefix(HEADER)
            .and_then(|r| r.strip_prefix('\n'))
            .ok_or(FormatError::Header)?;
        let (mut line, mut rest) = rest.split_once('\n').ok_or(FormatError::Index)?;
        let mut extra = None;
        if let Some(b64) = line.strip_prefix("extra ") {
            extra = Some(B64.decode(b64).map_err(|_| FormatError::Extra)?);
            (line, rest) = rest.split_once('\n').ok_or(FormatError::Index)?;
        }
        let index = line
            .strip_prefix("index ")
            .and_then(canonical_decimal)
            .ok_or(FormatError::Index)?;
        let (proof, rest) = hash_lines(rest, MAX_INCLUSION_PROOF_HASHES).map_err(|e| match e {
            LinesError::Bad(n) => FormatError::ProofLine(n),
            LinesError::TooMany => FormatError::TooManyProofLines,
            LinesError::NoBlank => FormatError::NoCheckpoint,
        })?;
        if rest.is_empty() {
            return Err(FormatError::NoCheckpoint);
        }
        Ok(Self {
            extra,
            index,
            proof,
            checkpoint: rest.to_owned(),
        })
    }

    /// The proof file's text.
    pub fn to_text(&self) -> String {
        let mut out = format!("{HEADER}\n");
        if let Some(extra) = &self.extra {
            out.push_str(&format!("extra {}\n", B64.encode(extra)));
        }
        out.push_str(&format!("index {}\n", self.index));
        for h in &self.proof {
            out.push_str(&B64.encode(h.0));
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&self.checkpoint);
        out
    }
}

/// The download name of a proof: `coop-ledger-<origin>-<index>.tlog-proof`,
/// the origin with every character but ASCII letters, digits, `.` and `-`
/// written as `-`.
pub fn file_name(origin: &str, index: u64) -> String {
    let safe: String = origin
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("coop-ledger-{safe}-{index}.{EXTENSION}")
}

/// What a verifier trusts: the ledger's key and the witnesses it knows.
#[derive(Debug, Clone)]
pub struct Policy {
    /// The ledger public key, pinned out of band.
    pub ledger_key: PublicKey,
    /// The checkpoints' signed-note key name (default: the checkpoint's
    /// origin, as `init` makes it).
    pub key_name: Option<String>,
    /// The origin the checkpoint must have (tlog-proof step 2), when the
    /// verifier names one.
    pub origin: Option<String>,
    /// The witnesses known to the verifier.
    pub witnesses: Vec<WitnessKey>,
    /// How many of them must have cosigned (0 when none are known).
    pub quorum: usize,
}

/// What a proof proved.
#[derive(Debug, Clone)]
pub struct Proven {
    /// The checkpoint the leaf is in, signed by the ledger key.
    pub checkpoint: CheckpointBody,
    /// The leaf, whose statement's signature verifies.
    pub leaf: Leaf,
    /// The known witnesses whose cosignatures verify, in policy order.
    pub cosigned: Vec<Cosigned>,
    /// The quorum asked for.
    pub quorum: usize,
}

impl Proven {
    /// Whether enough known witnesses cosigned.
    pub fn quorum_met(&self) -> bool {
        self.cosigned.len() >= self.quorum
    }
}

/// Why a proof does not prove what it says.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// Not a tlog proof.
    #[error("not a tlog proof: {0}")]
    Format(#[from] FormatError),
    /// No `extra` line, so no leaf to hash.
    #[error("the proof carries no leaf (no extra line)")]
    NoLeaf,
    /// The extra data is not one of this ledger's leaves.
    #[error("the extra data is not a leaf of this ledger: {0}")]
    Leaf(#[from] LeafError),
    /// The leaf says another index.
    #[error("the leaf says it is entry {found}, the proof says {expected}")]
    LeafIndex {
        /// The index in the leaf.
        found: u64,
        /// The proof's index.
        expected: u64,
    },
    /// The statement's own signature does not verify.
    #[error("the signature on the entry's statement does not verify")]
    StatementSignature,
    /// The checkpoint is not signed by the ledger key.
    #[error("the checkpoint: {0}")]
    Checkpoint(#[from] CheckpointError),
    /// A known witness's line is there but does not verify.
    #[error("{0}")]
    Cosignature(#[from] CosignatureError),
    /// The inclusion proof does not lead to the checkpoint's root.
    #[error("the inclusion proof: {0}")]
    Inclusion(#[from] ProofError),
}

/// Verifies a proof's text under `policy` (tlog-proof, "Verifying a tlog
/// proof"): (1) the leaf hash of the leaf in `extra`, which must say it is
/// entry `index` and carry a statement whose signature verifies; (2) the
/// ledger key's signature on the checkpoint; (3) every known witness's
/// cosignature (one that is there and fails is an error); (4) the
/// inclusion proof to the checkpoint's root. Whether the quorum is met is
/// [`Proven::quorum_met`].
pub fn verify(text: &str, policy: &Policy) -> Result<Proven, VerifyError> {
    let proof = TlogProof::parse(text)?;
    let extra = proof.extra.as_deref().ok_or(VerifyError::NoLeaf)?;
    let leaf = Leaf::parse(extra)?;
    if leaf.index != proof.index {
        return Err(VerifyError::LeafIndex {
            found: leaf.index,
            expected: proof.index,
        });
    }
    leaf.envelope()
        .verify()
        .map_err(|_| VerifyError::StatementSignature)?;
    let key_name = match &policy.key_name {
        Some(n) => n.clone(),
        None => proof
            .checkpoint
            .split('\n')
            .next()
            .unwrap_or_default()
            .to_owned(),
    };
    let checkpoint = NoteKey::verifier(&key_name, &policy.ledger_key)
        .verify(&proof.checkpoint, policy.origin.as_deref())?;
    let mut cosigned = Vec::new();
    for (i, w) in policy.witnesses.iter().enumerate() {
        // One key counts once, however many times or names it is given
        // under: a cosignature/v1 does not commit to the name.
        if policy.witnesses[..i].iter().any(|o| o.key() == w.key()) {
            continue;
        }
        if let Some(timestamp) = w.cosigned(&proof.checkpoint)? {
            cosigned.push(Cosigned {
                name: w.name().to_owned(),
                timestamp,
            });
        }
    }
    verify_inclusion(
        proof.index,
        checkpoint.size,
        leaf_hash(extra),
        &proof.proof,
        checkpoint.root,
    )?;
    Ok(Proven {
        checkpoint,
        leaf,
        cosigned,
        quorum: policy.quorum,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // The example of tlog-proof, "Format" (its signature lines shortened
    // there, so only the format is checked here).
    const EXAMPLE: &str = "c2sp.org/tlog-proof@v1\nextra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6\nindex 73894\ngSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=\nB95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=\n\nexample.com/fancylog\n109482\nsFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=\n\n— example.com/fancylog hI2DJw==\n";

    #[test]
    fn the_format_of_tlog_proof_parses_and_round_trips() {
        let p = TlogProof::parse(EXAMPLE).expect("parses");
        assert_eq!(
            p.extra.as_deref(),
            Some(&b"age-v1.2.1-darwin-arm64.tar.gz"[..])
        );
        assert_eq!(p.index, 73894);
        assert_eq!(p.proof.len(), 2);
        assert!(p.checkpoint.starts_with("example.com/fancylog\n109482\n"));
        assert_eq!(p.to_text(), EXAMPLE);
        // Without extra data the line is omitted.
        let bare = TlogProof { extra: None, ..p };
        assert!(
            bare.to_text()
                .starts_with("c2sp.org/tlog-proof@v1\nindex 73894\n")
        );
        assert_eq!(TlogProof::parse(&bare.to_text()), Ok(bare));
    }

    #[test]
    fn a_malformed_proof_is_refused_with_its_reason() {
        let cases: [(&str, FormatError); 6] = [
            ("c2sp.org/tlog-proof@v2\nindex 1\n\nx", FormatError::Header),
            (
                "c2sp.org/tlog-proof@v1\nextra !!\nindex 1\n\nx",
                FormatError::Extra,
            ),
            ("c2sp.org/tlog-proof@v1\nindex 01\n\nx", FormatError::Index),
            (
                "c2sp.org/tlog-proof@v1\nindex 1\nAAAA\n\nx",
                FormatError::ProofLine(1),
            ),
            (
                "c2sp.org/tlog-proof@v1\nindex 1\n",
                FormatError::NoCheckpoint,
            ),
            (
                "c2sp.org/tlog-proof@v1\nindex 1\n\n",
                FormatError::NoCheckpoint,
            ),
        ];
        for (text, want) in cases {
            assert_eq!(TlogProof::parse(text), Err(want), "{text:?}");
        }
    }

    /// A log of 5 leaves signed by `log`, the proof of leaf 3 under the
    /// checkpoint, cosigned by `w` when given.
    fn proof_of_leaf_3(log: &NoteKey, w: Option<&crate::domain::cosignature::Cosigner>) -> String {
        use crate::domain::checkpoint::CheckpointBody;
        use crate::domain::envelope::Envelope;
        use crate::domain::merkle::{MemHashes, prove_record};
        use crate::domain::time::Timestamp;
        let signer = ed25519_dalek::SigningKey::from_bytes(&[5u8; 32]);
        let at = Timestamp::parse("2026-06-12T09:00:00Z").expect("time");
        let leaves: Vec<Vec<u8>> = (0..5)
            .map(|i| {
                Leaf::new(i, at, &Envelope::sign(format!("{{\"n\":{i}}}"), &signer)).to_bytes()
            })
            .collect();
        let mut tree = MemHashes::new();
        for l in &leaves {
            tree.push(leaf_hash(l)).expect("push");
        }
        let body = CheckpointBody {
            origin: "example.org/log".into(),
            size: 5,
            root: tree.root_at(5).expect("root"),
        };
        let mut note = log.sign(&body).expect("signs");
        if let Some(w) = w {
            let line = w
                .cosign(body.text().as_bytes(), 1_700_000_000)
                .expect("cosigns");
            note = crate::domain::cosignature::with_lines(&note, &[line]);
        }
        TlogProof {
            extra: Some(leaves[3].clone()),
            index: 3,
            proof: prove_record(5, 3, &tree).expect("proof"),
            checkpoint: note,
        }
        .to_text()
    }

    #[test]
    fn verify_runs_the_four_steps_and_counts_the_quorum() {
        use crate::domain::cosignature::Cosigner;
        let key = ed25519_dalek::SigningKey::from_bytes(&[3u8; 32]);
        let log = NoteKey::signer("example.org/log", key.clone());
        let w = Cosigner::new(
            "w.example/1",
            ed25519_dalek::SigningKey::from_bytes(&[4u8; 32]),
        )
        .expect("cosigner");
        let policy = Policy {
            ledger_key: PublicKey::from(key.verifying_key()),
            key_name: None,
            origin: Some("example.org/log".into()),
            witnesses: vec![w.witness_key().clone()],
            quorum: 1,
        };
        let proven = verify(&proof_of_leaf_3(&log, Some(&w)), &policy).expect("proven");
        assert_eq!((proven.leaf.index, proven.checkpoint.size), (3, 5));
        assert_eq!(proven.cosigned.len(), 1);
        assert!(proven.quorum_met());
        // Without the cosignature: proven, but not witnessed.
        let bare = verify(&proof_of_leaf_3(&log, None), &policy).expect("proven");
        assert!(!bare.quorum_met());
        // A cosignature on another body fails the proof.
        let bad = proof_of_leaf_3(&log, Some(&w)).replace("\n5\n", "\n6\n");
        assert!(verify(&bad, &policy).is_err());
        // Another origin than the one the verifier accepts proves nothing.
        let elsewhere = Policy {
            origin: Some("example.org/other".into()),
            ..policy.clone()
        };
        assert!(matches!(
            verify(&proof_of_leaf_3(&log, Some(&w)), &elsewhere),
            Err(VerifyError::Checkpoint(_))
        ));
        // One key given twice (under one name) counts once.
        let twice = Policy {
            witnesses: vec![w.witness_key().clone(), w.witness_key().clone()],
            quorum: 2,
            ..policy.clone()
        };
        assert!(
            !verify(&proof_of_leaf_3(&log, Some(&w)), &twice)
                .expect("proven")
                .quorum_met()
        );
        // Another ledger key proves nothing.
        let other = Policy {
            ledger_key: PublicKey::from(
                ed25519_dalek::SigningKey::from_bytes(&[9u8; 32]).verifying_key(),
            ),
            ..policy.clone()
        };
        assert!(matches!(
            verify(&proof_of_leaf_3(&log, Some(&w)), &other),
            Err(VerifyError::Checkpoint(_))
        ));
    }

    #[test]
    fn the_file_name_keeps_only_safe_characters() {
        assert_eq!(
            file_name("ledger.htx-phominh.vn/2026", 12),
            "coop-ledger-ledger.htx-phominh.vn-2026-12.tlog-proof"
        );
    }
}
