//! Issue 13: the disclosure store follows the member's consent exactly,
//! on a real format-2 ledger on disk. A property test over random
//! sequences of consents, withdrawals and retries, and a race of many
//! consents and withdrawals at once.

mod common;

use common::*;
use coop_ledger::domain::builder::StatementBuilder;
use coop_ledger::domain::envelope::Envelope;
use coop_ledger::domain::keys::PublicKey;
use coop_ledger::domain::privacy::{Salt, name_commit};
use coop_ledger::domain::statement::{LedgerFormat, Role};
use coop_ledger::service::{Ledger, OpenOptions};
use proptest::prelude::*;
use serde_json::json;
use std::path::Path;
use std::sync::Arc;

const COOP: &str = "htx-x";
const MEMBER: &str = "tv-a1b2c3d4e5";
const NAME: &str = "Nguyễn Thị Thu Hà";

fn salt() -> Salt {
    Salt([42; 32])
}

fn by(id: &str) -> StatementBuilder {
    StatementBuilder::new(&actor(id), time(&now()))
}

/// A format-2 ledger with a cooperative and one member, opened.
fn ledger() -> (tempfile::TempDir, Arc<Ledger>) {
    let dir = tempfile::tempdir().expect("tempdir");
    init_ledger_in(dir.path(), LedgerFormat::V2);
    let ledger = Arc::new(Ledger::open(dir.path(), OpenOptions::default()).expect("open"));
    (dir, ledger)
}

async fn setup(ledger: &Ledger) {
    let coop = key(1);
    let region = coop_ledger::domain::builder::coded_region(92, None);
    let reg = by(REGISTRAR)
        .register(
            &actor(COOP),
            Role::Cooperative,
            "HTX X",
            PublicKey::from(coop.verifying_key()),
            region.clone(),
        )
        .sign(&registrar_key());
    ledger
        .submit(&serde_json::to_vec(&reg).expect("json"))
        .await
        .expect("coop");
    let member = by(COOP)
        .register_member(
            &actor(MEMBER),
            name_commit(&salt(), NAME),
            PublicKey::from(key(2).verifying_key()),
            region,
        )
        .cooperative(&actor(COOP))
        .sign(&coop);
    ledger
        .submit(&serde_json::to_vec(&member).expect("json"))
        .await
        .expect("member");
}

fn consent(public: bool, nonce: u32) -> Envelope {
    by(COOP)
        .consent(&actor(MEMBER), public)
        .form_of(b"form")
        .nonce(&format!("n{nonce}"))
        .sign(&key(1))
}

fn body(env: &Envelope, disclose: bool) -> Vec<u8> {
    let mut v = serde_json::to_value(env).expect("json");
    if disclose {
        v["disclosure"] = json!({"member": MEMBER, "name": NAME, "salt": salt().to_string()});
    }
    serde_json::to_vec(&v).expect("json")
}

fn files(dir: &Path) -> usize {
    std::fs::read_dir(dir.join("disclosures")).map_or(0, |d| d.count())
}

/// One step a cooperative's phone may take.
#[derive(Clone, Debug)]
enum Op {
    /// A new consent to be named, with the name beside it or not.
    Consent { disclose: bool },
    /// A withdrawal.
    Withdraw,
    /// The `k`-th consent sent so far, sent again with its name.
    Retry(usize),
    /// The `k`-th withdrawal sent so far, sent again.
    RetryWithdraw(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        any::<bool>().prop_map(|disclose| Op::Consent { disclose }),
        Just(Op::Withdraw),
        (0usize..8).prop_map(Op::Retry),
        (0usize..8).prop_map(Op::RetryWithdraw),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Invariant: after every step, the member's name is shown and its
    /// file exists exactly when its latest consent is public and a name
    /// was sent beside a public consent since the latest withdrawal; a
    /// retry of a consent after a withdrawal is logged already and keeps
    /// nothing (`disclosure: not_kept`); a withdrawal sent again after a
    /// later consent erases nothing.
    #[test]
    fn the_name_is_kept_exactly_while_consent_is_public(ops in prop::collection::vec(op(), 1..12)) {
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        rt.block_on(async {
            let (dir, ledger) = ledger();
            setup(&ledger).await;
            let (mut public, mut kept) = (false, false);
            let mut sent: Vec<Envelope> = Vec::new();
            let mut withdrawn: Vec<Envelope> = Vec::new();
            for (n, op) in ops.iter().enumerate() {
                match op {
                    Op::Consent { disclose } => {
                        let env = consent(true, n as u32);
                        ledger.submit(&body(&env, *disclose)).await.expect("consent");
                        sent.push(env);
                        public = true;
                        kept |= *disclose;
                    }
                    Op::Withdraw => {
                        let env = consent(false, n as u32);
                        ledger.submit(&body(&env, false)).await.expect("withdrawal");
                        withdrawn.push(env);
                        public = false;
                        kept = false;
                    }
                    Op::RetryWithdraw(k) => {
                        let Some(env) = withdrawn.get(k % withdrawn.len().max(1)) else { continue };
                        let receipt = ledger.submit(&body(env, false)).await.expect("a retried withdrawal");
                        assert!(receipt.duplicate);
                    }
                    Op::Retry(k) => {
                        let Some(env) = sent.get(k % sent.len().max(1)) else { continue };
                        let receipt = ledger.submit(&body(env, true)).await.expect("a retry");
                        assert!(receipt.duplicate);
                        assert_eq!(receipt.disclosure_kept, Some(public), "a retry keeps the name only while public");
                        kept |= public;
                    }
                }
                let shown = ledger.disclosed_name(&actor(MEMBER)).expect("read");
                assert_eq!(shown.is_some(), public && kept, "after {op:?} of {ops:?}");
                assert_eq!(files(dir.path()), usize::from(public && kept), "after {op:?}");
            }
            ledger.shutdown().await;
        });
    }
}

/// Issue 13: many consents with the name and many withdrawals at once, in
/// whatever order the sequencer takes them: at the end the name is kept if
/// and only if the latest consent is public (a disclosure is never written
/// after the withdrawal that should have erased it).
#[test]
fn a_race_of_consents_and_withdrawals_ends_with_the_name_kept_only_if_public() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .expect("runtime");
    for round in 0..8u32 {
        rt.block_on(async {
            let (dir, ledger) = ledger();
            setup(&ledger).await;
            let mut tasks = Vec::new();
            for i in 0..40u32 {
                let ledger = Arc::clone(&ledger);
                let public = (i + round) % 2 == 0;
                tasks.push(tokio::spawn(async move {
                    let _ = ledger.submit(&body(&consent(public, i), public)).await;
                }));
            }
            for t in tasks {
                t.await.expect("task");
            }
            let member = ledger.actor(&actor(MEMBER)).expect("member");
            let (public, named) = (member.public, member.name.is_some());
            // The file follows the latest consent, whichever it was.
            let latest_public = {
                let page = ledger.entries(0, 1000).expect("entries");
                page.iter()
                    .rev()
                    .find_map(|(_, leaf)| {
                        let text = String::from_utf8_lossy(leaf).into_owned();
                        text.contains("actor.consent")
                            .then(|| text.contains(r#"\"public\":true"#))
                    })
                    .expect("a consent")
            };
            assert_eq!(
                files(dir.path()),
                usize::from(latest_public),
                "round {round}"
            );
            assert_eq!(
                public, latest_public,
                "round {round}: the view follows the log"
            );
            assert_eq!(
                named, latest_public,
                "round {round}: named exactly while public"
            );
            ledger.shutdown().await;
        });
    }
}
