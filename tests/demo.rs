//! `coop-ledger demo` serves a ready sample ledger that passes the audit:
//! every showcase lot has its buyer page, the rice bag's QR code decodes
//! (zbarimg, Debian `zbar-tools`) to its GS1 Digital Link, the recall
//! reaches the milled rice, and the linkage contract is active.

mod common;

use common::{ChildServer, run_cli, zbarimg};
use coop_ledger::domain::product::Gtin;
use coop_ledger::domain::statement::Role;
use coop_ledger::service::demo;
use serde_json::Value;

#[test]
fn the_sample_names_no_person_in_an_id_and_its_gtin_checks() {
    for a in demo::ACTORS.iter().filter(|a| a.role == Role::Member) {
        // `tv-<cooperative code>-NN`: the name is in `name`, never in the id.
        let (prefix, number) = a.id.rsplit_once('-').expect("id");
        assert!(prefix.starts_with("tv-"), "{}", a.id);
        assert!(number.bytes().all(|b| b.is_ascii_digit()), "{}", a.id);
    }
    assert!(Gtin::parse(&demo::rice_bag_gtin()).is_some());
    assert!(
        demo::ACTORS
            .iter()
            .any(|a| a.role == Role::Member && !a.public)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_serves_sample_cooperatives_that_pass_a_live_audit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("demo").display().to_string();
    let server = tokio::task::spawn_blocking(move || {
        ChildServer::spawn(&["demo", "--listen", "127.0.0.1:0", "--data", data.as_str()])
    })
    .await
    .expect("spawn");
    let url = server.url.clone();
    let client = reqwest::Client::new();
    let get = |path: String| {
        let req = client.get(format!("{url}{path}"));
        async move { req.send().await.expect("get") }
    };
    let json = |path: String| {
        let resp = get(path);
        async move { resp.await.json::<Value>().await.expect("json") }
    };

    let coop = json("/api/v1/actors/htx-vai-phuong-nam".into()).await;
    assert_eq!(coop["name"], "HTX Vải thiều Phượng Nam");
    // A member household that did not consent is not named.
    let member = json("/api/v1/actors/tv-st25-02".into()).await;
    assert_eq!(member["role"], "member");
    assert_eq!(member["cooperative"], "htx-lua-gia-hoa");
    assert!(member["name"].is_null(), "{member}");

    // Every showcase lot has its buyer page.
    for (id, what) in demo::SHOWCASE {
        let resp = get(format!("/b/{id}")).await;
        assert_eq!(resp.status().as_u16(), 200, "{id}: {what}");
        let kind = resp.headers()[reqwest::header::CONTENT_TYPE]
            .to_str()
            .expect("content type")
            .to_owned();
        assert!(kind.starts_with("text/html"), "{id}: {kind}");
        let body = resp.text().await.expect("body");
        assert!(body.contains(id), "{id}");
    }

    // The rice bag: a computed GTIN, a QR code that decodes to its GS1
    // Digital Link, and that link opens its page. It came under the
    // contract to the rice company, which holds it.
    let bag = json(format!("/api/v1/batches/{}", demo::RICE_BAG)).await;
    let gtin = demo::rice_bag_gtin();
    assert_eq!(bag["product"]["gtin"], gtin.as_str());
    assert_eq!(bag["holder"], "dn-gao-viet-xanh");
    assert_eq!(bag["status"], "active");
    let link = format!("{url}/01/{gtin}/10/{}", demo::RICE_BAG);
    let png = get(format!("/b/{}/qr.png", demo::RICE_BAG))
        .await
        .bytes()
        .await
        .expect("png");
    let decoded = tokio::task::spawn_blocking(move || zbarimg(&png))
        .await
        .expect("zbarimg");
    assert_eq!(decoded, link);
    let page = client.get(&link).send().await.expect("digital link");
    assert_eq!(page.status().as_u16(), 200);
    let trace = json(format!("/api/v1/batches/{}/trace", demo::RICE_BAG)).await;
    let upstream: Vec<&str> = trace["upstream"]
        .as_array()
        .expect("upstream")
        .iter()
        .filter_map(|s| s["batch"].as_str())
        .collect();
    for paddy in ["GH-LUA-01", "GH-LUA-02", "GH-LUA-03"] {
        assert!(upstream.contains(&paddy), "{paddy} in {upstream:?}");
    }
    let contract = json(format!("/api/v1/contracts/{}", demo::CONTRACT)).await;
    assert_eq!(contract["state"]["state"], "active", "{contract}");
    // Its cooperatives show on the linkage figures (this year so far), the
    // rice cooperative linked through that contract.
    let linkage = json("/api/v1/linkage".into()).await;
    let coops = &linkage["cooperatives"];
    assert!(coops["registered"].as_u64() >= Some(2), "{linkage}");
    assert!(coops["by_contract"].as_u64() >= Some(1), "{linkage}");
    assert_eq!(get("/linkage".into()).await.status(), 200);
    // The signing app is served, and the key the demo names for it exists.
    assert_eq!(get("/app/".into()).await.status(), 200);

    // The OCOP lychee boxes and the inspected shrimp.
    let lychee = json(format!("/api/v1/batches/{}", demo::LYCHEE_BOX)).await;
    assert_eq!(lychee["product"]["ocop_stars"], 4);
    assert!(lychee["product"]["gtin"].is_null(), "no invented GTIN");
    let shrimp = json(format!("/api/v1/batches/{}", demo::SHRIMP_LOT)).await;
    assert_eq!(shrimp["inspections"][0]["scheme"], "food-safety");
    assert_eq!(shrimp["holder"], "dn-thuy-san-mekong");

    // The recall of the paddy reached the rice milled from it.
    let recalled = json(format!("/api/v1/batches/{}", demo::RECALLED)).await;
    assert_eq!(recalled["status"], "recalled", "{recalled}");
    assert_eq!(recalled["recall"]["source"], demo::RECALL_SOURCE);

    let (code, out) = tokio::task::spawn_blocking(move || run_cli(&["audit", "--server", &url]))
        .await
        .expect("audit");
    assert_eq!(code, 0, "{out}");
    tokio::task::spawn_blocking(move || server.terminate())
        .await
        .expect("stop");
    // Keys were written for every sample actor, private to the owner.
    use std::os::unix::fs::PermissionsExt as _;
    for a in demo::ACTORS {
        let key = std::fs::metadata(dir.path().join(format!("demo/keys/{}.pem", a.id)))
            .expect("key file");
        assert_eq!(key.permissions().mode() & 0o777, 0o600, "{}", a.id);
    }
    // The key the demo names for the phone app is a cooperative's.
    assert!(
        demo::ACTORS
            .iter()
            .any(|a| a.id == demo::APP_ACTOR && a.role == Role::Cooperative)
    );
}
