//! issue 14: `coop-ledger witness serve` is a C2SP tlog-witness for any
//! log. The logs here are built in the test from the `tlog_tiles` and
//! `signed_note` crates only (not the ledger's code), except the last
//! test, which forks OUR ledger. Every test runs the real binary.

mod common;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use common::ChildServer;
use coop_ledger::domain::cosignature::WitnessKey;
use signed_note::{Note, Signer, StandardSigner};
use std::path::Path;
use tlog_tiles::{Checkpoint, EMPTY_HASH, Hash, HashReader, prove_tree, stored_hashes, tree_hash};

/// A log in memory: stored hashes in the tlog layout, and its signer.
struct TestLog {
    origin: String,
    signer: StandardSigner,
    vkey: String,
    stored: Vec<Hash>,
    size: u64,
}

impl HashReader for TestLog {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, tlog_tiles::Error> {
        indexes
            .iter()
            .map(|&i| {
                self.stored
                    .get(i as usize)
                    .copied()
                    .ok_or(tlog_tiles::Error::IndexesNotInTree)
            })
            .collect()
    }
}

impl TestLog {
    /// A log whose key name is `key_name`, with `n` leaves tagged `tag`.
    fn new(origin: &str, key_name: &str, n: u64, tag: &str) -> Self {
        let (skey, vkey) = signed_note::generate_key(&mut rand_core::OsRng, key_name);
        let mut log = Self {
            origin: origin.into(),
            signer: StandardSigner::new(&skey).expect("skey"),
            vkey,
            stored: Vec::new(),
            size: 0,
        };
        log.append(n, tag);
        log
    }

    /// The same key, other leaves: a fork.
    fn fork(&self, n: u64, tag: &str) -> Self {
        let mut log = Self {
            origin: self.origin.clone(),
            signer: self.signer.clone(),
            vkey: self.vkey.clone(),
            stored: Vec::new(),
            size: 0,
        };
        log.append(n, tag);
        log
    }

    fn append(&mut self, n: u64, tag: &str) {
        for _ in 0..n {
            let leaf = format!("{tag} leaf {}", self.size);
            let new = stored_hashes(self.size, leaf.as_bytes(), &*self).expect("hashes");
            self.stored.extend(new);
            self.size += 1;
        }
    }

    fn root(&self, size: u64) -> Hash {
        tree_hash(size, self).expect("root")
    }

    /// The checkpoint text at `size`, with `extension` lines.
    fn text(&self, size: u64, extension: &str) -> Vec<u8> {
        Checkpoint::new(&self.origin, size, self.root(size), extension)
            .expect("checkpoint")
            .to_bytes()
    }

    /// A note of `text` signed by `signers`.
    fn sign(text: &[u8], signers: &[&dyn Signer]) -> String {
        let mut note = Note::new(text, &[]).expect("note");
        note.add_sigs(signers).expect("sign");
        String::from_utf8(note.to_bytes()).expect("utf-8")
    }

    /// The signed checkpoint at `size`.
    fn note(&self, size: u64) -> String {
        Self::sign(&self.text(size, ""), &[&self.signer])
    }

    fn proof(&self, old: u64, new: u64) -> Vec<Hash> {
        prove_tree(new, old, self).expect("proof")
    }
}

/// An `add-checkpoint` body, written from tlog-witness.
fn body(old: u64, proof: &[Hash], note: &str) -> String {
    let mut b = format!("old {old}\n");
    for h in proof {
        b.push_str(&B64.encode(h.0));
        b.push('\n');
    }
    b.push('\n');
    b.push_str(note);
    b
}

