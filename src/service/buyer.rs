//! What the buyer's page needs (spec §8, "QR codes and lookup pages"): a
//! batch, its journey upstream, the actors who handled it (as the public may
//! see them), and the proof bundle that lets the phone check it all — the
//! leaves of every step shown, their inclusion proofs, and the signed
//! checkpoint they lead to.
//!
//! Everything is read at one published tree size, so the proofs and the
//! checkpoint agree; steps logged after that size are left for the next
//! page view. The proofs lead to the witnessed checkpoint when its tree
//! holds every leaf shown (spec §8.8, §8.16).
//!
//! The page shows the producer cooperative, the origin and the harvest time
//! of the batch or of its nearest ancestor that has them, and the
//! corrections of every shown leaf. A [`Lookup`] is `/b/{id}` or the GS1
//! Digital Link form, whose GTIN must be the batch's.

use super::{Ledger, ServiceError};
use crate::domain::ids::{ActorId, BatchId};
use crate::domain::lineage::{self, TraceStep};
use crate::domain::merkle::{Hash, prove_record};
use crate::domain::messages::{Code, Refusal};
use crate::domain::model::{Actor, Batch, CorrectionRecord};
use crate::domain::privacy::Disclosure;
use crate::domain::product::{Gtin, Origin};
use crate::domain::rules::View;
use crate::domain::time::HarvestTime;
use std::collections::{BTreeSet, HashMap};

/// One leaf the page shows, with its proof.
#[derive(Debug, Clone)]
pub struct ProvenLeaf {
    /// The leaf index.
    pub index: u64,
    /// The exact leaf bytes.
    pub bytes: Vec<u8>,
    /// Its RFC 9162 inclusion proof in the tree of
    /// [`BuyerView::proven_size`].
    pub proof: Vec<Hash>,
}

/// Everything the buyer's page shows about one batch.
#[derive(Debug, Clone)]
pub struct BuyerView {
    /// The batch.
    pub batch: Batch,
    /// The batches it was made from, nearest first.
    pub ancestors: Vec<Batch>,
    /// Its journey: its own steps and its ancestors', in log order.
    pub journey: Vec<TraceStep>,
    /// Corrections of any leaf in the journey.
    pub corrections: Vec<CorrectionRecord>,
    /// Every actor named on the page, as the public may see it
    /// ([`Ledger::shown`]: no name where none may be shown).
    pub actors: HashMap<ActorId, Actor>,
    /// The disclosures of the members named on the page, each with the
    /// index of the registration whose `name_commit` it opens (that leaf is
    /// among [`BuyerView::leaves`], so the phone can check the name).
    pub disclosures: Vec<(Disclosure, u64)>,
    /// The producing cooperative, when one can be named.
    pub cooperative: Option<Actor>,
    /// Where it was grown (its own or its nearest ancestor's).
    pub origin: Option<Origin>,
    /// When it was harvested (its own or its nearest ancestor's).
    pub harvested_at: Option<HarvestTime>,
    /// The tree size everything was read at.
    pub size: u64,
    /// The checkpoint the proofs lead to: the witnessed one when its tree
    /// holds every leaf shown, else the signed one of [`BuyerView::size`]
    /// with the cosignatures gathered for it (spec §8.8, §8.16).
    pub checkpoint: String,
    /// The size of that checkpoint's tree.
    pub proven_size: u64,
    /// The leaves of every step shown, with proofs.
    pub leaves: Vec<ProvenLeaf>,
}

/// How the buyer's page is found: the plain lot path or the GS1 Digital
/// Link form.
#[derive(Debug, Clone)]
pub enum Lookup {
    /// `/b/{id}`.
    Batch(BatchId),
    /// `/01/{gtin}/10/{lot}`: the batch whose id is the lot and whose
    /// product carries that GTIN.
    DigitalLink(Gtin, BatchId),
}

