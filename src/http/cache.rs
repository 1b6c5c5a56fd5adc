//! The page cache: rendered buyer pages and dashboards, each valid for the
//! tree size it was rendered at, and the QR images of batch pages.

use crate::domain::messages::Lang;
use axum::body::Bytes;
use std::collections::HashMap;
use std::sync::Mutex;

/// Rendered pages kept per server before the cache starts over.
const MAX_CACHED_PAGES: usize = 4096;

/// Rendered pages, keyed by path (with the query, where it matters) and
/// language, valid for one tree size: a new leaf anywhere gives a new
/// checkpoint, so a batch page (whose proofs lead to the checkpoint) or a
/// dashboard (whose figures may change) is rendered again.
#[derive(Default)]
pub struct PageCache {
    pages: Mutex<HashMap<(String, Lang), Cached>>,
    /// QR images by request path: a batch's page URL never changes.
    images: Mutex<HashMap<String, Bytes>>,
}

/// A rendered page and the tree size it was rendered at.
type Cached = (u64, Bytes);

impl PageCache {
    /// The page rendered for `path` in `lang` at tree size `size`, if any.
    pub(super) fn get(&self, path: &str, lang: Lang, size: u64) -> Option<Bytes> {
        let pages = self.pages.lock().ok()?;
        pages
            .get(&(path.to_owned(), lang))
            .filter(|(s, _)| *s == size)
            .map(|(_, p)| p.clone())
    }

    pub(super) fn image(&self, path: &str) -> Option<Bytes> {
        self.images.lock().ok()?.get(path).cloned()
    }

    pub(super) fn put_image(&self, path: String, image: Bytes) {
        if let Ok(mut images) = self.images.lock() {
            if images.len() >= MAX_CACHED_PAGES {
                images.clear();
            }
            images.insert(path, image);
        }
    }

    /// Keeps a page rendered at tree size `size`.
    pub(super) fn put(&self, path: String, lang: Lang, size: u64, page: Bytes) {
        if let Ok(mut pages) = self.pages.lock() {
            if pages.len() >= MAX_CACHED_PAGES {
                pages.clear();
            }
            pages.insert((path, lang), (size, page));
        }
    }
}
