"""Write audit events. Call from service functions (writes) and from views/serialisers (reads)."""

from __future__ import annotations

from django.db import models

from .context import current
from .models import AuditAction, AuditEvent


def _label(actor) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "anonym"
    return getattr(actor, "email", "") or str(actor)


def record(
    action: str,
    *,
    actor=None,
    obj: models.Model | None = None,
    organisation=None,
    person=None,
    purpose: str = "",
    changes: dict | None = None,
    object_type: str = "",
    object_id: str = "",
    person_civic_number: str = "",
    actor_label: str | None = None,
    object_repr: str | None = None,
) -> AuditEvent:
    """Append one audit event. Runs inside the caller's transaction.

    ``actor_label`` names an actor that is not a user (a queue rule, gallring); by default
    the label is the user's e-mail, or "anonym". ``object_repr`` replaces ``str(obj)``.
    """
    ctx = current.get()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        if organisation is None:
            organisation = (
                getattr(obj, "organisation", None) if hasattr(obj, "organisation_id") else None
            )
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if object_repr is None:
        object_repr = str(obj) if obj is not None else ""
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_label=(_label(actor) if actor_label is None else actor_label)[:254],
        organisation_id=getattr(organisation, "pk", organisation),
        object_type=object_type[:100],
        object_id=str(object_id)[:64],
        object_repr=object_repr[:200],
        person=person,
        person_civic_number=getattr(person, "civic_number", "") or person_civic_number,
        purpose=purpose[:200],
        ip_address=ctx.ip_address,
        request_id=ctx.request_id,
        changes=_jsonable(changes or {}),
    )


def record_read(*, actor, obj=None, person=None, purpose: str = "", organisation=None, **kw):
    """Audit a read of personal data."""
    return record(
        AuditAction.READ,
        actor=actor,
        obj=obj,
        person=person,
        purpose=purpose,
        organisation=organisation,
        **kw,
    )


def record_reads(
    *,
    actor,
    objects,
    person_attr: str | None = None,
    civic_number_attr: str | None = None,
    purpose: str = "",
    organisation=None,
):
    """Audit a list read: one event per object (bulk insert).

    The person of each event is ``getattr(obj, person_attr)`` (a ``Person``) or, for rows
    that store only a civic number, ``getattr(obj, civic_number_attr)`` (12 digits)."""
    ctx = current.get()
    label = _label(actor)[:254]
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    rows = []
    for obj in objects:
        person = getattr(obj, person_attr) if person_attr else None
        rows.append(
            AuditEvent(
                action=AuditAction.READ,
                actor=actor,
                actor_label=label,
                organisation_id=getattr(organisation, "pk", organisation)
                or getattr(obj, "organisation_id", None),
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                object_repr=str(obj)[:200],
                person=person,
                person_civic_number=getattr(person, "civic_number", "")
                or (getattr(obj, civic_number_attr, "") if civic_number_attr else "")
                or "",
                purpose=purpose[:200],
                ip_address=ctx.ip_address,
                request_id=ctx.request_id,
            )
        )
    AuditEvent.objects.bulk_create(rows)
    return rows


def diff(instance: models.Model, before: dict, fields=None) -> dict:
    """Changed fields between ``before`` (from :func:`snapshot`) and the instance now."""
    after = snapshot(instance, fields)
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def snapshot(instance: models.Model, fields=None) -> dict:
    names = fields or [f.attname for f in instance._meta.concrete_fields]
    return {name: _jsonable(getattr(instance, name)) for name in names}


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
