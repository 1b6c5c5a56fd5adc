//! The client side of spec §10 `sign` and `submit`: sign statements
//! offline, submit them (or envelopes signed earlier) to a ledger server,
//! and check each receipt — the checkpoint's signature under the ledger key
//! and the inclusion proof against it — instead of trusting the answer.
//!
//! Submitting is safe to retry: the ledger appends an envelope once and
//! answers a repeat with the first index, so a lost answer on a weak
//! connection is simply asked again.
//!
//! [`classify`] tells a statement from an envelope; [`sign`] parses the
//! statement first, so a statement any ledger would refuse is caught
//! offline. [`Client`] reads `GET /api/v1/ledger` (and compares a pinned
//! key), submits with up to [`MAX_TRIES`] tries on 429, 503 or a lost
//! connection, then fetches the leaf back and checks the entry id, the leaf's
//! envelope, the leaf hash, the checkpoint's signature and origin, and the
//! inclusion proof; [`ClientError`] says which failed. `Client::get` fetches
//! any API answer (an error answer names the server's code and sentence), for
//! `export --server` and `import epcis`.

use crate::domain::checkpoint::{CheckpointBody, NoteKey};
use crate::domain::envelope::{Envelope, MAX_ENVELOPE_BYTES};
use crate::domain::ids::ActorId;
use crate::domain::keys::PublicKey;
use crate::domain::leaf::Leaf;
use crate::domain::merkle::{Hash, leaf_hash, verify_inclusion};
use crate::domain::messages::{Code, Lang, Refusal};
use crate::domain::statement;
use ed25519_dalek::SigningKey;
use serde::Deserialize;
use std::time::Duration;

/// Tries per submission when the server is busy (429), unavailable (503)
/// or unreachable.
pub const MAX_TRIES: u32 = 4;

/// Longest wait between tries, whatever `Retry-After` says.
pub const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// A client-side failure (not a refusal by the ledger).
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The file is neither a statement nor an envelope, or the statement
    /// would be refused by any ledger.
    #[error("{0}")]
    Invalid(Refusal),
    /// A local problem: the file cannot be read, or a statement needs a key.
    #[error("{0}")]
    Input(String),
    /// The server could not be reached or answered something unusable.
    #[error("{0}")]
    Transport(String),
    /// The server's answer does not check out.
    #[error("the receipt does not verify: {0}")]
    BadReceipt(String),
}

/// What a file given to `submit` holds.
#[derive(Debug, Clone)]
pub enum Submission {
    /// A statement still to be signed.
    Statement(String),
    /// An envelope signed earlier (offline).
    Envelope(Envelope),
}

