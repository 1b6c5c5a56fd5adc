// @ts-check
// coop-ledger signing app: talking to the ledger. When to send the outbox
// (at once, on coming back online, and again later while the ledger cannot
// be reached), the header's connection line, and the reads the screens make
// (the holder's view, kept for when there is no connection).

import * as outbox from "app/outbox";
import { T, cfg, fmt, nav } from "app/ui";

const net = /** @type {HTMLElement} */ (document.getElementById("net"));

/**
 * The holder's view (`GET /api/v1/actors/{id}/custody`), and whether it is
 * fresh or as last seen (`at`).
 * @typedef {{ id: string, product: { name: string }, remaining: { amount: string, unit: string }, status: string, from: string }} BatchRow
 * @typedef {{ id: string, to: string, outcome: string }} ShippedRow
 * @typedef {{ id: string, cooperative: string, business: string, product_category: string, from: string, to: string, state: string, offered_by: string }} ContractRow
 * @typedef {{ holding?: BatchRow[], incoming?: BatchRow[], shipped?: ShippedRow[], contracts?: ContractRow[], fresh: boolean, at?: string }} Custody
 */

/** The holder's view last read (or kept), for the forms' lists.
 * @type {Custody | null} */
let custody = null;

/** The holder's view last read, or null. */
export const lastCustody = () => custody;

// ---- Sending ------------------------------------------------------------------

/** @type {number} */
let retry = 2000;
/** @type {ReturnType<typeof setTimeout> | null} */
let timer = null;
/** @type {Promise<void> | null} */
let flushing = null;

let reachable = true;
let blocked = false;

/// Shows whether the ledger answered the last time it was asked, and how
/// many statements wait to be sent.
/** @param {string} [result] */
export async function updateNet(result) {
  if (result === "offline" || result === "online") reachable = result === "online";
  if (result === "blocked") blocked = true;
  else if (result) blocked = false;
  const waiting = (await outbox.items()).filter((/** @type {any} */ i) => i.state === "queued").length;
  const offline = !reachable || !navigator.onLine;
  net.dataset.state = blocked ? "blocked" : offline ? "offline" : "online";
  net.textContent = (blocked ? T.blocked : offline ? T.offline : T.online) + (waiting ? " · " + fmt(T.waiting, { n: waiting }) : "");
}

/// Sends the queue now; if the ledger cannot be reached, tries again later
/// (2 s, doubling to 15 s). A call while a send is under way runs one more
/// pass after it, so a statement signed meanwhile is never left waiting.
let again = false;
export async function kick() {
  if (timer) clearTimeout(timer);
  timer = null;
  if (flushing) {
    again = true;
    return flushing;
  }
  flushing = (async () => {
    let result;
    do {
      again = false;
      try {
        result = await outbox.flush(cfg.lang, changed);
      } catch (e) {
        console.error("outbox", e);
        result = "offline";
      }
    } while (again && result !== "offline");
    await updateNet(result);
    if (result === "offline") {
      timer = setTimeout(kick, retry);
      retry = Math.min(retry * 2, 15000);
    } else {
      retry = 2000;
    }
  })();
  try {
    await flushing;
  } finally {
    flushing = null;
  }
}

/** After a step of the outbox: the home and item screens show it. */
function changed() {
  const route = location.hash;
  if (route === "" || route === "#/" || route.startsWith("#/item/")) nav.render();
}

// ---- Ledger reads ---------------------------------------------------------------

/** GETs `path` of the ledger's API, in the page's language.
 * @param {string} path @returns {Promise<{ status: number, body: any }>} */
export async function api(path) {
  const sep = path.includes("?") ? "&" : "?";
  let r;
  try {
    r = await fetch(`${path}${sep}lang=${cfg.lang}`, { cache: "no-store" });
  } catch (e) {
    updateNet("offline");
    throw e;
  }
  updateNet(r.status >= 500 ? "offline" : "online");
  const body = await r.json().catch(() => ({}));
  return { status: r.status, body };
}

/** The holder's view, from the ledger or, offline, as last seen.
 * @param {string} me @returns {Promise<Custody | null>} */
export async function loadCustody(me) {
  const cacheKey = `coop-ledger:custody:${me}`;
  try {
    const { status, body } = await api(`/api/v1/actors/${encodeURIComponent(me)}/custody`);
    if (status !== 200) throw new Error(body.message || status);
    custody = { ...body, fresh: true };
    localStorage.setItem(cacheKey, JSON.stringify({ at: new Date().toISOString(), body }));
  } catch (_) {
    const cached = JSON.parse(localStorage.getItem(cacheKey) || "null");
    custody = cached ? { ...cached.body, fresh: false, at: cached.at } : null;
  }
  return custody;
}

// ---- Names of the actors the phone deals with -------------------------------------

const NAMES = "coop-ledger:names";

/** The names of actors read from the ledger, kept for when there is no
 * connection. @type {Record<string, string>} */
const names = JSON.parse(localStorage.getItem(NAMES) || "{}");

/** The name of actor `id`, as the ledger shows it, if read once. @param {string} id */
export const actorName = (id) => names[id];

/** Reads the names of `ids` the phone does not know yet (a member not
 * named publicly has none); offline, those already kept serve.
 * @param {Iterable<string>} ids */
export async function loadNames(ids) {
  const wanted = [...new Set(ids)].filter((id) => id && !(id in names));
  try {
    await Promise.all(
      wanted.map(async (id) => {
        const { status, body } = await api(`/api/v1/actors/${encodeURIComponent(id)}`);
        if (status === 200) names[id] = typeof body.name === "string" ? body.name : "";
      }),
    );
  } catch (_) {
    // Offline: the ids stand for themselves until the names can be read.
  }
  localStorage.setItem(NAMES, JSON.stringify(names));
}

