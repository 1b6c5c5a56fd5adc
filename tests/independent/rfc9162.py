"""RFC 9162 Merkle tree hashing and proof checks, written from the RFC alone
(sections 2.1.1, 2.1.3.2 and 2.1.4.2): the one copy both independent
verifiers of this folder use (verify_ledger.py, verify_tiles.py). It shares
no code with coop-ledger.
"""

import hashlib


def sha256(data):
    return hashlib.sha256(data).digest()


def node(left, right):
    return sha256(b"\x01" + left + right)


def leaf_hash(entry):
    return sha256(b"\x00" + entry)


def mth(hashes):
    """RFC 9162 §2.1.1 MTH over leaf hashes: split at the largest power of two < n."""
    n = len(hashes)
    if n == 0:
        return sha256(b"")
    if n == 1:
        return hashes[0]
    k = 1 << ((n - 1).bit_length() - 1)
    return node(mth(hashes[:k]), mth(hashes[k:]))


def verify_inclusion(index, size, leaf_hash, path, root):
    """RFC 9162 §2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf_hash
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(first, second, first_hash, second_hash, path):
    """RFC 9162 §2.1.4.2 (0 < first < second); equal sizes need an empty proof and equal roots."""
    if first == second:
        return not path and first_hash == second_hash
    if not 0 < first < second or not path:
        return False
    if first & (first - 1) == 0:
        path = [first_hash] + path
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node(c, fr), node(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == first_hash and sr == second_hash and sn == 0
