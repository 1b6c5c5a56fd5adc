//! Durable, monotonic state (issue 14, spec §7.2, §7.5, §7.6): a real
//! server on 127.0.0.1:0 with sled on disk, whose store I/O goes through a
//! `FaultyIo` that fails one chosen write, sync, rename or directory sync.
//! Each failure gives no false 201, no checkpoint over unsynced leaves,
//! `/healthz` 503 and `coop_ledger_writable 0`, and a restart keeps every
//! acknowledged leaf. `open` refuses a `checkpoint` file ahead of the
//! leaves, even with `views/` gone.

mod common;

use common::{TestServer, check_receipt, init_ledger, key, register};
use coop_ledger::service::{Ledger, OpenOptions};
use coop_ledger::store::io::{FaultyIo, Step};
use std::path::Path;
use std::sync::Arc;

/// Leaves the ledger holds, read from its published checkpoint.
async fn published_size(server: &TestServer) -> u64 {
    let (_, note) = server.get_text("/api/v1/checkpoint").await;
    let verifier = server.verifier().await;
    verifier
        .verify(&note, None)
        .expect("the checkpoint verifies")
        .size
}

fn leaves_len(dir: &Path) -> u64 {
    std::fs::metadata(dir.join("leaves.log"))
        .expect("leaves.log")
        .len()
}

