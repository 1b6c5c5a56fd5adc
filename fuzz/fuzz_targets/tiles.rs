//! The tlog-tiles read API's paths and entry bundles (`domain::tiles`,
//! spec §8.14).
//!
//! Invariants: no panic; only the canonical spelling of a path parses, so
//! a path that parses is written back byte for byte; an entry bundle that
//! decodes encodes back to the same bytes; what a tile serves and holds is
//! computed without panicking for any tree size.
#![no_main]

use coop_ledger::domain::tiles::{
    bundle_leaves, decode_bundle, encode_bundle, is_served, parse_path, path,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(leaves) = decode_bundle(data) {
        assert_eq!(
            encode_bundle(0, &leaves).as_deref(),
            Ok(data),
            "bundle round trip"
        );
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(tile) = parse_path(text) else {
        return;
    };
    assert_eq!(path(&tile), text, "a tile path is written back verbatim");
    assert_eq!(parse_path(&path(&tile)).map(|t| path(&t)), Ok(path(&tile)));
    let range = bundle_leaves(&tile);
    assert!(range.start <= range.end);
    for size in [
        0,
        1,
        255,
        256,
        257,
        65_536,
        range.start,
        range.end,
        u64::MAX,
    ] {
        let _ = is_served(&tile, size);
    }
});
