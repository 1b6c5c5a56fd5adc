//! Standard exports (issue 5): a batch's chain or a period as a GS1 EPCIS
//! 2.0 JSON-LD document, and one lot's chain as a sortable spreadsheet
//! (CSV, in the spirit of the FDA FSMA 204 "electronic sortable
//! spreadsheet": one row per tracking event with its key data elements).
//!
//! Everything is read at one published tree size, from the signed leaves
//! themselves; the views add what a statement does not say (a lot's GTIN
//! and unit, who shipped a received batch, how much a shipment moved, the
//! corrections of a leaf). The mapping to EPCIS is [`crate::domain::epcis`].
//!
//! `Ledger::epcis_chain` exports the leaves of a trace, `Ledger::epcis_period`
//! every batch step whose `at` falls on a Vietnamese day of the period (it
//! reads the whole log: there is no index by time), and `Ledger::lot_csv` the
//! chain as rows sorted by time (UTF-8 with a byte-order mark, English or
//! Vietnamese headers). [`parse_period`] gives `bad_date` and
//! `dates_reversed`; more than [`MAX_EXPORT_EVENTS`] events give
//! `export_too_large` and nothing is exported (spec §8.6).
//!
//! This file reads the leaves of an export (`TipViews`, a chain or a
//! period) and writes the EPCIS documents; `spreadsheet.rs` writes the lot
//! spreadsheet from the same leaves.

mod spreadsheet;
pub(crate) use spreadsheet::spreadsheet_safe;

pub use spreadsheet::UTF8_BOM;

use super::{Ledger, ServiceError};
use crate::domain::epcis::{self, Exporter, Facts, Logged, LotRef};
use crate::domain::ids::{ActorId, BatchId};
use crate::domain::leaf::Leaf;
use crate::domain::lineage;
use crate::domain::merkle::leaf_hash;
use crate::domain::messages::{Code, Refusal};
use crate::domain::model::{Actor, Batch, CorrectionRecord};
use crate::domain::quantity::Quantity;
use crate::domain::rules::View;
use crate::domain::statement::{self, Body, Statement, StatementType};
use crate::domain::time::{Day, Timestamp};
use crate::store::Store;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};

/// Most events one export holds; a longer one is refused with
/// `export_too_large` (413) rather than built without bound.
pub const MAX_EXPORT_EVENTS: usize = 10_000;

/// One exported leaf and what the views add to it.
struct Item {
    index: u64,
    leaf_hash: String,
    entry_id: String,
    statement: Statement,
    sender: Option<ActorId>,
    moved: Option<Quantity>,
    corrections: Vec<CorrectionRecord>,
}

/// The views as of one published tree size, each batch and actor read
/// once and kept for the rest of the export.
struct TipViews<'a> {
    store: &'a Store,
    /// The published tree size everything is read at.
    size: u64,
    batches: HashMap<BatchId, Option<Batch>>,
    actors: HashMap<ActorId, Option<Actor>>,
}

fn too_large(what: String, limit: usize) -> ServiceError {
    Refusal::with(Code::ExportTooLarge, format!("{what}, at most {limit}")).into()
}

/// The batches a statement names.
fn batches_of(body: &Body) -> Vec<&BatchId> {
    match body {
        Body::BatchCreate(b) => vec![&b.batch],
        Body::Ship(s) => vec![&s.batch],
        Body::Receive(r) => vec![&r.batch],
        Body::Inspect(i) => vec![&i.batch],
        Body::Recall(r) => vec![&r.batch],
        Body::Transform(t) => t
            .inputs
            .iter()
            .map(|i| &i.batch)
            .chain(t.outputs.iter().map(|o| &o.batch))
            .collect(),
        _ => Vec::new(),
    }
}

impl<'a> TipViews<'a> {
    fn new(store: &'a Store, size: u64) -> Self {
        Self {
            store,
            size,
            batches: HashMap::new(),
            actors: HashMap::new(),
        }
    }

    fn batch(&mut self, id: &BatchId) -> Result<Option<&Batch>, ServiceError> {
        if !self.batches.contains_key(id) {
            let b = self.store.batch(id)?;
            self.batches.insert(id.clone(), b);
        }
        Ok(self.batches.get(id).and_then(Option::as_ref))
    }

    fn actor(&mut self, id: &ActorId) -> Result<Option<&Actor>, ServiceError> {
        if !self.actors.contains_key(id) {
            let a = self.store.actor(id)?;
            self.actors.insert(id.clone(), a);
        }
        Ok(self.actors.get(id).and_then(Option::as_ref))
    }

    /// The name of an actor the public may see: a member household that
    /// has not agreed to be named is not (spec §8, privacy).
    fn public_name(&mut self, id: Option<&ActorId>) -> Result<String, ServiceError> {
        Ok(match id {
            Some(id) => self
                .actor(id)?
                .filter(|a| a.public)
                .and_then(|a| a.name.clone())
                .unwrap_or_default(),
            None => String::new(),
        })
    }

