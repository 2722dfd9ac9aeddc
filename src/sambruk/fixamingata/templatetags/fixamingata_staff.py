"""The FixaMinGata panel on the workspace case page (``workspace/case/_body.html``)."""

from __future__ import annotations

from django import template

from sambruk.cases.models import Origin
from sambruk.core.authz.permissions import has_perm

from ..models import Report, ReportState
from ..roles import CHANGE_REPORT

register = template.Library()


@register.inclusion_tag("fixamingata/staff/case_panel.html", takes_context=True)
def fixamingata_case_panel(context, case):
    """The report of a Felanmälan case with the staff actions (nothing for other cases)."""
    if getattr(case, "origin", None) != Origin.FIXAMINGATA:
        return {"report": None}  # no query on the pages of other cases
    report = (
        Report.objects.filter(case_id=case.pk)
        .select_related("body", "category", "duplicate_of")
        .first()
    )
    if report is None:
        return {"report": None}
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "report": report,
        "can_change": has_perm(user, CHANGE_REPORT, report.body.organisation_id),
        "unlinked_duplicate": report.state == ReportState.DUPLICATE
        and report.duplicate_of_id is None,
    }
