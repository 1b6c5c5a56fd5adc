//! Property tests for the RFC 6962 / RFC 9162 Merkle tree in
//! `coop_ledger::domain::merkle` (spec §4).
//!
//! Proofs are taken from one tree of 10 000 pseudo-random, pairwise distinct
//! leaves, built once with `MemHashes`; any smaller tree is a prefix of it
//! (`root_at(size)`, `prove_record(size, ..)`, `prove_tree(size, ..)`). The
//! root itself is checked against a naive RFC 6962 §2.1 `MTH` written here
//! with `sha2`, on fresh random leaf data.

use std::sync::OnceLock;

use coop_ledger::domain::merkle::{
    Hash, MemHashes, ProofError, leaf_hash, prove_record, prove_tree, verify_consistency,
    verify_inclusion,
};
use proptest::prelude::*;
use sha2::{Digest, Sha256};

/// The size of the shared tree; every size under test is at most this.
const MAX_SIZE: u64 = 10_000;

/// Cases per property: enough to hit many shapes, small enough for debug
/// builds.
const CASES: u32 = 256;

/// The shared tree and the leaf hash of each of its leaves.
struct Fixture {
    tree: MemHashes,
    leaves: Vec<Hash>,
}

/// `SplitMix64`: a tiny deterministic generator for the shared tree's leaf data.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The shared tree of `MAX_SIZE` leaves, built on first use. Leaf `i` is
/// `i` (8 bytes, so all leaves differ) followed by 0..=40 pseudo-random bytes.
fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let mut rng = 0x636f_6f70_6c65_6467_u64; // "coopledg"
        let mut tree = MemHashes::new();
        let mut leaves = Vec::new();
        for i in 0..MAX_SIZE {
            let mut data = i.to_be_bytes().to_vec();
            let extra = splitmix64(&mut rng) % 41;
            data.extend((0..extra).map(|_| splitmix64(&mut rng).to_le_bytes()[0]));
            let h = leaf_hash(&data);
            tree.push(h)
                .expect("an in-memory tree accepts every append");
            leaves.push(h);
        }
        assert_eq!(tree.size(), MAX_SIZE);
        Fixture { tree, leaves }
    })
}

impl Fixture {
    fn leaf(&self, index: u64) -> Hash {
        self.leaves[usize::try_from(index).expect("indexes below 10 000 fit in usize")]
    }

    fn root(&self, size: u64) -> Hash {
        self.tree
            .root_at(size)
            .expect("the shared tree has a root at every size up to 10 000")
    }

    fn inclusion_proof(&self, size: u64, index: u64) -> Vec<Hash> {
        prove_record(size, index, &self.tree)
            .expect("the shared tree can prove any index below any size up to 10 000")
    }

    fn consistency_proof(&self, old: u64, new: u64) -> Vec<Hash> {
        prove_tree(new, old, &self.tree)
            .expect("the shared tree can prove any 1 <= old <= new <= 10 000")
    }
}

/// `h` with bit `bit` (0..256) flipped.
fn flip_bit(h: Hash, bit: usize) -> Hash {
    let mut bytes = h.0;
    bytes[(bit / 8) % 32] ^= 1 << (bit % 8);
    Hash(bytes)
}

/// The shape of the inclusion path of leaf `index` in a tree of `size`
/// leaves (RFC 9162 §2.1.3.2): how many hashes lie below the point where the
/// paths to `index` and to `size - 1` part (their sides set by the bits of
/// `index`), and how many left-hand border hashes lie above it. Two sizes
/// with the same shape run the very same hash computation over a proof.
fn inclusion_shape(index: u64, size: u64) -> (u32, u32) {
    let inner = u64::BITS - (index ^ (size - 1)).leading_zeros();
    let border = index.checked_shr(inner).unwrap_or(0).count_ones();
    (inner, border)
}

/// A tree size, biased towards small trees and powers of two where the edge
/// cases live.
fn tree_size() -> impl Strategy<Value = u64> {
    prop_oneof![
        6 => 1..=MAX_SIZE,
        2 => 1..=16_u64,
        1 => (0..=13_u32).prop_map(|p| 1_u64 << p),
        1 => Just(MAX_SIZE),
    ]
}

