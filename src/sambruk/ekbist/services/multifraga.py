"""Multifråga: the caseworker's SSBTEK queries for the persons of an application case.

:func:`run_multifraga` validates the request (permission ``ekbist.run_multifraga`` in the
application's kommun, a verified second factor, persons of the application's household only,
known agencies, a sensible period, a stated purpose), then queries SSBTEK **in parallel**
(threads; by default one call per person and agency, so a slow or failing agency spoils
nothing else — ``SSBTEK_MULTIFRAGA_SPLIT = "person"`` sends one call per person with all
agencies instead), and finally writes, in one transaction, the dated snapshot
(:class:`~sambruk.ekbist.models.MultifragaQuery`), one audit event per person queried (legal
basis, purpose, agencies, period) and an entry in the case log. The network calls are made
before the transaction: no database row is locked while SSBTEK answers, and nothing is
written when the request is refused.

The snapshot's ``result`` is plain JSON (see :func:`summarise`): per person, per agency
either ``ok`` with facts, payments, decisions, vehicles, taxation and permits, or an error
with a Swedish message; plus the payments of each person grouped by month.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sambruk.cases import services as case_services
from sambruk.cases.errors import CaseActionError
from sambruk.cases.predicates import check as check_case_action
from sambruk.core.audit.models import AuditAction
from sambruk.core.audit.services import record
from sambruk.core.authz.permissions import has_perm
from sambruk.core.persons.personnummer import InvalidPersonnummer, Personnummer
from sambruk.ekbist import application_data as ad
from sambruk.ekbist import legal
from sambruk.ekbist.models import Application, MultifragaQuery
from sambruk.ekbist.roles import RUN_MULTIFRAGA
from sambruk.ekbist.ssbtek import types as t
from sambruk.ekbist.ssbtek.client import SsbtekClient, SsbtekConfig, SsbtekError

from .multifraga_summary import summarise
from .selfservice import ssbtek_config

LEGAL_BASIS = legal.MULTIFRAGA_LEGAL_BASIS  # see sambruk.ekbist.legal
AGENCIES = t.AGENCIES
MAX_MONTHS = 24
MAX_PURPOSE = 200  # the audit event's purpose and SSBTEK's syfte
DEFAULT_PARALLEL = 32  # threads per query (SSBTEK_MAX_PARALLEL); 4 persons × 7 = 28 calls

ROLE_LABELS = {
    ad.ROLE_APPLICANT: "Sökande",
    ad.ROLE_CO_APPLICANT: "Medsökande",
    ad.ROLE_CHILD: "Barn",
    ad.ROLE_OTHER_ADULT: "Annan vuxen i bostaden",
}


class MultifragaError(Exception):
    """The query was refused before anything was sent; ``message`` is Swedish."""

    def __init__(self, message: str, *, code: str = "invalid", field: str = ""):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


@dataclass(frozen=True)
class HouseholdPerson:
    civic_number: str  # 12 digits, or "" when the application has none for the member
    role: str
    name: str
    birth_date: str = ""  # ISO date as the application states it, or ""
    index: int = -1  # position among the application's members
    entered: bool = False  # civic_number typed in by the caseworker at the query

    @property
    def role_label(self) -> str:
        return _(ROLE_LABELS.get(self.role, self.role))

    @property
    def masked(self) -> str:
        return f"{self.civic_number[:8]}-****" if self.civic_number else ""


# --- who may be queried ----------------------------------------------------------------------
def household_persons(application: Application) -> list[HouseholdPerson]:
    """The application's members in order (sökande, medsökande, children, other adults)."""
    out: list[HouseholdPerson] = []
    seen: set[str] = set()
    for m in (application.data or {}).get("members") or []:
        pnr = "".join(ch for ch in str(m.get("civic_number") or "") if ch.isdigit())
        if m.get("role") == ad.ROLE_APPLICANT and not pnr:
            pnr = application.applicant or ""
        if m.get("role") == ad.ROLE_CO_APPLICANT and not pnr:
            pnr = application.co_applicant or ""
        if pnr in seen:
            pnr = ""
        seen.add(pnr)
        out.append(
            HouseholdPerson(
                pnr,
                str(m.get("role") or ""),
                str(m.get("name") or ""),
                birth_date=str(m.get("birth_date") or ""),
                index=len(out),
            )
        )
    if not out and application.applicant:
        out.append(HouseholdPerson(application.applicant, ad.ROLE_APPLICANT, "", index=0))
    return out


def member_field(index: int) -> str:
    """The form field (and ``MultifragaError.field``) of a member's typed-in personnummer."""
    return f"member_pnr_{index}"


