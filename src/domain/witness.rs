//! The checks of a C2SP `tlog-witness` witness (spec §8.15): which logs it
//! trusts, and what it answers an `add-checkpoint` request given what it
//! cosigned before. Pure: the state, the request and the trusted keys go
//! in, an outcome comes out; the caller persists and signs.
//!
//! The order of the checks is the order of tlog-witness:
//!
//! 1. the body is an `add-checkpoint` request
//!    ([`AddCheckpoint::parse`](super::witness_request::AddCheckpoint::parse))
//!    and its checkpoint a signed note with a tlog-checkpoint body, else
//!    400 ([`Refused::Malformed`]);
//! 2. the origin is one the witness follows, else 404;
//! 3. every signature line whose key name and key id match a trusted key
//!    of that origin verifies (Ed25519, `verify_strict`), and at least one
//!    does, else 403; lines of other keys are ignored;
//! 4. the old size is at most the checkpoint's size, else 400;
//! 5. the old size is the size last cosigned for the origin (0 if never),
//!    else 409 with that size;
//! 6. a size-0 checkpoint has the root SHA-256(""), a request with old
//!    size 0 has no proof, a request at the held size has the held root,
//!    and any other proof is an RFC 6962 consistency proof from the held
//!    checkpoint, else 422 ([`Inconsistency`]).
//!
//! A log's verifier key is a signed-note Ed25519 vkey (signature type
//! 0x01); `witness.json` ([`WitnessConfig`]) lists them per origin.

use super::checkpoint::{ALG_ED25519, NoteKey};
use super::cosignature::{VkeyError, parse_ed25519_vkey};
use super::merkle::{EMPTY_HASH, Hash, verify_consistency};
use super::messages::{Code, Refusal};
use sha2::{Digest as _, Sha256};
use signed_note::{Note, Verifier as _};

use std::collections::BTreeMap;

/// A log a witness follows, as `witness.json` lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LogConfig {
    /// The log's origin line.
    pub origin: String,
    /// Its Ed25519 signed-note verifier keys (`name+hexid+base64`).
    pub vkeys: Vec<String>,
}

/// `witness.json`: the witness's name and the logs it follows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WitnessConfig {
    /// The witness's key name (its cosignature lines carry it).
    pub name: String,
    /// The logs, one entry per origin.
    pub logs: Vec<LogConfig>,
}

/// A `--log` argument: `VKEY` (the origin is the key's name) or
/// `ORIGIN=VKEY`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogArg {
    /// The origin.
    pub origin: String,
    /// The log's verifier key.
    pub vkey: String,
}

/// Why a `--log` argument or a `witness.json` entry is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogKeyError {
    /// The vkey is not an Ed25519 signed-note vkey.
    #[error("{vkey:?}: {source}")]
    Vkey {
        /// The vkey as written.
        vkey: String,
        /// What is wrong with it.
        source: VkeyError,
    },
    /// The key is not a point of the curve.
    #[error("{0:?}: the key is not an Ed25519 public key")]
    NotAKey(String),
    /// The origin is empty or has a newline.
    #[error("{0:?} is not a checkpoint origin line")]
    Origin(String),
    /// Two entries of `witness.json` have one origin.
    #[error("the origin {0:?} is listed twice")]
    Duplicate(String),
}

/// A log's verifier: its key name, key id and Ed25519 key.
fn log_key(vkey: &str) -> Result<NoteKey, LogKeyError> {
    let (name, key) =
        parse_ed25519_vkey(vkey, ALG_ED25519).map_err(|source| LogKeyError::Vkey {
            vkey: vkey.to_owned(),
            source,
        })?;
    key.point()
        .map_err(|_| LogKeyError::NotAKey(vkey.to_owned()))?;
    Ok(NoteKey::verifier(&name, &key))
}

fn check_origin(origin: &str) -> Result<(), LogKeyError> {
    if origin.is_empty() || origin.contains('\n') {
        return Err(LogKeyError::Origin(origin.to_owned()));
    }
    Ok(())
}

