"""Delivery by e-mail to a real SMTP server on loopback, the daily failure summary, skipping."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from sambruk.core.accounts.tests.factories import UserFactory
from sambruk.core.notifications.tests.conftest import free_port
from sambruk.fixamingata import delivery, services
from sambruk.fixamingata.models import SendState, Source

from .factories import SANDVIKEN

pytestmark = pytest.mark.django_db(transaction=True)


def jpeg() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = "lykta.jpg"
    return buffer


def submit(world, category, **kw):
    data = {
        "lat": SANDVIKEN[0],
        "lon": SANDVIKEN[1],
        "category": category,
        "title": "Trasig gatlykta",
        "detail": "Lyktan vid busshållplatsen är släckt.",
        "photos": [],
        "name": "Åsa Öberg",
        "email": "asa@example.se",
        "phone": "070-1234567",
        "show_name": False,
        "source": Source.STAFF,
        **kw,
    }
    return services.submit_report(**data)


def test_report_is_mailed_to_the_category_contact(world, running_smtp):
    light = world.cat(world.sandviken_body, "Gatubelysning")
    light.contact_email = "belysning@sandviken.example.se"
    light.attributes = [
        {
            "code": "antal",
            "datatype": "singlevaluelist",
            "required": False,
            "order": 1,
            "description": "Hur många lampor är släckta?",
            "values": [{"key": "flera", "name": "Flera"}, {"key": "1", "name": "En"}],
        }
    ]
    light.save()

    report = submit(world, light, photos=[jpeg()], attributes={"antal": "flera"})
    report.refresh_from_db()
    assert report.send_state == SendState.SENT
    assert report.send_method_used == "email"

    mail = next(m for m in running_smtp.wait_for(1) if m["To"] == "belysning@sandviken.example.se")
    assert "Trasig gatlykta" in mail["Subject"] and "Gatubelysning" in mail["Subject"]
    assert mail["Reply-To"] == "asa@example.se"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    html = mail.get_body(preferencelist=("html",)).get_content()
    map_link = (
        f"https://www.openstreetmap.org/?mlat={SANDVIKEN[0]:.6f}&mlon={SANDVIKEN[1]:.6f}"
        f"#map=18/{SANDVIKEN[0]:.6f}/{SANDVIKEN[1]:.6f}"
    )
    assert map_link in text
    assert map_link.replace("&", "&amp;") in html
    assert "Lyktan vid busshållplatsen är släckt." in text
    assert "Hur många lampor är släckta?: Flera" in text
    assert "070-1234567" in text and "asa@example.se" in text
    assert f"/fixamingata/rapport/{report.pk}/bild/1/" in text
    assert f"/fixamingata/rapport/{report.pk}/bild/1/" in html
    assert f"/fixamingata/rapport/{report.pk}/" in text


def test_body_address_is_used_when_the_category_has_none(world, running_smtp):
    report = submit(world, world.cat(world.gavle_body, "Klotter"), lat=60.6749, lon=17.1413)
    report.refresh_from_db()
    assert report.send_state == SendState.SENT
    recipients = [m["To"] for m in running_smtp.wait_for(1)]
    assert world.gavle_body.contact_email in recipients


def test_send_method_none_is_skipped(world, running_smtp):
    world.sandviken_body.send_method = "none"
    world.sandviken_body.save()
    report = submit(world, world.cat(world.sandviken_body, "Klotter"))
    report.refresh_from_db()
    assert report.send_state == SendState.SKIPPED
    assert report.case_id is not None  # still a case in the workspace
    assert delivery.retry_unsent(now=timezone.now() + timedelta(hours=1)) == 0


def test_unconfirmed_report_is_not_delivered(world, running_smtp):
    report = submit(world, world.cat(world.sandviken_body, "Klotter"), source=Source.WEB)
    report.refresh_from_db()
    assert report.send_state == SendState.UNSENT
    assert report.send_attempts == 0
    delivery.retry_unsent(now=timezone.now() + timedelta(days=1))
    running_smtp.wait_for(2, timeout=0.5)
    assert [m["To"] for m in running_smtp.messages] == ["asa@example.se"]  # confirmation only


def test_missing_address_is_retried_and_summarised_daily(world, running_smtp, member):
    world.sandviken_body.contact_email = ""
    world.sandviken_body.save()
    admin = member(world.sandviken, "org_admin", email="admin@sandviken.example.se")
    member(world.sandviken, "caseworker", email="hand@sandviken.example.se")
    member(world.gavle, "org_admin", email="admin@gavle.example.se")
    UserFactory(email="plattform@sambruk.example.se", is_superuser=True, is_staff=True)

    report = submit(world, world.cat(world.sandviken_body, "Klotter"))
    report.refresh_from_db()
    assert report.send_state == SendState.UNSENT
    assert "Ingen e-postadress" in report.send_last_error

    assert delivery.send_failure_summary() == 2
    mails = running_smtp.wait_for(2)
    by_to = {m["To"]: m for m in mails}
    assert set(by_to) == {admin.email, "plattform@sambruk.example.se"}
    for mail in by_to.values():
        assert "inte kunde levereras" in mail["Subject"]
        text = mail.get_body(preferencelist=("plain",)).get_content()
        assert "Trasig gatlykta" in text and "Ingen e-postadress" in text

    # Fixed configuration: the next retry delivers; nothing left to summarise.
    world.sandviken_body.contact_email = "ny@sandviken.example.se"
    world.sandviken_body.save()
    assert delivery.retry_unsent(now=timezone.now() + timedelta(minutes=6)) == 1
    assert delivery.send_failure_summary() == 0
    assert "ny@sandviken.example.se" in [m["To"] for m in running_smtp.wait_for(3)]


def test_report_posted_by_the_bodys_own_system_is_not_sent_back(world):
    from sambruk.core.api.services import create_api_client
    from sambruk.fixamingata.roles import SUBMIT_REPORT

    body = world.sandviken_body
    body.send_method = "open311"
    body.open311_endpoint = f"http://127.0.0.1:{free_port()}/open311/v2/"
    body.save()
    client, _token = create_api_client(
        actor=None, organisation=world.sandviken, name="Eget system", scopes=[SUBMIT_REPORT]
    )
    report = submit(world, world.cat(body, "Klotter"), source=Source.OPEN311, api_client=client)
    report.refresh_from_db()
    assert report.send_state == SendState.SKIPPED
    assert report.send_attempts == 0


def test_unhiding_a_report_never_sent_delivers_it(world, running_smtp, member):
    from django.db import transaction

    moderator = member(world.sandviken, "caseworker")
    light = world.cat(world.sandviken_body, "Gatubelysning")
    light.contact_email = "belysning@sandviken.example.se"
    light.save()
    with transaction.atomic():  # hidden before the delivery task runs
        report = submit(world, light)
        services.hide_report(report, actor=moderator, reason="Kontrolleras")
    report.refresh_from_db()
    assert report.send_state == SendState.UNSENT and report.sent_at is None

    services.unhide_report(report, actor=moderator)
    report.refresh_from_db()
    assert report.send_state == SendState.SENT
    mail = next(m for m in running_smtp.wait_for(1) if m["To"] == "belysning@sandviken.example.se")
    assert "Trasig gatlykta" in mail["Subject"]
