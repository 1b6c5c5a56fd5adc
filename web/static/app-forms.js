// @ts-check
// coop-ledger signing app: one form per statement type (spec §6) and the
// checks the ledger makes of each field, made here first so that a clerk
// hears of a mistake before signing. This module states no rule of its own:
// who may sign each type (the ledger's table, `domain::rules::roles`), the
// spelling of each kind of field, the limits and the code each check names
// all come from the server in the page's configuration (`AppConfig` in
// src/http/app.rs). A check that fails names the same error code the server
// would answer with; the page shows that code's sentence from the ledger's
// own catalogue. The rules between fields come from there too: the codes
// they name, the shape of each process's transformation, which processes
// keep unit and total. What stays here is each form's layout and the
// algorithm of each check (matching a pattern, the GS1 check digit, the
// calendar, comparing two days, summing amounts).
//
// Field names are the statement's JSON paths (`product.category`); a group
// (`certifications`, `inputs`, `outputs`) is a list of rows.

import { parseAmount } from "format";

/**
 * @typedef {{ roles: string[], only: { roles: string[], condition: any } | null }} SignerRoles
 * @typedef {{ min: number, max: number }} Sides
 * @typedef {{ inputs: Sides, outputs: Sides, conserves: boolean }} TransformShape
 * @typedef {{
 *   lang: string, version: number, sw: string, scope: string,
 *   enums: Record<string, string[]>,
 *   signers: Record<string, SignerRoles>,
 *   patterns: Record<string, string>,
 *   limits: Record<string, any>,
 *   codes: Record<string, string>,
 *   transforms: Record<string, TransformShape>,
 *   messages: Record<string, string>,
 *   member_role: string,
 *   privacy: { name_prefix: string, plot_prefix: string, salt_bytes: number },
 *   places: { provinces: [string, string][], communes: string },
 * }} Config
 * @typedef {{ id: string, product: { name: string }, remaining: { amount: string, unit: string }, status?: string }} Held
 * The communes of each province, by the province's code: `[code, name]`
 * (the server's `/app/communes.HASH.json`, `cfg.places.communes`).
 * @typedef {Record<string, [string, string][]>} Communes
 * @typedef {{ me: string, role: string, holding?: Held[], bound?: any, memberRole: string, communes?: Communes, signs: (type: string) => boolean, cooperative?: string }} Ctx
 * A contract as the holder's view lists it.
 * @typedef {{ id: string, cooperative: string, business: string }} ContractParties
 * @typedef {Record<string, any>} Values
 * @typedef {{
 *   name: string, kind: string, required?: boolean, lot?: boolean, label?: string, file?: string,
 *   options?: string | string[], requiredWith?: string,
 *   when?: (values: Values, ctx: Ctx) => boolean,
 *   fixed?: (ctx: Ctx) => string | undefined,
 *   keep?: (values: Values, ctx: Ctx) => boolean, public?: boolean,
 *   opaque?: (values: Values, ctx: Ctx) => boolean,
 *   computed?: string, missing?: string, instant?: boolean,
 *   fills?: (contract: ContractParties, ctx: Ctx) => Values,
 *   group?: undefined,
 * }} Field
 * `keep`: the value is checked but stays on the phone, never signed (a
 * member's name); `computed`: the form computes the value from the field
 * named (a member's `name_commit` from its name) and draws no input for
 * it; `opaque`: the app makes the value (an opaque member id); `missing`:
 * the key of `cfg.codes` an empty required value is refused with, where
 * it is not `missing`; `fills`: choosing this contract fills in the
 * fields it names (its other party); `instant`: a date that stands for
 * an instant (midnight in Vietnam), so it must also fall in the ledger's
 * years.
 * A group of rows of fields; `min` and `max` name the limits on its rows.
 * @typedef {{ group: string, name?: undefined, min?: string, max: string, fields: Field[], when?: undefined }} Group
 * @typedef {{ type: string, fields: (Field | Group)[] }} Form
 */

/** The condition `name` that binds the signer of this form, if one does
 * (`own_members`, `party`, …: see `domain::rules::roles::Condition`).
 * @param {Ctx} ctx @param {string} name */
const bound = (ctx, name) => (ctx.bound && typeof ctx.bound === "object" ? ctx.bound[name] : undefined);

