//! Envelope and submission parsing (`domain::envelope`, spec §3): what
//! `POST /api/v1/entries` reads.
//!
//! Invariants: no panic; an envelope that parses round-trips through its
//! JSON form; a submission splits into the envelope parsed from the same
//! members; an envelope whose signature verifies stops verifying when one
//! byte of its statement or signature changes; its statement parses as
//! [`statement_parse`] does on its own.
#![no_main]

use coop_ledger::domain::envelope::{Envelope, MAX_ENVELOPE_BYTES, Submission};
use coop_ledger::domain::statement::parse as statement_parse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_ENVELOPE_BYTES {
        return;
    }
    if let Ok(sub) = serde_json::from_slice::<Submission>(data) {
        let (env, _disclosure) = sub.clone().split();
        assert_eq!(env.statement, sub.statement);
        check_envelope(&env);
    }
    if let Ok(env) = serde_json::from_slice::<Envelope>(data) {
        check_envelope(&env);
    }
});

fn check_envelope(env: &Envelope) {
    let bytes = serde_json::to_vec(env).expect("an envelope serialises");
    let back: Envelope = serde_json::from_slice(&bytes).expect("its JSON parses back");
    assert_eq!(&back, env, "envelope round trip");
    let _ = statement_parse(&env.statement);
    let _ = env.entry_id();
    if env.verify().is_ok() {
        let mut sig = env.clone();
        sig.sig.0[0] ^= 1;
        assert!(sig.verify().is_err(), "a changed signature verifies");
        let mut text = env.clone();
        text.statement.push(' ');
        assert!(text.verify().is_err(), "a changed statement verifies");
    }
}
