"""Gallring: delete or anonymise closed cases after the case type's retention period."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from sambruk.cases import retention, services
from sambruk.cases.models import (
    Attachment,
    Case,
    CaseContact,
    CaseEvent,
    CaseLogEntry,
    Conversation,
    ConversationParticipant,
    Message,
    RetentionRecord,
)
from sambruk.cases.retention import months_before, run_retention
from sambruk.core.audit.models import AuditEvent
from sambruk.core.persons.tests.factories import PersonFactory

from .factories import CaseTypeFactory, QueueFactory, caseworker

LATER = timedelta(days=400)  # more than 12 months after closing


@pytest.fixture
def r(db, org_factory):
    class R:
        pass

    r = R()
    r.org = org_factory()
    r.deleting = CaseTypeFactory(
        organisation=r.org, name="Felanmälan", retention_months=12, resolutions=["Klar"]
    )
    r.anonymising = CaseTypeFactory(
        organisation=r.org,
        name="Synpunkt",
        retention_months=12,
        retention_action="anonymise",
        resolutions=["Besvarad"],
    )
    r.keeping = CaseTypeFactory(organisation=r.org, name="Arkiveras", resolutions=["Klar"])
    r.queue = QueueFactory(organisation=r.org)
    r.worker = caseworker(r.org, queues=[r.queue], full_name="Anna Handläggare")
    return r


def closed_case(r, case_type, title="Anna Svensson klagar på snöröjningen", close=True):
    case = services.do_create(
        actor=r.worker,
        queue=r.queue,
        case_type=case_type,
        title=title,
        description="Anna Svensson, Storgatan 1, ringde om snön.",
        contacts=[{"name": "Anna Svensson", "email": "anna.svensson@example.se", "phone": "070"}],
    )
    services.do_add_contact(case, actor=r.worker, person=PersonFactory(), role="Anmälare")
    services.do_add_note(case, actor=r.worker, text="Hon bor ensam och har svårt att gå.")
    conversation = Conversation.objects.create(case=case, topic="Snöröjning hos Anna Svensson")
    author = ConversationParticipant.objects.create(
        conversation=conversation, kind="external", name="Anna Svensson", email="a@example.se"
    )
    Message.objects.create(conversation=conversation, author=author, body="Det är fortfarande snö.")
    Attachment.objects.create(
        case=case,
        file=ContentFile(b"%PDF-1.4 test", name="brev.pdf"),
        original_name="brev.pdf",
        content_type="application/pdf",
        size=13,
        sha256="0" * 64,
    )
    if close:
        case = services.do_assign(case, actor=r.worker)
        case = services.do_close(case, actor=r.worker, resolution=case_type.resolutions.first())
    return Case.objects.get(pk=case.pk)


def test_months_before_clamps_the_day():
    moment = datetime(2025, 3, 31, 12, 0)
    assert months_before(moment, 1) == datetime(2025, 2, 28, 12, 0)
    assert months_before(moment, 12) == datetime(2024, 3, 31, 12, 0)
    assert months_before(moment, 25) == datetime(2023, 2, 28, 12, 0)


def test_delete_removes_case_children_and_files_and_keeps_a_record(
    r, django_capture_on_commit_callbacks
):
    case = closed_case(r, r.deleting)
    stored_name = Attachment.objects.get(case=case).file.name
    assert default_storage.exists(stored_name)

    with django_capture_on_commit_callbacks(execute=True):
        result = run_retention(now=case.closed_at + LATER)

    assert result == {"deleted": 1, "anonymised": 0}
    assert not Case.objects.filter(pk=case.pk).exists()
    for model in (CaseContact, CaseLogEntry, CaseEvent, Attachment, Conversation):
        assert not model.objects.filter(case_id=case.pk).exists()
    assert not Message.objects.exists()
    assert not default_storage.exists(stored_name)

    record = RetentionRecord.objects.get()
    assert record.organisation == r.org
    assert record.reference == case.reference
    assert record.case_type_name == "Felanmälan"
    assert record.action == "delete"
    assert record.created_at == case.created_at
    assert record.closed_at == case.closed_at
    assert "12 månader" in record.rule

    event = AuditEvent.objects.get(action="delete", object_id=str(case.pk))
    assert event.actor is None
    assert event.actor_label == "gallring"
    assert event.purpose == "Gallring enligt ärendetyp Felanmälan"
    assert event.organisation_id == r.org.pk
    assert event.object_repr == case.reference  # no title copied into the audit trail
    assert "Anna Svensson" not in str(event.changes)


def test_anonymise_blanks_personal_data_and_keeps_statistics(r, django_capture_on_commit_callbacks):
    case = closed_case(r, r.anonymising)
    stored_name = Attachment.objects.get(case=case).file.name

    with django_capture_on_commit_callbacks(execute=True):
        result = run_retention(now=case.closed_at + LATER)

    assert result == {"deleted": 0, "anonymised": 1}
    after = Case.objects.get(pk=case.pk)
    assert "Anna" not in after.title and after.description == ""
    # what statistics need is kept
    assert (after.case_type, after.status, after.resolution) == (
        case.case_type,
        case.status,
        case.resolution,
    )
    assert (after.created_at, after.closed_at, after.state) == (
        case.created_at,
        case.closed_at,
        case.state,
    )
    contacts = CaseContact.objects.filter(case=case)
    assert contacts.count() == 2
    assert all(c.person_id is None and c.email == "" and c.phone == "" for c in contacts)
    assert "Anmälare" in {c.role for c in contacts}
    texts = " ".join(CaseLogEntry.objects.filter(case=case).values_list("text", flat=True))
    assert "svårt att gå" not in texts and "Anna Svensson" not in texts
    assert "Anna Svensson" not in str(list(CaseLogEntry.objects.filter(case=case).values("data")))
    assert "Anna Svensson" not in str(list(CaseEvent.objects.filter(case=case).values("payload")))
    assert Message.objects.get().body == ""
    assert not ConversationParticipant.objects.exists()
    assert "Anna" not in Conversation.objects.get().topic
    assert not Attachment.objects.filter(case=case).exists()
    assert not default_storage.exists(stored_name)

    record = RetentionRecord.objects.get()
    assert (record.reference, record.action) == (case.reference, "anonymise")
    event = AuditEvent.objects.get(purpose="Gallring enligt ärendetyp Synpunkt")
    assert (event.action, event.actor, event.actor_label) == ("update", None, "gallring")

    # Once is enough: the next run finds nothing to do.
    assert run_retention(now=case.closed_at + LATER + timedelta(days=1)) == {
        "deleted": 0,
        "anonymised": 0,
    }
    assert RetentionRecord.objects.count() == 1


def test_cases_not_yet_due_are_untouched(r):
    recent = closed_case(r, r.deleting, title="Nyss avslutat")
    still_open = closed_case(r, r.deleting, title="Fortfarande öppet", close=False)
    no_rule = closed_case(r, r.keeping, title="Ingen gallringsregel")

    # 11 months after closing: too early. Years later: open and rule-less cases stay.
    assert run_retention(now=recent.closed_at + timedelta(days=330)) == {
        "deleted": 0,
        "anonymised": 0,
    }
    assert Case.objects.filter(pk=recent.pk, title="Nyss avslutat").exists()
    run_retention(now=timezone.now() + timedelta(days=3650))
    assert not Case.objects.filter(pk=recent.pk).exists()
    assert Case.objects.get(pk=still_open.pk).title == "Fortfarande öppet"
    assert Case.objects.get(pk=no_rule.pk).title == "Ingen gallringsregel"
    assert list(RetentionRecord.objects.values_list("reference", flat=True)) == [recent.reference]


def test_batches_cover_every_due_case(r, monkeypatch):
    monkeypatch.setattr(retention, "BATCH_SIZE", 2)
    cases = [closed_case(r, r.deleting, title=f"Ärende {n}") for n in range(5)]

    result = run_retention(now=timezone.now() + LATER)

    assert result == {"deleted": 5, "anonymised": 0}
    assert not Case.objects.filter(pk__in=[c.pk for c in cases]).exists()
    assert RetentionRecord.objects.count() == 5
    assert AuditEvent.objects.filter(actor_label="gallring", action="delete").count() == 5
