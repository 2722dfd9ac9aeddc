"""React to case events: the public state of a report follows its case.

When staff change the status of a report's case in the workspace (or close or reopen it),
the report's public state becomes :func:`states.state_for_case` and the public timeline gets
an update posted as the body. Idempotent: a state the report already has is not repeated
(changes made through FixaMinGata's own services arrive here already applied).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils.translation import gettext as _

from sambruk.cases.models import Case

from .models import Report, ReportState
from .services.common import audit, public_update
from .services.updates import apply_state
from .states import state_for_case

log = logging.getLogger(__name__)

STATUS_EVENTS = {"case.status_changed", "case.closed", "case.reopened"}


def on_case_event(event) -> None:
    if event.name not in STATUS_EVENTS or not event.case_id:
        return
    if not Report.objects.filter(case_id=event.case_id).exists():
        return
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(case_id=event.case_id).first()
        case = Case.objects.select_related("status", "resolution").filter(pk=event.case_id).first()
        if report is None or case is None:
            return
        state = state_for_case(case)
        if state == report.state or report.state == ReportState.UNCONFIRMED:
            return
        before = report.state
        apply_state(report, state)
        actor = event.actor
        public_update(
            report,
            text=_("Status: %(state)s.") % {"state": ReportState(state).label},
            user=actor,
            new_state=state,
        )
        audit("update", actor=actor, obj=report, changes={"state": [before, state]})
