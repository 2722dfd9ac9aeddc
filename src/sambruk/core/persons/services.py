"""All writes to the person register (one transaction each, audited).

Modules that receive a civic number (an e-service, an integration) call
:func:`get_or_create_person`; nothing else calls ``Person.save()``. To show a person, use
:mod:`sambruk.core.persons.protection`.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sambruk.core.audit.models import AuditAction
from sambruk.core.audit.services import diff, record, snapshot

from .models import PROTECTED_FIELDS, Person
from .personnummer import Personnummer

# Fields a caller may set; everything else (id, timestamps) is managed here.
EDITABLE_FIELDS = ("civic_number", "given_name", "family_name", *PROTECTED_FIELDS, "protection")
AUDITED_FIELDS = EDITABLE_FIELDS
HIDDEN_VALUE = "***"


def create_person(*, actor, civic_number, given_name: str, family_name: str, **fields) -> Person:
    """Create a person; ``ValidationError`` (in Swedish) and nothing written when invalid."""
    _check_field_names(fields)
    value = _parse(civic_number)
    person = Person(civic_number=value, given_name=given_name, family_name=family_name, **fields)
    person.full_clean(validate_unique=False)
    if Person.objects.filter(civic_number=value).exists():
        raise ValidationError(
            {"civic_number": [_("Det finns redan en person med det personnumret.")]},
            code="unique",
        )
    with transaction.atomic():
        person.save()
        after = snapshot(person, AUDITED_FIELDS)
        changes = {name: [None, v] for name, v in after.items() if v not in ("", None)}
        record(
            AuditAction.CREATE,
            actor=actor,
            obj=person,
            person=person,
            changes=_redact(person, changes, protected=person.is_protected),
        )
    return person


def update_person(person: Person, *, actor, **changes) -> Person:
    """Change fields of ``person``; writes an audit event with the changed fields only."""
    _check_field_names(changes)
    if "civic_number" in changes:
        changes["civic_number"] = _parse(changes["civic_number"])
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        was_protected = locked.is_protected
        before = snapshot(locked, AUDITED_FIELDS)
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.full_clean(validate_unique=False)
        if (
            "civic_number" in changes
            and Person.objects.filter(civic_number=locked.civic_number)
            .exclude(pk=locked.pk)
            .exists()
        ):
            raise ValidationError(
                {"civic_number": [_("Det finns redan en person med det personnumret.")]},
                code="unique",
            )
        changed = diff(locked, before, AUDITED_FIELDS)
        if changed:
            locked.save()
            record(
                AuditAction.UPDATE,
                actor=actor,
                obj=locked,
                person=locked,
                changes=_redact(locked, changed, protected=was_protected or locked.is_protected),
            )
    # Keep the caller's instance in step with the database.
    for name in (*EDITABLE_FIELDS, "updated_at"):
        setattr(person, name, getattr(locked, name))
    return person


def get_or_create_person(
    *, actor, civic_number, given_name: str = "", family_name: str = "", **fields
) -> tuple[Person, bool]:
    """The person with this civic number, created (audited) when unknown.

    An existing person is returned unchanged: the names and address a module receives are
    not authoritative for the register (update through :func:`update_person`).
    """
    value = _parse(civic_number)
    person = Person.objects.filter(civic_number=value).first()
    if person is not None:
        return person, False
    if not given_name or not family_name:
        raise ValidationError(
            _("Ange för- och efternamn för att registrera en ny person."), code="required"
        )
    try:
        with transaction.atomic():
            return (
                create_person(
                    actor=actor,
                    civic_number=value,
                    given_name=given_name,
                    family_name=family_name,
                    **fields,
                ),
                True,
            )
    except (IntegrityError, ValidationError) as exc:
        # Another process registered the same number in between.
        person = Person.objects.filter(civic_number=value).first()
        if person is None:
            raise exc from None
        return person, False


# --- helpers ----------------------------------------------------------------------------
def _parse(civic_number) -> str:
    try:
        return Personnummer.parse(civic_number).value
    except ValidationError as exc:
        raise ValidationError({"civic_number": exc.messages}, code=exc.code) from None


def _check_field_names(fields: dict) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown or read-only Person fields: {', '.join(sorted(unknown))}")


def _redact(person: Person, changes: dict, *, protected: bool) -> dict:
    """Keep the address of a protected person out of the audit trail: names only, no values."""
    if not protected:
        return changes
    return {
        name: [HIDDEN_VALUE, HIDDEN_VALUE] if name in PROTECTED_FIELDS else values
        for name, values in changes.items()
    }
