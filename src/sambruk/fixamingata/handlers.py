"""React to case events: the report follows its case.

* **Status** (``case.status_changed``, ``case.closed``, ``case.reopened``): when staff change
  the status of a report's case in the workspace (or close or reopen it), the report's public
  state becomes :func:`states.state_for_case` and the public timeline gets an update posted
  as the body. Idempotent: a state the report already has is not repeated (changes made
  through FixaMinGata's own services arrive here already applied). A report leaving the
  state *Dubblett* loses its link to the original. A case set to *Dubblett* in the workspace
  has no original: the report shows *Dubblett* without a link, the case log says how to link
  it and the FixaMinGata panel warns "Dubblett utan ursprungsärende" until staff choose the
  original with "Markera som dubblett".

* **Sent to another organisation** (``case.sent`` with ``changes.sent_to``): the workspace's
  own "Skicka till" of a Felanmälan case. The report moves with the case to the receiving
  organisation's body at the report's point (its kommun or a national body such as
  Trafikverket), in the category chosen by :func:`receiving_category`; it is re-delivered
  through the new contact and the public timeline says "Ärendet har flyttats till …", as with
  :func:`services.move_report`. If the receiving organisation takes no reports at the point
  (no active body/category there), the report stays with its body and the sending case's log
  says so. ``move_report`` itself also sends the case: its event finds no report on the old
  case any more and does nothing.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils.translation import gettext as _

from sambruk.cases.errors import CaseActionError
from sambruk.cases.models import Case
from sambruk.cases.services import do_add_note

from .errors import ReportError
from .models import Category, Report, ReportState
from .routing import bodies_for_point
from .services.common import audit, public_update, system_actor
from .services.moderation import move_with_sent_case
from .services.updates import apply_state
from .states import state_for_case

log = logging.getLogger(__name__)

STATUS_EVENTS = {"case.status_changed", "case.closed", "case.reopened"}
SENT_EVENT = "case.sent"


def on_case_event(event) -> None:
    if not event.case_id:
        return
    if event.name == SENT_EVENT:
        _follow_sent_case(event)
        return
    if event.name not in STATUS_EVENTS:
        return
    if not Report.objects.filter(case_id=event.case_id).exists():
        return
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(case_id=event.case_id).first()
        case = Case.objects.select_related("status", "resolution").filter(pk=event.case_id).first()
        if report is None or case is None or report.state == ReportState.UNCONFIRMED:
            return
        state = state_for_case(case)
        if state != ReportState.DUPLICATE and report.duplicate_of_id is not None:
            report.duplicate_of = None
            report.save(update_fields=["duplicate_of", "updated_at"])
        if state == report.state:
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
        if state == ReportState.DUPLICATE and report.duplicate_of_id is None:
            _note(
                case,
                _(
                    "Rapporten på FixaMinGata visas som dubblett utan länk till "
                    "ursprungsrapporten. Välj ursprungsrapporten med ”Markera som dubblett” "
                    "i FixaMinGata-panelen."
                ),
            )


# --- the workspace sent the case to another organisation ------------------------------
def receiving_category(report, organisation) -> tuple[Category | None, bool]:
    """(category, chosen automatically) of ``organisation`` for the report, or (None, False).

    Among the active categories of the organisation's bodies offered at the report's point:
    the only one (Trafikverket's single road category); else the one with the report's
    category name; else the first (preferred, then by order) — the report never stays
    behind when the receiver takes reports there, and the receiver changes the category in
    its FixaMinGata panel if needed.
    """
    try:
        bodies = bodies_for_point(report.lat, report.lon)
    except ReportError:  # outside Sweden: no receiver
        bodies = []
    bodies = [b for b in bodies if b.organisation_id == organisation.pk and b.active]
    if not bodies:
        return None, False
    categories = list(
        Category.objects.filter(body__in=bodies, active=True)
        .select_related("body")
        .order_by("-prefer_if_multiple", "order", "name", "pk")
    )
    if not categories:
        return None, False
    if len(categories) == 1:
        return categories[0], False
    name = report.category.name.strip().lower()
    for category in categories:
        if category.name.strip().lower() == name:
            return category, False
    return categories[0], True


def _follow_sent_case(event) -> None:
    sent_to = ((event.payload or {}).get("changes") or {}).get("sent_to")
    if not isinstance(sent_to, list) or len(sent_to) != 2 or not sent_to[1]:
        return  # within the organisation (another queue): the report stays
    if not Report.objects.filter(case_id=event.case_id).exists():
        return
    with transaction.atomic():
        report = (
            Report.objects.select_for_update()
            .select_related("body", "category")
            .filter(case_id=event.case_id)
            .first()
        )
        received = Case.objects.select_related("organisation").filter(pk=sent_to[1]).first()
        if report is None or received is None:
            return
        if received.organisation_id == report.body.organisation_id:
            return
        category, automatic = receiving_category(report, received.organisation)
        if category is None:
            sender = Case.objects.filter(pk=event.case_id).first()
            _note(
                sender,
                _(
                    "Rapporten på FixaMinGata följde inte med till %(org)s: de tar inte emot "
                    "rapporter på rapportens plats. Rapporten ligger kvar hos %(body)s och "
                    "följer det här ärendet."
                )
                % {"org": received.organisation.name, "body": report.body.name},
            )
            return
        old_name = report.category.name
        move_with_sent_case(report, category, received, actor=event.actor)
        if automatic:
            _note(
                received,
                _(
                    "FixaMinGata: rapportens kategori ”%(old)s” finns inte hos %(org)s; "
                    "kategorin blev ”%(new)s”. Byt vid behov i FixaMinGata-panelen."
                )
                % {
                    "old": old_name,
                    "org": received.organisation.name,
                    "new": category.name,
                },
            )


def _note(case, text: str) -> None:
    if case is None or case.removed:
        return
    try:
        with transaction.atomic():
            do_add_note(case, actor=system_actor(), text=text)
    except CaseActionError:
        log.warning("FixaMinGata: could not add a note to case %s", case.pk)
