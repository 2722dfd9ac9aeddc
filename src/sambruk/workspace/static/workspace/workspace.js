/* Keyboard shortcuts and small helpers of the caseworker workspace.
 * Documented on /arenden/hjalp/. No dependencies; htmx is optional. */
(function () {
  "use strict";

  function inField(target) {
    if (!target) return false;
    var tag = target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
  }

  function follow(selector) {
    var link = document.querySelector(selector);
    if (link) { window.location.href = link.href; }
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("tr[data-row] a.row-link"));
  }

  function moveRow(step) {
    var links = rows();
    if (!links.length) return;
    var index = links.indexOf(document.activeElement);
    var next = index === -1 ? (step > 0 ? 0 : links.length - 1) : index + step;
    next = Math.max(0, Math.min(links.length - 1, next));
    links[next].focus();
  }

  function clickAction(name) {
    var el = document.querySelector('[data-action="' + name + '"]');
    if (el) { el.click(); return true; }
    return false;
  }

  var pendingG = false;
  var pendingTimer = null;

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || inField(event.target)) return;
    var key = event.key;
    if (pendingG) {
      pendingG = false;
      clearTimeout(pendingTimer);
      var targets = { i: "inbox", m: "mine", u: "drafts", n: "create" };
      if (targets[key]) {
        event.preventDefault();
        follow('.ws-nav a[data-shortcut="' + targets[key] + '"]');
      }
      return;
    }
    switch (key) {
      case "g":
        pendingG = true;
        pendingTimer = setTimeout(function () { pendingG = false; }, 1500);
        break;
      case "/":
        event.preventDefault();
        var search = document.querySelector("#id_text, input[type=search]");
        if (search) { search.focus(); } else { follow('.ws-nav a[data-shortcut="search"]'); }
        break;
      case "j": event.preventDefault(); moveRow(1); break;
      case "k": event.preventDefault(); moveRow(-1); break;
      case "x":
        var row = document.activeElement && document.activeElement.closest("tr[data-row]");
        var box = row && row.querySelector("input[data-select]");
        if (box) { event.preventDefault(); box.checked = !box.checked; }
        break;
      case "a": if (clickAction("assign")) event.preventDefault(); break;
      case "n": if (clickAction("add_note")) event.preventDefault(); break;
      case "?": event.preventDefault(); follow('.ws-nav a[data-shortcut="help"]'); break;
      default: break;
    }
  });

  // "Markera alla" in bulk lists.
  document.addEventListener("change", function (event) {
    if (!event.target.matches("input[data-select-all]")) return;
    var table = event.target.closest("table");
    table.querySelectorAll("input[data-select]").forEach(function (box) {
      box.checked = event.target.checked;
    });
  });

  // Move focus to an error summary or a newly loaded action form.
  function focusNew(root) {
    var target = root.querySelector("[data-autofocus]") ||
      (root.id === "action-panel" ? root.querySelector("input:not([type=hidden]), select, textarea, button") : null);
    if (target) { target.focus(); }
  }
  document.addEventListener("DOMContentLoaded", function () { focusNew(document); });
  document.addEventListener("htmx:afterSwap", function (event) { focusNew(event.detail.target); });
})();
