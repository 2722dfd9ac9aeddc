"""Start page, browsing all reports (map + list with filters) and the per-kommun pages."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sambruk.core.organisations.models import Organisation

from .. import routing
from ..models import CLOSED_STATES, FIXED_STATES, OPEN_STATES, Category, Report
from .api import AGE_DAYS, filtered_reports
from .common import kommun_point, kommuner, map_config

PAGE_SIZE = 50
STATUS_CHOICES = [
    ("", _("Alla")),
    ("open", _("Öppna")),
    ("fixed", _("Åtgärdade")),
    ("closed", _("Stängda")),
]
AGE_CHOICES = [
    ("", _("Alla")),
    ("7", _("Senaste veckan")),
    ("30", _("Senaste månaden")),
    ("90", _("Senaste tre månaderna")),
    ("365", _("Senaste året")),
]


def _urls() -> dict:
    return {
        "pinsUrl": reverse("fixamingata:pins"),
        "searchUrl": reverse("fixamingata:search"),
        "reportUrl": reverse("fixamingata:new_report"),
    }


def start(request):
    recent = (
        Report.objects.public()
        .select_related("kommun", "category")
        .order_by("-confirmed_at", "-pk")[:8]
    )
    return render(
        request,
        "fixamingata/start.html",
        {
            "recent": recent,
            "counts": {
                "open": Report.objects.public().filter(state__in=list(OPEN_STATES)).count(),
                "fixed": Report.objects.public().filter(state__in=list(FIXED_STATES)).count(),
            },
            "map_config": map_config(mode="start", **_urls()),
        },
    )


def _category_names(kommun) -> list[str]:
    """The category filter's choices: on a kommun's page the categories offered there (its
    body's and the national bodies', e.g. Trafikverket's road category); nationwide only the
    categories that have public reports (one index probe per category)."""
    if kommun is not None:
        names = {c.name for c in routing.categories_for_kommun(kommun)}
    else:
        names = set(
            Category.objects.filter(active=True, body__active=True)
            .filter(Exists(Report.objects.public().filter(category_id=OuterRef("pk"))))
            .values_list("name", flat=True)
        )
    return sorted(names, key=str.lower)


def _filters(request, *, kommun=None):
    params = request.GET
    chosen_kommun = kommun
    if kommun is None and params.get("kommun", "").strip():
        chosen_kommun = routing.kommun_by_code(params["kommun"].strip())
        if chosen_kommun is not None and chosen_kommun.type != "kommun":
            chosen_kommun = None
    names = _category_names(chosen_kommun)
    category = params.get("category", "")
    if category and category not in names:
        names.append(category)  # keep the current choice visible
    return {
        "status": params.get("status", ""),
        "category": category,
        "kommun": kommun.kommunkod if kommun else params.get("kommun", ""),
        "age": params.get("age", "") if params.get("age", "") in AGE_DAYS else "",
        "status_choices": STATUS_CHOICES,
        "age_choices": AGE_CHOICES,
        "category_choices": names,
        "kommun_choices": [] if kommun else [(k.kommunkod, k.name) for k in kommuner()],
    }


def _browse(request, *, kommun=None, template="fixamingata/browse.html", extra=None):
    qs = (
        filtered_reports(request.GET, kommun=kommun)
        .select_related("kommun", "category")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("sida"))
    query = request.GET.copy()
    query.pop("sida", None)
    config = map_config(mode="browse", **_urls())
    if kommun is not None:
        point = kommun_point(kommun.kommunkod)
        if point:
            west, south, east, north = point[2]
            config.update(bounds=[[south, west], [north, east]], kommun=kommun.kommunkod)
    return render(
        request,
        template,
        {
            "page": page,
            "reports": page.object_list,
            "filters": _filters(request, kommun=kommun),
            "query": query.urlencode(),
            "kommun": kommun,
            "map_config": config,
            **(extra or {}),
        },
    )


def browse(request):
    return _browse(request)


def kommun_page(request, kommunkod):
    kommun = get_object_or_404(Organisation, type="kommun", kommunkod=kommunkod)
    public = Report.objects.public().filter(kommun=kommun)
    stats = {
        "open": public.filter(state__in=list(OPEN_STATES)).count(),
        "fixed": public.filter(state__in=list(FIXED_STATES)).count(),
        "closed": public.filter(state__in=list(CLOSED_STATES)).count(),
    }
    return _browse(
        request, kommun=kommun, template="fixamingata/kommun.html", extra={"stats": stats}
    )
