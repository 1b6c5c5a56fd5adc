//! Rules for batches (spec §6): creation, two-party custody (ship and
//! receive), transformation, inspection and recall.
//!
//! A recall walks the children index down from the recalled batch and marks
//! every descendant that exists at that time (spec §6.11).

use super::{ApplyError, Change, Entry, View, ViewError, can_hold, refuse};
use crate::domain::ids::BatchId;
use crate::domain::messages::Code;
use crate::domain::model::{
    Batch, Custody, Input, Inspection, RecallMark, ShipOutcome, Shipment, Step,
};
use crate::domain::quantity::{Amount, Quantity};
use crate::domain::statement::{
    BatchCreate, Inspect, Recall, Receive, Role, Ship, Transform, transform_shape,
};
use std::collections::{HashSet, VecDeque};

/// The history step the entry adds to a batch.
fn step(e: &Entry) -> Step {
    Step {
        index: e.index(),
        kind: e.st.body.kind(),
        by: e.by().clone(),
        at: e.at(),
        to: None,
        accepted: None,
    }
}

fn find<V: View>(view: &V, id: &BatchId) -> Result<Batch, ApplyError> {
    match view.batch(id)? {
        Some(b) => Ok(b),
        None => refuse(Code::UnknownBatch, id.to_string()),
    }
}

/// A batch the signer may ship or transform: it holds it, and the batch is
/// not recalled, not in transit and not used up.
fn usable<V: View>(view: &V, e: &Entry, id: &BatchId) -> Result<Batch, ApplyError> {
    let b = find(view, id)?;
    if b.holder != *e.by() {
        return refuse(Code::NotHolder, format!("{id} is held by {}", b.holder));
    }
    if let Some(r) = &b.recall {
        return refuse(Code::BatchRecalled, format!("{id} at leaf {}", r.index));
    }
    match &b.custody {
        Custody::Held => Ok(b),
        Custody::InTransit { to, index, .. } => refuse(
            Code::BatchInTransit,
            format!("{id} shipped to {to} at leaf {index}"),
        ),
        Custody::Consumed => refuse(Code::BatchConsumed, id.to_string()),
    }
}

/// `batch.create`: a member, or a cooperative (which may name one of its
/// members as producer); the signer holds the new batch.
pub(super) fn create<V: View>(
    view: &V,
    e: &Entry,
    b: &BatchCreate,
) -> Result<Vec<Change>, ApplyError> {
    if !e.may_sign() {
        return refuse(
            Code::NotAllowed,
            "only a member or a cooperative creates batches",
        );
    }
    super::format::origin(e.format, &b.origin)?;
    if view.batch(&b.batch)?.is_some() {
        return refuse(Code::DuplicateId, b.batch.to_string());
    }
    // A member names only itself; a cooperative, only its own members.
    let producer = match (&b.producer, e.signs_freely()) {
        (None, true) => Some(e.by().clone()),
        (Some(p), true) if p == e.by() => Some(p.clone()),
        (Some(p), true) => {
            return refuse(
                Code::NotAllowed,
                format!("a member names only itself as producer, not {p}"),
            );
        }
        (None, false) => None,
        (Some(p), false) => match view.actor(p)? {
            None => return refuse(Code::UnknownActor, p.to_string()),
            Some(m) if m.kind.is(Role::Member) && m.cooperative.as_ref() == Some(e.by()) => {
                Some(p.clone())
            }
            Some(_) => {
                return refuse(
                    Code::NotOurMember,
                    format!("{p} is not a member of {}", e.by()),
                );
            }
        },
    };
    let batch = Batch {
        id: b.batch.clone(),
        product: b.product.clone(),
        quantity: b.quantity,
        remaining: b.quantity.amount,
        holder: e.by().clone(),
        creator: e.by().clone(),
        producer,
        origin: Some(b.origin.clone()),
        harvested_at: b.harvested_at.clone(),
        certifications: b.certifications.clone().unwrap_or_default(),
        photo_blake3: b.photo_blake3,
        process: None,
        inputs: Vec::new(),
        custody: Custody::Held,
        recall: None,
        inspections: Vec::new(),
        steps: vec![step(e)],
    };
    Ok(vec![
        Change::PutBatch(Box::new(batch)),
        Change::SetHolder {
            batch: b.batch.clone(),
            from: None,
            to: e.by().clone(),
        },
    ])
}

