"""Beslut om ekonomiskt bistånd: the proposal from the application and :func:`do_decide`.

The decision rests on the need calculation of the application (riksnorm + reasonable costs −
income, ``services.norm.need_for`` on ``application_data.to_norm_input``). It has one item per
cost: the household's norm and each reasonable cost applied for. Per item the caseworker
grants an amount (0 … applied; more only with a motivation); the item's outcome follows
(bifall = all, delvis bifall = part, avslag = nothing) and so does the decision's:
bifall when every item is granted in full and there is something to pay, avslag when nothing is
paid, delvis bifall otherwise. The amount paid is the granted items minus the household's
income (never negative).

:func:`do_decide` writes everything in one transaction: the decision with the calculation
frozen, the items, the planned payment, an audit event, a case-log entry and the decision
letter (PDF) both visible to the citizen on Mina sidor, the case moved to its decided status
and the application marked decided. Any refusal is a :class:`DecisionError` with a Swedish
message and leaves nothing written.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sambruk.cases import services as case_services
from sambruk.cases.errors import CaseActionError
from sambruk.core.audit.models import AuditAction
from sambruk.core.audit.services import record
from sambruk.core.authz.permissions import has_perm
from sambruk.ekbist.models import (
    Application,
    ApplicationState,
    Decision,
    DecisionItem,
    Outcome,
    Payment,
)
from sambruk.ekbist.norm import COST_LABELS, NeedCalculation, NormError
from sambruk.ekbist.roles import DECIDE
from sambruk.ekbist.services.norm import need_for

#: Status codes (of the case type "Ansökan om ekonomiskt bistånd") that mean "decided".
DECIDED_STATUS_CODES = ("beslutad", "beslut", "decided")
NORM_CODE = "norm"


class DecisionError(ValidationError):
    """A decision was refused; ``message`` is Swedish and shown as is; ``field`` names the
    form field (or item code) it concerns, "" for the whole decision."""

    def __init__(self, message, code: str = "invalid", field: str = ""):
        super().__init__(message, code=code)
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


@dataclass(frozen=True)
class ProposedItem:
    code: str
    label: str
    applied: int  # what the household applied for (the norm: the norm amount)
    proposed: int  # what the calculation accepts (e.g. housing capped by the guideline)


@dataclass(frozen=True)
class Basis:
    calculation: NeedCalculation
    items: tuple[ProposedItem, ...]

    @property
    def income_total(self) -> int:
        return self.calculation.income_total


def month_bounds(period: dt.date) -> tuple[dt.date, dt.date]:
    first = period.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, last


def _norm_input(application: Application):
    from sambruk.ekbist import application_data

    return application_data.to_norm_input(application.data or {})


def decision_basis(application: Application) -> Basis:
    """The calculation and the proposed items of ``application``; :class:`DecisionError`
    (Swedish) when the application's data cannot be calculated."""
    try:
        household, costs, incomes = _norm_input(application)
        calculation = need_for(
            application.period.year,
            household,
            costs,
            incomes,
            organisation=application.organisation,
        )
    except NormError as error:
        raise DecisionError(str(error), code="calculation") from error
    except (ValueError, TypeError, KeyError) as error:
        raise DecisionError(
            _("Ansökans uppgifter kan inte räknas på: %(error)s") % {"error": error},
            code="calculation",
        ) from error
    items = [
        ProposedItem(
            NORM_CODE,
            _("Riksnorm (hushållets norm, %(n)s personer)") % {"n": calculation.household_size},
            calculation.norm_total,
            calculation.norm_total,
        )
    ]
    # The cost lines come in the order of COST_LABELS, then the "other" costs, zero amounts
    # left out (norm._cost_lines): pair them with their codes in the same order.
    applied = [
        (name, _(label), getattr(costs, name))
        for name, label in COST_LABELS.items()
        if getattr(costs, name)
    ]
    applied += [
        (f"other_{n}", label, amount) for n, (label, amount) in enumerate(costs.other, 1) if amount
    ]
    lines = calculation.section("cost")
    paired = len(lines) == len(applied) and all(
        (line.requested if line.requested is not None else line.amount) == amount
        for (_code, _label, amount), line in zip(applied, lines, strict=False)
    )
    if not paired:  # the calculation changed its order: refuse rather than mislabel amounts
        raise DecisionError(
            _("Beräkningens kostnadsrader stämmer inte med ansökans kostnader."),
            code="calculation",
        )
    for (code, label, amount), line in zip(applied, lines, strict=True):
        items.append(ProposedItem(code, label, amount, line.amount))
    return Basis(calculation=calculation, items=tuple(items))


def item_outcome(applied: int, granted: int) -> str:
    if granted <= 0:
        return Outcome.REJECTED
    if granted >= applied:
        return Outcome.GRANTED
    return Outcome.PARTLY


