//! The page cache: rendered buyer pages and dashboards, each valid for the
//! tree size it was rendered at, and the QR images of batch pages.
//!
//! Both are bounded [`quick_cache::sync::Cache`]s (the crate's one cache
//! type): when full, the entries least likely to be asked for again make
//! room, instead of the whole cache starting over.
//!
//! A page may show a member's disclosed name, so every page is also tied
//! to the ledger's count of disclosure changes (spec §6.17): when a
//! withdrawal erases a disclosure (or one is kept), the next read or write
//! of the cache drops every page it holds, so no copy of an erased name
//! stays in memory and no page shows a household unnamed once it is named.

use crate::domain::messages::Lang;
use axum::body::Bytes;
use quick_cache::sync::Cache;
use std::sync::atomic::{AtomicU64, Ordering};

/// Most rendered pages (buyer pages and dashboards, each language apart)
/// kept per server. A batch page is some tens of KiB, so the cache holds
/// at most about a hundred MiB.
pub const MAX_CACHED_PAGES: usize = 4096;

/// Most QR images (SVG and PNG apart) kept per server; each is a few KiB.
pub const MAX_CACHED_IMAGES: usize = 4096;

/// A rendered page and the tree size it was rendered at.
type Cached = (u64, Bytes);

/// Rendered pages, keyed by path (with the query, where it matters) and
/// language, valid for one tree size: a new leaf anywhere gives a new
/// checkpoint, so a batch page (whose proofs lead to the checkpoint) or a
/// dashboard (whose figures may change) is rendered again. A page is never
/// served for a tree size other than the one it was rendered at.
pub struct PageCache {
    pages: Cache<(String, Lang), Cached>,
    /// QR images by request path: a batch's page URL never changes.
    images: Cache<String, Bytes>,
    /// The ledger's count of disclosure changes the pages were rendered
    /// under.
    disclosure_changes: AtomicU64,
}

impl Default for PageCache {
    fn default() -> Self {
        Self {
            pages: Cache::new(MAX_CACHED_PAGES),
            images: Cache::new(MAX_CACHED_IMAGES),
            disclosure_changes: AtomicU64::new(0),
        }
    }
}

impl PageCache {
    /// Drops every page when the ledger has kept or erased a disclosure
    /// since the pages were rendered (also called once a submission is
    /// answered, so that a withdrawal's answer comes after the drop) (`disclosure_changes` is its count now).
    pub(super) fn forget_changed(&self, disclosure_changes: u64) {
        if self
            .disclosure_changes
            .swap(disclosure_changes, Ordering::SeqCst)
            != disclosure_changes
        {
            self.pages.clear();
        }
    }

    /// The page rendered for `path` in `lang` at tree size `size`, if any
    /// and if no disclosure was kept or erased since (`disclosure_changes` is the ledger's
    /// count now).
    pub(super) fn get(
        &self,
        path: &str,
        lang: Lang,
        size: u64,
        disclosure_changes: u64,
    ) -> Option<Bytes> {
        self.forget_changed(disclosure_changes);
        self.pages
            .get(&(path.to_owned(), lang))
            .filter(|(s, _)| *s == size)
            .map(|(_, page)| page)
    }

    /// Keeps a page rendered at tree size `size`, under the ledger's count
    /// of disclosure changes when its data was read (`disclosure_changes`); a page read before
    /// an erasure is not kept.
    pub(super) fn put(
        &self,
        path: String,
        lang: Lang,
        size: u64,
        disclosure_changes: u64,
        page: Bytes,
    ) {
        if self.disclosure_changes.load(Ordering::SeqCst) > disclosure_changes {
            return;
        }
        self.forget_changed(disclosure_changes);
        self.pages.insert((path, lang), (size, page));
    }

    /// The QR image kept for `path`, if any.
    pub(super) fn image(&self, path: &str) -> Option<Bytes> {
        self.images.get(path)
    }

    /// Keeps a QR image.
    pub(super) fn put_image(&self, path: String, image: Bytes) {
        self.images.insert(path, image);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_served_only_at_the_tree_size_it_was_rendered_at() {
        let cache = PageCache::default();
        cache.put("/b/x".into(), Lang::Vi, 7, 0, Bytes::from_static(b"seven"));
        assert_eq!(
            cache.get("/b/x", Lang::Vi, 7, 0).as_deref(),
            Some(&b"seven"[..])
        );
        assert_eq!(cache.get("/b/x", Lang::Vi, 8, 0), None, "a newer tree");
        assert_eq!(cache.get("/b/x", Lang::En, 7, 0), None, "another language");
        cache.put("/b/x".into(), Lang::Vi, 8, 0, Bytes::from_static(b"eight"));
        assert_eq!(cache.get("/b/x", Lang::Vi, 7, 0), None, "an older tree");
    }

    /// Issue 13: an erasure drops every page, and a page read before it is
    /// not kept after it.
    #[test]
    fn an_erasure_drops_every_page() {
        let cache = PageCache::default();
        cache.put("/b/x".into(), Lang::Vi, 7, 0, Bytes::from_static(b"named"));
        cache.put("/b/y".into(), Lang::Vi, 7, 0, Bytes::from_static(b"other"));
        assert_eq!(cache.get("/b/y", Lang::Vi, 7, 1), None);
        assert_eq!(cache.pages.len(), 0, "nothing stays in memory");
        cache.put("/b/x".into(), Lang::Vi, 7, 0, Bytes::from_static(b"stale"));
        assert_eq!(
            cache.get("/b/x", Lang::Vi, 7, 1),
            None,
            "read before the erasure"
        );
    }

    #[test]
    fn the_cache_stays_within_its_bound() {
        let cache = PageCache::default();
        for i in 0..2 * MAX_CACHED_IMAGES {
            cache.put_image(format!("/b/{i}/qr.svg"), Bytes::from_static(b"<svg/>"));
        }
        assert!(cache.images.len() <= MAX_CACHED_IMAGES);
    }
}
