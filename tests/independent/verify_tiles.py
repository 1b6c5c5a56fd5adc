#!/usr/bin/env python3
"""An independent client of a C2SP tiled transparency log.

Written only from the C2SP specs tlog-tiles, tlog-checkpoint and
signed-note, and RFC 6962 / RFC 9162 section 2.1 for the hashing and the
proofs, with nothing but the standard library (hashlib, through rfc9162.py, and urllib) and PyNaCl
for Ed25519. It does not know which server it talks to.

    verify_tiles.py PREFIX VKEY [--old CHECKPOINT_FILE [--alter-old]] [--tamper]

PREFIX is the log's URL prefix (for example http://127.0.0.1:8080/tlog),
VKEY its signed-note verifier key (name+hex key ID+base64(0x01 || key)).
It fetches <PREFIX>/checkpoint and verifies its Ed25519 signature; fetches
every full and partial tile the checkpoint's size implies; checks each
level's hashes against the full tiles below them; rebuilds the root from
the tiles and compares it with the checkpoint's; fetches the entry bundles
and checks that each entry hashes to its level-0 tile hash; computes an
inclusion proof of the last entry from the tiles and verifies it; and,
with --old, verifies an older checkpoint, computes the consistency proof
from it to the current one from the tiles and verifies that. --tamper
flips one bit of the first tile fetched and --alter-old one digit of the
old root, so that the caller can see each check fail.

Exit 0: everything verified; 1: a check failed (the reason on stderr).
"""

import base64
import sys
import urllib.error
import urllib.request

from rfc9162 import leaf_hash, node as node_hash, sha256, verify_consistency, verify_inclusion

try:
    import nacl.exceptions
    import nacl.signing
except ImportError:
    sys.exit("PyNaCl is missing: pip install pynacl")

HEIGHT = 8
WIDTH = 256  # hashes in a full tile


class Fail(Exception):
    pass


def check(ok, what):
    if not ok:
        raise Fail(what)


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


# --- signed-note and tlog-checkpoint -----------------------------------


def parse_vkey(vkey):
    name, key_id_hex, key_b64 = vkey.split("+", 2)  # base64 may hold "+"
    raw = base64.b64decode(key_b64, validate=True)
    check(len(raw) == 33 and raw[0] == 0x01, "vkey is not an Ed25519 key")
    key_id = bytes.fromhex(key_id_hex)
    want = sha256(name.encode() + b"\x0a" + raw)[:4]
    check(key_id == want, "vkey's key ID is not the hash of its name and key")
    return name, key_id, raw[1:]


def open_checkpoint(note, vkey, what):
    """The (origin, size, root) of a checkpoint signed by vkey."""
    name, key_id, pub = vkey
    text, sep, sigs = note.partition("\n\n")
    check(sep == "\n\n", what + " is not a signed note")
    text += "\n"
    verified = False
    for line in sigs.split("\n"):
        if line == "":
            continue
        check(line.startswith("\u2014 "), what + " has a malformed signature line")
        sig_name, _, b64 = line[2:].partition(" ")
        sig = base64.b64decode(b64, validate=True)
        if sig_name != name or sig[:4] != key_id:
            continue  # another signer's: ignored, as signed-note says
        try:
            nacl.signing.VerifyKey(pub).verify(text.encode(), sig[4:])
            verified = True
        except nacl.exceptions.BadSignatureError:
            raise Fail(what + " signature does not verify")
    check(verified, what + " signature does not verify (no signature by the key)")
    lines = text.split("\n")
    check(len(lines) >= 4, what + " body is too short")
    origin, size, root = lines[0], lines[1], lines[2]
    check(size.isdigit() and (size == "0" or not size.startswith("0")), what + " size")
    root = base64.b64decode(root, validate=True)
    check(len(root) == 32, what + " root is not 32 bytes")
    return origin, int(size), root


# --- tiles ----------------------------------------------------------------


def encode_index(n):
    """<N> as tlog-tiles writes it: 3-digit groups, an x before all but the last."""
    groups = []
    while True:
        groups.append("%03d" % (n % 1000))
        n //= 1000
        if n == 0:
            break
    groups.reverse()
    return "/".join(["x" + g for g in groups[:-1]] + [groups[-1]])


def tile_path(level, n, width):
    p = "tile/%s/%s" % (level, encode_index(n))
    return p if width == WIDTH else p + ".p/%d" % width


