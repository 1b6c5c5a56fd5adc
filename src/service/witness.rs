//! A C2SP `tlog-witness` witness (spec §8.15): [`Witness::init`] makes its
//! directory, [`Witness::add_logs`] adds logs to follow, and an open
//! [`Witness`] answers `add-checkpoint` ([`Witness::add_checkpoint`]) and
//! the monitoring read ([`Witness::checkpoint`]).
//!
//! The API is small so that another server (a mirror) can open a witness
//! and mount its routes (`http::witness::router`): open it, then call
//! those two methods; [`Witness::metrics`] renders its counters. A witness
//! takes its directory's `LOCK`, so it needs a directory of its own (a
//! mirror would give it a subdirectory of its data directory).
//!
//! The checks are `domain::witness`; this file holds the one lock under
//! which a request is checked against the held state, cosigned, and its
//! note persisted (`store::witness`) before the answer leaves, so that two
//! concurrent requests cannot roll the size back (the race tlog-witness
//! describes). A refusal for inconsistency whose log signature verified is
//! kept in `evidence/` and logged.

use super::keyfile;
use super::{Clock, ServiceError};
use crate::domain::cosignature::{Cosigner, WitnessKey};
use crate::domain::messages::{Code, Refusal};
use crate::domain::witness::{
    Held, LogArg, Refused, TrustedLogs, WitnessConfig, check_consistency, origin_hash,
    verify_checkpoint,
};
use crate::domain::witness_request::AddCheckpoint;
use crate::store::io::{FileIo, RealIo};
use crate::store::witness::WitnessFiles;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use std::collections::HashMap;
use std::fs::File;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// A refused or failed `add-checkpoint`.
#[derive(Debug)]
pub enum AddError {
    /// 409: the old size is not the size held, which the answer's body
    /// gives (`text/x.tlog.size`).
    Conflict {
        /// The size last cosigned for the origin (0 if never).
        size: u64,
    },
    /// Any other refusal (its code fixes the status) or a failure (500).
    Other(ServiceError),
}

impl From<ServiceError> for AddError {
    fn from(e: ServiceError) -> Self {
        Self::Other(e)
    }
}

/// The labels of a counted request.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    /// The origin, when the witness follows it and the log's signature
    /// verified; `unverified` when it did not, `unknown` for an origin not
    /// followed, `-` for a malformed body.
    origin: String,
    /// `cosigned`, or the error code (whose class fixes the status).
    outcome: String,
}

/// The label of a log.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OriginLabel {
    origin: String,
}

/// The witness's Prometheus metrics.
struct WitnessMetrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    cosigned_size: Family<OriginLabel, Gauge>,
}

impl WitnessMetrics {
    fn new() -> Self {
        let mut registry = Registry::with_prefix("coop_ledger_witness");
        let requests = Family::<RequestLabels, Counter>::default();
        let cosigned_size = Family::<OriginLabel, Gauge>::default();
        registry.register(
            "requests",
            "add-checkpoint requests by origin and outcome (cosigned, or the error code)",
            requests.clone(),
        );
        registry.register(
            "cosigned_size",
            "The size of the latest checkpoint cosigned, per origin",
            cosigned_size.clone(),
        );
        Self {
            registry,
            requests,
            cosigned_size,
        }
    }
}

/// An open witness: its key, the logs it follows, and what it cosigned.
pub struct Witness {
    files: WitnessFiles,
    cosigner: Cosigner,
    logs: TrustedLogs,
    /// Per origin, the checkpoint last cosigned. Checking a request and
    /// persisting its note happen under this one lock.
    held: Mutex<HashMap<String, Held>>,
    clock: Arc<dyn Clock>,
    metrics: WitnessMetrics,
    _lock: File,
}

fn setup(what: impl std::fmt::Display) -> ServiceError {
    ServiceError::Inconsistent(what.to_string())
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    }
}

