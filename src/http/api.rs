//! JSON API handlers (spec §8, ledger endpoints). Each one extracts, makes
//! one service call and renders.
//!
//! The answer types add what a client sees beyond the views: the actor
//! answer hides the name of a member who has not agreed to be named; the
//! batch answer adds `status`, `recalled`, `remaining` with its unit,
//! `entries`, `corrected` and `in_transit`; the custody answer's contracts
//! never carry the volume (spec §8.5).

use super::AppState;
use super::error::ApiError;
use super::extract::{ClientLang, EnvelopeBody, IdPath, QueryParams};
use crate::domain::ids::{ActorId, BatchId, ContractId};
use crate::domain::keys::PublicKey;
use crate::domain::linkage::LinkageReport;
use crate::domain::merkle::Hash;
use crate::domain::messages::{Code, Refusal};
use crate::domain::model::{Actor, ActorKind, ActorStatus};
use crate::domain::model::{
    Batch, BatchStatus, Contract, ContractState, CorrectionRecord, Custody, Input, Inspection,
    RecallMark, ShipOutcome, Shipment, Step,
};
use crate::domain::product::Category;
use crate::domain::product::{Blake3Hex, Certification, Origin, Process, Product};
use crate::domain::quantity::Quantity;
use crate::domain::time::{Day, HarvestTime};
use crate::service::custody::{CustodyReport, Incoming};
use crate::service::{BatchReport, MAX_PAGE, Receipt, ServiceError, WitnessedSummary};
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};

fn hashes(h: &[Hash]) -> Vec<String> {
    h.iter().map(|h| h.to_string()).collect()
}

/// `POST /api/v1/entries` answer.
#[derive(Serialize)]
struct SubmitAnswer {
    index: u64,
    entry_id: String,
    leaf_hash: String,
    checkpoint: String,
    inclusion_proof: Vec<String>,
    /// Beside a disclosure: `kept`, or `not_kept` when a withdrawal was
    /// logged first (spec §6.17).
    #[serde(skip_serializing_if = "Option::is_none")]
    disclosure: Option<&'static str>,
    /// The latest witnessed checkpoint when witnesses are configured
    /// (spec §8.16).
    #[serde(skip_serializing_if = "Option::is_none")]
    witnessed: Option<WitnessedSummary>,
}

impl From<Receipt> for SubmitAnswer {
    fn from(r: Receipt) -> Self {
        Self {
            index: r.index,
            entry_id: r.entry_id.to_string(),
            leaf_hash: r.leaf_hash.to_string(),
            checkpoint: r.checkpoint,
            inclusion_proof: hashes(&r.inclusion_proof),
            disclosure: r
                .disclosure_kept
                .map(|kept| if kept { "kept" } else { "not_kept" }),
            witnessed: r.witnessed,
        }
    }
}

/// `POST /api/v1/entries`: 201 for a new leaf, 200 for a duplicate.
pub async fn submit(
    State(app): State<AppState>,
    ClientLang(lang): ClientLang,
    EnvelopeBody(body): EnvelopeBody,
) -> Result<Response, ApiError> {
    let receipt = app
        .ledger
        .submit(&body)
        .await
        .map_err(|e| ApiError::new(e, lang))?;
    // A withdrawal this answers erased a name: no cached page keeps it
    // past the answer.
    app.pages.forget_changed(app.ledger.page_changes());
    let status = if receipt.duplicate {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(SubmitAnswer::from(receipt))).into_response())
}

/// A checkpoint note as `text/plain`, never cached.
fn note(text: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        text,
    )
        .into_response()
}

/// `GET /api/v1/checkpoint`: the latest signed note, with the witness
/// cosignatures gathered for its size.
pub async fn checkpoint(State(app): State<AppState>) -> Response {
    note(app.ledger.cosigned_checkpoint())
}

/// `GET /tlog/checkpoint`: the latest witnessed note when witnesses are
/// configured (404 `not_witnessed` before the first quorum), else the
/// latest signed one (spec §8.14, §8.16).
pub async fn tlog_checkpoint(
    State(app): State<AppState>,
    ClientLang(lang): ClientLang,
) -> Result<Response, ApiError> {
    let text = app
        .ledger
        .tlog_checkpoint()
        .map_err(|e| ApiError::new(e, lang))?;
    Ok(note(text))
}

