//! Test harness: a real coop-ledger server (the same `router` + `serve` as
//! `main`) on 127.0.0.1:0 over a temporary data directory, with keys from
//! fixed seeds so that every run signs the same way.
#![allow(dead_code)]

pub mod axe;
pub mod browser;
pub mod static_server;
pub mod tamper;

use coop_ledger::domain::builder::{self, Draft, StatementBuilder};
use coop_ledger::domain::checkpoint::{CheckpointBody, NoteKey};
use coop_ledger::domain::envelope::Envelope;
use coop_ledger::domain::ids::{ActorId, BatchId, ContractId};
use coop_ledger::domain::keys::PublicKey;
use coop_ledger::domain::merkle::{Hash, verify_inclusion};
use coop_ledger::domain::product::{
    Category, Certification, Gtin, InspectResult, Origin, Process, Product, Scheme,
};
use coop_ledger::domain::quantity::{Amount, Quantity, Unit};
use coop_ledger::domain::statement::{BatchCreate, LedgerFormat, Region, Role};
use coop_ledger::domain::time::{Day, HarvestTime, Timestamp};
use coop_ledger::http::limits::Limits;
use coop_ledger::http::{self, AppState};
use coop_ledger::service::{Ledger, OpenOptions, RegistrarSpec, SystemClock};
use ed25519_dalek::SigningKey;
use serde_json::{Value, json};
use std::path::Path;
use std::sync::Arc;
use tokio::sync::oneshot;

/// The origin of every test ledger.
pub const ORIGIN: &str = "test.coop-ledger.vn/ledger";

/// The registrar's id.
pub const REGISTRAR: &str = "so-nn-ptnt";

/// The registrar's key: fixed seed.
pub fn registrar_key() -> SigningKey {
    SigningKey::from_bytes(&[1u8; 32])
}

/// A distinct fixed key per number.
pub fn key(n: u32) -> SigningKey {
    let mut seed = [7u8; 32];
    seed[..4].copy_from_slice(&n.to_be_bytes());
    SigningKey::from_bytes(&seed)
}

/// The current time as statements write it.
pub fn now() -> String {
    coop_ledger::domain::time::Timestamp::from_clock(time::OffsetDateTime::now_utc()).to_string()
}

/// Creates a format-1 ledger in `dir` with the one registrar: the suite's
/// older tests keep checking the rules an old ledger was written under
/// (issue 13: old ledgers stay valid); `init_ledger_in` names the format.
pub fn init_ledger(dir: &Path) {
    init_ledger_in(dir, LedgerFormat::V1);
}

/// Creates a ledger of `format` in `dir` with the one registrar.
pub fn init_ledger_in(dir: &Path, format: LedgerFormat) {
    let reg = RegistrarSpec {
        id: ActorId::parse(REGISTRAR).expect("id"),
        key: PublicKey::from(registrar_key().verifying_key()),
        name: Some("Sở Nông nghiệp và PTNT".into()),
    };
    Ledger::init(dir, ORIGIN, None, &[reg], format, &SystemClock).expect("init");
}

/// One request as the server received it.
#[derive(Clone, Debug)]
pub struct Seen {
    /// `GET`, `POST`…
    pub method: String,
    /// Path and query.
    pub uri: String,
    /// Every header, as `name: value` lines.
    pub headers: String,
    /// The body.
    pub body: Vec<u8>,
}

/// Every request a server received, in order.
#[derive(Clone, Default)]
pub struct Recorder(pub Arc<std::sync::Mutex<Vec<Seen>>>);

impl Recorder {
    /// What has been received so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.0.lock().expect("recorder").clone()
    }
}

async fn record(
    axum::extract::State(rec): axum::extract::State<Recorder>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let headers = parts
        .headers
        .iter()
        .map(|(k, v)| format!("{k}: {}\n", String::from_utf8_lossy(v.as_bytes())))
        .collect();
    rec.0.lock().expect("recorder").push(Seen {
        method: parts.method.to_string(),
        uri: parts.uri.to_string(),
        headers,
        body: bytes.to_vec(),
    });
    next.run(axum::extract::Request::from_parts(
        parts,
        axum::body::Body::from(bytes),
    ))
    .await
}

