"""Full-text search (SQLite FTS5 and PostgreSQL ``swedish``), filters and keyset pagination.

Every write goes through the real services inside ``django_capture_on_commit_callbacks``
(``execute=True``), so the index is maintained exactly as in production: by the case-event
subscriber after commit.
"""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from sambruk.cases import services
from sambruk.cases.errors import CaseActionError
from sambruk.cases.models import Case, CaseState
from sambruk.cases.search import search_cases
from sambruk.cases.services.conversations import do_post_message, do_start_conversation
from sambruk.core.accounts.tests.factories import UserFactory

from .factories import CaseTypeFactory, LabelFactory, QueueFactory, caseworker

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Swedish stemming is PostgreSQL's"
)


@pytest.fixture
def world(setup, org_factory, django_capture_on_commit_callbacks):
    """Four cases in ``setup.org`` (one restricted) and one in another organisation."""
    s = setup

    def create(title, description="", **kw):
        with django_capture_on_commit_callbacks(execute=True):
            return services.do_create(
                actor=s.worker,
                queue=kw.pop("queue", s.queue),
                case_type=kw.pop("case_type", s.case_type),
                title=title,
                description=description,
                **kw,
            )

    s.create = create
    s.commit = lambda: django_capture_on_commit_callbacks(execute=True)
    s.lamp = create("Trasiga gatlampor på Storgatan", "Tre lampor lyser inte sedan i måndags.")
    s.bench = create("Parkbänk sönder", "Bänken i Stadsparken är vandaliserad.")
    s.snow = create("Snöröjning Kvarnvägen", "Plogbilen har inte kommit.")
    with s.commit():
        s.secret = services.do_restrict(
            create("Hemlig utredning", "Känsliga uppgifter om gatlampor."), actor=s.worker
        )
    s.other_org = org_factory()
    other_type = CaseTypeFactory(organisation=s.other_org)
    other_queue = QueueFactory(organisation=s.other_org, default_case_type=other_type)
    s.stranger = caseworker(s.other_org, queues=[other_queue])
    with s.commit():
        s.foreign = services.do_create(
            actor=s.stranger,
            queue=other_queue,
            case_type=other_type,
            title="Gatlampor i grannkommunen",
            description="Storgatan även här.",
        )
    return s


def found(user, text=None, **filters):
    return {c.pk for c in search_cases(user, text, **filters).cases}


def test_finds_by_reference_and_title_word(world):
    assert found(world.worker, world.bench.reference) == {world.bench.pk}
    assert found(world.worker, "parkbänk") == {world.bench.pk}
    assert found(world.worker, "Snöröjning") == {world.snow.pk}
    # The reference's date part alone is shared by every case created today.
    date_part = world.bench.reference.split("-")[-2]
    assert world.bench.pk in found(world.worker, date_part)


def test_finds_by_description_note_message_and_contact(world):
    with world.commit():
        services.do_add_note(world.snow, actor=world.worker, text="Ringde entreprenören Blomqvist")
        services.do_add_contact(world.bench, actor=world.worker, name="Märta Lindqvist")
        conversation = do_start_conversation(world.lamp, actor=world.worker, topic="Elektriker")
        do_post_message(conversation, actor=world.worker, body="Reservdelen kommer på fredag")
    assert found(world.worker, "vandaliserad") == {world.bench.pk}
    assert found(world.worker, "Blomqvist") == {world.snow.pk}
    assert found(world.worker, "Lindqvist") == {world.bench.pk}
    assert found(world.worker, "märta lindqvist") == {world.bench.pk}
    assert found(world.worker, "reservdelen") == {world.lamp.pk}
    assert found(world.worker, "elektriker") == {world.lamp.pk}
    # A changed title replaces the old words in the index.
    with world.commit():
        services.do_change_title(world.snow, actor=world.worker, title="Halka på Kvarnvägen")
    assert found(world.worker, "Snöröjning") == set()
    assert found(world.worker, "halka") == {world.snow.pk}


def test_created_case_is_indexed_in_the_creating_transaction(world):
    """``do_create`` writes the search document itself (no after-commit re-index needed):
    found at once by title, description, contact and reference, and the same after a
    full re-index."""
    from sambruk.cases.search import reindex_case

    case = services.do_create(  # on-commit callbacks are not run here
        actor=world.worker,
        queue=world.queue,
        case_type=world.case_type,
        title="Läckande brandpost",
        description="Vatten forsar ut på trottoaren.",
        contacts=[{"name": "Gunnel Ekström", "email": "gunnel@example.se"}],
    )
    for _pass in range(2):
        assert found(world.worker, "brandpost") == {case.pk}
        assert found(world.worker, "trottoaren") == {case.pk}
        assert found(world.worker, "Ekström") == {case.pk}
        assert found(world.worker, case.reference) == {case.pk}
        assert found(world.stranger, "brandpost") == set()
        reindex_case(case.pk)


