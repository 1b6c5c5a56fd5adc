#!/usr/bin/env python3
"""Independent verifier of a coop-ledger .tlog-proof file.

Written only from the public specs and the project's spec, sharing no code
with the Rust implementation:
  - C2SP tlog-proof (https://c2sp.org/tlog-proof): the header line
    "c2sp.org/tlog-proof@v1", an optional "extra <base64>" line, "index N",
    the inclusion proof (one base64 hash per line), an empty line, then the
    checkpoint verbatim; verified in its four steps;
  - C2SP signed-note and tlog-checkpoint: the ledger's Ed25519 signature,
    key id = SHA-256(name || "\\n" || 0x01 || key)[:4];
  - C2SP tlog-cosignature: witness lines whose signature bytes are
    key id (4) || timestamp (8, big-endian) || Ed25519 signature (64) over
    "cosignature/v1\\ntime <T>\\n" || the checkpoint body; the witness vkey
    "<name>+<hex id>+<base64(0x04 || key)>", id = SHA-256(name || "\\n" ||
    0x04 || key)[:4];
  - RFC 9162 §2.1.3.2 inclusion proofs (tests/independent/rfc9162.py);
  - the project's spec §3.2 and §4.2: the extra data is the leaf, a JSON
    object whose "statement" is signed by "key" as
    "coop-ledger statement v1\\n" || statement, and whose "index" is the
    entry's.
Only the standard library and PyNaCl are used (base64 and Ed25519
through verify_ledger.py's helpers).

usage: verify_tlog_proof.py FILE --ledger-key B64 [--key-name NAME]
         [--witness VKEY ...] [--quorum K] [--tamper extra|proof|cosignature]
With --tamper, one bit of the proof is flipped before it is checked, so the
run must fail. Exit status: 0 proven (and the quorum met), 1 not, 2 usage.
"""
import base64, hashlib, json, re, sys

from rfc9162 import leaf_hash, verify_inclusion
from verify_ledger import b64, ed25519_ok

HEADER = "c2sp.org/tlog-proof@v1"
DASH = "\u2014"


def key_id(name, alg, key):
    return hashlib.sha256(name.encode() + b"\n" + bytes([alg]) + key).digest()[:4]


def parse_witness(vkey):
    name, hexid, b = vkey.split("+", 2)
    raw = b64(b)
    if len(raw) != 33 or raw[0] != 0x04:
        raise ValueError(f"{vkey}: not an Ed25519 cosignature/v1 key")
    if key_id(name, 0x04, raw[1:]).hex() != hexid:
        raise ValueError(f"{vkey}: key id does not match")
    return name, bytes.fromhex(hexid), raw[1:]


def parse_proof(text):
    lines = text.split("\n")
    if lines[0] != HEADER:
        raise ValueError("first line is not " + HEADER)
    i, extra = 1, None
    if lines[i].startswith("extra "):
        extra = b64(lines[i][len("extra "):])
        i += 1
    m = re.fullmatch(r"index (0|[1-9][0-9]*)", lines[i])
    if not m:
        raise ValueError("no index line")
    index = int(m.group(1))
    i += 1
    path = []
    while lines[i] != "":
        path.append(b64(lines[i], 32))
        i += 1
    checkpoint = "\n".join(lines[i + 1:])
    return extra, index, path, checkpoint


def split_note(note):
    sep = note.find("\n\n")
    if sep < 0 or not note.endswith("\n"):
        raise ValueError("the checkpoint is not a signed note")
    body, sigs = note[: sep + 1], note[sep + 2 : -1].split("\n")
    parsed = []
    for line in sigs:
        m = re.fullmatch(DASH + " ([^ +\n]+) ([A-Za-z0-9+/=]+)", line)
        if not m:
            raise ValueError(f"malformed signature line {line!r}")
        parsed.append((m.group(1), b64(m.group(2))))
    return body, parsed