/** A cooperative acting for its own members: the role it registers.
 * @param {Ctx} ctx */
const ownMembers = (ctx) => bound(ctx, "own_members");

/** The signer stands on side `side` of the contract it offers.
 * @param {Ctx} ctx @param {string} side */
const onSide = (ctx, side) => (bound(ctx, "party")?.[side] || []).includes(ctx.role);

/** The signer is a member household. @param {Ctx} ctx */
const isMember = (ctx) => ctx.role === ctx.memberRole;

/** The form registers a member household. @param {Values} v @param {Ctx} ctx */
const registersMember = (v, ctx) => v.role === ctx.memberRole;

/** A lot counted in pieces or boxes, whose pack may give its net content:
 * the form's `quantity.unit`, or that of any row (`outputs.0.quantity.unit`;
 * a row's fields see the whole form's values).
 * @param {Values} v */
const countsPacks = (v) =>
  Object.entries(v).some(([k, u]) => (k === "quantity.unit" || k.endsWith(".quantity.unit")) && ["piece", "box"].includes(u));

/** The fields of a product; for a lot counted in pieces or boxes, the
 * optional net content of one pack (spec §6.6, issue 15), typed with a
 * decimal comma or point like every amount.
 * @param {string} prefix @returns {Field[]} */
const product = (prefix) => [
  { name: `${prefix}product.category`, kind: "select", options: "categories", required: true },
  { name: `${prefix}product.name`, kind: "text", required: true },
  { name: `${prefix}product.gtin`, kind: "gtin" },
  { name: `${prefix}product.ocop_stars`, kind: "stars" },
  { name: `${prefix}product.net.amount`, kind: "amount", requiredWith: "product.net.unit", when: countsPacks },
  { name: `${prefix}product.net.unit`, kind: "select", options: ["kg", "t", "l"], requiredWith: "product.net.amount", when: countsPacks },
];

/** Every form: the statement type and its fields. Who may sign it is the
 * ledger's table, in `cfg.signers`.
 * @type {Form[]} */