def _who(person: HouseholdPerson) -> str:
    return " ".join(part for part in (person.role_label.lower(), person.name) if part)


def with_entered_number(
    person: HouseholdPerson, raw: str, household: list[HouseholdPerson]
) -> HouseholdPerson:
    """``person`` (no personnummer in the application) with the number the caseworker typed.

    The number must be a valid personnummer or samordningsnummer, agree with the birth date
    the application states for the member, and not belong to anyone else in ``household``.
    Raises :class:`MultifragaError` (Swedish, ``field`` = :func:`member_field`).
    """
    field = member_field(person.index)
    if person.civic_number:
        raise MultifragaError(_("Personen har redan ett personnummer i ansökan."), field=field)
    try:
        pnr = Personnummer.parse(str(raw or ""))
    except InvalidPersonnummer as exc:
        raise MultifragaError(exc.messages[0], field=field) from exc
    try:
        stated = dt.date.fromisoformat(person.birth_date) if person.birth_date else None
    except ValueError:
        stated = None
    if stated is not None and pnr.birth_date != stated:
        raise MultifragaError(
            _(
                "Personnumret stämmer inte med födelsedatumet %(date)s som ansökan anger för "
                "%(who)s. Kontrollera personnumret."
            )
            % {"date": stated.isoformat(), "who": _who(person)},
            field=field,
        )
    if any(p.civic_number == pnr.value and p.index != person.index for p in household):
        raise MultifragaError(
            _("Personnumret tillhör redan en annan person i hushållet."), field=field
        )
    return replace(person, civic_number=pnr.value, entered=True)


def resolve_household(
    application: Application, entered: Mapping[int, str] | None = None
) -> list[HouseholdPerson]:
    """:func:`household_persons` with the personnummer the caseworker typed in for members the
    application has none for (``entered``: member index → number as typed)."""
    household = household_persons(application)
    for index, raw in sorted((entered or {}).items()):
        if not str(raw or "").strip():
            continue
        if not (isinstance(index, int) and 0 <= index < len(household)):
            raise MultifragaError(
                _("Välj bara personer som ingår i ansökans hushåll."), field="persons"
            )
        household[index] = with_entered_number(household[index], raw, household)
    return household


def default_period(application: Application) -> tuple[dt.date, dt.date]:
    """The three months before the month applied for."""
    start = application.period.replace(day=1)
    first = start
    for _i in range(3):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return first, start - dt.timedelta(days=1)


def may_run(user, application: Application) -> bool:
    return has_perm(user, RUN_MULTIFRAGA, application.organisation_id)


def is_verified(user) -> bool:
    verified = getattr(user, "is_verified", None)
    return bool(callable(verified) and verified())


