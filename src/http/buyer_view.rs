//! The buyer page's view model: turns what `service::buyer` found (a
//! [`BuyerView`]) into the `BatchPage` template of `batch.html`, with
//! names, places, dates and quantities as a buyer reads them.

use super::AppState;
use super::assets;
use super::i18n::Texts;
use super::render::{TemplateError, render};
use crate::domain::ids::ActorId;
use crate::domain::messages::Lang;
use crate::domain::model::Actor;
use crate::domain::product::{Category, InspectResult};
use crate::domain::statement::{Region, StatementType};
use crate::domain::time::Timestamp;
use crate::service::buyer::BuyerView;
use askama::Template;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;

/// Shows an RFC 3339 time as a Vietnamese clock time: `12/06/2026 16:00`.
fn local_time(at: &str) -> String {
    match Timestamp::parse(at) {
        Ok(t) => {
            let local = t.local();
            format!(
                "{:02}/{:02}/{:04} {:02}:{:02}",
                local.day(),
                u8::from(local.month()),
                local.year(),
                local.hour(),
                local.minute()
            )
        }
        Err(_) => at.to_owned(),
    }
}

/// A harvest time as written: a bare date as `10/06/2026`, a time as
/// [`local_time`].
fn harvest_time(text: &str) -> String {
    match crate::domain::time::parse_date(text) {
        Ok(d) => format!("{:02}/{:02}/{:04}", d.day(), u8::from(d.month()), d.year()),
        Err(_) => local_time(text),
    }
}

/// A quantity with its unit in the reader's language.
fn quantity(t: &Texts, q: &crate::domain::quantity::Quantity) -> String {
    format!("{} {}", q.amount, t.unit(q.unit))
}

fn place(actor: &Actor) -> String {
    actor.region.as_ref().map(Region::place).unwrap_or_default()
}

/// How an actor is named in public: by name, except a member household
/// that has not agreed to it, which is shown by its cooperative and
/// commune (spec §8, privacy).
fn public_name(view: &BuyerView, t: &Texts, id: &ActorId) -> String {
    let Some(a) = view.actors.get(id) else {
        return id.to_string();
    };
    if let Some(name) = &a.name {
        return name.clone();
    }
    let coop = a
        .cooperative
        .as_ref()
        .and_then(|c| view.actors.get(c).and_then(|c| c.name.clone()))
        .or_else(|| view.cooperative.as_ref().and_then(|c| c.name.clone()))
        .unwrap_or_default();
    match a.region.as_ref().and_then(Region::commune_name) {
        Some(commune) => format!("{} {coop} ({} {commune})", t.household_of, t.commune),
        None => format!("{} {coop}", t.household_of),
    }
}

/// One step of the journey as shown.
struct StepView {
    index: u64,
    kind: &'static str,
    by_id: String,
    batch: String,
    at: String,
    lot: String,
    date: String,
    action: &'static str,
    detail: Option<String>,
    who: String,
    role: &'static str,
    place: String,
}

struct InspectionView {
    index: u64,
    code: &'static str,
    class: &'static str,
    result: &'static str,
    scheme: String,
    by: String,
    date: String,
    note: Option<String>,
}

struct RecallView {
    index: u64,
    reason: String,
    date: String,
    by: String,
}

struct InputView {
    href: String,
    product: String,
    lot: String,
    quantity: String,
}

struct CorrectionView {
    date: String,
    target: u64,
    reason: String,
    by: String,
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
    product: String,
    category: &'static str,
    ocop_stars: Option<u8>,
    stars_text: String,
    lot: String,
    gtin: Option<String>,
    producer: String,
    address: String,
    origin: String,
    harvested: String,
    quantity: String,
    recall: Option<RecallView>,
    certifications: Vec<String>,
    inspections: Vec<InspectionView>,
    steps: Vec<StepView>,
    made_from: Vec<InputView>,
    corrections: Vec<CorrectionView>,
    origin_name: String,
    size: u64,
    ledger_key: String,
    api_url: String,
    proof_json: String,
}

