"""Actors that are not users: a queue rule or gallring acting on a case.

The services take ``actor=`` everywhere. A :class:`SystemActor` passes through them like a
user with three differences, each handled in one place:

* permission and visibility checks are skipped (``predicates.require_visible``): the rule's
  permission was checked when an administrator saved it (``do_save_rule``); the state checks
  (closed, removed, draft …) still apply;
* rows that point at a user (log entry, stored event, ``closed_by``) get ``None``
  (:func:`db_user`);
* the audit event names it by its label, e.g. ``regel: Brådskande`` (:func:`audit`).
"""

from __future__ import annotations

from django.db import models

from sambruk.core.audit.context import current
from sambruk.core.audit.models import AuditEvent
from sambruk.core.audit.services import _jsonable, record


class SystemActor:
    """A non-user actor. ``label`` is what the audit trail and the case log show."""

    is_authenticated = False
    is_anonymous = False
    is_superuser = False
    is_active = True
    pk = None
    id = None
    email = ""
    language = "sv"

    def __init__(self, label: str, *, log_text: str = "", data: dict | None = None):
        self.label = label
        self.full_name = label
        #: Replaces the service's own case-log text (a rule's sentence, "Regeln X …").
        self.log_text = log_text
        #: Merged into the case-log entry's data (``{"rule": pk}``).
        self.data = data or {}

    def __str__(self) -> str:
        return self.label

    def __repr__(self) -> str:
        return f"SystemActor({self.label!r})"


def is_system(actor) -> bool:
    return isinstance(actor, SystemActor)


def db_user(actor):
    """The value for a user foreign key: the user, or ``None`` for a system actor."""
    return None if is_system(actor) else actor


def audit(
    action: str,
    *,
    actor,
    obj: models.Model,
    organisation=None,
    changes: dict | None = None,
    purpose: str = "",
    object_repr: str | None = None,
) -> AuditEvent:
    """:func:`sambruk.core.audit.services.record`, naming a system actor by its label.

    ``record()`` labels every non-user actor "anonym"; until it takes an ``actor_label``
    argument, a system actor's event is written here with the same fields.
    ``object_repr`` replaces ``str(obj)`` (gallring must not copy a title into the trail).
    """
    if not is_system(actor):
        return record(
            action,
            actor=actor,
            obj=obj,
            organisation=organisation,
            changes=changes,
            purpose=purpose,
        )
    ctx = current.get()
    if organisation is None:
        organisation = getattr(obj, "organisation_id", None)
    return AuditEvent.objects.create(
        action=action,
        actor=None,
        actor_label=actor.label[:254],
        organisation_id=getattr(organisation, "pk", organisation),
        object_type=obj._meta.label_lower[:100],
        object_id=str(obj.pk)[:64],
        object_repr=(str(obj) if object_repr is None else object_repr)[:200],
        purpose=purpose[:200],
        ip_address=ctx.ip_address,
        request_id=ctx.request_id,
        changes=_jsonable(changes or {}),
    )
