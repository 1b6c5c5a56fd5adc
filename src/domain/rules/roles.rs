//! Who may sign each statement type (spec §6), as one table:
//! [`signer_roles`]. The rules take their role checks from it, and the
//! signing app receives it in its configuration (`http::app`), so a phone
//! offers a form to exactly the roles the ledger accepts it from, and the
//! two cannot drift apart.
//!
//! A row names the kinds of actor that may sign the type at all and, where
//! some of them sign only under a condition (the batch's holder, a
//! cooperative for its own members, …), that condition and whom it binds.
//! The conditions that depend on the ledger's state are checked by the
//! rules themselves; the table only says which one applies.

use crate::domain::model::ActorKind;
use crate::domain::statement::{Role, StatementType};
use serde::Serialize;

const MEMBER: ActorKind = ActorKind::Role(Role::Member);
const COOPERATIVE: ActorKind = ActorKind::Role(Role::Cooperative);
const GROUP: ActorKind = ActorKind::Role(Role::CooperativeGroup);
const UNION: ActorKind = ActorKind::Role(Role::Union);
const BUSINESS: ActorKind = ActorKind::Role(Role::Business);
const AUDITOR: ActorKind = ActorKind::Role(Role::Auditor);
const AUTHORITY: ActorKind = ActorKind::Role(Role::Authority);

/// Every kind of actor: the registrars and every registered role.
pub const EVERYONE: &[ActorKind] = &[
    ActorKind::Registrar,
    MEMBER,
    COOPERATIVE,
    GROUP,
    UNION,
    BUSINESS,
    AUDITOR,
    AUTHORITY,
];

/// The kinds of actor that may hold batches: every registered role (a
/// registrar holds none).
pub const HOLDING: &[ActorKind] = EVERYONE.split_at(1).1;

/// Everyone but an authority (the last of [`EVERYONE`]): those who recall
/// or correct only what is their own.
const BUT_AUTHORITY: &[ActorKind] = EVERYONE.split_at(EVERYONE.len() - 1).0;

/// The cooperative side of a contract: any collective economic
/// organisation (spec §9).
pub const COOPERATIVE_SIDE: &[ActorKind] = &[COOPERATIVE, GROUP, UNION];

/// The business side of a contract.
pub const BUSINESS_SIDE: &[ActorKind] = &[BUSINESS];

/// Either side of a contract ([`COOPERATIVE_SIDE`] and [`BUSINESS_SIDE`]).
pub const CONTRACT_PARTIES: &[ActorKind] = &[COOPERATIVE, GROUP, UNION, BUSINESS];

/// A condition under which some signers of a type may sign it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// Signed by the ledger's own key, as leaf 0 only.
    LedgerKeyAtLeafZero,
    /// A cooperative acts for its own members only: it registers only
    /// actors of role `members` that name it as their cooperative, and
    /// names only such a member as a batch's producer.
    OwnMembers {
        /// The role of the actors it acts for.
        members: Role,
    },
    /// A member for its own consent; a cooperative for its own members',
    /// giving the BLAKE3 of the consent form the household signed.
    OwnConsent,
    /// The batch's current holder (of every input, for a transformation).
    Holder,
    /// The recipient of the batch's open shipment.
    Recipient,
    /// The batch's creator.
    Creator,
    /// One of the contract's parties, which the offer names: one of
    /// `cooperative` on the cooperative side and one of `business` on the
    /// other.
    Party {
        /// Who may stand on the cooperative side.
        cooperative: &'static [ActorKind],
        /// Who may stand on the business side.
        business: &'static [ActorKind],
    },
    /// The party to the contract that did not offer it.
    OtherParty,
    /// The signer of the corrected leaf.
    LeafSigner,
}

/// Some of a type's signers, and the condition they sign under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Only {
    /// The kinds the condition binds.
    pub roles: &'static [ActorKind],
    /// The condition.
    pub condition: Condition,
}

/// Who may sign one statement type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct SignerRoles {
    /// Every kind of actor that may sign it.
    pub roles: &'static [ActorKind],
    /// Those of `roles` that sign only under a condition; the others sign
    /// it whenever its fields and the chain allow.
    pub only: Option<Only>,
}

