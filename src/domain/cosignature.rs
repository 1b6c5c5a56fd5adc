//! Witness cosignatures (C2SP `tlog-cosignature`, the Ed25519
//! `cosignature/v1` type) and witness verifier keys (spec §8.15).
//!
//! A cosignature is a signed-note signature line on a checkpoint:
//!
//! ```text
//! — <witness name> base64(key id ‖ timestamp ‖ signature)
//! ```
//!
//! - the key id is SHA-256(name ‖ "\n" ‖ 0x04 ‖ 32-byte key)\[:4\];
//! - the timestamp is a big-endian u64 of POSIX seconds, at most 2^63 - 1;
//! - the signature is Ed25519 over `cosignature/v1\n` ‖ `time <T>\n` ‖ the
//!   whole note body (every line, the final newline included, no
//!   signature lines).
//!
//! A witness's verifier key is the signed-note vkey
//! `<name>+<hex key id>+<base64(0x04 ‖ key)>`. [`WitnessKey`] parses and
//! prints it and verifies cosignatures with `verify_strict`; [`Cosigner`]
//! signs. [`cosigners`] says which of a set of witness keys cosigned a
//! note, each checked on its own so that one bad line names its witness.
//! Pure: the time to sign at is passed in.

use super::keys::PublicKey;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use signed_note::{Note, NoteError, VerificationError, Verifier, Verifiers};

/// The signed-note algorithm byte of an Ed25519 `cosignature/v1` key.
pub const ALG_COSIGNATURE_V1: u8 = 0x04;

/// The largest timestamp a cosignature may carry (tlog-cosignature).
pub const MAX_TIMESTAMP: u64 = (1 << 63) - 1;

/// Why a verifier key string (a witness's or a log's) is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VkeyError {
    /// Not `name+hexid+base64`.
    #[error("a verifier key is written name+keyid+base64, as signed-note vkeys are")]
    Shape,
    /// The name is not a valid signed-note key name.
    #[error("the key name {0:?} is not a valid signed-note key name")]
    Name(String),
    /// The key material is not 0x04 followed by 32 bytes.
    #[error(
        "the key is not an Ed25519 key of the expected signature type (0x04 for a witness's cosignature/v1 key, 0x01 for a log's checkpoint key) with 32 bytes"
    )]
    Algorithm,
    /// The key id does not match the name and key.
    #[error("the key id {found:08x} does not match its name and key ({expected:08x})")]
    KeyId {
        /// The id written in the vkey.
        found: u32,
        /// The id computed from the name and key.
        expected: u32,
    },
}

/// A witness as its verifiers know it: name, Ed25519 key, key id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WitnessKey {
    name: String,
    key: PublicKey,
    id: u32,
}

/// The key id of an Ed25519 cosignature/v1 key under a name.
pub fn cosigner_key_id(name: &str, key: &PublicKey) -> u32 {
    let mut encoded = vec![ALG_COSIGNATURE_V1];
    encoded.extend_from_slice(&key.to_bytes());
    signed_note::key_id(name, &encoded)
}

/// Parses a signed-note vkey `name+hexid+base64(alg ‖ 32-byte key)` of
/// an Ed25519 signature type `alg` (0x01 for a log's checkpoint key, 0x04
/// for a witness's cosignature key): its name and public key, once the key
/// id is checked against them.
pub fn parse_ed25519_vkey(vkey: &str, alg: u8) -> Result<(String, PublicKey), VkeyError> {
    let (name, rest) = vkey.split_once('+').ok_or(VkeyError::Shape)?;
    let (hex, b64) = rest.split_once('+').ok_or(VkeyError::Shape)?;
    if hex.len() != 8 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(VkeyError::Shape);
    }
    let found = u32::from_str_radix(hex, 16).map_err(|_| VkeyError::Shape)?;
    let bytes = B64.decode(b64).map_err(|_| VkeyError::Shape)?;
    let (found_alg, key) = bytes.split_first().ok_or(VkeyError::Algorithm)?;
    let key: [u8; 32] = key.try_into().map_err(|_| VkeyError::Algorithm)?;
    if *found_alg != alg {
        return Err(VkeyError::Algorithm);
    }
    if !signed_note::is_key_name_valid(name) {
        return Err(VkeyError::Name(name.to_owned()));
    }
    let expected = signed_note::key_id(name, &bytes);
    if expected != found {
        return Err(VkeyError::KeyId { found, expected });
    }
    Ok((name.to_owned(), PublicKey::from_bytes(key)))
}

/// The message a `cosignature/v1` signs: the header and time lines, then
/// the note body.
pub fn signed_message(body: &[u8], timestamp: u64) -> Vec<u8> {
    let mut msg = format!("cosignature/v1\ntime {timestamp}\n").into_bytes();
    msg.extend_from_slice(body);
    msg
}