fn origin_hash(origin: &str) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(origin.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `witness init` in `dir` with `logs` (each a `--log` value); returns
/// the printed witness key.
fn init(dir: &Path, logs: &[String]) -> WitnessKey {
    let d = dir.display().to_string();
    let mut args = vec!["witness", "init", "--data", &d, "--name", "witness.test/w1"];
    for l in logs {
        args.extend(["--log", l.as_str()]);
    }
    let (code, out) = common::run_cli(&args);
    assert_eq!(code, 0, "{out}");
    WitnessKey::parse(out.lines().next().expect("vkey").trim()).expect("a witness vkey")
}

fn serve(dir: &Path) -> ChildServer {
    let d = dir.display().to_string();
    ChildServer::spawn(&["witness", "serve", "--data", &d, "--listen", "127.0.0.1:0"])
}

/// An answer: status, content type, body.
struct Answer {
    status: u16,
    content_type: String,
    body: String,
}

async fn post(url: &str, body: String) -> Answer {
    let resp = reqwest::Client::new()
        .post(format!("{url}/add-checkpoint"))
        .body(body)
        .send()
        .await
        .expect("POST");
    answer(resp).await
}

async fn get(url: &str, path: &str) -> Answer {
    answer(reqwest::get(format!("{url}{path}")).await.expect("GET")).await
}

async fn answer(resp: reqwest::Response) -> Answer {
    let status = resp.status().as_u16();
    let content_type = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().expect("type").to_owned())
        .unwrap_or_default();
    Answer {
        status,
        content_type,
        body: resp.text().await.expect("body"),
    }
}

/// Checks a 200: one cosignature line by `key` on `note`, timestamped now.
fn check_cosigned(key: &WitnessKey, note: &str, a: &Answer) {
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.content_type, "text/plain; charset=utf-8");
    assert!(a.body.starts_with("— witness.test/w1 "), "{}", a.body);
    assert!(a.body.ends_with('\n') && a.body.lines().count() == 1);
    let ts = key
        .cosigned(&format!("{note}{}", a.body))
        .expect("verifies")
        .expect("a line of this witness");
    let now = time::OffsetDateTime::now_utc().unix_timestamp() as u64;
    assert!(
        ts > 0 && ts.abs_diff(now) < 300,
        "timestamp {ts}, now {now}"
    );
}

/// Runs the independent Python verifier on `note` (written to `dir`).
async fn python_verifies(dir: &Path, key: &WitnessKey, note: &str, log_vkey: &str) -> bool {
    let file = dir.join("cosigned.note");
    std::fs::write(&file, note).expect("write note");
    let out = common::run_independent(
        "verify_cosignature.py",
        vec![
            key.vkey(),
            file.display().to_string(),
            "--log-vkey".into(),
            log_vkey.into(),
        ],
    )
    .await;
    println!("{}", common::transcript(&out));
    out.status.code() == Some(0)
}

