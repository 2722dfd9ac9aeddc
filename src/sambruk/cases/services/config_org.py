"""The organisation's priorities, labels, queues (funktioner) and staff groups (see
:mod:`.config`)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from sambruk.core.organisations.models import OrgUnit

from ..errors import CaseActionError
from ..models import Case, CaseState, CaseType, Label, Priority, Queue, StaffGroup
from ..models.config import colour_validator
from .config_base import (
    _delete,
    _number,
    _refuse_if_rules,
    _same_org,
    _store,
    _text,
    _unique,
    org_id_of,
    require_manage,
)

OPEN_STATES = (CaseState.DRAFT, CaseState.OPEN, CaseState.ON_HOLD)


def organisation_users(organisation_id):
    """Active users with a membership in the organisation (who may be queue/group members)."""
    return (
        get_user_model()
        .objects.filter(memberships__organisation_id=organisation_id, is_active=True)
        .distinct()
    )


def _users(organisation_id, users) -> list:
    users = list(users or ())
    allowed = set(
        organisation_users(organisation_id)
        .filter(pk__in=[u.pk for u in users])
        .values_list("pk", flat=True)
    )
    outside = [u for u in users if u.pk not in allowed]
    if outside:
        raise CaseActionError(
            _("%(user)s hör inte till organisationen.")
            % {"user": outside[0].full_name or outside[0].email},
            code="user_outside_organisation",
        )
    return users


# --- priorities ------------------------------------------------------------------------
@transaction.atomic
def do_save_priority(
    organisation, *, actor, name: str, colour: str = "#6b7280", rank=0, instance=None
) -> Priority:
    org_id = org_id_of(organisation)
    require_manage(actor, org_id)
    _same_org(instance, org_id)
    colour = (colour or "").strip()
    try:
        colour_validator(colour)
    except Exception:  # noqa: BLE001 - ValidationError; one Swedish message
        raise CaseActionError(_("Ange färgen som #rrggbb."), code="invalid_colour") from None
    values = {
        "organisation_id": org_id,
        "name": _text(name, _("Namnet"), 60),
        "colour": colour,
        "rank": _number(rank, _("Rangen")) or 0,
    }
    _unique(
        Priority.objects.filter(organisation_id=org_id, name=values["name"]),
        instance,
        _("Det finns redan en prioritet med det namnet."),
    )
    return _store(Priority, instance, values, actor=actor, organisation_id=org_id)


@transaction.atomic
def do_delete_priority(priority: Priority, *, actor) -> None:
    org_id = priority.organisation_id
    require_manage(actor, org_id)
    used = Case.objects.filter(priority=priority, state__in=OPEN_STATES).count()
    if used:
        raise CaseActionError(
            _("Prioriteten ”%(name)s” används av %(n)d öppna ärenden och kan inte tas bort.")
            % {"name": priority.name, "n": used},
            code="in_use",
        )
    _refuse_if_rules(org_id, "priority", priority.pk, _("Prioriteten"))
    _delete(priority, actor=actor, organisation_id=org_id, changes={"name": priority.name})


# --- labels ----------------------------------------------------------------------------
@transaction.atomic
def do_save_label(organisation, *, actor, name: str, instance=None) -> Label:
    org_id = org_id_of(organisation)
    require_manage(actor, org_id)
    _same_org(instance, org_id)
    values = {"organisation_id": org_id, "name": _text(name, _("Namnet"), 60)}
    _unique(
        Label.objects.filter(organisation_id=org_id, name=values["name"]),
        instance,
        _("Det finns redan en etikett med det namnet."),
    )
    return _store(Label, instance, values, actor=actor, organisation_id=org_id)


@transaction.atomic
def do_delete_label(label: Label, *, actor) -> None:
    org_id = label.organisation_id
    require_manage(actor, org_id)
    used = label.cases.count()
    if used:
        raise CaseActionError(
            _("Etiketten ”%(name)s” sitter på %(n)d ärenden och kan inte tas bort.")
            % {"name": label.name, "n": used},
            code="in_use",
        )
    _refuse_if_rules(org_id, "label", label.pk, _("Etiketten"))
    _delete(label, actor=actor, organisation_id=org_id, changes={"name": label.name})


# --- queues (funktioner) ---------------------------------------------------------------
@transaction.atomic
def do_save_queue(
    organisation,
    *,
    actor,
    name: str,
    orgunit=None,
    members=(),
    member_groups=(),
    default_case_type=None,
    active: bool = True,
    instance=None,
) -> Queue:
    """Save a queue with its members: users of the organisation and its staff groups."""
    org_id = org_id_of(organisation)
    require_manage(actor, org_id)
    _same_org(instance, org_id)
    if (
        orgunit is not None
        and not OrgUnit.objects.filter(pk=orgunit.pk, organisation_id=org_id).exists()
    ):
        raise CaseActionError(_("Enheten hör till en annan organisation."), code="wrong_orgunit")
    if (
        default_case_type is not None
        and not CaseType.objects.filter(pk=default_case_type.pk, organisation_id=org_id).exists()
    ):
        raise CaseActionError(
            _("Ärendetypen hör till en annan organisation."), code="wrong_case_type"
        )
    groups = list(member_groups or ())
    if any(g.organisation_id != org_id for g in groups):
        raise CaseActionError(_("Gruppen hör till en annan organisation."), code="wrong_group")
    if instance is not None and instance.active and not active:
        _refuse_open_cases(instance, _("inaktiveras"))
    values = {
        "organisation_id": org_id,
        "name": _text(name, _("Namnet"), 120),
        "orgunit": orgunit,
        "default_case_type": default_case_type,
        "active": bool(active),
    }
    _unique(
        Queue.objects.filter(organisation_id=org_id, name=values["name"]),
        instance,
        _("Det finns redan en funktion med det namnet."),
    )
    return _store(
        Queue,
        instance,
        values,
        actor=actor,
        organisation_id=org_id,
        m2m={"members": _users(org_id, members), "member_groups": groups},
    )


def _refuse_open_cases(queue: Queue, verb: str) -> None:
    open_cases = Case.objects.filter(queue=queue, state__in=OPEN_STATES, removed=False).count()
    if open_cases:
        raise CaseActionError(
            _("Funktionen ”%(name)s” har %(n)d öppna ärenden och kan inte %(verb)s.")
            % {"name": queue.name, "n": open_cases, "verb": verb},
            code="in_use",
        )


@transaction.atomic
def do_delete_queue(queue: Queue, *, actor) -> None:
    org_id = queue.organisation_id
    require_manage(actor, org_id)
    _refuse_open_cases(queue, _("tas bort"))
    if Case.objects.filter(queue=queue).exists():
        raise CaseActionError(
            _("Funktionen ”%(name)s” har avslutade ärenden och kan inte tas bort. Gör den inaktiv.")
            % {"name": queue.name},
            code="in_use",
        )
    _refuse_if_rules(org_id, "queue", queue.pk, _("Funktionen"))
    _delete(queue, actor=actor, organisation_id=org_id, changes={"name": queue.name})


# --- staff groups ----------------------------------------------------------------------
@transaction.atomic
def do_save_group(organisation, *, actor, name: str, members=(), instance=None) -> StaffGroup:
    org_id = org_id_of(organisation)
    require_manage(actor, org_id)
    _same_org(instance, org_id)
    values = {"organisation_id": org_id, "name": _text(name, _("Namnet"), 120)}
    _unique(
        StaffGroup.objects.filter(organisation_id=org_id, name=values["name"]),
        instance,
        _("Det finns redan en grupp med det namnet."),
    )
    return _store(
        StaffGroup,
        instance,
        values,
        actor=actor,
        organisation_id=org_id,
        m2m={"members": _users(org_id, members)},
    )


@transaction.atomic
def do_delete_group(group: StaffGroup, *, actor) -> None:
    org_id = group.organisation_id
    require_manage(actor, org_id)
    queues = list(group.queues.values_list("name", flat=True))
    if queues:
        raise CaseActionError(
            _("Gruppen ”%(name)s” är medlem i funktionerna %(queues)s. Ta bort den där först.")
            % {"name": group.name, "queues": ", ".join(queues)},
            code="in_use",
        )
    _delete(group, actor=actor, organisation_id=org_id, changes={"name": group.name})