impl Witness {
    /// Creates a witness in `dir`: its key (`witness-key.pem`, 0600, never
    /// overwritten) and `witness.json` naming it `name` and following
    /// `logs`. Refuses a directory that already holds a witness. Returns
    /// the witness's verifier key.
    pub fn init(dir: &Path, name: &str, logs: &[LogArg]) -> Result<WitnessKey, ServiceError> {
        let files = WitnessFiles::new(dir, Arc::new(RealIo));
        let _lock = files.lock(true)?;
        if files.read_config()?.is_some() {
            return Err(setup(format!(
                "{} already holds a witness",
                files.config_path().display()
            )));
        }
        let mut config = WitnessConfig {
            name: name.to_owned(),
            logs: Vec::new(),
        };
        for log in logs {
            config.add(log);
        }
        config.trusted().map_err(setup)?;
        let key = keyfile::generate();
        let cosigner = Cosigner::new(name, key.clone()).map_err(setup)?;
        keyfile::write(&files.key_path(), &key)?;
        files.write_config(&config)?;
        files.create_dirs()?;
        Ok(cosigner.witness_key().clone())
    }

    /// Adds `logs` to the witness in `dir` (which must not be serving: it
    /// holds the directory's lock). Returns the new configuration.
    pub fn add_logs(dir: &Path, logs: &[LogArg]) -> Result<WitnessConfig, ServiceError> {
        let files = WitnessFiles::new(dir, Arc::new(RealIo));
        let _lock = files.lock(false)?;
        let mut config = files
            .read_config()?
            .ok_or_else(|| setup(format!("{} holds no witness", dir.display())))?;
        for log in logs {
            config.add(log);
        }
        config.trusted().map_err(setup)?;
        files.write_config(&config)?;
        Ok(config)
    }

    /// Opens the witness in `dir`, taking its lock, with `clock` for the
    /// cosignatures' timestamps.
    pub fn open(dir: &Path, clock: Arc<dyn Clock>) -> Result<Self, ServiceError> {
        Self::open_with(dir, clock, Arc::new(RealIo))
    }

    /// [`Witness::open`], writing through `io`.
    pub fn open_with(
        dir: &Path,
        clock: Arc<dyn Clock>,
        io: Arc<dyn FileIo>,
    ) -> Result<Self, ServiceError> {
        let files = WitnessFiles::new(dir, io);
        let _lock = files.lock(false)?;
        let config = files.read_config()?.ok_or_else(|| {
            setup(format!(
                "{} holds no witness (run `coop-ledger witness init` first)",
                dir.display()
            ))
        })?;
        let logs = config.trusted().map_err(setup)?;
        let key = keyfile::read(&files.key_path())?;
        let cosigner = Cosigner::new(&config.name, key).map_err(setup)?;
        files.create_dirs()?;
        let metrics = WitnessMetrics::new();
        let mut held = HashMap::new();
        for origin in logs.origins() {
            if let Some(note) = files.load_state(origin)? {
                let h = Held::parse(&note).ok_or_else(|| {
                    setup(format!("the state of {origin:?} is not a checkpoint note"))
                })?;
                metrics
                    .cosigned_size
                    .get_or_create(&OriginLabel {
                        origin: origin.to_owned(),
                    })
                    .set(i64::try_from(h.size).unwrap_or(i64::MAX));
                held.insert(origin.to_owned(), h);
            }
        }
        Ok(Self {
            files,
            cosigner,
            logs,
            held: Mutex::new(held),
            clock,
            metrics,
            _lock,
        })
    }

    /// The witness's verifier key (what logs and their clients configure).
    pub fn witness_key(&self) -> &WitnessKey {
        self.cosigner.witness_key()
    }

    /// Answers an `add-checkpoint` request body: the cosignature line(s),
    /// once the cosigned note is durable.
    pub async fn add_checkpoint(self: &Arc<Self>, body: Vec<u8>) -> Result<String, AddError> {
        let me = Arc::clone(self);
        tokio::task::spawn_blocking(move || me.add_blocking(&body))
            .await
            .map_err(|e| AddError::Other(ServiceError::Internal(e.to_string())))?
    }

    fn count(&self, origin: &str, outcome: &str) {
        self.metrics
            .requests
            .get_or_create(&RequestLabels {
                origin: origin.to_owned(),
                outcome: outcome.to_owned(),
            })
            .inc();
    }