fn evidence_files(dir: &Path) -> usize {
    std::fs::read_dir(dir.join("evidence"))
        .expect("evidence dir")
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_14_the_witness_answers_every_status_of_tlog_witness() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = TestLog::new("example.com/log-a", "example.com/log-a", 12, "a");
    // Log B is configured as ORIGIN=VKEY: its key name is not its origin.
    let b = TestLog::new("example.com/log-b", "log-b-key.example", 3, "b");
    let key = init(
        dir.path(),
        &[a.vkey.clone(), format!("{}={}", b.origin, b.vkey)],
    );
    let w = serve(dir.path());
    let a_path = format!("/{}/checkpoint", origin_hash(&a.origin));
    let b_path = format!("/{}/checkpoint", origin_hash(&b.origin));

    // Never cosigned: the monitoring read is 404.
    assert_eq!(get(&w.url, &a_path).await.status, 404);

    // 200: the first checkpoint, from old size 0.
    let n5 = a.note(5);
    let ok = post(&w.url, body(0, &[], &n5)).await;
    check_cosigned(&key, &n5, &ok);
    let kept = get(&w.url, &a_path).await;
    assert_eq!(kept.status, 200);
    assert_eq!(
        kept.body,
        format!("{n5}{}", ok.body),
        "log line + cosignature"
    );
    assert!(python_verifies(dir.path(), &key, &kept.body, &a.vkey).await);
    // The Python verifier can fail: the same line on another size.
    let other = format!("{}{}", a.note(6), ok.body);
    assert!(!python_verifies(dir.path(), &key, &other, &a.vkey).await);

    // 409: the old size is not the one cosigned; the body says 5.
    let n10 = a.note(10);
    let conflict = post(&w.url, body(3, &a.proof(3, 10), &n10)).await;
    assert_eq!(conflict.status, 409);
    assert_eq!(conflict.content_type, "text/x.tlog.size");
    assert_eq!(conflict.body, "5\n");
    assert_eq!(post(&w.url, body(0, &[], &n10)).await.body, "5\n");

    // 400: old size above the checkpoint's; malformed bodies.
    assert_eq!(post(&w.url, body(11, &[], &n10)).await.status, 400);
    for bad in [
        format!("old 05\n\n{n10}"),
        format!("old 5\nnot a hash\n\n{n10}"),
        "hello".to_owned(),
        body(5, &[], "example.com/log-a\n10\nnot a note\n"),
    ] {
        let a = post(&w.url, bad.clone()).await;
        assert_eq!(a.status, 400, "{bad:?}: {}", a.body);
        assert!(a.body.contains("bad_witness_request"), "{}", a.body);
    }
    let too_many = format!(
        "old 5\n{}\n{n10}",
        format!("{}\n", B64.encode([0u8; 32])).repeat(64)
    );
    assert_eq!(post(&w.url, too_many).await.status, 400);

    // 404: an origin the witness does not follow.
    let c = TestLog::new("example.com/log-c", "example.com/log-c", 2, "c");
    let unknown = post(&w.url, body(0, &[], &c.note(2))).await;
    assert_eq!(unknown.status, 404);
    assert!(unknown.body.contains("unknown_log"), "{}", unknown.body);

    // 403: only a stranger's signature (same name, another key).
    let stranger = TestLog::new("example.com/log-a", "example.com/log-a", 0, "s");
    let by_stranger = TestLog::sign(&a.text(10, ""), &[&stranger.signer]);
    let forbidden = post(&w.url, body(5, &a.proof(5, 10), &by_stranger)).await;
    assert_eq!(forbidden.status, 403);
    assert!(forbidden.body.contains("not_signed_by_log"));
    // 403: the trusted key's line does not verify (one bit flipped).
    let (text, line) = n10.rsplit_once("\n\n").expect("signature");
    let (prefix, sig) = line.trim_end().rsplit_once(' ').expect("line");
    let mut raw = B64.decode(sig).expect("b64");
    raw[20] ^= 1;
    let flipped = format!("{text}\n\n{prefix} {}\n", B64.encode(raw));
    assert_eq!(
        post(&w.url, body(5, &a.proof(5, 10), &flipped))
            .await
            .status,
        403
    );
    // … even beside a stranger's line that is ignored.
    let (_, stranger_line) = by_stranger.rsplit_once("\n\n").expect("sig");
    assert_eq!(
        post(
            &w.url,
            body(5, &a.proof(5, 10), &format!("{flipped}{stranger_line}"))
        )
        .await
        .status,
        403
    );
    assert_eq!(evidence_files(dir.path()), 0);

    // 422: a proof that does not verify; the same size with another root.
    let bad_proof = post(&w.url, body(5, &a.proof(4, 10), &n10)).await;
    assert_eq!(bad_proof.status, 422, "{}", bad_proof.body);
    assert!(bad_proof.body.contains("inconsistent_checkpoint"));
    let forked = a.fork(5, "fork");
    let fork = post(&w.url, body(5, &[], &forked.note(5))).await;
    assert_eq!(fork.status, 422, "{}", fork.body);
    // Both were validly signed: kept as evidence.
    assert_eq!(evidence_files(dir.path()), 2);
    assert_eq!(get(&w.url, &a_path).await.body, kept.body, "not cosigned");

    // 200: the consistent next checkpoint, then the same one again.
    let grown = post(&w.url, body(5, &a.proof(5, 10), &n10)).await;
    check_cosigned(&key, &n10, &grown);
    check_cosigned(&key, &n10, &post(&w.url, body(10, &[], &n10)).await);

    // 200 on a note with extension lines and several signatures: the
    // cosignature covers the whole body, extension lines included.
    let text12 = a.text(12, "extension line one\nextension two\n");
    let n12 = TestLog::sign(&text12, &[&a.signer, &stranger.signer]);
    let ext = post(&w.url, body(10, &a.proof(10, 12), &n12)).await;
    check_cosigned(&key, &n12, &ext);
    assert!(
        key.cosigned(&format!("{}{}", a.note(12), ext.body))
            .is_err(),
        "the extension lines are signed"
    );
    let kept12 = get(&w.url, &a_path).await.body;
    assert!(kept12.contains("extension two\n") && kept12.ends_with(&ext.body));
    assert!(
        !kept12.contains(stranger_line.trim_end()),
        "only the verified log lines are kept"
    );
    assert!(python_verifies(dir.path(), &key, &kept12, &a.vkey).await);

    // Log B, never cosigned: size 0 must have the empty root; old 0 takes
    // no proof.
    let bad_empty = format!("{}\n0\n{}\n", b.origin, b.root(1));
    let bad_empty = TestLog::sign(bad_empty.as_bytes(), &[&b.signer]);
    assert_eq!(post(&w.url, body(0, &[], &bad_empty)).await.status, 422);
    assert_eq!(
        post(&w.url, body(0, &b.proof(1, 3), &b.note(3)))
            .await
            .status,
        422
    );
    assert_eq!(get(&w.url, &b_path).await.status, 404);
    // Never cosigned: the size held is 0.
    let never = post(&w.url, body(2, &b.proof(2, 3), &b.note(3))).await;
    assert_eq!((never.status, never.body.as_str()), (409, "0\n"));
    let empty = format!("{}\n0\n{}\n", b.origin, EMPTY_HASH);
    let empty = TestLog::sign(empty.as_bytes(), &[&b.signer]);
    check_cosigned(&key, &empty, &post(&w.url, body(0, &[], &empty)).await);
    assert_eq!(get(&w.url, &b_path).await.status, 200);
    // The next one from size 0.
    check_cosigned(
        &key,
        &b.note(3),
        &post(&w.url, body(0, &[], &b.note(3))).await,
    );

    // 413 beyond the body limit.
    let huge = format!("old 0\n\n{}", "x".repeat(64 * 1024));
    assert_eq!(post(&w.url, huge).await.status, 413);
    // add-checkpoint is a POST; an unknown path is 404.
    let wrong_method = get(&w.url, "/add-checkpoint").await;
    assert_eq!(wrong_method.status, 405);
    assert!(wrong_method.body.contains("method_not_allowed"));
    let not_a_log = get(&w.url, "/not-a-hash/checkpoint").await;
    assert_eq!(not_a_log.status, 404);
    assert!(not_a_log.body.contains("not_cosigned"));
    assert!(get(&w.url, "/nothing").await.body.contains("not_found"));

    assert_eq!(get(&w.url, "/healthz").await.body, "ok\n");
    let metrics = get(&w.url, "/metrics").await.body;
    for want in [
        "coop_ledger_witness_requests_total{origin=\"example.com/log-a\",outcome=\"cosigned\"} 4",
        "coop_ledger_witness_requests_total{origin=\"example.com/log-a\",outcome=\"old_size_conflict\"} 2",
        "coop_ledger_witness_requests_total{origin=\"example.com/log-a\",outcome=\"inconsistent_checkpoint\"} 2",
        "coop_ledger_witness_requests_total{origin=\"unknown\",outcome=\"unknown_log\"} 1",
        "coop_ledger_witness_cosigned_size{origin=\"example.com/log-a\"} 12",
        "coop_ledger_witness_cosigned_size{origin=\"example.com/log-b\"} 3",
    ] {
        assert!(metrics.contains(want), "{want} in:\n{metrics}");
    }
    w.terminate();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_14_a_restarted_witness_keeps_what_it_cosigned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = TestLog::new("example.com/restart", "example.com/restart", 9, "r");
    let key = init(dir.path(), std::slice::from_ref(&log.vkey));
    let w = serve(dir.path());
    check_cosigned(
        &key,
        &log.note(7),
        &post(&w.url, body(0, &[], &log.note(7))).await,
    );
    w.terminate();

    let w = serve(dir.path());
    let conflict = post(&w.url, body(0, &[], &log.note(9))).await;
    assert_eq!((conflict.status, conflict.body.as_str()), (409, "7\n"));
    assert_eq!(conflict.content_type, "text/x.tlog.size");
    let kept = get(&w.url, &format!("/{}/checkpoint", origin_hash(&log.origin))).await;
    assert!(kept.body.starts_with(&log.note(7)), "{}", kept.body);
    check_cosigned(
        &key,
        &log.note(9),
        &post(&w.url, body(7, &log.proof(7, 9), &log.note(9))).await,
    );
    w.kill9();
    // Killed at once after the answer: the state was durable before it.
    let w = serve(dir.path());
    assert_eq!(post(&w.url, body(0, &[], &log.note(9))).await.body, "9\n");
    w.terminate();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_14_concurrent_requests_never_roll_the_size_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = std::sync::Arc::new(TestLog::new(
        "example.com/race",
        "example.com/race",
        48,
        "x",
    ));
    init(dir.path(), std::slice::from_ref(&log.vkey));
    let w = serve(dir.path());
    assert_eq!(post(&w.url, body(0, &[], &log.note(1))).await.status, 200);
    // Every size from 2 to 48 at once; each client follows the 409s as a
    // log does, until it is cosigned or overtaken by a larger size.
    let mut tasks = Vec::new();
    for n in 2..=log.size {
        let (log, url) = (std::sync::Arc::clone(&log), w.url.clone());
        tasks.push(tokio::spawn(async move {
            let mut old = 1;
            loop {
                let a = post(&url, body(old, &log.proof(old, n), &log.note(n))).await;
                match a.status {
                    200 => return Some(n),
                    409 => {
                        let held: u64 = a.body.trim_end().parse().expect("size");
                        if held >= n {
                            return None;
                        }
                        old = held;
                    }
                    other => panic!("size {n} from {old}: {other} {}", a.body),
                }
            }
        }));
    }
    let mut cosigned = Vec::new();
    for t in tasks {
        cosigned.extend(t.await.expect("task"));
    }
    assert!(cosigned.contains(&48), "{cosigned:?}");
    let kept = get(&w.url, &format!("/{}/checkpoint", origin_hash(&log.origin))).await;
    assert!(
        kept.body.starts_with(&log.note(48)),
        "the size went back: {}",
        kept.body
    );
    assert_eq!(post(&w.url, body(0, &[], &log.note(48))).await.body, "48\n");
    w.terminate();
}

