"""JSON endpoints of the public map: place search, categories at a point, nearby reports, pins."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ..attributes import definition
from ..errors import ReportError
from ..models import CLOSED_STATES, FIXED_STATES, OPEN_STATES, PUBLIC_STATES, Report, ReportState
from ..routing import categories_for_point, kommun_for_point
from .common import kommun_point, kommuner, nearby_open, parse_point

MAX_PINS = 500
SEARCH_LIMIT = 10
STATUS_GROUPS = {
    "open": OPEN_STATES,
    "fixed": FIXED_STATES,
    "closed": CLOSED_STATES,
}
AGE_DAYS = {"7": 7, "30": 30, "90": 90, "365": 365}


def _error(message, code="invalid", status=400) -> JsonResponse:
    return JsonResponse({"error": str(message), "code": code}, status=status)


def pin_colour(state: str) -> str:
    if state in FIXED_STATES:
        return "fixed"
    if state in CLOSED_STATES:
        return "closed"
    return "open"


@require_GET
def search(request):
    """Place search without an external geocoder: kommun names and streets of reports."""
    q = " ".join(request.GET.get("q", "").split())[:100]
    if len(q) < 2:
        return JsonResponse({"query": q, "results": []})
    results = []
    for org in kommuner().filter(name__icontains=q)[:SEARCH_LIMIT]:
        point = kommun_point(org.kommunkod)
        if point is None:
            continue
        lat, lon, (w, s, e, n) = point
        results.append(
            {"label": org.name, "kind": "kommun", "lat": lat, "lon": lon, "bbox": [w, s, e, n]}
        )
    seen = set()
    rows = (
        Report.objects.public()
        .filter(Q(address_string__icontains=q) | Q(title__icontains=q))
        .values("address_string", "title", "lat", "lon", "kommun__name")
        .order_by("-created_at")[:50]
    )
    for row in rows:
        label = row["address_string"] or row["title"]
        key = label.strip().lower()
        if key in seen:
            continue
        seen.add(key)
        results.append(
            {
                "label": f"{label}, {row['kommun__name']}",
                "kind": "gata",
                "lat": row["lat"],
                "lon": row["lon"],
            }
        )
        if len(results) >= SEARCH_LIMIT * 2:
            break
    return JsonResponse({"query": q, "results": results})


def category_json(cat) -> dict:
    return {
        "id": cat.pk,
        "name": cat.name,
        "group": cat.group,
        "body": cat.body.name,
        "national": cat.body.national,
        "attributes": definition(cat),
    }


@require_GET
def categories(request):
    try:
        lat, lon = parse_point(request.GET.get("lat"), request.GET.get("lon"))
        kommun = kommun_for_point(lat, lon)
        cats = categories_for_point(lat, lon)
    except ReportError as error:
        return _error(error, error.code)
    return JsonResponse(
        {
            "kommun": {"name": kommun.name, "kommunkod": kommun.kommunkod},
            "categories": [category_json(c) for c in cats],
            "message": "" if cats else _("Ingen mottagare tar emot rapporter här ännu."),
        }
    )


@require_GET
def nearby(request):
    try:
        lat, lon = parse_point(request.GET.get("lat"), request.GET.get("lon"))
    except ReportError as error:
        return _error(error, error.code)
    reports = [
        {
            "id": r.pk,
            "title": r.title,
            "category": r.category.name,
            "state": r.state,
            "state_label": str(ReportState(r.state).label),
            "distance_m": r.distance_m,
            "created_at": r.created_at.isoformat(),
            "url": reverse("fixamingata:report", kwargs={"pk": r.pk}),
        }
        for r in nearby_open(lat, lon)
    ]
    return JsonResponse({"reports": reports})


def filtered_reports(params, *, kommun=None):
    """Public reports filtered by status, category (name), kommun (kommunkod) and age."""
    qs = Report.objects.public()
    status = params.get("status", "")
    if status in STATUS_GROUPS:
        qs = qs.filter(state__in=list(STATUS_GROUPS[status]))
    elif status in PUBLIC_STATES:
        qs = qs.filter(state=status)
    category = params.get("category", "").strip()
    if category:
        qs = qs.filter(category__name=category)
    if kommun is not None:
        qs = qs.filter(kommun=kommun)
    elif params.get("kommun", "").strip():
        qs = qs.filter(kommun__kommunkod=params["kommun"].strip())
    days = AGE_DAYS.get(params.get("age", ""))
    if days:
        qs = qs.filter(created_at__gte=timezone.now() - timedelta(days=days))
    return qs


def parse_bbox(raw: str):
    try:
        west, south, east, north = (float(v) for v in raw.split(","))
    except (AttributeError, ValueError):
        raise ReportError(
            _("Ange bbox som minlon,minlat,maxlon,maxlat."), code="invalid_bbox"
        ) from None
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise ReportError(_("Ange bbox som minlon,minlat,maxlon,maxlat."), code="invalid_bbox")
    return south, west, north, east


@require_GET
def pins(request):
    """Pins for the map viewport: at most 500, one query over the (lat, lon) index."""
    try:
        south, west, north, east = parse_bbox(request.GET.get("bbox", ""))
    except ReportError as error:
        return _error(error, error.code)
    # Address-only reports (pinpointed false) sit on the kommun's point, not at the fault.
    qs = (
        filtered_reports(request.GET)
        .in_bbox(south, west, north, east)
        .filter(pinpointed=True)
        .order_by()
    )
    rows = list(qs.values_list("pk", "lat", "lon", "title", "state")[: MAX_PINS + 1])
    truncated = len(rows) > MAX_PINS
    base = reverse("fixamingata:report", kwargs={"pk": 0})[:-2]
    return JsonResponse(
        {
            "pins": [
                {
                    "id": pk,
                    "lat": lat,
                    "lon": lon,
                    "title": title,
                    "state": pin_colour(state),
                    "url": f"{base}{pk}/",
                }
                for pk, lat, lon, title, state in rows[:MAX_PINS]
            ],
            "truncated": truncated,
        }
    )


def kommun_centre(kommunkod):
    point = kommun_point(kommunkod)
    return (point[0], point[1]) if point else None
