// @ts-check
// coop-ledger: the print button of a page that has one (the label sheet).
// A script file, not an inline `onclick`, so that the pages' Content
// Security Policy allows no inline script at all (issue 16).

for (const button of document.querySelectorAll("button[data-print]")) {
  button.addEventListener("click", () => window.print());
}
