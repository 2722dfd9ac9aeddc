"""Webhook staff pages in a real browser: an administrator finds a failing subscription,
reads the delivery log and resumes it; the held delivery reaches the receiver on loopback
with a valid signature. axe finds no WCAG 2.1 AA violations on the pages."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from sambruk.channel.models import FeedEntry, SubscriptionState, WebhookDelivery
from sambruk.channel.services.webhooks import create_subscription
from sambruk.channel.tests.conftest import Receiver
from sambruk.channel.webhooks import verify_signature
from sambruk.core.accounts.models import DemoDevice
from sambruk.core.organisations.tests.factories import OrganisationFactory

from .conftest import axe_violations
from .test_workspace_e2e import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECRET = "whsec_e2e"  # noqa: S105


def test_admin_resumes_a_failing_subscription(live_server, browser, settings, member):
    settings.DEMO_MODE = True
    settings.CHANNEL_WEBHOOK_ALLOW_HTTP = True
    settings.CHANNEL_WEBHOOK_ALLOW_PRIVATE = True  # receivers on loopback
    org = OrganisationFactory(name="Sandvikens kommun")
    admin = member(org, "org_admin", email="sara@example.se", full_name="Sara Admin")
    DemoDevice.objects.create(user=admin, name="Demo", confirmed=True)
    with Receiver() as receiver:
        sub = create_subscription(
            actor=None, organisation=org, name="Växelkoppling", url=receiver.url, secret=SECRET
        )
        sub.state = SubscriptionState.FAILING
        sub.failing_since = timezone.now()
        sub.save()
        entry = FeedEntry.objects.create(
            organisation=org, seq=1, name="case.closed", at=timezone.now(), case_reference="X-1"
        )
        WebhookDelivery.objects.create(
            subscription=sub,
            entry=entry,
            status="failed",
            attempts=10,
            response_code=503,
            last_error="HTTP 503",
        )

        base = live_server.url
        page = browser.new_context(locale="sv-SE").new_page()
        page.goto(base + "/konto/logga-in/?next=/kanal/webhooks/")
        page.get_by_label("E-postadress").fill("sara@example.se")
        page.get_by_label("Lösenord").fill(PASSWORD)
        page.get_by_role("button", name="Fortsätt").click()
        page.get_by_label("Engångskod").fill("000000")
        page.get_by_role("button", name="Logga in").click()
        page.wait_for_url(base + "/kanal/webhooks/")
        assert axe_violations(page) == []
        page.get_by_role("link", name="Växelkoppling").click()
        page.wait_for_url(f"{base}/kanal/webhooks/{sub.pk}/")
        assert page.get_by_role("cell", name="HTTP 503").is_visible()
        assert axe_violations(page) == []
        # A new secret: shown once on this answer; the old one still signs during the grace.
        page.get_by_role("button", name="Skapa ny hemlighet").click()
        new_secret = page.locator("#new-secret").inner_text()
        assert new_secret.startswith("whsec_") and new_secret != SECRET
        assert axe_violations(page) == []
        page.get_by_role("button", name="Återuppta och skicka om").click()
        page.wait_for_url(f"{base}/kanal/webhooks/{sub.pk}/")
        assert page.get_by_text("1 leveranser skickas om").is_visible()
        assert axe_violations(page) == []

    [request] = receiver.requests
    assert verify_signature(SECRET, request["body"], request["headers"])
    assert verify_signature(new_secret, request["body"], request["headers"])
    assert json.loads(request["body"])["event"] == "case.closed"
    assert WebhookDelivery.objects.get().status == "delivered"