impl LogArg {
    /// Parses `VKEY` or `ORIGIN=VKEY`. A string that is a vkey as a whole
    /// is one (base64 may end in `=`); otherwise it is split at its first
    /// `=`.
    pub fn parse(arg: &str) -> Result<Self, LogKeyError> {
        if let Ok((name, _)) = parse_ed25519_vkey(arg, ALG_ED25519) {
            log_key(arg)?;
            return Ok(Self {
                origin: name,
                vkey: arg.to_owned(),
            });
        }
        match arg.split_once('=') {
            Some((origin, vkey)) => {
                check_origin(origin)?;
                log_key(vkey)?;
                Ok(Self {
                    origin: origin.to_owned(),
                    vkey: vkey.to_owned(),
                })
            }
            // Neither a vkey nor ORIGIN=VKEY: say what is wrong with it
            // as a vkey.
            None => Err(log_key(arg)
                .err()
                .unwrap_or_else(|| LogKeyError::Origin(arg.to_owned()))),
        }
    }
}

impl WitnessConfig {
    /// Adds a log's key: to the entry of its origin, or as a new entry. A
    /// key already listed is not listed twice.
    pub fn add(&mut self, log: &LogArg) {
        match self.logs.iter_mut().find(|l| l.origin == log.origin) {
            Some(entry) if entry.vkeys.contains(&log.vkey) => {}
            Some(entry) => entry.vkeys.push(log.vkey.clone()),
            None => self.logs.push(LogConfig {
                origin: log.origin.clone(),
                vkeys: vec![log.vkey.clone()],
            }),
        }
    }

    /// The trusted keys per origin, every vkey parsed.
    pub fn trusted(&self) -> Result<TrustedLogs, LogKeyError> {
        let mut logs = BTreeMap::new();
        for log in &self.logs {
            check_origin(&log.origin)?;
            let keys = log
                .vkeys
                .iter()
                .map(|v| log_key(v))
                .collect::<Result<Vec<_>, _>>()?;
            if logs.insert(log.origin.clone(), keys).is_some() {
                return Err(LogKeyError::Duplicate(log.origin.clone()));
            }
        }
        Ok(TrustedLogs { logs })
    }
}

/// The keys a witness trusts, per origin.
pub struct TrustedLogs {
    logs: BTreeMap<String, Vec<NoteKey>>,
}

impl TrustedLogs {
    /// The origins followed, in order.
    pub fn origins(&self) -> impl Iterator<Item = &str> {
        self.logs.keys().map(String::as_str)
    }

    /// Whether `origin` is followed.
    pub fn follows(&self, origin: &str) -> bool {
        self.logs.contains_key(origin)
    }
}

/// The lowercase hex SHA-256 of an origin: the name of its state file and
/// its monitoring path (tlog-witness).
pub fn origin_hash(origin: &str) -> String {
    Sha256::digest(origin.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A checkpoint whose log signature verified.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    /// The origin line.
    pub origin: String,
    /// The tree size.
    pub size: u64,
    /// The root hash.
    pub root: Hash,
    /// The note text (every line of the body, extension lines included,
    /// the final newline included): what a cosignature signs.
    pub text: String,
    /// The signature lines of trusted keys that verified, each ended by a
    /// newline, in the note's order.
    pub log_lines: Vec<String>,
}

impl Verified {
    /// The note the witness keeps and serves for monitoring: the text, the
    /// log's verified lines, then `cosignature` (lines ended by newlines).
    pub fn cosigned_note(&self, cosignature: &str) -> String {
        format!("{}\n{}{cosignature}", self.text, self.log_lines.concat())
    }
}

/// The checkpoint a witness last cosigned for a log.
#[derive(Debug, Clone, PartialEq)]
pub struct Held {
    /// Its size.
    pub size: u64,
    /// Its root hash.
    pub root: Hash,
    /// The cosigned note, as the monitoring endpoint serves it.
    pub note: String,
}

impl Held {
    /// Reads back a note this witness stored (spec §12.8).
    pub fn parse(note: &str) -> Option<Self> {
        let parsed = Note::from_bytes(note.as_bytes()).ok()?;
        let cp = tlog_tiles::Checkpoint::from_bytes(parsed.text()).ok()?;
        Some(Self {
            size: cp.size(),
            root: *cp.hash(),
            note: note.to_owned(),
        })
    }
}

/// Why a consistency check refused a checkpoint (all are 422).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Inconsistency {
    /// A size-0 checkpoint whose root is not SHA-256("").
    #[error("a checkpoint of size 0 must have the root of the empty tree, SHA-256(\"\")")]
    EmptyRoot,
    /// Proof lines with old size 0.
    #[error("the old size is 0, so the consistency proof must be empty")]
    ProofFromEmpty,
    /// The proof does not lead from the held root to the new one.
    #[error("the consistency proof does not verify from the checkpoint cosigned before")]
    ProofInvalid,
    /// The held size with another root: a fork.
    #[error("the checkpoint has the size cosigned before but another root hash")]
    OtherRoot,
}

