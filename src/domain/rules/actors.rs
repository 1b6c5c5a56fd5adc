//! Rules for actors (spec §6): `ledger.genesis`, `actor.register`,
//! `actor.rotate_key`, `actor.revoke`.

use super::format;
use super::roles::Condition;
use super::{ApplyError, Change, Context, Entry, View, refuse};
use crate::domain::envelope::Envelope;
use crate::domain::keys::PublicKey;
use crate::domain::messages::Code;
use crate::domain::model::{Actor, ActorKind, ActorStatus, LedgerInfo};
use crate::domain::statement::{
    ActorRegister, Consent, Genesis, LEDGER_SIGNER, LedgerFormat, Revoke, Role, RotateKey,
    Statement,
};
use std::collections::HashSet;

/// `ledger.genesis`: leaf 0 only, by `ledger`, signed by its `ledger_key`.
pub(super) fn genesis(
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
        format: g.format.unwrap_or_default(),
    })];
    let mut ids = HashSet::new();
    let mut keys = HashSet::from([g.ledger_key]);
    for r in &g.registrars {
        if r.id.as_str() == LEDGER_SIGNER {
            return refuse(Code::ReservedId, LEDGER_SIGNER);
        }
        if !ids.insert(r.id.clone()) {
            return refuse(Code::DuplicateId, r.id.to_string());
        }
        if !keys.insert(r.key) {
            return refuse(Code::KeyInUse, format!("registrar {}", r.id));
        }
        changes.push(Change::PutActor(Actor {
            id: r.id.clone(),
            kind: ActorKind::Registrar,
            name: Some(r.name.clone().unwrap_or_else(|| r.id.to_string())),
            name_commit: None,
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

/// A key may be bound once: never the ledger key, never another actor's
/// (current or past) key.
fn key_free<V: View>(view: &V, key: &PublicKey, who: &str) -> Result<(), ApplyError> {
    if view.key_owner(key)?.is_some() || view.ledger()?.is_some_and(|l| l.ledger_key == *key) {
        return refuse(Code::KeyInUse, who.to_owned());
    }
    Ok(())
}

/// `actor.register`: by a registrar (any role), or by a cooperative for its
/// own members.
pub(super) fn register<V: View>(
    view: &V,
    e: &Entry,
    a: &ActorRegister,
) -> Result<Vec<Change>, ApplyError> {
    if !e.may_sign() {
        return refuse(
            Code::NotAllowed,
            "only a registrar, or a cooperative for its members, registers actors",
        );
    }
    if let Some(Condition::OwnMembers { members }) = e.signers().condition_for(e.signer.kind)
        && (a.role != members || a.cooperative.as_ref() != Some(e.by()))
    {
        return refuse(
            Code::NotOurMember,
            format!("{} registers only members of {}", e.by(), e.by()),
        );
    }
    format::register(e.format, a)?;
    if a.id.as_str() == LEDGER_SIGNER {
        return refuse(Code::ReservedId, LEDGER_SIGNER);
    }
    if view.actor(&a.id)?.is_some() {
        return refuse(Code::DuplicateId, a.id.to_string());
    }
    key_free(view, &a.key, a.id.as_str())?;
    match (a.role, &a.cooperative) {
        (Role::Member, Some(coop)) => match view.actor(coop)? {
            Some(c) if c.kind.is(Role::Cooperative) && c.is_active() => {}
            Some(c) if c.kind.is(Role::Cooperative) => {
                return refuse(Code::UnknownCooperative, format!("{coop} is revoked"));
            }
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
            name_commit: a.name_commit,
            key: a.key,
            region: Some(a.region.clone()),
            cooperative: a.cooperative.clone(),
            // A format-2 member is named only once it consents.
            public: a.role != Role::Member
                || (e.format == LedgerFormat::V1 && a.public == Some(true)),
            status: ActorStatus::Active,
            registered_index: e.index(),
            registered_at: e.at(),
        }),
        Change::BindKey(a.key, a.id.clone()),
    ])
}

/// `actor.consent` (format 2): the member itself, or its cooperative with
/// the signed form's hash, gives or withdraws the member's consent to be
/// named; the latest consent is the member's `public`.
pub(super) fn consent<V: View>(
    view: &V,
    e: &Entry,
    c: &Consent,
) -> Result<Vec<Change>, ApplyError> {
    if e.format == LedgerFormat::V1 {
        return refuse(Code::NeedsFormat2, "actor.consent");
    }
    if !e.may_sign() {
        return refuse(
            Code::NotAllowed,
            "only the member, or its cooperative, records a member's consent",
        );
    }
    let Some(mut member) = view.actor(&c.member)? else {
        return refuse(Code::UnknownActor, c.member.to_string());
    };
    if !member.kind.is(Role::Member) {
        return refuse(
            Code::NotAllowed,
            format!("{} is not a member household", c.member),
        );
    }
    if e.by() != &c.member {
        if member.cooperative.as_ref() != Some(e.by()) || !e.signer.kind.is(Role::Cooperative) {
            return refuse(
                Code::NotOurMember,
                format!("{} records consent only for its own members", e.by()),
            );
        }
        if c.form_blake3.is_none() {
            return refuse(Code::ConsentFormMissing, format!("member {}", c.member));
        }
    }
    member.public = c.public;
    Ok(vec![Change::PutActor(member)])
}

/// `actor.rotate_key`: the actor, signing with its current key, names its
/// next key; later statements must use it.
pub(super) fn rotate_key<V: View>(
    view: &V,
    e: &Entry,
    r: &RotateKey,
) -> Result<Vec<Change>, ApplyError> {
    key_free(view, &r.new_key, e.by().as_str())?;
    let mut actor = e.signer.clone();
    actor.key = r.new_key;
    Ok(vec![
        Change::PutActor(actor),
        Change::BindKey(r.new_key, e.by().clone()),
    ])
}

/// `actor.revoke`: a registrar ends an actor's signing; its past stays.
pub(super) fn revoke<V: View>(view: &V, e: &Entry, r: &Revoke) -> Result<Vec<Change>, ApplyError> {
    if !e.may_sign() {
        return refuse(Code::NotAllowed, "only a registrar revokes actors");
    }
    let Some(mut actor) = view.actor(&r.id)? else {
        return refuse(Code::UnknownActor, r.id.to_string());
    };
    if let ActorStatus::Revoked { index, .. } = actor.status {
        return refuse(Code::AlreadyRevoked, format!("{} at leaf {index}", r.id));
    }
    actor.status = ActorStatus::Revoked {
        index: e.index(),
        reason: r.reason.clone(),
    };
    Ok(vec![Change::PutActor(actor)])
}
