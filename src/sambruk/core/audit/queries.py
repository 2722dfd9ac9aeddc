"""Read helpers for the audit trail (Logguppföljning)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .models import AuditEvent


def events_for_person(
    user, civic_number: str, *, since: dt.date | None = None, until: dt.date | None = None
):
    """Events about one person that the auditor may see (their organisations' events)."""
    qs = AuditEvent.objects.restrict(user, "audit.view_auditevent").filter(
        person_civic_number=civic_number
    )
    tz = timezone.get_current_timezone()
    if since:
        qs = qs.filter(at__gte=dt.datetime.combine(since, dt.time.min, tzinfo=tz))
    if until:
        qs = qs.filter(
            at__lt=dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        )
    return qs.select_related("organisation").order_by("-at")
