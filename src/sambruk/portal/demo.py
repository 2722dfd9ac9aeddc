"""Demo data for Mina sidor: Tolvan Tolvansson (191212121212) gets a message thread.

Idempotent: the thread is found by its topic. Runs after the case engine, e-services and
FixaMinGata loaders (order 60).
"""

from __future__ import annotations

from django.db import transaction

from sambruk.core.demo import register_demo_loader

CIVIC_NUMBER = "191212121212"
WORKER = "handlaggare@sandviken.example.se"
TOPIC = "Komplettering av din ansökan"
BODY = (
    "Hej Tolvan!\n\nTack för din ansökan. För att kunna fortsätta handläggningen behöver vi "
    "en kopia av ditt hyreskontrakt. Du kan bifoga den här på Mina sidor.\n\n"
    "Vänliga hälsningar\nKundtjänst, Sandvikens kommun"
)


@register_demo_loader("portal", order=60)
def load_portal_demo(log) -> None:
    from sambruk.cases import services as case_services
    from sambruk.cases.services.citizen import Citizen, cases_for_citizen
    from sambruk.core.accounts.models import User
    from sambruk.core.persons.models import Person

    person = Person.objects.filter(civic_number=CIVIC_NUMBER).first()
    worker = User.objects.filter(email=WORKER).first()
    if person is None or worker is None:
        log("Mina sidor: demopersonen eller handläggaren saknas, hoppar över.")
        return
    mine = cases_for_citizen(Citizen(CIVIC_NUMBER)).filter(organisation__memberships__user=worker)
    if mine.filter(conversations__topic=TOPIC).exists():
        log("Mina sidor: demotråden finns redan.")
        return
    with transaction.atomic():
        case = mine.filter(state__in=["open", "on_hold"]).first()
        if case is None:
            case = _new_case(case_services, worker, person)
            if case is None:
                log("Mina sidor: ingen kö att skapa demoärendet i, hoppar över.")
                return
        conversation = case_services.do_start_conversation(
            case, actor=worker, topic=TOPIC, participants=[person]
        )
        case_services.do_post_message(conversation, actor=worker, body=BODY)
        case_services.do_add_note(
            case,
            actor=worker,
            text="Ansökan har kommit in och handläggningen har påbörjats.",
            visible_to_citizen=True,
        )
    log(f"Mina sidor: meddelandetråd för Tolvan i ärende {case.reference}.")


def _new_case(case_services, worker, person):
    from sambruk.cases.predicates import member_queues

    queue = member_queues(worker).filter(default_case_type__isnull=False).first()
    if queue is None:
        return None
    case_type = queue.default_case_type
    return case_services.do_create(
        actor=worker,
        queue=queue,
        case_type=case_type,
        title="Ansökan om bostadsanpassningsbidrag",
        origin="web_form",
        contacts=[{"person": person, "role": "Sökande"}],
    )