export const FORMS = [
  {
    type: "batch.create",
    fields: [
      { name: "batch", kind: "id", required: true, lot: true },
      ...product(""),
      { name: "quantity.amount", kind: "amount", required: true },
      { name: "quantity.unit", kind: "select", options: "units", required: true },
      { name: "origin.place", kind: "text", required: true, public: true },
      // Coarse: at most the decimals the server says (about 1 km).
      { name: "origin.lat", kind: "lat" },
      { name: "origin.lon", kind: "lon" },
      // The exact plot stays on the phone; the statement may carry its
      // commitment.
      { name: "plot", kind: "note", keep: () => true },
      { name: "origin.plot_commit", kind: "commit", computed: "plot" },
      { name: "harvested_at", kind: "date", instant: true },
      // A cooperative may name one of its own members.
      { name: "producer", kind: "member", when: (_, ctx) => ownMembers(ctx) !== undefined },
      {
        group: "certifications",
        max: "certifications",
        fields: [
          { name: "scheme", kind: "select", options: "schemes", required: true },
          { name: "id", kind: "text", required: true },
          { name: "valid_until", kind: "date" },
        ],
      },
      { name: "photo_blake3", kind: "hash", file: "image/*" },
    ],
  },
  {
    type: "batch.ship",
    fields: [
      { name: "batch", kind: "held", required: true },
      // Chosen from lists with names (issue 15): a contract fills in the
      // party it is with.
      { name: "contract", kind: "contract", fills: (k, ctx) => ({ to: k.cooperative === ctx.me ? k.business : k.cooperative }) },
      { name: "to", kind: "partner", required: true },
    ],
  },
  {
    type: "batch.receive",
    fields: [
      { name: "batch", kind: "incoming", required: true },
      { name: "accepted", kind: "choice", options: ["true", "false"], required: true },
    ],
  },
  {
    type: "batch.transform",
    fields: [
      { name: "process", kind: "select", options: "processes", required: true },
      {
        group: "inputs",
        min: "min_sides",
        max: "sides",
        fields: [
          { name: "batch", kind: "held", required: true },
          { name: "amount", kind: "amount", required: true },
        ],
      },
      {
        group: "outputs",
        min: "min_sides",
        max: "sides",
        fields: [
          { name: "batch", kind: "id", required: true, lot: true },
          ...product(""),
          { name: "quantity.amount", kind: "amount", required: true },
          { name: "quantity.unit", kind: "select", options: "units", required: true },
        ],
      },
    ],
  },
  {
    type: "actor.register",
    fields: [
      // A member's id is made by the app, opaque: never from its name.
      { name: "id", kind: "id", required: true, opaque: registersMember },
      { name: "role", kind: "select", options: "roles", required: true, fixed: (ctx) => ownMembers(ctx)?.members },
      // A member's name stays on the phone; the statement carries its
      // commitment (spec §6).
      { name: "name", kind: "text", required: true, keep: registersMember },
      { name: "name_commit", kind: "commit", required: true, computed: "name", when: registersMember },
      { name: "key", kind: "key", required: true },
      { name: "region.province", kind: "province", required: true },
      { name: "region.commune", kind: "commune" },
      {
        name: "cooperative",
        kind: "id",
        when: registersMember,
        required: true,
        fixed: (ctx) => (ownMembers(ctx) ? ctx.me : undefined),
      },
      // Whether the household agrees to be named publicly: not signed
      // here; a yes, with the signed form's BLAKE3, becomes an
      // `actor.consent` that goes once the registration is logged.
      // (Asked only of a signer who may sign that consent.)
      {
        name: "consent",
        kind: "choice",
        options: ["true", "false"],
        required: true,
        keep: () => true,
        when: (v, ctx) => registersMember(v, ctx) && ctx.signs("actor.consent"),
      },
      {
        name: "form_blake3",
        kind: "hash",
        file: "image/*",
        required: true,
        missing: "consent_form",
        keep: () => true,
        when: (v, ctx) => registersMember(v, ctx) && ctx.signs("actor.consent") && v.consent === "true",
      },
    ],
  },
  {
    // Consent to be named publicly, or its withdrawal (`public: false`):
    // by the member itself, or by its cooperative with the BLAKE3 of the
    // consent form the household signed.
    type: "actor.consent",
    fields: [
      { name: "member", kind: "member", required: true, fixed: (ctx) => (isMember(ctx) ? ctx.me : undefined) },
      { name: "public", kind: "choice", options: ["true", "false"], required: true },
      { name: "form_blake3", kind: "hash", file: "image/*", required: true, missing: "consent_form", when: (_, ctx) => !isMember(ctx) },
    ],
  },
  {
    type: "batch.inspect",
    fields: [
      // Scanned, pasted from its label or typed as its lot code; the app
      // shows what the ledger knows of it before signing (issue 15).
      { name: "batch", kind: "lot", required: true, label: "lot_pick" },
      { name: "result", kind: "select", options: "results", required: true },
      { name: "scheme", kind: "select", options: "schemes", required: true },
      { name: "report_blake3", kind: "hash", file: "*/*" },
      { name: "note", kind: "note", public: true },
    ],
  },
  {
    type: "batch.recall",
    fields: [
      { name: "batch", kind: "lot", required: true, label: "lot_pick" },
      { name: "reason", kind: "note", required: true, public: true },
    ],
  },
  {
    type: "contract.offer",
    fields: [
      { name: "contract", kind: "id", required: true },
      // The other side is chosen from the partners the phone knows, by name.
      { name: "cooperative", kind: "partner", required: true, fixed: (ctx) => (onSide(ctx, "cooperative") ? ctx.me : undefined) },
      { name: "business", kind: "partner", required: true, fixed: (ctx) => (onSide(ctx, "business") ? ctx.me : undefined) },
      { name: "product_category", kind: "select", options: "categories", required: true },
      { name: "from", kind: "date", required: true },
      { name: "to", kind: "date", required: true, label: "to_date" },
      { name: "volume.amount", kind: "amount", requiredWith: "volume.unit" },
      { name: "volume.unit", kind: "select", options: "units", requiredWith: "volume.amount" },
    ],
  },
  {
    type: "contract.accept",
    fields: [{ name: "contract", kind: "offer", required: true }],
  },
  {
    type: "correction",
    fields: [
      // Chosen from the entries this actor signed (issue 15).
      { name: "index", kind: "index", required: true },
      { name: "reason", kind: "note", required: true, public: true },
    ],
  },
  { type: "actor.rotate_key", fields: [{ name: "new_key", kind: "key", required: true }] },
  {
    type: "actor.revoke",
    fields: [
      { name: "id", kind: "id", required: true },
      { name: "reason", kind: "note", required: true, public: true },
    ],
  },
];

