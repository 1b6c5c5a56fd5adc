//! The Merkle tree: exactly RFC 6962 / RFC 9162 §2.1 with SHA-256.
//!
//! * leaf hash = SHA-256(0x00 ‖ leaf bytes), node = SHA-256(0x01 ‖ l ‖ r),
//!   empty tree = SHA-256("") (RFC 9162 §2.1.1);
//! * inclusion proofs and their verification: RFC 9162 §2.1.3;
//! * consistency proofs and their verification: RFC 9162 §2.1.4.
//!
//! The arithmetic comes from `tlog_tiles` (cloudflare/azul's port of Go's
//! `golang.org/x/mod/sumdb/tlog`). Its *stored hash* layout keeps every
//! complete subtree hash once, at [`stored_hash_index`], so a proof or a root
//! at any size is O(log n) reads and never a rehash of the log. This module
//! adds the edge cases the RFC and the transparency-dev test vectors fix
//! (empty trees, equal sizes) and a clear error type.

use std::fmt;

pub use tlog_tiles::Error as TlogError;
pub use tlog_tiles::{
    EMPTY_HASH, Hash, HashReader, prove_record, prove_tree, stored_hash_count, stored_hash_index,
    stored_hashes_for_record_hash, tree_hash,
};

/// The longest inclusion proof accepted: a proof is never longer than the
/// tree is deep (spec §4.5).
pub const MAX_INCLUSION_PROOF_HASHES: usize = 64;

/// The longest consistency proof accepted (spec §4.5).
pub const MAX_CONSISTENCY_PROOF_HASHES: usize = 128;

/// A proof that does not verify, or a request no proof can answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The index is not below the tree size.
    #[error("index {index} is not inside a tree of size {size}")]
    IndexOutOfRange {
        /// The leaf index asked about.
        index: u64,
        /// The tree size.
        size: u64,
    },
    /// The sizes are not `0 < from <= to`.
    #[error("a consistency proof needs 0 < from <= to (got from {from}, to {to})")]
    BadSizes {
        /// The older size.
        from: u64,
        /// The newer size.
        to: u64,
    },
    /// The proof does not lead to the given root(s).
    #[error("the proof does not verify")]
    Invalid,
}

/// The RFC 6962 leaf hash of leaf bytes.
pub fn leaf_hash(leaf: &[u8]) -> Hash {
    tlog_tiles::record_hash(leaf)
}

/// Verifies an inclusion proof (RFC 9162 §2.1.3.2): leaf `index` with hash
/// `leaf` is in the tree of `size` leaves whose root is `root`.
pub fn verify_inclusion(
    index: u64,
    size: u64,
    leaf: Hash,
    proof: &[Hash],
    root: Hash,
) -> Result<(), ProofError> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    if proof.len() > MAX_INCLUSION_PROOF_HASHES {
        return Err(ProofError::Invalid);
    }
    tlog_tiles::check_record(&proof.to_vec(), size, root, index, leaf)
        .map_err(|_| ProofError::Invalid)
}

/// Verifies a consistency proof (RFC 9162 §2.1.4.2): the tree of `from`
/// leaves with root `old` is a prefix of the tree of `to` leaves with root
/// `new`. A proof from the empty tree is meaningless and refused; equal sizes
/// need an empty proof and equal roots.
pub fn verify_consistency(
    from: u64,
    to: u64,
    old: Hash,
    new: Hash,
    proof: &[Hash],
) -> Result<(), ProofError> {
    if from == 0 || from > to {
        return Err(ProofError::BadSizes { from, to });
    }
    if proof.len() > MAX_CONSISTENCY_PROOF_HASHES {
        return Err(ProofError::Invalid);
    }
    tlog_tiles::check_tree(&proof.to_vec(), to, new, from, old).map_err(|_| ProofError::Invalid)
}

/// Stored hashes held in memory, in stored-hash-index order: what the audit
/// builds as it replays the log, and what tests use as a reference tree.
#[derive(Default, Clone)]
pub struct MemHashes {
    hashes: Vec<Hash>,
    size: u64,
}

impl MemHashes {
    /// An empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends the leaf with this leaf hash.
    pub fn push(&mut self, leaf: Hash) -> Result<(), TlogError> {
        let new = stored_hashes_for_record_hash(self.size, leaf, &*self)?;
        self.hashes.extend(new);
        self.size += 1;
        Ok(())
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The root of the tree of the first `size` leaves.
    pub fn root_at(&self, size: u64) -> Result<Hash, TlogError> {
        tree_hash(size, self)
    }
}

impl HashReader for MemHashes {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, TlogError> {
        indexes
            .iter()
            .map(|&i| {
                usize::try_from(i)
                    .ok()
                    .and_then(|i| self.hashes.get(i).copied())
                    .ok_or(TlogError::IndexesNotInTree)
            })
            .collect()
    }
}

impl fmt::Debug for MemHashes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MemHashes(size {})", self.size)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Known answer: RFC 6962 empty-tree root is SHA-256 of the empty string.
    #[test]
    fn empty_tree_root_is_sha256_of_nothing() {
        let t = MemHashes::new();
        assert_eq!(t.root_at(0).expect("root").0, *b"\xe3\xb0\xc4\x42\x98\xfc\x1c\x14\x9a\xfb\xf4\xc8\x99\x6f\xb9\x24\x27\xae\x41\xe4\x64\x9b\x93\x4c\xa4\x95\x99\x1b\x78\x52\xb8\x55");
    }

    #[test]
    fn two_leaf_root_is_the_node_hash_of_the_leaf_hashes() {
        let mut t = MemHashes::new();
        t.push(leaf_hash(b"a")).expect("push");
        t.push(leaf_hash(b"b")).expect("push");
        let want = tlog_tiles::node_hash(leaf_hash(b"a"), leaf_hash(b"b"));
        assert_eq!(t.root_at(2).expect("root"), want);
    }
}
