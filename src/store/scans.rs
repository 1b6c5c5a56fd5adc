//! The prefix scans of the views: a leaf's corrections, the linkage facts,
//! and per actor the batches held or in hand, the open shipments to it,
//! the shipments it sent, its contracts, a cooperative's members and the
//! leaves an actor signed (each a scan of `id ‖ 0x00` in
//! one keyspace, see the table in [`super`]); and `dump`, every key and
//! value.

use super::{Store, StoreError, be, day_index, from_json, pair_prefix, read_be};
use crate::domain::ids::{ActorId, BatchId, ContractId};
use crate::domain::linkage::LinkFact;
use crate::domain::model::{Actor, CorrectionRecord, Shipment};
use crate::domain::time::Day;
use std::str::FromStr;

impl Store {
    /// The corrections of leaf `target`, in log order.
    pub fn corrections(&self, target: u64) -> Result<Vec<CorrectionRecord>, StoreError> {
        self.corrections
            .suffixes(&be(target))
            .map(|r| {
                let (_, v) = r?;
                from_json(&v)
            })
            .collect()
    }

    /// Every linkage fact, in log order (read once when the ledger opens).
    pub fn link_facts(&self) -> Result<Vec<LinkFact>, StoreError> {
        self.links
            .suffixes(&[])
            .map(|r| {
                let (_, v) = r?;
                from_json(&v)
            })
            .collect()
    }

    /// Every batch `holder` holds now, consumed or not, in id order, at
    /// most `limit` (what it holds and has not used up is [`Store::in_hand`]).
    pub fn held(&self, holder: &ActorId, limit: usize) -> Result<Vec<BatchId>, StoreError> {
        ids_after(self.held.suffixes(&pair_prefix(holder.as_str())), limit)
    }

    /// The batches `holder` holds that are not consumed, in id order, at
    /// most `limit`.
    pub fn in_hand(&self, holder: &ActorId, limit: usize) -> Result<Vec<BatchId>, StoreError> {
        ids_after(self.in_hand.suffixes(&pair_prefix(holder.as_str())), limit)
    }

    /// The open shipments to `recipient`: each batch, in id order, with its
    /// `batch.ship` leaf; at most `limit`.
    pub fn incoming(
        &self,
        recipient: &ActorId,
        limit: usize,
    ) -> Result<Vec<(BatchId, u64)>, StoreError> {
        self.incoming
            .suffixes(&pair_prefix(recipient.as_str()))
            .take(limit)
            .map(|r| {
                let (k, v) = r?;
                Ok((stored_id(&k)?, read_be(&v)?))
            })
            .collect()
    }

    /// The shipments `sender` made, most recent first, at most `limit`.
    pub fn shipped(&self, sender: &ActorId, limit: usize) -> Result<Vec<Shipment>, StoreError> {
        self.shipped
            .suffixes(&pair_prefix(sender.as_str()))
            .rev()
            .take(limit)
            .map(|r| {
                let (_, v) = r?;
                from_json(&v)
            })
            .collect()
    }

    /// The contracts `party` is a party to, in id order, at most `limit`.
    pub fn contracts_of(
        &self,
        party: &ActorId,
        limit: usize,
    ) -> Result<Vec<ContractId>, StoreError> {
        ids_after(self.parties.suffixes(&pair_prefix(party.as_str())), limit)
    }

    /// The members registered with `cooperative`, in id order, after
    /// member `after` when given, at most `limit`.
    pub fn members(
        &self,
        cooperative: &ActorId,
        after: Option<&ActorId>,
        limit: usize,
    ) -> Result<Vec<ActorId>, StoreError> {
        let prefix = pair_prefix(cooperative.as_str());
        match after {
            None => ids_after(self.members.suffixes(&prefix), limit),
            Some(a) => ids_after(
                self.members.suffixes_after(&prefix, a.as_str().as_bytes()),
                limit,
            ),
        }
    }

    /// At most `scan` actors in id order, after `after` when given: a
    /// bounded walk over the actors keyspace (the organisations list reads
    /// a page of it at a time).
    pub fn actors_after(
        &self,
        after: Option<&ActorId>,
        scan: usize,
    ) -> Result<Vec<Actor>, StoreError> {
        let decode = |r: sled::Result<(Vec<u8>, sled::IVec)>| -> Result<Actor, StoreError> {
            let (_, v) = r?;
            from_json(&v)
        };
        match after {
            None => self.actors.suffixes(b"").take(scan).map(decode).collect(),
            Some(a) => self
                .actors
                .suffixes_after(b"", a.as_str().as_bytes())
                .take(scan)
                .map(decode)
                .collect(),
        }
    }

    /// The leaves `signer` signed, most recent first, at most `limit`.
    pub fn signed_by(&self, signer: &ActorId, limit: usize) -> Result<Vec<u64>, StoreError> {
        self.signed
            .suffixes(&pair_prefix(signer.as_str()))
            .rev()
            .take(limit)
            .map(|r| {
                let (k, _) = r?;
                read_be(&k)
            })
            .collect()
    }

    /// The batch steps (EPCIS events) whose `at` falls, as a Vietnamese
    /// calendar date, in `from..=to`, among the first `below` leaves, in
    /// log order; at most `limit + 1` of them, so that a caller can tell
    /// that there were more than `limit`. Reads the `y` keyspace from the
    /// first day to the last, never the log.
    pub fn events_between(
        &self,
        from: Day,
        to: Day,
        below: u64,
        limit: usize,
    ) -> Result<Vec<u64>, StoreError> {
        let mut found = Vec::new();
        if from > to {
            return Ok(found);
        }
        let start = self.days.key(&day_index(from, 0));
        let end = self.days.key(&day_index(to, u64::MAX));
        for r in self.days.tree.range(start..=end) {
            let (k, _) = r?;
            let index = read_be(&k[k.len().saturating_sub(8)..])?;
            if index < below {
                found.push(index);
                if found.len() > limit {
                    break;
                }
            }
        }
        found.sort_unstable();
        Ok(found)
    }

    /// Every key and value of the views, in key order: what `reindex` must
    /// reproduce exactly.
    pub fn dump(&self) -> Result<Vec<KeyValue>, StoreError> {
        self.views
            .iter()
            .map(|r| {
                let (k, v) = r?;
                Ok((k.to_vec(), v.to_vec()))
            })
            .collect()
    }
}

/// Parses the ids that make up the keys of a pair scan.
pub(super) fn ids_after<T: FromStr>(
    scan: impl Iterator<Item = sled::Result<(Vec<u8>, sled::IVec)>>,
    limit: usize,
) -> Result<Vec<T>, StoreError> {
    scan.take(limit)
        .map(|r| {
            let (k, _) = r?;
            stored_id(&k)
        })
        .collect()
}

/// An id stored as the second half of a pair key.
fn stored_id<T: FromStr>(k: &[u8]) -> Result<T, StoreError> {
    std::str::from_utf8(k)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| StoreError::Inconsistent("a stored id is not an id".into()))
}

/// One key and its value, as raw bytes.
pub type KeyValue = (Vec<u8>, Vec<u8>);
