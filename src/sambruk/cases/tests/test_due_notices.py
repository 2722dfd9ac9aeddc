"""Due-date digests delivered to a real SMTP server on loopback: one per person per day."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sambruk.cases import services
from sambruk.cases.models import DueNoticeLog, StaffGroup
from sambruk.cases.tasks import send_due_notices
from sambruk.core.notifications.tests.conftest import running_smtp, smtp_server  # noqa: F401

from .factories import CaseTypeFactory, QueueFactory, caseworker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def d(org_factory, settings):
    """Anna (sv) has cases of her own; Bob (en) and a group member share the queue."""
    settings.SITE_URL = "https://sambruk.example.se"
    settings.CASES_DUE_SOON_DAYS = 2

    class D:
        pass

    d = D()
    d.today = timezone.localdate()
    d.org = org_factory()
    d.case_type = CaseTypeFactory(organisation=d.org, resolutions=["Klar"])
    d.queue = QueueFactory(organisation=d.org, name="Kundtjänst")
    d.anna = caseworker(
        d.org, queues=[d.queue], full_name="Anna Andersson", email="anna@example.se"
    )
    d.bob = caseworker(
        d.org, queues=[d.queue], full_name="Bob Brown", email="bob@example.se", language="en"
    )
    d.gun = caseworker(d.org, full_name="Gun Grupp", email="gun@example.se")
    group = StaffGroup.objects.create(organisation=d.org, name="Helgjour")
    group.members.add(d.gun)
    d.queue.member_groups.add(group)
    d.outsider = caseworker(d.org, full_name="Olle Utanför", email="olle@example.se")
    return d


def case(d, title, due_in_days, *, assignee=None, restricted=False):
    created = services.do_create(
        actor=d.anna,
        queue=d.queue,
        case_type=d.case_type,
        title=title,
        due_date=d.today + timedelta(days=due_in_days),
        restricted=restricted,
    )
    if assignee is not None:
        created = services.do_assign(created, actor=assignee)  # takes it: no assignment mail
    return created


def by_recipient(server):
    return {
        env.rcpt_tos[0]: msg for env, msg in zip(server.envelopes, server.messages, strict=True)
    }


def test_one_digest_per_person_then_nothing_the_same_day(running_smtp, d):  # noqa: F811
    overdue_mine = case(d, "Försenat ärende", -3, assignee=d.anna)
    soon_mine = case(d, "Snart dags", 1, assignee=d.anna)
    today_mine = case(d, "Förfaller idag", 0, assignee=d.anna)
    case(d, "Gott om tid", 10, assignee=d.anna)
    unassigned = case(d, "Ingen har tagit det", -1)
    case(d, "Otilldelat men inte försenat", 1)
    closed = case(d, "Avslutat", -5, assignee=d.anna)
    services.do_close(closed, actor=d.anna, resolution=d.case_type.resolutions.get())

    assert send_due_notices() == 3

    running_smtp.wait_for(3)
    mails = by_recipient(running_smtp)
    assert set(mails) == {"anna@example.se", "bob@example.se", "gun@example.se"}

    anna = mails["anna@example.se"]
    assert anna["Subject"].strip() == "Ärenden att bevaka: 2 försenade, 2 förfaller snart"
    text = anna.get_body(("plain",)).get_content()
    for item in (overdue_mine, soon_mine, today_mine, unassigned):
        assert item.reference in text
        assert f"https://sambruk.example.se/arenden/{item.pk}/" in text
        assert item.title in text
    assert (d.today - timedelta(days=3)).isoformat() in text
    assert "Gott om tid" not in text
    assert "Otilldelat men inte försenat" not in text
    assert "Avslutat" not in text
    assert "FÖRSENADE" in text and "tilldelat dig" in text and "otilldelat i Kundtjänst" in text
    html = anna.get_body(("html",)).get_content()
    assert f'href="https://sambruk.example.se/arenden/{overdue_mine.pk}/"' in html

    # Bob and Gun (a member through a group) only get the unassigned overdue case.
    for address in ("bob@example.se", "gun@example.se"):
        body = mails[address].get_body(("plain",)).get_content()
        assert unassigned.reference in body
        assert overdue_mine.reference not in body
    assert DueNoticeLog.objects.get(user=d.anna, day=d.today).case_count == 4

    # A second run the same day sends nothing.
    assert send_due_notices() == 0
    assert len(running_smtp.wait_for(4, timeout=0.5)) == 3


def test_english_for_a_user_with_language_en(running_smtp, d):  # noqa: F811
    mine = case(d, "Broken street lamp", -2, assignee=d.bob)

    assert send_due_notices() == 1

    mail = running_smtp.wait_for(1)[0]
    assert running_smtp.envelopes[0].rcpt_tos == ["bob@example.se"]
    assert mail["Subject"].strip() == "Cases to watch: 1 overdue, 0 due soon"
    text = mail.get_body(("plain",)).get_content()
    assert "Hello Bob Brown!" in text
    assert "OVERDUE" in text and "assigned to you" in text
    assert mine.reference in text
    assert "Försenade" not in text and "FÖRSENADE" not in text


def test_restricted_case_only_to_those_who_may_see_it(running_smtp, d):  # noqa: F811
    hidden = case(d, "Skyddat ärende", -1, restricted=True)  # visible to Anna, who created it

    assert send_due_notices() == 1

    mail = running_smtp.wait_for(1)[0]
    assert running_smtp.envelopes[0].rcpt_tos == ["anna@example.se"]
    assert hidden.reference in mail.get_body(("plain",)).get_content()


def test_nothing_due_nothing_sent(running_smtp, d):  # noqa: F811
    case(d, "Gott om tid", 10, assignee=d.anna)
    case(d, "Inte försenat", 0)

    assert send_due_notices() == 0
    assert running_smtp.wait_for(1, timeout=0.3) == []
    assert not DueNoticeLog.objects.exists()


def test_next_day_sends_again(running_smtp, d):  # noqa: F811
    case(d, "Försenat", -1, assignee=d.anna)
    assert send_due_notices() == 1
    assert send_due_notices(today=d.today + timedelta(days=1)) == 1
    assert len(running_smtp.wait_for(2)) == 2
    assert DueNoticeLog.objects.filter(user=d.anna).count() == 2
