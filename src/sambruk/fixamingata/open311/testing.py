"""Test support for the Open311 server: the schema-validation JSON Schemas read in place
from ``../shared/data/open311/`` (relative to the repository root), an XML parser and a
builder of a small FixaMinGata world with an API client and reports.

Used by ``tests/test_open311_*.py`` only.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import cache
from pathlib import Path
from urllib.parse import urlparse

REPO_ROOT = Path(__file__).resolve().parents[4]
SCHEMA_DIR = (REPO_ROOT / ".." / "shared" / "data" / "open311").resolve()
BASE = "/open311/v2/"
API_KEY = "test-open311-key"  # noqa: S105
OTHER_KEY = "test-open311-gavle"  # noqa: S105

ALL_DATATYPES = [
    {"code": "sträng", "datatype": "string", "required": False, "order": 1,
     "description": "Stolpnummer", "datatype_description": "Står på stolpen"},
    {"code": "antal", "datatype": "number", "required": False, "order": 2,
     "description": "Antal"},
    {"code": "sedan", "datatype": "datetime", "required": False, "order": 3,
     "description": "Sedan när?"},
    {"code": "text", "datatype": "text", "required": False, "order": 4,
     "description": "Mer om felet"},
    {"code": "storlek", "datatype": "singlevaluelist", "required": True, "order": 5,
     "description": "Storlek", "values": [{"key": "liten", "name": "Liten"},
                                          {"key": "stor", "name": "Stor"}]},
    {"code": "fara", "datatype": "multivaluelist", "required": False, "order": 6,
     "description": "Vem kan skadas?", "values": [{"key": "cykel", "name": "Cyklister"},
                                                  {"key": "gang", "name": "Gående"}]},
    {"code": "info", "datatype": "string", "required": False, "order": 7, "variable": False,
     "description": "Ring 112 vid fara."},
]  # fmt: skip

# Extra shapes without a published schema (POST answers, tokens, mySociety updates).
POST_RESPONSE = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "anyOf": [{"required": ["service_request_id"]}, {"required": ["token"]}],
        "properties": {
            "service_request_id": {"type": "string"},
            "token": {"type": "string"},
            "service_notice": {"type": ["string", "null"]},
            "account_id": {"type": ["string", "null"]},
        },
        "additionalProperties": False,
    },
}
UPDATES = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["update_id", "service_request_id", "status", "updated_datetime",
                     "description"],
        "properties": {
            "update_id": {"type": "string"},
            "service_request_id": {"type": "string"},
            "status": {"enum": ["open", "closed", "fixed", "in_progress", "planned",
                                "action_scheduled", "investigating", "duplicate",
                                "not_councils_responsibility", "no_further_action",
                                "internal_referral", "cancelled", "reopen", "for_triage",
                                "unchanged"]},
            "updated_datetime": {"type": "string", "format": "date-time"},
            "description": {"type": "string"},
            "media_url": {"type": ["string", "array"]},
        },
    },
}  # fmt: skip
POST_UPDATE_RESPONSE = {
    "type": "array",
    "minItems": 1,
    "items": {"type": "object", "required": ["update_id"],
              "properties": {"update_id": {"type": "string"}}},
}  # fmt: skip
DISCOVERY = {
    "type": "object",
    "required": ["changeset", "contact", "key_service", "endpoints"],
    "properties": {
        "changeset": {"type": "string", "format": "date-time"},
        "endpoints": {
            "type": "array", "minItems": 1,
            "items": {
                "type": "object",
                "required": ["specification", "url", "changeset", "type", "formats"],
                "properties": {
                    "specification": {"const": "http://wiki.open311.org/GeoReport_v2"},
                    "url": {"type": "string", "format": "uri"},
                    "type": {"enum": ["production", "test"]},
                    "formats": {"type": "array", "items": {"type": "string"},
                                "contains": {"const": "text/xml"}},
                },
            },
        },
    },
}  # fmt: skip
ERRORS = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["code", "description"],
        "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
        "additionalProperties": False,
    },
}
EXTRA = {
    "post": POST_RESPONSE,
    "updates": UPDATES,
    "post_update": POST_UPDATE_RESPONSE,
    "discovery": DISCOVERY,
    "errors": ERRORS,
}

_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def schemas_available() -> bool:
    return (SCHEMA_DIR / "request.json").is_file()


@cache
def _validators():
    import jsonschema
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    checker = jsonschema.FormatChecker(formats=())

    @checker.checks("date-time")
    def _dt(value) -> bool:
        if not isinstance(value, str) or not _DATETIME.match(value):
            return False
        return datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None

    @checker.checks("uri")
    def _uri(value) -> bool:
        if not isinstance(value, str):
            return False
        parts = urlparse(value)
        return parts.scheme in ("http", "https") and bool(parts.netloc)

    registry = Registry()
    loaded = {}
    for name in ("services", "service", "service-definition", "requests", "request"):
        contents = json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))
        loaded[name] = contents
        registry = registry.with_resource(
            f"{name}.json", Resource.from_contents(contents, default_specification=DRAFT4)
        )
    validators = {
        name: jsonschema.Draft4Validator(schema, registry=registry, format_checker=checker)
        for name, schema in loaded.items()
    }
    for name, schema in EXTRA.items():
        validators[name] = jsonschema.Draft7Validator(schema, format_checker=checker)
    return validators


def validate(name: str, data) -> None:
    """Raise ``jsonschema.ValidationError`` unless ``data`` matches schema ``name``."""
    _validators()[name].validate(data)


def parse_xml(response):
    """The response's XML root (lxml), after checking content type and declaration."""
    from lxml import etree

    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>") or (
        response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    )
    root = etree.fromstring(response.content)
    assert root.nsmap == {} and root.prefix is None
    return root


