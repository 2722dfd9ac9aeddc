"""Periodic work of the case engine (scheduled in ``sambruk/tasks.py``).

* :func:`send_due_notices` — one digest e-mail per person per day with their overdue cases
  and those due within ``CASES_DUE_SOON_DAYS`` days.
* gallring lives in :mod:`sambruk.cases.retention`.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .models import Case, CaseState, DueNoticeLog
from .predicates import queue_members

log = logging.getLogger(__name__)

DIGEST_TEMPLATE = "cases/email/due_digest"


def due_soon_days() -> int:
    return int(getattr(settings, "CASES_DUE_SOON_DAYS", 2))


def _active_cases():
    return Case.objects.filter(
        state__in=[CaseState.OPEN, CaseState.ON_HOLD],
        removed=False,
        is_draft=False,
        due_date__isnull=False,
    )


def collect_due(today: date) -> dict[int, set[int]]:
    """User id → ids of the cases for their digest (before the visibility check).

    * their own open cases that are overdue or due within N days;
    * unassigned open cases that are overdue, in queues they are members of.
    """
    horizon = today + timedelta(days=due_soon_days())
    wanted: dict[int, set[int]] = defaultdict(set)
    assigned = _active_cases().filter(assignee__isnull=False, due_date__lte=horizon)
    for case_id, user_id in assigned.values_list("pk", "assignee_id").iterator():
        wanted[user_id].add(case_id)
    unassigned = _active_cases().filter(assignee__isnull=True, due_date__lt=today)
    by_queue: dict[int, list[int]] = defaultdict(list)
    for case_id, queue_id in unassigned.values_list("pk", "queue_id").iterator():
        by_queue[queue_id].append(case_id)
    from .models import Queue

    for queue in Queue.objects.filter(pk__in=by_queue):
        for user_id in queue_members(queue).values_list("pk", flat=True):
            wanted[user_id].update(by_queue[queue.pk])
    return wanted


def send_due_notices(today: date | None = None) -> int:
    """Send today's digests; return how many were sent. Running it again the same day
    sends nothing (one :class:`DueNoticeLog` row per user and day)."""
    today = today or timezone.localdate()
    wanted = collect_due(today)
    if not wanted:
        return 0
    done = set(DueNoticeLog.objects.filter(day=today).values_list("user_id", flat=True))
    users = get_user_model().objects.filter(pk__in=set(wanted) - done, is_active=True)
    sent = 0
    for user in users.exclude(email="").order_by("pk"):
        try:
            if _send_digest(user, wanted[user.pk], today):
                sent += 1
        except Exception:  # one person's failure must not stop the others' digests
            log.exception("Due-date digest for user %s failed", user.pk)
    return sent


@transaction.atomic
def _send_digest(user, case_ids: set[int], today: date) -> bool:
    """Queue one digest for ``user`` with the cases of ``case_ids`` they may see."""
    from sambruk.core.notifications.services import queue_email

    # Only what the user may see now (restriction, drafts, organisation membership).
    cases = list(
        Case.objects.visible_to(user)
        .filter(pk__in=case_ids)
        .select_related("queue", "organisation")
        .order_by("due_date", "reference")
    )
    if not cases:
        return False
    notice, created = DueNoticeLog.objects.get_or_create(
        user=user, day=today, defaults={"case_count": len(cases)}
    )
    if not created:  # another worker sent it a moment ago
        return False
    overdue = [_item(case, user) for case in cases if case.due_date < today]
    soon = [_item(case, user) for case in cases if case.due_date >= today]
    organisations = {case.organisation_id for case in cases}
    queue_email(
        to=user.email,
        template=DIGEST_TEMPLATE,
        context={
            "name": user.full_name or user.email,
            "overdue": overdue,
            "soon": soon,
            "days": due_soon_days(),
            "today": today,
            "count": len(cases),
        },
        language=user.language or "sv",
        organisation=cases[0].organisation if len(organisations) == 1 else None,
    )
    return True


def _item(case: Case, user) -> dict:
    return {
        "reference": case.reference,
        "title": case.title,
        "due_date": case.due_date,
        "queue": case.queue.name,
        "mine": case.assignee_id == user.pk,
        "url": f"{settings.SITE_URL}/arenden/{case.pk}/",
    }
