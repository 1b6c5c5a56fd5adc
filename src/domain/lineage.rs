//! Lineage: a batch's journey upstream (what it was made from, back to the
//! harvests) and downstream (everything made from it), answered from the
//! views' indexes — each batch's `inputs` and the children index — never by
//! reading the log (spec §8 `GET /api/v1/batches/{id}/trace`).
//!
//! [`trace`] walks breadth first: upstream through each batch's `inputs`,
//! downstream through the children index. Each side visits at most
//! [`MAX_TRACE_BATCHES`] batches and then says `truncated`. Upstream, an
//! ancestor keeps only its steps up to the latest transformation through
//! which it leads to the traced batch, plus its inspections and recalls
//! (spec §8.5).

use super::ids::{ActorId, BatchId};
use super::model::{Batch, Step};
use super::quantity::Quantity;
use super::statement::StatementType;
use super::view::{View, ViewError};
use serde::Serialize;
use std::collections::{HashMap, HashSet, VecDeque};

/// Most batches one trace visits on each side; beyond it the answer says
/// `truncated` rather than growing without bound.
pub const MAX_TRACE_BATCHES: usize = 5_000;

/// One step of a trace (spec §8: `{batch, index, type, by, at}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TraceStep {
    /// The batch the step belongs to.
    pub batch: BatchId,
    /// The leaf index.
    pub index: u64,
    /// The statement type.
    #[serde(rename = "type")]
    pub kind: StatementType,
    /// The signer.
    pub by: ActorId,
    /// The statement's `at`.
    pub at: String,
    /// For a shipment: the recipient.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<ActorId>,
    /// For a receipt: taken or refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted: Option<bool>,
}

impl TraceStep {
    fn of(batch: &BatchId, s: &Step) -> Self {
        Self {
            batch: batch.clone(),
            index: s.index,
            kind: s.kind,
            by: s.by.clone(),
            at: s.at.clone(),
            to: s.to.clone(),
            accepted: s.accepted,
        }
    }
}

/// A lineage link: `child` was made using `quantity` of `parent`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edge {
    /// The input batch.
    pub parent: BatchId,
    /// The output batch.
    pub child: BatchId,
    /// How much of the input was used.
    pub quantity: Quantity,
    /// The transformation leaf.
    pub index: u64,
}

/// A batch's trace.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Trace {
    /// The batch traced.
    pub batch: BatchId,
    /// Its own steps.
    pub steps: Vec<TraceStep>,
    /// The steps of every batch it was made from, in log order (then by
    /// batch id for the inputs of one transformation).
    pub upstream: Vec<TraceStep>,
    /// The steps of every batch made from it, in log order.
    pub downstream: Vec<TraceStep>,
    /// Every lineage link among the batches visited.
    pub edges: Vec<Edge>,
    /// The batches visited upstream (nearest first), with their records.
    #[serde(skip)]
    pub ancestors: Vec<Batch>,
    /// True when a side reached [`MAX_TRACE_BATCHES`].
    pub truncated: bool,
}

/// The index of the leaf that created a batch (its first step).
fn created_at(b: &Batch) -> u64 {
    b.steps.first().map_or(0, |s| s.index)
}

/// Traces batch `id`, or `None` if there is no such batch.
///
/// Upstream, an ancestor contributes its steps up to the last transformation
/// on the path to this batch, plus any later inspection or recall of it:
/// where the rest of an input went afterwards is not this product's journey.
/// Downstream, every step of every descendant is listed (what a recall needs
/// to reach).
pub fn trace<V: View>(view: &V, id: &BatchId) -> Result<Option<Trace>, ViewError> {
    let Some(root) = view.batch(id)? else {
        return Ok(None);
    };
    let mut truncated = false;
    let mut edges = Vec::new();

    // Upstream: breadth first over inputs, remembering for each ancestor the
    // latest transformation on a path down to the root.
    let mut cutoff: HashMap<BatchId, u64> = HashMap::new();
    let mut ancestors: Vec<Batch> = Vec::new();
    let mut queue: VecDeque<Batch> = VecDeque::from([root.clone()]);
    let mut seen: HashSet<BatchId> = HashSet::from([id.clone()]);
    while let Some(b) = queue.pop_front() {
        for input in &b.inputs {
            let made = created_at(&b);
            edges.push(Edge {
                parent: input.batch.clone(),
                child: b.id.clone(),
                quantity: input.quantity,
                index: made,
            });
            let limit = cutoff.entry(input.batch.clone()).or_insert(made);
            *limit = (*limit).max(made);
            if seen.contains(&input.batch) {
                continue;
            }
            if ancestors.len() >= MAX_TRACE_BATCHES {
                truncated = true;
                continue;
            }
            seen.insert(input.batch.clone());
            if let Some(parent) = view.batch(&input.batch)? {
                ancestors.push(parent.clone());
                queue.push_back(parent);
            }
        }
    }
    // A batch reached by two paths may have been visited before its later
    // cutoff was known; the cutoffs are final now.
    let mut upstream: Vec<TraceStep> = ancestors
        .iter()
        .flat_map(|a| {
            let limit = cutoff.get(&a.id).copied().unwrap_or(u64::MAX);
            a.steps
                .iter()
                .filter(move |s| {
                    s.index <= limit
                        || matches!(s.kind, StatementType::Inspect | StatementType::Recall)
                })
                .map(|s| TraceStep::of(&a.id, s))
        })
        .collect();
    upstream.sort_by(|a, b| (a.index, &a.batch).cmp(&(b.index, &b.batch)));
    upstream.dedup();

    // Downstream: breadth first over the children index.
    let mut downstream = Vec::new();
    let mut visited = 0usize;
    let mut queue: VecDeque<BatchId> = view.children(id)?.into();
    let mut seen_down: HashSet<BatchId> = HashSet::from([id.clone()]);
    while let Some(child) = queue.pop_front() {
        if !seen_down.insert(child.clone()) {
            continue;
        }
        if visited >= MAX_TRACE_BATCHES {
            truncated = true;
            break;
        }
        visited += 1;
        let Some(b) = view.batch(&child)? else {
            continue;
        };
        let made = created_at(&b);
        edges.extend(b.inputs.iter().map(|i| Edge {
            parent: i.batch.clone(),
            child: b.id.clone(),
            quantity: i.quantity,
            index: made,
        }));
        downstream.extend(b.steps.iter().map(|s| TraceStep::of(&b.id, s)));
        queue.extend(view.children(&child)?);
    }
    downstream.sort_by(|a, b| (a.index, &a.batch).cmp(&(b.index, &b.batch)));
    downstream.dedup();
    edges.sort_by(|a, b| (a.index, &a.parent, &a.child).cmp(&(b.index, &b.parent, &b.child)));
    edges.dedup();

    Ok(Some(Trace {
        batch: id.clone(),
        steps: root.steps.iter().map(|s| TraceStep::of(id, s)).collect(),
        upstream,
        downstream,
        edges,
        ancestors,
        truncated,
    }))
}
