//! The body of a C2SP `tlog-witness` `add-checkpoint` request (spec
//! §8.15): an old size line, up to 63 consistency proof lines, an empty
//! line, then the checkpoint note.
//!
//! ```text
//! old 20852014
//! PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=
//!
//! example.com/behind-the-sofa
//! 20852163
//! CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=
//!
//! — example.com/behind-the-sofa Az3g…
//! ```
//!
//! [`AddCheckpoint::to_body`] writes it (the ledger's witness rounds);
//! [`AddCheckpoint::parse`] reads it (the witness), refusing anything not
//! in the exact form: a 400 for the witness. The note itself is checked
//! by whoever verifies its signatures.

use super::merkle::Hash;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;

/// Most consistency proof lines a request may carry (tlog-witness).
pub const MAX_PROOF_LINES: usize = 63;

/// The largest request body a witness reads (spec §11); larger is a 413.
/// 63 proof lines and a checkpoint with 16 Ed25519 signatures fit in a
/// tenth of it.
pub const MAX_REQUEST_BYTES: usize = 64 * 1024;

/// A parsed `add-checkpoint` request.
#[derive(Debug, Clone, PartialEq)]
pub struct AddCheckpoint {
    /// The size of the checkpoint the client believes the witness holds.
    pub old_size: u64,
    /// The consistency proof from `old_size` to the checkpoint's size.
    pub proof: Vec<Hash>,
    /// The checkpoint note, exactly as sent.
    pub checkpoint: String,
}

/// Why a request body is not an `add-checkpoint` request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// The body is not UTF-8 text.
    #[error("the request body is not UTF-8 text")]
    NotText,
    /// The first line is not `old <decimal>`.
    #[error("the first line must be \"old <size>\", with no leading zeroes")]
    OldLine,
    /// A proof line is not one base64 SHA-256 hash.
    #[error("proof line {0} is not a base64 SHA-256 hash")]
    ProofLine(usize),
    /// More than [`MAX_PROOF_LINES`] proof lines.
    #[error("more than {MAX_PROOF_LINES} consistency proof lines")]
    TooManyProofLines,
    /// No empty line before the checkpoint.
    #[error("no empty line between the proof and the checkpoint")]
    NoCheckpoint,
}

/// A decimal with no leading zeroes (`0` itself allowed), as the C2SP
/// formats write sizes and indexes.
pub(crate) fn canonical_decimal(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || (s.len() > 1 && s.starts_with('0'))
    {
        return None;
    }
    s.parse().ok()
}

/// One proof line: the standard base64 of a SHA-256 hash, as the C2SP
/// formats write them.
fn hash_line(line: &str) -> Option<Hash> {
    let bytes = B64.decode(line).ok()?;
    Some(Hash(bytes.try_into().ok()?))
}

/// Why the proof lines of a C2SP text format cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LinesError {
    /// Line `n` (from 1) is not a base64 SHA-256 hash.
    Bad(usize),
    /// More lines than allowed.
    TooMany,
    /// No empty line ends them.
    NoBlank,
}

/// Reads hash lines up to the first empty line (at most `max` of them):
/// the hashes and the text after that empty line.
pub(crate) fn hash_lines(mut rest: &str, max: usize) -> Result<(Vec<Hash>, &str), LinesError> {
    let mut hashes = Vec::new();
    loop {
        let (line, after) = rest.split_once('\n').ok_or(LinesError::NoBlank)?;
        rest = after;
        if line.is_empty() {
            return Ok((hashes, rest));
        }
        if hashes.len() == max {
            return Err(LinesError::TooMany);
        }
        hashes.push(hash_line(line).ok_or(LinesError::Bad(hashes.len() + 1))?);
    }
}

impl AddCheckpoint {
    /// Parses a request body.
    pub fn parse(body: &[u8]) -> Result<Self, RequestError> {
        let text = std::str::from_utf8(body).map_err(|_| RequestError::NotText)?;
        let (old_line, rest) = text.split_once('\n').ok_or(RequestError::OldLine)?;
        let old_size = old_line
            .strip_prefix("old ")
            .and_then(canonical_decimal)
            .ok_or(RequestError::OldLine)?;
        let (proof, rest) = hash_lines(rest, MAX_PROOF_LINES).map_err(|e| match e {
            LinesError::Bad(n) => RequestError::ProofLine(n),
            LinesError::TooMany => RequestError::TooManyProofLines,
            LinesError::NoBlank => RequestError::NoCheckpoint,
        })?;
        Ok(Self {
            old_size,
            proof,
            checkpoint: rest.to_owned(),
        })
    }

    /// The request body.
    pub fn to_body(&self) -> String {
        let mut body = format!("old {}\n", self.old_size);
        for h in &self.proof {
            body.push_str(&B64.encode(h.0));
            body.push('\n');
        }
        body.push('\n');
        body.push_str(&self.checkpoint);
        body
    }
}

/// The body of a 409 answer: the witness's size, then a newline
/// (`Content-Type: text/x.tlog.size`).
pub fn size_body(size: u64) -> String {
    format!("{size}\n")
}

/// Reads a 409 answer's body.
pub fn parse_size_body(body: &str) -> Option<u64> {
    canonical_decimal(body.strip_suffix('\n')?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOTE: &str = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n";

    #[test]
    fn the_example_of_tlog_witness_parses_and_round_trips() {
        // The example request body of tlog-witness, "add-checkpoint".
        let body = format!(
            "old 20852014\nPlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\njrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n\n{NOTE}"
        );
        let req = AddCheckpoint::parse(body.as_bytes()).expect("parses");
        assert_eq!(req.old_size, 20852014);
        assert_eq!(req.proof.len(), 4);
        assert_eq!(req.checkpoint, NOTE);
        assert_eq!(req.to_body(), body);
    }

    #[test]
    fn malformed_bodies_are_refused_with_a_reason() {
        let cases: [(&str, RequestError); 6] = [
            ("old 01\n\nx", RequestError::OldLine),
            ("old -1\n\nx", RequestError::OldLine),
            ("new 1\n\nx", RequestError::OldLine),
            ("old 1\nnot base64!\n\nx", RequestError::ProofLine(1)),
            ("old 1\nAAAA\n\nx", RequestError::ProofLine(1)),
            ("old 1\n", RequestError::NoCheckpoint),
        ];
        for (body, want) in cases {
            assert_eq!(AddCheckpoint::parse(body.as_bytes()), Err(want), "{body:?}");
        }
        let line = format!("{}\n", B64.encode([0u8; 32]));
        let too_many = format!("old 1\n{}\n{NOTE}", line.repeat(64));
        assert_eq!(
            AddCheckpoint::parse(too_many.as_bytes()),
            Err(RequestError::TooManyProofLines)
        );
        let just_enough = format!("old 1\n{}\n{NOTE}", line.repeat(63));
        assert!(AddCheckpoint::parse(just_enough.as_bytes()).is_ok());
        assert_eq!(
            AddCheckpoint::parse(&[0xff, 0xfe]),
            Err(RequestError::NotText)
        );
    }

    #[test]
    fn the_409_size_body_round_trips() {
        assert_eq!(size_body(42), "42\n");
        assert_eq!(parse_size_body("42\n"), Some(42));
        assert_eq!(parse_size_body("042\n"), None);
        assert_eq!(parse_size_body("42"), None);
    }
}
