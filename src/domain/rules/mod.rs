//! The statement rules (spec §6): given the ledger's state before an entry,
//! decide whether the entry is accepted and, if so, what it changes.
//!
//! [`apply`] is pure. The state is read through the [`View`] trait (sled in
//! the server, [`MemState`] in the audit and in tests), the ledger's time is
//! the leaf's `logged_at`, and the result is a list of [`Change`]s that the
//! caller writes in the same atomic step as the leaf. Replaying the log
//! through `apply` therefore reproduces every acceptance the ledger made.
//!
//! The rules are split by subject: `actors` (genesis, registration, key
//! rotation, revocation, consent), `batches` (creation, custody,
//! transformation, inspection, recall) and `contracts`; corrections are
//! here. [`mod@format`] holds what a ledger's format (spec §6.17) adds: the
//! rules read the format from the genesis, so a format-1 ledger replays
//! under the rules it was written under.
//!
//! [`apply`] checks `at` against the ledger's clock ([`MAX_CLOCK_SKEW_SECS`]),
//! authenticates the signer (registered, current key, not revoked), then
//! runs the type's rule (spec §3.6, §6). [`Overlay`] layers the changes of
//! the entries already accepted in a group commit over the views, so entry
//! *k* sees the effects of entries 0..*k*−1.

mod actors;
mod batches;
mod contracts;
pub mod format;
mod link;
pub mod roles;

use super::envelope::Envelope;
use super::ids::{ActorId, BatchId, ContractId};
use super::keys::PublicKey;
use super::linkage::LinkFact;
use super::messages::{Code, Refusal};
use super::model::{
    Actor, ActorStatus, Batch, Contract, CorrectionRecord, Custody, LedgerInfo, ShipOutcome,
    Shipment,
};
use super::statement::{Body, Correction, LedgerFormat, Statement};
use super::time::{Day, Timestamp};
pub use super::view::{View, ViewError};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// How far ahead of the ledger's clock a statement's `at` may be (spec §6).
pub const MAX_CLOCK_SKEW_SECS: i64 = 5 * 60;

/// One change to the views, written atomically with the leaf.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// The genesis: store the ledger's origin and key.
    SetLedger(LedgerInfo),
    /// Insert or replace an actor.
    PutActor(Actor),
    /// Bind a key to an actor (a key belongs to one actor, for good).
    BindKey(PublicKey, ActorId),
    /// Insert or replace a batch. A batch stored as consumed also leaves
    /// its holder's batches in hand (consumption is final).
    PutBatch(Box<Batch>),
    /// `child` was made (in part) from `parent`.
    AddChild {
        /// The input.
        parent: BatchId,
        /// The output.
        child: BatchId,
    },
    /// A batch changed hands (`from` is `None` when it is new): it moves in
    /// the batches held and in the batches in hand.
    SetHolder {
        /// The batch.
        batch: BatchId,
        /// The previous holder.
        from: Option<ActorId>,
        /// The new holder.
        to: ActorId,
    },
    /// Insert or replace a contract; each of its two parties lists it.
    PutContract(Contract),
    /// Insert or replace a shipment (by sender and `batch.ship` leaf).
    /// While it is in transit it is among the recipient's incoming
    /// shipments; once received or refused it leaves them.
    PutShipment(Shipment),
    /// A correction of an earlier leaf.
    AddCorrection(CorrectionRecord),
    /// A linkage fact (spec §9) of leaf `index`.
    Link {
        /// The leaf.
        index: u64,
        /// The fact.
        fact: LinkFact,
    },
    /// Who signed leaf `index`, and the day of its batch step. The sled
    /// store reads the signer back from the leaf itself, listing the leaf
    /// under its signer and under its day; in-memory states keep the
    /// signer.
    Logged {
        /// The leaf.
        index: u64,
        /// Its signer.
        by: ActorId,
        /// The Vietnamese calendar date of its `at` when the statement is
        /// a batch step that exports as an EPCIS event (spec §10), what a
        /// period export selects on; `None` for every other statement.
        event_day: Option<Day>,
    },
}

/// Why an entry was not accepted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ApplyError {
    /// A rule refused it; nothing is written.
    #[error("{0}")]
    Refused(#[from] Refusal),
    /// The state could not be read.
    #[error(transparent)]
    View(#[from] ViewError),
}

/// Where and when the entry would be logged.
#[derive(Clone, Copy, Debug)]
pub struct Context {
    /// The index the leaf would get.
    pub index: u64,
    /// The ledger's clock (the leaf's `logged_at`).
    pub logged_at: Timestamp,
}

/// Everything a rule needs about the entry being decided.
struct Entry<'a> {
    ctx: &'a Context,
    st: &'a Statement,
    signer: Actor,
    /// The ledger's format, from its genesis.
    format: LedgerFormat,
}

