"""Updates on a report's public timeline, and public state changes (staff and reporter)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sambruk.cases.errors import CaseActionError
from sambruk.cases.models import CaseState, StatusKind
from sambruk.cases.services import do_add_note, do_change_status, do_reopen
from sambruk.core.authz.permissions import has_perm

from .. import ratelimit
from ..errors import ReportError
from ..links import absolute
from ..models import (
    CLOSED_STATES,
    FIXED_STATES,
    OPEN_STATES,
    PUBLIC_STATES,
    Report,
    ReportState,
    TokenPurpose,
    Update,
)
from ..states import RESOLUTION_HINTS, status_for_state
from .common import (
    CHANGE_REPORT,
    audit,
    is_abusive,
    issue_token,
    request_language,
    send_mail,
    system_actor,
    use_token,
)
from .reports import clean_email


def apply_state(report: Report, state: str) -> None:
    """Write ``state`` and its timestamps on the (locked) report."""
    now = timezone.now()
    report.state = state
    report.fixed_at = (report.fixed_at or now) if state in FIXED_STATES else None
    report.closed_at = (report.closed_at or now) if state in CLOSED_STATES | FIXED_STATES else None
    report.save(update_fields=["state", "fixed_at", "closed_at", "updated_at"])


def _case_to_state(report: Report, state: str, actor) -> None:
    """Move the report's case to the status showing as ``state`` (staff action)."""
    case = report.case
    if case is None or case.removed:
        return
    status = status_for_state(case.case_type, state)
    if status is None:
        raise ReportError(
            _("Ärendetypen har ingen status för ”%(s)s”.") % {"s": ReportState(state).label},
            code="no_status",
        )
    if status.pk == case.status_id:
        return
    resolution = None
    if status.kind == StatusKind.CLOSED and case.case_type.resolution_required:
        active = list(case.case_type.resolutions.filter(active=True))
        hinted = [r for r in active if RESOLUTION_HINTS.get(r.name.strip().lower()) == state]
        resolution = (hinted or active or [None])[0]
    report.case = do_change_status(case, actor=actor, to=status, resolution=resolution)


def _case_note(report: Report, text: str) -> None:
    case = report.case
    if case is not None and not case.removed:
        do_add_note(case, actor=system_actor(), text=text)


def _reopen_case(report: Report) -> None:
    case = report.case
    if case is not None and not case.removed and case.state == CaseState.CLOSED:
        try:
            with transaction.atomic():
                report.case = do_reopen(case, actor=system_actor())
        except CaseActionError:
            _case_note(report, _("Anmälaren har öppnat rapporten igen."))


def is_staff_for(user, report) -> bool:
    return has_perm(user, CHANGE_REPORT, report.body.organisation_id)