/// `GET /api/v1/entries/{index}/tlog-proof`: the C2SP tlog-proof of one
/// entry, as a download (spec §8.17).
pub async fn tlog_proof(
    State(app): State<AppState>,
    ClientLang(lang): ClientLang,
    IdPath(index): IdPath<u64>,
) -> Result<Response, ApiError> {
    let (name, text) = app
        .ledger
        .tlog_proof(index)
        .map_err(|e| ApiError::new(e, lang))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8".to_owned()),
            (header::CACHE_CONTROL, "no-cache".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        text,
    )
        .into_response())
}

/// `GET /api/v1/ledger`.
pub async fn ledger(State(app): State<AppState>) -> Response {
    Json(app.ledger.info()).into_response()
}

/// Query of `GET /api/v1/entries`.
#[derive(Deserialize)]
pub struct EntriesQuery {
    #[serde(default)]
    start: u64,
    limit: Option<u64>,
}

#[derive(Serialize)]
struct EntryOut {
    index: u64,
    leaf: String,
}

/// `GET /api/v1/entries?start=N&limit=M` (limit defaults to and is capped at
/// [`MAX_PAGE`]).
pub async fn entries(
    State(app): State<AppState>,
    ClientLang(lang): ClientLang,
    QueryParams(q): QueryParams<EntriesQuery>,
) -> Result<Response, ApiError> {
    let page = app
        .blocking(move |ledger| ledger.entries(q.start, q.limit.unwrap_or(MAX_PAGE)))
        .await
        .map_err(|e| ApiError::new(e, lang))?;
    let entries: Vec<EntryOut> = page
        .into_iter()
        .map(|(index, leaf)| EntryOut {
            index,
            leaf: B64.encode(leaf),
        })
        .collect();
    Ok(Json(serde_json::json!({ "entries": entries })).into_response())
}

/// Query of the inclusion proof.
#[derive(Deserialize)]
pub struct InclusionQuery {
    index: u64,
    size: u64,
}

/// `GET /api/v1/proof/inclusion?index=N&size=S`.
pub async fn inclusion(
    State(app): State<AppState>,
    ClientLang(lang): ClientLang,
    QueryParams(q): QueryParams<InclusionQuery>,
) -> Result<Response, ApiError> {
    let proof = app
        .ledger
        .inclusion_proof(q.index, q.size)
        .map_err(|e| ApiError::new(e, lang))?;
    Ok(
        Json(serde_json::json!({"index": q.index, "size": q.size, "proof": hashes(&proof)}))
            .into_response(),
    )
}

/// Query of the consistency proof.
#[derive(Deserialize)]
pub struct ConsistencyQuery {
    from: u64,
    to: u64,
}

/// `GET /api/v1/proof/consistency?from=A&to=B`.
pub async fn consistency(
    State(app): State<AppState>,
    ClientLang(lang): ClientLang,
    QueryParams(q): QueryParams<ConsistencyQuery>,
) -> Result<Response, ApiError> {
    let proof = app
        .ledger
        .consistency_proof(q.from, q.to)
        .map_err(|e| ApiError::new(e, lang))?;
    Ok(
        Json(serde_json::json!({"from": q.from, "to": q.to, "proof": hashes(&proof)}))
            .into_response(),
    )
}

/// The public view of an actor: a member household that has not consented
/// is not named (spec §8, privacy).
#[derive(Serialize)]
struct ActorOut {
    id: ActorId,
    role: ActorKind,
    name: Option<String>,
    /// A format-2 member's name commitment (spec §6.17).
    #[serde(skip_serializing_if = "Option::is_none")]
    name_commit: Option<crate::domain::privacy::NameCommit>,
    /// Whether it may be named (a member: its latest consent).
    public: bool,
    region: Option<crate::domain::statement::Region>,
    cooperative: Option<ActorId>,
    key: String,
    status: &'static str,
    registered_index: u64,
}

impl From<Actor> for ActorOut {
    fn from(a: Actor) -> Self {
        Self {
            // The service shows a name only where it may be shown.
            name: a.name,
            name_commit: a.name_commit,
            public: a.public,
            id: a.id,
            role: a.kind,
            region: a.region,
            cooperative: a.cooperative,
            key: a.key.to_string(),
            status: status_word(&a.status),
            registered_index: a.registered_index,
        }
    }
}

