"""The decision letter (beslutsbrev) as PDF, rendered with WeasyPrint.

``render_letter_pdf(decision)`` renders ``ekbist/decision/letter_pdf.html`` (A4, the house
style of ``cases/pdf`` and the e-service receipt): the kommun, the applicant with a masked
civic number, the items with applied and granted amounts, the period, the motivation, the norm
breakdown frozen on the decision, and how to appeal (förvaltningsrätten, in writing, sent to the
kommun within three weeks from the day the applicant *fick del av* the decision, förvaltningslagen
44 §). The legal references come from :mod:`sambruk.ekbist.legal`.

The letter is sent to the applicant and kept on the case visible to them, so it never prints the
address of a person with skyddad folkbokföring or sekretessmarkering, whoever generates it.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sambruk.core.persons.models import Person, Protection
from sambruk.core.persons.personnummer import Personnummer
from sambruk.ekbist import legal

SECTIONS = (("norm", "Riksnorm"), ("cost", "Kostnader utanför riksnormen"), ("income", "Inkomster"))


def kronor(value) -> str:
    """``5220`` → ``5 220 kr`` (Swedish thousands separator)."""
    return f"{int(value or 0):,} kr".replace(",", " ")


def _person(civic_number: str) -> Person | None:
    if not civic_number:
        return None
    return Person.objects.filter(civic_number=civic_number).first()


def _member(application, role: str) -> dict:
    from sambruk.ekbist import application_data

    data = application.data or {}
    if role == application_data.ROLE_APPLICANT:
        return application_data.applicant(data) or {}
    return application_data.co_applicant(data) or {}


def applicant_name(application) -> str:
    person = _person(application.applicant)
    if person:
        return person.full_name
    return str(_member(application, "sokande").get("name") or "")


def _party(application, civic_number: str, role: str) -> dict | None:
    """Name, masked civic number and address lines; no address for a protected household
    (the person's marking in the register or the application's ``protected`` flag)."""
    if not civic_number:
        return None
    person = _person(civic_number)
    protected = bool((application.data or {}).get("protected")) or bool(
        person and person.protection != Protection.NONE
    )
    address = []
    if person and not protected:
        address = [
            line
            for line in (
                person.care_of and f"c/o {person.care_of}",
                person.street_address,
                " ".join(p for p in (person.postal_code, person.city) if p),
            )
            if line
        ]
    return {
        "name": person.full_name if person else str(_member(application, role).get("name") or ""),
        "civic_number": Personnummer(civic_number).masked(),
        "address": address,
        "protected": protected,
    }


def letter_filename(decision) -> str:
    return f"beslut-ekonomiskt-bistand-{decision.period_from:%Y-%m}-{decision.pk}.pdf"


def letter_context(decision) -> dict:
    application = decision.application
    calc = decision.calculation or {}
    lines = calc.get("lines", [])
    breakdown = [
        {
            "title": _(title),
            "lines": [
                {"label": x["label"], "amount": kronor(x["amount"]), "rule": x.get("rule", "")}
                for x in lines
                if x.get("section") == key
            ],
            "total": kronor(calc.get(f"{key}s_total" if key == "cost" else f"{key}_total", 0)),
        }
        for key, title in SECTIONS
    ]
    summary = calc.get("decision", {})
    return {
        "decision": decision,
        "organisation_name": decision.organisation.name,
        "reference": decision.case.reference,
        "applicant": _party(application, application.applicant, "sokande"),
        "co_applicant": _party(application, application.co_applicant, "medsokande"),
        "items": [
            {
                "label": item.label,
                "applied": kronor(item.applied_amount),
                "granted": kronor(item.granted_amount),
                "outcome": item.get_outcome_display(),
                "motivation": item.motivation,
            }
            for item in decision.items.all()
        ],
        "granted_total": kronor(summary.get("granted_total", decision.total_granted)),
        "income_total": kronor(summary.get("income_total", calc.get("income_total", 0))),
        "payable": kronor(decision.total_granted),
        "payments": [
            {"date": p.pay_date, "amount": kronor(p.amount)} for p in decision.payments.all()
        ],
        "breakdown": breakdown,
        "year": calc.get("year", ""),
        "decided_by": getattr(decision.decided_by, "full_name", "")
        or getattr(decision.decided_by, "email", ""),
        "decided_at": timezone.localtime(decision.decided_at),
        "legal_sol": legal.SOL,
        "legal_appeal_time": legal.APPEAL_TIME,
    }


def _no_fetch(url, *args, **kwargs):
    """The letter is self-contained: never fetch a URL."""
    raise ValueError(f"Beslutsbrevet hämtar inga externa resurser: {url}")


def render_letter_pdf(decision) -> bytes:
    import weasyprint  # slow to import: only when a letter is made

    with translation.override("sv"):
        html = render_to_string("ekbist/decision/letter_pdf.html", letter_context(decision))
    return weasyprint.HTML(string=html, url_fetcher=_no_fetch).write_pdf()