impl WitnessKey {
    /// A witness key from its name and public key.
    pub fn new(name: &str, key: PublicKey) -> Result<Self, VkeyError> {
        if !signed_note::is_key_name_valid(name) {
            return Err(VkeyError::Name(name.to_owned()));
        }
        Ok(Self {
            name: name.to_owned(),
            id: cosigner_key_id(name, &key),
            key,
        })
    }

    /// Parses a vkey `name+hexid+base64(0x04 ‖ key)`.
    pub fn parse(vkey: &str) -> Result<Self, VkeyError> {
        let (name, key) = parse_ed25519_vkey(vkey, ALG_COSIGNATURE_V1)?;
        Self::new(&name, key)
    }

    /// The vkey string, as [`WitnessKey::parse`] reads it.
    pub fn vkey(&self) -> String {
        let mut encoded = vec![ALG_COSIGNATURE_V1];
        encoded.extend_from_slice(&self.key.to_bytes());
        format!("{}+{:08x}+{}", self.name, self.id, B64.encode(encoded))
    }

    /// The witness's name (its signature lines' key name).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The witness's Ed25519 public key.
    pub fn key(&self) -> &PublicKey {
        &self.key
    }

    /// The key id its signature lines carry.
    pub fn id(&self) -> u32 {
        self.id
    }

    /// The timestamp of this witness's cosignature on `note`, if the note
    /// carries one that verifies; `Err` if a line with this witness's name
    /// and key id is there but does not verify, or the note is malformed.
    pub fn cosigned(&self, note: &str) -> Result<Option<u64>, CosignatureError> {
        let parsed = Note::from_bytes(note.as_bytes()).map_err(|_| CosignatureError::Malformed)?;
        let one = One(self);
        match parsed.verify(&one) {
            Ok((verified, _)) => {
                let ts = verified
                    .first()
                    .and_then(|s| timestamp_of(s.signature()))
                    .ok_or(CosignatureError::Malformed)?;
                Ok(Some(ts))
            }
            Err(NoteError::UnverifiedNote) => Ok(None),
            Err(NoteError::InvalidSignature { .. }) => Err(CosignatureError::BadSignature {
                witness: self.name.clone(),
            }),
            Err(_) => Err(CosignatureError::Malformed),
        }
    }
}

/// The timestamp of a cosignature's signature bytes (after the key id).
fn timestamp_of(sig: &[u8]) -> Option<u64> {
    let ts: [u8; 8] = sig.get(..8)?.try_into().ok()?;
    Some(u64::from_be_bytes(ts))
}

impl Verifier for WitnessKey {
    fn name(&self) -> &str {
        &self.name
    }
    fn key_id(&self) -> u32 {
        self.id
    }
    fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        if sig.len() != 72 {
            return false;
        }
        let Some(ts) = timestamp_of(sig) else {
            return false;
        };
        if ts > MAX_TIMESTAMP {
            return false;
        }
        let Ok(bytes) = <[u8; 64]>::try_from(&sig[8..]) else {
            return false;
        };
        let Ok(point) = VerifyingKey::from_bytes(&self.key.to_bytes()) else {
            return false;
        };
        point
            .verify_strict(
                &signed_message(msg, ts),
                &ed25519_dalek::Signature::from_bytes(&bytes),
            )
            .is_ok()
    }
}

/// One witness key as a signed-note verifier set.
struct One<'a>(&'a WitnessKey);

impl Verifiers for One<'_> {
    fn verifier(&self, name: &str, id: u32) -> Result<&dyn Verifier, VerificationError> {
        if name == self.0.name && id == self.0.id {
            Ok(self.0)
        } else {
            Err(VerificationError::UnknownKey {
                name: name.to_owned(),
                id,
            })
        }
    }
}

/// A cosignature that cannot be trusted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CosignatureError {
    /// The note, or a signature line, is malformed.
    #[error("not a well-formed signed note")]
    Malformed,
    /// A line names the witness and its key id but does not verify.
    #[error("the cosignature of {witness} does not verify")]
    BadSignature {
        /// The witness's name.
        witness: String,
    },
}

/// A witness that verified a note, and when it says it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cosigned {
    /// The witness's name.
    pub name: String,
    /// The cosignature's timestamp (POSIX seconds).
    pub timestamp: u64,
}

/// The witnesses among `keys` whose cosignatures on `note` verify, in the
/// order of `keys`. A witness whose line does not verify is left out (it
/// has not cosigned), as is one with no line.
pub fn cosigners(note: &str, keys: &[WitnessKey]) -> Vec<Cosigned> {
    keys.iter()
        .filter_map(|k| match k.cosigned(note) {
            Ok(Some(timestamp)) => Some(Cosigned {
                name: k.name.clone(),
                timestamp,
            }),
            Ok(None) | Err(_) => None,
        })
        .collect()
}

/// A witness's signing half.
pub struct Cosigner {
    key: WitnessKey,
    secret: SigningKey,
}

impl Cosigner {
    /// A cosigner named `name` with this private key.
    pub fn new(name: &str, secret: SigningKey) -> Result<Self, VkeyError> {
        let key = WitnessKey::new(name, PublicKey::from(secret.verifying_key()))?;
        Ok(Self { key, secret })
    }

