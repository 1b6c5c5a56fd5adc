//! What several subcommands share: the async runtime they block on, and
//! the parsers of flags that more than one of them takes.

use crate::domain::cosignature::WitnessKey;
use crate::domain::keys::PublicKey;
use crate::http::limits::{Limits, Rate};
use anyhow::{Context as _, Result};
use std::time::Duration;

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

/// The server's limits as `serve` and `demo` take them (spec §8.19,
/// §10.3); each default is [`Limits::default`]'s.
#[derive(clap::Args, Debug, Clone)]
pub struct LimitArgs {
    /// Seconds a request's head may take to arrive; also how long a kept-alive connection may wait for its next request.
    #[arg(long, value_name = "SECONDS", default_value_t = Limits::default().header_read.as_secs(), value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub header_timeout: u64,
    /// Seconds a connection may go without reading or writing a byte.
    #[arg(long, value_name = "SECONDS", default_value_t = Limits::default().idle.as_secs(), value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub idle_timeout: u64,
    /// Seconds one request may take, from its head to its answer.
    #[arg(long, value_name = "SECONDS", default_value_t = Limits::default().request.as_secs(), value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub request_timeout: u64,
    /// The most connections open at once (keep it below the process's open-file limit).
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_connections as u64, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub max_connections: u64,
    /// Submissions one client (IP address) may make a second, on average.
    #[arg(long, value_name = "N", default_value_t = Limits::default().writes.per_second(), value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub write_rate: u32,
    /// Submissions one client may make at once.
    #[arg(long, value_name = "N", default_value_t = Limits::default().writes.burst(), value_parser = clap::value_parser!(u32).range(1..))]
    pub write_burst: u32,
    /// Expensive reads (exports, traces, labels, linkage figures, the entries list) one client may make a second.
    #[arg(long, value_name = "N", default_value_t = Limits::default().expensive_reads.per_second(), value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub read_rate: u32,
    /// Expensive reads one client may make at once.
    #[arg(long, value_name = "N", default_value_t = Limits::default().expensive_reads.burst(), value_parser = clap::value_parser!(u32).range(1..))]
    pub read_burst: u32,
}

impl LimitArgs {
    /// The limits these flags give.
    pub fn limits(&self) -> Result<Limits> {
        let rate = |per_second, burst, what: &str| {
            Rate::new(per_second, burst).with_context(|| format!("--{what}-rate {per_second}, --{what}-burst {burst}: each must be at least 1, the rate at most {}", Rate::MAX_PER_SECOND))
        };
        Ok(Limits {
            header_read: Duration::from_secs(self.header_timeout),
            idle: Duration::from_secs(self.idle_timeout),
            request: Duration::from_secs(self.request_timeout),
            max_connections: usize::try_from(self.max_connections).unwrap_or(usize::MAX),
            writes: rate(self.write_rate, self.write_burst, "write")?,
            expensive_reads: rate(self.read_rate, self.read_burst, "read")?,
        })
    }
}
