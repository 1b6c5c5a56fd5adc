//! Who the buyer page names, and how (spec §8.8, §6.17): an actor by its
//! registered name, a member household that has not agreed to be named by
//! its cooperative and commune, a format-2 member only by a disclosure the
//! page carries; and the producer the page and the labels name.

use super::on_page;
use crate::domain::ids::ActorId;
use crate::domain::model::{Actor, ActorKind};
use crate::domain::privacy::Disclosure;
use crate::domain::statement::Role;
use crate::http::i18n::Texts;
use crate::service::buyer::BuyerView;
use std::collections::BTreeSet;

/// A name as the page shows it. `member` is the id of the member household
/// whose disclosed name `text` is (spec §6.17), so that the page marks it
/// and the phone checks it against the member's commitment; it is empty
/// for every other name.
pub(in crate::http) struct Who {
    pub(super) text: String,
    pub(super) member: String,
    /// The registration whose `name` is `text`, for the phone to check
    /// (issue 15); `None` for a name no signed entry on the page holds.
    pub(super) leaf: Option<u64>,
    /// The words around the name, for a household shown by its
    /// cooperative: "Member household of " and " (commune)".
    pub(super) around: Option<(String, String)>,
}

impl Who {
    pub(super) fn plain(text: String) -> Self {
        Who {
            text,
            member: String::new(),
            leaf: None,
            around: None,
        }
    }

    /// The name an actor registered with, as its registration (leaf
    /// `leaf`) holds it.
    pub(super) fn registered(text: String, leaf: u64) -> Self {
        Who {
            text,
            member: String::new(),
            leaf: Some(leaf),
            around: None,
        }
    }

    /// The name as text, for a page that does not check it.
    pub(in crate::http) fn into_text(self) -> String {
        match self.around {
            Some((before, after)) => format!("{before}{}{after}", self.text),
            None => self.text,
        }
    }
}

/// The disclosures the page shows and the phone checks: each with the
/// index of the registration it opens, and only where the page names the
/// member by that very name ([`BuyerView::actors`] as the public may see
/// them), so that the proof data never carries a name the page may not
/// show.
pub(super) fn shown_disclosures(view: &BuyerView) -> impl Iterator<Item = &(Disclosure, u64)> {
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
                leaf: None,
                around: None,
            },
            None => household(view, t, a),
        };
    }
    match &a.name {
        Some(name) if a.kind != ActorKind::Registrar && a.registered_index < view.size => {
            Who::registered(name.clone(), a.registered_index)
        }
        Some(name) => Who::plain(name.clone()),
        None => household(view, t, a),
    }
}

/// A member household that is not named: "household of COOPERATIVE
/// (COMMUNE)". A commune of the 2025 map is written by its own name
/// ("Phường Sóc Trăng"); one written as free text (format 1) after the
/// word "commune".
fn household(view: &BuyerView, t: &Texts, a: &Actor) -> Who {
    let coop = a
        .cooperative
        .as_ref()
        .and_then(|c| view.actors.get(c))
        .filter(|c| c.name.is_some())
        .or(view.cooperative.as_ref());
    let name = coop.and_then(|c| c.name.clone()).unwrap_or_default();
    let commune = a.region.as_ref().and_then(|r| {
        let name = r.commune_name()?;
        Some(if r.commune.as_deref() == Some(name.as_str()) {
            format!("{} {name}", t.commune)
        } else {
            name
        })
    });
    let suffix = commune.map(|c| format!(" ({c})")).unwrap_or_default();
    // The cooperative's name is bound to its registration where the page
    // carries it (issue 15).
    let leaf = coop
        .filter(|c| c.name_commit.is_none())
        .map(|c| c.registered_index)
        .filter(|i| on_page(view, *i));
    Who {
        text: name,
        member: String::new(),
        leaf,
        around: Some((format!("{} ", t.household_of), suffix)),
    }
}

/// The producer the page and the labels name: the producing cooperative,
/// else whoever created the lot.
pub(in crate::http) fn producer(view: &BuyerView, t: &Texts) -> Who {
    match view.cooperative.as_ref() {
        Some(c) if c.name.is_some() && c.name_commit.is_none() => match &c.name {
            Some(name) if c.registered_index < view.size => {
                Who::registered(name.clone(), c.registered_index)
            }
            _ => Who::plain(c.name.clone().unwrap_or_default()),
        },
        Some(Actor {
            name: Some(name), ..
        }) => Who::plain(name.clone()),
        _ => who(view, t, &view.batch.creator),
    }
}

/// The member households that produced the lot: the `producer` of each
/// batch of its lineage, or the member that created it, each once, nearest
/// first (a lot made from several households' lots names them all).
pub(super) fn producer_households(view: &BuyerView, t: &Texts) -> Vec<Who> {
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
