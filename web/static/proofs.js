// coop-ledger: the checks a device makes of what the ledger says, shared by
// the buyer's page (verify.js) and the signing app (app-outbox.js):
// - RFC 9162 §2.1.3.2 inclusion proofs over SHA-256 (leaf 0x00, node 0x01);
// - C2SP tlog-checkpoint in a C2SP signed-note, Ed25519 under the ledger key
//   (key id = SHA-256(name ‖ "\n" ‖ 0x01 ‖ key)[0..4]);
// - Ed25519 signatures over "coop-ledger statement v1\n" ‖ statement
//   (spec §3), with WebCrypto where the browser has Ed25519, otherwise the
//   vendored, audited @noble/ed25519 (import-mapped as "noble-ed25519");
// - C2SP tlog-cosignature: witness cosignatures (Ed25519 cosignature/v1) on
//   a checkpoint, under witness vkeys "name+hexid+base64(0x04 ‖ key)".

export const enc = new TextEncoder();
export const PREFIX = enc.encode("coop-ledger statement v1\n");

export function b64(s) {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function equal(a, b) {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

export async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

/// This device cannot check (no Ed25519 anywhere): not a failed check.
export class CannotCheck extends Error {}

let noble = null;

/// The vendored @noble/ed25519, loaded the first time it is needed.
export async function loadNoble() {
  return await import("noble-ed25519");
}

export async function ed25519Verify(sig, msg, key) {
  try {
    const k = await crypto.subtle.importKey("raw", key, { name: "Ed25519" }, false, ["verify"]);
    return await crypto.subtle.verify({ name: "Ed25519" }, k, sig, msg);
  } catch (e) {
    // No Ed25519 in this browser's WebCrypto: the audited fallback.
    if (!noble) {
      try {
        noble = await loadNoble();
      } catch (_) {
        throw new CannotCheck("no Ed25519 on this device");
      }
    }
    try {
      return await noble.verifyAsync(sig, msg, key, { zip215: false });
    } catch (_) {
      return false;
    }
  }
}

// RFC 9162 §2.1.3.2: verify an inclusion proof.
export async function inclusionRoot(index, size, leafHash, proof) {
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) throw new Error("index beyond the tree");
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) throw new Error("proof too long");
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256(concat(Uint8Array.of(1), p, r));
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = await sha256(concat(Uint8Array.of(1), r, p));
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new Error("proof too short");
  return r;
}

// C2SP tlog-checkpoint in a signed note: returns {size, root} if the ledger
// key signed it for this origin.
export async function checkCheckpoint(note, origin, keyName, ledgerKey) {
  const split = note.indexOf("\n\n");
  if (split < 0) throw new Error("not a signed note");
  const body = note.slice(0, split + 1);
  const lines = body.split("\n");
  if (lines.length !== 4 || lines[3] !== "") throw new Error("checkpoint has extra lines");
  if (lines[0] !== origin) throw new Error("checkpoint of another ledger");
  if (!/^(0|[1-9][0-9]{0,15})$/.test(lines[1])) throw new Error("malformed checkpoint");
  const size = Number(lines[1]);
  const root = b64(lines[2]);
  if (!Number.isSafeInteger(size) || root.length !== 32) throw new Error("malformed checkpoint");
  const keyId = (await sha256(concat(enc.encode(keyName + "\n"), Uint8Array.of(1), ledgerKey))).slice(0, 4);
  for (const line of note.slice(split + 2).split("\n")) {
    const m = line.match(/^\u2014 (\S+) (\S+)$/);
    if (!m || m[1] !== keyName) continue;
    const raw = b64(m[2]);
    if (raw.length !== 68 || !equal(raw.slice(0, 4), keyId)) continue;
    if (await ed25519Verify(raw.slice(4), enc.encode(body), ledgerKey)) return { size, root, keyId };
  }
  throw new Error("checkpoint not signed by the ledger key");
}

/// A witness vkey `name+hexid+base64(0x04 ‖ key)` (C2SP signed-note,
/// tlog-cosignature): {name, keyId, key}, its key id checked.
export async function parseWitnessKey(vkey) {
  // name+hexid+base64: the base64 may itself hold "+".
  const m = String(vkey).match(/^([^+]+)\+([0-9a-f]{8})\+(.+)$/);
  if (!m) throw new Error("malformed witness key");
  const parts = m.slice(1);
  const raw = b64(parts[2]);
  if (raw.length !== 33 || raw[0] !== 4) throw new Error("not a cosignature/v1 key");
  const key = raw.slice(1);
  const keyId = (await sha256(concat(enc.encode(parts[0] + "\n"), raw))).slice(0, 4);
  if (hex(keyId) !== parts[1]) throw new Error("witness key id does not match");
  return { name: parts[0], keyId, key };
}

