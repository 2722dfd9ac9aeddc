"""Which bodies receive a report at a point, and which categories are offered there.

A point is routed by kommun boundary (:func:`sambruk.core.organisations.geo.kommun_at`): the
kommun's active body, plus every active *national* body (Trafikverket, for state roads).
When several of those bodies offer a category with the same name, one is kept: the one
marked ``prefer_if_multiple``, else the kommun's.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from sambruk.core.organisations import geo
from sambruk.core.organisations.models import Organisation

from .errors import ReportError
from .models import Body, Category

OUTSIDE_SWEDEN = N_("Platsen ligger inte i någon svensk kommun.")

#: Seconds routing data (kommun by code, bodies and categories per kommun) is kept in
#: process. A change made in this process clears it at once (signals); other processes see
#: it within this many seconds.
CACHE_SECONDS = 30.0
_cache: dict[tuple, tuple[float, object]] = {}
_lock = threading.Lock()


def clear_cache(*_args, **_kwargs) -> None:
    with _lock:
        _cache.clear()


def _cached(key: tuple, load):
    now = time.monotonic()
    hit = _cache.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    value = load()
    with _lock:
        if len(_cache) > 5000:
            _cache.clear()
        _cache[key] = (now + CACHE_SECONDS, value)
    return value


for _model in (Body, Category, Organisation):
    post_save.connect(clear_cache, sender=_model, dispatch_uid=f"fmg-routing-{_model.__name__}")
    post_delete.connect(clear_cache, sender=_model, dispatch_uid=f"fmg-routing-d-{_model.__name__}")


@dataclass
class Location:
    kommun: Organisation
    bodies: list[Body] = field(default_factory=list)


def kommun_for_point(lat, lon) -> Organisation:
    """The kommun at the point; ReportError (Swedish) at sea, abroad or for bad input."""
    try:
        code = geo.kommun_at(lat, lon)
    except ValueError as error:
        raise ReportError(str(error), code="invalid_coordinates") from None
    kommun = kommun_by_code(code) if code else None
    if kommun is None:
        raise ReportError(_(OUTSIDE_SWEDEN), code="outside_sweden")
    return kommun


def kommun_by_code(code: str) -> Organisation | None:
    """The kommun with this kommunkod (cached like the rest of the routing data)."""
    return _cached(("kommun", code), lambda: Organisation.objects.filter(kommunkod=code).first())


def bodies_for_kommun(kommun: Organisation) -> list[Body]:
    """The kommun's active body (if it takes part) and the active national bodies."""
    return list(_cached(("bodies", kommun.pk), lambda: _load_bodies(kommun)))


def _load_bodies(kommun: Organisation) -> list[Body]:
    bodies = list(
        Body.objects.filter(active=True, organisation=kommun, national=False).order_by("pk")[:1]
    )
    bodies += list(Body.objects.filter(active=True, national=True).order_by("name", "pk"))
    return bodies


def locate(lat, lon) -> Location:
    kommun = kommun_for_point(lat, lon)
    return Location(kommun=kommun, bodies=bodies_for_kommun(kommun))


def bodies_for_point(lat, lon) -> list[Body]:
    """Bodies receiving reports at the point: the kommun's, then national ones."""
    return locate(lat, lon).bodies


def categories_for_bodies(bodies: list[Body]) -> list[Category]:
    key = ("categories", tuple(b.pk for b in bodies))
    return list(_cached(key, lambda: _load_categories(bodies)))


def _load_categories(bodies: list[Body]) -> list[Category]:
    cats = list(
        Category.objects.filter(body__in=bodies, active=True)
        .select_related("body")
        .order_by("group", "order", "name", "pk")
    )
    by_name: dict[str, list[Category]] = {}
    for cat in cats:
        by_name.setdefault(cat.name.strip().lower(), []).append(cat)
    keep = set()
    for group in by_name.values():
        if len(group) == 1:
            keep.add(group[0].pk)
            continue
        preferred = [c for c in group if c.prefer_if_multiple]
        local = [c for c in group if not c.body.national]
        keep.add((preferred or local or group)[0].pk)
    return [c for c in cats if c.pk in keep]


def report_labels() -> tuple[dict[int, tuple[str, str]], dict[int, str]]:
    """({category id: (service_code, name)}, {body id: name}) of every category and body,
    for Open311 lists: looked up in Python instead of joined in each list query (the join
    hashed the whole category table for every request)."""
    return _cached(("labels",), _load_labels)


def fresh_report_labels() -> tuple[dict[int, tuple[str, str]], dict[int, str]]:
    """:func:`report_labels` reloaded now (a category made in another process)."""
    labels = _load_labels()
    with _lock:
        _cache[("labels",)] = (time.monotonic() + CACHE_SECONDS, labels)
    return labels


def _load_labels():
    categories = {
        pk: (code, name) for pk, code, name in Category.objects.values_list("pk", "code", "name")
    }
    bodies = dict(Body.objects.values_list("pk", "name"))
    return categories, bodies


def categories_for_kommun(kommun: Organisation) -> list[Category]:
    """Categories offered anywhere in ``kommun`` (also the Open311 service list)."""
    return categories_for_bodies(bodies_for_kommun(kommun))


def categories_for_point(lat, lon) -> list[Category]:
    """Categories offered at the point (ReportError outside Sweden)."""
    return categories_for_bodies(bodies_for_point(lat, lon))


def category_for_service_code(kommun: Organisation, service_code: str) -> Category | None:
    """The offered category with this Open311 ``service_code`` in ``kommun`` (or None)."""
    for cat in categories_for_kommun(kommun):
        if cat.code == service_code:
            return cat
    return None


def check_category_at_point(category: Category, lat, lon) -> Location:
    """The location, if ``category`` is offered there; else ReportError."""
    location = locate(lat, lon)
    if category is None:
        raise ReportError(_("Välj en kategori."), code="category_required")
    offered = {c.pk for c in categories_for_bodies(location.bodies)}
    if category.pk not in offered:
        raise ReportError(
            _("Kategorin ”%(name)s” finns inte på den här platsen.") % {"name": category.name},
            code="category_not_offered",
        )
    return location
