"""Logguppföljning: reads of personal data are logged and can be followed up per person."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from sambruk.core.audit.models import AppendOnlyError, AuditEvent
from sambruk.core.audit.services import record_read
from sambruk.core.persons.tests.factories import PersonFactory


@pytest.fixture
def setting(db, org_factory, member):
    a, b = org_factory(), org_factory()
    person = PersonFactory(civic_number="191212121212")
    reader_a = member(a, "caseworker", full_name="Läsa Läsarsson")
    reader_b = member(b, "caseworker", full_name="Bea Bsson")
    auditor = member(a, "auditor")
    record_read(actor=reader_a, obj=person, person=person, organisation=a, purpose="Ärende 1")
    record_read(actor=reader_b, obj=person, person=person, organisation=b, purpose="Ärende i B")
    return a, b, person, auditor


def test_auditor_sees_who_read_the_person_in_own_organisation(client, login, setting):
    a, b, person, auditor = setting
    login(client, auditor)
    response = client.get(
        reverse("audit:person_log"),
        {"personnummer": "19121212-1212", "purpose": "Registerutdrag 42"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ärende 1" in body
    assert "Ärende i B" not in body  # kommun B's reads are not kommun A's business
    assert "19121212-****" in body
    # The follow-up itself is logged, with its purpose.
    assert AuditEvent.objects.filter(
        actor=auditor, object_type="audit.personlog", purpose="Registerutdrag 42"
    ).exists()


def test_csv_export(client, login, setting):
    a, b, person, auditor = setting
    login(client, auditor)
    response = client.get(
        reverse("audit:person_log_export"), {"personnummer": "191212121212", "purpose": "Utdrag"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0] == "Tidpunkt"
    purposes = {r[7] for r in rows[1:]}
    assert "Ärende 1" in purposes and "Ärende i B" not in purposes
    assert AuditEvent.objects.filter(actor=auditor, action="export").exists()


def test_invalid_personnummer_gets_a_swedish_message(client, login, setting):
    *_, auditor = setting
    login(client, auditor)
    response = client.get(
        reverse("audit:person_log"), {"personnummer": "121212-1213", "purpose": "x"}
    )
    assert response.status_code == 200
    assert "fel kontrollsiffra" in response.content.decode()
    response = client.get(
        reverse("audit:person_log_export"), {"personnummer": "nej", "purpose": "x"}
    )
    assert response.status_code == 400


def test_caseworker_may_not_follow_up(client, login, setting, member):
    a, *_ = setting
    login(client, member(a, "caseworker"))
    assert client.get(reverse("audit:person_log")).status_code == 403


def test_audit_events_cannot_be_changed_or_deleted(setting):
    event = AuditEvent.objects.first()
    event.purpose = "ändrat"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(purpose="x")


def test_admin_offers_no_edit_or_delete(client, login, setting, db):
    from sambruk.core.accounts.tests.factories import UserFactory

    admin_user = UserFactory(is_staff=True, is_superuser=True)
    login(client, admin_user)
    event = AuditEvent.objects.first()
    change = client.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    delete = client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
