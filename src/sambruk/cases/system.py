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

from sambruk.core.audit.models import AuditEvent
from sambruk.core.audit.services import record


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

    ``object_repr`` replaces ``str(obj)`` (gallring must not copy a title into the trail).
    """
    system = is_system(actor)
    if system and organisation is None:
        organisation = getattr(obj, "organisation_id", None)
    return record(
        action,
        actor=None if system else actor,
        actor_label=actor.label if system else None,
        obj=obj,
        organisation=organisation,
        changes=changes,
        purpose=purpose,
        object_repr=object_repr,
    )
