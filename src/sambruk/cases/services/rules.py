"""Saving and deleting queue rules (administrators, ``cases.manage_config``).

The parameters are validated here, against the queue's organisation, so a rule that runs
(see :mod:`sambruk.cases.rules`) refers to things that existed and were allowed when it was
saved. What changes later (a user leaves the queue) is caught when the rule runs.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from sambruk.core.audit.models import AuditAction
from sambruk.core.audit.services import record
from sambruk.core.authz.permissions import has_perm

from ..errors import CaseActionError
from ..models import (
    CaseType,
    Label,
    Origin,
    Priority,
    Queue,
    QueueRule,
    Resolution,
    RuleAction,
    RuleTrigger,
)
from ..predicates import is_queue_member
from ..roles import CHANGE_CASE, MANAGE_CONFIG
from ..rules import CONDITION_FIELDS


def _require_manage(queue, actor) -> None:
    if not has_perm(actor, MANAGE_CONFIG, queue.organisation_id):
        raise CaseActionError(
            _("Du saknar behörighet att ändra funktionens regler."), code="permission_denied"
        )


@transaction.atomic
def do_save_rule(
    queue,
    *,
    actor,
    name: str,
    action: str,
    params: dict | None = None,
    conditions: list | None = None,
    trigger: str = RuleTrigger.ARRIVAL,
    match_all: bool = True,
    order: int = 0,
    active: bool = True,
    rule: QueueRule | None = None,
) -> QueueRule:
    """Create a rule on ``queue`` (or update ``rule``, which must belong to it)."""
    _require_manage(queue, actor)
    if rule is not None and rule.queue_id != queue.pk:
        raise CaseActionError(_("Regeln hör till en annan funktion."), code="invalid_rule")
    name = (name or "").strip()
    if not name:
        raise CaseActionError(_("Regeln måste ha ett namn."), code="name_required")
    if len(name) > 120:
        raise CaseActionError(_("Namnet får vara högst 120 tecken."), code="name_too_long")
    if trigger not in RuleTrigger.values:
        raise CaseActionError(_("Okänt villkor för när regeln gäller."), code="invalid_trigger")
    if action not in RuleAction.values:
        raise CaseActionError(_("Okänd åtgärd."), code="invalid_action")
    params = clean_params(queue, action, dict(params or {}))
    conditions = clean_conditions(queue, list(conditions or []))
    values = {
        "name": name,
        "action": action,
        "params": params,
        "conditions": conditions,
        "trigger": trigger,
        "match_all": bool(match_all),
        "order": max(int(order or 0), 0),
        "active": bool(active),
    }
    if rule is None:
        rule = QueueRule.objects.create(queue=queue, **values)
        record(
            AuditAction.CREATE,
            actor=actor,
            obj=rule,
            organisation=queue.organisation_id,
            changes=values,
        )
        return rule
    before = {key: getattr(rule, key) for key in values}
    for key, value in values.items():
        setattr(rule, key, value)
    rule.save()
    changes = {k: [before[k], v] for k, v in values.items() if before[k] != v}
    record(
        AuditAction.UPDATE,
        actor=actor,
        obj=rule,
        organisation=queue.organisation_id,
        changes=changes,
    )
    return rule


@transaction.atomic
def do_delete_rule(rule: QueueRule, *, actor) -> None:
    queue = rule.queue
    _require_manage(queue, actor)
    record(
        AuditAction.DELETE,
        actor=actor,
        obj=rule,
        organisation=queue.organisation_id,
        changes={"name": rule.name, "action": rule.action},
    )
    rule.delete()


def _id(params: dict, key: str, message: str) -> int:
    try:
        return int(params.get(key))
    except (TypeError, ValueError):
        raise CaseActionError(message, code="invalid_params") from None


def clean_params(queue: Queue, action: str, params: dict) -> dict:
    """Validate the action's parameter against the queue's organisation; return it clean."""
    org_id = queue.organisation_id
    if action == RuleAction.ASSIGN:
        pk = _id(params, "user", _("Välj en handläggare."))
        user = get_user_model().objects.filter(pk=pk, is_active=True).first()
        if user is None:
            raise CaseActionError(_("Handläggaren finns inte."), code="unknown_user")
        name = user.full_name or user.email
        if not is_queue_member(queue, user):
            raise CaseActionError(
                _("%(user)s är inte medlem i funktionen %(queue)s.")
                % {"user": name, "queue": queue.name},
                code="not_queue_member",
            )
        if not has_perm(user, CHANGE_CASE, org_id):
            raise CaseActionError(
                _("%(user)s får inte handlägga ärenden i organisationen.") % {"user": name},
                code="assignee_not_caseworker",
            )
        return {"user": pk}
    if action == RuleAction.SEND_TO_QUEUE:
        pk = _id(params, "queue", _("Välj en funktion."))
        # Only queues of the same organisation: a rule never sends cases to another authority.
        target = Queue.objects.filter(pk=pk, organisation_id=org_id, active=True).first()
        if target is None:
            raise CaseActionError(
                _("Funktionen finns inte i organisationen."), code="unknown_queue"
            )
        if target.pk == queue.pk:
            raise CaseActionError(
                _("Regeln kan inte skicka ärenden till sin egen funktion."), code="same_queue"
            )
        return {"queue": pk}
    if action == RuleAction.SET_LABEL:
        pk = _id(params, "label", _("Välj en etikett."))
        if not Label.objects.filter(pk=pk, organisation_id=org_id).exists():
            raise CaseActionError(_("Etiketten finns inte i organisationen."), code="unknown_label")
        return {"label": pk}
    if action == RuleAction.SET_PRIORITY:
        pk = _id(params, "priority", _("Välj en prioritet."))
        if not Priority.objects.filter(pk=pk, organisation_id=org_id).exists():
            raise CaseActionError(
                _("Prioriteten finns inte i organisationen."), code="unknown_priority"
            )
        return {"priority": pk}
    if action == RuleAction.CLOSE:
        if not params.get("resolution"):
            return {}
        pk = _id(params, "resolution", _("Ogiltigt utfall."))
        if not Resolution.objects.filter(pk=pk, case_type__organisation_id=org_id).exists():
            raise CaseActionError(
                _("Utfallet finns inte i organisationen."), code="unknown_resolution"
            )
        return {"resolution": pk}
    # e-mail: an address, or a user of the organisation
    if params.get("user"):
        pk = _id(params, "user", _("Ogiltig mottagare."))
        user = get_user_model().objects.filter(pk=pk, is_active=True).first()
        if user is None or not user.email or not has_perm(user, CHANGE_CASE, org_id):
            raise CaseActionError(_("Mottagaren finns inte i organisationen."), code="unknown_user")
        return {"user": pk}
    address = str(params.get("to") or "").strip()
    try:
        validate_email(address)
    except ValidationError:
        raise CaseActionError(_("Ange en giltig e-postadress."), code="invalid_email") from None
    return {"to": address}


def clean_conditions(queue: Queue, conditions: list) -> list:
    org_id = queue.organisation_id
    cleaned = []
    for condition in conditions:
        if not isinstance(condition, dict) or condition.get("field") not in CONDITION_FIELDS:
            raise CaseActionError(_("Okänt villkor."), code="invalid_condition")
        field, value = condition["field"], condition.get("value")
        if field == "origin":
            if value not in Origin.values:
                raise CaseActionError(_("Okänt ursprung."), code="invalid_condition")
            cleaned.append({"field": field, "value": value})
            continue
        model = {"case_type": CaseType, "label": Label, "priority": Priority}[field]
        pk = _id(condition, "value", _("Ogiltigt villkor."))
        if not model.objects.filter(pk=pk, organisation_id=org_id).exists():
            raise CaseActionError(
                _("Villkoret hänvisar till något som inte finns i organisationen."),
                code="invalid_condition",
            )
        cleaned.append({"field": field, "value": pk})
    return cleaned
