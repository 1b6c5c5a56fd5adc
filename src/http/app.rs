//! The signing app (issue 6) under `/app/`: the shell page, its service
//! worker and its web app manifest. The app itself runs on the phone
//! (`web/static/app*.js`): it makes and keeps the actor's key, signs there,
//! and talks to the JSON API like any other client. The server never sees
//! a private key; it serves files that are the same for every user.
//!
//! The shell carries, as JSON, what the forms check before signing: the
//! word lists and limits of spec §3 and §6 and the ledger's own sentences
//! for each error code, so that a check on the phone and a refusal from the
//! server name the same code in the same words.
//!
//! Offline: the service worker keeps the shell and every static file in a
//! cache named by a version that is the hash of all of them, so a new build
//! replaces the cache in one step and a phone never mixes two versions.

use super::assets;
use super::extract::ClientLang;
use super::i18n::{AppTexts, Texts};
use super::render::html_page;
use crate::domain::envelope::MAX_ENVELOPE_BYTES;
use crate::domain::ids::MAX_ID_LEN;
use crate::domain::messages::{Code, Lang};
use crate::domain::product::{Category, Process, Scheme};
use crate::domain::quantity::{MAX_AMOUNT_MILLI, Unit};
use crate::domain::statement::{
    MAX_CERTIFICATIONS, MAX_NOTE_CHARS, MAX_TEXT_CHARS, MAX_TRANSFORM_SIDES, Role,
};
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
    roles: Vec<String>,
}

/// The limits of spec §3 and §6 the forms check.
#[derive(Serialize)]
struct Limits {
    id_chars: usize,
    text_chars: usize,
    note_chars: usize,
    certifications: usize,
    sides: usize,
    max_amount: String,
    envelope_bytes: usize,
}

/// What the app's script reads from the shell.
#[derive(Serialize)]
struct AppConfig {
    lang: &'static str,
    sw: &'static str,
    scope: &'static str,
    enums: Enums,
    limits: Limits,
    messages: BTreeMap<&'static str, &'static str>,
}

fn config(lang: Lang) -> Option<String> {
    let role = |r: &Role| {
        serde_json::to_value(r)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    };
    let cfg = AppConfig {
        lang: lang.tag(),
        sw: SERVICE_WORKER,
        scope: SCOPE,
        enums: Enums {
            categories: Category::ALL.iter().map(|c| c.as_str()).collect(),
            units: Unit::ALL.iter().map(|u| u.as_str()).collect(),
            processes: Process::ALL.iter().map(|p| p.as_str()).collect(),
            schemes: Scheme::ALL.iter().map(|s| s.as_str()).collect(),
            roles: Role::ALL.iter().map(role).collect(),
        },
        limits: Limits {
            id_chars: MAX_ID_LEN,
            text_chars: MAX_TEXT_CHARS,
            note_chars: MAX_NOTE_CHARS,
            certifications: MAX_CERTIFICATIONS,
            sides: MAX_TRANSFORM_SIDES,
            max_amount: (MAX_AMOUNT_MILLI / 1000).to_string(),
            envelope_bytes: MAX_ENVELOPE_BYTES,
        },
        messages: Code::ALL
            .iter()
            .map(|c| (c.as_str(), c.message(lang)))
            .collect(),
    };
    // Inside <script>: no `<` may end the element early.
    serde_json::to_string(&cfg)
        .ok()
        .map(|json| json.replace('<', "\\u003c"))
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

/// The shell page, or an empty string if it could not be made (the
/// handler then answers 500).
fn render_shell(lang: Lang) -> String {
    let t = Texts::of(lang);
    let Some(config) = config(lang) else {
        tracing::error!("app shell config");
        return String::new();
    };
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
    page.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "app shell template");
        String::new()
    })
}

static SHELL_VI: LazyLock<String> = LazyLock::new(|| render_shell(Lang::Vi));
static SHELL_EN: LazyLock<String> = LazyLock::new(|| render_shell(Lang::En));

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

static SERVICE_WORKER_JS: LazyLock<String> = LazyLock::new(|| {
    let mut precache: Vec<String> = vec![
        SCOPE.to_owned(),
        format!("{SCOPE}?lang=vi"),
        format!("{SCOPE}?lang=en"),
        MANIFEST.to_owned(),
    ];
    precache.extend(assets::all_paths().iter().cloned());
    let mut h = blake3::Hasher::new();
    for part in [&*SHELL_VI, &*SHELL_EN, &*MANIFEST_JSON]
        .into_iter()
        .chain(assets::all_paths())
    {
        h.update(&(part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    let Ok(precache) = serde_json::to_string(&precache) else {
        tracing::error!("service worker precache list");
        return String::new();
    };
    let sw = ServiceWorker {
        version: h.finalize().to_hex()[..16].to_owned(),
        precache,
    };
    sw.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "service worker template");
        String::new()
    })
});

/// `GET /app`: to the app's scope.
pub async fn redirect() -> Redirect {
    Redirect::permanent(SCOPE)
}

/// `GET /app/`: the shell, in the client's language.
pub async fn shell(ClientLang(lang): ClientLang) -> Response {
    let body = match lang {
        Lang::Vi => SHELL_VI.as_str(),
        Lang::En => SHELL_EN.as_str(),
    };
    if body.is_empty() {
        return (StatusCode::INTERNAL_SERVER_ERROR, "internal\n").into_response();
    }
    html_page(StatusCode::OK, body)
}

/// `GET /app/sw.js`: the service worker. Never cached by HTTP, so that a
/// new build reaches phones on their next visit.
pub async fn service_worker() -> Response {
    if SERVICE_WORKER_JS.is_empty() {
        return (StatusCode::INTERNAL_SERVER_ERROR, "internal\n").into_response();
    }
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        SERVICE_WORKER_JS.as_str(),
    )
        .into_response()
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
mod tests {
    use super::*;

    #[test]
    fn the_shell_carries_every_code_in_its_language_and_no_raw_lt_in_its_json() {
        let cfg = config(Lang::Vi).expect("config");
        assert!(!cfg.contains('<'));
        let v: serde_json::Value = serde_json::from_str(&cfg).expect("json");
        for code in Code::ALL {
            assert_eq!(v["messages"][code.as_str()], code.message(Lang::Vi));
        }
        assert_eq!(v["limits"]["max_amount"], "1000000000000");
    }

    #[test]
    fn the_service_worker_precaches_the_shell_and_every_static_file() {
        let sw = SERVICE_WORKER_JS.as_str();
        for p in assets::all_paths() {
            assert!(sw.contains(p.as_str()), "{p}");
        }
        assert!(sw.contains("\"/app/?lang=en\""));
    }
}
