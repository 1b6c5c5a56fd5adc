// @ts-check
// coop-ledger signing app: the outbox. Every statement is signed on the
// device and stored here before anything is sent, so a weak or absent
// connection loses nothing. Sending goes in signing order, one at a time,
// under a Web Lock so that two open tabs never send at once; an item leaves
// the queue only on the ledger's answer, so it is sent until answered. A
// resend after a lost answer is harmless: the ledger appends the same
// envelope once and names the first index (spec §6).
//
// Each receipt is then checked here, trusting nothing the server says
// (spec §4, §5, §7): the checkpoint's signature under the ledger key
// pinned when this device was set up, the leaf read back holds exactly the
// statement, key and signature sent, its SHA-256 leaf hash is the receipt's,
// its inclusion proof reaches the checkpoint's root, the entry id is
// BLAKE3(statement ‖ signature), and the checkpoint is consistent (RFC 9162
// §2.1.4) with the largest one this phone has checked before, so the ledger
// cannot show this phone a history it later rewrites.
//
// A refused statement holds back the ones signed after it but before the
// refusal was known (they may depend on it) until the clerk edits or
// dismisses it.
//
// An item may wait for another (`after`): a member's consent goes only
// once its registration is logged and checked here, and is not sent at all
// if the registration was refused. An item may carry a disclosure
// (`disclose`: the member whose name and salt go beside the envelope, read
// from app-members.js when it is sent, as the fourth member of the body,
// spec §6): never part of what is signed or logged.

import { b64, b64encode, checkCheckpoint, checkLeaf, concat, enc, equal, hex, verifyConsistency } from "proofs";
import { blake3 } from "blake3";
import * as store from "app/db";
import * as members from "app/members";

/// How long one request may take before the ledger counts as unreachable.
const TIMEOUT_MS = 30000;

/// Queues a signed envelope with what the clerk typed (to edit it again
/// if the ledger refuses it), and, in `extra`, the item it waits for and
/// the member it discloses. Returns its sequence number.
/** @param {{ statement: string, key: string, sig: string }} envelope @param {string} type @param {Record<string, any>} values
 * @param {{ after?: number, disclose?: string }} [extra] */
export function enqueue(envelope, type, values, extra = {}) {
  return store.put("outbox", {
    envelope,
    type,
    values,
    ...extra,
    state: "queued",
    created: new Date().toISOString(),
  });
}

/// Takes member `id`'s disclosure off every item not sent yet (its
/// consent was withdrawn on this phone): its name is not sent.
/** @param {string} id */
export async function undisclose(id) {
  for (const it of await items()) {
    if (it.disclose === id && it.state === "queued") await store.put("outbox", { ...it, disclose: undefined });
  }
}

/// Every item, oldest first.
export function items() {
  return store.all("outbox");
}

/// One item.
/** @param {number} seq */
export function item(seq) {
  return store.get("outbox", seq);
}

class Offline extends Error {}

/// Answers that mean "try again later": no answer in time, an overloaded
/// or failing ledger, or something that is not the ledger (a captive
/// portal's page).
/** @param {Response} r */
function later(r) {
  return r.status >= 500 || r.status === 429 || r.status === 408;
}

