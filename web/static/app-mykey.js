// @ts-check
// coop-ledger signing app: this phone's key. Its public key, the ledger
// key it trusts, the backup of the members' names (sealed under the key:
// app-members.js) and forgetting the key.

import * as keys from "app/keys";
import * as members from "app/members";
import * as outbox from "app/outbox";
import { T, fmt, h, nav, publicKeyBlock, show } from "app/ui";

/** The ledger key this phone trusts, in signed-note verifier form, to
 * compare with the one the cooperative union publishes. @param {any} pin */
function ledgerKeyLine(pin) {
  return pin ? h("p", { class: "meta", id: "ledger-key" }, `${T.ledger_key}: `, h("code", {}, pin.note_vkey || pin.public_key)) : "";
}

/** The members' backup: download it (sealed here), say it is saved, or
 * restore one. */
async function membersBackup() {
  const said = h("p", { id: "members-said", role: "status" });
  const box = h("textarea", { id: "members-restore-text", rows: 3, autocomplete: "off", spellcheck: "false" });
  const parts = [h("h2", {}, T.members_backup), h("p", { class: "explain" }, T.members_backup_hint)];
  if ((await members.load()).length) {
    const text = await members.backupBlock();
    const url = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
    parts.push(
      h("a", { id: "members-backup-download", class: "button", href: url, download: "coop-ledger-members.txt" }, T.members_backup_download),
      h("pre", { id: "members-backup", class: "pem" }, text),
      h(
        "button",
        {
          id: "members-backup-done",
          onclick: async () => {
            await members.backedUp();
            URL.revokeObjectURL(url);
            nav.render();
          },
        },
        T.members_backup_done,
      ),
    );
  }
  parts.push(
    h("label", { for: "members-restore-text" }, T.members_restore),
    box,
    h(
      "button",
      {
        id: "members-restore",
        onclick: async () => {
          try {
            said.textContent = fmt(T.members_restored, { n: await members.restore(box.value) });
            box.value = "";
          } catch (_) {
            said.textContent = T.bad_members_backup;
          }
        },
      },
      T.members_restore,
    ),
    said,
  );
  return parts;
}

/** The key screen. @param {any} id */
export async function keyScreen(id) {
  const pin = await outbox.ledger().catch(() => null);
  show(
    h("p", {}, h("a", { href: "#/" }, "← " + T.home)),
    ...publicKeyBlock(id),
    h("p", { class: "explain" }, T.ledger_key_hint),
    ledgerKeyLine(pin),
    pin && Array.isArray(pin.witnesses) && pin.witnesses.length
      ? h("ul", { class: "meta", id: "witness-keys" }, ...pin.witnesses.map((/** @type {string} */ v) => h("li", {}, `${T.witness}: `, h("code", {}, v))))
      : "",
    ...(await membersBackup()),
    h(
      "button",
      {
        class: "danger",
        onclick: async () => {
          if (!confirm(T.forget_confirm)) return;
          await keys.forget();
          location.hash = "#/";
          nav.render();
        },
      },
      T.forget_key,
    ),
  );
}

