// coop-ledger signing app: one form per statement type (spec §6), who may
// sign it, and the checks the ledger makes of each field, made here first so
// that a clerk hears of a mistake before signing. A check that fails names
// the same error code the server would answer with; the page shows that
// code's sentence from the ledger's own catalogue.
//
// Field names are the statement's JSON paths (`product.category`); a group
// (`certifications`, `inputs`, `outputs`) is a list of rows.

const HOLDERS = ["member", "cooperative", "cooperative_group", "union", "business"];
const COLLECTIVE = ["cooperative", "cooperative_group", "union"];
const EVERYONE = [...HOLDERS, "auditor", "authority", "registrar"];

const product = (prefix) => [
  { name: `${prefix}product.category`, kind: "select", options: "categories", required: true },
  { name: `${prefix}product.name`, kind: "text", required: true },
  { name: `${prefix}product.gtin`, kind: "gtin" },
  { name: `${prefix}product.ocop_stars`, kind: "stars" },
];

/// Every form: the statement type, the roles that may sign it, its fields.
export const FORMS = [
  {
    type: "batch.create",
    roles: ["member", "cooperative"],
    fields: [
      { name: "batch", kind: "id", required: true, lot: true },
      ...product(""),
      { name: "quantity.amount", kind: "amount", required: true },
      { name: "quantity.unit", kind: "select", options: "units", required: true },
      { name: "origin.place", kind: "text", required: true },
      { name: "origin.lat", kind: "lat" },
      { name: "origin.lon", kind: "lon" },
      { name: "harvested_at", kind: "date" },
      { name: "producer", kind: "id", roles: ["cooperative"] },
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
    roles: HOLDERS,
    fields: [
      { name: "batch", kind: "held", required: true },
      { name: "to", kind: "id", required: true },
      { name: "contract", kind: "contract" },
    ],
  },
  {
    type: "batch.receive",
    roles: HOLDERS,
    fields: [
      { name: "batch", kind: "incoming", required: true },
      { name: "accepted", kind: "choice", options: ["true", "false"], required: true },
    ],
  },
  {
    type: "batch.transform",
    roles: HOLDERS,
    fields: [
      { name: "process", kind: "select", options: "processes", required: true },
      {
        group: "inputs",
        min: 1,
        max: "sides",
        fields: [
          { name: "batch", kind: "held", required: true },
          { name: "amount", kind: "amount", required: true },
        ],
      },
      {
        group: "outputs",
        min: 1,
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
    roles: ["registrar", "cooperative"],
    fields: [
      { name: "id", kind: "id", required: true },
      { name: "role", kind: "select", options: "roles", required: true, fixed: (ctx) => (ctx.role === "cooperative" ? "member" : undefined) },
      { name: "name", kind: "text", required: true },
      { name: "key", kind: "key", required: true },
      { name: "region.province", kind: "text", required: true },
      { name: "region.district", kind: "text" },
      { name: "region.commune", kind: "text" },
      {
        name: "cooperative",
        kind: "id",
        when: (v) => v.role === "member",
        required: true,
        fixed: (ctx) => (ctx.role === "cooperative" ? ctx.me : undefined),
      },
      { name: "public", kind: "bool", when: (v) => v.role === "member" },
    ],
  },
  {
    type: "batch.inspect",
    roles: ["auditor", "authority"],
    fields: [
      { name: "batch", kind: "id", required: true },
      { name: "result", kind: "choice", options: ["pass", "fail"], required: true },
      { name: "scheme", kind: "select", options: "schemes", required: true },
      { name: "report_blake3", kind: "hash", file: "*/*" },
      { name: "note", kind: "note" },
    ],
  },
  {
    type: "batch.recall",
    // An authority, or the batch's creator (the ledger checks which).
    roles: [...HOLDERS, "authority"],
    fields: [
      { name: "batch", kind: "id", required: true },
      { name: "reason", kind: "note", required: true },
    ],
  },
  {
    type: "contract.offer",
    roles: [...COLLECTIVE, "business"],
    fields: [
      { name: "contract", kind: "id", required: true },
      { name: "cooperative", kind: "id", required: true, fixed: (ctx) => (COLLECTIVE.includes(ctx.role) ? ctx.me : undefined) },
      { name: "business", kind: "id", required: true, fixed: (ctx) => (ctx.role === "business" ? ctx.me : undefined) },
      { name: "product_category", kind: "select", options: "categories", required: true },
      { name: "from", kind: "date", required: true },
      { name: "to", kind: "date", required: true, label: "to_date" },
      { name: "volume.amount", kind: "amount", requiredWith: "volume.unit" },
      { name: "volume.unit", kind: "select", options: "units", requiredWith: "volume.amount" },
    ],
  },
  {
    type: "contract.accept",
    roles: [...COLLECTIVE, "business"],
    fields: [{ name: "contract", kind: "offer", required: true }],
  },
  {
    type: "correction",
    roles: EVERYONE,
    fields: [
      { name: "index", kind: "index", required: true },
      { name: "reason", kind: "note", required: true },
    ],
  },
  { type: "actor.rotate_key", roles: EVERYONE, fields: [{ name: "new_key", kind: "key", required: true }] },
  {
    type: "actor.revoke",
    roles: ["registrar"],
    fields: [
      { name: "id", kind: "id", required: true },
      { name: "reason", kind: "note", required: true },
    ],
  },
];

/// The forms an actor of `role` may fill in.
export function formsFor(role) {
  return FORMS.filter((f) => f.roles.includes(role));
}

/// The form of statement `type`.
export function form(type) {
  return FORMS.find((f) => f.type === type);
}

/// A refusal found on the device: the server's code and the field.
export class Invalid extends Error {
  constructor(code, field) {
    super(`${code}: ${field}`);
    this.code = code;
    this.field = field;
  }
}

const ID = /^[A-Za-z0-9._-]+$/;

/// Checks one value of kind `kind` as the ledger will (spec §3), with the
/// limits the page carries (`cfg.limits`). Returns the JSON value to sign.
export function checkValue(f, raw, cfg, name) {
  const v = typeof raw === "string" ? raw.trim() : raw;
  const fail = (code) => {
    throw new Invalid(code, name);
  };
  switch (f.kind) {
    case "id":
    case "held":
    case "incoming":
    case "contract":
    case "offer":
      if (!ID.test(v) || v.length > cfg.limits.id_chars) fail("bad_id");
      return v;
    case "text":
    case "note": {
      const max = f.kind === "note" ? cfg.limits.note_chars : cfg.limits.text_chars;
      if ([...v].length > max) fail("too_long");
      return v;
    }
    case "amount": {
      const m = v.match(/^(0|[1-9][0-9]{0,12})(?:\.([0-9]{1,3}))?$/);
      if (!m) fail("bad_amount");
      const milli = BigInt(m[1]) * 1000n + BigInt((m[2] || "").padEnd(3, "0"));
      if (milli <= 0n || milli > BigInt(cfg.limits.max_amount) * 1000n) fail("bad_amount");
      return v;
    }
    case "select":
    case "choice": {
      const options = Array.isArray(f.options) ? f.options : cfg.enums[f.options];
      if (!options.includes(v)) fail(f.options === "categories" ? "bad_category" : f.options === "units" ? "bad_unit" : "malformed_statement");
      return v === "true" ? true : v === "false" ? false : v;
    }
    case "gtin": {
      if (!/^[0-9]{14}$/.test(v)) fail("bad_gtin");
      const d = [...v].map(Number);
      const sum = d.slice(0, 13).reduce((s, x, i) => s + x * (i % 2 === 0 ? 3 : 1), 0);
      if ((10 - (sum % 10)) % 10 !== d[13]) fail("bad_gtin");
      return v;
    }
    case "stars":
      if (!/^[345]$/.test(v)) fail("bad_ocop_stars");
      return Number(v);
    case "lat":
    case "lon": {
      const n = Number(v);
      const max = f.kind === "lat" ? 90 : 180;
      if (v === "" || !Number.isFinite(n) || !(Math.abs(n) <= max)) fail("bad_coordinates");
      return n;
    }
    case "date": {
      const m = v.match(/^([0-9]{4})-([0-9]{2})-([0-9]{2})$/);
      const d = m && new Date(Date.UTC(2000, +m[2] - 1, +m[3]));
      if (d) d.setUTCFullYear(+m[1], +m[2] - 1, +m[3]);
      if (!m || d.getUTCFullYear() !== +m[1] || d.getUTCMonth() !== +m[2] - 1 || d.getUTCDate() !== +m[3]) {
        fail("bad_time");
      }
      return v;
    }
    case "key": {
      let bytes;
      try {
        bytes = atob(v);
      } catch (_) {
        fail("bad_key");
      }
      if (bytes.length !== 32 || btoa(bytes) !== v) fail("bad_key");
      return v;
    }
    case "hash":
      if (!/^[0-9a-f]{64}$/.test(v)) fail("bad_hash");
      return v;
    case "index":
      if (!/^(0|[1-9][0-9]*)$/.test(v) || !Number.isSafeInteger(Number(v))) fail("malformed_statement");
      return Number(v);
    case "bool":
      return v === true || v === "true" || v === "on";
    default:
      throw new Error(`unknown field kind ${f.kind}`);
  }
}

function setPath(obj, path, value) {
  const parts = path.split(".");
  let o = obj;
  for (const p of parts.slice(0, -1)) o = o[p] ??= {};
  o[parts.at(-1)] = value;
}

const empty = (v) => v === undefined || v === null || v === "" || v === false;

/// The fields of `fields` that apply to `values` and `ctx`.
export function applicable(fields, values, ctx) {
  return fields.filter((f) => (!f.roles || f.roles.includes(ctx.role)) && (!f.when || f.when(values)));
}

function fill(fields, values, ctx, cfg, prefix, out, errors) {
  for (const f of applicable(fields, values, ctx)) {
    if (f.group) {
      const rows = values[`${f.group}#`] || 0;
      const list = [];
      for (let i = 0; i < rows; i++) {
        const row = {};
        fill(f.fields, values, ctx, cfg, `${f.group}.${i}.`, row, errors);
        if (Object.keys(row).length) list.push(row);
      }
      const max = typeof f.max === "string" ? cfg.limits[f.max] : f.max;
      if (list.length > max) errors.push(new Invalid("too_many_items", f.group));
      if (f.min && list.length < f.min) errors.push(new Invalid("bad_transform", f.group));
      if (list.length) out[f.group] = list;
      continue;
    }
    const key = prefix + f.name;
    const fixed = f.fixed && f.fixed(ctx);
    const raw = fixed !== undefined ? fixed : values[key];
    const required = f.required || (f.requiredWith && !empty(values[prefix + f.requiredWith]));
    if (empty(typeof raw === "string" ? raw.trim() : raw)) {
      if (required) errors.push(new Invalid("malformed_statement", key));
      continue;
    }
    try {
      setPath(out, f.name, checkValue(f, raw, cfg, key));
    } catch (e) {
      if (e instanceof Invalid) errors.push(e);
      else throw e;
    }
  }
}

/// Rules between fields the ledger checks before any state (spec §6):
/// a harvest not after signing, a contract's days in order, a split or
/// merge of the right shape, no batch named twice in a transformation.
function crossChecks(type, st, today, me, errors) {
  if (type === "batch.create" && st.harvested_at && st.harvested_at > today) {
    errors.push(new Invalid("harvest_after_statement", "harvested_at"));
  }
  if (type === "contract.offer" && st.from && st.to && st.to < st.from) {
    errors.push(new Invalid("bad_period", "to"));
  }
  if (type === "batch.ship" && st.to && st.to === me) {
    errors.push(new Invalid("ship_to_self", "to"));
  }
  if (type === "batch.transform" && st.inputs && st.outputs) {
    const named = [...st.inputs, ...st.outputs].map((x) => x.batch);
    if (new Set(named).size !== named.length) errors.push(new Invalid("bad_transform", "inputs"));
    if (st.process === "split" && (st.inputs.length !== 1 || st.outputs.length < 2)) {
      errors.push(new Invalid("bad_transform", "outputs"));
    }
    if (st.process === "merge" && (st.inputs.length < 2 || st.outputs.length !== 1)) {
      errors.push(new Invalid("bad_transform", "inputs"));
    }
  }
}

/// Checks against what this actor holds (from the holder's view): an input
/// used beyond what remains, or in another unit for a split or merge.
function holdingChecks(st, holding, errors) {
  if (!st.inputs || !holding) return;
  const milli = (a) => {
    const [w, f = ""] = a.split(".");
    return BigInt(w) * 1000n + BigInt(f.padEnd(3, "0"));
  };
  st.inputs.forEach((input, i) => {
    const held = holding.find((b) => b.id === input.batch);
    if (held && milli(input.amount) > milli(held.remaining.amount)) {
      errors.push(new Invalid("amount_exceeds_remaining", `inputs.${i}.amount`));
    }
  });
  if (st.process === "split" || st.process === "merge") {
    const units = [
      ...st.inputs.map((x) => holding.find((b) => b.id === x.batch)?.remaining.unit),
      ...st.outputs.map((o) => o.quantity?.unit),
    ].filter(Boolean);
    if (new Set(units).size > 1) errors.push(new Invalid("unit_mismatch", "outputs"));
    const total = (list, amount) => list.reduce((sum, x) => sum + milli(amount(x) || "0"), 0n);
    const used = total(st.inputs, (x) => x.amount);
    const made = total(st.outputs, (o) => o.quantity?.amount);
    if (used !== made) errors.push(new Invalid("quantity_mismatch", "outputs"));
  }
}

/// Builds the statement of form `type` from the form's `values` (a flat map
/// of field path → text; `group#` the number of rows of a group), signed by
/// `ctx.me` at `at`. Returns `{statement, errors}`; the statement text is
/// what gets signed, byte for byte.
export function build(type, values, ctx, cfg, at) {
  const spec = form(type);
  const st = {};
  const errors = [];
  fill(spec.fields, values, ctx, cfg, "", st, errors);
  // A bare harvest date starts at midnight in Vietnam (UTC+7).
  const today = new Date(Date.parse(at) + 7 * 3600 * 1000).toISOString().slice(0, 10);
  crossChecks(type, st, today, ctx.me, errors);
  holdingChecks(st, ctx.holding, errors);
  const statement = JSON.stringify({ v: 1, type, by: ctx.me, at, ...st });
  // The envelope as sent: the statement escaped as a JSON string, a 44-byte
  // key and an 88-byte signature in base64.
  const envelope = JSON.stringify({ statement, key: "k".repeat(44), sig: "s".repeat(88) });
  if (new TextEncoder().encode(envelope).length > cfg.limits.envelope_bytes) {
    errors.push(new Invalid("too_large", type));
  }
  return { statement, errors };
}
