//! The signing app (issue 6) under `/app/`: the shell page, its service
//! worker and its web app manifest. The app itself runs on the phone
//! (`web/static/app*.js`): it makes and keeps the actor's key, signs there,
//! and talks to the JSON API like any other client. The server never sees
//! a private key; it serves files that are the same for every user.
//!
//! The shell carries, as JSON (`AppConfig`), every rule the forms check
//! before signing, taken from the domain so that the phone states none of
//! its own: who may sign each statement type ([`roles::signer_roles`]), the
//! spelling of each kind of field (the domain parsers' own patterns), the
//! word lists and limits of spec §3 and §6, the shape of each process's
//! transformation ([`transform_shape`]), the error code each check and
//! each rule between fields names, and the ledger's own sentences for each
//! code. A check on the
//! phone and a refusal from the server thus name the same code in the same
//! words.
//!
//! For members' privacy (issue 13, spec §6.17) it carries the prefix and
//! salt length of a name commitment (the phone computes `name_commit` and
//! keeps the name), the most decimals a coordinate may have, and the 2025
//! map: the 34 provinces (code and name) in the shell, and the 3,321
//! communes in one static JSON file under a content-hashed name
//! ([`communes_path`], about 96 KB, 26 KB gzipped) that the form fetches
//! when it needs it and the service worker keeps for offline use, so that
//! the shell every page load reads stays small.
//!
//! Offline: the service worker keeps the shell and every static file in a
//! cache named by a version that is the hash of all of them, so a new build
//! replaces the cache in one step and a phone never mixes two versions.

use super::assets;
use super::extract::ClientLang;
use super::i18n::{AppTexts, Texts};
use super::render::{TemplateError, html_page, render, unrenderable};
use crate::domain::envelope::MAX_ENVELOPE_BYTES;
use crate::domain::ids::{ID_PATTERN, MAX_ID_LEN};
use crate::domain::keys::PUBLIC_KEY_PATTERN;
use crate::domain::messages::{Code, Lang};
use crate::domain::places::{PlacesError, places};
use crate::domain::privacy::{NAME_COMMIT_PREFIX, PLOT_COMMIT_PREFIX, Salt};
use crate::domain::product::{
    BLAKE3_PATTERN, Category, GTIN_PATTERN, InspectResult, MAX_LAT, MAX_LON, MAX_OCOP_STARS,
    MIN_OCOP_STARS, Process, Scheme,
};
use crate::domain::quantity::AMOUNT_DECIMALS;
use crate::domain::quantity::{AMOUNT_PATTERN, MAX_AMOUNT_MILLI, Unit};
use crate::domain::rules::format::MAX_COORDINATE_DECIMALS;
use crate::domain::rules::roles::{self, SignerRoles};
use crate::domain::statement::{
    ANY_SIDES, MAX_CERTIFICATIONS, MAX_NOTE_CHARS, MAX_TEXT_CHARS, Role, StatementType,
    TransformShape, VERSION, transform_shape,
};
use crate::domain::time::{DATE_PATTERN, LOCAL_OFFSET_HOURS, YEARS};
use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// Where the app lives; the service worker's scope.
pub const SCOPE: &str = "/app/";

/// The service worker's path (inside [`SCOPE`], unhashed: browsers look for
/// updates of it at this one address).
pub const SERVICE_WORKER: &str = "/app/sw.js";

/// The manifest's path.
pub const MANIFEST: &str = "/app/manifest.webmanifest";

/// Word lists the forms offer.
#[derive(Serialize)]
struct Enums {
    categories: Vec<&'static str>,
    units: Vec<&'static str>,
    processes: Vec<&'static str>,
    schemes: Vec<&'static str>,
    results: Vec<&'static str>,
    roles: Vec<&'static str>,
}

