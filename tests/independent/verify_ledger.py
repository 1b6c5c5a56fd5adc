#!/usr/bin/env python3
"""Independent verifier for a running coop-ledger server.

Written only from the project's spec (docs/spec.md §2-§5, §8) and the
public specs, sharing no code with the Rust implementation:
  - C2SP signed-note (https://c2sp.org/signed-note): note text, blank line,
    signature lines "\u2014 <name> <base64(4-byte key id || signature)>", key id =
    SHA-256(name || "\\n" || 0x01 || Ed25519 public key)[:4], verifier key
    "<name>+<hex key id>+<base64(0x01 || public key)>";
  - C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): origin, decimal
    tree size, base64 root hash (here with no extension lines);
  - RFC 6962 §2.1 / RFC 9162 §2.1 Merkle tree with SHA-256; inclusion proofs
    verified as in RFC 9162 §2.1.3.2, consistency proofs as in §2.1.4.2.
Only the standard library and PyNaCl (Ed25519 via libsodium) are used.

usage: verify_ledger.py BASE_URL [--tamper checkpoint-sig|leaf|inclusion-proof]
With --tamper, one bit of the fetched data is flipped before it is checked,
so the run must fail (exit 1): this shows the checks can fail on real data.
Exit status: 0 everything verified, 1 something failed, 2 usage/setup error.
"""
import base64, json, re, sys, urllib.request

from rfc9162 import leaf_hash, mth, node, sha256, verify_consistency, verify_inclusion

try:
    from nacl.signing import VerifyKey
    from nacl.exceptions import BadSignatureError
except ImportError:
    print("verify_ledger.py needs PyNaCl: pip install pynacl", file=sys.stderr)
    sys.exit(2)

failures = []
TAMPER_MODES = ("checkpoint-sig", "leaf", "inclusion-proof")


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)
    return ok


def get(base, path):
    with urllib.request.urlopen(base + path, timeout=30) as r:
        return r.read(), r.headers.get("content-type", "")


def b64(s, length=None):
    raw = base64.b64decode(s, validate=True)
    if base64.b64encode(raw).decode() != s or (length is not None and len(raw) != length):
        raise ValueError(f"not canonical base64 of {length} bytes: {s!r}")
    return raw


def ed25519_ok(pub, sig, msg):
    try:
        VerifyKey(pub).verify(msg, sig)
        return True
    except (BadSignatureError, ValueError):
        return False


def open_checkpoint(text, origin, name, key_id, pub):
    """Parses a signed-note checkpoint strictly; returns (size, root, body, sig) or raises."""
    sep = text.rfind("\n\n")
    if sep < 0 or not text.endswith("\n"):
        raise ValueError("not a signed note (no blank line / no final newline)")
    body, sig_block = text[: sep + 1], text[sep + 2 :]
    lines = body[:-1].split("\n")
    if len(lines) != 3:
        raise ValueError(f"checkpoint body has {len(lines)} lines, want exactly 3: {body!r}")
    if lines[0] != origin:
        raise ValueError(f"checkpoint origin {lines[0]!r} != ledger origin {origin!r}")
    if not re.fullmatch(r"0|[1-9][0-9]{0,19}", lines[1]):
        raise ValueError(f"checkpoint size {lines[1]!r} is not a canonical decimal")
    size, root = int(lines[1]), b64(lines[2], 32)
    ours = []
    for line in sig_block[:-1].split("\n"):
        m = re.fullmatch("\u2014 ([^ +\n]+) ([A-Za-z0-9+/=]+)", line)
        if not m:
            raise ValueError(f"malformed signature line {line!r}")
        raw = b64(m.group(2))
        if m.group(1) == name and raw[:4] == key_id:
            ours.append(raw[4:])
    if len(ours) != 1 or len(ours[0]) != 64:
        raise ValueError(f"want one 64-byte signature by {name}+{key_id.hex()}, found {len(ours)}")
    return size, root, body.encode("utf-8"), ours[0]


def flip(data, i=-1):
    b = bytearray(data)
    b[i] ^= 1
    return bytes(b)


