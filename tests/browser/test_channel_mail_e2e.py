"""Inbound e-mail staff page in a real browser: a mail sent over SMTP to the receiver that
could not be routed is listed; after the administrator makes an access point catch-all, the
"Behandla igen" button turns it into a case. axe finds no WCAG 2.1 AA violations."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

import pytest

from sambruk.cases.models import Case
from sambruk.channel.mail.models import InboundMail, InboundStatus
from sambruk.channel.mail.smtp import make_controller
from sambruk.channel.mail.tests.factories import EmailAccessPointFactory
from sambruk.core.accounts.models import DemoDevice
from sambruk.core.notifications.tests.conftest import free_port
from sambruk.core.organisations.tests.factories import OrganisationFactory

from .conftest import axe_violations
from .test_workspace_e2e import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_retries_a_failed_inbound_mail(live_server, browser, settings, member, tmp_path):
    settings.DEMO_MODE = True
    settings.MEDIA_ROOT = tmp_path
    settings.MAILIN_DOMAINS = ["sambruk.example"]
    org = OrganisationFactory(name="Sandvikens kommun")
    admin = member(org, "org_admin", email="sara@example.se", full_name="Sara Admin")
    DemoDevice.objects.create(user=admin, name="Demo", confirmed=True)
    # The mail goes to an unknown address of the organisation's domain; no catch-all yet.
    point = EmailAccessPointFactory(organisation=org, address="kundcenter@sandviken.example")

    controller = make_controller(host="127.0.0.1", port=free_port())
    controller.start()
    try:
        message = EmailMessage()
        message["From"] = "Tolvan Tolvansson <tolvan@medborgare.example>"
        message["To"] = "bygglov@sandviken.example"
        message["Subject"] = "Fråga om bygglov"
        message.set_content("Behöver jag bygglov för ett förråd?")
        with smtplib.SMTP("127.0.0.1", controller.port) as client:
            client.send_message(message)
        controller.handler.drain()
    finally:
        controller.stop()
        controller.handler.close()
    row = InboundMail.objects.get()
    assert row.status == InboundStatus.FAILED
    assert row.organisation == org  # by the domain of its access points: its staff see it
    # The administrator makes the access point take unknown addresses of the domain.
    point.catch_all = True
    point.save()

    base = live_server.url
    page = browser.new_context(locale="sv-SE").new_page()
    page.goto(base + "/konto/logga-in/?next=/kanal/e-post/")
    page.get_by_label("E-postadress").fill("sara@example.se")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Fortsätt").click()
    page.get_by_label("Engångskod").fill("000000")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(base + "/kanal/e-post/")
    assert page.get_by_role("cell", name="Fråga om bygglov", exact=True).is_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Behandla igen: Fråga om bygglov").click()
    page.wait_for_url(base + "/kanal/e-post/?status=failed")
    assert page.get_by_text("Meddelandet har behandlats").is_visible()
    assert axe_violations(page) == []
    row.refresh_from_db()
    assert row.status == InboundStatus.PROCESSED
    assert Case.objects.get().title == "Fråga om bygglov"