/// The JSON the page's script checks; `<` is escaped so that no value can
/// end the `<script>` element it sits in.
fn proof_json(app: &AppState, view: &BuyerView) -> String {
    let info = app.ledger.info();
    let leaves: Vec<serde_json::Value> = view
        .leaves
        .iter()
        .map(|l| {
            serde_json::json!({
                "index": l.index,
                "leaf": B64.encode(&l.bytes),
                "proof": l.proof.iter().map(|h| h.to_string()).collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::json!({
        "origin": info.origin,
        "key_name": info.key_name,
        "ledger_key": info.public_key.to_string(),
        "checkpoint": view.checkpoint,
        "size": view.size,
        "leaves": leaves,
    })
    .to_string()
    .replace('<', "\\u003c")
}

impl BatchPage {
    /// The page of `view` at `path`, for a reader of `t`'s language.
    pub(super) fn new(app: &AppState, t: &'static Texts, view: &BuyerView, path: &str) -> Self {
        let b = &view.batch;
        let name = |id: &ActorId| public_name(view, t, id);
        let steps = view
            .journey
            .iter()
            .map(|s| {
                let actor = view.actors.get(&s.by);
                let lot_batch = if s.batch == b.id {
                    b
                } else {
                    view.ancestors.iter().find(|a| a.id == s.batch).unwrap_or(b)
                };
                let detail = match s.kind {
                    StatementType::Ship => {
                        s.to.as_ref()
                            .map(|to| format!("{} {}", t.sent_to, name(to)))
                    }
                    StatementType::Transform if s.batch != b.id => None,
                    StatementType::Transform => lot_batch.process.map(|p| t.process(p).to_owned()),
                    StatementType::Genesis
                    | StatementType::ActorRegister
                    | StatementType::RotateKey
                    | StatementType::Revoke
                    | StatementType::Consent
                    | StatementType::BatchCreate
                    | StatementType::Receive
                    | StatementType::Inspect
                    | StatementType::Recall
                    | StatementType::ContractOffer
                    | StatementType::ContractAccept
                    | StatementType::Correction => None,
                };
                StepView {
                    index: s.index,
                    kind: s.kind.as_str(),
                    by_id: s.by.to_string(),
                    batch: s.batch.to_string(),
                    at: s.at.clone(),
                    lot: format!("{} · {}", lot_batch.product.name, lot_batch.id),
                    date: local_time(&s.at),
                    action: t.step(s.kind, s.accepted).unwrap_or(s.kind.as_str()),
                    detail,
                    who: name(&s.by),
                    role: actor.map_or("", |a| t.role(a.kind)),
                    place: actor.map(place).unwrap_or_default(),
                }
            })
            .collect();
        let inspections = std::iter::once(b)
            .chain(&view.ancestors)
            .flat_map(|x| &x.inspections)
            .filter(|i| i.index < view.size)
            .map(|i| InspectionView {
                index: i.index,
                code: i.result.as_str(),
                class: match i.result {
                    InspectResult::Pass => "pass",
                    InspectResult::Fail => "fail",
                },
                result: t.result(i.result),
                scheme: i.scheme.to_string(),
                by: name(&i.by),
                date: local_time(&i.at),
                note: i.note.clone(),
            })
            .collect();
        let certifications = std::iter::once(b)
            .chain(&view.ancestors)
            .flat_map(|x| &x.certifications)
            .map(|c| match &c.valid_until {
                Some(d) => format!("{} {} ({} {d})", c.scheme, c.id, t.valid_until),
                None => format!("{} {}", c.scheme, c.id),
            })
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let made_from = b
            .inputs
            .iter()
            .map(|i| {
                let input = view.ancestors.iter().find(|a| a.id == i.batch);
                InputView {
                    href: format!("/b/{}?lang={}", i.batch, t.tag),
                    product: input.map_or_else(|| i.batch.to_string(), |a| a.product.name.clone()),
                    lot: i.batch.to_string(),
                    quantity: quantity(t, &i.quantity),
                }
            })
            .collect();
        let corrections = view
            .corrections
            .iter()
            .map(|c| CorrectionView {
                date: local_time(&c.at),
                target: c.target,
                reason: c.reason.clone(),
                by: name(&c.by),
            })
            .collect();
        let stars = b.product.ocop_stars.map(|s| s.get());
        BatchPage {
            t,
            style: assets::path("style.css"),
            verify: assets::path("verify.js"),
            import_map: assets::import_map(),
            other_lang_url: format!("{path}?lang={}", t.other_tag),
            product: b.product.name.clone(),
            category: t.category(b.product.category),
            ocop_stars: stars,
            stars_text: "★".repeat(usize::from(stars.unwrap_or(0))),
            lot: b.id.to_string(),
            gtin: b.product.gtin.map(|g| g.to_string()),
            producer: view
                .cooperative
                .as_ref()
                .and_then(|c| c.name.clone())
                .unwrap_or_else(|| name(&b.creator)),
            address: view.cooperative.as_ref().map(place).unwrap_or_default(),
            origin: view
                .origin
                .as_ref()
                .map_or_else(|| t.not_stated.to_owned(), |o| o.place.clone()),
            harvested: view
                .harvested_at
                .as_ref()
                .map_or_else(|| t.not_stated.to_owned(), |h| harvest_time(h.as_str())),
            quantity: quantity(t, &b.quantity),
            recall: b
                .recall
                .as_ref()
                .filter(|r| r.index < view.size)
                .map(|r| RecallView {
                    index: r.index,
                    reason: r.reason.clone(),
                    date: view
                        .journey
                        .iter()
                        .find(|s| s.index == r.index)
                        .map_or_else(|| format!("#{}", r.index), |s| local_time(&s.at)),
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
            proof_json: proof_json(app, view),
        }
    }

    /// A representative page, with one of everything a page can show, to
    /// render at start-up.
    fn sample(t: &'static Texts) -> Self {
        let who = || "HTX Lục Ngạn".to_owned();
        let date = || "12/06/2026 16:00".to_owned();
        BatchPage {
            t,
            style: assets::path("style.css"),
            verify: assets::path("verify.js"),
            import_map: assets::import_map(),
            other_lang_url: format!("/b/vai-01?lang={}", t.other_tag),
            product: "Vải thiều".into(),
            category: t.category(Category::Fruit),
            ocop_stars: Some(4),
            stars_text: "★★★★".into(),
            lot: "vai-01".into(),
            gtin: Some("08935049501503".into()),
            producer: who(),
            address: "Lục Ngạn, Bắc Giang".into(),
            origin: "Lục Ngạn".into(),
            harvested: "10/06/2026".into(),
            quantity: "100 kg".into(),
            recall: Some(RecallView {
                index: 5,
                reason: "<test>".into(),
                date: date(),
                by: who(),
            }),
            certifications: vec!["VietGAP 1".into()],
            inspections: vec![InspectionView {
                index: 4,
                code: "pass",
                class: "pass",
                result: t.result(InspectResult::Pass),
                scheme: "VietGAP".into(),
                by: who(),
                date: date(),
                note: Some("ok".into()),
            }],
            steps: vec![StepView {
                index: 3,
                kind: StatementType::Ship.as_str(),
                by_id: "htx-01".into(),
                batch: "vai-01".into(),
                at: "2026-06-12T09:00:00Z".into(),
                lot: "Vải thiều · vai-01".into(),
                date: date(),
                action: t.step(StatementType::Ship, None).unwrap_or("ship"),
                detail: Some(t.sent_to.into()),
                who: who(),
                role: "",
                place: "Lục Ngạn".into(),
            }],
            made_from: vec![InputView {
                href: format!("/b/vai-00?lang={}", t.tag),
                product: "Vải tươi".into(),
                lot: "vai-00".into(),
                quantity: "120 kg".into(),
            }],
            corrections: vec![CorrectionView {
                date: date(),
                target: 2,
                reason: "typo".into(),
                by: who(),
            }],
            origin_name: "example.invalid/ledger".into(),
            size: 6,
            ledger_key: "ed25519 (00000000)".into(),
            api_url: "/api/v1/batches/vai-01/trace".into(),
            proof_json: "{}".into(),
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