/** The forms an actor of `role` may fill in: those the ledger's table lets
 * it sign.
 * @param {string} role @param {Config} cfg */
export function formsFor(role, cfg) {
  return FORMS.filter((f) => mayUse(f.type, role, cfg));
}

/** Whether an actor of `role` may sign statements of `type`.
 * @param {string} type @param {string} role @param {Config} cfg */
export function mayUse(type, role, cfg) {
  return Boolean(cfg.signers[type]?.roles.includes(role));
}

/** The form of statement `type`.
 * @param {string} type */
export function form(type) {
  return FORMS.find((f) => f.type === type);
}

/** What a form needs to know of its signer: who it is, what it holds, and
 * the condition of the ledger's table that binds it for this type, if any.
 * @param {string} type @param {string} me @param {string} role
 * @param {Held[] | undefined} holding @param {Config} cfg
 * @param {Communes} [communes] the communes, where the page has them
 * @returns {Ctx} */
export function context(type, me, role, holding, cfg, communes) {
  const only = cfg.signers[type]?.only;
  const bound = only && only.roles.includes(role) ? only.condition : undefined;
  const signs = (/** @type {string} */ t) => mayUse(t, role, cfg);
  return { me, role, holding, bound, memberRole: cfg.member_role, communes, signs };
}

/** A refusal found on the device: the server's code and the field. */
export class Invalid extends Error {
  /** @param {string} code @param {string} field */
  constructor(code, field) {
    super(`${code}: ${field}`);
    this.code = code;
    this.field = field;
  }
}

/** Whether the whole of `v` is spelt as pattern `name` of the configuration.
 * @param {Config} cfg @param {string} name @param {string} v */
const spelt = (cfg, name, v) => new RegExp(`^(?:${cfg.patterns[name]})$`).test(v);

/** The number a text is, in JSON's own syntax, or undefined.
 * @param {string} v @returns {number | undefined} */
function number(v) {
  try {
    const n = JSON.parse(v);
    return typeof n === "number" ? n : undefined;
  } catch (_) {
    return undefined;
  }
}

/** An amount as a whole number of its smallest step, `decimals`
 * fractional digits (after its pattern has matched).
 * @param {string} a @param {number} decimals */
const milli = (a, decimals) => {
  const [w, f = ""] = a.split(".");
  return BigInt(w) * 10n ** BigInt(decimals) + BigInt(f.padEnd(decimals, "0"));
};

/** The lot a text names: a label's URL as scanned or pasted (`…/b/LOT`,
 * a GS1 Digital Link `…/01/GTIN/10/LOT`, spec §8.8), else the text, as
 * its lot code. @param {string} text */
