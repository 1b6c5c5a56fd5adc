//! Key files (spec §2): `keygen` writes PKCS#8 v1 PEM with mode 0600 and
//! prints the base64 public key; keys made by `openssl genpkey -algorithm
//! ed25519` load, and OpenSSL reads ours. Needs the `openssl` command
//! (installed by `.ci/run`).

mod common;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use common::run_cli;
use std::os::unix::fs::PermissionsExt as _;
use std::process::Command;

fn openssl(args: &[&str]) -> Vec<u8> {
    let out = Command::new("openssl")
        .args(args)
        .output()
        .expect("the openssl command is needed (apt-get install openssl)");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn keygen_writes_a_private_0600_key_that_openssl_reads_with_the_printed_public_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("htx.pem");
    let p = path.display().to_string();
    let (code, out) = run_cli(&["keygen", "--out", &p]);
    assert_eq!(code, 0, "{out}");
    let printed = out.lines().next().expect("a line").trim().to_owned();
    assert_eq!(
        std::fs::metadata(&path).expect("file").permissions().mode() & 0o777,
        0o600
    );
    let pem = std::fs::read_to_string(&path).expect("read");
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
    // The v1 form: 48 DER bytes, as openssl writes it.
    let der = openssl(&["pkey", "-in", &p, "-outform", "DER"]);
    assert_eq!(der.len(), 48);
    let spki = openssl(&["pkey", "-in", &p, "-pubout", "-outform", "DER"]);
    assert_eq!(B64.encode(&spki[spki.len() - 32..]), printed);
    // Never overwritten.
    let (code, out) = run_cli(&["keygen", "--out", &p]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("exists already"), "{out}");
}

#[test]
fn an_openssl_key_loads_and_registers_as_a_registrar() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("openssl.pem");
    let p = path.display().to_string();
    openssl(&["genpkey", "-algorithm", "ed25519", "-out", &p]);
    let key = coop_ledger::service::keyfile::read(&path).expect("an openssl key loads");
    let spki = openssl(&["pkey", "-in", &p, "-pubout", "-outform", "DER"]);
    assert_eq!(&spki[spki.len() - 32..], key.verifying_key().as_bytes());
    let pubkey = B64.encode(key.verifying_key().as_bytes());
    let data = dir.path().join("ledger").display().to_string();
    let (code, out) = run_cli(&[
        "init",
        "--data",
        &data,
        "--origin",
        "x.example/log",
        "--registrar",
        &format!("reg={pubkey}"),
    ]);
    assert_eq!(code, 0, "{out}");
    let ledger_key = dir.path().join("ledger/ledger-key.pem");
    assert_eq!(
        std::fs::metadata(&ledger_key)
            .expect("ledger key")
            .permissions()
            .mode()
            & 0o777,
        0o600
    );
}

#[test]
fn init_refuses_a_weak_registrar_key_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let data = dir.path().join("ledger");
    let d = data.display().to_string();
    let (code, out) = run_cli(&[
        "init",
        "--data",
        &d,
        "--origin",
        "x.example/log",
        "--registrar",
        &format!("reg={}", B64.encode(identity)),
    ]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("weak"), "{out}");
    assert!(!data.join("leaves.log").exists() && !data.join("ledger-key.pem").exists());
}

/// Issue 16: a key file its group or others may read is refused, as ssh
/// refuses one, with a message that says how to fix it; and nothing is
/// signed with it. The same key at 0600 signs.
#[test]
fn issue_16_a_key_file_others_can_read_is_refused_with_what_to_do() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = dir.path().join("key.pem");
    let k = key.display().to_string();
    let (code, out) = run_cli(&["keygen", "--out", &k]);
    assert_eq!(code, 0, "{out}");
    let statement = dir.path().join("s.json");
    std::fs::write(&statement, "{}").expect("statement");
    let s = statement.display().to_string();
    for mode in [0o644, 0o640, 0o604, 0o660] {
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(mode)).expect("chmod");
        let (code, out) = run_cli(&["sign", "--key", &k, &s]);
        assert_ne!(code, 0, "mode {mode:o}: {out}");
        assert!(
            out.contains("can be read by other users"),
            "mode {mode:o}: {out}"
        );
        assert!(
            out.contains(&format!("chmod 600 {k}")),
            "mode {mode:o}: {out}"
        );
        assert!(
            !out.contains("BEGIN PRIVATE KEY"),
            "the key is never printed: {out}"
        );
    }
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let (_, out) = run_cli(&["sign", "--key", &k, &s]);
    assert!(!out.contains("can be read by other users"), "{out}");
}

/// Issue 16: the ledger's private key sat in the data directory, the very
/// folder auditors are given to copy. `init --ledger-key-file` keeps it
/// outside: the data directory holds no key, `serve` and `reindex` refuse
/// to start without the file and say which flag names it, start with it,
/// and `audit --data` needs no key at all.
#[test]
fn issue_16_the_ledger_key_can_live_outside_the_data_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("ledger");
    let secrets = dir.path().join("secrets");
    std::fs::create_dir(&secrets).expect("secrets");
    let key = secrets.join("ledger-key.pem");
    let (d, k) = (data.display().to_string(), key.display().to_string());
    let registrar = B64.encode(common::registrar_key().verifying_key().as_bytes());
    let (code, out) = run_cli(&[
        "init",
        "--data",
        &d,
        "--origin",
        "x.example/log",
        "--registrar",
        &format!("reg={registrar}"),
        "--ledger-key-file",
        &k,
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(
        !data.join("ledger-key.pem").exists(),
        "no key in the data directory"
    );
    assert_eq!(
        std::fs::metadata(&key).expect("key").permissions().mode() & 0o777,
        0o600
    );
    for entry in std::fs::read_dir(&data).expect("data") {
        let name = entry.expect("entry").file_name();
        assert!(
            !name.to_string_lossy().contains("key"),
            "{name:?} in the data directory"
        );
    }
    // Without the file, serve and reindex say what to give.
    for args in [
        vec!["serve", "--data", &d, "--listen", "127.0.0.1:0"],
        vec!["reindex", "--data", &d],
    ] {
        let (code, out) = run_cli(&args);
        assert_ne!(code, 0, "{args:?}: {out}");
        assert!(out.contains("--ledger-key-file"), "{args:?}: {out}");
    }
    let (code, out) = run_cli(&["reindex", "--data", &d, "--ledger-key-file", &k]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = run_cli(&["audit", "--data", &d]);
    assert_eq!(code, 0, "the audit needs no private key: {out}");
    let server = common::ChildServer::spawn(&[
        "serve",
        "--data",
        &d,
        "--listen",
        "127.0.0.1:0",
        "--ledger-key-file",
        &k,
    ]);
    server.terminate();
}
