"""Configuration of e-mail access points: validation and the audited save."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sambruk.core.audit.models import AuditAction
from sambruk.core.audit.services import record

from .models import EmailAccessPoint

FIELDS = (
    "organisation",
    "name",
    "address",
    "queue",
    "case_type",
    "catch_all",
    "send_receipt",
    "active",
)


def validate(point: EmailAccessPoint, labels=()) -> None:
    """Raise :class:`ValidationError` (field → Swedish message) for a wrong configuration."""
    errors = {}
    org_id = point.organisation_id
    point.address = (point.address or "").strip().lower()
    if point.queue_id and point.queue.organisation_id != org_id:
        errors["queue"] = _("Funktionen hör till en annan organisation.")
    if point.case_type_id and point.case_type.organisation_id != org_id:
        errors["case_type"] = _("Ärendetypen hör till en annan organisation.")
    if any(label.organisation_id != org_id for label in labels):
        errors["labels"] = _("En etikett hör till en annan organisation.")
    if point.address.split("@", 1)[0].startswith("svar+"):
        errors["address"] = _("Adresser som börjar med svar+ används för svar i konversationer.")
    clash = EmailAccessPoint.objects.filter(address=point.address).exclude(pk=point.pk)
    if point.address and clash.exists():
        errors["address"] = _("Adressen används redan av en annan e-postingång.")
    if point.catch_all and point.active:
        others = (
            EmailAccessPoint.objects.filter(
                catch_all=True,
                active=True,
                address__endswith="@" + point.address.rsplit("@", 1)[-1],
            )
            .exclude(pk=point.pk)
            .first()
        )
        if others is not None:
            errors["catch_all"] = _("%(address)s tar redan emot okända adresser i domänen.") % {
                "address": others.address
            }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_access_point(point: EmailAccessPoint, *, actor, labels=None) -> EmailAccessPoint:
    """Validate, save and audit (create or update) an access point."""
    creating = point.pk is None
    before = {}
    if not creating:
        old = EmailAccessPoint.objects.get(pk=point.pk)
        before = {f: str(getattr(old, f)) for f in FIELDS}
    validate(point, labels if labels is not None else (point.labels.all() if point.pk else ()))
    point.save()
    if labels is not None:
        point.labels.set(labels)
    after = {f: str(getattr(point, f)) for f in FIELDS}
    record(
        AuditAction.CREATE if creating else AuditAction.UPDATE,
        actor=actor,
        obj=point,
        organisation=point.organisation_id,
        changes={f: [before.get(f), v] for f, v in after.items() if before.get(f) != v},
    )
    return point