def test_inbound_mail_case_is_indexed_with_its_first_mail_in_the_creating_transaction(world):
    """The e-mail channel: ``do_create`` then ``do_receive_email`` in one transaction. The
    mail's subject and text are found without an after-commit re-index, the same as after a
    full re-index; a change in between (a note) falls back to the re-index after commit."""
    from django.db import transaction

    from sambruk.cases.search import reindex_case
    from sambruk.cases.services.conversations import do_receive_email
    from sambruk.cases.system import SystemActor

    def new_mail(title, body, note=""):
        with transaction.atomic():
            case = services.do_create(
                actor=None,
                queue=world.queue,
                case_type=world.case_type,
                title=title,
                contacts=[{"name": "Tolvan Tolvansson", "email": "tolvan@example.se"}],
                _skip_permission=True,
            )
            if note:
                services.do_add_note(case, actor=world.worker, text=note)
            do_receive_email(
                case,
                actor=SystemActor("e-post"),
                topic=title,
                sender_email="tolvan@example.se",
                sender_name="Tolvan Tolvansson",
                body=body,
                message_id=f"<{title.split()[0]}@example.se>",
            )
        return case

    case = new_mail("Gatlyktan slocknad", "Lyktan vid Kyrkbacken blinkar.")
    for _pass in range(2):
        assert found(world.worker, "Kyrkbacken") == {case.pk}
        assert found(world.worker, "gatlyktan") == {case.pk}
        assert found(world.worker, "Tolvansson") == {case.pk}
        reindex_case(case.pk)
    with world.commit():
        other = new_mail("Parkbänken trasig", "Sitsen saknas.", note="Snickaren Nyberg")
    assert found(world.worker, "Nyberg") == {other.pk}
    assert found(world.worker, "sitsen") == {other.pk}


def test_several_words_phrase_or_and_exclusion(world):
    assert found(world.worker, "Storgatan lampor") == {world.lamp.pk}
    assert found(world.worker, "parkbänk or snöröjning") == {world.bench.pk, world.snow.pk}
    assert found(world.worker, '"tre lampor"') == {world.lamp.pk}
    assert found(world.worker, '"lampor tre"') == set()
    assert found(world.worker, "sönder -parkbänk") == set()
    assert world.lamp.pk not in found(world.worker, "-storgatan")


def test_restricted_and_other_organisations_cases_are_never_found(world):
    # "gatlampor" is in the restricted case and in the other organisation's case too.
    assert found(world.worker, "gatlampor") == {world.lamp.pk, world.secret.pk}
    assert found(world.other, "gatlampor") == {world.lamp.pk}
    assert found(world.other, "hemlig") == set()
    assert found(world.other, world.secret.reference) == set()
    assert found(world.stranger, "gatlampor") == {world.foreign.pk}
    assert found(world.stranger, "storgatan") == {world.foreign.pk}
    # References are per organisation: the same number may exist there, never our case.
    assert world.lamp.pk not in found(world.stranger, world.lamp.reference)
    assert found(UserFactory(), "parkbänk") == set()  # no membership at all


def test_filters(world):
    label = LabelFactory(organisation=world.org)
    with world.commit():
        services.do_add_label(world.bench, actor=world.worker, label=label)
        services.do_assign(world.snow, actor=world.other)
        services.do_change_due_date(
            world.lamp,
            actor=world.worker,
            due_date=timezone.localdate() - datetime.timedelta(days=2),
        )
        services.do_close(world.bench, actor=world.worker)
    w = world.worker
    assert found(w, label=label) == {world.bench.pk}
    assert found(w, label=[label.pk]) == {world.bench.pk}
    assert found(w, assignee=world.other) == {world.snow.pk}
    assert found(world.other, assignee="me") == {world.snow.pk}
    assert world.snow.pk not in found(w, assignee="none")
    assert found(w, state=CaseState.CLOSED) == {world.bench.pk}
    assert found(w, overdue=True) == {world.lamp.pk}
    assert world.lamp.pk not in found(w, overdue=False)
    assert found(w, "lampor", overdue=True) == {world.lamp.pk}
    assert found(w, status=world.status["avslutad"]) == {world.bench.pk}
    today = timezone.localdate()
    assert found(w, created_from=today, created_to=today.isoformat()) == {
        world.lamp.pk,
        world.bench.pk,
        world.snow.pk,
        world.secret.pk,
    }
    assert found(w, created_to=today - datetime.timedelta(days=1)) == set()
    assert found(w, due_to=today) == {world.lamp.pk}
    other_type = CaseTypeFactory(organisation=world.org)
    typed = world.create("Ny typ av ärende", case_type=other_type)
    assert found(w, case_type=other_type) == {typed.pk}
    assert found(w, queue=world.queue.pk) >= {world.lamp.pk, typed.pk}
    # Filters never widen what the user may see.
    assert found(world.stranger, queue=world.queue) == set()
    with pytest.raises(CaseActionError) as error:
        search_cases(w, created_from="igår")
    assert error.value.code == "invalid_search"
    with pytest.raises(CaseActionError):
        search_cases(w, queue="drop table")
    with pytest.raises(CaseActionError):
        search_cases(w, state="nonsense")


