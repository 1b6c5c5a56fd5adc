//! The client side of spec §10 `sign` and `submit`: sign statements
//! offline, submit them (or envelopes signed earlier) to a ledger server,
//! and check each receipt — the checkpoint's signature under the ledger key
//! and the inclusion proof against it — instead of trusting the answer.
//!
//! Submitting is safe to retry: the ledger appends an envelope once and
//! answers a repeat with the first index, so a lost answer on a weak
//! connection is simply asked again.
//!
//! Requests go through the one [`Client`]; a [`Submitter`] adds what
//! checking receipts needs (the ledger's key and origin).

use super::{Client, ClientError};
use crate::domain::checkpoint::{CheckpointBody, NoteKey};
use crate::domain::envelope::{self, Envelope, MAX_ENVELOPE_BYTES};
use crate::domain::keys::PublicKey;
use crate::domain::leaf::Leaf;
use crate::domain::merkle::{Hash, leaf_hash, verify_inclusion};
use crate::domain::messages::{Code, Refusal};
use crate::domain::privacy::Disclosure;
use crate::domain::statement;
use ed25519_dalek::SigningKey;
use serde::Deserialize;
use std::time::Duration;

/// Tries per submission when the server is busy (429), unavailable (503)
/// or unreachable.
pub const MAX_TRIES: u32 = 4;

/// Longest wait between tries, whatever `Retry-After` says.
pub const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// What a file given to `submit` holds.
#[derive(Debug, Clone)]
pub enum Submission {
    /// A statement still to be signed.
    Statement(String),
    /// An envelope signed earlier (offline), with the disclosure that
    /// travels beside it, if any (spec §6.17).
    Envelope(Envelope, Option<Disclosure>),
}

/// Reads a file's text as an envelope (`{"statement", "key", "sig"}`, and
/// optionally `disclosure`, spec §6.17) or as a statement.
pub fn classify(text: &str) -> Result<Submission, ClientError> {
    let text = text.trim();
    if text.len() > MAX_ENVELOPE_BYTES {
        return Err(ClientError::Invalid(Refusal::new(Code::TooLarge)));
    }
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| ClientError::Invalid(Refusal::with(Code::MalformedJson, e.to_string())))?;
    if value.get("statement").is_some() && value.get("sig").is_some() {
        let sub: envelope::Submission = serde_json::from_value(value).map_err(|e| {
            ClientError::Invalid(Refusal::with(Code::MalformedEnvelope, e.to_string()))
        })?;
        let (env, disclosure) = sub.split();
        return Ok(Submission::Envelope(env, disclosure));
    }
    Ok(Submission::Statement(text.to_owned()))
}

/// Signs a statement text (spec §3): checks first everything that does
/// not depend on the ledger's state, so a clerk offline learns at once of a
/// mistake that any ledger would refuse. Surrounding whitespace is dropped;
/// the remaining text is signed and stored as it is.
pub fn sign(text: &str, key: &SigningKey) -> Result<Envelope, ClientError> {
    let text = text.trim();
    statement::parse(text).map_err(ClientError::Invalid)?;
    let env = Envelope::sign(text.to_owned(), key);
    if serde_json::to_vec(&env).map_or(usize::MAX, |v| v.len()) > MAX_ENVELOPE_BYTES {
        return Err(ClientError::Invalid(Refusal::new(Code::TooLarge)));
    }
    Ok(env)
}

/// The ledger's answer to one submission.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Logged (now, or earlier for a duplicate); the receipt verified.
    Logged {
        /// The leaf index.
        index: u64,
        /// The entry id.
        entry_id: String,
        /// True when it had been logged before.
        duplicate: bool,
        /// The size of the checkpoint the proof verified against.
        checkpoint_size: u64,
    },
    /// Refused by the ledger.
    Refused {
        /// HTTP status.
        status: u16,
        /// The error code.
        code: String,
        /// The sentence, in the language asked for.
        message: String,
    },
}

/// The line the CLI prints for an outcome (`submit`, `import epcis`).
impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Logged {
                index,
                entry_id,
                duplicate,
                checkpoint_size,
            } => {
                let what = if *duplicate {
                    "already logged"
                } else {
                    "logged"
                };
                write!(
                    f,
                    "{what} as leaf {index} (entry {entry_id}); inclusion proof verified against the signed checkpoint of size {checkpoint_size}"
                )
            }
            Outcome::Refused {
                status,
                code,
                message,
            } => write!(f, "REFUSED {status} {code}: {message}"),
        }
    }
}

#[derive(Deserialize)]
struct ReceiptJson {
    index: u64,
    entry_id: String,
    leaf_hash: String,
    checkpoint: String,
    inclusion_proof: Vec<String>,
}

/// A [`Client`] that submits to one ledger and checks each receipt against
/// the ledger's key.
pub struct Submitter {
    client: Client,
    verifier: NoteKey,
    origin: String,
}

impl Submitter {
    /// Reads `GET /api/v1/ledger`. With `pinned`, the server must state
    /// that key (an auditor's key got out of band); otherwise the server's
    /// own statement is used.
    pub async fn connect(client: Client, pinned: Option<PublicKey>) -> Result<Self, ClientError> {
        let info = client.ledger_info().await?;
        let key = PublicKey::parse(&info.public_key).map_err(|e| ClientError::Unusable {
            url: client.url("/api/v1/ledger"),
            what: format!("public_key: {e}"),
        })?;
        if let Some(p) = pinned.filter(|p| *p != key) {
            return Err(ClientError::BadReceipt(format!(
                "the server's ledger key {key} is not the pinned key {p}"
            )));
        }
        Ok(Self {
            verifier: NoteKey::verifier(&info.key_name, &key),
            origin: info.origin,
            client,
        })
    }

