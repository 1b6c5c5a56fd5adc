// coop-ledger signing app (issue 6): a clerk's or household's phone makes
// its own key, fills in the forms its role may sign (spec §6), signs on the
// device, queues the envelope, and sends it when the ledger can be reached;
// each receipt is checked here against the signed checkpoint. The screens:
//   #/            home: who signs, the holder's view, the forms, the outbox
//   #/backup      the one-time key backup (PEM and QR)
//   #/form/TYPE   a form (values in the query prefill it)
//   #/item/SEQ    one signed statement and what became of it
//   #/key         this device's key
// Everything typed is kept as a draft in localStorage until it is signed.

import { TEXTS } from "app/texts";
import * as keys from "app/keys";
import * as outbox from "app/outbox";
import { applicable, build, form, formsFor } from "app/forms";
import qrcode from "qrcode";

const cfg = JSON.parse(document.getElementById("app-config").textContent);

// The language chosen once (`?lang=`) stays chosen on this phone.
const asked = new URLSearchParams(location.search).get("lang");
if (asked) localStorage.setItem("coop-ledger:lang", asked);
const chosen = localStorage.getItem("coop-ledger:lang");
const switching = !asked && chosen && chosen !== cfg.lang;
if (switching) location.replace(`${cfg.scope}?lang=${chosen}${location.hash}`);
const T = TEXTS[cfg.lang] || TEXTS.vi;
const view = document.getElementById("view");
const net = document.getElementById("net");

