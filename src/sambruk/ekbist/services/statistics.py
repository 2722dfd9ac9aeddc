"""Monthly statistics on ekonomiskt bistånd as Socialstyrelsen collects them (HSLF-FS 2015:30),
and the services that set the two statistics codes on an application.

Per calendar month *that the assistance is for* (the decision period's month, as the
regulation says) and per kommun:

* **households** — distinct applicant households (the sökande's civic number) with a decision
  that pays something (``total_granted > 0``) for the month;
* **persons** — the members of those households (sökande, medsökande, children; from the
  application data, ``application_data.to_norm_input``'s household without umgängesbarn);
* **paid** — the sum of the planned payments of those decisions (kr);
* **adults** and **by försörjningshinder** — the adults of those households (sökande and
  medsökande: *vuxna biståndsmottagare*) and the adults per försörjningshinder: Socialstyrelsen
  registers one per adult, so a couple with two codes counts once under each and a couple with
  one code counts two persons there (``Application.forsorjningshinder_by_adult``,
  :class:`~sambruk.ekbist.codes.Forsorjningshinder`; missing or "" = not registered), the
  latest decision of the month counting when a household has several;
* **by avslutsorsak** — applications whose assistance ended in the month (the application's
  month) per ``Application.avslutsorsak`` (:class:`~sambruk.ekbist.codes.Avslutsorsak`);
* **by hushållstyp** — households per :class:`~sambruk.ekbist.codes.Hushallstyp` (the codes of
  Socialstyrelsen's register), derived from the same (latest) application as the persons.

The figures and CSV columns use Socialstyrelsen's words: *biståndshushåll*,
*biståndsmottagare* (every member, children included) and *utbetalt ekonomiskt bistånd*.

Everything is read through ``restrict(user, "ekbist.view_statistics")``: a user sees the
kommuner where they hold the permission and nothing else. Only counts and sums leave this
module, so no personal data is shown (and no read is audited); the CSV export is audited.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from sambruk.core.audit.models import AuditAction
from sambruk.core.audit.services import record
from sambruk.core.authz.permissions import has_perm
from sambruk.ekbist.codes import Avslutsorsak, Forsorjningshinder, Hushallstyp
from sambruk.ekbist.models import Application, Decision, Payment
from sambruk.ekbist.roles import CHANGE_APPLICATION, VIEW_STATISTICS

NOT_REGISTERED = ""
MAX_MONTHS = 36


class StatisticsError(ValueError):
    def __init__(self, message: str, code: str = "invalid", field: str = ""):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


@dataclass
class MonthRow:
    month: dt.date
    households: int = 0
    persons: int = 0
    adults: int = 0  # sökande and medsökande of the households (vuxna biståndsmottagare)
    paid: int = 0
    hinder: dict[str, int] = field(default_factory=dict)  # adults per försörjningshinder
    avslut: dict[str, int] = field(default_factory=dict)
    hushallstyp: dict[str, int] = field(default_factory=dict)


@dataclass
class Statistics:
    organisation_ids: list[int]
    first: dt.date
    last: dt.date
    months: list[MonthRow]

    @property
    def totals(self) -> MonthRow:
        total = MonthRow(month=self.first)
        for row in self.months:
            total.paid += row.paid
            for code, n in row.avslut.items():
                total.avslut[code] = total.avslut.get(code, 0) + n
        # Households and persons are per month; over the period only the sum of months is
        # meaningful ("hushållsmånader"), which is what the totals row shows.
        total.households = sum(r.households for r in self.months)
        total.persons = sum(r.persons for r in self.months)
        total.adults = sum(r.adults for r in self.months)
        for row in self.months:
            for code, n in row.hinder.items():
                total.hinder[code] = total.hinder.get(code, 0) + n
            for code, n in row.hushallstyp.items():
                total.hushallstyp[code] = total.hushallstyp.get(code, 0) + n
        return total

    def hinder_codes(self) -> list[str]:
        used = {c for r in self.months for c in r.hinder}
        codes = [c for c in Forsorjningshinder.values if c in used]
        return codes + ([NOT_REGISTERED] if NOT_REGISTERED in used else [])

    def avslut_codes(self) -> list[str]:
        used = {c for r in self.months for c in r.avslut}
        return [c for c in Avslutsorsak.values if c in used]

    def hushallstyp_codes(self) -> list[str]:
        used = {c for r in self.months for c in r.hushallstyp}
        return [c for c in Hushallstyp.values if c in used]


def hinder_label(code: str) -> str:
    if code == NOT_REGISTERED:
        return _("Ej registrerat")
    try:
        return str(Forsorjningshinder(code).label)
    except ValueError:
        return code


def avslut_label(code: str) -> str:
    try:
        return str(Avslutsorsak(code).label)
    except ValueError:
        return code


def hushallstyp_label(code: str) -> str:
    try:
        return str(Hushallstyp(code).label)
    except ValueError:
        return code


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, n: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def month_range(first: dt.date, last: dt.date) -> list[dt.date]:
    first, last = month_start(first), month_start(last)
    if first > last:
        raise StatisticsError(_("Från-månaden ligger efter till-månaden."), code="range")
    months = []
    current = first
    while current <= last:
        months.append(current)
        if len(months) > MAX_MONTHS:
            raise StatisticsError(
                _("Välj högst %(n)s månader i taget.") % {"n": MAX_MONTHS}, code="range"
            )
        current = add_months(current, 1)
    return months


def _persons(data: dict) -> int:
    from sambruk.ekbist import application_data
    from sambruk.ekbist.norm import Residence

    try:
        household, _costs, _incomes = application_data.to_norm_input(data or {})
    except (ValueError, TypeError, KeyError):
        return 1
    return max(1, sum(1 for m in household.members if m.residence != Residence.UMGANGE))


def hushallstyp(data: dict, applicant: str = "") -> str:
    """The household's :class:`Hushallstyp` code from the application data.

    Sammanboende par = a medsökande; *med barn* = a child (``barn``) under 18 on the first day
    of the month applied for who lives in the household (umgängesbarn do not, as for the
    persons); man/kvinna = the sökande's legal sex from the civic number (Socialstyrelsen takes
    it from the population register; ``applicant`` = ``Application.applicant`` when given, else
    the data's sökande). No valid civic number → 9 (okänd); a sökande under 18 → 1 (enbart
    barn)."""
    from sambruk.core.persons.personnummer import InvalidPersonnummer, Personnummer
    from sambruk.ekbist import application_data as ad
    from sambruk.ekbist.norm import Residence

    data = data or {}
    try:
        person = Personnummer.parse(applicant or ad.applicant(data).get("civic_number") or "")
    except (InvalidPersonnummer, ValueError, TypeError):
        return Hushallstyp.OKAND.value
    try:
        month = ad.period_date(data)
    except (ValueError, TypeError, KeyError):
        return Hushallstyp.OKAND.value
    if person.age(month) < 18:
        return Hushallstyp.ENBART_BARN.value
    with_children = False
    for child in ad.children(data):
        if child.get("residence") == Residence.UMGANGE.value:
            continue
        age = ad.age_at(child.get("birth_date") or "", month)
        if age is None or age < 18:  # a "barn" without a birth date counts as a child
            with_children = True
            break
    if ad.co_applicant(data) is not None:
        return (Hushallstyp.PAR_MED_BARN if with_children else Hushallstyp.PAR_UTAN_BARN).value
    if person.gender == "M":
        code = Hushallstyp.ENSAM_MAN_MED_BARN if with_children else Hushallstyp.ENSAM_MAN_UTAN_BARN
    else:
        code = (
            Hushallstyp.ENSAM_KVINNA_MED_BARN
            if with_children
            else Hushallstyp.ENSAM_KVINNA_UTAN_BARN
        )
    return code.value


def compute(user, *, first: dt.date, last: dt.date, organisation=None) -> Statistics:
    """The statistics per month from ``first``'s month to ``last``'s month (inclusive)."""
    months = month_range(first, last)
    end = add_months(months[-1], 1)
    decisions = Decision.objects.restrict(user, VIEW_STATISTICS).filter(
        period_from__gte=months[0], period_from__lt=end, total_granted__gt=0
    )
    ended = (
        Application.objects.restrict(user, VIEW_STATISTICS)
        .exclude(avslutsorsak="")
        .filter(period__gte=months[0], period__lt=end)
    )
    if organisation is not None:
        org_id = getattr(organisation, "pk", organisation)
        decisions = decisions.filter(organisation_id=org_id)
        ended = ended.filter(organisation_id=org_id)
    rows = {m: MonthRow(month=m) for m in months}
    org_ids: set[int] = set()

    latest: dict[tuple, Decision] = {}
    for decision in decisions.select_related("application").order_by("decided_at", "pk"):
        key = (
            decision.organisation_id,
            month_start(decision.period_from),
            decision.application.applicant,
        )
        latest[key] = decision  # the latest decision of the month counts for the household
        org_ids.add(decision.organisation_id)
    paid = {}
    for payment in Payment.objects.filter(decision__in=decisions).values("decision_id", "amount"):
        paid[payment["decision_id"]] = paid.get(payment["decision_id"], 0) + payment["amount"]
    for decision in decisions.only("pk", "period_from"):
        rows[month_start(decision.period_from)].paid += paid.get(decision.pk, 0)
    for (_org, month, _applicant), decision in latest.items():
        row = rows[month]
        row.households += 1
        row.persons += _persons(decision.application.data)
        for role in decision.application.adult_roles():  # one försörjningshinder per adult
            row.adults += 1
            code = decision.application.forsorjningshinder_of(role) or NOT_REGISTERED
            row.hinder[code] = row.hinder.get(code, 0) + 1
        kind = hushallstyp(decision.application.data, decision.application.applicant)
        row.hushallstyp[kind] = row.hushallstyp.get(kind, 0) + 1
    for app in ended.only("pk", "period", "avslutsorsak", "organisation_id"):
        row = rows[month_start(app.period)]
        row.avslut[app.avslutsorsak] = row.avslut.get(app.avslutsorsak, 0) + 1
        org_ids.add(app.organisation_id)
    return Statistics(
        organisation_ids=sorted(org_ids),
        first=months[0],
        last=months[-1],
        months=list(rows.values()),
    )


def statistics_csv(user, stats: Statistics, *, organisation=None) -> bytes:
    """Semicolon-separated UTF-8 with BOM: one row per month plus a totals row."""
    hinder = stats.hinder_codes()
    avslut = stats.avslut_codes()
    kinds = stats.hushallstyp_codes()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [_("Månad"), _("Biståndshushåll"), _("Biståndsmottagare")]
        + [_("Utbetalt ekonomiskt bistånd, kr")]
        + [_("Hushållstyp: %(label)s") % {"label": hushallstyp_label(c)} for c in kinds]
        + [_("Vuxna biståndsmottagare")]
        + [
            _("Vuxna biståndsmottagare, försörjningshinder: %(label)s") % {"label": hinder_label(c)}
            for c in hinder
        ]
        + [_("Avslutsorsak: %(label)s") % {"label": avslut_label(c)} for c in avslut]
    )
    labelled = [(row.month.strftime("%Y-%m"), row) for row in stats.months]
    for month, row in [*labelled, (_("Summa"), stats.totals)]:
        writer.writerow(
            [month, row.households, row.persons, row.paid]
            + [row.hushallstyp.get(c, 0) for c in kinds]
            + [row.adults]
            + [row.hinder.get(c, 0) for c in hinder]
            + [row.avslut.get(c, 0) for c in avslut]
        )
    for org_id in stats.organisation_ids or [getattr(organisation, "pk", organisation)]:
        record(
            AuditAction.EXPORT,
            actor=user,
            organisation=org_id,
            object_type="ekbist.statistics",
            object_repr=_("Statistik ekonomiskt bistånd %(first)s – %(last)s")
            % {"first": f"{stats.first:%Y-%m}", "last": f"{stats.last:%Y-%m}"},
            changes={"format": "csv"},
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _set_code(application, *, actor, field_name: str, code: str, choices, label: str):
    if not has_perm(actor, CHANGE_APPLICATION, application.organisation_id):
        raise StatisticsError(
            _("Du saknar behörighet att ändra ansökan."), code="permission_denied"
        )
    code = (code or "").strip()
    if code and code not in choices.values:
        raise StatisticsError(
            _("Okänt värde för %(label)s: %(code)s.") % {"label": label, "code": code},
            code="invalid_code",
        )
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        before = getattr(locked, field_name)
        if before == code:
            return locked
        setattr(locked, field_name, code)
        locked.save(update_fields=[field_name, "updated_at"])
        record(
            AuditAction.UPDATE,
            actor=actor,
            obj=locked,
            organisation=locked.organisation_id,
            changes={field_name: [before, code]},
        )
    return locked


def hinder_field(role: str) -> str:
    """The form field of the adult ``role``'s försörjningshinder (decision and codes forms)."""
    return f"forsorjningshinder_{role}"


