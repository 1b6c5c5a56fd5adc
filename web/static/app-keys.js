// @ts-check
// coop-ledger signing app: the actor's Ed25519 key, made and kept on this
// device (spec §2, §3). The private key never leaves the device: it is
// never sent, never written to localStorage, and shown only once, as a
// PKCS#8 PEM backup (the 48-byte v1 form `openssl genpkey -algorithm
// ed25519` writes, so the CLI and openssl read it).
//
// Where the browser's WebCrypto has Ed25519, the key lives in IndexedDB as a
// non-extractable CryptoKey: not even this app's code can read it back.
// Elsewhere the vendored, audited @noble/ed25519 signs, and the 32-byte seed
// is stored sealed with AES-GCM under a non-extractable WebCrypto key, and
// unsealed only for the moment of signing.

import { PREFIX, b64, b64encode, concat, equal, loadNoble } from "proofs";
import * as store from "app/db";

// RFC 8410 §7: PrivateKeyInfo of an Ed25519 key, up to the 32-byte seed.
const V1_HEAD = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);
// The v2 form (OneAsymmetricKey with the public key, RFC 8410 §10.3).
const V2_HEAD = Uint8Array.from([
  0x30, 0x51, 0x02, 0x01, 0x01, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);
const V2_PUB = Uint8Array.from([0x81, 0x21, 0x00]);

/// The PEM text of a PKCS#8 DER key.
/** @param {Uint8Array<ArrayBuffer>} der */
export function pem(der) {
  const body = (b64encode(der).match(/.{1,64}/g) || []).join("\n");
  return `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n`;
}

/// The seed (and the public key, for v2) of a PKCS#8 PEM Ed25519 key.
/** @param {string} text */
export function parsePem(text) {
  const m = String(text).match(/-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\s]+)-----END PRIVATE KEY-----/);
  if (!m) throw new Error("not a PEM private key");
  const der = b64(m[1].replace(/\s+/g, ""));
  if (der.length === 48 && equal(der.slice(0, 16), V1_HEAD)) return { seed: der.slice(16) };
  if (der.length === 83 && equal(der.slice(0, 16), V2_HEAD) && equal(der.slice(48, 51), V2_PUB)) {
    return { seed: der.slice(16, 48), publicKey: der.slice(51) };
  }
  throw new Error("not an Ed25519 PKCS#8 key");
}

/** @type {boolean | null} */
let webcrypto = null;
/// Whether this browser's WebCrypto signs with Ed25519.
async function hasWebCryptoEd25519() {
  if (webcrypto === null) {
    try {
      await crypto.subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"]);
      webcrypto = true;
    } catch (_) {
      webcrypto = false;
    }
  }
  return webcrypto;
}

/// Keeps `seed` on the device: as a non-extractable WebCrypto key, or
/// sealed for @noble/ed25519. Returns the stored key record.
/** @param {Uint8Array<ArrayBuffer>} seed @param {Uint8Array<ArrayBuffer>} publicKey */
async function keep(seed, publicKey) {
  if (await hasWebCryptoEd25519()) {
    const privateKey = await crypto.subtle.importKey("pkcs8", concat(V1_HEAD, seed), { name: "Ed25519" }, false, [
      "sign",
    ]);
    return { kind: "webcrypto", privateKey, publicKey: b64encode(publicKey) };
  }
  const wrap = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, wrap, seed));
  return { kind: "noble", wrap, iv, sealed, publicKey: b64encode(publicKey) };
}

/** @param {Uint8Array<ArrayBuffer>} seed @returns {Promise<Uint8Array<ArrayBuffer>>} */
async function publicOf(seed) {
  if (await hasWebCryptoEd25519()) {
    const k = await crypto.subtle.importKey("pkcs8", concat(V1_HEAD, seed), { name: "Ed25519" }, true, ["sign"]);
    const jwk = await crypto.subtle.exportKey("jwk", k);
    return b64((jwk.x || "").replace(/-/g, "+").replace(/_/g, "/") + "=");
  }
  const noble = await loadNoble();
  return await noble.getPublicKeyAsync(seed);
}

/// Makes a new key on this device and keeps it. Returns the public key and
/// the one-time PEM backup, which is not stored anywhere.
export async function createKey() {
  const seed = crypto.getRandomValues(new Uint8Array(32));
  const publicKey = await publicOf(seed);
  const key = await keep(seed, publicKey);
  const backup = pem(concat(V1_HEAD, seed));
  seed.fill(0);
  await store.put("kv", { key, actor: null, role: null, backup: "pending", created: new Date().toISOString() }, "identity");
  return { publicKey: key.publicKey, backup };
}

/// Restores a key from its PEM backup text.
/** @param {string} text */
export async function importKey(text) {
  const { seed, publicKey: stated } = parsePem(text);
  const publicKey = await publicOf(seed);
  if (stated && !equal(stated, publicKey)) throw new Error("the public key does not match the private key");
  const key = await keep(seed, publicKey);
  seed.fill(0);
  await store.put("kv", { key, actor: null, role: null, backup: "restored", created: new Date().toISOString() }, "identity");
  return { publicKey: key.publicKey };
}

/// The device's identity record, or undefined.
export function identity() {
  return store.get("kv", "identity");
}

/// Updates fields of the identity record.
/** @param {Record<string, any>} fields */
export async function update(fields) {
  const id = await identity();
  await store.put("kv", { ...id, ...fields }, "identity");
}

/// Removes the key from this device.
export function forget() {
  return store.del("kv", "identity");
}

/// The text whose signature seals the members' backup (app-members.js).
/// It does not start with the statement prefix, so its signature is never
/// the signature of a statement.
const BACKUP_TEXT = new TextEncoder().encode("coop-ledger members backup v1\n");

/// This key's Ed25519 signature of the backup text: the same for the same
/// key (RFC 8032 signatures are deterministic), so the key backup restores
/// what seals the members' backup. It never leaves the phone.
export async function backupSignature() {
  return sign(BACKUP_TEXT);
}

/// Signs `statement` (its exact UTF-8 bytes) as spec §3 says; returns the
/// envelope text `{statement, key, sig}`.
/** @param {string} statement @returns {Promise<{ statement: string, key: string, sig: string }>} */
export async function signEnvelope(statement) {
  const { key } = await identity();
  const sig = await sign(concat(PREFIX, new TextEncoder().encode(statement)));
  return { statement, key: key.publicKey, sig: b64encode(sig) };
}

/// The signature of `msg` under this phone's key.
/** @param {Uint8Array<ArrayBuffer>} msg @returns {Promise<Uint8Array<ArrayBuffer>>} */
async function sign(msg) {
  const { key } = await identity();
  let sig;
  if (key.kind === "webcrypto") {
    sig = new Uint8Array(await crypto.subtle.sign({ name: "Ed25519" }, key.privateKey, msg));
  } else {
    const seed = new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv: key.iv }, key.wrap, key.sealed));
    const noble = await loadNoble();
    sig = await noble.signAsync(msg, seed);
    seed.fill(0);
  }
  return sig;
}