/// The spelling of each kind of text field, as the domain's parsers accept
/// it: regular expressions that must match the whole value.
#[derive(Serialize)]
struct Patterns {
    id: &'static str,
    amount: &'static str,
    gtin: &'static str,
    date: &'static str,
    hash: &'static str,
    key: &'static str,
    /// A name commitment (`name_commit`).
    commit: &'static str,
}

/// The limits of spec §3 and §6 the forms check.
#[derive(Serialize)]
struct Limits {
    id_chars: usize,
    text_chars: usize,
    note_chars: usize,
    certifications: usize,
    /// The fewest batches on either side of a transformation.
    min_sides: usize,
    /// The most batches on either side of a transformation.
    sides: usize,
    max_amount: String,
    /// The fractional digits an amount may have.
    amount_decimals: u32,
    /// The length of an envelope's key and signature (base64 of Ed25519's
    /// 32 and 64 bytes).
    key_chars: usize,
    sig_chars: usize,
    envelope_bytes: usize,
    min_ocop_stars: u8,
    max_ocop_stars: u8,
    lat: f64,
    lon: f64,
    /// The most decimals of `origin.lat` and `origin.lon` (about 1 km).
    coordinate_decimals: u32,
    local_offset_hours: i8,
    /// The first and last year (in UTC) a time may fall in (spec §3.5).
    years: [i32; 2],
}

/// What a member's name commitment is made of (spec §6.17).
#[derive(Serialize)]
struct Privacy {
    /// The domain-separation prefix (`coop-ledger name v1\n`, ASCII).
    name_prefix: std::borrow::Cow<'static, str>,
    /// The recommended prefix of a plot commitment (`coop-ledger plot
    /// v1\n`).
    plot_prefix: std::borrow::Cow<'static, str>,
    /// The salt's length in bytes.
    salt_bytes: usize,
}

