//! The builder's tests: each statement type's method parses to its body,
//! the raw escape hatch keeps a bad statement bad, and a property test
//! (every built statement parses and round-trips its fields).

use super::*;
use crate::domain::product::Gtin;
use crate::domain::quantity::Unit;
use crate::domain::statement::{Body, LEDGER_SIGNER, Statement, parse};

fn actor(s: &str) -> ActorId {
    ActorId::parse(s).expect("id")
}
fn batch(s: &str) -> BatchId {
    BatchId::parse(s).expect("id")
}
fn at() -> Timestamp {
    Timestamp::parse("2026-11-21T08:00:00Z").expect("time")
}
fn kg(s: &str) -> Quantity {
    Quantity {
        amount: Amount::parse(s).expect("amount"),
        unit: Unit::Kg,
    }
}
fn key() -> PublicKey {
    PublicKey::from(SigningKey::from_bytes(&[3u8; 32]).verifying_key())
}
fn by(s: &str) -> StatementBuilder {
    StatementBuilder::new(&actor(s), at())
}

/// Parses a draft's text and checks it reads back as the draft's own
/// signer, time and body.
fn parses_as<T: Serialize + Clone>(draft: &Draft<T>, wrap: fn(T) -> Body) -> Statement {
    let text = draft.text();
    let st = parse(&text).unwrap_or_else(|r| panic!("{text}: {r}"));
    assert_eq!(st.by.as_str(), draft.by);
    assert_eq!(st.at, Timestamp::parse(&draft.at).expect("at"));
    assert_eq!(st.nonce, draft.nonce);
    assert_eq!(st.body, wrap(draft.body().clone()), "{text}");
    st
}