/// An actor's status as the answers write it (spec §8.5).
pub(super) fn status_word(status: &ActorStatus) -> &'static str {
    match status {
        ActorStatus::Active => "active",
        ActorStatus::Revoked { .. } => "revoked",
    }
}

/// `GET /api/v1/actors/{id}`.
pub async fn actor(
    State(app): State<AppState>,
    ClientLang(lang): ClientLang,
    IdPath(id): IdPath<ActorId>,
) -> Result<Response, ApiError> {
    let actor = app.ledger.actor(&id).map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(ActorOut::from(actor)).into_response())
}

/// The query of `GET /api/v1/actors?key=`.
#[derive(Deserialize)]
pub struct KeyQuery {
    /// A public key, base64 (spec §3).
    key: PublicKey,
}

/// `GET /api/v1/actors?key=KEY`: the actor a key belongs to (spec §8.5).
pub async fn actor_by_key(
    State(app): State<AppState>,
    ClientLang(lang): ClientLang,
    QueryParams(q): QueryParams<KeyQuery>,
) -> Result<Response, ApiError> {
    let actor = app
        .ledger
        .key_actor(&q.key)
        .map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(ActorOut::from(actor)).into_response())
}

/// `GET /api/v1/batches/{id}` (spec §8).
#[derive(Serialize)]
struct BatchOut {
    id: BatchId,
    product: Product,
    quantity: Quantity,
    remaining: Quantity,
    holder: ActorId,
    status: BatchStatus,
    recalled: bool,
    recall: Option<RecallMark>,
    certifications: Vec<Certification>,
    photo_blake3: Option<Blake3Hex>,
    inspections: Vec<Inspection>,
    corrected: bool,
    corrections: Vec<CorrectionRecord>,
    entries: Vec<u64>,
    creator: ActorId,
    producer: Option<ActorId>,
    origin: Option<Origin>,
    harvested_at: Option<HarvestTime>,
    process: Option<Process>,
    inputs: Vec<Input>,
    in_transit: Option<Custody>,
    steps: Vec<Step>,
}

impl From<BatchReport> for BatchOut {
    fn from(r: BatchReport) -> Self {
        let b = r.batch;
        Self {
            status: b.status(),
            recalled: b.recall.is_some(),
            remaining: b.remaining_quantity(),
            entries: b.steps.iter().map(|s| s.index).collect(),
            in_transit: matches!(b.custody, Custody::InTransit { .. }).then_some(b.custody),
            id: b.id,
            product: b.product,
            quantity: b.quantity,
            holder: b.holder,
            recall: b.recall,
            certifications: b.certifications,
            photo_blake3: b.photo_blake3,
            inspections: b.inspections,
            corrected: !r.corrections.is_empty(),
            corrections: r.corrections,
            creator: b.creator,
            producer: b.producer,
            origin: b.origin,
            harvested_at: b.harvested_at,
            process: b.process,
            inputs: b.inputs,
            steps: b.steps,
        }
    }
}

/// `GET /api/v1/batches/{id}`.
pub async fn batch(
    State(app): State<AppState>,
    ClientLang(lang): ClientLang,
    IdPath(id): IdPath<BatchId>,
) -> Result<Response, ApiError> {
    let report = app.ledger.batch(&id).map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(BatchOut::from(report)).into_response())
}

/// `GET /api/v1/batches/{id}/trace`: upstream and downstream steps.
pub async fn trace(
    State(app): State<AppState>,
    ClientLang(lang): ClientLang,
    IdPath(id): IdPath<BatchId>,
) -> Result<Response, ApiError> {
    let trace = app
        .blocking(move |ledger| ledger.trace(&id))
        .await
        .map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(trace).into_response())
}

/// `GET /api/v1/contracts/{id}`: the contract and the corrections of its
/// offer and acceptance.
pub async fn contract(
    State(app): State<AppState>,
    ClientLang(lang): ClientLang,
    IdPath(id): IdPath<ContractId>,
) -> Result<Response, ApiError> {
    let (contract, corrections) = app
        .ledger
        .contract(&id)
        .map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(ContractOut {
        contract,
        corrections,
    })
    .into_response())
}

/// A contract with its corrections.
#[derive(Serialize)]
struct ContractOut {
    #[serde(flatten)]
    contract: Contract,
    corrections: Vec<CorrectionRecord>,
}