export function lotOf(text) {
  const t = String(text).trim();
  const m = t.match(/\/(?:b|01\/\d{14}\/10)\/([^/?#\s]+)/);
  if (!m) return t;
  try {
    return decodeURIComponent(m[1]);
  } catch (_) {
    return m[1];
  }
}

/** The value a field's text stands for in the statement: a number or a
 * boolean where the statement has one, else the text. A value the checks
 * refuse keeps this form too, so that it reads as the ledger would read it.
 * @param {Field} f @param {any} v */
function toJson(f, v) {
  switch (f.kind) {
    case "stars":
    case "lat":
    case "lon":
    case "index":
      return number(v) ?? v;
    case "choice":
      return v === "true" ? true : v === "false" ? false : v;
    case "lot":
      return lotOf(v);
    case "bool":
      return v === true || v === "true" || v === "on";
    default:
      return v;
  }
}

/** Checks one value of field `f` as the ledger will (spec §3), with the
 * patterns, limits and codes the page carries. Returns the JSON value to
 * sign; throws an `Invalid` naming the ledger's code.
 * @param {Field} f @param {any} raw @param {Config} cfg @param {string} name */
export function checkValue(f, raw, cfg, name) {
  const v = typeof raw === "string" ? raw.trim() : raw;
  const { limits, codes } = cfg;
  /** @param {string} code @returns {never} */
  const fail = (code) => {
    throw new Invalid(code, name);
  };
  const value = toJson(f, v);
  switch (f.kind) {
    case "id":
    case "member":
    case "held":
    case "incoming":
    case "contract":
    case "offer":
    case "partner":
    case "lot":
      if (!spelt(cfg, "id", value)) fail(codes.id);
      return value;
    case "text":
    case "note": {
      const max = f.kind === "note" ? limits.note_chars : limits.text_chars;
      if ([...v].length > max) fail(codes.text);
      return value;
    }
    case "amount": {
      // Typed as people write it ("6,5", "1.250,5"; issue 15), signed as
      // the ledger's exact decimal ("6.5").
      const exact = parseAmount(v);
      if (exact === null || !spelt(cfg, "amount", exact)) return fail(codes.amount);
      const m = milli(exact, limits.amount_decimals);
      if (m <= 0n || m > milli(limits.max_amount, limits.amount_decimals)) fail(codes.amount);
      return exact;
    }
    case "select":
    case "choice": {
      const options = Array.isArray(f.options) ? f.options : cfg.enums[f.options || ""];
      if (!options.includes(v)) fail((typeof f.options === "string" && codes[f.options]) || codes.choice);
      return value;
    }
    case "gtin": {
      if (!spelt(cfg, "gtin", v)) fail(codes.gtin);
      // GS1's mod-10 check digit: weights 3 and 1 from the right.
      const d = [...v].map(Number);
      const body = d.slice(0, -1).reverse();
      const sum = body.reduce((s, x, i) => s + x * (i % 2 === 0 ? 3 : 1), 0);
      if ((10 - (sum % 10)) % 10 !== d.at(-1)) fail(codes.gtin);
      return value;
    }
    case "stars":
      if (!Number.isInteger(value) || value < limits.min_ocop_stars || value > limits.max_ocop_stars) fail(codes.stars);
      return value;
    case "lat":
    case "lon": {
      if (typeof value !== "number" || !(Math.abs(value) <= limits[f.kind])) fail(codes.coordinates);
      const step = 10 ** limits.coordinate_decimals;
      if (Math.round(value * step) / step !== value) fail(codes.precision);
      return value;
    }
    case "province":
      if ([...v].length > limits.text_chars) fail(codes.text);
      if (!cfg.places.provinces.some(([code]) => code === v)) fail(codes.province);
      return value;
    case "commune":
      // Checked against its province by `fill`, where the page has the
      // communes (else by the ledger).
      if ([...v].length > limits.text_chars) fail(codes.text);
      return value;
    case "date": {
      if (!spelt(cfg, "date", v)) fail(codes.date);
      // A day of the calendar (proleptic Gregorian, as the ledger's).
      const [y, mo, day] = [+v.slice(0, -6), +v.slice(-5, -3), +v.slice(-2)];
      const d = new Date(Date.UTC(2000, 0, 1));
      d.setUTCFullYear(y, mo - 1, day);
      if (d.getUTCFullYear() !== y || d.getUTCMonth() !== mo - 1 || d.getUTCDate() !== day) fail(codes.date);
      // A date that stands for an instant (midnight in Vietnam) must fall
      // in the ledger's years in UTC (spec §3.5, issue 16).
      if (f.instant) {
        const utc = new Date(d.getTime() - limits.local_offset_hours * 3600 * 1000).getUTCFullYear();
        if (utc < limits.years[0] || utc > limits.years[1]) fail(codes.date);
      }
      return value;
    }
    case "key":
    case "hash":
    case "commit":
      if (!spelt(cfg, f.kind, v)) fail(codes[f.kind]);
      return value;
    case "index":
      if (!Number.isSafeInteger(value) || value < 0) fail(codes.index);
      return value;
    case "bool":
      return value;
    default:
      throw new Error(`unknown field kind ${f.kind}`);
  }
}

/** @param {Values} obj @param {string} path @param {any} value */
function setPath(obj, path, value) {
  const parts = path.split(".");
  let o = obj;
  for (const p of parts.slice(0, -1)) o = o[p] ??= {};
  o[parts[parts.length - 1]] = value;
}

/** @param {any} v */
const empty = (v) => v === undefined || v === null || v === "" || v === false;

/** The fields of `fields` that apply to `values` and `ctx`.
 * @template {Field | Group} F
 * @param {F[]} fields @param {Values} values @param {Ctx} ctx @returns {F[]} */
export function applicable(fields, values, ctx) {
  return fields.filter((f) => f.group !== undefined || !f.when || f.when(values, ctx));
}

/**
 * @param {(Field | Group)[]} fields @param {Values} values @param {Ctx} ctx @param {Config} cfg
 * @param {string} prefix @param {Values} out @param {Invalid[]} errors
 * @param {Values} kept what stays on the phone (the `keep` fields)
 */
function fill(fields, values, ctx, cfg, prefix, out, errors, kept) {
  for (const f of applicable(fields, values, ctx)) {
    if (f.group !== undefined) {
      const rows = values[`${f.group}#`] || 0;
      const list = [];
      for (let i = 0; i < rows; i++) {
        /** @type {Values} */
        const row = {};
        fill(f.fields, values, ctx, cfg, `${f.group}.${i}.`, row, errors, kept);
        if (Object.keys(row).length) list.push(row);
      }
      if (list.length > cfg.limits[f.max]) errors.push(new Invalid(cfg.codes.too_many, f.group));
      if (f.min && list.length < cfg.limits[f.min]) errors.push(new Invalid(cfg.codes.too_few, f.group));
      if (list.length) out[f.group] = list;
      continue;
    }
    const key = prefix + f.name;
    const fixed = f.fixed && f.fixed(ctx);
    const raw = fixed !== undefined ? fixed : values[key];
    const required = f.required || (f.requiredWith && !empty(values[prefix + f.requiredWith]));
    const text = typeof raw === "string" ? raw.trim() : raw;
    const into = f.keep && f.keep(values, ctx) ? kept : out;
    if (empty(text)) {
      // A computed value is missing because what it is computed from is:
      // that field says so.
      const source = f.computed && errors.some((e) => e.field === prefix + f.computed);
      if (required && !source) errors.push(new Invalid(cfg.codes[f.missing || "missing"], key));
      continue;
    }
    try {
      const value = checkValue(f, raw, cfg, key);
      // A commune of another province than the one chosen.
      const province = values[prefix + f.name.replace(/commune$/, "province")];
      const listed = f.kind === "commune" && ctx.communes?.[province];
      if (listed && !listed.some(([code]) => code === value)) throw new Invalid(cfg.codes.commune, key);
      setPath(into, f.name, value);
    } catch (e) {
      if (!(e instanceof Invalid)) throw e;
      errors.push(e);
      // Never signed; kept so the statement reads as the ledger would see it.
      setPath(into, f.name, toJson(f, text));
    }
  }
}
/** A date's place in the calendar, as a number that orders days (for
 * dates whose pattern has matched; a year may carry a sign).
 * @param {string} d */
const dayNumber = (d) => +d.slice(0, -6) * 10000 + +d.slice(-5, -3) * 100 + +d.slice(-2);

/** Whether `n` rows are within `sides`. @param {Sides} sides @param {number} n */
const admits = (sides, n) => sides.min <= n && n <= sides.max;

/** Rules between fields (spec §6), with the codes and shapes the server
 * sent: a harvest not after signing, a contract's days in order, not
 * shipping to oneself, no batch named twice in a transformation, and the
 * shape of its process.
 * @param {string} type @param {Values} st @param {string} today @param {string} me @param {Config} cfg
 * @param {Invalid[]} errors */
function crossChecks(type, st, today, me, cfg, errors) {
  const { codes } = cfg;
  if (type === "batch.create" && st.harvested_at && dayNumber(st.harvested_at) > dayNumber(today)) {
    errors.push(new Invalid(codes.harvest, "harvested_at"));
  }
  if (type === "contract.offer" && st.from && st.to && dayNumber(st.to) < dayNumber(st.from)) {
    errors.push(new Invalid(codes.period, "to"));
  }
  if (type === "batch.ship" && st.to && st.to === me) {
    errors.push(new Invalid(codes.to_self, "to"));
  }
  if (type === "batch.transform" && st.inputs && st.outputs) {
    const named = [...st.inputs, ...st.outputs].map((x) => x.batch);
    if (new Set(named).size !== named.length) errors.push(new Invalid(codes.transform, "inputs"));
    const shape = cfg.transforms[st.process];
    if (shape && !admits(shape.inputs, st.inputs.length)) errors.push(new Invalid(codes.transform, "inputs"));
    else if (shape && !admits(shape.outputs, st.outputs.length)) errors.push(new Invalid(codes.transform, "outputs"));
  }
}

/** Checks against what this actor holds (from the holder's view): an input
 * used beyond what remains, or, for a process that keeps unit and total
 * (`conserves`), another unit or another total.
 * @param {Values} st @param {Held[] | undefined} holding @param {Config} cfg @param {Invalid[]} errors */
function holdingChecks(st, holding, cfg, errors) {
  if (!st.inputs || !holding || errors.length) return;
  const { codes } = cfg;
  /** @param {string} a */
  const amount = (a) => milli(a, cfg.limits.amount_decimals);
  st.inputs.forEach((/** @type {Values} */ input, /** @type {number} */ i) => {
    const held = holding.find((b) => b.id === input.batch);
    if (held && amount(input.amount) > amount(held.remaining.amount)) {
      errors.push(new Invalid(codes.beyond_remaining, `inputs.${i}.amount`));
    }
  });
  if (cfg.transforms[st.process]?.conserves) {
    const units = [
      ...st.inputs.map((/** @type {Values} */ x) => holding.find((b) => b.id === x.batch)?.remaining.unit),
      ...st.outputs.map((/** @type {Values} */ o) => o.quantity?.unit),
    ].filter(Boolean);
    if (new Set(units).size > 1) errors.push(new Invalid(codes.mixed_units, "outputs"));
    /** @param {Values[]} list @param {(x: Values) => string | undefined} of */
    const total = (list, of) => list.reduce((sum, x) => sum + amount(of(x) || "0"), 0n);
    const used = total(st.inputs, (x) => x.amount);
    const made = total(st.outputs, (o) => o.quantity?.amount);
    if (used !== made) errors.push(new Invalid(codes.totals, "outputs"));
  }
}

/** The values of form `type` as they count: what the signer's role fixes,
 * whatever was typed (a field's `when` reads it too).
 * @param {string} type @param {Values} values @param {Ctx} ctx @returns {Values} */
export function effective(type, values, ctx) {
  const given = { ...values };
  for (const f of form(type)?.fields || []) {
    const fixed = f.group === undefined && f.fixed ? f.fixed(ctx) : undefined;
    if (f.group === undefined && fixed !== undefined) given[f.name] = fixed;
  }
  return given;
}

/** Builds the statement of form `type` from the form's `values` (a flat map
 * of field path → text; `group#` the number of rows of a group), signed by
 * `ctx.me` at `at`. Returns `{statement, errors, kept}`; the statement
 * text is what gets signed, byte for byte (only when there are no errors);
 * `kept` holds the checked values that stay on the phone (`keep` fields).
 * @param {string} type @param {Values} values @param {Ctx} ctx @param {Config} cfg @param {string} at
 * @returns {{ statement: string, errors: Invalid[], kept: Values }} */
export function build(type, values, ctx, cfg, at) {
  const spec = form(type);
  if (!spec) throw new Error(`no form for ${type}`);
  /** @type {Values} */
  const st = {};
  /** @type {Invalid[]} */
  const errors = [];
  /** @type {Values} */
  const kept = {};
  const given = effective(type, values, ctx);
  fill(spec.fields, given, ctx, cfg, "", st, errors, kept);
  // A bare harvest date starts at midnight in Vietnam (UTC+7).
  const today = new Date(Date.parse(at) + cfg.limits.local_offset_hours * 3600 * 1000).toISOString().slice(0, 10);
  // Like the ledger, which stops at the first refusal: the rules between
  // fields only once every field is well formed.
  if (!errors.length) crossChecks(type, st, today, ctx.me, cfg, errors);
  holdingChecks(st, ctx.holding, cfg, errors);
  const statement = JSON.stringify({ v: cfg.version, type, by: ctx.me, at, ...st });
  // The envelope as sent: the statement escaped as a JSON string, and the
  // key and signature in base64, of the lengths the server sent.
  const { key_chars, sig_chars, envelope_bytes } = cfg.limits;
  const envelope = JSON.stringify({ statement, key: "k".repeat(key_chars), sig: "s".repeat(sig_chars) });
  if (new TextEncoder().encode(envelope).length > envelope_bytes) {
    errors.push(new Invalid(cfg.codes.envelope, type));
  }
  return { statement, errors, kept };
}
