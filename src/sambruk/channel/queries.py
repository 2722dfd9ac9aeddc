"""Read side of the channel app, for other modules (Mina sidor reads shadow cases here)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch

from sambruk.core.persons.personnummer import Personnummer

from .models import ShadowCase, ShadowCaseLogEntry


@dataclass(frozen=True)
class ShadowCaseView:
    """A shadow case as the citizen portal shows it."""

    id: int
    system_name: str
    external_id: str
    organisation_id: int
    organisation_name: str
    title: str
    status: str
    content: list[dict] = field(default_factory=list)  # [{"key": str, "value": str}]
    log: list[dict] = field(default_factory=list)  # [{"at": datetime, "message": str}]
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    closed: bool = False
    closed_at: dt.datetime | None = None


def _view(sc: ShadowCase) -> ShadowCaseView:
    return ShadowCaseView(
        id=sc.pk,
        system_name=sc.system_name,
        external_id=sc.external_id,
        organisation_id=sc.organisation_id,
        organisation_name=sc.organisation.name,
        title=sc.title,
        status=sc.status,
        content=[{"key": x["key"], "value": x["value"]} for x in sc.content],
        log=[{"at": e.at, "message": e.message} for e in sc.log.all()],
        created_at=sc.created_at,
        updated_at=sc.updated_at,
        closed=sc.closed,
        closed_at=sc.closed_at,
    )


def shadow_cases_for(civic_number) -> list[ShadowCaseView]:
    """Every shadow case of the person ``civic_number`` in any organisation, newest first.

    For the citizen's own view (the caller has established that the logged-in citizen is
    this person); not restricted by staff permissions. Invalid numbers give ``[]``.
    """
    try:
        pnr = Personnummer.parse(str(civic_number)).value
    except Exception:
        return []
    qs = (
        ShadowCase.objects.filter(civic_number=pnr)
        .select_related("organisation")
        .prefetch_related(Prefetch("log", queryset=ShadowCaseLogEntry.objects.order_by("at", "id")))
        .order_by("-updated_at", "-id")
    )
    return [_view(sc) for sc in qs]