impl Entry<'_> {
    fn index(&self) -> u64 {
        self.ctx.index
    }

    fn at(&self) -> String {
        self.st.at.to_string()
    }

    fn by(&self) -> &ActorId {
        &self.signer.id
    }

    /// Who may sign this entry's type ([`roles::signer_roles`]).
    fn signers(&self) -> roles::SignerRoles {
        roles::signer_roles(self.st.body.kind())
    }

    /// The signer's kind may sign this entry's type at all.
    fn may_sign(&self) -> bool {
        self.signers().allows(self.signer.kind)
    }

    /// The signer's kind may sign this entry's type with no condition.
    fn signs_freely(&self) -> bool {
        self.signers().allows_freely(self.signer.kind)
    }

    /// The signer may sign this entry: freely, or under the type's
    /// condition, which the rule found `met`.
    fn allowed(&self, met: bool) -> bool {
        self.signs_freely() || (self.may_sign() && met)
    }
}

fn refuse<T>(code: Code, detail: impl Into<String>) -> Result<T, ApplyError> {
    Err(ApplyError::Refused(Refusal::with(code, detail)))
}

/// Decides an entry: the envelope's signature must already have been checked
/// (it does not depend on state), and the statement must come from
/// [`super::statement::parse`], which has checked every field that does not
/// depend on state (keys being registered included); this checks who signed
/// it and every rule of the chain.
pub fn apply<V: View>(
    view: &V,
    ctx: &Context,
    env: &Envelope,
    st: &Statement,
) -> Result<Vec<Change>, ApplyError> {
    if st.at.unix() > ctx.logged_at.unix() + MAX_CLOCK_SKEW_SECS {
        return refuse(
            Code::AtInFuture,
            format!("at {} > ledger clock {}", st.at, ctx.logged_at),
        );
    }
    let mut changes = match &st.body {
        Body::Genesis(g) => actors::genesis(ctx, env, st, g)?,
        _ => decide(view, ctx, env, st)?,
    };
    changes.push(Change::Logged {
        index: ctx.index,
        by: st.by.clone(),
        event_day: super::epcis::is_event(&st.body).then(|| Day::from(st.at.local_date())),
    });
    Ok(changes)
}

/// Every statement but the genesis: authenticate, then the type's rule.
fn decide<V: View>(
    view: &V,
    ctx: &Context,
    env: &Envelope,
    st: &Statement,
) -> Result<Vec<Change>, ApplyError> {
    if ctx.index == 0 || view.ledger()?.is_none() {
        return refuse(Code::GenesisNotFirst, "the ledger has no genesis yet");
    }
    let signer = authenticate(view, env, &st.by)?;
    let format = format::of(view)?;
    let e = Entry {
        ctx,
        st,
        signer,
        format,
    };
    let mut changes = match &st.body {
        Body::Genesis(_) => refuse(Code::GenesisNotFirst, "genesis after leaf 0"),
        Body::ActorRegister(a) => actors::register(view, &e, a),
        Body::RotateKey(r) => actors::rotate_key(view, &e, r),
        Body::Revoke(r) => actors::revoke(view, &e, r),
        Body::Consent(c) => actors::consent(view, &e, c),
        Body::BatchCreate(b) => batches::create(view, &e, b),
        Body::Ship(s) => batches::ship(view, &e, s),
        Body::Receive(r) => batches::receive(view, &e, r),
        Body::Transform(t) => batches::transform(view, &e, t),
        Body::Inspect(i) => batches::inspect(view, &e, i),
        Body::Recall(r) => batches::recall(view, &e, r),
        Body::ContractOffer(c) => contracts::offer(view, &e, c),
        Body::ContractAccept(c) => contracts::accept(view, &e, c),
        Body::Correction(c) => correction(view, &e, c),
    }?;
    changes.extend(link::facts(view, &e)?);
    Ok(changes)
}

/// The signer must be registered, active, and signing with its current key.
fn authenticate<V: View>(view: &V, env: &Envelope, by: &ActorId) -> Result<Actor, ApplyError> {
    let Some(signer) = view.actor(by)? else {
        return refuse(Code::UnknownSigner, format!("by {by}"));
    };
    if signer.key != env.key {
        return refuse(Code::NotCurrentKey, format!("by {by}"));
    }
    if let ActorStatus::Revoked { index, .. } = signer.status {
        return refuse(Code::SignerRevoked, format!("{by} revoked at leaf {index}"));
    }
    Ok(signer)
}