/// `GET /api/v1/actors/{id}/batches`: every batch it holds now, consumed
/// or not (at most
/// [`MAX_PAGE`]; `truncated` says when there are more).
pub async fn held(
    State(app): State<AppState>,
    ClientLang(lang): ClientLang,
    IdPath(id): IdPath<ActorId>,
) -> Result<Response, ApiError> {
    let (batches, truncated) = app.ledger.held(&id).map_err(|e| ApiError::new(e, lang))?;
    Ok(
        Json(serde_json::json!({ "actor": id, "batches": batches, "truncated": truncated }))
            .into_response(),
    )
}

/// A batch in a custody view's `holding`.
#[derive(Serialize)]
struct HeldOut {
    id: BatchId,
    product: Product,
    quantity: Quantity,
    remaining: Quantity,
    status: BatchStatus,
    photo_blake3: Option<Blake3Hex>,
}

impl From<Batch> for HeldOut {
    fn from(b: Batch) -> Self {
        Self {
            status: b.status(),
            remaining: b.remaining_quantity(),
            id: b.id,
            product: b.product,
            quantity: b.quantity,
            photo_blake3: b.photo_blake3,
        }
    }
}

/// An open shipment in a custody view's `incoming`.
#[derive(Serialize)]
struct IncomingOut {
    id: BatchId,
    from: ActorId,
    index: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    contract: Option<ContractId>,
    product: Product,
    remaining: Quantity,
    status: BatchStatus,
}

impl From<Incoming> for IncomingOut {
    fn from(i: Incoming) -> Self {
        Self {
            status: i.batch.status(),
            remaining: i.batch.remaining_quantity(),
            id: i.batch.id,
            from: i.from,
            index: i.index,
            contract: i.contract,
            product: i.batch.product,
        }
    }
}

/// A sent shipment in a custody view's `shipped`.
#[derive(Serialize)]
struct ShippedOut {
    id: BatchId,
    to: ActorId,
    index: u64,
    at: String,
    outcome: ShipOutcome,
}

impl From<Shipment> for ShippedOut {
    fn from(s: Shipment) -> Self {
        Self {
            id: s.batch,
            to: s.to,
            index: s.index,
            at: s.at,
            outcome: s.outcome,
        }
    }
}

/// A contract in a custody view's `contracts`: never its volume (spec
/// §8: volumes are not public).
#[derive(Serialize)]
struct PartyContractOut {
    id: ContractId,
    cooperative: ActorId,
    business: ActorId,
    product_category: Category,
    from: Day,
    to: Day,
    state: &'static str,
    offered_by: ActorId,
}

impl From<Contract> for PartyContractOut {
    fn from(c: Contract) -> Self {
        Self {
            state: match c.state {
                ContractState::Pending => "pending",
                ContractState::Active { .. } => "active",
            },
            id: c.id,
            cooperative: c.cooperative,
            business: c.business,
            product_category: c.product_category,
            from: c.from,
            to: c.to,
            offered_by: c.offered_by,
        }
    }
}

/// `GET /api/v1/actors/{id}/custody` answer.
#[derive(Serialize)]
struct CustodyOut {
    actor: ActorId,
    holding: Vec<HeldOut>,
    incoming: Vec<IncomingOut>,
    shipped: Vec<ShippedOut>,
    contracts: Vec<PartyContractOut>,
    truncated: bool,
}

impl From<CustodyReport> for CustodyOut {
    fn from(r: CustodyReport) -> Self {
        fn all<T, U: From<T>>(items: Vec<T>) -> Vec<U> {
            items.into_iter().map(U::from).collect()
        }
        Self {
            actor: r.actor,
            holding: all(r.holding),
            incoming: all(r.incoming),
            shipped: all(r.shipped),
            contracts: all(r.contracts),
            truncated: r.truncated,
        }
    }
}

/// `GET /api/v1/actors/{id}/custody`: what the actor has in hand, what is
/// on its way to it, what it sent and its contracts (each list at most
/// [`crate::service::custody::CUSTODY_PAGE`]; `truncated` says when one was
/// cut).
pub async fn custody(
    State(app): State<AppState>,
    ClientLang(lang): ClientLang,
    IdPath(id): IdPath<ActorId>,
) -> Result<Response, ApiError> {
    let report = app
        .ledger
        .custody(&id)
        .map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(CustodyOut::from(report)).into_response())
}