def overall_outcome(outcomes: list[str], payable: int) -> str:
    if payable <= 0:
        return Outcome.REJECTED
    if all(o == Outcome.GRANTED for o in outcomes):
        return Outcome.GRANTED
    return Outcome.PARTLY


def default_pay_date(today: dt.date | None = None) -> dt.date:
    """The next weekday after ``today`` (the kommun's payment run)."""
    day = (today or timezone.localdate()) + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _amount(value, label: str, code: str) -> int:
    if value in (None, ""):
        return 0
    try:
        amount = int(value)
    except (TypeError, ValueError):
        raise DecisionError(
            _("Beloppet för %(label)s måste vara ett heltal i kronor.") % {"label": label},
            code="invalid_amount",
            field=code,
        ) from None
    if amount < 0:
        raise DecisionError(
            _("Beviljat belopp för %(label)s får inte vara negativt.") % {"label": label},
            code="negative_amount",
            field=code,
        )
    return amount


def _check_access(application: Application, actor) -> None:
    if not has_perm(actor, DECIDE, application.organisation_id):
        raise DecisionError(
            _(
                "Ansökan hör till en annan kommun eller så saknar du behörighet att fatta "
                "beslut om ekonomiskt bistånd där."
            ),
            code="permission_denied",
        )


def _check_period(application: Application, period_from, period_to) -> None:
    first, last = month_bounds(application.period)
    if period_from is None or period_to is None:
        raise DecisionError(
            _("Ange beslutsperiodens första och sista dag."), code="period", field="period_from"
        )
    if period_from > period_to:
        raise DecisionError(
            _("Beslutsperiodens första dag ligger efter den sista."),
            code="period",
            field="period_to",
        )
    if period_from < first or period_to > last:
        raise DecisionError(
            _("Beslutsperioden måste ligga inom ansökningsmånaden (%(first)s – %(last)s).")
            % {"first": first.isoformat(), "last": last.isoformat()},
            code="period_outside",
            field="period_from" if period_from < first else "period_to",
        )


def _decided_status(case):
    statuses = list(case.case_type.statuses.all())
    for code in DECIDED_STATUS_CODES:
        for status in statuses:
            if status.code == code:
                return status
    return None


def _granted_items(basis: Basis, items) -> list[dict]:
    given = {str(item.get("code")): item for item in items or ()}
    unknown = set(given) - {p.code for p in basis.items}
    if unknown:
        raise DecisionError(
            _("Okänd kostnadspost: %(codes)s.") % {"codes": ", ".join(sorted(unknown))},
            code="unknown_item",
        )
    rows = []
    for proposed in basis.items:
        item = given.get(proposed.code, {})
        granted = _amount(item.get("granted", proposed.proposed), proposed.label, proposed.code)
        motivation = (item.get("motivation") or "").strip()
        if granted > proposed.applied and not motivation:
            raise DecisionError(
                _(
                    "Beviljat belopp för %(label)s (%(granted)s kr) är högre än det sökta "
                    "(%(applied)s kr). Skriv en motivering för posten."
                )
                % {"label": proposed.label, "granted": granted, "applied": proposed.applied},
                code="granted_above_applied",
                field=proposed.code,
            )
        rows.append(
            {
                "code": proposed.code,
                "label": proposed.label,
                "applied": proposed.applied,
                "granted": granted,
                "outcome": item_outcome(proposed.applied, granted),
                "motivation": motivation,
            }
        )
    return rows


