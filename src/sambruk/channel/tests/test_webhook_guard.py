"""SSRF guard: webhooks only reach public addresses, checked at subscription time, before
each delivery and on the connection itself (``CHANNEL_WEBHOOK_ALLOW_PRIVATE`` off)."""

from __future__ import annotations

import pytest
import requests
from rest_framework.test import APIClient

from sambruk.cases.tests.factories import CaseFactory, CaseTypeFactory, QueueFactory, caseworker
from sambruk.channel.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from sambruk.channel.netguard import address_kind, guarded_session
from sambruk.channel.services.webhooks import create_subscription
from sambruk.core.organisations.tests.factories import OrganisationFactory

REFUSED = [
    ("127.0.0.1", "loopback"),
    ("127.8.9.10", "loopback"),
    ("::1", "loopback"),
    ("10.1.2.3", "private"),
    ("172.16.0.1", "private"),
    ("172.31.255.254", "private"),
    ("192.168.1.10", "private"),
    ("169.254.169.254", "link_local"),  # cloud metadata service
    ("fe80::1", "link_local"),
    ("fd00::1", "unique_local"),
    ("fc12:3456::1", "unique_local"),
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("ff02::1", "multicast"),
    ("0.0.0.0", "unspecified"),  # noqa: S104
    ("::", "unspecified"),
    ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped IPv6
    ("::ffff:10.0.0.1", "private"),
    ("2002:a00:1::", "private"),  # 6to4 of 10.0.0.1
    ("64:ff9b::a9fe:a9fe", "link_local"),  # NAT64 of 169.254.169.254
    ("100.64.0.1", "reserved"),  # carrier-grade NAT
    ("192.0.2.1", "reserved"),  # documentation
    ("240.0.0.1", "reserved"),
]
PUBLIC = ["1.1.1.1", "194.71.11.69", "2001:4860:4860::8888", "::ffff:8.8.8.8"]


@pytest.mark.parametrize(("address", "kind"), REFUSED)
def test_address_kinds(address, kind):
    assert address_kind(address) == kind


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses(address):
    assert address_kind(address) is None


def _host(address: str) -> str:
    return f"[{address}]" if ":" in address else address


@pytest.fixture
def admin(db, member, login, settings):
    settings.CHANNEL_WEBHOOK_ALLOW_HTTP = False
    settings.CHANNEL_WEBHOOK_ALLOW_PRIVATE = False
    org = OrganisationFactory()
    return org, login(APIClient(), member(org, "org_admin"))


@pytest.mark.parametrize(("address", "kind"), REFUSED)
def test_api_refuses_non_public_addresses(admin, address, kind):
    _org, api = admin
    answer = api.post(
        "/api/webhooks/",
        {"name": "Intern", "url": f"https://{_host(address)}:8443/hook"},
        format="json",
    )
    assert answer.status_code == 400, answer.content
    body = answer.json()
    assert "publika adresser" in " ".join(body["errors"]["url"])
    assert not WebhookSubscription.objects.exists()


@pytest.mark.parametrize(
    ("host", "message"),
    [
        ("localhost", "publika adresser"),  # resolved: 127.0.0.1
        ("finns-inte.invalid", "kunde inte slås upp"),
    ],
)
def test_api_resolves_host_names(admin, host, message):
    _org, api = admin
    answer = api.post(
        "/api/webhooks/", {"name": "Namn", "url": f"https://{host}/hook"}, format="json"
    )
    assert answer.status_code == 400
    assert message in " ".join(answer.json()["errors"]["url"])


def test_api_accepts_public_and_refuses_change_to_private(admin):
    _org, api = admin
    made = api.post(
        "/api/webhooks/", {"name": "Publik", "url": "https://194.71.11.69/in"}, format="json"
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    changed = api.patch(
        f"/api/webhooks/{pk}/", {"url": "https://169.254.169.254/latest/"}, format="json"
    )
    assert changed.status_code == 400
    assert "länklokal" in " ".join(changed.json()["errors"]["url"])
    assert WebhookSubscription.objects.get(pk=pk).url == "https://194.71.11.69/in"


def test_allow_private_setting_permits_loopback(admin, settings):
    settings.CHANNEL_WEBHOOK_ALLOW_PRIVATE = True
    _org, api = admin
    made = api.post(
        "/api/webhooks/", {"name": "Lokal", "url": "https://127.0.0.1:8443/in"}, format="json"
    )
    assert made.status_code == 201


def test_refused_again_at_delivery_time(db, receiver, settings, django_capture_on_commit_callbacks):
    """Allowed when subscribed, refused when the guard is on at delivery: nothing is sent,
    the delivery waits for a retry with the reason in the log."""
    org = OrganisationFactory()
    case_type = CaseTypeFactory(organisation=org)
    queue = QueueFactory(organisation=org, default_case_type=case_type)
    worker = caseworker(org, queues=[queue])
    sub = create_subscription(actor=None, organisation=org, name="Lokal", url=receiver.url)
    settings.CHANNEL_WEBHOOK_ALLOW_PRIVATE = False
    with django_capture_on_commit_callbacks(execute=True):
        CaseFactory(queue=queue, actor=worker)
    delivery = WebhookDelivery.objects.get(subscription=sub)
    assert receiver.requests == []
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    assert delivery.last_error.startswith("Stoppad:")
    assert "127.0.0.1" in delivery.last_error and "loopback" in delivery.last_error


def test_connection_to_a_non_public_peer_is_refused(receiver, settings):
    """The socket's peer is checked too (a name that re-resolves after the check)."""
    settings.CHANNEL_WEBHOOK_ALLOW_PRIVATE = False
    url = receiver.url.replace("127.0.0.1", "localhost")
    with guarded_session() as session, pytest.raises(requests.ConnectionError, match="refused"):
        session.post(url, data=b"{}", timeout=5)
    assert receiver.requests == []
    settings.CHANNEL_WEBHOOK_ALLOW_PRIVATE = True
    with guarded_session() as session:
        assert session.post(url, data=b"{}", timeout=5).status_code == 200
    assert len(receiver.requests) == 1


@pytest.mark.parametrize(
    "url",
    [
        "https://2130706433/hook",  # 127.0.0.1 as one decimal number
        "https://0x7f.1/hook",  # 127.0.0.1 in hex shorthand
        "https://localhost./hook",  # trailing dot
        "https://[fe80::1%25eth0]/hook",  # link-local with a zone id
    ],
)
def test_service_refuses_obfuscated_internal_hosts(db, settings, url):
    """The service checks too (callers other than the API's URLField validation)."""
    from django.core.exceptions import ValidationError

    settings.CHANNEL_WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(ValidationError) as refused:
        create_subscription(actor=None, organisation=OrganisationFactory(), name="X", url=url)
    assert "url" in refused.value.message_dict
    assert not WebhookSubscription.objects.exists()
