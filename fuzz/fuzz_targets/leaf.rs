//! Leaf parsing (`domain::leaf::Leaf::parse`, spec §4): the stored bytes
//! every reader and auditor parses.
//!
//! Invariants: no panic; a leaf that parses has a `logged_at` that parses,
//! writes bytes that parse back to the same leaf (and those bytes are
//! canonical: writing the re-parsed leaf gives the same bytes), and its
//! envelope carries the same statement, key and signature.
#![no_main]

use coop_ledger::domain::leaf::Leaf;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(leaf) = Leaf::parse(data) else {
        return;
    };
    assert!(leaf.logged_at().is_ok(), "a parsed leaf has a time");
    let bytes = leaf.to_bytes();
    let back = Leaf::parse(&bytes).expect("written leaf bytes parse");
    assert_eq!(back, leaf, "leaf round trip");
    assert_eq!(back.to_bytes(), bytes, "leaf bytes are canonical");
    let env = leaf.envelope();
    assert_eq!(env.statement, leaf.statement);
    assert_eq!((env.key, env.sig), (leaf.key, leaf.sig));
});
