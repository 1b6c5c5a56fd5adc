// @ts-check
// coop-ledger signing app: one signed statement and what became of it. Its
// state, its receipt's entry id, and what the clerk can do: send it now,
// send it again after a failed check, edit it after a refusal, or let the
// statements after it go.

import * as keys from "app/keys";
import * as outbox from "app/outbox";
import { kick } from "app/net";
import { T, h, nav, saveDraft, show, stateText, statementSummary } from "app/ui";

/** The screen of outbox item `seq`. @param {number} seq */
export async function item(seq) {
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
  parts.push(h("pre", { class: "statement" }, JSON.stringify(JSON.parse(it.envelope.statement), null, 2)));
  show(...parts);
}

