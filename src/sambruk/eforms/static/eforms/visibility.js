/* Visibility rules of e-service forms, applied progressively in the browser.
 *
 * Each field wrapper carries its rules in data-show-when / data-hide-when (JSON, the same
 * format as the form definition). Answers on the page are read from the inputs; answers on
 * earlier pages come from data-outside-values on the page container. The server applies the
 * same rules on every post and its answer is the one that counts. No inline script (CSP).
 */
(function () {
  "use strict";

  function inputsNamed(root, name) {
    return Array.prototype.filter.call(
      root.querySelectorAll("input, select, textarea"),
      function (el) { return el.name === name; }
    );
  }

  function readValue(root, name, page) {
    var inputs = inputsNamed(root, name);
    if (!inputs.length) {
      return undefined;
    }
    var wrap = inputs[0].closest("[data-eforms-field]");
    if (wrap && wrap.hidden) {
      return null; // a hidden field counts as unanswered
    }
    var first = inputs[0];
    if (first.type === "checkbox") {
      return inputs.filter(function (el) { return el.checked; }).map(function (el) { return el.value; });
    }
    if (first.type === "radio") {
      var checked = inputs.filter(function (el) { return el.checked; })[0];
      return checked ? checked.value : null;
    }
    var value = first.value.trim();
    if (value === "") {
      return null;
    }
    var amounts = JSON.parse(page.getAttribute("data-amount-fields") || "[]");
    var numeric = first.getAttribute("inputmode") === "numeric" || first.getAttribute("inputmode") === "decimal";
    if (numeric || amounts.indexOf(name) !== -1) {
      var number = parseFloat(value.replace(/[\s\u00a0]/g, "").replace("kr", "").replace(",", "."));
      return isNaN(number) ? value : number;
    }
    return value;
  }

  function lookup(page, row, name) {
    if (row) {
      var group = row.closest("[data-eforms-field]").getAttribute("data-eforms-field");
      var inRow = readValue(row, group + "-" + row.getAttribute("data-eforms-row") + "-" + name, page);
      if (inRow !== undefined) {
        return inRow;
      }
    }
    var here = readValue(page, name, page);
    if (here !== undefined) {
      return here;
    }
    var outside = JSON.parse(page.getAttribute("data-outside-values") || "{}");
    return Object.prototype.hasOwnProperty.call(outside, name) ? outside[name] : null;
  }

  function answered(value) {
    return !(value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length));
  }

  function norm(value) {
    if (value === true) { return "yes"; }
    if (value === false) { return "no"; }
    return String(value);
  }

  function holds(condition, page, row) {
    if (condition.all) {
      return condition.all.every(function (c) { return holds(c, page, row); });
    }
    if (condition.any) {
      return condition.any.some(function (c) { return holds(c, page, row); });
    }
    var value = lookup(page, row, condition.field);
    if ("answered" in condition) {
      return answered(value) === !!condition.answered;
    }
    if (condition.anyOf || condition.noneOf) {
      var wanted = (condition.anyOf || condition.noneOf).map(norm);
      var given = answered(value) ? (Array.isArray(value) ? value : [value]).map(norm) : [];
      var hit = given.some(function (v) { return wanted.indexOf(v) !== -1; });
      return condition.anyOf ? hit : !hit;
    }
    if (typeof value !== "number") {
      return false;
    }
    return "greaterThan" in condition ? value > condition.greaterThan : value < condition.lessThan;
  }

  function apply(page) {
    // Document order: a rule only reads earlier fields, so one pass settles chains.
    page.querySelectorAll("[data-eforms-field]").forEach(function (wrap) {
      var show = wrap.getAttribute("data-show-when");
      var hide = wrap.getAttribute("data-hide-when");
      if (!show && !hide) {
        return;
      }
      var row = wrap.closest("[data-eforms-row]");
      var visible = (!show || holds(JSON.parse(show), page, row)) && !(hide && holds(JSON.parse(hide), page, row));
      wrap.hidden = !visible;
    });
  }

  function applyAll() {
    document.querySelectorAll("[data-eforms-page]").forEach(apply);
  }

  document.addEventListener("change", applyAll);
  document.addEventListener("input", applyAll);
  document.addEventListener("htmx:afterSwap", applyAll);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", applyAll);
  } else {
    applyAll();
  }
})();
