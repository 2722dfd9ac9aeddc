"""/kanal/e-post/: the staff list of inbound mail (tenancy, audit, retry) and the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sambruk.cases.models import Case
from sambruk.channel.mail import services
from sambruk.channel.mail.models import EmailAccessPoint, InboundMail, InboundStatus
from sambruk.core.audit.models import AuditEvent

from .conftest import mail
from .factories import EmailAccessPointFactory

URL = "/kanal/e-post/"


@pytest.fixture
def failed_ab(db, org_factory, monkeypatch):
    a, b = org_factory(name="Kommun A"), org_factory(name="Kommun B")
    point_a = EmailAccessPointFactory(organisation=a, address="info@a.example")
    EmailAccessPointFactory(organisation=b, address="info@b.example")
    rows = []
    for address, subject in (("info@a.example", "Fråga A"), ("info@b.example", "Fråga B")):
        row = services.store(
            bytes(mail(to=address, subject=subject)),
            envelope_from="tolvan@medborgare.example",
            recipients=[address],
        )
        rows.append(row)

    def broken(*args, **kwargs):
        raise RuntimeError("tillfälligt fel")

    monkeypatch.setattr(services, "do_create", broken)
    for row in rows:
        services.process(row.pk)
    monkeypatch.undo()
    return a, b, point_a, rows


def test_url_name():
    assert reverse("channel_mail:inbound") == URL


def test_admin_sees_own_failed_mail_and_retries_it(
    client, failed_ab, member, login, django_capture_on_commit_callbacks
):
    a, _b, point_a, (row_a, row_b) = failed_ab
    assert {r.status for r in InboundMail.objects.all()} == {InboundStatus.FAILED}
    admin = member(a, "org_admin")
    login(client, admin)
    content = client.get(URL).content.decode()
    assert "Fråga A" in content and "Fråga B" not in content
    assert "tillfälligt fel" in content and "Behandla igen" in content
    assert "info@a.example" in content  # the access point table
    event = AuditEvent.objects.filter(action="read", actor=admin).latest("at")
    assert event.purpose == "Uppföljning av inkommande e-post"

    assert client.post(reverse("channel_mail:retry", args=[row_b.pk])).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("channel_mail:retry", args=[row_a.pk]), {"status": "all"})
    assert response.status_code == 302
    row_a.refresh_from_db()
    assert row_a.status == InboundStatus.PROCESSED
    assert Case.objects.filter(organisation=a).count() == 1
    assert AuditEvent.objects.filter(
        object_type="channel_mail.inboundmail", object_id=str(row_a.pk), action="update"
    ).exists()


def test_caseworker_may_not_see_the_list(client, failed_ab, member, login):
    a = failed_ab[0]
    login(client, member(a, "caseworker"))
    assert client.get(URL).status_code == 403


def test_admin_form_validates_and_audits(client, failed_ab, member, login):
    from sambruk.cases.tests.factories import CaseTypeFactory, QueueFactory

    a, b, point_a, _rows = failed_ab
    admin = member(a, "org_admin", is_staff=True)
    login(client, admin)
    queue_b = QueueFactory(organisation=b)
    add = reverse("admin:channel_mail_emailaccesspoint_add")
    response = client.post(
        add,
        {
            "organisation": a.pk,
            "name": "Bygglov",
            "address": "INFO@a.example",
            "queue": queue_b.pk,
            "case_type": point_a.case_type.pk,
            "active": "on",
        },
    )
    assert response.status_code == 200  # re-shown with errors
    errors = str(response.context["adminform"].form.errors)
    assert "Adressen används redan" in errors
    assert "queue" in response.context["adminform"].form.errors
    queue = QueueFactory(organisation=a)
    response = client.post(
        add,
        {
            "organisation": a.pk,
            "name": "Bygglov",
            "address": "Bygglov@A.example",
            "queue": queue.pk,
            "case_type": CaseTypeFactory(organisation=a).pk,
            "send_receipt": "on",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    point = EmailAccessPoint.objects.get(name="Bygglov")
    assert point.address == "bygglov@a.example"
    assert AuditEvent.objects.filter(
        object_type="channel_mail.emailaccesspoint", object_id=str(point.pk), action="create"
    ).exists()