/// `GET /api/v1/entries/{index}/corrections`: the corrections of any leaf
/// (an actor's registration, a contract, the genesis).
pub async fn corrections(
    State(app): State<AppState>,
    ClientLang(lang): ClientLang,
    IdPath(index): IdPath<u64>,
) -> Result<Response, ApiError> {
    let list = app
        .ledger
        .corrections(index)
        .map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(serde_json::json!({ "index": index, "corrections": list })).into_response())
}

/// `GET /healthz`: 200 `ok`, or 503 with a sentence once a write or sync
/// has failed and the ledger no longer takes writes (spec §8.10), or once
/// a mirror has seen a fork (spec §8.18).
pub async fn healthz(State(app): State<AppState>) -> Response {
    if app.ledger.halted().is_some() {
        // The reason names files of the data directory: it goes to the
        // operator's log and stderr, not to clients.
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable: this mirror holds evidence of a fork of the ledger it follows (two signed checkpoints that do not agree) and no longer follows it; its operator has the evidence (spec §8.18)\n",
        )
            .into_response()
    } else if app.ledger.writable() {
        "ok\n".into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable: a write or sync of the ledger's files failed; it takes no more entries until it is restarted (spec §7.2)\n",
        )
            .into_response()
    }
}

/// `GET /metrics`: Prometheus text.
pub async fn metrics(State(app): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        app.ledger.metrics(),
    )
        .into_response()
}

/// A known path with the wrong method: a JSON 405.
pub async fn method_not_allowed(ClientLang(lang): ClientLang) -> ApiError {
    ApiError::new(Refusal::new(Code::MethodNotAllowed), lang)
}

/// The query of `GET /api/v1/linkage` and of the dashboard, as sent (the
/// dashboard shows a refused query back in its form).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct LinkageParams {
    /// First day, `YYYY-MM-DD` (default: 1 January of this year).
    pub from: Option<String>,
    /// Last day (default: today, Vietnam time).
    pub to: Option<String>,
    /// A province to restrict to (a GSO code or a name, spec §9.3).
    pub province: Option<String>,
    /// A product category to restrict to.
    pub category: Option<String>,
}

/// [`LinkageParams`] parsed at the edge.
pub struct LinkageFilter {
    /// First day.
    pub from: Option<Day>,
    /// Last day.
    pub to: Option<Day>,
    /// Province.
    pub province: Option<String>,
    /// Category.
    pub category: Option<Category>,
}

impl LinkageParams {
    /// Parses the dates and the category; an empty field counts as absent
    /// (what an HTML form sends).
    pub fn parse(self) -> Result<LinkageFilter, Refusal> {
        let given = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        let date =
            |v: Option<String>, name: &str| given(v).map(|s| Day::param(name, &s)).transpose();
        Ok(LinkageFilter {
            from: date(self.from, "from")?,
            to: date(self.to, "to")?,
            province: given(self.province),
            category: given(self.category)
                .map(|c| Category::parse(&c).ok_or_else(|| Refusal::with(Code::BadCategory, c)))
                .transpose()?,
        })
    }
}

/// Runs the report a [`LinkageParams`] asks for.
pub fn linkage_report(
    app: &AppState,
    params: LinkageParams,
) -> Result<LinkageReport, ServiceError> {
    let f = params.parse()?;
    app.ledger.linkage(f.from, f.to, f.province, f.category)
}

/// `GET /api/v1/linkage`: the value-chain linkage figures (spec §9).
pub async fn linkage(
    State(app): State<AppState>,
    ClientLang(lang): ClientLang,
    QueryParams(params): QueryParams<LinkageParams>,
) -> Result<Response, ApiError> {
    let report = linkage_report(&app, params).map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(report).into_response())
}

/// `GET /api/v1/linkage.csv`: the same figures as a spreadsheet.
pub async fn linkage_csv(
    State(app): State<AppState>,
    ClientLang(lang): ClientLang,
    QueryParams(params): QueryParams<LinkageParams>,
) -> Result<Response, ApiError> {
    let report = linkage_report(&app, params).map_err(|e| ApiError::new(e, lang))?;
    let text = crate::service::linkage::to_csv(&report)
        .map_err(|e| ApiError::new(ServiceError::Internal(e.to_string()), lang))?;
    let name = format!(
        "attachment; filename=\"linkage-{}-{}.csv\"",
        report.from, report.to
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, name),
        ],
        text,
    )
        .into_response())
}
