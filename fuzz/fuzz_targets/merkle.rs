//! Proof verification (`domain::merkle`, RFC 9162 §2.1.3–2.1.4) with
//! arbitrary proofs against a real tree.
//!
//! The input picks a tree of 1 to 300 leaves, an index, two sizes and a
//! root; the rest is read as a proof, 32 bytes a hash. Invariants: the
//! proofs the tree makes verify for its roots and for no changed root; an
//! arbitrary proof that verifies for the tree's real root is the tree's own
//! proof, for the real leaf (anything else would be a SHA-256 collision);
//! an arbitrary proof that verifies for an arbitrary root verifies for no
//! other root.
#![no_main]

use coop_ledger::domain::merkle::{
    Hash, MemHashes, leaf_hash, prove_record, prove_tree, verify_consistency, verify_inclusion,
};
use libfuzzer_sys::fuzz_target;

/// Reads a hash from 32 bytes.
fn hash(b: &[u8]) -> Hash {
    let mut h = [0u8; 32];
    h.copy_from_slice(b);
    Hash(h)
}

/// The hash with one bit changed.
fn flip(mut h: Hash) -> Hash {
    h.0[0] ^= 0x80;
    h
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 40 {
        return;
    }
    let n = 1 + u64::from(u16::from_le_bytes([data[0], data[1]])) % 300;
    let index = u64::from(data[2]) * 2 % n;
    let from = 1 + u64::from(u16::from_le_bytes([data[3], data[4]])) % n;
    let claimed = hash(&data[5..37]);
    let (wild_leaf, wild_index, wild_size) = (data[37], u64::from(data[38]), u64::from(data[39]));
    let proof: Vec<Hash> = data[40..].chunks_exact(32).map(hash).collect();

    let mut tree = MemHashes::new();
    let leaves: Vec<Hash> = (0..n).map(|i| leaf_hash(&i.to_be_bytes())).collect();
    for l in &leaves {
        tree.push(*l).expect("a leaf appends");
    }
    let root = tree.root_at(n).expect("a root");
    let old = tree.root_at(from).expect("an old root");
    let leaf = leaves[index as usize];

    // The tree's own proofs.
    let own = prove_record(n, index, &tree).expect("an inclusion proof");
    assert!(verify_inclusion(index, n, leaf, &own, root).is_ok());
    assert!(verify_inclusion(index, n, leaf, &own, flip(root)).is_err());
    assert!(verify_inclusion(index, n, flip(leaf), &own, root).is_err());
    let own_tree = prove_tree(n, from, &tree).expect("a consistency proof");
    assert!(verify_consistency(from, n, old, root, &own_tree).is_ok());
    assert!(verify_consistency(from, n, flip(old), root, &own_tree).is_err());
    assert!(verify_consistency(from, n, old, flip(root), &own_tree).is_err());

    // An arbitrary proof for the real roots.
    if verify_inclusion(index, n, leaf, &proof, root).is_ok() {
        assert_eq!(proof, own, "only the tree's proof verifies for its root");
    }
    let some_leaf = leaves[usize::from(wild_leaf) % leaves.len()];
    if verify_inclusion(index, n, some_leaf, &proof, root).is_ok() {
        assert_eq!((some_leaf, &proof), (leaf, &own));
    }
    if verify_consistency(from, n, old, root, &proof).is_ok() {
        assert_eq!(
            proof, own_tree,
            "only the tree's proof verifies for its roots"
        );
    }

    // An arbitrary proof, sizes and root: it verifies for that root only.
    let wild = 1 + wild_size;
    if verify_inclusion(wild_index, wild, claimed, &proof, root).is_ok() {
        assert!(verify_inclusion(wild_index, wild, claimed, &proof, flip(root)).is_err());
    }
    if verify_inclusion(wild_index, wild, leaf, &proof, claimed).is_ok() {
        assert!(verify_inclusion(wild_index, wild, leaf, &proof, flip(claimed)).is_err());
    }
    if verify_consistency(from, wild.max(from), claimed, root, &proof).is_ok() {
        assert!(verify_consistency(from, wild.max(from), flip(claimed), root, &proof).is_err());
        assert!(verify_consistency(from, wild.max(from), claimed, flip(root), &proof).is_err());
    }
});
