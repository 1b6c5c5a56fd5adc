//! Submitting an entry (spec §8): the checks made before the sequencer
//! (size, JSON, signature against a cached key point, statement shape),
//! the hand-off to the sequencer's queue, and the [`Receipt`] built from
//! its answer.

use super::sequencer::{Job, Msg};
use super::{Ledger, ServiceError};
use crate::domain::envelope::{MAX_ENVELOPE_BYTES, Submission};
use crate::domain::ids::EntryId;
use crate::domain::keys::PublicKey;
use crate::domain::leaf::Leaf;
use crate::domain::merkle::{Hash, prove_record};
use crate::domain::messages::{Code, Refusal};
use crate::domain::statement;
use crate::domain::tiles::MAX_BUNDLE_ENTRY_BYTES;
use crate::domain::time::Timestamp;
use crate::domain::view::View as _;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use tokio::sync::{mpsc, oneshot};

/// Most decompressed keys [`Ledger`] keeps: a bounded cache that evicts
/// entries one by one when full (it is never emptied).
pub const MAX_CACHED_POINTS: usize = 65_536;

/// The answer to an accepted (or duplicate) submission (spec §8).
#[derive(Debug, Clone)]
pub struct Receipt {
    /// The leaf index.
    pub index: u64,
    /// The BLAKE3 entry id.
    pub entry_id: EntryId,
    /// The RFC 6962 leaf hash.
    pub leaf_hash: Hash,
    /// The signed checkpoint that covers the leaf.
    pub checkpoint: String,
    /// The inclusion proof against that checkpoint.
    pub inclusion_proof: Vec<Hash>,
    /// True when the envelope was logged before (answer 200, not 201).
    pub duplicate: bool,
    /// Whether the disclosure sent beside the envelope was kept (`None`
    /// when none was sent): not kept when a withdrawal was logged after
    /// the consent, before the disclosure could be kept (spec §6.17).
    pub disclosure_kept: Option<bool>,
    /// The latest checkpoint that met the witness quorum when the receipt
    /// was made (never waited for), when witnesses are configured (spec
    /// §8.16): size 0 and nobody before the first quorum.
    pub witnessed: Option<WitnessedSummary>,
}

/// What a receipt says of the witnesses.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct WitnessedSummary {
    /// The witnessed tree size (the receipt's index is covered when it is
    /// below it).
    pub size: u64,
    /// The witnesses that cosigned it.
    pub by: Vec<String>,
}

impl Ledger {
    /// Submits an envelope (the request body of `POST /api/v1/entries`):
    /// parses it, checks the signature, the statement's shape and any
    /// disclosure beside it here, then waits for the sequencer's decision
    /// and durable commit, and then keeps the disclosure.
    pub async fn submit(&self, body: &[u8]) -> Result<Receipt, ServiceError> {
        let result = self.submit_inner(body).await;
        // Every refusal, whether found here or by the sequencer's rules,
        // is counted here and only here.
        if let Err(ServiceError::Refused(r)) = &result {
            self.shared.metrics.count(r.code.as_str());
        }
        result
    }

