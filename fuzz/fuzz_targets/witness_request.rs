//! The C2SP tlog-witness request bodies (`domain::witness_request`, spec
//! §8.15): `add-checkpoint` and the 409 size answer.
//!
//! Invariants: no panic; a request that parses is written back byte for
//! byte (the checkpoint note is kept verbatim); a size body that parses is
//! the one `size_body` writes for that size.
#![no_main]

use coop_ledger::domain::witness_request::{AddCheckpoint, parse_size_body, size_body};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(req) = AddCheckpoint::parse(data) {
        assert_eq!(
            req.to_body().as_bytes(),
            data,
            "a request is written back verbatim"
        );
        assert_eq!(AddCheckpoint::parse(req.to_body().as_bytes()), Ok(req));
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(size) = parse_size_body(text) {
        assert_eq!(size_body(size), text);
    }
});
