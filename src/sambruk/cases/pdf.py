"""PDF export of a case with chosen parts (WeasyPrint).

``case_pdf(case, actor=user, parts={"description", "notes"})`` renders
``cases/pdf/case.html`` (A4, Swedish, header with reference, title and organisation, page
numbers) and writes an audit *export* event. Persons are shown through
:func:`~sambruk.core.persons.protection.visible_person_data`, so a protected person's address
and contact details never reach the PDF of a viewer without ``persons.view_protected``.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from sambruk.core.audit.models import AuditAction
from sambruk.core.audit.services import record
from sambruk.core.persons.protection import visible_person_data

from .closing_form import CLOSING_FORM, display_rows
from .errors import CaseActionError
from .models import CaseLogEntry, LogKind
from .predicates import require_visible

PARTS = ("description", "contacts", "notes", "conversations", "forms", "log")


def part_labels() -> dict[str, str]:
    return {
        "description": _("Beskrivning"),
        "contacts": _("Kontakter"),
        "notes": _("Anteckningar"),
        "conversations": _("Konversationer"),
        "forms": _("Formulär"),
        "log": _("Ärendelogg"),
    }


def _contacts(case, actor) -> list[dict]:
    rows = []
    purpose = _("PDF-export av ärende %(ref)s") % {"ref": case.reference}
    for contact in case.contacts.select_related("person").order_by("pk"):
        row = {"role": contact.role, "note": contact.note}
        if contact.person_id:
            person = visible_person_data(
                contact.person, actor, organisation=case.organisation_id, purpose=purpose
            )
            address = ", ".join(
                part
                for part in (
                    person["care_of"] and f"c/o {person['care_of']}",
                    person["street_address"],
                    " ".join(p for p in (person["postal_code"], person["city"]) if p),
                )
                if part
            )
            row.update(
                name=person["full_name"],
                civic_number=person["civic_number"],
                email=person["email"] or "",
                phone=person["phone"] or "",
                address=address,
                hidden=person["protected_data_hidden"],
                protection=person["protection_label"] if person["is_protected"] else "",
            )
        else:
            row.update(
                name=contact.name,
                civic_number="",
                email=contact.email,
                phone=contact.phone,
                address=contact.address,
                hidden=False,
                protection="",
            )
        rows.append(row)
    return rows


def _conversations(case) -> list[dict]:
    result = []
    conversations = case.conversations.prefetch_related("participants").order_by("created_at")
    for conversation in conversations:
        messages = (
            conversation.messages.select_related("author")
            .prefetch_related("attachments")
            .order_by("created_at", "pk")
        )
        result.append(
            {
                "topic": conversation.topic,
                "internal": conversation.internal,
                "participants": [str(p) for p in conversation.participants.all()],
                "messages": [
                    {
                        "author": str(m.author) if m.author else _("okänd"),
                        "at": m.created_at,
                        "body": m.body,
                        "channel": m.get_channel_display(),
                        "attachments": [a.original_name for a in m.attachments.all()],
                    }
                    for m in messages
                ],
            }
        )
    return result


def _forms(case) -> list[dict]:
    forms = []
    for row in case.forms.select_related("submitted_by").order_by("form_code"):
        title = _("Avslutningsformulär") if row.form_code == CLOSING_FORM else row.form_code
        forms.append(
            {
                "title": title,
                "rows": display_rows(case.case_type, row.form_code, row.data),
                "submitted_at": row.submitted_at,
                "submitted_by": getattr(row.submitted_by, "full_name", "")
                or getattr(row.submitted_by, "email", ""),
            }
        )
    return forms


def _log(case) -> list[dict]:
    entries = CaseLogEntry.objects.filter(case=case).select_related("actor").order_by("at", "pk")
    rows = []
    for entry in entries:
        # A note's text belongs to the "notes" part; the log only says that one was added.
        text = _("Anteckning tillagd.") if entry.kind == LogKind.NOTE else entry.text
        actor = entry.actor
        rows.append(
            {
                "at": entry.at,
                "kind": entry.get_kind_display(),
                "actor": (getattr(actor, "full_name", "") or getattr(actor, "email", ""))
                if actor
                else entry.data.get("actor_label", _("systemet")),
                "text": text,
            }
        )
    return rows


def _no_fetch(url, *args, **kwargs):
    """The export is self-contained: never fetch a URL (no SSRF through case content)."""
    raise ValueError(f"PDF-exporten hämtar inga externa resurser: {url}")


def case_context(case, *, actor, parts: set[str]) -> dict:
    """The template context of the export (also usable for an HTML preview)."""
    ctx = {
        "case": case,
        "organisation_name": case.organisation.name,
        "parts": parts,
        "part_labels": part_labels(),
        "generated_at": timezone.now(),
        "generated_by": getattr(actor, "full_name", "") or getattr(actor, "email", ""),
        "assignee": (getattr(case.assignee, "full_name", "") or getattr(case.assignee, "email", ""))
        if case.assignee_id
        else "",
    }
    if "contacts" in parts:
        ctx["contacts"] = _contacts(case, actor)
    if "notes" in parts:
        ctx["notes"] = list(
            CaseLogEntry.objects.filter(case=case, kind=LogKind.NOTE)
            .select_related("actor")
            .order_by("at", "pk")
        )
    if "conversations" in parts:
        ctx["conversations"] = _conversations(case)
    if "forms" in parts:
        ctx["forms"] = _forms(case)
    if "log" in parts:
        ctx["log"] = _log(case)
    return ctx


def case_pdf(case, *, actor, parts, purpose: str = "") -> bytes:
    """The case as a PDF with the chosen ``parts`` (a subset of :data:`PARTS`).

    Refused (:class:`CaseActionError`) when the user may not see the case or a part is
    unknown. Writes an audit ``export`` event naming the parts.
    """
    require_visible(case, actor)
    parts = set(parts or ())
    unknown = parts - set(PARTS)
    if unknown:
        raise CaseActionError(
            _("Okänd del av ärendet: %(parts)s.") % {"parts": ", ".join(sorted(unknown))},
            code="invalid_part",
        )
    case = (
        type(case)
        .objects.select_related(
            "organisation", "case_type", "status", "queue", "assignee", "priority", "resolution"
        )
        .get(pk=case.pk)
    )
    html = render_to_string("cases/pdf/case.html", case_context(case, actor=actor, parts=parts))

    import weasyprint  # slow to import: only when a PDF is made

    pdf = weasyprint.HTML(string=html, url_fetcher=_no_fetch).write_pdf()
    record(
        AuditAction.EXPORT,
        actor=actor,
        obj=case,
        organisation=case.organisation_id,
        purpose=purpose or _("PDF-export av ärende"),
        changes={"format": "pdf", "parts": sorted(parts)},
    )
    return pdf
