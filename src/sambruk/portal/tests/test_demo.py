"""The demo loader gives Tolvan Tolvansson a message thread on Mina sidor, once."""

from __future__ import annotations

import pytest

from sambruk.cases.models import Conversation, Message
from sambruk.cases.tests.factories import CaseTypeFactory, QueueFactory, caseworker

from ..demo import TOPIC, WORKER, load_portal_demo
from .conftest import TOLVAN, login_citizen, person

pytestmark = pytest.mark.django_db


def test_demo_thread_is_created_once_and_shown(client, org_factory):
    org = org_factory(name="Sandvikens kommun")
    case_type = CaseTypeFactory(organisation=org)
    queue = QueueFactory(organisation=org, default_case_type=case_type)
    caseworker(org, queues=[queue], email=WORKER)
    person(TOLVAN)
    lines = []
    load_portal_demo(lines.append)
    load_portal_demo(lines.append)
    assert Conversation.objects.filter(topic=TOPIC).count() == 1
    assert Message.objects.filter(conversation__topic=TOPIC).count() == 1
    assert "finns redan" in lines[-1]
    login_citizen(client)
    page = client.get("/mina-sidor/")
    assert "Ansökan om bostadsanpassningsbidrag" in page.text
    case = Conversation.objects.get(topic=TOPIC).case
    assert "hyreskontrakt" in client.get(f"/mina-sidor/arende/{case.pk}/").text
