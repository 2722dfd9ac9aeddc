"""Mina sidor: every state change (profile, e-mail verification) and the new-message notice.

Case data is read and written only through :mod:`sambruk.cases.services.citizen`.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sambruk.cases.services.citizen import Citizen, do_claim_email, notice_recipients
from sambruk.core.audit.models import AuditAction
from sambruk.core.audit.services import record
from sambruk.core.notifications.services import queue_email

from .models import CitizenProfile, SmsMessage, VerifiedEmail
from .sms import get_sender, normalise_phone

log = logging.getLogger(__name__)

VERIFY_SALT = "portal.verify-email"
VERIFY_MAX_AGE = 60 * 60 * 48


class PortalError(Exception):
    """A refused change, with a Swedish message for the citizen and a stable code."""

    def __init__(self, message: str, *, code: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


def is_citizen(user) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "kind", "") == "citizen"
        and getattr(user, "civic_number", "")
    )


def verified_emails(user) -> list[str]:
    return list(VerifiedEmail.objects.filter(user=user).values_list("email", flat=True))


def citizen_for(user) -> Citizen:
    """The citizen as the case engine knows them: civic number and verified addresses."""
    return Citizen.of(user, verified_emails(user))


def owners_of_address(email: str) -> list:
    """``[(Citizen, Person | None)]`` of the citizens who verified ``email`` (the case engine
    asks, so that such an address takes part in a conversation as the citizen)."""
    users = [
        row.user
        for row in VerifiedEmail.objects.filter(email__iexact=email.strip()).select_related("user")
    ]
    return [(citizen_for(user), person_for(user)) for user in users]


def person_for(user):
    from sambruk.core.persons.models import Person

    return Person.objects.filter(civic_number=user.civic_number).first()


def profile_for(user) -> CitizenProfile:
    """The profile (unsaved defaults when the citizen never saved one)."""
    return CitizenProfile.objects.filter(user=user).first() or CitizenProfile(user=user)


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


# --- profile -----------------------------------------------------------------------------
@transaction.atomic
def do_update_profile(
    user, *, actor, email: str = "", phone: str = "", notify_email=True, notify_sms=False
) -> CitizenProfile:
    """Save contact details and preferences. A new e-mail address gets a verification link
    (notices go to it only once verified). SMS notices need a mobile number."""
    email = (email or "").strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise PortalError(
                _("Ange en giltig e-postadress, till exempel namn@exempel.se."),
                code="invalid_email",
                field="email",
            ) from None
    phone = (phone or "").strip()
    normalised = ""
    if phone:
        normalised = normalise_phone(phone)
        if normalised is None:
            raise PortalError(
                _("Ange ett mobilnummer, till exempel 070-123 45 67."),
                code="invalid_phone",
                field="phone",
            )
    if notify_sms and not normalised:
        raise PortalError(
            _("Ange ett mobilnummer för att få avisering med sms."),
            code="phone_required",
            field="phone",
        )
    profile = CitizenProfile.objects.select_for_update().filter(user=user).first()
    before = {}
    if profile is None:
        profile = CitizenProfile(user=user)
    else:
        before = {
            "email": profile.email,
            "phone": profile.phone,
            "notify_email": profile.notify_email,
            "notify_sms": profile.notify_sms,
        }
    profile.email = email
    profile.phone = normalised
    profile.notify_email = bool(notify_email)
    profile.notify_sms = bool(notify_sms)
    profile.save()
    after = {
        "email": profile.email,
        "phone": profile.phone,
        "notify_email": profile.notify_email,
        "notify_sms": profile.notify_sms,
    }
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    record(
        AuditAction.UPDATE if before else AuditAction.CREATE,
        actor=actor,
        obj=profile,
        person=person_for(user),
        changes=changes,
    )
    if email and "email" in changes and email not in verified_emails(user):
        _send_verification(user, email)
    return profile


def verification_token(user, email: str) -> str:
    return signing.dumps({"u": user.pk, "e": email}, salt=VERIFY_SALT, compress=True)


def _send_verification(user, email: str) -> None:
    url = site_url(reverse("portal:verify_email", args=[verification_token(user, email)]))
    queue_email(
        to=email,
        template="portal/email/verify_email",
        context={"verify_url": url, "hours": VERIFY_MAX_AGE // 3600},
        language=getattr(user, "language", "sv") or "sv",
    )


@transaction.atomic
def do_resend_verification(user, *, actor) -> None:
    profile = profile_for(user)
    if not profile.pk or not profile.email:
        raise PortalError(_("Ange en e-postadress först."), code="no_email", field="email")
    if profile.email in verified_emails(user):
        raise PortalError(_("E-postadressen är redan bekräftad."), code="already_verified")
    _send_verification(user, profile.email)
    record(AuditAction.UPDATE, actor=actor, obj=profile, changes={"verification_sent": True})


@transaction.atomic
def do_verify_email(user, *, actor, token: str) -> VerifiedEmail:
    """Confirm an address from the e-mailed link (only by the citizen who asked for it). The
    address's external conversation rows on the citizen's cases move to Mina sidor."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.SignatureExpired:
        raise PortalError(
            _("Länken har gått ut. Be om en ny länk på din profilsida."), code="expired"
        ) from None
    except signing.BadSignature:
        raise PortalError(_("Länken är ogiltig."), code="invalid_token") from None
    if data.get("u") != user.pk or not data.get("e"):
        raise PortalError(_("Länken är ogiltig."), code="invalid_token")
    email = str(data["e"]).lower()
    row, created = VerifiedEmail.objects.get_or_create(
        user=user, email=email, defaults={"verified_at": timezone.now()}
    )
    if created:
        record(
            AuditAction.CREATE,
            actor=actor,
            obj=row,
            person=person_for(user),
            changes={"email": email},
        )
        do_claim_email(actor=actor, citizen=citizen_for(user), person=person_for(user), email=email)
    return row