    /// The leaf `index` as signed, with its hashes.
    fn leaf(&self, index: u64) -> Result<(Vec<u8>, Leaf, Statement), ServiceError> {
        let bytes = self
            .store
            .leaf(index)?
            .ok_or_else(|| ServiceError::Store(format!("leaf {index} missing")))?;
        let leaf = Leaf::parse(&bytes)
            .map_err(|e| ServiceError::Inconsistent(format!("leaf {index}: {e}")))?;
        let st = statement::parse(&leaf.statement)
            .map_err(|r| ServiceError::Inconsistent(format!("leaf {index}: {r}")))?;
        Ok((bytes, leaf, st))
    }

    /// How much of batch `id` remained just before leaf `index`: what it
    /// was made with, less what transformations logged before that leaf
    /// used of it (a shipment moves all that remains, spec §6).
    fn remaining_at(&mut self, id: &BatchId, index: u64) -> Result<Option<Quantity>, ServiceError> {
        let Some(b) = self.batch(id)? else {
            return Ok(None);
        };
        let mut left = b.quantity;
        for child in self.store.children(id)? {
            let Some(c) = self.batch(&child)? else {
                continue;
            };
            if c.steps.first().is_none_or(|s| s.index >= index) {
                continue;
            }
            for input in c.inputs.iter().filter(|i| i.batch == *id) {
                left.amount = match left.amount.checked_sub(input.quantity.amount) {
                    Some(a) => a,
                    None => return Ok(None),
                };
            }
        }
        Ok(Some(left))
    }

    /// The shipment a receipt at `index` of batch `id` answers.
    fn shipment_before(
        &mut self,
        id: &BatchId,
        index: u64,
    ) -> Result<Option<(u64, ActorId)>, ServiceError> {
        Ok(self.batch(id)?.and_then(|b| {
            b.steps
                .iter()
                .rev()
                .find(|s| s.index < index && s.kind == StatementType::Ship)
                .map(|s| (s.index, s.by.clone()))
        }))
    }

    /// One exported leaf, with the facts the views add.
    fn item(
        &mut self,
        index: u64,
        bytes: &[u8],
        leaf: &Leaf,
        st: Statement,
    ) -> Result<Item, ServiceError> {
        for b in batches_of(&st.body) {
            self.batch(b)?;
        }
        let (sender, moved) = match &st.body {
            Body::Ship(s) => (None, self.remaining_at(&s.batch, index)?),
            Body::Receive(r) => match self.shipment_before(&r.batch, index)? {
                Some((ship, by)) => (Some(by), self.remaining_at(&r.batch, ship)?),
                None => (None, None),
            },
            _ => (None, None),
        };
        Ok(Item {
            index,
            leaf_hash: leaf_hash(bytes).to_string(),
            entry_id: leaf.envelope().entry_id().to_string(),
            corrections: self
                .store
                .corrections(index)?
                .into_iter()
                .filter(|c| c.index < self.size)
                .collect(),
            statement: st,
            sender,
            moved,
        })
    }

    fn lots(&self) -> HashMap<BatchId, LotRef> {
        self.batches
            .iter()
            .filter_map(|(id, b)| {
                b.as_ref().map(|b| {
                    (
                        id.clone(),
                        LotRef {
                            gtin: b.product.gtin,
                            unit: b.quantity.unit,
                        },
                    )
                })
            })
            .collect()
    }
}

/// Reads a period's dates (`YYYY-MM-DD`, Vietnamese calendar dates):
/// `bad_date` when one is malformed, `dates_reversed` when it ends before
/// it starts.
pub fn parse_period(from: &str, to: &str) -> Result<(Day, Day), Refusal> {
    let (from, to) = (Day::param("from", from)?, Day::param("to", to)?);
    if to < from {
        return Err(Refusal::with(
            Code::DatesReversed,
            format!("from {from}, to {to}"),
        ));
    }
    Ok((from, to))
}