/// An element; strings among the children become text (never HTML).
function h(tag, attrs = {}, ...children) {
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

const fmt = (s, vars) => s.replace(/\{(\w+)\}/g, (_, k) => vars[k] ?? "");
const message = (code) => cfg.messages[code] || code;
const fieldLabel = (f) => T.fields[f.label || f.name] || T.fields[f.name.split(".").at(-1)] || f.name;
const valueLabel = (v) => T.values[v] || v;
const show = (...nodes) => view.replaceChildren(...nodes);

function qr(text, id) {
  const q = qrcode(0, "M");
  q.addData(text);
  q.make();
  return h("img", { id, class: "qr", src: q.createDataURL(4, 16), alt: "QR" });
}

let pendingBackup = null;
let custody = null;

// ---- Drafts: nothing typed is lost on reload --------------------------------

const draftKey = (me, type) => `coop-ledger:draft:${me}:${type}`;
const loadDraft = (me, type) => JSON.parse(localStorage.getItem(draftKey(me, type)) || "null");
/// Keeps what was typed, unless it holds a private key (pasted by mistake
/// into a key field): that is never written down.
const saveDraft = (me, type, values) => {
  const text = JSON.stringify(values);
  if (/PRIVATE KEY/.test(text)) return localStorage.removeItem(draftKey(me, type));
  localStorage.setItem(draftKey(me, type), text);
};
const dropDraft = (me, type) => localStorage.removeItem(draftKey(me, type));

// ---- Sending ------------------------------------------------------------------

let retry = 2000;
let timer = null;
let flushing = null;

let reachable = true;
let blocked = false;

/// Shows whether the ledger answered the last time it was asked, and how
/// many statements wait to be sent.
async function updateNet(result) {
  if (result === "offline" || result === "online") reachable = result === "online";
  if (result === "blocked") blocked = true;
  else if (result) blocked = false;
  const waiting = (await outbox.items()).filter((i) => i.state === "queued").length;
  const offline = !reachable || !navigator.onLine;
  net.dataset.state = blocked ? "blocked" : offline ? "offline" : "online";
  net.textContent = (blocked ? T.blocked : offline ? T.offline : T.online) + (waiting ? " · " + fmt(T.waiting, { n: waiting }) : "");
}

/// Sends the queue now; if the ledger cannot be reached, tries again later
/// (2 s, doubling to 15 s). A call while a send is under way runs one more
/// pass after it, so a statement signed meanwhile is never left waiting.
let again = false;
async function kick() {
  clearTimeout(timer);
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

function changed() {
  const route = location.hash;
  if (route === "" || route === "#/" || route.startsWith("#/item/")) render();
}

// ---- Ledger reads ---------------------------------------------------------------

async function api(path) {
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

/// The holder's view, from the ledger or, offline, as last seen.
async function loadCustody(me) {
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

// ---- Screens --------------------------------------------------------------------

function welcome() {
  const pemBox = h("textarea", { id: "restore-pem", rows: 5, autocomplete: "off", spellcheck: "false" });
  const error = h("p", { class: "error", id: "restore-error", hidden: true });
  const file = h("input", {
    type: "file",
    accept: ".pem,text/plain",
    onchange: async (e) => {
      const f = e.target.files[0];
      if (f) pemBox.value = await f.text();
    },
  });
  show(
    h("h1", {}, T.app),
    h("p", {}, T.welcome),
    h(
      "button",
      {
        id: "create-key",
        class: "primary",
        onclick: async () => {
          pendingBackup = (await keys.createKey()).backup;
          location.hash = "#/backup";
          render();
        },
      },
      T.create_key,
    ),
    h("h2", {}, T.restore_key),
    h("p", { class: "explain" }, T.restore_hint),
    pemBox,
    file,
    error,
    h(
      "button",
      {
        id: "restore",
        onclick: async () => {
          try {
            await keys.importKey(pemBox.value);
            pemBox.value = "";
            render();
          } catch (_) {
            error.hidden = false;
            error.textContent = T.bad_backup;
          }
        },
      },
      T.restore,
    ),
  );
}

function backup() {
  const url = URL.createObjectURL(new Blob([pendingBackup], { type: "application/x-pem-file" }));
  show(
    h("h1", {}, T.backup_title),
    h("p", {}, T.backup_hint),
    qr(pendingBackup, "backup-qr"),
    h("pre", { id: "backup-pem", class: "pem" }, pendingBackup),
    h("a", { id: "backup-download", class: "button", href: url, download: "coop-ledger-key.pem" }, T.backup_download),
    h(
      "button",
      {
        id: "backup-done",
        class: "primary",
        onclick: async () => {
          await keys.update({ backup: "saved" });
          pendingBackup = null;
          URL.revokeObjectURL(url);
          location.hash = "#/";
          render();
        },
      },
      T.backup_done,
    ),
  );
}

function backupLost() {
  show(
    h("p", { class: "error" }, T.backup_lost),
    h(
      "button",
      {
        id: "create-key",
        class: "primary",
        onclick: async () => {
          await keys.forget();
          pendingBackup = (await keys.createKey()).backup;
          location.hash = "#/backup";
          render();
        },
      },
      T.create_key,
    ),
  );
}

/// The ledger key this phone trusts, in signed-note verifier form, to
/// compare with the one the cooperative union publishes.
function ledgerKeyLine(pin) {
  return pin ? h("p", { class: "meta", id: "ledger-key" }, `${T.ledger_key}: `, h("code", {}, pin.note_vkey || pin.public_key)) : "";
}

function publicKeyBlock(id) {
  return [
    h("h2", {}, T.your_key),
    h("p", { class: "explain" }, id.key.kind === "webcrypto" ? T.key_kind_webcrypto : T.key_kind_noble),
    h("code", { id: "public-key", class: "key" }, id.key.publicKey),
    qr(id.key.publicKey, "public-key-qr"),
  ];
}

function link(id) {
  const input = h("input", { id: "actor-id", autocomplete: "username", autocapitalize: "off", spellcheck: "false" });
  const error = h("p", { class: "error", id: "link-error", hidden: true });
  const fail = (text) => {
    error.hidden = false;
    error.textContent = text;
  };
  show(
    h("h1", {}, T.app),
    ...publicKeyBlock(id),
    h("p", {}, T.your_key_hint),
    h("label", {}, T.actor_id, input),
    error,
    h(
      "button",
      {
        id: "link-actor",
        class: "primary",
        onclick: async () => {
          const wanted = input.value.trim();
          let r;
          try {
            r = await api(`/api/v1/actors/${encodeURIComponent(wanted)}`);
          } catch (_) {
            return fail(T.offline);
          }
          if (r.status === 404) return fail(T.not_registered);
          if (r.status !== 200) return fail(r.body.message || String(r.status));
          if (r.body.key !== id.key.publicKey) return fail(T.other_key);
          if (r.body.status !== "active") return fail(T.revoked);
          await outbox.ledger();
          await keys.update({ actor: r.body.id, role: r.body.role });
          render();
        },
      },
      T.link_actor,
    ),
  );
}

function stateText(it) {
  switch (it.state) {
    case "done":
      return fmt(T.done, it.proof) + (it.duplicate ? " " + T.duplicate : "");
    case "refused":
      return `${T.refused}: ${it.error.message || it.error.code}`;
    case "check_failed":
      return `${T.check_failed}: ${it.error.message}`;
    default:
      return T[it.state] || it.state;
  }
}

function statementSummary(it) {
  const st = JSON.parse(it.envelope.statement);
  const what = st.batch || st.contract || st.id || (st.outputs || []).map((o) => o.batch).join(", ") || st.index;
  return `${T.forms[st.type] || st.type}${what !== undefined ? " · " + what : ""}`;
}

function batchLine(b, ...extra) {
  return h(
    "li",
    { dataset: { batch: b.id } },
    h("strong", {}, b.id),
    " ",
    b.product ? b.product.name : "",
    b.remaining ? ` · ${T.remaining} ${b.remaining.amount} ${b.remaining.unit}` : "",
    ...extra,
  );
}

async function home(id) {
  const me = id.actor;
  const c = await loadCustody(me);
  const list = (items, line, section) =>
    h("ul", { class: "items", id: section }, items && items.length ? items.map(line) : h("li", { class: "muted" }, T.none));
  const go = (type, params) => `#/form/${type}?${new URLSearchParams(params)}`;
  const parts = [
    h("p", { class: "who" }, `${T.signed_in_as} `, h("strong", { id: "me" }, me), ` · ${valueLabel(id.role)}`),
    h("h2", {}, T.actions),
    h(
      "nav",
      { class: "actions" },
      formsFor(id.role).map((f) => h("a", { class: "button", href: `#/form/${f.type}`, dataset: { form: f.type } }, T.forms[f.type])),
    ),
  ];
  if (c && !c.fresh) parts.push(h("p", { class: "explain" }, fmt(T.as_of, { t: new Date(c.at).toLocaleString(cfg.lang) })));
  if (c) {
    parts.push(
      h("h2", {}, T.incoming),
      list(c.incoming, (b) =>
        batchLine(
          b,
          ` · ${T.from} ${b.from} `,
          h("a", { class: "button small", href: go("batch.receive", { batch: b.id, accepted: "true" }) }, T.accept),
          h("a", { class: "button small", href: go("batch.receive", { batch: b.id, accepted: "false" }) }, T.refuse),
        ),
      "incoming",
      ),
      h("h2", {}, T.holding),
      list(
        c.holding,
        (b) =>
          batchLine(
            b,
            " ",
            b.status === "active" ? h("a", { class: "button small", href: go("batch.ship", { batch: b.id }) }, T.ship) : `· ${b.status}`,
            h("a", { class: "button small", href: `/b/${encodeURIComponent(b.id)}/labels?lang=${cfg.lang}`, target: "_blank" }, T.labels),
          ),
        "holding",
      ),
      h("h2", {}, T.shipped),
      list(
        c.shipped,
        (s) => h("li", { dataset: { batch: s.id } }, h("strong", {}, s.id), ` → ${s.to} · ${T["outcome_" + s.outcome] || s.outcome}`),
        "shipped",
      ),
      h("h2", {}, T.contracts),
      list(
        c.contracts,
        (k) =>
          h(
            "li",
            {},
            h("strong", {}, k.id),
            ` · ${k.cooperative} ↔ ${k.business} · ${valueLabel(k.product_category)} · ${k.from} → ${k.to} · ${valueLabel(k.state)} `,
            k.state === "pending" && k.offered_by !== me
              ? h("a", { class: "button small", href: go("contract.accept", { contract: k.id }) }, T.accept)
              : "",
          ),
        "contracts",
      ),
    );
  }
  const items = (await outbox.items()).reverse();
  parts.push(
    h("h2", {}, T.history),
    h(
      "ul",
      { class: "items", id: "history" },
      items.length
        ? items.map((it) =>
            h(
              "li",
              { dataset: { seq: it.seq, state: it.state } },
              h("a", { href: `#/item/${it.seq}` }, statementSummary(it)),
              h("div", { class: "state" }, stateText(it)),
            ),
          )
        : h("li", { class: "muted" }, T.none),
    ),
    h("p", {}, h("a", { href: "#/key" }, T.your_key)),
  );
  show(...parts);
}

async function item(seq) {
  const it = await outbox.item(seq);
  if (!it) return (location.hash = "#/");
  const parts = [
    h("p", {}, h("a", { href: "#/" }, "← " + T.home)),
    h("h1", {}, statementSummary(it)),
    h("p", { id: "item-state", class: `state ${it.state}`, dataset: { state: it.state } }, stateText(it)),
  ];
  if (it.receipt) parts.push(h("p", { class: "meta" }, `${T.entry_id}: `, h("code", {}, it.receipt.entry_id)));
  if (it.state === "queued") parts.push(h("button", { id: "send-now", onclick: kick }, T.send_now));
  if (it.state === "check_failed") {
    parts.push(h("button", { id: "send-again", onclick: async () => (await outbox.retry(seq), render(), kick()) }, T.send_again));
  }
  if (it.state === "refused") {
    parts.push(
      h(
        "button",
        {
          id: "edit-again",
          onclick: async () => {
            const id = await keys.identity();
            await outbox.dismiss(seq);
            saveDraft(id.actor, it.type, it.values);
            location.hash = `#/form/${it.type}`;
            kick();
          },
        },
        T.edit_again,
      ),
    );
    if (!it.dismissed) {
      parts.push(h("button", { id: "dismiss", onclick: async () => (await outbox.dismiss(seq), render(), kick()) }, T.dismiss));
    }
  }
  parts.push(h("pre", { class: "statement" }, JSON.stringify(JSON.parse(it.envelope.statement), null, 2)));
  show(...parts);
}

async function keyScreen(id) {
  const pin = await outbox.ledger().catch(() => null);
  show(
    h("p", {}, h("a", { href: "#/" }, "← " + T.home)),
    ...publicKeyBlock(id),
    h("p", { class: "explain" }, T.ledger_key_hint),
    ledgerKeyLine(pin),
    h(
      "button",
      {
        class: "danger",
        onclick: async () => {
          if (!confirm(T.forget_confirm)) return;
          await keys.forget();
          location.hash = "#/";
          render();
        },
      },
      T.forget_key,
    ),
  );
}

// ---- Forms ------------------------------------------------------------------------

function options(f, ctx) {
  switch (f.kind) {
    case "held":
      return (ctx.holding || []).filter((b) => b.status === "active").map((b) => [b.id, `${b.id} · ${b.product.name} · ${b.remaining.amount} ${b.remaining.unit}`]);
    case "incoming":
      return (custody?.incoming || []).map((b) => [b.id, `${b.id} · ${T.from} ${b.from}`]);
    case "offer":
      return (custody?.contracts || []).filter((k) => k.state === "pending" && k.offered_by !== ctx.me).map((k) => [k.id, `${k.id} · ${k.cooperative} ↔ ${k.business}`]);
    case "contract":
      return (custody?.contracts || []).filter((k) => k.state === "active").map((k) => [k.id, `${k.id} · ${k.cooperative} ↔ ${k.business}`]);
    default:
      return (Array.isArray(f.options) ? f.options : cfg.enums[f.options]).map((v) => [v, valueLabel(v)]);
  }
}

function input(f, key, value, ctx, onchange) {
  const common = { name: key, id: `f-${key}`, "aria-describedby": `e-${key}` };
  const fixed = f.fixed && f.fixed(ctx);
  if (fixed !== undefined) return h("input", { ...common, value: fixed, readonly: true });
  switch (f.kind) {
    case "select":
    case "choice":
    case "held":
    case "incoming":
    case "offer":
    case "contract": {
      const opts = options(f, ctx);
      // Without the holder's view (never online yet), ids are typed.
      if (["held", "incoming", "offer", "contract"].includes(f.kind) && (!custody || (!opts.length && f.kind === "contract"))) {
        return h("input", { ...common, value: value ?? "", autocapitalize: "off", spellcheck: "false" });
      }
      const sel = h("select", { ...common, onchange }, h("option", { value: "" }, T.choose));
      for (const [v, text] of opts) sel.append(h("option", { value: v, selected: v === value }, text));
      if (value && !opts.some(([v]) => v === value)) sel.append(h("option", { value, selected: true }, value));
      return sel;
    }
    case "bool":
      return h("input", { ...common, type: "checkbox", checked: value === true || value === "true" });
    case "date":
      return h("input", { ...common, type: "date", value: value ?? "" });
    case "amount":
    case "lat":
    case "lon":
      return h("input", { ...common, inputmode: "decimal", value: value ?? "", autocomplete: "off" });
    case "stars":
      return h("input", { ...common, inputmode: "numeric", value: value ?? "", autocomplete: "off" });
    case "index": {
      return h("input", { ...common, inputmode: "numeric", value: value ?? "", list: "my-entries" });
    }
    case "key":
    case "note":
      return h("textarea", { ...common, rows: f.kind === "key" ? 2 : 3, spellcheck: f.kind === "note" ? "true" : "false" }, value ?? "");
    case "hash": {
      const text = h("input", { ...common, value: value ?? "", autocomplete: "off", spellcheck: "false" });
      const file = h("input", {
        type: "file",
        accept: f.file,
        "aria-label": f.file === "image/*" ? T.pick_photo : T.pick_file,
        onchange: async (e) => {
          const picked = e.target.files[0];
          if (!picked) return;
          const { blake3 } = await import("blake3");
          const { hex } = await import("proofs");
          text.value = hex(blake3(new Uint8Array(await picked.arrayBuffer())));
          text.dispatchEvent(new Event("input", { bubbles: true }));
        },
      });
      return h("span", { class: "hash" }, text, h("small", {}, f.file === "image/*" ? T.pick_photo : T.pick_file), file);
    }
    default: {
      const el = h("input", { ...common, value: value ?? "", autocapitalize: f.kind === "id" ? "off" : undefined, spellcheck: "false" });
      return el;
    }
  }
}

function collect(formEl, values) {
  const out = { ...values };
  for (const el of formEl.elements) {
    if (!el.name) continue;
    out[el.name] = el.type === "checkbox" ? el.checked : el.value;
  }
  return out;
}

async function formScreen(id, type, params) {
  const spec = form(type);
  const me = id.actor;
  if (!spec || !spec.roles.includes(id.role)) return (location.hash = "#/");
  const c = await loadCustody(me);
  const ctx = { me, role: id.role, holding: c?.holding };
  // A link may choose the batch, the decision or the contract, and nothing
  // else (never a key): a link someone sends cannot fill in a statement.
  const prefill = [...params].filter(([k]) => ["batch", "accepted", "contract"].includes(k));
  let values = { ...(loadDraft(me, type) || {}), ...Object.fromEntries(prefill) };
  for (const f of spec.fields) if (f.group && f.min && !values[`${f.group}#`]) values[`${f.group}#`] = f.min;
  const summary = h("div", { id: "form-errors", class: "error", hidden: true, role: "alert" });
  const formEl = h("form", { id: "statement-form", dataset: { type }, novalidate: true });

  const field = (f, key, row) => {
    const wrap = h(
      "div",
      { class: "field", dataset: { field: key } },
      h("label", { for: `f-${key}` }, fieldLabel(f), f.required ? "" : h("small", {}, ` (${T.optional})`)),
      input(f, key, values[key], ctx, redraw),
      h("p", { class: "field-error", id: `e-${key}`, hidden: true }),
    );
    if (f.lot) {
      wrap.append(
        h(
          "button",
          {
            type: "button",
            class: "small",
            onclick: () => {
              const day = new Date().toISOString().slice(0, 10).replace(/-/g, "");
              const n = crypto.getRandomValues(new Uint16Array(1))[0].toString(36);
              const el = formEl.elements[key];
              el.value = `${me}-${day}-${n}`.slice(-64).replace(/^[^A-Za-z0-9]+/, "");
              el.dispatchEvent(new Event("input", { bubbles: true }));
            },
          },
          T.new_lot_id,
        ),
      );
    }
    return wrap;
  };

  function draw() {
    const nodes = [];
    for (const f of applicable(spec.fields, values, ctx)) {
      if (!f.group) {
        nodes.push(field(f, f.name));
        continue;
      }
      const rows = values[`${f.group}#`] || 0;
      const set = h("fieldset", { dataset: { group: f.group } }, h("legend", {}, T.fields[f.group]));
      for (let i = 0; i < rows; i++) {
        const row = h("div", { class: "row", dataset: { row: i } });
        for (const sub of applicable(f.fields, values, ctx)) row.append(field(sub, `${f.group}.${i}.${sub.name}`, i));
        if (rows > (f.min || 0)) {
          row.append(
            h(
              "button",
              {
                type: "button",
                class: "small",
                onclick: () => {
                  values = collect(formEl, values);
                  for (const sub of f.fields) {
                    for (let j = i; j < rows - 1; j++) values[`${f.group}.${j}.${sub.name}`] = values[`${f.group}.${j + 1}.${sub.name}`];
                    delete values[`${f.group}.${rows - 1}.${sub.name}`];
                  }
                  values[`${f.group}#`] = rows - 1;
                  saveDraft(me, type, values);
                  draw();
                },
              },
              T.remove_row,
            ),
          );
        }
        set.append(row);
      }
      set.append(
        h(
          "button",
          {
            type: "button",
            class: "small add",
            dataset: { add: f.group },
            onclick: () => {
              values = collect(formEl, values);
              values[`${f.group}#`] = rows + 1;
              saveDraft(me, type, values);
              draw();
            },
          },
          `${T.add_row}: ${T.fields[f.group]}`,
        ),
      );
      nodes.push(set);
    }
    const mine = h("datalist", { id: "my-entries" });
    nodes.push(mine, h("button", { type: "submit", class: "primary", id: "sign-send" }, T.sign_send));
    formEl.replaceChildren(...nodes);
    outbox.items().then((all) => {
      for (const it of all) if (it.proof) mine.append(h("option", { value: it.proof.index }, statementSummary(it)));
    });
  }

  function redraw() {
    values = collect(formEl, values);
    saveDraft(me, type, values);
    draw();
  }

  formEl.addEventListener("input", (e) => {
    const err = e.target.id && document.getElementById(`e-${e.target.name}`);
    if (err) err.hidden = true;
    if (e.target.removeAttribute) e.target.removeAttribute("aria-invalid");
    values = collect(formEl, values);
    saveDraft(me, type, values);
  });
  formEl.addEventListener("submit", async (e) => {
    e.preventDefault();
    values = collect(formEl, values);
    saveDraft(me, type, values);
    const at = new Date().toISOString().replace(/\.[0-9]{3}Z$/, "Z");
    const { statement, errors } = build(type, values, ctx, cfg, at);
    for (const p of formEl.querySelectorAll(".field-error")) p.hidden = true;
    for (const el of formEl.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
    if (errors.length) {
      summary.hidden = false;
      summary.textContent = T.fix_errors;
      for (const err of errors) {
        const p = document.getElementById(`e-${err.field}`);
        const el = document.getElementById(`f-${err.field}`);
        const text = message(err.code);
        if (p) {
          p.hidden = false;
          p.dataset.code = err.code;
          p.textContent = text;
          if (el) el.setAttribute("aria-invalid", "true");
        } else {
          summary.append(h("p", { class: "field-error", dataset: { code: err.code } }, `${text} (${T.fields[err.field] || err.field})`));
        }
      }
      return;
    }
    const button = document.getElementById("sign-send");
    if (button.disabled) return;
    button.disabled = true;
    const envelope = await keys.signEnvelope(statement);
    const seq = await outbox.enqueue(envelope, type, values);
    dropDraft(me, type);
    location.hash = `#/item/${seq}`;
    kick();
  });

  draw();
  show(h("p", {}, h("a", { href: "#/" }, "← " + T.home)), h("h1", {}, T.forms[type]), summary, formEl);
}

// ---- Routing ------------------------------------------------------------------------

async function render() {
  const id = await keys.identity();
  if (!id) return welcome();
  if (id.backup === "pending") return pendingBackup ? backup() : backupLost();
  if (!id.actor) return link(id);
  const [path, query] = location.hash.slice(1).split("?");
  const parts = path.split("/").filter(Boolean);
  if (parts[0] === "form") return formScreen(id, parts[1], new URLSearchParams(query || ""));
  if (parts[0] === "item") return item(Number(parts[1]));
  if (parts[0] === "key") return keyScreen(id);
  return home(id);
}

if (!switching) {
  window.addEventListener("hashchange", render);
  window.addEventListener("online", kick);
  window.addEventListener("offline", () => updateNet("offline"));
  if ("serviceWorker" in navigator) navigator.serviceWorker.register(cfg.sw, { scope: cfg.scope }).catch(() => {});
  render().then(kick);
}
