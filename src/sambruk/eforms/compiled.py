"""Form definitions kept in the process, per immutable version (the citizen's hot path).

A published or retired :class:`~sambruk.eforms.models.FormVersion` never changes (the model
refuses it), so its parsed document — and what is derived from it, such as the field map —
can be kept in memory instead of being read, decoded and walked on every page request.
Queries on the hot path ``defer("form_version__schema")`` and call :func:`attach_schema`;
only the first request of a version (per process) reads the document.

The cache key is ``(pk, published_at)``: a version's publication time never changes, and a
recycled primary key (a test database) cannot return another version's document. Drafts
are never cached (the editor changes them).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

MAX_VERSIONS = 256

_lock = threading.Lock()
_schemas: OrderedDict[tuple, dict] = OrderedDict()
_field_maps: dict[int, tuple[dict, dict]] = {}  # id(schema) → (schema, field map)


def _key(version) -> tuple | None:
    if version.pk is None or version.status == "draft" or version.published_at is None:
        return None
    return (version.pk, version.published_at.isoformat())


def cached_schema(version) -> dict | None:
    key = _key(version)
    if key is None:
        return None
    with _lock:
        schema = _schemas.get(key)
        if schema is not None:
            _schemas.move_to_end(key)
        return schema


def remember(version, schema: dict) -> dict:
    key = _key(version)
    if key is None:
        return schema
    with _lock:
        _schemas[key] = schema
        _schemas.move_to_end(key)
        while len(_schemas) > MAX_VERSIONS:
            _old_key, old = _schemas.popitem(last=False)
            _field_maps.pop(id(old), None)
    return schema


def attach_schema(version) -> None:
    """Give ``version`` (loaded with its ``schema`` deferred) the document, from the cache
    or with one query."""
    if "schema" in version.__dict__:
        remember(version, version.schema)
        return
    schema = cached_schema(version)
    if schema is None:
        schema = type(version).objects.filter(pk=version.pk).values_list("schema", flat=True)[0]
        schema = remember(version, schema)
    version.schema = schema


def field_map_for(schema: dict, build) -> dict:
    """``build(schema)`` once per cached document; other documents are built each time."""
    entry = _field_maps.get(id(schema))
    if entry is not None and entry[0] is schema:
        return entry[1]
    result = build(schema)
    with _lock:
        if any(cached is schema for cached in _schemas.values()):
            _field_maps[id(schema)] = (schema, result)
    return result


def clear() -> None:
    with _lock:
        _schemas.clear()
        _field_maps.clear()
