"""The daily summary of reports that could not be delivered (07:20), to each body's
``org_admin`` members and to the platform administrators."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from sambruk.core.notifications.services import queue_email

from .links import report_url
from .models import Report, SendState


def failing_reports():
    return Report.objects.filter(
        Q(send_state=SendState.FAILED)
        | Q(send_state=SendState.UNSENT, send_next_attempt_at__isnull=False, send_attempts__gt=0)
    ).exclude(send_last_error="")


def send_failure_summary(now=None) -> int:
    """Daily: per body, the reports not delivered, to its org_admin members; and everything
    to the platform administrators. Returns the number of e-mails queued."""
    from sambruk.core.accounts.models import Membership

    rows = list(
        failing_reports()
        .select_related("body", "category")
        .order_by("body__name", "pk")
        .only("pk", "title", "send_state", "send_attempts", "send_last_error", "body", "category")
    )
    if not rows:
        return 0
    by_body: dict[int, list] = {}
    for row in rows:
        by_body.setdefault(row.body_id, []).append(row)
    queued = 0
    with transaction.atomic():
        for reports in by_body.values():
            body = reports[0].body
            admins = sorted(
                set(
                    Membership.objects.filter(
                        organisation_id=body.organisation_id, role="org_admin", user__is_active=True
                    ).values_list("user__email", flat=True)
                )
            )
            if admins:
                queue_email(
                    to=admins,
                    template="fixamingata/email/delivery_failures",
                    context={"groups": [(body, _summary(reports))], "now": now},
                    organisation=body.organisation,
                )
                queued += 1
        platform = sorted(
            get_user_model()
            .objects.filter(is_superuser=True, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
        if platform:
            queue_email(
                to=platform,
                template="fixamingata/email/delivery_failures",
                context={
                    "groups": [(r[0].body, _summary(r)) for r in by_body.values()],
                    "now": now,
                },
            )
            queued += 1
    return queued


def _summary(reports) -> list[dict]:
    return [
        {
            "report": r,
            "url": report_url(r),
            "failed": r.send_state == SendState.FAILED,
            "attempts": r.send_attempts,
            "error": r.send_last_error.splitlines()[0][:300] if r.send_last_error else "",
        }
        for r in reports
    ]
