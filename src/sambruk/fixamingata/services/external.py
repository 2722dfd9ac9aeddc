"""Status updates from a body's own system (Open311), whichever way they arrive.

Two paths bring them: the body's back end POSTs ``servicerequestupdates`` to our Open311
server (:mod:`..open311.inbound`), or our client pulls them from the body's server
(:func:`sambruk.fixamingata.delivery.fetch_body_updates`). Both call
:func:`receive_external_update`, so the rules are the same: idempotent by the back end's
``update_id`` per report, published on the timeline as the body, the case follows the
status, audited.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from sambruk.cases.errors import CaseActionError
from sambruk.cases.system import SystemActor

from ..errors import ReportError
from ..models import Report, ReportState, Update
from .common import audit, public_update
from .updates import _case_note, _case_to_state, apply_state


class DuplicateUpdate(ReportError):
    """The report already has an update with this ``update_id``."""


@transaction.atomic
def receive_external_update(
    report,
    *,
    source: str,
    external_id: str,
    state: str | None,
    text: str = "",
    media_url: str = "",
    updated_at=None,
    user=None,
    strict: bool = False,
) -> Update:
    """Publish an update from the body's system on ``report``'s timeline (as the body).

    ``state`` is the report state the back end's status means (None: unchanged); it is
    ignored when the report already has it or is still unconfirmed. The case moves to the
    matching status, by a system actor named ``source``. When the case cannot follow,
    ``strict`` makes the whole update fail (ReportError, nothing written); otherwise the
    status is written as a case note and the report follows anyway.

    Raises :class:`DuplicateUpdate` for a known ``external_id``, and ReportError when there
    is neither text nor a state change (nothing to publish).
    """
    report = (
        Report.objects.select_for_update(of=("self",))
        .select_related("body", "case")
        .get(pk=report.pk)
    )
    external_id = (external_id or "")[:100]
    if Update.objects.filter(report=report, external_update_id=external_id).exists():
        raise DuplicateUpdate(
            _("Uppdateringen finns redan (update_id %(u)s).") % {"u": external_id},
            code="duplicate_update",
        )
    before = report.state
    if state == before or before == ReportState.UNCONFIRMED:
        state = None
    text = (text or "").strip()[:4000]
    if not text and not state:
        raise ReportError(_("Uppdateringen saknar både text och ny status."), code="empty_update")
    if state:
        try:
            with transaction.atomic():
                _case_to_state(report, state, SystemActor(source))
        except (ReportError, CaseActionError) as error:
            if strict:
                raise ReportError(
                    str(getattr(error, "message", None) or error), code="case_status"
                ) from None
            _case_note(report, _("Mottagarens system satte status: %(s)s") % {"s": state})
        apply_state(report, state)
    update = public_update(
        report,
        text=text or _("Status: %(state)s.") % {"state": ReportState(state).label},
        new_state=state or "",
        external_update_id=external_id,
        external_updated_at=updated_at,
        media_url=(media_url or "")[:500],
        author_name=report.body.name,
    )
    audit(
        "create",
        actor=user,
        obj=update,
        organisation=report.body.organisation_id,
        changes={"state": [before, report.state], "external_update_id": external_id},
    )
    return update
