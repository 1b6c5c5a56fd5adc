//! `coop-ledger demo` serves a ready sample ledger that passes the audit.

mod common;

use common::{ChildServer, run_cli};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_serves_sample_cooperatives_that_pass_a_live_audit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("demo").display().to_string();
    let server = tokio::task::spawn_blocking(move || {
        ChildServer::spawn(&["demo", "--listen", "127.0.0.1:0", "--data", data.as_str()])
    })
    .await
    .expect("spawn");
    let client = reqwest::Client::new();
    let actor = |id: &str| {
        let req = client.get(format!("{}/api/v1/actors/{id}", server.url));
        async move {
            req.send()
                .await
                .expect("get")
                .json::<serde_json::Value>()
                .await
                .expect("json")
        }
    };
    let coop = actor("htx-vai-phuong-nam").await;
    assert_eq!(coop["name"], "HTX Vải thiều Phượng Nam");
    // A member household that did not consent is not named.
    let member = actor("tv-tran-thi-binh").await;
    assert_eq!(member["role"], "member");
    assert!(member["name"].is_null(), "{member}");
    let url = server.url.clone();
    let (code, out) = tokio::task::spawn_blocking(move || run_cli(&["audit", "--server", &url]))
        .await
        .expect("audit");
    assert_eq!(code, 0, "{out}");
    tokio::task::spawn_blocking(move || server.terminate())
        .await
        .expect("stop");
    // Keys were written for every sample actor, private to the owner.
    use std::os::unix::fs::PermissionsExt as _;
    let key =
        std::fs::metadata(dir.path().join("demo/keys/htx-vai-phuong-nam.pem")).expect("key file");
    assert_eq!(key.permissions().mode() & 0o777, 0o600);
}