def tiles_for(size):
    """(level, n, width) of every tile of a tree of `size` entries."""
    out = []
    level = 0
    while size // WIDTH**level > 0:
        hashes = size // WIDTH**level
        for n in range(hashes // WIDTH):
            out.append((level, n, WIDTH))
        if hashes % WIDTH:
            out.append((level, hashes // WIDTH, hashes % WIDTH))
        level += 1
    return out


def perfect_root(hashes):
    """The root of a perfect binary tree over a power-of-two list of hashes."""
    while len(hashes) > 1:
        hashes = [node_hash(hashes[i], hashes[i + 1]) for i in range(0, len(hashes), 2)]
    return hashes[0]


class Tiles:
    def __init__(self, prefix, size, tamper):
        self.size = size
        self.hashes = {}  # (level, n) -> list of hashes
        self.count = 0
        for level, n, width in tiles_for(size):
            status, ctype, body = fetch(prefix + "/" + tile_path(level, n, width))
            where = tile_path(level, n, width)
            check(status == 200, "%s: status %d" % (where, status))
            check(ctype == "application/octet-stream", "%s: content type %r" % (where, ctype))
            check(len(body) == 32 * width, "%s: %d bytes, not %d" % (where, len(body), 32 * width))
            if tamper and self.count == 0:
                body = bytes([body[0] ^ 1]) + body[1:]
            self.hashes[(level, n)] = [body[i : i + 32] for i in range(0, len(body), 32)]
            self.count += 1

    def at(self, level, index):
        """Hash `index` at tile level `level`: MTH of 256**level entries."""
        return self.hashes[(level, index // WIDTH)][index % WIDTH]

    def check_levels(self):
        """Each hash at level l >= 1 is the MTH of a full tile at level l-1."""
        for (level, n), hashes in self.hashes.items():
            if level == 0:
                continue
            for i, h in enumerate(hashes):
                below = self.hashes.get((level - 1, n * WIDTH + i))
                check(below is not None and len(below) == WIDTH, "tile hash without its full tile")
                check(perfect_root(below) == h, "level %d hash %d != MTH of the tile below" % (level, n * WIDTH + i))

    def mth(self, a, b):
        """MTH(D[a:b]) (RFC 6962 2.1), taking whole subtrees from tiles."""
        n = b - a
        check(0 < n and b <= self.size, "range outside the tree")
        if n & (n - 1) == 0 and a % n == 0:
            # A complete subtree: from the highest tile level that covers it.
            level = 0
            while WIDTH ** (level + 1) <= n:
                level += 1
            chunk = WIDTH**level
            return perfect_root([self.at(level, a // chunk + j) for j in range(n // chunk)])
        k = 1
        while k * 2 < n:
            k *= 2
        return node_hash(self.mth(a, a + k), self.mth(a + k, b))

    # RFC 9162 2.1.3.1: PATH(m, D[a:b]).
    def path(self, m, a, b):
        n = b - a
        if n == 1:
            return []
        k = 1
        while k * 2 < n:
            k *= 2
        if m < k:
            return self.path(m, a, a + k) + [self.mth(a + k, b)]
        return self.path(m - k, a + k, b) + [self.mth(a, a + k)]

    # RFC 9162 2.1.4.1: SUBPROOF(m, D[a:b], start).
    def subproof(self, m, a, b, start):
        n = b - a
        if m == n:
            return [] if start else [self.mth(a, b)]
        k = 1
        while k * 2 < n:
            k *= 2
        if m <= k:
            return self.subproof(m, a, a + k, start) + [self.mth(a + k, b)]
        return self.subproof(m - k, a + k, b, False) + [self.mth(a, a + k)]


# --- entry bundles ------------------------------------------------------


def unbundle(body):
    out, i = [], 0
    while i < len(body):
        check(i + 2 <= len(body), "bundle: truncated length")
        n = int.from_bytes(body[i : i + 2], "big")
        check(i + 2 + n <= len(body), "bundle: truncated entry")
        out.append(body[i + 2 : i + 2 + n])
        i += 2 + n
    return out


def main(argv):
    prefix, vkey = argv[0].rstrip("/"), parse_vkey(argv[1])
    rest = argv[2:]
    tamper = "--tamper" in rest
    alter_old = "--alter-old" in rest
    old_file = rest[rest.index("--old") + 1] if "--old" in rest else None

    status, ctype, body = fetch(prefix + "/checkpoint")
    check(status == 200, "checkpoint: status %d" % status)
    check(ctype == "text/plain; charset=utf-8", "checkpoint: content type %r" % ctype)
    origin, size, root = open_checkpoint(body.decode("utf-8"), vkey, "checkpoint")
    check(size > 0, "the tree is empty")
    print("checkpoint size %d signature ok (origin %s)" % (size, origin))

    tiles = Tiles(prefix, size, tamper)
    check(tiles.mth(0, size) == root, "root rebuilt from tiles != checkpoint root")
    tiles.check_levels()
    print("root rebuilt from %d tiles matches" % tiles.count)

    entries = []
    bundles = 0
    for level, n, width in tiles_for(size):
        if level != 0:
            continue
        where = tile_path("entries", n, width)
        status, ctype, body = fetch(prefix + "/" + where)
        check(status == 200, "%s: status %d" % (where, status))
        check(ctype == "application/octet-stream", "%s: content type %r" % (where, ctype))
        got = unbundle(body)
        check(len(got) == width, "%s: %d entries, not %d" % (where, len(got), width))
        for i, e in enumerate(got):
            check(leaf_hash(e) == tiles.at(0, n * WIDTH + i), "%s: entry %d != its tile hash" % (where, i))
        entries += got
        bundles += 1
    print("%d entries in %d bundles match level 0" % (len(entries), bundles))

    last = size - 1
    proof = tiles.path(last, 0, size)
    check(verify_inclusion(last, size, leaf_hash(entries[last]), proof, root), "inclusion proof does not verify")
    print("inclusion of %d in %d ok" % (last, size))

    if old_file:
        with open(old_file, encoding="utf-8") as f:
            old_note = f.read()
        if alter_old:
            lines = old_note.split("\n")
            r = bytearray(base64.b64decode(lines[2]))
            r[0] ^= 1
            lines[2] = base64.b64encode(bytes(r)).decode()
            old_note = "\n".join(lines)
        old_origin, old_size, old_root = open_checkpoint(old_note, vkey, "old checkpoint")
        check(old_origin == origin, "old checkpoint is of another log")
        check(0 < old_size <= size, "old checkpoint is not older")
        proof = tiles.subproof(old_size, 0, size, True)
        check(verify_consistency(old_size, size, old_root, root, proof), "consistency proof does not verify")
        print("consistency %d -> %d ok" % (old_size, size))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Fail as e:
        print("FAIL: %s" % e, file=sys.stderr)
        sys.exit(1)
