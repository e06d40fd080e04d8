/* kpitracker: "Add another item" on the report form's ledger (台账) rows.
   Copies the formset's empty row (a <template>) with the next index; without
   JavaScript the button stays hidden and saving a draft brings a new blank row.
   A file, no inline script: the strict Content-Security-Policy holds. */
(() => {
  "use strict";
  const button = document.querySelector("[data-add-entry]");
  const template = document.getElementById("entry-template");
  const rows = document.getElementById("entry-rows");
  const total = document.querySelector("input[name$='-TOTAL_FORMS']");
  if (!button || !template || !rows || !total) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", () => {
    const index = Number(total.value);
    rows.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, String(index)));
    total.value = String(index + 1);
    const first = rows.lastElementChild.querySelector("input:not([type=hidden]), select, textarea");
    if (first) {
      first.focus();
    }
  });
})();