    async fn submit_inner(&self, body: &[u8]) -> Result<Receipt, ServiceError> {
        if let Some(refusal) = self.read_only() {
            return Err(refusal.into());
        }
        if body.len() > MAX_ENVELOPE_BYTES {
            return Err(Refusal::new(Code::TooLarge).into());
        }
        let submission: Submission = serde_json::from_slice(body).map_err(|e| {
            use serde_json::error::Category;
            match e.classify() {
                Category::Syntax | Category::Eof | Category::Io => {
                    Refusal::with(Code::MalformedJson, e.to_string())
                }
                Category::Data => Refusal::with(Code::MalformedEnvelope, e.to_string()),
            }
        })?;
        let (env, disclosure) = submission.split();
        // Its leaf must fit a C2SP entry bundle (spec §8.14, §11): the
        // longest leaf it can make is the one at the largest index. Every
        // `logged_at` is 20 bytes, so any time measures it (the clock is
        // the sequencer's, not read here).
        let at = Timestamp::from_clock(time::OffsetDateTime::UNIX_EPOCH);
        let longest = Leaf::new(u64::MAX, at, &env).to_bytes().len();
        if longest > MAX_BUNDLE_ENTRY_BYTES {
            return Err(Refusal::with(
                Code::TooLarge,
                format!("its leaf would be {longest} bytes, over {MAX_BUNDLE_ENTRY_BYTES}"),
            )
            .into());
        }
        // A key bound to no actor can sign nothing that would be logged:
        // it is refused here, before the signature is checked and before
        // its point enters the cache (spec §3.6 step 4a, issue 16). The
        // views read are those of the last group commit, so a key whose
        // registration is still in the queue is not yet known; its holder
        // submits after the registration's receipt. Before the genesis no
        // key is bound, and the genesis is let through.
        if self.size() > 0 && self.shared.store.key_owner(&env.key)?.is_none() {
            env.key.point().map_err(|_| Refusal::new(Code::BadKey))?;
            return Err(Refusal::with(Code::UnknownSigner, "no actor has this key").into());
        }
        let point = self.point(&env.key)?;
        env.verify_with(&point)
            .map_err(|_| Refusal::new(Code::BadSignature))?;
        let statement = statement::parse(&env.statement)?;
        let disclosure = disclosure
            .map(|d| self.check_disclosure(d, &statement))
            .transpose()?;
        if self.shared.poisoned.load(Ordering::SeqCst) {
            return Err(Refusal::new(Code::Unavailable).into());
        }
        // The queue is bounded in bytes as well as in entries: the body's
        // length is held until the sequencer drops the job.
        let bytes = u32::try_from(body.len())
            .ok()
            .and_then(|n| {
                Arc::clone(&self.queue_bytes)
                    .try_acquire_many_owned(n.max(1))
                    .ok()
            })
            .ok_or_else(|| Refusal::new(Code::Busy))?;
        let (reply, answer) = oneshot::channel();
        let entry_id = env.entry_id();
        let job = Job {
            entry_id,
            env,
            statement,
            reply,
            bytes,
        };
        self.tx
            .try_send(Msg::Submit(Box::new(job)))
            .map_err(|e| match e {
                mpsc::error::TrySendError::Full(_) => Refusal::new(Code::Busy),
                mpsc::error::TrySendError::Closed(_) => Refusal::new(Code::Unavailable),
            })?;
        let seq = answer
            .await
            .map_err(|_| ServiceError::from(Refusal::new(Code::Unavailable)))??;
        // The consent is durable: now, and only now, its disclosure is kept
        // (also when the envelope is a retry of one logged before).
        let disclosure_kept = disclosure.map(|d| self.keep_disclosure(d)).transpose()?;
        let store = &self.shared.store;
        let inclusion_proof = prove_record(seq.tip.size, seq.index, store)
            .map_err(|e| ServiceError::Internal(format!("inclusion proof: {e}")))?;
        let leaf_hash = match seq.leaf_hash {
            Some(h) => h,
            None => crate::domain::merkle::leaf_hash(
                &store
                    .leaf(seq.index)?
                    .ok_or_else(|| ServiceError::Internal(format!("leaf {} missing", seq.index)))?,
            ),
        };
        Ok(Receipt {
            index: seq.index,
            entry_id,
            leaf_hash,
            checkpoint: seq.tip.checkpoint.clone(),
            inclusion_proof,
            duplicate: seq.leaf_hash.is_none(),
            disclosure_kept,
            witnessed: self.witnesses().map(|b| match b.witnessed() {
                Some(w) => WitnessedSummary {
                    size: w.size,
                    by: w.by.clone(),
                },
                None => WitnessedSummary {
                    size: 0,
                    by: Vec::new(),
                },
            }),
        })
    }

    /// The curve point of a key, decompressed once and then cached (most
    /// entries are signed by a few keys; decompression costs a fifth of a
    /// verification). A key that is not a point is refused and not cached.
    fn point(&self, key: &PublicKey) -> Result<ed25519_dalek::VerifyingKey, Refusal> {
        self.points.get_or_insert_with(&key.to_bytes(), || {
            key.point().map_err(|_| Refusal::new(Code::BadKey))
        })
    }

    /// Submissions waiting for the sequencer.
    pub fn queued(&self) -> usize {
        self.tx.max_capacity() - self.tx.capacity()
    }
}
