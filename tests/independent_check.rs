//! The ledger's checkpoint, proofs and signatures verify with an independent
//! implementation: `tests/independent/verify_ledger.py`, written from the
//! project's spec (docs/spec.md) and the C2SP / RFC 9162 specs with only `hashlib` and
//! PyNaCl. CI installs PyNaCl; without it these tests fail, never skip.

mod common;

use std::process::Output;

/// Registers 1 cooperative, 10 of its members and 1 business, so that with
/// the genesis the tree holds 13 leaves (not a power of two).
async fn populated_server() -> common::TestServer {
    let server = common::TestServer::start().await;
    let mut envelopes = vec![common::register(
        "htx-phominh",
        "cooperative",
        &common::key(1),
        None,
    )];
    for n in 0..10 {
        envelopes.push(common::register(
            &format!("tv-{n:02}"),
            "member",
            &common::key(100 + n),
            Some("htx-phominh"),
        ));
    }
    envelopes.push(common::register(
        "dn-vinafruit",
        "business",
        &common::key(2),
        None,
    ));
    for env in &envelopes {
        let (status, body) = server.submit(env).await;
        assert_eq!(status, 201, "submission refused: {body}");
    }
    let (_, cp) = server.get_text("/api/v1/checkpoint").await;
    assert_eq!(cp.lines().nth(1), Some("13"), "checkpoint: {cp}");
    server
}

/// Runs the Python verifier against `url` with `extra` arguments.
async fn run_verifier(url: &str, extra: &[&str]) -> Output {
    let mut args = vec![url.to_string()];
    args.extend(extra.iter().map(|a| a.to_string()));
    common::run_independent("verify_ledger.py", args).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_independent_python_verifier_accepts_the_ledgers_checkpoint_proofs_and_signatures() {
    let server = populated_server().await;
    let out = run_verifier(&server.url, &[]).await;
    let log = common::transcript(&out);
    println!("{log}");
    assert_eq!(
        out.status.code(),
        Some(0),
        "the Python verifier rejected the ledger:\n{log}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("size 13,"), "{log}");
    assert!(
        stdout.contains("13 leaf signatures, 13 inclusion proofs, 4 consistency proofs checked"),
        "{log}"
    );
    assert!(
        stdout.contains("negative self-checks: 7/7 rejected"),
        "the verifier's own negative checks did not all reject:\n{log}"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_independent_python_verifier_rejects_the_ledgers_data_with_one_bit_flipped() {
    let server = populated_server().await;
    for (tamper, reported) in [
        ("checkpoint-sig", "checkpoint signature does not verify"),
        ("leaf", "root recomputed from the leaves != checkpoint root"),
        ("inclusion-proof", "inclusion proof for index 12 in size 13"),
    ] {
        let out = run_verifier(&server.url, &["--tamper", tamper]).await;
        let log = common::transcript(&out);
        assert_eq!(
            out.status.code(),
            Some(1),
            "a flipped bit in the {tamper} was not rejected:\n{log}"
        );
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(reported),
            "{tamper}: expected the failure {reported:?}:\n{log}"
        );
    }
    server.stop().await;
}
