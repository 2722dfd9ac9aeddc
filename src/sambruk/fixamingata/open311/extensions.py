"""Extensions to GeoReport v2 kept apart from the spec-pure core (hooks).

Each hook of :data:`REQUEST_LIST_FILTERS` takes ``(params, queryset)`` and returns the
queryset, narrowed; each of :data:`REQUEST_DECORATORS` takes ``params`` once per request and
returns None (not asked for) or a function ``(row, item)`` that may add fields to one output
request (so a 1000-request list does not re-read the parameters per row). The core applies
them in order. A filter hook may name the parameters it reads in a ``parameters`` attribute:
it is then called only when one of them is given, and a list without any runs the statement
compiled once per process (``queries._list_statement``).

* ``lat``/``long``/``radius`` (metres, default 1000, at most 50 km): requests near a point
  (the Chicago/6aika extension). The distance is the equirectangular approximation, exact
  to well under 1 % at these distances, computed in SQL so paging stays right.
* ``extensions=true`` (Open311 wiki): ``extended_attributes`` with the mySociety extended
  status, the title and the detail.
* ``page``/``page_size`` live in :func:`..params.paging`.
"""

from __future__ import annotations

import math

from django.db.models import ExpressionWrapper, F, FloatField, Value
from django.utils.translation import gettext as _

from ..states import open311_extended_status
from .errors import BadRequest

METRES_PER_DEGREE = 111_320.0
DEFAULT_RADIUS = 1000.0
MAX_RADIUS = 50_000.0


def near_point(params, queryset):
    lat = params.number("lat", lo=-90, hi=90)
    lon = params.number("long", lo=-180, hi=180)
    radius = params.number("radius", lo=1, hi=MAX_RADIUS)
    if lat is None and lon is None:
        if radius is not None:
            raise BadRequest(_("radius kräver lat och long."))
        return queryset
    if lat is None or lon is None:
        raise BadRequest(_("Ange både lat och long."))
    radius = radius or DEFAULT_RADIUS
    dlat = radius / METRES_PER_DEGREE
    kx = METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01)
    dlon = radius / kx
    dy = (F("lat") - Value(lat)) * Value(METRES_PER_DEGREE)
    dx = (F("lon") - Value(lon)) * Value(kx)
    return (
        queryset.filter(
            lat__gte=lat - dlat, lat__lte=lat + dlat, lon__gte=lon - dlon, lon__lte=lon + dlon
        )
        .alias(d2=ExpressionWrapper(dy * dy + dx * dx, output_field=FloatField()))
        .filter(d2__lte=radius * radius)
    )


near_point.parameters = ("lat", "long", "radius")


def extended_attributes(params):
    if (params.get("extensions") or "").lower() != "true":
        return None

    def decorate(row, item) -> None:
        item["extended_attributes"] = {
            "status": open311_extended_status(row["state"]),
            "title": row["title"],
            "detail": row["detail"],
        }

    return decorate


REQUEST_LIST_FILTERS = [near_point]
REQUEST_DECORATORS = [extended_attributes]
