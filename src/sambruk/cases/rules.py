"""Queue rules (Streamflow's filters): when a case arrives in a queue or changes there and
matches the rule's conditions, act on it.

Where they run: :func:`evaluate_after` is called at the end of every write of the service
layer (``services.base.commit_change`` and ``do_create``), inside the writer's transaction,
after the change is stored and before it commits. So a rule's action commits, or rolls
back, together with the change that triggered it.

* **Arrival** — the case was created open in the queue, a draft was opened, or it was sent
  to the queue from another queue of the organisation. A case received from another
  organisation is created in the receiving queue, so the receiver's arrival rules run.
* **Change** — any other change of an active case (details, labels, assignment, status …).

Rules act only on active cases (open or on hold, not drafts, not removed). They are taken in
``order``; after a rule sent the case to another queue or closed it, the remaining rules of
the old queue are skipped.

Actions call the ordinary ``do_*`` services with a :class:`~sambruk.cases.system.SystemActor`
labelled ``regel: <name>``: the state checks apply, permission checks do not (an
administrator with ``cases.manage_config`` validated the rule when saving it, see
``services.rules.do_save_rule``). Each applied rule writes one case-log entry in its own
words ("Regeln X tilldelade ärendet till Y."). An action that would change nothing (label
already set, already assigned to that user …) is skipped silently; an action the case does
not allow (user no longer in the queue, resolution required …) is rolled back on its own
savepoint and logged, without failing the caseworker's change.

No loops: while rules run (depth 1), the changes they make do not evaluate rules again.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .errors import CaseActionError
from .models import (
    Case,
    CaseLogEntry,
    Label,
    LogKind,
    Priority,
    Queue,
    QueueRule,
    Resolution,
    RuleAction,
    RuleTrigger,
)
from .system import SystemActor

#: >0 while rule actions run: their own changes do not trigger rules (max depth 1).
_running: ContextVar[int] = ContextVar("sambruk_cases_rules_running", default=0)

ARRIVAL_EVENTS = {"case.created", "case.opened"}
CONDITION_FIELDS = ("case_type", "label", "origin", "priority")


def trigger_of(event: str, changes: dict) -> str:
    """Arrival or change, from the stored event's name and changes."""
    if event in ARRIVAL_EVENTS or (event == "case.sent" and "queue" in changes):
        return RuleTrigger.ARRIVAL
    return RuleTrigger.CHANGE


def evaluate_after(case: Case, *, actor, event: str, changes: dict) -> Case:
    """Run the matching rules of the case's queue after a write; return the case as left."""
    if _running.get() or not case.is_active:
        return case
    return apply_rules(case, trigger_of(event, changes))


def rules_for(queue_id: int, trigger: str):
    return QueueRule.objects.filter(
        queue_id=queue_id, active=True, trigger__in=[trigger, RuleTrigger.BOTH]
    ).order_by("order", "pk")


def active_rules(queue_id: int, trigger: str) -> list[QueueRule]:
    """:func:`rules_for` as a list, cached per process for a few seconds (``configcache``)."""
    from . import configcache

    return configcache.cached(
        ("rules", queue_id, trigger), lambda: list(rules_for(queue_id, trigger))
    )


def apply_rules(case: Case, trigger: str) -> Case:
    token = _running.set(_running.get() + 1)
    try:
        queue_id = case.queue_id
        for rule in active_rules(queue_id, trigger):
            if not matches(rule, case):
                continue
            case = _apply(rule, case)
            if case.queue_id != queue_id or not case.is_active:
                break  # the case left this queue or closed: the remaining rules are not its
    finally:
        _running.reset(token)
    return case


# --- conditions ------------------------------------------------------------------------
def matches(rule: QueueRule, case: Case) -> bool:
    """All (``match_all``) or any of the conditions hold; no conditions always match."""
    conditions = rule.conditions or []
    if not conditions:
        return True
    results = (condition_holds(condition, case) for condition in conditions)
    return all(results) if rule.match_all else any(results)


def condition_holds(condition: dict, case: Case) -> bool:
    field = condition.get("field")
    value = condition.get("value")
    text = "" if value is None else str(value)
    if field == "case_type":
        return text in (str(case.case_type_id), case.case_type.code)
    if field == "origin":
        return case.origin == text
    if field == "priority":
        return str(case.priority_id or "") == text
    if field == "label":
        return text.isdigit() and case.labels.filter(pk=int(text)).exists()
    return False


# --- actions ---------------------------------------------------------------------------
def rule_actor(rule: QueueRule, log_text: str = "") -> SystemActor:
    return SystemActor(f"regel: {rule.name}", log_text=log_text, data={"rule": rule.pk})


def _apply(rule: QueueRule, case: Case) -> Case:
    """Apply one rule on its own savepoint; a refusal is logged, not raised."""
    try:
        with transaction.atomic():
            handler = ACTIONS.get(rule.action)
            if handler is None:
                raise CaseActionError(_("Okänd åtgärd."), code="rule_unknown_action")
            return handler(rule, case, rule.params or {})
    except (CaseActionError, ValidationError) as error:
        message = getattr(error, "message", None) or "; ".join(
            getattr(error, "messages", []) or [str(error)]
        )
        log_entry(
            case,
            rule,
            _("Regeln %(rule)s kunde inte tillämpas: %(error)s")
            % {"rule": rule.name, "error": message},
        )
        return case


