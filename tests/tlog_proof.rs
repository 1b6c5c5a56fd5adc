//! C2SP tlog-proof downloads (spec §8.17, §10.16, issue 14): the file a
//! buyer or an auditor keeps of one entry verifies offline with
//! `coop-ledger verify-proof` and with an independent Python verifier
//! written only from tlog-proof.md, and neither accepts a tampered one.

mod common;

use coop_ledger::domain::tlog_proof::TlogProof;

/// A ledger of the genesis and 6 registrations (7 leaves, not a power of
/// two), served.
async fn ledger_of_seven() -> common::TestServer {
    let server = common::TestServer::start().await;
    for n in 0..6 {
        let env = common::register(
            &format!("htx-{n}"),
            "cooperative",
            &common::key(n + 1),
            None,
        );
        let (status, body) = server.submit(&env).await;
        assert_eq!(status, 201, "{body}");
    }
    server
}

/// Downloads entry `index`'s proof into `dir`; returns its path and text.
async fn download(
    server: &common::TestServer,
    index: u64,
    dir: &std::path::Path,
) -> (std::path::PathBuf, String) {
    let resp = server
        .client
        .get(format!("{}/api/v1/entries/{index}/tlog-proof", server.url))
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status().as_u16(), 200);
    let disposition = resp
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let origin = server.ledger.info().origin.replace(['/', ':'], "-");
    let name = format!("coop-ledger-{origin}-{index}.tlog-proof");
    assert_eq!(disposition, format!("attachment; filename=\"{name}\""));
    let text = resp.text().await.expect("text");
    let path = dir.join(&name);
    std::fs::write(&path, &text).expect("write the proof");
    (path, text)
}

fn ledger_key(server: &common::TestServer) -> String {
    server.ledger.info().public_key.to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_downloaded_tlog_proof_verifies_offline_and_says_what_it_proved() {
    let server = ledger_of_seven().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, text) = download(&server, 3, dir.path()).await;
    // The format of tlog-proof, with the leaf as the extra data and the
    // latest signed checkpoint (no witnesses are configured).
    let proof = TlogProof::parse(&text).expect("a tlog proof");
    assert!(text.starts_with("c2sp.org/tlog-proof@v1\nextra "));
    assert_eq!(proof.index, 3);
    assert_eq!(
        proof.extra.as_deref(),
        Some(&server.ledger.entries(3, 1).expect("leaf")[0].1[..])
    );
    assert_eq!(proof.checkpoint, server.ledger.checkpoint());
    assert_eq!(
        proof.proof.len(),
        3,
        "a tree of 7 leaves is 3 deep at leaf 3"
    );

    let p = path.display().to_string();
    let key = ledger_key(&server);
    let (code, out) = common::cli(vec![
        "verify-proof".into(),
        p.clone(),
        "--ledger-key".into(),
        key.clone(),
    ])
    .await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("entry 3 is in the ledger"), "{out}");
    assert!(out.contains("tree of 7 entries"), "{out}");
    assert!(
        out.contains(&format!(
            "the actor.register statement of {}, whose signature",
            common::REGISTRAR
        )),
        "{out}"
    );
    assert!(out.contains("PROVEN"), "{out}");

    // Another ledger key proves nothing.
    let other = coop_ledger::domain::keys::PublicKey::from(common::key(99).verifying_key());
    let (code, out) = common::cli(vec![
        "verify-proof".into(),
        p.clone(),
        "--ledger-key".into(),
        other.to_string(),
    ])
    .await;
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("NOT PROVEN"), "{out}");

    // A witness that has not cosigned: proven, but not witnessed.
    let witness =
        coop_ledger::domain::cosignature::Cosigner::new("witness.example/w1", common::key(77))
            .expect("cosigner");
    let vkey = witness.witness_key().vkey();
    let (code, out) = common::cli(vec![
        "verify-proof".into(),
        p.clone(),
        "--ledger-key".into(),
        key.clone(),
        "--witness".into(),
        vkey.clone(),
    ])
    .await;
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("witness witness.example/w1 has not cosigned"),
        "{out}"
    );
    assert!(
        out.contains("NOT WITNESSED: 0 of 1 witnesses cosigned, 1 needed"),
        "{out}"
    );

    // Each part tampered with is caught.
    let cases = [
        ("another index", text.replacen("index 3\n", "index 4\n", 1)),
        ("a proof line", {
            let mut t = proof.clone();
            t.proof[1].0[0] ^= 1;
            t.to_text()
        }),
        ("the leaf", {
            let mut t = proof.clone();
            let extra = t.extra.as_mut().expect("extra");
            let at = extra.len() - 3;
            extra[at] ^= 1;
            t.to_text()
        }),
        ("the checkpoint size", {
            let mut t = proof.clone();
            t.checkpoint = t.checkpoint.replacen("\n7\n", "\n8\n", 1);
            t.to_text()
        }),
    ];
    for (what, bad) in cases {
        let bad_path = dir.path().join("bad.tlog-proof");
        std::fs::write(&bad_path, bad).expect("write");
        let (code, out) = common::cli(vec![
            "verify-proof".into(),
            bad_path.display().to_string(),
            "--ledger-key".into(),
            key.clone(),
        ])
        .await;
        assert_eq!(code, 1, "{what} tampered with, yet: {out}");
        assert!(out.contains("NOT PROVEN"), "{what}: {out}");
    }

    // An entry the tree does not hold has no proof.
    let (status, body) = server.get("/api/v1/entries/7/tlog-proof").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (404, Some("unknown_entry"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_independent_python_verifier_accepts_the_tlog_proof_and_refuses_a_tampered_one() {
    let server = ledger_of_seven().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let key = ledger_key(&server);
    for index in [0, 6] {
        let (path, _) = download(&server, index, dir.path()).await;
        let p = path.display().to_string();
        let args = vec![p.clone(), "--ledger-key".into(), key.clone()];
        let out = common::run_independent("verify_tlog_proof.py", args.clone()).await;
        let log = common::transcript(&out);
        assert_eq!(out.status.code(), Some(0), "{log}");
        assert!(log.contains("PROVEN"), "{log}");
        for tamper in ["extra", "proof"] {
            if index == 0 && tamper == "proof" {
                continue;
            }
            let mut a = args.clone();
            a.extend(["--tamper".to_owned(), tamper.to_owned()]);
            let out = common::run_independent("verify_tlog_proof.py", a).await;
            assert_eq!(
                out.status.code(),
                Some(1),
                "--tamper {tamper} passed:\n{}",
                common::transcript(&out)
            );
        }
    }
}
