"""Open311 documents built as plain dicts (no serializer layer: lists of 1000 requests are
built from ``values()`` rows in one pass).

Field order follows GeoReport v2; ``service_request_id`` and ``service_code`` are strings, as
the schema-validation schemas require; dates are ISO 8601 in Swedish time with offset.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse

from ..attributes import definition
from ..models import CLOSED_STATES, FIXED_STATES
from ..states import open311_extended_status
from .params import STOCKHOLM

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
FORMATS_ADVERTISED = ["text/xml", "application/json"]
MAX_DESCRIPTION = 4000
_CLOSED = frozenset(FIXED_STATES | CLOSED_STATES)


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in Swedish time with offset, to the second (``2025-05-01T10:00:00+02:00``).

    ``astimezone`` with zoneinfo is C code; a Python-level cache of offsets per UTC hour was
    measured against it (both 8–15 µs per call on the loaded bench machine) and was no
    faster, so it is not used.
    """
    if value is None:
        return None
    return value.astimezone(STOCKHOLM).isoformat(timespec="seconds")


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def service(category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description or "",
        "metadata": bool(category.attributes),
        "type": "realtime",
        "keywords": category.keywords or "",
        "group": category.group or "",
    }


def service_definition(category) -> dict:
    attrs = []
    for attr in definition(category):
        item = {
            "variable": bool(attr["variable"]),
            "code": attr["code"],
            "datatype": attr["datatype"],
            "required": attr["required"],
            "datatype_description": attr["datatype_description"] or "",
            "order": attr["order"],
            "description": attr["description"] or "",
        }
        if attr["datatype"] in ("singlevaluelist", "multivaluelist"):
            item["values"] = [
                {"key": str(v["key"]), "name": str(v.get("name", v["key"]))}
                for v in attr.get("values", [])
            ]
        attrs.append(item)
    return {"service_code": category.code, "attributes": attrs}


def discovery(changeset: datetime) -> dict:
    url = absolute(reverse("open311:discovery", kwargs={"fmt": "xml"})).rsplit("/", 1)[0]
    return {
        "changeset": iso(changeset),
        "contact": getattr(
            settings, "FIXAMINGATA_OPEN311_CONTACT", "FixaMinGata, Föreningen Sambruk"
        ),
        "key_service": getattr(
            settings,
            "FIXAMINGATA_OPEN311_KEY_SERVICE",
            "api_key lämnas ut av kommunen eller Sambruk (en API-klient per system).",
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": url,
                "changeset": iso(changeset),
                "type": "test" if settings.DEBUG else "production",
                "formats": FORMATS_ADVERTISED,
            }
        ],
    }


#: The plain columns a request list reads with ``values()`` (no joins: category and body
#: names come from :func:`..routing.report_labels`); :func:`..queries.request_values` adds ``created``, ``updated`` and
#: ``closed`` (ISO text on PostgreSQL, datetimes elsewhere), ``media`` (the first of
#: ``media_urls``), ``photo`` (the first photo's file) and ``note`` (the latest public staff
#: note) in the same query.
REQUEST_FIELDS = (
    "pk",
    "service_request_id",
    "state",
    "title",
    "detail",
    "category_id",
    "body_id",
    "address_string",
    "lat",
    "lon",
    "pinpointed",
)
#: A request row (a tuple, as :func:`..queries.request_values` returns it): these columns.
REQUEST_COLUMNS = (*REQUEST_FIELDS, "created", "updated", "closed", "media", "photo", "note")


def _iso_of(value) -> str | None:
    """A date column of a request row: already ISO text (formatted by PostgreSQL, see
    :class:`..queries.LocalIso`) or a datetime formatted here by :func:`iso`."""
    return value if value is None or type(value) is str else iso(value)


def description_of(title: str, detail: str) -> str:
    text = title if not detail else f"{title}\n\n{detail}"
    return text[:MAX_DESCRIPTION]


def photo_url(name: str) -> str:
    url = default_storage.url(name)
    return url if url.startswith(("http://", "https://")) else absolute(url)


#: A stored file name that every storage URL scheme keeps as it is (nothing to quote, no
#: ``.``/``..`` segment, no scheme, query or fragment): the upload paths this app makes.
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_-]+(?:[./][A-Za-z0-9_-]+)*")
_PROBES = ("p", "fixamingata/2000/01/probe_0-1.jpg")


def photo_urls():
    """:func:`photo_url` for the rows of one list: when the storage's URL of a plain name
    is a fixed prefix plus the name (as for the file system storage; checked now with two
    probe names, so a storage that signs or rewrites URLs keeps the general path), plain
    names get prefix + name without ``urljoin`` and quoting per photo (they cost ≈ 25 µs
    each, a tenth of a list's CPU time)."""
    prefix = photo_url(_PROBES[0])[: -len(_PROBES[0])]
    if any(photo_url(probe) != prefix + probe for probe in _PROBES):
        return photo_url
    plain = _PLAIN_NAME.fullmatch

    def url(name: str) -> str:
        return prefix + name if plain(name) else photo_url(name)

    return url


def request_row(row: tuple, categories: dict, bodies: dict, photo_url=photo_url) -> dict:
    """One ``request`` from a :func:`..queries.request_values` row (a tuple in
    :data:`REQUEST_COLUMNS` order); ``categories`` and ``bodies`` as from
    :func:`..routing.report_labels`; ``photo_url`` as from :func:`photo_urls`."""
    (
        pk,
        service_request_id,
        state,
        title,
        detail,
        category_id,
        body_id,
        address_string,
        lat,
        lon,
        pinpointed,
        created,
        updated,
        closed,
        media,
        photo,
        note,
    ) = row
    code, name = categories[category_id]
    closed_now = state in _CLOSED
    description = title if not detail else f"{title}\n\n{detail}"
    return {
        "service_request_id": service_request_id or str(pk),
        "status": "closed" if closed_now else "open",
        "status_notes": note[:MAX_DESCRIPTION] if note else None,
        "service_name": name,
        "service_code": code,
        "description": description[:MAX_DESCRIPTION],
        "agency_responsible": bodies.get(body_id),
        "service_notice": None,
        "requested_datetime": _iso_of(created),
        "updated_datetime": _iso_of(closed if closed_now and closed else updated),
        "expected_datetime": None,
        "address": address_string or None,
        "address_id": None,
        "zipcode": None,
        # Not pinpointed (address only): the stored point is only the kommun's, so no
        # coordinates are published; the address stands alone, as the spec allows.
        "lat": lat if pinpointed else None,
        "long": lon if pinpointed else None,
        "media_url": photo_url(photo) if photo else (media or None),
    }


def update_row(row: dict, *, state: str) -> dict:
    """One mySociety ``request_update``."""
    return {
        "update_id": str(row["pk"]),
        "service_request_id": row["report__service_request_id"] or str(row["report_id"]),
        "status": open311_extended_status(state),
        "updated_datetime": iso(row["confirmed_at"] or row["created_at"]),
        "description": row["text"][:MAX_DESCRIPTION],
        "media_url": row.get("media_url") or "",
    }