@transaction.atomic
def do_decide(
    application: Application,
    *,
    actor,
    items=(),
    period_from: dt.date | None = None,
    period_to: dt.date | None = None,
    motivation: str = "",
    pay_date: dt.date | None = None,
    forsorjningshinder: dict[str, str] | None = None,
) -> Decision:
    """Decide ``application``. ``items``: ``[{"code", "granted", "motivation"}]`` for the codes
    of :func:`decision_basis` (an item not given is granted as proposed). The period defaults
    to the application's month, the payment date to :func:`default_pay_date`.
    ``forsorjningshinder``: ``{"sokande": code, "medsokande": code}`` for Socialstyrelsen's
    statistics (one per adult of the household, "" = not registered; an adult not given keeps
    what is recorded), written with the decision, in its audit event and noted on the case."""
    _check_access(application, actor)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.case_id is None:
        raise DecisionError(_("Ansökan har inget ärende."), code="no_case")
    if application.state != ApplicationState.SUBMITTED:
        raise DecisionError(
            _("Ansökan kan inte beslutas i läget %(state)s.")
            % {"state": application.get_state_display()},
            code="state",
        )
    first, last = month_bounds(application.period)
    period_from = period_from or first
    period_to = period_to or last
    _check_period(application, period_from, period_to)
    today = timezone.localdate()
    pay_date = pay_date or default_pay_date(today)
    if pay_date < today:
        raise DecisionError(
            _("Utbetalningsdagen kan inte ligga bakåt i tiden."), code="pay_date", field="pay_date"
        )
    hinder = _clean_hinder(application, forsorjningshinder)
    basis = decision_basis(application)
    rows = _granted_items(basis, items)
    granted_total = sum(r["granted"] for r in rows)
    payable = max(granted_total - basis.income_total, 0)
    outcome = overall_outcome([r["outcome"] for r in rows], payable)
    motivation = (motivation or "").strip()
    if outcome != Outcome.GRANTED and not motivation:
        raise DecisionError(
            _(
                "Ett beslut som inte helt bifaller ansökan ska motiveras. Skriv en motivering "
                "till beslutet."
            ),
            code="motivation_required",
            field="motivation",
        )
    case = application.case
    decided = _decided_status(case)
    if decided is None:
        raise DecisionError(
            _("Ärendetypen %(type)s saknar en status för beslut (kod ”beslutad”).")
            % {"type": case.case_type.name},
            code="no_decided_status",
        )

    calculation = basis.calculation.as_dict()
    calculation["decision"] = {
        "granted_total": granted_total,
        "income_total": basis.income_total,
        "payable": payable,
    }
    decision = Decision.objects.create(
        organisation_id=application.organisation_id,
        case=case,
        application=application,
        outcome=outcome,
        period_from=period_from,
        period_to=period_to,
        motivation=motivation,
        calculation=calculation,
        total_granted=payable,
        decided_by=actor,
    )
    DecisionItem.objects.bulk_create(
        [
            DecisionItem(
                decision=decision,
                code=r["code"],
                label=r["label"][:200],
                applied_amount=r["applied"],
                granted_amount=r["granted"],
                outcome=r["outcome"],
                motivation=r["motivation"],
            )
            for r in rows
        ]
    )
    if payable:
        Payment.objects.create(
            organisation_id=application.organisation_id,
            decision=decision,
            pay_date=pay_date,
            amount=payable,
            recipient=_recipient(application)[:200],
            reference=case.reference[:60],
        )
    application.state = ApplicationState.DECIDED
    application.save(update_fields=["state", "updated_at"])
    hinder_changes = _apply_hinder(application, actor, hinder)
    record(
        AuditAction.CREATE,
        actor=actor,
        obj=decision,
        organisation=application.organisation_id,
        purpose=_("Beslut om ekonomiskt bistånd"),
        changes={
            "outcome": outcome,
            "period": [period_from.isoformat(), period_to.isoformat()],
            "total_granted": payable,
            "items": {r["code"]: [r["applied"], r["granted"]] for r in rows},
            "case": case.reference,
            **({"forsorjningshinder": hinder_changes} if hinder_changes else {}),
        },
    )
    _record_on_case(decision, case, actor, decided)
    return decision


def _clean_hinder(application: Application, codes) -> dict[str, str]:
    from sambruk.ekbist.services.statistics import StatisticsError, clean_forsorjningshinder

    try:
        return clean_forsorjningshinder(application, codes)
    except StatisticsError as error:
        raise DecisionError(error.message, code=error.code, field=error.field) from error


def _apply_hinder(application: Application, actor, codes: dict[str, str]) -> dict:
    from sambruk.ekbist.services.statistics import StatisticsError, apply_forsorjningshinder

    if not codes:
        return {}
    try:
        return apply_forsorjningshinder(application, actor=actor, codes=codes)
    except StatisticsError as error:
        raise DecisionError(error.message, code=error.code) from error


def _recipient(application: Application) -> str:
    from sambruk.ekbist.services.decision_letter import applicant_name

    return applicant_name(application) or application.applicant


def _record_on_case(decision: Decision, case, actor, decided) -> None:
    """The citizen-visible log entry, the letter as a visible attachment, the status."""
    from sambruk.ekbist.services.decision_letter import letter_filename, render_letter_pdf

    text = _(
        "Beslut om ekonomiskt bistånd för perioden %(start)s – %(end)s: %(outcome)s. "
        "Utbetalt belopp: %(amount)s kr. Beslutet och hur du överklagar finns i bilagan "
        "%(file)s."
    ) % {
        "start": decision.period_from.isoformat(),
        "end": decision.period_to.isoformat(),
        "outcome": decision.get_outcome_display(),
        "amount": decision.total_granted,
        "file": letter_filename(decision),
    }
    try:
        case = case_services.do_add_note(case, actor=actor, text=text, visible_to_citizen=True)
        pdf = ContentFile(render_letter_pdf(decision), name=letter_filename(decision))
        case_services.do_add_attachment(
            case, actor=actor, uploaded_file=pdf, visible_to_citizen=True
        )
        case.refresh_from_db()
        if case.status_id != decided.pk:
            case_services.do_change_status(case, actor=actor, to=decided)
    except CaseActionError as error:
        raise DecisionError(error.message, code=f"case_{error.code}") from error