def _months_between(a: dt.date, b: dt.date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


def _validate(
    application, actor, civic_numbers, agencies, period_from, period_to, purpose, entered=None
):
    if not getattr(actor, "is_authenticated", False) or not may_run(actor, application):
        raise MultifragaError(
            _("Du saknar behörighet att göra Multifråga i den här kommunen."), code="permission"
        )
    if not is_verified(actor):
        raise MultifragaError(
            _(
                "Multifråga kräver att du har loggat in med tvåstegsverifiering. Logga ut och "
                "logga in igen med koden från din autentiseringsapp."
            ),
            code="second_factor",
        )
    if application.case_id is None:
        raise MultifragaError(_("Ansökan har inget ärende att spara frågan på."), code="no_case")
    try:
        check_case_action("add_note", application.case, actor)
    except CaseActionError as exc:
        raise MultifragaError(
            _("Frågan kan inte sparas på ärendet: %(reason)s") % {"reason": exc.message},
            code="case",
        ) from exc
    household = {
        p.civic_number: p for p in resolve_household(application, entered) if p.civic_number
    }
    chosen: list[HouseholdPerson] = []
    for raw in civic_numbers:
        try:
            pnr = Personnummer.parse(str(raw)).value
        except InvalidPersonnummer:
            pnr = ""
        if pnr not in household:
            raise MultifragaError(
                _("Välj bara personer som ingår i ansökans hushåll."), field="persons"
            )
        if household[pnr] not in chosen:
            chosen.append(household[pnr])
    if not chosen:
        raise MultifragaError(_("Välj minst en person."), field="persons")
    wanted = [a for a in AGENCIES if a in set(agencies)]
    if set(agencies) - set(AGENCIES):
        raise MultifragaError(_("Okänd myndighet i frågan."), field="agencies")
    if not wanted:
        raise MultifragaError(_("Välj minst en myndighet."), field="agencies")
    if period_from is None or period_to is None:
        raise MultifragaError(_("Ange periodens första och sista dag."), field="period")
    if period_to < period_from:
        raise MultifragaError(_("Periodens slut ligger före dess början."), field="period")
    if period_from > timezone.localdate():
        raise MultifragaError(_("Perioden kan inte börja i framtiden."), field="period")
    if _months_between(period_from, period_to) >= MAX_MONTHS:
        raise MultifragaError(
            _("Perioden får vara högst %(n)s månader.") % {"n": MAX_MONTHS}, field="period"
        )
    purpose = " ".join((purpose or "").split())
    if not purpose:
        raise MultifragaError(_("Ange syftet med frågan."), field="purpose")
    if len(purpose) > MAX_PURPOSE:
        raise MultifragaError(
            _("Syftet får vara högst %(n)s tecken.") % {"n": MAX_PURPOSE}, field="purpose"
        )
    return chosen, wanted, purpose


# --- the parallel queries ---------------------------------------------------------------------
def _config() -> SsbtekConfig:
    return ssbtek_config()


def _handlaggare(actor) -> str:
    return (getattr(actor, "email", "") or str(actor.pk))[:100]


def _ingivare(application, actor) -> t.Ingivare:
    org = application.organisation
    return t.Ingivare(
        getattr(org, "organisationsnummer", "") or "2120000000",
        str(org.name)[:100],
        _handlaggare(actor),
    )


def _error(agency: str, felkod: str, message: str, kalla: str = "KLIENT") -> t.AgencyResult:
    return t.AgencyResult(
        agency=agency, error=t.AgencyError(kalla=kalla, felkod=felkod, felmeddelanden=(message,))
    )


def _default_split() -> str:
    # Demo mode without SSBTEK_URL: the simulator is served by the platform's own web workers;
    # one call per person keeps a query from occupying all of them.
    if not getattr(settings, "SSBTEK_URL", "") and getattr(settings, "DEMO_MODE", False):
        return "person"
    return "agency"


def query_all(
    persons: list[str],
    agencies: list[str],
    *,
    request: dict,
    config: SsbtekConfig | None = None,
    split: str | None = None,
    max_workers: int | None = None,
) -> dict[str, dict[str, t.AgencyResult]]:
    """Query SSBTEK for every person and agency in parallel: ``{pnr: {agency: result}}``.

    ``request`` holds the other arguments of :meth:`SsbtekClient.hamta` (ingivare, ärende,
    period, syfte, lagtext). Every failure becomes the affected agencies' error; this function
    does not raise for SSBTEK's answers.
    """
    config = config or _config()
    split = split or getattr(settings, "SSBTEK_MULTIFRAGA_SPLIT", "") or _default_split()
    if split == "person":
        jobs = [(pnr, tuple(agencies)) for pnr in persons]
    else:
        jobs = [(pnr, (agency,)) for pnr in persons for agency in agencies]
    local = threading.local()

    def run(job):
        pnr, asked = job
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = SsbtekClient(config)
        try:
            result = client.hamta(personnummer=pnr, agencies=asked, **request)
        except SsbtekError as exc:
            return pnr, {
                a: _error(a, getattr(exc, "felkod", "") or "ANROP", str(exc)) for a in asked
            }
        except Exception as exc:  # noqa: BLE001 - one broken call must not spoil the others
            return pnr, {
                a: _error(a, "ANROP", _("Oväntat fel vid anropet: %(e)s") % {"e": exc})
                for a in asked
            }
        out = {}
        for agency in asked:
            part = result.agencies.get(agency)
            out[agency] = part or _error(
                agency, "SAKNAS", _("Myndighetens del saknas i svaret från SSBTEK.")
            )
        return pnr, out

    workers = max_workers or int(getattr(settings, "SSBTEK_MAX_PARALLEL", DEFAULT_PARALLEL))
    results: dict[str, dict[str, t.AgencyResult]] = {pnr: {} for pnr in persons}
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(jobs)))) as pool:
        for pnr, parts in pool.map(run, jobs):
            results[pnr].update(parts)
    return results


