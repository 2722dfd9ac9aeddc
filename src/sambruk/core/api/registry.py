"""Modules register their API viewsets here (from AppConfig.ready), in one router.

``register_viewset("cases", CaseViewSet, basename="case")``. The tenant-isolation test walks
these registrations to call every list endpoint as members of two organisations.
"""

from __future__ import annotations

_REGISTRATIONS: list[tuple[str, type, str]] = []


def register_viewset(prefix: str, viewset: type, *, basename: str) -> None:
    if any(p == prefix for p, _, _ in _REGISTRATIONS):
        return
    _REGISTRATIONS.append((prefix, viewset, basename))


def router_registrations() -> list[tuple[str, type, str]]:
    return list(_REGISTRATIONS)