/** @param {string} url @param {RequestInit} [init] */
async function request(url, init = {}) {
  let r;
  try {
    r = await fetch(url, { cache: "no-store", ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (e) {
    throw new Offline(e.message);
  }
  if (later(r)) throw new Offline(`${r.status}`);
  return r;
}

/** @param {string} url */
async function get(url) {
  const r = await request(url);
  try {
    return { status: r.status, body: await r.json() };
  } catch (e) {
    throw new Offline("not the ledger's answer");
  }
}

/// The pinned ledger (origin, key name, public key), fetched and kept the
/// first time.
export async function ledger() {
  let pin = await store.get("kv", "ledger");
  if (!pin) {
    const { status, body: l } = await get("/api/v1/ledger");
    if (status !== 200) throw new Offline(`ledger: ${status}`);
    pin = {
      origin: l.origin,
      key_name: l.key_name,
      public_key: l.public_key,
      note_vkey: l.note_vkey,
      witnesses: witnessKeys(l),
    };
    await store.put("kv", pin, "ledger");
  }
  return pin;
}

/** The witness vkeys a `GET /api/v1/ledger` answer names, sorted. @param {any} l @returns {string[]} */
function witnessKeys(l) {
  return (Array.isArray(l.witnesses) ? l.witnesses : []).map((/** @type {any} */ w) => String(w.vkey)).sort();
}

/// The ledger's witnesses (spec §8.16) as this phone pinned them (the
/// first set it saw, like the ledger key) and as the server names them
/// now: `{pinned, now, changed}`. A change is never adopted here, only
/// reported, so that the app can warn.
export async function witnesses() {
  const pin = await ledger();
  const { status, body: l } = await get("/api/v1/ledger");
  if (status !== 200) throw new Offline(`ledger: ${status}`);
  const now = witnessKeys(l);
  if (!Array.isArray(pin.witnesses)) {
    pin.witnesses = now;
    await store.put("kv", pin, "ledger");
  }
  /** @type {string[]} */
  const pinned = pin.witnesses;
  return { pinned, now, changed: pinned.join("\n") !== now.join("\n") };
}

/// Checks a receipt as the header says; returns `{index, size, key}`.
/** @param {{ statement: string, key: string, sig: string }} env @param {any} receipt */
async function check(env, receipt) {
  const pin = await ledger();
  const cp = await checkCheckpoint(receipt.checkpoint, pin.origin, pin.key_name, b64(pin.public_key));
  const { body: page } = await get(`/api/v1/entries?start=${receipt.index}&limit=1`);
  const entry = page.entries && page.entries[0];
  if (!entry || entry.index !== receipt.index) throw new Error(`entry ${receipt.index} is not served`);
  const leaf = await checkLeaf(b64(entry.leaf), receipt.index, cp, receipt.inclusion_proof.map(b64));
  if (leaf.statement !== env.statement || leaf.key !== env.key || leaf.sig !== env.sig) {
    throw new Error(`entry ${receipt.index} is not the statement signed here`);
  }
  if (b64encode(leaf.hash) !== receipt.leaf_hash) throw new Error("the leaf hash differs from the receipt's");
  if (hex(blake3(concat(enc.encode(env.statement), b64(env.sig)))) !== receipt.entry_id) {
    throw new Error("the entry id differs from BLAKE3(statement ‖ signature)");
  }
  await consistent(cp);
  return { index: receipt.index, size: cp.size, key: hex(cp.keyId) };
}

/// Checks checkpoint `cp` against the largest one this phone checked
/// before, and keeps the larger.
/** @param {any} cp */
async function consistent(cp) {
  const seen = await store.get("kv", "seen");
  if (seen && seen.size === cp.size && !equal(seen.root, cp.root)) {
    throw new Error(`two different trees of ${cp.size} entries`);
  }
  if (seen && seen.size !== cp.size) {
    const [a, b] = seen.size < cp.size ? [seen, cp] : [cp, seen];
    const { status, body } = await get(`/api/v1/proof/consistency?from=${a.size}&to=${b.size}`);
    if (status !== 200 || !Array.isArray(body.proof)) throw new Error("no consistency proof");
    if (!(await verifyConsistency(a.size, b.size, a.root, b.root, body.proof.map(b64)))) {
      throw new Error(`the tree of ${b.size} entries does not extend the one of ${a.size} seen before`);
    }
  }
  if (!seen || cp.size > seen.size) await store.put("kv", { size: cp.size, root: cp.root }, "seen");
}

/** @param {any} it @param {string} lang */
async function send(it, lang) {
  const disclosure = it.disclose ? await members.disclosure(it.disclose) : undefined;
  const r = await request(`/api/v1/entries?lang=${lang}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(disclosure ? { ...it.envelope, disclosure } : it.envelope),
  });
  const body = await r.json().catch(() => ({}));
  if ((r.status === 200 || r.status === 201) && Number.isSafeInteger(body.index) && typeof body.checkpoint === "string") {
    return { ...it, state: "unchecked", receipt: body, duplicate: r.status === 200, sent: new Date().toISOString() };
  }
  // Only the ledger's own refusal ({error, message}) refuses; anything else
  // (a proxy's page, a stray redirect) is tried again later.
  if (r.status >= 400 && typeof body.error === "string") {
    const error = { status: r.status, code: body.error, message: body.message };
    return { ...it, state: "refused", error, refusedAt: new Date().toISOString() };
  }
  throw new Offline(`unexpected answer ${r.status}`);
}

/// Sends a statement again (after a failed check: harmless, the ledger
/// answers a repeat with the first index).
/** @param {number} seq */
export async function retry(seq) {
  const it = await item(seq);
  if (it) await store.put("outbox", { ...it, state: "queued", error: undefined });
}

/// Lets the statements after a refused one go (the clerk has seen it).
/** @param {number} seq */
export async function dismiss(seq) {
  const it = await item(seq);
  if (it) await store.put("outbox", { ...it, dismissed: true });
}

/// Sends what is queued and checks what is sent, in order, until nothing is
/// left (a statement signed meanwhile is sent too). Calls `changed(item)`
/// after each step. Returns "online" when the ledger answered and nothing
/// is left, "idle" when there was nothing to send, "blocked" when a refused
/// statement holds back later ones, "offline" when the ledger could not be
/// reached (try again later).
/** @param {string} lang @param {(it: any) => void} changed @returns {Promise<string>} */
export async function flush(lang, changed) {
  const run = async () => {
    let asked = false;
    for (;;) {
      let progressed = false;
      for (let it of await items()) {
        if (it.state === "refused" && !it.dismissed) {
          // Only what was signed before the refusal was known waits.
          const held = (/** @type {any} */ x) => x.seq > it.seq && x.state === "queued" && x.created < it.refusedAt;
          if ((await items()).some(held)) return "blocked";
          continue;
        }
        if (it.state !== "queued" && it.state !== "unchecked") continue;
        if (it.state === "queued" && it.after !== undefined) {
          const first = await item(it.after);
          // Not yet logged and checked: it waits (the loop comes back).
          if (first && first.state !== "done" && first.state !== "refused") continue;
          if (!first || first.state === "refused") {
            it = { ...it, state: "skipped" };
            await store.put("outbox", it);
            changed(it);
            continue;
          }
        }
        asked = progressed = true;
        try {
          if (it.state === "queued") {
            it = await send(it, lang);
            await store.put("outbox", it);
            changed(it);
          }
          if (it.state === "unchecked") {
            try {
              it = { ...it, state: "done", proof: await check(it.envelope, it.receipt) };
            } catch (e) {
              if (e instanceof Offline) throw e;
              it = { ...it, state: "check_failed", error: { message: e.message } };
            }
            await store.put("outbox", it);
            changed(it);
          }
        } catch (e) {
          if (e instanceof Offline) return "offline";
          throw e;
        }
        if (it.state === "refused") break;
      }
      if (!progressed) return asked ? "online" : "idle";
    }
  };
  return navigator.locks ? navigator.locks.request("coop-ledger-outbox", run) : run();
}