def clean_forsorjningshinder(application, codes) -> dict[str, str]:
    """``codes`` (``{role: code}``, "" = not registered) checked against the application's
    adults and the code list; :class:`StatisticsError` (Swedish, ``code`` names the problem,
    ``field`` the form field) otherwise."""
    from sambruk.ekbist.models.application import ADULT_ROLE_LABELS

    roles = application.adult_roles()
    cleaned = {}
    for role, code in (codes or {}).items():
        role = str(role)
        label = str(ADULT_ROLE_LABELS.get(role, role))
        if role not in roles:
            raise StatisticsError(
                _(
                    "%(role)s finns inte i ansökan. Försörjningshinder anges för den sökande "
                    "och, när det finns en, den medsökande."
                )
                % {"role": label},
                code="unknown_adult",
            )
        code = str(code or "").strip()
        if code and code not in Forsorjningshinder.values:
            raise StatisticsError(
                _("Okänt värde för försörjningshinder (%(role)s): %(code)s.")
                % {"role": label.lower(), "code": code},
                code="invalid_code",
                field=hinder_field(role),
            )
        cleaned[role] = code
    return cleaned


def hinder_summary(application) -> str:
    """ "Sökande: Arbetslös – ingen ersättning; Medsökande: Ej registrerat" for the case log."""
    from sambruk.ekbist.models.application import ADULT_ROLE_LABELS

    return "; ".join(
        f"{ADULT_ROLE_LABELS[role]}: {hinder_label(application.forsorjningshinder_of(role))}"
        for role in application.adult_roles()
    )


