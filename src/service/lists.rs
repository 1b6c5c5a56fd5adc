//! The lists the signing app picks from, so that a clerk chooses by name
//! and never types an id (issue 15): a cooperative's member households
//! (`GET /api/v1/actors/{id}/members`) and the latest entries an actor
//! signed (`GET /api/v1/actors/{id}/entries`), each from its own index
//! (keyspaces `r` and `g`, see [`crate::store`]) and each bounded.

use super::{Ledger, ServiceError};
use crate::domain::ids::ActorId;
use crate::domain::leaf::Leaf;
use crate::domain::messages::{Code, Refusal};
use crate::domain::model::Actor;
use serde::Deserialize;

/// Most members in one page of `GET /api/v1/actors/{id}/members` (and
/// what `limit` defaults to).
pub const MEMBERS_PAGE: usize = 100;

/// Most entries `GET /api/v1/actors/{id}/entries` lists (and what
/// `limit` defaults to).
pub const SIGNED_PAGE: usize = 50;

/// Most organisations in one page of `GET /api/v1/organisations` (and
/// what `limit` defaults to).
pub const ORGANISATIONS_PAGE: usize = 100;

/// Most actors one page of `GET /api/v1/organisations` looks at, so that
/// a page costs the same however many member households the ledger holds;
/// a page may then hold fewer than `limit`, with `next` to go on.
pub const ORGANISATIONS_SCAN: usize = 10_000;

/// The side of a contract an organisation is on (spec §6.12).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// Cooperatives, cooperative groups and unions.
    Cooperative,
    /// Businesses.
    Business,
}

/// One page of organisations.
#[derive(Debug, Clone)]
pub struct OrganisationsPage {
    /// The active organisations of the side, in id order.
    pub organisations: Vec<Actor>,
    /// The id to ask the next page after, when the walk is not at its end.
    pub next: Option<ActorId>,
}

/// One page of a cooperative's members.
#[derive(Debug, Clone)]
pub struct MembersPage {
    /// The members, in id order, as the public may see them (a name only
    /// where the member agreed to be named).
    pub members: Vec<Actor>,
    /// The id to ask the next page after, when there are more.
    pub next: Option<ActorId>,
}

/// One entry an actor signed, as the app lists it: what it was, when, and
/// what it named.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SignedEntry {
    /// The leaf.
    pub index: u64,
    /// The statement type.
    #[serde(rename = "type")]
    pub kind: String,
    /// The statement's `at`.
    pub at: String,
    /// The lots it named (its `batch`, or a transformation's outputs).
    pub batches: Vec<String>,
    /// The contract it named.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contract: Option<String>,
    /// The actor it named (a registration's, a revocation's, a consent's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
}

/// The fields of a statement a [`SignedEntry`] shows.
#[derive(Deserialize)]
struct Named {
    #[serde(rename = "type")]
    kind: String,
    at: String,
    batch: Option<String>,
    #[serde(default)]
    outputs: Vec<Output>,
    contract: Option<String>,
    id: Option<String>,
    member: Option<String>,
}

#[derive(Deserialize)]
struct Output {
    batch: String,
}

impl Ledger {
    /// The active organisations on `side` of a contract, in id order,
    /// after `after` when given: at most `limit` (itself at most
    /// [`ORGANISATIONS_PAGE`]) among the next [`ORGANISATIONS_SCAN`]
    /// actors. How a clerk picks a partner it has never dealt with
    /// (issue 15): an organisation's name is public.
    pub fn organisations(
        &self,
        side: Side,
        after: Option<&ActorId>,
        limit: usize,
    ) -> Result<OrganisationsPage, ServiceError> {
        use crate::domain::rules::roles::{BUSINESS_SIDE, COOPERATIVE_SIDE};
        let limit = checked(limit, ORGANISATIONS_PAGE)?;
        let kinds = match side {
            Side::Cooperative => COOPERATIVE_SIDE,
            Side::Business => BUSINESS_SIDE,
        };
        let walked = self.shared.store.actors_after(after, ORGANISATIONS_SCAN)?;
        let mut organisations = Vec::new();
        let mut next = None;
        for (i, a) in walked.iter().enumerate() {
            if organisations.len() == limit {
                next = i
                    .checked_sub(1)
                    .and_then(|j| walked.get(j))
                    .map(|a| a.id.clone());
                break;
            }
            if a.is_active() && kinds.contains(&a.kind) && a.registered_index < self.size() {
                organisations.push(a.clone());
            }
        }
        if next.is_none() && walked.len() == ORGANISATIONS_SCAN {
            next = walked.last().map(|a| a.id.clone());
        }
        let organisations = organisations
            .into_iter()
            .map(|a| self.shown(a))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(OrganisationsPage {
            organisations,
            next,
        })
    }

