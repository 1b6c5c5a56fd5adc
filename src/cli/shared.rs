//! What several subcommands share: the async runtime they block on, and
//! the parsers of flags that more than one of them takes.

use crate::domain::cosignature::WitnessKey;
use crate::domain::keys::PublicKey;
use anyhow::{Context as _, Result};

/// A multi-threaded tokio runtime for one command to block on.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// Parses `--ledger-key`: the ledger public key, pinned out of band.
pub fn parse_ledger_key(s: &str) -> Result<PublicKey, String> {
    PublicKey::parse(s).map_err(|e| format!("not a base64 Ed25519 public key: {e}"))
}

/// Parses a witness's verifier key (`--witness` of `verify-proof`): a
/// signed-note vkey `name+hexid+base64(0x04 ‖ key)`.
pub fn parse_witness_key(s: &str) -> Result<WitnessKey, String> {
    WitnessKey::parse(s).map_err(|e| e.to_string())
}

/// Parses `--witness VKEY=URL` of `serve`. A key name may hold `=`, so
/// the split is at the first `=` whose left side is a vkey.
pub fn parse_witness(s: &str) -> Result<(WitnessKey, String), String> {
    for (at, _) in s.match_indices('=') {
        if let Ok(key) = WitnessKey::parse(&s[..at]) {
            let url = &s[at + 1..];
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(format!("the witness URL {url:?} is not http(s)"));
            }
            return Ok((key, url.trim_end_matches('/').to_owned()));
        }
    }
    Err(format!(
        "expected VKEY=URL, a witness verifier key (name+keyid+base64) then its URL, not {s:?}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_witness_flag_splits_after_the_vkey() {
        let key = crate::domain::cosignature::Cosigner::new(
            "w.example/1",
            ed25519_dalek::SigningKey::from_bytes(&[1u8; 32]),
        )
        .expect("cosigner")
        .witness_key()
        .clone();
        let vkey = key.vkey();
        let (k, url) = parse_witness(&format!("{vkey}=http://127.0.0.1:8090/")).expect("parses");
        assert_eq!((k, url.as_str()), (key, "http://127.0.0.1:8090"));
        assert!(parse_witness(&format!("{vkey}=ftp://x")).is_err());
        assert!(parse_witness("nonsense=http://x").is_err());
    }
}
