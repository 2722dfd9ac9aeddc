"""A submitted form becomes a case: queue, type, labels, form data, files, contacts."""

from __future__ import annotations

from django.core.files import File
from django.utils.translation import gettext as _

from sambruk.cases.models import CaseFormData, Origin
from sambruk.cases.services.lifecycle import do_create
from sambruk.cases.system import SystemActor

from ..definition import field_map, localise
from ..engine import build_summary, summary_data
from ..models import SignerRole, Submission


def description(sub: Submission) -> str:
    lines = []
    for section in build_summary(sub.form_version.schema, sub.data, language="sv"):
        lines.append(f"## {section.title}")
        for item in section.items:
            if item.rows is None:
                lines.append(f"{item.label}: {item.value or '–'}")
            else:
                lines.append(f"{item.label}:")
                for i, row in enumerate(item.rows, 1):
                    parts = "; ".join(f"{x.label}: {x.value}" for x in row)
                    lines.append(f"  {i}. {parts}")
        lines.append("")
    return "\n".join(lines).strip()


def _answer_of_type(sub: Submission, kind: str) -> str:
    for ref in field_map(sub.form_version.schema).values():
        if ref.group is None and ref.field["type"] == kind:
            value = (sub.data or {}).get(ref.field["name"])
            if value:
                return str(value)
    return ""


def _name_answer(sub: Submission) -> str:
    for ref in field_map(sub.form_version.schema).values():
        name = ref.field["name"]
        if ref.group is None and ref.field["type"] == "text" and "namn" in name.lower():
            value = (sub.data or {}).get(name)
            if value:
                return str(value)
    return ""


def _person_contact(user, role: str) -> dict | None:
    from sambruk.core.persons.services import get_or_create_person

    if user is None or not getattr(user, "civic_number", ""):
        return None
    given, _sep, family = (user.full_name or "").partition(" ")
    person, _created = get_or_create_person(
        actor=user,
        civic_number=user.civic_number,
        given_name=given or "-",
        family_name=family or given or "-",
    )
    return {"person": person, "role": role}


def contacts(sub: Submission, signatures: list | None = None) -> list[dict]:
    email, phone = _answer_of_type(sub, "email"), _answer_of_type(sub, "phone")
    first = _person_contact(sub.user, _("Sökande"))
    rows = []
    if first is not None:
        first.update(email=email, phone=phone)
        rows.append(first)
    elif _name_answer(sub) or email or phone:
        rows.append(
            {"name": _name_answer(sub), "email": email, "phone": phone, "role": _("Avsändare")}
        )
    if signatures is None:
        signatures = list(sub.signatures.select_related("signer"))
    second = next((s for s in signatures if s.role == SignerRole.SECOND), None)
    if second is not None:
        row = _person_contact(second.signer, _("Medsökande"))
        if row is not None:
            rows.append(row)
    return rows


def create_case(sub: Submission):
    """Create the case (rules run inside ``do_create``) and copy form data and files."""
    from sambruk.cases.services.attachments import do_add_attachment

    eservice = sub.eservice
    from .signing import submission_files

    signatures = list(sub.signatures.select_related("signer"))  # once: contacts + form data
    person_rows = contacts(sub, signatures)
    if sub.user_id and person_rows and person_rows[0].get("person") is not None:
        sub.person = person_rows[0]["person"]
        sub.save(update_fields=["person"])
    case = do_create(
        actor=None,
        queue=eservice.queue,
        case_type=eservice.case_type,
        title=eservice.name[:300],
        description=description(sub),
        origin=Origin.WEB_FORM,
        labels=list(eservice.labels.all()),
        contacts=person_rows,
        _skip_permission=True,  # the citizen creates the case through the e-service only
    )
    CaseFormData.objects.create(
        case=case,
        form_code=f"etjanst-{eservice.slug}"[:60],
        data={
            "eservice": eservice.name,
            "submission": sub.pk,
            "form_version": sub.form_version_id,
            "content_hash": sub.content_hash,
            "summary": summary_data(sub.form_version.schema, sub.data, language="sv"),
            "signatures": [
                {
                    "role": s.role,
                    "civic_number": s.civic_number,
                    "signed_at": s.signed_at.isoformat(),
                    "loa": s.loa,
                    "method": s.method,
                    "hash": s.content_hash,
                }
                for s in signatures
            ],
        },
        submitted_by=sub.user,
    )
    system = SystemActor(_("E-tjänst: %(name)s") % {"name": localise(eservice.name)})
    for row in submission_files(sub):
        with row.file.open("rb") as handle:
            do_add_attachment(
                case, actor=system, uploaded_file=File(handle, name=row.original_name)
            )
    return case