/// `batch.ship`: the holder sends all that remains to another actor; one
/// open shipment per batch. Under a contract, the contract must be active on
/// the statement's date, between these two parties, for this category.
pub(super) fn ship<V: View>(view: &V, e: &Entry, s: &Ship) -> Result<Vec<Change>, ApplyError> {
    let mut batch = usable(view, e, &s.batch)?;
    if s.to == *e.by() {
        return refuse(Code::ShipToSelf, s.to.to_string());
    }
    match view.actor(&s.to)? {
        None => return refuse(Code::UnknownActor, s.to.to_string()),
        Some(to) if !can_hold(&to) => return refuse(Code::BadRecipient, s.to.to_string()),
        Some(_) => {}
    }
    if let Some(id) = &s.contract {
        let Some(c) = view.contract(id)? else {
            return refuse(Code::UnknownContract, id.to_string());
        };
        let day = e.st.at.local_date();
        if c.state == crate::domain::model::ContractState::Pending {
            return refuse(Code::ContractNotActive, format!("{id} is not accepted yet"));
        }
        if day < c.from.date() || day > c.to.date() {
            return refuse(
                Code::ContractNotActive,
                format!("{id} runs {} to {}", c.from, c.to),
            );
        }
        if !c.is_party(e.by()) || !c.is_party(&s.to) {
            return refuse(
                Code::ContractMismatch,
                format!("{id} is between {} and {}", c.cooperative, c.business),
            );
        }
        if c.product_category != batch.product.category {
            return refuse(
                Code::ContractMismatch,
                format!("{id} covers {}", c.product_category),
            );
        }
    }
    batch.custody = Custody::InTransit {
        from: e.by().clone(),
        to: s.to.clone(),
        index: e.index(),
        contract: s.contract.clone(),
    };
    batch.steps.push(Step {
        to: Some(s.to.clone()),
        ..step(e)
    });
    let shipment = Shipment {
        index: e.index(),
        batch: s.batch.clone(),
        from: e.by().clone(),
        to: s.to.clone(),
        at: e.at(),
        outcome: ShipOutcome::InTransit,
    };
    Ok(vec![
        Change::PutBatch(Box::new(batch)),
        Change::PutShipment(shipment),
    ])
}

/// `batch.receive`: the recipient of the open shipment takes the batch, or
/// refuses it and it stays with the sender.
pub(super) fn receive<V: View>(
    view: &V,
    e: &Entry,
    r: &Receive,
) -> Result<Vec<Change>, ApplyError> {
    let mut batch = find(view, &r.batch)?;
    let Custody::InTransit {
        from, to, index, ..
    } = batch.custody.clone()
    else {
        return refuse(Code::NotInTransit, r.batch.to_string());
    };
    if to != *e.by() {
        return refuse(
            Code::NotRecipient,
            format!("{} was shipped to {to}", r.batch),
        );
    }
    // The shipment's own step gives its time; it is always there, since the
    // `batch.ship` rule added it with the custody.
    let Some(shipped_at) = batch.steps.iter().rev().find(|s| s.index == index) else {
        return Err(ViewError(format!(
            "{}: no step for its shipment at leaf {index}",
            r.batch
        ))
        .into());
    };
    let shipment = Shipment {
        index,
        batch: r.batch.clone(),
        from: from.clone(),
        to: to.clone(),
        at: shipped_at.at.clone(),
        outcome: if r.accepted {
            ShipOutcome::Accepted
        } else {
            ShipOutcome::Refused
        },
    };
    batch.custody = Custody::Held;
    batch.steps.push(Step {
        accepted: Some(r.accepted),
        ..step(e)
    });
    let mut changes = Vec::new();
    if r.accepted {
        batch.holder = to.clone();
        changes.push(Change::SetHolder {
            batch: r.batch.clone(),
            from: Some(from),
            to,
        });
    }
    changes.insert(0, Change::PutBatch(Box::new(batch)));
    changes.push(Change::PutShipment(shipment));
    Ok(changes)
}

fn sum<'a>(amounts: impl Iterator<Item = &'a Amount>) -> Option<Amount> {
    amounts.copied().try_fold(Amount::ZERO, Amount::checked_add)
}

