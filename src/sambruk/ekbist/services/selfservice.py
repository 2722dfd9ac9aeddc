"""Självservice: the applicant fetches their own data from the agencies into the application.

Flow (all within the e-application, before signing):

1. :func:`give_consent` — explicit consent on the consent page; a draft :class:`Application`
   is linked to the submission and holds the consent time.
2. :func:`fetch` — one SSBTEK query for the applicant's own civic number (FK, a-kassorna,
   CSN, AF). Each value becomes a :class:`FetchedValue` (not yet accepted); an agency that
   fails (timeout, error part) is reported by name and the others are kept.
3. :func:`accept` — the applicant reviews the values and accepts some or all; accepted
   incomes are written into the form's income rows (the applicant can still change them;
   on submission only unchanged values keep their provenance).
4. :func:`withdraw` — withdrawing the consent deletes every fetched value that was not
   submitted, removes the rows it prefilled, and stops fetching.

Every step is audited; the caseworker sees the provenance (``_provenance.html``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sambruk.core.audit.models import AuditAction
from sambruk.core.audit.services import record
from sambruk.eforms.services.submissions import SubmissionError, do_set_answers

from .. import application_data as ad
from ..legal import SELFSERVICE_LEGAL_BASIS
from ..models import Application, ApplicationState, FetchedValue
from ..ssbtek import types as t
from ..ssbtek.client import SsbtekClient, SsbtekConfig, SsbtekError

AGENCIES = ("AF", "CSN", "FK", "SO")
PURPOSE = "Självservice: sökande hämtar egna uppgifter till ansökan om ekonomiskt bistånd"
LAGTEXT = SELFSERVICE_LEGAL_BASIS  # see sambruk.ekbist.legal

FK_FORMANER = {
    "bostadsbidrag": "bostadsbidrag",
    "barnbidrag": "barnbidrag",
    "sjukpenning": "sjukpenning",
    "sjukersättning": "sjukpenning",
    "föräldrapenning": "foraldrapenning",
    "underhållsstöd": "underhallsstod",
    "aktivitetsstöd": "aktivitetsstod",
    "etableringsersättning": "aktivitetsstod",
}


@dataclass
class FetchOutcome:
    values: list[FetchedValue] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (agency name, message)
    answered: list[str] = field(default_factory=list)  # agencies that answered


# --- reads ---------------------------------------------------------------------------------
def draft_application(sub) -> Application | None:
    return Application.objects.filter(submission=sub).first()


def has_consent(application: Application | None) -> bool:
    return bool(
        application is not None
        and application.selfservice_consent_at
        and not application.selfservice_consent_withdrawn_at
    )


def fetched_values(sub) -> list[FetchedValue]:
    return list(FetchedValue.objects.filter(application__submission=sub).order_by("agency", "pk"))


def _check_owner(sub, actor) -> str:
    pnr = getattr(actor, "civic_number", "") or ""
    if not pnr or sub.user_id != getattr(actor, "pk", None):
        raise SubmissionError(
            _("Bara den som fyller i ansökan kan hämta sina egna uppgifter."), code="not_owner"
        )
    return pnr


def _audit(action, *, actor, application, changes, purpose=PURPOSE):
    record(
        action,
        actor=actor,
        obj=application,
        organisation=application.organisation_id,
        person_civic_number=application.applicant,
        purpose=purpose,
        changes=changes,
    )


# --- consent -------------------------------------------------------------------------------
@transaction.atomic
def give_consent(sub, *, actor) -> Application:
    pnr = _check_owner(sub, actor)
    application = Application.objects.select_for_update().filter(submission=sub).first()
    if application is None:
        data = sub.data or {}
        application = Application(
            submission=sub,
            organisation=sub.eservice.organisation,
            kind=data.get("ansokningstyp") or "nyansokan",
            period=ad.period_date({"period": data.get("period")}),
            applicant=pnr,
            state=ApplicationState.DRAFT,
        )
    if application.state != ApplicationState.DRAFT:
        raise SubmissionError(_("Ansökan är redan inskickad."), code="not_draft")
    application.selfservice_consent_at = timezone.now()
    application.selfservice_consent_withdrawn_at = None
    application.save()
    _audit(AuditAction.UPDATE, actor=actor, application=application, changes={"consent": True})
    return application


def withdraw_if_given(sub, *, actor) -> None:
    application = draft_application(sub)
    if (
        application is not None
        and application.state == ApplicationState.DRAFT
        and (application.selfservice_consent_at or application.fetched_values.exists())
    ):
        withdraw(sub, actor=actor)


@transaction.atomic
def withdraw(sub, *, actor) -> int:
    """Withdraw the consent: delete unsubmitted fetched values and the rows they filled."""
    application = Application.objects.select_for_update().filter(submission=sub).first()
    if application is None or application.state != ApplicationState.DRAFT:
        return 0
    values = list(application.fetched_values.all())
    rows = _remaining_rows(sub, [v for v in values if v.accepted])
    do_set_answers(
        sub,
        {"inkomster": rows or None, "sjalvservice": "no"},
        actor=actor,
        purpose=_("Självservice: samtycket återkallat"),
    )
    application.fetched_values.all().delete()
    application.selfservice_consent_withdrawn_at = timezone.now()
    application.save(update_fields=["selfservice_consent_withdrawn_at", "updated_at"])
    _audit(
        AuditAction.DELETE,
        actor=actor,
        application=application,
        changes={"consent": False, "deleted_values": len(values)},
    )
    return len(values)


# --- fetch ---------------------------------------------------------------------------------
def ssbtek_config() -> SsbtekConfig:
    config = SsbtekConfig.from_settings()
    if not config.url and getattr(settings, "DEMO_MODE", False):
        from django.urls import reverse

        url = settings.SITE_URL.rstrip("/") + reverse("ekbist:ssbtek-sim")
        config = SsbtekConfig(url=url, timeout=config.timeout)
    return config


def _kr(value) -> int | None:
    if value is None:
        return None
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _values_of(result: t.SsbtekResult, pnr: str) -> list[dict]:
    """Income-type values (and a few facts) from the agencies' parts."""
    out: list[dict] = []
    fk = result.agencies.get("FK")
    if fk and fk.ok and fk.data is not None:
        latest: dict[str, dict] = {}
        for row in fk.data.json.get("utbetalningar") or []:
            name = str(row.get("forman") or "")
            if name and str(row.get("avserManad", "")) >= latest.get(name, {}).get(
                "avserManad", ""
            ):
                latest[name] = row
        for name, row in latest.items():
            kind = FK_FORMANER.get(name.lower(), "ovrigt")
            out.append(
                {
                    "agency": "FK",
                    "field": f"income:fk:{kind}",
                    "label": name,
                    "amount": _kr(row.get("belopp")),
                    "period": str(row.get("avserManad") or ""),
                }
            )
    so = result.agencies.get("SO")
    if so and so.ok and so.data is not None:
        for ers in so.data.ersattningar:
            paid = [u for u in ers.utbetalningar if u.netto_efter_skatt is not None]
            if not paid:
                continue
            last = max(paid, key=lambda u: u.utbetalningsdatum or dt.date.min)
            out.append(
                {
                    "agency": "SO",
                    "field": "income:so:a_kassa",
                    "label": _("Ersättning från a-kassa (%(kassa)s)")
                    % {"kassa": ers.svarande_organisation},
                    "amount": _kr(last.netto_efter_skatt),
                    "period": last.avser_from.strftime("%Y-%m") if last.avser_from else "",
                }
            )
    csn = result.agencies.get("CSN")
    if csn and csn.ok and csn.data is not None:
        for person in csn.data.personer:
            for kind, flag in person.studiestodstyper.items():
                if flag:
                    amount = person.uppgifter.get(f"{kind}/Belopp")
                    out.append(
                        {
                            "agency": "CSN",
                            "field": "income:csn:studiemedel" if amount else f"info:csn:{kind}",
                            "label": _("CSN: %(kind)s") % {"kind": kind},
                            "amount": _kr(amount) if amount else None,
                            "value": "" if amount else _("beviljat"),
                        }
                    )
    af = result.agencies.get("AF")
    if af and af.ok and af.data is not None and af.data.arbetssokande:
        since = af.data.registrerad.isoformat() if af.data.registrerad else ""
        out.append(
            {
                "agency": "AF",
                "field": "info:af:arbetssokande",
                "label": _("Inskriven som arbetssökande"),
                "amount": None,
                "value": (af.data.arbetssokande_skat or "") + (f", sedan {since}" if since else ""),
            }
        )
    return out


