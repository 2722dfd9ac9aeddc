"""The caseworker's overview of one application: data, need calculation, Multifråga snapshots.

:func:`application_overview` reads the application as the viewer may see it (through
``services.application.application_for_viewer``: the address hidden for protected persons
without ``persons.view_protected``; an audited read of the applicant) and audits the read of
the medsökande too; it adds readable labels for the codes of ``Application.data`` (through
``application_data``), the need calculation of the month applied for with the kommun's
guideline (``services.norm.need_for``), and the list of stored Multifråga snapshots of the case
(without their results: opening one is its own audited read).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from sambruk.core.audit.services import record_read
from sambruk.ekbist import application_data as ad
from sambruk.ekbist.models import Application, MultifragaQuery
from sambruk.ekbist.norm import Guideline, NeedCalculation, NormError, calculate_need
from sambruk.ekbist.roles import VIEW_MULTIFRAGA
from sambruk.ekbist.ssbtek.types import AGENCY_NAMES

from . import application as app_services
from .multifraga import may_run, queries_for
from .norm import guideline_for, norm_table

PURPOSE = "Handläggning av ekonomiskt bistånd (översikt över ansökan)"


@dataclass
class Overview:
    application: Application
    view: dict
    members: list[dict] = field(default_factory=list)
    housing: dict = field(default_factory=dict)
    incomes: list[dict] = field(default_factory=list)
    costs: list[dict] = field(default_factory=list)
    assets: list[dict] = field(default_factory=list)
    attachments: list[dict] = field(default_factory=list)
    calculation: NeedCalculation | None = None
    calculation_error: str = ""
    guideline_source: str = ""
    has_guideline: bool = False
    queries: list[MultifragaQuery] = field(default_factory=list)
    may_run_multifraga: bool = False
    may_view_multifraga: bool = False


def _label(mapping: dict, code, default: str = "") -> str:
    value = mapping.get(code)
    return str(value) if value is not None else (str(code) if code else default)


def _members(data: dict) -> list[dict]:
    roles = {
        ad.ROLE_APPLICANT: _("Sökande"),
        ad.ROLE_CO_APPLICANT: _("Medsökande"),
        ad.ROLE_CHILD: _("Barn"),
        ad.ROLE_OTHER_ADULT: _("Annan vuxen i bostaden"),
    }
    at = ad.period_date(data)
    out = []
    for m in data.get("members") or []:
        occupation = m.get("occupation") or None
        pnr = str(m.get("civic_number") or "")
        out.append(
            {
                "role": roles.get(m.get("role"), m.get("role") or ""),
                "name": m.get("name") or "",
                "civic_number": f"{pnr[:8]}-{pnr[8:]}" if len(pnr) == 12 else pnr,
                "age": ad.age_at(m.get("birth_date") or "", at),
                "residence": m.get("residence") or "heltid",
                "days_per_month": m.get("days_per_month"),
                "in_school": bool(m.get("in_school")),
                "school_lunch": bool(m.get("school_lunch")),
                "occupation": _label(ad.OCCUPATIONS, occupation.get("kind")) if occupation else "",
                "occupation_details": " ".join(
                    str(occupation.get(k) or "")
                    for k in ("plan", "details", "sick_leave_until")
                    if occupation and occupation.get(k)
                ),
            }
        )
    return out


def _incomes(data: dict, fetched) -> list[dict]:
    provenance = {}
    for value in fetched:
        provenance.setdefault(value.agency, value.fetched_at)
    out = []
    for row in data.get("incomes") or []:
        source = str(row.get("source") or "")
        out.append(
            {
                "person": _("Medsökande")
                if row.get("person") == ad.ROLE_CO_APPLICANT
                else _("Sökande"),
                "type": _label(ad.INCOME_TYPES, row.get("type")),
                "label": row.get("label") or "",
                "amount": int(row.get("amount") or 0),
                "source": source,
                "source_name": AGENCY_NAMES.get(source, source),
                "fetched_at": provenance.get(source),
            }
        )
    return out


def _costs(data: dict) -> list[dict]:
    costs = data.get("costs") or {}
    out = [
        {"label": str(ad.COST_LABELS[key]), "amount": int(costs.get(key) or 0)}
        for key, _field in ad.COSTS.values()
        if costs.get(key)
    ]
    out += [
        {
            "label": f"{ad.COST_LABELS['ovrigt']}: {row.get('text') or ''}".strip(": "),
            "amount": int(row.get("amount") or 0),
        }
        for row in costs.get("ovrigt") or []
    ]
    return out


def _assets(data: dict) -> list[dict]:
    return [
        {
            "type": _label(ad.ASSET_TYPES, row.get("type")),
            "owner": _("Medsökande") if row.get("owner") == ad.ROLE_CO_APPLICANT else _("Sökande"),
            "description": row.get("description") or "",
            "value": row.get("value"),
        }
        for row in data.get("assets") or []
    ]


def calculation_for(
    application: Application, guideline: Guideline | None = None
) -> tuple[NeedCalculation | None, str]:
    """The need calculation of the application, or ``(None, Swedish message)``.

    ``guideline``: the kommun's guideline for the year when the caller has read it already.
    """
    try:
        household, costs, incomes = ad.to_norm_input(application.data or {})
        year = application.period.year
        if guideline is None:
            guideline = guideline_for(application.organisation, year)
        return calculate_need(norm_table(year), household, costs, incomes, guideline=guideline), ""
    except NormError as exc:
        return None, str(exc)
    except (ValueError, TypeError, KeyError) as exc:
        return None, _("Ansökans uppgifter kan inte räknas på: %(error)s") % {"error": exc}


@transaction.atomic
def application_overview(application: Application, user) -> Overview:
    """Everything the overview page shows; audited reads of the applicant and medsökande.

    One transaction: the audit events are written together with (or not at all without) the
    page's reads.
    """
    from sambruk.core.authz.permissions import has_perm

    view = app_services.application_for_viewer(application, user, purpose=PURPOSE)
    if application.co_applicant:
        record_read(
            actor=user,
            obj=application,
            organisation=application.organisation_id,
            person_civic_number=application.co_applicant,
            purpose=PURPOSE,
        )
    data = view["data"]
    guideline = guideline_for(application.organisation, application.period.year)
    calculation, error = calculation_for(application, guideline)
    may_view = has_perm(user, VIEW_MULTIFRAGA, application.organisation_id)
    queries = []
    if may_view:
        queries = list(queries_for(application, user).defer("result")[:50])
    return Overview(
        application=application,
        view=view,
        members=_members(data),
        housing={
            **(data.get("housing") or {}),
            "type_label": _label(ad.HOUSING_TYPES, (data.get("housing") or {}).get("type")),
        },
        incomes=_incomes(data, view.get("fetched") or []),
        costs=_costs(data),
        assets=_assets(data),
        attachments=list(data.get("attachments") or []),
        calculation=calculation,
        calculation_error=error,
        guideline_source=guideline.source if guideline else "",
        has_guideline=guideline is not None,
        queries=queries,
        may_run_multifraga=may_run(user, application),
        may_view_multifraga=may_view,
    )
