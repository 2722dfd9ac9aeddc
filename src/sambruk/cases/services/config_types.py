"""Case types, their statuses, transition table and resolutions (see :mod:`.config`)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from sambruk.core.audit.models import AuditAction
from sambruk.core.audit.services import record

from ..errors import CaseActionError
from ..models import (
    Case,
    CaseState,
    CaseType,
    Queue,
    Resolution,
    RetentionAction,
    Status,
    StatusKind,
    Transition,
)
from .config_base import (
    _code,
    _delete,
    _number,
    _refuse_if_rules,
    _same_org,
    _store,
    _text,
    _unique,
    clean_closing_form_spec,
    org_id_of,
    require_manage,
)


# --- case types ------------------------------------------------------------------------
@transaction.atomic
def do_save_case_type(
    organisation,
    *,
    actor,
    name: str,
    code: str,
    description: str = "",
    default_days_to_due=None,
    resolution_required: bool = False,
    restricted_by_default: bool = False,
    reference_prefix: str = "",
    retention_months=None,
    retention_action: str = RetentionAction.DELETE,
    closing_form=None,
    active: bool = True,
    instance: CaseType | None = None,
) -> CaseType:
    org_id = org_id_of(organisation)
    require_manage(actor, org_id)
    _same_org(instance, org_id)
    if retention_action not in RetentionAction.values:
        raise CaseActionError(_("Okänd gallringsåtgärd."), code="invalid_retention")
    values = {
        "organisation_id": org_id,
        "name": _text(name, _("Namnet"), 120),
        "code": _code(code),
        "description": (description or "").strip(),
        "default_days_to_due": _number(default_days_to_due, _("Dagar till förfallodatum")),
        "resolution_required": bool(resolution_required),
        "restricted_by_default": bool(restricted_by_default),
        "reference_prefix": _text(reference_prefix, _("Prefixet"), 12, required=False),
        "retention_months": _number(retention_months, _("Gallringstiden")),
        "retention_action": retention_action,
        "closing_form": clean_closing_form_spec(closing_form),
        "active": bool(active),
    }
    _unique(
        CaseType.objects.filter(organisation_id=org_id, code=values["code"]),
        instance,
        _("Det finns redan en ärendetyp med koden ”%(code)s”.") % {"code": values["code"]},
    )
    return _store(CaseType, instance, values, actor=actor, organisation_id=org_id)


@transaction.atomic
def do_delete_case_type(case_type: CaseType, *, actor) -> None:
    require_manage(actor, case_type.organisation_id)
    if Case.objects.filter(case_type=case_type).exists():
        raise CaseActionError(
            _("Ärendetypen ”%(name)s” används av ärenden och kan inte tas bort. Gör den inaktiv.")
            % {"name": case_type.name},
            code="in_use",
        )
    if Queue.objects.filter(default_case_type=case_type).exists():
        raise CaseActionError(
            _("Ärendetypen är vald för inkommande ärenden i en funktion. Byt där först."),
            code="in_use",
        )
    _refuse_if_rules(case_type.organisation_id, "case_type", case_type.pk, _("Ärendetypen"))
    _delete(
        case_type,
        actor=actor,
        organisation_id=case_type.organisation_id,
        changes={"name": case_type.name, "code": case_type.code},
    )


# --- statuses --------------------------------------------------------------------------
@transaction.atomic
def do_save_status(
    case_type: CaseType,
    *,
    actor,
    name: str,
    code: str,
    order=0,
    kind: str = StatusKind.OPEN,
    is_initial: bool = False,
    instance: Status | None = None,
) -> Status:
    """Save a status. Making it the start status takes that role from the previous one."""
    org_id = case_type.organisation_id
    require_manage(actor, org_id)
    if instance is not None and instance.case_type_id != case_type.pk:
        raise CaseActionError(_("Statusen hör till en annan ärendetyp."), code="wrong_type")
    if kind not in StatusKind.values:
        raise CaseActionError(_("Okänt slag av status."), code="invalid_kind")
    is_initial = bool(is_initial)
    if is_initial and kind == StatusKind.CLOSED:
        raise CaseActionError(
            _("Startstatusen kan inte vara av slaget Avslutat."), code="initial_closed"
        )
    if instance is not None:
        if instance.is_initial and not is_initial:
            raise CaseActionError(
                _("Ärendetypen måste ha en startstatus. Gör en annan status till startstatus."),
                code="last_initial",
            )
        if kind != instance.kind:
            in_use = Case.objects.filter(status=instance).exclude(state=CaseState.DRAFT).count()
            if in_use:
                raise CaseActionError(
                    _("Statusen används av %(n)d ärenden; dess slag kan inte ändras.")
                    % {"n": in_use},
                    code="in_use",
                )
    values = {
        "case_type": case_type,
        "name": _text(name, _("Namnet"), 80),
        "code": _code(code),
        "order": _number(order, _("Ordningen")) or 0,
        "kind": kind,
        "is_initial": is_initial,
    }
    _unique(
        Status.objects.filter(case_type=case_type, code=values["code"]),
        instance,
        _("Det finns redan en status med koden ”%(code)s”.") % {"code": values["code"]},
    )
    if is_initial:
        previous = Status.objects.filter(case_type=case_type, is_initial=True)
        if instance is not None:
            previous = previous.exclude(pk=instance.pk)
        for status in previous:
            status.is_initial = False
            status.save(update_fields=["is_initial"])
            record(
                AuditAction.UPDATE,
                actor=actor,
                obj=status,
                organisation=org_id,
                changes={"is_initial": [True, False]},
            )
    return _store(Status, instance, values, actor=actor, organisation_id=org_id)


@transaction.atomic
def do_delete_status(status: Status, *, actor) -> None:
    org_id = status.case_type.organisation_id
    require_manage(actor, org_id)
    in_use = Case.objects.filter(status=status).count()
    if in_use:
        raise CaseActionError(
            _("Statusen ”%(name)s” används av %(n)d ärenden och kan inte tas bort.")
            % {"name": status.name, "n": in_use},
            code="in_use",
        )
    if status.is_initial:
        raise CaseActionError(
            _("Startstatusen kan inte tas bort. Gör först en annan status till startstatus."),
            code="last_initial",
        )
    _delete(
        status,
        actor=actor,
        organisation_id=org_id,
        changes={"name": status.name, "code": status.code},
    )


# --- the transition table --------------------------------------------------------------
@transaction.atomic
def do_save_transitions(case_type: CaseType, *, actor, pairs) -> list[Transition]:
    """Replace the transition table of ``case_type`` with ``pairs`` of (from, to) statuses
    (rows or ids), in one transaction. Kept rows keep their button text."""
    org_id = case_type.organisation_id
    require_manage(actor, org_id)
    CaseType.objects.select_for_update().filter(pk=case_type.pk).first()  # one writer at a time
    statuses = {s.pk: s for s in Status.objects.filter(case_type=case_type)}
    wanted = set()
    for from_status, to_status in pairs:
        a, b = org_id_of(from_status), org_id_of(to_status)
        try:
            a, b = int(a), int(b)
        except (TypeError, ValueError):
            raise CaseActionError(_("Ogiltig statusövergång."), code="invalid_transition") from None
        if a not in statuses or b not in statuses:
            raise CaseActionError(
                _("Övergången hänvisar till en status som inte hör till ärendetypen."),
                code="status_wrong_type",
            )
        if a == b:
            raise CaseActionError(
                _("En status kan inte övergå till sig själv."), code="invalid_transition"
            )
        wanted.add((a, b))
    existing = {
        (t.from_status_id, t.to_status_id): t
        for t in Transition.objects.filter(case_type=case_type)
    }
    removed = [existing[p] for p in sorted(set(existing) - wanted)]
    added = sorted(wanted - set(existing))
    Transition.objects.filter(pk__in=[t.pk for t in removed]).delete()
    Transition.objects.bulk_create(
        [Transition(case_type=case_type, from_status_id=a, to_status_id=b) for a, b in added]
    )

    def names(items):
        return [f"{statuses[a].name} → {statuses[b].name}" for a, b in items]

    if added or removed:
        record(
            AuditAction.UPDATE,
            actor=actor,
            obj=case_type,
            organisation=org_id,
            changes={
                "transitions_added": names(added),
                "transitions_removed": names((t.from_status_id, t.to_status_id) for t in removed),
            },
        )
    return list(Transition.objects.filter(case_type=case_type))


# --- resolutions -----------------------------------------------------------------------
@transaction.atomic
def do_save_resolution(
    case_type: CaseType, *, actor, name: str, active: bool = True, instance=None
) -> Resolution:
    org_id = case_type.organisation_id
    require_manage(actor, org_id)
    if instance is not None and instance.case_type_id != case_type.pk:
        raise CaseActionError(_("Utfallet hör till en annan ärendetyp."), code="wrong_type")
    values = {"case_type": case_type, "name": _text(name, _("Namnet"), 120), "active": bool(active)}
    _unique(
        Resolution.objects.filter(case_type=case_type, name=values["name"]),
        instance,
        _("Det finns redan ett utfall med det namnet."),
    )
    return _store(Resolution, instance, values, actor=actor, organisation_id=org_id)


@transaction.atomic
def do_delete_resolution(resolution: Resolution, *, actor) -> None:
    org_id = resolution.case_type.organisation_id
    require_manage(actor, org_id)
    if Case.objects.filter(resolution=resolution).exists():
        raise CaseActionError(
            _("Utfallet ”%(name)s” används av ärenden och kan inte tas bort. Gör det inaktivt.")
            % {"name": resolution.name},
            code="in_use",
        )
    _delete(resolution, actor=actor, organisation_id=org_id, changes={"name": resolution.name})