impl Ledger {
    /// The buyer's view of a batch, or `unknown_batch`.
    pub fn buyer_view(&self, lookup: &Lookup) -> Result<BuyerView, ServiceError> {
        let store = &self.shared.store;
        let id = match lookup {
            Lookup::Batch(id) | Lookup::DigitalLink(_, id) => id,
        };
        let not_found = || ServiceError::from(Refusal::with(Code::UnknownBatch, id.to_string()));
        // The tip first: the sequencer writes the views before it publishes
        // a checkpoint, so every view read after this is at least as new as
        // the tip, and a recall published meanwhile cannot be missed by a
        // page cached under the newer size.
        let tip = self.shared.published();
        let trace = lineage::trace(store, id)?.ok_or_else(not_found)?;
        let batch = store.batch(id)?.ok_or_else(not_found)?;
        if let Lookup::DigitalLink(gtin, _) = lookup
            && batch.product.gtin != Some(*gtin)
        {
            return Err(not_found());
        }
        // A batch whose making is not yet under a published checkpoint
        // cannot be proven yet: the page says "not logged yet, try again".
        if batch.steps.first().is_none_or(|s| s.index >= tip.size) {
            return Err(not_found());
        }
        let mut journey: Vec<TraceStep> = trace
            .upstream
            .iter()
            .chain(&trace.steps)
            .filter(|s| s.index < tip.size)
            .cloned()
            .collect();
        journey.sort_by(|a, b| (a.index, &a.batch).cmp(&(b.index, &b.batch)));

        let mut indexes: BTreeSet<u64> = journey.iter().map(|s| s.index).collect();
        let mut corrections = Vec::new();
        for &i in &indexes {
            corrections.extend(store.corrections(i)?);
        }
        if let Some(r) = batch.recall.as_ref().filter(|r| r.index < tip.size) {
            indexes.insert(r.index);
            corrections.extend(store.corrections(r.index)?);
        }
        corrections.retain(|c| c.index < tip.size);
        indexes.extend(corrections.iter().map(|c| c.index));

        let mut names: BTreeSet<ActorId> = journey
            .iter()
            .flat_map(|s| std::iter::once(s.by.clone()).chain(s.to.clone()))
            .collect();
        // Not the holders: the views may be ahead of the tip, and a holder
        // the page shows is in the journey already (issue 13: the proof
        // data names no household the page does not).
        for b in std::iter::once(&batch).chain(&trace.ancestors) {
            names.insert(b.creator.clone());
            names.extend(b.producer.clone());
            names.extend(b.inspections.iter().map(|i| i.by.clone()));
        }
        names.extend(batch.recall.as_ref().map(|r| r.by.clone()));
        names.extend(corrections.iter().map(|c| c.by.clone()));
        let mut actors = HashMap::new();
        let mut disclosures = Vec::new();
        for id in names {
            if let Some(a) = store.actor(&id)? {
                // A disclosed name comes with the registration it opens; a
                // format-1 member's registration holds its plain name and
                // is never added for a member not public.
                if a.name_commit.is_some()
                    && a.registered_index < tip.size
                    && let Some(d) = self.disclosure(&id)?
                {
                    indexes.insert(a.registered_index);
                    disclosures.push((d, a.registered_index));
                }
                actors.insert(id, self.shown(a)?);
            }
        }
        // The producer cooperative: the member producer's cooperative, else
        // the cooperative that created it or its nearest ancestor.
        let lineage: Vec<&Batch> = std::iter::once(&batch).chain(&trace.ancestors).collect();
        let mut cooperative = None;
        for b in &lineage {
            let coop_id = b
                .producer
                .as_ref()
                .and_then(|p| actors.get(p))
                .and_then(|p| p.cooperative.clone())
                .or_else(|| {
                    actors
                        .get(&b.creator)
                        .filter(|c| c.kind.is(crate::domain::statement::Role::Cooperative))
                        .map(|c| c.id.clone())
                });
            if let Some(c) = coop_id {
                cooperative = match actors.get(&c) {
                    Some(a) => Some(a.clone()),
                    None => store.actor(&c)?.map(|a| self.shown(a)).transpose()?,
                };
                break;
            }
        }
        // The registration of every actor the page names by its plain name
        // (an organisation, or a format-1 member that agreed to be named):
        // the phone checks the name, role and place shown against it
        // (issue 15). A registrar is named by the genesis, not a
        // registration.
        for a in actors.values().chain(cooperative.iter()) {
            if a.name.is_some()
                && a.name_commit.is_none()
                && a.kind != crate::domain::model::ActorKind::Registrar
                && a.registered_index < tip.size
            {
                indexes.insert(a.registered_index);
            }
        }
        let origin = lineage.iter().find_map(|b| b.origin.clone());
        let harvested_at = lineage.iter().find_map(|b| b.harvested_at.clone());

        let below = indexes.last().map_or(0, |i| i + 1);
        let chosen = self.checkpoint_covering_at(below, &tip);
        let mut leaves = Vec::with_capacity(indexes.len());
        for index in indexes {
            let bytes = store
                .leaf(index)?
                .ok_or_else(|| ServiceError::Store(format!("leaf {index} missing")))?;
            let proof = prove_record(chosen.size, index, store)
                .map_err(|e| ServiceError::Store(format!("inclusion proof: {e}")))?;
            leaves.push(ProvenLeaf {
                index,
                bytes,
                proof,
            });
        }
        Ok(BuyerView {
            batch,
            ancestors: trace.ancestors,
            journey,
            corrections,
            actors,
            disclosures,
            cooperative,
            origin,
            harvested_at,
            size: tip.size,
            checkpoint: chosen.note,
            proven_size: chosen.size,
            leaves,
        })
    }
}