/// The limits of a test's server: the defaults, with the per-client rates
/// lifted, since a test builds its ledger by submitting many statements at
/// once from one address (loopback). The tests of the rates themselves
/// (`tests/hostile.rs`) serve with [`TestServer::start_limited`].
pub fn fixture_limits() -> Limits {
    let open = coop_ledger::http::limits::Rate::new(
        coop_ledger::http::limits::Rate::MAX_PER_SECOND,
        u32::MAX,
    )
    .expect("rate");
    Limits {
        writes: open,
        expensive_reads: open,
        ..Limits::default()
    }
}

/// A running server over a temporary ledger.
pub struct TestServer {
    /// The data directory (removed on drop).
    pub dir: tempfile::TempDir,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// The ledger, for inspection.
    pub ledger: Arc<Ledger>,
    /// An HTTP client.
    pub client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl TestServer {
    /// A fresh ledger, served.
    pub async fn start() -> Self {
        Self::start_with(OpenOptions::default()).await
    }

    /// A fresh ledger opened with `options`, served.
    pub async fn start_with(options: OpenOptions) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        init_ledger(dir.path());
        Self::serve_dir(dir, options).await
    }

    /// Serves an existing ledger directory.
    pub async fn serve_dir(dir: tempfile::TempDir, options: OpenOptions) -> Self {
        Self::serve_on(dir, options, "127.0.0.1:0", None).await
    }

    /// Serves an existing ledger directory on `addr` (a fixed port, to
    /// restart a server where a browser expects it), recording every
    /// request into `recorder` if one is given.
    pub async fn serve_on(
        dir: tempfile::TempDir,
        options: OpenOptions,
        addr: &str,
        recorder: Option<Recorder>,
    ) -> Self {
        Self::serve_limited(dir, options, addr, recorder, fixture_limits()).await
    }

    /// A fresh ledger served under `limits` (issue 16).
    pub async fn start_limited(limits: Limits) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        init_ledger(dir.path());
        Self::serve_limited(dir, OpenOptions::default(), "127.0.0.1:0", None, limits).await
    }

    /// [`TestServer::serve_on`] under `limits`.
    pub async fn serve_limited(
        dir: tempfile::TempDir,
        options: OpenOptions,
        addr: &str,
        recorder: Option<Recorder>,
        limits: Limits,
    ) -> Self {
        let ledger = Arc::new(Ledger::open(dir.path(), options).expect("open"));
        let listener = tokio::net::TcpListener::bind(addr).await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let state = AppState::new(Arc::clone(&ledger), url.clone()).with_limits(limits);
        let mut router = http::router(state).expect("the templates render");
        if let Some(rec) = recorder {
            router = router.layer(axum::middleware::from_fn_with_state(rec, record));
        }
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            http::server::serve_with_limits(listener, router, limits, async {
                let _ = stopped.await;
            })
            .await
            .expect("serve");
        });
        Self {
            dir,
            url,
            ledger,
            client: reqwest::Client::new(),
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// Stops the server and the sequencer, returning the data directory.
    pub async fn stop(mut self) -> tempfile::TempDir {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            t.await.expect("server task");
        }
        self.ledger.shutdown().await;
        let TestServer {
            dir, mut ledger, ..
        } = self;
        // Connection tasks may still hold the router (and so the ledger) for
        // a moment after the server returns; wait until this is the last
        // owner so that dropping it releases the data directory's lock.
        loop {
            match Arc::try_unwrap(ledger) {
                Ok(l) => break drop(l),
                Err(shared) => {
                    ledger = shared;
                    tokio::task::yield_now().await;
                }
            }
        }
        dir
    }

    /// POSTs an envelope (as JSON) and returns status and body.
    pub async fn submit(&self, env: &Envelope) -> (u16, Value) {
        self.post_raw(serde_json::to_vec(env).expect("json")).await
    }

    /// POSTs raw bytes to /api/v1/entries.
    pub async fn post_raw(&self, body: Vec<u8>) -> (u16, Value) {
        let resp = self
            .client
            .post(format!("{}/api/v1/entries", self.url))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("request");
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    /// GETs a path and returns status and JSON body (null if not JSON).
    pub async fn get(&self, path: &str) -> (u16, Value) {
        let (status, text) = self.get_text(path).await;
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// GETs a path as text.
    pub async fn get_text(&self, path: &str) -> (u16, String) {
        let resp = self
            .client
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .expect("request");
        (resp.status().as_u16(), resp.text().await.expect("text"))
    }

    /// The ledger's checkpoint verifier, from `GET /api/v1/ledger`.
    pub async fn verifier(&self) -> NoteKey {
        let (_, info) = self.get("/api/v1/ledger").await;
        let key = PublicKey::parse(info["public_key"].as_str().expect("key")).expect("key");
        NoteKey::verifier(info["key_name"].as_str().expect("name"), &key)
    }
}

/// A statement's JSON text with the common fields filled in: the raw
/// [`Draft::raw`] of `kind` by `by` now, with `fields` as given (so a test
/// may write a deliberately bad one).
pub fn statement(kind: &str, by: &str, fields: Value) -> String {
    Draft::raw(kind, by, &now()).fields(fields).text()
}

/// An actor id of the tests (panics on a bad one).
pub fn actor(id: &str) -> ActorId {
    ActorId::parse(id).unwrap_or_else(|_| panic!("bad actor id {id:?}"))
}

/// A batch id of the tests (panics on a bad one).
pub fn lot(id: &str) -> BatchId {
    BatchId::parse(id).unwrap_or_else(|_| panic!("bad batch id {id:?}"))
}

/// A time of the tests, RFC 3339 (panics on a bad one).
pub fn time(at: &str) -> Timestamp {
    Timestamp::parse(at).unwrap_or_else(|_| panic!("bad time {at:?}"))
}

/// A role as `actor.register` writes it (panics on an unknown one).
pub fn role(role: &str) -> Role {
    serde_json::from_value(json!(role)).unwrap_or_else(|_| panic!("bad role {role:?}"))
}

/// `amount` of `unit` (panics on a bad amount).
pub fn quantity(amount: &str, unit: Unit) -> Quantity {
    Quantity {
        amount: Amount::parse(amount).expect("amount"),
        unit,
    }
}

/// `actor.register` of `id` with `role` in `region`, by the registrar at
/// `at`, named "Tên {id}".
fn registration(
    id: &str,
    role_name: &str,
    key: &SigningKey,
    region: Region,
    cooperative: Option<&str>,
    at: Timestamp,
) -> Envelope {
    let draft = StatementBuilder::new(&actor(REGISTRAR), at).register(
        &actor(id),
        role(role_name),
        &format!("Tên {id}"),
        PublicKey::from(key.verifying_key()),
        region,
    );
    match cooperative {
        Some(c) => draft.cooperative(&actor(c)),
        None => draft,
    }
    .sign(&registrar_key())
}

/// `actor.register` of `id` with `role`, signed by the registrar.
pub fn register(id: &str, role: &str, key: &SigningKey, cooperative: Option<&str>) -> Envelope {
    let region = builder::region("Bắc Giang", Some("Lục Ngạn"), None);
    registration(id, role, key, region, cooperative, time(&now()))
}

/// Decodes a list of base64 hashes.
pub fn hashes(v: &Value) -> Vec<Hash> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|h| Hash::parse_hash(h.as_str().expect("string")).expect("hash"))
        .collect()
}

