//! The buyer page's view model: turns what `service::buyer` found (a
//! [`BuyerView`]) into the `BatchPage` template of `batch.html`, with
//! names, places, dates and quantities as a buyer reads them.
//!
//! A member household is named only where it may be (spec §8.8, §6.17): a
//! format-2 member by a disclosure the page carries in its proof data,
//! beside the registration leaf whose `name_commit` it opens, so that the
//! phone checks the name; otherwise as its cooperative's household in its
//! commune. Places are written by their names on the 2025 map, never as
//! codes.

use super::AppState;
use super::assets;
use super::format::{NumberFormat, day, harvest_time, local_time, quantity};
use super::i18n::Texts;
use super::render::{TemplateError, render};
use crate::domain::ids::ActorId;
use crate::domain::leaf::Leaf;
use crate::domain::messages::Lang;
use crate::domain::model::{Actor, ActorKind, Batch};
use crate::domain::product::{Certification, InspectResult};
use crate::domain::statement::{Body, Statement, StatementType};
use crate::service::buyer::BuyerView;
use askama::Template;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use std::collections::{BTreeMap, BTreeSet};

mod who;

pub(super) use who::{Who, producer};
use who::{producer_households, shown_disclosures, who};

/// A text the phone checks against a signed entry (issue 15): the field
/// `field` of the statement of leaf `leaf`, written the way `show` says
/// (`web/static/verify.js`: empty for the text as signed, `quantity`,
/// `datetime`, `harvest`, `stars`, `place`, `step`, `cert`, or the prefix
/// of a word of the page's glossary such as `category`). A field starting
/// with `$lot.` is the lot `of`'s part of its statement: the statement of
/// a `batch.create`, the output of a `batch.transform`. Without a leaf on
/// the page the text is shown unbound.
pub(super) struct Bound {
    text: String,
    leaf: Option<u64>,
    field: String,
    show: &'static str,
    of: String,
}

impl Bound {
    fn new(
        text: impl Into<String>,
        leaf: Option<u64>,
        field: impl Into<String>,
        show: &'static str,
    ) -> Self {
        Bound {
            text: text.into(),
            leaf,
            field: field.into(),
            show,
            of: String::new(),
        }
    }

    /// The lot `of`'s own part of its creating statement.
    fn of_lot(text: impl Into<String>, lot: &Batch, field: &str, show: &'static str) -> Self {
        Bound {
            of: lot.id.to_string(),
            ..Bound::new(text, created_at(lot), format!("$lot.{field}"), show)
        }
    }
}

/// The leaf that made `batch` (its `batch.create` or `batch.transform`).
fn created_at(batch: &Batch) -> Option<u64> {
    batch.steps.first().map(|s| s.index)
}

/// The statement of leaf `index`, when the page carries that leaf.
fn statement_of(view: &BuyerView, index: u64) -> Option<Statement> {
    let leaf = view.leaves.iter().find(|l| l.index == index)?;
    let leaf = Leaf::parse(&leaf.bytes).ok()?;
    crate::domain::statement::parse(&leaf.statement).ok()
}

/// Whether the page carries leaf `index`.
fn on_page(view: &BuyerView, index: u64) -> bool {
    view.leaves.iter().any(|l| l.index == index)
}

/// The glossary the phone checks words against: `prefix:code` to the
/// word the page writes for it (spec §8.8). The codes are signed; the
/// words are the page's language.
#[derive(Default)]
struct Words(BTreeMap<String, String>);

impl Words {
    fn say(&mut self, key: String, word: &str) -> String {
        self.0.insert(key, word.to_owned());
        word.to_owned()
    }
}

/// An actor's place, bound to the region of its registration.
fn bound_place(view: &BuyerView, words: &mut Words, actor: &Actor) -> Option<Bound> {
    let r = actor.region.as_ref()?;
    let text = r.place();
    if text.is_empty() {
        return None;
    }
    let key = format!(
        "place:{}|{}|{}",
        r.province,
        r.district.as_deref().unwrap_or(""),
        r.commune.as_deref().unwrap_or("")
    );
    let leaf = Some(actor.registered_index).filter(|i| on_page(view, *i));
    words.say(key, &text);
    Some(Bound::new(text, leaf, "region", "place"))
}

