"""The transition table of a case type, enforced in exactly one place: :func:`check_transition`."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .errors import CaseActionError
from .models import Status, StatusKind, Transition


def allowed_targets(case_type, from_status) -> list[Status]:
    """Statuses a case of ``case_type`` may move to from ``from_status``, in configured order."""
    return list(
        Status.objects.filter(
            transitions_in__case_type=case_type, transitions_in__from_status=from_status
        ).order_by("order", "pk")
    )


def check_transition(case_type, from_status, to_status) -> None:
    """Raise :class:`CaseActionError` unless the table of ``case_type`` allows the change."""
    if to_status.case_type_id != case_type.pk:
        raise CaseActionError(
            _("Statusen ”%(status)s” hör inte till ärendetypen ”%(type)s”.")
            % {"status": to_status.name, "type": case_type.name},
            code="status_wrong_type",
        )
    allowed = Transition.objects.filter(
        case_type=case_type, from_status=from_status, to_status=to_status
    ).exists()
    if not allowed:
        raise CaseActionError(
            _("Övergången från %(from)s till %(to)s är inte tillåten.")
            % {"from": from_status.name, "to": to_status.name},
            code="transition_not_allowed",
        )


def closing_targets(case) -> list[Status]:
    return [s for s in allowed_targets(case.case_type, case.status) if s.kind == StatusKind.CLOSED]


def non_closing_targets(case) -> list[Status]:
    return [s for s in allowed_targets(case.case_type, case.status) if s.kind != StatusKind.CLOSED]
