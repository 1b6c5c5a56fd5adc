// @ts-check
// coop-ledger signing app: the households this phone registered, and the
// exact plots of its batches' fields (issue 13).
//
// A member's `actor.register` carries no name: it carries `name_commit`,
// SHA-256 of the ledger's prefix, a 32-byte random salt and the name in
// Unicode NFC (spec §6; the prefix and the salt's length come from the
// server, `cfg.privacy`). The name and the salt stay on this phone (the
// `members` store of app-db.js) and in the members' backup, sealed under
// this phone's key. They leave the phone only as a disclosure
// `{member, name, salt}` beside an `actor.consent` with `public: true`,
// which the clerk signs once the household's consent is recorded (the
// signed form's BLAKE3). Without consent, nothing but the commitment is
// ever sent.
//
// Member ids are opaque: `tv-` and 10 random base32 characters, never made
// from a name.
//
// A batch's exact plot (a parcel's number, exact coordinates: what the
// clerk types) is kept the same way: `origin.plot_commit` is SHA-256 of the
// plot prefix, a salt and the record's UTF-8 (NFC), and the record and
// salt stay here and in the backup; the statement's coordinates are coarse.

import { b64, b64encode, concat, enc, hex, sha256 } from "proofs";
import * as store from "app/db";
import * as keys from "app/keys";

/**
 * A household this phone registered.
 * @typedef {{
 *   id: string, name: string, salt: string, name_commit: string,
 *   cooperative?: string, public?: boolean, form_blake3?: string,
 *   created: string, backedUp?: boolean,
 * }} Member
 * The exact plot of a batch's field, kept on this phone.
 * @typedef {{ batch: string, record: string, salt: string, plot_commit: string, created: string }} Plot
 * A disclosure, as it travels beside an `actor.consent` (spec §6).
 * @typedef {{ member: string, name: string, salt: string }} Disclosure
 */

/** RFC 4648 base32, lower case (ids are case-sensitive and lower case reads
 * best). */
const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/** Whether `id` is an id `newMemberId` makes. @param {any} id */
export const isOpaqueId = (id) => typeof id === "string" && /^tv-[a-z2-7]{10}$/.test(id);

/** A new opaque member id: `tv-` and 10 random base32 characters (50 bits). */
export function newMemberId() {
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  return "tv-" + [...bytes].map((b) => BASE32[b & 31]).join("");
}