def main(argv):
    args = {"--witness": []}
    path = None
    it = iter(argv)
    for a in it:
        if a == "--witness":
            args["--witness"].append(next(it))
        elif a in ("--ledger-key", "--key-name", "--quorum", "--tamper"):
            args[a] = next(it)
        else:
            path = a
    if path is None or "--ledger-key" not in args:
        print(__doc__, file=sys.stderr)
        return 2
    text = open(path, encoding="utf-8").read()
    tamper = args.get("--tamper")
    extra, index, proof, note = parse_proof(text)
    if tamper == "extra":
        extra = extra.replace(b'"index"', b'"indeX"', 1) if extra else extra
    if tamper == "proof" and proof:
        proof[0] = bytes([proof[0][0] ^ 1]) + proof[0][1:]
    failures = []

    def check(ok, what):
        print(("ok:   " if ok else "FAIL: ") + what)
        if not ok:
            failures.append(what)
        return ok

    # Step 1: the leaf hash, from the leaf in the extra data (not trusted:
    # it must say it is this entry and carry a signed statement).
    if not check(extra is not None, "the proof carries the leaf in its extra line"):
        return 1
    try:
        leaf = json.loads(extra)
    except ValueError:
        leaf = None
    check(isinstance(leaf, dict) and leaf.get("index") == index, f"the leaf says it is entry {index}")
    if isinstance(leaf, dict) and "statement" in leaf:
        signed = b"coop-ledger statement v1\n" + leaf["statement"].encode("utf-8")
        try:
            ok = ed25519_ok(b64(leaf["key"], 32), b64(leaf["sig"], 64), signed)
        except (ValueError, KeyError):
            ok = False
        check(ok, "the statement's signature verifies under the key in the leaf")
    lh = leaf_hash(extra)

    # Step 2: the checkpoint, signed by the ledger key for its origin.
    body, sigs = split_note(note)
    blines = body[:-1].split("\n")
    if not check(len(blines) == 3 and re.fullmatch(r"0|[1-9][0-9]*", blines[1]) is not None,
                 "the checkpoint body is origin, size, root"):
        return 1
    origin, size, root = blines[0], int(blines[1]), b64(blines[2], 32)
    name = args.get("--key-name", origin)
    pub = b64(args["--ledger-key"], 32)
    kid = key_id(name, 0x01, pub)
    ours = [raw[4:] for (n, raw) in sigs if n == name and raw[:4] == kid]
    check(len(ours) == 1 and len(ours[0]) == 64 and ed25519_ok(pub, ours[0], body.encode()),
          f"the checkpoint of {origin} (size {size}) is signed by the ledger key")

    # Step 3: every known witness's cosignature.
    witnesses = [parse_witness(v) for v in args["--witness"]]
    quorum = int(args.get("--quorum", len(witnesses)))
    cosigned = []
    for wname, wid, wkey in witnesses:
        lines = [raw for (n, raw) in sigs if n == wname and raw[:4] == wid]
        if tamper == "cosignature" and lines:
            lines = [lines[0][:-1] + bytes([lines[0][-1] ^ 1])]
        good = False
        for raw in lines:
            if len(raw) != 4 + 8 + 64:
                continue
            t = int.from_bytes(raw[4:12], "big")
            msg = f"cosignature/v1\ntime {t}\n".encode() + body.encode()
            if t < 2**63 and ed25519_ok(wkey, raw[12:], msg):
                good = True
        if lines:
            check(good, f"witness {wname}'s cosignature verifies")
        if good:
            cosigned.append(wname)

    # Step 4: the inclusion proof binds the leaf hash to the root.
    check(verify_inclusion(index, size, lh, proof, root),
          f"the inclusion proof leads from entry {index} to the root of size {size}")
    check(len(cosigned) >= quorum, f"{len(cosigned)} of {len(witnesses)} witnesses cosigned, {quorum} needed")
    if failures:
        print(f"NOT PROVEN: {len(failures)} check(s) failed")
        return 1
    print("PROVEN")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
