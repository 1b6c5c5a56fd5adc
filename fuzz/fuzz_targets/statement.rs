//! Statement parsing (`domain::statement::parse`, spec §3, §6).
//!
//! Invariants: parsing never panics and is deterministic; a statement that
//! parses means the same when its JSON is written again another way (keys
//! reordered, whitespace and escapes dropped), since only the signed text
//! is kept and its meaning must not hang on its spelling.
#![no_main]

use coop_ledger::domain::statement::parse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let first = parse(text);
    assert_eq!(first, parse(text), "parse is deterministic");
    let Ok(statement) = first else {
        return;
    };
    let value: serde_json::Value = serde_json::from_str(text).expect("a statement is JSON");
    let again = serde_json::to_string(&value).expect("a value serialises");
    assert_eq!(
        parse(&again).as_ref(),
        Ok(&statement),
        "the same JSON written again is the same statement: {again}"
    );
    let pretty = serde_json::to_string_pretty(&value).expect("a value serialises");
    assert_eq!(parse(&pretty).as_ref(), Ok(&statement));
    let _ = (statement.body.kind(), statement.body.type_name());
});
