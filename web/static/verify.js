// coop-ledger: checks, on the buyer's own device, that the journey shown on
// the page is what the ledger holds (spec §4, §5, §8).
//
// The page carries, in <script type="application/json" id="ledger-proof">:
//   {origin, key_name, ledger_key, checkpoint, size, leaves: [{index, leaf, proof}],
//    disclosures: [{member, name, salt, leaf}], witnesses: [{name, vkey, label}],
//    witness_quorum}
// where `leaf` is the base64 of the exact leaf bytes and `proof` the RFC 9162
// inclusion proof of that leaf in the checkpoint's tree, and each disclosure
// a member household's name, shown with its consent, with the salt of its
// commitment and the index of the member's actor.register leaf (spec §6.17).
// This script:
//   1. verifies the checkpoint note: its key id and Ed25519 signature under
//      the ledger key, its origin (C2SP signed-note, tlog-checkpoint);
//   2. for every leaf: its SHA-256 leaf hash (0x00 ‖ bytes), its inclusion
//      proof to the checkpoint's root (RFC 9162 §2.1.3.2), and the Ed25519
//      signature over "coop-ledger statement v1\n" ‖ statement;
//   3. that everything the page shows with a data-leaf (every journey step,
//      inspection and the recall banner) says what its signed statement
//      says: type, signer, batch, time, result; that the lot's own entries
//      are among them; and that a logged recall is shown; and that every
//      shown text with a data-field (product, producer, place, certificate,
//      step title, quantity, date, inspection, recall, the amount and unit
//      of what a lot was made from, a correction, and the type and signer
//      of each entry in the auditors' fold: issue 15) is its
//      signed field written the way data-show says, through the one
//      formatter (format.js) and the page's glossary of words for codes;
//   4. for every member name the page shows (an element with data-member):
//      that a disclosure names that member, whose register leaf (checked in
//      step 2) registers that very member with the name_commit
//      SHA-256("coop-ledger name v1\n" ‖ salt ‖ UTF-8(NFC(name))) of the
//      name as shown; the mark beside the name says whether it is.
//   5. with witnesses (spec §8.16): each witness's cosignature on the
//      checkpoint (C2SP tlog-cosignature, Ed25519 over the cosignature/v1
//      message); the witness badge says "checked by <labels>" only when
//      those that verify reach the quorum, else "not yet witnessed".
// What it cannot see is an entry the server left out altogether: the badge
// says the steps shown are signed and logged, not that nothing is missing.
// When the badge settles the script sets a user-timing mark named after
// its state ("badge-verified", "badge-recalled", "badge-failed",
// "badge-unchecked"), which the phone benchmark (benches/phone.rs) reads.
// Ed25519 uses WebCrypto where the browser has it, otherwise the vendored
// @noble/ed25519 (served by the app itself). Without JavaScript the badge
// reads "not checked on this device" (a <noscript>; with the script it
// says "checking" while it checks, never a warning); without
// WebCrypto (an insecure context) the names say they could not be checked
// here, never that they are verified.

import {
  CannotCheck,
  b64,
  checkCheckpoint,
  checkCosignatures,
  checkLeaf,
  concat,
  enc,
  hex,
  sha256,
  unhex,
} from "proofs";
import { formatDate, formatNumber, formatQuantity } from "format";

/// The value at `path` ("product.name", "certifications.0") in `obj`.
function at(obj, path) {
  let v = obj;
  for (const k of path.split(".")) {
    if (v === null || v === undefined) return undefined;
    v = v[k];
  }
  return v;
}

/// The glossary key of a step's title: a transformation by its process,
/// a receipt by whether it was accepted, any other step by its type.
function stepKey(st) {
  if (st.type === "batch.transform") return "process:" + st.process;
  if (st.type === "batch.receive") return "receive:" + st.accepted;
  return "step:" + st.type;
}

