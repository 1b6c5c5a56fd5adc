//! A holder's view (`GET /api/v1/actors/{id}/custody`): what an actor has
//! in hand now, what is on its way to it, what it has sent and how each
//! shipment ended, and the contracts it is a party to. It is what a clerk's
//! phone shows for the actor it signs for.
//!
//! Every list comes from its own index (keyspaces `u`, `t`, `s` and `p`,
//! see [`crate::store`]), never from the log, and is cut at
//! [`CUSTODY_PAGE`] items. The lists are read one after the other while
//! the sequencer may commit, so they are not one snapshot: a batch that
//! changed state between the index read and the batch read is left out of
//! the list it no longer belongs to.

use super::{Ledger, ServiceError};
use crate::domain::ids::{ActorId, ContractId};
use crate::domain::model::{Batch, Contract, Custody, Shipment};
use crate::domain::rules::View;

/// Most items in each list of a custody view (then `truncated`).
pub const CUSTODY_PAGE: usize = 200;

/// An open shipment to the actor.
#[derive(Debug, Clone)]
pub struct Incoming {
    /// The batch (in transit).
    pub batch: Batch,
    /// Its sender.
    pub from: ActorId,
    /// The `batch.ship` leaf.
    pub index: u64,
    /// The contract it is delivered under.
    pub contract: Option<ContractId>,
}

/// One actor's custody view.
#[derive(Debug, Clone)]
pub struct CustodyReport {
    /// The actor.
    pub actor: ActorId,
    /// The batches it holds that are not consumed (active, in transit from
    /// it, or recalled), in id order.
    pub holding: Vec<Batch>,
    /// The shipments to it not yet received or refused, by batch id.
    pub incoming: Vec<Incoming>,
    /// The shipments it sent, most recent first, with their outcome.
    pub shipped: Vec<Shipment>,
    /// The contracts it is a party to, in id order.
    pub contracts: Vec<Contract>,
    /// True when any list was cut at [`CUSTODY_PAGE`].
    pub truncated: bool,
}

/// Cuts `items` to [`CUSTODY_PAGE`] (they were read with one more) and
/// says whether anything was cut.
fn page<T>(mut items: Vec<T>) -> (Vec<T>, bool) {
    let cut = items.len() > CUSTODY_PAGE;
    items.truncate(CUSTODY_PAGE);
    (items, cut)
}

impl Ledger {
    /// The custody view of actor `id`, or `unknown_actor`.
    pub fn custody(&self, id: &ActorId) -> Result<CustodyReport, ServiceError> {
        self.actor(id)?;
        let store = &self.shared.store;
        let read = CUSTODY_PAGE + 1;
        let batch = |b| store.batch(b).map_err(ServiceError::from);

        let (ids, cut_holding) = page(store.in_hand(id, read)?);
        let mut holding = Vec::with_capacity(ids.len());
        for b in &ids {
            match batch(b)? {
                Some(b) if b.holder == *id && b.custody != Custody::Consumed => holding.push(b),
                _ => {}
            }
        }

        let (open, cut_incoming) = page(store.incoming(id, read)?);
        let mut incoming = Vec::with_capacity(open.len());
        for (b, ship_leaf) in &open {
            let Some(b) = batch(b)? else { continue };
            if let Custody::InTransit {
                from,
                to,
                index,
                contract,
            } = b.custody.clone()
                && to == *id
                && index == *ship_leaf
            {
                incoming.push(Incoming {
                    batch: b,
                    from,
                    index,
                    contract,
                });
            }
        }

        let (shipped, cut_shipped) = page(store.shipped(id, read)?);

        let (ids, cut_contracts) = page(store.contracts_of(id, read)?);
        let mut contracts = Vec::with_capacity(ids.len());
        for c in &ids {
            let contract = store.contract(c)?.ok_or_else(|| {
                ServiceError::Inconsistent(format!("contract {c} is listed but not stored"))
            })?;
            contracts.push(contract);
        }

        Ok(CustodyReport {
            actor: id.clone(),
            holding,
            incoming,
            shipped,
            contracts,
            truncated: cut_holding || cut_incoming || cut_shipped || cut_contracts,
        })
    }
}
