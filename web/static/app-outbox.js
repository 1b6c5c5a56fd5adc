// coop-ledger signing app: the outbox. Every statement is signed on the
// device and stored here before anything is sent, so a weak or absent
// connection loses nothing. Sending goes in signing order, one at a time,
// under a Web Lock so that two open tabs never send at once; an item leaves
// the queue only on the ledger's answer, so it is sent until answered. A
// resend after a lost answer is harmless: the ledger appends the same
// envelope once and names the first index (design §6).
//
// Each receipt is then checked here, trusting nothing the server says
// (design §4, §5, §7): the checkpoint's signature under the ledger key
// pinned when this device was set up, the leaf read back holds exactly the
// statement, key and signature sent, its SHA-256 leaf hash is the receipt's,
// its inclusion proof reaches the checkpoint's root, and the entry id is
// BLAKE3(statement ‖ signature).

import { b64, b64encode, checkCheckpoint, checkLeaf, concat, enc, hex } from "proofs";
import * as store from "app/db";

/// Queues a signed envelope with what the clerk typed (to edit it again
/// if the ledger refuses it). Returns its sequence number.
export function enqueue(envelope, type, values) {
  return store.put("outbox", {
    envelope,
    type,
    values,
    state: "queued",
    created: new Date().toISOString(),
  });
}

/// Every item, oldest first.
export function items() {
  return store.all("outbox");
}

/// One item.
export function item(seq) {
  return store.get("outbox", seq);
}

class Offline extends Error {}

async function get(url) {
  let r;
  try {
    r = await fetch(url, { cache: "no-store" });
  } catch (e) {
    throw new Offline(e.message);
  }
  if (r.status >= 500) throw new Offline(`${r.status}`);
  return r;
}

/// The pinned ledger (origin, key name, public key), fetched and kept the
/// first time.
export async function ledger() {
  let pin = await store.get("kv", "ledger");
  if (!pin) {
    const r = await get("/api/v1/ledger");
    if (!r.ok) throw new Error(`ledger: ${r.status}`);
    const l = await r.json();
    pin = { origin: l.origin, key_name: l.key_name, public_key: l.public_key };
    await store.put("kv", pin, "ledger");
  }
  return pin;
}

/// Checks a receipt as the header says; returns `{index, size, key}`.
async function check(env, receipt) {
  const pin = await ledger();
  const cp = await checkCheckpoint(receipt.checkpoint, pin.origin, pin.key_name, b64(pin.public_key));
  const r = await get(`/api/v1/entries?start=${receipt.index}&limit=1`);
  const page = await r.json();
  const entry = page.entries && page.entries[0];
  if (!entry || entry.index !== receipt.index) throw new Error(`entry ${receipt.index} is not served`);
  const leaf = await checkLeaf(b64(entry.leaf), receipt.index, cp, receipt.inclusion_proof.map(b64));
  if (leaf.statement !== env.statement || leaf.key !== env.key || leaf.sig !== env.sig) {
    throw new Error(`entry ${receipt.index} is not the statement signed here`);
  }
  if (b64encode(leaf.hash) !== receipt.leaf_hash) throw new Error("the leaf hash differs from the receipt's");
  const { blake3 } = await import("blake3");
  if (hex(blake3(concat(enc.encode(env.statement), b64(env.sig)))) !== receipt.entry_id) {
    throw new Error("the entry id differs from BLAKE3(statement ‖ signature)");
  }
  return { index: receipt.index, size: cp.size, key: hex(cp.keyId) };
}

async function send(it, lang) {
  let r;
  try {
    r = await fetch(`/api/v1/entries?lang=${lang}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(it.envelope),
    });
  } catch (e) {
    throw new Offline(e.message);
  }
  if (r.status >= 500 || r.status === 429 || r.status === 408) throw new Offline(`${r.status}`);
  const body = await r.json().catch(() => ({}));
  if (r.status === 200 || r.status === 201) {
    return { ...it, state: "unchecked", receipt: body, duplicate: r.status === 200, sent: new Date().toISOString() };
  }
  return { ...it, state: "refused", error: { status: r.status, code: body.error, message: body.message } };
}

/// Sends what is queued and checks what is sent, in order. Calls
/// `changed(item)` after each step. Returns "online" when the ledger
/// answered and nothing is left, "idle" when there was nothing to send,
/// "offline" when the ledger could not be reached (try again later).
export async function flush(lang, changed) {
  const run = async () => {
    let asked = false;
    for (let it of await items()) {
      if (it.state === "queued" || it.state === "unchecked") asked = true;
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
    }
    return asked ? "online" : "idle";
  };
  return navigator.locks ? navigator.locks.request("coop-ledger-outbox", run) : run();
}
