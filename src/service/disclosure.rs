//! Disclosures of member names (spec §6.17): checked before the consent
//! they travel beside is sequenced, kept once it is durable, shown only
//! while the member's latest consent is public, and erased by a withdrawal
//! before that withdrawal is answered.
//!
//! The store's one lock ([`crate::store::disclosures::Disclosures::lock`])
//! is held while the member's consent is read and the disclosure written,
//! and while a withdrawal erases; a withdrawal's views are committed before
//! it takes the lock, so a disclosure can never be written after the
//! withdrawal that should have erased it. [`Shared::disclosure_changes`]
//! counts every disclosure kept or erased, so that caches of pages can drop
//! what they hold when it changes.

use super::{Ledger, ServiceError, Shared};
use crate::domain::ids::ActorId;
use crate::domain::messages::{Code, Refusal};
use crate::domain::model::Actor;
use crate::domain::privacy::Disclosure;
use crate::domain::rules::View as _;
use crate::domain::statement::{Body, Statement};
use std::sync::atomic::Ordering;

impl Shared {
    /// Erases the disclosures of `members`, whose consent a group commit
    /// just withdrew or whose withdrawal was sent again (its views are
    /// written), unless a later consent made them public again. A failure
    /// is logged (without the name) and left to the next start's sweep, and
    /// a withdrawal sent again tries again; no read shows a name whose
    /// member's consent is not public meanwhile.
    pub(super) fn erase_withdrawn<'a>(&self, members: impl Iterator<Item = &'a ActorId>) {
        let mut held = self.disclosures.lock();
        for member in members {
            // A withdrawal sent again after a later consent erases nothing.
            match self.store.actor(member) {
                Ok(Some(a)) if a.public => continue,
                Ok(_) => {}
                Err(e) => tracing::error!(%member, error = %e, "reading a member's consent failed"),
            }
            if held.get(member).is_none() {
                continue;
            }
            // Pages cached while the name was shown are dropped whether or
            // not the file could be removed.
            self.disclosure_changes.fetch_add(1, Ordering::SeqCst);
            if let Err(e) = held.erase(member) {
                tracing::error!(%member, error = %e, "erasing a disclosure failed; the next start erases it");
            }
        }
    }

    /// At open: erases every disclosure whose member is unknown or whose
    /// latest consent is not public (a withdrawal whose erasure a crash
    /// interrupted), before anything is served.
    pub(super) fn sweep_disclosures(&self) -> Result<usize, ServiceError> {
        let mut held = self.disclosures.lock();
        let mut erased = 0;
        for member in held.members() {
            let public = self.store.actor(&member)?.is_some_and(|a| a.public);
            if !public && held.erase(&member)? {
                erased += 1;
            }
        }
        Ok(erased)
    }

    /// How many disclosures have been kept or erased since the ledger opened.
    pub fn disclosure_changes(&self) -> u64 {
        self.disclosure_changes.load(Ordering::SeqCst)
    }
}

/// The members a statement withdraws consent for.
pub(super) fn withdrawn(st: &Statement) -> Option<&ActorId> {
    match &st.body {
        Body::Consent(c) if !c.public => Some(&c.member),
        _ => None,
    }
}

impl Ledger {
    /// Checks a disclosure sent beside `st` before `st` is sequenced: it
    /// must travel beside a consent to be named of the member it names,
    /// registered with a commitment the disclosure opens. The answer is the
    /// disclosure with its name in NFC.
    pub(super) fn check_disclosure(
        &self,
        d: Disclosure,
        st: &Statement,
    ) -> Result<Disclosure, ServiceError> {
        match &st.body {
            Body::Consent(c) if c.public && c.member == d.member => {}
            _ => {
                return Err(Refusal::with(
                    Code::DisclosureNotAllowed,
                    format!("beside {}", st.body.type_name()),
                )
                .into());
            }
        }
        let Some(member) = self.shared.store.actor(&d.member)? else {
            return Err(Refusal::with(Code::UnknownActor, d.member.to_string()).into());
        };
        let Some(commit) = member.name_commit else {
            return Err(Refusal::with(Code::NeedsFormat2, "disclosure").into());
        };
        Ok(d.opening(&commit)?)
    }

    /// Keeps a checked disclosure once the consent beside it is durable,
    /// if the member's latest consent is still public: true if kept, false
    /// if a withdrawal came first (the consent's leaf is logged either way).
    pub(super) fn keep_disclosure(&self, d: Disclosure) -> Result<bool, ServiceError> {
        let mut held = self.shared.disclosures.lock();
        let public = self
            .shared
            .store
            .actor(&d.member)?
            .is_some_and(|a| a.public);
        if !public {
            return Ok(false);
        }
        held.put(d)?;
        // A page cached before shows the household unnamed: drop it.
        self.shared
            .disclosure_changes
            .fetch_add(1, Ordering::SeqCst);
        Ok(true)
    }

    /// The disclosure of `member`, while its latest consent is public.
    pub fn disclosure(&self, member: &ActorId) -> Result<Option<Disclosure>, ServiceError> {
        let held = self.shared.disclosures.lock();
        let Some(d) = held.get(member) else {
            return Ok(None);
        };
        let public = self.shared.store.actor(member)?.is_some_and(|a| a.public);
        Ok(public.then(|| d.clone()))
    }

    /// The name `member` consented to show, if any.
    pub fn disclosed_name(&self, member: &ActorId) -> Result<Option<String>, ServiceError> {
        Ok(self.disclosure(member)?.map(|d| d.name))
    }

    /// An actor as the public may see it: its name only if it is public
    /// (every organisation; a member that consented), a format-2 member's
    /// name from its disclosure.
    pub fn shown(&self, mut a: Actor) -> Result<Actor, ServiceError> {
        if !a.public {
            a.name = None;
        } else if a.name.is_none() {
            a.name = self.disclosed_name(&a.id)?;
        }
        Ok(a)
    }

    /// How many disclosures have been kept or erased since the ledger
    /// opened: a cache of pages drops everything when this changes.
    pub fn disclosure_changes(&self) -> u64 {
        self.shared.disclosure_changes()
    }
}