/// Checks a 201/200 receipt the way a client would: the checkpoint is
/// signed by the ledger key, and the inclusion proof leads from the leaf
/// hash to its root. Returns the verified checkpoint.
pub fn check_receipt(verifier: &NoteKey, receipt: &Value) -> CheckpointBody {
    let cp = verifier
        .verify(
            receipt["checkpoint"].as_str().expect("checkpoint"),
            Some(ORIGIN),
        )
        .expect("checkpoint verifies");
    let index = receipt["index"].as_u64().expect("index");
    let leaf = Hash::parse_hash(receipt["leaf_hash"].as_str().expect("leaf_hash")).expect("hash");
    verify_inclusion(
        index,
        cp.size,
        leaf,
        &hashes(&receipt["inclusion_proof"]),
        cp.root,
    )
    .expect("inclusion proof verifies against the checkpoint");
    cp
}

/// A `coop-ledger serve` child process (the real binary), for tests that
/// kill or signal the server.
pub struct ChildServer {
    /// The process.
    pub child: std::process::Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
}

impl ChildServer {
    /// Starts `coop-ledger serve` on `dir` with the per-client rates lifted
    /// (as [`fixture_limits`]) and waits for its "listening on" line.
    pub fn start(dir: &Path) -> Self {
        Self::start_unthrottled(dir)
    }

    /// [`ChildServer::start`] with the per-client rates lifted (spec
    /// §8.19): for tests where many clients on loopback, one address,
    /// submit as fast as they can.
    pub fn start_unthrottled(dir: &Path) -> Self {
        let d = dir.display().to_string();
        let open = coop_ledger::http::limits::Rate::MAX_PER_SECOND.to_string();
        Self::spawn(&[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--data",
            &d,
            "--write-rate",
            &open,
            "--write-burst",
            &open,
            "--read-rate",
            &open,
            "--read-burst",
            &open,
        ])
    }