/** Pages of organisations the app reads at most (100 each). */
const ORGANISATION_PAGES = 5;

/** @type {string[]} */
let organisationIds = [];

/** The organisations on the other side of a contract from an actor of
 * `role` (`GET /api/v1/organisations`, issue 15): businesses for a
 * cooperative's clerk, cooperatives for a business's. A partner never
 * dealt with is then picked by name too. Their names join the names the
 * lists show; kept for when there is no connection.
 * @param {string} role */
export async function loadOrganisations(role) {
  const side = role === "business" ? "cooperative" : "business";
  const cacheKey = `coop-ledger:organisations:${side}`;
  /** @type {{ id: string, name?: string }[]} */
  let list = [];
  try {
    let after = "";
    for (let page = 0; page < ORGANISATION_PAGES; page++) {
      const q = after ? `&after=${encodeURIComponent(after)}` : "";
      const { status, body } = await api(`/api/v1/organisations?side=${side}${q}`);
      if (status !== 200) throw new Error(body.message || status);
      list.push(...body.organisations);
      if (!body.next) break;
      after = body.next;
    }
    localStorage.setItem(cacheKey, JSON.stringify(list));
  } catch (_) {
    list = JSON.parse(localStorage.getItem(cacheKey) || "[]");
  }
  for (const o of list) if (typeof o.name === "string" && !(o.id in names)) names[o.id] = o.name;
  organisationIds = list.map((o) => o.id);
  return organisationIds;
}

/** The organisations [`loadOrganisations`] read last. @returns {string[]} */
export const organisations = () => organisationIds;

/** The actors this phone deals with: the parties of its contracts, those
 * it shipped to or received from, and its own cooperative.
 * @param {string} me @param {string} [cooperative] @returns {string[]} */
export function partners(me, cooperative) {
  const c = custody;
  const ids = [
    ...(c?.contracts || []).flatMap((k) => [k.cooperative, k.business]),
    ...(c?.shipped || []).map((s) => s.to),
    ...(c?.incoming || []).map((b) => b.from),
    ...(cooperative ? [cooperative] : []),
  ];
  return [...new Set(ids)].filter((id) => id && id !== me);
}

/** @type {Promise<import("app/forms").Communes | undefined> | null} */
let communeList = null;

/** The communes of every province (the server's hashed static list, kept
 * by the service worker for when there is no connection), or undefined if
 * it cannot be had: the commune is then typed, and the ledger checks it. */
export function communes() {
  communeList ??= fetch(cfg.places.communes)
    .then((r) => (r.ok ? r.json() : undefined))
    .catch(() => {
      communeList = null;
      return undefined;
    });
  return communeList;
}

// ---- The cooperative's members, from the ledger (issue 15) ------------------------

/**
 * A member household as `GET /api/v1/actors/{id}/members` lists it: a
 * name only when it agreed to be named.
 * @typedef {{ id: string, role: string, commune: string | null, name: string | null, status: string }} LedgerMember
 */

/** Most pages of members read at once (100 each, spec §8.5). */
const MEMBER_PAGES = 20;

/** The members of each cooperative as last read, by member id.
 * @type {Map<string, LedgerMember>} */
const ledgerMembers = new Map();

/** The member `id` as the ledger lists it, if read. @param {string} id */
export const ledgerMember = (id) => ledgerMembers.get(id);

/** Reads the member households of cooperative `coop`, every page (at
 * most `MEMBER_PAGES`); offline, those last read serve.
 * @param {string} coop @returns {Promise<LedgerMember[]>} */
export async function loadMembers(coop) {
  const cacheKey = `coop-ledger:members:${coop}`;
  /** @type {LedgerMember[]} */
  let list = [];
  try {
    let after = "";
    for (let page = 0; page < MEMBER_PAGES; page++) {
      const q = after ? `?after=${encodeURIComponent(after)}` : "";
      const { status, body } = await api(`/api/v1/actors/${encodeURIComponent(coop)}/members${q}`);
      if (status !== 200) throw new Error(body.message || status);
      list.push(...body.members);
      if (!body.next) break;
      after = body.next;
    }
    localStorage.setItem(cacheKey, JSON.stringify(list));
  } catch (_) {
    list = JSON.parse(localStorage.getItem(cacheKey) || "[]");
  }
  for (const m of list) ledgerMembers.set(m.id, m);
  return list;
}

/**
 * One entry this actor signed, as `GET /api/v1/actors/{id}/entries` lists it.
 * @typedef {{ index: number, type: string, at: string, batches: string[], contract?: string, actor?: string }} SignedEntry
 */

/** The latest entries actor `me` signed (spec §8.5), or none offline.
 * @param {string} me @returns {Promise<SignedEntry[]>} */
export async function loadSigned(me) {
  try {
    const { status, body } = await api(`/api/v1/actors/${encodeURIComponent(me)}/entries`);
    return status === 200 ? body.entries : [];
  } catch (_) {
    return [];
  }
}

/** A lot as the ledger reports it (`GET /api/v1/batches/{id}`), or
 * `null` when the ledger knows no such lot; throws offline.
 * @param {string} lot @returns {Promise<any | null>} */
export async function lookupBatch(lot) {
  const { status, body } = await api(`/api/v1/batches/${encodeURIComponent(lot)}`);
  if (status === 200) return body;
  if (status === 404 || status === 400) return null;
  throw new Error(body.message || String(status));
}
