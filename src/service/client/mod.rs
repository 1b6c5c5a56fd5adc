//! The one HTTP client for everything that talks to a ledger server over
//! its API (spec §8): `submit` and `import epcis` ([`submit`]),
//! `audit --server` ([`super::audit::audit_server`]), `report linkage
//! --server`, `export --server`, the ledger's witness rounds
//! ([`super::witnessing`], text bodies and a short timeout) (and the
//! mirror to come).
//!
//! [`Client`] is the one place that sets the timeouts, the `User-Agent`
//! and the language asked for, and that turns an answer into an error:
//!
//! - the server cannot be reached (refused, unknown host, timed out, cut
//!   off): [`ClientError::Unreachable`], with the transport's error kept as
//!   its `source`, so the command line prints the whole chain down to the
//!   operating system's reason;
//! - the server answered with an error: [`ClientError::Answered`], naming
//!   the status and the ledger's code and sentence (its `{"error",
//!   "message"}` body, spec §8);
//! - the server answered something the API never gives (not JSON, not the
//!   shape asked for, an error without the ledger's body):
//!   [`ClientError::Unusable`].
//!
//! reqwest is the transport; no other module builds a `reqwest::Client`.

pub mod submit;

use crate::domain::ids::ActorId;
use crate::domain::keys::PublicKey;
use crate::domain::messages::{Lang, Refusal};
use reqwest::StatusCode;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::time::Duration;

/// The longest a request may take, from connecting to the last byte of the
/// answer (an audit reads pages of [`super::audit`]'s size).
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// The longest answer the client reads (128 MiB): a page of
/// `GET /api/v1/entries` at its largest, and far above an entry bundle
/// (256 × (2 + 65,535) bytes); more is refused as unusable.
pub const MAX_ANSWER_BYTES: usize = 128 << 20;

/// The longest connecting to a server may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The `User-Agent` of every request: this program and its version.
pub const USER_AGENT: &str = concat!("coop-ledger/", env!("CARGO_PKG_VERSION"));

/// A client-side failure (not a refusal by the ledger to log a statement,
/// which [`submit::Outcome::Refused`] reports).
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The file is neither a statement nor an envelope, or the statement
    /// would be refused by any ledger.
    #[error("{0}")]
    Invalid(Refusal),
    /// A local problem: the file cannot be read, or a statement needs a key.
    #[error("{0}")]
    Input(String),
    /// The server could not be reached (or no connection to it could be set
    /// up here), or the connection failed before the answer was whole.
    #[error("cannot reach {url}")]
    Unreachable {
        /// The URL asked for.
        url: String,
        /// Why: the transport's error, whose own sources name the
        /// operating system's reason (e.g. connection refused).
        #[source]
        cause: reqwest::Error,
    },
    /// The server answered with an error in the ledger's form.
    #[error("{url}: the server answered {status}, {code}: {message}")]
    Answered {
        /// The URL asked for.
        url: String,
        /// The HTTP status.
        status: StatusCode,
        /// The ledger's error code (spec §8).
        code: String,
        /// The ledger's sentence, in the language asked for.
        message: String,
    },
    /// The server answered something the ledger's API never gives.
    #[error("{url}: not an answer of the ledger's API ({what})")]
    Unusable {
        /// The URL asked for.
        url: String,
        /// What is wrong with the answer.
        what: String,
    },
    /// The server's answer does not check out.
    #[error("the receipt does not verify: {0}")]
    BadReceipt(String),
}

/// What `GET /api/v1/ledger` states about the ledger.
#[derive(Debug, Clone, Deserialize)]
pub struct LedgerInfo {
    /// The log's origin (the checkpoints' first line).
    pub origin: String,
    /// The signed-note key name of the checkpoints.
    pub key_name: String,
    /// The ledger public key, base64, as the server states it.
    pub public_key: String,
}

/// One leaf of `GET /api/v1/entries`.
#[derive(Debug, Clone, Deserialize)]
pub struct PageEntry {
    /// The leaf index.
    pub index: u64,
    /// The leaf's bytes, base64 (checked by whoever reads them).
    pub leaf: String,
}

/// An answer before it is judged: its status and whole body.
#[derive(Debug)]
pub struct Answer {
    url: String,
    status: StatusCode,
    retry_after: Option<Duration>,
    content_type: Option<String>,
    body: Vec<u8>,
}

impl Answer {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The answer's `Content-Type`, when it gave one.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The server's `Retry-After`, in seconds, when it gave one.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// The body of a successful answer. An error answer is
    /// [`ClientError::Answered`] when it carries the ledger's
    /// `{"error", "message"}`, else [`ClientError::Unusable`].
    pub fn body(self) -> Result<Vec<u8>, ClientError> {
        #[derive(Deserialize)]
        struct ErrorJson {
            error: String,
            message: String,
        }
        if self.status.is_success() {
            return Ok(self.body);
        }
        match serde_json::from_slice::<ErrorJson>(&self.body) {
            Ok(e) => Err(ClientError::Answered {
                url: self.url,
                status: self.status,
                code: e.error,
                message: e.message,
            }),
            Err(_) => Err(ClientError::Unusable {
                what: format!("HTTP {} without the ledger's error body", self.status),
                url: self.url,
            }),
        }
    }

    /// The whole body, whatever the status (a C2SP witness answers in
    /// text, its 409 with a size the client needs).
    pub fn raw_body(&self) -> &[u8] {
        &self.body
    }

