/* FixaMinGata citizen pages: map, place search, pin → categories → nearby reports, pins.
 * Progressive enhancement: every form works without this script. No inline code (strict CSP):
 * configuration comes from the JSON block #fmg-config. */
(function () {
  "use strict";

  // UI strings go through Django's JavaScript catalog (/jsi18n/, loaded before this file);
  // without it the Swedish source strings are shown.
  var gettext = window.gettext || function (text) { return text; };
  var ngettext = window.ngettext || function (one, many, n) { return n === 1 ? one : many; };
  var interpolate = window.interpolate || function (fmt, obj) {
    return fmt.replace(/%\((\w+)\)s/g, function (_m, key) { return String(obj[key]); });
  };
  function fmt(text, values) { return interpolate(text, values, true); }

  var script = document.currentScript;
  var cfgEl = document.getElementById("fmg-config");
  var cfg = cfgEl ? JSON.parse(cfgEl.textContent) : {};
  var map = null;
  var pin = null;
  var pinLayer = null;

  function byId(id) { return document.getElementById(id); }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) {
        return r.json().then(function (data) {
          if (!r.ok) { var e = new Error(data.error || r.statusText); e.data = data; throw e; }
          return data;
        });
      });
  }

  function qs(params) {
    return Object.keys(params).map(function (k) {
      return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]);
    }).join("&");
  }

  function round(v) { return Math.round(v * 1e6) / 1e6; }

  // --- service worker (shell cache) ------------------------------------------------------
  if (script && script.dataset.sw && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(script.dataset.sw, { scope: script.dataset.scope }).catch(function () {});
  }

  // --- map ---------------------------------------------------------------------------------
  function initMap() {
    var node = byId("fmg-map");
    if (!node || !window.L) { return; }
    map = L.map(node, { zoomControl: false }).setView(cfg.centre, cfg.zoom);
    L.control.zoom({ zoomInTitle: gettext("Zooma in"), zoomOutTitle: gettext("Zooma ut") }).addTo(map);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    if (cfg.tileUrl) {
      L.tileLayer(cfg.tileUrl, { maxZoom: 19, attribution: cfg.tileAttribution }).addTo(map);
    }
    if (cfg.bounds) { map.fitBounds(cfg.bounds); }
    if (cfg.pin) { setPin(cfg.pin[0], cfg.pin[1]); }
    if (cfg.mode === "start" || cfg.mode === "report") {
      map.on("click", function (e) { placePin(e.latlng.lat, e.latlng.lng); });
    }
    if (cfg.mode === "start" || cfg.mode === "browse") {
      pinLayer = L.layerGroup().addTo(map);
      map.on("moveend", loadPins);
      loadPins();
    }
  }

  function setPin(lat, lon) {
    if (!map) { return; }
    if (pin) {
      pin.setLatLng([lat, lon]);
    } else {
      pin = L.marker([lat, lon], {
        draggable: cfg.mode !== "show", alt: gettext("Felets plats"), title: gettext("Felets plats"), keyboard: false
      }).addTo(map);
      pin.on("dragend", function () {
        var p = pin.getLatLng();
        placePin(p.lat, p.lng);
      });
    }
  }

  function placePin(lat, lon) {
    lat = round(lat); lon = round(lon);
    setPin(lat, lon);
    if (cfg.mode === "start") {
      var panel = byId("fmg-pin-panel");
      var link = byId("fmg-report-here");
      if (panel && link) {
        link.href = cfg.reportUrl + "?" + qs({ lat: lat, lon: lon });
        byId("fmg-pin-text").textContent = fmt(gettext("Du har satt en nål på kartan (%(lat)s, %(lon)s)."), { lat: lat, lon: lon });
        panel.hidden = false;
      }
    } else if (cfg.mode === "report") {
      choosePlace(lat, lon);
    }
  }

  // --- report form: categories and nearby reports for the pin ----------------------------
  function setValue(selector, value) {
    document.querySelectorAll(selector).forEach(function (input) { input.value = value; });
  }

  function choosePlace(lat, lon) {
    setValue('#fmg-report-form input[name="lat"], #plats_lat', lat);
    setValue('#fmg-report-form input[name="lon"], #plats_lon', lon);
    var status = byId("fmg-location");
    status.textContent = gettext("Hämtar kategorier för platsen …");
    getJSON(cfg.categoriesUrl + "?" + qs({ lat: lat, lon: lon }))
      .then(function (data) {
        status.textContent = fmt(gettext("Platsen ligger i %(kommun)s."), { kommun: data.kommun.name }) + (data.message ? " " + data.message : "");
        fillCategories(data.categories);
      })
      .catch(function (err) {
        status.textContent = "";
        status.appendChild(el("strong", { "class": "error-message" }, err.message));
        fillCategories([]);
      });
    getJSON(cfg.nearbyUrl + "?" + qs({ lat: lat, lon: lon })).then(function (data) {
      showNearby(data.reports);
    }).catch(function () {});
  }

  function fillCategories(categories) {
    var select = document.querySelector('#fmg-report-form select[name="category"]');
    if (!select) { return; }
    var current = select.value;
    while (select.options.length > 1) { select.remove(1); }
    categories.forEach(function (c) {
      var label = c.national ? c.name + " (" + c.body + ")" : c.name;
      var option = el("option", { value: String(c.id) }, label);
      if (String(c.id) === current) { option.selected = true; }
      select.appendChild(option);
    });
    var box = byId("fmg-attributes");
    box.textContent = "";
    categories.forEach(function (c) {
      if (c.attributes && c.attributes.length) { box.appendChild(attributeFieldset(c)); }
    });
    toggleAttributes();
  }

  function attributeFieldset(c) {
    var fs = el("fieldset", { "class": "fmg-attrs", "data-category": String(c.id) });
    fs.appendChild(el("legend", {}, fmt(gettext("Frågor om %(category)s"), { category: c.name })));
    c.attributes.forEach(function (a) {
      if (a.variable === false) { return; }
      var name = "attr-" + c.id + "-" + a.code;
      var text = (a.description || a.code) + (a.required ? " *" : "");
      if (a.datatype === "multivaluelist") {
        var group = el("fieldset", { "class": "field" });
        group.appendChild(el("legend", {}, text));
        (a.values || []).forEach(function (v, i) {
          var row = el("div", { "class": "fmg-check" });
          row.appendChild(el("input", { type: "checkbox", name: name, id: name + "-" + (i + 1), value: v.key }));
          row.appendChild(el("label", { "for": name + "-" + (i + 1) }, v.name));
          group.appendChild(row);
        });
        fs.appendChild(group);
        return;
      }
      var field = el("div", { "class": "field" });
      field.appendChild(el("label", { "for": name }, text));
      var input;
      if (a.datatype === "singlevaluelist") {
        input = el("select", { name: name, id: name });
        input.appendChild(el("option", { value: "" }, gettext("Välj")));
        (a.values || []).forEach(function (v) { input.appendChild(el("option", { value: v.key }, v.name)); });
      } else if (a.datatype === "text") {
        input = el("textarea", { name: name, id: name, rows: "3" });
      } else {
        input = el("input", { type: a.datatype === "datetime" ? "datetime-local" : "text", name: name, id: name });
      }
      if (a.datatype_description) {
        field.appendChild(el("p", { "class": "hint", id: name + "-hint" }, a.datatype_description));
        input.setAttribute("aria-describedby", name + "-hint");
      }
      field.appendChild(input);
      fs.appendChild(field);
    });
    return fs;
  }

  function toggleAttributes() {
    var select = document.querySelector('#fmg-report-form select[name="category"]');
    if (!select) { return; }
    document.querySelectorAll(".fmg-attrs").forEach(function (fs) {
      fs.hidden = fs.getAttribute("data-category") !== select.value;
    });
  }

  function showNearby(reports) {
    var box = byId("fmg-nearby");
    if (!box) { return; }
    box.textContent = "";
    if (!reports.length) {
      box.appendChild(el("p", {}, gettext("Inga öppna rapporter i närheten.")));
      return;
    }
    var list = el("ul", { "class": "fmg-list" });
    reports.forEach(function (r) {
      var li = el("li");
      li.appendChild(el("a", { href: r.url }, r.title));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("span", { "class": "muted" }, fmt(gettext("%(category)s, %(distance)s m bort, %(state)s"), { category: r.category, distance: r.distance_m, state: r.state_label })));
      list.appendChild(li);
    });
    box.appendChild(list);
  }

  // --- pins for the viewport ---------------------------------------------------------------
  var pinRequest = 0;
  function loadPins() {
    if (!map || !cfg.pinsUrl) { return; }
    var b = map.getBounds();
    var params = { bbox: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(5); }).join(",") };
    var filters = byId("fmg-filters");
    if (filters) {
      new FormData(filters).forEach(function (value, key) { if (value) { params[key] = value; } });
    }
    var mine = ++pinRequest;
    getJSON(cfg.pinsUrl + "?" + qs(params)).then(function (data) {
      if (mine !== pinRequest) { return; }
      pinLayer.clearLayers();
      data.pins.forEach(function (p) {
        var colour = p.state === "fixed" ? "#1e6b2e" : (p.state === "closed" ? "#6b6b6b" : "#c0392b");
        var marker = L.circleMarker([p.lat, p.lon], { radius: 7, color: "#1b1b1b", weight: 2, fillColor: colour, fillOpacity: 0.9 });
        var popup = el("a", { href: p.url }, p.title);
        marker.bindPopup(popup);
        pinLayer.addLayer(marker);
      });
      var status = byId("fmg-pins-status");
      if (status) {
        status.textContent = data.truncated
          ? gettext("Kartan visar 500 rapporter. Zooma in för att se alla.")
          : fmt(ngettext("%(n)s rapport på kartan.", "%(n)s rapporter på kartan.", data.pins.length), { n: data.pins.length });
      }
    }).catch(function () {});
  }

  // --- place search -------------------------------------------------------------------------
  function geocode(q) {
    if (!cfg.geocoderUrl) { return Promise.reject(new Error("no geocoder")); }
    var sep = cfg.geocoderUrl.indexOf("?") === -1 ? "?" : "&";
    return fetch(cfg.geocoderUrl + sep + qs({ q: q, format: "json", countrycodes: "se", limit: 5 }))
      .then(function (r) { if (!r.ok) { throw new Error(r.statusText); } return r.json(); })
      .then(function (rows) {
        if (!rows.length) { throw new Error("no results"); }
        return rows.map(function (row) {
          return { label: row.display_name, lat: parseFloat(row.lat), lon: parseFloat(row.lon) };
        });
      });
  }

  function localSearch(q) {
    return getJSON(cfg.searchUrl + "?" + qs({ q: q })).then(function (data) { return data.results; });
  }

  function initSearch() {
    var form = byId("fmg-search");
    if (!form || !map || !cfg.searchUrl) { return; }
    var status = byId("fmg-search-status");
    var list = byId("fmg-search-results");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var q = form.elements.q.value.trim();
      if (q.length < 2) { status.textContent = gettext("Skriv minst två tecken."); return; }
      status.textContent = gettext("Söker …");
      list.textContent = "";
      geocode(q).catch(function () { return localSearch(q); }).then(function (results) {
        status.textContent = results.length
          ? fmt(ngettext("%(n)s träff. Välj en plats.", "%(n)s träffar. Välj en plats.", results.length), { n: results.length })
          : gettext("Hittade ingen plats som heter så.");
        results.forEach(function (r) {
          var li = el("li");
          var button = el("button", { type: "button" }, r.label);
          button.addEventListener("click", function () {
            if (r.bbox) {
              map.fitBounds([[r.bbox[1], r.bbox[0]], [r.bbox[3], r.bbox[2]]]);
            } else {
              map.setView([r.lat, r.lon], 16);
            }
            if (cfg.mode === "start" || cfg.mode === "report") { placePin(r.lat, r.lon); }
            list.textContent = "";
            status.textContent = fmt(gettext("Vald plats: %(place)s."), { place: r.label });
          });
          li.appendChild(button);
          list.appendChild(li);
        });
      }).catch(function () { status.textContent = gettext("Sökningen misslyckades. Försök igen."); });
    });
  }

  function initCategoryToggle() {
    var select = document.querySelector('#fmg-report-form select[name="category"]');
    if (select) {
      select.addEventListener("change", toggleAttributes);
      toggleAttributes();
    }
  }

  initMap();
  initSearch();
  initCategoryToggle();
  var filters = byId("fmg-filters");
  if (filters && map) {
    filters.addEventListener("change", loadPins);
  }
})();