/// `correction`: by the signer of the corrected leaf, or an authority. The
/// leaf stays; the correction is shown with it.
fn correction<V: View>(view: &V, e: &Entry, c: &Correction) -> Result<Vec<Change>, ApplyError> {
    let Some(signer) = view.leaf_signer(c.index)? else {
        return refuse(Code::UnknownEntry, format!("index {}", c.index));
    };
    if !e.allowed(signer == *e.by()) {
        return refuse(
            Code::NotAllowed,
            format!(
                "leaf {} was signed by {signer}; only its signer or an authority corrects it",
                c.index
            ),
        );
    }
    Ok(vec![Change::AddCorrection(CorrectionRecord {
        index: e.index(),
        target: c.index,
        by: e.by().clone(),
        at: e.at(),
        reason: c.reason.clone(),
    })])
}

/// The whole state in memory: what the audit replays into, and the pending
/// part of an [`Overlay`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MemState {
    /// The genesis facts.
    pub ledger: Option<LedgerInfo>,
    /// Actors by id.
    pub actors: HashMap<ActorId, Actor>,
    /// Key bindings.
    pub keys: HashMap<[u8; 32], ActorId>,
    /// Batches by id.
    pub batches: HashMap<BatchId, Batch>,
    /// Children of each batch.
    pub children: HashMap<BatchId, BTreeSet<BatchId>>,
    /// Batches each actor holds now, consumed or not.
    pub held: HashMap<ActorId, BTreeSet<BatchId>>,
    /// Batches each actor holds that are not consumed.
    pub in_hand: HashMap<ActorId, BTreeSet<BatchId>>,
    /// Open shipments to each actor: batch → `batch.ship` leaf.
    pub incoming: HashMap<ActorId, BTreeMap<BatchId, u64>>,
    /// Shipments each actor sent, by `batch.ship` leaf.
    pub shipped: HashMap<ActorId, BTreeMap<u64, Shipment>>,
    /// Contracts each actor is a party to.
    pub parties: HashMap<ActorId, BTreeSet<ContractId>>,
    /// Contracts by id.
    pub contracts: HashMap<ContractId, Contract>,
    /// Corrections by corrected leaf.
    pub corrections: BTreeMap<u64, Vec<CorrectionRecord>>,
    /// The signer of every leaf (`ledger` for leaf 0).
    pub signers: HashMap<u64, ActorId>,
    /// The linkage facts, in log order.
    pub links: Vec<(u64, LinkFact)>,
}

impl MemState {
    /// Writes changes (in order).
    pub fn write(&mut self, changes: &[Change]) {
        for c in changes {
            match c {
                Change::SetLedger(l) => self.ledger = Some(l.clone()),
                Change::PutActor(a) => {
                    self.actors.insert(a.id.clone(), a.clone());
                }
                Change::BindKey(k, id) => {
                    self.keys.insert(k.to_bytes(), id.clone());
                }
                Change::PutBatch(b) => {
                    if b.custody == Custody::Consumed {
                        shrink(&mut self.in_hand, &b.holder, |s| {
                            s.remove(&b.id);
                            s.is_empty()
                        });
                    }
                    self.batches.insert(b.id.clone(), (**b).clone());
                }
                Change::AddChild { parent, child } => {
                    self.children
                        .entry(parent.clone())
                        .or_default()
                        .insert(child.clone());
                }
                Change::SetHolder { batch, from, to } => {
                    for by_holder in [&mut self.held, &mut self.in_hand] {
                        if let Some(from) = from {
                            shrink(by_holder, from, |set| {
                                set.remove(batch);
                                set.is_empty()
                            });
                        }
                        by_holder
                            .entry(to.clone())
                            .or_default()
                            .insert(batch.clone());
                    }
                }
                Change::PutContract(k) => {
                    for party in [&k.cooperative, &k.business] {
                        self.parties
                            .entry(party.clone())
                            .or_default()
                            .insert(k.id.clone());
                    }
                    self.contracts.insert(k.id.clone(), k.clone());
                }
                Change::PutShipment(s) => {
                    if s.outcome == ShipOutcome::InTransit {
                        self.incoming
                            .entry(s.to.clone())
                            .or_default()
                            .insert(s.batch.clone(), s.index);
                    } else {
                        shrink(&mut self.incoming, &s.to, |open| {
                            open.remove(&s.batch);
                            open.is_empty()
                        });
                    }
                    self.shipped
                        .entry(s.from.clone())
                        .or_default()
                        .insert(s.index, s.clone());
                }
                Change::AddCorrection(r) => {
                    self.corrections
                        .entry(r.target)
                        .or_default()
                        .push(r.clone());
                }
                Change::Link { index, fact } => self.links.push((*index, fact.clone())),
                Change::Logged { index, by, .. } => {
                    self.signers.insert(*index, by.clone());
                }
            }
        }
    }
}

