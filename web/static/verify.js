// coop-ledger: checks, on the buyer's own device, that the journey shown on
// the page is what the ledger holds (design §4, §5, §8).
//
// The page carries, in <script type="application/json" id="ledger-proof">:
//   {origin, key_name, ledger_key, checkpoint, size, leaves: [{index, leaf, proof}]}
// where `leaf` is the base64 of the exact leaf bytes and `proof` the RFC 9162
// inclusion proof of that leaf in the checkpoint's tree. This script:
//   1. verifies the checkpoint note: its key id and Ed25519 signature under
//      the ledger key, its origin (C2SP signed-note, tlog-checkpoint);
//   2. for every leaf: its SHA-256 leaf hash (0x00 ‖ bytes), its inclusion
//      proof to the checkpoint's root (RFC 9162 §2.1.3.2), and the Ed25519
//      signature over "coop-ledger statement v1\n" ‖ statement;
//   3. that everything the page shows with a data-leaf (every journey step,
//      inspection and the recall banner) says what its signed statement
//      says: type, signer, batch, time, result; that the lot's own entries
//      are among them; and that a logged recall is shown.
// What it cannot see is an entry the server left out altogether: the badge
// says the steps shown are signed and logged, not that nothing is missing.
// Ed25519 uses WebCrypto where the browser has it, otherwise the vendored
// @noble/ed25519 (served by the app itself). Without JavaScript the badge
// keeps its server-rendered text: "not checked on this device".

const enc = new TextEncoder();
const PREFIX = enc.encode("coop-ledger statement v1\n");

function b64(s) {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function equal(a, b) {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

/// This device cannot check (no Ed25519 anywhere): not a failed check.
class CannotCheck extends Error {}

let noble = null;
async function ed25519Verify(sig, msg, key) {
  try {
    const k = await crypto.subtle.importKey("raw", key, { name: "Ed25519" }, false, ["verify"]);
    return await crypto.subtle.verify({ name: "Ed25519" }, k, sig, msg);
  } catch (e) {
    // No Ed25519 in this browser's WebCrypto: the audited fallback.
    if (!noble) {
      const url = document.getElementById("ledger-proof").dataset.noble;
      try {
        noble = await import(url);
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
async function inclusionRoot(index, size, leafHash, proof) {
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
async function checkCheckpoint(note, origin, keyName, ledgerKey) {
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

async function check(data) {
  const ledgerKey = b64(data.ledger_key);
  const cp = await checkCheckpoint(data.checkpoint, data.origin, data.key_name, ledgerKey);
  const statements = new Map();
  for (const item of data.leaves) {
    const bytes = b64(item.leaf);
    const leafHash = await sha256(concat(Uint8Array.of(0), bytes));
    const proof = item.proof.map(b64);
    const root = await inclusionRoot(item.index, cp.size, leafHash, proof);
    if (!equal(root, cp.root)) throw new Error(`leaf ${item.index} is not in the signed tree`);
    const leaf = JSON.parse(new TextDecoder().decode(bytes));
    if (leaf.index !== item.index) throw new Error(`leaf ${item.index} says it is ${leaf.index}`);
    const ok = await ed25519Verify(b64(leaf.sig), concat(PREFIX, enc.encode(leaf.statement)), b64(leaf.key));
    if (!ok) throw new Error(`leaf ${item.index}: the signature does not verify`);
    statements.set(item.index, JSON.parse(leaf.statement));
  }
  // Everything the page shows with a data-leaf must say what its signed
  // statement says: type, signer, batch, time, inspection result.
  for (const li of document.querySelectorAll("ol.journey > li")) {
    if (!li.dataset.leaf) throw new Error("a step without its entry");
  }
  let ownSteps = 0;
  for (const el of document.querySelectorAll("[data-leaf]")) {
    const st = statements.get(Number(el.dataset.leaf));
    const d = el.dataset;
    const bad = () => new Error(`entry ${d.leaf} differs from what the page shows`);
    if (!st) throw new Error(`entry ${d.leaf} was not checked`);
    if (d.type !== undefined && st.type !== d.type) throw bad();
    if (d.by !== undefined && st.by !== d.by) throw bad();
    if (d.at !== undefined && Date.parse(st.at) !== Date.parse(d.at)) throw bad();
    if (d.result !== undefined && st.result !== d.result) throw bad();
    if (d.batch !== undefined) {
      const named = st.type === "batch.transform"
        ? [...st.inputs, ...st.outputs].map((x) => x.batch)
        : [st.batch];
      if (!named.includes(d.batch)) throw bad();
      if (d.batch === data.lot) ownSteps++;
    }
  }
  if (ownSteps === 0) throw new Error("no entry of this lot");
  // A recall among the checked entries must be on the page, and a recall
  // banner must come from one.
  const recalled = [...statements.values()].some((st) => st.type === "batch.recall");
  if (recalled !== !!document.getElementById("recall-banner")) {
    throw new Error("the recall is not shown as logged");
  }
  const fingerprint = [...cp.keyId].map((b) => b.toString(16).padStart(2, "0")).join("");
  return { size: cp.size, leaves: statements.size, key: fingerprint };
}

async function main() {
  const badge = document.getElementById("verify-badge");
  const holder = document.getElementById("ledger-proof");
  if (!badge || !holder) return;
  const say = (state, extra) => {
    badge.dataset.state = state;
    badge.textContent = badge.dataset[state] + (extra ? " " + extra : "");
  };
  // Without WebCrypto (an old browser, or a page not served over HTTPS)
  // nothing can be checked here: say so, and never "not verified".
  if (!window.crypto || !crypto.subtle) return;
  say("checking");
  const data = JSON.parse(holder.textContent);
  data.lot = holder.dataset.lot;
  try {
    const r = await check(data);
    say(
      "verified",
      badge.dataset.detail.replace("{leaves}", r.leaves).replace("{size}", r.size).replace("{key}", r.key),
    );
  } catch (e) {
    if (e instanceof CannotCheck) say("unchecked");
    else say("failed", "(" + e.message + ")");
  }
}

main();