/// A refused `add-checkpoint` request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// 400: not an `add-checkpoint` body, or its checkpoint is no signed
    /// tlog-checkpoint note.
    Malformed(String),
    /// 404: an origin the witness does not follow.
    UnknownOrigin(String),
    /// 403: no line of a trusted key.
    NotSigned,
    /// 403: a line of a trusted key does not verify.
    BadSignature(String),
    /// 400: the old size is above the checkpoint's size.
    OldSizeAbove {
        /// The request's old size.
        old: u64,
        /// The checkpoint's size.
        size: u64,
    },
    /// 409: the old size is not the held size, which the answer gives.
    Conflict {
        /// The size last cosigned (0 if never).
        size: u64,
    },
    /// 422: consistency failed (the request is kept as evidence).
    Inconsistent(Inconsistency),
}

impl Refused {
    /// The refusal as the error answer words it.
    pub fn refusal(&self) -> Refusal {
        match self {
            Self::Malformed(why) => Refusal::with(Code::BadWitnessRequest, why.clone()),
            Self::UnknownOrigin(origin) => Refusal::with(Code::UnknownLog, format!("{origin:?}")),
            Self::NotSigned => Refusal::new(Code::NotSignedByLog),
            Self::BadSignature(name) => Refusal::with(
                Code::NotSignedByLog,
                format!("the line of {name} does not verify"),
            ),
            Self::OldSizeAbove { old, size } => Refusal::with(
                Code::BadWitnessRequest,
                format!("old size {old} is above the checkpoint's size {size}"),
            ),
            Self::Conflict { size } => {
                Refusal::with(Code::OldSizeConflict, format!("cosigned size {size}"))
            }
            Self::Inconsistent(why) => Refusal::with(Code::InconsistentCheckpoint, why.to_string()),
        }
    }
}

/// Steps 1 to 3: parses the checkpoint note and verifies the signatures
/// of the keys trusted for its origin.
pub fn verify_checkpoint(note: &str, logs: &TrustedLogs) -> Result<Verified, Refused> {
    let malformed = |why: &str| Refused::Malformed(why.to_owned());
    let parsed = Note::from_bytes(note.as_bytes())
        .map_err(|_| malformed("the checkpoint is not a signed note"))?;
    let text = std::str::from_utf8(parsed.text())
        .map_err(|_| malformed("the checkpoint is not UTF-8"))?
        .to_owned();
    let cp = tlog_tiles::Checkpoint::from_bytes(text.as_bytes())
        .map_err(|_| malformed("the note's text is not a tlog-checkpoint body"))?;
    let keys = logs
        .logs
        .get(cp.origin())
        .ok_or_else(|| Refused::UnknownOrigin(cp.origin().to_owned()))?;
    // The signature block: every line after the last empty line. The note
    // parsed, so each is a well-formed signature line.
    let block = note.rsplit_once("\n\n").map_or("", |(_, b)| b);
    let mut log_lines: Vec<String> = Vec::new();
    for line in block.lines() {
        let sig = signed_note::Signature::from_bytes(line.as_bytes())
            .map_err(|_| malformed("a signature line is malformed"))?;
        let Some(key) = keys
            .iter()
            .find(|k| k.name() == sig.name() && k.key_id() == sig.id())
        else {
            continue;
        };
        if !signed_note::Verifier::verify(key, text.as_bytes(), sig.signature()) {
            return Err(Refused::BadSignature(sig.name().to_owned()));
        }
        let line = format!("{line}\n");
        if !log_lines.contains(&line) {
            log_lines.push(line);
        }
    }
    if log_lines.is_empty() {
        return Err(Refused::NotSigned);
    }
    Ok(Verified {
        origin: cp.origin().to_owned(),
        size: cp.size(),
        root: *cp.hash(),
        text,
        log_lines,
    })
}