/// The 2025 map as the forms offer it.
#[derive(Serialize)]
struct PlacesConfig {
    /// Each province's code and name, in the table's order.
    provinces: Vec<(String, &'static str)>,
    /// The path of the communes of every province ([`communes_path`]).
    communes: &'static str,
}

/// What the app's script reads from the shell.
#[derive(Serialize)]
struct AppConfig {
    lang: &'static str,
    /// The statement format's version, the `v` of every statement.
    version: u64,
    sw: &'static str,
    scope: &'static str,
    enums: Enums,
    /// Who may sign each statement type, by its `type` string.
    signers: BTreeMap<&'static str, SignerRoles>,
    patterns: Patterns,
    limits: Limits,
    /// The code each kind of check names ([`CODES`]).
    codes: BTreeMap<&'static str, &'static str>,
    /// The shape of a transformation by each process
    /// ([`transform_shape`]), by the process's word.
    transforms: BTreeMap<&'static str, TransformShape>,
    /// The role of the actors that belong to a cooperative (they name it
    /// when they are registered).
    member_role: Role,
    messages: BTreeMap<&'static str, &'static str>,
    privacy: Privacy,
    places: PlacesConfig,
}

const PATTERNS: Patterns = Patterns {
    id: ID_PATTERN,
    amount: AMOUNT_PATTERN,
    gtin: GTIN_PATTERN,
    date: DATE_PATTERN,
    hash: BLAKE3_PATTERN,
    key: PUBLIC_KEY_PATTERN,
    commit: BLAKE3_PATTERN,
};

/// The code the ledger refuses a bad value of each kind of field with (and
/// a bad word of each word list), and the one each rule between fields
/// names, so that the phone names the same one. No key is itself a code,
/// so that the app's script spells none.
const CODES: &[(&str, Code)] = &[
    ("id", Code::BadId),
    ("text", Code::TooLong),
    ("amount", Code::BadAmount),
    ("gtin", Code::BadGtin),
    ("stars", Code::BadOcopStars),
    ("coordinates", Code::BadCoordinates),
    ("date", Code::BadTime),
    ("hash", Code::BadHash),
    ("key", Code::BadKey),
    ("index", Code::MalformedStatement),
    ("categories", Code::BadCategory),
    ("units", Code::BadUnit),
    ("processes", Code::MalformedStatement),
    ("schemes", Code::MalformedStatement),
    ("results", Code::MalformedStatement),
    ("roles", Code::MalformedStatement),
    ("choice", Code::MalformedStatement),
    ("missing", Code::MalformedStatement),
    ("too_many", Code::TooManyItems),
    // A side of a transformation with fewer than `min_sides` batches.
    ("too_few", Code::BadTransform),
    // Rules between fields (spec §6), checked by the parser.
    ("harvest", Code::HarvestAfterStatement),
    ("period", Code::BadPeriod),
    ("transform", Code::BadTransform),
    // Rules the ledger checks against its state, which the phone checks
    // against the holder's view.
    ("to_self", Code::ShipToSelf),
    ("beyond_remaining", Code::AmountExceedsRemaining),
    ("mixed_units", Code::UnitMismatch),
    ("totals", Code::QuantityMismatch),
    ("envelope", Code::TooLarge),
    // Members' privacy and the 2025 map (spec §6.17).
    ("commit", Code::BadHash),
    ("precision", Code::TooPrecise),
    ("province", Code::UnknownProvince),
    ("commune", Code::UnknownCommune),
    ("consent_form", Code::ConsentFormMissing),
];

/// A table of the map that does not hold (a build with a bad table, which
/// the domain's tests rule out), reported as a template that fails.
fn unmapped(e: PlacesError) -> TemplateError {
    TemplateError {
        template: "AppConfig.places",
        source: askama::Error::Custom(Box::new(e)),
    }
}

/// The communes of every province, by the province's code: `[code, name]`
/// in the table's order, as JSON, and the content-hashed path it is served
/// under.
static COMMUNES: LazyLock<Result<(String, String), TemplateError>> = LazyLock::new(|| {
    let map = places().map_err(unmapped)?;
    let by_province: BTreeMap<String, Vec<(String, &str)>> = map
        .provinces()
        .iter()
        .map(|p| {
            let communes = map.communes_of(p.code).unwrap_or_default();
            let list = communes
                .iter()
                .map(|c| (c.code.to_string(), c.name))
                .collect();
            (p.code.to_string(), list)
        })
        .collect();
    let json = serde_json::to_string(&by_province).map_err(|e| unwritable("communes", e))?;
    let hash = blake3::hash(json.as_bytes()).to_hex();
    Ok((format!("{SCOPE}communes.{}.json", &hash[..16]), json))
});

/// Where the communes' list is served (`/app/communes.HASH.json`): a new
/// table gives a new name, so it is cached for good.
pub fn communes_path() -> &'static str {
    match &*COMMUNES {
        Ok((path, _)) => path,
        Err(_) => "/app/communes.json",
    }
}

/// The length of the byte array a value's bytes are (a salt's 32).
const fn bytes_of<T, const N: usize>(_: fn(&T) -> &[u8; N]) -> usize {
    N
}

/// The characters of the standard base64 of `n` bytes, padded.
const fn base64_chars(n: usize) -> usize {
    n.div_ceil(3) * 4
}

/// A JSON value of the app's that could not be written: a bug, reported
/// as a template of the app's that fails to render.
fn unwritable(what: &'static str, e: serde_json::Error) -> TemplateError {
    TemplateError {
        template: what,
        source: askama::Error::Custom(Box::new(e)),
    }
}

