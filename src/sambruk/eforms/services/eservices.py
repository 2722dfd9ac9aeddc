"""The e-service publisher: create and change e-services (atomic, audited, validated).

Everything an e-service points at must belong to its organisation: the form version (and it
must be published), the queue, the case type and the labels. The address (``slug``) is part
of the permanent URL ``/e-tjanster/<organisation>/<slug>/`` that kommuner link to from their
websites, so it is set when the e-service is created and never changed afterwards.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from sambruk.cases.errors import CaseActionError
from sambruk.core.audit.models import AuditAction
from sambruk.core.audit.services import record

from ..models import EService, Signing, VersionStatus

#: Fields that :func:`do_update_eservice` may change (``labels`` is the many-to-many).
EDITABLE = (
    "name",
    "name_en",
    "description",
    "description_en",
    "form_version",
    "queue",
    "case_type",
    "labels",
    "login_required",
    "signing",
    "receipt_subject",
    "receipt_subject_en",
    "receipt_text",
    "receipt_text_en",
    "opens_at",
    "closes_at",
    "active",
    "listed",
    "draft_ttl_days",
)
MAX_DRAFT_TTL_DAYS = 365


class EServiceError(CaseActionError):
    """Refused: ``errors`` lists ``(field, Swedish message)`` for the error summary."""

    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__(errors[0][1], code="invalid_eservice")
        self.errors = errors


def validate(organisation, values: dict, *, slug: str | None = None, instance=None) -> None:
    """Raise :class:`EServiceError` with every problem of ``values`` (and ``slug``)."""
    errors: list[tuple[str, str]] = []
    org_id = organisation.pk
    if slug is not None:
        if not slug or slugify(slug) != slug:
            errors.append(("slug", _("Ange en adress med små bokstäver, siffror och bindestreck.")))
        elif EService.objects.filter(organisation_id=org_id, slug=slug).exists():
            errors.append(("slug", _("Adressen ”%(slug)s” används redan.") % {"slug": slug}))
    if not (values.get("name") or "").strip():
        errors.append(("name", _("Ange e-tjänstens namn.")))
    for field in ("name", "name_en", "receipt_subject", "receipt_subject_en"):
        if len(values.get(field) or "") > 200:
            errors.append((field, _("Texten får vara högst 200 tecken.")))
    version = values.get("form_version")
    if version is None:
        errors.append(("form_version", _("Välj en formulärversion.")))
    elif version.definition.organisation_id != org_id:
        errors.append(("form_version", _("Formuläret hör till en annan organisation.")))
    elif version.status != VersionStatus.PUBLISHED and not (
        instance is not None and instance.form_version_id == version.pk
    ):
        errors.append(("form_version", _("Välj en publicerad formulärversion.")))
    for field, missing, foreign in (
        ("queue", _("Välj en kö."), _("Kön hör till en annan organisation.")),
        ("case_type", _("Välj en ärendetyp."), _("Ärendetypen hör till en annan organisation.")),
    ):
        obj = values.get(field)
        if obj is None:
            errors.append((field, missing))
        elif obj.organisation_id != org_id:
            errors.append((field, foreign))
    if any(label.organisation_id != org_id for label in values.get("labels") or []):
        errors.append(("labels", _("En etikett hör till en annan organisation.")))
    signing = values.get("signing", Signing.NONE)
    if signing not in Signing.values:
        errors.append(("signing", _("Välj hur ansökan ska skrivas under.")))
    elif signing != Signing.NONE and not values.get("login_required"):
        errors.append(
            (
                "login_required",
                _("En e-tjänst med underskrift kräver inloggning med e-legitimation."),
            )
        )
    opens, closes = values.get("opens_at"), values.get("closes_at")
    if opens and closes and closes <= opens:
        errors.append(("closes_at", _("Stängningstiden måste vara efter öppningstiden.")))
    ttl = values.get("draft_ttl_days")
    if ttl is None or not 1 <= ttl <= MAX_DRAFT_TTL_DAYS:
        errors.append(
            (
                "draft_ttl_days",
                _("Utkast sparas mellan 1 och %(max)s dagar.") % {"max": MAX_DRAFT_TTL_DAYS},
            )
        )
    if errors:
        raise EServiceError(errors)


def _snapshot(eservice: EService) -> dict:
    data = {}
    for field in EDITABLE:
        if field == "labels":
            data[field] = sorted(eservice.labels.values_list("name", flat=True))
        else:
            value = getattr(eservice, field)
            data[field] = value.isoformat() if hasattr(value, "isoformat") else value
            if hasattr(value, "pk"):
                data[field] = str(value)
    return data


def do_create_eservice(*, actor, organisation, slug: str, values: dict) -> EService:
    """A new e-service of ``organisation`` at ``/e-tjanster/<org>/<slug>/``."""
    values = {**values, "name": (values.get("name") or "").strip()}
    with transaction.atomic():
        validate(organisation, values, slug=slug)
        labels = values.pop("labels", None) or []
        try:
            with transaction.atomic():
                eservice = EService.objects.create(organisation=organisation, slug=slug, **values)
        except IntegrityError as exc:  # a concurrent create took the address
            raise EServiceError(
                [("slug", _("Adressen ”%(slug)s” används redan.") % {"slug": slug})]
            ) from exc
        eservice.labels.set(labels)
        record(
            AuditAction.CREATE,
            actor=actor,
            obj=eservice,
            organisation=organisation,
            changes={"slug": slug, **_snapshot(eservice)},
        )
    return eservice


def do_update_eservice(eservice: EService, *, actor, values: dict) -> EService:
    """Change the e-service's settings (not its address). Audits the changed fields."""
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        eservice = EService.objects.select_for_update().get(pk=eservice.pk)
        before = _snapshot(eservice)
        merged = {
            field: (list(eservice.labels.all()) if field == "labels" else getattr(eservice, field))
            for field in EDITABLE
        }
        merged.update(values)
        merged["name"] = (merged.get("name") or "").strip()
        validate(eservice.organisation, merged, instance=eservice)
        labels = merged.pop("labels")
        for field, value in merged.items():
            setattr(eservice, field, value)
        eservice.save()
        eservice.labels.set(labels)
        after = _snapshot(eservice)
        changes = {k: [before[k], after[k]] for k in EDITABLE if before[k] != after[k]}
        if changes:
            record(
                AuditAction.UPDATE,
                actor=actor,
                obj=eservice,
                organisation=eservice.organisation,
                changes=changes,
            )
    return eservice
