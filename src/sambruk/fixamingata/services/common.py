"""Helpers shared by the FixaMinGata services: tokens, audit, abuse list, delivery, mail."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sambruk.cases.system import SystemActor
from sambruk.core.audit.services import record
from sambruk.core.authz.permissions import has_perm
from sambruk.core.notifications.services import queue_email

from ..errors import ReportError
from ..models import AbuseEntry, AbuseKind, ConfirmationToken, Update

#: The actor of changes FixaMinGata makes on a case for a citizen (no user account).
FMG_ACTOR_LABEL = "FixaMinGata"

TOKEN_DAYS = {"report": 14, "update": 14, "alert": 30, "questionnaire": 90}

MODERATE = "fixamingata.moderate"
CHANGE_REPORT = "fixamingata.change_report"


def system_actor(text: str = "") -> SystemActor:
    return SystemActor(FMG_ACTOR_LABEL, log_text=text)


def new_secret() -> str:
    return secrets.token_urlsafe(24)


def issue_token(purpose: str, obj_id: int, *, now=None) -> ConfirmationToken:
    now = now or timezone.now()
    days = getattr(settings, "FIXAMINGATA_TOKEN_DAYS", {}).get(purpose, TOKEN_DAYS[purpose])
    return ConfirmationToken.objects.create(
        purpose=purpose, object_id=obj_id, token=new_secret(), expires_at=now + timedelta(days=days)
    )


def use_token(token: str, purpose: str, *, consume: bool = True) -> ConfirmationToken:
    """Lock and check a token; mark it used. Swedish errors for unknown/expired/used."""
    row = (
        ConfirmationToken.objects.select_for_update()
        .filter(token=(token or "").strip(), purpose=purpose)
        .first()
    )
    if row is None:
        raise ReportError(
            _("Länken är ogiltig. Kontrollera att du kopierat hela länken."), code="token_invalid"
        )
    if row.used_at is not None:
        raise ReportError(_("Länken har redan använts."), code="token_used")
    if row.expires_at <= timezone.now():
        raise ReportError(
            _("Länken har slutat gälla. Skicka in på nytt för att få en ny länk."),
            code="token_expired",
        )
    if consume:
        row.used_at = timezone.now()
        row.save(update_fields=["used_at"])
    return row


def is_abusive(email: str) -> bool:
    email = (email or "").strip().lower()
    if not email:
        return False
    domain = email.rsplit("@", 1)[-1]
    return AbuseEntry.objects.filter(
        Q(kind=AbuseKind.EMAIL, value=email) | Q(kind=AbuseKind.DOMAIN, value=domain)
    ).exists()


def audit(action: str, *, actor, obj, organisation=None, changes=None, purpose: str = ""):
    if organisation is None and hasattr(obj, "body_id"):
        organisation = obj.body.organisation_id
    actor = actor if getattr(actor, "is_authenticated", False) else None
    return record(
        action, actor=actor, obj=obj, organisation=organisation, changes=changes, purpose=purpose
    )


def require_perm(actor, perm: str, report) -> None:
    if not has_perm(actor, perm, report.body.organisation_id):
        raise ReportError(_("Du saknar behörighet för detta."), code="permission_denied")


def schedule_delivery(report, *, mark_due: bool = True) -> None:
    """Mark the report due and enqueue its delivery after commit (see
    :func:`sambruk.fixamingata.delivery.schedule_delivery`)."""
    from sambruk.fixamingata import delivery  # delivery imports this module

    delivery.schedule_delivery(report, mark_due=mark_due)


def reset_delivery(report) -> list[str]:
    """Forget the report's delivery to its old contact, so it is delivered anew (moving it to
    another category or body). Returns the fields changed, for ``save(update_fields=…)``."""
    from sambruk.fixamingata.models import SendState

    report.send_state = SendState.UNSENT
    report.send_attempts = 0
    report.send_next_attempt_at = None
    report.send_last_error = ""
    report.external_id = ""
    return ["send_state", "send_attempts", "send_next_attempt_at", "send_last_error", "external_id"]


def request_language() -> str:
    """The language of the citizen's current request (``sv`` outside a request).

    The confirmation mails are queued while the citizen's request is handled, so they are
    written in the language the citizen used the site in.
    """
    try:
        return translation.get_supported_language_variant(translation.get_language() or "")
    except LookupError:
        return settings.LANGUAGE_CODE


def send_mail(
    to: str, template: str, context: dict, organisation=None, headers=None, language: str = "sv"
) -> None:
    if to:
        queue_email(
            to=to,
            template=f"fixamingata/email/{template}",
            context=context,
            organisation=organisation,
            headers=headers,
            language=language,
        )


def public_update(report, *, text: str, user=None, new_state: str = "", **fields) -> Update:
    """A confirmed update by the body (staff or the system) on the public timeline."""
    return Update.objects.create(
        report=report,
        text=text,
        user=user if getattr(user, "is_authenticated", False) else None,
        is_staff_update=True,
        posted_as_body=True,
        new_state=new_state,
        confirmed=True,
        confirmed_at=timezone.now(),
        **fields,
    )
