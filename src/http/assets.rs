//! Static files of the pages, embedded at compile time and served under
//! content-hashed names (`/static/verify.1a2b3c4d5e6f7a8b.js`) with a
//! year-long immutable cache: a phone on a weak connection fetches each
//! version once. No page asks any other host for anything.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::sync::LazyLock;

/// One embedded file.
struct Asset {
    stem: &'static str,
    ext: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

const FILES: &[Asset] = &[
    Asset {
        stem: "style",
        ext: "css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../../web/static/style.css"),
    },
    Asset {
        stem: "verify",
        ext: "js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../web/static/verify.js"),
    },
    Asset {
        stem: "noble-ed25519",
        ext: "js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../web/vendor/noble-ed25519/index.js"),
    },
];

/// Each file's public path: its stem, the first 16 hex digits of the
/// BLAKE3 of its bytes, its extension.
static PATHS: LazyLock<Vec<String>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|a| {
            let hash = blake3::hash(a.body).to_hex();
            format!("/static/{}.{}.{}", a.stem, &hash[..16], a.ext)
        })
        .collect()
});

/// The public path of the file named `stem` (`style`, `verify`,
/// `noble-ed25519`); empty if there is none.
pub fn path(stem: &str) -> &'static str {
    FILES
        .iter()
        .position(|a| a.stem == stem)
        .and_then(|i| PATHS.get(i))
        .map_or("", String::as_str)
}

/// `GET /static/{file}`: an embedded file by its hashed name.
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
