//! Issue 15, on the demo's own ledger (`coop-ledger demo`, built in-process
//! by `service::demo` and served by the real router), in a real headless
//! Chromium at 360 px in Vietnamese: the texts of an inspection (its
//! result, note and date), of a correction (its reason and the entry it
//! corrects), of a recall (its banner, reason and date, and the failed
//! inspection behind it), the unit of what a lot was made from, and each
//! entry's type and signer in the auditors' fold are bound to the signed
//! entries they come from. A proxy changes each on the
//! page in transit, never in the proof data, and the badge turns red
//! naming the field that differs; through the same proxy unchanged, the
//! lychee box verifies and the recalled rice reads "recalled".
//!
//! The demo has no correction: the test logs one, through the HTTP API,
//! built with `domain::builder` and signed with the lychee cooperative's
//! key from the demo's `keys/` folder.
//!
//! Screenshots are saved under `target/screenshots/`.

mod common;

use common::browser::Driver;
use common::tamper::{Tamper, badge, proxy};
use common::{TestServer, actor, lot, now, time};
use coop_ledger::domain::builder::StatementBuilder;
use coop_ledger::service::demo;
use coop_ledger::service::{OpenOptions, keyfile};
use fantoccini::Client;

/// The reason the test's correction gives.
const REASON: &str = "Ghi nhầm giờ đóng gói; giờ đúng là 14:30.";

/// The demo's ledger, served, with a correction of the lychee box's
/// packing logged by the cooperative that signed it.
async fn demo_with_a_correction() -> TestServer {
    let dir = tempfile::tempdir().expect("tempdir");
    let registrar = demo::init(dir.path()).expect("a demo ledger");
    let server = TestServer::serve_dir(dir, OpenOptions::default()).await;
    demo::populate(&server.ledger, server.dir.path(), &registrar)
        .await
        .expect("the demo's chains");
    let boxes = server.ledger.batch(&lot(demo::LYCHEE_BOX)).expect("box");
    let packing = boxes.batch.steps.first().expect("its packing").index;
    let coop = "htx-vai-phuong-nam";
    let key = keyfile::read(&server.dir.path().join(format!("keys/{coop}.pem"))).expect("key");
    let correction = StatementBuilder::new(&actor(coop), time(&now()))
        .correction(packing, REASON)
        .sign(&key);
    server.ok(&correction).await;
    server
}

/// Opens `path` through a proxy that changes it `how`; the badge's state,
/// text and technical reason.
async fn through(
    c: &Client,
    server: &TestServer,
    how: Tamper,
    path: &str,
    shot: &str,
) -> (String, String) {
    let url = proxy(&server.url, how).await;
    badge(c, &format!("{url}{path}"), shot).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_15_an_inspection_a_correction_and_a_recall_changed_in_transit_turn_the_badge_red() {
    let server = demo_with_a_correction().await;
    let driver = Driver::start();
    let profile = tempfile::tempdir().expect("profile");
    let c = driver.browser(profile.path()).await;
    let boxes = format!("/b/{}", demo::LYCHEE_BOX);
    let recalled = format!("/b/{}", demo::RECALLED);

    // Unchanged, through the same proxy: the box verifies and shows its
    // inspections and the correction; the recalled rice warns.
    let (state, text) = through(&c, &server, Tamper::None, &boxes, "demo-box-vi-360.png").await;
    assert_eq!(state, "verified", "{text}");
    let shown = c
        .execute("return document.querySelector('main').innerText;", vec![])
        .await
        .expect("text");
    let shown = shown.as_str().unwrap_or_default();
    for want in [
        "Đạt",
        "dư lượng thuốc bảo vệ thực vật dưới giới hạn cho phép",
        REASON,
    ] {
        assert!(shown.contains(want), "the box's page shows {want}: {shown}");
    }
    let (state, text) = through(
        &c,
        &server,
        Tamper::None,
        &recalled,
        "demo-recalled-vi-360.png",
    )
    .await;
    assert_eq!(state, "recalled", "{text}");
    assert!(text.starts_with('⚠') && !text.contains('✔'), "{text}");

    // Each shown text changed on the page, not in the proof data: the
    // badge fails and its technical reason names the field.
    let cases = [
        // Shown unbound before (the badge stayed green on "1.450 tấn").
        (
            "unit used",
            &boxes,
            Tamper::Text(r#"data-show="unit""#, "tấn"),
            "the $lot.quantity.unit shown",
        ),
        (
            "corrected entry",
            &boxes,
            Tamper::Text(r#"data-field="index">"#, "1"),
            "the index shown",
        ),
        (
            "signer in the auditors' fold",
            &boxes,
            Tamper::Text(r#"data-field="by">"#, "htx-khac"),
            "the by shown",
        ),
        (
            "type in the auditors' fold",
            &boxes,
            Tamper::Text(r#"data-field="type">"#, "batch.inspect"),
            "the type shown",
        ),
        (
            "inspection result",
            &boxes,
            Tamper::Text(r#"data-field="result""#, "Không đạt"),
            "the result shown",
        ),
        (
            "inspection note",
            &boxes,
            Tamper::Text(
                r#"data-field="note""#,
                "Không phát hiện vi phạm; miễn kiểm tra lần sau.",
            ),
            "the note shown",
        ),
        (
            "inspection date",
            &boxes,
            Tamper::Text(r#"data-field="at""#, "01/01/2020 08:00"),
            "the at shown",
        ),
        (
            "correction reason",
            &boxes,
            Tamper::Text(r#"data-field="reason""#, "Không có gì cần đính chính."),
            "the reason shown",
        ),
        (
            "recall reason",
            &recalled,
            Tamper::Text(r#"data-field="reason""#, "Thu hồi để đóng gói lại."),
            "the reason shown",
        ),
        (
            "recall date",
            &recalled,
            Tamper::Text(r#"data-field="at""#, "01/01/2020 08:00"),
            "the at shown",
        ),
        (
            "failed inspection",
            &recalled,
            Tamper::Text(r#"data-field="result""#, "Đạt"),
            "the result shown",
        ),
        (
            "recall banner",
            &recalled,
            Tamper::NoRecallBanner,
            "the recall is not shown as logged",
        ),
    ];
    for (kind, path, how, names) in cases {
        let shot = format!("demo-tampered-{}.png", kind.replace([' ', '\''], "-"));
        let (state, text) = through(&c, &server, how, path, &shot).await;
        assert_eq!(state, "failed", "{kind}: {text}");
        assert!(text.starts_with("✘ KHÔNG xác minh được"), "{kind}: {text}");
        assert!(text.contains(names), "{kind}: names what failed: {text}");
    }
    c.close().await.expect("close");
}
