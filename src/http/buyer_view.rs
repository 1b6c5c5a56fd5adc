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
use super::format::{harvest_time, local_time, quantity};
use super::i18n::Texts;
use super::render::{TemplateError, render};
use crate::domain::ids::ActorId;
use crate::domain::messages::Lang;
use crate::domain::model::Actor;
use crate::domain::privacy::Disclosure;
use crate::domain::product::{Category, InspectResult};
use crate::domain::statement::{Region, Role, StatementType};
use crate::service::buyer::BuyerView;
use askama::Template;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use std::collections::BTreeSet;

fn place(actor: &Actor) -> String {
    actor.region.as_ref().map(Region::place).unwrap_or_default()
}

/// A name as the page shows it. `member` is the id of the member household
/// whose disclosed name `text` is (spec §6.17), so that the page marks it
/// and the phone checks it against the member's commitment; it is empty
/// for every other name.
pub(super) struct Who {
    text: String,
    member: String,
}

impl Who {
    fn plain(text: String) -> Self {
        Who {
            text,
            member: String::new(),
        }
    }

    /// The name as text, for a page that does not check it.
    pub(super) fn into_text(self) -> String {
        self.text
    }
}

/// The disclosures the page shows and the phone checks: each with the
/// index of the registration it opens, and only where the page names the
/// member by that very name ([`BuyerView::actors`] as the public may see
/// them), so that the proof data never carries a name the page may not
/// show.
fn shown_disclosures(view: &BuyerView) -> impl Iterator<Item = &(Disclosure, u64)> {
    view.disclosures.iter().filter(|(d, _)| {
        view.actors
            .get(&d.member)
            .and_then(|a| a.name.as_deref())
            .is_some_and(|name| name == d.name)
    })
}

/// How an actor is named in public: by name, except a member household
/// that has not agreed to it, which is shown by its cooperative and
/// commune (spec §8.8). A format-2 member is named only by a disclosure the
/// page carries (spec §6.17).
pub(super) fn who(view: &BuyerView, t: &Texts, id: &ActorId) -> Who {
    let Some(a) = view.actors.get(id) else {
        return Who::plain(id.to_string());
    };
    if a.name_commit.is_some() {
        return match shown_disclosures(view).find(|(d, _)| d.member == *id) {
            Some((d, _)) => Who {
                text: d.name.clone(),
                member: id.to_string(),
            },
            None => Who::plain(household(view, t, a)),
        };
    }
    match &a.name {
        Some(name) => Who::plain(name.clone()),
        None => Who::plain(household(view, t, a)),
    }
}

/// A member household that is not named: "household of COOPERATIVE
/// (COMMUNE)". A commune of the 2025 map is written by its own name
/// ("Phường Sóc Trăng"); one written as free text (format 1) after the
/// word "commune".
fn household(view: &BuyerView, t: &Texts, a: &Actor) -> String {
    let coop = a
        .cooperative
        .as_ref()
        .and_then(|c| view.actors.get(c).and_then(|c| c.name.clone()))
        .or_else(|| view.cooperative.as_ref().and_then(|c| c.name.clone()))
        .unwrap_or_default();
    let commune = a.region.as_ref().and_then(|r| {
        let name = r.commune_name()?;
        Some(if r.commune.as_deref() == Some(name.as_str()) {
            format!("{} {name}", t.commune)
        } else {
            name
        })
    });
    match commune {
        Some(commune) => format!("{} {coop} ({commune})", t.household_of),
        None => format!("{} {coop}", t.household_of),
    }
}

/// The producer the page and the labels name: the producing cooperative,
/// else whoever created the lot.
pub(super) fn producer(view: &BuyerView, t: &Texts) -> Who {
    match view.cooperative.as_ref().and_then(|c| c.name.clone()) {
        Some(name) => Who::plain(name),
        None => who(view, t, &view.batch.creator),
    }
}

/// The member households that produced the lot: the `producer` of each
/// batch of its lineage, or the member that created it, each once, nearest
/// first (a lot made from several households' lots names them all).
fn producer_households(view: &BuyerView, t: &Texts) -> Vec<Who> {
    let mut seen = BTreeSet::new();
    std::iter::once(&view.batch)
        .chain(&view.ancestors)
        .filter_map(|b| {
            b.producer.as_ref().or_else(|| {
                view.actors
                    .get(&b.creator)
                    .filter(|a| a.kind.is(Role::Member))
                    .map(|a| &a.id)
            })
        })
        .filter(|id| seen.insert(*id))
        .map(|id| who(view, t, id))
        .collect()
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
    /// Whom a shipment went to.
    to: Option<Who>,
    who: Who,
    role: &'static str,
    place: String,
}

struct InspectionView {
    index: u64,
    code: &'static str,
    class: &'static str,
    result: &'static str,
    scheme: String,
    by: Who,
    date: String,
    note: Option<String>,
}

struct RecallView {
    index: u64,
    reason: String,
    date: String,
    by: Who,
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
    product: String,
    category: &'static str,
    ocop_stars: Option<u8>,
    stars_text: String,
    lot: String,
    gtin: Option<String>,
    producer: Who,
    households: Vec<Who>,
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
    /// Whether the ledger has witnesses (the page then says whether they
    /// cosigned, spec §8.8).
    witnessed: bool,
}

/// The JSON the page's script checks; `<` is escaped so that no value can
/// end the `<script>` element it sits in.
fn proof_json(app: &AppState, view: &BuyerView) -> String {
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
    })
    .to_string()
    .replace('<', "\\u003c")
}

impl BatchPage {
    /// The page of `view` at `path`, for a reader of `t`'s language.
    pub(super) fn new(app: &AppState, t: &'static Texts, view: &BuyerView, path: &str) -> Self {
        let b = &view.batch;
        let name = |id: &ActorId| who(view, t, id);
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
                    StatementType::Transform if s.batch != b.id => None,
                    StatementType::Transform => lot_batch.process.map(|p| t.process(p).to_owned()),
                    StatementType::Ship
                    | StatementType::Genesis
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
                    to: s
                        .to
                        .as_ref()
                        .filter(|_| s.kind == StatementType::Ship)
                        .map(name),
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
            producer: producer(view, t),
            households: producer_households(view, t),
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
            witnessed: app.ledger.witnesses().is_some(),
        }
    }

    /// A representative page, with one of everything a page can show, to
    /// render at start-up.
    fn sample(t: &'static Texts) -> Self {
        let who = || Who::plain("HTX Lục Ngạn".to_owned());
        let named = || Who {
            text: "Nguyễn Văn An".into(),
            member: "tv-k3m9q2x7pd".into(),
        };
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
            households: vec![named(), who()],
            address: "Xã Lục Ngạn, Tỉnh Bắc Ninh".into(),
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
                detail: None,
                to: Some(who()),
                who: named(),
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
