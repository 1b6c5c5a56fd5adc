// @ts-check
// coop-ledger signing app: the home screen. Who signs, the forms its role
// may sign (the ledger's table), the holder's view (what I hold, what is
// coming to me, what I shipped, my contracts), the member households this
// phone registered (with the names it keeps for them) and the outbox's
// history.

import * as members from "app/members";
import * as outbox from "app/outbox";
import { formsFor, mayUse } from "app/forms";
import { named } from "app/form";
import { loadCustody, loadNames, partners } from "app/net";
import { T, cfg, fmt, h, show, stateText, statementSummary, valueLabel } from "app/ui";
import { formatDate, formatQuantity } from "format";

/** The two or three forms each role uses most, first on the home screen
 * (issue 15); the others are under "more". */
const COMMON = {
  member: ["batch.create", "batch.ship"],
  cooperative: ["batch.create", "batch.receive", "batch.ship"],
  cooperative_group: ["batch.create", "batch.receive", "batch.ship"],
  union: ["batch.receive", "batch.transform", "batch.ship"],
  business: ["batch.receive", "batch.transform", "batch.ship"],
  auditor: ["batch.inspect", "batch.recall"],
  authority: ["batch.recall"],
  registrar: ["actor.register"],
};

/** One batch in a list: its product first, then its lot code.
 * @param {any} b @param {...any} extra */
function batchLine(b, ...extra) {
  return h(
    "li",
    { dataset: { batch: b.id } },
    h("strong", {}, b.product ? b.product.name : b.id),
    b.remaining ? ` · ${T.remaining} ${formatQuantity(b.remaining.amount, b.remaining.unit, cfg.lang)}` : "",
    h("small", { class: "lot" }, ` · ${T.lot} ${b.id}`),
    ...extra,
  );
}

/** The subject of a signed statement: the batch, contract or actor it
 * is about. @param {any} it */
function subject(it) {
  const st = JSON.parse(it.envelope.statement);
  return st.batch || st.contract || st.member || st.id || (st.outputs || []).map((/** @type {any} */ o) => o.batch).join(",");
}

/** The refusals still standing: a statement the ledger refused with no
 * later statement about the same thing logged since, by subject.
 * @param {any[]} signed in signing order @returns {Map<string, any>} */
function standingRefusals(signed) {
  /** @type {Map<string, any>} */
  const latest = new Map();
  for (const it of signed) if (!it.dismissed) latest.set(subject(it), it);
  return new Map([...latest].filter(([, it]) => it.state === "refused" || it.state === "check_failed"));
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
  const signed = await outbox.items();
  const refused = standingRefusals(signed);
  await loadNames([me, ...partners(me, id.cooperative)]);
  const forms = formsFor(id.role, cfg);
  const common = /** @type {Record<string, string[]>} */ (COMMON)[id.role] || [];
  const first = forms.filter((f) => common.includes(f.type));
  const rest = forms.filter((f) => !common.includes(f.type));
  /** @param {any[]} list */
  const buttons = (list) => list.map((f) => h("a", { class: "button", href: `#/form/${f.type}`, dataset: { form: f.type } }, T.forms[f.type]));
  const parts = [
    h("p", { class: "who" }, `${T.signed_in_as} `, h("strong", { id: "me-name" }, named(me) === me ? valueLabel(id.role) : named(me)), " · ", h("span", { id: "me" }, me)),
    warning,
    // A refusal first, on the item it concerns (issue 15).
    refused.size
      ? h(
          "section",
          { id: "refusals", class: "error", role: "alert" },
          h("h2", {}, T.refusals),
          h(
            "ul",
            { class: "items" },
            [...refused.values()].map((it) =>
              h("li", { dataset: { seq: it.seq, state: it.state } }, h("a", { href: `#/item/${it.seq}` }, statementSummary(it)), h("div", { class: "state" }, stateText(it))),
            ),
          ),
        )
      : "",
    h("h2", {}, T.actions),
    h("nav", { class: "actions", id: "common" }, buttons(first.length ? first : forms.slice(0, 3))),
    rest.length && first.length
      ? h("details", { id: "more" }, h("summary", {}, T.more), h("nav", { class: "actions" }, buttons(rest)))
      : first.length
        ? ""
        : h("details", { id: "more" }, h("summary", {}, T.more), h("nav", { class: "actions" }, buttons(forms.slice(3)))),
  ];
  if (c && !c.fresh) parts.push(h("p", { class: "explain" }, fmt(T.as_of, { t: formatDate(c.at || "", { time: true }) })));
  if (c) {
    parts.push(
      h("h2", {}, T.incoming),
      list(c.incoming, (b) =>
        batchLine(
          b,
          ` · ${T.from} ${named(b.from)} `,
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
            refused.has(b.id)
              ? h("p", { class: "field-error refusal" }, stateText(refused.get(b.id)), " ", h("a", { href: `#/item/${refused.get(b.id).seq}` }, T.see_refusal))
              : b.status === "active"
                ? h("a", { class: "button small", href: go("batch.ship", { batch: b.id }) }, T.ship)
                : ` · ${T["status_" + b.status] || valueLabel(b.status)}`,
            h("a", { class: "button small", href: `/b/${encodeURIComponent(b.id)}/labels?lang=${cfg.lang}`, target: "_blank" }, T.labels),
          ),
        "holding",
      ),
      h("h2", {}, T.shipped),
      list(
        c.shipped,
        (s) => h("li", { dataset: { batch: s.id } }, h("strong", {}, s.id), ` → ${named(s.to)} · ${T["outcome_" + s.outcome] || valueLabel(s.outcome)}`),
        "shipped",
      ),
      h("h2", {}, T.contracts),
      list(
        c.contracts,
        (k) =>
          h(
            "li",
            {},
            h("strong", {}, `${named(k.cooperative)} ↔ ${named(k.business)}`),
            ` · ${valueLabel(k.product_category)} · ${formatDate(k.from)} → ${formatDate(k.to)} · ${valueLabel(k.state)} `,
            h("small", { class: "lot" }, k.id),
            " ",
            k.state === "pending" && k.offered_by !== me
              ? h("a", { class: "button small", href: go("contract.accept", { contract: k.id }) }, T.accept)
              : "",
          ),
        "contracts",
      ),
    );
  }
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