/// What the element `el` (with data-field) must read, from its signed
/// statement `st`; undefined when the statement has no such field.
function expected(el, st, words, lang) {
  let field = el.dataset.field;
  let base = st;
  if (field.startsWith("$lot.")) {
    field = field.slice(5);
    if (st.type === "batch.transform") base = (st.outputs || []).find((o) => o.batch === el.dataset.of);
    else if (st.batch !== el.dataset.of) base = undefined;
  }
  const v = base === undefined ? undefined : at(base, field);
  if (v === undefined || v === null) return undefined;
  const show = el.dataset.show || "";
  switch (show) {
    case "":
      return String(v);
    case "quantity":
      return formatQuantity(String(v.amount), v.unit, lang);
    case "number":
      return formatNumber(String(v), lang);
    case "datetime":
      return formatDate(String(v), { time: true });
    case "harvest":
      return formatDate(String(v), { time: !/^\d{4}-\d{2}-\d{2}$/.test(String(v)) });
    case "household":
      return `${words.household_of} ${v}${el.dataset.after || ""}`;
    case "stars":
      return "★".repeat(Number(v));
    case "step":
      return words[stepKey(st)];
    case "place":
      return words["place:" + [v.province, v.district || "", v.commune || ""].join("|")];
    case "cert": {
      const scheme = words["scheme:" + v.scheme];
      if (scheme === undefined) return undefined;
      const name = String(v.id).startsWith(v.scheme) ? String(v.id) : `${scheme} ${v.id}`;
      return v.valid_until ? `${name} (${words.valid_until} ${formatDate(String(v.valid_until))})` : name;
    }
    default:
      return words[show + ":" + v];
  }
}

/// Every shown text bound to a signed field reads what was signed.
function checkShown(statements, words, lang) {
  for (const el of document.querySelectorAll("[data-leaf][data-field]")) {
    const st = statements.get(Number(el.dataset.leaf));
    const want = st && expected(el, st, words, lang);
    const shown = el.textContent.trim().normalize("NFC");
    if (want === undefined || shown !== String(want).normalize("NFC")) {
      throw new Error(
        `the ${el.dataset.field} shown for entry ${el.dataset.leaf} is not the one signed: "${shown}", signed "${want}"`,
      );
    }
  }
}

/// The prefix of a name commitment (spec §6.17).
const NAME_PREFIX = enc.encode("coop-ledger name v1\n");

/// Checks every shown member name against its commitment, in the leaves
/// already checked (`statements`, by index). Returns the members whose
/// names are what was signed, and those whose are not (with why).
async function checkNames(disclosures, statements) {
  const signed = new Map();
  const failed = new Map();
  for (const d of disclosures) {
    const st = statements.get(d.leaf);
    let why = null;
    if (!st || st.type !== "actor.register" || st.role !== "member" || st.id !== d.member) {
      why = `entry ${d.leaf} does not register ${d.member}`;
    } else {
      const name = String(d.name).normalize("NFC");
      let salt = null;
      try {
        salt = unhex(d.salt);
      } catch (_) {}
      if (!salt || salt.length !== 32) why = `the salt of ${d.member} is malformed`;
      else {
        const commit = hex(await sha256(concat(NAME_PREFIX, salt, enc.encode(name))));
        if (commit !== st.name_commit) why = `the name of ${d.member} is not the one signed`;
        else signed.set(d.member, name);
      }
    }
    if (why) failed.set(d.member, why);
  }
  // The name as the page shows it must be the one that opens the
  // commitment, everywhere it is shown.
  for (const el of document.querySelectorAll("[data-member]")) {
    const m = el.dataset.member;
    if (failed.has(m)) continue;
    const name = signed.get(m);
    if (name === undefined) failed.set(m, `the name of ${m} comes with no disclosure`);
    else if (el.textContent.normalize("NFC") !== name) failed.set(m, `the name of ${m} is not the one signed`);
  }
  for (const m of failed.keys()) signed.delete(m);
  return { signed, failed };
}

