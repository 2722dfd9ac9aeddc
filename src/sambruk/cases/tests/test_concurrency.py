"""Two caseworkers act on the same case at once, through two real database connections.

PostgreSQL only (``DATABASE_URL=postgres://…``): SQLite has one writer and no row locks.
"""

import threading

import pytest
from django.db import connection, connections

from sambruk.cases import services
from sambruk.cases.errors import CaseActionError
from sambruk.cases.models import Case, CaseLogEntry

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL row locks"
)


@pytest.mark.django_db(transaction=True)
def test_two_caseworkers_assign_at_once_one_wins(setup):
    case = services.do_create(
        actor=setup.worker, queue=setup.queue, case_type=setup.case_type, title="Samtidigt"
    )
    version = case.version
    barrier = threading.Barrier(2)
    results = {}

    def act(user):
        try:
            barrier.wait(timeout=10)
            results[user.pk] = services.do_assign(
                Case.objects.get(pk=case.pk), actor=user, expected_version=version
            )
        except CaseActionError as error:
            results[user.pk] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(u,)) for u in (setup.worker, setup.other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    errors = [r for r in results.values() if isinstance(r, CaseActionError)]
    winners = [r for r in results.values() if isinstance(r, Case)]
    assert len(winners) == 1 and len(errors) == 1
    assert (
        errors[0].message == "Ärendet har ändrats av någon annan. Ladda om sidan och försök igen."
    )
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.assignee_id == winners[0].assignee_id and fresh.version == version + 1
    assert CaseLogEntry.objects.filter(case=case).count() == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_get_distinct_references(setup):
    barrier = threading.Barrier(4)
    refs, failures = [], []

    def create():
        try:
            barrier.wait(timeout=10)
            for _ in range(5):
                refs.append(
                    services.do_create(
                        actor=setup.worker, queue=setup.queue, case_type=setup.case_type, title="R"
                    ).reference
                )
        except Exception as error:  # noqa: BLE001
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert failures == []
    assert sorted(int(r.rsplit("-", 1)[1]) for r in refs) == list(range(1, 21))
