"""Concurrent publishers (PostgreSQL): sequence numbers stay gap-free and unique."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest
from django.db import connection
from django.utils import timezone

from sambruk.channel.models import FeedEntry
from sambruk.channel.services.feed import publish_events
from sambruk.core.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_parallel_publishing_numbers_every_event_once():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and parallel writers: PostgreSQL only")
    org = OrganisationFactory()
    errors = []

    def publisher(n):
        from django.db import connection as conn

        try:
            for i in range(25):
                event = SimpleNamespace(
                    pk=None,
                    case_id=None,
                    case=None,
                    name="case.created",
                    at=timezone.now(),
                    payload={"organisation": org.pk, "case": n * 100 + i},
                )
                publish_events([event])
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=publisher, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    seqs = list(FeedEntry.objects.filter(organisation=org).values_list("seq", flat=True))
    assert sorted(seqs) == list(range(1, 101))
    cases = FeedEntry.objects.filter(organisation=org).values_list("case_id", flat=True)
    assert len(set(cases)) == 100
