// @ts-check
// coop-ledger: the one number, date and unit formatter of the browser side
// (the buyer page's checks, the signing app and the dashboard's scripts),
// the counterpart of `src/http/format.rs` on the server. Vietnamese writes
// a decimal comma and groups thousands with dots (9,51 tấn; 1.250 kg);
// English the other way round. Dates are dd/mm/yyyy in both, in Vietnam's
// time (UTC+7, no daylight saving).

/** The separators of `lang`: [decimal, thousands]. */
function separators(/** @type {string} */ lang) {
  return lang === "en" ? [".", ","] : [",", "."];
}

/**
 * An exact decimal as the ledger writes it ("1250.5", "7"), in the
 * separators of `lang` ("1.250,5" in Vietnamese); any other text is
 * returned as it is.
 * @param {string | number} text
 * @param {string} lang
 */
export function formatNumber(text, lang) {
  const s = String(text);
  const m = /^(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) return s;
  const [dec, group] = separators(lang);
  const int = m[1].replace(/\B(?=(\d{3})+(?!\d))/g, group);
  return m[2] ? `${int}${dec}${m[2]}` : int;
}

/**
 * What a person typed as an amount ("6,5", "6.5", "1.250,5", "1 250"), as
 * the exact decimal the ledger takes ("6.5", "1250.5"); `null` when it is
 * not a number. One separator alone, comma or dot, is the decimal
 * separator; the same one repeated groups thousands; with both, the last
 * is the decimal separator.
 * @param {string} typed
 * @returns {string | null}
 */
export function parseAmount(typed) {
  const s = String(typed).trim().replace(/[\s\u00a0\u202f]/g, "");
  if (!/^\d[\d.,]*$/.test(s)) return null;
  const commas = (s.match(/,/g) || []).length;
  const dots = (s.match(/\./g) || []).length;
  let int = s;
  let frac = "";
  /** @param {string} t @param {string} sep */
  const ungroup = (t, sep) => {
    const parts = t.split(sep);
    const ok = parts.slice(1).every((p) => p.length === 3) && parts[0].length >= 1 && parts[0].length <= 3;
    return ok ? parts.join("") : null;
  };
  if (commas && dots) {
    const decSep = s.lastIndexOf(",") > s.lastIndexOf(".") ? "," : ".";
    const groupSep = decSep === "," ? "." : ",";
    const at = s.lastIndexOf(decSep);
    if (s.indexOf(decSep) !== at) return null;
    const g = ungroup(s.slice(0, at), groupSep);
    if (g === null) return null;
    int = g;
    frac = s.slice(at + 1);
  } else if (commas + dots === 1) {
    const at = Math.max(s.indexOf(","), s.indexOf("."));
    int = s.slice(0, at);
    frac = s.slice(at + 1);
    if (frac === "") return null;
  } else if (commas + dots > 1) {
    const g = ungroup(s, commas ? "," : ".");
    if (g === null) return null;
    int = g;
  }
  if (!/^\d+$/.test(int) || (frac !== "" && !/^\d+$/.test(frac))) return null;
  int = int.replace(/^0+(?=\d)/, "");
  frac = frac.replace(/0+$/, "");
  return frac ? `${int}.${frac}` : int;
}

/**
 * A timestamp or a day ("2026-08-05T02:00:00Z", "2026-08-05") as
 * dd/mm/yyyy, the day in Vietnam; with `time`, also HH:MM there.
 * @param {string} iso
 * @param {{ time?: boolean }} [opts]
 */
export function formatDate(iso, opts = {}) {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (day) return `${day[3]}/${day[2]}/${day[1]}`;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const d = new Date(t + 7 * 3600 * 1000);
  const p = (/** @type {number} */ n) => String(n).padStart(2, "0");
  const date = `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
  return opts.time ? `${date} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}` : date;
}

/** The ledger's unit codes, as words: kg, tấn, lít, cái, hộp. */
const UNITS = {
  vi: { kg: "kg", t: "tấn", l: "lít", piece: "cái", box: "hộp" },
  en: { kg: "kg", t: "tonnes", l: "litres", piece: "pieces", box: "boxes" },
};

/**
 * A unit code as a word of `lang`; an unknown code as it is.
 * @param {string} code
 * @param {string} lang
 */
export function unitWord(code, lang) {
  const table = lang === "en" ? UNITS.en : UNITS.vi;
  return /** @type {Record<string, string>} */ (table)[code] || code;
}

/**
 * An amount and its unit: "9,51 tấn".
 * @param {string} amount
 * @param {string} unit
 * @param {string} lang
 */
export function formatQuantity(amount, unit, lang) {
  return `${formatNumber(amount, lang)} ${unitWord(unit, lang)}`;
}