fn config(lang: Lang) -> Result<String, TemplateError> {
    let cfg = AppConfig {
        lang: lang.tag(),
        version: VERSION,
        sw: SERVICE_WORKER,
        scope: SCOPE,
        enums: Enums {
            categories: Category::ALL.iter().map(|c| c.as_str()).collect(),
            units: Unit::ALL.iter().map(|u| u.as_str()).collect(),
            processes: Process::ALL.iter().map(|p| p.as_str()).collect(),
            schemes: Scheme::ALL.iter().map(|s| s.as_str()).collect(),
            results: InspectResult::ALL.iter().map(|r| r.as_str()).collect(),
            roles: Role::ALL.iter().map(|r| r.as_str()).collect(),
        },
        signers: StatementType::ALL
            .into_iter()
            .map(|t| (t.as_str(), roles::signer_roles(t)))
            .collect(),
        patterns: PATTERNS,
        codes: CODES.iter().map(|(k, c)| (*k, c.as_str())).collect(),
        transforms: Process::ALL
            .iter()
            .map(|p| (p.as_str(), transform_shape(*p)))
            .collect(),
        limits: Limits {
            id_chars: MAX_ID_LEN,
            text_chars: MAX_TEXT_CHARS,
            note_chars: MAX_NOTE_CHARS,
            certifications: MAX_CERTIFICATIONS,
            min_sides: ANY_SIDES.min,
            sides: ANY_SIDES.max,
            max_amount: (MAX_AMOUNT_MILLI / 10u64.pow(AMOUNT_DECIMALS)).to_string(),
            amount_decimals: AMOUNT_DECIMALS,
            key_chars: base64_chars(ed25519_dalek::PUBLIC_KEY_LENGTH),
            sig_chars: base64_chars(ed25519_dalek::SIGNATURE_LENGTH),
            envelope_bytes: MAX_ENVELOPE_BYTES,
            min_ocop_stars: MIN_OCOP_STARS,
            max_ocop_stars: MAX_OCOP_STARS,
            lat: MAX_LAT,
            lon: MAX_LON,
            coordinate_decimals: MAX_COORDINATE_DECIMALS,
            local_offset_hours: LOCAL_OFFSET_HOURS,
            years: [*YEARS.start(), *YEARS.end()],
        },
        member_role: Role::Member,
        messages: Code::ALL
            .iter()
            .map(|c| (c.as_str(), c.message(lang)))
            .collect(),
        privacy: Privacy {
            name_prefix: String::from_utf8_lossy(NAME_COMMIT_PREFIX),
            plot_prefix: String::from_utf8_lossy(PLOT_COMMIT_PREFIX),
            salt_bytes: bytes_of(Salt::as_bytes),
        },
        places: PlacesConfig {
            provinces: places()
                .map_err(unmapped)?
                .provinces()
                .iter()
                .map(|p| (p.code.to_string(), p.name))
                .collect(),
            communes: communes_path(),
        },
    };
    // Inside <script>: no `<` may end the element early.
    serde_json::to_string(&cfg)
        .map(|json| json.replace('<', "\\u003c"))
        .map_err(|e| unwritable("AppConfig", e))
}

/// `/app/`: the shell page.
#[derive(Template)]
#[template(path = "app.html")]
struct AppPage {
    t: &'static Texts,
    a: &'static AppTexts,
    style: &'static str,
    app_css: &'static str,
    app_js: &'static str,
    import_map: &'static str,
    manifest: &'static str,
    config: String,
    other_lang_url: String,
}

/// The shell page in `lang`.
fn render_shell(lang: Lang) -> Result<String, TemplateError> {
    let t = Texts::of(lang);
    let config = config(lang)?;
    let page = AppPage {
        t,
        a: AppTexts::of(lang),
        style: assets::path("style.css"),
        app_css: assets::path("app.css"),
        app_js: assets::path("app.js"),
        import_map: assets::import_map(),
        manifest: MANIFEST,
        config,
        other_lang_url: format!("{SCOPE}?lang={}", t.other_tag),
    };
    render(&page)
}

/// The shells, rendered once ([`check_templates`] has rendered them at
/// start-up, so an error here is not expected while serving).
static SHELL_VI: LazyLock<Result<String, TemplateError>> = LazyLock::new(|| render_shell(Lang::Vi));
static SHELL_EN: LazyLock<Result<String, TemplateError>> = LazyLock::new(|| render_shell(Lang::En));

