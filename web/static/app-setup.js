// @ts-check
// coop-ledger signing app: setting up the key. Making one (and its backup,
// shown once), restoring one from a backup file (with the members' names
// backup, if it is pasted or chosen too), and linking it to the actor the
// ledger registered with it.

import * as keys from "app/keys";
import * as members from "app/members";
import * as outbox from "app/outbox";
import { api } from "app/net";
import { T, h, nav, publicKeyBlock, qr, show } from "app/ui";

/** The backup of a key just made, until the clerk has saved it.
 * @type {string | null} */
let pendingBackup = null;

/** Whether the backup of the key just made can still be shown. */
export const backupShown = () => pendingBackup !== null;

/** The first screen: make a key or restore one. */
export function welcome() {
  const pemBox = h("textarea", { id: "restore-pem", rows: 5, autocomplete: "off", spellcheck: "false" });
  const error = h("p", { class: "error", id: "restore-error", hidden: true });
  const file = h("input", {
    type: "file",
    accept: ".pem,.txt,text/plain",
    multiple: true,
    onchange: async (/** @type {any} */ e) => {
      const texts = await Promise.all([...e.target.files].map((/** @type {File} */ f) => f.text()));
      if (texts.length) pemBox.value = texts.join("\n");
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
          nav.render();
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
          } catch (_) {
            error.hidden = false;
            error.textContent = T.bad_backup;
            return;
          }
          // The members' names come back with the key that sealed them.
          try {
            if (members.hasBackup(pemBox.value)) await members.restore(pemBox.value);
          } catch (_) {
            error.hidden = false;
            error.textContent = T.bad_members_backup;
            return;
          }
          pemBox.value = "";
          nav.render();
        },
      },
      T.restore,
    ),
  );
}

/** The one-time backup: PEM text, a file and a QR code. */
export function backup() {
  const text = pendingBackup || "";
  const url = URL.createObjectURL(new Blob([text], { type: "application/x-pem-file" }));
  show(
    h("h1", {}, T.backup_title),
    h("p", {}, T.backup_hint),
    qr(text, "backup-qr"),
    h("pre", { id: "backup-pem", class: "pem" }, text),
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
          nav.render();
        },
      },
      T.backup_done,
    ),
  );
}

/** The backup was not saved before a reload: offer a new key. */
export function backupLost() {
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
          nav.render();
        },
      },
      T.create_key,
    ),
  );
}

/** Linking the key to its actor: the ledger is asked which actor this
 * key was registered for (`GET /api/v1/actors?key=`, issue 15), so the
 * clerk types no id; until it is registered, the key is shown to give to
 * the registrar, with a button to ask again.
 * @param {any} id */
export function link(id) {
  const error = h("p", { class: "error", id: "link-error", role: "alert", hidden: true });
  const fail = (/** @type {string} */ text) => {
    error.hidden = false;
    error.textContent = text;
  };
  const check = async () => {
    let r;
    try {
      r = await api(`/api/v1/actors?key=${encodeURIComponent(id.key.publicKey)}`);
    } catch (_) {
      return fail(T.offline);
    }
    if (r.status === 404) return fail(T.not_registered);
    if (r.status !== 200) return fail(r.body.message || T.try_again);
    if (r.body.key !== id.key.publicKey) return fail(T.other_key);
    if (r.body.status !== "active") return fail(T.revoked);
    await outbox.ledger();
    await keys.update({ actor: r.body.id, role: r.body.role, cooperative: r.body.cooperative ?? undefined });
    nav.render();
  };
  show(
    h("h1", {}, T.app),
    h("p", {}, T.your_key_hint),
    error,
    h("button", { id: "link-actor", class: "primary", onclick: check }, T.link_actor),
    ...publicKeyBlock(id),
  );
  return check();
}
