//! Durability (spec §7): a `coop-ledger serve` process is killed with
//! SIGKILL while 64 clients are submitting. After a restart every
//! acknowledged leaf is present at its index, the new checkpoint is
//! consistent with every checkpoint handed out before the kill, the
//! `checkpoint` file covers every one of those (issue 14), and the
//! audit passes, live and on the stopped data directory.

mod common;

use common::{ChildServer, hashes, key, register, run_cli};
use coop_ledger::domain::merkle::{leaf_hash, verify_consistency};
use serde_json::Value;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Acknowledgements to collect before the kill.
const ACKS_BEFORE_KILL: usize = 300;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_acknowledged_leaf_is_lost_when_the_server_is_killed_mid_write() {
    let dir = tempfile::tempdir().expect("tempdir");
    common::init_ledger(dir.path());
    // 64 clients on one address: the per-client rates (issue 16) lifted.
    let server = ChildServer::start_unthrottled(dir.path());
    let client = reqwest::Client::new();
    let (_, info) = get(&client, &format!("{}/api/v1/ledger", server.url)).await;
    let verifier = coop_ledger::domain::checkpoint::NoteKey::verifier(
        info["key_name"].as_str().expect("name"),
        &coop_ledger::domain::keys::PublicKey::parse(info["public_key"].as_str().expect("key"))
            .expect("key"),
    );

    let acked: Arc<Mutex<Vec<Value>>> = Arc::default();
    let count = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let enough = Arc::new(tokio::sync::Notify::new());
    let mut tasks = Vec::new();
    for t in 0..64u32 {
        let (client, url) = (client.clone(), server.url.clone());
        let (acked, count, stop, enough) = (
            Arc::clone(&acked),
            Arc::clone(&count),
            Arc::clone(&stop),
            Arc::clone(&enough),
        );
        tasks.push(tokio::spawn(async move {
            let mut i = 0u32;
            while !stop.load(Ordering::SeqCst) {
                let env = register(
                    &format!("coop-{t}-{i}"),
                    "cooperative",
                    &key(t * 100_000 + i),
                    None,
                );
                i += 1;
                let Ok(resp) = client
                    .post(format!("{url}/api/v1/entries"))
                    .json(&env)
                    .send()
                    .await
                else {
                    break;
                };
                if resp.status().as_u16() != 201 {
                    break;
                }
                let Ok(body) = resp.json::<Value>().await else {
                    break;
                };
                acked.lock().expect("lock").push(body);
                if count.fetch_add(1, Ordering::SeqCst) + 1 == ACKS_BEFORE_KILL {
                    enough.notify_one();
                }
            }
        }));
    }
    enough.notified().await;
    // Kill while the 64 clients still have requests in flight.
    tokio::task::spawn_blocking(move || server.kill9())
        .await
        .expect("kill");
    stop.store(true, Ordering::SeqCst);
    for t in tasks {
        t.await.expect("client task");
    }
    let acked = std::mem::take(&mut *acked.lock().expect("lock"));
    assert!(acked.len() >= ACKS_BEFORE_KILL);
    // The checkpoint file is written before a tree is published (issue 14,
    // spec §12.6): after the kill it covers every checkpoint handed out.
    let on_disk = std::fs::read_to_string(dir.path().join("checkpoint")).expect("checkpoint file");
    let file_size = verifier
        .verify(&on_disk, Some(common::ORIGIN))
        .expect("the checkpoint file verifies")
        .size;
    let handed_out = acked
        .iter()
        .filter_map(|a| verifier.verify(a["checkpoint"].as_str()?, None).ok())
        .map(|b| b.size)
        .max()
        .expect("checkpoints");
    assert!(
        handed_out <= file_size,
        "a checkpoint of {handed_out} leaves was handed out, the file holds {file_size}"
    );

    // Restart on the same directory.
    let path = dir.path().to_path_buf();
    let server = tokio::task::spawn_blocking(move || ChildServer::start_unthrottled(&path))
        .await
        .expect("restart");
    let (_, text) = get_text(&client, &format!("{}/api/v1/checkpoint", server.url)).await;
    let latest = verifier
        .verify(&text, Some(common::ORIGIN))
        .expect("the new checkpoint verifies");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("checkpoint")).expect("checkpoint file"),
        text,
        "the restart keeps the checkpoint file at the checkpoint it serves"
    );
    for ack in &acked {
        let index = ack["index"].as_u64().expect("index");
        assert!(
            index < latest.size,
            "acknowledged leaf {index} is inside the new tree ({})",
            latest.size
        );
        let (_, page) = get(
            &client,
            &format!("{}/api/v1/entries?start={index}&limit=1", server.url),
        )
        .await;
        use base64::Engine as _;
        let leaf = base64::engine::general_purpose::STANDARD
            .decode(page["entries"][0]["leaf"].as_str().expect("leaf"))
            .expect("base64");
        assert_eq!(
            leaf_hash(&leaf).to_string(),
            ack["leaf_hash"].as_str().expect("hash"),
            "leaf {index} unchanged"
        );
        let old = verifier
            .verify(
                ack["checkpoint"].as_str().expect("cp"),
                Some(common::ORIGIN),
            )
            .expect("old cp");
        let (_, proof) = get(
            &client,
            &format!(
                "{}/api/v1/proof/consistency?from={}&to={}",
                server.url, old.size, latest.size
            ),
        )
        .await;
        verify_consistency(
            old.size,
            latest.size,
            old.root,
            latest.root,
            &hashes(&proof["proof"]),
        )
        .unwrap_or_else(|e| {
            panic!(
                "checkpoint of size {} before the kill is consistent with the new one: {e}",
                old.size
            )
        });
    }

    // The live audit passes, trusting the last checkpoint handed out.
    let trust = dir.path().join("trusted-checkpoint.txt");
    let last = acked
        .iter()
        .max_by_key(|a| a["index"].as_u64())
        .expect("an ack");
    std::fs::write(&trust, last["checkpoint"].as_str().expect("cp")).expect("write trust");
    let (url, trust_arg) = (server.url.clone(), trust.display().to_string());
    let (code, out) = tokio::task::spawn_blocking(move || {
        run_cli(&["audit", "--server", &url, "--trust", &trust_arg])
    })
    .await
    .expect("audit");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("AUDIT PASSED"), "{out}");

    // And so does the audit of the stopped data directory.
    tokio::task::spawn_blocking(move || server.terminate())
        .await
        .expect("terminate");
    let (dir_arg, trust_arg) = (
        dir.path().display().to_string(),
        trust.display().to_string(),
    );
    let (code, out) = run_cli(&["audit", "--data", &dir_arg, "--trust", &trust_arg]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("trusted checkpoint: size"), "{out}");
}

