#!/usr/bin/env python3
"""An independent verifier of a witness's cosignature on a checkpoint.

Written only from the C2SP specs tlog-cosignature (the Ed25519
cosignature/v1 type) and signed-note, with nothing but the standard
library and PyNaCl for Ed25519. It shares no code with coop-ledger.

    verify_cosignature.py WITNESS_VKEY NOTE_FILE [--log-vkey VKEY]

WITNESS_VKEY is the witness's verifier key, name+hex key ID+base64(0x04 ||
32-byte Ed25519 key). NOTE_FILE holds the signed checkpoint note with the
witness's signature line(s) among its signature lines. Every line whose key
name and key ID are the witness's must be a valid cosignature/v1 over the
note text, with a timestamp that is not 0 and at most 2^63 - 1, and there
must be at least one. With --log-vkey (name+hex key ID+base64(0x01 ||
key)), the log's Ed25519 signature on the note is checked too.

Prints "cosigned by NAME at TIMESTAMP" per verified line. Exit 0: verified;
1: a check failed (the reason on stderr).
"""

import base64
import hashlib
import sys

try:
    import nacl.exceptions
    import nacl.signing
except ImportError:
    sys.exit("PyNaCl is missing: pip install pynacl")

EM_DASH = "\u2014"
MAX_TIMESTAMP = (1 << 63) - 1


def fail(why):
    print(f"FAIL: {why}", file=sys.stderr)
    sys.exit(1)


def parse_vkey(vkey, alg):
    """signed-note "Verifier keys": name+hex(key ID)+base64(type || key)."""
    parts = vkey.split("+", 2)  # base64 may itself hold "+"
    if len(parts) != 3:
        fail(f"not a vkey: {vkey!r}")
    name, hex_id, b64 = parts
    if not name or any(c.isspace() for c in name):
        fail(f"bad key name {name!r}")
    if len(hex_id) != 8:
        fail(f"the key ID {hex_id!r} is not 8 hex digits")
    key_id = int(hex_id, 16)
    material = base64.b64decode(b64, validate=True)
    if len(material) != 33 or material[0] != alg:
        fail(f"the vkey is not an Ed25519 key of type 0x{alg:02x}")
    # signed-note: key ID = SHA-256(key name || 0x0A || type || key)[:4];
    # tlog-cosignature fixes the same for 0x04.
    want = int.from_bytes(hashlib.sha256(name.encode() + b"\n" + material).digest()[:4], "big")
    if want != key_id:
        fail(f"the key ID {hex_id} does not match the name and key ({want:08x})")
    return name, key_id, material[1:]


def parse_note(data):
    """signed-note "Format": text, a blank line, signature lines."""
    try:
        note = data.decode("utf-8")
    except UnicodeDecodeError:
        fail("the note is not UTF-8")
    if any(ord(c) < 0x20 and c != "\n" for c in note):
        fail("the note holds a control character")
    # The text is separated from the signatures by the last empty line.
    cut = note.rfind("\n\n")
    if cut < 0 or not note.endswith("\n"):
        fail("the note has no signature block")
    text = note[: cut + 1]
    sigs = []
    for line in note[cut + 2 :].split("\n")[:-1]:
        if not line.startswith(EM_DASH + " "):
            fail(f"not a signature line: {line!r}")
        fields = line[2:].split(" ")
        if len(fields) != 2:
            fail(f"not a signature line: {line!r}")
        name, b64 = fields
        raw = base64.b64decode(b64, validate=True)
        if len(raw) < 4:
            fail(f"a signature of {name} is too short")
        sigs.append((name, int.from_bytes(raw[:4], "big"), raw[4:]))
    if not sigs:
        fail("the note has no signature line")
    return text, sigs


def main(argv):
    if len(argv) not in (2, 4) or (len(argv) == 4 and argv[2] != "--log-vkey"):
        sys.exit(__doc__)
    w_name, w_id, w_key = parse_vkey(argv[0], 0x04)
    with open(argv[1], "rb") as f:
        text, sigs = parse_note(f.read())
    lines = text.split("\n")
    if len(lines) < 4:
        fail("the note text is not a checkpoint (origin, size, root)")
    if len(argv) == 4:
        l_name, l_id, l_key = parse_vkey(argv[3], 0x01)
        mine = [s for (n, i, s) in sigs if n == l_name and i == l_id]
        if not mine:
            fail("no signature line of the log's key")
        for sig in mine:
            try:
                nacl.signing.VerifyKey(l_key).verify(text.encode(), sig)
            except nacl.exceptions.BadSignatureError:
                fail("the log's signature does not verify")
        print(f"signed by {l_name}")
    verified = 0
    for name, key_id, sig in sigs:
        if name != w_name or key_id != w_id:
            continue  # signed-note: ignore unknown keys
        # tlog-cosignature: timestamped_signature = u64 timestamp || 64 bytes.
        if len(sig) != 8 + 64:
            fail(f"the cosignature of {name} is not 72 bytes")
        timestamp = int.from_bytes(sig[:8], "big")
        if timestamp == 0 or timestamp > MAX_TIMESTAMP:
            fail(f"the cosignature's timestamp {timestamp} is out of range")
        # "Ed25519 signed message": header line, time line, whole note text.
        message = f"cosignature/v1\ntime {timestamp}\n".encode() + text.encode()
        try:
            nacl.signing.VerifyKey(w_key).verify(message, sig[8:])
        except nacl.exceptions.BadSignatureError:
            fail(f"the cosignature of {name} does not verify")
        print(f"cosigned by {name} at {timestamp}: {lines[0]} size {lines[1]}")
        verified += 1
    if verified == 0:
        fail(f"no cosignature line of {w_name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
