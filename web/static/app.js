// @ts-check
// coop-ledger signing app (issue 6): a clerk's or household's phone makes
// its own key, fills in the forms its role may sign (spec §6), signs on the
// device, queues the envelope, and sends it when the ledger can be reached;
// each receipt is checked here against the signed checkpoint. This module
// chooses the screen; each screen is its own module:
//   #/            home: who signs, the holder's view, the forms, the outbox  (app-home.js)
//   #/backup      the one-time key backup (PEM and QR)                      (app-setup.js)
//   #/form/TYPE   a form (values in the query prefill it)                   (app-form.js)
//   #/item/SEQ    one signed statement and what became of it                (app-item.js)
//   #/key         this device's key                                         (app-mykey.js)
// Before the phone has a key linked to an actor, app-setup.js makes,
// restores and links one. What every screen shares is app-ui.js; sending
// and reading the ledger, app-net.js. Everything typed is kept as a draft
// in localStorage until it is signed.

import * as keys from "app/keys";
import * as members from "app/members";
import { formScreen } from "app/form";
import { home } from "app/home";
import { item } from "app/item";
import { keyScreen } from "app/mykey";
import { kick, updateNet } from "app/net";
import { backup, backupLost, backupShown, link, welcome } from "app/setup";
import { cfg, nav } from "app/ui";

// The language chosen once (`?lang=`) stays chosen on this phone.
const asked = new URLSearchParams(location.search).get("lang");
if (asked) localStorage.setItem("coop-ledger:lang", asked);
const chosen = localStorage.getItem("coop-ledger:lang");
const switching = !asked && chosen && chosen !== cfg.lang;
if (switching) location.replace(`${cfg.scope}?lang=${chosen}${location.hash}`);

/** Draws the screen the address names, for this phone's key and actor. */
async function render() {
  const id = await keys.identity();
  if (!id) return welcome();
  if (id.backup === "pending") return backupShown() ? backup() : backupLost();
  if (!id.actor) return link(id);
  // The names this phone keeps for its members, for every screen's lists.
  await members.load();
  const [path, query] = location.hash.slice(1).split("?");
  const parts = path.split("/").filter(Boolean);
  if (parts[0] === "form") return formScreen(id, parts[1], new URLSearchParams(query || ""));
  if (parts[0] === "item") return item(Number(parts[1]));
  if (parts[0] === "key") return keyScreen(id);
  return home(id);
}
nav.render = render;

if (!switching) {
  window.addEventListener("hashchange", render);
  window.addEventListener("online", kick);
  window.addEventListener("offline", () => updateNet("offline"));
  if ("serviceWorker" in navigator) navigator.serviceWorker.register(cfg.sw, { scope: cfg.scope }).catch(() => {});
  render().then(kick);
}