/// One step of the journey as shown: what, when, by whom, where.
struct StepView {
    index: u64,
    kind: &'static str,
    by_id: String,
    batch: String,
    at: String,
    lot: String,
    date: Bound,
    title: Bound,
    /// Whom a shipment went to.
    to: Option<Who>,
    who: Who,
    role: Option<Bound>,
    place: Option<Bound>,
}

struct InspectionView {
    index: u64,
    code: &'static str,
    class: &'static str,
    result: Bound,
    scheme: Bound,
    by: Who,
    date: Bound,
    note: Option<Bound>,
}

struct RecallView {
    index: u64,
    reason: Bound,
    date: Bound,
    by: Who,
}

struct InputView {
    href: String,
    product: Bound,
    lot: String,
    /// How much of it was used, bound to the transformation's input.
    amount: Bound,
    /// In the input lot's own unit, bound to the statement that made it.
    unit: Bound,
}

struct CorrectionView {
    /// The correction's own leaf.
    index: u64,
    date: Bound,
    target: u64,
    reason: Bound,
    by: Who,
}

/// `/b/{id}`: the buyer's page.
#[derive(Template)]
#[template(path = "batch.html")]
pub(super) struct BatchPage {
    t: &'static Texts,
    style: &'static str,
    verify: &'static str,
    import_map: &'static str,
    other_lang_url: String,
    product: Bound,
    category: Bound,
    ocop_stars: Option<(Bound, Bound)>,
    lot: Bound,
    gtin: Option<Bound>,
    producer: Who,
    households: Vec<Who>,
    address: Option<Bound>,
    origin: Option<Bound>,
    harvested: Option<Bound>,
    quantity: Bound,
    recall: Option<RecallView>,
    certifications: Vec<Bound>,
    inspections: Vec<InspectionView>,
    steps: Vec<StepView>,
    made_from: Vec<InputView>,
    corrections: Vec<CorrectionView>,
    origin_name: String,
    size: u64,
    ledger_key: String,
    api_url: String,
    proof_json: String,
    /// Whether the ledger has witnesses (the page then says whether they
    /// cosigned, spec §8.8).
    witnessed: bool,
}

/// The JSON the page's script checks; `<` is escaped so that no value can
/// end the `<script>` element it sits in.
fn proof_json(app: &AppState, view: &BuyerView, words: &Words) -> String {
    let info = app.ledger.info();
    // A registration is on the page only for the disclosure it backs.
    let backed: BTreeSet<u64> = shown_disclosures(view).map(|(_, i)| *i).collect();
    let unbacked: BTreeSet<u64> = view
        .disclosures
        .iter()
        .map(|(_, i)| *i)
        .filter(|i| !backed.contains(i))
        .collect();
    let disclosures: Vec<serde_json::Value> = shown_disclosures(view)
        .map(|(d, index)| {
            serde_json::json!({
                "member": d.member,
                "name": d.name,
                "salt": d.salt,
                "leaf": index,
            })
        })
        .collect();
    let leaves: Vec<serde_json::Value> = view
        .leaves
        .iter()
        .filter(|l| !unbacked.contains(&l.index))
        .map(|l| {
            serde_json::json!({
                "index": l.index,
                "leaf": B64.encode(&l.bytes),
                "proof": l.proof.iter().map(|h| h.to_string()).collect::<Vec<_>>(),
            })
        })
        .collect();
    let witnesses: Vec<serde_json::Value> = info
        .witnesses
        .iter()
        .map(|w| serde_json::json!({"name": w.name, "vkey": w.vkey, "label": w.label}))
        .collect();
    serde_json::json!({
        "origin": info.origin,
        "key_name": info.key_name,
        "ledger_key": info.public_key.to_string(),
        "checkpoint": view.checkpoint,
        "size": view.proven_size,
        "leaves": leaves,
        "disclosures": disclosures,
        "witnesses": witnesses,
        "witness_quorum": info.witness_quorum.unwrap_or(0),
        "words": words.0,
    })
    .to_string()
    .replace('<', "\\u003c")
}

