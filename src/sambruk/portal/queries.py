"""What Mina sidor shows: the citizen's cases of every module, shadow cases, forms, drafts.

Every read of personal data here writes read audit events (one per case listed or opened).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sambruk.cases.services import citizen as case_access
from sambruk.core.audit.services import record, record_read
from sambruk.eforms.queries import drafts_for, submitted_for

from . import shadow
from .services import citizen_for

PURPOSE = "Mina sidor"
CLOSED = "closed"  # the case engine's state of a closed case (CaseState.CLOSED)


@dataclass
class Overview:
    open_cases: list = field(default_factory=list)
    closed_cases: list = field(default_factory=list)
    shadow_open: list = field(default_factory=list)
    shadow_closed: list = field(default_factory=list)
    drafts: list = field(default_factory=list)
    submissions: list = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (
            self.open_cases
            or self.closed_cases
            or self.shadow_open
            or self.shadow_closed
            or self.drafts
            or self.submissions
        )


def overview(user) -> Overview:
    """The start page of Mina sidor (audited: one read event per case and shadow case)."""
    citizen = citizen_for(user)
    cases = case_access.case_list(citizen)
    shadows = shadow.shadow_cases_for(citizen.civic_number)
    rows = case_rows(cases)
    result = Overview(
        open_cases=[r for r in rows if not r["closed"]],
        closed_cases=[r for r in rows if r["closed"]],
        shadow_open=[s for s in shadows if not s.closed],
        shadow_closed=[s for s in shadows if s.closed],
        drafts=drafts_for(user),
        submissions=submitted_for(user),
    )
    if cases:
        audit_list_read(user, cases)
    for item in shadows:
        audit_shadow_read(user, item)
    return result


def case_rows(cases) -> list[dict]:
    """What the list shows of each case, as plain values (computed once, cheap to render)."""
    link = reverse("portal:case", args=[0])[:-2]  # "/mina-sidor/arende/"
    origins = case_access.origin_labels()
    return [
        {
            "url": f"{link}{case['id']}/",
            "title": case["title"],
            "status": case["status__name"],
            "closed": case["state"] == CLOSED,
            "type": case["case_type__name"],
            "origin": origins.get(case["origin"], case["origin"]),
            "organisation": case["organisation__name"],
            "reference": case["reference"],
            "changed": timezone.localdate(case["updated_at"]).isoformat(),
        }
        for case in cases
    ]


def audit_list_read(user, cases) -> None:
    """One read event for the list, naming every case shown (ids and organisations)."""
    record_read(
        actor=user,
        object_type="cases.case",
        object_id="mina-sidor",
        object_repr=_("Mina sidor: lista med %(n)s ärenden") % {"n": len(cases)},
        person_civic_number=user.civic_number,
        purpose=PURPOSE,
        changes={
            "cases": [c["id"] for c in cases],
            "organisations": sorted({c["organisation_id"] for c in cases}),
        },
    )


def audit_shadow_read(user, item) -> None:
    record_read(
        actor=user,
        object_type="channel.shadowcase",
        object_id=f"{item.system_name}:{item.external_id}"[:64],
        object_repr=str(item.title)[:200],
        person_civic_number=user.civic_number,
        purpose=PURPOSE,
    )


@dataclass
class CaseView:
    case: object
    log: list
    attachments: list
    conversations: list
    submissions: list
    can_reply: bool


def case_view(user, pk) -> CaseView | None:
    """One case as the citizen may see it, or ``None`` (404). Audited."""
    citizen = citizen_for(user)
    case = case_access.citizen_case(citizen, pk)
    if case is None:
        return None
    record_read(actor=user, obj=case, organisation=case.organisation_id, purpose=PURPOSE)
    return CaseView(
        case=case,
        log=list(case_access.visible_log(case, citizen)),
        attachments=list(case_access.visible_attachments(case, citizen)),
        conversations=case_access.citizen_conversations(citizen, case),
        submissions=(
            [s for s in submitted_for(user) if s.case_id == case.pk]
            if case.origin == "web_form"  # only e-service cases have a submitted form
            else []
        ),
        can_reply=case.is_active,
    )


def attachment(user, case_pk, attachment_pk):
    """``(attachment, open file)`` of a visible attachment, or ``None``. Audited."""
    row = case_access.citizen_attachment(citizen_for(user), case_pk, attachment_pk)
    if row is None:
        return None
    record_read(
        actor=user,
        obj=row,
        organisation=row.case.organisation_id,
        purpose=_("Nedladdning av bilaga på Mina sidor"),
        changes={"case": row.case_id, "sha256": row.sha256},
    )
    return row, row.file.storage.open(row.file.name, "rb")


def submission(user, pk):
    """One of the citizen's own submitted forms, or ``None``."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return next((s for s in submitted_for(user) if s.pk == pk), None)


def audit_submission_read(user, sub) -> None:
    record(
        "read",
        actor=user,
        obj=sub,
        organisation=sub.eservice.organisation_id,
        purpose=_("Kvittens (PDF) på Mina sidor"),
    )


def shadow_case(user, pk: int):
    item = shadow.shadow_case(user.civic_number, pk)
    if item is not None:
        audit_shadow_read(user, item)
    return item