def fetch(sub, *, actor, client: SsbtekClient | None = None) -> FetchOutcome:
    """Query SSBTEK for the applicant's own data and store the values (not yet accepted)."""
    pnr = _check_owner(sub, actor)
    application = draft_application(sub)
    if not has_consent(application):
        raise SubmissionError(
            _("Du har inte samtyckt till att uppgifter hämtas. Inget har hämtats."),
            code="no_consent",
        )
    if application.state != ApplicationState.DRAFT:
        raise SubmissionError(_("Ansökan är redan inskickad."), code="not_draft")
    org = sub.eservice.organisation
    start = application.period
    from_datum = (start - dt.timedelta(days=1)).replace(day=1)
    from_datum = (from_datum - dt.timedelta(days=1)).replace(day=1)
    from_datum = (from_datum - dt.timedelta(days=1)).replace(day=1)
    outcome = FetchOutcome()
    try:
        result = (client or SsbtekClient(ssbtek_config())).hamta(
            ingivare=t.Ingivare(
                getattr(org, "organisationsnummer", "") or "2120000000",
                str(org.name)[:100],
                "sjalvservice",
            ),
            personnummer=pnr,
            arendeidentitet=f"EA-{sub.pk}",
            from_datum=from_datum,
            tom_datum=start - dt.timedelta(days=1),
            syfte=PURPOSE[:200],
            lagtext=LAGTEXT,
            agencies=AGENCIES,
        )
    except SsbtekError as exc:
        outcome.errors.append((_("Alla myndigheter"), str(exc)))
        with transaction.atomic():
            _audit(
                AuditAction.READ,
                actor=actor,
                application=application,
                changes={"agencies": list(AGENCIES), "error": str(exc)[:200]},
            )
        return outcome
    for agency, error in sorted(result.errors.items()):
        outcome.errors.append((t.AGENCY_NAMES.get(agency, agency), error.felmeddelande))
    answered = [a for a, r in result.agencies.items() if r.ok]
    outcome.answered = answered
    now = timezone.now()
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if not has_consent(application):  # withdrawn while the query ran
            raise SubmissionError(
                _("Samtycket återkallades medan uppgifterna hämtades. Inget har sparats."),
                code="no_consent",
            )
        FetchedValue.objects.filter(
            application=application, agency__in=answered, accepted=False
        ).delete()
        for row in _values_of(result, pnr):
            outcome.values.append(
                FetchedValue.objects.create(
                    application=application,
                    person=pnr,
                    agency=row["agency"],
                    field=row["field"][:80],
                    label=str(row["label"])[:200],
                    amount=row.get("amount"),
                    value=str(row.get("value") or "")[:300],
                    period=row.get("period") or "",
                    fetched_at=now,
                )
            )
        _audit(
            AuditAction.READ,
            actor=actor,
            application=application,
            changes={
                "agencies": list(AGENCIES),
                "answered": sorted(answered),
                "errors": sorted(result.errors),
                "values": len(outcome.values),
            },
        )
    return outcome