    fn refuse(&self, origin: &str, why: Refused) -> AddError {
        let refusal: Refusal = why.refusal();
        self.count(origin, refusal.code.as_str());
        match why {
            Refused::Conflict { size } => AddError::Conflict { size },
            _ => AddError::Other(ServiceError::Refused(refusal)),
        }
    }

    fn add_blocking(&self, body: &[u8]) -> Result<String, AddError> {
        let req = AddCheckpoint::parse(body)
            .map_err(|e| self.refuse("-", Refused::Malformed(e.to_string())))?;
        let verified = verify_checkpoint(&req.checkpoint, &self.logs).map_err(|e| {
            // An origin label only for a log the witness follows (a
            // refused origin is not trusted text).
            let label = match &e {
                Refused::UnknownOrigin(_) => "unknown",
                Refused::NotSigned | Refused::BadSignature(_) => "unverified",
                _ => "-",
            };
            self.refuse(label, e)
        })?;
        let origin = verified.origin.clone();
        let mut held = lock(&self.held);
        if let Err(why) = check_consistency(req.old_size, &req.proof, &verified, held.get(&origin))
        {
            if let Refused::Inconsistent(reason) = &why {
                let text = String::from_utf8_lossy(body);
                match self.files.keep_evidence(&origin, verified.size, &text) {
                    Ok(path) => tracing::warn!(
                        origin = %origin, size = verified.size, %reason, evidence = %path.display(),
                        "refused a validly signed checkpoint inconsistent with what was cosigned; kept as evidence"
                    ),
                    Err(e) => tracing::error!(
                        origin = %origin, size = verified.size, %reason, error = %e,
                        "refused a validly signed inconsistent checkpoint; keeping the evidence failed"
                    ),
                }
            }
            return Err(self.refuse(&origin, why));
        }
        let now = self.clock.now().unix_timestamp();
        let timestamp = u64::try_from(now).unwrap_or(0).max(1);
        let line = self
            .cosigner
            .cosign(verified.text.as_bytes(), timestamp)
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
        let note = verified.cosigned_note(&line);
        if let Err(e) = self.files.store_state(&origin, &note) {
            self.count(&origin, "internal");
            return Err(ServiceError::from(e).into());
        }
        held.insert(
            origin.clone(),
            Held {
                size: verified.size,
                root: verified.root,
                note,
            },
        );
        drop(held);
        self.metrics
            .cosigned_size
            .get_or_create(&OriginLabel {
                origin: origin.clone(),
            })
            .set(i64::try_from(verified.size).unwrap_or(i64::MAX));
        self.count(&origin, "cosigned");
        Ok(line)
    }

    /// The latest cosigned note of the log whose origin hashes to
    /// `origin_hash` (lowercase hex SHA-256); 404 `not_cosigned` if the
    /// witness never cosigned one.
    pub fn checkpoint(&self, hash: &str) -> Result<String, ServiceError> {
        lock(&self.held)
            .iter()
            .find(|(origin, _)| origin_hash(origin) == hash)
            .map(|(_, h)| h.note.clone())
            .ok_or_else(|| Refusal::new(Code::NotCosigned).into())
    }

