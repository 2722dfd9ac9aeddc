/* The location field's map picker: an enhancement of the latitude/longitude inputs.
 * Uses FixaMinGata's vendored Leaflet (window.L); without it, or without JavaScript, the
 * text inputs stay the way to give a point. No inline code (strict CSP): configuration is
 * read from the data-* attributes of [data-eforms-map] (templates/eforms/fields/location.html).
 * Keyboard: the map is focusable; arrow keys move the pin (Shift: a longer step), + and -
 * zoom; a click also places the pin. Every move updates the inputs and a polite status line;
 * typing valid coordinates moves the pin. */
(function () {
  "use strict";

  var PAN_PIXELS = 10;
  var ZOOM_WITH_POINT = 15;
  var ZOOM_WITHOUT_POINT = 5;

  function round(v) { return Math.round(v * 1e6) / 1e6; }

  function number(text) {
    var value = parseFloat(String(text || "").replace(",", ".").trim());
    return isFinite(value) ? value : null;
  }

  function setUp(box) {
    if (box.getAttribute("data-eforms-map-ready")) { return; }
    box.setAttribute("data-eforms-map-ready", "1");
    var latInput = document.getElementById(box.dataset.latInput);
    var lonInput = document.getElementById(box.dataset.lonInput);
    var node = box.querySelector(".eforms-map");
    var status = box.querySelector(".eforms-map-status");
    if (!latInput || !lonInput || !node || !window.L) { return; }
    box.hidden = false;

    var lat = number(latInput.value);
    var lon = number(lonInput.value);
    var hasPoint = lat !== null && lon !== null && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
    var centre = hasPoint ? [lat, lon] : [number(box.dataset.centreLat) || 62.5, number(box.dataset.centreLon) || 16.5];
    var map = L.map(node, { keyboard: false }).setView(centre, hasPoint ? ZOOM_WITH_POINT : ZOOM_WITHOUT_POINT);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    if (box.dataset.tileUrl) {
      L.tileLayer(box.dataset.tileUrl, { maxZoom: 19, attribution: box.dataset.tileAttribution || "" }).addTo(map);
    }
    var label = box.dataset.markerLabel || "";
    var marker = null;
    var writing = false;

    function show(lat, lon) {
      if (marker) {
        marker.setLatLng([lat, lon]);
      } else {
        marker = L.marker([lat, lon], { draggable: true, keyboard: false, alt: label, title: label }).addTo(map);
        marker.on("dragend", function () {
          var p = marker.getLatLng();
          place(p.lat, p.lng);
        });
      }
    }

    function write(input, value) {
      input.value = String(value);
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function place(lat, lon) {
      lat = round(lat);
      lon = round(L.Util.wrapNum(lon, [-180, 180], true));
      show(lat, lon);
      writing = true;
      write(latInput, lat);
      write(lonInput, lon);
      writing = false;
      if (status && box.dataset.statusText) {
        status.textContent = box.dataset.statusText.replace("%(lat)s", lat).replace("%(lon)s", lon);
      }
    }

    if (hasPoint) { show(lat, lon); }
    map.on("click", function (e) { place(e.latlng.lat, e.latlng.lng); });

    node.addEventListener("keydown", function (e) {
      var dx = 0;
      var dy = 0;
      var step = e.shiftKey ? PAN_PIXELS * 5 : PAN_PIXELS;
      switch (e.key) {
        case "ArrowLeft": dx = -step; break;
        case "ArrowRight": dx = step; break;
        case "ArrowUp": dy = -step; break;
        case "ArrowDown": dy = step; break;
        case "+": case "=": map.zoomIn(); e.preventDefault(); return;
        case "-": case "_": map.zoomOut(); e.preventDefault(); return;
        default: return;
      }
      e.preventDefault();
      var start = marker ? marker.getLatLng() : map.getCenter();
      var point = map.latLngToContainerPoint(start).add([dx, dy]);
      var next = map.containerPointToLatLng(point);
      place(next.lat, next.lng);
      if (!map.getBounds().pad(-0.1).contains(next)) { map.panTo(next); }
    });

    function fromInputs() {
      if (writing) { return; }
      var lat = number(latInput.value);
      var lon = number(lonInput.value);
      if (lat === null || lon === null || Math.abs(lat) > 90 || Math.abs(lon) > 180) { return; }
      show(lat, lon);
      map.panTo([lat, lon]);
    }
    latInput.addEventListener("change", fromInputs);
    lonInput.addEventListener("change", fromInputs);
  }

  function init() {
    document.querySelectorAll("[data-eforms-map]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