    /// Runs `coop-ledger ARGS` and waits for its "listening on" line (the
    /// last line it prints to stdout).
    pub fn spawn(args: &[&str]) -> Self {
        use std::io::BufRead as _;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_coop-ledger"))
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn coop-ledger serve");
        let stdout = child.stdout.take().expect("stdout");
        let mut reader = std::io::BufReader::new(stdout);
        let mut line = String::new();
        while !line.starts_with("listening on ") {
            line.clear();
            let n = reader
                .read_line(&mut line)
                .expect("read the listening line");
            assert!(n > 0, "coop-ledger exited before listening");
        }
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        Self { child, url }
    }

    /// Sends SIGTERM and waits for a clean exit.
    pub fn terminate(mut self) {
        let status = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill -TERM");
        assert!(status.success());
        let exit = self.child.wait().expect("wait");
        assert!(exit.success(), "graceful shutdown exits 0, got {exit}");
    }

    /// Sends SIGKILL and reaps the process.
    pub fn kill9(mut self) {
        self.child.kill().expect("SIGKILL");
        let _ = self.child.wait();
    }
}

/// Runs `coop-ledger` from an async test, off its workers (the server the
/// command talks to may run in this process); returns exit code and output.
pub async fn cli(args: Vec<String>) -> (i32, String) {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run_cli(&args)
    })
    .await
    .expect("cli")
}

/// Writes `actor`'s key as a PEM file in `dir`, as `keygen` would.
pub fn pem(dir: &Path, actor: &str) -> std::path::PathBuf {
    let path = dir.join(format!("{actor}.pem"));
    coop_ledger::service::keyfile::write(&path, &key_of(actor)).expect("write key");
    path
}

