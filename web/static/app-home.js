// @ts-check
// coop-ledger signing app: the home screen. Who signs, the forms its role
// may sign (the ledger's table), the holder's view (what I hold, what is
// coming to me, what I shipped, my contracts), the member households this
// phone registered (with the names it keeps for them) and the outbox's
// history.

import * as members from "app/members";
import * as outbox from "app/outbox";
import { formsFor, mayUse } from "app/forms";
import { loadCustody } from "app/net";
import { T, cfg, fmt, h, show, stateText, statementSummary, valueLabel } from "app/ui";

/** One batch in a list. @param {any} b @param {...any} extra */
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

/** The home screen of actor `id.actor`. @param {any} id */
export async function home(id) {
  const me = id.actor;
  const c = await loadCustody(me);
  const mine = await members.load();
  // The witnesses pinned at set-up must still be the ledger's (spec
  // §8.16): checked without holding up the screen, shown when known.
  const warning = h("p", { class: "warning", id: "witness-warning", role: "alert", hidden: true }, T.witnesses_changed);
  outbox
    .witnesses()
    .then((w) => {
      if (w.changed) warning.hidden = false;
    })
    .catch(() => {});
  /** @template T @param {T[] | undefined} items @param {(x: T) => any} line @param {string} section */
  const list = (items, line, section) =>
    h("ul", { class: "items", id: section }, items && items.length ? items.map(line) : h("li", { class: "muted" }, T.none));
  /** @param {string} type @param {Record<string, string>} params */
  const go = (type, params) => `#/form/${type}?${new URLSearchParams(params)}`;
  const parts = [
    h("p", { class: "who" }, `${T.signed_in_as} `, h("strong", { id: "me" }, me), ` · ${valueLabel(id.role)}`),
    warning,
    h("h2", {}, T.actions),
    h(
      "nav",
      { class: "actions" },
      formsFor(id.role, cfg).map((f) => h("a", { class: "button", href: `#/form/${f.type}`, dataset: { form: f.type } }, T.forms[f.type])),
    ),
  ];
  if (c && !c.fresh) parts.push(h("p", { class: "explain" }, fmt(T.as_of, { t: new Date(c.at || 0).toLocaleString(cfg.lang) })));
  if (c) {
    parts.push(
      h("h2", {}, T.incoming),
      list(c.incoming, (b) =>
        batchLine(
          b,
          ` · ${T.from} ${members.labelled(b.from)} `,
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
        (s) => h("li", { dataset: { batch: s.id } }, h("strong", {}, s.id), ` → ${members.labelled(s.to)} · ${T["outcome_" + s.outcome] || s.outcome}`),
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
  const signed = await outbox.items();
  /** The state of member `m`'s latest registration signed here, unless
   * logged. @param {string} member */
  const pending = (member) => {
    const reg = signed.filter((/** @type {any} */ it) => it.type === "actor.register" && JSON.parse(it.envelope.statement).id === member).at(-1);
    return reg && reg.state !== "done" ? ` · ${T[reg.state] || reg.state}` : "";
  };
  if (mine.length) {
    const consents = mayUse("actor.consent", id.role, cfg);
    const unsaved = mine.filter((m) => !m.backedUp).length;
    parts.push(
      h("h2", {}, T.members),
      unsaved ? h("p", { class: "explain", id: "members-unsaved" }, fmt(T.members_unsaved, { n: unsaved }), " ", h("a", { href: "#/key" }, T.members_backup)) : "",
      h(
        "ul",
        { class: "items", id: "members" },
        mine.map((m) =>
          h(
            "li",
            { dataset: { member: m.id, public: String(Boolean(m.public)) } },
            h("strong", {}, m.id),
            " · ",
            h("span", { class: "name" }, m.name),
            ` · ${m.public ? T.named_publicly : T.not_named}${pending(m.id)} `,
            consents
              ? h("a", { class: "button small", href: go("actor.consent", { member: m.id, public: String(!m.public) }) }, m.public ? T.withdraw_consent : T.give_consent)
              : "",
          ),
        ),
      ),
    );
  }
  const items = signed.reverse();
  parts.push(
    h("h2", {}, T.history),
    h(
      "ul",
      { class: "items", id: "history" },
      items.length
        ? items.map((/** @type {any} */ it) =>
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