/// Logs a registration of cooperative `id` (key number `n`) in `ledger`.
async fn submit(ledger: &coop_ledger::service::Ledger, id: &str, n: u32) {
    let env = common::register(id, "cooperative", &common::key(n), None);
    let body = serde_json::to_vec(&env).expect("json");
    ledger.submit(&body).await.expect("logged");
}

/// Copies a stopped ledger's data directory.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let dest = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_14_the_witness_cosigns_one_branch_of_a_forked_ledger_and_refuses_the_other() {
    use coop_ledger::service::{Ledger, OpenOptions};
    // Two copies of one data directory, each given other leaves: two
    // checkpoints of one size signed by the same ledger key.
    let base = tempfile::tempdir().expect("tempdir");
    let (one, two) = (base.path().join("one"), base.path().join("two"));
    common::init_ledger(&one);
    copy_dir(&one, &two);
    let ledger1 = Ledger::open(&one, OpenOptions::default()).expect("open one");
    let ledger2 = Ledger::open(&two, OpenOptions::default()).expect("open two");
    submit(&ledger1, "htx-a", 50).await;
    submit(&ledger1, "htx-b", 51).await;
    submit(&ledger2, "htx-x", 52).await;
    submit(&ledger2, "htx-y", 53).await;
    let info = ledger1.info();
    assert_eq!(info.note_vkey, ledger2.info().note_vkey, "one ledger key");
    let (one_at_3, two_at_3) = (ledger1.checkpoint(), ledger2.checkpoint());
    assert_eq!(one_at_3.lines().nth(1), Some("3"));
    assert_eq!(two_at_3.lines().nth(1), Some("3"));
    assert_ne!(one_at_3, two_at_3, "a fork");
    submit(&ledger2, "htx-z", 54).await;
    let two_at_4 = ledger2.checkpoint();
    let proof2 = ledger2.consistency_proof(3, 4).expect("proof");

    let dir = tempfile::tempdir().expect("tempdir");
    let key = init(dir.path(), &[format!("{}={}", info.origin, info.note_vkey)]);
    let w = serve(dir.path());
    let path = format!("/{}/checkpoint", origin_hash(&info.origin));
    // Branch 1 is cosigned.
    check_cosigned(
        &key,
        &one_at_3,
        &post(&w.url, body(0, &[], &one_at_3)).await,
    );
    // Branch 2 at the same size, another root: 422.
    let refused = post(&w.url, body(3, &[], &two_at_3)).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    // Branch 2 grown, with its own valid proof from its size 3: 422.
    let refused = post(&w.url, body(3, &proof2, &two_at_4)).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    // From old 0 it is told the size held.
    assert_eq!(post(&w.url, body(0, &[], &two_at_4)).await.body, "3\n");
    assert!(get(&w.url, &path).await.body.starts_with(&one_at_3));
    assert_eq!(evidence_files(dir.path()), 2, "both refusals kept");
    // Branch 1 goes on being cosigned; branch 2 never is.
    submit(&ledger1, "htx-c", 55).await;
    let one_at_4 = ledger1.checkpoint();
    let proof1 = ledger1.consistency_proof(3, 4).expect("proof");
    check_cosigned(
        &key,
        &one_at_4,
        &post(&w.url, body(3, &proof1, &one_at_4)).await,
    );
    assert_eq!(post(&w.url, body(4, &[], &two_at_4)).await.status, 422);
    let kept = get(&w.url, &path).await.body;
    assert!(kept.starts_with(&one_at_4), "{kept}");
    assert_eq!(evidence_files(dir.path()), 3);
    w.terminate();
    ledger1.shutdown().await;
    ledger2.shutdown().await;
}