/// `batch.transform`: the holder of every input uses at most what remains
/// of each; the outputs are new batches it holds, linked to the inputs. A
/// split or merge keeps the unit and the total.
pub(super) fn transform<V: View>(
    view: &V,
    e: &Entry,
    t: &Transform,
) -> Result<Vec<Change>, ApplyError> {
    let mut changes = Vec::new();
    let mut used = Vec::new();
    let mut sources = Vec::new();
    for input in &t.inputs {
        let mut b = usable(view, e, &input.batch)?;
        let Some(left) = b.remaining.checked_sub(input.amount) else {
            return refuse(
                Code::AmountExceedsRemaining,
                format!(
                    "{}: {} remain, {} asked",
                    b.id,
                    b.remaining_quantity(),
                    input.amount
                ),
            );
        };
        b.remaining = left;
        if left.is_zero() {
            b.custody = Custody::Consumed;
        }
        b.steps.push(step(e));
        used.push(Input {
            batch: b.id.clone(),
            quantity: Quantity {
                amount: input.amount,
                unit: b.quantity.unit,
            },
        });
        sources.push(b.clone());
        changes.push(Change::PutBatch(Box::new(b)));
    }
    for out in &t.outputs {
        if view.batch(&out.batch)?.is_some() {
            return refuse(Code::DuplicateId, out.batch.to_string());
        }
    }
    if transform_shape(t.process).conserves {
        let unit = used.first().map(|i| i.quantity.unit);
        if used
            .iter()
            .map(|i| i.quantity.unit)
            .chain(t.outputs.iter().map(|o| o.quantity.unit))
            .any(|u| Some(u) != unit)
        {
            return refuse(Code::UnitMismatch, t.process.to_string());
        }
        let consumed = sum(used.iter().map(|i| &i.quantity.amount));
        let made = sum(t.outputs.iter().map(|o| &o.quantity.amount));
        if consumed != made {
            return refuse(
                Code::QuantityMismatch,
                format!(
                    "inputs {} ≠ outputs {}",
                    consumed.unwrap_or_default(),
                    made.unwrap_or_default()
                ),
            );
        }
    }
    // One input: the outputs keep where and when it was grown, who grew it
    // and its certificates. Several: pages follow the lineage instead.
    let single = match sources.as_slice() {
        [only] => Some(only),
        _ => None,
    };
    for out in &t.outputs {
        let batch = Batch {
            id: out.batch.clone(),
            product: out.product.clone(),
            quantity: out.quantity,
            remaining: out.quantity.amount,
            holder: e.by().clone(),
            creator: e.by().clone(),
            producer: single.and_then(|s| s.producer.clone()),
            origin: single.and_then(|s| s.origin.clone()),
            harvested_at: single.and_then(|s| s.harvested_at.clone()),
            certifications: single.map(|s| s.certifications.clone()).unwrap_or_default(),
            photo_blake3: None,
            process: Some(t.process),
            inputs: used.clone(),
            custody: Custody::Held,
            recall: None,
            inspections: Vec::new(),
            steps: vec![step(e)],
        };
        changes.push(Change::PutBatch(Box::new(batch)));
        changes.push(Change::SetHolder {
            batch: out.batch.clone(),
            from: None,
            to: e.by().clone(),
        });
        for input in &used {
            changes.push(Change::AddChild {
                parent: input.batch.clone(),
                child: out.batch.clone(),
            });
        }
    }
    Ok(changes)
}

/// `batch.inspect`: by an auditor or an authority; shown on the page.
pub(super) fn inspect<V: View>(
    view: &V,
    e: &Entry,
    i: &Inspect,
) -> Result<Vec<Change>, ApplyError> {
    if !e.may_sign() {
        return refuse(Code::NotAllowed, "only an auditor or an authority inspects");
    }
    let mut batch = find(view, &i.batch)?;
    batch.inspections.push(Inspection {
        index: e.index(),
        by: e.by().clone(),
        at: e.at(),
        result: i.result,
        scheme: i.scheme,
        report_blake3: i.report_blake3,
        note: i.note.clone(),
    });
    batch.steps.push(step(e));
    Ok(vec![Change::PutBatch(Box::new(batch))])
}

/// `batch.recall`: by an authority or the batch's creator. The recall
/// reaches every batch made from it, however many steps down.
pub(super) fn recall<V: View>(view: &V, e: &Entry, r: &Recall) -> Result<Vec<Change>, ApplyError> {
    let mut batch = find(view, &r.batch)?;
    if !e.allowed(batch.creator == *e.by()) {
        return refuse(
            Code::NotAllowed,
            format!("only an authority or {} recalls {}", batch.creator, r.batch),
        );
    }
    if let Some(m) = &batch.recall {
        return refuse(
            Code::AlreadyRecalled,
            format!("{} at leaf {}", r.batch, m.index),
        );
    }
    let mark = RecallMark {
        index: e.index(),
        by: e.by().clone(),
        reason: r.reason.clone(),
        source: r.batch.clone(),
    };
    batch.recall = Some(mark.clone());
    batch.steps.push(step(e));
    let mut changes = vec![Change::PutBatch(Box::new(batch))];
    // Breadth-first down the lineage. A batch already recalled had its whole
    // subtree marked then (and nothing is made from a recalled batch), so
    // the walk stops there.
    let mut seen = HashSet::from([r.batch.clone()]);
    let mut queue: VecDeque<BatchId> = view.children(&r.batch)?.into();
    while let Some(id) = queue.pop_front() {
        if !seen.insert(id.clone()) {
            continue;
        }
        let mut d = find(view, &id)?;
        if d.recall.is_some() {
            continue;
        }
        d.recall = Some(mark.clone());
        changes.push(Change::PutBatch(Box::new(d)));
        queue.extend(view.children(&id)?);
    }
    Ok(changes)
}