    /// The Prometheus text of the witness's counters.
    pub fn metrics(&self) -> String {
        let mut out = String::new();
        // Encoding into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.metrics.registry);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::checkpoint::{CheckpointBody, NoteKey, note_vkey};
    use crate::domain::keys::PublicKey;
    use crate::domain::merkle::{MemHashes, leaf_hash, prove_tree};
    use crate::domain::witness_request::{AddCheckpoint, size_body};
    use crate::store::io::{FaultyIo, Step};
    use ed25519_dalek::SigningKey;

    const ORIGIN: &str = "example.com/svc";

    struct Fixed;

    impl Clock for Fixed {
        fn now(&self) -> time::OffsetDateTime {
            time::OffsetDateTime::from_unix_timestamp(1_700_000_000).expect("time")
        }
    }

    fn log() -> (NoteKey, String, MemHashes) {
        let key = SigningKey::from_bytes(&[3; 32]);
        let vkey = note_vkey(ORIGIN, &PublicKey::from(key.verifying_key()));
        let mut t = MemHashes::new();
        for i in 0..8u64 {
            t.push(leaf_hash(&i.to_be_bytes())).expect("push");
        }
        (NoteKey::signer(ORIGIN, key), vkey, t)
    }

    fn request(key: &NoteKey, t: &MemHashes, old: u64, size: u64) -> Vec<u8> {
        let checkpoint = key
            .sign(&CheckpointBody {
                origin: ORIGIN.into(),
                size,
                root: t.root_at(size).expect("root"),
            })
            .expect("sign");
        let proof = if old == 0 {
            vec![]
        } else {
            prove_tree(size, old, t).expect("proof")
        };
        AddCheckpoint {
            old_size: old,
            proof,
            checkpoint,
        }
        .to_body()
        .into_bytes()
    }

    #[tokio::test]
    async fn issue_14_a_cosignature_is_handed_out_only_once_its_note_is_durable() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (key, vkey, t) = log();
        let wkey = Witness::init(
            dir.path(),
            "w.example/w",
            &[LogArg::parse(&vkey).expect("vkey")],
        )
        .expect("init");
        let io = Arc::new(FaultyIo::default());
        let w =
            Arc::new(Witness::open_with(dir.path(), Arc::new(Fixed), io.clone()).expect("open"));
        let line = w
            .add_checkpoint(request(&key, &t, 0, 3))
            .await
            .expect("cosigned");
        // The timestamp is the clock's.
        let note = w.checkpoint(&origin_hash(ORIGIN)).expect("held");
        assert_eq!(wkey.cosigned(&note), Ok(Some(1_700_000_000)));
        assert!(note.ends_with(&line));
        // Each durable step failing: a 500, nothing handed out, and the
        // size held is still 3 (in memory and on disk).
        for step in [Step::Write, Step::Sync, Step::Rename] {
            io.arm(step, 1);
            match w.add_checkpoint(request(&key, &t, 3, 6)).await {
                Err(AddError::Other(ServiceError::Store(_))) => {}
                other => panic!("{step:?}: {other:?}"),
            }
            match w.add_checkpoint(request(&key, &t, 0, 6)).await {
                Err(AddError::Conflict { size: 3 }) => {}
                other => panic!("{step:?}: {other:?}"),
            }
        }
        assert_eq!(
            w.files.load_state(ORIGIN).expect("state"),
            Some(note.clone())
        );
        // The directory's fsync failing after the rename: still a 500 and
        // no cosignature handed out (the file may hold the new note, which
        // no one was given).
        io.arm(Step::DirSync, 1);
        match w.add_checkpoint(request(&key, &t, 3, 6)).await {
            Err(AddError::Other(ServiceError::Store(_))) => {}
            other => panic!("DirSync: {other:?}"),
        }
        match w.add_checkpoint(request(&key, &t, 0, 6)).await {
            Err(AddError::Conflict { size: 3 }) => {}
            other => panic!("DirSync: {other:?}"),
        }
        assert!(w.add_checkpoint(request(&key, &t, 3, 6)).await.is_ok());
        drop(w);
        // Reopened, it holds 6.
        let w = Arc::new(Witness::open(dir.path(), Arc::new(Fixed)).expect("reopen"));
        match w.add_checkpoint(request(&key, &t, 0, 8)).await {
            Err(AddError::Conflict { size }) => assert_eq!(size_body(size), "6\n"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn issue_14_a_second_witness_on_one_directory_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (_, vkey, _) = log();
        Witness::init(dir.path(), "w", &[LogArg::parse(&vkey).expect("vkey")]).expect("init");
        assert!(Witness::init(dir.path(), "w", &[]).is_err(), "init twice");
        let _open = Witness::open(dir.path(), Arc::new(Fixed)).expect("open");
        assert!(
            Witness::open(dir.path(), Arc::new(Fixed)).is_err(),
            "locked"
        );
    }
}
