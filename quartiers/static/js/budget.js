// The budget form (programming/applications/application_budget.html), enhanced:
// - live totals of what is typed (charges, produits, their difference, 86 / 87), before saving;
// - « Ajouter une ligne » adds a row at once from the formset's <template> instead of
//   submitting the form (without JavaScript the button asks the server for one more row).
(function () {
  "use strict";

  var form = document.querySelector("[data-budget-form]");
  if (!form) {
    return;
  }
  var live = form.querySelector("[data-budget-live]");
  var status = form.querySelector("[data-budget-status]");
  var money = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" });

  function cents(input) {
    var value = parseFloat(String(input.value).replace(",", "."));
    return isFinite(value) && value > 0 ? Math.round(value * 100) : 0;
  }

  function sideTotal(side) {
    var container = form.querySelector('[data-budget-side="' + side + '"]');
    if (!container) {
      return 0;
    }
    var total = 0;
    container.querySelectorAll('input[name$="-amount"]').forEach(function (input) {
      var removal = form.querySelector(
        'input[name="' + input.name.replace(/-amount$/, "-DELETE") + '"]'
      );
      if (!removal || !removal.checked) {
        total += cents(input);
      }
    });
    return total;
  }

  function euros(amount) {
    return money.format(amount / 100);
  }

  function refresh() {
    var charges = sideTotal("charge");
    var products = sideTotal("product");
    var uses = sideTotal("contribution_use");
    var sources = sideTotal("contribution_source");
    live.querySelector('[data-budget-total="charge"]').textContent = euros(charges);
    live.querySelector('[data-budget-total="product"]').textContent = euros(products);
    live.querySelector('[data-budget-total="balance"]').textContent = euros(products - charges);
    live.querySelector('[data-budget-total="contributions"]').textContent =
      euros(uses) + " / " + euros(sources);
    var message;
    if (charges === 0) {
      message = "Saisie sans charges : le budget ne peut pas être déposé ainsi.";
    } else if (charges !== products || uses !== sources) {
      message = "Saisie non équilibrée : charges et produits (et 86 / 87) doivent être égaux.";
    } else {
      message = "Saisie équilibrée.";
    }
    if (status.textContent !== message) {
      status.textContent = message; // role="status": read once per change of state
    }
  }

  function addRow(prefix) {
    var template = form.querySelector('template[data-formset-template="' + prefix + '"]');
    var total = form.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    var side = template && template.closest("[data-budget-side]");
    var body = side && side.querySelector("tbody");
    if (!template || !total || !body) {
      return false;
    }
    var index = parseInt(total.value, 10);
    var html = template.innerHTML
      .replace(/__prefix__/g, String(index))
      .replace(/__row__/g, String(index + 1));
    body.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var first = body.querySelector('[name="' + prefix + "-" + index + '-account"]');
    if (first) {
      first.focus();
    }
    return true;
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest('button[name="add"]');
    if (button && addRow(button.value)) {
      event.preventDefault();
      refresh();
    }
  });
  form.addEventListener("input", refresh);
  form.addEventListener("change", refresh);
  live.hidden = false;
  refresh();
})();