/// Fails the `k`-th `step` of the group commit after one acknowledged
/// entry, and checks what a client, an operator and a restart see.
/// `leaf_synced` says whether the failed commit's leaf was already durable
/// (the failure came after the leaf file's sync).
async fn one_failed_step(step: Step, k: u64, leaf_synced: bool) {
    let fault = Arc::new(FaultyIo::default());
    let server = TestServer::start_with(OpenOptions {
        io: fault.clone(),
        ..OpenOptions::default()
    })
    .await;
    let verifier = server.verifier().await;
    let (status, a) = server
        .submit(&register("coop-a", "cooperative", &key(1), None))
        .await;
    assert_eq!(status, 201, "{a}");
    check_receipt(&verifier, &a);
    let checkpoint_a = a["checkpoint"].as_str().expect("checkpoint").to_owned();
    let len_a = leaves_len(server.dir.path());

    fault.arm(step, k);
    let b = register("coop-b", "cooperative", &key(2), None);
    let (status, answer) = server.submit(&b).await;
    assert_eq!(fault.failed(), vec![step], "the fault was hit");
    assert_eq!(status, 503, "{step:?} #{k} failed, yet: {answer}");
    assert_eq!(answer["error"], "unavailable");

    let (status, health) = server.get_text("/healthz").await;
    assert_eq!(status, 503, "{health}");
    assert!(health.contains("restarted"), "{health}");
    let (_, metrics) = server.get_text("/metrics").await;
    assert!(metrics.contains("coop_ledger_writable 0"), "{metrics}");
    let (status, answer) = server
        .submit(&register("coop-c", "cooperative", &key(3), None))
        .await;
    assert_eq!(status, 503, "nothing more is acknowledged: {answer}");
    let (_, published) = server.get_text("/api/v1/checkpoint").await;
    assert_eq!(published, checkpoint_a, "no new tree was published");

    // The checkpoint file never covers more than the synced leaves.
    let on_disk = std::fs::read_to_string(server.dir.path().join("checkpoint")).expect("file");
    let body = verifier.verify(&on_disk, None).expect("the file verifies");
    let expected = if step == Step::DirSync { 3 } else { 2 };
    assert_eq!(body.size, expected, "checkpoint file after {step:?} #{k}");
    if !leaf_synced {
        assert_eq!(
            leaves_len(server.dir.path()),
            len_a,
            "the unsynced tail is cut back"
        );
    }

    let dir = server.stop().await;
    let server = TestServer::serve_dir(dir, OpenOptions::default()).await;
    let (status, health) = server.get_text("/healthz").await;
    assert_eq!((status, health.as_str()), (200, "ok\n"));
    let (_, metrics) = server.get_text("/metrics").await;
    assert!(metrics.contains("coop_ledger_writable 1"), "{metrics}");
    let (status, _) = server.get("/api/v1/actors/coop-a").await;
    assert_eq!(status, 200, "the acknowledged leaf survives");
    let size = published_size(&server).await;
    assert_eq!(size, if leaf_synced { 3 } else { 2 });
    // The entry that got 503 can be sent again; it lands once.
    let (status, again) = server.submit(&b).await;
    assert!(status == 201 || status == 200, "{again}");
    assert_eq!(again["index"], 2);
    check_receipt(&verifier, &again);
    assert_eq!(published_size(&server).await, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_leaf_write_acknowledges_nothing_and_is_cut_back() {
    one_failed_step(Step::Write, 1, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_leaf_sync_acknowledges_nothing_and_the_unsynced_tail_is_cut() {
    one_failed_step(Step::Sync, 1, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_checkpoint_file_write_acknowledges_nothing() {
    one_failed_step(Step::Write, 2, true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_checkpoint_file_sync_acknowledges_nothing() {
    one_failed_step(Step::Sync, 2, true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_checkpoint_rename_acknowledges_nothing() {
    one_failed_step(Step::Rename, 1, true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_directory_sync_acknowledges_nothing() {
    one_failed_step(Step::DirSync, 1, true).await;
}

fn open_error(dir: &Path, options: OpenOptions) -> String {
    match Ledger::open(dir, options) {
        Ok(_) => panic!("the ledger opened"),
        Err(e) => e.to_string(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_refuses_leaves_cut_behind_the_checkpoint_file_even_without_views() {
    let dir = tempfile::tempdir().expect("tempdir");
    init_ledger(dir.path());
    let genesis_end = leaves_len(dir.path());
    let server = TestServer::serve_dir(dir, OpenOptions::default()).await;
    for n in 0..2 {
        let (status, body) = server
            .submit(&register(
                &format!("coop-{n}"),
                "cooperative",
                &key(n),
                None,
            ))
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let dir = server.stop().await;
    // An older backup of leaves.log, and the views lost.
    std::fs::OpenOptions::new()
        .write(true)
        .open(dir.path().join("leaves.log"))
        .and_then(|f| f.set_len(genesis_end))
        .expect("cut");
    std::fs::remove_dir_all(dir.path().join("views")).expect("views");
    let error = open_error(dir.path(), OpenOptions::default());
    assert!(
        error.contains("the checkpoint file covers 3 leaves but leaves.log holds 1"),
        "{error}"
    );
    assert!(error.contains("backup"), "it says what to do: {error}");
    assert!(
        std::fs::metadata(dir.path().join("checkpoint")).is_ok(),
        "the refusal keeps the checkpoint file"
    );
}

fn copy_ledger(from: &Path, to: &Path) {
    for name in ["ledger.json", "ledger-key.pem", "leaves.log", "checkpoint"] {
        std::fs::copy(from.join(name), to.join(name)).expect("copy");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_refuses_leaves_whose_root_differs_from_the_checkpoint_file() {
    let first = tempfile::tempdir().expect("tempdir");
    init_ledger(first.path());
    let second = tempfile::tempdir().expect("tempdir");
    copy_ledger(first.path(), second.path());
    // Two histories of the same ledger key, each of two leaves.
    let mut dirs = Vec::new();
    for (dir, n) in [(first, 1), (second, 2)] {
        let server = TestServer::serve_dir(dir, OpenOptions::default()).await;
        let (status, body) = server
            .submit(&register(
                &format!("coop-{n}"),
                "cooperative",
                &key(n),
                None,
            ))
            .await;
        assert_eq!(status, 201, "{body}");
        dirs.push(server.stop().await);
    }
    std::fs::copy(
        dirs[0].path().join("checkpoint"),
        dirs[1].path().join("checkpoint"),
    )
    .expect("copy");
    std::fs::remove_dir_all(dirs[1].path().join("views")).expect("views");
    let error = open_error(dirs[1].path(), OpenOptions::default());
    assert!(
        error.contains("the root of the first 2 leaves differs from the checkpoint file"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_syncs_the_leaf_file_before_replaying_and_refuses_when_that_fails() {
    let dir = tempfile::tempdir().expect("tempdir");
    init_ledger(dir.path());
    let fault = Arc::new(FaultyIo::default());
    fault.arm(Step::Sync, 1);
    let error = open_error(
        dir.path(),
        OpenOptions {
            io: fault.clone(),
            ..OpenOptions::default()
        },
    );
    assert_eq!(fault.failed(), vec![Step::Sync]);
    assert!(error.contains("injected fault"), "{error}");
    // A sound disk opens the same directory.
    let server = TestServer::serve_dir(dir, OpenOptions::default()).await;
    assert_eq!(published_size(&server).await, 1);
}