/// Runs `coop-ledger` with arguments; returns exit code and stdout.
pub fn run_cli(args: &[&str]) -> (i32, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_coop-ledger"))
        .args(args)
        .output()
        .expect("run coop-ledger");
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

/// The actors of a realistic chain, registered on a test ledger: two
/// cooperatives with members, two businesses, an auditor and an authority.
pub mod cast {
    /// A lychee cooperative in Lục Ngạn.
    pub const COOP: &str = "htx-vai-luc-ngan";
    /// One of its member households.
    pub const MEMBER: &str = "tv-hong-giang-01";
    /// Another of its members.
    pub const MEMBER2: &str = "tv-hong-giang-02";
    /// A rice cooperative in Sóc Trăng.
    pub const OTHER_COOP: &str = "htx-lua-soc-trang";
    /// A member of the rice cooperative.
    pub const OTHER_MEMBER: &str = "tv-my-xuyen-01";
    /// A fruit exporter.
    pub const BUSINESS: &str = "dn-xuat-khau-bac-giang";
    /// A rice trader.
    pub const BUSINESS2: &str = "dn-gao-mien-tay";
    /// A testing lab.
    pub const AUDITOR: &str = "quatest-1";
    /// The provincial quality authority.
    pub const AUTHORITY: &str = "chi-cuc-qlcl-bac-giang";
    /// A cooperative group.
    pub const GROUP: &str = "tht-rau-yen-dung";

    /// Every actor with its role, cooperative and key number (for `key`).
    pub const ALL: &[(&str, &str, Option<&str>, u32)] = &[
        (COOP, "cooperative", None, 101),
        (OTHER_COOP, "cooperative", None, 102),
        (MEMBER, "member", Some(COOP), 103),
        (MEMBER2, "member", Some(COOP), 104),
        (OTHER_MEMBER, "member", Some(OTHER_COOP), 105),
        (BUSINESS, "business", None, 106),
        (BUSINESS2, "business", None, 107),
        (AUDITOR, "auditor", None, 108),
        (AUTHORITY, "authority", None, 109),
        (GROUP, "cooperative_group", None, 110),
    ];
}

/// The signing key of a cast member (or the registrar).
pub fn key_of(actor: &str) -> SigningKey {
    if actor == REGISTRAR {
        return registrar_key();
    }
    let n = cast::ALL
        .iter()
        .find(|(id, ..)| *id == actor)
        .unwrap_or_else(|| panic!("{actor} is not in the cast"))
        .3;
    key(n)
}

/// A statement of `kind` by `by`, signed with `by`'s key.
pub fn signed(by: &str, kind: &str, fields: Value) -> Envelope {
    Draft::raw(kind, by, &now())
        .fields(fields)
        .sign(&key_of(by))
}

/// A statement `by` signs now, signed with `by`'s key.
pub fn sign_as<T: serde::Serialize>(
    by: &str,
    build: impl FnOnce(StatementBuilder) -> Draft<T>,
) -> Envelope {
    build(StatementBuilder::new(&actor(by), time(&now()))).sign(&key_of(by))
}

/// 4-star OCOP lychee with a GTIN.
pub fn lychee_product(name: &str) -> Product {
    Product {
        gtin: Gtin::parse("08935049501503"),
        ocop_stars: builder::stars(4),
        ..builder::product(Category::Fruit, name)
    }
}

/// The `batch.create` of `kg` kilograms of lychee by `by` now.
pub fn lychee_lot(by: StatementBuilder, batch: &str, kg: &str) -> Draft<BatchCreate> {
    let origin = Origin {
        lat: Some(21.38),
        lon: Some(106.62),
        ..builder::place("Xã Hồng Giang, Lục Ngạn, Bắc Giang")
    };
    by.batch_create(
        &lot(batch),
        lychee_product("Vải thiều Lục Ngạn"),
        quantity(kg, Unit::Kg),
        origin,
    )
    .harvested_at(HarvestTime::parse("2026-06-10").expect("date"))
    .certifications(vec![Certification {
        scheme: Scheme::VietGap,
        id: "VG-BG-2026-0142".into(),
        valid_until: Day::parse("2028-06-30").ok(),
    }])
}

/// `batch.create` fields for `kg` kilograms of lychee.
pub fn lychee(batch: &str, kg: &str) -> Value {
    let draft = lychee_lot(
        StatementBuilder::new(&actor(REGISTRAR), time(&now())),
        batch,
        kg,
    );
    serde_json::to_value(draft.body()).expect("json")
}

impl TestServer {
    /// A fresh ledger with the whole [`cast`] registered.
    pub async fn with_cast() -> Self {
        let server = Self::start().await;
        for (id, role, coop, n) in cast::ALL {
            server.ok(&register(id, role, &key(*n), *coop)).await;
        }
        server
    }

    /// A lychee lot created by MEMBER, received and packed (with a GTIN) by
    /// COOP, inspected, and a rice lot without a GTIN.
    pub async fn with_shop() -> Self {
        use cast::*;
        let server = Self::with_cast().await;
        let (vai, hop) = (lot("vai-01"), lot("vai-hop-01"));
        let boxes = builder::output(
            &hop,
            lychee_product("Vải thiều hộp 2 kg"),
            quantity("250", Unit::Box),
        );
        for env in [
            sign_as(MEMBER, |b| lychee_lot(b, "vai-01", "500")),
            sign_as(MEMBER, |b| b.ship(&vai, &actor(COOP))),
            sign_as(COOP, |b| b.receive(&vai, true)),
            sign_as(COOP, |b| {
                let used = Amount::parse("500").expect("amount");
                b.transform(
                    Process::Packing,
                    vec![builder::input(&vai, used)],
                    vec![boxes],
                )
            }),
            sign_as(AUDITOR, |b| {
                b.inspect(&hop, InspectResult::Pass, Scheme::FoodSafety)
                    .note("Đạt")
            }),
            sign_as(OTHER_MEMBER, |b| {
                let mut rice = lychee_lot(b, "gao-01", "1000");
                rice = rice.field("product", json!({"category": "rice", "name": "Gạo ST25"}));
                rice
            }),
        ] {
            server.ok(&env).await;
        }
        server
    }

    /// Submits an envelope that must be logged (201); returns the receipt.
    pub async fn ok(&self, env: &Envelope) -> Value {
        let (status, body) = self.submit(env).await;
        assert_eq!(status, 201, "expected the entry to be logged: {body}");
        body
    }

    /// Submits an envelope that must be refused; returns status and code.
    pub async fn refused(&self, env: &Envelope) -> (u16, String) {
        let size = self.ledger.size();
        let (status, body) = self.submit(env).await;
        assert!(status >= 400, "expected a refusal, got {status}: {body}");
        assert_eq!(self.ledger.size(), size, "a refusal appends nothing");
        (status, body["error"].as_str().unwrap_or("").to_owned())
    }

    /// GETs a path that must answer 200 with JSON.
    pub async fn json(&self, path: &str) -> Value {
        let (status, body) = self.get(path).await;
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }
}

/// The text of the PDF `file` (`args`: a page range, `-f 1 -l 1`), laid
/// out as printed, by `pdftotext` of Debian `poppler-utils`.
#[allow(dead_code)]
pub fn pdftotext(file: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("pdftotext")
        .args(args)
        .arg("-layout")
        .arg(file)
        .arg("-")
        .output()
        .expect("pdftotext (Debian poppler-utils) must be installed; .ci/run installs it");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Decodes a QR code PNG with a stock decoder, zbarimg (Debian
/// `zbar-tools`), and returns the text it holds.
pub fn zbarimg(png: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("qr.png");
    std::fs::write(&path, png).expect("write");
    let out = std::process::Command::new("zbarimg")
        .args(["--quiet", "--raw"])
        .arg(&path)
        .output()
        .expect("zbarimg (Debian zbar-tools) must be installed; .ci/run installs it");
    assert!(out.status.success(), "zbarimg could not decode the code");
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .trim()
        .to_owned()
}

/// Today plus `offset_days`, as a `YYYY-MM-DD` date (UTC).
pub fn day(offset_days: i64) -> String {
    let d = time::OffsetDateTime::now_utc().date() + time::Duration::days(offset_days);
    coop_ledger::domain::time::Day::from(d).to_string()
}

/// `kind` by `by`, signed with `key`, claiming the time `at` (a statement
/// may be signed long before it is submitted).
pub fn signed_at(by: &str, key: &SigningKey, kind: &str, at: &str, fields: Value) -> Envelope {
    Draft::raw(kind, by, at)
        .fields(fields)
        .field("at", at)
        .sign(key)
}

/// A small ledger of known linkage figures (spec §9), for the dashboard
/// tests: five cooperatives and a cooperative group registered on 10 April
/// 2026; one cooperative linked by a contract accepted in April, one by a
/// rice lot of its member's that a business accepted in May; the others
/// not linked.
pub mod linkage {
    /// The period the figures are asked for.
    pub const PERIOD: &str = "from=2026-04-01&to=2026-06-30";
    /// When every actor was registered.
    pub const REGISTERED_AT: &str = "2026-04-10T08:00:00+07:00";
    /// Linked by a contract (Bắc Giang, fruit).
    pub const BY_CONTRACT: &str = "htx-vai-a";
    /// Linked by a delivery (Sóc Trăng, rice).
    pub const BY_SHIPMENT: &str = "htx-lua-b";
    /// The member of [`BY_SHIPMENT`] whose rice reached the business.
    pub const MEMBER: &str = "tv-lua-b-01";
    /// The business.
    pub const BUSINESS: &str = "dn-lien-ket-01";
    /// Every actor: id, role, province, cooperative, key number.
    pub const ACTORS: &[(&str, &str, &str, Option<&str>, u32)] = &[
        (BY_CONTRACT, "cooperative", "Bắc Giang", None, 301),
        (BY_SHIPMENT, "cooperative", "Sóc Trăng", None, 302),
        ("htx-c", "cooperative", "Sóc Trăng", None, 303),
        ("htx-d", "cooperative", "Cà Mau", None, 304),
        ("htx-e", "cooperative", "Cà Mau", None, 305),
        ("tht-f", "cooperative_group", "Cà Mau", None, 306),
        (MEMBER, "member", "Sóc Trăng", Some(BY_SHIPMENT), 307),
        (BUSINESS, "business", "Hồ Chí Minh", None, 308),
    ];

    /// The key of an actor of [`ACTORS`].
    pub fn key_of(id: &str) -> ed25519_dalek::SigningKey {
        let n = ACTORS
            .iter()
            .find(|a| a.0 == id)
            .unwrap_or_else(|| panic!("{id} is not in the linkage cast"))
            .4;
        super::key(n)
    }
}

/// `actor.register` of `id` in `province`, signed by the registrar at `at`.
pub fn register_at(
    id: &str,
    role: &str,
    province: &str,
    cooperative: Option<&str>,
    key: &SigningKey,
    at: &str,
) -> Envelope {
    let region = builder::region(province, None, None);
    registration(id, role, key, region, cooperative, time(at))
}

impl TestServer {
    /// A fresh ledger holding the [`linkage`] figures.
    pub async fn with_linkage() -> Self {
        use linkage::*;
        let server = Self::start().await;
        for (id, role, province, coop, n) in ACTORS {
            server
                .ok(&register_at(
                    id,
                    role,
                    province,
                    *coop,
                    &key(*n),
                    REGISTERED_AT,
                ))
                .await;
        }
        let by = |id: &str, at: &str| StatementBuilder::new(&actor(id), time(at));
        let (contract, rice) = (ContractId::parse("hd-lk-a").expect("id"), lot("lua-b-01"));
        let period = (
            Day::parse("2026-04-15").expect("day"),
            Day::parse("2026-12-31").expect("day"),
        );
        let (business, coop, shipper) = (actor(BUSINESS), actor(BY_CONTRACT), actor(BY_SHIPMENT));
        let paddy = by(MEMBER, "2026-05-02T07:00:00+07:00")
            .batch_create(
                &rice,
                builder::product(Category::Rice, "Lúa ST25"),
                quantity("1250.5", Unit::Kg),
                builder::place("Mỹ Xuyên, Sóc Trăng"),
            )
            .harvested_at(HarvestTime::parse("2026-05-01").expect("date"));
        for env in [
            by(BUSINESS, "2026-04-12T09:00:00+07:00")
                .contract_offer(&contract, &coop, &business, Category::Fruit, period)
                .volume(quantity("50", Unit::T))
                .sign(&key_of(BUSINESS)),
            by(BY_CONTRACT, "2026-04-14T09:00:00+07:00")
                .contract_accept(&contract)
                .sign(&key_of(BY_CONTRACT)),
            paddy.sign(&key_of(MEMBER)),
            by(MEMBER, "2026-05-02T10:00:00+07:00")
                .ship(&rice, &shipper)
                .sign(&key_of(MEMBER)),
            by(BY_SHIPMENT, "2026-05-03T08:00:00+07:00")
                .receive(&rice, true)
                .sign(&key_of(BY_SHIPMENT)),
            by(BY_SHIPMENT, "2026-05-10T08:00:00+07:00")
                .ship(&rice, &business)
                .sign(&key_of(BY_SHIPMENT)),
            by(BUSINESS, "2026-05-11T08:00:00+07:00")
                .receive(&rice, true)
                .sign(&key_of(BUSINESS)),
        ] {
            server.ok(&env).await;
        }
        server
    }
}

/// The `data-value` of the dashboard element marked `data-figure="{name}"`
/// (the hooks `web/templates/linkage.html` puts on every figure).
pub fn dashboard_figure(html: &str, name: &str) -> String {
    let marker = format!(r#"data-figure="{name}" data-value=""#);
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no figure {name}"))
        + marker.len();
    html[start..].split('"').next().expect("value").to_owned()
}

/// Issue 13: a format-2 ledger whose rice cooperative ([`cast::OTHER_COOP`],
/// in Phường Sóc Trăng, Thành phố Cần Thơ) registered two member households
/// by the commitments of their names, and created one lot for each, naming
/// it as producer. Nobody has consented yet: [`named::consent`] and
/// [`named::with_disclosure`] make a consent and its disclosure.
pub mod named {
    use super::*;
    use coop_ledger::domain::privacy::{Salt, name_commit};

    /// The household that will consent to be named.
    pub const SHOWN: &str = "tv-k3m9q2x7pd";
    /// Its name.
    pub const SHOWN_NAME: &str = "Nguyễn Thị Mỹ Hạnh";
    /// Its lot.
    pub const SHOWN_LOT: &str = "gao-st25-a1";
    /// The household that does not consent.
    pub const HIDDEN: &str = "tv-8w4r2c6n1b";
    /// Its name (never sent to the server).
    pub const HIDDEN_NAME: &str = "Trần Văn Tư";
    /// Its lot.
    pub const HIDDEN_LOT: &str = "gao-st25-b1";

    /// The salt of a household's name commitment.
    pub fn salt(member: &str) -> Salt {
        Salt(*blake3::hash(member.as_bytes()).as_bytes())
    }

    /// The GSO codes of a commune of the 2025 map, by names as `places`
    /// writes them.
    pub fn codes(province: &str, commune: &str) -> (u32, u32) {
        let map = coop_ledger::domain::places::places().expect("places");
        let p = map
            .provinces()
            .iter()
            .find(|p| p.name == province)
            .unwrap_or_else(|| panic!("no province {province}"));
        let c = map
            .communes_of(p.code)
            .expect("communes")
            .iter()
            .find(|c| c.name == commune)
            .unwrap_or_else(|| panic!("no commune {commune}"));
        (p.code.get(), c.code.get())
    }

    /// A region of the 2025 map, by names.
    pub fn region(province: &str, commune: &str) -> Region {
        let (p, c) = codes(province, commune);
        builder::coded_region(p, Some(c))
    }

    /// The cooperative's consent (or withdrawal) for `member`, with the
    /// BLAKE3 of a signed form.
    pub fn consent(member: &str, public: bool) -> Envelope {
        sign_as(cast::OTHER_COOP, |b| {
            b.consent(&actor(member), public).form_of(b"form")
        })
    }

    /// The body of `POST /api/v1/entries`: `env` with the disclosure
    /// `{member, name, salt}` beside it.
    pub fn with_disclosure(env: &Envelope, member: &str, name: &str, salt: &Salt) -> Vec<u8> {
        let mut body = serde_json::to_value(env).expect("json");
        body["disclosure"] = json!({"member": member, "name": name, "salt": salt.to_string()});
        serde_json::to_vec(&body).expect("json")
    }

    impl TestServer {
        /// A fresh format-2 ledger as the [`named`] module describes.
        pub async fn with_named_members() -> Self {
            use cast::OTHER_COOP as COOP;
            let dir = tempfile::tempdir().expect("tempdir");
            init_ledger_in(dir.path(), LedgerFormat::V2);
            let server = Self::serve_dir(dir, OpenOptions::default()).await;
            let home = region("Thành phố Cần Thơ", "Phường Sóc Trăng");
            let coop = StatementBuilder::new(&actor(REGISTRAR), time(&now()))
                .register(
                    &actor(COOP),
                    role("cooperative"),
                    "HTX Lúa Sóc Trăng",
                    PublicKey::from(key_of(COOP).verifying_key()),
                    home.clone(),
                )
                .sign(&registrar_key());
            server.ok(&coop).await;
            let members = [
                (SHOWN, SHOWN_NAME, SHOWN_LOT, 601, home),
                (
                    HIDDEN,
                    HIDDEN_NAME,
                    HIDDEN_LOT,
                    602,
                    region("Thành phố Cần Thơ", "Phường Mỹ Xuyên"),
                ),
            ];
            for (id, name, batch, n, region) in members {
                let commit = name_commit(&salt(id), name);
                let key = PublicKey::from(key(n).verifying_key());
                server
                    .ok(&sign_as(COOP, |b| {
                        b.register_member(&actor(id), commit, key, region)
                            .cooperative(&actor(COOP))
                    }))
                    .await;
                let rice = builder::product(Category::Rice, "Gạo ST25");
                let origin = builder::place("Phường Sóc Trăng, Thành phố Cần Thơ");
                server
                    .ok(&sign_as(COOP, |b| {
                        b.batch_create(&lot(batch), rice, quantity("800", Unit::Kg), origin)
                            .producer(&actor(id))
                            .harvested_at(HarvestTime::parse("2026-11-20").expect("date"))
                    }))
                    .await;
            }
            server
        }
    }
}

/// Runs the independent Python verifier `tests/independent/SCRIPT` with
/// `args` (PyNaCl required: without it the test fails, never skips).
pub async fn run_independent(script: &str, args: Vec<String>) -> std::process::Output {
    let script = format!("{}/tests/independent/{script}", env!("CARGO_MANIFEST_DIR"));
    let mut cmd = std::process::Command::new("python3");
    // No __pycache__ beside the verifiers in the source tree.
    cmd.env("PYTHONDONTWRITEBYTECODE", "1");
    cmd.arg(script).args(args);
    let out = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .expect("verifier task")
        .unwrap_or_else(|e| {
            panic!("cannot run python3 ({e}): install Python 3 and then `pip install pynacl`")
        });
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("pip install pynacl"),
        "PyNaCl is missing: `pip install pynacl` (CI installs it)\n{stderr}"
    );
    out
}

/// A verifier run's exit code, stdout and stderr, for assertion messages.
pub fn transcript(out: &std::process::Output) -> String {
    format!(
        "exit: {:?}\n--- stdout\n{}--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The text of every ```json block of spec §6 (the statement examples), in
/// order, as printed in `spec`.
pub fn spec_section_6_json(spec: &str) -> Vec<String> {
    let six: String = spec
        .lines()
        .skip_while(|l| !l.starts_with("## 6."))
        .take_while(|l| !l.starts_with("## 7."))
        .map(|l| format!("{l}\n"))
        .collect();
    six.split("```json\n")
        .skip(1)
        .map(|b| b.split("\n```").next().unwrap_or("").to_owned())
        .collect()
}