/// A certificate as shown: "VietGAP VG-BG-2026-0142 (valid until
/// 30/06/2028)", the scheme left out when the number starts with it.
fn certificate(t: &Texts, words: &mut Words, c: &Certification) -> String {
    let scheme = words.say(format!("scheme:{}", c.scheme.as_str()), t.scheme(c.scheme));
    words.say("valid_until".into(), t.valid_until);
    let name = if c.id.starts_with(c.scheme.as_str()) {
        c.id.clone()
    } else {
        format!("{scheme} {}", c.id)
    };
    match c.valid_until {
        Some(d) => format!("{name} ({} {})", t.valid_until, day(d)),
        None => name,
    }
}

impl BatchPage {
    /// The page of `view` at `path`, for a reader of `t`'s language.
    pub(super) fn new(app: &AppState, t: &'static Texts, view: &BuyerView, path: &str) -> Self {
        let b = &view.batch;
        let lang = Lang::negotiate(Some(t.tag), None);
        let mut words = Words::default();
        words.say("household_of".into(), t.household_of);
        let name = |id: &ActorId| who(view, t, id);
        let lineage: Vec<&Batch> = std::iter::once(b).chain(&view.ancestors).collect();
        // One card per entry: a transformation names every lot it used and
        // made, but is drawn once, as the lot's own step where it is one.
        let mut chosen: Vec<&crate::domain::lineage::TraceStep> = Vec::new();
        for s in &view.journey {
            match chosen.iter_mut().find(|c| c.index == s.index) {
                Some(c) if s.batch == b.id => *c = s,
                Some(_) => {}
                None => chosen.push(s),
            }
        }
        let steps = chosen
            .into_iter()
            .map(|s| {
                let actor = view.actors.get(&s.by);
                let lot_batch = lineage
                    .iter()
                    .find(|a| a.id == s.batch)
                    .copied()
                    .unwrap_or(b);
                let title = match s.kind {
                    StatementType::Transform => {
                        match statement_of(view, s.index).map(|st| st.body) {
                            Some(Body::Transform(x)) => words.say(
                                format!("process:{}", x.process.as_str()),
                                t.process(x.process),
                            ),
                            _ => t.step_transform.to_owned(),
                        }
                    }
                    StatementType::Receive => words.say(
                        format!("receive:{}", s.accepted.unwrap_or(true)),
                        t.step(s.kind, s.accepted).unwrap_or(s.kind.as_str()),
                    ),
                    kind => words.say(
                        format!("step:{}", kind.as_str()),
                        t.step(kind, s.accepted).unwrap_or(kind.as_str()),
                    ),
                };
                let who = name(&s.by);
                let role = actor
                    .filter(|_| who.leaf.is_some() && who.around.is_none())
                    .and_then(|a| match a.kind {
                        ActorKind::Role(r) => {
                            let word = words.say(format!("role:{}", r.as_str()), t.role(a.kind));
                            Some(Bound::new(word, who.leaf, "role", "role"))
                        }
                        ActorKind::Registrar => None,
                    });
                StepView {
                    index: s.index,
                    kind: s.kind.as_str(),
                    by_id: s.by.to_string(),
                    batch: s.batch.to_string(),
                    at: s.at.clone(),
                    lot: format!("{} · {}", lot_batch.product.name, lot_batch.id),
                    date: Bound::new(local_time(&s.at), Some(s.index), "at", "datetime"),
                    title: Bound::new(title, Some(s.index), "type", "step"),
                    to: s
                        .to
                        .as_ref()
                        .filter(|_| s.kind == StatementType::Ship)
                        .map(name),
                    role,
                    place: actor.and_then(|a| bound_place(view, &mut words, a)),
                    who,
                }
            })
            .collect();
        let inspections = lineage
            .iter()
            .flat_map(|x| &x.inspections)
            .filter(|i| i.index < view.size)
            .map(|i| {
                let leaf = Some(i.index);
                let result = words.say(format!("result:{}", i.result.as_str()), t.result(i.result));
                let scheme = words.say(format!("scheme:{}", i.scheme.as_str()), t.scheme(i.scheme));
                InspectionView {
                    index: i.index,
                    code: i.result.as_str(),
                    class: match i.result {
                        InspectResult::Pass => "pass",
                        InspectResult::Fail => "fail",
                    },
                    result: Bound::new(result, leaf, "result", "result"),
                    scheme: Bound::new(scheme, leaf, "scheme", "scheme"),
                    by: name(&i.by),
                    date: Bound::new(local_time(&i.at), leaf, "at", "datetime"),
                    note: i.note.clone().map(|n| Bound::new(n, leaf, "note", "")),
                }
            })
            .collect();
        let mut seen = BTreeSet::new();
        // A transformation's output inherits its input's certificates; the
        // signed ones are in the batch.create that listed them.
        let certifications = lineage
            .iter()
            .filter(|x| x.process.is_none())
            .flat_map(|x| {
                x.certifications
                    .iter()
                    .enumerate()
                    .map(move |(k, c)| (*x, k, c))
            })
            .filter(|(_, _, c)| seen.insert((c.scheme, c.id.clone())))
            .map(|(x, k, c)| Bound {
                of: x.id.to_string(),
                ..Bound::new(
                    certificate(t, &mut words, c),
                    created_at(x),
                    format!("certifications.{k}"),
                    "cert",
                )
            })
            .collect();
        let n = NumberFormat::of(lang);
        let made_from = b
            .inputs
            .iter()
            .enumerate()
            .map(|(k, i)| {
                let input = view.ancestors.iter().find(|a| a.id == i.batch);
                let unit = i.quantity.unit;
                let word = words.say(format!("unit:{}", unit.as_str()), t.unit(unit));
                InputView {
                    href: format!("/b/{}?lang={}", i.batch, t.tag),
                    product: match input {
                        Some(a) => Bound::of_lot(a.product.name.clone(), a, "product.name", ""),
                        None => Bound::new(i.batch.to_string(), None, "", ""),
                    },
                    lot: i.batch.to_string(),
                    amount: Bound::new(
                        n.decimal(&i.quantity.amount.to_string()),
                        created_at(b),
                        format!("inputs.{k}.amount"),
                        "number",
                    ),
                    unit: match input {
                        Some(a) => Bound::of_lot(word, a, "quantity.unit", "unit"),
                        None => Bound::new(word, None, "", ""),
                    },
                }
            })
            .collect();
        let corrections = view
            .corrections
            .iter()
            .map(|c| CorrectionView {
                index: c.index,
                date: Bound::new(local_time(&c.at), Some(c.index), "at", "datetime"),
                target: c.target,
                reason: Bound::new(c.reason.clone(), Some(c.index), "reason", ""),
                by: name(&c.by),
            })
            .collect();
        let ocop_stars = b.product.ocop_stars.map(|s| {
            let s = s.get();
            (
                Bound::of_lot("★".repeat(usize::from(s)), b, "product.ocop_stars", "stars"),
                Bound::of_lot(n.count(u64::from(s)), b, "product.ocop_stars", "number"),
            )
        });
        let category = words.say(
            format!("category:{}", b.product.category.as_str()),
            t.category(b.product.category),
        );
        let origin_lot = lineage
            .iter()
            .find(|x| x.origin.is_some() && x.process.is_none());
        let harvest_lot = lineage
            .iter()
            .find(|x| x.harvested_at.is_some() && x.process.is_none());
        let address = view
            .cooperative
            .as_ref()
            .and_then(|c| bound_place(view, &mut words, c));
        BatchPage {
            t,
            style: assets::path("style.css"),
            verify: assets::path("verify.js"),
            import_map: assets::import_map(),
            other_lang_url: format!("{path}?lang={}", t.other_tag),
            product: Bound::of_lot(b.product.name.clone(), b, "product.name", ""),
            category: Bound::of_lot(category, b, "product.category", "category"),
            ocop_stars,
            lot: Bound::of_lot(b.id.to_string(), b, "batch", ""),
            gtin: b
                .product
                .gtin
                .map(|g| Bound::of_lot(g.to_string(), b, "product.gtin", "")),
            producer: producer(view, t),
            households: producer_households(view, t),
            address,
            origin: match (origin_lot, &view.origin) {
                (Some(x), Some(o)) => Some(Bound::of_lot(o.place.clone(), x, "origin.place", "")),
                (None, Some(o)) => Some(Bound::new(o.place.clone(), None, "", "")),
                (_, None) => None,
            },
            harvested: match (harvest_lot, &view.harvested_at) {
                (Some(x), Some(h)) => Some(Bound::of_lot(
                    harvest_time(h.as_str()),
                    x,
                    "harvested_at",
                    "harvest",
                )),
                (None, Some(h)) => Some(Bound::new(harvest_time(h.as_str()), None, "", "")),
                (_, None) => None,
            },
            quantity: Bound::of_lot(quantity(t, &b.quantity), b, "quantity", "quantity"),
            recall: b
                .recall
                .as_ref()
                .filter(|r| r.index < view.size)
                .map(|r| RecallView {
                    index: r.index,
                    reason: Bound::new(r.reason.clone(), Some(r.index), "reason", ""),
                    date: view
                        .journey
                        .iter()
                        .find(|s| s.index == r.index)
                        .map_or_else(
                            || Bound::new(format!("#{}", r.index), None, "", ""),
                            |s| Bound::new(local_time(&s.at), Some(r.index), "at", "datetime"),
                        ),
                    by: name(&r.by),
                }),
            certifications,
            inspections,
            steps,
            made_from,
            corrections,
            origin_name: app.ledger.info().origin,
            size: view.size,
            ledger_key: {
                let info = app.ledger.info();
                format!(
                    "{} ({:08x})",
                    info.public_key,
                    crate::domain::checkpoint::key_id(&info.key_name, &info.public_key)
                )
            },
            api_url: format!("/api/v1/batches/{}/trace", b.id),
            proof_json: proof_json(app, view, &words),
            witnessed: app.ledger.witnesses().is_some(),
        }
    }

