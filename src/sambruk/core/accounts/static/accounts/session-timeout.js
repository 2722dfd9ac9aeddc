// Citizen idle timeout warning: opens an accessible dialog before the session expires and
// lets the user extend it (POST to the ping endpoint). No inline script: CSP is strict.
(function () {
  "use strict";
  var dialog = document.getElementById("eleg-timeout");
  if (!dialog) return;
  var left = parseInt(dialog.getAttribute("data-seconds-left"), 10);
  var warning = parseInt(dialog.getAttribute("data-warning-seconds"), 10);
  var pingUrl = dialog.getAttribute("data-ping-url");
  var csrf = dialog.getAttribute("data-csrf-token");
  var button = dialog.querySelector("[data-eleg-extend]");
  var previousFocus = null;
  var warnTimer = null;
  var expireTimer = null;

  function schedule(secondsLeft) {
    clearTimeout(warnTimer);
    clearTimeout(expireTimer);
    warnTimer = setTimeout(open, Math.max(0, secondsLeft - warning) * 1000);
    expireTimer = setTimeout(function () { window.location.reload(); }, (secondsLeft + 1) * 1000);
  }

  function open() {
    previousFocus = document.activeElement;
    dialog.hidden = false;
    button.focus();
  }

  function close() {
    dialog.hidden = true;
    if (previousFocus && previousFocus.focus) previousFocus.focus();
  }

  button.addEventListener("click", function () {
    fetch(pingUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) { window.location.reload(); return null; }
      return response.json();
    }).then(function (data) {
      if (data) { close(); schedule(data.seconds_left); }
    });
  });

  dialog.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { button.click(); }
    if (event.key === "Tab") { event.preventDefault(); button.focus(); }
  });

  if (!isNaN(left) && !isNaN(warning)) schedule(left);
})();
