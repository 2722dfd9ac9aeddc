"""Fixtures of the Mina sidor tests: a kommun with a caseworker, citizens logged in through
the demo Test-legitimation, cases with the citizen as contact, a temporary media root."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse

from sambruk.cases import services as case_services
from sambruk.cases.tests.factories import CaseTypeFactory, QueueFactory, caseworker
from sambruk.core.notifications.tests.conftest import running_smtp, smtp_server  # noqa: F401
from sambruk.core.persons.models import Person

TOLVAN = "191212121212"
TESTA = "198112189876"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _portal_settings(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.DEMO_MODE = True
    settings.SITE_URL = "http://testserver"
    settings.SMS_GATEWAY_URL = ""


def login_citizen(client, index=0):
    """Log in through the demo Test-legitimation (0 = Tolvan, 1 = Testa Påhittadsson)."""
    response = client.post(reverse("accounts:eleg:test"), {"person": index, "next": "/"})
    assert response.status_code == 302, response.content[:300]
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=client.session["_auth_user_id"])


@pytest.fixture
def kommun(db, org_factory):
    org = org_factory(name="Sandvikens kommun")
    case_type = CaseTypeFactory(organisation=org, name="Bygglov")
    queue = QueueFactory(organisation=org, default_case_type=case_type)
    worker = caseworker(org, queues=[queue], full_name="Anna Handläggare")
    return SimpleNamespace(org=org, case_type=case_type, queue=queue, worker=worker)


def person(civic_number: str, given="Tolvan", family="Tolvansson") -> Person:
    return Person.objects.get_or_create(
        civic_number=civic_number, defaults={"given_name": given, "family_name": family}
    )[0]


def make_case(kommun, *, contact=None, title="Bygglov för carport", **kw):
    contacts = [contact] if contact else []
    return case_services.do_create(
        actor=kommun.worker,
        queue=kommun.queue,
        case_type=kommun.case_type,
        title=title,
        contacts=contacts,
        **kw,
    )


def start_thread(
    kommun, case, who, *, body="Vi behöver en ritning.", attachments=(), topic="Komplettering"
):
    conversation = case_services.do_start_conversation(
        case, actor=kommun.worker, topic=topic, participants=[who]
    )
    case_services.do_post_message(
        conversation, actor=kommun.worker, body=body, attachments=attachments
    )
    return conversation
