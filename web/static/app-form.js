// @ts-check
// coop-ledger signing app: the form screen. Draws the form of a statement
// type (its layout and checks are app-forms.js; its rules come from the
// server), keeps every keystroke as a draft, shows each refusal the phone
// finds with the ledger's own sentence, and signs and queues the statement
// once it passes.
//
// Registering a member household (issue 13): the app makes its opaque id
// and the salt of its name's commitment, signs the commitment, and keeps
// the name and salt on the phone (app-members.js). When the household
// agrees to be named, the app signs an `actor.consent` too, queued to go
// once the registration is logged, with the name and salt beside it.

import * as keys from "app/keys";
import * as members from "app/members";
import * as outbox from "app/outbox";
import { Invalid, applicable, build, context, effective, form, lotOf, mayUse } from "app/forms";
import { actorName, communes, kick, lastCustody, ledgerMember, loadCustody, loadMembers, loadNames, loadOrganisations, loadSigned, lookupBatch, organisations, partners } from "app/net";
import { T, cfg, dropDraft, fieldLabel, fmt, h, loadDraft, message, naming, saveDraft, show, statementSummary, valueLabel } from "app/ui";
import { formatDate, formatQuantity, unitWord } from "format";

/** A member household in words, never a bare id (issue 15): the name this
 * phone keeps for it, else its public name, else "member household" with
 * the end of its id and its commune. @param {string} id */
export function memberLabel(id) {
  const m = ledgerMember(id);
  const name = members.nameOf(id) || m?.name || actorName(id);
  const place = m?.commune ? ` · ${m.commune}` : "";
  // The end of its id first, which tells households of one commune apart
  // when a phone's list cuts the line.
  return name ? `${name}${place}` : `${T.member_household} …${id.slice(-4)}${place}`;
}

/** An actor as a clerk knows it: by the name the ledger shows, or, for a
 * member, as `memberLabel` says. @param {string} id */
export const named = (id) => actorName(id) || (members.nameOf(id) || ledgerMember(id) || members.isOpaqueId(id) ? memberLabel(id) : id);
naming.actor = named;

/** An entry this actor signed, in a line: what, about what, when (never
 * its index alone). @param {import("app/net").SignedEntry} e */
const entryLine = (e) =>
  [T.forms[e.type] || e.type, e.batches.join(", ") || e.contract || (e.actor && named(e.actor)), formatDate(e.at, { time: true })]
    .filter(Boolean)
    .join(" · ");

/** A contract in a line: its parties by name, its product, its id.
 * @param {import("app/net").ContractRow} k */
const contractLine = (k) => `${named(k.cooperative)} ↔ ${named(k.business)} · ${valueLabel(k.product_category)} · ${k.id}`;

/** A contract as the clerk knows it: by its parties' names, where the
 * holder's view lists it. @param {string} id */
export function contractLabel(id) {
  const k = (lastCustody()?.contracts || []).find((k) => k.id === id);
  return k ? contractLine(k) : id;
}

/** A lot as the clerk knows it: its product and lot code, where the
 * holder's view lists it. @param {string} id */
export function lotLabel(id) {
  const c = lastCustody();
  const b = [...(c?.holding || []), ...(c?.incoming || [])].find((b) => b.id === id);
  return b?.product?.name ? `${b.product.name} · ${T.lot} ${id}` : id;
}

/** The choices of a list field: a word list, the map's places, the
 * members this phone keeps, or from the holder's view.
 * @param {any} f @param {any} ctx @param {Record<string, any>} values @param {string} key @returns {[string, string][]} */