def log_entry(case: Case, rule: QueueRule, text: str, **data) -> CaseLogEntry:
    """A case-log entry by a rule that did not go through a ``do_*`` service."""
    return CaseLogEntry.objects.create(
        case=case,
        actor=None,
        kind=LogKind.SYSTEM,
        text=text,
        data={"rule": rule.pk, "actor_label": f"regel: {rule.name}", **data},
    )


def _param(params: dict, key: str, what: str):
    value = params.get(key)
    if value in (None, ""):
        raise CaseActionError(
            _("Regeln saknar %(what)s.") % {"what": what}, code="rule_param_missing"
        )
    return value


def _assign(rule, case, params):
    from .services import do_assign_to

    user = get_user_model().objects.filter(pk=_param(params, "user", _("handläggare"))).first()
    if user is None:
        raise CaseActionError(_("Handläggaren finns inte längre."), code="rule_unknown_user")
    if case.assignee_id == user.pk:
        return case
    name = user.full_name or user.email
    text = _("Regeln %(rule)s tilldelade ärendet till %(user)s.") % {
        "rule": rule.name,
        "user": name,
    }
    return do_assign_to(case, actor=rule_actor(rule, text), to=user)


def _send_to_queue(rule, case, params):
    from .services import do_send_to_queue

    queue = Queue.objects.filter(
        pk=_param(params, "queue", _("funktion")), organisation_id=case.organisation_id
    ).first()
    if queue is None:
        raise CaseActionError(_("Funktionen finns inte längre."), code="rule_unknown_queue")
    if queue.pk == case.queue_id:
        return case
    text = _("Regeln %(rule)s skickade ärendet till funktionen %(queue)s.") % {
        "rule": rule.name,
        "queue": queue.name,
    }
    return do_send_to_queue(case, actor=rule_actor(rule, text), queue=queue)


def _set_label(rule, case, params):
    from .services import do_add_label

    label = Label.objects.filter(
        pk=_param(params, "label", _("etikett")), organisation_id=case.organisation_id
    ).first()
    if label is None:
        raise CaseActionError(_("Etiketten finns inte längre."), code="rule_unknown_label")
    if case.labels.filter(pk=label.pk).exists():
        return case
    text = _("Regeln %(rule)s satte etiketten %(label)s.") % {
        "rule": rule.name,
        "label": label.name,
    }
    return do_add_label(case, actor=rule_actor(rule, text), label=label)


def _set_priority(rule, case, params):
    from .services import do_change_priority

    priority = Priority.objects.filter(
        pk=_param(params, "priority", _("prioritet")), organisation_id=case.organisation_id
    ).first()
    if priority is None:
        raise CaseActionError(_("Prioriteten finns inte längre."), code="rule_unknown_priority")
    if case.priority_id == priority.pk:
        return case
    text = _("Regeln %(rule)s satte prioriteten %(priority)s.") % {
        "rule": rule.name,
        "priority": priority.name,
    }
    return do_change_priority(case, actor=rule_actor(rule, text), priority=priority)


def _close(rule, case, params):
    from .services import do_close

    resolution = None
    if params.get("resolution"):
        resolution = Resolution.objects.filter(
            pk=params["resolution"], case_type_id=case.case_type_id
        ).first()
        if resolution is None:
            raise CaseActionError(
                _("Utfallet hör inte till ärendets ärendetyp."), code="invalid_resolution"
            )
        text = _("Regeln %(rule)s avslutade ärendet med utfallet %(resolution)s.") % {
            "rule": rule.name,
            "resolution": resolution.name,
        }
    else:
        text = _("Regeln %(rule)s avslutade ärendet.") % {"rule": rule.name}
    return do_close(case, actor=rule_actor(rule, text), resolution=resolution)


def _email(rule, case, params):
    """Queue a notice in the outbox: to ``params["to"]`` or to the user ``params["user"]``."""
    from sambruk.core.notifications.services import queue_email

    language = "sv"
    if params.get("user"):
        user = get_user_model().objects.filter(pk=params["user"], is_active=True).first()
        if user is None or not user.email:
            raise CaseActionError(_("Mottagaren finns inte längre."), code="rule_unknown_user")
        address, language = user.email, user.language or "sv"
    else:
        address = _param(params, "to", _("e-postadress"))
    queue_email(
        to=address,
        template="cases/email/rule_notice",
        context={
            "case": case,
            "rule": rule.name,
            "queue": case.queue.name,
            "case_url": f"{settings.SITE_URL}/arenden/{case.pk}/",
        },
        language=language,
        organisation=case.organisation,
    )
    log_entry(
        case,
        rule,
        _("Regeln %(rule)s skickade e-post till %(to)s.") % {"rule": rule.name, "to": address},
        email=address,
    )
    return case


ACTIONS = {
    RuleAction.ASSIGN: _assign,
    RuleAction.SEND_TO_QUEUE: _send_to_queue,
    RuleAction.SET_LABEL: _set_label,
    RuleAction.SET_PRIORITY: _set_priority,
    RuleAction.CLOSE: _close,
    RuleAction.EMAIL: _email,
}