def json_of(response):
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content.decode("utf-8"))


def assert_errors(response, status: int) -> list[dict]:
    """The response is the spec's error list with HTTP ``status`` (JSON or XML)."""
    assert response.status_code == status, response.content[:500]
    if response["Content-Type"].startswith("text/xml"):
        root = parse_xml(response)
        assert root.tag == "errors"
        items = [
            {"code": int(e.findtext("code")), "description": e.findtext("description") or ""}
            for e in root
        ]
        assert items and all(e.tag == "error" for e in root)
        assert [child.tag for child in root[0]] == ["code", "description"]
    else:
        items = json_of(response)
        validate("errors", items)
    assert {e["code"] for e in items} == {status}
    return items


def make_world():
    """Sandviken, Gävle and Trafikverket (see ``tests.factories.world``), a category with
    attributes of every datatype in Sandviken, and API clients for Sandviken and Gävle."""
    from sambruk.core.api.services import create_api_client
    from sambruk.fixamingata.models import Category
    from sambruk.fixamingata.roles import POST_UPDATE, SUBMIT_REPORT
    from sambruk.fixamingata.tests.factories import world

    w = world()
    w.attr_cat = Category.objects.create(
        body=w.sandviken_body,
        name="Gatubelysning med frågor",
        code="belysning",
        group="Gata och trafik",
        description="Trasig gatubelysning",
        keywords="lampa,ljus",
        attributes=ALL_DATATYPES,
        order=10,
    )
    scopes = [SUBMIT_REPORT, POST_UPDATE, "fixamingata.view_report"]
    w.client, _ = create_api_client(
        actor=None, organisation=w.sandviken, name="Testklient", scopes=scopes, token=API_KEY
    )
    w.gavle_client, _ = create_api_client(
        actor=None, organisation=w.gavle, name="Gävles system", scopes=scopes, token=OTHER_KEY
    )
    return w


def make_report(category, *, lat, lon, title="Trasig lampa", state=None, created_at=None, **kwargs):
    """A confirmed report made through the services (source staff), optionally moved to
    ``state`` and back-dated to ``created_at`` (test data setup)."""
    from sambruk.fixamingata.models import Report, Source
    from sambruk.fixamingata.services import submit_report

    kwargs.setdefault("attributes", {"storlek": "liten"} if category.attributes else {})
    report = submit_report(
        lat=lat, lon=lon, category=category, title=title, source=Source.STAFF, **kwargs
    )
    changes = {}
    if state is not None:
        changes["state"] = state
    if created_at is not None:
        changes["created_at"] = created_at
    if changes:
        Report.objects.filter(pk=report.pk).update(**changes)
        report.refresh_from_db()
    return report