def apply_forsorjningshinder(locked, *, actor, codes: dict[str, str]) -> dict:
    """Write the cleaned ``codes`` on ``locked`` (an application row locked for update, inside
    the caller's transaction) and note them on the case (an internal note, not shown to the
    citizen). Returns the changes ``{role: [before, after]}`` (empty when nothing changed);
    the caller audits them. Refused (:class:`StatisticsError`) when the case log refuses."""
    from sambruk.cases import services as case_services
    from sambruk.cases.errors import CaseActionError

    before = dict(locked.forsorjningshinder_by_adult or {})
    after = dict(before)
    for role, code in codes.items():
        if code:
            after[role] = code
        else:
            after.pop(role, None)
    changes = {
        role: [before.get(role, ""), after.get(role, "")]
        for role in locked.adult_roles()
        if before.get(role, "") != after.get(role, "")
    }
    if not changes:
        return {}
    locked.forsorjningshinder_by_adult = after
    locked.save(update_fields=["forsorjningshinder_by_adult", "updated_at"])
    if locked.case_id:
        text = _("Försörjningshinder för Socialstyrelsens statistik, %(month)s: %(summary)s.") % {
            "month": f"{locked.period:%Y-%m}",
            "summary": hinder_summary(locked),
        }
        try:
            case_services.do_add_note(locked.case, actor=actor, text=text)
        except CaseActionError as error:
            raise StatisticsError(error.message, code=f"case_{error.code}") from error
    return changes


def do_set_forsorjningshinder(application, *, actor, codes: dict[str, str]) -> Application:
    """Set (or clear with "") the försörjningshinder of the application's adults
    (``{"sokande": code, "medsokande": code}``; an adult not given keeps theirs). Audited with
    before/after per adult and noted on the case."""
    if not has_perm(actor, CHANGE_APPLICATION, application.organisation_id):
        raise StatisticsError(
            _("Du saknar behörighet att ändra ansökan."), code="permission_denied"
        )
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        cleaned = clean_forsorjningshinder(locked, codes)
        changes = apply_forsorjningshinder(locked, actor=actor, codes=cleaned)
        if changes:
            record(
                AuditAction.UPDATE,
                actor=actor,
                obj=locked,
                organisation=locked.organisation_id,
                changes={"forsorjningshinder": changes},
            )
    return locked


def do_set_avslutsorsak(application, *, actor, code: str) -> Application:
    """Set (or clear with "") why the assistance ended (Socialstyrelsen's avslutsorsak)."""
    return _set_code(
        application,
        actor=actor,
        field_name="avslutsorsak",
        code=code,
        choices=Avslutsorsak,
        label=_("avslutsorsak"),
    )