def add_update(
    report,
    *,
    text,
    name="",
    email="",
    user=None,
    mark_fixed=False,
    reopen=False,
    as_body=False,
    new_state=None,
    show_name=True,
    ip=None,
    duplicate_of=None,
) -> Update:
    """Add an update to a public report.

    Anyone may write; an update from someone not logged in waits for e-mail confirmation.
    The reporter (same e-mail or user) may mark the report fixed or reopen it. Staff of the
    receiving body may set a new public state (the case follows) and post as the body.
    """
    logged_in = bool(getattr(user, "is_authenticated", False))
    staff = logged_in and is_staff_for(user, report)
    if (as_body or new_state) and not staff:
        raise ReportError(_("Du saknar behörighet för detta."), code="permission_denied")
    if not report.is_public:
        raise ReportError(_("Rapporten finns inte."), code="not_found")
    text = (text or "").strip()
    if len(text) > 4000:
        raise ReportError(_("Texten får vara högst 4000 tecken."), code="text_too_long")
    if new_state and new_state not in PUBLIC_STATES:
        raise ReportError(_("Okänd status."), code="invalid_state")
    if not text and not (new_state or mark_fixed or reopen):
        raise ReportError(_("Skriv en uppdatering."), code="text_required")
    if logged_in:
        email = email or user.email
        name = name or getattr(user, "full_name", "")
    else:
        name = (name or "").strip()
        if not name:
            raise ReportError(_("Ange ditt namn."), code="name_required")
    email = clean_email(email, required=not logged_in)
    is_reporter = staff or (logged_in and report.user_id == user.pk)
    is_reporter = is_reporter or (email and email.lower() == report.reporter_email.lower())
    if (mark_fixed or reopen) and not is_reporter:
        raise ReportError(
            _("Bara den som rapporterade kan markera rapporten som åtgärdad eller öppna den igen."),
            code="not_reporter",
        )
    if not staff:
        ratelimit.hit("update_ip", ip)
        ratelimit.hit("update_email", email)
    abusive = not staff and is_abusive(email)
    with transaction.atomic():
        report = Report.objects.select_for_update().select_related("body").get(pk=report.pk)
        update = Update.objects.create(
            report=report,
            text=text,
            author_name=name[:200],
            author_email=email,
            show_name=bool(show_name) and not as_body,
            user=user if logged_in else None,
            is_staff_update=staff,
            posted_as_body=bool(as_body),
            new_state=new_state or "",
            mark_fixed=bool(mark_fixed),
            reopen=bool(reopen),
            hidden=abusive,
            hidden_reason="abuse" if abusive else "",
            ip_address=ip or None,
        )
        audit("create", actor=user, obj=update, organisation=report.body.organisation_id)
        if abusive:
            return update
        if logged_in:
            _publish(update, report, actor=user, duplicate_of=duplicate_of)
        else:
            token = issue_token(TokenPurpose.UPDATE, update.pk)
            send_mail(
                email,
                "confirm_update",
                {
                    "report": report,
                    "update": update,
                    "confirm_url": absolute("fixamingata:confirm_update", token=token.token),
                },
                language=request_language(),
            )
    return update


@transaction.atomic
def confirm_update(token: str) -> Update:
    row = use_token(token, TokenPurpose.UPDATE)
    update = Update.objects.select_related("report").get(pk=row.object_id)
    report = Report.objects.select_for_update().select_related("body").get(pk=update.report_id)
    if not report.is_public:
        raise ReportError(_("Rapporten finns inte längre."), code="not_found")
    _publish(update, report, actor=None)
    audit("update", actor=None, obj=update, changes={"confirmed": [False, True]})
    return update


def _publish(update: Update, report: Report, *, actor, duplicate_of=None) -> None:
    """Confirm the update and apply what it asks for."""
    update.confirmed = True
    update.confirmed_at = timezone.now()
    update.save(update_fields=["confirmed", "confirmed_at"])
    before = report.state
    if update.new_state:
        if update.new_state == ReportState.DUPLICATE:
            if duplicate_of is None or duplicate_of.pk == report.pk:
                raise ReportError(_("Ange vilken rapport det är en dubblett av."), code="dup")
            report.duplicate_of = duplicate_of
            report.save(update_fields=["duplicate_of"])
        _case_to_state(report, update.new_state, actor)
        apply_state(report, update.new_state)
    elif update.mark_fixed and report.state in OPEN_STATES:
        apply_state(report, ReportState.FIXED)
        _case_note(report, _("Anmälaren har markerat rapporten som åtgärdad."))
    elif update.reopen and report.state in FIXED_STATES | CLOSED_STATES:
        apply_state(report, ReportState.CONFIRMED)
        _reopen_case(report)
    if report.state != before:
        audit("update", actor=actor, obj=report, changes={"state": [before, report.state]})
    if update.text and not update.is_staff_update:
        _case_note(report, _("Ny uppdatering på FixaMinGata: %(t)s") % {"t": update.text})


@transaction.atomic
def set_state(report, *, actor, state: str, text: str = "", duplicate_of=None) -> Update:
    """Staff set the public state (the case follows), with a public update as the body."""
    if not is_staff_for(actor, report):
        raise ReportError(_("Du saknar behörighet för detta."), code="permission_denied")
    return add_update(
        report, text=text, user=actor, as_body=True, new_state=state, duplicate_of=duplicate_of
    )
