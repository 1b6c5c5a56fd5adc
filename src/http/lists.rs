//! The pick lists of the signing app (spec §8.5, issue 15): a
//! cooperative's member households, the organisations on a side of a
//! contract, and the latest entries an actor signed.
//! Each handler extracts, makes one service call and renders.

use super::AppState;
use super::error::ApiError;
use super::extract::{ClientLang, IdPath, QueryParams};
use crate::domain::ids::ActorId;
use crate::domain::model::{Actor, ActorKind};
use crate::service::lists::{MEMBERS_PAGE, ORGANISATIONS_PAGE, SIGNED_PAGE, Side, SignedEntry};
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

/// The query of `GET /api/v1/actors/{id}/members`.
#[derive(Deserialize)]
pub struct MembersQuery {
    /// The page starts after this member id.
    after: Option<ActorId>,
    /// At most this many (default and cap [`MEMBERS_PAGE`]).
    limit: Option<usize>,
}

/// A member household as the list shows it: never a name it did not agree
/// to show.
#[derive(Serialize)]
struct MemberOut {
    id: ActorId,
    role: ActorKind,
    /// Its commune's name on the 2025 map (as written on a format-1
    /// ledger), or `null`.
    commune: Option<String>,
    /// Its public name, only when it agreed to be named.
    name: Option<String>,
    status: &'static str,
}

impl From<Actor> for MemberOut {
    fn from(a: Actor) -> Self {
        Self {
            commune: a.region.as_ref().and_then(|r| r.commune_name()),
            // The service shows a name only where it may be shown.
            name: a.name.filter(|_| a.public),
            status: super::api::status_word(&a.status),
            id: a.id,
            role: a.kind,
        }
    }
}

/// `GET /api/v1/actors/{id}/members?after=ID&limit=N`: the cooperative's
/// member households, in id order, at most [`MEMBERS_PAGE`] a page;
/// `next` is the `after` of the next page, `null` on the last.
pub async fn members(
    State(app): State<AppState>,
    ClientLang(lang): ClientLang,
    IdPath(id): IdPath<ActorId>,
    QueryParams(q): QueryParams<MembersQuery>,
) -> Result<Response, ApiError> {
    let page = app
        .ledger
        .members(&id, q.after.as_ref(), q.limit.unwrap_or(MEMBERS_PAGE))
        .map_err(|e| ApiError::new(e, lang))?;
    let members: Vec<MemberOut> = page.members.into_iter().map(MemberOut::from).collect();
    Ok(
        Json(serde_json::json!({ "cooperative": id, "members": members, "next": page.next }))
            .into_response(),
    )
}

/// The query of `GET /api/v1/actors/{id}/entries`.
#[derive(Deserialize)]
pub struct SignedQuery {
    /// At most this many (default and cap [`SIGNED_PAGE`]).
    limit: Option<usize>,
}

/// `GET /api/v1/actors/{id}/entries?limit=N`: the latest entries the actor
/// signed, most recent first, at most [`SIGNED_PAGE`]; `truncated` says
/// when it signed more.
pub async fn signed(
    State(app): State<AppState>,
    ClientLang(lang): ClientLang,
    IdPath(id): IdPath<ActorId>,
    QueryParams(q): QueryParams<SignedQuery>,
) -> Result<Response, ApiError> {
    let (entries, truncated): (Vec<SignedEntry>, bool) = app
        .ledger
        .signed_by(&id, q.limit.unwrap_or(SIGNED_PAGE))
        .map_err(|e| ApiError::new(e, lang))?;
    Ok(
        Json(serde_json::json!({ "actor": id, "entries": entries, "truncated": truncated }))
            .into_response(),
    )
}

/// The query of `GET /api/v1/organisations`.
#[derive(Deserialize)]
pub struct OrganisationsQuery {
    /// `cooperative` (cooperatives, groups and unions) or `business`.
    side: Side,
    /// The page starts after this actor id.
    after: Option<ActorId>,
    /// At most this many (default and cap [`ORGANISATIONS_PAGE`]).
    limit: Option<usize>,
}

/// An organisation as the list shows it.
#[derive(Serialize)]
struct OrganisationOut {
    id: ActorId,
    role: ActorKind,
    name: Option<String>,
    /// Its province's name on the 2025 map (as written on a format-1
    /// ledger).
    province: Option<String>,
}

/// `GET /api/v1/organisations?side=business|cooperative&after=ID&limit=N`:
/// the active organisations on that side of a contract, in id order;
/// `next` is the `after` of the next page, `null` at the end.
pub async fn organisations(
    State(app): State<AppState>,
    ClientLang(lang): ClientLang,
    QueryParams(q): QueryParams<OrganisationsQuery>,
) -> Result<Response, ApiError> {
    let page = app
        .ledger
        .organisations(
            q.side,
            q.after.as_ref(),
            q.limit.unwrap_or(ORGANISATIONS_PAGE),
        )
        .map_err(|e| ApiError::new(e, lang))?;
    let organisations: Vec<OrganisationOut> = page
        .organisations
        .into_iter()
        .map(|a| OrganisationOut {
            province: a.region.as_ref().map(|r| r.province_name()),
            name: a.name,
            id: a.id,
            role: a.kind,
        })
        .collect();
    Ok(
        Json(serde_json::json!({ "organisations": organisations, "next": page.next }))
            .into_response(),
    )
}