function options(f, ctx, values, key) {
  switch (f.kind) {
    case "province":
      return cfg.places.provinces;
    case "commune":
      return ctx.communes?.[values[key.replace(/commune$/, "province")]] || [];
    case "member": {
      // The households this phone registered first, then the others the
      // ledger lists for the cooperative (issue 15).
      const ids = [...[...members.all()].map((m) => m.id), ...(/** @type {import("app/net").LedgerMember[]} */ (ctx.ledgerMembers || [])).filter((m) => m.status === "active").map((m) => m.id)];
      return [...new Set(ids)].map((m) => [m, memberLabel(m)]);
    }
    case "index":
      return (/** @type {import("app/net").SignedEntry[]} */ (ctx.signed || [])).map((e) => [String(e.index), entryLine(e)]);
    case "held":
      return (/** @type {import("app/net").BatchRow[]} */ (ctx.holding || []))
        .filter((b) => b.status === "active")
        .map((b) => [b.id, `${b.product.name} · ${formatQuantity(b.remaining.amount, b.remaining.unit, cfg.lang)} · ${b.id}`]);
    case "incoming":
      return (lastCustody()?.incoming || []).map((b) => [b.id, `${b.product?.name || ""} · ${T.from} ${named(b.from)} · ${b.id}`]);
    case "offer":
      return (lastCustody()?.contracts || []).filter((k) => k.state === "pending" && k.offered_by !== ctx.me).map((k) => [k.id, contractLine(k)]);
    case "contract":
      return (lastCustody()?.contracts || []).filter((k) => k.state === "active").map((k) => [k.id, contractLine(k)]);
    case "partner":
      // Those this actor deals with first, then every organisation on the
      // other side of a contract (a first offer's partner, issue 15).
      return [...new Set([...partners(ctx.me, ctx.cooperative), ...[...members.all()].map((m) => m.id), ...organisations()])]
        .filter((p) => p !== ctx.me)
        .map((p) => [p, named(p)]);
    default:
      // Units as words (kg, tấn, lít, cái, hộp), from the one formatter.
      return (Array.isArray(f.options) ? f.options : cfg.enums[f.options]).map((/** @type {string} */ v) => [
        v,
        f.options === "units" ? unitWord(v, cfg.lang) : T.values[`${f.name}=${v}`] || valueLabel(v),
      ]);
  }
}

// ---- A lot picked by its label (issue 15) ----------------------------------

/** What the ledger said of each lot looked up: the batch, or `null` for
 * a lot it does not know. @type {Map<string, any>} */
const lots = new Map();

/** The card under a lot field that says what the ledger knows of the lot.
 * @param {string} key @param {string | undefined} value */
function lotCard(key, value) {
  const card = h("div", { class: "lot-card", id: `lot-${key}`, "aria-live": "polite" });
  if (value) queueMicrotask(() => showLot(card, lotOf(value)));
  return card;
}

/** A lot field changed: a scanned or pasted label becomes its lot code,
 * and the card shows the lot. @param {any} e */
function lotChanged(e) {
  const lot = lotOf(e.target.value);
  if (lot !== e.target.value) {
    e.target.value = lot;
    e.target.dispatchEvent(new Event("input", { bubbles: true }));
  }
  const card = document.getElementById(`lot-${e.target.name}`);
  if (card) showLot(card, lot);
}

/** Looks lot `lot` up and shows its product, producer, holder and state,
 * or says that the ledger has no such lot, or that it cannot be asked now.
 * @param {HTMLElement} card @param {string} lot */
async function showLot(card, lot) {
  card.replaceChildren();
  delete card.dataset.state;
  if (!lot) return;
  let b;
  try {
    b = await lookupBatch(lot);
  } catch (_) {
    card.dataset.state = "offline";
    card.append(h("p", { class: "explain" }, T.lot_offline));
    return;
  }
  lots.set(lot, b);
  if (!b) {
    card.dataset.state = "unknown";
    card.append(h("p", { class: "error", role: "alert" }, fmt(T.lot_unknown, { lot })));
    return;
  }
  await loadNames([b.producer, b.holder].filter(Boolean));
  card.dataset.state = "found";
  card.append(
    h("p", {}, h("strong", {}, b.product.name), ` · ${formatQuantity(b.remaining.amount, b.remaining.unit, cfg.lang)}`),
    b.producer ? h("p", { class: "producer" }, `${T.fields.producer}: ${named(b.producer)}`) : "",
    h("p", { class: "holder" }, `${T.holder}: ${named(b.holder)}`),
    b.status !== "active" ? h("p", { class: "warning" }, T[`status_${b.status}`] || valueLabel(b.status)) : "",
  );
}