/// A tree size and a leaf index below it.
fn size_and_index() -> impl Strategy<Value = (u64, u64)> {
    tree_size().prop_flat_map(|size| (Just(size), prop_oneof![0..size, Just(0), Just(size - 1)]))
}

/// Two sizes `1 <= old <= new`, with equal sizes and power-of-two old sizes
/// (whose consistency proofs leave out the old root) made likely.
fn old_and_new_sizes() -> impl Strategy<Value = (u64, u64)> {
    tree_size().prop_flat_map(|new| {
        let top_pow = u64::BITS - 1 - new.leading_zeros();
        (
            prop_oneof![
                6 => 1..=new,
                1 => Just(new),
                1 => Just(1),
                2 => (0..=top_pow).prop_map(|p| 1_u64 << p),
            ],
            Just(new),
        )
    })
}

/// RFC 6962 §2.1 leaf hash, written out with `sha2`.
fn reference_leaf_hash(data: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update([0x00]);
    h.update(data);
    h.finalize().into()
}

/// RFC 6962 §2.1 Merkle Tree Hash, written out naively: the empty tree hashes
/// to SHA-256 of nothing, one leaf to its leaf hash, and `n > 1` leaves to
/// SHA-256(0x01 ‖ MTH(first k) ‖ MTH(rest)) with `k` the largest power of two
/// below `n`.
fn reference_mth(leaves: &[[u8; 32]]) -> [u8; 32] {
    match leaves.len() {
        0 => Sha256::digest([]).into(),
        1 => leaves[0],
        n => {
            let k = 1_usize << (usize::BITS - 1 - (n - 1).leading_zeros());
            let mut h = Sha256::new();
            h.update([0x01]);
            h.update(reference_mth(&leaves[..k]));
            h.update(reference_mth(&leaves[k..]));
            h.finalize().into()
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    /// An inclusion proof made by `prove_record` for any leaf of any tree
    /// size verifies against that size's root.
    #[test]
    fn an_honest_inclusion_proof_verifies((size, index) in size_and_index()) {
        let f = fixture();
        let proof = f.inclusion_proof(size, index);
        prop_assert_eq!(verify_inclusion(index, size, f.leaf(index), &proof, f.root(size)), Ok(()));
    }

    /// Flipping any single bit of any hash of an honest inclusion proof makes
    /// it fail (every proof hash feeds the computed root).
    #[test]
    fn an_inclusion_proof_with_any_bit_flipped_is_refused(
        (size, index) in size_and_index(),
        bit in 0_usize..256,
    ) {
        let f = fixture();
        let proof = f.inclusion_proof(size, index);
        for pos in 0..proof.len() {
            let mut bad = proof.clone();
            // A different bit at each position, all chosen by `bit`.
            bad[pos] = flip_bit(bad[pos], (bit + 97 * pos) % 256);
            prop_assert_eq!(
                verify_inclusion(index, size, f.leaf(index), &bad, f.root(size)),
                Err(ProofError::Invalid),
                "bit flipped in proof hash {}", pos
            );
        }
    }

    /// An honest inclusion proof with hashes removed (any proper prefix, or
    /// the first hash dropped) or with a hash added (at either end) fails.
    #[test]
    fn an_inclusion_proof_cut_short_or_padded_is_refused(
        (size, index) in size_and_index(),
        extra in any::<[u8; 32]>(),
    ) {
        let f = fixture();
        let (leaf, root) = (f.leaf(index), f.root(size));
        let proof = f.inclusion_proof(size, index);
        let mut altered: Vec<Vec<Hash>> = (0..proof.len()).map(|n| proof[..n].to_vec()).collect();
        if !proof.is_empty() {
            altered.push(proof[1..].to_vec());
        }
        for pad in [Hash(extra), leaf, root] {
            let mut appended = proof.clone();
            appended.push(pad);
            altered.push(appended);
            let mut prepended = vec![pad];
            prepended.extend_from_slice(&proof);
            altered.push(prepended);
        }
        for bad in &altered {
            prop_assert_eq!(
                verify_inclusion(index, size, leaf, bad, root),
                Err(ProofError::Invalid),
                "proof of {} hashes altered to {} hashes", proof.len(), bad.len()
            );
        }
    }

    /// An honest inclusion proof, offered for the same leaf hash at any other
    /// index (inside or outside the tree), fails: the leaves all differ, and
    /// no two leaves of one tree share an authentication path.
    #[test]
    fn an_inclusion_proof_for_the_wrong_index_is_refused(
        (size, index) in size_and_index(),
        delta in 1..MAX_SIZE,
    ) {
        let f = fixture();
        let proof = f.inclusion_proof(size, index);
        let mut wrong = vec![size, index + size, u64::MAX];
        if size > 1 {
            wrong.push((index + 1 + delta % (size - 1)) % size);
            wrong.push(index ^ 1);
        }
        for w in wrong.into_iter().filter(|&w| w != index) {
            prop_assert!(
                verify_inclusion(w, size, f.leaf(index), &proof, f.root(size)).is_err(),
                "the proof for index {} also verified at index {}", index, w
            );
        }
    }

    /// An honest inclusion proof, offered with any other tree size, fails
    /// unless that size gives the leaf exactly the same path shape. (An
    /// RFC 6962 inclusion proof does not bind the tree size by itself: leaf 0
    /// of 5 and leaf 0 of 6 leaves run the same hashes. The signed root binds
    /// it.) Sizes not above the index always fail.
    #[test]
    fn an_inclusion_proof_for_a_wrong_size_fails_unless_the_path_shape_is_the_same(
        (size, index) in size_and_index(),
        other in 1..=2 * MAX_SIZE,
    ) {
        let f = fixture();
        let proof = f.inclusion_proof(size, index);
        let root = f.root(size);
        let candidates = [other, size - 1, size + 1, 2 * size, size / 2, 0, u64::MAX];
        for wrong in candidates.into_iter().filter(|&w| w != size) {
            let got = verify_inclusion(index, wrong, f.leaf(index), &proof, root);
            if wrong <= index {
                prop_assert_eq!(got, Err(ProofError::IndexOutOfRange { index, size: wrong }));
            } else if inclusion_shape(index, wrong) == inclusion_shape(index, size) {
                prop_assert_eq!(got, Ok(()), "size {} has the shape of size {}", wrong, size);
            } else {
                prop_assert_eq!(
                    got,
                    Err(ProofError::Invalid),
                    "the proof for size {} also verified at size {}", size, wrong
                );
            }
        }
    }

    /// A consistency proof made by `prove_tree` between any two sizes
    /// `1 <= m <= n` verifies against the roots at those sizes.
    #[test]
    fn an_honest_consistency_proof_verifies((m, n) in old_and_new_sizes()) {
        let f = fixture();
        let proof = f.consistency_proof(m, n);
        prop_assert_eq!(verify_consistency(m, n, f.root(m), f.root(n), &proof), Ok(()));
    }

    /// Flipping any single bit of any hash of an honest consistency proof
    /// makes it fail.
    #[test]
    fn a_consistency_proof_with_any_bit_flipped_is_refused(
        (m, n) in old_and_new_sizes(),
        bit in 0_usize..256,
    ) {
        let f = fixture();
        let proof = f.consistency_proof(m, n);
        for pos in 0..proof.len() {
            let mut bad = proof.clone();
            bad[pos] = flip_bit(bad[pos], (bit + 97 * pos) % 256);
            prop_assert_eq!(
                verify_consistency(m, n, f.root(m), f.root(n), &bad),
                Err(ProofError::Invalid),
                "bit flipped in proof hash {}", pos
            );
        }
    }

    /// An honest consistency proof with hashes removed (any proper prefix, or
    /// the first hash dropped) or with a hash added (at either end, including
    /// to the empty proof between equal sizes) fails.
    #[test]
    fn a_consistency_proof_cut_short_or_padded_is_refused(
        (m, n) in old_and_new_sizes(),
        extra in any::<[u8; 32]>(),
    ) {
        let f = fixture();
        let (old, new) = (f.root(m), f.root(n));
        let proof = f.consistency_proof(m, n);
        let mut altered: Vec<Vec<Hash>> = (0..proof.len()).map(|k| proof[..k].to_vec()).collect();
        if !proof.is_empty() {
            altered.push(proof[1..].to_vec());
        }
        for pad in [Hash(extra), old, new] {
            let mut appended = proof.clone();
            appended.push(pad);
            altered.push(appended);
            let mut prepended = vec![pad];
            prepended.extend_from_slice(&proof);
            altered.push(prepended);
        }
        for bad in &altered {
            prop_assert_eq!(
                verify_consistency(m, n, old, new, bad),
                Err(ProofError::Invalid),
                "proof of {} hashes altered to {} hashes", proof.len(), bad.len()
            );
        }
    }

    /// An honest consistency proof between different sizes fails when the two
    /// roots are swapped, or when either root has a bit flipped.
    #[test]
    fn a_consistency_proof_against_swapped_or_altered_roots_is_refused(
        (m, n) in old_and_new_sizes(),
        bit in 0_usize..256,
    ) {
        let f = fixture();
        let (old, new) = (f.root(m), f.root(n));
        let proof = f.consistency_proof(m, n);
        if m != n {
            prop_assert_eq!(
                verify_consistency(m, n, new, old, &proof),
                Err(ProofError::Invalid),
                "swapped roots"
            );
        }
        prop_assert_eq!(
            verify_consistency(m, n, flip_bit(old, bit), new, &proof),
            Err(ProofError::Invalid),
            "old root altered"
        );
        prop_assert_eq!(
            verify_consistency(m, n, old, flip_bit(new, bit), &proof),
            Err(ProofError::Invalid),
            "new root altered"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// For random leaf data (0 to 300 leaves of 0 to 64 bytes), the leaf
    /// hashes are SHA-256(0x00 ‖ data) and the root from `MemHashes`, at the
    /// full size and at a random prefix, equals the naive RFC 6962 §2.1 MTH
    /// of the same leaves.
    #[test]
    fn the_tree_root_equals_the_rfc_6962_merkle_tree_hash(
        data in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..=64), 0..=300),
        prefix in any::<prop::sample::Index>(),
    ) {
        let mut tree = MemHashes::new();
        let mut reference = Vec::with_capacity(data.len());
        for d in &data {
            let h = leaf_hash(d);
            prop_assert_eq!(h.0, reference_leaf_hash(d));
            tree.push(h).expect("an in-memory tree accepts every append");
            reference.push(h.0);
        }
        let size = u64::try_from(data.len()).expect("at most 300 leaves");
        prop_assert_eq!(tree.size(), size);
        let root = tree.root_at(size).expect("the tree has a root at its own size");
        prop_assert_eq!(root.0, reference_mth(&reference));

        let k = prefix.index(data.len() + 1);
        let k64 = u64::try_from(k).expect("at most 300 leaves");
        let root_k = tree.root_at(k64).expect("the tree has a root at every smaller size");
        prop_assert_eq!(root_k.0, reference_mth(&reference[..k]), "prefix of {} leaves", k);
    }
}

/// The reference MTH itself, on the RFC's small cases, so the root property
/// above cannot pass against a wrong reference.
#[test]
fn the_reference_mth_follows_rfc_6962_on_small_trees() {
    let l: Vec<[u8; 32]> = (0..3_u8).map(|i| reference_leaf_hash(&[i])).collect();
    let node = |a: [u8; 32], b: [u8; 32]| -> [u8; 32] {
        let mut h = Sha256::new();
        h.update([0x01]);
        h.update(a);
        h.update(b);
        h.finalize().into()
    };
    assert_eq!(
        hex(&reference_mth(&[])),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(reference_mth(&l[..1]), l[0]);
    assert_eq!(reference_mth(&l[..2]), node(l[0], l[1]));
    // Three leaves split 2 + 1: the odd leaf is not paired with itself.
    assert_eq!(reference_mth(&l), node(node(l[0], l[1]), l[2]));
}

/// The shared tree's data really is pairwise distinct leaves: the wrong-index
/// property relies on it.
#[test]
fn the_shared_tree_has_distinct_leaves() {
    let f = fixture();
    let mut seen: Vec<[u8; 32]> = f.leaves.iter().map(|h| h.0).collect();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), f.leaves.len());
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        write!(s, "{b:02x}").expect("writing to a String cannot fail");
        s
    })
}
