// @ts-check
// coop-ledger signing app: one signed statement and what became of it. Its
// state, its receipt's entry id, and what the clerk can do: send it now,
// send it again after a failed check, edit it after a refusal, or let the
// statements after it go.

import * as keys from "app/keys";
import * as outbox from "app/outbox";
import { contractLabel, lotLabel, named } from "app/form";
import { kick } from "app/net";
import { T, cfg, fieldLabel, h, nav, saveDraft, show, stateText, statementSummary, valueLabel } from "app/ui";
import { formatDate, formatNumber, formatQuantity } from "format";

/** A statement's value in words: an amount with its unit, a day, yes or
 * no, an actor by name, a code by its label. @param {string} key @param {any} v */
function shown(key, v) {
  if (v && typeof v === "object" && "amount" in v && "unit" in v) return formatQuantity(v.amount, v.unit, cfg.lang);
  if (typeof v === "boolean") return v ? T.yes : T.no;
  if (typeof v === "number") return formatNumber(String(v), cfg.lang);
  if (typeof v !== "string") return "";
  if (/^\d{4}-\d{2}-\d{2}(T.*)?$/.test(v)) return formatDate(v, { time: v.includes("T") });
  if (["to", "cooperative", "business", "producer", "member"].includes(key)) return named(v);
  if (key === "contract") return contractLabel(v);
  if (key === "batch") return lotLabel(v);
  return T.values[`${key}=${v}`] || valueLabel(v);
}

/** What a statement says, field by field, in the clerk's words; the
 * fingerprints and commitments are for the technical fold.
 * @param {Record<string, any>} st @param {string} [prefix] @returns {any[]} */
function readable(st, prefix = "") {
  return Object.entries(st).flatMap(([k, v]) => {
    if (!prefix && ["v", "type", "by", "at"].includes(k)) return [];
    if (/_(blake3|commit)$/.test(k) || k === "key" || k === "new_key") return [];
    if (Array.isArray(v)) return v.flatMap((row) => (row && typeof row === "object" ? readable(row, `${k}.`) : [h("dt", {}, fieldLabel({ name: k })), h("dd", {}, shown(k, row))]));
    if (v && typeof v === "object" && !("amount" in v)) return readable(v, `${prefix}${k}.`);
    return [h("dt", {}, fieldLabel({ name: `${prefix}${k}` })), h("dd", {}, shown(k, v))];
  });
}

/** The screen of outbox item `seq`. @param {number} seq */
export async function item(seq) {
  const it = await outbox.item(seq);
  if (!it) return (location.hash = "#/");
  const parts = [
    h("p", {}, h("a", { href: "#/" }, "← " + T.home)),
    h("h1", {}, statementSummary(it)),
    h("p", { id: "item-state", class: `state ${it.state}`, dataset: { state: it.state } }, stateText(it)),
  ];
  const st = JSON.parse(it.envelope.statement);
  parts.push(h("dl", { class: "said" }, readable(st)));
  if (it.state === "queued") parts.push(h("button", { id: "send-now", onclick: kick }, T.send_now));
  if (it.state === "check_failed") {
    parts.push(h("button", { id: "send-again", onclick: async () => (await outbox.retry(seq), nav.render(), kick()) }, T.send_again));
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
      parts.push(h("button", { id: "dismiss", onclick: async () => (await outbox.dismiss(seq), nav.render(), kick()) }, T.dismiss));
    }
  }
  // The entry's id and the statement as signed, for an auditor.
  parts.push(
    h(
      "details",
      { class: "technical" },
      h("summary", {}, T.technical),
      it.receipt ? h("p", { class: "meta" }, `${T.entry_id}: `, h("code", {}, it.receipt.entry_id)) : "",
      h("pre", { class: "statement" }, JSON.stringify(st, null, 2)),
    ),
  );
  show(...parts);
}