/// Reads a file's text as an envelope (`{"statement", "key", "sig"}`) or as
/// a statement.
pub fn classify(text: &str) -> Result<Submission, ClientError> {
    let text = text.trim();
    if text.len() > MAX_ENVELOPE_BYTES {
        return Err(ClientError::Invalid(Refusal::new(Code::TooLarge)));
    }
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| ClientError::Invalid(Refusal::with(Code::MalformedJson, e.to_string())))?;
    if value.get("statement").is_some() && value.get("sig").is_some() {
        let env: Envelope = serde_json::from_value(value).map_err(|e| {
            ClientError::Invalid(Refusal::with(Code::MalformedEnvelope, e.to_string()))
        })?;
        return Ok(Submission::Envelope(env));
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

#[derive(Deserialize)]
struct LedgerInfo {
    origin: String,
    key_name: String,
    public_key: String,
}

#[derive(Deserialize)]
struct ReceiptJson {
    index: u64,
    entry_id: String,
    leaf_hash: String,
    checkpoint: String,
    inclusion_proof: Vec<String>,
}

#[derive(Deserialize)]
struct ErrorJson {
    error: String,
    message: String,
}

/// A connection to one ledger server.
pub struct Client {
    http: reqwest::Client,
    base: String,
    lang: Lang,
    verifier: NoteKey,
    origin: String,
}

impl Client {
    /// Connects: reads `GET /api/v1/ledger`. With `pinned`, the server must
    /// state that key (an auditor's key got out of band); otherwise the
    /// server's own statement is used.
    pub async fn connect(
        base: &str,
        lang: Lang,
        pinned: Option<PublicKey>,
    ) -> Result<Self, ClientError> {
        let base = base.trim_end_matches('/').to_owned();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| ClientError::Transport(e.to_string()))?;
        let url = format!("{base}/api/v1/ledger");
        let info: LedgerInfo = get_json(&http, &url).await?;
        let key = PublicKey::parse(&info.public_key)
            .map_err(|e| ClientError::Transport(format!("{url}: {e}")))?;
        if let Some(p) = pinned.filter(|p| *p != key) {
            return Err(ClientError::BadReceipt(format!(
                "the server's ledger key {key} is not the pinned key {p}"
            )));
        }
        Ok(Self {
            verifier: NoteKey::verifier(&info.key_name, &key),
            origin: info.origin,
            http,
            base,
            lang,
        })
    }

    /// Submits one envelope, retrying when the server is busy or out of
    /// reach, and verifies the receipt.
    pub async fn submit(&self, env: &Envelope) -> Result<Outcome, ClientError> {
        let url = format!("{}/api/v1/entries", self.base);
        let mut tries = 0;
        loop {
            tries += 1;
            let sent = self
                .http
                .post(&url)
                .header(reqwest::header::ACCEPT_LANGUAGE, self.lang.tag())
                .json(env)
                .send()
                .await;
            let resp = match sent {
                Ok(r) => r,
                Err(e) if tries < MAX_TRIES => {
                    tracing::warn!(error = %e, "submission failed; trying again");
                    tokio::time::sleep(backoff(tries, None)).await;
                    continue;
                }
                Err(e) => return Err(ClientError::Transport(format!("{url}: {e}"))),
            };
            let status = resp.status().as_u16();
            if matches!(status, 429 | 503) && tries < MAX_TRIES {
                let after = resp
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse().ok())
                    .map(Duration::from_secs);
                tokio::time::sleep(backoff(tries, after)).await;
                continue;
            }
            let body = resp
                .bytes()
                .await
                .map_err(|e| ClientError::Transport(format!("{url}: {e}")))?;
            if matches!(status, 200 | 201) {
                let r: ReceiptJson = serde_json::from_slice(&body)
                    .map_err(|e| ClientError::BadReceipt(e.to_string()))?;
                let leaf = self.leaf(r.index).await?;
                return self.check(env, &leaf, r, status == 200);
            }
            let e: ErrorJson = serde_json::from_slice(&body).map_err(|_| {
                ClientError::Transport(format!("{url}: HTTP {status} without an error body"))
            })?;
            return Ok(Outcome::Refused {
                status,
                code: e.error,
                message: e.message,
            });
        }
    }

    /// GETs `path` (which starts with `/`) from the server. An error answer
    /// becomes a transport error that names the server's code and sentence.
    pub async fn get(&self, path: &str) -> Result<Vec<u8>, ClientError> {
        let url = format!("{}{path}", self.base);
        let transport = |e: reqwest::Error| ClientError::Transport(format!("{url}: {e}"));
        let resp = self
            .http
            .get(&url)
            .header(reqwest::header::ACCEPT_LANGUAGE, self.lang.tag())
            .send()
            .await
            .map_err(transport)?;
        let status = resp.status();
        let body = resp.bytes().await.map_err(transport)?;
        if status.is_success() {
            return Ok(body.to_vec());
        }
        Err(ClientError::Transport(
            match serde_json::from_slice::<ErrorJson>(&body) {
                Ok(e) => format!(
                    "{url}: the server answered {status}, {}: {}",
                    e.error, e.message
                ),
                Err(_) => format!("{url}: the server answered {status}"),
            },
        ))
    }

    /// The current key of actor `id`, or `None` when the ledger has no such
    /// actor.
    pub async fn actor_key(&self, id: &ActorId) -> Result<Option<PublicKey>, ClientError> {
        #[derive(Deserialize)]
        struct ActorJson {
            key: String,
        }
        let url = format!("{}/api/v1/actors/{id}", self.base);
        let resp = self
            .http
            .get(&url)
            .send()
            .await
            .map_err(|e| ClientError::Transport(format!("{url}: {e}")))?;
        if resp.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        let actor: ActorJson = resp
            .error_for_status()
            .map_err(|e| ClientError::Transport(format!("{url}: {e}")))?
            .json()
            .await
            .map_err(|e| ClientError::Transport(format!("{url}: {e}")))?;
        PublicKey::parse(&actor.key)
            .map(Some)
            .map_err(|e| ClientError::Transport(format!("{url}: {e}")))
    }

    /// The bytes of leaf `index`, as the server serves them.
    async fn leaf(&self, index: u64) -> Result<Vec<u8>, ClientError> {
        #[derive(Deserialize)]
        struct Page {
            entries: Vec<PageEntry>,
        }
        #[derive(Deserialize)]
        struct PageEntry {
            index: u64,
            leaf: String,
        }
        use base64::Engine as _;
        let url = format!("{}/api/v1/entries?start={index}&limit=1", self.base);
        let page: Page = get_json(&self.http, &url).await?;
        page.entries
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

/// GETs `url` and parses its JSON; any failure is a transport error.
async fn get_json<T: serde::de::DeserializeOwned>(
    http: &reqwest::Client,
    url: &str,
) -> Result<T, ClientError> {
    let err = |e: reqwest::Error| ClientError::Transport(format!("{url}: {e}"));
    http.get(url)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(err)?
        .json()
        .await
        .map_err(err)
}

/// How long to wait before try `tries + 1`: the server's `Retry-After` when
/// given, else 0.5 s doubling; never more than [`MAX_BACKOFF`].
fn backoff(tries: u32, retry_after: Option<Duration>) -> Duration {
    retry_after
        .unwrap_or_else(|| Duration::from_millis(500) * 2u32.saturating_pow(tries - 1))
        .min(MAX_BACKOFF)
}
