import pytest

from sambruk.cases.tests.factories import (
    CaseTypeFactory,
    LabelFactory,
    PriorityFactory,
    QueueFactory,
    caseworker,
)


@pytest.fixture
def ws(db, org_factory, login, client):
    """One organisation with a case type, two queues, two caseworkers and a logged-in client."""

    class S:
        pass

    s = S()
    s.org = org_factory()
    s.case_type = CaseTypeFactory(organisation=s.org, resolutions=["Åtgärdat", "Avvisat"])
    s.case_type.resolution_required = True
    s.case_type.save()
    s.queue = QueueFactory(organisation=s.org, name="Kontaktcenter", default_case_type=s.case_type)
    s.queue2 = QueueFactory(organisation=s.org, name="Gata och park")
    s.worker = caseworker(s.org, queues=[s.queue], full_name="Anna Handläggare")
    s.other = caseworker(s.org, queues=[s.queue, s.queue2], full_name="Bo Handläggare")
    s.priority = PriorityFactory(organisation=s.org, name="Hög", colour="#b00020")
    s.label = LabelFactory(organisation=s.org, name="Snöröjning")
    s.client = login(client, s.worker)
    return s
