//! Rules for linkage contracts (spec §6): `contract.offer` by one party,
//! `contract.accept` by the other.

use super::roles::{BUSINESS_SIDE, COOPERATIVE_SIDE};
use super::{ApplyError, Change, Entry, View, refuse};
use crate::domain::ids::ActorId;
use crate::domain::messages::Code;
use crate::domain::model::{Actor, ActorKind, Contract, ContractState};
use crate::domain::statement::{ContractAccept, ContractOffer};

/// The actor `id`, active and of one of `kinds` (a side of the contract).
fn party<V: View>(view: &V, id: &ActorId, kinds: &[ActorKind]) -> Result<Actor, ApplyError> {
    match view.actor(id)? {
        None => refuse(Code::UnknownActor, id.to_string()),
        Some(a) if a.is_active() && kinds.contains(&a.kind) => Ok(a),
        Some(_) => refuse(Code::BadParty, id.to_string()),
    }
}

/// `contract.offer`: a cooperative (or group or union) or a business offers
/// a contract naming itself and the other party; it is pending.
pub(super) fn offer<V: View>(
    view: &V,
    e: &Entry,
    c: &ContractOffer,
) -> Result<Vec<Change>, ApplyError> {
    if !e.may_sign() {
        return refuse(
            Code::NotAllowed,
            "only a cooperative or a business offers contracts",
        );
    }
    if view.contract(&c.contract)?.is_some() {
        return refuse(Code::DuplicateId, c.contract.to_string());
    }
    if *e.by() != c.cooperative && *e.by() != c.business {
        return refuse(
            Code::NotParty,
            format!("{} offers only contracts it is party to", e.by()),
        );
    }
    party(view, &c.cooperative, COOPERATIVE_SIDE)?;
    party(view, &c.business, BUSINESS_SIDE)?;
    Ok(vec![Change::PutContract(Contract {
        id: c.contract.clone(),
        cooperative: c.cooperative.clone(),
        business: c.business.clone(),
        offered_by: e.by().clone(),
        product_category: c.product_category,
        from: c.from,
        to: c.to,
        volume: c.volume,
        offered_index: e.index(),
        offered_at: e.at(),
        state: ContractState::Pending,
    })])
}

/// `contract.accept`: the party that did not offer it; active from then on.
pub(super) fn accept<V: View>(
    view: &V,
    e: &Entry,
    a: &ContractAccept,
) -> Result<Vec<Change>, ApplyError> {
    let Some(mut c) = view.contract(&a.contract)? else {
        return refuse(Code::UnknownContract, a.contract.to_string());
    };
    if !c.is_party(e.by()) {
        return refuse(
            Code::NotParty,
            format!("{} is between {} and {}", c.id, c.cooperative, c.business),
        );
    }
    if c.offered_by == *e.by() {
        return refuse(Code::OwnOffer, c.id.to_string());
    }
    if let ContractState::Active { index, .. } = c.state {
        return refuse(
            Code::ContractNotPending,
            format!("{} at leaf {index}", c.id),
        );
    }
    c.state = ContractState::Active {
        index: e.index(),
        at: e.at(),
    };
    Ok(vec![Change::PutContract(c)])
}
