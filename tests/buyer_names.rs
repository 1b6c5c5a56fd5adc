//! Issue 13: a member household's name on the buyer's pages of a format-2
//! ledger, through the real server. The name shows only where a disclosure
//! exists, with the registration leaf and the salt the phone needs to check
//! it; a household that did not consent is shown by cooperative and commune
//! (by the commune's name, never its code), and its registration is not in
//! the page's proof data; a disclosure that does not open the commitment is
//! refused; and after a withdrawal no page, label sheet or link set shows
//! the name. The check in Chromium is in `tests/browser.rs`.

mod common;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use common::named::*;
use common::*;
use coop_ledger::domain::builder;
use coop_ledger::domain::privacy::{NAME_COMMIT_PREFIX, Salt};
use coop_ledger::domain::product::{Category, Process};
use coop_ledger::domain::quantity::{Amount, Unit};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The proof data a page embeds for its script.
fn proof_data(html: &str) -> Value {
    let start = html.find(r#"id="ledger-proof""#).expect("proof data");
    let open = html[start..].find('>').expect(">") + start + 1;
    let close = html[open..].find("</script>").expect("end") + open;
    serde_json::from_str(&html[open..close]).expect("json")
}

/// The statements of the leaves in a page's proof data.
fn statements(data: &Value) -> Vec<Value> {
    data["leaves"]
        .as_array()
        .expect("leaves")
        .iter()
        .map(|l| {
            let bytes = B64.decode(l["leaf"].as_str().expect("leaf")).expect("b64");
            let leaf: Value = serde_json::from_slice(&bytes).expect("leaf json");
            let mut st: Value =
                serde_json::from_str(leaf["statement"].as_str().expect("statement"))
                    .expect("statement json");
            st["index"] = leaf["index"].clone();
            st
        })
        .collect()
}

/// Every answer about a lot a buyer's phone or a printer can fetch: the
/// page in both languages, its labels, and its link set.
async fn answers(server: &TestServer, batch: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for path in [
        format!("/b/{batch}"),
        format!("/b/{batch}?lang=en"),
        format!("/b/{batch}/labels?count=1"),
        format!("/b/{batch}?linkType=linkset"),
    ] {
        let (status, body) = server.get_text(&path).await;
        assert_eq!(status, 200, "GET {path}: {body}");
        out.push((path, body));
    }
    out
}

/// The commitment to `name` under `salt`, computed here from spec §6.17's
/// bytes rather than by the code under test.
fn commitment(salt: &Salt, name: &str) -> String {
    let mut h = Sha256::new();
    h.update(NAME_COMMIT_PREFIX);
    h.update(salt.as_bytes());
    h.update(name.as_bytes());
    h.finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_13_a_members_name_is_on_its_page_only_while_it_consents() {
    let server = TestServer::with_named_members().await;
    let coop = "HTX Lúa Sóc Trăng";

    // Before any consent, neither household is named: each is its
    // cooperative's household in its commune, by the commune's name.
    let (_, before) = server.get_text(&format!("/b/{SHOWN_LOT}")).await;
    assert!(!before.contains(SHOWN_NAME));
    assert!(
        before.contains(&format!("Hộ thành viên của {coop} (Phường Sóc Trăng)")),
        "{before}"
    );
    assert!(before.contains("Phường Sóc Trăng, Thành phố Cần Thơ"));
    assert_eq!(proof_data(&before)["disclosures"], serde_json::json!([]));

    // A disclosure that does not open the commitment is refused, and
    // nothing is logged.
    let consent = consent(SHOWN, true);
    let size = server.ledger.size();
    let (status, body) = server
        .post_raw(with_disclosure(
            &consent,
            SHOWN,
            "Nguyễn Thị Mỹ Hằng",
            &salt(SHOWN),
        ))
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("disclosure_mismatch"))
    );
    assert_eq!(server.ledger.size(), size);

    // The household consents; its cooperative sends the disclosure.
    let (status, body) = server
        .post_raw(with_disclosure(&consent, SHOWN, SHOWN_NAME, &salt(SHOWN)))
        .await;
    assert_eq!(status, 201, "{body}");

    // A lot mixing both households' rice names both: one by name, one not.
    let mixed = lot("gao-st25-tron-01");
    server
        .ok(&sign_as(cast::OTHER_COOP, |b| {
            b.transform(
                Process::Milling,
                vec![
                    builder::input(&lot(SHOWN_LOT), amount("800")),
                    builder::input(&lot(HIDDEN_LOT), amount("800")),
                ],
                vec![builder::output(
                    &mixed,
                    builder::product(Category::Rice, "Gạo ST25 xát"),
                    quantity("1000", Unit::Kg),
                )],
            )
        }))
        .await;

    for batch in [SHOWN_LOT, "gao-st25-tron-01"] {
        let (_, html) = server.get_text(&format!("/b/{batch}")).await;
        assert!(
            html.contains(&format!(r#"data-member="{SHOWN}">{SHOWN_NAME}</span>"#)),
            "{batch}: the consenting household is named"
        );
        // The proof data carries the disclosure and the registration it
        // opens, and no other member's registration (issue 15: it also
        // carries the registrations of the organisations it names, whose
        // names and places the phone checks).
        let data = proof_data(&html);
        let d = &data["disclosures"][0];
        assert_eq!(data["disclosures"].as_array().map(Vec::len), Some(1));
        assert_eq!(d["member"], SHOWN);
        assert_eq!(d["name"], SHOWN_NAME);
        assert_eq!(d["salt"], salt(SHOWN).to_string());
        let registrations: Vec<Value> = statements(&data)
            .into_iter()
            .filter(|st| st["type"] == "actor.register" && st["role"] == "member")
            .collect();
        assert_eq!(registrations.len(), 1, "{batch}: {registrations:?}");
        for st in statements(&data) {
            if st["type"] == "actor.register" && st["role"] != "member" {
                let name = st["name"].as_str().expect("an organisation's name");
                assert!(html.contains(name), "{batch}: only names the page shows");
            }
        }
        let reg = &registrations[0];
        assert_eq!(reg["index"], d["leaf"]);
        assert_eq!(reg["id"], SHOWN);
        assert_eq!(
            reg["name_commit"],
            commitment(&salt(SHOWN), SHOWN_NAME),
            "the leaf holds the commitment the phone recomputes"
        );
    }
    let (_, mixed_page) = server.get_text("/b/gao-st25-tron-01?lang=en").await;
    assert!(
        mixed_page.contains(&format!("Member household of {coop} (Phường Mỹ Xuyên)")),
        "{mixed_page}"
    );
    assert!(mixed_page.contains("(name not checked on this phone)"));

    // The household that did not consent is named on no answer.
    for batch in [HIDDEN_LOT, "gao-st25-tron-01"] {
        for (path, body) in answers(&server, batch).await {
            assert!(!body.contains(HIDDEN_NAME), "{path}");
        }
    }
    let (_, hidden) = server.get_text(&format!("/b/{HIDDEN_LOT}")).await;
    assert!(hidden.contains(&format!("Hộ thành viên của {coop} (Phường Mỹ Xuyên)")));
    assert!(!hidden.contains(SHOWN_NAME));
    assert!(
        statements(&proof_data(&hidden))
            .iter()
            .all(|st| st["type"] != "actor.register" || st["role"] != "member")
    );

    // The household withdraws: at once, no answer shows the name any more,
    // and the page names it as before it consented.
    for batch in [SHOWN_LOT, "gao-st25-tron-01"] {
        let (path, body) = &answers(&server, batch).await[0];
        assert!(body.contains(SHOWN_NAME), "{path} named it before");
    }
    server.ok(&common::named::consent(SHOWN, false)).await;
    for batch in [SHOWN_LOT, "gao-st25-tron-01"] {
        for (path, body) in answers(&server, batch).await {
            assert!(!body.contains(SHOWN_NAME), "{path} after the withdrawal");
            assert!(!body.contains(&salt(SHOWN).to_string()), "{path}: no salt");
        }
    }
    let (_, after) = server.get_text(&format!("/b/{SHOWN_LOT}")).await;
    assert!(after.contains(&format!("Hộ thành viên của {coop} (Phường Sóc Trăng)")));
    let data = proof_data(&after);
    assert_eq!(data["disclosures"], serde_json::json!([]));
    assert!(
        statements(&data)
            .iter()
            .all(|st| st["type"] != "actor.register" || st["role"] != "member"),
        "the registration went with the name"
    );
}

fn amount(text: &str) -> Amount {
    Amount::parse(text).expect("amount")
}
