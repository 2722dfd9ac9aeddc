"""Form definitions and versions: every change is a function here (atomic, audited).

A published version is never changed: :func:`update_draft` refuses anything but a draft,
and the model refuses too (:class:`~sambruk.eforms.models.ImmutableVersionError`). Editing a
published form means :func:`create_draft_version` from it, then publishing the new draft.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sambruk.cases.errors import CaseActionError
from sambruk.core.audit.models import AuditAction
from sambruk.core.audit.services import record

from ..definition import DefinitionError, validate_definition
from ..models import EService, FormDefinition, FormVersion, VersionStatus

#: The document a brand-new form starts with.
EMPTY_SCHEMA = {
    "formatVersion": 1,
    "pages": [
        {
            "title": {"sv": "Dina uppgifter", "en": "Your details"},
            "fields": [
                {
                    "type": "text",
                    "name": "namn",
                    "label": {"sv": "Namn", "en": "Name"},
                    "required": True,
                    "prefill": "eleg.full_name",
                }
            ],
        }
    ],
}


def create_definition(*, actor, organisation, code: str, name: str, schema=None) -> FormVersion:
    """A new form with its first draft version (``schema`` or a one-field starter)."""
    with transaction.atomic():
        if FormDefinition.objects.filter(organisation=organisation, code=code).exists():
            raise CaseActionError(
                _("Det finns redan ett formulär med koden ”%(code)s”.") % {"code": code},
                code="duplicate_code",
            )
        definition = FormDefinition.objects.create(organisation=organisation, code=code, name=name)
        record(
            AuditAction.CREATE,
            actor=actor,
            obj=definition,
            organisation=organisation,
            changes={"code": code, "name": name},
        )
        return _new_version(definition, actor=actor, schema=schema or EMPTY_SCHEMA)


def create_draft_version(definition, *, actor, from_version=None) -> FormVersion:
    """A new draft copied from ``from_version`` (default: the newest version)."""
    with transaction.atomic():
        definition = FormDefinition.objects.select_for_update().get(pk=definition.pk)
        existing = definition.versions.filter(status=VersionStatus.DRAFT).first()
        if existing is not None:
            raise CaseActionError(
                _("Det finns redan ett utkast (version %(n)s). Ändra det i stället.")
                % {"n": existing.number},
                code="draft_exists",
            )
        if from_version is not None and from_version.definition_id != definition.pk:
            raise CaseActionError(_("Versionen hör till ett annat formulär."), code="invalid")
        source = from_version or definition.versions.order_by("-number").first()
        schema = source.schema if source is not None else EMPTY_SCHEMA
        return _new_version(definition, actor=actor, schema=schema, source=source)


def _new_version(definition, *, actor, schema, source=None) -> FormVersion:
    number = (definition.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = FormVersion.objects.create(
        definition=definition, number=number, schema=schema, created_by=_user(actor)
    )
    record(
        AuditAction.CREATE,
        actor=actor,
        obj=version,
        organisation=definition.organisation_id,
        changes={"number": number, "from_version": source.number if source else None},
    )
    return version


def update_draft(version, *, actor, schema) -> list[DefinitionError]:
    """Save a new document in a draft. Returns the validation errors; nothing saved if any."""
    errors = validate_definition(schema)
    if errors:
        return errors
    with transaction.atomic():
        locked = _lock(version)
        if locked.status != VersionStatus.DRAFT:
            raise CaseActionError(
                _(
                    "Version %(n)s är publicerad och kan inte ändras. Skapa en ny version för "
                    "att göra ändringar."
                )
                % {"n": locked.number},
                code="immutable",
            )
        locked.schema = schema
        locked.save(update_fields=["schema", "updated_at"])
        record(
            AuditAction.UPDATE,
            actor=actor,
            obj=locked,
            organisation=locked.definition.organisation_id,
            changes={"schema": "ändrad"},
        )
    version.refresh_from_db()
    return []


def publish(version, *, actor) -> FormVersion:
    """Publish a valid draft. From now on it cannot change."""
    with transaction.atomic():
        locked = _lock(version)
        if locked.status != VersionStatus.DRAFT:
            raise CaseActionError(
                _("Version %(n)s är redan %(status)s.")
                % {"n": locked.number, "status": locked.get_status_display().lower()},
                code="not_draft",
            )
        errors = validate_definition(locked.schema)
        if errors:
            raise CaseActionError(
                _("Versionen kan inte publiceras: %(errors)s")
                % {"errors": " ".join(str(e) for e in errors[:5])},
                code="invalid_definition",
            )
        locked.status = VersionStatus.PUBLISHED
        locked.published_at = timezone.now()
        locked.published_by = _user(actor)
        locked.save(update_fields=["status", "published_at", "published_by", "updated_at"])
        record(
            AuditAction.UPDATE,
            actor=actor,
            obj=locked,
            organisation=locked.definition.organisation_id,
            changes={"status": [VersionStatus.DRAFT, VersionStatus.PUBLISHED]},
        )
    return locked


def retire(version, *, actor) -> FormVersion:
    """Withdraw a published version; refused while an active e-service still uses it."""
    with transaction.atomic():
        locked = _lock(version)
        if locked.status != VersionStatus.PUBLISHED:
            raise CaseActionError(
                _("Bara en publicerad version kan dras tillbaka."), code="not_published"
            )
        in_use = EService.objects.filter(form_version=locked, active=True).first()
        if in_use is not None:
            raise CaseActionError(
                _(
                    "Version %(n)s används av e-tjänsten ”%(service)s”. Byt formulärversion i "
                    "e-tjänsten först."
                )
                % {"n": locked.number, "service": in_use.name},
                code="in_use",
            )
        locked.status = VersionStatus.RETIRED
        locked.retired_at = timezone.now()
        locked.save(update_fields=["status", "retired_at", "updated_at"])
        record(
            AuditAction.UPDATE,
            actor=actor,
            obj=locked,
            organisation=locked.definition.organisation_id,
            changes={"status": [VersionStatus.PUBLISHED, VersionStatus.RETIRED]},
        )
    return locked


def _lock(version) -> FormVersion:
    return FormVersion.objects.select_for_update().select_related("definition").get(pk=version.pk)


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None
