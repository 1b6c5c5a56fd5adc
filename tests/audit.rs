//! `coop-ledger audit` (spec §10) catches tampering with stored data and
//! names the leaf: a leaf changed (even with its checksum fixed up), a leaf
//! removed, and a trusted checkpoint the log no longer matches.

mod common;

use common::{TestServer, key, register, run_cli};
use coop_ledger::store::leaflog::{MAGIC, Records};
use std::path::Path;

/// A stopped ledger with a genesis and `n` registrations.
async fn ledger_with(n: u32) -> (tempfile::TempDir, String) {
    let server = TestServer::start().await;
    for i in 0..n {
        let (s, body) = server
            .submit(&register(&format!("htx-{i}"), "cooperative", &key(i), None))
            .await;
        assert_eq!(s, 201, "{body}");
    }
    let (_, checkpoint) = server.get_text("/api/v1/checkpoint").await;
    (server.stop().await, checkpoint)
}

/// Rewrites leaves.log with `edit` applied to the list of leaf records,
/// framing each record exactly as the ledger does (so the checksums are
/// right and only the audit's cryptography can notice).
fn rewrite_leaves(dir: &Path, edit: impl FnOnce(&mut Vec<Vec<u8>>)) {
    let path = dir.join("leaves.log");
    let mut leaves: Vec<Vec<u8>> = Records::open(&path, 0)
        .expect("open")
        .map(|r| r.expect("record").1)
        .collect();
    edit(&mut leaves);
    let mut out = MAGIC.to_vec();
    for leaf in &leaves {
        out.extend_from_slice(&(leaf.len() as u32).to_be_bytes());
        out.extend_from_slice(leaf);
        out.extend_from_slice(&crc32fast::hash(leaf).to_be_bytes());
    }
    std::fs::write(&path, out).expect("write");
}

fn audit(dir: &Path, trust: Option<&Path>) -> (i32, String) {
    let d = dir.display().to_string();
    let mut args = vec!["audit", "--data", d.as_str()];
    let t = trust.map(|t| t.display().to_string());
    if let Some(t) = &t {
        args.extend(["--trust", t.as_str()]);
    }
    run_cli(&args)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_untouched_ledger_passes_the_audit() {
    let (dir, _) = ledger_with(6).await;
    let (code, out) = audit(dir.path(), None);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("leaves: 7"), "{out}");
    assert!(out.contains("AUDIT PASSED"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_leaf_fails_the_audit_naming_its_index() {
    let (dir, _) = ledger_with(6).await;
    rewrite_leaves(dir.path(), |leaves| {
        let text = String::from_utf8(leaves[4].clone()).expect("utf-8");
        assert!(text.contains("Tên htx-3"));
        leaves[4] = text.replace("Tên htx-3", "Tên htx-X").into_bytes();
    });
    let (code, out) = audit(dir.path(), None);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("FAIL leaf 4: the signature does not verify"),
        "{out}"
    );
    assert!(out.contains("root the leaves do not give"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_leaf_fails_the_audit_naming_its_index() {
    let (dir, _) = ledger_with(6).await;
    rewrite_leaves(dir.path(), |leaves| {
        leaves.remove(3);
    });
    let (code, out) = audit(dir.path(), None);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("FAIL leaf 3: the leaf says it is leaf 4"),
        "{out}"
    );
    assert!(out.contains("leaves are missing"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_log_rewritten_after_a_trusted_checkpoint_fails_the_consistency_check() {
    let (dir, checkpoint) = ledger_with(3).await;
    let trust = dir.path().join("trusted.txt");
    std::fs::write(&trust, &checkpoint).expect("save the checkpoint");
    // Drop the last leaf: the ledger now holds fewer leaves than it once
    // signed for.
    rewrite_leaves(dir.path(), |leaves| {
        leaves.pop();
    });
    let (code, out) = audit(dir.path(), Some(&trust));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("the trusted checkpoint covers 4 leaves but only 3 were found"),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trusted_checkpoint_from_another_ledger_is_refused() {
    let (dir, _) = ledger_with(1).await;
    let (_other_dir, other_checkpoint) = ledger_with(1).await;
    let trust = dir.path().join("other.txt");
    std::fs::write(&trust, other_checkpoint).expect("write");
    let (code, out) = audit(dir.path(), Some(&trust));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "the trusted checkpoint: the checkpoint carries no signature by the ledger key"
        ),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_refuses_a_data_directory_a_server_has_open() {
    let server = TestServer::start().await;
    let (code, out) = audit(server.dir.path(), None);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("audit a live ledger with --server URL"),
        "{out}"
    );
}

/// Issue 3: the audit replays every rule, not just signatures. Two validly
/// signed leaves swapped (a receipt logged before its shipment, indexes
/// rewritten so each leaf sits where it says) must fail on the rule.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leaf_that_breaks_a_rule_fails_the_audit_even_when_every_signature_holds() {
    use common::cast::*;
    use common::{lychee, signed};
    use coop_ledger::domain::leaf::Leaf;
    use serde_json::json;
    let server = TestServer::with_cast().await;
    server
        .ok(&signed(MEMBER, "batch.create", lychee("lot-1", "100")))
        .await;
    server
        .ok(&signed(
            MEMBER,
            "batch.ship",
            json!({"batch": "lot-1", "to": COOP}),
        ))
        .await;
    let receipt = server
        .ok(&signed(
            COOP,
            "batch.receive",
            json!({"batch": "lot-1", "accepted": true}),
        ))
        .await;
    let last = receipt["index"].as_u64().expect("index") as usize;
    let dir = server.stop().await;
    let (code, out) = audit(dir.path(), None);
    assert_eq!(code, 0, "{out}");
    rewrite_leaves(dir.path(), |leaves| {
        leaves.swap(last - 1, last);
        for i in [last - 1, last] {
            let old = Leaf::parse(&leaves[i]).expect("leaf");
            let logged_at = old.logged_at().expect("time");
            leaves[i] = Leaf::new(i as u64, logged_at, &old.envelope()).to_bytes();
        }
    });
    let (code, out) = audit(dir.path(), None);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!(
            "FAIL leaf {}: the rules refuse it on replay: not_in_transit",
            last - 1
        )),
        "{out}"
    );
}

/// Issue 14: the audit checks the data directory's `checkpoint` file too:
/// a file whose note was altered (or signed over another history) fails,
/// naming the file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tampered_checkpoint_file_fails_the_audit() {
    let (dir, checkpoint) = ledger_with(3).await;
    let path = dir.path().join("checkpoint");
    assert_eq!(
        std::fs::read_to_string(&path).expect("the file"),
        checkpoint
    );
    let (code, out) = audit(dir.path(), None);
    assert_eq!(code, 0, "{out}");
    // Another root under the same size: the signature no longer verifies.
    let mut lines: Vec<String> = checkpoint.lines().map(str::to_owned).collect();
    lines[2] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".to_owned();
    std::fs::write(&path, lines.join("\n") + "\n").expect("tamper");
    let (code, out) = audit(dir.path(), None);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("the checkpoint file"), "{out}");
}