/// Steps 4 to 6: whether the verified checkpoint may be cosigned, given
/// the request's old size and proof and what the witness holds for its
/// origin (`None`: never cosigned).
pub fn check_consistency(
    old_size: u64,
    proof: &[Hash],
    new: &Verified,
    held: Option<&Held>,
) -> Result<(), Refused> {
    if old_size > new.size {
        return Err(Refused::OldSizeAbove {
            old: old_size,
            size: new.size,
        });
    }
    let held_size = held.map_or(0, |h| h.size);
    if old_size != held_size {
        return Err(Refused::Conflict { size: held_size });
    }
    let inconsistent = |why| Err(Refused::Inconsistent(why));
    if new.size == 0 && new.root != EMPTY_HASH {
        return inconsistent(Inconsistency::EmptyRoot);
    }
    let Some(held) = held.filter(|_| old_size > 0) else {
        // Old size 0: the empty tree is consistent with every tree.
        return if proof.is_empty() {
            Ok(())
        } else {
            inconsistent(Inconsistency::ProofFromEmpty)
        };
    };
    if old_size == new.size {
        if new.root != held.root {
            return inconsistent(Inconsistency::OtherRoot);
        }
        // RFC 6962 §2.1.2: the proof between equal sizes is empty.
        return if proof.is_empty() {
            Ok(())
        } else {
            inconsistent(Inconsistency::ProofInvalid)
        };
    }
    verify_consistency(old_size, new.size, held.root, new.root, proof)
        .or_else(|_| inconsistent(Inconsistency::ProofInvalid))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::checkpoint::{CheckpointBody, note_vkey};
    use crate::domain::keys::PublicKey;
    use crate::domain::merkle::{MemHashes, leaf_hash, prove_tree};
    use ed25519_dalek::SigningKey;

    const ORIGIN: &str = "example.com/log";

    fn signer(seed: u8) -> (NoteKey, String) {
        let key = SigningKey::from_bytes(&[seed; 32]);
        let vkey = note_vkey(ORIGIN, &PublicKey::from(key.verifying_key()));
        (NoteKey::signer(ORIGIN, key), vkey)
    }

    fn tree(n: u64) -> MemHashes {
        let mut t = MemHashes::new();
        for i in 0..n {
            t.push(leaf_hash(&i.to_be_bytes())).expect("push");
        }
        t
    }

    fn note(key: &NoteKey, t: &MemHashes, size: u64) -> String {
        key.sign(&CheckpointBody {
            origin: ORIGIN.into(),
            size,
            root: t.root_at(size).expect("root"),
        })
        .expect("sign")
    }

    fn logs(vkey: &str) -> TrustedLogs {
        let mut config = WitnessConfig {
            name: "w.example/w".into(),
            logs: vec![],
        };
        config.add(&LogArg::parse(vkey).expect("vkey"));
        config.trusted().expect("trusted")
    }

    #[test]
    fn issue_14_a_log_argument_is_a_vkey_or_origin_equals_vkey() {
        let (_, vkey) = signer(1);
        assert_eq!(
            LogArg::parse(&vkey),
            Ok(LogArg {
                origin: ORIGIN.into(),
                vkey: vkey.clone()
            })
        );
        let arg = LogArg::parse(&format!("other.example/x={vkey}")).expect("parses");
        assert_eq!(arg.origin, "other.example/x");
        assert!(LogArg::parse("nonsense").is_err());
        assert!(LogArg::parse(&format!("x={}", vkey.replace("+", "-"))).is_err());
        let mut config = WitnessConfig {
            name: "w".into(),
            logs: vec![],
        };
        config.add(&arg);
        config.add(&arg);
        assert_eq!(config.logs.len(), 1);
        assert_eq!(config.logs[0].vkeys.len(), 1);
    }

    #[test]
    fn issue_14_the_origin_hash_is_lowercase_hex_sha256() {
        assert_eq!(
            origin_hash(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn issue_14_signatures_of_unknown_keys_are_ignored_and_a_bad_trusted_line_refused() {
        let (key, vkey) = signer(1);
        let (stranger, _) = signer(2);
        let t = tree(3);
        let good = note(&key, &t, 3);
        let logs = logs(&vkey);
        let v = verify_checkpoint(&good, &logs).expect("verifies");
        assert_eq!((v.size, v.log_lines.len()), (3, 1));
        // Only a stranger's line: 403.
        assert_eq!(
            verify_checkpoint(&note(&stranger, &t, 3), &logs),
            Err(Refused::NotSigned)
        );
        // The stranger's line beside the log's is ignored, and not kept.
        let stranger_line = note(&stranger, &t, 3)
            .rsplit_once("\n\n")
            .expect("sig")
            .1
            .to_owned();
        let both = format!("{good}{stranger_line}");
        assert_eq!(verify_checkpoint(&both, &logs), Ok(v.clone()));
        // A trusted line that fails, even beside a good one: 403.
        let line = good.rsplit_once("\n\n").expect("sig").1;
        let mut raw = base64::Engine::decode(
            &base64::engine::general_purpose::STANDARD,
            line.trim_end().rsplit(' ').next().expect("b64"),
        )
        .expect("b64");
        raw[10] ^= 1;
        let bad_line = format!(
            "— {ORIGIN} {}\n",
            base64::Engine::encode(&base64::engine::general_purpose::STANDARD, raw)
        );
        assert!(matches!(
            verify_checkpoint(&format!("{good}{bad_line}"), &logs),
            Err(Refused::BadSignature(_))
        ));
        // Unknown origin: 404.
        let other = logs_for("other.example/log", &vkey);
        assert_eq!(
            verify_checkpoint(&good, &other),
            Err(Refused::UnknownOrigin(ORIGIN.into()))
        );
        assert!(matches!(
            verify_checkpoint("not a note", &logs),
            Err(Refused::Malformed(_))
        ));
    }

    fn logs_for(origin: &str, vkey: &str) -> TrustedLogs {
        WitnessConfig {
            name: "w".into(),
            logs: vec![LogConfig {
                origin: origin.into(),
                vkeys: vec![vkey.into()],
            }],
        }
        .trusted()
        .expect("trusted")
    }

    #[test]
    fn issue_14_each_consistency_rule_of_tlog_witness() {
        let (key, vkey) = signer(1);
        let logs = logs(&vkey);
        let t = tree(9);
        let v = |size| verify_checkpoint(&note(&key, &t, size), &logs).expect("verifies");
        let held = |size| Held::parse(&note(&key, &t, size)).expect("held");
        let proof = |from, to| prove_tree(to, from, &t).expect("proof");
        // First cosignature from old 0, no proof.
        assert_eq!(check_consistency(0, &[], &v(5), None), Ok(()));
        assert_eq!(
            check_consistency(0, &proof(2, 5), &v(5), None),
            Err(Refused::Inconsistent(Inconsistency::ProofFromEmpty))
        );
        assert_eq!(
            check_consistency(6, &[], &v(5), None),
            Err(Refused::OldSizeAbove { old: 6, size: 5 })
        );
        assert_eq!(
            check_consistency(3, &proof(3, 5), &v(5), None),
            Err(Refused::Conflict { size: 0 })
        );
        let h5 = held(5);
        assert_eq!(
            check_consistency(0, &[], &v(9), Some(&h5)),
            Err(Refused::Conflict { size: 5 })
        );
        assert_eq!(check_consistency(5, &proof(5, 9), &v(9), Some(&h5)), Ok(()));
        assert_eq!(
            check_consistency(5, &proof(4, 9), &v(9), Some(&h5)),
            Err(Refused::Inconsistent(Inconsistency::ProofInvalid))
        );
        assert_eq!(check_consistency(5, &[], &v(5), Some(&h5)), Ok(()));
        // The same size with another tree's root: a fork.
        let fork = tree(5);
        let mut other = MemHashes::new();
        for i in 0..5u64 {
            other
                .push(leaf_hash(&(i + 100).to_be_bytes()))
                .expect("push");
        }
        assert_ne!(
            fork.root_at(5).expect("root"),
            other.root_at(5).expect("root")
        );
        let forked = verify_checkpoint(&note(&key, &other, 5), &logs).expect("verifies");
        assert_eq!(
            check_consistency(5, &[], &forked, Some(&h5)),
            Err(Refused::Inconsistent(Inconsistency::OtherRoot))
        );
        // Size 0 must carry the empty tree's root.
        assert_eq!(check_consistency(0, &[], &v(0), None), Ok(()));
        let mut empty_bad = v(0);
        empty_bad.root = t.root_at(1).expect("root");
        assert_eq!(
            check_consistency(0, &[], &empty_bad, None),
            Err(Refused::Inconsistent(Inconsistency::EmptyRoot))
        );
    }

    #[test]
    fn issue_14_the_kept_note_has_the_log_lines_then_the_cosignature() {
        let (key, vkey) = signer(1);
        let t = tree(2);
        let good = note(&key, &t, 2);
        let v = verify_checkpoint(&good, &logs(&vkey)).expect("verifies");
        let kept = v.cosigned_note("— w.example/w AAAAAAAAAAAA\n");
        assert_eq!(kept, format!("{good}— w.example/w AAAAAAAAAAAA\n"));
        assert_eq!(Held::parse(&kept).map(|h| h.size), Some(2));
    }
}
