"""Moving a report to another body, and moderation (hide, edit, flag, abuse list)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sambruk.cases.errors import CaseActionError
from sambruk.cases.services import do_add_note, do_change_status, do_send_to_queue
from sambruk.core.authz.permissions import has_perm

from ..casesetup import ensure_case_setup
from ..errors import ReportError
from ..models import (
    AbuseEntry,
    AbuseKind,
    Category,
    FlaggedUser,
    Report,
    ReportState,
    SendState,
    Update,
)
from ..routing import check_category_at_point
from .common import (
    CHANGE_REPORT,
    MODERATE,
    audit,
    public_update,
    require_perm,
    reset_delivery,
    schedule_delivery,
)
from .reports import create_case

PURPOSE = "moderering"
DOMAIN_RE = re.compile(r"^(?=.{4,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$")


@transaction.atomic
def move_report(report, *, actor, category: Category, note: str = "") -> Report:
    """Change the category; to another body's category moves the report to that body.

    Another body: the case is sent to that organisation's FixaMinGata queue (it gets its own
    case; the sender's case is closed as *Skickad vidare* where its table allows), the
    report is re-sent through the new contact, and a public update says where it went.
    """
    require_perm(actor, CHANGE_REPORT, report)
    report = Report.objects.select_for_update().select_related("body", "category").get(pk=report.pk)
    if category is None or not category.active:
        raise ReportError(_("Välj en aktiv kategori."), code="category_required")
    if category.pk == report.category_id:
        raise ReportError(_("Rapporten har redan den kategorin."), code="same_category")
    check_category_at_point(category, report.lat, report.lon)
    old_body, old_category = report.body, report.category
    new_body = category.body
    route_changed = (
        new_body.pk != old_body.pk
        or category.effective_send_method != old_category.effective_send_method
        or category.effective_email != old_category.effective_email
        or category.external_service_code != old_category.external_service_code
    )
    report.category = category
    fields = ["category", "updated_at"]
    if new_body.pk != old_body.pk:
        report.body = new_body
        fields.append("body")
        if report.case_id is not None:
            report.case = _send_case(report, actor, new_body, note)
            fields.append("case")
        text = _("Ärendet har flyttats till %(body)s.") % {"body": new_body.name}
    else:
        text = _("Kategorin har ändrats till %(c)s.") % {"c": category.name}
        if report.case is not None and not report.case.removed:
            do_add_note(report.case, actor=actor, text=text)
    if route_changed and report.state != "unconfirmed":
        fields += reset_delivery(report)
    report.save(update_fields=fields)
    if report.state != "unconfirmed":
        public_update(report, text=text, user=actor)
        if route_changed:
            schedule_delivery(report)
    audit(
        "update",
        actor=actor,
        obj=report,
        organisation=old_body.organisation_id,
        changes={"category": [old_category.pk, category.pk], "body": [old_body.pk, new_body.pk]},
    )
    return report


def move_with_sent_case(report, category: Category, received, *, actor) -> Report:
    """The case of ``report`` was sent to another organisation (the workspace's own "send"),
    which received it as ``received``: the report follows to ``category`` (a category of that
    organisation's body at the report's point), is re-delivered and a public update says so.
    The caller holds the report's row lock (the case event handler)."""
    old_body, old_category = report.body, report.category
    new_body = category.body
    report.body = new_body
    report.category = category
    report.case = received
    fields = ["body", "category", "case", "updated_at"]
    confirmed = report.state != ReportState.UNCONFIRMED
    if confirmed:
        fields += reset_delivery(report)
    report.save(update_fields=fields)
    if confirmed:
        public_update(
            report,
            text=_("Ärendet har flyttats till %(body)s.") % {"body": new_body.name},
            user=actor,
        )
        schedule_delivery(report)
    audit(
        "update",
        actor=actor,
        obj=report,
        organisation=old_body.organisation_id,
        changes={
            "category": [old_category.pk, category.pk],
            "body": [old_body.pk, new_body.pk],
            "case": ["sent", received.pk],
        },
    )
    return report


def _send_case(report, actor, new_body, note):
    """The case of the report in ``new_body``'s organisation after the move."""
    _type, queue = ensure_case_setup(new_body.organisation)
    old = report.case
    if old.removed or old.state == "closed" or old.is_draft:
        return create_case(report, organisation=new_body.organisation)
    received = do_send_to_queue(old, actor=actor, queue=queue, note=note)
    target = old.case_type.statuses.filter(code="vidarebefordrad").first()
    if target is not None:
        try:
            with transaction.atomic():
                resolution = None
                if old.case_type.resolution_required:
                    resolution = old.case_type.resolutions.filter(active=True).first()
                do_change_status(old, actor=actor, to=target, resolution=resolution)
        except CaseActionError:
            pass  # the sender closes its own case when its table does not allow this
    return received


def _moderator(actor, report) -> None:
    require_perm(actor, MODERATE, report)


@transaction.atomic
def hide_report(report, *, actor, reason: str = "") -> Report:
    _moderator(actor, report)
    report = Report.objects.select_for_update().get(pk=report.pk)
    report.hidden, report.hidden_reason = True, (reason or "").strip()[:200]
    report.save(update_fields=["hidden", "hidden_reason", "updated_at"])
    audit(
        "update",
        actor=actor,
        obj=report,
        changes={"hidden": [False, True], "reason": reason},
        purpose=PURPOSE,
    )
    return report


@transaction.atomic
def unhide_report(report, *, actor) -> Report:
    _moderator(actor, report)
    report = Report.objects.select_for_update().get(pk=report.pk)
    report.hidden, report.hidden_reason = False, ""
    report.save(update_fields=["hidden", "hidden_reason", "updated_at"])
    audit("update", actor=actor, obj=report, changes={"hidden": [True, False]}, purpose=PURPOSE)
    if (
        report.state != ReportState.UNCONFIRMED
        and report.send_state == SendState.UNSENT
        and report.sent_at is None
    ):
        schedule_delivery(report)  # hidden before it was ever sent: deliver it now
    return report


@transaction.atomic
def hide_update(update, *, actor, reason: str = "") -> Update:
    _moderator(actor, update.report)
    update = Update.objects.select_for_update().get(pk=update.pk)
    update.hidden, update.hidden_reason = True, (reason or "").strip()[:200]
    update.save(update_fields=["hidden", "hidden_reason"])
    audit(
        "update",
        actor=actor,
        obj=update,
        organisation=update.report.body.organisation_id,
        changes={"hidden": [False, True], "reason": reason},
        purpose=PURPOSE,
    )
    return update


@transaction.atomic
def edit_report(report, *, actor, title: str | None = None, detail: str | None = None) -> Report:
    """Moderate title/description; the first original is kept, every edit is audited."""
    _moderator(actor, report)
    report = Report.objects.select_for_update().get(pk=report.pk)
    changes = {}
    if title is not None:
        title = title.strip()
        if not title or len(title) > 200:
            raise ReportError(_("Rubriken måste vara 1–200 tecken."), code="invalid_title")
        if title != report.title:
            changes["title"] = [report.title, title]
    if detail is not None and detail.strip() != report.detail:
        changes["detail"] = [report.detail, detail.strip()]
    if not changes:
        return report
    if report.edited_at is None:
        report.original_title, report.original_detail = report.title, report.detail
    if "title" in changes:
        report.title = changes["title"][1]
    if "detail" in changes:
        report.detail = changes["detail"][1]
    report.edited_at = timezone.now()
    report.save(
        update_fields=[
            "title",
            "detail",
            "original_title",
            "original_detail",
            "edited_at",
            "updated_at",
        ]
    )
    audit("update", actor=actor, obj=report, changes=changes, purpose=PURPOSE)
    return report


@transaction.atomic
def flag_user(*, actor, email: str, reason: str = "", report=None) -> FlaggedUser:
    """Flag a reporter for the moderators (optionally flagging one report too)."""
    if report is not None:
        _moderator(actor, report)
        Report.objects.filter(pk=report.pk).update(flagged=True)
    elif not getattr(actor, "is_superuser", False):
        raise ReportError(_("Du saknar behörighet för detta."), code="permission_denied")
    email = (email or "").strip().lower()
    if not email:
        raise ReportError(_("Ange en e-postadress."), code="email_required")
    flag, _created = FlaggedUser.objects.update_or_create(
        email=email, defaults={"reason": reason[:300], "flagged_by": actor}
    )
    audit(
        "update",
        actor=actor,
        obj=flag,
        changes={"flagged": email, "reason": reason},
        purpose=PURPOSE,
    )
    return flag


@transaction.atomic
def add_abuse_entry(*, actor, value: str, reason: str = "") -> AbuseEntry:
    """Add an e-mail address or a domain (no ``@``) to the national abuse list.

    A moderator (``fixamingata.moderate`` in some organisation) may add an e-mail address;
    a whole domain hides content from everyone there in every kommun, so only the
    FixaMinGata administrators (superusers) add domains.
    """
    is_admin = getattr(actor, "is_superuser", False)
    if not is_admin and not has_perm(actor, MODERATE):
        raise ReportError(_("Du saknar behörighet för detta."), code="permission_denied")
    value = (value or "").strip().lower()
    if not value:
        raise ReportError(_("Ange en e-postadress eller domän."), code="value_required")
    kind = AbuseKind.EMAIL if "@" in value else AbuseKind.DOMAIN
    if kind == AbuseKind.EMAIL:
        try:
            validate_email(value)
        except ValidationError:
            raise ReportError(_("Ange en giltig e-postadress."), code="invalid_email") from None
    else:
        if not DOMAIN_RE.match(value):
            raise ReportError(
                _("Ange en giltig domän, till exempel exempel.se."), code="invalid_domain"
            )
        if not is_admin:
            raise ReportError(
                _("Bara FixaMinGatas administratörer kan spärra en hel domän."),
                code="permission_denied",
            )
    entry, _created = AbuseEntry.objects.get_or_create(
        kind=kind, value=value, defaults={"reason": reason[:300], "created_by": actor}
    )
    audit(
        "create",
        actor=actor,
        obj=entry,
        changes={"value": value, "reason": reason},
        purpose=PURPOSE,
    )
    return entry


@transaction.atomic
def remove_abuse_entry(entry: AbuseEntry, *, actor) -> None:
    """Take an address (moderators) or a domain (administrators) off the abuse list."""
    is_admin = getattr(actor, "is_superuser", False)
    if not is_admin and (entry.kind != AbuseKind.EMAIL or not has_perm(actor, MODERATE)):
        raise ReportError(_("Du saknar behörighet för detta."), code="permission_denied")
    audit("delete", actor=actor, obj=entry, changes={"value": entry.value}, purpose=PURPOSE)
    entry.delete()


@transaction.atomic
def unhide_update(update, *, actor) -> Update:
    _moderator(actor, update.report)
    update = Update.objects.select_for_update().get(pk=update.pk)
    update.hidden, update.hidden_reason = False, ""
    update.save(update_fields=["hidden", "hidden_reason"])
    audit(
        "update",
        actor=actor,
        obj=update,
        organisation=update.report.body.organisation_id,
        changes={"hidden": [True, False]},
        purpose=PURPOSE,
    )
    return update


@transaction.atomic
def unflag_user(flag: FlaggedUser, *, actor, report=None) -> None:
    """Remove a flag (a moderator of one of the author's reports, or an administrator);
    the author's reports in the moderator's organisations are unflagged too."""
    is_admin = getattr(actor, "is_superuser", False)
    if report is not None:
        _moderator(actor, report)
    elif not is_admin:
        raise ReportError(_("Du saknar behörighet för detta."), code="permission_denied")
    reports = Report.objects.filter(reporter_email__iexact=flag.email, flagged=True)
    if not is_admin:
        reports = reports.restrict(actor, MODERATE)
    reports.update(flagged=False)
    audit("delete", actor=actor, obj=flag, changes={"flagged": flag.email}, purpose=PURPOSE)
    flag.delete()