    /// The member households registered with cooperative `id`, in id order,
    /// after `after` when given: at most `limit`, itself at most
    /// [`MEMBERS_PAGE`]. `unknown_actor` for an unknown id.
    pub fn members(
        &self,
        id: &ActorId,
        after: Option<&ActorId>,
        limit: usize,
    ) -> Result<MembersPage, ServiceError> {
        self.actor(id)?;
        let limit = checked(limit, MEMBERS_PAGE)?;
        let mut ids = self.shared.store.members(id, after, limit + 1)?;
        let more = ids.len() > limit;
        ids.truncate(limit);
        let members = ids
            .iter()
            .map(|m| self.actor(m))
            .collect::<Result<Vec<_>, _>>()?;
        let next = more.then(|| ids.last().cloned()).flatten();
        Ok(MembersPage { members, next })
    }

    /// The latest entries actor `id` signed within the published tree,
    /// most recent first: at most `limit`, itself at most
    /// [`SIGNED_PAGE`]; and whether it signed more. `unknown_actor` for an
    /// unknown id.
    pub fn signed_by(
        &self,
        id: &ActorId,
        limit: usize,
    ) -> Result<(Vec<SignedEntry>, bool), ServiceError> {
        self.actor(id)?;
        let limit = checked(limit, SIGNED_PAGE)?;
        let size = self.size();
        let store = &self.shared.store;
        // A leaf the views hold but the tree does not publish yet (at most
        // one group commit's) is left out; the one more read says whether
        // there are more.
        let indexes: Vec<u64> = store
            .signed_by(id, limit + 1 + super::sequencer::MAX_GROUP_COMMIT_ENTRIES)?
            .into_iter()
            .filter(|&i| i < size)
            .take(limit + 1)
            .collect();
        let more = indexes.len() > limit;
        let mut out = Vec::with_capacity(limit);
        for index in indexes.into_iter().take(limit) {
            let bytes = store
                .leaf(index)?
                .ok_or_else(|| ServiceError::Store(format!("leaf {index} missing")))?;
            let leaf = Leaf::parse(&bytes).map_err(|e| bad_leaf(index, e))?;
            let st: Named =
                serde_json::from_str(&leaf.statement).map_err(|e| bad_leaf(index, e))?;
            let mut batches: Vec<String> = st.batch.into_iter().collect();
            batches.extend(st.outputs.into_iter().map(|o| o.batch));
            out.push(SignedEntry {
                index,
                kind: st.kind,
                at: st.at,
                batches,
                contract: st.contract,
                actor: st.member.or(st.id),
            });
        }
        Ok((out, more))
    }
}

/// A stored leaf that does not read back: the store is damaged.
fn bad_leaf(index: u64, e: impl std::fmt::Display) -> ServiceError {
    ServiceError::Inconsistent(format!("leaf {index} does not read back: {e}"))
}

/// A page's `limit`: 0 is `bad_query`, and more than `cap` is `cap`.
fn checked(limit: usize, cap: usize) -> Result<usize, ServiceError> {
    if limit == 0 {
        return Err(Refusal::with(Code::BadQuery, "limit must be at least 1").into());
    }
    Ok(limit.min(cap))
}