#[test]
fn the_text_starts_with_the_common_fields_then_the_body() {
    let d = by("htx-1").ship(&batch("lo-1"), &actor("dn-1"));
    assert_eq!(
        d.text(),
        r#"{"v":1,"type":"batch.ship","by":"htx-1","at":"2026-11-21T08:00:00Z","batch":"lo-1","to":"dn-1"}"#
    );
    let d = d.nonce("lần 2");
    assert!(
        d.text()
            .contains(r#""at":"2026-11-21T08:00:00Z","nonce":"lần 2","batch""#)
    );
}

#[test]
fn every_builder_method_parses_to_its_body() {
    let vn = region("Bắc Giang", Some("Lục Ngạn"), Some("Phượng Sơn"));
    let registrar = Registrar {
        id: actor("reg"),
        key: key(),
        name: Some("Sở NN".into()),
    };
    parses_as(
        &StatementBuilder::new(&actor(LEDGER_SIGNER), at()).genesis(
            "test.example/log",
            key(),
            vec![registrar],
        ),
        Body::Genesis,
    );
    parses_as(
        &by("reg")
            .register(&actor("tv-1"), Role::Member, "Hộ 1", key(), vn.clone())
            .cooperative(&actor("htx-1"))
            .public(false),
        Body::ActorRegister,
    );
    parses_as(&by("htx-1").rotate_key(key()), Body::RotateKey);
    parses_as(&by("reg").revoke(&actor("htx-1"), "giải thể"), Body::Revoke);
    let lychee = Product {
        gtin: Gtin::parse("08935049501503"),
        ..product(Category::Fruit, "Vải thiều")
    };
    let create = by("htx-1")
        .batch_create(
            &batch("lo-1"),
            lychee.clone(),
            kg("1250.5"),
            Origin {
                lat: Some(21.38),
                lon: Some(106.62),
                ..place("Lục Ngạn")
            },
        )
        .harvested_at(HarvestTime::parse("2026-06-10").expect("date"))
        .producer(&actor("tv-1"))
        .certifications(vec![Certification {
            scheme: Scheme::VietGap,
            id: "VG-1".into(),
            valid_until: Day::parse("2028-06-30").ok(),
        }])
        .photo_of(b"photo");
    let st = parses_as(&create, Body::BatchCreate);
    let Body::BatchCreate(b) = st.body else {
        panic!("a batch.create")
    };
    assert_eq!(
        b.photo_blake3.map(|h| h.to_string()),
        Some(blake3::hash(b"photo").to_hex().to_string())
    );
    parses_as(
        &by("htx-1")
            .ship(&batch("lo-1"), &actor("dn-1"))
            .contract(&ContractId::parse("hd-1").expect("id")),
        Body::Ship,
    );
    parses_as(&by("dn-1").receive(&batch("lo-1"), false), Body::Receive);
    parses_as(
        &by("htx-1").transform(
            Process::Split,
            vec![input(&batch("lo-1"), Amount::parse("10").expect("amount"))],
            vec![
                output(&batch("lo-1a"), lychee.clone(), kg("6")),
                output(&batch("lo-1b"), lychee, kg("4")),
            ],
        ),
        Body::Transform,
    );
    parses_as(
        &by("kd-1")
            .inspect(&batch("lo-1"), InspectResult::Fail, Scheme::FoodSafety)
            .report_of(b"report")
            .note("Vượt MRL"),
        Body::Inspect,
    );
    parses_as(&by("qlcl").recall(&batch("lo-1"), "dư lượng"), Body::Recall);
    let hd = ContractId::parse("hd-1").expect("id");
    let days = (
        Day::parse("2026-01-01").expect("day"),
        Day::parse("2026-12-31").expect("day"),
    );
    parses_as(
        &by("dn-1")
            .contract_offer(&hd, &actor("htx-1"), &actor("dn-1"), Category::Rice, days)
            .volume(kg("50000")),
        Body::ContractOffer,
    );
    parses_as(&by("htx-1").contract_accept(&hd), Body::ContractAccept);
    parses_as(&by("htx-1").correction(3, "nhầm lô"), Body::Correction);
}

#[test]
fn raw_edits_keep_a_bad_statement_bad_in_its_own_way() {
    use crate::domain::messages::Code;
    let ship = || by("htx-1").ship(&batch("lo-1"), &actor("dn-1"));
    let code = |t: String| parse(&t).expect_err("refused").code;
    assert_eq!(
        code(ship().field("colour", "red").text()),
        Code::MalformedStatement
    );
    assert_eq!(code(ship().without("to").text()), Code::MalformedStatement);
    assert_eq!(code(ship().field("v", 2).text()), Code::UnsupportedVersion);
    assert_eq!(code(ship().field("at", "yesterday").text()), Code::BadTime);
    // A replaced member stays in its place.
    assert!(
        ship()
            .field("to", "dn 2")
            .text()
            .ends_with(r#""batch":"lo-1","to":"dn 2"}"#)
    );
    let raw = Draft::raw("actor.dance", "htx-1", "2026-11-21T08:00:00Z")
        .fields(serde_json::json!({"steps": 3}));
    assert_eq!(
        raw.text(),
        r#"{"v":1,"type":"actor.dance","by":"htx-1","at":"2026-11-21T08:00:00Z","steps":3}"#
    );
    assert_eq!(code(raw.text()), Code::UnknownType);
}

#[test]
fn a_signed_draft_verifies_over_its_text() {
    let key = SigningKey::from_bytes(&[5u8; 32]);
    let d = by("dn-1").receive(&batch("lo-1"), true);
    let env = d.sign(&key);
    assert_eq!(env.statement, d.text());
    assert_eq!(env.verify(), Ok(()));
    let raw = d.clone().field("nonce", "x").into_raw();
    assert_eq!(raw.text(), d.field("nonce", "x").text());
}

mod props {
    use super::*;
    use proptest::prelude::*;

    fn id() -> impl Strategy<Value = String> {
        "[a-z][a-z0-9._-]{0,12}"
    }
    fn text() -> impl Strategy<Value = String> {
        "[A-Za-zÀ-ỹ0-9][A-Za-zÀ-ỹ0-9 ,.–-]{0,30}"
    }
    fn quantity() -> impl Strategy<Value = Quantity> {
        (1u64..=10_000_000_000, prop::sample::select(Unit::ALL)).prop_map(|(m, unit)| Quantity {
            amount: Amount::from_milli(m).expect("in range"),
            unit,
        })
    }
    fn product_s() -> impl Strategy<Value = Product> {
        (
            prop::sample::select(Category::ALL),
            text(),
            prop::option::of(Just("08935049501503")),
        )
            .prop_map(|(c, name, gtin)| Product {
                gtin: gtin.and_then(Gtin::parse),
                ..product(c, &name)
            })
    }
    fn time() -> impl Strategy<Value = Timestamp> {
        (1_600_000_000i64..1_900_000_000).prop_map(|s| {
            Timestamp::from_clock(time::OffsetDateTime::from_unix_timestamp(s).expect("in range"))
        })
    }

    fn finish<T: Serialize>(d: Draft<T>, nonce: Option<&str>) -> String {
        match nonce {
            Some(n) => d.nonce(n).text(),
            None => d.text(),
        }
    }

    /// The text of a statement of one of the types built from random
    /// typed values, and the statement those values make.
    fn built() -> impl Strategy<Value = (String, Statement)> {
        let head = (id(), time(), prop::option::of(text()));
        let body = prop_oneof![
            (
                id(),
                prop::sample::select(Role::ALL),
                text(),
                text(),
                prop::option::of(id()),
                prop::option::of(any::<bool>()),
                any::<[u8; 32]>()
            )
                .prop_map(|(i, role, name, province, coop, public, commit)| {
                    // A member is registered by its commitment or, as on a
                    // format-1 ledger, by its name.
                    let committed = role == Role::Member && commit[0] % 2 == 0;
                    Body::ActorRegister(ActorRegister {
                        id: actor(&i),
                        role,
                        name: (!committed).then_some(name),
                        name_commit: committed
                            .then_some(crate::domain::privacy::NameCommit(commit)),
                        key: key(),
                        region: region(&province, Some("Huyện"), None),
                        cooperative: coop.map(|c| actor(&c)),
                        public,
                    })
                }),
            (
                id(),
                product_s(),
                quantity(),
                text(),
                prop::option::of((-90.0f64..=90.0, -180.0f64..=180.0)),
                prop::option::of(id())
            )
                .prop_map(|(b, p, q, pl, ll, producer)| {
                    Body::BatchCreate(BatchCreate {
                        batch: batch(&b),
                        product: p,
                        quantity: q,
                        origin: Origin {
                            lat: ll.map(|l| l.0),
                            lon: ll.map(|l| l.1),
                            ..place(&pl)
                        },
                        harvested_at: None,
                        producer: producer.map(|p| actor(&p)),
                        certifications: None,
                        photo_blake3: None,
                    })
                }),
            (id(), id(), prop::option::of(id())).prop_map(|(b, to, c)| Body::Ship(Ship {
                batch: batch(&b),
                to: actor(&to),
                contract: c.map(|c| ContractId::parse(&c).expect("id")),
            })),
            (id(), any::<bool>()).prop_map(|(b, accepted)| Body::Receive(Receive {
                batch: batch(&b),
                accepted
            })),
            (
                id(),
                prop::collection::vec(1u64..1_000_000, 1..4),
                prop::collection::vec((product_s(), quantity()), 1..4),
                prop::sample::select(
                    &[
                        Process::Drying,
                        Process::Milling,
                        Process::Packing,
                        Process::Processing,
                        Process::Other
                    ][..]
                )
            )
                .prop_map(|(base, ins, outs, process)| Body::Transform(Transform {
                    process,
                    inputs: ins
                        .iter()
                        .enumerate()
                        .map(|(i, m)| input(
                            &batch(&format!("{base}-i{i}")),
                            Amount::from_milli(*m).expect("amount")
                        ))
                        .collect(),
                    outputs: outs
                        .into_iter()
                        .enumerate()
                        .map(|(i, (p, q))| output(&batch(&format!("{base}-o{i}")), p, q))
                        .collect(),
                })),
            (
                id(),
                prop::sample::select(InspectResult::ALL),
                prop::sample::select(Scheme::ALL),
                prop::option::of(text())
            )
                .prop_map(|(b, result, scheme, note)| Body::Inspect(Inspect {
                    batch: batch(&b),
                    result,
                    scheme,
                    report_blake3: None,
                    note,
                })),
            (id(), text()).prop_map(|(b, reason)| Body::Recall(Recall {
                batch: batch(&b),
                reason
            })),
            (
                id(),
                id(),
                id(),
                prop::sample::select(Category::ALL),
                0i64..3000,
                0i64..3000,
                prop::option::of(quantity())
            )
                .prop_map(|(c, coop, biz, category, a, len, volume)| {
                    let day = |d: i64| {
                        Day::from(
                            time::Date::from_calendar_date(2020, time::Month::January, 1)
                                .expect("date")
                                + time::Duration::days(d),
                        )
                    };
                    Body::ContractOffer(ContractOffer {
                        contract: ContractId::parse(&c).expect("id"),
                        cooperative: actor(&coop),
                        business: actor(&biz),
                        product_category: category,
                        from: day(a),
                        to: day(a + len),
                        volume,
                    })
                }),
            id().prop_map(|c| Body::ContractAccept(ContractAccept {
                contract: ContractId::parse(&c).expect("id")
            })),
            (id(), text()).prop_map(|(i, reason)| Body::Revoke(Revoke {
                id: actor(&i),
                reason
            })),
            Just(Body::RotateKey(RotateKey { new_key: key() })),
            (id(), any::<bool>(), prop::option::of(any::<[u8; 32]>())).prop_map(
                |(m, public, form)| Body::Consent(Consent {
                    member: actor(&m),
                    public,
                    form_blake3: form.map(crate::domain::product::Blake3Hex),
                })
            ),
            (
                id(),
                prop::collection::vec((id(), prop::option::of(text())), 0..3)
            )
                .prop_map(|(origin, regs)| Body::Genesis(Genesis {
                    format: (origin.len() % 2 == 0).then_some(LedgerFormat::V2),
                    origin,
                    ledger_key: key(),
                    registrars: regs
                        .into_iter()
                        .map(|(i, name)| Registrar {
                            id: actor(&i),
                            key: key(),
                            name
                        })
                        .collect(),
                })),
            (any::<u64>(), text())
                .prop_map(|(index, reason)| Body::Correction(Correction { index, reason })),
        ];
        (head, body).prop_map(|((by, at, nonce), body)| {
            let b = StatementBuilder::new(&actor(&by), at);
            let n = nonce.as_deref();
            let text = match body.clone() {
                Body::Genesis(x) => finish(b.body(x), n),
                Body::ActorRegister(x) => finish(b.body(x), n),
                Body::RotateKey(x) => finish(b.body(x), n),
                Body::Revoke(x) => finish(b.body(x), n),
                Body::Consent(x) => finish(b.body(x), n),
                Body::BatchCreate(x) => finish(b.body(x), n),
                Body::Ship(x) => finish(b.body(x), n),
                Body::Receive(x) => finish(b.body(x), n),
                Body::Transform(x) => finish(b.body(x), n),
                Body::Inspect(x) => finish(b.body(x), n),
                Body::Recall(x) => finish(b.body(x), n),
                Body::ContractOffer(x) => finish(b.body(x), n),
                Body::ContractAccept(x) => finish(b.body(x), n),
                Body::Correction(x) => finish(b.body(x), n),
            };
            (
                text,
                Statement {
                    by: actor(&by),
                    at,
                    nonce,
                    body,
                },
            )
        })
    }

    proptest! {
        /// Invariant: every built statement parses, and round-trips its
        /// fields: the parsed signer, time, nonce and body are exactly
        /// the typed values it was built from.
        #[test]
        fn every_built_statement_parses_and_round_trips_its_fields((text, want) in built()) {
            let got = parse(&text);
            prop_assert!(got.is_ok(), "{text}: {got:?}");
            prop_assert_eq!(got.ok(), Some(want), "{}", text);
        }
    }
}