impl SignerRoles {
    /// Whether an actor of `kind` may sign it at all.
    pub fn allows(&self, kind: ActorKind) -> bool {
        self.roles.contains(&kind)
    }

    /// The condition an actor of `kind` signs it under, if one binds it.
    pub fn condition_for(&self, kind: ActorKind) -> Option<Condition> {
        self.only
            .filter(|o| o.roles.contains(&kind))
            .map(|o| o.condition)
    }

    /// Whether an actor of `kind` may sign it with no condition.
    pub fn allows_freely(&self, kind: ActorKind) -> bool {
        self.allows(kind) && self.condition_for(kind).is_none()
    }
}

/// A cooperative for its own members (of role member).
const OWN_MEMBERS: Condition = Condition::OwnMembers {
    members: Role::Member,
};

const fn only(roles: &'static [ActorKind], condition: Condition) -> Option<Only> {
    Some(Only { roles, condition })
}

/// Who may sign statements of type `t` (spec §6).
pub fn signer_roles(t: StatementType) -> SignerRoles {
    use Condition as C;
    use StatementType as T;
    let (roles, only) = match t {
        T::Genesis => (&[][..], only(&[], C::LedgerKeyAtLeafZero)),
        T::ActorRegister => (
            &[ActorKind::Registrar, COOPERATIVE][..],
            only(&[COOPERATIVE], OWN_MEMBERS),
        ),
        T::RotateKey => (EVERYONE, None),
        T::Revoke => (&[ActorKind::Registrar][..], None),
        T::Consent => (
            &[MEMBER, COOPERATIVE][..],
            only(&[MEMBER, COOPERATIVE], C::OwnConsent),
        ),
        T::BatchCreate => (
            &[MEMBER, COOPERATIVE][..],
            only(&[COOPERATIVE], OWN_MEMBERS),
        ),
        T::Ship | T::Transform => (HOLDING, only(HOLDING, C::Holder)),
        T::Receive => (HOLDING, only(HOLDING, C::Recipient)),
        T::Inspect => (&[AUDITOR, AUTHORITY][..], None),
        T::Recall => (HOLDING, only(BUT_AUTHORITY.split_at(1).1, C::Creator)),
        T::ContractOffer => (
            CONTRACT_PARTIES,
            only(
                CONTRACT_PARTIES,
                C::Party {
                    cooperative: COOPERATIVE_SIDE,
                    business: BUSINESS_SIDE,
                },
            ),
        ),
        T::ContractAccept => (CONTRACT_PARTIES, only(CONTRACT_PARTIES, C::OtherParty)),
        T::Correction => (EVERYONE, only(BUT_AUTHORITY, C::LeafSigner)),
    };
    SignerRoles { roles, only }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sides_of_a_contract_are_its_parties_and_only_registrars_hold_nothing() {
        let sides: Vec<_> = COOPERATIVE_SIDE.iter().chain(BUSINESS_SIDE).collect();
        assert_eq!(sides, CONTRACT_PARTIES.iter().collect::<Vec<_>>());
        let holders: Vec<_> = EVERYONE
            .iter()
            .filter(|k| **k != ActorKind::Registrar)
            .collect();
        assert_eq!(holders, HOLDING.iter().collect::<Vec<_>>());
        let own: Vec<_> = EVERYONE.iter().filter(|k| **k != AUTHORITY).collect();
        assert_eq!(own, BUT_AUTHORITY.iter().collect::<Vec<_>>());
        assert_eq!(
            Role::ALL.len() + 1,
            EVERYONE.len(),
            "every role, and the registrars"
        );
    }

    #[test]
    fn a_condition_binds_only_roles_that_may_sign_and_an_authority_recalls_and_corrects_freely() {
        for t in StatementType::ALL {
            let s = signer_roles(t);
            for k in s.only.map_or(&[][..], |o| o.roles) {
                assert!(s.allows(*k), "{t}: {k:?} is bound but may not sign");
            }
        }
        for t in [StatementType::Recall, StatementType::Correction] {
            assert!(signer_roles(t).allows_freely(AUTHORITY), "{t}");
        }
        assert!(!signer_roles(StatementType::Correction).allows_freely(ActorKind::Registrar));
    }
}