    /// A representative page, with one of everything a page can show, to
    /// render at start-up.
    fn sample(t: &'static Texts) -> Self {
        let who = || Who::registered("HTX Lục Ngạn".to_owned(), 1);
        let named = || Who {
            text: "Nguyễn Văn An".into(),
            member: "tv-k3m9q2x7pd".into(),
            leaf: None,
            around: Some(("Hộ thành viên của ".into(), " (xã X)".into())),
        };
        let bound = |text: &str| Bound::new(text, Some(3), "at", "datetime");
        let lot = || Bound {
            of: "vai-01".into(),
            ..Bound::new("vai-01", Some(2), "$lot.batch", "")
        };
        BatchPage {
            t,
            style: assets::path("style.css"),
            verify: assets::path("verify.js"),
            import_map: assets::import_map(),
            other_lang_url: format!("/b/vai-01?lang={}", t.other_tag),
            product: lot(),
            category: lot(),
            ocop_stars: Some((lot(), lot())),
            lot: lot(),
            gtin: Some(lot()),
            producer: who(),
            households: vec![named(), who()],
            address: Some(lot()),
            origin: Some(lot()),
            harvested: None,
            quantity: lot(),
            recall: Some(RecallView {
                index: 5,
                reason: bound("<test>"),
                date: bound("12/06/2026 16:00"),
                by: who(),
            }),
            certifications: vec![lot()],
            inspections: vec![InspectionView {
                index: 4,
                code: "pass",
                class: "pass",
                result: bound("Đạt"),
                scheme: bound("VietGAP"),
                by: who(),
                date: bound("12/06/2026 16:00"),
                note: Some(bound("ok")),
            }],
            steps: vec![StepView {
                index: 3,
                kind: StatementType::Ship.as_str(),
                by_id: "htx-01".into(),
                batch: "vai-01".into(),
                at: "2026-06-12T09:00:00Z".into(),
                lot: "Vải thiều · vai-01".into(),
                date: bound("12/06/2026 16:00"),
                title: bound("Gửi hàng"),
                to: Some(who()),
                who: named(),
                role: Some(bound("Hợp tác xã")),
                place: Some(bound("Lục Ngạn")),
            }],
            made_from: vec![InputView {
                href: format!("/b/vai-00?lang={}", t.tag),
                product: lot(),
                lot: "vai-00".into(),
                amount: lot(),
                unit: lot(),
            }],
            corrections: vec![CorrectionView {
                index: 5,
                date: bound("12/06/2026 16:00"),
                target: 2,
                reason: bound("typo"),
                by: who(),
            }],
            origin_name: "example.invalid/ledger".into(),
            size: 6,
            ledger_key: "ed25519 (00000000)".into(),
            api_url: "/api/v1/batches/vai-01/trace".into(),
            proof_json: "{}".into(),
            witnessed: true,
        }
    }
}

/// Renders the batch page in both languages at start-up.
pub(super) fn check_templates() -> Result<(), TemplateError> {
    for lang in [Lang::Vi, Lang::En] {
        render(&BatchPage::sample(Texts::of(lang)))?;
    }
    Ok(())
}