/// The web app manifest (W3C Web Application Manifest): the app opens at
/// [`SCOPE`] like an installed app.
static MANIFEST_JSON: LazyLock<String> = LazyLock::new(|| {
    serde_json::json!({
        "name": "coop-ledger",
        "short_name": "Sổ HTX",
        "lang": "vi",
        "start_url": SCOPE,
        "scope": SCOPE,
        "display": "standalone",
        "background_color": "#f7faf7",
        "theme_color": "#1f7a3a",
    })
    .to_string()
});

/// The service worker (`web/templates/sw.js`).
#[derive(Template)]
#[template(path = "sw.js", escape = "none")]
struct ServiceWorker {
    version: String,
    precache: String,
}

/// The service worker's script: its cache is named by the hash of both
/// shells, the manifest and every static file.
fn render_service_worker() -> Result<String, TemplateError> {
    let mut precache: Vec<String> = vec![
        SCOPE.to_owned(),
        format!("{SCOPE}?lang=vi"),
        format!("{SCOPE}?lang=en"),
        MANIFEST.to_owned(),
    ];
    let (communes, _) = COMMUNES.as_ref().map_err(|e| TemplateError {
        template: e.template,
        source: askama::Error::Custom(e.to_string().into()),
    })?;
    precache.push(communes.clone());
    precache.extend(assets::all_paths().iter().cloned());
    let mut h = blake3::Hasher::new();
    let shells = [render_shell(Lang::Vi)?, render_shell(Lang::En)?];
    // The communes' path names its content.
    for part in shells
        .iter()
        .chain([&*MANIFEST_JSON, communes])
        .chain(assets::all_paths())
    {
        h.update(&(part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    let precache =
        serde_json::to_string(&precache).map_err(|e| unwritable("ServiceWorker.precache", e))?;
    render(&ServiceWorker {
        version: h.finalize().to_hex()[..16].to_owned(),
        precache,
    })
}

static SERVICE_WORKER_JS: LazyLock<Result<String, TemplateError>> =
    LazyLock::new(render_service_worker);

/// Renders the shell in both languages and the service worker (which
/// hashes the shells), at start-up ([`super::router`]).
pub(super) fn check_templates() -> Result<(), TemplateError> {
    render_service_worker().map(drop)
}

/// `GET /app/communes.HASH.json`: the communes of every province, cached
/// for good (its name changes with its content).
pub async fn communes(ClientLang(lang): ClientLang) -> Response {
    match &*COMMUNES {
        Ok((_, json)) => (
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            json.clone(),
        )
            .into_response(),
        Err(e) => unrenderable(lang, e),
    }
}

/// `GET /app`: to the app's scope.
pub async fn redirect() -> Redirect {
    Redirect::permanent(SCOPE)
}

/// `GET /app/`: the shell, in the client's language.
pub async fn shell(ClientLang(lang): ClientLang) -> Response {
    let shell = match lang {
        Lang::Vi => &*SHELL_VI,
        Lang::En => &*SHELL_EN,
    };
    match shell {
        Ok(body) => html_page(StatusCode::OK, body.clone()),
        Err(e) => unrenderable(lang, e),
    }
}

/// `GET /app/sw.js`: the service worker. Never cached by HTTP, so that a
/// new build reaches phones on their next visit.
pub async fn service_worker(ClientLang(lang): ClientLang) -> Response {
    match &*SERVICE_WORKER_JS {
        Ok(js) => (
            [
                (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            js.clone(),
        )
            .into_response(),
        Err(e) => unrenderable(lang, e),
    }
}

/// `GET /app/manifest.webmanifest`.
pub async fn manifest() -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/manifest+json"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        MANIFEST_JSON.as_str(),
    )
        .into_response()
}

#[cfg(test)]
mod tests;
