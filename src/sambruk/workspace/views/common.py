"""Shared helpers of the workspace views."""

from __future__ import annotations

from django.db.models import prefetch_related_objects
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
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
    # Four joins for the rows every case has, the optional ones by id: with nine joins
    # PostgreSQL plans the query far more slowly than it runs (docs/cases-performance.md).
    case = (
        visible_cases(user)
        .defer("search_vector")
        .filter(pk=pk)
        .select_related("organisation", "case_type", "queue", "status")
        .prefetch_related("priority", "assignee", "resolution", "created_by", "parent")
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
        # Only what the rows show (``decorate_rows``).
        queryset.defer("search_vector").prefetch_related("case_type", "status", "priority"),
        user,
    )


ROW_HTML = (
    '<tr data-row class="{row_class}">\n      {select}<td>{unread}'
    '<a class="row-link" href="{url}">{reference}</a></td>\n'
    "      <td>{title}</td>\n      <td>{type_name}</td>\n      <td>{status_name}{draft}</td>\n"
    "      <td>{priority}</td>\n      <td>{due}</td>\n      <td>{created}</td>\n    </tr>"
)
SELECT_HTML = (
    '<td><input type="checkbox" name="cases" value="{pk}:{version}" id="sel-{pk}" data-select>'
    '<label for="sel-{pk}" class="visually-hidden">{label}</label></td>'
)
PRIORITY_HTML = (
    '<span class="priority"><svg class="priority-dot" width="12" height="12" '
    'viewBox="0 0 12 12" aria-hidden="true" focusable="false"><circle cx="6" cy="6" r="6" '
    'fill="{colour}"/></svg> {name}</span>'
)


def decorate_rows(rows, *, select: bool = False, today=None):
    """Set ``overdue`` and the row's markup (``row_html``) for ``_case_rows.html``; ``select``
    adds the bulk-action checkbox (the template's ``can_bulk``).

    A list page has 50 rows; through the template engine each row cost a ``{% url %}``, two
    ``date`` filters, a ``blocktranslate``, an ``{% include %}`` and some twenty variable
    look-ups, most of the page's time. The row is built here once, every value escaped by
    ``format_html`` (docs/cases-performance.md).
    """
    today = today or timezone.localdate()
    marker = "2147483647"
    url_pattern = reverse("workspace:case", args=[int(marker)])
    unread_html = format_html(
        '<span class="unread-dot" aria-hidden="true"></span>'
        '<span class="visually-hidden">{}</span>',
        _("Oläst"),
    )
    draft_html = format_html(' <span class="badge">{}</span>', _("Utkast"))
    overdue_html = format_html(' <strong class="overdue-label">{}</strong>', _("Försenat"))
    for row in rows:
        row.overdue = is_overdue(row, today)
        priority = row.priority
        due = ""
        if row.due_date:
            due = format_html(
                "{}{}", row.due_date.strftime("%Y-%m-%d"), overdue_html if row.overdue else ""
            )
        unread = getattr(row, "unread", False)
        fields = {
            "row_class": ("unread" if unread else "") + (" overdue" if row.overdue else ""),
            "unread": unread_html if unread else "",
            "url": url_pattern.replace(marker, str(row.pk)),
            "reference": row.reference,
            "title": row.title,
            "type_name": row.case_type.name,
            "status_name": row.status.name,
            "draft": draft_html if row.is_draft else "",
            "priority": (
                format_html(PRIORITY_HTML, colour=priority.colour, name=priority.name)
                if priority
                else ""
            ),
            "due": due,
            "created": timezone.localtime(row.created_at).strftime("%Y-%m-%d %H:%M"),
        }
        if select:  # the bulk-action checkbox
            fields["select"] = format_html(
                SELECT_HTML,
                pk=row.pk,
                version=row.version,
                label=_("Markera ärende %(ref)s") % {"ref": row.reference},
            )
        row.row_html = format_html(ROW_HTML, select=fields.pop("select", ""), **fields)
    return rows


def is_overdue(case, today=None) -> bool:
    today = today or timezone.localdate()
    return (
        case.due_date is not None
        and case.due_date < today
        and case.state in (CaseState.OPEN, CaseState.ON_HOLD)
    )