# --- the service ------------------------------------------------------------------------------
def run_multifraga(
    application: Application,
    *,
    actor,
    persons,
    agencies,
    period_from: dt.date | None,
    period_to: dt.date | None,
    purpose: str,
    config: SsbtekConfig | None = None,
    split: str | None = None,
    entered_numbers: Mapping[int, str] | None = None,
) -> MultifragaQuery:
    """Query SSBTEK for ``persons`` (civic numbers of the household) and store the snapshot.

    ``entered_numbers`` (member index → personnummer) are numbers the caseworker typed in for
    household members the application has none for (children, other adults: the application
    only asks their birth date); see :func:`with_entered_number`. Such a member may then be
    among ``persons``; the snapshot, the audit event and the case-log note say that the
    number was entered by the caseworker.

    Raises :class:`MultifragaError` (Swedish, nothing sent, nothing written) for a refused
    request. Agency failures do not raise: they are part of the stored result.
    """
    chosen, wanted, purpose = _validate(
        application,
        actor,
        list(persons),
        list(agencies),
        period_from,
        period_to,
        purpose,
        entered_numbers,
    )
    case = application.case
    request = {
        "ingivare": _ingivare(application, actor),
        "arendeidentitet": case.reference[:50] or str(case.pk),
        "from_datum": period_from,
        "tom_datum": period_to,
        "syfte": purpose,
        "lagtext": LEGAL_BASIS,
    }
    started = time.perf_counter()
    results = query_all(
        [p.civic_number for p in chosen], wanted, request=request, config=config, split=split
    )
    duration = int((time.perf_counter() - started) * 1000)
    result = summarise(chosen, wanted, results)
    errors = sum(p["errors"] for p in result["persons"])
    with transaction.atomic():
        query = MultifragaQuery.objects.create(
            organisation_id=application.organisation_id,
            case=case,
            application=application,
            actor=actor,
            purpose=purpose,
            legal_basis=LEGAL_BASIS,
            persons=[
                {
                    "personnummer": p.civic_number,
                    "role": p.role,
                    "name": p.name,
                    **({"entered_by_caseworker": True} if p.entered else {}),
                }
                for p in chosen
            ],
            agencies=wanted,
            period_from=period_from,
            period_to=period_to,
            result=result,
            error_count=errors,
            duration_ms=duration,
        )
        for person, summary in zip(chosen, result["persons"], strict=True):
            record(
                AuditAction.READ,
                actor=actor,
                obj=query,
                organisation=application.organisation_id,
                person_civic_number=person.civic_number,
                purpose=purpose,
                object_repr=_("Multifråga %(role)s, ärende %(case)s")
                % {"role": person.role_label, "case": case.reference},
                changes={
                    "legal_basis": LEGAL_BASIS,
                    "agencies": wanted,
                    "period": [period_from.isoformat(), period_to.isoformat()],
                    "case": case.reference,
                    "errors": [p["agency"] for p in summary["agencies"] if p["status"] == "error"],
                    **({"civic_number_entered_by_caseworker": True} if person.entered else {}),
                },
            )
        case_services.do_add_note(
            case,
            actor=actor,
            text=_(
                "Multifråga %(when)s: %(persons)s, %(agencies)s, period %(from)s–%(to)s. "
                "Syfte: %(purpose)s. Lagstöd: %(basis)s.%(errors)s"
            )
            % {
                "when": timezone.localtime(query.created_at).strftime("%Y-%m-%d %H:%M"),
                "persons": ", ".join(
                    f"{p.role_label} {p.masked}"
                    + (" " + _("(personnummer angivet av handläggaren)") if p.entered else "")
                    for p in chosen
                ),
                "agencies": ", ".join(wanted),
                "from": period_from.isoformat(),
                "to": period_to.isoformat(),
                "purpose": purpose,
                "basis": LEGAL_BASIS,
                "errors": (
                    " " + _("%(n)s myndighetssvar med fel.") % {"n": errors} if errors else ""
                ),
            },
        )
    return query


def queries_for(application: Application, user):
    """The stored snapshots of the application's case that ``user`` may see, newest first."""
    from sambruk.ekbist.roles import VIEW_MULTIFRAGA

    if application.case_id is None:
        return MultifragaQuery.objects.none()
    return (
        MultifragaQuery.objects.restrict(user, VIEW_MULTIFRAGA)
        .filter(case_id=application.case_id)
        .select_related("actor")
        .order_by("-created_at", "-pk")
    )


def record_snapshot_read(query: MultifragaQuery, *, actor, purpose: str = "") -> None:
    """Opening a stored snapshot is a read of every person in it: one audit event each."""
    for person in query.persons or []:
        record(
            AuditAction.READ,
            actor=actor,
            obj=query,
            organisation=query.organisation_id,
            person_civic_number=person.get("personnummer", ""),
            purpose=purpose or _("Handläggning av ekonomiskt bistånd (Multifråga, sparat svar)"),
        )