# --- accept --------------------------------------------------------------------------------
def _row_of(value: FetchedValue) -> dict:
    return {
        "inkomst_person": ad.ROLE_APPLICANT,
        "inkomst_typ": value.field.rsplit(":", 1)[-1],
        "inkomst_belopp": int(value.amount) * 100,
        "inkomst_beskrivning": _("%(label)s, hämtat från %(agency)s")
        % {"label": value.label, "agency": t.AGENCY_NAMES.get(value.agency, value.agency)},
    }


def _remaining_rows(sub, accepted: list[FetchedValue]) -> list[dict]:
    """The form's income rows without those written from ``accepted`` values."""
    mine = [_row_of(v) for v in accepted if v.amount is not None and v.field.startswith("income:")]
    rows = []
    for row in (sub.data or {}).get("inkomster") or []:
        if row in mine:
            mine.remove(row)
            continue
        rows.append(row)
    return rows


@transaction.atomic
def accept(sub, *, actor, ids) -> int:
    """Accept the chosen values; their incomes are added to the form's income rows."""
    _check_owner(sub, actor)
    application = Application.objects.select_for_update().filter(submission=sub).first()
    if not has_consent(application):
        raise SubmissionError(
            _("Du har inte samtyckt till att uppgifter hämtas."), code="no_consent"
        )
    chosen = {int(i) for i in ids if str(i).isdigit()}
    values = list(application.fetched_values.all())
    previously = [v for v in values if v.accepted]
    rows = _remaining_rows(sub, previously)
    accepted = [v for v in values if v.pk in chosen]
    rows += [_row_of(v) for v in accepted if v.amount is not None and v.field.startswith("income:")]
    FetchedValue.objects.filter(application=application).update(accepted=False)
    FetchedValue.objects.filter(pk__in=[v.pk for v in accepted]).update(accepted=True)
    do_set_answers(
        sub, {"inkomster": rows or None}, actor=actor, purpose=_("Självservice: godkända uppgifter")
    )
    _audit(
        AuditAction.UPDATE,
        actor=actor,
        application=application,
        changes={"accepted": sorted(v.pk for v in accepted)},
    )
    return len(accepted)
