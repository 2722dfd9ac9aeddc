// BankID animated QR code: reload the SVG every second and poll the order status every
// 2 seconds while it is pending (BankID's rule). Markup: <img data-bankid-qr="URL">
// and <p data-bankid-status="URL" aria-live="polite">. Without data-bankid-status (the log-in
// page polls with htmx) only the QR code is animated. No inline script: CSP is strict.
(function () {
  "use strict";
  var img = document.querySelector("[data-bankid-qr]");
  var status = document.querySelector("[data-bankid-status]");
  if (!img) return;
  var qrUrl = img.getAttribute("data-bankid-qr");
  var done = false;
  var qrTimer = setInterval(function () {
    if (done || !document.body.contains(img)) { clearInterval(qrTimer); return; }
    img.src = qrUrl + "?t=" + Date.now();
  }, 1000);
  if (!status) return;
  var statusUrl = status.getAttribute("data-bankid-status");
  function poll() {
    fetch(statusUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (data.message) status.textContent = data.message;
        if (data.status === "pending") { setTimeout(poll, 2000); return; }
        done = true;
        img.hidden = true;
        var form = document.querySelector("[data-bankid-done]");
        if (data.status === "complete" && form) form.submit();
      });
  }
  setTimeout(poll, 2000);
})();
