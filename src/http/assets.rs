//! Static files of the pages and of the signing app, embedded at compile
//! time and served under content-hashed names
//! (`/static/verify.1a2b3c4d5e6f7a8b.js`) with a year-long immutable cache:
//! a phone on a weak connection fetches each version once. No page asks any
//! other host for anything.
//!
//! A vendored library made of several modules that import each other by
//! relative path is served as one directory whose name carries the hash of
//! all its files (`/static/noble-hashes.0123456789abcdef/blake3.js`).
//! Pages reach the JavaScript modules through an import map
//! ([`import_map`]), so module code names `"proofs"` or `"qrcode"` and never
//! a hashed path.
//!
//! [`IMPORT_MAP`] maps the module names pages import (`proofs`,
//! `noble-ed25519`, `qrcode`, `blake3`, `app/*`) to the hashed paths; pages
//! carry it as `<script type="importmap">`.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::sync::LazyLock;

/// One embedded file.
struct Asset {
    /// `stem.ext`, or `dir/file.ext` for a file of a directory.
    name: &'static str,
    /// The module specifier pages import it by, if it is a module they
    /// import directly.
    specifier: Option<&'static str>,
    content_type: &'static str,
    body: &'static [u8],
}

const CSS: &str = "text/css; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";

macro_rules! asset {
    ($name:literal, $spec:expr, $ty:expr, $path:literal) => {
        Asset {
            name: $name,
            specifier: $spec,
            content_type: $ty,
            body: include_bytes!(concat!("../../web/", $path)),
        }
    };
}

const FILES: &[Asset] = &[
    asset!("style.css", None, CSS, "static/style.css"),
    asset!("dashboard.css", None, CSS, "static/dashboard.css"),
    asset!("app.css", None, CSS, "static/app.css"),
    asset!("verify.js", None, JS, "static/verify.js"),
    asset!("print.js", None, JS, "static/print.js"),
    asset!("proofs.js", Some("proofs"), JS, "static/proofs.js"),
    asset!("app.js", None, JS, "static/app.js"),
    asset!("app-keys.js", Some("app/keys"), JS, "static/app-keys.js"),
    asset!("app-db.js", Some("app/db"), JS, "static/app-db.js"),
    asset!("app-forms.js", Some("app/forms"), JS, "static/app-forms.js"),
    asset!(
        "app-outbox.js",
        Some("app/outbox"),
        JS,
        "static/app-outbox.js"
    ),
    asset!("format.js", Some("format"), JS, "static/format.js"),
    asset!("app-texts.js", Some("app/texts"), JS, "static/app-texts.js"),
    asset!("app-ui.js", Some("app/ui"), JS, "static/app-ui.js"),
    asset!("app-net.js", Some("app/net"), JS, "static/app-net.js"),
    asset!("app-setup.js", Some("app/setup"), JS, "static/app-setup.js"),
    asset!("app-home.js", Some("app/home"), JS, "static/app-home.js"),
    asset!("app-form.js", Some("app/form"), JS, "static/app-form.js"),
    asset!("app-item.js", Some("app/item"), JS, "static/app-item.js"),
    asset!("app-mykey.js", Some("app/mykey"), JS, "static/app-mykey.js"),
    asset!(
        "app-members.js",
        Some("app/members"),
        JS,
        "static/app-members.js"
    ),
    asset!(
        "noble-ed25519.js",
        Some("noble-ed25519"),
        JS,
        "vendor/noble-ed25519/index.js"
    ),
    asset!(
        "qrcode.js",
        Some("qrcode"),
        JS,
        "vendor/qrcode-generator/qrcode.mjs"
    ),
    asset!(
        "noble-hashes/blake3.js",
        Some("blake3"),
        JS,
        "vendor/noble-hashes/blake3.js"
    ),
    asset!(
        "noble-hashes/_blake.js",
        None,
        JS,
        "vendor/noble-hashes/_blake.js"
    ),
    asset!(
        "noble-hashes/blake2.js",
        None,
        JS,
        "vendor/noble-hashes/blake2.js"
    ),
    asset!(
        "noble-hashes/utils.js",
        None,
        JS,
        "vendor/noble-hashes/utils.js"
    ),
    asset!(
        "noble-hashes/_md.js",
        None,
        JS,
        "vendor/noble-hashes/_md.js"
    ),
    asset!(
        "noble-hashes/_u64.js",
        None,
        JS,
        "vendor/noble-hashes/_u64.js"
    ),
];

fn short_hash(parts: impl IntoIterator<Item = &'static [u8]>) -> String {
    let mut h = blake3::Hasher::new();
    for p in parts {
        h.update(&(p.len() as u64).to_be_bytes());
        h.update(p);
    }
    h.finalize().to_hex()[..16].to_owned()
}

/// Each file's public path (same order as [`FILES`]).
static PATHS: LazyLock<Vec<String>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|a| match a.name.split_once('/') {
            Some((dir, file)) => {
                let prefix = format!("{dir}/");
                let hash = short_hash(
                    FILES
                        .iter()
                        .filter(|b| b.name.starts_with(&prefix))
                        .map(|b| b.body),
                );
                format!("/static/{dir}.{hash}/{file}")
            }
            None => {
                let (stem, ext) = a.name.rsplit_once('.').unwrap_or((a.name, ""));
                format!("/static/{stem}.{}.{ext}", short_hash([a.body]))
            }
        })
        .collect()
});

/// The public path of the file `name` (`style.css`, `verify.js`,
/// `noble-hashes/blake3.js`); empty if there is none.
pub fn path(name: &str) -> &'static str {
    FILES
        .iter()
        .position(|a| a.name == name)
        .and_then(|i| PATHS.get(i))
        .map_or("", String::as_str)
}

/// Every public path, for the signing app's offline cache.
pub fn all_paths() -> &'static [String] {
    &PATHS
}

/// The import map every page with modules carries
/// (`<script type="importmap">`): each module specifier to its hashed path.
pub static IMPORT_MAP: LazyLock<String> = LazyLock::new(|| {
    let imports: serde_json::Map<String, serde_json::Value> = FILES
        .iter()
        .zip(PATHS.iter())
        .filter_map(|(a, p)| a.specifier.map(|s| (s.to_owned(), p.clone().into())))
        .collect();
    serde_json::json!({ "imports": imports }).to_string()
});

/// The import map as JSON text, safe inside a `<script>` element (the paths
/// are ASCII names and hex, never `<`).
pub fn import_map() -> &'static str {
    &IMPORT_MAP
}

/// `GET /static/{*file}`: an embedded file by its hashed name.
pub async fn serve(Path(file): Path<String>) -> Response {
    let wanted = format!("/static/{file}");
    match PATHS.iter().position(|p| *p == wanted) {
        Some(i) => (
            [
                (header::CONTENT_TYPE, FILES[i].content_type),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            FILES[i].body,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "not found\n").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_path_is_unique_and_found_by_its_name() {
        let mut seen = std::collections::HashSet::new();
        for (a, p) in FILES.iter().zip(PATHS.iter()) {
            assert!(seen.insert(p.clone()), "{p} twice");
            assert_eq!(path(a.name), p);
        }
    }

    #[test]
    fn a_directory_keeps_its_file_names_under_one_hashed_name() {
        let blake3 = path("noble-hashes/blake3.js");
        let utils = path("noble-hashes/utils.js");
        let dir = |p: &str| p.rsplit_once('/').map(|(d, _)| d.to_owned());
        assert_eq!(dir(blake3), dir(utils));
        assert!(blake3.ends_with("/blake3.js"));
        assert!(import_map().contains(blake3));
    }
}