def main(base, tamper):
    info = json.loads(get(base, "/api/v1/ledger")[0])
    origin, name, pub = info["origin"], info["key_name"], b64(info["public_key"], 32)
    key_id = sha256(name.encode() + b"\n\x01" + pub)[:4]
    vkey_b64 = base64.b64encode(b"\x01" + pub).decode()
    want_vkey = f"{name}+{key_id.hex()}+{vkey_b64}"
    check(info["note_vkey"] == want_vkey, f"note_vkey {info['note_vkey']!r} != {want_vkey!r}")

    text, ctype = get(base, "/api/v1/checkpoint")
    check(ctype.startswith("text/plain"), f"checkpoint content-type {ctype!r}")
    text = text.decode("utf-8")
    if tamper == "checkpoint-sig":  # flip a bit of the ledger's signature
        head, sig_line = text.rsplit("\n\u2014 " + name + " ", 1)
        bad_sig = base64.b64encode(flip(b64(sig_line.strip()))).decode()
        text = head + "\n\u2014 " + name + " " + bad_sig + "\n"
    size, root, body, sig = open_checkpoint(text, origin, name, key_id, pub)
    check(ed25519_ok(pub, sig, body), "checkpoint signature does not verify with the ledger key")
    check(size >= 1, "checkpoint of an empty ledger")

    leaves = []
    while len(leaves) < size:
        start, limit = len(leaves), min(1000, size - len(leaves))
        page = json.loads(get(base, f"/api/v1/entries?start={start}&limit={limit}")[0])
        if not page["entries"]:
            raise ValueError(f"/api/v1/entries stopped at {len(leaves)} < checkpoint size {size}")
        for e in page["entries"][: size - len(leaves)]:
            check(e["index"] == len(leaves), f"entries: got index {e['index']}, want {len(leaves)}")
            leaves.append(b64(e["leaf"]))
    if tamper == "leaf":
        leaves[-1] = flip(leaves[-1], len(leaves[-1]) // 2)
    hashes = [leaf_hash(leaf) for leaf in leaves]
    check(mth(hashes) == root, "root recomputed from the leaves != checkpoint root")

    signed = None  # (key, sig, message) of the last leaf, for a negative self-check
    for i, leaf in enumerate(leaves):
        try:
            d = json.loads(leaf.decode("utf-8"))
            check(d["index"] == i, f"leaf {i}: index field {d['index']}")
            check(isinstance(d["logged_at"], str), f"leaf {i}: logged_at")
            msg = b"coop-ledger statement v1\n" + d["statement"].encode("utf-8")
            signed = (b64(d["key"], 32), b64(d["sig"], 64), msg)
            check(ed25519_ok(*signed), f"leaf {i}: statement signature")
            st = json.loads(d["statement"])
            if i == 0:
                ok = st["type"] == "ledger.genesis" and b64(st["ledger_key"], 32) == pub == signed[0]
                check(ok, "leaf 0 is not a genesis naming and signed by the ledger key")
        except (ValueError, KeyError, TypeError) as e:
            check(False, f"leaf {i}: malformed: {e!r}")

    if not check(signed is not None, "no leaf parsed"):
        return
    proofs = {}
    for i in range(size):
        r = json.loads(get(base, f"/api/v1/proof/inclusion?index={i}&size={size}")[0])
        path = proofs[i] = [b64(h, 32) for h in r["proof"]]
        if tamper == "inclusion-proof" and i == size - 1 and path:
            path = [flip(path[0])] + path[1:]
        check((r["index"], r["size"]) == (i, size), f"inclusion proof {i}: echoes {r}")
        ok = verify_inclusion(i, size, hashes[i], path, root)
        check(ok, f"inclusion proof for index {i} in size {size}")

    cons = {}
    for a in sorted({1, size // 2, size - 1, size} - {0}):
        r = json.loads(get(base, f"/api/v1/proof/consistency?from={a}&to={size}")[0])
        path = cons[a] = [b64(h, 32) for h in r["proof"]]
        check((r["from"], r["to"]) == (a, size), f"consistency proof {a} -> {size}: echoes {r}")
        ok = verify_consistency(a, size, mth(hashes[:a]), root, path)
        check(ok, f"consistency proof {a} -> {size}")

    # Negative self-checks: each corrupted input must be rejected by our own verifiers.
    i = next(j for j in range(size) if proofs[j]) if size > 1 else None
    a = next((x for x in cons if cons[x]), None)
    negatives = {
        "flipped checkpoint signature": ed25519_ok(pub, flip(sig), body),
        "flipped checkpoint body": ed25519_ok(pub, sig, flip(body, 0)),
        "flipped leaf statement": ed25519_ok(signed[0], signed[1], flip(signed[2])),
        "flipped root": mth(hashes) == flip(root),
    }
    if i is not None:
        negatives[f"flipped inclusion proof hash (index {i})"] = verify_inclusion(
            i, size, hashes[i], [flip(proofs[i][0])] + proofs[i][1:], root)
        negatives[f"inclusion proof for the wrong index ({i})"] = verify_inclusion(
            (i + 1) % size, size, hashes[i], proofs[i], root)
    if a is not None:
        negatives[f"flipped consistency proof hash ({a} -> {size})"] = verify_consistency(
            a, size, mth(hashes[:a]), root, [flip(cons[a][0])] + cons[a][1:])
    for what, accepted in negatives.items():
        check(not accepted, f"negative self-check: {what} was ACCEPTED")
    rejected = sum(not accepted for accepted in negatives.values())

    print(f"origin {origin}, size {size}, root {base64.b64encode(root).decode()}")
    print(f"checkpoint signature by {name}+{key_id.hex()} verified; root recomputed from {size} leaves")
    print(f"{size} leaf signatures, {size} inclusion proofs, {len(cons)} consistency proofs checked")
    print(f"negative self-checks: {rejected}/{len(negatives)} rejected")


if __name__ == "__main__":
    args = sys.argv[1:]
    tamper = None
    if len(args) == 3 and args[1] == "--tamper" and args[2] in TAMPER_MODES:
        tamper = args[2]
    elif len(args) != 1:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    try:
        main(args[0].rstrip("/"), tamper)
    except Exception as e:  # any fetch/parse error is a verification failure
        check(False, f"{type(e).__name__}: {e}")
    if failures:
        print(f"VERIFICATION FAILED: {len(failures)} check(s) failed", file=sys.stderr)
        sys.exit(1)
    print("OK: the ledger verifies independently")