/** The input element of field `f`, named `key`.
 * @param {any} f @param {string} key @param {Record<string, any>} values @param {any} ctx @param {() => void} onchange */
function input(f, key, values, ctx, onchange) {
  const value = values[key];
  const common = { name: key, id: `f-${key}`, "aria-describedby": `e-${key}` };
  const fixed = f.fixed && f.fixed(ctx);
  if (fixed !== undefined) return h("input", { ...common, value: fixed, readonly: true });
  if (f.opaque && f.opaque(values, ctx)) return h("input", { ...common, value: value ?? "", readonly: true });
  switch (f.kind) {
    case "select":
    case "choice":
    case "province":
    case "commune":
    case "member":
    case "held":
    case "incoming":
    case "offer":
    case "contract":
    case "partner":
    case "index": {
      const opts = options(f, ctx, values, key);
      // Without the holder's view (never online yet), ids are typed; so
      // are a commune without the list, and a member this phone does not
      // keep.
      const typed =
        (["held", "incoming", "offer", "contract"].includes(f.kind) && (!lastCustody() || (!opts.length && f.kind === "contract"))) ||
        (f.kind === "commune" && !ctx.communes) ||
        ((f.kind === "member" || f.kind === "partner") && !opts.length);
      // Without the list of what this actor signed (offline), the entry's
      // number, with those signed on this phone offered.
      if (f.kind === "index" && !opts.length) return h("input", { ...common, inputmode: "numeric", value: value ?? "", list: "my-entries" });
      if (typed) {
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
    case "lat":
    case "lon":
      // Rounded to the ledger's coarse grid (about 1 km) as it is typed
      // or pasted: an exact plot never reaches the statement.
      return h("input", {
        ...common,
        inputmode: "decimal",
        value: value ?? "",
        autocomplete: "off",
        onchange: (/** @type {any} */ e) => {
          const n = Number(e.target.value.trim());
          const step = 10 ** cfg.limits.coordinate_decimals;
          if (e.target.value.trim() && Number.isFinite(n) && Math.round(n * step) / step !== n) {
            e.target.value = String(Math.round(n * step) / step);
            e.target.dispatchEvent(new Event("input", { bubbles: true }));
          }
        },
      });
    case "amount":
      return h("input", { ...common, inputmode: "decimal", value: value ?? "", autocomplete: "off" });
    case "stars":
      return h("input", { ...common, inputmode: "numeric", value: value ?? "", autocomplete: "off" });
    case "lot":
      return h("input", { ...common, value: value ?? "", autocapitalize: "characters", autocomplete: "off", spellcheck: "false", onchange: lotChanged });
    case "key":
    case "note":
      return h("textarea", { ...common, rows: f.kind === "key" ? 2 : 3, spellcheck: f.kind === "note" ? "true" : "false" }, value ?? "");
    case "hash": {
      const text = h("input", { ...common, value: value ?? "", autocomplete: "off", spellcheck: "false" });
      const file = h("input", {
        type: "file",
        accept: f.file,
        "aria-label": f.file === "image/*" ? T.pick_photo : T.pick_file,
        onchange: async (/** @type {any} */ e) => {
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

/** The form's values: what was kept, and what its elements hold now.
 * @param {HTMLFormElement} formEl @param {Record<string, any>} values */
function collect(formEl, values) {
  const out = { ...values };
  for (const el of /** @type {any} */ (formEl.elements)) {
    if (!el.name) continue;
    out[el.name] = el.type === "checkbox" ? el.checked : el.value;
  }
  return out;
}

/** The form of statement `type`, signed by actor `id.actor`.
 * @param {any} id @param {string} type @param {URLSearchParams} params */
export async function formScreen(id, type, params) {
  const spec = form(type);
  const me = id.actor;
  if (!spec || !mayUse(type, id.role, cfg)) return (location.hash = "#/");
  const [c, places] = await Promise.all([loadCustody(me), spec.fields.some((f) => f.group === undefined && f.kind === "commune") ? communes() : undefined]);
  await members.load();
  const has = (/** @type {string} */ kind) => spec.fields.some((f) => f.group === undefined && f.kind === kind);
  // The lists the forms pick from (issue 15): the cooperative's members as
  // the ledger lists them, the entries this actor signed.
  const [ledgerMembers, signed] = await Promise.all([
    has("member") && id.role !== cfg.member_role ? loadMembers(me) : undefined,
    has("index") ? loadSigned(me) : undefined,
  ]);
  const ctx = { ...context(type, me, id.role, c?.holding, cfg, places), cooperative: id.cooperative, ledgerMembers, signed };
  // The names of the partners the lists offer (issue 15), and the
  // organisations a partner may be chosen from.
  await Promise.all([loadNames(partners(me, id.cooperative)), has("partner") ? loadOrganisations(id.role) : undefined]);
  const fields = spec.fields;
  // A link may choose the batch, the decision or the contract, and nothing
  // else (never a key): a link someone sends cannot fill in a statement.
  const prefill = [...params].filter(([k]) => ["batch", "accepted", "contract", "member", "public"].includes(k));
  let values = { ...(loadDraft(me, type) || {}), ...Object.fromEntries(prefill) };
  for (const f of fields) if (f.group !== undefined && f.min && !values[`${f.group}#`]) values[`${f.group}#`] = cfg.limits[f.min];
  const summary = h("div", { id: "form-errors", class: "error", hidden: true, role: "alert" });
  const formEl = h("form", { id: "statement-form", dataset: { type }, novalidate: true });

  /** @param {any} f @param {string} key @param {number} [row] */
  const field = (f, key, row) => {
    const wrap = h(
      "div",
      { class: "field", dataset: { field: key } },
      h("label", { for: `f-${key}` }, fieldLabel(f), f.required ? "" : h("small", {}, ` (${T.optional})`)),
      input(f, key, effective(type, values, ctx), ctx, redraw),
      f.keep && f.keep(effective(type, values, ctx), ctx) && f.name === "name" ? h("p", { class: "explain" }, T.kept_here) : "",
      // Free text goes into the public log for good (issue 13).
      f.public ? h("p", { class: "explain" }, T.public_text) : "",
      h("p", { class: "field-error", id: `e-${key}`, hidden: true }),
    );
    if (f.kind === "lot") wrap.append(lotCard(key, effective(type, values, ctx)[key]));
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
              el.value = `${me}-${day}-${n}`.slice(-cfg.limits.id_chars);
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
    const now = effective(type, values, ctx);
    for (const f of applicable(fields, now, ctx)) {
      if (f.group === undefined) {
        if (f.computed) continue;
        // The app makes an opaque id (a member's), once; an id typed
        // before the role was chosen is not one.
        if (f.opaque && f.opaque(now, ctx) && !members.isOpaqueId(values[f.name])) {
          values[f.name] = members.newMemberId();
          saveDraft(me, type, values);
        }
        nodes.push(field(f, f.name));
        continue;
      }
      const rows = values[`${f.group}#`] || 0;
      const set = h("fieldset", { dataset: { group: f.group } }, h("legend", {}, T.fields[f.group]));
      for (let i = 0; i < rows; i++) {
        const row = h("div", { class: "row", dataset: { row: i } });
        for (const sub of applicable(f.fields, values, ctx)) row.append(field(sub, `${f.group}.${i}.${sub.name}`, i));
        if (rows > (f.min ? cfg.limits[f.min] : 0)) {
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

  /** After a list's choice: a contract fills in its other party.
   * @param {any} [e] */
  function redraw(e) {
    values = collect(formEl, values);
    const chosen = /** @type {import("app/forms").Field | undefined} */ (fields.find((f) => f.group === undefined && f.name === e?.target?.name));
    const k = chosen?.fills && (lastCustody()?.contracts || []).find((k) => k.id === values[chosen.name]);
    if (chosen?.fills && k) Object.assign(values, chosen.fills(k, ctx));
    saveDraft(me, type, values);
    draw();
  }

  formEl.addEventListener("input", (/** @type {any} */ e) => {
    const err = e.target.id && document.getElementById(`e-${e.target.name}`);
    if (err) err.hidden = true;
    if (e.target.removeAttribute) e.target.removeAttribute("aria-invalid");
    values = collect(formEl, values);
    saveDraft(me, type, values);
  });
  formEl.addEventListener("submit", async (/** @type {Event} */ e) => {
    e.preventDefault();
    values = collect(formEl, values);
    saveDraft(me, type, values);
    // Whole seconds, UTC (spec §3).
    const at = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace(".000Z", "Z");
    // The commitments: a member's name's, with the salt this phone keeps
    // for it; a batch's exact plot's.
    const now = effective(type, values, ctx);
    let salted, plot;
    for (const f of /** @type {import("app/forms").Field[]} */ (applicable(fields, now, ctx))) {
      if (f.group !== undefined || !f.computed) continue;
      const source = now[f.computed];
      const text = typeof source === "string" ? source.trim() : "";
      if (f.name === "name_commit") {
        salted = text ? await members.commitFor(now.id, text, cfg.privacy) : undefined;
        values[f.name] = salted?.name_commit ?? "";
      } else {
        plot = text ? await members.plotFor(now.batch, text, cfg.privacy) : undefined;
        values[f.name] = plot?.plot_commit ?? "";
      }
    }
    const { statement, errors, kept } = build(type, values, ctx, cfg, at);
    // A lot the ledger said it does not know is not signed for.
    for (const f of fields) {
      if (f.group === undefined && f.kind === "lot" && lots.get(lotOf(values[f.name] || "")) === null) {
        errors.push(new Invalid(cfg.codes.unknown_batch || "unknown_batch", f.name));
      }
    }
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
    const button = /** @type {HTMLButtonElement} */ (document.getElementById("sign-send"));
    if (button.disabled) return;
    button.disabled = true;
    const signed = JSON.parse(statement);
    let seq;
    if (salted) {
      seq = await registerMember(statement, signed, kept, salted, values, at);
    } else {
      if (plot) await members.keepPlot(plot);
      const envelope = await keys.signEnvelope(statement);
      seq = await outbox.enqueue(envelope, type, values, type === "actor.consent" ? await consentParts(signed) : {});
    }
    dropDraft(me, type);
    location.hash = `#/item/${seq}`;
    kick();
  });

  /** Signs the registration of a member: keeps its name and salt on the
   * phone, and, when the household agreed to be named, signs its consent
   * to go after the registration, with the name and salt beside it.
   * Returns the registration's outbox item.
   * @param {string} statement @param {any} st its value
   * @param {Record<string, any>} kept @param {{ salt: string, name_commit: string }} salted
   * @param {Record<string, any>} values @param {string} at */
  async function registerMember(statement, st, kept, salted, values, at) {
    await members.keep({ id: st.id, name: kept.name, ...salted, cooperative: st.cooperative });
    const seq = await outbox.enqueue(await keys.signEnvelope(statement), type, values);
    if (kept.consent !== true) return seq;
    const consent = "actor.consent";
    const cctx = context(consent, me, id.role, undefined, cfg);
    const built = build(consent, { member: st.id, public: "true", form_blake3: kept.form_blake3 }, cctx, cfg, at);
    // A signer the ledger does not let sign consents: the name stays here.
    if (!mayUse(consent, id.role, cfg) || built.errors.length) return seq;
    const envelope = await keys.signEnvelope(built.statement);
    await outbox.enqueue(envelope, consent, { member: st.id, public: "true", form_blake3: kept.form_blake3 }, {
      after: seq,
      ...(await consentParts(JSON.parse(built.statement))),
    });
    return seq;
  }

  /** What goes with a signed `actor.consent`: the member it discloses
   * (when public and this phone keeps its name), and the record on this
   * phone. A withdrawal also takes the disclosure off any consent of that
   * member still waiting to be sent.
   * @param {any} st @returns {Promise<{ disclose?: string }>} */
  async function consentParts(st) {
    await members.consent(st.member, st.public, st.form_blake3);
    if (!st.public) {
      await outbox.undisclose(st.member);
      return {};
    }
    return (await members.disclosure(st.member)) ? { disclose: st.member } : {};
  }

  draw();
  show(h("p", {}, h("a", { href: "#/" }, "← " + T.home)), h("h1", {}, T.forms[type]), summary, formEl);
}
