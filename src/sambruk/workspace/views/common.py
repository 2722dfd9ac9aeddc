"""Shared helpers of the workspace views."""

from __future__ import annotations

from django.db.models import prefetch_related_objects
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sambruk.cases.models import Case, CaseState
from sambruk.cases.predicates import member_queues
from sambruk.cases.queries import with_unread
from sambruk.core.authz.views import PermissionRequiredMixin

VIEW_CASE = "cases.view_case"


class WorkspaceMixin(PermissionRequiredMixin):
    """Verified staff login with ``cases.view_case`` in some organisation."""

    required_permission = VIEW_CASE

    def dispatch(self, request, *args, **kwargs):
        # Every permission check of the request (view, lists, menu, forms) reads the user's
        # memberships: load them once instead of one query per permission.
        user = request.user
        if getattr(user, "is_authenticated", False) and getattr(user, "kind", "") != "api":
            prefetch_related_objects([user], "memberships__orgunit")
        return super().dispatch(request, *args, **kwargs)


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


def decorate_rows(rows, today=None):
    """Precompute what ``_case_rows.html`` shows, so the template only prints attributes.

    (The row template is rendered 50 times per page: a ``{% url %}``, two ``date`` filters,
    a ``blocktranslate`` and an ``{% include %}`` per row were most of a list page's time.)
    """
    today = today or timezone.localdate()
    marker = "2147483647"
    url_pattern = reverse("workspace:case", args=[int(marker)])
    for row in rows:
        row.overdue = is_overdue(row, today)
        row.url = url_pattern.replace(marker, str(row.pk))
        row.select_label = _("Markera ärende %(ref)s") % {"ref": row.reference}
        row.type_name = row.case_type.name
        row.status_name = row.status.name
        priority = row.priority
        row.priority_name = priority.name if priority else ""
        row.priority_colour = priority.colour if priority else ""
        row.due_display = row.due_date.strftime("%Y-%m-%d") if row.due_date else ""
        row.created_display = timezone.localtime(row.created_at).strftime("%Y-%m-%d %H:%M")
    return rows


def is_overdue(case, today=None) -> bool:
    today = today or timezone.localdate()
    return (
        case.due_date is not None
        and case.due_date < today
        and case.state in (CaseState.OPEN, CaseState.ON_HOLD)
    )