async fn get(client: &reqwest::Client, url: &str) -> (u16, Value) {
    let resp = client.get(url).send().await.expect("get");
    (resp.status().as_u16(), resp.json().await.expect("json"))
}

async fn get_text(client: &reqwest::Client, url: &str) -> (u16, String) {
    let resp = client.get(url).send().await.expect("get");
    (resp.status().as_u16(), resp.text().await.expect("text"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_process_on_the_same_data_directory_is_refused() {
    let server = common::TestServer::start().await;
    let d = server.dir.path().display().to_string();
    let (code, out) = run_cli(&["serve", "--data", &d, "--listen", "127.0.0.1:0"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("in use by another coop-ledger process"),
        "{out}"
    );
}

/// A stopped ledger: the genesis and three registered cooperatives.
async fn stopped_ledger_with_three_cooperatives() -> tempfile::TempDir {
    let server = common::TestServer::start().await;
    for i in 0..3 {
        let (s, _) = server
            .submit(&register(&format!("htx-{i}"), "cooperative", &key(i), None))
            .await;
        assert_eq!(s, 201);
    }
    server.stop().await
}

/// Opens the data directory after `damage`, returning the refusal text.
async fn reopen_after(damage: impl FnOnce(&std::path::Path)) -> Result<u64, String> {
    let dir = stopped_ledger_with_three_cooperatives().await;
    damage(dir.path());
    coop_ledger::service::Ledger::open(dir.path(), Default::default())
        .map(|l| l.size())
        .map_err(|e| e.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_refuses_to_start_when_leaves_it_signed_for_are_gone() {
    let err = reopen_after(|dir| {
        let path = dir.join("leaves.log");
        let len = std::fs::metadata(&path).expect("meta").len();
        let f = std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .expect("open");
        f.set_len(len - 40).expect("truncate");
    })
    .await
    .expect_err("refused");
    assert!(err.contains("leaves were lost"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_torn_record_at_the_end_is_cut_off_and_nothing_acknowledged_is_lost() {
    let size = reopen_after(|dir| {
        use std::io::Write as _;
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(dir.join("leaves.log"))
            .expect("open");
        // The start of a record whose body never reached the disk.
        f.write_all(&[0, 0, 1, 0, b'{', b'"']).expect("write");
    })
    .await
    .expect("opens");
    assert_eq!(size, 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lost_views_are_rebuilt_from_the_leaf_file_on_open_and_by_reindex() {
    let size =
        reopen_after(|dir| std::fs::remove_dir_all(dir.join("views")).expect("remove views"))
            .await
            .expect("opens");
    assert_eq!(size, 4, "recovery replays every leaf into fresh views");

    let server = common::TestServer::start().await;
    let (s, _) = server
        .submit(&register("htx-a", "cooperative", &key(1), None))
        .await;
    assert_eq!(s, 201);
    let before = server.get("/api/v1/actors/htx-a").await;
    let dir = server.stop().await;
    let d = dir.path().display().to_string();
    let (code, out) = run_cli(&["reindex", "--data", &d]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("rebuilt the views from 2 leaves"), "{out}");
    let server = common::TestServer::serve_dir(dir, Default::default()).await;
    assert_eq!(server.get("/api/v1/actors/htx-a").await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reindex_refuses_to_sign_a_smaller_tree_than_the_checkpoint_it_handed_out() {
    let dir = stopped_ledger_with_three_cooperatives().await;
    // Cut the last record off at its boundary, as a bad restore would.
    let path = dir.path().join("leaves.log");
    let last = coop_ledger::store::leaflog::Records::open(&path, 0)
        .expect("open")
        .map(|r| r.expect("record").0)
        .last()
        .expect("a record");
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .expect("open")
        .set_len(last)
        .expect("truncate");
    let d = dir.path().display().to_string();
    let (code, out) = run_cli(&["reindex", "--data", &d]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("the stored checkpoint covers 4 leaves but leaves.log holds 3"),
        "{out}"
    );
    let (code, out) = run_cli(&["serve", "--data", &d, "--listen", "127.0.0.1:0"]);
    assert_eq!(code, 2, "the server refuses too: {out}");
}