/** Bytes from lowercase hex. @param {string} s */
function unhex(s) {
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** A new salt of `bytes` random bytes, as lowercase hex. @param {number} bytes */
export const newSalt = (bytes) => hex(crypto.getRandomValues(new Uint8Array(bytes)));

/** A name as the ledger commits to it and stores it: Unicode NFC, trimmed.
 * @param {string} name */
export const normalName = (name) => name.trim().normalize("NFC");

/** A commitment: hex SHA-256(prefix ‖ salt ‖ UTF-8(NFC(text))). With the
 * ledger's name prefix (`cfg.privacy.name_prefix`) it is `name_commit`;
 * with the plot prefix, `plot_commit`.
 * @param {string} prefix @param {string} saltHex @param {string} text */
export async function commitment(prefix, saltHex, text) {
  return hex(await sha256(concat(enc.encode(prefix), unhex(saltHex), enc.encode(normalName(text)))));
}

/** The salt this phone keeps for member `id`'s name, made (and kept with
 * the name) on first use: a form that is signed again after a refusal
 * keeps its commitment.
 * @param {string} id @param {string} name @param {{ name_prefix: string, salt_bytes: number }} privacy
 * @returns {Promise<{ salt: string, name_commit: string }>} */
export async function commitFor(id, name, privacy) {
  /** @type {Member | undefined} */
  const known = await store.get("members", id);
  const salt = known?.salt || newSalt(privacy.salt_bytes);
  return { salt, name_commit: await commitment(privacy.name_prefix, salt, name) };
}

/** The commitment to batch `batch`'s exact plot `record`, with a new salt;
 * the record and salt are kept on this phone (`keepPlot`) once it is signed.
 * @param {string} batch @param {string} record @param {{ plot_prefix: string, salt_bytes: number }} privacy
 * @returns {Promise<Plot>} */
export async function plotFor(batch, record, privacy) {
  /** @type {Plot | undefined} */
  const known = await store.get("plots", batch);
  const salt = known?.salt || newSalt(privacy.salt_bytes);
  const text = normalName(record);
  return { batch, record: text, salt, plot_commit: await commitment(privacy.plot_prefix, salt, text), created: new Date().toISOString() };
}

/** Keeps a batch's exact plot on this phone. @param {Plot} plot */
export function keepPlot(plot) {
  return store.put("plots", plot);
}

/** Keeps member `id` with its name and salt on this phone.
 * @param {Omit<Member, "created">} m */
export async function keep(m) {
  /** @type {Member | undefined} */
  const known = await store.get("members", m.id);
  const kept = { ...known, ...m, name: normalName(m.name), created: known?.created || new Date().toISOString(), backedUp: false };
  await store.put("members", kept);
  cache.set(kept.id, kept);
  return kept;
}

/** Records member `id`'s consent as signed on this phone.
 * @param {string} id @param {boolean} isPublic @param {string | undefined} form */
export async function consent(id, isPublic, form) {
  /** @type {Member | undefined} */
  const known = await store.get("members", id);
  if (!known) return;
  const kept = { ...known, public: isPublic, form_blake3: form, backedUp: false };
  await store.put("members", kept);
  cache.set(id, kept);
}

/** The disclosure of member `id` (its name and salt), if this phone knows
 * them. @param {string} id @returns {Promise<Disclosure | undefined>} */
export async function disclosure(id) {
  /** @type {Member | undefined} */
  const m = await store.get("members", id);
  return m ? { member: m.id, name: m.name, salt: m.salt } : undefined;
}

/** The members as last loaded, by id, for the screens' lists.
 * @type {Map<string, Member>} */
const cache = new Map();

/** Every member this phone keeps, oldest first (and the cache refreshed).
 * @returns {Promise<Member[]>} */
export async function load() {
  /** @type {Member[]} */
  const all = await store.all("members");
  all.sort((a, b) => (a.created < b.created ? -1 : 1));
  cache.clear();
  for (const m of all) cache.set(m.id, m);
  return all;
}

/** The members as last loaded, oldest first. */
export const all = () => cache.values();

/** The name this phone keeps for member `id`, if any (from the last
 * `load`). @param {string} id */
export const nameOf = (id) => cache.get(id)?.name;

/** An id, with the name this phone keeps for it: `tv-… · Hộ Trần Văn Bảy`.
 * @param {string} id */
export const labelled = (id) => (nameOf(id) ? `${id} · ${nameOf(id)}` : id);

// ---- The members' backup ---------------------------------------------------------
//
// The members' names and salts in a PEM-style block, sealed with AES-GCM
// under a key only this actor's signing key gives (HKDF-SHA256 of its
// Ed25519 signature of a fixed text; Ed25519 signatures are deterministic,
// RFC 8032 §5.1.6, so the restored key gives the same one). A lost backup
// file thus reveals no name without the key backup beside it. The block
// may follow the PEM key in one file; restoring reads both.

const BEGIN = "-----BEGIN COOP-LEDGER MEMBERS-----";
const END = "-----END COOP-LEDGER MEMBERS-----";

/** The AES-GCM key of the members' backup, from this phone's signing key. */
async function sealingKey() {
  const sig = await keys.backupSignature();
  const ikm = await crypto.subtle.importKey("raw", sig, "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(32), info: enc.encode("coop-ledger members backup v1") },
    ikm,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

/** The members' backup block, sealed under this phone's key. */
export async function backupBlock() {
  const members = (await load()).map(({ id, name, salt, name_commit, cooperative, public: p, form_blake3, created }) => ({
    id,
    name,
    salt,
    name_commit,
    cooperative,
    public: p,
    form_blake3,
    created,
  }));
  /** @type {Plot[]} */
  const plots = await store.all("plots");
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plain = enc.encode(JSON.stringify({ v: 1, members, plots }));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await sealingKey(), plain));
  const body = (b64encode(concat(iv, sealed)).match(/.{1,64}/g) || []).join("\n");
  return `${BEGIN}\n${body}\n${END}\n`;
}

/** Marks every member as in a backup (after the clerk saved one). */
export async function backedUp() {
  for (const m of await load()) await store.put("members", { ...m, backedUp: true });
  await load();
}

/** How many members are not in a backup yet. */
export async function notBackedUp() {
  return (await load()).filter((m) => !m.backedUp).length;
}

/** Whether `text` holds a members' backup block. @param {string} text */
export const hasBackup = (text) => String(text).includes(BEGIN);

/** Restores the members of the backup block in `text`, sealed under this
 * phone's (restored) key; returns how many. Throws if the block is not one
 * this key sealed. @param {string} text */
export async function restore(text) {
  const m = String(text).match(/-----BEGIN COOP-LEDGER MEMBERS-----([A-Za-z0-9+/=\s]+)-----END COOP-LEDGER MEMBERS-----/);
  if (!m) throw new Error("no members' backup");
  const bytes = b64(m[1].replace(/\s+/g, ""));
  const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: bytes.slice(0, 12) }, await sealingKey(), bytes.slice(12));
  const { members, plots = [] } = JSON.parse(new TextDecoder().decode(plain));
  for (const x of members) await store.put("members", { ...x, backedUp: true });
  for (const p of plots) await store.put("plots", p);
  await load();
  return members.length;
}
