"""Saved searches (perspektiv): validated, per user, audited, and runnable."""

import pytest

from sambruk.cases import queries, services
from sambruk.cases.errors import CaseActionError
from sambruk.cases.models import SavedSearch
from sambruk.cases.search import run_saved_search
from sambruk.cases.services.saved_searches import do_delete_search, do_save_search
from sambruk.core.audit.models import AuditEvent

from .factories import CaseTypeFactory, QueueFactory, caseworker


def test_save_list_run_and_delete(setup, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        wanted = services.do_create(
            actor=setup.worker, queue=setup.queue, case_type=setup.case_type, title="Gatlampa"
        )
        services.do_create(
            actor=setup.worker, queue=setup.queue, case_type=setup.case_type, title="Gatlampa 2"
        )
        services.do_assign(wanted, actor=setup.worker)
    saved = do_save_search(
        setup.worker,
        name="  Mina lampor ",
        query={"text": "gatlampa", "assignee": "me", "queue": setup.queue, "state": "open"},
    )
    assert saved.name == "Mina lampor"
    assert saved.organisation_id == setup.org.pk
    assert saved.query == {
        "text": "gatlampa",
        "assignee": "me",
        "queue": [setup.queue.pk],
        "state": ["open"],
    }
    assert [s.name for s in queries.saved_searches(setup.worker)] == ["Mina lampor"]
    assert list(queries.saved_searches(setup.other)) == []
    assert [c.pk for c in run_saved_search(setup.worker, saved).cases] == [wanted.pk]
    # "me" is whoever runs it.
    assert run_saved_search(setup.other, saved).cases == []
    assert AuditEvent.objects.filter(
        object_type="cases.savedsearch", object_id=str(saved.pk), action="create"
    ).exists()

    # Saving under the same name overwrites.
    again = do_save_search(setup.worker, name="Mina lampor", query={"overdue": "true"})
    assert again.pk == saved.pk
    assert SavedSearch.objects.get(pk=saved.pk).query == {"overdue": True}
    assert SavedSearch.objects.filter(user=setup.worker).count() == 1

    # Only the owner deletes.
    with pytest.raises(CaseActionError) as error:
        do_delete_search(setup.other, saved_search=saved)
    assert error.value.code == "not_found"
    do_delete_search(setup.worker, saved_search=saved.pk)
    assert list(queries.saved_searches(setup.worker)) == []
    assert AuditEvent.objects.filter(
        object_type="cases.savedsearch", object_id=str(saved.pk), action="delete"
    ).exists()
    with pytest.raises(CaseActionError):
        do_delete_search(setup.worker, saved_search="x; drop")


@pytest.mark.parametrize(
    ("name", "query", "message"),
    [
        ("", {"text": "a"}, "Ge perspektivet ett namn."),
        ("x" * 121, {"text": "a"}, "Namnet får vara högst 120 tecken."),
        ("Tomt", {}, "Perspektivet har inga filter."),
        ("Tomt", {"text": "", "queue": None}, "Perspektivet har inga filter."),
        ("Okänd", {"sql": "1"}, "Okända sökfilter: sql."),
        ("Okänd", {"organisation": 5}, "Okända sökfilter: organisation."),
        ("Lista", ["text"], "Sökningen måste vara en uppsättning filter."),
        ("Datum", {"created_from": "2024-13-45"}, "Ogiltigt datum för created_from (ÅÅÅÅ-MM-DD)."),
        ("Id", {"queue": "-1"}, "Ogiltigt värde för queue."),
        ("Id", {"label": [1, "x"]}, "Ogiltigt värde för label."),
        ("Bool", {"overdue": "kanske"}, "Ogiltigt värde för förfallna ärenden."),
        ("Läge", {"state": "deleted"}, "Okänt läge."),
        ("Sort", {"order": "reference"}, "Okänd sortering."),
        ("Text", {"text": 5}, "Söktexten måste vara text."),
        ("Text", {"text": "a" * 501}, "Söktexten får vara högst 500 tecken."),
    ],
)
def test_invalid_saved_searches_are_refused(setup, name, query, message):
    with pytest.raises(CaseActionError) as error:
        do_save_search(setup.worker, name=name, query=query)
    assert str(error.value) == message
    assert not SavedSearch.objects.exists()


def test_perspektiv_belongs_to_an_organisation_the_user_may_search(setup, org_factory):
    other = org_factory()
    with pytest.raises(CaseActionError) as error:
        do_save_search(setup.worker, name="Fel", query={"text": "a"}, organisation=other)
    assert error.value.code == "permission_denied"
    stranger_type = CaseTypeFactory(organisation=other)
    stranger = caseworker(other, queues=[QueueFactory(organisation=other)])
    saved = do_save_search(stranger, name="Min", query={"case_type": stranger_type.pk})
    assert saved.organisation_id == other.pk
    # Another organisation's user cannot see or run into our perspektiv.
    assert list(queries.saved_searches(setup.worker)) == []
    assert [s.pk for s in queries.saved_searches(stranger)] == [saved.pk]
