//! The statement rules (design §6): given the ledger's state before an entry,
//! decide whether the entry is accepted and, if so, what it changes.
//!
//! [`apply`] is pure. The state is read through the [`View`] trait (sled in
//! the server, [`MemState`] in the audit and in tests), the ledger's time is
//! the leaf's `logged_at`, and the result is a list of [`Change`]s that the
//! caller writes in the same atomic step as the leaf. Replaying the log
//! through `apply` therefore reproduces every acceptance the ledger made.

use super::envelope::Envelope;
use super::ids::ActorId;
use super::keys::PublicKey;
use super::messages::{Code, Refusal};
use super::statement::{ActorRegister, Body, Genesis, LEDGER_SIGNER, Region, Role, Statement};
use super::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// How far ahead of the ledger's clock a statement's `at` may be (design §6).
pub const MAX_CLOCK_SKEW_SECS: i64 = 5 * 60;

/// What the genesis fixed: the origin and the ledger key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerInfo {
    /// The checkpoint origin.
    pub origin: String,
    /// The ledger's public key.
    pub ledger_key: PublicKey,
}

/// What kind of actor: a registrar named by the genesis, or a registered role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    /// Named by the genesis; may register actors.
    Registrar,
    /// Registered with `actor.register`.
    #[serde(untagged)]
    Role(Role),
}

/// Whether an actor may still sign.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ActorStatus {
    /// May sign.
    Active,
    /// Revoked at `index`; its past stays valid.
    Revoked {
        /// The leaf that revoked it.
        index: u64,
        /// Why.
        reason: String,
    },
}

/// An actor as the views hold it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// Its id.
    pub id: ActorId,
    /// Registrar or role.
    pub kind: ActorKind,
    /// Its name.
    pub name: String,
    /// Its current key.
    pub key: PublicKey,
    /// Where it is (registrars have none).
    pub region: Option<Region>,
    /// For members: their cooperative.
    pub cooperative: Option<ActorId>,
    /// A member's consent to be named on public pages.
    pub public: bool,
    /// Active or revoked.
    pub status: ActorStatus,
    /// The leaf that registered it.
    pub registered_index: u64,
    /// The `at` of that leaf's statement.
    pub registered_at: String,
}

/// One change to the views, written atomically with the leaf.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// The genesis: store the ledger's origin and key.
    SetLedger(LedgerInfo),
    /// Insert or replace an actor.
    PutActor(Actor),
    /// Bind a key to an actor (keys are unique to one actor).
    BindKey(PublicKey, ActorId),
}

/// A failure to read the state (an I/O problem, not a refusal).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("reading the ledger state failed: {0}")]
pub struct ViewError(pub String);

/// Read access to the ledger state that the rules need.
pub trait View {
    /// The ledger's origin and key, once the genesis is logged.
    fn ledger(&self) -> Result<Option<LedgerInfo>, ViewError>;
    /// An actor by id.
    fn actor(&self, id: &ActorId) -> Result<Option<Actor>, ViewError>;
    /// The actor a key is bound to.
    fn key_owner(&self, key: &PublicKey) -> Result<Option<ActorId>, ViewError>;
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
    if let Body::Genesis(g) = &st.body {
        return genesis(ctx, env, st, g);
    }
    if ctx.index == 0 || view.ledger()?.is_none() {
        return refuse(Code::GenesisNotFirst, "the ledger has no genesis yet");
    }
    let signer = authenticate(view, env, &st.by)?;
    match &st.body {
        Body::Genesis(_) => refuse(Code::GenesisNotFirst, "genesis after leaf 0"),
        Body::ActorRegister(a) => register(view, ctx, st, &signer, a),
    }
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

fn genesis(
    ctx: &Context,
    env: &Envelope,
    st: &Statement,
    g: &Genesis,
) -> Result<Vec<Change>, ApplyError> {
    if ctx.index != 0 {
        return refuse(
            Code::GenesisNotFirst,
            format!("genesis at leaf {}", ctx.index),
        );
    }
    if st.by.as_str() != LEDGER_SIGNER {
        return refuse(Code::NotAllowed, "the genesis is signed by \"ledger\"");
    }
    if g.ledger_key != env.key {
        return refuse(
            Code::NotCurrentKey,
            "the genesis must be signed by its ledger_key",
        );
    }
    let mut changes = vec![Change::SetLedger(LedgerInfo {
        origin: g.origin.clone(),
        ledger_key: g.ledger_key,
    })];
    let mut ids = HashMap::new();
    for r in &g.registrars {
        if r.id.as_str() == LEDGER_SIGNER {
            return refuse(Code::ReservedId, "ledger");
        }
        if ids.insert(r.id.clone(), ()).is_some() {
            return refuse(Code::DuplicateId, r.id.to_string());
        }
        if r.key == g.ledger_key
            || changes
                .iter()
                .any(|c| matches!(c, Change::BindKey(k, _) if *k == r.key))
        {
            return refuse(Code::KeyInUse, format!("registrar {}", r.id));
        }
        changes.push(Change::PutActor(Actor {
            id: r.id.clone(),
            kind: ActorKind::Registrar,
            name: r.name.clone().unwrap_or_else(|| r.id.to_string()),
            key: r.key,
            region: None,
            cooperative: None,
            public: true,
            status: ActorStatus::Active,
            registered_index: 0,
            registered_at: st.at.to_string(),
        }));
        changes.push(Change::BindKey(r.key, r.id.clone()));
    }
    Ok(changes)
}

fn register<V: View>(
    view: &V,
    ctx: &Context,
    st: &Statement,
    signer: &Actor,
    a: &ActorRegister,
) -> Result<Vec<Change>, ApplyError> {
    if signer.kind != ActorKind::Registrar {
        return refuse(Code::NotAllowed, "only a registrar registers actors");
    }
    if a.id.as_str() == LEDGER_SIGNER {
        return refuse(Code::ReservedId, "ledger");
    }
    if view.actor(&a.id)?.is_some() {
        return refuse(Code::DuplicateId, a.id.to_string());
    }
    if view.key_owner(&a.key)?.is_some() || view.ledger()?.is_some_and(|l| l.ledger_key == a.key) {
        return refuse(Code::KeyInUse, a.id.to_string());
    }
    match (a.role, &a.cooperative) {
        (Role::Member, Some(coop)) => match view.actor(coop)? {
            Some(c) if c.kind == ActorKind::Role(Role::Cooperative) => {}
            _ => return refuse(Code::UnknownCooperative, coop.to_string()),
        },
        (Role::Member, None) => {
            return refuse(Code::MalformedStatement, "a member names its cooperative");
        }
        (_, Some(_)) => {
            return refuse(Code::MalformedStatement, "only members name a cooperative");
        }
        (_, None) => {}
    }
    Ok(vec![
        Change::PutActor(Actor {
            id: a.id.clone(),
            kind: ActorKind::Role(a.role),
            name: a.name.clone(),
            key: a.key,
            region: Some(a.region.clone()),
            cooperative: a.cooperative.clone(),
            public: a.role != Role::Member || a.public == Some(true),
            status: ActorStatus::Active,
            registered_index: ctx.index,
            registered_at: st.at.to_string(),
        }),
        Change::BindKey(a.key, a.id.clone()),
    ])
}

/// The whole state in memory: what the audit replays into, and the reference
/// the property tests compare the sled views with.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MemState {
    /// The genesis facts.
    pub ledger: Option<LedgerInfo>,
    /// Actors by id.
    pub actors: HashMap<ActorId, Actor>,
    /// Key bindings.
    pub keys: HashMap<[u8; 32], ActorId>,
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
            }
        }
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
}