impl Ledger {
    /// The leaves of batch `id`'s chain (its own steps, upstream and
    /// downstream, as [`Ledger::trace`] gives them) under the published
    /// tip, at most `limit` of them.
    fn chain(&self, id: &BatchId, limit: usize) -> Result<(Vec<Item>, TipViews<'_>), ServiceError> {
        let tip = self.shared.published();
        let store = &self.shared.store;
        let trace = lineage::trace(store, id)?
            .ok_or_else(|| Refusal::with(Code::UnknownBatch, id.to_string()))?;
        if trace.truncated {
            let batches = lineage::MAX_TRACE_BATCHES;
            return Err(too_large(
                format!("the chain reaches more than {batches} batches on one side"),
                limit,
            ));
        }
        let indexes: BTreeSet<u64> = trace
            .steps
            .iter()
            .chain(&trace.upstream)
            .chain(&trace.downstream)
            .map(|s| s.index)
            .filter(|i| *i < tip.size)
            .collect();
        if indexes.is_empty() {
            // Made by a leaf not yet under a published checkpoint.
            return Err(Refusal::with(Code::UnknownBatch, id.to_string()).into());
        }
        if indexes.len() > limit {
            return Err(too_large(format!("{} events", indexes.len()), limit));
        }
        let mut views = TipViews::new(store, tip.size);
        let mut items = Vec::with_capacity(indexes.len());
        for index in indexes {
            let (bytes, leaf, st) = views.leaf(index)?;
            items.push(views.item(index, &bytes, &leaf, st)?);
        }
        Ok((items, views))
    }

    /// The batch steps whose `at` falls, as a Vietnamese calendar date, in
    /// `from..=to`, under the published tip; at most `limit` of them. They
    /// are found in the views' index by day, so an export reads only the
    /// leaves it returns (issue 16).
    fn period(
        &self,
        from: &str,
        to: &str,
        limit: usize,
    ) -> Result<(Vec<Item>, TipViews<'_>), ServiceError> {
        let (from, to) = parse_period(from, to)?;
        let tip = self.shared.published();
        let found = self
            .shared
            .store
            .events_between(from, to, tip.size, limit)?;
        if found.len() > limit {
            return Err(too_large(format!("more than {limit} events"), limit));
        }
        let mut views = TipViews::new(&self.shared.store, tip.size);
        let mut items = Vec::with_capacity(found.len());
        for index in found {
            let (bytes, leaf, st) = views.leaf(index)?;
            items.push(views.item(index, &bytes, &leaf, st)?);
        }
        Ok((items, views))
    }

    /// Batch `id`'s chain as an EPCIS 2.0 document: its own steps and
    /// those upstream and downstream of it, in log order; at most
    /// [`MAX_EXPORT_EVENTS`] events.
    pub fn epcis_chain(&self, id: &BatchId, base: &str) -> Result<Value, ServiceError> {
        let (items, views) = self.chain(id, MAX_EXPORT_EVENTS)?;
        Ok(epcis_document(&items, &views, base))
    }

    /// The batch steps whose `at` falls, as a Vietnamese calendar date, in
    /// `from..=to` (spec §3 dates), as an EPCIS 2.0 document in log
    /// order; at most [`MAX_EXPORT_EVENTS`] events.
    pub fn epcis_period(&self, from: &str, to: &str, base: &str) -> Result<Value, ServiceError> {
        let (items, views) = self.period(from, to, MAX_EXPORT_EVENTS)?;
        Ok(epcis_document(&items, &views, base))
    }
}