    /// The verifier key others configure for this witness.
    pub fn witness_key(&self) -> &WitnessKey {
        &self.key
    }

    /// The signature line (ended by `\n`) cosigning the note body `body`
    /// (its text without signature lines) at `timestamp`.
    pub fn cosign(&self, body: &[u8], timestamp: u64) -> Result<String, CosignatureError> {
        if timestamp > MAX_TIMESTAMP || timestamp == 0 {
            return Err(CosignatureError::Malformed);
        }
        let sig = self.secret.sign(&signed_message(body, timestamp));
        let mut bytes = timestamp.to_be_bytes().to_vec();
        bytes.extend_from_slice(&sig.to_bytes());
        let line = signed_note::Signature::new(self.key.name.clone(), self.key.id, bytes)
            .map_err(|_| CosignatureError::Malformed)?;
        String::from_utf8(line.to_bytes()).map_err(|_| CosignatureError::Malformed)
    }
}

/// Adds signature lines (each ended by `\n`) to a signed note: the note's
/// own lines first, then each new line not already on it.
pub fn with_lines(note: &str, lines: &[String]) -> String {
    let mut out = note.to_owned();
    for line in lines {
        if !note.lines().any(|l| format!("{l}\n") == *line) {
            out.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str =
        "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

    fn cosigner() -> Cosigner {
        Cosigner::new("witness.example.com/w1", SigningKey::from_bytes(&[7u8; 32])).expect("name")
    }

    fn note_with(line: &str) -> String {
        format!(
            "{BODY}\n— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n{line}"
        )
    }

    #[test]
    fn the_signed_message_is_the_one_tlog_cosignature_prints() {
        // The example of tlog-cosignature, "Ed25519 signed message".
        assert_eq!(
            String::from_utf8(signed_message(BODY.as_bytes(), 1679315147)).expect("utf-8"),
            "cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
        );
    }

    #[test]
    fn a_cosignature_verifies_and_carries_its_time() {
        let c = cosigner();
        let line = c.cosign(BODY.as_bytes(), 1679315147).expect("signs");
        assert!(line.starts_with("— witness.example.com/w1 "));
        let raw = B64
            .decode(line.trim_end().rsplit(' ').next().expect("b64"))
            .expect("base64");
        assert_eq!(raw.len(), 4 + 8 + 64);
        assert_eq!(&raw[..4], &c.witness_key().id().to_be_bytes());
        assert_eq!(&raw[4..12], &1679315147u64.to_be_bytes());
        let note = note_with(&line);
        assert_eq!(c.witness_key().cosigned(&note), Ok(Some(1679315147)));
        assert_eq!(
            cosigners(&note, std::slice::from_ref(c.witness_key())),
            vec![Cosigned {
                name: "witness.example.com/w1".into(),
                timestamp: 1679315147
            }]
        );
    }

    #[test]
    fn a_cosignature_on_another_body_or_time_does_not_verify() {
        let c = cosigner();
        let line = c.cosign(BODY.as_bytes(), 1679315147).expect("signs");
        let other = note_with(&line).replace("20852163", "20852164");
        assert!(matches!(
            c.witness_key().cosigned(&other),
            Err(CosignatureError::BadSignature { .. })
        ));
        assert!(cosigners(&other, std::slice::from_ref(c.witness_key())).is_empty());
        // Another witness's key sees no line of its own.
        let stranger =
            Cosigner::new("other.example/w", SigningKey::from_bytes(&[9u8; 32])).expect("name");
        assert_eq!(stranger.witness_key().cosigned(&note_with(&line)), Ok(None));
    }

    #[test]
    fn a_vkey_round_trips_and_a_wrong_one_is_refused() {
        let k = cosigner().witness_key().clone();
        let vkey = k.vkey();
        assert_eq!(WitnessKey::parse(&vkey), Ok(k.clone()));
        assert_eq!(WitnessKey::parse("nonsense"), Err(VkeyError::Shape));
        // The ledger's own vkeys use algorithm 0x01: not a cosigner key.
        let ledger = super::super::checkpoint::note_vkey("w", k.key());
        assert_eq!(WitnessKey::parse(&ledger), Err(VkeyError::Algorithm));
        let (name, rest) = vkey.split_once('+').expect("plus");
        let tampered = format!("{name}+00000000+{}", rest.split_once('+').expect("plus").1);
        assert!(matches!(
            WitnessKey::parse(&tampered),
            Err(VkeyError::KeyId { .. })
        ));
    }

    #[test]
    fn lines_already_on_a_note_are_not_added_twice() {
        let c = cosigner();
        let line = c.cosign(BODY.as_bytes(), 5).expect("signs");
        let note = note_with("");
        let once = with_lines(&note, std::slice::from_ref(&line));
        assert_eq!(with_lines(&once, &[line]), once);
    }
}
