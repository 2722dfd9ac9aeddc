"""The staff pages of webhooks: list, delivery log, resume (organisation administrators)."""

from __future__ import annotations

import pytest
from django.test import Client

from sambruk.channel.models import DeliveryStatus, WebhookDelivery
from sambruk.channel.services.webhooks import create_subscription
from sambruk.core.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def failing(settings):
    from sambruk.channel.models import FeedEntry, SubscriptionState

    settings.CHANNEL_WEBHOOK_ALLOW_HTTP = True
    settings.CHANNEL_WEBHOOK_ALLOW_PRIVATE = True  # receivers on loopback
    org = OrganisationFactory()
    sub = create_subscription(
        actor=None, organisation=org, name="Växelkoppling", url="http://127.0.0.1:9/in"
    )
    sub.state = SubscriptionState.FAILING
    sub.save()
    from django.utils import timezone

    entry = FeedEntry.objects.create(organisation=org, seq=1, name="case.closed", at=timezone.now())
    WebhookDelivery.objects.create(
        subscription=sub,
        entry=entry,
        status="failed",
        attempts=10,
        response_code=503,
        last_error="HTTP 503",
    )
    return org, sub


def test_admin_sees_the_log_and_resumes(failing, member, login):
    org, sub = failing
    client = login(Client(), member(org, "org_admin"))
    listing = client.get("/kanal/webhooks/")
    assert listing.status_code == 200 and "Växelkoppling" in listing.content.decode()
    page = client.get(f"/kanal/webhooks/{sub.pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and "HTTP 503" in text and "case.closed" in text
    assert client.get(f"/kanal/webhooks/{sub.pk}/", {"status": "delivered"}).status_code == 200
    resumed = client.post(f"/kanal/webhooks/{sub.pk}/")
    assert resumed.status_code == 302
    sub.refresh_from_db()
    assert sub.state == "active"
    assert WebhookDelivery.objects.get().status in (DeliveryStatus.PENDING, DeliveryStatus.SENDING)


def test_others_are_refused(failing, member, login):
    org, sub = failing
    other = login(Client(), member(OrganisationFactory(), "org_admin"))
    assert other.get(f"/kanal/webhooks/{sub.pk}/").status_code == 404
    assert other.post(f"/kanal/webhooks/{sub.pk}/").status_code == 404
    worker = login(Client(), member(org, "caseworker"))
    assert worker.get("/kanal/webhooks/").status_code == 403
    assert Client().get("/kanal/webhooks/").status_code == 302  # to the login page