HOSTILE = [
    '"',
    '""',
    "*",
    "AND OR NOT",
    ")(",
    "NEAR(a b)",
    "col:value",
    "^lampor",
    '"unbalanced lampor',
    "-",
    "- -- ---",
    "or or or",
    "lampor OR",
    "OR lampor",
    "lampor AND NOT",
    "\x00\x01lampor\x1f",
    "' ; DROP TABLE cases_case; --",
    "%_%",
    "lampa" * 2000,
    " ".join(["lampor"] * 500),
    "😀 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_never_raises(world, text):
    page = search_cases(world.worker, text)
    assert isinstance(page.cases, list)
    assert Case.objects.filter(pk=world.lamp.pk).exists()


def test_text_without_words_is_ignored_with_a_notice(world):
    page = search_cases(world.worker, ')( * "')
    assert {c.pk for c in page.cases} == {
        world.lamp.pk,
        world.bench.pk,
        world.snow.pk,
        world.secret.pk,
    }
    assert "inga sökbara ord" in page.notice
    assert search_cases(world.worker, "lampor").notice is None


def test_keyset_pagination_is_stable(world):
    extra = [world.create(f"Sidärende {i}") for i in range(7)]
    # Same timestamp for several cases: the pk breaks the tie.
    Case.objects.filter(pk__in=[c.pk for c in extra[:4]]).update(created_at=extra[0].created_at)
    for order in ("-created", "created", "-updated"):
        seen, cursor, pages = [], None, 0
        while True:
            page = search_cases(world.worker, "sidärende", order=order, limit=3, after=cursor)
            seen += [c.pk for c in page.cases]
            pages += 1
            cursor = page.next_cursor
            if cursor is None:
                break
        assert sorted(seen) == sorted(c.pk for c in extra)
        assert len(seen) == len(set(seen))
        assert pages == 3
    # A new case between pages does not shift the next page (newest first).
    first = search_cases(world.worker, "sidärende", limit=3)
    world.create("Sidärende sent")
    second = search_cases(world.worker, "sidärende", limit=3, after=first.next_cursor)
    assert not {c.pk for c in first.cases} & {c.pk for c in second.cases}
    with pytest.raises(CaseActionError):
        search_cases(world.worker, "sidärende", after="inte-en-markör")


def test_reindex_command_backfills(world, capsys):
    # Empty the index the way a database from before migration 0003 would be.
    if connection.vendor == "postgresql":
        Case.objects.update(search_vector=None)
    else:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM cases_case_fts")
    assert found(world.worker, "parkbänk") == set()
    call_command("reindex_cases", batch_size=2)
    out = capsys.readouterr().out
    assert "Klart: 5 ärenden indexerade" in out
    assert "2/5" in out
    assert found(world.worker, "parkbänk") == {world.bench.pk}


@postgres_only
def test_swedish_stemming_on_postgresql(world):
    assert world.lamp.pk in found(world.worker, "lampa")
    assert world.lamp.pk in found(world.worker, "lamporna")
    assert found(world.worker, "vandaliserade") == {world.bench.pk}


def test_sqlite_prefix_search(world):
    if connection.vendor != "sqlite":
        pytest.skip("FTS5 prefix behaviour")
    assert found(world.worker, "parkbä") == {world.bench.pk}
    # "lamp" is a prefix of "lampor", not of "gatlampor" (no compound splitting).
    assert found(world.worker, "lamp") == {world.lamp.pk}
    assert found(world.worker, "gatlamp") == {world.lamp.pk, world.secret.pk}
    # å/ä/ö are letters of their own (remove_diacritics 0).
    assert found(world.worker, "snorojning") == set()
