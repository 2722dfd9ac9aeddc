"""Shared helpers of the workspace views."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone

from sambruk.cases.models import Case, CaseState
from sambruk.cases.predicates import member_queues
from sambruk.cases.queries import with_unread
from sambruk.core.authz.views import PermissionRequiredMixin

VIEW_CASE = "cases.view_case"


class WorkspaceMixin(PermissionRequiredMixin):
    """Verified staff login with ``cases.view_case`` in some organisation."""

    required_permission = VIEW_CASE


def visible_cases(user):
    return Case.objects.visible_to(user)


def get_case(user, pk) -> Case:
    """The case if ``user`` may see it, else 404 (other tenant, restricted, someone's draft)."""
    # Related rows by id instead of nine joins: PostgreSQL plans the joined query far more
    # slowly than it runs these small look-ups (docs/cases-performance.md).
    case = (
        visible_cases(user)
        .defer("search_vector")
        .filter(pk=pk)
        .prefetch_related(
            "organisation",
            "case_type",
            "queue",
            "status",
            "priority",
            "assignee",
            "resolution",
            "created_by",
            "parent",
        )
        .first()
    )
    if case is None:
        raise Http404
    return case


def user_queues(user):
    """The queues (funktioner) the user is a member of, directly or through a group."""
    return (
        member_queues(user)
        .restrict(user, "cases.view_queue")
        .filter(active=True)
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


def list_rows(queryset, user):
    """Decorate a case queryset for list display (unread flag, related rows)."""
    return with_unread(
        queryset.defer("search_vector").prefetch_related(
            "case_type", "status", "priority", "queue", "assignee"
        ),
        user,
    )


def is_overdue(case, today=None) -> bool:
    today = today or timezone.localdate()
    return (
        case.due_date is not None
        and case.due_date < today
        and case.state in (CaseState.OPEN, CaseState.ON_HOLD)
    )
