// @ts-check
// coop-ledger signing app: what every screen shares. The page's
// configuration (the ledger's rules, limits, codes and sentences: see
// `AppConfig` in src/http/app.rs), the app's words, making elements,
// drafts, and how a signed statement is named and its state said.

import { TEXTS } from "app/texts";
import { labelled } from "app/members";
import qrcode from "qrcode";

/** @typedef {import("app/forms").Config} Config */

/** The configuration the server put in the shell.
 * @type {Config} */
export const cfg = JSON.parse(document.getElementById("app-config")?.textContent || "{}");

/** The app's words in the page's language. @type {Record<string, any>} */
export const T = /** @type {Record<string, any>} */ (TEXTS)[cfg.lang] || TEXTS.vi;

const view = /** @type {HTMLElement} */ (document.getElementById("view"));

/** How to draw the screen again (set by the router, app.js). */
export const nav = {
  /** @type {() => Promise<unknown>} */
  render: async () => undefined,
};

/** An element; strings among the children become text (never HTML).
 * @param {string} tag @param {Record<string, any>} [attrs] @param {...any} children
 * @returns {any} */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

/** @param {string} s @param {Record<string, any>} vars */
export const fmt = (s, vars) => s.replace(/\{(\w+)\}/g, (_, k) => vars[k] ?? "");
/** The ledger's sentence for `code`. @param {string} code */
export const message = (code) => cfg.messages[code] || code;
/** @param {{ name: string, label?: string }} f */
export const fieldLabel = (f) => T.fields[f.label || f.name] || T.fields[f.name.split(".").at(-1) || ""] || f.name;
/** @param {string} v */
export const valueLabel = (v) => T.values[v] || v;
/** Puts `nodes` on the screen. @param {...any} nodes */
export const show = (...nodes) => view.replaceChildren(...nodes);

/** A QR code of `text`, drawn on the phone.
 * @param {string} text @param {string} id */
export function qr(text, id) {
  const q = qrcode(0, "M");
  q.addData(text);
  q.make();
  return h("img", { id, class: "qr", src: q.createDataURL(4, 16), alt: "QR" });
}

// ---- Drafts: nothing typed is lost on reload --------------------------------

/** @param {string} me @param {string} type */
const draftKey = (me, type) => `coop-ledger:draft:${me}:${type}`;
/** @param {string} me @param {string} type */
export const loadDraft = (me, type) => JSON.parse(localStorage.getItem(draftKey(me, type)) || "null");
/** Keeps what was typed, unless it holds a private key (pasted by mistake
 * into a key field): that is never written down.
 * @param {string} me @param {string} type @param {Record<string, any>} values */
export const saveDraft = (me, type, values) => {
  const text = JSON.stringify(values);
  if (/PRIVATE KEY/.test(text)) return localStorage.removeItem(draftKey(me, type));
  localStorage.setItem(draftKey(me, type), text);
};
/** @param {string} me @param {string} type */
export const dropDraft = (me, type) => localStorage.removeItem(draftKey(me, type));

// ---- Signed statements -------------------------------------------------------

/** What became of a signed statement, in words. @param {any} it */
export function stateText(it) {
  switch (it.state) {
    case "done":
      return fmt(T.done, it.proof) + (it.duplicate ? " " + T.duplicate : "");
    case "refused":
      return `${T.refused}: ${it.error.message || it.error.code}`;
    case "check_failed":
      return `${T.check_failed}: ${it.error.message}`;
    case "queued":
      return it.after !== undefined ? fmt(T.waits_for, { seq: it.after }) : T.queued;
    default:
      return T[it.state] || it.state;
  }
}

/** How a line names an actor: by the name this phone keeps for a member
 * until app-form.js sets it to name any actor by name (issue 15). */
export const naming = {
  /** @type {(id: string) => string} */
  actor: labelled,
};

/** What a signed statement is, in a line: a member it names with the
 * name this phone keeps for it (never in the statement itself).
 * @param {any} it */
export function statementSummary(it) {
  const st = JSON.parse(it.envelope.statement);
  const actor = st.member || st.id;
  const what =
    st.batch || st.contract || (actor && naming.actor(actor)) || (st.outputs || []).map((/** @type {any} */ o) => o.batch).join(", ") || st.index;
  const consent = st.type === "actor.consent" ? ` · ${T.values[`public=${st.public}`]}` : "";
  return `${T.forms[st.type] || st.type}${what !== undefined ? " · " + what : ""}${consent}`;
}

/** This phone's public key, as text and as a QR code. @param {any} id */
export function publicKeyBlock(id) {
  return [
    h("h2", {}, T.your_key),
    h("p", { class: "explain" }, id.key.kind === "webcrypto" ? T.key_kind_webcrypto : T.key_kind_noble),
    h("code", { id: "public-key", class: "key" }, id.key.publicKey),
    qr(id.key.publicKey, "public-key-qr"),
  ];
}
