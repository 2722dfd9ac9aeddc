"""Installable web app: manifest and a service worker that caches the page shell only."""

from __future__ import annotations

import json

from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

THEME_COLOUR = "#00557f"

SHELL = [
    "sambruk/app.css",
    "fixamingata/fmg.css",
    "fixamingata/fmg.js",
    "fixamingata/vendor/leaflet/leaflet.css",
    "fixamingata/vendor/leaflet/leaflet.js",
    "fixamingata/vendor/leaflet/images/marker-icon.png",
    "fixamingata/vendor/leaflet/images/marker-icon-2x.png",
    "fixamingata/vendor/leaflet/images/marker-shadow.png",
    "fixamingata/icons/icon-192.png",
]


@require_GET
@cache_control(max_age=3600, public=True)
def manifest(request):
    start = reverse("fixamingata:start")
    data = {
        "name": "FixaMinGata",
        "short_name": "FixaMinGata",
        "description": "Rapportera fel i gatumiljön till din kommun.",
        "lang": "sv",
        "start_url": start,
        "scope": start,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": [
            {
                "src": static(f"fixamingata/icons/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any",
            }
            for size in (192, 512)
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json")


@require_GET
@cache_control(no_cache=True)
def service_worker(request):
    body = render_to_string(
        "fixamingata/sw.js",
        {"shell_json": json.dumps([static(p) for p in SHELL])},
    )
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("fixamingata:start")
    return response
