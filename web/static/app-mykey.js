// @ts-check
// coop-ledger signing app: this phone's key. Its public key, the ledger
// key it trusts, and forgetting the key.

import * as keys from "app/keys";
import * as outbox from "app/outbox";
import { T, h, nav, publicKeyBlock, show } from "app/ui";

/** The ledger key this phone trusts, in signed-note verifier form, to
 * compare with the one the cooperative union publishes. @param {any} pin */
function ledgerKeyLine(pin) {
  return pin ? h("p", { class: "meta", id: "ledger-key" }, `${T.ledger_key}: `, h("code", {}, pin.note_vkey || pin.public_key)) : "";
}

/** The key screen. @param {any} id */
export async function keyScreen(id) {
  const pin = await outbox.ledger().catch(() => null);
  show(
    h("p", {}, h("a", { href: "#/" }, "← " + T.home)),
    ...publicKeyBlock(id),
    h("p", { class: "explain" }, T.ledger_key_hint),
    ledgerKeyLine(pin),
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