@transaction.atomic
def do_remove_verified_email(user, *, actor, pk) -> None:
    row = VerifiedEmail.objects.filter(user=user, pk=pk).first()
    if row is None:
        raise PortalError(_("Adressen finns inte."), code="not_found")
    record(AuditAction.DELETE, actor=actor, obj=row, changes={"email": row.email})
    row.delete()


# --- the new-message notice ------------------------------------------------------------
def on_case_event(event) -> None:
    """``cases.events`` subscriber: a message in a conversation where citizens take part →
    each of them (except the author) gets a notice by e-mail and/or SMS that says only that
    there is a new message on Mina sidor — never the case, the topic or the text (secrecy)."""
    persons = notice_recipients(event)
    if not persons:
        return
    with transaction.atomic():
        for person in persons:
            notify_new_message(person, organisation=event.case.organisation)


def _citizen_user(person):
    from sambruk.core.accounts.models import User, UserKind

    return User.objects.filter(
        kind=UserKind.CITIZEN, civic_number=person.civic_number, is_active=True
    ).first()


def notify_new_message(person, *, organisation=None) -> dict:
    """Queue the notice for ``person``; returns ``{"email": address|None, "sms": row|None}``.

    E-mail: the profile's verified address when e-mail notices are on; a person who never
    saved a profile gets it at the address the register has for them, if any. SMS: only
    when the citizen asked for it and SMS is configured (``SMS_GATEWAY_URL``).
    """
    user = _citizen_user(person)
    profile = CitizenProfile.objects.filter(user=user).first() if user else None
    language = getattr(user, "language", "sv") or "sv"
    sent = {"email": None, "sms": None}
    address = ""
    if profile is None:
        address = person.email
    elif profile.notify_email and profile.email in verified_emails(user):
        address = profile.email
    if address:
        queue_email(
            to=address,
            template="portal/email/new_message",
            context={"portal_url": site_url(reverse("portal:home"))},
            language=language,
            organisation=organisation,
        )
        sent["email"] = address
    if profile is not None and profile.notify_sms and profile.phone and get_sender() is not None:
        sms = SmsMessage.objects.create(user=user, to=profile.phone, body=sms_text(language))
        transaction.on_commit(lambda pk=sms.pk: _schedule_sms(pk))
        sent["sms"] = sms
    return sent


def sms_text(language: str = "sv") -> str:
    from django.utils import translation

    with translation.override(language):
        return _("Du har ett nytt meddelande på Mina sidor: %(url)s") % {
            "url": site_url(reverse("portal:home"))
        }


def _schedule_sms(pk: int) -> None:
    from .tasks import deliver_sms

    try:
        deliver_sms(pk)
    except Exception:  # noqa: BLE001 — the task retries; a failure is recorded on the row
        log.warning("SMS %s: first attempt failed, retrying later", pk)