/// Sets the mark beside every shown name of `member` (or of every member
/// when `member` is null) to `state`.
function markNames(holder, member, state) {
  const key = "name" + state[0].toUpperCase() + state.slice(1);
  for (const el of document.querySelectorAll(".name-check[data-name-of]")) {
    if (member !== null && el.dataset.nameOf !== member) continue;
    el.dataset.state = state;
    el.textContent = holder.dataset[key];
  }
}

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
  checkShown(statements, data.words || {}, data.lang);
  const names = await checkNames(data.disclosures || [], statements);
  // A recall among the checked entries must be on the page, and a recall
  // banner must come from one.
  const recalled = [...statements.values()].some((st) => st.type === "batch.recall");
  if (recalled !== !!document.getElementById("recall-banner")) {
    throw new Error("the recall is not shown as logged");
  }
  const fingerprint = hex(cp.keyId);
  return { size: cp.size, leaves: statements.size, key: fingerprint, names, recalled };
}

/// Sets the witness badge: "checked by" only when the cosignatures that
/// verify on the checked checkpoint reach the quorum.
async function showWitnesses(data) {
  const badge = document.getElementById("witness-badge");
  if (!badge) return;
  const witnesses = data.witnesses || [];
  const quorum = Number(data.witness_quorum) || 0;
  let verified = [];
  try {
    verified = await checkCosignatures(data.checkpoint, witnesses);
  } catch (_) {
    verified = [];
  }
  if (quorum > 0 && verified.length >= quorum) {
    badge.dataset.state = "checked";
    badge.textContent = badge.dataset.checked.replace("{names}", verified.map((w) => w.label || w.name).join(", "));
  } else {
    badge.dataset.state = "not-yet";
    badge.textContent = badge.dataset.notYet;
  }
}

async function main() {
  const badge = document.getElementById("verify-badge");
  const holder = document.getElementById("ledger-proof");
  if (!badge || !holder) return;
  // The badge speaks the page's language; the technical reason of a
  // failure, in English, and the figures of a success go to the
  // auditors' fold.
  const say = (state, reason) => {
    badge.dataset.state = state;
    badge.textContent = badge.dataset[state];
    if (state !== "checking") performance.mark(`badge-${state}`);
    const why = document.getElementById("verify-why");
    if (why) why.hidden = state !== "failed";
    const tech = document.getElementById("verify-reason");
    if (tech && reason) {
      tech.hidden = false;
      tech.querySelector("code").textContent = reason;
    }
  };
  // Without WebCrypto (an old browser, or a page not served over HTTPS)
  // nothing can be checked here: say so, and never "not verified".
  if (!window.crypto || !crypto.subtle) {
    say("unchecked");
    markNames(holder, null, "cannot");
    return;
  }
  say("checking");
  markNames(holder, null, "checking");
  const data = JSON.parse(holder.textContent);
  data.lot = holder.dataset.lot;
  data.lang = holder.dataset.lang;
  let r;
  try {
    r = await check(data);
  } catch (e) {
    // The entries a name rests on did not verify: the name cannot be
    // checked either.
    markNames(holder, null, "cannot");
    if (e instanceof CannotCheck) say("unchecked");
    else say("failed", e.message);
    return;
  }
  await showWitnesses(data);
  for (const m of r.names.signed.keys()) markNames(holder, m, "verified");
  for (const m of r.names.failed.keys()) markNames(holder, m, "failed");
  const wrong = [...r.names.failed.values()];
  if (wrong.length > 0) {
    say("failed", wrong[0]);
    return;
  }
  // A recalled lot's badge never reads as reassurance.
  say(r.recalled ? "recalled" : "verified");
  const detail = document.getElementById("verify-detail");
  if (detail) {
    detail.textContent = badge.dataset.detail
      .replace("{leaves}", r.leaves)
      .replace("{size}", r.size)
      .replace("{key}", r.key);
  }
}

main();
