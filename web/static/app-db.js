// @ts-check
// coop-ledger signing app: the device's own storage (IndexedDB).
//
// | store    | key                 | value |
// |----------|---------------------|-------|
// | `kv`     | `identity`          | the signing key (a non-extractable CryptoKey, or a seed sealed under one), its public key, the actor id |
// | `kv`     | `ledger`            | the pinned ledger: origin, key name, public key (first seen) |
// | `outbox` | auto-increment seq  | one signed statement: envelope, state, receipt, proof check |
// | `members`| the member's id     | a household this phone registered: its name and the salt of its `name_commit`, its consent (app-members.js) |
// | `plots`  | the batch's id      | the exact plot of a batch's field and the salt of its `origin.plot_commit` (app-members.js) |
//
// A member's name and salt live here and in the members' backup, and leave
// the phone only beside a consent to be named (spec §6, issue 13).
//
// IndexedDB keeps CryptoKey objects as they are, so a key made
// non-extractable stays so at rest; localStorage (drafts, the last holder's
// view) never holds key material.

const NAME = "coop-ledger-app";
/** @type {Promise<IDBDatabase> | null} */
let opened = null;

/** @template T @param {IDBRequest<T>} req @returns {Promise<T>} */
function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** @returns {Promise<IDBDatabase>} */
function db() {
  if (!opened) {
    const req = indexedDB.open(NAME, 2);
    req.onupgradeneeded = (e) => {
      const d = req.result;
      if (e.oldVersion < 1) {
        d.createObjectStore("kv");
        d.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
      }
      if (e.oldVersion < 2) {
        d.createObjectStore("members", { keyPath: "id" });
        d.createObjectStore("plots", { keyPath: "batch" });
      }
    };
    opened = request(req);
  }
  return opened;
}

/** @param {string} store @param {IDBTransactionMode} mode @param {(s: IDBObjectStore) => IDBRequest} fn @returns {Promise<any>} */
async function tx(store, mode, fn) {
  const d = await db();
  const t = d.transaction(store, mode);
  const result = fn(t.objectStore(store));
  await new Promise((resolve, reject) => {
    t.oncomplete = resolve;
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error);
  });
  return result instanceof IDBRequest ? result.result : result;
}

/// The value under `key` in `store`, or undefined.
/** @param {string} store @param {IDBValidKey} key */
export function get(store, key) {
  return tx(store, "readonly", (s) => s.get(key));
}

/// Stores `value` (under `key` for `kv`); returns the key.
/** @param {string} store @param {any} value @param {IDBValidKey} [key] */
export function put(store, value, key) {
  return tx(store, "readwrite", (s) => (key === undefined ? s.put(value) : s.put(value, key)));
}

/// Removes `key` from `store`.
/** @param {string} store @param {IDBValidKey} key */
export function del(store, key) {
  return tx(store, "readwrite", (s) => s.delete(key));
}

/// Every value of `store`, in key order.
/** @param {string} store */
export function all(store) {
  return tx(store, "readonly", (s) => s.getAll());
}