    /// The JSON of a successful answer, as [`Answer::body`] judges it; a
    /// body that is not `T` is [`ClientError::Unusable`].
    pub fn json<T: DeserializeOwned>(self) -> Result<T, ClientError> {
        let url = self.url.clone();
        let body = self.body()?;
        serde_json::from_slice(&body).map_err(|e| ClientError::Unusable {
            url,
            what: e.to_string(),
        })
    }
}

/// A connection to one ledger server, by its base URL.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
}

impl Client {
    /// A client for the server at `base` (e.g. `http://127.0.0.1:8080`),
    /// asking for the ledger's sentences in `lang`. Nothing is sent yet.
    pub fn new(base: &str, lang: Lang) -> Result<Self, ClientError> {
        Self::with_timeout(base, lang, TIMEOUT)
    }

    /// [`Client::new`] with another limit on a whole request (connecting
    /// still takes at most [`CONNECT_TIMEOUT`], or `timeout` if shorter).
    pub fn with_timeout(base: &str, lang: Lang, timeout: Duration) -> Result<Self, ClientError> {
        let base = base.trim_end_matches('/').to_owned();
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::ACCEPT_LANGUAGE,
            reqwest::header::HeaderValue::from_static(lang.tag()),
        );
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(CONNECT_TIMEOUT.min(timeout))
            .user_agent(USER_AGENT)
            .default_headers(headers)
            .build()
            .map_err(|cause| ClientError::Unreachable {
                url: base.clone(),
                cause,
            })?;
        Ok(Self { http, base })
    }

    /// The base URL, without a trailing `/`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The URL of `path` (which starts with `/`) on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends a request and reads the whole answer; any transport failure is
    /// [`ClientError::Unreachable`].
    async fn send(
        &self,
        url: String,
        request: reqwest::RequestBuilder,
    ) -> Result<Answer, ClientError> {
        let unreachable = |url: &str, cause: reqwest::Error| ClientError::Unreachable {
            url: url.to_owned(),
            cause: cause.without_url(),
        };
        let resp = match request.send().await {
            Ok(r) => r,
            Err(e) => return Err(unreachable(&url, e)),
        };
        let status = resp.status();
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .map(Duration::from_secs);
        let content_type = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        // Read in chunks, so that a hostile server (a witness, a primary,
        // a static host) cannot make this process hold more than
        // MAX_ANSWER_BYTES.
        let mut resp = resp;
        let mut body = Vec::new();
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > MAX_ANSWER_BYTES {
                        return Err(ClientError::Unusable {
                            url,
                            what: format!("an answer longer than {MAX_ANSWER_BYTES} bytes"),
                        });
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return Err(unreachable(&url, e)),
            }
        }
        Ok(Answer {
            url,
            status,
            retry_after,
            content_type,
            body,
        })
    }

    /// `GET path`, the answer not yet judged.
    pub async fn get_answer(&self, path: &str) -> Result<Answer, ClientError> {
        let url = self.url(path);
        self.send(url.clone(), self.http.get(&url)).await
    }

    /// `POST path` with a JSON body, the answer not yet judged.
    pub async fn post_json<B: serde::Serialize + ?Sized>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<Answer, ClientError> {
        let url = self.url(path);
        self.send(url.clone(), self.http.post(&url).json(body))
            .await
    }

    /// `POST path` with a plain text body, the answer not yet judged.
    pub async fn post_text(&self, path: &str, body: String) -> Result<Answer, ClientError> {
        let url = self.url(path);
        let request = self
            .http
            .post(&url)
            .header(reqwest::header::CONTENT_TYPE, "text/plain; charset=utf-8")
            .body(body);
        self.send(url.clone(), request).await
    }

    /// The bytes of `GET path`.
    pub async fn get(&self, path: &str) -> Result<Vec<u8>, ClientError> {
        self.get_answer(path).await?.body()
    }

    /// The JSON of `GET path`, as `T`.
    pub async fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        self.get_answer(path).await?.json()
    }

    /// The text of `GET path` (UTF-8).
    pub async fn get_text(&self, path: &str) -> Result<String, ClientError> {
        let bytes = self.get(path).await?;
        String::from_utf8(bytes).map_err(|_| ClientError::Unusable {
            url: self.url(path),
            what: "not UTF-8 text".into(),
        })
    }

    /// What the server states about its ledger (`GET /api/v1/ledger`).
    pub async fn ledger_info(&self) -> Result<LedgerInfo, ClientError> {
        self.get_json("/api/v1/ledger").await
    }

    /// Up to `limit` leaves from index `start` (`GET /api/v1/entries`).
    pub async fn entries(&self, start: u64, limit: u64) -> Result<Vec<PageEntry>, ClientError> {
        #[derive(Deserialize)]
        struct Page {
            entries: Vec<PageEntry>,
        }
        let page: Page = self
            .get_json(&format!("/api/v1/entries?start={start}&limit={limit}"))
            .await?;
        Ok(page.entries)
    }

    /// The current key of actor `id`, or `None` when the ledger has no such
    /// actor.
    pub async fn actor_key(&self, id: &ActorId) -> Result<Option<PublicKey>, ClientError> {
        #[derive(Deserialize)]
        struct ActorJson {
            key: String,
        }
        let path = format!("/api/v1/actors/{id}");
        let answer = self.get_answer(&path).await?;
        if answer.status() == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        let actor: ActorJson = answer.json()?;
        PublicKey::parse(&actor.key)
            .map(Some)
            .map_err(|e| ClientError::Unusable {
                url: self.url(&path),
                what: format!("key: {e}"),
            })
    }
}
