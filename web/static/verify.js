// coop-ledger: checks, on the buyer's own device, that the journey shown on
// the page is what the ledger holds (spec §4, §5, §8).
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

import { CannotCheck, b64, checkCheckpoint, checkLeaf, hex } from "proofs";

async function check(data) {
  const ledgerKey = b64(data.ledger_key);
  const cp = await checkCheckpoint(data.checkpoint, data.origin, data.key_name, ledgerKey);
  const statements = new Map();
  for (const item of data.leaves) {
    const leaf = await checkLeaf(b64(item.leaf), item.index, cp, item.proof.map(b64));
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
  const fingerprint = hex(cp.keyId);
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