/// The witnesses among `witnesses` ([{name, vkey, …}]) whose cosignature
/// on the signed note `note` verifies: Ed25519 over "cosignature/v1\n" ‖
/// "time <T>\n" ‖ the note body, the line's bytes being key id (4) ‖ T as
/// a big-endian u64 (8) ‖ signature (64). Returns them in the order given.
export async function checkCosignatures(note, witnesses) {
  const split = note.indexOf("\n\n");
  if (split < 0) throw new Error("not a signed note");
  const body = enc.encode(note.slice(0, split + 1));
  const lines = note.slice(split + 2).split("\n");
  const verified = [];
  // One key counts once (a cosignature/v1 does not commit to its name).
  const seenKeys = new Set();
  for (const w of witnesses) {
    let k;
    try {
      k = await parseWitnessKey(w.vkey);
    } catch (_) {
      continue;
    }
    if (k.name !== w.name) continue;
    const keyHex = Array.from(k.key, (b) => b.toString(16).padStart(2, "0")).join("");
    if (seenKeys.has(keyHex)) continue;
    seenKeys.add(keyHex);
    for (const line of lines) {
      const m = line.match(/^\u2014 (\S+) (\S+)$/);
      if (!m || m[1] !== k.name) continue;
      let raw;
      try {
        raw = b64(m[2]);
      } catch (_) {
        continue;
      }
      if (raw.length !== 76 || !equal(raw.slice(0, 4), k.keyId)) continue;
      const time = new DataView(raw.buffer, raw.byteOffset + 4, 8).getBigUint64(0);
      if (time >= 2n ** 63n) continue;
      const msg = concat(enc.encode(`cosignature/v1\ntime ${time}\n`), body);
      if (await ed25519Verify(raw.slice(12), msg, k.key)) {
        verified.push(w);
        break;
      }
    }
  }
  return verified;
}

/// Standard base64 (with padding) of bytes.
export function b64encode(bytes) {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/// Lowercase hex of bytes.
export function hex(bytes) {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/// The bytes of lowercase hex text (an even number of digits), or an error.
export function unhex(text) {
  if (typeof text !== "string" || !/^(?:[0-9a-f]{2})*$/.test(text)) throw new Error("not lowercase hex");
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/// Checks one leaf against a checked checkpoint `cp` ({size, root}): its
/// SHA-256 leaf hash (0x00 ‖ bytes), its inclusion proof to the root, that
/// it says it is leaf `index`, and the Ed25519 signature of its statement.
/// Returns the parsed leaf `{index, logged_at, statement, key, sig}`.
export async function checkLeaf(bytes, index, cp, proof) {
  const leafHash = await sha256(concat(Uint8Array.of(0), bytes));
  const root = await inclusionRoot(index, cp.size, leafHash, proof);
  if (!equal(root, cp.root)) throw new Error(`leaf ${index} is not in the signed tree`);
  const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  const leaf = JSON.parse(text);
  if (leaf.index !== index) throw new Error(`leaf ${index} says it is ${leaf.index}`);
  // The leaf must be exactly the five fields in the ledger's order (spec
  // §4): a repeated or extra field would let this check and an auditor read
  // one leaf two ways.
  const { logged_at, statement, key, sig } = leaf;
  if (JSON.stringify({ index, logged_at, statement, key, sig }) !== text) {
    throw new Error(`leaf ${index} is not in the ledger's form`);
  }
  const ok = await ed25519Verify(b64(leaf.sig), concat(PREFIX, enc.encode(leaf.statement)), b64(leaf.key));
  if (!ok) throw new Error(`leaf ${index}: the signature does not verify`);
  leaf.hash = leafHash;
  return leaf;
}

/// RFC 9162 §2.1.4.2: whether `proof` shows that the tree of `size1` leaves
/// with root `root1` is a prefix of the tree of `size2` leaves with root
/// `root2`.
export async function verifyConsistency(size1, size2, root1, root2, proof) {
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 0 || size2 < size1) return false;
  // Roots are SHA-256 hashes: 32 bytes, never anything else.
  if (root1.length !== 32 || root2.length !== 32) return false;
  if (size1 === size2) return proof.length === 0 && equal(root1, root2);
  if (size1 === 0 || proof.length === 0) return false;
  // A first tree of 2^k leaves is a node of the second: its root starts the path.
  const path = Number.isInteger(Math.log2(size1)) ? [root1, ...proof] : proof;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = await sha256(concat(Uint8Array.of(1), c, fr));
      sr = await sha256(concat(Uint8Array.of(1), c, sr));
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = await sha256(concat(Uint8Array.of(1), sr, c));
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(fr, root1) && equal(sr, root2);
}