fn epcis_document(items: &[Item], views: &TipViews<'_>, base: &str) -> Value {
    let lots = views.lots();
    let exporter = Exporter { base, lots: &lots };
    let events = items
        .iter()
        .filter_map(|i| {
            exporter.event(
                &Logged {
                    index: i.index,
                    leaf_hash: &i.leaf_hash,
                    entry_id: &i.entry_id,
                    statement: &i.statement,
                },
                &Facts {
                    sender: i.sender.as_ref(),
                    moved: i.moved,
                    corrections: &i.corrections,
                },
            )
        })
        .collect();
    let now = Timestamp::from_clock(time::OffsetDateTime::now_utc());
    epcis::document(events, &now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::envelope::Envelope;
    use crate::domain::keys::PublicKey;
    use crate::service::{OpenOptions, RegistrarSpec, SystemClock};
    use ed25519_dalek::SigningKey;
    use serde_json::json;

    /// A ledger with a cooperative that logged `lots` harvests and shipped
    /// the first one to a business that received it.
    async fn ledger(dir: &std::path::Path, lots: usize) -> Ledger {
        let registrar = SigningKey::from_bytes(&[1; 32]);
        let spec = RegistrarSpec {
            id: ActorId::parse("reg").expect("id"),
            key: PublicKey::from(registrar.verifying_key()),
            name: None,
        };
        Ledger::init(
            dir,
            "test.vn/export",
            None,
            &[spec],
            crate::domain::statement::LedgerFormat::V1,
            &SystemClock,
        )
        .expect("init");
        let ledger = Ledger::open(dir, OpenOptions::default()).expect("open");
        let at = Timestamp::from_clock(time::OffsetDateTime::now_utc()).to_string();
        let coop = SigningKey::from_bytes(&[2; 32]);
        let business = SigningKey::from_bytes(&[3; 32]);
        let mut statements: Vec<(Value, &SigningKey)> = Vec::new();
        for (id, role, key) in [("htx", "cooperative", &coop), ("dn", "business", &business)] {
            let key = PublicKey::from(key.verifying_key()).to_string();
            statements.push((
                json!({"type": "actor.register", "by": "reg", "id": id, "role": role, "name": id,
                       "key": key, "region": {"province": "Sóc Trăng"}}),
                &registrar,
            ));
        }
        for n in 0..lots {
            statements.push((
                json!({"type": "batch.create", "by": "htx", "batch": format!("lua-{n}"),
                       "product": {"category": "rice", "name": "Lúa"},
                       "quantity": {"amount": "10", "unit": "kg"}, "origin": {"place": "Mỹ Xuyên"}}),
                &coop,
            ));
        }
        statements.push((
            json!({"type": "batch.ship", "by": "htx", "batch": "lua-0", "to": "dn"}),
            &coop,
        ));
        statements.push((
            json!({"type": "batch.receive", "by": "dn", "batch": "lua-0", "accepted": true}),
            &business,
        ));
        for (mut st, key) in statements {
            st["v"] = json!(1);
            st["at"] = json!(at);
            let env = serde_json::to_vec(&Envelope::sign(st.to_string(), key)).expect("json");
            ledger.submit(&env).await.expect("logged");
        }
        ledger
    }

    fn code(r: Result<(Vec<Item>, TipViews<'_>), ServiceError>) -> Option<Code> {
        match r {
            Err(ServiceError::Refused(r)) => Some(r.code),
            _ => None,
        }
    }

    #[tokio::test]
    async fn exports_beyond_their_limit_are_refused_whole() {
        let dir = tempfile::tempdir().expect("tempdir");
        let ledger = ledger(dir.path(), 3).await;
        // Today in Vietnam, which periods are read in.
        let now = Timestamp::from_clock(time::OffsetDateTime::now_utc());
        let today = Day::from(now.local_date()).to_string();
        // Three harvests, a shipment and a receipt (the genesis and the
        // registrations are no events).
        let (items, _) = ledger.period(&today, &today, 5).expect("five events fit");
        assert_eq!(items.len(), 5);
        assert_eq!(
            code(ledger.period(&today, &today, 4)),
            Some(Code::ExportTooLarge)
        );
        let lot = BatchId::parse("lua-0").expect("id");
        let (items, _) = ledger.chain(&lot, 3).expect("three events fit");
        assert_eq!(items.len(), 3);
        assert_eq!(code(ledger.chain(&lot, 2)), Some(Code::ExportTooLarge));
        ledger.shutdown().await;
    }

    /// Issue 16: a period export is read from the index by day. Each
    /// period holds exactly the batch steps whose `at` falls in it as a
    /// Vietnamese date (17:30 UTC is already the next day there), in log
    /// order, and a period with none reads nothing.
    #[tokio::test]
    async fn a_period_holds_exactly_the_steps_of_its_vietnamese_days() {
        let dir = tempfile::tempdir().expect("tempdir");
        let ledger = ledger(dir.path(), 1).await;
        let coop = SigningKey::from_bytes(&[2; 32]);
        let ats = [
            ("d-1", "2026-03-01T23:30:00+07:00"),
            ("d-2", "2026-03-01T17:30:00Z"),
            ("d-3", "2026-02-28T10:00:00+07:00"),
            ("d-4", "2026-03-01T08:00:00+07:00"),
        ];
        for (lot, at) in ats {
            let st = json!({"v": 1, "type": "batch.create", "by": "htx", "at": at, "batch": lot,
                   "product": {"category": "rice", "name": "Lúa"},
                   "quantity": {"amount": "1", "unit": "kg"}, "origin": {"place": "Mỹ Xuyên"}});
            let env = serde_json::to_vec(&Envelope::sign(st.to_string(), &coop)).expect("json");
            ledger.submit(&env).await.expect("logged");
        }
        let lots = |from: &str, to: &str| -> Vec<String> {
            let (items, _) = ledger.period(from, to, 100).expect("period");
            assert!(
                items.windows(2).all(|w| w[0].index < w[1].index),
                "log order"
            );
            items
                .iter()
                .filter_map(|i| match &i.statement.body {
                    crate::domain::statement::Body::BatchCreate(b) => Some(b.batch.to_string()),
                    _ => None,
                })
                .collect()
        };
        assert_eq!(lots("2026-03-01", "2026-03-01"), ["d-1", "d-4"]);
        assert_eq!(lots("2026-03-02", "2026-03-02"), ["d-2"]);
        assert_eq!(
            lots("2026-02-28", "2026-03-02"),
            ["d-1", "d-2", "d-3", "d-4"]
        );
        assert!(lots("2020-01-01", "2026-02-27").is_empty());
        ledger.shutdown().await;
    }
}