#[test]
fn issue_14_witness_init_writes_a_private_key_once_and_the_logs_it_follows() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().expect("tempdir");
    let log = TestLog::new("example.com/init", "example.com/init", 0, "i");
    let other = TestLog::new("example.com/other", "other-key", 0, "o");
    let key = init(dir.path(), std::slice::from_ref(&log.vkey));
    let pem = dir.path().join("witness-key.pem");
    let mode = std::fs::metadata(&pem).expect("key").permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let before = std::fs::read(&pem).expect("key");
    let config: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("witness.json")).expect("json"))
            .expect("json");
    assert_eq!(
        config,
        serde_json::json!({
            "name": "witness.test/w1",
            "logs": [{"origin": "example.com/init", "vkeys": [log.vkey]}]
        })
    );
    // A second init is refused and changes nothing.
    let d = dir.path().display().to_string();
    let (code, out) = common::run_cli(&["witness", "init", "--data", &d, "--name", "x"]);
    assert_eq!(code, 2, "{out}");
    assert_eq!(std::fs::read(&pem).expect("key"), before);
    // A bad --log is refused before anything is written.
    let fresh = dir.path().join("fresh");
    let f = fresh.display().to_string();
    let (code, out) = common::run_cli(&[
        "witness", "init", "--data", &f, "--name", "w", "--log", "nonsense",
    ]);
    assert_eq!(code, 2, "{out}");
    assert!(!fresh.join("witness-key.pem").exists());
    // serve and add-log refuse a directory that holds no witness, and
    // leave nothing behind.
    let (code, out) = common::run_cli(&["witness", "serve", "--data", &f]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("holds no witness"), "{out}");
    assert!(!fresh.exists());
    // add-log adds a log under its own origin.
    let arg = format!("{}={}", other.origin, other.vkey);
    let (code, out) = common::run_cli(&["witness", "add-log", "--data", &d, "--log", &arg]);
    assert_eq!(code, 0, "{out}");
    let config: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("witness.json")).expect("json"))
            .expect("json");
    assert_eq!(config["logs"][1]["origin"], "example.com/other");
    // The key printed is the key in the file.
    let secret = coop_ledger::service::keyfile::read(&pem).expect("read key");
    assert_eq!(
        key.key().to_bytes(),
        secret.verifying_key().to_bytes(),
        "the printed vkey is the file's key"
    );
}