    /// The client it submits with.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Submits one envelope, retrying when the server is busy or out of
    /// reach, and verifies the receipt.
    pub async fn submit(&self, env: &Envelope) -> Result<Outcome, ClientError> {
        self.submit_with(env, None).await
    }

    /// [`Submitter::submit`] with a disclosure beside the envelope (spec
    /// §6.17): the body's fourth member, never part of what is signed.
    pub async fn submit_with(
        &self,
        env: &Envelope,
        disclosure: Option<&Disclosure>,
    ) -> Result<Outcome, ClientError> {
        let mut body = serde_json::to_value(env)
            .map_err(|e| ClientError::Input(format!("the envelope: {e}")))?;
        if let (Some(d), Some(o)) = (disclosure, body.as_object_mut()) {
            let d = serde_json::to_value(d)
                .map_err(|e| ClientError::Input(format!("the disclosure: {e}")))?;
            o.insert("disclosure".to_owned(), d);
        }
        let mut tries = 0;
        loop {
            tries += 1;
            let answer = match self.client.post_json("/api/v1/entries", &body).await {
                Ok(a) => a,
                Err(e @ ClientError::Unreachable { .. }) if tries < MAX_TRIES => {
                    tracing::warn!(error = %e, "submission failed; trying again");
                    tokio::time::sleep(backoff(tries, None)).await;
                    continue;
                }
                Err(e) => return Err(e),
            };
            let status = answer.status().as_u16();
            if matches!(status, 429 | 503) && tries < MAX_TRIES {
                tokio::time::sleep(backoff(tries, answer.retry_after())).await;
                continue;
            }
            return match answer.json::<ReceiptJson>() {
                Ok(r) if matches!(status, 200 | 201) => {
                    let leaf = self.leaf(r.index).await?;
                    self.check(env, &leaf, r, status == 200)
                }
                Ok(_) => Err(ClientError::BadReceipt(format!(
                    "HTTP {status} is not a receipt's status"
                ))),
                Err(ClientError::Answered {
                    status,
                    code,
                    message,
                    ..
                }) => Ok(Outcome::Refused {
                    status: status.as_u16(),
                    code,
                    message,
                }),
                Err(ClientError::Unusable { what, .. }) if (200..300).contains(&status) => {
                    Err(ClientError::BadReceipt(what))
                }
                Err(e) => Err(e),
            };
        }
    }

    /// The bytes of leaf `index`, as the server serves them.
    async fn leaf(&self, index: u64) -> Result<Vec<u8>, ClientError> {
        use base64::Engine as _;
        self.client
            .entries(index, 1)
            .await?
            .into_iter()
            .find(|e| e.index == index)
            .and_then(|e| {
                base64::engine::general_purpose::STANDARD
                    .decode(e.leaf)
                    .ok()
            })
            .ok_or_else(|| {
                ClientError::BadReceipt(format!("the server does not serve leaf {index}"))
            })
    }

    /// The leaf must hold our envelope and hash to the receipt's leaf hash,
    /// the checkpoint must be signed by the ledger key for the ledger's
    /// origin, and the inclusion proof must lead from the leaf hash to that
    /// checkpoint's root.
    fn check(
        &self,
        env: &Envelope,
        leaf: &[u8],
        r: ReceiptJson,
        duplicate: bool,
    ) -> Result<Outcome, ClientError> {
        let bad = |s: String| ClientError::BadReceipt(s);
        let ours = env.entry_id().to_string();
        if r.entry_id != ours {
            return Err(bad(format!("entry id {} is not ours ({ours})", r.entry_id)));
        }
        let parsed = Leaf::parse(leaf).map_err(|e| bad(format!("leaf {}: {e}", r.index)))?;
        if parsed.index != r.index || parsed.envelope() != *env {
            return Err(bad(format!("leaf {} does not hold our statement", r.index)));
        }
        if leaf_hash(leaf).to_string() != r.leaf_hash {
            return Err(bad(format!(
                "leaf {} does not hash to {}",
                r.index, r.leaf_hash
            )));
        }
        let cp: CheckpointBody = self
            .verifier
            .verify(&r.checkpoint, Some(&self.origin))
            .map_err(|e| bad(format!("checkpoint: {e}")))?;
        let parse = |s: &str| Hash::parse_hash(s).map_err(|_| bad(format!("hash {s:?}")));
        let leaf = parse(&r.leaf_hash)?;
        let proof = r
            .inclusion_proof
            .iter()
            .map(|h| parse(h))
            .collect::<Result<Vec<_>, _>>()?;
        verify_inclusion(r.index, cp.size, leaf, &proof, cp.root)
            .map_err(|e| bad(format!("inclusion proof: {e}")))?;
        Ok(Outcome::Logged {
            index: r.index,
            entry_id: r.entry_id,
            duplicate,
            checkpoint_size: cp.size,
        })
    }
}

/// How long to wait before try `tries + 1`: the server's `Retry-After` when
/// given, else 0.5 s doubling; never more than [`MAX_BACKOFF`].
fn backoff(tries: u32, retry_after: Option<Duration>) -> Duration {
    retry_after
        .unwrap_or_else(|| Duration::from_millis(500) * 2u32.saturating_pow(tries - 1))
        .min(MAX_BACKOFF)
}
