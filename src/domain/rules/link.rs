//! The linkage facts (spec §9) an accepted entry adds, derived from the
//! state before it and the statement: registrations and revocations of
//! organisations and members, activity in a category, accepted contracts,
//! deliveries a business accepted, and each statement an organisation
//! signed itself. See [`crate::domain::linkage`] for
//! what the figures count.
//!
//! A delivery fact names the member producers found upstream of the batch
//! delivered, so the figures can count members whose produce reached a
//! business without reading the log.

use super::{ApplyError, Change, Entry, View};
use crate::domain::ids::{ActorId, BatchId};
use crate::domain::lineage::MAX_TRACE_BATCHES;
use crate::domain::linkage::{LinkFact, is_collective};
use crate::domain::model::{Actor, ActorKind, ContractState, Custody};
use crate::domain::product::Category;
use crate::domain::statement::{Body, Role};
use crate::domain::time::Day;
use std::collections::{BTreeSet, HashSet};

/// The collective organisation an actor's work counts for: itself, or a
/// member's cooperative.
fn org_of(a: &Actor) -> Option<ActorId> {
    match a.kind {
        ActorKind::Role(r) if is_collective(r) => Some(a.id.clone()),
        ActorKind::Role(Role::Member) => a.cooperative.clone(),
        _ => None,
    }
}

/// The facts of an entry the rules accepted. `view` is the state before it.
pub(super) fn facts<V: View>(view: &V, e: &Entry) -> Result<Vec<Change>, ApplyError> {
    let day = Day::from(e.st.at.local_date());
    let mut out = Vec::new();
    // Any statement an organisation signs with its own key (spec §9.7).
    if matches!(e.signer.kind, ActorKind::Role(r) if is_collective(r)) {
        out.push(LinkFact::Signed {
            org: e.signer.id.clone(),
            day,
        });
    }
    match &e.st.body {
        Body::ActorRegister(a) if is_collective(a.role) => out.push(LinkFact::Org {
            id: a.id.clone(),
            role: a.role,
            province: a.region.province.clone(),
            day,
        }),
        Body::ActorRegister(a) => {
            if let (Role::Member, Some(coop)) = (a.role, &a.cooperative) {
                out.push(LinkFact::Member {
                    id: a.id.clone(),
                    cooperative: coop.clone(),
                    day,
                });
            }
        }
        Body::Revoke(r) if view.actor(&r.id)?.is_some_and(|a| org_of(&a).is_some()) => {
            out.push(LinkFact::Revoked {
                id: r.id.clone(),
                day,
            });
        }
        Body::BatchCreate(b) => {
            if let Some(org) = org_of(&e.signer) {
                out.push(LinkFact::Active {
                    org,
                    category: b.product.category,
                    day,
                });
            }
        }
        Body::Transform(t) => {
            if let Some(org) = org_of(&e.signer) {
                let made: BTreeSet<Category> =
                    t.outputs.iter().map(|o| o.product.category).collect();
                out.extend(made.into_iter().map(|category| LinkFact::Active {
                    org: org.clone(),
                    category,
                    day,
                }));
            }
        }
        Body::Receive(r) if r.accepted => {
            if let Some(f) = receipt(view, e, &r.batch, day)? {
                out.push(f);
            }
        }
        Body::ContractAccept(a) => {
            if let Some(c) = view.contract(&a.contract)? {
                // The rules accepted it, so it was pending until now.
                debug_assert!(c.state == ContractState::Pending);
                out.push(LinkFact::Contract {
                    org: c.cooperative,
                    category: c.product_category,
                    from: c.from,
                    to: c.to,
                    day,
                });
            }
        }
        _ => {}
    }
    Ok(out
        .into_iter()
        .map(|fact| Change::Link {
            index: e.index(),
            fact,
        })
        .collect())
}

/// An accepted receipt: a delivery when a business takes a batch from an
/// organisation or a member, else activity of the receiving organisation.
fn receipt<V: View>(
    view: &V,
    e: &Entry,
    id: &BatchId,
    day: Day,
) -> Result<Option<LinkFact>, ApplyError> {
    let Some(batch) = view.batch(id)? else {
        return Ok(None);
    };
    let category = batch.product.category;
    if !e.signer.kind.is(Role::Business) {
        return Ok(org_of(&e.signer).map(|org| LinkFact::Active { org, category, day }));
    }
    let Custody::InTransit { from, .. } = &batch.custody else {
        return Ok(None);
    };
    let Some(sender) = view.actor(from)? else {
        return Ok(None);
    };
    let Some(org) = org_of(&sender) else {
        return Ok(None);
    };
    Ok(Some(LinkFact::Delivery {
        direct: org == sender.id,
        org,
        category,
        quantity: batch.remaining_quantity(),
        net: batch.product.net,
        day,
        members: producers(view, id)?,
    }))
}

/// The member households that produced a batch or anything it was made
/// from, following inputs upstream (at most [`MAX_TRACE_BATCHES`] batches).
fn producers<V: View>(view: &V, id: &BatchId) -> Result<Vec<ActorId>, ApplyError> {
    let mut found = BTreeSet::new();
    let mut seen = HashSet::from([id.clone()]);
    let mut queue = vec![id.clone()];
    while let Some(next) = queue.pop() {
        let Some(b) = view.batch(&next)? else {
            continue;
        };
        found.extend(b.producer);
        for input in b.inputs {
            if seen.len() < MAX_TRACE_BATCHES && seen.insert(input.batch.clone()) {
                queue.push(input.batch);
            }
        }
    }
    Ok(found.into_iter().collect())
}
