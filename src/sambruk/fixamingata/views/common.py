"""Helpers shared by the citizen views: map configuration, coordinates, kommun centres."""

from __future__ import annotations

import math
from functools import lru_cache

from django.conf import settings
from django.utils.translation import gettext as _

from sambruk.core.organisations.models import Organisation

from ..errors import ReportError

DEFAULT_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
DEFAULT_TILE_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
)
#: Sweden: the map's initial view when nothing else is known.
SWEDEN_CENTRE = (62.5, 16.5)
NEARBY_RADIUS_M = 250
NEARBY_LIMIT = 5
HONEYPOT_FIELD = "webbplats"


def map_config(**extra) -> dict:
    """Configuration of the Leaflet map, handed to the browser as JSON (json_script)."""
    return {
        "tileUrl": getattr(settings, "FIXAMINGATA_TILE_URL", DEFAULT_TILE_URL),
        "tileAttribution": getattr(
            settings, "FIXAMINGATA_TILE_ATTRIBUTION", DEFAULT_TILE_ATTRIBUTION
        ),
        "geocoderUrl": getattr(settings, "FIXAMINGATA_GEOCODER_URL", ""),
        "centre": list(SWEDEN_CENTRE),
        "zoom": 5,
        **extra,
    }


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def parse_point(lat, lon) -> tuple[float, float]:
    """Two finite floats from query/form values, or ReportError (Swedish)."""
    try:
        flat, flon = float(str(lat).replace(",", ".")), float(str(lon).replace(",", "."))
    except (TypeError, ValueError):
        raise ReportError(
            _("Ange platsen som latitud och longitud."), code="invalid_point"
        ) from None
    if not (math.isfinite(flat) and math.isfinite(flon)) or abs(flat) > 90 or abs(flon) > 180:
        raise ReportError(_("Ange platsen som latitud och longitud."), code="invalid_point")
    return flat, flon


@lru_cache(maxsize=1)
def _kommun_points() -> dict[str, tuple[float, float, tuple[float, float, float, float]]]:
    """kommunkod → (lat, lon of a point inside the kommun, bbox (w, s, e, n))."""
    import shapely

    from sambruk.core.organisations import geo

    index = geo.get_index()
    points = {}
    for code, geom in zip(index.codes, index.geoms, strict=True):
        inner = shapely.point_on_surface(geom)
        w, s, e, n = shapely.bounds(geom)
        points[str(code)] = (round(inner.y, 6), round(inner.x, 6), (w, s, e, n))
    return points


def kommun_point(kommunkod: str):
    """(lat, lon, bbox) of a point inside the kommun, or None."""
    return _kommun_points().get(str(kommunkod or ""))


def kommuner():
    """All kommuner, by name (for select lists)."""
    return Organisation.objects.filter(type="kommun", active=True).order_by("name")


def distance_m(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def box_around(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """(south, west, north, east) of a box containing the circle."""
    dlat = radius_m / 111_320
    dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
    return lat - dlat, lon - dlon, lat + dlat, lon + dlon


def nearby_open(lat: float, lon: float, *, radius_m=NEARBY_RADIUS_M, limit=NEARBY_LIMIT):
    """Open public reports within ``radius_m`` of the point, nearest first."""
    from ..models import OPEN_STATES, Report

    south, west, north, east = box_around(lat, lon, radius_m)
    rows = (
        Report.objects.public()
        .filter(state__in=list(OPEN_STATES), pinpointed=True)
        .in_bbox(south, west, north, east)
        .select_related("category")
        .order_by("-created_at")[:200]
    )
    found = []
    for r in rows:
        d = distance_m(lat, lon, r.lat, r.lon)
        if d <= radius_m:
            r.distance_m = round(d)
            found.append(r)
    found.sort(key=lambda r: r.distance_m)
    return found[:limit]