/// Edits `owner`'s entry of a per-actor index with `remove`, which says
/// whether the entry is now empty; an empty entry is dropped.
fn shrink<C>(
    index: &mut HashMap<ActorId, C>,
    owner: &ActorId,
    remove: impl FnOnce(&mut C) -> bool,
) {
    if index.get_mut(owner).is_some_and(remove) {
        index.remove(owner);
    }
}

impl View for MemState {
    fn ledger(&self) -> Result<Option<LedgerInfo>, ViewError> {
        Ok(self.ledger.clone())
    }
    fn actor(&self, id: &ActorId) -> Result<Option<Actor>, ViewError> {
        Ok(self.actors.get(id).cloned())
    }
    fn key_owner(&self, key: &PublicKey) -> Result<Option<ActorId>, ViewError> {
        Ok(self.keys.get(&key.to_bytes()).cloned())
    }
    fn batch(&self, id: &BatchId) -> Result<Option<Batch>, ViewError> {
        Ok(self.batches.get(id).cloned())
    }
    fn children(&self, id: &BatchId) -> Result<Vec<BatchId>, ViewError> {
        Ok(self
            .children
            .get(id)
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default())
    }
    fn contract(&self, id: &ContractId) -> Result<Option<Contract>, ViewError> {
        Ok(self.contracts.get(id).cloned())
    }
    fn leaf_signer(&self, index: u64) -> Result<Option<ActorId>, ViewError> {
        Ok(self.signers.get(&index).cloned())
    }
}

/// A view with pending changes layered over another view: lets a batch of
/// entries see the effects of the entries before it in the same batch.
pub struct Overlay<'a, V: View> {
    base: &'a V,
    pending: MemState,
}

impl<'a, V: View> Overlay<'a, V> {
    /// An overlay with nothing pending.
    pub fn new(base: &'a V) -> Self {
        Self {
            base,
            pending: MemState::default(),
        }
    }

    /// Adds changes on top.
    pub fn write(&mut self, changes: &[Change]) {
        self.pending.write(changes);
    }
}

impl<V: View> View for Overlay<'_, V> {
    fn ledger(&self) -> Result<Option<LedgerInfo>, ViewError> {
        match &self.pending.ledger {
            Some(l) => Ok(Some(l.clone())),
            None => self.base.ledger(),
        }
    }
    fn actor(&self, id: &ActorId) -> Result<Option<Actor>, ViewError> {
        match self.pending.actors.get(id) {
            Some(a) => Ok(Some(a.clone())),
            None => self.base.actor(id),
        }
    }
    fn key_owner(&self, key: &PublicKey) -> Result<Option<ActorId>, ViewError> {
        match self.pending.keys.get(&key.to_bytes()) {
            Some(id) => Ok(Some(id.clone())),
            None => self.base.key_owner(key),
        }
    }
    fn batch(&self, id: &BatchId) -> Result<Option<Batch>, ViewError> {
        match self.pending.batches.get(id) {
            Some(b) => Ok(Some(b.clone())),
            None => self.base.batch(id),
        }
    }
    fn children(&self, id: &BatchId) -> Result<Vec<BatchId>, ViewError> {
        let mut all: BTreeSet<BatchId> = self.base.children(id)?.into_iter().collect();
        if let Some(more) = self.pending.children.get(id) {
            all.extend(more.iter().cloned());
        }
        Ok(all.into_iter().collect())
    }
    fn contract(&self, id: &ContractId) -> Result<Option<Contract>, ViewError> {
        match self.pending.contracts.get(id) {
            Some(c) => Ok(Some(c.clone())),
            None => self.base.contract(id),
        }
    }
    fn leaf_signer(&self, index: u64) -> Result<Option<ActorId>, ViewError> {
        match self.pending.signers.get(&index) {
            Some(by) => Ok(Some(by.clone())),
            None => self.base.leaf_signer(index),
        }
    }
}

/// Checks that `actor` may hold batches: it is active and of a kind in
/// [`roles::HOLDING`].
fn can_hold(actor: &Actor) -> bool {
    actor.is_active() && roles::HOLDING.contains(&actor.kind)
}
