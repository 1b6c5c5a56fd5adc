//! Issue 12: one HTTP client for every command that talks to a ledger
//! (`submit`, `audit --server`, `report linkage --server`, `export --server`,
//! `import epcis`). What a user sees when the server is out of reach, or
//! answers something that is not the ledger's API, is the same for all of
//! them, and never reads as a storage failure.

mod common;

use common::{TestServer, run_cli};

/// A URL on 127.0.0.1 where nothing listens: a port the system handed out
/// and that was closed again at once.
fn closed_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

/// Runs the CLI off the async runtime (a test server may be serving on it).
async fn cli(args: &[&str]) -> (i32, String) {
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run_cli(&args)
    })
    .await
    .expect("the CLI ran")
}

/// The CLI failed (exit 2) saying that `url` cannot be reached, with the
/// operating system's reason, and not that storage failed.
fn assert_unreachable(code: i32, out: &str, url: &str) {
    assert_eq!(code, 2, "{out}");
    assert!(out.contains(&format!("cannot reach {url}/")), "{out}");
    assert!(out.to_lowercase().contains("connection refused"), "{out}");
    assert!(!out.contains("storage"), "{out}");
}

/// Issue 12: `audit --server` at a closed port used to print
/// "storage: … error sending request"; it now says the server cannot be
/// reached, and why.
#[test]
fn audit_of_a_server_out_of_reach_says_it_cannot_be_reached_not_storage() {
    let url = closed_url();
    let (code, out) = run_cli(&["audit", "--server", &url]);
    assert_unreachable(code, &out, &url);
}

/// Issue 12: every other command that talks to a ledger says the same.
#[test]
fn every_command_that_talks_to_a_ledger_says_when_it_cannot_be_reached() {
    let url = closed_url();
    let dir = tempfile::tempdir().expect("tempdir");
    let statement = dir.path().join("statement.json");
    std::fs::write(&statement, "{}").expect("write");
    let statement = statement.display().to_string();
    let doc = dir.path().join("epcis.json");
    std::fs::write(
        &doc,
        r#"{"type": "EPCISDocument", "epcisBody": {"eventList": []}}"#,
    )
    .expect("write");
    let doc = doc.display().to_string();
    let key = dir.path().join("key.pem");
    let key = key.display().to_string();
    let (code, out) = run_cli(&["keygen", "--out", &key]);
    assert_eq!(code, 0, "{out}");
    for args in [
        vec!["submit", "--server", &url, "--key", &key, &statement],
        vec!["report", "linkage", "--server", &url],
        vec!["export", "epcis", "--server", &url, "--batch", "lot-1"],
        vec!["export", "lot-csv", "--server", &url, "--batch", "lot-1"],
        vec!["import", "epcis", &doc, "--server", &url, "--key", &key],
    ] {
        let (code, out) = run_cli(&args);
        assert_unreachable(code, &out, &url);
    }
}

/// Issue 12: a server that answers, but not as a ledger does, is named as
/// such: neither "storage" nor "cannot reach".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_is_not_a_ledger_is_named_as_such() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let app = axum::Router::new().fallback(|| async { "<html>a router's login page</html>" });
    tokio::spawn(async move { axum::serve(listener, app).await });
    for args in [
        vec!["audit", "--server", url.as_str()],
        vec!["report", "linkage", "--server", &url],
    ] {
        let (code, out) = cli(&args).await;
        assert_eq!(code, 2, "{out}");
        assert!(out.contains(&format!("{url}/api/v1/")), "{out}");
        assert!(out.contains("not an answer of the ledger's API"), "{out}");
        assert!(!out.contains("storage"), "{out}");
        assert!(!out.contains("cannot reach"), "{out}");
    }
}

/// Issue 12: an error answer is printed with the ledger's code and its
/// sentence, whichever command asked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_answer_names_the_ledgers_code_and_sentence() {
    let server = TestServer::start().await;
    let (code, out) = cli(&[
        "export",
        "epcis",
        "--server",
        &server.url,
        "--batch",
        "no-such-lot",
    ])
    .await;
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("404"), "{out}");
    assert!(out.contains("unknown_batch"), "{out}");
    let (code, out) = cli(&[
        "report",
        "linkage",
        "--server",
        &server.url,
        "--from",
        "2026-12-31",
        "--to",
        "2026-01-01",
    ])
    .await;
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("400"), "{out}");
    assert!(out.contains("dates_reversed"), "{out}");
    assert!(
        out.contains("from 2026-12-31 is after to 2026-01-01"),
        "{out}"
    );
    assert!(
        !out.contains("{\"error\""),
        "the JSON itself is not printed: {out}"
    );
}

/// Issue 12: every request of every command comes from the one client: it
/// names this program and version as its `User-Agent`, and asks for the
/// ledger's sentences in the language the command was given.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_command_sends_the_one_clients_user_agent_and_language() {
    use common::{Recorder, init_ledger, key, register};
    let recorder = Recorder::default();
    let dir = tempfile::tempdir().expect("tempdir");
    init_ledger(dir.path());
    let server = TestServer::serve_on(
        dir,
        coop_ledger::service::OpenOptions::default(),
        "127.0.0.1:0",
        Some(recorder.clone()),
    )
    .await;
    let files = tempfile::tempdir().expect("tempdir");
    let envelope = files.path().join("envelope.json");
    let env = register("htx-1", "cooperative", &key(1), None);
    std::fs::write(&envelope, serde_json::to_vec(&env).expect("json")).expect("write");
    let envelope = envelope.display().to_string();
    let url = server.url.clone();
    let (code, out) = cli(&["submit", "--server", &url, &envelope]).await;
    assert_eq!(code, 0, "{out}");
    let submitted = recorder.seen().len();
    for args in [
        vec!["audit", "--server", url.as_str()],
        vec!["report", "linkage", "--server", &url],
        vec![
            "export",
            "epcis",
            "--server",
            &url,
            "--from",
            "2026-01-01",
            "--to",
            "2026-01-31",
        ],
    ] {
        let (code, out) = cli(&args).await;
        assert_eq!(code, 0, "{out}");
    }
    let seen = recorder.seen();
    for path in [
        "/api/v1/ledger",
        "/api/v1/entries",
        "/api/v1/checkpoint",
        "/api/v1/linkage",
        "/api/v1/epcis",
    ] {
        assert!(
            seen.iter().any(|s| s.uri.starts_with(path)),
            "no request for {path}: {seen:?}"
        );
    }
    assert!(seen.iter().any(|s| s.method == "POST"), "{seen:?}");
    let agent = format!("user-agent: coop-ledger/{}\n", env!("CARGO_PKG_VERSION"));
    for (i, s) in seen.iter().enumerate() {
        assert!(
            s.headers.contains(&agent),
            "{} {}: {}",
            s.method,
            s.uri,
            s.headers
        );
        // `submit` asks in Vietnamese by default; the others in English.
        let lang = if i < submitted { "vi" } else { "en" };
        assert!(
            s.headers.contains(&format!("accept-language: {lang}\n")),
            "{} {}: {}",
            s.method,
            s.uri,
            s.headers
        );
    }
}
